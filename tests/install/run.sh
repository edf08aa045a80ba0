#!/bin/sh
# Stage an install under a temporary DESTDIR, build a C and a C++ program with
# pkg-config against the staged copy, run them, then stage an uninstall.
# Then install for real into two temporary prefixes, one after the other:
# each gets a pkg-config file for its own prefix, the amem tool and the
# Python package, which finds its library with no path variables.
set -eu
python=${PYTHON:-/usr/bin/python3}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/opt/assocmem-test
make -s install DESTDIR="$stage" PREFIX="$prefix" PYTHON_SITEDIR=none >/dev/null
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
make -s uninstall DESTDIR="$stage" PREFIX="$prefix" PYTHON_SITEDIR=none >/dev/null
left=$(find "$stage$prefix" -type f | wc -l)
[ "$left" -eq 0 ] || { echo "uninstall left $left files" >&2; exit 1; }

# Real installs into two prefixes (the second must not reuse the first's
# pkg-config file).
for name in first second; do
    p="$stage/$name"
    site="$p/site"
    make -s install PREFIX="$p" PYTHON="$python" PYTHON_SITEDIR="$site" >/dev/null
    pc_libdir=$(PKG_CONFIG_PATH="$p/lib/pkgconfig" pkg-config --variable=libdir assocmem)
    [ "$pc_libdir" = "$p/lib" ] || { echo "assocmem.pc of $p says libdir=$pc_libdir" >&2; exit 1; }
    "$p/bin/amem" --version >/dev/null
    loaded=$(cd "$stage" && env -u ASSOCMEM_LIBRARY -u LD_LIBRARY_PATH PYTHONPATH="$site" \
        "$python" -c 'import assocmem; print(assocmem.library_path())')
    [ "$loaded" = "$p/lib/libassocmem.so.${soname##*.so.}" ] || {
        echo "the package installed in $site loaded $loaded" >&2; exit 1; }
done
make -s uninstall PREFIX="$stage/first" PYTHON_SITEDIR="$stage/first/site" >/dev/null
left=$(find "$stage/first" -type f | wc -l)
[ "$left" -eq 0 ] || { echo "uninstall of a prefix left $left files" >&2; exit 1; }
echo "install: staged install, pkg-config build (C, C++), run and uninstall passed;" \
     "two prefixes: pkg-config, amem and the Python package each right"
