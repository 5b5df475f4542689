#!/usr/bin/env bash
# Runs the benchmark (bench/FnSharp.Bench) in one go: ensures the Docker engine and wrk, builds the
# images and FnSharp in Release, then the harness starts its own servers (free loopback ports, their
# own SQLite files, FN_NODE_NAME=bench-<random>), runs the scenarios of performance.md, stops them
# and checks that no container of the run is left. Writes bench/results/latest.json and latest.md.
#   scripts/bench.sh                   the full run (about 6 minutes of scenarios, at most 14)
#   scripts/bench.sh --quick           a smoke run (about 1.5 minutes)
#   scripts/bench.sh --help            this text
#   scripts/bench.sh --scenario NAME   one scenario (warm, cold, api, many, pressure, records, cluster,
#                                      fairness, auth, overload, keepalive; with or without --quick), written to latest-NAME.json and .md
# The keepalive scenario needs no engine and no server (the runner replays a trace on a fake driver and clock):
# it builds and runs the harness only.
# The cluster scenario runs scripts/cluster.sh (PostgreSQL and HAProxy from Debian, installed when missing).
# Slow numbers never fail it: the exit code is 0 unless the harness itself broke.
# Each server's log (its path printed at its start) has the runner's decisions at Information; with
# FNSHARP_BENCH_RUNNER_LOG=Debug also every launch decision's counts and CPU readings.
set -euo pipefail

if [[ " $* " == *" --help "* || " $* " == *" -h "* ]]; then
  # The usage is this file's header comment; the harness's own options: bench/FnSharp.Bench --help once built.
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ " $* " == *" --scenario keepalive "* ]]; then
  dotnet build bench/FnSharp.Bench -c Release -nologo -clp:ErrorsOnly -v:quiet
  exec bench/FnSharp.Bench/bin/Release/net10.0/fnsharp-bench "$@"
fi

bash scripts/ensure-docker.sh
bash scripts/ensure-node.sh
if ! command -v wrk >/dev/null 2>&1; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk
fi
bash scripts/build-images.sh aot-runtime testfn
dotnet build src/FnSharp.Server -c Release -nologo -clp:ErrorsOnly -v:quiet
dotnet build bench/FnSharp.Bench -c Release -nologo -clp:ErrorsOnly -v:quiet
exec bench/FnSharp.Bench/bin/Release/net10.0/fnsharp-bench "$@"
