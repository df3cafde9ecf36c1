/*
** checksums.c — the table where retort's runner records the hash of each
** revision file it applies (db.h, "the checksum table"; docs/ci.md), as
** Flyway's flyway_schema_history and Prisma's _prisma_migrations do.
** Every value goes in as a bound parameter; only the table's name, quoted
** by the dialect, is part of the SQL text.
*/
#include "db/db.h"

#include <stdlib.h>
#include <string.h>

/* The schema the table lives in on PostgreSQL: the version table's. */
static const char *table_schema(const db_conn *c) {
    return c->version_table_schema ? c->version_table_schema : c->pg_schema;
}

/* The table's name as SQL: "schema"."table" on PostgreSQL, "table" on
** SQLite. */
static const char *table_sql(db_conn *c, const char *table) {
    const dialect *d = c->dialect;
    if (c->pg) return arena_printf(c->arena, "%s.%s", d->quote_ident(c->arena, table_schema(c)),
                                   d->quote_ident(c->arena, table));
    return d->quote_ident(c->arena, table);
}

/* Run sql with n text parameters ($1.. / ?1..).  With rows, the result's
** rows are read: cols text columns each, into rows (strings in a). */
typedef VEC(const char **) text_rows;
static int exec_params(db_conn *c, const char *sql, int n, const char *const *params, arena *a, int cols,
                       text_rows *rows, diag_list *dl) {
    if (c->sqlite) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(c->sqlite, sql, -1, &st, NULL) != SQLITE_OK) goto sqlite_fail;
        for (int i = 0; i < n; i++)
            if (sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT) != SQLITE_OK) goto sqlite_fail;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (!rows) continue;
            const char **row = arena_alloc(a, (size_t)cols * sizeof *row);
            for (int k = 0; k < cols; k++) {
                const unsigned char *v = sqlite3_column_text(st, k);
                row[k] = arena_strdup(a, v ? (const char *)v : "");
            }
            vec_push(a, rows, row);
        }
        if (rc != SQLITE_DONE) goto sqlite_fail;
        sqlite3_finalize(st);
        return 0;
    sqlite_fail:
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "SQLite: %s", sqlite3_errmsg(c->sqlite));
        sqlite3_finalize(st);
        return -1;
    }
    PGresult *r = PQexecParams(c->pg, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg);
        diag_add(dl, DIAG_ERROR, (src_loc){0}, "PostgreSQL: %.*s", (int)strcspn(msg, "\n"), msg);
        PQclear(r);
        return -1;
    }
    for (int i = 0; rows && i < PQntuples(r); i++) {
        const char **row = arena_alloc(a, (size_t)cols * sizeof *row);
        for (int k = 0; k < cols; k++) row[k] = arena_strdup(a, PQgetvalue(r, i, k));
        vec_push(a, rows, row);
    }
    PQclear(r);
    return 0;
}

int db_checksum_table_exists(db_conn *c, const char *table, diag_list *dl) {
    if (c->sqlite) return db_table_exists(c, table, dl);
    const char *params[2] = {table_schema(c), table};
    text_rows rows = {0};
    if (exec_params(c, "SELECT to_regclass(quote_ident($1) || '.' || quote_ident($2)) IS NOT NULL", 2, params,
                    c->arena, 1, &rows, dl) != 0)
        return -1;
    return rows.len == 1 && !strcmp(rows.items[0][0], "t");
}

int db_checksum_table_create(db_conn *c, const char *table, diag_list *dl) {
    const char *sql = arena_printf(c->arena,
                                   "CREATE TABLE %s (\n"
                                   "    revision VARCHAR(255) NOT NULL, \n"
                                   "    checksum VARCHAR(71) NOT NULL, \n"
                                   "    applied_at %s NOT NULL, \n"
                                   "    execution_ms INTEGER NOT NULL, \n"
                                   "    CONSTRAINT %s PRIMARY KEY (revision)\n"
                                   ")",
                                   table_sql(c, table), c->pg ? "TIMESTAMP WITH TIME ZONE" : "VARCHAR(32)",
                                   c->dialect->quote_ident(c->arena, arena_printf(c->arena, "%s_pkc", table)));
    return exec_params(c, sql, 0, NULL, NULL, 0, NULL, dl);
}

int db_checksums_read(db_conn *c, const char *table, arena *a, db_checksum_rows *out, diag_list *dl) {
    out->len = 0;
    int exists = db_checksum_table_exists(c, table, dl);
    if (exists <= 0) return exists;
    const char *when = c->pg ? "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
                             : "substr(applied_at, 1, 19)";
    const char *sql = arena_printf(a, "SELECT revision, checksum, %s, execution_ms FROM %s ORDER BY revision", when,
                                   table_sql(c, table));
    text_rows rows = {0};
    if (exec_params(c, sql, 0, NULL, a, 4, &rows, dl) != 0) return -1;
    for (size_t i = 0; i < rows.len; i++) {
        db_checksum_row row = {rows.items[i][0], rows.items[i][1], rows.items[i][2], atol(rows.items[i][3])};
        vec_push(a, out, row);
    }
    return 0;
}

int db_checksum_record(db_conn *c, const char *table, const char *revision, const char *checksum,
                       const char *applied_at, long execution_ms, diag_list *dl) {
    if (db_checksum_forget(c, table, revision, dl) != 0) return -1;
    char ms[32];
    snprintf(ms, sizeof ms, "%ld", execution_ms);
    const char *params[4] = {revision, checksum, applied_at, ms};
    const char *sql = arena_printf(c->arena, "INSERT INTO %s (revision, checksum, applied_at, execution_ms) VALUES %s",
                                   table_sql(c, table), c->pg ? "($1, $2, $3::timestamptz, $4::integer)"
                                                              : "(?1, ?2, ?3, CAST(?4 AS INTEGER))");
    return exec_params(c, sql, 4, params, NULL, 0, NULL, dl);
}

int db_checksum_forget(db_conn *c, const char *table, const char *revision, diag_list *dl) {
    const char *params[1] = {revision};
    const char *sql = arena_printf(c->arena, "DELETE FROM %s WHERE revision = %s", table_sql(c, table),
                                   c->pg ? "$1" : "?1");
    return exec_params(c, sql, 1, params, NULL, 0, NULL, dl);
}
