#!/usr/bin/env bash
# alembic/versions/retort.sum (docs/ci.md, issue 11 part 4), on the real
# binary:
#   - retort hash writes it (sorted lines, each the file's SHA-256, under the
#     hash of the lines), and says what changed;
#   - an edited, an added and a removed revision file are each a located
#     error for check, lint, upgrade (--sql too), downgrade and revision,
#     which run nothing, until retort hash;
#   - revision and merge list the files they write;
#   - a malformed, a hand-edited and a conflicted retort.sum are located
#     errors; a folder without one is a note (once) for check and lint, an
#     error with [retort] require_sum = true;
#   - one sum per versions folder with version_locations;
#   - Alembic 1.8.1 and 1.19 ignore the file (history, upgrade);
#   - this repository's own retort.sum matches its versions folder.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-sum.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset ALEMBIC_CONFIG
new_project "$tmp/p"
cd "$tmp/p"
export DATABASE_URL="sqlite:///$tmp/p/app.db"
sum=alembic/versions/retort.sum
V=$PWD/alembic/versions

run() {  # run CMD...: out (stdout), err (stderr), rc
  set +e; out=$("$RETORT" "$@" 2>"$tmp/err"); rc=$?; set -e
  err=$(cat "$tmp/err")
}
# refused WHAT ERROR-LINE CMD...: exit 1, the located error on stderr.
refused() {
  local what=$1 line=$2; shift 2
  run "$@"
  [[ $rc == 1 ]] || fail "$what: $* exited $rc: $err"
  grep -qF -- "$line" <<<"$err" || fail "$what: $* does not say '$line':"$'\n'"$err"
}
version() { "${SQLQ[@]}" "$DATABASE_URL" "SELECT version_num FROM alembic_version" 2>/dev/null || true; }

printf 'model Item {\n  id Integer @primary_key\n}\n' >models/item.model
revfile r1 None "first" \
  "op.create_table('item', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))"
revfile r2 "'r1'" "second" "pass"

# --- hash writes the file
run hash
[[ $rc == 0 ]] || fail "hash exited $rc: $err"
[[ "$out" == "Generating $V/retort.sum (2 files) ...  done"$'\n'"  added r1.py"$'\n'"  added r2.py" ]] || fail "hash said: $out"
h1=$(sha256sum alembic/versions/r1.py | cut -d' ' -f1)
h2=$(sha256sum alembic/versions/r2.py | cut -d' ' -f1)
lines=$(printf 'r1.py sha256:%s\nr2.py sha256:%s\n' "$h1" "$h2")
whole=$(printf '%s\n' "$lines" | sha256sum | cut -d' ' -f1)
[[ "$(cat $sum)" == "sha256:$whole"$'\n'"$lines" ]] || fail "retort.sum is not the expected text:"$'\n'"$(cat $sum)"
run hash
[[ $rc == 0 && "$out" == "$V/retort.sum is up to date (2 files)" ]] || fail "hash again: $rc $out"
"$RETORT" upgrade head --no-backup >/dev/null || fail "upgrade head"
run check
[[ $rc == 0 && "$out" == "No new upgrade operations detected." ]] || fail "check on a matching folder: $rc $out $err"
grep -qF "retort.sum" <<<"$err" && fail "check with a matching sum talks about it: $err"
"$RETORT" downgrade r1 --no-backup >/dev/null || fail "downgrade r1"
# (r1 is applied: once edited below, upgrade warns about it too, which is
# the applied checksums' business, test_applied_checksums_*.sh.)
cp $sum "$tmp/good.sum"

# --- an edited file: every command that trusts the folder refuses
echo "# edited after review" >>alembic/versions/r1.py
edited="$V/retort.sum:2:7: error: $V/r1.py was edited since retort.sum was written"
refused "edited" "$edited" check
grep -qF "hint: a reviewed (or applied) revision should not change" <<<"$err" || fail "edited: no hint: $err"
grep -qF "retort hash" <<<"$err" || fail "edited: the hint does not name retort hash: $err"
refused "edited" "$edited" lint
refused "edited" "$edited" upgrade head --no-backup
grep -qF "retort upgrade: the versions folder does not match its retort.sum (1 problem); nothing was done" <<<"$err" ||
  fail "edited: upgrade does not say it did nothing: $err"
[[ "$(version)" == r1 ]] || fail "edited: the upgrade ran: $(version)"
refused "edited" "$edited" upgrade --sql r1:head
[[ -z "$out" ]] || fail "edited: upgrade --sql printed a script: $out"
refused "edited" "$edited" downgrade base --no-backup
[[ "$(version)" == r1 ]] || fail "edited: the downgrade ran"
n=$(ls alembic/versions | wc -l)
refused "edited" "$edited" revision -m "more" --rev-id r9
[[ "$(ls alembic/versions | wc -l)" == "$n" ]] || fail "edited: revision wrote a file"
run hash
[[ $rc == 0 && "$out" == *"  edited r1.py" ]] || fail "hash after an edit: $rc $out"
"$RETORT" upgrade head --no-backup >/dev/null 2>&1 || fail "upgrade after retort hash"
run check
[[ $rc == 0 ]] || fail "check after retort hash: $rc $err"

# --- an added file, then a removed one
revfile r3 "'r2'" "third, written by hand" "pass"
added="$V/r3.py: error: added since retort.sum was written: $V/retort.sum does not list this file"
refused "added" "$added" check
refused "added" "$added" lint
refused "added" "$added" upgrade head --no-backup
[[ "$(version)" == r2 ]] || fail "added: the upgrade ran"
run hash
[[ $rc == 0 && "$out" == *"  added r3.py" ]] || fail "hash after an add: $rc $out"
rm alembic/versions/r3.py
removed="$V/retort.sum:4:1: error: $V/r3.py was removed since retort.sum was written (this line lists it)"
refused "removed" "$removed" check
refused "removed" "$removed" lint
refused "removed" "$removed" upgrade head --no-backup
run hash
[[ $rc == 0 && "$out" == *"  removed r3.py" ]] || fail "hash after a removal: $rc $out"
cmp -s $sum "$tmp/good.sum" && fail "the sum did not change with r1's edit"
run lint
[[ $rc == 0 ]] || fail "lint after hash: $rc $err"

# --- revision and merge list the files they write
run revision -m "branch a" --rev-id ra
[[ $rc == 0 ]] || fail "revision: $err"
grep -qx "Updating $V/retort.sum ...  done" <<<"$out" || fail "revision did not say it updated the sum: $out"
grep -q "^[0-9]*_[0-9]*_ra_branch_a.py sha256:$(sha256sum alembic/versions/*_ra_branch_a.py | cut -d' ' -f1)$" $sum ||
  fail "revision's file is not listed: $(cat $sum)"
run revision -m "branch b" --rev-id rb --head r2 --splice
[[ $rc == 0 ]] || fail "revision --splice: $err"
run merge heads -m "join" --rev-id rm
[[ $rc == 0 ]] || fail "merge: $err"
grep -qx "Updating $V/retort.sum ...  done" <<<"$out" || fail "merge did not update the sum: $out"
grep -q "_rm_join.py sha256:" $sum || fail "merge's file is not listed: $(cat $sum)"
run lint
[[ $rc == 0 ]] || fail "lint after revision and merge: $rc $err"
[[ $(($(wc -l <$sum) - 1)) == $(ls alembic/versions/*.py | wc -l) ]] || fail "one line per file: $(cat $sum)"
"$RETORT" upgrade heads --no-backup >/dev/null || fail "upgrade heads"

# --- retort.sum itself: malformed, edited by hand, conflicted
cp $sum "$tmp/now.sum"
sed -i '2s/ sha256:.*/ sha256:nothex/' $sum
refused "malformed" "$V/retort.sum:2:" check
grep -qF "not a hash: a line of retort.sum is '<file> sha256:<64 hex digits>'" <<<"$err" || fail "malformed: $err"
grep -qF " | " <<<"$err" || fail "malformed: the line is not shown: $err"
cp "$tmp/now.sum" $sum
sed -i "1s/.*/sha256:$(printf x | sha256sum | cut -d' ' -f1)/" $sum
refused "first line" "$V/retort.sum:1:1: error: the first line of retort.sum is not the hash of the lines below it" check
{ echo "<<<<<<< HEAD"; cat "$tmp/now.sum"; echo "======="; cat "$tmp/good.sum"; echo ">>>>>>> other"; } >$sum
refused "conflict" "$V/retort.sum:1:1: error: retort.sum holds a merge conflict marker" upgrade head
grep -qF "retort merge heads" <<<"$err" || fail "conflict: the hint does not say how to resolve it: $err"
run hash
[[ $rc == 0 ]] && cmp -s $sum "$tmp/now.sum" || fail "hash did not write the conflicted sum anew: $rc $err"

# --- no retort.sum: a note, once; require_sum makes it an error
rm $sum
run check
[[ $rc == 0 ]] || fail "check without a sum: $rc $err"
[[ $(grep -c "note: no retort.sum in this versions folder" <<<"$err") == 1 ]] || fail "check: no note, or several: $err"
grep -qF "hint: write it with retort hash" <<<"$err" || fail "check: the note's hint: $err"
run lint
[[ $rc == 0 && $(grep -c "note: no retort.sum" <<<"$err") == 1 ]] || fail "lint without a sum: $rc $err"
run upgrade head --no-backup
[[ $rc == 0 ]] && ! grep -qF "retort.sum" <<<"$err" || fail "upgrade without a sum: $rc $err"
cp alembic.ini alembic.ini.orig
sed -i 's/^\[retort\]$/[retort]\nrequire_sum = true/' alembic.ini
refused "require_sum" "$V: error: the versions folder has no retort.sum, and [retort] require_sum is true" check
refused "require_sum" "$V: error: the versions folder has no retort.sum" upgrade head
refused "require_sum" "$V: error: the versions folder has no retort.sum" revision -m x
sed -i 's/^require_sum = true$/require_sum = maybe/' alembic.ini
run check
[[ $rc == 2 ]] || fail "require_sum = maybe: exit $rc (a configuration error is 2)"
grep -q "alembic.ini:[0-9]*:15: error: require_sum must be true or false, not 'maybe'" <<<"$err" || fail "require_sum = maybe: $err"
cp alembic.ini.orig alembic.ini
"$RETORT" hash >/dev/null

# --- Alembic 1.8.1 and 1.19 ignore the file
for v in 1.8 1.19; do
  use_alembic $v || { echo "skip: Alembic $v: $ALEMBIC119_MISSING"; continue; }
  want=$("${ALEMBIC[@]}" history 2>&1) || fail "alembic $v history with a retort.sum: $want"
  [[ "$want" == "$("$RETORT" history)" ]] || fail "alembic $v history differs from retort's"
  DATABASE_URL="sqlite:///$tmp/alembic-$v.db" "${ALEMBIC[@]}" upgrade heads >"$tmp/a.log" 2>&1 ||
    fail "alembic $v upgrade with a retort.sum: $(cat "$tmp/a.log")"
  got=$(DATABASE_URL="sqlite:///$tmp/alembic-$v.db" "$RETORT" current)
  [[ "$got" == "rm (head) (mergepoint)" ]] || fail "alembic $v upgrade did not reach the head: $got"
  echo "ok Alembic $v ignores retort.sum"
done
use_alembic 1.8

# --- one retort.sum per versions folder
mkdir -p "$tmp/two/alembic/a" "$tmp/two/alembic/b/sub"
cp alembic/env.py alembic/script.py.mako "$tmp/two/alembic/"
printf '[alembic]\nscript_location = %%(here)s/alembic\nversion_locations = %%(here)s/alembic/a %%(here)s/alembic/b\nrecursive_version_locations = true\nsqlalchemy.url = sqlite:///%%(here)s/app.db\n' >"$tmp/two/alembic.ini"
cd "$tmp/two"
mkdir -p alembic/versions   # revfile writes there: move the files after
revfile x1 None "in a" "pass"
revfile y1 None "in b/sub" "pass"
mv alembic/versions/x1.py alembic/a/ && mv alembic/versions/y1.py alembic/b/sub/ && rmdir alembic/versions
unset DATABASE_URL
run hash
[[ $rc == 0 ]] || fail "two folders: hash: $err"
[[ -f alembic/a/retort.sum && -f alembic/b/retort.sum ]] || fail "two folders: not one sum each"
grep -qx "sub/y1.py sha256:[0-9a-f]*" alembic/b/retort.sum || fail "a subfolder's file: $(cat alembic/b/retort.sum)"
echo "# edited" >>alembic/b/sub/y1.py
refused "two folders" "$tmp/two/alembic/b/retort.sum:2:11: error: $tmp/two/alembic/b/sub/y1.py was edited" lint
cd "$tmp/p"

# --- this repository's retort.sum matches its versions folder
DATABASE_URL="sqlite:///$tmp/repo.db" run -c "$SOURCE_DIR/alembic.ini" lint
[[ $rc == 0 ]] || fail "the repository's versions folder does not match its retort.sum (run retort hash): $err"
grep -qF "retort.sum" <<<"$err" && fail "lint of the repository talks about its retort.sum: $err"
finish
