#!/usr/bin/env bash
# The usage example at the top of include/retort.h (extracted and built by
# tests/CMakeLists.txt with the build's flags) does what it says: on a project with a model it writes a
# revision; on a project whose model has an error it reads the diagnostic
# as data (file, line, message) through retort_diagnostic_get().
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-header-example.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
example="$BUILD_DIR/tests/header_example"   # built from retort.h by tests/CMakeLists.txt
[ -x "$example" ] || die "no $example: the header's example did not build"
grep -q retort_revision "$BUILD_DIR/tests/header_example.c" || die "the example was not extracted from retort.h"

new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/p/app.db"
printf 'model Item {\n  id Integer @primary_key\n  name String(50)\n}\n' >models/item.model
out=$("$example" 2>&1) || fail "the example failed: $out"
grep -q "^wrote .*/alembic/versions/.*_add_user_role_column.py$" <<<"$out" || fail "the example did not write a revision: $out"
ls alembic/versions/*add_user_role_column.py >/dev/null 2>&1 || fail "no revision file"

printf 'model Bad {\n  id Integer @primary_key\n  name Strng(50)\n}\n' >models/item.model
out=$("$example" 2>&1) || true
grep -q "item.model:3: unknown type 'Strng'" <<<"$out" || fail "the diagnostic was not read as data: $out"
finish
