//! VfsFat's file objects: open, and the stream protocol (read, write, ioctl).
use super::{device_sync, resolve, with_fs, with_fs_locked, VfsFat};
use crate::errno::Errno;
use crate::fat::engine::{FileState, Mode, F_MODIFIED, F_READABLE, F_WRITABLE};
use crate::ffi;
use crate::mp::{check, error::errno_number, Error, Io, Obj, Result};
use crate::msg;
use core::ffi::c_void;
use core::ptr::addr_of_mut;

/// An open file.
#[repr(C)]
struct File {
    base: ffi::mp_obj_base_t,
    /// The filesystem, or null once closed.
    vfs: *mut VfsFat,
    st: FileState,
}

pub(super) fn open(vfs: *mut VfsFat, path: Obj, mode: Obj) -> Result<Obj> {
    let m = Mode::parse(mode.str_bytes()?);
    let ty = if m.text {
        &raw const ffi::rustos_type_fat_textio
    } else {
        &raw const ffi::rustos_type_fat_fileio
    };
    // SAFETY: a trampoline allocating a zeroed file object with a finaliser.
    let o = check(unsafe { ffi::rustos_try_new_obj(ty, core::mem::size_of::<File>(), true) })?;
    let f = o.0 as *mut File;
    // After the object, as stock: with the heap locked the allocation above is what fails.
    let p = resolve(vfs, path)?;
    let st = with_fs(vfs, false, |fs, bp| fs.open(bp, &p, &m))?;
    // SAFETY: f is our fresh file object.
    unsafe {
        (*f).st = st;
        (*f).vfs = vfs;
    }
    if m.append {
        // oofatfs's FA_SEEKEND: to the end, along the chain.
        // SAFETY: our fresh file object's state, not handed out yet.
        let st = unsafe { &mut (*f).st };
        let size = st.size();
        if let Err(e) = with_fs(vfs, false, |fs, bp| fs.seek_to(bp, st, size)) {
            // SAFETY: the file is not handed out: closed.
            unsafe { (*f).vfs = core::ptr::null_mut() };
            return Err(e);
        }
    }
    Ok(o)
}

/// An open file's state and its filesystem; None once closed.
fn open_file<'a>(o: ffi::mp_obj_t) -> Option<(&'a mut FileState, *mut VfsFat)> {
    let f = o as *mut File;
    // SAFETY: the stream shims pass only our file objects; their state is used under the
    // filesystem's lock (or only read outside it).
    let (vfs, st) = unsafe { ((*f).vfs, &mut *addr_of_mut!((*f).st)) };
    (!vfs.is_null()).then_some((st, vfs))
}

fn close(o: ffi::mp_obj_t) {
    // SAFETY: one of our file objects: closed from now on.
    unsafe { (*(o as *mut File)).vfs = core::ptr::null_mut() };
}

fn einval() -> Io {
    Io::Errno(errno_number(Errno::EINVAL))
}

/// A filesystem call's outcome as a stream outcome: device exceptions propagate, other
/// errors become the stream's errno.
fn io_result(r: Result<usize>) -> Result<Io> {
    match r {
        Ok(n) => Ok(Io::Done(n)),
        Err(Error::Os(e)) => Ok(Io::Errno(errno_number(e))),
        Err(Error::OsRaw(e)) => Ok(Io::Errno(e)),
        Err(e) => Err(e),
    }
}

pub(super) fn file_read(o: ffi::mp_obj_t, buf: *mut c_void, size: usize) -> Result<Io> {
    let Some((f, vfs)) = open_file(o) else {
        return Ok(einval());
    };
    if !f.has(F_READABLE) {
        return Ok(Io::Errno(errno_number(Errno::EACCES)));
    }
    // SAFETY: the stream layer hands us `size` writable bytes.
    let out = unsafe { core::slice::from_raw_parts_mut(buf as *mut u8, size) };
    io_result(with_fs(vfs, false, |fs, p| fs.read(p, f, out)))
}

pub(super) fn file_write(o: ffi::mp_obj_t, buf: *const c_void, size: usize) -> Result<Io> {
    let Some((f, vfs)) = open_file(o) else {
        return Ok(einval());
    };
    if !f.has(F_WRITABLE) {
        return Ok(Io::Errno(errno_number(Errno::EACCES)));
    }
    // SAFETY: the stream layer hands us `size` readable bytes.
    let data = unsafe { core::slice::from_raw_parts(buf as *const u8, size) };
    // The written sector stays in the cache (as in oofatfs's window) until another
    // sector is needed, the file is flushed or closed, or the volume synced: a stream of
    // small writes then costs one device write per sector, not one per call.
    io_result(with_fs(vfs, false, |fs, p| fs.write_all(p, f, data)))
}

fn file_flush(f: &mut FileState, vfs: *mut VfsFat) -> Result<Io> {
    if !f.has(F_MODIFIED) {
        // oofatfs's f_sync does nothing for an unchanged file.
        return Ok(Io::Done(0));
    }
    // In a finaliser (a collection is running) waiting for the lock could deadlock: the
    // holder may be waiting for the collection, in its device's Python code.  Then the
    // file is written back only if the filesystem is free, and without the device sync
    // (which would call Python while the heap is locked).
    // SAFETY: a non-raising query of the GC state.
    if unsafe { ffi::rustos_gc_is_locked() } {
        // SAFETY: a raw projection to the lock inside a live object.
        let Some(_g) = crate::lock::try_lock(unsafe { addr_of_mut!((*vfs).owner) }) else {
            return Ok(Io::Done(0));
        };
        return io_result(with_fs_locked(vfs, true, |fs, p| fs.flush_file(p, f).map(|()| 0)));
    }
    let r = io_result(with_fs(vfs, true, |fs, p| fs.flush_file(p, f).map(|()| 0)))?;
    if let Io::Errno(e) = r {
        return Ok(Io::Errno(e));
    }
    device_sync(vfs)?;
    Ok(Io::Done(0))
}

pub(super) fn file_ioctl(o: ffi::mp_obj_t, request: u32, arg: usize) -> Result<Io> {
    let Some((f, vfs)) = open_file(o) else {
        // Closing twice is allowed; anything else on a closed file is EINVAL.
        return Ok(if request == ffi::RUSTOS_STREAM_CLOSE {
            Io::Done(0)
        } else {
            einval()
        });
    };
    match request {
        ffi::RUSTOS_STREAM_CLOSE => {
            let r = if f.has(F_WRITABLE) {
                file_flush(f, vfs)
            } else {
                Ok(Io::Done(0))
            };
            // Closed from now on, whatever the flush said.
            close(o);
            r
        }
        ffi::RUSTOS_STREAM_GET_BUFFER_SIZE => Ok(crate::mp::READER_BUFFER),
        ffi::RUSTOS_STREAM_FLUSH => {
            if f.has(F_WRITABLE) {
                file_flush(f, vfs)
            } else {
                Ok(Io::Done(0))
            }
        }
        ffi::RUSTOS_STREAM_SEEK => {
            // SAFETY: for MP_STREAM_SEEK, arg points at the caller's mp_stream_seek_t.
            let s = unsafe { &mut *(arg as *mut ffi::mp_stream_seek_t) };
            let (off, whence) = (crate::mp::off_to_i64(s.offset), s.whence);
            let pos = with_fs(vfs, false, |fs, p| {
                let target = match whence {
                    0 => off,
                    1 => i64::from(f.pos()).saturating_add(off),
                    _ => i64::from(f.size()).saturating_add(off),
                };
                Ok(fs.seek(p, f, target)? as usize)
            });
            match io_result(pos)? {
                Io::Done(p) => {
                    s.offset = p as _;
                    Ok(Io::Done(0))
                }
                e => Ok(e),
            }
        }
        _ => Ok(einval()),
    }
}

/// A new size for truncate: None is the position `pos`; negative is EINVAL; more than a
/// FAT file can hold (4 GiB - 1) is EFBIG, as CPython's os.truncate reports them.
fn truncate_size(size: Option<Obj>, pos: u32) -> Result<u32> {
    let Some(size) = size.filter(|s| !s.is_none()) else {
        return Ok(pos);
    };
    let size = size.get_i64()?;
    if size < 0 {
        return Err(Errno::EINVAL.into());
    }
    u32::try_from(size).map_err(|_| Errno::EFBIG.into())
}

/// Writes are refused on a read-only mount (or device) before anything changes.
fn require_writable(vfs: *mut VfsFat) -> Result<()> {
    // SAFETY: reading our own field of a live filesystem object.
    if unsafe { (*vfs).bdev.is_readonly() } {
        return Err(Errno::EROFS.into());
    }
    Ok(())
}

/// f.truncate(size=None) of a FAT file (None for any other object): the new size; the
/// position stays; growing fills with zeros; a handle not open for writing is EINVAL, as
/// Linux's ftruncate says.  The entry follows at flush or close, as after a write.
pub fn file_truncate_any(o: Obj, size: Option<Obj>) -> Option<Result<Obj>> {
    if !o.is_type(&raw const ffi::rustos_type_fat_fileio) && !o.is_type(&raw const ffi::rustos_type_fat_textio) {
        return None;
    }
    let Some((f, vfs)) = open_file(o.0) else {
        return Some(Err(Error::Value(msg!("I/O operation on closed file"))));
    };
    Some((|| {
        if !f.has(F_WRITABLE) {
            return Err(Errno::EINVAL.into());
        }
        require_writable(vfs)?;
        let size = truncate_size(size, f.pos())?;
        with_fs(vfs, false, |fs, p| fs.truncate(p, f, size))?;
        Obj::from_uint(u64::from(size))
    })())
}

/// VfsFat.truncate(path, length) (os.truncate): open for writing, truncate, write the
/// entry back (also after a failure part way: what was filled stays, the entry saying so).
pub(super) fn truncate_path(vfs: *mut VfsFat, path: Obj, length: Obj) -> Result<Obj> {
    // The size is checked before anything is opened: bad input changes nothing.
    if length.is_none() {
        return Err(Error::Type(msg!("truncate: length must be an int")));
    }
    let size = truncate_size(Some(length), 0)?;
    require_writable(vfs)?;
    let p = resolve(vfs, path)?;
    // A directory (the root too) is EISDIR, as on the other filesystems (a FAT open of
    // one would say ENOENT).
    if p.comps.is_empty() || with_fs(vfs, true, |fs, _| fs.stat(&p))?.is_none_or(|s| s.is_dir) {
        return Err(Errno::EISDIR.into());
    }
    let mut st = with_fs(vfs, false, |fs, bp| fs.open(bp, &p, &Mode::parse(b"r+")))?;
    let truncated = with_fs(vfs, false, |fs, bp| fs.truncate(bp, &mut st, size));
    if st.has(F_MODIFIED) {
        with_fs(vfs, true, |fs, bp| fs.flush_file(bp, &mut st))?;
        device_sync(vfs)?;
    }
    truncated?;
    Ok(Obj::NONE)
}

/// VfsFat.utime(path, ns) (os.utime): ns is None (now) or (atime_ns, mtime_ns) in the
/// port's epoch; FAT keeps the modification time, in 2-second steps, from 1980 to 2107
/// (OverflowError outside them).  The root has no entry to hold one: EINVAL.
pub(super) fn utime_path(vfs: *mut VfsFat, path: Obj, ns: Obj) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    // The path must exist whatever else is wrong, as on any filesystem.
    with_fs(vfs, true, |fs, _| fs.stat(&p))?;
    let fattime = match ns.tuple2() {
        None if ns.is_none() => {
            // SAFETY: the port's clock; cannot raise.
            unsafe { ffi::rustos_fattime() }
        }
        None => return Err(Error::Type(msg!("utime: ns must be None or a tuple of 2 ints"))),
        Some((a, m)) => {
            a.get_i64()?;
            // SAFETY: a pure conversion in C: where the port's epoch lies after 1970.
            let epoch = unsafe { ffi::rustos_epoch_ns_1970() };
            let secs = m.get_i64()?.checked_add(epoch).map(|ns| ns.div_euclid(1_000_000_000));
            secs.and_then(crate::fatlayout::fattime_from_unix)
                .ok_or(Error::Overflow(msg!("timestamp out of range for FAT (1980 to 2107)")))?
        }
    };
    require_writable(vfs)?;
    with_fs(vfs, true, |fs, _| fs.set_mtime(&p, fattime))?;
    Ok(Obj::NONE)
}
