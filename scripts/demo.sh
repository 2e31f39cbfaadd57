#!/usr/bin/env bash
# The main job in one command, on the embedded default (one SQLite queue file, every stage on this
# machine), offline: builds the sample site (samples/sample_site.py: four news outlets on
# *.localhost host names carrying the seed stories and their syndicated copies, with the page
# chrome such sites have), serves it on 127.0.0.1, starts the coordinator's API and one fetcher,
# parser and store worker, adds the outlets' feeds and sitemaps (samples/sources.txt), shows
# progress until the pipeline is drained, then prints `coordinator stats`, the stories as stored,
# each with its copies, and what to try next.
#
#   scripts/demo.sh             the sample site
#   scripts/demo.sh urls.txt    your own URL list instead (one per line, # comments)
#   scripts/demo.sh --serve     then keeps the coordinator's API and status page up until Ctrl-C
#
# Safe to re-run: URLs already in the queue are reported as known, not fetched twice.
# Settings for tests and scripts: WIREROOM_DEMO_STATE (default ./state), WIREROOM_DEMO_PORT
# (the site's port, default 8089), WIREROOM_DEMO_BUILD (release, or debug), WIREROOM_DEMO_BIN
# (a directory of built binaries: no build).
set -euo pipefail
serve=0
if [[ "${1:-}" == "--serve" ]]; then serve=1; shift; fi
cd "$(dirname "$0")/.."
root="$PWD"
source scripts/install-deps.sh
config="${WIREROOM_DEMO_BUILD:-release}"
state="${WIREROOM_DEMO_STATE:-$root/state}"
port="${WIREROOM_DEMO_PORT:-8089}"
mkdir -p "$state"
state="$(cd "$state" && pwd)"
if [[ -n "${WIREROOM_DEMO_BIN:-}" ]]; then
    bin="$WIREROOM_DEMO_BIN"  # binaries built already (the test of this script runs inside `swift test`)
else
    echo "== building ($config; the first build takes a few minutes)"
    for product in coordinator fetcher parser store; do
        swift build -c "$config" --product "$product" >"$state/build.log" 2>&1 || { cat "$state/build.log" >&2; exit 1; }
    done
    bin="$(swift build -c "$config" --show-bin-path)"
fi
export WIREROOM_DB="$state/queue.sqlite" WIREROOM_STORE_DB="$state/articles.sqlite"

site="$state/site-$port"
if [[ ! -f "$site/truth.jsonl" ]]; then
    echo "== building the sample site in $site"
    python3 samples/sample_site.py build "$site" --port "$port" >/dev/null
fi
if [[ -n "${1:-}" ]]; then
    sources="$1"
    [[ -r "$sources" ]] || { echo "cannot read the URL list $sources" >&2; exit 1; }
else
    sources="$state/sources-$port.txt"
    sed "s|localhost:8089/|localhost:$port/|g" samples/sources.txt > "$sources"
fi

pids=()
# SIGTERM: the workers finish what they hold and exit; whatever is still running 15 s later
# (a process started with SIGTERM ignored, as some test runners leave it) is killed.
site_server=""
cleanup() {
    [[ -n "$site_server" ]] && { kill -KILL "$site_server" 2>/dev/null || true; wait "$site_server" 2>/dev/null || true; site_server=""; }
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        timeout -s KILL 15 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    wait "${pids[@]}" 2>/dev/null || true
}
trap cleanup EXIT
echo "== serving the sample site on 127.0.0.1:$port (koerier, eastwire, northradio and dispatch .localhost)"
python3 samples/sample_site.py serve "$site" --port "$port" >"$state/site.log" 2>&1 &
site_server=$!
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break; sleep 0.1; done

[[ -s "$state/token" ]] || (umask 077; python3 -c 'import secrets; print(secrets.token_hex(32))' > "$state/token")
# The API and status page run during the crawl too (the workers use the queue file directly).
if python3 -c "import socket, sys; s = socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', 8470)) == 0)"; then
    "$bin/coordinator" serve --listen 127.0.0.1:8470 --token-file "$state/token" 2>"$state/coordinator.log" &
    pids+=($!)
fi

echo "== adding the sources ($sources)"
"$bin/coordinator" add --file "$sources" || true
# The sample outlets are ours: a short pause between fetches of one host (each outlet has its own).
for outlet in koerier eastwire northradio dispatch; do
    "$bin/coordinator" hosts "$outlet.localhost:$port" --delay 0.1 --concurrency 2 >/dev/null
done

echo "== running a fetcher, a parser and a store worker until the pipeline is drained"
"$bin/fetcher" run --allow-loopback --in-flight 8 2>"$state/fetcher.log" &
pids+=($!)
"$bin/parser" run 2>"$state/parser.log" &
pids+=($!)
"$bin/store" run 2>"$state/store.log" &
pids+=($!)
progress() {
    "$bin/coordinator" stats --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
st = s["stages"]
a = s["articles"] or {"articles": 0, "duplicates": 0}
print(s["open_jobs"], st["fetch"]["done"], st["parse"]["done"], a["articles"], a["duplicates"])'
}
drained=0
for _ in $(seq 600); do
    read -r left fetched parsed stored copies < <(progress)
    if [[ -t 1 ]]; then
        printf "\r   fetched %-5s parsed %-5s stored %-5s (duplicates %s), jobs left %-5s" "$fetched" "$parsed" "$stored" "$copies" "$left"
    fi
    [[ "$left" == 0 ]] && { drained=1; break; }
    sleep 0.5
done
[[ -t 1 ]] && echo
echo "   fetched $fetched, parsed $parsed, stored $stored articles ($copies duplicates of stories already stored)"
[[ $drained == 1 ]] || echo "   (stopped waiting after 5 minutes; $left jobs still open — they stay queued for the next run)"
cleanup
trap - EXIT

echo
echo "== coordinator stats"
"$bin/coordinator" stats
echo
"$bin/store" export --include-duplicates > "$state/articles.jsonl"
truth=()
[[ -z "${1:-}" ]] && truth=("$site/truth.jsonl")
python3 scripts/demo_report.py "$state/articles.jsonl" "${truth[@]}"
echo
echo "Where things are: the queue $WIREROOM_DB, the articles $WIREROOM_STORE_DB"
echo "(all of them as JSON Lines: $state/articles.jsonl), the worker logs in $state."
echo "Try next:"
echo "  export WIREROOM_DB=$WIREROOM_DB WIREROOM_STORE_DB=$WIREROOM_STORE_DB"
echo "  $bin/coordinator stats --watch            # a live view (Ctrl-C to stop)"
echo "  $bin/store search 'Lukashenko prison'     # full-text search, one hit a story"
echo "  $bin/store export --include-duplicates | head -3"
echo "  $bin/coordinator jobs --state dead        # what failed, and why"
echo "  $bin/coordinator hosts                    # extraction health per site, drift alarms"
echo "  scripts/demo.sh urls.txt                  # crawl your own URL list the same way"
if [[ $serve == 1 ]]; then
    echo
    echo "== the status page: http://127.0.0.1:8470/status (log in with the token in $state/token); Ctrl-C stops it"
    exec "$bin/coordinator" serve --listen 127.0.0.1:8470 --token-file "$state/token" 2>>"$state/coordinator.log"
fi
echo "  scripts/demo.sh --serve                   # this run, then the status page on http://127.0.0.1:8470/status"
