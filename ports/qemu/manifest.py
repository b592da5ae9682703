# Frozen modules for the QEMU builds (ours and stock alike): the port's own test modules,
# and unittest, which upstream takes from micropython-lib (empty in Debian's source
# package): ours, from tests/lib.
freeze(
    "$(MPY_DIR)/ports/qemu/test-frzmpy",
    ("frozen_asm_thumb.py", "frozen_const.py", "frozen_viper.py", "native_frozen_align.py"),
)
module("unittest.py", base_path="../../tests/lib")
