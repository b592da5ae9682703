//! Resolving a path against the mount table, as MicroPython's VFS does it.
//!
//! This is the logic of stock `mp_vfs_lookup_path`, kept byte-for-byte compatible because
//! the interpreter's own `open()` and `import` still resolve paths with the C version over
//! the same mount table: both must agree on every path.  It is pure (no MicroPython
//! types), so the table below runs on the host.

/// Where a path leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup<T> {
    /// The virtual root directory (`""` or `"/"` with the root current).
    Root,
    /// An absolute path that no mount point covers and nothing is mounted at `/`.
    NotFound,
    /// A mount; the path within it is `path[start..]`, or `"/"` when `start` is None.
    Mount(T, Option<usize>),
    /// A relative path inside the current mount: the whole path, passed on unchanged.
    Current,
}

/// Resolve `path`.  `cur_is_root` says whether the current directory is the virtual root;
/// `mounts` yields each mount point (with its leading `/`) in mount-table order.
pub fn lookup<'a, T>(path: &[u8], cur_is_root: bool, mounts: impl Iterator<Item = (T, &'a [u8])>) -> Lookup<T> {
    let is_abs = path.first() == Some(&b'/');
    if !is_abs && !cur_is_root {
        return Lookup::Current;
    }
    let rest = if is_abs { &path[1..] } else { path };
    if rest.is_empty() {
        return Lookup::Root;
    }
    let rest_start = path.len() - rest.len();
    for (m, point) in mounts {
        // The mount point without its leading '/' (mount() only accepts ones that have it).
        let name = point.get(1..).unwrap_or(&[]);
        if name.is_empty() {
            // Mounted at "/": it takes the whole path, with its leading '/' if it had one.
            return Lookup::Mount(m, Some(0));
        }
        if let Some(after) = rest.strip_prefix(name) {
            match after.first() {
                Some(b'/') => return Lookup::Mount(m, Some(rest_start + name.len())),
                None => return Lookup::Mount(m, None),
                Some(_) => {}
            }
        }
    }
    Lookup::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve<'a>(path: &'a str, cur_is_root: bool, mounts: &[&'static str]) -> (Lookup<usize>, &'a str) {
        let r = lookup(
            path.as_bytes(),
            cur_is_root,
            mounts.iter().enumerate().map(|(i, m)| (i, m.as_bytes())),
        );
        let out = match r {
            Lookup::Mount(_, Some(s)) => &path[s..],
            Lookup::Mount(_, None) => "/",
            Lookup::Current => path,
            _ => "",
        };
        (r, out)
    }

    /// (path, current dir is the root, mount points, expected lookup, expected inner path)
    type Case = (&'static str, bool, &'static [&'static str], Lookup<usize>, &'static str);

    #[test]
    fn table() {
        use Lookup::*;
        let m = &["/flash", "/sd", "/"];
        let cases: &[Case] = &[
            // the virtual root
            ("", true, m, Root, ""),
            ("/", true, m, Root, ""),
            ("/", false, m, Root, ""),
            // a mount point itself, and paths inside it
            ("/flash", true, m, Mount(0, None), "/"),
            ("/flash/", true, m, Mount(0, Some(6)), "/"),
            ("/flash/a/b.py", true, m, Mount(0, Some(6)), "/a/b.py"),
            ("/flash//x", true, m, Mount(0, Some(6)), "//x"),
            ("/sd/x", false, m, Mount(1, Some(3)), "/x"),
            // a prefix that is not a whole component falls through to the root mount
            ("/flashy", true, m, Mount(2, Some(0)), "/flashy"),
            ("/fla", true, m, Mount(2, Some(0)), "/fla"),
            // relative paths: current mount unless the root is current
            ("a/b", false, m, Current, "a/b"),
            ("..", false, m, Current, ".."),
            ("flash/x", true, m, Mount(0, Some(5)), "/x"),
            ("other", true, m, Mount(2, Some(0)), "other"),
            // nothing at "/": unknown absolute paths are not found
            ("/nope", true, &["/flash"], NotFound, ""),
            ("nope", true, &["/flash"], NotFound, ""),
            ("/flash", true, &["/flash"], Mount(0, None), "/"),
            // first match in table order wins (mount() keeps "/" last)
            ("/a/b", true, &["/a/b", "/a"], Mount(0, None), "/"),
            ("/a/b", true, &["/a", "/a/b"], Mount(0, Some(2)), "/b"),
            // nested mount points named like a longer path
            ("/a/bc", true, &["/a/b", "/"], Mount(1, Some(0)), "/a/bc"),
            // nothing mounted at all
            ("/x", true, &[], NotFound, ""),
            ("", false, &[], Current, ""),
            (".", true, m, Mount(2, Some(0)), "."),
        ];
        for &(path, cur_root, mounts, want, want_out) in cases {
            let (got, out) = resolve(path, cur_root, mounts);
            assert_eq!(
                (got, out),
                (want, want_out),
                "path {path:?} cur_root {cur_root} mounts {mounts:?}"
            );
        }
    }

    #[test]
    fn odd_bytes_do_not_panic() {
        let mounts: [&[u8]; 3] = [b"/", b"/\xff", b"/a"];
        for p in [&b"/"[..], b"//", b"/\xff", b"\xff\xfe", b"/a\x00b", b"/\x00"] {
            let _ = lookup(p, true, mounts.iter().enumerate().map(|(i, m)| (i, *m)));
            let _ = lookup(p, false, mounts.iter().enumerate().map(|(i, m)| (i, *m)));
        }
    }
}

/// The current directory a littlefs VFS keeps after chdir(`path`), `path` being absolute:
/// "/" for the root, else the normalised path with a trailing '/' (repeated slashes
/// folded, "." dropped, ".." going up but never above the root).  Stock's algorithm.
/// None when memory for it cannot be had (on bare metal allocation can fail).
pub fn normalize_dir(path: &[u8]) -> Option<alloc::vec::Vec<u8>> {
    let mut cwd = alloc::vec::Vec::new();
    cwd.try_reserve(path.len() + 1).ok()?;
    cwd.extend_from_slice(path);
    if cwd.len() == 1 {
        return Some(cwd);
    }
    cwd.push(b'/');
    let (mut to, mut from) = (1usize, 1usize);
    while from < cwd.len() {
        while from < cwd.len() && cwd[from] == b'/' {
            from += 1;
        }
        if from > to {
            cwd.drain(to..from);
            from = to;
        }
        while from < cwd.len() && cwd[from] != b'/' {
            from += 1;
        }
        let seg = &cwd[to..from];
        if seg == b"." {
            from += 1;
            cwd.drain(to..from.min(cwd.len()));
            from = to;
        } else if seg == b".." {
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
    Some(cwd)
}

#[cfg(test)]
mod dir_tests {
    use super::normalize_dir;

    #[test]
    fn normalize() {
        for (path, want) in [
            ("/", "/"),
            ("/a", "/a/"),
            ("/a/", "/a/"),
            ("//a//b//", "/a/b/"),
            ("/a/./b", "/a/b/"),
            ("/a/b/..", "/a/"),
            ("/a/b/../..", "/"),
            ("/..", "/"),
            ("/../../a", "/a/"),
            ("/a/../b/./c/..", "/b/"),
            ("/.", "/"),
            ("/a/.b/..c", "/a/.b/..c/"),
            ("/a/...", "/a/.../"),
        ] {
            let got = normalize_dir(path.as_bytes()).unwrap();
            assert_eq!(core::str::from_utf8(&got).unwrap(), want, "path {path:?}");
        }
    }
}
