#!/usr/bin/env bash
# Player-plane benchmark (docs/performance.md, "MQTT players"): PLAYERS simulated p3a players
# connect over mTLS to the running local stack's Mosquitto and each walks the `all` channel
# (query_posts, limit 32, cursors) in a loop for DURATION_SECS; prints connections held,
# requests/s, p50/p99 round trip and the mqtt-bridge's RSS. Run on demand only, never from tests
# or CI. Needs `scripts/stack up` (its STACK_PROFILE decides how the bridge was built).
#
#   bench/players.sh
#
# Environment (defaults in brackets):
#   PLAYERS [500]  DURATION_SECS [30]  CONNECT_PARALLEL [16]
#   INTERVAL_MS [240]  each player sends one request per interval (500 / 0.24 s = 2,083/s
#                  offered); 0 sends back to back, which measures saturation instead
#   BENCH_PROFILE [release]  release or dev: how the benchmark client itself is built
#   BRIDGE_PID     the bridge to measure, when one runs in place of the stack's
#   MIN_POSTS [300]  when the stack has fewer public posts, `makapix-api seed-bench --force`
#                    adds SEED_POSTS [500] posts by SEED_USERS [20] members to the STACK database
#                    (they stay there; set MIN_POSTS=0 to never seed)
# The players are inserted straight into the stack database with certificates of the stack CA
# and deleted at the end (see tests/e2e/benches/players.rs). Output lands in target/bench/.
set -euo pipefail

# shellcheck source=../scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
cd "$ROOT"

BENCH_PROFILE="${BENCH_PROFILE:-release}"
MIN_POSTS="${MIN_POSTS:-300}"
SEED_POSTS="${SEED_POSTS:-500}"
SEED_USERS="${SEED_USERS:-20}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
RESULTS="$TARGET_DIR/bench"
STACK_ENV="$ROOT/.stack/env"

[ -f "$STACK_ENV" ] || die "no .stack/env: run scripts/stack up first"
[ -f "$ROOT/.stack/pids/mqtt-bridge.pid" ] || die "the stack runs no mqtt-bridge: run scripts/stack up"
need_cmd psql postgresql-client

declare -A CFG=()
read_env_file "$STACK_ENV" CFG
DB_URL="${DATABASE_URL:-${CFG[DATABASE_URL]}}"

public_posts() {
    psql "$DB_URL" -Atc "select count(*) from posts where public_visibility and visible \
        and not deleted_by_user and not hidden_by_user and not hidden_by_mod"
}

have="$(public_posts)"
if [ "$have" -lt "$MIN_POSTS" ]; then
    api_bin="$(cat "$ROOT/.stack/pids/api.exe")"
    log "the stack has $have public posts; seeding $SEED_POSTS more with $api_bin seed-bench"
    (
        for k in "${!CFG[@]}"; do export "$k=${CFG[$k]}"; done
        export DATABASE_URL="$DB_URL"
        "$api_bin" seed-bench --users "$SEED_USERS" --posts "$SEED_POSTS" --force
    )
    log "the stack now has $(public_posts) public posts"
fi

mkdir -p "$RESULTS"
profile_flag=()
case "$BENCH_PROFILE" in
    release) profile_flag=(--release) ;;
    dev) ;;
    *) die "BENCH_PROFILE must be release or dev" ;;
esac
log "building the benchmark client ($BENCH_PROFILE)"
bin="$(cargo build "${profile_flag[@]}" -p e2e --bench players --message-format=json 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n1)"
[ -x "$bin" ] || die "could not build the benchmark (cargo build ${profile_flag[*]} -p e2e --bench players)"

bridge_exe="$(readlink "/proc/${BRIDGE_PID:-$(cat "$ROOT/.stack/pids/mqtt-bridge.pid")}/exe" 2>/dev/null || echo unknown)"
out="$RESULTS/players-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "bridge binary      $bridge_exe"
    echo "client profile     $BENCH_PROFILE"
    echo "public posts       $(public_posts)"
    echo "cpus               $(nproc)"
    CARGO_MANIFEST_DIR="$ROOT/tests/e2e" "$bin"
} | tee "$out"
log "results in $out"
