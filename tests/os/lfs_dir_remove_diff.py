# Listing a littlefs directory while its entries are removed and renamed (expected output:
# stock's).  littlefs 2.9 (our littlefs2-sys until issue 21) failed the next read of a listing whose next
# entry was removed with OSError(84), LFS_ERR_CORRUPT (littlefs issue 1061); the threads
# test (tools/threads) hit it when a lister and the workers shared a directory.  Every
# pattern runs on a small directory and on one large enough to span several metadata pairs
# (512-byte blocks), on VfsLfs2 and VfsLfs1.
import vfs


class RAM:
    def __init__(self, n, bs):
        self.bs = bs
        self.d = bytearray(n * bs)

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


def names(n):
    return ["f%02d" % i for i in range(n)]


def fill(fs, d, n):
    for name in names(n):
        with fs.open(d + "/" + name, "w") as f:
            f.write(name * 3)


def clear(fs, d):
    for e in list(fs.ilistdir(d)):
        if e[0] != "other":
            fs.remove(d.rstrip("/") + "/" + e[0])


def mine(got):
    # the returned names the patterns may touch (not the root's "other")
    return [x for x in got if x[0] == "f"]


def listing(fs, d, action):
    # list d, calling action(step, returned_so_far) before each next(); returns the
    # names returned, or the error
    it = fs.ilistdir(d)
    got = []
    try:
        k = 0
        while True:
            action(k, got)
            e = next(it)
            got.append(e[0])
            k += 1
    except StopIteration:
        return " ".join(got)
    except OSError as e:
        return "%s OSError(%d)" % (" ".join(got), e.errno)


def run(cls, n, d):
    dev = RAM(128, 512)
    cls.mkfs(dev)
    fs = cls(dev)
    if d:
        fs.mkdir(d)
    fs.mkdir("/other")
    p = d + "/"
    all_ = names(n)
    mid = n // 2

    def at(step, f):
        return lambda k, got: f(got) if k == step else None

    patterns = [
        ("remove next", at(1, lambda got: fs.remove(p + all_[1]))),
        ("remove returned", at(2, lambda got: fs.remove(p + mine(got)[0]))),
        ("remove later", at(1, lambda got: fs.remove(p + all_[-1]))),
        ("remove next at mid", at(mid, lambda got: fs.remove(p + all_[mid]))),
        ("remove next twice", lambda k, got: fs.remove(p + all_[k]) if k in (1, 2) else None),
        ("remove all from mid", at(mid, lambda got: [fs.remove(p + x) for x in all_[mid:]])),
        ("remove every returned", lambda k, got: fs.remove(p + got[-1]) if mine(got[-1:]) else None),
        ("rename next away", at(1, lambda got: fs.rename(p + all_[1], "/other/x"))),
        ("rename next in place", at(1, lambda got: fs.rename(p + all_[1], p + "zz"))),
        ("rename returned in place", at(2, lambda got: fs.rename(p + mine(got)[0], p + "zz"))),
        ("rename in from other", at(1, lambda got: fs.rename("/other/y", p + "a0"))),
    ]
    for label, action in patterns:
        clear(fs, d or "/")
        for e in list(fs.ilistdir("/other")):
            fs.remove("/other/" + e[0])
        with fs.open("/other/y", "w") as f:
            f.write("y")
        fill(fs, d, n)
        r = listing(fs, d or "/", action)
        print(cls.__name__, n, d or "/", label + ":", r)
        # the directory reads back whole afterwards
        print("  after:", " ".join(sorted(e[0] for e in fs.ilistdir(d or "/"))))


for cls in (vfs.VfsLfs2, vfs.VfsLfs1):
    for n in (5, 40):
        run(cls, n, "/sub")
    run(cls, 5, "")
