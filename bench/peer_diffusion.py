#!/usr/bin/python3
"""Peer timings for bench_diffusion, in PyTorch on the CPU (float32), at 1
and 2 threads. The same computations as libassocmem:

  exact  D N B STEPS R   exact-score probability-flow ODE, Euler, VP with
                         gamma = 0.8 from theta = 0.68 down to t = 1e-3
  train  D N ITERS R     ITERS training iterations of the noise predictor
                         (2 hidden ReLU layers of 80 D units, theta appended
                         to every layer's input, Adam lr 1e-3, full batch)
  sample D N B STEPS R   learned-score ODE recall of B queries

prints one line per thread setting: "torch<threads> <best seconds>", where
train reports seconds per iteration.

Debian's torch sends its matmuls to the system OpenBLAS (pthreads), which
keeps its own thread count (2 here) whatever torch.set_num_threads says:
"torch1" is single-threaded elementwise work with 2-thread sgemm, and
"torch2" oversubscribes the cores (OpenMP + OpenBLAS threads).
"""
import math
import sys
import time

import torch

GAMMA, THETA0, T_END = 0.8, 0.68, 1e-3


def best_of(fn, repeats):
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def schedule(steps):
    a, b2 = GAMMA / 2, GAMMA
    t0 = -math.log(THETA0) / a
    ts = [t0 + (T_END - t0) * k / steps for k in range(steps + 1)]
    return a, b2, ts


def marginal(t):
    theta = math.exp(-GAMMA * t / 2)
    return theta, math.sqrt(-math.expm1(-GAMMA * t))


def exact_recall(y, x, steps):
    a, b2, ts = schedule(steps)
    ynorm = (y * y).sum(1)
    with torch.no_grad():
        for k in range(steps):
            theta, s = marginal(ts[k])
            s2 = s * s
            logits = (theta / s2) * (x @ y.T) - (theta * theta / (2 * s2)) * ynorm
            h = torch.softmax(logits, dim=1)
            score = (theta * (h @ y) - x) / s2
            x = x + (a * x + 0.5 * b2 * score) * (ts[k] - ts[k + 1])
    return x


class Net(torch.nn.Module):
    def __init__(self, d, hidden, layers=2):
        super().__init__()
        widths = [d] + [hidden] * layers + [d]
        self.lin = torch.nn.ModuleList(
            torch.nn.Linear(widths[i] + 1, widths[i + 1]) for i in range(layers + 1))

    def forward(self, x, theta):
        for i, lin in enumerate(self.lin):
            x = lin(torch.cat([x, theta], dim=1))
            if i + 1 < len(self.lin):
                x = torch.relu(x)
        return x


def train(net, opt, y, iters):
    n = y.shape[0]
    for _ in range(iters):
        theta = 0.6 + 0.4 * torch.rand(n, 1)
        delta = torch.randn_like(y)
        x = theta * y + torch.sqrt(1 - theta * theta) * delta
        loss = ((net(x, theta) - delta) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


def learned_recall(net, x, steps):
    a, b2, ts = schedule(steps)
    with torch.no_grad():
        for k in range(steps):
            theta, s = marginal(ts[k])
            th = torch.full((x.shape[0], 1), theta)
            score = -net(x, th) / s
            x = x + (a * x + 0.5 * b2 * score) * (ts[k] - ts[k + 1])
    return x


def main():
    mode = sys.argv[1]
    args = [int(v) for v in sys.argv[2:]]
    torch.manual_seed(0)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        if mode == "exact":
            d, n, b, steps, reps = args
            y = torch.sign(torch.randn(n, d))
            x = torch.randn(b, d)
            t = best_of(lambda: exact_recall(y, x, steps), reps)
        else:
            d, n = args[0], args[1]
            y = torch.sign(torch.randn(n, d))
            net = Net(d, 80 * d)
            opt = torch.optim.Adam(net.parameters(), lr=1e-3)
            if mode == "train":
                iters, reps = args[2], args[3]
                t = best_of(lambda: train(net, opt, y, iters), reps) / iters
            else:
                b, steps, reps = args[2], args[3], args[4]
                x = torch.randn(b, d)
                t = best_of(lambda: learned_recall(net, x, steps), reps)
        print("torch%d %.6f" % (threads, t))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
