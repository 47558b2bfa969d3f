#!/usr/bin/env bash
# Runs every test: formatting and lints, the unit and integration tests (real SQLite, real
# files, real HTTP on loopback), the same server tests again on PostgreSQL and an S3 store
# (Garage), and the Playwright suite in Debian's Chromium against the real server.
# Installs what is missing first, like scripts/run.sh.
source "$(dirname "$0")/lib/setup.sh"
source "$(dirname "$0")/lib/services.sh"
trap stop_services EXIT

ensure_build_tools
ensure_test_tools
ensure_service_tools
build_spa
build_server
cd "$WHARF_ROOT"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (server and domain; the UI with its browser feature)"
cargo clippy --locked --release --all-targets -- -D warnings
cargo clippy --locked --release -p app --features csr --all-targets -- -D warnings

step "unit and integration tests (SQLite, local disk)"
cargo test --locked --release

step "the server's tests again on PostgreSQL and S3 (throw-away PostgreSQL and Garage)"
services_dir="$(mktemp -d)"
start_postgres
start_garage "$services_dir/garage"
cargo test --locked --release -p server
stop_services
rm -rf "$services_dir"

step "REST API fuzzing (schemathesis against /api/openapi.json)"
WHARF_BIN="$WHARF_BIN" WHARF_CACHE="$WHARF_CACHE" "$WHARF_ROOT/scripts/fuzz-api.sh"

step "end-to-end tests (Playwright, Chromium)"
(cd end2end && WHARF_BIN="$WHARF_BIN" WHARF_DIST_DIR="$WHARF_ROOT/dist" npx playwright test)

step "all tests passed"
