// littlefs v2, from the MicroPython tree being built (lib/littlefs), compiled with the
// port's own compiler and flags and the options stock's extmod/extmod.mk gives it
// (c/lfs2_options.h; its LFS2_DEFINES header reuses uzlib's CRC32 when the port has
// deflate); only where the port has VfsLfs2.
#include "rustos_config.h"
#if RUSTOS_VFS_LFS2
#include "lfs2_options.h"
#ifndef LFS2_DEFINES
#define LFS2_DEFINES extmod/littlefs-include/lfs2_defines.h
#endif
// extmod.mk: lfs2.o gets -Wno-shadow.
#pragma GCC diagnostic ignored "-Wshadow"
#include "lib/littlefs/lfs2.c"
#include "lib/littlefs/lfs2_util.c"
#endif
