#!/usr/bin/env bash
# Builds fnsharp/server:latest on this machine: the FnSharp server (src/FnSharp.Server) published
# self-contained onto fnsharp/debian:bookworm (scripts/build-images.sh debian builds that first), for
# deploy/compose and deploy/kubernetes (images/server/Dockerfile). Like build-images.sh, the image
# carries the hash of its inputs in the label io.fnsharp.source-hash and is kept while they match.
# It is a script of its own so that adding it changed no other image's inputs.
# Usage: scripts/build-server-image.sh [--force]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STAGE="$ROOT/artifacts/images/server"
IMAGE=fnsharp/server:latest
export DOCKER_BUILDKIT=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

case "${1:-}" in
  -h | --help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --force | "") ;;
  *) echo "server-image: unknown argument '$1' (--force or nothing)" >&2; exit 2 ;;
esac

bash "$ROOT/scripts/ensure-node.sh"
bash "$ROOT/scripts/build-images.sh" debian
hash=$(cd "$ROOT" && find src images/server scripts/build-server-image.sh Directory.Build.props Directory.Packages.props -type f \
  -not -path '*/bin/*' -not -path '*/obj/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
hash="$hash-$(docker image inspect -f '{{.Id}}' fnsharp/debian:bookworm | cut -c8-15)"
if [ "${1:-}" != --force ] && [ "$(docker image inspect -f '{{ index .Config.Labels "io.fnsharp.source-hash" }}' "$IMAGE" 2>/dev/null)" = "$hash" ]; then
  echo "server-image: $IMAGE is up to date"
  exit 0
fi

started=$SECONDS
rm -rf "$STAGE" && mkdir -p "$STAGE"
echo "server-image: publishing src/FnSharp.Server self-contained (one to three minutes)..."
dotnet publish "$ROOT/src/FnSharp.Server" -c Release -r linux-x64 --self-contained -o "$STAGE/app" -p:DebugType=none -p:GenerateDocumentationFile=false \
  >"$STAGE/publish.log" 2>&1 || { cat "$STAGE/publish.log" >&2; echo "server-image: publishing src/FnSharp.Server failed" >&2; exit 1; }
cp "$ROOT/images/server/Dockerfile" "$STAGE/"
docker build --quiet --label "io.fnsharp.source-hash=$hash" -t "$IMAGE" "$STAGE" >/dev/null 2>"$STAGE/docker-build.log" \
  || { cat "$STAGE/docker-build.log" >&2; echo "server-image: building $IMAGE failed" >&2; exit 1; }
echo "server-image: built $IMAGE in $((SECONDS - started))s"
