#!/usr/bin/env python3
"""Figures of the Spens & Burgess 2022 reproduction from the CSV files the
C program writes. Usage: plot.py OUT_DIR   (writes the PNGs into OUT_DIR)."""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SETS = [("mnist", "MNIST"), ("fashion", "Fashion-MNIST"),
        ("shapes", "Shapes3D-like (stand-in)"),
        ("solids", "solids-like (stand-in)"), ("kmnist", "KMNIST")]

# Legend names of the t-SNE classes (label -> name); others "class k".
CLASS_NAMES = {
    "mnist": {k: str(k) for k in range(10)},
    "fashion": dict(enumerate(["T-shirt/top", "trouser", "pullover", "dress",
                               "coat", "sandal", "shirt", "sneaker", "bag",
                               "ankle boot"])),
    "shapes": dict(enumerate(["cube", "cylinder", "sphere", "capsule"])),
    "solids": dict(enumerate(["tetrahedron", "cube", "octahedron",
                              "dodecahedron", "icosahedron"])),
    "kmnist": dict(enumerate(["o", "ki", "su", "tsu", "na", "ha", "ma", "ya",
                              "re", "wo"])),
}
# The real Symmetric Solids: TFDS's label_shape order.
REAL_SOLIDS = dict(enumerate(["tet", "cube", "icosa", "cone", "cyl", "tetX",
                              "cylO", "sphereX"]))


def use_titles(out):
    """Titles (real data or stand-in) from the run's datasets.csv."""
    global SETS
    rows = {r["name"]: r for r in read_rows(out, "datasets.csv")}
    SETS = [(k, rows[k]["title"] if k in rows else t) for k, t in SETS]
    if rows.get("solids", {}).get("real") == "1":
        CLASS_NAMES["solids"] = REAL_SOLIDS


def read_rows(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        # skip the provenance comment lines
        return list(csv.DictReader(ln for ln in f if not ln.startswith("#")))


def save(fig, out, name):
    fig.tight_layout()
    fig.savefig(os.path.join(out, name), dpi=90)
    plt.close(fig)


def present(out, prefix):
    return [(k, t) for k, t in SETS
            if os.path.exists(os.path.join(out, f"{prefix}_{k}.csv"))]


def plot_curves(out):
    sets = present(out, "curves")
    if not sets:
        return
    fig, axes = plt.subplots(1, len(sets), figsize=(3.6 * len(sets), 3.2),
                             squeeze=False)
    for ax, (key, title) in zip(axes[0], sets):
        rows = read_rows(out, f"curves_{key}.csv")
        acc_ax = ax.twinx()
        for model, style in (("student", "-"), ("baseline", "--")):
            sub = [r for r in rows if r["model"] == model]
            if not sub:
                continue
            ep = [int(r["epoch"]) for r in sub]
            ax.plot(ep, [float(r["recon"]) for r in sub], style, color="red",
                    label=f"recon. error ({model})")
            acc_ax.plot(ep, [float(r["accuracy"]) for r in sub], style,
                        color="blue", label=f"decoding ({model})")
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.set_ylabel("held-out |x - x^|", color="red")
        acc_ax.set_ylabel("decoding accuracy", color="blue")
        acc_ax.set_ylim(0, 1)
    handles = axes[0][0].get_legend_handles_labels()
    twin = axes[0][0].figure.axes[len(sets)].get_legend_handles_labels()
    axes[0][0].legend(handles[0] + twin[0], handles[1] + twin[1], fontsize=6,
                      loc="center right")
    save(fig, out, "fig5_curves.png")


def plot_tsne(out):
    sets = present(out, "tsne")
    if not sets:
        return
    fig, axes = plt.subplots(1, len(sets), figsize=(4.4 * len(sets), 3.2),
                             squeeze=False)
    colours = plt.get_cmap("tab10")
    for ax, (key, title) in zip(axes[0], sets):
        rows = read_rows(out, f"tsne_{key}.csv")
        names = CLASS_NAMES.get(key, {})
        for label in sorted({int(r["label"]) for r in rows}):
            mine = [r for r in rows if int(r["label"]) == label]
            ax.scatter([float(r["x"]) for r in mine],
                       [float(r["y"]) for r in mine], s=4,
                       color=colours(label % 10),
                       label=names.get(label, f"class {label}"))
        ax.set_title(title)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.legend(fontsize=5, markerscale=2, loc="center left",
                  bbox_to_anchor=(1.0, 0.5), frameon=False)
    save(fig, out, "fig5_tsne.png")


def plot_size_curve(out):
    rows = read_rows(out, "size_curve_shapes.csv")
    if not rows:
        return
    sizes = sorted({int(r["size"]) for r in rows})
    fig, ax = plt.subplots(figsize=(4.2, 3.2))
    for col, colour, label in (("latent", "blue", "perceptron on latents"),
                               ("cnn", "red", "CNN from scratch")):
        means, sds = [], []
        for s in sizes:
            v = [float(r[col]) for r in rows if int(r["size"]) == s]
            m = sum(v) / len(v)
            means.append(m)
            sds.append((sum((x - m) ** 2 for x in v) / max(len(v) - 1, 1))
                       ** 0.5)
        ax.errorbar(sizes, means, yerr=sds, color=colour, marker="o",
                    ms=3, capsize=2, label=label)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("training items")
    ax.set_ylabel("shape accuracy (held out)")
    ax.set_ylim(0, 1.02)
    ax.axhline(0.25, color="grey", lw=0.5, ls=":")
    ax.legend(fontsize=7)
    ax.set_title(dict(SETS)["shapes"] + ": object shape")
    save(fig, out, "fig6_size_curve.png")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "out/spens2022"
    use_titles(out)
    plot_curves(out)
    plot_tsne(out)
    plot_size_curve(out)


if __name__ == "__main__":
    main()
