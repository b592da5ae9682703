#!/usr/bin/env bash
# Cross-build the crate for every Rust target of the rp2/esp32 table (issue 7) that rustup
# provides, with bindgen against the QEMU port's headers as the stand-in configuration
# (its flags, with each target's CPU options): proves the crate builds no_std there,
# littlefs included.  Xtensa (ESP32, -S2, -S3) needs Espressif's toolchain: not here.
# usage: cross_check.sh BUILD_DIR MICROPY_DIR   (after `make firmware-qemu`)
set -euo pipefail
B=$1
MPY=$2
flags=$B/qemu-mps2/rustos/cflags.txt
[ -f "$flags" ] || { echo "error: $flags missing: run make firmware-qemu first" >&2; exit 1; }
fail=0
#        rust target                  C compiler               CPU options                                      clang target
while read -r target cc mflags clang; do
    mflags=${mflags//,/ }
    spec=""
    case $cc in riscv*) spec="--specs=picolibc.specs" ;; esac
    cf=$B/cross/$target.cflags
    mkdir -p "$B/cross"
    { grep -v '^-m' "$flags"; printf '%s\n' $mflags; } > "$cf"
    inc=$(echo | $cc $mflags $spec -E -Wp,-v -xc - 2>&1 | sed -n 's|^ \(/.*\)|-isystem \1|p' | tr '\n' ' ')
    tl=${target//[.-]/_}
    tu=$(echo "$tl" | tr a-z A-Z)
    if env RUSTOS_CFLAGS_FILE="$cf" RUSTOS_PORT_DIR="$MPY/ports/qemu" RUSTOS_CLANG_TARGET="$clang" \
        RUSTOS_CLANG_ARGS="$inc" "CARGO_TARGET_${tu}_RUSTFLAGS=--cfg getrandom_backend=\"custom\"" \
        "BINDGEN_EXTRA_CLANG_ARGS_${tl}=$inc" "CC_${tl}=$cc" "CFLAGS_${tl}=$mflags $spec" \
        CARGO_PROFILE_RELEASE_OPT_LEVEL=s \
        cargo build --quiet --release --target "$target" --target-dir "$B/cross" > "$B/cross/$target.log" 2>&1; then
        echo "pass  cross build $target ($(stat -c %s "$B/cross/$target/release/librustos.a") bytes)"
    else
        echo "FAIL  cross build $target (see $B/cross/$target.log)"
        fail=$((fail + 1))
    fi
done <<'TARGETS'
thumbv6m-none-eabi            arm-none-eabi-gcc        -mthumb,-mcpu=cortex-m0plus,-mfloat-abi=soft     thumbv6m-none-eabi
thumbv8m.main-none-eabi       arm-none-eabi-gcc        -mthumb,-mcpu=cortex-m33,-mfloat-abi=softfp      thumbv8m.main-none-eabi
thumbv8m.main-none-eabihf     arm-none-eabi-gcc        -mthumb,-mcpu=cortex-m33,-mfloat-abi=hard        thumbv8m.main-none-eabihf
riscv32imac-unknown-none-elf  riscv64-unknown-elf-gcc  -march=rv32imac,-mabi=ilp32                      riscv32-unknown-elf
riscv32imc-unknown-none-elf   riscv64-unknown-elf-gcc  -march=rv32imc,-mabi=ilp32                       riscv32-unknown-elf
TARGETS
exit $fail
