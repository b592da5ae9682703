//! Compiles the oracle, stock MicroPython's oofatfs (ff.c, ffunicode.c) with the unix
//! port's FAT options, from the MicroPython tree `make` fetches into build/ (or the one
//! RUSTOS_FUZZ_OOFATFS names).  Without that tree the targets build and run without the
//! comparisons against stock (cfg `oofatfs` unset) and say so once.
use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(oofatfs)");
    println!("cargo:rerun-if-env-changed=RUSTOS_FUZZ_OOFATFS");
    println!("cargo:rerun-if-changed=oracle");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = env::var_os("RUSTOS_FUZZ_OOFATFS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../build/micropython-1.26.1/lib/oofatfs"));
    if !dir.join("ff.c").exists() {
        println!(
            "cargo:warning=no oofatfs at {} (run `make check-tree` or set RUSTOS_FUZZ_OOFATFS): \
             building without the comparisons against stock",
            dir.display()
        );
        return;
    }
    for f in ["ff.c", "ffunicode.c", "ff.h", "ffconf.h", "diskio.h"] {
        println!("cargo:rerun-if-changed={}", dir.join(f).display());
    }
    cc::Build::new()
        .file(dir.join("ff.c"))
        .file(dir.join("ffunicode.c"))
        .file(manifest.join("oracle/shim.c"))
        .include(manifest.join("oracle"))
        .include(&dir)
        .define("FFCONF_H", "\"ffconf.h\"")
        .warnings(false)
        .opt_level(2)
        .compile("oofatfs_oracle");
    println!("cargo:rustc-cfg=oofatfs");
}
