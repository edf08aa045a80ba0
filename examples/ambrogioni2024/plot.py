#!/usr/bin/env python3
"""Figures of the Ambrogioni 2024 reproduction from the CSV files the C
program writes. Usage: plot.py OUT_DIR   (writes the PNGs into OUT_DIR)."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"exact_dm": "tab:blue", "modern_hopfield": "tab:green",
          "classical_hopfield": "tab:red",
          "classical_hopfield_zero_diag": "tab:red", "trained_dm": "black"}
LABELS = {"exact_dm": "exact diffusion", "modern_hopfield": "modern Hopfield",
          "classical_hopfield": "classical Hopfield",
          "classical_hopfield_zero_diag": "classical Hopfield, zero diagonal",
          "trained_dm": "trained diffusion"}


def read_rows(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        # skip the provenance comment lines
        return list(csv.DictReader(ln for ln in f if not ln.startswith("#")))


def save(fig, out, name):
    fig.tight_layout()
    fig.savefig(os.path.join(out, name), dpi=120)
    plt.close(fig)


def plot_table1(out):
    rows = read_rows(out, "table1.csv")
    if not rows:
        return
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    columns = [("diffusion", "exact diffusion, float32"),
               ("diffusion_f64", "exact diffusion, float64"),
               ("classical", "classical Hopfield"), ("truth", "true patterns")]
    columns = [c for c in columns if c[0] in rows[0]]
    width = 0.8 / len(columns)
    for ax, task in zip(axes, ["denoising", "completion"]):
        sub = [r for r in rows if r["task"] == task]
        for k, (key, label) in enumerate(columns):
            xs = [i + width * (k - (len(columns) - 1) / 2)
                  for i in range(len(sub))]
            ours = [float(r[key]) for r in sub]
            paper = [float(r["paper_" + key.replace("_f64", "")])
                     for r in sub]
            ax.bar(xs, ours, width=width * 0.95, label=label + " (ours)",
                   color=f"C{k}", alpha=0.8)
            ax.plot(xs, paper, "k_", markersize=10, mew=2,
                    label="paper" if k == 0 else None)
        ax.set_xticks(range(len(sub)))
        ax.set_xticklabels([r["patterns"] + " patterns" for r in sub])
        ax.set_title(f"{task}: correlation with modern Hopfield output")
        ax.set_ylim(0.5, 1.02)
    axes[0].set_ylabel("Pearson correlation")
    axes[1].legend(fontsize=7, loc="lower right")
    save(fig, out, "table1.png")


def plot_error(out):
    rows = read_rows(out, "fig3a_error.csv")
    if not rows:
        return
    fig, ax = plt.subplots(figsize=(5.5, 4))
    counts = sorted({int(r["patterns"]) for r in rows})
    for k, n in enumerate(counts):
        sub = sorted((r for r in rows if int(r["patterns"]) == n),
                     key=lambda r: int(r["dim"]))
        d = [int(r["dim"]) for r in sub]
        color = plt.cm.viridis(k / max(1, len(counts) - 1))
        ax.plot(d, [float(r["median"]) for r in sub], "o-", ms=3,
                color=color, label=f"{n} patterns")
        ax.fill_between(d, [float(r["q25"]) for r in sub],
                        [float(r["q75"]) for r in sub], color=color,
                        alpha=0.15)
    ax.axhline(0.03, color="gray", ls="--", lw=1, label="3% threshold")
    ax.set_xlabel("dimension d")
    ax.set_ylabel("Hamming error (median over pattern sets)")
    ax.set_title("Fig. 3a: exact diffusion model, θ = 0.68")
    ax.legend(fontsize=7)
    save(fig, out, "fig3a_error.png")


def plot_capacity(out):
    rows = read_rows(out, "fig3b_capacity.csv")
    trained = read_rows(out, "fig3b_trained.csv")
    if not rows and not trained:
        return
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for model in ["exact_dm", "modern_hopfield", "classical_hopfield",
                  "classical_hopfield_zero_diag"]:
        sub = sorted((r for r in rows if r["model"] == model),
                     key=lambda r: int(r["dim"]))
        if not sub:
            continue
        d = [int(r["dim"]) for r in sub]
        c = COLORS[model]
        style = "--" if model.endswith("zero_diag") else "-"
        ax.plot(d, [float(r["smooth"]) for r in sub], style, color=c,
                label=LABELS[model])
        ax.fill_between(d, [float(r["smooth_lower"]) for r in sub],
                        [float(r["smooth_upper"]) for r in sub], color=c,
                        alpha=0.2)
        ax.plot(d, [float(r["capacity"]) for r in sub], ".", color=c, ms=4)
    if trained:
        d = [int(r["dim"]) for r in trained]
        ax.plot(d, [float(r["capacity"]) for r in trained], "o", mfc="none",
                color="black", ms=5, label="trained diffusion (each run)")
    ax.set_yscale("log")
    ax.set_xlabel("dimension d")
    ax.set_ylabel("capacity (patterns, mean error ≤ 3%)")
    ax.set_title("Fig. 3b: capacity, smoothed, 95% bootstrap band")
    ax.legend(fontsize=7)
    save(fig, out, "fig3b_capacity.png")


def trajectories(rows, method, cue):
    sub = [r for r in rows if r["method"] == method and int(r["cue"]) == cue]
    sub.sort(key=lambda r: int(r["step"]))
    return sub


def coord_names(rows):
    return [k for k in rows[0].keys() if k.startswith("x")]


def draw_coordinate(ax, rows, cues, styles, coord):
    for cue in cues:
        color = f"C{cue % 10}"
        for method, (style, lw, label) in styles.items():
            sub = trajectories(rows, method, cue)
            if not sub:
                continue
            ax.plot([float(r["progress"]) for r in sub],
                    [float(r[coord]) for r in sub], style, color=color, lw=lw,
                    ms=5, label=label if cue == cues[0] else None)
    ax.set_xlabel("denoising progress (0 = cue, 1 = end)")
    ax.set_ylabel(f"coordinate {coord}")


def draw_projection(ax, rows, patterns, cues):
    for cue in cues:
        color = f"C{cue % 10}"
        for method, style in [("exact_ode", "-"), ("learned_ode", "--"),
                              ("exact_sde", ":"), ("modern_hopfield", "o-")]:
            sub = trajectories(rows, method, cue)
            ax.plot([float(r["x1"]) for r in sub],
                    [float(r["x2"]) for r in sub], style, color=color, lw=1,
                    ms=3)
    ax.plot([float(p["x1"]) for p in patterns],
            [float(p["x2"]) for p in patterns], "k*", ms=12, label="patterns")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("(c) projection on (x1, x2)")
    ax.legend(fontsize=7)


def plot_trajectories(out):
    rows = read_rows(out, "fig2_trajectories.csv")
    patterns = read_rows(out, "fig2_patterns.csv")
    if not rows:
        return
    cues = sorted({int(r["cue"]) for r in rows})
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    draw_coordinate(axes[0], rows, cues, {
        "exact_ode": ("-", 1.5, "exact ODE"),
        "exact_sde": (":", 1.0, "exact SDE"),
        "modern_hopfield": ("o", 1.0, "modern Hopfield updates")}, "x1")
    axes[0].set_title("(a) diffusion vs modern Hopfield (d=5, 4 patterns)")
    axes[0].legend(fontsize=7)
    draw_coordinate(axes[1], rows, cues, {
        "exact_ode": ("-", 1.5, "exact ODE"),
        "learned_ode": ("--", 1.5, "learned ODE")}, "x1")
    axes[1].set_title("(b) exact vs learned deterministic trajectories")
    axes[1].legend(fontsize=7)
    draw_projection(axes[2], rows, patterns, cues)
    save(fig, out, "fig2_trajectories.png")


def draw_recall(ax, rows, case):
    """Recall paths of one panel: a thin line per start, a dot at its end."""
    import numpy as np
    paths = {}
    for r in rows:
        if r["case"] == case:
            paths.setdefault(int(r["start"]), []).append(
                (float(r["x"]), float(r["y"])))
    for pts in paths.values():
        p = np.array(pts)
        ax.plot(p[:, 0], p[:, 1], color="tab:orange", lw=1.1, alpha=0.9)
        ax.plot(p[0, 0], p[0, 1], "o", color="tab:orange", ms=2.5)
        ax.plot(p[-1, 0], p[-1, 1], "o", color="red", mec="k", mew=0.5,
                ms=5)


def draw_manifold(ax, out):
    import numpy as np
    rows = read_rows(out, "fig1_manifold.csv")
    if not rows:
        return ""
    m = rows[0]
    a = np.radians(float(m["angle_deg"]))
    s = np.linspace(-4, 4, 2)
    ax.plot(float(m["mean_x"]) + s * np.cos(a),
            float(m["mean_y"]) + s * np.sin(a), "--", color="k", lw=1.0,
            alpha=0.7)
    return ("(c) points + semantic line (weight %g,\nspread %g along, "
            "variance %g across)" % (float(m["weight"]), float(m["spread"]),
                                      float(m["var"])))


def plot_landscape(out):
    rows = read_rows(out, "fig1_landscape.csv")
    if not rows:
        return
    import numpy as np
    recall = read_rows(out, "fig1_recall.csv")
    titles = {"points": "(a) point memories",
              "extended": "(b) extended memories (EXTENT 0.35)",
              "semantic": "(c) points + semantic density"}
    fig, axes = plt.subplots(1, 3, figsize=(15, 5.2))
    for ax, case in zip(axes, ["points", "extended", "semantic"]):
        sub = [r for r in rows if r["case"] == case]
        n = int(round(len(sub) ** 0.5))
        grid = lambda key: np.array([float(r[key]) for r in sub]).reshape(n, n)
        x, y = grid("x"), grid("y")
        logp = grid("logp")
        im = ax.contourf(x, y, logp, levels=np.linspace(
            max(logp.min(), logp.max() - 12), logp.max(), 31),
            cmap="viridis", extend="min")
        ax.streamplot(x, y, grid("score_x"), grid("score_y"), color="w",
                      density=0.9, linewidth=0.5, arrowsize=0.6)
        title = titles[case]
        if case == "semantic":
            title = draw_manifold(ax, out) or title
        draw_recall(ax, recall, case)
        ax.set_xlim(-2, 2)
        ax.set_ylim(-2, 2)
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        fig.colorbar(im, ax=ax, shrink=0.8, label="log p_t (θ_t = 0.9)")
    fig.suptitle("Energy landscapes (colour, white flow lines) and ODE "
                 "recall paths (orange, red dot = end)", fontsize=11)
    save(fig, out, "fig1_landscape.png")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "out/ambrogioni2024"
    plot_table1(out)
    plot_error(out)
    plot_capacity(out)
    plot_trajectories(out)
    plot_landscape(out)


if __name__ == "__main__":
    main()
