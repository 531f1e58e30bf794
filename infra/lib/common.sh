# shellcheck shell=bash
# Shared helpers for ./medforge: paths, logging, process bookkeeping, waits, HTTP probes.
# Sourced by ./medforge; every function expects `set -euo pipefail` in the caller.

: "${MEDFORGE_ROOT:?MEDFORGE_ROOT must be set by ./medforge}"
MEDFORGE_HOME="${MEDFORGE_HOME:-$MEDFORGE_ROOT/.medforge}"      # state folder (gitignored)
MEDFORGE_CACHE="${MEDFORGE_CACHE:-$HOME/.cache/medforge}"       # downloads, shared by clones
RUN_DIR="$MEDFORGE_HOME/run"
LOG_DIR="$MEDFORGE_HOME/logs"
ARTIFACT_DIR="$MEDFORGE_HOME/artifacts"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="${JAVA:-$JAVA_HOME/bin/java}"
  JAVAC="${JAVAC:-$JAVA_HOME/bin/javac}"
else
  JAVA="${JAVA:-java}"
  JAVAC="${JAVAC:-javac}"
fi

log()  { printf '[medforge] %s\n' "$*" >&2; }
warn() { printf '[medforge] WARNING: %s\n' "$*" >&2; }
die()  { printf '[medforge] ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [[ "$(id -u)" == 0 ]]; }
have()    { command -v "$1" >/dev/null 2>&1; }

# apt_install NAME PACKAGE...: installs Debian packages (root only), logging to $LOG_DIR/apt-NAME.log.
apt_install() {
  local name=$1; shift
  ensure_dirs
  log "installing Debian's $* (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$LOG_DIR/apt-$name.log" 2>&1 \
    && apt-get install -y -qq "$@" >>"$LOG_DIR/apt-$name.log" 2>&1 \
    || die "apt-get install $* failed; see $LOG_DIR/apt-$name.log"
}

ensure_dirs() { mkdir -p "$RUN_DIR" "$LOG_DIR" "$ARTIFACT_DIR" "$MEDFORGE_CACHE"; }

now_s() { date +%s; }

# Seconds since $1 (an epoch timestamp in seconds).
elapsed_since() { echo $(( $(now_s) - $1 )); }

# ---------------------------------------------------------------------------- maven

# Runs Maven from the repository root. Set MEDFORGE_MVN_LOCK=/path/to/lockfile to serialise
# Maven runs between several users of one machine (flock); off by default.
mvn_run() {
  have mvn || die "Maven (mvn) is not on PATH; install Java 17 and Maven 3.8+ first."
  if [[ -n "${MEDFORGE_MVN_LOCK:-}" ]] && have flock; then
    (cd "$MEDFORGE_ROOT" && flock "$MEDFORGE_MVN_LOCK" mvn "$@")
  else
    (cd "$MEDFORGE_ROOT" && mvn "$@")
  fi
}

# cache_lock / cache_unlock: serialise downloads into the shared cache (two clones may run
# `up` at the same time). A no-op without flock(1).
cache_lock() {
  mkdir -p "$MEDFORGE_CACHE"
  have flock || return 0
  exec 8>"$MEDFORGE_CACHE/.lock"
  flock 8
}
cache_unlock() { have flock && exec 8>&- ; return 0; }

# ---------------------------------------------------------------------------- network probes

# port_open PORT [HOST]: a TCP connect succeeds.
port_open() {
  local port=$1 host=${2:-127.0.0.1}
  timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

# http_get URL: prints "<status>\n<body>" (status 000 when nothing answers). Uses curl when
# present, otherwise a minimal HTTP/1.0 client over bash's /dev/tcp (loopback, plain http only).
http_get() {
  local url=$1
  if have curl; then
    local out
    out=$(curl -sS -m 5 -w '\n%{http_code}' "$url" 2>/dev/null) || true
    [[ -n "$out" ]] || out=$'\n000'
    printf '%s\n%s\n' "${out##*$'\n'}" "${out%$'\n'*}"
    return 0
  fi
  local rest=${url#http://} hostport path host port
  hostport=${rest%%/*}; path=/${rest#*/}; [[ "$rest" == */* ]] || path=/
  host=${hostport%%:*}; port=${hostport##*:}; [[ "$hostport" == *:* ]] || port=80
  local resp
  resp=$(timeout 5 bash -c '
      exec 3<>"/dev/tcp/$1/$2" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$3" "$1:$2" >&3
      cat <&3' _ "$host" "$port" "$path" 2>/dev/null) || true
  if [[ -z "$resp" ]]; then printf '000\n\n'; return 0; fi
  local status
  status=$(printf '%s' "$resp" | head -n1 | awk '{print $2}')
  printf '%s\n%s\n' "${status:-000}" "$(printf '%s' "$resp" | tr -d '\r' | sed '1,/^$/d')"
}

# http_status URL: prints only the status code. Not `http_get | head -n1`: head exits after one
# line, http_get's next write then dies of SIGPIPE, and with pipefail that fails the caller.
http_status() {
  local out
  out=$(http_get "$1")
  echo "${out%%$'\n'*}"
}

# ---------------------------------------------------------------------------- processes
# A pid file holds "PID STARTTIME" (field 22 of /proc/PID/stat), so a recycled pid is never
# mistaken for ours. Every daemon is started as the leader of its own session/process group
# (setsid), so stopping it also stops any child it spawned (kc.sh starts a java child).

pid_file() { echo "$RUN_DIR/$1.pid"; }

# stat_field PID N: field N of /proc/PID/stat (3 state, 4 ppid, 5 pgid, 6 session, 22 start time).
# /proc only, so that no procps is needed on a bare CI machine.
stat_field() {
  local line
  line=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  line=${line##*) }                      # drop "pid (comm) "; comm may hold spaces
  awk -v n=$(( $2 - 2 )) '{print $n}' <<<"$line"
}

proc_starttime() { stat_field "$1" 22; }

# recorded_pid NAME: prints the pid if the recorded process is still the one we started.
recorded_pid() {
  local f pid start
  f=$(pid_file "$1")
  [[ -f "$f" ]] || return 1
  read -r pid start <"$f" || return 1
  [[ -n "$pid" ]] || return 1
  [[ -d "/proc/$pid" ]] || return 1
  [[ "$(proc_starttime "$pid")" == "$start" ]] || return 1
  # Empty when the process was reaped since the line above.
  local state; state=$(stat_field "$pid" 3)
  [[ -n "$state" && "$state" != "Z" ]] || return 1
  echo "$pid"
}

# start_daemon NAME LOGFILE CMD...: starts CMD detached (own session, stdin /dev/null, output to
# LOGFILE, previous log kept as LOGFILE.1) and records its pid. Prints the pid.
start_daemon() {
  local name=$1 logfile=$2; shift 2
  ensure_dirs
  [[ -f "$logfile" ]] && mv -f "$logfile" "$logfile.1"
  # The subshell is not a process-group leader (no job control in scripts), so setsid makes it
  # one without forking: $! is the pid of CMD itself.
  ( exec setsid "$@" ) >"$logfile" 2>&1 </dev/null &
  local pid=$!
  local start=""
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    start=$(proc_starttime "$pid"); [[ -n "$start" ]] && break; sleep 0.1
  done
  echo "$pid $start" >"$(pid_file "$name")"
  echo "$pid"
}

# child_pids PID: direct children of PID.
child_pids() {
  local f
  if compgen -G "/proc/$1/task/*/children" >/dev/null; then
    cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | sed '/^$/d'
    return 0
  fi
  for f in /proc/[0-9]*; do
    [[ "$(stat_field "${f#/proc/}" 4)" == "$1" ]] && echo "${f#/proc/}"
  done
  return 0
}

# session_pids SID: live processes of session SID.
session_pids() {
  local f p
  for f in /proc/[0-9]*; do
    p=${f#/proc/}
    [[ "$(stat_field "$p" 6)" == "$1" && "$(stat_field "$p" 3)" != Z ]] && echo "$p"
  done
  return 0
}

# process_tree_pids PID: PID and all its descendants.
process_tree_pids() {
  local pid=$1 child
  [[ -d "/proc/$pid" ]] || return 0
  echo "$pid"
  for child in $(child_pids "$pid"); do
    process_tree_pids "$child"
  done
}

# rss_kb PID: resident memory of PID and its descendants, in KiB.
rss_kb() {
  local total=0 p r
  [[ -n "${1:-}" && "$1" != 0 ]] || { echo 0; return 0; }
  for p in $(process_tree_pids "$1"); do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || true
    total=$(( total + ${r:-0} ))
  done
  echo "$total"
}

rss_mb() { echo $(( $(rss_kb "$1") / 1024 )); }

# add_stack_rss PID: adds PID's tree to the memory total that `status` prints.
add_stack_rss() { STACK_RSS_KB=$(( ${STACK_RSS_KB:-0} + $(rss_kb "$1") )); }

# stop_daemon NAME [TIMEOUT_S]: TERM the recorded process group, KILL after TIMEOUT_S.
stop_daemon() {
  local name=$1 timeout=${2:-30} pid pgid
  if ! pid=$(recorded_pid "$name"); then
    rm -f "$(pid_file "$name")"
    return 0
  fi
  pgid=$(stat_field "$pid" 5)
  local target=$pid
  [[ "$pgid" == "$pid" ]] && target="-$pid"          # whole group when it leads one
  log "stopping $name (pid $pid)"
  kill -TERM -- "$target" 2>/dev/null || true
  local deadline=$(( $(now_s) + timeout ))
  while recorded_pid "$name" >/dev/null && (( $(now_s) < deadline )); do sleep 0.5; done
  if recorded_pid "$name" >/dev/null; then
    warn "$name (pid $pid) did not stop within ${timeout}s; sending KILL"
    kill -KILL -- "$target" 2>/dev/null || true
    sleep 0.5
  fi
  # Group members that outlived the leader (none expected).
  if [[ "$target" == -* && -n "$(session_pids "$pid")" ]]; then
    kill -KILL -- "$target" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
}

# wait_for DESCRIPTION TIMEOUT_S LOGFILE PIDNAME CHECK...: polls CHECK until it succeeds. Fails
# with a pointer to LOGFILE on timeout, or early when the recorded process PIDNAME has died.
wait_for() {
  local desc=$1 timeout=$2 logfile=$3 pidname=$4; shift 4
  local start; start=$(now_s)
  while true; do
    if "$@" >/dev/null 2>&1; then
      log "$desc: ready after $(elapsed_since "$start")s"
      return 0
    fi
    if [[ -n "$pidname" ]] && ! recorded_pid "$pidname" >/dev/null; then
      [[ -f "$logfile" ]] && tail -n 25 "$logfile" >&2
      die "$desc: the process exited before it became ready; see $logfile"
    fi
    if (( $(elapsed_since "$start") >= timeout )); then
      [[ -f "$logfile" ]] && tail -n 15 "$logfile" >&2
      die "$desc: not ready after ${timeout}s; see $logfile (raise the limit with the variable named in infra/README.md)"
    fi
    sleep 1
  done
}

# status_line PART STATE DETAIL
status_line() { printf '%-26s %-6s %s\n' "$1" "$2" "$3"; }
