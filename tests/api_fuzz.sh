#!/usr/bin/env bash
# A bounded schemathesis run against the API served by gunicorn on PostgreSQL (called by .ci/run).
#
# Its own database (dropped and created, migrated with `flask db upgrade`), seeded by tests/api_fuzz_seed.py,
# a bearer token from `flask create-token`, a free loopback port. The run is stateful (OpenAPI links), seeded
# (FUZZ_SEED), and fails on any 5xx answer and on any answer that does not match the document. The server is
# stopped whatever happens.
#
# Settings: FUZZ_PG (server URL, default postgres@127.0.0.1:5432), FUZZ_DB (default schemathesis_fuzz),
# FUZZ_SEED (default 20261126), FUZZ_EXAMPLES (hypothesis examples per operation, default 25),
# FUZZ_CHECKS (default not_a_server_error,response_schema_conformance).
set -euo pipefail
cd "$(dirname "$0")/.."

PG=${FUZZ_PG:-postgres@127.0.0.1:5432}
DB=${FUZZ_DB:-schemathesis_fuzz}
SEED=${FUZZ_SEED:-20261126}
EXAMPLES=${FUZZ_EXAMPLES:-25}
CHECKS=${FUZZ_CHECKS:-not_a_server_error,response_schema_conformance}
BIN=.venv/bin
WORK=$(mktemp -d)
SERVER_PID=

stop() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap stop EXIT INT TERM

psql -q -d "postgresql://$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export DATABASE_URL="postgresql+psycopg://$PG/$DB"
export CLUBAPP_SECRET_KEY=${CLUBAPP_SECRET_KEY:-$(openssl rand -hex 32)}
export CLUBAPP_LOGIN_RATE_LIMIT=${CLUBAPP_LOGIN_RATE_LIMIT:-"1000 per minute"}  # the run exercises POST /tokens too
$BIN/flask --app wsgi db upgrade >/dev/null 2>&1
$BIN/python -m tests.api_fuzz_seed | grep '^FUZZ_' >"$WORK/seed.env"
# shellcheck disable=SC1091
source "$WORK/seed.env"
TOKEN=$($BIN/flask --app wsgi create-token "$FUZZ_EMAIL" --label fuzz | tail -n 1)

PORT=$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$BIN/gunicorn --workers 2 --bind "127.0.0.1:$PORT" --timeout 60 --error-logfile "$WORK/gunicorn.log" \
  --capture-output wsgi:app &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 60); do
  curl -fsS -o /dev/null "$BASE/api/v1/openapi.json" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/gunicorn.log"; exit 1; }
  sleep 0.5
done

# Path parameters: the seeded objects most of the time, generated values otherwise.
quoted() { printf '"%s", ' "$@"; }
cat >"$WORK/schemathesis.toml" <<EOF
[cache]
enabled = false

[dictionaries.club_id]
values = ["$FUZZ_CLUB_ID"]
[dictionaries.series_id]
values = ["$FUZZ_SERIES_ID"]
[dictionaries.user_id]
values = ["$FUZZ_MEMBER_ID", "$FUZZ_PRESIDENT_ID"]
[dictionaries.referral_id]
values = ["$FUZZ_REFERRAL_ID"]
[dictionaries.meeting_id]
values = [$(quoted $FUZZ_MEETING_IDS)]

[parameters]
"path.club_id" = { dictionary = "club_id", probability = 0.7 }
"path.series_id" = { dictionary = "series_id", probability = 0.7 }
"path.user_id" = { dictionary = "user_id", probability = 0.7 }
"path.referral_id" = { dictionary = "referral_id", probability = 0.7 }
"path.meeting_id" = { dictionary = "meeting_id", probability = 0.7 }
EOF

status=0
timeout 600 $BIN/schemathesis --config-file "$WORK/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
  --url "$BASE" \
  --header "Authorization: Bearer $TOKEN" \
  --checks "$CHECKS" \
  --phases examples,coverage,fuzzing,stateful \
  --seed "$SEED" --max-examples "$EXAMPLES" --generation-database none \
  --workers 2 --request-timeout 30 --no-color --output-truncate true || status=$?

if grep -q "Traceback\|Exception on" "$WORK/gunicorn.log"; then
  echo "== server errors logged by gunicorn:"
  grep -B2 -A30 "Exception on" "$WORK/gunicorn.log" | head -200
  status=1
fi
exit "$status"
