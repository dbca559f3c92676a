#!/bin/sh
# check_output.sh check build source dir
#
# The check's outputs on our own MI file: the KTAP file (-t), and the
# coverage of the file (-c), which needs gcovr; without it, SKIP (77).
set -u

[ $# -eq 4 ] || { echo "usage: check_output.sh check build source dir" >&2
    exit 2; }
check=$1 build=$2 source=$3 dir=$4
mkdir -p "$dir"
"$check" -q -c -s unit -B "$build" -o "$dir/out" -t "$dir/check.ktap" \
    "$source" >"$dir/check.log" 2>&1
status=$?
cat "$dir/check.log"
[ $status -eq 0 ] || { echo "check_output: the check failed"; exit 1; }
head -1 "$dir/check.ktap" | grep -qx 'KTAP version 1' &&
    sed -n 2p "$dir/check.ktap" | grep -qx '1\.\.2' &&
    grep -q '^ok 1 build' "$dir/check.ktap" &&
    grep -q '^ok 2 unit' "$dir/check.ktap" ||
    { cat "$dir/check.ktap"; echo "check_output: bad KTAP"; exit 1; }
if ! command -v gcovr >/dev/null 2>&1; then
	echo "check_output: SKIP coverage: gcovr is not installed"
	exit 77
fi
grep -Eq '^coverage mp kernel lines: [0-9.]+%' "$dir/check.log" &&
    [ -f "$dir/out/coverage/mp/index.html" ] ||
    { echo "check_output: no coverage report"; exit 1; }
echo "check_output: KTAP and coverage as documented"
