//! Host test helpers for the FAT engine: RAM disks (plain, counting, failing), a fixed
//! clock, and a small file API over `OwnedFs` as the binding drives it.
#![allow(dead_code)]

use rustos::errno::Errno;
use rustos::fat::engine::{self, BlockDevice, Clock, DeviceError, Error, FileState, Mode, OwnedFs};
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
    let p = engine::resolve(path.as_bytes(), b"/")?;
    v.fs().call(true, |fs, bp| fs.mkdir(bp, &p))
}

pub fn remove<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<(), Error> {
    let p = engine::resolve(path.as_bytes(), b"/")?;
    v.fs().call(true, |fs, bp| fs.remove(bp, &p, &[], false))
}

pub fn rmdir<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<(), Error> {
    let p = engine::resolve(path.as_bytes(), b"/")?;
    v.fs().call(true, |fs, bp| fs.remove(bp, &p, &[], true))
}

pub fn rename<const MAX: usize>(v: &mut Vol<MAX>, from: &str, to: &str) -> Result<(), Error> {
    let a = engine::resolve(from.as_bytes(), b"/")?;
    let b = engine::resolve(to.as_bytes(), b"/")?;
    v.fs().call(true, |fs, bp| fs.rename(bp, &a, &b))
}

pub fn open<const MAX: usize>(v: &mut Vol<MAX>, path: &str, mode: &str) -> Result<FileState, Error> {
    let p = engine::resolve(path.as_bytes(), b"/")?;
    let m = Mode::parse(mode.as_bytes());
    let mut f = v.fs().call(false, |fs, bp| fs.open(bp, &p, &m))?;
    if m.append {
        let size = f.size();
        v.fs().call(false, |fs, bp| fs.seek_to(bp, &mut f, size))?;
    }
    Ok(f)
}

pub fn write<const MAX: usize>(v: &mut Vol<MAX>, f: &mut FileState, data: &[u8]) -> Result<usize, Error> {
    v.fs().call(false, |fs, bp| fs.write_all(bp, f, data))
}

pub fn read<const MAX: usize>(v: &mut Vol<MAX>, f: &mut FileState, n: usize) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0; n];
    let got = v.fs().call(false, |fs, bp| fs.read(bp, f, &mut buf))?;
    buf.truncate(got);
    Ok(buf)
}

pub fn seek<const MAX: usize>(v: &mut Vol<MAX>, f: &mut FileState, to: i64) -> Result<u32, Error> {
    v.fs().call(false, |fs, bp| fs.seek(bp, f, to))
}

pub fn close<const MAX: usize>(v: &mut Vol<MAX>, f: &mut FileState) -> Result<(), Error> {
    if !f.has(engine::F_MODIFIED) {
        return Ok(());
    }
    v.fs().call(true, |fs, bp| fs.flush_file(bp, f))
}

pub fn write_file<const MAX: usize>(v: &mut Vol<MAX>, path: &str, data: &[u8]) -> Result<(), Error> {
    let mut f = open(v, path, "wb")?;
    write(v, &mut f, data)?;
    close(v, &mut f)
}

pub fn read_file<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<Vec<u8>, Error> {
    let mut f = open(v, path, "rb")?;
    let size = f.size() as usize;
    read(v, &mut f, size + 1)
}

/// (is_dir, size) of what `path` names; None for the root.
pub fn stat<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<Option<(bool, u32)>, Error> {
    let p = engine::resolve(path.as_bytes(), b"/")?;
    let s = v.fs().call(true, |fs, _| fs.stat(&p))?;
    Ok(s.map(|s| (s.is_dir, s.size)))
}

/// (free clusters, clusters).
pub fn statvfs<const MAX: usize>(v: &mut Vol<MAX>) -> (u32, u32) {
    v.fs()
        .call(true, |fs, bp| Ok((fs.free_clusters(bp)?, bp.clusters)))
        .unwrap()
}

/// The names in a directory, sorted, with "/" after a directory's.
pub fn listdir<const MAX: usize>(v: &mut Vol<MAX>, path: &str) -> Result<Vec<String>, Error> {
    let p = engine::resolve(path.as_bytes(), b"/")?;
    let mut fs = v.fs();
    let mut cur = fs.call(true, |fs, bp| fs.open_dir(bp, &p))?;
    let mut names = Vec::new();
    let mut lfn = [0u16; 256];
    loop {
        let next = fs.call(false, |fs, p| {
            let Some((e, has_lfn)) = fs.dir_read(p, &mut cur, &mut lfn)? else {
                return Ok(None);
            };
            let mut out = [0u8; 768];
            let name = engine::listed_name(&e, has_lfn.then_some(&lfn[..]), &mut out).to_vec();
            if !fs.dir_next(p, &mut cur, false)? {
                cur.finish();
            }
            Ok(Some((name, e[11] & 0x10 != 0)))
        })?;
        let Some((name, is_dir)) = next else { break };
        let mut s = String::from_utf8_lossy(&name).into_owned();
        if is_dir {
            s.push('/');
        }
        names.push(s);
    }
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
