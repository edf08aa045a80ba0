#!/usr/bin/env python3
"""Figures of the Millidge et al. 2022 reproduction from capacity.csv.
Usage: plot.py OUT_DIR   (writes capacity_<dataset>.png into OUT_DIR).

One figure per data set: rows are the cue kinds, columns the similarity
functions, one line per separation function; the fraction of queries
retrieved against the number of stored images (mean over runs, with the
range over runs shaded)."""
import csv
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CUES = [("half", "half-masked cue"), ("noise", "Gaussian-noise cue"),
        ("half_masked_sim", "half cue, masked similarity")]
SIMS = ["dot", "cosine", "euclidean", "manhattan"]
SEPS = ["softmax", "max", "poly10", "poly2", "identity"]
COLORS = {"softmax": "tab:blue", "max": "black", "poly10": "tab:green",
          "poly2": "tab:orange", "identity": "tab:red"}
TITLES = {"mnist": "MNIST", "fashion": "Fashion-MNIST"}


def read(out):
    path = os.path.join(out, "capacity.csv")
    acc = defaultdict(lambda: defaultdict(list))
    with open(path, newline="") as f:
        for r in csv.DictReader(ln for ln in f if not ln.startswith("#")):
            key = (r["dataset"], r["cue"], r["similarity"], r["separation"])
            acc[key][int(r["stored"])].append(float(r["accuracy"]))
    return acc


def panel(ax, acc, dataset, cue, sim):
    for sep in SEPS:
        points = acc.get((dataset, cue, sim, sep))
        if not points:
            continue
        ns = sorted(points)
        mean = [sum(points[n]) / len(points[n]) for n in ns]
        ax.plot(ns, mean, marker="o", ms=3, color=COLORS[sep], label=sep)
        ax.fill_between(ns, [min(points[n]) for n in ns],
                        [max(points[n]) for n in ns], color=COLORS[sep],
                        alpha=0.15, lw=0)
    ax.set_xscale("log")
    ax.set_ylim(-0.03, 1.03)
    ax.grid(alpha=0.3)


def plot_dataset(out, acc, dataset):
    fig, axes = plt.subplots(len(CUES), len(SIMS), figsize=(13, 8.5),
                             sharex=True, sharey=True)
    for i, (cue, cue_title) in enumerate(CUES):
        for j, sim in enumerate(SIMS):
            ax = axes[i][j]
            panel(ax, acc, dataset, cue, sim)
            if i == 0:
                ax.set_title(sim + " similarity")
            if j == 0:
                ax.set_ylabel(cue_title + "\nfraction retrieved")
            if i == len(CUES) - 1:
                ax.set_xlabel("images stored")
    axes[0][0].legend(title="separation", fontsize=8)
    fig.suptitle("Universal Hopfield Networks: capacity on "
                 + TITLES.get(dataset, dataset))
    fig.tight_layout()
    fig.savefig(os.path.join(out, "capacity_%s.png" % dataset), dpi=110)
    plt.close(fig)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "out/millidge2022"
    acc = read(out)
    for dataset in sorted({k[0] for k in acc}):
        plot_dataset(out, acc, dataset)


if __name__ == "__main__":
    main()
