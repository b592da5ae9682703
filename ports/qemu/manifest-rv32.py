# Frozen modules for the RISC-V QEMU build (VIRT_RV32), ours and stock alike: the port's own
# test modules as upstream freezes them for this board, and unittest, which upstream takes
# from micropython-lib (empty in Debian's source package): ours, from tests/lib.
freeze(
    "$(MPY_DIR)/ports/qemu/test-frzmpy",
    ("frozen_asm_rv32.py", "frozen_const.py", "frozen_viper.py", "native_frozen_align.py"),
)
module("unittest.py", base_path="../../tests/lib")
