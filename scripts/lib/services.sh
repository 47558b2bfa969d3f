# The real services the scale-out tests and the local cluster use: a throw-away PostgreSQL
# cluster (Debian's postgresql) and a one-node Garage object store (S3-compatible), each
# on free loopback ports in a directory of its own, stopped by PID when the caller exits.
# Sourced after setup.sh (it uses step, die, ensure_apt, ensure_cargo_tool).

GARAGE_VERSION="2.5.0"
_service_pids=()
_pg_dir=""

ensure_service_tools() {
  ensure_apt postgresql
  # Garage is a Rust crate; built once (about 8 minutes on 2 cores), then skipped.
  ensure_cargo_tool garage garage "$GARAGE_VERSION" --locked
}

# free_port: prints a TCP port that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_services() {
  local pid
  for pid in "${_service_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${_service_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  _service_pids=()
  if [ -n "$_pg_dir" ] && [ -f "$_pg_dir/db/postmaster.pid" ]; then
    su postgres -s /bin/sh -c "$(pg_bin)/pg_ctl -D '$_pg_dir/db' -m fast -w stop" >/dev/null 2>&1 || true
  fi
  [ -n "$_pg_dir" ] && rm -rf "$_pg_dir"
  _pg_dir=""
}

pg_bin() {
  local major
  major="$(ls /usr/lib/postgresql | sort -n | tail -1)"
  echo "/usr/lib/postgresql/$major/bin"
}

# start_postgres: a fresh cluster in a directory of its own (removed by stop_services);
# exports WHARF_TEST_POSTGRES (the server URL, without a database: each test makes its own).
# With "durable" (the benchmarks), PostgreSQL keeps its default fsync and commit settings,
# so it is compared with SQLite on equal terms.
start_postgres() {
  local dir port bin speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${1:-}" = durable ] && speed=""
  bin="$(pg_bin)"
  port="$(free_port)"
  # PostgreSQL refuses to run as root: its own user owns the cluster, in a directory it
  # can reach (not under the caller's private mktemp folder).
  dir="$(mktemp -d "${TMPDIR:-/tmp}/wharf-pg.XXXXXX")"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  su postgres -s /bin/sh -c "$bin/initdb -D '$dir/db' -A trust -U postgres" >"$dir/initdb.log" 2>&1 ||
    die "initdb failed: see $dir/initdb.log"
  # Many test databases at once; for the tests, fsync off: a throw-away cluster need not
  # survive a crash.
  su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir/db' -w -l '$dir/log' -o \"-p $port -k '$dir' \
    -c listen_addresses=127.0.0.1 -c max_connections=400 $speed\" start" >/dev/null ||
    die "PostgreSQL did not start: see $dir/log"
  _pg_dir=$dir _pg_port=$port
  export WHARF_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port"
}

# create_database NAME: a new database in the cluster start_postgres made; prints its URL.
create_database() {
  su postgres -s /bin/sh -c "$(pg_bin)/psql -q -h 127.0.0.1 -p $_pg_port -U postgres \
    -c 'CREATE DATABASE $1'" >&2 || die "could not create database $1"
  echo "$WHARF_TEST_POSTGRES/$1"
}

# start_garage DIR: a one-node Garage with bucket "wharf" and a key for it; exports the
# AWS variables, WHARF_S3_ENDPOINT and WHARF_TEST_S3_BUCKET.
start_garage() {
  local dir=$1 rpc s3 admin conf node key_out
  rpc="$(free_port)"; s3="$(free_port)"; admin="$(free_port)"
  mkdir -p "$dir/meta" "$dir/data"
  conf="$dir/garage.toml"
  cat >"$conf" <<EOF
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc"
rpc_public_addr = "127.0.0.1:$rpc"
rpc_secret = "$(python3 -c 'import secrets; print(secrets.token_hex(32))')"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:$admin"
EOF
  RUST_LOG=warn garage -c "$conf" server >"$dir/log" 2>&1 &
  _service_pids+=($!)
  local i
  for i in $(seq 1 100); do
    node="$(garage -c "$conf" node id -q 2>/dev/null | cut -c1-16)" && [ -n "$node" ] && break
    sleep 0.2
  done
  [ -n "$node" ] || die "Garage did not start: see $dir/log"
  # The node id is read from disk; the layout commands need its RPC listener up.
  for i in $(seq 1 100); do
    garage -c "$conf" status >/dev/null 2>&1 && break
    sleep 0.2
  done
  garage -c "$conf" layout assign -z dc1 -c 1G "$node" >/dev/null
  garage -c "$conf" layout apply --version 1 >/dev/null
  garage -c "$conf" bucket create wharf >/dev/null
  key_out="$(garage -c "$conf" key create wharf-key)"
  garage -c "$conf" bucket allow --read --write --owner wharf --key wharf-key >/dev/null
  export AWS_ACCESS_KEY_ID="$(awk '/Key ID:/ {print $3}' <<<"$key_out")"
  export AWS_SECRET_ACCESS_KEY="$(awk '/Secret key:/ {print $3}' <<<"$key_out")"
  [ -n "$AWS_ACCESS_KEY_ID" ] && [ -n "$AWS_SECRET_ACCESS_KEY" ] || die "no Garage key in: $key_out"
  export AWS_REGION="garage" AWS_DEFAULT_REGION="garage"
  export WHARF_S3_ENDPOINT="http://127.0.0.1:$s3"
  export WHARF_TEST_S3_BUCKET="wharf"
}
