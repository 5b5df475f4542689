#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests, on loopback, with its data in a fresh temporary
# directory: installs Debian's postgresql when missing, runs initdb and pg_ctl as the postgres user on
# the first free port from 55432 (FNSHARP_PG_PORT changes it), creates the database "fnsharp", and
# prints its URL (postgres://postgres@127.0.0.1:PORT/fnsharp) as the last line of stdout.
# Idempotent: when this checkout's server already runs, it prints the URL again and returns.
#   scripts/start-postgres.sh          print the URL
#   scripts/start-postgres.sh --env    print "export FNSHARP_TEST_POSTGRES=URL", for eval
# scripts/stop-postgres.sh stops it and removes its data. FNSHARP_PG_STATE names another state
# directory (default artifacts/postgres), for a second server beside the tests' (scripts/cluster.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${FNSHARP_PG_STATE:-"$ROOT/artifacts/postgres"}
PORT=${FNSHARP_PG_PORT:-55432}

print_url() {
  if [ "${1:-}" = "--env" ]; then
    echo "export FNSHARP_TEST_POSTGRES=$(cat "$STATE/url")"
  else
    cat "$STATE/url"
  fi
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_postgres() {
  runuser -u postgres -- "$@"
}

if [ -f "$STATE/datadir" ] && [ -f "$STATE/url" ]; then
  BIN=$(pg_bin)
  if [ -n "$BIN" ] && as_postgres "$BIN/pg_ctl" -D "$(cat "$STATE/datadir")/data" status >/dev/null 2>&1; then
    echo "postgres: already running" >&2
    print_url "${1:-}"
    exit 0
  fi
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "postgres: run this script as root (it runs the server as the postgres user)" >&2
  exit 1
fi

if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
  echo "postgres: installing Debian's postgresql..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
BIN=$(pg_bin)

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
while port_in_use "$PORT"; do
  PORT=$((PORT + 1))
done

rm -rf "$STATE"
mkdir -p "$STATE"
DATA=$(mktemp -d /tmp/fnsharp-postgres.XXXXXX)
chown postgres:postgres "$DATA"
chmod 700 "$DATA"
echo "$DATA" >"$STATE/datadir"

as_postgres "$BIN/initdb" -D "$DATA/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$STATE/initdb.log" 2>&1 \
  || { cat "$STATE/initdb.log" >&2; exit 1; }
# fsync off: the data is thrown away after the tests, and the tests run faster without it.
# Another process may take the probed port before PostgreSQL binds it (tests and helpers start servers
# on loopback at the same time): then the next free port is tried, up to 20 times, never an empty URL.
tries=0
until as_postgres "$BIN/pg_ctl" -D "$DATA/data" -l "$DATA/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c max_connections=300" start >&2; do
  tries=$((tries + 1))
  if ! grep -q "could not bind\|Address already in use\|could not create any TCP/IP sockets" "$DATA/server.log" 2>/dev/null \
    || [ "$tries" -ge 20 ]; then
    cat "$DATA/server.log" >&2
    echo "postgres: could not start on 127.0.0.1:$PORT (see the log above)" >&2
    exit 1
  fi
  echo "postgres: port $PORT was taken before PostgreSQL bound it; trying the next free port" >&2
  : >"$DATA/server.log"
  PORT=$((PORT + 1))
  while port_in_use "$PORT"; do
    PORT=$((PORT + 1))
  done
done
as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE fnsharp" >&2

echo "postgres://postgres@127.0.0.1:$PORT/fnsharp" >"$STATE/url"
echo "postgres: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, data in $DATA" >&2
print_url "${1:-}"
