#!/usr/bin/env bash
# Ensures Node.js and npm are installed: the server's build runs `npm ci` in src/dashboard for the
# dashboard's one npm package (uPlot), and scripts/build-images.sh runs it for examples/hello-node.
# Installs Debian's nodejs and npm when npm is missing. Idempotent: when npm answers it returns at once.
set -euo pipefail

if command -v npm >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "node: npm is missing; run this script as root, or install Node.js and npm yourself" >&2
  exit 1
fi

echo "node: installing Debian's nodejs and npm (about a minute)..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
echo "node: $(node --version), npm $(npm --version)"
