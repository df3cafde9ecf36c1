#!/usr/bin/env bash
# [retort] schema = app on PostgreSQL (docs/postgresql.md "The schema that
# is read"): every command uses that schema — the runner creates the tables
# and alembic_version there, a second upgrade finds them, autogenerate reads
# them — and so does Alembic through the shipped env.py; a schema that does
# not exist is an error whose hint is the CREATE SCHEMA to run.  The
# server's own search_path does not matter.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-pg-schema.XXXXXX)
BACKEND=postgresql
trap 'rm -rf "$tmp"; drop_test_databases pg_schema' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(new_pg_database "retort_pg_schema_$$")
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
sed -i 's/^schema = .*/schema = app/' alembic.ini
cp "$SOURCE_DIR"/models/*.model models/
where() { q "SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ',' ORDER BY c.relname), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname IN ('public', 'app')"; }

# a missing schema: refused, nothing created
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" != 0 ] || fail "upgrade into a missing schema succeeded"
grep -q 'the PostgreSQL schema "app" (\[retort\] schema) does not exist' <<<"$out" || fail "no error for the missing schema: $out"
grep -q "hint: create it first: CREATE SCHEMA app" <<<"$out" || fail "no hint: $out"
[ -z "$(where)" ] || fail "tables were created: $(where)"

q "CREATE SCHEMA app" >/dev/null
# a role whose default search_path points elsewhere changes nothing
dbname=${DATABASE_URL##*/}
q "ALTER DATABASE \"$dbname\" SET search_path = public" >/dev/null
out=$("$RETORT" revision --autogenerate -m init --rev-id s1 2>&1) || die "autogenerate: $out"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || die "upgrade: $(cat "$tmp/err")"
# (and the runner's table of applied checksums, beside alembic_version: docs/ci.md)
expected="app.alembic_version,app.chart_configs,app.datasets,app.import_tasks,app.retort_migrations,app.user_preferences"
[ "$(where)" = "$expected" ] || fail "retort's runner created: $(where)"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "a second upgrade: $(cat "$tmp/err")"
[ "$("$RETORT" current 2>/dev/null)" = "s1 (head)" ] || fail "current: $("$RETORT" current 2>&1)"
out=$("$RETORT" diff 2>&1) || fail "diff: $out"
[ "$out" = "No changes detected" ] || fail "diff in the schema: $out"

# Alembic, through the shipped env.py, uses the same schema
"$RETORT" downgrade base --no-backup >/dev/null 2>"$tmp/err" || fail "downgrade: $(cat "$tmp/err")"
[ "$(where)" = "app.alembic_version,app.retort_migrations" ] || fail "after the downgrade: $(where)"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "alembic upgrade: $(cat "$tmp/err")"
[ "$(where)" = "$expected" ] || fail "Alembic created: $(where)"
[ "$("$RETORT" current 2>/dev/null)" = "s1 (head)" ] || fail "current after Alembic: $("$RETORT" current 2>&1)"
out=$("$RETORT" diff 2>&1) || fail "diff after Alembic: $out"
[ "$out" = "No changes detected" ] || fail "diff after Alembic: $out"
echo "ok the schema is used by both tools"

# schema='app' on every op (docs/migration-subset.md): the SQL is what the
# same file without it gives, the runner applies it as Alembic does; another
# schema is refused at its file:line:col with the fallback in the hint.
s2_body=(
  "op.create_table('tags', sa.Column('id', sa.Integer(), nullable=False), sa.Column('dataset_id', sa.String(36), sa.ForeignKey('app.datasets.id')), sa.Column('name', sa.String(20), nullable=False), sa.PrimaryKeyConstraint('id'), schema='app')"
  "op.create_index('ix_tags_name', 'tags', ['name'], schema='app')"
  "op.create_unique_constraint('uq_tags_name', 'tags', ['name'], schema='app')"
  "op.create_check_constraint('ck_tags_name', 'tags', 'length(name) > 0', schema='app')"
  "op.add_column('tags', sa.Column('note', sa.Text(), nullable=True), schema='app')"
  "op.alter_column('tags', 'note', comment='a note', schema='app')"
  "op.create_foreign_key('fk_tags_ds', 'tags', 'datasets', ['dataset_id'], ['id'], source_schema='app', referent_schema='app')"
  "with op.batch_alter_table('tags', schema='app') as batch_op:"
  "    batch_op.drop_constraint('ck_tags_name', type_='check')"
  "op.bulk_insert(sa.table('tags', sa.column('id'), sa.column('name'), schema='app'), [{'id': 1, 'name': 'a'}])"
  "op.create_table_comment('tags', 'tags of datasets', schema=None)"
)
s2() {  # s2 with a downgrade that drops the table
  revfile s2 "'s1'" "tags" "${s2_body[@]}"
  sed -i '$d' alembic/versions/s2.py
  echo "    op.drop_table('tags', schema='app')" >>alembic/versions/s2.py
}
s2
sql_with=$("$RETORT" upgrade --sql s1:s2 2>&1) || fail "--sql with schema=: $sql_with"
sed -i "s/, schema='app'//; s/, source_schema='app', referent_schema='app'//; s/'app\.datasets\.id'/'datasets.id'/" alembic/versions/s2.py
grep -q "app" alembic/versions/s2.py && fail "the twin without schema= still names it"
sql_without=$("$RETORT" upgrade --sql s1:s2 2>&1) || fail "--sql without schema=: $sql_without"
[ "$("$RETORT" downgrade --sql s2:s1 2>&1)" = "$(s2; "$RETORT" downgrade --sql s2:s1 2>&1)" ] || fail "schema='app' changes the downgrade's SQL"
[ "$sql_with" = "$sql_without" ] || { fail "schema='app' changes the SQL"; diff <(echo "$sql_without") <(echo "$sql_with") >&2 || true; }
grep -q "CREATE TABLE tags" <<<"$sql_with" || fail "no CREATE TABLE in: $sql_with"
s2
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "upgrade with schema=: $(cat "$tmp/err")"
[ "$(q "SELECT count(*) FROM app.tags")" = 1 ] || fail "app.tags does not hold the row"
mine=$("$RETORT" inspect --json)
"$RETORT" downgrade s1 --no-backup >/dev/null 2>"$tmp/err" || fail "downgrade s1: $(cat "$tmp/err")"
"${ALEMBIC[@]}" upgrade head >/dev/null 2>"$tmp/err" || fail "alembic upgrade of the schema= file: $(cat "$tmp/err")"
[ "$("$RETORT" inspect --json)" = "$mine" ] || fail "Alembic's app.tags is not retort's"
# Another schema than [retort] schema is that schema's (docs/postgresql.md).
revfile s3 "'s2'" "other" "op.create_table('pubs', sa.Column('id', sa.Integer(), primary_key=True), schema='public')"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || fail "schema='public' (not [retort] schema): $(cat "$tmp/err")"
[ "$("${SQLQ[@]}" "$DATABASE_URL" "SELECT to_regclass('public.pubs') IS NOT NULL AND to_regclass('app.pubs') IS NULL")" = True ] \
  || fail "schema='public' did not create public.pubs"
echo "ok schema= on every op"
finish
