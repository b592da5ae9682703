//! The boundary with MicroPython: object handles, errors as values, the entry guard, and
//! safe wrappers over the C trampolines (c/trampolines.c).
//!
//! Rules kept here (shared/ARCHITECTURE.md): nothing below raises.  Every MicroPython
//! call that can raise goes through a trampoline, which returns the exception as a value;
//! errors travel up as `Result` to the `extern "C"` entry point, which hands them to its
//! C shim as a `rustos_ret_t`, and the shim raises after our frames are gone.
pub mod error;
mod obj;

pub use error::{Error, Result};
pub use obj::{Obj, Vstr};

use crate::ffi;
use crate::msg;

/// A path's bytes, refused with ValueError if they hold a NUL: C would silently cut the
/// path short there (CPython raises the same).
pub fn no_nul(p: &[u8]) -> Result<&[u8]> {
    if p.contains(&0) {
        return Err(Error::Value(msg!("embedded null byte")));
    }
    Ok(p)
}

/// A stream offset as i64.  `mp_off_t` is the port's choice: `long` or `long long` on unix,
/// `long` on the QEMU port and esp32, `intptr_t` on rp2 (isize through bindgen, which has
/// no `From` into i64); every one of them fits.
pub fn off_to_i64(off: ffi::mp_off_t) -> i64 {
    const _: () = assert!(core::mem::size_of::<ffi::mp_off_t>() <= core::mem::size_of::<i64>());
    #[allow(clippy::unnecessary_cast)]
    let wide = off as i64;
    wide
}

/// Run the body of an `extern "C"` entry point and package its outcome for the C shim.
/// On hosted builds a panic (a bug, never expected) becomes a RuntimeError instead of
/// unwinding into C or aborting the VM; bare metal builds with panic=abort.
pub fn entry(f: impl FnOnce() -> Result<Obj>) -> ffi::rustos_ret_t {
    #[cfg(feature = "std")]
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(Err(Error::Runtime(msg!(
        "internal error in the os module (Rust panic)"
    ))));
    #[cfg(not(feature = "std"))]
    let r = f();
    error::to_ret(r)
}

/// The outcome of a stream-protocol call (read, write, ioctl): a count or value, or an
/// errno that the stream layer turns into OSError.
pub enum Io {
    Done(usize),
    Errno(i32),
}

/// What our files answer to MP_STREAM_GET_BUFFER_SIZE: the chunk in which import reads a
/// module (extmod/vfs_reader.c).  Stock's files do not answer, and import then reads 25
/// bytes at a time (53 on 64-bit), a filesystem call each.
pub const READER_BUFFER: Io = Io::Done(ffi::RUSTOS_READER_BUFFER as usize);

/// Run the body of a stream-protocol entry point (c/rustos.h, rustos_stream_check): the
/// count, or MP_STREAM_ERROR with `*errcode` set; an exception (or a panic) goes into
/// `*exc`, with `*errcode` RUSTOS_STREAM_RAISE, and the C shim raises it.
pub fn io_entry(
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
    f: impl FnOnce() -> Result<Io>,
) -> ffi::mp_uint_t {
    #[cfg(feature = "std")]
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(Err(Error::Runtime(msg!(
        "internal error in the os module (Rust panic)"
    ))));
    #[cfg(not(feature = "std"))]
    let r = f();
    let (code, err) = match r {
        Ok(Io::Done(n)) => return n as ffi::mp_uint_t,
        Ok(Io::Errno(e)) => (e, None),
        Err(e) => (ffi::RUSTOS_STREAM_RAISE, Some(error::to_ret(Err(e)))),
    };
    // SAFETY: the C shim passes its own errcode and a slot for the exception.
    unsafe {
        *errcode = code;
        if let Some(x) = err {
            *exc = x;
        }
    }
    ffi::mp_uint_t::MAX
}

/// Turn a trampoline's outcome into a Result.
pub(crate) fn check(t: ffi::rustos_try_t) -> Result<Obj> {
    if t.exc.is_null() {
        Ok(Obj(t.obj))
    } else {
        Err(Error::Exc(Obj(t.exc)))
    }
}

/// A slice of arguments as handed to a variable-arity entry point.
pub fn args<'a>(n: usize, args: *const ffi::mp_obj_t) -> &'a [Obj] {
    if n == 0 || args.is_null() {
        return &[];
    }
    // SAFETY: MicroPython passes `n` valid objects at `args`, alive for the call; Obj is
    // repr(transparent) over mp_obj_t.
    unsafe { core::slice::from_raw_parts(args as *const Obj, n) }
}

/// The empty str (the default path of listdir/ilistdir).
pub fn empty_str() -> Obj {
    // SAFETY: a non-raising C helper returning a constant object.
    Obj(unsafe { ffi::rustos_empty_str() })
}

/// One entry of an `mp_arg_t` table whose default is an object.
pub const fn arg(name: Qstr, flags: u32, default: Obj) -> ffi::mp_arg_t {
    ffi::mp_arg_t {
        qst: name as u16,
        flags: flags as u16,
        defval: ffi::mp_arg_val_t { u_obj: default.0 },
    }
}

pub const fn arg_int(name: Qstr, flags: u32, default: isize) -> ffi::mp_arg_t {
    ffi::mp_arg_t {
        qst: name as u16,
        flags: flags as u16,
        defval: ffi::mp_arg_val_t {
            u_int: default as ffi::mp_int_t,
        },
    }
}

pub const fn arg_bool(name: Qstr, flags: u32, default: bool) -> ffi::mp_arg_t {
    ffi::mp_arg_t {
        qst: name as u16,
        flags: flags as u16,
        defval: ffi::mp_arg_val_t { u_bool: default },
    }
}

/// mp_arg_parse_all, returning the raw values (read each with its entry's type).
pub fn parse_args_raw<const N: usize>(
    n_pos: usize,
    pos: *const ffi::mp_obj_t,
    kw: *mut ffi::mp_map_t,
    allowed: &[ffi::mp_arg_t; N],
) -> Result<[ffi::mp_arg_val_t; N]> {
    let mut out = [ffi::mp_arg_val_t {
        u_obj: core::ptr::null_mut(),
    }; N];
    // SAFETY: trampoline call; `out` has one slot per entry of `allowed`.
    check(unsafe { ffi::rustos_try_arg_parse_all(n_pos, pos, kw, N, allowed.as_ptr(), out.as_mut_ptr()) })?;
    Ok(out)
}

/// mp_arg_parse_all_kw_array (the make_new calling convention), raw values.
pub fn parse_args_kw_array<const N: usize>(
    n_pos: usize,
    n_kw: usize,
    args: *const ffi::mp_obj_t,
    allowed: &[ffi::mp_arg_t; N],
) -> Result<[ffi::mp_arg_val_t; N]> {
    let mut out = [ffi::mp_arg_val_t {
        u_obj: core::ptr::null_mut(),
    }; N];
    // SAFETY: trampoline call; `out` has one slot per entry of `allowed`.
    check(unsafe { ffi::rustos_try_arg_parse_all_kw_array(n_pos, n_kw, args, N, allowed.as_ptr(), out.as_mut_ptr()) })?;
    Ok(out)
}

/// mp_arg_parse_all over object-valued arguments: TypeErrors exactly as stock's.
pub fn parse_args<const N: usize>(
    n_pos: usize,
    pos: *const ffi::mp_obj_t,
    kw: *mut ffi::mp_map_t,
    allowed: &[ffi::mp_arg_t; N],
) -> Result<[Obj; N]> {
    let out = parse_args_raw(n_pos, pos, kw, allowed)?;
    // SAFETY: every entry of `allowed` is MP_ARG_OBJ, so u_obj is the field written.
    Ok(out.map(|v| Obj(unsafe { v.u_obj })))
}

/// The qstr type, as a plain integer.
pub type Qstr = ffi::qstr;

/// A qstr constant from bindgen's enum as a `qstr`.
#[macro_export]
macro_rules! qstr {
    ($name:ident) => {
        $crate::ffi::$name as $crate::ffi::qstr
    };
}
