// The SDK functions our per-port RNG files call (ports/rp2/rustos_rng.c: rp2's
// rosc_random_u8, defined in its main.c; ports/esp32/rustos_rng.c: ESP-IDF's
// esp_fill_random), for the stand-in port of tests/cmake/link.  Only their link is under
// test here: both return zeros.
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "esp_random.h"

uint8_t rosc_random_u8(size_t cycles);

uint8_t rosc_random_u8(size_t cycles) {
    (void)cycles;
    return 0;
}

void esp_fill_random(void *buf, size_t len) {
    memset(buf, 0, len);
}
