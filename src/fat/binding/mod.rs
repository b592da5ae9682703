//! vfs.VfsFat: the FAT engine (super::engine) driven by a Python block device.
//!
//! Behaviour follows stock's extmod/vfs_fat*.c: the same errno for each failure, `mkfs`
//! with oofatfs's layout, names compared without case, "." and ".." resolved against the
//! current directory, an unformatted device accepted by the constructor (every call
//! retries the mount, as oofatfs does).
//!
//! Where stock is wrong we differ, each on purpose: long names are real UTF-16 (stock unix
//! stores the UTF-8 bytes as CP437 characters), an open file never writes back an entry
//! that was removed or renamed meanwhile, a seek past the end fills the gap with zeros,
//! and the current directory is a path (it follows renames as stock's cluster does).
//!
//! Ownership: a file or directory iterator keeps the `VfsFat` object in a field, so the GC
//! keeps the filesystem alive as long as they are.  The engine's state lives in the object
//! and the sector buffers follow it in the same allocation.  A lock per filesystem
//! serialises calls from threads and refuses a re-entrant call (a block device calling
//! back into its own filesystem) with EBUSY.
use super::engine::{
    self, BlockDevice, Bpb, Clock, Cursor, DeviceError, FatPath, Fs, LfnBuf, NameBuf, Volume, SHORT_NAME,
};
use crate::blockdev::{self, BlockDev};
use crate::errno::Errno;
use crate::ffi;
use crate::mp::{self, check, error::errno_number, Error, Obj, Qstr, Result};
use crate::msg;
use crate::qstr;
use core::ffi::{c_char, c_void};
use core::ptr::{addr_of, addr_of_mut};

mod exports;
mod file;
pub use file::file_truncate_any;

/// Largest sector size we accept: the port's FF_MAX_SS (c/rustos_config.h).
const MAX_SS: usize = ffi::RUSTOS_FAT_MAX_SS as usize;

#[repr(C)]
pub struct VfsFat {
    base: ffi::mp_obj_base_t,
    bdev: BlockDev,
    /// The first exception the block device raised during the current call.
    pending: ffi::mp_obj_t,
    /// The current directory as a str: "/" or "/a/b/" (names as stored on the volume).
    cur_dir: ffi::mp_obj_t,
    /// The thread inside this filesystem, 0 when none.
    owner: crate::lock::FsLock,
    vol: Volume,
    // followed by the sector buffers (engine::buffer_len of the sector size)
}

#[repr(C)]
struct DirIt {
    base: ffi::mp_obj_base_t,
    iternext: ffi::mp_fun_1_t,
    finaliser: ffi::mp_fun_1_t,
    is_str: bool,
    /// os.listdir's: each entry is just its name, not a (name, type, inode, size) tuple.
    names: bool,
    /// The filesystem, or null once the listing is finished.
    vfs: *mut VfsFat,
    /// The next entry to read.
    cur: Cursor,
    /// The entry's long name, as dir_read assembles it under the lock: zeroed once per
    /// listing here rather than for each entry on the stack.
    lfn: LfnBuf,
}

const fn align8(n: usize) -> usize {
    (n + 7) & !7
}

fn lock(vfs: *mut VfsFat) -> Result<crate::lock::Guard> {
    // SAFETY: a raw projection to the lock inside a live object.
    crate::lock::lock(unsafe { addr_of_mut!((*vfs).owner) })
}

// ---------------------------------------------------------------------------------------
// The engine's device and clock.

/// The Python block device as the engine sees it, and where the first exception it raised
/// during a call waits to be raised.
struct PyDevice<'a> {
    bdev: &'a BlockDev,
    pending: &'a mut ffi::mp_obj_t,
}

impl PyDevice<'_> {
    /// What a readblocks/writeblocks outcome means to the engine.
    #[inline(never)]
    fn outcome(&mut self, r: Result<i32>) -> core::result::Result<(), DeviceError> {
        let code = match r {
            Ok(0) => return Ok(()),
            Ok(code) => code,
            Err(Error::Exc(e)) => {
                if self.pending.is_null() {
                    *self.pending = e.0;
                }
                // SAFETY: reading an object's type cannot raise.
                let os = unsafe {
                    ffi::mp_obj_is_subclass_fast(ffi::mp_obj_get_type(e.0) as _, addr_of!(ffi::mp_type_OSError) as _)
                };
                return Err(if os {
                    DeviceError::RaisedOsError
                } else {
                    DeviceError::Raised
                });
            }
            Err(Error::Os(e)) => -errno_number(e),
            Err(Error::OsRaw(n)) => -n,
            Err(_) => return Err(DeviceError::Failed),
        };
        // oofatfs reports any device failure as FR_DISK_ERR (EIO), but a write refused
        // for want of writeblocks as FR_WRITE_PROTECTED (EROFS).
        if code == -errno_number(Errno::EROFS) && self.bdev.is_readonly() {
            return Err(DeviceError::ReadOnly);
        }
        Err(DeviceError::Failed)
    }
}

impl BlockDevice for PyDevice<'_> {
    const MAX_SS: usize = MAX_SS;

    fn read(&mut self, sector: u32, buf: &mut [u8]) -> core::result::Result<(), DeviceError> {
        let r = self.bdev.read_blocks(sector as usize, buf);
        self.outcome(r)
    }

    fn write(&mut self, sector: u32, buf: &[u8]) -> core::result::Result<(), DeviceError> {
        let r = self.bdev.write_blocks(sector as usize, buf);
        self.outcome(r)
    }

    fn discard_exception(&mut self) {
        *self.pending = core::ptr::null_mut();
    }

    fn read_only(&self) -> bool {
        self.bdev.is_readonly()
    }
}

/// The port's get_fattime().
struct PortClock;

impl Clock for PortClock {
    fn fattime(&self) -> u32 {
        // SAFETY: the port's clock; cannot raise.
        unsafe { ffi::rustos_fattime() }
    }
}

type PyFs<'a> = Fs<'a, PyDevice<'a>, PortClock>;

fn sector_buf(vfs: *mut VfsFat) -> *mut u8 {
    // SAFETY: the buffer follows the header in the same allocation.
    unsafe { (vfs as *mut u8).add(align8(core::mem::size_of::<VfsFat>())) }
}

/// The engine over this object's state, device and buffers, for one call under its lock.
#[inline(always)]
fn fs<'a>(vfs: *mut VfsFat) -> Result<PyFs<'a>> {
    // SAFETY: disjoint fields of a live object, used under its lock for one call; the
    // buffers of buffer_len(sector size) bytes follow the object (new_vfs).
    let (vol, dev, bufs) = unsafe {
        let vol = &mut *addr_of_mut!((*vfs).vol);
        let len = engine::buffer_len(vol.sector_size());
        let dev = PyDevice {
            bdev: &*addr_of!((*vfs).bdev),
            pending: &mut *addr_of_mut!((*vfs).pending),
        };
        (vol, dev, core::slice::from_raw_parts_mut(sector_buf(vfs), len))
    };
    Fs::new(vol, dev, PortClock, bufs).ok_or(Error::Os(Errno::EIO))
}

/// An engine error as a MicroPython one: a device's exception is raised unchanged.
#[inline(never)]
fn mp_error(vfs: *mut VfsFat, e: engine::Error) -> Error {
    match e.errno() {
        Some(e) => Error::Os(e),
        None => {
            // SAFETY: a field of a live object, no engine call running.
            let p = unsafe { core::mem::replace(&mut *addr_of_mut!((*vfs).pending), core::ptr::null_mut()) };
            if p.is_null() {
                Error::Os(Errno::EIO)
            } else {
                Error::Exc(Obj(p))
            }
        }
    }
}

/// Run `f` as one engine call under the lock.  Not mounted: mount now (a device formatted
/// since the constructor ran), else ENODEV as stock.  `flush` false leaves a changed
/// cached sector for later (opening or writing a file: oofatfs keeps the sector in its
/// window until the file is synced or closed, or another sector is needed).
#[inline(always)]
fn with_fs<T>(vfs: *mut VfsFat, flush: bool, f: impl FnOnce(&mut PyFs, &Bpb) -> engine::Result<T>) -> Result<T> {
    let _g = lock(vfs)?;
    with_fs_locked(vfs, flush, f)
}

/// with_fs with the lock already held by the caller.  Inlined, so that `f` is too: no
/// function is made for each caller (as Fs::call would), and the end of the call is out
/// of line, once per result type.
#[inline(always)]
fn with_fs_locked<T>(vfs: *mut VfsFat, flush: bool, f: impl FnOnce(&mut PyFs, &Bpb) -> engine::Result<T>) -> Result<T> {
    let mut call = None;
    begin_call(vfs, &mut call)?;
    let Some((fs, geo)) = call.as_mut() else {
        return Err(Error::Os(Errno::EIO));
    };
    match f(fs, geo) {
        Ok(v) => end_call(vfs, fs, flush).map(|()| v),
        Err(e) => Err(end_failed_call(vfs, fs, e)),
    }
}

/// The start of a call under the lock: no exception yet, the volume mounted (Fs::begin),
/// and in `call` the engine over the object and the volume's geometry (filled in place:
/// returning them would copy them).
#[inline(never)]
fn begin_call<'a>(vfs: *mut VfsFat, call: &mut Option<(PyFs<'a>, Bpb)>) -> Result<()> {
    // SAFETY: a field of a live object, under its lock: no exception yet in this call.
    unsafe { *addr_of_mut!((*vfs).pending) = core::ptr::null_mut() };
    let (fs, geo) = call.insert((fs(vfs)?, Bpb::default()));
    fs.begin().map_err(|e| mp_error(vfs, e))?;
    *geo = fs.geometry();
    Ok(())
}

/// The end of a call that went well (Fs::end, the cache written back when `flush`).
#[inline(never)]
fn end_call(vfs: *mut VfsFat, fs: &mut PyFs, flush: bool) -> Result<()> {
    fs.end(flush).map_err(|e| mp_error(vfs, e))
}

/// The end of a call that failed with `e`: the cache written back all the same, and `e`
/// as a MicroPython error.
#[inline(never)]
fn end_failed_call(vfs: *mut VfsFat, fs: &mut PyFs, e: engine::Error) -> Error {
    let _ = fs.end(true);
    mp_error(vfs, e)
}

/// An engine step outside a call (mounting, formatting, writing the cache back), under
/// the lock the caller holds.
fn with_engine<T>(vfs: *mut VfsFat, f: impl FnOnce(&mut PyFs) -> engine::Result<T>) -> Result<T> {
    let r = f(&mut fs(vfs)?);
    r.map_err(|e| mp_error(vfs, e))
}

fn try_mount(vfs: *mut VfsFat) -> Result<bool> {
    with_engine(vfs, |fs| fs.mount())
}

// ---------------------------------------------------------------------------------------
// Paths.

/// A path resolved, and the current directory's str its components may borrow from:
/// chdir on another thread may replace it meanwhile, and then only this keeps it from the
/// collector.
struct Resolved<'a> {
    p: FatPath<'a>,
    keep: Obj,
}

impl<'a> core::ops::Deref for Resolved<'a> {
    type Target = FatPath<'a>;
    fn deref(&self) -> &FatPath<'a> {
        &self.p
    }
}

impl Drop for Resolved<'_> {
    fn drop(&mut self) {
        // Read it last, so that it stays on the stack (scanned by the collector) until now.
        core::hint::black_box(self.keep);
    }
}

/// The absolute path `path` names (engine::resolve: joined to the current directory when
/// relative, normalised).
fn resolve<'a>(vfs: *mut VfsFat, path: Obj) -> Result<Resolved<'a>> {
    resolve_bytes(vfs, path.str_bytes()?)
}

/// resolve from the path's bytes (an import's path arrives as C bytes: no str is made).
fn resolve_bytes<'a>(vfs: *mut VfsFat, p: &'a [u8]) -> Result<Resolved<'a>> {
    mp::no_nul(p)?;
    // SAFETY: cur_dir is the str object this vfs keeps.
    let keep = Obj(unsafe { (*vfs).cur_dir });
    // An absolute path does not need the current directory's bytes.
    let cwd = if p.first().is_some_and(|&c| c == b'/' || c == b'\\') {
        b"/"
    } else {
        keep.str_bytes()?
    };
    let p = engine::resolve(p, cwd).map_err(|e| mp_error(vfs, e))?;
    Ok(Resolved { p, keep })
}

fn cwd_components<'a>(vfs: *mut VfsFat) -> Result<Resolved<'a>> {
    // SAFETY: cur_dir is the str object this vfs keeps.
    let cwd = Obj(unsafe { (*vfs).cur_dir });
    resolve(vfs, cwd)
}

fn set_cwd(vfs: *mut VfsFat, path: &[u8]) -> Result<()> {
    let cwd = Obj::new_str(path)?;
    // SAFETY: self of the method; the new str is kept by the object from now on.
    unsafe { (*vfs).cur_dir = cwd.0 };
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The filesystem object.

fn new_vfs(dev: Obj) -> Result<*mut VfsFat> {
    let bdev = BlockDev::new(dev)?;
    // oofatfs's disk_initialize, then GET_SECTOR_SIZE (None means 512).
    let init = bdev.ioctl(blockdev::IOCTL_INIT, 0)?;
    if !init.is_none() && init.small_int().unwrap_or(1) != 0 {
        return Err(Errno::EBUSY.into());
    }
    let ss = device_sector_size(&bdev)?;
    let vol = usize::try_from(ss).ok().and_then(|ss| Volume::new(ss, MAX_SS));
    let vol = vol.ok_or(Error::Os(Errno::EIO))?;
    let size = align8(core::mem::size_of::<VfsFat>()) + engine::buffer_len(vol.sector_size());
    // SAFETY: trampoline allocating a zeroed GC object of `size` bytes.
    let o = check(unsafe { ffi::rustos_try_new_obj(&ffi::rustos_type_fat, size, false) })?;
    let vfs = o.0 as *mut VfsFat;
    // SAFETY: `vfs` is a fresh zeroed allocation; we fill in our fields.
    unsafe {
        core::ptr::write(addr_of_mut!((*vfs).bdev), bdev);
        core::ptr::write(addr_of_mut!((*vfs).vol), vol);
        (*vfs).cur_dir = Obj::from_qstr(qstr!(MP_QSTR__slash_)).0;
    }
    Ok(vfs)
}

/// The sector size as oofatfs's GET_SECTOR_SIZE gives it (None means 512).  A port whose
/// FF_MAX_SS is 512 has a fixed sector size, and oofatfs never asks the device.
fn device_sector_size(bdev: &BlockDev) -> Result<isize> {
    if MAX_SS == 512 {
        return Ok(512);
    }
    let ss = bdev.ioctl(blockdev::IOCTL_BLOCK_SIZE, 0)?;
    if ss.is_none() {
        Ok(512)
    } else {
        ss.get_int()
    }
}

fn bdev<'a>(vfs: *mut VfsFat) -> &'a BlockDev {
    // SAFETY: the device of a live object, never moved; its methods are read only.
    unsafe { &*addr_of!((*vfs).bdev) }
}

/// VfsFat(bdev): mounted at once if the device holds a FAT volume; an unformatted device
/// is accepted so that mkfs/mount(mkfs=True) can format it.
fn make_new(dev: Obj) -> Result<Obj> {
    let vfs = new_vfs(dev)?;
    let _g = lock(vfs)?;
    try_mount(vfs)?;
    Ok(Obj(vfs as ffi::mp_obj_t))
}

/// Format the device with oofatfs's layout (the caller holds the lock).
fn format(vfs: *mut VfsFat) -> Result<()> {
    let bdev = bdev(vfs);
    let init = bdev.ioctl(blockdev::IOCTL_INIT, 0)?;
    if !init.is_none() && init.small_int().unwrap_or(1) != 0 {
        return Err(Errno::EBUSY.into());
    }
    if bdev.is_readonly() {
        return Err(Errno::EROFS.into());
    }
    // f_mkfs asks the sector size again, then the size.
    let ss = device_sector_size(bdev)?;
    // SAFETY: a field of a live object, under its lock.
    if usize::try_from(ss).ok() != Some(unsafe { (*vfs).vol.sector_size() }) {
        return Err(Errno::EIO.into());
    }
    let count = bdev.ioctl_int(blockdev::IOCTL_BLOCK_COUNT, 0, true)?;
    let count = u32::try_from(count).map_err(|_| Error::Os(Errno::EIO))?;
    // A port's label (MICROPY_HW_FLASH_FS_LABEL) goes into a volume-label entry.
    // SAFETY: a constant string from the port's config, or null.
    let port_label = unsafe { ffi::rustos_fat_label() };
    // SAFETY: NUL-terminated constant.
    let label = (!port_label.is_null()).then(|| unsafe { core::ffi::CStr::from_ptr(port_label) }.to_bytes());
    with_engine(vfs, |fs| fs.format(count, label))?;
    bdev.ioctl(blockdev::IOCTL_SYNC, 0)?;
    Ok(())
}

fn mkfs(dev: Obj) -> Result<Obj> {
    let vfs = new_vfs(dev)?;
    let _g = lock(vfs)?;
    // Stock mounts first (reads sector 0), then formats.
    try_mount(vfs)?;
    format(vfs)?;
    Ok(Obj::NONE)
}

fn mount(vfs: *mut VfsFat, readonly: Obj, mkfs: Obj) -> Result<Obj> {
    let _g = lock(vfs)?;
    if readonly.is_true()? {
        // SAFETY: self of the method; only the device's write method is dropped.
        unsafe { (*vfs).bdev.set_readonly() };
    }
    // SAFETY: a field of a live object, under its lock.
    if unsafe { (*vfs).vol.is_mounted() } || try_mount(vfs)? {
        return Ok(Obj::NONE);
    }
    if mkfs.is_true()? {
        format(vfs)?;
        if try_mount(vfs)? {
            return Ok(Obj::NONE);
        }
    }
    Err(Errno::ENODEV.into())
}

/// The device's sync (oofatfs's sync_fs ends with it).
fn device_sync(vfs: *mut VfsFat) -> Result<Obj> {
    bdev(vfs).ioctl(blockdev::IOCTL_SYNC, 0)?;
    Ok(Obj::NONE)
}

/// The end of a call that changed the volume, as oofatfs's sync_fs: the cached sectors
/// written, FSInfo up to date, then the device's sync.
fn sync(vfs: *mut VfsFat) -> Result<Obj> {
    with_fs(vfs, true, |fs, p| fs.sync_volume(p))?;
    device_sync(vfs)
}

fn mkdir(vfs: *mut VfsFat, path: Obj) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    with_fs(vfs, true, |fs, bp| fs.mkdir(bp, &p))?;
    device_sync(vfs)
}

/// remove (want_dir false) and rmdir (true).
fn remove(vfs: *mut VfsFat, path: Obj, want_dir: bool) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    let cwd = cwd_components(vfs)?;
    with_fs(vfs, true, |fs, bp| fs.remove(bp, &p, &cwd.comps, want_dir))?;
    device_sync(vfs)
}

fn rename(vfs: *mut VfsFat, old: Obj, new: Obj) -> Result<Obj> {
    let (pa, pb) = (resolve(vfs, old)?, resolve(vfs, new)?);
    let cwd = cwd_components(vfs)?;
    with_fs(vfs, true, |fs, bp| fs.rename(bp, &pa, &pb))?;
    if let Some(p) = engine::cwd_after_rename(&pa.comps, &pb.comps, &cwd.comps) {
        set_cwd(vfs, &p)?;
    }
    device_sync(vfs)
}

fn chdir(vfs: *mut VfsFat, path: Obj) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    let cwd = with_fs(vfs, true, |fs, bp| fs.chdir_path(bp, &p))?;
    set_cwd(vfs, &cwd)?;
    Ok(Obj::NONE)
}

fn getcwd(vfs: *mut VfsFat) -> Result<Obj> {
    // oofatfs's f_getcwd needs the volume (ENODEV on an unformatted device).
    with_fs(vfs, true, |_, _| Ok(()))?;
    // SAFETY: cur_dir is the str object this vfs keeps.
    let b = Obj(unsafe { (*vfs).cur_dir }).str_bytes()?;
    if b.len() <= 1 {
        return Ok(Obj::from_qstr(qstr!(MP_QSTR__slash_)));
    }
    Obj::new_str(&b[..b.len() - 1])
}

/// A FAT date and time as seconds since the port's epoch, as stock's stat computes it.
fn dos_timestamp(fdate: u16, ftime: u16) -> Result<Obj> {
    let (d, t) = (u32::from(fdate), u32::from(ftime));
    // SAFETY: a pure conversion in C (to the port's epoch).
    let s = unsafe {
        ffi::rustos_fat_seconds(
            1980 + ((d >> 9) & 0x7F),
            // Months 0, 13, 14 and 15 (no clock, or a corrupt entry) would index past
            // timeutils's month table (stock reads out of bounds: found by ASan).
            ((d >> 5) & 0x0F).clamp(1, 12),
            d & 0x1F,
            (t >> 11) & 0x1F,
            (t >> 5) & 0x3F,
            2 * (t & 0x1F),
        )
    };
    Obj::from_int(s as isize)
}

fn stat(vfs: *mut VfsFat, path: Obj) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    // Stock answers "" and "/" itself, without the volume (even an unformatted one).
    let found = if p.bare_root || (p.comps.is_empty() && p.via_entry && !p.slash) {
        // The root has no entry of its own; reached through "..", stock reports that
        // entry, a directory like the root's stand-in.
        None
    } else {
        with_fs(vfs, true, |fs, _| fs.stat(&p))?
    };
    let (is_dir, size, fdate, ftime) = match found {
        // The entry's size field as it is, a directory's too (as oofatfs's f_stat).
        Some(s) => (s.is_dir, u64::from(s.size), s.fdate, s.ftime),
        // The root has no entry: stock reports a directory of 2000-01-01.
        None => (true, 0, 0x2821, 0),
    };
    let t = dos_timestamp(fdate, ftime)?;
    let mode = if is_dir {
        ffi::RUSTOS_S_IFDIR
    } else {
        ffi::RUSTOS_S_IFREG
    };
    let zero = Obj::from_int(0)?;
    Obj::new_tuple(&[
        Obj::from_int(mode as isize)?,
        zero,
        zero,
        zero,
        zero,
        zero,
        Obj::from_uint(size)?,
        t,
        t,
        t,
    ])
}

fn statvfs(vfs: *mut VfsFat) -> Result<Obj> {
    let (spc, total, free) = with_fs(vfs, true, |fs, p| Ok((p.spc, p.clusters, fs.free_clusters(p)?)))?;
    // SAFETY: a field of a live object.
    let ss = unsafe { (*vfs).vol.sector_size() };
    let bsize = Obj::from_uint(u64::from(spc) * ss as u64)?;
    let free = Obj::from_uint(u64::from(free))?;
    let zero = Obj::from_int(0)?;
    Obj::new_tuple(&[
        bsize,
        bsize,
        Obj::from_uint(u64::from(total))?,
        free,
        free,
        zero,
        zero,
        zero,
        zero,
        Obj::from_int(255)?,
    ])
}

/// A VfsFat exactly (a subclass may override its methods).
pub fn is_fat(o: Obj) -> bool {
    o.is_type(&raw const ffi::rustos_type_fat)
}

/// os.listdir on a VfsFat (exactly): an iterator of the names alone, None for any other
/// filesystem object.
pub fn names_iter(fs: Obj, path: Obj) -> Option<Result<Obj>> {
    if !is_fat(fs) {
        return None;
    }
    Some(ilistdir_as(fs.0 as _, Some(path), true))
}

fn ilistdir_as(vfs: *mut VfsFat, path: Option<Obj>, names: bool) -> Result<Obj> {
    // SAFETY: a trampoline allocating the iterator (zeroed, with our slots set).
    let it = check(unsafe {
        ffi::rustos_try_new_iter(
            core::mem::size_of::<DirIt>(),
            Some(ffi::rustos_fat_dir_iternext_shim),
            Some(ffi::rustos_fat_dir_del_shim),
        )
    })?;
    let d = it.0 as *mut DirIt;
    let (p, is_str) = match path {
        Some(p) => (resolve(vfs, p)?, !p.is_bytes()),
        None => (resolve(vfs, mp::empty_str())?, true),
    };
    let cur = with_fs(vfs, true, |fs, bp| fs.open_dir(bp, &p))?;
    // SAFETY: d is the fresh iterator object.
    unsafe {
        (*d).is_str = is_str;
        (*d).names = names;
        (*d).cur = cur;
        (*d).vfs = vfs;
    }
    Ok(it)
}

fn dir_next_entry(d: *mut DirIt) -> Result<Obj> {
    // SAFETY: `d` is one of our directory iterators.
    let vfs = unsafe { (*d).vfs };
    if vfs.is_null() {
        return Ok(Obj::STOP_ITERATION);
    }
    // The name's buffer: a short name's on the stack, a long name's (768 bytes, zeroed
    // each time) only for an entry that has one.
    let mut short = [0u8; SHORT_NAME];
    let mut long: Option<NameBuf> = None;
    // Reading changes nothing: no write-back at the end (as f_readdir).
    let next = with_fs(vfs, false, |fs, p| {
        // SAFETY: our iterator's cursor and long-name buffer (disjoint fields), used under
        // the filesystem's lock.
        let (cur, lfn) = unsafe { (&mut (*d).cur, &mut (*d).lfn) };
        let Some((e, has_lfn)) = fs.dir_read(p, cur, lfn)? else {
            return Ok(None);
        };
        let out: &mut [u8] = if has_lfn { long.insert([0; 768]) } else { &mut short };
        let n = engine::listed_name(&e, has_lfn.then_some(&lfn[..]), out).len();
        if !fs.dir_next(p, cur, false)? {
            cur.finish();
        }
        Ok(Some((
            n,
            e[11] & 0x10 != 0,
            u32::from_le_bytes([e[28], e[29], e[30], e[31]]),
        )))
    });
    let (n, is_dir, size) = match next {
        Ok(Some(v)) => v,
        Err(Error::Exc(e)) => return Err(Error::Exc(e)),
        // The end, or an error: stock stops the listing either way.
        _ => {
            // SAFETY: finished: forget the filesystem (nothing to release).
            unsafe { (*d).vfs = core::ptr::null_mut() };
            return Ok(Obj::STOP_ITERATION);
        }
    };
    let name = match long {
        Some(ref b) => &b[..n],
        None => &short[..n],
    };
    // SAFETY: reading our iterator's flags.
    let (is_str, names) = unsafe { ((*d).is_str, (*d).names) };
    if names {
        return Obj::new_name(name, is_str);
    }
    let mode = if is_dir {
        ffi::RUSTOS_S_IFDIR
    } else {
        ffi::RUSTOS_S_IFREG
    };
    let rest = [
        Obj::from_int(mode as isize)?,
        Obj::from_int(0)?,
        Obj::from_uint(u64::from(size))?,
    ];
    Obj::new_listing(name, is_str, &rest)
}

fn import_stat(vfs: *mut VfsFat, path: &[u8]) -> ffi::mp_import_stat_t {
    let r = resolve_bytes(vfs, path).and_then(|p| with_fs(vfs, true, |fs, _| fs.lookup_is_dir(&p.comps)));
    (match r {
        Ok(Some(false)) => ffi::RUSTOS_IMPORT_STAT_FILE,
        Ok(_) => ffi::RUSTOS_IMPORT_STAT_DIR,
        Err(_) => ffi::RUSTOS_IMPORT_STAT_NO_EXIST,
    }) as ffi::mp_import_stat_t
}

/// Stock keeps the volume mounted internally so the object stays usable; we also write
/// back a sector still in the cache (files written and not yet closed).
fn umount(vfs: *mut VfsFat) -> Result<Obj> {
    let _g = lock(vfs)?;
    with_engine(vfs, |fs| fs.flush_cache())?;
    Ok(Obj::NONE)
}

/// `mount(readonly, mkfs)` or `umount()` on a VfsFat (exactly: a subclass may override
/// them) without a method lookup and a guarded call: None for anything else.
pub fn call_direct(o: Obj, meth: Qstr, args: &[Obj]) -> Option<Result<Obj>> {
    if !is_fat(o) {
        return None;
    }
    let vfs = o.0 as *mut VfsFat;
    Some(match (meth, args) {
        (m, &[readonly, mkfs]) if m == qstr!(MP_QSTR_mount) => mount(vfs, readonly, mkfs),
        (m, &[]) if m == qstr!(MP_QSTR_umount) => umount(vfs),
        _ => return None,
    })
}

/// os.sync() on a mounted filesystem: true if it was one of ours (then synced).
pub fn sync_if_fat(o: Obj) -> Result<bool> {
    if !is_fat(o) {
        return Ok(false);
    }
    let vfs = o.0 as *mut VfsFat;
    // SAFETY: a field of our object.
    if unsafe { (*vfs).vol.is_mounted() } {
        sync(vfs)?;
    }
    Ok(true)
}

/// vfs.mount's auto-detection falls back to FAT for a device that is not littlefs.
pub fn new_mounted(dev: Obj) -> Result<Obj> {
    make_new(dev)
}
