#!/usr/bin/env python3
"""Reliability harness (issue #9): every area in one run, one summary line per area.

  power loss     tools/torture/run.py: a cut at every write of a workload, littlefs 1/2 at
                 4096/512-byte blocks and FAT, clean and torn cuts; each survivor checked
  corrupt images tools/fuzz/run.py: thousands of seeds of FAT and littlefs corruption,
                 ours and stock side by side
  bad input      tests/os/badinput_gen_diff.py (generated) and tests/os/vfs_badinput_diff.py,
                 each call's outcome against stock's
  threads        tools/threads/threads_fs.py, repeated: workers and listers on shared and
                 separate mounts, every file and listing checked afterwards; with --gil,
                 also on a build with a GIL, with tools/threads/gil_wait.py and gil_posix.py
  low memory     tools/lowmem/run.py: the workloads under small heaps, images checked after
  sanitizers     tools/sanitize/run.sh (ASan+UBSan build, valgrind), with --sanitize
  cargo-fuzz     tools/fuzz/cargo_fuzz.sh, with --cargo-fuzz

Each area's own output goes to build/reliability/<area>.log; the summary lines are
printed at the end, and the exit status is 1 if any area failed (a crash, a hang, an
invariant violation, a difference from stock where none is allowed, a sanitizer
report).  The figures that are not zero by nature (FAT power-cut survivors fsck.fat
calls fixable, corrupt FAT cases that read differently from stock) are reported, not
failed: the issue's note says what they are.

  tools/reliability.py --ours FW --stock FW [--quick] [--sanitize] [--cargo-fuzz]
                       [--thread-runs N] [--seeds N] [--gil FW]
"""
import argparse
import os
import re
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, log, timeout):
    t0 = time.time()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, cwd=TOP)
        out, rc = p.stdout.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace") + "\n(timed out)", None
    with open(log, "w") as f:
        f.write(out)
    return rc, out, time.time() - t0


def lines_matching(out, pattern):
    return [ln for ln in out.splitlines() if re.match(pattern, ln)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", default=os.path.join(TOP, "build/unix/micropython"))
    ap.add_argument("--stock", default=os.path.join(TOP, "build/unix-stock/micropython"))
    ap.add_argument("--quick", action="store_true", help="fewer cuts, seeds and runs (seconds)")
    ap.add_argument("--sanitize", action="store_true")
    ap.add_argument("--cargo-fuzz", action="store_true")
    ap.add_argument("--thread-runs", type=int, default=20)
    ap.add_argument("--gil", help="our firmware built with MICROPY_PY_THREAD_GIL=1")
    ap.add_argument("--seeds", type=int, default=1000)
    a = ap.parse_args()
    logs = os.path.join(TOP, "build", "reliability")
    os.makedirs(logs, exist_ok=True)
    summary = []
    failed = []

    def area(name, ok, line):
        summary.append("%-15s %s%s" % (name + ":", line, "" if ok else "  FAILED"))
        if not ok:
            failed.append(name)

    # power loss
    cmd = [sys.executable, "tools/torture/run.py", "--fw", a.ours] + (["--quick"] if a.quick else [])
    rc, out, dt = run(cmd, os.path.join(logs, "torture.log"), 1800)
    cuts = viol = crashes = 0
    fat = []
    for ln in lines_matching(out, r"torture \S+ \S+: \d+ cuts"):
        m = re.search(r": (\d+) cuts", ln)
        cuts += int(m.group(1))
        m = re.search(r"(\d+) violations", ln)
        viol += int(m.group(1)) if m else 0
        m = re.search(r"(\d+) crashes", ln)
        crashes += int(m.group(1)) if m else 0
        m = re.search(r"fsck.fat -n: (\d+) clean, (\d+) fixable, (\d+) errors", ln)
        if m:
            fat.append(m.groups())
    fat_s = ", FAT fsck.fat clean/fixable/errors %s" % " ".join("/".join(g) for g in fat) if fat else ""
    area("power loss", rc == 0 and cuts > 0,
         "%d cuts, %d littlefs invariant violations, %d crashes%s (%.0f s)" % (cuts, viol, crashes, fat_s, dt))

    # corrupt images
    seeds = 200 if a.quick else a.seeds
    cmd = [sys.executable, "tools/fuzz/run.py", "--ours", a.ours, "--stock", a.stock, "--seeds", str(seeds)]
    rc, out, dt = run(cmd, os.path.join(logs, "corrupt.log"), 1800)
    last = (lines_matching(out, r"corrupt images:") or ["corrupt images: no summary"])[-1]
    area("corrupt images", rc == 0, "%s (%.0f s)" % (last.split(": ", 1)[1], dt))

    # bad input: both firmwares, line by line
    n = d = 0
    bad = []
    t0 = time.time()
    for script in ("tests/os/badinput_gen_diff.py", "tests/os/vfs_badinput_diff.py"):
        outs = []
        for fw in (a.ours, a.stock):
            rc, out, _ = run([fw, script], os.path.join(logs, "badinput-%s.log" % os.path.basename(os.path.dirname(fw))), 600)
            outs.append((rc, out.splitlines()))
        (rc_o, o), (rc_s, s) = outs
        n += len(s)
        d += sum(1 for x, y in zip(o, s) if x != y) + abs(len(o) - len(s))
        if rc_o != 0:
            bad.append("%s exit %s" % (script, rc_o))
    area("bad input", d == 0 and not bad,
         "%d calls, %d differ from stock%s (%.0f s)" % (n, d, "; " + ", ".join(bad) if bad else "", time.time() - t0))

    # threads
    with open(os.path.join(TOP, "tools/threads/threads_fs.py.exp")) as f:
        want = f.read()

    def script_runs(fw, scripts, runs, name):
        """Each of `scripts` (path, expected output, time limit) `runs` times on `fw`; the
        failed runs' output goes to build/reliability/NAME.log.  The number that failed."""
        fails = 0
        with open(os.path.join(logs, name + ".log"), "w") as log:
            for i in range(runs):
                for script, exp, limit in scripts:
                    rc, out, _ = run([fw, script], os.path.join(logs, name + "-last.log"), limit)
                    if rc != 0 or out != exp:
                        fails += 1
                        log.write("run %d of %s (exit %s):\n%s\n" % (i, script, rc, out))
        return fails

    runs = 3 if a.quick else a.thread_runs
    t0 = time.time()
    fails = script_runs(a.ours, [("tools/threads/threads_fs.py", want, 300)], runs, "threads")
    area("threads", fails == 0, "%d runs of 13 workers and 3 listers on 7 mounts, %d failed (%.0f s)"
         % (runs, fails, time.time() - t0))
    if a.gil:
        # With a GIL: a thread must not wait for a filesystem's lock, or block in a host
        # call, while it holds the GIL another thread needs (gil_wait.py and gil_posix.py
        # hang then, and the timeout fails them).
        runs = 2 if a.quick else max(1, a.thread_runs // 4)
        t0 = time.time()
        fails = script_runs(a.gil, [("tools/threads/threads_fs.py", want, 300),
                                    ("tools/threads/gil_wait.py", "lfs2 done True\nfat done True\n", 60),
                                    ("tools/threads/gil_posix.py",
                                     "fifo b'through the fifo'\nlisted ['fifo'] True\n", 60)], runs, "threads-gil")
        area("threads (GIL)", fails == 0, "%d runs of threads_fs.py, gil_wait.py, gil_posix.py on the GIL build, %d failed (%.0f s)"
             % (runs, fails, time.time() - t0))

    # low memory
    cmd = [sys.executable, "tools/lowmem/run.py", "--ours", a.ours, "--stock", a.stock]
    rc, out, dt = run(cmd, os.path.join(logs, "lowmem.log"), 1800)
    rows = len(lines_matching(out, r"\| \d+k \|"))
    probs = (lines_matching(out, r"\d+ problems") or ["? problems"])[-1]
    area("low memory", rc == 0, "%d heap sizes x 2 modes x 2 filesystems x 2 firmwares, %s (%.0f s)"
         % (rows // 2, probs, dt))

    if a.sanitize:
        rc, out, dt = run(["bash", "tools/sanitize/run.sh"], os.path.join(logs, "sanitize.log"), 3600)
        lines = lines_matching(out, r"(sanitizers|valgrind):")
        for ln in lines or ["sanitizers: no summary"]:
            name, rest = ln.split(":", 1)
            area(name, rc == 0, rest.strip())
    if a.cargo_fuzz:
        rc, out, dt = run(["bash", "tools/fuzz/cargo_fuzz.sh"], os.path.join(logs, "cargo-fuzz.log"), 3600)
        last = (lines_matching(out, r"cargo-fuzz:") or ["cargo-fuzz: no summary"])[-1]
        area("cargo-fuzz", rc == 0, last.split(":", 1)[1].strip())

    print("reliability (logs in build/reliability):")
    for ln in summary:
        print("  " + ln)
    if failed:
        print("reliability: FAILED: " + ", ".join(failed))
        return 1
    print("reliability: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
