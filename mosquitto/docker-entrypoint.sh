#!/bin/sh
# Entrypoint of the `mosquitto` service in docker-compose.yml (eclipse-mosquitto image, run as the
# same uid as the Makapix services so that it can read the broker key they write).
#
# Environment: MQTT_USERNAME (default svc_backend), MQTT_PASSWORD (required), BROKER_DIR (the
# directory with ca.crt, broker.crt, broker.key and crl.pem that `makapix-api pki-init` fills;
# default /data/broker), MQTT_TLS_PORT (default 8883), MQTT_INTERNAL_PORT (default 1883),
# WORK_DIR (where the generated files go; default /tmp/mosquitto).
# It writes the password file and the configuration under /tmp/mosquitto, starts the CRL
# watcher, and then becomes Mosquitto (PID 1 stays Mosquitto, which handles TERM itself).
set -eu

: "${MQTT_PASSWORD:?set MQTT_PASSWORD (the backend's broker password)}"
user="${MQTT_USERNAME:-svc_backend}"
broker_dir="${BROKER_DIR:-/data/broker}"
tls_port="${MQTT_TLS_PORT:-8883}"
internal_port="${MQTT_INTERNAL_PORT:-1883}"
src="$(dirname "$0")"
work="${WORK_DIR:-/tmp/mosquitto}"
mkdir -p "$work"

for f in ca.crt broker.crt broker.key crl.pem; do
    [ -r "$broker_dir/$f" ] || {
        echo "error: $broker_dir/$f is missing or unreadable (did the pki-init service run?)" >&2
        exit 1
    }
done

# A plain file hashed in place (-U): the password never appears on a command line.
rm -f "$work/passwd"
(umask 077 && printf '%s:%s\n' "$user" "$MQTT_PASSWORD" >"$work/passwd")
mosquitto_passwd -U "$work/passwd"
cp "$src/acl" "$work/acl"

sed -e "s|@@PASSWORD_FILE@@|$work/passwd|" \
    -e "s|@@ACL_FILE@@|$work/acl|" \
    -e "s|@@RUN_USER@@|mosquitto|" \
    -e "s|@@INTERNAL_LISTENER@@|$internal_port|" \
    -e "s|@@TLS_LISTENER@@|$tls_port|" \
    -e "s|@@CA_FILE@@|$broker_dir/ca.crt|" \
    -e "s|@@CERT_FILE@@|$broker_dir/broker.crt|" \
    -e "s|@@KEY_FILE@@|$broker_dir/broker.key|" \
    -e "s|@@CRL_FILE@@|$broker_dir/crl.pem|" \
    "$src/mosquitto.conf.template" >"$work/mosquitto.conf"
if grep -q '@@[A-Z_]*@@' "$work/mosquitto.conf"; then
    echo "error: unfilled placeholder in $work/mosquitto.conf" >&2
    exit 1
fi

# After `exec`, Mosquitto keeps this shell's pid: that is the pid the watcher signals.
echo $$ >"$work/mosquitto.pid"
sh "$src/watch-crl.sh" "$broker_dir/crl.pem" "$work/mosquitto.pid" 1 "$broker_dir/broker.crt" &
exec mosquitto -c "$work/mosquitto.conf"
