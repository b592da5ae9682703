# FAT image interoperability.  Run by tests/run_mp_tests.py on both firmwares:
#   micropython fat_image.py write IMAGE SECTOR_SIZE SECTOR_COUNT SRCDIR
#   micropython fat_image.py modify IMAGE SECTOR_SIZE SRCDIR
#   micropython fat_image.py read IMAGE SECTOR_SIZE
# "write" formats a RAM device (VfsFat.mkfs), copies the host directory SRCDIR into it and
# saves the raw image.  "modify" mounts an existing image (made by mkfs.fat and filled by
# mtools), removes "/removed by firmware.txt" and copies SRCDIR into "/Added By Firmware".
# "read" mounts an image and prints everything in it: the runner compares that with what
# was put in (the host tree, listed the same way), with the other firmware's reading, and
# checks the images we write with fsck.fat and mtools.
#
# The copy is not a plain copy: a few names (see fill()) get there by rename, by moving a
# directory to another parent, by append, by overwrite, and after files around them have
# been removed (so that a file is fragmented), as a real user of the filesystem would.
import sys
import os
import vfs
import hashlib
import binascii

DIR = 0x4000


class RAMBlockDev:
    def __init__(self, sector_size, data):
        self.ss = sector_size
        self.data = data

    def readblocks(self, block, buf):
        addr = block * self.ss
        buf[:] = self.data[addr : addr + len(buf)]

    def writeblocks(self, block, buf):
        addr = block * self.ss
        self.data[addr : addr + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.ss
        if op == 5:
            return self.ss
        return 0


class FileBlockDev:
    """An image file on the host as a block device (images of FAT32 are too big for RAM)."""

    def __init__(self, path, sector_size):
        self.ss = sector_size
        self.f = open(path, "r+b")
        self.f.seek(0, 2)
        self.count = self.f.tell() // sector_size

    def readblocks(self, block, buf):
        self.f.seek(block * self.ss)
        mv = memoryview(buf)
        got = 0
        while got < len(buf):
            n = self.f.readinto(mv[got:])
            if not n:
                raise OSError(5)
            got += n

    def writeblocks(self, block, buf):
        self.f.seek(block * self.ss)
        self.f.write(buf)

    def ioctl(self, op, arg):
        if op == 3:
            self.f.flush()
        if op == 4:
            return self.count
        if op == 5:
            return self.ss
        return 0


def copy_file(src, dst, chunk=1000):
    # Odd-sized chunks: writes that start and end inside sectors.
    with open(src, "rb") as fi:
        with open(dst, "wb") as fo:
            while True:
                b = fi.read(chunk)
                if not b:
                    break
                fo.write(b)


def copy(src, dst):
    if os.stat(src)[0] & DIR:
        os.mkdir(dst)
        for name in sorted(os.listdir(src)):
            copy(src + "/" + name, dst + "/" + name)
    else:
        copy_file(src, dst)


def pattern(n, seed):
    return bytes((seed * 31 + i * 7 + (i >> 8)) & 0xFF for i in range(n))


def fill(src, dst):
    """Copy the host tree src into the mounted directory dst, with the detours above."""
    for i in range(6):  # clusters that are freed later: fragmentation
        with open(dst + "/gap%d.bin" % i, "wb") as f:
            f.write(pattern(1500, i))
    os.mkdir(dst + "/gonedir")
    os.mkdir(dst + "/gonedir/sub")
    with open(dst + "/gonedir/sub/x.txt", "w") as f:
        f.write("x" * 700)
    names = sorted(os.listdir(src))
    for name in names:
        s, d = src + "/" + name, dst + "/" + name
        if name == "fragmented.bin":
            continue
        elif name == "Moved Directory":
            # filled in another parent, then moved: its ".." must follow
            copy(s, dst + "/gonedir/staging")
            os.rename(dst + "/gonedir/staging", d)
        elif name == "renamed to a long name.txt":
            copy(s, dst + "/SHORT.TMP")
            os.rename(dst + "/SHORT.TMP", d)
        elif name == "appended.txt":
            with open(s, "rb") as f:
                data = f.read()
            half = len(data) // 2 + 3
            with open(d, "wb") as f:
                f.write(data[:half])
            with open(d, "ab") as f:
                f.write(data[half:])
        elif name == "overwritten.txt":
            with open(d, "wb") as f:  # 3 clusters or more, then truncated by "w"
                f.write(pattern(9000, 9))
            copy(s, d)
        else:
            copy(s, d)
    for i in (0, 2, 4):
        os.remove(dst + "/gap%d.bin" % i)
    if "fragmented.bin" in names:
        copy(src + "/fragmented.bin", dst + "/fragmented.bin")
    for i in (1, 3, 5):
        os.remove(dst + "/gap%d.bin" % i)
    os.remove(dst + "/gonedir/sub/x.txt")
    os.rmdir(dst + "/gonedir/sub")
    os.rmdir(dst + "/gonedir")


def walk(path, rel):
    for name, kind, _, size in sorted(os.ilistdir(path)):
        p = path + "/" + name
        r = rel + "/" + name
        st = os.stat(p)
        if (st[0] & DIR) != (kind & DIR):
            print("BAD type", r, kind, st[0])
        if kind & DIR:
            print("D", r)
            print("T", r, st[8])
            walk(p, r)
            continue
        with open(p, "rb") as f:
            content = f.read()
            mid = size // 2
            f.seek(mid)
            tail = f.read(100)
        if tail != content[mid : mid + 100]:
            print("BAD seek", r)
        if not (size == st[6] == len(content)):
            print("BAD size", r, size, st[6], len(content))
        digest = binascii.hexlify(hashlib.sha256(content).digest()).decode()
        print("F", r, len(content), digest)
        print("T", r, st[8])


mode, image, ss = sys.argv[1], sys.argv[2], int(sys.argv[3])

if mode == "write":
    count, src = int(sys.argv[4]), sys.argv[5]
    # The RAM is full of valid-looking directory entries: whatever mkfs or a new
    # directory cluster leaves uninitialised shows up as GARBAGE.BIN in a listing.
    garbage = b"GARBAGE BIN\x20" + bytes(20)
    dev = RAMBlockDev(ss, bytearray(garbage * (ss * count // 32)))
    vfs.VfsFat.mkfs(dev)
    vfs.mount(vfs.VfsFat(dev), "/img")
    fill(src, "/img")
    vfs.umount("/img")
    with open(image, "wb") as f:
        f.write(dev.data)
    print("written")
elif mode == "modify":
    src = sys.argv[4]
    dev = FileBlockDev(image, ss)
    vfs.mount(vfs.VfsFat(dev), "/img")
    os.remove("/img/removed by firmware.txt")
    os.mkdir("/img/Added By Firmware")
    fill(src, "/img/Added By Firmware")
    vfs.umount("/img")
    dev.f.close()
    print("modified")
else:
    dev = FileBlockDev(image, ss)
    vfs.mount(vfs.VfsFat(dev), "/img")
    walk("/img", "")
    print("statvfs", os.statvfs("/img"))
    vfs.umount("/img")
    dev.f.close()
