#!/usr/bin/env python3
"""Independent NumPy re-implementation of Table 1 (Ambrogioni 2024), used to
check the C example and to show the effect of float32 vs float64 on the
completion task. Not run by `make check`.

    /usr/bin/python3 examples/ambrogioni2024/reference.py [float32|float64]
"""
import sys

import numpy as np

THETA, GAMMA, STEPS, T_END, BETA, MH_STEPS = 0.68, 0.8, 300, 1e-3, 5.0, 150


def modern_hopfield(y, x):
    for _ in range(MH_STEPS):
        s = BETA * x @ y.T
        p = np.exp(s - s.max(1, keepdims=True))
        x = (p / p.sum(1, keepdims=True)) @ y
    return x


def exact_diffusion(y, x):
    """Probability-flow ODE of the VP SDE, exact score, Euler steps."""
    t_start = -2.0 * np.log(THETA) / GAMMA
    dt = (t_start - T_END) / STEPS
    for k in range(STEPS):
        t = t_start - k * dt
        a = np.exp(-GAMMA * t / 2)
        s2 = 1 - a * a
        logits = a * x @ y.T / s2
        w = np.exp(logits - logits.max(1, keepdims=True))
        w /= w.sum(1, keepdims=True)
        score = (a * w @ y - x) / s2
        x = x + (GAMMA / 2 * x + GAMMA / 2 * score) * dt
    return x


def classical(y, x, steps=100):
    w = y.T @ y / y.shape[1]  # Eq. (3), diagonal kept
    for _ in range(steps):
        x = np.where(x @ w >= 0, 1.0, -1.0).astype(y.dtype)
    return x


def corr(a, b):
    return np.corrcoef(a.ravel(), b.ravel())[0, 1]


def main():
    dtype = np.float32 if "float32" in sys.argv[1:] else np.float64
    rng = np.random.default_rng(0)
    for task in ("denoising", "completion"):
        for n in (10, 20, 30):
            rows = []
            for _ in range(100):
                y = np.sign(rng.standard_normal((n, 10))).astype(dtype)
                if task == "denoising":
                    noise = rng.standard_normal((n, 10))
                    x = (THETA * y + np.sqrt(1 - THETA**2) * noise)
                else:
                    x = y * (rng.random((n, 10)) < 0.5)
                x = x.astype(dtype)
                m = np.sign(modern_hopfield(y, x))
                rows.append([corr(m, np.sign(exact_diffusion(y, x))),
                             corr(m, classical(y, x)), corr(m, y)])
            print(task, n, np.round(np.mean(rows, 0), 3))


if __name__ == "__main__":
    main()
