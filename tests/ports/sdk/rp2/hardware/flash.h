// Stand-in for the pico-sdk's hardware/flash.h (src/rp2_common/hardware_flash): the flash
// geometry, with the SDK's values.  rp2's mpconfigport.h sets MICROPY_FATFS_MAX_SS to
// FLASH_SECTOR_SIZE when USB MSC is on.
#pragma once
#include "pico.h"
#define FLASH_PAGE_SIZE (1u << 8)
#define FLASH_SECTOR_SIZE (1u << 12)
#define FLASH_BLOCK_SIZE (1u << 16)
#define FLASH_UNIQUE_ID_SIZE_BYTES 8
void flash_range_erase(uint32_t flash_offs, size_t count);
void flash_range_program(uint32_t flash_offs, const uint8_t *data, size_t count);
