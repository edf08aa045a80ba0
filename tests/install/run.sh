#!/bin/sh
# Stage an install under a temporary DESTDIR, build a C and a C++ program with
# pkg-config against the staged copy, run them, then stage an uninstall.
set -eu
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/opt/assocmem-test
make -s install DESTDIR="$stage" PREFIX="$prefix" >/dev/null
pcdir="$stage$prefix/lib/pkgconfig"
flags=$(PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$stage" pkg-config --cflags --libs assocmem)
libdir="$stage$prefix/lib"
test -L "$libdir/libassocmem.so" && test -f "$libdir/libassocmem.a"
soname=$(readelf -d "$libdir/libassocmem.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
case "$soname" in libassocmem.so.[0-9]*) ;; *) echo "bad SONAME '$soname'" >&2; exit 1;; esac
${CC:-cc} -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$stage/hello_c" tests/install/hello.c $flags
${CXX:-c++} -std=c++11 -Wall -Wextra -Wpedantic -Werror -o "$stage/hello_cpp" tests/install/hello.cpp $flags
LD_LIBRARY_PATH="$libdir" "$stage/hello_c"
LD_LIBRARY_PATH="$libdir" "$stage/hello_cpp"
make -s uninstall DESTDIR="$stage" PREFIX="$prefix" >/dev/null
left=$(find "$stage$prefix" -type f | wc -l)
[ "$left" -eq 0 ] || { echo "uninstall left $left files" >&2; exit 1; }
echo "install: staged install, pkg-config build (C, C++), run and uninstall passed"
