# retort check --offline (docs/ci.md "retort check --offline"), sourced
# with BACKEND=sqlite|postgresql:
#   1. this repository's own versions folder passes offline, with no
#      database reachable (a PostgreSQL URL to a closed port; a SQLite file
#      in a folder that does not exist, which is not created), the answer
#      online check gives on a database at head;
#   2. the round-trip scenarios, one migration each: a model edit is caught
#      offline with the very operations online check names (exit 1); the
#      migration autogenerate writes makes offline check pass before any
#      database runs it; after the upgrade both pass;
#   3. enum types: on PostgreSQL those retort writes as op.execute() —
#      created, labels added and renamed, the type rebuilt, a column
#      converted to it, dropped — are followed, on SQLite sa.Enum is the
#      VARCHAR introspection reads; the answers of online check each time;
#   4. op.execute(): rows only (UPDATE, INSERT, SELECT) is no obstacle; SQL
#      that changes the schema is named at its file:line:column with the
#      hint to check against a database; so is a file the reader refuses;
#   5. several heads: the schema of all of them.
source "$SOURCE_DIR/tests/integration/lib.sh"
[ "$BACKEND" = postgresql ] && need_postgresql
tmp=$(mktemp -d /tmp/retort-check-offline.XXXXXX)
trap 'rm -rf "$tmp"; drop_test_databases repo roundtrip enums' EXIT
OK="No new upgrade operations detected."

# check [--offline]: its stdout in $out, its status in $rc, stderr in $tmp/err
check() {
  set +e
  out=$("$RETORT" check "$@" 2>"$tmp/err")
  rc=$?
  set -e
}

# --- 1. this repository's history ---------------------------------------------
export DATABASE_URL=$(test_db_url repo)
"$RETORT" -c "$SOURCE_DIR/alembic.ini" upgrade head --no-backup >/dev/null 2>"$tmp/err" || die "upgrade: $(cat "$tmp/err")"
check -c "$SOURCE_DIR/alembic.ini"
[[ $rc == 0 && $out == "$OK" ]] || fail "online check of this repository: $rc $out $(cat "$tmp/err")"
online=$out
check -c "$SOURCE_DIR/alembic.ini" --offline
[[ $rc == 0 && $out == "$online" ]] || fail "check --offline of this repository: $rc $out $(cat "$tmp/err")"
# no database reachable: the URL names the dialect, nothing connects to it
if [ "$BACKEND" = postgresql ]; then unreachable=postgresql://nobody@127.0.0.1:1/nothing
else unreachable="sqlite:///$tmp/no/such/folder/app.db"; fi
DATABASE_URL=$unreachable check -c "$SOURCE_DIR/alembic.ini" --offline
[[ $rc == 0 && $out == "$online" ]] || fail "check --offline without a database: $rc $out $(cat "$tmp/err")"
[ ! -e "$tmp/no" ] || fail "check --offline created $tmp/no"
DATABASE_URL=$unreachable check -c "$SOURCE_DIR/alembic.ini"
[ "$rc" != 0 ] || fail "online check without a database passed"

# --- 2. the round-trip scenarios ----------------------------------------------
new_project "$tmp/rt"
cd "$tmp/rt"
export DATABASE_URL=$(test_db_url roundtrip)
n=0
for model in "$SOURCE_DIR"/tests/integration/roundtrip/*.model; do
  name=$(basename "$model" .model)
  rm -f models/*.model
  cp "$model" models/models.model
  n=$((n + 1))
  rev=$(printf 'r%02d' $n)
  check
  online=$out online_rc=$rc
  check --offline
  [[ $rc == "$online_rc" && $out == "$online" ]] \
    || fail "$name: offline says ($rc) $out $(cat "$tmp/err")"$'\n'"  online says ($online_rc) $online"
  only_on=$(sed -n 's/^only-on: //p' "${model%.model}.expect")
  if [[ -z $only_on || $only_on == "$BACKEND" ]]; then
    [[ $rc == 1 && $out == "FAILED: New upgrade operations detected: ["* ]] || fail "$name: the model edit is not caught: $out"
  fi
  "$RETORT" revision --autogenerate -m "$name" --rev-id "$rev" >/dev/null 2>"$tmp/err" || die "$name: revision: $(cat "$tmp/err")"
  # the migration makes offline check pass, before any database has it
  check --offline
  [[ $rc == 0 && $out == "$OK" ]] || fail "$name: offline check after the migration: $rc $out $(cat "$tmp/err")"
  check
  [ "$rc" != 0 ] || fail "$name: online check passed with the database behind"
  "$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || die "$name: upgrade: $(cat "$tmp/err")"
  check
  [[ $rc == 0 && $out == "$OK" ]] || fail "$name: online check after the upgrade: $rc $out"
done
echo "ok the round-trip scenarios"

# --- 3. enum types -----------------------------------------------------------------
new_project "$tmp/enums"
cd "$tmp/enums"
export DATABASE_URL=$(test_db_url enums)
step() {  # $1 rev, stdin: the models
  cat >models/m.model
  check
  local online=$out online_rc=$rc
  check --offline
  [[ $rc == "$online_rc" && $out == "$online" ]] \
    || fail "$1: offline says ($rc) $out $(cat "$tmp/err")"$'\n'"  online says ($online_rc) $online"
  [[ $rc == 1 ]] || fail "$1: the model edit is not caught: $out"
  "$RETORT" revision --autogenerate -m "$1" --rev-id "$1" >/dev/null 2>"$tmp/err" || die "$1: revision: $(cat "$tmp/err")"
  check --offline
  [[ $rc == 0 && $out == "$OK" ]] || fail "$1: offline check after the migration: $rc $out $(cat "$tmp/err")"
  "$RETORT" upgrade head --no-backup >/dev/null 2>"$tmp/err" || die "$1: upgrade: $(cat "$tmp/err")"
  check
  [[ $rc == 0 && $out == "$OK" ]] || fail "$1: online check after the upgrade: $rc $out"
}
if [ "$BACKEND" = sqlite ]; then
  # sa.Enum is a VARCHAR as long as the longest label on SQLite
  step s1 <<'EOF'
enum TaskStatus { "pending" "done" }
model Job {
  id     Integer     @primary_key
  status TaskStatus  @default("pending")
}
EOF
  step s2 <<'EOF'
enum TaskStatus { "pending" "done" "cancelled" }
model Job {
  id     Integer     @primary_key
  status TaskStatus  @default("pending")
}
EOF
  echo "ok enum types"
else
  step e1 <<'EOF'
enum TaskStatus { "pending" "running" "done" }
enum Mood { happy "it's fine" @@name("mood_kind") }
model Job {
  id     Integer     @primary_key
  status TaskStatus  @default("pending")
  moods  ARRAY(Mood)?
}
EOF
  grep -q "op.execute(\"CREATE TYPE task_status AS ENUM" alembic/versions/*e1_*.py || fail "e1 has no CREATE TYPE"
  step e2 <<'EOF'
enum TaskStatus {
  "queued" "pending" "running" "paused"
  "completed" @renamed_from("done")
  "archived"
}
enum Mood { happy "it's fine" @@name("mood_kind") }
model Job {
  id     Integer     @primary_key
  status TaskStatus  @default("pending")
  moods  ARRAY(Mood)?
}
EOF
  grep -q "ADD VALUE IF NOT EXISTS" alembic/versions/*e2_*.py || fail "e2 adds no label in place"
  step e3 <<'EOF'
enum TaskStatus { "queued" "pending" "running" "completed" "archived" }
enum Mood { happy "it's fine" @@name("mood_kind") }
model Job {
  id     Integer     @primary_key
  status TaskStatus  @default("pending")
  moods  ARRAY(Mood)?
}
EOF
  grep -q "RENAME TO task_status_old" alembic/versions/*e3_*.py || fail "e3 does not rebuild the type"
  step e4 <<'EOF'
enum TaskStatus { "queued" "pending" "running" "completed" "archived" }
model Job {
  id     Integer     @primary_key
  status String(20)
  other  TaskStatus?
}
EOF
  step e5 <<'EOF'
enum TaskStatus { "queued" "pending" "running" "completed" "archived" }
model Job {
  id     Integer     @primary_key
  status TaskStatus
  other  String(20)?
}
EOF
  # a label added by hand in the models is caught offline
  sed -i 's/"archived"/"archived" "lost"/' models/m.model
  check --offline
  [[ $rc == 1 && $out == "FAILED: New upgrade operations detected: [('modify_enum', 'task_status')]" ]] \
    || fail "a new label, offline: $rc $out"
  echo "ok enum types"
fi

# --- 4. op.execute() and files the reader refuses -----------------------------------
new_project "$tmp/sql"
cd "$tmp/sql"
export DATABASE_URL=$unreachable
cat >models/m.model <<'EOF'
model Item {
  id   Integer     @primary_key
  name String(50)
}
EOF
revfile a1 None "items" "op.create_table('item', sa.Column('id', sa.Integer(), nullable=False)," \
  "    sa.Column('name', sa.String(length=50), nullable=False), sa.PrimaryKeyConstraint('id'))"
revfile a2 "'a1'" "data" \
  "op.execute(\"UPDATE item SET name = 'x' WHERE name = ''\")" \
  "op.execute(sa.text(\"INSERT INTO item (id, name) VALUES (1, 'one')\"))" \
  "op.execute('SELECT 1')" \
  "op.bulk_insert(sa.table('item', sa.column('id'), sa.column('name')), [{'id': 2, 'name': 'two'}])"
check --offline
[[ $rc == 0 && $out == "$OK" ]] || fail "data-only op.execute: $rc $out $(cat "$tmp/err")"
revfile a3 "'a2'" "index by hand" "op.execute('UPDATE item SET id = id')" "op.execute('CREATE INDEX ix_item_name ON item (name)')"
check --offline
[ "$rc" = 1 ] || fail "a schema-changing op.execute: status $rc"
grep -q "^$tmp/sql/alembic/versions/a3.py:16:5: error: revision a3: op.execute() runs CREATE INDEX, which changes the schema in a way retort cannot follow without a database$" "$tmp/err" \
  || fail "the op.execute is not named: $(cat "$tmp/err")"
grep -q "hint: compare with a database at head instead: retort upgrade head, then retort check (without --offline)" "$tmp/err" \
  || fail "no hint: $(cat "$tmp/err")"
[[ $out != *"No new upgrade"* ]] || fail "an answer despite the op.execute: $out"
revfile a3 "'a2'" "a loop" "for name in ['a', 'b']:" "    op.execute('SELECT 1')"
check --offline
[ "$rc" = 1 ] || fail "a file the reader refuses: status $rc"
grep -q "^$tmp/sql/alembic/versions/a3.py:15:5: error: retort cannot run a for loop" "$tmp/err" || fail "the loop: $(cat "$tmp/err")"
grep -q "note: revision a3 cannot be read, so the schema it builds is not known" "$tmp/err" || fail "no note: $(cat "$tmp/err")"
rm alembic/versions/a3.py

# --- 5. several heads ------------------------------------------------------------------
revfile b1 "'a2'" "b" "op.add_column('item', sa.Column('b', sa.Text(), nullable=True))"
revfile c1 "'a2'" "c" "op.add_column('item', sa.Column('c', sa.Text(), nullable=True))"
check --offline
[[ $rc == 1 && $out == "FAILED: New upgrade operations detected: [('remove_column', None, 'item', 'b'), ('remove_column', None, 'item', 'c')]" ]] \
  || fail "two heads, models without their columns: $rc $out $(cat "$tmp/err")"
cat >>models/m.model <<'EOF'
model Extra {
  id Integer @primary_key
}
EOF
sed -i 's/^  name String(50)$/  name String(50)\n  b Text?\n  c Text?/' models/m.model
check --offline
[[ $rc == 1 && $out == "FAILED: New upgrade operations detected: [('add_table', 'extra')]" ]] \
  || fail "two heads, both columns in the models: $rc $out $(cat "$tmp/err")"
finish
