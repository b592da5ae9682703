//! The `os` module functions that are not about files: uname, urandom, dupterm, and the
//! unix extras (getenv, putenv, unsetenv, system, errno).
use crate::ffi;
use crate::mp::{self, entry, Error, Obj, Result, Vstr};
use crate::msg;
use crate::qstr;

/// os.uname(): (sysname, nodename, release, version, machine).
#[no_mangle]
pub extern "C" fn rustos_os_uname() -> ffi::rustos_ret_t {
    entry(uname)
}

static UNAME_FIELDS: [mp::Qstr; 5] = [
    qstr!(MP_QSTR_sysname),
    qstr!(MP_QSTR_nodename),
    qstr!(MP_QSTR_release),
    qstr!(MP_QSTR_version),
    qstr!(MP_QSTR_machine),
];

#[cfg(not(feature = "unix"))]
fn c_string_obj(s: *const core::ffi::c_char) -> Result<Obj> {
    // SAFETY: the uname strings are NUL-terminated C string constants in c/modos.c.
    let s = unsafe { core::ffi::CStr::from_ptr(s) };
    Obj::new_str(s.to_bytes())
}

/// On unix, the host's uname(), as CPython's os.uname(): the kernel's name, release and
/// version, the host name and machine ("x86_64").
#[cfg(feature = "unix")]
fn uname() -> Result<Obj> {
    let mut u = ffi::utsname::default();
    // SAFETY: u is a utsname for the call to fill in.
    if unsafe { ffi::uname(&mut u) } != 0 {
        // SAFETY: reads the C library's thread-local errno.
        return Err(Error::OsRaw(unsafe { ffi::rustos_errno_get() }));
    }
    let field = |f: &[core::ffi::c_char]| {
        // Each field is NUL-terminated within its array (POSIX); stop at the end anyway.
        let bytes = f.iter().map(|&c| c as u8).take_while(|&c| c != 0).count();
        // SAFETY: `bytes` bytes of the array, reinterpreted from c_char to u8.
        Obj::new_str(unsafe { core::slice::from_raw_parts(f.as_ptr() as *const u8, bytes) })
    };
    let items = [
        field(&u.sysname)?,
        field(&u.nodename)?,
        field(&u.release)?,
        field(&u.version)?,
        field(&u.machine)?,
    ];
    Obj::new_attrtuple(&UNAME_FIELDS, &items)
}

/// Bare metal: the firmware's own strings, as stock.
#[cfg(not(feature = "unix"))]
fn uname() -> Result<Obj> {
    // SAFETY: taking the address of extern C arrays; nothing is read here.
    let (sys, rel, ver, mach) = unsafe {
        (
            ffi::rustos_uname_sysname.as_ptr(),
            ffi::rustos_uname_release.as_ptr(),
            ffi::rustos_uname_version.as_ptr(),
            ffi::rustos_uname_machine.as_ptr(),
        )
    };
    let sysname = c_string_obj(sys)?;
    let items = [
        sysname,
        sysname,
        c_string_obj(rel)?,
        c_string_obj(ver)?,
        c_string_obj(mach)?,
    ];
    Obj::new_attrtuple(&UNAME_FIELDS, &items)
}

/// os.urandom(n): n bytes from the platform's cryptographic random source.
#[no_mangle]
pub extern "C" fn rustos_os_urandom(n: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| urandom(Obj(n)))
}

fn urandom(n: Obj) -> Result<Obj> {
    let n = n.get_int()?;
    let n = usize::try_from(n).map_err(|_| Error::Value(msg!("negative argument not allowed")))?;
    let mut buf = Vstr::with_len(n)?;
    getrandom::fill(buf.as_mut_slice()).map_err(random_error)?;
    buf.into_bytes()
}

fn random_error(e: getrandom::Error) -> Error {
    if e == getrandom::Error::UNSUPPORTED {
        // No random source on this board: say so rather than return weak bytes.
        return Error::Os(crate::errno::Errno::ENODEV);
    }
    match e.raw_os_error() {
        Some(code) if code > 0 => Error::OsRaw(code),
        _ => Error::Os(crate::errno::Errno::EIO),
    }
}

/// os.dupterm(stream, index=0): put `stream` (or None to clear) in the port's dupterm
/// slot and return what was there before.
#[no_mangle]
pub extern "C" fn rustos_os_dupterm(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| dupterm(mp::args(n, args)))
}

fn dupterm(args: &[Obj]) -> Result<Obj> {
    let stream = *args.first().ok_or(Error::Type(msg!("dupterm() takes a stream")))?;
    let idx = match args.get(1) {
        Some(i) => i.get_int()?,
        None => 0,
    };
    let mut n = 0usize;
    // SAFETY: the port's root-pointer array of dupterm slots and its length (0 if none).
    let slots = unsafe { ffi::rustos_dupterm_slots(&mut n) };
    let idx = usize::try_from(idx)
        .ok()
        .filter(|&i| i < n && !slots.is_null())
        .ok_or(Error::Value(msg!("invalid dupterm index")))?;
    if !stream.is_none()
        && !stream.is_stream(ffi::RUSTOS_STREAM_OP_READ | ffi::RUSTOS_STREAM_OP_WRITE | ffi::RUSTOS_STREAM_OP_IOCTL)
    {
        return Err(Error::Type(msg!("dupterm needs a stream object")));
    }
    // SAFETY: idx < n, the length of the slot array the port owns; the VM is single-
    // threaded with respect to dupterm (as in stock, which takes no lock either).
    let slot = unsafe { &mut *slots.add(idx) };
    let previous = if slot.is_null() { Obj::NONE } else { Obj(*slot) };
    *slot = if stream.is_none() {
        core::ptr::null_mut()
    } else {
        stream.0
    };
    Ok(previous)
}

#[cfg(feature = "unix")]
mod unix {
    use super::*;
    use alloc::ffi::CString;
    use core::ffi::{c_char, c_int};

    extern "C" {
        fn getenv(name: *const c_char) -> *const c_char;
        fn setenv(name: *const c_char, value: *const c_char, overwrite: c_int) -> c_int;
        fn unsetenv(name: *const c_char) -> c_int;
        fn system(cmd: *const c_char) -> c_int;
    }

    /// A str argument as a C string.  An embedded NUL would silently cut the string
    /// short in C, so it is a ValueError here, as in CPython.
    fn c_str_arg(o: Obj) -> Result<CString> {
        CString::new(o.str_bytes()?).map_err(|_| Error::Value(msg!("embedded null byte")))
    }

    fn last_errno() -> Error {
        // SAFETY: reads the C library's thread-local errno.
        Error::OsRaw(unsafe { ffi::rustos_errno_get() })
    }

    #[no_mangle]
    pub extern "C" fn rustos_os_getenv(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
        entry(|| {
            let args = mp::args(n, args);
            let key = c_str_arg(*args.first().ok_or(Error::Type(msg!("getenv() takes a name")))?)?;
            // SAFETY: key is NUL-terminated; the returned string is copied before any
            // other environment call could invalidate it.
            let v = unsafe { getenv(key.as_ptr()) };
            if v.is_null() {
                return Ok(args.get(1).copied().unwrap_or(Obj::NONE));
            }
            // SAFETY: getenv returned a NUL-terminated string.
            Obj::new_str(unsafe { core::ffi::CStr::from_ptr(v) }.to_bytes())
        })
    }

    #[no_mangle]
    pub extern "C" fn rustos_os_putenv(key: ffi::mp_obj_t, value: ffi::mp_obj_t) -> ffi::rustos_ret_t {
        entry(|| {
            let (k, v) = (c_str_arg(Obj(key))?, c_str_arg(Obj(value))?);
            // SAFETY: both are NUL-terminated; setenv copies them.
            if unsafe { setenv(k.as_ptr(), v.as_ptr(), 1) } == -1 {
                return Err(last_errno());
            }
            Ok(Obj::NONE)
        })
    }

    #[no_mangle]
    pub extern "C" fn rustos_os_unsetenv(key: ffi::mp_obj_t) -> ffi::rustos_ret_t {
        entry(|| {
            let k = c_str_arg(Obj(key))?;
            // SAFETY: k is NUL-terminated.
            if unsafe { unsetenv(k.as_ptr()) } == -1 {
                return Err(last_errno());
            }
            Ok(Obj::NONE)
        })
    }

    #[no_mangle]
    pub extern "C" fn rustos_os_system(cmd: ffi::mp_obj_t) -> ffi::rustos_ret_t {
        entry(|| {
            let c = c_str_arg(Obj(cmd))?;
            // SAFETY: c is NUL-terminated; system() blocks until the command ends.
            let r = unsafe { system(c.as_ptr()) };
            if r == -1 {
                return Err(last_errno());
            }
            Obj::from_int(r as isize)
        })
    }

    #[no_mangle]
    pub extern "C" fn rustos_os_errno(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
        entry(|| match mp::args(n, args).first() {
            // SAFETY: reads the C library's thread-local errno.
            None => Obj::from_int(unsafe { ffi::rustos_errno_get() } as isize),
            Some(v) => {
                let e = v.get_int()?;
                let e = i32::try_from(e).map_err(|_| Error::Overflow(msg!("errno out of range")))?;
                // SAFETY: writes the C library's thread-local errno.
                unsafe { ffi::rustos_errno_set(e) };
                Ok(Obj::NONE)
            }
        })
    }
}
