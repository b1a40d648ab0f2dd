# The web side of scripts/stack: build web/ (Next.js) and run its standalone server on WEB_BIND;
# Caddy sends every path but /api/* there (docs/web.md). Sourced by scripts/stack after
# common.sh; uses its CFG, ROOT, STACK_DIR, LOG_DIR and helpers.
# shellcheck shell=bash

ensure_web_packages() {
    command -v node >/dev/null 2>&1 || die "node is not installed (the web front end needs Node.js 20.9 or newer)"
    command -v npm >/dev/null 2>&1 || die "npm is not installed (it comes with Node.js)"
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 9) ? 0 : 1)' ||
        die "node $(node --version) is too old for the web front end (20.9 or newer)"
}

# A hash of everything the web build reads, so an unchanged tree is not rebuilt.
web_inputs_hash() {
    (cd "$ROOT/web" && find src public scripts package.json package-lock.json next.config.mjs tsconfig.json \
        -type f -print0 | sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

# `npm ci` when the lockfile changed, `npm run build` when any input changed. Telemetry is off.
build_web() {
    local stamp="$STACK_DIR/web-build.stamp" ci_stamp="$STACK_DIR/web-npm-ci.stamp" want lock_hash
    local out="$LOG_DIR/web-build.log"
    lock_hash="$(sha256sum "$ROOT/web/package-lock.json" | cut -d' ' -f1)"
    if [ ! -d "$ROOT/web/node_modules" ] || [ "$(cat "$ci_stamp" 2>/dev/null || true)" != "$lock_hash" ]; then
        log "installing the web dependencies (npm ci)"
        (cd "$ROOT/web" && NEXT_TELEMETRY_DISABLED=1 npm ci --no-audit --no-fund >>"$out" 2>&1 9>&-) ||
            die "npm ci failed (see $out)"
        printf '%s\n' "$lock_hash" >"$ci_stamp"
    fi
    want="$(web_inputs_hash)"
    if [ "$want" = "$(cat "$stamp" 2>/dev/null || true)" ] && [ -f "$ROOT/web/.next/standalone/server.js" ]; then
        log "the web build is up to date"
        return 0
    fi
    log "building the web front end (npm run build)"
    (cd "$ROOT/web" && NEXT_TELEMETRY_DISABLED=1 npm run build >>"$out" 2>&1 9>&-) ||
        {
            tail -n 30 "$out" >&2
            die "the web build failed (full output in $out)"
        }
    printf '%s\n' "$want" >"$stamp"
}

# svc_cmd for `web`: the standalone server through a launcher that keeps the command line
# (Next renames its process, which would defeat svc_pid's check).
web_svc_cmd() {
    [ "$1" = web ] || return 1
    local hp
    hp="$(url_hostport "${CFG[WEB_BIND]}")"
    CMD=("$(command -v node)" "$ROOT/web/scripts/serve-standalone.cjs")
    CMD_ENV=("PORT=${hp##*:}" "HOSTNAME=${hp%:*}" "API_INTERNAL_URL=http://$(url_hostport "${CFG[API_BIND]}")"
        "SITE_URL=${CFG[SITE_URL]}" "NEXT_TELEMETRY_DISABLED=1" "NODE_ENV=production")
}

web_svc_ports() { url_hostport "${CFG[WEB_BIND]}"; }

web_svc_healthy() {
    [ "$(http_code "http://$(url_hostport "${CFG[WEB_BIND]}")/robots.txt")" = 200 ]
}

# A new build restarts the server even though the node binary is the same.
web_svc_fingerprint_extra() {
    [ "$1" = web ] || return 0
    cat "$ROOT/web/.next/BUILD_ID" 2>/dev/null || true
}
