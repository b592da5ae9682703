// os.urandom on rp2: the port's own hardware random source (the ring oscillator, as
// stock's os.urandom uses), through the rustos_port_random hook.
#include <stddef.h>
#include <stdint.h>

uint8_t rosc_random_u8(size_t cycles);
int rustos_port_random(uint8_t *buf, size_t len);

int rustos_port_random(uint8_t *buf, size_t len) {
    for (size_t i = 0; i < len; ++i) {
        buf[i] = rosc_random_u8(8);
    }
    return 0;
}
