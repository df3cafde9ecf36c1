/*
** db.h — a connection to a database named by a SQLAlchemy URL, and the
** alembic_version table that Alembic and retort share.
**
**   sqlite:///relative/path.db      sqlite:////absolute/path.db
**   sqlite:///:memory:
**   postgresql://user:pass@host:port/dbname?sslmode=require
**   postgresql+psycopg2://...  postgresql+asyncpg://...  (driver ignored)
**   postgresql:///dbname?host=/var/run/postgresql          (Unix socket)
**
** A password never appears in any diagnostic: db_url_redacted() is what
** messages show.  A connection is used by one thread at a time (SQLite's
** is opened without its per-call mutex).
*/
#ifndef RETORT_DB_H
#define RETORT_DB_H

#include "dialect/dialect.h"
#include "util/util.h"

#include "db/libpq.h"

#include <sqlite3.h>

typedef struct db_conn {
    const dialect *dialect;
    sqlite3 *sqlite;            /* set for SQLite */
    PGconn *pg;                 /* set for PostgreSQL */
    const char *pg_schema;      /* PostgreSQL schema to introspect ("public") */
    const char *version_table;  /* NULL: alembic_version */
    const char *version_table_schema;   /* PostgreSQL: its schema; NULL: pg_schema */
    const char *checksum_table; /* retort's table of applied checksums (beside the
                                   version table), which introspection leaves out
                                   as it leaves alembic_version out */
    const char *url_redacted;   /* for messages */
    diag_list *notices;         /* where the server's NOTICEs go, as notes */
    bool locked;                /* db_lock() holds PostgreSQL's advisory lock */
    bool in_transaction;        /* db_lock() opened one, not yet ended */
    arena *arena;
} db_conn;

/* The dialect of `url`, or NULL with a diagnostic: no URL at all (NULL),
** or one naming no supported backend.  db_open() checks this first. */
const dialect *db_url_dialect(const char *url, diag_list *dl);

/* Is the file of a sqlite:// URL missing (an empty database that
** autogenerate and lint must not create)?  False for :memory:, for a URL
** without a path and for other backends. */
bool db_sqlite_file_missing(const char *url);

/* Open the database of `url`.  For SQLite, create_missing chooses whether a
** missing file is created (upgrade) or an error (diff).  Returns 0, or -1
** with a diagnostic in dl.  dl also receives the server's NOTICEs as notes
** while the connection is open, so it must outlive the connection.
**
** On PostgreSQL the session runs with standard_conforming_strings on (set
** and verified here), so that what the catalog returns is read one way;
** the literals retort writes do not depend on it (dialect.quote_literal). */
int db_open(const char *url, bool create_missing, db_conn **out, diag_list *dl);
void db_close(db_conn *c);

/* Where a project's tables are: the PostgreSQL schema ([retort] schema) and
** the version table ([retort] version_table, version_table_schema). */
typedef struct db_place {
    const char *pg_schema;              /* NULL: public */
    const char *version_table;          /* NULL: alembic_version */
    const char *version_table_schema;   /* NULL: pg_schema */
    const char *checksum_table;         /* NULL: retort_migrations */
} db_place;

/* db_open, then the place: on PostgreSQL the schema must exist (else an
** error whose hint is the CREATE SCHEMA to run), and the session's
** search_path becomes that schema (then public, where extensions usually
** live), so that every statement retort runs and every table a migration
** creates without a schema= lands in the schema retort reads — whatever
** the server's or the role's default search_path says. */
int db_open_at(const char *url, bool create_missing, const db_place *place, db_conn **out, diag_list *dl);

/* The URL with every password replaced by "***": user:password@, a
** ?password= query parameter (any case of its %-escapes), and password=
** in a libpq key=value connection string. */
const char *db_url_redacted(arena *a, const char *url);
/* The same with another mask (Alembic's `current -v` shows "XXXXX"). */
const char *db_url_masked(arena *a, const char *url, const char *mask);

/* Percent-decode s[0..n) of a URL into a; NULL when an escape is
** malformed (postgres_conn.c). */
char *url_percent_decode(arena *a, const char *s, size_t n);

/* PostgreSQL connection from a URL (src/db/postgres_conn.c). */
int db_open_postgres(const char *url, db_conn *c, diag_list *dl);

/* Run one SQL statement (any rows it returns are read and dropped).  One
** statement per call on both backends: a string holding a second
** statement is refused before anything runs on SQLite (the tail that
** sqlite3_prepare leaves), and by the server on PostgreSQL (PQexecParams
** takes one command).  Returns 0, or -1 with a diagnostic. */
int db_exec(db_conn *c, const char *sql, diag_list *dl);
/* db_exec, and the number of rows an INSERT / UPDATE / DELETE changed. */
int db_exec_count(db_conn *c, const char *sql, long *changed, diag_list *dl);

/* Run an alembic_version INSERT, UPDATE or DELETE that must change exactly
** one row.  Any other count fails with Alembic's error ("Online migration
** expected to match one row when updating 'a' to 'b' in 'alembic_version';
** 0 found"), `what` being "updating 'a' to 'b'": the table says something
** else than the plan was made from, and nothing may be recorded on it. */
int db_exec_version_row(db_conn *c, const char *sql, const char *what, diag_list *dl);

/* The lock that keeps two migration runs (or stamps) apart, and the
** transaction under it: BEGIN IMMEDIATE on SQLite (with foreign keys off
** for the run, as move-and-copy needs), a session advisory lock keyed on
** the schema on PostgreSQL, then BEGIN.  Waits up to timeout_ms.  What a
** caller reads after db_lock() returns cannot change until db_commit() /
** db_rollback(). */
int db_lock(db_conn *c, long timeout_ms, diag_list *dl);
/* Commit; on failure roll back and return -1. */
int db_commit(db_conn *c, diag_list *dl);
/* Roll back the open transaction (if any), ignoring errors. */
void db_rollback(db_conn *c);
/* Give the lock up (PostgreSQL's advisory lock; SQLite's foreign keys back
** on).  Rolls back first if a transaction is still open. */
void db_unlock(db_conn *c);

/* Does a table of this name exist (in the PostgreSQL schema c->pg_schema)?
** Returns 1, 0, or -1 with a diagnostic. */
int db_table_exists(db_conn *c, const char *name, diag_list *dl);
/* Does the version table (c->version_table in c->version_table_schema, or
** pg_schema) exist?  1, 0, or -1 with a diagnostic. */
int db_version_table_exists(db_conn *c, diag_list *dl);

/* PostgreSQL: the kind of constraint `name` on `table` (found through the
** search path, as a statement naming the table would), as pg_constraint's
** contype: 'u', 'f', 'c', 'p', 'x' (exclusion), 't' (trigger).  1 with
** *kind set, 0 when there is no such constraint (or table), -1 with a
** diagnostic. */
int db_constraint_kind(db_conn *c, const char *table, const char *name, char *kind, diag_list *dl);

/* Rows a query returns, every cell as text (NULL for SQL NULL), row by
** row: cell k of row i is cells.items[i * columns + k]. */
typedef struct db_rows {
    size_t columns, rows;
    str_vec cells;
} db_rows;
/* Run one query (one statement, as db_exec) and read every row it returns
** into *out (strings in a).  Returns 0, or -1 with a diagnostic. */
int db_query(db_conn *c, const char *sql, arena *a, db_rows *out, diag_list *dl);

/* The revisions in alembic_version (none when the table does not exist);
** strings allocated in `a`. */
int db_current_revisions(db_conn *c, arena *a, str_vec *out, diag_list *dl);

/* ------------------------------------------------- the checksum table */

/* The table where retort's runner records each revision it applies
** ([retort] checksum_table, default retort_migrations; docs/ci.md), in the
** version table's schema (version_table_schema, else pg_schema), one row
** per applied revision:
**     revision      VARCHAR(255)  the revision id (primary key)
**     checksum      VARCHAR(71)   "sha256:<hex>" of its file's bytes
**     applied_at    when its step ran: TIMESTAMP WITH TIME ZONE on
**                   PostgreSQL, 'YYYY-MM-DD HH:MM:SS.ffffff+00:00' text on SQLite
**     execution_ms  how long the step took
** Values are bound as parameters (sqlite3_bind_text, PQexecParams), never
** spliced into the SQL; the names are quoted by the dialect. */
typedef struct db_checksum_row {
    const char *revision, *checksum;
    const char *applied_at;         /* "YYYY-MM-DD HH:MM:SS" UTC (seconds) */
    long execution_ms;
} db_checksum_row;
typedef VEC(db_checksum_row) db_checksum_rows;

/* Does it exist?  1, 0, or -1 with a diagnostic. */
int db_checksum_table_exists(db_conn *c, const char *table, diag_list *dl);
/* CREATE TABLE, as above (in the open transaction, if any). */
int db_checksum_table_create(db_conn *c, const char *table, diag_list *dl);
/* Every row (none when the table does not exist), strings in `a`. */
int db_checksums_read(db_conn *c, const char *table, arena *a, db_checksum_rows *out, diag_list *dl);
/* The row of a revision applied now: any old row of that id replaced.
** applied_at: "YYYY-MM-DD HH:MM:SS.ffffff+00:00". */
int db_checksum_record(db_conn *c, const char *table, const char *revision, const char *checksum,
                       const char *applied_at, long execution_ms, diag_list *dl);
/* Remove the row of a revision un-applied (none is fine). */
int db_checksum_forget(db_conn *c, const char *table, const char *revision, diag_list *dl);

#endif
