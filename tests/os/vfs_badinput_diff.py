# Differential test: bad input to every os/vfs file function, on the unix root (a host
# VfsPosix), a rooted VfsPosix, a readonly mount and a Python filesystem.  The expected
# output is stock MicroPython's for this same script.
import os
import vfs

D = "/tmp/rustos_badinput_%d" % os.getpid() if hasattr(os, "getpid") else "/tmp/rustos_badinput"


def show(label, f, *args, **kw):
    try:
        r = f(*args, **kw)
        if isinstance(r, list):
            r = sorted(r)
        print(label, "->", r)
    except Exception as e:
        print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)


def rm_tree(p):
    try:
        for n in os.listdir(p):
            q = p + "/" + n
            if os.stat(q)[0] & 0x4000:
                rm_tree(q)
            else:
                os.remove(q)
        os.rmdir(p)
    except OSError:
        pass


rm_tree(D)
os.mkdir(D)
with open(D + "/file", "w") as f:
    f.write("data")
os.mkdir(D + "/dir")

funcs = [
    ("chdir", os.chdir),
    ("listdir", os.listdir),
    ("ilistdir", lambda p: list(os.ilistdir(p))),
    ("mkdir", os.mkdir),
    ("remove", os.remove),
    ("unlink", os.unlink),
    ("rmdir", os.rmdir),
    ("stat", lambda p: os.stat(p)[0] & 0xF000),
    ("statvfs", lambda p: len(os.statvfs(p))),
]
for name, f in funcs:
    for arg in (1, None, [D], 2.5):
        show(name + " " + repr(arg), f, arg)
show("rename int", os.rename, 1, "x")
show("rename none", os.rename, D + "/file", None)

# wrong arity
show("listdir 2 args", os.listdir, "a", "b")
show("stat no args", os.stat)
show("rename 1 arg", os.rename, "a")
show("getcwd arg", os.getcwd, "a")
show("umount no args", vfs.umount)
show("mount 1 arg", vfs.mount, None)
show("mount bad kw", vfs.mount, None, "/x", foo=1)

# file-vs-directory mistakes and missing paths on the host filesystem
show("listdir file", os.listdir, D + "/file")
show("chdir file", os.chdir, D + "/file")
show("rmdir file", os.rmdir, D + "/file")
show("mkdir existing", os.mkdir, D + "/dir")
show("mkdir over file", os.mkdir, D + "/file")
show("rmdir missing", os.rmdir, D + "/missing")
show("remove missing", os.remove, D + "/missing")
show("stat missing", os.stat, D + "/missing")
show("listdir missing", os.listdir, D + "/missing")
show("open missing", open, D + "/missing")
show("open dir", open, D + "/dir")
show("mkdir nested missing", os.mkdir, D + "/missing/sub")
show("rmdir nonempty", os.rmdir, D)
show("stat empty", os.stat, "")
show("listdir empty", lambda: len(os.listdir("")) > 0)

# the virtual root and mount table
show("mkdir root", os.mkdir, "/")
show("umount unknown str", vfs.umount, "/not_mounted")
show("umount unknown obj", vfs.umount, object())
show("umount bytes", vfs.umount, b"/")

# a rooted VfsPosix mounted read-only
fs = vfs.VfsPosix(D)
show("mount ro", vfs.mount, fs, "/ro", readonly=True)
show("mount busy", vfs.mount, vfs.VfsPosix(D), "/ro")
show("mount mkfs", vfs.mount, vfs.VfsPosix(D), "/mk", mkfs=True)
show("listdir ro", os.listdir, "/ro")
show("stat ro file", lambda: os.stat("/ro/file")[6])
show("read ro", lambda: open("/ro/file").read())
for mode in ("w", "a", "r+", "wb", "a+"):
    show("open ro " + mode, open, "/ro/new", mode)
show("mkdir ro", os.mkdir, "/ro/newdir")
show("remove ro", os.remove, "/ro/file")
show("rmdir ro", os.rmdir, "/ro/dir")
show("rename ro", os.rename, "/ro/file", "/ro/file2")
show("mkdir ro point", os.mkdir, "/ro")
show("rename across", os.rename, "/ro/file", D + "/x")
show("chdir ro", os.chdir, "/ro/dir")
show("getcwd ro", os.getcwd)
show("listdir rel", os.listdir)
show("chdir back", os.chdir, "/")
show("mounts", lambda: [m[1] for m in vfs.mount()])
show("umount ro", vfs.umount, "/ro")
show("umount ro again", vfs.umount, "/ro")

# file objects: closed files, bad modes and arguments
f = open(D + "/file", "rb")
show("read type", lambda: type(f.read(2)).__name__)
show("seek bad whence", f.seek, 0, 7)
show("read neg", lambda: len(f.read(-1)))
f.close()
show("close twice", f.close)
show("read closed", f.read)
show("write closed", f.write, b"x")
show("seek closed", f.seek, 0)
show("readline closed", f.readline)
show("flush closed", f.flush)
f = open(D + "/file")
show("write on read-only file", f.write, "x")
f.close()
f = open(D + "/file", "a")
show("read on write-only file", f.read)
f.close()
show("open bad mode type", open, D + "/file", 5)

rm_tree(D)
print("done")
