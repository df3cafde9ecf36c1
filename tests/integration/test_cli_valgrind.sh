#!/usr/bin/env bash
# The retort binary under valgrind, on the commands' success and error
# paths: no invalid access, no leak.  (The Sanitize build runs every other
# integration test under ASan + UBSan + LeakSanitizer instead; valgrind and
# ASan do not mix, so this test only runs where there are no sanitizers.)
source "$SOURCE_DIR/tests/integration/lib.sh"
if [ "${RETORT_BUILD_TYPE:-}" = Sanitize ]; then echo "sanitizer build: covered by ASan/LSan"; finish; exit 0; fi
tmp=$(mktemp -d /tmp/retort-vg.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/vg.db"
cp "$SOURCE_DIR"/models/*.model models/
vg() {  # expected-status command...
  local want=$1; shift
  set +e
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=99 "$RETORT" "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  set -e
  [ "$got" = "$want" ] || fail "retort $* under valgrind: exit $got (expected $want):"$'\n'"$(tail -20 "$tmp/err")"
}
vg 0 models --json
vg 1 models --models "$SOURCE_DIR/tests/data/models/many_errors"
vg 1 models --models "$SOURCE_DIR/tests/data/models/syntax_errors"
vg 0 diff --json
vg 0 diff --format markdown
vg 0 revision --autogenerate -m "initial" --rev-id 0000aaaa0001
vg 1 revision --autogenerate -m "not at head"
vg 0 upgrade head
vg 0 current --verbose
vg 0 history --verbose
vg 0 heads
vg 0 show head
vg 0 show head --format markdown
vg 0 inspect --json
vg 0 upgrade --sql base:head
vg 0 downgrade --sql head:base
vg 0 downgrade -1
vg 1 downgrade -1
vg 1 upgrade nosuchrev
vg 0 stamp head
vg 0 revision -m "second" --rev-id 0000aaaa0002
vg 0 revision -m "branch" --rev-id 0000aaaa0003 --head 0000aaaa0001 --splice
vg 1 upgrade head
vg 0 merge heads -m "merge"
# retort.sum and the applied checksums (docs/ci.md)
vg 0 hash
vg 0 revision -m "listed" --rev-id 0000aaaa0004
vg 0 upgrade heads
echo "# edited" >>"$(ls alembic/versions/*0000aaaa0004_listed.py)"
vg 1 check
vg 1 upgrade heads
vg 0 hash
vg 0 current --verbose
grep -q "warning: revision 0000aaaa0004 was applied" "$tmp/err" || fail "current --verbose: no warning: $(cat "$tmp/err")"
echo garbage >>alembic/versions/retort.sum
vg 1 lint
rm alembic/versions/retort.sum
vg 2 hash --nope
# check --offline and verify (docs/ci.md)
vg 0 check --offline
vg 0 verify
vg 0 verify --format json --verbose
vg 2 verify --url "sqlite:///$tmp/vg.db"
printf 'model Broken {\n  id Integr @primary_key\n}\n' >models/broken.model
vg 1 diff
rm models/broken.model
printf 'revision = "bad"\ndown_revision = None\ndef upgrade():\n    for x in y:\n        pass\n' >alembic/versions/bad.py
vg 1 upgrade heads
vg 1 check --offline
DATABASE_URL="postgresql://nobody:secret@127.0.0.1:1/none" vg 1 diff
grep -q secret "$tmp/err" && fail "a password was printed: $(cat "$tmp/err")"
finish
