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

// ROMFS (vfs.VfsRom): every port decides it in C, as stock does (the unix variants and the
// QEMU port on, rp2 where a board gives MICROPY_HW_ROMFS_BYTES).  MICROPY_VFS_ROM stays on:
// it also gives import its memory-mapped path for files with the buffer protocol (ours
// have it); stock's C VfsRom is compiled then, but nothing links it.  vfs.rom_ioctl is the
// port's own function (MICROPY_VFS_ROM_IOCTL; unix and QEMU have none).
#ifndef RUSTOS_VFS_ROM
#define RUSTOS_VFS_ROM (MICROPY_VFS_ROM)
#endif
#ifndef RUSTOS_VFS_ROM_IOCTL
#define RUSTOS_VFS_ROM_IOCTL (RUSTOS_VFS_ROM && MICROPY_VFS_ROM_IOCTL)
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
