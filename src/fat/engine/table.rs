//! The FAT: entries, chains, the free count (oofatfs's get_fat, put_fat, create_chain,
//! remove_chain, f_getfree, sync_fs).
use super::{eio, le16, le32, BlockDevice, Bpb, Clock, Fs, Result};
use crate::fatlayout::FatKind;

/// The first sector of cluster `c`, 0 for a cluster off the volume (oofatfs's clst2sect).
pub(super) fn clst2sect(p: &Bpb, c: u32) -> u32 {
    let c = c.wrapping_sub(2);
    if c >= p.clusters {
        return 0;
    }
    p.data_start + p.spc * c
}

impl<D: BlockDevice, C: Clock> Fs<'_, D, C> {
    /// The entry of cluster `c`: 1 for a cluster number off the volume (oofatfs's internal
    /// error), else the value (≥ n_fatent: a chain's end, or a link off the volume).
    pub(super) fn get_fat(&mut self, p: &Bpb, c: u32) -> Result<u32> {
        if c < 2 || c >= p.n_fatent() {
            return Ok(1);
        }
        Ok(match p.kind {
            FatKind::Fat12 => {
                let bc = c + c / 2;
                let w = self.fat_byte(p, bc)? | self.fat_byte(p, bc + 1)? << 8;
                if c & 1 == 1 {
                    w >> 4
                } else {
                    w & 0xFFF
                }
            }
            FatKind::Fat16 => {
                self.load_fast(p.fat_start + self.sdiv(c * 2))?;
                let at = self.smod(c * 2) as usize;
                le16(self.cache(), at)
            }
            FatKind::Fat32 => {
                self.load_fast(p.fat_start + self.sdiv(c * 4))?;
                let at = self.smod(c * 4) as usize;
                le32(self.cache(), at) & 0x0FFF_FFFF
            }
        })
    }

    /// Byte `o` of the (first) FAT.
    fn fat_byte(&mut self, p: &Bpb, o: u32) -> Result<u32> {
        self.load_fast(p.fat_start + self.sdiv(o))?;
        let at = self.smod(o) as usize;
        Ok(u32::from(self.cache()[at]))
    }

    /// Set the entry of cluster `c` (in the first FAT: the cache mirrors it to the second).
    pub(super) fn put_fat(&mut self, p: &Bpb, c: u32, v: u32) -> Result<()> {
        if c < 2 || c >= p.n_fatent() {
            return Err(eio());
        }
        match p.kind {
            FatKind::Fat12 => {
                let bc = c + c / 2;
                self.load(p.fat_start + self.sdiv(bc))?;
                let at = self.smod(bc) as usize;
                let b = &mut self.cache()[at];
                *b = if c & 1 == 1 {
                    (*b & 0x0F) | ((v as u8) << 4)
                } else {
                    v as u8
                };
                self.mark_dirty();
                self.load(p.fat_start + self.sdiv(bc + 1))?;
                let at = self.smod(bc + 1) as usize;
                let b = &mut self.cache()[at];
                *b = if c & 1 == 1 {
                    (v >> 4) as u8
                } else {
                    (*b & 0xF0) | ((v >> 8) as u8 & 0x0F)
                };
                self.mark_dirty();
            }
            FatKind::Fat16 => {
                self.load(p.fat_start + self.sdiv(c * 2))?;
                let at = self.smod(c * 2) as usize;
                self.cache()[at..at + 2].copy_from_slice(&(v as u16).to_le_bytes());
                self.mark_dirty();
            }
            FatKind::Fat32 => {
                self.load(p.fat_start + self.sdiv(c * 4))?;
                let at = self.smod(c * 4) as usize;
                let b = self.cache();
                let v = (v & 0x0FFF_FFFF) | (le32(b, at) & 0xF000_0000);
                b[at..at + 4].copy_from_slice(&v.to_le_bytes());
                self.mark_dirty();
            }
        }
        Ok(())
    }

    /// A new cluster at the end of the chain whose last cluster is `clst` (0: a new chain),
    /// found as oofatfs's create_chain finds it: the next cluster if free, else the first
    /// free one after the cluster allocated last.  Ok(0): the volume is full.  A cluster
    /// that already has a successor gives that successor.
    pub(super) fn create_chain(&mut self, p: &Bpb, clst: u32) -> Result<u32> {
        let n = p.n_fatent();
        let (free, last) = (self.vol.free_clst, self.vol.last_clst);
        let mut scl;
        if clst == 0 {
            scl = if last == 0 || last >= n { 1 } else { last };
        } else {
            let cs = self.get_fat(p, clst)?;
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
            let cs = self.get_fat(p, ncl)?;
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
                let cs = self.get_fat(p, ncl)?;
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
        self.put_fat(p, ncl, 0x0FFF_FFFF)?;
        if clst != 0 {
            self.put_fat(p, clst, ncl)?;
        }
        self.vol.last_clst = ncl;
        if self.vol.free_clst <= n - 2 {
            self.vol.free_clst -= 1;
        }
        self.vol.fsi_flag |= 1;
        Ok(ncl)
    }

    /// Free the chain from `clst`; `prev`, when not 0, becomes the end of its chain.
    pub(super) fn remove_chain(&mut self, p: &Bpb, mut clst: u32, prev: u32) -> Result<()> {
        let n = p.n_fatent();
        if clst < 2 || clst >= n {
            return Err(eio());
        }
        if prev != 0 {
            self.put_fat(p, prev, 0x0FFF_FFFF)?;
        }
        loop {
            let nxt = self.get_fat(p, clst)?;
            if nxt == 0 {
                break;
            }
            // A link to cluster 1 ends the chain here, as one past the volume does
            // (oofatfs stops with FR_INT_ERR, leaving the rest of the chain allocated).
            self.put_fat(p, clst, 0)?;
            if self.vol.free_clst < n - 2 {
                self.vol.free_clst += 1;
                self.vol.fsi_flag |= 1;
            }
            clst = nxt;
            if clst < 2 || clst >= n {
                break;
            }
        }
        Ok(())
    }

    /// Free clusters, counted once (oofatfs's f_getfree) and kept up to date after.
    pub fn free_clusters(&mut self, p: &Bpb) -> Result<u32> {
        let n = p.n_fatent();
        let free = self.vol.free_clst;
        if free <= n - 2 {
            return Ok(free);
        }
        let mut nfree = 0u32;
        if p.kind == FatKind::Fat12 {
            // Entries 2k and 2k+1 share bytes 3k..3k+3, read in order; the bytes and
            // sectors read, and where a bad entry stops the count, are oofatfs's get_fat
            // loop's.
            let mut c = 2;
            while c < n {
                let at = c / 2 * 3;
                let (b0, b1) = (self.fat_byte(p, at)?, self.fat_byte(p, at + 1)?);
                let mut e = b0 | (b1 & 0x0F) << 8;
                for k in 0..2 {
                    match e {
                        0 => nfree += 1,
                        // A link to cluster 1: oofatfs's FR_INT_ERR (only its FAT12 count
                        // looks).
                        1 => return Err(eio()),
                        _ => {}
                    }
                    c += 1;
                    if k == 1 || c >= n {
                        break;
                    }
                    e = b1 >> 4 | self.fat_byte(p, at + 2)? << 4;
                }
            }
        } else {
            // Sector by sector: the entries of each counted in one pass over its buffer.
            let w = if p.kind == FatKind::Fat16 { 2 } else { 4 };
            let per = self.ssize() / w;
            let (mut sect, mut left) = (p.fat_start, n);
            while left > 0 {
                self.load(sect)?;
                sect += 1;
                let k = left.min(per);
                let b = self.cache();
                let mut i = 0;
                while i < (k * w) as usize {
                    let v = if w == 2 { le16(b, i) } else { le32(b, i) & 0x0FFF_FFFF };
                    nfree += u32::from(v == 0);
                    i += w as usize;
                }
                left -= k;
            }
        }
        self.vol.free_clst = nfree;
        self.vol.fsi_flag |= 1;
        Ok(nfree)
    }

    /// oofatfs's sync_fs without the device sync: the cache written back, then FAT32's
    /// FSInfo rewritten when the free count or the last cluster changed.
    pub fn sync_volume(&mut self, p: &Bpb) -> Result<()> {
        self.flush_cache()?;
        let (flag, start, free, last) = (
            self.vol.fsi_flag,
            self.vol.start,
            self.vol.free_clst,
            self.vol.last_clst,
        );
        if p.kind != FatKind::Fat32 || flag != 1 {
            return Ok(());
        }
        self.claim(start + 1)?;
        let b = self.cache();
        b.fill(0);
        b[510..512].copy_from_slice(&[0x55, 0xAA]);
        b[0..4].copy_from_slice(&0x4161_5252u32.to_le_bytes());
        b[484..488].copy_from_slice(&0x6141_7272u32.to_le_bytes());
        b[488..492].copy_from_slice(&free.to_le_bytes());
        b[492..496].copy_from_slice(&last.to_le_bytes());
        self.write_cache_to(start + 1)?;
        self.vol.fsi_flag = 0;
        Ok(())
    }
}
