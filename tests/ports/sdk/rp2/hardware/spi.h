// Stand-in for the pico-sdk's hardware/spi.h: the bit orders rp2's mpconfigport.h names in
// MICROPY_PY_MACHINE_SPI_MSB/LSB.
#pragma once
#include "pico.h"
typedef enum { SPI_LSB_FIRST = 0, SPI_MSB_FIRST = 1 } spi_order_t;
