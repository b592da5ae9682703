// Stand-in for the pico-sdk's pico/binary_info.h: the macros rp2's mpconfigport.h uses for
// MICROPY_FROZEN_LIST_ITEM (binary info compiled out, as with PICO_NO_BINARY_INFO).
#pragma once
#include "pico.h"
#define BINARY_INFO_MAKE_TAG(c1, c2) ((((uint)c2 & 0xffu) << 8u) | ((uint)c1 & 0xffu))
#define bi_decl(_decl)
#define bi_string(_tag, _id, _value)
