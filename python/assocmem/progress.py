"""Progress lines and Ctrl-C for the library's long calls.

Every call that can run for more than a second takes a progress callback
in C (an amem_progress_fn; a nonzero return cancels the work with
AMEM_E_CANCELLED and leaves the handle consistent). The Python layer always
passes one, through interruptible():

    with interruptible(progress) as cb:
        status = lib.amem_x_train(h, steps, cb, None, ctypes.byref(loss))
        check(status)

Inside the block, Ctrl-C (SIGINT) only sets a flag; the next callback then
returns 1, the C call returns AMEM_E_CANCELLED, and leaving the block raises
KeyboardInterrupt (with the object still usable: C keeps the finished work
and a consistent handle). No Python exception ever unwinds through ctypes.
A Python loop over several C calls (chunks of a large batch) checks
`cb.cancelled` between calls and stops early.

`progress` is what the public methods accept:
    None / False   nothing shown (Ctrl-C still cancels cleanly)
    True           a progress line on stderr: tqdm when it is installed,
                   a plain line otherwise
    a callable     fn(stage: str, done: int, total: int, metric: float);
                   a true result cancels the call (CancelledError); an
                   exception it raises cancels the call and is re-raised

ProgressCallback wraps a callable as an amem_progress_fn by itself (no
SIGINT handling), for code that manages its own calls.
"""

import ctypes
import signal
import sys
import threading
import time

from . import _ffi
from .errors import CancelledError

__all__ = ["interruptible", "ProgressCallback", "progress_callback",
           "ProgressLine"]


class ProgressCallback:
    """Wraps fn(stage: str, done: int, total: int, metric: float) -> bool
    as a C amem_progress_fn.

    The object holds the ctypes function pointer for as long as it lives
    (C never calls a collected thunk), passes as an amem_progress_fn
    argument directly (it has _as_parameter_), and never lets a Python
    exception cross into C: an exception inside fn cancels the work and is
    kept in .exception; run() re-raises it after the C call returns.
    """

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

    def __repr__(self):
        return "ProgressCallback(%r)" % (self.fn,)

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


class ProgressLine:
    """The progress=True display: a tqdm bar when tqdm is installed, else
    one plain line on stderr rewritten at most 10 times a second."""

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self._bar = None
        self._key = None
        self._last = 0.0
        self._shown = False
        try:
            import tqdm  # noqa: F401 - optional
            self._tqdm = tqdm.tqdm
        except ImportError:
            self._tqdm = None

    def __call__(self, stage, done, total, metric):
        if self._tqdm is not None:
            self._update_bar(stage, done, total, metric)
        else:
            self._update_line(stage, done, total, metric)
        return False

    def _update_bar(self, stage, done, total, metric):
        if self._key != (stage, total):
            self.close()
            self._key = (stage, total)
            self._bar = self._tqdm(total=total, desc=stage, leave=True,
                                   file=self.stream)
        self._bar.n = done
        if metric == metric:  # not NaN
            self._bar.set_postfix_str("%.4g" % metric, refresh=False)
        self._bar.refresh()

    def _update_line(self, stage, done, total, metric):
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        pct = 100.0 * done / total if total > 0 else 0.0
        text = "\r%s %d/%d (%3.0f%%)" % (stage, done, total, pct)
        if metric == metric:
            text += " %.4g" % metric
        self.stream.write(text + "   ")
        self.stream.flush()
        self._shown = True

    def close(self):
        """End the line (or close the bar)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False


def _reporter(progress):
    """(callable or None, display to close or None) from a progress
    argument."""
    if progress is None or progress is False:
        return None, None
    if progress is True:
        line = ProgressLine()
        return line, line
    if callable(progress):
        return progress, None
    raise TypeError("progress must be None, True, False or a callable "
                    "fn(stage, done, total, metric), got %r" % (progress,))


# ---- SIGINT ------------------------------------------------------------------

_lock = threading.Lock()
_active = []          # interruptible blocks on the main thread, innermost last
_saved_handler = None


def _on_sigint(signum, frame):
    # Runs between bytecodes of the main thread (possibly inside a ctypes
    # callback): set flags only, never raise.
    for block in list(_active):
        block.interrupted = True


def _install(block):
    global _saved_handler
    if threading.current_thread() is not threading.main_thread():
        return False
    with _lock:
        if not _active:
            current = signal.getsignal(signal.SIGINT)
            if current is not signal.default_int_handler:
                return False  # the program handles SIGINT its own way
            _saved_handler = current
            signal.signal(signal.SIGINT, _on_sigint)
        _active.append(block)
    return True


def _uninstall(block):
    with _lock:
        _active.remove(block)
        if not _active:
            signal.signal(signal.SIGINT, _saved_handler)


class interruptible:
    """Context manager around one long library call (or a loop of calls).

        with interruptible(progress) as cb:
            check(lib.amem_probe_fit(h, x, y, n, dim, cb, None))

    `cb` (this object) is passed as the call's amem_progress_fn (user
    data: None); a loop of calls checks cb.cancelled between them and may
    report its own progress with cb.report(stage, done, total). It
    shows or forwards progress as `progress` asks (None, True or a
    callable; see the module docstring) and cancels the call once SIGINT
    arrived. Leaving the block:
      - after SIGINT: raises KeyboardInterrupt (replacing the
        CancelledError that check() raised, if any);
      - after the progress callable raised: re-raises that exception;
      - otherwise: lets the block's own exception (or none) through.
    On the main thread SIGINT is trapped only while the default Python
    handler is installed; elsewhere Ctrl-C behaves as it did before.
    """

    def __init__(self, progress=None, observe=None):
        """observe: optional fn(stage, done, total, metric) called first at
        every report (a train method reads the step's record there)."""
        self.interrupted = False
        self._fn, self._display = _reporter(progress)
        self._observe = observe
        self._cb = ProgressCallback(self._step)
        self._trapped = False

    def _step(self, stage, done, total, metric):
        if self._observe is not None:
            self._observe(stage, done, total, metric)
        if self.interrupted:
            return True
        if self._fn is not None and self._fn(stage, done, total, metric):
            return True
        return self.interrupted

    @property
    def cancelled(self):
        """True once SIGINT arrived or the callback asked to stop."""
        return self.interrupted or self._cb.exception is not None

    def report(self, stage, done, total, metric=float("nan")):
        """Progress from Python (between chunks); True means stop."""
        return bool(self._cb._call(None, stage.encode(), done, total, metric))

    def __repr__(self):
        return "<interruptible %s>" % (
            "interrupted" if self.interrupted else "running")

    @property
    def _as_parameter_(self):
        return self._cb._thunk

    def __enter__(self):
        self._trapped = _install(self)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._trapped:
            _uninstall(self)
        if self._display is not None:
            self._display.close()
        raised, self._cb.exception = self._cb.exception, None
        if self.interrupted and exc_type not in (None, CancelledError):
            return False  # a real error wins over the interrupt
        if self.interrupted:
            raise KeyboardInterrupt
        if raised is not None:
            if exc is not None:
                raise raised from exc
            raise raised
        return False
