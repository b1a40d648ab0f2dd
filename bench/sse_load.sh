#!/usr/bin/env bash
# SSE load check (docs/performance.md): ONE `makapix-api serve` holds CONNECTIONS live
# notification streams (`GET /v1/realtime/notifications`, one per seeded user) while other users
# follow them at RATE per second. Reports the api's RSS per held connection (VmRSS before and
# after connecting) and the follow-to-event delivery latency (p50/p99). bench/sse_load.py is the
# client (python3, standard library only). Run on demand only, never from tests or CI.
#
#   bench/sse_load.sh
#
# Environment (defaults in brackets):
#   CONNECTIONS [1000]  ACTORS [100]  RATE [50] follows/s  DURATION [30] s
#   PG_SERVER [postgres://postgres@127.0.0.1:5432]  SSE_DB [makapix_sse_bench] (scratch: dropped
#   and re-created)  REDIS_URL [redis://127.0.0.1:6379/0]  SSE_PORT [18100] (first port tried)
#   PROFILE [release]   which build of makapix-api to run (release or debug)
#   SKIP_BUILD=1        run target/$PROFILE/makapix-api as it is
#   KEEP_DB=1           keep the database afterwards
# The client's report and the api log land in target/bench/.
set -euo pipefail

# shellcheck source=../scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

CONNECTIONS="${CONNECTIONS:-1000}"
ACTORS="${ACTORS:-100}"
RATE="${RATE:-50}"
DURATION="${DURATION:-30}"
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
SSE_DB="${SSE_DB:-makapix_sse_bench}"
DB_URL="$PG_SERVER/$SSE_DB"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
PROFILE="${PROFILE:-release}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
BIN="$TARGET_DIR/$PROFILE/makapix-api"
RESULTS="$TARGET_DIR/bench"
[[ "$SSE_DB" =~ ^[a-z0-9_]+$ ]] || die "SSE_DB must be lower-case letters, digits and _"
[[ "$PROFILE" =~ ^(release|debug)$ ]] || die "PROFILE must be release or debug"

need_cmd psql postgresql-client
need_cmd redis-cli redis-tools
need_cmd curl curl
need_cmd python3 python3

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    if [ "$PROFILE" = release ]; then
        log "building makapix-api in release mode (cargo build --release -p api)"
        cargo build --release -p api
    else
        cargo build -p api
    fi
fi
[ -x "$BIN" ] || die "$BIN is missing (run without SKIP_BUILD=1)"

# Both ends hold one descriptor per stream.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -gt $((CONNECTIONS + 200)) ] ||
    die "open-file limit $(ulimit -n) is too low for $CONNECTIONS connections"

WORK="$(mktemp -d -t makapix-sse.XXXXXX)"
PREFIX="ssebench-$(rand_hex 4)"
API_PID=""
cleanup() {
    local status=$?
    # Open streams hold a graceful shutdown for up to 5 minutes: give it 5 s, then kill.
    stop_server "$API_PID" 25
    forget_redis_prefix "$PREFIX"
    if [ "${KEEP_DB:-0}" != 1 ]; then
        psql "$PG_SERVER/postgres" -qc "drop database if exists $SSE_DB with (force)" || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(free_port "${SSE_PORT:-18100}")"
METRICS_PORT="$(free_port $((PORT + 1)))"
BASE="http://127.0.0.1:$PORT"
SECRET="$(rand_hex 32)"

API_ENV=(
    "DATABASE_URL=$DB_URL"
    "REDIS_URL=$REDIS_URL"
    "REDIS_PREFIX=$PREFIX"
    "JWT_SECRET_KEY=$SECRET"
    "MAKAPIX_IP_HASH_SALT=$(rand_hex 16)"
    "SQIDS_ALPHABET=${SQIDS_ALPHABET:-}"
    "VAULT_DIR=$WORK/vault"
    "MAKAPIX_VAULT_MIN_FREE_BYTES=0"
    "API_BIND=127.0.0.1:$PORT"
    "API_METRICS_BIND=127.0.0.1:$METRICS_PORT"
    "EDGE_RATE_PER_SECOND=1000"
    "EDGE_BURST=2000000000"
    "RUST_LOG=${RUST_LOG:-warn}"
)

USERS=$((CONNECTIONS + ACTORS))
log "creating database $SSE_DB with $USERS users"
psql "$PG_SERVER/postgres" -v ON_ERROR_STOP=1 -q \
    -c "drop database if exists $SSE_DB with (force)" -c "create database $SSE_DB"
env "${API_ENV[@]}" "$BIN" migrate >"$WORK/migrate.log" 2>&1 || {
    cat "$WORK/migrate.log" >&2
    die "migration failed"
}
env "${API_ENV[@]}" RUST_LOG=error "$BIN" seed-bench --users "$USERS" --posts 10 >/dev/null
psql "$DB_URL" -At -F $'\t' -c "select id, public_sqid, user_key, array_to_json(roles), handle
    from users where email_verified and not deactivated and not hidden_by_user
    and not hidden_by_mod order by id" >"$WORK/users.tsv"

log "starting makapix-api serve ($PROFILE) on $BASE"
mkdir -p "$WORK/vault" "$RESULTS"
env "${API_ENV[@]}" "$BIN" serve >"$RESULTS/sse-api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 150); do
    curl -fsS "$BASE/v1/health" >/dev/null 2>&1 && break
    kill -0 "$API_PID" 2>/dev/null || {
        tail -20 "$RESULTS/sse-api.log" >&2
        die "makapix-api serve exited"
    }
    sleep 0.2
done
curl -fsS "$BASE/v1/health" >/dev/null || die "makapix-api did not answer on $BASE/v1/health"
# Warm the pools and the allocator a little, so the baseline is not a cold process.
for _ in $(seq 1 20); do curl -fsS "$BASE/v1/health" >/dev/null; done

REPORT="$RESULTS/sse-summary.txt"
{
    echo "makapix-api SSE load $(date -u +%Y-%m-%dT%H:%M:%SZ) ($PROFILE build): $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    python3 bench/sse_load.py --base "$BASE" --users "$WORK/users.tsv" --secret "$SECRET" \
        --pid "$API_PID" --connections "$CONNECTIONS" --actors "$ACTORS" --rate "$RATE" \
        --duration "$DURATION"
} | tee "$REPORT"
log "report and api log: $RESULTS"
