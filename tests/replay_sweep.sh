#!/bin/sh
# replay_sweep.sh [-e every] [-s some ...] first last program [args ...]
#
# Run program under XCALLSIM_REPLAY=seed for each seed from first to
# last and print how each run ended.  Every run's output must match the
# extended regular expression of -e, and each -s expression must match
# the output of at least one run.  Seeds are how replay explores
# orderings; which seed finds what changes with the code, so a sweep
# asks for what PCT finds among many, never for one seed's outcome.
set -u

every=
some=
while getopts e:s: opt; do
	case $opt in
	e)	every=$OPTARG ;;
	s)	some="$some
$OPTARG" ;;
	*)	echo "usage: replay_sweep.sh [-e every] [-s some ...]" \
		    "first last program [args ...]" >&2
		exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 3 ] || { echo "replay_sweep.sh: first last program" >&2; exit 2; }
first=$1 last=$2
shift 2

out=$(mktemp)
all=$(mktemp)
trap 'rm -f "$out" "$all"' EXIT
fail=0
seed=$first
while [ "$seed" -le "$last" ]; do
	XCALLSIM_REPLAY=$seed "$@" >"$out" 2>&1
	end=$(grep -E -m1 'panic: |xcall_torture: (SUCCESS|FAILURE)' "$out")
	echo "seed $seed: $end"
	cat "$out" >>"$all"
	if [ -n "$every" ] && ! grep -Eq "$every" "$out"; then
		echo "replay_sweep: seed $seed does not match /$every/"
		fail=1
	fi
	seed=$((seed + 1))
done
echo "$some" | while IFS= read -r want; do
	[ -z "$want" ] && continue
	if grep -Eq "$want" "$all"; then
		echo "replay_sweep: found /$want/"
	else
		echo "replay_sweep: no seed from $first to $last matches /$want/"
		exit 1
	fi
done || fail=1
[ $fail -eq 0 ] && echo "replay_sweep: PASS" || echo "replay_sweep: FAIL"
exit $fail
