// Stand-in for ESP-IDF's esp_wifi_types.h (components/esp_wifi): included by esp32's
// mpconfigport.h; nothing from it is used by the headers compiled here.
#pragma once
#include <stdint.h>
