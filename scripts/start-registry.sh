#!/usr/bin/env bash
# Starts two throwaway image registries for the tests, on loopback, with their storage in a fresh
# temporary directory: Debian's docker-registry (the CNCF Distribution registry 2.8), once open and
# once with basic auth (a bcrypt htpasswd file made by htpasswd -B from apache2-utils, user "fnsharp"
# and a random password). Installs docker-registry and apache2-utils when missing. The ports are the
# first free ones from 55500 (FNSHARP_REGISTRY_PORT changes it). Both speak plain HTTP, which the
# Docker engine accepts for 127.0.0.0/8 without settings.
# Prints, as the last lines of stdout:
#   FNSHARP_TEST_REGISTRY=127.0.0.1:PORT            the open registry
#   FNSHARP_TEST_REGISTRY_AUTH=127.0.0.1:PORT       the one with basic auth
#   FNSHARP_TEST_REGISTRY_USER=fnsharp
#   FNSHARP_TEST_REGISTRY_PASSWORD=...
#   FNSHARP_TEST_REGISTRY_LOG=/tmp/...              both registries' request log
# Idempotent: when this checkout's registries already run, it prints the same lines again and returns.
#   scripts/start-registry.sh          print the lines
#   scripts/start-registry.sh --env    the same lines with "export " before each, for eval
# scripts/stop-registry.sh stops them and removes their storage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE="$ROOT/artifacts/registry"
PORT=${FNSHARP_REGISTRY_PORT:-55500}

print_settings() {
  local prefix=""
  if [ "${1:-}" = "--env" ]; then
    prefix="export "
  fi
  while IFS= read -r line; do
    echo "$prefix$line"
  done <"$STATE/settings"
}

running() {
  [ -f "$STATE/pids" ] || return 1
  local pid
  for pid in $(cat "$STATE/pids"); do
    kill -0 "$pid" 2>/dev/null || return 1
  done
}

if [ -f "$STATE/settings" ] && running; then
  echo "registry: already running" >&2
  print_settings "${1:-}"
  exit 0
fi

# An earlier start whose registries died: stop what is left of it first.
bash "$ROOT/scripts/stop-registry.sh" >/dev/null 2>&1 || true

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "registry: ${missing[*]} missing; run this script as root, or install them yourself (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "registry: installing Debian's ${missing[*]}..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
free_port() {
  local port=$1
  while port_in_use "$port"; do
    port=$((port + 1))
  done
  echo "$port"
}

mkdir -p "$STATE"
DATA=$(mktemp -d /tmp/fnsharp-registry.XXXXXX)
echo "$DATA" >"$STATE/datadir"
LOG="$DATA/requests.log"
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
htpasswd -B -i -c "$DATA/htpasswd" fnsharp <<<"$PASSWORD" 2>/dev/null

# Writes the config of one registry: its own storage, loopback only, deletes allowed (tests move tags).
write_config() {
  local name=$1 port=$2 auth=$3
  {
    echo "version: 0.1"
    echo "log:"
    echo "  level: info"
    echo "  formatter: text"
    echo "  fields:"
    echo "    registry: $name"
    echo "storage:"
    echo "  filesystem:"
    echo "    rootdirectory: $DATA/$name"
    echo "  delete:"
    echo "    enabled: true"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    if [ "$auth" = yes ]; then
      echo "auth:"
      echo "  htpasswd:"
      echo "    realm: fnsharp-test"
      echo "    path: $DATA/htpasswd"
    fi
  } >"$DATA/$name.yml"
}

start_one() {
  local name=$1 auth=$2 port
  port=$(free_port "$3")
  write_config "$name" "$port" "$auth"
  # setsid detaches the registry from this script's session, so that it outlives the script.
  setsid docker-registry serve "$DATA/$name.yml" >>"$LOG" 2>&1 </dev/null &
  echo $! >>"$STATE/pids"
  for _ in $(seq 1 100); do
    if port_in_use "$port"; then
      echo "$port"
      return 0
    fi
    kill -0 "$!" 2>/dev/null || break
    sleep 0.1
  done
  echo "registry: $name did not start on 127.0.0.1:$port; its log:" >&2
  cat "$LOG" >&2
  exit 1
}

: >"$STATE/pids"
OPEN_PORT=$(start_one open no "$PORT")
AUTH_PORT=$(start_one auth yes $((OPEN_PORT + 1)))

cat >"$STATE/settings" <<EOF
FNSHARP_TEST_REGISTRY=127.0.0.1:$OPEN_PORT
FNSHARP_TEST_REGISTRY_AUTH=127.0.0.1:$AUTH_PORT
FNSHARP_TEST_REGISTRY_USER=fnsharp
FNSHARP_TEST_REGISTRY_PASSWORD=$PASSWORD
FNSHARP_TEST_REGISTRY_LOG=$LOG
EOF
echo "registry: $(docker-registry --version 2>/dev/null | awk '{print $3}') open on 127.0.0.1:$OPEN_PORT, basic auth on 127.0.0.1:$AUTH_PORT, storage in $DATA" >&2
print_settings "${1:-}"
