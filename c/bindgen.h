// What bindgen sees.  Function-like macros do not come through bindgen, so their values
// are captured here as enum constants that clang evaluates; Rust checks its own
// re-implementations against them with const asserts (src/ffi.rs).
#include "py/runtime.h"
#include "py/stream.h"
#include "py/objstr.h"
#include "py/mperrno.h"
#include "py/gc.h"
#include "extmod/vfs.h"
#include "py/mphal.h"
#include "rustos.h"
#include "lfs1_options.h"
#include "lib/littlefs/lfs1.h"
#include "lfs2_options.h"
#include "lib/littlefs/lfs2.h"
#if MICROPY_VFS_POSIX
#include "extmod/vfs_posix.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>
// Negative: an enum of its own, or it makes every constant of its enum signed.
enum { RUSTOS_AT_FDCWD = AT_FDCWD };
enum {
    RUSTOS_O_RDONLY = O_RDONLY, RUSTOS_O_WRONLY = O_WRONLY, RUSTOS_O_RDWR = O_RDWR,
    RUSTOS_O_CREAT = O_CREAT, RUSTOS_O_TRUNC = O_TRUNC, RUSTOS_O_APPEND = O_APPEND,
    RUSTOS_O_EXCL = O_EXCL, RUSTOS_O_CLOEXEC = O_CLOEXEC,
    RUSTOS_HOST_EINTR = EINTR, RUSTOS_HOST_EINVAL = EINVAL,
    RUSTOS_POLLIN = POLLIN, RUSTOS_POLLOUT = POLLOUT, RUSTOS_POLLERR = POLLERR,
    RUSTOS_POLLHUP = POLLHUP, RUSTOS_POLLNVAL = POLLNVAL,
};
#endif

enum {
    RUSTOS_OBJ_REPR = MICROPY_OBJ_REPR,
    RUSTOS_REPR_A = MICROPY_OBJ_REPR_A,
    RUSTOS_REPR_B = MICROPY_OBJ_REPR_B,
    RUSTOS_REPR_C = MICROPY_OBJ_REPR_C,
    RUSTOS_IMMEDIATE_OBJS = MICROPY_OBJ_IMMEDIATE_OBJS,
    RUSTOS_S_IFDIR = MP_S_IFDIR,
    RUSTOS_S_IFREG = MP_S_IFREG,
    RUSTOS_ALLOC_PATH_MAX = MICROPY_ALLOC_PATH_MAX,
    RUSTOS_ARG_REQUIRED = MP_ARG_REQUIRED,
    RUSTOS_ARG_KW_ONLY = MP_ARG_KW_ONLY,
    RUSTOS_ARG_OBJ = MP_ARG_OBJ,
    RUSTOS_ARG_INT = MP_ARG_INT,
    RUSTOS_ARG_BOOL = MP_ARG_BOOL,
    RUSTOS_THREAD_GIL = MICROPY_PY_THREAD && MICROPY_PY_THREAD_GIL,
    RUSTOS_STREAM_FLUSH = MP_STREAM_FLUSH,
    RUSTOS_STREAM_SEEK = MP_STREAM_SEEK,
    RUSTOS_STREAM_POLL = MP_STREAM_POLL,
    RUSTOS_STREAM_CLOSE = MP_STREAM_CLOSE,
    RUSTOS_STREAM_GET_FILENO = MP_STREAM_GET_FILENO,
    RUSTOS_STREAM_GET_BUFFER_SIZE = MP_STREAM_GET_BUFFER_SIZE,
    RUSTOS_BUFFER_READ = MP_BUFFER_READ,
    // The read size our files ask of import's reader (extmod/vfs_reader.c): its buffer
    // and header then take 256 bytes, where the default gives it one or two GC blocks.
    RUSTOS_READER_BUFFER = 256 - (sizeof(mp_obj_t) + 3),
    RUSTOS_STREAM_POLL_RD = MP_STREAM_POLL_RD,
    RUSTOS_STREAM_POLL_WR = MP_STREAM_POLL_WR,
    RUSTOS_STREAM_POLL_ERR = MP_STREAM_POLL_ERR,
    RUSTOS_STREAM_POLL_HUP = MP_STREAM_POLL_HUP,
    RUSTOS_STREAM_POLL_NVAL = MP_STREAM_POLL_NVAL,
    RUSTOS_IMPORT_STAT_NO_EXIST = MP_IMPORT_STAT_NO_EXIST,
    RUSTOS_IMPORT_STAT_DIR = MP_IMPORT_STAT_DIR,
    RUSTOS_IMPORT_STAT_FILE = MP_IMPORT_STAT_FILE,
    RUSTOS_STREAM_OP_READ = MP_STREAM_OP_READ,
    RUSTOS_STREAM_OP_WRITE = MP_STREAM_OP_WRITE,
    RUSTOS_STREAM_OP_IOCTL = MP_STREAM_OP_IOCTL,
    RUSTOS_EPERM = MP_EPERM,
    RUSTOS_ENOENT = MP_ENOENT,
    RUSTOS_EIO = MP_EIO,
    RUSTOS_EBADF = MP_EBADF,
    RUSTOS_EAGAIN = MP_EAGAIN,
    RUSTOS_ENOMEM = MP_ENOMEM,
    RUSTOS_EACCES = MP_EACCES,
    RUSTOS_EEXIST = MP_EEXIST,
    RUSTOS_ENODEV = MP_ENODEV,
    RUSTOS_EXDEV = MP_EXDEV,
    RUSTOS_ENOTDIR = MP_ENOTDIR,
    RUSTOS_EISDIR = MP_EISDIR,
    RUSTOS_EINVAL = MP_EINVAL,
    RUSTOS_ENOSPC = MP_ENOSPC,
    RUSTOS_EROFS = MP_EROFS,
    RUSTOS_EOPNOTSUPP = MP_EOPNOTSUPP,
    RUSTOS_EFBIG = MP_EFBIG,
    RUSTOS_EBUSY = MP_EBUSY,
    RUSTOS_EMFILE = MP_EMFILE,
    // The port's choices (c/rustos_config.h): build.rs turns each into a cfg.
    RUSTOS_HAS_VFS_FAT = RUSTOS_VFS_FAT,
    RUSTOS_HAS_VFS_LFS1 = RUSTOS_VFS_LFS1,
    RUSTOS_HAS_VFS_LFS2 = RUSTOS_VFS_LFS2,
    RUSTOS_HAS_VFS_ROM = RUSTOS_VFS_ROM,
    RUSTOS_HAS_VFS_ROM_IOCTL = RUSTOS_VFS_ROM_IOCTL,
    RUSTOS_FAT_MAX_SS = RUSTOS_FATFS_MAX_SS,
};

// Reference values of the object-representation macros, for the const asserts in ffi.rs.
// (Pointer-typed macros cannot appear in an integer constant expression, so the integer
// forms of their bit patterns are captured; ffi.rs rebuilds each macro and compares.)
// clang folds these pointer casts as constants.
enum {
    RUSTOS_CHECK_SMALL_INT_NEG = (intptr_t)MP_OBJ_NEW_SMALL_INT(-12345),
    RUSTOS_CHECK_SMALL_INT_POS = (intptr_t)MP_OBJ_NEW_SMALL_INT(54321),
    RUSTOS_CHECK_QSTR = (intptr_t)MP_OBJ_NEW_QSTR(MP_QSTR_os),
    #if MICROPY_OBJ_IMMEDIATE_OBJS
    RUSTOS_CHECK_NONE = (intptr_t)mp_const_none,
    RUSTOS_CHECK_FALSE = (intptr_t)mp_const_false,
    RUSTOS_CHECK_TRUE = (intptr_t)mp_const_true,
    #endif
};
