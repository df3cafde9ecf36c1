#!/usr/bin/env bash
# retort pull on PostgreSQL (see pull.sh), in databases of its own on the
# test server (RETORT_TEST_PG_URL).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/pull.sh"
