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
exec "$WHARF_BIN" "${@:-serve}"
