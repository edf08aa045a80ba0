#!/usr/bin/python3
"""Peer timings for bench_kvmem.

  peer_kvmem.py memory D N WRITES BATCH
      NumPy, on a full memory of N random +-1 keys (values = keys): the
      simplified write (Eq. 6-11) as the equations read, over
      whole matrices ("write_numpy_dense"), and a row-only variant that
      changes slot i alone but still computes h' = softmax(K x) for its
      normaliser ("write_numpy_row"); single-query read ("read1_numpy") and
      a batched read ("readB_numpy", queries/s) of stored keys with 60% of
      their entries zeroed.
  peer_kvmem.py meta N STEPS
      One meta-learning step of the general rule (Eq. 12-16, passive value
      decay) on the paper's task in PyTorch autograd + Adam, 1 and 2
      threads ("meta_torch1", "meta_torch2"), seconds per step.
prints "<name> <value>" lines.
"""
import sys
import time

import numpy as np


def softmax(s):
    s = s - s.max()
    e = np.exp(s)
    return e / e.sum()


def memory(d, n, writes, batch):
    rng = np.random.default_rng(1)
    K = rng.choice(np.float32([-1, 1]), size=(n, d))   # a full memory
    V = np.ascontiguousarray(K.T)          # the paper's m x N layout
    x = rng.choice(np.float32([-1, 1]), size=(3 * writes, d))
    stored = K[3 * writes:3 * writes + batch]
    cues = np.where(rng.random(stored.shape) < 0.6, np.float32(0), stored)

    def dense_write(t):
        nonlocal K, V
        g = np.zeros(n, np.float32)
        g[t % n] = 1                       # Eq. 6
        eta = g[:, None]                   # Eq. 8 with q = 1
        K = (1 - eta) * K + eta * x[t][None, :]               # Eq. 9
        hp = softmax(K @ x[t])                                 # Eq. 10
        V = (1 - g[None, :]) * V + g[None, :] * np.outer(x[t], hp)  # Eq. 11

    def row_write(t):
        i = t % n
        K[i] = x[t]
        hp = softmax(K @ x[t])
        V[:, i] = x[t] * hp[i]

    for name, fn in (("write_numpy_dense", dense_write),
                     ("write_numpy_row", row_write)):
        count = max(3, writes // (20 if name.endswith("dense") else 1))
        best = float("inf")
        for r in range(3):
            t0 = time.perf_counter()
            for t in range(r * count, (r + 1) * count):
                fn(t)
            best = min(best, (time.perf_counter() - t0) / count)
        print("%s %.9f" % (name, best))
        sys.stdout.flush()

    def read(q):
        return V @ softmax(K @ q)

    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for t in range(20):
            read(cues[t])
        best = min(best, (time.perf_counter() - t0) / 20)
    print("read1_numpy %.9f" % best)
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        S = cues @ K.T
        S -= S.max(axis=1, keepdims=True)
        np.exp(S, out=S)
        S /= S.sum(axis=1, keepdims=True)
        S @ V.T
        best = max(best, batch / (time.perf_counter() - t0))
    print("read%d_numpy %.3f" % (batch, best))
    sys.stdout.flush()


def meta(n, steps):
    import torch

    def episode(theta, rng):
        eta_k, eta_v, lam, afk, bfk, agk, bgk, afv, bfv, agv, bgv = theta
        T = int(rng.integers(n // 2, 2 * n + 1))
        x = torch.from_numpy(rng.choice(np.float32([-1, 1]), size=(T, n)))
        K = torch.zeros(n, n)
        V = torch.zeros(n, n)             # slot rows
        for t in range(T):
            g = torch.zeros(n)
            g[t % n] = 1
            h = torch.softmax(K @ x[t], 0)
            e = (g * eta_k)[:, None]
            K = (1 - e.clamp(0, 1)) * K + e * (agk * h + bgk)[:, None] * \
                (afk * x[t] + bfk)[None, :]
            hp = torch.softmax(K @ x[t], 0)
            V = lam * V + eta_v * (afv * hp + bfv)[:, None] * \
                (agv * x[t] + bgv)[None, :]
        mask = torch.from_numpy(rng.random((T, n)) >= 0.6)
        q = x * mask
        y = torch.softmax(q @ K.T, 1) @ V
        return ((y - x) ** 2).sum(1).mean()

    for threads in (1, 2):
        torch.set_num_threads(threads)
        theta = torch.tensor([1, 1, 0.95, 1, 0, 0, 1, 1, 0, 1, 0.0],
                             requires_grad=True)
        opt = torch.optim.Adam([theta], lr=1e-3)
        rng = np.random.default_rng(3)
        for s in range(steps + 3):
            if s == 3:
                t0 = time.perf_counter()
            opt.zero_grad()
            episode(theta, rng).backward()
            opt.step()
        print("meta_torch%d %.9f" % (threads, (time.perf_counter() - t0) / steps))
        sys.stdout.flush()


def main():
    if sys.argv[1] == "memory":
        memory(*(int(v) for v in sys.argv[2:6]))
    else:
        meta(int(sys.argv[2]), int(sys.argv[3]))


if __name__ == "__main__":
    main()
