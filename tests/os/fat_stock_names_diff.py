# Differential test: FAT names outside ASCII as stock unix writes them.  Stock is built
# with FF_LFN_UNICODE 0 and code page 437, so the long name of "café.txt" on its cards is
# the CP437 characters of the UTF-8 bytes ("caf├⌐.txt"), and the short name carries those
# bytes upper-cased by CP437.  Ours writes real UTF-16 long names, and must still find,
# list, stat, rename and remove what stock wrote, under the same names stock shows.  Also:
# the short entries of names outside ASCII, numbered (~1..~5, then hashed) as stock
# numbers them.  The expected output is stock MicroPython's for this same script.
import vfs


class RAM:
    def __init__(self, blocks, ss=512):
        self.ss = ss
        self.d = bytearray(blocks * ss)

    def readblocks(self, n, buf):
        a = n * self.ss
        buf[:] = self.d[a : a + len(buf)]

    def writeblocks(self, n, buf):
        a = n * self.ss
        self.d[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.d) // self.ss
        if op == 5:
            return self.ss


# CP437 0x80..0xFF in Unicode (what stock puts in a long name for each UTF-8 byte).
CP437 = (
    "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐"
    "└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\xa0"
)
LFN_OFS = (1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30)
ROOT = 512 * 2  # FAT12 on 200 sectors: boot, one FAT sector, then the root


def show(label, f, *args):
    try:
        r = f(*args)
        print(label, "->", r)
    except Exception as e:
        print(label, "raised", type(e).__name__, e.errno if isinstance(e, OSError) else e)


def open_read(fs, p):
    with fs.open(p, "r") as f:
        return f.read()


def stock_lfn(dev, placeholder, name):
    # Rewrite the long-name slots of the entry named `placeholder` (ASCII, as many bytes
    # as `name` has in UTF-8) with the units stock writes for `name`.
    units = [b if b < 0x80 else ord(CP437[b - 0x80]) for b in name.encode()]
    ph = [ord(c) for c in placeholder]
    for off in range(ROOT, ROOT + 512 * 32, 32):
        e = dev.d[off : off + 32]
        if e[11] != 0x0F or e[0] == 0xE5:
            continue
        base = ((e[0] & 0x3F) - 1) * 13
        here = [e[o] | e[o + 1] << 8 for o in LFN_OFS]
        want = ph[base : base + 13]
        if here[: len(want)] != want:
            continue
        for k, o in enumerate(LFN_OFS):
            if base + k < len(units):
                dev.d[off + o] = units[base + k] & 0xFF
                dev.d[off + o + 1] = units[base + k] >> 8


def short_names(dev):
    out = []
    for off in range(ROOT, ROOT + 512 * 32, 32):
        e = dev.d[off : off + 32]
        if e[0] == 0:
            break
        if e[0] != 0xE5 and e[11] != 0x0F:
            out.append(bytes(e[:11]))
    return out


dev = RAM(200)
vfs.VfsFat.mkfs(dev)
fs = vfs.VfsFat(dev)
names = ["café long name.txt", "naïve résumé.txt", "Ωmega file.bin"]
phs = []
for k, n in enumerate(names):
    ph = "".join(chr(0x61 + (i + 7 * k) % 26) for i in range(len(n.encode())))
    with fs.open(ph, "w") as f:
        f.write(n)
    phs.append(ph)
# Patched once the filesystem is done with the volume (it may still cache the directory).
fs = None
for ph, n in zip(phs, names):
    stock_lfn(dev, ph, n)
fs = vfs.VfsFat(dev)
print("listed", sorted(e[0] for e in fs.ilistdir("/")))
for n in names:
    show("stat " + n, lambda p: fs.stat(p)[6], "/" + n)
    show("stat upper " + n, lambda p: fs.stat(p)[6], "/" + n.upper())


for n in names:
    show("read " + n, open_read, fs, "/" + n)
show("rename", fs.rename, "/" + names[0], "/renamed.txt")
show("remove", fs.remove, "/" + names[1])
print("after", sorted(e[0] for e in fs.ilistdir("/")))

# Names outside ASCII created here: listed back by their names, and short entries as
# stock makes them (CP437 upper case of the UTF-8 bytes; numbered past one; hashed past 5).
dev = RAM(200)
vfs.VfsFat.mkfs(dev)
fs = vfs.VfsFat(dev)
made = ["é.txt", "Éé.TXT", "übung.py"] + ["éléphant rose %d.txt" % i for i in range(1, 9)]
for n in made:
    with fs.open(n, "w") as f:
        f.write(n)
print("listed", sorted(e[0] for e in fs.ilistdir("/")))
for n in made:
    show("read " + n, open_read, fs, "/" + n)
print("short", short_names(dev))
