//! The targets' properties over whole ranges, without libFuzzer: every character for the
//! name rules, and for the layout every device size where something changes (FAT type,
//! cluster size, FAT size, a volume cut short) below 2^23 sectors, and around them.
use rustos::fatlayout::layout;
use rustos_fuzz::{layout::check, names, oracle};

#[test]
fn oracle_is_built_in() {
    // Not a failure without the MicroPython tree, but the comparisons with stock are off.
    if !oracle::AVAILABLE {
        eprintln!("warning: built without oofatfs: nothing is compared with stock");
    }
}

#[test]
fn transcribed_wtoupper_is_oofatfs() {
    for u in 0..0x11000 {
        if let Some(stock) = oracle::stock_wtoupper(u) {
            assert_eq!(names::ff_wtoupper(u), stock, "U+{u:04X}");
        }
    }
}

#[test]
fn upper_every_char() {
    for c in (0..=0x10FFFF).filter_map(char::from_u32) {
        names::check_upper(c);
    }
}

#[test]
fn layout_where_it_changes() {
    for ss in [512, 1024, 2048, 4096] {
        let mut last = None;
        let mut sizes = Vec::new();
        for n in 0..(1u32 << 23) {
            let key = layout(n, ss).map(|l| {
                (
                    l.kind,
                    l.sectors_per_cluster,
                    l.fat_sectors,
                    l.total_sectors == n - l.start,
                )
            });
            if key != last {
                sizes.extend(n.saturating_sub(1)..=n + 1);
                last = key;
            }
        }
        sizes.dedup();
        eprintln!("{} sizes of {ss}-byte sectors", sizes.len());
        for n in sizes {
            check(n, ss, false);
        }
    }
    // The top: FAT32 of up to 2^32 - 1 sectors.
    for n in [u32::MAX, u32::MAX - 1, u32::MAX - 62, 0x8000_0000, 0x4000_0000] {
        for ss in [512, 1024, 2048, 4096] {
            check(n, ss, false);
        }
    }
}

#[test]
fn stock_entries() {
    let Some(e) = oracle::stock_entry(b"foo.txt") else {
        return;
    };
    let (e, lfn) = e.unwrap();
    assert_eq!((&e[..11], e[12], lfn), (&b"FOO     TXT"[..], 0x18, false));
    assert!(oracle::stock_entry(b"Mixed.txt").unwrap().unwrap().1);
    assert!(oracle::stock_entry(b"a*b").unwrap().is_err());
    for name in [
        "foo.txt",
        "Mixed.txt",
        "README",
        "a b",
        "x.tar.gz",
        "caf\u{e9}",
        "ab.",
        "UPPER.low",
    ] {
        rustos_fuzz::short_name(name.as_bytes());
    }
}
