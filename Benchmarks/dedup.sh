#!/usr/bin/env bash
# One command: near-duplicate detection, quality and speed.
#  1. Quality: builds the two evaluations of Benchmarks/dedup_eval.py (`build`, `build-hard`) from
#     the extraction dev set's article texts (`parser extract`), runs `store dedup` and, in the same
#     run, the reference (datasketch MinHashLSH, 3-word shingles, threshold 0.4), and prints
#     pairwise precision/recall.
#  2. Speed: `store dedup` on synthesized corpora of 100 000 and 1 000 000 documents
#     (Benchmarks/dedup_corpus.py), on one core, under GNU time: docs/s, µs per document, peak RSS.
#  3. With --stream, only the dedup window: a stream of 1 000 000 synthetic articles over 90
#     simulated days (`dedup_corpus.py --days 90`) through `store dedup --index`, ten days at a
#     time, once with the default 30-day window and once unbounded. After each ten days: index
#     rows and file size. Then recall of copies published within 30 days of their story (and after)
#     for both: the window must level the index off and leave the first recall unchanged.
# Usage: Benchmarks/dedup.sh [--sizes "100000 1000000"] [--reference-speed] [--stream [N]]
#   --reference-speed also times datasketch on the 100 000 documents (about ten minutes).
#   --stream takes about half an hour the first time (making the corpus), N articles (1 000 000).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dev="$here/../../shared/data/extraction-dev"
[[ -e "$dev" ]] || { echo "the extraction dev set (the evaluation is made from its texts) is not here: $dev (this benchmark reads the evaluation data beside the repository, ../shared)" >&2; exit 2; }
work="${BENCH_DIR:-/var/tmp/wireroom-dedup-bench}"
sizes="100000 1000000"
reference_speed=false
stream=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        --reference-speed) reference_speed=true; shift ;;
        --stream) stream="${2:-1000000}"; shift; [[ $# -gt 0 ]] && shift ;;
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
python3 "$here/dedup_eval.py" build-hard "$work/devtexts.jsonl" "$work/hard.jsonl" "$work/hard-truth.json"

if [[ -n "$stream" ]]; then
    corpus="$work/stream-$stream.jsonl"
    if [[ ! -s "$corpus" ]]; then
        python3 "$here/dedup_corpus.py" "$work/devtexts.jsonl" "$stream" --days 90 > "$corpus.partial"
        mv "$corpus.partial" "$corpus"
    fi
    chunk=$(( (stream + 8) / 9 ))
    rm -f "$work"/stream-part-*
    split -l "$chunk" -d -a 1 "$corpus" "$work/stream-part-"
    for window in 30 100000; do
        label=$([[ $window == 30 ]] && echo "30-day window" || echo "unbounded")
        echo "== dedup window: $stream articles over 90 simulated days, $label (store dedup --window-days $window, one core)"
        index="$work/stream-index.sqlite"
        rm -f "$index" "$work/stream-out-$window.jsonl"
        printf '%8s %12s %12s %14s %10s %10s\n' "day" "documents" "key rows" "template rows" "file MiB" "docs/s"
        day=0
        for part in "$work"/stream-part-*; do
            started=$(date +%s.%N)
            taskset -c 0 "$bin/store" dedup "$part" --index "$index" --window-days "$window" >> "$work/stream-out-$window.jsonl"
            elapsed=$(python3 -c "import sys, time; print(time.time() - float(sys.argv[1]))" "$started")
            day=$((day + 10))
            python3 - "$index" "$day" "$(wc -l < "$part")" "$elapsed" <<'PY'
import os, sqlite3, sys
path, day, lines, elapsed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
db = sqlite3.connect(path)
count = lambda table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
template = count("dedup_template_candidates") + count("dedup_template_lines")
print(f"{day:>8} {count('dedup_documents'):>12} {count('dedup_keys'):>12} {template:>14} {os.path.getsize(path) / 1048576:>10.0f} {lines / elapsed:>10.0f}")
PY
        done
    done
    echo "== dedup window: recall of copies, by how long after their story they were published"
    python3 "$here/dedup_eval.py" stream "$corpus" "$work/stream-out-30.jsonl" --name "30-day window"
    python3 "$here/dedup_eval.py" stream "$corpus" "$work/stream-out-100000.jsonl" --name "unbounded"
    exit 0
fi

for eval in eval hard; do
    truth="$work/truth.json"; [[ $eval == hard ]] && truth="$work/hard-truth.json"
    echo "== quality: pairwise precision and recall on the $([[ $eval == hard ]] && echo "harder evaluation (short stories in heavy chrome, several edits at once)" || echo evaluation)"
    "$bin/store" dedup "$work/$eval.jsonl" > "$work/$eval-wireroom.jsonl"
    python3 "$here/dedup_eval.py" score "$truth" "$work/$eval-wireroom.jsonl" --name "store dedup"
    "$work/venv/bin/python" "$here/dedup_eval.py" datasketch "$work/$eval.jsonl" > "$work/$eval-datasketch.jsonl" 2>/dev/null
    python3 "$here/dedup_eval.py" score "$truth" "$work/$eval-datasketch.jsonl" --name "datasketch MinHashLSH (3-word shingles, threshold 0.4)"
done

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
