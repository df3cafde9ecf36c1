#!/usr/bin/env bash
# op.drop_constraint(name, table) without type_ (docs/migration-subset.md),
# on SQLite and PostgreSQL:
#   - upgrade learns each constraint's kind from the database (PostgreSQL's
#     pg_constraint, SQLite's tables inside a batch block's move and copy),
#     or from an earlier op of the same migration, and makes the schema
#     Alembic 1.8.1 makes from the same files;
#   - a name the table does not have is an error at the call, nothing runs;
#   - --sql refuses it at the call, saying to add type_= (no database);
#     with --alembic-fallback Alembic renders that revision.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-drop-kind.XXXXXX)
trap 'rm -rf "$tmp"; BACKEND=postgresql drop_test_databases dk_retort dk_alembic' EXIT

run_backend() {
  BACKEND=$1
  new_project "$tmp/$BACKEND"
  cd "$tmp/$BACKEND"
  revfile d1 None "constraints" \
    "op.create_table('parent', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id', name='pk_parent'))" \
    "op.create_table('child', sa.Column('id', sa.Integer(), nullable=False), sa.Column('pid', sa.Integer()), sa.Column('code', sa.String(10)), sa.Column('n', sa.Integer()), sa.PrimaryKeyConstraint('id', name='pk_child'), sa.ForeignKeyConstraint(['pid'], ['parent.id'], name='fk_child_parent'), sa.UniqueConstraint('code', name='uq_child_code'), sa.CheckConstraint('n > 0', name='ck_child_n'))"
  revfile d2 "'d1'" "drop them" \
    "with op.batch_alter_table('child') as batch_op:" \
    "    batch_op.drop_constraint('uq_child_code')" \
    "    batch_op.drop_constraint('fk_child_parent')" \
    "    batch_op.drop_constraint('ck_child_n')" \
    "    batch_op.create_unique_constraint('uq_child_n', ['n'])" \
    "    batch_op.drop_constraint('uq_child_n')" \
    "    batch_op.create_unique_constraint('uq_child_pid', ['pid'])"
  local retort_url alembic_url
  retort_url=$(test_db_url dk_retort)
  alembic_url=$(test_db_url dk_alembic)
  export DATABASE_URL=$retort_url
  "$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "$BACKEND: upgrade: $(cat "$tmp/err")"
  [ "$("$RETORT" current 2>/dev/null)" = "d2 (head)" ] || fail "$BACKEND: not at d2: $("$RETORT" current 2>&1)"
  DATABASE_URL=$alembic_url "${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "$BACKEND: alembic upgrade: $(cat "$tmp/err")"
  [ "$("$RETORT" inspect --json)" = "$(DATABASE_URL=$alembic_url "$RETORT" inspect --json)" ] ||
    { fail "$BACKEND: the constraints left are not Alembic's"; diff <(DATABASE_URL=$alembic_url "$RETORT" inspect) <("$RETORT" inspect) >&2 || true; }
  "$RETORT" inspect | grep -q "uq_child_pid" || fail "$BACKEND: uq_child_pid was not created"
  "$RETORT" inspect | grep -Eq "uq_child_code|fk_child_parent|ck_child_n" && fail "$BACKEND: a constraint was not dropped: $("$RETORT" inspect)"

  # a name the table does not have: an error at the call, nothing runs
  revfile d3 "'d2'" "no such" "op.create_index('ix_child_n', 'child', ['n'])" "op.drop_constraint('uq_nope', 'child')"
  set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
  [ "$rc" = 1 ] || fail "$BACKEND: dropping a constraint that does not exist exited $rc"
  grep -q "alembic/versions/d3.py:16:5: error: drop_constraint('uq_nope') without type_: table 'child' has no constraint named 'uq_nope' in the database" <<<"$out" ||
    fail "$BACKEND: no located error for uq_nope: $out"
  [ "$("$RETORT" current 2>/dev/null)" = "d2" ] || fail "$BACKEND: the failed run moved the database: $("$RETORT" current 2>&1)"
  "$RETORT" inspect | grep -q "ix_child_n" && fail "$BACKEND: d3's index stayed after the failed run"
  if [ "$BACKEND" = postgresql ]; then
    # a kind retort does not model: refused at the call
    "${SQLQ[@]}" "$DATABASE_URL" "ALTER TABLE child ADD CONSTRAINT ex_child EXCLUDE USING btree (n WITH =)" >/dev/null
    revfile d3 "'d2'" "exclusion" "op.drop_constraint('ex_child', 'child')"
    set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
    [ "$rc" = 1 ] || fail "$BACKEND: dropping an exclusion constraint without type_ exited $rc"
    grep -q "alembic/versions/d3.py:15:5: error: drop_constraint('ex_child') without type_: 'ex_child' is an exclusion constraint of table 'child', which retort does not model" <<<"$out" ||
      fail "$BACKEND: the exclusion constraint is not refused at the call: $out"
    rm alembic/versions/d3.py
  fi

  # --sql: no database to ask
  set +e; out=$("$RETORT" upgrade --sql d1:d2 2>&1); rc=$?; set -e
  [ "$rc" = 1 ] || fail "$BACKEND: --sql with drop_constraint without type_ exited $rc"
  grep -q "alembic/versions/d2.py:16:9: error: drop_constraint('uq_child_code') without type_: with --sql there is no database to learn the constraint's kind from" <<<"$out" ||
    fail "$BACKEND: --sql is not refused at the call: $out"
  grep -q "hint: add type_='unique', 'foreignkey', 'check' or 'primary'" <<<"$out" || fail "$BACKEND: --sql hint: $out"
  grep -q "uq_child_n" <<<"$out" && fail "$BACKEND: --sql refused uq_child_n, which the migration creates first: $out"
  # with the fallback, Alembic renders it (PostgreSQL: Alembic's batch cannot
  # reflect SQLite's table offline)
  if [ "$BACKEND" = postgresql ]; then
    out=$("$RETORT" upgrade --sql d1:d2 --alembic-fallback 2>"$tmp/err") || fail "$BACKEND: --sql --alembic-fallback: $(cat "$tmp/err")"
    grep -q "^ALTER TABLE child DROP CONSTRAINT uq_child_code;$" <<<"$out" || fail "$BACKEND: Alembic's DROP CONSTRAINT: $out"
  fi
  echo "ok $BACKEND"
  cd "$tmp"
}

run_backend sqlite
if [[ -n "${RETORT_TEST_PG_URL:-}" ]]; then run_backend postgresql
elif [[ "${RETORT_ALLOW_NO_PG:-}" == 1 ]]; then echo "PostgreSQL skipped (RETORT_ALLOW_NO_PG=1)"
else fail "RETORT_TEST_PG_URL is not set (set RETORT_ALLOW_NO_PG=1 to skip PostgreSQL)"; fi
finish
