#!/bin/sh
# header_names.sh header...
#
# The identifiers the headers name in code, comments stripped, one per
# line, sorted: what exported_symbols.sh and kernel_domain.sh hold the
# library's symbols to.  Perl (essential on Debian, in OpenBSD's base)
# strips the comments, so the answer does not depend on the compiler.
set -u
command -v perl >/dev/null || { echo "header_names: no perl" >&2; exit 77; }
perl -0777 -ne 's{/\*.*?\*/}{ }gs; s{//[^\n]*}{}g; print' "$@" |
    grep -o -E '[A-Za-z_][A-Za-z_0-9]*' | sort -u
