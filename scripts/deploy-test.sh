#!/usr/bin/env bash
# Deployment tried for real: boots a Debian 12 system with systemd as PID 1 (a debootstrap root
# under systemd-nspawn, its own network namespace), runs deploy/install.sh in it with the release
# binaries built here, starts wireroom.target, adds the sample site's sources (the site served
# inside the container), stops wireroom.target in the middle of the crawl (every unit must stop
# cleanly with no lease left), starts it again and shows `coordinator stats` once every article is
# stored; then checks that a worker killed with SIGKILL is restarted by systemd. Needs root, debootstrap and systemd-container (installed if missing) and
# a Debian mirror for the first debootstrap (the root is kept in $WIREROOM_DEPLOY_DIR, default
# /var/tmp/wireroom-deploy, for later runs). Where no container can be booted (no mirror for
# debootstrap, no namespaces) it says so and exits 0 without testing.   Usage: scripts/deploy-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir="$PWD"
[[ $EUID -eq 0 ]] || { echo "deploy-test: run as root (it boots a container)" >&2; exit 1; }
command -v debootstrap >/dev/null && command -v systemd-nspawn >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap systemd-container >/dev/null
work="${WIREROOM_DEPLOY_DIR:-/var/tmp/wireroom-deploy}"
machine="$work/root"
mkdir -p "$work"
# The binaries' runtime libraries; a root kept from a run that predates one of them is made anew.
runtime=(libcurl4 libxml2 libcld2-0 libsqlite3-0 libzstd1 libidn2-0 libmimalloc2.0)
for package in "${runtime[@]}"; do
    [[ ! -d "$machine/var/lib/dpkg" ]] || dpkg-query --admindir="$machine/var/lib/dpkg" -W -f='${Status}' "$package" 2>/dev/null |
        grep -q "install ok installed" || { rm -rf "$machine"; break; }
done
if [[ ! -x "$machine/lib/systemd/systemd" ]]; then
    echo "== debootstrap: Debian 12 with systemd in $machine"
    debootstrap --variant=minbase --include="systemd,systemd-sysv,dbus,$(IFS=,; echo "${runtime[*]}"),openssl,python3,procps,iproute2" \
        bookworm "$machine" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
        { tail -5 "$work/debootstrap.log" >&2; echo "deploy-test: skipped: debootstrap could not make a Debian root here" >&2; rm -rf "$machine"; exit 0; }
fi
source scripts/install-deps.sh
echo "== building release binaries"
swift build -c release >"$work/build.log" 2>&1 || { tail -40 "$work/build.log" >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)"
# A fresh deployment each run: no state, config, units or enablement left from the last one.
rm -rf "$machine/var/lib/wireroom" "$machine/etc/wireroom" "$machine/wr-bin" "$machine"/var/log/journal/* "$machine"/etc/systemd/system/wireroom* \
    "$machine"/etc/systemd/system/*.wants/wireroom*
mkdir -p "$machine/wr-bin"
cp "$bin"/{coordinator,fetcher,parser,store} "$machine/wr-bin/"

echo "== booting the container (systemd as PID 1)"
systemd-nspawn --quiet --boot --register=no --keep-unit --console=passive --private-network --directory "$machine" --machine wireroom-deploy \
    --bind-ro="$root_dir:/src" --bind-ro=/opt/swift >"$work/boot.log" 2>&1 &
nspawn=$!
cleanup() { kill "$nspawn" 2>/dev/null || true; wait "$nspawn" 2>/dev/null || true; }
trap cleanup EXIT
leader=""
for _ in $(seq 300); do
    leader=$(ps -o pid= --ppid "$nspawn" | head -1 | tr -d ' ' || true)
    [[ -n "$leader" ]] && [[ "$(cat "/proc/$leader/comm" 2>/dev/null)" == systemd ]] && break
    sleep 0.1
done
[[ -n "$leader" ]] || { cat "$work/boot.log" >&2; echo "deploy-test: skipped: systemd-nspawn cannot boot a container here" >&2; exit 0; }
inside() { nsenter --target "$leader" --all --setuid 0 --setgid 0 env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin "$@"; }
for _ in $(seq 300); do
    state=$(inside systemctl is-system-running 2>/dev/null || true)
    [[ "$state" == running || "$state" == degraded ]] && break
    sleep 0.2
done
[[ "$state" == running || "$state" == degraded ]] || { echo "deploy-test: systemd in the container never finished booting ($state)" >&2; exit 1; }
echo "   systemd in the container: $state ($(inside systemctl --version | head -1))"

echo "== deploy/install.sh --bin (in the container)"
inside /src/deploy/install.sh --bin /wr-bin --fetchers 1 --parsers 1 --no-start >"$work/install.log" 2>&1 || { tail -30 "$work/install.log" >&2; exit 1; }
tail -3 "$work/install.log" | sed 's/^/   /'
# The sample site runs in the container, on its loopback: this deployment's fetcher may reach it.
inside sed -i 's|^WIREROOM_FETCHER_ARGS=.*|WIREROOM_FETCHER_ARGS="--in-flight 16 --allow-loopback"|' /etc/wireroom/wireroom.env
inside systemd-run --quiet --unit wireroom-sample-site python3 /src/samples/sample_site.py serve /run/sample-site --port 8089
inside systemctl restart wireroom.target wireroom-coordinator wireroom-store wireroom-fetcher@1 wireroom-parser@1
echo "   units: $(inside systemctl is-active wireroom-coordinator wireroom-store wireroom-fetcher@1 wireroom-parser@1 | tr '\n' ' ')"
sleep 1
# Commands as the service user, on the deployment's databases.
as_wireroom() { inside runuser -u wireroom -- env WIREROOM_DB=/var/lib/wireroom/queue.sqlite WIREROOM_STORE_DB=/var/lib/wireroom/articles.sqlite "$@"; }
articles() { as_wireroom store stats --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])' || echo 0; }
# Stops wireroom.target; prints the seconds it took, the units' results and the leases left.
stop_target() {
    local started; started=$(date +%s.%N)
    inside systemctl stop wireroom.target
    python3 -c "import time; print(round(time.time() - $started, 1))"
    inside systemctl show -p Result --value wireroom-coordinator wireroom-store wireroom-fetcher@1 wireroom-parser@1 | xargs
    as_wireroom coordinator stats --json | python3 -c 'import json, sys; print(sum(s["leased"] for s in json.load(sys.stdin)["stages"].values()))'
}
as_wireroom coordinator add --file /src/samples/sources.txt || true
# Half a second between fetches of one outlet: the crawl lasts long enough to be stopped midway.
for outlet in koerier eastwire northradio dispatch; do
    as_wireroom coordinator hosts "$outlet.localhost:8089" --delay 0.5 --concurrency 1 >/dev/null
done
pages=0
for _ in $(seq 100); do
    pages=$(inside cat /run/sample-site/truth.jsonl 2>/dev/null | wc -l)
    [[ "$pages" -gt 0 ]] && break
    sleep 0.1
done

echo "== systemctl stop wireroom.target in the middle of the crawl drains"
for _ in $(seq 300); do [[ "$(articles)" -ge 3 ]] && break; sleep 0.1; done
{ read -r mid_seconds; read -r mid_results; read -r mid_leased; } < <(stop_target)
mid_stored=$(articles)
echo "   stopped in $mid_seconds s with $mid_stored of $pages articles stored; results: $mid_results; leases left: $mid_leased"
inside journalctl -u 'wireroom-*' --no-pager -o cat | grep -E "stopping|stopped" | sed 's/^/   journal: /' | tail -4
echo "== started again: the crawl goes on where it stopped"
inside systemctl start wireroom.target
as_wireroom coordinator wait --timeout 120 >/dev/null || true
echo "== coordinator stats (in the container)"
as_wireroom coordinator stats | sed 's/^/   /'
stored=$(articles)

echo "== a worker killed with SIGKILL is restarted by systemd"
before=$(inside systemctl show -p MainPID --value wireroom-parser@1)
inside kill -KILL "$before"
after=""
for _ in $(seq 100); do
    after=$(inside systemctl show -p MainPID --value wireroom-parser@1)
    [[ "$after" != 0 && "$after" != "$before" && "$(inside systemctl is-active wireroom-parser@1)" == active ]] && break
    sleep 0.2
done
restarts=$(inside systemctl show -p NRestarts --value wireroom-parser@1)
echo "   wireroom-parser@1: pid $before killed, now pid $after, restarts $restarts, $(inside systemctl is-active wireroom-parser@1)"

echo "== systemctl stop wireroom.target"
{ read -r seconds; read -r results; read -r leased; } < <(stop_target)
echo "   stopped in $seconds s; results: $results; leases left: $leased"

failed=0
[[ "$mid_stored" -lt "$pages" ]] || { echo "deploy-test: the crawl was over before the stop ($mid_stored of $pages): no drain was tested" >&2; failed=1; }
[[ "$mid_results" == "success success success success" && "$mid_leased" == 0 ]] ||
    { echo "deploy-test: the stop in the middle of the crawl was not clean: $mid_results; $mid_leased leases left" >&2; failed=1; }
[[ "$stored" == "$pages" ]] || { echo "deploy-test: $stored articles stored, the site has $pages" >&2; failed=1; }
[[ "$after" != 0 && "$after" != "$before" && "$restarts" -ge 1 ]] || { echo "deploy-test: the killed worker was not restarted" >&2; failed=1; }
[[ "$results" == "success success success success" && "$leased" == 0 ]] || { echo "deploy-test: the last stop was not clean: $results; $leased leases left" >&2; failed=1; }
inside systemctl poweroff || true
[[ $failed == 0 ]] && echo "deploy-test: passed: a stop mid-crawl drained and the crawl went on after it; $stored articles stored by the systemd deployment; a killed worker restarted"
exit $failed
