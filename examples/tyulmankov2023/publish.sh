#!/bin/sh
# Copy a full run of this example into the documentation:
#   sh examples/tyulmankov2023/publish.sh [OUT_DIR]   (default out/tyulmankov2023)
# writes docs/reproductions/tyulmankov2023.md (figure links rewritten) and
# docs/reproductions/tyulmankov2023/*.png, *.csv. Run from the repository root.
set -eu
out=${1:-out/tyulmankov2023}
docs=docs/reproductions
[ -r "$out/report.md" ] || { echo "publish: no $out/report.md" >&2; exit 1; }
mkdir -p "$docs/tyulmankov2023"
cp "$out"/*.png "$out"/*.csv "$docs/tyulmankov2023/"
sed -E 's#\]\(([A-Za-z0-9_]+\.png)\)#](tyulmankov2023/\1)#g' "$out/report.md" \
    > "$docs/tyulmankov2023.md"
echo "publish: wrote $docs/tyulmankov2023.md"
