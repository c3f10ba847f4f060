#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 + PostGIS on loopback (port $SILLAGE_PG_PORT, default 54329)
# and prints its DATABASE_URL. Usage: source-free; `eval "$(bash .ci/postgres.sh start)"` then
# `bash .ci/postgres.sh stop "$PGDATA"`. Runs postgres as the postgres user (it refuses root).
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
  stop)
    [ -n "${2:-}" ] && [ -d "$2" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$2" -m fast stop >/dev/null 2>&1 || true
    [ -n "${2:-}" ] && rm -rf "$2"
    ;;
esac
