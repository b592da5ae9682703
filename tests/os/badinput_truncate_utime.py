# Bad-input battery for what issue 23 adds beyond stock (so with an .exp, not stock's
# output; tests/os/badinput_gen_diff.py is the battery of everything stock has):
# os.truncate, os.utime and f.truncate on littlefs 2 and 1, FAT, VfsPosix and a readonly
# mount, each called with no arguments, each value of a pool of wrong, edge and valid
# values, and pairs of them; f.truncate in each file state (read, write, append, text,
# closed).  One line per call: what it returned (its type) or what it raised (type and
# errno).  Every call must end in a Python exception or a result: no crash, no hang.
import os
import vfs


class RAM:
    def __init__(self, n, bs):
        self.bs = bs
        self.d = bytearray(n * bs)

    def readblocks(self, n, buf, off=0):
        a = n * self.bs + off
        buf[:] = self.d[a : a + len(buf)]

    def writeblocks(self, n, buf, off=None):
        a = n * self.bs + (off or 0)
        self.d[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.d) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            self.d[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
            return 0


HOST = "/tmp/rustos_badinput23"


def rm_tree(p):
    try:
        for e in os.ilistdir(p):
            q = p + "/" + e[0]
            if e[1] == 0x4000:
                rm_tree(q)
            else:
                os.remove(q)
        os.rmdir(p)
    except OSError:
        pass


def populate(root):
    for d in ("d",):
        try:
            os.mkdir(root + "/" + d)
        except OSError:
            pass
    with open(root + "/f", "w") as h:
        h.write("0123456789" * 10)


rm_tree(HOST)
os.mkdir(HOST)
for name, cls, blocks in (("lfs2", "VfsLfs2", 64), ("lfs1", "VfsLfs1", 64), ("fat", "VfsFat", 256)):
    dev = RAM(blocks, 512)
    getattr(vfs, cls).mkfs(dev)
    vfs.mount(getattr(vfs, cls)(dev), "/" + name)
vfs.mount(vfs.VfsPosix(HOST), "/px")
ro_dev = RAM(64, 512)
vfs.VfsLfs2.mkfs(ro_dev)
vfs.mount(vfs.VfsLfs2(ro_dev), "/ro")
populate("/ro")
vfs.umount("/ro")
vfs.mount(vfs.VfsLfs2(ro_dev), "/ro", readonly=True)
NAMES = ("lfs2", "lfs1", "fat", "px")
for name in NAMES:
    populate("/" + name)

BIG = 2**40
HUGE = 2**70
POOL = [
    None, 0, -1, 1, 5, BIG, -BIG, HUGE, 1.5, float("nan"), True, "", "/", "f", "d", "nope",
    "n" * 300, b"f", [], (1,), (1, 2), (1.5, 2), (HUGE, 1), ("a", 1), (1, 2, 3), [1, 2], object(),
]
# Not 2**40 as a size: on VfsPosix the host decides (a sparse file of 1 TB on most, EFBIG
# on some), so it is only in the single-argument calls, where it is a wrong path.
SMALL = [None, -1, 5, HUGE, 1.5, "f", "d", "nope", (1, 2), (1, -1), [1, 2]]


def fmt(v):
    if isinstance(v, str) and len(v) > 20:
        return "'n'*%d" % len(v)
    if type(v) is object:
        return "object()"
    return repr(v)


def call(label, f, args, kw={}):
    try:
        r = f(*args, **kw)
        out = "-> " + ("None" if r is None else type(r).__name__ + (" %d" % r if type(r) is int else ""))
    except OSError as e:
        out = "OSError %s" % e.errno
    except Exception as e:
        out = type(e).__name__
    kws = ["%s=%s" % (k, fmt(v)) for k, v in kw.items()]
    print("%s(%s) %s" % (label, ", ".join([fmt(a) for a in args] + kws), out))


for name in NAMES + ("ro",):
    os.chdir("/" + name)
    for fn, n in (("truncate", 2), ("utime", 2)):
        f = getattr(os, fn)
        calls = [()] + [(v,) for v in POOL] + [(a, b) for a in SMALL for b in SMALL]
        calls.append(("f", 1, 2))
        for args in calls:
            call("%s os.%s" % (name, fn), f, args)
            os.chdir("/" + name)
            if fn == "truncate" and name != "ro":
                populate("/" + name)
    for v in POOL:
        call("%s os.utime" % name, os.utime, ("f",), {"ns": v})
        call("%s os.utime" % name, os.utime, ("f", (1, 2)), {"ns": v})
    call("%s os.utime" % name, os.utime, ("f",), {"nope": 1})
    os.chdir("/")

# f.truncate in each state
for name in NAMES + ("ro",):
    for mode in ("rb", "wb", "ab", "r+", "w+", "closed"):
        if name == "ro" and mode in ("wb", "ab", "w+"):
            continue
        if name != "ro":
            populate("/" + name)
        f = open("/%s/f" % name, mode if mode != "closed" else "r+b")
        if mode == "closed":
            try:
                f.close()
            except OSError as e:  # the readonly mount's r+ close: EROFS, as stock
                print("%s %s close: OSError %s" % (name, mode, e.errno))
        if not hasattr(f, "truncate"):
            print("%s %s: no truncate" % (name, mode))
            f.close()
            continue
        pool = [v for v in POOL if not (name == "px" and v in (BIG, -BIG))]  # (SMALL says why)
        for args in [()] + [(v,) for v in pool] + [(1, 2)]:
            call("%s %s f.truncate" % (name, mode), f.truncate, args)
        try:
            f.close()
        except OSError as e:
            print("%s %s close: OSError %s" % (name, mode, e.errno))

for name in NAMES + ("ro",):
    vfs.umount("/" + name)
rm_tree(HOST)
print("done")
