"""Capacity search and bootstrap intervals (include/assocmem/capacity.h).

    def error_of(n):                 # recall error of a memory of n patterns
        ...
    cap, evals = capacity_search(error_of, 1, 500, threshold=0.03)

The callback receives a pattern count and returns an error (a float). An
exception raised inside it stops the search and is re-raised after the C
call returns.
"""

import ctypes
import enum
import operator

import numpy as np

from . import _ffi
from ._arrays import dptr, fail, seed as _seed
from ._lib import lib
from .errors import check
from .progress import interruptible

#: Search strategies (enum amem_capacity_method).
Method = enum.IntEnum(
    "Method", {k[len("AMEM_CAPACITY_"):]: v
               for k, v in _ffi.ENUMS["amem_capacity_method"].items()},
    module=__name__)
Method.__doc__ = ("Search strategies of capacity_search (enum "
                  "amem_capacity_method): SCAN_UP, BISECT, SCAN_DOWN.")


def _method(m):
    if isinstance(m, str):
        key = m.strip().upper().replace("-", "_")
        if key not in Method.__members__:
            fail(_ffi.AMEM_E_ARG, "capacity_search", "unknown method %r" % m)
        return Method[key]
    return Method(operator.index(m))


def capacity_search(error_of, n_min, n_max, threshold=0.03, method="bisect",
                    progress=None):
    """The largest n in [n_min, n_max] with error_of(n) <= threshold.

    method: "scan_up", "bisect" (monotone errors; logarithmic number of
    evaluations) or "scan_down" (from n_max downwards). Returns
    (capacity, evaluations); capacity is n_min - 1 when nothing passes.
    progress: None, True (a progress line) or fn(stage, done, total,
    metric) -> bool; Ctrl-C (also during error_of) raises
    KeyboardInterrupt.
    """
    raised = []

    def thunk(user, n):
        try:
            return float(error_of(n))
        except BaseException as e:  # noqa: B902 - must not cross into C
            raised.append(e)
            return float("nan")

    cfn = _ffi.amem_error_fn(thunk)
    cap, evals = ctypes.c_long(), ctypes.c_long()
    with interruptible(progress) as cb:
        status = lib.amem_capacity_search(
            cfn, None, operator.index(n_min), operator.index(n_max),
            float(threshold), int(_method(method)), ctypes.byref(cap),
            ctypes.byref(evals), cb, None)
        if raised:
            raise raised[0]
        check(status)
    return cap.value, evals.value


def bootstrap_mean(values, resamples=1000, level=0.95, seed=None):
    """(mean, lo, hi): the mean of values and its percentile bootstrap
    interval at the given level."""
    v = np.ascontiguousarray(values, dtype=np.float64).ravel()
    m, lo, hi = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    check(lib.amem_bootstrap_mean(dptr(v), v.size, operator.index(resamples),
                                  float(level), _seed(seed, "bootstrap_mean"),
                                  ctypes.byref(m), ctypes.byref(lo),
                                  ctypes.byref(hi)))
    return m.value, lo.value, hi.value


def capacity_bootstrap(counts, errors, threshold=0.03, resamples=1000,
                       level=0.95, seed=None):
    """(capacity, lo, hi) from a grid of errors (len(counts) x reps):
    capacity is the largest count whose mean error is <= threshold; the
    interval resamples the repetitions jointly across counts."""
    c = np.ascontiguousarray(counts, dtype=np.dtype(ctypes.c_long)).ravel()
    e = np.ascontiguousarray(errors, dtype=np.float64)
    if e.ndim != 2 or e.shape[0] != c.size:
        fail(_ffi.AMEM_E_DIM, "capacity_bootstrap",
             "errors must be len(counts) x reps, got %s" % (e.shape,))
    cap, lo, hi = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    check(lib.amem_capacity_bootstrap(
        c.ctypes.data_as(ctypes.POINTER(ctypes.c_long)), c.size, dptr(e),
        e.shape[1], float(threshold), operator.index(resamples), float(level),
        _seed(seed, "capacity_bootstrap"), ctypes.byref(cap),
        ctypes.byref(lo), ctypes.byref(hi)))
    return cap.value, lo.value, hi.value
