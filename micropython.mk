# The Rust os/vfs module as a MicroPython user C module for make-based ports (unix, qemu).
# Use: make -C ports/<port> USER_C_MODULES=<dir containing this directory>
RUSTOS_OPT_LEVEL ?= s
RUSTOS_DIR := $(USERMOD_DIR)
RUSTOS_BUILD := $(BUILD)/rustos
CARGO ?= cargo

# Switch the stock modules off.  The C guards are plain defines (mpconfig.h wraps both in
# #ifndef); the filesystem make switches must be set before extmod.mk is read, which
# py.mk (including us) does after the port's mpconfigport.mk.
# MICROPY_PY_OS_STATVFS defaults to MICROPY_PY_OS; we provide os.statvfs, so keep the
# statvfs methods of the port's C filesystems (unix mounts a C VfsPosix at /).
# Which filesystems the port asked for with make switches (mpconfigport.mk or the command
# line) is recorded first, for our C and Rust (c/rustos_config.h, which otherwise reads the
# port's MICROPY_VFS_* C defines).
CFLAGS_USERMOD += -DMICROPY_PY_OS=0 -DMICROPY_PY_VFS=0 -DMICROPY_PY_OS_STATVFS=1 -I$(RUSTOS_DIR)/c -I$(RUSTOS_BUILD)
CFLAGS_USERMOD += $(foreach fs,FAT LFS1 LFS2,$(if $(filter 1,$(MICROPY_VFS_$(fs))),-DRUSTOS_VFS_$(fs)=1))
override MICROPY_VFS_FAT := 0
override MICROPY_VFS_LFS1 := 0
override MICROPY_VFS_LFS2 := 0

SRC_USERMOD_C += $(RUSTOS_DIR)/c/modos.c $(RUSTOS_DIR)/c/vfs_posix.c $(RUSTOS_DIR)/c/vfs_lfs.c $(RUSTOS_DIR)/c/vfs_fat.c \
	$(RUSTOS_DIR)/c/vfs_rom.c
SRC_USERMOD_LIB_C += $(RUSTOS_DIR)/c/trampolines.c $(RUSTOS_DIR)/c/lfs1.c $(RUSTOS_DIR)/c/lfs2.c

# Qstrs named in the Rust sources, for the qstr scanner (see tools/gen_qstrs.py).  Being a
# QSTR_GLOBAL_DEPENDENCY, a change to it makes the scanner rescan.
RUSTOS_QSTRS := $(RUSTOS_BUILD)/rustos_qstrs.h
RUSTOS_RS := $(shell find $(RUSTOS_DIR)/src -name '*.rs')
QSTR_GLOBAL_DEPENDENCIES += $(RUSTOS_QSTRS)
$(RUSTOS_QSTRS): $(RUSTOS_RS) $(RUSTOS_DIR)/tools/gen_qstrs.py
	$(Q)$(PYTHON) $(RUSTOS_DIR)/tools/gen_qstrs.py $(RUSTOS_DIR)/src $@

# Which Rust target and features.  Hosted ports build for the host with std; bare-metal
# ports set RUSTOS_TARGET (and RUSTOS_CLANG_TARGET for bindgen) in their make flags.
ifeq ($(RUSTOS_TARGET),)
RUSTOS_FEATURES ?= unix
ifeq ($(RUSTOS_HOST_RUSTFLAGS),)
RUSTOS_LIB := $(RUSTOS_BUILD)/cargo/release/librustos.a
RUSTOS_TARGET_ARG :=
RUSTOS_CARGO_ENV :=
else
# RUSTOS_HOST_RUSTFLAGS: extra rustc flags for our crate and its dependencies on a hosted
# build (tools/sanitize/run.py: -Zsanitizer=address).  Cargo is then told the host as an
# explicit --target, which keeps the flags off the build scripts (bindgen) it runs here.
RUSTOS_HOST_TRIPLE := $(shell rustc -vV | sed -n 's/^host: //p')
RUSTOS_LIB := $(RUSTOS_BUILD)/cargo/$(RUSTOS_HOST_TRIPLE)/release/librustos.a
RUSTOS_TARGET_ARG := --target $(RUSTOS_HOST_TRIPLE)
RUSTOS_CARGO_ENV := RUSTFLAGS='$(RUSTOS_HOST_RUSTFLAGS)'
endif
else
RUSTOS_FEATURES ?=
RUSTOS_LIB := $(RUSTOS_BUILD)/cargo/$(RUSTOS_TARGET)/release/librustos.a
RUSTOS_TARGET_ARG := --target $(RUSTOS_TARGET)
# The target in per-target variable names: cargo's (upper case, `-` and `.` as `_`), cc's
# (`-` and `.` as `_`) and bindgen's (`-` as `_`; a `.`, as in thumbv8m.main-none-eabi, stays,
# so `env` sets them: the shell cannot assign such a name).
RUSTOS_TARGET_ENV := $(shell echo $(RUSTOS_TARGET) | tr a-z.- A-Z__)
RUSTOS_TARGET_LOWER := $(subst .,_,$(subst -,_,$(RUSTOS_TARGET)))
RUSTOS_TARGET_BINDGEN := $(subst -,_,$(RUSTOS_TARGET))
# The port's target flags for the cross compiler, and the C library it selects by a specs file
# (the RISC-V QEMU board's picolibc.specs, which also names picolibc's headers).
RUSTOS_CC_FLAGS = $(filter -m% --specs=%,$(CFLAGS))
# clang (bindgen) needs the cross compiler's system headers.
RUSTOS_CLANG_ARGS = $(shell echo | $(CC) $(RUSTOS_CC_FLAGS) -E -Wp,-v -xc - 2>&1 | sed -n 's|^ \(/.*\)|-isystem \1|p')
# getrandom has no OS here: its custom backend calls the port's RNG hook (src/baremetal.rs);
# size matters more than speed on a microcontroller.
RUSTOS_CARGO_ENV = env CARGO_TARGET_$(RUSTOS_TARGET_ENV)_RUSTFLAGS='--cfg getrandom_backend="custom"' \
	CARGO_PROFILE_RELEASE_OPT_LEVEL=$(RUSTOS_OPT_LEVEL) \
	"BINDGEN_EXTRA_CLANG_ARGS_$(RUSTOS_TARGET_BINDGEN)=$(RUSTOS_CLANG_ARGS)" \
	CC_$(RUSTOS_TARGET_LOWER)="$(CC)" CFLAGS_$(RUSTOS_TARGET_LOWER)="$(RUSTOS_CC_FLAGS)"
endif

# Arm: the unwind tables of Rust's precompiled core name libgcc's personality routine
# (__aeabi_unwind_cpp_pr0), which would link libgcc's unwinder and its RAM.  Nothing of ours
# unwinds (panic=abort), so the tables go before the firmware's link sees them, and so
# does the name, which would pull libgcc's unwinder in even with nothing referring to it.
RUSTOS_NO_UNWIND_TABLES := -R '.ARM.exidx*' -R '.ARM.extab*' -N __aeabi_unwind_cpp_pr0 -N __aeabi_unwind_cpp_pr1

# The firmware links one relocatable object made from the library: unlike an archive,
# an object is linked whatever its place on the command line (ports order the link
# differently), and --gc-sections still drops what nothing uses.
RUSTOS_OBJ := $(RUSTOS_BUILD)/rustos.o
LDFLAGS_USERMOD += $(RUSTOS_OBJ)
ifeq ($(RUSTOS_TARGET),)
LDFLAGS_USERMOD += -lpthread -ldl -lm -lgcc_s
endif
# --unique keeps each object's merged-string section apart: joined into one, as -r does with
# sections of the same name, the firmware kept all of core's and compiler_builtins' panic
# strings whenever one of them was used (0.8 KB on the M3 build).
$(RUSTOS_OBJ): $(RUSTOS_LIB)
	$(Q)$(LD) -r -o $@ --whole-archive --unique='.rodata.str*' $<
ifneq ($(filter thumb%,$(RUSTOS_TARGET)),)
	$(Q)$(OBJCOPY) $(RUSTOS_NO_UNWIND_TABLES) $@
endif

# bindgen needs the generated qstr and root-pointer headers (and, with compressed error
# messages, compressed.data.h, which py/misc.h includes), and the port's exact flags,
# which the shell splits for us exactly as it does for the C compiler.  Cargo decides
# itself whether anything changed, so it runs on every build.
$(RUSTOS_LIB): $(HEADER_BUILD)/qstrdefs.generated.h $(HEADER_BUILD)/root_pointers.h \
	$(if $(filter 1,$(MICROPY_ROM_TEXT_COMPRESSION)),$(HEADER_BUILD)/compressed.data.h) FORCE
	$(ECHO) "CARGO $(notdir $@)"
	$(Q)mkdir -p $(RUSTOS_BUILD)
	$(Q)printf '%s\n' $(CFLAGS) > $(RUSTOS_BUILD)/cflags.new
	$(Q)cmp -s $(RUSTOS_BUILD)/cflags.new $(RUSTOS_BUILD)/cflags.txt || mv $(RUSTOS_BUILD)/cflags.new $(RUSTOS_BUILD)/cflags.txt
	$(Q)RUSTOS_CFLAGS_FILE=$(RUSTOS_BUILD)/cflags.txt RUSTOS_PORT_DIR=$(CURDIR) \
		RUSTOS_CLANG_TARGET=$(RUSTOS_CLANG_TARGET) RUSTOS_CLANG_ARGS="$(RUSTOS_CLANG_ARGS)" $(RUSTOS_CARGO_ENV) \
		$(CARGO) build --quiet --release --manifest-path $(RUSTOS_DIR)/Cargo.toml \
		--target-dir $(RUSTOS_BUILD)/cargo $(RUSTOS_TARGET_ARG) \
		$(if $(strip $(RUSTOS_FEATURES)),--features "$(RUSTOS_FEATURES)")

# The firmware's link must wait for the library: hang it on our glue object, which every
# port links.  (The object itself does not depend on the library's contents.)
$(BUILD)/$(patsubst $(USER_C_MODULES)/%,%,$(RUSTOS_DIR))/c/modos.o: $(RUSTOS_OBJ) $(RUSTOS_QSTRS)
