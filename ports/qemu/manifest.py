# Frozen modules for the QEMU builds (ours and stock alike): the port's own test modules,
# without unittest, which lives in micropython-lib (empty in Debian's source package).
freeze(
    "$(MPY_DIR)/ports/qemu/test-frzmpy",
    ("frozen_asm_thumb.py", "frozen_const.py", "frozen_viper.py", "native_frozen_align.py"),
)
