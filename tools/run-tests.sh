#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds twice (plain, and
# AddressSanitizer + UndefinedBehaviorSanitizer), starts a private PostgreSQL
# (unless RETORT_TEST_PG_URL names one already), and runs ctest on both builds.
# The server is stopped and removed at the end, also when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools/install-deps.sh

pgdir=""
cleanup() {
  if [ -n "$pgdir" ]; then tools/pg-test-server.sh stop "$pgdir" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT INT TERM

if [ -z "${RETORT_TEST_PG_URL:-}" ]; then
  pgdir=$(mktemp -d /tmp/retort-pg.XXXXXX)
  RETORT_TEST_PG_URL=$(tools/pg-test-server.sh start "$pgdir")
  export RETORT_TEST_PG_URL
  echo "PostgreSQL for the tests: $RETORT_TEST_PG_URL"
fi

status=0
for build in "build:RelWithDebInfo" "build-sanitize:Sanitize"; do
  dir=${build%%:*}
  type=${build##*:}
  echo "=== $type build ($dir)"
  tools/build.sh "$type" "$dir"
  if [ "$type" = Sanitize ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  fi
  ctest --test-dir "$dir" --output-on-failure -j2 || status=1
done
exit $status
