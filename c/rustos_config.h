// What this firmware's os/vfs has, decided by the port being built and nothing else.
#ifndef RUSTOS_CONFIG_H
#define RUSTOS_CONFIG_H

#include "py/mpconfig.h"

// The filesystems: cmake ports (rp2, esp32) define MICROPY_VFS_* in C; make ports (unix,
// qemu) choose them with make switches, which micropython.mk records as RUSTOS_VFS_*
// before it switches stock's C filesystems off.
#ifndef RUSTOS_VFS_FAT
#define RUSTOS_VFS_FAT (MICROPY_VFS_FAT)
#endif
#ifndef RUSTOS_VFS_LFS1
#define RUSTOS_VFS_LFS1 (MICROPY_VFS_LFS1)
#endif
#ifndef RUSTOS_VFS_LFS2
#define RUSTOS_VFS_LFS2 (MICROPY_VFS_LFS2)
#endif

// The largest FAT sector size, as oofatfs's ffconf.h takes it: with 512 the sector size
// is fixed and the device is never asked for its block size.
#ifdef MICROPY_FATFS_MAX_SS
#define RUSTOS_FATFS_MAX_SS (MICROPY_FATFS_MAX_SS)
#else
#define RUSTOS_FATFS_MAX_SS (512)
#endif

// Our FAT engine writes what oofatfs writes with long names in code page 437, the setting
// of every port that has FAT (unix, rp2, esp32, stm32, ...).  A port that chose otherwise
// would get a different volume from us than from stock: refuse to build instead.
#if RUSTOS_VFS_FAT && (!MICROPY_FATFS_ENABLE_LFN || MICROPY_FATFS_LFN_CODE_PAGE != 437)
#error "rustos: VfsFat needs MICROPY_FATFS_ENABLE_LFN and MICROPY_FATFS_LFN_CODE_PAGE 437"
#endif

#endif
