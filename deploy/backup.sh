#!/usr/bin/env bash
# Backs up Makapix Club: a PostgreSQL dump (pg_dump -Fc, plus roles with --globals-only) and an
# archive of the vault directory, into BACKUP_DIR/<UTC timestamp>/, keeping the newest KEEP sets.
#
#   deploy/backup.sh                 # the docker compose deployment (run from the repository root)
#   MODE=direct deploy/backup.sh     # a host install or the local stack: uses DATABASE_URL and
#                                    # VAULT_DIR from the environment (or .stack/env)
#
# Environment: BACKUP_DIR (default ./backups), KEEP (default 7), COMPOSE (default
# "docker compose"), MODE (compose | direct). Copy the result off the machine (restic, rsync...):
# a backup on the same disk is not a backup. Restore steps: docs/operations.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
MODE="${MODE:-compose}"
BACKUP_DIR="${BACKUP_DIR:-$PWD/backups}"
KEEP="${KEEP:-7}"
COMPOSE="${COMPOSE:-docker compose}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$BACKUP_DIR/$STAMP"

log() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

umask 077
mkdir -p "$OUT"
# A failed run must not leave a half-written set behind that looks complete.
cleanup() {
    local rc=$?
    if [ "$rc" -ne 0 ]; then rm -rf "$OUT"; fi
}
trap cleanup EXIT

case "$MODE" in
    compose)
        read -r -a dc <<<"$COMPOSE"
        log "dumping PostgreSQL (compose service postgres)"
        # shellcheck disable=SC2016 # expanded inside the container
        "${dc[@]}" exec -T postgres sh -c 'pg_dump -Fc -U "$POSTGRES_USER" "$POSTGRES_DB"' >"$OUT/makapix.dump"
        # shellcheck disable=SC2016
        "${dc[@]}" exec -T postgres sh -c 'pg_dumpall --globals-only -U "$POSTGRES_USER"' >"$OUT/globals.sql"
        log "archiving the vault (volume mounted in the api container)"
        "${dc[@]}" exec -T api tar -C /data -cf - vault | gzip -1 >"$OUT/vault.tar.gz"
        ;;
    direct)
        if [ -z "${DATABASE_URL:-}" ] || [ -z "${VAULT_DIR:-}" ]; then
            if [ -f .stack/env ]; then
                # Only the two keys this script needs; values may contain spaces.
                while IFS='=' read -r key value; do
                    case "$key" in
                        DATABASE_URL) DATABASE_URL="${DATABASE_URL:-$value}" ;;
                        VAULT_DIR) VAULT_DIR="${VAULT_DIR:-$value}" ;;
                    esac
                done <.stack/env
            fi
        fi
        [ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set"
        [ -n "${VAULT_DIR:-}" ] || die "VAULT_DIR is not set"
        [ -d "$VAULT_DIR" ] || die "VAULT_DIR $VAULT_DIR is not a directory"
        log "dumping PostgreSQL"
        pg_dump -Fc --dbname="$DATABASE_URL" --file="$OUT/makapix.dump"
        pg_dumpall --globals-only --dbname="${DATABASE_URL%/*}/postgres" >"$OUT/globals.sql" ||
            log "warning: could not dump roles (needs superuser); the database dump is complete"
        log "archiving the vault ($VAULT_DIR)"
        tar -C "$(dirname "$VAULT_DIR")" -czf "$OUT/vault.tar.gz" "$(basename "$VAULT_DIR")"
        ;;
    *) die "MODE must be compose or direct" ;;
esac

# Proof that the dump is readable before older sets are removed.
if command -v pg_restore >/dev/null 2>&1; then
    pg_restore --list "$OUT/makapix.dump" >/dev/null || die "the dump is not readable"
fi
(cd "$OUT" && sha256sum makapix.dump globals.sql vault.tar.gz >SHA256SUMS)
log "backup written to $OUT"

# Retention: keep the newest KEEP timestamped sets.
mapfile -t sets < <(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*T*Z' | sort -r)
if [ "${#sets[@]}" -gt "$KEEP" ]; then
    for old in "${sets[@]:$KEEP}"; do
        log "removing old backup $old"
        rm -rf "$old"
    done
fi
