//! Errors as values on the Rust side of the boundary.
use super::Obj;
use crate::errno::Errno;
use crate::ffi;

/// A Python exception to be raised once control is back in C.
#[derive(Clone, Copy, Debug)]
// A word-sized tag puts every payload at a word boundary, so a Result is passed on as aligned
// words.  With a byte tag, each `?` copied the bytes after the tag with unaligned loads:
// 3.8 KB of Cortex-M3 code, and on x86 loads that straddle the callee's stores.
#[repr(usize)]
pub enum Error {
    /// An exception MicroPython raised inside a trampoline: re-raised unchanged.
    Exc(Obj),
    /// OSError with the port's errno number.
    Os(Errno),
    /// OSError with a raw number from the host OS.
    OsRaw(i32),
    Type(Msg),
    Value(Msg),
    Overflow(Msg),
    Runtime(Msg),
}

/// An exception's message: a static NUL-terminated string as one pointer (`msg!`), so that
/// an Error is two words (1.1 KB less Cortex-M3 code than a `&str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Msg(*const core::ffi::c_char);

impl Msg {
    /// `s` ends with its NUL (`msg!` adds it); "" is no message at all.
    pub const fn new(s: &'static str) -> Msg {
        let b = s.as_bytes();
        assert!(!b.is_empty() && b[b.len() - 1] == 0);
        Msg(b.as_ptr() as *const core::ffi::c_char)
    }

    fn bytes(self) -> &'static [u8] {
        // SAFETY: Msg::new only takes static NUL-terminated strings.
        unsafe { core::ffi::CStr::from_ptr(self.0) }.to_bytes()
    }
}

/// A `Msg` from a string literal.
#[macro_export]
macro_rules! msg {
    ($s:literal) => {
        const { $crate::mp::error::Msg::new(concat!($s, "\0")) }
    };
}

pub type Result<T> = core::result::Result<T, Error>;

// Two words, as `Msg` says.
const _: () = assert!(core::mem::size_of::<Result<Obj>>() == 2 * core::mem::size_of::<usize>());

impl From<Errno> for Error {
    fn from(e: Errno) -> Self {
        Error::Os(e)
    }
}

/// The port's number for an errno (MP_Exxx, which is the host's on unix).
pub fn errno_number(e: Errno) -> i32 {
    (match e {
        Errno::EPERM => ffi::RUSTOS_EPERM,
        Errno::ENOENT => ffi::RUSTOS_ENOENT,
        Errno::EIO => ffi::RUSTOS_EIO,
        Errno::EBADF => ffi::RUSTOS_EBADF,
        Errno::EAGAIN => ffi::RUSTOS_EAGAIN,
        Errno::ENOMEM => ffi::RUSTOS_ENOMEM,
        Errno::EACCES => ffi::RUSTOS_EACCES,
        Errno::EEXIST => ffi::RUSTOS_EEXIST,
        Errno::ENODEV => ffi::RUSTOS_ENODEV,
        Errno::EXDEV => ffi::RUSTOS_EXDEV,
        Errno::ENOTDIR => ffi::RUSTOS_ENOTDIR,
        Errno::EISDIR => ffi::RUSTOS_EISDIR,
        Errno::EINVAL => ffi::RUSTOS_EINVAL,
        Errno::ENOSPC => ffi::RUSTOS_ENOSPC,
        Errno::EROFS => ffi::RUSTOS_EROFS,
        Errno::EOPNOTSUPP => ffi::RUSTOS_EOPNOTSUPP,
        Errno::EFBIG => ffi::RUSTOS_EFBIG,
        Errno::EBUSY => ffi::RUSTOS_EBUSY,
        Errno::EMFILE => ffi::RUSTOS_EMFILE,
    }) as i32
}

pub(super) fn to_ret(r: Result<Obj>) -> ffi::rustos_ret_t {
    let mut ret = ffi::rustos_ret_t {
        obj: core::ptr::null_mut(),
        kind: ffi::rustos_kind_t_RUSTOS_OK as usize,
        code: 0,
        msg: core::ptr::null(),
        msg_len: 0,
    };
    let (kind, msg) = match r {
        Ok(o) => {
            ret.obj = o.0;
            return ret;
        }
        Err(Error::Exc(e)) => {
            ret.obj = e.0;
            (ffi::rustos_kind_t_RUSTOS_EXC, &[][..])
        }
        Err(Error::Os(e)) => {
            ret.code = errno_number(e) as isize;
            (ffi::rustos_kind_t_RUSTOS_OSERROR, &[][..])
        }
        Err(Error::OsRaw(n)) => {
            ret.code = n as isize;
            (ffi::rustos_kind_t_RUSTOS_OSERROR, &[][..])
        }
        Err(Error::Type(m)) => (ffi::rustos_kind_t_RUSTOS_TYPEERROR, m.bytes()),
        Err(Error::Value(m)) => (ffi::rustos_kind_t_RUSTOS_VALUEERROR, m.bytes()),
        Err(Error::Overflow(m)) => (ffi::rustos_kind_t_RUSTOS_OVERFLOWERROR, m.bytes()),
        Err(Error::Runtime(m)) => (ffi::rustos_kind_t_RUSTOS_RUNTIMEERROR, m.bytes()),
    };
    ret.kind = kind as usize;
    if !msg.is_empty() {
        ret.msg = msg.as_ptr() as *const core::ffi::c_char;
        ret.msg_len = msg.len();
    }
    ret
}
