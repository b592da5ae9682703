# Threads (issue #9): unix runs _thread threads without a GIL, so they really do call
# into the filesystems at the same time.  Worker threads create, write, read back,
# append to, rename and remove their own files, and make and remove their own
# directories, through os and builtin open(): several workers share one mount (VfsLfs2,
# VfsFat, VfsPosix on a temporary host directory) and others each have a mount of their
# own; lister threads meanwhile list and stat the shared directories.  At the end every
# file must hold what its worker last wrote, each mount must list exactly the expected
# names, and the raw images must mount cleanly on fresh VfsLfs2/VfsFat objects (on copies
# of the devices) and read back the same.  Self-checking: it prints only "ok" lines, a
# problem prints a line that is not in the .exp.  With arguments, only the mounts named
# (of lfs fat px lfsA lfsB fatA fatB) are used:
#   micropython tools/threads/threads_fs.py lfs lfsA
# make reliability runs it 20 times (and on the GIL build 5 times).  A lister used to get
# OSError(84) (LFS_ERR_CORRUPT) about one run in 13 from a directory read while other
# threads committed to that directory: littlefs 2.9's behaviour (littlefs issue 1061); we
# run the tree's 2.11 now, as stock.  Expected output: the .exp.
import gc
import os
import sys
import time
import vfs
import _thread

try:
    from time import time_ns
except ImportError:
    time_ns = None

ROUNDS = 12
SHARED_WORKERS = 3  # per shared mount
TIMEOUT_S = 120


class RAM:
    def __init__(self, blocks, bs, data=None):
        self.bs = bs
        self.n = blocks
        self.data = bytearray(blocks * bs) if data is None else data

    def readblocks(self, n, buf, off=0):
        a = n * self.bs + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf, off=None):
        if off is None:  # FAT: whole blocks
            off = 0
        a = n * self.bs + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return self.n
        if op == 5:
            return self.bs
        if op == 6:  # erase (littlefs)
            self.data[arg * self.bs : (arg + 1) * self.bs] = b"\xff" * self.bs
            return 0

    def copy(self, into):
        # a copy in a buffer allocated before the threads ran (the heap is fragmented
        # by now); the block count comes along, the buffer may be larger
        into[: len(self.data)] = self.data
        return RAM(self.n, self.bs, into)


lock = _thread.allocate_lock()
problems = []
state = {"done": 0, "workers": 0, "stop": False, "lists": 0}


def problem(s):
    with lock:
        problems.append(s)


def content(tid, i):
    n = (tid * 397 + i * 211) % 2500
    return bytes((tid * 7 + i * 13 + k) & 0xFF for k in range(n))


def worker(tid, mount, expected):
    try:
        mine = {}
        own = "%s/w%d" % (mount, tid)
        os.mkdir(own)
        for i in range(ROUNDS):
            data = content(tid, i)
            tmp = "%s/t%d_%d.tmp" % (mount, tid, i)
            with open(tmp, "wb") as f:
                f.write(data)
            with open(tmp, "rb") as f:
                if f.read() != data:
                    problem("%s: read back of %s differs" % (mount, tmp))
            name = "t%d_%d.dat" % (tid, i)
            os.rename(tmp, mount + "/" + name)
            if os.stat(mount + "/" + name)[6] != len(data):
                problem("%s: size of %s" % (mount, name))
            if i % 3 == 1:
                with open(mount + "/" + name, "ab") as f:
                    f.write(b"appended %d" % i)
                data += b"appended %d" % i
            if i % 3 == 0:
                os.remove(mount + "/" + name)
            else:
                mine[name] = data
            # the worker's own directory: a file in it, a subdirectory made and removed
            sub = "%s/d%d" % (own, i)
            os.mkdir(sub)
            with open(sub + "/x", "w") as f:
                f.write("x%d" % i)
            if i % 2:
                os.remove(sub + "/x")
                os.rmdir(sub)
            else:
                mine["w%d/d%d/x" % (tid, i)] = b"x%d" % i
            names = sorted(os.listdir(own))
            want = sorted("d%d" % j for j in range(i + 1) if j % 2 == 0)
            if names != want:
                problem("%s: listdir(%s) = %r" % (mount, own, names))
        with lock:
            expected.update(mine)
    except Exception as e:
        problem("%s worker %d: %s %r" % (mount, tid, type(e).__name__, e))
    with lock:
        state["done"] += 1


def lister(mount):
    # list and stat the shared directory while the workers change it: an entry may
    # vanish between the listing and its stat (ENOENT), nothing else may go wrong
    try:
        while not state["stop"]:
            for name in os.listdir(mount):
                try:
                    st = os.stat(mount + "/" + name)
                    if name.endswith(".dat") and st[0] & 0x4000:
                        problem("%s: %s is a directory" % (mount, name))
                except OSError as e:
                    if e.errno != 2:
                        problem("%s lister: stat %s: %r" % (mount, name, e))
            with lock:
                state["lists"] += 1
            time.sleep_ms(1)
    except Exception as e:
        problem("%s lister: %s %r" % (mount, type(e).__name__, e))
    with lock:
        state["done"] += 1


def read_all(fs_open, listdir, path=""):
    # {relative path: bytes} of every file, through a filesystem object's methods
    out = {}
    for ent in listdir(path or "/"):
        name = ent[0]
        p = path + "/" + name
        if ent[1] == 0x4000:
            for k, v in read_all(fs_open, listdir, p).items():
                out[k] = v
        else:
            with fs_open(p, "rb") as f:
                out[p[1:]] = f.read()
    return out


def check_tree(label, got, expected):
    if got == expected:
        print("ok", label, len(got), "files")
        return
    for k in sorted(expected):
        if k not in got:
            print("FAIL", label, "missing", k)
        elif got[k] != expected[k]:
            print("FAIL", label, "content of", k, len(got[k]), len(expected[k]))
    for k in sorted(got):
        if k not in expected:
            print("FAIL", label, "unexpected", k)


def tmpdir():
    stamp = time_ns() if time_ns else time.ticks_us()
    for k in range(100):
        d = "/tmp/rustos_threads_%d_%d" % (stamp, k)
        try:
            os.mkdir(d)
            return d
        except OSError:
            pass
    raise OSError(17)


def rmtree(path):
    for ent in os.ilistdir(path):
        p = path + "/" + ent[0]
        if ent[1] == 0x4000:
            rmtree(p)
        else:
            os.remove(p)
    os.rmdir(path)


# shared mounts: several workers each; own mounts: one worker each
LFS_BLOCKS, FAT_SECTORS = 256, 320
spare = bytearray(max(LFS_BLOCKS, FAT_SECTORS) * 512)
host = tmpdir()
devs = {}
mounts = []
ALL = (("lfs", "lfs"), ("fat", "fat"), ("px", "posix"), ("lfsA", "lfs"), ("lfsB", "lfs"), ("fatA", "fat"), ("fatB", "fat"))
for name, kind in ALL:
    if len(sys.argv) > 1 and name not in sys.argv[1:]:
        continue
    if kind == "lfs":
        dev = RAM(LFS_BLOCKS, 512)
        vfs.VfsLfs2.mkfs(dev)
        fs = vfs.VfsLfs2(dev)
    elif kind == "fat":
        dev = RAM(FAT_SECTORS, 512)
        vfs.VfsFat.mkfs(dev)
        fs = vfs.VfsFat(dev)
    else:
        dev = None
        fs = vfs.VfsPosix(host)
    vfs.mount(fs, "/" + name)
    devs[name] = (kind, dev)
    mounts.append(name)

expected = {m: {} for m in mounts}
jobs = []
tid = 0
for m in mounts:
    for _ in range(SHARED_WORKERS if m in ("lfs", "fat", "px") else 1):
        jobs.append((worker, (tid, "/" + m, expected[m])))
        tid += 1
n_workers = len(jobs)
for m in ("lfs", "fat", "px"):
    if m in mounts:
        jobs.append((lister, ("/" + m,)))
for f, args in jobs:
    _thread.start_new_thread(f, args)

t0 = time.ticks_ms()
while state["done"] < n_workers and time.ticks_diff(time.ticks_ms(), t0) < TIMEOUT_S * 1000:
    time.sleep_ms(10)
state["stop"] = True
while state["done"] < len(jobs) and time.ticks_diff(time.ticks_ms(), t0) < TIMEOUT_S * 1000:
    time.sleep_ms(10)
if state["done"] < len(jobs):
    print("FAIL timeout: %d of %d threads finished" % (state["done"], len(jobs)))
for p in problems:
    print("FAIL", p)
print("ok", n_workers, "workers and", len(jobs) - n_workers, "listers finished")
if state["lists"] == 0 and len(jobs) > n_workers:
    print("FAIL the listers never completed a listing")

for m in mounts:
    # through the mounts (os and open), then the raw images on fresh objects
    try:
        got = read_all(lambda p, mode: open("/" + m + p, mode), lambda p: os.ilistdir("/" + m + (p if p != "/" else "")))
        check_tree("/%s through os" % m, got, expected[m])
    except Exception as e:
        print("FAIL /%s through os: %s %r" % (m, type(e).__name__, e))
    got = None
for m in mounts:
    vfs.umount("/" + m)
fs = None
for m in mounts:
    kind, dev = devs[m]
    devs[m] = None  # the copy replaces the device: the old objects cannot touch it
    gc.collect()
    if kind == "posix":
        fs = vfs.VfsPosix(host)
    elif kind == "lfs":
        fs = vfs.VfsLfs2(dev.copy(spare))
    else:
        fs = vfs.VfsFat(dev.copy(spare))
    dev = None
    try:
        got = read_all(fs.open, fs.ilistdir)
        check_tree("/%s remounted (%s)" % (m, kind), got, expected[m])
        if kind != "posix":
            fs.statvfs("/")
    except Exception as e:
        print("FAIL /%s remounted: %s %r" % (m, type(e).__name__, e))
    fs = got = None
rmtree(host)
