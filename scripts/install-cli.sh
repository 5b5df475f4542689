#!/usr/bin/env bash
# Packs the fnsharp CLI of this clone and installs it as a .NET tool, replacing the fnsharp installed
# before (so running it again after a change updates the tool). Needs no network once the repository
# builds: the package comes from artifacts/tool.
#   scripts/install-cli.sh                  the global tool, in ~/.dotnet/tools (put that on PATH)
#   scripts/install-cli.sh --tool-path DIR  into DIR instead
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

case "${1:-}" in
  "") where=(--global) ;;
  --tool-path) where=(--tool-path "${2:?--tool-path needs a directory}") ;;
  -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "install-cli.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
out=artifacts/tool
rm -rf "$out"
dotnet pack src/FnSharp.Cli -c Release -o "$out" -v quiet -nologo

# `dotnet tool update` keeps a tool of the same version as it is, and asks nuget.org first (it fails
# offline); uninstalling and installing again replaces it from the package just packed.
if dotnet tool list "${where[@]}" 2>/dev/null | awk 'NR > 2 { print $1 }' | grep -qx fnsharp; then
  dotnet tool uninstall "${where[@]}" fnsharp >/dev/null
fi
dotnet tool install "${where[@]}" --add-source "$out" fnsharp --version "$version"
