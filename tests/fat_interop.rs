//! The FAT engine against an independent implementation, the `fatfs` crate (0.3.6, a
//! dev-dependency only): it reads every image ours writes (names, contents, tree), and
//! ours reads the images it writes.
mod fat_common;

use fat_common::*;
use fatfs::{FatType, FormatVolumeOptions, FsOptions};
use rustos::fatlayout::FatKind;
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

/// A tree: path -> None for a directory, Some(contents) for a file.
type Tree = BTreeMap<String, Option<Vec<u8>>>;

fn sample_tree(big: usize) -> Tree {
    let mut t = Tree::new();
    t.insert("/README.TXT".into(), Some(b"upper-case short name".to_vec()));
    t.insert("/lower.txt".into(), Some(b"lower-case short name".to_vec()));
    t.insert("/Mixed Case Long Name.markdown".into(), Some(pattern(1234, 1)));
    t.insert("/empty".into(), Some(Vec::new()));
    t.insert("/docs".into(), None);
    t.insert("/docs/deep".into(), None);
    t.insert("/docs/deep/er".into(), None);
    t.insert("/docs/deep/er/big.bin".into(), Some(pattern(big, 2)));
    t.insert("/docs/Ünïcödé ☃.txt".into(), Some("snow".as_bytes().to_vec()));
    for i in 0..20 {
        t.insert(
            format!("/docs/a file with a long name {i:02}.dat"),
            Some(pattern(100 * i, i as u32)),
        );
    }
    t
}

fn ours_fill<const MAX: usize>(v: &mut Vol<MAX>, tree: &Tree) {
    for (path, what) in tree {
        match what {
            None => mkdir(v, path).unwrap(),
            Some(data) => write_file(v, path, data).unwrap(),
        }
    }
}

fn ours_tree<const MAX: usize>(v: &mut Vol<MAX>, dir: &str, out: &mut Tree) {
    for name in listdir(v, dir).unwrap() {
        let base = if dir == "/" { String::new() } else { dir.to_string() };
        if let Some(d) = name.strip_suffix('/') {
            let p = format!("{base}/{d}");
            out.insert(p.clone(), None);
            ours_tree(v, &p, out);
        } else {
            let p = format!("{base}/{name}");
            out.insert(p.clone(), Some(read_file(v, &p).unwrap()));
        }
    }
}

fn fatfs_fill(img: &mut Vec<u8>, tree: &Tree) {
    let fs = fatfs::FileSystem::new(Cursor::new(img), FsOptions::new()).unwrap();
    let root = fs.root_dir();
    for (path, what) in tree {
        let rel = &path[1..];
        match what {
            None => {
                root.create_dir(rel).unwrap();
            }
            Some(data) => {
                let mut f = root.create_file(rel).unwrap();
                f.truncate().unwrap();
                f.write_all(data).unwrap();
                f.flush().unwrap();
            }
        }
    }
    drop(root);
    fs.unmount().unwrap();
}

fn fatfs_tree(img: &mut Vec<u8>) -> (Tree, u32) {
    let fs = fatfs::FileSystem::new(Cursor::new(img), FsOptions::new()).unwrap();
    let mut out = Tree::new();
    fn walk<T: fatfs::ReadWriteSeek>(dir: fatfs::Dir<T>, prefix: &str, out: &mut Tree) {
        for e in dir.iter() {
            let e = e.unwrap();
            let name = e.file_name();
            if name == "." || name == ".." {
                continue;
            }
            let p = format!("{prefix}/{name}");
            if e.is_dir() {
                out.insert(p.clone(), None);
                walk(e.to_dir(), &p, out);
            } else {
                let mut data = Vec::new();
                e.to_file().read_to_end(&mut data).unwrap();
                assert_eq!(data.len() as u64, e.len());
                out.insert(p, Some(data));
            }
        }
    }
    walk(fs.root_dir(), "", &mut out);
    let free = fs.stats().unwrap().free_clusters();
    (out, free)
}

fn fatfs_image(bytes: usize, ss: u16, fat: FatType, cluster: u32) -> Vec<u8> {
    let mut img = vec![0u8; bytes];
    let opts = FormatVolumeOptions::new()
        .fat_type(fat)
        .bytes_per_sector(ss)
        .bytes_per_cluster(cluster)
        .total_sectors((bytes / ss as usize) as u32);
    fatfs::format_volume(Cursor::new(&mut img), opts).unwrap();
    img
}

fn ours_written_read_by_fatfs(sectors: usize, ss: usize, want: FatKind) {
    let mut v = formatted::<4096>(sectors, ss);
    assert_eq!(kind(&mut v), want);
    let tree = sample_tree(100_000);
    ours_fill(&mut v, &tree);
    let (free, _) = statvfs(&mut v);
    let mut img = v.dev.data.clone();
    let (theirs, their_free) = fatfs_tree(&mut img);
    assert_eq!(theirs, tree);
    assert_eq!(their_free, free, "free clusters agree");
}

#[test]
fn fatfs_reads_our_fat12() {
    ours_written_read_by_fatfs(2048, 512, FatKind::Fat12);
}

#[test]
fn fatfs_reads_our_fat16() {
    ours_written_read_by_fatfs(65536, 512, FatKind::Fat16);
}

#[test]
fn fatfs_reads_our_4096_byte_sectors() {
    ours_written_read_by_fatfs(2048, 4096, FatKind::Fat12);
}

fn fatfs_written_read_by_ours(mut img: Vec<u8>, ss: usize, want: FatKind) {
    let tree = sample_tree(70_000);
    fatfs_fill(&mut img, &tree);
    let mut v = mounted(img, ss);
    assert_eq!(kind(&mut v), want);
    let mut ours = Tree::new();
    ours_tree(&mut v, "/", &mut ours);
    assert_eq!(ours, tree);
    // Ours changes it; fatfs sees the changes.
    let mut changed = tree.clone();
    rename(&mut v, "/lower.txt", "/docs/moved here with a long name.txt").unwrap();
    let moved = changed.remove("/lower.txt").unwrap();
    changed.insert("/docs/moved here with a long name.txt".into(), moved);
    remove(&mut v, "/docs/deep/er/big.bin").unwrap();
    changed.remove("/docs/deep/er/big.bin");
    write_file(&mut v, "/docs/deep/new.bin", &pattern(9000, 77)).unwrap();
    changed.insert("/docs/deep/new.bin".into(), Some(pattern(9000, 77)));
    let mut f = open(&mut v, "/README.TXT", "ab").unwrap();
    write(&mut v, &mut f, b" and more").unwrap();
    close(&mut v, &mut f).unwrap();
    changed.insert("/README.TXT".into(), Some(b"upper-case short name and more".to_vec()));
    let (free, _) = statvfs(&mut v);
    let mut img = v.dev.data.clone();
    let (theirs, their_free) = fatfs_tree(&mut img);
    assert_eq!(theirs, changed);
    assert_eq!(their_free, free, "free clusters agree");
}

#[test]
fn ours_reads_and_changes_fatfs_fat12() {
    fatfs_written_read_by_ours(fatfs_image(1 << 20, 512, FatType::Fat12, 1024), 512, FatKind::Fat12);
}

#[test]
fn ours_reads_and_changes_fatfs_fat16() {
    fatfs_written_read_by_ours(fatfs_image(8 << 20, 512, FatType::Fat16, 1024), 512, FatKind::Fat16);
}

#[test]
fn ours_reads_and_changes_fatfs_fat32() {
    // FAT32 needs 65525 clusters: 34 MB of 512-byte clusters.
    fatfs_written_read_by_ours(fatfs_image(34 << 20, 512, FatType::Fat32, 512), 512, FatKind::Fat32);
}

#[test]
fn ours_reads_and_changes_fatfs_4096_byte_sectors() {
    fatfs_written_read_by_ours(fatfs_image(20 << 20, 4096, FatType::Fat16, 4096), 4096, FatKind::Fat16);
}

#[test]
fn fatfs_changes_our_image_and_ours_sees_it() {
    let mut v = formatted::<4096>(4096, 512);
    let tree = sample_tree(20_000);
    ours_fill(&mut v, &tree);
    let mut img = v.dev.data.clone();
    let mut extra = Tree::new();
    extra.insert("/docs/from fatfs".into(), None);
    extra.insert(
        "/docs/from fatfs/a long name written by fatfs.txt".into(),
        Some(pattern(5000, 5)),
    );
    fatfs_fill(&mut img, &extra);
    let mut w = mounted(img, 512);
    let mut ours = Tree::new();
    ours_tree(&mut w, "/", &mut ours);
    let mut want = tree;
    want.extend(extra);
    assert_eq!(ours, want);
}

#[test]
fn fat32_fsinfo_free_count_is_kept() {
    let mut img = fatfs_image(34 << 20, 512, FatType::Fat32, 512);
    fatfs_fill(&mut img, &sample_tree(1000));
    let mut v = mounted(img, 512);
    let (free0, _) = statvfs(&mut v);
    write_file(&mut v, "/new", &pattern(512 * 10, 3)).unwrap();
    assert_eq!(statvfs(&mut v).0, free0 - 10);
    // FSInfo on the volume says so too: a new mount reads it from there.
    let mut w = mounted(v.dev.data.clone(), 512);
    assert_eq!(statvfs(&mut w).0, free0 - 10);
    let mut img = v.dev.data.clone();
    assert_eq!(fatfs_tree(&mut img).1, free0 - 10);
}
