//! Paths as oofatfs reads them, resolved against the current directory.
use super::{Errno, Error, Result};
use alloc::vec::Vec;

/// Components kept in place: deeper paths go to the heap.
const INLINE_COMPS: usize = 8;

/// A path's components, borrowed from the path and the current directory: in place up to
/// INLINE_COMPS, then on the heap (a resolve allocated a String per name).
pub struct Comps<'a> {
    inline: [&'a str; INLINE_COMPS],
    n: usize,
    heap: Option<Vec<&'a str>>,
}

impl<'a> Comps<'a> {
    fn new() -> Self {
        Comps {
            inline: [""; INLINE_COMPS],
            n: 0,
            heap: None,
        }
    }

    fn push(&mut self, c: &'a str) -> Result<()> {
        if self.heap.is_none() && self.n < INLINE_COMPS {
            self.inline[self.n] = c;
            self.n += 1;
            return Ok(());
        }
        if self.heap.is_none() {
            let mut v = Vec::new();
            v.try_reserve(2 * INLINE_COMPS).map_err(|_| Error::Os(Errno::ENOMEM))?;
            v.extend_from_slice(&self.inline[..self.n]);
            self.heap = Some(v);
        }
        if let Some(ref mut v) = self.heap {
            v.try_reserve(1).map_err(|_| Error::Os(Errno::ENOMEM))?;
            v.push(c);
        }
        Ok(())
    }

    fn pop(&mut self) {
        match self.heap {
            Some(ref mut v) => {
                v.pop();
            }
            None => self.n = self.n.saturating_sub(1),
        }
    }
}

impl<'a> core::ops::Deref for Comps<'a> {
    type Target = [&'a str];
    fn deref(&self) -> &[&'a str] {
        match self.heap {
            Some(ref v) => v,
            None => &self.inline[..self.n],
        }
    }
}

/// A path resolved as oofatfs reads it.
pub struct FatPath<'a> {
    /// The absolute path's components, "." and ".." resolved.
    pub comps: Comps<'a>,
    /// It ends with '/' after a name: it must name a directory, and oofatfs then has no
    /// name to act on (EINVAL for a directory, ENOENT otherwise).
    pub slash: bool,
    /// Its last component was "." or "..": a directory reached through a dot entry, which
    /// nothing but chdir/ilistdir may act on (EINVAL).
    pub dot: bool,
    /// Exactly "" or "/", which stock's stat answers without asking the volume.
    pub bare_root: bool,
    /// It reached the root through a directory's ".." entry (a name before the dots, or a
    /// relative path from a subdirectory): oofatfs then has an entry to report.
    pub via_entry: bool,
    /// Its last component was exactly ".".
    pub dot1: bool,
}

/// The absolute path `p` names (joined to the current directory `cwd`, "/" or "/a/b/",
/// when relative), normalised.  As oofatfs: '\\' separates too, a control character ends
/// the path, `* ? : " < > |` and DEL are invalid (EINVAL), trailing dots and spaces of a
/// name go.  `p` holds no NUL (the caller refuses those).
pub fn resolve<'a>(p: &'a [u8], cwd: &'a [u8]) -> Result<FatPath<'a>> {
    // "" and "/" exactly name the root; a path cut short by a control character (below)
    // names nothing there (oofatfs: FR_INVALID_NAME).
    let bare_root = p.is_empty() || p == b"/";
    let mut cut = p.len();
    for (i, &c) in p.iter().enumerate() {
        if c < 0x20 {
            cut = i;
            break;
        }
        if matches!(c, b'*' | b'?' | b':' | b'"' | b'<' | b'>' | b'|' | 0x7f) {
            return Err(Errno::EINVAL.into());
        }
    }
    let p = &p[..cut];
    let is_sep = |c: &u8| *c == b'/' || *c == b'\\';
    let absolute = p.first().is_some_and(is_sep);
    // The current directory's names then the path's, "." and ".." resolved by name (as
    // a path normalised lexically: ".." at the root stays there).
    let cwd: &'a [u8] = if absolute { b"/" } else { cwd };
    let mut comps = Comps::new();
    if !absolute {
        for seg in cwd.split(|&c| c == b'/') {
            push_comp(&mut comps, seg)?;
        }
    }
    // One walk over the path's segments: the names, the last segment, and whether
    // there is a name at all (not only separators and dots).
    let (mut last, mut has_name, mut non_sep) = (&p[..0], false, false);
    for seg in p.split(is_sep) {
        last = seg;
        non_sep |= !seg.is_empty();
        has_name |= push_comp(&mut comps, seg)?;
    }
    // It ends with separators after something else.
    let slash = non_sep && p.last().is_some_and(is_sep);
    let dot = last == b"." || last == b"..";
    let dot1 = last == b".";
    let via_entry = dot && (has_name || (!absolute && cwd.len() > 1));
    // oofatfs's create_name: an empty name, or one longer than FF_MAX_LFN (255).
    if comps
        .iter()
        .any(|c| c.is_empty() || (c.len() > 255 && c.encode_utf16().count() > 255))
    {
        return Err(Errno::EINVAL.into());
    }
    Ok(FatPath {
        comps,
        slash,
        dot,
        bare_root,
        via_entry,
        dot1,
    })
}

/// One segment of a path: "" and "." stay, ".." drops the last name, a name (trailing dots
/// and spaces gone, as oofatfs) is added.  True for a name.  A name that is not UTF-8 is
/// EINVAL.
fn push_comp<'a>(comps: &mut Comps<'a>, seg: &'a [u8]) -> Result<bool> {
    match seg {
        b"" | b"." => Ok(false),
        b".." => {
            comps.pop();
            Ok(false)
        }
        s => {
            let c = core::str::from_utf8(s).map_err(|_| Error::Os(Errno::EINVAL))?;
            comps.push(c.trim_end_matches(['.', ' ']))?;
            Ok(true)
        }
    }
}
