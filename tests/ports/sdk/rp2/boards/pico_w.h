// Stand-in for the pico-sdk's src/boards/include/boards/pico_w.h: the flash size only.
#pragma once
#define PICO_FLASH_SIZE_BYTES (2 * 1024 * 1024)
