//! `fatlayout::layout` and the sectors mkfs writes from it.
//!
//! Input: bytes 0..4 the device's sector count (LE); byte 4 picks the sector size (bits
//! 0-1: 512 << n; bit 7: bytes 5..9 give any u32 instead, which only 512..4096 powers of
//! two may format) and bit 6 asks for the comparison with stock for a FAT of up to 64K
//! sectors (else up to [`ORACLE_MAX_FAT`]).
//!
//! Properties, for every (count, sector size):
//! * no panic (overflow checks are on in fuzz builds);
//! * None for any sector size but 512, 1024, 2048, 4096;
//! * Some: the numbers are self-consistent (FAT type from the cluster count by oofatfs's
//!   thresholds and by lamfat's/the FAT specification's, which must agree; the FAT holds
//!   an entry for every cluster; the data region ends inside the volume; fields fit their
//!   boot-record widths; FAT32 behind an MBR at 63, FAT12/16 at 0; the volume is the
//!   rest of the device but where stock's FAT16 would have 65525 clusters);
//! * the volume formatted as src/fat/engine/boot.rs `format` writes it: its boot record, FSInfo and
//!   MBR parse back (oofatfs's find_volume rules) to the same numbers;
//! * it is the very image stock MicroPython's f_mkfs writes for that device, but for the
//!   sector count of such a cut volume (when the oracle is built in, for FATs it writes
//!   quickly enough), and
//!   stock fails exactly when layout() says None;
//! * lamfat mounts it with the same type, cluster size and count, all of it free; a file
//!   (long name, several clusters) and a directory can be made, everything written
//!   stays inside the data region, and it all reads back after a remount.

use crate::le32;
use crate::oracle;
use crate::sparse::Sparse;
use fatfs::{FatType, FileSystem, FsOptions};
use rustos::fatlayout::{layout, FatKind, Layout, MAX_FAT12, MAX_FAT16, MAX_FAT32};
use std::io::{Read, Write};

/// Stock's f_mkfs writes every FAT sector: compared with it only up to this FAT size
/// (all of FAT12/16, FAT32 up to 256K-2M clusters) unless the input asks.
pub const ORACLE_MAX_FAT: u32 = 2048;

const LABEL: [u8; 11] = *b"NO NAME    ";

pub fn fat_layout(data: &[u8]) {
    let n = le32(data, 0);
    let sel = data.get(4).copied().unwrap_or(0);
    let ss = if sel & 0x80 != 0 {
        le32(data, 5)
    } else {
        512 << (sel & 3)
    };
    check(n, ss, sel & 0x40 != 0);
}

/// All the properties for a device of `n` sectors of `ss` bytes.
pub fn check(n: u32, ss: u32, big_oracle: bool) {
    let got = layout(n, ss);
    if ![512, 1024, 2048, 4096].contains(&ss) {
        assert_eq!(got, None, "layout({n}, {ss}): not a sector size");
        return;
    }
    let use_oracle = got.is_none_or(|l| l.fat_sectors <= if big_oracle { 1 << 16 } else { ORACLE_MAX_FAT });
    let stock = if use_oracle { oracle::stock_mkfs(n, ss) } else { None };
    let Some(l) = got else {
        if let Some(Ok(_)) = stock {
            panic!("layout({n}, {ss}) is None but stock's mkfs formats that device");
        }
        return;
    };
    numbers(n, ss, &l);
    let mut dev = format(n, &l);
    if let Some(stock) = stock {
        let stock = stock.unwrap_or_else(|e| panic!("layout({n}, {ss}) = {l:?} but stock's mkfs fails (FRESULT {e})"));
        // The one known difference: a volume cut short of stock's 65525th FAT16 cluster
        // says so in the boot record's 32-bit sector count (stock's is the whole device).
        let cut = u64::from(l.total_sectors) != u64::from(n) - u64::from(l.start);
        if cut {
            put_bytes(&mut dev, u64::from(ss) * u64::from(l.start) + 32, &n.to_le_bytes());
        }
        if let Some(at) = dev.first_difference(&stock) {
            let (sector, off) = (at / u64::from(ss), at % u64::from(ss));
            panic!("layout({n}, {ss}) = {l:?}: the image differs from stock's at sector {sector} byte {off}");
        }
        if cut {
            put_bytes(
                &mut dev,
                u64::from(ss) * u64::from(l.start) + 32,
                &l.total_sectors.to_le_bytes(),
            );
        }
    }
    parse_back(&dev, n, &l);
    use_volume(&mut dev, &l);
}

fn kind_oofatfs(clusters: u32) -> Option<FatKind> {
    match clusters {
        0 => None,
        c if c <= MAX_FAT12 => Some(FatKind::Fat12),
        c if c <= MAX_FAT16 => Some(FatKind::Fat16),
        c if c <= MAX_FAT32 => Some(FatKind::Fat32),
        _ => None,
    }
}

/// The FAT specification's rule, which lamfat (and Linux, and Windows) mount by.
fn kind_spec(clusters: u32) -> FatKind {
    if clusters < 4085 {
        FatKind::Fat12
    } else if clusters < 65525 {
        FatKind::Fat16
    } else {
        FatKind::Fat32
    }
}

/// Bytes of FAT for `entries` entries.
fn fat_bytes(kind: FatKind, entries: u64) -> u64 {
    match kind {
        FatKind::Fat12 => (entries * 3).div_ceil(2),
        FatKind::Fat16 => entries * 2,
        FatKind::Fat32 => entries * 4,
    }
}

fn numbers(n: u32, ss: u32, l: &Layout) {
    let ctx = format!("layout({n}, {ss}) = {l:?}");
    assert_eq!(l.sector_size, ss, "{ctx}");
    let fat32 = l.kind == FatKind::Fat32;
    assert_eq!(l.start, if fat32 { 63 } else { 0 }, "{ctx}: volume start");
    // The volume is the rest of the device, but for the one place layout() leaves stock:
    // where stock's FAT16 would have 65525 clusters (see fatlayout.rs), it ends before
    // the last of them.
    let rest = u64::from(n)
        .checked_sub(u64::from(l.start))
        .expect("volume start on the device");
    let b_data = u64::from(l.reserved) + u64::from(l.fat_sectors) + u64::from(l.root_dir_sectors);
    let total = u64::from(l.total_sectors);
    assert!(total <= rest, "{ctx}: volume past the device");
    if total != rest {
        let spc = u64::from(l.sectors_per_cluster);
        assert_eq!(
            (l.kind, l.clusters),
            (FatKind::Fat16, MAX_FAT16 - 1),
            "{ctx}: volume end"
        );
        assert_eq!((rest - b_data) / spc, u64::from(MAX_FAT16), "{ctx}: volume end");
        assert_eq!(total, b_data + u64::from(l.clusters) * spc, "{ctx}: volume end");
    }
    assert_eq!(l.reserved, if fat32 { 32 } else { 1 }, "{ctx}: reserved sectors");
    assert_eq!(
        l.root_dir_sectors,
        if fat32 { 0 } else { 512 * 32 / ss },
        "{ctx}: root directory"
    );
    assert_eq!(l.fat_start(), l.start + l.reserved, "{ctx}");
    assert_eq!(
        l.root_sectors(),
        if fat32 {
            l.sectors_per_cluster
        } else {
            l.root_dir_sectors
        },
        "{ctx}"
    );
    let spc = l.sectors_per_cluster;
    assert!(spc.is_power_of_two() && spc <= 128, "{ctx}: cluster size");
    // How many clusters fit after the start of the data.
    assert!(b_data < total, "{ctx}: no room for data");
    assert_eq!(
        u64::from(l.clusters),
        (total - b_data) / u64::from(spc),
        "{ctx}: cluster count"
    );
    assert!(
        b_data + u64::from(l.clusters) * u64::from(spc) <= total,
        "{ctx}: data past the volume"
    );
    assert!(l.clusters >= 16, "{ctx}: fewer than 16 clusters");
    // The FAT type is the one every reader derives from the cluster count.
    assert_eq!(
        kind_oofatfs(l.clusters),
        Some(l.kind),
        "{ctx}: oofatfs's type for {} clusters",
        l.clusters
    );
    assert_eq!(
        kind_spec(l.clusters),
        l.kind,
        "{ctx}: lamfat (and the FAT specification) take {} clusters for {:?}",
        l.clusters,
        kind_spec(l.clusters)
    );
    // The FAT addresses every cluster (plus the two reserved entries), and is not larger
    // than the clusters the whole volume could hold need (f_mkfs sizes it so).
    let fat = u64::from(l.fat_sectors) * u64::from(ss);
    assert!(
        fat >= fat_bytes(l.kind, u64::from(l.clusters) + 2),
        "{ctx}: FAT too small"
    );
    assert!(
        fat < fat_bytes(l.kind, total / u64::from(spc) + 2) + 8 + u64::from(ss),
        "{ctx}: FAT larger than the volume needs"
    );
    // Boot-record field widths.
    assert!(spc <= 255 && l.reserved <= 0xFFFF, "{ctx}");
    if !fat32 {
        assert!(l.fat_sectors <= 0xFFFF, "{ctx}: FAT16 size field");
    } else {
        assert!(l.clusters <= 0x0FFF_FFF4, "{ctx}: FAT32 cluster numbers are 28 bits");
    }
}

fn sector(dev: &Sparse, ss: u32, s: u32) -> Vec<u8> {
    let mut b = vec![0u8; ss as usize];
    dev.read_at(u64::from(s) * u64::from(ss), &mut b)
        .expect("sector on the device");
    b
}

fn put_bytes(dev: &mut Sparse, at: u64, data: &[u8]) {
    dev.write_at(at, data).expect("inside the device");
}

fn put(dev: &mut Sparse, ss: u32, s: u32, data: &[u8]) {
    dev.write_at(u64::from(s) * u64::from(ss), data)
        .expect("mkfs writes inside the device");
}

/// The device after `VfsFat.mkfs` (src/fat/engine/boot.rs `format`, without a port label).
fn format(n: u32, l: &Layout) -> Sparse {
    let ss = l.sector_size;
    let mut dev = Sparse::new(u64::from(n) * u64::from(ss));
    let mut buf = vec![0u8; ss as usize];
    let v = l.start;
    l.boot_sector(&mut buf, oracle::FATTIME, &LABEL);
    put(&mut dev, ss, v, &buf);
    if l.kind == FatKind::Fat32 {
        put(&mut dev, ss, v + 6, &buf);
        l.fsinfo_sector(&mut buf);
        put(&mut dev, ss, v + 7, &buf);
        put(&mut dev, ss, v + 1, &buf);
    }
    // The FAT and the root directory are zero but for the FAT's first entries (a fresh
    // sparse device is zero already).
    buf.fill(0);
    l.fat_head(&mut buf);
    put(&mut dev, ss, l.fat_start(), &buf);
    if v != 0 {
        l.mbr_sector(&mut buf);
        put(&mut dev, ss, 0, &buf);
    }
    dev
}

fn le16(b: &[u8], at: usize) -> u32 {
    u32::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

/// Read the volume back as oofatfs's find_volume does.
fn parse_back(dev: &Sparse, n: u32, l: &Layout) {
    let ctx = format!("layout({n}, {}) = {l:?}", l.sector_size);
    let ss = l.sector_size;
    let fat32 = l.kind == FatKind::Fat32;
    if l.start != 0 {
        let m = sector(dev, ss, 0);
        assert_eq!(le16(&m, 510), 0xAA55, "{ctx}: MBR signature");
        let e = &m[446..462];
        assert_eq!(e[4], 0x0C, "{ctx}: partition type (FAT32 LBA)");
        assert_eq!(le32(e, 8), l.start, "{ctx}: partition start");
        assert_eq!(le32(e, 12), l.total_sectors, "{ctx}: partition size");
        assert!(m[462..510].iter().all(|&b| b == 0), "{ctx}: one partition");
    }
    let b = sector(dev, ss, l.start);
    assert_eq!(le16(&b, 510), 0xAA55, "{ctx}: boot signature");
    assert_eq!(&b[3..11], b"MSDOS5.0", "{ctx}");
    let bps = le16(&b, 11);
    let csize = u32::from(b[13]);
    let nrsv = le16(&b, 14);
    let nfats = u32::from(b[16]);
    let n_rootdir = le16(&b, 17);
    let tsect = if le16(&b, 19) != 0 { le16(&b, 19) } else { le32(&b, 32) };
    let fasize = if le16(&b, 22) != 0 { le16(&b, 22) } else { le32(&b, 36) };
    assert_eq!(bps, ss, "{ctx}: bytes per sector");
    assert_eq!(csize, l.sectors_per_cluster, "{ctx}: sectors per cluster");
    assert_eq!(nrsv, l.reserved, "{ctx}: reserved");
    assert_eq!(nfats, 1, "{ctx}: FATs");
    assert_eq!(n_rootdir, if fat32 { 0 } else { 512 }, "{ctx}: root entries");
    assert_eq!(tsect, l.total_sectors, "{ctx}: total sectors");
    assert!(le16(&b, 19) == 0 || le32(&b, 32) == 0, "{ctx}: both size fields set");
    assert_eq!(fasize, l.fat_sectors, "{ctx}: FAT size");
    assert_eq!(
        le16(&b, 22) == 0,
        fat32,
        "{ctx}: the 16-bit FAT size is what marks FAT32"
    );
    assert_eq!(le32(&b, 28), l.start, "{ctx}: hidden sectors");
    assert_eq!(b[21], 0xF8, "{ctx}: media");
    let (sig, vsn, label, fstype) = if fat32 { (66, 67, 71, 82) } else { (38, 39, 43, 54) };
    assert_eq!(b[sig], 0x29, "{ctx}");
    assert_eq!(le32(&b, vsn), oracle::FATTIME, "{ctx}: serial number");
    assert_eq!(&b[label..label + 11], &LABEL, "{ctx}: label");
    assert_eq!(
        &b[fstype..fstype + 8],
        if fat32 { b"FAT32   " } else { b"FAT     " },
        "{ctx}"
    );
    // oofatfs's find_volume: what it makes of these numbers.
    assert_eq!(n_rootdir % (ss / 32), 0, "{ctx}");
    let sysect = nrsv + fasize * nfats + n_rootdir / (ss / 32);
    assert!(tsect > sysect, "{ctx}");
    let nclst = (tsect - sysect) / csize;
    assert_eq!(nclst, l.clusters, "{ctx}: clusters as oofatfs counts them");
    assert_eq!(kind_oofatfs(nclst), Some(l.kind), "{ctx}: type as oofatfs reads it");
    let fat = sector(dev, ss, l.fat_start());
    let head: &[u8] = match l.kind {
        FatKind::Fat12 => &[0xF8, 0xFF, 0xFF, 0],
        FatKind::Fat16 => &[0xF8, 0xFF, 0xFF, 0xFF, 0],
        FatKind::Fat32 => &[
            0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0,
        ],
    };
    assert_eq!(&fat[..head.len()], head, "{ctx}: FAT head");
    if fat32 {
        assert_eq!(le32(&b, 44), 2, "{ctx}: root cluster");
        assert_eq!(le16(&b, 48), 1, "{ctx}: FSInfo sector");
        assert_eq!(le16(&b, 50), 6, "{ctx}: backup boot sector");
        assert_eq!(sector(dev, ss, l.start + 6), b, "{ctx}: backup boot sector");
        let fsi = sector(dev, ss, l.start + 1);
        assert_eq!(le32(&fsi, 0), 0x4161_5252, "{ctx}");
        assert_eq!(le32(&fsi, 484), 0x6141_7272, "{ctx}");
        assert_eq!(
            le32(&fsi, 488),
            l.clusters - 1,
            "{ctx}: free clusters (all but the root's)"
        );
        assert_eq!(le32(&fsi, 492), 2, "{ctx}: next free hint");
        assert_eq!(le16(&fsi, 510), 0xAA55, "{ctx}");
        assert_eq!(sector(dev, ss, l.start + 7), fsi, "{ctx}: backup FSInfo");
    }
}

fn same_kind(a: FatType, b: FatKind) -> bool {
    matches!(
        (a, b),
        (FatType::Fat12, FatKind::Fat12) | (FatType::Fat16, FatKind::Fat16) | (FatType::Fat32, FatKind::Fat32)
    )
}

/// Mount the volume with lamfat, as the firmware does, and use it.
fn use_volume(dev: &mut Sparse, l: &Layout) {
    let ctx = format!("{l:?}");
    let ss = u64::from(l.sector_size);
    let base = u64::from(l.start) * ss;
    let len = u64::from(l.total_sectors) * ss;
    let cluster = l.sectors_per_cluster * l.sector_size;
    let data_end = (u64::from(l.reserved) + u64::from(l.fat_sectors) + u64::from(l.root_dir_sectors)) * ss
        + u64::from(l.clusters) * u64::from(cluster);
    // Long enough to take several clusters when they are small.
    let content: Vec<u8> = (0..cluster.min(8192) as usize * 2 + 7)
        .map(|i| (i * 7 + i / 251) as u8)
        .collect();
    let opts = || FsOptions::new().update_accessed_date(false);
    dev.take_written();
    {
        let fs = FileSystem::new(dev.view(base, len), opts())
            .unwrap_or_else(|e| panic!("{ctx}: lamfat cannot mount the volume mkfs made: {e:?}"));
        assert!(
            same_kind(fs.fat_type(), l.kind),
            "{ctx}: lamfat mounts it as {:?}",
            fs.fat_type()
        );
        let st = fs.stats().expect("stats");
        assert_eq!(st.cluster_size(), cluster, "{ctx}: lamfat's cluster size");
        assert_eq!(st.total_clusters(), l.clusters, "{ctx}: lamfat's cluster count");
        let free = l.clusters - u32::from(l.kind == FatKind::Fat32);
        assert_eq!(st.free_clusters(), free, "{ctx}: free clusters on a new volume");
        let root = fs.root_dir();
        assert_eq!(root.iter().count(), 0, "{ctx}: a new root directory is empty");
        let mut f = root.create_file("Fuzz file.txt").expect("create a file");
        f.write_all(&content).expect("write");
        f.flush().expect("flush");
        drop(f);
        let sub = root.create_dir("sub").expect("create a directory");
        sub.create_file("a").expect("create a file in it");
        drop((sub, root));
        fs.unmount().expect("unmount");
    }
    if let Some((_, hi)) = dev.take_written() {
        assert!(hi <= base + data_end, "{ctx}: lamfat wrote past the data region");
    }
    let fs = FileSystem::new(dev.view(base, len), opts())
        .unwrap_or_else(|e| panic!("{ctx}: lamfat cannot mount it again: {e:?}"));
    let root = fs.root_dir();
    let mut names: Vec<String> = root.iter().map(|e| e.expect("entry").file_name()).collect();
    names.sort();
    assert_eq!(names, ["Fuzz file.txt", "sub"], "{ctx}");
    let mut back = Vec::new();
    root.open_file("fuzz FILE.TXT")
        .expect("open")
        .read_to_end(&mut back)
        .expect("read");
    assert!(back == content, "{ctx}: the file reads back different");
    // (FAT12/16 count their free clusters by reading the whole FAT: not twice for big ones.)
    if l.kind == FatKind::Fat32 || l.clusters <= 8192 {
        let used = content.len().div_ceil(cluster as usize) as u32 + 1;
        let free = l.clusters - u32::from(l.kind == FatKind::Fat32) - used;
        assert_eq!(
            fs.stats().expect("stats").free_clusters(),
            free,
            "{ctx}: free clusters after use"
        );
    }
}
