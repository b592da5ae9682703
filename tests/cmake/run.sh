#!/usr/bin/env bash
# micropython.cmake, configured as rp2 and esp32 would configure it, one platform row at a
# time: checks the Rust target chosen, the cargo invocation (target, getrandom backend,
# the firmware's own include dirs and definitions for bindgen), and the Xtensa message.
# usage: tests/cmake/run.sh MICROPY_DIR BUILD_DIR
set -u
MPY=$1
B=$2
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
pass=0
fail=0
check() {  # name, cmake -D option, expected target
    local name=$1 opt=$2 want=$3 dir=$B/cmake-test/$1
    rm -rf "$dir"
    out=$(cmake -S "$here" -B "$dir" -DMICROPY_DIR="$MPY" -DUSER_C_MODULES="$top/micropython.cmake" \
        -DRUSTOS_DRY_RUN=ON "$opt" 2>&1)
    got=$(echo "$out" | sed -n 's/^-- rustos target: //p')
    cmd=$(echo "$out" | sed -n 's/^-- rustos cargo: //p')
    flags=$(cat "$dir/../$name/rustos/cflags.txt" 2>/dev/null || true)
    if [ "$got" = "$want" ] && [[ "$cmd" == *"--target $want"* ]] \
        && [[ "$cmd" == *'getrandom_backend="custom"'* ]] && [[ "$cmd" == *"RUSTOS_CFLAGS_FILE="* ]] \
        && [[ "$flags" == *"-I/stand-in/port/include"* ]] && [[ "$flags" == *"-DSTAND_IN_PORT=1"* ]] \
        && [[ "$flags" == *"-DMICROPY_PY_OS=0"* ]]; then
        echo "pass  cmake $name -> $want"
        pass=$((pass + 1))
    else
        echo "FAIL  cmake $name: want $want, got '$got'"
        echo "$out" | tail -5
        fail=$((fail + 1))
    fi
}
check rp2040 -DPICO_PLATFORM=rp2040 thumbv6m-none-eabi
check rp2350-arm -DPICO_PLATFORM=rp2350-arm-s thumbv8m.main-none-eabihf
check rp2350-riscv -DPICO_PLATFORM=rp2350-riscv riscv32imac-unknown-none-elf
check esp32c3 -DIDF_TARGET=esp32c3 riscv32imc-unknown-none-elf
check esp32c6 -DIDF_TARGET=esp32c6 riscv32imac-unknown-none-elf
# Xtensa without Espressif's toolchain: one clear line, not a wall of errors.
out=$(cmake -S "$here" -B "$B/cmake-test/esp32" -DMICROPY_DIR="$MPY" -DUSER_C_MODULES="$top/micropython.cmake" \
    -DRUSTOS_DRY_RUN=ON -DIDF_TARGET=esp32 2>&1)
if [[ "$out" == *"needs Espressif's Rust toolchain"* ]] && ! rustup toolchain list | grep -q '^esp'; then
    echo "pass  cmake esp32 (Xtensa) -> says what to install"
    pass=$((pass + 1))
else
    echo "FAIL  cmake esp32 (Xtensa)"
    fail=$((fail + 1))
fi
echo "cmake: $pass passed, $fail failed"
[ "$fail" = 0 ]
