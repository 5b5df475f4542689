#!/usr/bin/env bash
# Runs FnSharp's tests and ends with one summary line: "N passed, N failed[, N skipped]".
#   scripts/test.sh          every test: ensures the Docker engine, the test images and Debian's Chromium
#                            (the dashboard's browser tests), haproxy and docker-compose (the cluster and
#                            deploy tests) first, and starts a throwaway PostgreSQL
#                            (scripts/start-postgres.sh) whose URL the PostgreSQL tests read from
#                            FNSHARP_TEST_POSTGRES, and two throwaway image registries, open and with basic
#                            auth (scripts/start-registry.sh), which the registry tests read from
#                            FNSHARP_TEST_REGISTRY*, and a throwaway NATS server with JetStream
#                            (scripts/start-nats.sh) whose URL the nats trigger tests read from
#                            FNSHARP_TEST_NATS; all are stopped at exit
#   scripts/test.sh --unit   only the fast tests (no Docker, no database), in seconds
# Extra arguments go to `dotnet test`, for example: scripts/test.sh --unit --filter FullyQualifiedName~IdGenerator
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# dotnet test kills a test host that has not exited 100 ms after the run (the server tests' host often has not), and
# a killed .NET process leaves its debugger pipes in /tmp (clr-debug-pipe-PID-in/out); no debugger attaches here.
export DOTNET_EnableDiagnostics_Debugger=0

# The server's build needs npm (the dashboard's uPlot); the full run needs the engine, images and Chromium.
bash scripts/ensure-node.sh
filter=()
if [ "${1:-}" = "--unit" ]; then
  shift
  # dotnet test takes one --filter: one given after --unit narrows the unit tests (Category=Unit&(FILTER)).
  unit="Category=Unit"
  rest=()
  while [ $# -gt 0 ]; do
    if [ "$1" = "--filter" ] && [ $# -gt 1 ]; then
      unit="Category=Unit&($2)"
      shift 2
    else
      rest+=("$1")
      shift
    fi
  done
  set -- ${rest[@]+"${rest[@]}"}
  filter=(--filter "$unit")
else
  bash scripts/ensure-docker.sh
  bash scripts/build-images.sh
  bash scripts/ensure-chromium.sh
  # The cluster tests put Debian's HAProxy in front of three servers; the deploy tests check the
  # Compose file with Debian's docker-compose.
  missing=()
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "tests: installing Debian's ${missing[*]}..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

log=$(mktemp)
started_postgres=0
started_registry=0
started_nats=0
cleanup() {
  rm -f "$log"
  if [ "$started_postgres" -eq 1 ]; then
    bash scripts/stop-postgres.sh >/dev/null 2>&1 || true
  fi
  if [ "$started_registry" -eq 1 ]; then
    bash scripts/stop-registry.sh >/dev/null 2>&1 || true
  fi
  if [ "$started_nats" -eq 1 ]; then
    bash scripts/stop-nats.sh >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [ ${#filter[@]} -eq 0 ] && [ -z "${FNSHARP_TEST_POSTGRES:-}" ]; then
  FNSHARP_TEST_POSTGRES=$(bash scripts/start-postgres.sh)
  export FNSHARP_TEST_POSTGRES
  started_postgres=1
fi
if [ ${#filter[@]} -eq 0 ] && [ -z "${FNSHARP_TEST_REGISTRY:-}" ]; then
  registry_settings=$(bash scripts/start-registry.sh --env)
  eval "$registry_settings"
  started_registry=1
fi
# Not FN_NATS_URL: every test server would read it from the environment and connect.
if [ ${#filter[@]} -eq 0 ] && [ -z "${FNSHARP_TEST_NATS:-}" ]; then
  FNSHARP_TEST_NATS=$(bash scripts/start-nats.sh)
  export FNSHARP_TEST_NATS
  started_nats=1
fi
set +e
# A test that runs 10 minutes (the longest take about 2) is hung: its host is stopped and the test named as the one
# running, so a hang fails the run in minutes instead of holding CI to its limit.
dotnet test FnSharp.sln "${filter[@]}" --blame-hang-timeout 10m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Each test assembly prints "Passed!  - Failed: F, Passed: P, Skipped: S, Total: T"; add them up.
summary=$(awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i + 1) + 0 }
      if ($i == "Passed:")  { p += $(i + 1) + 0 }
      if ($i == "Skipped:") { s += $(i + 1) + 0 }
    }
  }
  END {
    if (s > 0) printf "%d passed, %d failed, %d skipped\n", p, f, s
    else printf "%d passed, %d failed\n", p, f
  }' "$log")

if [ "$status" -ne 0 ] && [ "${summary#0 passed, 0 failed}" != "$summary" ]; then
  echo "tests: dotnet test failed before any test ran (build error?); see above" >&2
fi
echo "$summary"
exit "$status"
