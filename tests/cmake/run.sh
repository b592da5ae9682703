#!/usr/bin/env bash
# micropython.cmake as rp2 and esp32 use it, one platform row at a time, with the SDK's own
# CPU flags (pico-sdk's, ESP-IDF's) on Debian's cross compiler.  Two checks a row:
#   cmake  configured only (RUSTOS_DRY_RUN, tests/cmake/CMakeLists.txt): the Rust target
#          chosen, the cargo invocation (target, getrandom backend, the compiler's system
#          include dirs, the firmware's own include dirs and definitions for bindgen);
#   link   built for real (tests/cmake/link/CMakeLists.txt: MicroPython's py, extmod,
#          usermod and mkrules cmake files put together as rp2 and esp32 do, the QEMU port
#          as the board): micropython.cmake's own command runs cargo for librustos.a, the
#          C glue and the core compile with the cross gcc, firmware.elf links.  Checked:
#          the generated module table registers our os and vfs, not stock's; members of
#          librustos.a are in the image; no symbol is left undefined; every symbol the glue
#          and the whole staticlib (every member, used here or not) take from outside is
#          defined by the firmware's other objects (MicroPython, the port) or the
#          toolchain's libgcc/libc (the C library rp2 and esp32 link; the Arm stand-in, like
#          the QEMU port, links none); the ELF has the row's architecture and float ABI.
# Xtensa (esp32) has no Rust toolchain here: its row checks the message and says so.
# usage: tests/cmake/run.sh MICROPY_DIR BUILD_DIR [ROW_REGEX]
set -u
export LC_ALL=C
MPY=$(cd "$1" && pwd)
mkdir -p "$2"
B=$(cd "$2" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
export GIT_CEILING_DIRECTORIES=$B  # MicroPython's makeversionhdr.py: not our git history
only=${3:-}
jobs=$(nproc)
pass=0
fail=0
ok() { echo "pass  $*"; pass=$((pass + 1)); }
bad() { echo "FAIL  $*"; fail=$((fail + 1)); }

# GLOBAL/WEAK symbols defined (or, with -u, undefined) in ELF objects and archives.
# (readelf, not nm: nm hands the Rust objects to the LLVM bfd plugin, which aborts.)
syms() {
    local undef=0
    [ "$1" = -u ] && { undef=1; shift; }
    "$readelf" -sW "$@" 2>/dev/null | awk -v u=$undef '($5 == "GLOBAL" || $5 == "WEAK") && $8 != "" \
        && ((u && $7 == "UND") || (!u && $7 != "UND")) { sub(/@.*/, "", $8); print $8 }' | sort -u
}

# name, cmake -D option, expected Rust target, C compiler, SDK CPU flags, board, gchelper,
# link -march, then what readelf -h/-A and objdump -f must show (a leading ! = must not).
row() {
    local name=$1 opt=$2 want=$3 cc=$4 flags=$5 board=$6 gch=$7 larch=$8
    shift 8
    [[ -z "$only" || "$name" =~ $only ]] || return 0
    local tc=(-DCMAKE_SYSTEM_NAME=Generic "-DCMAKE_C_COMPILER=$cc" -DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY
        "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_ASM_FLAGS=$flags")
    local common=(-DMICROPY_DIR="$MPY" -DUSER_C_MODULES="$top/micropython.cmake" "$opt" "${tc[@]}")
    if ! command -v "$cc" > /dev/null; then
        bad "cmake $name, link $name: $cc not installed (tools/install-deps.sh qemu)"
        return
    fi

    # cmake: configure only.
    local dir=$B/cmake-test/$name
    rm -rf "$dir"
    out=$(cmake -S "$here" -B "$dir" -DRUSTOS_DRY_RUN=ON "${common[@]}" 2>&1)
    got=$(echo "$out" | sed -n 's/^-- rustos target: //p')
    cmd=$(echo "$out" | sed -n 's/^-- rustos cargo: //p')
    cflags=$(cat "$dir/rustos/cflags.txt" 2>/dev/null || true)
    if [ "$got" = "$want" ] && [[ "$cmd" == *"--target $want"* ]] \
        && [[ "$cmd" == *'getrandom_backend="custom"'* ]] && [[ "$cmd" == *"RUSTOS_CFLAGS_FILE="* ]] \
        && [[ "$cmd" == *"RUSTOS_CLANG_ARGS=-isystem /"* ]] \
        && [[ "$cflags" == *"-I/stand-in/port/include"* ]] && [[ "$cflags" == *"-DSTAND_IN_PORT=1"* ]] \
        && [[ "$cflags" == *"-DMICROPY_PY_OS=0"* ]] && [[ "$cflags" != *"_zicsr"* ]]; then
        ok "cmake $name -> $want"
    else
        bad "cmake $name: want $want, got '$got'"
        echo "$out" | tail -5
    fi

    local t0=$SECONDS
    # link: the stand-in port, built.  One cargo target dir serves every row, so the host
    # build dependencies (bindgen...) compile once and rows of one Rust target share the rest.
    dir=$B/cmake-link/$name
    rm -rf "$dir"
    mkdir -p "$B/cmake-link/cargo" "$dir/rustos"
    ln -s "$B/cmake-link/cargo" "$dir/rustos/cargo"
    local log=$dir/build.log
    if ! cmake -S "$here/link" -B "$dir" "${common[@]}" -DSTAND_IN_BOARD="$board" -DSTAND_IN_GCHELPER="$gch" \
        -DSTAND_IN_LINK_ARCH="$larch" > "$log" 2>&1 || ! cmake --build "$dir" -j "$jobs" >> "$log" 2>&1; then
        bad "link $name: the build failed (log: $log)"
        grep -E "error|undefined reference|multiple definition" "$log" | head -8 | sed 's/^/      /'
        return
    fi
    local fw=$dir/firmware.elf lib=$dir/rustos/cargo/$want/release/librustos.a
    [ -f "$dir/rustos/librustos.a" ] && lib=$dir/rustos/librustos.a  # RISC-V: stripped of debug sections
    local bin=${cc%gcc} why=()
    readelf=${bin}readelf
    # Our os and vfs in the module table (the qstr scanner saw MICROPY_PY_OS=0 / VFS=0).
    local mods=$dir/genhdr/moduledefs.h
    grep -q "&rustos_os_module" "$mods" && grep -q "&rustos_vfs_module" "$mods" \
        && ! grep -qE "&mp_module_(os|vfs)\b" "$mods" || why+=("module table: $(grep -E 'MODULE_DEF_(OS|VFS) ' "$mods" | tr '\n' ' ')")
    local members
    members=$(sed -n '/^Archive member included/,/^Discarded input sections/p' "$dir/firmware.map" \
        | grep -c "^[^ ].*librustos\.a(")
    [ "$members" -gt 0 ] || why+=("no member of librustos.a in the image")
    # Left undefined: only the unwinder personality named by the unwind tables that the QEMU
    # HAL's discard_exidx.ld drops (Arm); nothing else.
    local undef
    undef=$(syms -u "$fw" | grep -v '^__aeabi_unwind_cpp_pr[0-2]$' | tr '\n' ' ')
    [ -z "$undef" ] || why+=("undefined in firmware.elf: $undef")
    # The glue (c/, the port's rustos_rng.c) and every member of the staticlib, as one object.
    local glue=() o
    while IFS= read -r o; do glue+=("$o"); done < <(find "$dir/CMakeFiles/firmware.dir$top/c" \
        "$dir/CMakeFiles/firmware.dir$top/ports/rp2" "$dir/CMakeFiles/firmware.dir$top/ports/esp32" -name '*.obj' 2>/dev/null)
    # (without --specs: picolibc's would bring its linker script into the partial link)
    # shellcheck disable=SC2086
    if $cc $(printf '%s\n' $flags | grep -v '^--specs=') -nostdlib -r -o "$dir/ours.o" "${glue[@]}" -Wl,--whole-archive "$lib" -Wl,--no-whole-archive \
        > "$dir/ours.log" 2>&1; then
        local others=() need from_fw from_lib missing
        while IFS= read -r o; do others+=("$o"); done < <(find "$dir/CMakeFiles/firmware.dir" -name '*.obj' \
            | grep -v -e "$top/c/" -e "$top/ports/rp2/" -e "$top/ports/esp32/")
        need=$(syms -u "$dir/ours.o")
        from_fw=$(comm -12 <(echo "$need") <(syms "${others[@]}"))
        # shellcheck disable=SC2086
        from_lib=$(comm -23 <(echo "$need") <(echo "$from_fw") | comm -12 - <(syms \
            "$($cc $flags $larch -print-libgcc-file-name)" "$(libc "$cc" "$flags $larch")"))
        missing=$(comm -23 <(echo "$need") <(printf '%s\n' $from_fw $from_lib | sort -u) | tr '\n' ' ')
        [ -z "$missing" ] || why+=("taken from nowhere: $missing")
    else
        why+=("partial link of the glue and librustos.a failed: $(grep -m1 error "$dir/ours.log")")
    fi
    # The architecture and float ABI.
    local elf p
    elf=$("$readelf" -h -A "$fw"; "${bin}objdump" -f "$fw")
    for p in "$@"; do
        if [ "${p#!}" != "$p" ]; then
            ! echo "$elf" | grep -qE "${p#!}" || why+=("ELF shows '${p#!}'")
        else
            echo "$elf" | grep -qE "$p" || why+=("ELF lacks '$p'")
        fi
    done
    local arch
    arch=$(echo "$elf" | sed -n 's/^architecture: \([^,]*\).*/\1/p')
    arch+=", $(echo "$elf" | sed -n 's/^ *Flags: *0x[0-9a-f]*, //p')"
    arch+=$(echo "$elf" | sed -n 's/^ *Tag_RISCV_arch: "\(.*\)"/, \1/p')
    if [ ${#why[@]} -eq 0 ]; then
        ok "link $name ($((SECONDS - t0)) s): firmware.elf ($arch); $members librustos.a members in it; glue + whole staticlib" \
            "take $(echo "$from_fw" | grep -c .) symbols from MicroPython/the port and" \
            "$(echo "$from_lib" | grep -c .) from libgcc/libc ($(echo $from_lib)), none unresolved"
    else
        bad "link $name:"
        printf '      %s\n' "${why[@]}"
    fi
}

# The C library the SDKs link: newlib for arm-none-eabi; for Debian's RISC-V gcc, picolibc.
libc() {  # cc, flags
    local multi
    multi=$($1 $2 -print-multi-directory)
    case $1 in
        riscv*) echo "/usr/lib/picolibc/riscv64-unknown-elf/lib/$multi/libc.a" ;;
        *) $1 $2 -print-file-name=libc.a ;;
    esac
}

ARM=arm-none-eabi-gcc
RV=riscv64-unknown-elf-gcc
# pico-sdk's flags (cmake/preload/toolchains: pico_arm_cortex_m0plus_gcc, pico_arm_cortex_m33_gcc,
# pico_riscv_gcc) and ESP-IDF 5's (tools/cmake/toolchain-esp32c3/c6); Debian's RISC-V gcc
# defaults to rv64, so -mabi=ilp32, and takes its C library from picolibc.specs.  Its
# multilib matching (GCC 12) does not see through _zicsr etc., so the link names the base
# ISA to pick the rv32imac (rv32im for imc) libgcc/picolibc: the code compiled is the same.
row rp2040 -DPICO_PLATFORM=rp2040 thumbv6m-none-eabi $ARM \
    "-mcpu=cortex-m0plus -mthumb" MPS2_AN385 thumb1 "" \
    "^architecture: armv6s-m," "Tag_CPU_arch: v6S-M" "soft-float ABI" "!Tag_ABI_VFP_args: VFP registers"
row rp2350-arm -DPICO_PLATFORM=rp2350-arm-s thumbv8m.main-none-eabi $ARM \
    "-mcpu=cortex-m33 -mthumb -march=armv8-m.main+fp+dsp -mfloat-abi=softfp -mcmse" MPS2_AN385 thumb2 "" \
    "^architecture: armv8-m.main," "Tag_CPU_arch: v8-M.mainline" "soft-float ABI" "!Tag_ABI_VFP_args: VFP registers"
# A firmware built hard-float (not pico-sdk's default) takes the eabihf target.
row rp2350-arm-hardfloat -DPICO_PLATFORM=rp2350-arm-s thumbv8m.main-none-eabihf $ARM \
    "-mcpu=cortex-m33 -mthumb -march=armv8-m.main+fp+dsp -mfloat-abi=hard" MPS2_AN385 thumb2 "" \
    "^architecture: armv8-m.main," "Tag_CPU_arch: v8-M.mainline" "hard-float ABI" "Tag_ABI_VFP_args: VFP registers"
# GCC 12 (Debian 12's) crashes on some Zbs code (internal compiler error in extract_insn on
# a constant 0x800: riscv-collab/riscv-gnu-toolchain#1317; littlefs's lfs.c has one), so
# with such a compiler RP2350's RISC-V row is built without Zbs, and says so.
rp2350_rv=rv32imac_zicsr_zifencei_zba_zbb_zbs_zbkb
if command -v $RV > /dev/null && [[ -z "$only" || rp2350-riscv =~ $only ]] \
    && ! echo 'unsigned f(unsigned a) { return (a & 0x800) ? 0x800 : a - 0x800; }' \
    | $RV -O2 -march=rv32imac_zbs -mabi=ilp32 -x c -c -o /dev/null - > /dev/null 2>&1; then
    rp2350_rv=${rp2350_rv/_zbs/}
    echo "note  link rp2350-riscv: built with -march=$rp2350_rv, pico-sdk's without Zbs: $RV" \
        "($($RV -dumpversion)) crashes compiling Zbs code (riscv-collab/riscv-gnu-toolchain#1317)"
fi
row rp2350-riscv -DPICO_PLATFORM=rp2350-riscv riscv32imac-unknown-none-elf $RV \
    "-march=$rp2350_rv -mabi=ilp32 --specs=picolibc.specs" VIRT_RV32 rv32i -march=rv32imac \
    "^architecture: riscv:rv32," "Class: +ELF32" "RVC, soft-float ABI" 'Tag_RISCV_arch: "rv32i[^"]*_m[^"]*_a[^"]*_c'
row esp32c3 -DIDF_TARGET=esp32c3 riscv32imc-unknown-none-elf $RV \
    "-march=rv32imc_zicsr_zifencei -mabi=ilp32 --specs=picolibc.specs" VIRT_RV32 rv32i -march=rv32imc \
    "^architecture: riscv:rv32," "Class: +ELF32" "RVC, soft-float ABI" 'Tag_RISCV_arch: "rv32i[^"]*_m[^"]*_c' '!Tag_RISCV_arch: "[^"]*_a[0-9]'
row esp32c6 -DIDF_TARGET=esp32c6 riscv32imac-unknown-none-elf $RV \
    "-march=rv32imac_zicsr_zifencei -mabi=ilp32 --specs=picolibc.specs" VIRT_RV32 rv32i -march=rv32imac \
    "^architecture: riscv:rv32," "Class: +ELF32" "RVC, soft-float ABI" 'Tag_RISCV_arch: "rv32i[^"]*_m[^"]*_a[^"]*_c'

# Xtensa without Espressif's toolchain: one clear line, not a wall of errors.
out=$(cmake -S "$here" -B "$B/cmake-test/esp32" -DMICROPY_DIR="$MPY" -DUSER_C_MODULES="$top/micropython.cmake" \
    -DRUSTOS_DRY_RUN=ON -DIDF_TARGET=esp32 2>&1)
if [[ "$out" == *"needs Espressif's Rust toolchain"* ]] && ! rustup toolchain list | grep -q '^esp'; then
    ok "cmake esp32 (Xtensa) -> says what to install"
    echo "note  link esp32 (Xtensa): not built: needs Espressif's Rust toolchain (espup; rustup has no" \
        "xtensa target) and xtensa-esp32-elf-gcc (not in Debian)"
else
    bad "cmake esp32 (Xtensa)"
fi
echo "cmake: $pass passed, $fail failed"
[ "$fail" = 0 ]
