//! The layout `VfsFat.mkfs` gives a volume: the same choices as oofatfs's `f_mkfs` with
//! the options stock MicroPython passes (`FM_FAT | FM_SFD`, automatic cluster size, one
//! FAT, 512 root entries, no partition table; FAT32 only when FAT12/16 cannot hold the
//! volume), so that a volume we format has the numbers `statvfs` shows on stock.  One
//! exception: where stock makes FAT16 with 65525 clusters, which the FAT specification (and
//! Linux, Windows) count as FAT32, the volume ends one cluster earlier (65524).  Mounting
//! follows oofatfs's count, so a stock-made volume of 65525 clusters reads as on stock.
//!
//! Pure arithmetic and byte layout, tested on the host; writing the sectors is the
//! caller's job (src/fat/engine/boot.rs).

pub const MAX_FAT12: u32 = 0xFF5;
pub const MAX_FAT16: u32 = 0xFFF5;
pub const MAX_FAT32: u32 = 0x0FFF_FFF5;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FatKind {
    #[default]
    Fat12,
    Fat16,
    Fat32,
}

/// Where everything goes, in sectors from the start of the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub kind: FatKind,
    /// First sector of the volume: 0, or 63 behind an MBR (the FAT32 fallback).
    pub start: u32,
    pub sector_size: u32,
    pub total_sectors: u32,
    pub sectors_per_cluster: u32,
    pub reserved: u32,
    pub fat_sectors: u32,
    pub root_dir_sectors: u32,
    pub clusters: u32,
}

const N_FATS: u32 = 1;
const N_ROOTDIR: u32 = 512;
/// Cluster-size steps for FAT12/16 (volume size in units of 4K sectors) and FAT32 (128K).
const CST: [u32; 6] = [1, 4, 16, 64, 256, 512];
const CST32: [u32; 6] = [1, 2, 4, 8, 16, 32];

fn auto_au(table: &[u32; 6], n: u32) -> u32 {
    let mut pau = 1;
    for &b in table {
        if b > n {
            break;
        }
        pau <<= 1;
    }
    pau
}

/// The layout oofatfs's f_mkfs picks for `total_sectors` sectors of `ss` bytes, trying
/// FAT12/16 first and FAT32 when that fails, as stock's VfsFat.mkfs does.  None when the
/// volume is too small or too large (stock: OSError EIO, FR_MKFS_ABORTED).
pub fn layout(total_sectors: u32, ss: u32) -> Option<Layout> {
    layout_for(total_sectors, ss, false).or_else(|| layout_for(total_sectors, ss, true))
}

fn layout_for(sz_vol: u32, ss: u32, fat32: bool) -> Option<Layout> {
    if !(512..=4096).contains(&ss) || !ss.is_power_of_two() {
        return None;
    }
    // Stock's FAT32 retry drops FM_SFD: the volume then starts at 63, behind an MBR.
    let b_vol = if fat32 { 63 } else { 0 };
    let sz_vol = sz_vol.checked_sub(b_vol)?;
    if sz_vol < 22 {
        return None;
    }
    // A transcription of f_mkfs's retry loop: `au` is the cluster size asked for (0 =
    // automatic, and it is set at most once by a retry), `kind` once FAT12 stays FAT12.
    let mut au: u32 = 0;
    let mut kind = if fat32 { FatKind::Fat32 } else { FatKind::Fat16 };
    loop {
        let mut pau = au;
        let (sz_fat, sz_rsv, sz_dir);
        if kind == FatKind::Fat32 {
            if pau == 0 {
                pau = auto_au(&CST32, sz_vol / 0x20000);
            }
            let n_clst = sz_vol / pau;
            if n_clst <= MAX_FAT16 || n_clst > MAX_FAT32 {
                return None;
            }
            // In 32 bits (no 64-bit division on a Cortex-M): n_clst * 4 fits.
            sz_fat = (n_clst * 4 + 8).div_ceil(ss);
            sz_rsv = 32;
            sz_dir = 0;
        } else {
            if pau == 0 {
                pau = auto_au(&CST, sz_vol / 0x1000);
            }
            let n_clst = sz_vol / pau;
            let bytes = if n_clst > MAX_FAT12 {
                n_clst * 2 + 4
            } else {
                kind = FatKind::Fat12;
                (n_clst * 3).div_ceil(2) + 3
            };
            sz_fat = bytes.div_ceil(ss);
            sz_rsv = 1;
            sz_dir = N_ROOTDIR * 32 / ss;
        }
        // The erase block is one sector (stock's disk_ioctl says so): no alignment.
        let b_data = sz_rsv + sz_fat * N_FATS + sz_dir;
        if u64::from(sz_vol) < u64::from(b_data) + u64::from(pau) * 16 {
            return None;
        }
        let n_clst = (sz_vol - b_data) / pau;
        let retry = |au: &mut u32, next: u32, limit: u32| {
            if *au == 0 {
                *au = next;
                return next != 0 && next <= limit;
            }
            false
        };
        if kind == FatKind::Fat32 && n_clst <= MAX_FAT16 {
            if retry(&mut au, pau / 2, u32::MAX) {
                continue;
            }
            return None;
        }
        if kind == FatKind::Fat16 {
            if n_clst > MAX_FAT16 {
                if au == 0 && pau * 2 <= 64 {
                    au = pau * 2;
                    continue;
                }
                if retry(&mut au, pau * 2, 128) {
                    continue;
                }
                return None;
            }
            if n_clst <= MAX_FAT12 {
                if retry(&mut au, pau * 2, 128) {
                    continue;
                }
                return None;
            }
        }
        if kind == FatKind::Fat12 && n_clst > MAX_FAT12 {
            return None;
        }
        // 65525 clusters is FAT16 to oofatfs but FAT32 to the FAT specification (and
        // Linux, Windows), which will not mount it: end the volume before
        // its last cluster, FAT16 to every reader (stock keeps 65525).
        let (sz_vol, n_clst) = if kind == FatKind::Fat16 && n_clst == MAX_FAT16 {
            (b_data + (n_clst - 1) * pau, n_clst - 1)
        } else {
            (sz_vol, n_clst)
        };
        return Some(Layout {
            kind,
            start: b_vol,
            sector_size: ss,
            total_sectors: sz_vol,
            sectors_per_cluster: pau,
            reserved: sz_rsv,
            fat_sectors: sz_fat,
            root_dir_sectors: sz_dir,
            clusters: n_clst,
        });
    }
}

impl Layout {
    pub fn fat_start(&self) -> u32 {
        self.start + self.reserved
    }

    /// The partition table stock writes in front of a FAT32 volume (one partition).
    pub fn mbr_sector(&self, buf: &mut [u8]) {
        buf.fill(0);
        let e = &mut buf[446..462];
        e[1] = 1;
        e[2] = 1;
        e[4] = 0x0C;
        let n = (self.start + self.total_sectors) / (63 * 255);
        e[5] = 254;
        e[6] = (((n >> 2) & 0xC0) | 63) as u8;
        e[7] = n as u8;
        e[8..12].copy_from_slice(&self.start.to_le_bytes());
        e[12..16].copy_from_slice(&self.total_sectors.to_le_bytes());
        buf[510] = 0x55;
        buf[511] = 0xAA;
    }

    /// The volume boot record (sector 0), `ss` bytes; `vsn` is the volume serial number
    /// (stock uses the FAT timestamp of the moment), `label` the 11-byte label.
    pub fn boot_sector(&self, buf: &mut [u8], vsn: u32, label: &[u8; 11]) {
        buf.fill(0);
        buf[..11].copy_from_slice(b"\xEB\xFE\x90MSDOS5.0");
        buf[11..13].copy_from_slice(&(self.sector_size as u16).to_le_bytes());
        buf[13] = self.sectors_per_cluster as u8;
        buf[14..16].copy_from_slice(&(self.reserved as u16).to_le_bytes());
        buf[16] = N_FATS as u8;
        let root_entries = if self.kind == FatKind::Fat32 {
            0
        } else {
            N_ROOTDIR as u16
        };
        buf[17..19].copy_from_slice(&root_entries.to_le_bytes());
        if self.total_sectors < 0x10000 {
            buf[19..21].copy_from_slice(&(self.total_sectors as u16).to_le_bytes());
        } else {
            buf[32..36].copy_from_slice(&self.total_sectors.to_le_bytes());
        }
        buf[21] = 0xF8;
        buf[24..26].copy_from_slice(&63u16.to_le_bytes());
        buf[26..28].copy_from_slice(&255u16.to_le_bytes());
        buf[28..32].copy_from_slice(&self.start.to_le_bytes());
        if self.kind == FatKind::Fat32 {
            buf[67..71].copy_from_slice(&vsn.to_le_bytes());
            buf[36..40].copy_from_slice(&self.fat_sectors.to_le_bytes());
            buf[44..48].copy_from_slice(&2u32.to_le_bytes());
            buf[48..50].copy_from_slice(&1u16.to_le_bytes());
            buf[50..52].copy_from_slice(&6u16.to_le_bytes());
            buf[64] = 0x80;
            buf[66] = 0x29;
            buf[71..82].copy_from_slice(label);
            buf[82..90].copy_from_slice(b"FAT32   ");
        } else {
            buf[39..43].copy_from_slice(&vsn.to_le_bytes());
            buf[22..24].copy_from_slice(&(self.fat_sectors as u16).to_le_bytes());
            buf[36] = 0x80;
            buf[38] = 0x29;
            buf[43..54].copy_from_slice(label);
            buf[54..62].copy_from_slice(b"FAT     ");
        }
        buf[510] = 0x55;
        buf[511] = 0xAA;
    }

    /// The FAT32 FSInfo sector.
    pub fn fsinfo_sector(&self, buf: &mut [u8]) {
        buf.fill(0);
        buf[0..4].copy_from_slice(&0x4161_5252u32.to_le_bytes());
        buf[484..488].copy_from_slice(&0x6141_7272u32.to_le_bytes());
        buf[488..492].copy_from_slice(&(self.clusters - 1).to_le_bytes());
        buf[492..496].copy_from_slice(&2u32.to_le_bytes());
        buf[510] = 0x55;
        buf[511] = 0xAA;
    }

    /// The first bytes of the (first sector of the) FAT: the media and end-of-chain
    /// entries 0 and 1, and for FAT32 the root directory's chain end.
    pub fn fat_head(&self, buf: &mut [u8]) {
        match self.kind {
            FatKind::Fat12 => buf[..4].copy_from_slice(&0x00FF_FFF8u32.to_le_bytes()),
            FatKind::Fat16 => buf[..4].copy_from_slice(&0xFFFF_FFF8u32.to_le_bytes()),
            FatKind::Fat32 => {
                buf[..4].copy_from_slice(&0xFFFF_FFF8u32.to_le_bytes());
                buf[4..8].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
                buf[8..12].copy_from_slice(&0x0FFF_FFFFu32.to_le_bytes());
            }
        }
    }

    /// Sectors cleared after the FAT: the root directory (FAT32: its first cluster).
    pub fn root_sectors(&self) -> u32 {
        if self.kind == FatKind::Fat32 {
            self.sectors_per_cluster
        } else {
            self.root_dir_sectors
        }
    }
}

// Names: comparison and short names, as oofatfs makes them.

pub fn name_eq(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars().map(upper).eq(b.chars().map(upper))
}

/// A long name (UTF-16 code units) is `name` but for case; an unpaired surrogate never
/// matches.
pub fn ucs2_name_eq(units: impl Iterator<Item = u16>, name: &str) -> bool {
    let mut ours = char::decode_utf16(units);
    let mut theirs = name.chars();
    loop {
        match (ours.next(), theirs.next()) {
            (None, None) => return true,
            (Some(Ok(a)), Some(b)) if a == b || upper(a) == upper(b) => {}
            _ => return false,
        }
    }
}

/// Upper case for comparing names, as oofatfs's ff_wtoupper does for the scripts names
/// are usually written in (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic, full-width
/// Latin), without core's full Unicode table (12 KB of flash).
pub fn upper(c: char) -> char {
    let u = c as u32;
    let up = match u {
        0x61..=0x7A | 0xE0..=0xFE if u != 0xF7 => u - 0x20,
        0xFF => 0x178,
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 if u & 1 == 1 => u - 1,
        0x139..=0x148 | 0x179..=0x17E if u & 1 == 0 => u - 1,
        0x37B..=0x37D => u + 0x82,
        0x3AC => 0x386,
        0x3AD..=0x3AF => u - 0x25,
        0x3B1..=0x3CB if u != 0x3C2 => u - 0x20,
        0x3C2 => 0x3A3,
        0x3CC => 0x38C,
        0x3CD..=0x3CE => u - 0x3F,
        0x3F2 => 0x3F9,
        0x3F8 | 0x3FB => u - 1,
        0x430..=0x44F => u - 0x20,
        0x450..=0x45F => u - 0x50,
        0x3D8..=0x3EF | 0x460..=0x481 | 0x48A..=0x4BF | 0x4D0..=0x513 if u & 1 == 1 => u - 1,
        0x4C1..=0x4CE if u & 1 == 0 => u - 1,
        0x4CF => 0x4C0,
        0xFF41..=0xFF5A => u - 0x20,
        _ => u,
    };
    char::from_u32(up).unwrap_or(c)
}

/// oofatfs's checksum of a short name, carried by each of its long-name entries.
pub fn sfn_checksum(n: &[u8; 11]) -> u8 {
    n.iter().fold(0u8, |s, &c| s.rotate_right(1).wrapping_add(c))
}

/// oofatfs's NS flags of a name: a short form that loses information (a numbered name is
/// needed), a long name needed, a lower-case base or extension (stored in the entry).
pub const NS_LOSS: u8 = 0x01;
pub const NS_LFN: u8 = 0x02;
pub const NS_BODY: u8 = 0x08;
pub const NS_EXT: u8 = 0x10;

/// CP437's upper case of 0x80..=0xFF (oofatfs's ExCvt for code page 437).
const CP437_UPPER: [u8; 128] = [
    0x80, 0x9A, 0x45, 0x41, 0x8E, 0x41, 0x8F, 0x80, 0x45, 0x45, 0x45, 0x49, 0x49, 0x49, 0x8E, 0x8F, //
    0x90, 0x92, 0x92, 0x4F, 0x99, 0x4F, 0x55, 0x55, 0x59, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, //
    0x41, 0x49, 0x4F, 0x55, 0xA5, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, //
    0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF, //
    0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, //
    0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, //
    0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, //
    0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF, //
];

/// The short form of a name (its UTF-8 bytes, trailing dots and spaces already gone) and
/// its NS flags, as oofatfs's create_name makes them on stock unix (FF_LFN_UNICODE 0,
/// code page 437: each byte of the UTF-8 is one CP437 character there): spaces and all
/// dots but the last dropped, upper case, 8 + 3 characters, `+,;=[]` as '_'.  So a name
/// has the same short entry on both.
pub fn make_sfn(lfn: &[u8]) -> ([u8; 11], u8) {
    let at = |i: usize| lfn.get(i).copied().unwrap_or(0);
    let mut cf = 0u8;
    let mut si = 0;
    while at(si) == b' ' {
        si += 1;
    }
    if si > 0 || at(si) == b'.' {
        cf |= NS_LOSS | NS_LFN;
    }
    // di: just after the last dot (0: none).
    let mut di = lfn.len();
    while di > 0 && at(di - 1) != b'.' {
        di -= 1;
    }
    let mut sfn = [b' '; 11];
    let (mut i, mut ni, mut b) = (0usize, 8usize, 0u8);
    loop {
        let wc = at(si);
        si += 1;
        if wc == 0 {
            break;
        }
        if wc == b' ' || (wc == b'.' && si != di) {
            cf |= NS_LOSS | NS_LFN;
            continue;
        }
        if i >= ni || si == di {
            if ni == 11 {
                cf |= NS_LOSS | NS_LFN;
                break;
            }
            if si != di {
                cf |= NS_LOSS | NS_LFN;
            }
            if si > di {
                break;
            }
            (si, i, ni) = (di, 8, 11);
            b <<= 2;
            continue;
        }
        let mut c = wc;
        if c >= 0x80 {
            cf |= NS_LFN;
            c = CP437_UPPER[usize::from(c & 0x7F)];
        }
        if matches!(c, b'+' | b',' | b';' | b'=' | b'[' | b']') {
            c = b'_';
            cf |= NS_LOSS | NS_LFN;
        } else if c.is_ascii_uppercase() {
            b |= 2;
        } else if c.is_ascii_lowercase() {
            b |= 1;
            c -= 0x20;
        }
        sfn[i] = c;
        i += 1;
    }
    if sfn[0] == 0xE5 {
        sfn[0] = 0x05;
    }
    if ni == 8 {
        b <<= 2;
    }
    if b & 0x0C == 0x0C || b & 0x03 == 0x03 {
        cf |= NS_LFN;
    }
    if cf & NS_LFN == 0 {
        if b & 0x01 != 0 {
            cf |= NS_EXT;
        }
        if b & 0x04 != 0 {
            cf |= NS_BODY;
        }
    }
    (sfn, cf)
}

/// CP437's characters 0x80..=0xFF in Unicode (oofatfs's uc437).
const CP437_UNI: [u16; 128] = [
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC,
    0x00C4, 0x00C5, //
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5,
    0x20A7, 0x0192, //
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1,
    0x00AB, 0x00BB, //
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C,
    0x255B, 0x2510, //
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550,
    0x256C, 0x2567, //
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C,
    0x2590, 0x2580, //
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6,
    0x03B5, 0x2229, //
    0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2,
    0x25A0, 0x00A0, //
];

/// The long name stock unix writes for `name` (FF_LFN_UNICODE 0, code page 437: each byte
/// of the UTF-8 becomes the CP437 character of that value), into `out`; its length, or
/// None when it is the name itself (all ASCII) or longer than a long name can be.
pub fn stock_units(name: &[u8], out: &mut [u16]) -> Option<usize> {
    if name.is_ascii() || name.len() > 255 || name.len() > out.len() {
        return None;
    }
    for (d, &b) in out.iter_mut().zip(name) {
        *d = cp437_char(b);
    }
    Some(name.len())
}

/// The Unicode character of a CP437 byte.
pub fn cp437_char(b: u8) -> u16 {
    if b < 0x80 {
        u16::from(b)
    } else {
        CP437_UNI[usize::from(b - 0x80)]
    }
}

/// The name stock unix meant by a long name it wrote (the reverse of `stock_units`): when
/// every unit is ASCII or a CP437 character, at least one is not ASCII, and their CP437
/// bytes are UTF-8, those bytes, into `out`; else None (a long name in real UTF-16, as we
/// and PCs write them).
pub fn stock_decode(units: &[u16], out: &mut [u8]) -> Option<usize> {
    if units.len() > out.len() || units.iter().all(|&u| u < 0x80) {
        return None;
    }
    for (d, &u) in out.iter_mut().zip(units) {
        *d = if u < 0x80 {
            u as u8
        } else {
            0x80 + CP437_UNI.iter().position(|&c| c == u)? as u8
        };
    }
    core::str::from_utf8(&out[..units.len()]).ok()?;
    Some(units.len())
}

/// The numbered short name number `seq` for a name (oofatfs's gen_numname): "~1" to "~5"
/// on the base, then a hash of the long name in hex.
pub fn gen_numname(src: &[u8; 11], lfn: impl IntoIterator<Item = u16>, seq: u32) -> [u8; 11] {
    let mut dst = *src;
    let mut seq = seq;
    if seq > 5 {
        let mut sr = seq;
        for u in lfn.into_iter().take_while(|&u| u != 0) {
            let mut wc = u;
            for _ in 0..16 {
                sr = (sr << 1) + u32::from(wc & 1);
                wc >>= 1;
                if sr & 0x10000 != 0 {
                    sr ^= 0x11021;
                }
            }
        }
        seq = sr;
    }
    let mut ns = [0u8; 8];
    let mut i = 7;
    loop {
        let c = (seq % 16) as u8 + b'0';
        ns[i] = if c > b'9' { c + 7 } else { c };
        i -= 1;
        seq /= 16;
        if seq == 0 {
            break;
        }
    }
    ns[i] = b'~';
    let mut j = 0;
    while j < i && dst[j] != b' ' {
        j += 1;
    }
    loop {
        dst[j] = if i < 8 {
            i += 1;
            ns[i - 1]
        } else {
            b' '
        };
        j += 1;
        if j >= 8 {
            break;
        }
    }
    dst
}

/// The short name a name has on its own, with oofatfs's case flags (0x08: lower-case
/// base, 0x10: lower-case extension), when it needs no long name: 8.3, characters valid
/// in a short name, each part in one case.
pub fn plain_short_name(name: &str) -> Option<([u8; 11], u8)> {
    let b = name.as_bytes();
    let (base, ext) = match b.iter().rposition(|&c| c == b'.') {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &[][..]),
    };
    let ok = |c: &u8| c.is_ascii_alphanumeric() || b"!#$%&'()-@^_`{}~".contains(c);
    if base.is_empty() || base.len() > 8 || ext.len() > 3 || !base.iter().chain(ext).all(ok) {
        return None;
    }
    let case = |part: &[u8], flag: u8| -> Option<u8> {
        let lower = part.iter().any(u8::is_ascii_lowercase);
        let upper = part.iter().any(u8::is_ascii_uppercase);
        match (lower, upper) {
            (true, true) => None,
            (true, false) => Some(flag),
            _ => Some(0),
        }
    };
    let flags = case(base, 0x08)? | case(ext, 0x10)?;
    let mut n = [b' '; 11];
    for (d, c) in n.iter_mut().zip(base) {
        *d = c.to_ascii_uppercase();
    }
    for (d, c) in n[8..].iter_mut().zip(ext) {
        *d = c.to_ascii_uppercase();
    }
    Some((n, flags))
}

/// FAT's packed date and time (2-second steps) of `secs` seconds since 1970-01-01 00:00,
/// or None where FAT cannot hold it (before 1980, after 2107).
pub fn fattime_from_unix(secs: i64) -> Option<u32> {
    // Days to a civil date (proleptic Gregorian; Howard Hinnant's days_from_civil inverse).
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(1980..=2107).contains(&year) {
        return None;
    }
    let (h, m, s) = ((rem / 3600) as u32, (rem / 60 % 60) as u32, (rem % 60) as u32);
    Some(((year as u32 - 1980) << 25) | (month << 21) | (day << 16) | (h << 11) | (m << 5) | (s / 2))
}

#[cfg(test)]
mod tests {
    #[test]
    fn fattime_from_unix_packs_fat_dates() {
        use super::fattime_from_unix as f;
        assert_eq!(f(315_532_800), Some(1 << 21 | 1 << 16)); // 1980-01-01 00:00:00
        assert_eq!(f(315_532_799), None);
        // 2024-02-29 23:59:59: a leap day, odd seconds round down
        assert_eq!(
            f(1_709_251_199),
            Some(44 << 25 | 2 << 21 | 29 << 16 | 23 << 11 | 59 << 5 | 29)
        );
        // 2107-12-31 23:59:58 is the last FAT time; 2108 is out
        assert_eq!(
            f(4_354_819_198),
            Some(127 << 25 | 12 << 21 | 31 << 16 | 23 << 11 | 59 << 5 | 29)
        );
        assert_eq!(f(4_354_819_200), None);
        assert_eq!(f(-1), None);
    }

    use super::*;

    // (sectors, sector size) -> (sectors per cluster, FAT sectors, clusters) as stock
    // MicroPython 1.26.1's VfsFat.mkfs lays them out (read back from its statvfs and boot
    // sector; 22 sectors of 512 fails there too).
    #[test]
    fn matches_oofatfs() {
        for (n, ss, spc, fat, clusters) in [
            (50, 512, 1, 1, 16),
            (1024, 512, 1, 4, 987),
            (4096, 512, 2, 7, 2028),
            (8200, 512, 4, 7, 2040),
            (65536, 512, 8, 33, 8183),
            (16384, 4096, 4, 3, 4094),
            (70000, 512, 8, 35, 8741),
            (131072, 512, 8, 65, 16371),
            (32, 4096, 1, 1, 26),
            (4119, 512, 2, 7, 2039),
            (4200, 1024, 2, 4, 2089),
        ] {
            let l = layout(n, ss).unwrap();
            assert_eq!(
                (l.sectors_per_cluster, l.fat_sectors, l.clusters),
                (spc, fat, clusters),
                "{n}x{ss}"
            );
            let kind = if clusters <= MAX_FAT12 {
                FatKind::Fat12
            } else {
                FatKind::Fat16
            };
            assert_eq!(l.kind, kind, "{n}x{ss}");
        }
        assert_eq!(layout(22, 512), None);
    }

    #[test]
    fn names() {
        assert!(name_eq("Foo.TXT", "foo.txt"));
        assert!(name_eq("\u{e9}t\u{e9}", "\u{c9}T\u{c9}"));
        assert!(name_eq(
            "\u{441}\u{43b}\u{43e}\u{432}\u{43e}",
            "\u{421}\u{41b}\u{41e}\u{412}\u{41e}"
        ));
        assert!(!name_eq("a", "b"));
        assert!(ucs2_name_eq("Caf\u{e9}.TXT".encode_utf16(), "CAF\u{c9}.txt"));
        assert!(!ucs2_name_eq([0xD800u16, 0x41].into_iter(), "\u{fffd}A"));
        assert!(!ucs2_name_eq("abc".encode_utf16(), "ab"));
        assert_eq!(upper('\u{ff}'), '\u{178}');
        assert_eq!(upper('\u{3c2}'), '\u{3a3}');
        assert_eq!(plain_short_name("foo_file.txt"), Some((*b"FOO_FILETXT", 0x18)));
        assert_eq!(plain_short_name("README"), Some((*b"README     ", 0)));
        assert_eq!(plain_short_name("Mixed.txt"), None);
        assert_eq!(plain_short_name("a b"), None);
        assert_eq!(plain_short_name("longername.txt"), None);
        // The checksum long-name entries carry (FAT specification's example algorithm).
        assert_eq!(sfn_checksum(b"FOO     BAR"), {
            let mut s = 0u8;
            for &c in b"FOO     BAR" {
                s = ((if s & 1 != 0 { 0x80 } else { 0 }) + (s >> 1)).wrapping_add(c);
            }
            s
        });
        // 4 GiB: too big for FAT16, so FAT32 behind an MBR (stock's statvfs: 131054).
        let l = layout(8_388_608, 512).unwrap();
        assert_eq!(
            (l.kind, l.start, l.sectors_per_cluster, l.clusters),
            (FatKind::Fat32, 63, 64, 131_054)
        );
        assert_eq!(layout(21, 512), None);
        assert_eq!(layout(100, 1000), None);
    }

    // Found by fuzz/ (fat_layout): 4193937 sectors of 512 gave FAT16 with 65525
    // clusters, oofatfs's largest FAT16, which the FAT specification (Linux, Windows)
    // counts as FAT32 (our mount, on lamfat then, was ENODEV after our own mkfs).
    #[test]
    fn no_fat16_with_65525_clusters() {
        for n in [4_193_937, 2_097_089, 8_387_492] {
            let l = layout(n, 512).unwrap();
            assert_eq!((l.kind, l.clusters), (FatKind::Fat16, MAX_FAT16 - 1), "{n}");
            let b_data = l.reserved + l.fat_sectors + l.root_dir_sectors;
            assert_eq!((l.total_sectors - b_data) / l.sectors_per_cluster, l.clusters, "{n}");
        }
        // Stock's numbers but for the last cluster (stock: 65525 clusters of 64 sectors).
        let l = layout(4_193_937, 512).unwrap();
        assert_eq!(
            (l.sectors_per_cluster, l.fat_sectors, l.total_sectors),
            (64, 256, 4_193_825)
        );
    }

    // Found by fuzz/ (fat_names): upper() against oofatfs's ff_wtoupper.
    #[test]
    fn upper_as_oofatfs() {
        // Dotless i has no upper case there (it made "ı" and "İ" one name).
        assert_eq!(upper('\u{131}'), '\u{131}');
        assert!(!name_eq("\u{131}.txt", "\u{130}.TXT"));
        // Greek with tonos, Greek and Cyrillic letters past the basic alphabets.
        for (lower, up) in [
            ('\u{3ac}', '\u{386}'),
            ('\u{3af}', '\u{38a}'),
            ('\u{3cc}', '\u{38c}'),
            ('\u{3ce}', '\u{38f}'),
            ('\u{37b}', '\u{3fd}'),
            ('\u{3df}', '\u{3de}'),
            ('\u{3f2}', '\u{3f9}'),
            ('\u{3f8}', '\u{3f7}'),
            ('\u{463}', '\u{462}'),
            ('\u{491}', '\u{490}'),
            ('\u{4c4}', '\u{4c3}'),
            ('\u{4cf}', '\u{4c0}'),
            ('\u{4d9}', '\u{4d8}'),
            ('\u{4ff}', '\u{4fe}'),
        ] {
            assert_eq!(upper(lower), up, "U+{:04X}", lower as u32);
            assert_eq!(upper(up), up, "U+{:04X}", up as u32);
        }
        assert!(name_eq(
            "\u{3b1}\u{3c1}\u{3c7}\u{3b5}\u{3af}\u{3b1}",
            "\u{391}\u{3a1}\u{3a7}\u{395}\u{38a}\u{391}"
        ));
    }

    fn sfn(name: &str) -> (String, u8) {
        let (n, cf) = make_sfn(name.as_bytes());
        (n.iter().map(|&b| char::from(b)).collect(), cf)
    }

    #[test]
    fn short_names_as_oofatfs() {
        assert_eq!(sfn("abc.txt"), ("ABC     TXT".into(), NS_BODY | NS_EXT));
        assert_eq!(sfn("ABC.TXT"), ("ABC     TXT".into(), 0));
        assert_eq!(sfn("abc.TXT"), ("ABC     TXT".into(), NS_BODY));
        assert_eq!(sfn("Abc.txt"), ("ABC     TXT".into(), NS_LFN));
        assert_eq!(sfn("a long file name.txt"), ("ALONGFILTXT".into(), NS_LOSS | NS_LFN));
        // As oofatfs: a leading dot is the last dot, what follows it the extension.
        assert_eq!(sfn(".hidden"), ("        HID".into(), NS_LOSS | NS_LFN));
        assert_eq!(sfn("a.b.c"), ("AB      C  ".into(), NS_LOSS | NS_LFN));
        assert_eq!(sfn("a+b"), ("A_B        ".into(), NS_LOSS | NS_LFN));
        assert_eq!(sfn("abcdefghi"), ("ABCDEFGH   ".into(), NS_LOSS | NS_LFN));
        assert_eq!(sfn("x.abcd"), ("X       ABC".into(), NS_LOSS | NS_LFN));
        // "été" is C3 A9 74 C3 A9 in UTF-8: CP437 characters whose upper case is themselves.
        assert_eq!(sfn("\u{e9}t\u{e9}"), ("\u{c3}\u{a9}T\u{c3}\u{a9}      ".into(), NS_LFN));
        // U+00C2 U+0081 is C3 82 C2 81: 0x82 (é in CP437) upper-cases to 'E', 0x81 to 0x9A.
        assert_eq!(sfn("\u{c2}\u{81}"), ("\u{c3}E\u{c2}\u{9a}       ".into(), NS_LFN));
        for name in ["abc.txt", "README", "a1_$~!.x"] {
            let (_, cf) = sfn(name);
            assert_eq!(cf & NS_LFN, 0, "{name}");
            assert_eq!(plain_short_name(name), Some(make_sfn(name.as_bytes())));
        }
    }

    #[test]
    fn numbered_names_as_oofatfs() {
        let (n, _) = make_sfn(b"a long file name.txt");
        let lfn: Vec<u16> = "a long file name.txt".encode_utf16().collect();
        assert_eq!(&gen_numname(&n, lfn.iter().copied(), 1), b"ALONGF~1TXT");
        assert_eq!(&gen_numname(&n, lfn.iter().copied(), 5), b"ALONGF~5TXT");
        let six = gen_numname(&n, lfn.iter().copied(), 6);
        assert_eq!(six[8..], *b"TXT");
        assert!(six[..8].contains(&b'~'));
        assert_eq!(&gen_numname(b"AB      C  ", lfn.iter().copied(), 12)[..2], b"AB");
        assert_eq!(&gen_numname(b"A       TXT", lfn.iter().copied(), 1), b"A~1     TXT");
    }

    #[test]
    fn stock_long_names_round_trip() {
        // "café.txt" as stock unix writes its long name: the UTF-8 bytes C3 A9 as CP437.
        let mut u = [0u16; 256];
        let n = stock_units("caf\u{e9}.txt".as_bytes(), &mut u).unwrap();
        assert_eq!(&u[..n], &[0x63, 0x61, 0x66, 0x251C, 0x2310, 0x2E, 0x74, 0x78, 0x74]);
        let mut b = [0u8; 768];
        let m = stock_decode(&u[..n], &mut b).unwrap();
        assert_eq!(&b[..m], "caf\u{e9}.txt".as_bytes());
        // Real UTF-16 (é is CP437 0x82, alone not UTF-8), and plain ASCII: not stock's.
        let e: Vec<u16> = "caf\u{e9}.txt".encode_utf16().collect();
        assert_eq!(stock_decode(&e, &mut b), None);
        assert_eq!(stock_decode(&[0x61, 0x62], &mut b), None);
        assert_eq!(stock_units(b"plain.txt", &mut u), None);
        // A character CP437 has not: not stock's either.
        assert_eq!(stock_decode(&[0x61, 0x4E2D], &mut b), None);
    }
}
