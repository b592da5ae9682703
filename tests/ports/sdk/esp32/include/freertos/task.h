// Stand-in for ESP-IDF's freertos/task.h: TaskHandle_t (esp32's mphalport.h) and the
// notification call in its MICROPY_EVENT_POLL_HOOK.
#pragma once
#include "freertos/FreeRTOS.h"
typedef struct tskTaskControlBlock *TaskHandle_t;
uint32_t ulTaskNotifyTake(BaseType_t xClearCountOnExit, TickType_t xTicksToWait);
