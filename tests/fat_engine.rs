//! The FAT engine on the host over RAM disks: formatting, files, directories, names, a
//! full disk, device-call counts, failing devices and corrupt volumes.
mod fat_common;

use fat_common::*;
use rustos::errno::Errno;
use rustos::fat::engine::{DeviceError, Error, OwnedFs};
use rustos::fatlayout::FatKind;

#[test]
fn format_mounts_fat12_and_fat16() {
    let mut v = formatted::<4096>(1024, 512);
    assert_eq!(kind(&mut v), FatKind::Fat12);
    let (free, total) = statvfs(&mut v);
    assert_eq!(free, total);
    let mut v = formatted::<4096>(65536, 512);
    assert_eq!(kind(&mut v), FatKind::Fat16);
    assert_eq!(listdir(&mut v, "/").unwrap(), Vec::<String>::new());
}

#[test]
fn unformatted_disk_is_enodev() {
    let mut v = OwnedFs::new(Disk::new(256, 512), FixedClock, 512).unwrap();
    assert!(!v.vol.is_mounted());
    assert_eq!(mkdir(&mut v, "/a"), Err(errno(Errno::ENODEV)));
    assert_eq!(stat(&mut v, "/a"), Err(errno(Errno::ENODEV)));
}

#[test]
fn too_small_to_format_is_eio() {
    let mut v = OwnedFs::new(Disk::new(16, 512), FixedClock, 512).unwrap();
    assert_eq!(v.fs().format(16, None), Err(errno(Errno::EIO)));
}

#[test]
fn sector_size_out_of_range_is_refused() {
    assert!(OwnedFs::new(RamDisk::<512>::new(64, 4096), FixedClock, 4096).is_err());
    assert!(OwnedFs::new(Disk::new(64, 1000), FixedClock, 1000).is_err());
}

#[test]
fn small_file_round_trip() {
    let mut v = formatted::<4096>(1024, 512);
    write_file(&mut v, "/hello.txt", b"hello world").unwrap();
    assert_eq!(read_file(&mut v, "/hello.txt").unwrap(), b"hello world");
    assert_eq!(stat(&mut v, "/hello.txt").unwrap(), Some((false, 11)));
    assert_eq!(listdir(&mut v, "/").unwrap(), ["hello.txt"]);
    // Found without case, as FAT names are.
    assert_eq!(read_file(&mut v, "/HELLO.TXT").unwrap(), b"hello world");
}

#[test]
fn large_file_round_trip_512_and_4096() {
    for ss in [512usize, 4096] {
        let mut v = formatted::<4096>(8 * 1024 * 1024 / ss, ss);
        let data = pattern(300_000, ss as u32);
        write_file(&mut v, "/big.bin", &data).unwrap();
        assert_eq!(read_file(&mut v, "/big.bin").unwrap(), data, "ss {ss}");
        // Remounted from the device alone.
        let image = v.dev.data.clone();
        let mut w = mounted(image, ss);
        assert_eq!(read_file(&mut w, "/big.bin").unwrap(), data, "ss {ss} remounted");
    }
}

#[test]
fn seek_and_partial_reads() {
    let mut v = formatted::<4096>(2048, 512);
    let data = pattern(10_000, 7);
    write_file(&mut v, "/f", &data).unwrap();
    let mut f = open(&mut v, "/f", "rb").unwrap();
    assert_eq!(seek(&mut v, &mut f, 5000).unwrap(), 5000);
    assert_eq!(read(&mut v, &mut f, 100).unwrap(), &data[5000..5100]);
    assert_eq!(seek(&mut v, &mut f, 1).unwrap(), 1);
    assert_eq!(read(&mut v, &mut f, 3).unwrap(), &data[1..4]);
    // A read-only file does not grow: past the end lands at the end.
    assert_eq!(seek(&mut v, &mut f, 20_000).unwrap(), 10_000);
    assert_eq!(read(&mut v, &mut f, 10).unwrap(), b"");
    // A negative position is huge to oofatfs: the end.
    assert_eq!(seek(&mut v, &mut f, -5).unwrap(), 10_000);
}

#[test]
fn seek_past_end_of_writable_file_fills_zeros() {
    let mut v = formatted::<4096>(1024, 512);
    let mut f = open(&mut v, "/gap", "wb").unwrap();
    write(&mut v, &mut f, b"abc").unwrap();
    assert_eq!(seek(&mut v, &mut f, 2000).unwrap(), 2000);
    write(&mut v, &mut f, b"z").unwrap();
    close(&mut v, &mut f).unwrap();
    let got = read_file(&mut v, "/gap").unwrap();
    assert_eq!(got.len(), 2001);
    assert_eq!(&got[..3], b"abc");
    assert!(got[3..2000].iter().all(|&b| b == 0));
    assert_eq!(got[2000], b'z');
}

#[test]
fn append_and_truncate() {
    let mut v = formatted::<4096>(1024, 512);
    write_file(&mut v, "/log", b"one ").unwrap();
    let mut f = open(&mut v, "/log", "ab").unwrap();
    write(&mut v, &mut f, b"two").unwrap();
    close(&mut v, &mut f).unwrap();
    assert_eq!(read_file(&mut v, "/log").unwrap(), b"one two");
    let (free_before, _) = statvfs(&mut v);
    write_file(&mut v, "/log", b"x").unwrap();
    assert_eq!(read_file(&mut v, "/log").unwrap(), b"x");
    assert_eq!(statvfs(&mut v).0, free_before, "one cluster before, one after");
}

#[test]
fn open_modes_errors() {
    let mut v = formatted::<4096>(1024, 512);
    assert_eq!(open(&mut v, "/none", "rb").err(), Some(errno(Errno::ENOENT)));
    write_file(&mut v, "/f", b"1").unwrap();
    assert_eq!(open(&mut v, "/f", "xb").err(), Some(errno(Errno::EEXIST)));
    mkdir(&mut v, "/d").unwrap();
    assert_eq!(open(&mut v, "/d", "rb").err(), Some(errno(Errno::ENOENT)));
    assert_eq!(open(&mut v, "/d", "wb").err(), Some(errno(Errno::EACCES)));
    assert_eq!(open(&mut v, "/no/f", "wb").err(), Some(errno(Errno::ENOENT)));
    assert_eq!(open(&mut v, "/", "rb").err(), Some(errno(Errno::EINVAL)));
}

#[test]
fn mkdir_rmdir_and_nesting() {
    let mut v = formatted::<4096>(1024, 512);
    mkdir(&mut v, "/a").unwrap();
    mkdir(&mut v, "/a/b").unwrap();
    write_file(&mut v, "/a/b/c.txt", b"deep").unwrap();
    assert_eq!(mkdir(&mut v, "/a"), Err(errno(Errno::EEXIST)));
    assert_eq!(mkdir(&mut v, "/"), Err(errno(Errno::EEXIST)));
    assert_eq!(listdir(&mut v, "/a").unwrap(), ["b/"]);
    assert_eq!(listdir(&mut v, "/a/b").unwrap(), ["c.txt"]);
    assert_eq!(stat(&mut v, "/a/b").unwrap(), Some((true, 0)));
    // The root has no entry (the binding answers "/" itself, as stock).
    assert_eq!(stat(&mut v, "/"), Err(errno(Errno::EINVAL)));
    assert_eq!(stat(&mut v, "/a/b/..").unwrap(), Some((true, 0)));
    // Not empty: EACCES, as oofatfs.
    assert_eq!(rmdir(&mut v, "/a"), Err(errno(Errno::EACCES)));
    assert_eq!(rmdir(&mut v, "/a/b/c.txt"), Err(errno(Errno::ENOTDIR)));
    assert_eq!(remove(&mut v, "/a/b"), Err(errno(Errno::EISDIR)));
    remove(&mut v, "/a/b/c.txt").unwrap();
    rmdir(&mut v, "/a/b").unwrap();
    rmdir(&mut v, "/a").unwrap();
    assert_eq!(listdir(&mut v, "/").unwrap(), Vec::<String>::new());
    let (free, total) = statvfs(&mut v);
    assert_eq!(free, total, "every cluster back");
}

#[test]
fn dot_paths_resolve() {
    let mut v = formatted::<4096>(1024, 512);
    mkdir(&mut v, "/a").unwrap();
    write_file(&mut v, "/a/../a/./f", b"x").unwrap();
    assert_eq!(read_file(&mut v, "a/f").unwrap(), b"x");
    let p = rustos::fat::engine::resolve(b"f", b"/a/").unwrap();
    assert_eq!(&*p.comps, ["a", "f"]);
    let cwd = v.fs().call(true, |fs, bp| {
        fs.chdir_path(bp, &rustos::fat::engine::resolve(b"/A", b"/")?)
    });
    assert_eq!(cwd.unwrap(), b"/a/");
}

#[test]
fn remove_frees_clusters() {
    let mut v = formatted::<4096>(2048, 512);
    let (free0, _) = statvfs(&mut v);
    write_file(&mut v, "/f", &pattern(50_000, 1)).unwrap();
    let (free1, _) = statvfs(&mut v);
    assert!(free1 < free0);
    remove(&mut v, "/f").unwrap();
    assert_eq!(statvfs(&mut v).0, free0);
    assert_eq!(stat(&mut v, "/f"), Err(errno(Errno::ENOENT)));
    assert_eq!(remove(&mut v, "/f"), Err(errno(Errno::ENOENT)));
}

#[test]
fn rename_files_and_directories() {
    let mut v = formatted::<4096>(1024, 512);
    mkdir(&mut v, "/src").unwrap();
    mkdir(&mut v, "/dst").unwrap();
    write_file(&mut v, "/src/file.txt", b"payload").unwrap();
    rename(&mut v, "/src/file.txt", "/dst/renamed with a long name.txt").unwrap();
    assert_eq!(listdir(&mut v, "/src").unwrap(), Vec::<String>::new());
    assert_eq!(
        read_file(&mut v, "/dst/renamed with a long name.txt").unwrap(),
        b"payload"
    );
    // A directory moved: its ".." follows it.
    mkdir(&mut v, "/src/sub").unwrap();
    rename(&mut v, "/src/sub", "/dst/sub").unwrap();
    write_file(&mut v, "/dst/sub/../x", b"via dotdot").unwrap();
    assert_eq!(read_file(&mut v, "/dst/x").unwrap(), b"via dotdot");
    // An existing file is replaced, a directory is not, nor a directory into itself.
    write_file(&mut v, "/old", b"old").unwrap();
    write_file(&mut v, "/new", b"new").unwrap();
    rename(&mut v, "/new", "/old").unwrap();
    assert_eq!(read_file(&mut v, "/old").unwrap(), b"new");
    assert_eq!(rename(&mut v, "/old", "/dst"), Err(errno(Errno::EISDIR)));
    assert_eq!(rename(&mut v, "/dst", "/dst/sub/in"), Err(errno(Errno::EINVAL)));
    assert_eq!(rename(&mut v, "/missing", "/y"), Err(errno(Errno::ENOENT)));
}

#[test]
fn long_and_unicode_names() {
    let mut v = formatted::<4096>(2048, 512);
    let names = [
        "a rather long file name that needs several entries.data",
        "Ünïcödé ☃ name.txt",
        "MixedCase.Txt",
        "lower.txt",
        "two.dots.in.name",
    ];
    for (i, n) in names.iter().enumerate() {
        write_file(&mut v, &format!("/{n}"), &pattern(100 + i, i as u32)).unwrap();
    }
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(listdir(&mut v, "/").unwrap(), want);
    for (i, n) in names.iter().enumerate() {
        assert_eq!(read_file(&mut v, &format!("/{n}")).unwrap(), pattern(100 + i, i as u32));
    }
    // Case-insensitive for long names too.
    assert_eq!(read_file(&mut v, "/MIXEDCASE.TXT").unwrap(), pattern(102, 2));
    // 255 units is the limit; invalid characters are EINVAL.
    let long = "x".repeat(255);
    write_file(&mut v, &format!("/{long}"), b"max").unwrap();
    assert_eq!(read_file(&mut v, &format!("/{long}")).unwrap(), b"max");
    assert_eq!(write_file(&mut v, &format!("/{long}y"), b""), Err(errno(Errno::EINVAL)));
    assert_eq!(write_file(&mut v, "/a*b", b""), Err(errno(Errno::EINVAL)));
    assert_eq!(write_file(&mut v, "/a:b", b""), Err(errno(Errno::EINVAL)));
}

#[test]
fn numbered_short_names_do_not_collide() {
    let mut v = formatted::<4096>(2048, 512);
    for i in 0..12 {
        write_file(&mut v, &format!("/long file name {i}.text"), &[i as u8]).unwrap();
    }
    for i in 0..12 {
        assert_eq!(
            read_file(&mut v, &format!("/long file name {i}.text")).unwrap(),
            [i as u8]
        );
    }
    assert_eq!(listdir(&mut v, "/").unwrap().len(), 12);
}

#[test]
fn full_disk_is_enospc_and_recovers() {
    let mut v = formatted::<4096>(256, 512);
    let (free, _) = statvfs(&mut v);
    let mut f = open(&mut v, "/fill", "wb").unwrap();
    let chunk = pattern(4096, 3);
    let mut written = 0;
    let err = loop {
        match write(&mut v, &mut f, &chunk) {
            Ok(n) => written += n,
            Err(e) => break e,
        }
    };
    assert_eq!(err, errno(Errno::ENOSPC));
    close(&mut v, &mut f).unwrap();
    assert_eq!(statvfs(&mut v).0, 0);
    let size = stat(&mut v, "/fill").unwrap().unwrap().1 as usize;
    assert!(size >= written && size <= free as usize * 512);
    assert_eq!(write_file(&mut v, "/more", b"x"), Err(errno(Errno::ENOSPC)));
    // A new directory needs a cluster: EACCES, as oofatfs's FR_DENIED.
    assert_eq!(mkdir(&mut v, "/d"), Err(errno(Errno::EACCES)));
    remove(&mut v, "/fill").unwrap();
    remove(&mut v, "/more").unwrap();
    assert_eq!(statvfs(&mut v).0, free);
    write_file(&mut v, "/after", b"room again").unwrap();
    assert_eq!(read_file(&mut v, "/after").unwrap(), b"room again");
}

#[test]
fn fixed_root_directory_fills_up() {
    let mut v = formatted::<4096>(4096, 512);
    let mut made = 0;
    let err = loop {
        match write_file(&mut v, &format!("/F{made}"), b"") {
            Ok(()) => made += 1,
            Err(e) => break e,
        }
        assert!(made <= 512);
    };
    assert_eq!(err, errno(Errno::EACCES));
    assert_eq!(made, 512, "FAT12/16's root holds 512 entries");
    // A subdirectory grows instead.
    remove(&mut v, "/F0").unwrap();
    mkdir(&mut v, "/d").unwrap();
    for i in 0..40 {
        write_file(&mut v, &format!("/d/{i}"), b"").unwrap();
    }
    assert_eq!(listdir(&mut v, "/d").unwrap().len(), 40);
}

#[test]
fn read_only_device_is_erofs() {
    let mut v = formatted::<4096>(1024, 512);
    write_file(&mut v, "/f", b"data").unwrap();
    v.dev.read_only = true;
    assert_eq!(mkdir(&mut v, "/d"), Err(errno(Errno::EROFS)));
    assert_eq!(open(&mut v, "/f", "wb").err(), Some(errno(Errno::EROFS)));
    assert_eq!(rename(&mut v, "/f", "/g"), Err(errno(Errno::EROFS)));
    assert_eq!(read_file(&mut v, "/f").unwrap(), b"data");
}

/// The data calls of a file's read or write: calls touching the data area.
fn data_calls(calls: &[Call], write: bool, min_sector: u32) -> Vec<Call> {
    calls
        .iter()
        .copied()
        .filter(|c| c.0 == write && c.1 >= min_sector)
        .collect()
}

#[test]
fn contiguous_clusters_go_in_one_device_call() {
    // 4096-byte sectors, one per cluster: a 64 KiB file is 16 clusters in a row.
    let mut v = formatted::<4096>(1024, 4096);
    let first_data = v.fs().call(true, |_, bp| Ok(bp.data_start)).unwrap();
    let data = pattern(65536, 9);
    let mut f = open(&mut v, "/f", "wb").unwrap();
    v.dev.calls.clear();
    write(&mut v, &mut f, &data).unwrap();
    assert_eq!(data_calls(&v.dev.calls, true, first_data), [(true, first_data, 16)]);
    close(&mut v, &mut f).unwrap();
    let mut f = open(&mut v, "/f", "rb").unwrap();
    v.dev.calls.clear();
    assert_eq!(read(&mut v, &mut f, 65536).unwrap(), data);
    assert_eq!(data_calls(&v.dev.calls, false, first_data), [(false, first_data, 16)]);
}

#[test]
fn one_call_per_run_of_a_fragmented_file() {
    let mut v = formatted::<4096>(1024, 4096);
    let first_data = v.fs().call(true, |_, bp| Ok(bp.data_start)).unwrap();
    // a gets 2 clusters, b 1, then a grows by 3: a is two runs.
    write_file(&mut v, "/a", &pattern(8192, 1)).unwrap();
    write_file(&mut v, "/b", &pattern(4096, 2)).unwrap();
    let mut f = open(&mut v, "/a", "ab").unwrap();
    write(&mut v, &mut f, &pattern(12288, 3)).unwrap();
    close(&mut v, &mut f).unwrap();
    let mut want = pattern(8192, 1);
    want.extend(pattern(12288, 3));
    let mut f = open(&mut v, "/a", "rb").unwrap();
    v.dev.calls.clear();
    assert_eq!(read(&mut v, &mut f, want.len()).unwrap(), want);
    let reads = data_calls(&v.dev.calls, false, first_data);
    assert_eq!(reads, [(false, first_data, 2), (false, first_data + 3, 3)]);
}

#[test]
fn fixed_512_sectors_go_one_cluster_per_call() {
    // FF_MAX_SS 512 (rp2): a call of several sectors could reach other bytes on a device
    // with larger blocks, so each cluster is its own call, as stock does.
    let mut v = formatted::<512>(2048, 512);
    let (first_data, spc) = v.fs().call(true, |_, bp| Ok((bp.data_start, bp.spc))).unwrap();
    let bytes = 8 * spc as usize * 512;
    let mut f = open(&mut v, "/f", "wb").unwrap();
    v.dev.calls.clear();
    write(&mut v, &mut f, &pattern(bytes, 4)).unwrap();
    let writes = data_calls(&v.dev.calls, true, first_data);
    assert_eq!(writes.len(), 8);
    assert!(writes.iter().all(|c| c.2 == spc as usize));
}

#[test]
fn failing_write_reports_an_error_and_keeps_what_was_written() {
    for kind in [DeviceError::Failed, DeviceError::RaisedOsError, DeviceError::Raised] {
        let mut v = formatted::<4096>(2048, 512);
        let first = pattern(5000, 5);
        write_file(&mut v, "/f", &first).unwrap();
        // The device fails from its fourth write on, in the middle of a stream of writes.
        v.dev.fail_kind = kind;
        v.dev.fail_writes_after = Some(3);
        let mut f = open(&mut v, "/f", "ab").unwrap();
        let mut reported = Vec::new();
        let mut n = 0;
        let err = loop {
            let chunk = pattern(1000, 100 + n);
            match write(&mut v, &mut f, &chunk) {
                Ok(done) => reported.extend_from_slice(&chunk[..done]),
                Err(e) => break e,
            }
            n += 1;
            assert!(n < 100, "the failing device is noticed");
        };
        let want = if kind == DeviceError::Failed {
            errno(Errno::EIO)
        } else {
            Error::Device
        };
        assert_eq!(err, want, "{kind:?}");
        assert!(!reported.is_empty());
        // The fault clears: what was reported written reads back after a remount.
        v.dev.fail_writes_after = None;
        close(&mut v, &mut f).unwrap();
        let mut w = mounted(v.dev.data.clone(), 512);
        let got = read_file(&mut w, "/f").unwrap();
        assert!(got.len() >= first.len() + reported.len(), "{kind:?}");
        assert_eq!(&got[..first.len()], &first[..]);
        assert_eq!(
            &got[first.len()..first.len() + reported.len()],
            &reported[..],
            "{kind:?}"
        );
    }
}

#[test]
fn failed_multi_cluster_write_retries_cluster_by_cluster() {
    struct Picky(Disk);
    impl rustos::fat::engine::BlockDevice for Picky {
        const MAX_SS: usize = 4096;
        fn read(&mut self, s: u32, b: &mut [u8]) -> Result<(), DeviceError> {
            self.0.read(s, b)
        }
        fn write(&mut self, s: u32, b: &[u8]) -> Result<(), DeviceError> {
            // A device that takes at most two sectors at a time, and says so by an OSError.
            if b.len() > 2 * 4096 {
                return Err(DeviceError::RaisedOsError);
            }
            self.0.write(s, b)
        }
    }
    let mut v = OwnedFs::new(Picky(Disk::new(512, 4096)), FixedClock, 4096).unwrap();
    v.fs().format(512, None).unwrap();
    let data = pattern(10 * 4096, 8);
    let p = rustos::fat::engine::resolve(b"/f", b"/").unwrap();
    let m = rustos::fat::engine::Mode::parse(b"wb");
    let mut f = v.fs().call(false, |fs, bp| fs.open(bp, &p, &m)).unwrap();
    // The merged write is refused; one cluster at a time it goes through, as on stock.
    v.fs().call(false, |fs, bp| fs.write_all(bp, &mut f, &data)).unwrap();
    v.fs().call(true, |fs, bp| fs.flush_file(bp, &mut f)).unwrap();
    let mut w = mounted(v.dev.0.data.clone(), 4096);
    assert_eq!(read_file(&mut w, "/f").unwrap(), data);
    // Nothing leaked: the clusters taken ahead were given back and taken again.
    let (free, total) = statvfs(&mut w);
    assert_eq!(total - free, 10);
}

#[test]
fn failing_reads_are_errors() {
    let mut v = formatted::<4096>(1024, 512);
    write_file(&mut v, "/f", &pattern(3000, 1)).unwrap();
    let mut f = open(&mut v, "/f", "rb").unwrap();
    v.dev.fail_reads = true;
    assert_eq!(read(&mut v, &mut f, 3000).err(), Some(errno(Errno::EIO)));
    v.dev.fail_kind = DeviceError::Raised;
    assert_eq!(listdir(&mut v, "/").err(), Some(Error::Device));
    v.dev.fail_reads = false;
    assert_eq!(read(&mut v, &mut f, 3000).unwrap(), pattern(3000, 1));
    // Mounting through a failing device.
    let mut d = Disk::new(64, 512);
    d.fail_reads = true;
    assert_eq!(OwnedFs::new(d, FixedClock, 512).err(), Some(errno(Errno::EIO)));
}

#[test]
fn broken_chains_are_eio_not_a_hang() {
    let mut v = formatted::<4096>(1024, 512);
    let (fat, spc, root) = v
        .fs()
        .call(true, |_, bp| Ok((bp.fat_start, bp.spc, bp.root_start)))
        .unwrap();
    let size = 3 * spc as usize * 512;
    write_file(&mut v, "/f", &pattern(size, 1)).unwrap();
    // FAT12: the file's first cluster (2) links to a free cluster.
    let at = fat as usize * 512 + 3;
    let mut img = v.dev.data.clone();
    img[at] = 0;
    img[at + 1] &= 0xF0;
    let mut w = mounted(img, 512);
    assert_eq!(read_file(&mut w, "/f"), Err(errno(Errno::EIO)));
    // It links to itself, and the entry claims more than the volume holds: the read
    // stops at the volume's size.
    let mut img = v.dev.data.clone();
    img[at] = 2;
    img[at + 1] &= 0xF0;
    let root = root as usize;
    let e = (0..16)
        .map(|i| root * 512 + i * 32)
        .find(|&o| &img[o..o + 2] == b"F ")
        .unwrap();
    img[e + 28..e + 32].copy_from_slice(&u32::MAX.to_le_bytes());
    let mut w = mounted(img, 512);
    let mut f = open(&mut w, "/f", "rb").unwrap();
    assert_eq!(read(&mut w, &mut f, 4 << 20).err(), Some(errno(Errno::EIO)));
}

#[test]
fn corrupt_volumes_give_errors_not_panics() {
    let mut v = formatted::<4096>(1024, 512);
    mkdir(&mut v, "/dir").unwrap();
    for i in 0..6 {
        write_file(
            &mut v,
            &format!("/dir/file number {i}.txt"),
            &pattern(700 * i, i as u32),
        )
        .unwrap();
    }
    let clean = v.dev.data.clone();
    let mut seed = 12345u32;
    let mut mounted_ok = 0;
    for round in 0..300 {
        let mut img = clean.clone();
        for _ in 0..1 + round % 8 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            // Within the first 64 sectors: boot record, FAT, root, the first clusters.
            let at = seed as usize % (64 * 512);
            img[at] ^= 1 << (seed >> 24 & 7);
            if round % 5 == 0 {
                img[at] = (seed >> 8) as u8;
            }
        }
        let Ok(mut w) = OwnedFs::new(RamDisk::<4096>::from_image(img, 512), FixedClock, 512) else {
            continue;
        };
        if !w.vol.is_mounted() {
            continue;
        }
        mounted_ok += 1;
        let _ = statvfs_checked(&mut w);
        if let Ok(names) = listdir(&mut w, "/dir") {
            for n in names {
                let _ = read_file(&mut w, &format!("/dir/{n}"));
                let _ = stat(&mut w, &format!("/dir/{n}"));
            }
        }
        let _ = write_file(&mut w, "/dir/new", &pattern(3000, 1));
        let _ = mkdir(&mut w, "/dir/sub");
        let _ = rename(&mut w, "/dir/file number 1.txt", "/moved");
        let _ = remove(&mut w, "/dir/file number 2.txt");
    }
    assert!(mounted_ok > 100, "most corruptions still mount ({mounted_ok})");
}

fn statvfs_checked(v: &mut Vol<4096>) -> Result<u32, Error> {
    v.fs().call(true, |fs, bp| fs.free_clusters(bp))
}

#[test]
fn timestamps_come_from_the_clock() {
    let mut v = formatted::<4096>(1024, 512);
    write_file(&mut v, "/t", b"x").unwrap();
    let p = rustos::fat::engine::resolve(b"/t", b"/").unwrap();
    let s = v.fs().call(true, |fs, _| fs.stat(&p)).unwrap().unwrap();
    assert_eq!(u32::from(s.fdate) << 16 | u32::from(s.ftime), TIME);
}

/// `check` finds what fsck.fat reports: nothing on a clean volume; a size that disagrees
/// with the chain, clusters nothing holds, and two entries sharing a chain.
#[test]
fn check_reports_damage_as_fsck_fat_does() {
    let mut v = formatted::<4096>(2048, 512);
    v.mkdir("/d").unwrap();
    v.write_file("/d/a", &pattern(3000, 1)).unwrap();
    v.write_file("/b", &pattern(700, 2)).unwrap();
    let clean = v.check().unwrap();
    assert_eq!((clean.files, clean.dirs), (2, 1));
    assert!(clean.problems.is_empty(), "{clean:?}");
    let image = v.dev.data.clone();
    let entry = |img: &[u8], name: &[u8; 11]| img.windows(11).position(|w| w == name).expect("entry");
    let check = |img: Vec<u8>| mounted(img, 512).check().unwrap().problems;

    let mut grown = image.clone();
    let b = entry(&grown, b"B          ");
    grown[b + 28..b + 32].copy_from_slice(&5000u32.to_le_bytes());
    let p = check(grown);
    assert!(p.len() == 1 && p[0].starts_with("/b: its size is 5000 bytes"), "{p:?}");

    let mut lost = image.clone();
    let b = entry(&lost, b"B          ");
    lost[b] = 0xE5; // deleted, its chain left in the FAT
    let p = check(lost);
    assert!(p.len() == 1 && p[0].contains("(lost)"), "{p:?}");

    let mut shared = image;
    let a = entry(&shared, b"A          ");
    let b = entry(&shared, b"B          ");
    let a_start = [shared[a + 26], shared[a + 27]];
    shared[b + 26..b + 28].copy_from_slice(&a_start);
    let p = check(shared);
    assert!(p.iter().any(|l| l.contains("cross-linked")), "{p:?}");
    assert!(p.iter().any(|l| l.contains("(lost)")), "{p:?}");
}

/// truncate with CPython's semantics: shrinking frees the clusters past the end (the
/// volume checks clean, the free count comes back), growing reads as zeros, the position
/// stays, and a write past a shrunk end fills the gap with zeros.
#[test]
fn truncate_shrinks_grows_and_keeps_the_position() {
    let mut v = formatted::<4096>(2048, 512);
    let (free0, _) = statvfs(&mut v);
    let data = pattern(5000, 3);
    v.write_file("/f", &data).unwrap();
    let mut f = open(&mut v, "/f", "r+b").unwrap();
    seek(&mut v, &mut f, 4000).unwrap();
    v.truncate_file(&mut f, 1000).unwrap();
    assert_eq!((f.pos(), f.size()), (4000, 1000));
    close(&mut v, &mut f).unwrap();
    assert_eq!(read_file(&mut v, "/f").unwrap(), &data[..1000]);
    assert!(v.check().unwrap().problems.is_empty());

    let mut f = open(&mut v, "/f", "r+b").unwrap();
    v.truncate_file(&mut f, 3000).unwrap();
    assert_eq!((f.pos(), f.size()), (0, 3000));
    seek(&mut v, &mut f, 500).unwrap();
    v.truncate_file(&mut f, 200).unwrap();
    write(&mut v, &mut f, b"xy").unwrap();
    close(&mut v, &mut f).unwrap();
    let mut want = data[..200].to_vec();
    want.resize(500, 0);
    want.extend_from_slice(b"xy");
    assert_eq!(read_file(&mut v, "/f").unwrap(), want);
    assert!(v.check().unwrap().problems.is_empty());

    let mut f = open(&mut v, "/f", "r+b").unwrap();
    v.truncate_file(&mut f, 0).unwrap();
    close(&mut v, &mut f).unwrap();
    assert_eq!(stat(&mut v, "/f").unwrap(), Some((false, 0)));
    remove(&mut v, "/f").unwrap();
    assert_eq!(statvfs(&mut v).0, free0);
    assert!(v.check().unwrap().problems.is_empty());
}

#[test]
fn set_mtime_writes_the_entry_date_and_time() {
    let mut v = formatted::<4096>(2048, 512);
    v.mkdir("/d").unwrap();
    v.write_file("/d/f", b"x").unwrap();
    let t = ((2001 - 1980) << 25) | (2 << 21) | (3 << 16) | (4 << 11) | (5 << 5) | 3;
    v.set_mtime_path("/d/f", t).unwrap();
    v.set_mtime_path("/d", t).unwrap();
    let mut again = mounted(v.dev.data.clone(), 512);
    let e = again.list("/d").unwrap();
    assert_eq!(e.len(), 1);
    let img = &v.dev.data;
    let at = img.windows(11).position(|w| w == b"F          ").unwrap();
    assert_eq!(
        u32::from_le_bytes([img[at + 22], img[at + 23], img[at + 24], img[at + 25]]),
        t
    );
    assert_eq!(v.set_mtime_path("/", t), Err(errno(Errno::EINVAL)));
    assert_eq!(v.set_mtime_path("/nope", t), Err(errno(Errno::ENOENT)));
}
