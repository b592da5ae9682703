import gc
# Differential test: VfsFat and its block device.  A readonly mount and a device without
# writeblocks (writes -> errno); VfsFat() on an unformatted device, then mount with
# mkfs=True; devices with 0 blocks, sector size 100, ioctl returning garbage, the old
# block protocol (count/sync), readblocks/writeblocks that fail or return error codes;
# importing a module from a mounted FAT.  The expected output is stock MicroPython's for
# this same script.
import os
import sys
import vfs


class RAM:
    def __init__(self, blocks, ss=512):
        self.ss = ss
        self.data = bytearray(blocks * ss)

    def readblocks(self, n, buf):
        a = n * self.ss
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf):
        a = n * self.ss
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.ss
        if op == 5:
            return self.ss


class ReadOnly:
    # no writeblocks method
    def __init__(self, data, ss=512):
        self.ss = ss
        self.data = data

    def readblocks(self, n, buf):
        a = n * self.ss
        buf[:] = self.data[a : a + len(buf)]

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.ss
        if op == 5:
            return self.ss


class Odd(RAM):
    # ioctl answers taken from a table; anything not in it returns None
    def __init__(self, blocks, answers, ss=512):
        super().__init__(blocks, ss)
        self.answers = answers
        self.ops = []

    def readblocks(self, n, buf):
        a = n * self.ss
        if a + len(buf) > len(self.data):
            return -5
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf):
        a = n * self.ss
        if a + len(buf) > len(self.data):
            return -5
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op not in self.ops:
            self.ops.append(op)
        r = self.answers.get(op)
        if isinstance(r, Exception):
            raise r
        return r


class OldProto:
    # the old block protocol: count() and sync(), no ioctl
    def __init__(self, blocks):
        self.data = bytearray(blocks * 512)
        self.synced = 0

    def readblocks(self, n, buf):
        buf[:] = self.data[n * 512 : n * 512 + len(buf)]

    def writeblocks(self, n, buf):
        self.data[n * 512 : n * 512 + len(buf)] = buf

    def count(self):
        return len(self.data) // 512

    def sync(self):
        self.synced += 1


class Failing(RAM):
    # reads/writes of chosen blocks fail: by raising, or by returning a value
    def __init__(self, blocks, how):
        super().__init__(blocks)
        self.how = how
        self.armed = False

    def readblocks(self, n, buf):
        if self.armed and "read" in self.how:
            r = self.how["read"]
            if isinstance(r, Exception):
                raise r
            if r is True or (type(r) is int and r == 0):
                super().readblocks(n, buf)  # read; the return value says so
            return r
        super().readblocks(n, buf)

    def writeblocks(self, n, buf):
        if self.armed and "write" in self.how:
            r = self.how["write"]
            if isinstance(r, Exception):
                raise r
            if r is True or (type(r) is int and r == 0):
                super().writeblocks(n, buf)  # written; the return value says so
            return r
        super().writeblocks(n, buf)


def show(label, f, *args, **kw):
    try:
        r = f(*args, **kw)
        if hasattr(r, "readinto"):
            r.close()
            r = "<%s>" % type(r).__name__
        if type(r).__name__ == "VfsFat":
            r = "<VfsFat>"
        print(label, "->", r if isinstance(r, str) else repr(r))
    except Exception as e:
        print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)


def write(fs, path, data):
    with fs.open(path, "wb") as f:
        return f.write(data)


def read(fs, path):
    with fs.open(path, "rb") as f:
        return f.read()


def owrite(path, data):
    with open(path, "w") as f:
        return f.write(data)


def oread(path):
    with open(path) as f:
        return f.read()


def all_ops(fs, prefix=""):
    # every operation, on an existing file "f" and dir "d" when they exist
    show(prefix + "ilistdir", lambda: list(fs.ilistdir("/")))
    show(prefix + "stat /", lambda: fs.stat("/")[:7])
    show(prefix + "stat f", lambda: fs.stat("/f")[:7])
    show(prefix + "statvfs", fs.statvfs, "/")
    show(prefix + "open r", lambda: read(fs, "/f"))
    show(prefix + "open w", write, fs, "/f", b"new")
    show(prefix + "open w new", write, fs, "/g", b"new")
    show(prefix + "open a", lambda: fs.open("/f", "a"))
    show(prefix + "open r+", lambda: fs.open("/f", "r+"))
    show(prefix + "open x", lambda: fs.open("/x", "x"))
    show(prefix + "mkdir", fs.mkdir, "/n")
    show(prefix + "rmdir", fs.rmdir, "/d")
    show(prefix + "remove", fs.remove, "/f")
    show(prefix + "remove missing", fs.remove, "/missing")
    show(prefix + "rename", fs.rename, "/f", "/f2")
    show(prefix + "rename onto", fs.rename, "/f", "/d")
    show(prefix + "chdir", fs.chdir, "/d")
    show(prefix + "getcwd", fs.getcwd)
    show(prefix + "chdir /", fs.chdir, "/")
    show(prefix + "read after", lambda: read(fs, "/f"))


def image():
    dev = RAM(128)
    vfs.VfsFat.mkfs(dev)
    fs = vfs.VfsFat(dev)
    write(fs, "/f", b"data")
    fs.mkdir("/d")
    return dev


# ---- readonly mount ----
print("== readonly mount")
dev = image()
fs = vfs.VfsFat(dev)
vfs.mount(fs, "/ro", readonly=True)
before = bytes(dev.data)
show("listdir", os.listdir, "/ro")
show("read", oread, "/ro/f")
show("open w", open, "/ro/f", "w")
show("open w new", open, "/ro/new", "w")
show("open a", open, "/ro/f", "a")
show("open r+", open, "/ro/f", "r+")
show("open x", open, "/ro/new", "x")
show("mkdir", os.mkdir, "/ro/n")
show("rmdir", os.rmdir, "/ro/d")
show("rmdir missing", os.rmdir, "/ro/missing")
show("remove", os.remove, "/ro/f")
show("remove missing", os.remove, "/ro/missing")
show("remove dir", os.remove, "/ro/d")
show("rename", os.rename, "/ro/f", "/ro/g")
show("rename missing", os.rename, "/ro/missing", "/ro/g")
show("stat", lambda: os.stat("/ro/f")[:7])
show("statvfs", os.statvfs, "/ro")
show("chdir", os.chdir, "/ro/d")
show("getcwd", os.getcwd)
os.chdir("/")
print("image unchanged", bytes(dev.data) == before)
vfs.umount("/ro")
# the readonly flag sticks to the VfsFat object, even after umount and a rw mount
all_ops(fs, "after ro umount: ")
vfs.mount(fs, "/rw")
show("rw mount of same object: open w", owrite, "/rw/f", "rw")
vfs.umount("/rw")
fs = vfs.VfsFat(dev)
vfs.mount(fs, "/rw")
show("new object rw: write", owrite, "/rw/f", "rw")
show("new object rw: read", oread, "/rw/f")
vfs.umount("/rw")
# readonly=False and other readonly values
fs = vfs.VfsFat(dev)
show("mount readonly=False", vfs.mount, fs, "/rw", readonly=False)
show("  write", owrite, "/rw/f", "x")
vfs.umount("/rw")
fs = vfs.VfsFat(dev)
show("mount readonly=1", vfs.mount, fs, "/rw", readonly=1)
show("  write", owrite, "/rw/f", "x")
vfs.umount("/rw")
fs = vfs.VfsFat(dev)
show("mount readonly=[]", vfs.mount, fs, "/rw", readonly=[])
show("  write", owrite, "/rw/f", "x")
vfs.umount("/rw")
# a file open for writing when the filesystem is remounted readonly
fs = vfs.VfsFat(dev)
vfs.mount(fs, "/rw")
# (only flushed data: stock cannot close a file that is dirty on a readonly FAT, and its
# finaliser would then fail at a time that depends on the GC)
f = open("/rw/f", "w")
f.write("before")
f.flush()
vfs.umount("/rw")
show("mount same object readonly with a file open", vfs.mount, fs, "/rw", readonly=True)
show("  read write-only file", f.read)
show("  tell", f.tell)
show("  flush", f.flush)
show("  close open file", f.close)
show("  read", oread, "/rw/f")
vfs.umount("/rw")

# ---- device without writeblocks ----
print("== no writeblocks")
ro = ReadOnly(image().data)
show("VfsFat", vfs.VfsFat, ro)
fs = vfs.VfsFat(ro)
all_ops(fs)
show("mount", vfs.mount, fs, "/nw")
show("  open w", open, "/nw/f", "w")
show("  read", oread, "/nw/f")
show("umount", vfs.umount, "/nw")
show("mkfs", vfs.VfsFat.mkfs, ReadOnly(bytearray(128 * 512)))
fs = vfs.VfsFat(ReadOnly(bytearray(128 * 512)))
show("unformatted mount mkfs=True", vfs.mount, fs, "/nw", mkfs=True)
show("umount", vfs.umount, "/nw")

# ---- unformatted (zero) device ----
print("== unformatted")
dev = RAM(128)
show("VfsFat", vfs.VfsFat, dev)
fs = vfs.VfsFat(dev)
all_ops(fs)
show("mount", vfs.mount, fs, "/u")
show("mount mkfs=False", vfs.mount, fs, "/u", mkfs=False)
show("listdir /u", os.listdir, "/u")
show("mount mkfs=True", vfs.mount, fs, "/u", mkfs=True)
show("listdir /u", os.listdir, "/u")
show("write", owrite, "/u/f", "hello")
show("read", oread, "/u/f")
show("statvfs", os.statvfs, "/u")
show("umount", vfs.umount, "/u")
show("fs after umount", lambda: list(fs.ilistdir("/")))
print("boot sig", list(dev.data[510:512]))
# mkfs=True on a formatted device keeps its contents
fs = vfs.VfsFat(dev)
show("mount formatted mkfs=True", vfs.mount, fs, "/u", mkfs=True)
show("listdir /u", os.listdir, "/u")
vfs.umount("/u")
# an unformatted device, then mkfs on the same device: the old object sees the new FS
dev = RAM(128)
fs = vfs.VfsFat(dev)
show("before mkfs", lambda: list(fs.ilistdir("/")))
vfs.VfsFat.mkfs(dev)
show("old object after mkfs", lambda: list(fs.ilistdir("/")))
show("old object write", write, fs, "/w", b"w")
show("new object", lambda: list(vfs.VfsFat(dev).ilistdir("/")))
# a formatted device wiped underneath a mounted object
dev = image()
fs = vfs.VfsFat(dev)
show("before wipe", lambda: list(fs.ilistdir("/")))
dev.data[:] = bytes(len(dev.data))
show("after wipe", lambda: list(fs.ilistdir("/")))
show("after wipe stat", lambda: fs.stat("/f")[:7])
show("after wipe write", write, fs, "/g", b"g")
# garbage (0xff) device
dev = RAM(128)
dev.data[:] = b"\xff" * len(dev.data)
show("0xff VfsFat", lambda: list(vfs.VfsFat(dev).ilistdir("/")))
# a boot sector with the signature but a broken BPB
dev = image()
dev.data[11:13] = b"\x00\x03"  # bytes per sector 768
show("bad bytes/sector", lambda: list(vfs.VfsFat(dev).ilistdir("/")))
dev = image()
dev.data[13] = 3  # sectors per cluster not a power of two
show("bad sectors/cluster", lambda: list(vfs.VfsFat(dev).ilistdir("/")))
dev = image()
dev.data[16] = 0  # no FATs
show("zero FATs", lambda: list(vfs.VfsFat(dev).ilistdir("/")))
dev = image()
dev.data[510] = 0  # no signature
show("no signature", lambda: list(vfs.VfsFat(dev).ilistdir("/")))
dev = image()
dev.data[19:21] = b"\xff\xff"  # more sectors than the device
show("too many sectors", lambda: list(vfs.VfsFat(dev).ilistdir("/")))

# ---- geometry and ioctl ----
print("== geometry")
GOOD = bytes(image().data)
for name, blocks, answers in (
    ("0 blocks", 0, {4: 0, 5: 512}),
    ("1 block", 1, {4: 1, 5: 512}),
    ("50 blocks", 50, {4: 50, 5: 512}),
    ("sector 100", 128, {4: 128, 5: 100}),
    ("sector 256", 128, {4: 128, 5: 256}),
    ("sector 8192", 16, {4: 16, 5: 8192}),
    ("sector 0", 128, {4: 128, 5: 0}),
    ("sector -512", 128, {4: 128, 5: -512}),
    ("count None", 128, {5: 512}),
    ("count str", 128, {4: "abc", 5: 512}),
    ("count float", 128, {4: 128.0, 5: 512}),
    ("count -1", 128, {4: -1, 5: 512}),
    ("count smaller than image", 128, {4: 64, 5: 512}),
    ("count bigger than data", 128, {4: 100000, 5: 512}),
    ("size str", 128, {4: 128, 5: "512"}),
    ("ioctl raises", 128, {4: OSError(5), 5: 512}),
    ("ioctl raises ValueError", 128, {4: ValueError("v"), 5: 512}),
    ("init fails", 128, {1: -5, 4: 128, 5: 512}),
    ("init returns 1", 128, {1: 1, 4: 128, 5: 512}),
    ("sync fails", 128, {3: -5, 4: 128, 5: 512}),
):
    for formatted in (False, True):
        ss = answers.get(5) if answers.get(5) in (256, 512, 8192) else 512
        dev = Odd(blocks, answers, ss)
        if formatted:
            # the image of a good 128x512 FAT (cut to the device's size); no mkfs
            if not blocks:
                continue
            dev.data[:] = GOOD[: len(dev.data)] + bytes(max(0, len(dev.data) - len(GOOD)))
            label = name + " (formatted)"
        else:
            label = name + " (unformatted)"
            show(label + ": mkfs", vfs.VfsFat.mkfs, dev)
        show(label + ": VfsFat", vfs.VfsFat, dev)
        try:
            fs = vfs.VfsFat(dev)
            show(label + ": listdir", lambda: list(fs.ilistdir("/")))
            show(label + ": statvfs", fs.statvfs, "/")
            show(label + ": write", write, fs, "/f", b"abc")
            show(label + ": read", read, fs, "/f")
            show(label + ": mount mkfs", vfs.mount, fs, "/g", mkfs=True)
            show(label + ": umount", vfs.umount, "/g")
        except Exception as e:
            print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)

# a device with 1024 and 4096 byte sectors, used through the mounted VFS
for ss in (1024, 4096):
    dev = None
    gc.collect()
    dev = RAM(64 if ss == 4096 else 256, ss)
    vfs.VfsFat.mkfs(dev)
    fs = vfs.VfsFat(dev)
    vfs.mount(fs, "/big")
    print("ss", ss, "statvfs", os.statvfs("/big"))
    data = bytes(range(256)) * (ss // 64 + 3)
    with open("/big/file", "wb") as f:
        print("  write", f.write(data))
    os.mkdir("/big/dir")
    for i in range(20):
        with open("/big/dir/entry_with_a_long_name_%d" % i, "w") as f:
            f.write("x" * i)
    print("  listdir", len(os.listdir("/big/dir")), os.listdir("/big")[:3])
    with open("/big/file", "rb") as f:
        f.seek(ss - 3)
        print("  cross-sector read", f.read(6), f.tell())
        print("  full read ok", (f.seek(0), f.read())[1] == data)
    print("  statvfs after", os.statvfs("/big")[:4])
    vfs.umount("/big")
    print("  remount", sorted(vfs.VfsFat(dev).ilistdir("/"))[0][:2])

# ---- the old block protocol ----
print("== old protocol")
dev = OldProto(128)
show("mkfs", vfs.VfsFat.mkfs, dev)
fs = vfs.VfsFat(dev)
show("write", write, fs, "/f", b"old")
show("read", read, fs, "/f")
show("statvfs", fs.statvfs, "/")
print("synced", dev.synced > 0)

# ---- failing reads and writes ----
print("== failing device")
for label, how in (
    ("read raises OSError", {"read": OSError(5)}),
    ("read raises ValueError", {"read": ValueError("r")}),
    ("read returns -5", {"read": -5}),
    ("read returns 1", {"read": 1}),
    ("read returns False", {"read": False}),
    # (writes that raise or return an error code: tests/os/fat_ours.py)
    ("write returns True", {"write": True}),
    ("write returns 0", {"write": 0}),
    ("read returns True", {"read": True}),
    ("read returns 0", {"read": 0}),
):
    dev = Failing(128, how)
    vfs.VfsFat.mkfs(dev)
    fs = vfs.VfsFat(dev)
    write(fs, "/f", b"data" * 200)
    fs.mkdir("/d")
    # a fresh object, so nothing is cached
    fs = vfs.VfsFat(dev)
    g = None
    dev.armed = True
    show(label + ": listdir", lambda: list(fs.ilistdir("/")))
    show(label + ": stat", lambda: fs.stat("/f")[:7])
    if not any(isinstance(v, Exception) for v in how.values()):
        # (an exception raised inside stock's f_open leaves a half-open file object
        # whose finaliser prints an error at a time that depends on the GC)
        show(label + ": read", lambda: read(fs, "/f") == b"data" * 200)
        try:
            g = fs.open("/g", "wb")
        except OSError as e:
            g = None
            print(label + ": open for write raised", e.errno)
        if g:
            show(label + ": write", g.write, b"g" * 600)
            show(label + ": close", g.close)
    show(label + ": mkdir", fs.mkdir, "/e")
    show(label + ": remove", fs.remove, "/f")
    dev.armed = False
    if g:
        # close again now the device works, so no dirty file is left for the finaliser
        show(label + ": close again", g.close)
        g = None
    show(label + ": after", lambda: [e[:2] for e in fs.ilistdir("/")])
    show(label + ": after, new object", lambda: [e[:2] for e in vfs.VfsFat(dev).ilistdir("/")])

# ---- import from a mounted FAT ----
print("== import")
dev = RAM(128)
vfs.VfsFat.mkfs(dev)
fs = vfs.VfsFat(dev)
vfs.mount(fs, "/imp")
os.mkdir("/imp/lib")
with open("/imp/lib/fatmod.py", "w") as f:
    f.write("X = 42\ndef f():\n    return 'from fat'\n")
os.mkdir("/imp/lib/fatpkg")
with open("/imp/lib/fatpkg/__init__.py", "w") as f:
    f.write("P = 'pkg'\n")
with open("/imp/lib/fatpkg/sub.py", "w") as f:
    f.write("from . import P\nS = P + '.sub'\n")
with open("/imp/lib/BADMOD.PY", "w") as f:
    f.write("raise ValueError('bad module')\n")
with open("/imp/lib/Upper.py", "w") as f:
    f.write("U = 'upper'\n")
sys.path.insert(0, "/imp/lib")
try:
    import fatmod

    print("import fatmod", fatmod.X, fatmod.f())
except Exception as e:
    print("import fatmod raised", type(e).__name__, e)
try:
    import fatpkg.sub

    print("import fatpkg.sub", fatpkg.P, fatpkg.sub.S)
except Exception as e:
    print("import fatpkg.sub raised", type(e).__name__, e)
try:
    import badmod

    print("import badmod ok")
except Exception as e:
    print("import badmod raised", type(e).__name__, e)
try:
    import upper

    print("import upper (other case)", upper.U)
except Exception as e:
    print("import upper raised", type(e).__name__, e)
try:
    import Upper

    print("import Upper", Upper.U)
except Exception as e:
    print("import Upper raised", type(e).__name__, e)
try:
    import nomod_on_fat

    print("import nomod ok")
except Exception as e:
    print("import nomod raised", type(e).__name__, e)
# import relative to the cwd on the FAT
sys.path.insert(0, "")
os.chdir("/imp")
with open("/imp/cwdmod.py", "w") as f:
    f.write("C = 'cwd'\n")
try:
    import cwdmod

    print("import cwdmod", cwdmod.C)
except Exception as e:
    print("import cwdmod raised", type(e).__name__, e)
os.chdir("/")
sys.path.pop(0)
sys.path.pop(0)
vfs.umount("/imp")
