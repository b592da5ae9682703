// os.urandom on esp32: the chip's hardware RNG (as stock's os.urandom uses), through the
// rustos_port_random hook.
#include <stddef.h>
#include <stdint.h>
#include "esp_random.h"

int rustos_port_random(uint8_t *buf, size_t len);

int rustos_port_random(uint8_t *buf, size_t len) {
    esp_fill_random(buf, len);
    return 0;
}
