#!/usr/bin/env bash
# Runs a .NET file-based program against the Release fnsharp-server, after what it needs: the Docker engine,
# fnsharp/testfn:latest and the server's Release build. The program gets --server PATH, then the other arguments.
# Used by hostile.sh and durability.sh.
#   scripts/server-program.sh PROGRAM.cs [ARGS...]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
program=${1:?usage: scripts/server-program.sh PROGRAM.cs [ARGS...]}
shift

bash scripts/ensure-docker.sh
bash scripts/build-images.sh aot-runtime testfn
dotnet build src/FnSharp.Server -c Release -nologo -clp:ErrorsOnly -v:quiet
exec dotnet run "$program" -- --server "$ROOT/src/FnSharp.Server/bin/Release/net10.0/fnsharp-server" "$@"
