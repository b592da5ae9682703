// Stand-in for ESP-IDF's esp_system.h (components/esp_system): included by esp32's
// mpconfigport.h; what the port headers take through it are esp_err.h and esp_attr.h.
#pragma once
#include <stdint.h>
#include "esp_err.h"
#include "esp_attr.h"
