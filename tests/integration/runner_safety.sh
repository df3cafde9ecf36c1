# Nothing half-applied (sourced with BACKEND=sqlite|postgresql):
#   - a migration that fails midway rolls the run back: the database stays
#     at the revision before the run, with its rows; with
#     --transaction-per-migration, at the last migration that committed;
#   - a migration with an unsupported construct stops the run before
#     anything runs, naming file:line:column and python3 -m alembic;
#   - two upgrades at once: each migration is applied once;
#   - SQLite: the backup file is a copy of the database before the run.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-safety.XXXXXX)
trap 'rm -rf "$tmp"; drop_test_databases safe_main' EXIT
new_project "$tmp/p"
cd "$tmp/p"
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
version() { q "SELECT version_num FROM alembic_version"; }

export DATABASE_URL=$(test_db_url safe_main)
revfile r1 None "create log" \
  "op.create_table('log', sa.Column('id', sa.Integer(), nullable=False), sa.Column('what', sa.String(length=50), nullable=False), sa.PrimaryKeyConstraint('id'))" \
  "op.execute(\"INSERT INTO log (id, what) VALUES (1, 'r1')\")"
"$RETORT" upgrade head --no-backup >/dev/null || die "upgrade to r1"
[ "$(version)" = r1 ] || fail "not at r1"

# A failure midway through the second of two migrations.
revfile r2 "'r1'" "add things" \
  "op.add_column('log', sa.Column('extra', sa.Text(), nullable=True))" \
  "op.execute(\"INSERT INTO log (id, what) VALUES (2, 'r2')\")"
revfile r3 "'r2'" "fails midway" \
  "op.create_table('t3', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))" \
  "op.execute(\"INSERT INTO no_such_table VALUES (1)\")"
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "a failing run exited $rc"
grep -q "alembic/versions/r3.py:16:5: error: revision r3 failed: " <<<"$out" || fail "the failure does not name the revision and its location: $out"
grep -qi "no_such_table" <<<"$out" || fail "the failure does not give the database's error: $out"
[ "$(version)" = r1 ] || fail "after a failed run the database is at '$(version)', not r1"
[ "$(q "SELECT count(*) FROM log")" = 1 ] || fail "rows changed by a rolled-back run"
"$RETORT" inspect --json | grep -q '"extra"' && fail "a column of the rolled-back run is there"
# One transaction per migration: r2 stays.
set +e; out=$("$RETORT" upgrade head --no-backup --transaction-per-migration 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "a failing per-migration run exited $rc"
[ "$(version)" = r2 ] || fail "per-migration: at '$(version)', not r2"
[ "$(q "SELECT count(*) FROM log")" = 2 ] || fail "per-migration: r2's row is missing"
echo "ok failure rolls back"

# An unsupported construct: nothing runs.
revfile r3 "'r2'" "loops" \
  "op.create_table('t3', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))" \
  "for i in range(3):" "    op.execute('SELECT 1')"
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "an unsupported construct exited $rc"
grep -q "alembic/versions/r3.py:16:5: " <<<"$out" || fail "the unsupported construct is not located: $out"
grep -q "python3 -m alembic" <<<"$out" || fail "no hint to use Alembic: $out"
[ "$(version)" = r2 ] || fail "an unsupported construct changed the version to $(version)"
"$RETORT" inspect --json | grep -q '"t3"' && fail "an unsupported migration created its table"
echo "ok unsupported construct refused before running"

# Two upgrades at once: a slow migration, each applied once.
if [ "$BACKEND" = sqlite ]; then slow="op.execute('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT count(*) FROM c')"
else slow="op.execute('SELECT pg_sleep(1.5)')"; fi
revfile r3 "'r2'" "slow" "$slow" "op.execute(\"INSERT INTO log (id, what) VALUES (3, 'r3')\")"
"$RETORT" upgrade head --no-backup >"$tmp/one.out" 2>&1 & p1=$!
"$RETORT" upgrade head --no-backup >"$tmp/two.out" 2>&1 & p2=$!
wait $p1 || fail "first concurrent run failed: $(cat "$tmp/one.out")"
wait $p2 || fail "second concurrent run failed: $(cat "$tmp/two.out")"
[ "$(q "SELECT count(*) FROM log WHERE what = 'r3'")" = 1 ] || fail "r3 was applied $(q "SELECT count(*) FROM log WHERE what = 'r3'") times"
[ "$(cat "$tmp/one.out" "$tmp/two.out" | grep -c 'Running upgrade r2 -> r3')" = 1 ] || fail "r3 ran twice: $(cat "$tmp"/*.out)"
[ "$(version)" = r3 ] || fail "after concurrent runs at $(version)"
# A run that cannot get the lock in time fails cleanly.
revfile r4 "'r3'" "slow again" "$slow"
"$RETORT" upgrade head --no-backup >"$tmp/one.out" 2>&1 & p1=$!
sleep 0.3
set +e; out=$("$RETORT" upgrade head --no-backup --lock-timeout 0.2 2>&1); rc=$?; set -e
wait $p1 || fail "the slow run failed: $(cat "$tmp/one.out")"
if [ "$rc" = 1 ]; then
  grep -qi "lock" <<<"$out" || fail "a lock timeout without a clear message: $out"
else
  grep -q "Running upgrade r3 -> r4" <<<"$out" && fail "the waiting run applied r4 as well"
fi
[ "$(version)" = r4 ] || fail "after the lock test at $(version)"
echo "ok concurrent runs"

if [ "$BACKEND" = sqlite ]; then
  revfile r5 "'r4'" "drop log" "op.drop_table('log')"
  out=$("$RETORT" upgrade head 2>&1) || die "upgrade with backup: $out"
  backup=$(sed -n 's/^Backup of the database before the run: //p' <<<"$out")
  [ -f "$backup" ] || fail "no backup file named: $out"
  [ "$(sqlite3 "$backup" "SELECT count(*) FROM log")" = 3 ] || fail "the backup does not hold the rows"
  [ "$(sqlite3 "$backup" "SELECT version_num FROM alembic_version")" = r4 ] || fail "the backup is not at r4"
  echo "ok backup"
fi
finish
