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
import json
import os
import re
import resource
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_fw(fw, path, timeout=60):
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


# (block size, block count, progsize): 512- and 4096-byte blocks, and rp2's progsize 256.
IMAGE_GEOMETRIES = [(512, 64, 32), (4096, 32, 32), (4096, 64, 256)]
IMAGE_VERSIONS = ["VfsLfs2", "VfsLfs1"]


def run_fw_args(fw, path, args, timeout=120):
    try:
        p = subprocess.run(
            [fw, path] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout
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


def instance_args(fw):
    """run-tests.py arguments that select a firmware: a unix binary, or a QEMU ELF."""
    if fw.endswith(".elf"):
        return ["-t", "execpty:" + QEMU + fw]
    return []


def run_tests_py(tests_dir, fw, args, quiet):
    env = dict(os.environ, MICROPY_MICROPYTHON=fw)
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
    args = ap.parse_args()
    args.ours, args.stock = os.path.abspath(args.ours), os.path.abspath(args.stock)
    args.micropy_dir = os.path.abspath(args.micropy_dir)
    result_dir = args.result_dir or os.path.join(os.path.dirname(args.ours), "test-results")
    os.makedirs(result_dir, exist_ok=True)

    # MicroPython's CI runs with 1024 descriptors (extmod/select_poll_fd.py relies on it,
    # and our finaliser tests open more files than that).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))

    if args.qemu:
        return main_qemu(args, result_dir)

    print("== our tests (tests/os) ==")
    own_pass, own_fail = own_tests(args.ours, args.stock, args.only)
    print("== image interoperability with stock ==")
    i_pass, i_fail = interop_tests(args.ours, args.stock, result_dir + "-interop", args.only)
    own_pass += i_pass
    own_fail += i_fail
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
    own = sorted(
        os.path.join(HERE, "qemu", f) for f in os.listdir(os.path.join(HERE, "qemu")) if f.endswith(".py")
    )
    res, retried = upstream_tests(args.micropy_dir, args.ours, 1, result_dir, args.only, exclusions)
    own_res, _ = upstream_tests(args.micropy_dir, args.ours, 1, result_dir + "-own", None, [], extra=own)
    passed, failed = compare(ref, ref_retried, res, retried)
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
