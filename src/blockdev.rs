//! The block-device layer: a Python object with `readblocks`/`writeblocks` and either
//! `ioctl` or the old `count`/`sync` protocol, as MicroPython's filesystems drive it.
//!
//! A `BlockDev` lives inside a GC-allocated filesystem object, so the methods it holds are
//! seen by the garbage collector.  Calls return MicroPython's codes (0 or a negative errno)
//! as `Ok`; an exception raised by the device comes back as `Err(Error::Exc)`, unchanged.
use crate::errno::Errno;
use crate::ffi;
use crate::mp::{check, error::errno_number, Error, Obj, Result};
use crate::qstr;

pub const IOCTL_INIT: usize = 1;
pub const IOCTL_SYNC: usize = 3;
pub const IOCTL_BLOCK_COUNT: usize = 4;
pub const IOCTL_BLOCK_SIZE: usize = 5;
pub const IOCTL_BLOCK_ERASE: usize = 6;

/// A loaded method: [function, self], or [NULL, _] when absent.
type Method = [ffi::mp_obj_t; 2];

#[repr(C)]
pub struct BlockDev {
    readblocks: Method,
    writeblocks: Method,
    ioctl: Method,
    sync: Method,
    count: Method,
    pub block_size: usize,
}

fn load(o: Obj, name: crate::mp::Qstr, required: bool) -> Result<Method> {
    let mut m: Method = [core::ptr::null_mut(); 2];
    // SAFETY: trampolines filling the two-slot method array.
    if required {
        check(unsafe { ffi::rustos_try_load_method(o.0, name, m.as_mut_ptr()) })?;
    } else {
        check(unsafe { ffi::rustos_try_load_method_maybe(o.0, name, m.as_mut_ptr()) })?;
    }
    Ok(m)
}

fn call(m: &Method, args: &[Obj]) -> Result<Obj> {
    // SAFETY: trampoline call of a loaded method with at most 3 arguments.
    check(unsafe { ffi::rustos_try_call_loaded(m.as_ptr(), args.len(), args.as_ptr() as *const ffi::mp_obj_t) })
}

/// What a readblocks/writeblocks return value means: None or True is success, False is
/// EIO, an int is 0 or a negative errno (a positive one is EINVAL).  Anything else is
/// EINVAL too (stock would read it as an int and get garbage).
fn rw_code(ret: Obj) -> i32 {
    if ret.is_none() || ret == Obj::TRUE {
        return 0;
    }
    if ret == Obj::FALSE {
        return -errno_number(Errno::EIO);
    }
    match ret.small_int() {
        Some(i) if i > 0 => -errno_number(Errno::EINVAL),
        Some(i) => i32::try_from(i).unwrap_or(-errno_number(Errno::EINVAL)),
        None => -errno_number(Errno::EINVAL),
    }
}

impl BlockDev {
    pub fn new(dev: Obj) -> Result<BlockDev> {
        let readblocks = load(dev, qstr!(MP_QSTR_readblocks), true)?;
        let writeblocks = load(dev, qstr!(MP_QSTR_writeblocks), false)?;
        let ioctl = load(dev, qstr!(MP_QSTR_ioctl), false)?;
        let (mut sync, mut count) = ([core::ptr::null_mut(); 2], [core::ptr::null_mut(); 2]);
        if ioctl[0].is_null() {
            sync = load(dev, qstr!(MP_QSTR_sync), false)?;
            count = load(dev, qstr!(MP_QSTR_count), true)?;
        }
        Ok(BlockDev {
            readblocks,
            writeblocks,
            ioctl,
            sync,
            count,
            block_size: 512,
        })
    }

    /// Refuse writes from now on (a readonly mount).
    pub fn set_readonly(&mut self) {
        self.writeblocks[0] = core::ptr::null_mut();
    }

    /// No writeblocks, or a readonly mount.
    pub fn is_readonly(&self) -> bool {
        self.writeblocks[0].is_null()
    }

    fn rw(m: &Method, block: usize, offset: usize, buf: *mut u8, len: usize, ext: bool) -> Result<i32> {
        // SAFETY: trampoline; buf/len is a buffer the caller owns for the whole call.
        let ret = check(unsafe {
            ffi::rustos_try_blockdev_rw(
                m.as_ptr(),
                block,
                offset,
                buf as *mut core::ffi::c_void,
                len,
                if ext { 3 } else { 2 },
            )
        })?;
        Ok(rw_code(ret))
    }

    /// readblocks(block, buf, offset): the extended interface.
    pub fn read_ext(&self, block: usize, offset: usize, buf: &mut [u8]) -> Result<i32> {
        Self::rw(&self.readblocks, block, offset, buf.as_mut_ptr(), buf.len(), true)
    }

    /// readblocks(block, buf): the simple interface, whole blocks.
    #[cfg(vfs_fat)]
    pub fn read_blocks(&self, block: usize, buf: &mut [u8]) -> Result<i32> {
        Self::rw(&self.readblocks, block, 0, buf.as_mut_ptr(), buf.len(), false)
    }

    /// writeblocks(block, buf): the simple interface; EROFS as write_ext.
    #[cfg(vfs_fat)]
    pub fn write_blocks(&self, block: usize, buf: &[u8]) -> Result<i32> {
        if self.writeblocks[0].is_null() {
            return Ok(-errno_number(Errno::EROFS));
        }
        Self::rw(&self.writeblocks, block, 0, buf.as_ptr() as *mut u8, buf.len(), false)
    }

    /// writeblocks(block, buf, offset); EROFS without writeblocks or on a readonly mount.
    pub fn write_ext(&self, block: usize, offset: usize, buf: &[u8]) -> Result<i32> {
        if self.writeblocks[0].is_null() {
            return Ok(-errno_number(Errno::EROFS));
        }
        Self::rw(
            &self.writeblocks,
            block,
            offset,
            buf.as_ptr() as *mut u8,
            buf.len(),
            true,
        )
    }

    /// ioctl(op, arg), or its emulation over count()/sync() for old-style devices.
    pub fn ioctl(&self, op: usize, arg: usize) -> Result<Obj> {
        if !self.ioctl[0].is_null() {
            return call(
                &self.ioctl,
                &[Obj::from_int(op as isize)?, Obj::from_int(arg as isize)?],
            );
        }
        match op {
            IOCTL_SYNC if !self.sync[0].is_null() => {
                call(&self.sync, &[])?;
            }
            IOCTL_BLOCK_COUNT => return call(&self.count, &[]),
            _ => {}
        }
        Ok(Obj::NONE)
    }

    /// ioctl as an int: None counts as 0 unless a value is required (then TypeError,
    /// as mp_obj_get_int raises it).
    pub fn ioctl_int(&self, op: usize, arg: usize, required: bool) -> Result<isize> {
        let r = self.ioctl(op, arg)?;
        if !required && r.is_none() {
            return Ok(0);
        }
        r.get_int()
    }
}

/// Turn an error from a device call made inside a filesystem callback into the code the
/// filesystem library understands, keeping a raised exception to re-raise afterwards.
pub fn callback_code(r: Result<i32>, pending: &mut ffi::mp_obj_t, io_error: i32) -> i32 {
    match r {
        Ok(code) => code,
        Err(Error::Exc(e)) => {
            if pending.is_null() {
                *pending = e.0;
            }
            io_error
        }
        Err(Error::Os(e)) => -errno_number(e),
        Err(Error::OsRaw(n)) => -n,
        Err(_) => io_error,
    }
}
