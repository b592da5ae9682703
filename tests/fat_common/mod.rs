//! Host test helpers for the FAT engine: RAM disks (plain, counting, failing), a fixed
//! clock, and a small file API over `OwnedFs` as the binding drives it.
#![allow(dead_code)]

use rustos::errno::Errno;
use rustos::fat::engine::{BlockDevice, Clock, DeviceError, Error, FileState, OwnedFs};
use rustos::fatlayout::FatKind;

/// One device call: (write?, first sector, sectors).
pub type Call = (bool, u32, usize);

/// A disk in RAM of `ss`-byte sectors; `MAX` is the port's FF_MAX_SS.  It logs every call,
/// and can be made to fail: writes after `fail_writes_after` more successful ones, with
/// `fail_kind` (until `fail_writes_after` is None again).
pub struct RamDisk<const MAX: usize> {
    pub data: Vec<u8>,
    pub ss: usize,
    pub calls: Vec<Call>,
    pub fail_writes_after: Option<usize>,
    pub fail_reads: bool,
    pub fail_kind: DeviceError,
    pub read_only: bool,
}

impl<const MAX: usize> RamDisk<MAX> {
    pub fn new(sectors: usize, ss: usize) -> Self {
        RamDisk::from_image(vec![0; sectors * ss], ss)
    }

    pub fn from_image(data: Vec<u8>, ss: usize) -> Self {
        RamDisk {
            data,
            ss,
            calls: Vec::new(),
            fail_writes_after: None,
            fail_reads: false,
            fail_kind: DeviceError::Failed,
            read_only: false,
        }
    }

    fn range(&self, sector: u32, len: usize) -> Result<core::ops::Range<usize>, DeviceError> {
        assert_eq!(len % self.ss, 0, "a call of part of a sector");
        let start = sector as usize * self.ss;
        if start + len > self.data.len() {
            return Err(DeviceError::Failed);
        }
        Ok(start..start + len)
    }

    pub fn writes(&self) -> usize {
        self.calls.iter().filter(|c| c.0).count()
    }

    pub fn reads(&self) -> usize {
        self.calls.iter().filter(|c| !c.0).count()
    }
}

impl<const MAX: usize> BlockDevice for RamDisk<MAX> {
    const MAX_SS: usize = MAX;

    fn read(&mut self, sector: u32, buf: &mut [u8]) -> Result<(), DeviceError> {
        self.calls.push((false, sector, buf.len() / self.ss));
        if self.fail_reads {
            return Err(self.fail_kind);
        }
        let r = self.range(sector, buf.len())?;
        buf.copy_from_slice(&self.data[r]);
        Ok(())
    }

    fn write(&mut self, sector: u32, buf: &[u8]) -> Result<(), DeviceError> {
        self.calls.push((true, sector, buf.len() / self.ss));
        if self.read_only {
            return Err(DeviceError::ReadOnly);
        }
        if let Some(n) = self.fail_writes_after.as_mut() {
            if *n == 0 {
                return Err(self.fail_kind);
            }
            *n -= 1;
        }
        let r = self.range(sector, buf.len())?;
        self.data[r].copy_from_slice(buf);
        Ok(())
    }

    fn read_only(&self) -> bool {
        self.read_only
    }
}

/// 2024-05-17 12:34:56 in FAT's packed format.
pub const TIME: u32 = ((2024 - 1980) << 25) | (5 << 21) | (17 << 16) | (12 << 11) | (34 << 5) | (56 / 2);

pub struct FixedClock;

impl Clock for FixedClock {
    fn fattime(&self) -> u32 {
        TIME
    }
}

pub type Disk = RamDisk<4096>;
pub type Vol<const MAX: usize> = OwnedFs<RamDisk<MAX>, FixedClock>;

/// A fresh disk of `sectors` sectors, formatted by the engine and mounted.
pub fn formatted<const MAX: usize>(sectors: usize, ss: usize) -> Vol<MAX> {
    let mut v = OwnedFs::new(RamDisk::<MAX>::new(sectors, ss), FixedClock, ss).unwrap();
    v.fs().format(sectors as u32, None).unwrap();
    assert!(v.fs().mount().unwrap());
    v.dev.calls.clear();
    v
}

/// Mount an image made elsewhere.
pub fn mounted(image: Vec<u8>, ss: usize) -> Vol<4096> {
    let v = OwnedFs::new(RamDisk::<4096>::from_image(image, ss), FixedClock, ss).unwrap();
    assert!(v.vol.is_mounted(), "the image mounts");
    v
}

pub fn kind<const MAX: usize>(v: &mut Vol<MAX>) -> FatKind {
    v.fs().call(true, |_, bp| Ok(bp.kind)).unwrap()
}

pub fn mkdir<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<(), Error> {
    v.mkdir(path)
}

pub fn remove<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<(), Error> {
    v.remove_path(path, false)
}

pub fn rmdir<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<(), Error> {
    v.remove_path(path, true)
}

pub fn rename<const MAX: usize>(v: &mut Vol<MAX>, from: &str, to: &str) -> Result<(), Error> {
    v.rename_path(from, to)
}

pub fn open<const MAX: usize>(v: &mut Vol<MAX>, path: &str, mode: &str) -> Result<FileState, Error> {
    v.open_path(path, mode)
}

pub fn write<const MAX: usize>(v: &mut Vol<MAX>, f: &mut FileState, data: &[u8]) -> Result<usize, Error> {
    v.write_to(f, data)
}

pub fn read<const MAX: usize>(v: &mut Vol<MAX>, f: &mut FileState, n: usize) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0; n];
    let got = v.read_from(f, &mut buf)?;
    buf.truncate(got);
    Ok(buf)
}

pub fn seek<const MAX: usize>(v: &mut Vol<MAX>, f: &mut FileState, to: i64) -> Result<u32, Error> {
    v.seek_in(f, to)
}

pub fn close<const MAX: usize>(v: &mut Vol<MAX>, f: &mut FileState) -> Result<(), Error> {
    v.close_file(f)
}

pub fn write_file<const MAX: usize>(v: &mut Vol<MAX>, path: &str, data: &[u8]) -> Result<(), Error> {
    v.write_file(path, data)
}

pub fn read_file<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<Vec<u8>, Error> {
    v.read_file(path)
}

/// (is_dir, size) of what `path` names; None for the root.
pub fn stat<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<Option<(bool, u32)>, Error> {
    v.stat_path(path)
}

/// (free clusters, clusters).
pub fn statvfs<const MAX: usize>(v: &mut Vol<MAX>) -> (u32, u32) {
    let (free, clusters, _) = v.usage().unwrap();
    (free, clusters)
}

/// The names in a directory, sorted, with "/" after a directory's.
pub fn listdir<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = v
        .list(path)?
        .into_iter()
        .map(|l| {
            let mut s = String::from_utf8_lossy(&l.name).into_owned();
            if l.is_dir {
                s.push('/');
            }
            s
        })
        .collect();
    names.sort();
    Ok(names)
}

pub fn errno(e: Errno) -> Error {
    Error::from(e)
}

/// Deterministic bytes.
pub fn pattern(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}
