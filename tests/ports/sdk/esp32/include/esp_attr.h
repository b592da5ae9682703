// Stand-in for ESP-IDF's esp_attr.h (components/esp_common): IRAM_ATTR, which esp32's
// mpconfigport.h puts on core functions (MICROPY_WRAP_*, used in py/ declarations).
#pragma once
#define IRAM_ATTR __attribute__((section(".iram1")))
