// The C/Rust boundary of the Rust `os` module.  bindgen reads this header (through
// c/bindgen.h), so the Rust side sees exactly these layouts.
#ifndef RUSTOS_H
#define RUSTOS_H

#include "rustos_config.h"
#include "py/obj.h"
#include "py/runtime.h"
#include "py/stream.h"
#include "extmod/vfs.h"

// What a Rust entry point hands back to its C shim.  Rust never raises: it returns this,
// its frames are gone, and then rustos_raise_or_return() raises in C if it must.
typedef enum {
    RUSTOS_OK = 0,
    RUSTOS_EXC = 1,          // obj is an exception instance to re-raise unchanged
    RUSTOS_OSERROR = 2,      // OSError(code)
    RUSTOS_TYPEERROR = 3,    // TypeError(msg)
    RUSTOS_VALUEERROR = 4,   // ValueError(msg)
    RUSTOS_MEMORYERROR = 5,  // MemoryError
    RUSTOS_OVERFLOWERROR = 6,
    RUSTOS_RUNTIMEERROR = 7, // internal error (a caught Rust panic)
    RUSTOS_NOTIMPLEMENTED = 8,
} rustos_kind_t;

typedef struct _rustos_ret_t {
    mp_obj_t obj;
    uintptr_t kind;    // rustos_kind_t
    intptr_t code;     // errno for RUSTOS_OSERROR
    const char *msg;   // UTF-8, not NUL-terminated; may be NULL
    size_t msg_len;
} rustos_ret_t;

// Result of a trampoline: exc is MP_OBJ_NULL on success, else the exception raised.
typedef struct _rustos_try_t {
    mp_obj_t obj;
    mp_obj_t exc;
} rustos_try_t;

// Raise the error in *r (never returns); out of line, the success path below is inlined so
// that the returned struct is read where it lies, not copied.
MP_NORETURN void rustos_raise(const rustos_ret_t *r);
static inline mp_obj_t rustos_raise_or_return(rustos_ret_t r) {
    if (r.kind != RUSTOS_OK) {
        rustos_raise(&r);
    }
    return r.obj;
}

// Outcome of a stream-protocol call: an exception to raise (err), or an errno for
// MP_STREAM_ERROR (errcode), or a count.
// A stream-protocol call made in Rust returns the count, or MP_STREAM_ERROR with *errcode
// set; for an exception, *errcode is RUSTOS_STREAM_RAISE and the exception is in *exc
// (written only then).  Plain words, no struct returned by value: a stream of small reads
// makes one such call per read.
#define RUSTOS_STREAM_RAISE (-0x10000)
static inline MP_ALWAYSINLINE mp_uint_t rustos_stream_check(mp_uint_t r, int *errcode, const rustos_ret_t *exc) {
    if (r == MP_STREAM_ERROR && *errcode == RUSTOS_STREAM_RAISE) {
        rustos_raise_or_return(*exc);
    }
    return r;
}

// Trampolines: each runs one MicroPython call under nlr_push and returns any exception as a value.
rustos_try_t rustos_try_call_method(mp_obj_t self, qstr name, size_t n_args, const mp_obj_t *args);
rustos_try_t rustos_try_get_int(mp_obj_t o, mp_int_t *out);
rustos_try_t rustos_try_is_true(mp_obj_t o, bool *out);
rustos_try_t rustos_try_str_get_data(mp_obj_t o, const char **data, size_t *len);
// The bytes of a str or bytes object without a guard (NULL for any other object: then
// rustos_try_str_get_data raises what stock raises).
const char *rustos_str_data(mp_obj_t o, size_t *len);
rustos_try_t rustos_try_new_int(mp_int_t v);
rustos_try_t rustos_try_new_str(const char *data, size_t len);
rustos_try_t rustos_try_new_bytes(const uint8_t *data, size_t len);
rustos_try_t rustos_try_vstr_init_len(vstr_t *vstr, size_t len);
rustos_try_t rustos_try_bytes_from_vstr(vstr_t *vstr);
rustos_try_t rustos_try_str_from_vstr(vstr_t *vstr);
rustos_try_t rustos_try_new_attrtuple(const qstr *fields, size_t n, const mp_obj_t *items);

rustos_try_t rustos_try_new_str_like(mp_obj_t like, const char *data, size_t len);
rustos_try_t rustos_try_new_tuple(size_t n, const mp_obj_t *items);
// os.listdir's loop: the first item of each entry an ilistdir iterator gives (or each entry, when
// `names`: an iterator of names alone), as a list.
rustos_try_t rustos_try_list_names(mp_obj_t iter, bool names);
// A listing entry: (name as str or bytes, *rest) with n items in all, in one call.
rustos_try_t rustos_try_new_listing(const char *name, size_t len, bool is_str, size_t n, const mp_obj_t *rest);
rustos_try_t rustos_try_new_list(void);
rustos_try_t rustos_try_list_append(mp_obj_t list, mp_obj_t item);
rustos_try_t rustos_try_iternext(mp_obj_t iter);
rustos_try_t rustos_try_load_method_maybe(mp_obj_t o, qstr name, mp_obj_t *dest);
rustos_try_t rustos_try_arg_parse_all(size_t n_pos, const mp_obj_t *pos, mp_map_t *kw, size_t n_allowed,
    const mp_arg_t *allowed, mp_arg_val_t *out);
rustos_try_t rustos_try_load_method(mp_obj_t o, qstr name, mp_obj_t *dest);
// Call a loaded method (dest of mp_load_method: [fun, self]) with up to 3 arguments.
rustos_try_t rustos_try_call_loaded(const mp_obj_t *meth, size_t n_args, const mp_obj_t *args);
// Block-device readblocks/writeblocks: the buffer is passed as a bytearray view, no copy.
// n_args is 2 (block, buf) or 3 (block, buf, offset).
rustos_try_t rustos_try_blockdev_rw(const mp_obj_t *meth, size_t block, size_t offset, void *buf, size_t len, size_t n_args);
// A zeroed GC object of `size` bytes with type `type` (and a finaliser if asked).
rustos_try_t rustos_try_new_obj(const mp_obj_type_t *type, size_t size, bool finaliser);
// A zeroed iterator object of `size` bytes (its first fields are base, iternext,
// finaliser) using the polymorph iterator type with finaliser.
rustos_try_t rustos_try_new_iter(size_t size, mp_fun_1_t iternext, mp_fun_1_t finaliser);
uint64_t rustos_time_ns_1970(void);
int64_t rustos_seconds_from_ns_1970(uint64_t ns);
// The port's epoch (1970 or 2000) in ns since 1970: os.utime's times are in the port's epoch.
int64_t rustos_epoch_ns_1970(void);
// An int as int64 (*fits false if it does not fit), TypeError for a non-int, as
// mp_obj_get_int raises it.  A bool is an int.
rustos_try_t rustos_try_get_int64(mp_obj_t o, int64_t *out, bool *fits);
rustos_try_t rustos_try_new_int64(int64_t v);
// A float's value into *out, or false (nothing written) for any other object.
bool rustos_obj_float(mp_obj_t o, double *out);
// The two items of a 2-tuple (false for anything else: a list, another length).
bool rustos_tuple2(mp_obj_t o, mp_obj_t *a, mp_obj_t *b);
extern const mp_obj_type_t rustos_type_lfs1;
extern const mp_obj_type_t rustos_type_lfs1_fileio;
extern const mp_obj_type_t rustos_type_lfs1_textio;
mp_obj_t rustos_lfs1_dir_iternext_shim(mp_obj_t self);
mp_obj_t rustos_lfs1_dir_del_shim(mp_obj_t self);
extern const mp_obj_type_t rustos_type_lfs2;
extern const mp_obj_type_t rustos_type_lfs2_fileio;
extern const mp_obj_type_t rustos_type_lfs2_textio;
mp_obj_t rustos_lfs2_dir_iternext_shim(mp_obj_t self);
mp_obj_t rustos_lfs2_dir_del_shim(mp_obj_t self);

// The locals of our file types: MicroPython's generic stream methods (c/vfs_lfs.c).
extern const mp_obj_dict_t rustos_file_locals;

// vfs.VfsFat (src/fat/binding/): the types, the iterator shims, and the port's FAT clock.
extern const mp_obj_type_t rustos_type_fat;
extern const mp_obj_type_t rustos_type_fat_fileio;
extern const mp_obj_type_t rustos_type_fat_textio;
mp_obj_t rustos_fat_dir_iternext_shim(mp_obj_t self);
mp_obj_t rustos_fat_dir_del_shim(mp_obj_t self);
// get_fattime(): the port's clock in FAT's packed format (every port that has FAT has one).
uint32_t rustos_fattime(void);
// Seconds since the port's epoch for a FAT timestamp.
int64_t rustos_fat_seconds(uint32_t year, uint32_t month, uint32_t day, uint32_t hour, uint32_t min, uint32_t sec);
// MICROPY_HW_FLASH_FS_LABEL, the label stock's mkfs writes, or NULL.
const char *rustos_fat_label(void);

rustos_try_t rustos_try_arg_parse_all_kw_array(size_t n_pos, size_t n_kw, const mp_obj_t *args, size_t n_allowed,
    const mp_arg_t *allowed, mp_arg_val_t *out);
// A new mount-table entry owning a GC copy of the mount point string (obj is the entry).
rustos_try_t rustos_try_new_mount(const char *str, size_t len, mp_obj_t fs);

// The iterator os.ilistdir() returns for the virtual root: mount points, then the
// listing of whatever is mounted at "/".  Its iternext calls rustos_vfs_root_iternext.
typedef struct _rustos_root_iter_t {
    mp_obj_base_t base;
    mp_fun_1_t iternext;
    mp_vfs_mount_t *vfs;
    mp_obj_t iter;
    bool is_str;
    bool is_iter;
} rustos_root_iter_t;
rustos_try_t rustos_try_new_root_iter(mp_vfs_mount_t *first, bool is_str);
rustos_ret_t rustos_vfs_root_iternext(rustos_root_iter_t *self);

#if RUSTOS_VFS_ROM
// vfs.VfsRom (src/rom.rs): the filesystem, its files and its directory iterator.  Each
// holds the object before it (file and iterator the VfsRom, the VfsRom its memory), so the
// memory stays reachable while any of them is; offsets are into the memory's buffer, got
// afresh at each call.
typedef struct _rustos_rom_t {
    mp_obj_base_t base;
    mp_obj_t memory;    // the object with the buffer protocol the image is in
    size_t start;       // the image's payload: start..end
    size_t end;
} rustos_rom_t;

typedef struct _rustos_rom_file_t {
    mp_obj_base_t base;
    mp_obj_t vfs;
    size_t start;       // the file's data: start..start+size
    size_t size;
    size_t pos;
} rustos_rom_file_t;

typedef struct _rustos_rom_dir_t {
    mp_obj_base_t base;
    mp_fun_1_t iternext;
    mp_obj_t vfs;
    size_t index;       // the records still to list: index..top
    size_t top;
    bool is_str;
} rustos_rom_dir_t;

extern const mp_obj_type_t rustos_type_rom;
extern const mp_obj_type_t rustos_type_rom_fileio;
extern const mp_obj_type_t rustos_type_rom_textio;
mp_obj_t rustos_rom_dir_iternext_shim(mp_obj_t self);
#endif

// A buffer to read (mp_get_buffer_raise: TypeError without the buffer protocol).
rustos_try_t rustos_try_get_buffer_read(mp_obj_t o, const uint8_t **data, size_t *len);
// The same without raising: false without the buffer protocol.  (mp_get_buffer calls the
// type's buffer slot, and MicroPython's slots do not raise.)
bool rustos_get_buffer_read(mp_obj_t o, const uint8_t **data, size_t *len);
// mp_arg_check_num: stock's TypeErrors for a constructor's argument count.
rustos_try_t rustos_try_arg_check_num(size_t n_args, size_t n_kw, size_t min, size_t max, bool takes_kw);

#if MICROPY_VFS_POSIX
// vfs.VfsPosix (src/posix.rs): the object, its files and its directory iterator.
typedef struct _rustos_posix_t {
    mp_obj_base_t base;
    const char *root;   // "" or an absolute directory with a trailing '/', GC copy
    size_t root_len;
    bool readonly;
} rustos_posix_t;

typedef struct _rustos_posix_file_t {
    mp_obj_base_t base;
    int fd;             // -1 once closed
} rustos_posix_file_t;

typedef struct _rustos_posix_dir_t {
    mp_obj_base_t base;
    mp_fun_1_t iternext;
    mp_fun_1_t finaliser;
    bool is_str;
    void *dir;          // a Rust-owned directory reader, NULL once finished
} rustos_posix_dir_t;

extern const mp_obj_type_t rustos_type_posix;
extern const mp_obj_type_t rustos_type_posix_fileio;
extern const mp_obj_type_t rustos_type_posix_textio;
// A VfsPosix whose root is dir, then root, then '/' if slash (a copy in the GC heap).
rustos_try_t rustos_try_new_posix(const char *dir, size_t dir_len, const char *root, size_t root_len, bool slash);
rustos_try_t rustos_try_new_posix_file(bool text, int fd);
mp_obj_t rustos_posix_dir_iternext_shim(mp_obj_t self);
mp_obj_t rustos_posix_dir_del_shim(mp_obj_t self);
rustos_try_t rustos_try_handle_pending(void);
#endif

// Non-raising helpers over things Rust cannot reach (macros, root pointers, libc state).
bool rustos_is_stream(mp_obj_t o, int flags);
mp_obj_t *rustos_dupterm_slots(size_t *n);
bool rustos_obj_is_str(mp_obj_t o);
bool rustos_obj_is_exact_str(mp_obj_t o);
bool rustos_obj_is_exact_bytes(mp_obj_t o);
bool rustos_obj_is_type(mp_obj_t o, const mp_obj_type_t *type);
mp_obj_t rustos_empty_str(void);
mp_vfs_mount_t **rustos_vfs_mount_table(void);
mp_vfs_mount_t **rustos_vfs_cur(void);
int rustos_errno_get(void);
void rustos_errno_set(int e);
void *rustos_gc_alloc(size_t n);
// The port's hardware RNG for os.urandom on bare metal: fill buf, return 0, or non-zero
// when there is none.  Weak default: none.
int rustos_port_random(uint8_t *buf, size_t len);
void rustos_gc_free(void *p);
// The heap is locked: a collection is running (finalisers), or the program locked it.
bool rustos_gc_is_locked(void);
// Wait a moment for a filesystem another thread is in (src/lock.rs).  That thread may be
// in its block device's Python code and, on a port with a GIL, need the GIL to go on: the
// GIL is given up meanwhile.
void rustos_lock_wait(void);
// Give up and take back the GIL around a host call that may block (VfsPosix), as stock's
// MP_HAL_RETRY_SYSCALL does; nothing between them may touch MicroPython.
void rustos_gil_exit(void);
void rustos_gil_enter(void);

// Firmware identity strings for os.uname(), from the port's own macros.
extern const char rustos_uname_sysname[];
extern const char rustos_uname_release[];
extern const char rustos_uname_version[];
extern const char rustos_uname_machine[];

// One-line shims for the module tables: call the Rust entry point rustos_<name>, then raise
// (in C, with Rust frames gone) or return its value.
#define RUSTOS_FUN_0(name) \
    rustos_ret_t rustos_##name(void); \
    static mp_obj_t name(void) { return rustos_raise_or_return(rustos_##name()); } \
    static MP_DEFINE_CONST_FUN_OBJ_0(name##_obj, name)
#define RUSTOS_FUN_1(name) \
    rustos_ret_t rustos_##name(mp_obj_t); \
    static mp_obj_t name(mp_obj_t a) { return rustos_raise_or_return(rustos_##name(a)); } \
    static MP_DEFINE_CONST_FUN_OBJ_1(name##_obj, name)
#define RUSTOS_FUN_2(name) \
    rustos_ret_t rustos_##name(mp_obj_t, mp_obj_t); \
    static mp_obj_t name(mp_obj_t a, mp_obj_t b) { return rustos_raise_or_return(rustos_##name(a, b)); } \
    static MP_DEFINE_CONST_FUN_OBJ_2(name##_obj, name)
#define RUSTOS_FUN_VAR(name, lo, hi) \
    rustos_ret_t rustos_##name(size_t, const mp_obj_t *); \
    static mp_obj_t name(size_t n, const mp_obj_t *a) { return rustos_raise_or_return(rustos_##name(n, a)); } \
    static MP_DEFINE_CONST_FUN_OBJ_VAR_BETWEEN(name##_obj, lo, hi, name)

#define RUSTOS_FUN_KW(name, lo) \
    rustos_ret_t rustos_##name(size_t, const mp_obj_t *, mp_map_t *); \
    static mp_obj_t name(size_t n, const mp_obj_t *a, mp_map_t *kw) { return rustos_raise_or_return(rustos_##name(n, a, kw)); } \
    static MP_DEFINE_CONST_FUN_OBJ_KW(name##_obj, lo, name)
#define RUSTOS_FUN_3(name) \
    rustos_ret_t rustos_##name(mp_obj_t, mp_obj_t, mp_obj_t); \
    static mp_obj_t name(mp_obj_t a, mp_obj_t b, mp_obj_t c) { return rustos_raise_or_return(rustos_##name(a, b, c)); } \
    static MP_DEFINE_CONST_FUN_OBJ_3(name##_obj, name)

#endif // RUSTOS_H
