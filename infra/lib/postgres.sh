# shellcheck shell=bash
# PostgreSQL: reuse what answers on 127.0.0.1:5432, else start the installed Debian cluster,
# else install Debian's postgresql (root). Then ensure role and database `medforge`.

PG_PORT=5432
PG_DB=medforge
PG_USER=medforge
PG_PASSWORD=medforge
PG_STARTED_MARK="$RUN_DIR/postgresql.started"    # "VERSION CLUSTER" when ./medforge started it

pg_answers() {
  if have pg_isready; then
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 3
  else
    port_open "$PG_PORT"
  fi
}

# Prints "VERSION CLUSTER" of the installed cluster that uses port 5432 (or the first one).
pg_find_cluster() {
  have pg_lsclusters || return 1
  local line
  line=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p {print $1, $2; exit}')
  [[ -n "$line" ]] || line=$(pg_lsclusters -h 2>/dev/null | awk 'NR == 1 {print $1, $2}')
  [[ -n "$line" ]] || return 1
  echo "$line"
}

pg_install() {
  is_root || die "PostgreSQL is not installed. Run: sudo apt-get install -y postgresql  (or start any PostgreSQL on 127.0.0.1:5432 with role/database medforge, password medforge)"
  log "installing Debian's postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$LOG_DIR/apt-postgresql.log" 2>&1 \
    && apt-get install -y -qq postgresql >>"$LOG_DIR/apt-postgresql.log" 2>&1 \
    || die "apt-get install postgresql failed; see $LOG_DIR/apt-postgresql.log"
  if ! pg_find_cluster >/dev/null; then
    local ver
    ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n1)
    [[ -n "$ver" ]] || die "postgresql installed but no server version found under /usr/lib/postgresql"
    pg_createcluster "$ver" main >>"$LOG_DIR/apt-postgresql.log" 2>&1 \
      || die "pg_createcluster $ver main failed; see $LOG_DIR/apt-postgresql.log"
  fi
}

pg_start_cluster() {
  local cluster ver name
  if ! cluster=$(pg_find_cluster); then
    pg_install
    cluster=$(pg_find_cluster) || die "no PostgreSQL cluster found after installation"
  fi
  read -r ver name <<<"$cluster"
  if ! is_root && [[ "$(stat -c %U "/var/lib/postgresql/$ver/$name" 2>/dev/null)" != "$(id -un)" ]]; then
    die "PostgreSQL $ver/$name is installed but not running. Run: sudo pg_ctlcluster $ver $name start"
  fi
  log "starting PostgreSQL cluster $ver/$name"
  local t0; t0=$(now_s)
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >"$LOG_DIR/postgresql-start.log" 2>&1 \
    || { cat "$LOG_DIR/postgresql-start.log" >&2
         die "pg_ctlcluster $ver $name start failed; see $LOG_DIR/postgresql-start.log and /var/log/postgresql/postgresql-$ver-$name.log"; }
  echo "$ver $name" >"$PG_STARTED_MARK"
  wait_for "PostgreSQL $ver/$name" "${MEDFORGE_PG_TIMEOUT:-60}" "/var/log/postgresql/postgresql-$ver-$name.log" "" pg_answers
  elapsed_since "$t0" >"$RUN_DIR/postgresql.start-seconds"
}

# Runs SQL as the database superuser (root: via the postgres OS user over the local socket).
pg_superuser_psql() {
  if is_root && id postgres >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q -X -p "$PG_PORT" "$@")
  elif [[ "$(id -un)" == postgres ]]; then
    psql -v ON_ERROR_STOP=1 -q -X -p "$PG_PORT" "$@"
  else
    return 1
  fi
}

pg_medforge_login_ok() {
  have psql || return 1
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" \
    -c 'select 1' >/dev/null 2>&1
}

pg_ensure_db() {
  if pg_medforge_login_ok; then
    return 0
  fi
  log "creating PostgreSQL role and database '$PG_DB' (idempotent)"
  pg_superuser_psql -d postgres <<SQL >"$LOG_DIR/postgresql-setup.log" 2>&1 || { cat "$LOG_DIR/postgresql-setup.log" >&2; die "could not create role/database medforge. As the PostgreSQL superuser run: CREATE ROLE medforge LOGIN PASSWORD 'medforge'; CREATE DATABASE medforge OWNER medforge;"; }
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL
  pg_medforge_login_ok || die "role medforge exists but password login on 127.0.0.1:$PG_PORT fails; check pg_hba.conf (host ... 127.0.0.1/32 scram-sha-256)"
}

ensure_postgres() {
  if pg_answers; then
    if [[ -f "$PG_STARTED_MARK" ]]; then
      log "PostgreSQL: running (started by ./medforge)"
    else
      log "PostgreSQL: reusing the server on 127.0.0.1:$PG_PORT"
    fi
  else
    rm -f "$PG_STARTED_MARK"
    pg_start_cluster
  fi
  pg_ensure_db
}

stop_postgres() {
  [[ -f "$PG_STARTED_MARK" ]] || { log "PostgreSQL: not started by ./medforge, left running"; return 0; }
  local ver name
  read -r ver name <"$PG_STARTED_MARK"
  log "stopping PostgreSQL cluster $ver/$name"
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" stop -m fast >/dev/null 2>&1 \
    || warn "pg_ctlcluster $ver $name stop failed"
  rm -f "$PG_STARTED_MARK"
}

status_postgres() {
  local who="external"
  local pid
  if [[ -f "$PG_STARTED_MARK" ]]; then
    who="started by ./medforge ($(cat "$PG_STARTED_MARK"))"
    if pid=$(postgres_pid) && [[ -n "$pid" ]]; then
      who="$who, pid $pid, $(rss_mb "$pid") MB RSS"; add_stack_rss "$pid"
    fi
  fi
  if pg_answers; then
    if pg_medforge_login_ok || ! have psql; then
      status_line postgresql UP "127.0.0.1:$PG_PORT db=$PG_DB, $who"; return 0
    fi
    status_line postgresql DOWN "127.0.0.1:$PG_PORT answers but login as $PG_USER to $PG_DB fails"; return 1
  fi
  status_line postgresql DOWN "nothing answers on 127.0.0.1:$PG_PORT"; return 1
}

# Postmaster pid (for memory figures), when the cluster was started by us.
postgres_pid() {
  [[ -f "$PG_STARTED_MARK" ]] || return 1
  local ver name
  read -r ver name <"$PG_STARTED_MARK"
  head -n1 "/var/lib/postgresql/$ver/$name/postmaster.pid" 2>/dev/null
}
