#!/usr/bin/python3
"""Peer timings for bench_hopfield: the modern Hopfield recall
X <- softmax(b X Y^T) Y, `iters` times, in NumPy and in PyTorch, each at 1
and 2 threads, float32 on the CPU. The unfused computation every peer does:
scores (B x N), a separate softmax pass over them, then the second matmul.
NumPy's thread count is its OpenBLAS's, set through ctypes.

usage: peer_hopfield.py D N B ITERS [REPEATS]
prints one line per peer: "<peer> <best seconds>" (numpy1, numpy2, torch1,
torch2, and matmul1/matmul2: NumPy's two products alone, without the
softmax, as a bound), and lines starting with '#' that say what NumPy's BLAS
runs on
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


def main():
    d, n, b, iters = (int(v) for v in sys.argv[1:5])
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    x, y, beta = data(d, n, b)
    blas = numpy_openblas()
    describe(blas)
    if blas is None:
        print("numpy %.6f" % best_of(lambda: numpy_recall(x, y, beta, iters), repeats))
    else:
        default = blas.openblas_get_num_threads()
        for threads in (1, 2):
            blas.openblas_set_num_threads(threads)
            print("numpy%d %.6f" % (threads, best_of(lambda: numpy_recall(x, y, beta, iters), repeats)))
            sys.stdout.flush()
        for threads in (1, 2):
            blas.openblas_set_num_threads(threads)
            print("matmul%d %.6f" % (threads, best_of(lambda: numpy_matmuls(x, y, iters), repeats)))
        blas.openblas_set_num_threads(default)
    sys.stdout.flush()
    try:
        import torch
    except ImportError:
        return
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def torch_recall():
        with torch.no_grad():
            z = xt
            for _ in range(iters):
                z = torch.softmax(beta * (z @ yt.T), dim=1) @ yt
        return z

    for threads in (1, 2):
        torch.set_num_threads(threads)
        print("torch%d %.6f" % (threads, best_of(torch_recall, repeats)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
