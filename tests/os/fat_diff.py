# Differential test: VfsFat files on a RAM block device.  mkfs, the boot sector and
# statvfs for several sector sizes; open with every mode, text and binary, reading a
# write-only file and writing a read-only one; seek/tell (past the end, negative,
# whence 1 and 2); truncation by 'w', append, 'x' on an existing file; closed-file
# operations; filling the disk (ENOSPC) and what remains readable afterwards.  The
# expected output is stock MicroPython's for this same script.
import os
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


class Sparse:
    # a large device that stores only the blocks that are not all zero
    def __init__(self, blocks, ss=512):
        self.ss = ss
        self.n = blocks
        self.blocks = {}
        self.zero = bytes(ss)

    def readblocks(self, n, buf):
        ss = self.ss
        for i in range(len(buf) // ss):
            buf[i * ss : (i + 1) * ss] = self.blocks.get(n + i, self.zero)

    def writeblocks(self, n, buf):
        ss = self.ss
        for i in range(len(buf) // ss):
            b = bytes(buf[i * ss : (i + 1) * ss])
            if b == self.zero:
                self.blocks.pop(n + i, None)
            else:
                self.blocks[n + i] = b

    def ioctl(self, op, arg):
        if op == 4:
            return self.n
        if op == 5:
            return self.ss

    @property
    def data(self):
        return self.blocks.get(0, self.zero)


def show(label, f, *args, **kw):
    try:
        r = f(*args, **kw)
        if isinstance(r, bytearray):
            r = bytes(r)
        if hasattr(r, "readinto"):
            r.close()
            r = "<%s>" % type(r).__name__
        print(label, "->", r if isinstance(r, str) else repr(r))
    except Exception as e:
        print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)


def case(label, f):
    try:
        f()
    except Exception as e:
        print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)


def bpb(dev):
    d = dev.data
    # everything but the volume serial number (bytes 39..42 on FAT12/16), which is a time
    print("  jmp/oem", bytes(d[0:11]))
    print("  bpb", list(d[11:36]))
    print("  ext", list(d[36:39]), bytes(d[43:62]), list(d[510:512]))


def fs_read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def fs_write(path, data, mode="wb"):
    with open(path, mode) as f:
        return f.write(data)


# ---- mkfs / statvfs / boot sector for several geometries ----
for blocks, ss in (
    (256, 512),
    (128, 512),
    (127, 512),
    (1024, 512),
    (160, 1024),
    (128, 4096),
    (16, 4096),
    (8400, 512),
    (131072, 512),
    (70000, 1024),
    (3000000, 512),
):
    label = "mkfs %dx%d" % (blocks, ss)
    dev = RAM(blocks, ss) if blocks * ss <= 512 * 1024 else Sparse(blocks, ss)
    try:
        vfs.VfsFat.mkfs(dev)
        print(label, "ok")
        bpb(dev)
        fs = vfs.VfsFat(dev)
        print("  statvfs", fs.statvfs("/"))
        print("  statvfs ''", fs.statvfs(""))
        print("  listdir", list(fs.ilistdir()))
        print("  getcwd", fs.getcwd())
        print("  stat /", fs.stat("/")[:7])
        with fs.open("/f", "w") as f:
            f.write("x" * (ss + 1))
        print("  statvfs after", fs.statvfs("/"))
        with fs.open("/f", "r") as f:
            print("  read", len(f.read()))
    except Exception as e:
        print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)
    dev = fs = None

# ---- the file tests run on a mounted 256x512 FAT ----
dev = RAM(256)
vfs.VfsFat.mkfs(dev)
fs = vfs.VfsFat(dev)
vfs.mount(fs, "/fat")
os.chdir("/fat")
print("cwd", os.getcwd())
print("statvfs /fat", os.statvfs("/fat"))

# every mode on a missing file, then on an existing file
for mode in ("r", "w", "a", "x", "r+", "w+", "a+", "rb", "wb", "ab", "xb", "rt", "wt", "r+b", "rb+", "w+b", "a+b", "x+", "xb+"):
    try:
        os.remove("m")
    except OSError:
        pass
    try:
        f = open("m", mode)
        print("open missing", mode, "->", type(f).__name__, "size", os.stat("m")[6])
        f.close()
    except OSError as e:
        print("open missing", mode, "raised", e.errno)
    fs_write("m", b"hello\nworld\n")
    try:
        f = open("m", mode)
        print("open existing", mode, "->", type(f).__name__, "tell", f.tell(), "size", os.stat("m")[6])
        try:
            print("  read", repr(f.read()))
        except OSError as e:
            print("  read raised", e.errno)
        try:
            print("  write", f.write("AB" if "b" not in mode else b"AB"))
        except OSError as e:
            print("  write raised", e.errno)
        print("  tell", f.tell())
        f.close()
        print("  now", fs_read("m"))
    except OSError as e:
        print("open existing", mode, "raised", e.errno)

# text vs binary types
fs_write("t", b"a\r\nb\nc")
with open("t") as f:
    print("text read", repr(f.read()))
with open("t", "rb") as f:
    print("bin read", repr(f.read()))
with open("t") as f:
    print("readline", repr(f.readline()), repr(f.readline()), repr(f.readline()), repr(f.readline()))
with open("t") as f:
    print("readlines", f.readlines())
with open("t") as f:
    print("iter", [l for l in f])
with open("t", "rb") as f:
    print("read(2)", f.read(2), f.read(0), f.read(100), f.read(5))
with open("t", "rb") as f:
    b = bytearray(4)
    print("readinto", f.readinto(b), b, f.readinto(b), b, f.readinto(b))
case("write str to binary", lambda: fs_write("t2", "str", "wb"))
case("write bytes to text", lambda: print("write bytes text ->", fs_write("t2", b"bytes", "w"), fs_read("t2")))
case("write bytearray", lambda: print("write bytearray ->", fs_write("t2", bytearray(b"ba"), "wb"), fs_read("t2")))
case("write memoryview", lambda: print("write memoryview ->", fs_write("t2", memoryview(b"xmvx")[1:3], "wb"), fs_read("t2")))
case("write empty", lambda: print("write empty ->", fs_write("t2", b""), fs_read("t2")))
case("write int", lambda: fs_write("t2", 5))
case("utf8", lambda: print("utf8 ->", fs_write("u", "h\u00e9llo\u20ac", "w"), fs_read("u", "r"), fs_read("u")))

# seek / tell
fs_write("s", b"0123456789")
with open("s", "rb") as f:
    print("seek 3", f.seek(3), f.read(2), f.tell())
    print("seek cur 2", f.seek(2, 1), f.read(1))
    print("seek cur -4", f.seek(-4, 1), f.read(1))
    print("seek end -3", f.seek(-3, 2), f.read())
    print("seek end 0", f.seek(0, 2), f.read())
    print("seek past end r", f.seek(20), f.tell(), f.read())
    print("seek end +5 r", f.seek(5, 2), f.tell())
    show("seek -1", f.seek, -1)
    print("tell after", f.tell())
    show("seek cur -100", f.seek, -100, 1)
    print("tell after", f.tell())
    show("seek end -100", f.seek, -100, 2)
    print("tell after", f.tell())
    show("seek whence 3", f.seek, 0, 3)
    print("tell after", f.tell())
    show("seek float", f.seek, 1.5)
print("size", os.stat("s")[6])
with open("s", "r+b") as f:
    print("seek past end r+", f.seek(15), f.tell())
    print("write at 15", f.write(b"Z"), f.tell())
print("after gap", fs_read("s"), os.stat("s")[6])
with open("s", "r+b") as f:
    print("seek past end no write", f.seek(30), f.tell())
print("size after seek only", os.stat("s")[6])
# (seeking past the end of a writable file: tests/os/fat_ours.py, where we differ)
with open("s", "w+b") as f:
    print("w+ read", f.read(), f.write(b"abcdef"), f.seek(2), f.read(2), f.tell())
print("after w+", fs_read("s"))
with open("s", "r+b") as f:
    print("r+ overwrite", f.write(b"XY"), f.read(1), f.write(b"Q"), f.tell())
print("after r+", fs_read("s"))
# text mode seek
with open("s", "r") as f:
    print("text seek", f.seek(2), f.read(2), f.tell())

# truncation by 'w', 'x' on an existing file, append
fs_write("tr", b"long content " * 100)
print("before w", os.stat("tr")[6])
open("tr", "w").close()
print("after w", os.stat("tr")[6], fs_read("tr"))
show("x existing", open, "tr", "x")
show("xb existing", open, "tr", "xb")
print("x new", fs_write("xn", b"new", "xb"), fs_read("xn"))
for i in range(3):
    fs_write("ap", b"line%d\n" % i, "ab")
print("appended", fs_read("ap"))
with open("ap", "a") as f:
    print("a read", end=" ")
    try:
        f.read()
    except OSError as e:
        print(e.errno)

# open a directory, open with a trailing slash, missing parent
os.mkdir("dir")
show("open dir r", open, "dir")
show("open dir w", open, "dir", "w")
show("open dir a", open, "dir", "a")
show("open dir x", open, "dir", "x")
fs_write("sl", b"slash")
show("open file/", open, "sl/")
show("open file/ w", open, "sl/", "w")
show("open file/ a", open, "sl/", "a")
print("sl after", fs_read("sl"))
os.remove("sl")
show("open missing parent", open, "nodir/f", "w")
show("open file as parent", open, "xn/f", "w")
show("open empty name", open, "", "w")
show("open root", open, "/fat", "r")
show("open root/", open, "/fat/", "w")

# the file object
f = open("xn", "rb")
print("type", type(f).__name__, "fileno" in dir(f), "readinto" in dir(f))
f.close()
f = open("xn", "r")
print("type", type(f).__name__)
f.close()

# closed-file operations
f = open("cl", "w+b")
f.write(b"abc")
f.close()
show("closed close", f.close)
show("closed read", f.read)
show("closed read(1)", f.read, 1)
show("closed readinto", f.readinto, bytearray(2))
show("closed readline", f.readline)
show("closed write", f.write, b"x")
# (closed seek/tell: tests/os/fat_ours.py)
show("closed flush", f.flush)
show("closed iter", lambda: list(f))
show("closed enter", lambda: f.__enter__() is f)
print("closed file content", fs_read("cl"))
f = open("cl", "r")
f.close()
show("closed text read", f.read)
show("closed text write", f.write, "x")

# flush makes data visible to a second handle; two handles to the same file
f = open("two", "wb")
f.write(b"first")
f.flush()
print("after flush", fs_read("two"), os.stat("two")[6])
g = open("two", "rb")
print("second handle", g.read())
f.write(b"second")
f.close()
print("second handle after", g.read())
g.close()

# writing a larger file in odd-sized chunks and reading it back
data = bytes(range(256)) * 30
with open("big", "wb") as f:
    for i in range(0, len(data), 333):
        f.write(data[i : i + 333])
print("big size", os.stat("big")[6], fs_read("big") == data)
with open("big", "rb") as f:
    f.seek(5000)
    print("big seek", f.read(4), f.tell())
    f.seek(-10, 2)
    print("big seek end", f.read(), f.tell())
print("statvfs used", os.statvfs("/fat")[:4])

# fill the disk: ENOSPC, then what remains readable
for n in os.listdir():
    try:
        os.remove(n)
    except OSError:
        os.rmdir(n)
print("emptied", os.listdir(), os.statvfs("/fat")[3])
fs_write("keep", b"keep me")
chunk = b"D" * 1000
f = open("fill", "wb")
written = 0
try:
    for i in range(1000):
        written += f.write(chunk)
    print("never full")
except OSError as e:
    print("fill raised", e.errno, "written", written)
show("fill write again", f.write, b"x")
show("fill write 0", f.write, b"")
show("fill tell", f.tell)
show("fill close", f.close)
print("fill size", os.stat("fill")[6], "free", os.statvfs("/fat")[3])
with open("fill", "rb") as f:
    d = f.read()
    print("fill read", len(d), d == b"D" * len(d))
print("keep", fs_read("keep"))
show("new file when full", fs_write, "new", b"y" * 600)
print("new size", os.stat("new")[6] if "new" in os.listdir() else None)
show("small file when full", fs_write, "small", b"")
n = 0
while True:
    try:
        os.mkdir("d%d" % n)
        n += 1
        if n > 50:
            break
    except OSError as e:
        print("mkdir when full raised", e.errno, "after", n)
        break
print("listdir", sorted(os.listdir()))
os.remove("fill")
print("free after remove", os.statvfs("/fat")[3])
print("write after remove", fs_write("after", b"z" * 5000), os.stat("after")[6])
print("keep", fs_read("keep"))

os.chdir("/")
vfs.umount("/fat")
print("umounted", "fat" in os.listdir("/"))
# the FAT object still works after umount
print("after umount", sorted(fs.ilistdir("/"))[0][:2], fs.stat("/keep")[6])

# removing and renaming a file that is open (on a fresh FAT, as this may leak clusters)
for op in ("remove", "rename"):
    dev = RAM(128)
    vfs.VfsFat.mkfs(dev)
    fs = vfs.VfsFat(dev)
    print(op, "open file: free before", fs.statvfs("/")[3])
    f = fs.open("op", "w")
    f.write("abc")
    if op == "remove":
        show("remove open file", fs.remove, "op")
    else:
        show("rename open file", fs.rename, "op", "op2")
    print("  listdir", list(fs.ilistdir()))
    show("  write after", f.write, "def")
    show("  close after", f.close)
    print("  listdir after close", list(fs.ilistdir()))
    print("  free after", fs.statvfs("/")[3])
    for n in fs.ilistdir():
        fs.remove(n[0])
    print("  free after removing all", fs.statvfs("/")[3])
    f = fs.open("rd", "w")
    f.write("abc")
    f.close()
    f = fs.open("rd", "r")
    if op == "remove":
        show("remove file open for reading", fs.remove, "rd")
    else:
        show("rename file open for reading", fs.rename, "rd", "rd2")
    show("  read after", f.read)
    f.close()
    print("  listdir", list(fs.ilistdir()))
