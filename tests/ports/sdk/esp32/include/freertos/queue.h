// Stand-in for ESP-IDF's freertos/queue.h: the queue types behind semaphores.  The static
// buffer's members are not FreeRTOS's (its size is not checked here: nothing is linked or run).
#pragma once
#include "freertos/FreeRTOS.h"
typedef struct QueueDefinition *QueueHandle_t;
typedef struct { void *pvDummy1[3]; UBaseType_t uxDummy4[3]; spinlock_t xDummy10; } StaticQueue_t;
