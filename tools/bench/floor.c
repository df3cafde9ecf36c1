/*
** floor.c — the catalog floor of retort's benchmark.
**
**   retort_floor [--each] URL [SCHEMA]
**
** Connects to URL the way retort does (db_open_at: the same connection
** and session setup), sends the statements that backend's introspector
** sends, in its order (introspect_sqlite_queries() /
** introspect_postgres_queries(): the very strings the introspector runs,
** so that the two cannot drift; tests/unit/test_catalog_floor.c checks
** that the introspector sends exactly those), and reads every value of
** every row.  It builds nothing from them.  What it costs is the least a
** tool reading this catalog this way pays, and tools/bench/run.sh prints
** retort's CPU time divided by this program's.
**
** Prints one line: statements, rows, values and bytes read; with --each,
** first one line per statement: its rows and the CPU time it took this
** process (on PostgreSQL the server's work is not in it).  SCHEMA is the
** PostgreSQL schema read (public by default): $1 of the statements is the
** JSON array of the schemas to read, as the introspector passes it.
*/
#include "introspect/introspect.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct totals {
    bool each;              /* print a line per statement */
    double started;         /* CPU seconds when the statement began */
    size_t statement_rows;
    size_t statements, rows, values, bytes;
    unsigned checksum;      /* of each value's length and ends: each is fetched */
} totals;

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void statement_begins(totals *t) {
    t->statement_rows = t->rows;
    if (t->each) t->started = cpu_seconds();
}

static void statement_ends(totals *t, const char *what) {
    t->statements++;
    if (t->each)
        fprintf(stderr, "floor: %-14s %8zu rows %9.3f ms\n", what, t->rows - t->statement_rows,
                (cpu_seconds() - t->started) * 1e3);
}

/* One value, as the library hands it over (the introspectors copy what
** they keep; that copy is theirs, not the catalog's). */
static void add_bytes(totals *t, const unsigned char *p, size_t n) {
    t->checksum = t->checksum * 31u + (unsigned)n + (n ? p[0] + p[n - 1] : 0u);
    t->bytes += n;
    t->values++;
}

static int run_sqlite(sqlite3 *db, totals *t) {
    const catalog_query *q;
    size_t n = introspect_sqlite_queries(&q);
    for (size_t i = 0; i < n; i++) {
        statement_begins(t);
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, q[i].sql, -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "retort_floor: %s: %s\n", q[i].what, sqlite3_errmsg(db));
            return -1;
        }
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            int cols = sqlite3_column_count(st);
            for (int c = 0; c < cols; c++) {
                /* Each value as what it is: a number is not turned into text
                ** (the introspector reads numbers as numbers). */
                switch (sqlite3_column_type(st, c)) {
                case SQLITE_INTEGER: {
                    sqlite3_int64 v = sqlite3_column_int64(st, c);
                    add_bytes(t, (const unsigned char *)&v, sizeof v);
                    break;
                }
                case SQLITE_FLOAT: {
                    double v = sqlite3_column_double(st, c);
                    add_bytes(t, (const unsigned char *)&v, sizeof v);
                    break;
                }
                case SQLITE_NULL: add_bytes(t, (const unsigned char *)"", 0); break;
                default: {
                    const unsigned char *v = sqlite3_column_text(st, c);
                    add_bytes(t, v ? v : (const unsigned char *)"", v ? (size_t)sqlite3_column_bytes(st, c) : 0);
                }
                }
            }
            t->rows++;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "retort_floor: %s: %s\n", q[i].what, sqlite3_errmsg(db));
            return -1;
        }
        statement_ends(t, q[i].what);
    }
    return 0;
}

static int run_postgres(PGconn *conn, const char *pg_schema, totals *t) {
    const catalog_query *q;
    size_t n = introspect_postgres_queries(&q);
    json_t *schemas = json_pack("[s]", pg_schema);
    char *schemas_json = json_dumps(schemas, JSON_COMPACT);
    json_decref(schemas);
    const char *params[1] = {schemas_json};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        statement_begins(t);
        int nparams = strstr(q[i].sql, "$1") ? 1 : 0;
        PGresult *r = PQexecParams(conn, q[i].sql, nparams, NULL, nparams ? params : NULL, NULL, NULL, 0);
        ExecStatusType st = PQresultStatus(r);
        if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
            fprintf(stderr, "retort_floor: %s: %s", q[i].what, PQresultErrorMessage(r));
            PQclear(r);
            rc = -1;
            break;
        }
        int rows = PQntuples(r), cols = PQnfields(r);
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < cols; c++)
                add_bytes(t, (const unsigned char *)PQgetvalue(r, row, c), (size_t)PQgetlength(r, row, c));
            t->rows++;
        }
        PQclear(r);
        statement_ends(t, q[i].what);
    }
    free(schemas_json);
    return rc;
}

int main(int argc, char **argv) {
    totals t = {0};
    if (argc > 1 && !strcmp(argv[1], "--each")) {
        t.each = true;
        argv++;
        argc--;
    }
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: retort_floor [--each] URL [SCHEMA]\n");
        return 2;
    }
    const char *pg_schema = argc == 3 ? argv[2] : "public";
    diag_list dl;
    diag_list_init(&dl);
    db_conn *c = NULL;
    int rc = db_open_at(argv[1], false, &(db_place){pg_schema, NULL, NULL, NULL}, &c, &dl);
    if (rc == 0) rc = c->sqlite ? run_sqlite(c->sqlite, &t) : run_postgres(c->pg, c->pg_schema, &t);
    for (size_t i = 0; i < dl.items.len; i++) fprintf(stderr, "retort_floor: %s\n", dl.items.items[i].message);
    db_close(c);
    diag_list_free(&dl);
    if (rc != 0) return 1;
    printf("floor: %zu statements, %zu rows, %zu values, %zu bytes (checksum %08x)\n", t.statements, t.rows,
           t.values, t.bytes, t.checksum);
    return 0;
}
