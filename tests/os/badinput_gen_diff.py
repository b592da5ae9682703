# Generated bad-input battery (issue 9; expected output: stock's for this same script).
# Every os/vfs function, every filesystem method of VfsLfs2, VfsLfs1, VfsFat, VfsPosix and
# VfsRom (where the port has it)
# objects, and every file method in each state (read, write, append, text, closed), is
# called with no arguments, with each value of a pool of wrong, edge and valid values,
# and with pairs and triples of them: wrong types, negative and huge numbers, floats, NUL
# bytes, empty and overlong names, bytes paths, missing directories, files on a readonly
# mount.  One line per call: what it returned (its type) or what it raised (type and
# errno).  The calls change the filesystems as they go (a valid remove removes), in the
# same order on both firmwares.
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


HOST = "/tmp/rustos_badgen_%d" % os.getpid() if hasattr(os, "getpid") else "/tmp/rustos_badgen"


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


def clean(fs, path):
    for e in list(fs.ilistdir(path)):
        p = path.rstrip("/") + "/" + e[0]
        if e[1] == 0x4000:
            clean(fs, p)
            fs.rmdir(p)
        else:
            fs.remove(p)


def populate(fs):
    fs.chdir("/")
    clean(fs, "/")
    for d in ("d", "d/e"):
        try:
            fs.mkdir(d)
        except OSError:
            pass
    for f in ("f", "d/g"):
        with fs.open(f, "w") as h:
            h.write("content of " + f)


rm_tree(HOST)
os.mkdir(HOST)
fss = {}
for name, cls, blocks in (("lfs2", "VfsLfs2", 64), ("lfs1", "VfsLfs1", 64), ("fat", "VfsFat", 256), ("px", None, 0)):
    if cls:
        dev = RAM(blocks, 512)
        getattr(vfs, cls).mkfs(dev)
        fs = getattr(vfs, cls)(dev)
    else:
        fs = vfs.VfsPosix(HOST)
    populate(fs)
    vfs.mount(fs, "/" + name)
    fss[name] = fs
# a ROMFS image (where the port has VfsRom) with the same file f and directory d/g
def romfs():
    def rec(kind, payload):
        return bytes([kind, len(payload)]) + payload
    f = rec(5, b"\x01f" + rec(2, b"0123456789" * 10))
    d = rec(4, b"\x01d" + rec(5, b"\x01g" + rec(2, b"x")))
    body = f + d
    return b"\xd2\xcd\x31" + (b"\x80" if len(body) % 2 else b"") + bytes([0x80 | len(body) >> 7, len(body) & 0x7F]) + body
if hasattr(vfs, "VfsRom"):
    fss["rom"] = vfs.VfsRom(romfs())
    vfs.mount(fss["rom"], "/rom")
# a readonly mount of another littlefs with a file on it
ro_dev = RAM(64, 512)
vfs.VfsLfs2.mkfs(ro_dev)
populate(vfs.VfsLfs2(ro_dev))
vfs.mount(vfs.VfsLfs2(ro_dev), "/ro", readonly=True)

BIG = 2**40
LONG = "n" * 300
POOL = [
    None, 0, -1, 1, BIG, -BIG, 1.5, "", "/", ".", "..",
    "f", "d", "f/", "d/", "d/g", "d//g/", "nope", "nope/x", LONG, "/ram", "/ro/f", "/ro/new",
    b"f", bytearray(b"f"), [], (1,), object(),
]
SMALL = [None, -1, BIG, "", "f", "d", b"f", "nope", "/ro/new"]
# Not here: paths with a NUL (stock cuts them short and acts on another file, we raise
# ValueError: tests/os/vfs_ours.py), and the root as remove/rename target on littlefs 1
# (stock corrupts the filesystem, we raise EINVAL: vfs_ours.py).
ROOTS = ("", "/", ".", "..")
# Nor integers as open()'s file: they are file descriptors (stdin, stdout...), and stock
# truncates 2**40 to 0 where we raise EBADF (tests/os/vfs_ours.py).
FDS = (0, 1, -1, BIG, -BIG)


def fmt(v):
    if isinstance(v, str) and len(v) > 20:
        return "'n'*%d" % len(v)
    if type(v) is object:
        return "object()"
    return repr(v)


def result(r):
    if r is None:
        return "None"
    return type(r).__name__


def call(label, f, args):
    try:
        r = f(*args)
        if hasattr(r, "close"):  # an opened file: read it, and close it now (a file
            try:  # left to the GC writes its entry back later: stock's FAT then
                list(r)  # resurrects removed entries, see tests/os/fat_ours.py)
            finally:
                r.close()
        elif hasattr(r, "__next__"):  # exhaust an iterator, as a listing would
            r = list(r)
        out = "-> " + result(r)
    except OSError as e:
        out = "OSError %s" % e.errno
    except Exception as e:
        out = type(e).__name__
    print("%s(%s) %s" % (label, ", ".join(fmt(a) for a in args), out))


def battery(label, f, max_args, reset=None, skip=()):
    ok = lambda v: not any(type(v) is type(k) and v == k for k in skip)
    calls = [()] + [(v,) for v in POOL if ok(v)]
    if max_args >= 2:
        calls += [(a, b) for a in SMALL for b in SMALL if ok(a) and ok(b)]
    if max_args >= 3:
        calls += [(a, b, c) for a in SMALL[:5] for b in SMALL[:4] for c in (None, -1, True) if ok(a) and ok(b)]
    calls.append(tuple(POOL[:max_args + 1]))  # one argument too many
    for args in calls:
        call(label, f, args)
        if reset:
            reset()


def back_home(where):
    def reset():
        os.chdir(where)
    return reset


# os and vfs module functions, with the current directory on each mount in turn
FUNCS = [
    ("stat", 1), ("listdir", 1), ("ilistdir", 1), ("mkdir", 1), ("rmdir", 1),
    ("remove", 1), ("unlink", 1), ("rename", 2), ("chdir", 1), ("getcwd", 0),
    ("statvfs", 1), ("urandom", 1),
]  # not uname and sync: stock's unix os has neither
for name in ("lfs2", "fat", "px", "rom"):
    if name not in fss:
        continue
    home = "/" + name
    os.chdir(home)
    for fn, n in FUNCS:
        f = getattr(os, fn, None)
        if f is not None:
            # stock crashes (SIGSEGV) on a negative urandom size: tests/os/os_ours.py
            skip = (-1, -BIG) if fn == "urandom" else ()
            battery("%s os.%s" % (name, fn), f, n, back_home(home), skip)
    if name != "rom":
        populate(fss[name])
os.chdir("/")
for fn, n in (("mount", 3), ("umount", 1)):
    battery("vfs." + fn, getattr(vfs, fn), n, skip=("/",))  # not the unix root
for cls in ("VfsLfs2", "VfsLfs1", "VfsFat", "VfsPosix", "VfsRom"):
    if not hasattr(vfs, cls):
        continue
    battery("vfs.%s" % cls, getattr(vfs, cls), 2)
    if cls not in ("VfsPosix", "VfsRom"):
        battery("vfs.%s.mkfs" % cls, getattr(vfs, cls).mkfs, 1)

# filesystem object methods
METHODS = [
    ("open", 2), ("ilistdir", 1), ("mkdir", 1), ("rmdir", 1), ("remove", 1),
    ("rename", 2), ("stat", 1), ("statvfs", 1), ("chdir", 1), ("getcwd", 0),
]
for name, fs in fss.items():
    for m, n in METHODS:
        if not hasattr(fs, m):
            continue  # VfsRom has no methods that write
        skip = ROOTS if name == "lfs1" and m in ("rmdir", "remove", "rename") else ()
        if m == "open":
            skip = FDS
        battery("%s.%s" % (name, m), getattr(fs, m), n, lambda: fs.chdir("/"), skip)
    if name != "rom":
        populate(fs)

# file methods in each state
FMETHODS = [
    ("read", 1), ("readinto", 2), ("readline", 1), ("readlines", 1), ("write", 1),
    ("seek", 2), ("tell", 0), ("flush", 0), ("close", 0),
]
for name in ("lfs2", "lfs1", "fat", "px", "rom"):
    if name not in fss:
        continue
    for mode in ("rb", "wb", "ab", "r", "w+", "closed"):
        if name == "rom":
            if mode in ("wb", "ab", "w+"):
                continue  # read-only (EROFS: the open battery below)
        else:
            with open("/%s/f" % name, "w") as h:
                h.write("0123456789" * 10)
        f = open("/%s/f" % name, mode if mode != "closed" else "rb")
        if mode == "closed":
            f.close()
        for m, n in FMETHODS:
            if m == "close" or not hasattr(f, m):
                continue  # (ROM files have no write or flush)
            # littlefs seek beyond 2**31: stock truncates the offset, we raise EINVAL
            skip = (BIG, -BIG) if m == "seek" and name.startswith("lfs") else ()
            if mode == "closed" and name == "fat" and m in ("seek", "tell"):
                continue  # stock answers from the closed file's memory, we EINVAL (fat_ours.py)
            battery("%s %s f.%s" % (name, mode, m), getattr(f, m), n, None, skip)
        f.close()
    # open itself, through the builtin
    battery("%s open" % name, lambda *a: open(*a), 3, lambda: os.chdir("/" + name), FDS)

for name in list(fss) + ["ro"]:
    vfs.umount("/" + name)
rm_tree(HOST)
print("done")
