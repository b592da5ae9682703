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
