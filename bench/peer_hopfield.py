#!/usr/bin/python3
"""Peer timings for bench_hopfield: the modern Hopfield recall
X <- softmax(b X Y^T) Y, `iters` times, in NumPy and in PyTorch (1 and 2
threads), float32 on the CPU. The unfused computation every peer does:
scores (B x N), a separate softmax pass over them, then the second matmul.

usage: peer_hopfield.py D N B ITERS [REPEATS]
prints one line per peer: "<peer> <best seconds>"
"""
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


def main():
    d, n, b, iters = (int(v) for v in sys.argv[1:5])
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    x, y, beta = data(d, n, b)
    print("numpy %.6f" % best_of(lambda: numpy_recall(x, y, beta, iters), repeats))
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
