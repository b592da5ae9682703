//! vfs.VfsLfs1 and vfs.VfsLfs2: littlefs v1 and v2 over a block device, both the MicroPython
//! tree's own (lib/littlefs/lfs1.c, lfs2.c: c/lfs1.c and c/lfs2.c compile them with stock's
//! options), so the firmware runs the littlefs stock runs.
//! One implementation serves both, generic over a `Flavor` naming each version's types,
//! calls and constants (the C glue passes the version to every entry point).
//!
//! Behaviour follows stock `extmod/vfs_lfsx*.c`.  One structural difference: when the
//! block device raises inside a littlefs callback, stock longjmps straight out of littlefs
//! (leaving its state mid-operation); here the callback returns an I/O error, littlefs
//! unwinds normally, and the device's exception is re-raised unchanged afterwards.
//! v2 timestamps are littlefs attribute 1: 8 bytes, little-endian ns since 1970.
use core::ffi::{c_char, c_int, c_void};
use core::ptr::addr_of_mut;

use crate::blockdev::{self, BlockDev};
use crate::errno::Errno;
use crate::ffi;
use crate::lfsctz;
use crate::mp::error::errno_number;
use crate::mp::{self, check, entry, io_entry, Error, Io, Obj, Qstr, Result};
use crate::msg;
use crate::path::normalize_dir;
use crate::qstr;

const ATTR_MTIME: u8 = 1;

/// One littlefs version.  The unsafe fns are the C library's calls, one to one.
pub trait Flavor {
    type Lfs;
    type Config;
    type File;
    type FileCfg;
    type Dir;
    type Info: Default;
    /// Per-file storage the version needs besides FileCfg (v2: the mtime attribute).
    type FileExtra;
    const HAS_MTIME: bool;
    const NAME_MAX: u32;
    const O_RDONLY: u32;
    const O_WRONLY: u32;
    const O_RDWR: u32;
    const O_CREAT: u32;
    const O_EXCL: u32;
    const O_TRUNC: u32;
    const O_APPEND: u32;
    fn vfs_type() -> *const ffi::mp_obj_type_t;
    fn file_type(text: bool) -> *const ffi::mp_obj_type_t;
    fn dir_slots() -> (ffi::mp_fun_1_t, ffi::mp_fun_1_t);
    /// Sizes of the read, prog and lookahead buffers, and of each open file's buffer.
    fn buffer_sizes(g: &Geometry) -> [usize; 4];
    /// # Safety
    /// `c` points at a zeroed config inside `ctx`, buffers are as `buffer_sizes` says.
    unsafe fn configure(c: *mut Self::Config, ctx: *mut Vfs<Self>, g: &Geometry, bufs: [*mut c_void; 3])
    where
        Self: Sized;
    /// # Safety
    /// `c` is a config made by `configure`.
    unsafe fn geometry(c: *const Self::Config) -> (u32, u32);
    /// # Safety
    /// As the C call.
    unsafe fn mount(l: *mut Self::Lfs, c: *const Self::Config) -> c_int;
    /// Finish what a power cut interrupted (v2: a half-done move or orphans); v1 does
    /// that itself on its first write.
    /// # Safety
    /// As the C call.
    unsafe fn mkconsistent(l: *mut Self::Lfs) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn format(l: *mut Self::Lfs, c: *const Self::Config) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn unmount(l: *mut Self::Lfs) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn remove(l: *mut Self::Lfs, p: *const c_char) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn mkdir(l: *mut Self::Lfs, p: *const c_char) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn rename(l: *mut Self::Lfs, a: *const c_char, b: *const c_char) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn stat(l: *mut Self::Lfs, p: *const c_char, i: *mut Self::Info) -> c_int;
    /// The v2 mtime attribute into `buf` (bytes read, or negative); v1 has none.
    /// # Safety
    /// As the C call.
    unsafe fn get_mtime(l: *mut Self::Lfs, p: *const c_char, buf: *mut [u8; 8]) -> c_int;
    /// Point the file config at its buffer and, where enabled, the mtime attribute.
    /// # Safety
    /// All pointers are inside one live file object.
    unsafe fn file_setup(
        cfg: *mut Self::FileCfg,
        extra: *mut Self::FileExtra,
        buffer: *mut c_void,
        mtime: Option<*mut [u8; 8]>,
    );
    /// # Safety
    /// As the C call.
    unsafe fn file_open(
        l: *mut Self::Lfs,
        f: *mut Self::File,
        p: *const c_char,
        flags: c_int,
        cfg: *const Self::FileCfg,
    ) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn file_read(l: *mut Self::Lfs, f: *mut Self::File, b: *mut c_void, n: u32) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn file_write(l: *mut Self::Lfs, f: *mut Self::File, b: *const c_void, n: u32) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn file_seek(l: *mut Self::Lfs, f: *mut Self::File, off: i32, whence: c_int) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn file_tell(l: *mut Self::Lfs, f: *mut Self::File) -> c_int;
    /// The handle's size (what it would commit).
    /// # Safety
    /// As the C call.
    unsafe fn file_size(l: *mut Self::Lfs, f: *mut Self::File) -> c_int;
    /// Set the size (zeros fill a gap); the position stays where it was.
    /// # Safety
    /// As the C call; the file is open for writing.
    unsafe fn file_truncate(l: *mut Self::Lfs, f: *mut Self::File, size: u32) -> c_int;
    /// Whether the handle was opened for writing (littlefs 2 only asserts it on truncate,
    /// and its asserts are compiled out).
    /// # Safety
    /// `f` is an open handle.
    unsafe fn file_writable(f: *const Self::File) -> bool;
    /// Write the v2 mtime attribute of a path; v1 has none (HAS_MTIME is false).
    /// # Safety
    /// As the C call.
    unsafe fn set_mtime(l: *mut Self::Lfs, p: *const c_char, buf: *const [u8; 8]) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn file_sync(l: *mut Self::Lfs, f: *mut Self::File) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn file_close(l: *mut Self::Lfs, f: *mut Self::File) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn dir_open(l: *mut Self::Lfs, d: *mut Self::Dir, p: *const c_char) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn dir_read(l: *mut Self::Lfs, d: *mut Self::Dir, i: *mut Self::Info) -> c_int;
    /// # Safety
    /// As the C call.
    unsafe fn dir_close(l: *mut Self::Lfs, d: *mut Self::Dir) -> c_int;
    /// # Safety
    /// As the C call; `cb` counts blocks into `data`.
    unsafe fn traverse(
        l: *mut Self::Lfs,
        cb: unsafe extern "C" fn(*mut c_void, u32) -> c_int,
        data: *mut c_void,
    ) -> c_int;
    /// After a call that may have committed a new version of a file or deleted one: keep
    /// the blocks of every other open handle whose view is now stale from reuse (littlefs
    /// PR 1194, see `V2::shield`).  `synced` is the handle just synced or closed, or null.
    /// v1: nothing.
    /// # Safety
    /// `l` is mounted, under our lock; `synced` is null or a handle opened on `l`.
    unsafe fn shield(_l: *mut Self::Lfs, _synced: *const Self::File) {}
    /// Undo `shield` on a handle about to be closed, so its close commits nothing.
    /// # Safety
    /// `f` is an open handle, under our lock.
    unsafe fn unshield(_f: *mut Self::File) {}
    /// Whether littlefs gave up on the handle after a failed write or sync: until a write
    /// succeeds, its sync then does nothing and reports success (v2's LFS2_F_ERRED).
    /// # Safety
    /// `f` is an open handle, under our lock.
    unsafe fn erred(_f: *const Self::File) -> bool {
        false
    }
    /// What lifts `erred` in littlefs: a write that succeeds (here of nothing), after which
    /// littlefs's sync commits again, everything written before the failure included.
    /// # Safety
    /// `l` is mounted, `f` an open handle, under our lock.
    unsafe fn retry(_l: *mut Self::Lfs, _f: *mut Self::File) -> c_int {
        0
    }
    fn info_is_file(i: &Self::Info) -> bool;
    fn info_size(i: &Self::Info) -> u32;
    fn info_name(i: &Self::Info) -> &[c_char];
}

/// Block geometry and littlefs options of one filesystem.
pub struct Geometry {
    read_size: u32,
    prog_size: u32,
    block_size: u32,
    block_count: u32,
    lookahead: u32,
}

#[repr(C)]
pub struct Vfs<F: Flavor> {
    base: ffi::mp_obj_base_t,
    bdev: BlockDev,
    /// Serialises littlefs calls between threads (src/lock.rs).
    lock: crate::lock::FsLock,
    /// An exception the block device raised during the current littlefs call.
    pending: ffi::mp_obj_t,
    /// The current directory as a str: "/" or "/a/b/" (always with a trailing '/').
    cur_dir: ffi::mp_obj_t,
    enable_mtime: bool,
    /// What a full traversal counted as used, while `used_known`: every littlefs call
    /// that may write clears it (`run`), so statvfs walks again only after a change.
    used_known: bool,
    used_blocks: u32,
    file_buffer: usize,
    lfs: F::Lfs,
    config: F::Config,
    // followed by the read, prog and lookahead buffers (see `new_vfs`)
}

#[repr(C)]
struct File<F: Flavor> {
    base: ffi::mp_obj_base_t,
    /// The filesystem, or null once closed.
    vfs: *mut Vfs<F>,
    mtime: [u8; 8],
    /// `shield` marked this handle dirty to keep its blocks; no write made it so.
    shielded: bool,
    /// The errno of the last failed write or sync: flush and close raise it while littlefs
    /// has given up on the handle (`Flavor::erred`), rather than report success.
    erred: c_int,
    file: F::File,
    cfg: F::FileCfg,
    extra: F::FileExtra,
    // followed by the file's buffer
}

#[repr(C)]
struct Dir<F: Flavor> {
    base: ffi::mp_obj_base_t,
    iternext: ffi::mp_fun_1_t,
    finaliser: ffi::mp_fun_1_t,
    is_str: bool,
    /// The filesystem, or null once the listing is finished.
    vfs: *mut Vfs<F>,
    dir: F::Dir,
}

const fn align8(n: usize) -> usize {
    (n + 7) & !7
}

// The littlefs callbacks, generic over the version.  They run inside littlefs, so they
// never raise: errors become codes, exceptions wait in `pending`.

fn context<F: Flavor>(ctx: *mut c_void) -> *mut Vfs<F> {
    ctx as *mut Vfs<F>
}

fn code<F: Flavor>(vfs: *mut Vfs<F>, r: Result<i32>) -> c_int {
    // SAFETY: a raw projection to this live object's pending slot.
    blockdev::callback_code(r, unsafe { &mut *addr_of_mut!((*vfs).pending) }, -5)
}

fn dev_read<F: Flavor>(vfs: *mut Vfs<F>, block: u32, off: u32, buf: *mut c_void, size: u32) -> c_int {
    // SAFETY: littlefs hands a buffer of `size` writable bytes for this call.
    let buf = unsafe { core::slice::from_raw_parts_mut(buf as *mut u8, size as usize) };
    // SAFETY: vfs is the live object whose config littlefs is using.
    let r = unsafe { (*vfs).bdev.read_ext(block as usize, off as usize, buf) };
    code(vfs, r)
}

fn dev_prog<F: Flavor>(vfs: *mut Vfs<F>, block: u32, off: u32, buf: *const c_void, size: u32) -> c_int {
    // SAFETY: littlefs hands a buffer of `size` readable bytes for this call.
    let buf = unsafe { core::slice::from_raw_parts(buf as *const u8, size as usize) };
    // SAFETY: as dev_read.
    let r = unsafe { (*vfs).bdev.write_ext(block as usize, off as usize, buf) };
    code(vfs, r)
}

fn dev_erase<F: Flavor>(vfs: *mut Vfs<F>, block: u32) -> c_int {
    // SAFETY: as dev_read.
    let r = unsafe { (*vfs).bdev.ioctl_int(blockdev::IOCTL_BLOCK_ERASE, block as usize, true) };
    code(vfs, r.map(|v| v as i32))
}

fn dev_sync<F: Flavor>(vfs: *mut Vfs<F>) -> c_int {
    // SAFETY: as dev_read.
    let r = unsafe { (*vfs).bdev.ioctl_int(blockdev::IOCTL_SYNC, 0, false) };
    code(vfs, r.map(|v| v as i32))
}

macro_rules! callbacks {
    ($cfg:ty, $F:ty) => {
        /// # Safety
        /// Called by littlefs with our config, whose context is our Vfs.
        pub unsafe extern "C" fn read(c: *const $cfg, b: u32, o: u32, buf: *mut c_void, n: u32) -> c_int {
            // SAFETY: c is our config.
            dev_read::<$F>(context(unsafe { (*c).context }), b, o, buf, n)
        }
        /// # Safety
        /// As read.
        pub unsafe extern "C" fn prog(c: *const $cfg, b: u32, o: u32, buf: *const c_void, n: u32) -> c_int {
            // SAFETY: c is our config.
            dev_prog::<$F>(context(unsafe { (*c).context }), b, o, buf, n)
        }
        /// # Safety
        /// As read.
        pub unsafe extern "C" fn erase(c: *const $cfg, b: u32) -> c_int {
            // SAFETY: c is our config.
            dev_erase::<$F>(context(unsafe { (*c).context }), b)
        }
        /// # Safety
        /// As read.
        pub unsafe extern "C" fn sync(c: *const $cfg) -> c_int {
            // SAFETY: c is our config.
            dev_sync::<$F>(context(unsafe { (*c).context }))
        }
    };
}

// A version the port left out has no type in C, so no call ever names it; its name stands
// for the other version, which keeps every `if v == 1` below free of cfgs.
#[cfg(vfs_lfs1)]
pub enum V1 {}
#[cfg(not(vfs_lfs1))]
pub type V1 = V2;
#[cfg(vfs_lfs2)]
pub enum V2 {}
#[cfg(not(vfs_lfs2))]
pub type V2 = V1;

#[cfg(vfs_lfs1)]
mod v1_callbacks {
    use super::*;
    callbacks!(ffi::lfs1_config, V1);
}

#[cfg(vfs_lfs2)]
mod v2_callbacks {
    use super::*;
    callbacks!(ffi::lfs2_config, V2);
}

/// How deep a path leads, read lexically as littlefs 2.11's lfs_dir_find reads it ("x/.."
/// cancels whether or not x exists), a ".." at the root staying there.
fn lexical_depth(p: &[u8]) -> usize {
    let mut depth = 0usize;
    for name in p.split(|&b| b == b'/') {
        match name {
            b"" | b"." => {}
            b".." => depth = depth.saturating_sub(1),
            _ => depth += 1,
        }
    }
    depth
}

/// Whether a path names the root ("", "/", "/.", "d/..", "/..").  littlefs 1 does not
/// refuse the root as remove's target (an empty root is removed) nor as either side of a
/// rename: the filesystem is then corrupt (OSError 52 from every call after; stock does
/// the same).  littlefs 2 refuses with LFS_ERR_INVAL; so do we, for both versions' sake.
///
/// # Safety
/// `p` is NUL-terminated.
#[cfg(vfs_lfs1)]
unsafe fn v1_is_root(p: *const c_char) -> bool {
    // SAFETY: by the caller's guarantee.
    let p = unsafe { core::ffi::CStr::from_ptr(p) }.to_bytes();
    lexical_depth(p) == 0
}

#[cfg(vfs_lfs1)]
impl Flavor for V1 {
    type Lfs = ffi::lfs1_t;
    type Config = ffi::lfs1_config;
    type File = ffi::lfs1_file_t;
    type FileCfg = ffi::lfs1_file_config;
    type Dir = ffi::lfs1_dir_t;
    type Info = ffi::lfs1_info;
    type FileExtra = ();
    const HAS_MTIME: bool = false;
    const NAME_MAX: u32 = ffi::LFS1_NAME_MAX;
    const O_RDONLY: u32 = ffi::lfs1_open_flags_LFS1_O_RDONLY;
    const O_WRONLY: u32 = ffi::lfs1_open_flags_LFS1_O_WRONLY;
    const O_RDWR: u32 = ffi::lfs1_open_flags_LFS1_O_RDWR;
    const O_CREAT: u32 = ffi::lfs1_open_flags_LFS1_O_CREAT;
    const O_EXCL: u32 = ffi::lfs1_open_flags_LFS1_O_EXCL;
    const O_TRUNC: u32 = ffi::lfs1_open_flags_LFS1_O_TRUNC;
    const O_APPEND: u32 = ffi::lfs1_open_flags_LFS1_O_APPEND;
    fn vfs_type() -> *const ffi::mp_obj_type_t {
        &raw const ffi::rustos_type_lfs1
    }
    fn file_type(text: bool) -> *const ffi::mp_obj_type_t {
        if text {
            &raw const ffi::rustos_type_lfs1_textio
        } else {
            &raw const ffi::rustos_type_lfs1_fileio
        }
    }
    fn dir_slots() -> (ffi::mp_fun_1_t, ffi::mp_fun_1_t) {
        (
            Some(ffi::rustos_lfs1_dir_iternext_shim),
            Some(ffi::rustos_lfs1_dir_del_shim),
        )
    }
    fn buffer_sizes(g: &Geometry) -> [usize; 4] {
        // v1: the lookahead is counted in bits.
        [
            g.read_size as usize,
            g.prog_size as usize,
            (g.lookahead / 8) as usize,
            g.prog_size as usize,
        ]
    }
    unsafe fn configure(c: *mut Self::Config, ctx: *mut Vfs<Self>, g: &Geometry, bufs: [*mut c_void; 3]) {
        // SAFETY: by the caller's guarantee.
        let c = unsafe { &mut *c };
        c.context = ctx as *mut c_void;
        c.read = Some(v1_callbacks::read);
        c.prog = Some(v1_callbacks::prog);
        c.erase = Some(v1_callbacks::erase);
        c.sync = Some(v1_callbacks::sync);
        c.read_size = g.read_size;
        c.prog_size = g.prog_size;
        c.block_size = g.block_size;
        c.block_count = g.block_count;
        c.lookahead = g.lookahead;
        [c.read_buffer, c.prog_buffer, c.lookahead_buffer] = bufs;
    }
    unsafe fn geometry(c: *const Self::Config) -> (u32, u32) {
        // SAFETY: by the caller's guarantee.
        unsafe { ((*c).block_size, (*c).block_count) }
    }
    unsafe fn mount(l: *mut Self::Lfs, c: *const Self::Config) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_mount(l, c) }
    }
    unsafe fn mkconsistent(_l: *mut Self::Lfs) -> c_int {
        0
    }
    unsafe fn format(l: *mut Self::Lfs, c: *const Self::Config) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_format(l, c) }
    }
    unsafe fn unmount(l: *mut Self::Lfs) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_unmount(l) }
    }
    unsafe fn remove(l: *mut Self::Lfs, p: *const c_char) -> c_int {
        // SAFETY: p is NUL-terminated (by the caller's guarantee); then the C call.
        unsafe {
            if v1_is_root(p) {
                return ffi::lfs1_error_LFS1_ERR_INVAL;
            }
            ffi::lfs1_remove(l, p)
        }
    }
    unsafe fn mkdir(l: *mut Self::Lfs, p: *const c_char) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_mkdir(l, p) }
    }
    unsafe fn rename(l: *mut Self::Lfs, a: *const c_char, b: *const c_char) -> c_int {
        // SAFETY: a and b are NUL-terminated (by the caller's guarantee); then the C call.
        unsafe {
            if v1_is_root(a) || v1_is_root(b) {
                return ffi::lfs1_error_LFS1_ERR_INVAL;
            }
            ffi::lfs1_rename(l, a, b)
        }
    }
    unsafe fn stat(l: *mut Self::Lfs, p: *const c_char, i: *mut Self::Info) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_stat(l, p, i) }
    }
    unsafe fn get_mtime(_l: *mut Self::Lfs, _p: *const c_char, _buf: *mut [u8; 8]) -> c_int {
        0
    }
    unsafe fn file_setup(cfg: *mut Self::FileCfg, _extra: *mut (), buffer: *mut c_void, _mtime: Option<*mut [u8; 8]>) {
        // SAFETY: by the caller's guarantee.
        unsafe { (*cfg).buffer = buffer };
    }
    unsafe fn file_open(
        l: *mut Self::Lfs,
        f: *mut Self::File,
        p: *const c_char,
        flags: c_int,
        cfg: *const Self::FileCfg,
    ) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_file_opencfg(l, f, p, flags, cfg) }
    }
    unsafe fn file_read(l: *mut Self::Lfs, f: *mut Self::File, b: *mut c_void, n: u32) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_file_read(l, f, b, n) }
    }
    unsafe fn file_write(l: *mut Self::Lfs, f: *mut Self::File, b: *const c_void, n: u32) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_file_write(l, f, b, n) }
    }
    unsafe fn file_seek(l: *mut Self::Lfs, f: *mut Self::File, off: i32, whence: c_int) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_file_seek(l, f, off, whence) }
    }
    unsafe fn file_tell(l: *mut Self::Lfs, f: *mut Self::File) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_file_tell(l, f) }
    }
    unsafe fn file_size(l: *mut Self::Lfs, f: *mut Self::File) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_file_size(l, f) }
    }
    unsafe fn file_truncate(l: *mut Self::Lfs, f: *mut Self::File, size: u32) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_file_truncate(l, f, size) }
    }
    unsafe fn file_writable(f: *const Self::File) -> bool {
        // SAFETY: by the caller's guarantee.
        unsafe { (*f).flags & 3 != ffi::lfs1_open_flags_LFS1_O_RDONLY }
    }
    unsafe fn set_mtime(_l: *mut Self::Lfs, _p: *const c_char, _buf: *const [u8; 8]) -> c_int {
        ffi::lfs1_error_LFS1_ERR_INVAL
    }
    unsafe fn file_sync(l: *mut Self::Lfs, f: *mut Self::File) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_file_sync(l, f) }
    }
    unsafe fn file_close(l: *mut Self::Lfs, f: *mut Self::File) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_file_close(l, f) }
    }
    unsafe fn dir_open(l: *mut Self::Lfs, d: *mut Self::Dir, p: *const c_char) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_dir_open(l, d, p) }
    }
    unsafe fn dir_read(l: *mut Self::Lfs, d: *mut Self::Dir, i: *mut Self::Info) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_dir_read(l, d, i) }
    }
    unsafe fn dir_close(l: *mut Self::Lfs, d: *mut Self::Dir) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_dir_close(l, d) }
    }
    unsafe fn traverse(
        l: *mut Self::Lfs,
        cb: unsafe extern "C" fn(*mut c_void, u32) -> c_int,
        data: *mut c_void,
    ) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs1_traverse(l, Some(cb), data) }
    }
    fn info_is_file(i: &Self::Info) -> bool {
        i.type_ as u32 == ffi::lfs1_type_LFS1_TYPE_REG
    }
    fn info_size(i: &Self::Info) -> u32 {
        i.size
    }
    fn info_name(i: &Self::Info) -> &[c_char] {
        &i.name
    }
}

#[cfg(vfs_lfs2)]
impl Flavor for V2 {
    type Lfs = ffi::lfs2_t;
    type Config = ffi::lfs2_config;
    type File = ffi::lfs2_file_t;
    type FileCfg = ffi::lfs2_file_config;
    type Dir = ffi::lfs2_dir_t;
    type Info = ffi::lfs2_info;
    type FileExtra = ffi::lfs2_attr;
    const HAS_MTIME: bool = true;
    const NAME_MAX: u32 = ffi::LFS2_NAME_MAX;
    const O_RDONLY: u32 = ffi::lfs2_open_flags_LFS2_O_RDONLY;
    const O_WRONLY: u32 = ffi::lfs2_open_flags_LFS2_O_WRONLY;
    const O_RDWR: u32 = ffi::lfs2_open_flags_LFS2_O_RDWR;
    const O_CREAT: u32 = ffi::lfs2_open_flags_LFS2_O_CREAT;
    const O_EXCL: u32 = ffi::lfs2_open_flags_LFS2_O_EXCL;
    const O_TRUNC: u32 = ffi::lfs2_open_flags_LFS2_O_TRUNC;
    const O_APPEND: u32 = ffi::lfs2_open_flags_LFS2_O_APPEND;
    fn vfs_type() -> *const ffi::mp_obj_type_t {
        &raw const ffi::rustos_type_lfs2
    }
    fn file_type(text: bool) -> *const ffi::mp_obj_type_t {
        if text {
            &raw const ffi::rustos_type_lfs2_textio
        } else {
            &raw const ffi::rustos_type_lfs2_fileio
        }
    }
    fn dir_slots() -> (ffi::mp_fun_1_t, ffi::mp_fun_1_t) {
        (
            Some(ffi::rustos_lfs2_dir_iternext_shim),
            Some(ffi::rustos_lfs2_dir_del_shim),
        )
    }
    fn buffer_sizes(g: &Geometry) -> [usize; 4] {
        let cache = g.block_size.min(4 * g.read_size.max(g.prog_size)) as usize;
        [cache, cache, g.lookahead as usize, cache]
    }
    unsafe fn configure(c: *mut Self::Config, ctx: *mut Vfs<Self>, g: &Geometry, bufs: [*mut c_void; 3]) {
        // SAFETY: by the caller's guarantee.
        let c = unsafe { &mut *c };
        c.context = ctx as *mut c_void;
        c.read = Some(v2_callbacks::read);
        c.prog = Some(v2_callbacks::prog);
        c.erase = Some(v2_callbacks::erase);
        c.sync = Some(v2_callbacks::sync);
        c.read_size = g.read_size;
        c.prog_size = g.prog_size;
        c.block_size = g.block_size;
        c.block_count = g.block_count;
        c.block_cycles = 100;
        c.cache_size = Self::buffer_sizes(g)[0] as u32;
        c.lookahead_size = g.lookahead;
        [c.read_buffer, c.prog_buffer, c.lookahead_buffer] = bufs;
    }
    unsafe fn geometry(c: *const Self::Config) -> (u32, u32) {
        // SAFETY: by the caller's guarantee.
        unsafe { ((*c).block_size, (*c).block_count) }
    }
    unsafe fn mount(l: *mut Self::Lfs, c: *const Self::Config) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_mount(l, c) }
    }
    unsafe fn mkconsistent(l: *mut Self::Lfs) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_fs_mkconsistent(l) }
    }
    unsafe fn format(l: *mut Self::Lfs, c: *const Self::Config) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_format(l, c) }
    }
    unsafe fn unmount(l: *mut Self::Lfs) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_unmount(l) }
    }
    unsafe fn remove(l: *mut Self::Lfs, p: *const c_char) -> c_int {
        // SAFETY: the C call; then the handles of a removed file keep their blocks.
        unsafe {
            let r = ffi::lfs2_remove(l, p);
            Self::shield(l, core::ptr::null());
            r
        }
    }
    unsafe fn mkdir(l: *mut Self::Lfs, p: *const c_char) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_mkdir(l, p) }
    }
    unsafe fn rename(l: *mut Self::Lfs, a: *const c_char, b: *const c_char) -> c_int {
        // SAFETY: the C call; then the handles of a file it replaced keep their blocks.
        unsafe {
            let r = ffi::lfs2_rename(l, a, b);
            Self::shield(l, core::ptr::null());
            r
        }
    }
    unsafe fn stat(l: *mut Self::Lfs, p: *const c_char, i: *mut Self::Info) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_stat(l, p, i) }
    }
    unsafe fn get_mtime(l: *mut Self::Lfs, p: *const c_char, buf: *mut [u8; 8]) -> c_int {
        // SAFETY: the C call, reading at most 8 bytes into buf.
        unsafe { ffi::lfs2_getattr(l, p, ATTR_MTIME, buf as *mut c_void, 8) }
    }
    unsafe fn file_setup(
        cfg: *mut Self::FileCfg,
        extra: *mut ffi::lfs2_attr,
        buffer: *mut c_void,
        mtime: Option<*mut [u8; 8]>,
    ) {
        // SAFETY: by the caller's guarantee.
        unsafe {
            (*cfg).buffer = buffer;
            if let Some(m) = mtime {
                *extra = ffi::lfs2_attr {
                    type_: ATTR_MTIME,
                    buffer: m as *mut c_void,
                    size: 8,
                };
                (*cfg).attrs = extra;
                (*cfg).attr_count = 1;
            }
        }
    }
    unsafe fn file_open(
        l: *mut Self::Lfs,
        f: *mut Self::File,
        p: *const c_char,
        flags: c_int,
        cfg: *const Self::FileCfg,
    ) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_file_opencfg(l, f, p, flags, cfg) }
    }
    unsafe fn file_read(l: *mut Self::Lfs, f: *mut Self::File, b: *mut c_void, n: u32) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_file_read(l, f, b, n) }
    }
    unsafe fn file_write(l: *mut Self::Lfs, f: *mut Self::File, b: *const c_void, n: u32) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_file_write(l, f, b, n) }
    }
    unsafe fn file_seek(l: *mut Self::Lfs, f: *mut Self::File, off: i32, whence: c_int) -> c_int {
        // SAFETY: the C call (2.11 works the target out in unsigned arithmetic: no overflow).
        unsafe { ffi::lfs2_file_seek(l, f, off, whence) }
    }
    unsafe fn file_tell(l: *mut Self::Lfs, f: *mut Self::File) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_file_tell(l, f) }
    }
    unsafe fn file_size(l: *mut Self::Lfs, f: *mut Self::File) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_file_size(l, f) }
    }
    unsafe fn file_truncate(l: *mut Self::Lfs, f: *mut Self::File, size: u32) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_file_truncate(l, f, size) }
    }
    unsafe fn file_writable(f: *const Self::File) -> bool {
        // SAFETY: by the caller's guarantee (O_RDWR includes the O_WRONLY bit).
        unsafe { (*f).flags & ffi::lfs2_open_flags_LFS2_O_WRONLY != 0 }
    }
    unsafe fn set_mtime(l: *mut Self::Lfs, p: *const c_char, buf: *const [u8; 8]) -> c_int {
        // SAFETY: the C call, reading 8 bytes from buf.
        unsafe { ffi::lfs2_setattr(l, p, ATTR_MTIME, buf as *const c_void, 8) }
    }
    unsafe fn file_sync(l: *mut Self::Lfs, f: *mut Self::File) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_file_sync(l, f) }
    }
    unsafe fn file_close(l: *mut Self::Lfs, f: *mut Self::File) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_file_close(l, f) }
    }
    unsafe fn dir_open(l: *mut Self::Lfs, d: *mut Self::Dir, p: *const c_char) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_dir_open(l, d, p) }
    }
    unsafe fn dir_read(l: *mut Self::Lfs, d: *mut Self::Dir, i: *mut Self::Info) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_dir_read(l, d, i) }
    }
    unsafe fn dir_close(l: *mut Self::Lfs, d: *mut Self::Dir) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_dir_close(l, d) }
    }
    unsafe fn traverse(
        l: *mut Self::Lfs,
        cb: unsafe extern "C" fn(*mut c_void, u32) -> c_int,
        data: *mut c_void,
    ) -> c_int {
        // SAFETY: the C call.
        unsafe { ffi::lfs2_fs_traverse(l, Some(cb), data) }
    }
    /// littlefs 2.11.0 (stock's too; fixed upstream in 2.11.3 by PR 1194) keeps a block
    /// from reuse only while an open handle is dirty.  A clean handle whose file another
    /// handle then commits (truncated, rewritten) or deletes still points at the old
    /// blocks, which littlefs hands out again: its reads return other data, and a write
    /// through it copies that into the file.  Such a handle is marked dirty, which keeps
    /// its blocks (its traversal includes them) until it is written through (then it is
    /// a writer: the last one synced wins, as littlefs does) or closed (`unshield` first,
    /// so the close commits nothing).  Inline handles hold no blocks.
    unsafe fn shield(l: *mut Self::Lfs, synced: *const Self::File) {
        const NULL_PAIR: [u32; 2] = [u32::MAX; 2];
        let dirty = ffi::lfs2_open_flags_LFS2_F_DIRTY;
        let (inline, writing) = (ffi::lfs2_open_flags_LFS2_F_INLINE, ffi::lfs2_open_flags_LFS2_F_WRITING);
        // SAFETY: by the caller's guarantee; the mlist links littlefs's open handles, those
        // of type REG are lfs2_file_t inside our File objects (only we open files on it).
        unsafe {
            let mut d = (*l).mlist;
            while !d.is_null() {
                let f = d as *mut ffi::lfs2_file_t;
                if u32::from((*d).type_) == ffi::lfs2_type_LFS2_TYPE_REG
                    && !core::ptr::eq(f, synced)
                    && (*f).flags & (dirty | inline) == 0
                {
                    let stale = (*f).m.pair == NULL_PAIR
                        || (!synced.is_null()
                            && (*f).m.pair == (*synced).m.pair
                            && (*f).id == (*synced).id
                            && ((*f).ctz.head != (*synced).ctz.head || (*f).ctz.size != (*synced).ctz.size));
                    if stale {
                        (*f).flags |= dirty;
                        if (*f).flags & writing == 0 {
                            let outer = (f as *mut u8).sub(core::mem::offset_of!(File<V2>, file)) as *mut File<V2>;
                            (*outer).shielded = true;
                        }
                    }
                }
                d = (*d).next;
            }
        }
    }
    unsafe fn unshield(f: *mut Self::File) {
        // SAFETY: by the caller's guarantee.
        unsafe { (*f).flags &= !ffi::lfs2_open_flags_LFS2_F_DIRTY };
    }
    unsafe fn erred(f: *const Self::File) -> bool {
        // SAFETY: by the caller's guarantee.
        unsafe { (*f).flags & ffi::lfs2_open_flags_LFS2_F_ERRED != 0 }
    }
    unsafe fn retry(l: *mut Self::Lfs, f: *mut Self::File) -> c_int {
        // SAFETY: by the caller's guarantee; a write of 0 bytes reads nothing from the buffer.
        unsafe { ffi::lfs2_file_write(l, f, [0u8; 1].as_ptr() as *const c_void, 0) }
    }
    fn info_is_file(i: &Self::Info) -> bool {
        i.type_ as u32 == ffi::lfs2_type_LFS2_TYPE_REG
    }
    fn info_size(i: &Self::Info) -> u32 {
        i.size
    }
    fn info_name(i: &Self::Info) -> &[c_char] {
        &i.name
    }
}

/// Run one littlefs call and turn its outcome into a Result: the device's exception if
/// it raised one, OSError(-code) for a littlefs error, else the (non-negative) value.
/// The call may write: the cached used-block count is dropped.
fn run<F: Flavor>(vfs: *mut Vfs<F>, f: impl FnOnce(*mut F::Lfs) -> c_int) -> Result<c_int> {
    // SAFETY: a raw projection to the lock inside a live object.
    let _g = crate::lock::lock(unsafe { addr_of_mut!((*vfs).lock) })?;
    run_locked(vfs, f)
}

/// `run` for a call that never writes (stat, getattr, directory reads, traversal): the
/// cached used-block count stays.
fn run_ro<F: Flavor>(vfs: *mut Vfs<F>, f: impl FnOnce(*mut F::Lfs) -> c_int) -> Result<c_int> {
    // SAFETY: a raw projection to the lock inside a live object.
    let _g = crate::lock::lock(unsafe { addr_of_mut!((*vfs).lock) })?;
    run_locked_ro(vfs, f)
}

/// `run`, with the lock already dealt with by the caller.
fn run_locked<F: Flavor>(vfs: *mut Vfs<F>, f: impl FnOnce(*mut F::Lfs) -> c_int) -> Result<c_int> {
    // SAFETY: our own field, under the caller's lock; cleared before the call so that
    // nothing counted before it survives, whatever the outcome.
    unsafe { *addr_of_mut!((*vfs).used_known) = false };
    run_locked_ro(vfs, f)
}

/// `run_ro`, with the lock already dealt with by the caller.
fn run_locked_ro<F: Flavor>(vfs: *mut Vfs<F>, f: impl FnOnce(*mut F::Lfs) -> c_int) -> Result<c_int> {
    // SAFETY: vfs is a live object; fields are reached through raw projections so the
    // littlefs callbacks may touch `pending` and `bdev` meanwhile.
    unsafe {
        *addr_of_mut!((*vfs).pending) = core::ptr::null_mut();
        let ret = f(addr_of_mut!((*vfs).lfs));
        let pending = core::mem::replace(&mut *addr_of_mut!((*vfs).pending), core::ptr::null_mut());
        if !pending.is_null() {
            return Err(Error::Exc(Obj(pending)));
        }
        if ret < 0 {
            return Err(Error::OsRaw(-ret));
        }
        Ok(ret)
    }
}

fn config<F: Flavor>(vfs: *mut Vfs<F>) -> *mut F::Config {
    // SAFETY: a raw projection to the config inside a live Vfs.
    unsafe { addr_of_mut!((*vfs).config) }
}

const MAKE_ARGS: [ffi::mp_arg_t; 5] = [
    mp::arg(
        qstr!(MP_QSTR_),
        ffi::RUSTOS_ARG_REQUIRED | ffi::RUSTOS_ARG_OBJ,
        Obj::NONE,
    ),
    mp::arg_int(
        qstr!(MP_QSTR_readsize),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_INT,
        32,
    ),
    mp::arg_int(
        qstr!(MP_QSTR_progsize),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_INT,
        32,
    ),
    mp::arg_int(
        qstr!(MP_QSTR_lookahead),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_INT,
        32,
    ),
    mp::arg_bool(
        qstr!(MP_QSTR_mtime),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_BOOL,
        true,
    ),
];

/// v1 takes no mtime argument (stock's v1 table stops before it).
const MAKE_ARGS_V1: [ffi::mp_arg_t; 4] = [MAKE_ARGS[0], MAKE_ARGS[1], MAKE_ARGS[2], MAKE_ARGS[3]];

struct MakeArgs {
    bdev: Obj,
    read_size: isize,
    prog_size: isize,
    lookahead: isize,
    mtime: bool,
}

fn make_args(v: &[ffi::mp_arg_val_t]) -> MakeArgs {
    // SAFETY: each union field read is the one its table entry's type writes.
    unsafe {
        MakeArgs {
            bdev: Obj(v[0].u_obj),
            read_size: v[1].u_int as isize,
            prog_size: v[2].u_int as isize,
            lookahead: v[3].u_int as isize,
            mtime: v.get(4).is_some_and(|m| m.u_bool),
        }
    }
}

fn parse_make_new(v: u8, n_args: usize, n_kw: usize, args: *const ffi::mp_obj_t) -> Result<MakeArgs> {
    Ok(if v == 1 {
        make_args(&mp::parse_args_kw_array(n_args, n_kw, args, &MAKE_ARGS_V1)?)
    } else {
        make_args(&mp::parse_args_kw_array(n_args, n_kw, args, &MAKE_ARGS)?)
    })
}

fn parse_mkfs(v: u8, n: usize, pos: *const ffi::mp_obj_t, kw: *mut ffi::mp_map_t) -> Result<MakeArgs> {
    Ok(if v == 1 {
        make_args(&mp::parse_args_raw(n, pos, kw, &MAKE_ARGS_V1)?)
    } else {
        make_args(&mp::parse_args_raw(n, pos, kw, &MAKE_ARGS)?)
    })
}

fn positive_u32(v: isize) -> Result<u32> {
    u32::try_from(v).ok().filter(|&v| v > 0).ok_or(Error::Os(Errno::EINVAL))
}

/// A filesystem object with its block device and littlefs configuration (not mounted).
fn new_vfs<F: Flavor>(a: &MakeArgs) -> Result<*mut Vfs<F>> {
    let bdev = BlockDev::new(a.bdev)?;
    bdev.ioctl(blockdev::IOCTL_INIT, 1)?;
    let block_size = bdev.ioctl_int(blockdev::IOCTL_BLOCK_SIZE, 0, true)?;
    let block_count = bdev.ioctl_int(blockdev::IOCTL_BLOCK_COUNT, 0, true)?;
    // Zero sizes would divide by zero inside littlefs (its asserts are compiled out).
    let g = Geometry {
        read_size: positive_u32(a.read_size)?,
        prog_size: positive_u32(a.prog_size)?,
        block_size: positive_u32(block_size)?,
        block_count: positive_u32(block_count)?,
        lookahead: positive_u32(a.lookahead)?,
    };
    let [rb, pb, lb, fb] = F::buffer_sizes(&g);
    let head = align8(core::mem::size_of::<Vfs<F>>());
    let size = head + align8(rb) + align8(pb) + align8(lb.max(1));
    // SAFETY: trampoline allocating a zeroed GC object of `size` bytes.
    let o = check(unsafe { ffi::rustos_try_new_obj(F::vfs_type(), size, false) })?;
    let vfs = o.0 as *mut Vfs<F>;
    // SAFETY: `vfs` is a fresh, zeroed allocation of `size` bytes; we fill in our fields.
    unsafe {
        let base = vfs as *mut u8;
        core::ptr::write(addr_of_mut!((*vfs).bdev), bdev);
        (*vfs).bdev.block_size = g.block_size as usize;
        (*vfs).cur_dir = Obj::from_qstr(qstr!(MP_QSTR__slash_)).0;
        (*vfs).enable_mtime = F::HAS_MTIME && a.mtime;
        (*vfs).file_buffer = fb;
        let bufs = [
            base.add(head) as *mut c_void,
            base.add(head + align8(rb)) as *mut c_void,
            base.add(head + align8(rb) + align8(pb)) as *mut c_void,
        ];
        F::configure(config(vfs), vfs, &g, bufs);
    }
    Ok(vfs)
}

fn mounted<F: Flavor>(a: &MakeArgs) -> Result<Obj> {
    let vfs = new_vfs::<F>(a)?;
    // SAFETY: lfs and config live inside the vfs object.
    run(vfs, |l| unsafe { F::mount(l, config(vfs)) })?;
    // A cut between the two commits of a rename leaves littlefs 2 with a pending move,
    // and until its next write it lists the directory without the entry after the moved
    // one (found by tools/torture; stock has the same).  Finishing the move at mount
    // (no write when there is nothing to finish) shows the tree as it is.  Best effort:
    // the mount stands if the device refuses.
    // SAFETY: reading our own field; the mounted lfs lives inside the vfs object.
    if unsafe { !(*vfs).bdev.is_readonly() } {
        let _ = run(vfs, |l| unsafe { F::mkconsistent(l) });
    }
    Ok(Obj(vfs as ffi::mp_obj_t))
}

/// A filesystem with the default options, mounted (for vfs.mount's auto-detection).
pub fn new_mounted(version: u8, dev: Obj) -> Result<Obj> {
    let a = MakeArgs {
        bdev: dev,
        read_size: 32,
        prog_size: 32,
        lookahead: 32,
        mtime: true,
    };
    if version == 1 {
        mounted::<V1>(&a)
    } else {
        mounted::<V2>(&a)
    }
}

/// The littlefs path (NUL-terminated) for a path argument: relative paths are joined
/// to the current directory.
fn make_path<F: Flavor>(vfs: *mut Vfs<F>, path: Obj) -> Result<alloc::vec::Vec<u8>> {
    make_path_bytes(vfs, path.str_bytes()?)
}

/// make_path from the path's bytes (an import's path arrives as C bytes: no str is made).
fn make_path_bytes<F: Flavor>(vfs: *mut Vfs<F>, p: &[u8]) -> Result<alloc::vec::Vec<u8>> {
    mp::no_nul(p)?;
    let mut out = alloc::vec::Vec::new();
    if p.first() != Some(&b'/') {
        // SAFETY: cur_dir is the str object this vfs keeps.
        let cwd = Obj(unsafe { (*vfs).cur_dir }).str_bytes()?;
        out.try_reserve(cwd.len() + p.len() + 1)
            .map_err(|_| Error::Os(Errno::ENOMEM))?;
        out.extend_from_slice(cwd);
    } else {
        out.try_reserve(p.len() + 1).map_err(|_| Error::Os(Errno::ENOMEM))?;
    }
    out.extend_from_slice(p);
    out.push(0);
    Ok(out)
}

fn cstr(p: &[u8]) -> *const c_char {
    p.as_ptr() as *const c_char
}

fn stat_info<F: Flavor>(vfs: *mut Vfs<F>, p: &[u8]) -> Result<F::Info> {
    let mut info = F::Info::default();
    // SAFETY: p is NUL-terminated; info is filled by littlefs.
    run_ro(vfs, |l| unsafe { F::stat(l, cstr(p), &mut info) })?;
    Ok(info)
}

fn mode_of<F: Flavor>(info: &F::Info) -> isize {
    if F::info_is_file(info) {
        ffi::RUSTOS_S_IFREG as isize
    } else {
        ffi::RUSTOS_S_IFDIR as isize
    }
}

// The operations, generic; the entry points at the end dispatch on the version.

fn mkfs<F: Flavor>(a: &MakeArgs) -> Result<Obj> {
    let vfs = new_vfs::<F>(a)?;
    // SAFETY: lfs and config live inside the (temporary) vfs object.
    run(vfs, |l| unsafe { F::format(l, config(vfs)) })?;
    Ok(Obj::NONE)
}

fn mount<F: Flavor>(vfs: *mut Vfs<F>, readonly: Obj) -> Result<Obj> {
    if readonly.is_true()? {
        // SAFETY: self of the method; only the device's write method is dropped.
        unsafe { (*vfs).bdev.set_readonly() };
    }
    Ok(Obj::NONE)
}

fn umount<F: Flavor>(vfs: *mut Vfs<F>) -> Result<Obj> {
    // SAFETY: littlefs unmount only releases state.
    run(vfs, |l| unsafe { F::unmount(l) })?;
    Ok(Obj::NONE)
}

fn path_call<F: Flavor>(vfs: *mut Vfs<F>, path: Obj, f: unsafe fn(*mut F::Lfs, *const c_char) -> c_int) -> Result<Obj> {
    let p = make_path(vfs, path)?;
    // SAFETY: p is NUL-terminated.
    run(vfs, |l| unsafe { f(l, cstr(&p)) })?;
    Ok(Obj::NONE)
}

fn rename<F: Flavor>(vfs: *mut Vfs<F>, old: Obj, new: Obj) -> Result<Obj> {
    let (a, b) = (make_path(vfs, old)?, make_path(vfs, new)?);
    // SAFETY: both paths are NUL-terminated.
    run(vfs, |l| unsafe { F::rename(l, cstr(&a), cstr(&b)) })?;
    Ok(Obj::NONE)
}

fn chdir<F: Flavor>(vfs: *mut Vfs<F>, path: Obj) -> Result<Obj> {
    let p = make_path(vfs, path)?;
    let bare = &p[..p.len() - 1];
    if bare.len() > 1 {
        match stat_info(vfs, &p) {
            Ok(info) if !F::info_is_file(&info) => {}
            Err(Error::Exc(e)) => return Err(Error::Exc(e)),
            _ => return Err(Errno::ENOENT.into()),
        }
    }
    let cwd = Obj::new_str(&normalize_dir(bare).ok_or(Error::Os(Errno::ENOMEM))?)?;
    // SAFETY: self of the method; the new str is kept by the object from now on.
    unsafe { (*vfs).cur_dir = cwd.0 };
    Ok(Obj::NONE)
}

fn getcwd<F: Flavor>(vfs: *mut Vfs<F>) -> Result<Obj> {
    // SAFETY: cur_dir is the str object this vfs keeps.
    let b = Obj(unsafe { (*vfs).cur_dir }).str_bytes()?;
    if b.len() <= 1 {
        return Ok(Obj::from_qstr(qstr!(MP_QSTR__slash_)));
    }
    Obj::new_str(&b[..b.len() - 1])
}

fn stat<F: Flavor>(vfs: *mut Vfs<F>, path: Obj) -> Result<Obj> {
    let p = make_path(vfs, path)?;
    let info = stat_info(vfs, &p)?;
    let mut buf = [0u8; 8];
    // SAFETY: p is NUL-terminated; buf receives at most 8 bytes.  A missing attribute is
    // not an error here: the file simply has no timestamp.
    let n = run_ro(vfs, |l| unsafe { F::get_mtime(l, cstr(&p), &mut buf).max(0) })?;
    let mtime = if n == 8 {
        // SAFETY: a pure conversion in C (to the port's epoch).
        unsafe { ffi::rustos_seconds_from_ns_1970(u64::from_le_bytes(buf)) as isize }
    } else {
        0
    };
    let (zero, t) = (Obj::from_int(0)?, Obj::from_int(mtime)?);
    let size = Obj::from_uint(F::info_size(&info) as u64)?;
    Obj::new_tuple(&[
        Obj::from_int(mode_of::<F>(&info))?,
        zero,
        zero,
        zero,
        zero,
        zero,
        size,
        t,
        t,
        t,
    ])
}

/// # Safety
/// Called by littlefs with the counter we passed.
unsafe extern "C" fn count_block(data: *mut c_void, _block: u32) -> c_int {
    // SAFETY: data is the u32 counter in statvfs.
    unsafe { *(data as *mut u32) += 1 };
    0
}

/// The used-block count: a full traversal, or what the last one counted if no call that
/// may write has run since.  Checked and stored under the lock, so a write from another
/// thread cannot slip between the walk and the store.
fn used_blocks<F: Flavor>(vfs: *mut Vfs<F>) -> Result<u32> {
    // SAFETY: a raw projection to the lock inside a live object.
    let _g = crate::lock::lock(unsafe { addr_of_mut!((*vfs).lock) })?;
    // SAFETY: our own fields, under the lock.
    unsafe {
        if *addr_of_mut!((*vfs).used_known) {
            return Ok(*addr_of_mut!((*vfs).used_blocks));
        }
    }
    let mut used: u32 = 0;
    // SAFETY: the callback only counts into `used`.
    run_locked_ro(vfs, |l| unsafe {
        F::traverse(l, count_block, &mut used as *mut u32 as *mut c_void)
    })?;
    // SAFETY: our own fields, under the lock.
    unsafe {
        *addr_of_mut!((*vfs).used_blocks) = used;
        *addr_of_mut!((*vfs).used_known) = true;
    }
    Ok(used)
}

fn statvfs<F: Flavor>(vfs: *mut Vfs<F>) -> Result<Obj> {
    let used = used_blocks(vfs)?;
    // SAFETY: reading our own config.
    let (bs, bc) = unsafe { F::geometry(config(vfs)) };
    let bsize = Obj::from_uint(bs as u64)?;
    let free = Obj::from_int(bc as isize - used as isize)?;
    let zero = Obj::from_int(0)?;
    let name_max = Obj::from_int(F::NAME_MAX as isize)?;
    Obj::new_tuple(&[
        bsize,
        bsize,
        Obj::from_uint(bc as u64)?,
        free,
        free,
        zero,
        zero,
        zero,
        zero,
        name_max,
    ])
}

fn import_stat<F: Flavor>(vfs: *mut Vfs<F>, path: &[u8]) -> ffi::mp_import_stat_t {
    let Ok(p) = make_path_bytes(vfs, path) else {
        return ffi::RUSTOS_IMPORT_STAT_NO_EXIST as ffi::mp_import_stat_t;
    };
    (match stat_info(vfs, &p) {
        Ok(info) if F::info_is_file(&info) => ffi::RUSTOS_IMPORT_STAT_FILE,
        Ok(_) => ffi::RUSTOS_IMPORT_STAT_DIR,
        Err(_) => ffi::RUSTOS_IMPORT_STAT_NO_EXIST,
    }) as ffi::mp_import_stat_t
}

fn ilistdir<F: Flavor>(vfs: *mut Vfs<F>, path: Option<Obj>) -> Result<Obj> {
    let (p, is_str) = match path {
        Some(path) => (make_path(vfs, path)?, !path.is_bytes()),
        // No path: the current directory (make_path of "" joins it with nothing).
        None => (make_path(vfs, mp::empty_str())?, true),
    };
    let (iternext, finaliser) = F::dir_slots();
    // SAFETY: a trampoline allocating the iterator (zeroed, with our slots set).
    let it = check(unsafe { ffi::rustos_try_new_iter(core::mem::size_of::<Dir<F>>(), iternext, finaliser) })?;
    let d = it.0 as *mut Dir<F>;
    // SAFETY: d is the fresh iterator; dir lives inside it, p is NUL-terminated.
    unsafe {
        (*d).is_str = is_str;
        run_ro(vfs, |l| F::dir_open(l, addr_of_mut!((*d).dir), cstr(&p)))?;
        (*d).vfs = vfs;
    }
    Ok(it)
}

fn dir_next<F: Flavor>(d: *mut Dir<F>) -> Result<Obj> {
    // SAFETY: `d` is one of our directory iterators.
    let vfs = unsafe { (*d).vfs };
    if vfs.is_null() {
        return Ok(Obj::STOP_ITERATION);
    }
    let mut info = F::Info::default();
    loop {
        // SAFETY: the directory is open on this vfs; info is filled by littlefs.
        let r = run_ro(vfs, |l| unsafe { F::dir_read(l, addr_of_mut!((*d).dir), &mut info) })?;
        if r == 0 {
            dir_close(d);
            return Ok(Obj::STOP_ITERATION);
        }
        // SAFETY: littlefs NUL-terminates the name within the array.
        let name = unsafe { core::ffi::CStr::from_ptr(F::info_name(&info).as_ptr()) }.to_bytes();
        if name != b"." && name != b".." {
            let mode = Obj::from_int(mode_of::<F>(&info))?;
            let size = Obj::from_uint(F::info_size(&info) as u64)?;
            // SAFETY: reading our iterator's flag.
            let is_str = unsafe { (*d).is_str };
            return Obj::new_listing(name, is_str, &[mode, Obj::from_int(0)?, size]);
        }
    }
}

fn dir_close<F: Flavor>(d: *mut Dir<F>) {
    // SAFETY: d is our iterator; the directory is closed once and vfs cleared.
    unsafe {
        let vfs = (*d).vfs;
        if !vfs.is_null() {
            // Under the lock when it can be had; a finaliser that cannot have it (see
            // lock_for_close) must still unlink the directory from littlefs's list before
            // its memory goes, as stock does with no lock at all.
            let _g = crate::lock::lock_for_close(addr_of_mut!((*vfs).lock)).ok().flatten();
            F::dir_close(addr_of_mut!((*vfs).lfs), addr_of_mut!((*d).dir));
            (*d).vfs = core::ptr::null_mut();
        }
    }
}

fn now_mtime() -> [u8; 8] {
    // SAFETY: reads the port's clock (mp_hal_time_ns); cannot raise.
    unsafe { ffi::rustos_time_ns_1970() }.to_le_bytes()
}

/// Open flags and text/binary from a mode string, as stock parses it.
fn open_flags<F: Flavor>(mode: &[u8]) -> Result<(u32, bool)> {
    let (mut flags, mut text) = (0u32, true);
    for &c in mode {
        let new = match c {
            b'r' => F::O_RDONLY,
            b'w' => F::O_WRONLY | F::O_CREAT | F::O_TRUNC,
            b'x' => F::O_WRONLY | F::O_CREAT | F::O_EXCL,
            b'a' => F::O_WRONLY | F::O_CREAT | F::O_APPEND,
            b'+' => {
                flags |= F::O_RDWR;
                0
            }
            b'b' => {
                text = false;
                0
            }
            b't' => {
                text = true;
                0
            }
            _ => 0,
        };
        if new != 0 {
            if flags != 0 {
                // Two of r/w/x/a (stock raises a bare ValueError).
                return Err(Error::Value(msg!("")));
            }
            flags = new;
        }
    }
    Ok((if flags == 0 { F::O_RDONLY } else { flags }, text))
}

fn open<F: Flavor>(vfs: *mut Vfs<F>, path: Obj, mode: Obj) -> Result<Obj> {
    let (flags, text) = open_flags::<F>(mode.str_bytes()?)?;
    let p = make_path(vfs, path)?;
    open_path(vfs, &p, flags, text)
}

/// A file object for the NUL-terminated littlefs path `p`, opened with `flags`.
fn open_path<F: Flavor>(vfs: *mut Vfs<F>, p: &[u8], flags: u32, text: bool) -> Result<Obj> {
    // SAFETY: reading our own field.
    let buffer = unsafe { (*vfs).file_buffer };
    let head = align8(core::mem::size_of::<File<F>>());
    // SAFETY: a trampoline allocating a zeroed file object with a finaliser.
    let o = check(unsafe { ffi::rustos_try_new_obj(F::file_type(text), head + buffer, true) })?;
    let f = o.0 as *mut File<F>;
    // SAFETY: f is the fresh zeroed file object; file/cfg/extra/buffer live inside it,
    // which the GC keeps alive (and closes by finaliser) while littlefs lists it.
    unsafe {
        let mtime = if (*vfs).enable_mtime {
            (*f).mtime = now_mtime();
            Some(addr_of_mut!((*f).mtime))
        } else {
            None
        };
        F::file_setup(
            addr_of_mut!((*f).cfg),
            addr_of_mut!((*f).extra),
            (f as *mut u8).add(head) as *mut c_void,
            mtime,
        );
        run(vfs, |l| {
            F::file_open(
                l,
                addr_of_mut!((*f).file),
                cstr(p),
                flags as c_int,
                addr_of_mut!((*f).cfg),
            )
        })?;
        (*f).vfs = vfs;
    }
    Ok(o)
}

/// A new size for truncate: None is the position `pos`; negative is EINVAL and more than
/// the device holds EFBIG (littlefs 2 would fill zeros one byte at a time until ENOSPC,
/// littlefs 1 past 2 GiB too), as CPython's os.truncate reports them.
fn truncate_size<F: Flavor>(vfs: *mut Vfs<F>, size: Option<Obj>, pos: impl FnOnce() -> Result<u32>) -> Result<u32> {
    let Some(size) = size.filter(|s| !s.is_none()) else {
        return pos();
    };
    let size = size.get_i64()?;
    if size < 0 {
        return Err(Errno::EINVAL.into());
    }
    // SAFETY: reading our own config.
    let (bs, bc) = unsafe { F::geometry(config(vfs)) };
    let capacity = u64::from(bs) * u64::from(bc);
    match u32::try_from(size) {
        Ok(s) if u64::from(s) <= capacity && s <= i32::MAX as u32 => Ok(s),
        _ => Err(Errno::EFBIG.into()),
    }
}

/// Writes are refused on a readonly mount before littlefs is asked (it would only find
/// out at the commit, after changing its state in RAM).
fn require_writable<F: Flavor>(vfs: *mut Vfs<F>) -> Result<()> {
    // SAFETY: reading our own field.
    if unsafe { (*vfs).bdev.is_readonly() } {
        return Err(Errno::EROFS.into());
    }
    Ok(())
}

/// f.truncate(size=None): the new size (the position if None); the position does not
/// move; a larger size fills with zeros.  Only the handle changes: the file on the
/// filesystem follows at flush or close, as after a write.
fn file_truncate<F: Flavor>(o: Obj, size: Option<Obj>) -> Result<Obj> {
    let f = o.0 as *mut File<F>;
    // SAFETY: the entry point checked that o is one of this version's file objects.
    let vfs = unsafe { (*f).vfs };
    if vfs.is_null() {
        return Err(Error::Value(msg!("I/O operation on closed file")));
    }
    // SAFETY: the file is open on vfs.
    if !unsafe { F::file_writable(addr_of_mut!((*f).file)) } {
        // What Linux's ftruncate() says of a descriptor not open for writing (VfsPosix).
        return Err(Errno::EINVAL.into());
    }
    require_writable(vfs)?;
    let size = truncate_size(vfs, size, || {
        // SAFETY: the file is open on vfs.
        run_ro(vfs, |l| unsafe { F::file_tell(l, addr_of_mut!((*f).file)) }).map(|p| p as u32)
    })?;
    truncate_handle(f, vfs, size)?;
    Obj::from_uint(u64::from(size))
}

/// Truncate an open, writable handle to `size` (checked by truncate_size).
fn truncate_handle<F: Flavor>(f: *mut File<F>, vfs: *mut Vfs<F>, size: u32) -> Result<()> {
    // Growing writes zeros one byte at a time until littlefs runs out of blocks: a size
    // whose data blocks alone are more than the free ones is ENOSPC before any is written
    // (a lower bound, so a size that fits is never refused; the walk is the statvfs one).
    // SAFETY: the file is open on vfs.
    let old = run_ro(vfs, |l| unsafe { F::file_size(l, addr_of_mut!((*f).file)) })? as u32;
    // SAFETY: reading our own config.
    let (bs, bc) = unsafe { F::geometry(config(vfs)) };
    if size > old && bs >= 128 {
        let more = lfsctz::data_blocks(bs, size).saturating_sub(lfsctz::data_blocks(bs, old));
        if more > bc.saturating_sub(used_blocks(vfs)?) {
            return Err(Errno::ENOSPC.into());
        }
    }
    // SAFETY: as file_write: the handle becomes a writer, with a new timestamp.
    unsafe {
        if (*vfs).enable_mtime {
            (*f).mtime = now_mtime();
        }
        (*f).shielded = false;
    }
    // SAFETY: the file is open for writing on vfs.
    let r = run(vfs, |l| unsafe { F::file_truncate(l, addr_of_mut!((*f).file), size) });
    note_error(f, &r);
    r.map(|_| ())
}

/// The filesystem's truncate(path, length) (os.truncate): open, truncate, close; the
/// close commits and reports any failure.
fn truncate<F: Flavor>(vfs: *mut Vfs<F>, path: Obj, length: Obj) -> Result<Obj> {
    let p = make_path(vfs, path)?;
    require_writable(vfs)?;
    // The size is checked before the file is opened: bad input changes nothing.
    let size = truncate_size(vfs, Some(length), || Err(Errno::EINVAL.into()))?;
    let file = open_path(vfs, &p, F::O_WRONLY, false)?;
    let f = file.0 as *mut File<F>;
    let truncated = truncate_handle(f, vfs, size);
    // A truncate that failed part way (ENOSPC while filling zeros) leaves the handle erred:
    // littlefs 2 then closes it without committing, and the file stays as it was.
    let closed = match close_file(f, truncated.is_ok())? {
        Io::Errno(e) => Err(Error::OsRaw(e)),
        _ => Ok(()),
    };
    truncated?;
    closed?;
    Ok(Obj::NONE)
}

/// The filesystem's utime(path, ns): ns is None (now) or (atime_ns, mtime_ns) in the
/// port's epoch.  littlefs keeps one timestamp, the mtime (attribute 1, as stock writes
/// it): only littlefs 2 mounted with mtime=True has it; elsewhere this is EOPNOTSUPP, not
/// a call that silently does nothing.
fn utime<F: Flavor>(vfs: *mut Vfs<F>, path: Obj, ns: Obj) -> Result<Obj> {
    let p = make_path(vfs, path)?;
    // The path must exist whatever else is wrong, as on any filesystem.
    stat_info(vfs, &p)?;
    // SAFETY: reading our own field.
    if !unsafe { (*vfs).enable_mtime } {
        return Err(Errno::EOPNOTSUPP.into());
    }
    require_writable(vfs)?;
    let mtime = match ns.tuple2() {
        None if ns.is_none() => now_mtime(),
        None => return Err(Error::Type(msg!("utime: ns must be None or a tuple of 2 ints"))),
        Some((a, m)) => {
            a.get_i64()?;
            // SAFETY: a pure conversion in C: where the port's epoch lies after 1970.
            let epoch = unsafe { ffi::rustos_epoch_ns_1970() };
            let m = m.get_i64()?.checked_add(epoch).and_then(|m| u64::try_from(m).ok());
            m.ok_or(Error::Overflow(msg!("timestamp out of range for littlefs")))?
                .to_le_bytes()
        }
    };
    // SAFETY: p is NUL-terminated; littlefs reads the 8 bytes of mtime.
    run(vfs, |l| unsafe { F::set_mtime(l, cstr(&p), &mtime) })?;
    Ok(Obj::NONE)
}

/// A littlefs result as a stream outcome: a device exception propagates, a littlefs
/// error becomes the stream's errno.
fn io_result(r: Result<c_int>) -> Result<Io> {
    match r {
        Ok(n) => Ok(Io::Done(n as usize)),
        Err(Error::OsRaw(e)) => Ok(Io::Errno(e)),
        Err(e) => Err(e),
    }
}

fn open_file<F: Flavor>(o: ffi::mp_obj_t) -> Result<(*mut File<F>, *mut Vfs<F>)> {
    let f = o as *mut File<F>;
    // SAFETY: the stream shims pass only our file objects.
    let vfs = unsafe { (*f).vfs };
    if vfs.is_null() {
        // Stock raises a bare ValueError for a closed littlefs file.
        return Err(Error::Value(msg!("")));
    }
    Ok((f, vfs))
}

fn file_read<F: Flavor>(o: ffi::mp_obj_t, buf: *mut c_void, size: usize) -> Result<Io> {
    let (f, vfs) = open_file::<F>(o)?;
    let size = u32::try_from(size).unwrap_or(u32::MAX);
    // SAFETY: buf holds `size` writable bytes; the file is open on vfs.
    io_result(run(vfs, |l| unsafe {
        F::file_read(l, addr_of_mut!((*f).file), buf, size)
    }))
}

/// Keep the errno of a file's failed write or sync (`File::erred`).  littlefs 2 marks such
/// a file erred, and until a later write succeeds its sync does nothing and reports
/// success: what earlier writes reported done would be dropped while flush() or close()
/// said all is well.  They raise this errno instead (`erred_errno`).
fn note_error<F: Flavor>(f: *mut File<F>, r: &Result<c_int>) {
    let Err(e) = r else { return };
    let n = match e {
        Error::OsRaw(n) => *n,
        Error::Os(e) => errno_number(*e),
        _ => errno_number(Errno::EIO),
    };
    // SAFETY: f is one of our open file objects.
    unsafe { (*f).erred = n };
}

/// The errno flush/close raise for a handle littlefs has given up on (`Flavor::erred`).
fn erred_errno<F: Flavor>(f: *const File<F>) -> c_int {
    // SAFETY: f is one of our file objects.
    match unsafe { (*f).erred } {
        0 => errno_number(Errno::EIO),
        n => n,
    }
}

fn file_write<F: Flavor>(o: ffi::mp_obj_t, buf: *const c_void, size: usize) -> Result<Io> {
    let (f, vfs) = open_file::<F>(o)?;
    // SAFETY: reading our flag and updating the file's own timestamp buffer; a write makes
    // a shielded handle a writer (littlefs's dirty flag, which shield set, now is real).
    unsafe {
        if (*vfs).enable_mtime {
            (*f).mtime = now_mtime();
        }
        (*f).shielded = false;
    }
    let size = u32::try_from(size).unwrap_or(u32::MAX);
    // SAFETY: buf holds `size` readable bytes; the file is open on vfs.
    let r = run(vfs, |l| unsafe { F::file_write(l, addr_of_mut!((*f).file), buf, size) });
    note_error(f, &r);
    io_result(r)
}

/// Close a file object once.  `commit_erred`: a handle littlefs gave up on after a failed
/// write is written again first, so what earlier writes reported done is committed (a
/// stream's close); without it littlefs 2 closes such a handle committing nothing (what
/// os.truncate wants after a truncate that failed part way: the file as it was).
fn close_file<F: Flavor>(f: *mut File<F>, commit_erred: bool) -> Result<Io> {
    // SAFETY: f is one of our file objects.
    let vfs = unsafe { (*f).vfs };
    if vfs.is_null() {
        return Ok(Io::Done(0));
    }
    // Closed even when the lock cannot be had in a finaliser (see lock_for_close):
    // littlefs keeps every open file on a list, and this object's memory is about to
    // be reused; that is what stock does, with no lock at all.
    // SAFETY: a raw projection to the lock inside a live object.
    let g = crate::lock::lock_for_close(unsafe { addr_of_mut!((*vfs).lock) })?;
    // SAFETY: closing the open file once (a shielded one without committing its
    // stale view), then keeping the blocks of handles the close made stale, then
    // marking it closed.
    let mut gave_up = false;
    let r = run_locked(vfs, |l| unsafe {
        let file = addr_of_mut!((*f).file);
        let shielded = (*f).shielded;
        if shielded {
            F::unshield(file);
        }
        // littlefs would close an erred file without committing: try again first
        gave_up = commit_erred && F::erred(file) && F::retry(l, file) < 0;
        let r = F::file_close(l, file);
        if !shielded {
            F::shield(l, file);
        }
        r
    });
    drop(g);
    // SAFETY: as above.
    unsafe { (*f).vfs = core::ptr::null_mut() };
    io_result(r).map(|r| match r {
        Io::Errno(e) => Io::Errno(e),
        // littlefs closed without committing what the failure dropped
        _ if gave_up => Io::Errno(erred_errno(f)),
        _ => Io::Done(0),
    })
}

fn file_ioctl<F: Flavor>(o: ffi::mp_obj_t, request: u32, arg: usize) -> Result<Io> {
    if request == ffi::RUSTOS_STREAM_CLOSE {
        return close_file(o as *mut File<F>, true);
    }
    let (f, vfs) = open_file::<F>(o)?;
    let einval = Io::Errno(errno_number(Errno::EINVAL));
    match request {
        ffi::RUSTOS_STREAM_GET_BUFFER_SIZE => Ok(mp::READER_BUFFER),
        ffi::RUSTOS_STREAM_SEEK => {
            // SAFETY: for MP_STREAM_SEEK, arg points at the caller's mp_stream_seek_t.
            let s = unsafe { &mut *(arg as *mut ffi::mp_stream_seek_t) };
            // An offset past 2 GiB is EINVAL (littlefs takes a signed 32-bit one).
            let Ok(off) = i32::try_from(mp::off_to_i64(s.offset)) else {
                return Ok(einval);
            };
            // SAFETY: the file is open on vfs.
            if let Io::Errno(e) = io_result(run(vfs, |l| unsafe {
                F::file_seek(l, addr_of_mut!((*f).file), off, s.whence)
            }))? {
                return Ok(Io::Errno(e));
            }
            // SAFETY: the file is open on vfs.
            match io_result(run_ro(vfs, |l| unsafe { F::file_tell(l, addr_of_mut!((*f).file)) }))? {
                Io::Done(pos) => {
                    s.offset = pos as _;
                    Ok(Io::Done(0))
                }
                e => Ok(e),
            }
        }
        ffi::RUSTOS_STREAM_FLUSH => {
            // SAFETY: reading our own field.
            if unsafe { (*f).shielded } {
                // nothing written through this handle: nothing to commit
                return Ok(Io::Done(0));
            }
            // SAFETY: the file is open on vfs; then the handles the commit made stale.
            let r = run(vfs, |l| unsafe {
                let file = addr_of_mut!((*f).file);
                if F::erred(file) {
                    // its sync would do nothing and report success: try again first
                    let r = F::retry(l, file);
                    if r < 0 {
                        return r;
                    }
                }
                let r = F::file_sync(l, file);
                F::shield(l, file);
                r
            });
            note_error(f, &r);
            let r = io_result(r)?;
            Ok(if let Io::Errno(e) = r {
                Io::Errno(e)
            } else {
                Io::Done(0)
            })
        }
        _ => Ok(einval),
    }
}

// Entry points.  The C glue (c/vfs_lfs.c) instantiates each type for version 1 and 2
// and passes the version; `self` is always an object of that version's types.

macro_rules! dispatch {
    ($v:expr, $f:ident ( $($a:expr),* )) => {
        if $v == 1 {
            $f::<V1>($($a),*)
        } else {
            $f::<V2>($($a),*)
        }
    };
}

#[no_mangle]
pub extern "C" fn rustos_lfs_make_new(
    v: u8,
    n_args: usize,
    n_kw: usize,
    args: *const ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| {
        let a = parse_make_new(v, n_args, n_kw, args)?;
        dispatch!(v, mounted(&a))
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs_mkfs(
    v: u8,
    n: usize,
    pos: *const ffi::mp_obj_t,
    kw: *mut ffi::mp_map_t,
) -> ffi::rustos_ret_t {
    entry(|| {
        let a = parse_mkfs(v, n, pos, kw)?;
        dispatch!(v, mkfs(&a))
    })
}

/// 2 for a VfsLfs2, 1 for a VfsLfs1 (exactly: not a subclass), else None.
pub fn version_of(o: Obj) -> Option<u8> {
    #[cfg(vfs_lfs2)]
    if o.is_type(&raw const ffi::rustos_type_lfs2) {
        return Some(2);
    }
    #[cfg(vfs_lfs1)]
    if o.is_type(&raw const ffi::rustos_type_lfs1) {
        return Some(1);
    }
    None
}

/// `mount(readonly, mkfs)` or `umount()` on a VfsLfs1/VfsLfs2 (exactly: a subclass may
/// override them) without a method lookup and a guarded call: None for anything else.
pub fn call_direct(o: Obj, meth: Qstr, args: &[Obj]) -> Option<Result<Obj>> {
    let v = version_of(o)?;
    let s = o.0;
    Some(match (meth, args) {
        (m, &[readonly, _]) if m == qstr!(MP_QSTR_mount) => dispatch!(v, mount(s as _, readonly)),
        (m, &[]) if m == qstr!(MP_QSTR_umount) => dispatch!(v, umount(s as _)),
        _ => return None,
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs_mount(
    v: u8,
    s: ffi::mp_obj_t,
    readonly: ffi::mp_obj_t,
    _mkfs: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, mount(s as _, Obj(readonly))))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_umount(v: u8, s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, umount(s as _)))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_open(
    v: u8,
    s: ffi::mp_obj_t,
    path: ffi::mp_obj_t,
    mode: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, open(s as _, Obj(path), Obj(mode))))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_chdir(v: u8, s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, chdir(s as _, Obj(path))))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_getcwd(v: u8, s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, getcwd(s as _)))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_mkdir(v: u8, s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        if v == 1 {
            path_call::<V1>(s as _, Obj(path), V1::mkdir)
        } else {
            path_call::<V2>(s as _, Obj(path), V2::mkdir)
        }
    })
}

/// remove and rmdir: littlefs removes files and empty directories alike.
#[no_mangle]
pub extern "C" fn rustos_lfs_remove(v: u8, s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        if v == 1 {
            path_call::<V1>(s as _, Obj(path), V1::remove)
        } else {
            path_call::<V2>(s as _, Obj(path), V2::remove)
        }
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs_rename(
    v: u8,
    s: ffi::mp_obj_t,
    old: ffi::mp_obj_t,
    new: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, rename(s as _, Obj(old), Obj(new))))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_stat(v: u8, s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, stat(s as _, Obj(path))))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_statvfs(v: u8, s: ffi::mp_obj_t, _path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, statvfs(s as _)))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_truncate(
    v: u8,
    s: ffi::mp_obj_t,
    path: ffi::mp_obj_t,
    length: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, truncate(s as _, Obj(path), Obj(length))))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_utime(
    v: u8,
    s: ffi::mp_obj_t,
    path: ffi::mp_obj_t,
    ns: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, utime(s as _, Obj(path), Obj(ns))))
}

/// The version of a littlefs file object (exactly), else None.
fn file_version(o: Obj) -> Option<u8> {
    #[cfg(vfs_lfs2)]
    if o.is_type(&raw const ffi::rustos_type_lfs2_fileio) || o.is_type(&raw const ffi::rustos_type_lfs2_textio) {
        return Some(2);
    }
    #[cfg(vfs_lfs1)]
    if o.is_type(&raw const ffi::rustos_type_lfs1_fileio) || o.is_type(&raw const ffi::rustos_type_lfs1_textio) {
        return Some(1);
    }
    None
}

/// f.truncate([size]) of a littlefs file of either version (the version from self's
/// type); None for any other object.
pub fn file_truncate_any(f: Obj, size: Option<Obj>) -> Option<Result<Obj>> {
    let v = file_version(f)?;
    Some(dispatch!(v, file_truncate(f, size)))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_ilistdir(v: u8, n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let args = mp::args(n, args);
        let s = args.first().ok_or(Error::Type(msg!("ilistdir needs self")))?.0;
        dispatch!(v, ilistdir(s as _, args.get(1).copied()))
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs_import_stat(v: u8, s: *mut c_void, path: *const c_char) -> ffi::mp_import_stat_t {
    // SAFETY: the VFS passes our object and a NUL-terminated path.
    let path = unsafe { core::ffi::CStr::from_ptr(path) }.to_bytes();
    dispatch!(v, import_stat(s as _, path))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_dir_iternext(v: u8, it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| dispatch!(v, dir_next(it as _)))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_dir_del(v: u8, it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        dispatch!(v, dir_close(it as _));
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs_file_read(
    v: u8,
    o: ffi::mp_obj_t,
    buf: *mut c_void,
    size: ffi::mp_uint_t,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || dispatch!(v, file_read(o, buf, size as usize)))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_file_write(
    v: u8,
    o: ffi::mp_obj_t,
    buf: *const c_void,
    size: ffi::mp_uint_t,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || dispatch!(v, file_write(o, buf, size as usize)))
}

#[no_mangle]
pub extern "C" fn rustos_lfs_file_ioctl(
    v: u8,
    o: ffi::mp_obj_t,
    request: ffi::mp_uint_t,
    arg: usize,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || dispatch!(v, file_ioctl(o, request as u32, arg)))
}
