//! vfs.VfsPosix: the host's filesystem as a MicroPython VFS (hosted ports only).
//!
//! Behaviour follows stock `extmod/vfs_posix*.c`: an optional root directory that absolute
//! paths are taken relative to, host errno values in the OSErrors, text and binary files
//! over raw file descriptors.  Differences: an embedded NUL in a path is a ValueError
//! (stock truncates the path), and getcwd() outside the root returns the host path
//! instead of reading past the end of it.
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt};
use std::path::Path;

use crate::errno::Errno;
use crate::ffi;
use crate::mp::{self, entry, io_entry, Error, Io, Obj, Qstr, Result};
use crate::msg;
use crate::qstr;

type Posix = ffi::rustos_posix_t;
type File = ffi::rustos_posix_file_t;
type Dir = ffi::rustos_posix_dir_t;

fn os_error(e: std::io::Error) -> Error {
    match e.raw_os_error() {
        Some(code) => Error::OsRaw(code),
        None => Error::Os(Errno::EIO),
    }
}

/// # Safety
/// `o` must be a VfsPosix object (the C shims only pass `self` of that type).
unsafe fn posix<'a>(o: ffi::mp_obj_t) -> &'a mut Posix {
    // SAFETY: by the caller's guarantee.
    unsafe { &mut *(o as *mut Posix) }
}

fn root(p: &Posix) -> &[u8] {
    // SAFETY: root/root_len describe the GC copy made in rustos_try_new_posix.
    unsafe { core::slice::from_raw_parts(p.root as *const u8, p.root_len) }
}

/// The host path for a path argument: absolute paths go under the root, if there is one.
fn host_path(p: &Posix, path: Obj) -> Result<Vec<u8>> {
    let b = mp::no_nul(path.str_bytes()?)?;
    let r = root(p);
    if r.is_empty() || b.first() != Some(&b'/') {
        return Ok(b.to_vec());
    }
    let mut out = Vec::with_capacity(r.len() + b.len());
    out.extend_from_slice(&r[..r.len() - 1]);
    out.extend_from_slice(b);
    Ok(out)
}

/// An unsigned host value of whatever width this platform's struct field has.
fn uint<T: Into<u64>>(v: T) -> Result<Obj> {
    Obj::from_uint(v.into())
}

fn as_path(b: &[u8]) -> &Path {
    Path::new(OsStr::from_bytes(b))
}

fn require_writable(p: &Posix) -> Result<()> {
    if p.readonly {
        return Err(Errno::EROFS.into());
    }
    Ok(())
}

#[no_mangle]
pub extern "C" fn rustos_posix_make_new(n_args: usize, n_kw: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        if n_kw != 0 {
            return Err(Error::Type(msg!("function doesn't take keyword arguments")));
        }
        if n_args > 1 {
            return Err(Error::Type(msg!("function expected at most 1 argument")));
        }
        // The root is "" (none given) or the root given and '/', after the current
        // directory and '/' if it is relative (or chdir would change what it means).
        let mut dir = Vec::new();
        let (r, slash): (&[u8], bool) = match mp::args(n_args, args).first() {
            Some(&r) => {
                let r = mp::no_nul(r.str_bytes()?)?;
                if !r.is_empty() && r[0] != b'/' {
                    let cwd = std::env::current_dir().map_err(os_error)?;
                    dir.extend_from_slice(cwd.as_os_str().as_bytes());
                    dir.push(b'/');
                }
                (r, true)
            }
            None => (&[], false),
        };
        let c = |b: &[u8]| b.as_ptr() as *const core::ffi::c_char;
        // SAFETY: a trampoline that copies the pieces into the GC heap.
        mp::check(unsafe { ffi::rustos_try_new_posix(c(&dir), dir.len(), c(r), r.len(), slash) })
    })
}

/// A VfsPosix with no root, as `vfs.VfsPosix()` makes it.
pub fn new_unrooted() -> Result<Obj> {
    let none = b"".as_ptr() as *const core::ffi::c_char;
    // SAFETY: a trampoline that copies the (empty) pieces into the GC heap.
    mp::check(unsafe { ffi::rustos_try_new_posix(none, 0, none, 0, false) })
}

#[no_mangle]
pub extern "C" fn rustos_posix_mount(
    s: ffi::mp_obj_t,
    readonly: ffi::mp_obj_t,
    mkfs: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| mount(s, Obj(readonly), Obj(mkfs)))
}

fn mount(s: ffi::mp_obj_t, readonly: Obj, mkfs: Obj) -> Result<Obj> {
    // SAFETY: a VfsPosix object (the method's self, or checked by call_direct).
    let p = unsafe { posix(s) };
    if readonly.is_true()? {
        p.readonly = true;
    }
    if mkfs.is_true()? {
        return Err(Errno::EPERM.into());
    }
    Ok(Obj::NONE)
}

/// A VfsPosix exactly (a subclass may override its methods).
pub fn is_posix(o: Obj) -> bool {
    o.is_type(&raw const ffi::rustos_type_posix)
}

/// `mount(readonly, mkfs)` or `umount()` on a VfsPosix (exactly: a subclass may override
/// them) without a method lookup and a guarded call: None for anything else.
pub fn call_direct(o: Obj, meth: Qstr, args: &[Obj]) -> Option<Result<Obj>> {
    if !is_posix(o) {
        return None;
    }
    Some(match (meth, args) {
        (m, &[readonly, mkfs]) if m == qstr!(MP_QSTR_mount) => mount(o.0, readonly, mkfs),
        (m, &[]) if m == qstr!(MP_QSTR_umount) => Ok(Obj::NONE),
        _ => return None,
    })
}

#[no_mangle]
pub extern "C" fn rustos_posix_umount(_s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| Ok(Obj::NONE))
}

/// open() flags and file type from a mode string, as stock parses it (later letters win).
fn parse_mode(mode: &[u8]) -> (i32, bool) {
    let (mut rw, mut x, mut text) = (ffi::RUSTOS_O_RDONLY, 0, true);
    for &c in mode {
        match c {
            b'r' => rw = ffi::RUSTOS_O_RDONLY,
            b'w' => (rw, x) = (ffi::RUSTOS_O_WRONLY, ffi::RUSTOS_O_CREAT | ffi::RUSTOS_O_TRUNC),
            b'a' => (rw, x) = (ffi::RUSTOS_O_WRONLY, ffi::RUSTOS_O_CREAT | ffi::RUSTOS_O_APPEND),
            b'x' => (rw, x) = (ffi::RUSTOS_O_WRONLY, ffi::RUSTOS_O_CREAT | ffi::RUSTOS_O_EXCL),
            b'+' => rw = ffi::RUSTOS_O_RDWR,
            b'b' => text = false,
            b't' => text = true,
            _ => {}
        }
    }
    ((rw | x) as i32, text)
}

/// The host's errno after a failed call.
fn host_errno() -> i32 {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(ffi::RUSTOS_HOST_EINVAL as i32)
}

/// A host call made without the GIL, as stock's MP_HAL_RETRY_SYSCALL makes it: on a port
/// that has a GIL, other threads run while it blocks (a FIFO, a slow disk).  `f` must not
/// touch MicroPython (Rust allocates with malloc here, not on the GC heap).
fn nogil<T>(f: impl FnOnce() -> T) -> T {
    struct Reenter;
    impl Drop for Reenter {
        fn drop(&mut self) {
            // SAFETY: takes back the GIL given up below, also if `f` panics.
            unsafe { ffi::rustos_gil_enter() }
        }
    }
    if ffi::RUSTOS_THREAD_GIL == 0 {
        return f();
    }
    // SAFETY: gives up the GIL; we hold no MicroPython state until Reenter drops.
    unsafe { ffi::rustos_gil_exit() };
    let _g = Reenter;
    f()
}

/// Run a syscall, retrying on EINTR after letting pending exceptions (Ctrl-C) through.
fn retry<T: PartialEq + From<i8> + Copy>(mut f: impl FnMut() -> T) -> Result<core::result::Result<T, i32>> {
    loop {
        let r = nogil(&mut f);
        if r != T::from(-1) {
            return Ok(Ok(r));
        }
        let err = host_errno();
        if err != ffi::RUSTOS_HOST_EINTR as i32 {
            return Ok(Err(err));
        }
        // SAFETY: a trampoline; a pending KeyboardInterrupt comes back as an error.
        mp::check(unsafe { ffi::rustos_try_handle_pending() })?;
    }
}

#[no_mangle]
pub extern "C" fn rustos_posix_open(s: ffi::mp_obj_t, path: ffi::mp_obj_t, mode: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsPosix method.
        let p = unsafe { posix(s) };
        let mode = Obj(mode).str_bytes()?;
        if p.readonly && mode.iter().any(|c| matches!(c, b'w' | b'a' | b'+' | b'x')) {
            return Err(Errno::EROFS.into());
        }
        let (flags, text) = parse_mode(mode);
        let path = Obj(path);
        let fd = if let Some(fd) = path.small_int() {
            // An already open descriptor.
            i32::try_from(fd).map_err(|_| Error::Os(Errno::EBADF))?
        } else {
            let mut c = host_path(p, path)?;
            c.push(0);
            // SAFETY: c is NUL-terminated; open() copies the path.
            let r = retry(|| unsafe {
                ffi::open(
                    c.as_ptr() as *const core::ffi::c_char,
                    flags | ffi::RUSTOS_O_CLOEXEC as i32,
                    0o644,
                )
            })?;
            r.map_err(Error::OsRaw)?
        };
        // SAFETY: a trampoline allocating the file object (with a finaliser).
        match mp::check(unsafe { ffi::rustos_try_new_posix_file(text, fd) }) {
            Ok(f) => Ok(f),
            Err(e) => {
                if path.small_int().is_none() {
                    // SAFETY: fd is the descriptor we just opened and nothing else owns.
                    nogil(|| unsafe { ffi::close(fd) });
                }
                Err(e)
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn rustos_posix_chdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsPosix method.
        let hp = host_path(unsafe { posix(s) }, Obj(path))?;
        std::env::set_current_dir(as_path(&hp)).map_err(os_error)?;
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_posix_getcwd(s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsPosix method.
        let p = unsafe { posix(s) };
        let cwd = std::env::current_dir().map_err(os_error)?;
        let cwd = cwd.as_os_str().as_bytes();
        let r = root(p);
        // Inside the root, the path is shown relative to it ("/" for the root itself).
        let shown = match r.len().checked_sub(1) {
            Some(n) if n > 0 && cwd.starts_with(&r[..n]) && (cwd.len() == n || cwd[n] == b'/') => {
                if cwd.len() == n {
                    &b"/"[..]
                } else {
                    &cwd[n..]
                }
            }
            _ => cwd,
        };
        Obj::new_str(shown)
    })
}

/// A directory being listed: the host reader, dropped when listing ends or on finalise.
/// DirEntry::metadata is lstat; the size is stat's (through a symlink), as upstream's
/// VfsPosix gives it (PR 19275), so the entry's path is kept to stat it.
type Reader = fs::ReadDir;

#[no_mangle]
pub extern "C" fn rustos_posix_ilistdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsPosix method.
        let p = unsafe { posix(s) };
        let path = Obj(path);
        let mut hp = host_path(p, path)?;
        if hp.is_empty() {
            hp.push(b'.');
        }
        let reader = nogil(|| fs::read_dir(as_path(&hp))).map_err(os_error)?;
        let raw = Box::into_raw(Box::new(reader));
        // SAFETY: a trampoline allocating the zeroed iterator with our slots set.
        let it = mp::check(unsafe {
            ffi::rustos_try_new_iter(
                core::mem::size_of::<Dir>(),
                Some(ffi::rustos_posix_dir_iternext_shim),
                Some(ffi::rustos_posix_dir_del_shim),
            )
        });
        match it {
            Ok(it) => {
                // SAFETY: `it` is the fresh iterator; it takes ownership of `raw`.
                unsafe {
                    let d = it.0 as *mut Dir;
                    (*d).is_str = path.is_exact_str();
                    (*d).dir = raw as *mut core::ffi::c_void;
                }
                Ok(it)
            }
            Err(e) => {
                // SAFETY: the iterator was not created, so we still own `raw`.
                drop(unsafe { Box::from_raw(raw) });
                Err(e)
            }
        }
    })
}

fn dir_close(d: &mut Dir) {
    if !d.dir.is_null() {
        // SAFETY: `dir` came from Box::into_raw in ilistdir and is cleared here, once.
        drop(unsafe { Box::from_raw(d.dir as *mut Reader) });
        d.dir = core::ptr::null_mut();
    }
}

fn file_type_mode(t: fs::FileType) -> isize {
    if t.is_dir() {
        0x4000
    } else if t.is_file() {
        0x8000
    } else if t.is_symlink() {
        0xa000
    } else if t.is_block_device() {
        0x6000
    } else if t.is_char_device() {
        0x2000
    } else if t.is_fifo() {
        0x1000
    } else if t.is_socket() {
        0xc000
    } else {
        0
    }
}

#[no_mangle]
pub extern "C" fn rustos_posix_dir_iternext(it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: `it` is one of our directory iterators (the slot is only ours).
        let d = unsafe { &mut *(it as *mut Dir) };
        if d.dir.is_null() {
            return Ok(Obj::STOP_ITERATION);
        }
        // SAFETY: a live reader owned by this iterator.
        let reader = unsafe { &mut *(d.dir as *mut Reader) };
        match nogil(|| reader.next()) {
            Some(Ok(e)) => {
                let name = e.file_name();
                let mode = nogil(|| e.file_type()).map(file_type_mode).unwrap_or(0);
                let ino = std::os::unix::fs::DirEntryExt::ino(&e);
                // The 4th item, as every other filesystem lists it: the size, 0 if the
                // entry cannot be stat'ed (a dangling link, a race with a remove).
                let size = nogil(|| fs::metadata(e.path())).map(|m| m.size()).unwrap_or(0);
                let rest = [Obj::from_int(mode)?, Obj::from_uint(ino)?, Obj::from_uint(size)?];
                Obj::new_listing(name.as_bytes(), d.is_str, &rest)
            }
            // A read error ends the listing, as readdir() returning NULL does in stock.
            Some(Err(_)) | None => {
                dir_close(d);
                Ok(Obj::STOP_ITERATION)
            }
        }
    })
}

#[no_mangle]
pub extern "C" fn rustos_posix_dir_del(it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: `it` is one of our directory iterators, being finalised or deleted.
        dir_close(unsafe { &mut *(it as *mut Dir) });
        Ok(Obj::NONE)
    })
}

macro_rules! path_op {
    ($name:ident, $writes:expr, |$hp:ident| $op:expr) => {
        #[no_mangle]
        pub extern "C" fn $name(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
            entry(|| {
                // SAFETY: self of the VfsPosix method.
                let p = unsafe { posix(s) };
                if $writes {
                    require_writable(p)?;
                }
                let $hp = host_path(p, Obj(path))?;
                nogil(|| $op).map_err(os_error)?;
                Ok(Obj::NONE)
            })
        }
    };
}

path_op!(rustos_posix_mkdir, true, |hp| fs::DirBuilder::new()
    .mode(0o777)
    .create(as_path(&hp)));
path_op!(rustos_posix_remove, true, |hp| fs::remove_file(as_path(&hp)));
path_op!(rustos_posix_rmdir, true, |hp| fs::remove_dir(as_path(&hp)));

#[no_mangle]
pub extern "C" fn rustos_posix_rename(s: ffi::mp_obj_t, old: ffi::mp_obj_t, new: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsPosix method.
        let p = unsafe { posix(s) };
        require_writable(p)?;
        let (a, b) = (host_path(p, Obj(old))?, host_path(p, Obj(new))?);
        nogil(|| fs::rename(as_path(&a), as_path(&b))).map_err(os_error)?;
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_posix_stat(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsPosix method.
        let hp = host_path(unsafe { posix(s) }, Obj(path))?;
        let m = nogil(|| fs::metadata(as_path(&hp))).map_err(os_error)?;
        let items = [
            uint(m.mode())?,
            uint(m.ino())?,
            uint(m.dev())?,
            uint(m.nlink())?,
            uint(m.uid())?,
            uint(m.gid())?,
            uint(m.size())?,
            Obj::from_int(m.atime() as isize)?, // signed, as CPython: stock wraps pre-1970 times
            Obj::from_int(m.mtime() as isize)?,
            Obj::from_int(m.ctime() as isize)?,
        ];
        Obj::new_tuple(&items)
    })
}

#[no_mangle]
pub extern "C" fn rustos_posix_statvfs(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsPosix method.
        let mut hp = host_path(unsafe { posix(s) }, Obj(path))?;
        hp.push(0);
        let mut sb = ffi::statvfs::default();
        // SAFETY: hp is NUL-terminated and sb is a statvfs the call fills in.
        let r = retry(|| unsafe { ffi::statvfs(hp.as_ptr() as *const core::ffi::c_char, &mut sb) })?;
        r.map_err(Error::OsRaw)?;
        let items = [
            uint(sb.f_bsize)?,
            uint(sb.f_frsize)?,
            uint(sb.f_blocks)?,
            uint(sb.f_bfree)?,
            uint(sb.f_bavail)?,
            uint(sb.f_files)?,
            uint(sb.f_ffree)?,
            uint(sb.f_favail)?,
            uint(sb.f_flag)?,
            uint(sb.f_namemax)?,
        ];
        Obj::new_tuple(&items)
    })
}

/// The filesystem's truncate(path, length) (os.truncate): the host's truncate().
#[no_mangle]
pub extern "C" fn rustos_posix_truncate(
    s: ffi::mp_obj_t,
    path: ffi::mp_obj_t,
    length: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsPosix method.
        let p = unsafe { posix(s) };
        require_writable(p)?;
        let length = Obj(length).get_i64()?;
        let mut hp = host_path(p, Obj(path))?;
        hp.push(0);
        // SAFETY: hp is NUL-terminated.
        let r = retry(|| unsafe { ffi::truncate(hp.as_ptr() as *const core::ffi::c_char, length as _) })?;
        r.map_err(Error::OsRaw)?;
        Ok(Obj::NONE)
    })
}

/// The filesystem's utime(path, ns): ns is None (now) or (atime_ns, mtime_ns); the
/// host's utimensat() sets both, following a symlink as CPython does.
#[no_mangle]
pub extern "C" fn rustos_posix_utime(s: ffi::mp_obj_t, path: ffi::mp_obj_t, ns: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsPosix method.
        let p = unsafe { posix(s) };
        require_writable(p)?;
        let ns = Obj(ns);
        let times = match ns.tuple2() {
            None if ns.is_none() => None,
            None => return Err(Error::Type(msg!("utime: ns must be None or a tuple of 2 ints"))),
            Some((a, m)) => Some([timespec(a.get_i64()?), timespec(m.get_i64()?)]),
        };
        let mut hp = host_path(p, Obj(path))?;
        hp.push(0);
        let tp = times.as_ref().map_or(core::ptr::null(), |t| t.as_ptr());
        // SAFETY: hp is NUL-terminated; tp is null (now) or two timespecs.
        let r =
            retry(|| unsafe { ffi::utimensat(ffi::RUSTOS_AT_FDCWD, hp.as_ptr() as *const core::ffi::c_char, tp, 0) })?;
        r.map_err(Error::OsRaw)?;
        Ok(Obj::NONE)
    })
}

/// ns since 1970 as a timespec (floor division: -1 ns is 1969-12-31 23:59:59.999999999).
fn timespec(ns: i64) -> ffi::timespec {
    ffi::timespec {
        tv_sec: ns.div_euclid(1_000_000_000) as _,
        tv_nsec: ns.rem_euclid(1_000_000_000) as _,
    }
}

/// MicroPython's import machinery asks this whether a path is a file, a directory or
/// nothing; it cannot raise, so any error means "nothing".
#[no_mangle]
pub extern "C" fn rustos_posix_import_stat(
    s: *mut core::ffi::c_void,
    path: *const core::ffi::c_char,
) -> ffi::mp_import_stat_t {
    // SAFETY: the VFS passes our object and a NUL-terminated path.
    let (p, path) = unsafe { (&*(s as *const Posix), core::ffi::CStr::from_ptr(path).to_bytes()) };
    let mut hp = root(p).to_vec();
    hp.extend_from_slice(path);
    match nogil(|| fs::metadata(as_path(&hp))) {
        Ok(m) if m.is_dir() => ffi::RUSTOS_IMPORT_STAT_DIR as ffi::mp_import_stat_t,
        Ok(m) if m.is_file() => ffi::RUSTOS_IMPORT_STAT_FILE as ffi::mp_import_stat_t,
        _ => ffi::RUSTOS_IMPORT_STAT_NO_EXIST as ffi::mp_import_stat_t,
    }
}

// Files.

/// An open file's descriptor, or the ValueError for a closed one.
fn open_fd(f: ffi::mp_obj_t) -> Result<i32> {
    // SAFETY: the C stream shims pass only our file objects.
    let fd = unsafe { (*(f as *const File)).fd };
    if fd < 0 {
        return Err(Error::Value(msg!("I/O operation on closed file")));
    }
    Ok(fd)
}

/// A read or write of an open file: the count, straight from the syscall when it succeeds
/// (readline reads a byte per call); otherwise `io_failed`.
macro_rules! posix_io {
    ($name:ident, $buf:ty, $call:path) => {
        #[no_mangle]
        pub extern "C" fn $name(
            f: ffi::mp_obj_t,
            buf: $buf,
            size: ffi::mp_uint_t,
            errcode: *mut core::ffi::c_int,
            exc: *mut ffi::rustos_ret_t,
        ) -> ffi::mp_uint_t {
            // SAFETY: the C stream shims pass only our file objects.
            let fd = unsafe { (*(f as *const File)).fd };
            if fd >= 0 {
                // SAFETY: the stream layer gives a buffer of `size` bytes; fd is ours.
                let n = nogil(|| unsafe { $call(fd, buf, size as usize) });
                if n >= 0 {
                    return n as ffi::mp_uint_t;
                }
            }
            io_failed(f, errcode, exc, || {
                // SAFETY: as above, again after EINTR (retry gives up the GIL around it).
                unsafe { $call(fd, buf, size as usize) }
            })
        }
    };
}

posix_io!(rustos_posix_file_read, *mut core::ffi::c_void, ffi::read);
posix_io!(rustos_posix_file_write, *const core::ffi::c_void, ffi::write);

/// A read or write that did not succeed at once: a closed file (ValueError), or the
/// syscall's errno; EINTR runs pending exceptions (Ctrl-C) and `retry` makes the call again.
#[cold]
#[inline(never)]
fn io_failed(
    f: ffi::mp_obj_t,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
    again: impl FnMut() -> isize,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || {
        open_fd(f)?;
        let err = host_errno();
        if err != ffi::RUSTOS_HOST_EINTR as i32 {
            return Ok(Io::Errno(err));
        }
        // SAFETY: a trampoline; a pending KeyboardInterrupt comes back as an error.
        mp::check(unsafe { ffi::rustos_try_handle_pending() })?;
        Ok(match retry(again)? {
            Ok(n) => Io::Done(n as usize),
            Err(e) => Io::Errno(e),
        })
    })
}

#[no_mangle]
pub extern "C" fn rustos_posix_file_ioctl(
    f: ffi::mp_obj_t,
    request: ffi::mp_uint_t,
    arg: usize,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || {
        // SAFETY: the C stream shims pass only our file objects.
        let file = unsafe { &mut *(f as *mut File) };
        let request = request as u32;
        if request == ffi::RUSTOS_STREAM_CLOSE {
            if file.fd >= 0 {
                let fd = file.fd;
                // SAFETY: closing the descriptor this object owns, once.
                nogil(|| unsafe { ffi::close(fd) });
            }
            file.fd = -1;
            return Ok(Io::Done(0));
        }
        let fd = open_fd(f)?;
        Ok(match request {
            ffi::RUSTOS_STREAM_FLUSH => {
                // SAFETY: fsync on our descriptor.
                match retry(|| unsafe { ffi::fsync(fd) })? {
                    Ok(_) => Io::Done(0),
                    // stdio descriptors cannot be synced: not an error.
                    Err(e) if e == ffi::RUSTOS_HOST_EINVAL as i32 && fd <= 2 => Io::Done(0),
                    Err(e) => Io::Errno(e),
                }
            }
            ffi::RUSTOS_STREAM_SEEK => {
                // SAFETY: for MP_STREAM_SEEK, arg points at the caller's mp_stream_seek_t.
                let s = unsafe { &mut *(arg as *mut ffi::mp_stream_seek_t) };
                // SAFETY: lseek on our descriptor.
                let (offset, whence) = (s.offset, s.whence);
                let off = nogil(|| unsafe { ffi::lseek(fd, offset as _, whence) });
                if off == -1 {
                    Io::Errno(host_errno())
                } else {
                    s.offset = off as _;
                    Io::Done(0)
                }
            }
            ffi::RUSTOS_STREAM_GET_FILENO => Io::Done(fd as usize),
            ffi::RUSTOS_STREAM_GET_BUFFER_SIZE => crate::mp::READER_BUFFER,
            ffi::RUSTOS_STREAM_POLL => {
                let mut events = 0;
                if arg & ffi::RUSTOS_STREAM_POLL_RD as usize != 0 {
                    events |= ffi::RUSTOS_POLLIN;
                }
                if arg & ffi::RUSTOS_STREAM_POLL_WR as usize != 0 {
                    events |= ffi::RUSTOS_POLLOUT;
                }
                let mut pfd = ffi::pollfd {
                    fd,
                    events: events as _,
                    revents: 0,
                };
                let mut ret = 0usize;
                // SAFETY: poll on one valid pollfd, without blocking.
                if unsafe { ffi::poll(&mut pfd, 1, 0) } > 0 {
                    let rev = pfd.revents as u32;
                    for (host, mp) in [
                        (ffi::RUSTOS_POLLIN, ffi::RUSTOS_STREAM_POLL_RD),
                        (ffi::RUSTOS_POLLOUT, ffi::RUSTOS_STREAM_POLL_WR),
                        (ffi::RUSTOS_POLLERR, ffi::RUSTOS_STREAM_POLL_ERR),
                        (ffi::RUSTOS_POLLHUP, ffi::RUSTOS_STREAM_POLL_HUP),
                        (ffi::RUSTOS_POLLNVAL, ffi::RUSTOS_STREAM_POLL_NVAL),
                    ] {
                        if rev & host != 0 {
                            ret |= mp as usize;
                        }
                    }
                }
                Io::Done(ret)
            }
            _ => Io::Errno(ffi::RUSTOS_HOST_EINVAL as i32),
        })
    })
}

/// f.truncate(size=None): the host's ftruncate(); None is the current position, which
/// does not move.  Returns the new size.
#[no_mangle]
pub extern "C" fn rustos_posix_file_truncate(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let args = mp::args(n, args);
        let f = *args.first().ok_or(Error::Type(msg!("truncate needs self")))?;
        if !f.is_type(&raw const ffi::rustos_type_posix_fileio) && !f.is_type(&raw const ffi::rustos_type_posix_textio)
        {
            return Err(Error::Type(msg!("truncate needs a VfsPosix file")));
        }
        let fd = open_fd(f.0)?;
        let size = match args.get(1).copied().filter(|s| !s.is_none()) {
            Some(size) => size.get_i64()?,
            None => {
                // SAFETY: lseek on our descriptor, which does not move it.
                let pos = nogil(|| unsafe { ffi::lseek(fd, 0, 1) });
                if pos == -1 {
                    return Err(Error::OsRaw(host_errno()));
                }
                pos
            }
        };
        // SAFETY: ftruncate on our descriptor.
        retry(|| unsafe { ffi::ftruncate(fd, size as _) })?.map_err(Error::OsRaw)?;
        Obj::from_int(size as isize)
    })
}

#[no_mangle]
pub extern "C" fn rustos_posix_file_fileno(f: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| Obj::from_int(open_fd(f)? as isize))
}
