# VfsRom where ours deliberately differs from stock (README: "Where we deliberately differ"):
# stock reads outside the memory's buffer in each of these cases.
import vfs


def uint(v):
    out = [v & 0x7F]
    v >>= 7
    while v:
        out.insert(0, 0x80 | (v & 0x7F))
        v >>= 7
    return bytes(out)


def rec(kind, payload):
    return uint(kind) + uint(len(payload)) + payload


def image(*entries):
    data = b"".join(entries)
    n = uint(len(data))
    if (3 + len(n) + len(data)) % 2:
        n = b"\x80" + n
    return b"\xd2\xcd\x31" + n + data


def show(what, f, *args):
    try:
        print(what, "->", f(*args))
    except Exception as e:
        print(what, type(e).__name__, e.errno if isinstance(e, OSError) else e)


fs = vfs.VfsRom(image(rec(5, b"\x01f" + rec(2, b"data")), rec(4, b"\x01d")))
# An embedded NUL: ValueError (stock cuts the path at the NUL and finds "f").
for m in ("stat", "ilistdir", "chdir"):
    show(m + " NUL", getattr(fs, m), "f\x00junk")
show("open NUL", fs.open, "f\x00junk", "r")

# File data past the end of the buffer (an indirect record, and a verbatim one whose
# length says more than there is): not found (stock reports the size and reads past).
fs = vfs.VfsRom(image(rec(5, b"\x01p" + rec(3, uint(100) + uint(0))), rec(5, b"\x01q" + rec(2, b"ok"))))
show("pointer past the end", fs.stat, "p")
show("listing stops there", lambda: list(fs.ilistdir("")))
show("the file after it", fs.stat, "q")
img = bytearray(image(rec(5, b"\x01v" + rec(2, b"abc"))))
img[-4] = 0x7F  # the data record's length
show("verbatim past the end", vfs.VfsRom(img).stat, "v")

# A directory whose name is longer than its record: the listing ends (stock: size -1).
fs = vfs.VfsRom(image(rec(4, b"\x03dd"), rec(5, b"\x01f" + rec(2, b"z"))))
show("short directory", lambda: list(fs.ilistdir("")))
show("stat it", fs.stat, "dd")

# The buffer is asked for at each call: a bytearray that grows (and moves) is read where it
# now is; one that shrinks below a file's data fails that read with EIO, and the file has
# no buffer to lend (stock keeps the old pointer and reads freed or foreign memory).
ba = bytearray(image(rec(5, b"\x01f" + rec(2, b"0123456789"))))
fs = vfs.VfsRom(ba)
f = fs.open("f", "rb")
show("read 2", f.read, 2)
ba.extend(bytes(10000))
show("read 2 after growing", f.read, 2)
ba[len(ba) - 10005 :] = b""
show("read after shrinking", f.read, 2)
show("memoryview after shrinking", lambda: memoryview(f))
show("stat after shrinking", fs.stat, "f")
show("listing after shrinking", lambda: list(fs.ilistdir("")))

# A read right after a refused seek reads nothing (stock reads before the data).
f = vfs.VfsRom(image(rec(5, b"\x01f" + rec(2, b"data")))).open("f", "rb")
show("seek before the start", f.seek, -1, 1)
show("read", f.read)
show("tell", f.tell)
