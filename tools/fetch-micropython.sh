#!/usr/bin/env bash
# Fetch MicroPython's source tree from Debian's `micropython` source package into $1.
# The deb-src entry is derived from the machine's own Debian sources (tools/apt-sources.sh),
# suite "sid" (the suite that carries 1.26.1).  No host name is written here.
set -euo pipefail
dest=${1:?usage: fetch-micropython.sh DEST [VERSION]}
version=${2:-1.26.1}
debver="${version}+ds-1"
[ -f "$dest/py/mpconfig.h" ] && exit 0

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: '$1' not found: install it ($2)" >&2; exit 1; }; }
need apt-get "a Debian system is required to fetch MicroPython; or set MICROPY_DIR=/path/to/micropython"
need tar "apt-get install tar xz-utils"

. "$(dirname "$0")/apt-sources.sh"
if ! apt-cache showsrc "micropython=$debver" 2>/dev/null | grep -q "^Version: $debver\$"; then
    add_debian_source /etc/apt/sources.list.d/rustos-micropython-src.sources deb-src sid ||
        { echo "error: could not add the deb-src entry; set MICROPY_DIR=/path/to/micropython" >&2; exit 1; }
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get source --download-only -q "micropython=$debver" >"$tmp/log" 2>&1) \
    || { cat "$tmp/log" >&2; echo "error: apt-get source micropython=$debver failed (its output is above)" >&2; exit 1; }
mkdir -p "$dest.tmp"
tar -xJf "$tmp"/micropython_"$version"+ds.orig.tar.xz -C "$dest.tmp" --strip-components=1
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "MicroPython $version source in $dest"
