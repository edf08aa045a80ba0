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


def test_episode_gradient_and_train():
    kv = am.KVMemory(8, 8, value_decay="passive", eta_k=0.5,
                     learning_rate=0.02, batch_size=4)
    x = signs(6, 8, 5)
    out, loss, acc, g = kv.episode(x, x, x, grad=True)
    assert out.shape == (6, 8) and g.shape == (len(am.RULE_PARAMS) + 1,)
    assert np.isfinite(g).all() and loss >= 0 and 0 <= acc <= 1
    res = kv.train(200)
    assert res == (200, pytest.approx(kv.history[-1, 1]), 200)
    hist = kv.history
    assert hist.shape == (200, len(am.HISTORY_COLUMNS))
    np.testing.assert_array_equal(hist[:, 0], np.arange(1, 201))
    assert hist[-30:, 1].mean() < hist[:30, 1].mean()
    assert kv.rule["eta_k"] == pytest.approx(hist[-1, 3])
    calls = []
    with pytest.raises(am.CancelledError):
        kv.train(5, progress=lambda *a: calls.append(a) or True)
    assert len(calls) == 1 and calls[0][0] == "train"
    assert kv.history.shape == (1, len(am.HISTORY_COLUMNS))
    assert kv.step_count == 201      # the finished step is kept
    kv.reset()
    assert kv.step_count == 0


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
    with am.TVT(16, 16, sign_output=1, learning_rate=0.01) as t:
        t.write(x)
        y, w = t.read(x[-1], return_weights=True)
        np.testing.assert_array_equal(y, x[-1])
        assert w.argmax() == (30 - 1) % 16
        A, a, u, c = t.read_params
        np.testing.assert_array_equal(A, np.eye(16, dtype=np.float32))
        res = t.train(5)
        assert res.steps == 5 and res.step_count == 5
        assert t.history.shape == (5, len(am.TVT_HISTORY_COLUMNS))
        assert res.loss == pytest.approx(t.history[-1, 1])
        t.read_params = (A, a, u, 0.5)
        assert t.read_params[3] == 0.5
        assert am.TVT.load_mem(t.save_mem()).save_mem() == t.save_mem()


def _tape_loss(kv, tape, z, W, T, d, m):
    """Interleaved episode: read query t, write item t; a final read."""
    keys, vals, q, qry = z
    kv.set(seed=5)
    tape.begin(kv)
    outs = []
    for t in range(T):
        outs.append(tape.read(qry[t]))
        tape.write(keys[t], vals[t], float(q[t]))
    outs.append(tape.read(qry[T]))
    y = np.stack(outs)
    return float((W * y).sum())


@pytest.mark.parametrize("random", [0, 1])
def test_tape_gradient_matches_finite_differences(random):
    d, N, m, T = 5, 4, 3, 5
    rng = np.random.default_rng(7)
    keys = rng.standard_normal((T, d)).astype(np.float32)
    vals = rng.standard_normal((T, m)).astype(np.float32)
    q = np.array([0.7, 0.4, 0.9, 0.55, 0.3], np.float32)
    qry = rng.standard_normal((T + 1, d)).astype(np.float32)
    W = rng.standard_normal((T + 1, m)).astype(np.float32)
    from assocmem.kvmem import KVTape
    with am.KVMemory(d, N, m, local_factor=random, p=0.5, beta=0.4,
                     eta_k=0.8, key_post_slope=0.3) as kv, \
            KVTape(kv, T, T + 1) as tape:
        z = (keys, vals, q, qry)
        _tape_loss(kv, tape, z, W, T, d, m)
        assert tape.counts == (T, T + 1, 2 * T + 1)
        g = tape.backward(W)
        assert tape.counts[2] == 0
        h = 2e-3
        for arr, grad in ((keys, g["d_keys"]), (vals, g["d_values"]),
                          (q, g["d_q"]), (qry, g["d_queries"])):
            for idx in np.ndindex(arr.shape):
                keep = arr[idx]
                arr[idx] = keep + h
                up = _tape_loss(kv, tape, z, W, T, d, m)
                arr[idx] = keep - h
                dn = _tape_loss(kv, tape, z, W, T, d, m)
                arr[idx] = keep
                fd = (up - dn) / (2 * h)
                assert abs(fd - grad[idx]) <= 2e-3 + 2e-2 * abs(fd)
        # step by step gives the same, last operation first
        _tape_loss(kv, tape, z, W, T, d, m)
        dqry = tape.back_read(W[T])
        np.testing.assert_allclose(dqry, g["d_queries"][T], rtol=1e-5,
                                   atol=1e-6)
        dk, dv, dq, rg = tape.back_write(rule_grad=True)
        np.testing.assert_allclose(dk, g["d_keys"][T - 1], rtol=1e-5,
                                   atol=1e-6)
        assert abs(dq - g["d_q"][T - 1]) <= 1e-5 * (1 + abs(dq))
        assert rg.shape == (len(am.RULE_PARAMS) + 1,)


def test_tape_errors_leave_state():
    from assocmem.errors import StateError
    from assocmem.kvmem import KVTape
    with am.KVMemory(4, 3, 2) as kv, KVTape(kv, 2, 2) as tape:
        with pytest.raises(StateError):
            tape.write(np.ones(4), np.ones(2))  # not begun
        tape.begin(kv)
        with pytest.raises(am.RangeError):
            tape.write(np.ones(4), np.ones(2), q=-1)
        with pytest.raises(am.DimensionError):
            tape.write(np.ones(4))  # value None needs m = d
        with pytest.raises(am.NonFiniteError):
            tape.read(np.array([1, np.nan, 0, 0]))
        assert tape.counts == (0, 0, 0)
        tape.write(np.ones(4), np.ones(2), q=0.5)
        tape.read(np.ones(4))
        with pytest.raises(StateError):
            tape.back_write()  # the last operation is a read
        tape.back_read(np.ones(2))
        with pytest.raises(StateError):
            tape.write(np.ones(4), np.ones(2))  # walking back
        dk, dv, dq = tape.back_write()
        assert dk.shape == (4,) and dv.shape == (2,)
