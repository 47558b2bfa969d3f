#!/usr/bin/env bash
# Builds Wharf and runs the registry benchmark against the real binary on loopback:
# seeding 10,000 packages x 10 versions, reads under 64 connections (requests/s, p99),
# a 1 GiB upload (server peak RSS) and download throughput against a disk read.
# Scale down with BENCH_PACKAGES, BENCH_VERSIONS, BENCH_SECONDS, BENCH_FILE_MIB.
source "$(dirname "$0")/lib/setup.sh"
build_server
"$CARGO_TARGET_DIR/release/bench-registry" "$WHARF_BIN"
