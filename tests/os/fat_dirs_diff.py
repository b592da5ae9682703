# Differential test: VfsFat directories and names on a RAM block device.  mkdir, rmdir,
# remove and rename with their error cases; case-insensitive, long and odd names; '.',
# '..' and '//' in paths; chdir/getcwd; stat; ilistdir (str and bytes) and its order
# after creates, removes and renames.  Operations run through the mounted VFS (os.*) and
# directly on the VfsFat object.  Each operation that changes the tree runs on a fresh
# FAT (and prints the tree after it), so one difference does not change later cases.
# The expected output is stock MicroPython's for this same script.
import os
import vfs


class RAM:
    def __init__(self, blocks, ss=512):
        self.ss = ss
        self.data = bytearray(blocks * ss)

    def readblocks(self, n, buf):
        a = n * self.ss
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf):
        a = n * self.ss
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.ss
        if op == 5:
            return self.ss


def show(label, f, *args, **kw):
    try:
        r = f(*args, **kw)
        if hasattr(r, "readinto"):
            r.close()
            r = "<%s>" % type(r).__name__
        print(label, "->", r if isinstance(r, str) else repr(r))
    except Exception as e:
        print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)


def touch(path, data=b"x"):
    with open(path, "wb") as f:
        f.write(data)


def cat(path, fs=None):
    with (fs.open(path, "r") if fs else open(path)) as f:
        return f.read()


def ls(path=""):
    # directory order, as FAT stores it
    return [(e[0], e[1], e[3]) for e in os.ilistdir(path)]


def flat(fs, path="/", depth=0):
    # the whole tree as one list, in directory order; 'name/' for a directory
    out = []
    if depth > 6:
        return ["..."]
    for e in fs.ilistdir(path):
        p = path.rstrip("/") + "/" + e[0]
        if e[1] == 0x4000:
            out.append(p + "/")
            out.extend(flat(fs, p, depth + 1))
        else:
            out.append("%s:%d" % (p, e[3]))
    return out


def mode(path):
    try:
        st = os.stat(path)
        return ("dir" if st[0] == 0x4000 else "file" if st[0] == 0x8000 else hex(st[0]), st[6])
    except OSError as e:
        return ("errno", e.errno)


fs = None


def fresh():
    # a new FAT mounted at /fat and made the cwd, with a/b/c, a/f1, f and d2
    global fs
    os.chdir("/")
    try:
        vfs.umount("/fat")
    except OSError:
        pass
    dev = RAM(256)
    vfs.VfsFat.mkfs(dev)
    fs = vfs.VfsFat(dev)
    vfs.mount(fs, "/fat")
    os.chdir("/fat")
    fs.mkdir("/a")
    fs.mkdir("/a/b")
    fs.mkdir("/a/b/c")
    for p, d in (("/a/f1", b"f1"), ("/f", b"ff"), ("/a/b/c/deep", b"deep")):
        with fs.open(p, "wb") as f:
            f.write(d)
    fs.mkdir("/d2")


def tcase(label, f, *args):
    # run one operation on a fresh FAT, then print the resulting tree
    fresh()
    if isinstance(f, str):
        f = getattr(fs, f[3:])  # "fs.name": the method of the new VfsFat
    show(label, f, *args)
    try:
        print("  tree", flat(fs))
    except Exception as e:
        print("  tree raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)


fresh()
print("initial tree", flat(fs))

# ---- mkdir ----
tcase("mkdir new", os.mkdir, "n")
tcase("mkdir existing dir", os.mkdir, "a")
tcase("mkdir existing dir other case", os.mkdir, "A")
tcase("mkdir nested", os.mkdir, "a/b/n")
tcase("mkdir nested other case", os.mkdir, "A/B/n")
tcase("mkdir missing parent", os.mkdir, "nope/x")
tcase("mkdir missing grandparent", os.mkdir, "nope/x/y")
tcase("mkdir over file", os.mkdir, "f")
tcase("mkdir file in middle", os.mkdir, "f/x")
tcase("mkdir file in middle deep", os.mkdir, "f/x/y")
tcase("mkdir trailing slash", os.mkdir, "t/")
tcase("mkdir trailing slashes", os.mkdir, "t//")
tcase("mkdir existing trailing slash", os.mkdir, "a/")
tcase("mkdir double slash", os.mkdir, "a//n")
tcase("mkdir dot", os.mkdir, ".")
tcase("mkdir dotdot", os.mkdir, "..")
tcase("mkdir a/.", os.mkdir, "a/.")
tcase("mkdir a/..", os.mkdir, "a/..")
tcase("mkdir a/./n", os.mkdir, "a/./n")
tcase("mkdir a/b/../n", os.mkdir, "a/b/../n")
tcase("mkdir ../n (above root)", os.mkdir, "../n")
tcase("mkdir empty", os.mkdir, "")
tcase("mkdir root", os.mkdir, "/fat")
tcase("mkdir root/", os.mkdir, "/fat/")
tcase("fs.mkdir /", "fs.mkdir", "/")
tcase("fs.mkdir ''", "fs.mkdir", "")
tcase("fs.mkdir /a", "fs.mkdir", "/a")
tcase("fs.mkdir //n", "fs.mkdir", "//n")
tcase("fs.mkdir /../n", "fs.mkdir", "/../n")
tcase("fs.mkdir n (relative)", "fs.mkdir", "n")
tcase("fs.mkdir /a/b/c/deep/n", "fs.mkdir", "/a/b/c/deep/n")

# ---- stat ----
fresh()
for p in ("a", "A", "a/b", "a/B/C", "a/.", "a/..", "a/b/..", "a/b/../..", "./a", "a//b", "a/b/", "a/b//", "f", "F",
          "f/", "f/.", "/fat/a/b/c/deep", "a/f1", "A/F1", "nope", "a/nope", "nope/x", "f/x", "..", ".", "/fat/.", "/fat/..", "/fat//a"):
    print("stat", repr(p), mode(p))
print("stat /fat", os.stat("/fat")[:7])
print("stat /fat/", os.stat("/fat/")[:7])
print("fs.stat /", fs.stat("/")[:7])
print("fs.stat ''", fs.stat("")[:7])
print("stat a", os.stat("a")[:7])
print("stat f", os.stat("f")[:7])
print("stat len", len(os.stat("f")), len(fs.stat("/")))
for p in ("//", "/.", "/..", ".", "..", "/a/..", "/a/.", "/a/b/../b/c/deep", "a", "/a/", "//a", "/F"):
    show("fs.stat " + repr(p), lambda: fs.stat(p)[:7])
st = os.stat("f")
print("times are ints", type(st[7]), type(st[8]), type(st[9]), st[7] == st[8] == st[9])
print("dir time set", os.stat("a")[8] > 0)

# ---- rmdir / remove ----
tcase("rmdir empty dir", os.rmdir, "d2")
tcase("rmdir other case", os.rmdir, "A/B/C/../../../D2")
tcase("rmdir nonempty", os.rmdir, "a")
tcase("rmdir missing", os.rmdir, "zz")
tcase("rmdir missing parent", os.rmdir, "zz/y")
tcase("rmdir file", os.rmdir, "f")
tcase("rmdir file in middle", os.rmdir, "f/x")
tcase("remove file", os.remove, "f")
tcase("remove file other case", os.remove, "A/F1")
tcase("remove dir", os.remove, "d2")
tcase("remove missing", os.remove, "zz")
tcase("remove missing parent", os.remove, "zz/y")
tcase("remove file in middle", os.remove, "f/x")
tcase("remove empty", os.remove, "")
tcase("rmdir empty", os.rmdir, "")
tcase("rmdir root", os.rmdir, "/fat")
tcase("fs.rmdir /", "fs.rmdir", "/")
tcase("fs.remove /", "fs.remove", "/")
tcase("rmdir .", os.rmdir, ".")
tcase("rmdir d2/.", os.rmdir, "d2/.")
tcase("rmdir a/b/c/..", os.rmdir, "a/b/c/..")
tcase("rmdir d2/..", os.rmdir, "d2/..")
tcase("rmdir trailing slash", os.rmdir, "d2/")
tcase("remove trailing slash", os.remove, "f/")
tcase("fs.rmdir relative", "fs.rmdir", "d2")
tcase("fs.remove //f", "fs.remove", "//f")
# rmdir of the cwd and of a parent of the cwd
fresh()
os.mkdir("cw")
os.mkdir("cw/sub")
os.chdir("cw/sub")
print("cwd", os.getcwd())
show("rmdir cwd (.)", os.rmdir, ".")
show("rmdir cwd (absolute)", os.rmdir, "/fat/cw/sub")
print("cwd after", os.getcwd())
show("listdir cwd after", os.listdir)
show("mkdir in cwd after", os.mkdir, "x")
show("open in cwd after", touch, "y")
show("rmdir parent of cwd", os.rmdir, "/fat/cw")
print("  tree", flat(fs))
fresh()
fs.chdir("/d2")
show("fs.rmdir fs cwd", fs.rmdir, "/d2")
print("fs.getcwd after", fs.getcwd(), flat(fs))

# ---- rename ----
tcase("rename file", os.rename, "f", "g")
tcase("rename onto existing file", os.rename, "a/f1", "f")
tcase("rename file onto existing dir", os.rename, "f", "d2")
tcase("rename file onto existing non-empty dir", os.rename, "f", "a")
tcase("rename dir onto existing empty dir", os.rename, "a", "d2")
tcase("rename dir onto existing non-empty dir", os.rename, "d2", "a")
tcase("rename dir onto existing file", os.rename, "d2", "f")
tcase("rename missing", os.rename, "zz", "zz2")
tcase("rename missing onto existing", os.rename, "zz", "f")
tcase("rename into missing dir", os.rename, "f", "zz/f")
tcase("rename into file", os.rename, "f", "a/f1/f")
tcase("rename to same name", os.rename, "f", "f")
tcase("rename dir to same name", os.rename, "a", "a")
tcase("rename to same name other case", os.rename, "f", "F")
tcase("rename dir to other case", os.rename, "a", "A")
tcase("rename to other case of another file", os.rename, "f", "A/F1")
tcase("rename to empty", os.rename, "f", "")
tcase("rename from empty", os.rename, "", "q")
tcase("fs.rename root", "fs.rename", "/", "/q")
tcase("fs.rename onto root", "fs.rename", "/f", "/")
tcase("rename to dotdot", os.rename, "f", "a/..")
tcase("rename to dot", os.rename, "f", ".")
tcase("rename to a/.", os.rename, "f", "a/.")
tcase("rename to a/./g", os.rename, "f", "a/./g")
tcase("rename to a/b/../g", os.rename, "f", "a/b/../g")
tcase("rename to trailing slash", os.rename, "f", "g/")
tcase("rename from trailing slash", os.rename, "f/", "g")
tcase("rename dir trailing slashes", os.rename, "d2/", "d3/")
tcase("rename dir to trailing slash", os.rename, "d2", "d3/")
tcase("rename dir from trailing slash", os.rename, "d2/", "d3")
tcase("rename dir into dir", os.rename, "d2", "a/b/d2")
tcase("rename dir with contents into dir", os.rename, "a/b", "d2/b")
tcase("rename file up", os.rename, "a/b/c/deep", "deep")
tcase("rename dir up", os.rename, "a/b/c", "c")
# (a directory renamed into itself: tests/os/fat_ours.py)
tcase("rename dir onto its child", "fs.rename", "/a", "/a/b")
tcase("rename to long name", os.rename, "f", "a_much_longer_file_name.text")
tcase("rename to bad name", os.rename, "f", "b*d")
tcase("rename across mounts", os.rename, "f", "/tmp/rustos_fat_rename")
tcase("fs.rename relative", "fs.rename", "f", "a/g")
# a dir moved into another dir: its contents, chdir into it and '..' from inside
fresh()
os.mkdir("mv")
os.mkdir("mv/deep")
touch("mv/deep/file", b"deep file")
touch("mv/top", b"top")
show("rename dir into dir", os.rename, "mv", "a/mv")
print("  tree", flat(fs))
print("ls moved", ls("a/mv"), ls("a/mv/deep"))
show("read moved", cat, "a/mv/deep/file")
show("chdir moved", os.chdir, "a/mv/deep")
print("cwd", os.getcwd(), ls())
show("chdir ..", os.chdir, "..")
print("cwd ..", os.getcwd(), ls())
print("ls ..", ls(".."))
print("stat ../..", mode("../.."), mode("../../a"), mode("../../f"), mode("../../../f"))
show("read ../mv/top", cat, "../mv/top")
show("chdir ../..", os.chdir, "../..")
print("cwd ../..", os.getcwd())
show("fs.chdir /a/mv/deep", fs.chdir, "/a/mv/deep")
print("fs.getcwd", fs.getcwd())
show("fs.chdir ../../..", fs.chdir, "../../..")
print("fs.getcwd", fs.getcwd())
# renaming the cwd
fresh()
os.chdir("/fat/a/b")
show("rename cwd", os.rename, "/fat/a/b", "/fat/b2")
print("cwd after", os.getcwd())
show("ls cwd after", os.listdir)
show("stat c after", mode, "c")
os.chdir("/fat")
print("  tree", flat(fs))
fresh()
os.chdir("/fat/a/b")
show("rename parent of cwd", os.rename, "/fat/a", "/fat/d2/a")
print("cwd after", os.getcwd())
show("ls cwd after", os.listdir)
show("chdir .. after", os.chdir, "..")
print("cwd after ..", os.getcwd())
os.chdir("/fat")
print("  tree", flat(fs))

# ---- names ----
fresh()
touch("foo.txt", b"lower")
show("open FOO.TXT", cat, "FOO.TXT")
show("open Foo.Txt", cat, "Foo.Txt")
show("stat FOO.TXT", mode, "FOO.TXT")
touch("FOO.TXT", b"upper")
print("after writing FOO.TXT", [n for n in os.listdir() if n.lower() == "foo.txt"], open("foo.txt").read())
show("mkdir FOO.TXT", os.mkdir, "FOO.TXT")
for n in ("Mixed.Case", "UPPER.TXT", "lower", "UPPERLONGNAME.TEXT", "a.b.c", ".hidden", "x" * 8 + "." + "y" * 3, "x" * 9 + "." + "y" * 3, "ABCDEFGH.ABC", "abcdefgh.abc", "Abcdefgh.abc", "ABCDEFGH.abc", "abcdefgh.ABC"):
    show("touch " + n, touch, n, n.encode())
print("case names", ls())
for n in ("mixed.case", "MIXED.CASE", "upper.txt", "Upper.Txt", "LOWER", "upperlongname.text", "A.B.C", ".HIDDEN", "XXXXXXXXX.YYY", "abcdefgh.abc", "ABCDEFGH.ABC"):
    show("read " + n, cat, n)
fresh()
long = "L" * 50 + "o" * 50 + "ng.txt"
show("long 106", touch, long, b"long")
print("  in listdir", long in os.listdir(), mode(long), mode(long.lower()), mode(long.upper()))
show("long 255", touch, "n" * 255, b"255")
print("  in listdir", ("n" * 255) in os.listdir())
show("long 256", touch, "n" * 256, b"256")
show("long 300", touch, "n" * 300, b"300")
show("long dir 200", os.mkdir, "d" * 200)
show("long in long", touch, "d" * 200 + "/" + "e" * 200, b"e")
print("  ", mode("d" * 200 + "/" + "e" * 200))
show("long 1000 path", mode, "/".join(["p" * 99] * 10))
show("rename long to long", os.rename, long, "R" * 150)
print("  ", [(len(e[0]), e[1], e[3]) for e in os.ilistdir()])
show("long chdir", os.chdir, "d" * 200)
show("long getcwd", lambda: len(os.getcwd()))
os.chdir("/fat")
print("statvfs", os.statvfs("/fat")[:4])
fresh()
for name in ("with space", " lead", "trail ", "trail.", "trail..", "dots...x", "a  b.t x t", "...", "semi;colon", "plus+", "comma,", "eq=", "brk[1]", "tilde~1", "FOO~1.TXT", "q'uote", "pct%", "amp&", "at@", "hash#", "tab\tx", "ctl\x01", "nl\nx"):
    try:
        touch(name, b"n")
        print("name", repr(name), "ok", mode(name), name in os.listdir())
    except Exception as e:
        print("name", repr(name), "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)
for name in ("star*", "q?", "co:lon", 'dq"', "lt<", "gt>", "pi|pe", "back\\slash", "del\x7f"):
    show("bad name " + repr(name), touch, name)
    show("bad mkdir " + repr(name), os.mkdir, name)
    show("bad stat " + repr(name), mode, name)
    show("bad rename " + repr(name), os.rename, "f", name)
print("names", ls())
print("stat trail variants", mode("trail."), mode("trail"), mode("trail "), mode(" lead"), mode("lead"), mode("trail..."))
# non-ASCII names, each on a fresh FAT
for name in ("h\u00e9", "\u00e9", "\u20ac", "\u00e9t\u00e9.txt", "\u00c9T\u00c9.TXT", "a\u20acb"):
    fresh()
    show("touch " + repr(name), touch, name, b"u")
    show("  mkdir " + repr(name + "d"), os.mkdir, name + "d")
    show("  rename f to " + repr(name + "r"), os.rename, "f", name + "r")
    show("  read", cat, name)
    show("  listdir", ls)
    show("  stat upper", mode, name.upper())
    show("  bytes listdir", lambda: os.listdir(b""))

# ---- chdir / getcwd ----
fresh()
os.mkdir("Cd")
os.mkdir("Cd/Sub")
touch("Cd/Sub/file", b"cf")
show("chdir cd", os.chdir, "cd")
print("getcwd", os.getcwd())
show("chdir SUB", os.chdir, "SUB")
print("getcwd", os.getcwd(), os.listdir())
show("chdir file", os.chdir, "file")
show("chdir FILE", os.chdir, "FILE")
show("chdir missing", os.chdir, "missing")
print("getcwd", os.getcwd())
show("chdir ..", os.chdir, "..")
print("getcwd", os.getcwd())
show("chdir ../..", os.chdir, "../..")
print("getcwd", os.getcwd())
show("chdir /fat/CD/sub/", os.chdir, "/fat/CD/sub/")
print("getcwd", os.getcwd())
show("chdir /fat/CD/sub", os.chdir, "/fat/CD/sub")
print("getcwd", os.getcwd())
show("chdir ../../..", os.chdir, "../../..")
print("getcwd", os.getcwd())
os.chdir("/fat")
show("chdir .", os.chdir, ".")
print("getcwd", os.getcwd())
show("chdir ./Cd/..//.", os.chdir, "./Cd/..//.")
print("getcwd", os.getcwd())
show("chdir f", os.chdir, "f")
show("chdir f/", os.chdir, "f/")
show("chdir empty", os.chdir, "")
print("getcwd", os.getcwd())
# directly on the VfsFat object
os.chdir("/")
show("fs.chdir /Cd/Sub", fs.chdir, "/Cd/Sub")
print("fs.getcwd", fs.getcwd())
show("fs.chdir ..", fs.chdir, "..")
print("fs.getcwd", fs.getcwd())
show("fs.chdir ../..", fs.chdir, "../..")
print("fs.getcwd", fs.getcwd())
show("fs.chdir cd/sub", fs.chdir, "cd/sub")
print("fs.getcwd", fs.getcwd())
show("fs.stat rel file", lambda: fs.stat("file")[6])
show("fs.ilistdir ''", lambda: list(fs.ilistdir("")))
show("fs.ilistdir no arg", lambda: list(fs.ilistdir()))
show("fs.open rel", cat, "file", fs)
show("fs.chdir /", fs.chdir, "/")
print("fs.getcwd", fs.getcwd())
show("fs.chdir //Cd//", fs.chdir, "//Cd//")
print("fs.getcwd", fs.getcwd())
show("fs.chdir /Cd/", fs.chdir, "/Cd/")
print("fs.getcwd", fs.getcwd())
fs.chdir("/")
show("fs.chdir file", fs.chdir, "/f")
show("fs.chdir empty", fs.chdir, "")
print("fs.getcwd", fs.getcwd())
fs.chdir("/Cd")
print("fs cwd vs os cwd", fs.getcwd(), os.getcwd())
os.chdir("/fat")
print("os.getcwd after os.chdir", os.getcwd(), fs.getcwd())
fs.chdir("/")

# ---- ilistdir ----
fresh()
for p in ("", "/", ".", "a", "A/", "a/", "A/B", "a/b/", "a/..", "/a/b/c"):
    show("fs.ilistdir " + repr(p), lambda: [e[:2] for e in fs.ilistdir(p)])
for p in (b"/a", b"", b"a/b", b"/"):
    show("fs.ilistdir " + repr(p), lambda: list(fs.ilistdir(p)))
show("os.ilistdir b'a/b'", lambda: list(os.ilistdir(b"a/b")))
show("os.ilistdir b'/fat/a'", lambda: list(os.ilistdir(b"/fat/a")))
show("os.listdir b'a'", os.listdir, b"a")
show("os.listdir b''", os.listdir, b"")
show("os.listdir '/fat'", os.listdir, "/fat")
show("os.listdir '/fat/'", os.listdir, "/fat/")
show("ilistdir file", lambda: list(os.ilistdir("f")))
show("ilistdir missing", lambda: list(os.ilistdir("missing")))
show("ilistdir in file", lambda: list(os.ilistdir("f/x")))
show("fs.ilistdir bad type", lambda: list(fs.ilistdir(1)))
show("fs.ilistdir two args", lambda: list(fs.ilistdir("/", "/")))
it = fs.ilistdir("/a")
print("iter next", next(it), list(it), list(it))
it = fs.ilistdir("/")
print("partial", next(it)[0])
it = None
# order after creates, removes and renames
os.mkdir("ord")
os.chdir("ord")
for n in ("one", "two", "three", "four", "a_much_longer_name_five.txt", "six"):
    touch(n)
print("order", ls())
os.remove("two")
print("order rm two", ls())
touch("seven")
print("order + seven", ls())
touch("s8")
print("order + s8", ls())
os.remove("a_much_longer_name_five.txt")
touch("nine")
touch("ten_is_a_long_name_too")
print("order rm long, + nine, ten", ls())
os.rename("one", "eleven")
print("order rename one", ls())
os.rename("three", "a_long_renamed_three_entry.dat")
print("order rename three long", ls())
os.rename("a_long_renamed_three_entry.dat", "short")
print("order rename long short", ls())
os.mkdir("sub")
os.rename("four", "sub/four")
touch("four")
print("order move four", ls(), ls("sub"))
for n in os.listdir():
    if n != "sub":
        os.remove(n)
print("order after rm all", ls())
touch("z")
touch("y")
print("order refill", ls())
# many entries, so the directory needs more than one cluster
for i in range(40):
    touch("many_entries_%02d.txt" % i, b"%d" % i)
print("many", len(os.listdir()), ls()[:3], ls()[-2:])
for i in range(0, 40, 2):
    os.remove("many_entries_%02d.txt" % i)
for i in range(5):
    touch("refill%d" % i)
print("many after", len(os.listdir()), ls())
os.chdir("/fat")
# filling the fixed-size root directory (512 short names, as stock: short names are
# written straight into their slot)
fresh()
for i in range(600):
    try:
        with fs.open("/r%d" % i, "wb"):
            pass
    except OSError as e:
        print("root full at", i, "errno", e.errno)
        break
print("listed", len(list(fs.ilistdir("/"))))
show("mkdir in full root", fs.mkdir, "/x")
show("long name in full root", fs.open, "/a long name.txt", "w")
os.chdir("/fat")
os.chdir("/")
vfs.umount("/fat")
