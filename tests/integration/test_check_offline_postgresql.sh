#!/usr/bin/env bash
# retort check --offline on PostgreSQL projects (see check_offline.sh).
set -euo pipefail
if [[ -z ${RETORT_TEST_PG_URL:-} ]]; then
  if [[ ${RETORT_ALLOW_NO_PG:-} == 1 ]]; then echo "skip: PostgreSQL (RETORT_ALLOW_NO_PG=1)"; exit 0; fi
  echo "FAIL: RETORT_TEST_PG_URL is not set (set RETORT_ALLOW_NO_PG=1 to skip PostgreSQL)" >&2
  exit 1
fi
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/check_offline.sh"
