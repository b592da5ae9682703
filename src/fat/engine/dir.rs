//! Directories: a cursor over 32-byte entries (oofatfs's dir_sdi, dir_next, dir_alloc,
//! dir_read, dir_find, dir_register, dir_remove), long names, and how entries are listed.
use super::table::clst2sect;
use super::{eio, le16, AllocHint, BlockDevice, Bpb, Clock, Errno, Fs, Result};
use crate::fatlayout::{self, cp437_char, gen_numname, make_sfn, sfn_checksum, stock_decode, FatKind};
use crate::fatlayout::{NS_BODY, NS_EXT, NS_LFN, NS_LOSS};
use alloc::vec::Vec;

/// Bytes a directory may span (oofatfs's MAX_DIR: 65,536 entries); a chain that loops ends
/// there.
const MAX_DIR: u32 = 0x20_0000;
/// No long name before the entry.
pub(super) const NO_BLK: u32 = u32::MAX;
/// Where the UTF-16 units of a long name sit in its entry.
const LFN_OFS: [usize; 13] = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

/// A position in a directory: the cluster and sector of the entry (sector 0: the end;
/// cluster 0: the fixed root of FAT12/16), and the entry's byte offset from the start.
#[derive(Clone, Copy, Default)]
pub struct Cursor {
    clust: u32,
    pub(super) sect: u32,
    pub(super) dptr: u32,
}

impl Cursor {
    /// The listing is over.
    pub fn finish(&mut self) {
        self.sect = 0;
    }
}

/// A long name being assembled, UTF-16 (oofatfs's LfnBuf, FF_MAX_LFN + 1 units).
pub type LfnBuf = [u16; 256];
/// Room for a listed name: 255 UTF-16 units as UTF-8.
pub type NameBuf = [u8; 768];
/// Room for a short name as listed: 8 + '.' + 3.
pub const SHORT_NAME: usize = 12;

/// An entry found in a directory: its short entry's bytes and place (sector, offset), the
/// directory, its offset there, and where its long name starts (NO_BLK: none).
pub(super) struct Found {
    pub(super) at: (u32, u32),
    pub(super) e: [u8; 32],
    pub(super) dir: u32,
    pub(super) dptr: u32,
    pub(super) blk: u32,
}

impl Found {
    pub(super) fn is_dir(&self) -> bool {
        self.e[11] & 0x10 != 0
    }
}

/// A name to look for or create: its UTF-16 units (an ASCII name's are its bytes: no table
/// is filled for it), its short form and oofatfs's NS flags for it; `sfn_only` looks at
/// short names alone (a numbered name's collisions).
/// `stock`: the name is not ASCII, so stock unix would have written its long name as the
/// CP437 characters of its UTF-8 bytes (`fatlayout::stock_units`); such a long name
/// matches too, so that files stock wrote are found by their names.
pub(super) struct EntryName<'a> {
    units: Units<'a>,
    name: &'a [u8],
    stock: bool,
    sfn: [u8; 11],
    cf: u8,
    sfn_only: bool,
}

/// A name's UTF-16 units.
// The table lives on the stack for one call; boxing it would allocate, and not filling it
// for an ASCII name is the point.
#[allow(clippy::large_enum_variant)]
enum Units<'a> {
    Ascii(&'a [u8]),
    Wide(LfnBuf, usize),
}

impl<'a> EntryName<'a> {
    pub(super) fn new(name: &'a str) -> EntryName<'a> {
        let units = if name.is_ascii() {
            Units::Ascii(name.as_bytes())
        } else {
            let mut lfn = [0u16; 256];
            let mut len = 0;
            for (d, u) in lfn.iter_mut().zip(name.encode_utf16()) {
                *d = u;
                len += 1;
            }
            Units::Wide(lfn, len)
        };
        let name = name.as_bytes();
        let (sfn, cf) = make_sfn(name);
        EntryName {
            units,
            name,
            stock: !name.is_ascii() && name.len() <= 255,
            sfn,
            cf,
            sfn_only: false,
        }
    }

    /// Unit `i` of the name (0 past its end).
    fn unit(&self, i: usize) -> u16 {
        match &self.units {
            Units::Ascii(b) => b.get(i).map_or(0, |&c| u16::from(c)),
            Units::Wide(w, n) => w.get(..*n).and_then(|w| w.get(i)).copied().unwrap_or(0),
        }
    }

    /// The number of units.
    fn len(&self) -> usize {
        match &self.units {
            Units::Ascii(b) => b.len(),
            Units::Wide(_, n) => *n,
        }
    }

    /// Directory entries a new entry of this name takes: the short one, and the long
    /// name's.
    fn entries(&self) -> u32 {
        if self.cf & NS_LFN != 0 {
            (self.len() as u32).div_ceil(13) + 1
        } else {
            1
        }
    }

    /// Unit `i` of the long name stock would have written (0 past its end).
    fn stock_unit(&self, i: usize) -> u16 {
        self.name.get(i).map_or(0, |&b| cp437_char(b))
    }
}

/// Take the part of a long name an entry holds (oofatfs's pick_lfn).
#[inline]
fn pick_lfn(lfn: &mut LfnBuf, d: &[u8]) -> bool {
    if le16(d, 26) != 0 {
        return false;
    }
    let Some(mut i) = usize::from(d[0] & !0x40).checked_sub(1).map(|o| o * 13) else {
        return false;
    };
    let mut wc = 1u32;
    for &o in &LFN_OFS {
        let uc = le16(d, o);
        if wc != 0 {
            if i >= lfn.len() {
                return false;
            }
            lfn[i] = uc as u16;
            wc = uc;
            i += 1;
        } else if uc != 0xFFFF {
            return false;
        }
    }
    if d[0] & 0x40 != 0 && wc != 0 {
        if i >= lfn.len() {
            return false;
        }
        lfn[i] = 0;
    }
    true
}

/// An entry's part of a long name against the name `t` (as stock would have written it,
/// when `stock`), without case (oofatfs's cmp_lfn).  Not generic over the name's units: one
/// copy of the code for both.
fn cmp_lfn(t: &EntryName, stock: bool, d: &[u8]) -> bool {
    let unit = |i| if stock { t.stock_unit(i) } else { t.unit(i) };
    if le16(d, 26) != 0 {
        return false;
    }
    let Some(mut i) = usize::from(d[0] & 0x3F).checked_sub(1).map(|o| o * 13) else {
        return false;
    };
    let mut wc = 1u32;
    for &o in &LFN_OFS {
        let uc = le16(d, o);
        if wc != 0 {
            if i >= 256 || up16(uc as u16) != up16(unit(i)) {
                return false;
            }
            i += 1;
            wc = uc;
        } else if uc != 0xFFFF {
            return false;
        }
    }
    !(d[0] & 0x40 != 0 && wc != 0 && unit(i) != 0)
}

/// oofatfs's ff_wtoupper on one UTF-16 unit.
fn up16(u: u16) -> u16 {
    match char::from_u32(u32::from(u)) {
        Some(c) => {
            let up = fatlayout::upper(c) as u32;
            if up <= 0xFFFF {
                up as u16
            } else {
                u
            }
        }
        None => u,
    }
}

/// Write a long name's part into its entry (oofatfs's put_lfn).
#[inline]
fn put_lfn(unit: impl Fn(usize) -> u16, d: &mut [u8], ord: u8, sum: u8) {
    d[13] = sum;
    d[11] = 0x0F;
    d[12] = 0;
    d[26..28].fill(0);
    let mut i = (usize::from(ord) - 1) * 13;
    let mut wc = 0u16;
    for &o in &LFN_OFS {
        if wc != 0xFFFF {
            wc = unit(i);
            i += 1;
        }
        d[o..o + 2].copy_from_slice(&wc.to_le_bytes());
        if wc == 0 {
            wc = 0xFFFF;
        }
    }
    d[0] = if wc == 0xFFFF || unit(i) == 0 { ord | 0x40 } else { ord };
}

pub(super) fn entry_cluster(p: &Bpb, e: &[u8]) -> u32 {
    let hi = if p.kind == FatKind::Fat32 { le16(e, 20) << 16 } else { 0 };
    hi | le16(e, 26)
}

pub(super) fn set_cluster(p: &Bpb, e: &mut [u8], c: u32) {
    e[26..28].copy_from_slice(&(c as u16).to_le_bytes());
    if p.kind == FatKind::Fat32 {
        e[20..22].copy_from_slice(&((c >> 16) as u16).to_le_bytes());
    }
}

/// A first cluster an entry may have: none (0) or one on the volume.
pub(super) fn cluster_ok(p: &Bpb, c: u32) -> bool {
    c == 0 || (2..p.n_fatent()).contains(&c)
}

/// The directory a subdirectory's entry opens: its first cluster, 0 for the root (a FAT32
/// entry may name the root's cluster).
pub(super) fn subdir(p: &Bpb, e: &Found) -> u32 {
    let c = entry_cluster(p, &e.e);
    if p.kind == FatKind::Fat32 && c == p.root_cluster {
        0
    } else {
        c
    }
}

impl<D: BlockDevice, C: Clock> Fs<'_, D, C> {
    /// (sector, byte offset in it) of the cursor's entry.
    fn entry_at(&self, c: &Cursor) -> (u32, u32) {
        (c.sect, self.smod(c.dptr))
    }

    /// The entry at byte `ofs` of directory `sclust` (0: the root).
    pub(super) fn dir_sdi(&mut self, p: &Bpb, sclust: u32, ofs: u32) -> Result<Cursor> {
        let ss = self.ssize();
        if ofs >= MAX_DIR || !ofs.is_multiple_of(32) {
            return Err(eio());
        }
        let mut clst = sclust;
        if clst == 0 && p.kind == FatKind::Fat32 {
            clst = p.root_cluster;
        }
        let mut rel = ofs;
        let sect = if clst == 0 {
            if self.sdiv(ofs) >= p.root_sectors {
                return Err(eio());
            }
            p.root_start
        } else {
            let csz = p.spc * ss;
            while rel >= csz {
                clst = self.get_fat(p, clst)?;
                if clst < 2 || clst >= p.n_fatent() {
                    return Err(eio());
                }
                rel -= csz;
            }
            clst2sect(p, clst)
        };
        if sect == 0 {
            return Err(eio());
        }
        Ok(Cursor {
            clust: clst,
            sect: sect + self.sdiv(rel),
            dptr: ofs,
        })
    }

    /// Fill cluster `c` with zeros on the device (a new directory's table).
    pub(super) fn dir_clear(&mut self, p: &Bpb, c: u32) -> Result<()> {
        let s = clst2sect(p, c);
        self.cache_overlap(s, p.spc as usize, false)?;
        self.claim(s)?;
        for i in 0..p.spc {
            self.write_cache_to(s + i)?;
        }
        Ok(())
    }

    /// Move to the next entry.  Ok(false) at the end of the table; with `stretch`, a
    /// directory's chain grows by a zeroed cluster instead (EACCES when the volume is
    /// full).
    pub fn dir_next(&mut self, p: &Bpb, c: &mut Cursor, stretch: bool) -> Result<bool> {
        let ofs = c.dptr + 32;
        if ofs >= MAX_DIR {
            c.sect = 0;
        }
        if c.sect == 0 {
            return Ok(false);
        }
        if self.smod(ofs) == 0 {
            c.sect += 1;
            if c.clust == 0 {
                if self.sdiv(ofs) >= p.root_sectors {
                    c.sect = 0;
                    return Ok(false);
                }
            } else if self.sdiv(ofs) & (p.spc - 1) == 0 {
                let mut clst = self.get_fat(p, c.clust)?;
                if clst <= 1 {
                    return Err(eio());
                }
                if clst >= p.n_fatent() {
                    if !stretch {
                        c.sect = 0;
                        return Ok(false);
                    }
                    clst = self.create_chain(p, c.clust)?;
                    if clst == 0 {
                        return Err(Errno::EACCES.into());
                    }
                    self.dir_clear(p, clst)?;
                }
                c.clust = clst;
                c.sect = clst2sect(p, clst);
            }
        }
        c.dptr = ofs;
        Ok(true)
    }

    /// The 32 bytes of the cursor's entry, in the cache.
    pub(super) fn entry_bytes(&mut self, c: &Cursor) -> Result<&mut [u8]> {
        self.load_fast(c.sect)?;
        let off = self.smod(c.dptr) as usize;
        Ok(&mut self.cache()[off..off + 32])
    }

    /// `nent` free entries in a row in directory `sclust` (growing it if need be): the
    /// cursor is on the last of them.  EACCES when there is no room.
    fn dir_alloc(&mut self, p: &Bpb, sclust: u32, nent: u32) -> Result<Cursor> {
        let h = core::mem::take(&mut self.vol.hint);
        let (mut c, mut n) = if h.ok && h.dir == sclust && h.nent == nent && h.seq == self.vol.seq {
            if h.found {
                return Ok(h.at);
            }
            (h.at, h.run)
        } else {
            (self.dir_sdi(p, sclust, 0)?, 0)
        };
        loop {
            let b0 = self.entry_bytes(&c)?[0];
            if b0 == 0xE5 || b0 == 0 {
                n += 1;
                if n == nent {
                    return Ok(c);
                }
            } else {
                n = 0;
            }
            if !self.dir_next(p, &mut c, true)? {
                return Err(Errno::EACCES.into());
            }
        }
    }

    /// The next entry a listing shows, from the cursor on (oofatfs's dir_read): its short
    /// entry (the cursor stays on it) and whether a valid long name for it is in `lfn`.
    /// None at the end.  Deleted entries, dot entries and volume labels are passed over.
    pub fn dir_read(&mut self, p: &Bpb, c: &mut Cursor, lfn: &mut LfnBuf) -> Result<Option<([u8; 32], bool)>> {
        let (mut ord, mut sum) = (0xFFu8, 0xFFu8);
        while c.sect != 0 {
            let mut d = [0u8; 32];
            d.copy_from_slice(self.entry_bytes(c)?);
            let b = d[0];
            if b == 0 {
                c.sect = 0;
                return Ok(None);
            }
            let attr = d[11] & 0x3F;
            if b == 0xE5 || b == b'.' || (attr & !0x20) == 0x08 {
                ord = 0xFF;
            } else if attr == 0x0F {
                let mut b = b;
                if b & 0x40 != 0 {
                    sum = d[13];
                    b &= !0x40;
                    ord = b;
                }
                ord = if b == ord && sum == d[13] && pick_lfn(lfn, &d) {
                    ord.wrapping_sub(1)
                } else {
                    0xFF
                };
            } else {
                let mut n11 = [0u8; 11];
                n11.copy_from_slice(&d[..11]);
                return Ok(Some((d, ord == 0 && sum == sfn_checksum(&n11))));
            }
            if !self.dir_next(p, c, false)? {
                return Ok(None);
            }
        }
        Ok(None)
    }

    /// Find `t` in directory `dir` (oofatfs's dir_find): a long name matches without case,
    /// a short name only when the name is its exact short form.
    pub(super) fn dir_find(&mut self, p: &Bpb, dir: u32, t: &EntryName) -> Result<Option<Found>> {
        let mut c = self.dir_sdi(p, dir, 0)?;
        // dir_alloc's search for the entries a new entry of this name takes, kept
        // alongside.
        let nent = t.entries();
        let mut h = AllocHint {
            dir,
            nent,
            ..AllocHint::default()
        };
        // The long-name sequence being matched, against the name (ord) and against the
        // name as stock would have written it (ord2, see EntryName).
        let (mut ord, mut ord2, mut sum, mut blk) = (0xFFu8, 0xFFu8, 0xFFu8, NO_BLK);
        let mask = self.ssize() - 1;
        loop {
            let d = self.entry_bytes(&c)?;
            let b = d[0];
            if b == 0 {
                if !h.found {
                    h.at = c;
                }
                h.ok = true;
                h.seq = self.vol.seq;
                self.vol.hint = h;
                return Ok(None);
            }
            if b == 0xE5 {
                h.run += 1;
                if h.run == nent && !h.found {
                    (h.found, h.at) = (true, c);
                }
            } else {
                h.run = 0;
            }
            let a = d[11] & 0x3F;
            if b == 0xE5 || (a & 0x08 != 0 && a != 0x0F) {
                (ord, ord2, blk) = (0xFF, 0xFF, NO_BLK);
            } else if a == 0x0F {
                if !t.sfn_only {
                    let mut b = b;
                    if b & 0x40 != 0 {
                        sum = d[13];
                        b &= !0x40;
                        (ord, ord2) = (b, b);
                        blk = c.dptr;
                    }
                    let next = |o: u8, ok: bool| if ok { o.wrapping_sub(1) } else { 0xFF };
                    let here = sum == d[13];
                    ord = next(ord, here && b == ord && cmp_lfn(t, false, d));
                    ord2 = next(ord2, here && t.stock && b == ord2 && cmp_lfn(t, true, d));
                }
            } else {
                let mut n11 = [0u8; 11];
                n11.copy_from_slice(&d[..11]);
                let by_lfn = !t.sfn_only && (ord == 0 || ord2 == 0) && sum == sfn_checksum(&n11);
                let by_sfn = (t.sfn_only || t.cf & NS_LOSS == 0) && n11 == t.sfn;
                if by_lfn || by_sfn {
                    let mut e = [0u8; 32];
                    e.copy_from_slice(d);
                    return Ok(Some(Found {
                        at: (c.sect, c.dptr & mask),
                        e,
                        dir,
                        dptr: c.dptr,
                        blk,
                    }));
                }
                (ord, ord2, blk) = (0xFF, 0xFF, NO_BLK);
            }
            if !self.dir_next(p, &mut c, false)? {
                return Ok(None);
            }
        }
    }

    /// Register a new entry for `t` in directory `dir` (oofatfs's dir_register): a
    /// numbered short name when the name does not fit 8.3, its long-name entries, then
    /// the short entry, zero but for the name and its case flags.  The cursor is on the
    /// short entry.
    pub(super) fn dir_register(&mut self, p: &Bpb, dir: u32, t: &mut EntryName) -> Result<Cursor> {
        let sn = t.sfn;
        if t.cf & NS_LOSS != 0 {
            t.sfn_only = true;
            let mut n = 1;
            while n < 100 {
                // Hashed (past ~5) from the long name stock would write: the same short
                // name.
                t.sfn = if t.stock {
                    gen_numname(&sn, t.name.iter().map(|&b| cp437_char(b)), n)
                } else {
                    gen_numname(&sn, (0..t.len()).map(|i| t.unit(i)), n)
                };
                if self.dir_find(p, dir, t)?.is_none() {
                    break;
                }
                n += 1;
            }
            t.sfn_only = false;
            if n == 100 {
                return Err(Errno::EACCES.into());
            }
        }
        let nent = t.entries();
        let c = self.dir_alloc(p, dir, nent)?;
        if nent > 1 {
            let sum = sfn_checksum(&t.sfn);
            let mut k = nent - 1;
            let mut lc = self.dir_sdi(p, dir, c.dptr - k * 32)?;
            loop {
                put_lfn(|i| t.unit(i), self.entry_bytes(&lc)?, k as u8, sum);
                self.mark_dirty();
                k -= 1;
                if k == 0 {
                    break;
                }
                if !self.dir_next(p, &mut lc, false)? {
                    return Err(eio());
                }
            }
        }
        let d = self.entry_bytes(&c)?;
        d.fill(0);
        d[..11].copy_from_slice(&t.sfn);
        d[12] = t.cf & (NS_BODY | NS_EXT);
        self.mark_dirty();
        Ok(c)
    }

    /// The found entry of a cursor's entry just registered in `dir`.
    #[inline]
    pub(super) fn found_at(&mut self, c: &Cursor, dir: u32) -> Result<Found> {
        let mut e = [0u8; 32];
        e.copy_from_slice(self.entry_bytes(c)?);
        Ok(Found {
            at: self.entry_at(c),
            e,
            dir,
            dptr: c.dptr,
            blk: NO_BLK,
        })
    }

    /// Mark an entry deleted, its long name's entries first (oofatfs's dir_remove).
    pub(super) fn dir_remove(&mut self, p: &Bpb, r: &Found) -> Result<()> {
        let from = if r.blk == NO_BLK { r.dptr } else { r.blk };
        let mut c = self.dir_sdi(p, r.dir, from)?;
        loop {
            self.entry_bytes(&c)?[0] = 0xE5;
            self.mark_dirty();
            if c.dptr >= r.dptr {
                return Ok(());
            }
            if !self.dir_next(p, &mut c, false)? {
                return Err(eio());
            }
        }
    }

    /// Find `name` in directory `dir` (0: the root).
    pub(super) fn find(&mut self, p: &Bpb, dir: u32, name: &str) -> Result<Option<Found>> {
        self.dir_find(p, dir, &EntryName::new(name))
    }

    /// Walk a path by its entries: the entry it names (None for the root), each component
    /// but the last a directory (else ENOENT, oofatfs's FR_NO_PATH).
    pub(super) fn walk(&mut self, comps: &[&str]) -> Result<Option<Found>> {
        let p = self.vol.geo;
        let mut dir = 0;
        let mut found = None;
        for (i, c) in comps.iter().enumerate() {
            let Some(e) = self.find(&p, dir, c)? else {
                return Err(Errno::ENOENT.into());
            };
            if i + 1 < comps.len() {
                if !e.is_dir() {
                    return Err(Errno::ENOENT.into());
                }
                dir = subdir(&p, &e);
            }
            found = Some(e);
        }
        Ok(found)
    }

    /// The first cluster of the directory a path names (0 for the root).
    pub(super) fn dir_cluster(&mut self, p: &Bpb, comps: &[&str]) -> Result<u32> {
        Ok(match self.walk(comps)? {
            None => 0,
            Some(e) if e.is_dir() => subdir(p, &e),
            Some(_) => return Err(Errno::ENOENT.into()),
        })
    }

    /// The entry at (sector, offset).
    pub(super) fn read_entry(&mut self, at: (u32, u32)) -> Result<[u8; 32]> {
        self.load(at.0)?;
        let mut e = [0u8; 32];
        let off = at.1 as usize;
        e.copy_from_slice(&self.cache()[off..off + 32]);
        Ok(e)
    }

    pub(super) fn write_entry(&mut self, at: (u32, u32), e: &[u8; 32]) -> Result<()> {
        self.load(at.0)?;
        let off = at.1 as usize;
        self.cache()[off..off + 32].copy_from_slice(e);
        self.mark_dirty();
        Ok(())
    }

    /// The listed name of a found entry (its long name read again from its entries).
    #[inline]
    pub(super) fn entry_name(&mut self, p: &Bpb, r: &Found) -> Result<Vec<u8>> {
        if r.blk != NO_BLK {
            let mut c = self.dir_sdi(p, r.dir, r.blk)?;
            let mut lfn = [0u16; 256];
            if let Some((d, true)) = self.dir_read(p, &mut c, &mut lfn)? {
                if c.dptr == r.dptr {
                    return Ok(listed_name(&d, Some(&lfn), &mut [0; 768]).to_vec());
                }
            }
        }
        Ok(listed_name(&r.e, None, &mut [0; 768]).to_vec())
    }
}

/// An entry's name in a listing, as oofatfs's get_fileinfo makes it: the long name when
/// it is valid UTF-16 (a lone surrogate makes it invalid), else the short name with its
/// case flags, spaces left out, cut at a NUL (oofatfs's names are C strings) and its bytes
/// unconverted (a name that is not UTF-8 raises UnicodeError, as stock); "?" when both
/// are empty.
/// `out` holds 768 bytes for a long name (255 units of UTF-8), SHORT_NAME for a short one.
pub fn listed_name<'a>(d: &[u8; 32], lfn: Option<&[u16]>, out: &'a mut [u8]) -> &'a [u8] {
    if let Some(units) = lfn {
        let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
        // A long name stock unix wrote (its UTF-8 bytes as CP437 characters): the name it
        // meant, as stock lists it.
        if let Some(n) = stock_decode(&units[..end], out) {
            return &out[..n];
        }
        let units = units.iter().copied().take_while(|&u| u != 0);
        let mut n = 0;
        let mut ok = true;
        for c in char::decode_utf16(units) {
            match c {
                // A control character or U+FFFE/U+FFFF is no name (a corrupt entry: a path
                // could not name it either); 255 units make at most 765 bytes of UTF-8.
                Ok(c) if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {
                    ok = false;
                    break;
                }
                Ok(c) if n + 4 <= out.len() => n += c.encode_utf8(&mut out[n..]).len(),
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && n > 0 {
            return &out[..n];
        }
    }
    let mut n = 0;
    for (i, &b) in d[..11].iter().enumerate() {
        if b == b' ' {
            continue;
        }
        if i == 8 {
            out[n] = b'.';
            n += 1;
        }
        if b == 0 {
            break;
        }
        out[n] = if b == 0x05 { 0xE5 } else { b };
        n += 1;
    }
    if n == 0 {
        out[0] = b'?';
        return &out[..1];
    }
    let mut lcf = NS_BODY;
    for b in out[..n].iter_mut() {
        if *b == b'.' {
            lcf = NS_EXT;
        }
        if b.is_ascii_uppercase() && d[12] & lcf != 0 {
            *b += 0x20;
        }
    }
    &out[..n]
}
