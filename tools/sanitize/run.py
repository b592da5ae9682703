#!/usr/bin/env python3
"""Sanitizers and valgrind (issue #9).

1. Builds our unix firmware with AddressSanitizer and UndefinedBehaviorSanitizer into
   build/unix-asan (make and cargo rebuild what changed; other flags: a fresh build):
   - C (MicroPython, our glue in c/, lfs1.c and lfs2.c): -fsanitize=address,undefined with upstream's flags for the unix
     port (tools/ci.sh): --param asan-use-after-return=0 (fake stack frames hide pointers
     from the GC's stack scan and break nlr's stack handling), -fno-sanitize=nonnull-attribute
     (MicroPython's memcpy(NULL, NULL, 0) idiom); -fsanitize-recover=address only lets
     --keep-going continue past a report;
   - Rust (our crate, getrandom, ...): -Zsanitizer=address on the stable toolchain
     with RUSTC_BOOTSTRAP=1 (LLVM's instrumentation, linked against GCC's libasan; Rust has
     no UBSan), plus debug assertions (which turn on core's checks of unsafe preconditions
     too) and overflow checks, and -Cpanic=abort: a panic aborts and ASan reports the abort
     with its stack (on this build only; bare-metal builds abort on a panic too).
     micropython.mk's RUSTOS_HOST_RUSTFLAGS passes the flags (cargo then gets an explicit
     --target, which keeps them off the build scripts);
   - tools/sanitize/ubsan_log.c is linked in so that UBSan's reports go to a file.
   Every report goes to a file of its own under <out>/<tool>/reports (none is lost in a
   test's output) and stops the process (halt_on_error=1; --keep-going: 0, a diagnostic
   mode).  A canary run checks that an ASan and a UBSan report do land in a file.
   LeakSanitizer stays on (see Area.env).  The GC heap is one malloc'd block: ASan sees no
   overflow from one GC object into the next, only out of the heap as a whole.
2. Runs on it, stock MicroPython (unsanitized) being the reference where a tool compares:
   tests/run_mp_tests.py (our tests and MicroPython's whole suite), the power-loss torture
   (--quick), the corrupt-image fuzzer (tools/fuzz/run.py: fat_corrupt.py FAT12/FAT16 with
   and without `mix`, lfs_corrupt_diff.py VfsLfs2/VfsLfs1; --seeds per generator), the
   low-memory runs and the threads test.  Each firmware run goes through a wrapper that
   counts it.
3. valgrind memcheck (--track-origins=yes) of the os/vfs tests (tests/os and MicroPython's
   extmod/vfs_*, os_*) on the normal build/unix/micropython.  The unix port strips that
   binary, so the function symbols are put back on a copy from the link map the port
   writes next to it (same code bytes).  MicroPython's conservative GC scan of the C stack
   is handled by tools/sanitize/vg_gc_roots.c (a valgrind wrapper of gc_collect_root,
   preloaded), which is why tools/sanitize/valgrind.supp has no entries (see both files).

Prints a line per tool, every distinct report (with a count and a file to read), then one
summary line per area:
  sanitizers: asan+ubsan N runs, R reports
  valgrind: N tests, E errors
Exit status 1 on any report or valgrind error, 2 if there was none but a tool failed
otherwise (a test failure, a crash without a report, a hang), 0 otherwise.

  tools/sanitize/run.py [--only suite,torture,fuzz,lowmem,threads,valgrind] [--seeds N]
                        [--jobs N] [--make-args "$(UNIX_ARGS)"] [--no-build] [--keep-going]
                        [--stock-asan]
"""
import argparse
import glob
import os
import re
import shlex
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
B = os.path.join(TOP, "build")
MPY_DEFAULT = os.path.join(B, "micropython-1.26.1")

# -fsanitize-recover=address only lets --keep-going (halt_on_error=0) go on past a report.
SAN_CFLAGS = "-fsanitize=address,undefined -fno-sanitize=nonnull-attribute --param asan-use-after-return=0 " \
    "-fsanitize-recover=address -fno-omit-frame-pointer"
SAN_LDFLAGS = "-fsanitize=address,undefined"
# -Cpanic=abort: a panic (an overflow check, a debug assertion, a bug) is not turned into
# RuntimeError at the boundary here but aborts, and ASan (handle_abort=1) writes the stack
# to a report file; bare-metal builds treat a panic the same way.
RUST_FLAGS = "-Zsanitizer=address -Zsanitizer-recover=address -Cpanic=abort -Cforce-frame-pointers=yes " \
    "-Cllvm-args=-asan-use-after-return=never"
RUST_ENV = {
    "RUSTC_BOOTSTRAP": "1",  # -Z flags on the stable toolchain
    "CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS": "true",
    "CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS": "true",
    "CARGO_PROFILE_RELEASE_DEBUG": "line-tables-only",  # file:line in the reports
}
# Where a report starts in a report file (ASan, LeakSanitizer, UBSan).
REPORT_START = re.compile(r"^(?:==\d+==ERROR: \w+Sanitizer|\S+:\d+:\d+: runtime error: )", re.M)
# LeakSanitizer's own failure to stop a thread that was exiting for its leak check (seen
# under heavy load): the leak check of that run did not happen, nothing was found.  Counted
# and shown apart from the reports, not as one.
LSAN_TRACER_FAILURE = re.compile(r"^==\d+==Unable to get registers from thread \d+\.\s*$")


def log(*a):
    print(*a, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", **kw)


def host_triple():
    out = sh(["rustc", "-vV"]).stdout
    return re.search(r"^host: (\S+)", out, re.M).group(1)


# ---------------------------------------------------------------------------------- build

def default_make_args(mpy, jobs):
    mpycross = os.path.join(B, "mpy-cross", "mpy-cross")
    args = ["-C", os.path.join(mpy, "ports", "unix"), "-j%d" % jobs, "VARIANT=standard",
            "MICROPY_PY_BTREE=0", "MICROPY_PY_SSL=0", "FROZEN_MANIFEST=" + os.path.join(TOP, "ports/unix/manifest.py"),
            "MICROPY_MPYCROSS=" + mpycross, "MICROPY_MPYCROSS_DEPENDENCY=" + mpycross]
    if not os.path.exists(os.path.join(mpy, "lib", "micropython-lib", "README.md")):
        args.append("MPY_LIB_DIR=" + os.path.join(TOP, "ports", "no-micropython-lib"))
    return args


def build(build_dir, make_args, ours, out_dir):
    """make the unix port into build_dir with the sanitizers; returns the firmware's path."""
    # make does not rebuild objects when flags change: a build with other flags starts afresh.
    stamp = os.path.join(build_dir, "sanitize-flags.txt")
    same = [a for a in make_args if not a.startswith("-j")]
    flags = "\n".join([SAN_CFLAGS, SAN_LDFLAGS, RUST_FLAGS, repr(sorted(RUST_ENV.items())), repr(same)]) + "\n"
    if os.path.exists(build_dir) and (not os.path.exists(stamp) or open(stamp).read() != flags):
        log("build: the flags changed, %s starts afresh" % os.path.relpath(build_dir, TOP))
        shutil.rmtree(build_dir)
    os.makedirs(build_dir, exist_ok=True)
    with open(stamp, "w") as f:
        f.write(flags)
    fw = os.path.join(build_dir, "micropython")
    # The UBSan log helper: an object on the link line (a change relinks).
    helper = os.path.join(build_dir, "ubsan_log.o")
    src = os.path.join(HERE, "ubsan_log.c")
    if not os.path.exists(helper) or os.path.getmtime(helper) < os.path.getmtime(src):
        p = sh(["gcc", "-c", "-O2", "-Wall", "-Wextra", "-Werror", src, "-o", helper])
        if p.returncode:
            sys.exit("building %s failed:\n%s" % (helper, p.stdout))
        if os.path.exists(fw):
            os.remove(fw)
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=B)
    # STRIP= keeps the symbols (the unix port strips by default) for the reports' stacks.
    cmd = ["make"] + make_args + ["BUILD=" + build_dir, "STRIP=", "LDFLAGS_EXTRA=%s %s" % (SAN_LDFLAGS, helper)]
    if ours:
        usermods = os.path.join(B, "usermods")
        if not os.path.exists(os.path.join(usermods, "rustos")):
            os.makedirs(usermods, exist_ok=True)
            os.symlink(TOP, os.path.join(usermods, "rustos"))
        env.update(RUST_ENV)
        cmd += ["USER_C_MODULES=" + usermods, "CFLAGS_EXTRA=-DMICROPY_PY_OS_DUPTERM=1 " + SAN_CFLAGS,
                "RUSTOS_HOST_RUSTFLAGS=" + RUST_FLAGS]
    else:
        cmd += ["CFLAGS_EXTRA=" + SAN_CFLAGS]
    t0 = time.time()
    p = sh(cmd, env=env)
    with open(os.path.join(out_dir, "build-%s.log" % os.path.basename(build_dir)), "w") as f:
        f.write(" ".join(shlex.quote(c) for c in cmd) + "\n" + p.stdout)
    if p.returncode or not os.path.exists(fw):
        sys.exit("building %s failed (exit %d):\n%s" % (
            build_dir, p.returncode, "\n".join(p.stdout.splitlines()[-30:])))
    log("build: %s (%.0f s)" % (os.path.relpath(fw, TOP), time.time() - t0))
    return fw


def asan_checks(obj):
    """How many ASan checks (calls of __asan_report_*) an object or archive holds."""
    out = sh(["objdump", "-dr", obj]).stdout
    return len(re.findall(r"R_X86_64_PLT32\s+__asan_report_(?:load|store)", out))


def rust_instrumented(build_dir):
    """ASan checks in rustos.o (all Rust: littlefs is C in c/lfs1.c and c/lfs2.c)."""
    return asan_checks(os.path.join(build_dir, "rustos", "rustos.o"))


# ------------------------------------------------------------------------------- running

class Area:
    """One tool's run: its own report directory and run counter."""

    halt = 1

    def __init__(self, out, name):
        self.name = name
        self.dir = os.path.join(out, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(os.path.join(self.dir, "reports"))
        self.runs_file = os.path.join(self.dir, "runs")
        open(self.runs_file, "w").close()
        self.problems = []
        self.seconds = 0

    def env(self, extra=None):
        rep = os.path.join(self.dir, "reports")
        e = dict(os.environ, SANITIZE_RUNS=self.runs_file, **(extra or {}))
        # detect_leaks: LeakSanitizer stays on.  The standard variant never frees the GC heap
        # (main.c frees it only without NDEBUG), so the heap and everything its blocks point
        # at stay reachable and LSan is quiet; what it can still find is a malloc (Rust's
        # allocations are mallocs on unix) that nothing points at any more.
        e["ASAN_OPTIONS"] = ("log_path=%s/asan:halt_on_error=%d:detect_leaks=1:detect_stack_use_after_return=0:"
                             "handle_abort=1" % (rep, Area.halt))
        # libubsan's first report sets libasan's report path from UBSAN_OPTIONS' log_path (see
        # ubsan_log.c, which gives libubsan its own file, from SANITIZE_UBSAN_LOG): ASan's later
        # reports go on in a file of their own rather than reopen (and truncate) the first.
        e["UBSAN_OPTIONS"] = "log_path=%s/asan-after-ubsan:halt_on_error=%d:print_stacktrace=1" % (rep, Area.halt)
        e["SANITIZE_UBSAN_LOG"] = "%s/ubsan" % rep
        e.setdefault("MICROPY_TEST_TIMEOUT", "120")
        return e

    def run(self, cmd, extra_env=None, timeout=None, cwd=None):
        t0 = time.time()
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                               env=self.env(extra_env), timeout=timeout, cwd=cwd)
            out, rc = p.stdout, p.returncode
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            rc = None
        self.seconds += time.time() - t0
        with open(os.path.join(self.dir, "output.txt"), "a") as f:
            f.write("$ %s\n%s\n" % (" ".join(shlex.quote(c) for c in cmd), out))
        return out, rc

    def runs(self):
        with open(self.runs_file) as f:
            return len(f.read())

    def report_files(self):
        return sorted(glob.glob(os.path.join(self.dir, "reports", "*")))

    def reports(self):
        """Every report: (file, its text); a file holds one unless --keep-going.  An empty
        file (opened, nothing written) is none, and LSan's tracer failures are counted in
        `self.lsan_incomplete` instead."""
        out = []
        self.lsan_incomplete = 0
        for path in self.report_files():
            with open(path, errors="replace") as f:
                text = f.read()
            if not text.strip():
                continue
            if LSAN_TRACER_FAILURE.match(text):
                self.lsan_incomplete += 1
                continue
            starts = [m.start() for m in REPORT_START.finditer(text)] or [0]
            for i, s in enumerate(starts):
                out.append((path, text[s:starts[i + 1] if i + 1 < len(starts) else len(text)]))
        return out


def wrapper(path, real, prefix="", suffix=""):
    """A firmware wrapper that counts its runs ($SANITIZE_RUNS) and execs the real one
    (same process, same stdio: output order, signals and time limits are unchanged)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write('#!/bin/sh\n[ -n "$SANITIZE_RUNS" ] && printf . >> "$SANITIZE_RUNS"\nexec %s%s "$@"%s\n'
                % (prefix, shlex.quote(real), suffix))
    os.chmod(path, 0o755)
    return path


def canary(out, fw):
    """An ASan report (a double free through ffi), a UBSan one (libubsan's handler called
    through ffi) and a LeakSanitizer one (mallocs through ffi nothing points at) must each
    land in a report file; else the counts below would mean nothing."""
    a = Area(out, "canary")
    cases = [
        ("asan", "AddressSanitizer: attempting double-free",
         "import ffi\nlibc=ffi.open(None)\np=libc.func('p','malloc','L')(16)\n"
         "f=libc.func('v','free','p')\nf(p)\nf(p)\n"),
        ("ubsan", "runtime error: execution reached an unreachable program point",
         "import ffi, struct, uctypes\nname=b'canary.c\\0'\nloc=struct.pack('PII', uctypes.addressof(name), 1, 1)\n"
         "ffi.open(None).func('v','__ubsan_handle_builtin_unreachable','p')(loc)\n"),
        ("asan", "LeakSanitizer: detected memory leaks",
         "import ffi\nm=ffi.open(None).func('p','malloc','L')\nfor i in range(3): m(1000)\n"),
    ]
    ok = True
    for prefix, expect, code in cases:
        before = set(a.report_files())
        a.run([fw, "-c", code])
        new = [r for r in a.report_files() if r not in before]
        texts = [open(r, errors="replace").read() for r in new]
        ok &= len(new) == 1 and os.path.basename(new[0]).startswith(prefix + ".") and expect in texts[0]
    return ok


def count_upstream(out):
    m = re.findall(r"(\d+) passed, (\d+) failed", out)
    return (int(m[-1][0]), int(m[-1][1])) if m else (0, 0)


def area_suite(out, fw, args):
    a = Area(out, "suite")
    res = os.path.join(a.dir, "results")
    o, rc = a.run([sys.executable, os.path.join(TOP, "tests", "run_mp_tests.py"), "--micropy-dir", args.micropy_dir,
                   "--ours", fw, "--stock", args.stock, "--jobs", str(args.jobs), "--result-dir", res])
    passed, failed = count_upstream(o)
    if rc != 0 or failed:
        a.problems.append("%d tests failed: %s" % (failed, " ".join(re.findall(r"^failed: (.*)$", o, re.M)[-1:])))
    a.summary = "%d tests passed, %d failed" % (passed, failed)
    return a


def area_torture(out, fw, args):
    a = Area(out, "torture")
    o, rc = a.run([sys.executable, os.path.join(TOP, "tools", "torture", "run.py"), "--quick", "--fw", fw,
                   "--jobs", str(args.jobs)])
    lines = [l for l in o.splitlines() if l.startswith("torture ")]
    if rc != 0:
        a.problems.append("tools/torture/run.py exit %s: %s" % (rc, " | ".join(o.splitlines()[-5:])))
    cuts = sum(int(m) for m in re.findall(r": (\d+) cuts", o))
    a.summary = "%d cuts (%d filesystem/mode lines)" % (cuts, len(lines))
    return a


def area_fuzz(out, fw, args):
    a = Area(out, "fuzz")
    o, rc = a.run([sys.executable, os.path.join(TOP, "tools", "fuzz", "run.py"), "--ours", fw,
                   "--seeds", str(args.seeds), "--chunk", str(args.chunk), "--timeout", "300"])
    if rc != 0:
        fails = [l for l in o.splitlines() if l.startswith("FAIL")]
        a.problems.append("tools/fuzz/run.py exit %s, %d failed chunks, e.g. %s" % (
            rc, len(fails), fails[0][5:] if fails else "?"))
    m = re.search(r"^corrupt images: (\d+) cases", o, re.M)
    # A chunk stops at its first report: fewer cases than asked ran then.
    a.summary = "%s of %d cases (fat12, fat16, with and without mix; lfs2, lfs1)" % (
        m.group(1) if m else "?", 4 * args.seeds + 2 * (args.seeds // 2))
    return a


def area_lowmem(out, fw, args):
    a = Area(out, "lowmem")
    o, rc = a.run([sys.executable, os.path.join(TOP, "tools", "lowmem", "run.py"), "--ours", fw,
                   "--stock", args.stock])
    if rc != 0:
        a.problems.append("tools/lowmem/run.py exit %s: %s" % (rc, " | ".join(o.splitlines()[-8:])))
    a.summary = "ours and stock, lfs2 and fat, heaps 12k to 64k: %s" % ("no problem" if rc == 0 else "exit %s" % rc)
    return a


def area_threads(out, fw, args):
    a = Area(out, "threads")
    script = os.path.join(TOP, "tools", "threads", "threads_fs.py")
    with open(script + ".exp") as f:
        exp = f.read()
    differ = 0
    for i in range(args.thread_runs):
        o, rc = a.run([fw, script], timeout=300, cwd=a.dir)
        if rc != 0:
            a.problems.append("run %d: exit %s: %s" % (i + 1, rc, " | ".join(o.splitlines()[-3:])))
        elif o != exp:
            # Not a failure here: the tool's header notes a rare OSError(84) from a lister.
            differ += 1
            a.notes = getattr(a, "notes", []) + ["run %d differs from the .exp: %s" % (
                i + 1, " | ".join(l for l in o.splitlines() if l not in exp.splitlines())[:300])]
    a.summary = "%d runs, %d differ from the .exp" % (args.thread_runs, differ)
    return a


def report_signature(text):
    """(first line of the report, first frame in our or MicroPython's code)."""
    first = next((l.strip() for l in text.splitlines() if "ERROR:" in l or "runtime error:" in l), text[:200].strip())
    first = re.sub(r"==\d+==", "", first)
    first = re.sub(r"0x[0-9a-f]+", "0x…", first)
    frames = re.findall(r"#\d+ 0x[0-9a-f]+ in (.*) (\S+)$", text, re.M)
    runtime = r"libsanitizer|/rustc/|^library/|^nptl/|sysdeps/|^stdlib/|libc_start"
    frame = next(("%s %s" % (f[0][:100], f[1]) for f in frames if not re.search(runtime, f[1])),
                 frames[0][0] if frames else "?")
    if "ABRT" in first and any("panic" in f[0] for f in frames):
        first += " (a Rust panic: -Cpanic=abort)"
    return first, frame


# ------------------------------------------------------------------------------ valgrind

def map_symbols(map_path):
    """{address: (name, size)} of every function the link map places: the .text.NAME input
    sections (-ffunction-sections: static functions too), which the strip left no trace of."""
    syms = {}
    started = False
    pending = None
    with open(map_path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("Linker script and memory map"):
                started = True
                continue
            if not started:
                continue
            m = re.match(r"^ \.text\.(\S+)(?:\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+\S.*)?$", line)
            if m:
                pending = None
                if m.group(2):
                    addr, size = int(m.group(2), 16), int(m.group(3), 16)
                    if addr and size:
                        syms.setdefault(addr, (m.group(1), size))
                else:
                    pending = m.group(1)
                continue
            if pending:
                m = re.match(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+\S", line)
                if m:
                    addr, size = int(m.group(1), 16), int(m.group(2), 16)
                    if addr and size:
                        syms.setdefault(addr, (pending, size))
                pending = None
    out = {}
    for addr, (name, size) in syms.items():
        name = re.sub(r"^(unlikely|hot|startup|exit)\.", "", name)
        out[addr] = (name, size)
    return out


def section(elf, name):
    """(address, size) of a section, from readelf."""
    out = sh(["readelf", "-SW", elf]).stdout
    m = re.search(r"\]\s+%s\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)" % re.escape(name), out)
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def symbolize(fw, dest):
    """A copy of fw with the function symbols of its link map (fw + '.map') put back: objcopy
    adds them, then their sizes are written into .symtab (objcopy cannot set a size, and
    valgrind ignores symbols without one).  Returns (path, number of symbols or an error)."""
    map_path = fw + ".map"
    shutil.copy2(fw, dest + ".stripped")
    if not os.path.exists(map_path):
        shutil.copy2(fw, dest)
        return dest, "no link map %s: valgrind runs without symbols" % map_path
    text = section(dest + ".stripped", ".text")
    with open(map_path, errors="replace") as f:
        m = re.search(r"^\.text\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)", f.read(), re.M)
    if not text or not m or (int(m.group(1), 16), int(m.group(2), 16)) != text:
        shutil.copy2(fw, dest)
        return dest, "the link map does not match %s (rebuilt meanwhile?): valgrind runs without symbols" % fw
    syms = map_symbols(map_path)
    argfile = dest + ".symbols"
    with open(argfile, "w") as f:
        for addr, (name, _) in sorted(syms.items()):
            f.write("--add-symbol %s=.text:0x%x,function,global\n" % (name, addr - text[0]))
    p = sh(["objcopy", "@" + argfile, dest + ".stripped", dest])
    if p.returncode:
        shutil.copy2(fw, dest)
        return dest, "objcopy failed: %s" % p.stdout[-300:]
    data = bytearray(open(dest, "rb").read())
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sized = 0
    for i in range(shnum):
        _, sh_type, _, _, off, size, _, _, _, entsize = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
        if sh_type != 2:  # SHT_SYMTAB
            continue
        for k in range(size // entsize):
            o = off + k * entsize
            _, info, _, _, value, sz = struct.unpack_from("<IBBHQQ", data, o)
            if info & 0xF == 2 and sz == 0 and value in syms:  # STT_FUNC
                struct.pack_into("<Q", data, o + 16, syms[value][1])
                sized += 1
    with open(dest, "wb") as f:
        f.write(data)
    os.chmod(dest, 0o755)
    return dest, sized


def valgrind_errors(path):
    """The errors of a valgrind log: (kind, [frames], origin function or None)."""
    with open(path, errors="replace") as f:
        text = f.read()
    blocks, cur = [], []
    for line in text.splitlines():
        m = re.match(r"==\d+== ?(.*)$", line)
        if not m:
            continue
        if not m.group(1).strip():
            if cur:
                blocks.append(cur)
            cur = []
        else:
            cur.append(m.group(1))
    if cur:
        blocks.append(cur)
    frame = lambda l: re.sub(r"^\s*(at|by) 0x[0-9A-F]+: ", "", l).split(" (in ")[0].strip()  # noqa: E731
    errs = []
    for b in blocks:
        if not re.match(r"(Conditional|Use of|Invalid|Syscall|Source and|Mismatched|Argument|Jump to|Process term)",
                        b[0].strip()):
            continue
        oi = [i for i, l in enumerate(b) if "Uninitialised value was created" in l]
        trace = b[1:oi[0]] if oi else b[1:]
        origin = None
        if oi:
            origin = b[oi[0]].strip() + (": " + frame(b[oi[0] + 1]) if len(b) > oi[0] + 1 else "")
        errs.append((b[0].strip(), [frame(l) for l in trace], origin))
    return errs


def area_valgrind(out, args):
    a = Area(out, "valgrind")
    fw, nsyms = symbolize(args.valgrind_fw, os.path.join(a.dir, "micropython"))
    if not isinstance(nsyms, int):
        a.problems.append(nsyms)
    logs = os.path.join(a.dir, "logs")
    os.makedirs(logs)
    supp = os.path.join(HERE, "valgrind.supp")
    # The wrapper of gc_collect_root (see vg_gc_roots.c), preloaded into the firmware.
    roots = os.path.join(a.dir, "vg_gc_roots.so")
    p = sh(["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", os.path.join(HERE, "vg_gc_roots.c"),
            "-o", roots])
    if p.returncode:
        sys.exit("building %s failed (valgrind's headers: package valgrind):\n%s" % (roots, p.stdout))
    # The log on descriptor 9, opened by the shell: --log-file would take the lowest free
    # descriptor in the firmware, and the tests that print a file's descriptor would differ.
    wrap = wrapper(os.path.join(a.dir, "bin", "micropython"), fw,
                   "env LD_PRELOAD=%s valgrind --tool=memcheck --error-exitcode=99 --num-callers=40 "
                   "--leak-check=full --errors-for-leak-kinds=definite "
                   "--track-origins=yes --suppressions=%s --log-fd=9 "
                   % (shlex.quote(roots), shlex.quote(supp)), ' 9>"%s/vg.$$"' % logs)
    o, rc = a.run([sys.executable, os.path.join(TOP, "tests", "run_mp_tests.py"), "--micropy-dir", args.micropy_dir,
                   "--ours", wrap, "--stock", args.stock, "--jobs", str(args.jobs),
                   "--result-dir", os.path.join(a.dir, "results"), "--only", r"^(os/|extmod/(vfs_|os_))"],
                  extra_env={"MICROPY_TEST_TIMEOUT": "600"})
    own = len(re.findall(r"^(?:pass |FAIL ) os/", o, re.M))
    upstream = len(re.findall(r"^(?:pass |FAIL ) +extmod/", o, re.M))
    errors = suppressed = 0
    bad = []
    for p in sorted(glob.glob(os.path.join(logs, "vg.*"))):
        with open(p, errors="replace") as f:
            t = f.read()
        m = re.search(r"ERROR SUMMARY: (\d+) errors from \d+ contexts \(suppressed: (\d+) from", t)
        found = valgrind_errors(p)
        if not m:  # killed (a REPL session run-tests.py ends): what it printed until then
            errors += len(found)
        else:
            errors += int(m.group(1))
            suppressed += int(m.group(2))
        if found:
            cmd = re.search(r"^==\d+== Command: (.*)$", t, re.M)
            for kind, frames, origin in found:
                bad.append((kind, " < ".join(frames[:2]), origin, os.path.relpath(p, TOP),
                            cmd.group(1).split("/")[-1] if cmd else "?"))
    passed, failed = count_upstream(o)
    if failed or rc:
        a.problems.append("%d tests failed under valgrind: %s" % (
            failed, " ".join(re.findall(r"^failed: (.*)$", o, re.M)[-1:])))
    runs = len(glob.glob(os.path.join(logs, "vg.*")))
    a.vg = {"tests": own + upstream, "errors": errors, "bad": bad}
    a.summary = "%d tests (%d ours, %d MicroPython's), %d passed; %d firmware runs, %d errors, %d suppressed" % (
        own + upstream, own, upstream, passed, runs, errors, suppressed)
    return a


# ---------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--micropy-dir", default=MPY_DEFAULT)
    ap.add_argument("--stock", default=os.path.join(B, "unix-stock", "micropython"), help="the reference firmware")
    ap.add_argument("--valgrind-fw", default=os.path.join(B, "unix", "micropython"))
    ap.add_argument("--build-dir", default=os.path.join(B, "unix-asan"))
    ap.add_argument("--out", default=os.path.join(B, "sanitize"))
    ap.add_argument("--make-args", default=None, help="the unix port's make arguments (the Makefile's UNIX_ARGS)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seeds", type=int, default=1000, help="fuzz seeds per generator (mixes: half)")
    ap.add_argument("--chunk", type=int, default=250)
    ap.add_argument("--thread-runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--fw", default=None, help="a sanitized firmware to run instead of building ours")
    ap.add_argument("--stock-asan", action="store_true",
                    help="also build stock sanitized (build/unix-stock-asan) to compare reports")
    ap.add_argument("--keep-going", action="store_true",
                    help="halt_on_error=0: a report does not stop the process (every report of a run is logged)")
    ap.add_argument("--only", default=None, help="comma list of: suite,torture,fuzz,lowmem,threads,valgrind")
    args = ap.parse_args()
    args.micropy_dir = os.path.abspath(args.micropy_dir)
    Area.halt = 0 if args.keep_going else 1
    args.stock = os.path.abspath(args.stock)
    t_start = time.time()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    only = set(args.only.split(",")) if args.only else None
    want = lambda name: only is None or name in only  # noqa: E731
    for tool in ("valgrind", "objcopy", "objdump", "readelf", "gcc"):
        if not shutil.which(tool):
            sys.exit("error: %s not found (tools/install-deps.sh)" % tool)
    if not os.path.exists(args.stock):
        sys.exit("error: no stock firmware at %s (make stock)" % args.stock)
    # MicroPython's CI runs with 1024 descriptors (as tests/run_mp_tests.py does).
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))

    areas = []
    total_runs = total_reports = 0
    sanitizers = [n for n in ("suite", "torture", "fuzz", "lowmem", "threads") if want(n)]
    if sanitizers:
        make_args = shlex.split(args.make_args) if args.make_args else default_make_args(args.micropy_dir, args.jobs)
        if args.fw:
            real = os.path.abspath(args.fw)
        elif args.no_build:
            real = os.path.join(args.build_dir, "micropython")
        else:
            if not os.path.exists(make_args[make_args.index("-C") + 1] if "-C" in make_args else ""):
                sys.exit("error: no MicroPython tree at %s" % args.micropy_dir)
            real = build(os.path.abspath(args.build_dir), make_args, True, out)
            if args.stock_asan:
                build(os.path.join(B, "unix-stock-asan"), make_args, False, out)
        if not args.fw:
            total = rust_instrumented(os.path.dirname(real))
            log("rust side: %d ASan checks in the Rust code of rustos.o" % total)
            if total <= 0:
                sys.exit("error: the Rust code is not instrumented")
        if not canary(out, real):
            sys.exit("error: a canary's report did not land in a report file (see %s/canary)" % out)
        log("canary: an ASan, a UBSan and a LeakSanitizer report each land in a report file")
        fw = wrapper(os.path.join(out, "bin", "micropython"), real)
        for name in sanitizers:
            a = globals()["area_" + name](out, fw, args)
            areas.append(a)
            reps = a.reports()
            total_runs += a.runs()
            total_reports += len(reps)
            log("  %-8s %s; %d runs, %d reports%s%s (%.0f s)" % (
                name, a.summary, a.runs(), len(reps),
                "; %d leak checks not done (LSan could not stop an exiting thread)" % a.lsan_incomplete
                if a.lsan_incomplete else "",
                "" if not a.problems else "; FAILED", a.seconds))
    if want("valgrind"):
        v = area_valgrind(out, args)
        areas.append(v)
        log("  %-8s %s (%.0f s)" % ("valgrind", v.summary, v.seconds))

    # Details: every report, grouped by what it says and where.
    groups = {}
    for a in areas:
        if a.name == "valgrind":
            continue
        for path, text in a.reports():
            groups.setdefault(report_signature(text), []).append(os.path.relpath(path, TOP))
    for (first, frame), files in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        log("REPORT x%d: %s\n    at %s\n    e.g. %s" % (len(files), first, frame, files[0]))
    for a in areas:
        for p in a.problems:
            log("FAILED %s: %s" % (a.name, p))
        for n in getattr(a, "notes", []):
            log("note %s: %s" % (a.name, n))
        if a.name == "valgrind":
            # Grouped by where and by what the undefined value came from.
            vgroups = {}
            for kind, frames, origin, path, test in a.vg["bad"]:
                g = vgroups.setdefault((frames, origin), [set(), set(), []])
                g[0].add(kind)
                g[1].add(test)
                g[2].append(path)
            for (frames, origin), (kinds, tests, paths) in sorted(vgroups.items(), key=lambda kv: -len(kv[1][2])):
                log("VALGRIND x%d: %s\n    at %s\n    %s\n    in %s; e.g. %s" % (
                    len(paths), " / ".join(sorted(kinds)), frames, origin or "", " ".join(sorted(tests))[:300],
                    paths[0]))
    if sanitizers:
        log("sanitizers: asan+ubsan %d runs, %d reports" % (total_runs, total_reports))
    vg_errors = 0
    if want("valgrind"):
        vg_errors = v.vg["errors"]
        log("valgrind: %d tests, %d errors" % (v.vg["tests"], vg_errors))
    log("total time: %.0f s" % (time.time() - t_start))
    if total_reports or vg_errors:
        return 1
    if any(a.problems for a in areas):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
