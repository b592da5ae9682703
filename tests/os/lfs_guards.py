# Two guarantees our VfsLfs2 adds to littlefs 2.11.0 (stock's, which has neither; expected
# output: the .exp, since stock differs by design):
# (a) several handles open on one file, in any mix of modes, never corrupt data (littlefs
#     PR 1194, in 2.11.3): a clean handle whose file another handle committed or that was
#     removed keeps reading the version it had, instead of blocks littlefs reused;
# (b) after a device error inside a write, flush() and close() either commit everything
#     write() reported or raise: never report success while data is lost (littlefs marks
#     the file erred and, until a write succeeds, its syncs do nothing and return success;
#     stock escapes that only because its device exceptions longjmp past littlefs).
import vfs


class RAM:
    def __init__(self, n, bs):
        self.bs = bs
        self.d = bytearray(b"\xff" * (n * bs))
        self.fail = False

    def readblocks(self, n, buf, off=0):
        a = n * self.bs + off
        buf[:] = self.d[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        if self.fail:
            raise OSError(5)
        a = n * self.bs + off
        self.d[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.d) // self.bs
        if op == 5:
            return self.bs
        if op == 6:
            if self.fail:
                raise OSError(5)
            self.d[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
            return 0


class Rand:
    def __init__(self, seed):
        self.x = seed

    def next(self, n):
        self.x = (self.x * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.x >> 8) % n


def pattern(n, seed):
    out = bytearray(n)
    x = seed | 1
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x & 0xFF
    return bytes(out)


def new_fs(blocks=64):
    dev = RAM(blocks, 512)
    vfs.VfsLfs2.mkfs(dev)
    return dev, vfs.VfsLfs2(dev, mtime=False)


def churn(fs, seed, n=6, rounds=5):
    # write and remove files, round after round, so littlefs hands freed blocks out again
    for r in range(rounds):
        for i in range(n):
            with fs.open("/churn%d" % i, "wb") as f:
                f.write(pattern(1500, seed + 100 * r + i))
        for i in range(n):
            fs.remove("/churn%d" % i)


def content(fs, p):
    with fs.open(p, "rb") as f:
        return f.read()


def case(fn, *args):
    # stock corrupts here: say how, and go on with the next case
    try:
        fn(*args)
    except OSError as e:
        print("(a)", fn.__name__, args, "raised OSError", e.errno)


old, new = pattern(3000, 1), pattern(2500, 2)


# ---- (a) the PR 1194 scenario: a reader, and a writer that truncates and rewrites
def rewrite():
    dev, fs = new_fs()
    with fs.open("/x", "wb") as f:
        f.write(old)
    a = fs.open("/x", "rb")
    print("(a) reader's first bytes:", a.read(10) == old[:10])
    with fs.open("/x", "wb") as b:
        b.write(new)
    churn(fs, 100)
    a.seek(0)
    print("(a) reader after a rewrite and block reuse reads its version:", a.read() == old)
    a.close()
    print("(a) the file is the writer's:", content(fs, "/x") == new)
    print("(a) statvfs free blocks back after the reader closed:", fs.statvfs("/")[3] > 45)


# ---- (a) removed and replaced while open
def replaced(how):
    dev, fs = new_fs()
    with fs.open("/x", "wb") as f:
        f.write(old)
    with fs.open("/y", "wb") as f:
        f.write(new)
    a = fs.open("/x", "rb")
    if how == "remove":
        fs.remove("/x")
    else:
        fs.rename("/y", "/x")
    churn(fs, 200)
    print("(a) reader of a file %s while open reads its version:" % how, a.read() == old)
    a.close()
    print("(a)   then:", sorted(e[0] for e in fs.ilistdir("/")))


# ---- (a) two r+b writers: the last one closed wins, and its version is whole
def two_writers():
    dev, fs = new_fs()
    with fs.open("/x", "wb") as f:
        f.write(old)
    a = fs.open("/x", "r+b")
    b = fs.open("/x", "r+b")
    a.write(b"AAAA")
    a.close()
    churn(fs, 300)
    b.seek(1000)
    b.write(b"BBBB")
    b.close()
    want = bytearray(old)
    want[1000:1004] = b"BBBB"
    print("(a) two writers: the last closed wins, whole:", content(fs, "/x") == want)


case(rewrite)
case(replaced, "remove")
case(replaced, "rename over")
case(two_writers)


# ---- (a) random mix of handles and modes against a model: each handle sees the version
# the file had when it was opened (or last flushed) plus its own writes; a close or
# flush of a handle that wrote makes its version the file's.
def mixed(seed, ops):
    dev, fs = new_fs(64)
    r = Rand(seed)
    disk = {}
    for name in ("/f0", "/f1"):
        data = pattern(200 + r.next(1800), seed)
        with fs.open(name, "wb") as f:
            f.write(data)
        disk[name] = data
    handles = []  # [file, name, view, pos, wrote]
    bad = 0
    for i in range(ops):
        op = r.next(10)
        if op == 0 or not handles:
            if len(handles) < 5:
                name = ("/f0", "/f1")[r.next(2)]
                mode = ("rb", "r+b", "wb", "ab")[r.next(4)]
                f = fs.open(name, mode)
                view = bytearray() if mode == "wb" else bytearray(disk[name])
                if mode == "wb":
                    # opening for "w" truncates at once in the handle's view
                    handles.append([f, name, view, 0, True, mode])
                else:
                    handles.append([f, name, view, 0, False, mode])
        elif op == 1:
            h = handles.pop(r.next(len(handles)))
            h[0].close()
            if h[4]:
                disk[h[1]] = bytes(h[2])
        elif op == 2:
            h = handles[r.next(len(handles))]
            h[0].flush()
            if h[4]:
                disk[h[1]] = bytes(h[2])
                h[4] = False
        elif op <= 5:
            h = handles[r.next(len(handles))]
            if h[5] not in ("rb", "r+b"):
                continue
            pos = r.next(len(h[2]) + 1)
            n = r.next(700)
            h[0].seek(pos)
            got = h[0].read(n)
            bad += got != bytes(h[2][pos : pos + n])
        elif op <= 7:
            h = handles[r.next(len(handles))]
            if h[5] != "rb":
                data = pattern(1 + r.next(600), seed * 1000 + i)
                pos = len(h[2]) if h[5] == "ab" else r.next(len(h[2]) + 1)
                h[0].seek(pos)
                h[0].write(data)
                h[2][pos : pos + len(data)] = data
                h[4] = True
        else:
            churn(fs, seed * 77 + i, 2, 1)
    for h in handles:
        h[0].close()
        if h[4]:
            disk[h[1]] = bytes(h[2])
    fs.umount()
    fs = vfs.VfsLfs2(dev, mtime=False)
    on_disk = all(content(fs, n) == disk[n] for n in disk)
    print("(a) mixed handles seed=%d: %d wrong reads, files as the last writer left them: %s" % (seed, bad, on_disk))


for seed in (1, 2, 3, 4):
    case(mixed, seed, 400)


# ---- (b) a device error inside a write: flush() and close() raise, never report success
def show(label, f, *args):
    try:
        r = f(*args)
        print("(b)", label, "->", r)
    except OSError as e:
        print("(b)", label, "raised OSError", e.errno)


for when in ("write", "flush"):
    for then in ("close", "write more, then close"):
        dev, fs = new_fs()
        f = fs.open("/w", "wb")
        show("write 2000", f.write, pattern(2000, 5))
        dev.fail = True
        if when == "flush":
            show("flush while the device fails", f.flush)
        else:
            show("write 2000 while the device fails", f.write, pattern(2000, 6))
        dev.fail = False
        want = pattern(2000, 5)
        if then != "close":
            # a write that succeeds makes littlefs try again: all is committed
            show("write 10 after", f.write, b"0123456789")
            show("flush after", f.flush)
            want += b"0123456789"
        show("close after", f.close)
        show("close again", f.close)
        fs = vfs.VfsLfs2(dev, mtime=False)
        print("(b)   after a remount: size", fs.stat("/w")[6], "all written:", content(fs, "/w") == want)

# the device still fails when the file is flushed and closed: both raise
dev, fs = new_fs()
f = fs.open("/w", "wb")
show("write 2000", f.write, pattern(2000, 5))
dev.fail = True
show("write 2000 while the device fails", f.write, pattern(2000, 6))
show("flush while the device fails", f.flush)
show("close while the device fails", f.close)
dev.fail = False
show("close again", f.close)
fs = vfs.VfsLfs2(dev, mtime=False)
print("(b)   after a remount: size", fs.stat("/w")[6])

# no error: flush and close as usual
dev, fs = new_fs()
f = fs.open("/w", "wb")
show("write 2000", f.write, pattern(2000, 5))
show("flush", f.flush)
show("close", f.close)
print("(b)   content:", content(fs, "/w") == pattern(2000, 5))
