/*
** canon.h — the server's own spelling of the models' expressions.
**
** PostgreSQL keeps a CHECK, an index predicate or a default not as written
** but as it re-prints its parse tree: `status IN ('a', 'b')` on a varchar
** column comes back as `(status)::text = ANY ((ARRAY['a'::character
** varying, 'b'::character varying])::text[])`.  No text normalization can
** tell the two apart reliably, so the server is asked: inside one
** transaction that is always rolled back, each wanted table that also
** exists in the database and has checks or indexes with a predicate, an
** expression key or an operator class is created as a temporary table with
** them, and the catalog is read back with pg_get_constraintdef /
** pg_get_expr / pg_get_indexdef(oid, k, true) and the keys' operator
** classes — the very functions introspection uses, so both sides of the
** comparison are printed by the same code.
** (Defaults have a canonical form of their own: dialect.canonical_default.)
**
** All of it goes to the server as one pipeline (libpq pipeline mode): a
** fixed number of round trips however many tables there are.  Each
** statement is still a statement of its own (extended protocol), so a
** model's SQL text cannot smuggle a second one in.
**
** What is read back is stored beside the models' text (check_def.canonical,
** index_def.where_canonical, index_def.columns_canonical); an operator class
** is replaced by the server's name for it (NULL when it is the type's
** default, which is no option).  The differ compares those when they are
** there.  If the server refuses a table (a check naming
** a column that does not exist, say), nothing is canonicalized, a warning
** says why, and the differ falls back to comparing normalized text — the
** migration itself would then fail on that statement, with the server's
** error.
*/
#ifndef RETORT_CANON_H
#define RETORT_CANON_H

#include "db/db.h"
#include "render/sql.h"

/* Fill in the canonical spellings of `wanted`'s checks, partial-index
** predicates and index keys, for the tables that `current` has too (by name or by
** @@renamed_from).
** Only PostgreSQL rewrites expressions; on SQLite this does nothing.
** Returns 0 (also when it fell back, with a warning), or -1 with a
** diagnostic when the connection itself failed. */
int canon_expressions(db_conn *c, const schema *current, schema *wanted, diag_list *dl);

#endif
