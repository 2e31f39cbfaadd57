#!/usr/bin/env bash
# End to end, one command: the benchmark news site of Benchmarks/bench_site.py (20 000 pages, nginx on
# 127.0.0.1:8089) through fetch → parse → store with N fetchers and P parsers (one store worker),
# on the embedded SQLite default; pages/s, CPU and peak memory of every process, and the stage
# that limits; next to trafilatura's own command-line crawler (`trafilatura -i urls.txt`, 2.3.1
# from PyPI in a virtual environment made here) over the same URLs in the same run.
#
#   Benchmarks/e2e.sh [--fetchers 1] [--parsers 2] [--pages 20000] [--trafilatura-parallel 4] [--no-trafilatura]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fetchers=1 parsers=2 pages=20000 traf_parallel=4 trafilatura=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --fetchers) fetchers="$2"; shift 2 ;;
        --parsers) parsers="$2"; shift 2 ;;
        --pages) pages="$2"; shift 2 ;;
        --trafilatura-parallel) traf_parallel="$2"; shift 2 ;;
        --no-trafilatura) trafilatura=0; shift ;;
        *) echo "e2e.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
work="${BENCH_DIR:-/var/tmp/wireroom-e2e-bench}"
mkdir -p "$work"
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
site="$work/site-$pages"
[[ -f "$site/urls.txt" ]] || python3 "$here/bench_site.py" "$site" --pages "$pages" >&2
"$here/serve_site.sh" start "$site" >&2
run="$work/run"
rm -rf "$run" && mkdir -p "$run"
pids=()
# Each worker runs under GNU time, which writes its figures when the worker exits: the signal goes
# to the worker (time's child), not to time.
stop_workers() {
    for pid in "${pids[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; done
    wait "${pids[@]}" 2>/dev/null || true
    pids=()
}
finish() {
    stop_workers
    "$here/serve_site.sh" stop >&2 || true
}
trap finish EXIT
swift build -c release --package-path "$here/.." >&2
bin="$(swift build -c release --package-path "$here/.." --show-bin-path)"
export WIREROOM_DB="$run/queue.sqlite" WIREROOM_STORE_DB="$run/articles.sqlite"
"$bin/coordinator" add --file "$site/urls.txt" >/dev/null
"$bin/coordinator" hosts 127.0.0.1:8089 --delay 0 --concurrency 256 >/dev/null   # our own site: no politeness pause

measure() {  # measure NAME COMMAND…: runs in the background under GNU time (wall, user, sys, peak RSS KiB)
    local name="$1"; shift
    /usr/bin/time -f "%e %U %S %M" -o "$run/$name.time" "$@" 2>"$run/$name.log" &
    pids+=($!)
}
start=$(date +%s.%N)
for i in $(seq 1 "$fetchers"); do measure "fetcher-$i" "$bin/fetcher" run --allow-loopback --in-flight 64; done
for i in $(seq 1 "$parsers"); do measure "parser-$i" "$bin/parser" run; done
measure store "$bin/store" run
"$bin/coordinator" wait --timeout 86400
end=$(date +%s.%N)
stop_workers
"$bin/coordinator" stats --json > "$run/stats.json"
"$bin/store" stats --json > "$run/store-stats.json"

if [[ $trafilatura -eq 1 ]]; then
    venv="$work/venv"
    [[ -x "$venv/bin/trafilatura" ]] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q "trafilatura==2.3.1" lxml_html_clean >&2; }
    settings="$("$venv/bin/python" -c 'import trafilatura, os; print(os.path.join(os.path.dirname(trafilatura.__file__), "settings.cfg"))')"
    # Our own site: no pause between requests to one host, loopback allowed.
    sed -e 's/^SLEEP_TIME = .*/SLEEP_TIME = 0/' -e 's/^SSRF_PROTECTION = .*/SSRF_PROTECTION = off/' "$settings" > "$run/e2e.cfg"
    rm -rf "$run/trafilatura-out"
    traf_start=$(date +%s.%N)
    /usr/bin/time -f "%e %U %S %M" -o "$run/trafilatura.time" "$venv/bin/trafilatura" --config-file "$run/e2e.cfg" \
        -i "$site/urls.txt" -o "$run/trafilatura-out" --json --with-metadata --parallel "$traf_parallel" 2>"$run/trafilatura.log" || true
    traf_end=$(date +%s.%N)
    echo "$traf_start $traf_end $(find "$run/trafilatura-out" -type f 2>/dev/null | wc -l)" > "$run/trafilatura.span"
fi

python3 - "$run" "$start" "$end" "$pages" "$fetchers" "$parsers" "$traf_parallel" <<'PY'
import glob, json, os, sys
run, start, end, pages, fetchers, parsers, traf_parallel = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
wall = end - start
stats = json.load(open(os.path.join(run, "stats.json")))
store = json.load(open(os.path.join(run, "store-stats.json")))
stages = stats["stages"]
print(f"End to end: {pages} pages of Benchmarks/bench_site.py's site (nginx, 127.0.0.1:8089), {os.cpu_count()} cores")
print()
print(f"Wireroom, {fetchers} fetcher(s), {parsers} parser(s), 1 store worker, SQLite queue on this machine:")
print(f"  {stages['store']['done']} articles stored ({store['duplicates']} found to be copies of {store['clusters_with_copies']} stories), "
      f"{stages['fetch']['dead'] + stages['parse']['dead'] + stages['store']['dead']} jobs dead, in {wall:.1f} s: {stages['store']['done'] / wall:.0f} pages/s")
print(f"  {'process':12} {'CPU s':>8} {'CPU/wall':>9} {'peak RSS':>10}")
busy = {}
for path in sorted(glob.glob(os.path.join(run, "*.time"))):
    name = os.path.basename(path)[:-5]
    if name == "trafilatura":
        continue
    fields = open(path).read().split()[-4:]
    elapsed, user, system, rss = float(fields[0]), float(fields[1]), float(fields[2]), int(fields[3])
    cpu = user + system
    stage = name.split("-")[0]
    busy.setdefault(stage, []).append(cpu / wall)
    print(f"  {name:12} {cpu:8.1f} {cpu / wall:9.2f} {rss / 1024:8.0f} MiB")
total = sum(sum(v) for v in busy.values())
limit = max(busy, key=lambda s: sum(busy[s]))
print(f"  the pipeline used {total:.2f} of {os.cpu_count()} cores; the limiting stage is the one with most of that CPU: "
      f"{limit} ({100 * sum(busy[limit]) / total:.0f}%, {100 * sum(busy[limit]) / len(busy[limit]):.0f}% of a core per process)")
span = os.path.join(run, "trafilatura.span")
if os.path.exists(span):
    t0, t1, files = open(span).read().split()
    t_wall = float(t1) - float(t0)
    fields = open(os.path.join(run, "trafilatura.time")).read().split()[-4:]
    print()
    print(f"trafilatura 2.3.1, `trafilatura -i urls.txt --json --with-metadata --parallel {traf_parallel}` (fetch + extract, no deduplication):")
    print(f"  {int(files)} documents written in {t_wall:.1f} s: {int(files) / t_wall:.0f} pages/s; CPU {float(fields[1]) + float(fields[2]):.1f} s, peak RSS {int(fields[3]) / 1024:.0f} MiB")
    print()
    print(f"Wireroom / trafilatura: {(stages['store']['done'] / wall) / (int(files) / t_wall):.1f}× the pages per second")
PY
