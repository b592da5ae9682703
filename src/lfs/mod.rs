//! littlefs v1 and v2 as a safe Rust API over the MicroPython tree's own
//! `lib/littlefs/lfs1.c` and `lfs2.c`: storage is a trait, errors are values, and nothing
//! here knows MicroPython.  Every call into C is in `raw`; this module and its users stay
//! in safe code.
//!
//! Host builds compile the C code with stock's options (build.rs, `host_lfs`); the
//! firmware's `vfs.VfsLfs1`/`VfsLfs2` binding (src/littlefs.rs) still makes its own calls
//! and is to move onto this API.
#![deny(unsafe_op_in_unsafe_fn)]

mod raw;
#[cfg(test)]
mod tests;

#[allow(non_camel_case_types, non_upper_case_globals, non_snake_case, dead_code, clippy::all)]
mod v1_sys {
    include!(concat!(env!("OUT_DIR"), "/lfs1_bindings.rs"));
}
#[allow(non_camel_case_types, non_upper_case_globals, non_snake_case, dead_code, clippy::all)]
mod v2_sys {
    include!(concat!(env!("OUT_DIR"), "/lfs2_bindings.rs"));
}

use alloc::string::String;
use alloc::vec::Vec;

pub use raw::Version;

/// A mounted littlefs of version `V` (`V1` or `V2`) over storage `S`.
pub type Fs<V, S> = raw::Mounted<V, S>;

/// littlefs v1 (its on-disk format and C code).
pub enum V1 {}
/// littlefs v2.
pub enum V2 {}

/// littlefs's flags for `Fs::open`: both versions use the same values.
pub const O_RDONLY: i32 = v2_sys::lfs2_open_flags_LFS2_O_RDONLY as i32;
pub const O_WRONLY: i32 = v2_sys::lfs2_open_flags_LFS2_O_WRONLY as i32;
pub const O_RDWR: i32 = v2_sys::lfs2_open_flags_LFS2_O_RDWR as i32;
pub const O_CREAT: i32 = v2_sys::lfs2_open_flags_LFS2_O_CREAT as i32;
pub const O_EXCL: i32 = v2_sys::lfs2_open_flags_LFS2_O_EXCL as i32;
pub const O_TRUNC: i32 = v2_sys::lfs2_open_flags_LFS2_O_TRUNC as i32;
pub const O_APPEND: i32 = v2_sys::lfs2_open_flags_LFS2_O_APPEND as i32;
pub const SEEK_SET: i32 = v2_sys::lfs2_whence_flags_LFS2_SEEK_SET as i32;
pub const SEEK_CUR: i32 = v2_sys::lfs2_whence_flags_LFS2_SEEK_CUR as i32;
pub const SEEK_END: i32 = v2_sys::lfs2_whence_flags_LFS2_SEEK_END as i32;
const _: () = assert!(
    O_RDONLY == v1_sys::lfs1_open_flags_LFS1_O_RDONLY as i32
        && O_WRONLY == v1_sys::lfs1_open_flags_LFS1_O_WRONLY as i32
        && O_RDWR == v1_sys::lfs1_open_flags_LFS1_O_RDWR as i32
        && O_CREAT == v1_sys::lfs1_open_flags_LFS1_O_CREAT as i32
        && O_EXCL == v1_sys::lfs1_open_flags_LFS1_O_EXCL as i32
        && O_TRUNC == v1_sys::lfs1_open_flags_LFS1_O_TRUNC as i32
        && O_APPEND == v1_sys::lfs1_open_flags_LFS1_O_APPEND as i32
        && SEEK_SET == v1_sys::lfs1_whence_flags_LFS1_SEEK_SET as i32
        && SEEK_CUR == v1_sys::lfs1_whence_flags_LFS1_SEEK_CUR as i32
        && SEEK_END == v1_sys::lfs1_whence_flags_LFS1_SEEK_END as i32
);

/// How deep `Fs::walk` goes before it calls a tree corrupt: littlefs sets no limit, but a
/// directory that contains itself (a corrupt image) would otherwise never end.
pub const MAX_DEPTH: usize = 1024;

/// The attribute MicroPython keeps a file's modification time in: 8 bytes, little-endian
/// nanoseconds since 1970 (extmod/vfs_lfs.c's LFS_ATTR_MTIME).
pub const ATTR_MTIME: u8 = 1;

/// A littlefs error, or one the storage reports.  Each is an errno but `Corrupt`
/// (littlefs v2's code for it, also for v1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    Io,
    Corrupt,
    NoEnt,
    Exist,
    NotDir,
    IsDir,
    NotEmpty,
    Badf,
    FBig,
    Inval,
    NoSpc,
    NoMem,
    NoAttr,
    NameTooLong,
    /// Any other negative code.
    Other(i32),
}

const CODES: [(Error, i32); 14] = [
    (Error::Io, v2_sys::lfs2_error_LFS2_ERR_IO),
    (Error::Corrupt, v2_sys::lfs2_error_LFS2_ERR_CORRUPT),
    (Error::NoEnt, v2_sys::lfs2_error_LFS2_ERR_NOENT),
    (Error::Exist, v2_sys::lfs2_error_LFS2_ERR_EXIST),
    (Error::NotDir, v2_sys::lfs2_error_LFS2_ERR_NOTDIR),
    (Error::IsDir, v2_sys::lfs2_error_LFS2_ERR_ISDIR),
    (Error::NotEmpty, v2_sys::lfs2_error_LFS2_ERR_NOTEMPTY),
    (Error::Badf, v2_sys::lfs2_error_LFS2_ERR_BADF),
    (Error::FBig, v2_sys::lfs2_error_LFS2_ERR_FBIG),
    (Error::Inval, v2_sys::lfs2_error_LFS2_ERR_INVAL),
    (Error::NoSpc, v2_sys::lfs2_error_LFS2_ERR_NOSPC),
    (Error::NoMem, v2_sys::lfs2_error_LFS2_ERR_NOMEM),
    (Error::NoAttr, v2_sys::lfs2_error_LFS2_ERR_NOATTR),
    (Error::NameTooLong, v2_sys::lfs2_error_LFS2_ERR_NAMETOOLONG),
];

impl Error {
    /// The error of littlefs's `code`, in a version whose corrupt code is `corrupt`.
    fn from_code(code: i32, corrupt: i32) -> Error {
        if code == corrupt {
            return Error::Corrupt;
        }
        CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map_or(Error::Other(code), |(e, _)| *e)
    }

    /// littlefs's negative code.
    pub fn code(self) -> i32 {
        match self {
            Error::Other(c) => c,
            e => CODES.iter().find(|(x, _)| *x == e).map_or(-5, |(_, c)| *c),
        }
    }

    /// The errno MicroPython raises for it (littlefs's codes are negative errnos; a
    /// corrupt filesystem is EILSEQ's 84, as stock reports it).
    pub fn errno(self) -> i32 {
        -self.code()
    }
}

/// Where the blocks are.  Offsets and lengths are multiples of the read or program size.
pub trait Storage {
    fn read(&mut self, block: u32, off: u32, buf: &mut [u8]) -> Result<(), Error>;
    fn prog(&mut self, block: u32, off: u32, data: &[u8]) -> Result<(), Error>;
    fn erase(&mut self, block: u32) -> Result<(), Error>;
    fn sync(&mut self) -> Result<(), Error>;
}

/// A filesystem's geometry and tuning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub block_size: u32,
    /// 0 at mount: take it from the superblock.
    pub block_count: u32,
    pub read_size: u32,
    pub prog_size: u32,
    pub lookahead_size: u32,
    pub block_cycles: i32,
}

impl Config {
    /// What `vfs.VfsLfs2(bdev, readsize, progsize, lookahead)` gives littlefs (stock's
    /// extmod/vfs_lfsx.c): wear levelling every 100 erases, caches of four times the
    /// larger of read and program size, at most a block.
    pub fn micropython(block_size: u32, block_count: u32, read_size: u32, prog_size: u32, lookahead: u32) -> Config {
        Config {
            block_size,
            block_count,
            read_size,
            prog_size,
            lookahead_size: lookahead,
            block_cycles: 100,
        }
    }

    pub fn cache_size(&self) -> u32 {
        self.block_size
            .min(self.read_size.max(self.prog_size).saturating_mul(4))
    }

    /// EINVAL unless littlefs `V` takes this configuration.
    pub fn check<V: Version>(&self) -> Result<(), Error> {
        if self.block_count != 1 && V::accepts(self) {
            Ok(())
        } else {
            Err(Error::Inval)
        }
    }
}

/// A directory entry or a `stat` result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stat {
    pub kind: Kind,
    pub size: u32,
    pub name: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    File,
    Dir,
}

/// Format `storage` as littlefs `V`, checking `cfg` first.
pub fn format<V: Version, S: Storage>(storage: S, cfg: &Config) -> (S, Result<(), Error>) {
    match cfg.check::<V>() {
        Ok(()) => Fs::<V, S>::format(storage, cfg),
        Err(e) => (storage, Err(e)),
    }
}

/// Mount `storage` as littlefs `V`, checking `cfg` first.
pub fn mount<V: Version, S: Storage>(storage: S, cfg: &Config) -> Result<Fs<V, S>, (S, Error)> {
    match cfg.check::<V>() {
        Ok(()) => Fs::<V, S>::mount(storage, cfg),
        Err(e) => Err((storage, e)),
    }
}

impl<V: Version, S: Storage> Fs<V, S> {
    /// A whole file's contents, read to its end: nothing is allocated from the size the
    /// metadata claims, which a corrupt image may make anything.
    pub fn read_file(&mut self, path: &str) -> Result<Vec<u8>, Error> {
        let id = self.open(path, O_RDONLY, None)?;
        let mut out = Vec::new();
        let mut chunk = [0u8; 512];
        let r = loop {
            match self.read(id, &mut chunk) {
                Ok(0) => break Ok(()),
                Ok(k) => out.extend_from_slice(&chunk[..k]),
                Err(e) => break Err(e),
            }
        };
        let closed = self.close(id);
        r.and(closed).map(|()| out)
    }

    /// Create or replace a file with `data`, with an mtime attribute when given (v2).
    pub fn write_file(&mut self, path: &str, data: &[u8], mtime: Option<u64>) -> Result<(), Error> {
        let id = self.open(path, O_WRONLY | O_CREAT | O_TRUNC, mtime)?;
        let mut r = Ok(());
        let mut done = 0;
        while done < data.len() {
            match self.write(id, &data[done..]) {
                Ok(0) => r = Err(Error::NoSpc),
                Ok(k) => done += k,
                Err(e) => r = Err(e),
            }
            if r.is_err() {
                break;
            }
        }
        let closed = self.close(id);
        r.and(closed)
    }

    /// Every path under `dir` ("/" for all), parents before children, with its entry.
    /// A tree deeper than `MAX_DEPTH` is taken for a corrupt one that loops.
    pub fn walk(&mut self, dir: &str) -> Result<Vec<(String, Stat)>, Error> {
        let mut out = Vec::new();
        let mut todo = alloc::vec![(String::from(dir.trim_end_matches('/')), 0usize)];
        while let Some((d, depth)) = todo.pop() {
            if depth > MAX_DEPTH {
                return Err(Error::Corrupt);
            }
            let mut entries = self.read_dir(if d.is_empty() { "/" } else { &d })?;
            entries.sort_by(|a, b| a.name.cmp(&b.name));
            for e in entries.into_iter().rev() {
                let path = alloc::format!("{}/{}", d, String::from_utf8_lossy(&e.name));
                if e.kind == Kind::Dir {
                    todo.push((path.clone(), depth + 1));
                }
                out.push((path, e));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }
}

/// Storage in memory, erased to 0xff: for tests and for building images.
#[derive(Clone, Debug)]
pub struct RamStorage {
    pub block_size: u32,
    pub data: Vec<u8>,
}

impl RamStorage {
    pub fn new(block_size: u32, blocks: u32) -> RamStorage {
        RamStorage {
            block_size,
            data: alloc::vec![0xff; block_size as usize * blocks as usize],
        }
    }

    fn span(&self, block: u32, off: u32, len: usize) -> Result<core::ops::Range<usize>, Error> {
        let start = block as usize * self.block_size as usize + off as usize;
        let end = start.checked_add(len).ok_or(Error::Io)?;
        if off as usize + len > self.block_size as usize || end > self.data.len() {
            return Err(Error::Io);
        }
        Ok(start..end)
    }
}

impl Storage for RamStorage {
    fn read(&mut self, block: u32, off: u32, buf: &mut [u8]) -> Result<(), Error> {
        let r = self.span(block, off, buf.len())?;
        buf.copy_from_slice(&self.data[r]);
        Ok(())
    }
    fn prog(&mut self, block: u32, off: u32, data: &[u8]) -> Result<(), Error> {
        let r = self.span(block, off, data.len())?;
        self.data[r].copy_from_slice(data);
        Ok(())
    }
    fn erase(&mut self, block: u32) -> Result<(), Error> {
        let r = self.span(block, 0, self.block_size as usize)?;
        self.data[r].fill(0xff);
        Ok(())
    }
    fn sync(&mut self) -> Result<(), Error> {
        Ok(())
    }
}
