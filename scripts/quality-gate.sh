#!/usr/bin/env bash
# The quality gate: `parser extract` over a fixed sample of every dev set (200 pages each of
# extraction-dev, Dragnet, CleanEval and the date set), failing when a figure falls below its
# floor in Benchmarks/quality-floors.json. The floors are the figures the extractor reached,
# less a little for pages that hit their time budget on a slower machine; raise them when
# quality rises.
# Usage: scripts/quality-gate.sh [PARSER]   (default: this checkout's release build)
# The dev sets are evaluation data kept beside the repository (../shared/data, or
# $WIREROOM_EVAL_DATA); where they are not, the gate says so and does not run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="${WIREROOM_EVAL_DATA:-$root/../shared/data}"
if [[ ! -d "$data/extraction-dev" || ! -d "$data/extraction-gold" || ! -d "$data/dates-dev" ]]; then
    echo "quality gate NOT RUN: no evaluation data at $data (set WIREROOM_EVAL_DATA to the folder holding extraction-dev, extraction-gold and dates-dev)"
    exit 0
fi
parser="${1:-}"
if [[ -z "$parser" ]]; then
    swift build -c release --package-path "$root" --product parser >&2
    parser="$root/.build/release/parser"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$root/Benchmarks/quality.py" --data "$data" --parser "$parser" --work "$work" --sample 200 \
    --gate "$root/Benchmarks/quality-floors.json"
