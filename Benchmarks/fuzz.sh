#!/usr/bin/env bash
# One command: fuzz one of the project's parsers of untrusted input with libFuzzer (Swift's
# -sanitize=fuzzer,address), from a corpus seeded with the tests' inputs and, when it is there,
# ../shared/data's pages. Prints executions, their rate and findings; exit 1 on a finding, whose
# input is copied to Tests/Fixtures/fuzz/TARGET/ (FuzzFindingsTests replays every such input).
# Leak detection is off: the Swift runtime's one-time caches (regexes, metadata) read as leaks.
#   Benchmarks/fuzz.sh TARGET SECONDS      targets: url robots feed page page-charset dedup-line event-text iso-date api-request
#   Benchmarks/fuzz.sh all SECONDS         each target in turn
#   Benchmarks/fuzz.sh all 20000runs       a fixed number of runs each, seed 1
#   Benchmarks/fuzz.sh ci                  what CI runs: fixed runs per target, seed 1
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/.."
target="${1:?usage: Benchmarks/fuzz.sh TARGET|all SECONDS, or Benchmarks/fuzz.sh ci}"
seconds="${2:-}"
[[ "$target" == ci || -n "$seconds" ]] || { echo "usage: Benchmarks/fuzz.sh TARGET|all SECONDS, or Benchmarks/fuzz.sh ci" >&2; exit 2; }
work="${FUZZ_DIR:-/var/tmp/wireroom-fuzz}"
targets=(url robots feed page page-charset dedup-line event-text iso-date api-request)
if [[ "$target" == ci ]]; then
    # CI: a fixed number of runs each (seed 1) from a fresh corpus, about half a minute a target
    # on a 2-core machine.
    export FUZZ_DIR="$(mktemp -d)"
    status=0
    for name in url robots feed dedup-line event-text iso-date api-request; do "$0" "$name" 100000runs || status=1; done
    for name in page page-charset; do "$0" "$name" 600runs || status=1; done
    exit $status
fi
if [[ "$target" == all ]]; then
    status=0
    for name in "${targets[@]}"; do "$0" "$name" "$seconds" || status=1; done
    exit $status
fi
[[ " ${targets[*]} " == *" $target "* ]] || { echo "unknown target '$target'; one of: ${targets[*]}" >&2; exit 2; }

command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
swift build --package-path "$here/Fuzz" -c debug -Xswiftc -sanitize=fuzzer,address >&2
binary="$(swift build --package-path "$here/Fuzz" -c debug --show-bin-path)/WireroomFuzz"

corpus="$work/corpus/$target"
mkdir -p "$corpus" "$work/findings/$target"
seed() { printf '%s' "$2" > "$corpus/seed-$1"; }
case "$target" in
    url)
        i=0; grep -hv '^#' "$root/samples/sources.txt" | while read -r line; do [[ -n "$line" ]] && seed "$((i++))" "$line"; done
        seed a 'http://[fe80::1%25eth0]/'; seed b 'https://bücher.de/a/./b/../c?utm_source=x&id=3#top'; seed c 'http://[::ffff:1.2.3.4]:8080/x' ;;
    robots) seed a $'User-agent: *\nDisallow: /private\nAllow: /private/ok$\nCrawl-delay: 2\nSitemap: https://news.example/sitemap.xml\n' ;;
    feed)
        seed rss '<?xml version="1.0"?><rss version="2.0"><channel><ttl>30</ttl><item><link>https://n.example/a</link></item></channel></rss>'
        seed atom '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="/b"/></entry></feed>'
        seed sitemap '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://n.example/s</loc></url></urlset>'
        seed json '{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "https://n.example/j"}]}' ;;
    page|page-charset)
        prefix=""; [[ "$target" == page-charset ]] && prefix=$'windows-1251\n'
        seed a "${prefix}<html><head><title>T | Site</title><meta property=\"article:published_time\" content=\"2024-05-06\"></head><body><article><p>Story text here.</p></article></body></html>"
        pages="$root/../shared/data/extraction-dev/html"
        if [[ -d "$pages" ]]; then
            find "$pages" -maxdepth 1 -type f | sort | head -100 | while IFS= read -r file; do
                head -c 65536 "$file" > "$corpus/dev-$(basename "$file" | tr -c 'A-Za-z0-9._-' '_')"
            done || true  # head ends the listing early: find's SIGPIPE is expected
        else
            echo "(../shared/data/extraction-dev is not here: seeding from the tests' pages only)" >&2
        fi ;;
    dedup-line) seed a '{"id": "a", "title": "T", "text": "Line one.\nLine \"two\" \u00e9", "published": "2024-05-06T10:00:00+02:00"}' ;;
    event-text)
        seed a $'fr\nLe ferry Nordlicht s\'est échoué mardi au large de Sylt avec 212 passagers ; 14 blessés, 23 222 km, 4,5 %, le 10 août.'
        seed b $'ru\nЛукашенко встретился с Тихановской 15. August; Karpenkow, By_Pol, KGB 100\u202F000.' ;;
    iso-date) seed a '2024-05-06T10:00:00.123+02:00'; seed b '2024-02-30'; seed c '20240506T100000Z' ;;
    api-request)
        seed lease '{"stage":"fetch","worker":"w","limit":5,"leaseSeconds":60}'
        seed complete '{"completions":[{"jobID":1,"leaseToken":"t","followOns":[{"type":"discovered","url":"https://x/","kind":"page","priority":1},{"type":"unchanged"}]}]}'
        seed enqueue '{"urls":[{"url":"https://example.org/a","priority":1e20}]}'
        seed fail '{"jobID":1,"leaseToken":"t","failure":{"errorClass":"x","message":"m","retryable":true,"retryAfter":1e308}}' ;;
esac

# SECONDS may be a count of runs instead ("20000runs"): the same inputs on every machine (seed 1),
# which is what CI uses, so its verdict does not depend on the machine's speed.
if [[ "$seconds" == *runs ]]; then budget=(-runs="${seconds%runs}" -seed=1); else budget=(-max_total_time="$seconds"); fi
echo "== fuzzing $target (${budget[*]})"
log="$work/$target.log"
started="$work/$target.started"  # findings are the files this run wrote, not those of earlier runs
touch "$started"
set +e
( cd "$work/findings/$target" && ASAN_OPTIONS=detect_leaks=0 WIREROOM_FUZZ_TARGET="$target" "$binary" "$corpus" "${budget[@]}" -timeout=1 -detect_leaks=0 \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 ) > "$log" 2>&1
status=$?
set -e
executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
findings=$(find "$work/findings/$target" -maxdepth 1 -newer "$started" -regextype egrep -regex '.*/(crash|timeout|leak|oom|slow-unit)-.*' | wc -l)
echo "$target: $executions executions, $rate/s, findings: $findings (log: $log)"
if (( status != 0 || findings > 0 )); then
    mkdir -p "$root/Tests/Fixtures/fuzz/$target"
    find "$work/findings/$target" -maxdepth 1 -type f -newer "$started" -exec cp {} "$root/Tests/Fixtures/fuzz/$target/" \;
    tail -40 "$log" >&2
    exit 1
fi
