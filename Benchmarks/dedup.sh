#!/usr/bin/env bash
# One command: near-duplicate detection, quality and speed.
#  1. Quality: builds the evaluation of Benchmarks/dedup_eval.py from the extraction dev set's
#     article texts (`parser extract`), runs `store dedup` and, in the same run, the reference
#     (datasketch MinHashLSH, 3-word shingles, threshold 0.4), and prints pairwise precision/recall.
#  2. Speed: `store dedup` on synthesized corpora of 100 000 and 1 000 000 documents
#     (Benchmarks/dedup_corpus.py), on one core, under GNU time: docs/s, µs per document, peak RSS.
# Usage: Benchmarks/dedup.sh [--sizes "100000 1000000"] [--reference-speed]
#   --reference-speed also times datasketch on the 100 000 documents (about ten minutes).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dev="$here/../../shared/data/extraction-dev"
work="${BENCH_DIR:-/var/tmp/wireroom-dedup-bench}"
sizes="100000 1000000"
reference_speed=false
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --reference-speed) reference_speed=true; shift ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$work"
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
if [[ ! -x "$work/venv/bin/python" ]]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q "datasketch==2.0.0" >&2
fi
swift build -c release --package-path "$here/.." --product store >&2
swift build -c release --package-path "$here/.." --product parser >&2
bin="$here/../.build/release"

python3 "$here/unpack_devset.py" "$dev" "$work/pages"
[[ -s "$work/devtexts.jsonl" ]] || "$bin/parser" extract "$work/pages" > "$work/devtexts.jsonl"
python3 "$here/dedup_eval.py" build "$work/devtexts.jsonl" "$work/eval.jsonl" "$work/truth.json"

echo "== quality: pairwise precision and recall on the evaluation"
"$bin/store" dedup "$work/eval.jsonl" > "$work/eval-wireroom.jsonl"
python3 "$here/dedup_eval.py" score "$work/truth.json" "$work/eval-wireroom.jsonl" --name "store dedup"
"$work/venv/bin/python" "$here/dedup_eval.py" datasketch "$work/eval.jsonl" > "$work/eval-datasketch.jsonl" 2>/dev/null
python3 "$here/dedup_eval.py" score "$work/truth.json" "$work/eval-datasketch.jsonl" --name "datasketch MinHashLSH (3-word shingles, threshold 0.4)"

echo "== speed: store dedup on one core (taskset -c 0), LSH index in a temporary SQLite file"
for size in $sizes; do
    corpus="$work/corpus-$size.jsonl"
    if [[ ! -s "$corpus" ]]; then
        python3 "$here/dedup_corpus.py" "$work/devtexts.jsonl" "$size" > "$corpus.partial"
        mv "$corpus.partial" "$corpus"
    fi
    /usr/bin/time -f "%e %U %M" -o "$work/time.txt" taskset -c 0 "$bin/store" dedup "$corpus" > "$work/out-$size.jsonl"
    read -r elapsed user rss < "$work/time.txt"
    duplicates=$(grep -vc '"duplicate_of":null' "$work/out-$size.jsonl" || true)
    python3 -c "import sys; n,e,u,r,d=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]),int(sys.argv[5]); \
print(f'{n:>9} docs: {n/e:8.0f} docs/s  {e*1e6/n:6.1f} µs/doc  {u:6.1f} s user  peak RSS {r/1024:5.0f} MiB  ({d} judged duplicates)')" \
        "$size" "$elapsed" "$user" "$rss" "$duplicates"
done

if $reference_speed; then
    echo "== reference speed: datasketch MinHashLSH on 100 000 of the same documents, in memory"
    head -100000 "$work/corpus-100000.jsonl" > "$work/reference-100000.jsonl"
    /usr/bin/time -f "%e s, peak RSS %M KiB" taskset -c 0 "$work/venv/bin/python" "$here/dedup_eval.py" datasketch "$work/reference-100000.jsonl" > /dev/null
fi
