//! Open files: position, reads and writes along the chain (oofatfs's f_lseek, f_read,
//! f_write, f_sync).
use super::dir::set_cluster;
use super::table::clst2sect;
use super::{eio, BlockDevice, Bpb, Clock, Errno, Fs, Result};

pub const F_READABLE: u8 = 1;
pub const F_WRITABLE: u8 = 2;
/// Created, truncated or written since the last flush: the flush writes the entry.
pub const F_MODIFIED: u8 = 4;
/// The entry's first cluster is off the volume: a read or write that needs it is EIO (the
/// engine finds that itself), and so is a seek that would grow the file.
pub const F_BAD: u8 = 8;

/// An open file's state (36 bytes: with its object header, four GC blocks on 64-bit unix
/// as stock's FIL).
#[derive(Clone, Copy, Default)]
pub struct FileState {
    /// First cluster (0: none yet), the cluster of the byte before `pos` (of `pos` when
    /// it is not on a cluster boundary), position and size: oofatfs's sclust, clust,
    /// fptr and objsize.
    pub(super) sclust: u32,
    pub(super) clust: u32,
    pub(super) pos: u32,
    pub(super) size: u32,
    /// Where the file's short entry is (sector, offset in it) and its name: a file whose
    /// entry was removed or moved while open must not write its entry back (oofatfs would
    /// write over whatever took its place).
    pub(super) entry_sector: u32,
    pub(super) entry_off: u16,
    pub(super) name11: [u8; 11],
    /// F_READABLE, F_WRITABLE, F_MODIFIED, F_BAD.
    pub(super) flags: u8,
}

impl FileState {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    pub fn pos(&self) -> u32 {
        self.pos
    }

    pub fn size(&self) -> u32 {
        self.size
    }

    fn entry_at(&self) -> (u32, u32) {
        (self.entry_sector, u32::from(self.entry_off))
    }
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
}

impl<D: BlockDevice, C: Clock> Fs<'_, D, C> {
    fn undo_start(&self) -> Undo {
        Undo {
            end: None,
            first: 0,
            last: 0,
            stray: 0,
            counts: (self.vol.free_clst, self.vol.last_clst, self.vol.fsi_flag),
        }
    }

    fn undo(&mut self, u: &Undo, p: &Bpb) -> Result<()> {
        let Some((end, link)) = u.end else {
            return Ok(());
        };
        for c in (u.first..=u.last).chain((u.stray != 0).then_some(u.stray)) {
            self.put_fat(p, c, 0)?;
        }
        self.put_fat(p, end, link)?;
        (self.vol.free_clst, self.vol.last_clst, self.vol.fsi_flag) = u.counts;
        Ok(())
    }

    /// Bytes in the volume's data area: no sound file goes past them.
    fn volume_bytes(&self, p: &Bpb) -> u64 {
        u64::from(p.clusters) * u64::from(p.spc) * u64::from(self.ssize())
    }

    /// Move to `ofs` (at most the size) along the chain, as oofatfs's f_lseek: from the
    /// current cluster when going forward, else from the first.
    pub fn seek_to(&mut self, p: &Bpb, f: &mut FileState, ofs: u32) -> Result<()> {
        if u64::from(ofs) > self.volume_bytes(p) {
            // Only a looping chain goes that far (see read).
            return Err(eio());
        }
        let bcs = p.spc * self.ssize();
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
                clst = self.get_fat(p, clst)?;
                if clst <= 1 || clst >= p.n_fatent() {
                    return Err(eio());
                }
                f.clust = clst;
            }
        }
        f.pos += ofs;
        Ok(())
    }

    /// Read from the position as oofatfs's f_read: whole sectors straight into the
    /// caller's buffer, in one device call per run of clusters that follow each other on
    /// the disk (oofatfs: per cluster); the rest through the cache.
    pub fn read(&mut self, p: &Bpb, f: &mut FileState, out: &mut [u8]) -> Result<usize> {
        let ss = self.ssize();
        let btr = (out.len() as u64).min(u64::from(f.size.saturating_sub(f.pos))) as usize;
        let mut done = 0;
        while done < btr {
            if u64::from(f.pos) >= self.volume_bytes(p) {
                // A size past the whole volume with a chain that goes on: it loops
                // (oofatfs would read round it for up to 4 GiB).
                return Err(eio());
            }
            let csect = self.sdiv(f.pos) & (p.spc - 1);
            if self.smod(f.pos) == 0 {
                if csect == 0 {
                    let clst = if f.pos == 0 {
                        f.sclust
                    } else {
                        self.get_fat(p, f.clust)?
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
                let whole = self.sdiv((btr - done).min(u32::MAX as usize) as u32) as usize;
                let mut cc = whole.min((p.spc - csect) as usize);
                if cc > 0 {
                    let sect = sect + csect;
                    // Whole sectors wanted past this cluster, in the clusters that follow
                    // it on the disk: read in the same device call.  The sectors and the
                    // FAT entries looked up are oofatfs's, the calls fewer.
                    while D::MAX_SS > 512 && cc < whole && (csect as usize + cc) & (p.spc as usize - 1) == 0 {
                        let next = self.get_fat(p, f.clust)?;
                        if next != f.clust + 1 || next >= p.n_fatent() {
                            break;
                        }
                        f.clust = next;
                        cc += (whole - cc).min(p.spc as usize);
                    }
                    self.cache_overlap(sect, cc, true)?;
                    let n = cc * ss as usize;
                    self.dev_read(sect, &mut out[done..done + n])?;
                    done += n;
                    f.pos += n as u32;
                    continue;
                }
            }
            let sect = clst2sect(p, f.clust);
            if sect == 0 {
                return Err(eio());
            }
            self.load_fast(sect + csect)?;
            let off = self.smod(f.pos) as usize;
            let n = (ss as usize - off).min(btr - done);
            out[done..done + n].copy_from_slice(&self.cache()[off..off + n]);
            done += n;
            f.pos += n as u32;
        }
        Ok(done)
    }

    /// Write at the position as oofatfs's f_write, growing the chain as it goes.  Stops
    /// short when the volume is full.
    pub fn write(&mut self, p: &Bpb, f: &mut FileState, data: &[u8]) -> Result<usize> {
        if f.pos > f.size {
            // A truncate left the position past the end: the gap reads as zeros, as a
            // seek there makes it.
            let target = f.pos;
            if self.seek(p, f, i64::from(target))? < target {
                return Ok(0);
            }
        }
        let ss = self.ssize();
        let btw = (data.len() as u64).min(u64::from(u32::MAX - f.pos)) as usize;
        let mut done = 0;
        let mut merge = D::MAX_SS > 512;
        f.flags |= F_MODIFIED;
        while done < btw {
            let clust_in = f.clust;
            let csect = self.sdiv(f.pos) & (p.spc - 1);
            if self.smod(f.pos) == 0 {
                if csect == 0 {
                    let clst = if f.pos == 0 && f.sclust != 0 {
                        f.sclust
                    } else if f.pos == 0 {
                        self.create_chain(p, 0)?
                    } else {
                        self.create_chain(p, f.clust)?
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
                let whole = self.sdiv((btw - done).min(u32::MAX as usize) as u32) as usize;
                let mut cc = whole.min((p.spc - csect) as usize);
                if cc > 0 {
                    // Whole sectors to write past this cluster: the clusters that follow
                    // are taken first (oofatfs takes each as it gets there: the same
                    // clusters, the same FAT changes), and those next to this one on the
                    // disk are written in the same device call.  A cluster elsewhere is
                    // linked already, so the next turn finds it; a full volume or a
                    // failure ends the run here, and its sectors are written before the
                    // failure is returned, as oofatfs would.
                    let mut failed = None;
                    let mut undo = self.undo_start();
                    while merge && cc < whole && (csect as usize + cc) & (p.spc as usize - 1) == 0 {
                        let cl = f.clust;
                        let link = match self.get_fat(p, cl) {
                            Ok(v) => v,
                            Err(e) => {
                                failed = Some(e);
                                break;
                            }
                        };
                        match self.create_chain(p, cl) {
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
                    self.cache_overlap(sect, cc, false)?;
                    let n = cc * ss as usize;
                    if let Err(e) = self.dev_write(sect, &data[done..done + n]) {
                        // oofatfs writes this cluster before it takes the next: give back
                        // what was taken ahead, and when the device failed (an error code
                        // or an OSError, not an interrupt) go on cluster by cluster as it
                        // does, to fail (or not) where it fails.
                        self.undo(&undo, p)?;
                        f.clust = clust_in;
                        if cc as u32 > p.spc - csect && self.forgive_failure() {
                            merge = false;
                            continue;
                        }
                        return Err(e);
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
                    self.claim(sect)?;
                }
            }
            let sect = clst2sect(p, f.clust);
            if sect == 0 {
                return Err(eio());
            }
            self.load_fast(sect + csect)?;
            let off = self.smod(f.pos) as usize;
            let n = (ss as usize - off).min(btw - done);
            self.cache()[off..off + n].copy_from_slice(&data[done..done + n]);
            self.mark_dirty();
            done += n;
            f.pos += n as u32;
            f.size = f.size.max(f.pos);
        }
        Ok(done)
    }

    /// Write all of `data`, or fail: ENOSPC for a short write (what stock reports).
    pub fn write_all(&mut self, p: &Bpb, f: &mut FileState, data: &[u8]) -> Result<usize> {
        let done = self.write(p, f, data)?;
        if done < data.len() {
            return Err(Errno::ENOSPC.into());
        }
        Ok(done)
    }

    /// Truncate or extend an open, writable file to `size` bytes with CPython's semantics:
    /// the position stays (past the new end it reads nothing, and a write there first
    /// fills the gap with zeros); growing fills zeros from the end, as a seek past it;
    /// shrinking frees the clusters past the new end, as oofatfs's f_truncate.  ENOSPC
    /// when the volume fills while growing (what was filled stays, as after a short write).
    pub fn truncate(&mut self, p: &Bpb, f: &mut FileState, size: u32) -> Result<()> {
        if f.has(F_BAD) {
            return Err(eio());
        }
        let pos = f.pos;
        if size > f.size {
            // Refused before any cluster is taken when the free ones cannot hold it.
            let bcs = p.spc * self.ssize();
            let need = size.div_ceil(bcs) - f.size.div_ceil(bcs);
            if need > self.free_clusters(p)? {
                return Err(Errno::ENOSPC.into());
            }
            let reached = self.seek(p, f, i64::from(size))?;
            self.seek_to(p, f, pos)?;
            return if reached < size {
                Err(Errno::ENOSPC.into())
            } else {
                Ok(())
            };
        }
        if size == f.size {
            return Ok(());
        }
        let n = p.n_fatent();
        if size == 0 {
            if f.sclust != 0 {
                self.remove_chain(p, f.sclust, 0)?;
            }
            (f.sclust, f.clust) = (0, 0);
        } else {
            let bcs = p.spc * self.ssize();
            let mut c = f.sclust;
            for _ in 0..(size - 1) / bcs {
                c = self.get_fat(p, c)?;
                if c < 2 || c >= n {
                    return Err(eio());
                }
            }
            let next = self.get_fat(p, c)?;
            if next >= 2 && next < n {
                self.remove_chain(p, next, c)?;
            }
        }
        f.size = size;
        f.flags |= F_MODIFIED;
        Ok(())
    }

    /// Write an open file's entry back as oofatfs's f_sync (if the entry is still its
    /// own: not removed or renamed since it was opened): the archive attribute, first
    /// cluster, size and modification time; then FSInfo.
    pub fn flush_file(&mut self, p: &Bpb, f: &mut FileState) -> Result<()> {
        let at = f.entry_at();
        let mut e = self.read_entry(at)?;
        if e[0] != 0xE5 && e[0] != 0 && e[..11] == f.name11 {
            e[11] |= 0x20;
            set_cluster(p, &mut e, f.sclust);
            e[28..32].copy_from_slice(&f.size.to_le_bytes());
            e[22..26].copy_from_slice(&self.fattime().to_le_bytes());
            e[18..20].fill(0);
            self.write_entry(at, &e)?;
        }
        f.flags &= !F_MODIFIED;
        self.sync_volume(p)
    }

    /// Seek to `target` (a position from the start, already resolved from whence; a
    /// negative one lands at the end, as oofatfs reads it unsigned): the new position.  A
    /// seek past the end of a writable file grows it, the gap reading as zeros (oofatfs
    /// leaves whatever the clusters held).
    pub fn seek(&mut self, p: &Bpb, f: &mut FileState, target: i64) -> Result<u32> {
        let size = i64::from(f.size);
        let target = if target < 0 { size } else { target.min(u32::MAX as i64) };
        if target > size && f.has(F_WRITABLE) {
            if f.has(F_BAD) {
                return Err(eio());
            }
            self.seek_to(p, f, size as u32)?;
            let zeros = [0u8; 64];
            let mut at = size;
            while at < target {
                let n = ((target - at) as usize).min(zeros.len());
                match self.write(p, f, &zeros[..n])? {
                    0 => break,
                    w => at += w as i64,
                }
            }
            return Ok(at as u32);
        }
        self.seek_to(p, f, target.min(size) as u32)?;
        Ok(f.pos)
    }
}
