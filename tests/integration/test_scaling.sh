#!/usr/bin/env bash
# test_scaling.sh — nothing in retort's own pipeline grows faster than the
# input: 10,000 tables and 10,000 revisions cost at most SCALING_MAX_RATIO
# (default 25) times what 1,000 cost, in CPU time (user + sys) of the
# process, the least of a few runs.  Linear is 10; a quadratic step is 100
# and more, so the bound is generous enough for a loaded machine and still
# fails on quadratic growth.
#
#   models   `retort revision --autogenerate` of the benchmark schema
#            (tools/bench/gen_models.py: 13 columns, 2 indexes, a unique, a
#            check and a foreign key per table) against a missing SQLite
#            file, an empty database: model files -> schema -> diff ->
#            one migration creating every table (render, lint, the file)
#   heads, history
#            over a chain of revision files (tools/bench/gen_revisions.py):
#            headers, the graph
#   current  the same, with a SQLite database stamped at the head: the
#            database's revisions filtered to the branch heads
#   upgrade --sql base:head
#            the same chain planned, every body read, rendered to SQL with
#            the schema tracked revision after revision (the runner)
#
# Introspection is not measured here: a database of 10,000 tables takes
# SQLite minutes to create, and SQLite's own schema load grows faster than
# linearly (its hash tables stop growing at 64 buckets); tools/bench/run.sh
# measures it against the floor.
# It runs on the optimized build only: under AddressSanitizer the
# allocator's own bookkeeping is what grows, and the plain build of the same
# suite measures retort's code.
source "$(dirname "$0")/lib.sh"
if [ "${RETORT_BUILD_TYPE:-}" = Sanitize ] || [ "${RETORT_BUILD_TYPE:-}" = Debug ]; then
  echo "skip: a $RETORT_BUILD_TYPE build (the scaling is measured on an optimized one)"
  exit 0
fi
tmp=$(mktemp -d /tmp/retort-scaling.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
MAX_RATIO=${SCALING_MAX_RATIO:-25}
SMALL=${SCALING_SMALL:-1000}
LARGE=${SCALING_LARGE:-10000}
BENCH=$SOURCE_DIR/tools/bench
PY=/usr/bin/python3

# cpu_of DIR CMD...: the least CPU time (user + sys, seconds) of CMD run
# in DIR three times; fails the test when CMD fails.
cpu_of() {
  local dir=$1
  shift
  (cd "$dir" && "$PY" - "$@" <<'PY')
import os, subprocess, sys
best = None
for _ in range(3):
    for f in os.listdir("alembic/versions"):
        if f.endswith("_init.py"):
            os.unlink(os.path.join("alembic/versions", f))
    p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.stderr.write(err.decode(errors="replace")[-2000:])
        sys.exit(1)
    t = ru.ru_utime + ru.ru_stime
    best = t if best is None else min(best, t)
print("%.4f" % best)
PY
}

# check WHAT SMALL_SECONDS LARGE_SECONDS
check() {
  local what=$1 s=$2 l=$3 ratio
  ratio=$(awk -v s="$s" -v l="$l" 'BEGIN { printf "%.1f", (s > 0.001 ? l / s : l / 0.001) }')
  echo "$what: $SMALL -> ${s}s, $LARGE -> ${l}s: ${ratio}x (at most ${MAX_RATIO}x)"
  awk -v r="$ratio" -v m="$MAX_RATIO" 'BEGIN { exit !(r <= m) }' ||
    fail "$what grows ${ratio}x from $SMALL to $LARGE (more than ${MAX_RATIO}x: something is superlinear)"
}

for n in "$SMALL" "$LARGE"; do
  new_project "$tmp/models$n"
  "$PY" "$BENCH/gen_models.py" --tables "$n" "$tmp/models$n" >/dev/null || die "gen_models.py $n failed"
  "$PY" "$BENCH/gen_revisions.py" "$n" "$tmp/revs$n" >/dev/null || die "gen_revisions.py $n failed"
done

declare -A t
for n in "$SMALL" "$LARGE"; do
  export DATABASE_URL="sqlite:///$tmp/missing$n.db"
  t[models$n]=$(cpu_of "$tmp/models$n" "$RETORT" revision --autogenerate -m init) || die "autogenerate of $n tables failed"
  [[ ! -e $tmp/missing$n.db ]] || fail "autogenerate created the missing database"
  export DATABASE_URL="sqlite:///$tmp/revs$n.db"
  t[heads$n]=$(cpu_of "$tmp/revs$n" "$RETORT" heads) || die "heads over $n revisions failed"
  t[history$n]=$(cpu_of "$tmp/revs$n" "$RETORT" history) || die "history over $n revisions failed"
  (cd "$tmp/revs$n" && "$RETORT" stamp head >/dev/null) || die "stamp head over $n revisions failed"
  t[current$n]=$(cpu_of "$tmp/revs$n" "$RETORT" current) || die "current over $n revisions failed"
  t[upgrade$n]=$(cpu_of "$tmp/revs$n" "$RETORT" upgrade --sql base:head) || die "upgrade --sql over $n revisions failed"
done
unset DATABASE_URL

check "autogenerate (models, diff, render)" "${t[models$SMALL]}" "${t[models$LARGE]}"
check "heads" "${t[heads$SMALL]}" "${t[heads$LARGE]}"
check "history" "${t[history$SMALL]}" "${t[history$LARGE]}"
check "current" "${t[current$SMALL]}" "${t[current$LARGE]}"
check "upgrade --sql base:head (plan, read, render)" "${t[upgrade$SMALL]}" "${t[upgrade$LARGE]}"
finish
