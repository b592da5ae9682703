//! Whole-path calls on an [`OwnedFs`], as a host program or a test uses the engine: the
//! same engine calls the binding makes, with "/" as the current directory.
use super::{listed_name, resolve, BlockDevice, Clock, FileState, Mode, OwnedFs, Result, F_MODIFIED};
use alloc::vec;
use alloc::vec::Vec;

/// A directory entry: its name as listed, whether it is a directory, its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub name: Vec<u8>,
    pub is_dir: bool,
    pub size: u32,
}

impl<D: BlockDevice, C: Clock> OwnedFs<D, C> {
    pub fn mkdir(&mut self, path: &str) -> Result<()> {
        let p = resolve(path.as_bytes(), b"/")?;
        self.fs().call(true, |fs, bp| fs.mkdir(bp, &p))
    }

    /// Remove a file (`dir` false) or an empty directory (`dir` true).
    pub fn remove_path(&mut self, path: &str, dir: bool) -> Result<()> {
        let p = resolve(path.as_bytes(), b"/")?;
        self.fs().call(true, |fs, bp| fs.remove(bp, &p, &[], dir))
    }

    pub fn rename_path(&mut self, from: &str, to: &str) -> Result<()> {
        let a = resolve(from.as_bytes(), b"/")?;
        let b = resolve(to.as_bytes(), b"/")?;
        self.fs().call(true, |fs, bp| fs.rename(bp, &a, &b))
    }

    /// Open as `open(path, mode)` does, at the end for an append mode.
    pub fn open_path(&mut self, path: &str, mode: &str) -> Result<FileState> {
        let p = resolve(path.as_bytes(), b"/")?;
        let m = Mode::parse(mode.as_bytes());
        let mut f = self.fs().call(false, |fs, bp| fs.open(bp, &p, &m))?;
        if m.append {
            let size = f.size();
            self.fs().call(false, |fs, bp| fs.seek_to(bp, &mut f, size))?;
        }
        Ok(f)
    }

    pub fn write_to(&mut self, f: &mut FileState, data: &[u8]) -> Result<usize> {
        self.fs().call(false, |fs, bp| fs.write_all(bp, f, data))
    }

    pub fn read_from(&mut self, f: &mut FileState, buf: &mut [u8]) -> Result<usize> {
        self.fs().call(false, |fs, bp| fs.read(bp, f, buf))
    }

    pub fn seek_in(&mut self, f: &mut FileState, to: i64) -> Result<u32> {
        self.fs().call(false, |fs, bp| fs.seek(bp, f, to))
    }

    pub fn truncate_file(&mut self, f: &mut FileState, size: u32) -> Result<()> {
        self.fs().call(false, |fs, bp| fs.truncate(bp, f, size))
    }

    pub fn set_mtime_path(&mut self, path: &str, fattime: u32) -> Result<()> {
        let p = resolve(path.as_bytes(), b"/")?;
        self.fs().call(true, |fs, _| fs.set_mtime(&p, fattime))
    }

    /// Write a file's entry back if it changed (a file object's close).
    pub fn close_file(&mut self, f: &mut FileState) -> Result<()> {
        if !f.has(F_MODIFIED) {
            return Ok(());
        }
        self.fs().call(true, |fs, bp| fs.flush_file(bp, f))
    }

    /// Create or replace a file with `data`.
    pub fn write_file(&mut self, path: &str, data: &[u8]) -> Result<()> {
        let mut f = self.open_path(path, "wb")?;
        self.write_to(&mut f, data)?;
        self.close_file(&mut f)
    }

    /// A whole file, read to its end (not by the size its entry claims).
    pub fn read_file(&mut self, path: &str) -> Result<Vec<u8>> {
        let mut f = self.open_path(path, "rb")?;
        let mut out = Vec::new();
        let mut chunk = vec![0u8; 4096];
        loop {
            let n = self.read_from(&mut f, &mut chunk)?;
            if n == 0 {
                return Ok(out);
            }
            out.extend_from_slice(&chunk[..n]);
        }
    }

    /// (is_dir, size) of what `path` names; None for the root.
    pub fn stat_path(&mut self, path: &str) -> Result<Option<(bool, u32)>> {
        let p = resolve(path.as_bytes(), b"/")?;
        let s = self.fs().call(true, |fs, _| fs.stat(&p))?;
        Ok(s.map(|s| (s.is_dir, s.size)))
    }

    /// (free clusters, clusters, bytes a cluster).
    pub fn usage(&mut self) -> Result<(u32, u32, u32)> {
        let ss = self.vol.sector_size() as u32;
        self.fs()
            .call(true, |fs, bp| Ok((fs.free_clusters(bp)?, bp.clusters, bp.spc * ss)))
    }

    /// A directory's entries in the order they are stored, without "." and "..".
    pub fn list(&mut self, path: &str) -> Result<Vec<Listed>> {
        let p = resolve(path.as_bytes(), b"/")?;
        let mut fs = self.fs();
        let mut cur = fs.call(true, |fs, bp| fs.open_dir(bp, &p))?;
        let mut out = Vec::new();
        let mut lfn = [0u16; 256];
        loop {
            let next = fs.call(false, |fs, bp| fs.next_listed(bp, &mut cur, &mut lfn))?;
            let Some((e, name)) = next else {
                return Ok(out);
            };
            if name != b"." && name != b".." {
                let size = u32::from_le_bytes([e[28], e[29], e[30], e[31]]);
                out.push(Listed {
                    name,
                    is_dir: e[11] & 0x10 != 0,
                    size,
                });
            }
        }
    }
}

/// What a consistency check of a volume found (`OwnedFs::check`): the kinds of damage
/// `fsck.fat` reports, each as a line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub files: u32,
    pub dirs: u32,
    pub problems: Vec<alloc::string::String>,
}

impl<D: BlockDevice, C: Clock> OwnedFs<D, C> {
    /// Walk every directory and follow every chain, as fsck.fat does: chains that leave
    /// the volume, run into a free cluster or share a cluster with another (cross-linked,
    /// or looping), files whose size disagrees with their chain, and clusters the FAT
    /// marks used that nothing holds (lost).  Reads only.
    pub fn check(&mut self) -> Result<Checked> {
        self.fs().call(false, |fs, bp| fs.check_volume(bp))
    }
}

/// How deep `check` follows directories: deeper is taken for a loop in a corrupt volume.
const CHECK_DEPTH: usize = 1024;

impl<D: BlockDevice, C: Clock> super::Fs<'_, D, C> {
    /// The entry at the cursor and its name as listed, the cursor moved past it; None at
    /// the directory's end.
    fn next_listed(
        &mut self,
        bp: &super::Bpb,
        cur: &mut super::Cursor,
        lfn: &mut super::LfnBuf,
    ) -> Result<Option<([u8; 32], Vec<u8>)>> {
        let Some((e, has_lfn)) = self.dir_read(bp, cur, lfn)? else {
            return Ok(None);
        };
        let mut buf = [0u8; 768];
        let name = listed_name(&e, has_lfn.then_some(&lfn[..]), &mut buf).to_vec();
        if !self.dir_next(bp, cur, false)? {
            cur.finish();
        }
        Ok(Some((e, name)))
    }

    fn check_volume(&mut self, bp: &super::Bpb) -> Result<Checked> {
        use alloc::format;
        let n = bp.n_fatent();
        let mut held = vec![false; n as usize];
        let cluster_bytes = bp.spc * self.vol.sector_size() as u32;
        let mut out = Checked::default();
        if bp.kind == crate::fatlayout::FatKind::Fat32 {
            self.follow_chain(bp, bp.root_cluster, "/", &mut held, &mut out)?;
        }
        let mut todo = vec![(0u32, alloc::string::String::new(), 0usize)];
        let mut lfn = [0u16; 256];
        while let Some((dir, path, depth)) = todo.pop() {
            if depth > CHECK_DEPTH {
                out.problems
                    .push(format!("{path}: directories nested deeper than {CHECK_DEPTH}"));
                continue;
            }
            let mut cur = self.dir_sdi(bp, dir, 0)?;
            while let Some((e, name)) = self.next_listed(bp, &mut cur, &mut lfn)? {
                if name == b"." || name == b".." {
                    continue;
                }
                let p = format!("{path}/{}", alloc::string::String::from_utf8_lossy(&name));
                let start = super::dir::entry_cluster(bp, &e);
                let chain = self.follow_chain(bp, start, &p, &mut held, &mut out)?;
                if e[11] & 0x10 != 0 {
                    out.dirs += 1;
                    if start == 0 {
                        out.problems.push(format!("{p}: a directory without a cluster"));
                    } else if chain > 0 {
                        todo.push((start, p, depth + 1));
                    }
                } else {
                    out.files += 1;
                    let size = u32::from_le_bytes([e[28], e[29], e[30], e[31]]);
                    let want = size.div_ceil(cluster_bytes);
                    if chain != want {
                        out.problems.push(format!(
                            "{p}: its size is {size} bytes, its cluster chain {} bytes",
                            u64::from(chain) * u64::from(cluster_bytes)
                        ));
                    }
                }
            }
        }
        let mut lost = 0u32;
        for c in 2..n {
            if !held[c as usize] && self.get_fat(bp, c)? != 0 {
                lost += 1;
            }
        }
        if lost > 0 {
            out.problems.push(format!(
                "{lost} clusters the FAT marks used that no file or directory holds (lost)"
            ));
        }
        Ok(out)
    }

    /// Mark the clusters of the chain from `start` as held; its length in clusters.
    fn follow_chain(
        &mut self,
        bp: &super::Bpb,
        start: u32,
        path: &str,
        held: &mut [bool],
        out: &mut Checked,
    ) -> Result<u32> {
        use alloc::format;
        let n = bp.n_fatent();
        let mut c = start;
        let mut len = 0;
        if c == 0 {
            return Ok(0);
        }
        loop {
            if c < 2 || c >= n {
                out.problems
                    .push(format!("{path}: its chain reaches cluster {c}, off the volume"));
                return Ok(len);
            }
            if held[c as usize] {
                out.problems.push(format!(
                    "{path}: cluster {c} is in another chain too (cross-linked), or the chain loops"
                ));
                return Ok(len);
            }
            held[c as usize] = true;
            len += 1;
            match self.get_fat(bp, c)? {
                0 => {
                    out.problems.push(format!(
                        "{path}: its chain runs into cluster {c}, which the FAT marks free"
                    ));
                    return Ok(len);
                }
                next if next >= n => return Ok(len),
                next => c = next,
            }
        }
    }
}
