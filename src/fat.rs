//! vfs.VfsFat: FAT12/16/32, driven by a Python block device through a two-sector cache.
//!
//! The engine is our own and follows oofatfs (MicroPython's FatFs, lib/oofatfs/ff.c) step
//! by step where the result is visible on the volume: the same cluster picked for each
//! allocation (`create_chain`), the same slots for each new entry (`dir_alloc`), the same
//! short names for long ones (`gen_numname`), the same order of writes.  A card written by
//! stock and by this module holds the same bytes.  Behaviour follows stock's
//! extmod/vfs_fat*.c: the same errno for each failure, `mkfs` with oofatfs's layout
//! (src/fatlayout.rs), names compared without case, "." and ".." resolved against the
//! current directory, an unformatted device accepted by the constructor (every call
//! retries the mount, as oofatfs does).
//!
//! Where stock is wrong we differ, each on purpose: long names are real UTF-16 (stock unix
//! stores the UTF-8 bytes as CP437 characters), an open file never writes back an entry
//! that was removed or renamed meanwhile, a seek past the end fills the gap with zeros,
//! and the current directory is a path (it follows renames as stock's cluster does).
//!
//! Ownership: a file or directory iterator keeps the `VfsFat` object in a field, so the GC
//! keeps the filesystem alive as long as they are.  The sector buffers follow the object
//! in the same allocation.  A lock per filesystem serialises calls from threads and
//! refuses a re-entrant call (a block device calling back into its own filesystem) with
//! EBUSY.
use crate::blockdev::{self, BlockDev};
use crate::errno::Errno;
use crate::fatlayout::{self, cp437_char, gen_numname, make_sfn, name_eq, sfn_checksum, stock_decode, FatKind};
use crate::fatlayout::{NS_BODY, NS_EXT, NS_LFN, NS_LOSS};
use crate::ffi;
use crate::mp::{self, check, entry, error::errno_number, io_entry, Error, Io, Obj, Qstr, Result};
use crate::msg;
use crate::qstr;
use alloc::vec::Vec;
use core::ffi::{c_char, c_void};
use core::ptr::{addr_of, addr_of_mut};

/// Largest sector size we accept: the port's FF_MAX_SS (c/rustos_config.h).
const MAX_SS: usize = ffi::RUSTOS_FAT_MAX_SS as usize;

/// Whether sectors in clusters that follow each other go to the device in one call.  Only
/// when the sector size is the device's own block size: with FF_MAX_SS 512 the device is
/// not asked, and on one with larger blocks (rp2.Flash: 4096) a call of several sectors
/// reaches other bytes than as many calls of one would.  Stock then calls once a cluster.
const MERGE_CLUSTERS: bool = MAX_SS > 512;

/// An error inside a filesystem call.
type Fail = Error;

#[repr(C)]
pub struct VfsFat {
    base: ffi::mp_obj_base_t,
    bdev: BlockDev,
    /// An exception the block device raised during the current call.
    pending: ffi::mp_obj_t,
    /// The current directory as a str: "/" or "/a/b/" (names as stored on the volume).
    cur_dir: ffi::mp_obj_t,
    /// The errno of the last failed device call (EIO unless the device said otherwise).
    dev_errno: i32,
    /// The thread inside this filesystem, 0 when none.
    owner: crate::lock::FsLock,
    /// The FAT time of the current call, once read.
    now: Option<u32>,
    mounted: bool,
    /// log2 of the sector size: sector arithmetic by shifts and masks (Cortex-M0+ has no
    /// divide instruction, and a division per directory slot showed in profiles).
    shift: u8,
    /// oofatfs's fsi_flag: bit 0 the free count or last cluster changed, 0x80 no FSInfo
    /// to keep up to date.
    fsi_flag: u8,
    /// The sector cache (the buffers follow the object): which sector each slot holds,
    /// and whether it changed since it was read.
    cached: [u32; SLOTS],
    dirty: [bool; SLOTS],
    /// The slot loaded last, and the order in which slots were changed.
    cur: u8,
    seq: u32,
    dirty_seq: [u32; SLOTS],
    /// First sector of the volume (a partition's start), and sectors on the device.
    start: u32,
    count: u32,
    /// Free clusters (u32::MAX until counted) and the cluster allocated last, as
    /// oofatfs's free_clst and last_clst (from FSInfo on FAT32).
    free_clst: u32,
    last_clst: u32,
    /// The mounted volume's boot record numbers.
    geo: Bpb,
    /// Where the last dir_find that found nothing left dir_alloc's search (see AllocHint).
    hint: AllocHint,
    // followed by the sector buffers (SLOTS × bdev.block_size bytes)
}

/// dir_alloc's search as far as a dir_find that ended at the directory's end marker took it:
/// valid while nothing changed since (`seq`), for the same directory and slot count.  A
/// new entry is looked for first (is the name there?), then placed (where is room?); both
/// walk the same slots, and with the hint the second walk starts where the first stopped.
#[derive(Clone, Copy, Default)]
struct AllocHint {
    ok: bool,
    dir: u32,
    nent: u32,
    seq: u32,
    /// The slot found for `nent` entries, or the end marker where the search goes on.
    at: Cursor,
    found: bool,
    /// Free slots in a row just before `at` (when not found).
    run: u32,
}

/// An open file: 52 bytes on 64-bit unix, four GC blocks as stock's FIL.
#[repr(C)]
struct File {
    base: ffi::mp_obj_base_t,
    /// The filesystem, or null once closed.
    vfs: *mut VfsFat,
    /// First cluster (0: none yet), the cluster of the byte before `pos` (of `pos` when
    /// it is not on a cluster boundary), position and size: oofatfs's sclust, clust,
    /// fptr and objsize.
    sclust: u32,
    clust: u32,
    pos: u32,
    size: u32,
    /// Where the file's short entry is (sector, offset in it) and its name: a file whose
    /// entry was removed or moved while open must not write its entry back (oofatfs would
    /// write over whatever took the slot).
    entry_sector: u32,
    entry_off: u16,
    name11: [u8; 11],
    /// F_READABLE, F_WRITABLE, F_MODIFIED, F_BAD.
    flags: u8,
}

const F_READABLE: u8 = 1;
const F_WRITABLE: u8 = 2;
/// Created, truncated or written since the last flush: the flush writes the entry.
const F_MODIFIED: u8 = 4;
/// The entry's first cluster is off the volume: a read or write that needs it is EIO (the
/// engine finds that itself), and so is a seek that would grow the file.
const F_BAD: u8 = 8;

fn has(f: *mut File, flag: u8) -> bool {
    // SAFETY: a field of one of our file objects.
    unsafe { (*f).flags & flag != 0 }
}

fn set_flag(f: *mut File, flag: u8, on: bool) {
    // SAFETY: a field of one of our file objects.
    unsafe {
        if on {
            (*f).flags |= flag;
        } else {
            (*f).flags &= !flag;
        }
    }
}

fn entry_at(f: *mut File) -> (u32, u32) {
    // SAFETY: fields of one of our file objects.
    unsafe { ((*f).entry_sector, u32::from((*f).entry_off)) }
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
// The device, through a cache of two sectors (oofatfs has one, its window: the second
// keeps a directory sector while the FAT is changed, and the other way round).

/// A device error; what it was waits in the VfsFat (`pending` or `dev_errno`).
#[derive(Debug)]
pub struct IoErr;

const NO_SECTOR: u32 = u32::MAX;

type IoResult<T> = core::result::Result<T, IoErr>;

/// Record a failed device call (its exception, or its errno) and fail with IoErr.
fn dev_code(vfs: *mut VfsFat, r: Result<i32>) -> IoResult<()> {
    // SAFETY: the VfsFat is live while its filesystem runs; raw projections.
    let pending = unsafe { &mut *addr_of_mut!((*vfs).pending) };
    let code = blockdev::callback_code(r, pending, -errno_number(Errno::EIO));
    if code == 0 {
        return Ok(());
    }
    // SAFETY: as above.
    unsafe { (*vfs).dev_errno = if code < 0 { -code } else { errno_number(Errno::EIO) } };
    Err(IoErr)
}

fn check_range(vfs: *mut VfsFat, sector: u32, n: usize) -> IoResult<()> {
    // SAFETY: a field of a live object.
    let count = unsafe { (*vfs).count };
    if (sector as usize).checked_add(n).is_none_or(|end| end > count as usize) {
        // A corrupt volume pointing past the device: an I/O error.
        return dev_code(vfs, Ok(-errno_number(Errno::EIO)));
    }
    Ok(())
}

fn dev_read(vfs: *mut VfsFat, sector: u32, buf: &mut [u8]) -> IoResult<()> {
    check_range(vfs, sector, buf.len() / ssize(vfs) as usize)?;
    // SAFETY: the device of a live object, never moved.
    let r = unsafe { (*vfs).bdev.read_blocks(sector as usize, buf) };
    dev_code(vfs, r)
}

fn dev_write(vfs: *mut VfsFat, sector: u32, buf: &[u8]) -> IoResult<()> {
    check_range(vfs, sector, buf.len() / ssize(vfs) as usize)?;
    // SAFETY: the device of a live object, never moved.
    let r = unsafe { (*vfs).bdev.write_blocks(sector as usize, buf) };
    dev_code(vfs, r)
}

/// Slots in the sector cache: two, so that scanning a directory does not evict the one
/// sector being changed (a clean slot is always the one reused).
const SLOTS: usize = 2;

fn slot_buf<'a>(vfs: *mut VfsFat, slot: usize) -> &'a mut [u8] {
    let ss = ssize(vfs) as usize;
    // SAFETY: the slots' buffers follow the header in the same allocation.
    unsafe { core::slice::from_raw_parts_mut(sector_buf(vfs).add(slot * ss), ss) }
}

/// The buffer of the sector loaded last.
fn cache<'a>(vfs: *mut VfsFat) -> &'a mut [u8] {
    // SAFETY: a field of a live object.
    slot_buf(vfs, unsafe { (*vfs).cur } as usize)
}

/// The sector loaded last was changed.
fn mark_dirty(vfs: *mut VfsFat) {
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        let c = (*vfs).cur as usize;
        if !(*vfs).dirty[c] {
            (*vfs).dirty[c] = true;
            (*vfs).seq = (*vfs).seq.wrapping_add(1);
            (*vfs).dirty_seq[c] = (*vfs).seq;
        }
    }
}

fn flush_slot(vfs: *mut VfsFat, slot: usize) -> IoResult<()> {
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        if (*vfs).dirty[slot] {
            let s = (*vfs).cached[slot];
            dev_write(vfs, s, slot_buf(vfs, slot))?;
            (*vfs).dirty[slot] = false;
            // A sector of the first FAT goes to the second too, as oofatfs's sync_window.
            let g = (*vfs).geo;
            if g.nfats == 2 && s.wrapping_sub(g.fat_start) < g.fat_size {
                dev_write(vfs, s + g.fat_size, slot_buf(vfs, slot))?;
            }
        }
    }
    Ok(())
}

/// Write the changed sectors back, in the order they were first changed.
fn cache_flush(vfs: *mut VfsFat) -> IoResult<()> {
    // SAFETY: fields of a live object.
    let first = unsafe {
        if (*vfs).dirty_seq[1].wrapping_sub((*vfs).dirty_seq[0]) as i32 >= 0 {
            0
        } else {
            1
        }
    };
    flush_slot(vfs, first)?;
    flush_slot(vfs, 1 - first)
}

/// Forget every cached sector (a new mount, or a format).
fn cache_reset(vfs: *mut VfsFat) {
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        (*vfs).cached = [NO_SECTOR; SLOTS];
        (*vfs).dirty = [false; SLOTS];
        (*vfs).cur = 0;
    }
}

/// A slot for a sector not cached: a clean one, the other if both are; else the other is
/// written back first.
fn take_slot(vfs: *mut VfsFat) -> IoResult<usize> {
    // SAFETY: fields of a live object, under its lock.
    let (cur, other_dirty, cur_dirty) = unsafe {
        let cur = (*vfs).cur as usize;
        (cur, (*vfs).dirty[1 - cur], (*vfs).dirty[cur])
    };
    let victim = if !other_dirty || cur_dirty { 1 - cur } else { cur };
    flush_slot(vfs, victim)?;
    Ok(victim)
}

fn cache_load(vfs: *mut VfsFat, sector: u32) -> IoResult<()> {
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        if let Some(i) = (*vfs).cached.iter().position(|&c| c == sector) {
            (*vfs).cur = i as u8;
            return Ok(());
        }
        let victim = take_slot(vfs)?;
        (*vfs).cached[victim] = NO_SECTOR;
        if let Err(e) = dev_read(vfs, sector, slot_buf(vfs, victim)) {
            // As oofatfs's window after a failed read: nothing clean is trusted.
            for slot in 0..SLOTS {
                if !(*vfs).dirty[slot] {
                    (*vfs).cached[slot] = NO_SECTOR;
                }
            }
            return Err(e);
        }
        (*vfs).cached[victim] = sector;
        (*vfs).cur = victim as u8;
    }
    Ok(())
}

/// Forget the cached sectors among the `n` from `sector` (about to be rewritten on the
/// device, or read from it): flush them first when asked.
fn cache_overlap(vfs: *mut VfsFat, sector: u32, n: usize, flush: bool) -> IoResult<()> {
    for slot in 0..SLOTS {
        // SAFETY: fields of a live object, under its lock.
        unsafe {
            let c = (*vfs).cached[slot];
            if c != NO_SECTOR && c >= sector && ((c - sector) as usize) < n {
                if flush {
                    flush_slot(vfs, slot)?;
                } else {
                    (*vfs).cached[slot] = NO_SECTOR;
                    (*vfs).dirty[slot] = false;
                }
            }
        }
    }
    Ok(())
}

/// Take a slot for `sector` without reading it (a sector about to be written whole, or
/// past a file's end): its bytes are zero unless it was cached already.
fn cache_claim(vfs: *mut VfsFat, sector: u32) -> IoResult<()> {
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        if let Some(i) = (*vfs).cached.iter().position(|&c| c == sector) {
            (*vfs).cur = i as u8;
            return Ok(());
        }
        let victim = take_slot(vfs)?;
        slot_buf(vfs, victim).fill(0);
        (*vfs).cached[victim] = sector;
        (*vfs).cur = victim as u8;
    }
    Ok(())
}

/// cache_load, failing with the device's error.
fn load(vfs: *mut VfsFat, sector: u32) -> core::result::Result<(), Fail> {
    cache_load(vfs, sector).map_err(|_| raw_err(vfs))
}

fn raw_err(vfs: *mut VfsFat) -> Fail {
    take_io_error(vfs)
}

fn le16(b: &[u8], at: usize) -> u32 {
    u32::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

// ---------------------------------------------------------------------------------------
// Time: the port's get_fattime(), as oofatfs stamps entries.

/// The port's FAT time, read once per call (unix's get_fattime is a localtime() call).
fn fattime(vfs: *mut VfsFat) -> u32 {
    // SAFETY: a field of a live object, under its lock; the port's clock cannot raise.
    unsafe {
        if let Some(t) = (*vfs).now {
            return t;
        }
        let t = ffi::rustos_fattime();
        (*vfs).now = Some(t);
        t
    }
}
// ---------------------------------------------------------------------------------------
// Mounting.

fn sector_buf(vfs: *mut VfsFat) -> *mut u8 {
    // SAFETY: the buffer follows the header in the same allocation.
    unsafe { (vfs as *mut u8).add(align8(core::mem::size_of::<VfsFat>())) }
}

fn ssize(vfs: *mut VfsFat) -> u32 {
    // SAFETY: reading a field of a live object.
    unsafe { (*vfs).bdev.block_size as u32 }
}

/// `x / ssize`.
fn sdiv(vfs: *mut VfsFat, x: u32) -> u32 {
    // SAFETY: reading a field of a live object.
    x >> unsafe { (*vfs).shift }
}

/// `x % ssize`.
fn smod(vfs: *mut VfsFat, x: u32) -> u32 {
    x & (ssize(vfs) - 1)
}

/// What oofatfs's check_fs makes of a sector: a FAT boot record, an MBR, or neither.
enum Boot {
    Fat,
    Mbr([u32; 4]),
    None,
}

fn check_boot(b: &[u8]) -> Boot {
    if b.len() < 512 || b[510] != 0x55 || b[511] != 0xAA {
        return Boot::None;
    }
    let jump = b[0] == 0xE9 || (b[0] == 0xEB && b[2] == 0x90);
    if jump && (&b[54..57] == b"FAT" || &b[82..87] == b"FAT32") {
        return Boot::Fat;
    }
    let mut starts = [0u32; 4];
    for (i, s) in starts.iter_mut().enumerate() {
        let e = 446 + i * 16 + 8;
        *s = u32::from_le_bytes([b[e], b[e + 1], b[e + 2], b[e + 3]]);
    }
    Boot::Mbr(starts)
}

/// The boot record checks of oofatfs's find_volume: a volume failing any of them is "no
/// filesystem" (ENODEV) there, so it is here too, whatever else would make of it.
fn bpb_sane(b: &[u8], ss: u32) -> bool {
    let le16 = |at: usize| u32::from(u16::from_le_bytes([b[at], b[at + 1]]));
    let le32 = |at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let fasize = if le16(22) != 0 { le16(22) } else { le32(36) };
    let nfats = u32::from(b[16]);
    let csize = u32::from(b[13]);
    let n_rootdir = le16(17);
    let tsect = if le16(19) != 0 { le16(19) } else { le32(32) };
    let nrsv = le16(14);
    if le16(11) != ss || fasize == 0 || !(1..=2).contains(&nfats) || csize == 0 || !csize.is_power_of_two() {
        return false;
    }
    if n_rootdir % (ss / 32) != 0 || nrsv == 0 {
        return false;
    }
    let sysect = u64::from(nrsv) + u64::from(fasize) * u64::from(nfats) + u64::from(n_rootdir / (ss / 32));
    if u64::from(tsect) < sysect {
        return false;
    }
    let nclst = (u64::from(tsect) - sysect) / u64::from(csize);
    if nclst == 0 || nclst > u64::from(fatlayout::MAX_FAT32) {
        return false;
    }
    let n_fatent = nclst + 2;
    let szbfat = if nclst <= u64::from(fatlayout::MAX_FAT12) {
        n_fatent * 3 / 2 + (n_fatent & 1)
    } else if nclst <= u64::from(fatlayout::MAX_FAT16) {
        n_fatent * 2
    } else {
        if n_rootdir != 0 {
            return false;
        }
        n_fatent * 4
    };
    u64::from(fasize) >= szbfat.div_ceil(u64::from(ss))
}

/// The volume's numbers, from its boot record (checked by `bpb_sane` first).
#[derive(Clone, Copy, Default)]
struct Bpb {
    spc: u32,
    fat_start: u32,
    fat_size: u32,
    nfats: u32,
    root_start: u32,
    root_sectors: u32,
    data_start: u32,
    clusters: u32,
    kind: FatKind,
    root_cluster: u32,
}

impl Bpb {
    /// oofatfs's n_fatent: the number of FAT entries (clusters + 2).
    fn n_fatent(&self) -> u32 {
        self.clusters + 2
    }
}

/// The boot record at `start` (in the cache) as numbers, FAT type by oofatfs's rule.
fn read_bpb(b: &[u8], start: u32) -> Bpb {
    let ss = le16(b, 11).max(1);
    let spc = u32::from(b[13]).max(1);
    let rsv = le16(b, 14);
    let nfats = u32::from(b[16]);
    let root_sectors = le16(b, 17) / (ss / 32);
    let fat_size = if le16(b, 22) != 0 { le16(b, 22) } else { le32(b, 36) };
    let total = if le16(b, 19) != 0 { le16(b, 19) } else { le32(b, 32) };
    let fat_start = start + rsv;
    let root_start = fat_start + nfats * fat_size;
    let data_start = root_start + root_sectors;
    let clusters = total.saturating_sub(data_start - start) / spc;
    let kind = if clusters <= fatlayout::MAX_FAT12 {
        FatKind::Fat12
    } else if clusters <= fatlayout::MAX_FAT16 {
        FatKind::Fat16
    } else {
        FatKind::Fat32
    };
    Bpb {
        spc,
        fat_start,
        fat_size,
        nfats,
        root_start,
        root_sectors,
        data_start,
        clusters,
        kind,
        root_cluster: if kind == FatKind::Fat32 { le32(b, 44) } else { 0 },
    }
}

/// Mount the volume on the device, as oofatfs's find_volume: sector 0 a FAT boot record,
/// or an MBR whose first FAT partition is used.  Ok(false): no filesystem there.
fn try_mount(vfs: *mut VfsFat) -> Result<bool> {
    // SAFETY: fields of a live object, under its lock: a fresh cache and geometry.  Like
    // oofatfs, mounting does not ask the device's size: reads past its end are the
    // device's to refuse.
    unsafe {
        (*vfs).count = u32::MAX;
        (*vfs).start = 0;
        (*vfs).mounted = false;
        (*vfs).geo = Bpb::default();
    }
    cache_reset(vfs);
    let mut start = 0u32;
    load(vfs, 0)?;
    match check_boot(cache(vfs)) {
        Boot::Fat => {}
        Boot::None => return Ok(false),
        Boot::Mbr(starts) => {
            let mut found = false;
            for s in starts.into_iter().filter(|&s| s != 0) {
                load(vfs, s)?;
                if matches!(check_boot(cache(vfs)), Boot::Fat) {
                    start = s;
                    found = true;
                    break;
                }
            }
            if !found {
                return Ok(false);
            }
        }
    }
    load(vfs, start)?;
    if !bpb_sane(cache(vfs), ssize(vfs)) {
        return Ok(false);
    }
    let b = cache(vfs);
    let geo = read_bpb(b, start);
    // oofatfs: FAT32 of revision 0.0 only; a FAT12/16 root with room for entries.
    let bad = if geo.kind == FatKind::Fat32 {
        le16(b, 42) != 0
    } else {
        geo.root_sectors == 0
    };
    if bad {
        return Ok(false);
    }
    let fsinfo = geo.kind == FatKind::Fat32 && le16(b, 48) == 1;
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        (*vfs).start = start;
        (*vfs).geo = geo;
        (*vfs).free_clst = u32::MAX;
        (*vfs).last_clst = u32::MAX;
        (*vfs).fsi_flag = 0x80;
    }
    if fsinfo {
        // The free count and the last cluster allocated, from FSInfo when it has its
        // signatures (a device error here is no error to oofatfs, an exception is).
        match cache_load(vfs, start + 1) {
            Ok(()) => {
                let b = cache(vfs);
                // SAFETY: fields of a live object, under its lock.
                unsafe {
                    (*vfs).fsi_flag = 0;
                    if le16(b, 510) == 0xAA55 && le32(b, 0) == 0x4161_5252 && le32(b, 484) == 0x6141_7272 {
                        (*vfs).free_clst = le32(b, 488);
                        (*vfs).last_clst = le32(b, 492);
                    }
                }
            }
            Err(_) => {
                let e = take_io_error(vfs);
                if matches!(e, Error::Exc(_)) {
                    return Err(e);
                }
            }
        }
    }
    // SAFETY: a field of a live object, under its lock.
    unsafe { (*vfs).mounted = true };
    Ok(true)
}

/// The error a failed device call left behind.
fn take_io_error(vfs: *mut VfsFat) -> Error {
    // SAFETY: fields of a live object.
    unsafe {
        let p = core::mem::replace(&mut *addr_of_mut!((*vfs).pending), core::ptr::null_mut());
        if !p.is_null() {
            return Error::Exc(Obj(p));
        }
        // oofatfs reports any device failure as FR_DISK_ERR (EIO), but a write refused
        // for want of writeblocks as FR_WRITE_PROTECTED (EROFS).
        if (*vfs).dev_errno == errno_number(Errno::EROFS) && (*vfs).bdev.is_readonly() {
            return Errno::EROFS.into();
        }
    }
    Errno::EIO.into()
}

/// The device failed the last call by an error code or an OSError (not another exception,
/// such as KeyboardInterrupt).
fn device_failed(vfs: *mut VfsFat) -> bool {
    // SAFETY: a field of a live object; reading an object's type cannot raise.
    unsafe {
        let p = (*vfs).pending;
        p.is_null() || ffi::mp_obj_is_subclass_fast(ffi::mp_obj_get_type(p) as _, addr_of!(ffi::mp_type_OSError) as _)
    }
}

/// Run `f` on the mounted volume under the lock.  Not mounted: mount now (a device
/// formatted since the constructor ran), else ENODEV as stock.
fn with_fs<T>(vfs: *mut VfsFat, f: impl FnOnce(&Bpb) -> core::result::Result<T, Fail>) -> Result<T> {
    with_fs_opt(vfs, true, f)
}

/// with_fs, leaving a changed cached sector for later when `flush` is false (opening or
/// writing a file: oofatfs keeps the sector in its window until the file is synced or
/// closed, or another sector is needed).
fn with_fs_opt<T>(vfs: *mut VfsFat, flush: bool, f: impl FnOnce(&Bpb) -> core::result::Result<T, Fail>) -> Result<T> {
    let _g = lock(vfs)?;
    with_fs_locked(vfs, flush, f)
}

/// with_fs_opt with the lock already held by the caller.
fn with_fs_locked<T>(
    vfs: *mut VfsFat,
    flush: bool,
    f: impl FnOnce(&Bpb) -> core::result::Result<T, Fail>,
) -> Result<T> {
    let geo = call_begin(vfs)?;
    let r = f(&geo);
    let ended = call_end(vfs, flush || r.is_err());
    let v = r?;
    ended?;
    Ok(v)
}

/// The start of a filesystem call (out of line: with_fs_locked is made once per caller):
/// no device error yet, the time not read, the volume mounted (ENODEV when there is none).
#[inline(never)]
fn call_begin(vfs: *mut VfsFat) -> Result<Bpb> {
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        *addr_of_mut!((*vfs).pending) = core::ptr::null_mut();
        (*vfs).dev_errno = 0;
        (*vfs).now = None;
        (*vfs).hint.ok = false;
        if !(*vfs).mounted && !try_mount(vfs)? {
            return Err(Errno::ENODEV.into());
        }
        Ok((*vfs).geo)
    }
}

/// The end of a filesystem call: the cache written back when `flush` (oofatfs syncs its
/// window at the end of each call that wrote; a call the device failed keeps its changes
/// in the cache too, the free count and open files already reflect them), then only the
/// sector used last (and a changed one, and a sector of the first FAT) kept, as oofatfs's
/// window.
#[inline(never)]
fn call_end(vfs: *mut VfsFat, flush: bool) -> Result<()> {
    let flushed = if flush { cache_flush(vfs) } else { Ok(()) };
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        let other = 1 - (*vfs).cur as usize;
        let c = (*vfs).cached[other];
        let g = &(*vfs).geo;
        // A FAT sector stays too: a file read in small pieces looks up the next cluster
        // after each sector, and oofatfs reads the FAT sector again each time.
        let fat = c >= g.fat_start && c - g.fat_start < g.fat_size;
        if !(*vfs).dirty[other] && !fat {
            (*vfs).cached[other] = NO_SECTOR;
        }
    }
    flushed.map_err(|_| take_io_error(vfs))
}

// ---------------------------------------------------------------------------------------
// The FAT: entries, chains, the free count (oofatfs's get_fat, put_fat, create_chain,
// remove_chain).

fn eio() -> Fail {
    Errno::EIO.into()
}

/// The entry of cluster `c`: 1 for a cluster number off the volume (oofatfs's internal
/// error), else the value (≥ n_fatent: a chain's end, or a link off the volume).
fn get_fat(vfs: *mut VfsFat, p: &Bpb, c: u32) -> core::result::Result<u32, Fail> {
    if c < 2 || c >= p.n_fatent() {
        return Ok(1);
    }
    Ok(match p.kind {
        FatKind::Fat12 => {
            let bc = c + c / 2;
            let w = fat_byte(vfs, p, bc)? | fat_byte(vfs, p, bc + 1)? << 8;
            if c & 1 == 1 {
                w >> 4
            } else {
                w & 0xFFF
            }
        }
        FatKind::Fat16 => {
            load(vfs, p.fat_start + sdiv(vfs, c * 2))?;
            le16(cache(vfs), smod(vfs, c * 2) as usize)
        }
        FatKind::Fat32 => {
            load(vfs, p.fat_start + sdiv(vfs, c * 4))?;
            le32(cache(vfs), smod(vfs, c * 4) as usize) & 0x0FFF_FFFF
        }
    })
}

/// Byte `o` of the (first) FAT.
fn fat_byte(vfs: *mut VfsFat, p: &Bpb, o: u32) -> core::result::Result<u32, Fail> {
    load(vfs, p.fat_start + sdiv(vfs, o))?;
    Ok(u32::from(cache(vfs)[smod(vfs, o) as usize]))
}

/// Set the entry of cluster `c` (in the first FAT: the cache mirrors it to the second).
fn put_fat(vfs: *mut VfsFat, p: &Bpb, c: u32, v: u32) -> core::result::Result<(), Fail> {
    if c < 2 || c >= p.n_fatent() {
        return Err(eio());
    }
    match p.kind {
        FatKind::Fat12 => {
            let bc = c + c / 2;
            load(vfs, p.fat_start + sdiv(vfs, bc))?;
            let b = &mut cache(vfs)[smod(vfs, bc) as usize];
            *b = if c & 1 == 1 {
                (*b & 0x0F) | ((v as u8) << 4)
            } else {
                v as u8
            };
            mark_dirty(vfs);
            load(vfs, p.fat_start + sdiv(vfs, bc + 1))?;
            let b = &mut cache(vfs)[smod(vfs, bc + 1) as usize];
            *b = if c & 1 == 1 {
                (v >> 4) as u8
            } else {
                (*b & 0xF0) | ((v >> 8) as u8 & 0x0F)
            };
            mark_dirty(vfs);
        }
        FatKind::Fat16 => {
            load(vfs, p.fat_start + sdiv(vfs, c * 2))?;
            let at = smod(vfs, c * 2) as usize;
            cache(vfs)[at..at + 2].copy_from_slice(&(v as u16).to_le_bytes());
            mark_dirty(vfs);
        }
        FatKind::Fat32 => {
            load(vfs, p.fat_start + sdiv(vfs, c * 4))?;
            let at = smod(vfs, c * 4) as usize;
            let v = (v & 0x0FFF_FFFF) | (le32(cache(vfs), at) & 0xF000_0000);
            cache(vfs)[at..at + 4].copy_from_slice(&v.to_le_bytes());
            mark_dirty(vfs);
        }
    }
    Ok(())
}

/// The first sector of cluster `c`, 0 for a cluster off the volume (oofatfs's clst2sect).
fn clst2sect(p: &Bpb, c: u32) -> u32 {
    let c = c.wrapping_sub(2);
    if c >= p.clusters {
        return 0;
    }
    p.data_start + p.spc * c
}

fn counts(vfs: *mut VfsFat) -> (u32, u32) {
    // SAFETY: fields of a live object, under its lock.
    unsafe { ((*vfs).free_clst, (*vfs).last_clst) }
}

/// A new cluster at the end of the chain whose last cluster is `clst` (0: a new chain),
/// found as oofatfs's create_chain finds it: the next cluster if free, else the first free
/// one after the cluster allocated last.  Ok(0): the volume is full.  A cluster that
/// already has a successor gives that successor.
fn create_chain(vfs: *mut VfsFat, p: &Bpb, clst: u32) -> core::result::Result<u32, Fail> {
    let n = p.n_fatent();
    let (free, last) = counts(vfs);
    let mut scl;
    if clst == 0 {
        scl = if last == 0 || last >= n { 1 } else { last };
    } else {
        let cs = get_fat(vfs, p, clst)?;
        if cs < 2 {
            return Err(eio());
        }
        if cs < n {
            return Ok(cs);
        }
        scl = clst;
    }
    if free == 0 {
        return Ok(0);
    }
    let mut ncl = 0;
    if scl == clst {
        ncl = if scl + 1 >= n { 2 } else { scl + 1 };
        let cs = get_fat(vfs, p, ncl)?;
        if cs == 1 {
            return Err(eio());
        }
        if cs != 0 {
            if (2..n).contains(&last) {
                scl = last;
            }
            ncl = 0;
        }
    }
    if ncl == 0 {
        ncl = scl;
        loop {
            ncl += 1;
            if ncl >= n {
                ncl = 2;
                if ncl > scl {
                    return Ok(0);
                }
            }
            let cs = get_fat(vfs, p, ncl)?;
            if cs == 0 {
                break;
            }
            if cs == 1 {
                return Err(eio());
            }
            if ncl == scl {
                return Ok(0);
            }
        }
    }
    put_fat(vfs, p, ncl, 0x0FFF_FFFF)?;
    if clst != 0 {
        put_fat(vfs, p, clst, ncl)?;
    }
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        (*vfs).last_clst = ncl;
        if (*vfs).free_clst <= n - 2 {
            (*vfs).free_clst -= 1;
        }
        (*vfs).fsi_flag |= 1;
    }
    Ok(ncl)
}

/// Free the chain from `clst`; `prev`, when not 0, becomes the end of its chain.
fn remove_chain(vfs: *mut VfsFat, p: &Bpb, mut clst: u32, prev: u32) -> core::result::Result<(), Fail> {
    let n = p.n_fatent();
    if clst < 2 || clst >= n {
        return Err(eio());
    }
    if prev != 0 {
        put_fat(vfs, p, prev, 0x0FFF_FFFF)?;
    }
    loop {
        let nxt = get_fat(vfs, p, clst)?;
        if nxt == 0 {
            break;
        }
        // A link to cluster 1 ends the chain here, as one past the volume does (oofatfs
        // stops with FR_INT_ERR, leaving the rest of the chain allocated).
        put_fat(vfs, p, clst, 0)?;
        // SAFETY: fields of a live object, under its lock.
        unsafe {
            if (*vfs).free_clst < n - 2 {
                (*vfs).free_clst += 1;
                (*vfs).fsi_flag |= 1;
            }
        }
        clst = nxt;
        if clst < 2 || clst >= n {
            break;
        }
    }
    Ok(())
}

/// Free clusters, counted once (oofatfs's f_getfree) and kept up to date after.
fn get_free(vfs: *mut VfsFat, p: &Bpb) -> core::result::Result<u32, Fail> {
    let n = p.n_fatent();
    let (free, _) = counts(vfs);
    if free <= n - 2 {
        return Ok(free);
    }
    let mut nfree = 0u32;
    if p.kind == FatKind::Fat12 {
        // Entries 2k and 2k+1 share bytes 3k..3k+3, read in order; the bytes and sectors
        // read, and where a bad entry stops the count, are oofatfs's get_fat loop's.
        let byte = |o| fat_byte(vfs, p, o);
        let mut c = 2;
        while c < n {
            let at = c / 2 * 3;
            let (b0, b1) = (byte(at)?, byte(at + 1)?);
            let mut e = b0 | (b1 & 0x0F) << 8;
            for k in 0..2 {
                match e {
                    0 => nfree += 1,
                    // A link to cluster 1: oofatfs's FR_INT_ERR (only its FAT12 count looks).
                    1 => return Err(eio()),
                    _ => {}
                }
                c += 1;
                if k == 1 || c >= n {
                    break;
                }
                e = b1 >> 4 | byte(at + 2)? << 4;
            }
        }
    } else {
        let w = if p.kind == FatKind::Fat16 { 2 } else { 4 };
        let (mut sect, mut i) = (p.fat_start, 0usize);
        for _ in 0..n {
            if i == 0 {
                load(vfs, sect)?;
                sect += 1;
            }
            let b = cache(vfs);
            let v = if w == 2 { le16(b, i) } else { le32(b, i) & 0x0FFF_FFFF };
            if v == 0 {
                nfree += 1;
            }
            i = smod(vfs, (i + w) as u32) as usize;
        }
    }
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        (*vfs).free_clst = nfree;
        (*vfs).fsi_flag |= 1;
    }
    Ok(nfree)
}

/// oofatfs's sync_fs without the device sync: the cache written back, then FAT32's
/// FSInfo rewritten when the free count or the last cluster changed.
fn sync_volume(vfs: *mut VfsFat, p: &Bpb) -> core::result::Result<(), Fail> {
    cache_flush(vfs).map_err(|_| raw_err(vfs))?;
    // SAFETY: fields of a live object, under its lock.
    let (flag, start, free, last) = unsafe { ((*vfs).fsi_flag, (*vfs).start, (*vfs).free_clst, (*vfs).last_clst) };
    if p.kind != FatKind::Fat32 || flag != 1 {
        return Ok(());
    }
    cache_claim(vfs, start + 1).map_err(|_| raw_err(vfs))?;
    let b = cache(vfs);
    b.fill(0);
    b[510..512].copy_from_slice(&[0x55, 0xAA]);
    b[0..4].copy_from_slice(&0x4161_5252u32.to_le_bytes());
    b[484..488].copy_from_slice(&0x6141_7272u32.to_le_bytes());
    b[488..492].copy_from_slice(&free.to_le_bytes());
    b[492..496].copy_from_slice(&last.to_le_bytes());
    dev_write(vfs, start + 1, b).map_err(|_| raw_err(vfs))?;
    // SAFETY: a field of a live object, under its lock.
    unsafe { (*vfs).fsi_flag = 0 };
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Directories: a cursor over 32-byte slots (oofatfs's dir_sdi, dir_next, dir_alloc,
// dir_read, dir_find, dir_register, dir_remove).

/// Bytes a directory may span (oofatfs's MAX_DIR: 65,536 slots); a chain that loops ends
/// there.
const MAX_DIR: u32 = 0x20_0000;
/// No long name before the entry.
const NO_BLK: u32 = u32::MAX;
/// Where the UTF-16 units of a long name sit in its slot.
const LFN_OFS: [usize; 13] = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

/// A position in a directory: the cluster and sector of the slot (sector 0: the end;
/// cluster 0: the fixed root of FAT12/16), and the slot's byte offset from the start.
#[derive(Clone, Copy, Default)]
struct Cursor {
    clust: u32,
    sect: u32,
    dptr: u32,
}

impl Cursor {
    /// (sector, byte offset in it) of the slot.
    fn at(&self, vfs: *mut VfsFat) -> (u32, u32) {
        (self.sect, smod(vfs, self.dptr))
    }
}

/// The slot at byte `ofs` of directory `sclust` (0: the root).
fn dir_sdi(vfs: *mut VfsFat, p: &Bpb, sclust: u32, ofs: u32) -> core::result::Result<Cursor, Fail> {
    let ss = ssize(vfs);
    if ofs >= MAX_DIR || !ofs.is_multiple_of(32) {
        return Err(eio());
    }
    let mut clst = sclust;
    if clst == 0 && p.kind == FatKind::Fat32 {
        clst = p.root_cluster;
    }
    let mut rel = ofs;
    let sect = if clst == 0 {
        if sdiv(vfs, ofs) >= p.root_sectors {
            return Err(eio());
        }
        p.root_start
    } else {
        let csz = p.spc * ss;
        while rel >= csz {
            clst = get_fat(vfs, p, clst)?;
            if clst < 2 || clst >= p.n_fatent() {
                return Err(eio());
            }
            rel -= csz;
        }
        clst2sect(p, clst)
    };
    if sect == 0 {
        return Err(eio());
    }
    Ok(Cursor {
        clust: clst,
        sect: sect + sdiv(vfs, rel),
        dptr: ofs,
    })
}

/// Fill cluster `c` with zeros on the device (a new directory's table).
fn dir_clear(vfs: *mut VfsFat, p: &Bpb, c: u32) -> core::result::Result<(), Fail> {
    let s = clst2sect(p, c);
    cache_overlap(vfs, s, p.spc as usize, false).map_err(|_| raw_err(vfs))?;
    cache_claim(vfs, s).map_err(|_| raw_err(vfs))?;
    let zero = cache(vfs);
    for i in 0..p.spc {
        dev_write(vfs, s + i, zero).map_err(|_| raw_err(vfs))?;
    }
    Ok(())
}

/// Move to the next slot.  Ok(false) at the end of the table; with `stretch`, a
/// directory's chain grows by a zeroed cluster instead (EACCES when the volume is full).
fn dir_next(vfs: *mut VfsFat, p: &Bpb, c: &mut Cursor, stretch: bool) -> core::result::Result<bool, Fail> {
    let ofs = c.dptr + 32;
    if ofs >= MAX_DIR {
        c.sect = 0;
    }
    if c.sect == 0 {
        return Ok(false);
    }
    if smod(vfs, ofs) == 0 {
        c.sect += 1;
        if c.clust == 0 {
            if sdiv(vfs, ofs) >= p.root_sectors {
                c.sect = 0;
                return Ok(false);
            }
        } else if sdiv(vfs, ofs) & (p.spc - 1) == 0 {
            let mut clst = get_fat(vfs, p, c.clust)?;
            if clst <= 1 {
                return Err(eio());
            }
            if clst >= p.n_fatent() {
                if !stretch {
                    c.sect = 0;
                    return Ok(false);
                }
                clst = create_chain(vfs, p, c.clust)?;
                if clst == 0 {
                    return Err(Errno::EACCES.into());
                }
                dir_clear(vfs, p, clst)?;
            }
            c.clust = clst;
            c.sect = clst2sect(p, clst);
        }
    }
    c.dptr = ofs;
    Ok(true)
}

/// The slot under the cursor, in the cache.
fn slot<'a>(vfs: *mut VfsFat, c: &Cursor) -> core::result::Result<&'a mut [u8], Fail> {
    load(vfs, c.sect)?;
    let off = smod(vfs, c.dptr) as usize;
    Ok(&mut cache(vfs)[off..off + 32])
}

/// `nent` free slots in a row in directory `sclust` (growing it if need be): the cursor
/// is on the last of them.  EACCES when there is no room.
fn dir_alloc(vfs: *mut VfsFat, p: &Bpb, sclust: u32, nent: u32) -> core::result::Result<Cursor, Fail> {
    // SAFETY: fields of a live object, under its lock.
    let h = unsafe { core::mem::take(&mut (*vfs).hint) };
    // SAFETY: as above.
    let (mut c, mut n) = if h.ok && h.dir == sclust && h.nent == nent && h.seq == unsafe { (*vfs).seq } {
        if h.found {
            return Ok(h.at);
        }
        (h.at, h.run)
    } else {
        (dir_sdi(vfs, p, sclust, 0)?, 0)
    };
    loop {
        let b0 = slot(vfs, &c)?[0];
        if b0 == 0xE5 || b0 == 0 {
            n += 1;
            if n == nent {
                return Ok(c);
            }
        } else {
            n = 0;
        }
        if !dir_next(vfs, p, &mut c, true)? {
            return Err(Errno::EACCES.into());
        }
    }
}

/// A long name being assembled, UTF-16 (oofatfs's LfnBuf, FF_MAX_LFN + 1 units).
type LfnBuf = [u16; 256];

/// Take the part of a long name a slot holds (oofatfs's pick_lfn).
fn pick_lfn(lfn: &mut LfnBuf, d: &[u8]) -> bool {
    if le16(d, 26) != 0 {
        return false;
    }
    let Some(mut i) = usize::from(d[0] & !0x40).checked_sub(1).map(|o| o * 13) else {
        return false;
    };
    let mut wc = 1u32;
    for &o in &LFN_OFS {
        let uc = le16(d, o);
        if wc != 0 {
            if i >= lfn.len() {
                return false;
            }
            lfn[i] = uc as u16;
            wc = uc;
            i += 1;
        } else if uc != 0xFFFF {
            return false;
        }
    }
    if d[0] & 0x40 != 0 && wc != 0 {
        if i >= lfn.len() {
            return false;
        }
        lfn[i] = 0;
    }
    true
}

/// A slot's part of a long name against a name (`unit(i)`: its units, 0 past the end),
/// without case (oofatfs's cmp_lfn).
fn cmp_lfn(unit: impl Fn(usize) -> u16, d: &[u8]) -> bool {
    if le16(d, 26) != 0 {
        return false;
    }
    let Some(mut i) = usize::from(d[0] & 0x3F).checked_sub(1).map(|o| o * 13) else {
        return false;
    };
    let mut wc = 1u32;
    for &o in &LFN_OFS {
        let uc = le16(d, o);
        if wc != 0 {
            if i >= 256 || up16(uc as u16) != up16(unit(i)) {
                return false;
            }
            i += 1;
            wc = uc;
        } else if uc != 0xFFFF {
            return false;
        }
    }
    !(d[0] & 0x40 != 0 && wc != 0 && unit(i) != 0)
}

/// oofatfs's ff_wtoupper on one UTF-16 unit.
fn up16(u: u16) -> u16 {
    match char::from_u32(u32::from(u)) {
        Some(c) => {
            let up = fatlayout::upper(c) as u32;
            if up <= 0xFFFF {
                up as u16
            } else {
                u
            }
        }
        None => u,
    }
}

/// The next entry a listing shows, from the cursor on (oofatfs's dir_read): its short
/// slot (the cursor stays on it) and whether a valid long name for it is in `lfn`.
/// None at the end.  Deleted slots, dot entries and volume labels are passed over.
fn dir_read(
    vfs: *mut VfsFat,
    p: &Bpb,
    c: &mut Cursor,
    lfn: &mut LfnBuf,
) -> core::result::Result<Option<([u8; 32], bool)>, Fail> {
    let (mut ord, mut sum) = (0xFFu8, 0xFFu8);
    while c.sect != 0 {
        let mut d = [0u8; 32];
        d.copy_from_slice(slot(vfs, c)?);
        let b = d[0];
        if b == 0 {
            c.sect = 0;
            return Ok(None);
        }
        let attr = d[11] & 0x3F;
        if b == 0xE5 || b == b'.' || (attr & !0x20) == 0x08 {
            ord = 0xFF;
        } else if attr == 0x0F {
            let mut b = b;
            if b & 0x40 != 0 {
                sum = d[13];
                b &= !0x40;
                ord = b;
            }
            ord = if b == ord && sum == d[13] && pick_lfn(lfn, &d) {
                ord.wrapping_sub(1)
            } else {
                0xFF
            };
        } else {
            let mut n11 = [0u8; 11];
            n11.copy_from_slice(&d[..11]);
            return Ok(Some((d, ord == 0 && sum == sfn_checksum(&n11))));
        }
        if !dir_next(vfs, p, c, false)? {
            return Ok(None);
        }
    }
    Ok(None)
}

/// An entry found in a directory: its short slot's bytes and place, the directory, and
/// where its long name starts (NO_BLK: none).
struct RawEntry {
    at: (u32, u32),
    e: [u8; 32],
    dir: u32,
    dptr: u32,
    blk: u32,
}

impl RawEntry {
    fn is_dir(&self) -> bool {
        self.e[11] & 0x10 != 0
    }
}

/// A name to find: its UTF-16 units (an ASCII name's are its bytes: no table is filled for
/// it), its short form and oofatfs's NS flags for it; `sfn_only` looks at short names alone
/// (a numbered name's collisions).
/// `stock`: the name is not ASCII, so stock unix would have written its long name as the
/// CP437 characters of its UTF-8 bytes (`fatlayout::stock_units`); such a long name
/// matches too, so that files stock wrote are found by their names.
struct Target<'a> {
    units: Units<'a>,
    name: &'a [u8],
    stock: bool,
    sfn: [u8; 11],
    cf: u8,
    sfn_only: bool,
}

/// A name's UTF-16 units.
// The table lives on the stack for one call; boxing it would allocate, and not filling it
// for an ASCII name is the point.
#[allow(clippy::large_enum_variant)]
enum Units<'a> {
    Ascii(&'a [u8]),
    Wide(LfnBuf, usize),
}

impl<'a> Target<'a> {
    fn new(name: &'a str) -> Target<'a> {
        let units = if name.is_ascii() {
            Units::Ascii(name.as_bytes())
        } else {
            let mut lfn = [0u16; 256];
            let mut len = 0;
            for (d, u) in lfn.iter_mut().zip(name.encode_utf16()) {
                *d = u;
                len += 1;
            }
            Units::Wide(lfn, len)
        };
        let name = name.as_bytes();
        let (sfn, cf) = make_sfn(name);
        Target {
            units,
            name,
            stock: !name.is_ascii() && name.len() <= 255,
            sfn,
            cf,
            sfn_only: false,
        }
    }

    /// Unit `i` of the name (0 past its end).
    fn unit(&self, i: usize) -> u16 {
        match &self.units {
            Units::Ascii(b) => b.get(i).map_or(0, |&c| u16::from(c)),
            Units::Wide(w, n) => w[..*n].get(i).copied().unwrap_or(0),
        }
    }

    /// The number of units.
    fn len(&self) -> usize {
        match &self.units {
            Units::Ascii(b) => b.len(),
            Units::Wide(_, n) => *n,
        }
    }

    /// Directory slots a new entry of this name takes: the short one, and the long name's.
    fn slots(&self) -> u32 {
        if self.cf & NS_LFN != 0 {
            (self.len() as u32).div_ceil(13) + 1
        } else {
            1
        }
    }

    /// Unit `i` of the long name stock would have written (0 past its end).
    fn stock_unit(&self, i: usize) -> u16 {
        self.name.get(i).map_or(0, |&b| cp437_char(b))
    }
}

/// Find `t` in directory `dir` (oofatfs's dir_find): a long name matches without case, a
/// short name only when the name is its exact short form.
fn dir_find(vfs: *mut VfsFat, p: &Bpb, dir: u32, t: &Target) -> core::result::Result<Option<RawEntry>, Fail> {
    let mut c = dir_sdi(vfs, p, dir, 0)?;
    // dir_alloc's search for the slots a new entry of this name takes, kept alongside.
    let nent = t.slots();
    let mut h = AllocHint {
        dir,
        nent,
        ..AllocHint::default()
    };
    // The long-name sequence being matched, against the name (ord) and against the name
    // as stock would have written it (ord2, see Target).
    let (mut ord, mut ord2, mut sum, mut blk) = (0xFFu8, 0xFFu8, 0xFFu8, NO_BLK);
    let unit = |i: usize| t.unit(i);
    loop {
        let d = slot(vfs, &c)?;
        let b = d[0];
        if b == 0 {
            if !h.found {
                h.at = c;
            }
            // SAFETY: fields of a live object, under its lock.
            unsafe {
                h.ok = true;
                h.seq = (*vfs).seq;
                (*vfs).hint = h;
            }
            return Ok(None);
        }
        if b == 0xE5 {
            h.run += 1;
            if h.run == nent && !h.found {
                (h.found, h.at) = (true, c);
            }
        } else {
            h.run = 0;
        }
        let a = d[11] & 0x3F;
        if b == 0xE5 || (a & 0x08 != 0 && a != 0x0F) {
            (ord, ord2, blk) = (0xFF, 0xFF, NO_BLK);
        } else if a == 0x0F {
            if !t.sfn_only {
                let mut b = b;
                if b & 0x40 != 0 {
                    sum = d[13];
                    b &= !0x40;
                    (ord, ord2) = (b, b);
                    blk = c.dptr;
                }
                let next = |o: u8, ok: bool| if ok { o.wrapping_sub(1) } else { 0xFF };
                let here = sum == d[13];
                ord = next(ord, here && b == ord && cmp_lfn(unit, d));
                ord2 = next(ord2, here && t.stock && b == ord2 && cmp_lfn(|i| t.stock_unit(i), d));
            }
        } else {
            let mut n11 = [0u8; 11];
            n11.copy_from_slice(&d[..11]);
            let by_lfn = !t.sfn_only && (ord == 0 || ord2 == 0) && sum == sfn_checksum(&n11);
            let by_sfn = (t.sfn_only || t.cf & NS_LOSS == 0) && n11 == t.sfn;
            if by_lfn || by_sfn {
                let mut e = [0u8; 32];
                e.copy_from_slice(d);
                return Ok(Some(RawEntry {
                    at: c.at(vfs),
                    e,
                    dir,
                    dptr: c.dptr,
                    blk,
                }));
            }
            (ord, ord2, blk) = (0xFF, 0xFF, NO_BLK);
        }
        if !dir_next(vfs, p, &mut c, false)? {
            return Ok(None);
        }
    }
}

/// Write a long name's part into its slot (oofatfs's put_lfn).
fn put_lfn(unit: impl Fn(usize) -> u16, d: &mut [u8], ord: u8, sum: u8) {
    d[13] = sum;
    d[11] = 0x0F;
    d[12] = 0;
    d[26..28].fill(0);
    let mut i = (usize::from(ord) - 1) * 13;
    let mut wc = 0u16;
    for &o in &LFN_OFS {
        if wc != 0xFFFF {
            wc = unit(i);
            i += 1;
        }
        d[o..o + 2].copy_from_slice(&wc.to_le_bytes());
        if wc == 0 {
            wc = 0xFFFF;
        }
    }
    d[0] = if wc == 0xFFFF || unit(i) == 0 { ord | 0x40 } else { ord };
}

/// Register a new entry for `t` in directory `dir` (oofatfs's dir_register): a numbered
/// short name when the name does not fit 8.3, its long-name slots, then the short slot,
/// zero but for the name and its case flags.  The cursor is on the short slot.
fn dir_register(vfs: *mut VfsFat, p: &Bpb, dir: u32, t: &mut Target) -> core::result::Result<Cursor, Fail> {
    let sn = t.sfn;
    if t.cf & NS_LOSS != 0 {
        t.sfn_only = true;
        let mut n = 1;
        while n < 100 {
            // Hashed (past ~5) from the long name stock would write: the same short name.
            t.sfn = if t.stock {
                gen_numname(&sn, t.name.iter().map(|&b| cp437_char(b)), n)
            } else {
                gen_numname(&sn, (0..t.len()).map(|i| t.unit(i)), n)
            };
            if dir_find(vfs, p, dir, t)?.is_none() {
                break;
            }
            n += 1;
        }
        t.sfn_only = false;
        if n == 100 {
            return Err(Errno::EACCES.into());
        }
    }
    let nent = t.slots();
    let c = dir_alloc(vfs, p, dir, nent)?;
    if nent > 1 {
        let sum = sfn_checksum(&t.sfn);
        let mut k = nent - 1;
        let mut lc = dir_sdi(vfs, p, dir, c.dptr - k * 32)?;
        loop {
            put_lfn(|i| t.unit(i), slot(vfs, &lc)?, k as u8, sum);
            mark_dirty(vfs);
            k -= 1;
            if k == 0 {
                break;
            }
            if !dir_next(vfs, p, &mut lc, false)? {
                return Err(eio());
            }
        }
    }
    let d = slot(vfs, &c)?;
    d.fill(0);
    d[..11].copy_from_slice(&t.sfn);
    d[12] = t.cf & (NS_BODY | NS_EXT);
    mark_dirty(vfs);
    Ok(c)
}

/// Mark an entry's slots deleted, its long name's first (oofatfs's dir_remove).
fn dir_remove(vfs: *mut VfsFat, p: &Bpb, r: &RawEntry) -> core::result::Result<(), Fail> {
    let from = if r.blk == NO_BLK { r.dptr } else { r.blk };
    let mut c = dir_sdi(vfs, p, r.dir, from)?;
    loop {
        slot(vfs, &c)?[0] = 0xE5;
        mark_dirty(vfs);
        if c.dptr >= r.dptr {
            return Ok(());
        }
        if !dir_next(vfs, p, &mut c, false)? {
            return Err(eio());
        }
    }
}

fn entry_cluster(p: &Bpb, e: &[u8]) -> u32 {
    let hi = if p.kind == FatKind::Fat32 { le16(e, 20) << 16 } else { 0 };
    hi | le16(e, 26)
}

fn set_cluster(p: &Bpb, e: &mut [u8], c: u32) {
    e[26..28].copy_from_slice(&(c as u16).to_le_bytes());
    if p.kind == FatKind::Fat32 {
        e[20..22].copy_from_slice(&((c >> 16) as u16).to_le_bytes());
    }
}

/// A first cluster an entry may have: none (0) or one on the volume.
fn cluster_ok(p: &Bpb, c: u32) -> bool {
    c == 0 || (2..p.n_fatent()).contains(&c)
}

/// Find `name` in directory `dir` (0: the root).
fn raw_find(vfs: *mut VfsFat, p: &Bpb, dir: u32, name: &str) -> core::result::Result<Option<RawEntry>, Fail> {
    dir_find(vfs, p, dir, &Target::new(name))
}

/// The directory a subdirectory's entry opens: its first cluster, 0 for the root (a
/// FAT32 entry may name the root's cluster).
fn subdir(p: &Bpb, e: &RawEntry) -> u32 {
    let c = entry_cluster(p, &e.e);
    if p.kind == FatKind::Fat32 && c == p.root_cluster {
        0
    } else {
        c
    }
}

/// Walk a path by its entries: the entry it names (None for the root), each component
/// but the last a directory (else ENOENT, oofatfs's FR_NO_PATH).
fn raw_walk(vfs: *mut VfsFat, comps: &[&str]) -> core::result::Result<Option<RawEntry>, Fail> {
    // SAFETY: a field of a live, mounted object.
    let p = unsafe { (*vfs).geo };
    let mut dir = 0;
    let mut found = None;
    for (i, c) in comps.iter().enumerate() {
        let Some(e) = raw_find(vfs, &p, dir, c)? else {
            return Err(Errno::ENOENT.into());
        };
        if i + 1 < comps.len() {
            if !e.is_dir() {
                return Err(Errno::ENOENT.into());
            }
            dir = subdir(&p, &e);
        }
        found = Some(e);
    }
    Ok(found)
}

/// The first cluster of the directory a path names (0 for the root).
fn dir_cluster(vfs: *mut VfsFat, p: &Bpb, comps: &[&str]) -> core::result::Result<u32, Fail> {
    Ok(match raw_walk(vfs, comps)? {
        None => 0,
        Some(e) if e.is_dir() => subdir(p, &e),
        Some(_) => return Err(Errno::ENOENT.into()),
    })
}

fn read_entry(vfs: *mut VfsFat, at: (u32, u32)) -> core::result::Result<[u8; 32], Fail> {
    load(vfs, at.0)?;
    let mut e = [0u8; 32];
    e.copy_from_slice(&cache(vfs)[at.1 as usize..at.1 as usize + 32]);
    Ok(e)
}

fn write_entry(vfs: *mut VfsFat, at: (u32, u32), e: &[u8; 32]) -> core::result::Result<(), Fail> {
    load(vfs, at.0)?;
    cache(vfs)[at.1 as usize..at.1 as usize + 32].copy_from_slice(e);
    mark_dirty(vfs);
    Ok(())
}

/// An entry's name in a listing, as oofatfs's get_fileinfo makes it: the long name when
/// it is valid UTF-16 (a lone surrogate makes it invalid), else the short name with its
/// case flags, spaces left out, cut at a NUL (oofatfs's names are C strings) and its bytes
/// unconverted (a name that is not UTF-8 raises UnicodeError, as stock); "?" when both
/// are empty.
/// `out` holds 768 bytes for a long name (255 units of UTF-8), SHORT_NAME for a short one.
fn listed_name<'a>(d: &[u8; 32], lfn: Option<&[u16]>, out: &'a mut [u8]) -> &'a [u8] {
    if let Some(units) = lfn {
        let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
        // A long name stock unix wrote (its UTF-8 bytes as CP437 characters): the name it
        // meant, as stock lists it.
        if let Some(n) = stock_decode(&units[..end], out) {
            return &out[..n];
        }
        let units = units.iter().copied().take_while(|&u| u != 0);
        let mut n = 0;
        let mut ok = true;
        for c in char::decode_utf16(units) {
            match c {
                // A control character or U+FFFE/U+FFFF is no name (a corrupt slot: a path
                // could not name it either); 255 units make at most 765 bytes of UTF-8.
                Ok(c) if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {
                    ok = false;
                    break;
                }
                Ok(c) if n + 4 <= out.len() => n += c.encode_utf8(&mut out[n..]).len(),
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && n > 0 {
            return &out[..n];
        }
    }
    let mut n = 0;
    for (i, &b) in d[..11].iter().enumerate() {
        if b == b' ' {
            continue;
        }
        if i == 8 {
            out[n] = b'.';
            n += 1;
        }
        if b == 0 {
            break;
        }
        out[n] = if b == 0x05 { 0xE5 } else { b };
        n += 1;
    }
    if n == 0 {
        out[0] = b'?';
        return &out[..1];
    }
    let mut lcf = NS_BODY;
    for b in out[..n].iter_mut() {
        if *b == b'.' {
            lcf = NS_EXT;
        }
        if b.is_ascii_uppercase() && d[12] & lcf != 0 {
            *b += 0x20;
        }
    }
    &out[..n]
}

/// Room for a listed name: 255 UTF-16 units as UTF-8.
type NameBuf = [u8; 768];
/// Room for a short name as listed: 8 + '.' + 3.
const SHORT_NAME: usize = 12;

/// The listed name of a found entry (its long name read again from its slots).
fn entry_name(vfs: *mut VfsFat, p: &Bpb, r: &RawEntry) -> core::result::Result<Vec<u8>, Fail> {
    if r.blk != NO_BLK {
        let mut c = dir_sdi(vfs, p, r.dir, r.blk)?;
        let mut lfn = [0u16; 256];
        if let Some((d, true)) = dir_read(vfs, p, &mut c, &mut lfn)? {
            if c.dptr == r.dptr {
                return Ok(listed_name(&d, Some(&lfn), &mut [0; 768]).to_vec());
            }
        }
    }
    Ok(listed_name(&r.e, None, &mut [0; 768]).to_vec())
}

// ---------------------------------------------------------------------------------------
// Paths.

/// Components kept in place: deeper paths go to the heap.
const INLINE_COMPS: usize = 8;

/// A path's components, borrowed from the path's str and the current directory's: in
/// place up to INLINE_COMPS, then on the heap (a resolve allocated a String per name).
struct Comps<'a> {
    inline: [&'a str; INLINE_COMPS],
    n: usize,
    heap: Option<Vec<&'a str>>,
}

impl<'a> Comps<'a> {
    fn new() -> Self {
        Comps {
            inline: [""; INLINE_COMPS],
            n: 0,
            heap: None,
        }
    }

    fn push(&mut self, c: &'a str) -> Result<()> {
        if self.heap.is_none() && self.n < INLINE_COMPS {
            self.inline[self.n] = c;
            self.n += 1;
            return Ok(());
        }
        if self.heap.is_none() {
            let mut v = Vec::new();
            v.try_reserve(2 * INLINE_COMPS).map_err(|_| Error::Os(Errno::ENOMEM))?;
            v.extend_from_slice(&self.inline[..self.n]);
            self.heap = Some(v);
        }
        if let Some(ref mut v) = self.heap {
            v.try_reserve(1).map_err(|_| Error::Os(Errno::ENOMEM))?;
            v.push(c);
        }
        Ok(())
    }

    fn pop(&mut self) {
        match self.heap {
            Some(ref mut v) => {
                v.pop();
            }
            None => self.n = self.n.saturating_sub(1),
        }
    }
}

impl<'a> core::ops::Deref for Comps<'a> {
    type Target = [&'a str];
    fn deref(&self) -> &[&'a str] {
        match self.heap {
            Some(ref v) => v,
            None => &self.inline[..self.n],
        }
    }
}

/// A path resolved as oofatfs reads it.
struct FatPath<'a> {
    /// The absolute path's components, "." and ".." resolved: borrowed from the path's
    /// str (an argument, reachable for the whole call) and the current directory's.
    comps: Comps<'a>,
    /// The current directory's str the components borrow from: chdir on another thread
    /// may replace it meanwhile, and then only this keeps it from the collector.
    keep: Obj,
    /// It ends with '/' after a name: it must name a directory, and oofatfs then has no
    /// name to act on (EINVAL for a directory, ENOENT otherwise).
    slash: bool,
    /// Its last component was "." or "..": a directory reached through a dot entry, which
    /// nothing but chdir/ilistdir may act on (EINVAL).
    dot: bool,
    /// Exactly "" or "/", which stock's stat answers without asking the volume.
    bare_root: bool,
    /// It reached the root through a directory's ".." entry (a name before the dots, or a
    /// relative path from a subdirectory): oofatfs then has an entry to report.
    via_entry: bool,
    /// Its last component was exactly ".".
    dot1: bool,
}

impl Drop for FatPath<'_> {
    fn drop(&mut self) {
        // Read it last, so that it stays on the stack (scanned by the collector) until now.
        core::hint::black_box(self.keep);
    }
}

/// The absolute path `path` names (joined to the current directory when relative),
/// normalised.  As oofatfs: '\\' separates too, a control character ends the path,
/// `* ? : " < > |` and DEL are invalid (EINVAL), trailing dots and spaces of a name go.
fn resolve<'a>(vfs: *mut VfsFat, path: Obj) -> Result<FatPath<'a>> {
    resolve_bytes(vfs, path.str_bytes()?)
}

/// resolve from the path's bytes (an import's path arrives as C bytes: no str is made).
fn resolve_bytes<'a>(vfs: *mut VfsFat, p: &'a [u8]) -> Result<FatPath<'a>> {
    mp::no_nul(p)?;
    // "" and "/" exactly name the root; a path cut short by a control character (below)
    // names nothing there (oofatfs: FR_INVALID_NAME).
    let bare_root = p.is_empty() || p == b"/";
    let (mut cut, mut ascii) = (p.len(), true);
    for (i, &c) in p.iter().enumerate() {
        if c < 0x20 {
            cut = i;
            break;
        }
        if matches!(c, b'*' | b'?' | b':' | b'"' | b'<' | b'>' | b'|' | 0x7f) {
            return Err(Errno::EINVAL.into());
        }
        ascii &= c < 0x80;
    }
    let p = &p[..cut];
    let is_sep = |c: &u8| *c == b'/' || *c == b'\\';
    let absolute = p.first().is_some_and(is_sep);
    // SAFETY: cur_dir is the str object this vfs keeps.
    let keep = Obj(unsafe { (*vfs).cur_dir });
    // The current directory's names then the path's, "." and ".." resolved by name (as
    // a path normalised lexically: ".." at the root stays there).
    let cwd: &'a [u8] = if absolute { b"/" } else { keep.str_bytes()? };
    let mut comps = Comps::new();
    if !absolute {
        for seg in cwd.split(|&c| c == b'/') {
            push_comp(&mut comps, seg, false)?;
        }
    }
    // One walk over the path's segments: the names, the last segment, and whether
    // there is a name at all (not only separators and dots).
    let (mut last, mut has_name, mut non_sep) = (&p[..0], false, false);
    for seg in p.split(is_sep) {
        last = seg;
        non_sep |= !seg.is_empty();
        has_name |= push_comp(&mut comps, seg, ascii)?;
    }
    // It ends with separators after something else.
    let slash = non_sep && p.last().is_some_and(is_sep);
    let dot = last == b"." || last == b"..";
    let dot1 = last == b".";
    let via_entry = dot && (has_name || (!absolute && cwd.len() > 1));
    // oofatfs's create_name: an empty name, or one longer than FF_MAX_LFN (255).
    if comps
        .iter()
        .any(|c| c.is_empty() || (c.len() > 255 && c.encode_utf16().count() > 255))
    {
        return Err(Errno::EINVAL.into());
    }
    Ok(FatPath {
        comps,
        keep,
        slash,
        dot,
        bare_root,
        via_entry,
        dot1,
    })
}

/// One segment of a path: "" and "." stay, ".." drops the last name, a name (trailing dots
/// and spaces gone, as oofatfs) is added.  True for a name.  `ascii`: the caller saw that
/// every byte of `seg` is below 0x80.
fn push_comp<'a>(comps: &mut Comps<'a>, seg: &'a [u8], ascii: bool) -> Result<bool> {
    match seg {
        b"" | b"." => Ok(false),
        b".." => {
            comps.pop();
            Ok(false)
        }
        s => {
            let c = if ascii {
                // SAFETY: ASCII bytes are UTF-8.
                unsafe { core::str::from_utf8_unchecked(s) }
            } else {
                core::str::from_utf8(s).map_err(|_| Error::Os(Errno::EINVAL))?
            };
            comps.push(c.trim_end_matches(['.', ' ']))?;
            Ok(true)
        }
    }
}

/// For the calls that act on a named entry (stat, open, mkdir, remove, rmdir, rename):
/// what oofatfs says about the root, a path ending in '/', or one ending in a dot entry
/// (`dot_ok`: stat follows a dot entry to its directory).
fn entry_path_error(vfs: *mut VfsFat, p: &FatPath, dot_ok: bool) -> core::result::Result<(), Fail> {
    if p.comps.is_empty() || p.bare_root {
        return Err(Errno::EINVAL.into());
    }
    if p.slash || p.dot {
        let is_dir = match raw_walk(vfs, &p.comps) {
            Ok(Some(e)) => e.is_dir(),
            Err(Error::Exc(e)) => return Err(Error::Exc(e)),
            _ => false,
        };
        if !is_dir {
            return Err(Errno::ENOENT.into());
        }
        if p.slash || !dot_ok {
            return Err(Errno::EINVAL.into());
        }
    }
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
    let ss = usize::try_from(ss)
        .ok()
        .filter(|s| (512..=MAX_SS).contains(s) && s.is_power_of_two());
    let ss = ss.ok_or(Error::Os(Errno::EIO))?;
    let size = align8(core::mem::size_of::<VfsFat>()) + SLOTS * ss;
    // SAFETY: trampoline allocating a zeroed GC object of `size` bytes.
    let o = check(unsafe { ffi::rustos_try_new_obj(&ffi::rustos_type_fat, size, false) })?;
    let vfs = o.0 as *mut VfsFat;
    // SAFETY: `vfs` is a fresh zeroed allocation; we fill in our fields.
    unsafe {
        core::ptr::write(addr_of_mut!((*vfs).bdev), bdev);
        (*vfs).bdev.block_size = ss;
        (*vfs).shift = ss.trailing_zeros() as u8;
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

/// VfsFat(bdev): mounted at once if the device holds a FAT volume; an unformatted device
/// is accepted so that mkfs/mount(mkfs=True) can format it.
fn make_new(dev: Obj) -> Result<Obj> {
    let vfs = new_vfs(dev)?;
    let _g = lock(vfs)?;
    try_mount(vfs)?;
    Ok(Obj(vfs as ffi::mp_obj_t))
}

/// Format the device with oofatfs's layout.
fn format(vfs: *mut VfsFat) -> Result<()> {
    // SAFETY: fields of a live object, under its lock (held by the caller).
    let bdev = unsafe { &*addr_of_mut!((*vfs).bdev) };
    let init = bdev.ioctl(blockdev::IOCTL_INIT, 0)?;
    if !init.is_none() && init.small_int().unwrap_or(1) != 0 {
        return Err(Errno::EBUSY.into());
    }
    if bdev.is_readonly() {
        return Err(Errno::EROFS.into());
    }
    // f_mkfs asks the sector size again, then the size.
    let ss = device_sector_size(bdev)?;
    if usize::try_from(ss).ok() != Some(bdev.block_size) {
        return Err(Errno::EIO.into());
    }
    let count = bdev.ioctl_int(blockdev::IOCTL_BLOCK_COUNT, 0, true)?;
    let ss = ssize(vfs);
    let count = u32::try_from(count).map_err(|_| Error::Os(Errno::EIO))?;
    let l = fatlayout::layout(count, ss).ok_or(Error::Os(Errno::EIO))?;
    let mut buf: Vec<u8> = Vec::new();
    // One batch of up to 4 KiB, as stock's working buffer of FF_MAX_SS bytes.
    let batch = (MAX_SS / ss as usize).max(1);
    buf.try_reserve_exact(batch * ss as usize)
        .map_err(|_| Error::Os(Errno::ENOMEM))?;
    buf.resize(batch * ss as usize, 0);
    // SAFETY: fields of a live object, under its lock: the device's size, no cache.
    unsafe {
        (*vfs).count = count;
        (*vfs).start = 0;
    }
    cache_reset(vfs);
    let ssz = ss as usize;
    let w = |_: &mut (), s: u32, data: &[u8]| dev_write(vfs, s, data).map_err(|_| take_io_error(vfs));
    let mut io = ();
    // SAFETY: the port's clock; cannot raise.
    let vsn = unsafe { ffi::rustos_fattime() };
    // The boot record says "NO NAME" as oofatfs writes it; a port's label
    // (MICROPY_HW_FLASH_FS_LABEL) goes into a volume-label entry, as stock's f_setlabel.
    let label = *b"NO NAME    ";
    // SAFETY: a constant string from the port's config, or null.
    let port_label = unsafe { ffi::rustos_fat_label() };
    let mut label_entry = None;
    if !port_label.is_null() {
        // SAFETY: NUL-terminated constant.
        let s = unsafe { core::ffi::CStr::from_ptr(port_label) }.to_bytes();
        let mut e = [0u8; 32];
        e[..11].fill(b' ');
        for (d, c) in e[..11].iter_mut().zip(s) {
            *d = c.to_ascii_uppercase();
        }
        e[11] = 0x08;
        e[22..26].copy_from_slice(&vsn.to_le_bytes());
        label_entry = Some(e);
    }
    let v = l.start;
    l.boot_sector(&mut buf[..ssz], vsn, &label);
    w(&mut io, v, &buf[..ssz])?;
    if l.kind == FatKind::Fat32 {
        w(&mut io, v + 6, &buf[..ssz])?;
        l.fsinfo_sector(&mut buf[..ssz]);
        w(&mut io, v + 7, &buf[..ssz])?;
        w(&mut io, v + 1, &buf[..ssz])?;
    }
    // The FAT, then the root directory, zero but for the FAT's first entries.
    buf.fill(0);
    l.fat_head(&mut buf);
    let mut sect = l.fat_start();
    let mut left = l.fat_sectors + l.root_sectors();
    while left > 0 {
        let n = left.min(batch as u32);
        w(&mut io, sect, &buf[..n as usize * ssz])?;
        buf[..ssz].fill(0);
        sect += n;
        left -= n;
    }
    if let Some(e) = label_entry {
        buf[..ssz].fill(0);
        buf[..32].copy_from_slice(&e);
        w(&mut io, l.fat_start() + l.fat_sectors, &buf[..ssz])?;
    }
    if v != 0 {
        l.mbr_sector(&mut buf[..ssz]);
        w(&mut io, 0, &buf[..ssz])?;
    }
    bdev.ioctl(blockdev::IOCTL_SYNC, 0)?;
    // SAFETY: a field of a live object: remount on next use (the old one is forgotten).
    unsafe { (*vfs).mounted = false };
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
    if unsafe { (*vfs).mounted } || try_mount(vfs)? {
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

fn check_writable(vfs: *mut VfsFat) -> core::result::Result<(), Fail> {
    // SAFETY: a field of a live object.
    if unsafe { (*vfs).bdev.is_readonly() } {
        return Err(Errno::EROFS.into());
    }
    Ok(())
}

fn mkdir(vfs: *mut VfsFat, path: Obj) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    with_fs(vfs, |bp| {
        check_writable(vfs)?;
        if p.comps.is_empty() || p.bare_root || (p.dot && !p.slash) {
            // The root or a dot entry: something already there (FR_EXIST).
            return Err(Errno::EEXIST.into());
        }
        entry_path_error(vfs, &p, false)?;
        let name = &p.comps[p.comps.len() - 1];
        let parent = dir_cluster(vfs, bp, &p.comps[..p.comps.len() - 1])?;
        let mut t = Target::new(name);
        if dir_find(vfs, bp, parent, &t)?.is_some() {
            return Err(Errno::EEXIST.into());
        }
        // As oofatfs's f_mkdir: a zeroed cluster with the dot entries, then the entry.
        let dcl = create_chain(vfs, bp, 0)?;
        if dcl == 0 {
            return Err(Errno::EACCES.into());
        }
        let tm = fattime(vfs).to_le_bytes();
        dir_clear(vfs, bp, dcl)?;
        load(vfs, clst2sect(bp, dcl))?;
        let b = cache(vfs);
        b[..11].fill(b' ');
        b[0] = b'.';
        b[11] = 0x10;
        b[22..26].copy_from_slice(&tm);
        set_cluster(bp, &mut b[..32], dcl);
        b.copy_within(0..32, 32);
        b[33] = b'.';
        set_cluster(bp, &mut b[32..64], parent);
        mark_dirty(vfs);
        match dir_register(vfs, bp, parent, &mut t) {
            Ok(c) => {
                let d = slot(vfs, &c)?;
                d[22..26].copy_from_slice(&tm);
                set_cluster(bp, d, dcl);
                d[11] = 0x10;
                mark_dirty(vfs);
                sync_volume(vfs, bp)
            }
            Err(e) => {
                // The cluster goes back (an error here leaves it lost, as in oofatfs).
                let _ = remove_chain(vfs, bp, dcl, 0);
                Err(e)
            }
        }
    })?;
    dev_sync(vfs)
}

/// The device's sync (oofatfs's sync_fs ends with it).
fn dev_sync(vfs: *mut VfsFat) -> Result<Obj> {
    // SAFETY: a field of a live object.
    unsafe { (*vfs).bdev.ioctl(blockdev::IOCTL_SYNC, 0)? };
    Ok(Obj::NONE)
}

/// The end of a call that changed the volume, as oofatfs's sync_fs: the cached sectors
/// written, FSInfo up to date, then the device's sync.
fn sync_dev(vfs: *mut VfsFat) -> Result<Obj> {
    with_fs(vfs, |p| sync_volume(vfs, p))?;
    dev_sync(vfs)
}

/// remove (want_dir false) and rmdir (true), as stock: stat, check the kind, unlink.
fn remove(vfs: *mut VfsFat, path: Obj, want_dir: bool) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    let cwd = cwd_components(vfs)?;
    with_fs(vfs, |bp| {
        entry_path_error(vfs, &p, false)?;
        let Some(r) = raw_walk(vfs, &p.comps)? else {
            return Err(Errno::EINVAL.into());
        };
        if r.is_dir() != want_dir {
            return Err(if want_dir { Errno::ENOTDIR } else { Errno::EISDIR }.into());
        }
        check_writable(vfs)?;
        if want_dir && same_path(&p.comps, &cwd.comps) {
            // oofatfs refuses to remove its current directory.
            return Err(Errno::EACCES.into());
        }
        unlink(vfs, bp, &r)?;
        sync_volume(vfs, bp)
    })?;
    dev_sync(vfs)
}

/// Remove an entry as oofatfs's f_unlink: a read-only one or a directory that is not
/// empty is refused (EACCES), the entry goes first, then its clusters.  A power cut
/// between the two leaks clusters rather than leave an entry on free ones.
fn unlink(vfs: *mut VfsFat, p: &Bpb, r: &RawEntry) -> core::result::Result<(), Fail> {
    if r.e[11] & 0x01 != 0 {
        return Err(Errno::EACCES.into());
    }
    let first = entry_cluster(p, &r.e);
    if r.is_dir() {
        let mut c = dir_sdi(vfs, p, first, 0)?;
        let mut lfn = [0u16; 256];
        if dir_read(vfs, p, &mut c, &mut lfn)?.is_some() {
            return Err(Errno::EACCES.into());
        }
    }
    dir_remove(vfs, p, r)?;
    if first != 0 {
        if !r.is_dir() && !cluster_ok(p, first) {
            // A file's chain that starts off the volume: only its entry goes (stock
            // stops there with FR_INT_ERR after removing it; the file is gone either way).
            return Ok(());
        }
        cache_flush(vfs).map_err(|_| raw_err(vfs))?;
        remove_chain(vfs, p, first, 0)?;
    }
    Ok(())
}

fn rename(vfs: *mut VfsFat, old: Obj, new: Obj) -> Result<Obj> {
    let (pa, pb) = (resolve(vfs, old)?, resolve(vfs, new)?);
    let cwd_path = cwd_components(vfs)?;
    let cwd = &cwd_path.comps;
    with_fs(vfs, |bp| {
        check_writable(vfs)?;
        entry_path_error(vfs, &pa, false)?;
        let (a, b) = (&pa.comps, &pb.comps);
        let Some(from) = raw_walk(vfs, a)? else {
            return Err(Errno::EINVAL.into());
        };
        if pb.dot && !pb.slash {
            // A dot entry names an existing directory: stock's retry after FR_EXIST
            // finds a directory (EISDIR).
            if b.is_empty() && pb.dot1 && !pb.via_entry {
                return Err(Errno::EINVAL.into());
            }
            let is_dir = b.is_empty() || matches!(raw_walk(vfs, b)?, Some(ref e) if e.is_dir());
            return Err(if is_dir { Errno::EISDIR } else { Errno::ENOENT }.into());
        }
        entry_path_error(vfs, &pb, false)?;
        let into_itself = from.is_dir() && b.len() > a.len() && same_path(a, &b[..a.len()]);
        let new_parent = dir_cluster(vfs, bp, &b[..b.len() - 1])?;
        let mut t = Target::new(b[b.len() - 1]);
        if let Some(x) = dir_find(vfs, bp, new_parent, &t)? {
            if x.dir != from.dir || x.dptr != from.dptr {
                // Stock replaces an existing file, and refuses a directory (EISDIR).
                if x.is_dir() {
                    return Err(Errno::EISDIR.into());
                }
                if into_itself {
                    return Err(Errno::EINVAL.into());
                }
                unlink(vfs, bp, &x)?;
            }
        }
        if into_itself {
            // Into itself: refuse rather than orphan the tree (stock detaches it).
            return Err(Errno::EINVAL.into());
        }
        // As oofatfs's f_rename: the new entry registered while the old one still holds
        // its slots, given everything after the name (attributes, times, cluster, size),
        // a moved directory's ".." pointed at its new parent, then the old entry removed.
        let c = dir_register(vfs, bp, new_parent, &mut t)?;
        let d = slot(vfs, &c)?;
        d[13..].copy_from_slice(&from.e[13..]);
        d[11] = from.e[11];
        if d[11] & 0x10 == 0 {
            d[11] |= 0x20;
        }
        mark_dirty(vfs);
        if from.is_dir() && from.dir != new_parent {
            let sect = clst2sect(bp, entry_cluster(bp, &from.e));
            if sect == 0 {
                return Err(eio());
            }
            load(vfs, sect)?;
            let dd = &mut cache(vfs)[32..64];
            if dd[1] == b'.' {
                set_cluster(bp, dd, new_parent);
                mark_dirty(vfs);
            }
        }
        dir_remove(vfs, bp, &from)?;
        sync_volume(vfs, bp)
    })?;
    // oofatfs keeps its current directory as a cluster, so it follows a move of the
    // directory or of one of its parents: so does ours.
    if cwd.len() >= pa.comps.len() && same_path(&pa.comps, &cwd[..pa.comps.len()]) {
        let mut p = Vec::new();
        p.push(b'/');
        for c in pb.comps.iter().chain(&cwd[pa.comps.len()..]) {
            p.extend_from_slice(c.as_bytes());
            p.push(b'/');
        }
        let cwd = Obj::new_str(&p)?;
        // SAFETY: self of the method; the new str is kept by the object from now on.
        unsafe { (*vfs).cur_dir = cwd.0 };
    }
    dev_sync(vfs)
}

fn chdir(vfs: *mut VfsFat, path: Obj) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    let comps = &p.comps;
    let cwd = with_fs(vfs, |bp| {
        if p.slash {
            // oofatfs: a trailing '/' leaves no name to follow (EINVAL for a directory).
            return Err(match raw_walk(vfs, comps)? {
                Some(e) if e.is_dir() => Errno::EINVAL.into(),
                _ => Errno::ENOENT.into(),
            });
        }
        // The names as the volume lists them, each a directory.
        let mut cwd = Vec::new();
        cwd.push(b'/');
        let mut dir = 0;
        for c in comps.iter() {
            match raw_find(vfs, bp, dir, c)? {
                Some(e) if e.is_dir() => {
                    cwd.extend_from_slice(&entry_name(vfs, bp, &e)?);
                    cwd.push(b'/');
                    dir = subdir(bp, &e);
                }
                _ => return Err(Errno::ENOENT.into()),
            }
        }
        Ok(cwd)
    })?;
    let cwd = Obj::new_str(&cwd)?;
    // SAFETY: self of the method; the new str is kept by the object from now on.
    unsafe { (*vfs).cur_dir = cwd.0 };
    Ok(Obj::NONE)
}

fn same_path(a: &[&str], b: &[&str]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| name_eq(x, y))
}

fn cwd_components<'a>(vfs: *mut VfsFat) -> Result<FatPath<'a>> {
    // SAFETY: cur_dir is the str object this vfs keeps.
    let cwd = Obj(unsafe { (*vfs).cur_dir });
    resolve(vfs, cwd)
}

fn getcwd(vfs: *mut VfsFat) -> Result<Obj> {
    // oofatfs's f_getcwd needs the volume (ENODEV on an unformatted device).
    with_fs(vfs, |_| Ok(()))?;
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
        with_fs(vfs, |_| {
            entry_path_error(vfs, &p, true)?;
            Ok(raw_walk(vfs, &p.comps)?.map(|r| {
                let e = r.e;
                (
                    r.is_dir(),
                    u64::from(u32::from_le_bytes([e[28], e[29], e[30], e[31]])),
                    u16::from_le_bytes([e[24], e[25]]),
                    u16::from_le_bytes([e[22], e[23]]),
                )
            }))
        })?
    };
    let (is_dir, size, fdate, ftime) = match found {
        // The entry's size field as it is, a directory's too (as oofatfs's f_stat).
        Some((d, size, fd, ft)) => (d, size, fd, ft),
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
    let (spc, total, free) = with_fs(vfs, |p| Ok((p.spc, p.clusters, get_free(vfs, p)?)))?;
    let bsize = Obj::from_uint(u64::from(spc) * u64::from(ssize(vfs)))?;
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

fn ilistdir(vfs: *mut VfsFat, path: Option<Obj>) -> Result<Obj> {
    ilistdir_as(vfs, path, false)
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
    let comps = &p.comps;
    let cur = with_fs(vfs, |bp| {
        let found = raw_walk(vfs, comps)?;
        if p.slash {
            // As chdir: oofatfs finds no name after a trailing '/'.
            return Err(match found {
                Some(e) if e.is_dir() => Errno::EINVAL.into(),
                _ => Errno::ENOENT.into(),
            });
        }
        let dir = match found {
            None => 0,
            Some(e) if e.is_dir() => subdir(bp, &e),
            // oofatfs's f_opendir on a file: FR_NO_PATH.
            Some(_) => return Err(Errno::ENOENT.into()),
        };
        dir_sdi(vfs, bp, dir, 0)
    })?;
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
    let next = with_fs_opt(vfs, false, |p| {
        // SAFETY: our iterator's cursor and long-name buffer (disjoint fields), used under
        // the filesystem's lock.
        let (cur, lfn) = unsafe { (&mut (*d).cur, &mut (*d).lfn) };
        let Some((e, has_lfn)) = dir_read(vfs, p, cur, lfn)? else {
            return Ok(None);
        };
        let out: &mut [u8] = if has_lfn { long.insert([0; 768]) } else { &mut short };
        let n = listed_name(&e, has_lfn.then_some(&lfn[..]), out).len();
        if !dir_next(vfs, p, cur, false)? {
            cur.sect = 0;
        }
        Ok(Some((n, e[11] & 0x10 != 0, le32(&e, 28))))
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
    let r = resolve_bytes(vfs, path).and_then(|p| with_fs(vfs, |_| Ok(raw_walk(vfs, &p.comps)?.map(|e| e.is_dir()))));
    (match r {
        Ok(Some(false)) => ffi::RUSTOS_IMPORT_STAT_FILE,
        Ok(_) => ffi::RUSTOS_IMPORT_STAT_DIR,
        Err(_) => ffi::RUSTOS_IMPORT_STAT_NO_EXIST,
    }) as ffi::mp_import_stat_t
}

// ---------------------------------------------------------------------------------------
// Files.

struct Mode {
    read: bool,
    write: bool,
    create: bool,
    truncate: bool,
    exclusive: bool,
    append: bool,
    text: bool,
}

/// The mode string as stock's fat_vfs_open reads it (letters accumulate, unknown ones
/// are ignored).
fn parse_mode(m: &[u8]) -> Mode {
    let mut r = Mode {
        read: false,
        write: false,
        create: false,
        truncate: false,
        exclusive: false,
        append: false,
        text: true,
    };
    for &c in m {
        match c {
            b'r' => r.read = true,
            b'w' => (r.write, r.create, r.truncate) = (true, true, true),
            b'x' => (r.write, r.create, r.exclusive) = (true, true, true),
            b'a' => (r.write, r.create, r.append) = (true, true, true),
            b'+' => (r.read, r.write) = (true, true),
            b'b' => r.text = false,
            b't' => r.text = true,
            _ => {}
        }
    }
    r
}

fn open(vfs: *mut VfsFat, path: Obj, mode: Obj) -> Result<Obj> {
    let m = parse_mode(mode.str_bytes()?);
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
    let (r, modified, bad) = with_fs_opt(vfs, false, |bp| {
        if m.write {
            check_writable(vfs)?;
        }
        entry_path_error(vfs, &p, false)?;
        let comps = &p.comps;
        let parent = dir_cluster(vfs, bp, &comps[..comps.len() - 1])?;
        let mut t = Target::new(comps[comps.len() - 1]);
        let (mut r, created) = match dir_find(vfs, bp, parent, &t)? {
            Some(r) if r.is_dir() => {
                return Err(if m.create { Errno::EACCES } else { Errno::ENOENT }.into());
            }
            // A read-only file: no overwriting, no writing (FR_DENIED).
            Some(r) if m.write && r.e[11] & 0x01 != 0 => return Err(Errno::EACCES.into()),
            Some(_) if m.exclusive => return Err(Errno::EEXIST.into()),
            Some(r) => (r, false),
            None if m.create => {
                let c = dir_register(vfs, bp, parent, &mut t)?;
                let mut e = [0u8; 32];
                e.copy_from_slice(slot(vfs, &c)?);
                let r = RawEntry {
                    at: c.at(vfs),
                    e,
                    dir: parent,
                    dptr: c.dptr,
                    blk: NO_BLK,
                };
                (r, true)
            }
            None => return Err(Errno::ENOENT.into()),
        };
        // A first cluster off the volume: truncating would free "cluster 1" (the FAT's
        // own reserved entry), reading would read before the data area.  oofatfs opens
        // it and fails each read or write (FR_INT_ERR); a truncating open fails.
        let cl = entry_cluster(bp, &r.e);
        let bad = !cluster_ok(bp, cl);
        if bad && m.truncate {
            return Err(eio());
        }
        if created || m.truncate {
            // As oofatfs's f_open: the entry created, or emptied (its clusters freed after
            // the entry on the volume lost them, so that a power cut between leaks them
            // rather than leave an entry on free clusters), stamped with its creation time.
            let d = &mut r.e;
            d[14..18].copy_from_slice(&fattime(vfs).to_le_bytes());
            d[11] = 0x20;
            set_cluster(bp, d, 0);
            d[28..32].fill(0);
            write_entry(vfs, r.at, &r.e)?;
            if cl != 0 {
                cache_flush(vfs).map_err(|_| raw_err(vfs))?;
                remove_chain(vfs, bp, cl, 0)?;
                // Reuse the hole (oofatfs's last_clst = cl - 1).
                // SAFETY: a field of a live object, under its lock.
                unsafe { (*vfs).last_clst = cl - 1 };
            }
        }
        Ok((r, created || m.truncate, bad))
    })?;
    let mut name11 = [0u8; 11];
    name11.copy_from_slice(&r.e[..11]);
    // SAFETY: f is our fresh file object.
    unsafe {
        // As oofatfs: no 'r' or '+' in the mode, no reading ("" or "b" open, then EACCES).
        (*f).flags = if m.read { F_READABLE } else { 0 }
            | if m.write { F_WRITABLE } else { 0 }
            | if bad { F_BAD } else { 0 }
            | if modified { F_MODIFIED } else { 0 };
        (*f).entry_sector = r.at.0;
        (*f).entry_off = r.at.1 as u16;
        (*f).name11 = name11;
        (*f).sclust = entry_cluster(&(*vfs).geo, &r.e);
        (*f).clust = (*f).sclust;
        (*f).size = le32(&r.e, 28);
        (*f).pos = 0;
        (*f).vfs = vfs;
    }
    if m.append {
        // oofatfs's FA_SEEKEND: to the end, along the chain.
        // SAFETY: a field of our file object.
        let size = unsafe { (*f).size };
        if let Err(e) = with_fs_opt(vfs, false, |bp| seek_to(vfs, bp, f, size)) {
            // SAFETY: the file is not handed out: closed.
            unsafe { (*f).vfs = core::ptr::null_mut() };
            return Err(e);
        }
    }
    Ok(o)
}

/// The open file's entry is still its own (not removed or renamed since it was opened).
fn entry_intact(vfs: *mut VfsFat, f: *mut File) -> core::result::Result<bool, Fail> {
    // SAFETY: fields of our open file object.
    let (at, name) = (entry_at(f), unsafe { (*f).name11 });
    let e = read_entry(vfs, at)?;
    Ok(e[0] != 0xE5 && e[0] != 0 && e[..11] == name)
}

/// The file object's fields, for the calls below (under the filesystem's lock).
fn file_mut<'a>(f: *mut File) -> &'a mut File {
    // SAFETY: one of our open file objects, used under its filesystem's lock.
    unsafe { &mut *f }
}

/// Bytes in the volume's data area: no sound file goes past them.
fn volume_bytes(vfs: *mut VfsFat, p: &Bpb) -> u64 {
    u64::from(p.clusters) * u64::from(p.spc) * u64::from(ssize(vfs))
}

/// Move to `ofs` (at most the size) along the chain, as oofatfs's f_lseek: from the
/// current cluster when going forward, else from the first.
fn seek_to(vfs: *mut VfsFat, p: &Bpb, f: *mut File, ofs: u32) -> core::result::Result<(), Fail> {
    if u64::from(ofs) > volume_bytes(vfs, p) {
        // Only a looping chain goes that far (see read_at).
        return Err(eio());
    }
    let f = file_mut(f);
    let bcs = p.spc * ssize(vfs);
    let ifptr = f.pos;
    f.pos = 0;
    if ofs == 0 {
        return Ok(());
    }
    let mut ofs = ofs;
    let mut clst;
    if ifptr > 0 && (ofs - 1) / bcs >= (ifptr - 1) / bcs {
        f.pos = (ifptr - 1) & !(bcs - 1);
        ofs -= f.pos;
        clst = f.clust;
    } else {
        clst = f.sclust;
        f.clust = clst;
    }
    if clst != 0 {
        while ofs > bcs {
            ofs -= bcs;
            f.pos += bcs;
            clst = get_fat(vfs, p, clst)?;
            if clst <= 1 || clst >= p.n_fatent() {
                return Err(eio());
            }
            f.clust = clst;
        }
    }
    f.pos += ofs;
    Ok(())
}

/// Read from the position as oofatfs's f_read: whole sectors straight into the caller's
/// buffer, in one device call per run within a cluster; the rest through the cache.
fn read_at(vfs: *mut VfsFat, p: &Bpb, f: *mut File, out: &mut [u8]) -> core::result::Result<usize, Fail> {
    let f = file_mut(f);
    let ss = ssize(vfs);
    let btr = (out.len() as u64).min(u64::from(f.size.saturating_sub(f.pos))) as usize;
    let mut done = 0;
    while done < btr {
        if u64::from(f.pos) >= volume_bytes(vfs, p) {
            // A size past the whole volume with a chain that goes on: it loops (oofatfs
            // would read round it for up to 4 GiB).
            return Err(eio());
        }
        let csect = sdiv(vfs, f.pos) & (p.spc - 1);
        if smod(vfs, f.pos) == 0 {
            if csect == 0 {
                let clst = if f.pos == 0 {
                    f.sclust
                } else {
                    get_fat(vfs, p, f.clust)?
                };
                if clst < 2 {
                    return Err(eio());
                }
                f.clust = clst;
            }
            let sect = clst2sect(p, f.clust);
            if sect == 0 {
                // A chain shorter than the file: a corrupt volume (FR_INT_ERR).
                return Err(eio());
            }
            let whole = sdiv(vfs, (btr - done).min(u32::MAX as usize) as u32) as usize;
            let mut cc = whole.min((p.spc - csect) as usize);
            if cc > 0 {
                let sect = sect + csect;
                // Whole sectors wanted past this cluster, in the clusters that follow it on the
                // disk: read in the same device call.  oofatfs reads cluster by cluster; the
                // sectors and the FAT entries looked up are the same, the calls fewer.
                while MERGE_CLUSTERS && cc < whole && (csect as usize + cc) & (p.spc as usize - 1) == 0 {
                    let next = get_fat(vfs, p, f.clust)?;
                    if next != f.clust + 1 || next >= p.n_fatent() {
                        break;
                    }
                    f.clust = next;
                    cc += (whole - cc).min(p.spc as usize);
                }
                cache_overlap(vfs, sect, cc, true).map_err(|_| raw_err(vfs))?;
                let n = cc * ss as usize;
                dev_read(vfs, sect, &mut out[done..done + n]).map_err(|_| raw_err(vfs))?;
                done += n;
                f.pos += n as u32;
                continue;
            }
        }
        let sect = clst2sect(p, f.clust);
        if sect == 0 {
            return Err(eio());
        }
        load(vfs, sect + csect)?;
        let off = smod(vfs, f.pos) as usize;
        let n = (ss as usize - off).min(btr - done);
        out[done..done + n].copy_from_slice(&cache(vfs)[off..off + n]);
        done += n;
        f.pos += n as u32;
    }
    Ok(done)
}

/// The clusters a write took ahead of its data, to give back if the data cannot be
/// written: the chain's end before (and its entry), the clusters taken after it, and the
/// counts as they were.
struct Undo {
    end: Option<(u32, u32)>,
    /// The run taken next to each other, and one elsewhere that ended it (0: none).
    first: u32,
    last: u32,
    stray: u32,
    counts: (u32, u32, u8),
}

impl Undo {
    fn new(vfs: *mut VfsFat) -> Undo {
        // SAFETY: fields of a live object, under its lock.
        let counts = unsafe { ((*vfs).free_clst, (*vfs).last_clst, (*vfs).fsi_flag) };
        Undo {
            end: None,
            first: 0,
            last: 0,
            stray: 0,
            counts,
        }
    }

    /// `next` was taken and linked from `cl`, whose entry was `link`.
    fn took(&mut self, cl: u32, link: u32, next: u32) {
        if self.end.is_none() {
            (self.end, self.first, self.last) = (Some((cl, link)), next, next);
        } else if next == self.last + 1 {
            self.last = next;
        } else {
            self.stray = next;
        }
    }

    fn back(&self, vfs: *mut VfsFat, p: &Bpb) -> core::result::Result<(), Fail> {
        let Some((end, link)) = self.end else {
            return Ok(());
        };
        for c in (self.first..=self.last).chain((self.stray != 0).then_some(self.stray)) {
            put_fat(vfs, p, c, 0)?;
        }
        put_fat(vfs, p, end, link)?;
        // SAFETY: fields of a live object, under its lock.
        unsafe { ((*vfs).free_clst, (*vfs).last_clst, (*vfs).fsi_flag) = self.counts };
        Ok(())
    }
}

/// Write at the position as oofatfs's f_write, growing the chain as it goes.  Stops
/// short when the volume is full.
fn write_at(vfs: *mut VfsFat, p: &Bpb, f: *mut File, data: &[u8]) -> core::result::Result<usize, Fail> {
    let f = file_mut(f);
    let ss = ssize(vfs);
    let btw = (data.len() as u64).min(u64::from(u32::MAX - f.pos)) as usize;
    let mut done = 0;
    let mut merge = MERGE_CLUSTERS;
    f.flags |= F_MODIFIED;
    while done < btw {
        let clust_in = f.clust;
        let csect = sdiv(vfs, f.pos) & (p.spc - 1);
        if smod(vfs, f.pos) == 0 {
            if csect == 0 {
                let clst = if f.pos == 0 && f.sclust != 0 {
                    f.sclust
                } else if f.pos == 0 {
                    create_chain(vfs, p, 0)?
                } else {
                    create_chain(vfs, p, f.clust)?
                };
                if clst == 0 {
                    break;
                }
                f.clust = clst;
                if f.sclust == 0 {
                    f.sclust = clst;
                }
            }
            let sect = clst2sect(p, f.clust);
            if sect == 0 {
                return Err(eio());
            }
            let sect = sect + csect;
            let whole = sdiv(vfs, (btw - done).min(u32::MAX as usize) as u32) as usize;
            let mut cc = whole.min((p.spc - csect) as usize);
            if cc > 0 {
                // Whole sectors to write past this cluster: the clusters that follow are
                // taken first (oofatfs takes each as it gets there: the same clusters, the
                // same FAT changes), and those next to this one on the disk are written in
                // the same device call.  A cluster elsewhere is linked already, so the
                // next turn finds it; a full volume or a failure ends the run here, and
                // its sectors are written before the failure is returned, as oofatfs would.
                let mut failed = None;
                let mut undo = Undo::new(vfs);
                while merge && cc < whole && (csect as usize + cc) & (p.spc as usize - 1) == 0 {
                    let cl = f.clust;
                    let link = match get_fat(vfs, p, cl) {
                        Ok(v) => v,
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    };
                    match create_chain(vfs, p, cl) {
                        Ok(next) => {
                            if next != 0 && !(2..p.n_fatent()).contains(&link) {
                                undo.took(cl, link, next);
                            }
                            if next != cl + 1 || next >= p.n_fatent() {
                                break;
                            }
                            f.clust = next;
                            cc += (whole - cc).min(p.spc as usize);
                        }
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                cache_overlap(vfs, sect, cc, false).map_err(|_| raw_err(vfs))?;
                let n = cc * ss as usize;
                if dev_write(vfs, sect, &data[done..done + n]).is_err() {
                    // oofatfs writes this cluster before it takes the next: give back what
                    // was taken ahead, and when the device failed (an error code or an
                    // OSError, not an interrupt) go on cluster by cluster as it does, to
                    // fail (or not) where it fails.
                    undo.back(vfs, p)?;
                    f.clust = clust_in;
                    if cc as u32 > p.spc - csect && device_failed(vfs) {
                        merge = false;
                        // SAFETY: fields of a live object, under its lock.
                        unsafe {
                            (*vfs).dev_errno = 0;
                            *addr_of_mut!((*vfs).pending) = core::ptr::null_mut();
                        }
                        continue;
                    }
                    return Err(raw_err(vfs));
                }
                done += n;
                f.pos += n as u32;
                f.size = f.size.max(f.pos);
                if let Some(e) = failed {
                    return Err(e);
                }
                continue;
            }
            if f.pos >= f.size {
                // Past the end nothing in the sector is the file's: no need to read it.
                cache_claim(vfs, sect).map_err(|_| raw_err(vfs))?;
            }
        }
        let sect = clst2sect(p, f.clust);
        if sect == 0 {
            return Err(eio());
        }
        load(vfs, sect + csect)?;
        let off = smod(vfs, f.pos) as usize;
        let n = (ss as usize - off).min(btw - done);
        cache(vfs)[off..off + n].copy_from_slice(&data[done..done + n]);
        mark_dirty(vfs);
        done += n;
        f.pos += n as u32;
        f.size = f.size.max(f.pos);
    }
    Ok(done)
}

fn open_file(o: ffi::mp_obj_t) -> Option<(*mut File, *mut VfsFat)> {
    let f = o as *mut File;
    // SAFETY: the stream shims pass only our file objects.
    let vfs = unsafe { (*f).vfs };
    (!vfs.is_null()).then_some((f, vfs))
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

fn file_read(o: ffi::mp_obj_t, buf: *mut c_void, size: usize) -> Result<Io> {
    let Some((f, vfs)) = open_file(o) else {
        return Ok(einval());
    };
    if !has(f, F_READABLE) {
        return Ok(Io::Errno(errno_number(Errno::EACCES)));
    }
    // SAFETY: the stream layer hands us `size` writable bytes.
    let out = unsafe { core::slice::from_raw_parts_mut(buf as *mut u8, size) };
    io_result(with_fs_opt(vfs, false, |p| read_at(vfs, p, f, out)))
}

fn file_write(o: ffi::mp_obj_t, buf: *const c_void, size: usize) -> Result<Io> {
    let Some((f, vfs)) = open_file(o) else {
        return Ok(einval());
    };
    if !has(f, F_WRITABLE) {
        return Ok(Io::Errno(errno_number(Errno::EACCES)));
    }
    // SAFETY: the stream layer hands us `size` readable bytes.
    let data = unsafe { core::slice::from_raw_parts(buf as *const u8, size) };
    // The written sector stays in the cache (as in oofatfs's window) until another
    // sector is needed, the file is flushed or closed, or the volume synced: a stream of
    // small writes then costs one device write per sector, not one per call.
    io_result(with_fs_opt(vfs, false, |p| {
        let done = write_at(vfs, p, f, data)?;
        if done < data.len() {
            // What stock reports for a short write: the disk is full.
            return Err(Errno::ENOSPC.into());
        }
        Ok(done)
    }))
}

fn file_flush(f: *mut File, vfs: *mut VfsFat) -> Result<Io> {
    if !has(f, F_MODIFIED) {
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
        return io_result(with_fs_locked(vfs, true, |p| flush_file_entry(vfs, p, f)));
    }
    let r = io_result(with_fs(vfs, |p| flush_file_entry(vfs, p, f)))?;
    if let Io::Errno(e) = r {
        return Ok(Io::Errno(e));
    }
    dev_sync(vfs)?;
    Ok(Io::Done(0))
}

/// Write an open file's entry back as oofatfs's f_sync (if the entry is still its own):
/// the archive attribute, first cluster, size and modification time; then FSInfo.
fn flush_file_entry(vfs: *mut VfsFat, p: &Bpb, f: *mut File) -> core::result::Result<usize, Fail> {
    if entry_intact(vfs, f)? {
        let at = entry_at(f);
        let fl = file_mut(f);
        let (sclust, size) = (fl.sclust, fl.size);
        let mut e = read_entry(vfs, at)?;
        e[11] |= 0x20;
        set_cluster(p, &mut e, sclust);
        e[28..32].copy_from_slice(&size.to_le_bytes());
        e[22..26].copy_from_slice(&fattime(vfs).to_le_bytes());
        e[18..20].fill(0);
        write_entry(vfs, at, &e)?;
    }
    set_flag(f, F_MODIFIED, false);
    sync_volume(vfs, p)?;
    Ok(0)
}

fn file_ioctl(o: ffi::mp_obj_t, request: u32, arg: usize) -> Result<Io> {
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
            let r = if has(f, F_WRITABLE) {
                file_flush(f, vfs)
            } else {
                Ok(Io::Done(0))
            };
            // SAFETY: closed from now on, whatever the flush said.
            unsafe { (*f).vfs = core::ptr::null_mut() };
            r
        }
        ffi::RUSTOS_STREAM_GET_BUFFER_SIZE => Ok(crate::mp::READER_BUFFER),
        ffi::RUSTOS_STREAM_FLUSH => {
            if has(f, F_WRITABLE) {
                file_flush(f, vfs)
            } else {
                Ok(Io::Done(0))
            }
        }
        ffi::RUSTOS_STREAM_SEEK => {
            // SAFETY: for MP_STREAM_SEEK, arg points at the caller's mp_stream_seek_t.
            let s = unsafe { &mut *(arg as *mut ffi::mp_stream_seek_t) };
            let (off, whence) = (crate::mp::off_to_i64(s.offset), s.whence);
            let writable = has(f, F_WRITABLE);
            let pos = with_fs_opt(vfs, false, |p| {
                let (here, size) = {
                    let fl = file_mut(f);
                    (i64::from(fl.pos), i64::from(fl.size))
                };
                let target = match whence {
                    0 => off,
                    1 => here.saturating_add(off),
                    _ => size.saturating_add(off),
                };
                // oofatfs takes the position as an unsigned 32-bit number: a negative one
                // is huge, so it lands at the end (we do not try to grow to 4 GiB).
                let target = if target < 0 { size } else { target.min(u32::MAX as i64) };
                if target > size && writable {
                    // f_lseek in a writable file grows it; the gap reads as zeros here
                    // (oofatfs leaves whatever the clusters held).
                    if has(f, F_BAD) {
                        return Err(eio());
                    }
                    seek_to(vfs, p, f, size as u32)?;
                    let zeros = [0u8; 64];
                    let mut at = size;
                    while at < target {
                        let n = ((target - at) as usize).min(zeros.len());
                        match write_at(vfs, p, f, &zeros[..n])? {
                            0 => break,
                            w => at += w as i64,
                        }
                    }
                    return Ok(at as usize);
                }
                seek_to(vfs, p, f, target.min(size) as u32)?;
                Ok(file_mut(f).pos as usize)
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

// ---------------------------------------------------------------------------------------
// Entry points (c/vfs_fat.c).

#[no_mangle]
pub extern "C" fn rustos_fat_make_new(n_args: usize, n_kw: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        if n_kw != 0 {
            return Err(Error::Type(msg!("function doesn't take keyword arguments")));
        }
        if n_args != 1 {
            return Err(Error::Type(msg!("function takes 1 positional arguments")));
        }
        make_new(mp::args(n_args, args)[0])
    })
}

#[no_mangle]
pub extern "C" fn rustos_fat_mkfs(dev: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| mkfs(Obj(dev)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_mount(
    s: ffi::mp_obj_t,
    readonly: ffi::mp_obj_t,
    mkfs: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| mount(s as _, Obj(readonly), Obj(mkfs)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_umount(s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| umount(s as _))
}

/// Stock keeps the volume mounted internally so the object stays usable; we also write
/// back a sector still in the cache (files written and not yet closed).
fn umount(vfs: *mut VfsFat) -> Result<Obj> {
    let _g = lock(vfs)?;
    cache_flush(vfs).map_err(|_| take_io_error(vfs))?;
    Ok(Obj::NONE)
}

#[no_mangle]
pub extern "C" fn rustos_fat_open(s: ffi::mp_obj_t, path: ffi::mp_obj_t, mode: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| open(s as _, Obj(path), Obj(mode)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_ilistdir(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let args = mp::args(n, args);
        let s = args.first().ok_or(Error::Type(msg!("ilistdir needs self")))?.0;
        ilistdir(s as _, args.get(1).copied())
    })
}

#[no_mangle]
pub extern "C" fn rustos_fat_mkdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| mkdir(s as _, Obj(path)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_remove(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| remove(s as _, Obj(path), false))
}

#[no_mangle]
pub extern "C" fn rustos_fat_rmdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| remove(s as _, Obj(path), true))
}

#[no_mangle]
pub extern "C" fn rustos_fat_rename(s: ffi::mp_obj_t, old: ffi::mp_obj_t, new: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| rename(s as _, Obj(old), Obj(new)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_chdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| chdir(s as _, Obj(path)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_getcwd(s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| getcwd(s as _))
}

#[no_mangle]
pub extern "C" fn rustos_fat_stat(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| stat(s as _, Obj(path)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_statvfs(s: ffi::mp_obj_t, _path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| statvfs(s as _))
}

#[no_mangle]
pub extern "C" fn rustos_fat_import_stat(s: *mut c_void, path: *const c_char) -> ffi::mp_import_stat_t {
    // SAFETY: the VFS passes our object and a NUL-terminated path.
    let path = unsafe { core::ffi::CStr::from_ptr(path) }.to_bytes();
    #[cfg(feature = "std")]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| import_stat(s as _, path)))
            .unwrap_or(ffi::RUSTOS_IMPORT_STAT_NO_EXIST as ffi::mp_import_stat_t)
    }
    #[cfg(not(feature = "std"))]
    import_stat(s as _, path)
}

#[no_mangle]
pub extern "C" fn rustos_fat_dir_iternext(it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| dir_next_entry(it as _))
}

#[no_mangle]
pub extern "C" fn rustos_fat_dir_del(it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: our iterator; nothing to release, only forget the filesystem.
        unsafe { (*(it as *mut DirIt)).vfs = core::ptr::null_mut() };
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_fat_file_read(
    o: ffi::mp_obj_t,
    buf: *mut c_void,
    size: ffi::mp_uint_t,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || file_read(o, buf, size as usize))
}

#[no_mangle]
pub extern "C" fn rustos_fat_file_write(
    o: ffi::mp_obj_t,
    buf: *const c_void,
    size: ffi::mp_uint_t,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || file_write(o, buf, size as usize))
}

#[no_mangle]
pub extern "C" fn rustos_fat_file_ioctl(
    o: ffi::mp_obj_t,
    request: ffi::mp_uint_t,
    arg: usize,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || file_ioctl(o, request as u32, arg))
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
    if unsafe { (*vfs).mounted } {
        sync_dev(vfs)?;
    }
    Ok(true)
}

/// vfs.mount's auto-detection falls back to FAT for a device that is not littlefs.
pub fn new_mounted(dev: Obj) -> Result<Obj> {
    make_new(dev)
}
