/*
** diff.h — compare the current schema (the database) with the wanted schema
** (the models) and yield the operations of one migration, in a safe order.
**
** The op list is the upgrade; every op has an exact inverse (op_inverse), and
** the downgrade is the inverses in reverse order.  Order rules:
**   - renames first (so later ops use the new names);
**   - tables are created parents before children, and dropped children
**     before parents; a foreign-key cycle is broken by creating the tables
**     without the cyclic keys and adding those as OP_ADD_FOREIGN_KEY after;
**   - within a table: drop constraints/indexes, drop columns, add columns,
**     alter columns, add constraints/indexes.
**
** Ops point into the two schemas (and into the ops arena for shallow copies),
** so the schemas must outlive the op list.
*/
#ifndef RETORT_DIFF_H
#define RETORT_DIFF_H

#include "dialect/dialect.h"
#include "model/schema.h"

#include "diff/op_kinds.h"

/* The op kinds, from the list in op_kinds.h.  What each op uses of struct op:
**   CREATE_TABLE      table (wanted; may omit deferred cyclic FKs)
**   DROP_TABLE        table (current)
**   RENAME_TABLE      old_name -> new_name (in schema)
**   SET_TABLE_SCHEMA  table_name moves from old_schema to schema (ALTER TABLE
**                     ... SET SCHEMA; rows, indexes and constraints go with it)
**   ADD_COLUMN        table_name, column (wanted)
**   DROP_COLUMN       table_name, column (current)
**   ALTER_COLUMN      table_name, column (new), old_column, alter
**   RENAME_COLUMN     table_name, old_name -> new_name, column (new)
**   CREATE/DROP_INDEX table_name, index
**   ADD/DROP_UNIQUE   table_name, unique
**   ADD/DROP_FOREIGN_KEY  table_name, fk
**   ADD/DROP_CHECK    table_name, check
**   ADD/DROP_PRIMARY_KEY  table_name, pk (its name: the server's
**                     <table>_pkey when the model gives none)
**   SET_TABLE_COMMENT table_name, old_comment -> new_comment (NULL = none)
**   CREATE/DROP_ENUM  enumeration (PostgreSQL: CREATE TYPE ... AS ENUM / DROP TYPE)
**   ALTER_ENUM        old_enumeration -> enumeration (same name), enum_uses:
**                     labels renamed (a label's renamed_from, either way),
**                     added (ALTER TYPE ... ADD VALUE, outside the
**                     transaction), or, when one goes or the order changes,
**                     the type rebuilt and the columns of enum_uses
**                     converted to it
**   EXECUTE           sql: op.execute("...") / op.execute(sa.text("..."))
**   BULK_INSERT       table_name, insert_columns, rows: op.bulk_insert()
** EXECUTE and BULK_INSERT come only from migration files, never from the
** differ. */
typedef enum op_kind {
#define OP_KIND_ENUM(name, json, alembic, inverse, scope, sqlite, sqlite_batch, what) OP_##name,
    OP_KIND_LIST(OP_KIND_ENUM)
#undef OP_KIND_ENUM
} op_kind;

typedef enum op_scope { OP_SCOPE_SCHEMA, OP_SCOPE_TABLE, OP_SCOPE_DATA } op_scope;
typedef enum op_sqlite_rule { OP_SQLITE_PLAIN, OP_SQLITE_RECREATE, OP_SQLITE_DEPENDS } op_sqlite_rule;

/* What op_kinds.h says of a kind. */
typedef struct op_kind_info {
    const char *json_name;
    const char *alembic_name;
    op_kind inverse;
    op_scope scope;
    op_sqlite_rule sqlite;          /* the op on its own */
    op_sqlite_rule sqlite_batch;    /* the op inside a batch block */
    const char *what;
} op_kind_info;

const op_kind_info *op_kind_info_of(op_kind k);

/* A literal value of op.bulk_insert() rows. */
typedef struct sql_literal {
    enum { LIT_NULL, LIT_STRING, LIT_NUMBER, LIT_BOOL } kind;
    const char *text;               /* STRING: the value; NUMBER: the literal */
    bool bool_value;
} sql_literal;
typedef VEC(sql_literal) literal_row;
typedef VEC(literal_row) literal_rows;

/* A `with op.batch_alter_table(...) as batch_op:` block of a migration
** file: its ops share the pointer.  On SQLite the whole block is one
** move-and-copy where any of its ops needs it, as Alembic does. */
typedef struct batch_block {
    const char *table_name;
    const char *schema;             /* its schema= (NULL: None or the default one) */
    const char *recreate;           /* "auto" (default), "always", "never" */
    src_loc loc;
} batch_block;

/* What an OP_ALTER_COLUMN changes (bit set). */
enum {
    ALTER_TYPE = 1u << 0,
    ALTER_NULLABLE = 1u << 1,
    ALTER_DEFAULT = 1u << 2,
    ALTER_COMMENT = 1u << 3,
    /* GENERATED AS IDENTITY added, removed or its options changed (column
    ** and old_column's generated_identity).  The differ gives it an op of
    ** its own; a migration's alter_column may give it with other bits
    ** (never with ALTER_DEFAULT: both are its server_default=) */
    ALTER_IDENTITY = 1u << 4
};

/* A column of an enum type, where an ALTER_ENUM that rebuilds the type
** converts it (the type's columns in the schema the op applies to). */
typedef struct enum_use {
    const char *table;
    const char *schema;             /* the table's schema (NULL: the default) */
    const char *column;
    const char *default_sql;        /* its server default as the database has it, or NULL */
    bool array;                     /* an ARRAY of the enum */
} enum_use;
typedef VEC(enum_use) enum_use_vec;

typedef struct op {
    op_kind kind;
    const char *table_name;
    /* The PostgreSQL schema of table_name when not the default one, else
    ** NULL (SET_TABLE_SCHEMA: the schema it moves to). */
    const char *schema;
    const char *old_schema;         /* SET_TABLE_SCHEMA: the schema it leaves (NULL: the default) */
    const char *default_schema;     /* SET_TABLE_SCHEMA: the name NULL stands for in the two */
    const table *table;             /* CREATE/DROP TABLE */
    const char *old_name, *new_name;/* renames */
    const column *column;           /* the column after the op */
    const column *old_column;       /* ALTER: the column before the op */
    unsigned alter;                 /* ALTER_* bits */
    const index_def *index;
    const unique_def *unique;
    const foreign_key *fk;
    const check_def *check;
    const primary_key *pk;
    const char *old_comment, *new_comment;
    const enum_type *enumeration;   /* CREATE/DROP/ALTER_ENUM (ALTER: the labels after) */
    const enum_type *old_enumeration;/* ALTER_ENUM: the labels before */
    const enum_use_vec *enum_uses;  /* ALTER_ENUM */
    /* Ops read from migration files: */
    const char *sql;                /* OP_EXECUTE */
    const str_vec *insert_columns;  /* OP_BULK_INSERT */
    const literal_rows *rows;       /* OP_BULK_INSERT */
    const batch_block *batch;       /* the batch block the op is in, or NULL */
    bool autocommit;                /* in `with op.get_context().autocommit_block():` */
    bool concurrently;              /* CREATE/DROP_INDEX read from a file with
                                       postgresql_concurrently=True (in an autocommit_block) */
    /* ALTER_COLUMN read from a file: its postgresql_using= (the USING of
    ** ALTER COLUMN ... TYPE), or NULL.  From the differ always NULL: the
    ** renderers write sql_type_change_using() for a change to or from an
    ** array (render/sql.h). */
    const char *postgresql_using;
    bool kind_unknown;              /* op.drop_constraint() without type_: one of
                                       the OP_DROP_* constraint kinds, which the
                                       runner learns from the database
                                       (migration_op_set_drop_kind) */
    src_loc loc;                    /* where the file says it (0: from the differ) */
} op;

typedef struct migration_ops {
    arena *arena;
    VEC(op) ops;
} migration_ops;

typedef struct diff_options {
    const dialect *dialect;         /* comparison rules of the database */
    const char *default_schema;     /* [retort] schema, which tables without one are in (NULL: public) */
} diff_options;

/* Compare current (database) with wanted (models).  Returns a new op list
** (free with migration_ops_free), or NULL with a diagnostic. */
migration_ops *diff_schemas(const schema *current, const schema *wanted,
                            const diff_options *opt, diag_list *dl);
void migration_ops_free(migration_ops *m);

/* The op that undoes `o`. */
op op_inverse(const op *o);

/* One line describing an op, as autogenerate prints it:
**   Detected added table 'datasets'
**   Detected added column 'datasets.user_role'
**   Detected type change from String(50) to String(100) on 'datasets.status' */
const char *op_describe(arena *a, const op *o);

/* What an ALTER_ENUM does, label by label: renames first (a hint on
** either side), then labels added in place (ALTER TYPE ... ADD VALUE),
** each after `added_after` / before `added_before` (both NULL: at the
** end); or, when a label goes or the kept labels change order, `rebuild`:
** the type is made anew with the labels of `after` and its columns are
** converted (removed lists what goes; added what comes). */
typedef struct enum_change_plan {
    str_vec renamed_from, renamed_to;   /* parallel */
    str_vec added, added_after, added_before;  /* parallel */
    str_vec removed;
    bool rebuild;
} enum_change_plan;
void enum_change_plan_of(arena *a, const enum_type *before, const enum_type *after, enum_change_plan *out);

/* JSON form of the op list (retort diff --json). */
json_t *migration_ops_to_json(const migration_ops *m);

/* ------------------------------------------------- ops applied (apply.c) */

/* Apply ops to a schema, as the database will once the statements run
** (tables created, columns altered, renames...).  OP_EXECUTE and
** OP_BULK_INSERT leave it as it is.  Returns 0, or -1 with a diagnostic when
** an op refers to something the schema does not have. */
int schema_apply_ops(schema *s, const op *ops, size_t n, diag_list *dl);

/* What the SQL of an op.execute() (o->sql) does to a schema, as
** `check --offline` follows it (apply_sql.c): nothing (SELECT, INSERT,
** SET...), rows there are changed or deleted (UPDATE, DELETE...), one of
** the statements retort writes for PostgreSQL enum types (CREATE TYPE ...
** AS ENUM, DROP TYPE, ALTER TYPE ... ADD VALUE / RENAME VALUE / RENAME
** TO, and the ALTER TABLE ... ALTER COLUMN statements of a type's rebuild),
** applied to s, or a change of the schema retort does not follow (*what:
** the statement's first words, "CREATE INDEX").  Several statements: the
** strongest effect.  pg_schema: the schema a qualified name may name (NULL:
** public).  Returns 0, or -1 with a diagnostic at o->loc when an enum
** statement names a type or label s does not have. */
typedef enum sql_effect { SQL_EFFECT_NONE, SQL_EFFECT_ROWS, SQL_EFFECT_APPLIED, SQL_EFFECT_SCHEMA } sql_effect;
int schema_apply_sql(schema *s, const op *o, const char *pg_schema, sql_effect *effect, const char **what,
                     diag_list *dl);

/* Deep copies (apply.c), everything in the destination's arena.
** schema_copy_table keeps the table's name and indexes. */
schema *schema_copy(const schema *src);
table *schema_copy_table(schema *dst, const table *src);
/* Replace the table of the same name in s by a copy of t (or add it). */
void schema_replace_table(schema *s, const table *t);


#endif
