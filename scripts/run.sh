#!/usr/bin/env bash
# Sets up everything Wharf needs on this machine (skipping what is already there), builds
# it, and runs it on the embedded default: SQLite and blobs under ./data (WHARF_DATA_DIR),
# at http://127.0.0.1:8080 (WHARF_LISTEN). Extra arguments go to `wharf`.
source "$(dirname "$0")/lib/setup.sh"

ensure_build_tools
build_spa
build_server
step "set-up done; starting Wharf"
cd "$WHARF_ROOT"
export WHARF_DIST_DIR="${WHARF_DIST_DIR:-$WHARF_ROOT/dist}"
if [ "${WHARF_GITHUB_STANDIN:-}" = 1 ]; then
  # Try Import from GitHub without registering an OAuth app: the stand-in plays GitHub
  # (demo user octocat-demo) on 127.0.0.1:9090, and stops with Wharf.
  step "starting the GitHub stand-in on http://127.0.0.1:9090"
  "$(dirname "$WHARF_BIN")/github-standin" --listen 127.0.0.1:9090 --asset-listen 127.0.0.1:9091 \
    ${WHARF_GITHUB_STANDIN_ARGS:-} &
  standin=$!
  trap 'kill "$standin" 2>/dev/null' EXIT
  export WHARF_GITHUB_WEB_URL=http://127.0.0.1:9090 WHARF_GITHUB_API_URL=http://127.0.0.1:9090
  export WHARF_GITHUB_CLIENT_ID=wharf-demo WHARF_GITHUB_CLIENT_SECRET=wharf-demo-secret
  "$WHARF_BIN" "${@:-serve}"
  exit $?
fi
exec "$WHARF_BIN" "${@:-serve}"
