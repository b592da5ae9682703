#!/usr/bin/env bash
# Install what a bare machine lacks to build and test the firmware.  Idempotent and quiet
# when everything is present.  Usage: install-deps.sh [unix|qemu|all]
set -euo pipefail
what=${1:-unix}
pkgs=(build-essential pkg-config libffi-dev libclang-dev clang python3 cmake dosfstools mtools valgrind)
case "$what" in
    qemu|all) pkgs+=(gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
                     gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc) ;;
esac
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "error: missing packages: ${missing[*]} (install them with apt-get)" >&2; exit 1
    fi
    echo "installing: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "error: cargo not found: install Rust with rustup" >&2; exit 1; }
for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c" >/dev/null 2>&1 || true
done
case "$what" in
    qemu|all)
        for t in thumbv7m-none-eabi thumbv6m-none-eabi thumbv8m.main-none-eabi thumbv8m.main-none-eabihf \
                 riscv32imac-unknown-none-elf riscv32imc-unknown-none-elf; do
            rustup target list --installed | grep -qx "$t" || rustup target add "$t" >/dev/null
        done
        python3 -c 'import serial' 2>/dev/null || pip install -q pyserial
        # matplotlib draws make bench's chart; optional (without it tools/bench/run.py writes the PNG itself).
        python3 -c 'import matplotlib' 2>/dev/null || pip install -q matplotlib || echo "note: matplotlib not installed" >&2 ;;
esac
