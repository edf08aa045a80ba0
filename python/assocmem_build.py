"""PEP 517 build backend for the assocmem Python package, standard library only.

pyproject.toml names this module (backend-path = ["python"]), so `pip install
.` needs nothing beyond Python, pip and the C toolchain: no setuptools, no
network. build_wheel runs `make` in the source tree (the library and the
`amem` tool), then writes a wheel by hand:

    assocmem/*.py, *.pyi, py.typed      the ctypes package (python/assocmem)
    assocmem/libassocmem.so             the library, loaded before any other
    assocmem-V.data/scripts/amem        the command-line tool
    assocmem-V.dist-info/{METADATA,WHEEL,RECORD,top_level.txt}

The package loads the library with ctypes, so the wheel is tagged
py3-none-<platform>: any Python 3 on this platform, one build.

Environment: MAKE (default make), MAKEFLAGS (passed to make; without it the
build runs one job per CPU). The version comes from include/assocmem/common.h,
the other metadata from pyproject.toml's [project] table.
"""

import base64
import hashlib
import io
import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                     os.pardir))
NAME = "assocmem"
TAG = None  # computed on first use: py3-none-<platform>

# Top-level folders never shipped in an sdist (build output, data, caches).
_SDIST_SKIP = {".git", "build", "build-asan", "build-fuzz", "build-blis",
               "build-clang", "lib", "out", "data", ".pytest_cache", "dist"}


# ---- metadata ---------------------------------------------------------------

def _version():
    with open(os.path.join(ROOT, "include", "assocmem", "common.h")) as f:
        text = f.read()
    parts = [re.search(r"#define AMEM_VERSION_%s (\d+)" % p, text).group(1)
             for p in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def _project():
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        raise RuntimeError("building assocmem needs Python 3.11 or newer "
                           "(tomllib reads pyproject.toml)")
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]


def _metadata_text():
    project = _project()
    lines = ["Metadata-Version: 2.1",
             "Name: " + NAME,
             "Version: " + _version(),
             "Summary: " + project["description"]]
    if "requires-python" in project:
        lines.append("Requires-Python: " + project["requires-python"])
    for url_name, url in sorted(project.get("urls", {}).items()):
        lines.append("Project-URL: %s, %s" % (url_name, url))
    if "text" in project.get("license", {}):
        lines.append("License: " + project["license"]["text"])
    for dep in project.get("dependencies", []):
        lines.append("Requires-Dist: " + dep)
    return "\n".join(lines) + "\n"


def _tag():
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "py3-none-" + platform


def _wheel_text():
    return ("Wheel-Version: 1.0\nGenerator: assocmem_build\n"
            "Root-Is-Purelib: false\nTag: %s\n" % _tag())


def _dist_info():
    return "%s-%s.dist-info" % (NAME, _version())


# ---- building ---------------------------------------------------------------

def _make(*targets):
    command = [os.environ.get("MAKE", "make"), "-C", ROOT, "BUILD=build"]
    if "MAKEFLAGS" not in os.environ:
        command.append("-j%d" % (os.cpu_count() or 1))
    command.extend(targets)
    print("assocmem_build: " + " ".join(command), file=sys.stderr)
    # make's output goes to stderr: pip shows it with -v or on failure.
    subprocess.run(command, check=True, stdout=sys.stderr)


def _package_files():
    """(archive name, path) of every module of the package."""
    package = os.path.join(ROOT, "python", NAME)
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if (name.endswith((".py", ".pyi")) or name == "py.typed") \
                    and name != "_installed.py":
                path = os.path.join(folder, name)
                yield os.path.relpath(path, os.path.join(ROOT, "python")), path


def _built_files():
    """(archive name, path, mode) of what make produced."""
    version = _version()
    library = os.path.join(ROOT, "lib", "libassocmem.so." + version)
    tool = os.path.join(ROOT, "build", "tools", "amem")
    data = "%s-%s.data" % (NAME, version)
    return [(NAME + "/libassocmem.so", library, 0o755),
            (data + "/scripts/amem", tool, 0o755)]


# ---- the wheel archive ------------------------------------------------------

def _timestamp():
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", 315532800))  # 1980-01-01
    return time.gmtime(max(epoch, 315532800))[:6]


class _Wheel:
    """A zip written entry by entry, recording each in RECORD."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        self.records = []

    def add(self, name, data, mode=0o644):
        info = zipfile.ZipInfo(name, _timestamp())
        info.external_attr = (0o100000 | mode) << 16  # regular file
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
        self.records.append("%s,sha256=%s,%d" % (
            name, digest.rstrip(b"=").decode("ascii"), len(data)))

    def add_file(self, name, path, mode=0o644):
        with open(path, "rb") as f:
            self.add(name, f.read(), mode)

    def close(self, dist_info):
        record = dist_info + "/RECORD"
        text = "\n".join(self.records + [record + ",,"]) + "\n"
        info = zipfile.ZipInfo(record, _timestamp())
        info.external_attr = (0o100644) << 16
        self.zip.writestr(info, text, zipfile.ZIP_DEFLATED)
        self.zip.close()


def _add_dist_info(wheel, dist_info):
    wheel.add(dist_info + "/METADATA", _metadata_text().encode())
    wheel.add(dist_info + "/WHEEL", _wheel_text().encode())
    wheel.add(dist_info + "/top_level.txt", (NAME + "\n").encode())


def _wheel_name():
    return "%s-%s-%s.whl" % (NAME, _version(), _tag())


# ---- PEP 517 hooks ------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = _dist_info()
    folder = os.path.join(metadata_directory, dist_info)
    os.makedirs(folder, exist_ok=True)
    for name, text in (("METADATA", _metadata_text()), ("WHEEL", _wheel_text()),
                       ("top_level.txt", NAME + "\n")):
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)
    return dist_info


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _make("all")
    name = _wheel_name()
    wheel = _Wheel(os.path.join(wheel_directory, name))
    for archive_name, path in _package_files():
        wheel.add_file(archive_name, path)
    for archive_name, path, mode in _built_files():
        wheel.add_file(archive_name, path, mode)
    _add_dist_info(wheel, _dist_info())
    wheel.close(_dist_info())
    return name


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """A wheel holding only a .pth line that puts python/ on sys.path; the
    package then loads the checkout's lib/libassocmem.so (built here)."""
    _make("all")
    name = _wheel_name()
    wheel = _Wheel(os.path.join(wheel_directory, name))
    wheel.add(NAME + "_checkout.pth",
              (os.path.join(ROOT, "python") + "\n").encode())
    _add_dist_info(wheel, _dist_info())
    wheel.close(_dist_info())
    return name


def _sdist_files():
    """Relative paths of the source files: git's view when in a checkout
    (tracked and untracked-but-not-ignored), else a walk of the tree."""
    try:
        listed = subprocess.run(
            ["git", "-C", ROOT, "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"], check=True, capture_output=True).stdout
        paths = [p for p in listed.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        paths = []
        for folder, dirs, files in os.walk(ROOT):
            dirs[:] = [d for d in dirs if d != "__pycache__" and not (
                folder == ROOT and d in _SDIST_SKIP)]
            paths += [os.path.relpath(os.path.join(folder, f), ROOT)
                      for f in files]
    return sorted(p for p in paths
                  if os.path.isfile(os.path.join(ROOT, p))
                  and p.split("/")[0] not in _SDIST_SKIP
                  and "__pycache__" not in p.split("/")
                  and not p.endswith(".pyc"))


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, _version())
    name = base + ".tar.gz"
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", 0))

    def normalise(info):
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = mtime
        return info

    with tarfile.open(os.path.join(sdist_directory, name), "w:gz",
                      format=tarfile.PAX_FORMAT) as tar:
        for rel in _sdist_files():
            tar.add(os.path.join(ROOT, rel), arcname=base + "/" + rel,
                    recursive=False, filter=normalise)
        pkg_info = _metadata_text().encode()
        info = normalise(tarfile.TarInfo(base + "/PKG-INFO"))
        info.size = len(pkg_info)
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(pkg_info))
    return name
