#!/usr/bin/env bash
# On this repository's own alembic/versions/, retort's inspection commands
# print what Alembic prints, before and after `retort upgrade head`: Alembic
# 1.8.1 and the current one of ../shared/vendor (skipped, with a message,
# when that folder is absent), each in one Python process (use_alembic).
source "$SOURCE_DIR/tests/integration/lib.sh"
tmp=$(mktemp -d /tmp/retort-repo-history.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
ini=$SOURCE_DIR/alembic.ini
same() {
  local x y
  x=$("${ALEMBIC[@]}" -c "$ini" "$@" 2>/dev/null) || fail "alembic $* failed"
  y=$("$RETORT" -c "$ini" "$@" 2>&1) || fail "retort $* failed: $y"
  [ "$x" = "$y" ] || fail "retort $* differs from Alembic:"$'\n'"$(diff <(echo "$x") <(echo "$y"))"
}
for version in 1.8 1.19; do
  use_alembic $version || { echo "skip: Alembic $version: $ALEMBIC119_MISSING"; continue; }
  export DATABASE_URL="sqlite:///$tmp/repo-$version.db"
  for step in before after; do
    for cmd in "heads" "heads --verbose" "history" "history --verbose" "current" "current --verbose" "show head" "branches"; do
      same $cmd
    done
    [ $step = before ] && { "$RETORT" -c "$ini" upgrade head >/dev/null || die "retort upgrade head"; }
  done
  [ "$("${ALEMBIC[@]}" -c "$ini" current 2>/dev/null)" = "$("$RETORT" -c "$ini" heads)" ] || fail "Alembic $version does not read retort's upgrade as head"
  echo "ok Alembic $version"
done
finish
