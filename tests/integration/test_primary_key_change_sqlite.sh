#!/usr/bin/env bash
# A primary key that changes columns, on sqlite (see primary_key_change.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/primary_key_change.sh"
