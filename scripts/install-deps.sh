#!/usr/bin/env bash
# Installs the Debian packages Switchboard builds and tests against, only when missing.
# Idempotent; needs root (or sudo) on Debian 12. Usage: scripts/install-deps.sh [run|test]
set -euo pipefail
mode="${1:-run}"
packages=(pkg-config libssl-dev libsrtp2-dev libopus-dev libsqlite3-dev)
if [ "$mode" = "test" ]; then
  packages+=(python3-venv sip-tester chromium chromium-driver)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: system packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
