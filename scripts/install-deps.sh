#!/usr/bin/env bash
# Installs the Debian packages Wireroom builds and tests against; does nothing when all are there.
# Swift itself (6.3, at /opt/swift on our machines) is expected to be installed.
set -euo pipefail

packages=(pkg-config libsqlite3-dev zlib1g-dev libzstd-dev libidn2-dev libcurl4-openssl-dev libssl-dev libxml2-dev libcld2-dev libmimalloc-dev util-linux python3)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} > 0)) || [[ "${1:-}" == "--update" ]]; then
    sudo=""
    [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
    $sudo apt-get update
    if ((${#missing[@]} > 0)); then
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
    fi
fi
command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
command -v swift >/dev/null || { echo "swift not found: install Swift 6.3 (https://swift.org/install)" >&2; exit 1; }
