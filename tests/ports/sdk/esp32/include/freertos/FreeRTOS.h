// Stand-in for ESP-IDF's freertos/FreeRTOS.h (components/freertos): the sdkconfig.h every
// ESP-IDF header sees (there through FreeRTOSConfig.h), the base types, and the critical
// section macros of esp32's mphalport.h (portMUX_TYPE is ESP-IDF's spinlock_t).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "sdkconfig.h"
#include "esp_attr.h"
typedef int BaseType_t;
typedef unsigned int UBaseType_t;
typedef uint32_t TickType_t;
#define pdFALSE ((BaseType_t)0)
#define pdTRUE ((BaseType_t)1)
typedef struct { uint32_t owner; uint32_t count; } spinlock_t;
typedef spinlock_t portMUX_TYPE;
void vPortEnterCritical(portMUX_TYPE *mux);
void vPortExitCritical(portMUX_TYPE *mux);
#define portENTER_CRITICAL(mux) vPortEnterCritical(mux)
#define portEXIT_CRITICAL(mux) vPortExitCritical(mux)
