#!/usr/bin/env bash
# The applied checksums, on sqlite (see applied_checksums.sh).
set -euo pipefail
BACKEND=sqlite
source "$SOURCE_DIR/tests/integration/applied_checksums.sh"
