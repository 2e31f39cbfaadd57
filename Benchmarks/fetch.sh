#!/usr/bin/env bash
# One command: makes the local news site (../shared/bench, 20 000 pages), serves it with nginx on
# 127.0.0.1:8089, builds release binaries, and measures curl --parallel, the fetch engine and the
# fetch worker over the same pages in the same run.  Usage: Benchmarks/fetch.sh [PAGES]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bench="$here/../../shared/bench"
[[ -e "$bench" ]] || { echo "the 20 000-page benchmark site generator is not here: $bench (this benchmark reads the evaluation data beside the repository, ../shared)" >&2; exit 2; }
pages="${1:-20000}"
work="${BENCH_DIR:-$(mktemp -d /var/tmp/wireroom-fetch-bench.XXXXXX)}"
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }  # GNU time measures each command
[[ -f "$work/site/urls.txt" ]] || python3 "$bench/make_site.py" "$work/site" --pages "$pages" >&2
"$bench/serve.sh" start "$work/site" >&2
trap '"$bench/serve.sh" stop >&2' EXIT
swift build -c release --package-path "$here/.." >&2
swift build -c release --package-path "$here" --product FetchBenchmark >&2
"$here/.build/release/FetchBenchmark" --urls "$work/site/urls.txt" --directory "$work" \
    --fetcher "$here/../.build/release/fetcher" --coordinator "$here/../.build/release/coordinator"
