#!/usr/bin/env python3
"""`make bench`: our unix firmware against stock, side by side, in one run.

usage: run.py [--ours BIN] [--stock BIN] [--layouts PADS] [--qstr-shifts KS] [--reps N]
              [--heapsize SIZE] [--timeout S] [--only REGEX] [--out DIR] [--strict]
              [--callgrind-ours BIN --callgrind-stock BIN]
       run.py --trace WORKLOAD   (the device calls of one workload on both, as a diff)

Runs tools/bench/workload.py (one MicroPython script, the same for both firmwares) once per
workload, firmware, variant and repetition, each in a fresh process, and reports per
firmware the mean over the variants of the median of the repetitions: time (us), the RAM
block device's traffic (calls and bytes), heap kept by a mounted filesystem or an open
file, and the QEMU firmwares' section sizes.  Writes OUT/results.md, OUT/results.json,
OUT/variants.json and OUT/ratios.png (matplotlib if importable, else a small built-in PNG
writer).

Variants: a firmware's speed depends on two draws that have nothing to do with the code under
test, and the two firmwares draw them differently.  Each variant fixes both, and both
firmwares run every variant:
- the code layout (--layouts 0,16,32,48): BIN itself, or BIN-padN, the same objects relinked
  with N bytes in front of .text (`make bench-layouts`); bytecode dispatch runs up to 10%
  faster or slower depending on where the interpreter sits in a 64-byte line;
- the qstr numbering (--qstr-shifts 0,8,...): the workload runs under shift.py, which interns
  K names first; which of the script's names share a slot of the map lookup cache decides up
  to 25% of a workload's time.
Variant i has the i-th pad and the i-th shift, each list cycled to the longer one's length.
The table gives each time row's lowest and highest ratio over the variants too ("per
variant"): the control row's says how far the draws alone move a ratio.

Instructions: with --callgrind-ours/--callgrind-stock (the same firmwares unstripped, `make
bench-layouts` links them as BIN-sym), each workload also runs once per firmware under
valgrind's callgrind, which counts the instructions executed in the measured windows: it
dumps its counts whenever mp_hal_ticks_us is entered, and only Bench.start and Bench.stop
call that, so every second dump is one window.  A "[instructions]" row gives the mean per
operation.  The count depends on neither layout nor the machine's load, where time does.

First calls: an operation of microseconds (mkfs, mount, umount, open) is called 1 + 20 times
by the workload, each call in a window of its own.  The first call is reported apart, as a
"[first call]" row (and "[first call, instructions]"); the operation's own rows are the mean
of the other 20.  A first call runs code not yet in any cache: on this machine it took up to
ten times as long as a later call with the same instructions, so averaged in, it decided
those rows by what else the process had run before (the unix port mounts MicroPython's C
VfsPosix at "/" at start: the code stock's VfsPosix workloads then run, not ours).

A run that fails (crash, hang past --timeout, wrong result) is a result: its rows say FAILED
and the report lists why; exit status 0 unless --strict."""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.join(TOP, "tools", "bench")
B = os.path.join(TOP, "build")

# The device counters workload.py prints, plus the derived "bytes moved" (read + write bytes).
COUNTERS = ("bytes moved", "read calls", "read bytes", "write calls", "write bytes", "erase calls", "ioctl calls")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ours", default=os.path.join(B, "unix", "micropython"))
    p.add_argument("--stock", default=os.path.join(B, "unix-stock", "micropython"))
    p.add_argument("--reps", type=int, default=5, help="repetitions per workload, firmware and layout")
    p.add_argument(
        "--layouts", default="0", help="comma-separated pads: 0 is BIN itself, N is BIN-padN (make bench-layouts)"
    )
    p.add_argument("--qstr-shifts", default="0", help="comma-separated counts of names interned first (shift.py)")
    p.add_argument("--heapsize", default="16M", help="passed as -X heapsize= to both firmwares")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per run; a run past it is a failure")
    p.add_argument("--only", default=None, help="regex: run only the workloads it matches")
    p.add_argument("--out", default=os.path.join(B, "bench"))
    p.add_argument("--strict", action="store_true", help="exit 1 when any run failed")
    p.add_argument("--trace", metavar="WORKLOAD", help="diff the device calls of one workload, stock -> ours")
    p.add_argument("--mpy-cross", default=os.path.join(B, "mpy-cross", "mpy-cross"))
    p.add_argument("--callgrind-ours", help="our firmware unstripped: count instructions under callgrind")
    p.add_argument("--callgrind-stock", help="stock's firmware unstripped, likewise")
    p.add_argument("--qemu-ours", default=os.path.join(B, "qemu-mps2", "firmware.elf"))
    p.add_argument("--qemu-stock", default=os.path.join(B, "qemu-mps2-stock", "firmware.elf"))
    a = p.parse_args()
    if a.reps < 1:
        p.error("--reps must be at least 1")
    try:
        a.layouts = [int(x) for x in a.layouts.split(",")]
        a.qstr_shifts = [int(x) for x in a.qstr_shifts.split(",")]
    except ValueError:
        p.error("--layouts, --qstr-shifts: comma-separated numbers, such as 0,16,32,48")
    n = max(len(a.layouts), len(a.qstr_shifts))
    a.variants = [(a.layouts[i % len(a.layouts)], a.qstr_shifts[i % len(a.qstr_shifts)]) for i in range(n)]
    return a


def variant_name(v):
    return "+%d B, +%d qstrs" % v


def layout_path(src, pad):
    return src if pad == 0 else "%s-pad%d" % (src, pad)


def snapshot(src, dst, wait=120):
    """Copy a firmware binary aside, so a rebuild during the run cannot swap it mid-way.
    A binary that is briefly missing (being relinked) is waited for."""
    t_end = time.time() + wait
    while not os.path.isfile(src):
        if time.time() > t_end:
            sys.exit("error: %s not found (run make firmware stock)" % src)
        time.sleep(2)
    time.sleep(0.5)  # let a linker that just finished writing close the file
    shutil.copy2(src, dst)
    with open(dst, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def run_one(binary, args, name, assets, timeout, trace=None, shift=0):
    """One workload in a fresh process: ({key: int}, None) or (None, reason).  With a list
    as `trace`, the device calls the workload lists are appended to it."""
    tmp = tempfile.mkdtemp(prefix="rustos-bench-")
    try:
        p = subprocess.run(
            [binary, "-X", "heapsize=" + args.heapsize, os.path.join(HERE, "shift.py"), str(shift),
             os.path.join(HERE, "workload.py"), name, assets, tmp]
            + (["trace"] if trace is not None else []),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None, "timeout after %gs" % timeout
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    lines = p.stdout.splitlines()
    if p.returncode != 0 or not lines or lines[-1] != "ok":
        err = (p.stderr.strip().splitlines() or ["no output"])[-1]
        return None, "exit %d: %s" % (p.returncode, err)
    out = {}
    for line in lines[:-1]:
        if line.startswith("trace "):
            trace.append(line[6:])
            continue
        key, _, value = line.rpartition(" ")
        out[key] = float(value) if "." in value else int(value)
    if "read bytes" in out:
        out["bytes moved"] = out["read bytes"] + out["write bytes"]
    return out, None


def instructions(binary, args, name, assets):
    """({"time": instructions per measured window[, "first": of the first call]}, None) or
    (None, reason): one run of the workload under callgrind, which dumps its counts on
    entering mp_hal_ticks_us (module docstring).  A workload that reports a `first` call
    measured it in the first window."""
    cg = tempfile.mkdtemp(prefix="rustos-bench-cg-")
    tmp = tempfile.mkdtemp(prefix="rustos-bench-")
    try:
        p = subprocess.run(
            ["valgrind", "--tool=callgrind", "--dump-before=mp_hal_ticks_us",
             "--callgrind-out-file=" + os.path.join(cg, "cg.out"),
             binary, "-X", "heapsize=" + args.heapsize, os.path.join(HERE, "workload.py"), name, assets, tmp],
            capture_output=True, text=True, errors="replace", timeout=args.timeout * 100)
        lines = p.stdout.splitlines()
        if p.returncode != 0 or not lines or lines[-1] != "ok":
            return None, "callgrind run: exit %d" % p.returncode
        dumps = sorted(int(f.rsplit(".", 1)[1]) for f in os.listdir(cg) if re.match(r"cg\.out\.\d+$", f))
        if not dumps or len(dumps) % 2 or dumps != list(range(1, len(dumps) + 1)):
            return None, "callgrind run: %d dumps, not pairs of ticks_us calls" % len(dumps)
        windows = []
        for k in dumps[1::2]:
            with open(os.path.join(cg, "cg.out.%d" % k)) as f:
                m = re.search(r"^summary: (\d+)", f.read(), re.M)
            if not m:
                return None, "callgrind dump %d has no summary" % k
            windows.append(int(m.group(1)))
        if any(line.startswith("first ") for line in lines):
            if len(windows) < 2:
                return None, "callgrind run: a first call but no later window"
            return {"time": statistics.fmean(windows[1:]), "first": windows[0]}, None
        return {"time": statistics.fmean(windows)}, None
    except subprocess.TimeoutExpired:
        return None, "callgrind run: timeout"
    finally:
        shutil.rmtree(cg, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


def heap_label(name):
    return "bytes per mounted fs" if name.endswith(" mount") else "bytes per open file"


def sizes(args, notes):
    """(section, ours, stock) from tools/size_report.py's logic on the existing QEMU ELFs
    (nothing is rebuilt), else from build/size.md as `make size` last wrote it."""
    table = None
    if os.path.isfile(args.qemu_ours) and os.path.isfile(args.qemu_stock):
        p = subprocess.run(
            [sys.executable, os.path.join(TOP, "tools", "size_report.py"), args.qemu_ours, args.qemu_stock],
            capture_output=True,
            text=True,
        )
        if p.returncode == 0:
            table = p.stdout
            when = max(os.path.getmtime(args.qemu_ours), os.path.getmtime(args.qemu_stock))
            notes.append(
                "Size rows: `tools/size_report.py` on the existing QEMU ELFs (MPS2_AN385, Cortex-M3), "
                "built %s; not rebuilt by `make bench`." % datetime.datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M")
            )
        else:
            notes.append("Size rows: tools/size_report.py failed: %s" % (p.stderr.strip().splitlines() or ["?"])[-1])
    md = os.path.join(B, "size.md")
    if table is None and os.path.isfile(md):
        table = open(md).read()
        notes.append("Size rows: from build/size.md (the QEMU ELFs were not usable).")
    found = {}
    for m in re.finditer(r"^\| (\.text|\.data|\.bss) \| (\d+) \| (\d+) \|", table or "", re.M):
        found[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    if not found:
        notes.append("Size rows: no QEMU ELFs and no build/size.md; run `make size`.")
    return [(s,) + found.get(s, (None, None)) for s in (".text", ".data", ".bss")]


def ratio(ours, stock):
    if ours is None or stock is None:
        return None
    if stock == 0:
        return 1.0 if ours == 0 else None
    return ours / stock


def fmt_num(v, fail=None):
    if v is None:
        return fail or "n/a"
    return str(int(v)) if float(v).is_integer() else "%.1f" % v


def fmt_ratio(r, ours, stock):
    if r is not None:
        return "%.3f" % r
    if ours is not None and stock == 0:
        return "inf"
    return "n/a"


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    started = time.time()
    notes = []

    # The binaries, copied aside; the module to import, as .py and (with mpy-cross) .mpy.
    bindir = os.path.join(args.out, "bin")
    assets = os.path.join(args.out, "assets")
    os.makedirs(bindir, exist_ok=True)
    os.makedirs(assets, exist_ok=True)
    fw = {}  # label -> {pad: binary}
    hashes = {}
    for label, src in (("ours", args.ours), ("stock", args.stock)):
        fw[label] = {}
        for pad in args.layouts:
            fw[label][pad] = os.path.join(bindir, "micropython-%s-pad%d" % (label, pad))
            hashes[(label, pad)] = snapshot(layout_path(src, pad), fw[label][pad])
    shutil.copy(os.path.join(HERE, "bench_module.py"), assets)
    mpy = os.path.join(assets, "bench_module.mpy")
    if os.path.exists(mpy):
        os.remove(mpy)
    have_mpy = False
    if os.access(args.mpy_cross, os.X_OK):
        p = subprocess.run([args.mpy_cross, "-o", mpy, os.path.join(assets, "bench_module.py")], capture_output=True, text=True)
        have_mpy = p.returncode == 0
        if not have_mpy:
            notes.append("mpy-cross failed (%s): the `import .mpy` workloads were not run." % p.stderr.strip())
    else:
        notes.append("No mpy-cross at %s: the `import .mpy` workloads were not run." % args.mpy_cross)

    if args.trace:
        return trace(args, {label: fw[label][args.layouts[0]] for label in fw}, assets)

    p = subprocess.run([fw["stock"][args.layouts[0]], os.path.join(HERE, "workload.py"), "list"], capture_output=True, text=True, check=True)
    names = [n for n in p.stdout.splitlines() if n]
    if not have_mpy:
        names = [n for n in names if not n.endswith("import .mpy")]
    if args.only:
        names = [n for n in names if re.search(args.only, n)]

    # Repetitions outermost and the firmware order alternating, so that load on the machine
    # spreads over both firmwares, every variant and every workload alike.  A workload that
    # fails on a firmware is not run there again (a hang would cost the timeout each time).
    variants = range(len(args.variants))
    samples = {(n, l, v): [] for n in names for l in fw for v in variants}
    failed = {}
    for rep in range(args.reps):
        order = ("ours", "stock") if rep % 2 == 0 else ("stock", "ours")
        print("rep %d/%d" % (rep + 1, args.reps), file=sys.stderr, flush=True)
        for name in names:
            for v in variants:
                pad, shift = args.variants[v]
                for label in order:
                    if (name, label) in failed:
                        continue
                    out, err = run_one(fw[label][pad], args, name, assets, args.timeout, shift=shift)
                    if err:
                        failed[(name, label)] = "rep %d, %s: %s" % (rep + 1, variant_name(args.variants[v]), err)
                        print("  %s on %s failed: %s" % (name, label, err), file=sys.stderr, flush=True)
                    else:
                        samples[(name, label, v)].append(out)

    # Instructions: one callgrind run per workload and firmware, as many at once as CPUs.
    counts = {}
    if args.callgrind_ours and args.callgrind_stock:
        if shutil.which("valgrind") is None:
            notes.append("No valgrind: no instruction counts.")
        else:
            import concurrent.futures

            cg_bin = {}
            for label, src in (("ours", args.callgrind_ours), ("stock", args.callgrind_stock)):
                cg_bin[label] = os.path.join(bindir, "micropython-%s-sym" % label)
                hashes[(label, "sym")] = snapshot(src, cg_bin[label])
            print("instructions (callgrind)", file=sys.stderr, flush=True)
            jobs = [(n, label) for n in names for label in ("ours", "stock")]
            with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
                for (n, label), (c, err) in zip(jobs, ex.map(lambda j: instructions(cg_bin[j[1]], args, j[0], assets), jobs)):
                    if err:
                        notes.append("Instruction count of `%s` on %s: %s." % (n, label, err))
                    counts[(n, label)] = c

    # Rows: per workload, time, then each device counter non-zero on either firmware, then heap.
    rows = []
    unstable = []
    spread = {}  # time row -> its lowest and highest ratio over the variants

    def variant_medians(name, label, key):
        """{variant: median of the repetitions} over the variants that have the key."""
        return {
            v: statistics.median(vals)
            for v in variants
            for vals in [[s[key] for s in samples[(name, label, v)] if key in s]]
            if vals
        }

    def median_of(name, label, key):
        """The mean over the variants of each variant's median (one variant: the median)."""
        if key not in ("time", "first"):
            vals = [s[key] for v in variants for s in samples[(name, label, v)] if key in s]
            if len(set(vals)) > 1:
                unstable.append("%s [%s] on %s: %s" % (name, key, label, vals))
        m = variant_medians(name, label, key)
        if len(m) != len(variants):  # a variant failed: no figure rather than a partial one
            return None
        return statistics.fmean(m.values())

    for name in names:
        keys = []
        for label in fw:
            for s in (s for v in variants for s in samples[(name, label, v)]):
                for k in s:
                    if k not in keys:
                        keys.append(k)
        if not keys:  # failed everywhere: still one row, so that it shows
            keys = ["time"]

        def count(label, key):
            return (counts.get((name, label)) or {}).get(key)

        for key in ["time", "first"] + [c for c in COUNTERS] + ["heap"]:
            if key not in keys:
                continue
            o, s = median_of(name, "ours", key), median_of(name, "stock", key)
            if key in ("time", "first"):
                tag = "" if key == "time" else " [first call]"
                rows.append((name + tag, "time", o, s))
                ov, sv = variant_medians(name, "ours", key), variant_medians(name, "stock", key)
                rr = [r for r in (ratio(ov[v], sv[v]) for v in variants if v in ov and v in sv) if r is not None]
                if len(rr) > 1:
                    spread[name + tag] = "%.2f–%.2f" % (min(rr), max(rr))
                if counts:
                    tag = " [instructions]" if key == "time" else " [first call, instructions]"
                    rows.append((name + tag, "time", count("ours", key), count("stock", key)))
            elif key == "heap":
                rows.append(("%s [%s]" % (name, heap_label(name)), "heap", o, s))
            elif (o or 0) != 0 or (s or 0) != 0:
                rows.append(("%s [%s]" % (name, key), "traffic", o, s))
    for section, o, s in sizes(args, notes):
        rows.append(("QEMU MPS2_AN385 firmware %s [bytes]" % section, "size", o, s))

    result = []
    for w, m, o, s in rows:
        result.append({"workload": w, "metric": m, "ours": o, "stock": s, "ratio": ratio(o, s)})

    # Failures mark every row of their workload.
    def cell(row, label):
        base = row["workload"].split(" [")[0]
        if row[label] is None and (base, label) in failed:
            return "FAILED"
        return fmt_num(row[label])

    header = ("workload", "metric", "ours", "stock", "ours/stock", "per variant")
    table = [header] + [
        (r["workload"], r["metric"], cell(r, "ours"), cell(r, "stock"), fmt_ratio(r["ratio"], r["ours"], r["stock"]),
         spread.get(r["workload"], ""))
        for r in result
    ]
    widths = [max(len(t[i]) for t in table) for i in range(len(header))]
    for i, t in enumerate(table):
        print("  ".join(c.ljust(widths[k]) if k < 2 else c.rjust(widths[k]) for k, c in enumerate(t)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))

    for (name, label), why in sorted(failed.items()):
        notes.insert(0, "**FAILED**: `%s` on %s firmware (%s); not repeated after the failure." % (name, label, why))
    for u in unstable:
        notes.append("Not deterministic across repetitions (median shown): %s" % u)
    try:
        load = "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = "load average unknown"
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    md = [
        "# `make bench`: our firmware against stock",
        "",
        "Run %s on %s (%d CPUs, %s at the end), %d repetitions per workload, firmware and variant "
        "(%d variant%s), each a fresh process with `-X heapsize=%s`; %s; %.0f s in all." % (
            stamp, platform.node() or "this machine", os.cpu_count() or 0, load, args.reps,
            len(variants), "" if len(variants) == 1 else "s", args.heapsize,
            "medians shown" if len(variants) == 1 else "shown: the mean over the variants of each variant's median",
            time.time() - started,
        ),
        "",
    ]
    if len(variants) > 1:
        md += [
            "Variants (code layout, qstr numbering): %s. Each firmware runs in every one; see "
            "`tools/bench/run.py` and `tools/bench/shift.py` for why." % ", ".join(
                "(%s)" % variant_name(v) for v in args.variants),
            "",
        ]
    for label, src in (("ours", args.ours), ("stock", args.stock)):
        md.append("- %s: %s" % (label, ", ".join(
            "`%s` (sha256 %s)" % (os.path.relpath(layout_path(src, pad), TOP), hashes[(label, pad)]) for pad in args.layouts)))
    if counts:
        md += [
            "",
            "Instruction counts: one run per workload and firmware under valgrind's callgrind, of the "
            "unstripped builds of the same objects (%s); the mean per operation of the measured "
            "windows (see `tools/bench/run.py`). They do not depend on the layout or the machine's load; "
            "each also counts the few hundred instructions from `ticks_us` to `ticks_us` around the operation." % ", ".join(
                "`%s` (sha256 %s)" % (os.path.relpath(src, TOP), hashes[(label, "sym")])
                for label, src in (("ours", args.callgrind_ours), ("stock", args.callgrind_stock))),
        ]
    md += [
        "",
        "Units: time in microseconds (`time.ticks_us`), or instructions executed (callgrind) in a "
        "\"[instructions]\" row; traffic in calls or bytes as the row says; "
        "heap in bytes (`gc.mem_alloc()` growth after `gc.collect()`); size in bytes. "
        "A traffic counter that is zero on both firmwares has no row. "
        "An operation of microseconds (mkfs, mount, umount, open) is the mean of 20 calls made "
        "after a first one; that first call, which runs code not yet in any cache, is its own "
        "\"[first call]\" row. "
        "Ratio > 1 means ours is bigger or slower. "
        "\"per variant\": a time row's lowest and highest ratio over the variants (each the ratio of "
        "the two firmwares' medians in that variant); the control row's shows how far code "
        "layout alone moves a ratio.",
        "",
    ]
    if notes:
        md += ["- " + n for n in notes] + [""]
    md += ["| " + " | ".join(header) + " |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    md += ["| " + " | ".join(t) + " |" for t in table[1:]]
    # Per variant: the control row in the report (how far apart the draws alone put the two
    # firmwares), every time row in variants.json.
    per_variant = []
    for name in names:
        o, st = variant_medians(name, "ours", "time"), variant_medians(name, "stock", "time")
        for v in variants:
            pad, shift = args.variants[v]
            per_variant.append({"workload": name, "layout": pad, "qstr_shift": shift, "ours": o.get(v),
                                "stock": st.get(v), "ratio": ratio(o.get(v), st.get(v))})
    if len(variants) > 1:
        md += [
            "",
            "Per variant, the control row and the spread of each time row's ratio (medians of the "
            "repetitions; all in `variants.json`):",
            "",
            "| variant | control, ours (µs) | control, stock (µs) | control ratio | time ratios, lowest–highest |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for v in variants:
            rs = [r for r in per_variant if r["layout"] == args.variants[v][0] and r["qstr_shift"] == args.variants[v][1]]
            c = [r for r in rs if r["workload"].startswith("control")]
            rr = [r["ratio"] for r in rs if r["ratio"] is not None]
            md.append("| %s | %s | %s | %s | %s |" % (
                variant_name(args.variants[v]),
                fmt_num(c[0]["ours"]) if c else "-", fmt_num(c[0]["stock"]) if c else "-",
                fmt_ratio(c[0]["ratio"], c[0]["ours"], c[0]["stock"]) if c else "-",
                "%.2f–%.2f" % (min(rr), max(rr)) if rr else "-"))
    with open(os.path.join(args.out, "variants.json"), "w") as f:
        json.dump(per_variant, f, indent=1)
        f.write("\n")
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    how = chart(result, os.path.join(args.out, "ratios.png"), "ours/stock, %s" % stamp)
    for n in notes:
        print("note:", re.sub(r"[`*]", "", n))
    print("wrote %s/results.md, results.json, ratios.png (%s) in %.0f s" % (
        os.path.relpath(args.out, TOP), how, time.time() - started))
    return 1 if failed and args.strict else 0


def trace(args, fw, assets):
    """The device calls of one workload on stock and on ours, as a unified diff."""
    import difflib

    logs = {}
    for label in ("stock", "ours"):
        logs[label] = []
        out, err = run_one(fw[label], args, args.trace, assets, args.timeout, logs[label])
        print("%s: %s" % (label, err or ", ".join("%s %d" % kv for kv in out.items() if kv[0] != "heap")))
    diff = list(difflib.unified_diff(logs["stock"], logs["ours"], "stock", "ours", lineterm="", n=2))
    print("\n".join(diff) if diff else "identical device calls (%d)" % len(logs["ours"]))
    return 0


# --- the chart: one horizontal bar per row with a ratio, log scale, 1.0 marked ---

COLOURS = {"time": (0x4C, 0x72, 0xB0), "traffic": (0xDD, 0x84, 0x52), "heap": (0x55, 0xA8, 0x68), "size": (0x81, 0x72, 0xB3)}


def no_ratio(r):
    """What the chart writes for a row without a ratio."""
    if r["ours"] is None or r["stock"] is None:
        return "FAILED" if (r["ours"] is None) != (r["stock"] is None) else "N/A"
    return "INF (STOCK 0)"


def chart(result, path, title):
    rows = result
    if os.environ.get("BENCH_NO_MATPLOTLIB") != "1":
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            pass
        else:
            h = 0.9 + 0.16 * len(rows)
            fig, ax = plt.subplots(figsize=(11, h))
            ys = range(len(rows))[::-1]
            ax.barh(  # from 1.0 to the ratio, either way
                list(ys), [(r["ratio"] or 1.0) - 1.0 for r in rows], left=1.0,
                color=["#%02x%02x%02x" % COLOURS[r["metric"]] for r in rows],
            )
            ax.set_xscale("log")
            for metric, rgb in COLOURS.items():
                ax.bar([0], [0], color="#%02x%02x%02x" % rgb, label=metric)
            ax.legend(loc="best", fontsize=7)
            ax.axvline(1.0, color="black", linewidth=0.8)
            from matplotlib.ticker import FixedLocator, NullFormatter

            vals = [r["ratio"] for r in rows if r["ratio"]] + [1.0]
            ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50) if min(vals) / 2 <= t <= max(vals) * 2]
            ax.xaxis.set_major_locator(FixedLocator(ticks))
            ax.set_xticklabels(["%g" % t for t in ticks])
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_yticks(list(ys))
            ax.set_yticklabels(["%s (%s)" % (r["workload"], r["metric"]) for r in rows], fontsize=6)
            ax.set_ylim(-0.6, len(rows) - 0.4)
            ax.set_xlabel("ours / stock (log scale; > 1: ours bigger or slower)")
            ax.set_title(title, fontsize=9)
            for y, r in zip(ys, rows):
                if r["ratio"] is None:
                    ax.text(1.0, y, " " + no_ratio(r), va="center", fontsize=5, color="red")
                else:
                    ax.text(r["ratio"], y, " %.2f" % r["ratio"], va="center", fontsize=5)
            fig.tight_layout()
            fig.savefig(path, dpi=110)
            plt.close(fig)
            return "matplotlib"
    png_chart(rows, path, title)
    return "built-in PNG writer"


# A 3x5 pixel font (drawn at scale 2) for the fallback chart: rows top to bottom.
FONT = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,-_/[]():+=>% ?",
        """
.#. #.# ### #.# #.#|##. #.# ##. #.# ##.|.## #.. #.. #.. .##|##. #.# #.# #.# ##.|### #.. ##. #.. ###|
### #.. ##. #.. #..|.## #.. #.# #.# .##|#.# #.# ### #.# #.#|### .#. .#. .#. ###|..# ..# ..# #.# .#.|
#.# #.# ##. #.# #.#|#.. #.. #.. #.. ###|#.# ### ### #.# #.#|##. #.# #.# #.# #.#|.#. #.# #.# #.# .#.|
##. #.# ##. #.. #..|.#. #.# #.# ##. .##|##. #.# ##. #.# #.#|.## #.. .#. ..# ##.|### .#. .#. .#. .#.|
#.# #.# #.# #.# ###|#.# #.# #.# #.# .#.|#.# #.# ### ### #.#|#.# #.# .#. #.# #.#|#.# #.# .#. .#. .#.|
### ..# .#. #.. ###|### #.# #.# #.# ###|.#. ##. .#. .#. ###|##. ..# .#. #.. ###|##. ..# .#. ..# ##.|
#.# #.# ### ..# ..#|### #.. ##. ..# ##.|.## #.. ### #.# ###|### ..# .#. .#. .#.|### #.# ### #.# ###|
### #.# ### ..# ##.|... ... ... ... .#.|... ... ... .#. #..|... ... ### ... ...|... ... ... ... ###|
..# ..# .#. #.. #..|##. #.. #.. #.. ##.|.## ..# ..# ..# .##|.#. #.. #.. #.. .#.|.#. ..# ..# ..# .#.|
... .#. ... .#. ...|... .#. ### .#. ...|... ### ... ### ...|#.. .#. ..# .#. #..|#.# ..# .#. #.. #.#|
... ... ... ... ...|##. ..# .#. ... .#.""".replace("\n", "").split("|"),
    )
)
SCALE = 2
ADV = 4 * SCALE  # pixels per character


def png_chart(rows, path, title):
    """The same chart with no dependencies: bars, 1.0 line and labels in the 3x5 font."""
    import math

    row_h, label_w = 14, max([len("%s (%s)" % (r["workload"], r["metric"])) for r in rows] + [10]) * ADV + 10
    plot_w, top, bottom = 560, 30, 30
    width, height = label_w + plot_w + 60, top + bottom + row_h * max(len(rows), 1)
    px = bytearray(b"\xff" * (width * height * 3))

    def rect(x0, y0, x1, y1, rgb):
        for y in range(max(y0, 0), min(y1, height)):
            a, b = y * width + max(x0, 0), y * width + min(x1, width)
            if b > a:
                px[a * 3 : b * 3] = bytes(rgb) * (b - a)

    def text(x, y, s, rgb=(0, 0, 0)):
        for ch in s.upper():
            glyph = FONT.get(ch, FONT["?"]).split()
            for gy, line in enumerate(glyph):
                for gx, on in enumerate(line):
                    if on == "#":
                        rect(x + gx * SCALE, y + gy * SCALE, x + (gx + 1) * SCALE, y + (gy + 1) * SCALE, rgb)
            x += ADV

    ratios = [r["ratio"] for r in rows if r["ratio"]]
    lo = min([0.5] + ratios)
    hi = max([2.0] + ratios)
    span = max(abs(math.log(lo)), abs(math.log(hi)))

    def xof(r):
        r = max(r, 1e-9)
        return label_w + int(plot_w / 2 + (plot_w / 2 - 4) * math.log(r) / span)

    text(4, 8, title)
    for i, r in enumerate(rows):
        y = top + i * row_h
        text(4, y + 2, "%s (%s)" % (r["workload"], r["metric"]))
        x0 = xof(1.0)
        if r["ratio"] is None:
            text(x0 + 4, y + 2, no_ratio(r), (0xC0, 0, 0))
            continue
        x1 = xof(r["ratio"])
        rect(min(x0, x1), y + 2, max(x0, x1) + 1, y + row_h - 2, COLOURS[r["metric"]])
        text(max(x0, x1) + 4, y + 2, "%.2f" % r["ratio"])
    x0 = xof(1.0)
    rect(x0, top - 4, x0 + 1, height - bottom + 4, (0, 0, 0))
    for v in sorted({lo, 0.5, 1.0, 2.0, hi}):
        text(xof(v) - 8, height - bottom + 10, "%.2g" % v)
    x = width - 4 * 11 * ADV
    for metric, rgb in COLOURS.items():  # the legend, top right
        rect(x, 8, x + 10, 18, rgb)
        text(x + 14, 8, metric)
        x += 11 * ADV
    raw = b"".join(b"\x00" + bytes(px[y * width * 3 : (y + 1) * width * 3]) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


if __name__ == "__main__":
    sys.exit(main())
