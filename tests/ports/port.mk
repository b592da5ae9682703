# The crate and the C glue compiled against a real port configuration (make check-ports).
# Run from the port's directory, as MicroPython's own make rules expect (they find
# mpconfigport.h relative to it):
#   make -C $(MPY)/ports/<rp2|esp32> -f tests/ports/port.mk BOARD=<board> [BOARD_VARIANT=<v>] \
#        BUILD=<dir> USER_C_MODULES=<dir with a `rustos` link to this crate> check
# tests/ports/<port>.mk gives the board's compiler, CPU flags, include dirs and compile
# definitions, read from (or written after) the port's own cmake files; the port's
# mpconfigport.h, the board's mpconfigboard.h and MicroPython's py/ headers are used as they
# are.  Only SDK headers are stand-ins (tests/ports/sdk/<port>, see its README.md).
# MicroPython's py.mk (which reads our micropython.mk through USER_C_MODULES) and mkrules.mk
# generate genhdr/ for that configuration; `check` then builds $(RUSTOS_OBJ) (bindgen and
# cargo with the board's flags, as in a firmware build) and compiles the glue.  No link.
PORTS_TEST := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
PORT := $(notdir $(CURDIR))
include ../../py/mkenv.mk

BOARD_DIR := boards/$(BOARD)
ifeq ($(wildcard $(BOARD_DIR)/mpconfigboard.h),)
$(error no board $(BOARD) in ports/$(PORT))
endif
# The board's and variant's cmake files, as the port's CMakeLists.txt includes them.
BOARD_CMAKE := $(BOARD_DIR)/mpconfigboard.cmake \
	$(if $(BOARD_VARIANT),$(BOARD_DIR)/mpconfigvariant_$(BOARD_VARIANT).cmake,$(wildcard $(BOARD_DIR)/mpconfigvariant.cmake))
ifneq ($(words $(wildcard $(BOARD_CMAKE))),$(words $(BOARD_CMAKE)))
$(error no variant $(BOARD_VARIANT) of $(BOARD) in ports/$(PORT))
endif
# The last `set(NAME value)` of a board/variant cmake file, or $(2) if none sets it.
lp := (
rp := )
cmake_set = $(or $(lastword $(shell sed -n 's/^[[:space:]]*set$(lp)$(1)[[:space:]][[:space:]]*"*\([^"$(rp)]*\)"*$(rp).*/\1/p' $(BOARD_CMAKE))),$(2))

QSTR_DEFS = qstrdefsport.h
# Our C glue, and the port's RNG hook where it has one.
RUSTOS_GLUE_C :=
include $(PORTS_TEST)/$(PORT).mk

INC += -I. -I$(TOP) -I$(BUILD) -I$(BOARD_DIR)
CFLAGS += $(INC) $(CPU_FLAGS) $(PORT_CFLAGS) $(PORT_DEFS)

include $(TOP)/py/py.mk
# Scanned for qstrs, module and root-pointer registrations: the core, our module, and the
# two extmod files that register the root pointers our glue uses (vfs_cur, vfs_mount_table,
# dupterm_objs), which every firmware compiles.  The port's own files would need the SDK.
SRC_QSTR := $(filter py/% $(SRC_USERMOD_PATHFIX_C),$(SRC_QSTR)) extmod/vfs.c extmod/os_dupterm.c
include $(TOP)/py/mkrules.mk

# The glue as micropython.cmake lists it: micropython.mk's C files but lfs1.c and lfs2.c (rp2 and esp32
# compile MicroPython's lib/littlefs themselves), and the port's RNG file.
RUSTOS_GLUE_C += $(SRC_USERMOD_C) $(filter-out %/lfs1.c %/lfs2.c,$(SRC_USERMOD_LIB_C))
GLUE_O := $(addprefix $(BUILD)/glue/,$(notdir $(RUSTOS_GLUE_C:.c=.o)))
# One rule a file, by its full path (the port has its own modos.c, which a vpath would find).
define glue_rule
$(BUILD)/glue/$(notdir $(1:.c=.o)): $(1) | $(HEADER_BUILD)/qstrdefs.generated.h $(HEADER_BUILD)/mpversion.h $(OBJ_EXTRA_ORDER_DEPS)
	$$(Q)mkdir -p $$(@D)
	$$(call compile_c)
endef
$(foreach f,$(RUSTOS_GLUE_C),$(eval $(call glue_rule,$(f))))
-include $(GLUE_O:.o=.P)

# Names: the os and vfs tables of our glue as this board compiles it must hold every name of
# stock's (extmod/modos.c and modvfs.c preprocessed with the same configuration, with the
# switches micropython.mk adds for us taken out): tools/port_names.py.
STOCK_CFLAGS := $(filter-out -DMICROPY_PY_OS=0 -DMICROPY_PY_VFS=0 -DMICROPY_PY_OS_STATVFS=1 -DRUSTOS_%,$(CFLAGS))
NAMES_DEPS := $(HEADER_BUILD)/qstrdefs.generated.h $(HEADER_BUILD)/mpversion.h $(HEADER_BUILD)/root_pointers.h \
	$(if $(filter 1,$(MICROPY_ROM_TEXT_COMPRESSION)),$(HEADER_BUILD)/compressed.data.h)
$(BUILD)/names/stock.i: $(TOP)/extmod/modos.c $(TOP)/extmod/modvfs.c | $(NAMES_DEPS)
	$(Q)mkdir -p $(@D)
	$(Q)cat $^ | $(CC) $(STOCK_CFLAGS) -E -xc - -o $@
$(BUILD)/names/ours.i: $(RUSTOS_DIR)/c/modos.c | $(NAMES_DEPS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -E $< -o $@
names: $(BUILD)/names/stock.i $(BUILD)/names/ours.i
	$(Q)$(PYTHON) $(RUSTOS_DIR)/tools/port_names.py $^

.PHONY: check names
check: $(GLUE_O) $(if $(RUSTOS_TARGET),$(RUSTOS_OBJ)) names
