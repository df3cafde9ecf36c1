#!/usr/bin/env bash
# The migration guide's hand-written data migration (add a column, fill it
# with op.execute, make it NOT NULL), exactly as the guide writes it — plain
# op.* calls, no batch block — run by retort's runner on SQLite and
# PostgreSQL, up and down, with the rows kept.  (Alembic itself cannot run
# the alter_column of this example on SQLite; retort does it by move and
# copy.)
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-guide.XXXXXX)
trap 'rm -rf "$tmp"; BACKEND=postgresql drop_test_databases guide' EXIT
new_project "$tmp/p"
cd "$tmp/p"
cat >alembic/versions/0001_users.py <<'PY'
"""users"""
from alembic import op
import sqlalchemy as sa

revision = '0001aaaa'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('users', sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('name', sa.String(50), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.bulk_insert(sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String)),
                   [{'id': 1, 'name': "Ann O'Neil"}, {'id': 2, 'name': 'Bob'}])


def downgrade() -> None:
    op.drop_table('users')
PY
cat >alembic/versions/0002_status.py <<'PY'
"""add status

Revision ID: 0002bbbb
"""
from alembic import op
import sqlalchemy as sa

revision = '0002bbbb'
down_revision = '0001aaaa'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Add column
    op.add_column('users', sa.Column('status', sa.String(20)))

    # Migrate existing data
    op.execute("UPDATE users SET status = 'active'")

    # Make column non-nullable
    op.alter_column('users', 'status', nullable=False)

def downgrade() -> None:
    op.drop_column('users', 'status')
PY
for BACKEND in sqlite postgresql; do
  export DATABASE_URL=$(test_db_url guide)
  out=$("$RETORT" upgrade head --no-backup 2>&1) || { fail "$BACKEND: upgrade: $out"; continue; }
  [ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT count(*) FROM users WHERE status = 'active'")" = 2 ] || fail "$BACKEND: rows not migrated"
  [ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT name FROM users WHERE id = 1")" = "Ann O'Neil" ] || fail "$BACKEND: bulk_insert literal"
  "$RETORT" inspect --json | /usr/bin/python3 -c '
import json, sys
t = [t for t in json.load(sys.stdin)["tables"] if t["name"] == "users"][0]
c = [c for c in t["columns"] if c["name"] == "status"][0]
assert c["nullable"] is False, c' || fail "$BACKEND: status is not NOT NULL"
  out=$("$RETORT" downgrade -1 --no-backup 2>&1) || fail "$BACKEND: downgrade: $out"
  [ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT count(*) FROM users")" = 2 ] || fail "$BACKEND: rows lost on downgrade"
  echo "ok $BACKEND"
done
finish
