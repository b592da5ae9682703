//! The filesystems an image can hold, behind one interface for the commands: littlefs v1
//! and v2 (the firmware's littlefs, `rustos::lfs`).
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
    /// Block size, blocks, blocks in use.
    fn usage(&mut self) -> Result<(u32, u32, u32), Error>;
    /// Unmount: the image's bytes.
    fn finish(self: Box<Self>) -> Result<Vec<u8>, Error>;
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
    fn usage(&mut self) -> Result<(u32, u32, u32), Error> {
        let used = self.fs.used_blocks().map_err(lfs_error)?;
        let s = self.fs.storage();
        Ok((s.block_size, (s.data.len() / s.block_size as usize) as u32, used))
    }
    fn finish(self: Box<Self>) -> Result<Vec<u8>, Error> {
        let (ram, r) = self.fs.unmount();
        r.map_err(lfs_error)?;
        Ok(ram.data)
    }
}

/// A fresh, formatted littlefs `fs` ("lfs1" or "lfs2") of geometry `cfg`.
pub fn create(fs: &str, cfg: &Config) -> Result<Box<dyn ImageFs>, Error> {
    fn make<V: Version>(cfg: &Config, name: &'static str) -> Result<Box<dyn ImageFs>, Error> {
        let (ram, r) = lfs::format::<V, _>(RamStorage::new(cfg.block_size, cfg.block_count), cfg);
        r.map_err(lfs_error)?;
        let fs = lfs::mount::<V, _>(ram, cfg).map_err(|(_, e)| lfs_error(e))?;
        Ok(Box::new(Littlefs { fs, name }))
    }
    match fs {
        "lfs1" => make::<V1>(cfg, "littlefs v1"),
        _ => make::<V2>(cfg, "littlefs v2"),
    }
}

/// Whether littlefs `V` takes this geometry.
pub fn accepts(fs: &str, cfg: &Config) -> bool {
    match fs {
        "lfs1" => cfg.check::<V1>().is_ok(),
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
        return Err(Error {
            text: "no littlefs superblock in its first two blocks".into(),
            no_space: false,
        });
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
