// Stand-in for the pico-sdk's hardware/structs/systick.h: included by rp2's mphalport.h;
// nothing from it is used by the headers compiled here (systick_hw is used in port .c files).
#pragma once
#include "pico.h"
