# A block device whose Python code raises (not an OSError) in the middle of a littlefs
# commit.  littlefs 2 hooks directories on the C stack into its list of open handles while
# rmdir, rename and mkdir commit (lfs2_remove_, lfs2_rename_, lfs2_mkdir_); stock lets the
# device's exception longjmp past littlefs, so the list keeps a pointer into a dead stack
# frame and the next commit follows it: stock 1.26.1 crashes (SIGSEGV) after the failed
# rmdir and after the failed rename.  Ours turns
# the exception into a littlefs error, lets littlefs unwind, then raises it unchanged: the
# filesystem goes on working and keeps every committed file.
import os
import vfs


class Gone(Exception):
    pass


class RAM:
    def __init__(self, n, bs):
        self.bs = bs
        self.d = bytearray(b"\xff" * (n * bs))
        self.fail = False

    def readblocks(self, n, buf, off=0):
        a = n * self.bs + off
        buf[:] = self.d[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        if self.fail:
            raise Gone("device gone")
        a = n * self.bs + off
        self.d[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.d) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            if self.fail:
                raise Gone("device gone")
            self.d[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
            return 0


def fresh():
    dev = RAM(24, 512)
    vfs.VfsLfs2.mkfs(dev)
    fs = vfs.VfsLfs2(dev)
    vfs.mount(fs, "/m")
    for i in range(3):
        os.mkdir("/m/d%d" % i)
        with open("/m/d%d/f" % i, "w") as f:
            f.write("x" * 100)
        os.remove("/m/d%d/f" % i)
    return dev


def deep(n):
    # reuse the stack the failed call ran on
    return deep(n - 1) if n else [i * 7 for i in range(50)]


def attempt(what, f, *args):
    try:
        f(*args)
        print(what, "-> done")
    except Gone as e:
        print(what, "raised", type(e).__name__, e)


def go_on(dev):
    deep(30)
    f = open("/m/keep", "a")
    f.write(" world")
    f.close()
    for i in range(12):
        with open("/m/n%d" % i, "w") as g:
            g.write("y" * 300)
    os.rmdir("/m/d2")
    os.rename("/m/n0", "/m/d0/n0")
    names = sorted(os.listdir("/m"))
    print("  listing:", names)
    vfs.umount("/m")
    vfs.mount(vfs.VfsLfs2(dev), "/m")
    print("  after a remount the same:", sorted(os.listdir("/m")) == names)
    print("  keep:", open("/m/keep").read(), "d0:", os.listdir("/m/d0"))
    vfs.umount("/m")


for what, op, args in (
    ("rmdir", os.rmdir, ("/m/d1",)),
    ("rename a directory over an empty one", os.rename, ("/m/d1", "/m/d0")),
    ("mkdir", os.mkdir, ("/m/new",)),
):
    dev = fresh()
    with open("/m/keep", "w") as f:
        f.write("hello")
    dev.fail = True
    attempt(what + " while the device raises", op, *args)
    dev.fail = False
    go_on(dev)
