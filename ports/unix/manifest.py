# Frozen modules for the unix builds (ours and stock alike). The standard variant's own
# manifest pulls packages from micropython-lib, which Debian's source package leaves empty.
include("$(MPY_DIR)/extmod/asyncio")
