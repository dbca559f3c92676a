#!/bin/sh
# kernel_domain.sh cc source-dir mi-xcall.h object...
#
# The kernel domain's walls.  Its files (sim/kern/) include only kernel
# headers, <sys/...> and <machine/...>, the door (sim/door/xcshyper.h)
# and the domain's own headers; the door includes only <sys/types.h>.
# Their objects name only what a kernel header or the door declares, or
# what the domain itself defines: no host-domain symbol (the machine's
# tables, an instrument's functions, libc).  Each rule is first tried
# on a file that breaks it, so that a check that cannot fail fails.
set -u

[ $# -ge 4 ] || { echo "usage: kernel_domain.sh cc source-dir" \
    "mi-xcall.h object..." >&2; exit 2; }
cc=$1 src=$2 mixcall=$3
shift 3
command -v nm >/dev/null || { echo "SKIP: no nm"; exit 77; }
work=$(mktemp -d /tmp/xcallsim-domain.XXXXXX)
trap 'rm -rf "$work"' EXIT

# What the compiler or the C runtime supplies to any object; a
# sanitizer's own calls (__tsan_*, __asan_*, ...) are left out below.
cat >"$work/runtime" <<'EOF'
_GLOBAL_OFFSET_TABLE_
__emutls_get_address
__stack_chk_fail
__tls_get_addr
memcpy
memmove
memset
EOF

# include_rule file...: print each include that breaks the rule.
include_rule() {
	for f in "$@"; do
		dir=$(dirname "$f")
		grep -n '^[[:space:]]*#[[:space:]]*include' "$f" |
		while IFS= read -r line; do
			inc=$(printf '%s\n' "$line" | sed -E \
			    's/^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*//')
			case $inc in
			\<sys/*\>|\<machine/*\>|'"xcshyper.h"')
				continue ;;
			\"*\")
				h=$(printf '%s\n' "$inc" | tr -d '"')
				[ -f "$dir/$h" ] && continue ;;
			esac
			echo "$f:${line%%:*}: includes $inc, not a kernel" \
			    "header, the door or a header of sim/kern"
		done
	done
}

# door_rule door: the door includes <sys/types.h> and nothing else.
door_rule() {
	grep -n '^[[:space:]]*#[[:space:]]*include' "$1" |
	    grep -v '<sys/types.h>' |
	    sed "s|^|$1:|; s|\$| (the door includes only <sys/types.h>)|"
}

# symbol_rule object...: print each undefined symbol that is not the
# kernel's or the door's.
symbol_rule() {
	sh "$(dirname "$0")/header_names.sh" "$src"/sim/include/sys/*.h \
	    "$src"/sim/include/machine/*.h "$src"/sim/door/*.h \
	    "$mixcall" >"$work/named" || exit $?
	nm -g --defined-only "$@" 2>/dev/null |
	    awk 'NF == 3 { print $3 }' >>"$work/named"
	cat "$work/runtime" >>"$work/named"
	sort -u -o "$work/named" "$work/named"
	for o in "$@"; do
		nm -u "$o" | awk '{ print $NF }' |
		    sed 's/^__emutls_v\.//' | sort -u |
		    comm -23 - "$work/named" |
		    grep -v -E '^__(asan|lsan|tsan|ubsan|sanitizer)_' |
		    sed "s|^|$(basename "$o"): names |;
		    s|\$|, which no kernel header or the door declares|"
	done
}

# The rules must catch what breaks them.
mkdir "$work/kern"
printf '#include <sys/param.h>\n#include <pthread.h>\n' >"$work/kern/bad.c"
if [ -z "$(include_rule "$work/kern/bad.c")" ]; then
	echo "kernel_domain: the include rule let <pthread.h> through"
	exit 1
fi
printf '%s\n' 'int xcs_faults_init(void);' \
    'int f(void) { return (xcs_faults_init()); }' >"$work/bad_sym.c"
"$cc" -c -o "$work/bad_sym.o" "$work/bad_sym.c" || exit 1
if [ -z "$(symbol_rule "$work/bad_sym.o")" ]; then
	echo "kernel_domain: the symbol rule let xcs_faults_init through"
	exit 1
fi

# The kernel domain's objects, given with every object of the machine.
kern=""
for o in "$@"; do
	[ -f "$o" ] || { echo "kernel_domain: no object $o"; exit 1; }
	case $o in
	*/sim/kern/*) kern="$kern $o" ;;
	esac
done
[ -n "$kern" ] || { echo "kernel_domain: no sim/kern object given"; exit 1; }

{
	include_rule $(find "$src/sim/kern" -name '*.[ch]' | sort)
	door_rule "$src/sim/door/xcshyper.h"
	# shellcheck disable=SC2086
	symbol_rule $kern
} >"$work/broken"
if [ -s "$work/broken" ]; then
	echo "kernel_domain: the kernel domain's walls are broken:"
	sed 's/^/	/' "$work/broken"
	exit 1
fi
echo "kernel_domain: $(find "$src/sim/kern" -name '*.[ch]' | wc -l) files," \
    "$(echo $kern | wc -w) objects: kernel headers and the door only"
