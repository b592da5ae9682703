// Stand-in for ESP-IDF's esp_err.h (components/esp_common): esp_err_t, which esp32's
// mphalport.h names in check_esp_err_.
#pragma once
#include <stdint.h>
typedef int esp_err_t;
#define ESP_OK 0
#define ESP_FAIL -1
