//! The properties the fuzz targets check, one entry point per target (`fuzz_targets/*.rs`
//! call these and nothing else), so that `cargo test` can replay saved inputs without
//! libFuzzer (tests/regressions.rs).  Each entry point decodes its bytes, runs the code
//! under test and panics when a property does not hold.
//!
//! * [`fat_layout`]: `fatlayout::layout` and the sectors `VfsFat.mkfs` writes from it; the
//!   volume is formatted as src/fat/engine/boot.rs does, compared with the image stock's f_mkfs
//!   writes, parsed back by the boot-record rules of oofatfs and mounted and used with
//!   lamfat (an independent FAT implementation by the specification's rules; the firmware
//!   used it before it had its own engine).
//! * [`fat_names`]: `name_eq`, `ucs2_name_eq` and `upper` against oofatfs's
//!   `ff_wtoupper`.
//! * [`short_name`]: `plain_short_name`, `make_sfn` + `gen_numname` (the entry src/fat/engine
//!   registers: short name, case flags, long name or not) and `sfn_checksum` against the
//!   8.3 rules of oofatfs's `create_name`, the entry stock's f_open writes, and the FAT
//!   specification's checksum.
//!
//! "Stock" is MicroPython 1.26.1's own oofatfs, compiled by build.rs from the tree `make`
//! fetches into build/ ([`oracle`]); without it those comparisons are skipped and
//! `ff_wtoupper` is the transcription in [`names::ff_wtoupper`].
//! * [`path_lookup`]: `path::lookup` against stock `mp_vfs_lookup_path` (transcribed).
//! * [`normalize_dir`]: `path::normalize_dir` against stock littlefs `chdir`'s loop
//!   (transcribed) and a plain component-stack model; idempotent.
//! * [`lfs_image`]: littlefs v1 and v2 through `rustos::lfs` on corrupt images: every call
//!   ends, nothing panics.
//! * [`romfs`]: the ROMFS reader (`romfs.rs`, for vfs.VfsRom) on any image: no panic, every
//!   span inside the image, listings that end.

pub mod layout;
pub mod lfs_image;
pub mod names;
pub mod oracle;
pub mod paths;
pub mod romfs;
pub mod sparse;

pub use layout::fat_layout;
pub use lfs_image::lfs_image;
pub use names::{fat_names, short_name};
pub use paths::{normalize_dir, path_lookup};
pub use romfs::romfs;

/// The names of the fuzz targets, as in Cargo.toml and fuzz/regressions/.
pub const TARGETS: [&str; 7] = [
    "fat_layout",
    "fat_names",
    "short_name",
    "path_lookup",
    "normalize_dir",
    "romfs",
    "lfs_image",
];

/// Run the target called `name` on `data`.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "fat_layout" => fat_layout(data),
        "fat_names" => fat_names(data),
        "short_name" => short_name(data),
        "path_lookup" => path_lookup(data),
        "normalize_dir" => normalize_dir(data),
        "romfs" => romfs(data),
        "lfs_image" => lfs_image(data),
        _ => panic!("no fuzz target {name}"),
    }
}

/// Little-endian u32 from up to four bytes at `at` (missing bytes are zero).
pub(crate) fn le32(data: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    for (i, d) in b.iter_mut().enumerate() {
        *d = data.get(at + i).copied().unwrap_or(0);
    }
    u32::from_le_bytes(b)
}
