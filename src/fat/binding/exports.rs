//! The entry points c/vfs_fat.c calls: each packages its outcome for the C shim, which
//! raises after our frames are gone.
use super::file::{file_ioctl, file_read, file_write, open, truncate_path, utime_path};
use super::*;
use crate::mp::{entry, io_entry};

#[no_mangle]
pub extern "C" fn rustos_fat_make_new(n_args: usize, n_kw: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        if n_kw != 0 {
            return Err(Error::Type(msg!("function doesn't take keyword arguments")));
        }
        if n_args != 1 {
            return Err(Error::Type(msg!("function takes 1 positional arguments")));
        }
        make_new(mp::args(n_args, args)[0])
    })
}

#[no_mangle]
pub extern "C" fn rustos_fat_mkfs(dev: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| mkfs(Obj(dev)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_mount(
    s: ffi::mp_obj_t,
    readonly: ffi::mp_obj_t,
    mkfs: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| mount(s as _, Obj(readonly), Obj(mkfs)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_umount(s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| umount(s as _))
}

#[no_mangle]
pub extern "C" fn rustos_fat_open(s: ffi::mp_obj_t, path: ffi::mp_obj_t, mode: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| open(s as _, Obj(path), Obj(mode)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_ilistdir(n: usize, args: *const ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        let args = mp::args(n, args);
        let s = args.first().ok_or(Error::Type(msg!("ilistdir needs self")))?.0;
        ilistdir_as(s as _, args.get(1).copied(), false)
    })
}

#[no_mangle]
pub extern "C" fn rustos_fat_mkdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| mkdir(s as _, Obj(path)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_remove(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| remove(s as _, Obj(path), false))
}

#[no_mangle]
pub extern "C" fn rustos_fat_rmdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| remove(s as _, Obj(path), true))
}

#[no_mangle]
pub extern "C" fn rustos_fat_rename(s: ffi::mp_obj_t, old: ffi::mp_obj_t, new: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| rename(s as _, Obj(old), Obj(new)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_chdir(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| chdir(s as _, Obj(path)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_getcwd(s: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| getcwd(s as _))
}

#[no_mangle]
pub extern "C" fn rustos_fat_stat(s: ffi::mp_obj_t, path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| stat(s as _, Obj(path)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_statvfs(s: ffi::mp_obj_t, _path: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| statvfs(s as _))
}

#[no_mangle]
pub extern "C" fn rustos_fat_import_stat(s: *mut c_void, path: *const c_char) -> ffi::mp_import_stat_t {
    // SAFETY: the VFS passes our object and a NUL-terminated path.
    let path = unsafe { core::ffi::CStr::from_ptr(path) }.to_bytes();
    #[cfg(feature = "std")]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| import_stat(s as _, path)))
            .unwrap_or(ffi::RUSTOS_IMPORT_STAT_NO_EXIST as ffi::mp_import_stat_t)
    }
    #[cfg(not(feature = "std"))]
    import_stat(s as _, path)
}

#[no_mangle]
pub extern "C" fn rustos_fat_dir_iternext(it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| dir_next_entry(it as _))
}

#[no_mangle]
pub extern "C" fn rustos_fat_dir_del(it: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| {
        // SAFETY: our iterator; nothing to release, only forget the filesystem.
        unsafe { (*(it as *mut DirIt)).vfs = core::ptr::null_mut() };
        Ok(Obj::NONE)
    })
}

#[no_mangle]
pub extern "C" fn rustos_fat_file_read(
    o: ffi::mp_obj_t,
    buf: *mut c_void,
    size: ffi::mp_uint_t,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || file_read(o, buf, size as usize))
}

#[no_mangle]
pub extern "C" fn rustos_fat_file_write(
    o: ffi::mp_obj_t,
    buf: *const c_void,
    size: ffi::mp_uint_t,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || file_write(o, buf, size as usize))
}

#[no_mangle]
pub extern "C" fn rustos_fat_file_ioctl(
    o: ffi::mp_obj_t,
    request: ffi::mp_uint_t,
    arg: usize,
    errcode: *mut core::ffi::c_int,
    exc: *mut ffi::rustos_ret_t,
) -> ffi::mp_uint_t {
    io_entry(errcode, exc, || file_ioctl(o, request as u32, arg))
}

#[no_mangle]
pub extern "C" fn rustos_fat_truncate(
    s: ffi::mp_obj_t,
    path: ffi::mp_obj_t,
    length: ffi::mp_obj_t,
) -> ffi::rustos_ret_t {
    entry(|| truncate_path(s as _, Obj(path), Obj(length)))
}

#[no_mangle]
pub extern "C" fn rustos_fat_utime(s: ffi::mp_obj_t, path: ffi::mp_obj_t, ns: ffi::mp_obj_t) -> ffi::rustos_ret_t {
    entry(|| utime_path(s as _, Obj(path), Obj(ns)))
}
