#!/usr/bin/python3
"""Peer timings for bench_store: one softmax recall step over a large store,
    out = softmax(b s(x, Y)) Y,   s = x.y (ip) or -|x - y|^2 (l2),
for Q queries at once, float32 on the CPU, in
  numpy        exact: scores in blocks of queries, softmax, weights @ Y
  torch        the same in PyTorch
  faiss_flat   IndexFlatIP / IndexFlatL2 search of the top K, then the
               softmax over those K scores and their rows of Y in NumPy
  faiss_ivf    IndexIVFFlat (the same nlist; k-means of 10 iterations on
               at most 256 patterns per list, Faiss's defaults) searched at
               each nprobe, then the same softmax over its top K
NumPy and PyTorch run at 1 and 2 threads and report their best; Faiss at 2
threads (its OpenMP count).

usage: peer_store.py FILE N D Q METRIC BETA NLIST NPROBES REPEATS
FILE holds N x D float32 patterns, Q x D float32 queries and Q int64
indices of each query's exact top-1 pattern (computed by the library),
back to back. NPROBES is a comma-separated list.

prints lines "<name> <seconds> <top-1 agreement or -> <version, settings>"
and lines starting with '#' (notes).
"""
import ctypes
import ctypes.util
import os
import sys
import time

import numpy as np

K = 64          # top-k kept by the Faiss peers
BLOCK = 64      # queries per block for the exact peers


def best_of(fn, repeats):
    out = fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def scores_np(x, y, ysq, metric):
    s = x @ y.T
    if metric == "l2":
        s *= 2
        s -= ysq[None, :]
        s -= (x * x).sum(axis=1, keepdims=True)
        np.minimum(s, 0, out=s)
    return s


def softmax_rows(s, beta):
    s *= beta
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return s


def numpy_exact(x, y, ysq, metric, beta):
    out = np.empty_like(x)
    top = np.empty(x.shape[0], np.int64)
    for i in range(0, x.shape[0], BLOCK):
        s = scores_np(x[i:i + BLOCK], y, ysq, metric)
        top[i:i + BLOCK] = s.argmax(axis=1)
        out[i:i + BLOCK] = softmax_rows(s, beta) @ y
    return out, top


def torch_exact(torch, x, y, ysq, metric, beta):
    outs, tops = [], []
    with torch.no_grad():
        for i in range(0, x.shape[0], BLOCK):
            xb = x[i:i + BLOCK]
            s = xb @ y.T
            if metric == "l2":
                s = (2 * s - ysq[None, :] - (xb * xb).sum(1, keepdim=True)).clamp(max=0)
            tops.append(s.argmax(1))
            outs.append(torch.softmax(beta * s, dim=1) @ y)
    return torch.cat(outs), torch.cat(tops)


def faiss_softmax(D, I, y, metric, beta):
    """softmax over the returned top-K scores, weights times their rows."""
    s = D if metric == "ip" else -D
    s = softmax_rows(s.astype(np.float32, copy=True), beta)
    return np.einsum("qk,qkd->qd", s, y[I])


def openblas():
    for name in ("libblas.so.3", "libopenblas.so.0", ctypes.util.find_library("openblas")):
        try:
            lib = ctypes.CDLL(name or "", mode=os.RTLD_NOLOAD | os.RTLD_GLOBAL)
            lib.openblas_set_num_threads
            return lib
        except (OSError, AttributeError, TypeError):
            continue
    return None


def report(name, seconds, agree, info):
    a = "-" if agree is None else "%.4f" % agree
    print("%s %.6f %s %s" % (name, seconds, a, info), flush=True)


def run_numpy(x, y, ysq, truth, metric, beta, repeats):
    blas = openblas()
    best = None
    for threads in (1, 2):
        if blas is None and threads == 1:
            continue
        if blas is not None:
            blas.openblas_set_num_threads(threads)
        t, (_, top) = best_of(lambda: numpy_exact(x, y, ysq, metric, beta), repeats)
        if best is None or t < best[0]:
            best = (t, threads, np.mean(top == truth))
    report("numpy", best[0], best[2], "numpy %s, best of 1/2 threads: %d, "
           "blocks of %d queries" % (np.__version__, best[1], BLOCK))


def run_torch(x, y, ysq, truth, metric, beta, repeats):
    try:
        import torch
    except ImportError:
        print("# torch: not installed")
        return
    xt, yt, ysqt = map(torch.from_numpy, (x, y, ysq))
    best = None
    for threads in (1, 2):
        torch.set_num_threads(threads)
        t, (_, top) = best_of(lambda: torch_exact(torch, xt, yt, ysqt, metric, beta), repeats)
        if best is None or t < best[0]:
            best = (t, threads, np.mean(top.numpy() == truth))
    report("torch", best[0], best[2], "torch %s, best of 1/2 threads: %d, "
           "blocks of %d queries" % (torch.__version__, best[1], BLOCK))


def run_faiss(x, y, truth, metric, beta, nlist, nprobes, repeats):
    try:
        import faiss
    except ImportError:
        print("# faiss: not installed")
        return
    faiss.omp_set_num_threads(2)
    ver = getattr(faiss, "__version__", "?")
    d = y.shape[1]
    flat = faiss.IndexFlatIP(d) if metric == "ip" else faiss.IndexFlatL2(d)
    flat.add(y)

    def flat_step():
        D, I = flat.search(x, K)
        return faiss_softmax(D, I, y, metric, beta), I

    t, (_, I) = best_of(flat_step, repeats)
    report("faiss_flat", t, np.mean(I[:, 0] == truth),
           "faiss %s %s k=%d + NumPy softmax, 2 threads" %
           (ver, type(flat).__name__, K))
    quant = faiss.IndexFlatIP(d) if metric == "ip" else faiss.IndexFlatL2(d)
    fm = faiss.METRIC_INNER_PRODUCT if metric == "ip" else faiss.METRIC_L2
    ivf = faiss.IndexIVFFlat(quant, d, nlist, fm)
    t0 = time.perf_counter()
    ivf.train(y)
    ivf.add(y)
    report("faiss_ivf_build", time.perf_counter() - t0, None,
           "faiss %s IndexIVFFlat nlist=%d, train (k-means %d iterations, "
           "at most %d per list) + add, 2 threads" %
           (ver, nlist, ivf.cp.niter, ivf.cp.max_points_per_centroid))
    for p in nprobes:
        ivf.nprobe = p

        def ivf_step():
            D, I = ivf.search(x, K)
            I = np.where(I < 0, 0, I)  # fewer than K found: pad
            return faiss_softmax(D, I, y, metric, beta), I

        t, (_, I) = best_of(ivf_step, repeats)
        report("faiss_ivf_%d" % p, t, np.mean(I[:, 0] == truth),
               "faiss %s IndexIVFFlat nlist=%d nprobe=%d k=%d + NumPy "
               "softmax, 2 threads" % (ver, nlist, p, K))


def main():
    path, n, d, q, metric, beta, nlist, nprobes, repeats = sys.argv[1:10]
    n, d, q, nlist, repeats = int(n), int(d), int(q), int(nlist), int(repeats)
    beta = float(beta)
    nprobes = [int(p) for p in nprobes.split(",")]
    raw = np.fromfile(path, dtype=np.uint8)
    y = raw[:n * d * 4].view(np.float32).reshape(n, d)
    x = raw[n * d * 4:(n + q) * d * 4].view(np.float32).reshape(q, d)
    truth = raw[(n + q) * d * 4:].view(np.int64)
    y, x = np.ascontiguousarray(y), np.ascontiguousarray(x)
    ysq = (y * y).sum(axis=1)
    run_faiss(x, y, truth, metric, beta, nlist, nprobes, repeats)
    run_numpy(x, y, ysq, truth, metric, beta, repeats)
    run_torch(x, y, ysq, truth, metric, beta, repeats)


if __name__ == "__main__":
    main()
