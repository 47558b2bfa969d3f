#!/usr/bin/env bash
# Runs Wharf the way a team outgrowing one machine would, all on this machine: a
# throw-away PostgreSQL, a one-node Garage (S3-compatible object store), two stateless
# `wharf serve` replicas on them, and nginx in front, alternating between the replicas.
# Prints the address, runs until Ctrl-C, then stops everything it started. Nothing is kept.
#   ./scripts/cluster.sh            # nginx on http://127.0.0.1:8080 (WHARF_CLUSTER_PORT)
source "$(dirname "$0")/lib/setup.sh"
source "$(dirname "$0")/lib/services.sh"

ensure_build_tools
ensure_service_tools
ensure_apt nginx-light
build_spa
build_server

work="$(mktemp -d)"
replicas=()
nginx_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  for pid in "${replicas[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${replicas[@]}"; do wait "$pid" 2>/dev/null; done
  stop_services
  rm -rf "$work"
}
trap cleanup EXIT

step "starting PostgreSQL and Garage"
start_postgres
start_garage "$work/garage"
psql "$WHARF_TEST_POSTGRES/postgres" -qc "CREATE DATABASE wharf" >/dev/null

export WHARF_DATABASE_URL="$WHARF_TEST_POSTGRES/wharf"
export WHARF_BLOB_STORE="s3://$WHARF_TEST_S3_BUCKET/wharf"
export WHARF_DIST_DIR="$WHARF_ROOT/dist"
# Replicas share the server key: one data directory holds it (nothing else lives there).
export WHARF_DATA_DIR="$work/shared"
port="${WHARF_CLUSTER_PORT:-8080}"
export WHARF_PUBLIC_URL="http://127.0.0.1:$port"

upstreams=""
for n in 1 2; do
  p="$(free_port)"
  WHARF_LISTEN="127.0.0.1:$p" "$WHARF_BIN" serve >"$work/replica-$n.log" 2>&1 &
  replicas+=($!)
  upstreams+="    server 127.0.0.1:$p;"$'\n'
  step "replica $n on http://127.0.0.1:$p (log: $work/replica-$n.log)"
done
for n in 1 2; do
  for _ in $(seq 1 100); do
    grep -q "listening" "$work/replica-$n.log" && break
    sleep 0.2
  done
done

mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events {}
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  upstream wharf {
$upstreams    keepalive 16;
  }
  server {
    listen 127.0.0.1:$port;
    client_max_body_size 0;
    location / {
      proxy_pass http://wharf;
      proxy_http_version 1.1;
      proxy_set_header Host \$http_host;
      proxy_set_header Connection "";
      proxy_request_buffering off;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" &
nginx_pid=$!
step "Wharf on http://127.0.0.1:$port: nginx alternating over two replicas on PostgreSQL and Garage (Ctrl-C stops all)"
wait "$nginx_pid"
