#!/usr/bin/env bash
# One command: makes the benchmark news site (Benchmarks/bench_site.py, 20 000 pages), serves it with nginx on
# 127.0.0.1:8089, builds release binaries, and measures curl --parallel, the fetch engine and the
# fetch worker over the same pages in the same run.  Usage: Benchmarks/fetch.sh [PAGES]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pages="${1:-20000}"
work="${BENCH_DIR:-$(mktemp -d /var/tmp/wireroom-fetch-bench.XXXXXX)}"
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }  # GNU time measures each command
[[ -f "$work/site/urls.txt" ]] || python3 "$here/bench_site.py" "$work/site" --pages "$pages" >&2
"$here/serve_site.sh" start "$work/site" >&2
trap '"$here/serve_site.sh" stop >&2' EXIT
swift build -c release --package-path "$here/.." >&2
swift build -c release --package-path "$here" --product FetchBenchmark >&2
"$here/.build/release/FetchBenchmark" --urls "$work/site/urls.txt" --directory "$work" \
    --fetcher "$here/../.build/release/fetcher" --coordinator "$here/../.build/release/coordinator"
