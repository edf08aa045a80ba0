"""The VAE, probes and scene generators through the Python package."""

import pickle

import numpy as np
import pytest

import assocmem as am
from assocmem import scenes


def tiny(**settings):
    v = am.Vae(1, 8, 8, latent=3, seed=1, **settings)
    v.add_encoder_conv(4, 3, 2, 1).add_encoder_conv(6, 3, 2, 1)
    v.add_decoder_conv(2, 4, 3, 1, 1).add_decoder_conv(2, 1, 3, 1, 1)
    return v.build()


def bars(n):
    x = np.zeros((n, 1, 8, 8), np.float32)
    for i in range(n):
        x[i, 0, i % 8, :] = 0.9
        x[i, 0, :, (3 * i + 1) % 8] = 0.8
    return x


def test_train_encode_decode_and_pickle():
    x = bars(16)
    with tiny(epochs=40, batch_size=8, patience=0, learning_rate=1e-2) as v:
        assert v.built and v.latent_dim == 3 and v.layer_count == (2, 2)
        before = sum(v.loss(x))
        seen = []
        epochs, loss = v.train(x, progress=lambda s, d, t, m: seen.append(d))
        assert epochs == 40 and seen == list(range(1, 41))
        assert sum(v.loss(x)) < 0.7 * before
        mu, lv = v.encode(x, return_logvar=True)
        assert mu.shape == (16, 3) and lv.shape == (16, 3)
        y = v.decode(mu)
        assert y.shape == (16, 1, 8, 8)
        np.testing.assert_array_equal(y, v.reconstruct(x))
        w = pickle.loads(pickle.dumps(v))
        np.testing.assert_array_equal(w.reconstruct(x), y)
        assert v.save_mem() == w.save_mem()
        assert v.interpolate(x[0], x[1], 5).shape == (5, 1, 8, 8)
        assert v.arithmetic(x[:2], x[:2], x[2:4]).shape == (2, 1, 8, 8)
        img, z = v.sample(3, return_z=True)
        assert img.shape == (3, 1, 8, 8) and z.shape == (3, 3)
        mask = np.ones_like(x)
        mask[:, :, :4] = 0
        assert v.recall(x, mask).shape == x.shape


def test_settings_and_errors():
    v = am.Vae(1, 8, 8)
    v.set(loss="mse", latent=4)
    assert v.get("loss") == am.vae.Loss.MSE and v.latent == 4
    with pytest.raises(am.StateError):
        v.encode(np.zeros((1, 64)))
    with pytest.raises(am.RangeError):
        v.set(batch_size=0)
    with pytest.raises(am.DimensionError):
        v.add_encoder_conv(4, 9, 1, 0)
    v.close()
    with pytest.raises(am.DimensionError):
        tiny().encode(np.zeros(63))


def test_preset_and_cancel():
    v = am.Vae.preset("digits28", seed=3)
    assert v.input_shape == (1, 28, 28) and v.latent_dim == 10
    x = np.random.default_rng(0).random((8, 1, 28, 28), dtype=np.float32)
    v.epochs = 5
    with pytest.raises(am.CancelledError):
        v.train(x, progress=lambda s, d, t, m: d >= 1)


def test_consolidation_from_hopfield_teacher():
    x = bars(6).reshape(6, 64)
    with am.Hopfield("modern", 64, beta=20.0) as t, tiny(epochs=2) as v:
        t.store(2 * x - 1)
        r = v.replays(t, 10)
        assert r.shape == (10, 1, 8, 8)
        dist = np.abs(r.reshape(10, 1, 64) - x[None]).max(axis=2).min(axis=1)
        assert (dist < 0.05).all()
        epochs, loss = v.consolidate(t, 12)
        assert epochs == 2 and np.isfinite(loss)


def test_probes_and_tsne():
    rng = np.random.default_rng(1)
    y = np.arange(200) % 3
    x = rng.normal(size=(200, 4)).astype(np.float32) + 4 * np.eye(4)[y]
    for kind in ("svc", "softmax"):
        with am.Probe(kind) as p:
            p.fit(x[:100], y[:100])
            assert p.accuracy(x[100:], y[100:]) > 0.9
            assert p.predict(x[100:]).dtype == p.classes_.dtype
            assert p.scores(x[:5]).shape == (5, 3)
            q = pickle.loads(pickle.dumps(p))  # a fitted probe travels whole
            assert q.kind == p.kind and q.dim == 4
            np.testing.assert_array_equal(q.scores(x), p.scores(x))
    e = am.tsne(x[:60], perplexity=10, iterations=300, seed=2)
    assert e.shape == (60, 2) and np.isfinite(e).all()


def test_scenes():
    img, f = scenes.shapes3d(5, seed=2)
    assert img.shape == (5, 3, 64, 64) and f.shape == (5, 6)
    np.testing.assert_array_equal(scenes.shapes3d_render(f), img)
    assert scenes.shapes3d_levels() == (10, 10, 10, 8, 4, 15)
    s, lab, rot = scenes.solids(4, 32, seed=3)
    np.testing.assert_array_equal(scenes.solids_render(lab, rot, 32), s)
    with pytest.raises(am.RangeError):
        scenes.shapes3d_render([[0, 0, 0, 0, 9, 0]])
