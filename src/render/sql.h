/*
** sql.h — op lists to SQL statements per dialect: what the native runner
** executes and what offline --sql prints.
**
** Identifiers are always quoted by the dialect's quote_ident and literals
** always escaped: nothing from a migration is pasted into SQL unquoted
** except op.execute() text and sa.text() expressions, which are SQL by
** definition.
**
** On SQLite, what ALTER TABLE cannot do (alter a column, add or drop a
** constraint, drop a column that is indexed or constrained, ...) is done as
** Alembic's batch mode does it — "move and copy": create _alembic_tmp_<t>
** with the new definition, INSERT ... SELECT the rows, drop the old table,
** rename, re-create the indexes — one move-and-copy for all the ops of one
** batch block.  That needs the table's current definition: `current` is the
** schema the ops apply to, kept up to date by schema_apply_ops() as the
** run goes (introspected at the start of an online run; for offline --sql,
** built by applying the earlier migrations to an empty schema, on SQLite,
** as far as retort can read them).
*/
#ifndef RETORT_SQL_H
#define RETORT_SQL_H

#include "diff/diff.h"

typedef struct sql_statement {
    const char *text;               /* one statement, no trailing ';' */
    src_loc loc;                    /* the op it came from (for errors) */
    /* Runs outside the migration's transaction (ALTER TYPE ... ADD VALUE,
    ** an op in an autocommit_block): the runner commits before it and
    ** begins again after, as Alembic's autocommit_block does. */
    bool autocommit;
} sql_statement;
typedef VEC(sql_statement) sql_statements;

/* The statements for ops[0..n) on dialect d, appended to out (strings in
** a).  Returns 0, or -1 with a diagnostic located at the op (e.g. an
** alteration SQLite cannot do outside a batch block, a table `current`
** does not know). */
int render_sql(const op *ops, size_t n, const dialect *d, const schema *current, arena *a,
               sql_statements *out, diag_list *dl);

/* Whether SQLite needs a move-and-copy of the table for op o, on its own
** (in_batch false: what Alembic cannot run outside batch_alter_table) or
** inside a batch block (Alembic's requires_recreate_in_batch). */
bool sql_sqlite_needs_recreate(const op *o, bool in_batch);

/* One alembic_version statement, and what it does in Alembic's words
** ("updating 'a' to 'b'", "deleting 'a'"), for the error when the row
** count it gets is not one (db_exec_version_row). */
typedef struct version_change {
    const char *sql;
    const char *what;
} version_change;
typedef VEC(version_change) version_changes;

/* Index keys, as both renderers write them (Alembic's sa.text() keys and
** retort's own CREATE INDEX must give the same statement, byte for byte,
** as SQLite stores it).  A key is a bare column when it is a column with
** no order or nulls option: written as its name (its operator class goes
** to postgresql_ops).  Any other key is SQL text: the expression (without
** its outer parentheses when it is one function call), or the column name
** (double-quoted when either dialect would quote it), then the operator
** class, DESC, NULLS FIRST / LAST: "lower(email)", "(a + b) DESC",
** "created_at DESC NULLS LAST", "name varchar_pattern_ops DESC". */
bool index_key_bare(const index_def *ix, size_t k);
const char *index_key_text(arena *a, const index_def *ix, size_t k);

/* The USING expression of a PostgreSQL type change to or from an array or
** an enum type (ALTER COLUMN c TYPE t USING ...), which the server cannot
** do by itself; NULL when neither type is one.  An enum's values go through
** their text (CAST(CAST(c AS TEXT) AS task_status); an array of them:
** CAST(CAST(c AS TEXT[]) AS task_status[])), so that a label that is not
** one of the new type's fails the migration rather than anything else.  A scalar becomes a one-element array
** (NULL stays NULL), an array its elements joined by ',', an array of
** another element type the cast of it:
**   text    -> varchar(50)[]  CASE WHEN c IS NULL THEN NULL ELSE ARRAY[CAST(c AS VARCHAR(50))] END
**   text[]  -> text           CAST(array_to_string(c, ',') AS TEXT)
**   int[]   -> bigint[]       CAST(c AS BIGINT[])
** Both renderers write it for a change the differ found (postgresql_using=
** in the Python file). */
const char *sql_type_change_using(arena *a, const char *column, const col_type *from, const col_type *to);

/* The version table: env.py's version_table (NULL: alembic_version) and
** version_table_schema (NULL: unqualified). */
typedef struct version_table {
    const char *name;
    const char *schema;
} version_table;

/* alembic_version statements, exactly as Alembic issues them (vt may be
** NULL: alembic_version). */
const char *sql_create_version_table(arena *a, const dialect *d, const version_table *vt);
const char *sql_insert_version(arena *a, const dialect *d, const version_table *vt, const char *rev);
const char *sql_update_version(arena *a, const dialect *d, const version_table *vt, const char *from, const char *to);
const char *sql_delete_version(arena *a, const dialect *d, const version_table *vt, const char *rev);
const char *sql_drop_version_table(arena *a, const dialect *d, const version_table *vt);

/* An OP_SET_TABLE_SCHEMA as PostgreSQL's statement, both schemas named
** (the default one by o->default_schema):
**   ALTER TABLE "public"."events" SET SCHEMA "audit"
** what both renderers write (the Python one in op.execute) and the
** migration reader reads back. */
const char *sql_set_table_schema(arena *a, const dialect *d, const op *o);

#endif
