//! Name comparison and short names (src/fatlayout.rs) against oofatfs.
//!
//! `fat_names` input: the bytes as UTF-16 code units (LE pairs), split at 0x0000 into up
//! to three names `a`, `b`, `c` (unpaired surrogates allowed in the raw units; the strings
//! replace them).  A fourth string `a2` is `a` with the characters picked by the bits of
//! the last byte put through `upper`, a case variant stock would call the same name.
//!
//! Properties:
//! * `upper` is oofatfs's `ff_wtoupper` on every character of the scripts its doc comment
//!   names (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic, full-width Latin) and maps
//!   nothing anywhere else that `ff_wtoupper` leaves alone; idempotent;
//! * `name_eq` is reflexive, symmetric and transitive, holds for `a`/`a2`, and is exactly
//!   oofatfs's comparison (`ff_wtoupper` on each UTF-16 unit) when both names are in
//!   those scripts (and never true where that is false, whatever the names);
//! * `ucs2_name_eq(units, s)` is false when `units` has an unpaired surrogate and is
//!   `name_eq(decoded, s)` otherwise; for UTF-16 encodings it agrees with `name_eq`.
//!
//! `short_name` input: the bytes as a name (lossy UTF-8).  Properties:
//! * `plain_short_name(s)`, for a name without trailing dots or spaces (src/fat/engine strips
//!   them first), is Some exactly when oofatfs's create_name needs no long name for it
//!   (8.3, only characters valid in a short name, each part in one case), with its 11
//!   bytes and case flags: by the rules (`stock_plain`) and, with the oracle, by the
//!   entry stock's f_open really writes for that name on a fresh volume; whatever the
//!   name, Some means a valid 8.3 name whose expansion by the case flags is the name
//!   again (less one trailing dot);
//! * `sfn_checksum` is the FAT specification's checksum.

use crate::oracle;
use rustos::fatlayout::{gen_numname, make_sfn, name_eq, plain_short_name, sfn_checksum, ucs2_name_eq, upper};
use rustos::fatlayout::{NS_BODY, NS_EXT, NS_LFN, NS_LOSS};

/// oofatfs's `ff_wtoupper` (lib/oofatfs/ffunicode.c of MicroPython 1.26.1, FF_USE_LFN),
/// transcribed; tests/oracle.rs checks it against the C on every BMP code point.
pub fn ff_wtoupper(uni: u32) -> u32 {
    #[rustfmt::skip]
    const CVT1: &[u16] = &[
        0x0061,0x031A,
        0x00E0,0x0317,
        0x00F8,0x0307,
        0x00FF,0x0001,0x0178,
        0x0100,0x0130,
        0x0132,0x0106,
        0x0139,0x0110,
        0x014A,0x012E,
        0x0179,0x0106,
        0x0180,0x004D,0x0243,0x0181,0x0182,0x0182,0x0184,0x0184,0x0186,0x0187,0x0187,0x0189,0x018A,0x018B,0x018B,0x018D,0x018E,0x018F,0x0190,0x0191,0x0191,0x0193,0x0194,0x01F6,0x0196,0x0197,0x0198,0x0198,0x023D,0x019B,0x019C,0x019D,0x0220,0x019F,0x01A0,0x01A0,0x01A2,0x01A2,0x01A4,0x01A4,0x01A6,0x01A7,0x01A7,0x01A9,0x01AA,0x01AB,0x01AC,0x01AC,0x01AE,0x01AF,0x01AF,0x01B1,0x01B2,0x01B3,0x01B3,0x01B5,0x01B5,0x01B7,0x01B8,0x01B8,0x01BA,0x01BB,0x01BC,0x01BC,0x01BE,0x01F7,0x01C0,0x01C1,0x01C2,0x01C3,0x01C4,0x01C5,0x01C4,0x01C7,0x01C8,0x01C7,0x01CA,0x01CB,0x01CA,
        0x01CD,0x0110,
        0x01DD,0x0001,0x018E,
        0x01DE,0x0112,
        0x01F3,0x0003,0x01F1,0x01F4,0x01F4,
        0x01F8,0x0128,
        0x0222,0x0112,
        0x023A,0x0009,0x2C65,0x023B,0x023B,0x023D,0x2C66,0x023F,0x0240,0x0241,0x0241,
        0x0246,0x010A,
        0x0253,0x0040,0x0181,0x0186,0x0255,0x0189,0x018A,0x0258,0x018F,0x025A,0x0190,0x025C,0x025D,0x025E,0x025F,0x0193,0x0261,0x0262,0x0194,0x0264,0x0265,0x0266,0x0267,0x0197,0x0196,0x026A,0x2C62,0x026C,0x026D,0x026E,0x019C,0x0270,0x0271,0x019D,0x0273,0x0274,0x019F,0x0276,0x0277,0x0278,0x0279,0x027A,0x027B,0x027C,0x2C64,0x027E,0x027F,0x01A6,0x0281,0x0282,0x01A9,0x0284,0x0285,0x0286,0x0287,0x01AE,0x0244,0x01B1,0x01B2,0x0245,0x028D,0x028E,0x028F,0x0290,0x0291,0x01B7,
        0x037B,0x0003,0x03FD,0x03FE,0x03FF,
        0x03AC,0x0004,0x0386,0x0388,0x0389,0x038A,
        0x03B1,0x0311,
        0x03C2,0x0002,0x03A3,0x03A3,
        0x03C4,0x0308,
        0x03CC,0x0003,0x038C,0x038E,0x038F,
        0x03D8,0x0118,
        0x03F2,0x000A,0x03F9,0x03F3,0x03F4,0x03F5,0x03F6,0x03F7,0x03F7,0x03F9,0x03FA,0x03FA,
        0x0430,0x0320,
        0x0450,0x0710,
        0x0460,0x0122,
        0x048A,0x0136,
        0x04C1,0x010E,
        0x04CF,0x0001,0x04C0,
        0x04D0,0x0144,
        0x0561,0x0426,
        0x0000,
    ];
    #[rustfmt::skip]
    const CVT2: &[u16] = &[
        0x1D7D,0x0001,0x2C63,
        0x1E00,0x0196,
        0x1EA0,0x015A,
        0x1F00,0x0608,
        0x1F10,0x0606,
        0x1F20,0x0608,
        0x1F30,0x0608,
        0x1F40,0x0606,
        0x1F51,0x0007,0x1F59,0x1F52,0x1F5B,0x1F54,0x1F5D,0x1F56,0x1F5F,
        0x1F60,0x0608,
        0x1F70,0x000E,0x1FBA,0x1FBB,0x1FC8,0x1FC9,0x1FCA,0x1FCB,0x1FDA,0x1FDB,0x1FF8,0x1FF9,0x1FEA,0x1FEB,0x1FFA,0x1FFB,
        0x1F80,0x0608,
        0x1F90,0x0608,
        0x1FA0,0x0608,
        0x1FB0,0x0004,0x1FB8,0x1FB9,0x1FB2,0x1FBC,
        0x1FCC,0x0001,0x1FC3,
        0x1FD0,0x0602,
        0x1FE0,0x0602,
        0x1FE5,0x0001,0x1FEC,
        0x1FF3,0x0001,0x1FFC,
        0x214E,0x0001,0x2132,
        0x2170,0x0210,
        0x2184,0x0001,0x2183,
        0x24D0,0x051A,
        0x2C30,0x042F,
        0x2C60,0x0102,
        0x2C67,0x0106, 0x2C75,0x0102,
        0x2C80,0x0164,
        0x2D00,0x0826,
        0xFF41,0x031A,
        0x0000,
    ];
    if uni >= 0x10000 {
        return uni;
    }
    let mut uc = uni as u16;
    let p = if uc < 0x1000 { CVT1 } else { CVT2 };
    let mut i = 0;
    loop {
        let bc = p[i];
        i += 1;
        if bc == 0 || uc < bc {
            break;
        }
        let nc = p[i];
        i += 1;
        let (cmd, nc) = (nc >> 8, nc & 0xFF);
        if u32::from(uc) < u32::from(bc) + u32::from(nc) {
            uc = match cmd {
                0 => p[i + usize::from(uc - bc)],
                1 => uc - ((uc - bc) & 1),
                2 => uc - 16,
                3 => uc - 32,
                4 => uc - 48,
                5 => uc - 26,
                6 => uc + 8,
                7 => uc - 80,
                8 => uc - 0x1C60,
                _ => uc,
            };
            break;
        }
        if cmd == 0 {
            i += usize::from(nc);
        }
    }
    u32::from(uc)
}

/// The real `ff_wtoupper` when the oracle is built in, else the transcription.
fn stock_upper(uni: u32) -> u32 {
    oracle::stock_wtoupper(uni).unwrap_or_else(|| ff_wtoupper(uni))
}

/// The blocks `upper`'s doc comment says it handles as oofatfs does.
pub fn in_claimed_scripts(c: char) -> bool {
    matches!(c as u32, 0..=0x17F | 0x370..=0x4FF | 0xFF00..=0xFFEF)
}

/// oofatfs's name comparison (cmp_lfn, the directory search) for Unicode names: equal
/// lengths in UTF-16 units, each unit equal after `ff_wtoupper`.  (Stock unix 1.26.1 is
/// built with FF_LFN_UNICODE 0 and code page 437: it hands this the UTF-8 bytes of a name
/// decoded as CP437, so non-ASCII names hardly ever compare equal there but for identical
/// bytes; `upper`'s contract is ff_wtoupper's, which is what is checked.)
fn wtoupper_eq(a: &str, b: &str) -> bool {
    let (a, b): (Vec<u16>, Vec<u16>) = (a.encode_utf16().collect(), b.encode_utf16().collect());
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(&x, &y)| stock_upper(u32::from(x)) == stock_upper(u32::from(y)))
}

/// Check `upper` on one character.
pub fn check_upper(c: char) {
    let u = upper(c);
    let stock = stock_upper(c as u32);
    if in_claimed_scripts(c) {
        assert_eq!(u as u32, stock, "upper(U+{:04X}) differs from ff_wtoupper", c as u32);
    } else {
        assert!(
            u == c || u as u32 == stock,
            "upper(U+{:04X}) = U+{:04X} where ff_wtoupper gives U+{stock:04X}",
            c as u32,
            u as u32
        );
    }
    assert_eq!(upper(u), u, "upper is not idempotent at U+{:04X}", c as u32);
}

pub fn fat_names(data: &[u8]) {
    let units: Vec<u16> = data.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
    let mut parts = units.split(|&u| u == 0);
    let ua = parts.next().unwrap_or(&[]);
    let ub = parts.next().unwrap_or(&[]);
    let uc = parts.next().unwrap_or(&[]);
    let lossy = |u: &[u16]| String::from_utf16_lossy(u);
    let (a, b, c) = (lossy(ua), lossy(ub), lossy(uc));
    let mask = data.last().copied().unwrap_or(0);
    let a2: String = a
        .chars()
        .enumerate()
        .map(|(i, ch)| if mask >> (i % 8) & 1 == 1 { upper(ch) } else { ch })
        .collect();

    for ch in a.chars().chain(b.chars()) {
        check_upper(ch);
    }
    for (x, y) in [(&a, &b), (&a, &c), (&b, &c), (&a, &a2)] {
        let eq = name_eq(x, y);
        assert_eq!(eq, name_eq(y, x), "name_eq not symmetric: {x:?} {y:?}");
        assert_eq!(
            eq,
            ucs2_name_eq(x.encode_utf16(), y),
            "ucs2_name_eq differs: {x:?} {y:?}"
        );
        assert_eq!(
            eq,
            ucs2_name_eq(y.encode_utf16(), x),
            "ucs2_name_eq differs: {y:?} {x:?}"
        );
        let stock = wtoupper_eq(x, y);
        if x.chars().chain(y.chars()).all(in_claimed_scripts) {
            assert_eq!(
                eq, stock,
                "name_eq({x:?}, {y:?}) = {eq}, oofatfs's comparison says {stock}"
            );
        } else if eq {
            assert!(stock, "name_eq({x:?}, {y:?}) but oofatfs's comparison tells them apart");
        }
    }
    for x in [&a, &b, &c, &a2] {
        assert!(name_eq(x, x), "name_eq not reflexive: {x:?}");
    }
    assert!(name_eq(&a, &a2), "a case variant differs: {a:?} {a2:?}");
    if name_eq(&a, &b) && name_eq(&b, &c) {
        assert!(name_eq(&a, &c), "name_eq not transitive: {a:?} {b:?} {c:?}");
    }
    // Raw units, unpaired surrogates and all.
    for (u, s) in [(ua, &b), (ub, &a), (ua, &a2)] {
        let got = ucs2_name_eq(u.iter().copied(), s);
        match String::from_utf16(u) {
            Ok(d) => assert_eq!(got, name_eq(&d, s), "ucs2_name_eq({u:04X?}, {s:?})"),
            Err(_) => assert!(!got, "an unpaired surrogate matched: {u:04X?} {s:?}"),
        }
    }
}

/// Valid in a short name without a long one: oofatfs's create_name rejects `"*:<>?|` and
/// DEL outright and needs a long name for `+,;=[]`, spaces, dots, and non-ASCII.
fn sfn_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'()-@^_`{}~".contains(&c)
}

/// oofatfs's create_name, for a name it is handed after trailing dots and spaces went:
/// Some(short name, case flags) when no long name is needed.
fn stock_plain(name: &str) -> Option<([u8; 11], u8)> {
    let b = name.as_bytes();
    let (base, ext) = match name.rfind('.') {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &b""[..]),
    };
    if base.is_empty() || base.len() > 8 || ext.len() > 3 || !base.iter().chain(ext).all(|&c| sfn_char(c)) {
        return None;
    }
    let case = |p: &[u8], flag: u8| {
        let lower = p.iter().any(u8::is_ascii_lowercase);
        let upper = p.iter().any(u8::is_ascii_uppercase);
        (!(lower && upper)).then_some(if lower { flag } else { 0 })
    };
    let mut n = [b' '; 11];
    n[..base.len()].copy_from_slice(&base.to_ascii_uppercase());
    n[8..8 + ext.len()].copy_from_slice(&ext.to_ascii_uppercase());
    Some((n, case(base, 0x08)? | case(ext, 0x10)?))
}

pub fn short_name(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let got = plain_short_name(&s);
    if let Some((n, flags)) = got {
        assert_eq!(flags & !0x18, 0, "{s:?}: case flags {flags:#x}");
        let (base, ext) = (&n[..8], &n[8..]);
        let blen = base.iter().position(|&c| c == b' ').unwrap_or(8);
        let elen = ext.iter().position(|&c| c == b' ').unwrap_or(3);
        assert!(blen > 0, "{s:?}: empty base");
        assert!(
            base[blen..].iter().chain(&ext[elen..]).all(|&c| c == b' '),
            "{s:?}: {n:?}"
        );
        assert!(
            base[..blen]
                .iter()
                .chain(&ext[..elen])
                .all(|&c| sfn_char(c) && !c.is_ascii_lowercase()),
            "{s:?}: {n:?} is not a valid short name"
        );
        // Expand it again by the case flags.
        let part = |p: &[u8], lower: bool| -> String {
            p.iter()
                .map(|&c| if lower { c.to_ascii_lowercase() } else { c } as char)
                .collect()
        };
        let mut back = part(&base[..blen], flags & 0x08 != 0);
        if elen > 0 {
            back.push('.');
            back.push_str(&part(&ext[..elen], flags & 0x10 != 0));
        }
        let want: &str = s.strip_suffix('.').unwrap_or(&s);
        assert_eq!(back, want, "{s:?}: {n:?} flags {flags:#x}");
        // Its checksum (the one its long-name entries would carry).
        let spec = n
            .iter()
            .fold(0u8, |sum, &c| ((sum & 1) << 7).wrapping_add(sum >> 1).wrapping_add(c));
        assert_eq!(sfn_checksum(&n), spec, "{n:?}");
    }
    if !s.ends_with(['.', ' ']) {
        assert_eq!(got, stock_plain(&s), "plain_short_name({s:?})");
    }
    // Against stock itself: the entry oofatfs makes for a file of that name, given as
    // stock's open() would get it (src/fat/engine strips trailing dots and spaces before
    // asking, as create_name does; control characters, '/' and '\\' end a name there,
    // and a name of over 255 characters is refused before its trailing dots go, which
    // is for src/fat/engine to check).
    let bytes = s.as_bytes();
    if (1..=255).contains(&bytes.len()) && !bytes.iter().any(|&c| c < 0x20 || c == b'/' || c == b'\\') {
        if let Some(stock) = oracle::stock_entry(bytes) {
            let ours = plain_short_name(s.trim_end_matches(['.', ' ']));
            match stock {
                Ok((e, lfn)) => {
                    let plain = (!lfn).then(|| (e[..11].try_into().unwrap(), e[12] & 0x18));
                    assert_eq!(
                        ours,
                        plain,
                        "{s:?}: stock's entry {:?} (long name: {lfn})",
                        e[..11].escape_ascii().to_string()
                    );
                    // The whole entry src/fat/engine registers: the short name (numbered ~1
                    // when lossy, the directory being empty), its case flags, and whether
                    // long-name entries go before it.
                    let (sfn, cf) = make_sfn(s.trim_end_matches(['.', ' ']).as_bytes());
                    let sfn = if cf & NS_LOSS != 0 {
                        gen_numname(&sfn, core::iter::empty(), 1)
                    } else {
                        sfn
                    };
                    assert_eq!(
                        (&sfn[..], cf & NS_LFN != 0, cf & (NS_BODY | NS_EXT)),
                        (&e[..11], lfn, e[12]),
                        "{s:?}: make_sfn against stock's entry"
                    );
                }
                Err(_) => assert_eq!(ours, None, "{s:?}: a name stock refuses"),
            }
        }
    }
    // The checksum of any 11 bytes.
    let mut n = [0u8; 11];
    for (d, c) in n.iter_mut().zip(data) {
        *d = *c;
    }
    let spec = n
        .iter()
        .fold(0u8, |sum, &c| ((sum & 1) << 7).wrapping_add(sum >> 1).wrapping_add(c));
    assert_eq!(sfn_checksum(&n), spec, "{n:?}");
}
