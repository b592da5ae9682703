// vfs.VfsPosix type definitions.  The logic is Rust (src/posix.rs); files use MicroPython's
// generic stream methods over our read/write/ioctl, as the stock C VfsPosix does.
#include "py/runtime.h"
#include "py/stream.h"
#include "py/mperrno.h"
#include "rustos.h"

#if MICROPY_VFS_POSIX

RUSTOS_FUN_3(posix_mount);
RUSTOS_FUN_1(posix_umount);
RUSTOS_FUN_3(posix_open);
RUSTOS_FUN_2(posix_chdir);
RUSTOS_FUN_1(posix_getcwd);
RUSTOS_FUN_2(posix_ilistdir);
RUSTOS_FUN_2(posix_mkdir);
RUSTOS_FUN_2(posix_remove);
RUSTOS_FUN_3(posix_rename);
RUSTOS_FUN_2(posix_rmdir);
RUSTOS_FUN_2(posix_stat);
RUSTOS_FUN_2(posix_statvfs);
RUSTOS_FUN_1(posix_file_fileno);
RUSTOS_FUN_3(posix_truncate);
RUSTOS_FUN_3(posix_utime);
RUSTOS_FUN_VAR(posix_file_truncate, 1, 2);

rustos_ret_t rustos_posix_make_new(size_t n_args, size_t n_kw, const mp_obj_t *args);
static mp_obj_t posix_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    (void)type;
    return rustos_raise_or_return(rustos_posix_make_new(n_args, n_kw, args));
}

mp_import_stat_t rustos_posix_import_stat(void *self, const char *path);
static mp_import_stat_t posix_import_stat(void *self, const char *path) {
    return rustos_posix_import_stat(self, path);
}

static const mp_rom_map_elem_t posix_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_mount), MP_ROM_PTR(&posix_mount_obj) },
    { MP_ROM_QSTR(MP_QSTR_umount), MP_ROM_PTR(&posix_umount_obj) },
    { MP_ROM_QSTR(MP_QSTR_open), MP_ROM_PTR(&posix_open_obj) },
    { MP_ROM_QSTR(MP_QSTR_chdir), MP_ROM_PTR(&posix_chdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_getcwd), MP_ROM_PTR(&posix_getcwd_obj) },
    { MP_ROM_QSTR(MP_QSTR_ilistdir), MP_ROM_PTR(&posix_ilistdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_mkdir), MP_ROM_PTR(&posix_mkdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_remove), MP_ROM_PTR(&posix_remove_obj) },
    { MP_ROM_QSTR(MP_QSTR_rename), MP_ROM_PTR(&posix_rename_obj) },
    { MP_ROM_QSTR(MP_QSTR_rmdir), MP_ROM_PTR(&posix_rmdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_stat), MP_ROM_PTR(&posix_stat_obj) },
    { MP_ROM_QSTR(MP_QSTR_statvfs), MP_ROM_PTR(&posix_statvfs_obj) },
    { MP_ROM_QSTR(MP_QSTR_truncate), MP_ROM_PTR(&posix_truncate_obj) },
    { MP_ROM_QSTR(MP_QSTR_utime), MP_ROM_PTR(&posix_utime_obj) },
};
static MP_DEFINE_CONST_DICT(posix_locals, posix_locals_table);

static const mp_vfs_proto_t posix_proto = {
    .import_stat = posix_import_stat,
};

MP_DEFINE_CONST_OBJ_TYPE(
    rustos_type_posix,
    MP_QSTR_VfsPosix,
    MP_TYPE_FLAG_NONE,
    make_new, posix_make_new,
    protocol, &posix_proto,
    locals_dict, &posix_locals
    );

// Files.
mp_uint_t rustos_posix_file_read(mp_obj_t self, void *buf, mp_uint_t size, int *e, rustos_ret_t *x);
static mp_uint_t posix_file_read(mp_obj_t self, void *buf, mp_uint_t size, int *errcode) {
    rustos_ret_t x;
    return rustos_stream_check(rustos_posix_file_read(self, buf, size, errcode, &x), errcode, &x);
}

mp_uint_t rustos_posix_file_write(mp_obj_t self, const void *buf, mp_uint_t size, int *e, rustos_ret_t *x);
static mp_uint_t posix_file_write(mp_obj_t self, const void *buf, mp_uint_t size, int *errcode) {
    rustos_ret_t x;
    return rustos_stream_check(rustos_posix_file_write(self, buf, size, errcode, &x), errcode, &x);
}

mp_uint_t rustos_posix_file_ioctl(mp_obj_t self, mp_uint_t request, uintptr_t arg, int *e, rustos_ret_t *x);
static mp_uint_t posix_file_ioctl(mp_obj_t self, mp_uint_t request, uintptr_t arg, int *errcode) {
    rustos_ret_t x;
    return rustos_stream_check(rustos_posix_file_ioctl(self, request, arg, errcode, &x), errcode, &x);
}

static void posix_file_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    rustos_posix_file_t *self = MP_OBJ_TO_PTR(self_in);
    mp_printf(print, "<io.%s %d>", mp_obj_get_type_str(self_in), self->fd);
}

static const mp_rom_map_elem_t posix_file_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_fileno), MP_ROM_PTR(&posix_file_fileno_obj) },
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&mp_stream_unbuffered_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_readlines), MP_ROM_PTR(&mp_stream_unbuffered_readlines_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_seek), MP_ROM_PTR(&mp_stream_seek_obj) },
    { MP_ROM_QSTR(MP_QSTR_tell), MP_ROM_PTR(&mp_stream_tell_obj) },
    { MP_ROM_QSTR(MP_QSTR_truncate), MP_ROM_PTR(&posix_file_truncate_obj) },
    { MP_ROM_QSTR(MP_QSTR_flush), MP_ROM_PTR(&mp_stream_flush_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&mp_stream___exit___obj) },
};
static MP_DEFINE_CONST_DICT(posix_file_locals, posix_file_locals_table);

static const mp_stream_p_t posix_fileio_stream = {
    .read = posix_file_read,
    .write = posix_file_write,
    .ioctl = posix_file_ioctl,
};

static const mp_stream_p_t posix_textio_stream = {
    .read = posix_file_read,
    .write = posix_file_write,
    .ioctl = posix_file_ioctl,
    .is_text = true,
};

MP_DEFINE_CONST_OBJ_TYPE(
    rustos_type_posix_fileio,
    MP_QSTR_FileIO,
    MP_TYPE_FLAG_ITER_IS_STREAM,
    print, posix_file_print,
    protocol, &posix_fileio_stream,
    locals_dict, &posix_file_locals
    );

MP_DEFINE_CONST_OBJ_TYPE(
    rustos_type_posix_textio,
    MP_QSTR_TextIOWrapper,
    MP_TYPE_FLAG_ITER_IS_STREAM,
    print, posix_file_print,
    protocol, &posix_textio_stream,
    locals_dict, &posix_file_locals
    );

// Directory iterator.
rustos_ret_t rustos_posix_dir_iternext(mp_obj_t self);
mp_obj_t rustos_posix_dir_iternext_shim(mp_obj_t self) {
    return rustos_raise_or_return(rustos_posix_dir_iternext(self));
}

rustos_ret_t rustos_posix_dir_del(mp_obj_t self);
mp_obj_t rustos_posix_dir_del_shim(mp_obj_t self) {
    return rustos_raise_or_return(rustos_posix_dir_del(self));
}

#endif // MICROPY_VFS_POSIX
