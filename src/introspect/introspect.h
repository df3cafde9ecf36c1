/*
** introspect.h — read the live schema of a database into the Schema IR.
**
** Each backend uses a fixed number of catalog queries however many tables
** there are (never one query per table), and no recursion on schema depth.
** alembic_version, retort's checksum table (db_conn.checksum_table), the
** backend's own tables (sqlite_*) and the tables in options->exclude_tables
** are not part of the result.
*/
#ifndef RETORT_INTROSPECT_H
#define RETORT_INTROSPECT_H

#include "db/db.h"
#include "model/schema.h"

typedef struct introspect_options {
    const str_vec *exclude_tables;  /* names or shell patterns (audit_*, tmp_?); may be NULL */
    /* A table of retort's own, left out without a word as alembic_version
    ** is: introspect_database sets it to the connection's checksum_table. */
    const char *hidden_table;
    /* PostgreSQL: the schemas read besides the default one (may be NULL),
    ** or, with all_schemas, every schema but the server's own (pg_*,
    ** information_schema).  Tables and types of the default schema are
    ** unqualified in the result; those of the others carry their schema. */
    const str_vec *schemas;
    bool all_schemas;
} introspect_options;

/* Does a table name match one of the [retort] exclude_tables patterns
** (fnmatch: `*`, `?`, `[...]`; case-insensitive where the database's names
** are, as SQLite's)? */
bool introspect_excluded(const str_vec *patterns, const char *name, bool nocase);

/* A column type as the dialect parses the database's spelling of it, each
** spelling parsed once: types maps spellings to their col_type and lives,
** with its keys, in scratch; the col_type's own parts (raw, an array's
** element) are in s's arena, shared by every column of that spelling.  A
** schema spells its types a few ways for thousands of columns. */
col_type introspect_column_type(const dialect *d, schema *s, strmap *types, arena *scratch, const char *spelling);

/* Fill *out with a new schema (caller frees with schema_free).  Returns 0,
** or -1 with a diagnostic. */
int introspect_sqlite(sqlite3 *db, const introspect_options *opt, schema **out, diag_list *dl);
int introspect_postgres(PGconn *conn, const char *pg_schema, const introspect_options *opt,
                        schema **out, diag_list *dl);
/* The expression of a pg_get_constraintdef() CHECK: "CHECK (x >= 0) NOT
** VALID" -> "x >= 0". */
const char *pg_check_expression(arena *a, const char *def);
/* An index key as introspection keeps it, from pg_get_indexdef(oid, k, true)
** of an expression key: "lower(email)" -> "(lower(email))", "(a + b)" ->
** "(a + b)". */
const char *pg_index_expression(arena *a, const char *indexdef_key);

/* Dispatch on the connection's backend. */
int introspect_database(db_conn *c, const introspect_options *opt, schema **out, diag_list *dl);

/* The statements an introspector sends, in the order it sends them (on
** PostgreSQL from its BEGIN to its COMMIT), whatever the number of tables:
** for tools/bench/floor.c, which runs them and reads every value to
** measure what the catalog itself costs, and for the test that keeps this
** list and the introspectors in step (tests/unit/test_catalog_floor.c).
** `$1`, where a statement has it, is the PostgreSQL schema. */
typedef struct catalog_query {
    const char *what;       /* as the introspector's diagnostics name it */
    const char *sql;
} catalog_query;
size_t introspect_sqlite_queries(const catalog_query **out);
size_t introspect_postgres_queries(const catalog_query **out);

#endif
