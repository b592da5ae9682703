// Stand-in for ESP-IDF's driver/gpio.h (components/esp_driver_gpio, with hal/gpio_types.h and
// esp_rom_gpio.h): what the inline pin functions of esp32's mphalport.h call.
#pragma once
#include <stdint.h>
#include "esp_err.h"
#include "soc/soc_caps.h"
typedef enum { GPIO_NUM_NC = -1, GPIO_NUM_0 = 0 } gpio_num_t;
#define GPIO_MODE_DEF_DISABLE (0)
#define GPIO_MODE_DEF_INPUT (1 << 0)
#define GPIO_MODE_DEF_OUTPUT (1 << 1)
#define GPIO_MODE_DEF_OD (1 << 2)
typedef enum {
    GPIO_MODE_DISABLE = GPIO_MODE_DEF_DISABLE,
    GPIO_MODE_INPUT = GPIO_MODE_DEF_INPUT,
    GPIO_MODE_OUTPUT = GPIO_MODE_DEF_OUTPUT,
    GPIO_MODE_OUTPUT_OD = GPIO_MODE_DEF_OUTPUT | GPIO_MODE_DEF_OD,
    GPIO_MODE_INPUT_OUTPUT_OD = GPIO_MODE_DEF_INPUT | GPIO_MODE_DEF_OUTPUT | GPIO_MODE_DEF_OD,
    GPIO_MODE_INPUT_OUTPUT = GPIO_MODE_DEF_INPUT | GPIO_MODE_DEF_OUTPUT,
} gpio_mode_t;
esp_err_t gpio_set_direction(gpio_num_t gpio_num, gpio_mode_t mode);
esp_err_t gpio_set_level(gpio_num_t gpio_num, uint32_t level);
int gpio_get_level(gpio_num_t gpio_num);
void esp_rom_gpio_pad_select_gpio(uint32_t iopad_num);
