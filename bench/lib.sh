# Helpers shared by the benchmark scripts (sourced after scripts/lib/common.sh).

# Stops a server: SIGTERM, up to TRIES × 0.2 s for a graceful exit, then SIGKILL.
stop_server() {
    local pid="$1" tries="$2"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 "$tries"); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Deletes every Redis key under a benchmark's prefix.
forget_redis_prefix() {
    redis-cli -u "$REDIS_URL" --scan --pattern "$1:*" 2>/dev/null |
        xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
}

# The first port from $1 up that nothing listens on.
free_port() {
    local p="$1"
    while tcp_open 127.0.0.1 "$p"; do p=$((p + 1)); done
    echo "$p"
}
