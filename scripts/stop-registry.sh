#!/usr/bin/env bash
# Stops the registries that scripts/start-registry.sh started for this checkout (by the process ids it
# recorded) and removes their storage. Idempotent: does nothing when none runs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE="$ROOT/artifacts/registry"

if [ ! -d "$STATE" ]; then
  exit 0
fi

if [ -f "$STATE/pids" ]; then
  for pid in $(cat "$STATE/pids"); do
    # Only a registry this script started: the id may have been reused after a reboot.
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^docker-registry serve /tmp/fnsharp-registry\.'; then
      kill "$pid" 2>/dev/null || true
    fi
  done
fi

if [ -f "$STATE/datadir" ]; then
  DATA=$(cat "$STATE/datadir")
  case "$DATA" in
    /tmp/fnsharp-registry.*) rm -rf "$DATA" ;;
  esac
fi
rm -rf "$STATE"
echo "registry: stopped"
