#!/usr/bin/env python3
"""Low-memory runs (issue #9): the host driver of tools/lowmem/workload.py.

For each firmware (ours, stock), filesystem (VfsLfs2, VfsFat), heap size and mode it
runs the workload once in a fresh process with `-X heapsize=N` on a fresh image file:
  work:   the workload stops at the first exception.  Outcome: ok (it printed DONE),
          MemoryError or OSError (with the step it was in);
  resume: each step's MemoryError/OSError is caught and the next step goes on with the
          same mounted filesystem, then a last step lists, writes, reads back and removes
          a file.  Outcome: ok, or how many steps hit MemoryError (and OSError); an EBUSY
          anywhere, or any OSError in the last step while the volume is mounted, is a
          problem (a lock or state left behind by a MemoryError).
Any other outcome is a problem: a crash (a signal, a Rust panic), a hang (no exit within
--timeout seconds), another exception, or a BAD line (wrong data read back).  Then the
image the run left is checked: for FAT `fsck.fat -n` (clean: exit 0, nothing but its
banner and summary), and for both the workload's "check" mode on the same firmware with
a large heap: mount without formatting, read every file (each must hold a prefix of
what the workload writes), write and read back a new file.  An image the run never
finished formatting (it stopped in mkfs) only has to not crash the check.

The workload is compiled with build/mpy-cross/mpy-cross when it exists (so that the
small heaps are not spent compiling it) and run with `-m`.  The firmwares are copied
aside first.  Prints a table per mode (heap size by firmware and filesystem) and the
details of every problem; exit status 1 if there was any.

  tools/lowmem/run.py [--ours PATH] [--stock PATH] [--heaps 12k,16k,...]
                      [--sweep FROM:TO:STEP] [--modes work,resume] [--timeout S]
                      [--keep DIR]

--sweep adds heap sizes in bytes (e.g. 8192:81920:512) and prints a count of outcomes
per mode, firmware and filesystem for them instead of a row each.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
WORKLOAD = os.path.join(HERE, "workload.py")
MPY_CROSS = os.path.join(TOP, "build", "mpy-cross", "mpy-cross")
# (block size, block count) of each filesystem's image
GEOMETRY = {"lfs2": (512, 128), "fat": (512, 200)}
DEFAULT_HEAPS = "12k,16k,24k,32k,48k,64k"
CHECK_HEAP = "4M"


def heap_bytes(h):
    h = h.strip().lower()
    mult = {"k": 1024, "m": 1024 * 1024}.get(h[-1:], 1)
    return int(h.rstrip("km")) * mult


def run_fw(fw, args, moddir, timeout):
    """(stdout+stderr text, exit status or None on a timeout)."""
    env = dict(os.environ, MICROPYPATH=moddir)
    try:
        p = subprocess.run([fw] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           cwd=moddir, env=env, timeout=timeout)
        return p.stdout.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode(errors="replace"), None


def classify(out, rc, mode):
    """(outcome, is_problem, formatted): formatted is False if the run never finished mkfs."""
    steps = re.findall(r"^step (.*)$", out, re.M)
    last = steps[-1] if steps else "startup"
    bad = [l for l in out.splitlines() if l.startswith("BAD")]
    failed = re.findall(r"^(MemoryError|OSError \d+) in (.*)$", out, re.M)
    formatted = (last not in ("startup", "mkfs")) and not any(s == "mkfs" for _, s in failed)
    if rc is None:
        return "HANG in %s" % last, True, formatted
    if re.search(r"panicked at|Rust panic|FATAL", out):
        return "PANIC in %s" % last, True, formatted
    if rc < 0:
        return "CRASH (signal %d) in %s" % (-rc, last), True, formatted
    if bad:
        return "BAD: %s" % bad[0], True, formatted
    if rc == 0 and "DONE" in out:
        if mode == "work":
            return "ok", False, formatted
        if not failed:
            return "ok", False, formatted
        mounted = not any(s in ("mkfs", "mount") for _, s in failed)
        problem = any(e == "OSError 16" for e, _ in failed) or (
            mounted and any(s == "after" and e.startswith("OSError") for e, s in failed))
        mem = [s for e, s in failed if e == "MemoryError"]
        oserr = sorted(set(e[8:] for e, _ in failed if e.startswith("OSError")))
        text = "%d MemoryError" % len(mem) + (" (first in %s)" % mem[0] if mem else "")
        if oserr:
            text += ", OSError %s" % "/".join(oserr)
        return text, problem, formatted
    m = re.findall(r"^(\w+): ?(.*)$", out, re.M)
    exc = m[-1] if m else ("?", "")
    if exc[0] == "MemoryError":
        return "MemoryError in %s" % last, False, formatted
    if exc[0] == "OSError":
        return "OSError %s in %s" % (exc[1].strip(), last), False, formatted
    return "%s %s in %s (exit %d)" % (exc[0], exc[1][:60], last, rc), True, formatted


def fsck(image):
    p = subprocess.run(["fsck.fat", "-n", image], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       env=dict(os.environ, LC_ALL="C"))
    lines = p.stdout.decode(errors="replace").splitlines()
    if p.returncode == 0 and len(lines) == 2 and re.match(r"\S+: \d+ files, \d+/\d+ clusters$", lines[1]):
        return None
    return "fsck.fat exit %d: %s" % (p.returncode, " | ".join(lines[1:])[:300])


def one(fw, kind, heap, mode, moddir, module, timeout, keep):
    """Run the workload and check its image: (cell text, problems)."""
    bs, count = GEOMETRY[kind]
    fd, image = tempfile.mkstemp(suffix=".img", dir=moddir)
    os.close(fd)
    with open(image, "wb") as f:
        f.truncate(bs * count)
    geo = [image, str(bs), str(count)]
    out, rc = run_fw(fw, ["-X", "heapsize=" + heap] + module + [mode, kind] + geo, moddir, timeout)
    outcome, problem, formatted = classify(out, rc, mode)
    lines = [l for l in out.splitlines() if not l.startswith("step ")] or out.splitlines()
    problems = ["run: %s; output: %s" % (outcome, " | ".join(lines[-4:]))] if problem else []
    check = []
    if kind == "fat" and formatted:
        r = fsck(image)
        if r:
            check.append(r)
    cout, crc = run_fw(fw, ["-X", "heapsize=" + CHECK_HEAP] + module + ["check", kind] + geo, moddir, timeout)
    if crc is None or crc < 0 or re.search(r"panicked at|Rust panic|FATAL", cout):
        check.append("check crashed or hung (%s): %s" % (crc, " | ".join(cout.splitlines()[-3:])))
    elif formatted and (crc != 0 or "CHECK OK" not in cout or "BAD" in cout):
        check.append("check: %s" % " | ".join(cout.splitlines()[-3:]))
    if keep and (problems or check):
        shutil.copy(image, os.path.join(keep, "%s-%s-%s-%s.img" % (os.path.basename(fw), kind, mode, heap)))
    os.remove(image)
    problems += check
    cell = outcome + ("" if not formatted else "; image ok" if not check else "; IMAGE BAD")
    return cell, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ours", default=os.path.join(TOP, "build", "unix", "micropython"))
    ap.add_argument("--stock", default=os.path.join(TOP, "build", "unix-stock", "micropython"))
    ap.add_argument("--heaps", default=DEFAULT_HEAPS)
    ap.add_argument("--sweep", default=None, help="FROM:TO:STEP heap sizes in bytes, counted not tabled")
    ap.add_argument("--modes", default="work,resume")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--keep", default=None, help="copy the images of problem runs here")
    args = ap.parse_args()
    if not shutil.which("fsck.fat"):
        sys.exit("fsck.fat not found (dosfstools)")
    work = tempfile.mkdtemp(prefix="lowmem-")
    fws = {}
    for name in ("ours", "stock"):
        path = getattr(args, name)
        if not os.path.exists(path):
            sys.exit("no firmware at %s" % path)
        fws[name] = os.path.join(work, name)
        shutil.copy(path, fws[name])
    if os.path.exists(MPY_CROSS):
        subprocess.run([MPY_CROSS, "-o", os.path.join(work, "lowmem_workload.mpy"), WORKLOAD], check=True)
    else:
        shutil.copy(WORKLOAD, os.path.join(work, "lowmem_workload.py"))
    module = ["-m", "lowmem_workload"]
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    all_problems = []
    heaps = [h.strip() for h in args.heaps.split(",") if h.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    cols = [(fw, kind) for kind in ("lfs2", "fat") for fw in ("ours", "stock")]
    for mode in modes:
        if heaps:
            rows = []
            for h in heaps:
                row = []
                for fw, kind in cols:
                    cell, problems = one(fws[fw], kind, h, mode, work, module, args.timeout, args.keep)
                    row.append(cell)
                    all_problems += ["%s %s %s heapsize=%s: %s" % (fw, kind, mode, h, p) for p in problems]
                rows.append((h, row))
            print("mode %s:" % mode)
            print("| heap | " + " | ".join("%s %s" % (fw, kind) for fw, kind in cols) + " |")
            print("| --- |" + " --- |" * len(cols))
            for h, row in rows:
                print("| %s | %s |" % (h, " | ".join(row)))
        if args.sweep:
            a, b, step = (int(x) for x in args.sweep.split(":"))
            counts = {c: Counter() for c in cols}
            for n in range(a, b + 1, step):
                for fw, kind in cols:
                    cell, problems = one(fws[fw], kind, str(n), mode, work, module, args.timeout, args.keep)
                    counts[(fw, kind)][re.sub(r" \(first in [^)]*\)| in [^;]*", "", cell)] += 1
                    all_problems += ["%s %s %s heapsize=%d: %s" % (fw, kind, mode, n, p) for p in problems]
            print("mode %s, sweep of heap sizes %d..%d step %d:" % (mode, a, b, step))
            for c in cols:
                print("  %s %s: %s" % (c[0], c[1], ", ".join("%s x%d" % kv for kv in sorted(counts[c].items()))))
    shutil.rmtree(work, ignore_errors=True)
    print("%d problems" % len(all_problems))
    for p in all_problems:
        print("  " + p)
    sys.exit(1 if all_problems else 0)


if __name__ == "__main__":
    main()
