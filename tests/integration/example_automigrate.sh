#!/usr/bin/env bash
# docs/examples/automigrate.c, built against the library: it brings an empty
# SQLite database to head through the C API, then finds nothing to do.
source "$SOURCE_DIR/tests/integration/lib.sh"
example=${1:?the example binary}
tmp=$(mktemp -d /tmp/retort-example.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export DATABASE_URL="sqlite:///$tmp/app.db"
out=$("$example" "$SOURCE_DIR/alembic.ini") || die "the example failed: $out"
grep -q "^\[migrate\] Running upgrade  -> " <<<"$out" || fail "no migration ran: $out"
grep -q "^\[migrate\] 1 migration(s) applied$" <<<"$out" || fail "unexpected summary: $out"
out=$("$example" "$SOURCE_DIR/alembic.ini") || die "the second run failed: $out"
grep -q "^\[migrate\] 0 migration(s) applied$" <<<"$out" || fail "the second run did something: $out"
out=$("$RETORT" -c "$SOURCE_DIR/alembic.ini" diff) || die "diff after the example: $out"
[ "$out" = "No changes detected" ] || fail "the example's database differs from the models: $out"
finish
