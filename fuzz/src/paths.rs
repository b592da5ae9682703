//! Path resolution (src/path.rs) against stock MicroPython's C.
//!
//! `path_lookup` input: byte 0 holds flags (bit 0: the current directory is the virtual
//! root; bit 1: mount points as given, else each gets the leading '/' `vfs.mount`
//! insists on; bit 2: the path gets a leading '/'); the rest, split at NUL bytes, is the
//! path and then up to 8 mount points in table order.  Properties: no panic whatever the
//! mount points; indices and offsets inside what was given; and, for mount points
//! starting with '/' (all `vfs.mount` accepts) and NUL-free paths (vfs.rs refuses
//! others), exactly stock's `mp_vfs_lookup_path` (extmod/vfs.c), transcribed below.
//!
//! `normalize_dir` input: the path.  Properties: no panic; for NUL-free paths, exactly
//! stock's loop in littlefs `chdir` (extmod/vfs_lfsx.c), transcribed below; for absolute
//! paths also the plain model (components, "." dropped, ".." popping but never above the
//! root), a canonical form ('/' first and last, no empty, "." or ".." components), and
//! idempotent.

use rustos::path::{lookup, normalize_dir as normalize, Lookup};

/// Stock `mp_vfs_lookup_path` on NUL-terminated strings (`path` and the mount points
/// are the bytes before the terminator), mount-table index for the mount.
pub fn stock_lookup(path: &[u8], cur_is_root: bool, mounts: &[&[u8]]) -> Lookup<usize> {
    let at = |i: usize| path.get(i).copied().unwrap_or(0);
    if at(0) == b'/' || cur_is_root {
        let is_abs = at(0) == b'/';
        let p = usize::from(is_abs);
        if at(p) == 0 {
            return Lookup::Root;
        }
        for (i, m) in mounts.iter().enumerate() {
            // vfs->len - 1, vfs->str + 1: mount points here are never empty.
            let len = m.len() - 1;
            if len == 0 {
                return Lookup::Mount(i, Some(p - usize::from(is_abs)));
            }
            // strncmp(path, vfs->str + 1, len) == 0 (the mount point has no NUL).
            if (0..len).all(|k| at(p + k) == m[1 + k]) {
                if at(p + len) == b'/' {
                    return Lookup::Mount(i, Some(p + len));
                } else if at(p + len) == 0 {
                    return Lookup::Mount(i, None);
                }
            }
        }
        return Lookup::NotFound;
    }
    Lookup::Current
}

pub fn path_lookup(data: &[u8]) {
    let flags = data.first().copied().unwrap_or(0);
    let cur_is_root = flags & 1 != 0;
    let raw = flags & 2 != 0;
    let mut parts = data.get(1..).unwrap_or(&[]).split(|&b| b == 0);
    let mut path = Vec::new();
    if flags & 4 != 0 {
        path.push(b'/');
    }
    path.extend_from_slice(parts.next().unwrap_or(&[]));
    let mounts: Vec<Vec<u8>> = parts
        .take(8)
        .map(|m| {
            if raw || m.first() == Some(&b'/') {
                m.to_vec()
            } else {
                [&b"/"[..], m].concat()
            }
        })
        .collect();
    let refs: Vec<&[u8]> = mounts.iter().map(|m| &m[..]).collect();
    let got = lookup(&path, cur_is_root, refs.iter().enumerate().map(|(i, m)| (i, *m)));
    let ctx = format!(
        "lookup({:?}, cur_is_root {cur_is_root}, {:?})",
        path.escape_ascii().to_string(),
        mounts
    );
    match got {
        Lookup::Mount(i, start) => {
            assert!(i < mounts.len(), "{ctx}: mount {i}");
            if let Some(s) = start {
                assert!(s <= path.len(), "{ctx}: start {s}");
                // What is passed on is "" or starts with '/', unless a root mount takes a
                // relative path whole.
                let inner = &path[s..];
                assert!(
                    inner.is_empty() || inner[0] == b'/' || (s == 0 && mounts[i].len() <= 1),
                    "{ctx}: {got:?}"
                );
            }
        }
        Lookup::Current => assert!(!cur_is_root && path.first() != Some(&b'/'), "{ctx}"),
        Lookup::Root | Lookup::NotFound => {}
    }
    if refs.iter().all(|m| m.first() == Some(&b'/')) && !path.contains(&0) {
        assert_eq!(
            got,
            stock_lookup(&path, cur_is_root, &refs),
            "{ctx}: differs from stock"
        );
    }
}

/// Stock littlefs `chdir`'s normalisation of `cur_dir` (a vstr), transcribed.
pub fn stock_normalize(path: &[u8]) -> Vec<u8> {
    let mut cwd = path.to_vec();
    if cwd.len() != 1 {
        cwd.push(b'/');
        let (mut to, mut from) = (1usize, 1usize);
        while from < cwd.len() {
            while from < cwd.len() && cwd[from] == b'/' {
                from += 1;
            }
            if from > to {
                // vstr_cut_out_bytes(&cur_dir, to, from - to)
                cwd.drain(to..from);
                from = to;
            }
            while from < cwd.len() && cwd[from] != b'/' {
                from += 1;
            }
            if from - to == 1 && cwd[to] == b'.' {
                from += 1;
                cwd.drain(to..from.min(cwd.len()));
                from = to;
            } else if from - to == 2 && cwd[to] == b'.' && cwd[to + 1] == b'.' {
                if to > 1 {
                    to -= 1;
                    while to > 1 && cwd[to - 1] != b'/' {
                        to -= 1;
                    }
                }
                from += 1;
                cwd.drain(to..from.min(cwd.len()));
                from = to;
            } else {
                from += 1;
                to = from;
            }
        }
    }
    cwd
}

/// What an absolute path means: its components, "." and "" dropped, ".." popping.
fn model(path: &[u8]) -> Vec<u8> {
    let mut stack: Vec<&[u8]> = Vec::new();
    for c in path.split(|&b| b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                stack.pop();
            }
            c => stack.push(c),
        }
    }
    let mut out = vec![b'/'];
    for c in stack {
        out.extend_from_slice(c);
        out.push(b'/');
    }
    out
}

pub fn normalize_dir(data: &[u8]) {
    let got = normalize(data).expect("allocation cannot fail on the host");
    let ctx = format!(
        "normalize_dir({:?}) = {:?}",
        data.escape_ascii().to_string(),
        got.escape_ascii().to_string()
    );
    assert!(got.len() <= data.len() + 1, "{ctx}: longer than the path");
    if data.contains(&0) {
        return;
    }
    assert_eq!(got, stock_normalize(data), "{ctx}: differs from stock");
    if data.first() == Some(&b'/') {
        assert_eq!(got, model(data), "{ctx}: not what the path means");
        assert!(got.starts_with(b"/") && got.ends_with(b"/"), "{ctx}");
        assert!(
            got[1..got.len().max(2) - 1]
                .split(|&b| b == b'/')
                .all(|c| got.len() == 1 || !matches!(c, b"" | b"." | b"..")),
            "{ctx}: not canonical"
        );
        assert_eq!(normalize(&got).unwrap(), got, "{ctx}: not idempotent");
    }
}
