#!/usr/bin/env bash
# Measures cold and warm start times of PostgreSQL, Kafka and Keycloak as ./medforge starts them,
# and their memory (RSS of each process tree), and prints a Markdown table.
#
#   sudo infra/measure.sh [WARM_ROUNDS]     (default 2)
#
# Isolation: the script re-runs itself in a private network namespace (unshare -n, root only),
# so its own 127.0.0.1:5432/9092/8180 never collide with a stack that is running, and it never
# stops anything it did not start. PostgreSQL is a throw-away cluster (initdb in a temporary
# folder) of the installed Debian server version; Kafka and Keycloak are started exactly as
# ./medforge does, from an empty temporary cache and state folder.
# "Cold" = the first start after download: Kafka formats its storage, Keycloak is unpacked and
# re-augments itself on its first start. Downloads come from the local Maven repository (~/.m2),
# which must already hold them (the namespace has no network): run ./medforge up once before.
set -euo pipefail

MEDFORGE_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
export MEDFORGE_ROOT
cd "$MEDFORGE_ROOT"
ROUNDS=${1:-2}

if [[ "${MEDFORGE_MEASURE_NETNS:-}" != 1 ]]; then
  [[ "$(id -u)" == 0 ]] || { echo "run as root (needs a private network namespace and a throw-away PostgreSQL)" >&2; exit 1; }
  exec unshare -n env MEDFORGE_MEASURE_NETNS=1 bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi

TMP=$(mktemp -d /tmp/medforge-measure.XXXXXX)
chmod 755 "$TMP"
export MEDFORGE_HOME="$TMP/state" MEDFORGE_CACHE="$TMP/cache"

source infra/lib/common.sh
source infra/lib/kafka.sh
source infra/lib/keycloak.sh
ensure_dirs

PG_VER=$(ls /usr/lib/postgresql | sort -n | tail -n1)
PG_BIN=/usr/lib/postgresql/$PG_VER/bin
PG_DIR="$TMP/pg"

ms() { date +%s%3N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
mb() { echo $(( $1 / 1024 )); }

pg_ctl_tmp() { (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" "$@"); }
pg_tmp_start() {
  pg_ctl_tmp -o "-c listen_addresses=127.0.0.1 -c port=5432 -c unix_socket_directories=$PG_DIR" \
    -w -l "$PG_DIR/log" start >/dev/null
}
pg_tmp_stop() { pg_ctl_tmp -m fast -w stop >/dev/null 2>&1 || true; }
pg_tmp_pid() { head -n1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || echo 0; }

cleanup() {
  stop_keycloak >/dev/null 2>&1 || true
  stop_kafka >/dev/null 2>&1 || true
  pg_tmp_stop
  rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$PG_DIR"; chown postgres "$PG_DIR"
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null

declare -A T
rss_all() {
  T[pg_rss]=$(mb "$(rss_kb "$(pg_tmp_pid)")")
  T[kafka_rss]=$(mb "$(rss_kb "$(recorded_pid kafka)")")
  T[kc_rss]=$(mb "$(rss_kb "$(recorded_pid keycloak)")")
  T[total]=$(( T[pg_rss] + T[kafka_rss] + T[kc_rss] ))
}
token() {
  curl -s -o /dev/null -d grant_type=password -d client_id=medforge-cli -d username=hospital-a \
    -d password=medforge-dev "$KC_ISSUER/protocol/openid-connect/token" 2>/dev/null || true
}

a=$(ms); pg_tmp_start; b=$(ms); T[pg_cold]=$(secs "$a" "$b")
a=$(ms); kafka_fetch; b=$(ms); T[kafka_fetch]=$(secs "$a" "$b")
a=$(ms); kafka_start; b=$(ms); T[kafka_cold]=$(secs "$a" "$b")
a=$(ms); kafka_provision; b=$(ms); T[topics_cold]=$(secs "$a" "$b")
a=$(ms); kc_fetch; b=$(ms); T[kc_fetch]=$(secs "$a" "$b")
a=$(ms); kc_start; b=$(ms); T[kc_cold]=$(secs "$a" "$b")
token; rss_all
echo "| start | PostgreSQL s | Kafka s | topics s | Keycloak s | PostgreSQL RSS MB | Kafka RSS MB | Keycloak RSS MB | sum MB | load avg |"
echo "|---|---|---|---|---|---|---|---|---|---|"
echo "| cold | ${T[pg_cold]} | ${T[kafka_cold]} | ${T[topics_cold]} | ${T[kc_cold]} | ${T[pg_rss]} | ${T[kafka_rss]} | ${T[kc_rss]} | ${T[total]} | $(cut -d' ' -f1 /proc/loadavg) |"

for (( r = 1; r <= ROUNDS; r++ )); do
  stop_keycloak >/dev/null 2>&1; stop_kafka >/dev/null 2>&1; pg_tmp_stop
  sleep 2
  a=$(ms); pg_tmp_start; b=$(ms); T[pg]=$(secs "$a" "$b")
  a=$(ms); kafka_start; b=$(ms); T[kafka]=$(secs "$a" "$b")
  a=$(ms); kafka_provision; b=$(ms); T[topics]=$(secs "$a" "$b")
  a=$(ms); kc_start; b=$(ms); T[kc]=$(secs "$a" "$b")
  token; rss_all
  echo "| warm $r | ${T[pg]} | ${T[kafka]} | ${T[topics]} | ${T[kc]} | ${T[pg_rss]} | ${T[kafka_rss]} | ${T[kc_rss]} | ${T[total]} | $(cut -d' ' -f1 /proc/loadavg) |"
done
echo
echo "fetch from ~/.m2 into the empty cache: Kafka ${T[kafka_fetch]} s, Keycloak ${T[kc_fetch]} s (unpack included)"
