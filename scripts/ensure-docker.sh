#!/usr/bin/env bash
# Ensures a Docker engine answers on /var/run/docker.sock: installs Debian's docker.io when dockerd
# is missing (and iproute2 when ip is: the runc driver's container network), starts dockerd when the
# socket does not answer, and waits for it. Idempotent: when the engine already answers it returns at once.
set -euo pipefail

SOCKET=/var/run/docker.sock
WAIT_SECONDS=60
LOG=/var/log/fnsharp-dockerd.log

answers() {
  curl --silent --fail --max-time 2 --unix-socket "$SOCKET" http://localhost/_ping >/dev/null 2>&1
}

# The runc driver wires its containers' network with iproute2's ip (iptables comes with docker.io).
if ! command -v ip >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "docker: installing Debian's iproute2 (the runc driver's container network)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null
fi

if answers; then
  echo "docker: engine answers on $SOCKET"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "docker: dockerd is not installed; run this script as root, or install Debian's docker.io yourself" >&2
    exit 1
  fi
  echo "docker: installing Debian's docker.io (about a minute)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

if ! answers; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "docker: the engine does not answer on $SOCKET and only root can start dockerd here" >&2
    exit 1
  fi
  echo "docker: starting dockerd (log: $LOG)"
  # setsid detaches dockerd from this script's session, so it outlives the script and CI's shell.
  setsid dockerd >"$LOG" 2>&1 < /dev/null &
fi

for _ in $(seq 1 $((WAIT_SECONDS * 5))); do
  if answers; then
    echo "docker: engine answers on $SOCKET"
    exit 0
  fi
  sleep 0.2
done

echo "docker: the engine did not answer on $SOCKET within ${WAIT_SECONDS}s." >&2
echo "docker: read $LOG for why; a stale /var/run/docker.pid can be removed, then run this script again." >&2
tail -n 20 "$LOG" >&2 || true
exit 1
