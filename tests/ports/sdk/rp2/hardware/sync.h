// Stand-in for the pico-sdk's hardware/sync.h: what rp2's mphalport.h macros call
// (MICROPY_BEGIN/END_ATOMIC_SECTION without threads, MICROPY_INTERNAL_WFE).
#pragma once
#include "pico.h"
uint32_t save_and_disable_interrupts(void);
void restore_interrupts(uint32_t status);
void __wfe(void);
