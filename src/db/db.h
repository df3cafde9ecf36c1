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
** messages show.
*/
#ifndef RETORT_DB_H
#define RETORT_DB_H

#include "dialect/dialect.h"
#include "util/util.h"

#include <libpq-fe.h>
#include <sqlite3.h>

typedef struct db_conn {
    const dialect *dialect;
    sqlite3 *sqlite;            /* set for SQLite */
    PGconn *pg;                 /* set for PostgreSQL */
    const char *pg_schema;      /* PostgreSQL schema to introspect ("public") */
    const char *url_redacted;   /* for messages */
    arena *arena;
} db_conn;

/* The dialect of `url`, or NULL with a diagnostic: no URL at all (NULL),
** or one naming no supported backend.  db_open() checks this first. */
const dialect *db_url_dialect(const char *url, diag_list *dl);

/* Open the database of `url`.  For SQLite, create_missing chooses whether a
** missing file is created (upgrade) or an error (diff).  Returns 0, or -1
** with a diagnostic in dl. */
int db_open(const char *url, bool create_missing, db_conn **out, diag_list *dl);
void db_close(db_conn *c);

/* The URL with any password replaced by "***". */
const char *db_url_redacted(arena *a, const char *url);

/* PostgreSQL connection from a URL (src/db/postgres_conn.c). */
int db_open_postgres(const char *url, db_conn *c, diag_list *dl);

/* Run SQL that returns no rows (several statements allowed on SQLite). */
int db_exec(db_conn *c, const char *sql, diag_list *dl);

/* Does a table of this name exist (in the PostgreSQL schema c->pg_schema)?
** Returns 1, 0, or -1 with a diagnostic. */
int db_table_exists(db_conn *c, const char *name, diag_list *dl);

/* The revisions in alembic_version (none when the table does not exist);
** strings allocated in `a`. */
int db_current_revisions(db_conn *c, arena *a, str_vec *out, diag_list *dl);

#endif
