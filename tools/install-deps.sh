#!/usr/bin/env bash
# Install what a bare machine lacks to build and test the firmware.  Idempotent and quiet
# when everything is present.  Usage: install-deps.sh [unix|qemu|all]
# Supported: Debian 12 (bookworm) and 13 (trixie), with or without packages from backports.
set -euo pipefail
what=${1:-unix}
. "$(dirname "$0")/apt-sources.sh"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing_of() { local p; for p in "$@"; do installed "$p" || echo "$p"; done; }
need_apt() {
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        echo "error: missing packages: $* (install them with apt-get as root)" >&2; exit 1
    fi
}

# QEMU's packages must all come from one release: an installed QEMU package from a backports
# suite (a machine image may ship qemu-utils 10 from bookworm-backports, which Breaks
# qemu-system-common < 8.0) means the rest of QEMU comes from that suite too.  The suite is
# read from the package's version (~bpoNN, Debian's backports convention) and the machine's
# codename; its apt entry uses the machine's own archive URI and keyring.
qemu_suite() {
    local codename
    dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' 'qemu*' 2>/dev/null |
        awk '$1=="ii" && $3 ~ /~bpo[0-9]+/ {found=1} END {exit !found}' || return 0
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [ -n "$codename" ] || { echo "error: backports QEMU installed, but /etc/os-release has no VERSION_CODENAME" >&2; exit 1; }
    echo "$codename-backports"
}

pkgs=(build-essential pkg-config libffi-dev libclang-dev clang python3 cmake dosfstools mtools valgrind)
qemu_pkgs=()
case "$what" in
    qemu|all) pkgs+=(gcc-arm-none-eabi libnewlib-arm-none-eabi gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf)
              qemu_pkgs=(qemu-system-arm qemu-system-misc) ;;
esac
missing=($(missing_of "${pkgs[@]}"))
missing_qemu=($(missing_of "${qemu_pkgs[@]}"))
if [ ${#missing[@]} -gt 0 ] || [ ${#missing_qemu[@]} -gt 0 ]; then
    need_apt "${missing[@]}" "${missing_qemu[@]}"
    apt_update
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
    if [ ${#missing_qemu[@]} -gt 0 ]; then
        suite=$(qemu_suite)
        if [ -n "$suite" ]; then
            # apt knows the suite already when the machine's sources list it.
            apt-cache policy | grep -q "a=$suite," ||
                add_debian_source /etc/apt/sources.list.d/rustos-qemu-backports.sources deb "$suite"
            apt_install -t "$suite" "${missing_qemu[@]}"
        else
            apt_install "${missing_qemu[@]}"
        fi
    fi
fi
command -v cargo >/dev/null || { echo "error: cargo not found: install Rust with rustup" >&2; exit 1; }
for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
done
# littlefs-python (PyPI) reads the image tool's littlefs images in tests/image/run.py.
python3 -c 'import littlefs' 2>/dev/null || pip install -q 'littlefs-python==0.19.0'
case "$what" in
    qemu|all)
        for t in thumbv7m-none-eabi thumbv6m-none-eabi thumbv8m.main-none-eabi thumbv8m.main-none-eabihf \
                 riscv32imac-unknown-none-elf riscv32imc-unknown-none-elf; do
            rustup target list --installed | grep -qx "$t" || rustup target add "$t"
        done
        command -v qemu-system-arm >/dev/null && command -v qemu-system-riscv32 >/dev/null ||
            { echo "error: qemu-system-arm or qemu-system-riscv32 missing after the install" >&2; exit 1; }
        python3 -c 'import serial' 2>/dev/null || pip install -q pyserial
        # matplotlib draws make bench's chart; optional (without it tools/bench/run.py writes the PNG itself).
        python3 -c 'import matplotlib' 2>/dev/null || pip install -q matplotlib || echo "note: matplotlib not installed" >&2 ;;
esac
