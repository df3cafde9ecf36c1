/*
** migration.h — migration files: the subset of Python that Alembic
** migrations use (grammar/migration.l, migration.y), as an AST, and the
** operations their upgrade() / downgrade() bodies perform.
**
** The parser reads the whole file: module docstring, comments, imports, the
** header assignments (revision, down_revision, branch_labels, depends_on,
** with or without annotations), `def upgrade()` / `def downgrade()` with a
** docstring and a body of calls, `with op.batch_alter_table(...) as x:`
** blocks, simple assignments of supported expressions to local names
** (`t = sa.table(...)`), and `pass`.  Anything else in a body (a loop, an
** `if`, a helper function, an import of application code, op.get_bind())
** is recorded as unsupported at its file:line:column; the header is still
** read, so the revision graph never depends on a body.
*/
#ifndef RETORT_MIGRATION_H
#define RETORT_MIGRATION_H

#include "diff/diff.h"

/* ------------------------------------------------------------------ AST */

typedef enum py_kind {
    PY_NONE, PY_TRUE, PY_FALSE,
    PY_STRING,          /* text: the decoded value (all quote forms, raw,
                           implicit concatenation) */
    PY_NUMBER,          /* text: the literal as written ("-1", "2.5") */
    PY_NAME,            /* text: a dotted name ("op", "sa.String", "batch_op") */
    PY_CALL,            /* callee(args) */
    PY_TUPLE, PY_LIST,  /* items */
    PY_DICT,            /* keys[i]: values[i] */
    PY_CONDITIONAL,     /* `body if condition else orelse`: items[0] body,
                           items[1] condition, items[2] orelse */
    PY_OPAQUE           /* the condition of a conditional written with what
                           the subset does not evaluate (a comparison, a
                           call's attribute...): text says what */
} py_kind;

typedef struct py_value py_value;
typedef struct py_arg {
    const char *keyword;    /* NULL for a positional argument; "*" for *value
                               (Alembic's create_table(..., *[...])); "**"
                               for **value (unsupported) */
    py_value *value;
    src_loc loc;
} py_arg;

struct py_value {
    py_kind kind;
    src_loc loc;
    const char *text;
    py_value *callee;               /* PY_CALL */
    VEC(py_arg) args;               /* PY_CALL */
    VEC(py_value *) items;          /* PY_TUPLE, PY_LIST; PY_DICT keys */
    VEC(py_value *) values;         /* PY_DICT values */
};

typedef enum py_stmt_kind {
    STMT_EXPR,          /* an expression statement (a call): value */
    STMT_ASSIGN,        /* target = value */
    STMT_WITH,          /* with value as target: body */
    STMT_PASS,
    STMT_UNSUPPORTED    /* what: "a for loop", "an if statement"... */
} py_stmt_kind;

typedef struct py_stmt py_stmt;
struct py_stmt {
    py_stmt_kind kind;
    src_loc loc;
    py_value *value;
    const char *target;
    VEC(py_stmt *) body;            /* STMT_WITH */
    const char *what;               /* STMT_UNSUPPORTED */
};

/* One imported name: `from module import name as alias` (module NULL for
** `import name as alias`). */
typedef struct py_import {
    const char *module;
    const char *name;
    const char *alias;              /* NULL: none */
    src_loc loc;
} py_import;

typedef struct migration_file {
    const char *path;
    const char *text;               /* the source (for diagnostics) */
    const char *docstring;          /* module docstring, decoded */
    const char *revision;
    str_vec down_revisions;         /* empty: a base */
    str_vec branch_labels;
    str_vec depends_on;
    src_loc revision_loc;
    VEC(py_stmt *) upgrade;
    VEC(py_stmt *) downgrade;
    bool has_upgrade, has_downgrade;
    /* Unsupported constructs anywhere (bodies, top level), in file order. */
    VEC(py_stmt *) unsupported;
    /* Imports of alembic / sqlalchemy / typing (how names resolve:
    ** `from sqlalchemy import Column` makes Column mean sa.Column). */
    VEC(py_import) imports;
    /* Module-level `name = value` statements in order (the header ones
    ** too): a body may use a name assigned there (t = sa.table(...)). */
    VEC(py_stmt *) assignments;
} migration_file;

/* Is `module` (a top-level name: "datetime") one of the standard-library
** modules a migration may import (docs/migration-subset.md)?  Importing
** them runs nothing retort would have to run; a value they compute is
** refused where a body uses it. */
bool migration_stdlib_module(const char *module);

/* Parse one file.  Syntax errors are diagnostics (file:line:column, the
** line, a caret, a hint) and return -1; unsupported constructs are not
** errors here (see migration_file.unsupported). */
int migration_parse(arena *a, const char *path, const char *text, migration_file **out, diag_list *dl);
int migration_parse_file(arena *a, const char *path, migration_file **out, diag_list *dl);

/* ---------------------------------------------------------------- ops */

typedef enum migration_direction { MIGRATE_UPGRADE, MIGRATE_DOWNGRADE } migration_direction;

/* The operations of upgrade() or downgrade(), in order, for a database of
** dialect d (sqlite_where / postgresql_where and the like are picked for
** it).  Every op.* / batch_op.* call the renderer emits is understood, plus
** op.execute (a string or sa.text), op.rename_table,
** alter_column(new_column_name=...), op.bulk_insert with literal rows and a
** sa.table()/sa.Table() (inline or assigned to a name first), table and
** column comments, op.f().  Anything else — an unsupported construct, an
** unknown op.* function or argument, a non-literal value — is an error at
** its location with the hint to run that migration with python3 -m alembic,
** and no op list is returned: a migration runs entirely or not at all.
**
** `schema` is the one schema the project migrates ([retort] schema; NULL:
** public), the connection's search path: a schema= argument (source_schema,
** referent_schema, a 'schema.table.column' foreign key target) may name it
** or be None, and the ops are then what they are without it; any other
** schema is an error (several schemas in one project are not supported
** yet).  On SQLite (d) there is no schema: only None.
**
** op.drop_constraint() without type_ gives an op with kind_unknown set
** (see diff.h): the caller picks its kind with migration_op_set_drop_kind
** from the database, or refuses it. */
int migration_file_ops(const migration_file *m, migration_direction dir, const dialect *d, const char *schema,
                       migration_ops **out, diag_list *dl);

/* Make the kind_unknown op `o` (drop_constraint without type_) the drop of
** a constraint of kind k: OP_DROP_UNIQUE, OP_DROP_FOREIGN_KEY,
** OP_DROP_CHECK or OP_DROP_PRIMARY_KEY. */
void migration_op_set_drop_kind(op *o, op_kind k);

#endif
