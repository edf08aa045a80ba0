"""The behaviour every handle class shares (python/assocmem/_piece.py):
settings by name and as properties, all-or-nothing set(), typed get(),
bounds, and persistence through the file image."""

import copy
import pickle

import numpy as np
import pytest

import assocmem as am


def makers():
    return {
        "Hopfield": lambda: am.Hopfield("modern", 6),
        "Diffusion": lambda: am.Diffusion(5),
        "Dam": lambda: am.Dam(12, 4),
        "Vae": lambda: am.Vae(1, 8, 8),
        "Probe": lambda: am.Probe("svc"),
        "KVMemory": lambda: am.KVMemory(4, 6),
        "TVT": lambda: am.TVT(4, 6),
    }


@pytest.mark.parametrize("name", sorted(makers()))
def test_every_setting_round_trips_and_has_a_property(name):
    with makers()[name]() as h:
        values = h.settings()
        assert {k.rstrip("_") for k in values} == {
            p.name.lower() for p in type(h).Param}
        for key, value in values.items():
            if isinstance(getattr(type(h), key), property):  # not a method
                assert getattr(h, key) == value
            h.set(key, value)                # its own value is accepted
            assert h.get(key) == value
            lo, hi, integer = type(h).param_bounds(key)
            assert lo <= float(value) <= hi
            if integer:
                assert float(value) == int(value)


@pytest.mark.parametrize("name", sorted(makers()))
def test_set_is_all_or_nothing(name):
    with makers()[name]() as h:
        before = h.settings()
        bounded = next(p.name.lower() for p in type(h).Param
                       if p not in type(h)._VALUE_ENUMS and p.name != "SEED"
                       and type(h).param_bounds(p)[1] < 1e300)
        with pytest.raises(am.RangeError):
            h.set("seed", 7, **{bounded: 1e300})
        with pytest.raises(am.NonFiniteError):
            h.set(seed=7, **{bounded: float("nan")})
        assert h.settings() == before
        with pytest.raises(am.ArgumentError):
            h.set(no_such_setting=1)
        with pytest.raises(am.ArgumentError):
            h.get("no_such_setting")


def test_named_values_accept_names_members_and_ints():
    with am.Diffusion(4) as d:
        d.sampler = "sde"
        assert d.sampler is am.diffusion.Sampler.SDE
        d.set(sampler=am.diffusion.Sampler.ODE)
        assert d.get("sampler") is am.diffusion.Sampler.ODE
        d.set("sampler", 1)
        assert d.sampler == 1
        with pytest.raises(am.ArgumentError):
            d.sampler = "euler"
        with pytest.raises(am.ArgumentError):
            d.steps = "many"
    with am.KVMemory(4, 6, local_factor="random", value_decay=1) as m:
        assert m.local_factor is am.kvmem.LocalFactor.RANDOM
        assert m.value_decay is am.kvmem.ValueDecay.PASSIVE
    with am.Probe("svc", multiclass="ovr") as p:
        assert p.multiclass is am.probes.Multiclass.OVR
        assert p.standardize is True and isinstance(p.max_steps, int)


@pytest.mark.parametrize("name", ["Hopfield", "Diffusion", "Dam", "Vae",
                                  "Probe", "KVMemory", "TVT"])
def test_persistence_round_trips(name, tmp_path):
    with makers()[name]() as h:
        h.seed = 5
        image = h.save_mem()
        path = tmp_path / "model.amem"
        h.save(path)
        assert path.read_bytes() == image
        cls = type(h)
        for other in (cls.load(path), cls.load_mem(bytearray(image)),
                      h.copy(), copy.deepcopy(h),
                      pickle.loads(pickle.dumps(h))):
            assert type(other) is cls
            assert other.save_mem() == image
            assert other.seed == 5
            other.close()
        with pytest.raises(am.FormatError):
            cls.load_mem(image[:-1])


def _trained(name, **adam):
    """A tiny model of each trained piece after a little training with the
    given Adam settings, saved with the settings put back to their defaults
    (so that the image differs only by what training did)."""
    rng = np.random.default_rng(0)
    if name == "Dam":
        h = am.Dam(12, 4, batch_size=4, **adam)
        h.set_data(np.sign(rng.normal(size=(8, 12))).astype(np.float32))
        h.train(1)
    elif name == "Diffusion":
        h = am.Diffusion(3, score="learned", hidden=8, **adam)
        h.store(rng.normal(size=(4, 3)).astype(np.float32))
        h.train(3)
    elif name == "KVMemory":
        h = am.KVMemory(4, 6, **adam)
        h.train(2)
    elif name == "TVT":
        h = am.TVT(4, 6, **adam)
        h.train(2)
    elif name == "Vae":
        h = am.Vae.preset("digits28", seed=1) if hasattr(am.Vae, "preset") else None
        if h is None:
            return None
        h.set(epochs=1, batch_size=4, **adam)
        h.train(rng.uniform(size=(4, 1, 28, 28)).astype(np.float32))
    else:
        h = am.Probe("softmax", epochs=2, **adam)
        h.fit(rng.normal(size=(10, 3)).astype(np.float32), np.arange(10) % 2)
    with h:
        for key in adam:
            h.set(key, {"adam_beta1": 0.9, "adam_beta2": 0.999,
                        "adam_eps": 1e-8}[key])
        return h.save_mem()


@pytest.mark.parametrize("name", ["Dam", "Diffusion", "KVMemory", "TVT",
                                  "Vae", "Probe"])
def test_adam_settings_reach_the_optimizer(name):
    """Every piece trained by Adam exposes beta1, beta2 and eps, and they
    change what training does (and nothing else does)."""
    base = _trained(name)
    if base is None:
        pytest.skip("no preset constructor")
    assert _trained(name) == base  # deterministic
    for key, value in (("adam_beta1", 0.5), ("adam_beta2", 0.9),
                       ("adam_eps", 0.1)):
        assert _trained(name, **{key: value}) != base, key
