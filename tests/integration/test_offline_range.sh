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

# --alembic-fallback with --sql: Alembic renders r1 (its `upgrade --sql
# base:r1`), retort the rest, in order, one script; on SQLite it applies as
# Alembic's own upgrade does.  A move and copy after a revision Alembic
# rendered is refused (the tables it left are not known), with a note.
for url in "postgresql://u@localhost/db" "sqlite:///$tmp/p/app.db"; do
  export DATABASE_URL=$url
  dialect=${url%%:*}
  out=$("$RETORT" upgrade --sql base:r4 --alembic-fallback 2>"$tmp/err") || fail "$dialect: fallback --sql: $(cat "$tmp/err")"
  want=$("${ALEMBIC[@]}" upgrade --sql base:r4 2>/dev/null | running |
    sed 's/^-- Running upgrade  -> r1$/& (rendered by Alembic: \/usr\/bin\/python3 -m alembic upgrade --sql base:r1)/')
  [[ "$(running <<<"$out")" == "$want" ]] || { fail "$dialect: fallback --sql Running lines"; diff <(echo "$want") <(running <<<"$out") >&2 || true; }
  [[ "$(head -1 <<<"$out")" == '-- retort rendered every revision of this script but those marked "rendered by Alembic"' ]] ||
    fail "$dialect: no first line saying who rendered what: $out"
  [[ $(grep -c "^CREATE TABLE alembic_version" <<<"$out") == 1 && $(grep -c "^COMMIT;" <<<"$out") == 1 ]] ||
    fail "$dialect: Alembic's BEGIN/COMMIT/alembic_version bookkeeping was spliced in: $out"
  grep -q "r1.py:15:5: note: revision r1 is rendered by Alembic: retort cannot run a for loop in a migration" "$tmp/err" ||
    fail "$dialect: no note for r1: $(cat "$tmp/err")"
done
rm -f "$tmp/script.db" "$tmp/alembic.db"
sqlite3 "$tmp/script.db" <<<"$out" || fail "the spliced SQLite script does not apply"
DATABASE_URL="sqlite:///$tmp/alembic.db" "${ALEMBIC[@]}" upgrade r4 2>/dev/null || fail "alembic upgrade r4"
[[ "$(DATABASE_URL="sqlite:///$tmp/script.db" "$RETORT" inspect --json)" == "$(DATABASE_URL="sqlite:///$tmp/alembic.db" "$RETORT" inspect --json)" ]] ||
  fail "the spliced script does not make Alembic's schema"
[[ "$("${SQLQ[@]}" "sqlite:///$tmp/script.db" "SELECT version_num FROM alembic_version")" == r4 ]] || fail "the spliced script is not at r4"
if out=$("$RETORT" upgrade --sql base:r5 --alembic-fallback 2>&1); then fail "a move and copy after Alembic's r1 rendered: $out"; fi
grep -q "r5.py:16:.*: error: table 'a' is not in the schema this migration applies to" <<<"$out" || fail "move and copy after Alembic: $out"
grep -q "r1.py: note: revision r1, earlier in this range, was rendered by Alembic, so retort does not know the tables it left" <<<"$out" ||
  fail "no note about Alembic's r1: $out"
echo "ok --sql with the Alembic fallback"

# A revision below the range that retort cannot read may have changed a
# table known from before it: a move and copy of that table is refused, at
# the op, with a note at that revision (not copied without what it added).
revfile r6 "'r4'" "columns in a loop" "for name in ('y',):" "    op.add_column('c', sa.Column(name, sa.Integer()))"
revfile r7 "'r6'" "alter c.x" \
  "with op.batch_alter_table('c') as batch_op:" \
  "    batch_op.alter_column('x', existing_type=sa.String(length=5), nullable=False)"
if out=$("$RETORT" upgrade --sql r6:r7 2>&1); then fail "a move and copy of c after r6 rendered: $out"; fi
grep -q "r7.py:16:.*: error: table 'c' is not in the schema this migration applies to" <<<"$out" || fail "c after r6: $out"
grep -q "r6.py:15:5: note: revision r6, below this range, could not be read" <<<"$out" || fail "no note about r6: $out"
echo "ok an unread revision below the range forgets the tables"
finish
