"""Behaviour of the Diffusion class and the capacity helpers."""

import copy
import math
import pickle

import numpy as np
import pytest

import assocmem as am


def patterns(n, d, seed=1):
    return am.random_patterns(n, d, seed=seed)


def test_schedule_and_settings():
    with am.Diffusion(6, steps=40, sampler="sde") as m:
        assert m.dim == 6 and m.count == 0
        assert m.steps == 40 and m.get("sampler") == am.diffusion.Sampler.SDE
        assert m.hidden == 480 and m.gamma == pytest.approx(0.8)
        t = m.t_start(0.68)
        assert t == pytest.approx(-2 * math.log(0.68) / 0.8)
        assert m.theta(t) == pytest.approx(0.68)
        assert m.noise_std(t) ** 2 == pytest.approx(1 - 0.68 ** 2)
        with pytest.raises(am.RangeError):
            m.set(steps=10, gamma=-1)  # all or nothing
        assert m.steps == 40
        with pytest.raises(am.ArgumentError):
            m.set(sampler="euler")
        assert am.diffusion.param_bounds("steps")[2] is True


def test_exact_score_matches_log_density_gradient():
    rng = np.random.default_rng(0)
    y = rng.standard_normal((5, 4)).astype(np.float32)
    x = rng.standard_normal(4).astype(np.float32)
    with am.Diffusion(4) as m:
        m.store(y)
        s = m.score(x, 0.6)
        h = 1e-2
        for j in range(4):
            e = np.zeros(4, np.float32)
            e[j] = h
            fd = (m.log_density(x + e, 0.6) - m.log_density(x - e, 0.6)) / (2 * h)
            assert s[j] == pytest.approx(fd, rel=3e-3, abs=3e-3)
        w = m.weights(np.stack([x, x]), 0.6)
        assert w.shape == (2, 5)
        np.testing.assert_allclose(w.sum(1), 1, rtol=1e-5)


def test_weights_match_modern_hopfield():
    y = patterns(7, 10)
    x = np.random.default_rng(1).standard_normal((3, 10)).astype(np.float32)
    with am.Diffusion(10) as m, am.Hopfield("modern", 10) as hop:
        m.store(y)
        hop.store(y)
        t = 0.3
        hop.beta = m.theta(t) / m.noise_std(t) ** 2
        np.testing.assert_allclose(m.weights(x, t), hop.weights(x),
                                   rtol=1e-4, atol=1e-6)


def test_denoising_and_completion():
    d, n = 24, 4
    y = patterns(n, d, seed=3)
    with am.Diffusion(d, start_theta=0.9) as m:
        m.store(y)
        cue = am.corrupt_mix(y, 0.9, seed=4)
        out, traj = m.recall(cue, return_trajectory=True)
        np.testing.assert_array_equal(np.sign(out), y)
        assert traj.shape == (m.steps + 1, n, d)
        np.testing.assert_array_equal(traj[-1], out)
        known = np.zeros((n, d), np.float32)
        known[:, : d // 2] = 1
        q = y * known
        out = m.recall(q, clamp=known)
        np.testing.assert_array_equal(out[:, : d // 2], y[:, : d // 2])
        np.testing.assert_array_equal(np.sign(out), y)


def test_training_progress_cancel_and_persistence(tmp_path):
    y = patterns(5, 4, seed=5)
    m = am.Diffusion(4, hidden=16, seed=2)
    m.store(y)
    seen = []
    res = m.train(200, progress=lambda st, done, tot, l: seen.append(done))
    assert seen == list(range(1, 201)) and math.isfinite(res.loss)
    assert res.steps == 200 and res.step_count == 200 == m.step_count
    with pytest.raises(am.CancelledError):
        m.train(300, progress=lambda *a: True)
    assert m.step_count == 201      # finished steps are kept

    def boom(*a):
        raise KeyError("inside")
    with pytest.raises(KeyError):
        m.train(300, progress=boom)
    assert m.step_count == 202
    image = m.save_mem()
    m.save(tmp_path / "m.amem")
    for other in (am.Diffusion.load(tmp_path / "m.amem"), copy.deepcopy(m),
                  pickle.loads(pickle.dumps(m))):
        assert other.save_mem() == image
    m.set(score="learned")
    assert m.recall(y).shape == y.shape
    m.close()


def test_bad_inputs():
    with am.Diffusion(3) as m:
        with pytest.raises(am.StateError):
            m.recall(np.zeros(3))
        with pytest.raises(am.DimensionError):
            m.store(np.zeros((2, 4)))
        with pytest.raises(am.NonFiniteError):
            m.store(np.array([1, np.nan, 0]))
        m.store(np.ones(3))
        with pytest.raises(am.RangeError):
            m.score(np.zeros(3), 0.0)
        with pytest.raises(am.ArgumentError):
            m.recall(np.zeros(3), clamp=np.full(3, 0.5))
        with pytest.raises(am.StateError):
            m.set(score="learned")
            m.recall(np.zeros(3))
    with pytest.raises(am.FormatError):
        am.Diffusion.load_mem(b"not a model")


def test_semantic_manifold():
    """A line manifold (Eqs. 24-25): log p_t equals the mixture with the
    full covariance built here, the score its gradient; saved, copied,
    refused when invalid, undone by set_semantic()."""
    rng = np.random.default_rng(3)
    d, t = 3, 0.5
    y = rng.standard_normal((2, d)).astype(np.float32)
    mean = np.array([0.4, -0.3, 0.2], np.float32)
    direction = np.array([[2.0, 1.0, 0.0]], np.float32)
    with am.Diffusion(d, semantic_weight=0.6, semantic_var=0.05) as m:
        m.store(y)
        iso = m.log_density(y, t)
        m.set_semantic(mean, direction, [3.0])
        got_mean, q, sp = m.semantic()
        assert np.array_equal(got_mean, mean) and sp.tolist() == [3.0]
        assert np.allclose(q[0], direction[0] / np.linalg.norm(direction[0]))
        x = rng.standard_normal((4, d))
        th, s = m.theta(t), m.noise_std(t)
        cov = (th ** 2 * 0.05 + s ** 2) * np.eye(d) \
            + th ** 2 * 9.0 * np.outer(q[0], q[0])

        def log_gauss(x, mu, c):
            u = x - mu
            sol = np.linalg.solve(c, u.T).T
            return -0.5 * (np.sum(u * sol, 1) + np.linalg.slogdet(c)[1]
                           + d * math.log(2 * math.pi))
        comps = [math.log(0.2) + log_gauss(x, th * y[k], s ** 2 * np.eye(d))
                 for k in range(2)]
        comps.append(math.log(0.6) + log_gauss(x, th * mean, cov))
        want = np.logaddexp.reduce(np.array(comps), axis=0)
        assert np.allclose(m.log_density(x, t), want, rtol=1e-5, atol=1e-5)
        h = 1e-3
        fd = np.array([[(m.log_density(x[i] + h * e, t)
                         - m.log_density(x[i] - h * e, t)) / (2 * h)
                        for e in np.eye(d)] for i in range(4)])
        assert np.allclose(m.score(x, t), fd, rtol=1e-2, atol=1e-2)
        image = m.save_mem()
        for other in (am.Diffusion.load_mem(image), copy.deepcopy(m)):
            assert other.save_mem() == image
            assert np.array_equal(other.semantic()[1], q)
        with pytest.raises(am.DimensionError):
            m.set_semantic(directions=np.eye(d), spreads=[1.0, 2.0])
        with pytest.raises(am.RangeError):
            m.set_semantic(directions=direction, spreads=[-1.0])
        with pytest.raises(am.ArgumentError):
            m.set_semantic(directions=np.vstack([direction, 2 * direction]),
                           spreads=[1.0, 1.0])
        with pytest.raises(am.NonFiniteError):
            m.set_semantic(mean=[0.0, np.nan, 0.0])
        assert m.save_mem() == image     # refused calls changed nothing
        m.set_semantic()                 # back to N(0, c I)
        assert m.semantic()[1].shape == (0, d)
        assert np.array_equal(m.log_density(y, t), iso)


def test_capacity_search_and_bootstrap():
    calls = []

    def err(n):
        calls.append(n)
        return 0.0 if n <= 41 else 1.0
    for method in ("scan_up", "bisect", "scan_down"):
        calls.clear()
        hi = 45 if method == "scan_down" else 1000
        cap, evals = am.capacity_search(err, 1, hi, 0.03, method=method)
        assert cap == 41 and evals == len(calls) == len(set(calls))

    def bad(n):
        raise ValueError("no")
    with pytest.raises(ValueError):
        am.capacity_search(bad, 1, 10)
    with pytest.raises(am.CancelledError):
        am.capacity_search(err, 1, 100, progress=lambda *a: True)
    mean, lo, hi = am.bootstrap_mean(np.arange(10.0), resamples=500, seed=1)
    assert mean == 4.5 and lo < 4.5 < hi
    errors = np.array([[0.0] * 4, [0.0] * 4, [0.5] * 4])
    assert am.capacity_bootstrap([3, 6, 9], errors) == (6.0, 6.0, 6.0)
    with pytest.raises(am.DimensionError):
        am.capacity_bootstrap([3, 6], errors)
