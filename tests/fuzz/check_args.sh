#!/bin/sh
# check_args.sh check build [runs]
#
# The check's command line, fuzzed: random vectors of its options, their
# values and operands (a shell script has no libFuzzer).  The operands
# name files that do not exist, so no run goes past the arguments: each
# must end within 10 s, with 0 for -h, 1 for a usage error or 2 for a
# bad operand, and say something on standard error; a hang, a crash or
# another status fails, with the command line.
set -u

[ $# -ge 2 ] || { echo "usage: check_args.sh check build [runs]" >&2; exit 2; }
check=$1 build=$2 runs=${3:-300}
work=$(mktemp -d /tmp/xcallsim-checkargs.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Pieces to draw from: options, values (bad and good), operands.
set -- -B -c -h -k -o -q -s -t -x -Z -- -sbench -Bx -s, \
    unit bogus build,unit replay,stress faults bench all "" , ,, \
    "$build" "$work/out" "$work/k.ktap" /nonexistent -1 "a b" "*" \
    "$work/none.c" "$work/none.h" "$work/none.c"
npieces=$#

# A pseudo-random number below $1, from a seeded linear congruence, so
# a failing vector comes back with the same seed.
seed=${XCALLSIM_CHECK_ARGS_SEED:-1}
rand() {
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	echo $(( seed / 65536 % $1 ))
}

fail=0
i=0
while [ $i -lt "$runs" ]; do
	i=$((i + 1))
	n=$(rand 6)
	vec=""
	j=0
	while [ $j -lt "$n" ]; do
		j=$((j + 1))
		k=$(( $(rand "$npieces") + 1 ))
		eval "piece=\${$k}"
		vec="$vec '$piece'"
	done
	eval "timeout 10 sh '$check' $vec" >"$work/out.log" 2>"$work/err.log"
	status=$?
	case $status in
	0|1|2)	;;
	*)	echo "check_args: status $status for:$vec"
		cat "$work/err.log"
		fail=1
		continue ;;
	esac
	if [ $status -ne 0 ] && [ ! -s "$work/err.log" ]; then
		echo "check_args: status $status and no message for:$vec"
		fail=1
	fi
done
[ $fail -eq 0 ] || exit 1
echo "check_args: $runs command lines (seed ${XCALLSIM_CHECK_ARGS_SEED:-1})," \
    "each answered at once with 0, 1 or 2 and a message"
