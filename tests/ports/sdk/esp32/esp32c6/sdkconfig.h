// Stand-in for the sdkconfig.h ESP-IDF 5.4.2 generates for a esp32c6 board of MicroPython 1.26.1:
// only the CONFIG_ symbols ports/esp32's mpconfigport.h, mphalport.h and mpthreadport.h read,
// at ESP-IDF's Kconfig defaults as the board's SDKCONFIG_DEFAULTS files change them (the
// file that decides each value is named; "default" = ESP-IDF's Kconfig default).
#pragma once
#define CONFIG_IDF_TARGET "esp32c6"
#define CONFIG_IDF_TARGET_ESP32C6 1
#define CONFIG_IDF_TARGET_ARCH "riscv"
#define CONFIG_IDF_TARGET_ARCH_RISCV 1
#define CONFIG_COMPILER_OPTIMIZATION_PERF 1 // boards/sdkconfig.base
#define CONFIG_COMPILER_OPTIMIZATION_ASSERTIONS_DISABLE 1 // boards/sdkconfig.base
#define CONFIG_BT_NIMBLE_TASK_STACK_SIZE 6144 // boards/sdkconfig.ble
#define CONFIG_ETH_USE_SPI_ETHERNET 1 // default
#define CONFIG_ETH_SPI_ETHERNET_DM9051 1 // default
#define CONFIG_ETH_SPI_ETHERNET_W5500 1 // default
#define CONFIG_ETH_SPI_ETHERNET_KSZ8851SNL 1 // default
#define CONFIG_FREERTOS_UNICORE 1 // default (one core)
#define CONFIG_ESP_SYSTEM_PMP_IDRAM_SPLIT 1 // default where SOC_CPU_IDRAM_SPLIT_USING_PMP
