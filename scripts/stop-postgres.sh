#!/usr/bin/env bash
# Stops the PostgreSQL server that scripts/start-postgres.sh started for this checkout and removes its
# temporary data. Idempotent: does nothing when none runs. FNSHARP_PG_STATE as for start-postgres.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${FNSHARP_PG_STATE:-"$ROOT/artifacts/postgres"}

if [ ! -f "$STATE/datadir" ]; then
  exit 0
fi

DATA=$(cat "$STATE/datadir")
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -n "$BIN" ] && [ -d "$DATA/data" ]; then
  runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA/data" -m fast -w stop >/dev/null 2>&1 || true
fi
case "$DATA" in
  /tmp/fnsharp-postgres.*) rm -rf "$DATA" ;;
esac
rm -rf "$STATE"
echo "postgres: stopped"
