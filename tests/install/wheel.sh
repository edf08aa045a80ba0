#!/bin/sh
# The Python package as users get it, offline: pip builds a wheel from this
# checkout through the in-tree backend (pyproject.toml), the wheel goes into a
# fresh venv, and a recall runs from another folder with no PYTHONPATH,
# LD_LIBRARY_PATH or ASSOCMEM_LIBRARY. Then `pip install .` straight from the
# checkout, `pip uninstall`, and the contents of the sdist.
set -eu
python=${PYTHON:-/usr/bin/python3}
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "wheel: $*" >&2; exit 1; }
# A fresh make inside pip, not a child of the make running this test.
clean_env() { env -u PYTHONPATH -u LD_LIBRARY_PATH -u ASSOCMEM_LIBRARY \
                  -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$@"; }

# 1. The system's pip builds the wheel; its RECORD lists every file with the
#    right hash and size.
clean_env "$python" -m pip wheel -q --no-index --no-deps --no-cache-dir \
    -w "$work/wheels" . >/dev/null 2>"$work/pip.log" || { cat "$work/pip.log" >&2; fail "pip wheel failed"; }
wheel=$(ls "$work"/wheels/assocmem-*-py3-none-*.whl) || fail "no py3-none wheel built"
"$python" - "$wheel" <<'EOF'
import base64, hashlib, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
record = next(n for n in names if n.endswith(".dist-info/RECORD"))
listed = set()
for line in z.read(record).decode().splitlines():
    name, digest, size = line.rsplit(",", 2)
    listed.add(name)
    if name == record:
        continue
    data = z.read(name)
    want = "sha256=" + base64.urlsafe_b64encode(
        hashlib.sha256(data).digest()).rstrip(b"=").decode()
    assert digest == want and int(size) == len(data), "RECORD wrong for " + name
assert listed == names, "RECORD and archive differ: %s" % (listed ^ names)
for needed in ("assocmem/__init__.py", "assocmem/libassocmem.so"):
    assert needed in names, needed + " missing from the wheel"
assert any(n.endswith(".data/scripts/amem") for n in names), "amem missing"
EOF

# 2. A fresh venv (NumPy from the system) gets the wheel.
"$python" -m venv --system-site-packages "$work/venv"
venv_py="$work/venv/bin/python"
clean_env "$venv_py" -m pip install -q --no-index --no-cache-dir "$wheel" >/dev/null

# 3. From another folder, with no path variables: the package's own copy of
#    the library is loaded and a recall completes stored patterns.
recall_check() {
    mkdir -p "$work/elsewhere"
    (cd "$work/elsewhere" && clean_env "$venv_py" -c '
import os, sys
import assocmem
path = assocmem.library_path()
assert path.startswith(sys.prefix), "loaded " + path + ", not the venv copy"
net = assocmem.Hopfield("modern", dim=64, beta=8.0)
x = assocmem.random_patterns(200, 64, seed=1)
net.store(x)
cue, known = assocmem.corrupt_zero(x, 0.5, seed=2)
y = net.recall(cue, clamp=known)
err = assocmem.hamming(y, x)
assert err == 0.0, "recall error %g" % err
') || fail "$1: import or recall from the installed package failed"
    clean_env "$work/venv/bin/amem" --version >/dev/null || fail "$1: amem not installed"
}
recall_check "wheel"

# 4. pip uninstall removes everything the wheel put there.
clean_env "$venv_py" -m pip uninstall -q -y assocmem >/dev/null
[ ! -e "$work/venv/bin/amem" ] || fail "pip uninstall left bin/amem"
if (cd "$work/elsewhere" && clean_env "$venv_py" -c 'import assocmem' 2>/dev/null); then
    fail "pip uninstall left the package importable"
fi

# 5. `pip install .` straight from the checkout, with the venv's pip.
clean_env "$venv_py" -m pip install -q --no-index --no-cache-dir . >/dev/null \
    2>"$work/pip.log" || { cat "$work/pip.log" >&2; fail "pip install . failed"; }
recall_check "pip install ."

# 6. The sdist holds the sources and the build recipe, no build output.
sdist=$(cd "$root" && "$python" -c '
import sys; sys.path.insert(0, "python")
import assocmem_build
print(assocmem_build.build_sdist(sys.argv[1]))' "$work")
tar -tzf "$work/$sdist" > "$work/sdist.list"
base=${sdist%.tar.gz}
for f in pyproject.toml PKG-INFO Makefile python/assocmem_build.py \
         python/assocmem/__init__.py include/assocmem/common.h src/core/modelfile.c \
         src/data/idx_images.c tools/amem/main.c scripts/install-deps; do
    grep -qx "$base/$f" "$work/sdist.list" || fail "sdist lacks $f"
done
if grep -E "^$base/(lib|build|out|data)/" "$work/sdist.list" >/dev/null; then
    fail "sdist holds build output or data"
fi
echo "wheel: pip wheel (system pip), venv install, import and recall elsewhere, amem, uninstall, pip install ., sdist passed"
