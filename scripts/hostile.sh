#!/usr/bin/env bash
# Tries about 2,200 hostile requests in thirteen categories (malformed chunking, huge and many headers,
# stalled bodies, bogus Expect, invalid methods, oversized bodies, slowloris, invalid JSON and UTF-8,
# path tricks, framing, garbage) against a real fnsharp-server on a free loopback port with its own
# SQLite file and node name, and prints the answers by status. Fails on any 500 or hang.
#   scripts/hostile.sh [--seed N]      about 2 minutes; needs the Docker engine and fnsharp/testfn:latest
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/server-program.sh" scripts/hostile/HostileRequests.cs "$@"
