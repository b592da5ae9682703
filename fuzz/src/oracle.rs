//! Stock MicroPython's oofatfs as the reference (compiled by build.rs from the fetched
//! MicroPython tree; absent without it, see [`AVAILABLE`]).

use crate::sparse::Sparse;

/// Whether this build has the oracle.
pub const AVAILABLE: bool = cfg!(oofatfs);

/// The FAT timestamp the oracle's `get_fattime` returns: the volume serial number both
/// formatters write.
pub const FATTIME: u32 = 0x5A21_6C3D;

/// A device for the oracle: `count` sectors of `ss` bytes.
pub struct Disk {
    pub dev: Sparse,
    pub ss: u32,
    pub count: u32,
}

#[cfg(oofatfs)]
mod ffi {
    use super::{Disk, FATTIME};
    use core::ffi::c_void;

    extern "C" {
        pub fn rustos_fuzz_stock_mkfs(drv: *mut c_void) -> i32;
        pub fn rustos_fuzz_ff_wtoupper(uni: u32) -> u32;
        pub fn rustos_fuzz_stock_create(drv: *mut c_void, name: *const core::ffi::c_char) -> i32;
    }

    /// # Safety
    /// `drv` is the `Disk` handed to `rustos_fuzz_stock_mkfs`.
    unsafe fn disk<'a>(drv: *mut c_void) -> &'a mut Disk {
        unsafe { &mut *drv.cast::<Disk>() }
    }

    #[no_mangle]
    extern "C" fn rustos_fuzz_disk_count(drv: *mut c_void) -> u32 {
        // SAFETY: called by the oracle with the Disk it was given.
        unsafe { disk(drv) }.count
    }

    #[no_mangle]
    extern "C" fn rustos_fuzz_disk_ss(drv: *mut c_void) -> u32 {
        // SAFETY: as above.
        unsafe { disk(drv) }.ss
    }

    #[no_mangle]
    extern "C" fn rustos_fuzz_disk_read(drv: *mut c_void, buf: *mut u8, sector: u32, count: u32) -> i32 {
        // SAFETY: as above; `buf` holds `count` sectors.
        let d = unsafe { disk(drv) };
        let n = count as usize * d.ss as usize;
        let buf = unsafe { core::slice::from_raw_parts_mut(buf, n) };
        d.dev.read_at(u64::from(sector) * u64::from(d.ss), buf).is_err() as i32
    }

    #[no_mangle]
    extern "C" fn rustos_fuzz_disk_write(drv: *mut c_void, buf: *const u8, sector: u32, count: u32) -> i32 {
        // SAFETY: as above.
        let d = unsafe { disk(drv) };
        let n = count as usize * d.ss as usize;
        let buf = unsafe { core::slice::from_raw_parts(buf, n) };
        d.dev.write_at(u64::from(sector) * u64::from(d.ss), buf).is_err() as i32
    }

    #[no_mangle]
    extern "C" fn rustos_fuzz_fattime() -> u32 {
        FATTIME
    }
}

/// oofatfs keeps a few statics (its name buffer, mount ids): one call at a time, as
/// cargo test runs tests in threads.
#[cfg(oofatfs)]
fn lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// oofatfs's f_mkfs run as stock `VfsFat.mkfs` runs it, on a fresh device of `count`
/// sectors of `ss` bytes: the device afterwards, or the FRESULT it failed with.  None
/// without the oracle.
pub fn stock_mkfs(count: u32, ss: u32) -> Option<Result<Sparse, i32>> {
    #[cfg(oofatfs)]
    {
        let _g = lock();
        let mut d = Disk {
            dev: Sparse::new(u64::from(count) * u64::from(ss)),
            ss,
            count,
        };
        // SAFETY: the Disk outlives the call; the shim hands it back to the callbacks.
        let res = unsafe { ffi::rustos_fuzz_stock_mkfs((&mut d as *mut Disk).cast()) };
        Some(if res == 0 { Ok(d.dev) } else { Err(res) })
    }
    #[cfg(not(oofatfs))]
    {
        let _ = (count, ss);
        None
    }
}

/// The directory entry stock gives a new file called `name` (no NUL, no '/'): Ok(its
/// 32-byte short entry, whether long-name entries precede it), or Err(FRESULT) when
/// stock refuses the name.  None without the oracle.
pub fn stock_entry(name: &[u8]) -> Option<Result<([u8; 32], bool), i32>> {
    #[cfg(oofatfs)]
    {
        let _g = lock();
        let (count, ss) = (256u32, 512u32);
        let mut d = Disk {
            dev: Sparse::new(u64::from(count) * u64::from(ss)),
            ss,
            count,
        };
        let c = std::ffi::CString::new(name).expect("a name without NUL");
        // SAFETY: as in stock_mkfs; `c` is a C string that outlives the call.
        let res = unsafe { ffi::rustos_fuzz_stock_create((&mut d as *mut Disk).cast(), c.as_ptr()) };
        if res != 0 {
            assert!(res < 100, "stock cannot format or mount its test volume: {res}");
            return Some(Err(res));
        }
        // The root directory: after the reserved sectors and the FAT (FAT12 here).
        let mut b = [0u8; 512];
        d.dev.read_at(0, &mut b).unwrap();
        let at = |i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
        let root = (at(14) + u64::from(b[16]) * at(22)) * u64::from(ss);
        let mut lfn = false;
        // (512 entries: a long name takes up to 21 of them.)
        for i in 0..512u64 {
            let mut e = [0u8; 32];
            d.dev.read_at(root + 32 * i, &mut e).unwrap();
            if e[0] == 0 {
                break;
            }
            if e[0] == 0xE5 {
                continue;
            }
            if e[11] == 0x0F {
                lfn = true;
                continue;
            }
            return Some(Ok((e, lfn)));
        }
        panic!("stock created {name:?} but no entry is in the root directory")
    }
    #[cfg(not(oofatfs))]
    {
        let _ = name;
        None
    }
}

/// oofatfs's `ff_wtoupper`, the real one (None without the oracle).
pub fn stock_wtoupper(uni: u32) -> Option<u32> {
    #[cfg(oofatfs)]
    {
        // SAFETY: a pure function of its argument.
        Some(unsafe { ffi::rustos_fuzz_ff_wtoupper(uni) })
    }
    #[cfg(not(oofatfs))]
    {
        let _ = uni;
        None
    }
}
