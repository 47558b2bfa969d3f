# Shared set-up for scripts/run.sh and scripts/test.sh: installs what is missing, skips
# what is already there, and builds. Sourced, not run.
#
# Everything lands outside the clone except dist/ and end2end/node_modules/:
#   $WHARF_CACHE/target       host build (server, tests)
#   $WHARF_CACHE/target-wasm  the browser build
# so a fresh clone on a machine that has built Wharf before starts warm.

set -euo pipefail

WHARF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WHARF_CACHE="${WHARF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wharf}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$WHARF_CACHE/target}"
WASM_TARGET_DIR="$WHARF_CACHE/target-wasm"
TRUNK_VERSION="0.21.14"
WASM_TARGET="wasm32-unknown-unknown"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

_setup_started=$SECONDS
step() { printf '\n==> %s  [%ss]\n' "$*" "$((SECONDS - _setup_started))" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (install it by hand, or run as root)"
  fi
}

_apt_updated=0
# ensure_apt PKG...: installs the Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  step "apt-get install ${missing[*]}"
  if [ $_apt_updated = 0 ]; then as_root apt-get update -qq; _apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# ensure_cargo_tool BIN CRATE VERSION [cargo install flags...]
ensure_cargo_tool() {
  local bin=$1 crate=$2 version=$3; shift 3
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -qw "$version"; then
    return 0
  fi
  step "cargo install $crate $version (one-time, several minutes)"
  # Installed with the host target dir of its own so the project's cache stays small.
  CARGO_TARGET_DIR="$WHARF_CACHE/target-tools" cargo install "$crate" --version "$version" "$@" >&2
}

# The wasm-bindgen CLI must be exactly the version in Cargo.lock.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' \
    "$WHARF_ROOT/Cargo.lock"
}

# Chooses how to compile for the browser and exports what the build needs:
#  1. rustup's own wasm32 target (normal machines; tried first);
#  2. Debian's rustc-web with its std source, compiling std on the fly (machines whose
#     rustup cannot download, see shared/toolchain.md).
# WHARF_WASM_ROUTE=rustup|debian forces one.
WASM_ROUTE=""
ensure_wasm_toolchain() {
  local route="${WHARF_WASM_ROUTE:-}"
  if [ -z "$route" ] || [ "$route" = rustup ]; then
    if rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
      route=rustup
    elif [ -z "$route" ] || [ "$route" = rustup ]; then
      step "rustup target add $WASM_TARGET"
      if timeout 300 rustup target add "$WASM_TARGET" >&2 &&
        rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
        route=rustup
      elif [ "${WHARF_WASM_ROUTE:-}" = rustup ]; then
        die "rustup could not add $WASM_TARGET"
      else
        echo "rustup cannot add $WASM_TARGET here; using Debian's rustc-web instead" >&2
        route=debian
      fi
    fi
  fi
  case "$route" in
    rustup)
      unset RUSTUP_TOOLCHAIN RUSTC_BOOTSTRAP CARGO_UNSTABLE_BUILD_STD
      ;;
    debian)
      ensure_apt rustc-web cargo-web rust-web-src lld-19
      rustup toolchain list | grep -q '^debian-web' || rustup toolchain link debian-web /usr
      WASM_ENV=(RUSTUP_TOOLCHAIN=debian-web RUSTC_BOOTSTRAP=1
        CARGO_UNSTABLE_BUILD_STD=std,panic_abort
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19)
      ;;
    *) die "WHARF_WASM_ROUTE must be rustup or debian, not '$route'" ;;
  esac
  WASM_ROUTE=$route
}
WASM_ENV=()

ensure_build_tools() {
  command -v cargo >/dev/null || die "cargo is not installed (install Rust with rustup first)"
  ensure_wasm_toolchain
  local wb
  wb="$(locked_version wasm-bindgen)"
  [ -n "$wb" ] || die "no wasm-bindgen in Cargo.lock"
  # Without --locked: its lockfile pins a crate release the registry no longer offers.
  ensure_cargo_tool wasm-bindgen wasm-bindgen-cli "$wb"
  # With --locked: a newer lightningcss breaks the build of this trunk.
  ensure_cargo_tool trunk trunk "$TRUNK_VERSION" --locked
  ensure_wasm_opt
}

# wasm-opt shrinks the bundle (issue 10 item 14). Debian's binaryen 108 breaks the page (current
# rustc emits features it does not know, shared/toolchain.md), so the set-up takes binaryen's own
# build from the npm registry (a JavaScript/wasm port, no download of its own) into the cache,
# and Trunk.toml pins that version so Trunk never picks another wasm-opt from PATH.
BINARYEN_VERSION="132"
ensure_wasm_opt() {
  local dir="$WHARF_CACHE/binaryen-$BINARYEN_VERSION"
  if ! "$dir/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -qw "version_$BINARYEN_VERSION"; then
    command -v npm >/dev/null || ensure_apt nodejs npm
    step "npm install binaryen@$BINARYEN_VERSION.0.0 (wasm-opt, one-time)"
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-audit --no-fund --no-save --prefix "$dir" \
      "binaryen@$BINARYEN_VERSION.0.0" >&2)
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
}

build_spa() {
  step "building the web UI (trunk build --release, wasm via $WASM_ROUTE)"
  (
    cd "$WHARF_ROOT"
    env "${WASM_ENV[@]}" CARGO_TARGET_DIR="$WASM_TARGET_DIR" TRUNK_SKIP_VERSION_CHECK=true \
      trunk build --release >&2
  )
  [ -f "$WHARF_ROOT/dist/index.html" ] || die "trunk build produced no dist/index.html"
}

build_server() {
  # `wharf`, and beside it the test and benchmark tools the scripts and the Playwright set-up
  # run from the same directory: github-standin (server/github-standin), bench-* and spa-size
  # (server/bench).
  step "building the server and its tools (cargo build --release)"
  (cd "$WHARF_ROOT" && cargo build --release --locked -p server -p github-standin -p wharf-bench --bins >&2)
  WHARF_BIN="$CARGO_TARGET_DIR/release/wharf"
  export WHARF_BIN
}

ensure_test_tools() {
  # skopeo: the Docker client the registry tests push and pull with (server/tests/oci_skopeo.rs).
  # nginx-light: the proxy in front of two replicas in server/tests/cluster.rs.
  ensure_apt chromium skopeo nginx-light
  command -v npm >/dev/null || ensure_apt nodejs npm
  local stamp="$WHARF_ROOT/end2end/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$WHARF_ROOT/end2end/package-lock.json" -nt "$stamp" ]; then
    step "npm ci (end2end)"
    # Playwright's own browser download cannot work here; Debian's chromium is used.
    (cd "$WHARF_ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >&2)
  fi
}
