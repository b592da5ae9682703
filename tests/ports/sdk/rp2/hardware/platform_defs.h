// Stand-in for the pico-sdk's hardware/platform_defs.h (src/rp2040/... and src/rp2350/...):
// NUM_BANK0_GPIOS, which rp2's mphalport.h tests (> 32: a 64-bit open-drain mask).
#pragma once
#if PICO_RP2040
#define NUM_BANK0_GPIOS 30u
#elif PICO_RP2350
#if PICO_RP2350A
#define NUM_BANK0_GPIOS 30u
#else
#define NUM_BANK0_GPIOS 48u
#endif
#else
#error "stand-in pico.h: PICO_RP2040 or PICO_RP2350 must be defined (the SDK's cmake does)"
#endif
