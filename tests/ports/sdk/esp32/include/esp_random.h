// Stand-in for ESP-IDF's esp_random.h (components/esp_hw_support): esp32's mpconfigport.h
// includes it for MICROPY_PY_RANDOM_SEED_INIT_FUNC (esp_random); ports/esp32/rustos_rng.c
// calls esp_fill_random.  ESP-IDF's signatures.
#pragma once
#include <stddef.h>
#include <stdint.h>
uint32_t esp_random(void);
void esp_fill_random(void *buf, size_t len);
