# rp2 boards for tests/ports/port.mk, as ports/rp2/CMakeLists.txt and the pico-sdk build them.
# Each definition is listed with the file that sets it.

# The board's mpconfigboard.cmake / mpconfigvariant*.cmake: the SDK board and the platform.
PICO_BOARD := $(call cmake_set,PICO_BOARD,$(shell echo $(BOARD) | tr A-Z a-z))
PICO_PLATFORM := $(call cmake_set,PICO_PLATFORM,rp2040)
# A board's `set(MICROPY_... ON)` switches, which ports/rp2/CMakeLists.txt turns into
# definitions below.
board_on = $(filter ON,$(call cmake_set,$(1),OFF))

# CPU flags of the pico-sdk's toolchain files (cmake/preload/toolchains/pico_arm_cortex_m0plus_gcc,
# pico_arm_cortex_m33_gcc, pico_riscv_gcc) and the Rust target micropython.cmake picks for
# the platform.  The SDK's RISC-V -march, rv32imac_zicsr_zifencei_zba_zbb_zbs_zbkb, names
# extensions that Debian's clang 14 (bindgen) rejects; the headers only need the base ISA.
ifeq ($(PICO_PLATFORM),rp2040)
CROSS_COMPILE = arm-none-eabi-
CPU_FLAGS = -mcpu=cortex-m0plus -mthumb
RUSTOS_TARGET = thumbv6m-none-eabi
RUSTOS_CLANG_TARGET = thumbv6m-none-eabi
SDK_DEFS = -DPICO_RP2040=1
PORT_DEFS += -DPICO_ARM=1 # ports/rp2/CMakeLists.txt (pico_platform_headers, if PICO_ARM)
PORT_DEFS += -DPICO_RP2040_USB_DEVICE_ENUMERATION_FIX=1 # ports/rp2/CMakeLists.txt (PICO_RP2040)
else ifneq ($(filter rp2350 rp2350-arm-s,$(PICO_PLATFORM)),)
CROSS_COMPILE = arm-none-eabi-
CPU_FLAGS = -mcpu=cortex-m33 -mthumb -march=armv8-m.main+fp+dsp -mfloat-abi=softfp -mcmse
RUSTOS_TARGET = thumbv8m.main-none-eabi
RUSTOS_CLANG_TARGET = thumbv8m.main-none-eabi
SDK_DEFS = -DPICO_RP2350=1
PORT_DEFS += -DPICO_ARM=1 # ports/rp2/CMakeLists.txt (pico_platform_headers, if PICO_ARM)
PORT_DEFS += -DPICO_EMBED_XIP_SETUP=1 # ports/rp2/CMakeLists.txt (PICO_RP2350)
else ifeq ($(PICO_PLATFORM),rp2350-riscv)
CROSS_COMPILE = riscv64-unknown-elf-
# Debian's RISC-V gcc has no newlib; picolibc is its C library.
CPU_FLAGS = -march=rv32imac -mabi=ilp32 --specs=picolibc.specs
RUSTOS_TARGET = riscv32imac-unknown-none-elf
RUSTOS_CLANG_TARGET = riscv32-unknown-elf
# riscv64-unknown-elf-ld defaults to elf64; drop the DWARF binutils 2.40 cannot relocate
# (as the Makefile's firmware-qemu-rv32 does).
LD = riscv64-unknown-elf-ld -m elf32lriscv --strip-debug
SDK_DEFS = -DPICO_RP2350=1 -DPICO_RISCV=1
PORT_DEFS += -DPICO_EMBED_XIP_SETUP=1 # ports/rp2/CMakeLists.txt (PICO_RP2350)
else
$(error rp2: unknown PICO_PLATFORM $(PICO_PLATFORM))
endif

# The pico-sdk's own definitions (its platform cmake files and pico_sdk_init); the SDK is a
# stand-in here, so they are written out.
SDK_DEFS += -DPICO_32BIT=1 -DPICO_ON_DEVICE=1 -DPICO_NO_HARDWARE=0 -DPICO_BUILD=1 -DPICO_BOARD=\"$(PICO_BOARD)\"
PORT_DEFS += $(SDK_DEFS)

# ports/rp2/CMakeLists.txt: CMAKE_BUILD_TYPE MinSizeRel (-Os -DNDEBUG); -Wall -Werror -g;
# the pico-sdk compiles C11 with function/data sections.
PORT_CFLAGS = -Os -DNDEBUG -Wall -Werror -g -std=gnu11 -ffunction-sections -fdata-sections
# ports/rp2/CMakeLists.txt: include dirs (the port, the board, the core, genhdr: port.mk
# adds those) and shared/tinyusb; our SDK stand-ins, and the config header the SDK generates.
INC += -I$(TOP)/shared/tinyusb -I$(PORTS_TEST)/sdk/rp2 -I$(BUILD)/sdk

# ports/rp2/CMakeLists.txt, target_compile_definitions(${MICROPY_TARGET} ...):
PORT_DEFS += -DFFCONF_H=\"$(TOP)/lib/oofatfs/ffconf.h\"
PORT_DEFS += -DLFS1_NO_MALLOC -DLFS1_NO_DEBUG -DLFS1_NO_WARN -DLFS1_NO_ERROR -DLFS1_NO_ASSERT
PORT_DEFS += -DLFS2_NO_MALLOC -DLFS2_NO_DEBUG -DLFS2_NO_WARN -DLFS2_NO_ERROR -DLFS2_NO_ASSERT
PORT_DEFS += -DPICO_FLOAT_PROPAGATE_NANS=1 -DPICO_STACK_SIZE=0x2000 -DPICO_CORE1_STACK_SIZE=0
PORT_DEFS += -DPICO_MAX_SHARED_IRQ_HANDLERS=8 -DPICO_PROGRAM_NAME=\"MicroPython\"
PORT_DEFS += -DPICO_NO_PROGRAM_VERSION_STRING=1 -DPICO_NO_BI_STDIO_UART=1
PORT_DEFS += -DMICROPY_BUILD_TYPE='"GNU $(shell $(CROSS_COMPILE)gcc -dumpfullversion) MinSizeRel"'
# ports/rp2/CMakeLists.txt, per switch the board's cmake file sets:
ifneq ($(call board_on,MICROPY_PY_LWIP),)
PORT_DEFS += -DMICROPY_PY_LWIP=1 # if (MICROPY_PY_LWIP)
endif
ifneq ($(call board_on,MICROPY_PY_BLUETOOTH),)
PORT_DEFS += -DMICROPY_PY_BLUETOOTH=1 -DMICROPY_PY_BLUETOOTH_USE_SYNC_EVENTS=1 \
	-DMICROPY_PY_BLUETOOTH_ENABLE_CENTRAL_MODE=1 # if(MICROPY_PY_BLUETOOTH)
endif
ifneq ($(call board_on,MICROPY_PY_BLUETOOTH_CYW43),)
PORT_DEFS += -DCYW43_ENABLE_BLUETOOTH=1 -DMICROPY_PY_BLUETOOTH_CYW43=1 # if (MICROPY_PY_BLUETOOTH_CYW43)
endif
ifneq ($(call board_on,MICROPY_BLUETOOTH_BTSTACK),)
PORT_DEFS += -DMICROPY_BLUETOOTH_BTSTACK=1 \
	-DMICROPY_BLUETOOTH_BTSTACK_CONFIG_FILE=\"btstack_inc/btstack_config.h\" # if (MICROPY_BLUETOOTH_BTSTACK)
endif
ifneq ($(call board_on,MICROPY_PY_NETWORK_CYW43),)
PORT_DEFS += -DMICROPY_PY_NETWORK_CYW43=1 -DMICROPY_PY_SOCKET_DEFAULT_TIMEOUT_MS=30000 # if (MICROPY_PY_NETWORK_CYW43)
endif
# py/mkrules.cmake: every rp2 build has a frozen manifest (the board's or boards/manifest.py).
PORT_DEFS += -DMICROPY_QSTR_EXTRA_POOL=mp_qstr_frozen_const_pool -DMICROPY_MODULE_FROZEN_MPY=1
# ports/rp2/CMakeLists.txt: MICROPY_ROM_TEXT_COMPRESSION ON (mkrules.mk defines it).
MICROPY_ROM_TEXT_COMPRESSION = 1

# The SDK's generated pico/config_autogen.h names the board header (pico_sdk_init).
SDK_AUTOGEN := $(BUILD)/sdk/pico/config_autogen.h
SDK_AUTOGEN_TEXT := // Generated by tests/ports/rp2.mk, as the pico-sdk generates it.\n\#include "boards/$(PICO_BOARD).h"\n
$(shell mkdir -p $(dir $(SDK_AUTOGEN)) && printf '$(SDK_AUTOGEN_TEXT)' > $(SDK_AUTOGEN).new && \
	(cmp -s $(SDK_AUTOGEN).new $(SDK_AUTOGEN) || mv $(SDK_AUTOGEN).new $(SDK_AUTOGEN)); rm -f $(SDK_AUTOGEN).new)

# micropython.cmake's C glue for rp2 (the C files of micropython.mk come through py.mk).
RUSTOS_GLUE_C += $(USER_C_MODULES)/rustos/ports/rp2/rustos_rng.c
