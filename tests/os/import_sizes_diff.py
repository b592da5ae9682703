# Differential test: import of .py modules of many sizes from each filesystem type.  Our
# files give import's reader (extmod/vfs_reader.c) a larger read size than stock's do, so
# modules a byte either side of a multiple of either size, empty ones and one line with no
# newline at the end must import the same.  Expected output: stock's.
import os
import sys
import vfs


class RAM:
    def __init__(self, blocks, bs):
        self.bs = bs
        self.data = bytearray(blocks * bs)

    def readblocks(self, n, buf, off=0):
        a = n * self.bs + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        a = n * self.bs + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            self.data[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
        return 0


def module(size, n):
    # "N = n\n" then a comment that pads the text to exactly `size` bytes.
    head = "N = %d\n" % n
    if size <= len(head):
        return head[:size] if size else ""
    pad = size - len(head) - 1
    return head + "#" + "x" * (pad - 1) + ("\n" if pad > 0 else "")


SIZES = [0, 1, 6, 7, 8, 24, 25, 26, 52, 53, 54, 120, 121, 122, 244, 245, 246, 248, 249, 250,
         255, 256, 257, 489, 490, 491, 497, 498, 499, 511, 512, 513, 735, 736, 737, 1000, 2049]

D = "/tmp/rustos_import_sizes"
try:
    os.mkdir(D)
except OSError:
    pass


def block_fs(cls, blocks):
    dev = RAM(blocks, 512)
    cls.mkfs(dev)
    return cls(dev)


mounts = [
    ("fat", lambda: block_fs(vfs.VfsFat, 256)),
    ("lfs2", lambda: block_fs(vfs.VfsLfs2, 64)),
    ("lfs1", lambda: block_fs(vfs.VfsLfs1, 64)),
    ("posix", lambda: vfs.VfsPosix(D)),
]
for name, make in mounts:
    vfs.mount(make(), "/imp")
    sys.path.insert(0, "/imp")
    out = []
    for k, size in enumerate(SIZES):
        mod = "m%s_%d" % (name, size)
        with open("/imp/%s.py" % mod, "w") as f:
            f.write(module(size, k))
        try:
            m = __import__(mod)
            out.append("%d:%s" % (size, getattr(m, "N", "-")))
        except Exception as e:
            out.append("%d:%s" % (size, type(e).__name__))
        sys.modules.pop(mod, None)
        os.remove("/imp/%s.py" % mod)
    sys.path.pop(0)
    vfs.umount("/imp")
    print(name, " ".join(out))
os.rmdir(D)
