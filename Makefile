# Front door.  `make run` builds our unix firmware and starts its REPL; `make test` runs
# everything.  Both set up a fresh machine by themselves (packages, MicroPython source).
TOP := $(abspath .)
B := $(TOP)/build
MICROPY_VERSION := 1.26.1
DEFAULT_MPY := $(B)/micropython-$(MICROPY_VERSION)
MICROPY_DIR ?= $(DEFAULT_MPY)
MPY := $(abspath $(MICROPY_DIR))
JOBS ?= $(shell nproc)
# Keep MicroPython's makeversionhdr.py from reading *our* git history when its tree sits in build/.
export GIT_CEILING_DIRECTORIES := $(B)

MPYCROSS := $(B)/mpy-cross/mpy-cross
UNIX_ARGS = -C $(MPY)/ports/unix -j$(JOBS) VARIANT=standard \
	MICROPY_PY_BTREE=0 MICROPY_PY_SSL=0 \
	FROZEN_MANIFEST=$(TOP)/ports/unix/manifest.py \
	MICROPY_MPYCROSS=$(MPYCROSS) MICROPY_MPYCROSS_DEPENDENCY=$(MPYCROSS)
ifeq ($(wildcard $(MPY)/lib/micropython-lib/README.md),)
UNIX_ARGS += MPY_LIB_DIR=$(TOP)/ports/no-micropython-lib
endif

.PHONY: all deps deps-qemu firmware firmware-gil stock firmware-qemu-ss512 stock-qemu-ss512 test-qemu-ss512 firmware-qemu firmware-qemu-m0plus stock-qemu firmware-qemu-rv32 stock-qemu-rv32 test-qemu-rv32 bench-layouts run test test-cargo test-mp test-image image-tool test-qemu test-qemu-m0plus cross check-ports size bench check-tree lint clean torture torture-quick reliability sanitize fuzz
all: firmware

deps:
	@$(TOP)/tools/install-deps.sh unix

$(DEFAULT_MPY)/py/mpconfig.h:
	@$(TOP)/tools/fetch-micropython.sh $(DEFAULT_MPY) $(MICROPY_VERSION)

check-tree: $(if $(filter $(MPY),$(DEFAULT_MPY)),$(DEFAULT_MPY)/py/mpconfig.h)
	@test -f $(MPY)/py/mpconfig.h || { echo "error: MICROPY_DIR=$(MPY) is not a MicroPython tree"; exit 1; }

$(MPYCROSS): | deps check-tree
	@$(MAKE) -s -C $(MPY)/mpy-cross -j$(JOBS) BUILD=$(B)/mpy-cross

deps-qemu:
	@$(TOP)/tools/install-deps.sh qemu

$(B)/usermods/rustos:
	@mkdir -p $(B)/usermods && ln -sfn $(TOP) $@

# QEMU (MPS2_AN385, Cortex-M3): ours and stock, both with the port HAL shims the QEMU
# port lacks (ports/qemu/hal) and our frozen manifest, and both configured with FAT, LFS1
# and LFS2 (the QEMU port has none of its own), with unix's FAT settings.
QEMU_ARGS = -C $(MPY)/ports/qemu -j$(JOBS) BOARD=MPS2_AN385 \
	FROZEN_MANIFEST=$(TOP)/ports/qemu/manifest.py MPY_LIB_DIR=$(TOP)/ports/no-micropython-lib \
	MICROPY_MPYCROSS=$(MPYCROSS) MICROPY_MPYCROSS_DEPENDENCY=$(MPYCROSS) \
	MICROPY_VFS_FAT=1 MICROPY_VFS_LFS1=1 MICROPY_VFS_LFS2=1 CFLAGS_EXTRA="$(QEMU_FAT_FLAGS)"
QEMU_FAT_FLAGS = -DMICROPY_FATFS_ENABLE_LFN=1 -DMICROPY_FATFS_RPATH=2 -DMICROPY_FATFS_MAX_SS=4096 \
	-DMICROPY_FATFS_LFN_CODE_PAGE=437

$(B)/usermods-qemu/rustos $(B)/usermods-qemu/qemu_hal $(B)/usermods-qemu-stock/qemu_hal:
	@mkdir -p $(dir $@) && ln -sfn $(if $(filter rustos,$(notdir $@)),$(TOP),$(TOP)/ports/qemu/hal) $@

firmware-qemu: deps-qemu check-tree $(MPYCROSS) $(B)/usermods-qemu/rustos $(B)/usermods-qemu/qemu_hal
	@$(MAKE) $(QEMU_ARGS) BUILD=$(B)/qemu-mps2 USER_C_MODULES=$(B)/usermods-qemu \
		RUSTOS_TARGET=thumbv7m-none-eabi RUSTOS_CLANG_TARGET=thumbv7m-none-eabi

# The same board built for the Cortex-M0+ ISA (RP2040's; the emulated M3 executes it).
firmware-qemu-m0plus: deps-qemu check-tree $(MPYCROSS) $(B)/usermods-qemu/rustos $(B)/usermods-qemu/qemu_hal
	@$(MAKE) $(QEMU_ARGS) BUILD=$(B)/qemu-m0plus USER_C_MODULES=$(B)/usermods-qemu \
		BOARD=MPS2_AN385_M0PLUS BOARD_DIR=$(TOP)/ports/qemu/boards/MPS2_AN385_M0PLUS \
		FROZEN_MANIFEST=$(TOP)/ports/qemu/manifest-m0plus.py \
		RUSTOS_TARGET=thumbv6m-none-eabi RUSTOS_CLANG_TARGET=thumbv6m-none-eabi

# Both QEMU firmwares again with RPI_PICO's FF_MAX_SS of 512 (unix's is 4096): FAT then
# has a fixed 512-byte sector size whatever the device reports (tests/qemu-ss512).
QEMU_SS512_ARGS = $(QEMU_ARGS) CFLAGS_EXTRA="$(subst MAX_SS=4096,MAX_SS=512,$(QEMU_FAT_FLAGS))"

firmware-qemu-ss512: deps-qemu check-tree $(MPYCROSS) $(B)/usermods-qemu/rustos $(B)/usermods-qemu/qemu_hal
	@$(MAKE) $(QEMU_SS512_ARGS) BUILD=$(B)/qemu-ss512 USER_C_MODULES=$(B)/usermods-qemu \
		RUSTOS_TARGET=thumbv7m-none-eabi RUSTOS_CLANG_TARGET=thumbv7m-none-eabi

stock-qemu-ss512: deps-qemu check-tree $(MPYCROSS) $(B)/usermods-qemu-stock/qemu_hal
	@$(MAKE) $(QEMU_SS512_ARGS) BUILD=$(B)/qemu-ss512-stock USER_C_MODULES=$(B)/usermods-qemu-stock

# MicroPython's FAT tests and tests/qemu-ss512 on the FF_MAX_SS 512 builds.
test-qemu-ss512: firmware-qemu-ss512 stock-qemu-ss512
	@python3 $(TOP)/tests/run_mp_tests.py --qemu --only 'extmod/vfs_fat' --own-dir $(TOP)/tests/qemu-ss512 \
		--micropy-dir $(MPY) --ours $(B)/qemu-ss512/firmware.elf --stock $(B)/qemu-ss512-stock/firmware.elf \
		--label qemu-ss512 --summary $(B)/qemu-ss512.summary

stock-qemu: deps-qemu check-tree $(MPYCROSS) $(B)/usermods-qemu-stock/qemu_hal
	@$(MAKE) $(QEMU_ARGS) BUILD=$(B)/qemu-mps2-stock USER_C_MODULES=$(B)/usermods-qemu-stock

# QEMU VIRT_RV32 (RISC-V, rv32imac), ours and stock, with Debian's riscv64-unknown-elf-gcc 12.2
# and picolibc.  RV32_ARCH=rv32imac: GCC 12 picks a multilib by the exact -march string and
# the port's default, rv32imac_zicsr, is none, so the rv64 libgcc would be linked.  The rest
# (ISA spec 2.2 for the CSR instructions, no picolibc crt0) is in ports/qemu/hal/micropython.mk.
# Our crate is built for riscv32imc-unknown-none-elf (ESP32-C3's ISA; the rv32imac CPU runs it);
# riscv64-unknown-elf-ld defaults to elf64, so micropython.mk's `ld -r` is told the emulation,
# and drops debug sections: the DWARF of Rust's prebuilt compiler_builtins carries
# R_RISCV_SET_ULEB128/SUB_ULEB128 relocations, which binutils 2.40 cannot apply (ld crashes).
QEMU_RV32_ARGS = $(QEMU_ARGS) BOARD=VIRT_RV32 RV32_ARCH=rv32imac \
	FROZEN_MANIFEST=$(TOP)/ports/qemu/manifest-rv32.py
QEMU_RV32 = qemu-system-riscv32 -machine virt -bios none -nographic -monitor null -semihosting -serial pty -kernel

firmware-qemu-rv32: deps-qemu check-tree $(MPYCROSS) $(B)/usermods-qemu/rustos $(B)/usermods-qemu/qemu_hal
	@$(MAKE) $(QEMU_RV32_ARGS) BUILD=$(B)/qemu-rv32 USER_C_MODULES=$(B)/usermods-qemu \
		RUSTOS_TARGET=riscv32imc-unknown-none-elf RUSTOS_CLANG_TARGET=riscv32-unknown-elf \
		LD="riscv64-unknown-elf-ld -m elf32lriscv --strip-debug"

stock-qemu-rv32: deps-qemu check-tree $(MPYCROSS) $(B)/usermods-qemu-stock/qemu_hal
	@$(MAKE) $(QEMU_RV32_ARGS) BUILD=$(B)/qemu-rv32-stock USER_C_MODULES=$(B)/usermods-qemu-stock

# Our firmware: stock os/vfs off (guarded flags in micropython.mk), our module in.
# The unix port leaves dupterm off; we turn its hooks on so os.dupterm has somewhere to go.
OURS_UNIX_ARGS = $(UNIX_ARGS) BUILD=$(B)/unix USER_C_MODULES=$(B)/usermods CFLAGS_EXTRA="-DMICROPY_PY_OS_DUPTERM=1"
firmware: deps check-tree $(MPYCROSS) $(B)/usermods/rustos
	@$(MAKE) $(OURS_UNIX_ARGS)

# The same firmware with a GIL, as esp32 runs threads: the VM hands the GIL over now and then,
# also while a block device's Python code runs inside a filesystem call (make reliability).
firmware-gil: deps check-tree $(MPYCROSS) $(B)/usermods/rustos
	@$(MAKE) $(OURS_UNIX_ARGS) BUILD=$(B)/unix-gil MICROPY_PY_THREAD_GIL=1

# The reference: the same tree and options, stock os/vfs with FAT, LFS1 and LFS2.
stock: deps check-tree $(MPYCROSS)
	@$(MAKE) $(UNIX_ARGS) BUILD=$(B)/unix-stock

run: firmware
	@$(B)/unix/micropython

# Each MicroPython run leaves its counts in build/*.summary; the last line is the total.
# The reliability harness (power loss, corrupt images, bad input, threads, low memory;
# about a minute), the sanitizer and valgrind runs (about 6 minutes) and the cargo-fuzz
# targets (about 3) run first.
test: lint test-cargo cross check-ports reliability sanitize fuzz
	@rm -f $(B)/unix.summary $(B)/qemu.summary $(B)/qemu-m0plus.summary $(B)/qemu-rv32.summary $(B)/qemu-ss512.summary $(B)/image.summary
	@$(MAKE) --no-print-directory test-mp test-qemu test-qemu-m0plus test-qemu-rv32 test-qemu-ss512 test-image -k; rc=$$?; \
	cat $(B)/unix.summary $(B)/qemu.summary $(B)/qemu-m0plus.summary $(B)/qemu-rv32.summary $(B)/qemu-ss512.summary $(B)/image.summary 2>/dev/null | \
	awk '{p+=$$1; f+=$$2} END {printf "MicroPython tests (unix, QEMU M3, M0+, RV32, M3 with 512-byte FAT sectors, and the image tool), total:\n%d passed, %d failed\n", p, f}'; \
	exit $$rc

# Host builds compile littlefs v2 from the MicroPython tree (build.rs): name it, so that a
# missing tree fails instead of leaving littlefs out.
HOST_CARGO_ENV = RUSTOS_MICROPY_DIR=$(MPY)

test-cargo: deps check-tree
	$(HOST_CARGO_ENV) cargo test --quiet

# The host image tool (src/bin/rustos-image), on the firmware's littlefs.
image-tool: deps check-tree
	$(HOST_CARGO_ENV) cargo build --quiet --release --features image-tool --bin rustos-image
	@cp target/release/rustos-image $(B)/rustos-image

# Its images read by both firmwares and littlefs-python, its UF2 by uf2conv.py, its refusals.
test-image: image-tool firmware stock
	@python3 $(TOP)/tests/image/run.py --tool $(B)/rustos-image --ours $(B)/unix/micropython \
		--stock $(B)/unix-stock/micropython --micropy-dir $(MPY) --summary $(B)/image.summary

test-mp: firmware stock
	@python3 $(TOP)/tests/run_mp_tests.py --micropy-dir $(MPY) \
		--ours $(B)/unix/micropython --stock $(B)/unix-stock/micropython --summary $(B)/unix.summary

# Lint both configurations: the host one (what cargo test builds) and the firmware one,
# where bindgen sees the unix port's real flags and the boundary code is compiled.
# MicroPython's suite and tests/qemu on the QEMU firmware, stock under QEMU as the reference
# (after the size report of the two firmwares, so every test run prints it).
test-qemu: size
	@python3 $(TOP)/tests/run_mp_tests.py --qemu --micropy-dir $(MPY) \
		--ours $(B)/qemu-mps2/firmware.elf --stock $(B)/qemu-mps2-stock/firmware.elf --summary $(B)/qemu.summary

# The os/vfs tests (and tests/qemu) on the Cortex-M0+ build: RP2040's instruction set,
# proven by execution.  Stock for M3 is the reference for which of them must pass.
test-qemu-m0plus: firmware-qemu-m0plus stock-qemu
	@python3 $(TOP)/tests/run_mp_tests.py --qemu --only 'extmod/(vfs_|os_)' --micropy-dir $(MPY) \
		--ours $(B)/qemu-m0plus/firmware.elf --stock $(B)/qemu-mps2-stock/firmware.elf \
		--label qemu-m0plus --summary $(B)/qemu-m0plus.summary

# MicroPython's suite and tests/qemu on the RISC-V build, stock VIRT_RV32 as the reference.
test-qemu-rv32: firmware-qemu-rv32 stock-qemu-rv32
	@python3 $(TOP)/tests/run_mp_tests.py --qemu --qemu-cmd "$(QEMU_RV32)" --micropy-dir $(MPY) \
		--ours $(B)/qemu-rv32/firmware.elf --stock $(B)/qemu-rv32-stock/firmware.elf \
		--label qemu-rv32 --summary $(B)/qemu-rv32.summary

# Cross builds of the crate for the rp2/esp32 Rust targets rustup provides, and
# micropython.cmake configured as each of those ports would (issue 7).
cross: firmware-qemu
	@$(TOP)/tools/cross_check.sh $(B) $(MPY)
	@$(TOP)/tests/cmake/run.sh $(MPY) $(B)

# The crate (bindgen, cargo) and the C glue compiled against the real configurations of the
# rp2 and esp32 boards users build: the port's mpconfigport.h, the board's mpconfigboard.h,
# the definitions of their cmake files, and stand-ins only for SDK headers (tests/ports).
# One line a board (issue 20).
check-ports: deps-qemu check-tree
	@JOBS=$(JOBS) $(TOP)/tools/check_ports.sh $(B) $(MPY)

# Firmware size, ours against stock (QEMU MPS2_AN385), with what our part is made of.
size: firmware-qemu stock-qemu
	@python3 $(TOP)/tools/size_report.py $(B)/qemu-mps2/firmware.elf $(B)/qemu-mps2-stock/firmware.elf \
		--markdown $(B)/size.md

# Benchmarks, ours against stock on the unix firmwares in one run (tools/bench): time,
# block-device traffic and heap per workload, plus the QEMU firmwares' sizes as they are.
# Each firmware runs in four code layouts: as built, and relinked from the same objects with
# 16, 32 and 48 bytes in front of .text (micropython-padN beside it), so that its interpreter
# sits once at every 16-byte offset of a 64-byte line.  Where the dispatch loop falls in a line
# moves the interpreter's speed by 10% on this machine, and the two firmwares draw that
# differently; the report is the mean over the layouts.  micropython-sym, the same objects
# linked unstripped, runs each workload once under callgrind: instructions executed, which
# depend on neither layout nor load.
comma := ,
BENCH_LAYOUTS := 0,16,32,48
BENCH_QSTR_SHIFTS := 0,8,16,24,32,40,48,56
BENCH_PADS := $(filter-out 0,$(subst $(comma), ,$(BENCH_LAYOUTS)))
bench-layouts: firmware stock
	@mkdir -p $(B)/bench
	@for p in $(BENCH_PADS); do \
		printf 'SECTIONS\n{\n  .text.pad : { BYTE(0x90); . = . + %s - 1; }\n}\nINSERT BEFORE .text;\n' $$p > $(B)/bench/pad$$p.ld; \
		$(MAKE) -s $(OURS_UNIX_ARGS) PROG=micropython-pad$$p LDFLAGS_EXTRA=-Wl,-T,$(B)/bench/pad$$p.ld >/dev/null || exit 1; \
		$(MAKE) -s $(UNIX_ARGS) BUILD=$(B)/unix-stock PROG=micropython-pad$$p LDFLAGS_EXTRA=-Wl,-T,$(B)/bench/pad$$p.ld >/dev/null || exit 1; \
	done
	@$(MAKE) -s $(OURS_UNIX_ARGS) PROG=micropython-sym STRIP= >/dev/null
	@$(MAKE) -s $(UNIX_ARGS) BUILD=$(B)/unix-stock PROG=micropython-sym STRIP= >/dev/null

bench: bench-layouts
	@python3 $(TOP)/tools/bench/run.py --ours $(B)/unix/micropython --stock $(B)/unix-stock/micropython \
		--layouts $(BENCH_LAYOUTS) --qstr-shifts $(BENCH_QSTR_SHIFTS) --mpy-cross $(MPYCROSS) --out $(B)/bench \
		--callgrind-ours $(B)/unix/micropython-sym --callgrind-stock $(B)/unix-stock/micropython-sym

lint: firmware
	cargo fmt --check
	$(HOST_CARGO_ENV) cargo clippy --quiet --all-targets -- -D warnings
	$(HOST_CARGO_ENV) cargo clippy --quiet --features image-tool --all-targets -- -D warnings
	RUSTOS_CFLAGS_FILE=$(B)/unix/rustos/cflags.txt RUSTOS_PORT_DIR=$(MPY)/ports/unix \
		cargo clippy --quiet --features unix --all-targets -- -D warnings

# Power-loss torture (issue #9): littlefs v2 and v1 (4096- and 512-byte blocks) and FAT on a
# RAM device whose power is cut, cleanly or mid-write, at every write of a workload; each
# survivor is remounted and checked (tools/torture/run.py).  torture-quick cuts at every
# 5th write of lfs2, lfs1 and FAT (seconds).  TORTURE_FW=build/unix-stock/micropython
# runs the same on stock.
TORTURE_FW ?= $(B)/unix/micropython
torture: firmware
	@python3 $(TOP)/tools/torture/run.py --fw $(TORTURE_FW)

torture-quick: firmware
	@python3 $(TOP)/tools/torture/run.py --quick --fw $(TORTURE_FW)

# Issue #9's areas in one run, one summary line each (tools/reliability.py; logs in
# build/reliability): power loss (the full torture), corrupt images (tools/fuzz/run.py,
# ours and stock), the generated bad-input battery against stock, threads, low memory.
# RELIABILITY_ARGS=--quick for seconds; --sanitize, --cargo-fuzz add those areas.
RELIABILITY_ARGS ?=
reliability: firmware stock firmware-gil
	@python3 $(TOP)/tools/reliability.py --ours $(B)/unix/micropython --stock $(B)/unix-stock/micropython \
		--gil $(B)/unix-gil/micropython $(RELIABILITY_ARGS)

# Sanitizers and valgrind (issue #9): our unix firmware with ASan+UBSan (C) and ASan, debug
# assertions, overflow checks and panic=abort (Rust) in build/unix-asan; our tests and
# MicroPython's suite, the quick torture, the corrupt-image fuzzer, the low-memory and thread
# runs on it; valgrind memcheck of the os/vfs tests on build/unix/micropython.  One summary
# line per area, exit 1 on any report (tools/sanitize/run.py; reports in build/sanitize).
sanitize: firmware stock
	@python3 $(TOP)/tools/sanitize/run.py --micropy-dir $(MPY) --jobs $(JOBS) --make-args "$(UNIX_ARGS)" \
		--stock $(B)/unix-stock/micropython --valgrind-fw $(B)/unix/micropython

# cargo-fuzz targets (fuzz/, issue #9): saved crash inputs and property sweeps under plain
# cargo test, then each target FUZZ_TIME seconds, one libFuzzer process at a time
# (tools/fuzz/cargo_fuzz.sh installs cargo-fuzz if missing; stable Rust + RUSTC_BOOTSTRAP).
FUZZ_TIME ?= 20
fuzz: check-tree
	cd fuzz && RUSTOS_FUZZ_OOFATFS=$(MPY)/lib/oofatfs cargo test --quiet
	@RUSTOS_FUZZ_OOFATFS=$(MPY)/lib/oofatfs $(TOP)/tools/fuzz/cargo_fuzz.sh $(FUZZ_TIME)

clean:
	rm -rf $(B)/unix $(B)/unix-stock $(B)/qemu-mps2 $(B)/qemu-mps2-stock $(B)/qemu-ss512 $(B)/qemu-ss512-stock $(B)/qemu-rv32 $(B)/qemu-rv32-stock \
		$(B)/mpy-cross $(B)/usermods* $(B)/unix-gil $(B)/unix-asan $(B)/unix-stock-asan $(B)/sanitize target
