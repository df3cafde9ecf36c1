#!/usr/bin/env bash
# The usage example at the top of include/retort.h compiles against the
# library and does what it says: on a project with a model it writes a
# revision; on a project whose model has an error it reads the diagnostic
# as data (file, line, message) through retort_diagnostic_get().
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-header-example.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
lib="$BUILD_DIR/libretort.a"
[ -f "$lib" ] || die "no $lib"
{
  printf '#include "retort.h"\n#include <stdio.h>\n\nint main(void) {\n'
  sed -n '/^\*\* Example/,/^\*\//p' "$SOURCE_DIR/include/retort.h" | sed -n 's/^\*\*     //p'
  printf '    return 0;\n}\n'
} >"$tmp/example.c"
grep -q retort_revision "$tmp/example.c" || die "the example was not found in retort.h"
cc -std=c11 -Wall -Wextra -Werror -I"$SOURCE_DIR/include" "$tmp/example.c" "$lib" \
  -lsqlite3 -lpq -ljansson -lm -o "$tmp/example" || die "the header's example does not compile"

new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/p/app.db"
printf 'model Item {\n  id Integer @primary_key\n  name String(50)\n}\n' >models/item.model
out=$("$tmp/example" 2>&1) || fail "the example failed: $out"
grep -q "^wrote .*/alembic/versions/.*_add_user_role_column.py$" <<<"$out" || fail "the example did not write a revision: $out"
ls alembic/versions/*add_user_role_column.py >/dev/null 2>&1 || fail "no revision file"

printf 'model Bad {\n  id Integer @primary_key\n  name Strng(50)\n}\n' >models/item.model
out=$("$tmp/example" 2>&1) || true
grep -q "item.model:3: unknown type 'Strng'" <<<"$out" || fail "the diagnostic was not read as data: $out"
finish
