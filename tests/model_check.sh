#!/bin/sh
# Check src/kern_xcall.pml with spin: the model as written must pass,
# and each mutation must fail the way the model's comment says.  Also
# check that every "kern_xcall.c:N token" reference in the model still
# points at a line of src/kern_xcall.c containing that token.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
model="$top/src/kern_xcall.pml"
work=$(mktemp -d /tmp/xcallsim-spin.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0

grep -o 'kern_xcall\.c:[0-9]* [A-Za-z_]*' "$model" | sort -u |
while read -r ref token; do
	line=${ref#kern_xcall.c:}
	if ! sed -n "${line}p" "$top/src/kern_xcall.c" | grep -q "$token"; then
		echo "model: $ref no longer contains $token" >&2
		exit 1
	fi
done || status=1

# check WANT DEFINES...: WANT is pass, deadlock or double.
check() {
	want=$1
	shift
	(cd "$work" && rm -f pan pan.* ./*.trail &&
	    spin -a "$@" "$model" >/dev/null &&
	    cc -O2 -w -DSAFETY -o pan pan.c &&
	    ./pan -m1000000 >out 2>&1) || true
	got=other
	if grep -q 'errors: 0' "$work/out"; then
		got=pass
	elif grep -q 'invalid end state (' "$work/out"; then
		got=deadlock
	elif grep -q 'assertion violated (runs\[x\]==1)' "$work/out"; then
		got=double
	fi
	states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$work/out")
	printf '%-28s want %-8s got %-8s (%s states)\n' "${*:-as written}" \
	    "$want" "$got" "${states:-?}"
	if [ "$got" != "$want" ]; then
		cat "$work/out"
		status=1
	fi
}

check pass
check deadlock -DRAISED
check double -DREENTRANT -DLOADSTORE
check pass -DREENTRANT
check pass -DLOADSTORE
exit $status
