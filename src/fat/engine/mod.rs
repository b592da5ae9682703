//! The FAT engine: FAT12/16/32 over a block device, knowing nothing of MicroPython.
//!
//! It follows oofatfs (MicroPython's FatFs, lib/oofatfs/ff.c) step by step where the result
//! is visible on the volume: the same cluster picked for each allocation (`create_chain`),
//! the same slots for each new entry (`dir_alloc`), the same short names for long ones
//! (`gen_numname`), the same order of writes.  A card written by stock and by this engine
//! holds the same bytes.
//!
//! State: a [`Volume`] holds everything that outlives a call (geometry, the cache's
//! bookkeeping, the free count) by value, so that a binding can keep it inside its own
//! object; the cache's sector buffers are lent per call.  A call runs on an [`Fs`], which
//! borrows the volume, the device, the clock and the buffers for its duration.
//! [`OwnedFs`] owns all four, for hosts and tests.
#![forbid(unsafe_code)]

mod boot;
mod cache;
mod dir;
mod file;
mod host;
mod ops;
mod path;
mod table;

pub use boot::Bpb;
pub use dir::{listed_name, Cursor, LfnBuf, NameBuf, SHORT_NAME};
pub use file::{FileState, F_BAD, F_MODIFIED, F_READABLE, F_WRITABLE};
pub use host::Listed;
pub use ops::{cwd_after_rename, Mode, StatInfo};
pub use path::{resolve, FatPath};

use crate::errno::Errno;
use alloc::vec::Vec;

/// How a block-device call failed.  The engine needs to tell them apart: an error code is
/// EIO to the caller, a write refused by a read-only device is EROFS, and an exception
/// (which the device keeps, to be raised by whoever called the engine) is re-raised; after
/// a failed multi-cluster write, a device that failed with an error code or an OSError is
/// tried again cluster by cluster, one that raised anything else (an interrupt) is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceError {
    /// An error code (or a range the device does not have).
    Failed,
    /// A write refused because the device (or the mount) is read-only.
    ReadOnly,
    /// The device raised an OSError.
    RaisedOsError,
    /// The device raised something else.
    Raised,
}

/// A block device of `sector_size`-byte sectors (set when the volume is made): reads and
/// writes of several sectors in one call, `buf.len()` a multiple of the sector size.
pub trait BlockDevice {
    /// The port's largest sector size (FatFs's FF_MAX_SS).  Above 512 the device's own
    /// block size is the sector size, and sectors in clusters that follow each other go to
    /// it in one call; at 512 the sector size is fixed whatever the device's blocks are,
    /// and one call of several sectors would reach other bytes on one with larger blocks
    /// than as many calls of one: stock then calls once a cluster.
    const MAX_SS: usize;
    fn read(&mut self, sector: u32, buf: &mut [u8]) -> core::result::Result<(), DeviceError>;
    fn write(&mut self, sector: u32, buf: &[u8]) -> core::result::Result<(), DeviceError>;
    /// The engine goes on after a failure it will not report (a multi-cluster write
    /// retried cluster by cluster): forget an exception kept from it.
    fn discard_exception(&mut self) {}
    /// Writes are refused (no write method, or a read-only mount): EROFS up front.
    fn read_only(&self) -> bool {
        false
    }
}

impl<T: BlockDevice> BlockDevice for &mut T {
    const MAX_SS: usize = T::MAX_SS;
    fn read(&mut self, sector: u32, buf: &mut [u8]) -> core::result::Result<(), DeviceError> {
        (**self).read(sector, buf)
    }
    fn write(&mut self, sector: u32, buf: &[u8]) -> core::result::Result<(), DeviceError> {
        (**self).write(sector, buf)
    }
    fn discard_exception(&mut self) {
        (**self).discard_exception()
    }
    fn read_only(&self) -> bool {
        (**self).read_only()
    }
}

/// The time entries are stamped with, in FAT's packed format (FatFs's get_fattime).
pub trait Clock {
    fn fattime(&self) -> u32;
}

impl<T: Clock> Clock for &T {
    fn fattime(&self) -> u32 {
        (**self).fattime()
    }
}

/// An engine error: an errno, or `Device`: the device raised an exception, which it
/// keeps.  One byte (`Device` takes a value Errno does not use), so that a Result of a
/// word and an Error is a pair of scalars (two registers, not memory, on Cortex-M).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Os(Errno),
    Device,
}

const _: () = assert!(core::mem::size_of::<Error>() == 1);

impl From<Errno> for Error {
    fn from(e: Errno) -> Self {
        Error::Os(e)
    }
}

impl Error {
    /// The errno, None for `Device`.
    pub fn errno(self) -> Option<Errno> {
        match self {
            Error::Os(e) => Some(e),
            Error::Device => None,
        }
    }
}

pub type Result<T> = core::result::Result<T, Error>;

pub(crate) fn eio() -> Error {
    Error::Os(Errno::EIO)
}

/// Slots in the sector cache: two, so that scanning a directory does not evict the one
/// sector being changed (a clean slot is always the one reused).  oofatfs has one, its
/// window: the second keeps a directory sector while the FAT is changed, and the other way
/// round.
pub const SLOTS: usize = 2;

/// Bytes of cache buffers a volume of `sector_size` needs.
pub const fn buffer_len(sector_size: usize) -> usize {
    SLOTS * sector_size
}

/// What the device did wrong in the current call (reset when a call begins).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Fault {
    #[default]
    None,
    /// The last failure was an error code.
    Failed,
    /// The last failure was a write refused for want of a write method.
    ReadOnly,
    /// An exception was raised (the first one is what the device keeps).
    RaisedOsError,
    Raised,
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
    /// The entry found for `nent` slots, or the end marker where the search goes on.
    at: Cursor,
    found: bool,
    /// Free slots in a row just before `at` (when not found).
    run: u32,
}

const NO_SECTOR: u32 = u32::MAX;

/// A volume's state between calls.
pub struct Volume {
    /// The sector size.
    ss: u32,
    /// log2 of the sector size: sector arithmetic by shifts and masks (Cortex-M0+ has no
    /// divide instruction).
    shift: u8,
    mounted: bool,
    /// oofatfs's fsi_flag: bit 0 the free count or last cluster changed, 0x80 no FSInfo
    /// to keep up to date.
    fsi_flag: u8,
    /// The cache slot used last.
    cur: u8,
    /// The FAT time of the current call, once read.
    now: Option<u32>,
    fault: Fault,
    /// Which sector each cache slot holds, whether it changed since it was read, and the
    /// order in which slots were changed.
    cached: [u32; SLOTS],
    dirty: [bool; SLOTS],
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
    hint: AllocHint,
}

impl Volume {
    /// A volume of `sector_size`-byte sectors (a power of two from 512 to `max_ss`), not
    /// mounted yet.
    pub fn new(sector_size: usize, max_ss: usize) -> Option<Volume> {
        if !(512..=max_ss).contains(&sector_size) || !sector_size.is_power_of_two() {
            return None;
        }
        Some(Volume {
            ss: sector_size as u32,
            shift: sector_size.trailing_zeros() as u8,
            mounted: false,
            fsi_flag: 0,
            cur: 0,
            now: None,
            fault: Fault::None,
            cached: [NO_SECTOR; SLOTS],
            dirty: [false; SLOTS],
            seq: 0,
            dirty_seq: [0; SLOTS],
            start: 0,
            count: 0,
            free_clst: 0,
            last_clst: 0,
            geo: Bpb::default(),
            hint: AllocHint::default(),
        })
    }

    pub fn sector_size(&self) -> usize {
        self.ss as usize
    }

    pub fn is_mounted(&self) -> bool {
        self.mounted
    }
}

/// One call's view of a volume: its state, the device, the clock and the cache buffers.
pub struct Fs<'a, D: BlockDevice, C: Clock> {
    vol: &'a mut Volume,
    dev: D,
    clock: C,
    /// The cache slots' buffers, one sector each.
    bufs: [&'a mut [u8]; SLOTS],
}

impl<'a, D: BlockDevice, C: Clock> Fs<'a, D, C> {
    /// None when `bufs` is shorter than `buffer_len` of the volume's sector size.
    pub fn new(vol: &'a mut Volume, dev: D, clock: C, bufs: &'a mut [u8]) -> Option<Self> {
        let ss = vol.sector_size();
        let (a, b) = bufs.get_mut(..buffer_len(ss))?.split_at_mut(ss);
        Some(Fs {
            vol,
            dev,
            clock,
            bufs: [a, b],
        })
    }

    /// The mounted volume's geometry.
    pub fn geometry(&self) -> Bpb {
        self.vol.geo
    }

    fn ssize(&self) -> u32 {
        self.vol.ss
    }

    /// `x / ssize`.
    fn sdiv(&self, x: u32) -> u32 {
        x >> self.vol.shift
    }

    /// `x % ssize`.
    fn smod(&self, x: u32) -> u32 {
        x & (self.ssize() - 1)
    }

    /// The port's FAT time, read once per call (unix's get_fattime is a localtime() call).
    fn fattime(&mut self) -> u32 {
        if let Some(t) = self.vol.now {
            return t;
        }
        let t = self.clock.fattime();
        self.vol.now = Some(t);
        t
    }

    /// Record a failed device call: an exception raised is kept over what follows (the
    /// device keeps the first), an error code replaces the one before.
    fn record(&mut self, e: DeviceError) {
        if matches!(self.vol.fault, Fault::RaisedOsError | Fault::Raised) {
            return;
        }
        self.vol.fault = match e {
            DeviceError::Failed => Fault::Failed,
            DeviceError::ReadOnly => Fault::ReadOnly,
            DeviceError::RaisedOsError => Fault::RaisedOsError,
            DeviceError::Raised => Fault::Raised,
        };
    }

    /// The error the device's failures in this call amount to: its exception, else EROFS
    /// for a write refused for want of writeblocks (oofatfs's FR_WRITE_PROTECTED), else
    /// EIO (FR_DISK_ERR).
    fn device_error(&self) -> Error {
        match self.vol.fault {
            Fault::RaisedOsError | Fault::Raised => Error::Device,
            Fault::ReadOnly => Errno::EROFS.into(),
            _ => eio(),
        }
    }

    /// The device failed by an error code or an OSError (not another exception, such as
    /// KeyboardInterrupt): forget it and go on (only the write fallback does).
    fn forgive_failure(&mut self) -> bool {
        if self.vol.fault == Fault::Raised {
            return false;
        }
        self.vol.fault = Fault::None;
        self.dev.discard_exception();
        true
    }

    /// The start of a filesystem call: no device error yet, the time not read, the volume
    /// mounted (ENODEV when there is none).
    #[inline]
    pub fn begin(&mut self) -> Result<()> {
        self.vol.fault = Fault::None;
        self.vol.now = None;
        self.vol.hint.ok = false;
        if !self.vol.mounted {
            return self.mount_for_call();
        }
        Ok(())
    }

    /// A call on a volume not mounted: mount it now (a device formatted since), or ENODEV.
    #[inline(never)]
    fn mount_for_call(&mut self) -> Result<()> {
        if !self.mount()? {
            return Err(Errno::ENODEV.into());
        }
        Ok(())
    }

    /// The end of a filesystem call: the cache written back when `flush` (oofatfs syncs its
    /// window at the end of each call that wrote; a call the device failed keeps its
    /// changes in the cache too, the free count and open files already reflect them), then
    /// only the sector used last (and a changed one, and a sector of the first FAT) kept,
    /// as oofatfs's window.
    #[inline(never)]
    pub fn end(&mut self, flush: bool) -> Result<()> {
        let flushed = if flush { self.flush_cache() } else { Ok(()) };
        let other = 1 - self.vol.cur as usize;
        let c = self.vol.cached[other];
        let g = &self.vol.geo;
        // A FAT sector stays too: a file read in small pieces looks up the next cluster
        // after each sector, and oofatfs reads the FAT sector again each time.
        let fat = c >= g.fat_start && c - g.fat_start < g.fat_size;
        if !self.vol.dirty[other] && !fat {
            self.vol.cached[other] = NO_SECTOR;
        }
        flushed
    }

    /// Run `f` as one filesystem call: begin, `f`, end (writing the cache back when
    /// `flush`, or when `f` failed).
    pub fn call<T>(&mut self, flush: bool, f: impl FnOnce(&mut Self, &Bpb) -> Result<T>) -> Result<T> {
        self.begin()?;
        let geo = self.vol.geo;
        let r = f(self, &geo);
        let ended = self.end(flush || r.is_err());
        let v = r?;
        ended?;
        Ok(v)
    }
}

fn le16(b: &[u8], at: usize) -> u32 {
    u32::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// A volume that owns its device, clock and buffers (hosts, tests).
pub struct OwnedFs<D: BlockDevice, C: Clock> {
    pub vol: Volume,
    pub dev: D,
    pub clock: C,
    bufs: Vec<u8>,
}

impl<D: BlockDevice, C: Clock> OwnedFs<D, C> {
    /// A volume over `dev` of `sector_size`-byte sectors, mounted if it holds one.
    pub fn new(dev: D, clock: C, sector_size: usize) -> Result<Self> {
        let vol = Volume::new(sector_size, D::MAX_SS).ok_or(eio())?;
        let mut bufs = Vec::new();
        bufs.try_reserve_exact(buffer_len(sector_size))
            .map_err(|_| Error::Os(Errno::ENOMEM))?;
        bufs.resize(buffer_len(sector_size), 0);
        let mut fs = OwnedFs { vol, dev, clock, bufs };
        fs.fs().mount()?;
        Ok(fs)
    }

    /// This call's view of the volume.
    pub fn fs(&mut self) -> Fs<'_, &mut D, &C> {
        let ss = self.vol.sector_size();
        let (a, b) = self.bufs.split_at_mut(ss);
        Fs {
            vol: &mut self.vol,
            dev: &mut self.dev,
            clock: &self.clock,
            bufs: [a, b],
        }
    }
}
