//! A sparse in-memory block device of any size up to 2^32 sectors of 4 KiB: only pages
//! holding a non-zero byte are stored, everything else reads as zero (a fresh device).
//! Reads and writes past its end fail, as a real device's would.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Error, ErrorKind, Read, Result, Seek, SeekFrom, Write};

const PAGE: usize = 4096;

/// Page numbers hash to themselves, spread: lamfat reads a FAT entry at a time, so the
/// map is on the hot path and SipHash would dominate.
#[derive(Default)]
struct PageHasher(u64);

impl Hasher for PageHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Pages = HashMap<u64, Box<[u8; PAGE]>, BuildHasherDefault<PageHasher>>;

pub struct Sparse {
    len: u64,
    pages: Pages,
    /// Lowest and highest (exclusive) byte offset written since the last [`Sparse::take_written`].
    written: Option<(u64, u64)>,
}

impl Sparse {
    pub fn new(len: u64) -> Self {
        Sparse {
            len,
            pages: Pages::default(),
            written: None,
        }
    }

    /// The range of bytes written since the last call, if any.
    pub fn take_written(&mut self) -> Option<(u64, u64)> {
        self.written.take()
    }

    /// The first byte offset at which the two devices differ (a missing page is zeros).
    pub fn first_difference(&self, other: &Sparse) -> Option<u64> {
        if self.len != other.len {
            return Some(self.len.min(other.len));
        }
        let zero = [0u8; PAGE];
        let mut pages: Vec<u64> = self.pages.keys().chain(other.pages.keys()).copied().collect();
        pages.sort_unstable();
        pages.dedup();
        pages.into_iter().find_map(|p| {
            let a = self.pages.get(&p).map_or(&zero, |b| &**b);
            let b = other.pages.get(&p).map_or(&zero, |b| &**b);
            a.iter()
                .zip(b)
                .position(|(x, y)| x != y)
                .map(|i| p * PAGE as u64 + i as u64)
        })
    }

    /// The page numbers (of 4 KiB) holding data, in order.
    pub fn used_pages(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.pages.keys().copied().collect();
        v.sort_unstable();
        v
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn read_at(&self, mut at: u64, buf: &mut [u8]) -> Result<()> {
        if at.checked_add(buf.len() as u64).is_none_or(|end| end > self.len) {
            return Err(Error::new(ErrorKind::UnexpectedEof, "read past the end of the device"));
        }
        let mut done = 0;
        while done < buf.len() {
            let (page, off) = (at / PAGE as u64, (at % PAGE as u64) as usize);
            let n = (PAGE - off).min(buf.len() - done);
            match self.pages.get(&page) {
                Some(p) => buf[done..done + n].copy_from_slice(&p[off..off + n]),
                None => buf[done..done + n].fill(0),
            }
            done += n;
            at += n as u64;
        }
        Ok(())
    }

    pub fn write_at(&mut self, mut at: u64, buf: &[u8]) -> Result<()> {
        if at.checked_add(buf.len() as u64).is_none_or(|end| end > self.len) {
            return Err(Error::new(ErrorKind::WriteZero, "write past the end of the device"));
        }
        if !buf.is_empty() {
            let (lo, hi) = self.written.unwrap_or((u64::MAX, 0));
            self.written = Some((lo.min(at), hi.max(at + buf.len() as u64)));
        }
        let mut done = 0;
        while done < buf.len() {
            let (page, off) = (at / PAGE as u64, (at % PAGE as u64) as usize);
            let n = (PAGE - off).min(buf.len() - done);
            let src = &buf[done..done + n];
            if let Some(p) = self.pages.get_mut(&page) {
                p[off..off + n].copy_from_slice(src);
            } else if src.iter().any(|&b| b != 0) {
                let mut p = Box::new([0u8; PAGE]);
                p[off..off + n].copy_from_slice(src);
                self.pages.insert(page, p);
            }
            done += n;
            at += n as u64;
        }
        Ok(())
    }

    /// The device from byte `base` on, `len` bytes, as a std stream (a partition).
    pub fn view(&mut self, base: u64, len: u64) -> View<'_> {
        View {
            dev: self,
            base,
            len,
            pos: 0,
        }
    }
}

/// A window on a [`Sparse`] device: `len` bytes from `base`.
pub struct View<'a> {
    dev: &'a mut Sparse,
    base: u64,
    len: u64,
    pos: u64,
}

impl Read for View<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        let n = (buf.len() as u64).min(self.len.saturating_sub(self.pos)) as usize;
        self.dev.read_at(self.base + self.pos, &mut buf[..n])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Write for View<'_> {
    fn write(&mut self, buf: &[u8]) -> Result<usize> {
        if self.pos.checked_add(buf.len() as u64).is_none_or(|end| end > self.len) {
            return Err(Error::new(ErrorKind::WriteZero, "write past the end of the volume"));
        }
        self.dev.write_at(self.base + self.pos, buf)?;
        self.pos += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<()> {
        Ok(())
    }
}

impl Seek for View<'_> {
    fn seek(&mut self, to: SeekFrom) -> Result<u64> {
        let pos = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
        };
        match pos {
            Some(p) => {
                self.pos = p;
                Ok(p)
            }
            None => Err(Error::new(ErrorKind::InvalidInput, "seek before the start")),
        }
    }
}
