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

.PHONY: all deps firmware stock run test test-cargo test-mp check-tree lint clean
all: firmware

deps:
	@$(TOP)/tools/install-deps.sh unix

$(DEFAULT_MPY)/py/mpconfig.h:
	@$(TOP)/tools/fetch-micropython.sh $(DEFAULT_MPY) $(MICROPY_VERSION)

check-tree: $(if $(filter $(MPY),$(DEFAULT_MPY)),$(DEFAULT_MPY)/py/mpconfig.h)
	@test -f $(MPY)/py/mpconfig.h || { echo "error: MICROPY_DIR=$(MPY) is not a MicroPython tree"; exit 1; }

$(MPYCROSS): | deps check-tree
	@$(MAKE) -s -C $(MPY)/mpy-cross -j$(JOBS) BUILD=$(B)/mpy-cross

$(B)/usermods/rustos:
	@mkdir -p $(B)/usermods && ln -sfn $(TOP) $@

# Our firmware: stock os/vfs off (guarded flags in micropython.mk), our module in.
# The unix port leaves dupterm off; we turn its hooks on so os.dupterm has somewhere to go.
firmware: deps check-tree $(MPYCROSS) $(B)/usermods/rustos
	@$(MAKE) $(UNIX_ARGS) BUILD=$(B)/unix USER_C_MODULES=$(B)/usermods \
		CFLAGS_EXTRA="-DMICROPY_PY_OS_DUPTERM=1"

# The reference: the same tree and options, stock os/vfs with FAT, LFS1 and LFS2.
stock: deps check-tree $(MPYCROSS)
	@$(MAKE) $(UNIX_ARGS) BUILD=$(B)/unix-stock

run: firmware
	@$(B)/unix/micropython

test: lint test-cargo test-mp

test-cargo: deps
	cargo test --quiet

test-mp: firmware stock
	@python3 $(TOP)/tests/run_mp_tests.py --micropy-dir $(MPY) \
		--ours $(B)/unix/micropython --stock $(B)/unix-stock/micropython

# Lint both configurations: the host one (what cargo test builds) and the firmware one,
# where bindgen sees the unix port's real flags and the boundary code is compiled.
lint: firmware
	cargo fmt --check
	cargo clippy --quiet --all-targets -- -D warnings
	RUSTOS_CFLAGS_FILE=$(B)/unix/rustos/cflags.txt RUSTOS_PORT_DIR=$(MPY)/ports/unix \
		cargo clippy --quiet --features unix --all-targets -- -D warnings

clean:
	rm -rf $(B)/unix $(B)/unix-stock $(B)/mpy-cross $(B)/usermods target
