#!/usr/bin/env bash
# Stops the NATS server that scripts/start-nats.sh started for this checkout and removes its temporary
# JetStream store. Idempotent: does nothing when none runs. FNSHARP_NATS_STATE as for start-nats.sh.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${FNSHARP_NATS_STATE:-"$ROOT/artifacts/nats"}

if [ ! -d "$STATE" ]; then
  exit 0
fi

if [ -f "$STATE/pid" ]; then
  pid=$(cat "$STATE/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
fi
if [ -f "$STATE/datadir" ]; then
  DATA=$(cat "$STATE/datadir")
  case "$DATA" in
    /tmp/fnsharp-nats.*) rm -rf "$DATA" ;;
  esac
fi
rm -rf "$STATE"
echo "nats: stopped"
