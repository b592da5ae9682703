//! MicroPython's `os` and `vfs` modules in Rust.
//!
//! The crate is linked into a MicroPython firmware as a user C module: `c/` registers the
//! modules and defines the object types, every function there calls an `extern "C"` entry
//! point here.  Port-independent logic (errno names, and later paths and filesystems) is
//! plain Rust and tested on the host with `cargo test`; the code that talks to MicroPython
//! is compiled only when the port's build hands us its headers (`cfg(mp)`, see build.rs).
#![cfg_attr(all(mp, not(feature = "std"), not(test)), no_std)]

extern crate alloc;

pub mod errno;
pub mod fat;
pub mod fatlayout;
#[cfg(host_lfs)]
pub mod lfs;
pub mod lfsctz;
pub mod path;
pub mod romfs;

#[cfg(all(mp, not(feature = "std")))]
mod baremetal;
#[cfg(mp)]
mod blockdev;
#[cfg(mp)]
mod ffi;
#[cfg(all(mp, any(vfs_lfs1, vfs_lfs2)))]
mod littlefs;
#[cfg(mp)]
mod lock;
#[cfg(mp)]
mod modos;
#[cfg(mp)]
mod mp;
#[cfg(all(mp, feature = "unix"))]
mod posix;
#[cfg(all(mp, vfs_rom))]
mod rom;
#[cfg(mp)]
mod vfs;
