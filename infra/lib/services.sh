# shellcheck shell=bash
# The five Quarkus services, run from their fast-jar (<module>/target/quarkus-app/quarkus-run.jar).
# Merge workers: worker 1 is `merge-service` on 8083; worker i >= 2 is `merge-service-i` on 8083+i
# (8084 belongs to eval-service, so the extra workers start at 8085). Eval workers: worker 1 is
# `eval-service` on 8084; worker j >= 2 is `eval-service-j` on 8103+j (8105 to 8123). Registries:
# instance k >= 2 is `registry-service-k` on 8130+k (8132 to 8135); it shares the database, the
# consumer groups and the outbox with the first. Gateways: instance k >= 2 is `gateway-k` on 8140+k
# (8142 to 8145); it serves the whole API and shares webhooks with the first.

SERVICE_JAVA_OPTS="${MEDFORGE_SERVICE_JAVA_OPTS:--Xms32m -Xmx512m -XX:+UseSerialGC}"
MERGE_WORKERS_FILE="$RUN_DIR/merge-workers"
EVAL_WORKERS_FILE="$RUN_DIR/eval-workers"
REGISTRIES_FILE="$RUN_DIR/registries"
GATEWAYS_FILE="$RUN_DIR/gateways"

# "MERGE EVAL REGISTRIES GATEWAYS": how many of each the last `up` started (1 of each before any).
recorded_scale() {
  local n=1 m=1 r=1 g=1
  [[ -f "$MERGE_WORKERS_FILE" ]] && n=$(cat "$MERGE_WORKERS_FILE")
  [[ -f "$EVAL_WORKERS_FILE" ]] && m=$(cat "$EVAL_WORKERS_FILE")
  [[ -f "$REGISTRIES_FILE" ]] && r=$(cat "$REGISTRIES_FILE")
  [[ -f "$GATEWAYS_FILE" ]] && g=$(cat "$GATEWAYS_FILE")
  echo "$n $m $r $g"
}

# "name module port", in start order (gateways last: they are the public entry points), for N merge
# workers, M eval workers, R registries and G gateways.
service_table() {
  local n=${1:-1} m=${2:-1} r=${3:-1} g=${4:-1} i
  echo "registry-service registry-service 8081"
  for (( i = 2; i <= r; i++ )); do echo "registry-service-$i registry-service $((8130 + i))"; done
  echo "adapter-ingest-service adapter-ingest-service 8082"
  echo "merge-service merge-service 8083"
  for (( i = 2; i <= n; i++ )); do echo "merge-service-$i merge-service $((8083 + i))"; done
  echo "eval-service eval-service 8084"
  for (( i = 2; i <= m; i++ )); do echo "eval-service-$i eval-service $((8103 + i))"; done
  echo "gateway gateway 8080"
  for (( i = 2; i <= g; i++ )); do echo "gateway-$i gateway $((8140 + i))"; done
}

# OpenMP threads for one worker of MODULE: the cores shared among the workers of its kind (at least
# one each), so that N merge workers do not run N times the cores' threads and slow each other down.
# The others keep 2. An OMP_NUM_THREADS set by the caller wins.
omp_threads() {
  local module=$1 n m cores
  read -r n m _ < <(recorded_scale)
  cores=$(nproc 2>/dev/null || echo 2)
  case "$module" in
    merge-service) echo $(( cores / n > 0 ? cores / n : 1 )) ;;
    eval-service) echo $(( cores / m > 0 ? cores / m : 1 )) ;;
    *) echo 2 ;;
  esac
}

service_modules() { echo gateway registry-service adapter-ingest-service merge-service eval-service; }

service_jar() { echo "$MEDFORGE_ROOT/$1/target/quarkus-app/quarkus-run.jar"; }

build_services_if_needed() {
  local m missing=()
  for m in $(service_modules); do
    [[ -f "$(service_jar "$m")" ]] || missing+=("$m")
  done
  ((${#missing[@]} == 0)) && return 0
  log "building the services (missing: ${missing[*]}): mvn -B -q package -DskipTests (log: $LOG_DIR/build.log)"
  local t0; t0=$(now_s)
  mvn_run -B -q package -DskipTests >"$LOG_DIR/build.log" 2>&1 \
    || { tail -n 30 "$LOG_DIR/build.log" >&2; die "build failed; see $LOG_DIR/build.log"; }
  log "build done in $(elapsed_since "$t0")s"
}

# The environment every service gets; the names are those of the services' configuration
# (contracts' microprofile-config.properties and each application.properties).
service_env() {
  local port=$1 module=${2:-}
  export QUARKUS_HTTP_HOST=127.0.0.1
  export QUARKUS_HTTP_PORT="$port"
  export KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP"
  export MEDFORGE_ARTIFACT_ROOT="$ARTIFACT_DIR"
  export MEDFORGE_DB_HOST=127.0.0.1 MEDFORGE_DB_PORT="$PG_PORT"
  export MEDFORGE_DB_NAME="$PG_DB" MEDFORGE_DB_USER="$PG_USER" MEDFORGE_DB_PASSWORD="$PG_PASSWORD"
  export MEDFORGE_OIDC_ISSUER="$KC_ISSUER"
  export MEDFORGE_GATEWAY_CLIENT_SECRET="${MEDFORGE_GATEWAY_CLIENT_SECRET:-gateway-dev-secret}"
  export DJL_OFFLINE="${DJL_OFFLINE:-true}"
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(omp_threads "$module")}"
  export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
}

service_health_url() { echo "http://127.0.0.1:$1/q/health/$2"; }

service_ready() { [[ "$(http_status "$(service_health_url "$1" ready)")" == 200 ]]; }

# Something Quarkus-like answers the health endpoint (UP or DOWN) on the port.
service_answers() {
  local out
  out=$(http_get "$(service_health_url "$1" live)")
  grep -q '"status"' <<<"$out"
}

start_service() {
  local name=$1 module=$2 port=$3 pid
  if pid=$(recorded_pid "$name"); then
    log "$name: running (pid $pid)"
    return 0
  fi
  if port_open "$port"; then
    service_answers "$port" \
      || die "port $port ($name) is taken by a process that is not a MedForge service; stop it and retry"
    log "$name: reusing the service on 127.0.0.1:$port (not started by ./medforge)"
    return 0
  fi
  local jar; jar=$(service_jar "$module")
  [[ -f "$jar" ]] || die "$jar is missing; run: mvn -B package -DskipTests"
  local parts=""
  [[ "$module" == gateway ]] && parts=$(gateway_parts)
  log "starting $name on 127.0.0.1:$port (log: $LOG_DIR/$name.log)"
  # shellcheck disable=SC2086
  pid=$(service_env "$port" "$module"; cd "$MEDFORGE_ROOT" && \
        start_daemon "$name" "$LOG_DIR/$name.log" "$JAVA" $SERVICE_JAVA_OPTS $parts -jar "$jar")
}

# The gateway's operations page asks every part for its health and metrics; its defaults name the
# first registry, merge and eval worker, and these add the others this `up` runs (as of the gateway's
# start). The other gateways are not parts: each is its own entry point.
gateway_parts() {
  local name module port
  while read -r name module port; do
    if [[ "$name" == merge-service-* || "$name" == eval-service-* || "$name" == registry-service-* ]]; then
      printf -- ' -Dmedforge.gateway.parts.%s=http://127.0.0.1:%s' "$name" "$port"
    fi
  done < <(service_table $(recorded_scale))
}

wait_service() {
  local name=$1 port=$2
  recorded_pid "$name" >/dev/null || { service_ready "$port" && return 0; }
  wait_for "$name on :$port" "${MEDFORGE_SERVICE_TIMEOUT:-240}" "$LOG_DIR/$name.log" "$name" service_ready "$port"
}

ensure_services() {
  local workers=$1 evals=${2:-1} registries=${3:-1} gateways=${4:-1} name module port
  build_services_if_needed
  # Fewer instances than last time: stop the extra ones first.
  local old old_evals old_registries old_gateways i
  read -r old old_evals old_registries old_gateways < <(recorded_scale)
  for (( i = workers + 1; i <= old; i++ )); do stop_daemon "merge-service-$i" "${MEDFORGE_STOP_TIMEOUT:-30}"; done
  for (( i = evals + 1; i <= old_evals; i++ )); do stop_daemon "eval-service-$i" "${MEDFORGE_STOP_TIMEOUT:-30}"; done
  for (( i = registries + 1; i <= old_registries; i++ )); do stop_daemon "registry-service-$i" "${MEDFORGE_STOP_TIMEOUT:-30}"; done
  for (( i = gateways + 1; i <= old_gateways; i++ )); do stop_daemon "gateway-$i" "${MEDFORGE_STOP_TIMEOUT:-30}"; done
  echo "$workers" >"$MERGE_WORKERS_FILE"
  echo "$evals" >"$EVAL_WORKERS_FILE"
  echo "$registries" >"$REGISTRIES_FILE"
  echo "$gateways" >"$GATEWAYS_FILE"
  local restart_why=""
  # Keycloak was restarted (realm re-import, new signing keys): the gateway caches the old keys.
  if [[ "${KC_RESTARTED:-false}" == true ]]; then
    restart_why="Keycloak was restarted: restarting the gateways so that they load the new signing keys"
  elif [[ "$workers $evals $registries" != "$old $old_evals $old_registries" ]]; then
    restart_why="the parts changed: restarting the gateways so that their operations pages ask each of them (gateway_parts)"
  fi
  if [[ -n "$restart_why" ]]; then
    while read -r name module port; do
      [[ "$module" == gateway ]] && recorded_pid "$name" >/dev/null || continue
      log "$restart_why ($name)"
      stop_daemon "$name" "${MEDFORGE_STOP_TIMEOUT:-30}"
    done < <(service_table "$workers" "$evals" "$registries" "$gateways")
  fi
  while read -r name module port; do
    start_service "$name" "$module" "$port"
  done < <(service_table "$workers" "$evals" "$registries" "$gateways")
  while read -r name module port; do
    wait_service "$name" "$port"
  done < <(service_table "$workers" "$evals" "$registries" "$gateways")
  start_supervisor
}

stop_services() {
  local name module port
  stop_supervisor
  # Reverse start order: the gateway first.
  while read -r name module port; do
    stop_daemon "$name" "${MEDFORGE_STOP_TIMEOUT:-30}"
  done < <(service_table $(recorded_scale) | tac)
  # Pid files of instances from an older, larger --merge-workers, --eval-workers, --registries or --gateways.
  local f
  for f in "$RUN_DIR"/merge-service-*.pid "$RUN_DIR"/eval-service-*.pid "$RUN_DIR"/registry-service-*.pid "$RUN_DIR"/gateway-*.pid; do
    [[ -e "$f" ]] || continue
    name=$(basename "$f" .pid)
    stop_daemon "$name" "${MEDFORGE_STOP_TIMEOUT:-30}"
  done
  rm -f "$MERGE_WORKERS_FILE" "$EVAL_WORKERS_FILE" "$REGISTRIES_FILE" "$GATEWAYS_FILE"
  rm -rf "$RESTART_DIR"
}

status_services() {
  local rc=0 name module port pid who state out live restarts
  while read -r name module port; do
    who="not started by ./medforge"
    [[ -f "$(pid_file "$name")" ]] && who="started by ./medforge, exited"
    if pid=$(recorded_pid "$name"); then
      who="pid $pid, $(rss_mb "$pid") MB RSS"
      STACK_RSS_KB=$(( ${STACK_RSS_KB:-0} + $(rss_kb "$pid") ))
    fi
    restarts=$(restarts_note "$name")
    live=$(http_status "$(service_health_url "$port" live)")
    out=$(http_get "$(service_health_url "$port" ready)")
    state=$(head -n1 <<<"$out")
    if [[ "$state" == 200 && "$live" == 200 ]]; then
      status_line "$name" UP "127.0.0.1:$port live and ready ($who$restarts)"
    elif [[ "$state" == 000 ]]; then
      status_line "$name" DOWN "nothing answers on 127.0.0.1:$port ($who$restarts); log: $LOG_DIR/$name.log"; rc=1
    else
      local down
      down=$(tail -n +2 <<<"$out" | tr -d '\n' | grep -o '"name" *: *"[^"]*", *"status" *: *"DOWN"' | sed 's/"name" *: *"\([^"]*\)".*/\1/' | paste -sd, -) || true
      status_line "$name" DOWN "127.0.0.1:$port liveness $live, readiness $state${down:+ (down: $down)} ($who$restarts); log: $LOG_DIR/$name.log"; rc=1
    fi
  done < <(service_table $(recorded_scale))
  return $rc
}
