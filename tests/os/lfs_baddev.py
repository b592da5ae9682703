# Block devices that misbehave under VfsLfs1/VfsLfs2: they raise, return the wrong type,
# or return error codes.  Every case must end in a Python exception (the device's own,
# unchanged, or an OSError), never a crash, and the VM and heap must carry on.  Stock
# reads a non-int return value as an int (garbage); we treat it as EINVAL.
import os
import vfs
import gc


class RAM:
    def __init__(self, blocks=64):
        self.data = bytearray(b"\xff" * (blocks * 512))
        self.fail = None  # (method, how)

    def _maybe_fail(self, meth):
        if self.fail and self.fail[0] == meth:
            how = self.fail[1]
            if how == "raise":
                raise RuntimeError("device " + meth + " failed")
            return how
        return None

    def readblocks(self, block, buf, off=0):
        r = self._maybe_fail("read")
        if r is not None:
            return r
        a = block * 512 + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, block, buf, off=0):
        r = self._maybe_fail("write")
        if r is not None:
            return r
        a = block * 512 + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        r = self._maybe_fail("ioctl%d" % op)
        if r is not None:
            return r
        return {4: len(self.data) // 512, 5: 512, 6: 0}.get(op)


def attempt(label, f, *args):
    try:
        r = f(*args)
        print(label, "ok", r if not hasattr(r, "read") else "file")
    except RuntimeError as e:
        print(label, "RuntimeError", e)
    except OSError as e:
        print(label, "OSError", e.errno)
    except Exception as e:
        print(label, type(e).__name__, e)


for Fs in (vfs.VfsLfs1, vfs.VfsLfs2):
    print(Fs.__name__)
    for meth, how in [
        ("read", "raise"),
        ("read", -5),
        ("read", False),
        ("read", "garbage"),
        ("read", 7),
        ("write", "raise"),
        ("write", -28),
        ("write", [1]),
        ("ioctl6", "raise"),
        ("ioctl6", "x"),
        ("ioctl6", -5),
        ("ioctl5", 0),
        ("ioctl5", "big"),
        ("ioctl4", 0),
        ("ioctl4", -3),
    ]:
        dev = RAM()
        if meth.startswith("ioctl4") or meth.startswith("ioctl5"):
            dev.fail = (meth, how)
            attempt("  mkfs %s %r" % (meth, how), Fs.mkfs, dev)
            continue
        Fs.mkfs(dev)
        fs = Fs(dev)
        with fs.open("/f", "w") as f:
            f.write("data" * 200)
        dev.fail = (meth, how)
        attempt("  mount %s %r" % (meth, how), Fs, dev)

        def write_file():
            with fs.open("/g", "w") as f:
                f.write("x" * 3000)

        attempt("  write %s %r" % (meth, how), write_file)
        attempt("  read %s %r" % (meth, how), lambda: len(fs.open("/f", "r").read()))
        attempt("  mkdir %s %r" % (meth, how), fs.mkdir, "/d")
        # the device recovers: the filesystem must still mount and read back
        dev.fail = None
        try:
            fs2 = Fs(dev)
            print("  recovered", len(fs2.open("/f", "r").read()))
        except OSError as e:
            print("  recovery OSError", e.errno)
gc.collect()
print("done")
