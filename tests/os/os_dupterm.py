# os.dupterm slot semantics, and a stream whose methods raise.  Stock unix has no dupterm,
# so the expected output is ours; the slot rules are those of MicroPython's docs.
import os
import io


def show(label, f, *args):
    try:
        r = f(*args)
        print(label, "->", type(r).__name__ if r is not None else None)
    except Exception as e:
        print(label, "raised", type(e).__name__, e)


show("empty slot", os.dupterm, None)
show("bad index", os.dupterm, None, 1)
show("negative index", os.dupterm, None, -1)
show("huge index", os.dupterm, None, 2**70)
show("str index", os.dupterm, None, "0")
show("not a stream", os.dupterm, 5)
show("not a stream (str)", os.dupterm, "abc")
show("no args", os.dupterm)
show("3 args", os.dupterm, None, 0, 0)


class Echo(io.IOBase):
    def __init__(self):
        self.out = bytearray()

    def readinto(self, buf):
        return None

    def write(self, buf):
        self.out.extend(buf)
        return len(buf)


e = Echo()
show("attach", os.dupterm, e)
print("mirrored line")
prev = os.dupterm(None)
print(prev is e, b"mirrored line" in e.out)
show("slot now empty", os.dupterm, None)

# the previous object comes back when one stream replaces another
a, b = Echo(), Echo()
os.dupterm(a)
print(os.dupterm(b) is a)
print(os.dupterm(None) is b)


class Raising(io.IOBase):
    def readinto(self, buf):
        raise RuntimeError("read failed")

    def write(self, buf):
        raise ValueError("write failed")


# The port's dupterm hook catches the exception, reports it and drops the stream;
# the VM carries on.
os.dupterm(Raising())
print("after raising write")
show("slot after failure", os.dupterm, None)
print("still alive")
