// The QEMU boards have no clock (the port has no ticks and no RTC), but the filesystems
// need a time: littlefs's mtime (mp_hal_time_ns) and oofatfs's get_fattime.  Every file
// is stamped with the port's epoch, 2000-01-01 00:00:00.
#include "py/mphal.h"
#include "py/mpconfig.h"

uint64_t mp_hal_time_ns(void);
uint32_t get_fattime(void);

uint64_t mp_hal_time_ns(void) {
    return 0;
}

uint32_t get_fattime(void) {
    return ((2000 - 1980) << 25) | (1 << 21) | (1 << 16);
}

// Date helpers FAT's stat needs; the port does not build them itself.
#include "shared/timeutils/timeutils.c"
