"""The conventions every class follows: seeds, image shapes, probes as
scikit-learn estimators, keyword-safe setting names, reprs, and error
messages that name the Python call."""

import pickle

import numpy as np
import pytest

import assocmem as am


def test_seed_none_is_fresh_and_ints_and_generators_repeat():
    a, b = am.random_patterns(4, 32), am.random_patterns(4, 32)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(am.random_patterns(4, 32, seed=5),
                                  am.random_patterns(4, 32, seed=5))
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    np.testing.assert_array_equal(am.random_patterns(4, 32, seed=g1),
                                  am.random_patterns(4, 32, seed=g2))
    # the generator advanced: its next seed gives other patterns
    assert not np.array_equal(am.random_patterns(4, 32, seed=g1),
                              am.random_patterns(4, 32, seed=9))
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        am.random_patterns(4, 32, seed="x")
    with pytest.raises(am.RangeError):
        am.random_patterns(4, 32, seed=-1)


def test_seed_setting_takes_none_and_generators():
    h = am.Hopfield("classical", 8, seed=np.random.default_rng(3))
    assert 0 <= h.seed < 2 ** 53
    h.seed = None
    first = h.seed
    h.seed = None
    assert h.seed != first  # fresh each time (2^-53 chance of a repeat)


def test_images_must_be_nchw_or_rows():
    v = am.Vae.preset("color64", seed=1)
    z = v.encode(np.zeros((2, 3, 64, 64)))
    assert z.shape == (2, v.latent_dim)
    assert v.encode(np.zeros((2, 3 * 64 * 64))).shape == z.shape
    with pytest.raises(am.DimensionError, match=r"\(n, 3, 64, 64\).*transpose"):
        v.encode(np.zeros((2, 64, 64, 3)))   # channels last: same size
    with pytest.raises(am.DimensionError, match=r"images has shape \(2, 3, 4096\)"):
        v.encode(np.zeros((2, 3, 4096)))


@pytest.mark.parametrize("labels", [[3, 7], [-1, 1], ["cat", "dog"]])
def test_probe_maps_labels_through_their_unique_values(labels):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((80, 3)).astype(np.float32)
    y = np.where(x[:, 0] > 0, labels[1], labels[0])
    for kind in ("svc", "softmax"):
        p = am.Probe(kind).fit(x, y)
        assert list(p.classes_) == sorted(labels) and p.classes == 2
        assert set(p.predict(x)) <= set(labels)
        assert p.scores(x).shape == (80, 2)
        assert p.score(x, y) > 0.9
        q = pickle.loads(pickle.dumps(p))
        assert list(q.classes_) == list(p.classes_)
        np.testing.assert_array_equal(q.predict(x), p.predict(x))


def test_probe_params_follow_scikit_learn():
    p = am.Probe("svc", c=2.0, multiclass="ovr")
    params = p.get_params()
    assert params["kind"] == "svc" and params["c"] == 2.0
    clone = am.Probe(**params)
    assert clone.get_params() == params and clone.classes_ is None
    assert p.set_params(c=3.0, gamma=0.5) is p and p.c == 3.0
    with pytest.raises(am.ArgumentError, match="kind cannot change"):
        p.set_params(kind="softmax")
    with pytest.raises(am.ArgumentError, match="one class"):
        p.fit(np.zeros((4, 2)), [1, 1, 1, 1])


def test_lambda_is_accepted_as_lambda_():
    kv = am.KVMemory(4, 6, lambda_=0.9)
    assert kv.lambda_ == pytest.approx(0.9)
    kv.lambda_ = 0.5
    assert kv.get("lambda") == pytest.approx(0.5)
    assert "lambda_" in kv.settings()


def test_every_class_has_a_repr():
    objects = [am.Hopfield("modern", 4), am.Dam(12, 4), am.Diffusion(5),
               am.Vae(1, 8, 8), am.Probe(), am.KVMemory(4, 6), am.TVT(4, 6)]
    objects.append(am.KVTape(objects[5], 2, 2))
    for obj in objects:
        text = repr(obj)
        assert text.startswith(type(obj).__name__) and " object at " not in text
        obj.close()
        assert "closed" in repr(obj)


def test_load_errors_name_the_call_and_the_kinds_once(tmp_path):
    path = str(tmp_path / "m.amem")
    am.Hopfield("modern", 8).save(path)
    with pytest.raises(am.FormatError) as info:
        am.Dam.load(path)
    detail = info.value.detail
    assert detail.startswith("Dam.load: ")
    assert "Hopfield store" in detail and "dense associative memory" in detail
    assert detail.count(path) == 1 and "amem_" not in detail


def test_errors_name_python_calls():
    with pytest.raises(am.DimensionError) as info:
        am.Hopfield("modern", 4).store(np.zeros((2, 5)))
    assert "Hopfield.store" in str(info.value) and "patterns" in str(info.value)
    with pytest.raises(am.StateError) as info:
        am.Vae(1, 8, 8).encode(np.zeros((1, 64)))
    assert "amem_" not in str(info.value)
