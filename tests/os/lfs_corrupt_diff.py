# Differential test: deterministic corruption of littlefs v1 and v2 images (bit flips,
# zeroed blocks, garbage superblocks, garbage blocks), then mount, walk, stat, read
# everything and write.  Each case must end in success or OSError/ValueError, never a
# crash or hang; the expected output (per seed: ok, or the error) is stock's for this
# same script.  With arguments it runs other seeds:
#   micropython lfs_corrupt_diff.py VfsLfs2|VfsLfs1 FIRST_SEED COUNT
import sys
import vfs
import random

BLOCK = 512


class RAM:
    def __init__(self, data):
        self.data = data

    def readblocks(self, block, buf, off=0):
        a = block * BLOCK + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, block, buf, off=0):
        a = block * BLOCK + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // BLOCK
        if op == 5:
            return BLOCK
        if op == 6:
            return 0


def image(Fs):
    dev = RAM(bytearray(b"\xff" * BLOCK * 48))
    Fs.mkfs(dev)
    fs = Fs(dev)
    fs.mkdir("/d")
    fs.mkdir("/d/e")
    for i in range(6):
        with fs.open("/d/f%d" % i if i % 2 else "/g%d" % i, "w") as f:
            f.write(("content %d " % i) * (i * 60 + 1))
    return bytes(dev.data)


def corrupt(base, seed):
    random.seed(seed)
    data = bytearray(base)
    n_blocks = len(data) // BLOCK
    kind = seed % 4
    if kind == 0:  # scattered bit flips
        for _ in range(random.randint(1, 20)):
            i = random.randint(0, len(data) - 1)
            data[i] ^= 1 << random.randint(0, 7)
    elif kind == 1:  # a zeroed block
        b = random.randint(0, n_blocks - 1)
        data[b * BLOCK : (b + 1) * BLOCK] = bytes(BLOCK)
    elif kind == 2:  # garbage in both superblock copies
        for b in (0, 1):
            for _ in range(64):
                data[b * BLOCK + random.randint(0, BLOCK - 1)] = random.getrandbits(8)
    else:  # a block of garbage
        b = random.randint(0, n_blocks - 1)
        for i in range(BLOCK):
            data[b * BLOCK + i] = random.getrandbits(8)
    return data


def walk(fs, path, depth=0):
    if depth > 20:
        return
    for ent in fs.ilistdir(path):
        p = path.rstrip("/") + "/" + ent[0]
        fs.stat(p)
        if ent[1] == 0x4000:
            walk(fs, p, depth + 1)
        else:
            with fs.open(p, "rb") as f:
                while f.read(BLOCK):
                    pass


def run(Fs, first, count):
    base = image(Fs)
    ok = err = 0
    for seed in range(first, first + count):
        print("seed", seed, end=" ")
        try:
            fs = Fs(RAM(corrupt(base, seed)))
            walk(fs, "/")
            try:
                with fs.open("/new", "w") as f:
                    f.write("x" * 700)
                fs.statvfs("/")
            except OSError:
                pass
            ok += 1
            print("ok")
        except (OSError, ValueError) as e:
            err += 1
            print("err", e)
    print(Fs.__name__, "done", ok, err)


if len(sys.argv) > 1:
    run(getattr(vfs, sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
else:
    run(vfs.VfsLfs2, 0, 120)
    run(vfs.VfsLfs1, 0, 120)
