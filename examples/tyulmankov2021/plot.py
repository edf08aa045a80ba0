#!/usr/bin/python3
"""Figures of the Tyulmankov, Fang et al. 2021 reproduction.

usage: plot.py OUT_DIR

Reads the CSV files the example wrote into OUT_DIR and draws fig2.png,
fig3.png, figC4.png, fig4.png, figC5.png, fig5.png and fig5c.png beside them. Uses
only the csv module and matplotlib (Agg backend). A missing CSV skips its
panel.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

RULE_COLS = [
    ("key_pre_slope", "$a^{f_k}$"), ("key_pre_offset", "$b^{f_k}$"),
    ("key_post_slope", "$a^{g_k}$"), ("key_post_offset", "$b^{g_k}$"),
    ("value_pre_slope", "$a^{f_v}$"), ("value_pre_offset", "$b^{f_v}$"),
    ("value_post_slope", "$a^{g_v}$"), ("value_post_offset", "$b^{g_v}$"),
]


def rows(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:  # skip the provenance comments
        return list(csv.DictReader(ln for ln in f if not ln.startswith("#")))


def series(data, key, x, y, **match):
    """Points (x, y) of the rows whose columns equal match, grouped by key."""
    groups = {}
    for r in data:
        if all(r.get(k) == v for k, v in match.items()):
            groups.setdefault(r[key], ([], []))
            groups[r[key]][0].append(float(r[x]))
            groups[r[key]][1].append(float(r[y]))
    return groups


def curves(ax, data, panel, title, styles=None):
    for label, (xs, ys) in series(data, "model", "items", "accuracy",
                                  panel=panel).items():
        style = (styles or {}).get(label, {})
        ax.plot(xs, ys, label=label, **style)
    ax.set_xlabel("stored items T")
    ax.set_ylabel("accuracy")
    ax.set_title(title, fontsize=9)
    ax.set_ylim(0.45, 1.02)
    ax.legend(fontsize=6)


def capacity(ax, cap, fit, title):
    fits = {r["model"]: (float(r["slope"]), float(r["offset"])) for r in fit
            if r.get("episodes_per_probe", "1") == "1"}
    for label, (xs, ys) in series(cap, "model", "size", "capacity").items():
        line = ax.plot(xs, ys, "o", ms=3)[0]
        s, o = fits.get(label, (0.0, 0.0))
        ax.plot(xs, [s * x + o for x in xs], "-", color=line.get_color(),
                label=f"{label}: {s:.2f}N{o:+.1f}")
    ax.set_xlabel("network size N")
    ax.set_ylabel("capacity (acc ≥ 0.98)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6)


def fig2(out):
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    curves(ax[0], rows(out, "fig2a_accuracy.csv"), "fig2a",
           "(a) accuracy, d = N = 40", {"TVT": {"ls": ":", "lw": 2}})
    capacity(ax[1], rows(out, "fig2b_capacity.csv"),
             rows(out, "fig2b_fit.csv"), "(b) capacity vs N")
    save(fig, out, "fig2.png")


def fig3a(ax, data):
    colors = {}
    for label, (xs, ys) in series(data, "model", "items", "accuracy",
                                  panel="fig3a").items():
        base = label.split(" (")[0]
        colors.setdefault(base, f"C{len(colors)}")
        ls = "--" if "simple" in label else "-"
        ax.plot(xs, ys, ls, color=colors[base],
                label=base if ls == "-" else None)
    ax.set_xlabel("stored items T")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0.45, 1.02)
    ax.set_title("(a) simple (dashed) vs meta-learned (solid)", fontsize=9)
    ax.legend(fontsize=6)


def history(ax, hist, runs, col, ylabel, title):
    for run in runs:
        pts = [(float(r["step"]), float(r[col])) for r in hist
               if r["run"] == run]
        if pts:
            ax.plot(*zip(*pts), label=run, lw=0.8)
    ax.set_xlabel("training step")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6)


def trajectories(ax, hist, run, cols, title):
    for col, name in cols:
        pts = [(float(r["step"]), float(r[col])) for r in hist
               if r["run"] == run]
        if pts:
            ax.plot(*zip(*pts), label=name)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlabel("training step")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)


def fig3b(out):
    """Panel b alone (--only fig3b)."""
    fig, ax = plt.subplots(figsize=(5.5, 4))
    capacity(ax, rows(out, "fig3b_capacity.csv"), rows(out, "fig3b_fit.csv"),
             "(b) capacity of trained networks, every size trained in full")
    save(fig, out, "fig3b.png")


def fig3(out):
    hist = rows(out, "fig3_history.csv")
    fig, ax = plt.subplots(2, 3, figsize=(14, 8))
    fig3a(ax[0][0], rows(out, "fig3a_accuracy.csv"))
    capacity(ax[0][1], rows(out, "fig3b_capacity.csv"),
             rows(out, "fig3b_fit.csv"), "(b) capacity of trained networks")
    runs = ["sequential", "random p=4/N"]
    history(ax[0][2], hist, runs, "loss", "loss", "(c) training loss")
    history(ax[1][0], hist, runs, "accuracy", "accuracy",
            "(c) training accuracy")
    trajectories(ax[1][1], hist, "sequential", RULE_COLS[:4],
                 "(d) sequential: key rule (input→hidden)")
    trajectories(ax[1][2], hist, "sequential", RULE_COLS[4:],
                 "(d) sequential: value rule (hidden→output)")
    save(fig, out, "fig3.png")
    fig, ax = plt.subplots(1, 3, figsize=(14, 4))
    trajectories(ax[0], hist, "random p=4/N", RULE_COLS[:4],
                 "random p=4/N: key rule")
    trajectories(ax[1], hist, "random p=4/N", RULE_COLS[4:],
                 "random p=4/N: value rule")
    trajectories(ax[2], hist, "random p=4/N",
                 [("eta_k", "$\\tilde\\eta^k$"), ("eta_v", "$\\tilde\\eta^v$"),
                  ("lambda", "$\\tilde\\lambda$")], "random p=4/N: rates")
    save(fig, out, "figC4.png")


def by_delay(ax, data, col, models, title, style="-"):
    for label, (xs, ys) in series(data, "model", "delay", col).items():
        if label in models:
            ax.plot(xs, ys, style, color=f"C{sorted(models).index(label)}",
                    label=f"{label} ({col.split('_')[0]})")
    ax.set_xscale("log")
    ax.set_xlabel("delay R")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0.45, 1.02)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6)


def fig4(out):
    cont = rows(out, "fig4a_continual.csv")
    flash = rows(out, "fig4b_flashbulb.csv")
    fig, ax = plt.subplots(1, 5, figsize=(22, 4))
    by_delay(ax[0], cont, "accuracy", {r["model"] for r in cont},
             "(a) continual recall")
    groups = [["sequential paper saturating q=10",
               "sequential reference saturating q=15 thr=10",
               "sequential linear q=10",
               "sequential linear q=1.001 (variant)",
               "sequential no-meta q=10"],
              ["random paper saturating q=10",
               "random reference saturating q=15 thr=10",
               "random linear q=10", "random linear q=1.001 (variant)"],
              ["Hopfield q=10", "Hopfield q=50", "Hopfield q=1e3",
               "Hopfield q=1e6"]]
    titles = ["(b) flashbulb: sequential", "(b) flashbulb: random",
              "(b) flashbulb: Hopfield"]
    for a, models, title in zip(ax[1:4], groups, titles):
        by_delay(a, flash, "regular_accuracy", models, title)
        by_delay(a, flash, "salient_accuracy", models, title, "--")
    curves(ax[4], rows(out, "fig4c_correlated.csv"), "c=0.6",
           "(c) correlated patterns, c = 0.6")
    save(fig, out, "fig4.png")
    corr = rows(out, "fig4c_correlated.csv")
    fig, ax = plt.subplots(1, 3, figsize=(14, 4))
    for a, c in zip(ax, ["0.3", "0.6", "0.9"]):
        curves(a, corr, f"c={c}", f"correlation c = {c}")
    save(fig, out, "figC5.png")


def copy_panels(ax_acc, ax_train, out, copy):
    for label, (xs, ys) in series(copy, "model", "length",
                                  "accuracy").items():
        ax_acc.plot(xs, ys, label=label)
    ax_acc.axvline(10.5, ls="--", color="k", lw=0.8)
    ax_acc.set_xlabel("sequence length (dashed: longest trained)")
    ax_acc.set_ylabel("paste accuracy")
    ax_acc.set_ylim(0.45, 1.02)
    ax_acc.set_title("(c) copy-paste", fontsize=9)
    ax_acc.legend(fontsize=6)
    for label, (xs, ys) in series(rows(out, "fig5c_copy_training.csv"),
                                  "model", "step", "accuracy").items():
        ax_train.plot(xs, ys, label=label, lw=0.8)
    ax_train.set_xlabel("training step")
    ax_train.set_ylabel("training accuracy")
    ax_train.set_title("(c) controller training", fontsize=9)
    ax_train.legend(fontsize=6)


def fig5(out):
    copy = rows(out, "fig5c_copy.csv")
    if copy:
        fig, ax = plt.subplots(1, 2, figsize=(10, 4))
        copy_panels(ax[0], ax[1], out, copy)
        save(fig, out, "fig5c.png")
    if not rows(out, "fig5a_hetero.csv"):
        return
    fig, ax = plt.subplots(1, 4 if copy else 2,
                           figsize=(20 if copy else 10, 4))
    curves(ax[0], rows(out, "fig5a_hetero.csv"), "fig5a",
           "(a) heteroassociative, d = N = 40, m = 20")
    for label, (xs, ys) in series(rows(out, "fig5b_sequence.csv"), "model",
                                  "length", "accuracy").items():
        ax[1].plot(xs, ys, label=label)
    ax[1].set_xlabel("sequence length")
    ax[1].set_ylabel("accuracy")
    ax[1].set_ylim(0.45, 1.02)
    ax[1].set_title("(b) sequence recall, x(t+1) = y(t)", fontsize=9)
    ax[1].legend(fontsize=6)
    if copy:
        copy_panels(ax[2], ax[3], out, copy)
    save(fig, out, "fig5.png")


def save(fig, out, name):
    fig.tight_layout()
    fig.savefig(os.path.join(out, name), dpi=110)
    plt.close(fig)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    # each figure needs its first CSV (--only writes one panel alone)
    if rows(out, "fig3b_capacity.csv") and not rows(out, "fig3a_accuracy.csv"):
        fig3b(out)
    for draw, first in ((fig2, "fig2a_accuracy.csv"),
                        (fig3, "fig3a_accuracy.csv"),
                        (fig4, "fig4a_continual.csv"), (fig5, None)):
        if first is None or rows(out, first):
            draw(out)


if __name__ == "__main__":
    main()
