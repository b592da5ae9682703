// Calls from Rust into MicroPython that may raise.  Each one pushes an nlr buffer, so a
// raise lands here, in C, and goes back to Rust as a value: no longjmp crosses a Rust frame.
#include <errno.h>
#include <string.h>
#if defined(__unix__)
#include <sched.h>
#endif
#include "py/runtime.h"
#include "py/stream.h"
#include "py/objstr.h"
#include "py/gc.h"
#include "py/binary.h"
#include "py/objarray.h"
#include "py/objint.h"
#include "py/objtuple.h"
#include "py/smallint.h"
#include "py/mphal.h"
#include "shared/timeutils/timeutils.h"
#include "rustos.h"

#define TRY(...) \
    rustos_try_t r = { MP_OBJ_NULL, MP_OBJ_NULL }; \
    nlr_buf_t nlr; \
    if (nlr_push(&nlr) == 0) { \
        __VA_ARGS__; \
        nlr_pop(); \
    } else { \
        r.exc = MP_OBJ_FROM_PTR(nlr.ret_val); \
    } \
    return r

rustos_try_t rustos_try_call_method(mp_obj_t self, qstr name, size_t n_args, const mp_obj_t *args) {
    TRY({
        mp_obj_t dest[2 + 8];
        if (n_args > 8) {
            mp_raise_TypeError(NULL);
        }
        mp_load_method(self, name, dest);
        for (size_t i = 0; i < n_args; ++i) {
            dest[2 + i] = args[i];
        }
        r.obj = mp_call_method_n_kw(n_args, 0, dest);
    });
}

rustos_try_t rustos_try_get_int(mp_obj_t o, mp_int_t *out) {
    TRY(*out = mp_obj_get_int(o));
}

rustos_try_t rustos_try_is_true(mp_obj_t o, bool *out) {
    TRY(*out = mp_obj_is_true(o));
}

rustos_try_t rustos_try_str_get_data(mp_obj_t o, const char **data, size_t *len) {
    TRY(*data = mp_obj_str_get_data(o, len));
}

rustos_try_t rustos_try_new_int(mp_int_t v) {
    TRY(r.obj = mp_obj_new_int(v));
}

rustos_try_t rustos_try_new_str(const char *data, size_t len) {
    TRY(r.obj = mp_obj_new_str(data, len));
}

rustos_try_t rustos_try_new_bytes(const uint8_t *data, size_t len) {
    TRY(r.obj = mp_obj_new_bytes(data, len));
}

rustos_try_t rustos_try_vstr_init_len(vstr_t *vstr, size_t len) {
    TRY(vstr_init_len(vstr, len));
}

rustos_try_t rustos_try_bytes_from_vstr(vstr_t *vstr) {
    TRY(r.obj = mp_obj_new_bytes_from_vstr(vstr));
}

rustos_try_t rustos_try_str_from_vstr(vstr_t *vstr) {
    TRY(r.obj = mp_obj_new_str_from_vstr(vstr));
}

rustos_try_t rustos_try_new_attrtuple(const qstr *fields, size_t n, const mp_obj_t *items) {
    TRY(r.obj = mp_obj_new_attrtuple(fields, n, items));
}

rustos_try_t rustos_try_new_str_like(mp_obj_t like, const char *data, size_t len) {
    TRY(r.obj = mp_obj_new_str_of_type(mp_obj_get_type(like), (const byte *)data, len));
}

rustos_try_t rustos_try_new_tuple(size_t n, const mp_obj_t *items) {
    TRY(r.obj = mp_obj_new_tuple(n, items));
}

rustos_try_t rustos_try_new_listing(const char *name, size_t len, bool is_str, size_t n, const mp_obj_t *rest) {
    TRY({
        mp_obj_tuple_t *t = MP_OBJ_TO_PTR(mp_obj_new_tuple(n, NULL));
        t->items[0] = is_str ? mp_obj_new_str(name, len) : mp_obj_new_bytes((const byte *)name, len);
        for (size_t i = 1; i < n; ++i) {
            t->items[i] = rest[i - 1];
        }
        r.obj = MP_OBJ_FROM_PTR(t);
    });
}

rustos_try_t rustos_try_list_names(mp_obj_t iter, bool names) {
    TRY({
        mp_obj_t list = mp_obj_new_list(0, NULL);
        mp_obj_t item;
        while ((item = mp_iternext(iter)) != MP_OBJ_STOP_ITERATION) {
            mp_obj_list_append(list, names ? item : mp_obj_subscr(item, MP_OBJ_NEW_SMALL_INT(0), MP_OBJ_SENTINEL));
        }
        r.obj = list;
    });
}

rustos_try_t rustos_try_new_list(void) {
    TRY(r.obj = mp_obj_new_list(0, NULL));
}

rustos_try_t rustos_try_list_append(mp_obj_t list, mp_obj_t item) {
    TRY(mp_obj_list_append(list, item));
}

rustos_try_t rustos_try_iternext(mp_obj_t iter) {
    TRY(r.obj = mp_iternext(iter));
}

rustos_try_t rustos_try_load_method_maybe(mp_obj_t o, qstr name, mp_obj_t *dest) {
    TRY(mp_load_method_maybe(o, name, dest));
}

rustos_try_t rustos_try_arg_parse_all(size_t n_pos, const mp_obj_t *pos, mp_map_t *kw, size_t n_allowed,
    const mp_arg_t *allowed, mp_arg_val_t *out) {
    TRY(mp_arg_parse_all(n_pos, pos, kw, n_allowed, allowed, out));
}

rustos_try_t rustos_try_arg_parse_all_kw_array(size_t n_pos, size_t n_kw, const mp_obj_t *args, size_t n_allowed,
    const mp_arg_t *allowed, mp_arg_val_t *out) {
    TRY(mp_arg_parse_all_kw_array(n_pos, n_kw, args, n_allowed, allowed, out));
}

rustos_try_t rustos_try_new_mount(const char *str, size_t len, mp_obj_t fs) {
    TRY({
        char *copy = m_new(char, len + 1);
        memcpy(copy, str, len);
        copy[len] = '\0';
        mp_vfs_mount_t *vfs = m_new_obj(mp_vfs_mount_t);
        vfs->str = copy;
        vfs->len = len;
        vfs->obj = fs;
        vfs->next = NULL;
        r.obj = MP_OBJ_FROM_PTR(vfs);
    });
}

static mp_obj_t root_iternext(mp_obj_t self) {
    return rustos_raise_or_return(rustos_vfs_root_iternext(MP_OBJ_TO_PTR(self)));
}

rustos_try_t rustos_try_new_root_iter(mp_vfs_mount_t *first, bool is_str) {
    TRY({
        rustos_root_iter_t *it = mp_obj_malloc(rustos_root_iter_t, &mp_type_polymorph_iter);
        it->iternext = root_iternext;
        it->vfs = first;
        it->iter = MP_OBJ_NULL;
        it->is_str = is_str;
        it->is_iter = false;
        r.obj = MP_OBJ_FROM_PTR(it);
    });
}

rustos_try_t rustos_try_load_method(mp_obj_t o, qstr name, mp_obj_t *dest) {
    TRY(mp_load_method(o, name, dest));
}

rustos_try_t rustos_try_call_loaded(const mp_obj_t *meth, size_t n_args, const mp_obj_t *args) {
    TRY({
        mp_obj_t call[2 + 3];
        if (n_args > 3) {
            mp_raise_TypeError(NULL);
        }
        call[0] = meth[0];
        call[1] = meth[1];
        for (size_t i = 0; i < n_args; ++i) {
            call[2 + i] = args[i];
        }
        r.obj = mp_call_method_n_kw(n_args, 0, call);
    });
}

rustos_try_t rustos_try_blockdev_rw(const mp_obj_t *meth, size_t block, size_t offset, void *buf, size_t len, size_t n_args) {
    // The call is laid out before the guard, so that little stays live across nlr_push:
    // one of these per device call.  A block number or offset past a small int is made
    // inside it (that may raise).
    mp_obj_array_t ar = {{&mp_type_bytearray}, BYTEARRAY_TYPECODE, 0, len, buf};
    mp_obj_t call[5] = { meth[0], meth[1], MP_OBJ_NULL, MP_OBJ_FROM_PTR(&ar), MP_OBJ_NULL };
    bool small = block <= (size_t)MP_SMALL_INT_MAX && offset <= (size_t)MP_SMALL_INT_MAX;
    if (small) {
        call[2] = MP_OBJ_NEW_SMALL_INT(block);
        call[4] = MP_OBJ_NEW_SMALL_INT(offset);
    }
    TRY({
        if (!small) {
            call[2] = mp_obj_new_int_from_uint(block);
            call[4] = mp_obj_new_int_from_uint(offset);
        }
        r.obj = mp_call_method_n_kw(n_args, 0, call);
    });
}

rustos_try_t rustos_try_get_buffer_read(mp_obj_t o, const uint8_t **data, size_t *len) {
    TRY({
        mp_buffer_info_t b;
        mp_get_buffer_raise(o, &b, MP_BUFFER_READ);
        *data = b.buf;
        *len = b.len;
    });
}

bool rustos_get_buffer_read(mp_obj_t o, const uint8_t **data, size_t *len) {
    mp_buffer_info_t b;
    if (!mp_get_buffer(o, &b, MP_BUFFER_READ)) {
        return false;
    }
    *data = b.buf;
    *len = b.len;
    return true;
}

rustos_try_t rustos_try_arg_check_num(size_t n_args, size_t n_kw, size_t min, size_t max, bool takes_kw) {
    TRY(mp_arg_check_num(n_args, n_kw, min, max, takes_kw));
}

rustos_try_t rustos_try_new_obj(const mp_obj_type_t *type, size_t size, bool finaliser) {
    TRY({
        mp_obj_base_t *o = finaliser ? m_malloc_with_finaliser(size) : m_malloc(size);
        memset(o, 0, size);
        o->type = type;
        r.obj = MP_OBJ_FROM_PTR(o);
    });
}

typedef struct _rustos_iter_head_t {
    mp_obj_base_t base;
    mp_fun_1_t iternext;
    mp_fun_1_t finaliser;
} rustos_iter_head_t;

rustos_try_t rustos_try_new_iter(size_t size, mp_fun_1_t iternext, mp_fun_1_t finaliser) {
    TRY({
        rustos_iter_head_t *it = m_malloc_with_finaliser(size);
        memset(it, 0, size);
        it->base.type = &mp_type_polymorph_iter_with_finaliser;
        it->iternext = iternext;
        it->finaliser = finaliser;
        r.obj = MP_OBJ_FROM_PTR(it);
    });
}

uint64_t rustos_time_ns_1970(void) {
    return timeutils_nanoseconds_since_epoch_to_nanoseconds_since_1970(mp_hal_time_ns());
}

int64_t rustos_seconds_from_ns_1970(uint64_t ns) {
    return timeutils_seconds_since_epoch_from_nanoseconds_since_1970(ns);
}

int64_t rustos_epoch_ns_1970(void) {
    return timeutils_nanoseconds_since_epoch_to_nanoseconds_since_1970(0);
}

rustos_try_t rustos_try_get_int64(mp_obj_t o, int64_t *out, bool *fits) {
    TRY({
        *fits = true;
        #if MICROPY_LONGINT_IMPL != MICROPY_LONGINT_IMPL_NONE
        if (!mp_obj_is_small_int(o) && mp_obj_is_exact_type(o, &mp_type_int)) {
            // Two's complement, little-endian, twice as wide as needed: it fits when the
            // upper half is the sign extension of the lower.
            uint8_t b[16];
            mp_obj_int_to_bytes_impl(o, false, sizeof(b), b);
            uint64_t v = 0;
            for (int i = 7; i >= 0; --i) {
                v = v << 8 | b[i];
            }
            uint8_t ext = (b[7] & 0x80) ? 0xff : 0;
            for (size_t i = 8; i < sizeof(b); ++i) {
                *fits = *fits && b[i] == ext;
            }
            *out = (int64_t)v;
        } else
        #endif
        {
            *out = mp_obj_get_int(o);
        }
    });
}

rustos_try_t rustos_try_new_int64(int64_t v) {
    TRY(r.obj = mp_obj_new_int_from_ll(v));
}

bool rustos_obj_float(mp_obj_t o, double *out) {
    #if MICROPY_PY_BUILTINS_FLOAT
    if (mp_obj_is_float(o)) {
        *out = (double)mp_obj_get_float(o);
        return true;
    }
    #else
    (void)o;
    (void)out;
    #endif
    return false;
}

bool rustos_tuple2(mp_obj_t o, mp_obj_t *a, mp_obj_t *b) {
    if (!mp_obj_is_exact_type(o, &mp_type_tuple)) {
        return false;
    }
    mp_obj_tuple_t *t = MP_OBJ_TO_PTR(o);
    if (t->len != 2) {
        return false;
    }
    *a = t->items[0];
    *b = t->items[1];
    return true;
}

uint32_t get_fattime(void);

uint32_t rustos_fattime(void) {
    return get_fattime();
}

int64_t rustos_fat_seconds(uint32_t year, uint32_t month, uint32_t day, uint32_t hour, uint32_t min, uint32_t sec) {
    return timeutils_seconds_since_epoch(year, month, day, hour, min, sec);
}

const char *rustos_fat_label(void) {
    #ifdef MICROPY_HW_FLASH_FS_LABEL
    return MICROPY_HW_FLASH_FS_LABEL;
    #else
    return NULL;
    #endif
}

#if MICROPY_VFS_POSIX
rustos_try_t rustos_try_new_posix(const char *dir, size_t dir_len, const char *root, size_t root_len, bool slash) {
    TRY({
        rustos_posix_t *vfs = mp_obj_malloc(rustos_posix_t, &rustos_type_posix);
        size_t len = dir_len + root_len + slash;
        char *copy = m_new(char, len + 1);
        memcpy(copy, dir, dir_len);
        memcpy(copy + dir_len, root, root_len);
        if (slash) {
            // (without the test, no root wrote '/' one byte before the copy)
            copy[len - 1] = '/';
        }
        copy[len] = '\0';
        vfs->root = copy;
        vfs->root_len = len;
        vfs->readonly = false;
        r.obj = MP_OBJ_FROM_PTR(vfs);
    });
}

rustos_try_t rustos_try_new_posix_file(bool text, int fd) {
    TRY({
        rustos_posix_file_t *f = mp_obj_malloc_with_finaliser(rustos_posix_file_t,
            text ? &rustos_type_posix_textio : &rustos_type_posix_fileio);
        f->fd = fd;
        r.obj = MP_OBJ_FROM_PTR(f);
    });
}

rustos_try_t rustos_try_handle_pending(void) {
    TRY(mp_handle_pending(true));
}
#endif

MP_NORETURN void rustos_raise(const rustos_ret_t *rp) {
    const rustos_ret_t r = *rp;
    const mp_obj_type_t *type;
    switch (r.kind) {
        case RUSTOS_EXC:
            nlr_raise(r.obj);
        case RUSTOS_OSERROR:
            mp_raise_OSError((int)r.code);
        case RUSTOS_MEMORYERROR:
            mp_raise_type(&mp_type_MemoryError);
        case RUSTOS_TYPEERROR:
            type = &mp_type_TypeError;
            break;
        case RUSTOS_VALUEERROR:
            type = &mp_type_ValueError;
            break;
        case RUSTOS_OVERFLOWERROR:
            type = &mp_type_OverflowError;
            break;
        case RUSTOS_NOTIMPLEMENTED:
            type = &mp_type_NotImplementedError;
            break;
        default:
            type = &mp_type_RuntimeError;
            break;
    }
    if (r.msg == NULL) {
        mp_raise_type(type);
    }
    nlr_raise(mp_obj_new_exception_arg1(type, mp_obj_new_str(r.msg, r.msg_len)));
}

bool rustos_is_stream(mp_obj_t o, int flags) {
    const mp_obj_type_t *type = mp_obj_get_type(o);
    if (!MP_OBJ_TYPE_HAS_SLOT(type, protocol)) {
        return false;
    }
    const mp_stream_p_t *p = MP_OBJ_TYPE_GET_SLOT(type, protocol);
    return !((flags & MP_STREAM_OP_READ) && p->read == NULL)
           && !((flags & MP_STREAM_OP_WRITE) && p->write == NULL)
           && !((flags & MP_STREAM_OP_IOCTL) && p->ioctl == NULL);
}

mp_obj_t *rustos_dupterm_slots(size_t *n) {
    #if MICROPY_PY_OS_DUPTERM
    *n = MICROPY_PY_OS_DUPTERM;
    return &MP_STATE_VM(dupterm_objs[0]);
    #else
    *n = 0;
    return NULL;
    #endif
}

bool rustos_obj_is_str(mp_obj_t o) {
    return mp_obj_is_str(o);
}

const char *rustos_str_data(mp_obj_t o, size_t *len) {
    if (!mp_obj_is_str_or_bytes(o)) {
        return NULL;
    }
    GET_STR_DATA_LEN(o, s, l);
    *len = l;
    return (const char *)s;
}

bool rustos_obj_is_type(mp_obj_t o, const mp_obj_type_t *type) {
    return mp_obj_get_type(o) == type;
}

bool rustos_obj_is_exact_bytes(mp_obj_t o) {
    return mp_obj_get_type(o) == &mp_type_bytes;
}

bool rustos_obj_is_exact_str(mp_obj_t o) {
    return mp_obj_get_type(o) == &mp_type_str;
}

mp_obj_t rustos_empty_str(void) {
    return MP_OBJ_NEW_QSTR(MP_QSTR_);
}

mp_vfs_mount_t **rustos_vfs_mount_table(void) {
    return &MP_STATE_VM(vfs_mount_table);
}

mp_vfs_mount_t **rustos_vfs_cur(void) {
    return &MP_STATE_VM(vfs_cur);
}

int rustos_errno_get(void) {
    return errno;
}

void rustos_errno_set(int e) {
    errno = e;
}

MP_WEAK int rustos_port_random(uint8_t *buf, size_t len) {
    (void)buf;
    (void)len;
    return -1;
}

// The Rust global allocator on bare metal: the GC heap, never the raising allocators.
void *rustos_gc_alloc(size_t n) {
    return gc_alloc(n, 0);
}

bool rustos_gc_is_locked(void) {
    return gc_is_locked();
}

void rustos_gil_exit(void) {
    MP_THREAD_GIL_EXIT();
}

void rustos_gil_enter(void) {
    MP_THREAD_GIL_ENTER();
}

void rustos_lock_wait(void) {
    // As the VM does between bytecodes: on a GIL port this lets the holder run again.
    MP_THREAD_GIL_EXIT();
    #if MICROPY_PY_THREAD && defined(__unix__)
    sched_yield();
    #endif
    MP_THREAD_GIL_ENTER();
}

void rustos_gc_free(void *p) {
    gc_free(p);
}

#if defined(__ARM_EABI__) && !defined(__linux__)
// Rust code on ARM calls the EABI memory helpers, and compiler_builtins supplies them
// (weakly) with 2.5 KB of copy loops of its own.  These strong ones hand the work to the
// port's memcpy, memmove and memset instead.  A C library's own helpers are never pulled in
// then (each sits in an archive member of its own); pico-sdk's wrap these names with
// --wrap, which leaves ours as the "real" ones.
void __aeabi_memcpy(void *d, const void *s, size_t n) {
    memcpy(d, s, n);
}
void __aeabi_memcpy4(void *d, const void *s, size_t n) {
    memcpy(d, s, n);
}
void __aeabi_memcpy8(void *d, const void *s, size_t n) {
    memcpy(d, s, n);
}
void __aeabi_memmove(void *d, const void *s, size_t n) {
    memmove(d, s, n);
}
void __aeabi_memmove4(void *d, const void *s, size_t n) {
    memmove(d, s, n);
}
void __aeabi_memmove8(void *d, const void *s, size_t n) {
    memmove(d, s, n);
}
void __aeabi_memset(void *d, size_t n, int c) {
    memset(d, c, n);
}
void __aeabi_memset4(void *d, size_t n, int c) {
    memset(d, c, n);
}
void __aeabi_memset8(void *d, size_t n, int c) {
    memset(d, c, n);
}
void __aeabi_memclr(void *d, size_t n) {
    memset(d, 0, n);
}
void __aeabi_memclr4(void *d, size_t n) {
    memset(d, 0, n);
}
void __aeabi_memclr8(void *d, size_t n) {
    memset(d, 0, n);
}
#endif
