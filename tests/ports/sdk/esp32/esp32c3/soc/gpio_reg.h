// Stand-in for ESP-IDF 5.4's components/soc/esp32c3/register/soc/gpio_reg.h: the output
// registers esp32's mphalport.h reads in mp_hal_pin_read_output.
#pragma once
#define DR_REG_GPIO_BASE 0x60004000
#define GPIO_OUT_REG (DR_REG_GPIO_BASE + 0x4)
