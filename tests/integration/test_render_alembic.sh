#!/usr/bin/env bash
# test_render_alembic.sh — the golden migration modules of the Python
# renderer (tests/golden/render/*.py, written by tests/unit/test_render_python.c)
# are valid Python and real Alembic 1.8.1 runs them.
#
# A temporary Alembic project gets the golden revision chain r1..r6 and runs
# upgrade head, downgrade base, upgrade head on a temporary SQLite file.  With
# RETORT_TEST_PG_URL set (a SQLAlchemy URL of an empty PostgreSQL database),
# the same happens on PostgreSQL twice: once with r2 in batch mode, once with
# the plain-mode rendering of the same ops (plain_ops.py), plus the
# PostgreSQL-only types of r7, the index forms of r8 and the enum types of r9.
set -euo pipefail

: "${SOURCE_DIR:?SOURCE_DIR must be set}"
PY=/usr/bin/python3
GOLDEN="$SOURCE_DIR/tests/golden/render"
WORK=$(mktemp -d /tmp/retort_render_alembic.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Every golden compiles.
for f in "$GOLDEN"/*.py; do
    $PY -m py_compile "$f" 2>"$WORK/compile.err" || { cat "$WORK/compile.err" >&2; fail "$f does not compile"; }
done
find "$GOLDEN" -name __pycache__ -type d -prune -exec rm -rf {} +

# 2. A minimal Alembic project: the URL comes from the environment.
make_project() {   # dir url golden-files...
    local dir=$1 url=$2
    shift 2
    mkdir -p "$dir/versions"
    cat >"$dir/alembic.ini" <<EOF
[alembic]
script_location = $dir
sqlalchemy.url = $url

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)s %(message)s
EOF
    cat >"$dir/env.py" <<'EOF'
from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
connectable = engine_from_config(config.get_section(config.config_ini_section),
                                 prefix="sqlalchemy.", poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
EOF
    for f in "$@"; do cp "$GOLDEN/$f" "$dir/versions/"; done
}

alembic() {   # dir args...
    local dir=$1
    shift
    (cd "$dir" && $PY -m alembic -c "$dir/alembic.ini" "$@") >"$dir/out.log" 2>&1 ||
        { cat "$dir/out.log" >&2; fail "alembic $* in $dir"; }
}

round_trip() {   # dir
    alembic "$1" upgrade head
    alembic "$1" downgrade base
    alembic "$1" upgrade head
    alembic "$1" current
    grep -q "aaaaaaaaaaa[6789] (head)" "$1/out.log" || { cat "$1/out.log" >&2; fail "$1 not at head"; }
}

CHAIN="r1_create_all.py r2_batch_ops.py r3_rename_table.py r4_empty_autogen.py r5_empty_plain.py r6_merge.py"

# 3. SQLite.
make_project "$WORK/sqlite" "sqlite:///$WORK/test.db" $CHAIN
round_trip "$WORK/sqlite"
# What the chain built: the renamed table, renamed column, named constraints.
schema=$(/usr/bin/sqlite3 "$WORK/test.db" .schema)
for want in 'CREATE TABLE IF NOT EXISTS "charts"' 'description TEXT' \
            'modified_at DATETIME DEFAULT (CURRENT_TIMESTAMP) NOT NULL' \
            'CONSTRAINT fk_chart_dataset FOREIGN KEY(dataset_id) REFERENCES datasets (id) ON DELETE CASCADE' \
            'CONSTRAINT uq_chart_owner UNIQUE (owner_id)' 'CONSTRAINT ck_datasets_price CHECK (price >= 0)' \
            "is_deleted BOOLEAN DEFAULT '0' NOT NULL"; do
    grep -qF "$want" <<<"$schema" || { echo "$schema" >&2; fail "SQLite schema lacks: $want"; }
done

# 4. PostgreSQL, when a database is given.
if [ -n "${RETORT_TEST_PG_URL:-}" ]; then
    make_project "$WORK/pg_batch" "$RETORT_TEST_PG_URL" $CHAIN r7_types_postgresql.py r8_index_features_postgresql.py \
        r9_enum_types_postgresql.py
    round_trip "$WORK/pg_batch"
    alembic "$WORK/pg_batch" downgrade base
    make_project "$WORK/pg_plain" "$RETORT_TEST_PG_URL" \
        r1_create_all.py plain_ops.py r3_rename_table.py r4_empty_autogen.py r5_empty_plain.py r6_merge.py
    round_trip "$WORK/pg_plain"
    alembic "$WORK/pg_plain" downgrade base
else
    echo "note: RETORT_TEST_PG_URL not set; PostgreSQL part skipped"
fi
echo "OK"
