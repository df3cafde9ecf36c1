/*
** dialect.h — everything that differs per database backend, as one struct of
** functions per backend.  The differ and the Python renderer ask the
** dialect and never test which backend they are on.  The SQL renderer
** (render/sql.c) writes what SQLAlchemy's compiler of each backend writes,
** so it branches on `kind` where the two compilers differ (type spellings,
** SERIAL, RETURNING, SQLite's move-and-copy); so does the runner for
** SQLite's PRAGMA and the migration reader for sqlite_where= /
** postgresql_where=.
**
** Comparison model: the wanted schema (from models) and the current schema
** (introspected) are both brought to a canonical form by the dialect, then
** compared as plain values.  Two spellings the database treats as the same
** (VARCHAR(255) and String(255); 'pending'::character varying and "pending";
** (CURRENT_TIMESTAMP) and now()) have the same canonical form.
*/
#ifndef RETORT_DIALECT_H
#define RETORT_DIALECT_H

#include "model/schema.h"

typedef enum dialect_kind { DIALECT_SQLITE, DIALECT_POSTGRESQL } dialect_kind;

typedef struct dialect {
    dialect_kind kind;
    const char *name;               /* "sqlite", "postgresql" (as in URLs) */
    bool stores_comments;           /* PostgreSQL yes, SQLite no */
    bool alter_needs_batch;         /* SQLite: most ALTERs need move-and-copy */
    bool has_enum_types;            /* PostgreSQL: CREATE TYPE ... AS ENUM; SQLite: none
                                       (an enum column is a VARCHAR there) */

    /* The database's spelling of a type ("VARCHAR(255)", "character
    ** varying(255)", "timestamp with time zone") as a col_type; raw keeps the
    ** spelling.  Unknown spellings become TYPE_OTHER. */
    col_type (*parse_type)(arena *a, const char *db_type);

    /* True when a column of the wanted type stored in this database would be
    ** introspected as `current`: the same type, as far as this backend can
    ** tell.  (SQLite keeps no time zone flag; PostgreSQL keeps no JSON/JSONB
    ** distinction in a model that says JSON...) */
    bool (*types_equal)(const col_type *wanted, const col_type *current);

    /* The canonical text of a server default on a column of type `type`,
    ** for comparison only; NULL when there is no default.  Wanted defaults
    ** (DEFAULT_STRING, DEFAULT_NOW...) and introspected ones (DEFAULT_SQL with
    ** the database's text) of the same value give equal strings. */
    const char *(*canonical_default)(arena *a, const col_type *type, const server_default *d);

    /* Identifier quoted for SQL when it needs quoting (or always). */
    const char *(*quote_ident)(arena *a, const char *ident);

    /* A SQL string literal for text, read the same whatever the server's
    ** settings: every string retort puts into SQL (defaults, comments,
    ** bulk_insert values, alembic_version rows) is quoted here.  SQLite:
    ** 'text'.  PostgreSQL: 'text' when text has no backslash (then no setting
    ** changes its meaning), else E'text' with backslashes doubled, which the
    ** server reads the same with standard_conforming_strings on or off. */
    const char *(*quote_literal)(arena *a, const char *text);
} dialect;

const dialect *dialect_sqlite(void);
const dialect *dialect_postgresql(void);
/* The dialect of a SQLAlchemy URL ("sqlite:///x.db", "postgresql+asyncpg://...");
** NULL when the URL names no supported backend. */
const dialect *dialect_for_url(const char *url);

/* Helpers the dialects share (dialect.c). */
/* Strip one level of enclosing parentheses, surrounding space, and a trailing
** "::type" cast; unquote a single-quoted SQL string literal. */
const char *dialect_strip_parens(arena *a, const char *sql);
/* 'it''s' -> it's, and PostgreSQL's E'it\'s' -> it's (backslash escapes
** decoded); returns NULL when s is not one single-quoted literal, or when an
** E'' escape is one retort does not decode. */
const char *dialect_unquote_literal(arena *a, const char *s);

/* "ident" with inner double quotes doubled: the quoted identifier both
** backends read. */
const char *dialect_double_quote(arena *a, const char *ident);
/* A table or type of schema nsp, quoted by d: "nsp"."name", or the name
** alone when nsp is NULL (the default schema, the session's search_path). */
const char *dialect_quote_table(const dialect *d, arena *a, const char *nsp, const char *name);
/* 'text' with inner single quotes doubled: SQLite's string literal (its
** quote_literal).  PostgreSQL's differs: see dialect.quote_literal. */
const char *dialect_quote_string(arena *a, const char *text);

/* Name PostgreSQL gives an unnamed constraint: <table>_<col>_fkey,
** <table>_<col>_key, <table>_pkey, <table>_<col>_check... (truncated the way
** the server truncates to 63 bytes).  suffix is "fkey", "key", "pkey"... */
const char *pg_constraint_name(arena *a, const char *table, const str_vec *columns,
                               const char *suffix);

#endif
