/*
** runner.c — upgrade and downgrade, online and offline (see runner.h).
*/
#include "runner/runner.h"

#include "db/db.h"
#include "introspect/introspect.h"
#include "script/migration.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* One step of the plan with what its migration file does. */
typedef struct prepared_step {
    const migration_step *step;
    migration_ops *ops;
} prepared_step;

typedef struct run {
    const retort_config *cfg;
    const run_options *opt;
    arena *a;
    diag_list *dl;
    revision_set *revisions;
    revision_graph *graph;
    const dialect *d;
    db_conn *db;
    schema *current;            /* the schema the next step's ops apply to */
    VEC(prepared_step) steps;
    bool in_transaction;
    bool pg_locked;
} run;

static void emit(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(run *r, const char *fmt, ...) {
    if (!r->opt->emit) return;
    va_list ap;
    va_start(ap, fmt);
    const char *line = arena_vprintf(r->a, fmt, ap);
    va_end(ap);
    r->opt->emit(r->opt->emit_ctx, line);
}

/* "Running upgrade a -> b, message" as Alembic logs it (with_doc; message
** is Script.doc, the docstring's first paragraph, and without one Alembic
** logs no ", "), or "Running upgrade a -> b" as its --sql comments say it. */
static const char *step_line(run *r, const migration_step *s, bool with_doc) {
    const revision_header *h = s->node->header;
    const char *down = str_vec_join(r->a, &h->down_revisions, ", ");
    const char *from = s->upgrade ? down : h->revision, *to = s->upgrade ? h->revision : down;
    const char *line = arena_printf(r->a, "Running %s %s -> %s", s->upgrade ? "upgrade" : "downgrade", from, to);
    return with_doc && h->doc && *h->doc ? arena_printf(r->a, "%s, %s", line, h->doc) : line;
}

/* ------------------------------------------------------------- planning */

static int load_graph(run *r) {
    if (revisions_load(r->cfg->versions_dir, &r->revisions, r->dl) != 0) return -1;
    return graph_build(r->revisions, &r->graph, r->dl);
}

static int plan(run *r, const str_vec *current, const char *target, migration_plan *out) {
    memset(out, 0, sizeof *out);
    return r->opt->upgrade ? graph_plan_upgrade(r->graph, current, target, out, r->dl)
                           : graph_plan_downgrade(r->graph, current, target, out, r->dl);
}

/* Parse every migration of the plan and turn it into ops, before anything
** is written.  All errors of all files are reported. */
static int prepare(run *r, const migration_plan *p) {
    int rc = 0;
    r->steps.len = 0;
    for (size_t i = 0; i < p->len; i++) {
        const migration_step *s = &p->items[i];
        migration_file *mf = NULL;
        migration_ops *ops = NULL;
        if (migration_parse_file(r->a, s->node->header->path, &mf, r->dl) != 0 ||
            migration_file_ops(mf, s->upgrade ? MIGRATE_UPGRADE : MIGRATE_DOWNGRADE, r->d, &ops, r->dl) != 0) {
            rc = -1;
            continue;
        }
        prepared_step ps = {s, ops};
        vec_push(r->a, &r->steps, ps);
    }
    if (rc != 0) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "nothing was run: retort cannot run %s as written",
                           p->len == 1 ? "this migration" : "every migration of this run");
        diag_set_hint(r->dl, d, "fix what is said above; for what retort does not run, use "
                                "python3 -m alembic %s %s, then continue with retort",
                      r->opt->upgrade ? "upgrade" : "downgrade", r->opt->target);
    }
    return rc;
}

static void free_prepared(run *r) {
    for (size_t i = 0; i < r->steps.len; i++) migration_ops_free(r->steps.items[i].ops);
    r->steps.len = 0;
}

/* The alembic_version statements of one step, as Alembic issues them: the
** plan says which row (if any) is UPDATEd; the other deleted rows go first,
** and on a downgrade the other inserted rows come before the UPDATE (an
** undone merge), on an upgrade after it. */
static void version_statements(run *r, const migration_step *s, sql_statements *out) {
    const str_vec *del = &s->version_delete, *ins = &s->version_insert;
    const char *from = s->version_update_from, *to = s->version_update_to;
    sql_statement st = {NULL, {0}};
    for (size_t i = 0; i < del->len; i++)
        if (!from || strcmp(del->items[i], from) != 0) {
            st.text = sql_delete_version(r->a, r->d, del->items[i]);
            vec_push(r->a, out, st);
        }
    for (int pass = 0; pass < 2; pass++) {
        bool inserts_now = (pass == 0) == !s->upgrade;
        if (inserts_now) {
            for (size_t i = 0; i < ins->len; i++)
                if (!to || strcmp(ins->items[i], to) != 0) {
                    st.text = sql_insert_version(r->a, r->d, ins->items[i]);
                    vec_push(r->a, out, st);
                }
        } else if (from && to) {
            st.text = sql_update_version(r->a, r->d, from, to);
            vec_push(r->a, out, st);
        }
    }
}

/* ------------------------------------------------------------- online */

static int exec(run *r, const char *sql) { return db_exec(r->db, sql, r->dl); }

static void rollback(run *r) {
    if (!r->in_transaction) return;
    diag_list ignore;
    diag_list_init(&ignore);
    db_exec(r->db, "ROLLBACK", &ignore);
    diag_list_free(&ignore);
    r->in_transaction = false;
}

/* A 64-bit key for PostgreSQL's advisory lock: one per database schema. */
static long long lock_key(const char *schema_name) {
    unsigned long long h = 1469598103934665603ULL;
    const char *p = "retort:alembic_version:";
    for (; *p; p++) { h ^= (unsigned char)*p; h *= 1099511628211ULL; }
    for (p = schema_name; *p; p++) { h ^= (unsigned char)*p; h *= 1099511628211ULL; }
    return (long long)(h >> 1);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Take the run's lock and open its transaction. */
static int begin(run *r) {
    if (r->db->sqlite) {
        /* Foreign keys off for the run, so that a move-and-copy of a parent
        ** table does not cascade into its children (the pragma is a no-op
        ** inside a transaction, so it comes first). */
        if (exec(r, "PRAGMA foreign_keys=OFF") != 0) return -1;
        sqlite3_busy_timeout(r->db->sqlite, (int)r->opt->lock_timeout_ms);
        char *err = NULL;
        int rc = sqlite3_exec(r->db->sqlite, "BEGIN IMMEDIATE", NULL, NULL, &err);
        if (rc != SQLITE_OK) {
            diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "could not lock the SQLite database: %s",
                               err ? err : sqlite3_errstr(rc));
            diag_set_hint(r->dl, d, "another migration run (or a long write) holds it; waited %ld s "
                                    "(--lock-timeout SECONDS to wait longer)", r->opt->lock_timeout_ms / 1000);
            sqlite3_free(err);
            return -1;
        }
        r->in_transaction = true;
        return 0;
    }
    if (!r->pg_locked) {
        char key[32];
        snprintf(key, sizeof key, "%lld", lock_key(r->db->pg_schema));
        const char *params[1] = {key};
        long deadline = now_ms() + r->opt->lock_timeout_ms;
        for (;;) {
            PGresult *res = PQexecParams(r->db->pg, "SELECT pg_try_advisory_lock($1::bigint)", 1, NULL, params,
                                         NULL, NULL, 0);
            if (PQresultStatus(res) != PGRES_TUPLES_OK) {
                const char *m = PQresultErrorMessage(res);
                diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "PostgreSQL: %.*s", (int)strcspn(m, "\n"), m);
                PQclear(res);
                return -1;
            }
            bool got = !strcmp(PQgetvalue(res, 0, 0), "t");
            PQclear(res);
            if (got) break;
            if (now_ms() >= deadline) {
                diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0},
                                   "another migration run holds the lock on %s (schema %s)",
                                   r->db->url_redacted, r->db->pg_schema);
                diag_set_hint(r->dl, d, "waited %ld s; let it finish, or pass --lock-timeout SECONDS to wait longer",
                              r->opt->lock_timeout_ms / 1000);
                return -1;
            }
            sleep_ms(100);
        }
        r->pg_locked = true;
    }
    if (exec(r, "BEGIN") != 0) return -1;
    r->in_transaction = true;
    return 0;
}

static int commit(run *r) {
    if (exec(r, "COMMIT") != 0) {
        rollback(r);
        return -1;
    }
    r->in_transaction = false;
    return 0;
}

static void release(run *r) {
    rollback(r);
    if (r->pg_locked) {
        diag_list ignore;
        diag_list_init(&ignore);
        char *q = arena_printf(r->a, "SELECT pg_advisory_unlock(%lld)", lock_key(r->db->pg_schema));
        db_exec(r->db, q, &ignore);
        diag_list_free(&ignore);
        r->pg_locked = false;
    }
    if (r->db && r->db->sqlite) {
        diag_list ignore;
        diag_list_init(&ignore);
        db_exec(r->db, "PRAGMA foreign_keys=ON", &ignore);
        diag_list_free(&ignore);
    }
}

/* Copy the SQLite database file with the backup API (a consistent copy,
** taken under the run's lock). */
static int backup_sqlite(run *r, run_result *res) {
    const char *file = sqlite3_db_filename(r->db->sqlite, "main");
    if (!file || !*file) return 0;                  /* in-memory */
    struct stat st;
    if (stat(file, &st) != 0 || st.st_size == 0) return 0;
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    const char *path = arena_printf(r->a, "%s.%s.bak", file, stamp);
    for (int n = 2; stat(path, &st) == 0; n++) path = arena_printf(r->a, "%s.%s-%d.bak", file, stamp, n);
    /* The run's own connection holds the write lock, and SQLite will not
    ** back up from a connection that is writing: read through a second
    ** connection (readers coexist with the run's RESERVED lock, and nothing
    ** has been written yet). */
    sqlite3 *src = NULL, *dest = NULL;
    int rc = sqlite3_open_v2(file, &src, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dest, "main", src, "main") : NULL;
    if (b) {
        rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
    }
    sqlite3_close(src);
    if (!b || rc != SQLITE_DONE) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "could not back up the database to '%s': %s", path,
                           dest ? sqlite3_errmsg(dest) : "out of memory");
        diag_set_hint(r->dl, d, "nothing was run; free some disk space, or pass --no-backup");
        sqlite3_close(dest);
        unlink(path);
        return -1;
    }
    sqlite3_close(dest);
    res->backup_path = path;
    emit(r, "Backup of the database before the run: %s", path);
    return 0;
}

/* Run one step: its SQL, then its alembic_version statements. */
static int run_step(run *r, const prepared_step *ps) {
    const migration_step *s = ps->step;
    emit(r, "%s", step_line(r, s, true));
    sql_statements sql = {0};
    if (render_sql(ps->ops->ops.items, ps->ops->ops.len, r->d, r->current, r->a, &sql, r->dl) != 0) return -1;
    for (size_t i = 0; i < sql.len; i++) {
        diag_list err;
        diag_list_init(&err);
        if (db_exec(r->db, sql.items[i].text, &err) != 0) {
            const char *why = err.items.len ? err.items.items[0].message : "error";
            diag *d = diag_add(r->dl, DIAG_ERROR, sql.items[i].loc, "revision %s failed: %s",
                               s->node->header->revision, why);
            diag_set_hint(r->dl, d, "the statement was: %s\nthe run was rolled back; the database is at the last "
                                    "revision that committed", sql.items[i].text);
            diag_list_free(&err);
            return -1;
        }
        diag_list_free(&err);
    }
    if (schema_apply_ops(r->current, ps->ops->ops.items, ps->ops->ops.len, r->dl) != 0) return -1;
    sql_statements ver = {0};
    version_statements(r, s, &ver);
    for (size_t i = 0; i < ver.len; i++)
        if (exec(r, ver.items[i].text) != 0) return -1;
    return 0;
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The alembic_version rows after step s, from the rows before it (sorted,
** as db_current_revisions returns them). */
static void apply_version_delta(run *r, str_vec *rows, const migration_step *s) {
    str_vec next = {0};
    for (size_t i = 0; i < rows->len; i++) {
        bool deleted = false;
        for (size_t k = 0; k < s->version_delete.len; k++)
            if (!strcmp(rows->items[i], s->version_delete.items[k])) deleted = true;
        if (!deleted) vec_push(r->a, &next, rows->items[i]);
    }
    for (size_t k = 0; k < s->version_insert.len; k++) vec_push(r->a, &next, s->version_insert.items[k]);
    if (next.len > 1) qsort(next.items, next.len, sizeof *next.items, cmp_str);
    *rows = next;
}

static bool same_revisions(const str_vec *x, const str_vec *y) {
    if (x->len != y->len) return false;
    for (size_t i = 0; i < x->len; i++)
        if (strcmp(x->items[i], y->items[i]) != 0) return false;
    return true;
}

static int run_online(run *r, run_result *res) {
    const retort_config *c = r->cfg;
    if (db_open(c->url, r->opt->upgrade, &r->db, r->dl) != 0) return -1;
    r->db->pg_schema = c->pg_schema;
    r->d = r->db->dialect;
    if (begin(r) != 0) return -1;

    /* Under the lock: where the database is, and what to do. */
    str_vec current = {0};
    if (db_current_revisions(r->db, r->a, &current, r->dl) != 0) return -1;
    migration_plan p = {0};
    if (plan(r, &current, r->opt->target, &p) != 0) return -1;
    if (prepare(r, &p) != 0) return -1;
    int exists = db_table_exists(r->db, "alembic_version", r->dl);
    if (exists < 0) return -1;
    if (!exists && exec(r, sql_create_version_table(r->a, r->d)) != 0) return -1;
    if (p.len == 0) return commit(r);

    if (r->db->sqlite && r->opt->backup && backup_sqlite(r, res) != 0) return -1;
    if (introspect_database(r->db, NULL, &r->current, r->dl) != 0) return -1;

    for (size_t i = 0; i < r->steps.len; i++) {
        if (run_step(r, &r->steps.items[i]) != 0) return -1;
        res->steps++;
        if (r->opt->transaction_per_migration && i + 1 < r->steps.len) {
            if (commit(r) != 0 || begin(r) != 0) return -1;
            /* Between two transactions another run could have moved the
            ** database (SQLite holds no lock across them): check. */
            apply_version_delta(r, &current, r->steps.items[i].step);
            str_vec now = {0};
            if (db_current_revisions(r->db, r->a, &now, r->dl) != 0) return -1;
            if (!same_revisions(&now, &current)) {
                diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0},
                                   "another run changed alembic_version to %s between two migrations",
                                   now.len ? str_vec_join(r->a, &now, ", ") : "nothing");
                diag_set_hint(r->dl, d, "stopped after revision %s; check 'retort current' and run again",
                              r->steps.items[i].step->node->header->revision);
                return -1;
            }
        }
    }
    return commit(r);
}

/* ------------------------------------------------------------ offline */

/* The schema at `from` (a revision spec, or NULL for base), built by
** applying every upgrade from base to it to an empty schema. */
static int simulate_to(run *r, const char *from) {
    r->current = schema_new();
    if (!from) return 0;
    migration_plan p = {0};
    str_vec none = {0};
    if (graph_plan_upgrade(r->graph, &none, from, &p, r->dl) != 0) return -1;
    for (size_t i = 0; i < p.len; i++) {
        migration_file *mf = NULL;
        migration_ops *ops = NULL;
        if (migration_parse_file(r->a, p.items[i].node->header->path, &mf, r->dl) != 0 ||
            migration_file_ops(mf, MIGRATE_UPGRADE, r->d, &ops, r->dl) != 0)
            return -1;
        int rc = schema_apply_ops(r->current, ops->ops.items, ops->ops.len, r->dl);
        migration_ops_free(ops);
        if (rc != 0) return -1;
    }
    return 0;
}

static int run_offline(run *r) {
    const char *url = r->cfg->url;
    r->d = url ? dialect_for_url(url) : NULL;
    if (!r->d) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "--sql needs the database URL to know its dialect");
        diag_set_hint(r->dl, d, "set sqlalchemy.url (sqlite:///... or postgresql://...) or DATABASE_URL; "
                                "nothing connects to it");
        return -1;
    }
    const char *target = r->opt->target;
    const char *colon = strchr(target, ':');
    const char *from = colon ? arena_strndup(r->a, target, (size_t)(colon - target)) : NULL;
    const char *to = colon ? colon + 1 : target;
    if (!r->opt->upgrade && !from) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "downgrade --sql needs a range FROM:TO");
        diag_set_hint(r->dl, d, "for example: retort downgrade --sql head:base (there is no database to read)");
        return -1;
    }
    if (from && !strcmp(from, "base")) from = NULL;
    if (simulate_to(r, from) != 0) return -1;
    str_vec current = {0};
    if (from) {
        revision_node *n = graph_find(r->graph, from, r->dl);
        if (!n) return -1;
        vec_push(r->a, &current, n->header->revision);
    }
    migration_plan p = {0};
    if (plan(r, &current, to, &p) != 0) return -1;
    if (prepare(r, &p) != 0) return -1;

    if (r->d->kind == DIALECT_SQLITE) emit(r, "PRAGMA foreign_keys=OFF;\n");
    emit(r, "BEGIN;\n");
    if (!from) emit(r, "%s;\n", sql_create_version_table(r->a, r->d));
    for (size_t i = 0; i < r->steps.len; i++) {
        const prepared_step *ps = &r->steps.items[i];
        emit(r, "-- %s\n", step_line(r, ps->step, false));
        sql_statements sql = {0};
        if (render_sql(ps->ops->ops.items, ps->ops->ops.len, r->d, r->current, r->a, &sql, r->dl) != 0) return -1;
        version_statements(r, ps->step, &sql);
        for (size_t k = 0; k < sql.len; k++) emit(r, "%s;\n", sql.items[k].text);
        if (schema_apply_ops(r->current, ps->ops->ops.items, ps->ops->ops.len, r->dl) != 0) return -1;
    }
    if (!r->opt->upgrade && !strcmp(to, "base")) emit(r, "%s;\n", sql_drop_version_table(r->a, r->d));
    emit(r, "COMMIT;");
    return 0;
}

int runner_run(const retort_config *cfg, const run_options *opt, arena *a, run_result *res, diag_list *dl) {
    memset(res, 0, sizeof *res);
    run r = {0};
    r.cfg = cfg;
    r.opt = opt;
    r.a = a;
    r.dl = dl;
    int rc = load_graph(&r);
    if (rc == 0) rc = opt->sql ? run_offline(&r) : run_online(&r, res);
    /* In one transaction a failure keeps nothing; per migration, the steps
    ** before the failing one stay committed. */
    if (rc != 0 && !opt->transaction_per_migration) res->steps = 0;
    if (r.db) release(&r);
    free_prepared(&r);
    schema_free(r.current);
    graph_free(r.graph);
    revisions_free(r.revisions);
    db_close(r.db);
    return rc;
}
