#!/usr/bin/env python3
"""Power-loss torture (issue #9): the host driver of tools/torture/powerloss.py.

For each filesystem it runs the workload once with no cut to count the device writes W,
then, for each cut mode (clean, torn), cuts the power at write N for every N in 1..W (with
--quick every k-th N, and always W): powerloss.py checks what survives on a fresh device
and a fresh mount, in one firmware process for many N.  A crash of that process (nonzero
exit, a signal, a Rust panic, a hang) is counted against the N it was running, and a new
process takes the rest of the range.  For FAT the driver runs `fsck.fat -n` on each image
the firmware wrote and classifies its output:
  clean:    exit 0, nothing printed but the banner and the summary line;
  fixable:  fsck.fat checked the whole volume (summary line printed) and complained;
  errors:   fsck.fat could not check the volume (no summary line, or an exit status
            other than 0 and 1, or a signal).

Prints one line per filesystem and mode, e.g.
  torture lfs2 torn: 627 cuts, 627 mounted, 0 violations, 0 crashes
then the details of every violation and crash, and for FAT a tally of fsck.fat's
complaints.  Exit status 1 on any littlefs violation or any crash, 2 on a usage problem.

  tools/torture/run.py [--quick] [--every K] [--fw PATH] [--fs lfs2,lfs1,fat] [--jobs N]
"""
import argparse
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
SCRIPT = os.path.join(HERE, "powerloss.py")
FLAGS = ["-X", "heapsize=64M"]
MODES = ["clean", "torn"]
FULL_FS = ["lfs2", "lfs1", "lfs2-512", "lfs1-512", "fat"]
QUICK_FS = ["lfs2", "lfs1", "fat"]
QUICK_EVERY = 5
CHUNK = 40  # cut points per firmware process
CASE_TIMEOUT = 60  # seconds without output from the firmware: a hang
PANIC = re.compile(r"panicked at|Rust panic|FATAL:")
FSCK_ENV = dict(os.environ, LC_ALL="C")


def read_lines(p, q):
    for line in iter(p.stdout.readline, b""):
        q.put(line.decode(errors="replace").rstrip("\n"))
    q.put(None)


def firmware(fw, args):
    """Run the firmware on powerloss.py; yield its lines (stdout and stderr, in order),
    then ("exit", status, timed_out)."""
    p = subprocess.Popen(
        [fw] + FLAGS + [SCRIPT] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    q = queue.Queue()
    t = threading.Thread(target=read_lines, args=(p, q), daemon=True)
    t.start()
    timed_out = False
    while True:
        try:
            line = q.get(timeout=CASE_TIMEOUT)
        except queue.Empty:
            timed_out = True
            p.kill()
            p.wait()
            break
        if line is None:
            break
        yield line
    t.join(5)
    yield ("exit", p.wait(), timed_out)


def exit_text(rc, timed_out):
    if timed_out:
        return "hang: no output for %d s, killed" % CASE_TIMEOUT
    if rc < 0:
        return "killed by signal %d" % -rc
    return "exit status %d" % rc


def with_tail(text, tail):
    """text, then the firmware's last lines of other output, if any."""
    return text + (": " + " | ".join(tail) if tail else "")


def count_writes(fw, fs):
    """(W, steps, model problems, crash text or None) of the workload with no cut."""
    writes, nsteps, problems, out = None, None, [], []
    for line in firmware(fw, ["count", fs]):
        if isinstance(line, tuple):
            _, rc, timed_out = line
            break
        out.append(line)
        if line.startswith("WRITES "):
            _, _, w, s = line.split()
            writes, nsteps = int(w), int(s)
        elif line.startswith("MODEL "):
            problems.append(line[6:])
    crash = None
    if rc != 0 or timed_out or any(PANIC.search(x) for x in out) or writes is None:
        crash = with_tail(exit_text(rc, timed_out), out[-5:])
    return writes, nsteps, problems, crash


def run_range(fw, fs, mode, ns, imgdir):
    """Results {n: record} and crashes {n: text} of the cut points ns; after a crash a
    new firmware process takes the cut points after the one that crashed."""
    results, crashes = {}, {}
    todo = list(ns)
    nfile = os.path.join(imgdir, "%s-%s-%d.cuts" % (fs, mode, ns[0]))
    while todo:
        current, last, tail, caught = None, None, [], False
        with open(nfile, "w") as f:
            f.write(",".join(map(str, todo)))
        for line in firmware(fw, ["run", fs, mode, imgdir, nfile]):
            if isinstance(line, tuple):
                _, rc, timed_out = line
                break
            if line.startswith("START "):
                current, tail, caught = int(line.split()[3]), [], False
            elif line.startswith("R "):
                r = json.loads(line[2:])
                results[r["n"]] = r
                current, last = None, r["n"]
            elif line.startswith("CRASH "):
                c = json.loads(line[6:])
                crashes[c["n"]] = "Rust panic, caught as %s in %s" % (c["exc"], c["where"])
                current, last, caught = None, c["n"], True
            else:
                tail = (tail + [line])[-5:]
                if PANIC.search(line) and current is not None:
                    # a panic the script did not see (in a finaliser, say): still a crash
                    crashes.setdefault(current, "panic message: " + line)
        bad = rc != 0 or timed_out
        if current is not None:
            if bad or current not in crashes:
                text = with_tail("%s during the case" % exit_text(rc, timed_out), tail)
                crashes[current] = crashes[current] + "; then " + text if current in crashes else text
            last = current
        elif bad and not caught:
            if last is None:
                last = todo[0]
                crashes[last] = with_tail("%s before the first case" % exit_text(rc, timed_out), tail)
            else:
                crashes.setdefault(last, with_tail("%s after the case" % exit_text(rc, timed_out), tail))
        elif last is None or (not bad and last != todo[-1] and not caught):
            n = todo[0] if last is None else todo[todo.index(last) + 1]
            crashes[n] = with_tail("firmware stopped early (%s)" % exit_text(rc, timed_out), tail)
            last = n
        todo = [n for n in todo if n > last]
    os.remove(nfile)
    return results, crashes


def fsck_kinds(body):
    """fsck.fat's complaints, each as one line without its paths and numbers: a complaint
    is the lines naming files (dropped) or a message, then its indented lines."""
    kinds, head, msgs = set(), [], []

    def flush():
        text = " ".join([h for h in head if not h.startswith("/")] + msgs)
        if text:
            kinds.add(re.sub(r"# unused clusters?", "# unused cluster(s)", re.sub(r"\d+", "#", text)))

    for x in body:
        if x.startswith((" ", "\t")):
            msgs.append(x.strip())
            continue
        if msgs or any(not h.startswith("/") for h in head) or not x.startswith("/"):
            flush()
            head, msgs = [], []
        head.append(x.strip())
    flush()
    return sorted(kinds)


def fsck(image):
    """('clean' | 'fixable' | 'errors', [complaint kinds]) of `fsck.fat -n image`."""
    p = subprocess.run(["fsck.fat", "-n", image], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=FSCK_ENV)
    lines = p.stdout.decode(errors="replace").splitlines()
    summary = [x for x in lines if re.match(r"\S+: \d+ files, \d+/\d+ clusters$", x)]
    body = [
        x
        for x in lines
        if x.strip() and not x.startswith("fsck.fat ") and x not in summary and x != "Leaving filesystem unchanged."
    ]
    kinds = fsck_kinds(body)
    if p.returncode not in (0, 1) or not summary:
        return "errors", kinds + ["exit %d%s" % (p.returncode, "" if summary else ", no summary line")]
    if p.returncode == 0 and not body:
        return "clean", []
    return "fixable", kinds


def count_all(fw, fses, jobs):
    """Count the writes of each filesystem's workload (in parallel)."""
    with ThreadPoolExecutor(jobs) as ex:
        counts = dict(zip(fses, ex.map(lambda fs: count_writes(fw, fs), fses)))
    return counts


def main():
    global CASE_TIMEOUT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fw", default=os.path.join(TOP, "build/unix/micropython"), help="firmware to torture")
    ap.add_argument("--quick", action="store_true", help="one cut point in %d, lfs2/lfs1/fat only" % QUICK_EVERY)
    ap.add_argument("--every", type=int, help="cut at every K-th write (1, K+1, ...; and always the last)")
    ap.add_argument("--fs", help="comma-separated subset of " + ",".join(FULL_FS))
    ap.add_argument("--modes", default=",".join(MODES), help="clean,torn")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--case-timeout", type=int, default=CASE_TIMEOUT, help="seconds without output that make a hang")
    ap.add_argument("--keep-images", action="store_true", help="keep the FAT images (in a temporary directory)")
    args = ap.parse_args()
    CASE_TIMEOUT = args.case_timeout
    t0 = time.time()
    fw = os.path.abspath(args.fw)
    if not os.access(fw, os.X_OK):
        print("error: no firmware at %s" % fw, file=sys.stderr)
        return 2
    fses = args.fs.split(",") if args.fs else (QUICK_FS if args.quick else FULL_FS)
    modes = args.modes.split(",")
    if any(f not in FULL_FS for f in fses) or any(m not in MODES for m in modes):
        print("error: --fs from %s, --modes from %s" % (FULL_FS, MODES), file=sys.stderr)
        return 2
    if "fat" in fses and not shutil.which("fsck.fat"):
        print("error: fsck.fat not found (dosfstools: tools/install-deps.sh)", file=sys.stderr)
        return 2
    every = args.every or (QUICK_EVERY if args.quick else 1)
    imgdir = tempfile.mkdtemp(prefix="torture-")
    counts = count_all(fw, fses, args.jobs)

    # the work: (fs, mode, chunk of cut points)
    units = []
    for fs in fses:
        w = counts[fs][0]
        if w is None:
            continue
        ns = list(range(1, w + 1, every))
        if ns[-1] != w:
            ns.append(w)
        for mode in modes:
            for i in range(0, len(ns), CHUNK):
                units.append((fs, mode, ns[i : i + CHUNK]))

    def work(unit):
        fs, mode, ns = unit
        results, crashes = run_range(fw, fs, mode, ns, imgdir)
        for r in results.values():
            if "image" in r:
                r["fsck"] = fsck(r["image"])
                if not args.keep_images:
                    os.remove(r["image"])
        return unit, results, crashes

    with ThreadPoolExecutor(args.jobs) as ex:
        outcomes = list(ex.map(work, units))
    if not args.keep_images:
        shutil.rmtree(imgdir, ignore_errors=True)

    print("torture: %s%s" % (os.path.relpath(fw, TOP) if fw.startswith(TOP + "/") else fw,
                              ", one cut point in %d" % every if every > 1 else ""))
    failed, details = False, []
    for fs in fses:
        w, _, problems, crash = counts[fs]
        if crash:
            details.append("  %s, run with no cut: CRASH %s" % (fs, crash))
        for p in problems:
            details.append("  %s, run with no cut: the tree differs from the model: %s" % (fs, p))
        failed = failed or bool(crash) or (bool(problems) and fs != "fat")
        if w is None:
            print("torture %s: no write count (the run with no cut crashed)" % fs)
            continue
        for mode in modes:
            results, crashes = {}, {}
            for (f, m, _), res, cr in outcomes:
                if (f, m) == (fs, mode):
                    results.update(res)
                    crashes.update(cr)
            report = report_fat if fs == "fat" else report_lfs
            failed = report(fs, mode, results, crashes, details) or failed
    if details:
        print("details:")
        for d in details:
            print(d)
    print("torture: %.1f s, %s" % (time.time() - t0, "FAILED" if failed else "ok"))
    return 1 if failed else 0


def common(fs, mode, results, crashes, details):
    """Counts and details every filesystem has: cuts, mounts, crashes, oddities."""
    cuts = len(set(results) | set(crashes))
    mounted = sum(r["mounted"] for r in results.values())
    for n, text in sorted(crashes.items()):
        details.append("  %s %s N=%d: CRASH %s" % (fs, mode, n, text))
    extra = ""
    unreached = sorted(n for n, r in results.items() if r.get("unreached"))
    if unreached:
        extra += ", %d cuts not reached (the write count is not deterministic: N=%s)" % (len(unreached), unreached[:10])
    odd = sorted(n for n, r in results.items() if r.get("odd_error"))
    for n in odd:
        r = results[n]
        details.append("  %s %s N=%d, step %s: the workload raised %s at the cut"
                       % (fs, mode, n, r["step"], r["odd_error"]))
    if odd:
        extra += ", %d workloads raised other than OSError(EIO) at the cut" % len(odd)
    return cuts, mounted, extra, bool(unreached)


def report_lfs(fs, mode, results, crashes, details):
    """Print the line of a littlefs run; True if it failed."""
    cuts, mounted, extra, unreached = common(fs, mode, results, crashes, details)
    viol = sorted(n for n, r in results.items() if r.get("violation"))
    for n in viol:
        r = results[n]
        details.append("  %s %s N=%d, step %s: VIOLATION %s" % (fs, mode, n, r["step"], r["violation"]))
    print("torture %s %s: %d cuts, %d mounted, %d violations, %d crashes%s"
          % (fs, mode, cuts, mounted, len(viol), len(crashes), extra))
    return bool(viol or crashes or unreached)


def report_fat(fs, mode, results, crashes, details):
    """Print the line of a FAT run (what was read back, fsck.fat's verdicts, a tally of
    its complaints in the details); True if it failed (crashes only)."""
    cuts, mounted, extra, _ = common(fs, mode, results, crashes, details)
    states = {"old": 0, "new": 0, "other": 0}
    fsck_n = {"clean": 0, "fixable": 0, "errors": 0}
    kinds = {}
    walk_err = post_err = 0
    for n, r in sorted(results.items()):
        where = "  fat %s N=%d, step %s:" % (mode, n, r["step"])
        if "state" in r:
            states[r["state"]] += 1
        if "fsck" in r:
            cls, ks = r["fsck"]
            fsck_n[cls] += 1
            for k in ks:
                kinds.setdefault((cls, k), []).append(n)
        if not r["mounted"]:
            details.append("%s not mounted: %s" % (where, r.get("mount_error")))
        if r.get("walk_error"):
            walk_err += 1
            details.append("%s walk/read raised %s" % (where, r["walk_error"]))
        if r.get("post", "ok") != "ok":
            post_err += 1
            details.append("%s a write after the cut raised %s" % (where, r["post"]))
    for (cls, k), ns in sorted(kinds.items(), key=lambda x: (x[0][0], -len(x[1]), x[0][1])):
        shown = ",".join(map(str, ns[:8])) + (",..." if len(ns) > 8 else "")
        details.append("  fat %s fsck.fat %s in %d images (N=%s): %s" % (mode, cls, len(ns), shown, k))
    print("torture fat %s: %d cuts, %d mounted, %d crashes; read back: %d old or new tree, %d other, "
          "%d walk errors, %d failed writes after the cut; fsck.fat -n: %d clean, %d fixable, %d errors%s"
          % (mode, cuts, mounted, len(crashes), states["old"] + states["new"], states["other"], walk_err,
             post_err, fsck_n["clean"], fsck_n["fixable"], fsck_n["errors"], extra))
    return bool(crashes)


if __name__ == "__main__":
    sys.exit(main())
