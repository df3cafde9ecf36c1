/*
** db.c — open a database from a SQLAlchemy URL; run statements; read the
** alembic_version table.  The PostgreSQL connection itself is in
** postgres_conn.c.
*/
#include "db/db.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *db_url_redacted(arena *a, const char *url) {
    if (!url) return NULL;
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end) return arena_strdup(a, url);
    const char *auth = scheme_end + 3;
    size_t auth_len = strcspn(auth, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (auth[i] == '@') at = auth + i;            /* the last '@' ends userinfo */
    if (!at) return arena_strdup(a, url);
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (!colon) return arena_strdup(a, url);
    return arena_printf(a, "%.*s:***%s", (int)(colon - url), url, at);
}

/* sqlite:///relative.db, sqlite:////abs.db, sqlite:///:memory:, sqlite:// */
static int open_sqlite(const char *url, bool create_missing, db_conn *c, diag_list *dl) {
    const char *p = strstr(url, "://");
    const char *path = p ? p + 3 : "";
    if (*path == '/') path++;                         /* sqlite:///x -> x; ////x -> /x */
    size_t plen = strcspn(path, "?");
    const char *file = plen ? arena_strndup(c->arena, path, plen) : ":memory:";
    if (strcmp(file, ":memory:") != 0) {
        struct stat st;
        if (stat(file, &st) != 0 && !create_missing) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0},
                               "SQLite database '%s' does not exist", file);
            diag_set_hint(dl, d, "check sqlalchemy.url in alembic.ini (or DATABASE_URL); "
                                 "'retort upgrade head' or 'alembic upgrade head' creates it");
            return -1;
        }
    }
    int flags = SQLITE_OPEN_READWRITE | (create_missing ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(file, &c->sqlite, flags, NULL) != SQLITE_OK) {
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "cannot open SQLite database '%s': %s", file,
                 c->sqlite ? sqlite3_errmsg(c->sqlite) : "out of memory");
        sqlite3_close(c->sqlite);
        c->sqlite = NULL;
        return -1;
    }
    sqlite3_busy_timeout(c->sqlite, 5000);
    c->dialect = dialect_sqlite();
    return 0;
}

const dialect *db_url_dialect(const char *url, diag_list *dl) {
    if (!url || !*url) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0}, "no database URL");
        diag_set_hint(dl, d, "set sqlalchemy.url in alembic.ini or the DATABASE_URL environment variable");
        return NULL;
    }
    const dialect *dia = dialect_for_url(url);
    if (!dia) {
        arena *a = arena_new();
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0}, "unsupported database URL '%s'", db_url_redacted(a, url));
        diag_set_hint(dl, d, "use sqlite:///path/to/file.db or postgresql://user@host:port/dbname");
        arena_free(a);
    }
    return dia;
}

int db_open(const char *url, bool create_missing, db_conn **out, diag_list *dl) {
    *out = NULL;
    const dialect *d = db_url_dialect(url, dl);
    if (!d) return -1;
    arena *a = arena_new();
    db_conn *c = arena_alloc(a, sizeof *c);
    c->arena = a;
    c->url_redacted = db_url_redacted(a, url);
    c->pg_schema = "public";
    int rc = d->kind == DIALECT_SQLITE ? open_sqlite(url, create_missing, c, dl) : db_open_postgres(url, c, dl);
    if (rc != 0) {
        arena_free(a);
        return -1;
    }
    *out = c;
    return 0;
}

void db_close(db_conn *c) {
    if (!c) return;
    if (c->sqlite) sqlite3_close(c->sqlite);
    if (c->pg) PQfinish(c->pg);
    arena_free(c->arena);
}

int db_exec(db_conn *c, const char *sql, diag_list *dl) {
    if (c->sqlite) {
        char *err = NULL;
        if (sqlite3_exec(c->sqlite, sql, NULL, NULL, &err) != SQLITE_OK) {
            diag_add(dl, DIAG_ERROR, (src_loc){0}, "SQLite: %s", err ? err : "error");
            sqlite3_free(err);
            return -1;
        }
        return 0;
    }
    PGresult *r = PQexec(c->pg, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *msg = PQresultErrorMessage(r);
        size_t n = strcspn(msg, "\n");
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "PostgreSQL: %.*s", (int)n, msg);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}

int db_table_exists(db_conn *c, const char *name, diag_list *dl) {
    if (c->sqlite) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(c->sqlite, "SELECT 1 FROM sqlite_schema WHERE type='table' AND name=?1", -1, &st,
                               NULL) != SQLITE_OK) {
            diag_add(dl, DIAG_ERROR, (src_loc){0}, "SQLite: %s", sqlite3_errmsg(c->sqlite));
            return -1;
        }
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            diag_add(dl, DIAG_ERROR, (src_loc){0}, "SQLite: %s", sqlite3_errmsg(c->sqlite));
            return -1;
        }
        return rc == SQLITE_ROW;
    }
    const char *params[2] = {c->pg_schema, name};
    PGresult *r = PQexecParams(c->pg,
                               "SELECT 1 FROM pg_catalog.pg_class k JOIN pg_catalog.pg_namespace n ON n.oid = k.relnamespace "
                               "WHERE n.nspname = $1 AND k.relname = $2 AND k.relkind IN ('r', 'p')",
                               2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        const char *msg = PQresultErrorMessage(r);
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "PostgreSQL: %.*s", (int)strcspn(msg, "\n"), msg);
        PQclear(r);
        return -1;
    }
    int exists = PQntuples(r) > 0;
    PQclear(r);
    return exists;
}

int db_current_revisions(db_conn *c, arena *a, str_vec *out, diag_list *dl) {
    out->len = 0;
    if (c->sqlite) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(c->sqlite,
                                    "SELECT 1 FROM sqlite_schema WHERE type='table' AND name='alembic_version'",
                                    -1, &st, NULL);
        if (rc != SQLITE_OK) goto sqlite_fail;
        bool exists = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        st = NULL;
        if (!exists) return 0;
        rc = sqlite3_prepare_v2(c->sqlite, "SELECT version_num FROM alembic_version ORDER BY version_num",
                                -1, &st, NULL);
        if (rc != SQLITE_OK) goto sqlite_fail;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            vec_push(a, out, arena_strdup(a, (const char *)sqlite3_column_text(st, 0)));
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) goto sqlite_fail;
        return 0;
    sqlite_fail:
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "cannot read alembic_version: %s", sqlite3_errmsg(c->sqlite));
        return -1;
    }
    const char *params[1] = {c->pg_schema};
    PGresult *r = PQexecParams(c->pg,
                               "SELECT to_regclass(quote_ident($1) || '.alembic_version') IS NOT NULL",
                               1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) goto pg_fail;
    bool exists = !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    if (!exists) return 0;
    const char *q = arena_printf(a, "SELECT version_num FROM %s.alembic_version ORDER BY version_num",
                                 c->dialect->quote_ident(a, c->pg_schema));
    r = PQexec(c->pg, q);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) goto pg_fail;
    for (int i = 0; i < PQntuples(r); i++) vec_push(a, out, arena_strdup(a, PQgetvalue(r, i, 0)));
    PQclear(r);
    return 0;
pg_fail:;
    const char *msg = PQresultErrorMessage(r);
    diag_add(dl, DIAG_ERROR, (src_loc){0}, "cannot read alembic_version: %.*s", (int)strcspn(msg, "\n"), msg);
    PQclear(r);
    return -1;
}
