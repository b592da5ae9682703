// littlefs v2, from the MicroPython tree being built (lib/littlefs), compiled with the
// port's own compiler and flags and the options stock's extmod/extmod.mk gives it
// (its LFS2_DEFINES header reuses uzlib's CRC32 when the port has deflate); a port that
// defines them on its command line, as rp2 and esp32 do, keeps its own; only where the port
// has VfsLfs2.
#include "rustos_config.h"
#if RUSTOS_VFS_LFS2
#ifndef LFS2_NO_MALLOC
#define LFS2_NO_MALLOC
#endif
#ifndef LFS2_NO_DEBUG
#define LFS2_NO_DEBUG
#endif
#ifndef LFS2_NO_WARN
#define LFS2_NO_WARN
#endif
#ifndef LFS2_NO_ERROR
#define LFS2_NO_ERROR
#endif
#ifndef LFS2_NO_ASSERT
#define LFS2_NO_ASSERT
#endif
#ifndef LFS2_DEFINES
#define LFS2_DEFINES extmod/littlefs-include/lfs2_defines.h
#endif
// extmod.mk: lfs2.o gets -Wno-shadow.
#pragma GCC diagnostic ignored "-Wshadow"
#include "lib/littlefs/lfs2.c"
#include "lib/littlefs/lfs2_util.c"
#endif
