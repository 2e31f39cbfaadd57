#!/usr/bin/env bash
# Checks the systemd units in deploy/ with `systemd-analyze verify` (syntax, known directives,
# dependencies). verify also wants each ExecStart binary to exist: the units are checked in a
# scratch copy whose /usr/local/bin paths point at this tree's build. Any complaint fails.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { apt-get install -y -qq systemd >/dev/null; }
bin="$(swift build --show-bin-path)"
for program in coordinator fetcher parser store; do
    [[ -x "$bin/$program" ]] || swift build --product "$program"
done
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for unit in deploy/*.service deploy/*.target; do
    sed "s|/usr/local/bin/|$bin/|g" "$unit" > "$scratch/$(basename "$unit")"
done
complaints="$(cd "$scratch" && systemd-analyze verify ./*.target ./*.service 2>&1 || true)"
if [[ -n "$complaints" ]]; then
    echo "$complaints" >&2
    echo "verify-units: systemd-analyze found problems in deploy/" >&2
    exit 1
fi
echo "verify-units: deploy/ units verified by $(systemd-analyze --version | head -1)"
