#!/usr/bin/env bash
# Fuzzes the REST API from its own OpenAPI document: starts a real Wharf on a free port with
# a throw-away data directory and a seeded account (repositories, a package, a version, a
# file, attributes), then runs schemathesis against /api/openapi.json with Basic auth.
# Fails on any 5xx, any answer whose status, Content-Type or body the document does not
# describe, and any request slower than the timeout (a hang). Deterministic and bounded:
# a fixed seed and a fixed number of examples per operation.
#
#   WHARF_BIN=target/debug/wharf ./scripts/fuzz-api.sh
#
# Settings (environment): WHARF_BIN (default: the release build under $WHARF_CACHE),
# FUZZ_MAX_EXAMPLES (per operation and phase, default 60), FUZZ_SEED (default 20261130),
# FUZZ_WORKERS (default 1: deterministic order), FUZZ_REQUEST_TIMEOUT (seconds, default 10),
# FUZZ_PHASES (default examples,coverage,fuzzing,stateful).
# The report (JUnit XML, and the server's log) stays in $WHARF_CACHE/fuzz-report.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WHARF_CACHE="${WHARF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wharf}"
SCHEMATHESIS_VERSION="4.32.5"
VENV="$WHARF_CACHE/venv-schemathesis"
WHARF_BIN="${WHARF_BIN:-${CARGO_TARGET_DIR:-$WHARF_CACHE/target}/release/wharf}"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-60}"
SEED="${FUZZ_SEED:-20261130}"
WORKERS="${FUZZ_WORKERS:-1}"
REQUEST_TIMEOUT="${FUZZ_REQUEST_TIMEOUT:-10}"
PHASES="${FUZZ_PHASES:-examples,coverage,fuzzing,stateful}"
REPORT_DIR="$WHARF_CACHE/fuzz-report"
# The whole run is stopped after this many seconds, whatever schemathesis does.
HARD_LIMIT=600

say() { printf '[fuzz-api] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ -x "$WHARF_BIN" ] || die "no wharf binary at $WHARF_BIN (build it, or set WHARF_BIN)"
command -v curl >/dev/null || die "curl is needed"

# schemathesis, pinned, in a venv of its own: installed only when missing.
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -qw "$SCHEMATHESIS_VERSION"; then
  command -v python3 >/dev/null || die "python3 is needed to install schemathesis"
  say "installing schemathesis $SCHEMATHESIS_VERSION into $VENV (one-time)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/wharf-fuzz.XXXXXX")"
SERVER_PID=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export WHARF_DATA_DIR="$WORK/data" WHARF_LISTEN="127.0.0.1:0" WHARF_DIST_DIR="$WORK/dist"
export WHARF_LOG_FORMAT=text WHARF_LOG="info,sqlx=warn" WHARF_GC_INTERVAL_SECONDS=0
unset WHARF_CONFIG WHARF_PUBLIC_URL WHARF_API_URL WHARF_DOWNLOAD_URL WHARF_REGISTRY_DOMAIN
mkdir -p "$WHARF_DIST_DIR"
echo '<!DOCTYPE html><html><head><title>Wharf</title></head><body></body></html>' \
  >"$WHARF_DIST_DIR/index.html"

FUZZ_USER="fuzzer" # as named in scripts/lib/schemathesis.toml
KEY="$(WHARF_PASSWORD="fuzz-password-$SEED" "$WHARF_BIN" user add "$FUZZ_USER" | tail -n1)"
[ -n "$KEY" ] || die "wharf user add printed no API key"

# The server stops when its standard input (this fifo, held open on fd 3) closes, so it
# cannot outlive this script even if the script is killed.
mkfifo "$WORK/stdin"
"$WHARF_BIN" serve --stop-on-stdin-eof <"$WORK/stdin" >"$WORK/stdout" 2>"$WORK/server.log" &
SERVER_PID=$!
exec 3>"$WORK/stdin"
BASE=""
for _ in $(seq 1 300); do
  BASE="$(sed -n 's/^Wharf is listening on \(http:[^ ]*\).*/\1/p' "$WORK/stdout" | head -n1)"
  [ -n "$BASE" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "wharf did not start"; }
  sleep 0.1
done
[ -n "$BASE" ] || die "wharf printed no address within 30 s"
say "wharf (pid $SERVER_PID) at $BASE"

# Seeds what authenticated operations should find, so the fuzzer reaches real code.
api() { # METHOD PATH [curl args...]: fails on a non-2xx answer
  local method=$1 path=$2; shift 2
  curl -sS --fail-with-body -u "$FUZZ_USER:$KEY" -X "$method" "$BASE$path" "$@" >/dev/null ||
    die "seeding failed: $method $path"
}
api POST /repos/$FUZZ_USER/generic -d '{"type":"generic","desc":"fuzzing"}'
api POST /repos/$FUZZ_USER/maven -d '{"type":"maven"}'
api POST /packages/$FUZZ_USER/generic -d '{"name":"tool","desc":"a tool","licenses":["MIT"]}'
api POST /packages/$FUZZ_USER/maven -d '{"name":"lib"}'
api POST /packages/$FUZZ_USER/generic/tool/versions -d '{"name":"1.0"}'
printf 'fuzz me\n' >"$WORK/file.txt"
api PUT "/content/$FUZZ_USER/generic/tool/1.0/tool.txt?publish=1" --data-binary @"$WORK/file.txt"
api PUT "/content/$FUZZ_USER/generic/tool/2.0/readme.txt" --data-binary @"$WORK/file.txt"
api POST /packages/$FUZZ_USER/generic/tool/attributes \
  -d '[{"name":"os","values":["linux"],"type":"string"}]'
api POST /packages/$FUZZ_USER/generic/tool/versions/1.0/attributes \
  -d '[{"name":"build","values":[7],"type":"number"}]'

mkdir -p "$REPORT_DIR"
rm -f "$REPORT_DIR"/*
say "schemathesis $SCHEMATHESIS_VERSION: phases $PHASES, $MAX_EXAMPLES examples per operation," \
  "seed $SEED, $WORKERS workers, request timeout ${REQUEST_TIMEOUT}s"
started=$SECONDS
set +e
(
  cd "$WORK" # schemathesis keeps a cache in its working directory
  timeout "$HARD_LIMIT" "$VENV/bin/schemathesis" \
    --config-file "$ROOT/scripts/lib/schemathesis.toml" \
    run "$BASE/api/openapi.json" \
    --url "$BASE" \
    --auth "$FUZZ_USER:$KEY" \
    --phases "$PHASES" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --generation-database none \
    --suppress-health-check filter_too_much \
    --workers "$WORKERS" \
    --request-timeout "$REQUEST_TIMEOUT" \
    --no-color \
    --report junit --report-dir "$REPORT_DIR"
)
status=$?
set -e
cp "$WORK/server.log" "$REPORT_DIR/server.log"
say "schemathesis took $((SECONDS - started)) s"
if [ "$status" = 124 ]; then
  die "the fuzz run did not finish within $HARD_LIMIT s (a hang?); server log: $REPORT_DIR/server.log"
fi
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  die "wharf died during the run; its log: $REPORT_DIR/server.log"
fi
if [ "$status" != 0 ]; then
  if grep -q "request failed" "$REPORT_DIR/server.log"; then
    say "server-side errors (from its log):"
    grep "request failed" "$REPORT_DIR/server.log" | sort | uniq -c | sort -rn | head -n 20 >&2
  fi
  die "schemathesis found failures (exit $status); report in $REPORT_DIR"
fi
say "no failures"
