//! vfs.VfsRom: a read-only filesystem in memory in the ROMFS format (read by src/romfs.rs),
//! with the behaviour and errors of stock's extmod/vfs_rom.c and vfs_rom_file.c: ENODEV for
//! an image that is not a ROMFS, ENOENT/EISDIR/EROFS from open, EOPNOTSUPP for chdir below
//! the root, files that seek and tell, never close (reads go on working afterwards, as
//! stock's), answer every other ioctl with EINVAL, and lend their data to memoryview and to
//! import (binary mode) without a copy.
//!
//! Differences, all where stock reads memory it should not: the memory's buffer is asked
//! for at each call instead of once (a bytearray that was resized is read where it now
//! is), every read is bounds-checked against it (see src/romfs.rs), and an embedded NUL in
//! a path is a ValueError (stock cuts the path short there), as everywhere in this module.
use core::ffi::{c_char, c_int, c_void};
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::errno::Errno;
use crate::ffi;
use crate::mp::{self, entry, io_entry, Error, Io, Obj, Result};
use crate::msg;
use crate::romfs::{Lookup, Rom, Span};

type Vfs = ffi::rustos_rom_t;
type File = ffi::rustos_rom_file_t;
type Dir = ffi::rustos_rom_dir_t;

/// The bytes of `memory` as its buffer protocol gives them now (empty if it no longer
/// has one).
fn buffer<'a>(memory: Obj) -> &'a [u8] {
    let (mut data, mut len): (*const u8, usize) = (core::ptr::null(), 0);
    // SAFETY: a non-raising C helper writing through two valid pointers.
    if !unsafe { ffi::rustos_get_buffer_read(memory.0, &mut data, &mut len) } || data.is_null() {
        return &[];
    }
    // SAFETY: the buffer protocol lends `len` readable bytes at `data`, owned by `memory`,
    // which the VfsRom being used holds (reachable by the GC) for the whole call; nothing
    // in our calls runs Python code that could resize it.
    unsafe { core::slice::from_raw_parts(data, len) }
}

/// The image of a VfsRom object.
///
/// # Safety
/// `vfs` must be a VfsRom (or subclass) instance: the C shims pass only those.
unsafe fn rom<'a>(vfs: ffi::mp_obj_t) -> Rom<'a> {
    // SAFETY: by the caller's guarantee the object has our layout.
    let v = unsafe { &*(vfs as *const Vfs) };
    Rom::again(
        buffer(Obj(v.memory)),
        Span {
            start: v.start,
            end: v.end,
        },
    )
}

/// A path argument's bytes: str or bytes (TypeError otherwise, as stock's
/// mp_obj_str_get_str), without NUL.
fn path_arg<'a>(path: ffi::mp_obj_t) -> Result<&'a [u8]> {
    mp::no_nul(Obj(path).str_bytes()?)
}

/// A word of an object that calls may change (a file's position, a listing's place): the
/// unix port runs threads without a GIL, and two of them may use one object at once, so the
/// word is read and written atomically, never through a `&mut` (stock's C races on it).
///
/// # Safety
/// `w` must point at a live, aligned `usize` field of one of our objects that is only
/// accessed through this view once the object is handed out.
unsafe fn shared<'a>(w: *mut usize) -> &'a AtomicUsize {
    // SAFETY: AtomicUsize has usize's size and alignment; by the caller's guarantee.
    unsafe { AtomicUsize::from_ptr(w) }
}

fn new_obj<T>(t: *const ffi::mp_obj_type_t) -> Result<*mut T> {
    // SAFETY: a trampoline allocating a zeroed object of this size with its type set.
    let o = mp::check(unsafe { ffi::rustos_try_new_obj(t, core::mem::size_of::<T>(), false) })?;
    Ok(o.0 as *mut T)
}

fn small(i: usize) -> Result<Obj> {
    Obj::from_int(isize::try_from(i).map_err(|_| Error::Os(Errno::EIO))?)
}

#[no_mangle]
pub extern "C" fn rustos_rom_make_new(
    t: *const ffi::mp_obj_type_t,
    n_args: usize,
    n_kw: usize,
    args: *const ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: a trampoline raising stock's TypeErrors for the argument count.
        mp::check(unsafe { ffi::rustos_try_arg_check_num(n_args, n_kw, 1, 1, false) })?;
        let Some(&memory) = mp::args(n_args, args).first() else {
            return Err(Error::Type(msg!("function missing 1 required positional arguments")));
        };
        let (mut data, mut len): (*const u8, usize) = (core::ptr::null(), 0);
        // SAFETY: a trampoline: TypeError for an object without the buffer protocol.
        mp::check(unsafe { ffi::rustos_try_get_buffer_read(memory.0, &mut data, &mut len) })?;
        let payload = Rom::new(buffer(memory))
            .map_err(|_| Error::Os(Errno::ENODEV))?
            .payload();
        let v = new_obj::<Vfs>(t)?;
        // SAFETY: `v` is the fresh, zeroed object of our layout.
        unsafe {
            (*v).memory = memory.0;
            (*v).start = payload.start;
            (*v).end = payload.end;
        }
        Ok(Obj(v as ffi::mp_obj_t))
    })
}

#[no_mangle]
pub extern "C" fn rustos_rom_mount(
    _s: ffi::mp_obj_t,
    _readonly: ffi::mp_obj_t,
    mkfs: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| {
        if Obj(mkfs).is_true()? {
            return Err(Errno::EPERM.into());
        }
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_rom_open(s: ffi::mp_obj_t, path: ffi::mp_obj_t, mode: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // The mode as stock reads it: a C string (to its first NUL), later letters winning.
        let mut text = true;
        for &c in Obj(mode).str_bytes()?.iter().take_while(|&&c| c != 0) {
            match c {
                b'w' | b'a' | b'+' => return Err(Errno::EROFS.into()),
                b'b' => text = false,
                b't' => text = true,
                _ => {}
            }
        }
        let path = path_arg(path)?;
        // SAFETY: self of the VfsRom method.
        let data = match unsafe { rom(s) }.lookup(path) {
            Lookup::NotFound => return Err(Errno::ENOENT.into()),
            Lookup::Dir(_) => return Err(Errno::EISDIR.into()),
            Lookup::File(d) => d,
        };
        let t = if text {
            &raw const ffi::rustos_type_rom_textio
        } else {
            &raw const ffi::rustos_type_rom_fileio
        };
        let f = new_obj::<File>(t)?;
        // SAFETY: `f` is the fresh, zeroed file object of our layout.
        unsafe {
            (*f).vfs = s;
            (*f).start = data.start;
            (*f).size = data.len();
        }
        Ok(Obj(f as ffi::mp_obj_t))
    })
}

#[no_mangle]
pub extern "C" fn rustos_rom_chdir(_s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // The root only: stock has no current directory inside a ROMFS.
        if path_arg(path)? != b"/" {
            return Err(Errno::EOPNOTSUPP.into());
        }
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_rom_getcwd(_s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| Ok(mp::empty_str()))
}

#[no_mangle]
pub extern "C" fn rustos_rom_ilistdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let is_str = Obj(path).is_exact_str();
        // SAFETY: self of the VfsRom method.
        let Lookup::Dir(span) = (unsafe { rom(s) }).lookup(path_arg(path)?) else {
            return Err(Errno::ENOENT.into());
        };
        let d = new_obj::<Dir>(&raw const ffi::mp_type_polymorph_iter)?;
        // SAFETY: `d` is the fresh, zeroed iterator of our layout (base, then iternext).
        unsafe {
            (*d).iternext = Some(ffi::rustos_rom_dir_iternext_shim);
            (*d).vfs = s;
            (*d).index = span.start;
            (*d).top = span.end;
            (*d).is_str = is_str;
        }
        Ok(Obj(d as ffi::mp_obj_t))
    })
}

#[no_mangle]
pub extern "C" fn rustos_rom_dir_iternext(it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let d = it as *mut Dir;
        // SAFETY: `it` is one of our directory iterators (the iternext slot is only ours);
        // only `index` changes after it is made.
        let (index, top, vfs, is_str) = unsafe { (shared(&raw mut (*d).index), (*d).top, (*d).vfs, (*d).is_str) };
        let mut at = Span {
            start: index.load(Relaxed),
            end: top,
        };
        // SAFETY: the iterator's vfs is the VfsRom it lists.
        let entry = unsafe { rom(vfs) }.next_entry(&mut at);
        index.store(at.start, Relaxed);
        let Some(e) = entry else {
            return Ok(Obj::STOP_ITERATION);
        };
        let mode = if e.is_dir {
            ffi::RUSTOS_S_IFDIR
        } else {
            ffi::RUSTOS_S_IFREG
        };
        Obj::new_listing(e.name, is_str, &[small(mode as usize)?, small(0)?, small(e.size)?])
    })
}

#[no_mangle]
pub extern "C" fn rustos_rom_stat(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsRom method.
        let (mode, size) = match unsafe { rom(s) }.lookup(path_arg(path)?) {
            Lookup::NotFound => return Err(Errno::ENOENT.into()),
            Lookup::Dir(d) => (ffi::RUSTOS_S_IFDIR, d.len()),
            Lookup::File(d) => (ffi::RUSTOS_S_IFREG, d.len()),
        };
        let z = small(0)?;
        Obj::new_tuple(&[small(mode as usize)?, z, z, z, z, z, small(size)?, z, z, z])
    })
}

#[no_mangle]
pub extern "C" fn rustos_rom_statvfs(s: ffi::mp_obj_t, _path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: self of the VfsRom method (the path is not looked at, as in stock).
        let v = unsafe { &*(s as *const Vfs) };
        let blocks = Obj::from_uint(v.end.saturating_sub(v.start) as u64)?;
        let z = small(0)?;
        Obj::new_tuple(&[small(1)?, z, blocks, z, z, z, z, z, z, small(32767)?])
    })
}

/// MicroPython's import asks this whether a path is a file, a directory or nothing.
#[no_mangle]
pub extern "C" fn rustos_rom_import_stat(s: *mut c_void, path: *const c_char) -> ffi::mp_import_stat_t {
    // SAFETY: the VFS passes our object and a NUL-terminated path.
    let (rom, path) = unsafe { (rom(s as ffi::mp_obj_t), core::ffi::CStr::from_ptr(path).to_bytes()) };
    (match rom.lookup(path) {
        Lookup::NotFound => ffi::RUSTOS_IMPORT_STAT_NO_EXIST,
        Lookup::Dir(_) => ffi::RUSTOS_IMPORT_STAT_DIR,
        Lookup::File(_) => ffi::RUSTOS_IMPORT_STAT_FILE,
    }) as ffi::mp_import_stat_t
}

// Files.

/// A file's position (the one word that changes), its size, and its data as the memory
/// holds it now (None if it no longer does).
///
/// # Safety
/// `f` must be one of our ROM file objects (the C shims pass only those).
unsafe fn file<'a>(f: ffi::mp_obj_t) -> (&'a AtomicUsize, usize, Option<&'a [u8]>) {
    let f = f as *mut File;
    // SAFETY: by the caller's guarantee; vfs, start and size do not change once it is made.
    let (pos, vfs, start, size) = unsafe { (shared(&raw mut (*f).pos), (*f).vfs, (*f).start, (*f).size) };
    // SAFETY: the file's vfs is the VfsRom it was opened on.
    let memory = unsafe { (*(vfs as *const Vfs)).memory };
    let data = start
        .checked_add(size)
        .and_then(|end| buffer(Obj(memory)).get(start..end));
    (pos, size, data)
}

#[no_mangle]
pub extern "C" fn rustos_rom_file_read(
    f: ffi::mp_obj_t,
    buf: *mut c_void,
    size: ffi::mp_uint_t,
    errcode: *mut c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || {
        // SAFETY: the C stream shims pass only our file objects.
        let (pos, _, data) = unsafe { file(f) };
        let Some(data) = data else {
            return Ok(Io::Errno(mp::error::errno_number(Errno::EIO)));
        };
        let at = pos.load(Relaxed);
        let rest = data.get(at..).unwrap_or(&[]);
        let n = rest.len().min(size as usize);
        if n > 0 {
            // SAFETY: the stream layer hands a buffer of `size` bytes, and n <= size.
            let out = unsafe { core::slice::from_raw_parts_mut(buf as *mut u8, n) };
            out.copy_from_slice(&rest[..n]);
        }
        pos.store(at + n, Relaxed);
        Ok(Io::Done(n))
    })
}

#[no_mangle]
pub extern "C" fn rustos_rom_file_ioctl(
    f: ffi::mp_obj_t,
    request: ffi::mp_uint_t,
    arg: usize,
    errcode: *mut c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || {
        Ok(match request as u32 {
            ffi::RUSTOS_STREAM_SEEK => {
                // SAFETY: for MP_STREAM_SEEK, arg points at the caller's mp_stream_seek_t.
                let s = unsafe { &mut *(arg as *mut ffi::mp_stream_seek_t) };
                let off = mp::off_to_i64(s.offset);
                // SAFETY: the C stream shims pass only our file objects.
                let (at, size, _) = unsafe { file(f) };
                // Stock's arithmetic: unsigned and wrapping, then clamped to the end; a
                // position before the start is EINVAL.
                let pos = match s.whence {
                    0 => off as usize,
                    1 => at.load(Relaxed).wrapping_add(off as usize),
                    _ => size.wrapping_add(off as usize),
                };
                // As stock, a refused seek leaves the position it computed: tell() then
                // says the end, and a relative seek goes on from there.  (Stock would
                // read outside the data from there; we read nothing.)
                if pos > size && off < 0 {
                    at.store(pos, Relaxed);
                    return Ok(Io::Errno(mp::error::errno_number(Errno::EINVAL)));
                }
                let pos = pos.min(size);
                at.store(pos, Relaxed);
                s.offset = pos as ffi::mp_off_t;
                Io::Done(0)
            }
            ffi::RUSTOS_STREAM_CLOSE => Io::Done(0),
            _ => Io::Errno(mp::error::errno_number(Errno::EINVAL)),
        })
    })
}

/// The buffer protocol of binary files: the file's data where it lies, read-only.
#[no_mangle]
pub extern "C" fn rustos_rom_file_get_buffer(
    f: ffi::mp_obj_t,
    info: *mut ffi::mp_buffer_info_t,
    flags: ffi::mp_uint_t,
) -> ffi::mp_int_t {
    if flags != ffi::RUSTOS_BUFFER_READ as ffi::mp_uint_t {
        return 1;
    }
    // SAFETY: MicroPython passes one of our binary files (the slot is on their type only).
    let (_, _, Some(data)) = (unsafe { file(f) }) else {
        return 1;
    };
    // SAFETY: `info` is the caller's buffer description to fill in.
    unsafe {
        (*info).buf = data.as_ptr() as *mut c_void;
        (*info).len = data.len();
        (*info).typecode = b'B' as c_int;
    }
    0
}
