#!/usr/bin/env bash
# The cargo-fuzz targets of fuzz/ (issue #9), each for a bounded time, one after the other,
# one libFuzzer process at a time:
#
#   tools/fuzz/cargo_fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default 20 s, all targets)
#   tools/fuzz/cargo_fuzz.sh --direct [SECONDS] [TARGET...]       (no cargo-fuzz, see below)
#
# Stable Rust only: the sanitizer flags cargo-fuzz passes are nightly flags, which
# RUSTC_BOOTSTRAP=1 lets a stable rustc accept.  cargo-fuzz is installed (pinned, ~30 s to
# build) when `cargo fuzz` is missing.  --direct skips it: the targets are built with plain
# cargo and the flags cargo-fuzz 0.13.2 uses (below) and the binaries run as libFuzzer.
#
# Each target starts from its corpus (fuzz/corpus/<target>, kept between runs, not in git)
# and its saved regression inputs (fuzz/regressions/<target>).  A crash leaves its input
# in fuzz/artifacts/<target>/; copy it to fuzz/regressions/<target>/ once the bug is fixed
# (`cargo test` in fuzz/ replays those).  Prints one line per target and a summary
#   cargo-fuzz: T targets, E execs, C crashes
# and exits non-zero when any target crashed (or could not be built or run).
#
# Without MicroPython's tree in build/ (make check-tree fetches it) the targets build
# without the comparisons against stock oofatfs (a warning says so); RUSTOS_FUZZ_OOFATFS
# may name another lib/oofatfs.
set -euo pipefail
cd "$(dirname "$0")/../../fuzz"

CARGO_FUZZ_VERSION=0.13.2
TRIPLE=x86_64-unknown-linux-gnu
direct=0
if [[ ${1:-} == --direct ]]; then
    direct=1
    shift
fi
secs=${1:-20}
shift || true
[[ $secs =~ ^[0-9]+$ ]] || { echo "usage: $0 [--direct] [SECONDS_PER_TARGET] [TARGET...]" >&2; exit 2; }
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=($(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^rustos-fuzz$'))
fi
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

# What cargo-fuzz 0.13.2 passes by default (`cargo fuzz build -v`): release profile,
# coverage for libFuzzer, comparisons traced, AddressSanitizer, debug assertions and
# overflow checks on.  --target keeps them off build scripts and proc macros.
FUZZ_RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing \
-Cllvm-args=-simplifycfg-branch-fold-threshold=0 -Zsanitizer=address \
-Cllvm-args=-sanitizer-coverage-stack-depth -Cdebug-assertions -Ccodegen-units=1"

t0=$SECONDS
if [[ $direct -eq 0 ]]; then
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "cargo-fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION"
        cargo install --quiet --locked cargo-fuzz --version "$CARGO_FUZZ_VERSION"
    fi
    # All targets in one cargo run.
    cargo fuzz build >/dev/null 2>build.log \
        || { cat build.log >&2; echo "cargo-fuzz: build failed" >&2; exit 1; }
else
    RUSTFLAGS="$FUZZ_RUSTFLAGS" cargo build --quiet --release --target "$TRIPLE" --bins 2>build.log \
        || { cat build.log >&2; echo "cargo-fuzz: build failed" >&2; exit 1; }
fi
grep -h "warning: .*oofatfs" build.log >&2 || true
rm -f build.log
echo "cargo-fuzz: built in $((SECONDS - t0)) s; ${secs} s per target"

total_execs=0
crashes=0
failed=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    dirs=("corpus/$t")
    [[ -d regressions/$t ]] && dirs+=("regressions/$t")
    args=(-max_total_time="$secs" -use_value_profile=1 -print_final_stats=1)
    log=$(mktemp)
    set +e
    if [[ $direct -eq 0 ]]; then
        cargo fuzz run "$t" "${dirs[@]}" -- "${args[@]}" >"$log" 2>&1
    else
        "target/$TRIPLE/release/$t" -artifact_prefix="artifacts/$t/" "${args[@]}" "${dirs[@]}" >"$log" 2>&1
    fi
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$log" | tail -1)
    corpus=$(find "corpus/$t" -type f | wc -l)
    total_execs=$((total_execs + ${execs:-0}))
    if grep -q 'Test unit written to' "$log"; then
        crashes=$((crashes + 1))
        art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        echo "$t: CRASH after ${execs:-?} execs: $art"
        grep -m1 -A2 'panicked at' "$log" || grep -m3 'ERROR' "$log" || true
        echo "  reproduce: (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $t $art)"
    elif [[ $rc -ne 0 ]]; then
        failed=$((failed + 1))
        echo "$t: libFuzzer exited with $rc"
        tail -20 "$log"
    else
        echo "$t: ${execs:-0} execs, cov ${cov:-0}, corpus $corpus"
    fi
    rm -f "$log"
done
echo "cargo-fuzz: ${#targets[@]} targets, $total_execs execs, $crashes crashes"
[[ $crashes -eq 0 && $failed -eq 0 ]]
