"""Diffusion denoisers as associative memories (Ambrogioni 2024).

One class, Diffusion, over amem_diffusion: stored patterns, a
variance-preserving (or general Ornstein-Uhlenbeck) forward process, the
exact score of the stored set or a learned MLP noise predictor, and recall
by the probability-flow ODE or the reverse SDE. Arrays are NumPy float32,
one state per row; a 1-D array is one state and gives 1-D results. See
include/assocmem/diffusion.h for the equations, settings and ranges.
"""

import ctypes
import enum
import operator
import os

import numpy as np

from . import _ffi
from ._arrays import as_rows, dptr, fail, fptr, like_rows, size
from ._handle import Handle
from ._lib import lib
from .errors import check
from .progress import progress_callback

_PREFIX = "AMEM_DIFFUSION_"
_HANDLE_P = ctypes.POINTER(_ffi.amem_diffusion)


def _int_enum(cname, prefix, clsname, exclude=()):
    members = {k[len(prefix):]: v for k, v in _ffi.ENUMS[cname].items()
               if k not in exclude}
    return enum.IntEnum(clsname, members, module=__name__)


#: Settings (enum amem_diffusion_param).
Param = _int_enum("amem_diffusion_param", _PREFIX, "Param",
                  exclude=(_PREFIX + "PARAM_COUNT",))
#: Values of PROCESS (VP, OU).
Process = _int_enum("amem_diffusion_process", _PREFIX + "PROCESS_", "Process")
#: Values of SCORE (EXACT, LEARNED).
Score = _int_enum("amem_diffusion_score_kind", _PREFIX + "SCORE_", "Score")
#: Values of SAMPLER (ODE, SDE).
Sampler = _int_enum("amem_diffusion_sampler", _PREFIX + "SAMPLER_", "Sampler")

_VALUE_ENUMS = {Param.PROCESS: Process, Param.SCORE: Score,
                Param.SAMPLER: Sampler}


def _member(cls, value, where):
    if isinstance(value, str):
        key = value.strip().upper().replace("-", "_")
        if key in cls.__members__:
            return cls[key]
        names = ", ".join(repr(n.lower()) for n in cls.__members__)
        fail(_ffi.AMEM_E_ARG, where, "unknown %s %r (one of %s)"
             % (cls.__name__.lower(), value, names))
    try:
        return cls(operator.index(value))
    except (TypeError, ValueError):
        fail(_ffi.AMEM_E_ARG, where, "invalid %s %r"
             % (cls.__name__.lower(), value))


def param_bounds(param):
    """(min, max, integer) of a diffusion setting."""
    p = _member(Param, param, "param_bounds")
    lo, hi, integer = ctypes.c_double(), ctypes.c_double(), ctypes.c_int()
    check(lib.amem_diffusion_param_bounds(int(p), ctypes.byref(lo),
                                          ctypes.byref(hi),
                                          ctypes.byref(integer)))
    return lo.value, hi.value, bool(integer.value)


def _to_double(p, value, where):
    if p in _VALUE_ENUMS:
        return float(_member(_VALUE_ENUMS[p], value, where))
    if isinstance(value, (str, bytes)):
        fail(_ffi.AMEM_E_ARG, where, "%s takes a number, got %r"
             % (p.name.lower(), value))
    return float(value)


def _from_double(p, value):
    if p in _VALUE_ENUMS:
        return _VALUE_ENUMS[p](int(value))
    return int(value) if param_bounds(p)[2] else value


def _from_bytes(data):
    return Diffusion.load_mem(data)


class Diffusion(Handle):
    """A diffusion associative memory.

    Diffusion(dim, **settings)
      dim       pattern dimension d >= 1
      settings  initial settings by name, e.g. gamma=0.8, steps=300,
                sampler="sde", score="learned"; also properties
                (m.steps = 100) and set()/get().
    """

    def __init__(self, dim, **settings):
        d = size(dim, "dim", "Diffusion")
        out = _HANDLE_P()
        check(lib.amem_diffusion_create(d, ctypes.byref(out)))
        self._own(out)
        if settings:
            try:
                self.set(**settings)
            except BaseException:
                self.close()
                raise

    def _own(self, ptr):
        self._adopt(ptr, lib.amem_diffusion_free)
        dim = ctypes.c_size_t()
        check(lib.amem_diffusion_dim(ptr, ctypes.byref(dim)))
        self._dim = dim.value

    @classmethod
    def _from_ptr(cls, ptr):
        self = cls.__new__(cls)
        self._own(ptr)
        return self

    @property
    def dim(self):
        """Pattern dimension d."""
        return self._dim

    @property
    def count(self):
        """Number of stored patterns."""
        n = ctypes.c_size_t()
        check(lib.amem_diffusion_count(self._h(), ctypes.byref(n)))
        return n.value

    def __repr__(self):
        if self.closed:
            return "<Diffusion (closed)>"
        return "Diffusion(dim=%d) with %d stored" % (self._dim, self.count)

    # ---- settings ----------------------------------------------------------

    def set(self, param=None, value=None, **settings):
        """Change settings: set("gamma", 0.8) or set(gamma=0.8, steps=100);
        all or nothing."""
        items = list(settings.items())
        if param is not None:
            items.insert(0, (param, value))
        h, done = self._h(), []
        try:
            for name, v in items:
                p = _member(Param, name, "Diffusion.set")
                old = self._get_double(p)
                check(lib.amem_diffusion_set(
                    h, int(p), _to_double(p, v, "Diffusion.set")))
                done.append((p, old))
        except BaseException:
            for p, old in reversed(done):
                lib.amem_diffusion_set(h, int(p), old)
            raise

    def _get_double(self, p):
        v = ctypes.c_double()
        check(lib.amem_diffusion_get(self._h(), int(p), ctypes.byref(v)))
        return v.value

    def get(self, param):
        """A setting's value (float, int or enum member)."""
        p = _member(Param, param, "Diffusion.get")
        return _from_double(p, self._get_double(p))

    def settings(self):
        """Every setting as a {name: value} dict."""
        return {p.name.lower(): self.get(p) for p in Param}

    param_bounds = staticmethod(param_bounds)

    # ---- schedule ----------------------------------------------------------

    def _scalar(self, fn, x):
        out = ctypes.c_double()
        check(fn(self._h(), float(x), ctypes.byref(out)))
        return out.value

    def theta(self, t):
        """theta_t = exp(-a t), the signal scale at time t >= 0."""
        return self._scalar(lib.amem_diffusion_theta, t)

    def noise_std(self, t):
        """s_t, the noise standard deviation of the marginal at time t."""
        return self._scalar(lib.amem_diffusion_noise_std, t)

    def t_start(self, theta):
        """The time whose theta_t equals theta (0 < theta <= 1)."""
        return self._scalar(lib.amem_diffusion_t_start, theta)

    def forward(self, x0, t):
        """Sample x_t = theta_t x0 + s_t eps (eps from the handle's RNG)."""
        x, single = as_rows(x0, "x0", "Diffusion.forward", self._dim)
        out = np.empty_like(x)
        check(lib.amem_diffusion_forward(self._h(), fptr(x), x.shape[0],
                                         float(t), fptr(out)))
        return out[0] if single else out

    # ---- storage and training -----------------------------------------------

    def store(self, patterns):
        """Append patterns (n x d, or one d-vector)."""
        x, _ = as_rows(patterns, "patterns", "Diffusion.store", self._dim)
        check(lib.amem_diffusion_store(self._h(), fptr(x), x.shape[0]))

    def clear(self):
        """Forget the stored patterns (settings and network are kept)."""
        check(lib.amem_diffusion_clear(self._h()))

    def patterns(self):
        """The stored patterns (count x d)."""
        out = np.empty((self.count, self._dim), np.float32)
        check(lib.amem_diffusion_patterns(self._h(), fptr(out)))
        return out

    def train(self, iterations=5000, progress=None):
        """Train the learned noise predictor for `iterations` Adam steps on
        all stored patterns; returns the last iteration's loss.

        progress: optional fn(stage, done, total, loss) -> bool (true
        cancels; the network is then as before the call).
        """
        cb = progress_callback(progress)
        loss = ctypes.c_double()
        args = (self._h(), operator.index(iterations),
                cb if cb is not None else _ffi.amem_progress_fn(), None,
                ctypes.byref(loss))
        if cb is None:
            check(lib.amem_diffusion_train(*args))
        else:
            check(cb.run(lib.amem_diffusion_train, *args))
        return loss.value

    def network_info(self):
        """{hidden, layers, params, iterations} of the learned network
        (all 0 without one)."""
        hid, lay, par = (ctypes.c_size_t() for _ in range(3))
        it = ctypes.c_long()
        check(lib.amem_diffusion_network_info(
            self._h(), ctypes.byref(hid), ctypes.byref(lay),
            ctypes.byref(par), ctypes.byref(it)))
        return {"hidden": hid.value, "layers": lay.value,
                "params": par.value, "iterations": it.value}

    def reset_network(self):
        """Drop the learned network."""
        check(lib.amem_diffusion_reset_network(self._h()))

    # ---- evaluation -----------------------------------------------------------

    def score(self, states, t):
        """grad log p_t at states (n x d) with the SCORE setting's kind."""
        s, single = as_rows(states, "states", "Diffusion.score", self._dim)
        out = np.empty_like(s)
        check(lib.amem_diffusion_score(self._h(), fptr(s), s.shape[0],
                                       float(t), fptr(out)))
        return out[0] if single else out

    def weights(self, states, t):
        """Exact softmax weights h_t (n x count) at states."""
        s, single = as_rows(states, "states", "Diffusion.weights", self._dim)
        out = np.empty((s.shape[0], self.count), np.float32)
        check(lib.amem_diffusion_weights(self._h(), fptr(s), s.shape[0],
                                         float(t), fptr(out)))
        return out[0] if single else out

    def log_density(self, states, t):
        """Exact log p_t (float64) at states; the energy is -b^2 log p_t."""
        s, single = as_rows(states, "states", "Diffusion.log_density",
                            self._dim)
        out = np.empty(s.shape[0], np.float64)
        check(lib.amem_diffusion_log_density(self._h(), fptr(s), s.shape[0],
                                             float(t), dptr(out)))
        return float(out[0]) if single else out

    def recall(self, queries, clamp=None, return_trajectory=False):
        """Run the sampler from queries (n x d) down to T_END.

        clamp: optional 0/1 mask (queries' shape, or one d-vector): known
        entries follow their forward-process value and are returned exactly.
        return_trajectory: also return the (steps + 1, n, d) states.
        """
        where = "Diffusion.recall"
        q, single = as_rows(queries, "queries", where, self._dim)
        c = None if clamp is None else like_rows(clamp, q, "clamp", where)
        n = q.shape[0]
        out = np.empty_like(q)
        traj = None
        if return_trajectory:
            steps = int(self._get_double(Param.STEPS))
            traj = np.empty((steps + 1, n, self._dim), np.float32)
        check(lib.amem_diffusion_recall(self._h(), fptr(q), n, fptr(c),
                                        fptr(out), fptr(traj)))
        if single:
            out = out[0]
            traj = None if traj is None else traj[:, 0, :]
        return (out, traj) if return_trajectory else out

    # ---- persistence ---------------------------------------------------------

    def save(self, path):
        """Write the handle to a file (atomically)."""
        check(lib.amem_diffusion_save(self._h(), os.fsencode(path)))

    def save_mem(self):
        """The saved file image as bytes."""
        data, n = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.amem_diffusion_save_mem(self._h(), ctypes.byref(data),
                                          ctypes.byref(n)))
        try:
            return ctypes.string_at(data, n.value)
        finally:
            lib.amem_free(data)

    @classmethod
    def load(cls, path):
        """A handle read from a file written by save()."""
        out = _HANDLE_P()
        check(lib.amem_diffusion_load(os.fsencode(path), ctypes.byref(out)))
        return cls._from_ptr(out)

    @classmethod
    def load_mem(cls, data):
        """A handle from a bytes-like file image."""
        buf = data if isinstance(data, bytes) else bytes(memoryview(data))
        out = _HANDLE_P()
        check(lib.amem_diffusion_load_mem(buf, len(buf), ctypes.byref(out)))
        return cls._from_ptr(out)

    def copy(self):
        """An independent copy (through the file image)."""
        return type(self).load_mem(self.save_mem())

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (_from_bytes, (self.save_mem(),))


def _setting_property(p):
    def getter(self):
        return self.get(p)

    def setter(self, value):
        self.set(p, value)
    return property(getter, setter,
                    doc="The %s setting (see diffusion.h)." % p.name)


for _p in Param:
    if not hasattr(Diffusion, _p.name.lower()):
        setattr(Diffusion, _p.name.lower(), _setting_property(_p))
del _p
