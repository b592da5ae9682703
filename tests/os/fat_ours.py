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
#  - A link in a cluster chain that points off the volume (cluster 1, or past the last)
#    ends the chain for us: reads past it are EIO (as stock), but the file can still be
#    rewritten and the volume written; stock fails the truncating open and, from then
#    on, every allocation (EIO), leaving the volume unwritable.
#  - A modification date with month 0 (no clock) or 13-15: stat gives month 1 or 12
#    (stock indexes its month table out of bounds: a different number per build).
#  - A write of several clusters whose device raises something other than OSError (an
#    interrupt, say) part way: ours writes a run of clusters next to each other in one
#    device call, takes nothing of the run when it fails this way and does not call the
#    device again; stock, cluster by cluster, has written and taken the clusters before
#    the failing one.  (A device failing by OSError or an error code: ours goes on
#    cluster by cluster after the failed run and ends as stock does, fat_runs_diff.py.)
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

# a chain with a link off the volume (FAT12 here: entry n at byte n + n/2 of sector 1)
def set_fat12(dev, n, v):
    o = 512 + n + n // 2
    w = dev.data[o] | dev.data[o + 1] << 8
    w = (w & 0x000F) | (v << 4) if n & 1 else (w & 0xF000) | v
    dev.data[o] = w & 0xFF
    dev.data[o + 1] = w >> 8


for link in (1, 4000):
    dev, fs = fresh(200)
    with fs.open("/F.TXT", "wb") as f:
        f.write(b"0123456789" * 200)
    fs = None
    i = dev.data.find(b"F       TXT")
    first = dev.data[i + 26] | dev.data[i + 27] << 8
    set_fat12(dev, first + 1, link)
    fs = vfs.VfsFat(dev)
    with fs.open("/F.TXT", "rb") as f:
        show("link %d: read 600" % link, lambda: len(f.read(600)))
        show("link %d: read 1000" % link, lambda: len(f.read(1000)))
    with fs.open("/F.TXT", "wb") as f:
        f.write(b"rewritten")
    show("link %d: rewritten" % link, read, fs, "/F.TXT")
    with fs.open("/NEW.TXT", "wb") as f:
        f.write(b"new" * 300)
    show("link %d: new file" % link, lambda: read(fs, "/NEW.TXT") == b"new" * 300)

# a modification date with month 0 and 13 reads as month 1 and 12
dev, fs = fresh(128)
for n in ("/A", "/B", "/C", "/D"):
    with fs.open(n, "wb") as f:
        f.write(b"x")
fs = None
for name, month in ((b"A          ", 0), (b"B          ", 1), (b"C          ", 13), (b"D          ", 12)):
    i = dev.data.find(name)
    d = dev.data[i + 24] | dev.data[i + 25] << 8
    d = (d & ~(0xF << 5)) | (month << 5)
    dev.data[i + 24 : i + 26] = d.to_bytes(2, "little")
fs = vfs.VfsFat(dev)
st = {n: fs.stat(n)[8] for n in ("/A", "/B", "/C", "/D")}
print("month 0 as 1:", st["/A"] == st["/B"], "month 13 as 12:", st["/C"] == st["/D"])

# a multi-cluster write whose device raises ValueError past sector 60
class Limited(RAM):
    def writeblocks(self, n, buf):
        if n + len(buf) // self.ss > 60:
            raise ValueError("past 60")
        RAM.writeblocks(self, n, buf)


dev = Limited(200)
vfs.VfsFat.mkfs(dev)
fs = vfs.VfsFat(dev)
free0 = fs.statvfs("/")[3]
f = fs.open("/BIG", "wb")
show("raising device: write 20000", f.write, bytes(20000))
show("raising device: clusters taken", lambda: free0 - fs.statvfs("/")[3])
show("raising device: close", f.close)
show("raising device: size", lambda: fs.stat("/BIG")[6])
