#!/usr/bin/env python3
"""Run the MicroPython-level tests of the Rust os module and print `N passed, N failed`.

1. Our own tests (tests/os/*.py).  A test with a committed `.exp` file is compared
   with it; a test without one is differential: its expected output is what the stock
   firmware prints for the same script.
2. MicroPython's own suite (tests/run-tests.py of the tree we build against) on our
   firmware, minus the tests listed in tests/upstream-excluded.txt, each with its reason.
   The suite also runs on the stock firmware: a test that passes there and does not pass
   on ours (it fails, or it skips itself because a feature is missing) counts as failed
   unless the list names it.
"""
import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_fw(fw, path, timeout=None):
    """Run our test `path` on `fw`: its output and exit code.  The time limit is
    run-tests.py's knob, MICROPY_TEST_TIMEOUT (60 s unless set; make sanitize sets it for
    its valgrind runs, where a test runs tens of times slower)."""
    if timeout is None:
        timeout = int(os.environ.get("MICROPY_TEST_TIMEOUT", "60"))
    try:
        p = subprocess.run(
            [fw, os.path.basename(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            cwd=os.path.dirname(path),
            env=dict(os.environ, MICROPYPATH=""),
        )
        return p.stdout.replace(b"\r\n", b"\n"), p.returncode
    except subprocess.TimeoutExpired:
        return b"TIMEOUT\n", -1


def own_tests(ours, stock, only):
    passed, failed = [], []
    for dirpath, _, files in sorted(os.walk(os.path.join(HERE, "os"))):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, HERE)
            if only and not re.search(only, rel):
                continue
            exp_file = path + ".exp"
            if os.path.exists(exp_file):
                with open(exp_file, "rb") as f:
                    exp, exp_rc = f.read(), 0
            else:
                exp, exp_rc = run_fw(stock, path)
            out, rc = run_fw(ours, path)
            if out == exp and rc == exp_rc:
                print("pass ", rel)
                passed.append(rel)
            else:
                print("FAIL ", rel, "(exit %d)" % rc)
                with open(path + ".out", "wb") as f:
                    f.write(out)
                failed.append(rel)
    return passed, failed


def names_test(ours, stock):
    """tests/names/names.py on both unix firmwares: names_compare."""
    outs = []
    for fw in (stock, ours):
        out, rc = run_fw(fw, NAMES_SCRIPT)
        if rc != 0:
            print("FAIL  names (exit %d on %s):\n%s" % (rc, fw, out.decode(errors="replace")))
            return [], ["names"]
        outs.append(out.decode())
    return names_compare(*outs)


def qemu_names_test(micropy_dir, ours, stock, result_dir):
    """tests/names/names.py on both QEMU firmwares (through run-tests.py, which keeps a
    script's output in its result dir when it has no .exp): names_compare."""
    outs = []
    for fw, tag in ((stock, "stock"), (ours, "ours")):
        d = result_dir + "-names-" + tag
        shutil.rmtree(d, ignore_errors=True)
        run_tests_py(os.path.join(micropy_dir, "tests"), fw, ["-r", d, NAMES_SCRIPT], True)
        out = [f for f in os.listdir(d) if f.endswith("names.py.out")] if os.path.isdir(d) else []
        if not out:
            print("FAIL  names: no output from %s" % fw)
            return [], ["names"]
        with open(os.path.join(d, out[0])) as f:
            text = f.read()
        if "Traceback" in text or "CRASH" in text:
            print("FAIL  names (on %s):\n%s" % (fw, text))
            return [], ["names"]
        outs.append(text)
    return names_compare(*outs)


NAMES_SCRIPT = os.path.join(HERE, "names", "names.py")


def names_compare(stock_out, our_out):
    """Every name stock has in os, vfs, each filesystem type and each file type, ours has
    too (ours may have more)."""
    listings = [{k: set(v.split()) for k, _, v in (l.partition(": ") for l in out.splitlines()) if v}
                for out in (stock_out, our_out)]
    stock_names, our_names = listings
    known = {}  # what -> {name: reason}, from names/known-missing.txt
    with open(os.path.join(HERE, "names", "known-missing.txt")) as f:
        for line in f:
            line, _, reason = line.partition("#")
            if line.strip():
                if not reason.strip():
                    sys.exit("names/known-missing.txt: no reason given for " + line.strip())
                what, _, name = line.partition(":")
                known.setdefault(what.strip(), {})[name.strip()] = reason.strip()
    missing = []
    for k, v in sorted(stock_names.items()):
        lacking = sorted(v - our_names.get(k, set()))
        listed = known.get(k, {})
        known_lacking = [n for n in lacking if n in listed or "*" in listed]
        if known_lacking:
            print("known missing: %s: %s (%s)" % (k, " ".join(known_lacking), listed.get(known_lacking[0]) or listed["*"]))
        lacking = [n for n in lacking if n not in known_lacking]
        if lacking:
            missing.append("%s: %s" % (k, " ".join(lacking)))
    if missing:
        print("FAIL  names: stock has names ours lacks:\n  " + "\n  ".join(missing))
        return [], ["names"]
    extra = ["%s: %s" % (k, " ".join(sorted(v - stock_names.get(k, set()))))
             for k, v in sorted(our_names.items()) if v - stock_names.get(k, set())]
    print("pass  names (a superset of stock's; ours adds %s)" % ("; ".join(extra) or "nothing"))
    return ["names"], []


# (block size, block count, progsize): 512- and 4096-byte blocks, and rp2's progsize 256.
IMAGE_GEOMETRIES = [(512, 64, 32), (4096, 32, 32), (4096, 64, 256)]
IMAGE_VERSIONS = ["VfsLfs2", "VfsLfs1"]


def run_fw_args(fw, path, args, timeout=120, flags=()):
    try:
        p = subprocess.run(
            [fw] + list(flags) + [path] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout
        )
        return p.stdout, p.returncode
    except subprocess.TimeoutExpired:
        return b"TIMEOUT\n", -1


def interop_tests(ours, stock, out_dir, only):
    """An image written by either firmware must read identically on both."""
    passed, failed = [], []
    script = os.path.join(HERE, "interop", "lfs_image.py")
    os.makedirs(out_dir, exist_ok=True)
    for fs, (bs, bc, prog), (writer_name, writer) in (
        (f, g, w) for f in IMAGE_VERSIONS for g in IMAGE_GEOMETRIES for w in (("stock", stock), ("ours", ours))
    ):
        geo = [str(bs), str(bc), str(prog), fs]
        if True:
            name = "interop/%s %dx%d progsize=%d written by %s" % (fs, bs, bc, prog, writer_name)
            if only and not re.search(only, name):
                continue
            image = os.path.join(out_dir, "%s-%d-%d-%d-%s.img" % (fs, bs, bc, prog, writer_name))
            out, rc = run_fw_args(writer, script, ["write", image] + geo)
            if rc != 0:
                print("FAIL ", name, "(writer failed)", out.decode(errors="replace")[-300:])
                failed.append(name)
                continue
            read_stock, rc1 = run_fw_args(stock, script, ["read", image] + geo)
            read_ours, rc2 = run_fw_args(ours, script, ["read", image] + geo)
            ok = rc1 == 0 and rc2 == 0 and read_stock == read_ours and b"deep.txt" in read_stock
            print("pass " if ok else "FAIL ", name)
            if not ok:
                with open(image + ".stock.txt", "wb") as f:
                    f.write(read_stock)
                with open(image + ".ours.txt", "wb") as f:
                    f.write(read_ours)
            (passed if ok else failed).append(name)
    return passed, failed


# FAT images (issue #5): what Linux's tools write, our VfsFat reads identically; what our
# VfsFat writes, fsck.fat finds clean and mtools reads identically; and stock both ways.
FAT_TOOLS = ["mkfs.fat", "fsck.fat", "mcopy", "mmd", "mrd", "mdel", "mdeltree", "mren", "mmove", "mdir", "mtype"]
# mcopy -m stores the host file's mtime: 2021-06-15 12:34:56 UTC, an even second (FAT's
# resolution), so every file an mtools-filled image holds must stat() with it.
FAT_MTIME = 1623760496
FAT_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", TZ="UTC")
FAT_FLAGS = ["-X", "heapsize=128M"]
FAT_ADDED = "/Added By Firmware"
# Images made by mkfs.fat and filled by mtools: (name, sector size, sectors, mkfs.fat
# options, partition start).  FAT12 on a device of an odd size with a volume label,
# FAT16, FAT32 (65525 clusters at least), the two with 4096-byte sectors, and FAT32
# in the first partition of an MBR.
FAT_MKFS_CASES = [
    ("FAT12 512x2047", 512, 2047, ["-F", "12", "-n", "INTEROP"], 0),
    ("FAT16 512x32768", 512, 32768, ["-F", "16"], 0),
    ("FAT32 512x81920", 512, 81920, ["-F", "32", "-s", "1"], 0),
    ("FAT16 4096x5120", 4096, 5120, ["-F", "16", "-s", "1", "-n", "SECTOR4K"], 0),
    ("FAT32 4096x66000", 4096, 66000, ["-F", "32", "-s", "1"], 0),
    ("FAT32 512x81920 in MBR partition 1 at 2048", 512, 81920, ["-F", "32", "-s", "1"], 2048),
]
# Images made by VfsFat.mkfs: (sector size, sectors): FAT12 on a device of an odd
# size, FAT16, and FAT12 with 4096-byte sectors on an odd size.
FAT_WRITE_CASES = [(512, 2047), (512, 32768), (4096, 2047)]


def fat_tree(root, seed):
    """Create the host tree that goes into every image; seed varies its bytes."""

    def rnd(n, tag):  # non-repeating bytes
        out = b"".join(hashlib.sha256(b"%d %s %d" % (seed, tag.encode(), i)).digest() for i in range(n // 32 + 1))
        return out[:n]

    files = {
        "README.TXT": b"an upper-case 8.3 name\n",
        "lower.txt": b"a lower-case 8.3 name\n",
        "MixedCase.Txt": b"a mixed-case 8.3 name\n",
        "A Long Name, with+chars;and=more[1].txt": rnd(700, "chars"),
        "multi.dot.name.tar.gz": rnd(3000, "dots"),
        ("a name of 255 characters " * 11)[:251] + ".txt": b"the longest name FAT allows\n",
        "empty.bin": b"",
        "big.bin": rnd(20000, "big"),
        "fragmented.bin": rnd(21000, "fragmented"),
        "removed by firmware.txt": rnd(6000, "removed"),
        "renamed to a long name.txt": b"renamed\n",
        "appended.txt": rnd(5000, "appended"),
        "overwritten.txt": b"what is left after an overwrite\n",
        "Documents and Settings/Nested Dir/deeper/deepest/file at the bottom.txt": rnd(1234, "bottom"),
        "a/b/c/d/e/f/g/deep.txt": b"deep\n",
        "Moved Directory/top.txt": b"top\n",
        "Moved Directory/inner dir/moved.txt": rnd(2500, "moved"),
    }
    for n in (1, 511, 512, 513, 2048, 4095, 4096, 4097, 8192):
        files["sizes/%d.bin" % n] = rnd(n, "size %d" % n)
    for i in range(40):  # a directory of several clusters; LONGFI~1 ... ~9, then hashed short names
        files["many entries/Long File Name Number %02d.txt" % i] = b"entry %d\n" % i
    for i in range(20):
        files["many entries/FILE%02d.TXT" % i] = b"short %d\n" % i
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "empty dir"))
    for name, data in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (FAT_MTIME, FAT_MTIME))


def fat_key(entry):
    return entry[1].split("/")


def fat_listing(root, prefix=""):
    """The host tree as fat_image.py prints it: ("D", path) and ("F", path, size, sha256)."""
    out = []
    for dirpath, dirs, files in os.walk(root):
        rel = prefix + "/" + os.path.relpath(dirpath, root) if dirpath != root else prefix
        for d in dirs:
            out.append(("D", rel + "/" + d))
        for f in files:
            with open(os.path.join(dirpath, f), "rb") as fh:
                data = fh.read()
            out.append(("F", rel + "/" + f, str(len(data)), hashlib.sha256(data).hexdigest()))
    return sorted(out, key=fat_key)


def fat_parse(out):
    """A firmware's reading: (tree entries and any unexpected line, {path: mtime}, statvfs)."""
    tree, times, statvfs = [], {}, None
    for line in out.decode(errors="replace").splitlines():
        if line.startswith("F "):
            tree.append(tuple(["F"] + line[2:].rsplit(" ", 2)))
        elif line.startswith("D "):
            tree.append(("D", line[2:]))
        elif line.startswith("T "):
            path, _, t = line[2:].rpartition(" ")
            times[path] = t
        elif line.startswith("statvfs ("):
            statvfs = [int(x) for x in line[9:-1].split(",")]
        else:
            tree.append(("?", line))
    return tree, times, statvfs


def fat_diff(what, expected, actual):
    """None if equal, else a line naming the first difference."""
    if expected == actual:
        return None
    for i, (e, a) in enumerate(zip(expected, actual)):
        if e != a:
            return "%s: entry %d is %r, expected %r" % (what, i, a, e)
    if len(actual) > len(expected):
        return "%s: unexpected %r" % (what, actual[len(expected)])
    return "%s: missing %r" % (what, expected[len(actual)])


def fat_run(cmd, check=True):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=FAT_ENV, stdin=subprocess.DEVNULL)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stdout.decode(errors="replace")[-300:]))
    return p.stdout


def mtools_escape(path):
    return re.sub(r"([\\\[\]*?])", r"\\\1", path)


def mtools_fill(spec, src):
    """Fill the image with the host tree src through mtools, with deletions, a rename and
    a directory moved to another parent on the way (deleted entries precede live ones)."""

    def put(host, target):
        if os.path.isdir(host):
            fat_run(["mmd", "-i", spec, target])
            names = sorted(os.listdir(host))
            files = [os.path.join(host, n) for n in names if not os.path.isdir(os.path.join(host, n))]
            if files:
                fat_run(["mcopy", "-m", "-i", spec] + files + [target + "/"])
            for n in names:
                if os.path.isdir(os.path.join(host, n)):
                    put(os.path.join(host, n), target + "/" + n)
        else:
            fat_run(["mcopy", "-m", "-i", spec, host, target])

    # First, while the root directory is one cluster: mtools 4.0.32's mren aborts
    # (dirCache.c: freeDirCacheRange assertion) when the new name's entries cross a cluster.
    put(os.path.join(src, "renamed to a long name.txt"), "::/TMPNAME.TXT")
    fat_run(["mren", "-i", spec, "::/TMPNAME.TXT", "::/renamed to a long name.txt"])
    put(os.path.join(src, "big.bin"), "::/to be deleted, with a long name.bin")
    fat_run(["mmd", "-i", spec, "::/deleted dir"])
    put(os.path.join(src, "README.TXT"), "::/deleted dir/inside a deleted directory.txt")
    fat_run(["mmd", "-i", spec, "::/staging"])
    for name in sorted(os.listdir(src)):
        host = os.path.join(src, name)
        if name == "Moved Directory":
            put(host, "::/staging/" + name)
            fat_run(["mmove", "-i", spec, "::/staging/" + name, "::/" + name])
        elif name != "renamed to a long name.txt":
            put(host, "::/" + name)
    fat_run(["mdel", "-i", spec, "::/to be deleted, with a long name.bin"])
    fat_run(["mdeltree", "-i", spec, "::/deleted dir"])
    fat_run(["mrd", "-i", spec, "::/staging"])


def mtools_listing(spec):
    """The image as mtools sees it, listed as fat_listing() does; and its free bytes."""
    out = []
    for line in fat_run(["mdir", "-i", spec, "-/", "-b", "::/"]).decode(errors="replace").splitlines():
        path = line[2:]
        if path.endswith("/"):
            out.append(("D", path[:-1]))
        else:
            data = fat_run(["mtype", "-i", spec, "::" + mtools_escape(path)])
            out.append(("F", path, str(len(data)), hashlib.sha256(data).hexdigest()))
    m = re.search(r"([\d ]+) bytes free", fat_run(["mdir", "-i", spec, "::/"]).decode())
    return sorted(out, key=fat_key), int(m.group(1).replace(" ", "")) if m else None


def fsck_problem(image, part, ss, sectors):
    """None if `fsck.fat -n` exits 0 and prints nothing but its banner and summary."""
    if part:  # fsck.fat has no offset option: check a copy of the partition
        with open(image, "rb") as f:
            f.seek(part * ss)
            data = f.read(sectors * ss)
        image = image + ".partition"
        with open(image, "wb") as f:
            f.write(data)
    p = subprocess.run(["fsck.fat", "-n", image], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=FAT_ENV)
    lines = p.stdout.decode(errors="replace").splitlines()
    if (
        p.returncode == 0
        and len(lines) == 2
        and lines[0].startswith("fsck.fat ")
        and re.match(r"\S+: \d+ files, \d+/\d+ clusters$", lines[1])
    ):
        return None
    return "fsck.fat -n %s: exit %d: %s" % (image, p.returncode, " | ".join(lines))


def fat_check_reads(ours, stock, script, image, ss, expected, mtimes_of, mtools_free):
    """Problems of ours' reading of an image: entries and contents as expected, mtimes
    (of the paths mtimes_of accepts) FAT_MTIME, free space as mtools counts it, and
    everything (statvfs and every mtime too) as stock reads it."""
    out_ours, rc1 = run_fw_args(ours, script, ["read", image, str(ss)], flags=FAT_FLAGS)
    out_stock, rc2 = run_fw_args(stock, script, ["read", image, str(ss)], flags=FAT_FLAGS)
    with open(image + ".ours.txt", "wb") as f:
        f.write(out_ours)
    with open(image + ".stock.txt", "wb") as f:
        f.write(out_stock)
    with open(image + ".expected.txt", "w") as f:
        f.write("".join(" ".join(e) + "\n" for e in expected))
    problems = []
    if rc1 != 0:
        problems.append("ours exit %d: %s" % (rc1, out_ours.decode(errors="replace")[-300:]))
    if rc2 != 0:
        problems.append("stock exit %d: %s" % (rc2, out_stock.decode(errors="replace")[-300:]))
    tree, times, statvfs = fat_parse(out_ours)
    problems.append(fat_diff("ours' listing", expected, tree))
    bad = [e[1] for e in expected if e[0] == "F" and mtimes_of(e[1]) and times.get(e[1]) != str(FAT_MTIME)]
    if bad:
        problems.append("ours: mtime of %s is %s, expected %d" % (bad[0], times.get(bad[0]), FAT_MTIME))
    if statvfs is None:
        problems.append("ours printed no statvfs")
    elif mtools_free is not None and statvfs[0] * statvfs[3] != mtools_free:
        problems.append("ours: statvfs free %d x %d = %d bytes, mtools says %d" % (
            statvfs[0], statvfs[3], statvfs[0] * statvfs[3], mtools_free))
    if out_ours != out_stock:
        stock_tree, stock_times, stock_statvfs = fat_parse(out_stock)
        diff = fat_diff("stock's listing vs ours'", tree, stock_tree)
        if diff is None and statvfs != stock_statvfs:
            diff = "statvfs: ours %s, stock %s" % (statvfs, stock_statvfs)
        if diff is None:
            p = sorted(k for k in set(times) | set(stock_times) if times.get(k) != stock_times.get(k))[0]
            diff = "mtime of %s: ours %s, stock %s" % (p, times.get(p), stock_times.get(p))
        problems.append("ours and stock differ: " + diff)
    return [p for p in problems if p]


def fat_interop_tests(ours, stock, out_dir, only):
    """mkfs.fat/mtools images read by ours (and modified by ours: fsck.fat and mtools
    agree), images written by ours checked by fsck.fat and mtools, stock both ways."""
    script = os.path.join(HERE, "interop", "fat_image.py")
    groups = []
    for name, ss, n, opts, part in FAT_MKFS_CASES:
        base = "interop/fat mkfs.fat %s" % name
        tests = [base + ": read by ours and stock"] + [
            base + ": modified by ours, " + t for t in ("fsck.fat -n", "mtools", "read by ours and stock")
        ]
        groups.append((tests, ("mkfs", name, ss, n, opts, part)))
    for ss, n in FAT_WRITE_CASES:
        base = "interop/fat written by %s %dx%d"
        groups.append(([base % ("ours", ss, n) + t for t in (": fsck.fat -n", ": mtools", ": read by ours and stock")],
                       ("write", "ours", ss, n)))
        groups.append(([base % ("stock", ss, n) + ": read by ours and stock"], ("write", "stock", ss, n)))
    groups = [(tests, case) for tests, case in groups if not only or any(re.search(only, t) for t in tests)]
    passed, failed = [], []

    def report(name, problems):
        if only and not re.search(only, name):
            return
        print("pass " if not problems else "FAIL ", name, *(["(" + "; ".join(problems) + ")"] if problems else []))
        (passed if not problems else failed).append(name)

    if not groups:
        return passed, failed
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    missing = [t for t in FAT_TOOLS if not shutil.which(t, path=path)]
    if missing:
        for tests, _ in groups:
            for t in tests:
                report(t, ["missing %s: install dosfstools and mtools (tools/install-deps.sh)" % " ".join(missing)])
        return passed, failed
    FAT_ENV["PATH"] = path
    os.makedirs(out_dir, exist_ok=True)
    src1, src2 = os.path.join(out_dir, "src1"), os.path.join(out_dir, "src2")
    fat_tree(src1, 1)
    fat_tree(src2, 2)
    tree1 = fat_listing(src1)
    modified = sorted(
        [e for e in tree1 if e[1] != "/removed by firmware.txt"] + [("D", FAT_ADDED)] + fat_listing(src2, FAT_ADDED),
        key=fat_key,
    )
    for tests, case in groups:
        if case[0] == "mkfs":
            fat_mkfs_case(ours, stock, script, out_dir, tests, case[1:], src1, tree1, src2, modified, report)
        else:
            fat_write_case(ours, stock, script, out_dir, tests, case[1:], tree1, src1, report)
    return passed, failed


def fat_mkfs_case(ours, stock, script, out_dir, tests, case, src1, tree1, src2, modified, report):
    name, ss, n, opts, part = case
    image = os.path.join(out_dir, "mkfs-%s.img" % re.sub(r"\W+", "-", name))
    spec = image + ("@@%d" % (part * ss) if part else "")
    try:
        if os.path.exists(image):
            os.remove(image)
        with open(image, "wb") as f:
            f.truncate((part + n) * ss)
        cmd = ["mkfs.fat", "-S", str(ss)] + opts
        if part:
            cmd += ["--offset", str(part)]
        fat_run(cmd + [image, str(n * ss // 1024)])
        if part:
            with open(image, "r+b") as f:
                f.write(bytes(446) + struct.pack("<B3sB3sII", 0, b"\xfe\xff\xff", 0x0C, b"\xfe\xff\xff", part, n)
                        + bytes(48) + b"\x55\xaa")
        mtools_fill(spec, src1)
        listing, free = mtools_listing(spec)
    except (RuntimeError, OSError) as e:
        for t in tests:
            report(t, ["making the image: %s" % e])
        return
    setup = fat_diff("mtools' own listing (test setup)", tree1, listing)
    problems = [setup] if setup else []
    report(tests[0], problems + fat_check_reads(ours, stock, script, image, ss, tree1, lambda p: True, free))
    mod = image + ".modified"
    subprocess.run(["cp", "--sparse=always", image, mod], check=True)
    out, rc = run_fw_args(ours, script, ["modify", mod, str(ss), src2], flags=FAT_FLAGS)
    if rc != 0:
        for t in tests[1:]:
            report(t, ["ours' modify exit %d: %s" % (rc, out.decode(errors="replace")[-400:])])
        return
    report(tests[1], [p for p in [fsck_problem(mod, part, ss, n)] if p])
    try:
        listing, free = mtools_listing(mod + ("@@%d" % (part * ss) if part else ""))
        problems = [fat_diff("mtools' listing", modified, listing)]
    except RuntimeError as e:
        free, problems = None, [str(e)]
    report(tests[2], [p for p in problems if p])
    report(tests[3], fat_check_reads(ours, stock, script, mod, ss, modified,
                                     lambda p: not p.startswith(FAT_ADDED + "/"), free))


def fat_write_case(ours, stock, script, out_dir, tests, case, tree1, src1, report):
    writer, ss, n = case
    image = os.path.join(out_dir, "written-%s-%d-%d.img" % (writer, ss, n))
    out, rc = run_fw_args(ours if writer == "ours" else stock, script, ["write", image, str(ss), str(n), src1],
                          flags=FAT_FLAGS)
    if rc != 0:
        for t in tests:
            report(t, ["%s's write exit %d: %s" % (writer, rc, out.decode(errors="replace")[-400:])])
        return
    free = None
    if writer == "ours":
        report(tests[0], [p for p in [fsck_problem(image, 0, ss, n)] if p])
        try:
            listing, free = mtools_listing(image)
            problems = [fat_diff("mtools' listing", tree1, listing)]
        except RuntimeError as e:
            problems = [str(e)]
        report(tests[1], [p for p in problems if p])
    report(tests[-1], fat_check_reads(ours, stock, script, image, ss, tree1, lambda p: False, free))


def read_exclusions():
    excl = []
    with open(os.path.join(HERE, "upstream-excluded.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            test, _, reason = line.partition("#")
            if not reason.strip():
                sys.exit("upstream-excluded.txt: no reason given for " + test.strip())
            excl.append(test.strip())
    return excl


QEMU = "qemu-system-arm -machine mps2-an385 -nographic -monitor null -semihosting -serial pty -kernel "


# The QEMU command up to -kernel (--qemu-cmd; the default runs MPS2_AN385).
QEMU_CMD = QEMU.rstrip()


def instance_args(fw):
    """run-tests.py arguments that select a firmware: a unix binary, or a QEMU ELF."""
    if fw.endswith(".elf"):
        return ["-t", "execpty:" + QEMU_CMD + " " + fw]
    # run-tests.py's own search path, with our tests/lib (unittest) where it would look for
    # micropython-lib's, which Debian's source package leaves out.
    return ["--keep-path"]


def unix_search_path(tests_dir):
    return os.pathsep.join([".frozen", os.path.join(tests_dir, "..", "extmod"), os.path.join(HERE, "lib")])


def run_tests_py(tests_dir, fw, args, quiet):
    env = dict(os.environ, MICROPY_MICROPYTHON=fw, MICROPYPATH=unix_search_path(tests_dir))
    cmd = [sys.executable, "run-tests.py"] + instance_args(fw) + args
    p = subprocess.run(cmd, cwd=tests_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not quiet:
        sys.stdout.write(p.stdout)
    return p


def read_results(result_dir, p):
    try:
        with open(os.path.join(result_dir, "_results.json")) as f:
            return {r[0]: r[1] for r in json.load(f)["results"]}
    except (OSError, ValueError, KeyError):
        sys.stdout.write(p.stdout)
        sys.exit("run-tests.py produced no results (exit %d)" % p.returncode)


def upstream_tests(micropy_dir, fw, jobs, result_dir, only, exclusions, quiet=False, extra=()):
    """Run the suite; failures get one sequential re-run (some of upstream's thread stress
    tests crash under parallel load on stock too).  Returns (results, passed_on_retry)."""
    tests_dir = os.path.join(micropy_dir, "tests")
    args = ["-j", str(jobs), "-r", result_dir] + list(extra)
    # run-tests.py applies filters in order, the last match deciding: include, then exclude.
    if only:
        args += ["-i", only]
    for t in exclusions:
        args += ["-e", "^" + re.escape(t) + "$"]
    results = read_results(result_dir, run_tests_py(tests_dir, fw, args, quiet))
    failed = [t for t, v in results.items() if v == "fail"]
    retried = []
    if failed:
        p = run_tests_py(tests_dir, fw, ["-j", "1", "-r", result_dir, "--run-failures"], True)
        for t, v in read_results(result_dir, p).items():
            if v == "pass" and results.get(t) == "fail":
                results[t] = "pass"
                retried.append(t)
    return results, retried


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--micropy-dir", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--stock", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--result-dir", default=None)
    ap.add_argument("--only", default=None, help="regex: run only matching tests")
    ap.add_argument("--skip-upstream", action="store_true")
    ap.add_argument("--summary", default=None, help="also write 'PASSED FAILED' to this file")
    ap.add_argument("--label", default=None, help="name of this run in its closing line")
    ap.add_argument(
        "--qemu",
        action="store_true",
        help="--ours/--stock are QEMU ELFs: run the upstream suite and tests/qemu/ under qemu-system-arm",
    )
    ap.add_argument("--qemu-cmd", default=QEMU.rstrip(), help="with --qemu: the QEMU command line, up to -kernel")
    ap.add_argument("--own-dir", default=os.path.join(HERE, "qemu"), help="with --qemu: our tests to run (each with its .exp)")
    args = ap.parse_args()
    global QEMU_CMD
    QEMU_CMD = args.qemu_cmd
    args.ours, args.stock = os.path.abspath(args.ours), os.path.abspath(args.stock)
    args.micropy_dir = os.path.abspath(args.micropy_dir)
    # Absolute: run-tests.py runs from MicroPython's tests/ directory.
    result_dir = os.path.abspath(args.result_dir or os.path.join(os.path.dirname(args.ours), "test-results"))
    os.makedirs(result_dir, exist_ok=True)

    # MicroPython's CI runs with 1024 descriptors (extmod/select_poll_fd.py relies on it,
    # and our finaliser tests open more files than that).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))

    if args.qemu:
        return main_qemu(args, result_dir)

    print("== our tests (tests/os) ==")
    own_pass, own_fail = own_tests(args.ours, args.stock, args.only)
    if not args.only or re.search(args.only, "names"):
        n_pass, n_fail = names_test(args.ours, args.stock)
        own_pass += n_pass
        own_fail += n_fail
    print("== image interoperability with stock ==")
    i_pass, i_fail = interop_tests(args.ours, args.stock, result_dir + "-interop", args.only)
    own_pass += i_pass
    own_fail += i_fail
    print("== FAT image interoperability with mkfs.fat, fsck.fat, mtools and stock ==")
    f_pass, f_fail = fat_interop_tests(args.ours, args.stock, result_dir + "-fat", args.only)
    own_pass += f_pass
    own_fail += f_fail
    print("our tests: %d passed, %d failed" % (len(own_pass), len(own_fail)))
    up_pass, up_fail = [], []
    if not args.skip_upstream:
        exclusions = read_exclusions()
        print("== MicroPython's test suite on stock (reference) ==")
        ref, ref_retried = upstream_tests(
            args.micropy_dir, args.stock, args.jobs, result_dir + "-stock", args.only, exclusions, quiet=True
        )
        stock_summary(ref)
        print("== MicroPython's test suite on our firmware ==")
        res, retried = upstream_tests(args.micropy_dir, args.ours, args.jobs, result_dir, args.only, exclusions)
        up_pass, up_fail = compare(ref, ref_retried, res, retried)
        print("upstream tests: %d passed, %d failed, %d excluded by tests/upstream-excluded.txt" % (
            len(up_pass), len(up_fail), len(exclusions)))
    failed = own_fail + up_fail
    if failed:
        print("failed:", " ".join(failed))
    finish(args, args.label or "unix", len(own_pass) + len(up_pass), len(failed))


def compare(ref, ref_retried, res, retried):
    """Ours against stock: a test failing on ours, or passing on stock and not on ours
    (skipped, not run), is a failure.  Returns (passed, failed) and reports flaky tests."""
    for t in ref_retried:
        print("flaky on stock (passed on a sequential re-run): %s" % t)
    for t in retried:
        print("flaky on ours (passed on a sequential re-run): %s" % t)
    passed = sorted(t for t, v in res.items() if v == "pass")
    failed = sorted(t for t, v in res.items() if v == "fail")
    ref_pass = sorted(t for t, v in ref.items() if v == "pass")
    missing = [t for t in ref_pass if res.get(t) != "pass" and t not in failed]
    for t in missing:
        print("FAIL  %s (passes on stock, %s on ours)" % (t, res.get(t, "not run")))
    return passed, failed + missing


def stock_summary(ref):
    print("stock: %d passed, %d failed" % (sum(v == "pass" for v in ref.values()), sum(v == "fail" for v in ref.values())))


def finish(args, label, n_pass, n_fail):
    print("%s: %d passed, %d failed" % (label, n_pass, n_fail))
    if args.summary:
        with open(args.summary, "w") as f:
            f.write("%d %d\n" % (n_pass, n_fail))
    sys.exit(1 if n_fail else 0)


def main_qemu(args, result_dir):
    exclusions = read_exclusions()
    print("== MicroPython's test suite on stock, under QEMU (reference) ==")
    ref, ref_retried = upstream_tests(
        args.micropy_dir, args.stock, 1, result_dir + "-stock", args.only, exclusions, quiet=True
    )
    stock_summary(ref)
    print("== MicroPython's test suite and tests/qemu on our firmware, under QEMU ==")
    # Our QEMU tests run last and in order: each run-tests.py test starts with a soft
    # reset, which tests/qemu/softreset_* rely on.
    own = sorted(os.path.join(args.own_dir, f) for f in os.listdir(args.own_dir) if f.endswith(".py"))
    res, retried = upstream_tests(args.micropy_dir, args.ours, 1, result_dir, args.only, exclusions)
    own_res, _ = upstream_tests(args.micropy_dir, args.ours, 1, result_dir + "-own", None, [], extra=own)
    passed, failed = compare(ref, ref_retried, res, retried)
    if args.own_dir == os.path.join(HERE, "qemu"):
        n_pass, n_fail = qemu_names_test(args.micropy_dir, args.ours, args.stock, result_dir)
        passed += n_pass
        failed += n_fail
    own_pass = [t for t, v in own_res.items() if v == "pass"]
    own_fail = [t for t, v in own_res.items() if v != "pass"]
    for t in own_fail:
        print("FAIL  %s (%s)" % (t, own_res[t]))
    print("our QEMU tests: %d passed, %d failed" % (len(own_pass), len(own_fail)))
    print("upstream tests under QEMU: %d passed, %d failed" % (len(passed), len(failed)))
    failed += own_fail
    if failed:
        print("failed:", " ".join(failed))
    finish(args, args.label or "qemu", len(passed) + len(own_pass), len(failed))


if __name__ == "__main__":
    main()
