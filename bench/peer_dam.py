#!/usr/bin/python3
"""Peer timings for bench_dam: the dense associative memory of Tyulmankov
et al. (2023) in PyTorch autograd, float32 on the CPU, at 1 and 2 threads.

One training step: T unrolled steps of
    a = v / |v|;  f = softmax(beta a W_hat^T);  v' = (1-eta) v + eta f W_hat;
    v' = where(clamp, cue, v')
with W_hat the row-normalised weights, loss = mean_b |v_T - x_b|^2, BPTT by
autograd, one Adam step. Recall: the same T steps under no_grad.

usage: peer_dam.py N M B T [REPEATS [THREADS]]   (THREADS: "1,2" by default)
prints "<peer>-train <best seconds>" and "<peer>-recall <best seconds>" (wall
time), then the same names with "-cpu" appended: the best CPU time of the
process (all threads) for the same calls.
"""
import sys
import time

import numpy as np


def data(n, m, b, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.random((b, n), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    keep = (rng.random((b, n)) >= 0.5).astype(np.float32)
    w = rng.uniform(-1, 1, (m, n)).astype(np.float32) / np.sqrt(n)
    return x, x * keep, keep, w


def best_of(fn, repeats):
    """Best wall and best process CPU time of fn over repeats (after a warm-up)."""
    fn()  # warm-up
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu


def main():
    n, m, b, steps = (int(a) for a in sys.argv[1:5])
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 3
    counts = sys.argv[6] if len(sys.argv) > 6 else "1,2"
    try:
        import torch
    except ImportError:
        print("torch-missing 0")
        return
    x, cue, keep, w0 = data(n, m, b)
    xt, ct = torch.from_numpy(x), torch.from_numpy(cue)
    kt = torch.from_numpy(keep).bool()
    beta, eta = 5.0, 0.05
    w = torch.nn.Parameter(torch.from_numpy(w0.copy()))
    opt = torch.optim.Adam([w], lr=1e-3)

    def run(wh):
        v = ct
        for _ in range(steps):
            a = torch.nn.functional.normalize(v, dim=1)
            f = torch.softmax(beta * (a @ wh.T), dim=1)
            v = torch.where(kt, ct, (1 - eta) * v + eta * (f @ wh))
        return v

    def train():
        opt.zero_grad()
        v = run(torch.nn.functional.normalize(w, dim=1))
        loss = ((v - xt) ** 2).sum(dim=1).mean()
        loss.backward()
        opt.step()

    def recall():
        with torch.no_grad():
            run(torch.nn.functional.normalize(w, dim=1))

    for threads in (int(c) for c in counts.split(",")):
        torch.set_num_threads(threads)
        tw, tc = best_of(train, repeats)
        rw, rc = best_of(recall, repeats)
        print("torch%d-train %.6f" % (threads, tw))
        print("torch%d-recall %.6f" % (threads, rw))
        print("torch%d-train-cpu %.6f" % (threads, tc))
        print("torch%d-recall-cpu %.6f" % (threads, rc))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
