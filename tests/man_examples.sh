#!/bin/sh
# man_examples.sh cc cflags libs page...
#
# Compile and run every example program in the manual pages: each
# ".Bd -literal" block that has a main().  An example that does not
# build or run is a bug in the page.  Each runs with the watchdog in
# panic mode and a time limit, so a broken MI file fails it in seconds.
set -u

[ $# -ge 4 ] || { echo "usage: man_examples.sh cc cflags libs page..." >&2
    exit 2; }
cc=$1 cflags=$2 libs=$3
shift 3
work=$(mktemp -d /tmp/xcallsim-manex.XXXXXX)
trap 'rm -rf "$work"' EXIT
n=0
fail=0
for page in "$@"; do
	# One file per literal block; mdoc's \e is a backslash.
	awk -v out="$work/ex" '
		/^\.Bd -literal/ { inblock = 1; n++; file = out n ".c"; next }
		/^\.Ed/ { inblock = 0; next }
		inblock { gsub(/\\e/, "\\"); print > file }
	' "$page"
	for ex in "$work"/ex*.c; do
		[ -f "$ex" ] || continue
		if ! grep -q '^main(' "$ex"; then
			rm -f "$ex"
			continue
		fi
		n=$((n + 1))
		# shellcheck disable=SC2086
		if ! $cc $cflags -o "${ex%.c}" "$ex" $libs; then
			echo "man_examples: $(basename "$page"):" \
			    "an example does not compile"
			fail=1
		elif ! XCALLSIM_WATCHDOG=2000,panic timeout -k 5 60 \
		    "${ex%.c}" >"$work/out" 2>&1; then
			cat "$work/out"
			echo "man_examples: $(basename "$page"):" \
			    "an example fails"
			fail=1
		fi
		rm -f "$ex" "${ex%.c}"
	done
done
echo "man_examples: $n examples"
[ $n -gt 0 ] || { echo "man_examples: no example found"; exit 1; }
exit $fail
