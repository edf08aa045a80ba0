"""Diffusion denoisers as associative memories (Ambrogioni 2024).

One class, Diffusion, over amem_diffusion: stored patterns, a
variance-preserving (or general Ornstein-Uhlenbeck) forward process, the
exact score of the stored set or a learned MLP noise predictor, and recall
by the probability-flow ODE or the reverse SDE. Arrays are NumPy float32,
one state per row; a 1-D array is one state and gives 1-D results. See
include/assocmem/diffusion.h for the equations, settings and ranges.
"""

import ctypes

import numpy as np

from . import _ffi
from ._arrays import as_rows, dptr, fail, fptr, like_rows, size
from ._lib import lib
from ._piece import Persistent, Settings, int_enum
from ._train import run_train
from .errors import check

_PREFIX = "AMEM_DIFFUSION_"
_HANDLE_P = ctypes.POINTER(_ffi.amem_diffusion)


#: Settings (enum amem_diffusion_param).
Param = int_enum("amem_diffusion_param", _PREFIX, "Param")
#: Values of PROCESS (VP, OU, VE).
Process = int_enum("amem_diffusion_process", _PREFIX + "PROCESS_", "Process")
#: Values of SCORE (EXACT, LEARNED).
Score = int_enum("amem_diffusion_score_kind", _PREFIX + "SCORE_", "Score")
#: Values of SAMPLER (ODE, SDE).
Sampler = int_enum("amem_diffusion_sampler", _PREFIX + "SAMPLER_", "Sampler")

#: Values of PRECISION (FLOAT32, FLOAT64).
Precision = int_enum("amem_diffusion_precision", _PREFIX + "PRECISION_",
                     "Precision")

_VALUE_ENUMS = {Param.PROCESS: Process, Param.SCORE: Score,
                Param.SAMPLER: Sampler, Param.PRECISION: Precision}


class Diffusion(Settings, Persistent):
    """A diffusion associative memory.

    Diffusion(dim, **settings)
      dim       pattern dimension d >= 1
      settings  initial settings by name, e.g. gamma=0.8, steps=300,
                sampler="sde", score="learned"; also properties
                (m.steps = 100) and set()/get().
    """

    _C = "amem_diffusion_"
    Param = Param
    _VALUE_ENUMS = _VALUE_ENUMS

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
        check(lib.amem_diffusion_get_patterns(self._h(), fptr(out)))
        return out

    def train(self, steps=5000, progress=None):
        """Train the learned noise predictor for `steps` Adam steps, each on
        all stored patterns; returns a TrainResult(steps, loss, step_count).

        progress: optional fn(stage, done, total, loss) -> bool, called after
        every step (true cancels; the finished steps are kept).
        """
        return run_train(lib.amem_diffusion_train, (self._h(),), steps,
                         progress, lambda: self.step_count, "Diffusion.train")

    @property
    def step_count(self):
        """Adam steps the learned network has taken (0 without one)."""
        v = ctypes.c_size_t()
        check(lib.amem_diffusion_step_count(self._h(), ctypes.byref(v)))
        return v.value

    def network_info(self):
        """{hidden, layers, params} of the learned network (all 0 without
        one)."""
        hid, lay, par = (ctypes.c_size_t() for _ in range(3))
        check(lib.amem_diffusion_network_info(
            self._h(), ctypes.byref(hid), ctypes.byref(lay),
            ctypes.byref(par)))
        return {"hidden": hid.value, "layers": lay.value,
                "params": par.value}

    def reset(self):
        """Drop the learned network."""
        check(lib.amem_diffusion_reset(self._h()))

    # ---- the semantic density ------------------------------------------------

    def set_semantic(self, mean=None, directions=None, spreads=None):
        """Give the semantic density (weight ``semantic_weight``, the paper's
        Eqs. 24-25) a mean and a manifold:
        N(mean, c I + sum_k spreads[k]**2 q_k q_k^T), c = ``semantic_var``.

        mean        d-vector, or None for 0
        directions  r x d (or one d-vector), any basis of the sheet: the
                    library orthonormalises the rows in order (modified
                    Gram-Schmidt in double); None for r = 0
        spreads     r values >= 0, the spread along each orthonormalised
                    direction (required with directions)

        mean=None and directions=None restore the isotropic N(0, c I).
        Raises DimensionError (r > d, shapes), NonFiniteError, RangeError
        (negative spread), ArgumentError (directions nearly dependent); the
        handle is then unchanged.
        """
        where = "Diffusion.set_semantic"
        m = None
        if mean is not None:
            m = np.ascontiguousarray(mean, dtype=np.float32)
            if m.shape != (self._dim,):
                fail(_ffi.AMEM_E_DIM, where, "mean has shape %s, expected "
                     "(%d,)" % (m.shape, self._dim))
        q, sp, r = None, None, 0
        if directions is not None:
            q, _ = as_rows(directions, "directions", where, self._dim)
            r = q.shape[0]
            sp = np.ascontiguousarray(
                [] if spreads is None else spreads, dtype=np.float32)
            if sp.shape != (r,):
                fail(_ffi.AMEM_E_DIM, where, "spreads has shape %s, expected "
                     "(%d,)" % (sp.shape, r))
        check(lib.amem_diffusion_set_semantic(self._h(), fptr(m), fptr(q),
                                              fptr(sp), r))

    def semantic(self):
        """The semantic manifold in use: (mean (d,), directions (r, d)
        orthonormal, spreads (r,)); r = 0 and a zero mean when none is
        set."""
        r = ctypes.c_size_t()
        check(lib.amem_diffusion_get_semantic(self._h(), None, None, None,
                                              ctypes.byref(r)))
        mean = np.empty(self._dim, np.float32)
        q = np.empty((r.value, self._dim), np.float32)
        sp = np.empty(r.value, np.float32)
        check(lib.amem_diffusion_get_semantic(self._h(), fptr(mean), fptr(q),
                                              fptr(sp), ctypes.byref(r)))
        return mean, q, sp

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


param_bounds = Diffusion.param_bounds
