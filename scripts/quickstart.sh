#!/usr/bin/env bash
# The main job on this machine, from nothing: ensures the Docker engine, builds FnSharp and the hello
# function's image, starts the server on its embedded SQLite store (./data), creates the app
# "quickstart" and its fn, invokes it in a real container and prints the answer. Each step prints
# how long it took. Idempotent: a second run reuses the running server, the app, the fn and the images.
#   scripts/quickstart.sh           the C# hello function (examples/hello-csharp, NativeAOT)
#   scripts/quickstart.sh node      the Node hello function on Fn's Node FDK (examples/hello-node);
#                                   its first run also builds a Debian base image (about a minute)
#   scripts/quickstart.sh --stop    stop the server; it removes its containers as it stops
# Settings: FN_PORT (default 8080); FN_LISTEN_ADDRESS (default 127.0.0.1, where a server without API keys
# runs open); FN_TOKEN, sent as 'Authorization: Bearer' when ./data holds API keys.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
PORT=${FN_PORT:-8080}
AUTH=()
if [ -n "${FN_TOKEN:-}" ]; then AUTH=(-H "Authorization: Bearer $FN_TOKEN"); fi
API="http://localhost:$PORT"
PIDFILE="$ROOT/data/server.pid"
LOG="$ROOT/data/server.log"

server_pid() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"; }

if [ "${1:-}" = "--stop" ]; then
  if pid=$(server_pid); then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    rm -f "$PIDFILE"
    echo "quickstart: server stopped"
  else
    echo "quickstart: no server of ours is running"
  fi
  exit 0
fi

case ${1:-csharp} in
  csharp) FN_NAME=hello; IMAGE=fnsharp/hello-csharp:latest; IMAGE_TARGET=hello-csharp ;;
  node) FN_NAME=hello-node; IMAGE=fnsharp/hello-node:latest; IMAGE_TARGET=hello-node ;;
  *) echo "usage: scripts/quickstart.sh [csharp|node] | --stop" >&2; exit 2 ;;
esac

started=$SECONDS
step_started=$SECONDS
step_name=
# Prints the time the previous step took, then the next step's title.
step() {
  [ -z "$step_name" ] || echo "    ($step_name: $((SECONDS - step_started))s)"
  step_name=$1 step_started=$SECONDS
  [ -z "$1" ] || echo "==> $1"
}

step "Docker engine"
bash scripts/ensure-docker.sh
bash scripts/ensure-node.sh

step "Building FnSharp"
dotnet build src/FnSharp.Server -c Release -nologo -clp:ErrorsOnly -v:quiet

step "Building images"
bash scripts/build-images.sh "$IMAGE_TARGET"

step "Starting the server"
mkdir -p "$ROOT/data"
echo "API: $API"
if pid=$(server_pid); then
  echo "quickstart: server already running (pid $pid)"
else
  if curl -s --max-time 2 "$API/version" >/dev/null 2>&1; then
    echo "quickstart: something else answers on port $PORT; stop it or set FN_PORT to a free port" >&2
    exit 1
  fi
  FN_PORT=$PORT FN_LISTEN_ADDRESS=${FN_LISTEN_ADDRESS:-127.0.0.1} setsid src/FnSharp.Server/bin/Release/net10.0/fnsharp-server >"$LOG" 2>&1 < /dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 100); do
    curl -s --max-time 1 "$API/version" >/dev/null 2>&1 && break
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { echo "quickstart: the server exited; its log:" >&2; tail -n 30 "$LOG" >&2; exit 1; }
    sleep 0.2
  done
  curl -s --max-time 1 "$API/version" >/dev/null || { echo "quickstart: the server did not answer in 20s; see $LOG" >&2; exit 1; }
  echo "quickstart: server running (pid $(cat "$PIDFILE"), log $LOG)"
fi

# The first "id" in an app, a fn or a list's first item.
first_id() { sed -n 's/^[^"]*\(.*\)$/\1/; s/.*"id":"\([0-9A-Z]*\)".*/\1/p' | head -n 1; }

step "Creating the app 'quickstart' and its fn '$FN_NAME'"
app_id=$(curl -s "${AUTH[@]}" "$API/v2/apps?name=quickstart" | first_id)
if [ -z "$app_id" ]; then
  app_id=$(curl -s "${AUTH[@]}" -X POST "$API/v2/apps" -H 'Content-Type: application/json' -d '{"name":"quickstart"}' | first_id)
fi
fn_id=$(curl -s "${AUTH[@]}" "$API/v2/fns?app_id=$app_id&name=$FN_NAME" | first_id)
if [ -z "$fn_id" ]; then
  fn_id=$(curl -s "${AUTH[@]}" -X POST "$API/v2/fns" -H 'Content-Type: application/json' \
    -d "{\"name\":\"$FN_NAME\",\"app_id\":\"$app_id\",\"image\":\"$IMAGE\",\"memory\":128,\"timeout\":30}" | first_id)
fi
[ -n "$app_id" ] && [ -n "$fn_id" ] || { echo "quickstart: creating the app or fn failed; see $LOG" >&2; exit 1; }
echo "app quickstart = $app_id, fn $FN_NAME = $fn_id"

step "Invoking $FN_NAME"
echo "curl -X POST $API/invoke/$fn_id -d '{\"name\":\"FnSharp\"}'"
answer=$(curl -s "${AUTH[@]}" -X POST "$API/invoke/$fn_id" -H 'Content-Type: application/json' -d '{"name":"FnSharp"}' -w '\nHTTP %{http_code}')
echo "$answer"
case "$answer" in
  *"HTTP 200") ;;
  *) echo "quickstart: the call failed; see $LOG" >&2; exit 1 ;;
esac

step ""
echo
echo "Done in $((SECONDS - started))s. The server keeps running on $API with its data in ./data."
echo "The dashboard is at $API/ui/ (apps, fns, invoke, calls and logs, live view)."
echo "Stop it (and its containers) with: scripts/quickstart.sh --stop"
