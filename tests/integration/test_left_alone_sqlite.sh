#!/usr/bin/env bash
# What retort cannot model, it never touches, on sqlite (see left_alone.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/left_alone.sh"
