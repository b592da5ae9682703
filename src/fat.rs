//! vfs.VfsFat: FAT12/16/32 on the rust-fatfs 0.4 line (crates.io `lamfat`, renamed
//! `fatfs`), driven by a Python block device through a one-sector cache.
//!
//! Behaviour follows stock's extmod/vfs_fat*.c over oofatfs: the same errno for each
//! failure, `mkfs` with oofatfs's layout (src/fatlayout.rs), names compared without case,
//! "." and ".." resolved against the current directory, an unformatted device accepted by
//! the constructor (every call retries the mount, as oofatfs does).
//!
//! Ownership: the mounted `FileSystem` lives inside the GC-allocated `VfsFat` object and
//! is never moved or dropped (stock keeps its FATFS the same way).  Files and directory
//! iterators borrow it for `'static`; each keeps the `VfsFat` object itself in a field, so
//! the GC keeps the filesystem alive as long as they are.  The sector buffer follows the
//! object in the same allocation.  A lock per filesystem serialises calls from threads and
//! refuses a re-entrant call (a block device calling back into its own filesystem) with
//! EBUSY instead of corrupting lamfat's `RefCell`s.
use crate::blockdev::{self, BlockDev};
use crate::errno::Errno;
use crate::fatlayout::{self, name_eq, plain_short_name, sfn_checksum, ucs2_name_eq, FatKind};
use crate::ffi;
use crate::mp::{self, check, entry, error::errno_number, io_entry, Error, Io, Obj, Result};
use crate::path::normalize_dir;
use crate::qstr;
use alloc::string::String;
use alloc::vec::Vec;
use core::ffi::{c_char, c_void};
use core::mem::MaybeUninit;
use core::ptr::addr_of_mut;

use fatfs::{IoBase, Read, Seek, SeekFrom, Write};

type Fs = fatfs::FileSystem<SectorIo, Clock, RawOem>;
type FatFile = fatfs::File<'static, SectorIo, Clock, RawOem>;
type FatDir = fatfs::Dir<'static, SectorIo, Clock, RawOem>;
type FatDirIter = fatfs::DirIter<'static, SectorIo, Clock, RawOem>;
type FatEntry = fatfs::DirEntry<'static, SectorIo, Clock, RawOem>;

/// Short names' bytes as they are: each byte decodes to the char of the same value, so
/// that a listing can give back the very bytes oofatfs gives (it is built with an OEM
/// API, FF_LFN_UNICODE 0: a short name's bytes reach Python unconverted).  New short
/// names stay ASCII.
#[derive(Debug, Clone, Copy, Default)]
struct RawOem;

impl fatfs::OemCpConverter for RawOem {
    fn decode(&self, oem_char: u8) -> char {
        char::from(oem_char)
    }
    fn encode(&self, uni_char: char) -> Option<u8> {
        uni_char.is_ascii().then_some(uni_char as u8)
    }
}
type FatError = fatfs::Error<IoErr>;

/// Largest sector size we accept (oofatfs's FF_MAX_SS on unix).
const MAX_SS: usize = 4096;

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
    /// The last FAT time read, and whether the current call may use it instead of asking
    /// the port (file writes: lamfat stamps its copy of the entry on every write, and
    /// unix's get_fattime is a localtime() call, a system call each time; the entry gets
    /// the time of the flush, as oofatfs's f_sync gives it).
    last_time: u32,
    lazy_time: bool,
    /// Bytes lamfat may still read in the current call: twice the volume.  A directory
    /// or file whose cluster chain loops would otherwise be read forever (lamfat keeps
    /// no count), and no sound call reads more.
    read_budget: u64,
    mounted: bool,
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
    /// The mounted volume's boot record numbers.
    geo: Bpb,
    fs: MaybeUninit<Fs>,
    // followed by the sector buffer (bdev.block_size bytes)
}

#[repr(C)]
struct File {
    base: ffi::mp_obj_base_t,
    /// The filesystem, or null once closed.
    vfs: *mut VfsFat,
    /// Where the file's short entry is (sector, offset in it) and its name: a file whose
    /// entry was removed or moved while open must not write its entry back (lamfat
    /// rewrites the whole entry, name included, which would resurrect a deleted one).
    entry_sector: u32,
    /// The file's size as this handle knows it (the entry's, then grown by its writes):
    /// a cluster chain that ends before it is a corrupt volume, EIO as oofatfs's f_read.
    size: u32,
    entry_off: u16,
    name11: [u8; 11],
    /// The entry's case flags, which lamfat's rewrite of the entry would clear.
    case_flags: u8,
    /// F_READABLE, F_WRITABLE, F_MODIFIED, F_BAD.  Fields packed so that, with lamfat's
    /// File, an open file takes four GC blocks on 64-bit unix (as before these fields).
    flags: u8,
    file: MaybeUninit<FatFile>,
}

const F_READABLE: u8 = 1;
const F_WRITABLE: u8 = 2;
/// Written since the last flush: the flush stamps the entry's modification time.
const F_MODIFIED: u8 = 4;
/// The entry's first cluster is off the volume: every read and write is EIO.
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
    /// The filesystem, or null once the listing is finished.
    vfs: *mut VfsFat,
    /// Entries read so far (a looping directory ends the listing at MAX_DIR_ENTRIES).
    count: usize,
    iter: MaybeUninit<FatDirIter>,
}

const fn align8(n: usize) -> usize {
    (n + 7) & !7
}

fn lock(vfs: *mut VfsFat) -> Result<crate::lock::Guard> {
    // SAFETY: a raw projection to the lock inside a live object.
    crate::lock::lock(unsafe { addr_of_mut!((*vfs).owner) })
}

// ---------------------------------------------------------------------------------------
// The device adapter: a byte stream over whole sectors, one sector cached.

/// A device error; what it was waits in the VfsFat (`pending` or `dev_errno`).
#[derive(Debug)]
pub struct IoErr;

impl fatfs::IoError for IoErr {
    fn is_interrupted(&self) -> bool {
        false
    }
    fn new_unexpected_eof_error() -> Self {
        IoErr
    }
    fn new_write_zero_error() -> Self {
        IoErr
    }
}

/// The device as lamfat sees it: a byte stream.  The cache and geometry it works on live
/// in the VfsFat (so that a call can flush them without reaching into lamfat).
pub struct SectorIo {
    vfs: *mut VfsFat,
    pos: u64,
}

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
            dev_write(vfs, (*vfs).cached[slot], slot_buf(vfs, slot))?;
            (*vfs).dirty[slot] = false;
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

fn cache_load(vfs: *mut VfsFat, sector: u32) -> IoResult<()> {
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        if let Some(i) = (*vfs).cached.iter().position(|&c| c == sector) {
            (*vfs).cur = i as u8;
            return Ok(());
        }
        // Reuse a clean slot, the older one if both are; else write back the older.
        let other = 1 - (*vfs).cur as usize;
        let victim = if !(*vfs).dirty[other] || (*vfs).dirty[(*vfs).cur as usize] {
            other
        } else {
            (*vfs).cur as usize
        };
        flush_slot(vfs, victim)?;
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

impl SectorIo {
    /// Where `pos` is: (absolute sector, offset in it).
    fn at(&self) -> IoResult<(u32, usize)> {
        // Sector sizes are powers of two: shifts, not 64-bit divisions (a library call
        // on Cortex-M, which has no 64-bit divide).
        let shift = ssize(self.vfs).trailing_zeros();
        // SAFETY: a field of a live object.
        let base = unsafe { (*self.vfs).start };
        let sector = u64::from(base) + (self.pos >> shift);
        let off = (self.pos & ((1u64 << shift) - 1)) as usize;
        Ok((u32::try_from(sector).map_err(|_| IoErr)?, off))
    }

    /// Whole sectors from `sector` that a transfer of `len` bytes covers, within the device.
    fn whole(&self, sector: u32, len: usize) -> usize {
        // SAFETY: a field of a live object.
        let count = unsafe { (*self.vfs).count };
        (len / ssize(self.vfs) as usize)
            .min(count.saturating_sub(sector) as usize)
            .max(1)
    }
}

impl IoBase for SectorIo {
    type Error = IoErr;
}

impl Read for SectorIo {
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // SAFETY: a field of a live object, under its lock.
        let budget = unsafe { &mut (*self.vfs).read_budget };
        match budget.checked_sub(buf.len() as u64) {
            Some(left) => *budget = left,
            None => return dev_code(self.vfs, Ok(-errno_number(Errno::EIO))).map(|_| 0),
        }
        let (sector, off) = self.at()?;
        let ss = ssize(self.vfs) as usize;
        if off == 0 && buf.len() >= ss {
            // Whole sectors go straight into the caller's buffer, in one device call.
            let n = self.whole(sector, buf.len());
            cache_overlap(self.vfs, sector, n, true)?;
            dev_read(self.vfs, sector, &mut buf[..n * ss])?;
            self.pos += (n * ss) as u64;
            return Ok(n * ss);
        }
        if let Some(p) = fat_entry_read(self.vfs, sector, buf.len()) {
            // lamfat reading a FAT entry: read it whole (a FAT12 entry may straddle two
            // sectors) and hand over a link that leaves the volume as the chain's end.
            for (i, b) in buf.iter_mut().enumerate() {
                let (s, o) = (sector + ((off + i) / ss) as u32, (off + i) % ss);
                cache_load(self.vfs, s)?;
                *b = cache(self.vfs)[o];
            }
            let fat_off = (u64::from(sector - p.fat_start) << ss.trailing_zeros()) + off as u64;
            sanitize_fat_entry(buf, p.kind, fat_off, p.clusters);
            self.pos += buf.len() as u64;
            return Ok(buf.len());
        }
        cache_load(self.vfs, sector)?;
        let len = buf.len().min(ss - off);
        buf[..len].copy_from_slice(&cache(self.vfs)[off..off + len]);
        self.pos += len as u64;
        Ok(len)
    }
}

/// Whether a read of `len` bytes at `sector` is lamfat reading one FAT entry: 2 bytes
/// (FAT12/16) or 4 (FAT32) inside the FATs, which nothing else reads that way.  The
/// volume's numbers when it is.
fn fat_entry_read(vfs: *mut VfsFat, sector: u32, len: usize) -> Option<Bpb> {
    // SAFETY: a field of a live object (zero before the first mount: no region).
    let p = unsafe { (*vfs).geo };
    let end = if p.kind == FatKind::Fat32 {
        p.data_start
    } else {
        p.root_start
    };
    let want = if p.kind == FatKind::Fat32 { 4 } else { 2 };
    (len == want && p.fat_start != 0 && (p.fat_start..end).contains(&sector)).then_some(p)
}

/// A FAT entry as lamfat may follow it: a link to cluster 1 or past the last cluster
/// (other than the bad-cluster and end marks) becomes the end of the chain.  lamfat
/// would compute a sector from it (cluster 1 wraps to the sectors before the data
/// area: a write there overwrote the FAT or the root directory); oofatfs refuses such
/// a link with FR_INT_ERR.  Our reads then meet the chain's end before the file's size:
/// EIO.  `fat_off` is the entry's byte offset in the FAT.
fn sanitize_fat_entry(buf: &mut [u8], kind: FatKind, fat_off: u64, clusters: u32) {
    let bad_from = |v: u32, marks: u32| v == 1 || (v >= clusters + 2 && v < marks);
    match kind {
        FatKind::Fat12 => {
            let v = u32::from(u16::from_le_bytes([buf[0], buf[1]]));
            // Entry n sits at byte n + n/2: even entries at offsets divisible by 3 * k.
            let odd = !(2 * fat_off).is_multiple_of(3);
            let e = if odd { v >> 4 } else { v & 0xFFF };
            if bad_from(e, 0xFF7) {
                let v = if odd {
                    (v & 0x000F) | 0xFFF0
                } else {
                    (v & 0xF000) | 0x0FFF
                };
                buf.copy_from_slice(&(v as u16).to_le_bytes());
            }
        }
        FatKind::Fat16 => {
            if bad_from(u32::from(u16::from_le_bytes([buf[0], buf[1]])), 0xFFF7) {
                buf.copy_from_slice(&[0xFF, 0xFF]);
            }
        }
        FatKind::Fat32 => {
            let v = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
            if bad_from(v & 0x0FFF_FFFF, 0x0FFF_FFF7) {
                buf.copy_from_slice(&((v & 0xF000_0000) | 0x0FFF_FFFF).to_le_bytes());
            }
        }
    }
}

impl Write for SectorIo {
    fn write(&mut self, buf: &[u8]) -> IoResult<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // lamfat marks a volume dirty by writing one byte of the boot sector (0x25 on
        // FAT12/16, 0x41 on FAT32) and clears it on unmount; oofatfs has no such flag, and
        // a VfsFat is never unmounted, so the flag would stay set for every other FAT
        // implementation to complain about.  Keep the boot sector as oofatfs does.
        if buf.len() == 1 && (self.pos == 0x25 || self.pos == 0x41) {
            self.pos += 1;
            return Ok(1);
        }
        let (sector, off) = self.at()?;
        let ss = ssize(self.vfs) as usize;
        if off == 0 && buf.len() >= ss {
            let n = self.whole(sector, buf.len());
            cache_overlap(self.vfs, sector, n, false)?;
            dev_write(self.vfs, sector, &buf[..n * ss])?;
            self.pos += (n * ss) as u64;
            return Ok(n * ss);
        }
        cache_load(self.vfs, sector)?;
        let len = buf.len().min(ss - off);
        cache(self.vfs)[off..off + len].copy_from_slice(&buf[..len]);
        mark_dirty(self.vfs);
        self.pos += len as u64;
        Ok(len)
    }

    fn flush(&mut self) -> IoResult<()> {
        cache_flush(self.vfs)
    }
}

impl Seek for SectorIo {
    fn seek(&mut self, pos: SeekFrom) -> IoResult<u64> {
        // SAFETY: fields of a live object.
        let (base, count) = unsafe { ((*self.vfs).start, (*self.vfs).count) };
        let end = u64::from(count.saturating_sub(base)) * u64::from(ssize(self.vfs));
        let new = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => end.checked_add_signed(d),
        };
        self.pos = new.ok_or(IoErr)?;
        Ok(self.pos)
    }
}

// ---------------------------------------------------------------------------------------
// Time: the port's get_fattime(), as oofatfs stamps entries.

#[derive(Debug)]
pub struct Clock {
    vfs: *mut VfsFat,
}

/// The port's FAT time, read once per call (lamfat asks on every write; unix's
/// get_fattime is a localtime() call).
fn fattime(vfs: *mut VfsFat) -> u32 {
    // SAFETY: a field of a live object, under its lock; the port's clock cannot raise.
    unsafe {
        if let Some(t) = (*vfs).now {
            return t;
        }
        if (*vfs).lazy_time && (*vfs).last_time != 0 {
            return (*vfs).last_time;
        }
        let t = ffi::rustos_fattime();
        (*vfs).now = Some(t);
        (*vfs).last_time = t;
        t
    }
}

fn now(vfs: *mut VfsFat) -> fatfs::DateTime {
    let t = fattime(vfs);
    let field = |shift: u32, bits: u32| ((t >> shift) & ((1 << bits) - 1)) as u16;
    // Clamp each field: lamfat asserts its ranges, and a port's clock may be unset.
    let date = fatfs::Date::new(1980 + field(25, 7), field(21, 4).clamp(1, 12), field(16, 5).max(1));
    let time = fatfs::Time::new(field(11, 5).min(23), field(5, 6).min(59), (field(0, 5) * 2).min(58), 0);
    fatfs::DateTime::new(date, time)
}

impl fatfs::TimeProvider for Clock {
    fn get_current_date(&self) -> fatfs::Date {
        now(self.vfs).date
    }
    fn get_current_date_time(&self) -> fatfs::DateTime {
        now(self.vfs)
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
/// filesystem" (ENODEV) there, so it is here too, whatever lamfat would make of it.
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

/// Mount the volume on the device, as oofatfs's find_volume: sector 0 a FAT boot record,
/// or an MBR whose first FAT partition is used.  Ok(false): no filesystem there.
fn try_mount(vfs: *mut VfsFat) -> Result<bool> {
    // SAFETY: fields of a live object, under its lock: a fresh cache and geometry.  Like
    // oofatfs, mounting does not ask the device's size: reads past its end are the
    // device's to refuse.
    unsafe {
        (*vfs).count = u32::MAX;
        (*vfs).read_budget = u64::MAX;
        (*vfs).start = 0;
        (*vfs).mounted = false;
    }
    cache_reset(vfs);
    let mut start = 0u32;
    cache_load(vfs, 0).map_err(|_| take_io_error(vfs))?;
    match check_boot(cache(vfs)) {
        Boot::Fat => {}
        Boot::None => return Ok(false),
        Boot::Mbr(starts) => {
            let mut found = false;
            for s in starts.into_iter().filter(|&s| s != 0) {
                if cache_load(vfs, s).is_err() {
                    return Err(take_io_error(vfs));
                }
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
    if cache_load(vfs, start).is_err() {
        return Err(take_io_error(vfs));
    }
    if !bpb_sane(cache(vfs), ssize(vfs)) {
        return Ok(false);
    }
    // SAFETY: a field of a live object, under its lock.
    unsafe { (*vfs).start = start };
    let io = SectorIo { vfs, pos: 0 };
    let opts = fatfs::FsOptions::new()
        .oem_cp_converter(RawOem)
        .update_accessed_date(false)
        .time_provider(Clock { vfs });
    match Fs::new(io, opts) {
        Ok(fs) => {
            // SAFETY: the slot is ours; an earlier filesystem in it is forgotten, never
            // dropped (dropping would write to the device).
            unsafe {
                core::ptr::write(addr_of_mut!((*vfs).fs), MaybeUninit::new(fs));
            }
            let geo = match read_bpb(vfs) {
                Ok(g) => g,
                Err(Fail::Mp(e)) => return Err(e),
                Err(Fail::Fat(e)) => return Err(fat_error(vfs, e)),
            };
            // SAFETY: fields of a live object, under its lock.
            unsafe {
                (*vfs).geo = geo;
                (*vfs).mounted = true;
            }
            Ok(true)
        }
        Err(fatfs::Error::Io(_)) => Err(take_io_error(vfs)),
        // A boot record whose numbers make no sense: not a filesystem (FR_NO_FILESYSTEM).
        Err(_) => Ok(false),
    }
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

/// A lamfat error as the OSError stock raises for the same FRESULT.
fn fat_error(vfs: *mut VfsFat, e: FatError) -> Error {
    match e {
        fatfs::Error::Io(_) | fatfs::Error::UnexpectedEof | fatfs::Error::WriteZero => take_io_error(vfs),
        fatfs::Error::NotFound => Errno::ENOENT.into(),
        fatfs::Error::AlreadyExists => Errno::EEXIST.into(),
        fatfs::Error::DirectoryIsNotEmpty => Errno::EACCES.into(),
        fatfs::Error::NotEnoughSpace => Errno::ENOSPC.into(),
        fatfs::Error::CorruptedFileSystem => Errno::EIO.into(),
        _ => Errno::EINVAL.into(),
    }
}

/// Run `f` on the mounted filesystem under the lock.  Not mounted: mount now (a device
/// formatted since the constructor ran), else ENODEV as stock.
fn with_fs<T>(vfs: *mut VfsFat, f: impl FnOnce(&'static Fs) -> core::result::Result<T, Fail>) -> Result<T> {
    with_fs_opt(vfs, true, f)
}

/// with_fs, leaving a changed cached sector for later when `flush` is false (opening a
/// file: oofatfs keeps the new entry in its window until the file is synced or closed).
fn with_fs_opt<T>(
    vfs: *mut VfsFat,
    flush: bool,
    f: impl FnOnce(&'static Fs) -> core::result::Result<T, Fail>,
) -> Result<T> {
    let _g = lock(vfs)?;
    with_fs_locked(vfs, flush, f)
}

/// with_fs_opt with the lock already held by the caller.
fn with_fs_locked<T>(
    vfs: *mut VfsFat,
    flush: bool,
    f: impl FnOnce(&'static Fs) -> core::result::Result<T, Fail>,
) -> Result<T> {
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        *addr_of_mut!((*vfs).pending) = core::ptr::null_mut();
        (*vfs).dev_errno = 0;
        (*vfs).now = None;
        (*vfs).read_budget = u64::MAX;
        if !(*vfs).mounted && !try_mount(vfs)? {
            return Err(Errno::ENODEV.into());
        }
        let g = (*vfs).geo;
        let volume = (u64::from(g.data_start) + u64::from(g.clusters) * u64::from(g.spc)) * u64::from(ssize(vfs));
        (*vfs).read_budget = 2 * volume + (1 << 20);
    }
    // SAFETY: mounted, so the filesystem is initialised; it lives (unmoved) as long as
    // the VfsFat object, which the caller holds.
    let fs: &'static Fs = unsafe { (*addr_of_mut!((*vfs).fs)).assume_init_ref() };
    let r = f(fs);
    // Leave no half-written sector behind (oofatfs syncs its window at the end of each
    // call that wrote).  A call the device failed keeps its changes in the cache too:
    // lamfat's own state (a file's clusters, the free count) already reflects them, and
    // dropping them made a later close write an entry over clusters still free on the
    // volume, which the next file then shared (found by tests/os/fat_corrupt fuzzing).
    let flushed = if flush || r.is_err() { cache_flush(vfs) } else { Ok(()) };
    // Between calls only the sector used last (and a changed one) stays cached, as
    // oofatfs's window: the next call reads anything else from the device again.
    // SAFETY: fields of a live object, under its lock.
    unsafe {
        let other = 1 - (*vfs).cur as usize;
        if !(*vfs).dirty[other] {
            (*vfs).cached[other] = NO_SECTOR;
        }
    }
    match r {
        Ok(v) => {
            flushed.map_err(|_| take_io_error(vfs))?;
            Ok(v)
        }
        Err(Fail::Fat(e)) => Err(fat_error(vfs, e)),
        Err(Fail::Mp(e)) => Err(e),
    }
}

/// An error inside a filesystem call: lamfat's (mapped once the call is over) or ours.
enum Fail {
    Fat(FatError),
    Mp(Error),
}

impl From<FatError> for Fail {
    fn from(e: FatError) -> Self {
        Fail::Fat(e)
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail::Mp(e)
    }
}

impl From<Errno> for Fail {
    fn from(e: Errno) -> Self {
        Fail::Mp(e.into())
    }
}

// ---------------------------------------------------------------------------------------
// Raw directory entries, for what lamfat's API cannot do the way oofatfs does: a rename
// that registers the new entry before removing the old one (so listings keep oofatfs's
// order) and a moved directory whose ".." follows it.  Reads and writes go through the
// same sector cache lamfat uses, so both see one volume.

#[derive(Clone, Copy)]
struct Bpb {
    spc: u32,
    fat_start: u32,
    root_start: u32,
    root_sectors: u32,
    data_start: u32,
    clusters: u32,
    kind: FatKind,
    root_cluster: u32,
    /// The FAT32 FSInfo sector (absolute), 0 when none.
    fsinfo: u32,
}

fn le16(b: &[u8], at: usize) -> u32 {
    u32::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn raw_err(vfs: *mut VfsFat) -> Fail {
    Fail::Mp(take_io_error(vfs))
}

/// The mounted volume's boot record numbers (read once, at mount).
fn bpb(vfs: *mut VfsFat) -> core::result::Result<Bpb, Fail> {
    // SAFETY: a field of a live, mounted object.
    Ok(unsafe { (*vfs).geo })
}

/// The boot record's numbers (lamfat has validated them at mount).
fn read_bpb(vfs: *mut VfsFat) -> core::result::Result<Bpb, Fail> {
    // SAFETY: a field of a live object.
    let start = unsafe { (*vfs).start };
    cache_load(vfs, start).map_err(|_| raw_err(vfs))?;
    let b = cache(vfs);
    let ss = le16(b, 11).max(1);
    let spc = u32::from(b[13]).max(1);
    let rsv = le16(b, 14);
    let nfats = u32::from(b[16]);
    let root_sectors = (le16(b, 17) * 32).div_ceil(ss);
    let fatsz = if le16(b, 22) != 0 { le16(b, 22) } else { le32(b, 36) };
    let total = if le16(b, 19) != 0 { le16(b, 19) } else { le32(b, 32) };
    let fat_start = start + rsv;
    let root_start = fat_start + nfats * fatsz;
    let data_start = root_start + root_sectors;
    let clusters = total.saturating_sub(data_start - start) / spc;
    // The same rule as lamfat's, which mounted this volume.
    let kind = if clusters < 4085 {
        FatKind::Fat12
    } else if clusters < 65525 {
        FatKind::Fat16
    } else {
        FatKind::Fat32
    };
    Ok(Bpb {
        spc,
        fat_start,
        root_start,
        root_sectors,
        data_start,
        clusters,
        kind,
        root_cluster: le32(b, 44),
        fsinfo: if kind == FatKind::Fat32 && le16(b, 48) != 0 {
            start + le16(b, 48)
        } else {
            0
        },
    })
}

/// Read or write `len` (≤ 4) bytes at byte offset `off` from sector `base`, through the
/// cache (a FAT12 entry may straddle two sectors).
fn raw_bytes(vfs: *mut VfsFat, base: u32, off: u32, buf: &mut [u8], write: bool) -> core::result::Result<(), Fail> {
    let ss = ssize(vfs);
    for (i, b) in buf.iter_mut().enumerate() {
        let at = off + i as u32;
        cache_load(vfs, base + at / ss).map_err(|_| raw_err(vfs))?;
        let c = &mut cache(vfs)[(at % ss) as usize];
        if write {
            *c = *b;
            mark_dirty(vfs);
        } else {
            *b = *c;
        }
    }
    Ok(())
}

/// The cluster after `c` in its chain, None at the end (or on a broken chain).
fn next_cluster(vfs: *mut VfsFat, p: &Bpb, c: u32) -> core::result::Result<Option<u32>, Fail> {
    let mut b = [0u8; 4];
    let v = match p.kind {
        FatKind::Fat12 => {
            raw_bytes(vfs, p.fat_start, c + c / 2, &mut b[..2], false)?;
            let v = le16(&b, 0);
            if c & 1 == 1 {
                v >> 4
            } else {
                v & 0xFFF
            }
        }
        FatKind::Fat16 => {
            raw_bytes(vfs, p.fat_start, c * 2, &mut b[..2], false)?;
            le16(&b, 0)
        }
        FatKind::Fat32 => {
            raw_bytes(vfs, p.fat_start, c * 4, &mut b, false)?;
            le32(&b, 0) & 0x0FFF_FFFF
        }
    };
    Ok((2..p.clusters + 2).contains(&v).then_some(v))
}

fn cluster_sector(p: &Bpb, c: u32) -> u32 {
    p.data_start + (c - 2) * p.spc
}

/// The sectors of a directory: the fixed root of FAT12/16 (cluster 0), else a chain.
fn dir_sectors(vfs: *mut VfsFat, p: &Bpb, cluster: u32) -> core::result::Result<Vec<u32>, Fail> {
    let mut out = Vec::new();
    if cluster == 0 && p.kind != FatKind::Fat32 {
        out.extend(p.root_start..p.root_start + p.root_sectors);
        return Ok(out);
    }
    let mut c = if cluster == 0 { p.root_cluster } else { cluster };
    let mut guard = 0;
    while (2..p.clusters + 2).contains(&c) {
        if guard > p.clusters {
            // A chain longer than the volume loops: a corrupt directory.
            return Err(Errno::EIO.into());
        }
        let s = cluster_sector(p, c);
        out.try_reserve(p.spc as usize).map_err(|_| Error::Os(Errno::ENOMEM))?;
        out.extend(s..s + p.spc);
        match next_cluster(vfs, p, c)? {
            Some(n) => c = n,
            None => break,
        }
        guard += 1;
    }
    Ok(out)
}

/// The 32-byte slots of a directory (cluster, 0 for the root), in order.
struct Slots {
    sectors: Vec<u32>,
    per: usize,
}

impl Slots {
    fn of(vfs: *mut VfsFat, p: &Bpb, dir: u32) -> core::result::Result<Slots, Fail> {
        Ok(Slots {
            sectors: dir_sectors(vfs, p, dir)?,
            per: (ssize(vfs) / 32) as usize,
        })
    }

    fn len(&self) -> usize {
        self.sectors.len() * self.per
    }

    /// Where slot `i` is: (sector, offset).
    fn at(&self, i: usize) -> (u32, u32) {
        (self.sectors[i / self.per], ((i % self.per) * 32) as u32)
    }

    /// The index of the slot at `at`; EIO when the directory has none there.
    fn index(&self, at: (u32, u32)) -> core::result::Result<usize, Fail> {
        (0..self.len())
            .find(|&i| self.at(i) == at)
            .ok_or(Fail::Mp(Errno::EIO.into()))
    }
}

/// A first cluster lamfat may be given: none (0) or one on the volume.  lamfat computes
/// a sector from any number; oofatfs refuses the others with FR_INT_ERR (EIO).
fn cluster_ok(p: &Bpb, c: u32) -> bool {
    c == 0 || (2..p.clusters + 2).contains(&c)
}

fn entry_cluster(p: &Bpb, e: &[u8]) -> u32 {
    let hi = if p.kind == FatKind::Fat32 { le16(e, 20) << 16 } else { 0 };
    hi | le16(e, 26)
}

/// The first cluster of the directory a path names (0 for the root), walking raw entries.
fn dir_cluster(vfs: *mut VfsFat, p: &Bpb, comps: &[String]) -> core::result::Result<u32, Fail> {
    Ok(match raw_walk(vfs, comps)? {
        None => 0,
        Some(e) if e.is_dir() => {
            let c = entry_cluster(p, &e.e);
            if !cluster_ok(p, c) {
                return Err(Errno::EIO.into());
            }
            if p.kind == FatKind::Fat32 && c == p.root_cluster {
                0
            } else {
                c
            }
        }
        Some(_) => return Err(Errno::ENOENT.into()),
    })
}

/// An entry found by scanning a directory's raw slots: where its short entry is, and
/// its 32 bytes.
struct RawEntry {
    at: (u32, u32),
    e: [u8; 32],
}

impl RawEntry {
    fn is_dir(&self) -> bool {
        self.e[11] & 0x10 != 0
    }
}

/// Find `name` in directory `dir` (first cluster, 0 for the root) by reading its slots in
/// the sector cache directly: long names are assembled from their entries and checked
/// against the short entry's checksum, as oofatfs does; without a valid long name the
/// short one is compared.  lamfat's directory iterator reads each field of each entry
/// through three layers of streams: for lookups this is several times faster.
fn raw_find(vfs: *mut VfsFat, p: &Bpb, dir: u32, name: &str) -> core::result::Result<Option<RawEntry>, Fail> {
    raw_find_free(vfs, p, dir, name, &mut None)
}

/// `raw_find`, also noting in `free` the first free slot it passes (deleted, or the end
/// of the directory) when the name is not found: where oofatfs's dir_alloc would put a
/// one-slot entry.  None when the directory's clusters have no free slot.
fn raw_find_free(
    vfs: *mut VfsFat,
    p: &Bpb,
    dir: u32,
    name: &str,
    free: &mut Option<(u32, u32)>,
) -> core::result::Result<Option<RawEntry>, Fail> {
    let ss = ssize(vfs) as usize;
    let mut lfn = [0u16; 260];
    let (mut lfn_sum, mut lfn_next, mut lfn_len) = (0u8, 0u8, 0usize);
    let mut sector = 0u32;
    let mut cluster = if dir == 0 && p.kind == FatKind::Fat32 {
        p.root_cluster
    } else {
        dir
    };
    let fixed_root = dir == 0 && p.kind != FatKind::Fat32;
    let mut guard = 0u32;
    loop {
        // The next sector of the directory.
        let s = if fixed_root {
            if sector >= p.root_sectors {
                return Ok(None);
            }
            p.root_start + sector
        } else {
            if sector > 0 && sector.is_multiple_of(p.spc) {
                match next_cluster(vfs, p, cluster)? {
                    Some(_) if guard >= p.clusters => {
                        // A chain longer than the volume loops: a corrupt directory
                        // (lamfat would then read it forever).
                        return Err(Errno::EIO.into());
                    }
                    Some(n) => cluster = n,
                    None => return Ok(None),
                }
                guard += 1;
            }
            if !(2..p.clusters + 2).contains(&cluster) {
                return Ok(None);
            }
            cluster_sector(p, cluster) + sector % p.spc
        };
        cache_load(vfs, s).map_err(|_| raw_err(vfs))?;
        for off in (0..ss).step_by(32) {
            let b = &cache(vfs)[off..off + 32];
            if b[0] == 0 || b[0] == 0xE5 {
                free.get_or_insert((s, off as u32));
            }
            if b[0] == 0 {
                return Ok(None);
            }
            if b[0] == 0xE5 {
                (lfn_next, lfn_len) = (0, 0);
                continue;
            }
            if b[11] == 0x0F {
                let order = b[0] & 0x1F;
                if b[0] & 0x40 != 0 {
                    (lfn_sum, lfn_len) = (b[13], usize::from(order) * 13);
                } else if order != lfn_next || b[13] != lfn_sum {
                    (lfn_next, lfn_len) = (0, 0);
                    continue;
                }
                if order == 0 || usize::from(order) * 13 > lfn.len() {
                    (lfn_next, lfn_len) = (0, 0);
                    continue;
                }
                let base = (usize::from(order) - 1) * 13;
                for (i, at) in [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30].iter().enumerate() {
                    lfn[base + i] = u16::from_le_bytes([b[*at], b[*at + 1]]);
                }
                lfn_next = order - 1;
                continue;
            }
            let had_lfn = lfn_next == 0 && lfn_len > 0;
            lfn_len = if had_lfn { lfn_len } else { 0 };
            let mut n11 = [0u8; 11];
            n11.copy_from_slice(&b[..11]);
            lfn_next = 0;
            if b[11] & 0x08 != 0 || b[0] == b'.' {
                lfn_len = 0;
                continue;
            }
            let lfn_ok = lfn_len > 0 && sfn_checksum(&n11) == lfn_sum;
            let matched = if lfn_ok {
                ucs2_name_eq(
                    lfn[..lfn_len].iter().copied().take_while(|&u| u != 0 && u != 0xFFFF),
                    name,
                )
            } else {
                false
            };
            lfn_len = 0;
            let matched = matched || sfn_matches(&n11, name);
            if matched {
                let mut e = [0u8; 32];
                e.copy_from_slice(b);
                return Ok(Some(RawEntry { at: (s, off as u32), e }));
            }
        }
        sector += 1;
    }
}

/// A short name ("NAME    EXT" on the volume) against a name, ASCII without case.
fn sfn_matches(n11: &[u8; 11], name: &str) -> bool {
    let base = &n11[..8];
    let ext = &n11[8..];
    let blen = base.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
    let elen = ext.iter().rposition(|&c| c != b' ').map_or(0, |i| i + 1);
    let nb = name.as_bytes();
    let (nbase, next) = if elen > 0 {
        if nb.len() != blen + 1 + elen || nb[blen] != b'.' {
            return false;
        }
        (&nb[..blen], &nb[blen + 1..])
    } else {
        (nb, &[][..])
    };
    let mut first = [base[0]];
    if first[0] == 0x05 {
        first[0] = 0xE5;
    }
    nbase.len() == blen
        && nbase[..1.min(blen)].eq_ignore_ascii_case(&first[..1.min(blen)])
        && nbase[1.min(blen)..].eq_ignore_ascii_case(&base[1.min(blen)..blen])
        && next.eq_ignore_ascii_case(&ext[..elen])
}

/// Walk a path by raw entries: the entry it names (None for the root), each component
/// but the last a directory (else ENOENT, oofatfs's FR_NO_PATH).
fn raw_walk(vfs: *mut VfsFat, comps: &[String]) -> core::result::Result<Option<RawEntry>, Fail> {
    let p = bpb(vfs)?;
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
            dir = entry_cluster(&p, &e.e);
            if !cluster_ok(&p, dir) {
                return Err(Errno::EIO.into());
            }
            if p.kind == FatKind::Fat32 && dir == p.root_cluster {
                dir = 0;
            }
        }
        found = Some(e);
    }
    Ok(found)
}

fn read_entry(vfs: *mut VfsFat, at: (u32, u32)) -> core::result::Result<[u8; 32], Fail> {
    cache_load(vfs, at.0).map_err(|_| raw_err(vfs))?;
    let mut e = [0u8; 32];
    e.copy_from_slice(&cache(vfs)[at.1 as usize..at.1 as usize + 32]);
    Ok(e)
}

fn write_entry(vfs: *mut VfsFat, at: (u32, u32), e: &[u8; 32]) -> core::result::Result<(), Fail> {
    cache_load(vfs, at.0).map_err(|_| raw_err(vfs))?;
    cache(vfs)[at.1 as usize..at.1 as usize + 32].copy_from_slice(e);
    mark_dirty(vfs);
    Ok(())
}

/// Bring FAT32's FSInfo free-cluster count up to date, as oofatfs's sync_fs does (lamfat
/// writes it only on unmount, and a VfsFat is never unmounted).  Written only when it
/// changed.
fn update_fsinfo(vfs: *mut VfsFat, fs: &'static Fs) -> core::result::Result<(), Fail> {
    if fs.fat_type() != fatfs::FatType::Fat32 {
        return Ok(());
    }
    let p = bpb(vfs)?;
    if p.fsinfo == 0 {
        return Ok(());
    }
    let free = fs.stats()?.free_clusters();
    cache_load(vfs, p.fsinfo).map_err(|_| raw_err(vfs))?;
    let b = cache(vfs);
    if le32(b, 0) != 0x4161_5252 || le32(b, 484) != 0x6141_7272 || le32(b, 488) == free {
        return Ok(());
    }
    b[488..492].copy_from_slice(&free.to_le_bytes());
    mark_dirty(vfs);
    Ok(())
}

/// Make a just-created entry what oofatfs would have written: the archive attribute on a
/// file, and for a name that fits 8.3 in one case per part, only the short entry with
/// the case flags, in the first free slot (lamfat always adds a long name; dropping it
/// keeps directories as dense as stock's, 512 names in a FAT12/16 root).  The entry may
/// move: no lamfat handle on it may be kept across this call.
fn fixup_new_entry(vfs: *mut VfsFat, comps: &[String]) -> core::result::Result<(), Fail> {
    let name = &comps[comps.len() - 1];
    let p = bpb(vfs)?;
    let parent = dir_cluster(vfs, &p, &comps[..comps.len() - 1])?;
    let Some(found) = raw_find(vfs, &p, parent, name)? else {
        return Err(Errno::EIO.into());
    };
    let mut n11 = [0u8; 11];
    n11.copy_from_slice(&found.e[..11]);
    let slots = Slots::of(vfs, &p, parent)?;
    let slot_at = |i: usize| slots.at(i);
    let i = slots.index(found.at)?;
    let mut ent = read_entry(vfs, slot_at(i))?;
    if ent[11] & 0x10 == 0 {
        ent[11] |= 0x20;
    }
    let plain = plain_short_name(name).filter(|(n, _)| *n == n11);
    if let Some((_, flags)) = plain {
        ent[12] = flags;
        let sum = sfn_checksum(&n11);
        let mut j = i;
        while j > 0 {
            let at = slot_at(j - 1);
            let mut l = read_entry(vfs, at)?;
            if l[0] == 0xE5 || l[11] != 0x0F || l[13] != sum {
                break;
            }
            l[0] = 0xE5;
            write_entry(vfs, at, &l)?;
            j -= 1;
        }
        // One slot is all it needs now: oofatfs would have put it in the first free one.
        let mut k = 0;
        while k < i {
            let e = read_entry(vfs, slot_at(k))?;
            if e[0] == 0xE5 || e[0] == 0 {
                break;
            }
            k += 1;
        }
        if k < i {
            write_entry(vfs, slot_at(k), &ent)?;
            let mut gone = ent;
            gone[0] = 0xE5;
            return write_entry(vfs, slot_at(i), &gone);
        }
    }
    write_entry(vfs, slot_at(i), &ent)
}

/// Write a new, empty file's short entry at `at` as oofatfs's f_open does: the name with
/// its case flags, the archive attribute, creation and modification times now, the rest
/// zero.
fn raw_new_file(vfs: *mut VfsFat, at: (u32, u32), n11: &[u8; 11], flags: u8) -> core::result::Result<RawEntry, Fail> {
    let mut e = [0u8; 32];
    e[..11].copy_from_slice(n11);
    e[11] = 0x20;
    e[12] = flags;
    let t = fattime(vfs).to_le_bytes();
    e[14..18].copy_from_slice(&t);
    e[22..26].copy_from_slice(&t);
    write_entry(vfs, at, &e)?;
    Ok(RawEntry { at, e })
}

/// Rename as oofatfs's f_rename: register the new entry (lamfat picks its slots and short
/// name while the old one still occupies its own), give it the old entry's attributes,
/// times, cluster and size, point a moved directory's ".." at its new parent, then
/// remove the old entry (emptied first, so that lamfat frees no cluster).
fn raw_rename(
    vfs: *mut VfsFat,
    (from, e): (&FatDir, &FatEntry),
    (a, to, b): (&[String], &FatDir, &[String]),
    same: bool,
) -> core::result::Result<(), Fail> {
    let p = bpb(vfs)?;
    let old_parent = dir_cluster(vfs, &p, &a[..a.len() - 1])?;
    let new_parent = dir_cluster(vfs, &p, &b[..b.len() - 1])?;
    let Some(found) = raw_find(vfs, &p, old_parent, &a[a.len() - 1])? else {
        return Err(Errno::ENOENT.into());
    };
    let (old_at, old) = (found.at, found.e);
    let mut old_name = [0u8; 11];
    old_name.copy_from_slice(&old[..11]);
    let new_name = &b[b.len() - 1];
    if same {
        // The new name matches the old entry (a change of case, or the same name): hide
        // the old one under a name nothing matches, keeping its slots taken, so that the
        // new entry goes where oofatfs puts it.
        let mut hidden = old;
        hidden[..11].copy_from_slice(b"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f");
        write_entry(vfs, old_at, &hidden)?;
    }
    create_in(vfs, to, b, false)?;
    // Settled in its final slot while the old entry still holds its own, as oofatfs.
    fixup_new_entry(vfs, b)?;
    let Some(created) = raw_find(vfs, &p, new_parent, new_name)? else {
        return Err(Errno::EIO.into());
    };
    let (new_at, mut new) = (created.at, created.e);
    // Everything after the name and its case flags: attributes at 11, then 13..32.
    new[11] = old[11];
    new[13..].copy_from_slice(&old[13..]);
    let is_dir = old[11] & 0x10 != 0;
    if !is_dir {
        new[11] |= 0x20;
    }
    write_entry(vfs, new_at, &new)?;
    if is_dir && old_parent != new_parent {
        let c = entry_cluster(&p, &old);
        if (2..p.clusters + 2).contains(&c) {
            let dotdot = (cluster_sector(&p, c), 32);
            let mut d = read_entry(vfs, dotdot)?;
            if &d[..2] == b".." {
                d[26..28].copy_from_slice(&(new_parent as u16).to_le_bytes());
                d[20..22].copy_from_slice(&((new_parent >> 16) as u16).to_le_bytes());
                write_entry(vfs, dotdot, &d)?;
            }
        }
    }
    if same {
        return raw_delete(vfs, &p, old_parent, old_at, &old_name);
    }
    let mut emptied = old;
    emptied[11] = 0x20;
    emptied[20..22].fill(0);
    emptied[26..32].fill(0);
    write_entry(vfs, old_at, &emptied)?;
    from.remove(&e.file_name())?;
    Ok(())
}

/// Mark the short entry at `at` and the long-name entries before it deleted (no cluster
/// is freed: they belong to the entry's new name).
fn raw_delete(vfs: *mut VfsFat, p: &Bpb, dir: u32, at: (u32, u32), name: &[u8; 11]) -> core::result::Result<(), Fail> {
    let slots = Slots::of(vfs, p, dir)?;
    let slot_at = |i: usize| slots.at(i);
    let i = slots.index(at)?;
    let sum = sfn_checksum(name);
    let mut j = i;
    loop {
        let mut ent = read_entry(vfs, slot_at(j))?;
        ent[0] = 0xE5;
        write_entry(vfs, slot_at(j), &ent)?;
        if j == 0 {
            break;
        }
        let prev = read_entry(vfs, slot_at(j - 1))?;
        if prev[0] == 0xE5 || prev[11] != 0x0F || prev[13] != sum {
            break;
        }
        j -= 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Paths.

/// A path resolved as oofatfs reads it.
struct FatPath {
    /// The absolute path's components, "." and ".." resolved.
    comps: Vec<String>,
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

/// The absolute path `path` names (joined to the current directory when relative),
/// normalised.  As oofatfs: '\\' separates too, a control character ends the path,
/// `* ? : " < > |` and DEL are invalid (EINVAL), trailing dots and spaces of a name go.
fn resolve(vfs: *mut VfsFat, path: Obj) -> Result<FatPath> {
    let p = path.str_bytes()?;
    if p.contains(&0) {
        return Err(Error::Value("embedded null byte"));
    }
    let p = &p[..p.iter().position(|&c| c < 0x20).unwrap_or(p.len())];
    if p.iter().any(|c| b"*?:\"<>|\x7f".contains(c)) {
        return Err(Errno::EINVAL.into());
    }
    let mut joined = Vec::new();
    joined.try_reserve(p.len() + 64).map_err(|_| Error::Os(Errno::ENOMEM))?;
    let is_sep = |c: &u8| *c == b'/' || *c == b'\\';
    if !p.first().is_some_and(is_sep) {
        // SAFETY: cur_dir is the str object this vfs keeps.
        joined.extend_from_slice(Obj(unsafe { (*vfs).cur_dir }).str_bytes()?);
    }
    joined.extend(p.iter().map(|&c| if c == b'\\' { b'/' } else { c }));
    if joined.first() != Some(&b'/') {
        joined.insert(0, b'/');
    }
    let last = p.rsplit(is_sep).next().unwrap_or(&[]);
    let trimmed = p.iter().rposition(|c| !is_sep(c)).map_or(0, |i| i + 1);
    let slash = trimmed > 0 && trimmed < p.len();
    let dot = last == b"." || last == b"..";
    let bare_root = p.is_empty() || p == b"/";
    let dot1 = last == b".";
    // SAFETY: cur_dir is the str object this vfs keeps.
    let cwd_is_root = Obj(unsafe { (*vfs).cur_dir }).str_bytes()?.len() <= 1;
    let has_name = p
        .split(is_sep)
        .any(|seg| !seg.is_empty() && seg != b"." && seg != b"..");
    let via_entry = dot && (has_name || (!p.first().is_some_and(is_sep) && !cwd_is_root));
    let norm = normalize_dir(&joined).ok_or(Error::Os(Errno::ENOMEM))?;
    let s = core::str::from_utf8(&norm).map_err(|_| Error::Os(Errno::EINVAL))?;
    let mut comps = Vec::new();
    for c in s.split('/').filter(|c| !c.is_empty()) {
        let c = c.trim_end_matches(['.', ' ']);
        // oofatfs's create_name: an empty name, or one longer than FF_MAX_LFN (255).
        if c.is_empty() || c.encode_utf16().count() > 255 {
            return Err(Errno::EINVAL.into());
        }
        let mut name = String::new();
        name.try_reserve(c.len()).map_err(|_| Error::Os(Errno::ENOMEM))?;
        name.push_str(c);
        comps.try_reserve(1).map_err(|_| Error::Os(Errno::ENOMEM))?;
        comps.push(name);
    }
    Ok(FatPath {
        comps,
        slash,
        dot,
        bare_root,
        via_entry,
        dot1,
    })
}

/// The components of a path for calls that accept any spelling of a directory.
fn components(vfs: *mut VfsFat, path: Obj) -> Result<Vec<String>> {
    Ok(resolve(vfs, path)?.comps)
}

/// For the calls that act on a named entry (stat, open, mkdir, remove, rmdir, rename):
/// what oofatfs says about the root, a path ending in '/', or one ending in a dot entry
/// (`dot_ok`: stat follows a dot entry to its directory).
fn entry_path_error(fs: &'static Fs, p: &FatPath, dot_ok: bool) -> core::result::Result<(), Fail> {
    if p.comps.is_empty() || p.bare_root {
        return Err(Errno::EINVAL.into());
    }
    if p.slash || p.dot {
        let is_dir = match lookup(fs, &p.comps) {
            Ok(Some((_, e))) => e.is_dir(),
            Err(Fail::Mp(Error::Exc(e))) => return Err(Fail::Mp(Error::Exc(e))),
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

/// A name for a new entry: EINVAL for one whose first character needs two UTF-16 units
/// (see `create_in`).
fn creatable(name: &str) -> core::result::Result<(), Fail> {
    if name.chars().next().is_some_and(|c| c.len_utf16() > 1) {
        return Err(Errno::EINVAL.into());
    }
    Ok(())
}

/// Create the entry `comps` names in its directory `dir` (an empty file, or a directory).
/// lamfat's short-name generator slices a name after its first byte, which panics when the
/// first character is not ASCII: such a name is created with an ASCII stand-in for its
/// first character (one the directory does not have), then the long name is patched to
/// the real one (its first character sits in the long-name entry just before the short
/// one).  The short name stays the generated one, which is valid FAT all the same.
fn create_in(vfs: *mut VfsFat, dir: &FatDir, comps: &[String], is_dir: bool) -> core::result::Result<(), Fail> {
    let name = &comps[comps.len() - 1];
    let create = |n: &str| -> core::result::Result<(), Fail> {
        if is_dir {
            drop(dir.create_dir(n).map_err(no_room)?);
        } else {
            drop(dir.create_file(n).map_err(no_room)?);
        }
        Ok(())
    };
    let Some(first) = name.chars().next().filter(|c| !c.is_ascii()) else {
        return create(name);
    };
    creatable(name)?;
    let rest = &name[first.len_utf8()..];
    let mut stand_in = None;
    for ph in ['_', '$', '~', '!', '#', '%', '&', '-', '@', '^'] {
        let mut t = String::new();
        t.try_reserve(rest.len() + 1).map_err(|_| Error::Os(Errno::ENOMEM))?;
        t.push(ph);
        t.push_str(rest);
        if find_in(dir, &t)?.is_none() {
            stand_in = Some(t);
            break;
        }
    }
    let Some(t) = stand_in else {
        return Err(Errno::EEXIST.into());
    };
    create(&t)?;
    let p = bpb(vfs)?;
    let parent = dir_cluster(vfs, &p, &comps[..comps.len() - 1])?;
    let Some(e) = raw_find(vfs, &p, parent, &t)? else {
        return Err(Errno::EIO.into());
    };
    let at = e.at;
    let slots = Slots::of(vfs, &p, parent)?;
    let slot_at = |i: usize| slots.at(i);
    let i = slots.index(at)?;
    if i == 0 {
        return Err(Errno::EIO.into());
    }
    let mut l = read_entry(vfs, slot_at(i - 1))?;
    if l[11] != 0x0F || l[0] & 0x1F != 1 {
        return Err(Errno::EIO.into());
    }
    let mut unit = [0u16; 1];
    first.encode_utf16(&mut unit);
    l[1..3].copy_from_slice(&unit[0].to_le_bytes());
    write_entry(vfs, slot_at(i - 1), &l)
}

/// Entries a directory can hold (FAT allows 65,536 slots); past that it loops.
const MAX_DIR_ENTRIES: usize = 65_536;

fn find_in(dir: &FatDir, name: &str) -> core::result::Result<Option<FatEntry>, FatError> {
    for (i, e) in dir.iter().enumerate() {
        if i >= MAX_DIR_ENTRIES {
            // A directory whose cluster chain loops without an end mark: lamfat would
            // read it forever (oofatfs gives up after 2 MB of entries too).
            return Err(fatfs::Error::CorruptedFileSystem);
        }
        let e = e?;
        let sfn = e.short_file_name_as_bytes();
        if sfn == b"." || sfn == b".." {
            continue;
        }
        if entry_matches(&e, sfn, name) {
            return Ok(Some(e));
        }
    }
    Ok(None)
}

/// An entry's long name, or its short one, is `name` but for case; no allocation.
fn entry_matches(e: &FatEntry, sfn: &[u8], name: &str) -> bool {
    if e.long_file_name_as_ucs2_units()
        .is_some_and(|lfn| ucs2_name_eq(lfn.iter().copied(), name))
    {
        return true;
    }
    // Short names are in the OEM code page: only ASCII ones can equal a str.
    name.is_ascii() && sfn.eq_ignore_ascii_case(name.as_bytes())
}

/// The directory holding the last component (every earlier one must be a directory:
/// else ENOENT, oofatfs's FR_NO_PATH), and the names as stored on the volume.
fn parent_of(fs: &'static Fs, comps: &[String], names: Option<&mut Vec<String>>) -> core::result::Result<FatDir, Fail> {
    // lamfat reads a directory from whatever first cluster its entry has: check the
    // directories on the way by their raw entries first (EIO for one off the volume).
    let parents = &comps[..comps.len().saturating_sub(1)];
    let vfs = vfs_of(fs);
    dir_cluster(vfs, &bpb(vfs)?, parents)?;
    let mut dir = fs.root_dir();
    let mut names = names;
    for c in parents {
        match find_in(&dir, c)? {
            Some(e) if e.is_dir() => {
                if let Some(n) = names.as_deref_mut() {
                    n.push(e.file_name());
                }
                dir = e.to_dir();
            }
            _ => return Err(Errno::ENOENT.into()),
        }
    }
    Ok(dir)
}

/// The filesystem object that holds `fs` (every Fs we use lives in its VfsFat's `fs`).
fn vfs_of(fs: &'static Fs) -> *mut VfsFat {
    // SAFETY: a container-of projection: fs points at the `fs` field of a live VfsFat.
    unsafe { (fs as *const Fs as *const u8).sub(core::mem::offset_of!(VfsFat, fs)) as *mut VfsFat }
}

/// The entry a path names: None for the root directory.
fn lookup(fs: &'static Fs, comps: &[String]) -> core::result::Result<Option<(FatDir, FatEntry)>, Fail> {
    let Some(last) = comps.last() else {
        return Ok(None);
    };
    let dir = parent_of(fs, comps, None)?;
    match find_in(&dir, last)? {
        Some(e) => Ok(Some((dir, e))),
        None => Err(Errno::ENOENT.into()),
    }
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
    let ss = bdev.ioctl(blockdev::IOCTL_BLOCK_SIZE, 0)?;
    let ss = if ss.is_none() { 512 } else { ss.get_int()? };
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
        (*vfs).cur_dir = Obj::from_qstr(qstr!(MP_QSTR__slash_)).0;
    }
    Ok(vfs)
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
    let ss = bdev.ioctl(blockdev::IOCTL_BLOCK_SIZE, 0)?;
    let ss = if ss.is_none() { 512 } else { ss.get_int()? };
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
    with_fs(vfs, |fs| {
        check_writable(vfs)?;
        if p.comps.is_empty() || p.bare_root || (p.dot && !p.slash) {
            // The root or a dot entry: something already there (FR_EXIST).
            return Err(Errno::EEXIST.into());
        }
        entry_path_error(fs, &p, false)?;
        let name = &p.comps[p.comps.len() - 1];
        let dir = parent_of(fs, &p.comps, None)?;
        if find_in(&dir, name)?.is_some() {
            return Err(Errno::EEXIST.into());
        }
        creatable(name)?;
        create_in(vfs, &dir, &p.comps, true)?;
        fixup_new_entry(vfs, &p.comps)
    })?;
    sync_dev(vfs)
}

/// No cluster or directory slot for a new entry: oofatfs's FR_DENIED (EACCES).
fn no_room(e: FatError) -> Fail {
    match e {
        fatfs::Error::NotEnoughSpace | fatfs::Error::WriteZero => Errno::EACCES.into(),
        e => e.into(),
    }
}

/// The end of a call that changed the volume, as oofatfs's sync_fs: FSInfo up to date,
/// the cached sector written, then the device's sync.
fn sync_dev(vfs: *mut VfsFat) -> Result<Obj> {
    with_fs(vfs, |fs| update_fsinfo(vfs, fs))?;
    // SAFETY: a field of a live object.
    unsafe { (*vfs).bdev.ioctl(blockdev::IOCTL_SYNC, 0)? };
    Ok(Obj::NONE)
}

fn same_path(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| name_eq(x, y))
}

fn cwd_components(vfs: *mut VfsFat) -> Result<Vec<String>> {
    // SAFETY: cur_dir is the str object this vfs keeps.
    let cwd = Obj(unsafe { (*vfs).cur_dir });
    components(vfs, cwd)
}

/// remove (want_dir false) and rmdir (true), as stock: stat, check the kind, unlink.
fn remove(vfs: *mut VfsFat, path: Obj, want_dir: bool) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    let cwd = cwd_components(vfs)?;
    with_fs(vfs, |fs| {
        entry_path_error(fs, &p, false)?;
        let Some(r) = raw_walk(vfs, &p.comps)? else {
            return Err(Errno::EINVAL.into());
        };
        if r.is_dir() != want_dir {
            return Err(if want_dir { Errno::ENOTDIR } else { Errno::EISDIR }.into());
        }
        check_writable(vfs)?;
        if want_dir && same_path(&p.comps, &cwd) {
            // oofatfs refuses to remove its current directory.
            return Err(Errno::EACCES.into());
        }
        remove_entry_first(vfs, fs, &p.comps, r)
    })?;
    sync_dev(vfs)
}

/// Remove an entry as oofatfs does, in the order that survives a power cut: the
/// directory entry goes first (on the volume), then its clusters are freed (lamfat frees
/// them first, so a cut between left an entry pointing at free clusters, which the next
/// file allocated would share).  The clusters are freed through a lamfat File of the
/// entry, taken before the entry went and then forgotten (it must not write it back).
fn remove_entry_first(
    vfs: *mut VfsFat,
    fs: &'static Fs,
    comps: &[String],
    r: RawEntry,
) -> core::result::Result<(), Fail> {
    let p = bpb(vfs)?;
    let parent = dir_cluster(vfs, &p, &comps[..comps.len() - 1])?;
    let mut n11 = [0u8; 11];
    n11.copy_from_slice(&r.e[..11]);
    let first = entry_cluster(&p, &r.e);
    if !r.is_dir() && !cluster_ok(&p, first) {
        // A chain that starts off the volume is not followed (lamfat would write the
        // FAT's reserved entries): only the entry goes, and stock says nothing either.
        return raw_delete(vfs, &p, parent, r.at, &n11);
    }
    if r.is_dir() {
        if !raw_dir_empty(vfs, &p, first)? {
            return Err(Errno::EACCES.into());
        }
        // Seen as a file for a moment (in the cache only), so that a File can free its
        // clusters; the deletion below rewrites the same entry.
        let mut ent = r.e;
        ent[11] = 0x20;
        write_entry(vfs, r.at, &ent)?;
    }
    let dir = parent_of(fs, comps, None)?;
    let Some(fe) = find_in(&dir, &comps[comps.len() - 1])?.filter(|x| !x.is_dir()) else {
        return Err(Errno::EIO.into());
    };
    let mut file = fe.to_file();
    raw_delete(vfs, &p, parent, r.at, &n11)?;
    cache_flush(vfs).map_err(|_| raw_err(vfs))?;
    let freed = file.truncate();
    // The File still describes the deleted entry: dropping it would write it back.
    core::mem::forget(file);
    freed?;
    Ok(())
}

/// A directory (first cluster `c`) holds nothing but its dot entries.
fn raw_dir_empty(vfs: *mut VfsFat, p: &Bpb, c: u32) -> core::result::Result<bool, Fail> {
    if !(2..p.clusters + 2).contains(&c) {
        // Not a directory we can read: refuse to remove it, as if not empty.
        return Ok(false);
    }
    for s in dir_sectors(vfs, p, c)? {
        cache_load(vfs, s).map_err(|_| raw_err(vfs))?;
        for e in cache(vfs).chunks(32) {
            if e[0] == 0 {
                return Ok(true);
            }
            if e[0] == 0xE5 || e[11] == 0x0F || e[11] & 0x08 != 0 || e[0] == b'.' {
                continue;
            }
            return Ok(false);
        }
    }
    Ok(true)
}

fn rename(vfs: *mut VfsFat, old: Obj, new: Obj) -> Result<Obj> {
    let (pa, pb) = (resolve(vfs, old)?, resolve(vfs, new)?);
    let cwd = cwd_components(vfs)?;
    with_fs(vfs, |fs| {
        check_writable(vfs)?;
        entry_path_error(fs, &pa, false)?;
        let (a, b) = (&pa.comps, &pb.comps);
        let Some((from, e)) = lookup(fs, a)? else {
            return Err(Errno::EINVAL.into());
        };
        if pb.dot && !pb.slash {
            // A dot entry names an existing directory: stock's retry after FR_EXIST
            // finds a directory (EISDIR).
            if b.is_empty() && pb.dot1 && !pb.via_entry {
                return Err(Errno::EINVAL.into());
            }
            let is_dir = b.is_empty() || matches!(lookup(fs, b)?, Some((_, ref e)) if e.is_dir());
            return Err(if is_dir { Errno::EISDIR } else { Errno::ENOENT }.into());
        }
        entry_path_error(fs, &pb, false)?;
        let new_name = &b[b.len() - 1];
        let to = parent_of(fs, b, None)?;
        let mut same = false;
        if let Some(t) = find_in(&to, new_name)? {
            let same_dir = same_path(&a[..a.len() - 1], &b[..b.len() - 1]);
            same = same_dir && t.short_file_name_as_bytes() == e.short_file_name_as_bytes();
        }
        if let Some(t) = find_in(&to, new_name)?.filter(|_| !same) {
            // Stock replaces an existing file, and refuses a directory (EISDIR).
            if t.is_dir() {
                return Err(Errno::EISDIR.into());
            }
            if e.is_dir() && b.len() > a.len() && same_path(a, &b[..a.len()]) {
                return Err(Errno::EINVAL.into());
            }
            to.remove(&t.file_name())?;
        }
        if e.is_dir() && b.len() > a.len() && same_path(a, &b[..a.len()]) {
            // Into itself: refuse rather than orphan the tree (stock detaches it).
            return Err(Errno::EINVAL.into());
        }
        creatable(new_name)?;
        raw_rename(vfs, (&from, &e), (a, &to, b), same)
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
    sync_dev(vfs)
}

fn chdir(vfs: *mut VfsFat, path: Obj) -> Result<Obj> {
    let p = resolve(vfs, path)?;
    let comps = p.comps;
    let names = with_fs(vfs, |fs| {
        if p.slash {
            // oofatfs: a trailing '/' leaves no name to follow (EINVAL for a directory).
            return Err(match lookup(fs, &comps)? {
                Some((_, e)) if e.is_dir() => Errno::EINVAL.into(),
                _ => Errno::ENOENT.into(),
            });
        }
        let mut names = Vec::new();
        let dir = parent_of(fs, &comps, Some(&mut names))?;
        if let Some(last) = comps.last() {
            match find_in(&dir, last)? {
                Some(e) if e.is_dir() => names.push(e.file_name()),
                _ => return Err(Errno::ENOENT.into()),
            }
        }
        Ok(names)
    })?;
    let mut cwd = Vec::new();
    cwd.push(b'/');
    for n in &names {
        cwd.extend_from_slice(n.as_bytes());
        cwd.push(b'/');
    }
    let cwd = Obj::new_str(&cwd)?;
    // SAFETY: self of the method; the new str is kept by the object from now on.
    unsafe { (*vfs).cur_dir = cwd.0 };
    Ok(Obj::NONE)
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
        with_fs(vfs, |fs| {
            entry_path_error(fs, &p, true)?;
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
        // A directory's size reads as 0, whatever the entry holds.
        Some((d, size, fd, ft)) => (d, if d { 0 } else { size }, fd, ft),
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
    let st = with_fs(vfs, |fs| Ok(fs.stats()?))?;
    let bsize = Obj::from_uint(u64::from(st.cluster_size()))?;
    let free = Obj::from_uint(u64::from(st.free_clusters()))?;
    let zero = Obj::from_int(0)?;
    Obj::new_tuple(&[
        bsize,
        bsize,
        Obj::from_uint(u64::from(st.total_clusters()))?,
        free,
        free,
        zero,
        zero,
        zero,
        zero,
        Obj::from_int(255)?,
    ])
}

fn import_stat(vfs: *mut VfsFat, path: &[u8]) -> ffi::mp_import_stat_t {
    let r = Obj::new_str(path)
        .and_then(|p| components(vfs, p))
        .and_then(|c| with_fs(vfs, |_| Ok(raw_walk(vfs, &c)?.map(|e| e.is_dir()))));
    (match r {
        Ok(Some(false)) => ffi::RUSTOS_IMPORT_STAT_FILE,
        Ok(_) => ffi::RUSTOS_IMPORT_STAT_DIR,
        Err(_) => ffi::RUSTOS_IMPORT_STAT_NO_EXIST,
    }) as ffi::mp_import_stat_t
}

fn ilistdir(vfs: *mut VfsFat, path: Option<Obj>) -> Result<Obj> {
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
    let comps = p.comps;
    let iter = with_fs(vfs, |fs| {
        if p.slash {
            // As chdir: oofatfs finds no name after a trailing '/'.
            return Err(match lookup(fs, &comps)? {
                Some((_, e)) if e.is_dir() => Errno::EINVAL.into(),
                _ => Errno::ENOENT.into(),
            });
        }
        Ok(match lookup(fs, &comps)? {
            None => fs.root_dir().iter(),
            Some((_, e)) if e.is_dir() => {
                dir_cluster(vfs, &bpb(vfs)?, &comps)?;
                e.to_dir().iter()
            }
            // oofatfs's f_opendir on a file: FR_NO_PATH.
            Some(_) => return Err(Errno::ENOENT.into()),
        })
    })?;
    // SAFETY: d is the fresh iterator object; the DirIter borrows the filesystem that
    // the `vfs` field keeps alive.
    unsafe {
        (*d).is_str = is_str;
        (*d).iter = MaybeUninit::new(iter);
        (*d).vfs = vfs;
    }
    Ok(it)
}

/// An entry's name in a listing, as oofatfs's get_fileinfo makes it: the long name when
/// it is valid UTF-16 (a lone surrogate makes it invalid), else the short name with the
/// spaces left out, cut at a NUL (oofatfs's names are C strings) and its bytes unconverted
/// (so that a name that is not UTF-8 raises UnicodeError, as stock).  A long name that is
/// invalid falls back to the short name without its case flags (lamfat keeps those
/// private), which only matters for an entry that has both.
fn listed_name(e: &FatEntry) -> Vec<u8> {
    if let Some(units) = e.long_file_name_as_ucs2_units() {
        let units = units.iter().copied().take_while(|&u| u != 0);
        if let Ok(s) = char::decode_utf16(units).collect::<core::result::Result<String, _>>() {
            return s.into_bytes();
        }
        return sfn_listed(e.short_file_name_as_bytes().iter().copied());
    }
    // file_name() applies the case flags; RawOem made each char one byte.
    sfn_listed(e.file_name().chars().map(|c| c as u32 as u8))
}

/// lamfat's "BASE.EXT" (trailing spaces of each part trimmed) as oofatfs lists it.
fn sfn_listed(bytes: impl Iterator<Item = u8>) -> Vec<u8> {
    let mut v: Vec<u8> = bytes.collect();
    // oofatfs puts the dot in only when the extension's first byte is not a space.
    if let Some(i) = v.iter().rposition(|&b| b == b'.') {
        if v.get(i + 1) == Some(&b' ') {
            v.remove(i);
        }
    }
    v.into_iter().take_while(|&b| b != 0).filter(|&b| b != b' ').collect()
}

fn dir_next(d: *mut DirIt) -> Result<Obj> {
    // SAFETY: `d` is one of our directory iterators.
    let vfs = unsafe { (*d).vfs };
    if vfs.is_null() {
        return Ok(Obj::STOP_ITERATION);
    }
    let next = with_fs(vfs, |_| {
        // SAFETY: the iterator was initialised when vfs was set.
        let iter = unsafe { (*addr_of_mut!((*d).iter)).assume_init_mut() };
        for e in iter.by_ref() {
            // SAFETY: our iterator's counter.
            let count = unsafe { &mut (*d).count };
            *count += 1;
            if *count > MAX_DIR_ENTRIES {
                return Err(Fail::Fat(fatfs::Error::CorruptedFileSystem));
            }
            let e = e?;
            let n = listed_name(&e);
            if n != b"." && n != b".." {
                return Ok(Some((n, e.is_dir(), e.len())));
            }
        }
        Ok(None)
    });
    let (name, is_dir, size) = match next {
        Ok(Some(v)) => v,
        Err(Error::Exc(e)) => return Err(Error::Exc(e)),
        // The end, or an error: stock stops the listing either way.
        _ => {
            // SAFETY: finished: forget the filesystem (nothing to release).
            unsafe { (*d).vfs = core::ptr::null_mut() };
            return Ok(Obj::STOP_ITERATION);
        }
    };
    // SAFETY: reading our iterator's flag.
    let name = if unsafe { (*d).is_str } {
        Obj::new_str(&name)?
    } else {
        Obj::new_bytes(&name)?
    };
    let mode = if is_dir {
        ffi::RUSTOS_S_IFDIR
    } else {
        ffi::RUSTOS_S_IFREG
    };
    Obj::new_tuple(&[
        name,
        Obj::from_int(mode as isize)?,
        Obj::from_int(0)?,
        Obj::from_uint(size)?,
    ])
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
    let (file, at, name11, flags, size, bad) = with_fs_opt(vfs, false, |fs| {
        if m.write {
            check_writable(vfs)?;
        }
        entry_path_error(fs, &p, false)?;
        let comps = &p.comps;
        let name = &comps[comps.len() - 1];
        let dir = parent_of(fs, comps, None)?;
        let bp = bpb(vfs)?;
        let parent = dir_cluster(vfs, &bp, &comps[..comps.len() - 1])?;
        let mut free = None;
        let found = raw_find_free(vfs, &bp, parent, name, &mut free)?;
        let r = match found {
            Some(ref r) if r.is_dir() => {
                return Err(if m.create { Errno::EACCES } else { Errno::ENOENT }.into());
            }
            Some(_) if m.exclusive => return Err(Errno::EEXIST.into()),
            Some(r) => r,
            None if m.create => {
                creatable(name)?;
                match (plain_short_name(name), free) {
                    // An 8.3 name in one case per part, with a free slot in the directory
                    // as it is: the entry oofatfs writes, written straight into that slot
                    // (lamfat would scan the directory three more times).
                    (Some((n11, flags)), Some(at)) => raw_new_file(vfs, at, &n11, flags)?,
                    _ => {
                        create_in(vfs, &dir, comps, false)?;
                        fixup_new_entry(vfs, comps)?;
                        raw_find(vfs, &bp, parent, name)?.ok_or(Fail::Mp(Errno::EIO.into()))?
                    }
                }
            }
            None => return Err(Errno::ENOENT.into()),
        };
        let mut file = match find_in(&dir, name)? {
            Some(e) if !e.is_dir() => e.to_file(),
            _ => return Err(Errno::EIO.into()),
        };
        let at = r.at;
        let mut name11 = [0u8; 11];
        name11.copy_from_slice(&r.e[..11]);
        let flags = r.e[12];
        // A size larger than the whole volume can only come with a looping cluster chain:
        // reading it would go round that loop for up to 4 GiB.
        let size = u64::from(u32::from_le_bytes([r.e[28], r.e[29], r.e[30], r.e[31]]));
        if size > u64::from(bp.clusters) * u64::from(bp.spc) * u64::from(ssize(vfs)) {
            return Err(Errno::EIO.into());
        }
        // A first cluster off the volume: truncating would free "cluster 1" (the FAT's
        // own reserved entry), reading would read before the data area.  oofatfs opens
        // it and fails each read or write (FR_INT_ERR); a truncating open fails.
        let bad = !cluster_ok(&bp, entry_cluster(&bp, &r.e));
        if bad && m.truncate {
            return Err(Errno::EIO.into());
        }
        if m.truncate {
            // As oofatfs's f_open: the entry loses its clusters on the volume first, then
            // they are freed, so a power cut between the two leaks clusters rather than
            // leave an entry pointing at free ones (which a later file would share).
            let mut ent = read_entry(vfs, at)?;
            if ent[20..22] != [0, 0] || ent[26..32] != [0; 6] {
                ent[20..22].fill(0);
                ent[26..32].fill(0);
                write_entry(vfs, at, &ent)?;
                cache_flush(vfs).map_err(|_| raw_err(vfs))?;
            }
            file.truncate()?;
            file.flush()?;
        }
        if m.append {
            file.seek(SeekFrom::End(0))?;
        }
        let size = if m.truncate { 0 } else { size as u32 };
        Ok((file, at, name11, flags, size, bad))
    })?;
    // SAFETY: f is our fresh file object; the File borrows the filesystem that the
    // `vfs` field keeps alive.
    unsafe {
        (*f).file = MaybeUninit::new(file);
        // As oofatfs: no 'r' or '+' in the mode, no reading ("" or "b" open, then EACCES).
        (*f).flags =
            if m.read { F_READABLE } else { 0 } | if m.write { F_WRITABLE } else { 0 } | if bad { F_BAD } else { 0 };
        (*f).entry_sector = at.0;
        (*f).entry_off = at.1 as u16;
        (*f).name11 = name11;
        (*f).case_flags = flags;
        (*f).size = size;
        (*f).vfs = vfs;
    }
    Ok(o)
}

/// A write took the file to `pos`: its size is at least that now.
fn grow(f: *mut File, pos: u64) {
    // SAFETY: a field of our open file object.
    unsafe { (*f).size = (*f).size.max(pos.min(u64::from(u32::MAX)) as u32) };
}

/// The open file's entry is still its own (not removed or renamed since it was opened).
fn entry_intact(vfs: *mut VfsFat, f: *mut File) -> core::result::Result<bool, Fail> {
    // SAFETY: fields of our open file object.
    let (at, name) = (entry_at(f), unsafe { (*f).name11 });
    let e = read_entry(vfs, at)?;
    Ok(e[0] != 0xE5 && e[0] != 0 && e[..11] == name)
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

fn file_of(f: *mut File) -> &'static mut FatFile {
    // SAFETY: an open file object's File is initialised; only used under the fs lock.
    unsafe { (*addr_of_mut!((*f).file)).assume_init_mut() }
}

fn file_read(o: ffi::mp_obj_t, buf: *mut c_void, size: usize) -> Result<Io> {
    let Some((f, vfs)) = open_file(o) else {
        return Ok(einval());
    };
    if !has(f, F_READABLE) {
        return Ok(Io::Errno(errno_number(Errno::EACCES)));
    }
    if has(f, F_BAD) {
        return Ok(Io::Errno(errno_number(Errno::EIO)));
    }
    io_result(with_fs(vfs, |_| {
        // SAFETY: the stream layer hands us `size` writable bytes.
        let out = unsafe { core::slice::from_raw_parts_mut(buf as *mut u8, size) };
        // Fill the buffer as f_read does: lamfat stops at sector and cluster boundaries,
        // and a short read means the end of the file to MicroPython's import reader.
        let file = file_of(f);
        let mut done = 0;
        while done < out.len() {
            match file.read(&mut out[done..])? {
                0 => {
                    // The end of the chain or of the file: before the size, the chain is
                    // short (a corrupt volume), FR_INT_ERR to oofatfs.
                    // SAFETY: a field of our open file object.
                    if file.seek(SeekFrom::Current(0))? < u64::from(unsafe { (*f).size }) {
                        return Err(Errno::EIO.into());
                    }
                    break;
                }
                n => done += n,
            }
        }
        Ok(done)
    }))
}

fn file_write(o: ffi::mp_obj_t, buf: *const c_void, size: usize) -> Result<Io> {
    let Some((f, vfs)) = open_file(o) else {
        return Ok(einval());
    };
    if !has(f, F_WRITABLE) {
        return Ok(Io::Errno(errno_number(Errno::EACCES)));
    }
    if has(f, F_BAD) {
        return Ok(Io::Errno(errno_number(Errno::EIO)));
    }
    // The written sector stays in the cache (as in oofatfs's window) until another
    // sector is needed, the file is flushed or closed, or the volume synced: a stream of
    // small writes then costs one device write per sector, not one per call.
    io_result(with_fs_opt(vfs, false, |_| {
        // SAFETY: the stream layer hands us `size` readable bytes.
        let data = unsafe { core::slice::from_raw_parts(buf as *const u8, size) };
        let file = file_of(f);
        let mut done = 0;
        // SAFETY: fields of our live objects, under the filesystem's lock.
        unsafe {
            (*vfs).lazy_time = true;
            (*f).flags |= F_MODIFIED;
        }
        let r = (|| {
            while done < data.len() {
                match file.write(&data[done..]) {
                    Ok(0) => break,
                    Ok(n) => done += n,
                    Err(fatfs::Error::NotEnoughSpace) if done > 0 => break,
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        })();
        // SAFETY: as above.
        unsafe { (*vfs).lazy_time = false };
        r?;
        grow(f, file.seek(SeekFrom::Current(0))?);
        if done < data.len() {
            // What stock reports for a short write: the disk is full.
            return Err(Errno::ENOSPC.into());
        }
        Ok(done)
    }))
}

fn file_flush(f: *mut File, vfs: *mut VfsFat) -> Result<Io> {
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
        return io_result(with_fs_locked(vfs, true, |_| flush_file_entry(vfs, f)));
    }
    let r = io_result(with_fs(vfs, |_| flush_file_entry(vfs, f)))?;
    if let Io::Errno(e) = r {
        return Ok(Io::Errno(e));
    }
    sync_dev(vfs)?;
    Ok(Io::Done(0))
}

/// Write an open file's data and entry back (its entry if still its own).
fn flush_file_entry(vfs: *mut VfsFat, f: *mut File) -> core::result::Result<usize, Fail> {
    {
        if entry_intact(vfs, f)? {
            file_of(f).flush()?;
            // lamfat wrote the whole entry from its copy: put back what oofatfs keeps
            // there (the archive attribute, the name's case flags).
            // SAFETY: fields of our open file object.
            let (at, flags, modified) = (entry_at(f), unsafe { (*f).case_flags }, has(f, F_MODIFIED));
            let mut e = read_entry(vfs, at)?;
            let mtime = if modified {
                fattime(vfs).to_le_bytes()
            } else {
                [e[22], e[23], e[24], e[25]]
            };
            if e[11] & 0x20 == 0 || e[12] != flags || e[22..26] != mtime {
                e[11] |= 0x20;
                e[12] = flags;
                e[22..26].copy_from_slice(&mtime);
                write_entry(vfs, at, &e)?;
            }
            set_flag(f, F_MODIFIED, false);
        }
        Ok(0)
    }
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
            // SAFETY: closed from now on, whatever the flush said (the File holds nothing
            // to release).
            unsafe { (*f).vfs = core::ptr::null_mut() };
            r
        }
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
            // mp_off_t is i64 on unix and narrower on some ports.
            #[allow(clippy::useless_conversion)]
            let (off, whence) = (i64::from(s.offset), s.whence);
            let writable = has(f, F_WRITABLE);
            let pos = with_fs(vfs, |_| {
                let file = file_of(f);
                let here = file.seek(SeekFrom::Current(0))? as i64;
                let size = file.seek(SeekFrom::End(0))? as i64;
                let target = match whence {
                    0 => off,
                    1 => here.saturating_add(off),
                    _ => size.saturating_add(off),
                };
                // oofatfs takes the position as an unsigned 32-bit number: a negative one
                // is huge, so it lands at the end (we do not try to grow to 4 GiB).
                let target = if target < 0 { size } else { target.min(u32::MAX as i64) };
                if target > size && writable {
                    // f_lseek in a writable file grows it; the gap reads as zeros here.
                    let zeros = [0u8; 64];
                    let mut at = size;
                    while at < target {
                        let n = ((target - at) as usize).min(zeros.len());
                        match file.write(&zeros[..n]) {
                            Ok(0) | Err(fatfs::Error::NotEnoughSpace) => break,
                            Ok(w) => at += w as i64,
                            Err(e) => return Err(e.into()),
                        }
                    }
                    grow(f, at as u64);
                    return Ok(at as u64);
                }
                Ok(file.seek(SeekFrom::Start(target.min(size) as u64))?)
            });
            match io_result(pos.map(|p| p as usize))? {
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
            return Err(Error::Type("function doesn't take keyword arguments"));
        }
        if n_args != 1 {
            return Err(Error::Type("function takes 1 positional arguments"));
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
    // Stock keeps the volume mounted internally so the object stays usable; we also
    // write back a sector still in the cache (files written and not yet closed).
    entry(|| {
        let vfs = s as *mut VfsFat;
        let _g = lock(vfs)?;
        cache_flush(vfs).map_err(|_| take_io_error(vfs))?;
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_fat_open(s: ffi::mp_obj_t, path: ffi::mp_obj_t, mode: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| open(s as _, Obj(path), Obj(mode)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_ilistdir(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let args = mp::args(n, args);
        let s = args.first().ok_or(Error::Type("ilistdir needs self"))?.0;
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
    entry(|| dir_next(it as _))
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
pub extern "C" fn rustos_fat_file_read(o: ffi::mp_obj_t, buf: *mut c_void, size: ffi::mp_uint_t) -> ffi::rustos_io_t {
    io_entry(|| file_read(o, buf, size as usize))
}

#[no_mangle]
pub extern "C" fn rustos_fat_file_write(
    o: ffi::mp_obj_t,
    buf: *const c_void,
    size: ffi::mp_uint_t,
) -> ffi::rustos_io_t {
    io_entry(|| file_write(o, buf, size as usize))
}

#[no_mangle]
pub extern "C" fn rustos_fat_file_ioctl(o: ffi::mp_obj_t, request: ffi::mp_uint_t, arg: usize) -> ffi::rustos_io_t {
    io_entry(|| file_ioctl(o, request as u32, arg))
}

/// os.sync() on a mounted filesystem: true if it was one of ours (then synced).
pub fn sync_if_fat(o: Obj) -> Result<bool> {
    // SAFETY: a non-raising C helper comparing the object's type.
    if !unsafe { ffi::rustos_obj_is_type(o.0, &raw const ffi::rustos_type_fat) } {
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
