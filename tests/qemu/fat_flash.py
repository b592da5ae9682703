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
    # Sparse: of each erase block, the bytes up to the last one written are stored (the
    # QEMU heap cannot hold 256 KB); the rest reads as erased flash.
    def __init__(self, blocks):
        self.blocks = blocks
        self.data = {}
        self.asked_block_size = 0

    def block(self, n):
        b = self.data.get(n, b"")
        return bytes(b) + b"\xff" * (4096 - len(b))

    def readblocks(self, n, buf):
        for i in range(0, len(buf), 4096):
            chunk = self.block(n + i // 4096)
            buf[i : i + 4096] = chunk[: len(buf) - i]

    def writeblocks(self, n, buf):
        for i in range(0, len(buf), 4096):
            part = buf[i : i + 4096]
            b = self.data.get(n + i // 4096, bytearray())
            if len(b) < len(part):
                b.extend(b"\xff" * (len(part) - len(b)))
            b[: len(part)] = part
            self.data[n + i // 4096] = b

    def ioctl(self, op, arg):
        if op == 4:
            return self.blocks
        if op == 5:
            self.asked_block_size += 1
            return 4096
        if op in (1, 2, 3, 6):
            return 0


def digest(dev):
    crc = 0
    for n in range(dev.blocks):
        crc = binascii.crc32(dev.block(n), crc)
    return "%08x" % (crc & 0xFFFFFFFF)


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
