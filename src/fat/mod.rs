//! FAT: the engine (safe Rust, host-tested, knows nothing of MicroPython) and vfs.VfsFat,
//! its binding to MicroPython's objects and block devices.
pub mod engine;

#[cfg(all(mp, vfs_fat))]
mod binding;
#[cfg(all(mp, vfs_fat))]
pub use binding::{call_direct, file_truncate_any, is_fat, names_iter, new_mounted, sync_if_fat};
