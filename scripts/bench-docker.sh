#!/usr/bin/env bash
# Builds Wharf and runs the Docker registry benchmark: skopeo pushes and pulls one image of
# 5 x 20 MiB layers and 200 tiny images to Wharf and to Debian's docker-registry
# (distribution 2.8, filesystem storage, htpasswd auth) on 127.0.0.1, alternating the two,
# with skopeo copying to a local directory as the baseline. Prints the throughput ratio
# Wharf / distribution per workload and both servers' peak RSS (about 10 minutes).
# Scale with BENCH_ROUNDS, BENCH_TINY, BENCH_LAYERS, BENCH_LAYER_MIB.
source "$(dirname "$0")/lib/setup.sh"
# skopeo: the client; docker-registry: the reference registry; apache2-utils: htpasswd.
ensure_apt skopeo docker-registry apache2-utils curl
build_server
"$CARGO_TARGET_DIR/release/bench-docker" "$WHARF_BIN"
