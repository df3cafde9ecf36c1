#!/usr/bin/env bash
# SQLite backups (docs/running-migrations.md, docs/security.md):
#   - a run killed while it copies leaves no <db>.<stamp>.bak, only a
#     .partial file, so no half copy looks like a good backup;
#   - [retort] backup_keep = N keeps the newest N backups;
#   - a run with nothing to do makes none; a run that fails before anything
#     commits removes its own;
#   - a bad backup_keep is refused at its line.
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-backups.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/p/app.db"
backups() { find "$tmp/p" -maxdepth 1 -name 'app.db.*.bak' | wc -l; }

# A database big enough that the copy takes a while.
/usr/bin/sqlite3 app.db "CREATE TABLE big (id INTEGER PRIMARY KEY, b BLOB);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
  INSERT INTO big SELECT i, randomblob(4000) FROM n;"
revfile b1 None b1 "op.create_table('t1', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))"

# 1. kill -9 while the backup is being written.
"$RETORT" upgrade head >/dev/null 2>&1 &
pid=$!
seen=0
for _ in $(seq 1 4000); do
  if compgen -G "$tmp/p/app.db.*.bak.partial" >/dev/null; then seen=1; kill -9 $pid; break; fi
  if ! kill -0 $pid 2>/dev/null; then break; fi
done
wait $pid 2>/dev/null || true
[ "$seen" = 1 ] || fail "the backup was never written under a temporary name"
[ "$(backups)" = 0 ] || fail "a killed backup left $(backups) file(s) named as a good backup"
rm -f "$tmp"/p/app.db.*.partial*
/usr/bin/sqlite3 app.db "DELETE FROM big WHERE id > 100; VACUUM;"

# 2. backup_keep = 2: four runs, the newest two backups stay.
sed -i '/^\[retort\]/a backup_keep = 2' alembic.ini
"$RETORT" upgrade head >/dev/null || fail "upgrade b1"
for n in 2 3 4; do
  revfile "b$n" "'b$((n - 1))'" "b$n" "op.create_table('t$n', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))"
  out=$("$RETORT" upgrade head) || fail "upgrade b$n"
  sleep 1
done
[ "$(backups)" = 2 ] || fail "backup_keep = 2 left $(backups) backups"
grep -q "Removed an older backup" <<<"$out" || fail "pruning is not said: $out"

# 3. Nothing to run: no backup.  A failing run: its backup is removed.
before=$(ls "$tmp/p")
"$RETORT" upgrade head >/dev/null || fail "upgrade with nothing to do"
[ "$(ls "$tmp/p")" = "$before" ] || fail "a run with nothing to do made a file"
revfile b5 "'b4'" b5 "op.execute(\"INSERT INTO no_such_table VALUES (1)\")"
set +e; out=$("$RETORT" upgrade head 2>&1); rc=$?; set -e
[ "$rc" = 1 ] || fail "a failing run exited $rc"
[ "$(ls "$tmp/p")" = "$before" ] || fail "a failed run left a backup: $(ls "$tmp/p")"
grep -q "backup .* was removed" <<<"$out" || fail "the removal is not said: $out"
rm alembic/versions/b5.py

# 4. A bad backup_keep, refused at its line.
sed -i 's/^backup_keep = 2$/backup_keep = lots/' alembic.ini
line=$(grep -n '^backup_keep' alembic.ini | cut -d: -f1)
set +e; out=$("$RETORT" current 2>&1); rc=$?; set -e
[ "$rc" != 0 ] || fail "backup_keep = lots was accepted"
grep -q "alembic.ini:$line:1: error: backup_keep must be a whole number" <<<"$out" || fail "bad backup_keep message: $out"
finish
