#!/usr/bin/env bash
# Ensures Debian's Chromium is installed at /usr/bin/chromium, for the dashboard's browser tests
# (tests/FnSharp.Dashboard.Tests drive it with Playwright through its path; no browser is downloaded).
# Idempotent: when it is there it returns at once.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo present)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "chromium: $CHROMIUM is missing; run this script as root, or install Debian's chromium yourself" >&2
  exit 1
fi

echo "chromium: installing Debian's chromium (about a minute)..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "chromium: $("$CHROMIUM" --version)"
