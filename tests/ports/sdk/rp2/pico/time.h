// Stand-in for the pico-sdk's pico/time.h: what the inline tick functions of rp2's
// mphalport.h call (absolute_time_t is a uint64_t without PICO_OPAQUE_ABSOLUTE_TIME_T).
#pragma once
#include "pico.h"
typedef uint64_t absolute_time_t;
absolute_time_t get_absolute_time(void);
uint32_t to_ms_since_boot(absolute_time_t t);
uint32_t time_us_32(void);
void busy_wait_us(uint64_t delay_us);
