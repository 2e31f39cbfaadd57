#!/usr/bin/env bash
# Several hosts on one machine: the coordinator in one network namespace, the fetch, parse and
# store workers in another, joined by a veth pair (10.231.0.1 ↔ 10.231.0.2), so the workers
# reach `coordinator serve` over a network interface, not loopback. The workers crawl the
# sample news site, served inside their own namespace on its loopback (the fetcher still
# allows loopback only). Passes when the queue drains with every article stored once.
# Needs root and iproute2; where namespaces cannot be made (an unprivileged container) it says
# so and exits 0 without testing.   Usage: scripts/netns-test.sh [--release]
set -euo pipefail
cd "$(dirname "$0")/.."
config=debug; [[ "${1:-}" == "--release" ]] && config=release
command -v ip >/dev/null || apt-get install -y -qq iproute2 >/dev/null
if ! ip netns add wr-probe 2>/dev/null; then
    echo "netns-test: skipped: cannot create network namespaces here (needs root and CAP_SYS_ADMIN)"
    exit 0
fi
ip netns del wr-probe
swift build -c "$config" >/dev/null 2>&1 || swift build -c "$config"
bin="$(swift build -c "$config" --show-bin-path)"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 1
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del wr-coord 2>/dev/null || true
    ip netns del wr-work 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add wr-coord
ip netns add wr-work
ip link add wr-veth-c type veth peer name wr-veth-w
ip link set wr-veth-c netns wr-coord
ip link set wr-veth-w netns wr-work
ip -n wr-coord addr add 10.231.0.1/24 dev wr-veth-c
ip -n wr-work addr add 10.231.0.2/24 dev wr-veth-w
for ns in wr-coord wr-work; do
    ip -n "$ns" link set lo up
done
ip -n wr-coord link set wr-veth-c up
ip -n wr-work link set wr-veth-w up

port=18089
openssl rand -hex 32 > "$work/token"
ip netns exec wr-work python3 samples/sample_site.py serve "$work/site" --port "$port" --max-seconds 600 &
pids+=($!)
for _ in $(seq 100); do ip netns exec wr-work bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && break; sleep 0.1; done
pages=$(wc -l < "$work/site/truth.jsonl")
db="$work/queue.sqlite"
outlets=(koerier eastwire northradio dispatch)
for outlet in "${outlets[@]}"; do
    "$bin/coordinator" add --db "$db" "http://$outlet.localhost:$port/feed.xml" "http://$outlet.localhost:$port/sitemap.xml"
    "$bin/coordinator" hosts --db "$db" "$outlet.localhost:$port" --delay 0 --concurrency 8 >/dev/null
done

ip netns exec wr-coord "$bin/coordinator" serve --db "$db" --listen 10.231.0.1:8470 --token-file "$work/token" 2>"$work/coordinator.log" &
pids+=($!)
for _ in $(seq 100); do ip netns exec wr-work bash -c 'exec 3<>/dev/tcp/10.231.0.1/8470' 2>/dev/null && break; sleep 0.1; done
remote=(--coordinator http://10.231.0.1:8470 --token-file "$work/token")
ip netns exec wr-work "$bin/fetcher" run --allow-loopback --in-flight 8 "${remote[@]}" 2>"$work/fetcher.log" &
workers=($!)
ip netns exec wr-work "$bin/parser" run "${remote[@]}" 2>"$work/parser.log" &
workers+=($!)
ip netns exec wr-work "$bin/store" run --store-db "$work/articles.sqlite" "${remote[@]}" 2>"$work/store.log" &
workers+=($!)
pids+=("${workers[@]}")

# The coordinator's loopback is not the workers' loopback: the API is only reachable over the veth.
if ip netns exec wr-work bash -c 'exec 3<>/dev/tcp/127.0.0.1/8470' 2>/dev/null; then
    echo "netns-test: the workers' namespace reaches 127.0.0.1:8470: namespaces are not separate" >&2; exit 1
fi
"$bin/coordinator" wait --db "$db" --timeout 120 --interval 0.2 || true
echo "connections from the workers' namespace during the run:"
ip netns exec wr-work ss -tn state established "( dport = :8470 )" | tail -n +2 | awk '{print "  " $3 " -> " $4}' | sort -u
# SIGTERM: each worker finishes what it holds, unregisters through the API and exits 0.
stopped=0
for pid in "${workers[@]}"; do
    kill -TERM "$pid"
    if timeout 20 tail --pid="$pid" -f /dev/null && wait "$pid"; then stopped=$((stopped + 1)); fi
done
echo "workers that stopped cleanly on SIGTERM: $stopped of ${#workers[@]}"
read -r left stored < <("$bin/coordinator" stats --db "$db" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["open_jobs"], s["stages"]["store"]["done"])')
articles=$("$bin/store" stats --store-db "$work/articles.sqlite" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])')
echo "open jobs: $left, store jobs done: $stored, articles stored: $articles (the sample site has $pages article pages)"
if [[ "$left" != 0 || "$stored" != "$pages" || "$articles" != "$stored" || "$stopped" != "${#workers[@]}" ]]; then
    echo "netns-test: FAILED" >&2
    for log in "$work"/*.log; do echo "== $log" >&2; tail -n 5 "$log" >&2; done
    exit 1
fi
echo "netns-test: passed: workers in namespace wr-work used the coordinator in wr-coord over 10.231.0.0/24"
