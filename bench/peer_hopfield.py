#!/usr/bin/python3
"""Peer timings for bench_hopfield: the modern Hopfield recall
X <- softmax(b X Y^T) Y, `iters` times, in NumPy and in PyTorch, each at 1
and 2 threads, float32 on the CPU. The unfused computation every peer does:
scores (B x N), a separate softmax pass over them, then the second matmul.
NumPy's thread count is its OpenBLAS's, set through ctypes.

MODE (default dot) picks the similarity, as bench_hopfield.c describes:
  dot            x <- softmax(b x Y^T) Y
  euclid_masked  half of each cue known (m): s = -|m o (x - y)|^2 as
                 2 (m o x) Y^T - m (Y o Y)^T - |m o x|^2, softmax(b s) Y,
                 known entries kept; Y o Y computed beforehand
  manhattan      s = -|x - y|_1: torch.cdist(p=1); NumPy |Y - x| summed row
                 by row; then softmax(b s) Y

usage: peer_hopfield.py D N B ITERS [REPEATS [MODE]]
prints one line per peer: "<peer> <best seconds>" (numpy1, numpy2, torch1,
torch2, and for dot matmul1/matmul2: NumPy's two products alone, without
the softmax, as a bound), and lines starting with '#' that say what NumPy's
BLAS runs on
"""
import ctypes
import ctypes.util
import os
import sys
import time

import numpy as np


def data(d, n, b, seed=1):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((n, d), dtype=np.float32)
    x = y[rng.integers(0, n, b)] + 0.5 * rng.standard_normal((b, d), dtype=np.float32)
    return np.ascontiguousarray(x), y, np.float32(1.0 / np.sqrt(d))


def best_of(fn, repeats):
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def numpy_recall(x, y, beta, iters):
    for _ in range(iters):
        s = x @ y.T
        s *= beta
        s -= s.max(axis=1, keepdims=True)
        np.exp(s, out=s)
        s /= s.sum(axis=1, keepdims=True)
        x = s @ y
    return x


def softmax_rows(s):
    s -= s.max(axis=1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=1, keepdims=True)
    return s


def numpy_euclid_masked(x, m, y, ysq, beta, iters):
    for _ in range(iters):
        xm = x * m
        s = xm @ y.T
        s *= 2
        s -= m @ ysq.T
        s -= (xm * xm).sum(axis=1, keepdims=True)
        s *= beta
        x = np.where(m > 0, x, softmax_rows(s) @ y)
    return x


def numpy_manhattan(x, y, beta, iters):
    s = np.empty((x.shape[0], y.shape[0]), np.float32)
    for _ in range(iters):
        for i in range(x.shape[0]):
            s[i] = np.abs(y - x[i]).sum(axis=1)
        s *= -beta
        x = softmax_rows(s) @ y
    return x


def numpy_matmuls(x, y, iters):
    """The two products alone (scores and weights x patterns), no softmax:
    what sgemm by itself costs the peers."""
    for _ in range(iters):
        s = x @ y.T
        x = s @ y
    return x


def numpy_openblas():
    """NumPy's OpenBLAS (already loaded by NumPy), or None."""
    for name in ("libblas.so.3", "libopenblas.so.0", ctypes.util.find_library("openblas")):
        try:
            lib = ctypes.CDLL(name or "", mode=os.RTLD_NOLOAD | os.RTLD_GLOBAL)
            lib.openblas_set_num_threads
            return lib
        except (OSError, AttributeError, TypeError):
            continue
    return None


def describe(blas):
    if blas is None:
        print("# numpy: BLAS thread count not settable; default threads only")
        return
    blas.openblas_get_config.restype = ctypes.c_char_p
    blas.openblas_get_corename.restype = ctypes.c_char_p
    env = " ".join("%s=%s" % (k, os.environ[k]) for k in
                   ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ)
    print("# numpy %s: %s, core %s, %s" % (
        np.__version__, blas.openblas_get_config().decode(),
        blas.openblas_get_corename().decode(), env or "OPENBLAS_CORETYPE/L2_SIZE unset"))


def numpy_peers(mode, x, m, y, beta, iters):
    """{name: function} of the NumPy computations of a mode."""
    if mode == "euclid_masked":
        ysq = y * y
        return {"numpy": lambda: numpy_euclid_masked(x, m, y, ysq, beta, iters)}
    if mode == "manhattan":
        return {"numpy": lambda: numpy_manhattan(x, y, beta, iters)}
    return {"numpy": lambda: numpy_recall(x, y, beta, iters),
            "matmul": lambda: numpy_matmuls(x, y, iters)}


def torch_peer(mode, x, m, y, beta, iters):
    import torch
    xt, mt, yt = torch.from_numpy(x), torch.from_numpy(m), torch.from_numpy(y)
    ysq = yt * yt

    def scores(z):
        if mode == "euclid_masked":
            zm = z * mt
            return 2 * (zm @ yt.T) - mt @ ysq.T - (zm * zm).sum(1, keepdim=True)
        if mode == "manhattan":
            return -torch.cdist(z, yt, p=1)
        return z @ yt.T

    def recall():
        with torch.no_grad():
            z = xt
            for _ in range(iters):
                out = torch.softmax(beta * scores(z), dim=1) @ yt
                z = torch.where(mt > 0, z, out) if mode == "euclid_masked" else out
        return z
    return torch, recall


def main():
    d, n, b, iters = (int(v) for v in sys.argv[1:5])
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    mode = sys.argv[6] if len(sys.argv) > 6 else "dot"
    x, y, beta = data(d, n, b)
    m = (np.random.default_rng(2).random((b, d)) < 0.5).astype(np.float32)
    m[:, 0] = 1
    blas = numpy_openblas()
    describe(blas)
    peers = numpy_peers(mode, x, m, y, beta, iters)
    if blas is None:
        print("numpy %.6f" % best_of(peers["numpy"], repeats))
    else:
        default = blas.openblas_get_num_threads()
        for name, fn in peers.items():
            for threads in (1, 2):
                blas.openblas_set_num_threads(threads)
                print("%s%d %.6f" % (name, threads, best_of(fn, repeats)))
                sys.stdout.flush()
        blas.openblas_set_num_threads(default)
    sys.stdout.flush()
    try:
        torch, torch_recall = torch_peer(mode, x, m, y, beta, iters)
    except ImportError:
        return
    for threads in (1, 2):
        torch.set_num_threads(threads)
        print("torch%d %.6f" % (threads, best_of(torch_recall, repeats)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
