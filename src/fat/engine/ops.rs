//! The operations on a mounted volume, as stock's extmod/vfs_fat.c asks oofatfs for them:
//! the same errno for each failure.  Each runs inside a call (`Fs::call`).
use super::dir::{cluster_ok, entry_cluster, set_cluster, subdir, EntryName, Found};
use super::file::{FileState, F_BAD, F_MODIFIED, F_READABLE, F_WRITABLE};
use super::table::clst2sect;
use super::{eio, le32, BlockDevice, Bpb, Clock, Cursor, Errno, Error, FatPath, Fs, Result};
use crate::fatlayout::name_eq;
use alloc::vec::Vec;

/// How a file is opened: the mode string as stock's fat_vfs_open reads it (letters
/// accumulate, unknown ones are ignored).
pub struct Mode {
    pub read: bool,
    pub write: bool,
    pub create: bool,
    pub truncate: bool,
    pub exclusive: bool,
    pub append: bool,
    pub text: bool,
}

impl Mode {
    #[inline]
    pub fn parse(m: &[u8]) -> Mode {
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
}

/// What stat reports of an entry.
pub struct StatInfo {
    pub is_dir: bool,
    pub size: u32,
    pub fdate: u16,
    pub ftime: u16,
}

/// Two absolute paths name the same entry (names compared as FAT compares them).
pub fn same_path(a: &[&str], b: &[&str]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| name_eq(x, y))
}

/// The current directory after `from` was renamed `to`: oofatfs keeps its current
/// directory as a cluster, so it follows a move of the directory or of one of its parents,
/// and so does ours.  None when the move does not touch it.
#[inline]
pub fn cwd_after_rename(from: &[&str], to: &[&str], cwd: &[&str]) -> Option<Vec<u8>> {
    if cwd.len() < from.len() || !same_path(from, &cwd[..from.len()]) {
        return None;
    }
    let mut p = Vec::new();
    p.push(b'/');
    for c in to.iter().chain(&cwd[from.len()..]) {
        p.extend_from_slice(c.as_bytes());
        p.push(b'/');
    }
    Some(p)
}

impl<D: BlockDevice, C: Clock> Fs<'_, D, C> {
    fn check_writable(&self) -> Result<()> {
        if self.dev.read_only() {
            return Err(Errno::EROFS.into());
        }
        Ok(())
    }

    /// For the calls that act on a named entry (stat, open, mkdir, remove, rmdir,
    /// rename): what oofatfs says about the root, a path ending in '/', or one ending in a
    /// dot entry (`dot_ok`: stat follows a dot entry to its directory).
    fn entry_path_error(&mut self, p: &FatPath, dot_ok: bool) -> Result<()> {
        if p.comps.is_empty() || p.bare_root {
            return Err(Errno::EINVAL.into());
        }
        if p.slash || p.dot {
            let is_dir = match self.walk(&p.comps) {
                Ok(Some(e)) => e.is_dir(),
                Err(Error::Device) => return Err(Error::Device),
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

    /// Make a directory, as oofatfs's f_mkdir: a zeroed cluster with the dot entries,
    /// then the entry.
    pub fn mkdir(&mut self, bp: &Bpb, p: &FatPath) -> Result<()> {
        self.check_writable()?;
        if p.comps.is_empty() || p.bare_root || (p.dot && !p.slash) {
            // The root or a dot entry: something already there (FR_EXIST).
            return Err(Errno::EEXIST.into());
        }
        self.entry_path_error(p, false)?;
        let name = &p.comps[p.comps.len() - 1];
        let parent = self.dir_cluster(bp, &p.comps[..p.comps.len() - 1])?;
        let mut t = EntryName::new(name);
        if self.dir_find(bp, parent, &t)?.is_some() {
            return Err(Errno::EEXIST.into());
        }
        let dcl = self.create_chain(bp, 0)?;
        if dcl == 0 {
            return Err(Errno::EACCES.into());
        }
        let tm = self.fattime().to_le_bytes();
        self.dir_clear(bp, dcl)?;
        self.load(clst2sect(bp, dcl))?;
        let b = self.cache();
        b[..11].fill(b' ');
        b[0] = b'.';
        b[11] = 0x10;
        b[22..26].copy_from_slice(&tm);
        set_cluster(bp, &mut b[..32], dcl);
        b.copy_within(0..32, 32);
        b[33] = b'.';
        set_cluster(bp, &mut b[32..64], parent);
        self.mark_dirty();
        match self.dir_register(bp, parent, &mut t) {
            Ok(c) => {
                let d = self.entry_bytes(&c)?;
                d[22..26].copy_from_slice(&tm);
                set_cluster(bp, d, dcl);
                d[11] = 0x10;
                self.mark_dirty();
                self.sync_volume(bp)
            }
            Err(e) => {
                // The cluster goes back (an error here leaves it lost, as in oofatfs).
                let _ = self.remove_chain(bp, dcl, 0);
                Err(e)
            }
        }
    }

    /// remove (`want_dir` false) and rmdir (true), as stock: stat, check the kind, unlink.
    /// `cwd`: the current directory, which rmdir refuses to remove.
    pub fn remove(&mut self, bp: &Bpb, p: &FatPath, cwd: &[&str], want_dir: bool) -> Result<()> {
        self.entry_path_error(p, false)?;
        let Some(r) = self.walk(&p.comps)? else {
            return Err(Errno::EINVAL.into());
        };
        if r.is_dir() != want_dir {
            return Err(if want_dir { Errno::ENOTDIR } else { Errno::EISDIR }.into());
        }
        self.check_writable()?;
        if want_dir && same_path(&p.comps, cwd) {
            // oofatfs refuses to remove its current directory.
            return Err(Errno::EACCES.into());
        }
        self.unlink(bp, &r)?;
        self.sync_volume(bp)
    }

    /// Remove an entry as oofatfs's f_unlink: a read-only one or a directory that is not
    /// empty is refused (EACCES), the entry goes first, then its clusters.  A power cut
    /// between the two leaks clusters rather than leave an entry on free ones.
    fn unlink(&mut self, p: &Bpb, r: &Found) -> Result<()> {
        if r.e[11] & 0x01 != 0 {
            return Err(Errno::EACCES.into());
        }
        let first = entry_cluster(p, &r.e);
        if r.is_dir() {
            let mut c = self.dir_sdi(p, first, 0)?;
            let mut lfn = [0u16; 256];
            if self.dir_read(p, &mut c, &mut lfn)?.is_some() {
                return Err(Errno::EACCES.into());
            }
        }
        self.dir_remove(p, r)?;
        if first != 0 {
            if !r.is_dir() && !cluster_ok(p, first) {
                // A file's chain that starts off the volume: only its entry goes (stock
                // stops there with FR_INT_ERR after removing it; the file is gone either
                // way).
                return Ok(());
            }
            self.flush_cache()?;
            self.remove_chain(p, first, 0)?;
        }
        Ok(())
    }

    /// Rename `pa` to `pb`, as oofatfs's f_rename: the new entry registered while the old
    /// one still holds its place, given everything after the name (attributes, times,
    /// cluster, size), a moved directory's ".." pointed at its new parent, then the old
    /// entry removed.  An existing file at `pb` is replaced, as stock does.
    pub fn rename(&mut self, bp: &Bpb, pa: &FatPath, pb: &FatPath) -> Result<()> {
        self.check_writable()?;
        self.entry_path_error(pa, false)?;
        let (a, b) = (&pa.comps, &pb.comps);
        let Some(from) = self.walk(a)? else {
            return Err(Errno::EINVAL.into());
        };
        if pb.dot && !pb.slash {
            // A dot entry names an existing directory: stock's retry after FR_EXIST
            // finds a directory (EISDIR).
            if b.is_empty() && pb.dot1 && !pb.via_entry {
                return Err(Errno::EINVAL.into());
            }
            let is_dir = b.is_empty() || matches!(self.walk(b)?, Some(ref e) if e.is_dir());
            return Err(if is_dir { Errno::EISDIR } else { Errno::ENOENT }.into());
        }
        self.entry_path_error(pb, false)?;
        let into_itself = from.is_dir() && b.len() > a.len() && same_path(a, &b[..a.len()]);
        let new_parent = self.dir_cluster(bp, &b[..b.len() - 1])?;
        let mut t = EntryName::new(b[b.len() - 1]);
        if let Some(x) = self.dir_find(bp, new_parent, &t)? {
            if x.dir != from.dir || x.dptr != from.dptr {
                // Stock replaces an existing file, and refuses a directory (EISDIR).
                if x.is_dir() {
                    return Err(Errno::EISDIR.into());
                }
                if into_itself {
                    return Err(Errno::EINVAL.into());
                }
                self.unlink(bp, &x)?;
            }
        }
        if into_itself {
            // Into itself: refuse rather than orphan the tree (stock detaches it).
            return Err(Errno::EINVAL.into());
        }
        let c = self.dir_register(bp, new_parent, &mut t)?;
        let d = self.entry_bytes(&c)?;
        d[13..].copy_from_slice(&from.e[13..]);
        d[11] = from.e[11];
        if d[11] & 0x10 == 0 {
            d[11] |= 0x20;
        }
        self.mark_dirty();
        if from.is_dir() && from.dir != new_parent {
            let sect = clst2sect(bp, entry_cluster(bp, &from.e));
            if sect == 0 {
                return Err(eio());
            }
            self.load(sect)?;
            let dd = &mut self.cache()[32..64];
            if dd[1] == b'.' {
                set_cluster(bp, dd, new_parent);
                self.mark_dirty();
            }
        }
        self.dir_remove(bp, &from)?;
        self.sync_volume(bp)
    }

    /// The directory `p` names, as the current directory: "/" or "/a/b/", with the names
    /// as the volume lists them.  ENOENT unless each component is a directory.
    #[inline]
    pub fn chdir_path(&mut self, bp: &Bpb, p: &FatPath) -> Result<Vec<u8>> {
        let comps = &p.comps;
        if p.slash {
            // oofatfs: a trailing '/' leaves no name to follow (EINVAL for a directory).
            return Err(match self.walk(comps)? {
                Some(e) if e.is_dir() => Errno::EINVAL.into(),
                _ => Errno::ENOENT.into(),
            });
        }
        let mut cwd = Vec::new();
        cwd.push(b'/');
        let mut dir = 0;
        for c in comps.iter() {
            match self.find(bp, dir, c)? {
                Some(e) if e.is_dir() => {
                    cwd.extend_from_slice(&self.entry_name(bp, &e)?);
                    cwd.push(b'/');
                    dir = subdir(bp, &e);
                }
                _ => return Err(Errno::ENOENT.into()),
            }
        }
        Ok(cwd)
    }

    /// What stat reports of the entry `p` names; None for the root, which has none.
    #[inline]
    pub fn stat(&mut self, p: &FatPath) -> Result<Option<StatInfo>> {
        self.entry_path_error(p, true)?;
        Ok(self.walk(&p.comps)?.map(|r| {
            let e = r.e;
            StatInfo {
                is_dir: r.is_dir(),
                size: le32(&e, 28),
                fdate: u16::from_le_bytes([e[24], e[25]]),
                ftime: u16::from_le_bytes([e[22], e[23]]),
            }
        }))
    }

    /// Set the modification date and time of the entry `p` names to `fattime` (FAT's
    /// packed format, 2-second steps): what os.utime keeps on FAT.  The root has no entry
    /// to hold a time: EINVAL.
    pub fn set_mtime(&mut self, p: &FatPath, fattime: u32) -> Result<()> {
        self.check_writable()?;
        self.entry_path_error(p, true)?;
        let Some(found) = self.walk(&p.comps)? else {
            return Err(Errno::EINVAL.into());
        };
        let mut e = found.e;
        e[22..26].copy_from_slice(&fattime.to_le_bytes());
        self.write_entry(found.at, &e)
    }

    /// Whether `comps` names a directory (Some(true), the root too) or a file.
    #[inline]
    pub fn lookup_is_dir(&mut self, comps: &[&str]) -> Result<Option<bool>> {
        Ok(self.walk(comps)?.map(|e| e.is_dir()))
    }

    /// A listing of the directory `p` names: a cursor on its first entry.
    #[inline]
    pub fn open_dir(&mut self, bp: &Bpb, p: &FatPath) -> Result<Cursor> {
        let found = self.walk(&p.comps)?;
        if p.slash {
            // As chdir: oofatfs finds no name after a trailing '/'.
            return Err(match found {
                Some(e) if e.is_dir() => Errno::EINVAL.into(),
                _ => Errno::ENOENT.into(),
            });
        }
        let dir = match found {
            None => 0,
            Some(e) if e.is_dir() => subdir(bp, &e),
            // oofatfs's f_opendir on a file: FR_NO_PATH.
            Some(_) => return Err(Errno::ENOENT.into()),
        };
        self.dir_sdi(bp, dir, 0)
    }

    /// Open the file `p` names as oofatfs's f_open (without FA_SEEKEND: `Fs::seek_to` the
    /// size after, in a call of its own, as stock's open does).
    pub fn open(&mut self, bp: &Bpb, p: &FatPath, m: &Mode) -> Result<FileState> {
        if m.write {
            self.check_writable()?;
        }
        self.entry_path_error(p, false)?;
        let comps = &p.comps;
        let parent = self.dir_cluster(bp, &comps[..comps.len() - 1])?;
        let mut t = EntryName::new(comps[comps.len() - 1]);
        let (mut r, created) = match self.dir_find(bp, parent, &t)? {
            Some(r) if r.is_dir() => {
                return Err(if m.create { Errno::EACCES } else { Errno::ENOENT }.into());
            }
            // A read-only file: no overwriting, no writing (FR_DENIED).
            Some(r) if m.write && r.e[11] & 0x01 != 0 => return Err(Errno::EACCES.into()),
            Some(_) if m.exclusive => return Err(Errno::EEXIST.into()),
            Some(r) => (r, false),
            None if m.create => {
                let c = self.dir_register(bp, parent, &mut t)?;
                (self.found_at(&c, parent)?, true)
            }
            None => return Err(Errno::ENOENT.into()),
        };
        // A first cluster off the volume: truncating would free "cluster 1" (the FAT's
        // own reserved entry), reading would read before the data area.  oofatfs opens
        // it and fails each read or write (FR_INT_ERR); a truncating open fails.
        let cl = entry_cluster(bp, &r.e);
        let bad = !cluster_ok(bp, cl);
        if bad && m.truncate {
            return Err(eio());
        }
        if created || m.truncate {
            // As oofatfs's f_open: the entry created, or emptied (its clusters freed after
            // the entry on the volume lost them, so that a power cut between leaks them
            // rather than leave an entry on free clusters), stamped with its creation
            // time.
            let tm = self.fattime();
            let d = &mut r.e;
            d[14..18].copy_from_slice(&tm.to_le_bytes());
            d[11] = 0x20;
            set_cluster(bp, d, 0);
            d[28..32].fill(0);
            self.write_entry(r.at, &r.e)?;
            if cl != 0 {
                self.flush_cache()?;
                self.remove_chain(bp, cl, 0)?;
                // Reuse the hole (oofatfs's last_clst = cl - 1).
                self.vol.last_clst = cl - 1;
            }
        }
        let modified = created || m.truncate;
        let mut name11 = [0u8; 11];
        name11.copy_from_slice(&r.e[..11]);
        let sclust = entry_cluster(bp, &r.e);
        Ok(FileState {
            sclust,
            clust: sclust,
            pos: 0,
            size: le32(&r.e, 28),
            entry_sector: r.at.0,
            entry_off: r.at.1 as u16,
            name11,
            // As oofatfs: no 'r' or '+' in the mode, no reading ("" or "b" open, then
            // EACCES).
            flags: if m.read { F_READABLE } else { 0 }
                | if m.write { F_WRITABLE } else { 0 }
                | if bad { F_BAD } else { 0 }
                | if modified { F_MODIFIED } else { 0 },
        })
    }
}
