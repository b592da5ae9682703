#!/usr/bin/env bash
# Fetch MicroPython's source tree from Debian's `micropython` source package into $1.
# The deb-src entry is derived from the machine's own Debian sources file: same mirror
# URI and keyring, suite "sid" (the suite that carries 1.26.1).  No host name is written here.
set -euo pipefail
dest=${1:?usage: fetch-micropython.sh DEST [VERSION]}
version=${2:-1.26.1}
debver="${version}+ds-1"
[ -f "$dest/py/mpconfig.h" ] && exit 0

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: '$1' not found: install it ($2)" >&2; exit 1; }; }
need apt-get "a Debian system is required to fetch MicroPython; or set MICROPY_DIR=/path/to/micropython"
need tar "apt-get install tar xz-utils"

srcfile=/etc/apt/sources.list.d/rustos-micropython-src.sources
if ! apt-cache showsrc "micropython=$debver" 2>/dev/null | grep -q "^Version: $debver\$"; then
    [ "$(id -u)" = 0 ] || { echo "error: need root to add a deb-src entry (or set MICROPY_DIR)" >&2; exit 1; }
    base=""
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # first deb822 stanza whose URIs end in /debian (the main archive, not -security)
        base=$(awk 'BEGIN{RS=""} /Types:[^\n]*deb/ { if (match($0, /URIs:[ \t]*[^ \t\n]*\/debian\/?(\n|$)/)) { s=substr($0,RSTART,RLENGTH); sub(/URIs:[ \t]*/,"",s); sub(/\n$/,"",s); print s; exit } }' "$f")
        if [ -n "$base" ]; then
            keyring=$(awk 'BEGIN{RS=""} /URIs:/ { if (match($0, /Signed-By:[ \t]*[^\n]*/)) { s=substr($0,RSTART,RLENGTH); sub(/Signed-By:[ \t]*/,"",s); print s; exit } }' "$f")
            break
        fi
    done
    if [ -z "$base" ] && [ -f /etc/apt/sources.list ]; then
        base=$(awk '$1=="deb" && $2 ~ /\/debian\/?$/ {print $2; exit} $1=="deb" && $2 ~ /^\[/ && $3 ~ /\/debian\/?$/ {print $3; exit}' /etc/apt/sources.list)
    fi
    [ -n "$base" ] || { echo "error: no Debian archive found in /etc/apt sources; set MICROPY_DIR" >&2; exit 1; }
    {
        echo "Types: deb-src"
        echo "URIs: $base"
        echo "Suites: sid"
        echo "Components: main"
        [ -n "${keyring:-}" ] && echo "Signed-By: $keyring"
    } > "$srcfile"
    apt-get update -qq >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get source --download-only -qq "micropython=$debver" >/dev/null 2>&1) \
    || { echo "error: apt-get source micropython=$debver failed" >&2; exit 1; }
mkdir -p "$dest.tmp"
tar -xJf "$tmp"/micropython_"$version"+ds.orig.tar.xz -C "$dest.tmp" --strip-components=1
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "MicroPython $version source in $dest"
