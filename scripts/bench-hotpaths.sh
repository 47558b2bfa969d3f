#!/usr/bin/env bash
# Builds Wharf and runs the hot-path benchmark (issue 15): small downloads, package
# metadata (200 and 304) and a large download against Debian's nginx serving the same
# bytes as static files, alternating, measured by wrk at 200 connections and curl; then a
# mixed load (downloads, metadata, uploads, 404s) for 60 s with its errors, p50/p99 and
# the server's peak RSS. On SQLite + disk, then on PostgreSQL + Garage (S3).
# Scale with BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_LOAD_SECONDS,
# BENCH_FILE_MIB; BENCH_SHARED=0 measures SQLite + disk only. About 10 minutes.
source "$(dirname "$0")/lib/setup.sh"
source "$(dirname "$0")/lib/services.sh"
trap 'stop_services; [ -n "${services_dir:-}" ] && rm -rf "$services_dir"' EXIT
# wrk: the load generator; nginx-light: the reference; curl: large transfers.
ensure_apt wrk nginx-light curl
build_server
if [ "${BENCH_SHARED:-1}" != 0 ]; then
  ensure_service_tools
  services_dir="$(mktemp -d)"
  start_postgres durable
  start_garage "$services_dir/garage"
  BENCH_DATABASE_URL="$(create_database bench_hotpaths)"
  export BENCH_DATABASE_URL BENCH_BLOB_STORE="s3://$WHARF_TEST_S3_BUCKET/bench-hotpaths"
fi
"$CARGO_TARGET_DIR/release/bench-hotpaths" "$WHARF_BIN"
