# retort verify (docs/ci.md "retort verify"), sourced with
# BACKEND=sqlite|postgresql: the scratch is a temporary SQLite file
# (removed after) or, on PostgreSQL, an empty database given with --url
# (left empty after; one that has a table is refused, exit 2).
#   1. this repository's history passes, text and JSON;
#   2. the round-trip history (renames, type changes, drops, keys...) passes,
#      with rows checked;
#   3. a downgrade that leaves a column behind fails, naming the revision
#      and the column;
#   4. a revision that drops and re-creates a table loses its rows: caught;
#   5. an upgrade that fails only on verify's own rows is a warning;
#   6. several heads fail (hint: retort merge); branches that merge pass;
#   7. models that do not match the history fail; a revision edited since
#      `retort hash` stops verify (and check --offline) before anything runs;
#   8. usage: an unknown format, a database that is not empty.
source "$SOURCE_DIR/tests/integration/lib.sh"
[ "$BACKEND" = postgresql ] && need_postgresql
tmp=$(mktemp -d /tmp/retort-verify-test.XXXXXX)
trap 'rm -rf "$tmp"; drop_test_databases scratch other' EXIT
mkdir "$tmp/t"
export TMPDIR=$tmp/t            # where the temporary SQLite file goes
if [ "$BACKEND" = postgresql ]; then
  scratch=$(test_db_url scratch)
  url=(--url "$scratch")
  tables_left() { "${SQLQ[@]}" "$scratch" "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"; }
else
  url=()
  tables_left() { ls -A "$TMPDIR" | wc -l; }
fi
# the project's own database is never touched: it does not exist
export DATABASE_URL="sqlite:///$tmp/never.db"

# verify ARGS: stdout in $out, status in $rc, stderr in $tmp/err
verify() {
  set +e
  out=$("$RETORT" "$@" 2>"$tmp/err")
  rc=$?
  set -e
}
json() {  # json EXPR: a Python expression over j, the report of $out
  /usr/bin/python3 -c "import json, sys; j = json.loads(sys.stdin.read()); print($1)" <<<"$out"
}
left_empty() {
  [ "$(tables_left)" = 0 ] || fail "$1: the scratch is not empty after verify: $(tables_left)"
  [ ! -e "$tmp/never.db" ] || fail "$1: the project's database was created"
}

# --- 1. this repository's history --------------------------------------------------
verify -c "$SOURCE_DIR/alembic.ini" verify "${url[@]}"
[ "$rc" = 0 ] || fail "this repository: status $rc: $out $(cat "$tmp/err")"
grep -q "^ok    b79eb1150a6e  Initial database schema  (" <<<"$out" || fail "this repository: $out"
grep -q "^all checks passed (1 revision)$" <<<"$out" || fail "this repository: $out"
left_empty "this repository"
verify -c "$SOURCE_DIR/alembic.ini" verify "${url[@]}" --format json
[ "$rc" = 0 ] || fail "this repository, JSON: status $rc $(cat "$tmp/err")"
[ "$(json "j['ok'], j['failures'], j['dialect'], [c['name'] for c in j['checks']], j['revisions'][0]['revision'], j['revisions'][0]['ok'], type(j['revisions'][0]['ms']).__name__")" \
  = "True 0 $BACKEND ['single_head', 'upgrade', 'models_match'] b79eb1150a6e True float" ] \
  || fail "the JSON report: $out"
left_empty "this repository (JSON)"

# --- 2. the round-trip history ---------------------------------------------------------
new_project "$tmp/rt"
cd "$tmp/rt"
export DATABASE_URL="sqlite:///$tmp/rt/build.db"
[ "$BACKEND" = postgresql ] && export DATABASE_URL=$(test_db_url other)
n=0
for model in "$SOURCE_DIR"/tests/integration/roundtrip/*.model; do
  rm -f models/*.model
  cp "$model" models/models.model
  n=$((n + 1))
  "$RETORT" revision --autogenerate -m "$(basename "$model" .model)" --rev-id "$(printf 'r%02d' $n)" >/dev/null 2>"$tmp/err" \
    || die "$model: revision: $(cat "$tmp/err")"
  "$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || die "$model: upgrade: $(cat "$tmp/err")"
done
verify verify "${url[@]}" --format json
[ "$rc" = 0 ] || fail "the round-trip history: status $rc: $out $(cat "$tmp/err")"
[ "$(json "len(j['revisions']), all(r['ok'] for r in j['revisions']), sum(r['rows_checked'] for r in j['revisions']) >= 40")" = "$n True True" ] \
  || fail "the round-trip history: $(json "[(r['revision'], r['rows_checked'], r['problems'], r['notes']) for r in j['revisions']]")"
# the renames keep the rows, and they are checked
[ "$(json "[r['rows_checked'] for r in j['revisions'] if r['message'] in ('14_rename_column', '15_rename_table')]")" = "[3, 3]" ] \
  || fail "renames: $(json "[(r['message'], r['rows_checked'], r['notes']) for r in j['revisions']]")"
left_empty "the round-trip history"

# --- 3..5: hand-written revisions ----------------------------------------------------------
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/never.db"
cat >models/m.model <<'EOF'
model Item {
  id   Integer     @primary_key
  name String(50)
  note Text?
}
EOF
# no revisions yet: the models are not empty
verify verify "${url[@]}"
[ "$rc" = 1 ] || fail "models without revisions: status $rc: $out"
grep -q "^ok    single head: no revisions$" <<<"$out" || fail "no revisions: $out"
grep -qF "models: New upgrade operations detected: [('add_table', 'item')]" <<<"$out" || fail "no revisions: $out"
items="op.create_table('item', sa.Column('id', sa.Integer(), nullable=False), sa.Column('name', sa.String(length=50), nullable=False), sa.PrimaryKeyConstraint('id'))"
# revfile writes `pass` as downgrade(): give it one
with_downgrade() { sed -i '$d' "alembic/versions/$1.py"; printf '    %s\n' "$2" >>"alembic/versions/$1.py"; }
revfile a1 None "items" "$items"
with_downgrade a1 "op.drop_table('item')"
revfile a2 "'a1'" "add note" "op.add_column('item', sa.Column('note', sa.Text(), nullable=True))"
verify verify "${url[@]}"
[ "$rc" = 1 ] || fail "a downgrade that leaves a column: status $rc: $out"
grep -q "^FAIL  a2  add note  (" <<<"$out" || fail "the revision is not named: $out"
grep -q "^      $tmp/p/alembic/versions/a2.py: downgrade: the downgrade does not undo the upgrade" <<<"$out" || fail "no downgrade failure: $out"
grep -qF "table 'item', column 'note' is there after the downgrade, not before the upgrade" <<<"$out" || fail "the column is not named: $out"
grep -q "^ok    a1  items" <<<"$out" || fail "a1: $out"
grep -q "^1 check failed$" <<<"$out" || fail "the count: $out"
verify verify "${url[@]}" --format json
[ "$(json "j['ok'], [(r['revision'], r['ok'], [p['step'] for p in r['problems']]) for r in j['revisions']]")" \
  = "False [('a1', True, []), ('a2', False, ['downgrade', 'upgrade again'])]" ] || fail "the JSON of the failure: $out"
left_empty "a downgrade that leaves a column"

with_downgrade a2 "op.drop_column('item', 'note')"
verify verify "${url[@]}"
[ "$rc" = 0 ] || fail "the fixed downgrade: status $rc: $out $(cat "$tmp/err")"
grep -q "^ok    a2  add note  (.*, 1 row checked)$" <<<"$out" || fail "the row of a2: $out"

# 4. a revision that re-creates a table without copying its rows
revfile a3 "'a2'" "rebuild item" "op.drop_table('item')" "$items" "op.add_column('item', sa.Column('note', sa.Text(), nullable=True))"
with_downgrade a3 "pass"
verify verify "${url[@]}"
[ "$rc" = 1 ] || fail "a data-losing revision: status $rc: $out"
grep -q "^FAIL  a3  rebuild item  (" <<<"$out" || fail "the data-losing revision is not named: $out"
[ "$(grep -c "^FAIL" <<<"$out")" = 1 ] || fail "more than the data loss fails: $out"
grep -q "^      $tmp/p/alembic/versions/a3.py:15:5: rows: data loss: the row inserted into table 'item' before the upgrade is gone after it" <<<"$out" \
  || fail "no data loss: $out"
grep -qF "the row: id = '" <<<"$out" || fail "the row is not shown: $out"
left_empty "a data-losing revision"
# the same with the rows copied over passes
revfile a3 "'a2'" "rebuild item" "op.rename_table('item', 'item_old')" "$items" \
  "op.add_column('item', sa.Column('note', sa.Text(), nullable=True))" \
  "op.execute('INSERT INTO item (id, name, note) SELECT id, name, note FROM item_old')" "op.drop_table('item_old')"
with_downgrade a3 "pass"
verify verify "${url[@]}" --verbose
grep -q "^[A-Za-z]* *a3  rebuild item  (.*, 1 row checked)$" <<<"$out" || fail "the rows of the copying rebuild are not checked: $out"
grep -q "data loss" <<<"$out" && fail "a rebuild that copies its rows loses them: $out"
if [ "$BACKEND" = postgresql ]; then
  # PostgreSQL names the new table's key item_pkey1 (item_old held
  # item_pkey), and the downgrade does not give the name back
  [ "$rc" = 1 ] || fail "the copying rebuild on PostgreSQL: status $rc: $out"
  grep -qF "table 'item': primary_key {\"columns\":[\"id\"],\"name\":\"item_pkey1\"} after the downgrade, {\"columns\":[\"id\"],\"name\":\"item_pkey\"} before the upgrade" <<<"$out" \
    || fail "the key's name: $out"
else
  [ "$rc" = 0 ] || fail "a rebuild that copies its rows: status $rc: $out"
fi
revfile a3 "'a2'" "nothing" "pass"
with_downgrade a3 "pass"

# 5. a check constraint the rows verify makes up do not meet
revfile a4 "'a3'" "names are fixed" "with op.batch_alter_table('item') as batch_op:" \
  "    batch_op.create_check_constraint('ck_item_name', \"name = 'fixed'\")"
with_downgrade a4 "with op.batch_alter_table('item') as batch_op:
        batch_op.drop_constraint('ck_item_name', type_='check')"
sed -i 's/^}$/  @@check("ck_item_name", "name = '"'"'fixed'"'"'")\n}/' models/m.model
verify verify "${url[@]}"
[ "$rc" = 0 ] || fail "an upgrade that fails on verify's rows only: status $rc: $out $(cat "$tmp/err")"
grep -q "^ok    a4  names are fixed  (.*, 0 rows checked)$" <<<"$out" || fail "a4: $out"
grep -q "^      warning: the upgrade fails with a row verify made up in every table (.*), and passes on empty tables" <<<"$out" \
  || fail "no warning: $out"
left_empty "an upgrade that fails on verify's rows"

# 7. models that do not match
sed -i 's/^  note Text?$/  note Text?\n  extra Integer?/' models/m.model
verify verify "${url[@]}"
[ "$rc" = 1 ] || fail "models that do not match: status $rc: $out"
grep -qF "models: New upgrade operations detected: [('add_column', None, 'item', 'extra')]" <<<"$out" || fail "the models: $out"
grep -q "^FAIL  the models match the database at head" <<<"$out" || fail "the models: $out"
sed -i '/^  extra Integer?$/d' models/m.model

# --- 6. heads, branches, merges -------------------------------------------------------------
revfile b1 "'a4'" "b" "op.add_column('item', sa.Column('b', sa.Text(), nullable=True))"
with_downgrade b1 "op.drop_column('item', 'b')"
revfile c1 "'a4'" "c" "op.add_column('item', sa.Column('c', sa.Text(), nullable=True))"
with_downgrade c1 "op.drop_column('item', 'c')"
sed -i 's/^  note Text?$/  note Text?\n  b Text?\n  c Text?/' models/m.model
verify verify "${url[@]}"
[ "$rc" = 1 ] || fail "two heads: status $rc: $out"
grep -q "^FAIL  single head$" <<<"$out" || fail "two heads: $out"
grep -qF "heads: the versions folder has 2 heads: b1, c1" <<<"$out" || fail "two heads: $out"
grep -qF 'hint: merge them: retort merge b1 c1 -m "merge heads"' <<<"$out" || fail "two heads, the hint: $out"
grep -q "^skip  upgrade base -> head$" <<<"$out" || fail "two heads: $out"
revfile m1 "('b1', 'c1')" "merge" "pass"
verify verify "${url[@]}" --format json
[ "$rc" = 0 ] || fail "merged branches: status $rc: $out $(cat "$tmp/err")"
[ "$(json "sorted(r['revision'] for r in j['revisions']), all(r['ok'] for r in j['revisions'])")" \
  = "['a1', 'a2', 'a3', 'a4', 'b1', 'c1', 'm1'] True" ] || fail "merged branches: $out"
# a table no made-up row fits (its check) is said so, and left without one
[ "$(json "[n.startswith(\"no row inserted into table 'item': \") and 'ck_item_name' in n for r in j['revisions'] if r['revision'] == 'b1' for n in r['notes']]")" \
  = "[True]" ] || fail "the note of a table without a row: $out"
verify verify "${url[@]}"
grep -q "note: no row inserted" <<<"$out" && fail "notes without --verbose: $out"
verify verify "${url[@]}" --verbose
grep -q "^      note: no row inserted into table 'item': .*ck_item_name" <<<"$out" || fail "no note with --verbose: $out"
left_empty "merged branches"

# retort.sum: a revision edited since `retort hash` stops verify and check --offline before anything runs
"$RETORT" hash >/dev/null 2>"$tmp/err" || fail "retort hash: $(cat "$tmp/err")"
echo "# edited" >>alembic/versions/m1.py
verify verify "${url[@]}"
[ "$rc" = 1 ] || fail "an edited revision: status $rc: $out"
grep -q "m1.py was edited since retort.sum was written" "$tmp/err" || fail "the edited file is not named: $(cat "$tmp/err")"
grep -q "retort verify: the versions folder does not match its retort.sum (1 problem); nothing was done" "$tmp/err" \
  || fail "verify does not say it did nothing: $(cat "$tmp/err")"
[ -z "$out" ] || fail "a report despite the edited revision: $out"
verify check --offline
[ "$rc" = 1 ] || fail "check --offline of an edited revision: status $rc: $out"
grep -q "retort check --offline: the versions folder does not match its retort.sum" "$tmp/err" || fail "check --offline: $(cat "$tmp/err")"
"$RETORT" hash >/dev/null 2>"$tmp/err" || fail "retort hash: $(cat "$tmp/err")"
verify verify "${url[@]}"
[ "$rc" = 0 ] || fail "after retort hash: status $rc: $out $(cat "$tmp/err")"
left_empty "retort.sum"

# --- 8. usage ----------------------------------------------------------------------------------
verify verify --format yaml
[ "$rc" = 2 ] || fail "an unknown format: status $rc"
grep -q "unknown format 'yaml'" "$tmp/err" || fail "an unknown format: $(cat "$tmp/err")"
if [ "$BACKEND" = postgresql ]; then
  full=$(test_db_url other)
  "${SQLQ[@]}" "$full" "CREATE TABLE precious (id int)" >/dev/null
else
  full="sqlite:///$tmp/full.db"
  "${SQLQ[@]}" "$full" "CREATE TABLE precious (id int)" >/dev/null
fi
verify verify --url "$full"
[ "$rc" = 2 ] || fail "a database that is not empty: status $rc: $out"
grep -q "error: the database given with --url is not empty: it has table '\(public\.\)\?precious'" "$tmp/err" \
  || fail "a database that is not empty: $(cat "$tmp/err")"
[ -z "$out" ] || fail "a report for a database that is not empty: $out"
[ "$("${SQLQ[@]}" "$full" "SELECT count(*) FROM precious")" = 0 ] || fail "the table was touched"
finish
