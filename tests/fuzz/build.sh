#!/usr/bin/env bash
# build.sh — build the fuzz configuration: tests/fuzz/build.sh SOURCE_DIR FUZZ_BUILD_DIR
#
# Configures SOURCE_DIR with clang and -DRETORT_FUZZ=ON in FUZZ_BUILD_DIR
# and builds the three harnesses and their seed corpora (the ctest fixture
# fuzz.build runs this once for fuzz.models, fuzz.migration and fuzz.ini).
# RETORT_FUZZ_CC names another clang; RETORT_FUZZ_JOBS the build's -j
# (default 1: the suite runs other tests beside it).
# Exits 77 (ctest's skip) when there is no clang that links libFuzzer.
set -euo pipefail
src=${1:?usage: build.sh SOURCE_DIR FUZZ_BUILD_DIR}
dir=${2:?usage: build.sh SOURCE_DIR FUZZ_BUILD_DIR}
cc=${RETORT_FUZZ_CC:-clang}
hint="tools/install-deps.sh installs clang and libclang-rt-dev (libFuzzer)"

# run.sh runs only what a successful build left (the stamp fuzz-built),
# never the binaries of an earlier build when this one failed or skipped.
rm -f "$dir/fuzz-built"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "SKIPPED: no '$cc' to build the fuzz harnesses; $hint"
  exit 77
fi
probe=$(mktemp -d "${TMPDIR:-/tmp}/retort-fuzz-probe.XXXXXX")
trap 'rm -rf "$probe"' EXIT
cat >"$probe/probe.c" <<'C'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { (void)data; (void)size; return 0; }
C
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" 2>"$probe/err"; then
  echo "SKIPPED: '$cc' cannot link a libFuzzer harness; $hint"
  sed 's/^/  /' "$probe/err" | head -5
  exit 77
fi

mkdir -p "$dir"
cmake -S "$src" -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DRETORT_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build "$dir" -j"${RETORT_FUZZ_JOBS:-1}" --target fuzz_models fuzz_migration fuzz_ini fuzz_seeds
touch "$dir/fuzz-built"
