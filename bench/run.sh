#!/usr/bin/env bash
# `make bench`: Debian's wrk (installed if missing), then bench/run.py writes bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq wrk >/dev/null
fi
exec .venv/bin/python bench/run.py "$@"
