"""The key-value slot memory with three-factor plasticity (Tyulmankov, Fang
et al. 2021), KVMemory, its episode tape for gradients, KVTape, and its TVT
baseline, TVT.

Arrays are NumPy float32, one item per row. See include/assocmem/kvmem.h
and tvt.h for the rules, settings and their ranges.
"""

import ctypes

import numpy as np

from . import _ffi
from ._arrays import as_rows, dptr, fail, fptr, iptr, size
from ._handle import Handle
from ._lib import lib
from ._piece import Persistent, Settings, int_enum
from ._train import TrainResult
from .errors import check
from .progress import interruptible


#: Settings of KVMemory (enum amem_kvmem_param).
KVParam = int_enum("amem_kvmem_param", "AMEM_KVMEM_", "KVParam")
#: Settings of TVT (enum amem_tvt_param).
TVTParam = int_enum("amem_tvt_param", "AMEM_TVT_", "TVTParam")
#: Values of LOCAL_FACTOR (SEQUENTIAL, RANDOM).
LocalFactor = int_enum("amem_kvmem_local", "AMEM_KVMEM_LOCAL_", "LocalFactor")
#: Values of VALUE_DECAY (RAPID, PASSIVE).
ValueDecay = int_enum("amem_kvmem_decay", "AMEM_KVMEM_DECAY_", "ValueDecay")
#: Values of ADVANCE (EVERY_WRITE, WHEN_STORED).
Advance = int_enum("amem_kvmem_advance", "AMEM_KVMEM_ADVANCE_", "Advance")
#: Values of WRITE_MODE (LINEAR, SATURATING).
WriteMode = int_enum("amem_kvmem_write", "AMEM_KVMEM_WRITE_", "WriteMode")
#: Names of the trainable rule parameters, in gradient/history order.
RULE_PARAMS = tuple(p.name.lower() for p in KVParam
                    if _ffi.AMEM_KVMEM_RULE_FIRST <= p <
                    _ffi.AMEM_KVMEM_RULE_FIRST + _ffi.AMEM_KVMEM_RULE_COUNT)
#: Columns of KVMemory.history, the records of the last train() call's
#: steps ("step" is the step count after the step).
HISTORY_COLUMNS = ("step", "loss", "accuracy") + RULE_PARAMS + ("p",)
#: Columns of TVT.history.
TVT_HISTORY_COLUMNS = ("step", "loss", "accuracy", "strength")

class _Memory(Settings, Persistent):
    """Shared plumbing of the two handle classes."""

    _HISTORY = 0
    #: Records of the last train() call's finished steps (rows x columns).
    history = None

    def __init__(self, key_dim, slots, value_dim=None, **settings):
        where = type(self).__name__
        d = size(key_dim, "key_dim", where)
        n = size(slots, "slots", where)
        m = d if value_dim is None else size(value_dim, "value_dim", where)
        out = self._handle_type()()
        check(self._fn("create")(d, n, m, ctypes.byref(out)))
        self._own(out)
        if settings:
            try:
                self.set(**settings)
            except BaseException:
                self.close()
                raise

    def _own(self, ptr):
        self._adopt(ptr, self._fn("free"))
        dims = []
        for name in ("key_dim", "slots", "value_dim"):
            v = ctypes.c_size_t()
            check(self._fn(name)(ptr, ctypes.byref(v)))
            dims.append(v.value)
        self.key_dim, self.slots, self.value_dim = dims

    @classmethod
    def _from_ptr(cls, ptr):
        self = cls.__new__(cls)
        self._own(ptr)
        return self

    def __repr__(self):
        name = type(self).__name__
        if self.closed:
            return "<%s (closed)>" % name
        return "%s(key_dim=%d, slots=%d, value_dim=%d) with %d writes" % (
            name, self.key_dim, self.slots, self.value_dim, self.count)

    @property
    def count(self):
        """Writes so far (KVMemory: writes with q > 0)."""
        v = ctypes.c_size_t()
        check(self._fn("count")(self._h(), ctypes.byref(v)))
        return v.value

    def clear(self):
        """Empty the memory; settings and learned parameters are kept."""
        check(self._fn("clear")(self._h()))

    def _values(self, keys, values, where):
        k, _ = as_rows(keys, "keys", where, self.key_dim)
        if values is None:
            return k, None
        v, _ = as_rows(values, "values", where, self.value_dim)
        if v.shape[0] != k.shape[0]:
            fail(_ffi.AMEM_E_DIM, where, "%d keys but %d values"
                 % (k.shape[0], v.shape[0]))
        return k, v

    @property
    def step_count(self):
        """Adam steps since creation or the last reset (saved with it)."""
        v = ctypes.c_size_t()
        check(self._fn("step_count")(self._h(), ctypes.byref(v)))
        return v.value

    def _train(self, steps, progress):
        """Train through the C trainer; each step's record is read from the
        progress callback (amem_*_get_last_step) into self.history."""
        where = type(self).__name__ + ".train"
        steps = size(steps, "steps", where)
        hist = np.full((steps, self._HISTORY), np.nan, np.float32)
        done = [0]

        def on_step(stage, d, total, metric):
            check(self._fn("get_last_step")(self._h(), fptr(hist[d - 1])))
            done[0] = d

        loss = ctypes.c_double()
        try:
            with interruptible(progress, observe=on_step) as cb:
                check(self._fn("train")(self._h(), steps, cb, None,
                                        ctypes.byref(loss)))
        finally:
            self.history = hist[:done[0]]
        return TrainResult(done[0], loss.value, self.step_count)

class KVMemory(_Memory):
    """Key-value slot memory: KVMemory(key_dim, slots, value_dim=key_dim,
    **settings), e.g. KVMemory(40, 40, local_factor="random", p=0.1)."""

    _C = "amem_kvmem_"
    Param = KVParam
    _VALUE_ENUMS = {KVParam.LOCAL_FACTOR: LocalFactor,
                    KVParam.VALUE_DECAY: ValueDecay, KVParam.ADVANCE: Advance,
                    KVParam.WRITE_MODE: WriteMode}
    _HISTORY = _ffi.AMEM_KVMEM_HISTORY_COLS

    def write(self, keys, values=None, q=None):
        """Write items in order (n x d keys, n x m values or None for
        autoassociative, q: scalar or n global third factors)."""
        where = "KVMemory.write"
        k, v = self._values(keys, values, where)
        qa = None
        if q is not None:
            qa = np.ascontiguousarray(np.broadcast_to(
                np.asarray(q, np.float32), (k.shape[0],)))
        check(lib.amem_kvmem_write_many(self._h(), fptr(k), fptr(v), fptr(qa),
                                        k.shape[0]))

    def read(self, queries, return_hidden=False):
        """y~ = V softmax(beta K x~) for queries (n x d or one d-vector);
        with return_hidden also h (n x N)."""
        q, single = as_rows(queries, "queries", "KVMemory.read", self.key_dim)
        n = q.shape[0]
        out = np.empty((n, self.value_dim), np.float32)
        hid = np.empty((n, self.slots), np.float32) if return_hidden else None
        check(lib.amem_kvmem_read(self._h(), fptr(q), n, fptr(out),
                                  fptr(hid)))
        if single:
            out, hid = out[0], None if hid is None else hid[0]
        return (out, hid) if return_hidden else out

    @property
    def keys(self):
        """K (N x d)."""
        out = np.empty((self.slots, self.key_dim), np.float32)
        check(lib.amem_kvmem_get_keys(self._h(), fptr(out)))
        return out

    @property
    def values(self):
        """Slot values (N x m; row i = column i of the paper's V)."""
        out = np.empty((self.slots, self.value_dim), np.float32)
        check(lib.amem_kvmem_get_values(self._h(), fptr(out)))
        return out

    @property
    def next_slot(self):
        """The slot the next write goes to (ADVANCE / LOCAL_FACTOR rules)."""
        v = ctypes.c_size_t()
        check(lib.amem_kvmem_next_slot(self._h(), ctypes.byref(v)))
        return v.value

    @property
    def last_gamma(self):
        """The local third factor of the last write (N floats, 0/1)."""
        out = np.empty(self.slots, np.float32)
        check(lib.amem_kvmem_get_last_gamma(self._h(), fptr(out)))
        return out

    @property
    def stability(self):
        """(key_frozen, value_frozen) flags per slot (Eq. 17)."""
        kf = np.empty(self.slots, np.intc)
        vf = np.empty(self.slots, np.intc)
        check(lib.amem_kvmem_stability(self._h(), iptr(kf), iptr(vf)))
        return kf.astype(bool), vf.astype(bool)

    @property
    def rule(self):
        """The rule parameters as a {name: value} dict."""
        return {name: self.get(name) for name in RULE_PARAMS}

    def episode(self, keys, queries, targets, values=None, q=None,
                grad=False):
        """One write-then-read episode from an empty memory with the current
        rule. Returns (outputs, loss, accuracy[, grad]) where grad has one
        entry per RULE_PARAMS name, then p."""
        where = "KVMemory.episode"
        k, v = self._values(keys, values, where)
        qr, _ = as_rows(queries, "queries", where, self.key_dim)
        tg, _ = as_rows(targets, "targets", where, self.value_dim)
        if tg.shape[0] != qr.shape[0]:
            fail(_ffi.AMEM_E_DIM, where, "%d queries but %d targets"
                 % (qr.shape[0], tg.shape[0]))
        qa = None
        if q is not None:
            qa = np.ascontiguousarray(np.broadcast_to(
                np.asarray(q, np.float32), (k.shape[0],)))
        out = np.empty((qr.shape[0], self.value_dim), np.float32)
        loss, acc = ctypes.c_double(), ctypes.c_double()
        g = np.empty(_ffi.AMEM_KVMEM_RULE_COUNT + 1) if grad else None
        check(lib.amem_kvmem_episode(
            self._h(), fptr(k), fptr(v), fptr(qa), k.shape[0], fptr(qr),
            fptr(tg), qr.shape[0], fptr(out), ctypes.byref(loss),
            ctypes.byref(acc), dptr(g)))
        res = (out, loss.value, acc.value)
        return res + (g,) if grad else res

    def train(self, steps, progress=None):
        """Meta-learn the rule for `steps` Adam steps; returns a
        TrainResult(steps, loss, step_count). The steps' records are kept in
        self.history (one row per finished step, columns HISTORY_COLUMNS).

        progress: optional fn(stage, done, total, loss) -> bool (true
        cancels; the finished steps are kept)."""
        return self._train(steps, progress)

    def reset(self):
        """Forget the Adam state."""
        check(lib.amem_kvmem_reset(self._h()))


class TVT(_Memory):
    """TVT slot memory: TVT(key_dim, slots, value_dim=key_dim, **settings)."""

    _C = "amem_tvt_"
    Param = TVTParam
    _HISTORY = _ffi.AMEM_TVT_HISTORY_COLS

    def write(self, keys, values=None):
        """Write items to rows count mod N in order."""
        k, v = self._values(keys, values, "TVT.write")
        check(lib.amem_tvt_write_many(self._h(), fptr(k), fptr(v),
                                      k.shape[0]))

    def read(self, queries, return_weights=False):
        """Read queries (n x d or one d-vector); optionally the weights."""
        q, single = as_rows(queries, "queries", "TVT.read", self.key_dim)
        n = q.shape[0]
        out = np.empty((n, self.value_dim), np.float32)
        w = np.empty((n, self.slots), np.float32) if return_weights else None
        check(lib.amem_tvt_read(self._h(), fptr(q), n, fptr(out), fptr(w)))
        if single:
            out, w = out[0], None if w is None else w[0]
        return (out, w) if return_weights else out

    def train(self, steps, progress=None):
        """Train the read parameters; returns a TrainResult(steps, loss,
        step_count). The steps' records are kept in self.history (one row
        per finished step, columns TVT_HISTORY_COLUMNS)."""
        return self._train(steps, progress)

    @property
    def read_params(self):
        """(A, a, u, c) of the learned query key and strength."""
        d = self.key_dim
        A = np.empty((d, d), np.float32)
        a, u = np.empty(d, np.float32), np.empty(d, np.float32)
        c = np.empty(1, np.float32)
        check(lib.amem_tvt_get_read_params(self._h(), fptr(A), fptr(a), fptr(u),
                                       fptr(c)))
        return A, a, u, float(c[0])

    @read_params.setter
    def read_params(self, params):
        A, a, u, c = params
        d = self.key_dim
        arrs = [np.ascontiguousarray(x, np.float32).reshape(-1)
                for x in (A, a, u, [c])]
        if [x.size for x in arrs] != [d * d, d, d, 1]:
            fail(_ffi.AMEM_E_DIM, "TVT.read_params", "expected shapes "
                 "(d, d), (d,), (d,), scalar with d = %d" % d)
        check(lib.amem_tvt_set_read_params(self._h(), *map(fptr, arrs)))


class KVTape(Handle):
    """Episode tape of a KVMemory: records writes and reads from an empty
    memory with the memory's rule, then walks them back for the gradient of
    a loss with respect to every key, value, q and query (and the rule).

    KVTape(memory, max_writes, max_reads); per episode: begin(memory),
    write()/read() in any order, then either backward(d_out) in one call,
    or back_read()/back_write() for the operations last first (recurrent
    controllers). See amem_kvmem_tape_* in kvmem.h."""

    def __init__(self, memory, max_writes, max_reads):
        where = "KVTape"
        tw = size(max_writes, "max_writes", where)
        tr = size(max_reads, "max_reads", where)
        out = ctypes.POINTER(_ffi.amem_kvmem_tape)()
        check(lib.amem_kvmem_tape_create(memory._h(), tw, tr,
                                         ctypes.byref(out)))
        self._adopt(out, lib.amem_kvmem_tape_free)
        self.key_dim, self.slots, self.value_dim = (
            memory.key_dim, memory.slots, memory.value_dim)

    def __repr__(self):
        if self.closed:
            return "<KVTape (closed)>"
        return "KVTape(key_dim=%d, slots=%d, value_dim=%d)" % (
            self.key_dim, self.slots, self.value_dim)

    def begin(self, memory):
        """Start a new episode with memory's current rule (RANDOM draws
        come from a stream seeded by memory's generator)."""
        check(lib.amem_kvmem_tape_begin(self._h(), memory._h()))

    def write(self, key, value=None, q=1.0):
        """Record one write (d key, m value or None = key, q >= 0)."""
        k, _ = as_rows(key, "key", "KVTape.write", self.key_dim)
        v = None
        if value is not None:
            v, _ = as_rows(value, "value", "KVTape.write", self.value_dim)
        if k.shape[0] != 1 or (v is not None and v.shape[0] != 1):
            fail(_ffi.AMEM_E_DIM, "KVTape.write", "one key and value per "
                 "write")
        check(lib.amem_kvmem_tape_write(self._h(), fptr(k), fptr(v),
                                        float(q)))

    def read(self, queries, return_hidden=False):
        """Record reads of queries (n x d or one d-vector) against the
        memory as it is now; returns the raw outputs (and h)."""
        qa, single = as_rows(queries, "queries", "KVTape.read", self.key_dim)
        n = qa.shape[0]
        out = np.empty((n, self.value_dim), np.float32)
        hid = np.empty((n, self.slots), np.float32) if return_hidden else None
        check(lib.amem_kvmem_tape_read(self._h(), fptr(qa), n, fptr(out),
                                       fptr(hid)))
        if single:
            out, hid = out[0], None if hid is None else hid[0]
        return (out, hid) if return_hidden else out

    @property
    def counts(self):
        """(writes, read queries, operations not yet walked back)."""
        w, r, left = (ctypes.c_size_t() for _ in range(3))
        check(lib.amem_kvmem_tape_count(self._h(), ctypes.byref(w),
                                        ctypes.byref(r), ctypes.byref(left)))
        return w.value, r.value, left.value

    def back_read(self, d_out):
        """Walk back the last remaining operation, a read: d_out is
        dL/d(its outputs); returns dL/d(its queries)."""
        g, single = as_rows(d_out, "d_out", "KVTape.back_read",
                            self.value_dim)
        dq = np.empty((g.shape[0], self.key_dim), np.float32)
        check(lib.amem_kvmem_tape_back_read(self._h(), fptr(g), fptr(dq)))
        return dq[0] if single else dq

    def back_write(self, rule_grad=False):
        """Walk back the last remaining operation, a write; returns
        (d_key, d_value, d_q) and, with rule_grad, this write's share of
        the rule gradient (RULE_PARAMS order, then p)."""
        dk = np.empty(self.key_dim, np.float32)
        dv = np.empty(self.value_dim, np.float32)
        dq = ctypes.c_double()
        rg = np.zeros(_ffi.AMEM_KVMEM_RULE_COUNT + 1) if rule_grad else None
        check(lib.amem_kvmem_tape_back_write(self._h(), fptr(dk), fptr(dv),
                                             ctypes.byref(dq), dptr(rg)))
        res = (dk, dv, dq.value)
        return res + (rg,) if rule_grad else res

    def backward(self, d_out):
        """Walk the whole episode back; d_out: dL/d(every read output) in
        recording order (R x m). Returns a dict with d_keys (T x d),
        d_values (T x m), d_q (T), d_queries (R x d) and rule_grad."""
        T, R, _ = self.counts
        g = np.ascontiguousarray(d_out, np.float32).reshape(-1)
        if g.size != R * self.value_dim:
            fail(_ffi.AMEM_E_DIM, "KVTape.backward", "d_out has %d entries, "
                 "expected %d reads x %d" % (g.size, R, self.value_dim))
        res = {"d_keys": np.empty((T, self.key_dim), np.float32),
               "d_values": np.empty((T, self.value_dim), np.float32),
               "d_q": np.empty(T, np.float32),
               "d_queries": np.empty((R, self.key_dim), np.float32),
               "rule_grad": np.empty(_ffi.AMEM_KVMEM_RULE_COUNT + 1)}
        ptrs = [fptr(res[k]) for k in
                ("d_keys", "d_values", "d_q", "d_queries")]
        check(lib.amem_kvmem_tape_backward(self._h(), fptr(g) if R else None,
                                           *ptrs, dptr(res["rule_grad"])))
        return res
