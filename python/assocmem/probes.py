"""Semantic probes on latent vectors (Spens & Burgess 2022): class Probe
(RBF support vector classifier by LIBSVM, or softmax regression) and
tsne().

Features are float32 rows (n x dim); labels any values (mapped through
their unique values, scikit-learn style). See
include/assocmem/probes.h for the algorithms, settings and defaults
(the SVC defaults follow the authors' StandardScaler + sklearn SVC()).
"""

import ctypes

import numpy as np

from . import _ffi
from ._arrays import as_rows, fail, fptr, seed as _seed, size
from ._lib import lib
from ._piece import Persistent, Settings, int_enum, member
from .errors import check
from .progress import interruptible

_PREFIX = "AMEM_PROBE_"
_I32_P = ctypes.POINTER(ctypes.c_int32)

#: Probe kinds: SVC, SOFTMAX.
Kind = int_enum("amem_probe_kind", _PREFIX, "Kind")
#: Settings (enum amem_probe_param).
Param = int_enum("amem_probe_param", _PREFIX, "Param")
#: Values of MULTICLASS: OVO, OVR.
Multiclass = int_enum("amem_probe_multiclass", _PREFIX, "Multiclass")


def _label_array(y, n, where):
    a = np.asarray(y).reshape(-1)
    if a.shape[0] != n:
        fail(_ffi.AMEM_E_DIM, where, "y has %d labels for %d rows of x"
             % (a.shape[0], n))
    return a


def _iptr(a):
    return a.ctypes.data_as(_I32_P)


class Probe(Settings, Persistent):
    """A classifier on latent vectors, with scikit-learn's conventions.

    Probe(kind="svc", **settings)
      kind      "svc": RBF support vector classifier (LIBSVM; C=1,
                gamma='scale' after standardisation, as sklearn's SVC());
                "softmax": softmax regression by minibatch Adam
      settings  by name (c=1.0, gamma=0.5, multiclass="ovr", epochs=...),
                also properties and get_params()/set_params()

    fit(x, y) takes any labels (ints, strings, -1/+1, ...): they are mapped
    through their sorted unique values, kept in classes_; predict() returns
    values of classes_, scores() has one column per entry of classes_, and
    score(x, y) is the accuracy. A probe, fitted or not, saves and loads
    like every model (save(), load(), pickle, copy); save()/load() keep the
    fit but not the label values (a loaded probe has classes_ 0..k-1),
    pickle keeps both.
    """

    _C = "amem_probe_"
    Param = Param
    _VALUE_ENUMS = {Param.MULTICLASS: Multiclass}

    def __init__(self, kind="svc", **settings):
        k = member(Kind, kind, "Probe")
        out = ctypes.POINTER(_ffi.amem_probe)()
        check(lib.amem_probe_create(int(k), ctypes.byref(out)))
        self._adopt(out, lib.amem_probe_free)
        self.kind = k
        self.classes_ = None
        self.set(**settings)

    @classmethod
    def _from_ptr(cls, ptr):
        self = cls.__new__(cls)
        self._adopt(ptr, lib.amem_probe_free)
        k = ctypes.c_int()
        check(lib.amem_probe_kind(ptr, ctypes.byref(k)))
        self.kind = Kind(k.value)
        n = self.classes
        self.classes_ = np.arange(n) if n else None
        return self

    def __repr__(self):
        if self.closed:
            return "<Probe (closed)>"
        fit = ("unfitted" if self.classes_ is None else
               "fitted: %d classes, %d features" % (len(self.classes_),
                                                    self.dim))
        return "Probe(%r) %s" % (self.kind.name.lower(), fit)

    def __reduce__(self):
        return (_unpickle, (self.save_mem(), self.classes_))

    # ---- scikit-learn's estimator interface -------------------------------

    def get_params(self, deep=True):
        """{"kind": ..., setting: value, ...}: Probe(**get_params())
        builds an unfitted probe with the same settings."""
        return dict(kind=self.kind.name.lower(), **self.settings())

    def set_params(self, **params):
        """Change settings (and not the kind); returns self."""
        if "kind" in params and member(Kind, params.pop("kind"),
                                       "Probe.set_params") != self.kind:
            fail(_ffi.AMEM_E_ARG, "Probe.set_params",
                 "kind cannot change; make a new Probe")
        self.set(**params)
        return self

    @property
    def dim(self):
        """Features per item of the fit (0 before fit())."""
        n = ctypes.c_size_t()
        check(lib.amem_probe_dim(self._h(), ctypes.byref(n)))
        return n.value

    @property
    def n_features_in_(self):
        """Features per item of the fit (scikit-learn's name)."""
        return self.dim

    def fit(self, x, y, progress=None):
        """Fit on x (n x dim features) and y (n labels of any kind, at
        least two distinct); replaces an earlier fit and returns self.

        progress: None, True (a progress line) or fn(stage, done, total,
        metric) -> bool. SVC reports each binary machine, softmax each
        epoch; Ctrl-C raises KeyboardInterrupt and keeps the earlier fit.
        """
        x, _ = as_rows(x, "x", "Probe.fit")
        labels = _label_array(y, x.shape[0], "Probe.fit")
        classes, codes = np.unique(labels, return_inverse=True)
        if classes.shape[0] < 2:
            fail(_ffi.AMEM_E_ARG, "Probe.fit",
                 "y holds one class (%r); need at least two" % (classes[0],))
        codes = np.ascontiguousarray(codes.reshape(-1), dtype=np.int32)
        with interruptible(progress) as cb:
            check(lib.amem_probe_fit(self._h(), fptr(x), _iptr(codes),
                                     x.shape[0], x.shape[1], cb, None))
        self.classes_ = classes
        return self

    @property
    def classes(self):
        """The number of classes of the fit (0 before fit())."""
        n = ctypes.c_size_t()
        check(lib.amem_probe_classes(self._h(), ctypes.byref(n)))
        return n.value

    @property
    def support_count(self):
        """SVC: support vectors over all binary machines; 0 for softmax."""
        n = ctypes.c_size_t()
        check(lib.amem_probe_support_count(self._h(), ctypes.byref(n)))
        return n.value

    def _codes(self, x, where):
        x, _ = as_rows(x, "x", where)
        out = np.empty(x.shape[0], np.int32)
        check(lib.amem_probe_predict(self._h(), fptr(x), x.shape[0],
                                     x.shape[1], _iptr(out)))
        return out

    def predict(self, x):
        """The predicted label (a value of classes_) of each row of x."""
        codes = self._codes(x, "Probe.predict")
        return codes if self.classes_ is None else self.classes_[codes]

    def scores(self, x):
        """Per-class scores (n x len(classes_)): softmax probabilities; SVC
        one-vs-rest decision values, or one-vs-one votes plus a confidence
        in (-1/3, 1/3) (as sklearn); the argmax is the prediction."""
        x, _ = as_rows(x, "x", "Probe.scores")
        out = np.empty((x.shape[0], max(self.classes, 1)), np.float32)
        check(lib.amem_probe_scores(self._h(), fptr(x), x.shape[0],
                                    x.shape[1], fptr(out)))
        return out

    decision_function = scores

    def score(self, x, y):
        """Mean accuracy of predict(x) against y (scikit-learn's score)."""
        pred = self.predict(x)
        labels = _label_array(y, pred.shape[0], "Probe.score")
        return float(np.mean(pred == labels))

    accuracy = score


def _unpickle(image, classes):
    probe = Probe.load_mem(image)
    probe.classes_ = classes
    return probe


def tsne(x, out_dim=2, perplexity=30.0, iterations=1000, seed=None,
         progress=None):
    """Exact t-SNE embedding (n x out_dim, float32) of the rows of x.

    perplexity  in [1, (n - 1) / 3]; iterations in [250, 100000]
    seed        the initial points: an int, a numpy.random.Generator, or
                None for fresh randomness
    progress    None, True (a progress line) or fn(stage, done, total, kl)
                -> bool, called every 10 iterations; Ctrl-C raises
                KeyboardInterrupt
    """
    x, _ = as_rows(x, "x", "tsne")
    k = size(out_dim, "out_dim", "tsne")
    y = np.empty((x.shape[0], k), np.float32)
    args = (fptr(x), x.shape[0], x.shape[1], k, float(perplexity),
            size(iterations, "iterations", "tsne"), _seed(seed, "tsne"),
            fptr(y))
    with interruptible(progress) as cb:
        check(lib.amem_tsne(*args, cb, None))
    return y
