#!/bin/sh
# Copy a full run of this example into the documentation:
#   sh examples/spens2022/publish.sh [OUT_DIR]   (default out/spens2022)
# writes docs/reproductions/spens2022.md (figure links rewritten) and
# docs/reproductions/spens2022/*.png, *.csv. Run from the repository root.
set -eu
out=${1:-out/spens2022}
docs=docs/reproductions
[ -r "$out/report.md" ] || { echo "publish: no $out/report.md" >&2; exit 1; }
mkdir -p "$docs/spens2022"
cp "$out"/*.png "$out"/*.csv "$docs/spens2022/"
sed -E 's#\]\(([A-Za-z0-9_]+\.png)\)#](spens2022/\1)#g' "$out/report.md" \
    > "$docs/spens2022.md"
echo "publish: wrote $docs/spens2022.md"
