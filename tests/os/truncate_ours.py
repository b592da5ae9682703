# f.truncate(size=None) and os.truncate(path, length) (issue 23), beyond stock: littlefs v1
# and v2 files and VfsPosix files, with CPython's semantics (size defaults to the
# position, the position does not move, growing fills with zeros, the new size is
# returned).  FAT too: shrinking frees the clusters past the end, growing writes zeros.
import os
import vfs


class RAM:
    def __init__(self, n, bs):
        self.bs = bs
        self.d = bytearray(n * bs)

    def readblocks(self, n, buf, off=0):
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


def err(f, *a):
    try:
        print("  ->", f(*a))
    except Exception as e:
        print("  ", type(e).__name__, e.errno if isinstance(e, OSError) else e)


def content(p):
    with open(p, "rb") as f:
        return f.read()


def check(root, label):
    print(label)
    p = root + "/f"
    with open(p, "wb") as f:
        f.write(b"0123456789" * 300)  # past littlefs 2's inline size, several blocks
    with open(p, "r+b") as f:
        f.seek(700)
        print("default to position:", f.truncate(), f.tell())
        print("grow:", f.truncate(1000), f.tell())
        print("read from 700:", f.read() == b"\0" * 300)
        f.seek(2)
        print("shrink below position:", f.truncate(1), f.tell(), f.read())
        f.seek(0)
        print("after:", f.read())
        f.write(b"ab")
        print("write after shrink:", f.tell())
    print("on disk:", content(p), os.stat(p)[6])
    with open(p, "w") as f:
        f.write("text")
        print("text file:", f.truncate(2), f.tell())
    print("on disk:", content(p))
    # a file written again at its old length after a shrink keeps the new bytes
    with open(p, "wb") as f:
        f.write(b"x" * 2000)
        f.truncate(100)
        f.seek(0, 2)
        f.write(b"y" * 10)
    d = content(p)
    print("shrink then append:", len(d), d[:100] == b"x" * 100, d[100:])
    os.truncate(p, 5000)
    d = content(p)
    print("os.truncate grow:", len(d), d[110:] == b"\0" * 4890, os.stat(p)[6])
    os.truncate(p, 3)
    print("os.truncate shrink:", content(p))
    os.truncate(p, 0)
    print("os.truncate to 0:", content(p))
    # an open reader of the same file sees the committed result after the writer closes
    with open(p, "wb") as f:
        f.write(b"z" * 1500)
    with open(p, "rb") as r:
        os.truncate(p, 10)
        print("reader after os.truncate:", len(r.read()))
    print("size:", os.stat(p)[6])
    print("errors:")
    err(os.truncate, root + "/missing", 1)
    os.mkdir(root + "/d")
    err(os.truncate, root + "/d", 1)
    os.rmdir(root + "/d")
    err(os.truncate, p, -1)
    with open(p, "rb") as f:
        err(f.truncate, 0)
    f = open(p, "r+b")
    f.close()
    err(f.truncate, 0)
    os.remove(p)


for cls in ("VfsLfs2", "VfsLfs1"):
    dev = RAM(64, 512)
    getattr(vfs, cls).mkfs(dev)
    vfs.mount(getattr(vfs, cls)(dev), "/m")
    check("/m", cls)
    # more than the device holds: EFBIG before anything is written
    with open("/m/g", "wb") as f:
        f.write(b"g")
        err(f.truncate, 64 * 512 + 1)
        print("  unchanged:", f.tell())
    err(os.truncate, "/m/g", 2**40)
    print("  size:", os.stat("/m/g")[6])
    vfs.umount("/m")
    # a readonly mount refuses, on a handle and by path
    fs = getattr(vfs, cls)(dev)
    vfs.mount(fs, "/m", readonly=True)
    err(os.truncate, "/m/g", 0)
    f = open("/m/g", "r+b")
    err(f.truncate, 0)
    err(f.close)  # littlefs 2 commits a writable handle's mtime at close: EROFS, as stock
    print("  size:", os.stat("/m/g")[6])
    vfs.umount("/m")

# A device too full for the new size: ENOSPC and the file stays as it was, by path and
# through a handle (a size whose data blocks alone are more than the free ones is refused
# before anything is written; by path, a fill that fails later is not committed either).
for cls in ("VfsLfs2", "VfsLfs1"):
    dev = RAM(64, 512)
    getattr(vfs, cls).mkfs(dev)
    vfs.mount(getattr(vfs, cls)(dev), "/m")
    with open("/m/fill", "wb") as f:
        f.write(b"f" * 20000)
    with open("/m/g", "wb") as f:
        f.write(b"g" * 1000)
    print(cls, "full")
    err(os.truncate, "/m/g", 30000)
    print("  unchanged:", content("/m/g") == b"g" * 1000)
    print("  statvfs equals a fresh walk:", os.statvfs("/m") == getattr(vfs, cls)(dev).statvfs("/"))
    f = open("/m/g", "r+b")
    err(f.truncate, 30000)
    err(f.close)
    print("  size:", os.stat("/m/g")[6], content("/m/g")[:1000] == b"g" * 1000)
    vfs.umount("/m")

HOST = "/tmp/rustos_truncate_test"
for n in ("f", "g"):
    try:
        os.remove(HOST + "/" + n)
    except OSError:
        pass
try:
    os.mkdir(HOST)
except OSError:
    pass
check(HOST, "VfsPosix (the unix root)")
vfs.mount(vfs.VfsPosix(HOST), "/px")
check("/px", "VfsPosix (mounted)")
vfs.umount("/px")
vfs.mount(vfs.VfsPosix(HOST), "/px", readonly=True)
with open(HOST + "/g", "w") as f:
    f.write("g")
err(os.truncate, "/px/g", 0)
vfs.umount("/px")
os.remove(HOST + "/g")
os.rmdir(HOST)

print("VfsFat")
dev = RAM(256, 512)
vfs.VfsFat.mkfs(dev)
vfs.mount(vfs.VfsFat(dev), "/fat")
free = os.statvfs("/fat")[3]
with open("/fat/f", "w") as f:
    f.write("fat" * 700)
    print("  file has truncate:", hasattr(f, "truncate"))
    f.seek(100)
    print("  truncate(1500):", f.truncate(1500), "tell:", f.tell())
    print("  truncate():", f.truncate(), "tell:", f.tell())
    f.seek(300)
    print("  truncate(10), then a write at 300:", f.truncate(10), f.write("!"))
print("  content:", content("/fat/f") == ("fat" * 4)[:10].encode() + bytes(290) + b"!", os.stat("/fat/f")[6])
err(os.truncate, "/fat/f", 5000)
print("  grown with zeros:", content("/fat/f")[301:] == bytes(5000 - 301), os.stat("/fat/f")[6])
err(os.truncate, "/fat/f", 2)
print("  shrunk:", content("/fat/f"), "clusters back:", os.statvfs("/fat")[3] == free - 1)
err(os.truncate, "/fat", 0)
err(os.truncate, "/fat/nope", 0)
with open("/fat/f", "rb") as f:
    err(f.truncate, 0)
err(os.truncate, "/fat/f", 10 * 1024 * 1024)
print("  unchanged after ENOSPC:", content("/fat/f"))
vfs.umount("/fat")
vfs.mount(vfs.VfsFat(dev), "/fat", readonly=True)
err(os.truncate, "/fat/f", 0)
vfs.umount("/fat")
