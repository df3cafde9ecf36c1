# Hostile input cannot break out of its string, and the bookkeeping cannot
# lie (sourced with BACKEND=sqlite|postgresql; docs/security.md):
#   - a comment, a default and a bulk_insert value holding \'; DROP TABLE
#     ...; -- are stored as written, on PostgreSQL also with
#     standard_conforming_strings = off for the database;
#   - op.execute with two statements, or with a NUL, is refused and nothing
#     runs; a NUL in a model string is refused at its line;
#   - an alembic_version UPDATE that changes no row (a trigger or a rule
#     swallows it) fails the upgrade and the stamp, and nothing stays;
#   - a password given as ?password= never shows;
#   - a server NOTICE with an escape sequence reaches the terminal escaped.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-hardening.XXXXXX)
trap 'rm -rf "$tmp"; drop_test_databases hard_main hard_stamp' EXIT
new_project "$tmp/p"
cd "$tmp/p"
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
version() { q "SELECT version_num FROM alembic_version"; }

export DATABASE_URL=$(test_db_url hard_main)
if [ "$BACKEND" = postgresql ]; then
  dbname=${DATABASE_URL##*/}
  q "ALTER DATABASE \"$dbname\" SET standard_conforming_strings = off" >/dev/null
  [ "$(q "SHOW standard_conforming_strings")" = off ] || die "could not turn standard_conforming_strings off"
fi

# 1. Quoting: the attack strings of the issue, in a model comment, a
# server default and a bulk_insert value.
attack="x\\'; DROP TABLE victim; --"
revfile h1 None h1 \
  "op.create_table('victim', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))" \
  "op.execute(\"INSERT INTO victim (id) VALUES (1)\")"
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade to h1"
cat >models/t.model <<EOF
model T {
  id Integer @primary_key
  v  String(50) @default("$(sed 's/\\/\\\\/g' <<<"$attack")") @comment("$(sed 's/\\/\\\\/g' <<<"$attack")")
  @@table("t")
}
model Victim {
  id Integer @primary_key
  @@table("victim")
}
EOF
out=$("$RETORT" revision --autogenerate -m "attack" --rev-id h2 2>&1) || die "autogenerate: $out"
file=$(generated_path "$out")
[ -n "$file" ] || die "no file generated: $out"
# the SQL of the step, offline: the backslash makes an E'' literal on PostgreSQL
sql=$("$RETORT" upgrade --sql h1:h2)
if [ "$BACKEND" = postgresql ]; then
  grep -qF "E'x\\\\''; DROP TABLE victim; --'" <<<"$sql" || fail "--sql does not quote the backslash: $sql"
fi
"$RETORT" upgrade head --no-backup >/dev/null || fail "upgrade with the attack strings"
[ "$(q "SELECT count(*) FROM victim")" = 1 ] || fail "victim is gone or changed"
if [ "$BACKEND" = postgresql ]; then
  got=$(q "SELECT col_description('t'::regclass, 2)")
  [ "$got" = "$attack" ] || fail "the comment is stored as '$got', not '$attack'"
fi
q "INSERT INTO t (id) VALUES (1)" >/dev/null
got=$(q "SELECT v FROM t WHERE id = 1")
[ "$got" = "$attack" ] || fail "the default gives '$got', not '$attack'"
# autogenerate right after sees nothing (the catalog's text is read one way)
out=$("$RETORT" diff 2>&1) || fail "diff after the attack upgrade: $out"
[ "$out" = "No changes detected" ] || fail "diff after upgrade is not empty: $out"
# and a bulk_insert value
revfile h3 "'h2'" h3 \
  "t = sa.table('t', sa.column('id', sa.Integer()), sa.column('v', sa.String()))" \
  "op.bulk_insert(t, [{'id': 2, 'v': 'x\\\\\\'); DROP TABLE victim; --'}])"
"$RETORT" upgrade head --no-backup >/dev/null || fail "upgrade with the bulk_insert attack"
[ "$(q "SELECT v FROM t WHERE id = 2")" = "x\\'); DROP TABLE victim; --" ] || fail "bulk_insert value: $(q "SELECT v FROM t WHERE id = 2")"
[ "$(q "SELECT count(*) FROM victim")" = 1 ] || fail "victim is gone after bulk_insert"
[ "$(version)" = h3 ] || fail "not at h3"

# 2. One statement per call; NUL refused.
revfile h4 "'h3'" h4 "op.execute(\"DELETE FROM victim; DROP TABLE t\")"
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "a two-statement op.execute exited $rc"
grep -q "more than one statement" <<<"$out" || fail "no one-statement message: $out"
grep -q "h4.py:15:5" <<<"$out" || fail "the refusal is not located: $out"
[ "$(q "SELECT count(*) FROM victim")" = 1 ] || fail "the first statement of the refused op.execute ran"
[ "$(version)" = h3 ] || fail "a refused run moved the database to $(version)"
revfile h4 "'h3'" h4 'op.execute("DELETE FROM victim\0 WHERE id = 12345")'
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "op.execute with \\0 exited $rc"
grep -q "h4.py:15:.*NUL" <<<"$out" || fail "no located NUL error: $out"
[ "$(q "SELECT count(*) FROM victim")" = 1 ] || fail "op.execute with \\0 deleted rows"
revfile h4 "'h3'" h4 "op.drop_table('victim\\x00_old')"
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "drop_table with \\x00 exited $rc"
[ "$(q "SELECT count(*) FROM victim")" = 1 ] || fail "drop_table('victim\\x00_old') dropped victim"
rm alembic/versions/h4.py
cp models/t.model "$tmp/t.model.keep"
printf 'model Shadow {\n  id Integer @primary_key\n  @@table("victim\\u0000_shadow")\n}\n' >models/shadow.model
set +e; out=$("$RETORT" diff 2>&1); rc=$?; set -e
[ "$rc" != 0 ] || fail "a \\u0000 in a model string was accepted"
grep -q "shadow.model:3:.*NUL" <<<"$out" || fail "no located \\u0000 error: $out"
rm models/shadow.model

# 3. Bookkeeping: an UPDATE of alembic_version that changes no row.
if [ "$BACKEND" = sqlite ]; then
  q "CREATE TRIGGER swallow BEFORE UPDATE ON alembic_version BEGIN SELECT RAISE(IGNORE); END" >/dev/null
else
  q "CREATE RULE swallow AS ON UPDATE TO alembic_version DO INSTEAD NOTHING" >/dev/null
fi
revfile h4 "'h3'" h4 "op.create_table('h4t', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))"
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "an upgrade whose version UPDATE matched nothing exited $rc"
grep -q "expected to match one row when updating 'h3' to 'h4' in 'alembic_version'; 0 found" <<<"$out" ||
  fail "no row-count message: $out"
"$RETORT" inspect --json | grep -q '"h4t"' && fail "the table of the failed step stayed"
[ "$(version)" = h3 ] || fail "alembic_version says $(version)"
set +e; out=$("$RETORT" stamp h4 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "a stamp whose UPDATE matched nothing exited $rc"
grep -q "expected to match one row when updating 'h3' to 'h4'" <<<"$out" || fail "no stamp row-count message: $out"
if [ "$BACKEND" = sqlite ]; then q "DROP TRIGGER swallow" >/dev/null; else q "DROP RULE swallow ON alembic_version" >/dev/null; fi
"$RETORT" stamp h4 >/dev/null || fail "stamp h4 without the trigger"
[ "$(version)" = h4 ] || fail "stamp h4 left $(version)"

# 4. Passwords: ?password= and a conninfo string never show.
if [ "$BACKEND" = postgresql ]; then
  url="${DATABASE_URL}?password=sekrit99"
  out=$(DATABASE_URL=$url "$RETORT" current -v 2>&1 || true)
  grep -q sekrit99 <<<"$out" && fail "current -v shows the ?password=: $out"
  out=$(DATABASE_URL="${DATABASE_URL%/*}/no_such_db_$$?pass%77ord=sekrit99" "$RETORT" current 2>&1 || true)
  grep -q sekrit99 <<<"$out" && fail "an error shows the %-escaped ?password=: $out"
  out=$(DATABASE_URL="host=localhost password=sekrit99 dbname=x" "$RETORT" current 2>&1 || true)
  grep -q sekrit99 <<<"$out" && fail "an error shows password= of a conninfo string: $out"
  out=$("$RETORT" upgrade --sql h3:h4 2>&1)
  grep -q sekrit99 <<<"$out" && fail "--sql shows a password"
fi

# 6. SQLite move-and-copy keeps a generated column generated (it used to
# become a plain column holding the values of the day).
if [ "$BACKEND" = sqlite ]; then
  q "CREATE TABLE g (id INTEGER NOT NULL PRIMARY KEY, a INTEGER, twice INTEGER GENERATED ALWAYS AS (a * 2) STORED, plus1 INTEGER AS (a + 1) VIRTUAL)" >/dev/null
  q "INSERT INTO g (id, a) VALUES (1, 10)" >/dev/null
  revfile h5 "'h4'" h5 "with op.batch_alter_table('g') as b:" "    b.alter_column('a', existing_type=sa.Integer(), nullable=False)"
  "$RETORT" upgrade head --no-backup >/dev/null || fail "batch alter of a table with generated columns"
  [ "$(q "SELECT group_concat(name || ':' || hidden, ',') FROM pragma_table_xinfo('g')")" = "id:0,a:0,twice:3,plus1:2" ] ||
    fail "generated columns after move-and-copy: $(q "SELECT group_concat(name || ':' || hidden, ',') FROM pragma_table_xinfo('g')")"
  q "UPDATE g SET a = 21 WHERE id = 1" >/dev/null
  [ "$(q "SELECT twice || ',' || plus1 FROM g WHERE id = 1")" = "42,22" ] || fail "generated values after move-and-copy"
fi

# 5. A NOTICE with an escape sequence (PostgreSQL), and a control character
# in a database comment (both): escaped on the terminal.
if [ "$BACKEND" = postgresql ]; then
  revfile h5 "'h4'" h5 "op.execute(\"DO \$\$ BEGIN RAISE NOTICE E'\\\\x1b[31mred'; END \$\$\")"
  out=$("$RETORT" upgrade head --no-backup 2>&1) || fail "upgrade with a NOTICE: $out"
  grep -q $'\x1b' <<<"$out" && fail "a raw ESC from a NOTICE reached the terminal"
  grep -qF 'PostgreSQL NOTICE: \x1b[31mred' <<<"$out" || fail "the NOTICE is not shown escaped: $out"
  q "COMMENT ON TABLE t IS E'bell\\x07 esc\\x1b[2J'" >/dev/null
  out=$("$RETORT" inspect 2>&1)
  grep -q $'\x1b' <<<"$out" && fail "inspect printed a raw ESC from a comment"
  out=$("$RETORT" diff 2>&1 || true)
  grep -q $'\x1b' <<<"$out" && fail "diff printed a raw ESC from a comment"
fi
finish
