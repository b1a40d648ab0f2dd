# Shared helpers of scripts/stack, scripts/test and .ci/run. Source it; it defines functions and
# ROOT (the repository root) only, and changes nothing by itself.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_DIR="$ROOT/.stack"
# shellcheck disable=SC2034 # used by the scripts that source this file
ENV_FILE="$STACK_DIR/env"

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Lowercase hex from the kernel's CSPRNG (no pipes that could die of SIGPIPE under pipefail).
rand_hex() {
    local bytes="$1" out
    out="$(od -An -tx1 -N"$bytes" /dev/urandom)"
    printf '%s' "${out//[[:space:]]/}"
}

_APT_UPDATED=0
# apt_install PKG... : installs the packages that are not installed yet (root only).
apt_install() {
    local missing=() p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if ! is_root; then
        die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})"
    fi
    log "installing Debian packages: ${missing[*]}"
    if [ "$_APT_UPDATED" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        _APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# need_cmd CMD PACKAGE : makes sure CMD exists, installing PACKAGE when it does not.
need_cmd() {
    local cmd="$1" pkg="$2"
    command -v "$cmd" >/dev/null 2>&1 && return 0
    apt_install "$pkg"
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd is still missing after installing $pkg"
}

# tcp_open HOST PORT : true when something accepts connections there.
tcp_open() {
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Reads KEY=VALUE lines of a file into the associative array named by $2 (no shell evaluation,
# values may contain spaces; blank lines and # comments are skipped).
read_env_file() {
    local file="$1" line key
    local -n _into="$2"
    [ -f "$file" ] || return 0
    while IFS= read -r line || [ -n "$line" ]; do
        line="${line%$'\r'}"
        case "$line" in '' | '#'*) continue ;; esac
        [[ "$line" == *=* ]] || continue
        key="${line%%=*}"
        key="${key#export }"
        key="${key//[[:space:]]/}"
        _into["$key"]="${line#*=}"
    done <"$file"
}

# db_url_parts URL : sets DB_NAME (the database), DB_SERVER (the URL up to the database, without
# it), DB_QUERY (?... or empty) and DB_ADMIN_URL (the same server's `postgres` database).
db_url_parts() {
    local url="$1" rest
    rest="${url%%\?*}"
    DB_QUERY=""
    if [ "$rest" != "$url" ]; then DB_QUERY="?${url#*\?}"; fi
    DB_NAME="${rest##*/}"
    DB_SERVER="${rest%/*}"
    DB_ADMIN_URL="$DB_SERVER/postgres$DB_QUERY"
}

# ensure_database URL : creates the URL's database when it does not exist.
ensure_database() {
    local url="$1"
    db_url_parts "$url"
    [[ "$DB_NAME" =~ ^[A-Za-z0-9_]+$ ]] || die "unexpected database name '$DB_NAME' in $url"
    if [ "$(psql "$DB_ADMIN_URL" -XtAc "select 1 from pg_database where datname = '$DB_NAME'")" != "1" ]; then
        log "creating database $DB_NAME"
        psql "$DB_ADMIN_URL" -Xq -c "create database \"$DB_NAME\"" >/dev/null
    fi
}

# drop_database URL : drops the URL's database if it exists (used for throwaway databases).
drop_database() {
    local url="$1"
    db_url_parts "$url"
    [[ "$DB_NAME" =~ ^[A-Za-z0-9_]+$ ]] || die "unexpected database name '$DB_NAME' in $url"
    PGOPTIONS='-c client_min_messages=warning' \
        psql "$DB_ADMIN_URL" -Xq -c "drop database if exists \"$DB_NAME\" with (force)" >/dev/null
}

abs_path() {
    case "$1" in
        /*) printf '%s' "$1" ;;
        *) printf '%s/%s' "$ROOT" "$1" ;;
    esac
}

# host and port of an address (127.0.0.1:8000) or URL (http://127.0.0.1:8080/x).
url_hostport() {
    local v="${1#*://}"
    v="${v%%/*}"
    printf '%s' "$v"
}
url_port() {
    local hp
    hp="$(url_hostport "$1")"
    if [[ "$hp" =~ :([0-9]+)$ ]]; then
        printf '%s' "${BASH_REMATCH[1]}"
    elif [[ "$1" == https://* ]]; then
        printf 443
    else
        printf 80
    fi
}
url_host() {
    local hp
    hp="$(url_hostport "$1")"
    hp="${hp%:*}"
    hp="${hp#[}"
    printf '%s' "${hp%]}"
}

is_loopback_host() {
    case "$1" in 127.* | localhost | ::1) return 0 ;; *) return 1 ;; esac
}

start_postgres_clusters() {
    if command -v pg_lsclusters >/dev/null 2>&1; then
        local ver name
        while read -r ver name _; do
            pg_ctlcluster "$ver" "$name" start 2>/dev/null || true
        done < <(pg_lsclusters -h)
    else
        service postgresql start >/dev/null 2>&1 || true
    fi
}

# ensure_postgres URL : makes sure the server answers and the URL's database exists. A server on
# loopback that is missing is installed and started when running as root (a fresh machine).
ensure_postgres() {
    local url="$1" installed=0
    db_url_parts "$url"
    if ! pg_isready -q -d "$DB_ADMIN_URL" -t 3; then
        local host
        host="$(url_host "${url#*@}")"
        is_loopback_host "$host" && is_root ||
            die "PostgreSQL at $(url_hostport "${url#*@}") does not answer (start it, or set DATABASE_URL)"
        if ! dpkg-query -W -f='${Status}' postgresql 2>/dev/null | grep -q 'install ok installed'; then
            apt_install postgresql
            installed=1
        fi
        log "starting PostgreSQL"
        start_postgres_clusters
        for _ in $(seq 1 30); do
            pg_isready -q -d "$DB_ADMIN_URL" -t 1 && break
            sleep 1
        done
        pg_isready -q -d "$DB_ADMIN_URL" -t 3 || die "PostgreSQL did not come up"
    fi
    if ! psql "$DB_ADMIN_URL" -XtAc 'select 1' >/dev/null 2>&1; then
        if [ "$installed" -eq 1 ]; then
            # A PostgreSQL this script just installed: let the local postgres role in over loopback
            # without a password, as the contract's DATABASE_URL expects.
            local hba
            hba="$(su postgres -c "psql -XtAc 'show hba_file'")"
            log "allowing role postgres over loopback without password in $hba"
            sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
            su postgres -c "psql -XtAc 'select pg_reload_conf()'" >/dev/null
            sleep 1
        fi
        psql "$DB_ADMIN_URL" -XtAc 'select 1' >/dev/null ||
            die "cannot sign in to PostgreSQL with $DB_ADMIN_URL (check DATABASE_URL and pg_hba.conf)"
    fi
    ensure_database "$url"
}

redis_ping() {
    local host="$1" port="$2" reply=""
    (
        exec 3<>"/dev/tcp/$host/$port" || exit 1
        printf 'PING\r\n' >&3
        IFS= read -r -t 3 reply <&3 || exit 1
        [[ "$reply" == +PONG* || "$reply" == -NOAUTH* ]]
    ) 2>/dev/null
}

# ensure_redis URL : the same for Redis.
ensure_redis() {
    local url="$1" hp host port
    hp="$(url_hostport "$url")"
    hp="${hp##*@}"
    host="${hp%:*}"
    port="${hp##*:}"
    [ "$port" = "$hp" ] && port=6379
    redis_ping "$host" "$port" && return 0
    is_loopback_host "$host" && is_root ||
        die "Redis at $host:$port does not answer (start it, or set REDIS_URL)"
    apt_install redis-server
    log "starting Redis"
    service redis-server start >/dev/null 2>&1 || true
    redis_ping "$host" "$port" ||
        redis-server --daemonize yes --bind 127.0.0.1 --port "$port" >/dev/null
    for _ in $(seq 1 20); do
        redis_ping "$host" "$port" && return 0
        sleep 0.5
    done
    die "Redis did not come up on $host:$port"
}
