# HAL functions the QEMU port lacks but its filesystems need (stock and ours alike).
SRC_USERMOD_C += $(USERMOD_DIR)/qemu_hal.c
LDFLAGS_USERMOD += -Wl,-T,$(USERMOD_DIR)/discard_exidx.ld
