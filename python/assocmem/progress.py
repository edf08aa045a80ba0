"""Progress callbacks: a Python callable as a C amem_progress_fn.

    def report(stage, done, total, metric):
        print(stage, done, "/", total, metric)
        return False          # a true value cancels the work

    cb = ProgressCallback(report)

The object holds the ctypes function pointer for as long as it lives (the C
side must never call a collected thunk), passes as an amem_progress_fn
argument directly (it has _as_parameter_), and never lets a Python
exception cross into C: an exception inside the callable cancels the work
and is kept in .exception, and run() re-raises it after the C call returns.
"""

import ctypes

from . import _ffi
from .errors import CancelledError


class ProgressCallback:
    """Wraps fn(stage: str, done: int, total: int, metric: float) -> bool."""

    def __init__(self, fn):
        if not callable(fn):
            raise TypeError("progress callback must be callable, got %r" % (fn,))
        self.fn = fn
        self.exception = None
        self._thunk = _ffi.amem_progress_fn(self._call)

    def _call(self, user, stage, done, total, metric):
        try:
            name = stage.decode("utf-8", "replace") if stage else ""
            return 1 if self.fn(name, done, total, metric) else 0
        except BaseException as e:  # noqa: B902 - must not cross into C
            self.exception = e
            return 1

    @property
    def _as_parameter_(self):
        return self._thunk

    @property
    def function(self):
        """The amem_progress_fn (a ctypes CFUNCTYPE object)."""
        return self._thunk

    @property
    def address(self):
        """The C function pointer as an integer."""
        return ctypes.cast(self._thunk, ctypes.c_void_p).value

    def run(self, cfunc, *args):
        """Call cfunc(*args) (its arguments include this callback) and
        return its status; re-raise an exception the callable raised."""
        self.exception = None
        status = cfunc(*args)
        if self.exception is not None:
            exc, self.exception = self.exception, None
            if status == _ffi.AMEM_E_CANCELLED:
                raise exc from CancelledError(status, "raised in the callback")
            raise exc
        return status


def progress_callback(fn):
    """None, a ProgressCallback, or a callable wrapped in one."""
    if fn is None or isinstance(fn, ProgressCallback):
        return fn
    return ProgressCallback(fn)
