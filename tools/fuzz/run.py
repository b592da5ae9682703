#!/usr/bin/env python3
"""Corrupt images at scale (issue #9): many seeds of the deterministic corruption scripts,
on our firmware and on stock side by side.

Generators: tools/fuzz/fat_corrupt.py (FAT12 and FAT16, one corruption per case or a mix of
two to five) and tests/os/lfs_corrupt_diff.py (VfsLfs2, VfsLfs1).  The seeds run in chunks,
each chunk in a fresh process with a time limit.  For ours, a case must end in success or
an OSError/ValueError: a chunk that exits non-zero or by a signal (a crash, a Rust panic
reported as RuntimeError, any other exception), that runs past its time limit (a hang), or
that prints fewer cases than asked is a failure, and so is a FAT case whose walk caught an
exception other than OSError.  Stock runs the same chunks; the cases whose line differs
from stock's are counted (not a failure: stock is not always the better one, see the FAT
notes in issue 9), and `--show-diff N` prints the first N of them.

Prints one line per generator and a summary line:
  corrupt images: C cases, 0 crashes, 0 hangs, 0 other exceptions; D differ from stock
and exits 1 if ours crashed, hung or raised anything but OSError/ValueError.  The failing
chunks' commands are printed so that a case can be rerun and made a regression test.

  tools/fuzz/run.py --ours FW --stock FW [--seeds N] [--chunk N] [--timeout S]
"""
import argparse
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAT = os.path.join(TOP, "tools", "fuzz", "fat_corrupt.py")
LFS = os.path.join(TOP, "tests", "os", "lfs_corrupt_diff.py")


def generators(seeds):
    # (label, script, leading args, count); the FAT mixes are slower per case
    return [
        ("fat12", FAT, ["fat12"], [], seeds),
        ("fat16", FAT, ["fat16"], [], seeds),
        ("fat12 mix", FAT, ["fat12"], ["mix"], seeds // 2),
        ("fat16 mix", FAT, ["fat16"], ["mix"], seeds // 2),
        ("lfs2", LFS, ["VfsLfs2"], [], seeds),
        ("lfs1", LFS, ["VfsLfs1"], [], seeds),
    ]


def run_chunk(fw, script, lead, first, count, tail, timeout):
    args = [fw, script] + lead + [str(first), str(count)] + tail
    try:
        p = subprocess.run(args, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace"), args
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return None, out, "", args


def case_lines(out, fat):
    # the per-case lines, keyed by seed: FAT "fat12 7 flips: ...", LFS "seed 7 ok"
    lines = {}
    for ln in out.splitlines():
        parts = ln.split()
        if fat and len(parts) > 2 and parts[0] in ("fat12", "fat16") and parts[1].isdigit():
            lines[int(parts[1])] = ln
        elif not fat and len(parts) > 1 and parts[0] == "seed" and parts[1].isdigit():
            lines[int(parts[1])] = ln
    return lines


def other_exceptions(line):
    # a FAT walk result "n/errs/crc,Kind,..." names what it caught that was not an OSError
    bad = []
    for word in line.split():
        head = word.split(",")
        if len(head) > 1 and head[0].count("/") == 2:
            bad += [k for k in head[1:] if k not in ("ValueError", "UnicodeError")]  # allowed
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--stock")
    ap.add_argument("--seeds", type=int, default=1000, help="seeds per generator (mixes: half)")
    ap.add_argument("--chunk", type=int, default=250)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--show-diff", type=int, default=0)
    a = ap.parse_args()

    totals = {"cases": 0, "crashes": 0, "hangs": 0, "other": 0, "differ": 0, "short": 0}
    failures = []
    shown = 0
    for label, script, lead, tail, count in generators(a.seeds):
        fat = script == FAT
        g = {"cases": 0, "crashes": 0, "hangs": 0, "other": 0, "differ": 0, "short": 0}
        for first in range(0, count, a.chunk):
            n = min(a.chunk, count - first)
            rc, out, err, args = run_chunk(a.ours, script, lead, first, n, tail, a.timeout)
            ours = case_lines(out, fat)
            g["cases"] += len(ours)
            if rc is None:
                g["hangs"] += 1
                failures.append("hang (> %ds): %s" % (a.timeout, " ".join(args)))
            elif rc != 0:
                g["crashes"] += 1
                last = (err.strip().splitlines() or ["exit %d" % rc])[-1]
                failures.append("exit %s (%s): %s" % (rc, last, " ".join(args)))
            elif len(ours) != n:
                g["short"] += 1
                failures.append("%d of %d cases printed: %s" % (len(ours), n, " ".join(args)))
            for seed, ln in sorted(ours.items()):
                kinds = other_exceptions(ln) if fat else []
                if kinds:
                    g["other"] += 1
                    failures.append("seed %d raised %s: %s" % (seed, ",".join(kinds), " ".join(args)))
            if a.stock:
                _, sout, _, _ = run_chunk(a.stock, script, lead, first, n, tail, a.timeout)
                stock = case_lines(sout, fat)
                for seed, ln in sorted(ours.items()):
                    if stock.get(seed) != ln:
                        g["differ"] += 1
                        if shown < a.show_diff:
                            shown += 1
                            print("  differs, ours : %s\n           stock: %s" % (ln, stock.get(seed)))
        for k in totals:
            totals[k] += g[k]
        print(
            "  %-9s %5d cases, %d crashes, %d hangs, %d other exceptions%s"
            % (label, g["cases"], g["crashes"], g["hangs"], g["other"],
               "; %d differ from stock" % g["differ"] if a.stock else "")
        )
    for f in failures[:20]:
        print("FAIL", f)
    if len(failures) > 20:
        print("FAIL ... %d more" % (len(failures) - 20))
    bad = totals["crashes"] + totals["hangs"] + totals["other"] + totals["short"]
    print(
        "corrupt images: %d cases, %d crashes, %d hangs, %d other exceptions%s"
        % (totals["cases"], totals["crashes"], totals["hangs"], totals["other"] + totals["short"],
           "; %d differ from stock" % totals["differ"] if a.stock else "")
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
