# littlefs (v1 and v2) image interoperability.  Run by tests/run_mp_tests.py on both firmwares:
#   micropython lfs_image.py write IMAGE BLOCK_SIZE BLOCK_COUNT PROGSIZE VfsLfs2|VfsLfs1
#   micropython lfs_image.py read IMAGE BLOCK_SIZE BLOCK_COUNT PROGSIZE VfsLfs2|VfsLfs1
# "write" formats a RAM device, fills it and saves the raw image; "read" mounts a saved
# image and prints everything in it.  The runner checks that an image written by one
# firmware reads identically on both.
import sys
import os
import vfs


class RAMBlockDev:
    def __init__(self, block_size, data):
        self.block_size = block_size
        self.data = data

    def readblocks(self, block, buf, off=0):
        addr = block * self.block_size + off
        buf[:] = self.data[addr : addr + len(buf)]

    def writeblocks(self, block, buf, off=None):
        if off is None:
            self.ioctl(6, block)  # the simple interface erases first
            off = 0
        addr = block * self.block_size + off
        self.data[addr : addr + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.block_size
        if op == 5:
            return self.block_size
        if op == 6:
            addr = arg * self.block_size
            self.data[addr : addr + self.block_size] = b"\xff" * self.block_size
            return 0


mode, image = sys.argv[1], sys.argv[2]
bs, bc, progsize = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
Fs = getattr(vfs, sys.argv[6])

if mode == "write":
    dev = RAMBlockDev(bs, bytearray(b"\xff" * (bs * bc)))
    Fs.mkfs(dev, progsize=progsize)
    fs = Fs(dev, progsize=progsize)
    vfs.mount(fs, "/img")
    os.mkdir("/img/a")
    os.mkdir("/img/a/b")
    os.mkdir("/img/a/b/c")
    with open("/img/a/b/c/deep.txt", "w") as f:
        f.write("deep\n")
    with open("/img/big.bin", "wb") as f:
        for i in range(40):
            f.write(bytes((i * 7 + j) & 0xFF for j in range(257)))
    with open("/img/small.txt", "w") as f:
        f.write("small file, inline in its directory\n")
    with open("/img/a/renamed.txt", "w") as f:
        f.write("before")
    os.rename("/img/a/renamed.txt", "/img/a/after.txt")
    with open("/img/gone.txt", "w") as f:
        f.write("x")
    os.remove("/img/gone.txt")
    with open("/img/appended.txt", "w") as f:
        f.write("one")
    with open("/img/appended.txt", "a") as f:
        f.write(" two")
    vfs.umount("/img")
    with open(image, "wb") as f:
        f.write(dev.data)
    print("written")
else:
    with open(image, "rb") as f:
        data = bytearray(f.read())
    dev = RAMBlockDev(bs, data)
    vfs.mount(dev, "/img")  # auto-detection finds littlefs

    def walk(path, depth):
        for name, kind, _, size in sorted(os.ilistdir(path)):
            p = path + "/" + name
            st = os.stat(p)
            # (stock's stat() of a littlefs directory returns uninitialised stack memory as
            # its size, different on every run, so sizes are compared for files only)
            line = "  " * depth + "%s %s size=%d stat_size=%s mtime_set=%s" % (
                name,
                "dir" if kind == 0x4000 else "file",
                size,
                st[6] if kind != 0x4000 else "-",
                st[8] > 0,
            )
            print(line)
            if kind == 0x4000:
                walk(p, depth + 1)
            else:
                with open(p, "rb") as f:
                    content = f.read()
                print("  " * depth, " crc", sum(content) & 0xFFFFFFFF, len(content), content[:12])

    walk("/img", 0)
    st = os.statvfs("/img")
    print("statvfs", st[0], st[2], st[9])
    vfs.umount("/img")
