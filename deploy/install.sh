#!/usr/bin/env bash
# Installs Wireroom as systemd services on this machine (Debian 12), from the source tree it
# sits in: release build, binaries in /usr/local/bin, units in /etc/systemd/system, a system
# user `wireroom`, config in /etc/wireroom (wireroom.env, the API token), state in
# /var/lib/wireroom (systemd's StateDirectory). Safe to run again: it rebuilds and reinstalls
# the binaries and units, and keeps the config and token it finds.
#
#   deploy/install.sh                      coordinator machine: coordinator API, store, 1 fetcher, N parsers
#   deploy/install.sh --workers URL        worker machine: fetchers and parsers using the coordinator at URL
#                                          (copy /etc/wireroom/token from the coordinator machine first)
#   options: --fetchers N (default 1), --parsers N (default: number of cores), --no-build, --no-start,
#            --bin DIR (install the binaries built in DIR, e.g. on another machine; implies --no-build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
coordinator_url=""
fetchers=1
parsers="$(nproc)"
build=1
start=1
bin=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --workers) coordinator_url="${2:?--workers needs the coordinator URL, e.g. http://10.0.0.5:8470}"; shift 2 ;;
        --fetchers) fetchers="${2:?}"; shift 2 ;;
        --parsers) parsers="${2:?}"; shift 2 ;;
        --no-build) build=0; shift ;;
        --bin) bin="${2:?--bin needs the directory of built binaries}"; build=0; shift 2 ;;
        --no-start) start=0; shift ;;
        *) echo "install.sh: unknown argument $1 (see the comment at the top of this file)" >&2; exit 2 ;;
    esac
done
[[ $EUID -eq 0 ]] || { echo "install.sh: run as root (it installs units and a system user)" >&2; exit 1; }
[[ "$fetchers" =~ ^[0-9]+$ && "$parsers" =~ ^[0-9]+$ ]] || { echo "install.sh: --fetchers and --parsers take a number" >&2; exit 2; }

if [[ $build -eq 1 ]]; then
    source "$root/scripts/install-deps.sh"
    swift build -c release --package-path "$root"
fi
[[ -n "$bin" ]] || bin="$(swift build -c release --package-path "$root" --show-bin-path)"
for program in coordinator fetcher parser store; do
    [[ -x "$bin/$program" ]] || { echo "install.sh: no $program in $bin (build first, or pass --bin DIR)" >&2; exit 1; }
done
install -d /usr/local/bin /etc/wireroom /usr/local/share/doc/wireroom
for program in coordinator fetcher parser store; do
    install -m 0755 "$bin/$program" "/usr/local/bin/$program"
done
install -m 0644 "$root/README.md" /usr/local/share/doc/wireroom/README.md
install -m 0644 "$here"/wireroom.target "$here"/wireroom-*.service /etc/systemd/system/

getent group wireroom >/dev/null || groupadd --system wireroom
getent passwd wireroom >/dev/null || useradd --system --gid wireroom --home-dir /var/lib/wireroom --shell /usr/sbin/nologin wireroom
if [[ ! -f /etc/wireroom/wireroom.env ]]; then
    install -m 0640 -g wireroom "$here/wireroom.env.example" /etc/wireroom/wireroom.env
    [[ -n "$coordinator_url" ]] && sed -i "s|^WIREROOM_COORDINATOR=.*|WIREROOM_COORDINATOR=$coordinator_url|" /etc/wireroom/wireroom.env
fi
if [[ ! -f /etc/wireroom/token ]]; then
    if [[ -n "$coordinator_url" ]]; then
        echo "install.sh: copy /etc/wireroom/token from the coordinator machine here (mode 0640, root:wireroom), then run again" >&2
        exit 1
    fi
    (umask 027; openssl rand -hex 32 > /etc/wireroom/token)
    chgrp wireroom /etc/wireroom/token
fi

systemctl daemon-reload
units=()
[[ -z "$coordinator_url" ]] && units+=(wireroom-coordinator.service wireroom-store.service)
for i in $(seq 1 "$fetchers"); do units+=("wireroom-fetcher@$i.service"); done
for i in $(seq 1 "$parsers"); do units+=("wireroom-parser@$i.service"); done
systemctl enable wireroom.target "${units[@]}"
if [[ $start -eq 1 ]]; then
    systemctl restart wireroom.target "${units[@]}"
    systemctl --no-pager status wireroom.target "${units[@]}" | head -40 || true
fi
echo "installed: ${units[*]}"
echo "config: /etc/wireroom/wireroom.env; state: /var/lib/wireroom; logs: journalctl -u 'wireroom-*'"
echo "next: sudo -u wireroom WIREROOM_DB=/var/lib/wireroom/queue.sqlite coordinator add URL…  (then: coordinator stats --watch)"
