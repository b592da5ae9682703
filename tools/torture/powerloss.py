# Power-loss torture, the MicroPython side (issue #9).  Run by the firmware under test;
# tools/torture/run.py drives it and reads what it prints.
#
#   micropython powerloss.py count FS
#       run the workload once with no cut; print "WRITES FS W" (W: device writes, erases
#       included) after checking the live tree and a fresh mount against the model.
#   micropython powerloss.py run FS MODE IMGDIR NFILE
#       for each N in NFILE: run the workload on a copy of a freshly formatted image with
#       power cut at write N, then check what survived on a fresh device and a fresh mount.
#       NFILE holds the Ns comma-separated (a file: the unix port dies with "FATAL:
#       uncaught NLR" on an argument of 256 characters or more).
#
# FS is lfs2 or lfs1 (extended block interface, 4096-byte blocks, ioctl 6 erase counted as
# a write), lfs2-512 or lfs1-512 (the same with 512-byte blocks; 256 KiB devices either
# way), or fat (simple interface, 512 sectors of 512 bytes).  MODE is
#   clean: write N and every later write or erase raises OSError(EIO) without touching the
#          array (power lost between writes N-1 and N).  We raise rather than silently drop:
#          the filesystem then stops at the cut instead of going on with a device that lies.
#   torn:  write N puts only the first half of its buffer into the array (an erase: the
#          first half of the block becomes 0xff), then raises OSError(EIO), and so does
#          everything after it.
# After the cut every device call (reads, ioctls too) raises OSError(EIO): power is off.
# Formatting happens before the counted writes: a cut during mkfs is not a cut of a
# filesystem, so every cut point here falls inside the workload.
#
# The model: each step of the workload is one atomic filesystem operation, with the whole
# tree (files and their bytes, directories) before and after it.  Creating a file is two
# steps, as littlefs commits it: open() makes it empty, write+close gives it its content.
# Overwrite ('wb' on an existing file) and append are one step each (committed at close).
# For littlefs, what a fresh mount finds after a cut in step S must be exactly the tree
# before S or the tree after S; then a file written on the recovered filesystem must read
# back after another fresh mount.  For FAT (not power-safe) nothing is required but a
# walk and read of everything without a crash; the image goes to IMGDIR for fsck.fat.
#
# Output, one line each: "START FS MODE N" before a case, "R {json}" after it; a Rust panic
# caught as RuntimeError prints "CRASH {json}" and exits with status 3, and run.py starts a
# new process at the next N.
import gc
import json
import sys
import vfs

try:
    from errno import EIO
except ImportError:
    EIO = 5

LFS_BS = 4096
LFS_BLOCKS = 64
FAT_SS = 512
FAT_SECTORS = 512
POST = "/post-recovery.bin"


class Dev:
    """A RAM block device that loses power at write number `cut` (0: never)."""

    def __init__(self, data, bs, ext, cut=0, torn=False):
        self.data = data
        self.bs = bs
        self.ext = ext
        self.cut = cut
        self.torn = torn
        self.writes = 0
        self.dead = False

    def _write(self, a, buf, n):
        if self.dead:
            raise OSError(EIO)
        self.writes += 1
        if self.writes == self.cut:
            self.dead = True
            if self.torn:
                h = n // 2
                self.data[a : a + h] = buf[:h] if buf is not None else b"\xff" * h
            raise OSError(EIO)
        self.data[a : a + n] = buf if buf is not None else b"\xff" * n

    def readblocks(self, block, buf, off=None):
        if self.dead:
            raise OSError(EIO)
        a = block * self.bs + (off or 0)
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, block, buf, off=None):
        self._write(block * self.bs + (off or 0), buf, len(buf))

    def ioctl(self, op, arg):
        if self.dead:
            raise OSError(EIO)
        if op == 4:
            return len(self.data) // self.bs
        if op == 5:
            return self.bs
        if op == 6 and self.ext:
            self._write(arg * self.bs, None, self.bs)
        return 0


def geometry(fsname):
    """(class, block size, blocks, extended interface) of lfs2, lfs1, lfs2-512, lfs1-512, fat."""
    if fsname == "fat":
        return vfs.VfsFat, FAT_SS, FAT_SECTORS, False
    kind, _, bs = fsname.partition("-")
    bs = int(bs or LFS_BS)
    return {"lfs2": vfs.VfsLfs2, "lfs1": vfs.VfsLfs1}[kind], bs, LFS_BS * LFS_BLOCKS // bs, True


def new_dev(fsname, data=None, cut=0, torn=False):
    _, bs, blocks, ext = geometry(fsname)
    if data is None:
        data = bytearray(bs * blocks) if fsname == "fat" else bytearray(b"\xff" * (bs * blocks))
    return Dev(data, bs, ext, cut, torn)


def FS(fsname):
    return geometry(fsname)[0]


def content(tag, n):
    # 16-byte records "tag     0000016\n": unique per file version and offset
    return "".join("%-8s%07d\n" % (tag, i) for i in range(0, n, 16)).encode()[:n]


# --- the workload and its model ---------------------------------------------------------


class Model:
    """The tree the filesystem should hold: files {path: bytes}, dirs {path}."""

    def __init__(self):
        self.files = {}
        self.dirs = set()
        self.old = None  # (files, dirs) before the step in progress
        self.step = None  # its number and description
        self.nstep = 0

    def begin(self, desc):
        self.nstep += 1
        self.step = "%d %s" % (self.nstep, desc)
        self.old = (self.files, self.dirs)
        self.files = dict(self.files)
        self.dirs = set(self.dirs)

    def end(self):
        self.old = None
        self.step = None


def chunks(f, data, size):
    for i in range(0, len(data), size):
        f.write(data[i : i + size])


def steps(fs, m, check=None):
    """The deterministic workload.  check(desc) after each step (count mode only)."""

    def done():
        if check:
            check(m)
        m.end()

    def mkdir(p):
        m.begin("mkdir " + p)
        m.dirs.add(p)
        fs.mkdir(p)
        done()

    def create(p, data, chunk):
        m.begin("create %s: open" % p)
        m.files[p] = b""
        f = fs.open(p, "wb")
        done()
        m.begin("create %s: write %d bytes and close" % (p, len(data)))
        m.files[p] = data
        chunks(f, data, chunk)
        f.close()
        done()

    def overwrite(p, data, chunk):
        m.begin("overwrite %s with %d bytes" % (p, len(data)))
        m.files[p] = data
        with fs.open(p, "wb") as f:
            chunks(f, data, chunk)
        done()

    def append(p, data, chunk):
        m.begin("append %d bytes to %s" % (len(data), p))
        m.files[p] = m.files[p] + data
        with fs.open(p, "ab") as f:
            chunks(f, data, chunk)
        done()

    def rename(a, b):
        m.begin("rename %s %s" % (a, b))
        if a in m.dirs:
            for d in [d for d in m.dirs if d == a or d.startswith(a + "/")]:
                m.dirs.remove(d)
                m.dirs.add(b + d[len(a) :])
            for f in [f for f in m.files if f.startswith(a + "/")]:
                m.files[b + f[len(a) :]] = m.files.pop(f)
        else:
            m.files[b] = m.files.pop(a)
        fs.rename(a, b)
        done()

    def remove(p):
        m.begin("remove " + p)
        del m.files[p]
        fs.remove(p)
        done()

    def rmdir(p):
        m.begin("rmdir " + p)
        m.dirs.remove(p)
        fs.rmdir(p)
        done()

    for d in ("/a", "/a/b", "/a/b/c", "/d"):
        mkdir(d)
    create("/a/f1", C["f1v1"], 100)
    create("/a/b/big1", C["big1v1"], 1000)
    create("/a/b/c/f2", C["f2v1"], 700)
    create("/d/f3", C["f3v1"], 512)
    append("/a/f1", C["f1v2"], 300)
    append("/a/b/big1", C["big1v2"], 1024)
    overwrite("/a/b/c/f2", C["f2v2"], 2000)
    rename("/a/f1", "/a/b/c/f1r")
    rename("/d/f3", "/d/f3r")
    create("/a/b/c/f4", C["f4v1"], 4096)
    rename("/a/b/c/f2", "/d/f3r")
    remove("/a/b/big1")
    mkdir("/e")
    create("/e/big2", C["big2v1"], 3000)
    overwrite("/a/b/c/f4", C["f4v2"], 200)
    rename("/a/b/c", "/d/c2")
    append("/d/c2/f1r", C["f1v3"], 5000)
    remove("/d/c2/f4")
    overwrite("/e/big2", C["big2v2"], 1500)
    rename("/e/big2", "/a/b/big3")
    rmdir("/e")
    append("/d/f3r", C["f3v2"], 333)
    remove("/d/c2/f1r")
    create("/d/c2/f5", C["f5v1"], 64)


SIZES = {
    "f1v1": 100,
    "f1v2": 2000,
    "f1v3": 5000,
    "big1v1": 6000,
    "big1v2": 5000,
    "f2v1": 3000,
    "f2v2": 9000,
    "f3v1": 500,
    "f3v2": 4200,
    "f4v1": 9000,
    "f4v2": 200,
    "big2v1": 12000,
    "big2v2": 8500,
    "f5v1": 300,
}
C = {t: content(t, n) for t, n in SIZES.items()}


# --- reading back -----------------------------------------------------------------------


def walk(fs):
    """(files, dirs) as the filesystem lists them, every file read whole."""
    files, dirs = {}, set()
    todo = [""]
    while todo:
        d = todo.pop()
        for e in fs.ilistdir(d or "/"):
            p = d + "/" + e[0]
            if e[1] == 0x4000:
                dirs.add(p)
                todo.append(p)
            else:
                with fs.open(p, "rb") as f:
                    files[p] = f.read()
    return files, dirs


def same(tree, state):
    return tree[0] == state[0] and tree[1] == state[1]


def first_diff(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))


def diff(tree, state):
    """What differs between a tree read back and a model state, briefly."""
    out = []
    files, dirs = tree
    for d in sorted(state[1] - dirs):
        out.append("dir %s missing" % d)
    for d in sorted(dirs - state[1]):
        out.append("dir %s unexpected" % d)
    for p in sorted(state[0]):
        if p not in files:
            out.append("file %s missing" % p)
        elif files[p] != state[0][p]:
            got, want = files[p], state[0][p]
            i = first_diff(got, want)
            out.append(
                "file %s: %d bytes, expected %d, first difference at %d (got %r)"
                % (p, len(got), len(want), i, got[i : i + 16])
            )
    for p in sorted(files):
        if p not in state[0]:
            out.append("file %s unexpected (%d bytes)" % (p, len(files[p])))
    return "; ".join(out)


def panic_check(e, fsname, mode, n, where):
    if isinstance(e, RuntimeError) and "panic" in str(e):
        print("CRASH " + json.dumps({"fs": fsname, "mode": mode, "n": n, "where": where, "exc": repr(e)}))
        sys.exit(3)


def exc_str(e):
    return "%s%r" % (type(e).__name__, e.args)


# --- the cases --------------------------------------------------------------------------


def formatted(fsname):
    dev = new_dev(fsname)
    FS(fsname).mkfs(dev)
    return bytes(dev.data)


def run_workload(fsname, base, cut, torn):
    """Run the workload on a copy of base; return (model, device, exception or None)."""
    dev = new_dev(fsname, bytearray(base), cut, torn)
    m = Model()
    err = None
    try:
        fs = FS(fsname)(dev)
        steps(fs, m)
    except Exception as e:
        err = e
    return m, dev, err


def check_lfs(fsname, r, data, m):
    """Invariants of littlefs after a cut: mount; tree old or new; a write recovers."""
    dev = new_dev(fsname, data)
    try:
        fs = FS(fsname)(dev)
    except Exception as e:
        panic_check(e, fsname, r["mode"], r["n"], "mount")
        r["violation"] = "mount failed: " + exc_str(e)
        return
    r["mounted"] = 1
    try:
        tree = walk(fs)
    except Exception as e:
        panic_check(e, fsname, r["mode"], r["n"], "walk")
        r["violation"] = "walk/read failed: " + exc_str(e)
        return
    states = [("new", (m.files, m.dirs))]
    if m.old is not None:
        states.insert(0, ("old", m.old))
    matched = None
    for name, st in states:
        if same(tree, st):
            matched = name
            r["state"] = name
            break
    if matched is None:
        r["violation"] = " | ".join("vs %s: %s" % (name, diff(tree, st)) for name, st in states)
    # the recovered filesystem takes a write that a fresh mount reads back (and for a tree
    # that matched neither, this tells whether the write brought it back to one of them)
    post = C["f3v2"]
    try:
        with fs.open(POST, "wb") as f:
            f.write(post)
        tree = walk(FS(fsname)(dev))
    except Exception as e:
        panic_check(e, fsname, r["mode"], r["n"], "post-recovery write")
        failed = "post-recovery write failed: " + exc_str(e)
        r["violation"] = r["violation"] + " | " + failed if "violation" in r else failed
        return
    after, want = None, None
    for name, st in states:
        if matched is None or name == matched:  # a matched tree must stay that tree
            want = (dict(st[0]), st[1])
            want[0][POST] = post
            if same(tree, want):
                after = name
                break
    if matched is not None and after is None:
        r["violation"] = "after a post-recovery write and a fresh mount: " + diff(tree, want)
    elif matched is None:
        r["violation"] += " | after a post-recovery write and a fresh mount: " + (
            "the %s tree" % after if after else "still neither"
        )


def check_fat(r, data, m, imgdir):
    """FAT after a cut: mount (or not), walk and read everything; image to IMGDIR."""
    img = "%s/fat-%s-%d.img" % (imgdir, r["mode"], r["n"])
    with open(img, "wb") as f:
        f.write(data)
    r["image"] = img
    dev = new_dev("fat", data)
    try:
        fs = vfs.VfsFat(dev)
        vfs.mount(fs, "/_torture", readonly=True)
        vfs.umount("/_torture")
    except Exception as e:
        panic_check(e, "fat", r["mode"], r["n"], "mount")
        r["mount_error"] = exc_str(e)
        return
    r["mounted"] = 1
    try:
        tree = walk(fs)
    except Exception as e:
        panic_check(e, "fat", r["mode"], r["n"], "walk")
        r["walk_error"] = exc_str(e)
        tree = None
    if tree is not None:
        if same(tree, (m.files, m.dirs)):
            r["state"] = "new"
        elif m.old is not None and same(tree, m.old):
            r["state"] = "old"
        else:
            r["state"] = "other"
            r["detail"] = diff(tree, (m.files, m.dirs))
    # a write on what survived (a copy: the image above is what fsck.fat sees) must not
    # crash either; an OSError is a fair answer on a damaged volume
    try:
        fs = vfs.VfsFat(dev)  # the probe mounted the first one readonly
        with fs.open(POST, "wb") as f:
            f.write(C["f3v2"])
        walk(vfs.VfsFat(dev))
        r["post"] = "ok"
    except Exception as e:
        panic_check(e, "fat", r["mode"], r["n"], "post-recovery write")
        r["post"] = exc_str(e)


def run_case(fsname, mode, n, base, imgdir):
    r = {"fs": fsname, "mode": mode, "n": n, "mounted": 0}
    m, dev, err = run_workload(fsname, base, n, mode == "torn")
    r["step"] = m.step
    if err is not None:
        panic_check(err, fsname, mode, n, "workload")
        if not dev.dead:
            # failed before the cut: the workload itself does not run on this filesystem
            r["violation"] = "workload failed before the cut, in step %s: %s" % (m.step, exc_str(err))
            return r
        if not (isinstance(err, OSError) and err.args and err.args[0] == EIO):
            r["odd_error"] = exc_str(err)
    elif not dev.dead:
        r["unreached"] = 1  # fewer writes than the count run: not deterministic
    data = bytearray(dev.data)
    del dev
    gc.collect()
    if fsname == "fat":
        check_fat(r, data, m, imgdir)
    else:
        check_lfs(fsname, r, data, m)
    return r


def count(fsname):
    """Writes of the plain workload; then the model checked against the live tree after
    every step, and against a fresh mount at the end."""
    base = formatted(fsname)
    m, dev, err = run_workload(fsname, base, 0, False)
    writes = dev.writes
    problems = []
    if err is not None:
        problems.append("step %s raised %s" % (m.step, exc_str(err)))
    dev = new_dev(fsname, bytearray(base))
    fs = FS(fsname)(dev)

    def check(m):
        try:
            tree = walk(fs)
        except Exception as e:
            problems.append("step %s: walk failed: %s" % (m.step, exc_str(e)))
            return
        if not same(tree, (m.files, m.dirs)):
            problems.append("step %s: %s" % (m.step, diff(tree, (m.files, m.dirs))))

    m = Model()
    try:
        steps(fs, m, check)
    except Exception as e:
        problems.append("checked run: step %s raised %s" % (m.step, exc_str(e)))
    if dev.writes != writes:
        problems.append("checked run: %d writes, plain run %d" % (dev.writes, writes))
    try:
        tree = walk(FS(fsname)(new_dev(fsname, bytearray(dev.data))))
        if not same(tree, (m.files, m.dirs)):
            problems.append("fresh mount: " + diff(tree, (m.files, m.dirs)))
    except Exception as e:
        problems.append("fresh mount: " + exc_str(e))
    print("WRITES %s %d %d" % (fsname, writes, m.nstep))
    for p in problems:
        print("MODEL " + p)


def main():
    cmd = sys.argv[1]
    fsname = sys.argv[2]
    if cmd == "count":
        count(fsname)
        return
    mode, imgdir = sys.argv[3], sys.argv[4]
    with open(sys.argv[5]) as f:
        ns = [int(x) for x in f.read().split(",")]
    base = formatted(fsname)
    for n in ns:
        print("START %s %s %d" % (fsname, mode, n))
        try:
            r = run_case(fsname, mode, n, base, imgdir)
        except SystemExit:
            raise
        except Exception as e:
            panic_check(e, fsname, mode, n, "harness")
            r = {"fs": fsname, "mode": mode, "n": n, "mounted": 0, "violation": "harness error: " + exc_str(e)}
        print("R " + json.dumps(r))
        gc.collect()


main()
