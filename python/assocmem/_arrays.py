"""NumPy <-> C array helpers: float32, C-contiguous, copied only if needed."""

import ctypes
import operator
import os

import numpy as np

from . import _ffi
from .errors import error

_FLOAT_P = ctypes.POINTER(ctypes.c_float)
_DOUBLE_P = ctypes.POINTER(ctypes.c_double)
_INT_P = ctypes.POINTER(ctypes.c_int)


def fail(status, where, text):
    """Raise the exception of a status for a Python-side check."""
    raise error(status, "%s: %s" % (where, text))


def as_rows(x, name, where, cols=None):
    """x as a C-contiguous float32 2-D array of rows.

    A 1-D array is one row. Returns (array, was_1d). Raises DimensionError
    for other ranks, zero rows or columns, or a column count != cols.
    """
    a = np.ascontiguousarray(x, dtype=np.float32)
    single = a.ndim == 1
    if single:
        a = a.reshape(1, -1)
    if a.ndim != 2:
        fail(_ffi.AMEM_E_DIM, where, "%s must be 1-D or 2-D, got shape %s"
             % (name, np.shape(x)))
    if a.shape[0] == 0 or a.shape[1] == 0:
        fail(_ffi.AMEM_E_DIM, where, "%s is empty (shape %s)"
             % (name, np.shape(x)))
    if cols is not None and a.shape[1] != cols:
        fail(_ffi.AMEM_E_DIM, where, "%s has rows of length %d, expected %d"
             % (name, a.shape[1], cols))
    return a, single


def like_rows(x, ref, name, where):
    """x as float32 rows of ref's shape; a single row is repeated."""
    a = np.ascontiguousarray(x, dtype=np.float32)
    if a.ndim == 1 and a.shape[0] == ref.shape[1]:
        a = np.ascontiguousarray(np.broadcast_to(a, ref.shape))
    if a.shape != ref.shape:
        fail(_ffi.AMEM_E_DIM, where, "%s has shape %s, expected %s"
             % (name, np.shape(x), ref.shape))
    return a


def size(n, name, where):
    """A positive integer count or dimension."""
    try:
        v = operator.index(n)
    except TypeError:
        raise TypeError("%s: %s must be an integer, got %r" % (where, name, n))
    if v < 1:
        fail(_ffi.AMEM_E_DIM, where, "%s must be >= 1, got %d" % (name, v))
    return v


def seed(s, where, bits=64):
    """A seed as an unsigned integer below 2**bits.

    None draws a fresh one from the operating system (os.urandom), a
    numpy.random.Generator (or RandomState) draws one from that generator,
    and an integer is used as given (checked against the range).
    """
    if s is None:
        return int.from_bytes(os.urandom(8), "little") >> (64 - bits)
    if isinstance(s, np.random.Generator):
        return int(s.integers(0, 2 ** bits, dtype=np.uint64))
    if isinstance(s, np.random.RandomState):
        return int(s.randint(0, 2 ** 63, dtype=np.int64)) >> max(0, 63 - bits)
    try:
        v = operator.index(s)
    except TypeError:
        raise TypeError("%s: seed must be None, an integer or a "
                        "numpy.random.Generator, got %r" % (where, s))
    if not 0 <= v < 2 ** bits:
        fail(_ffi.AMEM_E_RANGE, where, "seed %d is outside [0, 2^%d)"
             % (v, bits))
    return v


def fptr(a):
    """float * of a float32 array, or NULL for None."""
    return None if a is None else a.ctypes.data_as(_FLOAT_P)


def dptr(a):
    """double * of a float64 array, or NULL for None."""
    return None if a is None else a.ctypes.data_as(_DOUBLE_P)


def iptr(a):
    """int * of an intc array, or NULL for None."""
    return None if a is None else a.ctypes.data_as(_INT_P)
