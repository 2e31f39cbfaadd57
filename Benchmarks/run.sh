#!/usr/bin/env bash
# One command: builds release binaries, measures the raw SQLite reference and the queue in the
# same run, and prints the figures side by side.  Usage: Benchmarks/run.sh [--urls N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="${BENCH_DIR:-$(mktemp -d /var/tmp/wireroom-bench.XXXXXX)}"
swift build -c release --package-path "$here/.." --product coordinator >&2
swift build -c release --package-path "$here" >&2
python3 "$here/reference_sqlite.py" "$work" > "$work/reference.json"
"$here/.build/release/QueueBenchmark" run --directory "$work" --reference "$work/reference.json" \
    --coordinator "$here/../.build/release/coordinator" "$@"
rm -rf "$work"
