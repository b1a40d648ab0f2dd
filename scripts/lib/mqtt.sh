# The broker side of scripts/stack: the players' PKI (`makapix-api pki-init`), the stack's own
# Mosquitto (internal listener MQTT_BROKER_HOST:MQTT_BROKER_PORT with the svc_backend password,
# mTLS listener on MQTT_PUBLIC_PORT), the CRL watcher, and the mqtt-bridge when its crate exists.
# Sourced by scripts/stack after common.sh; uses its CFG, STACK_DIR, BIN_DIR, LOG_DIR and helpers.
# shellcheck shell=bash

MOSQUITTO_DIR="$STACK_DIR/mosquitto"
MOSQUITTO_CONF="$MOSQUITTO_DIR/mosquitto.conf"
MOSQUITTO_PASSWD="$MOSQUITTO_DIR/passwd"

# Debian installs the broker in /usr/sbin, which a non-root PATH may lack.
mosquitto_bin() {
    command -v mosquitto 2>/dev/null || { [ -x /usr/sbin/mosquitto ] && echo /usr/sbin/mosquitto; }
}

ensure_mqtt_packages() {
    if [ -z "$(mosquitto_bin)" ] || ! command -v mosquitto_passwd >/dev/null 2>&1; then
        apt_install mosquitto
    fi
    [ -n "$(mosquitto_bin)" ] || die "mosquitto is still missing after installing it"
    # The Debian package starts its own broker on 1883; that one is left alone (ours has other
    # ports and its own configuration).
}

# True when the workspace has the mqtt-bridge crate (written separately; the stack works
# without it).
have_mqtt_bridge() {
    [ -f "$ROOT/crates/mqtt-bridge/Cargo.toml" ]
}

crl_file() { abs_path "${CFG[MQTT_CRL_FILE]}"; }
broker_dir() { dirname "$(crl_file)"; }

# The TLS listener binds to loopback unless players elsewhere are told to use another host.
tls_listener() {
    if is_loopback_host "${CFG[MQTT_PUBLIC_HOST]}"; then
        printf '%s 127.0.0.1' "${CFG[MQTT_PUBLIC_PORT]}"
    else
        printf '%s' "${CFG[MQTT_PUBLIC_PORT]}"
    fi
}

# The password file, rewritten only when user or password changed (mosquitto_passwd salts each
# hash, so rewriting it every time would look like a changed configuration and restart the
# broker). -U hashes a plain file in place: the password never appears on a command line.
write_mosquitto_passwd() {
    local user="${CFG[MQTT_USERNAME]}" pass="${CFG[MQTT_PASSWORD]}" want have=""
    [ -n "$pass" ] || die "MQTT_PASSWORD is empty in $ENV_FILE"
    want="$(printf '%s\n%s\n' "$user" "$pass" | sha256sum | cut -d' ' -f1)"
    have="$(cat "$MOSQUITTO_DIR/passwd.src" 2>/dev/null || true)"
    if [ -s "$MOSQUITTO_PASSWD" ] && [ "$want" = "$have" ]; then
        return 0
    fi
    (
        umask 077
        printf '%s:%s\n' "$user" "$pass" >"$MOSQUITTO_PASSWD.tmp"
    )
    mosquitto_passwd -U "$MOSQUITTO_PASSWD.tmp" >/dev/null || die "mosquitto_passwd failed"
    mv "$MOSQUITTO_PASSWD.tmp" "$MOSQUITTO_PASSWD"
    printf '%s\n' "$want" >"$MOSQUITTO_DIR/passwd.src"
}

write_mosquitto_conf() {
    local template="$ROOT/mosquitto/mosquitto.conf.template" text dir
    [ -f "$template" ] || die "$template is missing"
    dir="$(broker_dir)"
    text="$(cat "$template")"
    shopt -u patsub_replacement 2>/dev/null || true
    text="${text//@@PASSWORD_FILE@@/$MOSQUITTO_PASSWD}"
    text="${text//@@ACL_FILE@@/$ROOT/mosquitto/acl}"
    text="${text//@@RUN_USER@@/$(id -un)}"
    text="${text//@@INTERNAL_LISTENER@@/${CFG[MQTT_BROKER_PORT]} ${CFG[MQTT_BROKER_HOST]}}"
    text="${text//@@TLS_LISTENER@@/$(tls_listener)}"
    text="${text//@@CA_FILE@@/$dir/ca.crt}"
    text="${text//@@CERT_FILE@@/$dir/broker.crt}"
    text="${text//@@KEY_FILE@@/$dir/broker.key}"
    text="${text//@@CRL_FILE@@/$(crl_file)}"
    if [[ "$text" =~ @@[A-Z_]+@@ ]]; then die "unfilled placeholder ${BASH_REMATCH[0]} in $template"; fi
    printf '%s\n' "$text" >"$MOSQUITTO_CONF.tmp"
    mv "$MOSQUITTO_CONF.tmp" "$MOSQUITTO_CONF"
}

# After migrations: the CA (once), the broker certificate and the CRL, then the broker's files.
prepare_mqtt() {
    mkdir -p "$MOSQUITTO_DIR" "$(broker_dir)"
    run_once "makapix-api pki-init" "$BIN_DIR/makapix-api" pki-init
    local f
    for f in ca.crt broker.crt broker.key; do
        [ -s "$(broker_dir)/$f" ] || die "pki-init did not write $(broker_dir)/$f"
    done
    [ -s "$(crl_file)" ] || die "pki-init did not write $(crl_file)"
    write_mosquitto_passwd
    write_mosquitto_conf
}

# mqtt_svc_cmd NAME : svc_cmd for the broker services (CMD and CMD_ENV); false for other names.
mqtt_svc_cmd() {
    case "$1" in
        mosquitto)
            CMD=("$(mosquitto_bin)" -c "$MOSQUITTO_CONF")
            CMD_ENV=()
            ;;
        crl-watcher)
            CMD=("$(command -v sh)" "$ROOT/mosquitto/watch-crl.sh" "$(crl_file)" "$(pid_file mosquitto)" 1
                "$(broker_dir)/broker.crt")
            CMD_ENV=()
            ;;
        mqtt-bridge) CMD=("$BIN_DIR/makapix-mqtt-bridge") ;;
        *) return 1 ;;
    esac
}

mqtt_svc_ports() {
    case "$1" in
        mosquitto)
            local tls_host=127.0.0.1
            echo "${CFG[MQTT_BROKER_HOST]}:${CFG[MQTT_BROKER_PORT]} $tls_host:${CFG[MQTT_PUBLIC_PORT]}"
            ;;
        mqtt-bridge) url_hostport "${CFG[MQTT_BRIDGE_METRICS_BIND]}" ;;
    esac
}

# The watcher is healthy once Mosquitto has loaded the CRL file as it is now.
crl_loaded() {
    local want have
    want="$(sha256sum "$(crl_file)" 2>/dev/null | cut -d' ' -f1)"
    have="$(cat "$(crl_file).loaded" 2>/dev/null || true)"
    [ -n "$want" ] && [ "$want" = "$have" ]
}

# `up` rewrites the CRL (pki-init); a running watcher needs a moment to make Mosquitto load it.
# Waiting here keeps svc_ensure from taking that moment for a hung watcher.
settle_crl_watcher() {
    svc_pid crl-watcher >/dev/null || return 0
    local i
    for i in $(seq 1 50); do
        crl_loaded && return 0
        sleep 0.1
    done
}

mqtt_svc_healthy() {
    case "$1" in
        mosquitto)
            tcp_open "${CFG[MQTT_BROKER_HOST]}" "${CFG[MQTT_BROKER_PORT]}" &&
                tcp_open 127.0.0.1 "${CFG[MQTT_PUBLIC_PORT]}"
            ;;
        crl-watcher) crl_loaded ;;
        mqtt-bridge) [ "$(http_code "http://$(url_hostport "${CFG[MQTT_BRIDGE_METRICS_BIND]}")/metrics")" = 200 ] ;;
    esac
}

# What a restart of the broker services depends on besides binary, arguments and environment.
mqtt_svc_fingerprint_extra() {
    case "$1" in
        mosquitto)
            cat "$MOSQUITTO_CONF" "$MOSQUITTO_PASSWD" "$ROOT/mosquitto/acl" \
                "$(broker_dir)/ca.crt" "$(broker_dir)/broker.crt" "$(broker_dir)/broker.key" 2>/dev/null
            ;;
        crl-watcher) cat "$ROOT/mosquitto/watch-crl.sh" ;;
    esac
    true
}
