# VfsFat where we deliberately differ from stock (expected output: fat_ours.py.exp).
#  - Seeking past the end of a writable file grows it with zeros (oofatfs grows it with
#    whatever the clusters held before: stale data of deleted files).
#  - seek/tell on a closed file raise OSError(EINVAL), as every other operation on it
#    (stock returns the position it had).
#  - A directory renamed into itself or below itself: EINVAL (stock detaches the tree,
#    losing it).
#  - stat("f/..") where f is a file: ours resolves ".." lexically (the directory),
#    oofatfs walks into f and fails (ENOENT).
#  - A device whose writes fail makes open-for-create fail at once (stock fails later,
#    at write or close, and its object keeps showing the file it could not write).
#  - A call whose device write failed keeps its changes in our cache, written by a later
#    call once the device works: a remove that raised still takes effect (stock's object
#    forgets it).  Dropping them instead let a later close write an entry over clusters
#    still free on the volume.
import os
import vfs


class RAM:
    def __init__(self, blocks, ss=512):
        self.ss = ss
        self.data = bytearray(blocks * ss)
        self.fail = None

    def readblocks(self, n, buf):
        a = n * self.ss
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf):
        if isinstance(self.fail, Exception):
            raise self.fail
        if self.fail is not None:
            return self.fail
        a = n * self.ss
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.ss
        if op == 5:
            return self.ss


def show(label, f, *args):
    try:
        print(label, "->", repr(f(*args)))
    except Exception as e:
        print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)


def fresh(blocks=256):
    dev = RAM(blocks)
    vfs.VfsFat.mkfs(dev)
    fs = vfs.VfsFat(dev)
    return dev, fs


def read(fs, p):
    with fs.open(p, "rb") as f:
        return f.read()


# stale data must not come back through a gap
dev, fs = fresh()
with fs.open("/s", "wb") as f:
    f.write(b"0123456789")
with fs.open("/s", "wb") as f:
    print("w seek 5", f.seek(5), f.write(b"q"), f.tell())
print("w gap", read(fs, "/s"))
with fs.open("/s", "r+b") as f:
    print("r+ seek 9", f.seek(9), f.write(b"Z"), f.tell())
print("r+ gap", read(fs, "/s"), fs.stat("/s")[6])
with fs.open("/s", "rb") as f:
    print("read-only seek past end", f.seek(100), f.tell())
    print("read-only negative", f.seek(-100, 1), f.tell())

f = fs.open("/c", "wb")
f.write(b"abc")
f.close()
show("closed seek", f.seek, 0)
show("closed tell", f.tell)

# into itself
for a, b in (("/a", "/a/a"), ("/a", "/a/b/a"), ("/a/b", "/a/b/c/b")):
    dev, fs = fresh()
    fs.mkdir("/a")
    fs.mkdir("/a/b")
    fs.mkdir("/a/b/c")
    show("rename %s %s" % (a, b), fs.rename, a, b)
    print("  still there", fs.stat("/a/b/c")[0], sorted(fs.ilistdir("/a/b")))

dev, fs = fresh()
with fs.open("/f", "wb") as f:
    f.write(b"x")
show("stat f/..", lambda: fs.stat("/f/..")[:7])

# writes that fail
for code in (-5, -30, False):
    dev, fs = fresh(128)
    with fs.open("/f", "wb") as f:
        f.write(b"data")
    dev.fail = code
    show("write returns %r: open" % (code,), lambda: fs.open("/g", "wb").close())
    show("write returns %r: mkdir" % (code,), fs.mkdir, "/e")
    dev.fail = None
    print("  after", sorted(e[0] for e in vfs.VfsFat(dev).ilistdir("/")), read(fs, "/f"))

# a device whose writes raise: the failed remove is written later
dev, fs = fresh(128)
with fs.open("/f", "wb") as f:
    f.write(b"data")
dev.fail = OSError(28)
show("write raises: remove", fs.remove, "/f")
dev.fail = None
show("write raises: mkdir after", fs.mkdir, "/d")
print("  after", sorted(e[0] for e in fs.ilistdir("/")), sorted(e[0] for e in vfs.VfsFat(dev).ilistdir("/")))
