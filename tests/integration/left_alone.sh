# What retort cannot model, it never touches (sourced with
# BACKEND=sqlite|postgresql; docs/model-language.md "What retort leaves
# alone"):
#   - a column of a type with no model spelling, a generated column, an
#     index with a COLLATE or storage parameters, an index on a column
#     left alone, a trigger, a view, a rule, a policy, an exclusion
#     constraint, a virtual table and its shadow tables, a table holding a
#     trigger, a table left out by [retort] exclude_tables: none of them is
#     dropped or altered by autogenerate, and each is named once on stderr;
#   - a plain table that is not in the models is still dropped (the rule
#     is not a blanket);
#   - on SQLite, a move-and-copy of a table keeps its trigger and the views
#     that select from it (Alembic loses the one and fails on the other).
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-left-alone.XXXXXX)
trap 'rm -rf "$tmp"; drop_test_databases left_alone' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL=$(test_db_url left_alone)
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
sed -i 's/^exclude_tables =.*/exclude_tables = ext_*, tmp_?/' alembic.ini

cat >models/m.model <<'EOF'
model Item {
  id    Integer      @primary_key
  email String(100)
  @@table("items")
}
model Other {
  id    Integer      @primary_key
  label String(10)
  @@table("other")
}
model Audit {
  id    Integer      @primary_key
  what  Text?
  @@table("audit")
}
EOF

if [ "$BACKEND" = sqlite ]; then
  for sql in \
    "CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, doc BLOBBY_THING, twice INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL)" \
    "CREATE INDEX ix_desc ON items (email COLLATE NOCASE DESC)" \
    "CREATE INDEX ix_lower ON items (lower(email) COLLATE NOCASE)" \
    "CREATE INDEX ix_doc ON items (doc)" \
    "CREATE TABLE other (id INTEGER NOT NULL PRIMARY KEY, label VARCHAR(10))" \
    "CREATE INDEX ix_other_desc ON other (label COLLATE NOCASE DESC)" \
    "CREATE INDEX ix_other_lower ON other (lower(label) COLLATE NOCASE)" \
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT)" \
    "CREATE TRIGGER trg_other AFTER INSERT ON other BEGIN INSERT INTO audit (what) VALUES ('insert ' || NEW.id); END" \
    "CREATE TABLE keep_me (id INTEGER PRIMARY KEY)" \
    "CREATE TRIGGER trg_keep AFTER DELETE ON keep_me BEGIN DELETE FROM audit; END" \
    "CREATE VIEW v_other AS SELECT id, label FROM other" \
    "CREATE VIRTUAL TABLE docs USING fts5(body)" \
    "CREATE TABLE plain (id INTEGER PRIMARY KEY)" \
    "CREATE TABLE ext_stats (id INTEGER PRIMARY KEY)" \
    "INSERT INTO other (id, label) VALUES (1, 'one')"; do
    q "$sql" >/dev/null || die "setup: $sql"
  done
  objects="ix_desc ix_lower ix_doc ix_other_desc ix_other_lower trg_other trg_keep v_other docs"
  columns="items.doc"
else
  for sql in \
    "CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, doc point, twice INTEGER GENERATED ALWAYS AS (id * 2) STORED)" \
    "CREATE INDEX ix_desc ON items (email COLLATE \"C\" DESC)" \
    "CREATE INDEX ix_lower ON items (lower(email)) WITH (fillfactor = 70)" \
    "CREATE INDEX ix_gin ON items USING gist (doc)" \
    "CREATE INDEX ix_include ON items (id) INCLUDE (doc)" \
    "CREATE INDEX ix_pattern ON items (email varchar_pattern_ops) WITH (fillfactor = 80)" \
    "CREATE TABLE other (id INTEGER NOT NULL PRIMARY KEY, label VARCHAR(10))" \
    "CREATE TABLE audit (id SERIAL PRIMARY KEY, what TEXT)" \
    "CREATE FUNCTION audit_insert() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO audit (what) VALUES ('insert ' || NEW.id); RETURN NEW; END\$\$" \
    "CREATE TRIGGER trg_other AFTER INSERT ON other FOR EACH ROW EXECUTE FUNCTION audit_insert()" \
    "CREATE TABLE keep_me (id INTEGER PRIMARY KEY, during INT4RANGE, EXCLUDE USING gist (during WITH &&))" \
    "ALTER TABLE keep_me RENAME CONSTRAINT keep_me_during_excl TO ex_keep" \
    "CREATE RULE rule_other AS ON DELETE TO other DO ALSO NOTIFY other_deleted" \
    "ALTER TABLE other ENABLE ROW LEVEL SECURITY" \
    "CREATE POLICY pol_other ON other USING (true)" \
    "CREATE VIEW v_other AS SELECT id, label FROM other" \
    "CREATE MATERIALIZED VIEW mv_items AS SELECT id FROM items" \
    "CREATE TABLE plain (id INTEGER PRIMARY KEY)" \
    "CREATE TABLE ext_stats (id INTEGER PRIMARY KEY)" \
    "INSERT INTO other (id, label) VALUES (1, 'one')"; do
    q "$sql" >/dev/null || die "setup: $sql"
  done
  objects="ix_desc ix_lower ix_gin ix_include ix_pattern trg_other ex_keep rule_other pol_other v_other mv_items"
  columns="items.doc"
fi

# 1. diff: nothing of the above is dropped or altered; each is named once.
err=$("$RETORT" diff 2>&1 >"$tmp/diff.out") || die "diff failed: $err"
out=$(cat "$tmp/diff.out")
grep -q "Detected removed table 'plain'" <<<"$out" || fail "the plain table is not dropped: $out"
# a generated column is something the models can declare (@computed): one
# they do not declare is dropped like any column
grep -q "Detected removed column 'items.twice'" <<<"$out" || fail "the generated column is not dropped: $out"
grep -q "'audit" <<<"$out" && fail "the audit table changes: $out"
for name in $objects; do
  grep -q "'$name'" <<<"$out" && fail "diff proposes to change $name: $out"
  n=$(grep -c "'$name'" <<<"$err" || true)
  [ "$n" = 1 ] || fail "$name is named $n times on stderr, not once: $err"
done
for col in $columns; do
  grep -qF "'$col'" <<<"$out" && fail "diff proposes to change $col: $out"
  grep -qF "column '$col' is not in the models" <<<"$err" || fail "no warning for $col: $err"
  grep -qF "Detected removed column '$col'" <<<"$out" && fail "$col is dropped"
done
grep -q "removed table 'keep_me'" <<<"$out" && fail "keep_me (which holds what retort cannot model) is dropped"
grep -q "table 'keep_me' is not in the models, and has what retort cannot model: " <<<"$err" || fail "no warning for keep_me: $err"
grep -q "ext_stats" <<<"$out" && fail "the excluded table shows in the diff: $out"
grep -q "note: table 'ext_stats' is left out by \[retort\] exclude_tables" <<<"$err" \
  || fail "no note for the excluded table: $err"
grep -q "left alone" <<<"$err" || fail "no 'left alone' wording: $err"
[ "$(grep -c 'hint: retort never drops' <<<"$err")" = 1 ] || fail "the hint is not given exactly once: $err"
if [ "$BACKEND" = sqlite ]; then
  grep -q "docs_" <<<"$out$err" && fail "the shadow tables of docs show up: $out $err"
fi

# 2. Autogenerate and upgrade with retort's runner: every object is still
# there, rows are kept, and the trigger still fires.
out=$("$RETORT" revision --autogenerate -m "left alone" --rev-id la1 2>&1) || die "autogenerate: $out"
"$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/up.err" || die "upgrade: $(cat "$tmp/up.err")"
if [ "$BACKEND" = sqlite ]; then
  for name in $objects keep_me ext_stats items docs_data; do
    [ "$(q "SELECT count(*) FROM sqlite_master WHERE name = '$name'")" = 1 ] || fail "$name is gone after the upgrade"
  done
  q "INSERT INTO other (id, label) VALUES (2, 'two')" >/dev/null || fail "insert after the move-and-copy"
  [ "$(q "SELECT count(*) FROM v_other")" = 2 ] || fail "the view does not see both rows"
  # the move-and-copy of other put its indexes back as they were written
  got=$(q "SELECT sql FROM sqlite_master WHERE name = 'ix_other_desc'")
  [ "$got" = "CREATE INDEX ix_other_desc ON other (label COLLATE NOCASE DESC)" ] || fail "ix_other_desc is now: $got"
  got=$(q "SELECT sql FROM sqlite_master WHERE name = 'ix_other_lower'")
  [ "$got" = "CREATE INDEX ix_other_lower ON other (lower(label) COLLATE NOCASE)" ] || fail "ix_other_lower is now: $got"
  # (SQLite changes a column's nullability only by a move-and-copy)
  grep -q "label VARCHAR(10) NOT NULL" <<<"$(q "SELECT sql FROM sqlite_master WHERE name = 'other'")" \
    || fail "other was not moved and copied (the test needs that)"
  # the move-and-copy of items (twice dropped) keeps doc's declared type
  got=$(q "SELECT type FROM pragma_table_info('items') WHERE name = 'doc'")
  [ "$got" = BLOBBY_THING ] || fail "the declared type of items.doc is now $got"
  got=$(q "SELECT group_concat(name) FROM pragma_table_xinfo('items')")
  [ "$got" = "id,email,doc" ] || fail "items columns are now $got"
else
  for name in $objects keep_me ext_stats items; do
    [ "$(q "SELECT count(*) FROM pg_class WHERE relname = '$name'
            UNION ALL SELECT count(*) FROM pg_trigger WHERE tgname = '$name'
            UNION ALL SELECT count(*) FROM pg_constraint WHERE conname = '$name'
            UNION ALL SELECT count(*) FROM pg_rewrite WHERE rulename = '$name'
            UNION ALL SELECT count(*) FROM pg_policy WHERE polname = '$name'" | awk '{ s += $1 } END { print s }')" -ge 1 ] \
      || fail "$name is gone after the upgrade"
  done
  q "INSERT INTO other (id, label) VALUES (2, 'two')" >/dev/null || fail "insert after the upgrade"
  [ "$(q "SELECT count(*) FROM v_other")" = 2 ] || fail "the view does not see both rows"
  got=$(q "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'items'::regclass AND attnum > 0 AND NOT attisdropped")
  [ "$got" = "id,email,doc" ] || fail "items columns are now $got"
fi
[ "$(q "SELECT label FROM other WHERE id = 1")" = one ] || fail "the row of other is lost"
[ "$BACKEND" = postgresql ] || [ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'trg_other'")" = 1 ] \
  || fail "trg_other is gone"

# 3. Autogenerate right after: no operation, the same warnings.
out=$("$RETORT" diff 2>/dev/null) || die "diff after the upgrade"
[ "$out" = "No changes detected" ] || fail "diff after the upgrade is not empty: $out"

# 4. The downgrade leaves them all too.
"$RETORT" downgrade base --no-backup >/dev/null 2>"$tmp/down.err" || fail "downgrade: $(cat "$tmp/down.err")"
if [ "$BACKEND" = sqlite ]; then
  [ "$(q "SELECT count(*) FROM sqlite_master WHERE name IN ('trg_other', 'v_other', 'ix_desc', 'ix_lower')")" = 4 ] \
    || fail "the downgrade lost a trigger, view or index"
else
  [ "$(q "SELECT count(*) FROM pg_trigger WHERE tgname = 'trg_other'")" = 1 ] || fail "the downgrade lost the trigger"
fi
finish
