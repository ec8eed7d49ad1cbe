#!/usr/bin/env bash
# A throwaway PostgreSQL 16 with pgvector for tests, from the `pgserver` wheel that scripts/setup.sh
# installs into .local/pgserver. It listens on 127.0.0.1 at a free port and on a private socket
# folder, trusts local connections, and keeps nothing after `stop`.
#
#   scripts/pg.sh start     initdb + start; prints the URL (also in .local/pg-test/url)
#   scripts/pg.sh stop      stops it and deletes its data
#   scripts/pg.sh restart   stops and starts the same cluster (same port, data kept): for fault tests
#   scripts/pg.sh url       prints the URL of the running one
#
# initdb refuses to run as root: as root, the server runs as the unprivileged user `segue-pg`
# (created here once). Durability is off (fsync, full-page writes): a test database is never kept.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=$ROOT/.local/pg-test
WHEEL=$ROOT/.local/pgserver
PG_USER=segue-pg
DB=segue_test

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

ensure_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
}

# The binaries, somewhere the server's user can read (a repository under a private home folder is not).
bin_dir() {
  local dir=$1
  if as_pg test -x "$WHEEL/pgserver/pginstall/bin/postgres"; then
    echo "$WHEEL/pgserver/pginstall/bin"
  else
    cp -a "$WHEEL" "$dir/pgserver-copy"
    chmod -R a+rX "$dir/pgserver-copy"
    echo "$dir/pgserver-copy/pgserver/pginstall/bin"
  fi
}

start_server() { # dir bin port
  as_pg "$2/pg_ctl" -D "$1/data" -l "$1/postgres.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $3 -k $1/socket -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
    start >/dev/null
}

case "${1:-}" in
start)
  if [ -f "$STATE/dir" ] && [ -d "$(cat "$STATE/dir")/data" ]; then
    if as_pg "$(cat "$STATE/bin")/pg_ctl" -D "$(cat "$STATE/dir")/data" status >/dev/null 2>&1; then
      echo "pg.sh: a test PostgreSQL is already running ($(cat "$STATE/url")); scripts/pg.sh stop first" >&2
      exit 1
    fi
    # A state file left by a server that is gone (a reboot, a copied .local): forget it.
    echo "pg.sh: the test PostgreSQL at $(cat "$STATE/url") is not running; starting a new one" >&2
    rm -rf "$(cat "$STATE/dir")"
    rm -f "$STATE/dir" "$STATE/bin" "$STATE/port" "$STATE/url"
  fi
  [ -x "$WHEEL/pgserver/pginstall/bin/postgres" ] || { echo "pg.sh: run scripts/setup.sh first (no $WHEEL)" >&2; exit 1; }
  ensure_user
  mkdir -p "$STATE"
  DIR=$(mktemp -d /tmp/segue-pg.XXXXXX)
  chmod 755 "$DIR"
  [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$DIR"
  BIN=$(bin_dir "$DIR")
  as_pg mkdir -p "$DIR/socket"
  as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
  PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  start_server "$DIR" "$BIN" "$PORT" || { cat "$DIR/postgres.log" >&2; exit 1; }
  "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE $DB" -c "\\c $DB" -c "CREATE EXTENSION vector" >/dev/null
  echo "$DIR" >"$STATE/dir"
  echo "$BIN" >"$STATE/bin"
  echo "$PORT" >"$STATE/port"
  echo "postgres://postgres@127.0.0.1:$PORT/$DB" >"$STATE/url"
  cat "$STATE/url"
  ;;
stop)
  [ -f "$STATE/dir" ] || exit 0
  DIR=$(cat "$STATE/dir")
  BIN=$(cat "$STATE/bin")
  if [ -d "$DIR/data" ]; then as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$DIR"
  rm -f "$STATE/dir" "$STATE/bin" "$STATE/port" "$STATE/url"
  ;;
restart)
  DIR=$(cat "$STATE/dir")
  BIN=$(cat "$STATE/bin")
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
  start_server "$DIR" "$BIN" "$(cat "$STATE/port")"
  ;;
url)
  cat "$STATE/url"
  ;;
*)
  echo "usage: scripts/pg.sh start|stop|restart|url" >&2
  exit 2
  ;;
esac
