#!/usr/bin/env bash
# make check-ports: the crate (bindgen, cargo) and the C glue compiled against the real
# configurations of the rp2 and esp32 boards users build: the port's mpconfigport.h, the
# board's mpconfigboard.h and the definitions of the port's and board's cmake files, with
# stand-ins only for SDK headers (tests/ports/port.mk, tests/ports/<port>.mk,
# tests/ports/sdk/).  One line a board; exit 1 if any fails.  Logs in BUILD_DIR/ports.
# usage: tools/check_ports.sh BUILD_DIR MICROPY_DIR [BOARD_REGEX]
set -u
export LC_ALL=C
mkdir -p "$1/ports"
B=$(cd "$1" && pwd)/ports
MPY=$(cd "$2" && pwd)
only=${3:-}
top=$(cd "$(dirname "$0")/.." && pwd)
export GIT_CEILING_DIRECTORIES=$B  # MicroPython's makeversionhdr.py: not our git history
# USER_C_MODULES: a folder with a `rustos` link to the crate, as the Makefile's qemu targets.
mkdir -p "$B/usermods" "$B/cargo"
ln -sfn "$top" "$B/usermods/rustos"
jobs=${JOBS:-$(nproc)}
fail=0
t0=$SECONDS
#     port  board             variant  note (- for none; _ for a space)
while read -r port board variant note; do
    [ "$variant" = - ] && variant=
    if [ "$note" = - ]; then note=; else note=${note//_/ }; fi
    name=$board${variant:+ $variant}
    [[ -z "$only" || "$name" =~ $only ]] || continue
    dir=$B/$board${variant:+-$variant}
    log=$dir.log
    # One cargo target dir for all boards: the build dependencies (bindgen...) compile once.
    mkdir -p "$dir/rustos"
    ln -sfn "$B/cargo" "$dir/rustos/cargo"
    if make -C "$MPY/ports/$port" -f "$top/tests/ports/port.mk" -j"$jobs" BOARD="$board" \
        ${variant:+BOARD_VARIANT=$variant} BUILD="$dir" USER_C_MODULES="$B/usermods" check > "$log" 2>&1; then
        echo "$name ok${note:+ ($note)}"
    else
        echo "$name FAIL (see $log)"
        fail=1
    fi
done <<'BOARDS'
rp2   RPI_PICO          -      -
rp2   RPI_PICO_W        -      -
rp2   RPI_PICO2         -      -
rp2   RPI_PICO2         RISCV  -
esp32 ESP32_GENERIC_C3  -      -
esp32 ESP32_GENERIC_C6  -      -
esp32 ESP32_GENERIC     -      C_glue_only:_Xtensa,_no_Rust_toolchain_here
esp32 ESP32_GENERIC_S3  -      C_glue_only:_Xtensa,_no_Rust_toolchain_here
BOARDS
echo "check-ports: $((SECONDS - t0)) s" >&2
exit $fail
