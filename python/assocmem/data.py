"""Data helpers: IDX files, pattern generators, corruption and metrics.

Every random function takes a seed: an unsigned 64-bit integer (the same
arguments and seed give bit-identical arrays on every platform), a
numpy.random.Generator (a seed is drawn from it) or None (the default:
fresh randomness from the operating system).
Arrays are float32 with one pattern per row; a 1-D input is one row and
gives 1-D outputs. See include/assocmem/data.h for the exact definitions.
"""

import ctypes
import operator
import os

import numpy as np

from . import _ffi
from ._arrays import as_rows, dptr, fail, fptr, seed as _seed, size
from ._lib import lib
from .errors import check

# ---- IDX files ------------------------------------------------------------


def set_idx_gzip_cap(min_bytes, ratio):
    """Set the IDX readers' decompression cap for the whole process: gzip
    data of n bytes may inflate to at most max(min_bytes, ratio * n) bytes
    (never over AMEM_IDX_MAX_BYTES); more raises FormatError. Defaults:
    64 MiB and 256. min_bytes in [1, AMEM_IDX_MAX_BYTES], ratio >= 1.
    """
    values = []
    for name, v in (("min_bytes", min_bytes), ("ratio", ratio)):
        v = operator.index(v)
        if not 1 <= v <= 2 ** 64 - 1:
            fail(_ffi.AMEM_E_RANGE, "set_idx_gzip_cap",
                 "%s must be in [1, 2^64 - 1], got %d" % (name, v))
        values.append(v)
    check(lib.amem_idx_set_gzip_cap(*values))


def get_idx_gzip_cap():
    """The decompression cap as (min_bytes, ratio)."""
    min_bytes, ratio = ctypes.c_size_t(), ctypes.c_size_t()
    check(lib.amem_idx_get_gzip_cap(ctypes.byref(min_bytes),
                                    ctypes.byref(ratio)))
    return min_bytes.value, ratio.value


def _is_buffer(source):
    return isinstance(source, (bytes, bytearray, memoryview))


def _take(ptr, shape, dtype):
    """Copy a library-allocated array into NumPy and amem_free it."""
    try:
        count = int(np.prod(shape))
        arr = np.ctypeslib.as_array(ptr, shape=(count,)).astype(dtype)
        return arr.reshape(shape)
    finally:
        lib.amem_free(ctypes.cast(ptr, ctypes.c_void_p))


def read_idx_images(source):
    """Images of an IDX file (type 0x08, count x height x width; plain or
    gzip) as a float32 array (count, height, width) scaled to [0, 1].

    source: a path (str or os.PathLike) or the file's bytes.
    """
    images = ctypes.POINTER(ctypes.c_float)()
    n, h, w = ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_size_t()
    outs = (ctypes.byref(images), ctypes.byref(n), ctypes.byref(h),
            ctypes.byref(w))
    if _is_buffer(source):
        buf = bytes(source)
        check(lib.amem_idx_read_images_mem(buf, len(buf), *outs))
    else:
        check(lib.amem_idx_read_images(os.fsencode(source), *outs))
    return _take(images, (n.value, h.value, w.value), np.float32)


def read_idx_labels(source):
    """Labels of an IDX file (1-D; u8, i8, i16 or i32) as int32 (count,).

    source: a path (str or os.PathLike) or the file's bytes.
    """
    labels = ctypes.POINTER(ctypes.c_int32)()
    n = ctypes.c_size_t()
    if _is_buffer(source):
        buf = bytes(source)
        check(lib.amem_idx_read_labels_mem(buf, len(buf), ctypes.byref(labels),
                                           ctypes.byref(n)))
    else:
        check(lib.amem_idx_read_labels(os.fsencode(source),
                                       ctypes.byref(labels), ctypes.byref(n)))
    return _take(labels, (n.value,), np.int32)


# ---- generators -------------------------------------------------------------


def _sizes(count, dim, where):
    return size(count, "count", where), size(dim, "dim", where)


def random_patterns(count, dim, seed=None):
    """count x dim i.i.d. +-1 patterns."""
    c, d = _sizes(count, dim, "random_patterns")
    out = np.empty((c, d), np.float32)
    check(lib.amem_patterns_random(fptr(out), c, d,
                                   _seed(seed, "random_patterns")))
    return out


def correlated_patterns(count, dim, redraw, seed=None, return_template=False):
    """count x dim +-1 patterns around one random template: each entry is
    redrawn with probability redraw, else copied from the template.
    Returns the patterns, or (patterns, template) with return_template."""
    c, d = _sizes(count, dim, "correlated_patterns")
    out = np.empty((c, d), np.float32)
    tmpl = np.empty(d, np.float32) if return_template else None
    check(lib.amem_patterns_correlated(fptr(out), c, d, float(redraw),
                                       _seed(seed, "correlated_patterns"),
                                       fptr(tmpl)))
    return (out, tmpl) if return_template else out


def mask_bernoulli(count, dim, p, seed=None):
    """count x dim mask of i.i.d. entries: 1 with probability p, else 0."""
    c, d = _sizes(count, dim, "mask_bernoulli")
    out = np.empty((c, d), np.float32)
    check(lib.amem_mask_bernoulli(fptr(out), c, d, float(p),
                                  _seed(seed, "mask_bernoulli")))
    return out


def mask_fraction(count, dim, fraction, seed=None):
    """count x dim mask with exactly round(fraction * dim) ones per row."""
    c, d = _sizes(count, dim, "mask_fraction")
    out = np.empty((c, d), np.float32)
    check(lib.amem_mask_fraction(fptr(out), c, d, float(fraction),
                                 _seed(seed, "mask_fraction")))
    return out


# ---- corruption ---------------------------------------------------------------


def _corrupt(fn, where, x, args, with_mask=True):
    a, single = as_rows(x, "x", where)
    out = np.empty_like(a)
    mask = np.empty_like(a) if with_mask else None
    tail = (fptr(mask),) if with_mask else ()
    check(fn(fptr(a), fptr(out), a.shape[0], a.shape[1], *args, *tail))
    if single:
        out = out[0]
        mask = None if mask is None else mask[0]
    return (out, mask) if with_mask else out


def corrupt_zero(x, fraction, seed=None):
    """Zero round(fraction * dim) random entries per row.
    Returns (corrupted, mask) with mask 1 where the entry is intact."""
    return _corrupt(lib.amem_corrupt_zero, "corrupt_zero", x,
                    (float(fraction), _seed(seed, "corrupt_zero")))


def corrupt_gaussian(x, fraction, mean=0.0, sd=1.0, seed=None):
    """Replace round(fraction * dim) entries per row by N(mean, sd^2)
    draws (no clipping). Returns (corrupted, mask)."""
    return _corrupt(lib.amem_corrupt_gaussian, "corrupt_gaussian", x,
                    (float(fraction), float(mean), float(sd),
                     _seed(seed, "corrupt_gaussian")))


def corrupt_flip(x, fraction, seed=None):
    """Negate round(fraction * dim) entries per row. Returns
    (corrupted, mask)."""
    return _corrupt(lib.amem_corrupt_flip, "corrupt_flip", x,
                    (float(fraction), _seed(seed, "corrupt_flip")))


def corrupt_mix(x, theta, seed=None):
    """theta * x + sqrt(1 - theta^2) * N(0, 1) noise on every entry."""
    return _corrupt(lib.amem_corrupt_mix, "corrupt_mix", x,
                    (float(theta), _seed(seed, "corrupt_mix")),
                    with_mask=False)


# ---- metrics ------------------------------------------------------------------


def _pair(a, b, where):
    x, single = as_rows(a, "a", where)
    y, _ = as_rows(b, "b", where)
    if x.shape != y.shape:
        fail(_ffi.AMEM_E_DIM, where, "a has shape %s but b has shape %s"
             % (np.shape(a), np.shape(b)))
    return x, y


def _metric(fn, where, a, b, per_row):
    x, y = _pair(a, b, where)
    rows = np.empty(x.shape[0], np.float32) if per_row else None
    mean = np.empty(1, np.float64)
    check(fn(fptr(x), fptr(y), x.shape[0], x.shape[1], fptr(rows), dptr(mean)))
    return (float(mean[0]), rows) if per_row else float(mean[0])


def hamming(a, b, per_row=False):
    """Fraction of entries whose signs differ (sign of 0 is 0). Returns
    the mean, or (mean, per-row fractions) with per_row."""
    return _metric(lib.amem_metric_hamming, "hamming", a, b, per_row)


def mse(a, b, per_row=False):
    """Mean squared difference. Returns the mean, or (mean, per-row
    means) with per_row."""
    return _metric(lib.amem_metric_mse, "mse", a, b, per_row)


def pearson(a, b, per_row=False):
    """Mean over rows of the Pearson correlation of a[i] and b[i] (0 for a
    constant row). Returns the mean, or (mean, per-row) with per_row."""
    x, y = _pair(a, b, "pearson")
    rows = np.empty(x.shape[0], np.float32) if per_row else None
    mean = np.empty(1, np.float64)
    check(lib.amem_metric_pearson(fptr(x), fptr(y), x.shape[0], x.shape[1],
                                  fptr(rows), dptr(mean), None))
    return (float(mean[0]), rows) if per_row else float(mean[0])


def pearson_overall(a, b):
    """Pearson correlation over all entry pairs of a and b."""
    x, y = _pair(a, b, "pearson_overall")
    overall = np.empty(1, np.float64)
    check(lib.amem_metric_pearson(fptr(x), fptr(y), x.shape[0], x.shape[1],
                                  None, None, dptr(overall)))
    return float(overall[0])


__all__ = ["read_idx_images", "read_idx_labels", "set_idx_gzip_cap",
           "get_idx_gzip_cap", "random_patterns",
           "correlated_patterns", "mask_bernoulli", "mask_fraction",
           "corrupt_zero", "corrupt_gaussian", "corrupt_flip", "corrupt_mix",
           "hamming", "mse", "pearson", "pearson_overall"]
