#!/usr/bin/env bash
# On this repository's own alembic/versions/, retort's inspection commands
# print what Alembic prints, before and after `retort upgrade head`.
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-repo-history.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export DATABASE_URL="sqlite:///$tmp/repo.db"
ini=$SOURCE_DIR/alembic.ini
same() {
  local x y
  x=$("${ALEMBIC[@]}" -c "$ini" "$@" 2>/dev/null) || fail "alembic $* failed"
  y=$("$RETORT" -c "$ini" "$@" 2>&1) || fail "retort $* failed: $y"
  [ "$x" = "$y" ] || fail "retort $* differs from Alembic:"$'\n'"$(diff <(echo "$x") <(echo "$y"))"
}
for step in before after; do
  for cmd in "heads" "heads --verbose" "history" "history --verbose" "current" "current --verbose" "show head" "branches"; do
    same $cmd
  done
  [ $step = before ] && { "$RETORT" -c "$ini" upgrade head >/dev/null || die "retort upgrade head"; }
done
[ "$("${ALEMBIC[@]}" -c "$ini" current 2>/dev/null)" = "$("$RETORT" -c "$ini" heads)" ] || fail "Alembic does not read retort's upgrade as head"
finish
