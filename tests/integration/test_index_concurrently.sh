#!/usr/bin/env bash
# op.create_index / op.drop_index(..., postgresql_concurrently=True) inside
# `with op.get_context().autocommit_block():` (docs/migration-subset.md), the
# safe pattern docs/lint.md gives for lock/create-index-not-concurrently:
#   - PostgreSQL: retort's runner builds and drops the index CONCURRENTLY,
#     --sql prints what Alembic 1.8.1 prints, and lint no longer flags it;
#   - the same call outside an autocommit block is an error at its place;
#   - SQLite ignores the option, as SQLAlchemy does.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-concurrently.XXXXXX)
trap 'rm -rf "$tmp"; BACKEND=postgresql drop_test_databases conc' EXIT

write_files() {
  revfile c1 None "table" \
    "op.create_table('t', sa.Column('id', sa.Integer(), nullable=False), sa.Column('n', sa.Integer()), sa.PrimaryKeyConstraint('id'))"
  cat >alembic/versions/c2.py <<'EOF'
"""index

Revision ID: c2
"""
from alembic import op
import sqlalchemy as sa

revision = 'c2'
down_revision = 'c1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index('ix_t_n', 't', ['n'], unique=False, postgresql_concurrently=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index('ix_t_n', table_name='t', postgresql_concurrently=True)
EOF
}

BACKEND=postgresql
new_project "$tmp/pg"
cd "$tmp/pg"
export DATABASE_URL=$(test_db_url conc)
write_files
diff <("$RETORT" upgrade --sql c1:c2) <("${ALEMBIC[@]}" upgrade --sql c1:c2 2>/dev/null | sed '$d') >"$tmp/sql.diff" \
  || fail "upgrade --sql differs from Alembic's: $(cat "$tmp/sql.diff")"
grep -q '^CREATE INDEX CONCURRENTLY ix_t_n ON t (n);$' <("$RETORT" upgrade --sql c1:c2) || fail "no CONCURRENTLY in --sql"
out=$("$RETORT" lint --format text 2>&1) || fail "lint: $out"
grep -q "create-index-not-concurrently" <<<"$out" && fail "lint flags the concurrent index: $out"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "upgrade: $(cat "$tmp/err")"
[ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_t_n'::regclass")" = True ] \
  || fail "the index is not there, or not valid"
"$RETORT" downgrade c1 --no-backup >/dev/null 2>"$tmp/err" || fail "downgrade: $(cat "$tmp/err")"
[ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT count(*) FROM pg_class WHERE relname = 'ix_t_n'")" = 0 ] || fail "the index stayed"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "Alembic upgrade: $(cat "$tmp/err")"
d=$("$RETORT" downgrade --sql c2:c1 2>&1) || fail "downgrade --sql: $d"
grep -q '^DROP INDEX CONCURRENTLY ix_t_n;$' <<<"$d" || fail "no DROP INDEX CONCURRENTLY: $d"

# outside an autocommit block: refused at the argument, nothing run
revfile c3 "'c2'" "outside" "op.create_index('ix_t_id_n', 't', ['id', 'n'], postgresql_concurrently=True)"
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" != 0 ] || fail "a concurrent index outside an autocommit block ran"
grep -q "c3.py:15:.*error: postgresql_concurrently=True outside an autocommit_block" <<<"$out" || fail "not located: $out"
grep -q "hint: put the call in \`with op.get_context().autocommit_block():\`" <<<"$out" || fail "no hint: $out"
[ "$("$RETORT" current 2>/dev/null)" = "c2" ] || fail "the refused run moved the database: $("$RETORT" current 2>&1)"
rm alembic/versions/c3.py

# SQLite: the option is ignored, as SQLAlchemy ignores it there
BACKEND=sqlite
new_project "$tmp/s"
cd "$tmp/s"
export DATABASE_URL="sqlite:///$tmp/s/app.db"
write_files
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "SQLite upgrade: $(cat "$tmp/err")"
grep -q 'CREATE INDEX ix_t_n ON t (n)' <<<"$(sqlite3 app.db .schema)" || fail "SQLite index: $(sqlite3 app.db .schema)"
"$RETORT" downgrade c1 --no-backup >/dev/null 2>"$tmp/err" || fail "SQLite downgrade: $(cat "$tmp/err")"
finish
