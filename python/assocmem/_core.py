"""Library-wide calls: version, threads, status names, error detail."""

import operator

from . import _ffi
from ._arrays import fail
from ._lib import lib
from .errors import check, last_error  # noqa: F401  (re-exported)

#: Version of the headers these bindings were generated from.
__version__ = "%d.%d.%d" % (_ffi.AMEM_VERSION_MAJOR, _ffi.AMEM_VERSION_MINOR,
                            _ffi.AMEM_VERSION_PATCH)


def library_path():
    """The path (or soname) the library was loaded from."""
    return lib.path


def version():
    """Version string ("MAJOR.MINOR.PATCH") of the loaded library."""
    return lib.amem_version_string().decode("ascii")


def version_info():
    """(major, minor, patch) of the loaded library."""
    n = lib.amem_version_number()
    return (n // 10000, n // 100 % 100, n % 100)


def set_num_threads(n):
    """Threads used by BLAS and the library's loops (n >= 1)."""
    n = operator.index(n)
    if not 1 <= n <= 2 ** 31 - 1:
        fail(_ffi.AMEM_E_RANGE, "set_num_threads",
             "thread count %d is outside [1, 2^31 - 1]" % n)
    check(lib.amem_set_num_threads(n))


def get_num_threads():
    """The current thread count."""
    return lib.amem_get_num_threads()


def strerror(status):
    """The library's name/message for a status code."""
    return lib.amem_strerror(int(status)).decode("utf-8", "replace")
