# HAL functions the QEMU port lacks but its filesystems need (stock and ours alike).
SRC_USERMOD_C += $(USERMOD_DIR)/qemu_hal.c

ifeq ($(QEMU_ARCH),arm)
LDFLAGS_USERMOD += -Wl,-T,$(USERMOD_DIR)/discard_exidx.ld
endif

# VIRT_RV32 with Debian's riscv64-unknown-elf-gcc 12.2 and picolibc 1.8 (see the Makefile's
# firmware-qemu-rv32).  GCC 12 picks a multilib by the exact -march string, and the port's
# default rv32imac_zicsr is not one (the rv64 default libgcc/libc would be linked), so the
# Makefile passes RV32_ARCH=rv32imac, which is; under GCC 12's default ISA spec (20191213)
# rv32imac lacks the CSR instructions the port's startup and trap code use, and ISA spec 2.2
# includes them (the same instructions: Zicsr was split out of I after 2.2).
# picolibc.specs links picolibc's crt0 as a start file; the port brings its own start-up
# (mcu/rv32/entrypoint.s, which QEMU enters at the start of RAM) and its linker script does
# not define the __data_*/__bss_* symbols that crt0 needs, so it is left out.
ifeq ($(QEMU_ARCH),riscv32)
CFLAGS_USERMOD += -misa-spec=2.2
AFLAGS += -misa-spec=2.2
LDFLAGS_USERMOD += -misa-spec=2.2 -nostartfiles
endif
