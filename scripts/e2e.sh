#!/usr/bin/env bash
# Builds what changed and runs some of the Playwright suite in Chromium:
#   ./scripts/e2e.sh tests/import.spec.ts [more playwright arguments]
# (no argument: the whole suite). For working on the web UI; scripts/test.sh runs all.
source "$(dirname "$0")/lib/setup.sh"

ensure_build_tools
ensure_test_tools
build_spa
build_server
cd "$WHARF_ROOT/end2end"
WHARF_BIN="$WHARF_BIN" WHARF_DIST_DIR="$WHARF_ROOT/dist" npx playwright test "$@"
