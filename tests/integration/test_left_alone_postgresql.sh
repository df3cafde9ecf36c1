#!/usr/bin/env bash
# What retort cannot model, it never touches, on PostgreSQL (see left_alone.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/left_alone.sh"
