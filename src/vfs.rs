//! The VFS core: the mount table, the current directory and the `os`/`vfs` file functions.
//!
//! The mount table and the current mount are the port's own root pointers
//! (`MP_STATE_VM(vfs_mount_table)`, `MP_STATE_VM(vfs_cur)`), so the interpreter's `open()`
//! and `import`, which resolve paths in C, see every mount made here.  A filesystem is any
//! object with the VFS methods: each operation is a method call on it (a "proxy call"),
//! and whatever it raises reaches the caller unchanged.
use crate::errno::Errno;
use crate::ffi;
use crate::mp::{self, check, entry, Error, Obj, Qstr, Result};
use crate::msg;
use crate::path::{lookup, Lookup};
use crate::qstr;

type Mount = *mut ffi::mp_vfs_mount_t;

/// The mount table's entries, in order, with their mount-point strings.
struct Mounts(Mount);

impl Iterator for Mounts {
    type Item = (Mount, &'static [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_null() {
            return None;
        }
        let m = self.0;
        // SAFETY: entries are GC blocks linked from the mount-table root pointer; str/len
        // describe the GC copy of the mount point made when it was mounted.
        unsafe {
            self.0 = (*m).next;
            Some((m, core::slice::from_raw_parts((*m).str_ as *const u8, (*m).len)))
        }
    }
}

fn table_head() -> *mut Mount {
    // SAFETY: returns the address of the port's root pointer.
    unsafe { ffi::rustos_vfs_mount_table() }
}

fn cur_ptr() -> *mut Mount {
    // SAFETY: returns the address of the port's root pointer.
    unsafe { ffi::rustos_vfs_cur() }
}

fn mounts() -> Mounts {
    // SAFETY: reading the root pointer.
    Mounts(unsafe { *table_head() })
}

fn cur() -> Mount {
    // SAFETY: reading the root pointer.
    unsafe { *cur_ptr() }
}

fn set_cur(m: Mount) {
    // SAFETY: writing the root pointer; `m` is null (the root) or a live table entry.
    unsafe { *cur_ptr() = m }
}

fn mount_obj(m: Mount) -> Obj {
    // SAFETY: m is a live table entry.
    Obj(unsafe { (*m).obj })
}

fn mount_len(m: Mount) -> usize {
    // SAFETY: m is a live table entry.
    unsafe { (*m).len }
}

fn mount_str(m: Mount) -> &'static [u8] {
    // SAFETY: m is a live table entry owning its string.
    unsafe { core::slice::from_raw_parts((*m).str_ as *const u8, (*m).len) }
}

/// A resolved path: the virtual root, nothing, or a mount with the path inside it.
enum Target {
    Root,
    NotFound,
    Mount(Mount, Obj),
}

/// The bytes of a path argument (str or bytes, TypeError otherwise).  An embedded NUL
/// would silently cut the path short in C: a ValueError, as in CPython.
fn path_bytes<'a>(path: Obj) -> Result<&'a [u8]> {
    mp::no_nul(path.str_bytes()?)
}

fn resolve(path_in: Obj) -> Result<Target> {
    let p = path_bytes(path_in)?;
    let cur = cur();
    Ok(match lookup(p, cur.is_null(), mounts()) {
        Lookup::Root => Target::Root,
        Lookup::NotFound => Target::NotFound,
        Lookup::Current => Target::Mount(cur, path_in),
        Lookup::Mount(m, Some(0)) => Target::Mount(m, path_in),
        Lookup::Mount(m, Some(start)) => Target::Mount(m, Obj::new_str_like(path_in, &p[start..])?),
        Lookup::Mount(m, None) => Target::Mount(m, Obj::new_str_like(path_in, b"/")?),
    })
}

fn proxy(t: &Target, meth: Qstr, args: &[Obj]) -> Result<Obj> {
    match *t {
        Target::NotFound => Err(Errno::ENODEV.into()),
        Target::Root => Err(Errno::EPERM.into()),
        Target::Mount(m, _) => call_fs(mount_obj(m), meth, args),
    }
}

/// One of our filesystem types exactly (which have a mount method).
fn is_ours(fs: Obj) -> bool {
    #[cfg(feature = "unix")]
    if crate::posix::is_posix(fs) {
        return true;
    }
    #[cfg(vfs_fat)]
    if crate::fat::is_fat(fs) {
        return true;
    }
    #[cfg(any(vfs_lfs1, vfs_lfs2))]
    if crate::littlefs::version_of(fs).is_some() {
        return true;
    }
    false
}

/// A filesystem's method: ours called directly where it is one of our types (mount and
/// umount, the calls of every mount), any other object through its method.
fn call_fs(fs: Obj, meth: Qstr, args: &[Obj]) -> Result<Obj> {
    #[cfg(vfs_fat)]
    if let Some(r) = crate::fat::call_direct(fs, meth, args) {
        return r;
    }
    #[cfg(any(vfs_lfs1, vfs_lfs2))]
    if let Some(r) = crate::littlefs::call_direct(fs, meth, args) {
        return r;
    }
    #[cfg(feature = "unix")]
    if let Some(r) = crate::posix::call_direct(fs, meth, args) {
        return r;
    }
    fs.call_method(meth, args)
}

/// The path within the mount (only meaningful for Target::Mount).
fn inner(t: &Target) -> Obj {
    match *t {
        Target::Mount(_, p) => p,
        _ => Obj::NONE,
    }
}

fn root_mount() -> Option<Mount> {
    mounts().find(|&(_, s)| s.len() == 1).map(|(m, _)| m)
}

fn slash() -> Obj {
    Obj::from_qstr(qstr!(MP_QSTR__slash_))
}

macro_rules! entry1 {
    ($cname:ident, $f:ident) => {
        #[no_mangle]
        pub extern "C" fn $cname(a: ffi::mp_obj_t) -> ffi::rustos_ret_t {
            entry(|| $f(Obj(a)))
        }
    };
}

entry1!(rustos_vfs_umount, umount);
entry1!(rustos_vfs_chdir, chdir);
entry1!(rustos_vfs_mkdir, mkdir);
entry1!(rustos_vfs_remove, remove);
entry1!(rustos_vfs_rmdir, rmdir);
entry1!(rustos_vfs_stat, stat);
entry1!(rustos_vfs_statvfs, statvfs);

#[no_mangle]
pub extern "C" fn rustos_vfs_mount(n: usize, pos: *const ffi::mp_obj_t, kw: *mut ffi::mp_map_t) -> ffi::rustos_ret_t {
    entry(|| mount(n, pos, kw))
}

#[no_mangle]
pub extern "C" fn rustos_vfs_getcwd() -> ffi::rustos_ret_t {
    entry(getcwd)
}

#[no_mangle]
pub extern "C" fn rustos_vfs_ilistdir(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| ilistdir(mp::args(n, args)))
}

#[no_mangle]
pub extern "C" fn rustos_vfs_listdir(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| listdir(mp::args(n, args)))
}

#[no_mangle]
pub extern "C" fn rustos_vfs_rename(old: ffi::mp_obj_t, new: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| rename(Obj(old), Obj(new)))
}

#[no_mangle]
pub extern "C" fn rustos_vfs_sync() -> ffi::rustos_ret_t {
    entry(sync)
}

/// f.truncate([size]) of a FAT or littlefs file: one method object serves every file
/// type (c/modos.c), the filesystem comes from self's type.
#[no_mangle]
pub extern "C" fn rustos_file_truncate(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let args = mp::args(n, args);
        let f = *args.first().ok_or(Error::Type(msg!("truncate needs self")))?;
        let size = args.get(1).copied();
        #[cfg(any(vfs_lfs1, vfs_lfs2))]
        if let Some(r) = crate::littlefs::file_truncate_any(f, size) {
            return r;
        }
        #[cfg(vfs_fat)]
        if let Some(r) = crate::fat::file_truncate_any(f, size) {
            return r;
        }
        let _ = size;
        Err(Error::Type(msg!("truncate needs a file")))
    })
}

#[no_mangle]
pub extern "C" fn rustos_vfs_truncate(path: ffi::mp_obj_t, length: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| truncate(Obj(path), Obj(length)))
}

#[no_mangle]
pub extern "C" fn rustos_vfs_utime(n: usize, pos: *const ffi::mp_obj_t, kw: *mut ffi::mp_map_t) -> ffi::rustos_ret_t {
    entry(|| utime(n, pos, kw))
}

const MOUNT_ARGS: [ffi::mp_arg_t; 4] = [
    mp::arg(
        qstr!(MP_QSTR_),
        ffi::RUSTOS_ARG_REQUIRED | ffi::RUSTOS_ARG_OBJ,
        Obj::NONE,
    ),
    mp::arg(
        qstr!(MP_QSTR_),
        ffi::RUSTOS_ARG_REQUIRED | ffi::RUSTOS_ARG_OBJ,
        Obj::NONE,
    ),
    mp::arg(
        qstr!(MP_QSTR_readonly),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_OBJ,
        Obj::FALSE,
    ),
    mp::arg(
        qstr!(MP_QSTR_mkfs),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_OBJ,
        Obj::FALSE,
    ),
];

fn mount(n: usize, pos: *const ffi::mp_obj_t, kw: *mut ffi::mp_map_t) -> Result<Obj> {
    // SAFETY: kw is the keyword map MicroPython passed to this call (or null).
    let n_kw = if kw.is_null() { 0 } else { unsafe { (*kw).used() } };
    if n == 0 && n_kw == 0 {
        // No arguments: list the mounts as (fs, mount_point) tuples, in table order.
        let list = Obj::new_list()?;
        for (m, s) in mounts() {
            let item = Obj::new_tuple(&[mount_obj(m), Obj::new_str(s)?])?;
            list.list_append(item)?;
        }
        return Ok(list);
    }
    let [fs, point, readonly, mkfs] = mp::parse_args(n, pos, kw, &MOUNT_ARGS)?;
    let point_str = path_bytes(point)?;
    // The object first, as stock: something that is neither a filesystem nor a block
    // device raises AttributeError whatever the mount point.
    let fs = if is_ours(fs) || fs.has_method(qstr!(MP_QSTR_mount))? {
        fs
    } else {
        autodetect(fs)?
    };
    if point_str.first() != Some(&b'/') {
        // Stock accepts any string and then matches it against paths without its first
        // byte, so a point without '/' is unreachable and "" reads out of bounds.
        return Err(Errno::EINVAL.into());
    }
    let vfs = Obj::new_mount(point_str, fs)?;
    // Let the filesystem do its own mounting first, as stock does.
    proxy(&Target::Mount(vfs, Obj::NONE), qstr!(MP_QSTR_mount), &[readonly, mkfs])?;
    // The mount point must be free (something at "/" does not make a subdirectory busy).
    if let Lookup::Mount(existing, _) = lookup(point_str, cur().is_null(), mounts()) {
        if !(point_str.len() != 1 && mount_len(existing) == 1) {
            return Err(Errno::EPERM.into());
        }
    }
    // Insert, keeping anything mounted at "/" at the end of the table.
    let mut link = table_head();
    // SAFETY: walking and relinking the GC-allocated table through its root pointer.
    unsafe {
        while !(*link).is_null() {
            if (**link).len == 1 {
                (*vfs).next = *link;
                break;
            }
            link = &mut (**link).next;
        }
        *link = vfs;
    }
    Ok(Obj::NONE)
}

/// A block device was mounted: find which filesystem is on it.  littlefs keeps its
/// superblock in blocks 0 and 1 (either may be mid-rewrite): v2 has "littlefs" at
/// offset 8, v1 at offset 40.
/// As in stock, any exception while probing just means "not littlefs".
/// Without FAT, a device that holds no littlefs is ENODEV, as stock.
fn autodetect(dev: Obj) -> Result<Obj> {
    #[cfg(any(vfs_lfs1, vfs_lfs2))]
    if let Ok(bdev) = crate::blockdev::BlockDev::new(dev) {
        for block in 0..=1 {
            let mut buf = [0u8; 44];
            if bdev.read_ext(block, 8, &mut buf).is_err() {
                break;
            }
            let version = if cfg!(vfs_lfs1) && &buf[32..40] == b"littlefs" {
                1
            } else if cfg!(vfs_lfs2) && &buf[..8] == b"littlefs" {
                2
            } else {
                continue;
            };
            // A littlefs mount that fails falls through to FAT, as stock.
            if let Ok(fs) = crate::littlefs::new_mounted(version, dev) {
                return Ok(fs);
            }
            break;
        }
    }
    #[cfg(vfs_fat)]
    return crate::fat::new_mounted(dev);
    #[cfg(not(vfs_fat))]
    Err(Errno::ENODEV.into())
}

fn umount(target: Obj) -> Result<Obj> {
    // A str names a mount point; anything else is matched as the filesystem object.
    let name = if target.is_str() {
        Some(target.str_bytes()?)
    } else {
        None
    };
    let mut link = table_head();
    let mut found: Mount = core::ptr::null_mut();
    // SAFETY: walking and unlinking the GC-allocated table through its root pointer.
    unsafe {
        while !(*link).is_null() {
            let m = *link;
            if name == Some(mount_str(m)) || mount_obj(m) == target {
                *link = (*m).next;
                found = m;
                break;
            }
            link = &mut (*m).next;
        }
    }
    if found.is_null() {
        return Err(Errno::EINVAL.into());
    }
    if cur() == found {
        set_cur(core::ptr::null_mut());
    }
    call_fs(mount_obj(found), qstr!(MP_QSTR_umount), &[])?;
    Ok(Obj::NONE)
}

fn chdir(path: Obj) -> Result<Obj> {
    let t = resolve(path)?;
    match t {
        Target::Root => {
            // Changing to the root: a filesystem mounted at "/" goes to its own root, so
            // relative paths start there.
            if let Some(m) = root_mount() {
                mount_obj(m).call_method(qstr!(MP_QSTR_chdir), &[slash()])?;
            }
            set_cur(core::ptr::null_mut());
        }
        Target::Mount(m, p) => {
            proxy(&t, qstr!(MP_QSTR_chdir), &[p])?;
            set_cur(m);
        }
        Target::NotFound => return Err(Errno::ENODEV.into()),
    }
    Ok(Obj::NONE)
}

fn getcwd() -> Result<Obj> {
    let cur = cur();
    if cur.is_null() {
        return Ok(slash());
    }
    let cwd = mount_obj(cur).call_method(qstr!(MP_QSTR_getcwd), &[])?;
    if mount_len(cur) == 1 {
        return Ok(cwd);
    }
    let c = cwd.str_bytes()?;
    let point = mount_str(cur);
    if c == b"/" {
        return Obj::new_str(point);
    }
    let mut v = mp::Vstr::with_len(point.len() + c.len())?;
    let buf = v.as_mut_slice();
    buf[..point.len()].copy_from_slice(point);
    buf[point.len()..].copy_from_slice(c);
    v.into_str()
}

fn ilistdir(args: &[Obj]) -> Result<Obj> {
    let path = args.first().copied().unwrap_or_else(mp::empty_str);
    ilistdir_of(&resolve(path)?, path)
}

fn ilistdir_of(t: &Target, path: Obj) -> Result<Obj> {
    if let Target::Root = t {
        // SAFETY: a trampoline allocating the root iterator; the table head is live.
        return mp::check(unsafe { ffi::rustos_try_new_root_iter(*table_head(), path.is_exact_str()) });
    }
    proxy(t, qstr!(MP_QSTR_ilistdir), &[inner(t)])
}

/// Next entry of the virtual root's listing: each mount point (as a directory), then,
/// if something is mounted at "/", that filesystem's own listing of "/".
#[no_mangle]
pub extern "C" fn rustos_vfs_root_iternext(it: *mut ffi::rustos_root_iter_t) -> ffi::rustos_ret_t {
    // SAFETY: `it` is the live iterator object MicroPython is iterating.
    entry(|| root_iternext(unsafe { &mut *it }))
}

fn root_iternext(it: &mut ffi::rustos_root_iter_t) -> Result<Obj> {
    if it.is_iter {
        return Obj(it.iter).iternext();
    }
    let m = it.vfs;
    if m.is_null() {
        return Ok(Obj::STOP_ITERATION);
    }
    // SAFETY: m is a table entry (kept alive by this iterator's reference to it).
    it.vfs = unsafe { (*m).next };
    if mount_len(m) == 1 {
        let iter = mount_obj(m).call_method(qstr!(MP_QSTR_ilistdir), &[slash()])?;
        it.iter = iter.0;
        it.is_iter = true;
        return iter.iternext();
    }
    let name = Obj::new_name(&mount_str(m)[1..], it.is_str)?;
    Obj::new_tuple(&[name, Obj::from_int(ffi::RUSTOS_S_IFDIR as isize)?, Obj::from_int(0)?])
}

fn listdir(args: &[Obj]) -> Result<Obj> {
    let path = args.first().copied().unwrap_or_else(mp::empty_str);
    let t = resolve(path)?;
    // A VfsFat lists the names alone; any other listing gives tuples, of which the first
    // item is the name.
    let names_iter: Option<Result<Obj>> = match t {
        #[cfg(vfs_fat)]
        Target::Mount(m, p) => crate::fat::names_iter(mount_obj(m), p),
        _ => None,
    };
    let (iter, names) = match names_iter {
        Some(it) => (it?, true),
        None => (ilistdir_of(&t, path)?, false),
    };
    // SAFETY: trampoline call on the iterator made above (one guarded loop in C).
    check(unsafe { ffi::rustos_try_list_names(iter.0, names) })
}

fn mkdir(path: Obj) -> Result<Obj> {
    let t = resolve(path)?;
    match t {
        Target::Root => return Err(Errno::EEXIST.into()),
        Target::Mount(_, p) if p.str_bytes()? == b"/" => return Err(Errno::EEXIST.into()),
        _ => {}
    }
    proxy(&t, qstr!(MP_QSTR_mkdir), &[inner(&t)])
}

fn remove(path: Obj) -> Result<Obj> {
    let t = resolve(path)?;
    proxy(&t, qstr!(MP_QSTR_remove), &[inner(&t)])
}

fn rmdir(path: Obj) -> Result<Obj> {
    let t = resolve(path)?;
    proxy(&t, qstr!(MP_QSTR_rmdir), &[inner(&t)])
}

fn rename(old: Obj, new: Obj) -> Result<Obj> {
    let (a, b) = (resolve(old)?, resolve(new)?);
    let same = match (&a, &b) {
        (Target::Root, Target::Root) | (Target::NotFound, Target::NotFound) => true,
        (Target::Mount(x, _), Target::Mount(y, _)) => x == y,
        _ => false,
    };
    if !same {
        // Not across filesystems (stock's errno for it).
        return Err(Errno::EPERM.into());
    }
    proxy(&a, qstr!(MP_QSTR_rename), &[inner(&a), inner(&b)])
}

fn stat(path: Obj) -> Result<Obj> {
    let t = resolve(path)?;
    if let Target::Root = t {
        let zero = Obj::from_int(0)?;
        let mut items = [zero; 10];
        items[0] = Obj::from_int(ffi::RUSTOS_S_IFDIR as isize)?;
        return Obj::new_tuple(&items);
    }
    proxy(&t, qstr!(MP_QSTR_stat), &[inner(&t)])
}

fn statvfs(path: Obj) -> Result<Obj> {
    let t = resolve(path)?;
    let t = match t {
        Target::Root => match root_mount() {
            // Delegate the root to whatever is mounted at "/".
            Some(m) => Target::Mount(m, slash()),
            None => {
                let zero = Obj::from_int(0)?;
                let mut items = [zero; 10];
                items[9] = Obj::from_int(ffi::RUSTOS_ALLOC_PATH_MAX as isize)?;
                return Obj::new_tuple(&items);
            }
        },
        t => t,
    };
    proxy(&t, qstr!(MP_QSTR_statvfs), &[inner(&t)])
}

/// os.sync(): every mounted filesystem that has a sync() method is asked to sync.
fn sync() -> Result<Obj> {
    for (m, _) in mounts() {
        let fs = mount_obj(m);
        // Stock syncs every FAT mount's device (VfsFat has no sync method).
        #[cfg(vfs_fat)]
        if crate::fat::sync_if_fat(fs)? {
            continue;
        }
        if fs.has_method(qstr!(MP_QSTR_sync))? {
            fs.call_method(qstr!(MP_QSTR_sync), &[])?;
        }
    }
    Ok(Obj::NONE)
}

/// A filesystem method that not every filesystem has (truncate, utime): the mounted
/// filesystem's own, or EOPNOTSUPP where it has none (rather than AttributeError).
fn optional_method(path: Obj, meth: Qstr, rest: Obj) -> Result<Obj> {
    let t = resolve(path)?;
    let Target::Mount(m, p) = t else {
        return proxy(&t, meth, &[]);
    };
    let fs = mount_obj(m);
    if !fs.has_method(meth)? {
        return Err(Errno::EOPNOTSUPP.into());
    }
    call_fs(fs, meth, &[p, rest])
}

/// os.truncate(path, length): through the mount, as os.stat.
fn truncate(path: Obj, length: Obj) -> Result<Obj> {
    // An int, whatever the filesystem (TypeError first, as CPython).
    length.get_i64()?;
    optional_method(path, qstr!(MP_QSTR_truncate), length)
}

const UTIME_ARGS: [ffi::mp_arg_t; 3] = [
    mp::arg(
        qstr!(MP_QSTR_),
        ffi::RUSTOS_ARG_REQUIRED | ffi::RUSTOS_ARG_OBJ,
        Obj::NONE,
    ),
    mp::arg(qstr!(MP_QSTR_times), ffi::RUSTOS_ARG_OBJ, Obj::NONE),
    // Not given is told apart from None: CPython's ns=None is a TypeError.
    mp::arg(
        qstr!(MP_QSTR_ns),
        ffi::RUSTOS_ARG_KW_ONLY | ffi::RUSTOS_ARG_OBJ,
        Obj::STOP_ITERATION,
    ),
];

/// os.utime(path, times=None, *, ns=None), validated as CPython does; the filesystem's
/// utime(path, ns) gets None (now) or (atime_ns, mtime_ns), in the port's epoch as
/// os.stat reports times.
fn utime(n: usize, pos: *const ffi::mp_obj_t, kw: *mut ffi::mp_map_t) -> Result<Obj> {
    let [path, times, ns] = mp::parse_args(n, pos, kw, &UTIME_ARGS)?;
    let ns_given = ns != Obj::STOP_ITERATION;
    let pair = if ns_given {
        if !times.is_none() {
            return Err(Error::Value(msg!(
                "utime: you may specify either 'times' or 'ns' but not both"
            )));
        }
        let (a, m) = ns
            .tuple2()
            .ok_or(Error::Type(msg!("utime: 'ns' must be a tuple of two ints")))?;
        Some((a.get_i64()?, m.get_i64()?))
    } else if times.is_none() {
        None
    } else {
        let (a, m) = times.tuple2().ok_or(Error::Type(msg!(
            "utime: 'times' must be either a tuple of two ints or None"
        )))?;
        Some((seconds_to_ns(a)?, seconds_to_ns(m)?))
    };
    let arg = match pair {
        None => Obj::NONE,
        Some((a, m)) => Obj::new_tuple(&[Obj::from_i64(a)?, Obj::from_i64(m)?])?,
    };
    optional_method(path, qstr!(MP_QSTR_utime), arg)
}

/// A time in seconds (int or float) as ns, rounded down as CPython rounds it.
fn seconds_to_ns(t: Obj) -> Result<i64> {
    const NS: i64 = 1_000_000_000;
    let Some(f) = t.float_value() else {
        let s = t.get_i64()?;
        return s.checked_mul(NS).ok_or(Error::Overflow(msg!("timestamp out of range")));
    };
    if f.is_nan() {
        return Err(Error::Value(msg!("Invalid value NaN (not a number)")));
    }
    let ns = f * NS as f64;
    // i64's range as f64 is [-2**63, 2**63): outside it (infinities too) is an overflow.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2**63, exact in f64
    if !(-LIMIT..LIMIT).contains(&ns) {
        return Err(Error::Overflow(msg!("timestamp out of range")));
    }
    let truncated = ns as i64;
    Ok(if (truncated as f64) > ns {
        truncated - 1
    } else {
        truncated
    })
}

/// The unix port's main.c mounts stock's C VfsPosix at "/" (no root, writable) before any
/// Python runs.  The first import of os or vfs (their __init__) puts ours in its place,
/// the same filesystem, so the root has what our VfsPosix has (4-tuple listings,
/// truncate, utime) and `vfs.mount()` shows a `vfs.VfsPosix`.  Nothing can have made the
/// stock one differ from main.c's before: reaching it takes one of these imports.
#[cfg(feature = "unix")]
#[no_mangle]
pub extern "C" fn rustos_vfs_adopt_posix_root() -> ffi::rustos_ret_t {
    entry(|| {
        for (m, _) in mounts() {
            if mount_obj(m).is_type(&raw const ffi::mp_type_vfs_posix) {
                let ours = crate::posix::new_unrooted()?;
                // SAFETY: m is a live table entry; the new object is reachable from it.
                unsafe { (*m).obj = ours.0 };
            }
        }
        Ok(Obj::NONE)
    })
}
