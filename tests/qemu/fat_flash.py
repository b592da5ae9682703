# VfsFat on a device shaped like rp2.Flash: 4096-byte erase blocks, reported by ioctl(5),
# read and written through the simple interface (block n is at byte n * 4096).  What lands
# on the device follows the firmware's FF_MAX_SS: with 4096 the volume has 4096-byte
# sectors; with 512 (RPI_PICO's oofatfs) the sector size is fixed, ioctl(5) is never asked,
# and each 512-byte sector n sits at byte n * 4096.  The expected output is stock's for the
# same FF_MAX_SS (tests/qemu for 4096; tests/qemu-ss512 for 512), and the digest is of the
# whole device, so equal output means stock and ours read each other's volumes.  The QEMU
# boards stamp every file with one fixed time, so the image is the same at every run.
import binascii
import os
import vfs


class Flash:
    def __init__(self, blocks):
        self.data = bytearray(b"\xff" * (blocks * 4096))
        self.asked_block_size = 0

    def readblocks(self, n, buf):
        a = n * 4096
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf):
        a = n * 4096
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // 4096
        if op == 5:
            self.asked_block_size += 1
            return 4096
        if op in (1, 2, 3, 6):
            return 0


def digest(dev):
    return "%08x" % (binascii.crc32(dev.data) & 0xFFFFFFFF)


dev = Flash(64)
vfs.VfsFat.mkfs(dev)
print("mkfs", digest(dev))
fs = vfs.VfsFat(dev)
vfs.mount(fs, "/fl")
os.mkdir("/fl/lib")
with open("/fl/main.py", "w") as f:
    f.write("print('hello from flash')\n" * 40)
with open("/fl/lib/data.bin", "wb") as f:
    f.write(bytes(range(256)) * 20)
with open("/fl/a long file name.txt", "w") as f:
    f.write("x" * 1000)
os.remove("/fl/a long file name.txt")
print("statvfs", os.statvfs("/fl"))
print("listing", sorted(os.ilistdir("/fl")), sorted(os.ilistdir("/fl/lib")))
vfs.umount("/fl")
print("image", digest(dev))
print("ioctl(5) asked", dev.asked_block_size > 0)

# The volume reads back after a remount.
vfs.mount(vfs.VfsFat(dev), "/fl")
with open("/fl/lib/data.bin", "rb") as f:
    print("data ok", f.read() == bytes(range(256)) * 20)
print("main.py", os.stat("/fl/main.py")[6])
vfs.umount("/fl")
