#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 + PostGIS on loopback (port $SILLAGE_PG_PORT, default 54329)
# and prints its DATABASE_URL. Usage: source-free; `eval "$(bash .ci/postgres.sh start)"` then
# `bash .ci/postgres.sh stop "$PGDATA"`. Runs postgres as the postgres user (it refuses root).
# `eval "$(bash .ci/postgres.sh standby <primary-port> <standby-port>)"` starts a hot streaming
# standby of that running primary (pg_basebackup -R over loopback, trust auth) and prints its
# DATABASE_READ_URL; stop it the same way (`stop "$PGDATA_SILLAGE_STANDBY"`).
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
PORT="${SILLAGE_PG_PORT:-54329}"
case "${1:-start}" in
  start)
    PGDATA=$(mktemp -d /tmp/sillage-pg.XXXXXX)
    chown postgres:postgres "$PGDATA"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
      -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    psql -q -h 127.0.0.1 -p "$PORT" -U postgres -c 'CREATE EXTENSION IF NOT EXISTS postgis' >/dev/null
    echo "export PGDATA_SILLAGE=$PGDATA DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
    ;;
  standby)
    PRIMARY_PORT="${2:?usage: postgres.sh standby <primary-port> <standby-port>}"
    STANDBY_PORT="${3:?usage: postgres.sh standby <primary-port> <standby-port>}"
    STANDBY=$(mktemp -d /tmp/sillage-pg-standby.XXXXXX)
    chown postgres:postgres "$STANDBY"
    chmod 700 "$STANDBY"
    # A fast checkpoint and WAL streamed during the copy; -R writes primary_conninfo and standby.signal.
    # Throwaway like the primary: no fsync (nor the fsync of the whole copy at its first start, 3 s).
    # max_connections must be at least the primary's.
    if ! runuser -u postgres -- "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$STANDBY" \
        -R -X stream -c fast --no-sync >"$STANDBY.log" 2>&1; then
      cat "$STANDBY.log" >&2; rm -rf "$STANDBY" "$STANDBY.log"; exit 1
    fi
    rm -f "$STANDBY.log" "$STANDBY/server.log"
    # The primary's server.log came with the copy; the standby keeps its own.
    if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$STANDBY" -l "$STANDBY/server.log" -w \
        -o "-p $STANDBY_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on -c max_connections=200" start >/dev/null; then
      cat "$STANDBY/server.log" >&2; rm -rf "$STANDBY"; exit 1
    fi
    echo "export PGDATA_SILLAGE_STANDBY=$STANDBY DATABASE_READ_URL=postgres://postgres@127.0.0.1:$STANDBY_PORT/postgres"
    ;;
  stop)
    [ -n "${2:-}" ] && [ -d "$2" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$2" -m fast stop >/dev/null 2>&1 || true
    [ -n "${2:-}" ] && rm -rf "$2"
    ;;
esac
