#!/usr/bin/env bash
# Build retort: tools/build.sh [BUILD_TYPE] [DIR]   (default: RelWithDebInfo in build/)
set -euo pipefail
cd "$(dirname "$0")/.."
type=${1:-RelWithDebInfo}
dir=${2:-build}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" >/dev/null
cmake --build "$dir" -j"$(nproc)"
