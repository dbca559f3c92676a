#!/bin/sh
# host_layer.sh cc backend layer-object object...
#
# The host layer's wall (sim/host): no object of the library outside it
# names an interface only some hosts have (Linux's syscall(2), gettid,
# futex, perf_event_open, membarrier, CPU affinity, or a /proc path),
# except the widen fault's watch.c, which on Linux builds its
# watchpoints with perf_event_open(2).  In a portable build the layer
# itself must name none of them either.  The rule is first tried on an
# object that breaks it, so that a check that cannot fail fails.
set -u

[ $# -ge 4 ] || { echo "usage: host_layer.sh cc backend layer-object" \
    "object..." >&2; exit 2; }
cc=$1 backend=$2 layer=$3
shift 3
command -v nm >/dev/null || { echo "SKIP: no nm"; exit 77; }
command -v strings >/dev/null || { echo "SKIP: no strings"; exit 77; }
work=$(mktemp -d /tmp/xcallsim-host.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Linux's, then the BSDs' and macOS's own: the layer's business only.
only_some='^(syscall|gettid|futex|perf_event_open|membarrier'
only_some="$only_some|sched_getcpu|sched_setaffinity|pthread_[gs]etaffinity_np"
only_some="$only_some|getthrid|_umtx_op|os_sync_wait_on_address.*"
only_some="$only_some|__ulock_wait|__ulock_wake)\$"

# rule object...: print what each object names that it may not.
rule() {
	for o in "$@"; do
		nm -u "$o" | awk '{ print $NF }' | sed 's/@.*//' |
		    grep -E "$only_some" | sed "s|^|$o: calls |"
		strings -a "$o" | grep '/proc/' | sed "s|^|$o: reads |"
	done
}

cat >"$work/bad.c" <<'EOT'
#include <unistd.h>
long bad(void) { return syscall(186, "/proc/self/stat"); }
EOT
if ! "$cc" -c -o "$work/bad.o" "$work/bad.c" 2>"$work/cc.err"; then
	cat "$work/cc.err"
	echo "host_layer: cannot compile the self-test"
	exit 1
fi
if [ -z "$(rule "$work/bad.o")" ]; then
	echo "host_layer: the rule passes an object that calls syscall(2)" \
	    "on a /proc path: it checks nothing"
	exit 1
fi

# The layer may be more than one object; its others come among "$@".
out=$(for o in "$@"; do
	case $o in
	*/sim/host/*)
		[ "$backend" = portable ] && rule "$o"
		continue ;;
	*/watch.c.o|*/watch.c.obj)
		[ "$backend" = linux ] && continue ;;
	esac
	rule "$o"
done)
n=$(for o in "$@"; do echo "$o"; done | grep -vc '/sim/host/')
if [ "$backend" = portable ]; then
	out="$out$(rule "$layer")"
fi
if [ -n "$out" ]; then
	printf '%s\n' "$out"
	echo "host_layer: Linux or other host-only interfaces outside" \
	    "sim/host (backend $backend)"
	exit 1
fi
echo "host_layer: $n objects outside sim/host name no host-only" \
    "interface (backend $backend$( [ "$backend" = portable ] &&
    echo ", the layer included"))"
