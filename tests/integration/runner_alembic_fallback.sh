# The Alembic fallback (sourced with BACKEND=sqlite|postgresql), on a history
# mixing revisions retort runs and revisions its reader refuses (op.get_bind(),
# an `if` on a runtime value):
#   - without the fallback the run is refused before anything runs, every
#     unreadable revision located, the hint naming alembic_fallback;
#   - --alembic-fallback / [retort] alembic_fallback = true: up and down,
#     each step by the tool that can run it, "(alembic)" on Alembic's; the
#     result is what Alembic alone makes;
#   - a failing Alembic step stops the run there, what committed before it
#     stays, Alembic's error is shown; a bad alembic_python is reported;
#   - PostgreSQL: retort's advisory lock is held while Alembic's step runs.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-fallback.XXXXXX)
trap 'rm -rf "$tmp"; drop_test_databases fb_main fb_alembic fb_merge' EXIT
new_project "$tmp/p"
cd "$tmp/p"
q() { "${SQLQ[@]}" "$DATABASE_URL" "$1"; }
version() { q "SELECT version_num FROM alembic_version" | tr '\n' ' ' | sed 's/ $//'; }
export DATABASE_URL=$(test_db_url fb_main)

# write ID DOWN DOC UPGRADE-LINES DOWNGRADE-LINES (lines separated by '|')
write() {
  local id=$1 down=$2 doc=$3 up=$4 dn=$5
  {
    printf '"""%s\n\nRevision ID: %s\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n' "$doc" "$id"
    printf "revision = '%s'\ndown_revision = %s\nbranch_labels = None\ndepends_on = None\n\n\n" "$id" "$down"
    printf 'def upgrade() -> None:\n'; tr '|' '\n' <<<"$up" | sed 's/^/    /'
    printf '\n\ndef downgrade() -> None:\n'; tr '|' '\n' <<<"$dn" | sed 's/^/    /'
  } >"alembic/versions/$id.py"
}
write r1 None "create log" \
  "op.create_table('log', sa.Column('id', sa.Integer(), nullable=False), sa.Column('what', sa.String(length=50), nullable=False), sa.PrimaryKeyConstraint('id'))" \
  "op.drop_table('log')"
write r2 "'r1'" "data through the connection" \
  "conn = op.get_bind()|conn.execute(sa.text(\"INSERT INTO log (id, what) VALUES (2, 'r2')\"))" \
  "conn = op.get_bind()|if conn.dialect.name in ('sqlite', 'postgresql'):|    conn.execute(sa.text('DELETE FROM log WHERE id = 2'))"
write r3 "'r2'" "add extra" \
  "op.add_column('log', sa.Column('extra', sa.Text(), nullable=True))" \
  "with op.batch_alter_table('log') as batch_op:|    batch_op.drop_column('extra')"
write r4 "'r3'" "more data" \
  "bind = op.get_bind()|if bind.dialect.name != 'mysql':|    op.execute(\"INSERT INTO log (id, what, extra) VALUES (4, 'r4', 'x')\")" \
  "op.execute('DELETE FROM log WHERE id = 4')"

# --- without the fallback: refused, every unreadable revision located
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "a run with unreadable revisions exited $rc"
grep -q "alembic/versions/r2.py:15:12: error: retort cannot run op.get_bind()" <<<"$out" || fail "r2 is not located: $out"
grep -q "alembic/versions/r4.py:15:12: error: retort cannot run op.get_bind()" <<<"$out" || fail "r4 is not located: $out"
grep -q "hint: .*alembic_fallback = true in \[retort\] of alembic.ini (or pass --alembic-fallback)" <<<"$out" ||
  fail "the hint does not name the setting: $out"
[ -z "$(version 2>/dev/null || true)" ] || fail "a refused run changed the version to $(version)"
echo "ok refused without the fallback"

# --- up, with --alembic-fallback
out=$("$RETORT" upgrade head --no-backup --alembic-fallback 2>"$tmp/err") || { cat "$tmp/err" >&2; die "upgrade with the fallback"; }
want="Running upgrade  -> r1, create log
Running upgrade r1 -> r2, data through the connection (alembic)
Running upgrade r2 -> r3, add extra
Running upgrade r3 -> r4, more data (alembic)"
[ "$out" = "$want" ] || { fail "the Running lines differ"; diff <(echo "$want") <(echo "$out") >&2 || true; }
grep -q "r2.py:15:12: note: revision r2 runs through Alembic: retort cannot run op.get_bind()" "$tmp/err" ||
  fail "no note for r2: $(cat "$tmp/err")"
[ "$(version)" = r4 ] || fail "after the mixed upgrade the database is at '$(version)'"
[ "$(q "SELECT id FROM log ORDER BY id" | tr '\n' ' ')" = "2 4 " ] || fail "rows after the upgrade: $(q "SELECT id FROM log")"
# the same as Alembic alone
alembic_url=$(test_db_url fb_alembic)
DATABASE_URL=$alembic_url "${ALEMBIC[@]}" upgrade head 2>/dev/null || fail "alembic upgrade head"
[ "$("$RETORT" inspect --json)" = "$(DATABASE_URL=$alembic_url "$RETORT" inspect --json)" ] ||
  fail "the mixed run's schema is not Alembic's"
echo "ok upgrade through both tools"

# --- down, with [retort] alembic_fallback = true
sed -i 's/^\[retort\]$/[retort]\nalembic_fallback = true/' alembic.ini
out=$("$RETORT" downgrade r1 --no-backup 2>/dev/null) || die "downgrade with the fallback"
want="Running downgrade r4 -> r3, more data
Running downgrade r3 -> r2, add extra
Running downgrade r2 -> r1, data through the connection (alembic)"
[ "$out" = "$want" ] || { fail "the downgrade's Running lines differ"; diff <(echo "$want") <(echo "$out") >&2 || true; }
[ "$(version)" = r1 ] || fail "after the downgrade the database is at '$(version)'"
[ "$(q "SELECT count(*) FROM log")" = 0 ] || fail "r2's downgrade (by Alembic) did not delete its row"
"$RETORT" downgrade base --no-backup >/dev/null 2>&1 || fail "downgrade to base"
[ -z "$(version)" ] || fail "not at base: $(version)"
echo "ok downgrade through both tools"

# --- a merge point whose downgrade retort cannot read: Alembic's `m@-1` is
# an "Ambiguous walk", so the step is `downgrade <parent>`, the parent whose
# other children the database is not on (offline: `downgrade --sql m:<parent>`);
# when every parent has another branch above it, refused before anything runs.
main_url=$DATABASE_URL
export DATABASE_URL=$(test_db_url fb_merge)
write x "'r1'" "side" "op.execute(\"INSERT INTO log (id, what) VALUES (10, 'x')\")" "op.execute('DELETE FROM log WHERE id = 10')"
write m "('r4', 'x')" "merge" "pass" "conn = op.get_bind()|op.execute('DELETE FROM log WHERE id = 4')"
"$RETORT" upgrade head --no-backup >/dev/null 2>&1 || die "upgrade to the merge"
[ "$(version)" = m ] || fail "not at the merge: $(version)"
out=$("$RETORT" downgrade r1 --no-backup 2>"$tmp/err") || fail "downgrade through the merge: $(cat "$tmp/err")"
[ "$(head -1 <<<"$out")" = "Running downgrade m -> r4, x, merge (alembic)" ] || fail "the merge's Running line: $out"
grep -q "hint: \[retort\] alembic_fallback (or --alembic-fallback): /usr/bin/python3 -m alembic downgrade r4$" "$tmp/err" ||
  fail "the merge's command: $(cat "$tmp/err")"
[ "$(version)" = r1 ] || fail "after the downgrade through the merge the database is at '$(version)'"
[ "$(q "SELECT count(*) FROM log")" = 0 ] || fail "rows left after the downgrade through the merge: $(q "SELECT id FROM log")"
# offline: on SQLite, r3's downgrade (a move and copy) after Alembic's step
# is refused (the tables Alembic left are not known), so the range stops above it
range=m:r1; [ "$BACKEND" = sqlite ] && range=m:r3
out=$("$RETORT" downgrade --sql $range 2>"$tmp/err") || fail "downgrade --sql $range through the merge: $(cat "$tmp/err")"
grep -q "^-- Running downgrade m -> r4, x (rendered by Alembic: /usr/bin/python3 -m alembic downgrade --sql m:r4)$" <<<"$out" ||
  fail "the merge is not rendered by Alembic: $out"
grep -q "^DELETE FROM log WHERE id = 4;$" <<<"$out" || fail "the merge's SQL is not in the script: $out"
if [ "$BACKEND" = postgresql ]; then
  grep -q "^-- Running downgrade r2 -> r1 (rendered by Alembic: /usr/bin/python3 -m alembic downgrade --sql r2:r1)$" <<<"$out" ||
    fail "r2 is not rendered by Alembic: $out"
  grep -q "^DELETE FROM log WHERE id = 2;$" <<<"$out" || fail "r2's SQL is not in the script: $out"
else
  set +e; out=$("$RETORT" downgrade --sql m:r1 2>&1); rc=$?; set -e
  [ "$rc" = 1 ] || fail "a move and copy after Alembic's step rendered: $out"
  grep -q "alembic/versions/m.py: note: revision m, earlier in this range, was rendered by Alembic" <<<"$out" || fail "no note for m: $out"
fi
write r4b "'r4'" "above r4" "pass" "pass"
write xb "'x'" "above x" "pass" "pass"
"$RETORT" upgrade heads --no-backup >/dev/null 2>&1 || die "upgrade heads"
before=$(version)
set +e; out=$("$RETORT" downgrade r1 --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "a merge no Alembic target undoes alone exited $rc"
grep -q "alembic/versions/m.py: error: revision m is a merge point whose downgrade retort cannot read, and no Alembic downgrade target undoes it alone: each revision it merges (r4, x) has another branch above it that the database is on" <<<"$out" ||
  fail "the merge is not refused: $out"
[ "$(version)" = "$before" ] || fail "the refused run changed the database: $(version)"
rm -f alembic/versions/{x,m,r4b,xb}.py
export DATABASE_URL=$main_url
echo "ok a merge point through Alembic"

# --- a failing Alembic step: the run stops there, r1 stays
write r2 "'r1'" "data through the connection" \
  "conn = op.get_bind()|conn.execute(sa.text(\"INSERT INTO no_such_table VALUES (1)\"))" "pass"
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "a failing Alembic step exited $rc"
grep -q "Running upgrade r1 -> r2, data through the connection (alembic)" <<<"$out" || fail "no Running line for r2: $out"
grep -q "alembic/versions/r2.py: error: revision r2 failed under Alembic: /usr/bin/python3 -m alembic upgrade r2 exited with status" <<<"$out" ||
  fail "the failure does not say which tool ran what: $out"
grep -qi "no_such_table" <<<"$out" || fail "Alembic's error is not shown: $out"
grep -q "Running upgrade r2 -> r3" <<<"$out" && fail "the run went on after the failure"
[ "$(version)" = r1 ] || fail "after the failure the database is at '$(version)', not r1"
echo "ok a failing Alembic step stops the run"

# --- alembic_python
sed -i 's/^alembic_fallback = true$/alembic_fallback = true\nalembic_python = \/nonexistent\/python3/' alembic.ini
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "a missing interpreter exited $rc"
grep -q "cannot run /nonexistent/python3: No such file or directory" <<<"$out" || fail "missing interpreter: $out"
sed -i 's/^alembic_python = .*$/alembic_python = \/usr\/bin\/python3/; s/^alembic_fallback = true$/alembic_fallback = maybe/' alembic.ini
set +e; out=$("$RETORT" upgrade head --no-backup 2>&1); rc=$?; set -e
grep -q "alembic.ini:[0-9]*:1: error: alembic_fallback must be true or false, not 'maybe'" <<<"$out" || fail "bad alembic_fallback: $out"
sed -i 's/^alembic_fallback = maybe$/alembic_fallback = true/' alembic.ini
echo "ok alembic_python and alembic_fallback checked"

# --- PostgreSQL: retort's advisory lock is held while Alembic runs
if [ "$BACKEND" = postgresql ]; then
  write r2 "'r1'" "slow" "conn = op.get_bind()|conn.execute(sa.text('SELECT pg_sleep(2)'))" "pass"
  "$RETORT" upgrade head --no-backup >"$tmp/bg.out" 2>&1 &
  pid=$!
  held=0
  for _ in $(seq 1 40); do
    sleep 0.1
    if [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()")" = 1 ]; then
      held=$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
      break
    fi
  done
  wait "$pid" || fail "the slow mixed upgrade failed: $(cat "$tmp/bg.out")"
  [ "$held" = 1 ] || fail "retort's advisory lock was not held while Alembic ran ($held)"
  [ "$(version)" = r4 ] || fail "after the slow run the database is at '$(version)'"
  echo "ok the lock is held while Alembic runs"
fi
finish
