#!/usr/bin/env bash
# The applied checksums, on postgresql (see applied_checksums.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/applied_checksums.sh"
