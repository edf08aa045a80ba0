"""assocmem.mpi under mpirun (tests/mpi/run.sh): the sharded store against
assocmem.Hopfield, save/load, an argument refused on one rank raising on
every rank, and data-parallel training (DataParallel) against the
one-process run. Prints "N passed, N failed" on rank 0."""

import os
import shutil
import sys
import tempfile
import traceback

import numpy as np
from mpi4py import MPI

import assocmem
from assocmem import mpi as amem_mpi

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
assocmem.set_num_threads(1)
rng = np.random.default_rng(5)
N, D, M = 33, 12, 4
keys = rng.standard_normal((N, D)).astype(np.float32) / 2
values = rng.standard_normal((N, M)).astype(np.float32)
queries = keys[:6] + 0.2 * rng.standard_normal((6, D)).astype(np.float32)
mine = np.arange(N)[np.arange(N) % size == (size - 1 - rank)]


def reference(m):
    ref = assocmem.Hopfield("modern", D, m, beta=4.0, max_steps=9)
    if m:
        ref.store_pairs(keys, values)
    else:
        ref.store(keys)
    return ref


def sharded(m):
    h = amem_mpi.Hopfield(comm, D, m, beta=4.0, max_steps=9)
    if m:
        h.store_pairs(keys[mine], values[mine], ids=mine.astype(np.uint64))
    else:
        h.store(keys[mine], ids=mine.astype(np.uint64))
    return h


def test_recall_energy_topk():
    ref, h = reference(0), sharded(0)
    assert h.count == N
    out, steps = h.recall(queries, return_steps=True)
    want, want_steps = ref.recall(queries, return_steps=True)
    assert np.allclose(out, want, atol=2e-5), np.abs(out - want).max()
    assert (steps == want_steps).all()
    assert np.allclose(h.energy(queries), ref.energy(queries), rtol=1e-5)
    ids, w = h.topk(queries, 3)
    order = np.argsort(-ref.weights(queries), axis=1, kind="stable")[:, :3]
    assert (ids == order).all()
    h.close()


def test_hetero():
    ref, h = reference(M), sharded(M)
    assert np.allclose(h.recall(queries), ref.recall(queries), atol=2e-5)
    h.close()


def test_save_load():
    h = sharded(0)
    path = comm.bcast(tempfile.mkdtemp() if rank == 0 else None)
    h.save(os.path.join(path, "store"))
    again = amem_mpi.Hopfield.load(comm, os.path.join(path, "store"))
    assert again.count == N and again.dim == D and again.value_dim == 0
    assert again.get("beta") == 4.0
    assert np.array_equal(again.recall(queries), h.recall(queries))
    h.close()
    again.close()
    comm.Barrier()
    if rank == 0:
        shutil.rmtree(path)


def test_bad_rows_on_one_rank():
    h = sharded(0)
    bad = keys[:2, :D - 1] if rank == size - 1 else keys[:2]
    try:
        h.store(bad)
    except assocmem.AssocMemError:
        pass
    else:
        raise AssertionError("no exception on rank %d" % rank)
    assert h.count == N
    bad = keys[:1].copy()
    if rank == size - 1:
        bad[0, 3] = np.nan
    try:
        h.store(bad)
    except assocmem.errors.NonFiniteError:
        pass
    else:
        raise AssertionError("no NonFiniteError on rank %d" % rank)
    h.close()


def same_on_every_rank(a):
    """True when the array has the same bytes on every rank."""
    return all(b == a.tobytes() for b in comm.allgather(a.tobytes()))


def train_dam(dp, shift=0.0, **settings):
    """A Dam trained 5 steps (data-parallel when dp is given) on items
    (shifted by shift): its raw weights and per-item records."""
    items = np.abs(rng_dp.standard_normal((30, 10))).astype(np.float32)
    items += np.float32(shift)
    with assocmem.Dam(10, 5, seed=3, batch_size=7, **settings) as net:
        net.set_data(items)
        if dp is not None:
            dp.attach(net)
        result = net.train(5)
        records = np.stack([net.record(r) for r in
                            ("loss", "time", "entropy", "max", "norm",
                             "uses")])
        return net.weights(normalized=False), records, result


rng_dp = np.random.default_rng(11)
dam_settings = [
    {},
    {"balance": "reweight", "signal": "neg_entropy", "gamma": 4.0,
     "max_steps": 80},
    {"balance": "sample", "signal": "loss", "gamma": 4.0, "max_steps": 80},
]


def test_data_parallel_dam():
    worst = [0.0, 0.0]
    for settings in dam_settings:
        state = rng_dp.bit_generator.state
        w1, rec1, res1 = train_dam(None, **settings)
        rng_dp.bit_generator.state = state
        with amem_mpi.DataParallel(comm) as dp:
            assert (dp.rank, dp.size) == (rank, size)
            w, rec, res = train_dam(dp, **settings)
        assert res.steps == 5 and res.step_count == 5
        assert abs(res.loss - res1.loss) <= 1e-5 * (1 + abs(res1.loss))
        assert np.allclose(w, w1, rtol=0, atol=1e-5), np.abs(w - w1).max()
        assert np.allclose(rec, rec1, rtol=1e-5, atol=1e-6, equal_nan=True)
        assert same_on_every_rank(w) and same_on_every_rank(rec)
        worst[0] = max(worst[0], float(np.abs(w - w1).max()))
        worst[1] = max(worst[1], float(np.nanmax(np.abs(rec - rec1))))
    if rank == 0:
        print("data-parallel Dam P=%d: max |w - w_1| = %.3g, max |record -"
              " record_1| = %.3g" % (size, worst[0], worst[1]))
    # Each rank its own items: only the reduce can make the weights agree.
    with amem_mpi.DataParallel(comm) as dp:
        w, _, _ = train_dam(dp, shift=0.1 * rank)
    assert same_on_every_rank(w)


def test_data_parallel_attach_detach():
    dp = amem_mpi.DataParallel(comm)
    try:
        dp.attach(assocmem.Hopfield("modern", 4))
    except assocmem.errors.ArgumentError:
        pass
    else:
        raise AssertionError("a Hopfield network is not a trained piece")
    net = assocmem.Diffusion(3, seed=2, hidden=8)
    net.store(np.eye(3, dtype=np.float32))
    dp.attach(net)
    net.train(2)                       # collective: every rank
    dp.close()                         # detaches net
    dp.close()
    if rank == 0:
        net.train(1)                   # local again: no other rank joins
    net.close()


tests = [test_recall_energy_topk, test_hetero, test_save_load,
         test_bad_rows_on_one_rank, test_data_parallel_dam,
         test_data_parallel_attach_detach]
passed = failed = 0
for t in tests:
    ok = 1
    try:
        t()
    except Exception:
        ok = 0
        traceback.print_exc()
    ok = comm.allreduce(ok, op=MPI.MIN)
    passed, failed = passed + ok, failed + (1 - ok)
    if rank == 0:
        print("%s P=%d: %s" % (t.__name__, size, "ok" if ok else "FAILED"))
if rank == 0:
    print("%d passed, %d failed" % (passed, failed))
sys.exit(0 if failed == 0 else 1)
