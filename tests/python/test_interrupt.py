"""Ctrl-C and progress on long calls (python/assocmem/progress.py): SIGINT
sent from another thread during a call ends it within half a second with
KeyboardInterrupt, nothing is printed from inside ctypes, and the object
keeps working. These assert behaviour (a bound on the reaction time), not
speed."""

import signal
import threading
import time

import numpy as np
import pytest

import assocmem as am
from assocmem.progress import ProgressLine, interruptible

REACTION = 0.5  # seconds from SIGINT to KeyboardInterrupt


class SigintLater:
    """Sends SIGINT to the main thread `delay` seconds after start."""

    def __init__(self, delay=0.3):
        self.sent_at = None
        self._timer = threading.Timer(delay, self._send)

    def _send(self):
        self.sent_at = time.monotonic()
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        return False


def interrupted(call):
    """Run call() with SIGINT arriving mid-way; the seconds it took to
    answer the signal."""
    with SigintLater() as sig:
        with pytest.raises(KeyboardInterrupt):
            call()
        answered = time.monotonic()
    assert sig.sent_at is not None, "the call ended before the signal"
    return answered - sig.sent_at


def no_ctypes_noise(capfd):
    err = capfd.readouterr().err
    assert "Exception ignored" not in err and "Traceback" not in err, err


def test_large_recall_stops_on_sigint_and_the_network_still_works(capfd):
    rng = np.random.default_rng(1)
    stored = np.sign(rng.standard_normal((1000, 128))).astype(np.float32)
    net = am.Hopfield("modern", 128, beta=0.05, tolerance=0.0, max_steps=3)
    net.store(stored)
    # 100,000 queries: seconds in all, a few ms per smallest chunk
    queries = np.repeat(stored[:500], 200, axis=0)
    took = interrupted(lambda: net.recall(queries))
    assert took < REACTION, "answered SIGINT after %.3f s" % took
    assert net.count == 1000
    np.testing.assert_array_equal(net.recall(stored[:300]),
                                  am.Hopfield.load_mem(net.save_mem())
                                  .recall(stored[:300]))
    no_ctypes_noise(capfd)


@pytest.mark.parametrize("kind", ["svc", "softmax"])
def test_probe_fit_stops_on_sigint_and_keeps_its_fit(kind, capfd):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((8000, 64)).astype(np.float32)
    y = rng.integers(0, 100, 8000)          # SVC: 4950 machines
    probe = am.Probe(kind, epochs=5).fit(x[:100], y[:100] % 2)
    probe.set(epochs=1000000)               # softmax: a very long fit
    before = probe.predict(x)
    took = interrupted(lambda: probe.fit(x, y))
    assert took < REACTION, "answered SIGINT after %.3f s" % took
    np.testing.assert_array_equal(probe.predict(x), before)
    probe.set(epochs=3)
    assert probe.fit(x[:200], y[:200] % 3).score(x[:200], y[:200] % 3) > 0.3
    no_ctypes_noise(capfd)


def test_tsne_stops_on_sigint(capfd):
    x = np.random.default_rng(3).standard_normal((600, 10))
    took = interrupted(lambda: am.tsne(x, iterations=100000, seed=1))
    assert took < REACTION, "answered SIGINT after %.3f s" % took
    assert am.tsne(x[:40], perplexity=5, iterations=250, seed=1).shape == (40, 2)
    no_ctypes_noise(capfd)


def test_sigint_handler_is_restored_and_normal_ctrl_c_is_back():
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with interruptible() as cb:
        assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        assert not cb.cancelled
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_callable_progress_sees_steps_and_can_cancel():
    x = np.random.default_rng(4).standard_normal((60, 3))
    y = np.arange(60) % 3
    seen = []
    am.Probe("softmax", epochs=7).fit(
        x, y, progress=lambda *a: seen.append(a))
    assert [s[1] for s in seen] == list(range(1, 8))
    assert {s[0] for s in seen} == {"softmax"} and seen[-1][2] == 7
    with pytest.raises(am.CancelledError):
        am.Probe("softmax", epochs=7).fit(x, y, progress=lambda *a: True)

    def boom(*_):
        raise ZeroDivisionError("in progress")
    with pytest.raises(ZeroDivisionError):
        am.tsne(x, perplexity=5, iterations=250, progress=boom)


def test_chunked_recall_reports_rows_and_matches_one_call():
    rng = np.random.default_rng(5)
    stored = np.sign(rng.standard_normal((50, 32))).astype(np.float32)
    net = am.Hopfield("classical", 32)
    net.store(stored)
    queries = np.repeat(stored, 200, axis=0)  # 10000 rows: several chunks
    seen = []
    out = net.recall(queries, progress=lambda *a: seen.append(a))
    assert seen[-1][1:3] == (10000, 10000) and seen[0][0] == "recall"
    assert [s[1] for s in seen] == sorted(s[1] for s in seen)
    one = np.concatenate([net.recall(queries[i:i + 1000])
                          for i in range(0, 10000, 1000)])
    np.testing.assert_array_equal(out, one)


def test_progress_true_shows_a_line(capfd, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name == "tqdm":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    line = ProgressLine()
    line("train", 5, 10, 0.25)
    line("train", 10, 10, 0.125)
    line.close()
    err = capfd.readouterr().err
    assert "train 10/10 (100%) 0.125" in err and err.endswith("\n")
    x = np.random.default_rng(6).standard_normal((30, 3))
    am.Probe("softmax", epochs=3).fit(x, np.arange(30) % 2, progress=True)
    assert "softmax 3/3" in capfd.readouterr().err
