//! littlefs v1 and v2 (src/lfs, over the MicroPython tree's lfs1.c/lfs2.c) on corrupt
//! images.
//!
//! `lfs_image` input: byte 0 picks the version (even: v2, odd: v1), then 3-byte patches
//! (offset: 2 bytes little-endian, modulo the image; value XORed in), applied to a valid
//! 32-block image with files and directories, built once.  Properties: no panic and an
//! end to every call (mount, a walk, reading every file, the block count, then a mkdir, a
//! write, a rename and a remove, and a remount); a file read back is never longer than
//! the image could hold.
use rustos::lfs::{self, Config, Kind, RamStorage, Version, V1, V2};
use std::sync::OnceLock;

const BS: u32 = 512;
const BLOCKS: u32 = 32;

fn cfg() -> Config {
    Config::micropython(BS, BLOCKS, 32, 32, 32)
}

fn seed<V: Version>() -> Vec<u8> {
    let (ram, r) = lfs::format::<V, _>(RamStorage::new(BS, BLOCKS), &cfg());
    r.expect("format");
    let mut fs = lfs::mount::<V, _>(ram, &cfg()).map_err(|(_, e)| e).expect("mount");
    fs.mkdir("/lib").expect("mkdir");
    fs.mkdir("/lib/pkg").expect("mkdir");
    fs.write_file("/main.py", b"print('hello')\n", Some(1)).expect("write");
    fs.write_file("/lib/pkg/big.bin", &[0x5a; 3000], Some(2))
        .expect("write");
    fs.write_file("/lib/small", b"x", None).expect("write");
    let (ram, r) = fs.unmount();
    r.expect("unmount");
    ram.data
}

fn images() -> &'static [Vec<u8>; 2] {
    static IMAGES: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    IMAGES.get_or_init(|| [seed::<V2>(), seed::<V1>()])
}

fn exercise<V: Version>(image: Vec<u8>) {
    let capacity = image.len();
    let Ok(mut fs) = lfs::mount::<V, _>(
        RamStorage {
            block_size: BS,
            data: image,
        },
        &cfg(),
    ) else {
        return;
    };
    if let Ok(all) = fs.walk("/") {
        for (path, st) in all.iter().take(64) {
            if st.kind == Kind::File {
                if let Ok(data) = fs.read_file(path) {
                    assert!(
                        data.len() <= capacity,
                        "{path}: {} bytes from a {capacity}-byte image",
                        data.len()
                    );
                }
            }
        }
    }
    let _ = fs.used_blocks();
    let _ = fs.mkdir("/fz");
    let _ = fs.write_file("/fz/new", &[7; 700], Some(3));
    let _ = fs.rename("/fz/new", "/renamed");
    let _ = fs.remove("/main.py");
    let (ram, _) = fs.unmount();
    if let Ok(mut fs) = lfs::mount::<V, _>(ram, &cfg()) {
        let _ = fs.walk("/");
    }
}

pub fn lfs_image(data: &[u8]) {
    let Some((&which, patches)) = data.split_first() else {
        return;
    };
    let v1 = which & 1 == 1;
    let mut image = images()[usize::from(v1)].clone();
    let n = image.len();
    for p in patches.chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([p[0], p[1]])) % n;
        image[at] ^= p[2];
    }
    if v1 {
        exercise::<V1>(image);
    } else {
        exercise::<V2>(image);
    }
}
