# os.utime(path, times=None, *, ns=None) (issue 23), beyond stock.  littlefs 2 mounted
# with mtime=True writes its mtime attribute (os.stat shows it); VfsPosix sets the host's
# times; FAT writes its entry's date and time (2-second steps, 1980 to 2107: outside them
# OverflowError); littlefs 1 and littlefs 2 with mtime=False raise EOPNOTSUPP rather than
# do nothing.  Arguments are checked as CPython checks them.
import os
import time
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


def err(f, *a, **k):
    try:
        print("  ->", f(*a, **k))
    except Exception as e:
        print("  ", type(e).__name__, e.errno if isinstance(e, OSError) else e)


def times(p):
    return os.stat(p)[7:10]


def check(root, label):
    print(label)
    p = root + "/f"
    with open(p, "w") as f:
        f.write("x")
    os.utime(p, (1000000000, 1200000000))
    print("times:", times(p)[1])
    os.utime(p, (5, 1300000000.75))
    print("float times:", times(p)[1])
    os.utime(p, ns=(7, 1400000000999999999))
    print("ns:", times(p)[1])
    os.utime(p, times=None)
    now = time.time()
    print("now:", abs(times(p)[1] - now) <= 2)
    os.mkdir(root + "/d")
    os.utime(root + "/d", (1, 1500000000))
    print("directory:", times(root + "/d")[1])
    os.rmdir(root + "/d")
    # a write after utime moves the mtime on again
    os.utime(p, (1, 1000000000))
    with open(p, "a") as f:
        f.write("y")
    print("write after:", abs(times(p)[1] - time.time()) <= 2)
    print("errors:")
    err(os.utime, root + "/missing", (1, 2))
    err(os.utime, p, (1, 2), ns=(1, 2))
    err(os.utime, p, [1, 2])
    err(os.utime, p, (1, 2, 3))
    err(os.utime, p, ("1", 2))
    err(os.utime, p, ns=(1.5, 2))
    err(os.utime, p, ns=None)
    err(os.utime, p, ns=[1, 2])
    err(os.utime, p, (float("nan"), 1))
    err(os.utime, p, (1, float("inf")))
    err(os.utime, p, (1, 2**70))
    err(os.utime, p, ns=(1, 2**70))
    err(os.utime, 1, (1, 2))
    err(os.utime, p, (1, 2), 3)
    os.remove(p)


dev = RAM(64, 512)
vfs.VfsLfs2.mkfs(dev)
vfs.mount(vfs.VfsLfs2(dev), "/m")
check("/m", "VfsLfs2")
with open("/m/g", "w") as f:
    f.write("g")
print("before 1970:")
err(os.utime, "/m/g", (1, -1))
print("  unchanged:", times("/m/g")[1] > 0)
vfs.umount("/m")
print("VfsLfs2 readonly")
vfs.mount(vfs.VfsLfs2(dev), "/m", readonly=True)
err(os.utime, "/m/g", (1, 2))
vfs.umount("/m")
print("VfsLfs2 mtime=False")
vfs.mount(vfs.VfsLfs2(dev, mtime=False), "/m")
err(os.utime, "/m/g", (1, 2))
err(os.utime, "/m/missing", (1, 2))
vfs.umount("/m")
print("VfsLfs1")
dev = RAM(64, 512)
vfs.VfsLfs1.mkfs(dev)
vfs.mount(vfs.VfsLfs1(dev), "/m")
with open("/m/g", "w") as f:
    f.write("g")
err(os.utime, "/m/g", (1, 2))
err(os.utime, "/m/g")
vfs.umount("/m")
print("VfsFat")
dev = RAM(256, 512)
vfs.VfsFat.mkfs(dev)
vfs.mount(vfs.VfsFat(dev), "/fat")
with open("/fat/g", "w") as f:
    f.write("g")
os.mkdir("/fat/d")
err(os.utime, "/fat/g", (1, 2))
err(os.utime, "/fat/g", (1, 1000000001))
print("  stat:", os.stat("/fat/g")[8], "(2-second steps)")
err(os.utime, "/fat/d", ns=(0, 1234567890 * 10**9))
print("  stat:", os.stat("/fat/d")[8])
err(os.utime, "/fat", (1, 1000000000))
err(os.utime, "/fat/nope", (1, 1000000000))
vfs.umount("/fat")
vfs.mount(vfs.VfsFat(dev), "/fat", readonly=True)
err(os.utime, "/fat/g", (1, 1000000000))
vfs.umount("/fat")

HOST = "/tmp/rustos_utime_test"
try:
    os.mkdir(HOST)
except OSError:
    pass
check(HOST, "VfsPosix (the unix root)")
with open(HOST + "/g", "w") as f:
    f.write("g")
os.utime(HOST + "/g", ns=(-1500000000, -2500000000))
print("before 1970:", times(HOST + "/g")[:2])
vfs.mount(vfs.VfsPosix(HOST), "/px", readonly=True)
err(os.utime, "/px/g", (1, 2))
vfs.umount("/px")
os.remove(HOST + "/g")
os.rmdir(HOST)
