// littlefs v1, from the MicroPython tree being built (lib/littlefs), compiled with the
// port's own compiler and flags and the options stock uses for it (c/lfs1_options.h);
// only where the port has VfsLfs1.
#include "rustos_config.h"
#if RUSTOS_VFS_LFS1
#include "lfs1_options.h"
#include "lib/littlefs/lfs1.c"
#include "lib/littlefs/lfs1_util.c"
#endif
