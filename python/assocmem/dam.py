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
import enum
import operator
import os

import numpy as np

from . import _ffi
from ._arrays import as_rows, dptr, fail, fptr, iptr, like_rows, size
from ._arrays import seed as _seed
from ._handle import Handle
from ._lib import lib
from .errors import check
from .progress import progress_callback

_PREFIX = "AMEM_DAM_"
_HANDLE_P = ctypes.POINTER(_ffi.amem_dam)
_INT32_P = ctypes.POINTER(ctypes.c_int32)


def _int_enum(cname, prefix, clsname, exclude=()):
    members = {k[len(prefix):]: v for k, v in _ffi.ENUMS[cname].items()
               if k not in exclude}
    return enum.IntEnum(clsname, members, module=__name__)


#: Settings (enum amem_dam_param).
Param = _int_enum("amem_dam_param", _PREFIX, "Param",
                  exclude=(_PREFIX + "PARAM_COUNT",))
#: Values of DYNAMICS (PAPER, REFERENCE).
Dynamics = _int_enum("amem_dam_dynamics", _PREFIX + "DYNAMICS_", "Dynamics")
#: Values of BALANCE (NONE, REWEIGHT, SAMPLE).
Balance = _int_enum("amem_dam_balance", _PREFIX + "BALANCE_", "Balance")
#: Exception signals of Eq. 6 (GROUND_TRUTH, LOSS, NEG_TIME, ...).
Signal = _int_enum("amem_dam_signal", _PREFIX + "SIGNAL_", "Signal",
                   exclude=(_PREFIX + "SIGNAL_COUNT",))
#: Values of WEIGHT_NORM (DATASET, BATCH).
WeightNorm = _int_enum("amem_dam_weight_norm", _PREFIX + "WEIGHT_NORM_",
                       "WeightNorm")
#: Per-item training records (LOSS, TIME, ENTROPY, MAX, NORM, ...).
Record = _int_enum("amem_dam_record", _PREFIX + "RECORD_", "Record",
                   exclude=(_PREFIX + "RECORD_COUNT",))

_VALUE_ENUMS = {Param.DYNAMICS: Dynamics, Param.BALANCE: Balance,
                Param.SIGNAL: Signal, Param.WEIGHT_NORM: WeightNorm}


def _member(cls, value, where):
    """An enum member from a member, an int or a name (any case)."""
    if isinstance(value, str):
        key = value.strip().upper().replace("-", "_")
        if key in cls.__members__:
            return cls[key]
        fail(_ffi.AMEM_E_ARG, where, "unknown %s %r (one of %s)" % (
            cls.__name__.lower(), value,
            ", ".join(repr(n.lower()) for n in cls.__members__)))
    try:
        return cls(operator.index(value))
    except (TypeError, ValueError):
        fail(_ffi.AMEM_E_ARG, where, "invalid %s %r"
             % (cls.__name__.lower(), value))


def param_bounds(param):
    """(min, max, integer) of a setting."""
    p = _member(Param, param, "param_bounds")
    lo, hi, integer = ctypes.c_double(), ctypes.c_double(), ctypes.c_int()
    check(lib.amem_dam_param_bounds(int(p), ctypes.byref(lo),
                                    ctypes.byref(hi), ctypes.byref(integer)))
    return lo.value, hi.value, bool(integer.value)


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


class Dam(Handle):
    """A dense associative memory with N visible and M hidden units.

    Dam(visible, hidden, **settings); settings by name (beta=5, seed=1,
    balance="sample", signal="neg_entropy", gamma=5, ...), also readable
    and writable as properties. Setting `seed` at construction redraws the
    initial weights from it. Free with close() or a `with` block.
    """

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

    def set(self, param=None, value=None, **settings):
        """set("beta", 5) or set(beta=5, gamma=3); all or nothing."""
        items = list(settings.items())
        if param is not None:
            items.insert(0, (param, value))
        h, done = self._h(), []
        try:
            for name, v in items:
                p = _member(Param, name, "Dam.set")
                old = self._get_double(p)
                if p in _VALUE_ENUMS:
                    v = float(_member(_VALUE_ENUMS[p], v, "Dam.set"))
                elif isinstance(v, (str, bytes)):
                    fail(_ffi.AMEM_E_ARG, "Dam.set", "%s takes a number, got %r"
                         % (p.name.lower(), v))
                check(lib.amem_dam_set(h, int(p), float(v)))
                done.append((p, old))
        except BaseException:
            for p, old in reversed(done):
                lib.amem_dam_set(h, int(p), old)
            raise

    def _get_double(self, p):
        v = ctypes.c_double()
        check(lib.amem_dam_get(self._h(), int(p), ctypes.byref(v)))
        return v.value

    def get(self, param):
        """A setting's value (float, int or enum member)."""
        p = _member(Param, param, "Dam.get")
        v = self._get_double(p)
        if p in _VALUE_ENUMS:
            return _VALUE_ENUMS[p](int(v))
        return int(v) if param_bounds(p)[2] else v

    def settings(self):
        """Every setting as a {name: value} dict."""
        return {p.name.lower(): self.get(p) for p in Param}

    param_bounds = staticmethod(param_bounds)

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
        check(lib.amem_dam_recall(self._h(), fptr(q), fptr(c), n, fptr(out),
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

    def evaluate(self, items, exceptions=None, seed=0, return_losses=False):
        """Evaluation loss of Eq. 2: (regular, exception, eval), plus the
        per-item losses when return_losses. Masks come from `seed`."""
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
        check(lib.amem_dam_set_data(self._h(), fptr(x), x.shape[0], _i32(lab)))

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
        r = _member(Record, which, "Dam.record")
        out = np.empty(self.data_count, np.float32)
        check(lib.amem_dam_item_record(self._h(), int(r), fptr(out)))
        return out

    # ---- persistence -------------------------------------------------------

    def save(self, path):
        """Write the network, trainer state and training set to a file."""
        check(lib.amem_dam_save(self._h(), os.fsencode(path)))

    def save_mem(self):
        """The saved file image as bytes."""
        data, n = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.amem_dam_save_mem(self._h(), ctypes.byref(data),
                                    ctypes.byref(n)))
        try:
            return ctypes.string_at(data, n.value)
        finally:
            lib.amem_free(data)

    @classmethod
    def load(cls, path):
        """A network read from a file written by save()."""
        out = _HANDLE_P()
        check(lib.amem_dam_load(os.fsencode(path), ctypes.byref(out)))
        return cls._from_ptr(out)

    @classmethod
    def load_mem(cls, data):
        """A network from a bytes-like file image."""
        buf = data if isinstance(data, bytes) else bytes(memoryview(data))
        out = _HANDLE_P()
        check(lib.amem_dam_load_mem(buf, len(buf), ctypes.byref(out)))
        return cls._from_ptr(out)

    def copy(self):
        """An independent copy (through the file image)."""
        return type(self).load_mem(self.save_mem())

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (Dam.load_mem, (self.save_mem(),))


def _setting_property(p):
    def getter(self):
        return self.get(p)

    def setter(self, value):
        self.set(p, value)
    return property(getter, setter, doc="The %s setting (see dam.h)." % p.name)


for _p in Param:
    if not hasattr(Dam, _p.name.lower()):
        setattr(Dam, _p.name.lower(), _setting_property(_p))
del _p
