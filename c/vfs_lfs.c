// vfs.VfsLfs1 and vfs.VfsLfs2 type definitions.  The logic is Rust (src/littlefs.rs),
// one implementation for both versions: every shim passes its version number.  Files use
// MicroPython's generic stream methods over our read/write/ioctl, as stock does.
#include "py/runtime.h"
#include "py/stream.h"
#include "rustos.h"

#if RUSTOS_VFS_LFS1 || RUSTOS_VFS_LFS2

rustos_ret_t rustos_lfs_make_new(uint8_t v, size_t n_args, size_t n_kw, const mp_obj_t *args);
rustos_ret_t rustos_lfs_mkfs(uint8_t v, size_t n, const mp_obj_t *pos, mp_map_t *kw);
rustos_ret_t rustos_lfs_mount(uint8_t v, mp_obj_t self, mp_obj_t readonly, mp_obj_t mkfs);
rustos_ret_t rustos_lfs_umount(uint8_t v, mp_obj_t self);
rustos_ret_t rustos_lfs_open(uint8_t v, mp_obj_t self, mp_obj_t path, mp_obj_t mode);
rustos_ret_t rustos_lfs_chdir(uint8_t v, mp_obj_t self, mp_obj_t path);
rustos_ret_t rustos_lfs_getcwd(uint8_t v, mp_obj_t self);
rustos_ret_t rustos_lfs_mkdir(uint8_t v, mp_obj_t self, mp_obj_t path);
rustos_ret_t rustos_lfs_remove(uint8_t v, mp_obj_t self, mp_obj_t path);
rustos_ret_t rustos_lfs_rename(uint8_t v, mp_obj_t self, mp_obj_t old, mp_obj_t new_);
rustos_ret_t rustos_lfs_stat(uint8_t v, mp_obj_t self, mp_obj_t path);
rustos_ret_t rustos_lfs_statvfs(uint8_t v, mp_obj_t self, mp_obj_t path);
rustos_ret_t rustos_lfs_ilistdir(uint8_t v, size_t n, const mp_obj_t *args);
rustos_ret_t rustos_lfs_truncate(uint8_t v, mp_obj_t self, mp_obj_t path, mp_obj_t length);
rustos_ret_t rustos_lfs_utime(uint8_t v, mp_obj_t self, mp_obj_t path, mp_obj_t ns);
mp_import_stat_t rustos_lfs_import_stat(uint8_t v, void *self, const char *path);
rustos_ret_t rustos_lfs_dir_iternext(uint8_t v, mp_obj_t self);
rustos_ret_t rustos_lfs_dir_del(uint8_t v, mp_obj_t self);
mp_uint_t rustos_lfs_file_read(uint8_t v, mp_obj_t self, void *buf, mp_uint_t size, int *e, rustos_ret_t *x);
mp_uint_t rustos_lfs_file_write(uint8_t v, mp_obj_t self, const void *buf, mp_uint_t size, int *e, rustos_ret_t *x);
mp_uint_t rustos_lfs_file_ioctl(uint8_t v, mp_obj_t self, mp_uint_t request, uintptr_t arg, int *e, rustos_ret_t *x);

#define R rustos_raise_or_return

static void lfs_file_print(const mp_print_t *print, mp_obj_t self_in, mp_print_kind_t kind) {
    (void)kind;
    mp_printf(print, "<io.%s>", mp_obj_get_type_str(self_in));
}

#define RUSTOS_LFS_TYPES(V, NAME) \
    static mp_obj_t lfs##V##_make_new(const mp_obj_type_t *t, size_t n, size_t k, const mp_obj_t *a) { \
        (void)t; return R(rustos_lfs_make_new(V, n, k, a)); } \
    static mp_obj_t lfs##V##_mkfs(size_t n, const mp_obj_t *a, mp_map_t *kw) { return R(rustos_lfs_mkfs(V, n, a, kw)); } \
    static MP_DEFINE_CONST_FUN_OBJ_KW(lfs##V##_mkfs_fun_obj, 0, lfs##V##_mkfs); \
    static MP_DEFINE_CONST_STATICMETHOD_OBJ(lfs##V##_mkfs_obj, MP_ROM_PTR(&lfs##V##_mkfs_fun_obj)); \
    static mp_obj_t lfs##V##_mount(mp_obj_t s, mp_obj_t r, mp_obj_t m) { return R(rustos_lfs_mount(V, s, r, m)); } \
    static MP_DEFINE_CONST_FUN_OBJ_3(lfs##V##_mount_obj, lfs##V##_mount); \
    static mp_obj_t lfs##V##_umount(mp_obj_t s) { return R(rustos_lfs_umount(V, s)); } \
    static MP_DEFINE_CONST_FUN_OBJ_1(lfs##V##_umount_obj, lfs##V##_umount); \
    static mp_obj_t lfs##V##_open(mp_obj_t s, mp_obj_t p, mp_obj_t m) { return R(rustos_lfs_open(V, s, p, m)); } \
    static MP_DEFINE_CONST_FUN_OBJ_3(lfs##V##_open_obj, lfs##V##_open); \
    static mp_obj_t lfs##V##_chdir(mp_obj_t s, mp_obj_t p) { return R(rustos_lfs_chdir(V, s, p)); } \
    static MP_DEFINE_CONST_FUN_OBJ_2(lfs##V##_chdir_obj, lfs##V##_chdir); \
    static mp_obj_t lfs##V##_getcwd(mp_obj_t s) { return R(rustos_lfs_getcwd(V, s)); } \
    static MP_DEFINE_CONST_FUN_OBJ_1(lfs##V##_getcwd_obj, lfs##V##_getcwd); \
    static mp_obj_t lfs##V##_mkdir(mp_obj_t s, mp_obj_t p) { return R(rustos_lfs_mkdir(V, s, p)); } \
    static MP_DEFINE_CONST_FUN_OBJ_2(lfs##V##_mkdir_obj, lfs##V##_mkdir); \
    static mp_obj_t lfs##V##_remove(mp_obj_t s, mp_obj_t p) { return R(rustos_lfs_remove(V, s, p)); } \
    static MP_DEFINE_CONST_FUN_OBJ_2(lfs##V##_remove_obj, lfs##V##_remove); \
    static mp_obj_t lfs##V##_rename(mp_obj_t s, mp_obj_t a, mp_obj_t b) { return R(rustos_lfs_rename(V, s, a, b)); } \
    static MP_DEFINE_CONST_FUN_OBJ_3(lfs##V##_rename_obj, lfs##V##_rename); \
    static mp_obj_t lfs##V##_stat(mp_obj_t s, mp_obj_t p) { return R(rustos_lfs_stat(V, s, p)); } \
    static MP_DEFINE_CONST_FUN_OBJ_2(lfs##V##_stat_obj, lfs##V##_stat); \
    static mp_obj_t lfs##V##_statvfs(mp_obj_t s, mp_obj_t p) { return R(rustos_lfs_statvfs(V, s, p)); } \
    static MP_DEFINE_CONST_FUN_OBJ_2(lfs##V##_statvfs_obj, lfs##V##_statvfs); \
    static mp_obj_t lfs##V##_ilistdir(size_t n, const mp_obj_t *a) { return R(rustos_lfs_ilistdir(V, n, a)); } \
    static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(lfs##V##_ilistdir_obj, 1, 2, lfs##V##_ilistdir); \
    static mp_obj_t lfs##V##_truncate(mp_obj_t s, mp_obj_t p, mp_obj_t n) { return R(rustos_lfs_truncate(V, s, p, n)); } \
    static MP_DEFINE_CONST_FUN_OBJ_3(lfs##V##_truncate_obj, lfs##V##_truncate); \
    static mp_obj_t lfs##V##_utime(mp_obj_t s, mp_obj_t p, mp_obj_t n) { return R(rustos_lfs_utime(V, s, p, n)); } \
    static MP_DEFINE_CONST_FUN_OBJ_3(lfs##V##_utime_obj, lfs##V##_utime); \
    static mp_import_stat_t lfs##V##_import_stat(void *s, const char *p) { return rustos_lfs_import_stat(V, s, p); } \
    mp_obj_t rustos_lfs##V##_dir_iternext_shim(mp_obj_t s) { return R(rustos_lfs_dir_iternext(V, s)); } \
    mp_obj_t rustos_lfs##V##_dir_del_shim(mp_obj_t s) { return R(rustos_lfs_dir_del(V, s)); } \
    static const mp_rom_map_elem_t lfs##V##_locals_table[] = { \
        { MP_ROM_QSTR(MP_QSTR_mkfs), MP_ROM_PTR(&lfs##V##_mkfs_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_open), MP_ROM_PTR(&lfs##V##_open_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_ilistdir), MP_ROM_PTR(&lfs##V##_ilistdir_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_mkdir), MP_ROM_PTR(&lfs##V##_mkdir_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_rmdir), MP_ROM_PTR(&lfs##V##_remove_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_chdir), MP_ROM_PTR(&lfs##V##_chdir_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_getcwd), MP_ROM_PTR(&lfs##V##_getcwd_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_remove), MP_ROM_PTR(&lfs##V##_remove_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_rename), MP_ROM_PTR(&lfs##V##_rename_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_stat), MP_ROM_PTR(&lfs##V##_stat_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_statvfs), MP_ROM_PTR(&lfs##V##_statvfs_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_truncate), MP_ROM_PTR(&lfs##V##_truncate_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_utime), MP_ROM_PTR(&lfs##V##_utime_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_mount), MP_ROM_PTR(&lfs##V##_mount_obj) }, \
        { MP_ROM_QSTR(MP_QSTR_umount), MP_ROM_PTR(&lfs##V##_umount_obj) }, \
    }; \
    static MP_DEFINE_CONST_DICT(lfs##V##_locals, lfs##V##_locals_table); \
    static const mp_vfs_proto_t lfs##V##_proto = { .import_stat = lfs##V##_import_stat }; \
    MP_DEFINE_CONST_OBJ_TYPE(rustos_type_lfs##V, NAME, MP_TYPE_FLAG_NONE, \
        make_new, lfs##V##_make_new, protocol, &lfs##V##_proto, locals_dict, &lfs##V##_locals); \
    static mp_uint_t lfs##V##_file_read(mp_obj_t s, void *b, mp_uint_t n, int *e) { \
        rustos_ret_t x; return rustos_stream_check(rustos_lfs_file_read(V, s, b, n, e, &x), e, &x); } \
    static mp_uint_t lfs##V##_file_write(mp_obj_t s, const void *b, mp_uint_t n, int *e) { \
        rustos_ret_t x; return rustos_stream_check(rustos_lfs_file_write(V, s, b, n, e, &x), e, &x); } \
    static mp_uint_t lfs##V##_file_ioctl(mp_obj_t s, mp_uint_t r, uintptr_t a, int *e) { \
        rustos_ret_t x; return rustos_stream_check(rustos_lfs_file_ioctl(V, s, r, a, e, &x), e, &x); } \
    static const mp_stream_p_t lfs##V##_fileio_stream = { \
        .read = lfs##V##_file_read, .write = lfs##V##_file_write, .ioctl = lfs##V##_file_ioctl }; \
    static const mp_stream_p_t lfs##V##_textio_stream = { \
        .read = lfs##V##_file_read, .write = lfs##V##_file_write, .ioctl = lfs##V##_file_ioctl, .is_text = true }; \
    MP_DEFINE_CONST_OBJ_TYPE(rustos_type_lfs##V##_fileio, MP_QSTR_FileIO, MP_TYPE_FLAG_ITER_IS_STREAM, \
        print, lfs_file_print, protocol, &lfs##V##_fileio_stream, locals_dict, &rustos_file_locals); \
    MP_DEFINE_CONST_OBJ_TYPE(rustos_type_lfs##V##_textio, MP_QSTR_TextIOWrapper, MP_TYPE_FLAG_ITER_IS_STREAM, \
        print, lfs_file_print, protocol, &lfs##V##_textio_stream, locals_dict, &rustos_file_locals)

#if RUSTOS_VFS_LFS1
RUSTOS_LFS_TYPES(1, MP_QSTR_VfsLfs1);
#endif
#if RUSTOS_VFS_LFS2
RUSTOS_LFS_TYPES(2, MP_QSTR_VfsLfs2);
#endif

#endif // RUSTOS_VFS_LFS1 || RUSTOS_VFS_LFS2
