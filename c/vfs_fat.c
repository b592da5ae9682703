// vfs.VfsFat type definitions.  The logic is Rust (src/fat/); files use MicroPython's
// generic stream methods over our read/write/ioctl, as stock's FAT files do.
#include "py/runtime.h"
#include "py/stream.h"
#include "rustos.h"

#if RUSTOS_VFS_FAT

rustos_ret_t rustos_fat_make_new(size_t n_args, size_t n_kw, const mp_obj_t *args);
rustos_ret_t rustos_fat_ilistdir(size_t n, const mp_obj_t *args);
mp_import_stat_t rustos_fat_import_stat(void *self, const char *path);
rustos_ret_t rustos_fat_dir_iternext(mp_obj_t self);
rustos_ret_t rustos_fat_dir_del(mp_obj_t self);
mp_uint_t rustos_fat_file_read(mp_obj_t self, void *buf, mp_uint_t size, int *e, rustos_ret_t *x);
mp_uint_t rustos_fat_file_write(mp_obj_t self, const void *buf, mp_uint_t size, int *e, rustos_ret_t *x);
mp_uint_t rustos_fat_file_ioctl(mp_obj_t self, mp_uint_t request, uintptr_t arg, int *e, rustos_ret_t *x);

#define R rustos_raise_or_return

static mp_obj_t fat_make_new(const mp_obj_type_t *t, size_t n, size_t k, const mp_obj_t *a) {
    (void)t;
    return R(rustos_fat_make_new(n, k, a));
}

RUSTOS_FUN_1(fat_mkfs);
static MP_DEFINE_CONST_STATICMETHOD_OBJ(fat_mkfs_static_obj, MP_ROM_PTR(&fat_mkfs_obj));
RUSTOS_FUN_3(fat_mount);
RUSTOS_FUN_1(fat_umount);
RUSTOS_FUN_3(fat_open);
RUSTOS_FUN_2(fat_chdir);
RUSTOS_FUN_1(fat_getcwd);
RUSTOS_FUN_2(fat_mkdir);
RUSTOS_FUN_2(fat_rmdir);
RUSTOS_FUN_2(fat_remove);
RUSTOS_FUN_3(fat_rename);
RUSTOS_FUN_2(fat_stat);
RUSTOS_FUN_2(fat_statvfs);
RUSTOS_FUN_VAR(fat_ilistdir, 1, 2);
RUSTOS_FUN_3(fat_truncate);
RUSTOS_FUN_3(fat_utime);

mp_obj_t rustos_fat_dir_iternext_shim(mp_obj_t s) {
    return R(rustos_fat_dir_iternext(s));
}

mp_obj_t rustos_fat_dir_del_shim(mp_obj_t s) {
    return R(rustos_fat_dir_del(s));
}

static const mp_rom_map_elem_t fat_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_mkfs), MP_ROM_PTR(&fat_mkfs_static_obj) },
    { MP_ROM_QSTR(MP_QSTR_open), MP_ROM_PTR(&fat_open_obj) },
    { MP_ROM_QSTR(MP_QSTR_ilistdir), MP_ROM_PTR(&fat_ilistdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_mkdir), MP_ROM_PTR(&fat_mkdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_rmdir), MP_ROM_PTR(&fat_rmdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_chdir), MP_ROM_PTR(&fat_chdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_getcwd), MP_ROM_PTR(&fat_getcwd_obj) },
    { MP_ROM_QSTR(MP_QSTR_remove), MP_ROM_PTR(&fat_remove_obj) },
    { MP_ROM_QSTR(MP_QSTR_rename), MP_ROM_PTR(&fat_rename_obj) },
    { MP_ROM_QSTR(MP_QSTR_stat), MP_ROM_PTR(&fat_stat_obj) },
    { MP_ROM_QSTR(MP_QSTR_statvfs), MP_ROM_PTR(&fat_statvfs_obj) },
    { MP_ROM_QSTR(MP_QSTR_truncate), MP_ROM_PTR(&fat_truncate_obj) },
    { MP_ROM_QSTR(MP_QSTR_utime), MP_ROM_PTR(&fat_utime_obj) },
    { MP_ROM_QSTR(MP_QSTR_mount), MP_ROM_PTR(&fat_mount_obj) },
    { MP_ROM_QSTR(MP_QSTR_umount), MP_ROM_PTR(&fat_umount_obj) },
};
static MP_DEFINE_CONST_DICT(fat_locals, fat_locals_table);

static const mp_vfs_proto_t fat_proto = { .import_stat = rustos_fat_import_stat };

MP_DEFINE_CONST_OBJ_TYPE(rustos_type_fat, MP_QSTR_VfsFat, MP_TYPE_FLAG_NONE,
    make_new, fat_make_new, protocol, &fat_proto, locals_dict, &fat_locals);

static void fat_file_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    mp_printf(print, "<io.%s %p>", mp_obj_get_type_str(self_in), MP_OBJ_TO_PTR(self_in));
}

static mp_uint_t fat_file_read(mp_obj_t s, void *b, mp_uint_t n, int *e) {
    rustos_ret_t x;
    return rustos_stream_check(rustos_fat_file_read(s, b, n, e, &x), e, &x);
}

static mp_uint_t fat_file_write(mp_obj_t s, const void *b, mp_uint_t n, int *e) {
    rustos_ret_t x;
    return rustos_stream_check(rustos_fat_file_write(s, b, n, e, &x), e, &x);
}

static mp_uint_t fat_file_ioctl(mp_obj_t s, mp_uint_t r, uintptr_t a, int *e) {
    rustos_ret_t x;
    return rustos_stream_check(rustos_fat_file_ioctl(s, r, a, e, &x), e, &x);
}

static const mp_stream_p_t fat_fileio_stream = {
    .read = fat_file_read, .write = fat_file_write, .ioctl = fat_file_ioctl,
};
static const mp_stream_p_t fat_textio_stream = {
    .read = fat_file_read, .write = fat_file_write, .ioctl = fat_file_ioctl, .is_text = true,
};

MP_DEFINE_CONST_OBJ_TYPE(rustos_type_fat_fileio, MP_QSTR_FileIO, MP_TYPE_FLAG_ITER_IS_STREAM,
    print, fat_file_print, protocol, &fat_fileio_stream, locals_dict, &rustos_file_locals);
MP_DEFINE_CONST_OBJ_TYPE(rustos_type_fat_textio, MP_QSTR_TextIOWrapper, MP_TYPE_FLAG_ITER_IS_STREAM,
    print, fat_file_print, protocol, &fat_textio_stream, locals_dict, &rustos_file_locals);

#endif // RUSTOS_VFS_FAT
