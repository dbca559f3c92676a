#!/bin/sh
# host_domain.sh cc source-dir kernel-objects -- pure-objects -- pure-sources
#	[-- include-dir...]
#
# The wall on the host side: the host-domain files that no longer read
# cpu_info's layout (CMake's XCALLSIM_HOST_PURE_SOURCES) are built as
# ordinary programs.  Each includes, all the way down, no file of the
# kernel shim path (sim/include), of the kernel domain (sim/kern), of
# the MI code (src) and not sim/xcs.h, which brings those in; and each
# object names no symbol of the kernel domain's but what the door
# declares (its upcalls).  Each rule is first tried on a file that
# breaks it, so that a check that cannot fail fails.
set -u

usage() {
	echo "usage: host_domain.sh cc source-dir kernel-object... --" \
	    "pure-object... -- pure-source... [-- include-dir...]" >&2
	exit 2
}
[ $# -ge 6 ] || usage
cc=$1 src=$2
shift 2
kern="" pure="" sources="" incs="-I$src/sim -I$src/sim/door -I$src/include"
part=kern
for a in "$@"; do
	if [ "$a" = -- ]; then
		case $part in
		kern)	part=pure ;;
		pure)	part=sources ;;
		*)	part=incs ;;
		esac
		continue
	fi
	case $part in
	kern)	kern="$kern $a" ;;
	pure)	pure="$pure $a" ;;
	sources) sources="$sources $a" ;;
	incs)	incs="$incs -I$a" ;;
	esac
done
[ -n "$kern" ] && [ -n "$pure" ] && [ -n "$sources" ] || usage
command -v nm >/dev/null || { echo "SKIP: no nm"; exit 77; }
work=$(mktemp -d /tmp/xcallsim-host-domain.XXXXXX)
trap 'rm -rf "$work"' EXIT

# include_rule source...: print each kernel file a source includes.
include_rule() {
	for f in "$@"; do
		# shellcheck disable=SC2086
		if ! "$cc" -M -D_GNU_SOURCE $incs "$f" >"$work/deps" \
		    2>"$work/cc.err"; then
			sed "s|^|$f: |" "$work/cc.err"
			continue
		fi
		kernel="^$src/(sim/include|sim/kern|src)/|^$src/sim/xcs\.h\$"
		tr ' \\' '\n\n' <"$work/deps" | grep -v '^$' | sed 1d |
		    grep -E "$kernel" |
		    sed "s|^|$f: includes |;
		    s|\$|, which only the kernel side may|"
	done
}

# symbol_rule object...: print each kernel-domain symbol an object names
# that the door does not declare.
symbol_rule() {
	sh "$(dirname "$0")/header_names.sh" "$src"/sim/door/*.h \
	    >"$work/door" || exit $?
	sort -u -o "$work/door" "$work/door"
	# shellcheck disable=SC2086
	nm -g --defined-only $kern 2>/dev/null | awk 'NF == 3 { print $3 }' |
	    sort -u | comm -23 - "$work/door" >"$work/kernel_only"
	for o in "$@"; do
		nm -u "$o" | awk '{ print $NF }' | sed 's/^__emutls_v\.//' |
		    sort -u | comm -12 - "$work/kernel_only" |
		    sed "s|^|$(basename "$o"): names |;
		    s|\$|, the kernel domain's, not the door's|"
	done
}

# The rules must catch what breaks them.
printf '#include "xcs.h"\n' >"$work/bad.c"
if [ -z "$(include_rule "$work/bad.c")" ]; then
	echo "host_domain: the include rule let sim/xcs.h through"
	exit 1
fi
printf '%s\n' 'int splraise(int);' 'int f(void) { return (splraise(0)); }' \
    >"$work/bad_sym.c"
"$cc" -c -o "$work/bad_sym.o" "$work/bad_sym.c" || exit 1
if [ -z "$(symbol_rule "$work/bad_sym.o")" ]; then
	echo "host_domain: the symbol rule let splraise through"
	exit 1
fi

{
	# shellcheck disable=SC2086
	include_rule $sources
	# shellcheck disable=SC2086
	symbol_rule $pure
} >"$work/broken"
if [ -s "$work/broken" ]; then
	echo "host_domain: the host domain's wall is broken:"
	sed 's/^/	/' "$work/broken"
	exit 1
fi
echo "host_domain: $(echo $sources | wc -w) files, $(echo $pure | wc -w)" \
    "objects: host headers, xcallsim.h and the door only"
