#!/usr/bin/python3
"""Figures of the Tyulmankov et al. 2023 reproduction, from the example's CSVs.

usage: plot.py OUT_DIR

Reads fig1_curves.csv, fig2_best.csv, fig2_baseline.csv, fig2_runs.csv and
figA1_signals.csv in OUT_DIR and writes fig1_curves.png, fig2_eval_loss.png,
fig2_gamma.png and figA1_signals.png next to them. Uses only the csv module
and matplotlib.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SIGNAL_LABELS = {
    "ground_truth": "GT",
    "loss": "loss",
    "neg_time": "−T",
    "neg_entropy": "−H",
    "max_hidden": "max f",
    "norm_hidden": "‖f‖",
}
METHOD_LABELS = {"reweight": "LR", "sample": "IS"}
REG, EXC = "tab:blue", "tab:red"


def read_rows(out_dir, name):
    with open(os.path.join(out_dir, name), newline="") as f:
        # skip the provenance comment lines
        return list(csv.DictReader(ln for ln in f if not ln.startswith("#")))


def plot_fig1(out_dir):
    rows = read_rows(out_dir, "fig1_curves.csv")
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), sharey=True)
    for ax, method in zip(axes, ("reweight", "sample")):
        for run, style in (("uniform", "--"), (method, "-")):
            sel = [r for r in rows if r["run"] == run]
            ep = [int(r["epoch"]) for r in sel]
            ax.plot(ep, [float(r["regular_loss"]) for r in sel], style,
                    color=REG, label=f"regulars ({run_label(run)})")
            ax.plot(ep, [float(r["exception_loss"]) for r in sel], style,
                    color=EXC, label=f"exceptions ({run_label(run)})")
        ax.set_title("loss reweighting" if method == "reweight"
                     else "importance sampling")
        ax.set_xlabel("epoch")
        ax.set_yscale("log")
        ax.legend(fontsize=7)
    axes[0].set_ylabel("mean recall error ‖x − g*‖²")
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "fig1_curves.png"), dpi=120)
    plt.close(fig)


def run_label(run):
    return {"uniform": "uniform", "reweight": "GT reweighted",
            "sample": "GT sampled"}[run]


def mean_std(values):
    n = len(values)
    m = sum(values) / n
    var = sum((v - m) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return m, var ** 0.5


def group_best(rows):
    """{(signal, method): {'reg': [...], 'exc': [...], 'gamma': [...]}}"""
    groups = {}
    for r in rows:
        g = groups.setdefault((r["signal"], r["method"]),
                              {"reg": [], "exc": [], "gamma": []})
        g["reg"].append(float(r["regular_loss"]) / 2)
        g["exc"].append(float(r["exception_loss"]) / 2)
        g["gamma"].append(r["best_gamma"])
    return groups


def draw_baseline(ax, out_dir):
    """gamma = 0: black for loss reweighting, grey for importance sampling,
    solid at the mean and dashed at +-1 std over seeds."""
    base = read_rows(out_dir, "fig2_baseline.csv")
    for method, color in (("reweight", "black"), ("sample", "grey")):
        evals = [float(r["eval_loss"]) for r in base if r["method"] == method]
        if not evals:
            continue
        m, s = mean_std(evals)
        ax.axhline(m, color=color, lw=1.2,
                   label=f"γ = 0 ({METHOD_LABELS[method]})")
        for y in (m - s, m + s):
            ax.axhline(y, color=color, lw=0.8, ls="--")


def plot_fig2(out_dir):
    groups = group_best(read_rows(out_dir, "fig2_best.csv"))
    signals = [s for s in SIGNAL_LABELS if any(k[0] == s for k in groups)]
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.38
    for i, sig in enumerate(signals):
        for j, method in enumerate(("reweight", "sample")):
            g = groups.get((sig, method))
            if g is None:
                continue
            x = i + (j - 0.5) * width
            alpha = 1.0 if method == "reweight" else 0.45
            rm, rs = mean_std(g["reg"])
            em, es = mean_std(g["exc"])
            ax.bar(x, rm, width, color=REG, alpha=alpha, yerr=rs, capsize=2)
            ax.bar(x, em, width, bottom=rm, color=EXC, alpha=alpha,
                   yerr=es, capsize=2)
            ax.text(x, 0, "\n".join(g["gamma"]), ha="center", va="bottom",
                    fontsize=6, color="white")
    draw_baseline(ax, out_dir)
    ax.set_xticks(range(len(signals)))
    ax.set_xticklabels([f"{SIGNAL_LABELS[s]}\nLR | IS" for s in signals])
    ax.set_ylabel("evaluation loss (Eq. 2)\nregulars (blue) + exceptions (red)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "fig2_eval_loss.png"), dpi=120)
    plt.close(fig)


def gamma_curves(rows, method):
    """{signal: {seed: {gamma: eval_loss}}} for one method; the gamma = 0
    baseline (signal "none") belongs to every signal's curve."""
    sel = [r for r in rows if r["method"] == method]
    base = {r["seed"]: float(r["eval_loss"]) for r in sel
            if r["signal"] == "none"}
    curves = {}
    for r in sel:
        if r["signal"] != "none":
            seeds = curves.setdefault(r["signal"], {})
            seeds.setdefault(r["seed"], {})[float(r["gamma"])] = \
                float(r["eval_loss"])
    for seeds in curves.values():
        for seed, points in seeds.items():
            if seed in base:
                points[0.0] = base[seed]
    return curves


def draw_gamma_curves(ax, seeds, color, label):
    """Thin line per seed, bold mean over the seeds that ran each gamma."""
    for points in seeds.values():
        g = sorted(points)
        ax.plot(g, [points[x] for x in g], color=color, lw=0.6, alpha=0.4)
    gammas = sorted({g for points in seeds.values() for g in points})
    mean = []
    for g in gammas:
        vals = [p[g] for p in seeds.values() if g in p]
        mean.append(sum(vals) / len(vals))
    ax.plot(gammas, mean, "o-", color=color, lw=1.6, ms=3, label=label)


def plot_fig2_gamma(out_dir):
    """Evaluation loss against gamma, per signal and method."""
    rows = read_rows(out_dir, "fig2_runs.csv")
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, method in zip(axes, ("reweight", "sample")):
        curves = gamma_curves(rows, method)
        for k, sig in enumerate(SIGNAL_LABELS):  # one colour per signal
            if sig in curves:
                draw_gamma_curves(ax, curves[sig], colors[k % len(colors)],
                                  SIGNAL_LABELS[sig])
        name = ("loss reweighting" if method == "reweight"
                else "importance sampling")
        ax.set_title(f"{METHOD_LABELS[method]}: {name} (thin: each seed, "
                     "bold: mean)", fontsize=10)
        ax.set_xlabel("γ")
        ax.set_yscale("log")  # the minimum's neighbourhood stays readable
        ax.grid(True, which="both", lw=0.3, alpha=0.5)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("evaluation loss (Eq. 2, log scale)")
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "fig2_gamma.png"), dpi=120)
    plt.close(fig)


def plot_figA1(out_dir):
    rows = read_rows(out_dir, "figA1_signals.csv")
    trained = list(dict.fromkeys(r["trained_with"] for r in rows))
    signals = list(dict.fromkeys(r["signal"] for r in rows))
    fig, axes = plt.subplots(len(trained), len(signals),
                             figsize=(2.6 * len(signals), 2.4 * len(trained)),
                             squeeze=False)
    for a, tw in enumerate(trained):
        for b, sig in enumerate(signals):
            ax = axes[a][b]
            sel = [r for r in rows if r["trained_with"] == tw and r["signal"] == sig]
            draw_signal(ax, sel)
            ax.set_title(f"{SIGNAL_LABELS.get(sig, sig)}", fontsize=9)
            if b == 0:
                ax.set_ylabel(f"trained with {SIGNAL_LABELS.get(tw, tw)}")
            if a == len(trained) - 1:
                ax.set_xlabel("epoch")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "figA1_signals.png"), dpi=120)
    plt.close(fig)


def draw_signal(ax, sel):
    ep = [int(r["epoch"]) for r in sel]
    for kind, color in (("regular", REG), ("exception", EXC)):
        m = [float(r[f"{kind}_mean"]) for r in sel]
        s = [float(r[f"{kind}_std"]) for r in sel]
        ax.plot(ep, m, color=color, label=kind + "s")
        ax.fill_between(ep, [a - b for a, b in zip(m, s)],
                        [a + b for a, b in zip(m, s)], color=color, alpha=0.2)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    plot_fig1(out_dir)
    plot_fig2(out_dir)
    plot_fig2_gamma(out_dir)
    plot_figA1(out_dir)


if __name__ == "__main__":
    main()
