"""Bad input raises the right exception with a useful detail, and a failed
call leaves the network unchanged."""

import numpy as np
import pytest

import assocmem as am

D = 32


@pytest.fixture
def net():
    with am.Hopfield("modern", D) as h:
        h.store(am.random_patterns(10, D, seed=1))
        yield h


def test_wrong_width_is_a_dimension_error(net):
    with pytest.raises(am.DimensionError) as info:
        net.store(np.ones((2, D + 1)))
    assert "expected %d" % D in info.value.detail
    assert isinstance(info.value, ValueError)
    with pytest.raises(am.DimensionError):
        net.recall(np.ones((3, D - 1)))
    with pytest.raises(am.DimensionError):
        net.energy(np.ones((2, 2, D)))


def test_empty_and_mismatched_arrays(net):
    with pytest.raises(am.DimensionError, match="empty"):
        net.store(np.zeros((0, D)))
    with pytest.raises(am.DimensionError, match="clamp"):
        net.recall(np.ones((2, D)), clamp=np.ones((3, D)))
    with pytest.raises(am.DimensionError):
        net.replay(0)


def test_nan_store_is_nonfinite_with_library_detail(net):
    x = np.ones((3, D), np.float32)
    x[1, 5] = np.nan
    with pytest.raises(am.NonFiniteError) as info:
        net.store(x)
    err = info.value
    assert err.status == am.ENUMS["amem_status"]["AMEM_E_NONFINITE"]
    assert err.name == "AMEM_E_NONFINITE"
    assert err.detail.startswith("Hopfield.store")
    assert net.count == 10  # unchanged


def test_infinite_query_is_nonfinite(net):
    q = np.ones(D, np.float32)
    q[0] = np.inf
    with pytest.raises(am.NonFiniteError, match="Hopfield.recall"):
        net.recall(q)


def test_clamp_must_be_zero_or_one(net):
    with pytest.raises(am.ArgumentError, match="Hopfield.recall"):
        net.recall(np.ones(D), clamp=np.full(D, 0.5))


def test_out_of_range_setting_keeps_old_value(net):
    with pytest.raises(am.RangeError, match="BETA"):
        net.beta = 0.0
    assert net.beta == 1.0
    with pytest.raises(am.RangeError):
        net.max_steps = 2.5  # not a whole number


def test_unknown_names(net):
    with pytest.raises(am.ArgumentError, match="unknown kind"):
        am.Hopfield("boltzmann", D)
    with pytest.raises(am.ArgumentError, match="unknown param"):
        net.set(temperature=1.0)
    with pytest.raises(am.ArgumentError, match="unknown update"):
        net.update = "sideways"
    with pytest.raises(am.ArgumentError):
        net.beta = "high"


def test_kind_does_not_support_operation():
    with am.Hopfield("classical", D) as h:
        h.store(am.random_patterns(2, D, seed=1))
        with pytest.raises(am.UnsupportedError, match="Hopfield.weights"):
            h.weights(np.ones(D))
        with pytest.raises(am.UnsupportedError):
            h.recall(np.ones(D), return_weights=True)
    with pytest.raises(am.UnsupportedError, match="Hopfield.create"):
        am.Hopfield("dense_exp", D, value_dim=4)
    with am.Hopfield("modern", D, value_dim=4) as h:
        with pytest.raises(am.UnsupportedError, match="Hopfield.store"):
            h.store(np.ones(D))
    with am.Hopfield("modern", D) as h:
        with pytest.raises(am.UnsupportedError):
            h.store_pairs(np.ones(D), np.ones(4))


def test_nothing_stored_is_a_state_error():
    with am.Hopfield("modern", D) as h:
        with pytest.raises(am.StateError, match="Hopfield.recall"):
            h.recall(np.ones(D))
        with pytest.raises(am.StateError):
            h.energy(np.ones(D))
        assert isinstance(am.StateError(-10), RuntimeError)


def test_bad_sizes_at_creation():
    with pytest.raises(am.DimensionError):
        am.Hopfield("modern", 0)
    with pytest.raises(am.DimensionError):
        am.Hopfield("modern", D, value_dim=-1)
    with pytest.raises(TypeError):
        am.Hopfield("modern", 3.5)


def test_load_errors(tmp_path, net):
    with pytest.raises(am.InputOutputError) as info:
        am.Hopfield.load(tmp_path / "missing.amem")
    assert isinstance(info.value, OSError) and info.value.detail
    with pytest.raises(am.FormatError):
        am.Hopfield.load_mem(b"not a model file at all")
    image = net.save_mem()
    with pytest.raises(am.FormatError):
        am.Hopfield.load_mem(image[: len(image) // 2])
    flipped = bytearray(image)
    flipped[len(flipped) // 2] ^= 0x10
    with pytest.raises(am.FormatError):
        am.Hopfield.load_mem(flipped)


def test_save_to_unwritable_path(tmp_path, net):
    with pytest.raises(am.InputOutputError):
        net.save(tmp_path / "no" / "such" / "dir" / "x.amem")
