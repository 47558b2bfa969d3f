#!/usr/bin/env bash
# Builds Wharf and runs the registry benchmark against the real binary on loopback, on
# SQLite + disk, on PostgreSQL + Garage (S3) with one replica, and with two replicas behind
# nginx, alternating them (issue 12): seeding 10,000 packages x 10 versions, reads under 64
# connections (requests/s, p99), a 1 GiB upload (server peak RSS) and download throughput
# against a disk read and a presigned redirect.
# Scale down with BENCH_PACKAGES, BENCH_VERSIONS, BENCH_SECONDS, BENCH_ROUNDS,
# BENCH_FILE_MIB; BENCH_SHARED=0 measures SQLite + disk only.
source "$(dirname "$0")/lib/setup.sh"
source "$(dirname "$0")/lib/services.sh"
trap 'stop_services; [ -n "${services_dir:-}" ] && rm -rf "$services_dir"' EXIT
build_server
if [ "${BENCH_SHARED:-1}" != 0 ]; then
  ensure_service_tools
  ensure_apt nginx-light
  services_dir="$(mktemp -d)"
  # PostgreSQL with its default durability, like SQLite's.
  start_postgres durable
  start_garage "$services_dir/garage"
  BENCH_DATABASE_URL="$(create_database bench_registry)"
  export BENCH_DATABASE_URL BENCH_BLOB_STORE="s3://$WHARF_TEST_S3_BUCKET/bench-registry"
fi
"$CARGO_TARGET_DIR/release/bench-registry" "$WHARF_BIN"
