"""Behaviour of the Hopfield class: physics, settings, persistence."""

import copy
import pickle

import numpy as np
import pytest

import assocmem as am

D = 64


def patterns(n, d=D, seed=1):
    return am.random_patterns(n, d, seed=seed)


@pytest.mark.parametrize("kind, n", [
    ("classical", 4), ("dense_poly", 20), ("dense_rect", 20),
    ("dense_exp", 20), ("modern", 200)])
def test_stored_patterns_are_fixed_points(kind, n):
    x = patterns(n)
    with am.Hopfield(kind, D) as net:
        net.store(x)
        y, steps = net.recall(x, return_steps=True)
    np.testing.assert_array_equal(np.sign(y), x)
    assert steps.shape == (n,) and steps.dtype == np.intc
    assert (steps >= 1).all()


def test_classical_sync_update_fixed_points():
    x = patterns(3, 100)
    with am.Hopfield("classical", 100, update="sync") as net:
        np.testing.assert_array_equal(net.recall(x), x)


def test_modern_recalls_thousands_from_masked_cues():
    x = patterns(2000, D, seed=3)
    cue, known = am.corrupt_zero(x, 0.5, seed=4)
    with am.Hopfield("modern", D) as net:
        net.store(x)
        y = net.recall(cue, clamp=known)
    assert am.hamming(y, x) < 0.01
    # clamped entries keep their cue values exactly
    np.testing.assert_array_equal(y[known == 1], cue[known == 1])


def test_one_dimensional_query_gives_one_dimensional_result():
    x = patterns(10)
    with am.Hopfield("modern", D) as net:
        net.store(x)
        y, steps, w = net.recall(x[3], return_steps=True, return_weights=True)
        assert y.shape == (D,) and w.shape == (10,)
        assert int(steps) >= 1
        np.testing.assert_array_equal(np.sign(y), x[3])
        assert isinstance(net.energy(x[3]), float)
        assert net.weights(x[3]).shape == (10,)


def test_clamp_row_is_broadcast_to_all_queries():
    x = patterns(50)
    known = np.zeros(D, np.float32)
    known[: D // 2] = 1
    cue = x * known
    with am.Hopfield("modern", D) as net:
        net.store(x)
        y1 = net.recall(cue, clamp=known)
        y2 = net.recall(cue, clamp=np.tile(known, (50, 1)))
    np.testing.assert_array_equal(y1, y2)


def test_modern_weights_are_a_distribution_peaked_at_the_pattern():
    x = patterns(30)
    with am.Hopfield("modern", D, beta=2.0) as net:
        net.store(x)
        w = net.weights(x)
        _, w_last = net.recall(x, return_weights=True)
    assert w.shape == (30, 30) and w_last.shape == (30, 30)
    np.testing.assert_allclose(w.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(w.argmax(axis=1), np.arange(30))
    np.testing.assert_array_equal(w_last.argmax(axis=1), np.arange(30))


@pytest.mark.parametrize("kind", ["classical", "dense_poly", "modern"])
def test_energy_does_not_increase_along_recall(kind):
    x = patterns(5 if kind == "classical" else 20)
    cue = am.corrupt_flip(x, 0.2, seed=9)[0]
    with am.Hopfield(kind, D) as net:
        net.store(x)
        before = net.energy(cue)
        after = net.energy(net.recall(cue))
    assert before.shape == (len(x),) and before.dtype == np.float64
    assert (after <= before + 1e-6 * np.abs(before)).all()


def test_heteroassociative_modern_returns_values():
    keys = patterns(40, D, seed=5)
    values = am.random_patterns(40, 16, seed=6)
    with am.Hopfield("modern", D, value_dim=16, beta=4.0) as net:
        assert net.output_dim == 16 and net.energy_dim == D
        net.store_pairs(keys, values)
        out = net.recall(keys)
    assert out.shape == (40, 16)
    np.testing.assert_array_equal(np.sign(out), values)


def test_bam_recalls_values_and_takes_joint_states():
    keys = am.random_patterns(3, 100, seed=7)
    values = am.random_patterns(3, 40, seed=8)
    with am.Hopfield("classical", 100, value_dim=40) as bam:
        assert bam.energy_dim == 140
        bam.store_pairs(keys, values)
        np.testing.assert_array_equal(bam.recall(keys), values)
        e = bam.energy(np.hstack([keys, values]))
    assert e.shape == (3,) and (e < 0).all()


def test_bam_recalls_both_ways_on_one_handle():
    # Ported from NeuPy (itdxer/neupy tests/memory/test_bam.py,
    # test_discrete_bam_sync and test_predict_different_inputs): 1-D and
    # 2-D cues, both directions, the settled layers of both sides.
    keys = am.random_patterns(3, 100, seed=7)
    values = am.random_patterns(3, 40, seed=8)
    with am.Hopfield("classical", 100, value_dim=40) as bam:
        with pytest.raises(am.StateError):
            bam.recall_bam(keys)
        bam.store_pairs(keys, values)
        k, v = bam.recall_bam(keys)
        np.testing.assert_array_equal(k, keys)
        np.testing.assert_array_equal(v, values)
        k, v, steps = bam.recall_bam(values, "value_to_key",
                                     return_steps=True)
        np.testing.assert_array_equal(k, keys)
        np.testing.assert_array_equal(v, values)
        assert steps.tolist() == [1, 1, 1]
        k1, v1 = bam.recall_bam(values[1], am.Direction.VALUE_TO_KEY)
        assert k1.shape == (100,) and v1.shape == (40,)
        np.testing.assert_array_equal(k1, keys[1])
        half = keys.copy()
        half[:, 50:] = 0
        k, v = bam.recall_bam(half, clamp=(half != 0).astype(np.float32))
        np.testing.assert_array_equal(k, keys)
        assert set(np.unique(v)) <= {-1.0, 1.0}
        with pytest.raises(am.ArgumentError):
            bam.recall_bam(keys, "sideways")
    with am.Hopfield("classical", 10) as auto:
        with pytest.raises(am.UnsupportedError):
            auto.recall_bam(np.ones(10, np.float32))


def test_replay_is_deterministic_per_seed():
    x = patterns(20)

    def run(seed):
        with am.Hopfield("modern", D, seed=seed) as net:
            net.store(x)
            return net.replay(5, return_cues=True, return_steps=True)

    a, b, c = run(11), run(11), run(12)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[1], c[1])
    out, cues, steps = a
    assert out.shape == (5, D) and cues.shape == (5, D) and steps.shape == (5,)
    assert (np.abs(cues) <= 1).all()


def test_replay_signs_noise():
    with am.Hopfield("classical", D, noise="signs") as net:
        net.store(patterns(2))
        _, cues = net.replay(4, return_cues=True)
    assert set(np.unique(cues)) <= {-1.0, 1.0}


def test_count_and_clear():
    with am.Hopfield("modern", D) as net:
        assert net.count == 0
        net.store(patterns(7))
        net.store(patterns(3, seed=2)[0])
        assert net.count == 8
        net.clear()
        assert net.count == 0


def test_settings_properties_and_types():
    with am.Hopfield(am.Kind.MODERN, D, beta=3.5, max_steps=4,
                     scale_sqrt_d=True) as net:
        assert net.kind is am.Kind.MODERN and net.dim == D
        assert net.beta == 3.5 and net.get("BETA") == 3.5
        assert net.max_steps == 4 and isinstance(net.max_steps, int)
        assert net.scale_sqrt_d is True
        net.update = "sync"
        assert net.update is am.Update.SYNC
        net.set(order=am.Order.RANDOM, noise=1)
        assert net.order is am.Order.RANDOM and net.noise is am.Noise.SIGNS
        net.set("seed", 2 ** 40)
        assert net.seed == 2 ** 40
        s = net.settings()
        assert set(s) == {p.name.lower() for p in am.Param}


def test_similarity_and_separation_by_name():
    with am.Hopfield("modern", D, similarity="euclidean",
                     separation="argmax") as net:
        assert net.similarity is am.Similarity.EUCLIDEAN
        assert net.separation is am.Separation.ARGMAX
        net.similarity = "Manhattan"
        net.set(separation=am.Separation.POLY, degree=1)
        assert net.similarity is am.Similarity.MANHATTAN
        assert net.separation is am.Separation.POLY
        assert net.settings()["similarity"] is am.Similarity.MANHATTAN
        with pytest.raises(am.ArgumentError):
            net.similarity = "hamming"
        assert net.similarity is am.Similarity.MANHATTAN
        assert net.copy().separation is am.Separation.POLY
    with am.Hopfield("dense_poly", D) as net:
        with pytest.raises(am.UnsupportedError):
            net.similarity = "cosine"
        net.similarity = "dot"


def test_masked_euclidean_recall_is_nearest_on_known_entries():
    p = np.ones((2, D), np.float32)
    p[0] *= 3.0   # bright
    p[1] *= 0.5   # dim
    mask = (np.arange(D) % 2 == 0).astype(np.float32)
    cue = p[1] * mask
    for sim, want in (("dot", 3.0), ("euclidean", 0.5)):
        with am.Hopfield("modern", D, similarity=sim) as net:
            net.store(p)
            out, steps = net.recall(cue, clamp=mask, return_steps=True)
            assert steps == 1
            np.testing.assert_allclose(out[1::2], want, rtol=1e-3)
            np.testing.assert_array_equal(out[::2], cue[::2])


def test_failed_set_restores_the_whole_call():
    with am.Hopfield("modern", D) as net:
        with pytest.raises(am.RangeError) as info:
            net.set(beta=2.0, max_steps=0)
        assert "Hopfield.set" in info.value.detail
        assert net.beta == 1.0 and net.max_steps == 10


def test_param_bounds():
    lo, hi, integer = am.param_bounds("max_steps")
    assert (lo, hi, integer) == (1.0, 1e6, True)
    assert am.Hopfield.param_bounds(am.Param.BETA) == (1e-6, 1e6, False)


def test_save_load_file_round_trip(tmp_path):
    x = patterns(25)
    path = tmp_path / "net.amem"
    with am.Hopfield("dense_rect", D, degree=4, seed=5) as net:
        net.store(x)
        net.save(path)
        image = net.save_mem()
        with am.Hopfield.load(path) as back:
            assert back.save_mem() == image
            assert back.kind is am.Kind.DENSE_RECT and back.degree == 4
            np.testing.assert_array_equal(back.recall(x), net.recall(x))


def test_save_mem_load_mem_bit_for_bit():
    with am.Hopfield("modern", D, value_dim=8, beta=6.0) as net:
        net.store_pairs(patterns(12), am.random_patterns(12, 8, seed=3))
        image = net.save_mem()
        assert isinstance(image, bytes)
        with am.Hopfield.load_mem(bytearray(image)) as back:
            assert back.save_mem() == image
            assert (back.dim, back.value_dim, back.count) == (D, 8, 12)


def test_copy_and_pickle_are_independent():
    with am.Hopfield("modern", D) as net:
        net.store(patterns(5))
        for other in (copy.copy(net), copy.deepcopy(net),
                      pickle.loads(pickle.dumps(net))):
            assert other.save_mem() == net.save_mem()
            other.store(patterns(1, seed=9))
            assert other.count == 6 and net.count == 5
            other.close()


def test_inputs_are_converted_without_changing_results():
    x = patterns(10)
    with am.Hopfield("modern", D) as net:
        net.store(x.astype(np.float64))
        ref = net.recall(x)
        np.testing.assert_array_equal(net.recall(np.asfortranarray(x)), ref)
        np.testing.assert_array_equal(net.recall(x.tolist()), ref)
        np.testing.assert_array_equal(net.recall(np.hstack([x, x])[:, :D]), ref)


def test_float32_contiguous_input_is_not_copied():
    from assocmem._arrays import as_rows
    x = patterns(3)
    assert as_rows(x, "x", "t")[0] is x
    assert np.shares_memory(as_rows(x[1], "x", "t")[0], x)
    assert not np.shares_memory(as_rows(x.astype(np.float64), "x", "t")[0], x)
