//! littlefs over RAM storage, on the host: the safe API, its errors, and what reaches the
//! storage; v2 throughout, v1 where it differs.
use super::*;
use alloc::vec;

const BS: u32 = 512;

fn cfg(blocks: u32) -> Config {
    Config::micropython(BS, blocks, 32, 32, 32)
}

fn fresh_v<V: Version>(blocks: u32) -> Fs<V, RamStorage> {
    let (ram, r) = format::<V, _>(RamStorage::new(BS, blocks), &cfg(blocks));
    r.unwrap();
    mount::<V, _>(ram, &cfg(blocks)).map_err(|(_, e)| e).unwrap()
}

fn fresh(blocks: u32) -> Fs<V2, RamStorage> {
    fresh_v::<V2>(blocks)
}

fn remount<V: Version>(fs: Fs<V, RamStorage>, blocks: u32) -> Fs<V, RamStorage> {
    let (ram, r) = fs.unmount();
    r.unwrap();
    mount::<V, _>(ram, &cfg(blocks)).map_err(|(_, e)| e).unwrap()
}

fn pattern(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn round_trip<V: Version>() {
    let mut fs = fresh_v::<V>(128);
    let sizes = [0usize, 1, 31, 32, 511, 512, 513, 4096, 10_000];
    for (i, n) in sizes.iter().enumerate() {
        fs.write_file(&alloc::format!("/f{i}"), &pattern(*n, i as u32), None)
            .unwrap();
    }
    let mut fs = remount(fs, 128);
    for (i, n) in sizes.iter().enumerate() {
        let path = alloc::format!("/f{i}");
        assert_eq!(fs.read_file(&path).unwrap(), pattern(*n, i as u32), "{path}");
        assert_eq!(fs.stat(&path).unwrap().size as usize, *n);
    }
}

#[test]
fn files_read_back_what_was_written_after_a_remount() {
    round_trip::<V2>();
}

#[test]
fn v1_files_read_back_what_was_written_after_a_remount() {
    round_trip::<V1>();
}

#[test]
fn v1_directories_errors_and_block_counts() {
    let mut fs = fresh_v::<V1>(64);
    let empty = fs.used_blocks().unwrap();
    fs.mkdir("/d").unwrap();
    fs.write_file("/d/f", &pattern(3000, 5), Some(1)).unwrap();
    assert_eq!(fs.mkdir("/d"), Err(Error::Exist));
    assert_eq!(fs.remove("/d"), Err(Error::NotEmpty));
    assert_eq!(fs.stat("/nope").map(drop), Err(Error::NoEnt));
    assert_eq!(fs.get_attr("/d/f", ATTR_MTIME, &mut [0; 8]), Err(Error::NoAttr));
    assert!(fs.used_blocks().unwrap() > empty);
    let walk: Vec<_> = fs.walk("/").unwrap().into_iter().map(|(p, s)| (p, s.kind)).collect();
    assert_eq!(walk, [("/d".into(), Kind::Dir), ("/d/f".into(), Kind::File)]);
    // v1's corrupt code (-52) is still Error::Corrupt
    let blank = RamStorage::new(BS, 64);
    assert_eq!(
        mount::<V1, _>(blank, &cfg(64)).err().map(|(_, e)| e),
        Some(Error::Corrupt)
    );
    // and v2 does not take a v1 filesystem
    let (ram, _) = fs.unmount();
    assert_eq!(
        mount::<V2, _>(ram, &cfg(64)).err().map(|(_, e)| e),
        Some(Error::Corrupt)
    );
}

#[test]
fn directories_nest_list_and_stat() {
    let mut fs = fresh(64);
    fs.mkdir("/a").unwrap();
    fs.mkdir("/a/b").unwrap();
    fs.write_file("/a/b/x.py", b"print(1)\n", None).unwrap();
    fs.write_file("/a/y", b"yy", None).unwrap();
    let mut names: Vec<_> = fs
        .read_dir("/a")
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.kind, s.size))
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![(b"b".to_vec(), Kind::Dir, 0), (b"y".to_vec(), Kind::File, 2)]
    );
    assert_eq!(fs.stat("/a/b").unwrap().kind, Kind::Dir);
    let walk: Vec<_> = fs.walk("/").unwrap().into_iter().map(|(p, _)| p).collect();
    assert_eq!(walk, ["/a", "/a/b", "/a/b/x.py", "/a/y"]);
}

#[test]
fn errors_come_back_as_values() {
    let mut fs = fresh(64);
    fs.mkdir("/d").unwrap();
    fs.write_file("/d/f", b"x", None).unwrap();
    assert_eq!(fs.mkdir("/d"), Err(Error::Exist));
    assert_eq!(fs.remove("/d"), Err(Error::NotEmpty));
    assert_eq!(fs.stat("/nope").map(drop), Err(Error::NoEnt));
    assert_eq!(fs.read_file("/d").map(drop), Err(Error::IsDir));
    assert_eq!(fs.mkdir("/d/f/g"), Err(Error::NotDir));
    let long = alloc::format!("/{}", "n".repeat(V2::NAME_MAX + 1));
    assert_eq!(fs.write_file(&long, b"", None), Err(Error::NameTooLong));
    assert_eq!(fs.mkdir("/a\0b"), Err(Error::Inval));
    assert_eq!(fs.read(7, &mut [0; 4]), Err(Error::Badf));
    assert_eq!(Error::Corrupt.errno(), 84);
    assert_eq!(Error::NoEnt.errno(), 2);
}

#[test]
fn rename_and_remove() {
    let mut fs = fresh(64);
    fs.write_file("/a", b"aaa", None).unwrap();
    fs.write_file("/b", b"bbbb", None).unwrap();
    fs.rename("/a", "/b").unwrap();
    assert_eq!(fs.read_file("/b").unwrap(), b"aaa");
    assert_eq!(fs.stat("/a").map(drop), Err(Error::NoEnt));
    fs.mkdir("/d").unwrap();
    fs.rename("/b", "/d/c").unwrap();
    fs.remove("/d/c").unwrap();
    fs.remove("/d").unwrap();
    assert!(fs.read_dir("/").unwrap().is_empty());
}

#[test]
fn a_full_filesystem_refuses_more_and_keeps_what_it_has() {
    let blocks = 24;
    let mut fs = fresh(blocks);
    fs.write_file("/keep", &pattern(1000, 9), None).unwrap();
    let r = fs.write_file("/big", &pattern(64 * 1024, 3), None);
    assert_eq!(r, Err(Error::NoSpc));
    let mut fs = remount(fs, blocks);
    assert_eq!(fs.read_file("/keep").unwrap(), pattern(1000, 9));
}

#[test]
fn used_blocks_follow_writes_and_removes() {
    let mut fs = fresh(128);
    let empty = fs.used_blocks().unwrap();
    fs.write_file("/f", &pattern(20 * BS as usize, 1), None).unwrap();
    let full = fs.used_blocks().unwrap();
    assert!(full >= empty + 20, "{empty} -> {full}");
    fs.remove("/f").unwrap();
    assert_eq!(fs.used_blocks().unwrap(), empty);
}

#[test]
fn mtime_is_littlefs_attribute_1_in_nanoseconds() {
    let mut fs = fresh(64);
    let t = 1_700_000_000_123_456_789u64;
    fs.write_file("/t", b"x", Some(t)).unwrap();
    fs.write_file("/u", b"x", None).unwrap();
    let mut fs = remount(fs, 64);
    let mut buf = [0u8; 8];
    assert_eq!(fs.get_attr("/t", ATTR_MTIME, &mut buf), Ok(8));
    assert_eq!(u64::from_le_bytes(buf), t);
    assert_eq!(fs.get_attr("/u", ATTR_MTIME, &mut buf), Err(Error::NoAttr));
}

#[test]
fn seek_truncate_and_append() {
    let mut fs = fresh(64);
    let id = fs.open("/f", O_RDWR | O_CREAT, None).unwrap();
    assert_eq!(fs.write(id, b"hello world").unwrap(), 11);
    assert_eq!(fs.seek(id, 6, SEEK_SET).unwrap(), 6);
    let mut buf = [0u8; 5];
    assert_eq!(fs.read(id, &mut buf).unwrap(), 5);
    assert_eq!(&buf, b"world");
    fs.truncate(id, 5).unwrap();
    assert_eq!(fs.size(id).unwrap(), 5);
    fs.truncate(id, 8).unwrap();
    fs.close(id).unwrap();
    assert_eq!(fs.read_file("/f").unwrap(), b"hello\0\0\0");
    let id = fs.open("/f", O_WRONLY | O_APPEND, None).unwrap();
    fs.write(id, b"!").unwrap();
    fs.close(id).unwrap();
    assert_eq!(fs.read_file("/f").unwrap(), b"hello\0\0\0!");
    assert_eq!(fs.close(id), Err(Error::Badf));
}

#[test]
fn files_left_open_are_committed_at_unmount() {
    let mut fs = fresh(64);
    let a = fs.open("/a", O_WRONLY | O_CREAT, None).unwrap();
    let b = fs.open("/b", O_WRONLY | O_CREAT, None).unwrap();
    fs.write(a, b"first").unwrap();
    fs.write(b, b"second").unwrap();
    let mut fs = remount(fs, 64);
    assert_eq!(fs.read_file("/a").unwrap(), b"first");
    assert_eq!(fs.read_file("/b").unwrap(), b"second");
}

#[test]
fn bad_configurations_and_blank_storage_are_refused() {
    for bad in [
        Config {
            read_size: 0,
            ..cfg(64)
        },
        Config {
            prog_size: 48,
            ..cfg(64)
        },
        Config {
            lookahead_size: 12,
            ..cfg(64)
        },
        Config {
            block_size: 64,
            ..cfg(64)
        },
        Config {
            block_count: 1,
            ..cfg(64)
        },
    ] {
        let (_, r) = format::<V2, _>(RamStorage::new(BS, 64), &bad);
        assert_eq!(r, Err(Error::Inval), "{bad:?}");
    }
    let blank = RamStorage::new(BS, 64);
    assert_eq!(
        mount::<V2, _>(blank, &cfg(64)).err().map(|(_, e)| e),
        Some(Error::Corrupt)
    );
    // v1 wants a lookahead of a multiple of 32 bits
    let (_, r) = format::<V1, _>(
        RamStorage::new(BS, 64),
        &Config {
            lookahead_size: 16,
            ..cfg(64)
        },
    );
    assert_eq!(r, Err(Error::Inval));
    // littlefs takes the block count from the superblock when given 0
    let fs = fresh(64);
    let (ram, _) = fs.unmount();
    let mut fs = mount::<V2, _>(
        ram,
        &Config {
            block_count: 0,
            ..cfg(64)
        },
    )
    .map_err(|(_, e)| e)
    .unwrap();
    assert!(fs.read_dir("/").unwrap().is_empty());
}

/// RAM storage that fails every program and erase after `budget` of them, until healed.
struct Failing {
    ram: RamStorage,
    budget: Option<u32>,
    calls: u32,
}

impl Storage for Failing {
    fn read(&mut self, block: u32, off: u32, buf: &mut [u8]) -> Result<(), Error> {
        self.ram.read(block, off, buf)
    }
    fn prog(&mut self, block: u32, off: u32, data: &[u8]) -> Result<(), Error> {
        self.spend()?;
        self.ram.prog(block, off, data)
    }
    fn erase(&mut self, block: u32) -> Result<(), Error> {
        self.spend()?;
        self.ram.erase(block)
    }
    fn sync(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

impl Failing {
    fn spend(&mut self) -> Result<(), Error> {
        self.calls += 1;
        match &mut self.budget {
            Some(0) => Err(Error::Io),
            Some(n) => {
                *n -= 1;
                Ok(())
            }
            None => Ok(()),
        }
    }
}

#[test]
fn a_failing_device_gives_errors_and_loses_nothing_committed() {
    // Every point of failure in a rewrite of one file and a new file: the error comes
    // back, and after the device heals the old committed content is whole.
    let blocks = 64;
    let mut base = fresh(blocks);
    base.write_file("/old", &pattern(3000, 1), None).unwrap();
    let (ram, _) = base.unmount();
    let mut failures = 0;
    for budget in 0.. {
        let dev = Failing {
            ram: ram.clone(),
            budget: Some(budget),
            calls: 0,
        };
        let mut fs = mount::<V2, _>(dev, &cfg(blocks)).map_err(|(_, e)| e).unwrap();
        let r = fs
            .write_file("/old", &pattern(3000, 2), None)
            .and_then(|()| fs.write_file("/new", &pattern(700, 3), None));
        fs.storage().budget = None;
        let (dev, _) = fs.unmount();
        let mut fs = mount::<V2, _>(dev.ram, &cfg(blocks)).map_err(|(_, e)| e).unwrap();
        let old = fs.read_file("/old").unwrap();
        match r {
            Ok(()) => {
                assert_eq!(old, pattern(3000, 2));
                assert_eq!(fs.read_file("/new").unwrap(), pattern(700, 3));
                break;
            }
            Err(e) => {
                assert_eq!(e, Error::Io);
                failures += 1;
                assert!(old == pattern(3000, 1) || old == pattern(3000, 2), "budget {budget}");
            }
        }
    }
    assert!(failures > 5, "{failures}");
}

#[test]
fn storage_sees_whole_programs_inside_blocks() {
    struct Checked(RamStorage, u32);
    impl Storage for Checked {
        fn read(&mut self, b: u32, o: u32, buf: &mut [u8]) -> Result<(), Error> {
            assert!(o.is_multiple_of(32) && buf.len().is_multiple_of(32) && o as usize + buf.len() <= BS as usize);
            self.0.read(b, o, buf)
        }
        fn prog(&mut self, b: u32, o: u32, d: &[u8]) -> Result<(), Error> {
            assert!(o.is_multiple_of(32) && d.len().is_multiple_of(32) && o as usize + d.len() <= BS as usize);
            self.1 += 1;
            self.0.prog(b, o, d)
        }
        fn erase(&mut self, b: u32) -> Result<(), Error> {
            self.0.erase(b)
        }
        fn sync(&mut self) -> Result<(), Error> {
            Ok(())
        }
    }
    let (dev, r) = format::<V2, _>(Checked(RamStorage::new(BS, 64), 0), &cfg(64));
    r.unwrap();
    let mut fs = mount::<V2, _>(dev, &cfg(64)).map_err(|(_, e)| e).unwrap();
    fs.write_file("/f", &pattern(5000, 4), None).unwrap();
    assert!(fs.storage().1 > 0);
    assert_eq!(fs.read_file("/f").unwrap(), pattern(5000, 4));
}
