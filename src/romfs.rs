//! The ROMFS format (what `mpremote romfs` deploys), read as MicroPython's
//! extmod/vfs_rom.c reads it, in safe Rust that knows nothing of MicroPython.
//!
//! An image is one record: the varuint kind 0x14a6b1 (encoded `d2 cd 31`, "RM1"), the
//! varuint length of its payload, then the payload, a sequence of records.  A varuint is
//! big-endian, 7 bits a byte, the high bit set on every byte but the last.  Record kinds:
//! 0 unused (corruption), 1 padding, 2 verbatim data, 3 indirect data (varuint size, then
//! varuint offset from the start of the image's payload), 4 a directory and 5 a file (both:
//! varuint name length, the name, then nested records).  Unknown kinds are skipped.
//!
//! Every offset here is an index into the image as a whole (the memory object's buffer),
//! and every byte is read through a bounds check.  Where stock's C stays inside the
//! buffer, the answers are stock's, step for step (including where a corrupt record makes
//! it stop).  Where stock would read outside it (a record, name or data that runs past
//! the end of the buffer, an offset that overflows), this code stops with an error
//! instead: "not found" for a lookup, the end for a listing.  Two more such cases are
//! treated as corrupt where stock computes a wrapped-around size: a directory whose name
//! is longer than its record (stock: a negative size), entered or listed.
#![forbid(unsafe_code)]

/// Record kinds.
pub const KIND_UNUSED: usize = 0;
pub const KIND_PADDING: usize = 1;
pub const KIND_DATA_VERBATIM: usize = 2;
pub const KIND_DATA_POINTER: usize = 3;
pub const KIND_DIRECTORY: usize = 4;
pub const KIND_FILE: usize = 5;
pub const KIND_FILESYSTEM: usize = 0x14a6b1;

/// The first three bytes of every image.
pub const HEADER: [u8; 3] = [0x80 | b'R', 0x80 | b'M', b'1'];
/// An image is at least this long (stock: ROMFS_SIZE_MIN).
pub const SIZE_MIN: usize = 4;

/// A byte range of the image: `start..end`, both within it once checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    NotFound,
    /// A directory: the records of its contents.
    Dir(Span),
    /// A file: its data.
    File(Span),
}

/// The image is not a ROMFS (stock: ENODEV).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotRomfs;

/// A varuint at `*pos`, read no further than `max` (nor past the image): None where stock's
/// mp_decode_uint_checked fails (or would read outside the image).  Bits shifted out of a
/// word are lost, as in C's `unum << 7`.
fn varuint(img: &[u8], pos: &mut usize, max: usize) -> Option<usize> {
    let mut p = *pos;
    let mut value: usize = 0;
    loop {
        if p >= max {
            return None;
        }
        let b = *img.get(p)?;
        p += 1;
        value = (value << 7) | usize::from(b & 0x7f);
        if b & 0x80 == 0 {
            break;
        }
    }
    *pos = p;
    Some(value)
}

/// A record's header at `*pos` (varints read no further than `max`): its kind, with `*pos`
/// moved to its payload, and where the record ends (which may lie past `max`, as in
/// stock).  KIND_UNUSED when the header cannot be read.
fn record(img: &[u8], pos: &mut usize, max: usize) -> (usize, usize) {
    let Some(kind) = varuint(img, pos, max) else {
        return (KIND_UNUSED, 0);
    };
    let Some(len) = varuint(img, pos, max) else {
        return (KIND_UNUSED, 0);
    };
    match pos.checked_add(len) {
        Some(next) => (kind, next),
        None => (KIND_UNUSED, 0),
    }
}

/// `start..start+len` if it lies within the image.
fn span_in(img: &[u8], start: usize, len: usize) -> Option<Span> {
    let end = start.checked_add(len)?;
    (end <= img.len()).then_some(Span { start, end })
}

/// A ROMFS image: the buffer and the payload of its top-level record.
#[derive(Clone, Copy, Debug)]
pub struct Rom<'a> {
    img: &'a [u8],
    fs: Span,
}

impl<'a> Rom<'a> {
    /// Check an image as stock's VfsRom constructor does.
    pub fn new(img: &'a [u8]) -> Result<Rom<'a>, NotRomfs> {
        if img.len() < SIZE_MIN || img[..3] != HEADER {
            return Err(NotRomfs);
        }
        let mut pos = 0;
        let (kind, end) = record(img, &mut pos, img.len());
        if kind != KIND_FILESYSTEM || end > img.len() {
            return Err(NotRomfs);
        }
        Ok(Rom {
            img,
            fs: Span { start: pos, end },
        })
    }

    /// An image checked before (by `new`, whose `payload` this is), seen again: the buffer
    /// may have changed meanwhile, so nothing is assumed of it but the offsets.
    pub fn again(img: &'a [u8], payload: Span) -> Rom<'a> {
        Rom { img, fs: payload }
    }

    /// The payload of the image's record (statvfs's f_blocks is its length).
    pub fn payload(&self) -> Span {
        self.fs
    }

    pub fn image(&self) -> &'a [u8] {
        self.img
    }

    /// The bytes of a span found by this image (empty if the buffer no longer holds it).
    pub fn bytes(&self, s: Span) -> &'a [u8] {
        self.img.get(s.start..s.end).unwrap_or(&[])
    }

    /// The data of a file record whose nested records are `pos..top`: the first verbatim
    /// or indirect data record (stock's extract_data).  None: corrupt.
    fn data(&self, mut pos: usize, top: usize) -> Option<Span> {
        let img = self.img;
        while pos < top {
            let (kind, next) = record(img, &mut pos, top);
            match kind {
                KIND_UNUSED => return None,
                KIND_DATA_VERBATIM => return span_in(img, pos, next - pos),
                KIND_DATA_POINTER => {
                    let size = varuint(img, &mut pos, next)?;
                    let offset = varuint(img, &mut pos, next)?;
                    return span_in(img, self.fs.start.checked_add(offset)?, size);
                }
                _ => pos = next,
            }
        }
        None
    }

    /// What `path` names (stock's mp_vfs_rom_search_filesystem).  One leading '/' is the
    /// root; components are separated by single '/'s, and one '/' may follow a directory.
    pub fn lookup(&self, path: &[u8]) -> Lookup {
        let img = self.img;
        let mut path = path.strip_prefix(b"/").unwrap_or(path);
        let (mut pos, mut top) = (self.fs.start, self.fs.end);
        while !path.is_empty() && pos < top {
            let (kind, next) = record(img, &mut pos, top);
            match kind {
                KIND_UNUSED => return Lookup::NotFound,
                KIND_DIRECTORY | KIND_FILE => {
                    let Some(name_len) = varuint(img, &mut pos, next) else {
                        return Lookup::NotFound;
                    };
                    let fits = name_len == path.len() || (name_len < path.len() && path[name_len] == b'/');
                    if !fits {
                        pos = next;
                        continue;
                    }
                    let Some(name) = span_in(img, pos, name_len) else {
                        return Lookup::NotFound;
                    };
                    if img[name.start..name.end] != path[..name_len] {
                        pos = next;
                        continue;
                    }
                    // Enter this record.
                    if name.end > next {
                        return Lookup::NotFound;
                    }
                    (pos, top) = (name.end, next);
                    path = &path[name_len..];
                    if kind == KIND_DIRECTORY {
                        path = path.strip_prefix(b"/").unwrap_or(path);
                    } else {
                        if !path.is_empty() {
                            return Lookup::NotFound;
                        }
                        return match self.data(pos, top) {
                            Some(d) => Lookup::File(d),
                            None => Lookup::NotFound,
                        };
                    }
                }
                _ => pos = next,
            }
        }
        if path.is_empty() {
            // A directory's records may run past the buffer (the header promised more than
            // there is, or the buffer shrank since): only the part inside it is listed.
            let start = pos.min(img.len());
            return Lookup::Dir(Span {
                start,
                end: top.min(img.len()).max(start),
            });
        }
        Lookup::NotFound
    }

    /// The next entry of a directory listing over `*at` (a `Lookup::Dir` span), moving on.
    /// None at the end, or where a corrupt record ends the listing (stock's iternext).
    pub fn next_entry(&self, at: &mut Span) -> Option<Entry<'a>> {
        let img = self.img;
        while at.start < at.end {
            let (kind, next) = record(img, &mut at.start, at.end);
            match kind {
                KIND_UNUSED => {
                    at.start = at.end;
                    return None;
                }
                KIND_DIRECTORY | KIND_FILE => {
                    let Some(name_len) = varuint(img, &mut at.start, next) else {
                        at.start = at.end;
                        return None;
                    };
                    let (is_dir, size) = if kind == KIND_DIRECTORY {
                        let size = span_in(img, at.start, name_len).and_then(|n| next.checked_sub(n.end));
                        let Some(size) = size else {
                            at.start = at.end;
                            return None;
                        };
                        (true, size)
                    } else {
                        // A file without data ends the listing; stock leaves its place
                        // after the name's length then, and a later call goes on from there.
                        (false, self.data(at.start.checked_add(name_len)?, next)?.len())
                    };
                    // A file's data lies after its name, inside the buffer: so does the name.
                    let name = span_in(img, at.start, name_len)?;
                    at.start = next;
                    return Some(Entry {
                        name: &img[name.start..name.end],
                        is_dir,
                        size,
                    });
                }
                _ => at.start = next,
            }
        }
        None
    }
}

/// One entry of a directory listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    pub name: &'a [u8],
    pub is_dir: bool,
    /// A file's data length; a directory's is the length of its records.
    pub size: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn uint(mut v: usize) -> Vec<u8> {
        let mut out = alloc::vec![(v & 0x7f) as u8];
        v >>= 7;
        while v != 0 {
            out.insert(0, 0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        out
    }

    fn rec(kind: usize, payload: &[u8]) -> Vec<u8> {
        let mut out = uint(kind);
        out.extend(uint(payload.len()));
        out.extend_from_slice(payload);
        out
    }

    fn named(kind: usize, name: &str, rest: &[u8]) -> Vec<u8> {
        let mut p = uint(name.len());
        p.extend_from_slice(name.as_bytes());
        p.extend_from_slice(rest);
        rec(kind, &p)
    }

    fn file(name: &str, data: &[u8]) -> Vec<u8> {
        named(KIND_FILE, name, &rec(KIND_DATA_VERBATIM, data))
    }

    fn dir(name: &str, entries: &[Vec<u8>]) -> Vec<u8> {
        named(KIND_DIRECTORY, name, &entries.concat())
    }

    /// An image as the writer of MicroPython's tests/extmod/vfs_rom.py makes it.
    fn image(entries: &[Vec<u8>]) -> Vec<u8> {
        let data = entries.concat();
        let mut len = uint(data.len());
        if (3 + len.len() + data.len()) % 2 == 1 {
            len.insert(0, 0x80);
        }
        let mut out = HEADER.to_vec();
        out.extend(len);
        out.extend(data);
        out
    }

    fn sample() -> Vec<u8> {
        image(&[
            file("test.txt", b"contents"),
            dir("dir", &[file("a.py", b"x = 1"), dir("sub", &[file("b", b"bb")])]),
            rec(KIND_PADDING, b"pad"),
        ])
    }

    fn list(rom: &Rom, path: &[u8]) -> Vec<(Vec<u8>, bool, usize)> {
        let Lookup::Dir(mut at) = rom.lookup(path) else {
            panic!("not a directory")
        };
        let mut out = Vec::new();
        while let Some(e) = rom.next_entry(&mut at) {
            out.push((e.name.to_vec(), e.is_dir, e.size));
        }
        out
    }

    #[test]
    fn empty_image() {
        let img = image(&[]);
        assert_eq!(img, [0xd2, 0xcd, 0x31, 0]);
        let rom = Rom::new(&img).unwrap();
        assert_eq!(rom.payload(), Span { start: 4, end: 4 });
        assert_eq!(rom.lookup(b""), Lookup::Dir(Span { start: 4, end: 4 }));
        assert_eq!(rom.lookup(b"/"), Lookup::Dir(Span { start: 4, end: 4 }));
        assert_eq!(rom.lookup(b"a"), Lookup::NotFound);
        assert!(list(&rom, b"").is_empty());
    }

    #[test]
    fn not_romfs() {
        for bad in [&b""[..], b"xxx", b"not a romfs", b"\xd2\xcd\x31", b"\xd2\xcd\x32\x00"] {
            assert_eq!(Rom::new(bad).err(), Some(NotRomfs), "{bad:?}");
        }
        // Length past the buffer, a length that never ends, one that overflows.
        assert!(Rom::new(b"\xd2\xcd\x31\x01").is_err());
        assert!(Rom::new(b"\xd2\xcd\x31\xff").is_err());
        let mut huge = HEADER.to_vec();
        huge.extend([0xff; 12]);
        huge.push(0x7f);
        assert!(Rom::new(&huge).is_err());
        // Trailing bytes after the image are allowed.
        assert!(Rom::new(b"\xd2\xcd\x31\x00\xff\xff").is_ok());
    }

    #[test]
    fn lookup_and_list() {
        let img = sample();
        let rom = Rom::new(&img).unwrap();
        let Lookup::File(d) = rom.lookup(b"/test.txt") else {
            panic!()
        };
        assert_eq!(rom.bytes(d), b"contents");
        let Lookup::File(d) = rom.lookup(b"dir/sub/b") else {
            panic!()
        };
        assert_eq!(rom.bytes(d), b"bb");
        assert!(matches!(rom.lookup(b"dir/"), Lookup::Dir(_)));
        assert!(matches!(rom.lookup(b"/dir/sub"), Lookup::Dir(_)));
        assert_eq!(rom.lookup(b"dir//sub"), Lookup::NotFound);
        assert_eq!(rom.lookup(b"test.txt/"), Lookup::NotFound);
        assert_eq!(rom.lookup(b"test"), Lookup::NotFound);
        assert_eq!(rom.lookup(b"dir/a.py/x"), Lookup::NotFound);
        assert_eq!(rom.lookup(b"//"), Lookup::NotFound);
        assert_eq!(
            list(&rom, b""),
            [(b"test.txt".to_vec(), false, 8), (b"dir".to_vec(), true, 28)]
        );
        assert_eq!(
            list(&rom, b"/dir"),
            [(b"a.py".to_vec(), false, 5), (b"sub".to_vec(), true, 8)]
        );
    }

    #[test]
    fn indirect_data_and_unknown_records() {
        // A data record at the start of the payload, a file pointing at it.
        let data = rec(KIND_DATA_VERBATIM, b"shared");
        let offset = 2; // after the data record's kind and length
        let mut ptr = uint(6);
        ptr.extend(uint(offset));
        let f = named(
            KIND_FILE,
            "p",
            &[rec(77, b"unknown"), rec(KIND_DATA_POINTER, &ptr)].concat(),
        );
        let img = image(&[data, rec(1000, b"x"), f]);
        let rom = Rom::new(&img).unwrap();
        let Lookup::File(d) = rom.lookup(b"p") else { panic!() };
        assert_eq!(rom.bytes(d), b"shared");
        assert_eq!(list(&rom, b""), [(b"p".to_vec(), false, 6)]);
    }

    #[test]
    fn padded_varuints() {
        // 0x80 bytes in front of a varuint change nothing.
        let img = [
            0xd2, 0xcd, 0x31, 0x80, 0x80, 0x0a, 5, 0x80, 8, 1, b'f', 2, 4, b'd', b'a', b't', b'a',
        ];
        let rom = Rom::new(&img[..]).unwrap();
        let Lookup::File(d) = rom.lookup(b"f") else { panic!() };
        assert_eq!(rom.bytes(d), b"data");
    }

    #[test]
    fn corrupt_like_stock() {
        // The cases of MicroPython's tests/extmod/vfs_rom.py TestCorrupt.
        let mut img = image(&[]);
        img[3] = 1;
        img.extend([0xff, 0xff]);
        let rom = Rom::new(&img).unwrap();
        assert_eq!(rom.lookup(b"a"), Lookup::NotFound);
        assert!(list(&rom, b"").is_empty());

        let good = image(&[file("file", b"data")]);
        let n = good.len();
        let corrupt = |at: usize, with: &[u8]| {
            let mut c = good.clone();
            c[at..at + with.len()].copy_from_slice(with);
            c
        };
        for c in [
            corrupt(7, &alloc::vec![0xff; n - 7]),
            corrupt(12, &[KIND_PADDING as u8]),
            corrupt(12, &alloc::vec![0xff; n - 12]),
            corrupt(13, &alloc::vec![0xff; n - 13]),
            corrupt(12, &[3, 6, 0xff, 0xff, 0xff, 0xff]),
            corrupt(12, &[3, 6, 0x00, 0xff, 0xff, 0xff]),
        ] {
            let rom = Rom::new(&c).unwrap();
            assert_eq!(rom.lookup(b"file"), Lookup::NotFound, "{c:?}");
            assert!(list(&rom, b"").is_empty(), "{c:?}");
        }
    }

    #[test]
    fn outside_the_buffer_is_an_error() {
        // A file whose data record claims more bytes than the buffer has.
        let mut img = image(&[file("f", b"data")]);
        let p = Rom::new(&img).unwrap().payload().start;
        let at = img.len() - 5; // the data record's length byte
        assert_eq!(img[at], 4);
        img[at] = 100;
        let rom = Rom::again(
            &img,
            Span {
                start: p,
                end: img.len(),
            },
        );
        assert_eq!(rom.lookup(b"f"), Lookup::NotFound);
        assert!(list(&rom, b"").is_empty());
        // An indirect record pointing past the buffer, and one whose offset overflows.
        for (size, offset) in [(4, 1000), (usize::MAX, 0), (1, usize::MAX)] {
            let mut ptr = uint(size);
            ptr.extend(uint(offset));
            let img = image(&[named(KIND_FILE, "f", &rec(KIND_DATA_POINTER, &ptr))]);
            let rom = Rom::new(&img).unwrap();
            assert_eq!(rom.lookup(b"f"), Lookup::NotFound);
        }
        // A directory record longer than the buffer: what is there is found, no more.
        let mut img = image(&[dir("d", &[file("x", b"1")])]);
        let p = Rom::new(&img).unwrap().payload().start;
        img[p + 1] = 0x7f; // the directory record's length
        let rom = Rom::again(
            &img,
            Span {
                start: p,
                end: img.len(),
            },
        );
        let Lookup::File(d) = rom.lookup(b"d/x") else { panic!() };
        assert_eq!(rom.bytes(d), b"1");
        assert_eq!(rom.lookup(b"d/y"), Lookup::NotFound);
        // A name running past its record and past the buffer.
        let mut img = image(&[file("name", b"")]);
        let p = Rom::new(&img).unwrap().payload().start;
        img[p + 2] = 0x7f; // the name's length
        let rom = Rom::again(
            &img,
            Span {
                start: p,
                end: img.len(),
            },
        );
        assert_eq!(rom.lookup(b"name"), Lookup::NotFound);
        assert!(list(&rom, b"").is_empty());
        // A directory whose name is longer than its record.
        let mut img = image(&[dir("dd", &[]), file("f", b"z")]);
        let p = Rom::new(&img).unwrap().payload().start;
        img[p + 2] = 3; // name length 3 in a record of 3 bytes (1 + "dd")
        let rom = Rom::new(&img).unwrap();
        assert!(list(&rom, b"").is_empty());
        assert_eq!(rom.lookup(b"dd\x05"), Lookup::NotFound);
    }

    #[test]
    fn a_changed_buffer_is_read_safely() {
        let img = sample();
        let payload = Rom::new(&img).unwrap().payload();
        let short = &img[..img.len() / 2];
        let rom = Rom::again(short, payload);
        let _ = rom.lookup(b"dir/sub/b");
        let Lookup::Dir(mut at) = rom.lookup(b"") else { panic!() };
        while rom.next_entry(&mut at).is_some() {}
        assert_eq!(
            rom.bytes(Span {
                start: 0,
                end: img.len()
            }),
            b""
        );
        // Shorter than the payload's start: the root is an empty listing inside the buffer.
        let tiny = &img[..2];
        let Lookup::Dir(at) = Rom::again(tiny, payload).lookup(b"") else {
            panic!()
        };
        assert!(at.is_empty() && at.end <= tiny.len());
    }

    /// Every truncation and every single-byte change of an image, and random images:
    /// looked up and listed in full without a panic (a panic fails the test).
    #[test]
    fn no_panic_on_any_damage() {
        let img = sample();
        let paths: [&[u8]; 7] = [b"", b"/", b"test.txt", b"dir", b"dir/a.py", b"dir/sub/b", b"/dir/sub/"];
        let walk = |img: &[u8]| {
            let rom = match Rom::new(img) {
                Ok(r) => r,
                Err(_) => Rom::again(
                    img,
                    Span {
                        start: 4,
                        end: img.len(),
                    },
                ),
            };
            for p in paths {
                match rom.lookup(p) {
                    Lookup::Dir(mut at) => {
                        let mut n = 0;
                        while let Some(e) = rom.next_entry(&mut at) {
                            assert!(e.name.len() <= img.len());
                            n += 1;
                            assert!(n < 1000);
                        }
                    }
                    Lookup::File(d) => assert!(d.end <= img.len()),
                    Lookup::NotFound => {}
                }
            }
        };
        for n in 0..=img.len() {
            walk(&img[..n]);
        }
        for i in 0..img.len() {
            for b in [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x7f, 0x80, 0xff] {
                let mut c = img.clone();
                c[i] = b;
                walk(&c);
            }
        }
        let mut x: u32 = 0x1234_5678;
        for _ in 0..2000 {
            let mut c = HEADER.to_vec();
            for _ in 0..40 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                c.push(match x % 4 {
                    0 => (x >> 8) as u8 & 7,
                    1 => 0x80 | (x >> 8) as u8,
                    _ => (x >> 8) as u8,
                });
            }
            walk(&c);
        }
    }
}
