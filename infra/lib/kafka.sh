# shellcheck shell=bash
# Kafka 4.4.0, KRaft single node, from Maven Central jars (infra/kafka/pom.xml) into the cache.

KAFKA_VERSION=4.4.0
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT
KAFKA_DIST="$MEDFORGE_CACHE/kafka-$KAFKA_VERSION"
KAFKA_LIBS="$KAFKA_DIST/libs"
KAFKA_STATE="$MEDFORGE_HOME/kafka"
KAFKA_LOG="$LOG_DIR/kafka.log"
KAFKA_CONF_DIR="$MEDFORGE_ROOT/infra/kafka"
KAFKA_JAVA_OPTS="${MEDFORGE_KAFKA_JAVA_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
KAFKA_TOOL_JAVA_OPTS="-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"
# The broker's super user (SASL/PLAIN); services sign in as their own principals (infra/kafka/acls.txt).
# The default is for loopback development only. Exported: KafkaAdmin and the tests read it.
export MEDFORGE_KAFKA_ADMIN_SECRET="${MEDFORGE_KAFKA_ADMIN_SECRET:-kafka-admin-dev-secret}"

kafka_fetch_locked() {
  [[ -f "$KAFKA_DIST/.complete" ]] && return 0
  log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  local tmp="$KAFKA_DIST.tmp.$$"
  rm -rf "$tmp"
  mvn_run -B -q -f infra/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$tmp/libs" >"$LOG_DIR/kafka-fetch.log" 2>&1 \
    || { rm -rf "$tmp"; die "downloading Kafka failed; see $LOG_DIR/kafka-fetch.log"; }
  rm -rf "$KAFKA_DIST"
  mv "$tmp" "$KAFKA_DIST"
  touch "$KAFKA_DIST/.complete"
}

kafka_fetch() {
  [[ -f "$KAFKA_DIST/.complete" ]] && return 0
  ensure_dirs
  cache_lock
  kafka_fetch_locked
  cache_unlock
}

# Compiles infra/kafka/KafkaAdmin.java once per source change.
kafka_admin_classes() {
  local src="$KAFKA_CONF_DIR/KafkaAdmin.java" out="$KAFKA_STATE/admin-classes"
  if [[ ! -f "$out/KafkaAdmin.class" || "$src" -nt "$out/KafkaAdmin.class" ]]; then
    have "$JAVAC" || die "javac not found: a JDK 17 (not only a JRE) is required"
    mkdir -p "$out"
    "$JAVAC" -nowarn -d "$out" -cp "$KAFKA_LIBS/*" "$src" >"$LOG_DIR/kafka-admin-javac.log" 2>&1 \
      || die "compiling $src failed; see $LOG_DIR/kafka-admin-javac.log"
  fi
  echo "$out"
}

kafka_admin() {
  local classes
  classes=$(kafka_admin_classes)
  # shellcheck disable=SC2086
  "$JAVA" $KAFKA_TOOL_JAVA_OPTS -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/log4j2-tools.xml" \
      -cp "$classes:$KAFKA_LIBS/*" KafkaAdmin "$@"
}

# A broker answers Kafka's protocol on 9092 (not just an open port).
kafka_answers() {
  port_open "$KAFKA_PORT" || return 1
  [[ -f "$KAFKA_DIST/.complete" ]] || kafka_fetch
  kafka_admin ping "$KAFKA_BOOTSTRAP" >/dev/null 2>&1
}

kafka_started_line() {
  [[ -f "$KAFKA_LOG" ]] && grep -q "Kafka Server started" "$KAFKA_LOG"
}

kafka_ready() { port_open "$KAFKA_PORT" && kafka_started_line; }

kafka_render_config() {
  mkdir -p "$KAFKA_STATE/data"
  (umask 077 && sed -e "s|@DATA_DIR@|$KAFKA_STATE/data|g" -e "s|@ADMIN_SECRET@|$MEDFORGE_KAFKA_ADMIN_SECRET|g" \
      "$KAFKA_CONF_DIR/server.properties.template" >"$KAFKA_STATE/server.properties.new") \
    && mv "$KAFKA_STATE/server.properties.new" "$KAFKA_STATE/server.properties"
}

kafka_format() {
  [[ -f "$KAFKA_STATE/data/meta.properties" ]] && return 0
  local id
  if [[ -s "$KAFKA_STATE/cluster-id" ]]; then
    id=$(cat "$KAFKA_STATE/cluster-id")
  else
    # shellcheck disable=SC2086
    id=$("$JAVA" $KAFKA_TOOL_JAVA_OPTS -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/log4j2-tools.xml" \
         -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid)
    echo "$id" >"$KAFKA_STATE/cluster-id"
  fi
  log "formatting Kafka storage (cluster id $id)"
  # shellcheck disable=SC2086
  "$JAVA" $KAFKA_TOOL_JAVA_OPTS -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/log4j2-tools.xml" \
      -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$id" -c "$KAFKA_STATE/server.properties" \
      --standalone --ignore-formatted >"$LOG_DIR/kafka-format.log" 2>&1 \
    || die "formatting Kafka storage failed; see $LOG_DIR/kafka-format.log"
}

kafka_start() {
  kafka_fetch
  kafka_render_config
  kafka_format
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "port $KAFKA_CONTROLLER_PORT (Kafka controller) is taken by another process"
  fi
  log "starting Kafka $KAFKA_VERSION on $KAFKA_BOOTSTRAP (log: $KAFKA_LOG)"
  local t0 pid; t0=$(now_s)
  # shellcheck disable=SC2086
  pid=$(start_daemon kafka "$KAFKA_LOG" "$JAVA" $KAFKA_JAVA_OPTS -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$KAFKA_CONF_DIR/log4j2.xml" \
        -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_STATE/server.properties")
  wait_for "Kafka (pid $pid)" "${MEDFORGE_KAFKA_TIMEOUT:-120}" "$KAFKA_LOG" kafka kafka_ready
  elapsed_since "$t0" >"$RUN_DIR/kafka.start-seconds"
}

kafka_provision() {
  local out
  out=$(kafka_admin ensure-topics "$KAFKA_BOOTSTRAP" "$KAFKA_CONF_DIR/topics.txt" 2>"$LOG_DIR/kafka-topics.log") \
    || { cat "$LOG_DIR/kafka-topics.log" >&2; die "creating Kafka topics failed; see $LOG_DIR/kafka-topics.log"; }
  log "Kafka $out"
  out=$(kafka_admin ensure-principals "$KAFKA_BOOTSTRAP" "$KAFKA_CONF_DIR/acls.txt" 2>"$LOG_DIR/kafka-principals.log") \
    || { cat "$LOG_DIR/kafka-principals.log" >&2; die "setting Kafka principals and ACLs failed; see $LOG_DIR/kafka-principals.log"; }
  log "Kafka $out (infra/kafka/acls.txt)"
}

ensure_kafka() {
  local pid
  if pid=$(recorded_pid kafka); then
    if ! kafka_ready; then
      wait_for "Kafka (pid $pid)" "${MEDFORGE_KAFKA_TIMEOUT:-120}" "$KAFKA_LOG" kafka kafka_ready
    fi
    log "Kafka: running (pid $pid, started by ./medforge)"
  elif port_open "$KAFKA_PORT"; then
    kafka_fetch
    kafka_answers || die "port $KAFKA_PORT is taken by something that is not a Kafka broker; stop it and retry"
    log "Kafka: reusing the broker on $KAFKA_BOOTSTRAP"
  else
    kafka_start
  fi
  kafka_provision
}

stop_kafka() { stop_daemon kafka "${MEDFORGE_STOP_TIMEOUT:-30}"; }

status_kafka() {
  local pid who="external"
  if pid=$(recorded_pid kafka); then
    who="pid $pid, started by ./medforge, $(rss_mb "$pid") MB RSS"; add_stack_rss "$pid"
  fi
  if port_open "$KAFKA_PORT" && kafka_answers; then
    local n
    n=$(grep -cvE '^\s*(#|$)' "$KAFKA_CONF_DIR/topics.txt")
    status_line kafka UP "$KAFKA_BOOTSTRAP ($who; $n topics listed in infra/kafka/topics.txt)"; return 0
  fi
  if [[ -n "${pid:-}" ]]; then
    status_line kafka DOWN "pid $pid runs but $KAFKA_BOOTSTRAP does not answer; see $KAFKA_LOG"; return 1
  fi
  status_line kafka DOWN "nothing answers on $KAFKA_BOOTSTRAP"; return 1
}
