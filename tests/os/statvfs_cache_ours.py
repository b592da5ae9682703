# os.statvfs on littlefs keeps the used-block count of its last full walk until a call
# that may write (issue 23).  Its figures must equal a fresh walk's after every kind of
# change: checked against a new filesystem object on the same device (which walks), and
# by device reads: a repeated call reads nothing, the first after a change reads again.
import os
import vfs


class RAM:
    def __init__(self, n, bs):
        self.bs = bs
        self.d = bytearray(n * bs)
        self.reads = 0

    def readblocks(self, n, buf, off=0):
        self.reads += 1
        a = n * self.bs + off
        buf[:] = self.d[a : a + len(buf)]

    def writeblocks(self, n, buf, off=None):
        a = n * self.bs + (off or 0)
        self.d[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.d) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            self.d[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
            return 0


def fresh(cls, dev):
    # a new object walks the filesystem as it is on the device now
    return getattr(vfs, cls)(dev).statvfs("/")


def step(cls, dev, label, compare=True):
    r0 = dev.reads
    a = os.statvfs("/m")
    r1 = dev.reads
    b = os.statvfs("/m")
    r2 = dev.reads
    line = "%s: free %d, walked %s, again reads %d" % (label, a[3], r1 > r0, r2 - r1)
    if compare:
        line += ", equals a fresh walk %s" % (a == b == fresh(cls, dev))
    print(line)


for cls in ("VfsLfs2", "VfsLfs1"):
    print(cls)
    dev = RAM(128, 512)
    getattr(vfs, cls).mkfs(dev)
    vfs.mount(getattr(vfs, cls)(dev), "/m")
    step(cls, dev, "empty")
    step(cls, dev, "no change")
    with open("/m/a", "wb") as f:
        f.write(b"a" * 3000)
    step(cls, dev, "write")
    f = open("/m/b", "wb")
    f.write(b"b" * 2000)
    # blocks of an open file count before it is closed (not yet on the device)
    step(cls, dev, "open writer", compare=False)
    f.write(b"b" * 2000)
    step(cls, dev, "open writer, more", compare=False)
    f.close()
    step(cls, dev, "close")
    with open("/m/b", "rb") as f:
        f.read(10)
    step(cls, dev, "read")
    os.mkdir("/m/d")
    step(cls, dev, "mkdir")
    os.rename("/m/a", "/m/d/a")
    step(cls, dev, "rename")
    os.rename("/m/b", "/m/d/a")
    step(cls, dev, "rename over a file")
    os.truncate("/m/d/a", 100)
    step(cls, dev, "truncate")
    os.remove("/m/d/a")
    step(cls, dev, "remove")
    os.rmdir("/m/d")
    step(cls, dev, "rmdir")
    os.stat("/m")
    list(os.ilistdir("/m"))
    step(cls, dev, "stat and listing")
    for i in range(20):
        with open("/m/f%d" % i, "wb") as f:
            f.write(bytes([i]) * (100 * i))
    step(cls, dev, "20 files")
    vfs.umount("/m")
    # someone else writes the device while it is not mounted: a new mount walks again
    fs = getattr(vfs, cls)(dev)
    with fs.open("big", "wb") as f:
        f.write(b"x" * 9000)
    vfs.mount(getattr(vfs, cls)(dev), "/m")
    step(cls, dev, "remount after a change")
    try:
        with open("/m/full", "wb") as f:
            while True:
                f.write(b"z" * 512)
    except OSError as e:
        print("filled:", e.errno)
    step(cls, dev, "after ENOSPC")
    os.remove("/m/full")
    step(cls, dev, "freed")
    vfs.umount("/m")
