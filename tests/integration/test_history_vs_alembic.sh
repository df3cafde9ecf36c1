#!/usr/bin/env bash
# The inspection commands against real Alembic on the same versions
# folder and database: current, heads, history (plain, --verbose, -r,
# --indicate-current), branches and show must print what `alembic` prints,
# byte for byte, on a history with a branch point, a branch label and a
# merge point; on SQLite and on PostgreSQL (RETORT_TEST_PG_URL; the test
# fails without it unless RETORT_ALLOW_NO_PG=1).  And docstrings written at
# the edges of Python's string syntax, in history, show and the "Running
# upgrade" lines of a run.
#
# Where Alembic prints a Python set (the children of a branch point, the
# revisions of `current` when the database has several), its order is
# random: those outputs are compared as sorted lines.
#
# All of it twice: against Debian's Alembic 1.8.1 and against the current
# Alembic of ../shared/vendor (on SQLAlchemy 2.0; skipped with a message
# when that folder is absent), each in one Python process (use_alembic).
set -euo pipefail
source "$SOURCE_DIR/tests/integration/lib.sh"
top=$(mktemp -d /tmp/retort-history.XXXXXX)
trap 'rm -rf "$top"; if [[ -n "${RETORT_TEST_PG_URL:-}" ]]; then for v in 18 119; do drop_pg_database "retort_history_${v}_$$"; done; fi' EXIT

# The items of "Branches into:" / "Branch names:" lines are a Python set in
# Alembic (random order); retort sorts them.  Sort Alembic's too.
norm_sets() {
  /usr/bin/python3 -c '
import sys
for line in sys.stdin.read().split("\n"):  # not splitlines(): docstrings hold \f, \v, U+2028
    for key in ("Branches into: ", "Branch names: "):
        if line.startswith(key):
            line = key + ", ".join(sorted(line[len(key):].split(", ")))
    print(line)'
}

# A known difference (docs/revision-graph.md, "Map order"): Alembic 1.8
# lists a versions folder in directory order (os.listdir), which retort
# follows, and a current Alembic in file-name order.  Where branches run in
# parallel, the order of history's entries, and which revision an "overlaps"
# error names, follow that order.  Against Alembic 1.19 such an output must
# still hold the same lines (errors: the same message, revision ids aside);
# each such case is counted and shown.
order_differences=0
same_but_order() {
  [[ $ALEMBIC_VERSION == 1.19 ]] || return 1
  [[ "$(sort <<<"$2")" == "$(sort <<<"$3")" ]] || return 1
  order_differences=$((order_differences + 1))
  echo "note: $1: the same lines as Alembic $ALEMBIC_VERSION, in another order (file-name order)"
}
# "... other requested revisions b, a": Alembic joins a Python set.
sorted_list() {
  local m=$1 head items
  [[ $m == *"revisions "* ]] || { echo "$m"; return; }
  head=${m%revisions *}revisions
  IFS=', ' read -r -a items <<<"${m##*revisions }"
  echo "$head $(printf '%s\n' "${items[@]}" | sort | paste -sd, - | sed 's/,/, /g')"
}
no_ids() { sed -E 's/[a-z]{3,4}[0-9]{8}(, [a-z]{3,4}[0-9]{8})*/<rev>/g'; }

# same LABEL ARGS...: retort and alembic print the same, and succeed.
same() {
  local label=$1; shift
  local want got
  want=$("${ALEMBIC[@]}" "$@" 2>/dev/null | norm_sets; exit "${PIPESTATUS[0]}") ||
    { fail "$label: alembic $* failed"; return; }
  got=$("$RETORT" "$@") || { fail "$label: retort $* failed"; return; }
  if [[ "$want" != "$got" ]] && ! same_but_order "$label" "$want" "$got"; then
    fail "$label: retort $* differs from alembic"
    diff <(echo "$want") <(echo "$got") >&2 || true
  fi
}

# same_sorted: the same lines in any order (Alembic prints a set).
same_sorted() {
  local label=$1; shift
  local want got
  want=$("${ALEMBIC[@]}" "$@" 2>/dev/null | sort) || { fail "$label: alembic $* failed"; return; }
  got=$("$RETORT" "$@" | sort) || { fail "$label: retort $* failed"; return; }
  if [[ "$want" != "$got" ]]; then
    fail "$label: retort $* differs from alembic (sorted)"
    diff <(echo "$want") <(echo "$got") >&2 || true
  fi
}

scenario() {
  local backend=$1 dir=$tmp/$1
  new_project "$dir"
  cd "$dir"
  echo "== $backend"
  # Nothing yet: empty outputs on both sides.
  same "$backend empty heads" heads
  same "$backend empty history" history

  # aaaa -> bbbb (head); aaaa -> cccc (feat) -> dddd (head)
  "$RETORT" revision -m "first table" --rev-id aaaa00000001 >/dev/null
  "$RETORT" revision -m "second change" --rev-id bbbb00000002 >/dev/null
  "$RETORT" revision -m "feature start" --rev-id cccc00000003 --head aaaa00000001 --splice \
    --branch-label feat >/dev/null
  "$RETORT" revision -m "feature more" --rev-id dddd00000004 --head feat@head >/dev/null

  # Not splicing onto a non-head is refused, as Alembic does.
  if out=$("$RETORT" revision -m x --head aaaa00000001 2>&1); then fail "revision --head non-head accepted"; fi
  grep -q "Revision aaaa00000001 is not a head revision; please specify --splice" <<<"$out" ||
    fail "--splice message: $out"
  # Autogenerate keeps refusing several heads, naming them and retort merge.
  if out=$("$RETORT" revision --autogenerate -m x 2>&1); then fail "autogenerate with two heads accepted"; fi
  grep -q "several heads: bbbb00000002, dddd00000004" <<<"$out" || fail "autogenerate heads message: $out"
  grep -q "retort merge bbbb00000002 dddd00000004" <<<"$out" || fail "autogenerate merge hint: $out"

  same "$backend heads" heads
  same "$backend heads -v" heads --verbose
  same "$backend history" history
  same "$backend history -v" history --verbose
  same "$backend history range" history -r aaaa00000001:feat@head
  same "$backend history open range" history -r cccc:
  same "$backend history to" history -r :bbbb00000002
  same_sorted "$backend branches" branches
  same "$backend show prefix" show aaaa
  same "$backend show label" show feat@head
  same "$backend show heads" show heads
  # <rev>-N (retort's extension of show): the revision below
  [[ "$("$RETORT" show dddd00000004-1)" == "$("${ALEMBIC[@]}" show cccc00000003 2>/dev/null)" ]] ||
    fail "$backend show dddd00000004-1 is not cccc00000003's entry"

  # An error: a revision that does not exist.
  if out=$("$RETORT" show zzzz9 2>&1); then fail "show unknown succeeded"; fi
  grep -q "Can't locate revision identified by 'zzzz9'" <<<"$out" || fail "unknown revision message: $out"
  # several heads: "head" is refused with Alembic's message
  if out=$("$RETORT" show head 2>&1); then fail "show head with two heads succeeded"; fi
  grep -q "Multiple head revisions are present for given argument 'head'" <<<"$out" || fail "head message: $out"

  # The database: nothing, then both heads (by Alembic).
  same "$backend current (no table)" current
  "${ALEMBIC[@]}" upgrade heads 2>/dev/null
  same_sorted "$backend current two heads" current
  same_sorted "$backend current -v" current --verbose
  same "$backend history -i" history --indicate-current
  same "$backend history -v -i" history --verbose --indicate-current
  same "$backend show current" show bbbb00000002
  "${ALEMBIC[@]}" downgrade feat@-1 2>/dev/null
  same_sorted "$backend current after branch downgrade" current
  same "$backend history current range" history -r current:heads

  # The merge, by retort; Alembic sees one head and upgrades onto it.
  "$RETORT" merge heads -m "merge feature" --rev-id eeee00000005 >/dev/null
  same "$backend heads after merge" heads
  same "$backend history after merge" history
  same "$backend history -v after merge" history --verbose
  same "$backend show merge" show eeee00000005
  "${ALEMBIC[@]}" upgrade head 2>/dev/null || fail "$backend: alembic upgrade head after merge failed"
  same "$backend current at merge" current
  same "$backend current -v at merge" current --verbose
  cd "$SOURCE_DIR"
}

# The "Running ..." messages of an Alembic run (its log on stderr), each
# with the lines that continue it (a docstring's first paragraph may span
# lines).
alembic_running() {
  /usr/bin/python3 -c '
import sys
msgs = []
for line in sys.stdin.read().split("\n"):
    if line.startswith(("INFO  [", "WARNI [", "ERROR [")):
        msgs.append(line.split("] ", 1)[1])
    elif msgs and line:
        msgs[-1] += "\n" + line
print("\n".join(m for m in msgs if m.startswith("Running ")))'
}

# Docstrings at the edges of Python's string syntax (tests/data/docstrings:
# escaped quotes and backslashes, raw strings, single quotes, adjacent
# literals, CRLF and a BOM, Unicode whitespace, none at all): history,
# heads, show and the "Running upgrade / downgrade" lines print them as
# Alembic does, decoded.
docstrings() {
  local dir=$tmp/docstrings r want got
  new_project "$dir"
  cd "$dir"
  echo "== docstrings"
  cp "$SOURCE_DIR"/tests/data/docstrings/*.py alembic/versions/
  export DATABASE_URL="sqlite:///$dir/app.db"
  same "docstrings history" history
  same "docstrings history -v" history --verbose
  same "docstrings heads -v" heads --verbose
  for r in doc000000001 doc000000002 doc000000003 doc000000004 doc000000005 doc000000006 doc000000007 \
    doc000000008 doc000000009 contract; do
    same "docstrings show $r" show $r
  done
  for step in "upgrade head" "downgrade base"; do
    # shellcheck disable=SC2086
    want=$(DATABASE_URL="sqlite:///$dir/alembic.db" PYTHONWARNINGS=ignore "${ALEMBIC[@]}" $step 2>&1 | alembic_running)
    # shellcheck disable=SC2086
    got=$(DATABASE_URL="sqlite:///$dir/retort.db" "$RETORT" $step --no-backup) || fail "docstrings: retort $step failed"
    if [[ "$want" != "$got" ]]; then
      fail "docstrings: the Running lines of $step differ from Alembic's"
      diff <(echo "$want") <(echo "$got") >&2 || true
    fi
    [[ -n "$want" ]] || fail "docstrings: no Running lines from Alembic's $step"
  done
  cd "$SOURCE_DIR"
}
# same_or_error LABEL ARGS...: retort prints what alembic prints, or both
# fail with the same message (Alembic's "FAILED: ..." on stdout, retort's
# "error: ..." on stderr) and a failing status (argparse's: 2 for both).
same_or_error() {
  local label=$1; shift
  local want got ws gs wmsg gmsg
  set +e
  want=$("${ALEMBIC[@]}" "$@" 2>/tmp/alembic-err.$$); ws=$?
  got=$("$RETORT" "$@" 2>/tmp/retort-err.$$); gs=$?
  set -e
  wmsg=$( { grep -h '^FAILED: ' <<<"$want"; grep -h 'error: ' /tmp/alembic-err.$$; } | sed 's/^FAILED: //; s/^.*error: //' | head -1 || true)
  gmsg=$( { grep -h 'error: ' /tmp/retort-err.$$ || true; } | sed 's/^.*error: //' | head -1)
  rm -f /tmp/alembic-err.$$ /tmp/retort-err.$$
  if ((ws == 0)); then
    if ((gs != 0)); then fail "$label: retort $* failed ($gmsg); alembic did not"; return; fi
    if [[ "$(norm_sets <<<"$want")" != "$got" ]] && ! same_but_order "$label" "$(norm_sets <<<"$want")" "$got"; then
      fail "$label: retort $* differs from alembic"
      diff <(norm_sets <<<"$want") <(echo "$got") >&2 || true
    fi
  else
    if ((gs == 0)); then fail "$label: retort $* succeeded; alembic failed: $wmsg"; return; fi
    if (( (ws == 2) != (gs == 2) )); then fail "$label: exit $gs, alembic $ws"; fi
    [[ "$wmsg" == "$gmsg" || "$(sorted_list "$wmsg")" == "$(sorted_list "$gmsg")" ]] || same_but_order "$label" "$(no_ids <<<"$wmsg")" "$(no_ids <<<"$gmsg")" ||
      fail "$label: retort $* says '$gmsg', alembic '$wmsg'"
  fi
}

# Every form of history -r (docs/revision-graph.md), on a linear history and
# on a branched one, with the database part way: the output, or the error.
ranges() {
  local dir=$tmp/ranges r
  new_project "$dir"
  cd "$dir"
  echo "== ranges"
  export DATABASE_URL="sqlite:///$dir/app.db"
  local forms=(current:+1 -r-3:current base:head rev00000002: :rev00000003 -r-2: -r-1: -r-4: -r-5: -r-6:
    current: :current current:head current:heads base:current current:base head:base
    rev00000004:rev00000002 rev00000002:rev00000004 :-1 :+1 :+9 -r-3:+1 -r-2:+1 -r-3:-1 rev00000002:+2
    current:-1 current:+9 base:+2 :rev00000003+1 :rev00000003-1 :heads-1 rev00000002:head+0 rev00000002+1:
    +1: heads: base: :base :head :heads rev0000: zzzz: :zzzz nocolon " base:head ")
  # linear: rev00000001 .. rev00000005, the database at rev00000003
  same_or_error "range on an empty folder" history -r base:head
  for i in 1 2 3 4 5; do "$RETORT" revision -m "r$i" --rev-id rev0000000$i >/dev/null; done
  same_or_error "linear :current, no database" history -r :current
  same_or_error "linear current:, no database" history -r current:
  same_or_error "linear current:+1, no database" history -r current:+1
  "${ALEMBIC[@]}" upgrade rev00000003 2>/dev/null
  for r in "${forms[@]}"; do
    if [[ $r == -r* ]]; then same_or_error "linear $r" history "$r"; else same_or_error "linear -r $r" history -r "$r"; fi
  done
  same_or_error "linear -r -2: (argparse)" history -r -2:
  same_or_error "linear --rev-range=-2:" history --rev-range=-2:
  same_or_error "linear -r -2 (a negative number)" history -r -2
  same_or_error "linear -v -i current:+1" history -v -i -r current:+1
  # branched: rev00000002 -> {bbbb (head), cccc (feat) -> dddd (head)}, the
  # database at bbbb and cccc
  "$RETORT" revision -m "b" --rev-id bbbb00000006 --head rev00000002 --splice >/dev/null
  "$RETORT" revision -m "c" --rev-id cccc00000007 --head rev00000002 --splice --branch-label feat >/dev/null
  "$RETORT" revision -m "d" --rev-id dddd00000008 --head feat@head >/dev/null
  "${ALEMBIC[@]}" downgrade base 2>/dev/null
  "${ALEMBIC[@]}" upgrade bbbb00000006 2>/dev/null
  "${ALEMBIC[@]}" upgrade cccc00000007 2>/dev/null
  for r in "${forms[@]}" feat@head: :feat@head feat@base:feat@head feat@-1: -rfeat@-1: nob@head: :nob@head \
    bbbb00000006:dddd00000008 rev00000002:dddd00000008 :cccc00000007 current:feat@head feat@+1: :feat@+1 \
    cccc00000007:+1 :bbbb00000006 rev00000005:bbbb00000006; do
    if [[ $r == -r* ]]; then same_or_error "branched $r" history "$r"; else same_or_error "branched -r $r" history -r "$r"; fi
  done
  cd "$SOURCE_DIR"
}
for version in 1.8 1.19; do
  if ! use_alembic $version; then
    echo "skip: Alembic $version: $ALEMBIC119_MISSING"
    continue
  fi
  echo "=== Alembic $version"
  tmp=$top/$version
  pgdb=retort_history_${version/./}_$$
  mkdir -p "$tmp"
  ranges

  docstrings

  export DATABASE_URL="sqlite:///$tmp/sqlite/app.db"
  scenario sqlite

  if [[ -z "${RETORT_TEST_PG_URL:-}" ]]; then
    if [[ "${RETORT_ALLOW_NO_PG:-}" == 1 ]]; then
      echo "PostgreSQL skipped (RETORT_ALLOW_NO_PG=1)"
    else
      fail "RETORT_TEST_PG_URL is not set (set RETORT_ALLOW_NO_PG=1 to skip PostgreSQL)"
    fi
  else
    export DATABASE_URL=$(new_pg_database "$pgdb")
    scenario postgresql
  fi
done
finish
