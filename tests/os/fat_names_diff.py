# Names in a FAT listing as oofatfs gives them (expected output: stock's), for directory
# entries our code never writes but other systems or corruption do: short names with
# interior spaces, a NUL, bytes that are not UTF-8 (UnicodeError, a ValueError, as stock),
# lower-case flags, 0x05 for a leading 0xE5; long names with a lone surrogate (invalid:
# the short name is listed instead).  Each name is then stat'ed as listed.
import vfs


class RAM:
    def __init__(self, n):
        self.d = bytearray(n * 512)

    def readblocks(self, n, buf):
        buf[:] = self.d[n * 512 : n * 512 + len(buf)]

    def writeblocks(self, n, buf):
        self.d[n * 512 : n * 512 + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.d) // 512
        if op == 5:
            return 512


def patch(dev, old, new):
    i = dev.d.find(old)
    assert i >= 0, old
    dev.d[i : i + len(new)] = new
    return i


def case(label, make, fix):
    dev = RAM(200)
    vfs.VfsFat.mkfs(dev)
    fs = vfs.VfsFat(dev)
    for name in make:
        fs.open(name, "w").close()
    fs = None
    fix(dev)
    fs = vfs.VfsFat(dev)
    out = []
    try:
        for e in fs.ilistdir("/"):
            try:
                st = fs.stat("/" + e[0])[0]
            except OSError as x:
                st = "E%d" % x.errno
            out.append("%r %s" % (e[0], st))
    except Exception as x:
        out.append("%s %s" % (type(x).__name__, x))
    try:
        out.append("bytes: %r" % [e[0] for e in fs.ilistdir(b"/")])
    except Exception as x:
        out.append("bytes: %s" % type(x).__name__)
    print(label + ":", "; ".join(out))



case("interior space", ["AB.TXT"], lambda d: patch(d, b"AB      TXT", b"A B     TXT"))
case("space-led ext", ["AB.TXT"], lambda d: patch(d, b"AB      TXT", b"AB       XT"))
case("nul", ["ABCD.TXT"], lambda d: patch(d, b"ABCD    TXT", b"AB\x00D    TXT"))
case("not utf-8", ["ABCD.TXT", "OK"], lambda d: patch(d, b"ABCD    TXT", b"AB\x90D    TXT"))
case("utf-8 bytes", ["ABCD.TXT"], lambda d: patch(d, b"ABCD    TXT", b"AB\xc3\xa9    TXT"))
case("0x05 lead", ["ABCD.TXT"], lambda d: patch(d, b"ABCD    TXT", b"\x05BCD    TXT"))
case("case flags", ["abcd.txt", "ABCD.txt", "abcd.TXT", "Mixed.txt"], lambda d: None)


def lone(d):
    i = d.d.find(b"l\x00o\x00n\x00g\x00")
    d.d[i : i + 2] = b"\x00\xd8"  # a high surrogate followed by 'o'


case("lone surrogate", ["long name.txt", "other"], lone)
