# esp32 boards for tests/ports/port.mk, as ports/esp32's cmake files (CMakeLists.txt,
# esp32_common.cmake) and ESP-IDF 5.4.2 (the version in ports/esp32/lockfiles) build them.
# Each definition is listed with the file that sets it.

# The board's mpconfigboard.cmake: the chip (ESP-IDF's default is esp32).
IDF_TARGET := $(call cmake_set,IDF_TARGET,esp32)

# ESP-IDF's toolchain files (tools/cmake/toolchain-esp32c3.cmake, -esp32c6.cmake) take
# -march=rv32imc_zicsr_zifencei / rv32imac_zicsr_zifencei; Debian's clang 14 (bindgen)
# rejects the extensions, and the headers only need the base ISA.  Debian's RISC-V gcc has
# picolibc as its C library (ESP-IDF links newlib; the headers used here are in both).
# The Rust target is micropython.cmake's for the chip.
# ESP32 and ESP32-S3 are Xtensa: no Rust toolchain here, so only the C glue is compiled, with
# the RISC-V gcc as a 32-bit stand-in compiler; the preprocessor configuration is the chip's.
CROSS_COMPILE = riscv64-unknown-elf-
LD = riscv64-unknown-elf-ld -m elf32lriscv --strip-debug
RUSTOS_CLANG_TARGET = riscv32-unknown-elf
ifeq ($(IDF_TARGET),esp32c3)
CPU_FLAGS = -march=rv32imc -mabi=ilp32 --specs=picolibc.specs
RUSTOS_TARGET = riscv32imc-unknown-none-elf
else ifeq ($(IDF_TARGET),esp32c6)
CPU_FLAGS = -march=rv32imac -mabi=ilp32 --specs=picolibc.specs
RUSTOS_TARGET = riscv32imac-unknown-none-elf
else ifneq ($(filter esp32 esp32s3,$(IDF_TARGET)),)
CPU_FLAGS = -march=rv32imc -mabi=ilp32 --specs=picolibc.specs
RUSTOS_TARGET =
else
$(error esp32: IDF_TARGET $(IDF_TARGET) is not one of the checked chips)
endif

# ESP-IDF's compile options (tools/cmake/build.cmake, project.cmake): C17, -O2 for
# CONFIG_COMPILER_OPTIMIZATION_PERF and -DNDEBUG for ..._ASSERTIONS_DISABLE (both set in
# boards/sdkconfig.base), its warning set; esp32_common.cmake adds three -Wno-.
PORT_CFLAGS = -std=gnu17 -O2 -DNDEBUG -ffunction-sections -fdata-sections \
	-Wall -Werror=all -Wno-error=unused-function -Wno-error=unused-variable \
	-Wno-error=unused-but-set-variable -Wno-error=deprecated-declarations -Wextra \
	-Wno-unused-parameter -Wno-sign-compare -Wno-enum-conversion -Wno-old-style-declaration \
	-Wno-clobbered -Wno-deprecated-declarations -Wno-missing-field-initializers
# ESP-IDF's own definitions (tools/cmake/build.cmake, idf_build_process); the SDK is a
# stand-in here, so they are written out.
PORT_DEFS += -DESP_PLATFORM -DIDF_VER=\"v5.4.2\" -D_GNU_SOURCE -D_POSIX_READER_WRITER_LOCKS
# Our SDK stand-ins: the chip's sdkconfig.h and soc/ headers, then the common ones.
INC += -I$(PORTS_TEST)/sdk/esp32/$(IDF_TARGET) -I$(PORTS_TEST)/sdk/esp32/include

# ports/esp32/esp32_common.cmake, target_compile_definitions(${MICROPY_TARGET} PUBLIC ...):
PORT_DEFS += -DMICROPY_VFS_FAT=1 -DMICROPY_VFS_LFS2=1
PORT_DEFS += -DFFCONF_H=\"$(TOP)/lib/oofatfs/ffconf.h\"
PORT_DEFS += -DLFS1_NO_MALLOC -DLFS1_NO_DEBUG -DLFS1_NO_WARN -DLFS1_NO_ERROR -DLFS1_NO_ASSERT
PORT_DEFS += -DLFS2_NO_MALLOC -DLFS2_NO_DEBUG -DLFS2_NO_WARN -DLFS2_NO_ERROR -DLFS2_NO_ASSERT
# ... ${MICROPY_DEF_CORE}: extmod/extmod.cmake, MICROPY_PY_BTREE (esp32_common.cmake turns it on):
PORT_DEFS += -DMICROPY_PY_BTREE=1 -DBERKELEY_DB_CONFIG_FILE=\"$(TOP)/extmod/berkeley-db/berkeley_db_config_port.h\"
# ... ${MICROPY_DEF_TINYUSB}: esp32_common.cmake, MICROPY_PY_TINYUSB on ESP32-S2/S3:
ifeq ($(IDF_TARGET),esp32s3)
PORT_DEFS += -DCFG_TUSB_MCU=OPT_MCU_ESP32S3
INC += -I$(TOP)/shared/tinyusb
endif
# (${MICROPY_DEF_BOARD}: none for these boards without a variant.)
# py/mkrules.cmake: every esp32 build has a frozen manifest (boards/manifest.py).
PORT_DEFS += -DMICROPY_QSTR_EXTRA_POOL=mp_qstr_frozen_const_pool -DMICROPY_MODULE_FROZEN_MPY=1
# esp32_common.cmake: MICROPY_ROM_TEXT_COMPRESSION ON (mkrules.mk defines it).
MICROPY_ROM_TEXT_COMPRESSION = 1

# micropython.cmake's C glue for esp32 (the C files of micropython.mk come through py.mk).
RUSTOS_GLUE_C += $(USER_C_MODULES)/rustos/ports/esp32/rustos_rng.c
