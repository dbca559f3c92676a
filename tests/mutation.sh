#!/bin/sh
# mutation.sh check build mutant.diff source workdir
#
# The check's own test: apply a mutant (tests/mutants/NAME.diff, a diff
# against src/kern_xcall.c with a header saying what it breaks) and run
# xcallsim-check on the result with the machine of build.  A mutant of
# kind "bad" must fail within 60 s with a verdict that matches its
# "expect:" expression; one of kind "good" (the same protocol written
# another way) must pass the whole default check.
set -u

[ $# -eq 5 ] || { echo "usage: mutation.sh check build diff source dir" >&2
    exit 2; }
check=$1 build=$2 diff=$3 source=$4 dir=$5
name=$(basename "$diff" .diff)
kind=$(sed -n 's/^kind: //p' "$diff")
expect=$(sed -n 's/^expect: //p' "$diff")

mkdir -p "$dir"
if ! patch -s -o "$dir/$name.c" "$source" "$diff" >"$dir/patch.log" 2>&1
then
	cat "$dir/patch.log"
	echo "mutation: $name: the diff no longer applies to $source"
	exit 1
fi

start=$(date +%s)
if [ "$kind" = bad ]; then
	"$check" -q -B "$build" -o "$dir/out" "$dir/$name.c" \
	    >"$dir/check.log" 2>&1
else
	"$check" -B "$build" -o "$dir/out" "$dir/$name.c" \
	    >"$dir/check.log" 2>&1
fi
status=$?
secs=$(( $(date +%s) - start ))
verdict=$(grep -E '^xcallsim-check: (PASS|FAIL)' "$dir/check.log")
cat "$dir/check.log"
echo "mutation: $name ($kind) in $secs s: $verdict"

case $kind in
bad)
	if [ $status -eq 0 ]; then
		echo "mutation: $name: the check passed a broken file"
		exit 1
	fi
	if ! echo "$verdict" | grep -Eq -- "$expect"; then
		echo "mutation: $name: the verdict does not say /$expect/"
		exit 1
	fi
	if [ $secs -gt 60 ]; then
		echo "mutation: $name: the verdict took $secs s, over 60"
		exit 1
	fi ;;
good)
	if [ $status -ne 0 ]; then
		echo "mutation: $name: the check failed an equivalent file"
		exit 1
	fi ;;
*)
	echo "mutation: $name: no kind in $diff"
	exit 1 ;;
esac
exit 0
