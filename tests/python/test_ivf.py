"""Pruned recall through the IVF index, from Python."""

import numpy as np
import pytest

import assocmem as am


def clustered(n=1500, d=16, k=20, seed=3):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-3, 3, (k, d)).astype(np.float32)
    x = centres[rng.integers(0, k, n)] + 0.3 * rng.standard_normal((n, d))
    return np.ascontiguousarray(x, dtype=np.float32)


def test_all_lists_equal_exact_recall():
    x = clustered()
    q = x[:40] + 0.05
    with am.Hopfield("modern", 16, beta=4.0, max_steps=1,
                     similarity="euclidean") as net:
        net.store(x)
        net.build_index("ivf", nlist=15, seed=7)
        assert net.index_lists == 15
        exact = net.recall(q)
        out, scored, bound = net.recall(q, nprobe=15, return_scored=True,
                                        return_bound=True)
        np.testing.assert_allclose(out, exact, atol=1e-4)
        assert (scored == len(x)).all() and (bound == 0).all()


def test_pruned_reports_counts_top_and_bound():
    x = clustered()
    q = x[100:130] + 0.05
    with am.Hopfield("modern", 16, beta=4.0, max_steps=1,
                     similarity="euclidean") as net:
        net.store(x)
        net.build_index(nlist=20, nprobe=2)
        out, top, scored, bound = net.recall_pruned(
            q, return_top=True, return_scored=True, return_bound=True)
        assert out.shape == q.shape
        assert (scored < len(x)).all() and (scored > 0).all()
        assert ((bound >= 0) & (bound <= 1)).all()
        w = net.weights(q)
        # the true weight left out never exceeds the bound: the top-1 of
        # the exact weights is found wherever the bound is below 1/2
        exact_top = w.argmax(axis=1)
        sure = bound < 0.5
        assert sure.any()
        assert (top[sure] == exact_top[sure]).all()
        one = net.recall_pruned(q[0], return_scored=True)
        assert one[0].shape == (16,) and one[1] == scored[0]


def test_progress_and_bad_input():
    x = clustered(300)
    seen = []
    with am.Hopfield("modern", 16) as net:
        with pytest.raises(am.StateError):
            net.recall_pruned(x[:2])
        net.store(x)
        net.build_index(nlist=10, progress=lambda s, d, t, m:
                        seen.append((s, d, m)) and False)
        stages = [s for s, _, _ in seen]
        assert stages.count("kmeans") == 10 and stages[-1] == "assign"
        objective = [m for s, _, m in seen if s == "kmeans"]
        assert all(b <= a * (1 + 1e-6) for a, b in zip(objective, objective[1:]))
        with pytest.raises(am.DimensionError):
            net.build_index(nlist=301)
        with pytest.raises(am.RangeError):
            net.recall_pruned(x[:2], nprobe=0)
        with pytest.raises(am.RangeError):
            net.recall_pruned(x[:2], nprobe=11)
        with pytest.raises(am.CancelledError):
            net.build_index(nlist=5, progress=lambda *a: True)
        assert net.index_lists == 10
        net.store(x[:1])
        assert net.index_lists == 0
        with pytest.raises(am.StateError):
            net.recall(x[:2], nprobe=1)
