#!/usr/bin/env bash
# Builds, on this machine, the images that the examples and the tests run (no registry is reachable):
#   fnsharp/aot-runtime:latest   scratch + the host's libc, libm and loader, for NativeAOT functions
#   fnsharp/hello-csharp:latest  examples/hello-csharp on the C# FDK
#   fnsharp/testfn:latest        tests/functions/testfn, the test function on the C# FDK
#   fnsharp/testfn-volume:latest the test function with a VOLUME (the driver must refuse it)
# Each image carries the hash of its inputs in the label io.fnsharp.source-hash; an image whose
# hash matches is kept, so a second run costs seconds. Usage: scripts/build-images.sh [--force]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STAGE="$ROOT/artifacts/images"
FORCE=${1:-}
export DOCKER_BUILDKIT=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The hash of the files under the given paths (bin/ and obj/ left out), plus this script.
source_hash() {
  (cd "$ROOT" && find "$@" scripts/build-images.sh -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# True when IMAGE exists with source hash HASH (and --force was not given).
is_current() {
  local image=$1 hash=$2
  [ "$FORCE" != "--force" ] || return 1
  [ "$(docker image inspect -f '{{ index .Config.Labels "io.fnsharp.source-hash" }}' "$image" 2>/dev/null)" = "$hash" ]
}

build() {
  local image=$1 hash=$2 context=$3 started=$SECONDS
  docker build --quiet --label "io.fnsharp.source-hash=$hash" -t "$image" "$context" >/dev/null 2>"$STAGE/docker-build.log" \
    || { cat "$STAGE/docker-build.log" >&2; echo "images: building $image failed" >&2; exit 1; }
  echo "images: built $image in $((SECONDS - started))s"
}

mkdir -p "$STAGE"

# fnsharp/aot-runtime: the loader and libraries a NativeAOT binary links to, copied from this host.
hash=$(source_hash images/aot-runtime)
if is_current fnsharp/aot-runtime:latest "$hash"; then
  echo "images: fnsharp/aot-runtime:latest is up to date"
else
  context="$STAGE/aot-runtime"
  rm -rf "$context" && mkdir -p "$context/rootfs/tmp" "$context/rootfs/lib64" "$context/rootfs/lib/x86_64-linux-gnu"
  chmod 1777 "$context/rootfs/tmp"
  cp -L /lib64/ld-linux-x86-64.so.2 "$context/rootfs/lib64/"
  for lib in libc.so.6 libm.so.6; do cp -L "/lib/x86_64-linux-gnu/$lib" "$context/rootfs/lib/x86_64-linux-gnu/"; done
  cp "$ROOT/images/aot-runtime/Dockerfile" "$context/"
  build fnsharp/aot-runtime:latest "$hash" "$context"
  # Functions built on the old base must be rebuilt.
  FORCE=--force
fi

# A function on the C# FDK, published with NativeAOT onto fnsharp/aot-runtime: IMAGE NAME DIR.
build_function() {
  local image=$1 name=$2 dir=$3 hash context started
  hash=$(source_hash src/FnSharp.Fdk "$dir" Directory.Build.props Directory.Packages.props)
  if is_current "$image" "$hash"; then
    echo "images: $image is up to date"
    return
  fi
  context="$STAGE/$name"
  rm -rf "$context"
  echo "images: publishing $dir with NativeAOT (about 30s)..."
  started=$SECONDS
  dotnet publish "$ROOT/$dir" -c Release -r linux-x64 -o "$context" -p:DebugType=none -p:GenerateDocumentationFile=false \
    >"$STAGE/publish-$name.log" 2>&1 || { cat "$STAGE/publish-$name.log" >&2; echo "images: publishing $name failed" >&2; exit 1; }
  echo "images: published in $((SECONDS - started))s"
  cp "$ROOT/$dir/Dockerfile" "$context/"
  build "$image" "$hash" "$context"
}

# fnsharp/hello-csharp: the example function.
build_function fnsharp/hello-csharp:latest hello-csharp examples/hello-csharp

# fnsharp/testfn: the test function whose JSON input drives its behaviour (tests/functions/testfn).
build_function fnsharp/testfn:latest testfn tests/functions/testfn

# fnsharp/testfn-volume: the test function plus a VOLUME, which the Docker driver must refuse. Its
# hash covers the base image's id, so a rebuilt testfn rebuilds it.
hash=$( (source_hash tests/functions/testfn-volume; docker image inspect -f '{{.Id}}' fnsharp/testfn:latest) | sha256sum | cut -c1-16)
if is_current fnsharp/testfn-volume:latest "$hash"; then
  echo "images: fnsharp/testfn-volume:latest is up to date"
else
  build fnsharp/testfn-volume:latest "$hash" "$ROOT/tests/functions/testfn-volume"
fi
