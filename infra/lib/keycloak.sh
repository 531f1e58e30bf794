# shellcheck shell=bash
# Keycloak 26.5.6 (keycloak-quarkus-dist from Maven Central) in dev mode with the medforge realm.
# --db=dev-mem: every start imports infra/keycloak/medforge-realm.json afresh, so the running
# realm always matches the checked-in file (Keycloak's import skips a realm that already exists).

KC_VERSION=26.5.6
KC_PORT=8180
KC_MGMT_PORT=9180
KC_REALM=medforge
KC_URL="http://127.0.0.1:$KC_PORT"
KC_ISSUER="$KC_URL/realms/$KC_REALM"
KC_DIST="$MEDFORGE_CACHE/keycloak-$KC_VERSION"
KC_LOG="$LOG_DIR/keycloak.log"
KC_REALM_FILE="$MEDFORGE_ROOT/infra/keycloak/medforge-realm.json"
KC_REALM_SHA_FILE="$RUN_DIR/keycloak.realm.sha256"
KC_HEAP="${MEDFORGE_KEYCLOAK_HEAP:--Xms64m -Xmx512m}"

kc_fetch_locked() {
  [[ -f "$KC_DIST/.complete" ]] && return 0
  log "fetching Keycloak $KC_VERSION (keycloak-quarkus-dist, ~160 MB) from Maven Central"
  local tmp="$KC_DIST.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  mvn_run -B -q -f infra/kafka/pom.xml org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz" -DoutputDirectory="$tmp" \
      >"$LOG_DIR/keycloak-fetch.log" 2>&1 \
    || { rm -rf "$tmp"; die "downloading Keycloak failed; see $LOG_DIR/keycloak-fetch.log"; }
  tar -xzf "$tmp/keycloak-quarkus-dist-$KC_VERSION.tar.gz" -C "$tmp" \
    || { rm -rf "$tmp"; die "unpacking Keycloak failed"; }
  rm -rf "$KC_DIST"
  mv "$tmp/keycloak-$KC_VERSION" "$KC_DIST"
  rm -rf "$tmp"        # the tar.gz stays in ~/.m2
  touch "$KC_DIST/.complete"
}

kc_fetch() {
  [[ -f "$KC_DIST/.complete" ]] && return 0
  ensure_dirs
  cache_lock
  kc_fetch_locked
  cache_unlock
}

kc_realm_sha() { sha256sum "$KC_REALM_FILE" | awk '{print $1}'; }

kc_ready() {
  local out
  out=$(http_get "$KC_ISSUER/.well-known/openid-configuration")
  [[ "$(head -n1 <<<"$out")" == 200 ]] && grep -q "\"issuer\":\"$KC_ISSUER\"" <<<"$out"
}

kc_start() {
  kc_fetch
  local p
  for p in "$KC_PORT" "$KC_MGMT_PORT"; do
    port_open "$p" && die "port $p (Keycloak) is taken by a process that does not serve realm '$KC_REALM'; stop it and retry"
  done
  mkdir -p "$KC_DIST/data/import"
  rm -f "$KC_DIST/data/import/"*.json
  cp "$KC_REALM_FILE" "$KC_DIST/data/import/$KC_REALM-realm.json"
  kc_realm_sha >"$KC_REALM_SHA_FILE"
  local first=""
  [[ -d "$KC_DIST/lib/quarkus" && -f "$KC_DIST/.started-once" ]] || first=" (first start: Keycloak builds itself, 1-2 min)"
  log "starting Keycloak $KC_VERSION on $KC_URL$first (log: $KC_LOG)"
  local t0 pid; t0=$(now_s)
  pid=$(export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=medforge-dev
        export JAVA_OPTS="$KC_HEAP -XX:MetaspaceSize=96M -XX:MaxMetaspaceSize=256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8 -Djava.security.egd=file:/dev/urandom"
        [[ -n "${JAVA_HOME:-}" ]] || export JAVA="$JAVA"
        start_daemon keycloak "$KC_LOG" "$KC_DIST/bin/kc.sh" start-dev \
          --http-host=127.0.0.1 --http-port="$KC_PORT" \
          --health-enabled=true --metrics-enabled=true --http-management-port="$KC_MGMT_PORT" \
          --db=dev-mem --import-realm)
  wait_for "Keycloak (pid $pid)" "${MEDFORGE_KEYCLOAK_TIMEOUT:-300}" "$KC_LOG" keycloak kc_ready
  touch "$KC_DIST/.started-once"
  elapsed_since "$t0" >"$RUN_DIR/keycloak.start-seconds"
}

ensure_keycloak() {
  local pid
  if pid=$(recorded_pid keycloak); then
    if [[ "$(cat "$KC_REALM_SHA_FILE" 2>/dev/null)" != "$(kc_realm_sha)" ]]; then
      log "Keycloak: infra/keycloak/medforge-realm.json changed since Keycloak started; restarting to re-import"
      stop_keycloak
      kc_start
      # shellcheck disable=SC2034  # read by ensure_services (services.sh)
      KC_RESTARTED=true     # new signing keys: ensure_services restarts a running gateway
      return 0
    fi
    kc_ready || wait_for "Keycloak (pid $pid)" "${MEDFORGE_KEYCLOAK_TIMEOUT:-300}" "$KC_LOG" keycloak kc_ready
    log "Keycloak: running (pid $pid, started by ./medforge)"
  elif kc_ready; then
    log "Keycloak: reusing the server on $KC_URL (realm $KC_REALM; not started by ./medforge)"
  else
    kc_start
  fi
}

stop_keycloak() {
  stop_daemon keycloak "${MEDFORGE_STOP_TIMEOUT:-30}"
  rm -f "$KC_REALM_SHA_FILE"
}

status_keycloak() {
  local pid who="external"
  if pid=$(recorded_pid keycloak); then
    who="pid $pid, started by ./medforge, $(rss_mb "$pid") MB RSS"; add_stack_rss "$pid"
  fi
  if kc_ready; then
    local health
    health=$(http_status "http://127.0.0.1:$KC_MGMT_PORT/health/ready")
    status_line keycloak UP "$KC_ISSUER ($who; management health $health)"; return 0
  fi
  if [[ -n "${pid:-}" ]]; then
    status_line keycloak DOWN "pid $pid runs but realm $KC_REALM does not answer yet; see $KC_LOG"; return 1
  fi
  status_line keycloak DOWN "realm $KC_REALM does not answer on $KC_URL"; return 1
}
