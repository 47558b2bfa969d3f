#!/usr/bin/env bash
# Builds Wharf and runs the Import-from-GitHub benchmarks against the GitHub stand-in:
#  1. bench-github: GitHub requests to list 500 repositories x 20 releases, against the
#     lower bound, cold and with the ETag cache warm;
#  2. bench-import: wall time of one import job of those 10,000 releases' metadata (and
#     a re-import, and an import with assets), on SQLite + disk and on PostgreSQL +
#     Garage (S3), alternating (BENCH_SHARED=0: SQLite only);
#  3. in Chromium, with 2,000 repositories x 20 releases loaded: click to the next
#     painted frame for ticking one release, one repository, and select all.
# Scale with BENCH_REPOS, BENCH_RELEASES (1, 2) and BENCH_TREE="2000:20" (3);
# BENCH_ASSETS=0 skips the import with assets.
source "$(dirname "$0")/lib/setup.sh"
source "$(dirname "$0")/lib/services.sh"
trap 'stop_services; [ -n "${services_dir:-}" ] && rm -rf "$services_dir"' EXIT
ensure_build_tools
build_spa
build_server
ensure_test_tools

step "bench-github: requests to list the repositories and their releases"
"$CARGO_TARGET_DIR/release/bench-github"

step "bench-import: importing the releases' metadata"
if [ "${BENCH_SHARED:-1}" != 0 ]; then
  ensure_service_tools
  services_dir="$(mktemp -d)"
  # PostgreSQL with its default durability, like SQLite's.
  start_postgres durable
  start_garage "$services_dir/garage"
  BENCH_DATABASE_URL="$(create_database bench_import)"
  export BENCH_DATABASE_URL BENCH_BLOB_STORE="s3://$WHARF_TEST_S3_BUCKET/bench-import"
fi
"$CARGO_TARGET_DIR/release/bench-import"
stop_services

step "Chromium: click to paint in the import tree (${BENCH_TREE:-2000:20})"
cd "$WHARF_ROOT/end2end"
WHARF_STANDIN_ARGS="--generate ${BENCH_TREE:-2000:20}" WHARF_DIST_DIR="$WHARF_ROOT/dist" \
  npx playwright test --config bench.config.ts
