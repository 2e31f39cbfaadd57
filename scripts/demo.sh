#!/usr/bin/env bash
# The main job on the embedded default, as far as it is built: a small news site made from the
# shared seed stories (../shared/bench/make_site.py) served on 127.0.0.1:8089, the bundled sample
# sources (its feed, sitemap, home page, a few articles) added to a queue database in ./state,
# then a fetcher, a parser and a store worker running until the queue is drained, and what
# `coordinator stats`, `store stats`, a search and a stored article then show.
# Offline: everything stays on 127.0.0.1.
# Safe to re-run: URLs already in the queue are reported as known, not fetched twice.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release --product coordinator
swift build -c release --product fetcher
swift build -c release --product parser
swift build -c release --product store
bin=.build/release
state="$PWD/state"
export WIREROOM_DB="${WIREROOM_DB:-$state/queue.sqlite}"
mkdir -p "$state"

site="$state/site"
if [[ ! -f "$site/urls.txt" ]]; then
    bench="$PWD/../shared/bench"
    [[ -f "$bench/make_site.py" ]] || { echo "the sample site is made by $bench/make_site.py, which is missing" >&2; exit 1; }
    echo "== making the sample site in $site"
    python3 "$bench/make_site.py" "$site" --pages 40 --hosts 2 >/dev/null
fi
echo "== serving it on 127.0.0.1:8089"
python3 -m http.server 8089 --bind 127.0.0.1 --directory "$site" >"$state/site.log" 2>&1 &
server=$!
workers=()
cleanup() {
    for pid in "${workers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait "${workers[@]}" 2>/dev/null || true
    kill "$server" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', 8089), 0.2)" 2>/dev/null && break; sleep 0.1; done

echo "== adding the sample sources (${1:-samples/sources.txt})"
"$bin/coordinator" add --file "${1:-samples/sources.txt}" || true
# Our own site: several fetches at once and no pause between them (its robots.txt could still ask for one).
"$bin/coordinator" hosts 127.0.0.1:8089 --delay 0 --concurrency 8 >/dev/null

echo "== running a fetcher, a parser and a store worker until the queue is drained"
"$bin/fetcher" run --allow-loopback --in-flight 8 2>"$state/fetcher.log" &
workers+=($!)
"$bin/parser" run 2>"$state/parser.log" &
workers+=($!)
"$bin/store" run 2>"$state/store.log" &
workers+=($!)
pending() {
    "$bin/coordinator" stats --json | python3 -c '
import json, sys
stages = json.load(sys.stdin)["stages"]
print(sum(stages[s].get(k, 0) for s in ("fetch", "parse", "store") for k in ("queued", "leased", "retry")))'
}
for _ in $(seq 240); do
    left=$(pending)
    printf "\r   jobs left to fetch, parse or store: %-6s" "$left"
    [[ "$left" == 0 ]] && break
    sleep 1
done
echo
cleanup
trap - EXIT

echo
echo "== coordinator stats"
"$bin/coordinator" stats
echo
echo "== store stats"
"$bin/store" stats
echo
echo "== store search Lukashenko (the best three stories)"
"$bin/store" search Lukashenko --limit 3 || true
echo
echo "== one stored article"
"$bin/store" export > "$state/articles.jsonl"
python3 -c '
import json, sys
article = json.loads(sys.stdin.readline())
print("title:    ", article.get("title"))
print("url:      ", article.get("url"))
print("published:", article.get("published"), " language:", article.get("language"), " cluster:", article.get("cluster"))
print(article.get("text", "")[:600], "…")' < "$state/articles.jsonl"
echo
echo "The queue database is $WIREROOM_DB, the articles are in $state/articles.sqlite (exported to $state/articles.jsonl); worker logs are in $state. Try:"
echo "  $bin/coordinator stats --json"
echo "  $bin/store search 'prison OR leak'"
echo "  $bin/store export --include-duplicates | head"
echo "  $bin/coordinator hosts"
