#!/bin/sh
# Compare the exported symbols of a shared library with a committed list.
# usage: check-symbols.sh LIB LIST [--update]
set -eu
lib=$1 list=$2
actual=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {sub(/@.*/, "", $3); print $3}' | sort -u)
if [ "${3:-}" = "--update" ]; then
    printf '%s\n' "$actual" > "$list"
    echo "wrote $(wc -l < "$list") symbols to $list"
    exit 0
fi
stray=$(printf '%s\n' "$actual" | grep -v '^amem_' || true)
if [ -n "$stray" ]; then
    echo "symbols outside the amem_ namespace are exported:" >&2
    printf '  %s\n' $stray >&2
    exit 1
fi
if ! printf '%s\n' "$actual" | diff -u "$list" - ; then
    echo "exported symbols differ from $list (run 'make update-symbols' after an intended ABI change)" >&2
    exit 1
fi
echo "abi: $(printf '%s\n' "$actual" | wc -l) exported symbols match $list"
