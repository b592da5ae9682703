//! Every call into littlefs's C code (v1 and v2), and the callbacks it makes back: the one
//! place of this engine where `unsafe` lives.  What it hands up is safe: a mounted
//! filesystem owning its state at a fixed address, and open files as indices into a table
//! it owns, so no handle can outlive the filesystem or stay in littlefs's list after it
//! is gone.
use super::{v1_sys, v2_sys, Config, Error, Kind, Stat, Storage, V1, V2};
use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;
use core::ffi::{c_char, c_int, c_void};
use core::ptr::{addr_of_mut, NonNull};

/// Buffer sizes littlefs is given: read and program caches, lookahead, one file's cache.
pub struct Buffers {
    read: usize,
    prog: usize,
    lookahead: usize,
    file: usize,
}

/// What differs between littlefs v1 and v2: their types and C functions.  Each `unsafe fn`
/// is the C call of the same name, with its contract; only `Mounted` calls them.
pub trait Version: Sized + 'static {
    type Lfs: Default;
    type Config: Default;
    type File: Default;
    type FileConfig: Default;
    type Dir: Default;
    type Info: Default;
    type Attr: Default;
    /// littlefs's code for a corrupt filesystem.
    const CORRUPT: c_int;
    const NAME_MAX: usize;

    fn buffers(cfg: &Config) -> Buffers;
    /// What littlefs asserts of a configuration (asserts are compiled out, as in the
    /// firmware, so a bad one must be refused before littlefs sees it).
    fn accepts(cfg: &Config) -> bool;
    /// Fill the C config: geometry, our callbacks for storage `S`, `ctx` and the buffers.
    fn setup<S: Storage>(c: &mut Self::Config, ctx: *mut c_void, cfg: &Config, bufs: [*mut c_void; 3]);
    /// # Safety
    /// `c` is a config of ours, alive.
    unsafe fn context(c: *const Self::Config) -> *mut c_void;
    /// A file's config: its buffer, and an mtime attribute where the version has them.
    /// # Safety
    /// `mtime`'s pointers are the file's own attribute and value, alive while it is open.
    unsafe fn setup_file(
        fc: &mut Self::FileConfig,
        buffer: *mut c_void,
        mtime: Option<(*mut Self::Attr, *mut [u8; 8])>,
    );
    fn stat(info: &Self::Info) -> Stat;

    /// The version's C functions.
    const API: Api<Self>;
}

/// One version's C functions, called as `(V::API.name)(...)`: each call is unsafe with the
/// C function's contract.
pub struct Api<V: Version> {
    format: unsafe extern "C" fn(*mut V::Lfs, *const V::Config) -> c_int,
    mount: unsafe extern "C" fn(*mut V::Lfs, *const V::Config) -> c_int,
    unmount: unsafe extern "C" fn(*mut V::Lfs) -> c_int,
    mkdir: unsafe extern "C" fn(*mut V::Lfs, *const c_char) -> c_int,
    remove: unsafe extern "C" fn(*mut V::Lfs, *const c_char) -> c_int,
    rename: unsafe extern "C" fn(*mut V::Lfs, *const c_char, *const c_char) -> c_int,
    stat: unsafe extern "C" fn(*mut V::Lfs, *const c_char, *mut V::Info) -> c_int,
    /// The attribute's length, or a negative code (v1: no attributes).
    getattr: unsafe extern "C" fn(*mut V::Lfs, *const c_char, u8, *mut c_void, u32) -> c_int,
    /// Blocks in use, by a walk of the whole filesystem.
    used_blocks: unsafe extern "C" fn(*mut V::Lfs) -> c_int,
    dir_open: unsafe extern "C" fn(*mut V::Lfs, *mut V::Dir, *const c_char) -> c_int,
    dir_read: unsafe extern "C" fn(*mut V::Lfs, *mut V::Dir, *mut V::Info) -> c_int,
    dir_close: unsafe extern "C" fn(*mut V::Lfs, *mut V::Dir) -> c_int,
    file_open: unsafe extern "C" fn(*mut V::Lfs, *mut V::File, *const c_char, c_int, *const V::FileConfig) -> c_int,
    file_read: unsafe extern "C" fn(*mut V::Lfs, *mut V::File, *mut c_void, u32) -> c_int,
    file_write: unsafe extern "C" fn(*mut V::Lfs, *mut V::File, *const c_void, u32) -> c_int,
    file_seek: unsafe extern "C" fn(*mut V::Lfs, *mut V::File, i32, c_int) -> c_int,
    file_size: unsafe extern "C" fn(*mut V::Lfs, *mut V::File) -> c_int,
    file_truncate: unsafe extern "C" fn(*mut V::Lfs, *mut V::File, u32) -> c_int,
    file_sync: unsafe extern "C" fn(*mut V::Lfs, *mut V::File) -> c_int,
    file_close: unsafe extern "C" fn(*mut V::Lfs, *mut V::File) -> c_int,
}

fn stat_from(kind_dir: bool, size: u32, name: &[c_char]) -> Stat {
    let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    Stat {
        kind: if kind_dir { Kind::Dir } else { Kind::File },
        size,
        name: name[..len].iter().map(|&b| b as u8).collect(),
    }
}

impl Version for V2 {
    type Lfs = v2_sys::lfs2_t;
    type Config = v2_sys::lfs2_config;
    type File = v2_sys::lfs2_file_t;
    type FileConfig = v2_sys::lfs2_file_config;
    type Dir = v2_sys::lfs2_dir_t;
    type Info = v2_sys::lfs2_info;
    type Attr = v2_sys::lfs2_attr;
    const CORRUPT: c_int = v2_sys::lfs2_error_LFS2_ERR_CORRUPT;
    const NAME_MAX: usize = v2_sys::LFS2_NAME_MAX as usize;

    fn buffers(cfg: &Config) -> Buffers {
        let cache = cfg.cache_size() as usize;
        Buffers {
            read: cache,
            prog: cache,
            lookahead: cfg.lookahead_size as usize,
            file: cache,
        }
    }

    fn accepts(cfg: &Config) -> bool {
        let cache = cfg.cache_size();
        cfg.read_size > 0
            && cfg.prog_size > 0
            && cfg.block_size >= 128
            && cache.is_multiple_of(cfg.read_size)
            && cache.is_multiple_of(cfg.prog_size)
            && cfg.block_size.is_multiple_of(cache)
            && cfg.lookahead_size > 0
            && cfg.lookahead_size.is_multiple_of(8)
            && cfg.block_cycles != 0
    }

    fn setup<S: Storage>(c: &mut Self::Config, ctx: *mut c_void, cfg: &Config, bufs: [*mut c_void; 3]) {
        c.context = ctx;
        c.read = Some(read_cb::<V2, S>);
        c.prog = Some(prog_cb::<V2, S>);
        c.erase = Some(erase_cb::<V2, S>);
        c.sync = Some(sync_cb::<V2, S>);
        c.read_size = cfg.read_size;
        c.prog_size = cfg.prog_size;
        c.block_size = cfg.block_size;
        c.block_count = cfg.block_count;
        c.block_cycles = cfg.block_cycles;
        c.cache_size = cfg.cache_size();
        c.lookahead_size = cfg.lookahead_size;
        [c.read_buffer, c.prog_buffer, c.lookahead_buffer] = bufs;
    }

    unsafe fn context(c: *const Self::Config) -> *mut c_void {
        // SAFETY: the caller's contract.
        unsafe { (*c).context }
    }

    unsafe fn setup_file(
        fc: &mut Self::FileConfig,
        buffer: *mut c_void,
        mtime: Option<(*mut Self::Attr, *mut [u8; 8])>,
    ) {
        fc.buffer = buffer;
        if let Some((attr, value)) = mtime {
            // SAFETY: the caller's contract.
            unsafe {
                (*attr).type_ = super::ATTR_MTIME;
                (*attr).buffer = value as *mut c_void;
                (*attr).size = 8;
            }
            fc.attrs = attr;
            fc.attr_count = 1;
        }
    }

    fn stat(info: &Self::Info) -> Stat {
        stat_from(
            u32::from(info.type_) == v2_sys::lfs2_type_LFS2_TYPE_DIR,
            info.size,
            &info.name,
        )
    }

    const API: Api<V2> = {
        use v2_sys::*;
        Api {
            format: lfs2_format,
            mount: lfs2_mount,
            unmount: lfs2_unmount,
            mkdir: lfs2_mkdir,
            remove: lfs2_remove,
            rename: lfs2_rename,
            stat: lfs2_stat,
            getattr: lfs2_getattr,
            used_blocks: lfs2_fs_size,
            dir_open: lfs2_dir_open,
            dir_read: lfs2_dir_read,
            dir_close: lfs2_dir_close,
            file_open: lfs2_file_opencfg,
            file_read: lfs2_file_read,
            file_write: lfs2_file_write,
            file_seek: lfs2_file_seek,
            file_size: lfs2_file_size,
            file_truncate: lfs2_file_truncate,
            file_sync: lfs2_file_sync,
            file_close: lfs2_file_close,
        }
    };
}

impl Version for V1 {
    type Lfs = v1_sys::lfs1_t;
    type Config = v1_sys::lfs1_config;
    type File = v1_sys::lfs1_file_t;
    type FileConfig = v1_sys::lfs1_file_config;
    type Dir = v1_sys::lfs1_dir_t;
    type Info = v1_sys::lfs1_info;
    type Attr = ();
    const CORRUPT: c_int = v1_sys::lfs1_error_LFS1_ERR_CORRUPT;
    const NAME_MAX: usize = v1_sys::LFS1_NAME_MAX as usize;

    /// As stock's VfsLfs1: caches of the read and program size, lookahead in bits.
    fn buffers(cfg: &Config) -> Buffers {
        Buffers {
            read: cfg.read_size as usize,
            prog: cfg.prog_size as usize,
            lookahead: cfg.lookahead_size as usize / 8,
            file: cfg.prog_size as usize,
        }
    }

    fn accepts(cfg: &Config) -> bool {
        cfg.read_size > 0
            && cfg.prog_size > 0
            && cfg.block_size >= 128
            && cfg.prog_size.is_multiple_of(cfg.read_size)
            && cfg.block_size.is_multiple_of(cfg.prog_size)
            && cfg.lookahead_size > 0
            && cfg.lookahead_size.is_multiple_of(32)
    }

    fn setup<S: Storage>(c: &mut Self::Config, ctx: *mut c_void, cfg: &Config, bufs: [*mut c_void; 3]) {
        c.context = ctx;
        c.read = Some(read_cb::<V1, S>);
        c.prog = Some(prog_cb::<V1, S>);
        c.erase = Some(erase_cb::<V1, S>);
        c.sync = Some(sync_cb::<V1, S>);
        c.read_size = cfg.read_size;
        c.prog_size = cfg.prog_size;
        c.block_size = cfg.block_size;
        c.block_count = cfg.block_count;
        c.lookahead = cfg.lookahead_size;
        [c.read_buffer, c.prog_buffer, c.lookahead_buffer] = bufs;
    }

    unsafe fn context(c: *const Self::Config) -> *mut c_void {
        // SAFETY: the caller's contract.
        unsafe { (*c).context }
    }

    /// v1 keeps no attributes: no mtime.
    unsafe fn setup_file(fc: &mut Self::FileConfig, buffer: *mut c_void, _mtime: Option<(*mut (), *mut [u8; 8])>) {
        fc.buffer = buffer;
    }

    fn stat(info: &Self::Info) -> Stat {
        stat_from(
            u32::from(info.type_) == v1_sys::lfs1_type_LFS1_TYPE_DIR,
            info.size,
            &info.name,
        )
    }

    const API: Api<V1> = {
        use v1_sys::*;
        Api {
            format: lfs1_format,
            mount: lfs1_mount,
            unmount: lfs1_unmount,
            mkdir: lfs1_mkdir,
            remove: lfs1_remove,
            rename: lfs1_rename,
            stat: lfs1_stat,
            getattr: v1_getattr,
            used_blocks: v1_used_blocks,
            dir_open: lfs1_dir_open,
            dir_read: lfs1_dir_read,
            dir_close: lfs1_dir_close,
            file_open: lfs1_file_opencfg,
            file_read: lfs1_file_read,
            file_write: lfs1_file_write,
            file_seek: lfs1_file_seek,
            file_size: lfs1_file_size,
            file_truncate: lfs1_file_truncate,
            file_sync: lfs1_file_sync,
            file_close: lfs1_file_close,
        }
    };
}

/// v1 keeps no attributes.
extern "C" fn v1_getattr(_l: *mut v1_sys::lfs1_t, _p: *const c_char, _kind: u8, _buf: *mut c_void, _n: u32) -> c_int {
    Error::NoAttr.code()
}

/// v1 has no lfs1_fs_size: its blocks in use are counted by a traverse, as stock's
/// VfsLfs1 statvfs does.
unsafe extern "C" fn v1_used_blocks(l: *mut v1_sys::lfs1_t) -> c_int {
    let mut used: u32 = 0;
    // SAFETY: the caller's contract (a mounted littlefs); count_block gets our counter
    // for the walk only.
    let r = unsafe { v1_sys::lfs1_traverse(l, Some(count_block), &mut used as *mut u32 as *mut c_void) };
    if r < 0 {
        r
    } else {
        c_int::try_from(used).unwrap_or(c_int::MAX)
    }
}

unsafe extern "C" fn count_block(data: *mut c_void, _block: u32) -> c_int {
    // SAFETY: data is used_blocks' counter, alive for the traverse.
    unsafe { *(data as *mut u32) += 1 };
    0
}

/// What littlefs points into while mounted: kept in one heap block that never moves.
struct State<V: Version, S> {
    lfs: V::Lfs,
    cfg: V::Config,
    storage: S,
    read_buf: Vec<u8>,
    prog_buf: Vec<u8>,
    lookahead_buf: Vec<u8>,
    file_cache: usize,
    /// Open files, each from `Box::into_raw` (littlefs lists them by address).
    files: Vec<Option<NonNull<OpenFile<V>>>>,
}

/// An open file: littlefs links it into its list of open files, so it stays at one
/// address until closed.
struct OpenFile<V: Version> {
    file: V::File,
    cfg: V::FileConfig,
    buffer: Vec<u8>,
    attr: V::Attr,
    attr_value: [u8; 8],
}

/// A mounted filesystem, owning its state; unmounted when dropped.
pub struct Mounted<V: Version, S: Storage> {
    state: NonNull<State<V, S>>,
}

fn code<V: Version>(r: c_int) -> Result<u32, Error> {
    u32::try_from(r).map_err(|_| Error::from_code(r, V::CORRUPT))
}

/// The storage a callback was made for.
///
/// # Safety
/// `c` is the config inside a live `State<V, S>` whose context points at that state, and
/// no other reference to the state's `storage` exists during the callback (littlefs is
/// inside one of our calls, which reach the state only through raw pointers).
unsafe fn storage<'a, V: Version, S: Storage>(c: *const V::Config) -> &'a mut S {
    // SAFETY: as the function's contract.
    unsafe { &mut *addr_of_mut!((*(V::context(c) as *mut State<V, S>)).storage) }
}

fn status<V: Version>(r: Result<(), Error>) -> c_int {
    match r {
        Ok(()) => 0,
        Err(Error::Corrupt) => V::CORRUPT,
        Err(e) => e.code(),
    }
}

unsafe extern "C" fn read_cb<V: Version, S: Storage>(
    c: *const V::Config,
    block: u32,
    off: u32,
    buf: *mut c_void,
    size: u32,
) -> c_int {
    // SAFETY: littlefs passes a buffer of `size` bytes it owns for the call; c is ours.
    let (s, buf) = unsafe {
        (
            storage::<V, S>(c),
            core::slice::from_raw_parts_mut(buf as *mut u8, size as usize),
        )
    };
    status::<V>(s.read(block, off, buf))
}

unsafe extern "C" fn prog_cb<V: Version, S: Storage>(
    c: *const V::Config,
    block: u32,
    off: u32,
    buf: *const c_void,
    size: u32,
) -> c_int {
    // SAFETY: as read_cb, the buffer read-only.
    let (s, data) = unsafe {
        (
            storage::<V, S>(c),
            core::slice::from_raw_parts(buf as *const u8, size as usize),
        )
    };
    status::<V>(s.prog(block, off, data))
}

unsafe extern "C" fn erase_cb<V: Version, S: Storage>(c: *const V::Config, block: u32) -> c_int {
    // SAFETY: c is ours.
    status::<V>(unsafe { storage::<V, S>(c) }.erase(block))
}

unsafe extern "C" fn sync_cb<V: Version, S: Storage>(c: *const V::Config) -> c_int {
    // SAFETY: c is ours.
    status::<V>(unsafe { storage::<V, S>(c) }.sync())
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

impl<V: Version, S: Storage> Mounted<V, S> {
    /// A state at a fixed address, its config pointing at its own buffers and at itself.
    fn new_state(storage: S, cfg: &Config) -> *mut State<V, S> {
        let b = V::buffers(cfg);
        let st = Box::into_raw(Box::new(State::<V, S> {
            lfs: Default::default(),
            cfg: Default::default(),
            storage,
            read_buf: vec![0; b.read],
            prog_buf: vec![0; b.prog],
            lookahead_buf: vec![0; b.lookahead],
            file_cache: b.file,
            files: Vec::new(),
        }));
        // SAFETY: st is the fresh allocation above; every pointer littlefs will use is
        // derived from it, after it stopped being a Box.
        unsafe {
            let bufs = [
                (*st).read_buf.as_mut_ptr() as *mut c_void,
                (*st).prog_buf.as_mut_ptr() as *mut c_void,
                (*st).lookahead_buf.as_mut_ptr() as *mut c_void,
            ];
            V::setup::<S>(&mut (*st).cfg, st as *mut c_void, cfg, bufs);
        }
        st
    }

    /// Format `storage` with `cfg` (already checked by `Config::check`) and give it back.
    pub fn format(storage: S, cfg: &Config) -> (S, Result<(), Error>) {
        let st = Self::new_state(storage, cfg);
        // SAFETY: st is a fresh, fixed state whose config points at its own buffers.
        let r = unsafe { (V::API.format)(addr_of_mut!((*st).lfs), addr_of_mut!((*st).cfg)) };
        // SAFETY: back from Box::into_raw; littlefs keeps no pointer after format.
        let st = unsafe { Box::from_raw(st) };
        (st.storage, code::<V>(r).map(drop))
    }

    /// Mount `storage`, or give it back with littlefs's error.
    pub fn mount(storage: S, cfg: &Config) -> Result<Self, (S, Error)> {
        let st = Self::new_state(storage, cfg);
        // SAFETY: as format; on success the state stays where it is until unmounted.
        let r = unsafe { (V::API.mount)(addr_of_mut!((*st).lfs), addr_of_mut!((*st).cfg)) };
        match code::<V>(r) {
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
        let r = unsafe { (V::API.unmount)(addr_of_mut!((*st).lfs)) };
        // SAFETY: as above.
        let st = unsafe { Box::from_raw(st) };
        (st.storage, first.and(code::<V>(r).map(drop)))
    }

    fn lfs(&self) -> *mut V::Lfs {
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

    fn file(&self, id: usize) -> Result<*mut OpenFile<V>, Error> {
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
        code::<V>(unsafe { (V::API.mkdir)(self.lfs(), p.as_ptr() as *const c_char) }).map(drop)
    }

    pub fn remove(&mut self, path: &str) -> Result<(), Error> {
        let p = c_path(path)?;
        // SAFETY: as mkdir.
        code::<V>(unsafe { (V::API.remove)(self.lfs(), p.as_ptr() as *const c_char) }).map(drop)
    }

    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Error> {
        let (a, b) = (c_path(from)?, c_path(to)?);
        // SAFETY: as mkdir, two paths.
        let r = unsafe { (V::API.rename)(self.lfs(), a.as_ptr() as *const c_char, b.as_ptr() as *const c_char) };
        code::<V>(r).map(drop)
    }

    pub fn stat(&mut self, path: &str) -> Result<Stat, Error> {
        let p = c_path(path)?;
        let mut info = V::Info::default();
        // SAFETY: as mkdir; info is ours to fill.
        code::<V>(unsafe { (V::API.stat)(self.lfs(), p.as_ptr() as *const c_char, &mut info) })?;
        Ok(V::stat(&info))
    }

    /// A directory's entries, without "." and "..", in littlefs's order.
    pub fn read_dir(&mut self, path: &str) -> Result<Vec<Stat>, Error> {
        let p = c_path(path)?;
        let mut dir = V::Dir::default();
        // SAFETY: as mkdir; `dir` is linked into littlefs's list until closed below, in
        // this frame, on every path.
        code::<V>(unsafe { (V::API.dir_open)(self.lfs(), &mut dir, p.as_ptr() as *const c_char) })?;
        let mut out = Vec::new();
        let r = loop {
            let mut info = V::Info::default();
            // SAFETY: an open directory of ours.
            match unsafe { (V::API.dir_read)(self.lfs(), &mut dir, &mut info) } {
                0 => break Ok(()),
                n if n < 0 => break Err(Error::from_code(n, V::CORRUPT)),
                _ => {
                    let s = V::stat(&info);
                    if s.name != b"." && s.name != b".." {
                        out.push(s);
                    }
                }
            }
        };
        // SAFETY: closes what was opened above.
        let closed = code::<V>(unsafe { (V::API.dir_close)(self.lfs(), &mut dir) });
        r.and(closed).map(|_| out)
    }

    /// Blocks in use, by a walk of the whole filesystem.
    pub fn used_blocks(&mut self) -> Result<u32, Error> {
        // SAFETY: a mounted littlefs.
        code::<V>(unsafe { (V::API.used_blocks)(self.lfs()) })
    }

    /// Read attribute `kind` of `path` into `buf`: its length (v1: no attributes, NoAttr).
    pub fn get_attr(&mut self, path: &str, kind: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let p = c_path(path)?;
        let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        // SAFETY: as mkdir; buf holds len bytes.
        let r = unsafe {
            (V::API.getattr)(
                self.lfs(),
                p.as_ptr() as *const c_char,
                kind,
                buf.as_mut_ptr() as *mut c_void,
                len,
            )
        };
        code::<V>(r).map(|n| n as usize)
    }

    /// Open `path` with littlefs's `flags` (`O_*`) and, on v2, an mtime attribute written
    /// when the file is committed: the file's index.
    pub fn open(&mut self, path: &str, flags: c_int, mtime: Option<u64>) -> Result<usize, Error> {
        let p = c_path(path)?;
        // SAFETY: reading our own state; no C call is running.
        let cache = unsafe { (*self.state.as_ptr()).file_cache };
        let fp = Box::into_raw(Box::new(OpenFile::<V> {
            file: Default::default(),
            cfg: Default::default(),
            buffer: vec![0; cache],
            attr: Default::default(),
            attr_value: mtime.unwrap_or(0).to_le_bytes(),
        }));
        // SAFETY: fp is the fresh allocation above, at one address until freed in close;
        // littlefs lists it only when the open succeeds, and then our table keeps it.
        let r = unsafe {
            let attr = mtime.map(|_| (addr_of_mut!((*fp).attr), addr_of_mut!((*fp).attr_value)));
            let buffer = (*fp).buffer.as_mut_ptr() as *mut c_void;
            V::setup_file(&mut (*fp).cfg, buffer, attr);
            (V::API.file_open)(
                self.lfs(),
                addr_of_mut!((*fp).file),
                p.as_ptr() as *const c_char,
                flags,
                addr_of_mut!((*fp).cfg),
            )
        };
        if let Err(e) = code::<V>(r) {
            // SAFETY: not listed by littlefs after a failed open: freed as the Box it was.
            drop(unsafe { Box::from_raw(fp) });
            return Err(e);
        }
        // SAFETY: our own table; no C call is running.
        let files: &mut Vec<_> = unsafe { &mut (*self.state.as_ptr()).files };
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
        let r = unsafe {
            (V::API.file_read)(
                self.lfs(),
                addr_of_mut!((*f).file),
                buf.as_mut_ptr() as *mut c_void,
                len,
            )
        };
        code::<V>(r).map(|n| n as usize)
    }

    pub fn write(&mut self, id: usize, data: &[u8]) -> Result<usize, Error> {
        let f = self.file(id)?;
        let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
        // SAFETY: as read.
        let r =
            unsafe { (V::API.file_write)(self.lfs(), addr_of_mut!((*f).file), data.as_ptr() as *const c_void, len) };
        code::<V>(r).map(|n| n as usize)
    }

    /// Seek with `whence` (`SEEK_*`): the new position.
    pub fn seek(&mut self, id: usize, off: i32, whence: c_int) -> Result<u32, Error> {
        let f = self.file(id)?;
        // SAFETY: an open file of ours.
        code::<V>(unsafe { (V::API.file_seek)(self.lfs(), addr_of_mut!((*f).file), off, whence) })
    }

    pub fn size(&mut self, id: usize) -> Result<u32, Error> {
        let f = self.file(id)?;
        // SAFETY: as seek.
        code::<V>(unsafe { (V::API.file_size)(self.lfs(), addr_of_mut!((*f).file)) })
    }

    pub fn truncate(&mut self, id: usize, size: u32) -> Result<(), Error> {
        let f = self.file(id)?;
        // SAFETY: as seek.
        code::<V>(unsafe { (V::API.file_truncate)(self.lfs(), addr_of_mut!((*f).file), size) }).map(drop)
    }

    pub fn sync(&mut self, id: usize) -> Result<(), Error> {
        let f = self.file(id)?;
        // SAFETY: as seek.
        code::<V>(unsafe { (V::API.file_sync)(self.lfs(), addr_of_mut!((*f).file)) }).map(drop)
    }

    /// Close (commit) an open file; its index is free again, also when closing failed
    /// (littlefs unlists the file either way).
    pub fn close(&mut self, id: usize) -> Result<(), Error> {
        let f = self.file(id)?;
        // SAFETY: an open file of ours, unlisted by littlefs whatever close returns; then
        // out of our table and freed as the Box it was made from.
        let r = unsafe {
            let r = (V::API.file_close)(self.lfs(), addr_of_mut!((*f).file));
            let files: &mut Vec<_> = &mut (*self.state.as_ptr()).files;
            files[id] = None;
            drop(Box::from_raw(f));
            r
        };
        code::<V>(r).map(drop)
    }

    /// The storage, between calls.
    pub fn storage(&mut self) -> &mut S {
        // SAFETY: no C call is running, so nothing else reaches the storage.
        unsafe { &mut (*self.state.as_ptr()).storage }
    }
}

impl<V: Version, S: Storage> Drop for Mounted<V, S> {
    /// Dropped without `unmount`: files are closed and littlefs unmounted all the same,
    /// errors ignored (nothing can report them here).
    fn drop(&mut self) {
        let _ = self.close_all();
        let st = self.state.as_ptr();
        // SAFETY: as unmount.
        unsafe {
            (V::API.unmount)(addr_of_mut!((*st).lfs));
            drop(Box::from_raw(st));
        }
    }
}
