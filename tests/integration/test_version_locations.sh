#!/usr/bin/env bash
# version_locations: several versions folders, split as Alembic splits them
# (path_separator / version_path_separator: space, newline, os, ':', ';';
# else the legacy split on commas and spaces).  The graph reads every folder
# (one head in each: two heads, as Alembic lists them, byte for byte);
# `upgrade heads` applies both; recursive_version_locations reads
# subfolders; `revision --version-path` must name a location, and a new
# branch base with several locations and no --version-path is refused with
# Alembic's message; a revision on a parent goes to the parent's folder.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-vloc.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset ALEMBIC_CONFIG DATABASE_URL
V=${SOURCE_DIR%/*}/shared/vendor
A19=(env "PYTHONPATH=$V/sqlalchemy:$V/alembic:$V/typing_extensions" /usr/bin/python3 -m alembic)
# What 1.19 alone reads (path_separator = newline, recursive locations) is
# compared with it when ../shared/vendor is there, else with what it
# printed when this test was written.
have19=false
if [ -d "$V/alembic" ]; then have19=true; else echo "skip: no $V (Alembic 1.19): its outputs are taken as recorded"; fi
alembic19() {   # COMMAND RECORDED-OUTPUT
  if $have19; then "${A19[@]}" "$1" 2>/dev/null; else printf '%s\n' "$2"; fi
}

project() {   # project DIR VERSION_LOCATIONS [EXTRA-INI-LINE...]
  local dir=$1 locs=$2; shift 2
  mkdir -p "$dir/alembic"
  cp "$SOURCE_DIR/alembic/env.py" "$SOURCE_DIR/alembic/script.py.mako" "$dir/alembic/"
  {
    printf '[alembic]\nscript_location = %%(here)s/alembic\n'
    printf 'version_locations = %s\n' "$locs"
    for l in "$@"; do printf '%s\n' "$l"; done
    printf 'sqlalchemy.url = sqlite:///%%(here)s/app.db\n'
  } >"$dir/alembic.ini"
}

# same LABEL ARGS...: retort prints what Alembic 1.8 prints, and both succeed.
same() {
  local label=$1; shift
  local want got
  want=$("${ALEMBIC[@]}" "$@" 2>/dev/null) || { fail "$label: alembic $* failed"; return; }
  got=$("$RETORT" "$@" 2>/dev/null) || { fail "$label: retort $* failed"; return; }
  [[ "$want" == "$got" ]] || { fail "$label: retort $* differs from alembic"; diff <(echo "$want") <(echo "$got") >&2 || true; }
}

# --- each separator: two folders, one head in each --------------------------
declare -A seps=(
  [legacy]="%(here)s/one, %(here)s/two|"
  [space]="%(here)s/one %(here)s/two|version_path_separator = space"
  [os]="%(here)s/one:%(here)s/two|version_path_separator = os"
  [colon]="%(here)s/one:%(here)s/two|version_path_separator = :"
  [semicolon]="%(here)s/one;%(here)s/two|version_path_separator = ;"
)
for name in "${!seps[@]}"; do
  IFS='|' read -r locs sep <<<"${seps[$name]}"
  d=$tmp/$name
  if [[ -n "$sep" ]]; then project "$d" "$locs" "$sep"; else project "$d" "$locs"; fi
  mkdir -p "$d/one" "$d/two"
  cd "$d"
  "$RETORT" revision -m "first one" --rev-id a1 --version-path one --head base >/dev/null || fail "$name: revision in one"
  "$RETORT" revision -m "first two" --rev-id b1 --version-path "$d/two" --head base >/dev/null || fail "$name: revision in two"
  [[ -f one/a1_first_one.py && -f two/b1_first_two.py ]] || fail "$name: the files are not in their folders: $(find . -name '*.py' | sort)"
  same "$name" heads
  same "$name" history
  same "$name" heads -v
done

# newline (Alembic 1.19's path_separator): continuation lines
d=$tmp/newline
project "$d" "" 'path_separator = newline'
sed -i 's|^version_locations = $|version_locations =\n    %(here)s/one\n    %(here)s/two|' "$d/alembic.ini"
mkdir -p "$d/one" "$d/two"; cd "$d"
"$RETORT" revision -m "n one" --rev-id n1 --version-path one --head base >/dev/null || fail "newline: revision"
"$RETORT" revision -m "n two" --rev-id n2 --version-path two --head base >/dev/null || fail "newline: revision"
want=$(alembic19 heads $'n1 (head)\nn2 (head)') || fail "newline: alembic 1.19 heads failed"
got=$("$RETORT" heads) || fail "newline: retort heads"
[[ "$want" == "$got" ]] || fail "newline: heads differ: want '$want' got '$got'"

# a separator Alembic does not know: its ValueError, located
project "$tmp/badsep" "%(here)s/one" 'version_path_separator = comma'
cd "$tmp/badsep"
out=$("$RETORT" heads 2>&1) && fail "badsep: accepted"
grep -qF "alembic.ini:4:26: error: 'comma' is not a valid value for version_path_separator; expected 'space', 'newline', 'os', ':', ';'" <<<"$out" ||
  fail "badsep: $out"
# several lines without a separator saying so
project "$tmp/lines" "" ; sed -i 's|^version_locations = $|version_locations = %(here)s/one\n    %(here)s/two|' "$tmp/lines/alembic.ini"
cd "$tmp/lines"
out=$("$RETORT" heads 2>&1) && fail "lines: accepted"
grep -qF "alembic.ini:3:21: error: version_locations spans several lines" <<<"$out" || fail "lines: $out"
# a package resource
project "$tmp/pkg" "myapp:migrations"
cd "$tmp/pkg"
out=$("$RETORT" heads 2>&1) && fail "pkg: accepted"
grep -qF "alembic.ini:3:21: error: version location 'myapp:migrations' is a package resource" <<<"$out" || fail "pkg: $out"

# --- revision: the folder rules --------------------------------------------
d=$tmp/space; cd "$d"
out=$("$RETORT" revision -m "new root" --rev-id c1 --head base 2>&1) && fail "no --version-path: accepted"
grep -qF "error: Multiple version locations present, please specify --version-path" <<<"$out" || fail "no --version-path: $out"
alembic_out=$("${ALEMBIC[@]}" revision -m "new root" --rev-id c1 --head base 2>&1) && fail "alembic accepted a new root"
grep -qF "Multiple version locations present, please specify --version-path" <<<"$alembic_out" || fail "alembic says: $alembic_out"
out=$("$RETORT" revision -m x --rev-id c2 --head base --version-path "$tmp" 2>&1) && fail "outside path: accepted"
grep -qF "error: Path $tmp is not represented in current version locations" <<<"$out" || fail "outside path: $out"
[[ -z "$(find "$d" -name 'c[12]_*')" ]] || fail "a refused revision wrote a file"
# on a parent: the parent's folder
out=$("$RETORT" revision -m "second two" --rev-id b2 --head b1) || fail "on b1: $out"
[[ -f two/b2_second_two.py ]] || fail "b2 is not beside b1"
grep -qxF "Generating $d/two/b2_second_two.py ...  done" <<<"$out" || fail "Generating line: $out"
# a location that does not exist yet is skipped, and created when written to
sed -i "s|^version_locations = .*|& %(here)s/three|" alembic.ini
same "missing location" heads
out=$("$RETORT" revision -m "third" --rev-id t1 --head base --version-path three) || fail "into three: $out"
grep -qxF "Creating directory $d/three ...  done" <<<"$out" || fail "Creating directory line: $out"
[[ -f three/t1_third.py ]] || fail "t1 not written into three"
same "three folders" heads
same "three folders" history

# --- upgrade heads applies both branches -----------------------------------
out=$("$RETORT" upgrade heads) || fail "upgrade heads: $out"
# (Alembic prints the rows of current as a Python set: compare sorted)
[[ "$("${ALEMBIC[@]}" current 2>/dev/null | sort)" == "$("$RETORT" current | sort)" ]] || fail "after upgrade: current differs"
[[ $(grep -c '^Running upgrade' <<<"$out") == 4 ]] || fail "upgrade heads ran: $out"

# --- recursive_version_locations (Alembic 1.10+) ----------------------------
d=$tmp/recursive
project "$d" "%(here)s/v" 'recursive_version_locations = true'
mkdir -p "$d/v/2024" "$d/v/2025/q1"
cd "$d"
"$RETORT" revision -m "root" --rev-id r1 >/dev/null || fail "recursive: root"
mv v/r1_root.py v/2024/
"$RETORT" revision -m "child" --rev-id r2 >/dev/null || fail "recursive: child (reads v/2024)"
# one location: the new file goes to it, not to the parent's subfolder (as Alembic)
[[ -f v/r2_child.py ]] || fail "recursive: r2 not in the location: $(find v -name '*.py')"
mv v/r2_child.py v/2025/q1/
want=$(alembic19 history $'r1 -> r2 (head), child\n<base> -> r1, root') || fail "recursive: alembic 1.19 history failed"
got=$("$RETORT" history) || fail "recursive: retort history"
[[ "$want" == "$got" ]] || fail "recursive: history differs: want '$want' got '$got'"
sed -i 's/^recursive_version_locations = true/recursive_version_locations = false/' alembic.ini
got=$("$RETORT" history) || fail "non-recursive: history failed"
[[ -z "$got" ]] || fail "non-recursive: the subfolders were read: $got"
sed -i 's/^recursive_version_locations = false/recursive_version_locations = True/' alembic.ini
out=$("$RETORT" history 2>&1) && fail "True accepted (Alembic reads it as false)"
grep -qF "alembic.ini:4:31: error: recursive_version_locations must be 'true' or 'false', not 'True'" <<<"$out" || fail "True: $out"

finish
