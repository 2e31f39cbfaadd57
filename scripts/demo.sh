#!/usr/bin/env bash
# The main job on the embedded default, as far as it is built: a queue database in ./state,
# the bundled sample sources added to it, and what `coordinator stats` then shows.
# (The fetcher, parser and store workers are not built yet; once they are, this script also
# serves the bundled sample site on 127.0.0.1 and runs every stage over it.)
# Safe to re-run: URLs already in the queue are reported as known, not added twice.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-deps.sh
swift build -c release --product coordinator
coordinator=.build/release/coordinator
export WIREROOM_DB="${WIREROOM_DB:-$PWD/state/queue.sqlite}"

echo "== adding the sample sources (${1:-samples/sources.txt}) to $WIREROOM_DB"
"$coordinator" add --file "${1:-samples/sources.txt}" || true
echo
echo "== coordinator stats"
"$coordinator" stats
echo
echo "== the newest jobs"
"$coordinator" jobs list --limit 5
echo
echo "The queue database is $WIREROOM_DB. Try:"
echo "  $coordinator stats --json"
echo "  $coordinator jobs show 1"
echo "  $coordinator pause 127.0.0.1:8089 && $coordinator resume 127.0.0.1:8089"
