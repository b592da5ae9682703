// Stand-in for the pico-sdk's pico/mutex.h: the types and calls of rp2's mutex_extra.h and
// mpthreadport.h (py/mpthread.h includes the latter with MICROPY_PY_THREAD).  The structs
// have the SDK's members (a spin lock pointer, the owner, the recursion count).
#pragma once
#include "pico.h"
typedef struct { void *core; int8_t owner; } lock_core_t;
typedef struct mutex { lock_core_t core; int8_t owner; } mutex_t;
typedef struct { lock_core_t core; int8_t owner; uint8_t enter_count; } recursive_mutex_t;
void mutex_init(mutex_t *mtx);
void mutex_enter_blocking(mutex_t *mtx);
bool mutex_try_enter(mutex_t *mtx, uint32_t *owner_out);
void mutex_exit(mutex_t *mtx);
void recursive_mutex_init(recursive_mutex_t *mtx);
bool recursive_mutex_try_enter(recursive_mutex_t *mtx, uint32_t *owner_out);
