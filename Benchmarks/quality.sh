#!/usr/bin/env bash
# One command: body extraction on the three extraction dev sets and publication dates on the date
# dev set, `parser extract` beside trafilatura 2.3.1 (standard, and without comments) and
# htmldate 1.11 in the same run, Resiliparse 2.0.1 as the speed reference, all on one core, each
# difference with its paired bootstrap standard error (Benchmarks/quality.py).
# Usage: Benchmarks/quality.sh [quality.py options: --sets, --sample, --save, --before, --timing-runs]
# Reads the evaluation data beside the repository (../shared/data) or $WIREROOM_EVAL_DATA.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${WIREROOM_EVAL_DATA:-$here/../../shared/data}"
[[ -d "$data/extraction-dev" ]] || { echo "the evaluation data is not here: $data (this benchmark reads ../shared/data beside the repository, or \$WIREROOM_EVAL_DATA)" >&2; exit 2; }
work="${BENCH_DIR:-/var/tmp/wireroom-quality}"
mkdir -p "$work"
if [[ ! -x "$work/venv/bin/python" ]]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q "trafilatura==2.3.1" "htmldate==1.11.0" lxml_html_clean >&2
fi
[[ -n "$("$work/venv/bin/pip" list 2>/dev/null | grep -i '^resiliparse ')" ]] || "$work/venv/bin/pip" install -q "resiliparse==2.0.1" >&2
swift build -c release --package-path "$here/.." --product parser >&2
# Everything on one core, so the docs/s of each system compare.
taskset -c 0 python3 "$here/quality.py" --data "$data" --work "$work" --parser "$here/../.build/release/parser" \
    --reference "trafilatura=$work/venv/bin/python $here/trafilatura_extract.py" \
    --reference "traf-nocomm=$work/venv/bin/python $here/trafilatura_extract.py --no-comments" \
    --reference "resiliparse=$work/venv/bin/python $here/resiliparse_extract.py" \
    --reference "dates:htmldate=$work/venv/bin/python $here/htmldate_dates.py" "$@"
