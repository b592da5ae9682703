// vfs.VfsRom type definitions.  The logic is Rust (src/rom.rs over the ROMFS reader in
// src/romfs.rs); files use MicroPython's generic stream methods over our read/ioctl, and
// binary files lend their data through the buffer protocol (memoryview, and import's
// memory-mapped path for .mpy), as stock's ROM files do.
#include "py/runtime.h"
#include "py/stream.h"
#include "rustos.h"

#if RUSTOS_VFS_ROM

rustos_ret_t rustos_rom_make_new(const mp_obj_type_t *type, size_t n_args, size_t n_kw, const mp_obj_t *args);
mp_import_stat_t rustos_rom_import_stat(void *self, const char *path);
rustos_ret_t rustos_rom_dir_iternext(mp_obj_t self);
mp_uint_t rustos_rom_file_read(mp_obj_t self, void *buf, mp_uint_t size, int *e, rustos_ret_t *x);
mp_uint_t rustos_rom_file_ioctl(mp_obj_t self, mp_uint_t request, uintptr_t arg, int *e, rustos_ret_t *x);
mp_int_t rustos_rom_file_get_buffer(mp_obj_t self, mp_buffer_info_t *bufinfo, mp_uint_t flags);

#define R rustos_raise_or_return

static mp_obj_t rom_make_new(const mp_obj_type_t *t, size_t n, size_t k, const mp_obj_t *a) {
    return R(rustos_rom_make_new(t, n, k, a));
}

RUSTOS_FUN_3(rom_mount);
RUSTOS_FUN_3(rom_open);
RUSTOS_FUN_2(rom_chdir);
RUSTOS_FUN_1(rom_getcwd);
RUSTOS_FUN_2(rom_ilistdir);
RUSTOS_FUN_2(rom_stat);
RUSTOS_FUN_2(rom_statvfs);

mp_obj_t rustos_rom_dir_iternext_shim(mp_obj_t s) {
    return R(rustos_rom_dir_iternext(s));
}

// umount returns the filesystem itself, as stock's (mp_identity).
static const mp_rom_map_elem_t rom_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_mount), MP_ROM_PTR(&rom_mount_obj) },
    { MP_ROM_QSTR(MP_QSTR_umount), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR_open), MP_ROM_PTR(&rom_open_obj) },
    { MP_ROM_QSTR(MP_QSTR_chdir), MP_ROM_PTR(&rom_chdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_getcwd), MP_ROM_PTR(&rom_getcwd_obj) },
    { MP_ROM_QSTR(MP_QSTR_ilistdir), MP_ROM_PTR(&rom_ilistdir_obj) },
    { MP_ROM_QSTR(MP_QSTR_stat), MP_ROM_PTR(&rom_stat_obj) },
    { MP_ROM_QSTR(MP_QSTR_statvfs), MP_ROM_PTR(&rom_statvfs_obj) },
};
static MP_DEFINE_CONST_DICT(rom_locals, rom_locals_table);

static const mp_vfs_proto_t rom_proto = { .import_stat = rustos_rom_import_stat };

MP_DEFINE_CONST_OBJ_TYPE(rustos_type_rom, MP_QSTR_VfsRom, MP_TYPE_FLAG_NONE,
    make_new, rom_make_new, protocol, &rom_proto, locals_dict, &rom_locals);

// Files: read-only streams, the methods stock's ROM files have.
static mp_uint_t rom_file_read(mp_obj_t s, void *b, mp_uint_t n, int *e) {
    rustos_ret_t x;
    return rustos_stream_check(rustos_rom_file_read(s, b, n, e, &x), e, &x);
}

static mp_uint_t rom_file_ioctl(mp_obj_t s, mp_uint_t r, uintptr_t a, int *e) {
    rustos_ret_t x;
    return rustos_stream_check(rustos_rom_file_ioctl(s, r, a, e, &x), e, &x);
}

static const mp_rom_map_elem_t rom_file_locals_table[] = {
    { MP_ROM_QSTR(MP_QSTR_read), MP_ROM_PTR(&mp_stream_read_obj) },
    { MP_ROM_QSTR(MP_QSTR_readinto), MP_ROM_PTR(&mp_stream_readinto_obj) },
    { MP_ROM_QSTR(MP_QSTR_readline), MP_ROM_PTR(&mp_stream_unbuffered_readline_obj) },
    { MP_ROM_QSTR(MP_QSTR_readlines), MP_ROM_PTR(&mp_stream_unbuffered_readlines_obj) },
    { MP_ROM_QSTR(MP_QSTR_seek), MP_ROM_PTR(&mp_stream_seek_obj) },
    { MP_ROM_QSTR(MP_QSTR_tell), MP_ROM_PTR(&mp_stream_tell_obj) },
    { MP_ROM_QSTR(MP_QSTR_close), MP_ROM_PTR(&mp_stream_close_obj) },
    { MP_ROM_QSTR(MP_QSTR___enter__), MP_ROM_PTR(&mp_identity_obj) },
    { MP_ROM_QSTR(MP_QSTR___exit__), MP_ROM_PTR(&mp_stream___exit___obj) },
};
static MP_DEFINE_CONST_DICT(rom_file_locals, rom_file_locals_table);

static const mp_stream_p_t rom_fileio_stream = { .read = rom_file_read, .ioctl = rom_file_ioctl };
static const mp_stream_p_t rom_textio_stream = { .read = rom_file_read, .ioctl = rom_file_ioctl, .is_text = true };

MP_DEFINE_CONST_OBJ_TYPE(rustos_type_rom_fileio, MP_QSTR_FileIO, MP_TYPE_FLAG_ITER_IS_STREAM,
    buffer, rustos_rom_file_get_buffer, protocol, &rom_fileio_stream, locals_dict, &rom_file_locals);
MP_DEFINE_CONST_OBJ_TYPE(rustos_type_rom_textio, MP_QSTR_TextIOWrapper, MP_TYPE_FLAG_ITER_IS_STREAM,
    protocol, &rom_textio_stream, locals_dict, &rom_file_locals);

#endif // RUSTOS_VFS_ROM
