"""The Hopfield family: classical (and BAM), dense polynomial/rectified/
exponential, and modern continuous networks behind one class, Hopfield.

Arrays are NumPy float32, one pattern per row (n x d). A 1-D array is a
single pattern and gives 1-D results. See include/assocmem/hopfield.h for
the dynamics, energies, settings and their ranges.
"""

import ctypes
import operator
import os

import numpy as np

from . import _ffi
from ._chunks import run_in_chunks
from ._arrays import as_rows, dptr, fail, fptr, iptr, like_rows, size
from ._lib import lib
from ._piece import Persistent, Settings, StoreShape, int_enum, member
from .errors import check
from .progress import interruptible

_PREFIX = "AMEM_HOPFIELD_"
_HANDLE_P = ctypes.POINTER(_ffi.amem_hopfield)


#: Network kinds (enum amem_hopfield_kind).
Kind = int_enum("amem_hopfield_kind", _PREFIX, "Kind")
#: Settings (enum amem_hopfield_param).
Param = int_enum("amem_hopfield_param", _PREFIX, "Param")


#: Value prefixes that are not the setting's own name.
_VALUE_PREFIX = {"SIMILARITY": "SIM_", "SEPARATION": "SEP_"}


def _value_enums():
    """Settings whose values are named: enum amem_hopfield_<param>."""
    out = {}
    for p in Param:
        cname = "amem_hopfield_" + p.name.lower()
        if cname in _ffi.ENUMS:
            clsname = p.name.title().replace("_", "")
            prefix = _PREFIX + _VALUE_PREFIX.get(p.name, p.name + "_")
            out[p] = int_enum(cname, prefix, clsname)
    return out


_VALUE_ENUMS = _value_enums()
#: Values of the UPDATE setting (SYNC, ASYNC).
Update = _VALUE_ENUMS[Param.UPDATE]
#: Values of the ORDER setting (SEQUENTIAL, RANDOM).
Order = _VALUE_ENUMS[Param.ORDER]
#: Values of the NOISE setting (UNIFORM, SIGNS).
Noise = _VALUE_ENUMS[Param.NOISE]
#: Values of the SIMILARITY setting (DOT, COSINE, EUCLIDEAN, MANHATTAN).
Similarity = _VALUE_ENUMS[Param.SIMILARITY]
#: Values of the SEPARATION setting (SOFTMAX, ARGMAX, POLY, IDENTITY).
Separation = _VALUE_ENUMS[Param.SEPARATION]
#: Values of the DTYPE setting (F32, BF16, INT8): how MODERN keys are kept.
Dtype = _VALUE_ENUMS[Param.DTYPE]
#: Values of the PRECISION setting (FLOAT32, FLOAT64): MODERN recall
#: arithmetic.
Precision = _VALUE_ENUMS[Param.PRECISION]
#: Other names DTYPE accepts.
_DTYPE_ALIAS = {"float32": "F32", "bfloat16": "BF16", "int8": "INT8"}
#: Directions of Hopfield.recall_bam (KEY_TO_VALUE, VALUE_TO_KEY).
Direction = int_enum("amem_hopfield_direction", _PREFIX, "Direction")


class Hopfield(Settings, Persistent, StoreShape):
    """A Hopfield-family network.

    Hopfield(kind, dim, value_dim=0, **settings)
      kind       "classical", "dense_poly", "dense_rect", "dense_exp",
                 "modern" (any case), a Kind member or its int value
      dim        pattern (key) dimension d >= 1
      value_dim  m = 0 (autoassociative) or m >= 1 (heteroassociative:
                 BAM for classical, key/value memory for modern)
      settings   initial settings by name, e.g. beta=8.0, max_steps=3,
                 update="sync"; also readable/writable as properties
                 (h.beta = 4) and through set()/get(). The modern kind's
                 recall = P . sep(sim(Y, x)) (Millidge et al. 2022) takes
                 similarity="dot" | "cosine" | "euclidean" | "manhattan"
                 and separation="softmax" | "argmax" | "poly" |
                 "identity", e.g.
                 Hopfield("modern", 784, similarity="euclidean").
                 dtype="float32" | "bfloat16" | "int8" (modern only, set
                 before the first store) keeps the keys compressed.

    Every pattern of a dense or modern store has a 64-bit id: append()
    takes them (or assigns them), remove() deletes by id, get_patterns() returns
    patterns by id (get_patterns), recall_topk() returns the ids of the best matches.
    Hopfield.load(path, mapped=True) maps a saved modern store read-only.

    Free the C handle with close() or a `with` block; otherwise the
    garbage collector frees it. One thread at a time per object.
    """

    _C = "amem_hopfield_"
    Param = Param
    _VALUE_ENUMS = _VALUE_ENUMS

    def __init__(self, kind, dim, value_dim=0, **settings):
        where = "Hopfield"
        k = member(Kind, kind, where)
        d = size(dim, "dim", where)
        m = operator.index(value_dim)
        if m < 0:
            fail(_ffi.AMEM_E_DIM, where, "value_dim must be >= 0, got %d" % m)
        out = _HANDLE_P()
        check(lib.amem_hopfield_create(int(k), d, m, ctypes.byref(out)))
        self._own(out)
        if settings:
            try:
                self.set(**settings)
            except BaseException:
                self.close()
                raise

    def _to_double(self, p, value, where):
        if p == Param.DTYPE:
            if isinstance(value, np.dtype) or isinstance(value, type):
                value = np.dtype(value).name
            if isinstance(value, str):
                value = _DTYPE_ALIAS.get(value.strip().lower(), value)
        return super()._to_double(p, value, where)

    @classmethod
    def load(cls, path, mapped=False):
        """A network read from a file written by save(). mapped=True maps
        a modern store's file read-only instead of reading it (recall
        then reads the file in place; append/remove/clear are refused)."""
        if not mapped:
            return super().load(path)
        out = _HANDLE_P()
        check(lib.amem_hopfield_load_mapped(os.fsencode(path),
                                            ctypes.byref(out)))
        return cls._from_ptr(out)

    @property
    def mapped(self):
        """True for a store opened with load(path, mapped=True)."""
        out = ctypes.c_int()
        check(lib.amem_hopfield_is_mapped(self._h(), ctypes.byref(out)))
        return bool(out.value)

    def _own(self, ptr):
        self._adopt(ptr, lib.amem_hopfield_free)
        kind, dim, vdim = ctypes.c_int(), ctypes.c_size_t(), ctypes.c_size_t()
        check(lib.amem_hopfield_kind(ptr, ctypes.byref(kind)))
        check(lib.amem_hopfield_dim(ptr, ctypes.byref(dim)))
        check(lib.amem_hopfield_value_dim(ptr, ctypes.byref(vdim)))
        self._kind, self._dim, self._vdim = Kind(kind.value), dim.value, vdim.value

    @classmethod
    def _from_ptr(cls, ptr):
        self = cls.__new__(cls)
        self._own(ptr)
        return self

    # ---- shape -------------------------------------------------------------

    @property
    def kind(self):
        """The network kind (a Kind member)."""
        return self._kind

    @property
    def output_dim(self):
        """Length of a recalled state: m if heteroassociative, else d."""
        return self._vdim or self._dim

    @property
    def energy_dim(self):
        """Length of an energy() state: d + m for BAM, else d."""
        if self._kind == Kind.CLASSICAL and self._vdim:
            return self._dim + self._vdim
        return self._dim

    @property
    def count(self):
        """Number of items stored (Hebbian writes for CLASSICAL)."""
        n = ctypes.c_size_t()
        check(lib.amem_hopfield_count(self._h(), ctypes.byref(n)))
        return n.value

    def __repr__(self):
        if self.closed:
            return "<Hopfield (closed)>"
        return "Hopfield(%r, dim=%d, value_dim=%d) with %d stored" % (
            self._kind.name.lower(), self._dim, self._vdim, self.count)

    # ---- settings ----------------------------------------------------------


    # ---- storage -----------------------------------------------------------

    def store(self, patterns):
        """Store patterns (n x d, or one d-vector) one-shot; appends."""
        x, _ = as_rows(patterns, "patterns", "Hopfield.store", self._dim)
        check(lib.amem_hopfield_store(self._h(), fptr(x), x.shape[0]))

    def store_pairs(self, keys, values):
        """Store key/value pairs (n x d keys, n x m values)."""
        where = "Hopfield.store_pairs"
        k, _ = as_rows(keys, "keys", where, self._dim)
        if self._vdim == 0:
            fail(_ffi.AMEM_E_UNSUPPORTED, where,
                 "an autoassociative network (value_dim 0) stores with store()")
        v, _ = as_rows(values, "values", where, self._vdim)
        if k.shape[0] != v.shape[0]:
            fail(_ffi.AMEM_E_DIM, where, "%d keys but %d values"
                 % (k.shape[0], v.shape[0]))
        check(lib.amem_hopfield_store_pairs(self._h(), fptr(k), fptr(v),
                                            k.shape[0]))

    def append(self, keys, values=None, ids=None):
        """Add patterns (n x d keys, and n x m values for a
        heteroassociative store) with the given ids (n unsigned 64-bit
        integers, unique, not stored yet) or assigned ones. Returns the
        ids of the new rows (uint64 array)."""
        where = "Hopfield.append"
        k, _ = as_rows(keys, "keys", where, self._dim)
        n = k.shape[0]
        v = None
        if values is not None:
            v, _ = as_rows(values, "values", where, self._vdim or None)
            if v.shape[0] != n:
                fail(_ffi.AMEM_E_DIM, where, "%d keys but %d values"
                     % (n, v.shape[0]))
        given = None if ids is None else _ids(ids, n, where)
        out = np.empty(n, np.uint64)
        check(lib.amem_hopfield_append(self._h(), fptr(k), fptr(v),
                                       _uptr(given), n, _uptr(out)))
        return out

    def remove(self, ids):
        """Delete the patterns with these ids (each stored, none twice);
        the last rows move into the freed ones."""
        u = _ids(ids, None, "Hopfield.remove")
        check(lib.amem_hopfield_remove(self._h(), _uptr(u), u.shape[0]))

    def get_patterns(self, ids):
        """The keys (n x d; compressed keys dequantised) of the patterns
        with these ids, and (heteroassociative) their values: (keys,
        values)."""
        u = _ids(ids, None, "Hopfield.get_patterns")
        keys = np.empty((u.shape[0], self._dim), np.float32)
        values = (np.empty((u.shape[0], self._vdim), np.float32)
                  if self._vdim else None)
        check(lib.amem_hopfield_get_patterns(self._h(), _uptr(u), u.shape[0],
                                             fptr(keys), fptr(values)))
        return keys if values is None else (keys, values)

    @property
    def ids(self):
        """The ids of the stored rows, in storage order (uint64 array)."""
        n = self.count
        out = np.empty(n, np.uint64)
        if n:
            check(lib.amem_hopfield_get_ids(self._h(), 0, n, _uptr(out)))
        return out

    def recall_topk(self, queries, k=1):
        """One step's k largest separation weights of each query (n x d,
        or one d-vector) and the ids of their patterns: (ids n x k uint64,
        weights n x k), best first; MODERN only."""
        where = "Hopfield.recall_topk"
        q, single = as_rows(queries, "queries", where, self._dim)
        kk = size(k, "k", where)
        n = q.shape[0]
        ids = np.empty((n, kk), np.uint64)
        w = np.empty((n, kk), np.float32)
        check(lib.amem_hopfield_recall_topk(self._h(), fptr(q), n, kk,
                                            _uptr(ids), fptr(w)))
        return (ids[0], w[0]) if single else (ids, w)

    def clear(self):
        """Forget everything stored; settings are kept."""
        check(lib.amem_hopfield_clear(self._h()))

    # ---- dynamics ----------------------------------------------------------

    def recall(self, queries, clamp=None, return_steps=False,
               return_weights=False, progress=None, nprobe=None,
               return_scored=False, return_bound=False):
        """Run the dynamics from queries (n x d, or one d-vector).

        clamp         optional 0/1 mask of the queries' shape (or one
                      d-vector for all queries): entries marked 1 keep
                      their cue value (pattern completion)
        return_steps  also return the steps each query took (int array)
        return_weights  also return the separation weights of the last
                      step (n x count; MODERN only)
        progress      None, True (show a progress line) or a callable
                      fn(stage, done, total, metric) -> bool; a large batch
                      runs in chunks of about 0.05 s, and Ctrl-C between
                      chunks raises KeyboardInterrupt (the network is
                      unchanged and usable)
        Returns the final states (n x output_dim), or a tuple
        (states, [steps], [weights]) when extras are requested.
        nprobe        pruned recall through the index (build_index): the
                      same as recall_pruned(queries, nprobe, ...), with
                      return_scored / return_bound; no clamp, weights or
                      progress
        """
        where = "Hopfield.recall"
        if nprobe is not None:
            if clamp is not None or return_weights or progress is not None:
                fail(_ffi.AMEM_E_ARG, where,
                     "pruned recall (nprobe) takes no clamp or weights")
            return self.recall_pruned(queries, nprobe, return_steps,
                                      False, return_scored, return_bound)
        q, single = as_rows(queries, "queries", where, self._dim)
        c = None if clamp is None else like_rows(clamp, q, "clamp", where)
        n = q.shape[0]
        out = np.empty((n, self.output_dim), np.float32)
        steps = np.empty(n, np.intc) if return_steps else None
        weights = (np.empty((n, self.count), np.float32)
                   if return_weights else None)
        h = self._h()

        def rows(a, lo, hi):
            return None if a is None else a[lo:hi]

        def call(lo, hi):
            check(lib.amem_hopfield_recall(
                h, fptr(q[lo:hi]), hi - lo, fptr(rows(c, lo, hi)),
                fptr(out[lo:hi]), iptr(rows(steps, lo, hi)),
                fptr(rows(weights, lo, hi))))
        run_in_chunks(n, call, progress, "recall")
        return _result(single, out, steps, weights)

    def recall_bam(self, cues, direction="key_to_value", clamp=None,
                   return_steps=False):
        """Bidirectional recall on a BAM (classical, value_dim > 0).

        cues          keys (n x dim) for direction "key_to_value", values
                      (n x value_dim) for "value_to_key"; one vector for a
                      single cue
        direction     a Direction member, its name (any case) or value
        clamp         optional 0/1 mask shaped like cues (or one vector for
                      all cues): entries marked 1 keep their cue value
        return_steps  also return the round trips each cue took
        Returns (keys, values): the settled layers of both sides, each
        entry -1 or +1 except clamped cue entries; with return_steps,
        (keys, values, steps).
        """
        where = "Hopfield.recall_bam"
        dirn = member(Direction, direction, where)
        cue_len = (self._dim if dirn == Direction.KEY_TO_VALUE
                   else self._vdim)
        if self._kind != Kind.CLASSICAL or self._vdim == 0:
            fail(_ffi.AMEM_E_UNSUPPORTED, where,
                 "not a BAM (classical with value_dim > 0)")
        q, single = as_rows(cues, "cues", where, cue_len)
        c = None if clamp is None else like_rows(clamp, q, "clamp", where)
        n = q.shape[0]
        keys = np.empty((n, self._dim), np.float32)
        values = np.empty((n, self._vdim), np.float32)
        steps = np.empty(n, np.intc) if return_steps else None
        check(lib.amem_hopfield_recall_bam(self._h(), fptr(q), n, int(dirn),
                                           fptr(c), fptr(keys),
                                           fptr(values), iptr(steps)))
        if single:
            keys, values = keys[0], values[0]
            steps = None if steps is None else int(steps[0])
        return (keys, values) if steps is None else (keys, values, steps)

    def replay(self, n, return_cues=False, return_steps=False):
        """Recall from n random cues drawn from the network's RNG (see the
        SEED and NOISE settings). Returns the states (n x output_dim), or
        (states, [cues], [steps]) when extras are requested."""
        n = size(n, "n", "Hopfield.replay")
        out = np.empty((n, self.output_dim), np.float32)
        cues = np.empty((n, self._dim), np.float32) if return_cues else None
        steps = np.empty(n, np.intc) if return_steps else None
        check(lib.amem_hopfield_replay(self._h(), n, fptr(out), fptr(cues),
                                       iptr(steps)))
        return _result(False, out, cues, steps)

    def energy(self, states):
        """Energies (float64) of states (n x energy_dim, or one vector)."""
        s, single = as_rows(states, "states", "Hopfield.energy",
                            self.energy_dim)
        e = np.empty(s.shape[0], np.float64)
        check(lib.amem_hopfield_energy(self._h(), fptr(s), s.shape[0], dptr(e)))
        return float(e[0]) if single else e

    def weights(self, states):
        """Separation weights p = sep(sim(Y, x)) (n x count) of states
        (n x d), by default softmax(b Y x); MODERN only."""
        s, single = as_rows(states, "states", "Hopfield.weights", self._dim)
        w = np.empty((s.shape[0], self.count), np.float32)
        check(lib.amem_hopfield_weights(self._h(), fptr(s), s.shape[0],
                                        fptr(w)))
        return w[0] if single else w

    def recall_partial(self, queries, clamp=None):
        """The unnormalised parts of one softmax step (MODERN, SOFTMAX):
        (row_max, row_sum, weighted_keys, weighted_values), the values
        None for an autoassociative network. weighted / row_sum[:, None]
        is one recall step; the parts of a store split in two merge by
        log-sum-exp (see amem_hopfield_recall_partial in hopfield.h)."""
        where = "Hopfield.recall_partial"
        q, _ = as_rows(queries, "queries", where, self._dim)
        c = None if clamp is None else like_rows(clamp, q, "clamp", where)
        n = q.shape[0]
        mx, sm = np.empty(n, np.float32), np.empty(n, np.float32)
        wk = np.empty((n, self._dim), np.float32)
        wv = np.empty((n, self._vdim), np.float32) if self._vdim else None
        check(lib.amem_hopfield_recall_partial(self._h(), fptr(q), n, fptr(c),
                                               fptr(mx), fptr(sm), fptr(wk),
                                               fptr(wv)))
        return mx, sm, wk, wv

    # ---- pruned recall (IVF index) -------------------------------------------

    def build_index(self, kind="ivf", nlist=None, seed=None, nprobe=None,
                    progress=None):
        """Build the inverted-file index of pruned recall (MODERN only).

        kind      "ivf" (the only index)
        nlist     number of lists, 1 <= nlist <= count (default: about
                  sqrt(count))
        seed      k-means seed (sets the SEED setting; None keeps it)
        nprobe    lists searched per query (sets NPROBE; None keeps it)
        progress  optional fn(stage, done, total, metric) -> bool, called
                  per k-means iteration ("kmeans", metric = objective) and
                  once after assigning ("assign"); a true value cancels
        The index is dropped by a later store or clear; it is not saved.
        """
        where = "Hopfield.build_index"
        if str(kind).lower() != "ivf":
            fail(_ffi.AMEM_E_ARG, where, "unknown index %r (use 'ivf')" % (kind,))
        if nlist is None:
            nlist = max(1, int(round(self.count ** 0.5)))
        n = size(nlist, "nlist", where)
        if seed is not None:
            self.set(seed=seed)
        with interruptible(progress) as cb:
            check(lib.amem_hopfield_build_index(self._h(), n, cb, None))
        if nprobe is not None:
            self.set(nprobe=nprobe)

    def drop_index(self):
        """Free the index (none: nothing happens)."""
        check(lib.amem_hopfield_drop_index(self._h()))

    @property
    def index_lists(self):
        """Lists of the current index; 0 when there is none."""
        out = ctypes.c_size_t()
        check(lib.amem_hopfield_index_lists(self._h(), ctypes.byref(out)))
        return out.value

    def recall_pruned(self, queries, nprobe=None, return_steps=False,
                      return_top=False, return_scored=False,
                      return_bound=False):
        """Recall through the index (see build_index): each step scores
        only the patterns of the nprobe best lists.

        nprobe        lists searched (sets the NPROBE setting; None keeps it)
        return_steps  also return the steps each query took
        return_top    also return the stored position of each query's
                      best-scoring pattern (int64)
        return_scored also return the patterns scored per query (int64)
        return_bound  also return the bound on the softmax weight left out
                      (float64; NaN for the identity separation)
        Returns the states (n x output_dim), or a tuple (states, [steps],
        [top], [scored], [bound]) when extras are requested.
        """
        where = "Hopfield.recall_pruned"
        q, single = as_rows(queries, "queries", where, self._dim)
        if nprobe is not None:
            self.set(nprobe=nprobe)
        n = q.shape[0]
        out = np.empty((n, self.output_dim), np.float32)
        steps = np.empty(n, np.intc) if return_steps else None
        top = np.empty(n, np.uintp) if return_top else None
        scored = np.empty(n, np.uintp) if return_scored else None
        bound = np.empty(n, np.float64) if return_bound else None
        check(lib.amem_hopfield_recall_pruned(
            self._h(), fptr(q), n, fptr(out), iptr(steps), _zptr(top),
            _zptr(scored), dptr(bound)))
        top = None if top is None else top.astype(np.int64)
        scored = None if scored is None else scored.astype(np.int64)
        return _result(single, out, steps, top, scored, bound)


param_bounds = Hopfield.param_bounds


def _ids(ids, n, where):
    """ids as a contiguous uint64 vector (of n entries when n is given)."""
    a = np.asarray(ids)
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1 or (a.size and not np.issubdtype(a.dtype, np.integer)):
        fail(_ffi.AMEM_E_ARG, where, "ids must be a vector of integers")
    if a.size and a.min() < 0:
        fail(_ffi.AMEM_E_ARG, where, "ids must not be negative")
    if n is not None and a.shape[0] != n:
        fail(_ffi.AMEM_E_DIM, where, "%d ids for %d patterns" % (a.shape[0], n))
    return np.ascontiguousarray(a, np.uint64)


def _uptr(a):
    """A uint64_t * to a's data, or None."""
    if a is None:
        return None
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_uint64))

def _zptr(a):
    """A size_t pointer to a uintp array, or None."""
    if a is None:
        return None
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_size_t))


def _result(single, out, *extras):
    """out alone, or (out, extras that were requested...)."""
    if single:
        out = out[0]
        extras = tuple(None if e is None else e[0] for e in extras)
    chosen = [e for e in extras if e is not None]
    return (out, *chosen) if chosen else out


