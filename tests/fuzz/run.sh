#!/bin/sh
# run.sh target corpus seconds
#
# Fuzz target for a bounded time, starting from the kept corpus (which
# the run leaves alone: what it finds goes to a scratch corpus), and say
# how many inputs it tried.  A crash, a hang over 10 s, a sanitizer
# report or a broken invariant fails, with the fuzzer's report and the
# input that did it.
set -u

[ $# -eq 3 ] || { echo "usage: run.sh target corpus seconds" >&2; exit 2; }
bin=$1 corpus=$2 secs=$3
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
case $corpus in /*) ;; *) corpus=$(pwd)/$corpus ;; esac
name=$(basename "$bin")
work=$(mktemp -d /tmp/xcallsim-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"

(cd "$work" && "$bin" -max_total_time="$secs" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 "$work/corpus" "$corpus") \
    >"$work/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
if [ $rc -ne 0 ]; then
	echo "fuzz: $name: FAILED (exit $rc) after ${runs:-?} inputs:"
	tail -60 "$work/log"
	for a in "$work"/crash-* "$work"/timeout-* "$work"/oom-*; do
		[ -f "$a" ] || continue
		echo "fuzz: $name: the input, as bytes:"
		od -c "$a" | head -20
	done
	exit 1
fi
echo "fuzz: $name: ${runs:-?} inputs in $secs s," \
    "$(ls "$corpus" | wc -l) kept, $(ls "$work/corpus" | wc -l) new," \
    "no crash, hang or report"
