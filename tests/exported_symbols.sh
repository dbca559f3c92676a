#!/bin/sh
# exported_symbols.sh cc map shared static header...
#
# The shared library exports exactly what the installed headers name and
# the library defines (its static twin says what it defines), and every
# name it exports is in the version script, which names nothing the
# multiprocessor library lacks.  A name a header gains without the map,
# or an internal that leaks out, fails here.
set -u

[ $# -ge 5 ] || { echo "usage: exported_symbols.sh cc map shared static" \
    "header..." >&2; exit 2; }
cc=$1 map=$2 shared=$3 static=$4
shift 4
command -v nm >/dev/null || { echo "SKIP: no nm"; exit 77; }
work=$(mktemp -d /tmp/xcallsim-syms.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The identifiers the headers name in code, comments stripped.
sh "$(dirname "$0")/header_names.sh" "$@" >"$work/named" || exit $?
# Globals the library defines, and the dynamic symbols it exports.
# With emulated TLS (OpenBSD's) a thread-local NAME is __emutls_v.NAME,
# its initial value __emutls_t.NAME.
nm -g --defined-only "$static" | awk 'NF == 3 { print $3 }' |
    sed -E "s/^__emutls_[tv]\\.//" | sort -u >"$work/defined"
nm -D --defined-only "$shared" |
    awk 'NF == 3 && $2 != "A" { sub(/@.*/, "", $3); print $3 }' |
    sed -E "s/^__emutls_[tv]\\.//" | sort -u >"$work/exported"
# The version script's global names.
sed -e 's|/\*.*\*/||' "$map" | awk '
	/^[[:space:]]*\/?\*([[:space:]\/]|$)/ { next }
	/global:/ { on = 1; next }
	/local:/ { on = 0 }
	on && /;/ { gsub(/[[:space:];*]/, ""); if ($0 != "") print }
' | sort -u >"$work/map"
comm -12 "$work/named" "$work/defined" >"$work/want"

fail=0
say() {
	echo "exported_symbols: $(basename "$shared"): $1:"
	sed 's/^/	/' "$2"
	fail=1
}
comm -23 "$work/exported" "$work/want" >"$work/leaked"
[ -s "$work/leaked" ] && say "exports what no installed header names" \
    "$work/leaked"
comm -13 "$work/exported" "$work/want" >"$work/hidden"
[ -s "$work/hidden" ] && say "hides what an installed header names" \
    "$work/hidden"
comm -23 "$work/exported" "$work/map" >"$work/unmapped"
[ -s "$work/unmapped" ] && say "exports what $(basename "$map") lacks" \
    "$work/unmapped"
case $(basename "$shared") in
libxcallsim.so*)
	comm -13 "$work/exported" "$work/map" >"$work/stale"
	[ -s "$work/stale" ] &&
	    say "does not define what $(basename "$map") names" \
	    "$work/stale" ;;
esac
[ $fail -eq 0 ] && echo "exported_symbols: $(basename "$shared"):" \
    "$(wc -l <"$work/exported") symbols, as the headers and the map say"
exit $fail
