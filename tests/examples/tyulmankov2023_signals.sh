#!/bin/sh
# tyulmankov2023 --signals: the sweep trains only the named signals (and the
# gamma = 0 baselines), the report marks the claims over every signal as not
# tested, and an unknown signal name is refused.
set -eu
build=${BUILD:-build}
prog="$build/examples/tyulmankov2023"
out="$build/out/tyulmankov2023-signals-quick"
rm -rf "$out"
"$prog" --quick --signals ground_truth --out "$out" 2>/dev/null >/dev/null
signals=$(grep -v '^#' "$out/fig2_runs.csv" | tail -n +2 | cut -d, -f1 |
          sort -u | tr '\n' ' ')
if [ "$signals" != "ground_truth none " ]; then
    echo "tyulmankov2023 --signals: runs of '$signals'" >&2
    exit 1
fi
grep -q 'the sweep ran 1 of the 6 signals (--signals) | not tested' \
    "$out/report.md"
if "$prog" --quick --signals ground_truth,bogus --out "$out" 2>/dev/null; then
    echo "tyulmankov2023 --signals: an unknown name was accepted" >&2
    exit 1
fi
echo "tyulmankov2023 --signals: ok"
