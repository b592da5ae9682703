// Stand-in for the pico-sdk's hardware/clocks.h: clock_get_hz(clk_sys), which rp2's
// mphalport.h calls in mp_hal_get_cpu_freq.
#pragma once
#include "pico.h"
typedef enum clock_num { clk_gpout0, clk_gpout1, clk_gpout2, clk_gpout3, clk_ref, clk_sys } clock_handle_t;
uint32_t clock_get_hz(clock_handle_t clock);
