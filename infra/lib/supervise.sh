# shellcheck shell=bash
# The supervisor: a loop that `./medforge up` starts after the services (pid file run/supervisor.pid,
# log logs/supervisor.log) and `./medforge down` stops before them. Every
# MEDFORGE_SUPERVISE_INTERVAL seconds it looks at each service that ./medforge started:
#   - one that has exited is started again;
#   - one whose /q/health/live fails MEDFORGE_SUPERVISE_FAILURES checks in a row is stopped
#     (TERM, then KILL) and started again. A consumer that SmallRye stopped for good (a record left
#     unacknowledged past its limit) reports DOWN there and recovers only by a restart.
# Readiness is no reason to restart: a service is unready while Kafka or the registry is down, and
# a restart would not bring them back. A service gets MEDFORGE_SERVICE_TIMEOUT seconds after each
# start before its liveness counts, as `up` waits that long for it. After
# MEDFORGE_SUPERVISE_MAX_RESTARTS restarts within 10 minutes the supervisor leaves it down and says
# so: a service that dies on every start needs a person, not a loop.
# Each restart is one line in run/restarts/NAME ("EPOCH REASON"), which `./medforge status` shows.

SUPERVISOR=supervisor
RESTART_DIR="$RUN_DIR/restarts"
RESTART_WINDOW_S=600

# restart_record NAME: the restarts of NAME so far, one "EPOCH REASON" per line.
restart_record() { echo "$RESTART_DIR/$1"; }

# restarts_within NAME SECONDS: how many restarts of NAME the last SECONDS saw.
restarts_within() {
  local f since=$(( $(now_s) - $2 ))
  f=$(restart_record "$1")
  [[ -f "$f" ]] || { echo 0; return 0; }
  awk -v since="$since" '$1 >= since' "$f" | wc -l
}

# supervise: the loop itself (./medforge supervise runs it as a daemon).
supervise() {
  local interval=${MEDFORGE_SUPERVISE_INTERVAL:-5} needed=${MEDFORGE_SUPERVISE_FAILURES:-3}
  local max=${MEDFORGE_SUPERVISE_MAX_RESTARTS:-5} grace=${MEDFORGE_SERVICE_TIMEOUT:-240}
  local -A failures=() started=() given_up=()
  local name module port state reason workers since
  mkdir -p "$RESTART_DIR"
  log "supervising the services every ${interval}s (restart after $needed failed liveness checks in a row, at most $max restarts in ${RESTART_WINDOW_S}s)"
  while true; do
    workers=$(recorded_scale)
    while read -r name module port; do
      # Not started by ./medforge (a reused service), or stopped on purpose: not ours to restart.
      [[ -f "$(pid_file "$name")" ]] || continue
      [[ -n "${given_up[$name]:-}" ]] && continue
      if recorded_pid "$name" >/dev/null; then
        state=$(http_status "$(service_health_url "$port" live)")
        if [[ "$state" == 200 ]]; then
          failures[$name]=0
          started[$name]=0
          continue
        fi
        # Still starting: no verdict until it was live once or its start time is spent.
        since=${started[$name]:-0}
        if (( since > 0 && $(now_s) - since < grace )); then
          continue
        fi
        failures[$name]=$(( ${failures[$name]:-0} + 1 ))
        (( failures[$name] < needed )) && continue
        reason="liveness answered $state ${failures[$name]} times in a row"
      else
        reason="the process exited"
      fi
      if (( $(restarts_within "$name" "$RESTART_WINDOW_S") >= max )); then
        warn "$name: $reason, and it was restarted $max times in the last ${RESTART_WINDOW_S}s; leaving it down (log: $LOG_DIR/$name.log)"
        given_up[$name]=1
        continue
      fi
      log "$name: $reason; restarting it"
      stop_daemon "$name" "${MEDFORGE_STOP_TIMEOUT:-30}"
      # A subshell, so that a start that dies (its port taken meanwhile) does not end the loop.
      ( start_service "$name" "$module" "$port" >/dev/null ) || warn "$name: the restart failed; trying again in ${interval}s"
      echo "$(now_s) $reason" >>"$(restart_record "$name")"
      failures[$name]=0
      started[$name]=$(now_s)
    # shellcheck disable=SC2086
    done < <(service_table $workers)
    sleep "$interval"
  done
}

start_supervisor() {
  recorded_pid "$SUPERVISOR" >/dev/null && return 0
  local pid
  pid=$(start_daemon "$SUPERVISOR" "$LOG_DIR/$SUPERVISOR.log" "$MEDFORGE_ROOT/medforge" supervise)
  log "supervisor: pid $pid (log: $LOG_DIR/$SUPERVISOR.log)"
}

# Before the services, so that it does not restart what `down` is stopping.
stop_supervisor() { stop_daemon "$SUPERVISOR" 10; }

status_supervisor() {
  local pid
  if pid=$(recorded_pid "$SUPERVISOR"); then
    status_line "$SUPERVISOR" UP "pid $pid; restarts services that exit or fail liveness (log: $LOG_DIR/$SUPERVISOR.log)"
  elif [[ -f "$(pid_file "$SUPERVISOR")" ]]; then
    status_line "$SUPERVISOR" DOWN "started by ./medforge, exited; nothing restarts failed services (log: $LOG_DIR/$SUPERVISOR.log)"
    return 1
  else
    status_line "$SUPERVISOR" OFF "not running (./medforge up starts it)"
  fi
}

# restarts_note NAME: ", supervisor restarts: N (last: REASON)" or nothing.
restarts_note() {
  local f count last
  f=$(restart_record "$1")
  [[ -s "$f" ]] || return 0
  count=$(wc -l <"$f")
  last=$(tail -n1 "$f" | cut -d' ' -f2-)
  echo ", supervisor restarts: $count (last: $last)"
}
