"""Version, threads, status names and the exception mapping."""

import pickle

import pytest

import assocmem as am
from assocmem import _ffi
from assocmem._lib import lib


def test_version_matches_headers():
    assert am.version() == am.__version__
    assert am.version_info() == (_ffi.AMEM_VERSION_MAJOR,
                                 _ffi.AMEM_VERSION_MINOR,
                                 _ffi.AMEM_VERSION_PATCH)


def test_every_declared_function_is_exported():
    assert lib.missing == frozenset()


def test_threads_round_trip():
    old = am.get_num_threads()
    try:
        am.set_num_threads(1)
        assert am.get_num_threads() == 1
    finally:
        am.set_num_threads(old)
    assert am.get_num_threads() == old


def test_threads_out_of_range():
    with pytest.raises(am.RangeError):
        am.set_num_threads(0)
    # the library's own check, bypassing the Python one
    assert lib.amem_set_num_threads(0) == _ffi.AMEM_E_RANGE
    assert "amem_set_num_threads" in am.last_error()


def test_strerror_names_every_status():
    for status, message in _ffi.STATUS_MESSAGES.items():
        assert am.strerror(status) == message
    assert am.strerror(12345) == "unknown status"


@pytest.mark.parametrize("status, cls, builtin", [
    (_ffi.AMEM_E_NULL, am.NullArgumentError, ValueError),
    (_ffi.AMEM_E_ARG, am.ArgumentError, ValueError),
    (_ffi.AMEM_E_DIM, am.DimensionError, ValueError),
    (_ffi.AMEM_E_RANGE, am.RangeError, ValueError),
    (_ffi.AMEM_E_NONFINITE, am.NonFiniteError, ValueError),
    (_ffi.AMEM_E_NOMEM, am.OutOfMemoryError, MemoryError),
    (_ffi.AMEM_E_IO, am.InputOutputError, OSError),
    (_ffi.AMEM_E_FORMAT, am.FormatError, ValueError),
    (_ffi.AMEM_E_CANCELLED, am.CancelledError, am.AssocMemError),
    (_ffi.AMEM_E_STATE, am.StateError, RuntimeError),
    (_ffi.AMEM_E_UNSUPPORTED, am.UnsupportedError, ValueError),
    (_ffi.AMEM_E_INTERNAL, am.InternalError, RuntimeError),
])
def test_status_maps_to_exception(status, cls, builtin):
    err = am.errors.error(status, "detail text")
    assert type(err) is cls
    assert isinstance(err, am.AssocMemError) and isinstance(err, builtin)
    assert err.status == status
    assert err.name == next(k for k, v in _ffi.ENUMS["amem_status"].items()
                            if v == status)
    assert err.detail == "detail text"
    assert err.message == _ffi.STATUS_MESSAGES[status]
    assert "detail text" in str(err) and err.name in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is cls and again.status == status


def test_every_status_has_a_class():
    for status in _ffi.STATUS_MESSAGES:
        if status != _ffi.AMEM_OK:
            assert status in am.errors.ERROR_CLASSES


def test_unknown_status_is_base_class():
    err = am.errors.error(-999, "x")
    assert type(err) is am.AssocMemError and err.status == -999


def test_check_carries_last_error():
    assert lib.amem_set_num_threads(-3) == _ffi.AMEM_E_RANGE
    detail = am.last_error()
    with pytest.raises(am.RangeError) as info:
        am.errors.check(_ffi.AMEM_E_RANGE)
    assert info.value.detail == detail and detail
