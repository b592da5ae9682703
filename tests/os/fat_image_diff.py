# Differential test: the on-disk bytes VfsFat writes (expected output: stock's, oofatfs).
# Each scenario formats a fresh RAM device, runs a fixed list of operations (names, file
# sizes, appends, overwrites, directories, renames, a full volume) and prints a digest of
# the whole device image at a few points, and at its end statvfs, the listing and a
# structural description of the image (geometry, the nonzero FAT entries as chains, every
# raw directory entry of the tree), so that a difference in layout can be located; the
# "parts" line splits the digest into sys (boot, FAT), dirs, files (live files' bytes).
# Left out, where ours differs on purpose: the bytes after EOF in files' last sectors and
# in free clusters (stale window contents on stock, zeros on ours), and names outside
# ASCII (stock stores the UTF-8 bytes as CP437 characters in the long name, ours UTF-16:
# tests/os/fat_ours.py).
#
# Timestamps are masked before digesting: in the directories of the tree, bytes 13..19
# and 22..25 of every entry that is not a long-name entry (attr 0x0F); the volume serial
# number of the boot sector (and of FAT32's backup boot sector).  oofatfs also leaves
# stale bytes where they carry timestamps: a removed directory's clusters keep their
# entries, and (FF_FS_TINY) the bytes after the end of a file's last sector are whatever
# sector the shared window held before (a FAT or a directory sector).  So in the data area,
# outside the directories of the tree and outside the bytes of live files (within their
# size), bytes 13..19 and 22..25 of every 32-byte slot are masked too.  The mask depends
# only on the image itself, never on where each firmware put things.
#
# Device: sparse (only nonzero sectors are stored), so FAT16 and FAT32 volumes fit in
# the default heap.  FAT types: stock's mkfs (f_mkfs with FM_FAT | FM_SFD, then FM_FAT32
# only when that aborts) makes FAT12/FAT16 up to 65525 clusters of up to 128 sectors, so
# FAT32 needs a volume over 4 GiB (8,400,000 sectors of 512 here) and is made with an MBR
# partition table (no FM_SFD; the volume starts at sector 63).  (70000 x 512, 35 MB, is
# still FAT16, with 4096-byte clusters.)  Cluster sizes here: FAT12 200 x 512 -> 512; FAT16
# 9000 x 512 -> 1024; FAT32 -> 32768; 4096-byte sectors (128 of them, FAT12) -> 4096.  A
# subdirectory grows past one cluster on FAT12 (/d) and FAT16 (/docs); not on FAT32 or
# with 4096-byte sectors (1024 and 128 entries a cluster).
# Not here: seeking past the end (ours writes zeros there on purpose, stock does not).
import vfs
import os
import struct
import hashlib
import binascii


class Dev:
    def __init__(self, blocks, ss=512):
        self.n = blocks
        self.ss = ss
        self.zero = bytes(ss)
        self.blk = {}

    def readblocks(self, n, buf):
        ss = self.ss
        for i in range(len(buf) // ss):
            b = self.blk.get(n + i)
            buf[i * ss : (i + 1) * ss] = self.zero if b is None else b

    def writeblocks(self, n, buf):
        ss = self.ss
        for i in range(len(buf) // ss):
            b = bytes(buf[i * ss : (i + 1) * ss])
            if b == self.zero:
                self.blk.pop(n + i, None)
            else:
                self.blk[n + i] = b

    def ioctl(self, op, arg):
        if op == 4:
            return self.n
        if op == 5:
            return self.ss


def le16(b, o):
    return b[o] | b[o + 1] << 8


def le32(b, o):
    return b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24


Z7 = bytes(7)
Z4 = bytes(4)
TS = (13, 14, 15, 16, 17, 18, 19, 22, 23, 24, 25)


def mask_slot(b, o):
    b[o + 13 : o + 20] = Z7
    b[o + 22 : o + 26] = Z4


def wrap(prefix, items, width=100):
    line = prefix
    for it in items:
        if len(line) + len(it) + 1 > width and line != prefix:
            print(line)
            line = prefix
        line += " " + it
    if line != prefix:
        print(line)


def runs(ns):
    # [3, 4, 5, 9] -> "3-5,9"
    out = []
    i = 0
    while i < len(ns):
        j = i
        while j + 1 < len(ns) and ns[j + 1] == ns[j] + 1:
            j += 1
        out.append(str(ns[i]) if i == j else "%d-%d" % (ns[i], ns[j]))
        i = j + 1
    return ",".join(out) or "-"


def lfn_text(e):
    s = ""
    for o in (1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30):
        c = le16(e, o)
        if c == 0 or c == 0xFFFF:
            break
        s += chr(c) if c < 0x80 else "\\u%04x" % c
    return s


class Image:
    def __init__(self, dev):
        self.dev = dev
        ss = self.ss = dev.ss
        b0 = self.sec(0)
        vol = 0
        if not (b0[0] in (0xEB, 0xE9) and le16(b0, 11) == ss):
            vol = le32(b0, 446 + 8)  # MBR: first partition's start
        self.vol = vol
        bs = self.sec(vol)
        self.spc = spc = bs[13]
        rsv = le16(bs, 14)
        nf = bs[16]
        rootent = le16(bs, 17)
        tot = le16(bs, 19) or le32(bs, 32)
        self.fsz = fsz = le16(bs, 22) or le32(bs, 36)
        rds = (rootent * 32 + ss - 1) // ss
        self.fat0 = vol + rsv
        self.root0 = self.fat0 + nf * fsz
        self.data0 = self.root0 + rds
        self.ncl = ncl = (tot - rsv - nf * fsz - rds) // spc
        self.ftype = 12 if ncl <= 4085 else 16 if ncl <= 65525 else 32
        self.eoc = {12: 0xFF8, 16: 0xFFF8, 32: 0x0FFFFFF8}[self.ftype]
        self.geom = "FAT%d ss %d spc %d rsv %d nfats %d fatsz %d rootent %d tot %d clusters %d vol@%d" % (
            self.ftype, ss, spc, rsv, nf, fsz, rootent, tot, ncl, vol)
        if self.ftype == 32:
            fi = self.sec(vol + le16(bs, 48))
            self.geom += " fsinfo free %d next %d" % (le32(fi, 488), le32(fi, 492))
        self.read_fat()
        self.dirs = []
        self.dirsec = set()
        self.filesec = {}
        if self.ftype == 32:
            ch = self.chain(le32(bs, 44))
            self.walk("/", self.csecs(ch), ch, 0)
        else:
            self.walk("/", list(range(self.root0, self.data0)), [], 0)

    def sec(self, n):
        b = self.dev.blk.get(n)
        return self.dev.zero if b is None else b

    def read_fat(self):
        fat = self.fat = {}
        n = self.ncl + 2
        ss = self.ss
        if self.ftype == 12:
            raw = bytearray()
            for s in range(self.fat0, self.fat0 + self.fsz):
                raw += self.sec(s)
            for c in range(n):
                o = c + c // 2
                v = raw[o] | raw[o + 1] << 8
                v = v >> 4 if c & 1 else v & 0xFFF
                if v:
                    fat[c] = v
            return
        w = 2 if self.ftype == 16 else 4
        per = ss // w
        fmt = "<%d%s" % (per, "H" if w == 2 else "I")
        for s in sorted(self.dev.blk):
            if self.fat0 <= s < self.fat0 + self.fsz:
                base = (s - self.fat0) * per
                for i, v in enumerate(struct.unpack(fmt, self.dev.blk[s])):
                    if w == 4:
                        v &= 0x0FFFFFFF
                    if v and base + i < n:
                        fat[base + i] = v

    def chain(self, c):
        out = []
        while 2 <= c < self.ncl + 2 and len(out) <= self.ncl:
            out.append(c)
            c = self.fat.get(c, 0)
        return out

    def csecs(self, ch):
        return [self.data0 + (c - 2) * self.spc + i for c in ch for i in range(self.spc)]

    def walk(self, path, secs, clus, depth):
        ents = []
        for s in secs:
            self.dirsec.add(s)
        for s in secs:
            b = self.dev.blk.get(s)
            if b is None:
                break
            for o in range(0, self.ss, 32):
                if b[o] == 0:
                    break
                ents.append(b[o : o + 32])
            else:
                continue
            break
        self.dirs.append((path, clus, ents))
        for e in ents:
            a = e[11]
            if e[0] == 0xE5 or a == 0x0F or a & 0x08:
                continue
            c = le16(e, 26) | (le16(e, 20) << 16 if self.ftype == 32 else 0)
            ch = self.chain(c)
            if a & 0x10:
                if e[0] != 0x2E and depth < 8:
                    name = e[0:8].decode().rstrip() + ("." + e[8:11].decode().rstrip()).rstrip(".")
                    self.walk(path + name + "/", self.csecs(ch), ch, depth + 1)
            else:
                size = le32(e, 28)
                k = 0
                for s in self.csecs(ch):
                    self.filesec[s] = max(0, min(self.ss, size - k))
                    k += self.ss

    def digest(self):
        # all, and by part: sys (boot, FATs, other reserved sectors), dirs (the tree's
        # directories), files (live files' bytes), rest (slack after EOF, free clusters)
        hs = {}
        for k in ("all", "sys", "dirs", "files", "rest"):
            hs[k] = hashlib.sha256()
        ss = self.ss
        vsn = 67 if self.ftype == 32 else 39
        rest = []  # sectors with nonzero (masked) bytes outside the tree's files and dirs
        for s in sorted(self.dev.blk):
            b = bytearray(self.dev.blk[s])
            part = "sys"
            if s == self.vol or (self.ftype == 32 and s == self.vol + 6):
                b[vsn : vsn + 4] = Z4
            elif s in self.dirsec:
                part = "dirs"
                for o in range(0, ss, 32):
                    if b[o + 11] != 0x0F:
                        mask_slot(b, o)
            elif s >= self.data0:
                v = self.filesec.get(s, 0)
                part = "data"
                for o in range(0, ss, 32):
                    if o >= v:
                        mask_slot(b, o)
                    elif o + 26 > v:
                        for i in TS:
                            if o + i >= v:
                                b[o + i] = 0
            if b == self.dev.zero:
                continue
            n = struct.pack("<I", s)
            # Slack and free clusters are left out of "all": there oofatfs leaves whatever
            # its window held (FF_FS_TINY), where ours writes zeros.
            if part != "data":
                hs["all"].update(n)
                hs["all"].update(b)
            elif v:
                hs["all"].update(n)
                hs["all"].update(b[:v])
            if part == "data":
                for k, x in (("files", b[:v]), ("rest", b[v:])):
                    if x:
                        hs[k].update(n)
                        hs[k].update(x)
                if v < ss and b[v:] != self.dev.zero[v:]:
                    rest.append(s)
            else:
                hs[part].update(n)
                hs[part].update(b)
        out = {"rest sectors": runs(rest)}
        for k in hs:
            out[k] = binascii.hexlify(hs[k].digest())[: 16 if k == "all" else 8].decode()
        return out

    def describe(self):
        print("  geom", self.geom)
        items = []
        ks = sorted(self.fat)
        i = 0
        while i < len(ks):
            c = start = ks[i]
            if c < 2:
                items.append("%d=%x" % (c, self.fat[c]))
                i += 1
                continue
            while self.fat[c] == c + 1 and i + 1 < len(ks) and ks[i + 1] == c + 1:
                i += 1
                c += 1
            v = self.fat[c]
            vs = "E" if v >= self.eoc else str(v)
            items.append(("%d" % c if start == c else "%d-%d" % (start, c)) + ">" + vs)
            i += 1
        wrap("  fat", items)
        for path, clus, ents in self.dirs:
            print("  dir %s clusters %s entries %d" % (path, runs(clus), len(ents)))
            lfn = []
            for e in ents:
                if e[11] == 0x0F:
                    lfn.append(e)
                    continue
                c = le16(e, 26) | (le16(e, 20) << 16 if self.ftype == 32 else 0)
                line = "    %r a%02x n%02x c%d s%d" % (bytes(e[0:11]), e[11], e[12], c, le32(e, 28))
                if lfn:
                    line += " <- L%s ck%02x %r" % (
                        ",".join("%02x" % x[0] for x in lfn), lfn[0][13],
                        "".join(lfn_text(x) for x in reversed(lfn)))
                    lfn = []
                print(line)
            if lfn:
                seqs = ",".join("%02x" % x[0] for x in lfn)
                print("    orphan L%s %r" % (seqs, "".join(lfn_text(x) for x in reversed(lfn))))


def err(e):
    return "%s %s" % (type(e).__name__, e.errno if isinstance(e, OSError) else e)


def tree(fs, path=""):
    out = []
    for e in fs.ilistdir(path or "/"):
        p = path + "/" + e[0]
        if e[1] == 0x4000:
            out.append(p + "/")
            out.extend(tree(fs, p))
        else:
            out.append("%s:%d" % (p, e[3]))
    return out


def report(label, dev, fs, full=False):
    try:
        img = Image(dev)
        d = img.digest()
    except Exception as e:
        print("  [%s] image unparsable: %s" % (label, err(e)))
        return
    st = None
    if fs is not None:
        try:
            st = fs.statvfs("/")
        except Exception as e:
            st = err(e)
    print("  [%s] img %s free %s" % (label, d["all"], st[3] if isinstance(st, tuple) else st))
    if full:
        print("  parts sys %s dirs %s files %s" % (d["sys"], d["dirs"], d["files"]))
        print("  statvfs", st)
        if fs is not None:
            try:
                wrap("  tree", tree(fs))
            except Exception as e:
                print("  tree", err(e))
        img.describe()


def pat(n, seed):
    # deterministic, nonzero-ish, not text
    return bytes(((i * 37 + seed * 11 + (i >> 7)) & 0xFF) | 0x80 for i in range(n))


def write(fs, path, data, mode="wb", chunk=0):
    with fs.open(path, mode) as f:
        if chunk:
            for i in range(0, len(data), chunk):
                f.write(data[i : i + chunk])
        else:
            f.write(data)


def do(label, f, *args):
    try:
        r = f(*args)
        if r is not None:
            print("  %s -> %r" % (label, r))
    except Exception as e:
        print("  %s raised %s" % (label, err(e)))


def scenario(name, blocks, ss, body):
    print("==", name)
    dev = Dev(blocks, ss)
    try:
        vfs.VfsFat.mkfs(dev)
        fs = vfs.VfsFat(dev)
    except Exception as e:
        print("  mkfs/mount raised", err(e))
        return
    report("after mkfs", dev, fs)
    try:
        fs = body(dev, fs) or fs
    except Exception as e:
        print("  scenario raised", err(e))
    report(name, dev, fs, True)


# ---- FAT12: names ----
def names(dev, fs):
    # 8.3 in each case form (lower base + upper ext and the reverse use the NT flags; mixed
    # needs a long name), then re-created in another case (same file, name kept)
    for i, n in enumerate(("low.txt", "UPP.TXT", "Mix.txt", "lowname.TXT", "UPPER.txt", "ab", "X.Y")):
        write(fs, "/" + n, pat(i + 1, i))
    write(fs, "/LOW.TXT", b"again")
    write(fs, "/mix.TXT", b"")
    report("8.3 names", dev, fs)
    for i in range(1, 10):
        write(fs, "/longfilename%d.txt" % i, pat(i * 10, i))
    report("numeric tails", dev, fs)
    odd = ("a long file name.txt", "+plus.txt", "comma,x.txt", ".hidden", "sp ace.txt", "a.b.c", "trail.",
           "averyveryverylongnamewithoutext", "name.longext", "UPPERCASELONG.TXT", "[br]=;.txt",
           "x" * 100 + ".txt")
    for i, n in enumerate(odd):
        write(fs, "/" + n, pat(3, i))
    do("stat trail", lambda: fs.stat("/trail")[6])


scenario("fat12 names", 200, 512, names)


# ---- FAT12: sizes, chunks, appends, overwrites ----
def sizes(dev, fs):
    for n in (0, 1, 511, 512, 513, 3 * 512 + 7):
        write(fs, "/s%d" % n, pat(n, n))
    report("sizes", dev, fs)
    write(fs, "/c64", pat(2000, 1), chunk=64)
    write(fs, "/c4k", pat(10000, 2), chunk=4096)
    report("chunks", dev, fs)
    write(fs, "/app", pat(100, 3))
    write(fs, "/app", pat(700, 4), "ab")
    write(fs, "/app", pat(1, 5), "ab")
    write(fs, "/app", pat(512 - 289, 6), "ab")  # ends exactly on a cluster boundary
    write(fs, "/app", pat(5, 7), "a")
    report("appends", dev, fs)
    write(fs, "/s513", pat(10, 8))  # shrink: frees clusters
    write(fs, "/s1", pat(1500, 9))  # grow: takes clusters
    write(fs, "/c64", b"")  # truncate to empty
    report("overwrites", dev, fs)
    with fs.open("/c4k", "r+b") as f:
        f.seek(700)
        f.write(pat(1000, 10))  # rewrite across sectors, inside the file
        f.seek(0, 2)
        f.write(b"tail")  # extend from the end
    with fs.open("/s511", "w+b") as f:
        f.write(pat(600, 11))
        f.seek(10)
        f.write(b"mid")
    with fs.open("/s512", "ab") as f:
        f.write(b"x")
    fs.remove("/s0")
    fs.remove("/s1")


scenario("fat12 sizes", 200, 512, sizes)


# ---- FAT12: directories, renames ----
def dirs(dev, fs):
    fs.mkdir("/a")
    fs.mkdir("/a/b")
    fs.mkdir("/a/b/c")
    fs.mkdir("/d")
    write(fs, "/a/b/c/deep.txt", pat(40, 1))
    write(fs, "/a/f1.txt", pat(600, 2))
    for i in range(20):  # 22 entries: /d grows past its first cluster (16 entries)
        write(fs, "/d/f%d.txt" % i, pat(i, i))
    report("mkdir and fill /d", dev, fs)
    for i in range(0, 20, 3):
        fs.remove("/d/f%d.txt" % i)
    write(fs, "/d/a long name in d.txt", pat(30, 3))
    write(fs, "/d/new.txt", pat(1, 4))
    report("remove in /d, reuse slots", dev, fs)
    fs.rename("/d/f1.txt", "/d/renamed.txt")
    fs.rename("/d/f2.txt", "/d/F2.TXT")  # only the case
    fs.rename("/d/f4.txt", "/d/a much longer new name.txt")
    fs.rename("/a/f1.txt", "/d/moved.txt")  # across directories
    fs.rename("/a/b", "/d/b2")  # a directory across directories: '..' must follow
    fs.rename("/d/f5.txt", "/d/f7.txt")  # onto an existing file: replaced
    report("renames", dev, fs)
    fs.chdir("/d/b2")
    write(fs, "rel.txt", pat(5, 5))
    fs.mkdir("sub")
    fs.chdir("/")
    do("rmdir nonempty", fs.rmdir, "/d/b2")
    fs.remove("/d/b2/c/deep.txt")
    fs.rmdir("/d/b2/c")
    fs.rmdir("/a")
    fs.mkdir("/e")
    write(fs, "/e/after.txt", pat(700, 6))


scenario("fat12 dirs", 200, 512, dirs)


# ---- FAT12: full volume ----
def full(dev, fs):
    write(fs, "/small1", pat(300, 1))
    fs.mkdir("/dd")
    write(fs, "/dd/small2", pat(1200, 2))
    write(fs, "/small3", pat(10, 3))
    block = pat(4096, 4)
    f = fs.open("/big", "wb")
    try:
        for i in range(100):
            f.write(block)
    except OSError as e:
        print("  fill raised", err(e), "at", f.tell())
    f.close()
    do("size big", lambda: fs.stat("/big")[6])
    report("full", dev, fs)
    do("create empty", lambda: fs.open("/empty", "wb").close())
    do("write 1 byte", write, fs, "/one", b"1")
    do("mkdir", fs.mkdir, "/nd")
    do("append to small3", write, fs, "/small3", pat(600, 5), "ab")
    do("size small3", lambda: fs.stat("/small3")[6])
    fs.remove("/dd/small2")
    report("removed small2", dev, fs)
    write(fs, "/again", pat(1000, 6))  # 2 of the 3 free clusters
    do("mkdir", fs.mkdir, "/nd")


scenario("fat12 full", 200, 512, full)


# ---- FAT16, mounted at /fat and used through os.* ----
def fat16(dev, fs):
    vfs.mount(fs, "/fat")
    try:
        os.chdir("/fat")
        os.mkdir("docs")
        os.mkdir("docs/sub")
        for i in range(12):  # 3 slots each: /docs grows past 32 entries
            with open("docs/document number %d.txt" % i, "wb") as f:
                f.write(pat(i * 100, i))
        with open("/fat/data.bin", "wb") as f:
            for i in range(5):
                f.write(pat(1000, i))
        report("docs", dev, fs)
        os.rename("docs/document number 3.txt", "docs/sub/moved.txt")
        os.rename("docs/sub", "subdir")
        os.remove("docs/document number 5.txt")
        with open("docs/document number 7.txt", "ab") as f:
            f.write(pat(3000, 7))
        os.chdir("docs")
        with open("Short.Txt", "w") as f:
            f.write("text\n" * 50)
        os.chdir("/fat")
        print("  listdir", os.listdir("/fat"), os.listdir("subdir"))
        print("  statvfs", os.statvfs("/fat"))
        report("mounted end", dev, fs)
    finally:
        os.chdir("/")
        vfs.umount("/fat")
    report("after umount", dev, None)


scenario("fat16 mounted", 9000, 512, fat16)


# ---- FAT32 (over 4 GiB, sparse), with a partition table ----
def fat32(dev, fs):
    fs.mkdir("/dir")
    write(fs, "/dir/a long file name.txt", pat(70000, 1), chunk=4096)  # 3 clusters
    write(fs, "/ABC.TXT", pat(5, 2))
    for i in range(1, 8):
        write(fs, "/longfilename%d.txt" % i, pat(i, i))
    report("files", dev, fs)
    fs.rename("/dir", "/DIR2")
    fs.mkdir("/DIR2/sub")
    fs.rename("/ABC.TXT", "/DIR2/sub/abc.txt")
    fs.remove("/longfilename2.txt")
    write(fs, "/dir2/a long file name.txt", pat(100, 3))
    write(fs, "/after.bin", pat(40000, 4))


scenario("fat32", 8400000, 512, fat32)


# ---- 4096-byte sectors (FAT12, 4096-byte clusters) ----
def big_sectors(dev, fs):
    for n in (0, 1, 4095, 4096, 4097):
        write(fs, "/s%d" % n, pat(n, n))
    write(fs, "/c64", pat(10000, 1), chunk=64)
    fs.mkdir("/Dir")
    write(fs, "/Dir/Long Name Here.txt", pat(9000, 2), chunk=4096)
    report("files", dev, fs)
    write(fs, "/s4097", pat(100, 3))
    write(fs, "/s1", pat(5000, 4), "ab")
    fs.rename("/Dir/Long Name Here.txt", "/moved.txt")
    fs.rmdir("/Dir")
    fs.remove("/s4095")


scenario("4096-byte sectors", 128, 4096, big_sectors)
