#!/usr/bin/env bash
# Installs schemathesis from PyPI into a venv under .local/ (once; pinned) and runs `st` with the given
# arguments, e.g. scripts/fuzz/schemathesis.sh run docs/openapi/console.openapi.json --url http://127.0.0.1:8090
# scripts/fuzz/run.ts (npm run fuzz) calls it against the gateway and the console it started.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="${FUZZ_VENV:-$ROOT/.local/fuzz-venv}"
VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
fi
exec "$VENV/bin/st" "$@"
