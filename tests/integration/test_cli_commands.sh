#!/usr/bin/env bash
# The commands' behaviour at their edges: help and usage errors, init,
# plain revisions, every refusal of autogenerate (nothing written), diff's
# JSON and exit code, and byte-for-byte determinism.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset DATABASE_URL ALEMBIC_CONFIG

expect_status() {  # expected-status description command...
  local want=$1 what=$2; shift 2
  set +e; out=$("$@" 2>&1); got=$?; set -e
  [ "$got" = "$want" ] || fail "$what: exit status $got, expected $want; output:"$'\n'"$out"
}
count_versions() { find "$1" -name '*.py' | wc -l; }

# --- help, version, usage errors
expect_status 0 "--help" "$RETORT" --help
grep -q "revision" <<<"$out" || fail "--help lists no commands"
expect_status 0 "--version" "$RETORT" --version
grep -qE '^retort [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out" || fail "--version prints '$out'"
expect_status 2 "unknown command" "$RETORT" revisoin
grep -q "did you mean 'revision'" <<<"$out" || fail "no suggestion for a misspelled command: $out"
for c in init models revision diff inspect; do
  expect_status 0 "$c --help" "$RETORT" $c --help
  grep -q "^usage: retort $c" <<<"$out" || fail "$c --help has no usage line"
done
expect_status 2 "revision without -m (allowed, as Alembic; no alembic.ini here: a configuration error)" "$RETORT" revision
expect_status 2 "unknown option" "$RETORT" diff --frobnicate
expect_status 2 "missing alembic.ini (a configuration error)" "$RETORT" diff
grep -q "alembic.ini: error: cannot read configuration file" <<<"$out" || fail "missing ini message: $out"

# --- init
expect_status 0 "init" "$RETORT" init migrations
for f in alembic.ini migrations/env.py migrations/script.py.mako migrations/README; do
  [ -f "$f" ] || fail "init did not write $f"
done
[ -d migrations/versions ] && [ -d models ] || fail "init did not make the folders"
cmp -s migrations/env.py "$SOURCE_DIR/alembic/env.py" || fail "init's env.py differs from the shipped one"
grep -q '^script_location = %(here)s/migrations$' alembic.ini || fail "init's ini does not point at migrations/"
before=$(ls -R)
expect_status 1 "init again" "$RETORT" init migrations
expect_status 2 "init -t with no such template (a usage error)" "$RETORT" init -t nope elsewhere
[ "$(ls -R)" = "$before" ] || fail "a refused init wrote something"

# --- a project of our own
export DATABASE_URL="sqlite:///$tmp/app.db"
cat >models/app.model <<'M'
model Item {
  id    Integer      @primary_key
  name  String(50)   @index
}
M
# diff on a database file that does not exist: empty, and not created
expect_status 0 "diff on a missing database" "$RETORT" diff
grep -q "Detected added table 'item'" <<<"$out" || fail "diff on a missing database: $out"
[ ! -e app.db ] || fail "diff created the database file"
expect_status 0 "diff --json" "$RETORT" diff --json
/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["operations"][0]["op"]=="create_table", d' "$out" \
  || fail "diff --json is not the expected JSON: $out"
expect_status 3 "diff --exit-code with changes" "$RETORT" diff --exit-code

# plain revision: pass bodies, the configured file name, readable by Alembic
expect_status 0 "plain revision" "$RETORT" revision -m "Hand written: step 1" --rev-id aaaa00000001
file=$(generated_path "$out")
[[ "$(basename "$file")" =~ ^[0-9]{8}_[0-9]{4}_aaaa00000001_hand_written_step_1\.py$ ]] || fail "file name $(basename "$file")"
grep -q "^    pass$" "$file" || fail "plain revision has no pass body"
/usr/bin/python3 -m alembic heads 2>/dev/null | grep -q "aaaa00000001 (head)" || fail "Alembic does not read the plain revision"

# not at head: the database has not applied aaaa00000001
n=$(count_versions migrations/versions)
expect_status 1 "autogenerate when not at head" "$RETORT" revision --autogenerate -m x
grep -q "the database is not up to date" <<<"$out" || fail "not-at-head message: $out"
grep -q "hint: apply the pending revisions first: alembic upgrade head" <<<"$out" || fail "not-at-head hint: $out"
[ "$(count_versions migrations/versions)" = "$n" ] || fail "a refused autogenerate wrote a file"

# duplicate revision id
expect_status 1 "duplicate rev id" "$RETORT" revision -m again --rev-id aaaa00000001
grep -q "revision id 'aaaa00000001' already exists" <<<"$out" || fail "duplicate id message: $out"
expect_status 1 "bad rev id" "$RETORT" revision -m again --rev-id "no/slash"

# a down_revision that names no file: refused before anything is written
printf "revision = 'dddd00000009'\ndown_revision = 'nope'\n" >migrations/versions/dangling.py
n=$(count_versions migrations/versions)
expect_status 1 "autogenerate with a dangling down_revision" "$RETORT" revision --autogenerate -m x
grep -q "dangling.py:1:1: error: down_revision 'nope' of revision 'dddd00000009' names no revision" <<<"$out" \
  || fail "dangling down_revision message: $out"
[ "$(count_versions migrations/versions)" = "$n" ] || fail "a dangling down_revision let a file be written"
rm migrations/versions/dangling.py

# several heads
cat >migrations/versions/branch_b.py <<'P'
revision = 'bbbb00000002'
down_revision = None
branch_labels = None
depends_on = None
def upgrade() -> None:
    pass
def downgrade() -> None:
    pass
P
expect_status 1 "autogenerate with two heads" "$RETORT" revision --autogenerate -m x
grep -q "several heads: aaaa00000001, bbbb00000002" <<<"$out" || fail "multiple heads message: $out"
grep -q "retort merge aaaa00000001 bbbb00000002" <<<"$out" || fail "multiple heads hint: $out"
rm migrations/versions/branch_b.py

# a model error: located, nothing written
/usr/bin/python3 -m alembic upgrade head >/dev/null 2>&1 || fail "alembic upgrade of the plain revision"
printf 'model Broken {\n  id Integr @primary_key\n}\n' >models/broken.model
n=$(count_versions migrations/versions)
expect_status 1 "autogenerate with a model error" "$RETORT" revision --autogenerate -m x
grep -q "models/broken.model:2:6: error: unknown type 'Integr'" <<<"$out" || fail "model error location: $out"
grep -q "nothing was written" <<<"$out" || fail "model error: no 'nothing was written': $out"
[ "$(count_versions migrations/versions)" = "$n" ] || fail "a model error wrote a file"
rm models/broken.model

# an unsupported URL
DATABASE_URL="mysql://u@h/db" expect_status 2 "unsupported URL (a configuration error)" "$RETORT" diff
grep -q "unsupported database URL 'mysql://u@h/db'" <<<"$out" || fail "unsupported URL message: $out"

# autogenerate, then nothing left: empty bodies between the markers
expect_status 0 "autogenerate" "$RETORT" revision --autogenerate -m "add item"
/usr/bin/python3 -m alembic upgrade head >/dev/null 2>&1 || fail "alembic upgrade of the autogenerated revision"
expect_status 0 "autogenerate with no change" "$RETORT" revision --autogenerate -m "nothing"
grep -q "No changes detected" <<<"$out" || fail "no-change autogenerate: $out"
file=$(generated_path "$out")
grep -q "op\." "$file" && fail "no-change migration has operations"
grep -q "# ### commands auto generated by Alembic - please adjust! ###" "$file" || fail "no markers in the empty migration"
/usr/bin/python3 -m alembic upgrade head >/dev/null 2>&1 || fail "alembic upgrade of the empty revision"
expect_status 0 "diff --exit-code without changes" "$RETORT" diff --exit-code

# determinism: same inputs, same bytes
for d in one two; do
  mkdir -p "$tmp/$d/migrations/versions" "$tmp/$d/models"
  cp alembic.ini "$tmp/$d/"; cp migrations/env.py migrations/script.py.mako "$tmp/$d/migrations/"
  cp models/app.model "$tmp/$d/models/"
  (cd "$tmp/$d" && DATABASE_URL="sqlite:///$tmp/$d/x.db" "$RETORT" revision --autogenerate -m "same" \
     --rev-id cccc00000003 --create-date "2025-11-05 19:03:12.345678" >/dev/null)
done
cmp -s "$tmp"/one/migrations/versions/*.py "$tmp"/two/migrations/versions/*.py || fail "two runs wrote different bytes"
finish
