# Part 2 of 2: after the soft reset, no mount and no current directory may survive (Rust
# keeps no state across it), and the files written before it mount and read back.
import os
import vfs
import uctypes

ADDR = 0x21000000


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
