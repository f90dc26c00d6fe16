#!/usr/bin/env bash
# Creates .venv for the interop tests (aiortc, aiosmtpd, websockets, pytest) when missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."
req=Tests/Interop/requirements.txt
stamp=.venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "python-venv: .venv up to date"
  exit 0
fi
python3 -m venv .venv 2>/dev/null || { echo "python-venv: python3 -m venv failed" >&2; exit 1; }
.venv/bin/pip install -q --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
echo "python-venv: installed $(wc -l < "$req") requirements"
