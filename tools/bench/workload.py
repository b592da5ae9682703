# The workloads of `make bench`: a MicroPython script, run unchanged on our firmware and
# on stock by tools/bench/run.py, once per workload and repetition (a fresh process each).
#
# usage: micropython workload.py list
#        micropython workload.py NAME ASSET_DIR TMP_DIR [trace]
#
# ASSET_DIR holds bench_module.py (and bench_module.mpy when mpy-cross was there);
# TMP_DIR is an empty host directory for the VfsPosix workloads.
#
# Each workload does its setup untimed, then measures one operation and prints one
# "key value" line per measurement (an operation that takes microseconds, as mkfs, mount,
# umount and open, is measured REPS times and the mean per operation printed, after a first
# call measured on its own):
#   time        microseconds of the operation (time.ticks_us)
#   first       of an operation measured REPS times: microseconds of its first call in the
#               process, made before those REPS (its code and data not yet in any cache)
#   <counter>   the RAM block device's counters during the operation only
#   heap        gc.mem_alloc() growth (after gc.collect()) kept by what the operation
#               made: a mounted filesystem, or one open file
# and "ok" last, so the runner can tell a complete run from a crash.  With "trace", every
# device call inside the measured window is listed too ("trace read|write|erase|ioctl ...";
# the listing allocates, so heap figures of a traced run mean nothing).
import gc
import os
import sys
import time
import vfs

MOUNT = "/bench"
TRACE = False
SIZE = 256 * 1024  # bytes written then read by the sequential workloads
NFILES = 200  # small files created, listed, stat'ed and removed
SMALL = b"small file contents, 32 bytes.\n"  # 32 bytes
REPS = 20  # repetitions of the operations that take microseconds (mkfs, mount, open...)


COUNTERS = ("read calls", "read bytes", "write calls", "write bytes", "erase calls", "ioctl calls")


class RAMBlockDevice:
    """A block device in a bytearray, with the extended interface (offsets, erase by ioctl 6)
    littlefs uses and the plain one FAT uses; counts every call and byte.

    Keep these methods small: a bytecode function whose frame (locals + value stack) is over
    11 words gets it from the GC heap on every call, and between collections each such call
    searches further past the garbage the workload leaves: a device with one more line here
    ran the littlefs workloads ten times slower, on both firmwares alike."""

    def __init__(self, block_size, nblocks):
        self.bs = block_size
        self.data = bytearray(block_size * nblocks)
        self.mv = memoryview(self.data)
        self.erased = b"\xff" * block_size
        self.reset()

    def reset(self):
        self.reads = self.read_bytes = 0
        self.writes = self.write_bytes = 0
        self.erases = self.ioctls = 0

    def readblocks(self, block, buf, off=0):
        a = block * self.bs + off
        n = len(buf)
        buf[:] = self.mv[a : a + n]
        self.reads += 1
        self.read_bytes += n

    def writeblocks(self, block, buf, off=0):
        a = block * self.bs + off
        n = len(buf)
        self.mv[a : a + n] = buf
        self.writes += 1
        self.write_bytes += n

    def ioctl(self, op, arg):
        if op == 6:  # erase one block
            a = arg * self.bs
            self.mv[a : a + self.bs] = self.erased
            self.erases += 1
            return 0
        self.ioctls += 1
        if op == 4:  # block count
            return len(self.data) // self.bs
        if op == 5:  # block size
            return self.bs
        return 0  # init, deinit, sync


class TracingRAMBlockDevice(RAMBlockDevice):
    """The same device listing its calls (trace mode only: the listing allocates)."""

    def reset(self):
        super().reset()
        self.trace = []

    def readblocks(self, block, buf, off=0):
        super().readblocks(block, buf, off)
        self.trace.append("read %d+%d %d" % (block, off, len(buf)))

    def writeblocks(self, block, buf, off=0):
        super().writeblocks(block, buf, off)
        self.trace.append("write %d+%d %d" % (block, off, len(buf)))

    def ioctl(self, op, arg):
        self.trace.append(("erase %d" % arg) if op == 6 else ("ioctl %d %d" % (op, arg)))
        return super().ioctl(op, arg)


# Each filesystem on a 1 MiB RAM device: littlefs v2 on 4096-byte blocks, FAT on 512-byte sectors.
FS = {
    "lfs2": (lambda: vfs.VfsLfs2, 4096, 256),
    "fat": (lambda: vfs.VfsFat, 512, 2048),
}


class Bench:
    """The measured window start()..stop(), and heap_before()..heap_after() around it where
    a workload measures heap.  Nothing inside either window allocates: stop() copies the
    clock and the counters into slots made beforehand, and output is built in report()."""

    def __init__(self):
        self.dev = None
        self.t0 = self.h0 = 0
        self.dt = 0
        self.heap = None
        self.snap = [0] * 6
        self.log = None
        # A workload whose operation takes microseconds repeats it REPS times, each in a
        # window of its own; the report gives the mean per operation (time, counters,
        # heap), so that ticks_us's 1 µs steps do not decide the ratio.  The process's
        # first call of it is timed apart (repeated()).
        self.reps = 1
        self.first = None
        self.heap_from_first = False

    def repeated(self, heap=False):
        """The workload calls its operation 1 + REPS times, each call between start() and
        stop(): the first call's time is kept apart, as `first`, and the other REPS give the
        mean per operation, with their counters and (with `heap`, until heap_after()) the
        heap they keep.  A first call runs code and touches data nothing in the process has
        touched yet: it took up to ten times as long as a later one, and within a mean of 20
        it decided the rows of operations of a microsecond."""
        self.reps = REPS
        self.first = -1
        self.heap_from_first = heap

    def start(self):
        gc.collect()
        if self.dev:
            self.dev.reset()
        self.t0 = time.ticks_us()

    def stop(self):
        dt = time.ticks_diff(time.ticks_us(), self.t0)
        if self.first == -1:
            self.first = dt
            if self.heap_from_first:
                self.heap_before()
            return
        self.dt += dt
        d = self.dev
        if d:
            if TRACE:
                self.log, d.trace = (self.log or []) + d.trace, []
            s = self.snap
            s[0] += d.reads
            s[1] += d.read_bytes
            s[2] += d.writes
            s[3] += d.write_bytes
            s[4] += d.erases
            s[5] += d.ioctls

    def heap_before(self):
        gc.collect()
        self.h0 = gc.mem_alloc()

    def heap_after(self):
        gc.collect()
        self.heap = gc.mem_alloc() - self.h0

    def report(self):
        def mean(v):
            return v // self.reps if v % self.reps == 0 else "%.2f" % (v / self.reps)

        print("time", mean(self.dt))
        if self.first is not None:
            print("first", self.first)
        if self.dev:
            for k, v in zip(COUNTERS, self.snap):
                print(k, mean(v))
        if self.heap is not None:
            print("heap", mean(self.heap))
        for line in self.log or ():
            print("trace", line)
        print("ok")


def fs_setup(b, kind, mkfs=True, mount=True):
    cls, bs, n = FS[kind]
    cls = cls()
    b.dev = (TracingRAMBlockDevice if TRACE else RAMBlockDevice)(bs, n)
    if mkfs:
        cls.mkfs(b.dev)
    if mount:
        vfs.mount(cls(b.dev), MOUNT)
    return cls


def write_file(path, total, chunk):
    buf = bytearray(chunk)
    for i in range(chunk):
        buf[i] = (i * 7 + 3) & 0xFF
    f = open(path, "wb")
    for _ in range(total // chunk):
        f.write(buf)
    f.close()


def read_file(path, total, chunk):
    buf = bytearray(chunk)
    f = open(path, "rb")
    n = 0
    while True:
        k = f.readinto(buf)
        if not k:
            break
        n += k
    f.close()
    if n != total:
        raise OSError("read %d bytes, expected %d" % (n, total))


def small_names():
    return ["f%03d.txt" % i for i in range(NFILES)]


def create_small(names):
    for name in names:
        f = open(MOUNT + "/" + name, "wb")
        f.write(SMALL)
        f.close()


# --- the workloads on a RAM block device: NAME is "<fs> <op>" ---


def w_mkfs(b, kind):
    cls = fs_setup(b, kind, mkfs=False, mount=False)
    b.repeated()
    for _ in range(1 + REPS):
        b.start()
        cls.mkfs(b.dev)
        b.stop()


def mount_points():
    """A first call's mount point, then REPS more."""
    return [MOUNT + str(i) for i in range(1 + REPS)]


def w_mount(b, kind):
    cls = fs_setup(b, kind, mount=False)
    points = mount_points()
    b.repeated(heap=True)
    for p in points:
        b.start()
        fs = cls(b.dev)
        vfs.mount(fs, p)
        b.stop()
    fs = None
    b.heap_after()  # the mount table keeps the filesystems alive


def w_umount(b, kind):
    cls = fs_setup(b, kind, mount=False)
    points = mount_points()
    for p in points:
        vfs.mount(cls(b.dev), p)
    b.repeated()
    for p in points:
        b.start()
        vfs.umount(p)
        b.stop()


def open_reps(b, mode):
    """1 + REPS opens under MOUNT, each measured: of one written file ("rb"), or of new files."""
    if mode == "rb":
        paths = [MOUNT + "/file"] * (1 + REPS)
        write_file(paths[0], 4096, 4096)
    else:
        paths = [MOUNT + "/file%d" % i for i in range(1 + REPS)]
    files = [None] * len(paths)
    b.repeated(heap=True)
    for i in range(len(paths)):
        b.start()
        files[i] = open(paths[i], mode)
        b.stop()
    b.heap_after()
    for f in files:
        f.close()


def w_open(mode):
    def w(b, kind):
        fs_setup(b, kind)
        open_reps(b, mode)

    return w


def w_write(chunk):
    def w(b, kind):
        fs_setup(b, kind)
        b.start()
        write_file(MOUNT + "/big", SIZE, chunk)
        b.stop()

    return w


def w_read(chunk):
    def w(b, kind):
        fs_setup(b, kind)
        write_file(MOUNT + "/big", SIZE, 4096)
        b.start()
        read_file(MOUNT + "/big", SIZE, chunk)
        b.stop()

    return w


def w_create(b, kind):
    fs_setup(b, kind)
    names = small_names()
    b.start()
    create_small(names)
    b.stop()


def w_listdir(b, kind):
    fs_setup(b, kind)
    create_small(small_names())
    b.start()
    got = os.listdir(MOUNT)
    b.stop()
    if len(got) != NFILES:
        raise OSError("listdir gave %d names" % len(got))


def w_stat(b, kind):
    fs_setup(b, kind)
    names = small_names()
    create_small(names)
    paths = [MOUNT + "/" + n for n in names]
    b.start()
    for p in paths:
        os.stat(p)
    b.stop()


def w_statvfs(b, kind):
    fs_setup(b, kind)
    create_small(small_names())
    b.start()
    os.statvfs(MOUNT)
    b.stop()


MANY = 1000  # files under the filesystem whose statvfs is called


def w_statvfs_many(b, kind):
    """statvfs 1 + REPS times with 1,000 files in a directory: the first call walks the
    filesystem; whether the later ones do again is what the row shows (device reads)."""
    fs_setup(b, kind)
    os.mkdir(MOUNT + "/many")
    for i in range(MANY):
        f = open(MOUNT + "/many/f%04d" % i, "wb")
        f.write(SMALL)
        f.close()
    b.repeated()
    for _ in range(1 + REPS):
        b.start()
        os.statvfs(MOUNT)
        b.stop()


def w_remove(b, kind):
    fs_setup(b, kind)
    names = small_names()
    create_small(names)
    paths = [MOUNT + "/" + n for n in names]
    b.start()
    for p in paths:
        os.remove(p)
    b.stop()


def w_import(ext):
    def w(b, kind):
        fs_setup(b, kind)
        src = open(ASSETS + "/bench_module" + ext, "rb").read()
        f = open(MOUNT + "/bench_module" + ext, "wb")
        f.write(src)
        f.close()
        src = None
        sys.path.insert(0, MOUNT)
        b.start()
        m = __import__("bench_module")
        b.stop()
        if getattr(m, "result", None) != 123:
            raise OSError("imported module incomplete, it has only %s" % sorted(dir(m)))

    return w


DEV_WORKLOADS = (
    ("mkfs", w_mkfs),
    ("mount", w_mount),
    ("umount", w_umount),
    ("open file wb", w_open("wb")),
    ("open file rb", w_open("rb")),
    ("write 256K in 4K chunks", w_write(4096)),
    ("read 256K in 4K chunks", w_read(4096)),
    ("write 256K in 64B chunks", w_write(64)),
    ("read 256K in 64B chunks", w_read(64)),
    ("create 200 files", w_create),
    ("listdir 200 files", w_listdir),
    ("stat 200 files", w_stat),
    ("statvfs", w_statvfs),
    ("statvfs, 1000 files", w_statvfs_many),
    ("remove 200 files", w_remove),
    ("import .py", w_import(".py")),
    ("import .mpy", w_import(".mpy")),
)

# --- VfsPosix: the host filesystem under TMP_DIR, mounted at MOUNT ---

POSIX_SIZE = 4 * 1024 * 1024
LINES = 10000


def posix_setup(b):
    vfs.mount(vfs.VfsPosix(TMP), MOUNT)


def p_mount(b):
    points = mount_points()
    b.repeated(heap=True)
    for p in points:
        b.start()
        fs = vfs.VfsPosix(TMP)
        vfs.mount(fs, p)
        b.stop()
    fs = None
    b.heap_after()


def p_open(mode):
    def w(b):
        posix_setup(b)
        open_reps(b, mode)

    return w


def p_write(b):
    posix_setup(b)
    b.start()
    write_file(MOUNT + "/big", POSIX_SIZE, 4096)
    b.stop()


def p_read(b):
    posix_setup(b)
    write_file(MOUNT + "/big", POSIX_SIZE, 4096)
    b.start()
    read_file(MOUNT + "/big", POSIX_SIZE, 4096)
    b.stop()


def p_readline(b):
    posix_setup(b)
    f = open(MOUNT + "/lines.txt", "w")
    for i in range(LINES):
        f.write("line %05d of the readline benchmark\n" % i)
    f.close()
    b.start()
    f = open(MOUNT + "/lines.txt", "r")
    n = 0
    while f.readline():
        n += 1
    f.close()
    b.stop()
    if n != LINES:
        raise OSError("read %d lines" % n)


POSIX_WORKLOADS = (
    ("mount", p_mount),
    ("open file wb", p_open("wb")),
    ("open file rb", p_open("rb")),
    ("write 4M in 4K chunks", p_write),
    ("read 4M in 4K chunks", p_read),
    ("readline 10000 lines", p_readline),
)


# --- the control: the interpreter alone, no filesystem call.  Both firmwares run the same
# VM, but its code sits at other addresses (our code is linked around it), and a loop of
# bytecode dispatch is sensitive to that: this row shows how far apart the two builds are
# before any os code runs, the baseline the filesystem rows' ratios should be read against.


def c_loop(b):
    buf = bytearray(64)
    b.start()
    s = 0
    for i in range(100000):
        s += i * i & 7
        buf[:] = buf
    b.stop()
    if s != 150000:
        raise OSError("loop computed %d" % s)


def names():
    yield "control: python loop, no filesystem", c_loop
    for kind in FS:
        for op, _ in DEV_WORKLOADS:
            yield kind + " " + op, (lambda b, f=_, k=kind: f(b, k))
    for op, f in POSIX_WORKLOADS:
        yield "posix " + op, f


def main():
    global ASSETS, TMP, TRACE
    if len(sys.argv) < 2 or sys.argv[1] == "list":
        for name, _ in names():
            print(name)
        return
    name, ASSETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
    TRACE = sys.argv[4:] == ["trace"]
    for n, f in names():
        if n == name:
            b = Bench()
            f(b)
            b.report()
            return
    raise SystemExit("unknown workload: " + name)


main()
