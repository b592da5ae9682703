// Stand-in for ESP-IDF's driver/spi_master.h (components/esp_driver_spi): spi_host_device_t,
// which esp32's mphalport.h returns from machine_hw_spi_get_host.
#pragma once
#include "soc/soc_caps.h"
typedef enum { SPI1_HOST = 0, SPI2_HOST = 1, SPI3_HOST = 2 } spi_host_device_t;
