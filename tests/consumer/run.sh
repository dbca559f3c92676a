#!/bin/sh
# Install the build in $1 to a scratch prefix, then build and run
# consumer.c against it four ways: find_package with the shared and
# the static library, and pkg-config, each for the MULTIPROCESSOR and
# the uniprocessor kernel.
set -eu

build=$1
cc=${2:-cc}
cflags=${3:-}	# the build's own CMAKE_C_FLAGS (-femulated-tls, say)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/xcallsim-consumer.XXXXXX)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null

# A consumer that hangs (a broken MI file in the build) panics in its
# watchdog within seconds, and is killed if even that does not come.
export XCALLSIM_WATCHDOG=2000,panic
bounded() {
	timeout -k 5 60 "$@"
}

pcdir=$(dirname "$(find "$work/prefix" -name xcallsim.pc)")
libdir=$(dirname "$pcdir")

for target in xcallsim xcallsim_static xcallsim_up xcallsim_up_static; do
	echo "== find_package(xcallsim), xcallsim::$target"
	cmake -S "$here" -B "$work/cmake-$target" \
	    -DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$cflags" \
	    -DCMAKE_PREFIX_PATH="$work/prefix" \
	    -DXCALLSIM_TARGET="$target" >/dev/null
	cmake --build "$work/cmake-$target" >/dev/null
	LD_LIBRARY_PATH="$libdir" bounded "$work/cmake-$target/consumer"
done

export PKG_CONFIG_PATH="$pcdir"
for pc in xcallsim xcallsim_up; do
	echo "== pkg-config $pc"
	# shellcheck disable=SC2046
	"$cc" $cflags -o "$work/pc-$pc" "$here/consumer.c" \
	    $(pkg-config --cflags --libs "$pc")
	LD_LIBRARY_PATH="$libdir" bounded "$work/pc-$pc"
done

# The installed check, on the installed copy of our MI file: the unit
# stage, built from the installed archives and headers alone.
echo "== installed xcallsim-check"
"$work/prefix/bin/xcallsim-check" -q -s unit -o "$work/check" \
    "$work/prefix/share/xcallsim/kern_xcall.c"
