#!/usr/bin/env bash
# Durability of detached calls across crashes: a real fnsharp-server (its own SQLite file and node name, on
# a free loopback port) accepts 200 detached calls, is killed with SIGKILL while they run and started again
# on the same store five times, then runs the rest. Prints the calls' outcomes and attempts, and the node's
# containers left after a last graceful stop. Fails when a call is lost, not answered 200, or a container is left.
#   scripts/durability.sh [--calls N] [--cycles N]     about 1 minute; needs the Docker engine and fnsharp/testfn:latest
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

bash scripts/ensure-docker.sh
bash scripts/build-images.sh aot-runtime testfn
dotnet build src/FnSharp.Server -c Release -nologo -clp:ErrorsOnly -v:quiet
exec dotnet run scripts/durability/DurabilityRun.cs -- --server "$ROOT/src/FnSharp.Server/bin/Release/net10.0/fnsharp-server" "$@"
