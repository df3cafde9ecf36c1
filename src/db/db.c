/*
** db.c — open a database from a SQLAlchemy URL; run statements; read the
** alembic_version table.  The PostgreSQL connection itself is in
** postgres_conn.c.
*/
#include "db/db.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* A libpq "key=value key='quoted value'" string with password's value
** masked (libpq's own grammar: blanks around "=", '' quoting with \
** escapes). */
static const char *redact_conninfo(arena *a, const char *s, const char *mask) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    const char *p = s;
    while (*p) {
        const char *word = p;
        while (*p && *p != '=' && !isspace((unsigned char)*p)) p++;
        size_t key_len = (size_t)(p - word);
        sb_appendn(&sb, word, key_len);
        const char *sep = p;
        while (isspace((unsigned char)*p)) p++;
        if (*p != '=') { sb_appendn(&sb, sep, (size_t)(p - sep)); continue; }
        p++;
        while (isspace((unsigned char)*p)) p++;
        sb_appendn(&sb, sep, (size_t)(p - sep));
        const char *value = p;
        if (*p == '\'') {
            for (p++; *p && *p != '\''; p++)
                if (*p == '\\' && p[1]) p++;
            if (*p) p++;
        } else {
            while (*p && !isspace((unsigned char)*p)) p++;
        }
        bool secret = key_len == 8 && !strncmp(word, "password", 8);
        if (secret) sb_append(&sb, mask);
        else sb_appendn(&sb, value, (size_t)(p - value));
        const char *blank = p;
        while (isspace((unsigned char)*p)) p++;
        sb_appendn(&sb, blank, (size_t)(p - blank));
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

const char *db_url_redacted(arena *a, const char *url) { return db_url_masked(a, url, "***"); }

const char *db_url_masked(arena *a, const char *url, const char *mask) {
    if (!url) return NULL;
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end) return strchr(url, '=') ? redact_conninfo(a, url, mask) : arena_strdup(a, url);
    strbuf sb = STRBUF_INIT;
    const char *auth = scheme_end + 3;
    size_t auth_len = strcspn(auth, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (auth[i] == '@') at = auth + i;            /* the last '@' ends userinfo */
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    const char *rest = url;
    if (colon) {
        sb_appendn(&sb, url, (size_t)(colon - url));
        sb_appendc(&sb, ':');
        sb_append(&sb, mask);
        rest = at;
    }
    /* The query: every password=VALUE masked. */
    const char *query = strchr(rest, '?');
    if (!query) {
        sb_append(&sb, rest);
    } else {
        sb_appendn(&sb, rest, (size_t)(query - rest) + 1);
        const char *p = query + 1;
        while (*p) {
            size_t item = strcspn(p, "&#");
            const char *eq = memchr(p, '=', item);
            const char *key = eq ? url_percent_decode(a, p, (size_t)(eq - p)) : NULL;
            if (key && !strcmp(key, "password")) {      /* ?pass%77ord= too */
                sb_appendn(&sb, p, (size_t)(eq - p) + 1);
                sb_append(&sb, mask);
            } else {
                sb_appendn(&sb, p, item);
            }
            p += item;
            if (*p) sb_appendc(&sb, *p++);
        }
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* sqlite:///relative.db, sqlite:////abs.db, sqlite:///:memory:, sqlite:// */
/* SQLite's memory statistics, on by default, take a global mutex on
** every allocation: 279,000 of them in a no-change autogenerate of 1,000
** tables, and retort never reads the statistics.  Off before SQLite
** starts (sqlite3_config is refused once it has: then they stay on). */
static void sqlite_configure(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static int open_sqlite(const char *url, bool create_missing, db_conn *c, diag_list *dl) {
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, sqlite_configure);
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
    /* A connection is used by one thread at a time (db.h): no mutex
    ** around each call (about 350,000 column reads at 1,000 tables). */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create_missing ? SQLITE_OPEN_CREATE : 0);
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

bool db_sqlite_file_missing(const char *url) {
    const char *s = url ? strstr(url, "://") : NULL;
    if (!s || strncmp(url, "sqlite", 6) != 0) return false;
    s += 3;
    if (*s == '/') s++;
    size_t n = strcspn(s, "?");
    if (!n || !strncmp(s, ":memory:", 8)) return false;
    char *path = strndup(s, n);
    if (!path) util_oom();
    struct stat st;
    bool missing = stat(path, &st) != 0 && errno == ENOENT;
    free(path);
    return missing;
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
    c->checksum_table = "retort_migrations";
    c->notices = dl;
    int rc = d->kind == DIALECT_SQLITE ? open_sqlite(url, create_missing, c, dl) : db_open_postgres(url, c, dl);
    if (rc != 0) {
        arena_free(a);
        return -1;
    }
    *out = c;
    return 0;
}

static int pg_failed(db_conn *c, PGresult *r, const char *what, diag_list *dl);

/* The session's schema (see db_open_at). */
static int use_pg_schema(db_conn *c, diag_list *dl) {
    const char *params[1] = {c->pg_schema};
    PGresult *r = PQexecParams(c->pg, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1, NULL, params,
                               NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) return pg_failed(c, r, "PostgreSQL: checking the schema", dl);
    bool exists = PQntuples(r) == 1;
    PQclear(r);
    if (!exists) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0},
                           "the PostgreSQL schema \"%s\" ([retort] schema) does not exist in %s", c->pg_schema,
                           c->url_redacted);
        diag_set_hint(dl, d, "create it first: CREATE SCHEMA %s", dialect_postgresql()->quote_ident(c->arena, c->pg_schema));
        return -1;
    }
    const char *q = dialect_postgresql()->quote_ident(c->arena, c->pg_schema);
    params[0] = strcmp(c->pg_schema, "public") ? arena_printf(c->arena, "%s, public", q) : q;
    r = PQexecParams(c->pg, "SELECT pg_catalog.set_config('search_path', $1, false)", 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) return pg_failed(c, r, "PostgreSQL: setting the search_path", dl);
    PQclear(r);
    return 0;
}

int db_open_at(const char *url, bool create_missing, const db_place *place, db_conn **out, diag_list *dl) {
    if (db_open(url, create_missing, out, dl) != 0) return -1;
    db_conn *c = *out;
    if (place->pg_schema) c->pg_schema = place->pg_schema;
    c->version_table = place->version_table;
    c->version_table_schema = place->version_table_schema;
    if (place->checksum_table) c->checksum_table = place->checksum_table;
    if (c->pg && use_pg_schema(c, dl) != 0) {
        db_close(c);
        *out = NULL;
        return -1;
    }
    return 0;
}

void db_close(db_conn *c) {
    if (!c) return;
    if (c->sqlite) sqlite3_close(c->sqlite);
    if (c->pg) PQfinish(c->pg);
    arena_free(c->arena);
}

/* Past blanks, comments and empty statements (";"): where a second
** statement of an SQLite string would start, or its end. */
static const char *skip_blank_sql(const char *p) {
    while (*(p = sql_skip_space(p)) == ';') p++;
    return p;
}

/* "<what>: <the first line of PostgreSQL's message>" for a failed result
** (the connection's message when libpq made no result at all); r is
** cleared.  Returns -1. */
static int pg_failed(db_conn *c, PGresult *r, const char *what, diag_list *dl) {
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg);
    diag_add(dl, DIAG_ERROR, (src_loc){0}, "%s: %.*s", what, (int)strcspn(msg, "\n"), msg);
    PQclear(r);
    return -1;
}

static void one_statement_error(diag_list *dl, const char *backend) {
    diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0},
                       "%s: the SQL holds more than one statement; retort runs one statement per call", backend);
    diag_set_hint(dl, d, "split it: one op.execute() per statement (Alembic's sqlite3 driver refuses "
                         "several too, so the file runs on both backends)");
}

/* Prepare the one statement of sql (*st NULL for blanks and comments
** only); a second statement is refused before anything runs. */
static int sqlite_prepare_one(db_conn *c, const char *sql, sqlite3_stmt **st, diag_list *dl) {
    const char *tail = NULL;
    *st = NULL;
    if (sqlite3_prepare_v2(c->sqlite, sql, -1, st, &tail) != SQLITE_OK) {
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "SQLite: %s", sqlite3_errmsg(c->sqlite));
        return -1;
    }
    if (tail && *skip_blank_sql(tail)) {
        sqlite3_finalize(*st);
        *st = NULL;
        one_statement_error(dl, "SQLite");
        return -1;
    }
    return 0;
}

static int sqlite_exec_one(db_conn *c, const char *sql, long *changed, diag_list *dl) {
    sqlite3_stmt *st;
    if (sqlite_prepare_one(c, sql, &st, dl) != 0) return -1;
    if (!st) {                                  /* blanks and comments only */
        if (changed) *changed = 0;
        return 0;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "SQLite: %s", sqlite3_errmsg(c->sqlite));
        return -1;
    }
    if (changed) *changed = sqlite3_changes(c->sqlite);
    return 0;
}

static int pg_exec_one(db_conn *c, const char *sql, long *changed, diag_list *dl) {
    PGresult *r = PQexecParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
        if (!code || strcmp(code, "42601") || !strstr(PQresultErrorMessage(r), "multiple commands"))
            return pg_failed(c, r, "PostgreSQL", dl);
        one_statement_error(dl, "PostgreSQL");
        PQclear(r);
        return -1;
    }
    if (changed) *changed = atol(PQcmdTuples(r));   /* "" for other commands: 0 */
    PQclear(r);
    return 0;
}

int db_exec_count(db_conn *c, const char *sql, long *changed, diag_list *dl) {
    if (changed) *changed = 0;
    return c->sqlite ? sqlite_exec_one(c, sql, changed, dl) : pg_exec_one(c, sql, changed, dl);
}

int db_exec(db_conn *c, const char *sql, diag_list *dl) { return db_exec_count(c, sql, NULL, dl); }

int db_query(db_conn *c, const char *sql, arena *a, db_rows *out, diag_list *dl) {
    memset(out, 0, sizeof *out);
    if (c->pg) {
        PGresult *r = PQexecParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return pg_failed(c, r, "PostgreSQL", dl);
        out->columns = (size_t)PQnfields(r);
        out->rows = (size_t)PQntuples(r);
        for (int i = 0; i < PQntuples(r); i++)
            for (int k = 0; k < PQnfields(r); k++)
                vec_push(a, &out->cells, PQgetisnull(r, i, k) ? NULL : arena_strdup(a, PQgetvalue(r, i, k)));
        PQclear(r);
        return 0;
    }
    sqlite3_stmt *st;
    if (sqlite_prepare_one(c, sql, &st, dl) != 0) return -1;
    if (!st) return 0;
    out->columns = (size_t)sqlite3_column_count(st);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->rows++;
        for (size_t k = 0; k < out->columns; k++) {
            const unsigned char *v = sqlite3_column_text(st, (int)k);
            vec_push(a, &out->cells, v ? arena_strdup(a, (const char *)v) : NULL);
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "SQLite: %s", sqlite3_errmsg(c->sqlite));
        return -1;
    }
    return 0;
}

int db_exec_version_row(db_conn *c, const char *sql, const char *what, diag_list *dl) {
    long changed = 0;
    if (db_exec_count(c, sql, &changed, dl) != 0) return -1;
    if (changed == 1) return 0;
    diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0},
                       "Online migration expected to match one row when %s in '%s'; %ld found",
                       what, c->version_table ? c->version_table : "alembic_version", changed);
    diag_set_hint(dl, d, "the version table does not hold the rows this run was planned from (changed by hand, "
                         "or by another tool?); the transaction was rolled back: see 'retort current', "
                         "and fix the table with 'retort stamp'");
    return -1;
}

/* ----------------------------------------------------------------- locks */

/* A 64-bit key for PostgreSQL's advisory lock: one per database schema. */
static long long lock_key(const char *schema_name) {
    unsigned long long h = 1469598103934665603ULL;
    const char *p = "retort:alembic_version:";
    for (; *p; p++) { h ^= (unsigned char)*p; h *= 1099511628211ULL; }
    for (p = schema_name; *p; p++) { h ^= (unsigned char)*p; h *= 1099511628211ULL; }
    return (long long)(h >> 1);
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int pg_advisory_lock(db_conn *c, long timeout_ms, diag_list *dl) {
    char key[32];
    snprintf(key, sizeof key, "%lld", lock_key(c->pg_schema));
    const char *params[1] = {key};
    long deadline = now_ms() + timeout_ms;
    for (;;) {
        PGresult *res = PQexecParams(c->pg, "SELECT pg_try_advisory_lock($1::bigint)", 1, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) return pg_failed(c, res, "PostgreSQL", dl);
        bool got = !strcmp(PQgetvalue(res, 0, 0), "t");
        PQclear(res);
        if (got) return 0;
        if (now_ms() >= deadline) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0}, "another migration run holds the lock on %s (schema %s)",
                               c->url_redacted, c->pg_schema);
            diag_set_hint(dl, d, "waited %ld s; let it finish, or pass --lock-timeout SECONDS to wait longer",
                          timeout_ms / 1000);
            return -1;
        }
        struct timespec pause = {0, 100 * 1000000L};
        nanosleep(&pause, NULL);
    }
}

int db_lock(db_conn *c, long timeout_ms, diag_list *dl) {
    if (c->sqlite) {
        /* Foreign keys off for the run, so that a move-and-copy of a parent
        ** table does not cascade into its children (the pragma is a no-op
        ** inside a transaction, so it comes first). */
        if (db_exec(c, "PRAGMA foreign_keys=OFF", dl) != 0) return -1;
        sqlite3_busy_timeout(c->sqlite, (int)timeout_ms);
        char *err = NULL;
        int rc = sqlite3_exec(c->sqlite, "BEGIN IMMEDIATE", NULL, NULL, &err);
        if (rc != SQLITE_OK) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0}, "could not lock the SQLite database: %s",
                               err ? err : sqlite3_errstr(rc));
            diag_set_hint(dl, d, "another migration run (or a long write) holds it; waited %ld s "
                                 "(--lock-timeout SECONDS to wait longer)", timeout_ms / 1000);
            sqlite3_free(err);
            return -1;
        }
        c->in_transaction = true;
        return 0;
    }
    if (!c->locked) {
        if (pg_advisory_lock(c, timeout_ms, dl) != 0) return -1;
        c->locked = true;
    }
    if (db_exec(c, "BEGIN", dl) != 0) return -1;
    c->in_transaction = true;
    return 0;
}

int db_commit(db_conn *c, diag_list *dl) {
    if (db_exec(c, "COMMIT", dl) != 0) {
        db_rollback(c);
        return -1;
    }
    c->in_transaction = false;
    return 0;
}

void db_rollback(db_conn *c) {
    if (!c->in_transaction) return;
    diag_list ignore;
    diag_list_init(&ignore);
    db_exec(c, "ROLLBACK", &ignore);
    diag_list_free(&ignore);
    c->in_transaction = false;
}

void db_unlock(db_conn *c) {
    db_rollback(c);
    diag_list ignore;
    diag_list_init(&ignore);
    if (c->locked) {
        char key[32];
        snprintf(key, sizeof key, "%lld", lock_key(c->pg_schema));
        const char *params[1] = {key};
        PQclear(PQexecParams(c->pg, "SELECT pg_advisory_unlock($1::bigint)", 1, NULL, params, NULL, NULL, 0));
        c->locked = false;
    }
    if (c->sqlite) db_exec(c, "PRAGMA foreign_keys=ON", &ignore);
    diag_list_free(&ignore);
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
    if (PQresultStatus(r) != PGRES_TUPLES_OK) return pg_failed(c, r, "PostgreSQL", dl);
    int exists = PQntuples(r) > 0;
    PQclear(r);
    return exists;
}

int db_constraint_kind(db_conn *c, const char *table, const char *name, char *kind, diag_list *dl) {
    const char *params[2] = {table, name};
    PGresult *r = PQexecParams(c->pg,
                               "SELECT contype FROM pg_catalog.pg_constraint "
                               "WHERE conrelid = to_regclass(quote_ident($1)) AND conname = $2",
                               2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) return pg_failed(c, r, "PostgreSQL", dl);
    int found = PQntuples(r) > 0;
    if (found) *kind = PQgetvalue(r, 0, 0)[0];
    PQclear(r);
    return found;
}

int db_version_table_exists(db_conn *c, diag_list *dl) {
    const char *name = c->version_table ? c->version_table : "alembic_version";
    if (c->sqlite || !c->version_table_schema) return db_table_exists(c, name, dl);
    const char *saved = c->pg_schema;
    c->pg_schema = c->version_table_schema;
    int rc = db_table_exists(c, name, dl);
    c->pg_schema = saved;
    return rc;
}

int db_current_revisions(db_conn *c, arena *a, str_vec *out, diag_list *dl) {
    out->len = 0;
    const char *vt = c->version_table ? c->version_table : "alembic_version";
    if (c->sqlite) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(c->sqlite, "SELECT 1 FROM sqlite_schema WHERE type='table' AND name=?1", -1, &st,
                                    NULL);
        if (rc != SQLITE_OK) goto sqlite_fail;
        sqlite3_bind_text(st, 1, vt, -1, SQLITE_STATIC);
        bool exists = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        st = NULL;
        if (!exists) return 0;
        rc = sqlite3_prepare_v2(c->sqlite,
                                arena_printf(a, "SELECT version_num FROM %s ORDER BY version_num",
                                             c->dialect->quote_ident(a, vt)),
                                -1, &st, NULL);
        if (rc != SQLITE_OK) goto sqlite_fail;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            vec_push(a, out, arena_strdup(a, (const char *)sqlite3_column_text(st, 0)));
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) goto sqlite_fail;
        return 0;
    sqlite_fail:
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "cannot read %s: %s", vt, sqlite3_errmsg(c->sqlite));
        return -1;
    }
    const char *schema = c->version_table_schema ? c->version_table_schema : c->pg_schema;
    const char *params[2] = {schema, vt};
    PGresult *r = PQexecParams(c->pg, "SELECT to_regclass(quote_ident($1) || '.' || quote_ident($2)) IS NOT NULL",
                               2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) goto pg_fail;
    bool exists = !strcmp(PQgetvalue(r, 0, 0), "t");
    PQclear(r);
    if (!exists) return 0;
    const char *q = arena_printf(a, "SELECT version_num FROM %s.%s ORDER BY version_num",
                                 c->dialect->quote_ident(a, schema), c->dialect->quote_ident(a, vt));
    r = PQexecParams(c->pg, q, 0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) goto pg_fail;
    for (int i = 0; i < PQntuples(r); i++) vec_push(a, out, arena_strdup(a, PQgetvalue(r, i, 0)));
    PQclear(r);
    return 0;
pg_fail:
    return pg_failed(c, r, arena_printf(a, "cannot read %s", vt), dl);
}
