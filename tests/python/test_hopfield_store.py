"""The Hopfield store's ids, compressed keys and mapped files from Python."""

import numpy as np
import pytest

import assocmem as am


def gaussian(n, d, seed):
    return np.random.default_rng(seed).standard_normal((n, d)).astype(
        np.float32)


def test_append_remove_get_by_id():
    x = gaussian(6, 8, 1)
    with am.Hopfield("modern", 8) as net:
        assert list(net.append(x[:2])) == [0, 1]
        assert list(net.append(x[2:5], ids=[40, 7, 9])) == [40, 7, 9]
        np.testing.assert_array_equal(net.get_patterns([7, 0]), x[[3, 0]])
        net.remove([0])
        assert list(net.ids) == [9, 1, 40, 7]
        with pytest.raises(am.AssocMemError) as err:
            net.append(x[5:6], ids=[40])
        assert "already stored" in str(err.value)
        with pytest.raises(am.AssocMemError):
            net.remove([12345])
        assert net.count == 4


def test_hetero_append_keeps_values():
    k, v = gaussian(4, 6, 2), gaussian(4, 3, 3)
    with am.Hopfield("modern", 6, value_dim=3) as net:
        net.append(k, v, ids=[5, 6, 7, 8])
        net.remove([5])
        keys, values = net.get_patterns([8, 6])
        np.testing.assert_array_equal(keys, k[[3, 1]])
        np.testing.assert_array_equal(values, v[[3, 1]])


@pytest.mark.parametrize("dtype", ["float32", "bfloat16", "int8"])
def test_dtype_topk_and_mapped(dtype, tmp_path):
    x = gaussian(300, 32, 4)
    q = x[:5] + 0.1 * gaussian(5, 32, 5)
    with am.Hopfield("modern", 32, dtype=dtype, scale_sqrt_d=True) as net:
        net.append(x, ids=np.arange(1000, 1300))
        ids, w = net.recall_topk(q, k=3)
        assert ids.shape == (5, 3) and ids.dtype == np.uint64
        assert list(ids[:, 0]) == list(range(1000, 1005))
        assert (np.diff(w, axis=1) <= 0).all()
        path = str(tmp_path / "store.amem")
        net.save(path)
        want = net.recall(q)
    with am.Hopfield.load(path, mapped=True) as m:
        assert m.mapped
        np.testing.assert_array_equal(m.recall(q), want)
        with pytest.raises(am.AssocMemError) as err:
            m.append(x[:1])
        assert "read-only" in str(err.value)
        assert m.count == 300
