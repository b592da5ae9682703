# Writes the littlefs v2 images tests/os/lfs_old_images_diff.py mounts: run once on the
# firmware that still ran littlefs 2.9.3 (littlefs2-sys 0.4.0), then packed into the test
# by tools/lfs_images/pack.py.  Usage: micropython write.py OUTDIR
import sys
import vfs


class RAM:
    def __init__(self, n, bs):
        self.bs = bs
        self.d = bytearray(b"\xff" * (n * bs))

    def readblocks(self, n, buf, off=0):
        a = n * self.bs + off
        buf[:] = self.d[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        a = n * self.bs + off
        self.d[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.d) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            self.d[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
            return 0


def text(n, tag):
    # Compressible but position-dependent: every line names its offset.
    out = bytearray()
    i = 0
    while len(out) < n:
        out += b"%s %06d %s\n" % (tag, len(out), b"abcdefghijklmnopqrstuvwxyz"[: i % 27])
        i += 1
    return bytes(out[:n])


# (name, block size, block count, readsize, progsize, size of the multi-block file)
IMAGES = [
    ("lfs2_512", 512, 32, 32, 32, 1800),
    ("lfs2_4096", 4096, 16, 32, 32, 9000),
    ("lfs2_4096_p256", 4096, 16, 256, 256, 12000),
]

out_dir = sys.argv[1]
for name, bs, bc, rs, ps, big in IMAGES:
    dev = RAM(bc, bs)
    vfs.VfsLfs2.mkfs(dev, readsize=rs, progsize=ps)
    fs = vfs.VfsLfs2(dev, readsize=rs, progsize=ps)
    with fs.open("/inline.txt", "w") as f:
        f.write("inline file, littlefs 2.9.3\n")
    fs.mkdir("/a")
    fs.mkdir("/a/b")
    fs.mkdir("/a/b/c")
    fs.mkdir("/empty")
    with fs.open("/a/b/c/deep.bin", "wb") as f:
        f.write(bytes(range(256)) * 3)
    with fs.open("/a/big.txt", "wb") as f:
        f.write(text(big // 2, b"big"))
    with fs.open("/a/big.txt", "ab") as f:
        f.write(text(big - big // 2, b"app"))
    # history in the metadata: a file overwritten in place, a removed one, a renamed one
    with fs.open("/a/patched.bin", "wb") as f:
        f.write(b"\x00" * 700)
    with fs.open("/a/patched.bin", "r+b") as f:
        f.seek(300)
        f.write(b"PATCH")
    with fs.open("/gone.txt", "w") as f:
        f.write("removed")
    fs.remove("/gone.txt")
    with fs.open("/a/old_name.txt", "w") as f:
        f.write("renamed\n")
    fs.rename("/a/old_name.txt", "/a/b/new_name.txt")
    fs.umount()
    with open("%s/%s.img" % (out_dir, name), "wb") as f:
        f.write(dev.d)
    fs = vfs.VfsLfs2(dev, readsize=rs, progsize=ps)
    for p in ("/inline.txt", "/a/big.txt", "/a/b/c/deep.bin", "/a/patched.bin", "/a/b/new_name.txt"):
        print(name, p, fs.stat(p))
