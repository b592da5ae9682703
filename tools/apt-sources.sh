# Sourced by install-deps.sh and fetch-micropython.sh: apt entries derived from the machine's
# own Debian sources (same mirror URI and keyring), so that no host name is written anywhere.

# debian_archive: prints "URI KEYRING" of the machine's main Debian archive (the first entry
# whose URI ends in /debian, not -security); KEYRING is empty for a one-line sources.list entry.
debian_archive() {
    local f base keyring
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        base=$(awk 'BEGIN{RS=""} /Types:[^\n]*deb/ { if (match($0, /URIs:[ \t]*[^ \t\n]*\/debian\/?(\n|$)/)) { s=substr($0,RSTART,RLENGTH); sub(/URIs:[ \t]*/,"",s); sub(/\n$/,"",s); print s; exit } }' "$f")
        if [ -n "$base" ]; then
            keyring=$(awk 'BEGIN{RS=""} /URIs:/ { if (match($0, /Signed-By:[ \t]*[^\n]*/)) { s=substr($0,RSTART,RLENGTH); sub(/Signed-By:[ \t]*/,"",s); print s; exit } }' "$f")
            echo "$base $keyring"
            return 0
        fi
    done
    if [ -f /etc/apt/sources.list ]; then
        base=$(awk '$1=="deb" && $2 ~ /\/debian\/?$/ {print $2; exit} $1=="deb" && $2 ~ /^\[/ && $3 ~ /\/debian\/?$/ {print $3; exit}' /etc/apt/sources.list)
        [ -n "$base" ] && { echo "$base"; return 0; }
    fi
    echo "error: no Debian archive found in /etc/apt sources" >&2
    return 1
}

# add_debian_source FILE TYPE SUITE: writes a deb822 entry for SUITE of the machine's archive
# to FILE (unless FILE already names that suite) and runs apt-get update.
add_debian_source() {
    local file=$1 type=$2 suite=$3 archive uri keyring
    if [ -f "$file" ] && grep -q "^Suites: $suite\$" "$file" && grep -q "^Types: $type\$" "$file"; then
        return 0
    fi
    [ "$(id -u)" = 0 ] || { echo "error: need root to add the apt entry for $type $suite" >&2; return 1; }
    archive=$(debian_archive) || return 1
    read -r uri keyring <<<"$archive"
    {
        echo "Types: $type"
        echo "URIs: $uri"
        echo "Suites: $suite"
        echo "Components: main"
        [ -n "$keyring" ] && echo "Signed-By: $keyring"
    } > "$file"
    echo "added apt entry: $type $suite (in $file)"
    apt_update
}

# apt_update and apt_install print nothing on success and everything apt said on failure.
apt_update() {
    local log
    log=$(mktemp)
    if ! apt-get update -q >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"
        echo "error: apt-get update failed (its output is above)" >&2
        return 1
    fi
    rm -f "$log"
}

# apt_install [-t SUITE] PKG...
apt_install() {
    local log target=()
    if [ "$1" = -t ]; then target=(-t "$2"); shift 2; fi
    echo "installing${target[*]:+ from ${target[1]}}: $*"
    log=$(mktemp)
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${target[@]}" "$@" >"$log" 2>&1; then
        cat "$log" >&2; rm -f "$log"
        echo "error: apt-get install${target[*]:+ ${target[*]}} $* failed (apt's reason is above)" >&2
        return 1
    fi
    rm -f "$log"
}
