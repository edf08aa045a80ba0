"""The progress-callback wrapper, called through a C function pointer."""

import ctypes
import gc

import pytest

import assocmem as am
from assocmem import _ffi


def through_c(cb, stage=b"epoch", done=3, total=10, metric=0.5):
    """Call the callback as C would: from its raw address."""
    fn = _ffi.amem_progress_fn(cb.address)
    return fn(None, stage, done, total, metric)


def test_callback_receives_plain_values_and_continues():
    seen = []
    cb = am.ProgressCallback(lambda *args: seen.append(args))
    assert through_c(cb) == 0
    assert seen == [("epoch", 3, 10, 0.5)]
    assert through_c(cb, stage=None, metric=float("nan")) == 0
    assert seen[1][0] == "" and seen[1][3] != seen[1][3]


def test_true_result_cancels():
    cb = am.ProgressCallback(lambda stage, done, total, metric: done >= 5)
    assert through_c(cb, done=4) == 0
    assert through_c(cb, done=5) == 1


def test_exception_cancels_and_is_kept():
    def boom(*_):
        raise ZeroDivisionError("inside")
    cb = am.ProgressCallback(boom)
    assert through_c(cb) == 1
    assert isinstance(cb.exception, ZeroDivisionError)


def test_run_reraises_the_callback_exception():
    def boom(*_):
        raise KeyError("stop")
    cb = am.ProgressCallback(boom)

    def c_function(callback):  # stands in for a library call
        return (_ffi.AMEM_E_CANCELLED
                if through_c(callback) else _ffi.AMEM_OK)
    with pytest.raises(KeyError) as info:
        cb.run(c_function, cb)
    assert isinstance(info.value.__cause__, am.CancelledError)
    assert cb.exception is None
    ok = am.ProgressCallback(lambda *_: False)
    assert ok.run(c_function, ok) == _ffi.AMEM_OK


def test_wrapper_passes_as_ctypes_argument_and_stays_alive():
    seen = []
    cb = am.progress_callback(lambda *a: seen.append(a))
    assert am.progress_callback(cb) is cb and am.progress_callback(None) is None
    # a C function taking an amem_progress_fn: the callback type itself
    # accepts the wrapper through _as_parameter_
    proto = ctypes.CFUNCTYPE(ctypes.c_int, _ffi.amem_progress_fn)
    trampoline = proto(lambda f: f(None, b"stage", 1, 2, 3.0))
    address = cb.address
    gc.collect()
    assert trampoline(cb) == 0
    assert cb.address == address and seen == [("stage", 1, 2, 3.0)]


def test_non_callable_is_refused():
    with pytest.raises(TypeError):
        am.ProgressCallback(42)
