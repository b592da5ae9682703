// Stand-in for ESP-IDF 5.4's components/soc/esp32s3/include/soc/soc_caps.h: the capabilities
// esp32's mpconfigport.h tests, with ESP32-S3's values (absent = not defined there either).
#pragma once
#define SOC_I2S_SUPPORTED 1
#define SOC_PCNT_SUPPORTED 1
#define SOC_USB_OTG_SUPPORTED 1
#define SOC_USB_SERIAL_JTAG_SUPPORTED 1
#define SOC_I2C_SUPPORT_SLAVE (1)
// SOC_DAC_SUPPORTED, SOC_CPU_IDRAM_SPLIT_USING_PMP: absent.
