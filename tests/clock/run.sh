#!/usr/bin/env bash
# Run the non-browser suite with the system clock set to instants that are hard for calendars.
#
#   bash tests/clock/run.sh                      # every instant below
#   bash tests/clock/run.sh '2028-02-29 12:00:00'  # one instant (UTC)
#
# The clock starts at each instant and runs on (libfaketime "@" form); the monotonic clock is left
# alone, since thread timeouts in the suite wait on it. Debian's libfaketime 0.9.10 fails every
# sleep with EINVAL when told not to fake the monotonic clock, so we preload the newer build that
# the libfaketime package from PyPI carries (requirements-dev.txt). SQLite only: PostgreSQL's
# server keeps the real clock.
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
LIB=$("$PY" -c 'import libfaketime, os; print(os.path.join(os.path.dirname(libfaketime.__file__), "vendor", "libfaketime", "src", "libfaketime.so.1"))')
[ -f "$LIB" ] || { echo "libfaketime's library not found at $LIB"; exit 2; }

if [ $# -gt 0 ]; then
  INSTANTS=("$@")
else
  INSTANTS=(
    "2027-03-28 00:30:00"  # 01:30 in Paris, half an hour before spring forward
    "2027-03-28 01:30:00"  # 03:30 in Paris: 02:30 does not exist that night
    "2027-10-31 00:30:00"  # 02:30 in Paris, the first time (summer time)
    "2027-10-31 01:30:00"  # 02:30 in Paris, the second time (winter time)
    "2028-02-29 12:00:00"  # a leap day
    "2026-12-31 23:59:00"  # the last minute of a year in UTC (00:59 on 1 January in Paris)
    "2027-01-05 09:00:00"  # the first Tuesday of a month
    "2026-12-08 09:00:00"  # the second Tuesday of a month
    "2026-12-08 23:10:00"  # still Tuesday in UTC, already Wednesday 00:10 in Paris (for the next 50 minutes)
    "2027-04-03 19:30:00"  # Sunday 08:30 in Auckland, 4 April, the night New Zealand leaves summer time
  )
fi

status=0
for instant in "${INSTANTS[@]}"; do
  echo "== clock at $instant UTC"
  if ! env TZ=UTC LD_PRELOAD="$LIB" FAKETIME="@$instant" FAKETIME_DONT_FAKE_MONOTONIC=1 \
      "$PY" -m pytest --ignore=tests/e2e -q -p no:cacheprovider ${PYTEST_ARGS:-}; then
    status=1
    echo "!! failures with the clock at $instant UTC"
  fi
done
exit $status
