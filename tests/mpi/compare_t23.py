#!/usr/bin/python3
"""Compare the numeric results of two runs of examples/tyulmankov2023.

    compare_t23.py DIR_A DIR_B RTOL

Reads fig1_curves.csv, fig2_runs.csv, fig2_best.csv, fig2_baseline.csv,
figA1_signals.csv and every sweep/*.csv of both folders ('#' lines are
provenance and skipped). The two must hold the same files, rows and text
fields; each number must agree within RTOL relative to the larger of the
two magnitudes.
The columns seconds and ranks (how long, on how many processes) are not
results and are skipped. Prints, per file and column, the largest relative
difference and how many values are beyond RTOL; exits 1 when any is.
"""
import csv
import math
import os
import sys

FILES = ["fig1_curves.csv", "fig2_runs.csv", "fig2_best.csv",
         "fig2_baseline.csv", "figA1_signals.csv"]
SKIP = {"seconds", "ranks"}


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(ln for ln in f if not ln.startswith("#")))


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def rel_diff(x, y):
    """|x - y| relative to the larger magnitude (0 when equal, NaN == NaN)."""
    if x == y or (math.isnan(x) and math.isnan(y)):
        return 0.0
    return abs(x - y) / max(abs(x), abs(y))


def compare_file(name, a_rows, b_rows, rtol, report):
    """Append (name, column, max_rel, beyond) per numeric column to report;
    False on a structural difference (header, row count or a text field)."""
    if not a_rows or a_rows[0] != b_rows[0] or len(a_rows) != len(b_rows):
        print(f"{name}: header or row count differs")
        return False
    header = a_rows[0]
    worst = {}
    for ra, rb in zip(a_rows[1:], b_rows[1:]):
        for col, x, y in zip(header, ra, rb):
            fx, fy = number(x), number(y)
            if col in SKIP:
                continue
            if fx is None or fy is None:
                if x != y:
                    print(f"{name}: {col} '{x}' != '{y}'")
                    return False
                continue
            d = rel_diff(fx, fy)
            w = worst.setdefault(col, [0.0, 0])
            w[0] = max(w[0], d)
            w[1] += d > rtol
    group = "sweep/*.csv" if name.startswith("sweep/") else name
    for col, (m, beyond) in worst.items():
        report.append((group, col, m, beyond))
    return True


def pairs(a, b):
    """(file in a, file in b): the fixed files, then the sweep files in
    sorted order (a run with other gammas has other names: paired by
    position, its gamma column then differs); None when counts differ."""
    sa = sorted(os.listdir(os.path.join(a, "sweep")))
    sb = sorted(os.listdir(os.path.join(b, "sweep")))
    if len(sa) != len(sb):
        print("sweep/: the two folders hold different numbers of runs")
        return None
    if sa != sb:
        print("sweep/: the run files have other names (other gammas?)")
    return [(n, n) for n in FILES] + [
        (os.path.join("sweep", x), os.path.join("sweep", y))
        for x, y in zip(sa, sb)]


def main():
    a, b, rtol = sys.argv[1], sys.argv[2], float(sys.argv[3])
    files = pairs(a, b)
    if files is None:
        return 1
    report, same = [], True
    for x, y in files:
        same &= compare_file(x, rows(os.path.join(a, x)),
                             rows(os.path.join(b, y)), rtol, report)
    merged = {}
    for group, col, m, n in report:
        w = merged.setdefault((group, col), [0.0, 0])
        w[0], w[1] = max(w[0], m), w[1] + n
    for (group, col), (m, n) in merged.items():
        print(f"{group}: {col}: max rel diff {m:.2e}, {n} beyond {rtol:g}")
    beyond = sum(n for _, _, _, n in report)
    m = max((r[2] for r in report), default=0.0)
    print(f"compare: {len(files)} files, largest relative difference "
          f"{m:.2e}, {beyond} values beyond {rtol:g}")
    return 0 if same and beyond == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
