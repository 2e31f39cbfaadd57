#!/usr/bin/env bash
# One command: event linking (stories of one happening across languages), quality and cost.
#  1. Quality: the evaluation of Benchmarks/events_eval.py — the hand-written multilingual events
#     of Benchmarks/events/*.txt and the seed stories — through `store dedup --events`, alone and
#     mixed into the dev sets' real article texts (each its own event, dated within the
#     evaluation's months), at event thresholds 0.2 (the default), 0.25 and 0.3: pairwise
#     precision and recall per language pair.
#  2. Real pages: what `store dedup --events` links among the dev sets' real articles with their
#     own publication dates, each pair with the verdict judged by hand
#     (Benchmarks/events/real-judgments.tsv); pairs not judged yet are listed. Then the same
#     articles all dated within one day: a dense stream.
#  3. Cost: `store dedup` and `store dedup --events` on the synthesized corpora of
#     Benchmarks/dedup_corpus.py (100 000 and 1 000 000 documents, all within one window, so the
#     index holds every one): both run at the same moment, one per core, in pairs with the cores
#     swapped; µs per document and what linking adds, the median of the pairs.
# Usage: Benchmarks/events.sh [--sizes "100000 1000000"]
# Parts 1 (background) to 3 read the dev sets beside the repository (../shared/data); without
# them only the hand-written evaluation runs, and the script says so.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${WIREROOM_EVAL_DATA:-$here/../../shared/data}"
work="${BENCH_DIR:-/var/tmp/wireroom-events-bench}"
sizes="100000 1000000"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sizes) sizes="$2"; shift 2 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
[[ -z "$sizes" ]] || (( $(nproc) >= 2 )) || { echo "events.sh: the cost is timed on two cores at once, and this machine has $(nproc); --sizes \"\" skips it" >&2; exit 2; }
mkdir -p "$work"
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
swift build -c release --package-path "$here/.." --product store >&2
bin="$here/../.build/release"

background=()
if [[ -d "$data/extraction-dev" && -d "$data/dates-dev" ]]; then
    swift build -c release --package-path "$here/.." --product parser >&2
    python3 "$here/unpack_devset.py" "$data/extraction-dev" "$work/pages" >/dev/null
    mkdir -p "$work/date-pages"
    for page in "$data"/dates-dev/html/*.html.gz; do
        target="$work/date-pages/$(basename "$page" .gz)"
        [[ -s "$target" ]] || gunzip -c "$page" > "$target"
    done
    [[ -s "$work/devtexts.jsonl" ]] || "$bin/parser" extract "$work/pages" > "$work/devtexts.jsonl" 2>/dev/null
    [[ -s "$work/datetexts.jsonl" ]] || "$bin/parser" extract "$work/date-pages" > "$work/datetexts.jsonl" 2>/dev/null
    python3 - "$work/devtexts.jsonl" "$work/datetexts.jsonl" > "$work/background.jsonl" <<'PY'
import json, sys
seen = set()
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        record = json.loads(line)
        text = record.get("text") or ""
        if text[:200] not in seen:
            seen.add(text[:200])
            print(json.dumps({"text": text, "language": record.get("language")}, ensure_ascii=False))
PY
    background=(--background "$work/background.jsonl")
else
    echo "the dev sets are not here ($data): only the hand-written evaluation runs, without real background stories, real pages or the cost figures" >&2
fi

python3 "$here/events_eval.py" build "$work/eval.jsonl" "$work/truth.json"
[[ ${#background[@]} -gt 0 ]] && python3 "$here/events_eval.py" build "$work/eval-background.jsonl" "$work/truth-background.json" "${background[@]}"
for threshold in 0.2 0.25 0.3; do
    for set in eval eval-background; do
        [[ -s "$work/$set.jsonl" ]] || continue
        truth="$work/truth.json"; [[ $set == eval-background ]] && truth="$work/truth-background.json"
        echo "== quality: event threshold $threshold, $([[ $set == eval ]] && echo "the hand-written evaluation" || echo "the same among the dev sets' real articles")"
        "$bin/store" dedup --events --event-threshold "$threshold" "$work/$set.jsonl" > "$work/$set-$threshold.jsonl"
        python3 "$here/events_eval.py" score "$truth" "$work/$set-$threshold.jsonl" --name "store dedup --events --event-threshold $threshold"
    done
done

[[ ${#background[@]} -gt 0 ]] || exit 0
echo "== real pages: what is linked among the dev sets' articles, with their own dates (default settings), judged by hand"
python3 "$here/events_eval.py" real "$work/real.jsonl" "$work/devtexts.jsonl" "$work/datetexts.jsonl"
"$bin/store" dedup --events "$work/real.jsonl" > "$work/real-out.jsonl"
python3 "$here/events_eval.py" real-score "$work/real.jsonl" "$work/real-out.jsonl" "$here/events/real-judgments.tsv"
echo "== real pages, all dated within one day (a dense stream: only the content keeps events apart)"
python3 "$here/events_eval.py" real "$work/real-one-day.jsonl" "$work/devtexts.jsonl" "$work/datetexts.jsonl" --one-day
"$bin/store" dedup --events "$work/real-one-day.jsonl" > "$work/real-one-day-out.jsonl"
python3 "$here/events_eval.py" real-score "$work/real-one-day.jsonl" "$work/real-one-day-out.jsonl" "$here/events/real-judgments.tsv"

echo "== cost: store dedup with and without --events at the same moment, one per core (taskset), index in a temporary SQLite file"
for size in $sizes; do
    corpus="$work/corpus-$size.jsonl"
    if [[ ! -s "$corpus" ]]; then
        python3 "$here/dedup_corpus.py" "$work/devtexts.jsonl" "$size" > "$corpus.partial"
        mv "$corpus.partial" "$corpus"
    fi
    # This machine's timings drift by a tenth within minutes, so runs in turn compare moments as
    # much as modes. A pair runs both modes at once, one on each core, under the same load, then
    # again with the cores swapped: what linking adds is each pair's ratio, and the figure is
    # their median (three rounds up to 100 000 documents, one at a million).
    rounds=1; [[ $size -le 100000 ]] && rounds=3
    rm -f "$work/pairs.txt"
    for round in $(seq "$rounds"); do
        for swap in 0 1; do
            /usr/bin/time -f "%e %M" -o "$work/time-plain.run" taskset -c "$swap" "$bin/store" dedup "$corpus" > "$work/out-plain-$size.jsonl" &
            plain=$!
            /usr/bin/time -f "%e %M" -o "$work/time-events.run" taskset -c $((1 - swap)) "$bin/store" dedup --events "$corpus" > "$work/out-events-$size.jsonl" &
            events=$!
            wait "$plain"; wait "$events"  # each run's own status: one that fails stops the script
            echo "$(cat "$work/time-plain.run") $(cat "$work/time-events.run")" >> "$work/pairs.txt"
        done
    done
    python3 - "$size" "$work/pairs.txt" "$work/out-events-$size.jsonl" <<'PY'
import json, statistics, sys
size = int(sys.argv[1])
pairs = [[float(v) for v in line.split()] for line in open(sys.argv[2]) if line.strip()]
ratios = sorted(events / plain for plain, _, events, _ in pairs)
plain = statistics.median(p[0] for p in pairs)
events = statistics.median(p[2] for p in pairs)
linked = sum(1 for line in open(sys.argv[3]) if (r := json.loads(line)) and r.get("duplicate_of") is None and r.get("event") != r.get("id"))
print(f"{size:>9} docs, {len(pairs)} pairs: store dedup {plain * 1e6 / size:7.1f} µs/doc, with --events {events * 1e6 / size:7.1f} µs/doc (medians); "
      f"linking adds {(statistics.median(ratios) - 1) * 100:+.0f} % (median of the pairs; each: {', '.join(f'{(r - 1) * 100:+.0f}' for r in ratios)} %); "
      f"peak RSS {max(p[1] for p in pairs) / 1024:.0f} → {max(p[3] for p in pairs) / 1024:.0f} MiB; {linked} stories linked to an event")
PY
done
