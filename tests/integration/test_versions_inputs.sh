#!/usr/bin/env bash
# What the versions folder may hold, and the names retort accepts:
#   - every file of tests/data/revisions/ (empty, garbage, not UTF-8, a NUL
#     byte, a merge conflict, ids and labels with characters outside the
#     rule...) is refused with a located error and a hint, by every command
#     that reads the folder, and nothing is written; Alembic refuses the same
#     files, but for the names retort is stricter about (listed below);
#   - __init__.py is skipped, as Alembic skips it;
#   - a FIFO, a folder named *.py: skipped with a warning (Alembic hangs on
#     the FIFO), a symlink to a revision is read, a symlink to nothing is an
#     error;
#   - --rev-id and --branch-label (revision and merge) follow the same rule;
#     the names it accepts are read back by Alembic.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-versions.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset ALEMBIC_CONFIG
data=$SOURCE_DIR/tests/data/revisions

count() { find alembic/versions -name '*.py' | wc -l; }

# A project with aaaa00000001 -> bbbb00000002, in $1.
project() {
  new_project "$1"
  cd "$1"
  export DATABASE_URL="sqlite:///$1/app.db"
  "$RETORT" revision -m first --rev-id aaaa00000001 >/dev/null
  "$RETORT" revision -m second --rev-id bbbb00000002 >/dev/null
}

# Files Alembic 1.8.1 reads although retort refuses them: names outside the
# rule of docs/revision-graph.md, a file in another encoding that says so
# in a coding line, and UTF-8 text under a coding line that is not UTF-8
# (Python reads other characters than retort would).
alembic_accepts=" id_non_ascii.py id_with_backslash.py id_with_quote.py id_with_tab.py "
alembic_accepts+=" label_with_space.py label_with_newline.py not_utf8_coding.py utf8_text_latin1_coding.py "

# --- every bad file: refused, located, with a hint, by every command
project "$tmp/bad"
for f in "$data"/*.py; do
  name=$(basename "$f")
  cp "$f" "alembic/versions/zz_$name"
  n=$(count)
  for cmd in heads history "revision -m next" "upgrade head --no-backup"; do
    # shellcheck disable=SC2086
    if out=$("$RETORT" $cmd 2>&1); then fail "$name: retort $cmd accepted it"; continue; fi
    first=$(head -1 <<<"$out")
    [[ "$first" =~ /zz_$name:[0-9]+:[0-9]+:\ error:\  ]] || fail "$name: retort $cmd: not a located error: $first"
    grep -q "^ *[0-9]* | " <<<"$out" || fail "$name: retort $cmd: no source line: $out"
    grep -q "^  hint: " <<<"$out" || fail "$name: retort $cmd: no hint: $out"
  done
  [ "$(count)" = "$n" ] || fail "$name: a refused revision wrote a file"
  if [[ "$alembic_accepts" == *" $name "* ]]; then
    "${ALEMBIC[@]}" heads >/dev/null 2>&1 || fail "$name: Alembic refuses it too now: move it out of alembic_accepts"
  else
    "${ALEMBIC[@]}" heads >/dev/null 2>&1 && fail "$name: Alembic accepts it"
  fi
  rm "alembic/versions/zz_$name"
done
[[ "$("$RETORT" heads)" == "bbbb00000002 (head)" ]] || fail "the project is not back to one head"
echo "ok refusals"

# --- the bug this guards: after a revision id that is not UTF-8, retort
# revision wrote a file whose down_revision named nothing.
new_project "$tmp/latin1"
cd "$tmp/latin1"
export DATABASE_URL="sqlite:///$tmp/latin1/app.db"
cp "$data/not_utf8_id.py" alembic/versions/
if out=$("$RETORT" revision -m next 2>&1); then fail "revision after a non-UTF-8 id was written: $out"; fi
grep -q "not_utf8_id.py:1:15: error: the file is not valid UTF-8 (byte 0xE9)" <<<"$out" || fail "non-UTF-8 message: $out"
[ "$(count)" = 1 ] || fail "a file was written next to the non-UTF-8 revision"

# --- __init__.py is skipped (Alembic skips __init__*), empty or not
cd "$tmp/bad"
: >alembic/versions/__init__.py
printf 'def helper():\n    return 1\n' >alembic/versions/__init__helpers.py
for cmd in heads history; do
  [[ "$("$RETORT" $cmd 2>&1)" == "$("${ALEMBIC[@]}" $cmd 2>/dev/null)" ]] || fail "with __init__.py: retort $cmd differs from Alembic"
done
rm alembic/versions/__init__*.py

# --- entries that are not regular files
want=$("${ALEMBIC[@]}" heads 2>/dev/null)
mkfifo alembic/versions/zz_fifo.py
mkdir alembic/versions/zz_folder.py
set +e
got=$(timeout 20 "$RETORT" heads 2>"$tmp/err"); rc=$?
set -e
[ "$rc" = 0 ] || fail "with a FIFO and a folder: retort heads exits $rc (124: it hung)"
[ "$got" = "$want" ] || fail "with a FIFO and a folder: heads is '$got', not '$want'"
grep -q "/zz_fifo.py: warning: skipped: a FIFO (named pipe), not a revision file" "$tmp/err" || fail "FIFO warning: $(cat "$tmp/err")"
grep -q "/zz_folder.py: warning: skipped: a folder, not a revision file" "$tmp/err" || fail "folder warning: $(cat "$tmp/err")"
[ "$(grep -c '^  hint: ' "$tmp/err")" = 2 ] || fail "the warnings have no hints: $(cat "$tmp/err")"
timeout 20 "$RETORT" revision -m "past a fifo" --rev-id cccc00000003 >/dev/null 2>&1 || fail "revision with a FIFO present"
rm -r alembic/versions/zz_fifo.py alembic/versions/zz_folder.py alembic/versions/*cccc00000003*
# a symlink to a revision is a revision, for both
mkdir -p "$tmp/elsewhere"
printf "revision = 'dddd00000004'\ndown_revision = 'bbbb00000002'\n" >"$tmp/elsewhere/d.py"
ln -s "$tmp/elsewhere/d.py" alembic/versions/zz_link.py
[[ "$("$RETORT" heads)" == "dddd00000004 (head)" ]] || fail "a symlinked revision is not read"
[[ "$("$RETORT" heads)" == "$("${ALEMBIC[@]}" heads 2>/dev/null)" ]] || fail "a symlinked revision: retort and Alembic differ"
rm alembic/versions/zz_link.py
# a symlink to nothing: an error (a revision may be missing)
ln -s "$tmp/elsewhere/gone.py" alembic/versions/zz_dangling.py
if out=$("$RETORT" heads 2>&1); then fail "a dangling symlink was accepted"; fi
grep -q "zz_dangling.py: error: cannot read revision file: No such file or directory" <<<"$out" || fail "dangling: $out"
rm alembic/versions/zz_dangling.py
echo "ok special files"

# --- names given on the command line: the same rule
n=$(count)
for id in "a-b" "a b" "it's" 'a\b' $'a\tb' "café" "head" ".x" "a:b" "no/slash" "abcdefghijabcdefghijabcdefghij123"; do
  if out=$("$RETORT" revision -m x --rev-id "$id" 2>&1); then fail "--rev-id '$id' accepted"; fi
  grep -q "^--rev-id: error: " <<<"$out" || fail "--rev-id '$id': $out"
  if out=$("$RETORT" merge heads -m x --rev-id "$id" 2>&1); then fail "merge --rev-id '$id' accepted"; fi
done
for label in "my label" $'a\tb' 'x"y' 'a\b' "étiquette" "release-2" "-x" "x-" "heads" "a@b"; do
  if out=$("$RETORT" revision -m x --branch-label "$label" 2>&1); then fail "--branch-label '$label' accepted"; fi
  grep -q "^--branch-label: error: " <<<"$out" || fail "--branch-label '$label': $out"
  grep -q "^  hint: " <<<"$out" || fail "--branch-label '$label': no hint"
  if out=$("$RETORT" merge heads -m x --branch-label "$label" 2>&1); then fail "merge --branch-label '$label' accepted"; fi
done
[ "$(count)" = "$n" ] || fail "a refused name wrote a file"
# what the rule accepts, Alembic reads back the same (one label per
# revision: Alembic prints several as a Python set, in no fixed order)
"$RETORT" revision -m a --rev-id 0001_initial --head base --branch-label feature-x >/dev/null || fail "0001_initial / feature-x"
"$RETORT" revision -m b --rev-id v1.2 --head feature-x@head >/dev/null || fail "v1.2 on feature-x"
"$RETORT" revision -m c --rev-id r.3 --head base --branch-label my.label >/dev/null || fail "r.3 / my.label"
for cmd in heads history "history --verbose" "show v1.2" "show feature-x@head" "show my.label@head"; do
  # shellcheck disable=SC2086
  [[ "$("$RETORT" $cmd)" == "$("${ALEMBIC[@]}" $cmd 2>/dev/null)" ]] || fail "retort $cmd differs from Alembic with these names"
done
"$RETORT" merge heads -m join --rev-id merge_0003 --branch-label joined-all >/dev/null || fail "merge with a good id and label"
"${ALEMBIC[@]}" heads 2>/dev/null | grep -q "^merge_0003 (.*joined-all.*) (head)$" || fail "Alembic does not read the merge"
echo "ok names"
finish
