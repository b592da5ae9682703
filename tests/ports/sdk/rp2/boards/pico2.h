// Stand-in for the pico-sdk's src/boards/include/boards/pico2.h: the chip package (RP2350A:
// 30 GPIOs) and the flash size, from which RPI_PICO2's mpconfigboard.h derives
// MICROPY_HW_FLASH_STORAGE_BYTES.
#pragma once
#define PICO_RP2350A 1
#define PICO_FLASH_SIZE_BYTES (4 * 1024 * 1024)
