#!/usr/bin/env bash
# Builds, on this machine, the images that the examples and the tests run (no registry is reachable):
#   aot-runtime    fnsharp/aot-runtime:latest   scratch + the host's libc, libm and loader, for NativeAOT functions
#   hello-csharp   fnsharp/hello-csharp:latest  examples/hello-csharp on the C# FDK
#   debian         fnsharp/debian:bookworm      Debian 12 minbase (debootstrap, then docker import)
#   node-runtime   fnsharp/node-runtime:latest  Debian's nodejs on fnsharp/debian
#   hello-node     fnsharp/hello-node:latest    examples/hello-node on Fn's Node FDK (@fnproject/fdk from npm)
#   testfn         fnsharp/testfn:latest        tests/functions/testfn, the test function on the C# FDK
#   testfn-volume  fnsharp/testfn-volume:latest the test function with a VOLUME (the driver must refuse it)
# Each image carries the hash of its inputs in the label io.fnsharp.source-hash; an image whose hash
# matches is kept, so a second run costs seconds. An image is built after the ones it stands on.
# Usage: scripts/build-images.sh [--force] [IMAGE...]   (no IMAGE: all of them)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STAGE="$ROOT/artifacts/images"
FORCE=
export DOCKER_BUILDKIT=0 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$STAGE"

# The hash of the files under the given paths (bin/, obj/ and node_modules/ left out), plus this script.
source_hash() {
  (cd "$ROOT" && find "$@" scripts/build-images.sh -type f -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/node_modules/*' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# True when IMAGE exists with source hash HASH (and --force was not given).
is_current() {
  local image=$1 hash=$2
  [ -z "$FORCE" ] || return 1
  [ "$(docker image inspect -f '{{ index .Config.Labels "io.fnsharp.source-hash" }}' "$image" 2>/dev/null)" = "$hash" ]
}

# docker build CONTEXT into IMAGE, labelled with HASH.
build() {
  local image=$1 hash=$2 context=$3 started=$SECONDS
  docker build --quiet --label "io.fnsharp.source-hash=$hash" -t "$image" "$context" >/dev/null 2>"$STAGE/docker-build.log" \
    || { cat "$STAGE/docker-build.log" >&2; echo "images: building $image failed" >&2; exit 1; }
  echo "images: built $image in $((SECONDS - started))s"
}

# dotnet publish PROJECT with NativeAOT into CONTEXT.
publish_aot() {
  local project=$1 context=$2 started=$SECONDS
  local log="$STAGE/publish-$(basename "$project").log"
  echo "images: publishing $project with NativeAOT (about 30s)..."
  dotnet publish "$ROOT/$project" -c Release -r linux-x64 -o "$context" -p:DebugType=none -p:GenerateDocumentationFile=false \
    >"$log" 2>&1 || { cat "$log" >&2; echo "images: publishing $project failed" >&2; exit 1; }
  echo "images: published in $((SECONDS - started))s"
}

image_aot_runtime() {
  local hash context="$STAGE/aot-runtime"
  hash=$(source_hash images/aot-runtime)
  if is_current fnsharp/aot-runtime:latest "$hash"; then echo "images: fnsharp/aot-runtime:latest is up to date"; return; fi
  rm -rf "$context" && mkdir -p "$context/rootfs/tmp" "$context/rootfs/lib64" "$context/rootfs/lib/x86_64-linux-gnu"
  chmod 1777 "$context/rootfs/tmp"
  cp -L /lib64/ld-linux-x86-64.so.2 "$context/rootfs/lib64/"
  for lib in libc.so.6 libm.so.6; do cp -L "/lib/x86_64-linux-gnu/$lib" "$context/rootfs/lib/x86_64-linux-gnu/"; done
  cp "$ROOT/images/aot-runtime/Dockerfile" "$context/"
  build fnsharp/aot-runtime:latest "$hash" "$context"
}

# A function on the C# FDK, published with NativeAOT onto fnsharp/aot-runtime: IMAGE NAME DIR. The
# base image's id is part of the hash, so a rebuilt base rebuilds the function.
aot_function() {
  local image=$1 name=$2 dir=$3 hash context="$STAGE/$2"
  hash=$(source_hash src/FnSharp.Fdk "$dir" Directory.Build.props Directory.Packages.props)-$(docker image inspect -f '{{.Id}}' fnsharp/aot-runtime:latest | cut -c8-15)
  if is_current "$image" "$hash"; then echo "images: $image is up to date"; return; fi
  rm -rf "$context"
  publish_aot "$dir" "$context"
  cp "$ROOT/$dir/Dockerfile" "$context/"
  build "$image" "$hash" "$context"
}

image_hello_csharp() { aot_function fnsharp/hello-csharp:latest hello-csharp examples/hello-csharp; }

image_testfn() { aot_function fnsharp/testfn:latest testfn tests/functions/testfn; }

image_testfn_volume() {
  local hash
  hash=$(source_hash tests/functions/testfn-volume)-$(docker image inspect -f '{{.Id}}' fnsharp/testfn:latest | cut -c8-15)
  if is_current fnsharp/testfn-volume:latest "$hash"; then echo "images: fnsharp/testfn-volume:latest is up to date"; return; fi
  build fnsharp/testfn-volume:latest "$hash" "$ROOT/tests/functions/testfn-volume"
}

image_debian() {
  local hash rootfs="$STAGE/debian-rootfs" started=$SECONDS
  hash=$(source_hash images/debian)
  if is_current fnsharp/debian:bookworm "$hash"; then echo "images: fnsharp/debian:bookworm is up to date"; return; fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    echo "images: installing Debian's debootstrap..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  echo "images: debootstrap of Debian 12 minbase (about a minute)..."
  rm -rf "$rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" >"$STAGE/debootstrap.log" 2>&1 \
    || { tail -n 20 "$STAGE/debootstrap.log" >&2; echo "images: debootstrap failed" >&2; exit 1; }
  tar -C "$rootfs" -c . | docker import --change "LABEL io.fnsharp.source-hash=$hash" --change 'CMD ["/bin/bash"]' - fnsharp/debian:bookworm >/dev/null
  rm -rf "$rootfs"
  echo "images: built fnsharp/debian:bookworm in $((SECONDS - started))s"
}

image_node_runtime() {
  local hash
  hash=$(source_hash images/node-runtime)-$(docker image inspect -f '{{.Id}}' fnsharp/debian:bookworm | cut -c8-15)
  if is_current fnsharp/node-runtime:latest "$hash"; then echo "images: fnsharp/node-runtime:latest is up to date"; return; fi
  build fnsharp/node-runtime:latest "$hash" "$ROOT/images/node-runtime"
}

image_hello_node() {
  local hash context="$STAGE/hello-node"
  hash=$(source_hash examples/hello-node)-$(docker image inspect -f '{{.Id}}' fnsharp/node-runtime:latest | cut -c8-15)
  if is_current fnsharp/hello-node:latest "$hash"; then echo "images: fnsharp/hello-node:latest is up to date"; return; fi
  rm -rf "$context" && mkdir -p "$context"
  cp "$ROOT"/examples/hello-node/{Dockerfile,func.js,package.json,package-lock.json} "$context/"
  echo "images: npm ci for examples/hello-node..."
  (cd "$context" && npm ci --omit=dev --no-audit --no-fund >"$STAGE/npm.log" 2>&1) \
    || { cat "$STAGE/npm.log" >&2; echo "images: npm ci failed" >&2; exit 1; }
  build fnsharp/hello-node:latest "$hash" "$context"
}

# Each image with the images it stands on, in build order.
deps() {
  case $1 in
    aot-runtime) echo aot-runtime ;;
    hello-csharp) echo aot-runtime hello-csharp ;;
    debian) echo debian ;;
    node-runtime) echo debian node-runtime ;;
    hello-node) echo debian node-runtime hello-node ;;
    testfn) echo aot-runtime testfn ;;
    testfn-volume) echo aot-runtime testfn testfn-volume ;;
    *) echo "images: unknown image '$1'; known: aot-runtime hello-csharp debian node-runtime hello-node testfn testfn-volume" >&2; exit 2 ;;
  esac
}

wanted=()
for arg in "$@"; do
  case $arg in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) wanted+=("$arg") ;;
  esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=(hello-csharp hello-node testfn testfn-volume)

done_list=" "
for image in "${wanted[@]}"; do
  for step in $(deps "$image"); do
    case $done_list in *" $step "*) continue ;; esac
    "image_${step//-/_}"
    done_list="$done_list$step "
  done
done
