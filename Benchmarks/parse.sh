#!/usr/bin/env bash
# One command: extraction quality and speed of `parser extract` over the dev set
# (../shared/data/extraction-dev), next to trafilatura 2.3.1 on the same files in the same run,
# one process each (one core). Prints score_dev.py's figures (precision, recall, F1, docs/s, MB/s)
# and the parser's peak RSS.  Usage: Benchmarks/parse.sh [--repeat N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dev="$here/../../shared/data/extraction-dev"
[[ -e "$dev" ]] || { echo "the extraction dev set is not here: $dev (this benchmark reads the evaluation data beside the repository, ../shared)" >&2; exit 2; }
repeat="${2:-3}"
work="${BENCH_DIR:-/var/tmp/wireroom-parse-bench}"
mkdir -p "$work"
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [[ ! -x "$work/venv/bin/python" ]]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q "trafilatura==2.3.1" lxml_html_clean >&2
fi
swift build -c release --package-path "$here/.." --product parser >&2
parser="$here/../.build/release/parser"

echo "== parser extract (Wireroom)"
python3 "$dev/score_dev.py" --cmd "taskset -c 0 $parser extract" --time --repeat "$repeat" --name "wireroom parser"
echo "== trafilatura 2.3.1, standard settings"
python3 "$dev/score_dev.py" --cmd "taskset -c 0 $work/venv/bin/python $here/trafilatura_extract.py" --time --repeat 1 --name "trafilatura"
echo "== trafilatura 2.3.1, fast mode"
python3 "$dev/score_dev.py" --cmd "taskset -c 0 $work/venv/bin/python $here/trafilatura_extract.py --fast" --time --repeat 1 --name "trafilatura --fast"

echo "== parser peak memory over the whole dev set (one process)"
pages="$work/pages"
python3 "$here/unpack_devset.py" "$dev" "$pages"
/usr/bin/time -f "peak RSS %M KiB, %U s user" "$parser" extract "$pages" > /dev/null
echo "largest page: $(ls -S "$pages" | head -1 | xargs -I{} stat -c %s "$pages/{}") bytes"
