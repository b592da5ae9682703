// vfs.VfsLfs2 type definitions.  The logic is Rust (src/lfs2.rs); files use MicroPython's
// generic stream methods over our read/write/ioctl, as the stock C VfsLfs2 does.
#include "py/runtime.h"
#include "py/stream.h"
#include "rustos.h"

#define SHIM_1(name) \
    rustos_ret_t rustos_##name(mp_obj_t); \
    static mp_obj_t name(mp_obj_t a) { return rustos_raise_or_return(rustos_##name(a)); } \
    static MP_DEFINE_CONST_FUN_OBJ_1(name##_obj, name)
#define SHIM_2(name) \
    rustos_ret_t rustos_##name(mp_obj_t, mp_obj_t); \
    static mp_obj_t name(mp_obj_t a, mp_obj_t b) { return rustos_raise_or_return(rustos_##name(a, b)); } \
    static MP_DEFINE_CONST_FUN_OBJ_2(name##_obj, name)
#define SHIM_3(name) \
    rustos_ret_t rustos_##name(mp_obj_t, mp_obj_t, mp_obj_t); \
    static mp_obj_t name(mp_obj_t a, mp_obj_t b, mp_obj_t c) { return rustos_raise_or_return(rustos_##name(a, b, c)); } \
    static MP_DEFINE_CONST_FUN_OBJ_3(name##_obj, name)

SHIM_3(lfs2_mount);
SHIM_1(lfs2_umount);
SHIM_3(lfs2_open);
SHIM_2(lfs2_chdir);
SHIM_1(lfs2_getcwd);
SHIM_2(lfs2_mkdir);
SHIM_2(lfs2_remove);
SHIM_3(lfs2_rename);
SHIM_2(lfs2_rmdir);
SHIM_2(lfs2_stat);
SHIM_2(lfs2_statvfs);

rustos_ret_t rustos_lfs2_ilistdir(size_t, const mp_obj_t *);
static mp_obj_t lfs2_ilistdir(size_t n, const mp_obj_t *a) {
    return rustos_raise_or_return(rustos_lfs2_ilistdir(n, a));
}
static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(lfs2_ilistdir_obj, 1, 2, lfs2_ilistdir);

rustos_ret_t rustos_lfs2_mkfs(size_t, const mp_obj_t *, mp_map_t *);
static mp_obj_t lfs2_mkfs(size_t n, const mp_obj_t *a, mp_map_t *kw) {
    return rustos_raise_or_return(rustos_lfs2_mkfs(n, a, kw));
}
static MP_DEFINE_CONST_FUN_OBJ_KW(lfs2_mkfs_fun_obj, 0, lfs2_mkfs);
static MP_DEFINE_CONST_STATICMETHOD_OBJ(lfs2_mkfs_obj, MP_ROM_PTR(&lfs2_mkfs_fun_obj));

rustos_ret_t rustos_lfs2_make_new(size_t n_args, size_t n_kw, const mp_obj_t *args);
static mp_obj_t lfs2_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args) {
    (void)type;
    return rustos_raise_or_return(rustos_lfs2_make_new(n_args, n_kw, args));
}

mp_import_stat_t rustos_lfs2_import_stat(void *self, const char *path);
static mp_import_stat_t lfs2_import_stat(void *self, const char *path) {
    return rustos_lfs2_import_stat(self, path);
}

static const mp_rom_map_elem_t lfs2_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_mkfs), MP_ROM_PTR(&lfs2_mkfs_obj) },
    { MP_ROM_QSTR(MP_QSTR_open), MP_ROM_PTR(&lfs2_open_obj) },
    { MP_ROM_QSTR(MP_QSTR_ilistdir), MP_ROM_PTR(&lfs2_ilistdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_mkdir), MP_ROM_PTR(&lfs2_mkdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_rmdir), MP_ROM_PTR(&lfs2_rmdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_chdir), MP_ROM_PTR(&lfs2_chdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_getcwd), MP_ROM_PTR(&lfs2_getcwd_obj) },
    { MP_ROM_QSTR(MP_QSTR_remove), MP_ROM_PTR(&lfs2_remove_obj) },
    { MP_ROM_QSTR(MP_QSTR_rename), MP_ROM_PTR(&lfs2_rename_obj) },
    { MP_ROM_QSTR(MP_QSTR_stat), MP_ROM_PTR(&lfs2_stat_obj) },
    { MP_ROM_QSTR(MP_QSTR_statvfs), MP_ROM_PTR(&lfs2_statvfs_obj) },
    { MP_ROM_QSTR(MP_QSTR_mount), MP_ROM_PTR(&lfs2_mount_obj) },
    { MP_ROM_QSTR(MP_QSTR_umount), MP_ROM_PTR(&lfs2_umount_obj) },
};
static MP_DEFINE_CONST_DICT(lfs2_locals, lfs2_locals_table);

static const mp_vfs_proto_t lfs2_proto = {
    .import_stat = lfs2_import_stat,
};

MP_DEFINE_CONST_OBJ_TYPE(
    rustos_type_lfs2,
    MP_QSTR_VfsLfs2,
    MP_TYPE_FLAG_NONE,
    make_new, lfs2_make_new,
    protocol, &lfs2_proto,
    locals_dict, &lfs2_locals
    );

// Files.
static mp_uint_t lfs2_io(rustos_io_t r, int *errcode) {
    rustos_raise_or_return(r.err);
    if (r.errcode != 0) {
        *errcode = r.errcode;
        return MP_STREAM_ERROR;
    }
    return r.n;
}

rustos_io_t rustos_lfs2_file_read(mp_obj_t self, void *buf, mp_uint_t size);
static mp_uint_t lfs2_file_read(mp_obj_t self, void *buf, mp_uint_t size, int *errcode) {
    return lfs2_io(rustos_lfs2_file_read(self, buf, size), errcode);
}

rustos_io_t rustos_lfs2_file_write(mp_obj_t self, const void *buf, mp_uint_t size);
static mp_uint_t lfs2_file_write(mp_obj_t self, const void *buf, mp_uint_t size, int *errcode) {
    return lfs2_io(rustos_lfs2_file_write(self, buf, size), errcode);
}

rustos_io_t rustos_lfs2_file_ioctl(mp_obj_t self, mp_uint_t request, uintptr_t arg);
static mp_uint_t lfs2_file_ioctl(mp_obj_t self, mp_uint_t request, uintptr_t arg, int *errcode) {
    return lfs2_io(rustos_lfs2_file_ioctl(self, request, arg), errcode);
}

static void lfs2_file_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    mp_printf(print, "<io.%s>", mp_obj_get_type_str(self_in));
}

static const mp_rom_map_elem_t lfs2_file_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&mp_stream_unbuffered_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_readlines), MP_ROM_PTR(&mp_stream_unbuffered_readlines_obj) },
    { MP_ROM_QSTR(MP_QSTR_write), MP_ROM_PTR(&mp_stream_write_obj) },
    { MP_ROM_QSTR(MP_QSTR_flush), MP_ROM_PTR(&mp_stream_flush_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR_seek), MP_ROM_PTR(&mp_stream_seek_obj) },
    { MP_ROM_QSTR(MP_QSTR_tell), MP_ROM_PTR(&mp_stream_tell_obj) },
    { MP_ROM_QSTR(MP_QSTR___del__), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&mp_stream___exit___obj) },
};
static MP_DEFINE_CONST_DICT(lfs2_file_locals, lfs2_file_locals_table);

static const mp_stream_p_t lfs2_fileio_stream = {
    .read = lfs2_file_read,
    .write = lfs2_file_write,
    .ioctl = lfs2_file_ioctl,
};

static const mp_stream_p_t lfs2_textio_stream = {
    .read = lfs2_file_read,
    .write = lfs2_file_write,
    .ioctl = lfs2_file_ioctl,
    .is_text = true,
};

MP_DEFINE_CONST_OBJ_TYPE(
    rustos_type_lfs2_fileio,
    MP_QSTR_FileIO,
    MP_TYPE_FLAG_ITER_IS_STREAM,
    print, lfs2_file_print,
    protocol, &lfs2_fileio_stream,
    locals_dict, &lfs2_file_locals
    );

MP_DEFINE_CONST_OBJ_TYPE(
    rustos_type_lfs2_textio,
    MP_QSTR_TextIOWrapper,
    MP_TYPE_FLAG_ITER_IS_STREAM,
    print, lfs2_file_print,
    protocol, &lfs2_textio_stream,
    locals_dict, &lfs2_file_locals
    );

// Directory iterator slots.
rustos_ret_t rustos_lfs2_dir_iternext(mp_obj_t self);
mp_obj_t rustos_lfs2_dir_iternext_shim(mp_obj_t self) {
    return rustos_raise_or_return(rustos_lfs2_dir_iternext(self));
}

rustos_ret_t rustos_lfs2_dir_del(mp_obj_t self);
mp_obj_t rustos_lfs2_dir_del_shim(mp_obj_t self) {
    return rustos_raise_or_return(rustos_lfs2_dir_del(self));
}
