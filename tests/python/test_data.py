"""Data helpers: IDX files, generators, corruption, metrics."""

import gzip
import struct

import numpy as np
import pytest

import assocmem as am


def idx_bytes(array, type_code):
    """An IDX file image (big-endian header) of array."""
    head = struct.pack(">BBBB", 0, 0, type_code, array.ndim)
    head += b"".join(struct.pack(">I", n) for n in array.shape)
    return head + array.tobytes()


@pytest.fixture
def images():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(5, 7, 4), dtype=np.uint8)


def test_idx_images_round_trip_through_files(tmp_path, images):
    plain = tmp_path / "images-idx3-ubyte"
    plain.write_bytes(idx_bytes(images, 0x08))
    packed = tmp_path / "images-idx3-ubyte.gz"
    packed.write_bytes(gzip.compress(idx_bytes(images, 0x08)))
    for path in (plain, str(packed)):
        got = am.read_idx_images(path)
        assert got.shape == (5, 7, 4) and got.dtype == np.float32
        np.testing.assert_array_equal(got, images.astype(np.float32) / 255)
    from_bytes = am.read_idx_images(plain.read_bytes())
    np.testing.assert_array_equal(from_bytes, am.read_idx_images(plain))


def test_idx_gzip_cap_refuses_a_bomb():
    packed = gzip.compress(idx_bytes(np.zeros((16, 64, 64), np.uint8), 0x08))
    assert len(packed) * 64 < 16 * 64 * 64
    assert am.get_idx_gzip_cap() == (64 << 20, 256)
    try:
        am.set_idx_gzip_cap(4096, 64)
        assert am.get_idx_gzip_cap() == (4096, 64)
        with pytest.raises(am.FormatError, match="decompression cap"):
            am.read_idx_images(packed)
        am.set_idx_gzip_cap(1 << 20, 1)
        assert am.read_idx_images(packed).shape == (16, 64, 64)
        for bad in ((0, 1), (1, 0), (-1, 1), (1, -1)):
            with pytest.raises(am.RangeError):
                am.set_idx_gzip_cap(*bad)
        assert am.get_idx_gzip_cap() == (1 << 20, 1)
    finally:
        am.set_idx_gzip_cap(64 << 20, 256)


def test_idx_labels_round_trip(tmp_path):
    u8 = np.array([3, 1, 4, 1, 5, 9, 255], np.uint8)
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(idx_bytes(u8, 0x08))
    got = am.read_idx_labels(path)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, u8)
    i32 = np.array([-7, 0, 2 ** 31 - 1], ">i4")
    got = am.read_idx_labels(gzip.compress(idx_bytes(i32, 0x0C)))
    np.testing.assert_array_equal(got, [-7, 0, 2 ** 31 - 1])


def test_idx_errors(tmp_path, images):
    data = idx_bytes(images, 0x08)
    with pytest.raises(am.FormatError, match="amem_idx_read_images"):
        am.read_idx_images(data[:-3])
    with pytest.raises(am.FormatError):
        am.read_idx_images(data + b"\0")
    with pytest.raises(am.FormatError):
        am.read_idx_labels(data)  # 3 dimensions, not 1
    with pytest.raises(am.InputOutputError):
        am.read_idx_images(tmp_path / "missing")


def test_random_patterns_deterministic_per_seed():
    a = am.random_patterns(20, 50, seed=7)
    assert a.shape == (20, 50) and a.dtype == np.float32
    assert set(np.unique(a)) == {-1.0, 1.0}
    np.testing.assert_array_equal(a, am.random_patterns(20, 50, seed=7))
    assert not np.array_equal(a, am.random_patterns(20, 50, seed=8))
    assert abs(a.mean()) < 0.1


def test_correlated_patterns():
    x, t = am.correlated_patterns(10, 40, 0.0, seed=3, return_template=True)
    np.testing.assert_array_equal(x, np.tile(t, (10, 1)))
    y = am.correlated_patterns(2000, 40, 0.5, seed=3)
    overlap = (y @ t) / 40  # expected 1 - redraw for the same template
    assert y.shape == (2000, 40)
    assert abs(overlap.mean() - 0.5) < 0.05
    np.testing.assert_array_equal(y, am.correlated_patterns(2000, 40, 0.5, seed=3))


def test_masks():
    m = am.mask_fraction(30, 20, 0.25, seed=1)
    assert set(np.unique(m)) <= {0.0, 1.0}
    np.testing.assert_array_equal(m.sum(axis=1), np.full(30, 5))
    b = am.mask_bernoulli(100, 100, 0.3, seed=2)
    assert set(np.unique(b)) <= {0.0, 1.0} and abs(b.mean() - 0.3) < 0.03
    np.testing.assert_array_equal(b, am.mask_bernoulli(100, 100, 0.3, seed=2))


def test_corrupt_zero_returns_out_and_mask():
    x = am.random_patterns(8, 40, seed=1)
    keep = x.copy()
    out, mask = am.corrupt_zero(x, 0.25, seed=2)
    np.testing.assert_array_equal(x, keep)  # input untouched
    np.testing.assert_array_equal(mask.sum(axis=1), np.full(8, 30))
    np.testing.assert_array_equal(out[mask == 1], x[mask == 1])
    assert (out[mask == 0] == 0).all()
    again = am.corrupt_zero(x, 0.25, seed=2)
    np.testing.assert_array_equal(again[0], out)
    one, one_mask = am.corrupt_zero(x[0], 0.5, seed=3)
    assert one.shape == (40,) and one_mask.shape == (40,)


def test_corrupt_flip_and_gaussian():
    x = am.random_patterns(6, 30, seed=1)
    out, mask = am.corrupt_flip(x, 0.1, seed=2)
    np.testing.assert_array_equal(out, np.where(mask == 1, x, -x))
    g, gmask = am.corrupt_gaussian(x, 0.5, mean=0.5, sd=1.0, seed=4)
    np.testing.assert_array_equal(g[gmask == 1], x[gmask == 1])
    assert (gmask == 0).sum() == 6 * 15


def test_corrupt_mix():
    x = am.random_patterns(4, 1000, seed=1)
    np.testing.assert_allclose(am.corrupt_mix(x, 1.0, seed=2), x)
    noise = am.corrupt_mix(x, 0.0, seed=2)
    assert abs(noise.std() - 1) < 0.05 and abs(np.corrcoef(noise.ravel(),
                                                          x.ravel())[0, 1]) < 0.05


def test_metrics_match_numpy():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 20)).astype(np.float32)
    b = rng.standard_normal((5, 20)).astype(np.float32)
    assert am.hamming(a, a) == 0.0 and am.hamming(a, -a) == 1.0
    mean, rows = am.hamming(a, b, per_row=True)
    np.testing.assert_allclose(rows, (np.sign(a) != np.sign(b)).mean(axis=1))
    assert mean == pytest.approx(rows.mean())
    mean, rows = am.mse(a, b, per_row=True)
    np.testing.assert_allclose(rows, ((a - b) ** 2).mean(axis=1), rtol=1e-5)
    assert mean == pytest.approx(((a - b) ** 2).mean(), rel=1e-6)
    mean, rows = am.pearson(a, b, per_row=True)
    ref = [np.corrcoef(u, v)[0, 1] for u, v in zip(a, b)]
    np.testing.assert_allclose(rows, ref, rtol=1e-4, atol=1e-6)
    assert am.pearson(a, b) == pytest.approx(np.mean(ref), rel=1e-4)
    assert am.pearson_overall(a, b) == pytest.approx(
        np.corrcoef(a.ravel(), b.ravel())[0, 1], rel=1e-4)


def test_data_errors():
    x = am.random_patterns(3, 10, seed=1)
    with pytest.raises(am.RangeError, match="amem_corrupt_zero"):
        am.corrupt_zero(x, 1.5)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(am.NonFiniteError, match="amem_corrupt_flip"):
        am.corrupt_flip(bad, 0.1)
    with pytest.raises(am.NonFiniteError, match="amem_metric_mse"):
        am.mse(bad, x)
    with pytest.raises(am.DimensionError, match="shape"):
        am.hamming(x, x[:, :5])
    with pytest.raises(am.DimensionError):
        am.random_patterns(0, 10)
    with pytest.raises(am.RangeError, match="seed"):
        am.random_patterns(2, 2, seed=-1)
    with pytest.raises(am.RangeError):
        am.mask_bernoulli(2, 2, float("nan"))


FASHION = "/usr/share/datasets/fashion-mnist"


@pytest.mark.skipif(not __import__("os").path.isdir(FASHION),
                    reason="dataset-fashion-mnist is not installed")
def test_reads_the_real_fashion_mnist_test_set():
    images = am.read_idx_images(FASHION + "/t10k-images-idx3-ubyte.gz")
    labels = am.read_idx_labels(FASHION + "/t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)
    assert 0.0 <= images.min() and images.max() == 1.0
    np.testing.assert_array_equal(np.bincount(labels), np.full(10, 1000))
