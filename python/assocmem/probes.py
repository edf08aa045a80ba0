"""Semantic probes on latent vectors (Spens & Burgess 2022): class Probe
(RBF support vector classifier by SMO, or softmax regression) and tsne().

Features are float32 rows (n x dim); labels int32 class indices. See
include/assocmem/probes.h for the algorithms, settings and defaults
(the SVC defaults follow the authors' StandardScaler + sklearn SVC()).
"""

import ctypes

import numpy as np

from . import _ffi
from ._arrays import as_rows, fail, fptr, size
from ._lib import lib
from ._piece import Persistent, Settings, int_enum, member
from .errors import check
from .progress import progress_callback

_PREFIX = "AMEM_PROBE_"
_I32_P = ctypes.POINTER(ctypes.c_int32)

#: Probe kinds: SVC, SOFTMAX.
Kind = int_enum("amem_probe_kind", _PREFIX, "Kind")
#: Settings (enum amem_probe_param).
Param = int_enum("amem_probe_param", _PREFIX, "Param")
#: Values of MULTICLASS: OVO, OVR.
Multiclass = int_enum("amem_probe_multiclass", _PREFIX, "Multiclass")


def _labels(y, n, where):
    a = np.ascontiguousarray(y, dtype=np.int32).reshape(-1)
    if a.shape[0] != n:
        fail(_ffi.AMEM_E_DIM, where, "%d labels for %d items" % (a.shape[0], n))
    return a


def _iptr(a):
    return a.ctypes.data_as(_I32_P)


class Probe(Settings, Persistent):
    """Probe(kind="svc", **settings): fit(x, y), predict(x), scores(x),
    accuracy(x, y). Settings by name (c=1.0, multiclass="ovr", epochs=...).
    A probe, fitted or not, saves and loads like every model (save(),
    load(), pickle)."""

    _C = "amem_probe_"
    Param = Param
    _VALUE_ENUMS = {Param.MULTICLASS: Multiclass}

    def __init__(self, kind="svc", **settings):
        k = member(Kind, kind, "Probe")
        out = ctypes.POINTER(_ffi.amem_probe)()
        check(lib.amem_probe_create(int(k), ctypes.byref(out)))
        self._adopt(out, lib.amem_probe_free)
        self.kind = k
        self.set(**settings)

    @classmethod
    def _from_ptr(cls, ptr):
        self = cls.__new__(cls)
        self._adopt(ptr, lib.amem_probe_free)
        k = ctypes.c_int()
        check(lib.amem_probe_kind(ptr, ctypes.byref(k)))
        self.kind = Kind(k.value)
        return self

    @property
    def dim(self):
        """Features per item of the fit (0 before fit())."""
        n = ctypes.c_size_t()
        check(lib.amem_probe_dim(self._h(), ctypes.byref(n)))
        return n.value

    def fit(self, x, y):
        x, _ = as_rows(x, "x", "Probe.fit")
        y = _labels(y, x.shape[0], "Probe.fit")
        check(lib.amem_probe_fit(self._h(), fptr(x), _iptr(y), x.shape[0],
                                 x.shape[1], _ffi.amem_progress_fn(), None))
        return self

    @property
    def classes(self):
        n = ctypes.c_size_t()
        check(lib.amem_probe_classes(self._h(), ctypes.byref(n)))
        return n.value

    @property
    def support_count(self):
        n = ctypes.c_size_t()
        check(lib.amem_probe_support_count(self._h(), ctypes.byref(n)))
        return n.value

    def predict(self, x):
        x, _ = as_rows(x, "x", "Probe.predict")
        out = np.empty(x.shape[0], np.int32)
        check(lib.amem_probe_predict(self._h(), fptr(x), x.shape[0],
                                     x.shape[1], _iptr(out)))
        return out

    def scores(self, x):
        x, _ = as_rows(x, "x", "Probe.scores")
        out = np.empty((x.shape[0], max(self.classes, 1)), np.float32)
        check(lib.amem_probe_scores(self._h(), fptr(x), x.shape[0],
                                    x.shape[1], fptr(out)))
        return out

    def accuracy(self, x, y):
        x, _ = as_rows(x, "x", "Probe.accuracy")
        y = _labels(y, x.shape[0], "Probe.accuracy")
        acc = ctypes.c_double()
        check(lib.amem_probe_accuracy(self._h(), fptr(x), _iptr(y),
                                      x.shape[0], x.shape[1],
                                      ctypes.byref(acc)))
        return acc.value


def tsne(x, out_dim=2, perplexity=30.0, iterations=1000, seed=0,
         progress=None):
    """Exact t-SNE embedding (n x out_dim) of the rows of x."""
    x, _ = as_rows(x, "x", "tsne")
    k = size(out_dim, "out_dim", "tsne")
    y = np.empty((x.shape[0], k), np.float32)
    cb = progress_callback(progress)
    args = (fptr(x), x.shape[0], x.shape[1], k, float(perplexity),
            int(iterations), int(seed), fptr(y))
    if cb is None:
        check(lib.amem_tsne(*args, _ffi.amem_progress_fn(), None))
    else:
        check(cb.run(lib.amem_tsne, *args, cb, None))
    return y
