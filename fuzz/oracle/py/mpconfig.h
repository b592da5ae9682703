// Stand-in for MicroPython's py/mpconfig.h, which oofatfs's ffconf.h includes: the FAT
// options of the unix port (ports/unix/mpconfigport.h), the configuration stock
// MicroPython 1.26.1 is compared with.
#define MICROPY_FATFS_ENABLE_LFN (1)
#define MICROPY_FATFS_RPATH (2)
#define MICROPY_FATFS_MAX_SS (4096)
#define MICROPY_FATFS_LFN_CODE_PAGE 437
