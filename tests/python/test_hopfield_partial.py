"""Hopfield.recall_partial: the parts of a softmax step and their merge."""

import numpy as np
import pytest

import assocmem


def test_halves_merge_to_one_recall_step():
    rng = np.random.default_rng(3)
    keys = rng.standard_normal((30, 8)).astype(np.float32) / 2
    q = rng.standard_normal((4, 8)).astype(np.float32)
    whole = assocmem.Hopfield("modern", 8, beta=2.0, max_steps=1)
    whole.store(keys)
    a = assocmem.Hopfield("modern", 8, beta=2.0)
    a.store(keys[:11])
    b = assocmem.Hopfield("modern", 8, beta=2.0)
    b.store(keys[11:])
    ma, sa, wa, va = a.recall_partial(q)
    mb, sb, wb, _ = b.recall_partial(q)
    assert va is None
    top = np.maximum(ma, mb)
    fa, fb = np.exp(ma - top), np.exp(mb - top)
    merged = (fa[:, None] * wa + fb[:, None] * wb) / (fa * sa + fb * sb)[:, None]
    assert np.allclose(merged, whole.recall(q), atol=1e-5)


def test_refused_for_argmax():
    h = assocmem.Hopfield("modern", 4, separation="argmax")
    h.store(np.eye(4, dtype=np.float32))
    with pytest.raises(assocmem.errors.UnsupportedError):
        h.recall_partial(np.ones(4, np.float32))
