//! The filesystems an image can hold, behind one interface for the commands: littlefs v1
//! and v2 (the firmware's littlefs, `rustos::lfs`) and FAT (the firmware's FAT engine,
//! `rustos::fat::engine`).
use rustos::fat::engine::{self as fat, BlockDevice, Clock, DeviceError, OwnedFs};
use rustos::lfs::{self, Config, Fs, Kind, RamStorage, Version, V1, V2};

/// What the commands need of a filesystem in memory.
pub trait ImageFs {
    fn describe(&self) -> &'static str;
    /// Longest name, in bytes.
    fn name_max(&self) -> usize;
    fn mkdir(&mut self, path: &str) -> Result<(), Error>;
    fn write_file(&mut self, path: &str, data: &[u8], mtime_ns: u64) -> Result<(), Error>;
    fn read_file(&mut self, path: &str) -> Result<Vec<u8>, Error>;
    /// Every path, parents first, with whether it is a directory and its size.
    fn walk(&mut self) -> Result<Vec<Entry>, Error>;
    /// What the space is counted in ("block", "cluster"), its size, how many, how many in use.
    fn usage(&mut self) -> Result<(&'static str, u32, u32, u32), Error>;
    /// Unmount: the image's bytes.
    fn finish(self: Box<Self>) -> Result<Vec<u8>, Error>;
    /// Damage a walk and reading every file do not show (FAT: what fsck.fat reports).
    fn damage(&mut self) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }
}

pub struct Entry {
    pub path: String,
    pub is_dir: bool,
    pub size: u64,
}

/// A filesystem error, as the user reads it, and whether it was a full filesystem.
pub struct Error {
    pub text: String,
    pub no_space: bool,
}

fn lfs_error(e: lfs::Error) -> Error {
    let text = match e {
        lfs::Error::Corrupt => "not a valid littlefs filesystem (corrupt or not formatted)".to_string(),
        lfs::Error::NoSpc => "no space left".to_string(),
        other => format!("{other:?} (errno {})", other.errno()),
    };
    Error {
        text,
        no_space: e == lfs::Error::NoSpc,
    }
}

struct Littlefs<V: Version> {
    fs: Fs<V, RamStorage>,
    name: &'static str,
}

impl<V: Version> ImageFs for Littlefs<V> {
    fn describe(&self) -> &'static str {
        self.name
    }
    fn name_max(&self) -> usize {
        V::NAME_MAX
    }
    fn mkdir(&mut self, path: &str) -> Result<(), Error> {
        self.fs.mkdir(path).map_err(lfs_error)
    }
    fn write_file(&mut self, path: &str, data: &[u8], mtime_ns: u64) -> Result<(), Error> {
        self.fs.write_file(path, data, Some(mtime_ns)).map_err(lfs_error)
    }
    fn read_file(&mut self, path: &str) -> Result<Vec<u8>, Error> {
        self.fs.read_file(path).map_err(lfs_error)
    }
    fn walk(&mut self) -> Result<Vec<Entry>, Error> {
        let all = self.fs.walk("/").map_err(lfs_error)?;
        Ok(all
            .into_iter()
            .map(|(path, st)| Entry {
                path,
                is_dir: st.kind == Kind::Dir,
                size: u64::from(st.size),
            })
            .collect())
    }
    fn usage(&mut self) -> Result<(&'static str, u32, u32, u32), Error> {
        let used = self.fs.used_blocks().map_err(lfs_error)?;
        let s = self.fs.storage();
        Ok((
            "block",
            s.block_size,
            (s.data.len() / s.block_size as usize) as u32,
            used,
        ))
    }
    fn finish(self: Box<Self>) -> Result<Vec<u8>, Error> {
        let (ram, r) = self.fs.unmount();
        r.map_err(lfs_error)?;
        Ok(ram.data)
    }
}

/// An image in memory as FAT's block device: `ss`-byte sectors, several in one call.
struct Disk {
    data: Vec<u8>,
    ss: usize,
}

impl BlockDevice for Disk {
    const MAX_SS: usize = 4096;
    fn read(&mut self, sector: u32, buf: &mut [u8]) -> Result<(), DeviceError> {
        let start = sector as usize * self.ss;
        let src = self.data.get(start..start + buf.len()).ok_or(DeviceError::Failed)?;
        buf.copy_from_slice(src);
        Ok(())
    }
    fn write(&mut self, sector: u32, buf: &[u8]) -> Result<(), DeviceError> {
        let start = sector as usize * self.ss;
        let dst = self.data.get_mut(start..start + buf.len()).ok_or(DeviceError::Failed)?;
        dst.copy_from_slice(buf);
        Ok(())
    }
}

/// The host's time now (UTC) in FAT's packed date and time.
struct HostClock;

impl Clock for HostClock {
    fn fattime(&self) -> u32 {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // A host clock outside FAT's years (1980-2107) stamps the nearest end.
        let secs = i64::try_from(secs).unwrap_or(i64::MAX);
        rustos::fatlayout::fattime_from_unix(secs.clamp(315_532_800, 4_354_819_198)).unwrap_or(0)
    }
}

struct FatImage {
    fs: OwnedFs<Disk, HostClock>,
}

fn fat_error(e: fat::Error) -> Error {
    Error {
        text: e.errno().map_or("the device failed", |x| x.name()).to_string(),
        no_space: e == fat::Error::Os(rustos::errno::Errno::ENOSPC),
    }
}

impl ImageFs for FatImage {
    fn describe(&self) -> &'static str {
        "FAT"
    }
    fn name_max(&self) -> usize {
        255
    }
    fn mkdir(&mut self, path: &str) -> Result<(), Error> {
        self.fs.mkdir(path).map_err(fat_error)
    }
    fn write_file(&mut self, path: &str, data: &[u8], _mtime_ns: u64) -> Result<(), Error> {
        self.fs.write_file(path, data).map_err(fat_error)
    }
    fn read_file(&mut self, path: &str) -> Result<Vec<u8>, Error> {
        self.fs.read_file(path).map_err(fat_error)
    }
    fn walk(&mut self) -> Result<Vec<Entry>, Error> {
        let mut out = Vec::new();
        let mut todo = vec![(String::new(), 0usize)];
        while let Some((dir, depth)) = todo.pop() {
            if depth > lfs::MAX_DEPTH {
                return Err(Error {
                    text: "directories nested too deep (a loop in a corrupt image?)".into(),
                    no_space: false,
                });
            }
            let listing = self
                .fs
                .list(if dir.is_empty() { "/" } else { &dir })
                .map_err(fat_error)?;
            for l in listing {
                let path = format!("{dir}/{}", String::from_utf8_lossy(&l.name));
                if l.is_dir {
                    todo.push((path.clone(), depth + 1));
                }
                out.push(Entry {
                    path,
                    is_dir: l.is_dir,
                    size: u64::from(l.size),
                });
            }
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
    fn usage(&mut self) -> Result<(&'static str, u32, u32, u32), Error> {
        let (free, clusters, bytes) = self.fs.usage().map_err(fat_error)?;
        Ok(("cluster", bytes, clusters, clusters.saturating_sub(free)))
    }
    fn damage(&mut self) -> Result<Vec<String>, Error> {
        Ok(self.fs.check().map_err(fat_error)?.problems)
    }
    fn finish(self: Box<Self>) -> Result<Vec<u8>, Error> {
        let mut fs = self.fs;
        fs.fs().call(true, |_, _| Ok(())).map_err(fat_error)?;
        Ok(fs.dev.data)
    }
}

/// A fresh FAT volume as `vfs.VfsFat.mkfs` lays it out, on `blocks` sectors of `block_size`.
fn create_fat(block_size: u32, blocks: u32) -> Result<Box<dyn ImageFs>, Error> {
    let ss = block_size as usize;
    let disk = Disk {
        data: vec![0; ss * blocks as usize],
        ss,
    };
    let mut fs = OwnedFs::new(disk, HostClock, ss).map_err(fat_error)?;
    fs.fs().format(blocks, None).map_err(fat_error)?;
    if !fs.fs().mount().map_err(fat_error)? {
        return Err(Error {
            text: "the new FAT volume does not mount".into(),
            no_space: false,
        });
    }
    Ok(Box::new(FatImage { fs }))
}

/// A fresh, formatted filesystem `fs` ("lfs1", "lfs2" or "fat") of geometry `cfg`.
pub fn create(fs: &str, cfg: &Config) -> Result<Box<dyn ImageFs>, Error> {
    fn make<V: Version>(cfg: &Config, name: &'static str) -> Result<Box<dyn ImageFs>, Error> {
        let (ram, r) = lfs::format::<V, _>(RamStorage::new(cfg.block_size, cfg.block_count), cfg);
        r.map_err(lfs_error)?;
        let fs = lfs::mount::<V, _>(ram, cfg).map_err(|(_, e)| lfs_error(e))?;
        Ok(Box::new(Littlefs { fs, name }))
    }
    match fs {
        "lfs1" => make::<V1>(cfg, "littlefs v1"),
        "fat" => create_fat(cfg.block_size, cfg.block_count),
        _ => make::<V2>(cfg, "littlefs v2"),
    }
}

/// Whether the filesystem takes this geometry (FAT: sectors of 512 to 4096 bytes).
pub fn accepts(fs: &str, cfg: &Config) -> bool {
    match fs {
        "lfs1" => cfg.check::<V1>().is_ok(),
        "fat" => cfg.block_size.is_power_of_two() && (512..=4096).contains(&cfg.block_size),
        _ => cfg.check::<V2>().is_ok(),
    }
}

/// The filesystem in an image file's bytes, found by its superblock.
pub fn open(data: Vec<u8>) -> Result<Box<dyn ImageFs>, Error> {
    let le32 = |o: usize| data.get(o..o + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    // littlefs keeps its superblock in blocks 0 and 1; "littlefs" sits at offset 8 of a v2
    // one (revision, tag), its block size at 24; at offset 40 of a v1 one (directory
    // header, entry header, root pair), its block size at 28.
    let mut starts = vec![0usize];
    starts.extend((7..=20).map(|k| 1usize << k));
    let found = starts.into_iter().find_map(|start| {
        for (magic_at, size_at, v1) in [(8, 24, false), (40, 28, true)] {
            let bs = le32(start + size_at)?;
            let ok = data.get(start + magic_at..start + magic_at + 8) == Some(b"littlefs")
                && bs.is_power_of_two()
                && bs >= 128
                && (start == 0 || start == bs as usize);
            if ok {
                return Some((bs, v1));
            }
        }
        None
    });
    let Some((block_size, v1)) = found else {
        return open_fat(data);
    };
    let blocks = u32::try_from(data.len() / block_size as usize).unwrap_or(u32::MAX);
    let cfg = Config::micropython(block_size, blocks, 32, 32, 32);
    let ram = RamStorage { block_size, data };
    if v1 {
        let fs = lfs::mount::<V1, _>(ram, &cfg).map_err(|(_, e)| lfs_error(e))?;
        Ok(Box::new(Littlefs {
            fs,
            name: "littlefs v1",
        }))
    } else {
        let fs = lfs::mount::<V2, _>(ram, &cfg).map_err(|(_, e)| lfs_error(e))?;
        Ok(Box::new(Littlefs {
            fs,
            name: "littlefs v2",
        }))
    }
}

/// A FAT volume (or an MBR-partitioned device holding one): its sector size from the boot
/// record's BPB where it has one, else 512.
fn open_fat(data: Vec<u8>) -> Result<Box<dyn ImageFs>, Error> {
    let not_fs = || Error {
        text: "neither a littlefs superblock in its first two blocks nor a FAT boot record".into(),
        no_space: false,
    };
    if data.get(510..512) != Some(&[0x55, 0xaa][..]) {
        return Err(not_fs());
    }
    let bps = usize::from(u16::from_le_bytes([data[11], data[12]]));
    let ss = if bps.is_power_of_two() && (512..=4096).contains(&bps) {
        bps
    } else {
        512
    };
    let fs = OwnedFs::new(Disk { data, ss }, HostClock, ss).map_err(fat_error)?;
    if !fs.vol.is_mounted() {
        return Err(not_fs());
    }
    Ok(Box::new(FatImage { fs }))
}
