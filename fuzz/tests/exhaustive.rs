//! `layout()` for every device size (all 2^32 sector counts, each sector size): no panic
//! (overflow checks are on in the test profile) and the numbers hold together, the cheap
//! part of the fat_layout target's properties.  About 10 minutes on one core, so not by
//! default:
//!
//!     cargo test --test exhaustive -- --ignored --nocapture
use rustos::fatlayout::{layout, FatKind, MAX_FAT12, MAX_FAT16};

#[test]
#[ignore]
fn layout_every_size() {
    for ss in [512u32, 1024, 2048, 4096] {
        let mut some = 0u64;
        for n in 0..=u32::MAX {
            let Some(l) = layout(n, ss) else { continue };
            some += 1;
            let b_data = l.reserved + l.fat_sectors + l.root_dir_sectors;
            let fat32 = l.kind == FatKind::Fat32;
            let spec = if l.clusters < 4085 {
                FatKind::Fat12
            } else if l.clusters < 65525 {
                FatKind::Fat16
            } else {
                FatKind::Fat32
            };
            let oofatfs = if l.clusters <= MAX_FAT12 {
                FatKind::Fat12
            } else if l.clusters <= MAX_FAT16 {
                FatKind::Fat16
            } else {
                FatKind::Fat32
            };
            let entries = u64::from(l.clusters) + 2;
            let need = match l.kind {
                FatKind::Fat12 => (entries * 3).div_ceil(2),
                FatKind::Fat16 => entries * 2,
                FatKind::Fat32 => entries * 4,
            };
            let ok = l.kind == spec
                && l.kind == oofatfs
                && l.clusters >= 16
                && l.start == if fat32 { 63 } else { 0 }
                && u64::from(l.start) + u64::from(l.total_sectors) <= u64::from(n)
                && b_data < l.total_sectors
                && (l.total_sectors - b_data) / l.sectors_per_cluster == l.clusters
                && u64::from(l.fat_sectors) * u64::from(ss) >= need
                && l.sectors_per_cluster.is_power_of_two()
                && l.sectors_per_cluster <= 128
                && (fat32 || l.fat_sectors <= 0xFFFF);
            assert!(ok, "layout({n}, {ss}) = {l:?}");
        }
        eprintln!("{ss}: {some} sizes format");
    }
}
