# Low-memory workload (issue #9), run by tools/lowmem/run.py on a small GC heap
# (-X heapsize=...): VfsLfs2 or VfsFat on a block device backed by a host file (so that
# the device takes nothing from the heap): mkfs, mount, directories, files written in
# chunks and read back, eight files open at once, a directory of many entries listed
# and stat'ed, a large file written in one call and read back whole (a large
# allocation), rename, remove, stat, statvfs, umount.  Each step prints "step NAME"
# first, so that the driver knows where a MemoryError or OSError struck; "DONE" at the
# end.
#
#   micropython workload.py work|resume|check lfs2|fat IMAGE BLOCK_SIZE BLOCK_COUNT
#
# work:   the steps in order; an exception is not caught (the driver reads the
#         traceback).
# resume: each step's MemoryError or OSError is caught and printed ("MemoryError in
#         STEP", "OSError N in STEP") and the next step runs on the same, still mounted
#         filesystem; before umount a last step ("after") lists the root and writes,
#         reads back and removes a file, to show that the filesystem still works after
#         the MemoryErrors (a lock left held would say EBUSY or hang).  Wrong data is
#         only reported by "after" and by check (a step cut short leaves less behind).
# check:  (run by the driver with a large heap afterwards) mounts the image without
#         formatting it, reads every file (each must hold a prefix of what work writes
#         to it), writes and reads back a new file, and prints "CHECK OK n" (n files).
import gc
import sys
import os
import vfs

MODE, KIND, IMAGE = sys.argv[1], sys.argv[2], sys.argv[3]
BS, COUNT = int(sys.argv[4]), int(sys.argv[5])
NFILES = 6
NOPEN = 8
NMANY = 40
BIG = 6000
CHUNK = b"0123456789abcdef" * 12  # 192 bytes
STRICT = MODE == "work"


class FileDev:
    def __init__(self, path):
        self.f = open(path, "r+b")

    def readblocks(self, n, buf, off=0):
        self.f.seek(n * BS + off)
        self.f.readinto(buf)

    def writeblocks(self, n, buf, off=0):
        self.f.seek(n * BS + off)
        self.f.write(buf)

    def ioctl(self, op, arg):
        if op == 4:
            return COUNT
        if op == 5:
            return BS
        if op == 3:
            self.f.flush()
        if op in (3, 6):
            return 0


def bad(*args):
    if STRICT:
        print("BAD", *args)


def expected(name):
    # the content the workload writes to d1/f<i>.txt (later renamed to g<i>.txt)
    return CHUNK * (int(name[1:].split(".")[0]) + 1)


Vfs = vfs.VfsLfs2 if KIND == "lfs2" else vfs.VfsFat
dev = FileDev(IMAGE)


def s_mkfs():
    Vfs.mkfs(dev)


def s_mount():
    vfs.mount(Vfs(dev), "/m")


def s_mkdir():
    os.mkdir("/m/d1")
    os.mkdir("/m/d1/d2")
    with open("/m/d1/d2/small", "w") as f:
        f.write("small file")


def s_write(i):
    with open("/m/d1/f%d.txt" % i, "wb") as f:
        for _ in range(i + 1):
            f.write(CHUNK)


def s_read(i):
    buf = bytearray(len(CHUNK))
    with open("/m/d1/f%d.txt" % i, "rb") as f:
        for _ in range(i + 1):
            if f.readinto(buf) != len(buf) or buf != CHUNK:
                bad("content of f%d.txt" % i)
        if f.readinto(buf):
            bad("length of f%d.txt" % i)


def s_open_many():
    files = []
    try:
        for i in range(NOPEN):
            files.append(open("/m/o%d" % i, "wb"))
        for k in range(3):
            for i, f in enumerate(files):
                f.write(b"o%d " % i)
    finally:
        for f in files:
            f.close()


def s_many():
    os.mkdir("/m/many")
    for i in range(NMANY):
        with open("/m/many/entry number %d" % i, "w") as f:
            f.write("m%d" % i)
    names = os.listdir("/m/many")
    if len(names) != NMANY:
        bad("listing of many:", len(names))
    for name in names:
        os.stat("/m/many/" + name)


def s_big():
    big = bytearray(BIG)
    for i in range(BIG):
        big[i] = i * 7 & 0xFF
    with open("/m/big.bin", "wb") as f:
        f.write(big)
    with open("/m/big.bin", "rb") as f:
        if f.read() != big:
            bad("content of big.bin")


def s_listdir():
    if sorted(os.listdir("/m/d1")) != sorted(["d2"] + ["f%d.txt" % i for i in range(NFILES)]):
        bad("listing", os.listdir("/m/d1"))


def s_rename():
    for i in range(NFILES):
        os.rename("/m/d1/f%d.txt" % i, "/m/d1/g%d.txt" % i)


def s_remove():
    for i in range(0, NFILES, 2):
        os.remove("/m/d1/g%d.txt" % i)


def s_stat():
    for i in range(1, NFILES, 2):
        if os.stat("/m/d1/g%d.txt" % i)[6] != len(CHUNK) * (i + 1):
            bad("size of g%d.txt" % i)
    os.statvfs("/m")


def s_rmdir():
    os.remove("/m/d1/d2/small")
    os.rmdir("/m/d1/d2")


def s_after():
    os.listdir("/m")
    with open("/m/after.txt", "w") as f:
        f.write("after")
    with open("/m/after.txt") as f:
        if f.read() != "after":
            print("BAD after.txt")
    os.remove("/m/after.txt")


def s_umount():
    vfs.umount("/m")


STEPS = (
    [("mkfs", s_mkfs), ("mount", s_mount), ("mkdir", s_mkdir)]
    + [("write %d" % i, lambda i=i: s_write(i)) for i in range(NFILES)]
    + [("read %d" % i, lambda i=i: s_read(i)) for i in range(NFILES)]
    + [("open many", s_open_many), ("many entries", s_many), ("big file", s_big), ("listdir", s_listdir)]
    + [("rename", s_rename), ("remove", s_remove), ("stat", s_stat), ("rmdir", s_rmdir)]
)

if MODE == "work":
    for name, fn in STEPS + [("umount", s_umount)]:
        print("step", name)
        fn()
    print("DONE")
elif MODE == "resume":
    for name, fn in STEPS + [("after", s_after), ("umount", s_umount)]:
        print("step", name)
        try:
            fn()
        except MemoryError:
            gc.collect()
            print("MemoryError in", name)
        except OSError as e:
            gc.collect()
            print("OSError", e.errno, "in", name)
    print("DONE")
else:
    fs = Vfs(dev)
    n = 0

    def walk(path):
        global n
        for ent in fs.ilistdir(path):
            p = path.rstrip("/") + "/" + ent[0]
            if ent[1] == 0x4000:
                walk(p)
                continue
            n += 1
            with fs.open(p, "rb") as f:
                data = f.read()
            name = ent[0]
            if name[0] in "fg" and name.endswith(".txt"):
                want = expected(name)
                if len(data) > len(want) or want[: len(data)] != data:
                    print("BAD content of", p, len(data))
            elif name == "small" and data not in (b"", b"small file"):
                print("BAD content of", p)
            elif name[0] == "o" and (b"o%s " % name[1:].encode() * 3)[: len(data)] != data:
                print("BAD content of", p)
            elif name.startswith("entry number ") and data not in (b"", b"m" + name[13:].encode()):
                print("BAD content of", p)
            elif name == "big.bin" and data != bytes(i * 7 & 0xFF for i in range(len(data))):
                print("BAD content of", p)
            elif name == "after.txt" and data not in (b"", b"after"):
                print("BAD content of", p)

    walk("/")
    with fs.open("/check.bin", "wb") as f:
        f.write(CHUNK * 20)
    with fs.open("/check.bin", "rb") as f:
        if f.read() != CHUNK * 20:
            print("BAD check.bin")
    fs.statvfs("/")
    print("CHECK OK", n)
