#!/usr/bin/env bash
# Starts a throwaway NATS server with JetStream for nats triggers and their tests, on loopback, with its
# JetStream store in a fresh temporary directory: installs Debian's nats-server when missing, starts it
# on the first free port from 54222 (FNSHARP_NATS_PORT changes it), and prints its URL
# (nats://127.0.0.1:PORT) as the last line of stdout.
# Idempotent: when this checkout's server already runs, it prints the URL again and returns.
#   scripts/start-nats.sh          print the URL (scripts/test.sh hands it to the tests as FNSHARP_TEST_NATS)
#   scripts/start-nats.sh --env    print "export FN_NATS_URL=URL", for eval before starting a server
# scripts/stop-nats.sh stops it and removes its store. FNSHARP_NATS_STATE names another state directory
# (default artifacts/nats).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${FNSHARP_NATS_STATE:-"$ROOT/artifacts/nats"}
PORT=${FNSHARP_NATS_PORT:-54222}

print_url() {
  if [ "${1:-}" = "--env" ]; then
    echo "export FN_NATS_URL=$(cat "$STATE/url")"
  else
    cat "$STATE/url"
  fi
}

if [ -f "$STATE/pid" ] && [ -f "$STATE/url" ] && kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
  echo "nats: already running" >&2
  print_url "${1:-}"
  exit 0
fi

if ! command -v nats-server >/dev/null; then
  echo "nats: installing Debian's nats-server..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
fi

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
while port_in_use "$PORT"; do
  PORT=$((PORT + 1))
done

rm -rf "$STATE"
mkdir -p "$STATE"
DATA=$(mktemp -d /tmp/fnsharp-nats.XXXXXX)
echo "$DATA" >"$STATE/datadir"

nohup nats-server --addr 127.0.0.1 --port "$PORT" --jetstream --store_dir "$DATA" \
  --pid "$STATE/pid" --log "$DATA/server.log" >/dev/null 2>&1 &
for _ in $(seq 1 100); do
  if port_in_use "$PORT"; then
    break
  fi
  sleep 0.1
done
if ! port_in_use "$PORT"; then
  echo "nats: nats-server did not start on 127.0.0.1:$PORT" >&2
  cat "$DATA/server.log" >&2 || true
  exit 1
fi

echo "nats://127.0.0.1:$PORT" >"$STATE/url"
echo "nats: nats-server $(nats-server --version | awk '{print $NF}') with JetStream on 127.0.0.1:$PORT, store in $DATA" >&2
print_url "${1:-}"
