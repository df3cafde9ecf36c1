# retort's runner on a graph with a branch point and a merge point, against
# real Alembic (sourced with BACKEND=sqlite|postgresql): after every command
# both databases have the same schema and the same alembic_version rows.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-branches.XXXXXX)
trap 'rm -rf "$tmp"; drop_test_databases br_alembic br_retort' EXIT
new_project "$tmp/p"
cd "$tmp/p"
a=$(test_db_url br_alembic); b=$(test_db_url br_retort)

table_rev() {  # id down table [branch-label]
  local labels=None
  [ -n "${4:-}" ] && labels="('$4',)"
  cat >"alembic/versions/$1.py" <<PY
"""create $3

Revision ID: $1
"""
from alembic import op
import sqlalchemy as sa

revision = '$1'
down_revision = $2
branch_labels = $labels
depends_on = None


def upgrade() -> None:
    op.create_table('$3', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))


def downgrade() -> None:
    op.drop_table('$3')
PY
}
table_rev a1b2c3d4e5f6 None base_t
table_rev b1b2c3d4e5f6 "'a1b2c3d4e5f6'" left_t left
table_rev c1b2c3d4e5f6 "'a1b2c3d4e5f6'" right_t right
table_rev d1b2c3d4e5f6 "'c1b2c3d4e5f6'" right2_t

both() {  # label, then the arguments of the command for both tools
  local label=$1; shift
  DATABASE_URL=$a "${ALEMBIC[@]}" "$@" >"$tmp/a.log" 2>&1 || die "$label: alembic $*: $(cat "$tmp/a.log")"
  DATABASE_URL=$b "$RETORT" "$@" >"$tmp/b.log" 2>&1 || die "$label: retort $*: $(cat "$tmp/b.log")"
  local x y
  x=$(DATABASE_URL=$a "$RETORT" inspect --json; "${SQLQ[@]}" "$a" "SELECT version_num FROM alembic_version ORDER BY 1")
  y=$(DATABASE_URL=$b "$RETORT" inspect --json; "${SQLQ[@]}" "$b" "SELECT version_num FROM alembic_version ORDER BY 1")
  [ "$x" = "$y" ] || fail "$label: after '$*' retort and Alembic differ:"$'\n'"$(diff <(echo "$x") <(echo "$y") | head -20)"
  echo "ok $label"
}

both "upgrade one branch" upgrade left@head
both "upgrade the other branch" upgrade right@head
both "downgrade a branch by one" downgrade right@-1
both "upgrade heads" upgrade heads
"$RETORT" merge heads -m "merge branches" --rev-id e1b2c3d4e5f6 >/dev/null || die "retort merge"
both "upgrade onto the merge" upgrade head
both "downgrade below the merge, to one branch's revision" downgrade c1b2c3d4e5f6
both "upgrade head again" upgrade head
both "downgrade base" downgrade base
finish
