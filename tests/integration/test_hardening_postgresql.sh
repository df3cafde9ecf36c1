#!/usr/bin/env bash
# Quoting, bookkeeping and hostile input, on postgresql (see hardening.sh).
set -euo pipefail
BACKEND=postgresql
source "$SOURCE_DIR/tests/integration/hardening.sh"
