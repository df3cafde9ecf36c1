#!/usr/bin/env bash
# `upgrade --sql FROM:TO` reads the bodies of the revisions in the range
# only, as Alembic renders only FROM..TO: a revision below FROM that retort
# cannot run (a for loop) does not block a later range.
#   - the range r2:r4 renders on PostgreSQL and SQLite, with the "Running"
#     lines Alembic prints for the same range, and none of r1;
#   - a range that includes r1 (base:r4, r1's own upgrade) still refuses
#     it at its line and column, as before;
#   - downgrade --sql r4:r2 renders the same way;
#   - on SQLite, a move and copy (batch block) of a table that only r1
#     defines fails, at the op, with a note that points at r1's error
#     (Alembic cannot render a move and copy offline at all).
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-offline-range.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset ALEMBIC_CONFIG
new_project "$tmp/p"
cd "$tmp/p"

revfile r1 None "tables in a loop" \
  "for name in ('a', 'b'):" \
  "    op.create_table(name, sa.Column('id', sa.Integer, primary_key=True))"
revfile r2 "'r1'" "table c" "op.create_table('c', sa.Column('id', sa.Integer, primary_key=True))"
revfile r3 "'r2'" "column c.x" "op.add_column('c', sa.Column('x', sa.String(length=5)))"
revfile r4 "'r3'" "index on c.x" "op.create_index('ix_c_x', 'c', ['x'])"

# The "-- Running ..." lines of an --sql output.
running() { grep '^-- Running' || true; }

for url in "postgresql://u@localhost/db" "sqlite:///$tmp/p/app.db"; do
  export DATABASE_URL=$url
  dialect=${url%%:*}
  out=$("$RETORT" upgrade --sql r2:r4 2>&1) || fail "$dialect: upgrade --sql r2:r4 refused: $out"
  want=$("${ALEMBIC[@]}" upgrade --sql r2:r4 2>/dev/null | running)
  [[ -n "$want" ]] || fail "$dialect: no Running lines from Alembic"
  [[ "$(running <<<"$out")" == "$want" ]] || fail "$dialect: Running lines differ from Alembic's: $out"
  grep -q 'ALTER TABLE c ADD COLUMN x VARCHAR(5)' <<<"$out" || fail "$dialect: no ADD COLUMN in: $out"
  grep -q 'CREATE INDEX ix_c_x ON c (x)' <<<"$out" || fail "$dialect: no CREATE INDEX in: $out"
  grep -q "UPDATE alembic_version SET version_num='r4' WHERE alembic_version.version_num = 'r3'" <<<"$out" ||
    fail "$dialect: no version update in: $out"
  ! grep -q 'r1' <<<"$(running <<<"$out")" || fail "$dialect: r1 ran: $out"
  out=$("$RETORT" upgrade --sql r1:r3 2>&1) || fail "$dialect: upgrade --sql r1:r3 refused: $out"
  out=$("$RETORT" downgrade --sql r4:r2 2>&1) || fail "$dialect: downgrade --sql r4:r2 refused: $out"
  [[ "$(running <<<"$out")" == "$(printf -- '-- Running downgrade r4 -> r3\n-- Running downgrade r3 -> r2')" ]] ||
    fail "$dialect: downgrade --sql r4:r2: $out"

  # A range with r1 in it: refused at r1's loop.
  for range in base:r4 base:r1; do
    if out=$("$RETORT" upgrade --sql $range 2>&1); then fail "$dialect: upgrade --sql $range accepted r1"; continue; fi
    grep -q "r1.py:15:5: error: retort cannot run a for loop in a migration" <<<"$out" ||
      fail "$dialect: --sql $range: not r1's located error: $out"
  done
done
echo "ok ranges above an unreadable revision"

# SQLite: moving and copying table a, which only r1 creates, needs r1.
export DATABASE_URL="sqlite:///$tmp/p/app.db"
revfile r5 "'r4'" "alter a.id" \
  "with op.batch_alter_table('a') as batch_op:" \
  "    batch_op.alter_column('id', existing_type=sa.Integer(), nullable=True)"
if out=$("$RETORT" upgrade --sql r2:r5 2>&1); then fail "a move and copy of r1's table rendered: $out"; fi
grep -q "r5.py:16:.*: error: table 'a' is not in the schema this migration applies to" <<<"$out" ||
  fail "move and copy error: $out"
grep -q "r1.py:15:5: note: revision r1, below this range, could not be read, so the schema the range starts from is not known: retort cannot run a for loop in a migration" <<<"$out" ||
  fail "no note about r1: $out"
# PostgreSQL needs no table definition: the same range renders.
DATABASE_URL="postgresql://u@localhost/db" "$RETORT" upgrade --sql r2:r5 >/dev/null 2>&1 ||
  fail "postgresql: upgrade --sql r2:r5 refused"
echo "ok move and copy needs the earlier migrations"
finish
