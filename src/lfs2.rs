//! vfs.VfsLfs2: littlefs v2 (on-disk 2.1, the format stock MicroPython writes) over a
//! block device.
//!
//! Behaviour follows stock `extmod/vfs_lfsx*.c`.  One structural difference: when the
//! block device raises inside a littlefs callback, stock longjmps straight out of littlefs
//! (leaving its state mid-operation); here the callback returns LFS_ERR_IO, littlefs
//! unwinds normally, and the device's exception is re-raised unchanged afterwards.
//! Timestamps are littlefs attribute 1: 8 bytes, little-endian nanoseconds since 1970.
use core::ffi::{c_int, c_void};
use core::ptr::addr_of_mut;

use littlefs2_sys as lfs;

use crate::blockdev::{self, BlockDev};
use crate::errno::Errno;
use crate::ffi;
use crate::mp::{self, check, entry, Error, Obj, Result};
use crate::path::normalize_dir;
use crate::qstr;

const ATTR_MTIME: u8 = 1;

#[repr(C)]
pub struct Vfs {
    base: ffi::mp_obj_base_t,
    bdev: BlockDev,
    /// An exception the block device raised during the current littlefs call.
    pending: ffi::mp_obj_t,
    /// The current directory as a str: "/" or "/a/b/" (always with a trailing '/').
    cur_dir: ffi::mp_obj_t,
    enable_mtime: bool,
    lfs: lfs::lfs_t,
    config: lfs::lfs_config,
    // followed by the read, prog and lookahead buffers (see `new_vfs`)
}

#[repr(C)]
struct File {
    base: ffi::mp_obj_base_t,
    /// The filesystem, or null once closed.
    vfs: *mut Vfs,
    mtime: [u8; 8],
    file: lfs::lfs_file_t,
    cfg: lfs::lfs_file_config,
    attrs: [lfs::lfs_attr; 1],
    // followed by the file's cache buffer (cache_size bytes)
}

#[repr(C)]
struct Dir {
    base: ffi::mp_obj_base_t,
    iternext: ffi::mp_fun_1_t,
    finaliser: ffi::mp_fun_1_t,
    is_str: bool,
    /// The filesystem, or null once the listing is finished.
    vfs: *mut Vfs,
    dir: lfs::lfs_dir_t,
}

const fn align8(n: usize) -> usize {
    (n + 7) & !7
}

/// The object for `self` of a VfsLfs2 method.
fn this(o: ffi::mp_obj_t) -> *mut Vfs {
    o as *mut Vfs
}

/// Run one littlefs call and turn its outcome into a Result: the device's exception if
/// it raised one, OSError(-code) for a littlefs error, else the (non-negative) value.
fn run(vfs: *mut Vfs, f: impl FnOnce(*mut lfs::lfs_t) -> c_int) -> Result<c_int> {
    // SAFETY: vfs is a live VfsLfs2 object; fields are reached through raw projections
    // so the littlefs callbacks may touch `pending` and `bdev` meanwhile.
    unsafe {
        *addr_of_mut!((*vfs).pending) = core::ptr::null_mut();
        let ret = f(addr_of_mut!((*vfs).lfs));
        let pending = core::mem::replace(&mut *addr_of_mut!((*vfs).pending), core::ptr::null_mut());
        if !pending.is_null() {
            return Err(Error::Exc(Obj(pending)));
        }
        if ret < 0 {
            return Err(Error::OsRaw(-ret));
        }
        Ok(ret)
    }
}

// littlefs callbacks.  They run inside littlefs, so they never raise: errors become codes.

/// # Safety
/// Called by littlefs with the config we built, whose context is our Vfs.
unsafe extern "C" fn dev_read(c: *const lfs::lfs_config, block: u32, off: u32, buf: *mut c_void, size: u32) -> c_int {
    // SAFETY: context is our Vfs; buf holds `size` writable bytes for this call.
    unsafe {
        let vfs = (*c).context as *mut Vfs;
        let buf = core::slice::from_raw_parts_mut(buf as *mut u8, size as usize);
        let r = (*vfs).bdev.read_ext(block as usize, off as usize, buf);
        blockdev::callback_code(r, &mut *addr_of_mut!((*vfs).pending), lfs::lfs_error_LFS_ERR_IO)
    }
}

/// # Safety
/// As dev_read.
unsafe extern "C" fn dev_prog(c: *const lfs::lfs_config, block: u32, off: u32, buf: *const c_void, size: u32) -> c_int {
    // SAFETY: context is our Vfs; buf holds `size` readable bytes for this call.
    unsafe {
        let vfs = (*c).context as *mut Vfs;
        let buf = core::slice::from_raw_parts(buf as *const u8, size as usize);
        let r = (*vfs).bdev.write_ext(block as usize, off as usize, buf);
        blockdev::callback_code(r, &mut *addr_of_mut!((*vfs).pending), lfs::lfs_error_LFS_ERR_IO)
    }
}

/// # Safety
/// As dev_read.
unsafe extern "C" fn dev_erase(c: *const lfs::lfs_config, block: u32) -> c_int {
    // SAFETY: context is our Vfs.
    unsafe {
        let vfs = (*c).context as *mut Vfs;
        let r = (*vfs)
            .bdev
            .ioctl_int(blockdev::IOCTL_BLOCK_ERASE, block as usize, true)
            .map(|v| v as i32);
        blockdev::callback_code(r, &mut *addr_of_mut!((*vfs).pending), lfs::lfs_error_LFS_ERR_IO)
    }
}

/// # Safety
/// As dev_read.
unsafe extern "C" fn dev_sync(c: *const lfs::lfs_config) -> c_int {
    // SAFETY: context is our Vfs.
    unsafe {
        let vfs = (*c).context as *mut Vfs;
        let r = (*vfs).bdev.ioctl_int(blockdev::IOCTL_SYNC, 0, false).map(|v| v as i32);
        blockdev::callback_code(r, &mut *addr_of_mut!((*vfs).pending), lfs::lfs_error_LFS_ERR_IO)
    }
}

const MAKE_ARGS: [ffi::mp_arg_t; 5] = [
    mp::arg(
        qstr!(MP_QSTR_),
        ffi::RUSTOS_ARG_REQUIRED | ffi::RUSTOS_ARG_OBJ,
        Obj::NONE,
    ),
    mp::arg_int(
        qstr!(MP_QSTR_readsize),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_INT,
        32,
    ),
    mp::arg_int(
        qstr!(MP_QSTR_progsize),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_INT,
        32,
    ),
    mp::arg_int(
        qstr!(MP_QSTR_lookahead),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_INT,
        32,
    ),
    mp::arg_bool(
        qstr!(MP_QSTR_mtime),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_BOOL,
        true,
    ),
];

struct MakeArgs {
    bdev: Obj,
    read_size: isize,
    prog_size: isize,
    lookahead: isize,
    mtime: bool,
}

fn make_args(v: [ffi::mp_arg_val_t; 5]) -> MakeArgs {
    // SAFETY: each union field read is the one its MAKE_ARGS entry's type writes.
    unsafe {
        MakeArgs {
            bdev: Obj(v[0].u_obj),
            read_size: v[1].u_int as isize,
            prog_size: v[2].u_int as isize,
            lookahead: v[3].u_int as isize,
            mtime: v[4].u_bool,
        }
    }
}

fn positive_u32(v: isize) -> Result<u32> {
    u32::try_from(v).ok().filter(|&v| v > 0).ok_or(Error::Os(Errno::EINVAL))
}

/// A VfsLfs2 object with its block device and littlefs configuration set up (not mounted).
fn new_vfs(a: &MakeArgs) -> Result<*mut Vfs> {
    let bdev = BlockDev::new(a.bdev)?;
    bdev.ioctl(blockdev::IOCTL_INIT, 1)?;
    let block_size = bdev.ioctl_int(blockdev::IOCTL_BLOCK_SIZE, 0, true)?;
    let block_count = bdev.ioctl_int(blockdev::IOCTL_BLOCK_COUNT, 0, true)?;
    // Zero sizes would divide by zero inside littlefs (its asserts are compiled out).
    let (read_size, prog_size) = (positive_u32(a.read_size)?, positive_u32(a.prog_size)?);
    let lookahead = positive_u32(a.lookahead)?;
    let (block_size, block_count) = (positive_u32(block_size)?, positive_u32(block_count)?);
    let cache_size = block_size.min(4 * read_size.max(prog_size));
    let head = align8(core::mem::size_of::<Vfs>());
    let cache = align8(cache_size as usize);
    let size = head + 2 * cache + align8(lookahead as usize);
    // SAFETY: trampoline allocating a zeroed GC object of `size` bytes.
    let o = check(unsafe { ffi::rustos_try_new_obj(&ffi::rustos_type_lfs2, size, false) })?;
    let vfs = o.0 as *mut Vfs;
    // SAFETY: `vfs` is a fresh, zeroed allocation of `size` bytes; we fill in our fields.
    unsafe {
        let base = vfs as *mut u8;
        core::ptr::write(addr_of_mut!((*vfs).bdev), bdev);
        (*vfs).bdev.block_size = block_size as usize;
        (*vfs).cur_dir = Obj::from_qstr(qstr!(MP_QSTR__slash_)).0;
        (*vfs).enable_mtime = a.mtime;
        let c = &mut *addr_of_mut!((*vfs).config);
        c.context = vfs as *mut c_void;
        c.read = Some(dev_read);
        c.prog = Some(dev_prog);
        c.erase = Some(dev_erase);
        c.sync = Some(dev_sync);
        c.read_size = read_size;
        c.prog_size = prog_size;
        c.block_size = block_size;
        c.block_count = block_count;
        c.block_cycles = 100;
        c.cache_size = cache_size;
        c.lookahead_size = lookahead;
        c.read_buffer = base.add(head) as *mut c_void;
        c.prog_buffer = base.add(head + cache) as *mut c_void;
        c.lookahead_buffer = base.add(head + 2 * cache) as *mut c_void;
    }
    Ok(vfs)
}

fn config(vfs: *mut Vfs) -> *const lfs::lfs_config {
    // SAFETY: a raw projection to the config inside a live Vfs.
    unsafe { addr_of_mut!((*vfs).config) }
}

/// VfsLfs2(dev) with the default options, mounted (for vfs.mount's auto-detection).
pub fn new_mounted(dev: Obj) -> Result<Obj> {
    let a = MakeArgs {
        bdev: dev,
        read_size: 32,
        prog_size: 32,
        lookahead: 32,
        mtime: true,
    };
    let vfs = new_vfs(&a)?;
    // SAFETY: lfs and config live inside the vfs object.
    run(vfs, |l| unsafe { lfs::lfs_mount(l, config(vfs)) })?;
    Ok(Obj(vfs as ffi::mp_obj_t))
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_make_new(n_args: usize, n_kw: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let a = make_args(mp::parse_args_kw_array(n_args, n_kw, args, &MAKE_ARGS)?);
        let vfs = new_vfs(&a)?;
        // SAFETY: lfs and config live inside the vfs object.
        run(vfs, |l| unsafe { lfs::lfs_mount(l, config(vfs)) })?;
        Ok(Obj(vfs as ffi::mp_obj_t))
    })
}

/// VfsLfs2.mkfs(bdev, readsize=32, progsize=32, lookahead=32, mtime=True)
#[no_mangle]
pub extern "C" fn rustos_lfs2_mkfs(n: usize, pos: *const ffi::mp_obj_t, kw: *mut ffi::mp_map_t) -> ffi::rustos_ret_t {
    entry(|| {
        let a = make_args(mp::parse_args_raw(n, pos, kw, &MAKE_ARGS)?);
        let vfs = new_vfs(&a)?;
        // SAFETY: lfs and config live inside the (temporary) vfs object.
        run(vfs, |l| unsafe { lfs::lfs_format(l, config(vfs)) })?;
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_mount(
    s: ffi::mp_obj_t,
    readonly: ffi::mp_obj_t,
    _mkfs: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| {
        if Obj(readonly).is_true()? {
            // SAFETY: self of the method; only the device's write method is dropped.
            unsafe { (*this(s)).bdev.set_readonly() };
        }
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_umount(s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: lfs lives inside the vfs; littlefs unmount only releases state.
        run(this(s), |l| unsafe { lfs::lfs_unmount(l) })?;
        Ok(Obj::NONE)
    })
}

/// The littlefs path (NUL-terminated) for a path argument: relative paths are joined
/// to the current directory.
fn make_path(vfs: *mut Vfs, path: Obj) -> Result<alloc::vec::Vec<u8>> {
    let p = path.str_bytes()?;
    if p.contains(&0) {
        return Err(Error::Value("embedded null byte"));
    }
    let mut out = alloc::vec::Vec::new();
    if p.first() != Some(&b'/') {
        // SAFETY: cur_dir is the str object this vfs keeps.
        let cwd = Obj(unsafe { (*vfs).cur_dir }).str_bytes()?;
        out.try_reserve(cwd.len() + p.len() + 1)
            .map_err(|_| Error::Os(Errno::ENOMEM))?;
        out.extend_from_slice(cwd);
    } else {
        out.try_reserve(p.len() + 1).map_err(|_| Error::Os(Errno::ENOMEM))?;
    }
    out.extend_from_slice(p);
    out.push(0);
    Ok(out)
}

fn cstr(p: &[u8]) -> *const core::ffi::c_char {
    p.as_ptr() as *const core::ffi::c_char
}

fn stat_info(vfs: *mut Vfs, p: &[u8]) -> Result<lfs::lfs_info> {
    let mut info = lfs::lfs_info::default();
    // SAFETY: p is NUL-terminated; info is filled by littlefs.
    run(vfs, |l| unsafe { lfs::lfs_stat(l, cstr(p), &mut info) })?;
    Ok(info)
}

macro_rules! path_op {
    ($name:ident, $f:ident) => {
        #[no_mangle]
        pub extern "C" fn $name(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
            entry(|| {
                let vfs = this(s);
                let p = make_path(vfs, Obj(path))?;
                // SAFETY: p is NUL-terminated.
                run(vfs, |l| unsafe { lfs::$f(l, cstr(&p)) })?;
                Ok(Obj::NONE)
            })
        }
    };
}

path_op!(rustos_lfs2_mkdir, lfs_mkdir);
path_op!(rustos_lfs2_remove, lfs_remove);
path_op!(rustos_lfs2_rmdir, lfs_remove);

#[no_mangle]
pub extern "C" fn rustos_lfs2_rename(s: ffi::mp_obj_t, old: ffi::mp_obj_t, new: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let vfs = this(s);
        let (a, b) = (make_path(vfs, Obj(old))?, make_path(vfs, Obj(new))?);
        // SAFETY: both paths are NUL-terminated.
        run(vfs, |l| unsafe { lfs::lfs_rename(l, cstr(&a), cstr(&b)) })?;
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_chdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let vfs = this(s);
        let p = make_path(vfs, Obj(path))?;
        let p = &p[..p.len() - 1];
        if p.len() > 1 {
            match stat_info(vfs, &[p, b"\0"].concat()) {
                Ok(info) if info.type_ as u32 == lfs::lfs_type_LFS_TYPE_DIR => {}
                Err(Error::Exc(e)) => return Err(Error::Exc(e)),
                _ => return Err(Errno::ENOENT.into()),
            }
        }
        let cwd = Obj::new_str(&normalize_dir(p))?;
        // SAFETY: self of the method; the new str is kept by the object from now on.
        unsafe { (*vfs).cur_dir = cwd.0 };
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_getcwd(s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: cur_dir is the str object this vfs keeps.
        let cwd = Obj(unsafe { (*this(s)).cur_dir });
        let b = cwd.str_bytes()?;
        if b.len() <= 1 {
            return Ok(Obj::from_qstr(qstr!(MP_QSTR__slash_)));
        }
        Obj::new_str(&b[..b.len() - 1])
    })
}

fn mode_of(info: &lfs::lfs_info) -> isize {
    if info.type_ as u32 == lfs::lfs_type_LFS_TYPE_REG {
        ffi::RUSTOS_S_IFREG as isize
    } else {
        ffi::RUSTOS_S_IFDIR as isize
    }
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_stat(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let vfs = this(s);
        let p = make_path(vfs, Obj(path))?;
        let info = stat_info(vfs, &p)?;
        let mut buf = [0u8; 8];
        // SAFETY: p is NUL-terminated; buf receives at most 8 bytes.
        let n = run(vfs, |l| unsafe {
            let r = lfs::lfs_getattr(l, cstr(&p), ATTR_MTIME, buf.as_mut_ptr() as *mut c_void, 8);
            // A missing attribute is not an error here: no timestamp.
            if r < 0 {
                0
            } else {
                r
            }
        })?;
        let mtime = if n == 8 {
            // SAFETY: a pure conversion in C (epoch of the port).
            unsafe { ffi::rustos_seconds_from_ns_1970(u64::from_le_bytes(buf)) as isize }
        } else {
            0
        };
        let (zero, t) = (Obj::from_int(0)?, Obj::from_int(mtime)?);
        Obj::new_tuple(&[
            Obj::from_int(mode_of(&info))?,
            zero,
            zero,
            zero,
            zero,
            zero,
            Obj::from_uint(info.size as u64)?,
            t,
            t,
            t,
        ])
    })
}

/// # Safety
/// Called by littlefs with the counter we passed.
unsafe extern "C" fn count_block(data: *mut c_void, _block: u32) -> c_int {
    // SAFETY: data is the u32 counter in rustos_lfs2_statvfs.
    unsafe { *(data as *mut u32) += 1 };
    0
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_statvfs(s: ffi::mp_obj_t, _path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let vfs = this(s);
        let mut used: u32 = 0;
        // SAFETY: the callback only counts into `used`.
        run(vfs, |l| unsafe {
            lfs::lfs_fs_traverse(l, Some(count_block), &mut used as *mut u32 as *mut c_void)
        })?;
        // SAFETY: reading our own config.
        let (bs, bc) = unsafe { ((*vfs).config.block_size, (*vfs).config.block_count) };
        let (bsize, free, zero) = (
            Obj::from_uint(bs as u64)?,
            Obj::from_int(bc as isize - used as isize)?,
            Obj::from_int(0)?,
        );
        Obj::new_tuple(&[
            bsize,
            bsize,
            Obj::from_uint(bc as u64)?,
            free,
            free,
            zero,
            zero,
            zero,
            zero,
            Obj::from_int(lfs::LFS_NAME_MAX as isize)?,
        ])
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_import_stat(s: *mut c_void, path: *const core::ffi::c_char) -> ffi::mp_import_stat_t {
    let vfs = s as *mut Vfs;
    // SAFETY: the VFS passes our object and a NUL-terminated path.
    let path = unsafe { core::ffi::CStr::from_ptr(path) }.to_bytes();
    let no = ffi::RUSTOS_IMPORT_STAT_NO_EXIST as ffi::mp_import_stat_t;
    let Ok(p) = Obj::new_str(path).and_then(|o| make_path(vfs, o)) else {
        return no;
    };
    match stat_info(vfs, &p) {
        Ok(info) if info.type_ as u32 == lfs::lfs_type_LFS_TYPE_REG => {
            ffi::RUSTOS_IMPORT_STAT_FILE as ffi::mp_import_stat_t
        }
        Ok(_) => ffi::RUSTOS_IMPORT_STAT_DIR as ffi::mp_import_stat_t,
        Err(_) => no,
    }
}

// Directory listing.

#[no_mangle]
pub extern "C" fn rustos_lfs2_ilistdir(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let args = mp::args(n, args);
        let vfs = this(args.first().ok_or(Error::Type("ilistdir needs self"))?.0);
        let (p, is_str) = match args.get(1) {
            Some(&path) => (make_path(vfs, path)?, !path.is_bytes()),
            None => {
                // SAFETY: cur_dir is the str object this vfs keeps.
                let cwd = Obj(unsafe { (*vfs).cur_dir }).str_bytes()?;
                ([cwd, b"\0"].concat(), true)
            }
        };
        // SAFETY: a trampoline allocating the iterator (zeroed, with our slots set).
        let it = check(unsafe {
            ffi::rustos_try_new_iter(
                core::mem::size_of::<Dir>(),
                Some(ffi::rustos_lfs2_dir_iternext_shim),
                Some(ffi::rustos_lfs2_dir_del_shim),
            )
        })?;
        let d = it.0 as *mut Dir;
        // SAFETY: d is the fresh iterator; dir lives inside it, p is NUL-terminated.
        unsafe {
            (*d).is_str = is_str;
            run(vfs, |l| lfs::lfs_dir_open(l, addr_of_mut!((*d).dir), cstr(&p)))?;
            (*d).vfs = vfs;
        }
        Ok(it)
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_dir_iternext(it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let d = it as *mut Dir;
        // SAFETY: `it` is one of our directory iterators.
        let vfs = unsafe { (*d).vfs };
        if vfs.is_null() {
            return Ok(Obj::STOP_ITERATION);
        }
        let mut info = lfs::lfs_info::default();
        loop {
            // SAFETY: the directory is open on this vfs; info is filled by littlefs.
            let r = run(vfs, |l| unsafe {
                lfs::lfs_dir_read(l, addr_of_mut!((*d).dir), &mut info)
            })?;
            if r == 0 {
                dir_close(d);
                return Ok(Obj::STOP_ITERATION);
            }
            // SAFETY: littlefs NUL-terminates the name within the array.
            let name = unsafe { core::ffi::CStr::from_ptr(info.name.as_ptr()) }.to_bytes();
            if name != b"." && name != b".." {
                // SAFETY: reading our iterator's flag.
                let name = if unsafe { (*d).is_str } {
                    Obj::new_str(name)?
                } else {
                    Obj::new_bytes(name)?
                };
                return Obj::new_tuple(&[
                    name,
                    Obj::from_int(mode_of(&info))?,
                    Obj::from_int(0)?,
                    Obj::from_uint(info.size as u64)?,
                ]);
            }
        }
    })
}

fn dir_close(d: *mut Dir) {
    // SAFETY: d is our iterator; the directory is closed once and vfs cleared.
    unsafe {
        let vfs = (*d).vfs;
        if !vfs.is_null() {
            lfs::lfs_dir_close(addr_of_mut!((*vfs).lfs), addr_of_mut!((*d).dir));
            (*d).vfs = core::ptr::null_mut();
        }
    }
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_dir_del(it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        dir_close(it as *mut Dir);
        Ok(Obj::NONE)
    })
}

// Files.

fn now_mtime() -> [u8; 8] {
    // SAFETY: reads the port's clock (mp_hal_time_ns); cannot raise.
    unsafe { ffi::rustos_time_ns_1970() }.to_le_bytes()
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_open(s: ffi::mp_obj_t, path: ffi::mp_obj_t, mode: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let vfs = this(s);
        let mut flags = 0u32;
        let mut text = true;
        for &c in Obj(mode).str_bytes()? {
            let new = match c {
                b'r' => lfs::lfs_open_flags_LFS_O_RDONLY,
                b'w' => {
                    lfs::lfs_open_flags_LFS_O_WRONLY | lfs::lfs_open_flags_LFS_O_CREAT | lfs::lfs_open_flags_LFS_O_TRUNC
                }
                b'x' => {
                    lfs::lfs_open_flags_LFS_O_WRONLY | lfs::lfs_open_flags_LFS_O_CREAT | lfs::lfs_open_flags_LFS_O_EXCL
                }
                b'a' => {
                    lfs::lfs_open_flags_LFS_O_WRONLY
                        | lfs::lfs_open_flags_LFS_O_CREAT
                        | lfs::lfs_open_flags_LFS_O_APPEND
                }
                b'+' => {
                    flags |= lfs::lfs_open_flags_LFS_O_RDWR;
                    0
                }
                b'b' => {
                    text = false;
                    0
                }
                b't' => {
                    text = true;
                    0
                }
                _ => 0,
            };
            if new != 0 {
                if flags != 0 {
                    // Two of r/w/x/a (stock raises a bare ValueError).
                    return Err(Error::Value(""));
                }
                flags = new;
            }
        }
        if flags == 0 {
            flags = lfs::lfs_open_flags_LFS_O_RDONLY;
        }
        let p = make_path(vfs, Obj(path))?;
        // SAFETY: reading our own config.
        let cache = unsafe { (*vfs).config.cache_size } as usize;
        let ty = if text {
            &raw const ffi::rustos_type_lfs2_textio
        } else {
            &raw const ffi::rustos_type_lfs2_fileio
        };
        let head = align8(core::mem::size_of::<File>());
        // SAFETY: a trampoline allocating a zeroed file object with a finaliser.
        let o = check(unsafe { ffi::rustos_try_new_obj(ty, head + cache, true) })?;
        let f = o.0 as *mut File;
        // SAFETY: f is the fresh zeroed file object; file/cfg/attrs/buffer live inside it,
        // which the GC keeps alive (and closes by finaliser) while littlefs lists it.
        unsafe {
            (*f).cfg.buffer = (f as *mut u8).add(head) as *mut c_void;
            if (*vfs).enable_mtime {
                (*f).mtime = now_mtime();
                (*f).attrs[0] = lfs::lfs_attr {
                    type_: ATTR_MTIME,
                    buffer: addr_of_mut!((*f).mtime) as *mut c_void,
                    size: 8,
                };
                (*f).cfg.attrs = addr_of_mut!((*f).attrs) as *mut lfs::lfs_attr;
                (*f).cfg.attr_count = 1;
            }
            run(vfs, |l| {
                lfs::lfs_file_opencfg(
                    l,
                    addr_of_mut!((*f).file),
                    cstr(&p),
                    flags as c_int,
                    addr_of_mut!((*f).cfg),
                )
            })?;
            (*f).vfs = vfs;
        }
        Ok(o)
    })
}

enum Io {
    Done(usize),
    Errno(i32),
}

fn io_entry(f: impl FnOnce() -> Result<Io>) -> ffi::rustos_io_t {
    let mut outcome = None;
    let err = entry(|| {
        outcome = Some(f()?);
        Ok(Obj::NONE)
    });
    let mut out = ffi::rustos_io_t { err, n: 0, errcode: 0 };
    match outcome {
        Some(Io::Done(n)) => out.n = n as ffi::mp_uint_t,
        Some(Io::Errno(e)) => out.errcode = e,
        None => {}
    }
    out
}

/// A littlefs result as a stream outcome: a device exception propagates, a littlefs
/// error becomes the stream's errno.
fn io_result(r: Result<c_int>) -> Result<Io> {
    match r {
        Ok(n) => Ok(Io::Done(n as usize)),
        Err(Error::OsRaw(e)) => Ok(Io::Errno(e)),
        Err(e) => Err(e),
    }
}

fn open_file(o: ffi::mp_obj_t) -> Result<(*mut File, *mut Vfs)> {
    let f = o as *mut File;
    // SAFETY: the stream shims pass only our file objects.
    let vfs = unsafe { (*f).vfs };
    if vfs.is_null() {
        // Stock raises a bare ValueError for a closed littlefs file.
        return Err(Error::Value(""));
    }
    Ok((f, vfs))
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_file_read(o: ffi::mp_obj_t, buf: *mut c_void, size: ffi::mp_uint_t) -> ffi::rustos_io_t {
    io_entry(|| {
        let (f, vfs) = open_file(o)?;
        let size = u32::try_from(size).unwrap_or(u32::MAX);
        // SAFETY: buf holds `size` writable bytes; the file is open on vfs.
        io_result(run(vfs, |l| unsafe {
            lfs::lfs_file_read(l, addr_of_mut!((*f).file), buf, size)
        }))
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_file_write(
    o: ffi::mp_obj_t,
    buf: *const c_void,
    size: ffi::mp_uint_t,
) -> ffi::rustos_io_t {
    io_entry(|| {
        let (f, vfs) = open_file(o)?;
        // SAFETY: reading our flag and updating the file's own timestamp buffer.
        unsafe {
            if (*vfs).enable_mtime {
                (*f).mtime = now_mtime();
            }
        }
        let size = u32::try_from(size).unwrap_or(u32::MAX);
        // SAFETY: buf holds `size` readable bytes; the file is open on vfs.
        io_result(run(vfs, |l| unsafe {
            lfs::lfs_file_write(l, addr_of_mut!((*f).file), buf, size)
        }))
    })
}

#[no_mangle]
pub extern "C" fn rustos_lfs2_file_ioctl(o: ffi::mp_obj_t, request: ffi::mp_uint_t, arg: usize) -> ffi::rustos_io_t {
    io_entry(|| {
        let request = request as u32;
        if request == ffi::RUSTOS_STREAM_CLOSE {
            let f = o as *mut File;
            // SAFETY: the stream shims pass only our file objects.
            let vfs = unsafe { (*f).vfs };
            if vfs.is_null() {
                return Ok(Io::Done(0));
            }
            // SAFETY: closing the open file once, then marking it closed.
            let r = run(vfs, |l| unsafe { lfs::lfs_file_close(l, addr_of_mut!((*f).file)) });
            // SAFETY: as above.
            unsafe { (*f).vfs = core::ptr::null_mut() };
            return io_result(r);
        }
        let (f, vfs) = open_file(o)?;
        match request {
            ffi::RUSTOS_STREAM_SEEK => {
                // SAFETY: for MP_STREAM_SEEK, arg points at the caller's mp_stream_seek_t.
                let s = unsafe { &mut *(arg as *mut ffi::mp_stream_seek_t) };
                let off = i32::try_from(s.offset).map_err(|_| Error::OsRaw(ffi::RUSTOS_EINVAL_MP as i32));
                let off = match off {
                    Ok(v) => v,
                    Err(_) => return Ok(Io::Errno(ffi::RUSTOS_EINVAL_MP as i32)),
                };
                // SAFETY: the file is open on vfs.
                if let Io::Errno(e) = io_result(run(vfs, |l| unsafe {
                    lfs::lfs_file_seek(l, addr_of_mut!((*f).file), off, s.whence)
                }))? {
                    return Ok(Io::Errno(e));
                }
                // SAFETY: the file is open on vfs.
                match io_result(run(vfs, |l| unsafe { lfs::lfs_file_tell(l, addr_of_mut!((*f).file)) }))? {
                    Io::Done(pos) => {
                        s.offset = pos as _;
                        Ok(Io::Done(0))
                    }
                    e => Ok(e),
                }
            }
            ffi::RUSTOS_STREAM_FLUSH => {
                // SAFETY: the file is open on vfs.
                io_result(run(vfs, |l| unsafe { lfs::lfs_file_sync(l, addr_of_mut!((*f).file)) })).map(|r| match r {
                    Io::Done(_) => Io::Done(0),
                    e => e,
                })
            }
            _ => Ok(Io::Errno(ffi::RUSTOS_EINVAL_MP as i32)),
        }
    })
}
