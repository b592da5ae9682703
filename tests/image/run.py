#!/usr/bin/env python3
"""Tests of build/rustos-image (issue #24): images it makes are read exactly by our
firmware, by stock, by littlefs-python (littlefs v2) and by fsck.fat and mtools (FAT); its
UF2 decodes with MicroPython's own tools/uf2conv.py; `extract` gives the source back byte
for byte; `check` fails on damaged images; and bad requests are refused with a message and
leave no file behind.

usage: run.py --tool build/rustos-image --ours OURS --stock STOCK --micropy-dir DIR
              [--summary FILE]
"""
import argparse
import hashlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tempfile
import contextlib

HERE = os.path.dirname(os.path.abspath(__file__))
results = []


def ok(name, cond, detail=""):
    results.append(bool(cond))
    print(("pass  " if cond else "FAIL  ") + name + ("" if cond else ": " + detail))


def tool(args, *a):
    return subprocess.run([args.tool, *a], capture_output=True, text=True)


def make_tree(root, utf8_name=False):
    """A source tree with what a board's filesystem holds: nested packages, an empty file
    and directory, binary data over several blocks, a long name, and with `utf8_name` a
    name outside ASCII."""
    os.makedirs(os.path.join(root, "lib/pkg/sub"))
    os.makedirs(os.path.join(root, "empty"))
    files = {
        "main.py": b"import pkg\nprint('hello')\n",
        "boot.py": b"",
        "lib/pkg/__init__.py": b"from .sub import x\n",
        "lib/pkg/sub/__init__.py": b"x = 1\n",
        "lib/data.bin": bytes((i * 7 + (i >> 8)) & 0xFF for i in range(50_000)),
        "n" * 200 + ".py": b"long = True\n",
    }
    if utf8_name:
        files["donn\u00e9es.txt"] = "caf\u00e9\n".encode()
    for path, data in files.items():
        with open(os.path.join(root, path), "wb") as f:
            f.write(data)


def expected_listing(root):
    out = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        rel = "" if rel == "." else "/" + rel
        for n in dirs:
            out.append(rel + "/" + n + "/")
        for n in files:
            with open(os.path.join(d, n), "rb") as f:
                data = f.read()
            out.append("%s/%s %d %s" % (rel, n, len(data), hashlib.sha256(data).hexdigest()))
    return sorted(out)


def same_tree(a, b):
    return expected_listing(a) == expected_listing(b)


def littlefs_python_listing(image, block_size, blocks):
    from littlefs import LittleFS

    fs = LittleFS(block_size=block_size, block_count=blocks, mount=False)
    with open(image, "rb") as f:
        fs.context.buffer = bytearray(f.read())
    fs.mount()
    out = []
    for top, dirs, files in fs.walk("/"):
        top = top.rstrip("/")
        for n in dirs:
            out.append(top + "/" + n + "/")
        for n in files:
            with fs.open(top + "/" + n, "rb") as f:
                data = f.read()
            out.append("%s/%s %d %s" % (top, n, len(data), hashlib.sha256(data).hexdigest()))
    return sorted(out)


def uf2_decode(micropy_dir, path):
    """The flash address and data of a UF2 file, by MicroPython's tools/uf2conv.py."""
    spec = importlib.util.spec_from_file_location("uf2conv", os.path.join(micropy_dir, "tools/uf2conv.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.familyid = 0
    with open(path, "rb") as f:
        buf = f.read()
    with contextlib.redirect_stdout(io.StringIO()):
        data = mod.convert_from_uf2(buf)
    return mod.appstartaddr, bytes(data), [int.from_bytes(buf[28:32], "little")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--stock", required=True)
    ap.add_argument("--micropy-dir", required=True)
    ap.add_argument("--summary")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="rustos-image-test-")
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    passed, failed = results.count(True), results.count(False)
    print("image tool: %d passed, %d failed" % (passed, failed))
    if args.summary:
        with open(args.summary, "w") as f:
            f.write("%d %d\n" % (passed, failed))
    return 1 if failed else 0


def run(args, tmp):
    src = os.path.join(tmp, "src")
    make_tree(src)
    want = expected_listing(src)
    utf8_src = os.path.join(tmp, "utf8")
    make_tree(utf8_src, utf8_name=True)

    for r in ("--help",), ("create", "--help"), ("ls", "--help"), ("extract", "--help"), ("check", "--help"), ("info", "--help"):
        p = tool(args, *r)
        ok("rustos-image %s: usage, exit 0" % " ".join(r), p.returncode == 0 and "usage" in p.stdout, p.stdout + p.stderr)

    # littlefs-python reads littlefs v2 only: lfs1 images are read by both firmwares.
    geometries = [
        ("rp2-pico", "lfs2", ["--preset", "rp2-pico"], 4096, 352),
        ("esp32", "lfs2", ["--preset", "esp32"], 4096, 512),
        ("custom 512 x 300", "lfs2", ["--block-size", "512", "--blocks", "300", "--progsize", "64"], 512, 300),
        ("lfs1 4096 x 64", "lfs1", ["--block-size", "4096", "--blocks", "64"], 4096, 64),
        ("fat rp2-pico geometry", "fat", ["--block-size", "4096", "--blocks", "352"], 4096, 352),
        ("fat 512 x 2048", "fat", ["--block-size", "512", "--blocks", "2048"], 512, 2048),
    ]
    for name, fs, geo, bs, blocks in geometries:
        image = os.path.join(tmp, name.replace(" ", "_") + ".img")
        p = tool(args, "create", "--fs", fs, *geo, src, image)
        ok("%s: create" % name, p.returncode == 0, p.stderr)
        if p.returncode:
            continue
        ok("%s: image is blocks x block size" % name, os.path.getsize(image) == bs * blocks, str(os.path.getsize(image)))
        for label, fw in (("ours", args.ours), ("stock", args.stock)):
            vfs_class = {"lfs2": "VfsLfs2", "lfs1": "VfsLfs1", "fat": "VfsFat"}[fs]
            m = subprocess.run([fw, "-X", "heapsize=16M", os.path.join(HERE, "mount_read.py"), image, str(bs), vfs_class],
                               capture_output=True, text=True)
            got = m.stdout.splitlines()
            ok("%s: %s firmware reads exactly the source tree" % (name, label), got == want, "\n".join(got) + m.stderr)
        if fs == "fat":
            p = subprocess.run(["fsck.fat", "-n", image], capture_output=True, text=True)
            ok("%s: fsck.fat -n finds nothing" % name, p.returncode == 0 and "\n" not in p.stdout.strip().split("\n", 1)[-1],
               p.stdout + p.stderr)
            out = os.path.join(tmp, name.replace(" ", "_") + ".mtools")
            os.makedirs(out)
            p = subprocess.run(["mcopy", "-s", "-n", "-i", image, "::/*", out], capture_output=True, text=True,
                               env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
            ok("%s: mtools copies out exactly the source tree" % name, p.returncode == 0 and same_tree(src, out),
               p.stderr + "\n".join(expected_listing(out)))
        if fs == "lfs2":
            try:
                got = littlefs_python_listing(image, bs, blocks)
                ok("%s: littlefs-python reads exactly the source tree" % name, got == want, "\n".join(got))
            except ImportError as e:
                ok("%s: littlefs-python reads exactly the source tree" % name, False, "littlefs-python missing: %s" % e)
        out = os.path.join(tmp, name.replace(" ", "_") + ".out")
        p = tool(args, "extract", image, out)
        ok("%s: extract gives the source back byte for byte" % name, p.returncode == 0 and same_tree(src, out), p.stderr)
        p = tool(args, "check", image)
        ok("%s: check passes" % name, p.returncode == 0 and "ok:" in p.stdout, p.stdout + p.stderr)
        p = tool(args, "ls", image)
        listed = sorted(line.split()[-1] for line in p.stdout.splitlines())
        ok("%s: ls lists every path" % name, p.returncode == 0 and listed == sorted(w.split()[0] for w in want), p.stdout)
        p = tool(args, "info", image)
        if fs == "fat":
            ok("%s: info gives the kind and clusters" % name,
               p.returncode == 0 and "kind: FAT" in p.stdout and "clusters: " in p.stdout, p.stdout)
        else:
            kind = "kind: littlefs v%s" % fs[-1]
            ok("%s: info gives the kind and geometry" % name,
               p.returncode == 0 and kind in p.stdout and ("block size: %d" % bs) in p.stdout
               and ("blocks: %d" % blocks) in p.stdout, p.stdout)

    # A name outside ASCII: UTF-8 in littlefs, UTF-16 in FAT's long names (as PCs write
    # them).  Stock reads it back from littlefs; from FAT it cannot (stock unix keeps long
    # names as the CP437 characters of their UTF-8 bytes, README), so there mtools reads.
    for fs, geo, bs in (("lfs2", ["--preset", "rp2-pico"], 4096), ("fat", ["--block-size", "4096", "--blocks", "352"], 4096)):
        image = os.path.join(tmp, "utf8-%s.img" % fs)
        p = tool(args, "create", "--fs", fs, *geo, utf8_src, image)
        ok("%s, a UTF-8 name: create" % fs, p.returncode == 0, p.stderr)
        readers = [("ours", args.ours)] + ([("stock", args.stock)] if fs == "lfs2" else [])
        for label, fw in readers:
            vfs_class = "VfsLfs2" if fs == "lfs2" else "VfsFat"
            m = subprocess.run([fw, "-X", "heapsize=16M", os.path.join(HERE, "mount_read.py"), image, str(bs), vfs_class],
                               capture_output=True, text=True)
            ok("%s, a UTF-8 name: %s firmware reads exactly the source tree" % (fs, label),
               m.stdout.splitlines() == expected_listing(utf8_src), m.stdout + m.stderr)
        if fs == "fat":
            out = os.path.join(tmp, "utf8.mtools")
            os.makedirs(out)
            p = subprocess.run(["mcopy", "-s", "-n", "-i", image, "::/*", out], capture_output=True, text=True,
                               env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
            ok("fat, a UTF-8 name: mtools copies out exactly the source tree",
               p.returncode == 0 and same_tree(utf8_src, out), p.stderr)

    # UF2 for a Pico: decoded by MicroPython's own uf2conv.py, it is the image at the
    # storage region's XIP address.
    image, uf2 = os.path.join(tmp, "pico.img"), os.path.join(tmp, "pico.uf2")
    p = tool(args, "create", "--fs", "lfs2", "--preset", "rp2-pico", "--uf2", uf2, src, image)
    ok("rp2-pico --uf2: create", p.returncode == 0, p.stderr)
    if p.returncode == 0:
        addr, data, families = uf2_decode(args.micropy_dir, uf2)
        with open(image, "rb") as f:
            img = f.read()
        ok("rp2-pico --uf2: uf2conv.py decodes the image at 0x101a0000", addr == 0x101A0000 and data == img,
           "%#x, %d bytes" % (addr, len(data)))
        ok("rp2-pico --uf2: RP2040 family", families == [0xE48BFF56], str(families))

    # Damaged images: check fails.
    good = os.path.join(tmp, "rp2-pico.img")
    with open(good, "rb") as f:
        img = bytearray(f.read())
    for label, damage in (
        ("wiped (erased flash)", lambda b: b"\xff" * len(b)),
        ("wiped (zeros)", lambda b: bytes(len(b))),
        ("both superblocks overwritten", lambda b: b"\x55" * 8192 + b[8192:]),
    ):
        bad = os.path.join(tmp, "bad.img")
        with open(bad, "wb") as f:
            f.write(damage(img))
        p = tool(args, "check", bad)
        ok("check fails on an image %s" % label, p.returncode == 1 and p.stderr.strip(), p.stdout + p.stderr)

    # FAT damage that reads as a filesystem: check reports it as fsck.fat does.
    fat = os.path.join(tmp, "fat_512_x_2048.img")
    with open(fat, "rb") as f:
        img = bytes(f.read())
    main_at = img.find(b"MAIN    PY ")
    for label, damage, ours_says, fsck_says in (
        ("a size past its chain", lambda b: b[:main_at + 28] + (90000).to_bytes(4, "little") + b[main_at + 32:],
         "/main.py: its size is 90000 bytes", "File size is 90000 bytes"),
        ("a removed entry whose chain stayed (lost clusters)", lambda b: b[:main_at] + b"\xe5" + b[main_at + 1:],
         "(lost)", "Reclaimed"),
    ):
        bad = os.path.join(tmp, "bad.img")
        with open(bad, "wb") as f:
            f.write(damage(img))
        p = tool(args, "check", bad)
        q = subprocess.run(["fsck.fat", "-n", bad], capture_output=True, text=True)
        ok("check on FAT with %s reports what fsck.fat reports" % label,
           main_at > 0 and p.returncode == 1 and ours_says in p.stderr and fsck_says in q.stdout,
           "ours: exit %d %r; fsck.fat: %r" % (p.returncode, p.stderr, q.stdout))

    # Refusals: a message, exit 1, nothing left behind.
    big = os.path.join(tmp, "big")
    os.makedirs(big)
    with open(os.path.join(big, "firmware.bin"), "wb") as f:
        f.write(os.urandom(900 * 1024))
    # A name longer than littlefs's 255 bytes cannot be made here: Linux stops at 255 bytes
    # too (the tool's check is for hosts that allow longer UTF-8 names, as macOS does).
    dangling = os.path.join(tmp, "dangling")
    os.makedirs(dangling)
    os.symlink(os.path.join(tmp, "nowhere"), os.path.join(dangling, "gone.py"))
    for label, argv, message in (
        ("a tree too big for rp2-pico-w", ["--preset", "rp2-pico-w", big], "does not fit"),
        ("a block count the preset contradicts", ["--preset", "rp2-pico", "--blocks", "100", src], "contradicts preset rp2-pico"),
        ("an unreadable source file", ["--preset", "rp2-pico", dangling], "cannot read"),
        ("an impossible geometry", ["--block-size", "1000", "--blocks", "10", src], "cannot use this geometry"),
        ("an unknown preset", ["--preset", "pico9", src], "no preset"),
    ):
        out = os.path.join(tmp, "refused.img")
        p = tool(args, "create", "--fs", "lfs2", *argv, out)
        left = [n for n in os.listdir(tmp) if n.startswith("refused")]
        ok("create refuses %s" % label, p.returncode == 1 and message in p.stderr and not left,
           "exit %d, %r, left %r" % (p.returncode, p.stderr, left))


if __name__ == "__main__":
    sys.exit(main())
