/*
** op_kinds.h — the one list of op kinds.  Everything that is said about a
** kind once and for all is said here; diff.h builds the op_kind enum and
** op_kind_info() the table from it (ops.c).
**
** Columns:
**   NAME         the enum constant, OP_<NAME>
**   json         its name in `retort diff --json` ("op")
**   alembic      the Alembic operation that writes it (op.<alembic>);
**                several kinds may share one (drop_constraint)
**   inverse      the kind of the op that undoes it (op_inverse swaps the
**                fields as well)
**   scope        SCHEMA: changes the set of tables (no batch block holds
**                it); TABLE: changes one existing table; DATA: changes no
**                schema (op.execute, op.bulk_insert)
**   sqlite       whether SQLite needs a move-and-copy of the table for the
**                op on its own: PLAIN (ALTER TABLE does it), RECREATE, or
**                DEPENDS (on the op's fields: sql.c decides)
**   sqlite_batch the same inside a batch block, Alembic's
**                requires_recreate_in_batch (a block is one move-and-copy
**                as soon as one op needs it)
**   what         what the op does, for messages ("SQLite cannot <what>")
**
** Adding a kind: add its line here; the compiler (-Wswitch under -Werror)
** then lists every switch that must handle it: op_inverse and op_describe
** (diff/ops.c), the JSON fields (ops.c), schema_apply_ops (diff/apply.c),
** the Python renderer (render/python.c), the SQL renderer (render/sql.c);
** the migration reader (migration/migration_ops.c, its OP_CALLS table)
** emits it from its Alembic call.  Give it a golden in tests/golden/render/
** and a round trip.
*/
#ifndef RETORT_OP_KINDS_H
#define RETORT_OP_KINDS_H

/*      NAME               json                      alembic                     inverse            scope   sqlite    sqlite_batch what */
#define OP_KIND_LIST(X)                                                                                                                                   \
    X(CREATE_TABLE,      "create_table",           "create_table",             DROP_TABLE,        SCHEMA, PLAIN,    RECREATE, "create a table")           \
    X(DROP_TABLE,        "drop_table",             "drop_table",               CREATE_TABLE,      SCHEMA, PLAIN,    RECREATE, "drop a table")             \
    X(RENAME_TABLE,      "rename_table",           "rename_table",             RENAME_TABLE,      SCHEMA, PLAIN,    RECREATE, "rename a table")           \
    X(SET_TABLE_SCHEMA,  "set_table_schema",       "execute",                  SET_TABLE_SCHEMA,  SCHEMA, PLAIN,    PLAIN,    "move a table to another schema") \
    X(ADD_COLUMN,        "add_column",             "add_column",               DROP_COLUMN,       TABLE,  DEPENDS,  DEPENDS,  "add this column")          \
    X(DROP_COLUMN,       "drop_column",            "drop_column",              ADD_COLUMN,        TABLE,  PLAIN,    RECREATE, "drop a column")            \
    X(ALTER_COLUMN,      "alter_column",           "alter_column",             ALTER_COLUMN,      TABLE,  DEPENDS,  RECREATE, "alter a column")           \
    X(RENAME_COLUMN,     "rename_column",          "alter_column",             RENAME_COLUMN,     TABLE,  PLAIN,    RECREATE, "rename a column")          \
    X(CREATE_INDEX,      "create_index",           "create_index",             DROP_INDEX,        TABLE,  PLAIN,    PLAIN,    "create an index")          \
    X(DROP_INDEX,        "drop_index",             "drop_index",               CREATE_INDEX,      TABLE,  PLAIN,    PLAIN,    "drop an index")            \
    X(ADD_UNIQUE,        "add_unique_constraint",  "create_unique_constraint", DROP_UNIQUE,       TABLE,  RECREATE, RECREATE, "add a constraint")         \
    X(DROP_UNIQUE,       "drop_unique_constraint", "drop_constraint",          ADD_UNIQUE,        TABLE,  RECREATE, RECREATE, "drop a constraint")        \
    X(ADD_FOREIGN_KEY,   "add_foreign_key",        "create_foreign_key",       DROP_FOREIGN_KEY,  TABLE,  RECREATE, RECREATE, "add a constraint")         \
    X(DROP_FOREIGN_KEY,  "drop_foreign_key",       "drop_constraint",          ADD_FOREIGN_KEY,   TABLE,  RECREATE, RECREATE, "drop a constraint")        \
    X(ADD_CHECK,         "add_check_constraint",   "create_check_constraint",  DROP_CHECK,        TABLE,  RECREATE, RECREATE, "add a constraint")         \
    X(DROP_CHECK,        "drop_check_constraint",  "drop_constraint",          ADD_CHECK,         TABLE,  RECREATE, RECREATE, "drop a constraint")        \
    X(ADD_PRIMARY_KEY,   "add_primary_key",        "create_primary_key",       DROP_PRIMARY_KEY,  TABLE,  RECREATE, RECREATE, "add a constraint")         \
    X(DROP_PRIMARY_KEY,  "drop_primary_key",       "drop_constraint",          ADD_PRIMARY_KEY,   TABLE,  RECREATE, RECREATE, "drop a constraint")        \
    X(SET_TABLE_COMMENT, "set_table_comment",      "create_table_comment",     SET_TABLE_COMMENT, TABLE,  PLAIN,    RECREATE, "change a table comment")   \
    X(CREATE_ENUM,       "create_enum",            "execute",                  DROP_ENUM,         SCHEMA, PLAIN,    PLAIN,    "create an enum type")      \
    X(DROP_ENUM,         "drop_enum",              "execute",                  CREATE_ENUM,       SCHEMA, PLAIN,    PLAIN,    "drop an enum type")        \
    X(ALTER_ENUM,        "alter_enum",             "execute",                  ALTER_ENUM,        SCHEMA, PLAIN,    PLAIN,    "change an enum type")      \
    X(EXECUTE,           "execute",                "execute",                  EXECUTE,           DATA,   PLAIN,    PLAIN,    "run SQL")                  \
    X(BULK_INSERT,       "bulk_insert",            "bulk_insert",              BULK_INSERT,       DATA,   PLAIN,    PLAIN,    "insert rows")

#endif
