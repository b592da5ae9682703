// Stand-in for the pico-sdk's pico/multicore.h: included by rp2's mpconfigport.h; nothing
// from it is used by the headers compiled here.
#pragma once
#include "pico.h"
