"""Handle ownership: close(), context manager, finalizer; one free each."""

import gc
import resource
import weakref

import pytest

import assocmem as am
from assocmem._lib import lib


@pytest.fixture
def free_calls(monkeypatch):
    """Count amem_hopfield_free calls (the real function still runs)."""
    calls = []
    real = lib.amem_hopfield_free

    def counting(ptr):
        calls.append(ptr)
        real(ptr)
    monkeypatch.setattr(lib, "amem_hopfield_free", counting)
    return calls


def test_close_frees_once(free_calls):
    net = am.Hopfield("modern", 8)
    net.close()
    net.close()
    assert net.closed and len(free_calls) == 1
    del net
    gc.collect()
    assert len(free_calls) == 1


def test_context_manager_frees_once(free_calls):
    with am.Hopfield("classical", 8) as net:
        assert not net.closed
    assert net.closed and len(free_calls) == 1
    net.close()
    assert len(free_calls) == 1


def test_context_manager_frees_on_exception(free_calls):
    with pytest.raises(KeyError):
        with am.Hopfield("classical", 8):
            raise KeyError("boom")
    assert len(free_calls) == 1


def test_finalizer_frees_unreferenced_handle(free_calls):
    net = am.Hopfield("modern", 8)
    ref = weakref.ref(net)
    del net
    gc.collect()
    assert ref() is None and len(free_calls) == 1


def test_failed_settings_at_creation_free_the_handle(free_calls):
    with pytest.raises(am.RangeError):
        am.Hopfield("modern", 8, beta=-1.0)
    assert len(free_calls) == 1


def test_loaded_handles_are_owned_too(free_calls):
    with am.Hopfield("modern", 8) as net:
        image = net.save_mem()
    back = am.Hopfield.load_mem(image)
    del back
    gc.collect()
    assert len(free_calls) == 2


def test_closed_handle_refuses_calls():
    net = am.Hopfield("modern", 8)
    net.close()
    for call in (lambda: net.store([[1.0] * 8]), lambda: net.count,
                 lambda: net.beta, net.save_mem, net.clear):
        with pytest.raises(ValueError, match="closed"):
            call()
    assert "closed" in repr(net)
    with pytest.raises(ValueError):
        with net:
            pass


def test_many_handles_do_not_leak():
    """2,000 networks of 1,000 x 64 floats (~500 MB if leaked)."""
    x = am.random_patterns(1000, 64, seed=1)
    for _ in range(10):  # warm up allocator and caches
        with am.Hopfield("modern", 64) as net:
            net.store(x)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for i in range(2000):
        net = am.Hopfield("modern", 64)
        net.store(x)
        if i % 2:
            net.close()  # others go through the finalizer
        del net
    gc.collect()
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 100 * 1024
