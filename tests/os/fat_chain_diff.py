# A FAT file whose entry says more than its cluster chain holds (expected output:
# stock's): reads within the chain work, a read that needs a cluster past the chain's
# end is EIO (oofatfs's FR_INT_ERR), not a short read; so is any read of a file whose
# entry has a size but no first cluster.
import vfs


class RAM:
    def __init__(self, n):
        self.d = bytearray(n * 512)

    def readblocks(self, n, buf):
        buf[:] = self.d[n * 512 : n * 512 + len(buf)]

    def writeblocks(self, n, buf):
        self.d[n * 512 : n * 512 + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.d) // 512
        if op == 5:
            return 512


def attempt(label, f):
    try:
        r = f()
        print(label, "->", r if not isinstance(r, bytes) else (len(r), r[:4]))
    except OSError as e:
        print(label, "OSError", e.errno)


for size, clear_cluster in ((50000, False), (1000, False), (700, True)):
    dev = RAM(200)
    vfs.VfsFat.mkfs(dev)
    fs = vfs.VfsFat(dev)
    with fs.open("/F.TXT", "wb") as f:
        f.write(b"abcd" * 128)  # one 512-byte cluster
    fs = None
    i = dev.d.find(b"F       TXT")
    dev.d[i + 28 : i + 32] = size.to_bytes(4, "little")
    if clear_cluster:
        dev.d[i + 26 : i + 28] = b"\0\0"
    fs = vfs.VfsFat(dev)
    print("size", size, "no cluster" if clear_cluster else "", "stat", fs.stat("/F.TXT")[6])
    with fs.open("/F.TXT", "rb") as f:
        attempt("  read 100", lambda: f.read(100))
        attempt("  read 400", lambda: f.read(400))
        attempt("  read 100 more", lambda: f.read(100))
        attempt("  tell", f.tell)
    with fs.open("/F.TXT", "rb") as f:
        attempt("  read all", f.read)


# A first cluster off the volume (1, or past the last cluster): reads are EIO, a
# truncating open is EIO, removing the file removes its entry (its chain is not
# followed).  A link in the middle of a chain that points off the volume:
# tests/os/fat_ours.py (stock then fails every allocation).
def image():
    dev = RAM(200)
    vfs.VfsFat.mkfs(dev)
    fs = vfs.VfsFat(dev)
    with fs.open("/F.TXT", "wb") as f:
        f.write(b"0123456789" * 200)  # four clusters
    with fs.open("/KEEP.TXT", "wb") as f:
        f.write(b"keep")
    fs = None
    return dev, dev.d.find(b"F       TXT")


def fat16_or_12_entry(dev, n, v):
    # FAT12 on this volume: entry n of the first FAT (sector 1)
    o = 512 + n + n // 2
    w = dev.d[o] | dev.d[o + 1] << 8
    w = (w & 0x000F) | (v << 4) if n & 1 else (w & 0xF000) | v
    dev.d[o] = w & 0xFF
    dev.d[o + 1] = w >> 8


for label in ("first cluster 1", "first cluster 4000"):
    dev, i = image()
    first = dev.d[i + 26] | dev.d[i + 27] << 8
    if label.startswith("first"):
        c = int(label.split()[-1])
        dev.d[i + 26 : i + 28] = c.to_bytes(2, "little")
    else:
        fat16_or_12_entry(dev, first + 1, int(label.split()[-1]))
    fs = vfs.VfsFat(dev)
    print(label)
    with fs.open("/F.TXT", "rb") as f:
        attempt("  read 600", lambda: f.read(600))
        attempt("  read 1000", lambda: f.read(1000))
    attempt("  open w", lambda: fs.open("/F.TXT", "wb").close())
    attempt("  remove", lambda: fs.remove("/F.TXT"))
    attempt("  listdir", lambda: sorted(fs.listdir("/")) if hasattr(fs, "listdir") else sorted(e[0] for e in fs.ilistdir("/")))
    with fs.open("/KEEP.TXT", "rb") as f:
        attempt("  keep", f.read)
    with fs.open("/NEW.TXT", "wb") as f:
        f.write(b"new" * 300)
    with fs.open("/NEW.TXT", "rb") as f:
        attempt("  new", lambda: f.read() == b"new" * 300)
