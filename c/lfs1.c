// littlefs v1, from the MicroPython tree being built (lib/littlefs), compiled with the
// port's own compiler and flags and the same options stock uses for it.
#include "rustos_config.h"
#if RUSTOS_VFS_LFS1
#define LFS1_NO_MALLOC
#define LFS1_NO_DEBUG
#define LFS1_NO_WARN
#define LFS1_NO_ERROR
#define LFS1_NO_ASSERT
#include "lib/littlefs/lfs1.c"
#include "lib/littlefs/lfs1_util.c"
#endif
