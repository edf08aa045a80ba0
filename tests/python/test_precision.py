"""PRECISION = FLOAT64 through the Python classes: named values, the double
result a float32 recall cannot give, refusal on kinds that do not use it,
and pickling."""

import math
import pickle

import numpy as np
import pytest

import assocmem as am


def test_hopfield_float64_resolves_a_float32_tie():
    keys = np.array([[1, 0], [1, 1]], np.float32)
    cue = np.array([[100, 1e-6]], np.float32)
    out = {}
    for prec in ("float32", "float64"):
        with am.Hopfield("modern", 2, beta=1e6, max_steps=1,
                         precision=prec) as h:
            h.store(keys)
            out[prec] = h.recall(cue)[0, 1]
    assert out["float32"] == 0.5
    assert out["float64"] == pytest.approx(1 / (1 + math.exp(-1)), rel=1e-6)


def test_hopfield_precision_refused_on_other_kinds():
    with am.Hopfield("classical", 4) as h:
        with pytest.raises(am.errors.UnsupportedError, match="MODERN"):
            h.precision = "float64"
        assert h.precision == am.hopfield.Precision.FLOAT32


def test_diffusion_precision_values_and_learned_refusal():
    with am.Diffusion(3, precision="float64") as m:
        assert m.precision == am.diffusion.Precision.FLOAT64
        with pytest.raises(am.errors.UnsupportedError, match="LEARNED"):
            m.set("score", "learned")
        m.store(am.random_patterns(4, 3, seed=2))
        q = np.full((2, 3), 0.3, np.float32)
        a = m.recall(q)
        b = pickle.loads(pickle.dumps(m))
        assert b.precision == am.diffusion.Precision.FLOAT64
        assert np.array_equal(a, b.recall(q))
