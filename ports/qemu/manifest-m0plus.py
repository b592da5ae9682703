# Frozen modules for the Cortex-M0+ QEMU build: as ports/qemu/manifest.py, without the
# modules whose inline assembler and viper code need Thumb-2.
freeze("$(MPY_DIR)/ports/qemu/test-frzmpy", ("frozen_const.py",))
module("unittest.py", base_path="../../tests/lib")
