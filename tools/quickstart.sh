#!/usr/bin/env bash
# The main job, on a fresh machine: install what is missing, build, bring
# the project's SQLite database (qlib_ui.db, next to alembic.ini; created by
# the first upgrade, not kept in the repository) to head,
# check that the models and the database agree, then walk through the
# migration guide's workflow in a scratch copy of the project: edit a model,
# autogenerate, review, upgrade, downgrade, upgrade.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools/install-deps.sh
echo "== building build/retort"
tools/build.sh RelWithDebInfo build >/tmp/retort-build.log 2>&1 || { cat /tmp/retort-build.log; exit 1; }
retort=$root/build/retort
alembic=(/usr/bin/python3 -m alembic)
unset DATABASE_URL

echo "== retort models: the schema the models declare"
"$retort" models >/tmp/retort-models.txt
head -n 12 /tmp/retort-models.txt
echo "   ... ($(grep -c '^table ' /tmp/retort-models.txt) tables)"
echo
echo "== retort upgrade head: the project's database ($root/qlib_ui.db, created when missing)"
"$retort" upgrade head
echo
echo "== retort current / history"
"$retort" current
"$retort" history
echo
echo "== autogenerate right after the upgrade finds nothing (retort diff: the same comparison, writing nothing)"
"$retort" diff
echo

demo=$(mktemp -d /tmp/retort-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT
cp -r alembic.ini alembic models "$demo/"
cp qlib_ui.db "$demo/"
cd "$demo"
echo "== the workflow, in a scratch copy ($demo)"
echo "-- 1. edit a model: add user_role to UserPreferences"
sed -i 's/^\(  mode .*\)$/\1\n  user_role  String(50)?  @comment("Role of the user")/' models/user_preferences.model
grep -n "user_role" models/user_preferences.model
echo "-- 2. autogenerate"
out=$("$retort" revision --autogenerate -m "add user_role column")
echo "$out"
file=$(sed -n 's/^Generating \(.*\) \.\.\.  done$/\1/p' <<<"$out")
echo "-- 3. review: $file"
sed -n '/^def upgrade/,$p' "$file"
echo "-- 4. upgrade, downgrade -1, upgrade: with retort, then with real Alembic on the same file"
"$retort" upgrade head
"$retort" downgrade -1
"$retort" upgrade head
"${alembic[@]}" downgrade -1
"${alembic[@]}" upgrade head
"$retort" current
echo "-- 5. autogenerate again: nothing left to do"
"$retort" diff
