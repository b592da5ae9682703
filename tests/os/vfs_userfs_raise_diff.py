# Differential test: a mounted Python filesystem whose methods raise.  The exception
# object must reach the caller unchanged (the very same object), the mount table must be
# left as it was, and nothing may leak.  Expected output: stock's for this same script.
import os
import vfs
import gc

ERR = ValueError("from the filesystem")


class Bad:
    def __init__(self, fail_mount=False):
        self.fail_mount = fail_mount

    def mount(self, readonly, mkfs):
        if self.fail_mount:
            raise ERR

    def umount(self):
        raise ERR

    def _raise(self, *args):
        raise ERR

    open = ilistdir = stat = statvfs = mkdir = remove = rmdir = rename = chdir = _raise

    def getcwd(self):
        raise ERR


def check(label, f, *args):
    try:
        f(*args)
        print(label, "returned")
    except ValueError as e:
        print(label, "same exception" if e is ERR else "another exception")
    except Exception as e:
        print(label, "raised", type(e).__name__, e)


mounts_before = [m[1] for m in vfs.mount()]
check("mount fails", vfs.mount, Bad(fail_mount=True), "/bad")
print("table unchanged", [m[1] for m in vfs.mount()] == mounts_before)

cwd_before = os.getcwd()
vfs.mount(Bad(), "/bad")
for name, f, args in [
    ("open", open, ("/bad/x",)),
    ("listdir", os.listdir, ("/bad",)),
    ("ilistdir", os.ilistdir, ("/bad/d",)),
    ("stat", os.stat, ("/bad/x",)),
    ("statvfs", os.statvfs, ("/bad",)),
    ("mkdir", os.mkdir, ("/bad/x",)),
    ("remove", os.remove, ("/bad/x",)),
    ("rmdir", os.rmdir, ("/bad/x",)),
    ("rename", os.rename, ("/bad/x", "/bad/y")),
    ("chdir", os.chdir, ("/bad/x",)),
]:
    check(name, f, *args)
print("cwd unchanged", os.getcwd() == cwd_before)

# many failing calls (a fresh exception each time: re-raising one object grows its
# traceback), then a collection: the heap goes back to where it was
class Fresh(Bad):
    def stat(self, path):
        raise OSError(5)


vfs.mount(Fresh(), "/fresh")
for i in range(50):
    try:
        os.stat("/fresh/x")
    except OSError:
        pass
gc.collect()
before = gc.mem_alloc()
for i in range(500):
    try:
        os.stat("/fresh/x")
    except OSError:
        pass
gc.collect()
print("no leak", gc.mem_alloc() - before < 1024)
vfs.mount()
try:
    vfs.umount("/fresh")
except ValueError:
    pass

# a failing umount still removes the mount (stock unlinks before calling umount)
check("umount", vfs.umount, "/bad")
print("unmounted", "/bad" not in [m[1] for m in vfs.mount()])

# a filesystem whose stat returns garbage: import must not crash
class Garbage:
    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def stat(self, path):
        return "not a tuple"


vfs.mount(Garbage(), "/garbage")
import sys

sys.path.insert(0, "/garbage")
try:
    import rustos_no_such_module
except Exception as e:
    print("import raised", type(e).__name__)
sys.path.pop(0)
vfs.umount("/garbage")
print("done")
