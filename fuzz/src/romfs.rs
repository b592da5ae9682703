//! The ROMFS reader (src/romfs.rs) on arbitrary images.
//!
//! `romfs` input: byte 0 is a path's length (mod 64), then the path, then the image.
//! Properties: no panic; every span a lookup or listing gives lies inside the image; a
//! listing ends, each entry further on than the one before; an image `Rom::new` accepts
//! has its payload inside it.  The image is also read as if checked before (`Rom::again`)
//! with payloads that may no longer fit it, as after the memory behind a VfsRom shrank.
use rustos::romfs::{Lookup, Rom, Span};

fn walk(rom: &Rom, path: &[u8]) {
    let img = rom.image();
    let dirs: [&[u8]; 3] = [path, b"", b"/"];
    for p in dirs {
        match rom.lookup(p) {
            Lookup::NotFound => {}
            Lookup::File(d) => assert!(d.start <= d.end && d.end <= img.len(), "{d:?}"),
            Lookup::Dir(mut at) => {
                assert!(at.start <= at.end && at.end <= img.len(), "{at:?}");
                let mut last = at.start;
                let mut n = 0;
                while let Some(e) = rom.next_entry(&mut at) {
                    assert!(at.start > last, "listing does not move on");
                    last = at.start;
                    assert!(e.name.len() <= img.len());
                    n += 1;
                    assert!(n <= img.len());
                }
            }
        }
    }
}

pub fn romfs(data: &[u8]) {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n % 64).min(rest.len());
    let (path, img) = rest.split_at(n);
    if let Ok(rom) = Rom::new(img) {
        let p = rom.payload();
        assert!(p.start <= p.end && p.end <= img.len());
        walk(&rom, path);
    }
    for end in [img.len(), img.len() + 7, usize::MAX] {
        for start in [0, 4, 5, img.len()] {
            walk(&Rom::again(img, Span { start, end }), path);
        }
    }
}
