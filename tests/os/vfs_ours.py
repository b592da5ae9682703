# VFS behaviour where we deliberately differ from stock MicroPython.
import os
import vfs

D = "/tmp/rustos_vfs_ours"


def show(label, f, *args):
    try:
        print(label, "->", f(*args))
    except Exception as e:
        print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)


# Stock truncates a path at an embedded NUL and acts on another file; we refuse.
show("stat nul", os.stat, "/tmp\x00/etc/passwd")
show("listdir nul", os.listdir, "/\x00")
show("mkdir nul", os.mkdir, D + "\x00x")
show("open via VfsPosix nul", vfs.VfsPosix().open, "/tmp\x00x", "r")
show("VfsPosix root nul", vfs.VfsPosix, "/tmp\x00x")

# Stock accepts any mount point, and one without '/' can never be reached ("" even
# reads out of bounds).  We say EINVAL.
class FS:
    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass


for point in ("", "rel", "x/y"):
    show("mount at %r" % point, vfs.mount, FS(), point)
print([m[1] for m in vfs.mount()])

# Stock's rooted VfsPosix builds both rename paths in one buffer, so the first is
# overwritten and rename fails with ENOENT.  Ours renames.
try:
    os.mkdir(D)
except OSError:
    pass
with open(D + "/a", "w") as f:
    f.write("x")
fs = vfs.VfsPosix(D)
vfs.mount(fs, "/r")
show("rename in rooted VfsPosix", os.rename, "/r/a", "/r/b")
print(sorted(os.listdir("/r")))
os.remove("/r/b")
vfs.umount("/r")
os.rmdir(D)

# os.sync() exists (stock unix has none) and asks every mount that can sync to do so.
class Syncing(FS):
    def sync(self):
        print("synced")


vfs.mount(Syncing(), "/s")
os.sync()
vfs.umount("/s")
# Stock's stat() of a littlefs directory returns uninitialised stack memory as st_size
# (a different number on every run); ours is 0.
class RAM:
    def __init__(self, n):
        self.data = bytearray(b"\xff" * (n * 512))

    def readblocks(self, block, buf, off=0):
        a = block * 512 + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, block, buf, off=0):
        a = block * 512 + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        return {4: len(self.data) // 512, 5: 512, 6: 0}.get(op)


dev = RAM(64)
vfs.VfsLfs2.mkfs(dev)
vfs.mount(vfs.VfsLfs2(dev), "/lfs")
os.mkdir("/lfs/d")
print("lfs2 dir st_size", os.stat("/lfs/d")[6], os.stat("/lfs")[6])
vfs.umount("/lfs")

# littlefs 1 takes the root as remove's target (an empty root goes) and as either side
# of a rename; stock then raises MemoryError (a huge allocation) and the filesystem is
# corrupt (OSError 52 from every call after).  We refuse with EINVAL, as littlefs 2 does.
for label, op in (
    ("rmdir /", lambda fs: fs.rmdir("/")),
    ("remove ''", lambda fs: fs.remove("")),
    ("rename / x", lambda fs: fs.rename("/", "x")),
    ("rename f /", lambda fs: fs.rename("f", "/")),
    ("rename d/.. y", lambda fs: fs.rename("d/..", "y")),
):
    dev = RAM(64)
    vfs.VfsLfs1.mkfs(dev)
    fs = vfs.VfsLfs1(dev)
    if "rename" in label:
        fs.open("f", "w").close()
        fs.mkdir("d")
    show("lfs1 " + label, op, fs)
    fs = vfs.VfsLfs1(dev)
    print("  then:", sorted(e[0] for e in fs.ilistdir("/")))
# Integers stock truncates to 32 bits: VfsPosix.open(2**40) opened fd 0 (stdin), and a
# littlefs seek to 2**40 went to 0.  We raise EBADF and EINVAL.
show("VfsPosix open 2**40", vfs.VfsPosix("/tmp").open, 2**40, "r")
dev = RAM(64)
vfs.VfsLfs2.mkfs(dev)
fs = vfs.VfsLfs2(dev)
with fs.open("f", "w") as f:
    f.write("abc")
    show("lfs2 seek 2**40", f.seek, 2**40)
    show("lfs2 seek -2**40 end", f.seek, -(2**40), 2)
    print("  tell", f.tell())
# A block device whose Python code calls back into the filesystem it serves, in the
# middle of a call (here a listing during a read): stock enters littlefs or oofatfs a
# second time while their state is half changed.  The inner call gets EBUSY (the
# filesystem's lock is this thread's), the outer one goes on, and the volume stays whole.
class Reentrant(RAM):
    fs = None
    seen = []

    def readblocks(self, block, buf, off=0):
        super().readblocks(block, buf, off)
        if self.fs is not None:
            fs, self.fs = self.fs, None
            try:
                list(fs.ilistdir("/"))
                self.seen.append("inner call ran")
            except OSError as e:
                self.seen.append("inner OSError %d" % e.errno)


for cls in (vfs.VfsLfs2, vfs.VfsFat):
    dev = Reentrant(128)
    cls.mkfs(dev)
    fs = cls(dev)
    with fs.open("f", "w") as f:
        f.write("x" * 100)
    dev.fs = fs
    Reentrant.seen = []
    show(cls.__name__ + " re-entered during read", lambda: fs.open("f", "r").read(5))
    print("  inner:", Reentrant.seen, "then:", fs.open("f", "r").read() == "x" * 100, [e[0] for e in fs.ilistdir("/")])
print("done")
