// littlefs v2, from the MicroPython tree being built (lib/littlefs), compiled with the
// port's own compiler and flags and the options stock's extmod/extmod.mk gives it
// (its LFS2_DEFINES header reuses uzlib's CRC32 when the port has deflate).
#define LFS2_NO_MALLOC
#define LFS2_NO_DEBUG
#define LFS2_NO_WARN
#define LFS2_NO_ERROR
#define LFS2_NO_ASSERT
#define LFS2_DEFINES extmod/littlefs-include/lfs2_defines.h
// extmod.mk: lfs2.o gets -Wno-shadow.
#pragma GCC diagnostic ignored "-Wshadow"
#include "lib/littlefs/lfs2.c"
#include "lib/littlefs/lfs2_util.c"
