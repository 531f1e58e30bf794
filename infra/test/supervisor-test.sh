#!/usr/bin/env bash
# The launcher's supervisor against a stand-in service (FakeService.java, started through the real
# start_service): a killed service is started again, one whose liveness fails is restarted, one
# that keeps failing is left down after the restart budget, and ./medforge status says all of it.
# Runs in a temporary MEDFORGE_HOME on a free loopback port; stops everything it started.
# Exit 0 when every check holds; each failed check is printed. Run by pipeline-tests
# (LauncherSupervisorTest) and by hand: bash infra/test/supervisor-test.sh
set -euo pipefail
MEDFORGE_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
export MEDFORGE_ROOT
WORK=$(mktemp -d)
export MEDFORGE_HOME="$WORK/home"
# The launcher's libraries, as ./medforge sources them (service_env reads the others' settings).
for lib in common postgres kafka keycloak dataset services supervise; do
  # shellcheck source=/dev/null
  source "$MEDFORGE_ROOT/infra/lib/$lib.sh"
done
ensure_dirs

PORT=${SUPERVISOR_TEST_PORT:-18931}
NAME=fake-service
export FAKE_SICK_FILE="$WORK/sick"
export MEDFORGE_SUPERVISE_INTERVAL=1 MEDFORGE_SUPERVISE_FAILURES=2 MEDFORGE_SUPERVISE_MAX_RESTARTS=2 MEDFORGE_SERVICE_TIMEOUT=5
SERVICE_JAVA_OPTS="-Xmx32m -XX:+UseSerialGC"

mkdir -p "$WORK/classes"
"$JAVAC" -d "$WORK/classes" "$MEDFORGE_ROOT/infra/test/FakeService.java"
printf 'Main-Class: FakeService\n' >"$WORK/manifest"
jar cfm "$WORK/fake.jar" "$WORK/manifest" -C "$WORK/classes" .

# The stack is this one service, run from the jar just built.
service_table() { echo "$NAME fake $PORT"; }
service_jar() { echo "$WORK/fake.jar"; }

SUPERVISOR_PID=""
FAILED=0
cleanup() {
  local rc=$?
  set +e
  if ((FAILED)) && [[ -f "$WORK/supervisor.log" ]]; then echo "supervisor log:"; sed "s/^/  /" "$WORK/supervisor.log"; fi
  if [[ -n "$SUPERVISOR_PID" ]]; then kill "$SUPERVISOR_PID" 2>/dev/null; wait "$SUPERVISOR_PID" 2>/dev/null; fi
  stop_daemon "$NAME" 10 2>/dev/null
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; FAILED=1; fi
}
# until_true SECONDS COMMAND...: polls COMMAND once a second.
until_true() {
  local deadline=$(( $(now_s) + $1 )); shift
  until "$@"; do (( $(now_s) < deadline )) || return 1; sleep 1; done
}
live() { [[ "$(http_status "$(service_health_url "$PORT" live)")" == 200 ]]; }
restarts() { [[ -f "$(restart_record "$NAME")" ]] && wc -l <"$(restart_record "$NAME")" || echo 0; }
restarted_times() { [[ "$(restarts)" == "$1" ]]; }
pid_other_than() { local p; p=$(recorded_pid "$NAME") && [[ "$p" != "$1" ]]; }
log_says() { grep -q "$1" "$WORK/supervisor.log"; }

port_open "$PORT" && { echo "FAILED: port $PORT is taken; set SUPERVISOR_TEST_PORT"; exit 1; }
start_service "$NAME" fake "$PORT" >/dev/null
check "the stand-in service comes up" until_true 30 live
( supervise ) >"$WORK/supervisor.log" 2>&1 &
SUPERVISOR_PID=$!

first=$(recorded_pid "$NAME")
kill -KILL "$first"
check "a killed service is started again" until_true 30 pid_other_than "$first"
check "and answers again" until_true 30 live
check "the restart is recorded with its reason" grep -q "the process exited" "$(restart_record "$NAME")"

# Until the supervisor has seen the new process live once, it is still in its start grace.
sleep 3
second=$(recorded_pid "$NAME")
touch "$FAKE_SICK_FILE"
check "a service whose liveness fails twice in a row is restarted" until_true 30 pid_other_than "$second"
check "for that reason" until_true 5 grep -q "liveness answered 503 2 times in a row" "$(restart_record "$NAME")"
check "one that keeps failing is left down after 2 restarts" until_true 30 log_says "leaving it down"
sleep 3
check "and is not restarted a third time" restarted_times 2

status=$(status_services) && rc=0 || rc=$?
echo "status: $status"
check "status exits 1 for it" test "$rc" = 1
check "status shows liveness and readiness" grep -q "liveness 503, readiness 200" <<<"$status"
check "status counts the restarts and gives the last reason" \
  grep -q "supervisor restarts: 2 (last: liveness answered 503 2 times in a row)" <<<"$status"

rm -f "$FAKE_SICK_FILE"
check "the stand-in is live again once it is well" until_true 10 live
status=$(status_services) && rc=0 || rc=$?
check "status exits 0 once it is live again" test "$rc" = 0
grep -q "live and ready" <<<"$status" || { echo "FAILED: status line: $status"; FAILED=1; }

exit $FAILED
