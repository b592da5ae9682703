# Part 2 of 2: after the soft reset, no mount and no current directory may survive (Rust
# keeps no state across it), and the files written before it mount and read back.
import os
import vfs
import sys
import uctypes

# RAM outside the firmware's RAM and GC heap: MPS2's PSRAM, or on the RISC-V virt board the
# top of its 128 MiB of RAM (the firmware ends well below).
ADDR = 0x81000000 if "RV32" in sys.implementation._build else 0x21000000


class Mem:
    def __init__(self):
        self.data = uctypes.bytearray_at(ADDR, 32 * 512)

    def readblocks(self, block, buf, off=0):
        a = block * 512 + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, block, buf, off=0):
        a = block * 512 + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        return {4: 32, 5: 512, 6: 0}.get(op)


print("mounts after reset:", vfs.mount(), os.getcwd())
vfs.mount(Mem(), "/keep")
print(os.listdir("/keep"), os.listdir("/keep/dir"))
print(open("/keep/dir/survivor.txt").read(), end="")
vfs.umount("/keep")
