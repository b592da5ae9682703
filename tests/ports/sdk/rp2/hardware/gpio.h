// Stand-in for the pico-sdk's hardware/gpio.h: what the inline pin functions of rp2's
// mphalport.h call, with the SDK's constant values.
#pragma once
#include "pico.h"
enum gpio_dir { GPIO_OUT = 1u, GPIO_IN = 0u };
typedef enum gpio_function { GPIO_FUNC_SIO = 5 } gpio_function_t;
enum gpio_irq_level {
    GPIO_IRQ_LEVEL_LOW = 0x1u, GPIO_IRQ_LEVEL_HIGH = 0x2u,
    GPIO_IRQ_EDGE_FALL = 0x4u, GPIO_IRQ_EDGE_RISE = 0x8u,
};
void gpio_set_dir(uint gpio, bool out);
void gpio_set_function(uint gpio, gpio_function_t fn);
void gpio_set_pulls(uint gpio, bool up, bool down);
void gpio_put(uint gpio, bool value);
bool gpio_get(uint gpio);
void gpio_set_mask64(uint64_t mask);
void gpio_clr_mask64(uint64_t mask);
