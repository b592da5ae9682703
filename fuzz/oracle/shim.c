// The oracle: stock MicroPython's oofatfs (lib/oofatfs/ff.c, ffunicode.c, compiled from
// the fetched MicroPython tree by build.rs), driven as extmod/vfs_fat.c and
// vfs_fat_diskio.c drive it.  Sectors go to the Rust side (src/oracle.rs).
#include <string.h>
#include "ff.h"
#include "diskio.h"

// Implemented in Rust: the device behind `drv`.
extern unsigned int rustos_fuzz_disk_count(void *drv);
extern unsigned int rustos_fuzz_disk_ss(void *drv);
extern int rustos_fuzz_disk_read(void *drv, BYTE *buf, DWORD sector, UINT count);
extern int rustos_fuzz_disk_write(void *drv, const BYTE *buf, DWORD sector, UINT count);
extern DWORD rustos_fuzz_fattime(void);

DRESULT disk_read(void *drv, BYTE *buf, DWORD sector, UINT count) {
    return rustos_fuzz_disk_read(drv, buf, sector, count) ? RES_ERROR : RES_OK;
}

DRESULT disk_write(void *drv, const BYTE *buf, DWORD sector, UINT count) {
    // Most of what f_mkfs writes is zeros (the FAT, the root directory): skip those here,
    // uninstrumented, rather than hand every sector to the device.
    static const BYTE zero[FF_MAX_SS];
    UINT ss = rustos_fuzz_disk_ss(drv);
    UINT i = 0;
    while (i < count && memcmp(buf + (size_t)i * ss, zero, ss) == 0) {
        i++;
    }
    if (i == count) {
        // Only in range: the device must still refuse writes past its end.
        return (DWORD)(sector + count) <= rustos_fuzz_disk_count(drv) && sector + count >= sector ? RES_OK : RES_ERROR;
    }
    return rustos_fuzz_disk_write(drv, buf, sector, count) ? RES_ERROR : RES_OK;
}

// As extmod/vfs_fat_diskio.c answers for a block device with ioctl: erase block 1.
DRESULT disk_ioctl(void *drv, BYTE cmd, void *buff) {
    switch (cmd) {
        case CTRL_SYNC:
            return RES_OK;
        case GET_SECTOR_COUNT:
            *(DWORD *)buff = rustos_fuzz_disk_count(drv);
            return RES_OK;
        case GET_SECTOR_SIZE:
            *(WORD *)buff = (WORD)rustos_fuzz_disk_ss(drv);
            return RES_OK;
        case GET_BLOCK_SIZE:
            *(DWORD *)buff = 1;
            return RES_OK;
        case IOCTL_INIT:
        case IOCTL_STATUS:
            *(DSTATUS *)buff = 0;
            return RES_OK;
        default:
            return RES_PARERR;
    }
}

DWORD get_fattime(void) {
    return rustos_fuzz_fattime();
}

// stock VfsFat.mkfs: FM_FAT | FM_SFD, then FM_FAT32 when that aborts.  Returns the FRESULT.
int rustos_fuzz_stock_mkfs(void *drv) {
    FATFS fs;
    uint8_t working_buf[FF_MAX_SS];
    memset(&fs, 0, sizeof(fs));
    fs.drv = drv;
    FRESULT res = f_mkfs(&fs, FM_FAT | FM_SFD, 0, working_buf, sizeof(working_buf));
    if (res == FR_MKFS_ABORTED) {
        res = f_mkfs(&fs, FM_FAT32, 0, working_buf, sizeof(working_buf));
    }
    return res;
}

// oofatfs's upper-case conversion, as its name comparisons use it.
DWORD rustos_fuzz_ff_wtoupper(DWORD uni) {
    return ff_wtoupper(uni);
}

// Format a small fresh volume on `drv` (as stock's VfsFat.mkfs) and create the file `name`
// in its root, as stock's open(name, "w") does.  Returns the FRESULT of the create (or
// 100 + that of a failed mkfs or mount).
int rustos_fuzz_stock_create(void *drv, const char *name) {
    FATFS fs;
    FIL f;
    uint8_t working_buf[FF_MAX_SS];
    memset(&fs, 0, sizeof(fs));
    fs.drv = drv;
    FRESULT res = f_mkfs(&fs, FM_FAT | FM_SFD, 0, working_buf, sizeof(working_buf));
    if (res == FR_OK) {
        res = f_mount(&fs);
    }
    if (res != FR_OK) {
        return 100 + res;
    }
    res = f_open(&fs, &f, name, FA_WRITE | FA_CREATE_ALWAYS);
    if (res == FR_OK) {
        res = f_close(&f);
    }
    return res;
}
