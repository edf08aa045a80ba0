"""Behaviour of KVMemory and TVT from Python."""

import pickle

import numpy as np
import pytest

import assocmem as am


def signs(n, d, seed):
    return am.random_patterns(n, d, seed=seed)


def test_recall_at_low_load_and_hidden():
    x = signs(20, 40, 1)
    cue, _ = am.corrupt_zero(x, 0.6, seed=2)
    with am.KVMemory(40, 40, sign_output=1) as kv:
        kv.write(x)
        y, h = kv.read(cue, return_hidden=True)
        np.testing.assert_array_equal(y, x)
        np.testing.assert_allclose(h.sum(axis=1), 1, rtol=1e-5)
        assert kv.count == 20 and kv.next_slot == 20


def test_sequential_cycles_and_random_gamma():
    with am.KVMemory(4, 3) as kv:
        for t in range(5):
            assert kv.next_slot == t % 3
            kv.write(np.ones(4), q=1.0)
        assert kv.last_gamma.tolist() == [0, 1, 0]
    with am.KVMemory(4, 2000, local_factor="random", p=0.1, seed=3) as kv:
        kv.write(np.ones(4), q=0.0)
        assert abs(kv.last_gamma.mean() - 0.1) < 0.03


def test_flashbulb_freezes_slot():
    x = signs(12, 32, 4)
    q = np.ones(12, np.float32)
    q[1] = 10
    with am.KVMemory(32, 4, meta_plasticity=1, sign_output=1) as kv:
        kv.write(x, q=q)
        kf, vf = kv.stability
        assert kf.tolist() == [False, True, False, False] == vf.tolist()
        np.testing.assert_array_equal(kv.read(x[1]), x[1])


def test_episode_gradient_and_meta_train():
    kv = am.KVMemory(8, 8, value_decay="passive", eta_k=0.5,
                     train_lr=0.02, train_batch=4)
    x = signs(6, 8, 5)
    out, loss, acc, g = kv.episode(x, x, x, grad=True)
    assert out.shape == (6, 8) and g.shape == (len(am.RULE_PARAMS) + 1,)
    assert np.isfinite(g).all() and loss >= 0 and 0 <= acc <= 1
    hist = kv.meta_train(200)
    assert hist.shape == (200, len(am.HISTORY_COLUMNS))
    assert hist[-30:, 1].mean() < hist[:30, 1].mean()
    assert kv.rule["eta_k"] == pytest.approx(hist[-1, 3])
    calls = []
    with pytest.raises(am.CancelledError):
        kv.meta_train(5, progress=lambda *a: calls.append(a) or True)
    assert len(calls) == 1


def test_save_load_pickle_roundtrip(tmp_path):
    kv = am.KVMemory(6, 5, 3, local_factor="random", p=0.5, seed=9)
    kv.write(signs(4, 6, 6), signs(4, 3, 7))
    img = kv.save_mem()
    assert am.KVMemory.load_mem(img).save_mem() == img
    assert pickle.loads(pickle.dumps(kv)).save_mem() == img
    kv.save(tmp_path / "kv.amem")
    assert am.KVMemory.load(tmp_path / "kv.amem").save_mem() == img
    with pytest.raises(am.FormatError):
        am.TVT.load_mem(img)


def test_bad_inputs():
    kv = am.KVMemory(4, 3, 2)
    with pytest.raises(am.DimensionError):
        kv.write(np.ones(4))          # values needed when m != d
    with pytest.raises(am.RangeError):
        kv.write(np.ones(4), np.ones(2), q=-1)
    with pytest.raises(am.NonFiniteError):
        kv.read([1, np.nan, 0, 0])
    with pytest.raises(am.RangeError):
        kv.set(p=2)
    with pytest.raises(am.ArgumentError):
        kv.set(nonsense=1)
    with pytest.raises(am.DimensionError):
        am.KVMemory(0, 3)


def test_tvt_write_read_train():
    x = signs(30, 16, 8)
    with am.TVT(16, 16, sign_output=1, train_lr=0.01) as t:
        t.write(x)
        y, w = t.read(x[-1], return_weights=True)
        np.testing.assert_array_equal(y, x[-1])
        assert w.argmax() == (30 - 1) % 16
        A, a, u, c = t.read_params
        np.testing.assert_array_equal(A, np.eye(16, dtype=np.float32))
        hist = t.train(5)
        assert hist.shape == (5, 4)
        t.read_params = (A, a, u, 0.5)
        assert t.read_params[3] == 0.5
        assert am.TVT.load_mem(t.save_mem()).save_mem() == t.save_mem()
