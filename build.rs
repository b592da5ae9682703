//! Generates Rust bindings to the MicroPython headers of the port being built.
//!
//! The port's build (micropython.mk / micropython.cmake) writes its real compile flags,
//! one argument per line, to the file named by `RUSTOS_CFLAGS_FILE`, and names the
//! directory they are relative to in `RUSTOS_PORT_DIR`.  Without them (plain `cargo test`
//! on the host) no MicroPython bindings are made and only the port-independent logic is
//! compiled, together with littlefs v2 from the MicroPython tree (see `host_littlefs`).
use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rustc-check-cfg=cfg(mp)");
    for (_, cfg) in PORT_SWITCHES {
        println!("cargo:rustc-check-cfg=cfg({cfg})");
    }
    println!("cargo:rerun-if-env-changed=RUSTOS_CFLAGS_FILE");
    println!("cargo:rerun-if-env-changed=RUSTOS_PORT_DIR");
    println!("cargo:rerun-if-env-changed=RUSTOS_CLANG_TARGET");
    println!("cargo:rerun-if-changed=c");
    println!("cargo:rustc-check-cfg=cfg(host_lfs)");
    let Some(flags_file) = env::var_os("RUSTOS_CFLAGS_FILE") else {
        host_littlefs();
        return;
    };
    let flags_file = PathBuf::from(flags_file);
    println!("cargo:rerun-if-changed={}", flags_file.display());
    let port_dir =
        PathBuf::from(env::var_os("RUSTOS_PORT_DIR").expect("RUSTOS_PORT_DIR must be set with RUSTOS_CFLAGS_FILE"));
    let text = std::fs::read_to_string(&flags_file).expect("cannot read RUSTOS_CFLAGS_FILE");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());

    let mut args = clang_args(text.lines().map(str::trim).filter(|l| !l.is_empty()), &port_dir);
    args.push(format!("-I{}", manifest.join("c").display()));
    println!("cargo:rerun-if-env-changed=RUSTOS_CLANG_ARGS");
    if let Ok(extra) = env::var("RUSTOS_CLANG_ARGS") {
        args.extend(extra.split_whitespace().map(String::from));
    }
    if let Ok(t) = env::var("RUSTOS_CLANG_TARGET") {
        if !t.is_empty() {
            args.push(format!("--target={t}"));
        }
    }
    // New qstrs change the generated header: regenerate the bindings then.
    for a in &args {
        if let Some(dir) = a.strip_prefix("-I") {
            let q = Path::new(dir).join("genhdr/qstrdefs.generated.h");
            if q.exists() {
                println!("cargo:rerun-if-changed={}", q.display());
            }
        }
    }

    let bindings = bindgen::Builder::default()
        .header(manifest.join("c/bindgen.h").to_string_lossy())
        .clang_args(&args)
        .use_core()
        .ctypes_prefix("core::ffi")
        .layout_tests(false)
        .generate_comments(false)
        .derive_default(true)
        .allowlist_function(
            "mp_.*|rustos_.*|gc_.*|vstr_.*|qstr_.*|lfs1_.*|lfs2_.*|statvfs|poll|open|read|write|close|lseek|fsync|ftruncate|truncate|utimensat|uname",
        )
        .allowlist_type("mp_.*|rustos_.*|vstr_t|qstr|lfs1_.*|lfs2_.*|statvfs|pollfd|timespec|utsname")
        .allowlist_var("mp_.*|MP_.*|RUSTOS_.*|MICROPY_.*|rustos_.*|LFS1_.*|LFS2_.*")
        .generate()
        .unwrap_or_else(|e| panic!("bindgen failed on the MicroPython headers: {e}\nclang args: {args:?}"));
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("bindings.rs");
    let text = bindings.to_string();
    std::fs::write(&out, &text).expect("cannot write bindings");
    println!("cargo:rustc-cfg=mp");
    for (name, cfg) in PORT_SWITCHES {
        if port_switch(&text, name) {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
}

/// Host builds: littlefs v1 and v2 from the MicroPython tree (the one `make` fetches into
/// build/, or `RUSTOS_MICROPY_DIR`), compiled with stock's options (c/lfs1_options.h,
/// c/lfs2_options.h) and bound by bindgen, for `src/lfs/` and its host tests.  With
/// `RUSTOS_MICROPY_DIR` set the tree must be there (`make test-cargo` sets it); without it
/// a missing tree only leaves littlefs out (cfg `host_lfs` unset), with a warning.
fn host_littlefs() {
    println!("cargo:rerun-if-env-changed=RUSTOS_MICROPY_DIR");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let named = env::var_os("RUSTOS_MICROPY_DIR").map(PathBuf::from);
    let tree = named
        .clone()
        .unwrap_or_else(|| manifest.join("build/micropython-1.26.1"));
    let lfs = tree.join("lib/littlefs");
    if !lfs.join("lfs2.c").exists() {
        if named.is_some() {
            panic!("RUSTOS_MICROPY_DIR={} has no lib/littlefs/lfs2.c", tree.display());
        }
        println!(
            "cargo:warning=no MicroPython tree at {} (run `make check-tree` or set RUSTOS_MICROPY_DIR): \
             building without littlefs",
            tree.display()
        );
        return;
    }
    for v in ["lfs1", "lfs2"] {
        for f in [".c", ".h", "_util.c", "_util.h"] {
            println!("cargo:rerun-if-changed={}", lfs.join(format!("{v}{f}")).display());
        }
        let options = manifest.join(format!("c/{v}_options.h"));
        cc::Build::new()
            .file(lfs.join(format!("{v}.c")))
            .file(lfs.join(format!("{v}_util.c")))
            .include(&lfs)
            .flag("-include")
            .flag(options.to_str().expect("a UTF-8 path"))
            .warnings(false)
            .compile(&format!("rustos_{v}"));
        let header = lfs.join(format!("{v}.h"));
        let bindings = bindgen::Builder::default()
            .header(header.to_string_lossy())
            .clang_arg("-include")
            .clang_arg(options.to_string_lossy())
            .use_core()
            .ctypes_prefix("core::ffi")
            .layout_tests(false)
            .generate_comments(false)
            .derive_default(true)
            .allowlist_function(format!("{v}_.*"))
            .allowlist_type(format!("{v}_.*"))
            .allowlist_var(format!("{}_.*", v.to_uppercase()))
            .generate()
            .unwrap_or_else(|e| panic!("bindgen failed on {}: {e}", header.display()));
        let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join(format!("{v}_bindings.rs"));
        std::fs::write(&out, bindings.to_string()).expect("cannot write bindings");
    }
    println!("cargo:rustc-cfg=host_lfs");
}

/// The port's compile-time choices that decide which code exists (c/rustos_config.h computes
/// each from the port's configuration), and the cfg each one turns on.
const PORT_SWITCHES: [(&str, &str); 5] = [
    ("RUSTOS_HAS_VFS_FAT", "vfs_fat"),
    ("RUSTOS_HAS_VFS_LFS1", "vfs_lfs1"),
    ("RUSTOS_HAS_VFS_LFS2", "vfs_lfs2"),
    ("RUSTOS_HAS_VFS_ROM", "vfs_rom"),
    ("RUSTOS_HAS_VFS_ROM_IOCTL", "vfs_rom_ioctl"),
];

/// Whether the bindings define `name` as a non-zero constant.
fn port_switch(bindings: &str, name: &str) -> bool {
    let decl = format!("pub const {name}: ");
    let Some(at) = bindings.find(&decl) else {
        panic!("{name} is missing from the bindings (c/bindgen.h defines it)");
    };
    let rest = &bindings[at + decl.len()..];
    let value = rest.split('=').nth(1).and_then(|v| v.split(';').next()).map(str::trim);
    value != Some("0")
}

/// Keep the flags that decide what the headers say (defines, include paths, target
/// options) and drop warnings, optimisation and code-generation flags.  Relative include
/// paths are made absolute against the port's directory, where the C compiler runs.
fn clang_args<'a>(flags: impl Iterator<Item = &'a str>, port_dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut flags = flags.peekable();
    let abs = |p: &str| -> String {
        let path = Path::new(p);
        if path.is_absolute() {
            p.to_string()
        } else {
            port_dir.join(path).display().to_string()
        }
    };
    while let Some(f) = flags.next() {
        if let Some(p) = f.strip_prefix("-I") {
            let p = if p.is_empty() {
                flags.next().unwrap_or_default()
            } else {
                p
            };
            out.push(format!("-I{}", abs(p)));
        } else if f == "-include" || f == "-isystem" || f == "-iquote" {
            if let Some(p) = flags.next() {
                out.push(f.to_string());
                out.push(abs(p));
            }
        } else if f == "-D" || f == "-U" {
            if let Some(v) = flags.next() {
                out.push(format!("{f}{v}"));
            }
        } else if f.starts_with("-D")
            || f.starts_with("-U")
            || f.starts_with("-std=")
            || f == "-m32"
            || f.starts_with("-mcpu=")
            || f.starts_with("-mfloat-abi=")
            || f.starts_with("-march=")
            || f.starts_with("-mabi=")
            || f == "-mthumb"
        {
            out.push(f.to_string());
        }
    }
    out
}
