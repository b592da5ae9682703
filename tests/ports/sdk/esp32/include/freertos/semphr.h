// Stand-in for ESP-IDF's freertos/semphr.h: the semaphore types of esp32's mpthreadport.h
// (py/mpthread.h includes it with MICROPY_PY_THREAD).
#pragma once
#include "freertos/queue.h"
typedef QueueHandle_t SemaphoreHandle_t;
typedef StaticQueue_t StaticSemaphore_t;
