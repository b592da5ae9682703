// Stand-in for the sdkconfig.h ESP-IDF 5.4.2 generates for a esp32s3 board of MicroPython 1.26.1:
// only the CONFIG_ symbols ports/esp32's mpconfigport.h, mphalport.h and mpthreadport.h read,
// at ESP-IDF's Kconfig defaults as the board's SDKCONFIG_DEFAULTS files change them (the
// file that decides each value is named; "default" = ESP-IDF's Kconfig default).
#pragma once
#define CONFIG_IDF_TARGET "esp32s3"
#define CONFIG_IDF_TARGET_ESP32S3 1
#define CONFIG_IDF_TARGET_ARCH "xtensa"
#define CONFIG_IDF_TARGET_ARCH_XTENSA 1
#define CONFIG_COMPILER_OPTIMIZATION_PERF 1 // boards/sdkconfig.base
#define CONFIG_COMPILER_OPTIMIZATION_ASSERTIONS_DISABLE 1 // boards/sdkconfig.base
#define CONFIG_BT_NIMBLE_TASK_STACK_SIZE 6144 // boards/sdkconfig.ble
#define CONFIG_ETH_USE_SPI_ETHERNET 1 // default
#define CONFIG_ETH_SPI_ETHERNET_DM9051 1 // default
#define CONFIG_ETH_SPI_ETHERNET_W5500 1 // default
#define CONFIG_ETH_SPI_ETHERNET_KSZ8851SNL 1 // default
#define CONFIG_SPIRAM 1 // boards/sdkconfig.spiram_sx
#define CONFIG_TINYUSB_DESC_USE_ESPRESSIF_VID 1 // default (espressif/esp_tinyusb, in S3's lockfile)
#define CONFIG_TINYUSB_DESC_USE_DEFAULT_PID 1 // default (espressif/esp_tinyusb)
#define CONFIG_TINYUSB_DESC_MANUFACTURER_STRING "Espressif Systems" // default (espressif/esp_tinyusb)
#define CONFIG_TINYUSB_DESC_PRODUCT_STRING "Espressif Device" // default (espressif/esp_tinyusb)
// CONFIG_FREERTOS_UNICORE: not set (dual core)
