//! Every call into littlefs v2's C code, and the callbacks it makes back: the one place
//! of this engine where `unsafe` lives.  What it hands up is safe: a mounted filesystem
//! owning its state at a fixed address, and open files as indices into a table it owns,
//! so no handle can outlive the filesystem or stay in littlefs's list after it is gone.
use super::bindings as c;
use super::{Config, Error, Kind, Stat, Storage};
use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::{c_int, c_void};
use core::ptr::{addr_of_mut, NonNull};

/// What littlefs points into while mounted: kept in one heap block that never moves.
struct State<S> {
    lfs: c::lfs2_t,
    cfg: c::lfs2_config,
    storage: S,
    read_buf: Vec<u8>,
    prog_buf: Vec<u8>,
    lookahead_buf: Vec<u8>,
    /// Open files, each from `Box::into_raw` (littlefs lists them by address).
    files: Vec<Option<NonNull<OpenFile>>>,
}

/// An open file: littlefs links it into its list of open files, so it stays at one
/// address (boxed) until closed.
struct OpenFile {
    file: c::lfs2_file_t,
    cfg: c::lfs2_file_config,
    buffer: Vec<u8>,
    attr: c::lfs2_attr,
    attr_value: [u8; 8],
}

/// The state behind a filesystem, owned; dropped by `Mounted`'s Drop.
pub struct Mounted<S: Storage> {
    state: NonNull<State<S>>,
}

fn code(r: c_int) -> Result<u32, Error> {
    u32::try_from(r).map_err(|_| Error::from_code(r))
}

/// The storage a callback was made for.
///
/// # Safety
/// `c` is the config inside a live `State<S>` whose context points at that state, and no
/// other reference to the state's `storage` exists during the callback (littlefs is inside
/// one of our calls, which reach the state only through raw pointers).
unsafe fn storage<'a, S: Storage>(c: *const c::lfs2_config) -> &'a mut S {
    // SAFETY: as the function's contract.
    unsafe { &mut *addr_of_mut!((*((*c).context as *mut State<S>)).storage) }
}

fn status(r: Result<(), Error>) -> c_int {
    match r {
        Ok(()) => 0,
        Err(e) => e.code(),
    }
}

unsafe extern "C" fn read_cb<S: Storage>(
    c: *const c::lfs2_config,
    block: c::lfs2_block_t,
    off: c::lfs2_off_t,
    buf: *mut c_void,
    size: c::lfs2_size_t,
) -> c_int {
    // SAFETY: littlefs passes a buffer of `size` bytes it owns for the call; c is ours.
    let (s, buf) = unsafe {
        (
            storage::<S>(c),
            core::slice::from_raw_parts_mut(buf as *mut u8, size as usize),
        )
    };
    status(s.read(block, off, buf))
}

unsafe extern "C" fn prog_cb<S: Storage>(
    c: *const c::lfs2_config,
    block: c::lfs2_block_t,
    off: c::lfs2_off_t,
    buf: *const c_void,
    size: c::lfs2_size_t,
) -> c_int {
    // SAFETY: as read_cb, the buffer read-only.
    let (s, data) = unsafe {
        (
            storage::<S>(c),
            core::slice::from_raw_parts(buf as *const u8, size as usize),
        )
    };
    status(s.prog(block, off, data))
}

unsafe extern "C" fn erase_cb<S: Storage>(c: *const c::lfs2_config, block: c::lfs2_block_t) -> c_int {
    // SAFETY: c is ours.
    status(unsafe { storage::<S>(c) }.erase(block))
}

unsafe extern "C" fn sync_cb<S: Storage>(c: *const c::lfs2_config) -> c_int {
    // SAFETY: c is ours.
    status(unsafe { storage::<S>(c) }.sync())
}

/// A NUL-terminated copy of a path for C: EINVAL for one with a NUL inside.
fn c_path(path: &str) -> Result<Vec<u8>, Error> {
    if path.as_bytes().contains(&0) {
        return Err(Error::Inval);
    }
    let mut v = Vec::with_capacity(path.len() + 1);
    v.extend_from_slice(path.as_bytes());
    v.push(0);
    Ok(v)
}

fn stat_of(info: &c::lfs2_info) -> Stat {
    let name = &info.name;
    let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    Stat {
        kind: if u32::from(info.type_) == c::lfs2_type_LFS2_TYPE_DIR {
            Kind::Dir
        } else {
            Kind::File
        },
        size: info.size,
        name: name[..len].iter().map(|&b| b as u8).collect(),
    }
}

impl<S: Storage> Mounted<S> {
    /// A state at a fixed address, its config pointing at its own buffers and at itself.
    fn new_state(storage: S, cfg: &Config) -> *mut State<S> {
        let cache = cfg.cache_size() as usize;
        let st = Box::into_raw(Box::new(State {
            lfs: Default::default(),
            cfg: Default::default(),
            storage,
            read_buf: vec![0; cache],
            prog_buf: vec![0; cache],
            lookahead_buf: vec![0; cfg.lookahead_size as usize],
            files: Vec::new(),
        }));
        // SAFETY: st is the fresh allocation above; every pointer littlefs will use is
        // derived from it, after it stopped being a Box.
        unsafe {
            let c = &mut (*st).cfg;
            c.context = st as *mut c_void;
            c.read = Some(read_cb::<S>);
            c.prog = Some(prog_cb::<S>);
            c.erase = Some(erase_cb::<S>);
            c.sync = Some(sync_cb::<S>);
            c.read_size = cfg.read_size;
            c.prog_size = cfg.prog_size;
            c.block_size = cfg.block_size;
            c.block_count = cfg.block_count;
            c.block_cycles = cfg.block_cycles;
            c.cache_size = cache as u32;
            c.lookahead_size = cfg.lookahead_size;
            c.read_buffer = (*st).read_buf.as_mut_ptr() as *mut c_void;
            c.prog_buffer = (*st).prog_buf.as_mut_ptr() as *mut c_void;
            c.lookahead_buffer = (*st).lookahead_buf.as_mut_ptr() as *mut c_void;
        }
        st
    }

    /// Format `storage` with `cfg` (already checked by `Config::check`) and give it back.
    pub fn format(storage: S, cfg: &Config) -> (S, Result<(), Error>) {
        let st = Self::new_state(storage, cfg);
        // SAFETY: st is a fresh, fixed state whose config points at its own buffers.
        let r = unsafe { c::lfs2_format(addr_of_mut!((*st).lfs), addr_of_mut!((*st).cfg)) };
        // SAFETY: back from Box::into_raw above; littlefs keeps no pointer after format.
        let st = unsafe { Box::from_raw(st) };
        (st.storage, code(r).map(drop))
    }

    /// Mount `storage`, or give it back with littlefs's error.
    pub fn mount(storage: S, cfg: &Config) -> Result<Self, (S, Error)> {
        let st = Self::new_state(storage, cfg);
        // SAFETY: as format; on success the state stays where it is until unmounted.
        let r = unsafe { c::lfs2_mount(addr_of_mut!((*st).lfs), addr_of_mut!((*st).cfg)) };
        match code(r) {
            // SAFETY: st came from Box::into_raw, so it is not null.
            Ok(_) => Ok(Mounted {
                state: unsafe { NonNull::new_unchecked(st) },
            }),
            Err(e) => {
                // SAFETY: back from Box::into_raw; a failed mount keeps no pointer.
                let st = unsafe { Box::from_raw(st) };
                Err((st.storage, e))
            }
        }
    }

    /// Close every open file, unmount and give the storage back, with the first error.
    pub fn unmount(mut self) -> (S, Result<(), Error>) {
        let first = self.close_all();
        let st = self.state.as_ptr();
        core::mem::forget(self);
        // SAFETY: st is our mounted state with no file open; after unmount littlefs
        // keeps no pointer into it, so it is released as the Box it was made from.
        let r = unsafe { c::lfs2_unmount(addr_of_mut!((*st).lfs)) };
        // SAFETY: as above.
        let st = unsafe { Box::from_raw(st) };
        (st.storage, first.and(code(r).map(drop)))
    }

    fn lfs(&self) -> *mut c::lfs2_t {
        // SAFETY: a raw projection into our live state.
        unsafe { addr_of_mut!((*self.state.as_ptr()).lfs) }
    }

    /// Close every open file: the first error.
    fn close_all(&mut self) -> Result<(), Error> {
        // SAFETY: reading our own table; no C call is running.
        let n = unsafe { (*self.state.as_ptr()).files.len() };
        let mut first = Ok(());
        for id in 0..n {
            if self.file(id).is_ok() {
                first = first.and(self.close(id));
            }
        }
        first
    }

    fn file(&self, id: usize) -> Result<*mut OpenFile, Error> {
        // SAFETY: reading our own table; no C call is running.
        let files: &Vec<_> = unsafe { &(*self.state.as_ptr()).files };
        match files.get(id) {
            Some(Some(f)) => Ok(f.as_ptr()),
            _ => Err(Error::Badf),
        }
    }

    pub fn mkdir(&mut self, path: &str) -> Result<(), Error> {
        let p = c_path(path)?;
        // SAFETY: a mounted littlefs and a NUL-terminated path.
        code(unsafe { c::lfs2_mkdir(self.lfs(), p.as_ptr() as *const _) }).map(drop)
    }

    pub fn remove(&mut self, path: &str) -> Result<(), Error> {
        let p = c_path(path)?;
        // SAFETY: as mkdir.
        code(unsafe { c::lfs2_remove(self.lfs(), p.as_ptr() as *const _) }).map(drop)
    }

    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Error> {
        let (a, b) = (c_path(from)?, c_path(to)?);
        // SAFETY: as mkdir, two paths.
        code(unsafe { c::lfs2_rename(self.lfs(), a.as_ptr() as *const _, b.as_ptr() as *const _) }).map(drop)
    }

    pub fn stat(&mut self, path: &str) -> Result<Stat, Error> {
        let p = c_path(path)?;
        let mut info = c::lfs2_info::default();
        // SAFETY: as mkdir; info is ours to fill.
        code(unsafe { c::lfs2_stat(self.lfs(), p.as_ptr() as *const _, &mut info) })?;
        Ok(stat_of(&info))
    }

    /// A directory's entries, without "." and "..", in littlefs's order.
    pub fn read_dir(&mut self, path: &str) -> Result<Vec<Stat>, Error> {
        let p = c_path(path)?;
        let mut dir = c::lfs2_dir_t::default();
        // SAFETY: as mkdir; `dir` is linked into littlefs's list until closed below, in
        // this frame, on every path.
        code(unsafe { c::lfs2_dir_open(self.lfs(), &mut dir, p.as_ptr() as *const _) })?;
        let mut out = Vec::new();
        let r = loop {
            let mut info = c::lfs2_info::default();
            // SAFETY: an open directory of ours.
            match unsafe { c::lfs2_dir_read(self.lfs(), &mut dir, &mut info) } {
                0 => break Ok(()),
                n if n < 0 => break Err(Error::from_code(n)),
                _ => {
                    let s = stat_of(&info);
                    if s.name != b"." && s.name != b".." {
                        out.push(s);
                    }
                }
            }
        };
        // SAFETY: closes what was opened above.
        let closed = code(unsafe { c::lfs2_dir_close(self.lfs(), &mut dir) });
        r.and(closed).map(|_| out)
    }

    /// Blocks in use, by a walk of the whole filesystem.
    pub fn used_blocks(&mut self) -> Result<u32, Error> {
        // SAFETY: a mounted littlefs.
        code(unsafe { c::lfs2_fs_size(self.lfs()) as c_int })
    }

    /// Read attribute `kind` of `path` into `buf`: its length.
    pub fn get_attr(&mut self, path: &str, kind: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let p = c_path(path)?;
        let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        // SAFETY: as mkdir; buf holds len bytes.
        let r = unsafe {
            c::lfs2_getattr(
                self.lfs(),
                p.as_ptr() as *const _,
                kind,
                buf.as_mut_ptr() as *mut _,
                len,
            )
        };
        code(r as c_int).map(|n| n as usize)
    }

    /// Open `path` with littlefs's `flags` (`LFS2_O_*`), the file's buffer `cache` bytes, and
    /// an optional mtime attribute written when the file is committed: the file's index.
    pub fn open(&mut self, path: &str, flags: c_int, cache: usize, mtime: Option<u64>) -> Result<usize, Error> {
        let p = c_path(path)?;
        let fp = Box::into_raw(Box::new(OpenFile {
            file: Default::default(),
            cfg: Default::default(),
            buffer: vec![0; cache],
            attr: Default::default(),
            attr_value: mtime.unwrap_or(0).to_le_bytes(),
        }));
        // SAFETY: fp is the fresh allocation above, at one address until freed in close;
        // littlefs lists it only when the open succeeds, and then our table keeps it.
        let r = unsafe {
            let f = &mut *fp;
            f.cfg.buffer = f.buffer.as_mut_ptr() as *mut c_void;
            if mtime.is_some() {
                f.attr.type_ = super::ATTR_MTIME;
                f.attr.buffer = f.attr_value.as_mut_ptr() as *mut c_void;
                f.attr.size = 8;
                f.cfg.attrs = addr_of_mut!((*fp).attr);
                f.cfg.attr_count = 1;
            }
            c::lfs2_file_opencfg(
                self.lfs(),
                addr_of_mut!((*fp).file),
                p.as_ptr() as *const _,
                flags,
                addr_of_mut!((*fp).cfg),
            )
        };
        if let Err(e) = code(r) {
            // SAFETY: not listed by littlefs after a failed open: freed as the Box it was.
            drop(unsafe { Box::from_raw(fp) });
            return Err(e);
        }
        // SAFETY: our own table; no C call is running.
        let files = unsafe { &mut (*self.state.as_ptr()).files };
        let id = match files.iter().position(Option::is_none) {
            Some(i) => i,
            None => {
                files.push(None);
                files.len() - 1
            }
        };
        // SAFETY: fp came from Box::into_raw, so it is not null.
        files[id] = Some(unsafe { NonNull::new_unchecked(fp) });
        Ok(id)
    }

    pub fn read(&mut self, id: usize, buf: &mut [u8]) -> Result<usize, Error> {
        let f = self.file(id)?;
        let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        // SAFETY: an open file of ours; buf holds len bytes.
        let r = unsafe { c::lfs2_file_read(self.lfs(), addr_of_mut!((*f).file), buf.as_mut_ptr() as *mut _, len) };
        code(r as c_int).map(|n| n as usize)
    }

    pub fn write(&mut self, id: usize, data: &[u8]) -> Result<usize, Error> {
        let f = self.file(id)?;
        let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
        // SAFETY: as read.
        let r = unsafe { c::lfs2_file_write(self.lfs(), addr_of_mut!((*f).file), data.as_ptr() as *const _, len) };
        code(r as c_int).map(|n| n as usize)
    }

    /// Seek with littlefs's `whence` (`LFS2_SEEK_*`): the new position.
    pub fn seek(&mut self, id: usize, off: i32, whence: c_int) -> Result<u32, Error> {
        let f = self.file(id)?;
        // SAFETY: an open file of ours.
        code(unsafe { c::lfs2_file_seek(self.lfs(), addr_of_mut!((*f).file), off, whence) })
    }

    pub fn size(&mut self, id: usize) -> Result<u32, Error> {
        let f = self.file(id)?;
        // SAFETY: as seek.
        code(unsafe { c::lfs2_file_size(self.lfs(), addr_of_mut!((*f).file)) })
    }

    pub fn truncate(&mut self, id: usize, size: u32) -> Result<(), Error> {
        let f = self.file(id)?;
        // SAFETY: as seek.
        code(unsafe { c::lfs2_file_truncate(self.lfs(), addr_of_mut!((*f).file), size) }).map(drop)
    }

    pub fn sync(&mut self, id: usize) -> Result<(), Error> {
        let f = self.file(id)?;
        // SAFETY: as seek.
        code(unsafe { c::lfs2_file_sync(self.lfs(), addr_of_mut!((*f).file)) }).map(drop)
    }

    /// Close (commit) an open file; its index is free again, also when closing failed
    /// (littlefs unlists the file either way).
    pub fn close(&mut self, id: usize) -> Result<(), Error> {
        let f = self.file(id)?;
        // SAFETY: an open file of ours, unlisted by littlefs whatever close returns; then
        // out of our table and freed as the Box it was made from.
        let r = unsafe {
            let r = c::lfs2_file_close(self.lfs(), addr_of_mut!((*f).file));
            let files: &mut Vec<_> = &mut (*self.state.as_ptr()).files;
            files[id] = None;
            drop(Box::from_raw(f));
            r
        };
        code(r).map(drop)
    }

    /// The read and program cache size littlefs was given.
    pub fn cache_size(&self) -> u32 {
        // SAFETY: reading our own config; no C call is running.
        unsafe { (*self.state.as_ptr()).cfg.cache_size }
    }

    /// The storage, between calls.
    pub fn storage(&mut self) -> &mut S {
        // SAFETY: no C call is running, so nothing else reaches the storage.
        unsafe { &mut (*self.state.as_ptr()).storage }
    }
}

impl<S: Storage> Drop for Mounted<S> {
    /// Dropped without `unmount`: files are closed and littlefs unmounted all the same,
    /// errors ignored (nothing can report them here).
    fn drop(&mut self) {
        let _ = self.close_all();
        let st = self.state.as_ptr();
        // SAFETY: as unmount.
        unsafe {
            c::lfs2_unmount(addr_of_mut!((*st).lfs));
            drop(Box::from_raw(st));
        }
    }
}
