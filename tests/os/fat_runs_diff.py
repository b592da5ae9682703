# Differential test: VfsFat reads and writes of many sectors at once.  Ours reads and writes
# a run of clusters that follow each other on the disk in one device call, takes the
# clusters of a write before its data, and keeps a FAT sector cached between calls; what
# ends up on the volume, what reads return and what fails must stay stock's: the image
# (crc of every sector), the free count, file sizes and contents after each step, on a
# fresh volume, on fragmented chains, on a full volume and on devices that fail part way
# (an error code, OSError, writes dropped).  The expected output is stock MicroPython's for
# this same script.
import binascii
import vfs

SS = 512


class Dev:
    # A RAM device that fails at and past sector `limit`: mode "raise" raises OSError(5),
    # "code" returns -5, "drop" drops writes and reads 0xFF.  It copies byte by byte: a
    # file left open by a failed close is closed by its finaliser, heap locked, and must
    # not allocate there.
    def __init__(self, n):
        self.data = bytearray(n * SS)
        self.limit = None
        self.mode = None

    def fails(self, n, nbytes):
        # What a call reaching past the limit gets: OSError raised, -5, or 0 (go on).
        if self.limit is not None and n + nbytes // SS > self.limit:
            if self.mode == "raise":
                raise OSError(5)
            if self.mode == "code":
                return -5
        return 0

    def readblocks(self, n, buf):
        if self.fails(n, len(buf)):
            return -5
        a = n * SS
        for i in range(len(buf)):
            if self.limit is not None and (a + i) // SS >= self.limit:
                buf[i] = 0xFF
            else:
                buf[i] = self.data[a + i]
        return 0

    def writeblocks(self, n, buf):
        if self.fails(n, len(buf)):
            return -5
        a = n * SS
        for i in range(len(buf)):
            if self.limit is None or (a + i) // SS < self.limit:
                self.data[a + i] = buf[i]
        return 0

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // SS
        if op == 5:
            return SS


# Files whose close failed: kept until their device is healed and they can be closed, so
# that no finaliser runs on a failing device.
KEEP = []


def fats(dev):
    # crc of the FATs: which clusters are taken and how they chain (the rest of the image
    # holds timestamps, and stale bytes past a file's end that stock and ours write apart).
    d = dev.data
    rsv = d[14] | d[15] << 8
    size = d[22] | d[23] << 8
    return binascii.crc32(d[rsv * SS : (rsv + d[16] * size) * SS])


def pattern(n, k):
    return bytes((i * 7 + k * 13 + (i >> 9)) & 0xFF for i in range(n))


def err(e):
    return "%s %s" % (type(e).__name__, e.args[0] if e.args else "")


def state(fs, dev, label):
    out = [label]
    try:
        out.append("free %d" % fs.statvfs("/")[3])
    except OSError as e:
        out.append("free " + err(e))
    try:
        for name in sorted(fs.ilistdir("/")):
            n = name[0]
            with fs.open(n, "rb") as f:
                d = f.read()
            out.append("%s:%d:%08x" % (n, len(d), binascii.crc32(d)))
    except OSError as e:
        out.append("list " + err(e))
    out.append("fats %08x" % fats(dev))
    print(" ".join(out))


def write(fs, name, data, chunk, mode="wb"):
    try:
        f = fs.open(name, mode)
    except OSError as e:
        return "open " + err(e)
    r = "ok"
    try:
        for i in range(0, len(data), chunk):
            f.write(data[i : i + chunk])
    except OSError as e:
        r = err(e)
    try:
        f.close()
    except OSError as e:
        KEEP.append(f)
        r += " close " + err(e)
    return r


def read(fs, name, chunk):
    try:
        with fs.open(name, "rb") as f:
            got = []
            while True:
                b = f.read(chunk)
                if not b:
                    break
                got.append(b)
        d = b"".join(got)
        return "%d:%08x" % (len(d), binascii.crc32(d))
    except OSError as e:
        return err(e)


def fresh(n=600):
    dev = Dev(n)
    vfs.VfsFat.mkfs(dev)
    return dev, vfs.VfsFat(dev)


# 1. Fresh volume: one big write, chunked writes, reads in every size, overwrite, append.
dev, fs = fresh()
big = pattern(40000, 1)
for chunk in (40000, 4096, 1536, 512, 100):
    print("write", chunk, write(fs, "big%d" % chunk, big, chunk))
    for rchunk in (40000, 4096, 1024, 512, 64):
        print("  read", rchunk, read(fs, "big%d" % chunk, rchunk))
state(fs, dev, "fresh")
print("overwrite", write(fs, "big4096", pattern(20000, 2), 8192))
print("append", write(fs, "big4096", pattern(9000, 3), 3000, "ab"))
print("  read", read(fs, "big4096", 2048))
with fs.open("big512", "r+b") as f:
    f.seek(1000)
    f.write(pattern(5000, 4))
    f.seek(700)
    print("  seek read", binascii.crc32(f.read(6000)))
state(fs, dev, "rewritten")

# 2. Fragmented chains: files written in turns, one removed, a big one fills the holes.
dev, fs = fresh()
files = [fs.open("frag%d" % i, "wb") for i in range(3)]
for r in range(6):
    for i, f in enumerate(files):
        f.write(pattern(SS * (1 + (r + i) % 3), r * 3 + i))
for f in files:
    f.close()
fs.remove("frag1")
print("holes", write(fs, "fill", pattern(30000, 9), 4096))
for name in ("frag0", "frag2", "fill"):
    for rchunk in (30000, 4096, 700):
        print("  read", name, rchunk, read(fs, name, rchunk))
state(fs, dev, "fragmented")

# 3. A full volume: the last write stops short, as stock's does.
dev, fs = fresh(120)
n = 0
while True:
    r = write(fs, "fill%d" % n, pattern(9000, n), 4096)
    print("fill", n, r)
    if r != "ok":
        break
    n += 1
    if n > 30:
        break
state(fs, dev, "full")

# 4. Devices that fail from some sector on, for each way of failing: the write's error,
# what was taken and written before it, and the volume after a remount.
for mode in ("raise", "code", "drop"):
    for limit in (55, 62, 70):
        for chunk in (12000, 4096):
            dev, fs = fresh(120)
            print("prefill", write(fs, "a", pattern(9000, 5), 4096))
            dev.limit, dev.mode = limit, mode
            print(mode, limit, chunk, "write", write(fs, "b", pattern(12000, 6), chunk))
            print("  read", read(fs, "b", 4096), read(fs, "a", 4096))
            state(fs, dev, "  failed")
            dev.limit = None
            fs = vfs.VfsFat(dev)
            state(fs, dev, "  remounted")
            for f in KEEP:
                try:
                    f.close()
                except OSError:
                    pass
            KEEP.clear()
