#!/usr/bin/env bash
# Hints name a command that really helps (issue #10):
#   - the database is at a revision whose file was deleted: diff and
#     revision --autogenerate say so, and the hint is to restore the file
#     or `retort stamp --purge`, not "upgrade head" (which cannot help);
#   - sa.types.NullType() in a migration: the hint is to write the column's
#     type, not to run the step with Alembic (which cannot either).
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-hints.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/p/app.db"
printf 'model A {\n  id Integer @primary_key\n  @@table("a")\n}\n' >models/a.model
"$RETORT" revision --autogenerate -m one --rev-id r1 >/dev/null || die "autogenerate r1"
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade r1"
mv alembic/versions/*r1*.py "$tmp/r1.py"
for cmd in "diff" "revision --autogenerate -m two"; do
  set +e; out=$("$RETORT" $cmd 2>&1); rc=$?; set -e
  [ "$rc" != 0 ] || fail "$cmd succeeded with the database at a deleted revision"
  grep -q "error: the database is at r1, which no file in the versions folder has" <<<"$out" || fail "$cmd: $out"
  grep -q "retort stamp --purge" <<<"$out" || fail "$cmd: the hint does not name stamp --purge: $out"
  grep -q "upgrade head" <<<"$out" && fail "$cmd: the hint still says upgrade head: $out"
done
mv "$tmp/r1.py" alembic/versions/

revfile r2 "'r1'" "null type" "op.add_column('a', sa.Column('x', sa.types.NullType(), nullable=True))"
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" != 0 ] || fail "NullType ran"
grep -q "sa.types.NullType() is no SQL type" <<<"$out" || fail "no NullType error: $out"
# the error's own hint (the three lines after it: source, caret, hint)
hint=$(grep -A3 "sa.types.NullType() is no SQL type" <<<"$out" | grep "hint:")
grep -q "hint: write the type the column has in the database" <<<"$hint" || fail "the NullType hint: $out"
grep -q "alembic" <<<"$hint" && fail "the NullType hint sends to Alembic: $hint"
finish
