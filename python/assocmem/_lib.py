"""Locating and loading libassocmem, and binding its functions.

Lookup order:
  1. the package's own copy, assocmem/libassocmem.so (a wheel built by
     `pip install .` carries one);
  2. the ASSOCMEM_LIBRARY environment variable (a path);
  3. the library installed with the package by `make install` (its path is
     recorded in assocmem/_installed.py);
  4. the checkout's lib/libassocmem.so when the package is used from the
     source tree (python/assocmem -> ../../lib);
  5. ctypes.util.find_library("assocmem"), an installed copy on the loader's
     search path.
"""

import ctypes
import ctypes.util
import os

from . import _ffi

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))
_OWN_COPY = os.path.join(_PKG_DIR, "libassocmem.so")
_CHECKOUT = os.path.normpath(os.path.join(_PKG_DIR, os.pardir, os.pardir))
_CHECKOUT_LIB = os.path.join(_CHECKOUT, "lib", "libassocmem.so")


def _installed_library():
    try:
        from . import _installed
    except ImportError:
        return None
    return _installed.LIBRARY


def _checkout_library():
    # Only inside a source tree, never site-packages/../../lib.
    if os.path.exists(os.path.join(_CHECKOUT, "libassocmem.map")):
        return _CHECKOUT_LIB
    return None


def find_library():
    """Path (or soname) of the library that will be loaded."""
    if os.path.exists(_OWN_COPY):
        return _OWN_COPY
    env = os.environ.get("ASSOCMEM_LIBRARY")
    if env:  # used as given: a wrong path is reported by the loader
        return env
    for path in (_installed_library(), _checkout_library()):
        if path and os.path.exists(path):
            return path
    found = ctypes.util.find_library("assocmem")
    if found:
        return found
    raise ImportError(
        "libassocmem not found: install the package with `pip install .`, "
        "set ASSOCMEM_LIBRARY to the path of libassocmem.so, run `make` in "
        "the repository, or install the library (`make install`)")


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
