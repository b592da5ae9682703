// littlefs v1, from the MicroPython tree being built (lib/littlefs), compiled with the
// port's own compiler and flags and the same options stock uses for it (a port that
// defines them on its command line, as rp2 and esp32 do, keeps its own); only where the
// port has VfsLfs1.
#include "rustos_config.h"
#if RUSTOS_VFS_LFS1
#ifndef LFS1_NO_MALLOC
#define LFS1_NO_MALLOC
#endif
#ifndef LFS1_NO_DEBUG
#define LFS1_NO_DEBUG
#endif
#ifndef LFS1_NO_WARN
#define LFS1_NO_WARN
#endif
#ifndef LFS1_NO_ERROR
#define LFS1_NO_ERROR
#endif
#ifndef LFS1_NO_ASSERT
#define LFS1_NO_ASSERT
#endif
#include "lib/littlefs/lfs1.c"
#include "lib/littlefs/lfs1_util.c"
#endif
