"""Python binding of the dense associative memory (assocmem.Dam)."""

import pickle

import numpy as np
import pytest

import assocmem as am
from assocmem.dam import Balance, Record, Signal


def unit_rows(n, d, seed):
    x = np.random.default_rng(seed).random((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def small_net(**kw):
    kw.setdefault("seed", 3)
    kw.setdefault("max_steps", 60)
    kw.setdefault("batch_size", 4)
    return am.Dam(12, 4, **kw)


def small_data():
    base = unit_rows(2, 12, 1)
    noise = unit_rows(10, 12, 2)
    x = 0.8 * base[[0] * 8 + [1] * 2] + 0.2 * noise
    return x.astype(np.float32), np.array([0] * 8 + [1] * 2, np.int32)


def test_settings_and_enums():
    with small_net() as net:
        assert net.visible == 12 and net.hidden == 4
        assert net.beta == 5.0 and net.max_steps == 60
        net.set(balance="sample", signal="neg_entropy", gamma=2.5)
        assert net.balance is Balance.SAMPLE
        assert net.signal is Signal.NEG_ENTROPY
        with pytest.raises(am.RangeError):
            net.beta = 0
        with pytest.raises(am.ArgumentError):
            net.set(signal="nope")
        assert am.dam.param_bounds("gamma")[:2] == (0.0, 1000.0)


def test_recall_fixed_point_single_memory():
    with am.Dam(6, 1) as net:
        w = np.arange(1, 7, dtype=np.float32)[None, :]
        net.set_weights(w)
        out, steps, hid = net.recall(np.zeros(6, np.float32) + 0.1,
                                     return_steps=True, return_hidden=True)
        assert steps <= 1000 and hid[0] == pytest.approx(1.0)
        np.testing.assert_allclose(out, net.weights()[0], atol=1e-4)
        assert np.linalg.norm(net.weights(), axis=1) == pytest.approx(1.0)


def test_train_evaluate_records_and_cancel():
    x, lab = small_data()
    with small_net(learning_rate=0.03) as net:
        net.set_data(x, exceptions=lab)
        before = net.evaluate(x, lab, seed=1)[2]
        assert net.steps_per_epoch == 3  # 10 items, batch 4
        r = net.train(10 * net.steps_per_epoch)
        assert isinstance(r, am.TrainResult)
        assert r.steps == 30 and r.step_count == 30 and np.isfinite(r.loss)
        reg, exc, ev = net.evaluate(x, lab, seed=1)
        assert ev == pytest.approx(0.5 * (reg + exc))
        assert ev < before
        assert np.all(net.record(Record.USES) == 10)
        assert np.all(np.isfinite(net.record("entropy")))
        seen = []

        def stop(stage, done, total, loss):
            seen.append((stage, done, total))
            return True
        with pytest.raises(am.CancelledError):
            net.train(3, progress=stop)
        assert seen == [("train", 1, 3)] and net.step_count == 31


def test_gamma_zero_is_uniform_and_weights_sum_to_one():
    x, lab = small_data()
    ws = []
    for bal in ("none", "reweight"):
        with small_net(balance=bal, signal="loss", gamma=0) as net:
            net.set_data(x, lab)
            net.train(2 * net.steps_per_epoch)
            ws.append(net.weights(normalized=False))
    np.testing.assert_array_equal(ws[0], ws[1])
    with small_net(balance="sample", signal="ground_truth", gamma=3) as net:
        net.set_data(x, lab)
        net.train(net.steps_per_epoch)
        p = net.record("weight")
        assert p.sum() == pytest.approx(1.0, abs=1e-5)
        assert p[-1] > p[0]


def test_save_load_pickle_roundtrip(tmp_path):
    x, lab = small_data()
    with small_net() as net:
        net.set_data(x, lab)
        net.train(1)
        img = net.save_mem()
        path = tmp_path / "dam.amem"
        net.save(path)
        assert am.Dam.load(path).save_mem() == img
        assert pickle.loads(pickle.dumps(net)).save_mem() == img
        with pytest.raises(am.FormatError):
            am.Dam.load_mem(img[:-3])


def test_bad_inputs():
    with small_net() as net:
        with pytest.raises(am.DimensionError):
            net.recall(np.zeros((2, 5), np.float32))
        with pytest.raises(am.NonFiniteError):
            net.recall(np.full(12, np.nan, np.float32))
        with pytest.raises(am.ArgumentError):
            net.recall(np.ones(12, np.float32), clamp=np.full(12, 0.5))
        with pytest.raises(am.StateError):
            net.train(1)
        with pytest.raises(am.DimensionError):
            net.set_data(np.ones((3, 12)), exceptions=[0, 1])
