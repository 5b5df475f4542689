#!/usr/bin/env bash
# Durability of detached calls across crashes: a real fnsharp-server (its own SQLite file and node name, on
# a free loopback port) accepts 200 detached calls, is killed with SIGKILL while they run and started again
# on the same store five times, then runs the rest. Prints the calls' outcomes and attempts, and the node's
# containers left after a last graceful stop. Fails when a call is lost, not answered 200, or a container is left.
#   scripts/durability.sh [--calls N] [--cycles N]     about 1 minute; needs the Docker engine and fnsharp/testfn:latest
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/server-program.sh" scripts/durability/DurabilityRun.cs "$@"
