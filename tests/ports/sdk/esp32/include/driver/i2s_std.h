// Stand-in for ESP-IDF's driver/i2s_std.h (components/esp_driver_i2s): the chip's
// capabilities (MICROPY_PY_MACHINE_I2S is SOC_I2S_SUPPORTED) and the directions esp32's
// mpconfigport.h names in MICROPY_PY_MACHINE_I2S_CONSTANT_RX/TX.
#pragma once
#include "soc/soc_caps.h"
typedef enum { I2S_DIR_RX = 1 << 0, I2S_DIR_TX = 1 << 1 } i2s_dir_t;
