"""libassocmem-mpi from Python: the modern Hopfield store sharded over MPI
ranks, and data-parallel training of any trained piece.

    from mpi4py import MPI
    from assocmem.mpi import Hopfield
    h = Hopfield(MPI.COMM_WORLD, dim=64, beta=8.0)
    h.store(my_rows)                 # each rank its own rows (any number)
    out = h.recall(queries)          # queries read on rank 0, out everywhere

The same methods as assocmem.Hopfield for the MODERN kind with softmax
separation (store, store_pairs, recall, energy, set/get, save/load), plus
topk. Every method is collective: all ranks call it in the same order. An
argument refused on one rank raises the same exception on every rank
(never a hang). See include/assocmem/mpi.h and docs/distributed.md.

    from assocmem.mpi import DataParallel
    with DataParallel(MPI.COMM_WORLD) as dp:
        dp.attach(net)               # a Dam, Vae, Diffusion, KVMemory, TVT
        net.train(100)               # each rank its slice of every batch

DataParallel trains a piece over the ranks of a communicator: every rank
holds the same piece (settings, seed, data), computes the gradient of its
slice of each minibatch, and one allreduce per step sums the slices, so
every rank takes the same steps as one process would (to float rounding).

The library is found through ASSOCMEM_MPI_LIBRARY, else beside the core
library that assocmem loaded, else on the loader's search path.
"""

import ctypes
import ctypes.util
import os
import weakref

import numpy as np

from . import _ffi
from ._arrays import dptr, fptr, iptr
from ._lib import lib
from ._piece import StoreShape, member
from .errors import check, error
from .hopfield import Param

__all__ = ["DataParallel", "Hopfield", "Merge", "library_path"]

_U64_P = ctypes.POINTER(ctypes.c_uint64)
_FINT = ctypes.c_int  # MPI_Fint
_HANDLE = ctypes.c_void_p


class Merge:
    """How the ranks' parts are merged (enum amem_mpi_merge)."""
    ALLREDUCE = 0   # MAX then SUM allreduce (default)
    RANK_ORDER = 1  # gathered and summed in rank order: the same bits


def library_path():
    """Path (or soname) of libassocmem-mpi that is loaded."""
    env = os.environ.get("ASSOCMEM_MPI_LIBRARY")
    if env:
        return env
    beside = os.path.join(os.path.dirname(lib.path), "libassocmem-mpi.so")
    if os.path.exists(beside):
        return beside
    found = ctypes.util.find_library("assocmem-mpi")
    if found:
        return found
    raise ImportError("libassocmem-mpi not found: `make mpi` builds it in "
                      "lib/, or set ASSOCMEM_MPI_LIBRARY")


def _bind(cdll):
    size, f, d = ctypes.c_size_t, ctypes.POINTER(ctypes.c_float), \
        ctypes.POINTER(ctypes.c_double)
    i, out = ctypes.POINTER(ctypes.c_int), ctypes.POINTER(_HANDLE)
    protos = {
        "last_error": (ctypes.c_char_p, []),
        "hopfield_create": (ctypes.c_int, [_FINT, size, size, out]),
        "hopfield_free": (None, [_HANDLE]),
        "hopfield_set": (ctypes.c_int, [_HANDLE, ctypes.c_int,
                                        ctypes.c_double]),
        "hopfield_get": (ctypes.c_int, [_HANDLE, ctypes.c_int, d]),
        "hopfield_set_merge": (ctypes.c_int, [_HANDLE, ctypes.c_int]),
        "hopfield_dim": (ctypes.c_int, [_HANDLE, ctypes.POINTER(size)]),
        "hopfield_value_dim": (ctypes.c_int, [_HANDLE, ctypes.POINTER(size)]),
        "hopfield_count": (ctypes.c_int, [_HANDLE, ctypes.POINTER(size),
                                          ctypes.POINTER(size)]),
        "hopfield_store": (ctypes.c_int, [_HANDLE, f, f, size, _U64_P]),
        "hopfield_recall": (ctypes.c_int, [_HANDLE, f, size, f, f, i]),
        "hopfield_energy": (ctypes.c_int, [_HANDLE, f, size, d]),
        "hopfield_topk": (ctypes.c_int, [_HANDLE, f, size, size, _U64_P, f]),
        "hopfield_save": (ctypes.c_int, [_HANDLE, ctypes.c_char_p]),
        "hopfield_load": (ctypes.c_int, [_FINT, ctypes.c_char_p, out]),
        "data_parallel_create": (ctypes.c_int, [_FINT, out]),
        "data_parallel_free": (None, [_HANDLE]),
    }
    for name, (res, args) in protos.items():
        fn = getattr(cdll, "amem_mpi_" + name)
        fn.restype, fn.argtypes = res, args
    return cdll


_mpi = _bind(ctypes.CDLL(library_path()))


def _check(status):
    if status != _ffi.AMEM_OK:
        raise error(status, _mpi.amem_mpi_last_error().decode("utf-8",
                                                              "replace"))


def _agree(comm, where, exc):
    """Raise on every rank when a Python-side check failed on any rank."""
    failed = comm.allreduce(0 if exc is None else 1)
    if failed == 0:
        return
    if exc is not None:
        raise exc
    raise error(_ffi.AMEM_E_ARG, "%s: refused on another rank" % where)


def _rows(x, cols, where, allow_none=False):
    """A float32 C-contiguous n x cols array (a 1-D array is one row)."""
    if x is None:
        if allow_none:
            return None
        raise error(_ffi.AMEM_E_NULL, "%s: rows are None" % where)
    a = np.ascontiguousarray(x, dtype=np.float32)
    if a.ndim == 1:
        a = a.reshape(1, -1) if a.size else a.reshape(0, cols)
    if a.ndim != 2 or a.shape[1] != cols:
        raise error(_ffi.AMEM_E_DIM, "%s: expected rows of %d, got shape %s"
                    % (where, cols, np.shape(x)))
    return a


class Hopfield(StoreShape):
    """A modern Hopfield store whose patterns are spread over the ranks of
    comm (an mpi4py communicator): the owner of id i is rank i mod P."""

    def __init__(self, comm, dim, value_dim=0, **settings):
        self._comm = comm
        self._dim, self._vdim = int(dim), int(value_dim)
        h = _HANDLE()
        _check(_mpi.amem_mpi_hopfield_create(comm.py2f(), self._dim,
                                             self._vdim, ctypes.byref(h)))
        self._ptr = h
        self.set(**settings)

    @classmethod
    def load(cls, comm, path):
        """A store saved by save(), on any number of ranks."""
        h = _HANDLE()
        _check(_mpi.amem_mpi_hopfield_load(comm.py2f(), os.fsencode(path),
                                           ctypes.byref(h)))
        self = cls.__new__(cls)
        self._comm, self._ptr = comm, h
        d, m = ctypes.c_size_t(), ctypes.c_size_t()
        _check(_mpi.amem_mpi_hopfield_dim(h, ctypes.byref(d)))
        _check(_mpi.amem_mpi_hopfield_value_dim(h, ctypes.byref(m)))
        self._dim, self._vdim = d.value, m.value
        return self

    def close(self):
        """Release the handle (collective)."""
        if self._ptr:
            _mpi.amem_mpi_hopfield_free(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- sizes and settings --------------------------------------------

    @property
    def count(self):
        """Patterns stored over all ranks."""
        n = ctypes.c_size_t()
        _check(_mpi.amem_mpi_hopfield_count(self._ptr, ctypes.byref(n), None))
        return n.value

    @property
    def local_count(self):
        """Patterns kept on this rank."""
        n = ctypes.c_size_t()
        _check(_mpi.amem_mpi_hopfield_count(self._ptr, None, ctypes.byref(n)))
        return n.value

    def set(self, param=None, value=None, **settings):
        """set("beta", 8.0) or set(beta=8.0): the same on every rank."""
        items = list(settings.items())
        if param is not None:
            items.insert(0, (param, value))
        for name, v in items:
            p = member(Param, name, "mpi.Hopfield.set")
            _check(_mpi.amem_mpi_hopfield_set(self._ptr, int(p), float(v)))

    def get(self, param):
        p = member(Param, param, "mpi.Hopfield.get")
        v = ctypes.c_double()
        _check(_mpi.amem_mpi_hopfield_get(self._ptr, int(p), ctypes.byref(v)))
        return v.value

    def set_merge(self, merge):
        """Merge.ALLREDUCE (default) or Merge.RANK_ORDER (same bits)."""
        _check(_mpi.amem_mpi_hopfield_set_merge(self._ptr, int(merge)))

    # ---- storage ---------------------------------------------------------

    def _store(self, keys, values, ids, where):
        exc = None
        try:
            k = _rows(keys, self._dim, where)
            v = _rows(values, self._vdim, where) if self._vdim else None
            i = None if ids is None else np.ascontiguousarray(ids, np.uint64)
            if (v is not None and v.shape[0] != k.shape[0]) or \
                    (i is not None and i.shape != (k.shape[0],)):
                raise error(_ffi.AMEM_E_DIM, "%s: row counts differ" % where)
        except Exception as e:  # raised on every rank below
            exc = e
        _agree(self._comm, where, exc)
        _check(_mpi.amem_mpi_hopfield_store(
            self._ptr, fptr(k), fptr(v), k.shape[0],
            None if i is None else i.ctypes.data_as(_U64_P)))

    def store(self, patterns, ids=None):
        """Append this rank's patterns (n x d, n may be 0); ids optional
        (uint64, unused), else the next free ids, rank 0's rows first."""
        self._store(patterns, None, ids, "mpi.Hopfield.store")

    def store_pairs(self, keys, values, ids=None):
        """Append this rank's key/value pairs (heteroassociative)."""
        self._store(keys, values, ids, "mpi.Hopfield.store_pairs")

    # ---- recall ----------------------------------------------------------

    def _batch(self, x, where, cols=None):
        """Rows (read on rank 0) and n, agreed over the ranks."""
        exc, a = None, None
        try:
            a = _rows(x, cols or self._dim, where)
        except Exception as e:
            exc = e
        _agree(self._comm, where, exc)
        return a, a.shape[0]

    def recall(self, queries, clamp=None, return_steps=False):
        """Final states (n x d) or outputs (n x m) on every rank."""
        where = "mpi.Hopfield.recall"
        q, n = self._batch(queries, where)
        c = None if clamp is None else self._batch(clamp, where)[0]
        out = np.empty((n, self._vdim or self._dim), np.float32)
        steps = np.empty(n, np.intc) if return_steps else None
        _check(_mpi.amem_mpi_hopfield_recall(self._ptr, fptr(q), n, fptr(c),
                                             fptr(out), iptr(steps)))
        return (out, steps) if return_steps else out

    def energy(self, states):
        """Energies (float64) of the states, on every rank."""
        s, n = self._batch(states, "mpi.Hopfield.energy")
        e = np.empty(n, np.float64)
        _check(_mpi.amem_mpi_hopfield_energy(self._ptr, fptr(s), n, dptr(e)))
        return e

    def topk(self, states, k):
        """(ids uint64 n x k, weights float32 n x k): the k largest softmax
        weights of one step, best first."""
        s, n = self._batch(states, "mpi.Hopfield.topk")
        ids = np.empty((n, int(k)), np.uint64)
        w = np.empty((n, int(k)), np.float32)
        _check(_mpi.amem_mpi_hopfield_topk(self._ptr, fptr(s), n, int(k),
                                           ids.ctypes.data_as(_U64_P),
                                           fptr(w)))
        return ids, w

    # ---- persistence -----------------------------------------------------

    def save(self, path):
        """Write the store into the directory path (per-shard files, the
        manifest last)."""
        _check(_mpi.amem_mpi_hopfield_save(self._ptr, os.fsencode(path)))



class DataParallel:
    """Data-parallel training over the ranks of comm (an mpi4py
    communicator), for every trained piece through one reduce: the C
    amem_mpi_data_parallel_create description handed to the piece's
    amem_<piece>_set_data_parallel (docs/distributed.md).

        dp = DataParallel(comm)      # collective
        dp.attach(net)               # net.train(...) is now collective
        dp.detach(net)               # net trains locally again
        dp.close()                   # collective; detaches what is attached

    Every rank must attach the same piece (the same settings, seed, data
    and state) and call its train with the same steps: each rank computes
    its slice of every global minibatch and one allreduce per step sums the
    slices' gradients (and, for the Dam, the batch's per-item records), so
    every rank applies the same step. A train call stopped on one rank only
    (a progress callback that cancels, Ctrl-C) leaves the others waiting in
    the allreduce. Use as a context manager, or close() it: it is not freed
    by the garbage collector (freeing is collective).
    """

    def __init__(self, comm):
        self._comm = comm
        ptr = _HANDLE()
        _check(_mpi.amem_mpi_data_parallel_create(comm.py2f(),
                                                  ctypes.byref(ptr)))
        self._ptr = ptr
        self._attached = weakref.WeakSet()

    @property
    def rank(self):
        return self._comm.Get_rank()

    @property
    def size(self):
        return self._comm.Get_size()

    @staticmethod
    def _setter(piece, where):
        fn = getattr(lib, "%sset_data_parallel" % getattr(piece, "_C", ""),
                     None)
        if fn is None:
            raise error(_ffi.AMEM_E_ARG, "%s: %s is not a trained piece "
                        "(Dam, Vae, Diffusion, KVMemory or TVT)"
                        % (where, type(piece).__name__))
        return fn

    def attach(self, *pieces):
        """Train each piece data-parallel over comm (local, not collective;
        every rank attaches its copy). The piece keeps this object alive."""
        if not self._ptr:
            raise ValueError("DataParallel is closed")
        for piece in pieces:
            fn = self._setter(piece, "DataParallel.attach")
            check(fn(piece._h(), self._ptr))
            piece._data_parallel = self
            self._attached.add(piece)

    def detach(self, *pieces):
        """Train each piece locally again (a closed piece is skipped)."""
        for piece in pieces:
            fn = self._setter(piece, "DataParallel.detach")
            if not piece.closed:
                check(fn(piece._h(), None))
            if getattr(piece, "_data_parallel", None) is self:
                del piece._data_parallel
            self._attached.discard(piece)

    def close(self):
        """Detach every piece still attached and release the description
        (collective)."""
        if self._ptr:
            self.detach(*list(self._attached))
            _mpi.amem_mpi_data_parallel_free(self._ptr)
            self._ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
