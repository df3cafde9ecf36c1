#!/usr/bin/env bash
# A primary key that changes columns, on postgresql (see primary_key_change.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/primary_key_change.sh"
