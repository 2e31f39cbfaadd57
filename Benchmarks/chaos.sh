#!/usr/bin/env bash
# One command: the chaos run (Benchmarks/chaos.py) on release binaries: the pipeline through
# `coordinator serve` on a local test site, a random process killed with SIGKILL every
# 0.3-1.2 s for at least --kills kills, then the books checked.
#   Benchmarks/chaos.sh [--kills 100] [--pages 400] [--fetchers 2] [--parsers 2] [--storage-trouble | --read-only]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --package-path "$here/.." >&2
exec python3 "$here/chaos.py" --bin "$(swift build -c release --package-path "$here/.." --show-bin-path)" "$@"
