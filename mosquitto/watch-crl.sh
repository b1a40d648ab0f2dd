#!/bin/sh
# Reloads Mosquitto whenever its CRL file changes (player-protocol.md §2.4).
#
#   watch-crl.sh CRL_FILE PID_FILE [INTERVAL_SECONDS [OTHER_FILE...]]
#
# Every INTERVAL (default 1) seconds it hashes CRL_FILE; when the hash differs from the one
# Mosquitto last loaded, it sends SIGHUP to the pid in PID_FILE (Mosquitto 2.0 re-reads the CRL,
# its server certificate, the password file and the ACL) and then writes that hash to
# CRL_FILE.loaded. A change of an OTHER_FILE (the broker certificate, which `pki-init` writes
# after its key) triggers the same reload. The api waits for that
# file to name the CRL it wrote before it ends a revoked player's session, so the player cannot
# reconnect with its old certificate (docs/players-broker.md). One SIGHUP is sent at start, so a
# CRL written before the watcher ran is loaded too. POSIX sh: it also runs in the Alpine-based
# eclipse-mosquitto image.
set -u

crl="${1:?usage: watch-crl.sh CRL_FILE PID_FILE [INTERVAL]}"
pidfile="${2:?usage: watch-crl.sh CRL_FILE PID_FILE [INTERVAL]}"
interval="${3:-1}"
shift 2
[ "$#" -gt 0 ] && shift
others="$*"
marker="$crl.loaded"
# Mosquitto handles the signal in its main loop within milliseconds; the pause makes "loaded"
# in the marker true rather than merely "signalled".
settle=0.5

say() { echo "watch-crl: $*"; }

hash_of() {
    # Missing or unreadable: an empty hash, so a file that appears later counts as a change.
    sha256sum "$1" 2>/dev/null | cut -d' ' -f1
}

others_hash() {
    [ -n "$others" ] || return 0
    # shellcheck disable=SC2086 # a list of paths without spaces
    cat $others 2>/dev/null | sha256sum | cut -d' ' -f1
}

broker_pid() {
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    case "$pid" in '' | *[!0-9]*) return 1 ;; esac
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

write_marker() {
    tmp="$marker.tmp.$$"
    printf '%s\n' "$1" >"$tmp" && mv -f "$tmp" "$marker"
}

trap 'say "stopping"; exit 0' TERM INT

loaded=""
loaded_others=""
down=""
say "watching $crl ${others:+and $others }(every ${interval}s), broker pid file $pidfile"
while :; do
    now="$(hash_of "$crl")"
    now_others="$(others_hash)"
    if [ -n "$now" ] && { [ "$now" != "$loaded" ] || [ "$now_others" != "$loaded_others" ]; }; then
        if pid="$(broker_pid)"; then
            if kill -HUP "$pid" 2>/dev/null; then
                sleep "$settle"
                # The file may have changed again while Mosquitto reloaded: record what it read
                # only if that is still the content; otherwise the next round reloads again.
                if [ "$(hash_of "$crl")" = "$now" ]; then
                    write_marker "$now" || say "cannot write $marker"
                    loaded="$now"
                    loaded_others="$now_others"
                    say "CRL $now loaded by mosquitto (pid $pid)"
                fi
            fi
            down=""
        elif [ -z "$down" ]; then
            say "mosquitto is not running (pid file $pidfile); waiting for it"
            down=1
        fi
    fi
    sleep "$interval"
done
