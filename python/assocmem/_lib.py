"""Locating and loading libassocmem, and binding its functions.

Lookup order: the ASSOCMEM_LIBRARY environment variable (a path), then the
repository's lib/libassocmem.so next to this package (python/assocmem ->
../../lib), then ctypes.util.find_library("assocmem") (an installed copy).
"""

import ctypes
import ctypes.util
import os

from . import _ffi

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))
_REPO_LIB = os.path.normpath(
    os.path.join(_PKG_DIR, os.pardir, os.pardir, "lib", "libassocmem.so"))


def find_library():
    """Path (or soname) of the library that will be loaded."""
    env = os.environ.get("ASSOCMEM_LIBRARY")
    if env:
        return env
    if os.path.exists(_REPO_LIB):
        return _REPO_LIB
    found = ctypes.util.find_library("assocmem")
    if found:
        return found
    raise ImportError(
        "libassocmem not found: set ASSOCMEM_LIBRARY to the path of "
        "libassocmem.so, run `make` in the repository, or install the library")


def _load():
    path = find_library()
    try:
        cdll = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError("cannot load libassocmem from %r: %s" % (path, e))
    return path, cdll


class _Functions:
    """The library's functions with their prototypes set.

    A function declared in the headers but absent from the loaded library
    (an older build) is replaced by a stub that raises NotImplementedError
    when called, so the rest of the package keeps working.
    """

    def __init__(self, path, cdll):
        self.path = path
        self.cdll = cdll
        self.missing = frozenset(_ffi.bind(cdll))
        for name in _ffi.FUNCTIONS:
            if name in self.missing:
                setattr(self, name, _missing_stub(name, path))
            else:
                setattr(self, name, getattr(cdll, name))


def _missing_stub(name, path):
    header = _ffi.FUNCTIONS[name][3]

    def stub(*_args):
        raise NotImplementedError(
            "%s (declared in %s) is not exported by %s; rebuild the library"
            % (name, header, path))
    stub.__name__ = name
    return stub


lib = _Functions(*_load())
