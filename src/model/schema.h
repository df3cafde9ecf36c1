/*
** schema.h — the Schema IR: what a database schema is, independent of where
** it came from.  The resolver fills one from the model files (the wanted
** schema); each introspector fills one from a live database (the current
** schema); the differ compares two.
**
** Everything in a schema lives in the schema's arena and is freed with
** schema_free().  Collections keep declaration order (for tables: model
** order for the wanted schema, name order for an introspected one); the
** by-name maps make lookups O(1).
*/
#ifndef RETORT_SCHEMA_H
#define RETORT_SCHEMA_H

#include "util/util.h"

#include <jansson.h>

/* ---------------------------------------------------------------- types */

typedef enum type_kind {
    TYPE_INTEGER,
    TYPE_BIGINT,        /* BigInteger */
    TYPE_SMALLINT,      /* SmallInteger */
    TYPE_STRING,        /* String / String(n) */
    TYPE_TEXT,
    TYPE_BOOLEAN,
    TYPE_FLOAT,
    TYPE_NUMERIC,       /* Numeric(p, s) */
    TYPE_DATETIME,      /* DateTime / DateTime(timezone=true) */
    TYPE_DATE,
    TYPE_TIME,
    TYPE_INTERVAL,
    TYPE_JSON,
    TYPE_LARGEBINARY,
    TYPE_UUID,          /* Uuid: portable, String(36) (matches a native uuid too) */
    /* PostgreSQL's own types (a SQLite project refuses them): */
    TYPE_UUID_NATIVE,   /* UUID: the native uuid type */
    TYPE_INET,
    TYPE_CIDR,
    TYPE_MACADDR,
    TYPE_TSVECTOR,
    TYPE_CITEXT,        /* CITEXT: the citext extension's case-insensitive text */
    TYPE_ARRAY,         /* ARRAY(T, dimensions=n): element holds T */
    TYPE_ENUM,          /* a declared enum type: enumeration holds it (no entry in TYPE_NAMES:
                           its model spelling is the enum's own name) */
    TYPE_OTHER          /* a database type with no model spelling: raw holds it */
} type_kind;

typedef struct col_type {
    type_kind kind;
    int length;         /* String(n): n; -1 when absent */
    int precision;      /* Numeric(p, s): p; -1 when absent */
    int scale;          /* Numeric(p, s): s; -1 when absent */
    int dimensions;     /* TYPE_ARRAY: 1 unless the model says more (not compared:
                           PostgreSQL does not enforce it) */
    bool timezone;      /* DateTime(timezone=true) */
    bool jsonb;         /* PostgreSQL JSONB rather than JSON (introspected) */
    /* (the numbers and flags before the pointers: no padding between them,
    ** in a struct every column holds) */
    const char *raw;    /* the database's own spelling when introspected
                           ("VARCHAR(255)", "character varying(255)"); NULL
                           for the wanted schema except TYPE_OTHER */
    const struct col_type *element; /* TYPE_ARRAY: the element type (never an array) */
    const struct enum_type *enumeration; /* TYPE_ENUM: the type (in the same schema's arena) */
} col_type;

/* An enum type: a name and its labels, in order.  PostgreSQL keeps it as a
** type of its own (CREATE TYPE ... AS ENUM); SQLite has none, and a column
** of it is what SQLAlchemy makes of sa.Enum there: a VARCHAR as long as the
** longest label, with no constraint. */
typedef struct enum_label {
    const char *label;
    const char *renamed_from;   /* @renamed_from hint, or NULL */
    src_loc loc;
} enum_label;

typedef struct enum_type {
    const char *name;           /* the database type name (task_status) */
    const char *schema;         /* its PostgreSQL schema when not the default one
                                   ([retort] schema), else NULL */
    const char *key;            /* its key in enums_by_name (schema_object_key) */
    const char *model_name;     /* the models' name (TaskStatus); NULL when introspected */
    VEC(enum_label) labels;
    /* Read from a migration file: an sa.Enum / postgresql.ENUM without
    ** create_type=False, in op.create_table: Alembic creates the type just
    ** before the table (SQLAlchemy's before_create event). */
    bool create_with_table;
    src_loc loc;
} enum_type;

/* The byte length of the longest label (SQLite's VARCHAR(n) of sa.Enum). */
int enum_type_max_length(const enum_type *e);
/* Index of label in e, or -1. */
int enum_type_find_label(const enum_type *e, const char *label);
/* A deep copy of e in a. */
enum_type *enum_type_copy(arena *a, const enum_type *e);

/* The model-language name of a type kind ("String", "BigInteger"...). */
const char *type_kind_name(type_kind k);
/* Parse a model-language type name; returns false when unknown. */
bool type_kind_from_name(const char *name, type_kind *out);
/* All model-language type names, for did-you-mean. */
extern const char *const TYPE_NAMES[];
extern const size_t TYPE_NAMES_COUNT;
/* Is t one of PostgreSQL's own types (INET, ARRAY(...), JSONB...), which
** SQLite has not? */
bool col_type_postgresql_only(const col_type *t);
/* "String(255)", "DateTime(timezone=true)", "Numeric(10, 2)": the model
** spelling of a type. */
const char *col_type_to_string(arena *a, const col_type *t);

/* The table name of a model without @@table: its name in snake_case
** (ChartConfig -> chart_config, HTTPRequestLog -> http_request_log). */
const char *model_table_name(arena *a, const char *model_name);

/* SQLAlchemy's name for the index of a column's index=True (the model's
** @index): ix_<table>_<column>; and whether name is that one. */
const char *index_conventional_name(arena *a, const char *table, const char *column);
bool index_name_is_conventional(const char *name, const char *table, const char *column);

/* -------------------------------------------------------- server defaults */

typedef enum default_kind {
    DEFAULT_NONE,
    DEFAULT_STRING,     /* @default("pending")  -> text is pending (unquoted) */
    DEFAULT_NUMBER,     /* @default(0), @default(1.5) -> text is the literal */
    DEFAULT_BOOL,       /* @default(true/false) -> bool_value */
    DEFAULT_NOW,        /* @default(now()) */
    DEFAULT_SQL         /* @default(sql("...")), and every introspected default:
                           text is the SQL expression as the database keeps it */
} default_kind;

typedef struct server_default {
    default_kind kind;
    bool bool_value;
    const char *text;
} server_default;

/* ----------------------------------------------------------- schema parts */

typedef enum autoincrement_mode {
    AUTOINC_AUTO,       /* SQLAlchemy's "auto": true for a lone Integer PK */
    AUTOINC_TRUE,
    AUTOINC_FALSE
} autoincrement_mode;

/* GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY (PostgreSQL): the model's
** @identity, what a migration's sa.Identity(...) says, or what attidentity
** and the column's pg_sequence say.  start and increment are the values
** the sequence has (the model's defaults applied: increment 1, start 1
** when ascending and -1 when descending).  The other sequence options are
** not in the model language: introspection sets those that are not the
** defaults of an identity of the column's type, a migration those it
** gives; the differ never compares them. */
typedef struct identity_def {
    bool always;                /* ALWAYS; else BY DEFAULT */
    long long start;
    long long increment;
    bool has_minvalue, has_maxvalue;
    long long minvalue, maxvalue;
    bool nominvalue, nomaxvalue;
    long long cache;            /* 0: not given */
    int cycle;                  /* -1: not given; 0: NO CYCLE; 1: CYCLE */
    /* A migration's sa.Identity() without start= / increment=: its value
    ** here is the default, and an alter_column that changes an existing
    ** identity leaves the old one (as Alembic's SET does). */
    bool start_omitted, increment_omitted;
    src_loc loc;                /* the model's @identity */
} identity_def;

/* The model's default start for an identity of this increment: 1
** ascending, -1 descending (PostgreSQL's MINVALUE / MAXVALUE). */
long long identity_default_start(long long increment);
/* The options of an identity as SQLAlchemy writes them in DDL, in its
** order: "INCREMENT BY 10 START WITH 100 CACHE 20"; with only_unmodeled,
** just the options the model language cannot say ("CACHE 20"), or NULL
** when there are none. */
const char *identity_options_sql(arena *a, const identity_def *g, bool only_unmodeled);

typedef struct column {
    const char *name;           /* database name */
    const char *field_name;     /* model field name (== name unless @map) */
    col_type type;
    server_default server_default;
    const char *comment;        /* NULL when none */
    const identity_def *generated_identity; /* an identity column, or NULL */
    /* A generated column (introspected): its expression as the database
    ** keeps it, and whether its values are stored (STORED; else VIRTUAL,
    ** SQLite only).  NULL for an ordinary column.  A move-and-copy
    ** re-creates it as generated and copies no values into it. */
    const char *generated;
    const char *renamed_from;   /* @renamed_from hint (database name), or NULL */
    /* introspected (PostgreSQL): a view or rule that uses the column, which
    ** the server will not let it change type or be dropped under; NULL */
    const char *used_by_view;
    src_loc loc;                /* where the model declared it */
    autoincrement_mode autoincrement;
    /* the flags last, together: a schema of 10,000 tables holds 130,000
    ** columns, and padding after each bool would be a tenth of them */
    bool nullable;
    bool primary_key;           /* member of the table's primary key */
    bool identity;              /* introspected: serial / identity / AUTOINCREMENT */
    bool generated_stored;
} column;

/* How one key of an index orders and compares its values.  The zero value
** is a plain key: ascending, nulls where the database puts them by default,
** the default operator class of the key's type. */
typedef enum index_nulls {
    NULLS_DEFAULT,              /* PostgreSQL: LAST when ascending, FIRST when descending */
    NULLS_FIRST,
    NULLS_LAST
} index_nulls;

typedef struct index_key {
    bool desc;
    index_nulls nulls;          /* as written; introspection writes NULLS_DEFAULT
                                   for the direction's default */
    const char *opclass;        /* a non-default operator class (PostgreSQL), or NULL */
} index_key;
typedef VEC(index_key) index_key_vec;

/* The access methods the model language names (`using=`); btree is the
** default and is kept as NULL. */
extern const char *const INDEX_METHODS[];
extern const size_t INDEX_METHODS_COUNT;

typedef struct index_def {
    const char *name;
    str_vec columns;            /* the keys: column names, or expressions in parentheses */
    /* Per key, parallel to `columns`; may be shorter (or empty): a key
    ** without an entry is a plain key (index_key_at). */
    index_key_vec keys;
    const char *method;         /* access method other than btree ("gin"), or NULL */
    str_vec include;            /* INCLUDE columns (PostgreSQL 11+) */
    /* Wanted, on PostgreSQL: `columns` as the server re-prints them
    ** (src/canon; expressions in parentheses as introspection has them),
    ** or empty. */
    str_vec columns_canonical;
    bool unique;
    const char *where;          /* partial index predicate, or NULL */
    const char *where_canonical;/* wanted, on PostgreSQL: `where` as the server
                                   re-prints it (src/canon), or NULL */
    bool conventional_name;     /* named by convention (ix_<table>_<col>): op.f() */
    /* Introspected: what this index has that the IR does not hold ("the
    ** gin access method", "DESC on 'created_at'"), or NULL.  The differ
    ** never drops, re-creates or copies over such an index. */
    const char *unmodeled;
    /* Introspected on SQLite: the stored CREATE INDEX statement, with which
    ** a move-and-copy re-creates an index the IR does not hold exactly. */
    const char *definition;
    src_loc loc;
    /* Wanted: where the models ask for something only PostgreSQL has (an
    ** access method, INCLUDE, an operator class, NULLS FIRST / LAST), what
    ** it is ("using=\"gin\""), and the caret's width; what.. NULL when none.
    ** The differ refuses it on SQLite, at that place. */
    const char *postgres_only;
    src_loc postgres_only_loc;
    int postgres_only_span;
} index_def;

/* Key k of ix: its entry in ix->keys, or a plain key. */
index_key index_key_at(const index_def *ix, size_t k);
/* Whether key k is descending / puts nulls first, once PostgreSQL's
** defaults are applied (NULLS FIRST is the default of DESC). */
bool index_key_nulls_first(const index_key *k);
/* Whether an index is a plain btree index of plain keys (what the model
** language had before per-key options): no method, INCLUDE or key option. */
bool index_is_plain(const index_def *ix);
/* Append a key with its options (keeps `keys` parallel to `columns`). */
void index_add_key(arena *a, index_def *ix, const char *column, index_key key);

typedef struct unique_def {
    const char *name;           /* NULL: unnamed (the database names it) */
    str_vec columns;
    src_loc loc;
} unique_def;

typedef struct foreign_key {
    const char *name;           /* NULL: unnamed */
    str_vec columns;
    const char *ref_table;
    const char *ref_schema;     /* the referenced table's schema when not the default one, or NULL */
    str_vec ref_columns;
    const char *ondelete;       /* upper case ("CASCADE", "SET NULL"), or NULL */
    const char *onupdate;
    src_loc loc;
} foreign_key;

typedef struct check_def {
    const char *name;           /* NULL: unnamed */
    const char *sqltext;
    const char *canonical;      /* wanted, on PostgreSQL: sqltext as the server
                                   re-prints it (src/canon), or NULL */
    src_loc loc;
} check_def;

typedef struct primary_key {
    const char *name;           /* NULL: unnamed (PostgreSQL: <table>_pkey) */
    str_vec columns;
} primary_key;

/* A database object the IR does not hold: a trigger, a view, an exclusion
** constraint, a rule, a policy, a virtual table, a table left out by
** [retort] exclude_tables.  Introspection lists them so that autogenerate
** can say it leaves them alone, and so that SQLite's move-and-copy can
** re-create the triggers of the table it rebuilds. */
typedef struct db_object {
    const char *kind;           /* "trigger", "view", "exclusion constraint"... */
    const char *name;
    const char *table;          /* the table it belongs to, or NULL */
    const char *sql;            /* SQLite: the stored CREATE statement; else NULL */
    bool excluded;              /* a table the settings leave out */
} db_object;

enum { TABLE_COLUMNS_SEARCHED = 16 };

typedef struct table {
    const char *name;
    /* Its PostgreSQL schema when not the default one ([retort] schema),
    ** else NULL: the tables of the default schema are unqualified, as in
    ** SQLAlchemy's MetaData.  key is its key in tables_by_name. */
    const char *schema;
    const char *key;
    const char *model_name;     /* model that declared it, or NULL */
    /* introspected (PostgreSQL): a view or rule that uses the table (or one
    ** of its columns), which the server will not let it be dropped under */
    const char *used_by_view;
    const char *comment;
    const char *renamed_from;   /* @@renamed_from hint, or NULL */
    const char *renamed_from_schema; /* its schema ("old_schema.old_name"): a
                                   move to another schema; NULL: the default */
    src_loc schema_loc;         /* the model's @@schema, for a refusal on SQLite */
    int schema_span;
    VEC(column *) columns;
    /* database name -> column, once the table has more than
    ** TABLE_COLUMNS_SEARCHED columns; NULL before (table_find_column then
    ** searches `columns`, which costs less than hashing a name, and a map
    ** per table was 8 MB of the two schemas of 10,000 tables).  Kept by
    ** table_attach_column, table_column_renamed and table_column_removed. */
    strmap *columns_by_name;
    primary_key primary_key;
    VEC(index_def *) indexes;
    VEC(unique_def *) uniques;
    VEC(foreign_key *) foreign_keys;
    VEC(check_def *) checks;
    /* Introspected on PostgreSQL: the planner's estimate of its rows
    ** (pg_class.reltuples), for lint's messages; -1 when not known. */
    long long row_estimate;
    src_loc loc;
} table;

typedef struct schema {
    arena *arena;
    VEC(table *) tables;
    strmap *tables_by_name;
    VEC(db_object *) objects;   /* introspected: what the IR does not hold */
    VEC(enum_type *) enums;     /* declared (models) or present (PostgreSQL) enum types,
                                   by name for an introspected schema */
    strmap *enums_by_name;      /* database type name -> enum_type */
    /* The wanted schema: the PostgreSQL schemas other than the default one
    ** that the models name, in the order they first do (what
    ** `[retort] include_schemas` reads by default, with the default one). */
    str_vec schemas_named;
} schema;

/* ------------------------------------------------------------ functions */

schema *schema_new(void);
void schema_free(schema *s);

/* Create a table / column and register it in the by-name maps.  Returns
** NULL when the name is already taken (the caller reports it). */
table *schema_add_table(schema *s, const char *name);
column *table_add_column(schema *s, table *t, const char *name);
/* Append a column made elsewhere (its name unique in t: the caller checks
** with table_find_column), and keep the by-name map. */
void table_attach_column(arena *a, table *t, column *c);
/* After c's name changed from old_name / a column left t->columns. */
void table_column_renamed(table *t, const char *old_name, column *c);
void table_column_removed(table *t, const char *name);
/* Room for n columns in all (the count is known: a model's fields). */
void table_reserve_columns(schema *s, table *t, size_t n);

table *schema_find_table(const schema *s, const char *name);
/* The same in a PostgreSQL schema: nsp NULL is the default schema. */
table *schema_add_table_in(schema *s, const char *nsp, const char *name);
table *schema_find_table_in(const schema *s, const char *nsp, const char *name);
/* The key of a table or enum type in the by-name maps: its name in the
** default schema (nsp NULL), else the schema and the name joined by a
** byte no identifier holds, so that "a.b" in the default schema and b in
** schema a stay two keys.  Never printed: see qualified_name. */
const char *schema_object_key(arena *a, const char *nsp, const char *name);
/* "audit.users", or "users" in the default schema: the name messages give
** (Alembic's spelling in "Detected added table 'audit.users'"). */
const char *qualified_name(arena *a, const char *nsp, const char *name);
/* Two schemas of the IR the same, NULL (the default one) equal to NULL. */
bool schema_same(const char *x, const char *y);
/* Does foreign key fk point at table `name` of schema nsp (NULL: the
** default schema)? */
bool foreign_key_references(const foreign_key *fk, const char *nsp, const char *name);
/* Register an enum type (its name copied; labels added by the caller with
** vec_push).  NULL when the name is taken. */
enum_type *schema_add_enum(schema *s, const char *name);
enum_type *schema_find_enum(const schema *s, const char *name);
enum_type *schema_add_enum_in(schema *s, const char *nsp, const char *name);
enum_type *schema_find_enum_in(const schema *s, const char *nsp, const char *name);
column *table_find_column(const table *t, const char *name);
index_def *table_find_index(const table *t, const char *name);

/* Record an object the IR does not hold (copies the strings). */
db_object *schema_add_object(schema *s, const char *kind, const char *name, const char *table,
                             const char *sql);

/* Why the model language cannot express an introspected column ("its type
** tsvector has no model spelling"), or NULL when it can. */
const char *column_unmodeled(arena *a, const column *c);
/* The same for an introspected index: its `unmodeled` reason (a COLLATE,
** an access method the model language does not name...), or NULL. */
const char *index_unmodeled(arena *a, const index_def *ix);

/* Stable JSON shape of a schema (documented in docs/schema-json.md):
**   {"tables": [{"name", "comment", "columns": [{"name", "type", "nullable",
**     "default", "comment", "primary_key", "autoincrement"}], "primary_key",
**     "indexes", "unique_constraints", "foreign_keys", "check_constraints"}]}
** Tables sorted by name; constraints sorted by name then columns, so that
** two schemas that are the same print the same bytes. */
json_t *schema_to_json(const schema *s);

/* Readable text form for `retort models`. */
void schema_print_text(const schema *s, FILE *out);

#endif
