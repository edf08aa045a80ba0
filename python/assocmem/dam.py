"""Dense associative memory with a trainer for imbalanced data (Tyulmankov,
Stachenfeld, Krotov & Abbott 2023): class Dam.

Arrays are NumPy float32, one item per row (n x N). See
include/assocmem/dam.h for the dynamics, the trainer, the exception signals
and every setting with its range.

    net = Dam(784, 100, beta=5, seed=1)
    net.set_data(items, exceptions=labels)        # labels only for GT
    net.set(balance="reweight", signal="neg_entropy", gamma=5)
    net.train(10, progress=lambda stage, done, total, loss: False)
    regular, exception, ev = net.evaluate(items, labels, seed=0)
"""

import ctypes
import operator

import numpy as np

from . import _ffi
from ._arrays import as_rows, dptr, fail, fptr, iptr, like_rows, size
from ._arrays import seed as _seed
from ._lib import lib
from ._piece import Persistent, Settings, int_enum, member
from .errors import check
from .progress import progress_callback

_PREFIX = "AMEM_DAM_"
_HANDLE_P = ctypes.POINTER(_ffi.amem_dam)
_INT32_P = ctypes.POINTER(ctypes.c_int32)


#: Settings (enum amem_dam_param).
Param = int_enum("amem_dam_param", _PREFIX, "Param")
#: Values of DYNAMICS (PAPER, REFERENCE).
Dynamics = int_enum("amem_dam_dynamics", _PREFIX + "DYNAMICS_", "Dynamics")
#: Values of BALANCE (NONE, REWEIGHT, SAMPLE).
Balance = int_enum("amem_dam_balance", _PREFIX + "BALANCE_", "Balance")
#: Exception signals of Eq. 6 (GROUND_TRUTH, LOSS, NEG_TIME, ...).
Signal = int_enum("amem_dam_signal", _PREFIX + "SIGNAL_", "Signal")
#: Values of WEIGHT_NORM (DATASET, BATCH).
WeightNorm = int_enum("amem_dam_weight_norm", _PREFIX + "WEIGHT_NORM_",
                      "WeightNorm")
#: Per-item training records (LOSS, TIME, ENTROPY, MAX, NORM, ...).
Record = int_enum("amem_dam_record", _PREFIX + "RECORD_", "Record")

_VALUE_ENUMS = {Param.DYNAMICS: Dynamics, Param.BALANCE: Balance,
                Param.SIGNAL: Signal, Param.WEIGHT_NORM: WeightNorm}


def _labels(x, n, where):
    if x is None:
        return None
    a = np.ascontiguousarray(x, dtype=np.int32)
    if a.shape != (n,):
        fail(_ffi.AMEM_E_DIM, where, "exceptions has shape %s, expected (%d,)"
             % (np.shape(x), n))
    return a


def _i32(a):
    return None if a is None else a.ctypes.data_as(_INT32_P)


class Dam(Settings, Persistent):
    """A dense associative memory with N visible and M hidden units.

    Dam(visible, hidden, **settings); settings by name (beta=5, seed=1,
    balance="sample", signal="neg_entropy", gamma=5, ...), also readable
    and writable as properties. Setting `seed` at construction redraws the
    initial weights from it. Free with close() or a `with` block.
    """

    _C = "amem_dam_"
    Param = Param
    _VALUE_ENUMS = _VALUE_ENUMS

    def __init__(self, visible, hidden, **settings):
        where = "Dam"
        n, m = size(visible, "visible", where), size(hidden, "hidden", where)
        out = _HANDLE_P()
        check(lib.amem_dam_create(n, m, ctypes.byref(out)))
        self._own(out)
        try:
            if settings:
                self.set(**settings)
            if "seed" in settings:
                self.reset()
        except BaseException:
            self.close()
            raise

    def _own(self, ptr):
        self._adopt(ptr, lib.amem_dam_free)
        n, m = ctypes.c_size_t(), ctypes.c_size_t()
        check(lib.amem_dam_visible(ptr, ctypes.byref(n)))
        check(lib.amem_dam_hidden(ptr, ctypes.byref(m)))
        self._n, self._m = n.value, m.value

    @classmethod
    def _from_ptr(cls, ptr):
        self = cls.__new__(cls)
        self._own(ptr)
        return self

    @property
    def visible(self):
        """N, the number of visible units."""
        return self._n

    @property
    def hidden(self):
        """M, the number of hidden units (stored memories)."""
        return self._m

    def __repr__(self):
        if self.closed:
            return "<Dam (closed)>"
        return "Dam(visible=%d, hidden=%d), %d epochs" % (
            self._n, self._m, self.progress()[0])

    # ---- settings ----------------------------------------------------------


    # ---- weights -----------------------------------------------------------

    def reset(self):
        """Redraw the weights from the RNG and clear the trainer state."""
        check(lib.amem_dam_reset(self._h()))

    def weights(self, normalized=True):
        """The weights (M x N): unit rows xi_mu by default, or raw."""
        w = np.empty((self._m, self._n), np.float32)
        check(lib.amem_dam_get_weights(self._h(), fptr(w), int(bool(normalized))))
        return w

    def set_weights(self, w):
        """Replace the raw weights (M x N); clears the trainer state."""
        a = np.ascontiguousarray(w, dtype=np.float32)
        if a.shape != (self._m, self._n):
            fail(_ffi.AMEM_E_DIM, "Dam.set_weights", "weights have shape %s, "
                 "expected %s" % (np.shape(w), (self._m, self._n)))
        check(lib.amem_dam_set_weights(self._h(), fptr(a)))

    # ---- dynamics ----------------------------------------------------------

    def recall(self, cues, clamp=None, return_steps=False,
               return_hidden=False):
        """Run the dynamics to fixed points from cues (n x N or one vector).

        clamp: optional 0/1 mask of the cues' shape (1 = keep the cue).
        Returns the fixed points, or (states, [steps], [hidden]) when extras
        are requested (steps = MAX_STEPS + 1 means not converged).
        """
        where = "Dam.recall"
        q, single = as_rows(cues, "cues", where, self._n)
        c = None if clamp is None else like_rows(clamp, q, "clamp", where)
        n = q.shape[0]
        out = np.empty_like(q)
        steps = np.empty(n, np.intc) if return_steps else None
        hid = np.empty((n, self._m), np.float32) if return_hidden else None
        check(lib.amem_dam_recall(self._h(), fptr(q), n, fptr(c), fptr(out),
                                  iptr(steps), fptr(hid)))
        extras = [e for e in (steps, hid) if e is not None]
        if single:
            out, extras = out[0], [e[0] for e in extras]
        return (out, *extras) if extras else out

    def energy(self, states):
        """E(v) = -(1/beta) lse(beta W_hat g(v)) of states (float64)."""
        s, single = as_rows(states, "states", "Dam.energy", self._n)
        e = np.empty(s.shape[0], np.float64)
        check(lib.amem_dam_energy(self._h(), fptr(s), s.shape[0], dptr(e)))
        return float(e[0]) if single else e

    def perturb(self, items):
        """(cues, clamp): the training perturbation of items, from the
        network's RNG."""
        x, _ = as_rows(items, "items", "Dam.perturb", self._n)
        cues, clamp = np.empty_like(x), np.empty_like(x)
        check(lib.amem_dam_perturb(self._h(), fptr(x), x.shape[0], fptr(cues),
                                   fptr(clamp)))
        return cues, clamp

    def evaluate(self, items, exceptions=None, seed=None, return_losses=False):
        """Evaluation loss of Eq. 2: (regular, exception, eval), plus the
        per-item losses when return_losses. Masks come from `seed` (an
        int, a numpy.random.Generator, or None for fresh randomness)."""
        where = "Dam.evaluate"
        x, _ = as_rows(items, "items", where, self._n)
        lab = _labels(exceptions, x.shape[0], where)
        losses = np.empty(x.shape[0], np.float32) if return_losses else None
        r, e, ev = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        check(lib.amem_dam_evaluate(self._h(), fptr(x), _i32(lab), x.shape[0],
                                    _seed(seed, where), fptr(losses),
                                    ctypes.byref(r), ctypes.byref(e),
                                    ctypes.byref(ev)))
        out = (r.value, e.value, ev.value)
        return out + (losses,) if return_losses else out

    # ---- training ----------------------------------------------------------

    def set_data(self, items, exceptions=None):
        """Copy the training set (n x N) and optional 0/1 exception labels."""
        x, _ = as_rows(items, "items", "Dam.set_data", self._n)
        lab = _labels(exceptions, x.shape[0], "Dam.set_data")
        check(lib.amem_dam_set_data(self._h(), fptr(x), _i32(lab), x.shape[0]))

    @property
    def data_count(self):
        """Number of training items (0 if none)."""
        n = ctypes.c_size_t()
        check(lib.amem_dam_data_count(self._h(), ctypes.byref(n)))
        return n.value

    def train(self, epochs, progress=None):
        """Train for `epochs` epochs. progress(stage, done, total, loss)
        returning True cancels (CancelledError; finished epochs kept)."""
        e = operator.index(epochs)
        cb = progress_callback(progress)
        if cb is None:
            check(lib.amem_dam_train(self._h(), e, _ffi.amem_progress_fn(),
                                     None))
        else:
            check(cb.run(lib.amem_dam_train, self._h(), e, cb, None))

    def progress(self):
        """(epochs completed, Adam steps taken)."""
        ep, st = ctypes.c_long(), ctypes.c_long()
        check(lib.amem_dam_progress(self._h(), ctypes.byref(ep),
                                    ctypes.byref(st)))
        return ep.value, st.value

    def record(self, which):
        """A per-item training record (Record member or name) as float32."""
        r = member(Record, which, "Dam.record")
        out = np.empty(self.data_count, np.float32)
        check(lib.amem_dam_get_item_record(self._h(), int(r), fptr(out)))
        return out


param_bounds = Dam.param_bounds
