# Part 1 of 2 (part 2 runs next, after the soft reset run-tests.py does before each test):
# littlefs on a block device in RAM outside the GC heap, which a soft reset does not clear.
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


dev = Mem()
vfs.VfsLfs2.mkfs(dev)
vfs.mount(vfs.VfsLfs2(dev), "/keep")
os.mkdir("/keep/dir")
with open("/keep/dir/survivor.txt", "w") as f:
    f.write("written before the soft reset\n")
os.chdir("/keep/dir")
print(vfs.mount()[0][1], os.getcwd())
