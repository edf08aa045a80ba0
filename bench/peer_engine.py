#!/usr/bin/python3
"""Peer timings for bench_engine in PyTorch (float32, CPU, 1 and 2 threads).

The same work as bench/bench_engine.c:
  vae64.*  the eight convolutions of the Spens & Burgess VAE at batch 32, each
           on its own input (conv2d with bias); the first layer's input needs
           no gradient. "fwd" is the forward with autograd recording,
           "fwdbwd" forward plus backward with a fixed output gradient.
  mlp.*    one step of the diffusion score MLP: [x, t] (10 + 1) -> 3 ReLU
           layers of 800 -> 10, MSE loss, batch 100.
Stack figures are the best over repeats of the sum of the eight layers.

usage: peer_engine.py [REPEATS]
prints "<key> <threads> <best ms>" per figure and thread count.
"""
import sys
import time

import torch
import torch.nn.functional as F

BATCH = 32
VAE64 = [  # name, C, H, W, F, k, stride, pad
    ("enc1", 3, 64, 64, 32, 4, 2, 0), ("enc2", 32, 31, 31, 64, 4, 2, 0),
    ("enc3", 64, 14, 14, 128, 4, 2, 0), ("enc4", 128, 6, 6, 256, 4, 2, 0),
    ("dec1", 256, 8, 8, 128, 3, 1, 1), ("dec2", 128, 16, 16, 64, 3, 1, 1),
    ("dec3", 64, 32, 32, 32, 3, 1, 1), ("dec4", 32, 64, 64, 3, 3, 1, 1),
]


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return 1e3 * (time.perf_counter() - t0)


def make_layer(idx, c, h, w, f, k):
    g = torch.Generator().manual_seed(idx)
    x = torch.rand(BATCH, c, h, w, generator=g) * 2 - 1
    x.requires_grad_(idx > 0)
    wt = ((torch.rand(f, c, k, k, generator=g) * 2 - 1) / (c * k * k) ** 0.5)
    b = (torch.rand(f, generator=g) * 2 - 1) * 0.1
    return x, wt.requires_grad_(), b.requires_grad_()


def bench_vae(threads, repeats, out):
    layers = []
    for i, (name, c, h, w, f, k, s, p) in enumerate(VAE64):
        x, wt, b = make_layer(i, c, h, w, f, k)
        oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        dy = torch.rand(BATCH, f, oh, ow) * 2 - 1
        layers.append((name, x, wt, b, s, p, dy))
    for mode in ("fwd", "fwdbwd"):
        best = {name: float("inf") for name, *_ in layers}
        best_stack = float("inf")
        for r in range(repeats + 1):
            stack = 0.0
            for name, x, wt, b, s, p, dy in layers:
                for t in (x, wt, b):
                    t.grad = None

                def step():
                    y = F.conv2d(x, wt, b, stride=s, padding=p)
                    if mode == "fwdbwd":
                        y.backward(dy)
                ms = timed(step)
                stack += ms
                if r > 0:
                    best[name] = min(best[name], ms)
            if r > 0:
                best_stack = min(best_stack, stack)
        for name, *_ in layers:
            out("vae64.%s.%s" % (name, mode), threads, best[name])
        out("vae64.%s" % mode, threads, best_stack)


def bench_mlp(threads, repeats, out):
    d, hid, batch = 10, 800, 100
    g = torch.Generator().manual_seed(7)
    sizes = [(d + 1, hid), (hid, hid), (hid, hid), (hid, d)]
    params = []
    for fan_in, fan_out in sizes:
        w = (torch.rand(fan_in, fan_out, generator=g) * 2 - 1) / fan_in ** 0.5
        b = (torch.rand(fan_out, generator=g) * 2 - 1) * 0.1
        params += [w.requires_grad_(), b.requires_grad_()]
    x = torch.rand(batch, d, generator=g) * 2 - 1
    t = torch.rand(batch, 1, generator=g) * 2 - 1
    target = torch.rand(batch, d, generator=g) * 2 - 1
    for mode in ("fwd", "fwdbwd"):
        best = float("inf")
        for r in range(10 * repeats + 1):
            for p in params:
                p.grad = None

            def step():
                h = torch.cat([x, t], 1)
                for i in range(4):
                    h = torch.addmm(params[2 * i + 1], h, params[2 * i])
                    if i < 3:
                        h = torch.relu(h)
                loss = F.mse_loss(h, target)
                if mode == "fwdbwd":
                    loss.backward()
            ms = timed(step)
            if r > 0:
                best = min(best, ms)
        out("mlp.%s" % mode, threads, best)


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 15

    def out(key, threads, ms):
        print("%s %d %.4f" % (key, threads, ms))
        sys.stdout.flush()

    for threads in (1, 2):
        torch.set_num_threads(threads)
        bench_vae(threads, repeats, out)
        bench_mlp(threads, repeats, out)


if __name__ == "__main__":
    main()
