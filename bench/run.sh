#!/usr/bin/env bash
# Load benchmark of the hot read endpoints (docs/performance.md): builds makapix-api in release,
# creates and seeds a scratch database, starts ONE `makapix-api serve` on a free local port and
# runs wrk against each endpoint. Run on demand only, never from tests or CI.
#
#   bench/run.sh
#
# Environment (defaults in brackets):
#   DURATION [20s]  CONNECTIONS [32]  THREADS [2]  WARMUP [3s]   wrk settings per endpoint
#   USERS [200]  POSTS [5000]                                      size of the seeded data set
#   PG_SERVER [postgres://postgres@127.0.0.1:5432]  BENCH_DB [makapix_bench]
#   REDIS_URL [redis://127.0.0.1:6379/0]  BENCH_PORT [18000] (first port tried)
#   SKIP_BUILD=1   reuse target/release/makapix-api as it is
#   EXTRA=0        skip the diagnostic scenarios (signed-in and uncached variants)
#   KEEP_DB=0      drop the database on exit (kept by default, for EXPLAIN ANALYZE)
# Raw wrk output and the summary table land in target/bench/.
set -euo pipefail

# shellcheck source=../scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

DURATION="${DURATION:-20s}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-3s}"
USERS="${USERS:-200}"
POSTS="${POSTS:-5000}"
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
BENCH_DB="${BENCH_DB:-makapix_bench}"
DB_URL="$PG_SERVER/$BENCH_DB"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET_DIR" = /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
BIN="$TARGET_DIR/release/makapix-api"
RESULTS="$TARGET_DIR/bench"
[[ "$BENCH_DB" =~ ^[a-z0-9_]+$ ]] || die "BENCH_DB must be lower-case letters, digits and _"

need_cmd wrk wrk
need_cmd psql postgresql-client
need_cmd redis-cli redis-tools
need_cmd curl curl

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    log "building makapix-api in release mode (cargo build --release -p api)"
    log "this takes a while: about 10 minutes on 2 cores from scratch, seconds when up to date"
    cargo build --release -p api
fi
[ -x "$BIN" ] || die "$BIN is missing (run without SKIP_BUILD=1)"

WORK="$(mktemp -d -t makapix-bench.XXXXXX)"
PREFIX="bench-$(rand_hex 4)"
API_PID=""
cleanup() {
    local status=$?
    # Graceful shutdown first; a server that hangs on is killed after 10 s.
    stop_server "$API_PID" 50
    forget_redis_prefix "$PREFIX"
    if [ "${KEEP_DB:-1}" = 0 ]; then
        psql "$PG_SERVER/postgres" -qc "drop database if exists $BENCH_DB with (force)" || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(free_port "${BENCH_PORT:-18000}")"
METRICS_PORT="$(free_port $((PORT + 1)))"
BASE="http://127.0.0.1:$PORT"

# The edge limiter refills at most 1000 tokens/s, so a burst larger than a whole run keeps it
# from throttling wrk (all of whose connections come from one address).
API_ENV=(
    "DATABASE_URL=$DB_URL"
    "REDIS_URL=$REDIS_URL"
    "REDIS_PREFIX=$PREFIX"
    "JWT_SECRET_KEY=$(rand_hex 32)"
    "MAKAPIX_IP_HASH_SALT=$(rand_hex 16)"
    "SQIDS_ALPHABET=${SQIDS_ALPHABET:-}"
    "VAULT_DIR=$WORK/vault"
    "MAKAPIX_VAULT_MIN_FREE_BYTES=0"
    "API_BIND=127.0.0.1:$PORT"
    "API_METRICS_BIND=127.0.0.1:$METRICS_PORT"
    "EDGE_RATE_PER_SECOND=1000"
    "EDGE_BURST=2000000000"
    "RUST_LOG=${RUST_LOG:-info}"
)
api() { env "${API_ENV[@]}" "$BIN" "$@"; }

log "creating database $BENCH_DB (dropping any previous one)"
psql "$PG_SERVER/postgres" -v ON_ERROR_STOP=1 -q \
    -c "drop database if exists $BENCH_DB with (force)" -c "create database $BENCH_DB"
api migrate >"$WORK/migrate.log" 2>&1 || {
    cat "$WORK/migrate.log" >&2
    die "migration failed"
}
log "seeding $USERS users and $POSTS posts"
# sqlx flags the one large insert as a slow statement; that is expected here.
env "${API_ENV[@]}" RUST_LOG=error "$BIN" seed-bench --users "$USERS" --posts "$POSTS"
# The reaction trigger rewrites each post row once per reaction; compact the table so scans
# see the size a steady-state (autovacuumed) table would have.
psql "$DB_URL" -q -c "vacuum full posts" -c "vacuum analyze"

log "starting makapix-api serve on $BASE"
mkdir -p "$WORK/vault" "$RESULTS"
# Started directly (not through the `api` function) so $! is the server itself: env execs it.
env "${API_ENV[@]}" "$BIN" serve >"$RESULTS/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 150); do
    curl -fsS "$BASE/v1/health" >/dev/null 2>&1 && break
    kill -0 "$API_PID" 2>/dev/null || {
        tail -20 "$RESULTS/api.log" >&2
        die "makapix-api serve exited"
    }
    sleep 0.2
done
curl -fsS "$BASE/v1/health" >/dev/null || die "makapix-api did not answer on $BASE/v1/health"

psql "$DB_URL" -At -c "select public_sqid from posts p where post_discoverable(p)
                       order by random() limit 1000" >"$WORK/sqids.txt"
EMAIL="$(psql "$DB_URL" -At -c "select email from users order by id limit 1")"
TOKEN="$(curl -fsS -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"benchpass1\"}" "$BASE/v1/auth/login" |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p')"
[ -n "$TOKEN" ] || die "could not sign in as $EMAIL"

TABLE="$RESULTS/summary.txt"
{
    echo "makapix-api bench $(date -u +%Y-%m-%dT%H:%M:%SZ): $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "data: $USERS users, $POSTS posts; wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (after a $WARMUP warm-up)"
    echo "CPU columns: percent of one core during the measured run ($(nproc) cores = $(($(nproc) * 100))%)"
    printf '%-68s %9s %9s %9s %8s %7s %10s %6s %6s %6s %6s %6s %6s\n' endpoint req/s p50 p99 \
        non-2xx errors 'resp size' api pg redis wrk irq other
} | tee "$TABLE"

# CPU time (user + system, in clock ticks) used so far by one process.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
api_ticks() { ticks "$API_PID"; }
# "pid ticks" of every backend connected to the bench database, so other users of the same
# PostgreSQL server do not count.
pg_snapshot() {
    local p
    for p in $(psql "$DB_URL" -Atc "select pid from pg_stat_activity
                                     where datname = '$BENCH_DB' and pid <> pg_backend_pid()"); do
        echo "$p $(ticks "$p")"
    done
}
# Ticks those backends used since the snapshot in file $1 (a backend new since then counts whole).
pg_ticks_since() {
    pg_snapshot | awk 'NR == FNR { before[$1] = $2; next } { t += $2 - before[$1] } END { print t + 0 }' "$1" -
}

# CPU seconds of the waited-for children of this shell (wrk), from the `times` output in file
# $1 (`times` must run in this shell, not in a $(...) subshell), and busy ticks of the machine.
child_secs() {
    tail -1 "$1" | awk '{ for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } print t }'
}
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
irq_ticks() { awk '/^cpu / { print $7 + $8 }' /proc/stat; }
HZ="$(getconf CLK_TCK)"

# scenario NAME PATH [wrk options...]: warm up, measure, print one summary line. The CPU
# columns are percent of one core over the measured run: the api, its PostgreSQL backends,
# Redis, wrk, interrupt handling (loopback networking), and everything else on the machine
# (other work competing for the same cores).
scenario() {
    local name="$1" path="$2"
    shift 2
    local sqids="" url="$BASE${path//\{sqid\}/x}"
    [ "$path" = "/v1/p/{sqid}" ] && sqids="$WORK/sqids.txt"
    env BENCH_SQIDS="$sqids" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s bench/wrk.lua \
        "$@" "$url" >/dev/null
    local redis_pid api0 redis0 busy0 irq0
    redis_pid="$(pgrep -x redis-server | head -1)"
    pg_snapshot >"$WORK/pg-before"
    times >"$WORK/times-before"
    api0="$(api_ticks)" redis0="$(ticks "$redis_pid")" busy0="$(busy_ticks)" irq0="$(irq_ticks)"
    env BENCH_SQIDS="$sqids" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
        -s bench/wrk.lua "$@" "$url" >"$RESULTS/$name.txt"
    local api=$(($(api_ticks) - api0)) redis=$(($(ticks "$redis_pid") - redis0))
    local busy=$(($(busy_ticks) - busy0)) irq=$(($(irq_ticks) - irq0)) wrk_s pg
    times >"$WORK/times-after"
    wrk_s="$(awk -v a="$(child_secs "$WORK/times-after")" \
        -v b="$(child_secs "$WORK/times-before")" 'BEGIN { print a - b }')"
    pg="$(pg_ticks_since "$WORK/pg-before")"
    local _tag requests duration p50 p99 status sock bytes
    read -r _tag requests duration p50 p99 status sock bytes \
        < <(grep '^BENCH ' "$RESULTS/$name.txt" | tail -1)
    awk -v n="$name $path" -v r="$requests" -v d="$duration" -v a="$p50" -v b="$p99" \
        -v s="$status" -v e="$sock" -v z="$bytes" -v hz="$HZ" -v api="$api" -v pg="$pg" \
        -v rd="$redis" -v w="$wrk_s" -v busy="$busy" -v irq="$irq" 'BEGIN {
            sec = d / 1e6
            pct = 100 / hz / sec
            other = busy - api - pg - rd - w * hz - irq
            printf "%-68s %9.0f %7.2fms %7.2fms %8d %7d %7.1fKiB %5.0f%% %5.0f%% %5.0f%% %5.0f%% %5.0f%% %5.0f%%\n",
                n, r / sec, a / 1000, b / 1000, s, e, z / (r > 0 ? r : 1) / 1024, api * pct,
                pg * pct, rd * pct, w * hz * pct, irq * pct, (other > 0 ? other : 0) * pct
        }' | tee -a "$TABLE"
}

AUTH=(-H "Authorization: Bearer $TOKEN")
scenario recent "/v1/post/recent?limit=50"
scenario permalink "/v1/p/{sqid}"
scenario by-width "/v1/post?sort=width&width_min=64&limit=50"
scenario gif-by-reactions "/v1/post?sort=reactions&file_format=gif&limit=50"
if [ "${EXTRA:-1}" != 0 ]; then
    # Diagnostics: a signed-in viewer skips the in-process cache (Redis cache + personalisation);
    # random order is never cached, so it runs the listing SQL and the page load every time.
    scenario recent-signed-in "/v1/post/recent?limit=50" "${AUTH[@]}"
    scenario permalink-signed-in "/v1/p/{sqid}" "${AUTH[@]}"
    scenario random-uncached "/v1/post?sort=random&width_min=64&limit=50"
fi
echo "api RSS after the run: $(($(ps -o rss= -p "$API_PID") / 1024)) MiB" | tee -a "$TABLE"
log "raw wrk output, api log and this table: $RESULTS"
