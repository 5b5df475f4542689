#!/usr/bin/env bash
# A local FnSharp cluster on loopback: PostgreSQL, N fnsharp-server nodes (own ports, own FN_NODE_NAME,
# one Docker engine) and HAProxy in front, hashing each fn to the node that keeps its hot containers
# (docs/cluster.md explains the topology and what happens when a node fails).
#
#   scripts/cluster.sh up [N]       start N nodes (default 3), PostgreSQL and HAProxy; installs Debian's
#                                   haproxy and postgresql when missing, waits until every node is ready,
#                                   and prints the load balancer's URL as its last line
#   scripts/cluster.sh status       one line per node: name, URL, pid, state (ready, unready, down)
#   scripts/cluster.sh kill NODE    kill that node with SIGKILL (as a crash would)
#   scripts/cluster.sh start NODE   start that node again and wait until it is ready
#   scripts/cluster.sh down         stop HAProxy, the nodes and PostgreSQL; no container is left
#
# Settings (environment, read by `up`; the nodes keep them across `start`):
#   FN_*                        passed to every node (FN_ASYNC_LEASE_MSECS=3000, FN_ADMIN_TOKEN=..., ...), except
#                               FN_LISTEN_ADDRESS (127.0.0.1), FN_PORT, FN_NODE_NAME, FN_NODE_URL and FN_DB_URL
#   FNSHARP_CLUSTER_DB_URL      use this PostgreSQL database instead of starting one
#   FNSHARP_CLUSTER_DIR         state directory (default artifacts/cluster): pids, ports, logs, haproxy.cfg
#   FNSHARP_CLUSTER_NAME        node name prefix (default "cluster": nodes cluster-1 ... cluster-N)
#   FNSHARP_CLUSTER_PORT        first port to try for the load balancer (default 18080); nodes take the next free ones
#   FNSHARP_CLUSTER_BALANCE     hash (default) or roundrobin, how HAProxy spreads calls
#   FNSHARP_CLUSTER_BALANCE_FACTOR  HAProxy's hash-balance-factor (default 150): no node takes more than this
#                               percentage of the average load of the nodes before its calls spill over
#   FNSHARP_SERVER_DLL          run this fnsharp-server.dll instead of building one (Release) into the state directory
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${FNSHARP_CLUSTER_DIR:-"$ROOT/artifacts/cluster"}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say() { echo "cluster: $*" >&2; }
fail() { echo "cluster: error: $*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The first free port from $1 that none of the ports in $STATE/ports takes.
free_port() {
  local port=$1
  while port_in_use "$port" || grep -qx "$port" "$STATE/ports" 2>/dev/null; do
    port=$((port + 1))
  done
  echo "$port" >>"$STATE/ports"
  echo "$port"
}

# Whether process $1 runs (a zombie left unreaped by whoever adopted it counts as gone).
alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]
}

ready() {
  curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1/health/ready" 2>/dev/null
}

nodes() {
  [ -f "$STATE/nodes" ] && cat "$STATE/nodes"
}

known_node() {
  nodes | grep -qx "$1" || fail "no node named '$1' in this cluster; scripts/cluster.sh status lists them"
}

install_missing() {
  local missing=()
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || fail "install ${missing[*]} first (apt-get install ${missing[*]}), or run this as root"
    say "installing Debian's ${missing[*]}..."
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

server_dll() {
  if [ -n "${FNSHARP_SERVER_DLL:-}" ]; then
    [ -f "$FNSHARP_SERVER_DLL" ] || fail "FNSHARP_SERVER_DLL=$FNSHARP_SERVER_DLL does not exist"
    echo "$FNSHARP_SERVER_DLL"
    return
  fi
  bash "$ROOT/scripts/ensure-node.sh" >&2
  say "building fnsharp-server (Release)..."
  dotnet build "$ROOT/src/FnSharp.Server" -c Release -o "$STATE/server" -v q -nologo >"$STATE/logs/build.log" 2>&1 \
    || { cat "$STATE/logs/build.log" >&2; fail "the build failed (above)"; }
  echo "$STATE/server/fnsharp-server.dll"
}

# Starts node $1 in the background and records its pid.
launch() {
  local name=$1 port dll
  port=$(cat "$STATE/$name/port")
  dll=$(cat "$STATE/server_dll")
  (
    # shellcheck disable=SC1091
    . "$STATE/env"
    # Loopback only: without an API key the nodes then serve openly, to loopback clients (HAProxy) only.
    export FN_LISTEN_ADDRESS=127.0.0.1 FN_PORT="$port" FN_NODE_NAME="$name" FN_NODE_URL="http://127.0.0.1:$port" FN_DB_URL="$(cat "$STATE/db_url")"
    cd "$STATE/$name"
    exec setsid dotnet "$dll" >>"$STATE/logs/$name.log" 2>&1 </dev/null
  ) &
  echo $! >"$STATE/$name/pid"
}

wait_ready() {
  local name=$1 port pid
  port=$(cat "$STATE/$name/port")
  pid=$(cat "$STATE/$name/pid")
  for _ in $(seq 1 240); do
    if ready "$port"; then
      return 0
    fi
    alive "$pid" || { tail -n 20 "$STATE/logs/$name.log" >&2; fail "node $name exited while starting (log: $STATE/logs/$name.log)"; }
    sleep 0.25
  done
  fail "node $name did not become ready within 60 s (log: $STATE/logs/$name.log)"
}

write_haproxy_config() {
  local lb_port=$1 balance=${FNSHARP_CLUSTER_BALANCE:-hash} factor=${FNSHARP_CLUSTER_BALANCE_FACTOR:-150}
  local invoke_balance other_balance
  case "$balance" in
    hash)
      invoke_balance="balance uri path-only
    hash-type consistent
    hash-balance-factor $factor"
      other_balance="balance hash var(txn.fnsharp_key)
    hash-type consistent
    hash-balance-factor $factor" ;;
    roundrobin) invoke_balance="balance roundrobin" other_balance="balance roundrobin" ;;
    *) fail "FNSHARP_CLUSTER_BALANCE must be hash or roundrobin, not '$balance'" ;;
  esac
  {
    cat <<EOF
# Written by scripts/cluster.sh; docs/cluster.md explains each choice (deploy/compose/haproxy.cfg and
# deploy/kubernetes/haproxy.yaml hold the same rules).
global
    maxconn 4096
    stats socket $STATE/haproxy.sock mode 600 level admin

defaults
    mode http
    timeout connect 2s
    timeout client 330s
    timeout server 330s
    timeout queue 15s
    # A health check may take 3 s: the Docker engine answers its ping in up to 0.7 s during a burst of
    # starts (24 at once on 2 cores), and without this the check timed out at inter (1 s).
    timeout check 3s
    # A request that could not reach a node is sent to another node (redispatch on every retry).
    retries 2
    option redispatch 1
    retry-on conn-failure
    # Weight 100 gives each node about a hundred points on the hash ring (one point per weight unit
    # spreads thirty fns over three nodes as 5/17/18; a hundred, as 12/14/14).
    default-server inter 1s fall 2 rise 1 weight 100

frontend fnsharp
    bind 127.0.0.1:$lb_port
    http-request set-var(txn.fnsharp_key) path if { path_beg /t/ }
    http-response set-header X-FnSharp-Node %s
    use_backend invoke if { path_beg /invoke/ }
    default_backend others

# POST /invoke/{fnID}: the fn id is the hash key. FnSharp answers 503 on /invoke only when it refused
# the call before any container saw it (a function's own 503 becomes 502 there), so a 503 is retried
# on another node.
backend invoke
    $invoke_balance
    retry-on conn-failure 503
    option httpchk GET /health/ready
    http-check expect status 200
EOF
    while read -r name; do
      echo "    server $name 127.0.0.1:$(cat "$STATE/$name/port") check"
    done < <(nodes)
    cat <<EOF

# /t/{app}/{path}: the app and path are the hash key; anything else (/v2, /version, ...) has none and
# goes round robin. A 503 on /t may be the function's own answer (Fn-Http-Status), so only a request
# that could not be sent is retried.
backend others
    $other_balance
EOF
    while read -r name; do
      echo "    server $name 127.0.0.1:$(cat "$STATE/$name/port") track invoke/$name"
    done < <(nodes)
  } >"$STATE/haproxy.cfg"
}

cmd_up() {
  local count=${1:-3}
  [[ "$count" =~ ^[1-9][0-9]?$ ]] || fail "N must be a number of nodes from 1 to 99, not '$count'"
  if [ -f "$STATE/nodes" ]; then
    fail "a cluster already runs from $STATE (scripts/cluster.sh status); stop it with scripts/cluster.sh down"
  fi
  install_missing
  mkdir -p "$STATE/logs"
  : >"$STATE/ports"

  # What every node gets: the caller's FN_* settings, except those set per node.
  { env | grep -E '^FN_' | grep -vE '^FN_(LISTEN_ADDRESS|PORT|NODE_NAME|NODE_URL|DB_URL)=' || true; } | while IFS='=' read -r key value; do
    printf 'export %s=%q\n' "$key" "$value"
  done >"$STATE/env"

  if [ -n "${FNSHARP_CLUSTER_DB_URL:-}" ]; then
    echo "$FNSHARP_CLUSTER_DB_URL" >"$STATE/db_url"
  else
    say "starting PostgreSQL..."
    FNSHARP_PG_STATE="$STATE/postgres" FNSHARP_PG_PORT="${FNSHARP_PG_PORT:-55532}" bash "$ROOT/scripts/start-postgres.sh" | tail -n 1 >"$STATE/db_url"
    touch "$STATE/own_postgres"
  fi

  server_dll >"$STATE/server_dll"
  local lb_port prefix=${FNSHARP_CLUSTER_NAME:-cluster}
  lb_port=$(free_port "${FNSHARP_CLUSTER_PORT:-18080}")
  echo "$lb_port" >"$STATE/lb_port"
  : >"$STATE/nodes"
  for i in $(seq 1 "$count"); do
    local name="$prefix-$i"
    mkdir -p "$STATE/$name"
    free_port $((lb_port + 1)) >"$STATE/$name/port"
    echo "$name" >>"$STATE/nodes"
  done

  say "starting $count node(s)..."
  while read -r name; do
    launch "$name"
  done < <(nodes)
  while read -r name; do
    wait_ready "$name"
    say "node $name ready at http://127.0.0.1:$(cat "$STATE/$name/port")"
  done < <(nodes)

  write_haproxy_config "$lb_port"
  haproxy -c -q -f "$STATE/haproxy.cfg" || fail "HAProxy refused $STATE/haproxy.cfg"
  haproxy -D -f "$STATE/haproxy.cfg" -p "$STATE/haproxy.pid" || fail "HAProxy did not start"
  for _ in $(seq 1 40); do
    if curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$lb_port/version" 2>/dev/null; then
      say "load balancer ready (HAProxy $(haproxy -v | head -n 1 | awk '{print $3}'), $count node(s))"
      echo "http://127.0.0.1:$lb_port"
      return 0
    fi
    sleep 0.25
  done
  fail "the load balancer on 127.0.0.1:$lb_port does not answer"
}

cmd_status() {
  [ -f "$STATE/nodes" ] || fail "no cluster runs from $STATE; start one with scripts/cluster.sh up"
  while read -r name; do
    local port pid state
    port=$(cat "$STATE/$name/port")
    pid=$(cat "$STATE/$name/pid" 2>/dev/null || true)
    if ! alive "$pid"; then
      state=down
    elif ready "$port"; then
      state=ready
    else
      state=unready
    fi
    printf '%s http://127.0.0.1:%s %s %s\n' "$name" "$port" "${pid:--}" "$state"
  done < <(nodes)
}

cmd_kill() {
  local name=${1:-}
  [ -n "$name" ] || fail "name the node to kill: scripts/cluster.sh kill NODE"
  known_node "$name"
  local pid
  pid=$(cat "$STATE/$name/pid" 2>/dev/null || true)
  alive "$pid" || fail "node $name is not running"
  kill -9 "$pid"
  while alive "$pid"; do
    sleep 0.05
  done
  say "node $name killed (SIGKILL, pid $pid)"
}

cmd_start() {
  local name=${1:-}
  [ -n "$name" ] || fail "name the node to start: scripts/cluster.sh start NODE"
  known_node "$name"
  alive "$(cat "$STATE/$name/pid" 2>/dev/null || true)" && fail "node $name is already running"
  launch "$name"
  wait_ready "$name"
  say "node $name ready at http://127.0.0.1:$(cat "$STATE/$name/port")"
}

cmd_down() {
  if [ ! -d "$STATE" ]; then
    say "no cluster to stop"
    return 0
  fi
  if [ -f "$STATE/haproxy.pid" ]; then
    local pid
    pid=$(cat "$STATE/haproxy.pid")
    alive "$pid" && kill "$pid"
  fi

  # SIGTERM: each node lets its calls finish, then removes its containers.
  local pids=()
  while read -r name; do
    local pid
    pid=$(cat "$STATE/$name/pid" 2>/dev/null || true)
    if alive "$pid"; then
      kill -TERM "$pid"
      pids+=("$pid")
    fi
  done < <(nodes)
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 150); do
      alive "$pid" || break
      sleep 0.2
    done
    alive "$pid" && kill -9 "$pid"
  done

  # A node that was killed left its containers: remove them by its label.
  while read -r name; do
    local left
    left=$(docker ps -aq --filter "label=io.fnsharp.node=$name" 2>/dev/null || true)
    if [ -n "$left" ]; then
      # shellcheck disable=SC2086
      docker rm -f $left >/dev/null
      say "removed $(echo "$left" | wc -l) container(s) node $name left"
    fi
  done < <(nodes)

  if [ -f "$STATE/own_postgres" ]; then
    FNSHARP_PG_STATE="$STATE/postgres" bash "$ROOT/scripts/stop-postgres.sh" >/dev/null
  fi
  find "$STATE" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
  say "stopped (logs kept in $STATE/logs)"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  status) cmd_status ;;
  kill) shift; cmd_kill "$@" ;;
  start) shift; cmd_start "$@" ;;
  down) cmd_down ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
