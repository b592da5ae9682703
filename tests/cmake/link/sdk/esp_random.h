// Stand-in for ESP-IDF's esp_random.h (tests/cmake/link): the one declaration that
// ports/esp32/rustos_rng.c uses, with ESP-IDF's signature.
#pragma once
#include <stddef.h>
void esp_fill_random(void *buf, size_t len);
