/*
** verify.c — retort_verify: the migration test suite on a scratch database
** (docs/ci.md "retort verify"), pytest-alembic's built-in tests in C:
**
**   1. single head: the versions folder has one head;
**   2. upgrade: base -> head in one run of the native runner;
**   3. models match: autogenerate against the result finds nothing (check);
**   4. on a fresh scratch, revision by revision in plan order: the catalog
**      (introspected, as schema_to_json) is read, one row is inserted into
**      every table, the revision is upgraded (those rows must still be
**      there where its ops keep their table and columns), downgraded (the
**      catalog must be the one before the upgrade) and upgraded again (the
**      catalog must be the one after the first upgrade).
**
** The scratch is a SQLite file in a temporary folder (removed after), or
** the empty database opt->url names (refused when it has a table; left
** empty again after).  Everything runs through the stages the commands use
** (runner_run, introspect_database, project_check); nothing is shelled out.
*/
#include "api/project.h"
#include "db/db.h"
#include "introspect/introspect.h"
#include "migration/migration.h"
#include "runner/runner.h"
#include "script/graph.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ results */

/* One thing that went wrong, with where and what to do when known. */
typedef struct problem {
    const char *step;               /* "upgrade", "downgrade", "rows"... */
    const char *message;
    str_vec details;                /* the differences, one per line */
    src_loc loc;
    const char *hint;
} problem;

/* A check of the suite (single head, upgrade, models) or one revision. */
typedef struct outcome {
    const char *name;               /* "single_head", "upgrade", "models_match"; NULL for a revision */
    const revision_node *node;      /* a revision's */
    bool ran, ok;
    double ms;
    size_t rows_checked;
    VEC(problem) problems;
    str_vec warnings;               /* what passed only in part */
    str_vec notes;                  /* what was skipped, and why (--verbose) */
    const char *summary;            /* a check's one-line result */
} outcome;

typedef struct verify {
    retort_project *p;
    const retort_verify_options *opt;
    arena *a;
    retort_config scratch;          /* the project's configuration on the scratch database */
    const char *where;              /* the scratch, for the report */
    const char *tmpdir, *tmpfile;   /* the temporary SQLite file and its folder, or NULL */
    db_conn *db;                    /* verify's own connection (catalogs, rows) */
    diag_list dbdiags;              /* the connection's notices */
    const dialect *d;
    str_vec start_objects;          /* PostgreSQL: what the database had (kept by a reset) */
    revision_set *revisions;
    revision_graph *graph;
    outcome single_head, upgrade, models, reset;
    schema *last;                   /* the scratch's catalog after the last revision, or NULL */
    VEC(outcome *) revs;
    size_t failures;
    long counter;                   /* the rows' generated values */
} verify;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static problem *add_problem(verify *v, outcome *o, const char *step, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static problem *add_problem(verify *v, outcome *o, const char *step, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    problem pr = {.step = step, .message = arena_vprintf(v->a, fmt, ap)};
    va_end(ap);
    vec_push(v->a, &o->problems, pr);
    if (o->ok) v->failures++;
    o->ok = false;
    return &o->problems.items[o->problems.len - 1];
}

static void add_note(verify *v, outcome *o, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add_note(verify *v, outcome *o, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vec_push(v->a, &o->notes, arena_vprintf(v->a, fmt, ap));
    va_end(ap);
}

/* The errors of dl as problems of o (the first one's hint and place). */
static void problems_from(verify *v, outcome *o, const char *step, const diag_list *dl, const char *why) {
    bool any = false;
    for (size_t i = 0; i < dl->items.len; i++) {
        const diag *d = &dl->items.items[i];
        if (d->severity != DIAG_ERROR) continue;
        problem *pr = add_problem(v, o, step, "%s", d->message);
        pr->loc = (src_loc){arena_strdup(v->a, d->loc.file), d->loc.line, d->loc.column};
        pr->hint = arena_strdup(v->a, d->hint);
        any = true;
    }
    if (!any) add_problem(v, o, step, "%s", why);
}

/* ------------------------------------------------------------ scratch */

static const db_place *place_of(const retort_config *c) {
    static db_place pl;
    pl = (db_place){c->pg_schema, c->version_table, c->version_table_schema, c->checksum_table};
    return &pl;
}

/* (Re)open verify's connection; the server's notices (DROP ... IF EXISTS
** says "skipping") go to v->dbdiags, which outlives it; errors to dl. */
static int open_scratch(verify *v, diag_list *dl) {
    db_close(v->db);
    v->db = NULL;
    diag_list_free(&v->dbdiags);
    diag_list_init(&v->dbdiags);
    if (db_open_at(v->scratch.url, true, place_of(&v->scratch), &v->db, &v->dbdiags) == 0) return 0;
    diag_list_append(dl, &v->dbdiags);
    return -1;
}

/* The schemas verify reads and clears on PostgreSQL: every schema but the
** server's own, as a condition on n.nspname (the scratch is verify's own
** database, and a history may build tables in any schema). */
#define PG_USER_SCHEMAS "(n.nspname !~ '^pg_' AND n.nspname <> 'information_schema')"

/* PostgreSQL: every object a migration can leave in the schema (not those
** of an extension, nor sequences a column owns), each as
** "<identity>\x1f<the statement that drops it>". */
static int pg_objects(verify *v, str_vec *out, diag_list *dl) {
    const char *sql = arena_printf(v->a,
        "SELECT 'rel ' || c.oid::regclass::text, format('DROP %%s IF EXISTS %%s CASCADE', CASE c.relkind "
        "WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' "
        "WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, c.oid::regclass) "
        "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE " PG_USER_SCHEMAS " AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND NOT EXISTS (SELECT 1 "
        "FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid "
        "AND d.deptype IN ('a', 'i', 'e')) "
        "UNION ALL SELECT 'type ' || t.oid::regtype::text, format('DROP TYPE IF EXISTS %%s CASCADE', t.oid::regtype) "
        "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
        "WHERE " PG_USER_SCHEMAS " AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT k.relkind "
        "FROM pg_catalog.pg_class k WHERE k.oid = t.typrelid) = 'c')) AND NOT EXISTS (SELECT 1 FROM "
        "pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid AND "
        "d.deptype = 'e') "
        "UNION ALL SELECT 'proc ' || p.oid::regprocedure::text, format('DROP %%s IF EXISTS %%s CASCADE', CASE "
        "p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, p.oid::regprocedure) "
        "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
        "WHERE " PG_USER_SCHEMAS " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
        "'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') "
        "UNION ALL SELECT 'extension ' || e.extname, format('DROP EXTENSION IF EXISTS %%I CASCADE', e.extname) "
        "FROM pg_catalog.pg_extension e");
    db_rows rows;
    if (db_query(v->db, sql, v->a, &rows, dl) != 0) return -1;
    out->len = 0;
    for (size_t i = 0; i < rows.rows; i++)
        vec_push(v->a, out, arena_printf(v->a, "%s\x1f%s", rows.cells.items[2 * i], rows.cells.items[2 * i + 1]));
    return 0;
}

/* The tables and views a database given with --url has (it must have
** none), as "table 'x'". */
static int scratch_contents(verify *v, str_vec *out, diag_list *dl) {
    const char *sql;
    if (v->db->sqlite)
        sql = "SELECT type || ' ''' || name || '''' FROM sqlite_schema WHERE type IN ('table', 'view') "
              "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
    else
        sql = arena_printf(v->a,
                           "SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE "
                           "'table' END || ' ' || quote_literal(n.nspname || '.' || c.relname) FROM "
                           "pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
                           PG_USER_SCHEMAS " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname");
    db_rows rows;
    if (db_query(v->db, sql, v->a, &rows, dl) != 0) return -1;
    for (size_t i = 0; i < rows.rows; i++) vec_push(v->a, out, rows.cells.items[i]);
    return 0;
}

/* Make the scratch empty again: a new file for the temporary SQLite
** database; else every table, view and trigger dropped (SQLite), or every
** object the database did not have when verify began (PostgreSQL). */
static int reset_scratch(verify *v, diag_list *dl) {
    if (v->tmpfile) {
        db_close(v->db);
        v->db = NULL;
        static const char *const SUFFIX[] = {"", "-journal", "-wal", "-shm"};
        for (size_t i = 0; i < sizeof SUFFIX / sizeof *SUFFIX; i++)
            unlink(arena_printf(v->a, "%s%s", v->tmpfile, SUFFIX[i]));
        return open_scratch(v, dl);
    }
    str_vec drops = {0};
    if (v->db->sqlite) {
        db_rows rows;
        if (db_exec(v->db, "PRAGMA foreign_keys=OFF", dl) != 0 ||
            db_query(v->db, "SELECT 'DROP ' || upper(type) || ' IF EXISTS \"' || replace(name, '\"', '\"\"') || '\"' "
                            "FROM sqlite_schema WHERE type IN ('view', 'trigger', 'table') AND name NOT LIKE "
                            "'sqlite\\_%' ESCAPE '\\' ORDER BY type = 'table'",
                     v->a, &rows, dl) != 0)
            return -1;
        for (size_t i = 0; i < rows.rows; i++) vec_push(v->a, &drops, rows.cells.items[i]);
    } else {
        str_vec now = {0};
        if (pg_objects(v, &now, dl) != 0) return -1;
        strmap *before = strmap_new(v->a);
        for (size_t i = 0; i < v->start_objects.len; i++) strmap_put(before, v->start_objects.items[i], v);
        for (size_t i = 0; i < now.len; i++)
            if (!strmap_get(before, now.items[i])) vec_push(v->a, &drops, strchr(now.items[i], '\x1f') + 1);
    }
    for (size_t i = 0; i < drops.len; i++)
        if (db_exec(v->db, drops.items[i], dl) != 0) return -1;
    return 0;
}

/* The scratch database: a temporary SQLite file, or opt->url (which must
** be empty).  RETORT_OK, or an error status with diagnostics in p. */
static retort_status setup_scratch(verify *v) {
    retort_project *p = v->p;
    v->scratch = *p->config;
    v->scratch.url_source = "retort verify";
    /* The scratch is thrown away: no applied checksums (each run would hash
    ** every applied file to compare, which grows with the history). */
    v->scratch.record_checksums = false;
    if (v->opt->url) {
        v->scratch.url = v->opt->url;
        if (!(v->d = db_url_dialect(v->opt->url, &p->diags))) return RETORT_ECONFIG;
        v->where = db_url_redacted(v->a, v->opt->url);
        if (open_scratch(v, &p->diags) != 0) return RETORT_EDATABASE;
        str_vec has = {0};
        if (scratch_contents(v, &has, &p->diags) != 0) return RETORT_EDATABASE;
        int version = db_version_table_exists(v->db, &p->diags);
        if (version < 0) return RETORT_EDATABASE;
        if (has.len || version) {
            const char *first = has.len ? has.items[0]
                                        : arena_printf(v->a, "table '%s'", v->scratch.version_table
                                                                               ? v->scratch.version_table
                                                                               : "alembic_version");
            const char *more = has.len > 1 ? arena_printf(v->a, " (and %zu more)", has.len - 1) : "";
            diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){0},
                               "the database given with --url is not empty: it has %s%s", first, more);
            diag_set_hint(&p->diags, d, "retort verify creates, drops and fills tables: give it an empty database "
                                        "of its own (createdb, or CREATE DATABASE verify_scratch), or leave --url "
                                        "out to use a temporary SQLite file");
            return RETORT_ECONFIG;
        }
        if (v->db->pg && pg_objects(v, &v->start_objects, &p->diags) != 0) return RETORT_EDATABASE;
        return RETORT_OK;
    }
    const char *tmp = getenv("TMPDIR");
    char *tmpl = arena_printf(v->a, "%s/retort-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmpl)) {
        project_error(p, "set TMPDIR to a writable folder, or give an empty database with --url",
                      "cannot make a temporary folder %s: %s", tmpl, strerror(errno));
        return RETORT_EIO;
    }
    v->tmpdir = tmpl;
    v->tmpfile = arena_printf(v->a, "%s/scratch.db", v->tmpdir);
    v->scratch.url = arena_printf(v->a, "sqlite:///%s", v->tmpfile);
    v->d = dialect_sqlite();
    v->where = "a temporary SQLite file";
    if (p->config->url && dialect_for_url(p->config->url) == dialect_postgresql())
        diag_add(&p->diags, DIAG_NOTE, (src_loc){0},
                 "the project's database is PostgreSQL, and verify runs on a temporary SQLite file: give an empty "
                 "PostgreSQL database with --url to test the migrations where they run");
    return open_scratch(v, &p->diags) == 0 ? RETORT_OK : RETORT_EDATABASE;
}

static void remove_scratch(verify *v) {
    db_close(v->db);
    v->db = NULL;
    if (!v->tmpdir) return;
    static const char *const SUFFIX[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof SUFFIX / sizeof *SUFFIX; i++)
        unlink(arena_printf(v->a, "%s%s", v->tmpfile, SUFFIX[i]));
    rmdir(v->tmpdir);
}

/* ------------------------------------------------------------ catalog */

/* The scratch's schema as introspection reads it (every table, of every
** schema on PostgreSQL). */
static schema *catalog(verify *v, diag_list *dl) {
    static const introspect_options every_schema = {.all_schemas = true};
    schema *s = NULL;
    return introspect_database(v->db, &every_schema, &s, dl) == 0 ? s : NULL;
}

/* The words of a schema_to_json key, singular, for messages. */
static const char *json_key_word(const char *key) {
    static const char *const W[][2] = {
        {"tables", "table"}, {"columns", "column"}, {"indexes", "index"}, {"unique_constraints", "unique constraint"},
        {"foreign_keys", "foreign key"}, {"check_constraints", "check constraint"}, {"enums", "enum type"},
        {"objects", "object"}, {"labels", "label"}};
    for (size_t i = 0; i < sizeof W / sizeof *W; i++)
        if (!strcmp(W[i][0], key)) return W[i][1];
    return key;
}

static const char *json_text(arena *a, const json_t *j) {
    char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
    const char *r = arena_strdup(a, s ? s : "?");
    free(s);
    return r;
}

static const char *element_name(const json_t *e) {
    const json_t *n = json_is_object(e) ? json_object_get(e, "name") : NULL;
    return json_is_string(n) ? json_string_value(n) : NULL;
}

/* The differences of `got` from `want` (two schema_to_json values), one
** readable line each, under `path` ("table 'item'"): `got_when` and
** `want_when` say when each was read ("after the downgrade", "before the
** upgrade").  At most `limit` lines. */
typedef struct json_diff {
    arena *a;
    str_vec *out;
    size_t limit;
    const char *got_when, *want_when;
} json_diff;

static void jd_line(json_diff *jd, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void jd_line(json_diff *jd, const char *path, const char *fmt, ...) {
    if (jd->out->len >= jd->limit) return;
    va_list ap;
    va_start(ap, fmt);
    const char *what = arena_vprintf(jd->a, fmt, ap);
    va_end(ap);
    vec_push(jd->a, jd->out, *path ? arena_printf(jd->a, "%s: %s", path, what) : what);
}

static void jd_value(json_diff *jd, const char *path, const json_t *got, const json_t *want);

static const char *jd_join(json_diff *jd, const char *path, const char *part) {
    return *path ? arena_printf(jd->a, "%s, %s", path, part) : part;
}

/* Arrays of named objects are matched by name, others as sets of values. */
static void jd_array(json_diff *jd, const char *path, const char *key, const json_t *got, const json_t *want) {
    const char *word = json_key_word(key);
    size_t ng = json_array_size(got), nw = json_array_size(want);
    bool named = true;
    for (size_t i = 0; i < ng && named; i++) named = element_name(json_array_get(got, i)) != NULL;
    for (size_t i = 0; i < nw && named; i++) named = element_name(json_array_get(want, i)) != NULL;
    if (named && (ng || nw)) {
        strmap *wmap = strmap_new(jd->a), *gmap = strmap_new(jd->a);
        for (size_t i = 0; i < nw; i++) strmap_put(wmap, element_name(json_array_get(want, i)), json_array_get(want, i));
        for (size_t i = 0; i < ng; i++) strmap_put(gmap, element_name(json_array_get(got, i)), json_array_get(got, i));
        for (size_t i = 0; i < ng; i++) {
            const json_t *g = json_array_get(got, i);
            const char *name = element_name(g);
            const json_t *w = strmap_get(wmap, name);
            const char *here = jd_join(jd, path, arena_printf(jd->a, "%s '%s'", word, name));
            if (!w) jd_line(jd, "", "%s is there %s, not %s", here, jd->got_when, jd->want_when);
            else jd_value(jd, here, g, w);
        }
        for (size_t i = 0; i < nw; i++) {
            const char *name = element_name(json_array_get(want, i));
            if (!strmap_get(gmap, name))
                jd_line(jd, "", "%s was there %s, not %s", jd_join(jd, path, arena_printf(jd->a, "%s '%s'", word, name)),
                        jd->want_when, jd->got_when);
        }
        return;
    }
    if (json_equal((json_t *)got, (json_t *)want)) return;
    for (size_t i = 0; i < ng; i++) {
        bool found = false;
        for (size_t k = 0; k < nw && !found; k++) found = json_equal(json_array_get(got, i), json_array_get(want, k));
        if (!found)
            jd_line(jd, path, "%s %s is there %s, not %s", word, json_text(jd->a, json_array_get(got, i)), jd->got_when,
                    jd->want_when);
    }
    for (size_t k = 0; k < nw; k++) {
        bool found = false;
        for (size_t i = 0; i < ng && !found; i++) found = json_equal(json_array_get(got, i), json_array_get(want, k));
        if (!found)
            jd_line(jd, path, "%s %s was there %s, not %s", word, json_text(jd->a, json_array_get(want, k)),
                    jd->want_when, jd->got_when);
    }
    if (jd->out->len == 0)
        jd_line(jd, path, "%s %s, %s %s", json_text(jd->a, got), jd->got_when, json_text(jd->a, want), jd->want_when);
}

static void jd_value(json_diff *jd, const char *path, const json_t *got, const json_t *want) {
    if (json_equal((json_t *)got, (json_t *)want)) return;
    if (json_is_object(got) && json_is_object(want)) {
        const char *key;
        json_t *g;
        json_object_foreach((json_t *)got, key, g) {
            const json_t *w = json_object_get(want, key);
            if (json_is_array(g) && json_is_array(w)) jd_array(jd, path, key, g, w);
            else if (!json_equal(g, (json_t *)w))
                jd_line(jd, path, "%s %s %s, %s %s", key, json_text(jd->a, g), jd->got_when,
                        w ? json_text(jd->a, w) : "absent", jd->want_when);
        }
        json_t *w;
        json_object_foreach((json_t *)want, key, w)
            if (!json_object_get(got, key))
                jd_line(jd, path, "%s absent %s, %s %s", key, jd->got_when, json_text(jd->a, w), jd->want_when);
        return;
    }
    jd_line(jd, path, "%s %s, %s %s", json_text(jd->a, got), jd->got_when, json_text(jd->a, want), jd->want_when);
}

/* Do two catalogs differ?  The differences go to *out. */
static bool catalogs_differ(verify *v, const schema *got, const schema *want, const char *got_when,
                            const char *want_when, str_vec *out) {
    json_t *g = schema_to_json(got), *w = schema_to_json(want);
    bool differ = !json_equal(g, w);
    if (differ) {
        json_diff jd = {v->a, out, 12, got_when, want_when};
        jd_value(&jd, "", g, w);
        if (!out->len) vec_push(v->a, out, "the catalogs differ");
    }
    json_decref(g);
    json_decref(w);
    return differ;
}

/* --------------------------------------------------------------- rows */

/* A row verify inserted before a revision, followed through its ops. */
typedef struct row_col {
    const char *origin;             /* its name before the revision */
    const char *name;               /* its name now (renames followed) */
    const char *value;              /* as text, read back after the insert; NULL: SQL NULL */
    bool key;                       /* identifies the row */
    bool compare;                   /* still expected to hold `value` */
    bool gone;                      /* dropped by the revision */
} row_col;

typedef struct test_row {
    const char *origin_schema;      /* its table's schema before the revision (NULL: the default) */
    const char *origin;             /* its table's name before the revision */
    const char *schema;             /* its table's schema now */
    const char *table;              /* its table's name now */
    bool table_gone;                /* dropped (and not made again) */
    src_loc dropped_at;             /* the drop_table of a table made again */
    VEC(row_col) cols;
} test_row;
typedef VEC(test_row) test_rows;

/* A literal value for a column of type t, or NULL when verify has none. */
static const char *value_for(verify *v, const column *c, long k) {
    const col_type *t = &c->type;
    const dialect *d = v->db->dialect;
    bool pg = v->db->pg != NULL;
    int len = t->length > 0 ? t->length : 0;
    const char *num = arena_printf(v->a, "%ld", k);
    switch (t->kind) {
    case TYPE_INTEGER: case TYPE_BIGINT: case TYPE_SMALLINT: case TYPE_FLOAT:
        return num;
    case TYPE_NUMERIC: {
        /* within Numeric(p, s): at most p - s digits before the point */
        long limit = 1;
        for (int i = 0; t->precision > 0 && i < t->precision - (t->scale > 0 ? t->scale : 0) && limit < 1000000000L; i++)
            limit *= 10;
        return t->precision > 0 ? arena_printf(v->a, "%ld", limit > 1 ? k % limit : 0) : num;
    }
    case TYPE_BOOLEAN: return pg ? "true" : "1";
    case TYPE_STRING: case TYPE_TEXT: case TYPE_CITEXT: case TYPE_TSVECTOR: {
        const char *s = arena_printf(v->a, "v%ld", k);
        if (len && (int)strlen(s) > len) s = num + ((int)strlen(num) > len ? (int)strlen(num) - len : 0);
        return d->quote_literal(v->a, s);
    }
    case TYPE_UUID: case TYPE_UUID_NATIVE:
        return d->quote_literal(v->a, arena_printf(v->a, "00000000-0000-4000-8000-%012ld", k % 1000000000000L));
    case TYPE_DATETIME: return "'2001-02-03 04:05:06'";
    case TYPE_DATE: return "'2001-02-03'";
    case TYPE_TIME: return "'04:05:06'";
    case TYPE_INTERVAL: return pg ? "'1 day'" : NULL;
    case TYPE_JSON: return d->quote_literal(v->a, arena_printf(v->a, "[%ld]", k));
    case TYPE_LARGEBINARY: return pg ? arena_printf(v->a, "'\\x%02lx'", k % 256) : arena_printf(v->a, "X'%02lx'", k % 256);
    case TYPE_INET: return arena_printf(v->a, "'10.0.%ld.%ld'", (k / 256) % 256, k % 256);
    case TYPE_CIDR: return "'10.0.0.0/8'";
    case TYPE_MACADDR: return "'08:00:2b:01:02:03'";
    case TYPE_ARRAY: return pg ? "'{}'" : NULL;
    case TYPE_ENUM:
        if (!t->enumeration || !t->enumeration->labels.len) return NULL;
        return d->quote_literal(v->a, t->enumeration->labels.items[k % (long)t->enumeration->labels.len].label);
    case TYPE_OTHER: return NULL;
    }
    return NULL;
}

/* CAST(x AS TEXT) of a quoted column. */
static const char *as_text(verify *v, const char *column) {
    return arena_printf(v->a, "CAST(%s AS TEXT)", v->db->dialect->quote_ident(v->a, column));
}

/* The WHERE that finds the row: its key columns equal to their values. */
static const char *row_where(verify *v, const test_row *r) {
    const dialect *d = v->db->dialect;
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < r->cols.len; i++) {
        const row_col *c = &r->cols.items[i];
        if (!c->key) continue;
        sb_printf(&sb, "%s%s %s", sb.len ? " AND " : "", as_text(v, c->name),
                  c->value ? arena_printf(v->a, "= %s", d->quote_literal(v->a, c->value)) : "IS NULL");
    }
    const char *w = arena_strdup(v->a, sb_str(&sb));
    sb_free(&sb);
    return w;
}

/* The row's key, for messages: "id = '1'". */
static const char *row_text(verify *v, const test_row *r) {
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < r->cols.len; i++) {
        const row_col *c = &r->cols.items[i];
        if (c->key)
            sb_printf(&sb, "%s%s = %s", sb.len ? ", " : "", c->name,
                      c->value ? v->db->dialect->quote_literal(v->a, c->value) : "NULL");
    }
    const char *t = arena_strdup(v->a, sb_str(&sb));
    sb_free(&sb);
    return t;
}

/* SELECT CAST(c AS TEXT), ... FROM t WHERE ...: the row's columns now. */
static int read_row(verify *v, const test_row *r, db_rows *out, diag_list *dl) {
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < r->cols.len; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", r->cols.items[i].gone ? "NULL" : as_text(v, r->cols.items[i].name));
    const char *sql = arena_printf(v->a, "SELECT %s FROM %s WHERE %s", sb_str(&sb),
                                   dialect_quote_table(v->db->dialect, v->a, r->schema, r->table), row_where(v, r));
    sb_free(&sb);
    return db_query(v->db, sql, v->a, out, dl);
}

/* The tables of s, each after those its foreign keys reference (Kahn's
** order; a cycle's tables come last, in schema order). */
typedef VEC(const table *) table_list;
static void tables_parents_first(verify *v, const schema *s, table_list *out) {
    size_t n = s->tables.len;
    size_t *waiting = arena_alloc(v->a, (n + 1) * sizeof *waiting);
    bool *done = arena_alloc(v->a, n + 1);
    strmap *pos = strmap_new(v->a);
    size_t *index = arena_alloc(v->a, (n + 1) * sizeof *index);
    for (size_t i = 0; i < n; i++) {
        index[i] = i;
        strmap_put(pos, s->tables.items[i]->key, &index[i]);
    }
    VEC(size_t) *children = arena_alloc(v->a, (n + 1) * sizeof *children);
    for (size_t i = 0; i < n; i++) {
        const table *t = s->tables.items[i];
        for (size_t k = 0; k < t->foreign_keys.len; k++) {
            const foreign_key *fk = t->foreign_keys.items[k];
            const size_t *p = strmap_get(pos, schema_object_key(v->a, fk->ref_schema, fk->ref_table));
            if (!p || *p == i) continue;
            waiting[i]++;
            vec_push(v->a, &children[*p], i);
        }
    }
    VEC(size_t) ready = {0};
    for (size_t i = 0; i < n; i++)
        if (!waiting[i]) vec_push(v->a, &ready, i);
    for (size_t r = 0; r < ready.len; r++) {
        size_t i = ready.items[r];
        done[i] = true;
        vec_push(v->a, out, s->tables.items[i]);
        for (size_t k = 0; k < children[i].len; k++)
            if (--waiting[children[i].items[k]] == 0) vec_push(v->a, &ready, children[i].items[k]);
    }
    for (size_t i = 0; i < n; i++)
        if (!done[i]) vec_push(v->a, out, s->tables.items[i]);
}

/* Insert one row into table t of the current catalog s; on success add it
** to *rows.  Where no row can be made, a note says why. */
static void insert_row(verify *v, outcome *o, const schema *s, const table *t, test_rows *rows) {
    const dialect *d = v->db->dialect;
    const char *table_label = qualified_name(v->a, t->schema, t->name);
    const char *table_sql = dialect_quote_table(d, v->a, t->schema, t->name);
    long k = ++v->counter;
    str_vec names = {0}, values = {0};
    strmap *given = strmap_new(v->a);
    /* foreign keys first: the values of a row of the referenced table */
    for (size_t f = 0; f < t->foreign_keys.len; f++) {
        const foreign_key *fk = t->foreign_keys.items[f];
        if (foreign_key_references(fk, t->schema, t->name) || !schema_find_table_in(s, fk->ref_schema, fk->ref_table))
            continue;
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < fk->ref_columns.len; i++)
            sb_printf(&sb, "%s%s", i ? ", " : "", d->quote_ident(v->a, fk->ref_columns.items[i]));
        db_rows got;
        diag_list dl;
        diag_list_init(&dl);
        const char *sql = arena_printf(v->a, "SELECT %s FROM %s LIMIT 1", sb_str(&sb),
                                       dialect_quote_table(d, v->a, fk->ref_schema, fk->ref_table));
        sb_free(&sb);
        int rc = db_query(v->db, sql, v->a, &got, &dl);
        diag_list_free(&dl);
        for (size_t i = 0; rc == 0 && got.rows && i < fk->columns.len && i < got.columns; i++) {
            const char *val = got.cells.items[i];
            if (strmap_get(given, fk->columns.items[i])) continue;
            strmap_put(given, fk->columns.items[i], (void *)"");
            vec_push(v->a, &names, fk->columns.items[i]);
            vec_push(v->a, &values, val ? d->quote_literal(v->a, val) : "NULL");
        }
    }
    for (size_t i = 0; i < t->columns.len; i++) {
        const column *c = t->columns.items[i];
        if (strmap_get(given, c->name)) continue;
        if (c->generated || (c->generated_identity && c->generated_identity->always)) continue;
        /* a key to another table that has no row to point at (a key to
        ** its own table points at the row itself: the same values) */
        bool in_fk = false;
        for (size_t f = 0; f < t->foreign_keys.len && !in_fk; f++) {
            const foreign_key *fk = t->foreign_keys.items[f];
            if (foreign_key_references(fk, t->schema, t->name)) continue;
            for (size_t m = 0; m < fk->columns.len && !in_fk; m++) in_fk = !strcmp(fk->columns.items[m], c->name);
        }
        const char *val = in_fk ? NULL : value_for(v, c, k);
        if (!val) {
            if (c->nullable || c->server_default.kind != DEFAULT_NONE || c->identity) continue;
            add_note(v, o, "no row inserted into table '%s': %s", table_label,
                     in_fk ? arena_printf(v->a, "column '%s' references a table with no row", c->name)
                           : arena_printf(v->a, "verify makes no value of column '%s''s type %s", c->name,
                                          c->type.raw ? c->type.raw : col_type_to_string(v->a, &c->type)));
            return;
        }
        vec_push(v->a, &names, c->name);
        vec_push(v->a, &values, val);
    }
    if (!names.len) {
        add_note(v, o, "no row inserted into table '%s': it has no column verify can fill", table_label);
        return;
    }
    strbuf cols = STRBUF_INIT, vals = STRBUF_INIT;
    for (size_t i = 0; i < names.len; i++) {
        sb_printf(&cols, "%s%s", i ? ", " : "", d->quote_ident(v->a, names.items[i]));
        sb_printf(&vals, "%s%s", i ? ", " : "", values.items[i]);
    }
    const char *sql = arena_printf(v->a, "INSERT INTO %s (%s) VALUES (%s)", table_sql,
                                   sb_str(&cols), sb_str(&vals));
    sb_free(&cols);
    sb_free(&vals);
    diag_list dl;
    diag_list_init(&dl);
    if (db_exec(v->db, sql, &dl) != 0) {
        add_note(v, o, "no row inserted into table '%s': %s", table_label,
                 dl.items.len ? arena_strdup(v->a, dl.items.items[0].message) : "the database refused it");
        diag_list_free(&dl);
        return;
    }
    /* Read it back, as text, by its primary key (else every value). */
    test_row r = {.origin_schema = t->schema, .origin = t->name, .schema = t->schema, .table = t->name};
    size_t keys = 0;
    for (size_t i = 0; i < names.len; i++) {
        bool key = false;
        for (size_t m = 0; m < t->primary_key.columns.len; m++) key |= !strcmp(t->primary_key.columns.items[m], names.items[i]);
        keys += key;
        vec_push(v->a, &r.cols, ((row_col){.origin = names.items[i], .name = names.items[i], .key = key, .compare = true}));
    }
    for (size_t i = 0; !keys && i < r.cols.len; i++) r.cols.items[i].key = true;   /* no key given: every value */
    /* the key's values, as the database spells them */
    strbuf sel = STRBUF_INIT, where = STRBUF_INIT;
    for (size_t i = 0; i < names.len; i++) {
        sb_printf(&sel, "%s%s", i ? ", " : "", as_text(v, names.items[i]));
        if (r.cols.items[i].key)
            sb_printf(&where, "%s%s = %s", where.len ? " AND " : "", d->quote_ident(v->a, names.items[i]),
                      values.items[i]);
    }
    db_rows got = {0};
    const char *q = arena_printf(v->a, "SELECT %s FROM %s WHERE %s", sb_str(&sel), table_sql,
                                 sb_str(&where));
    sb_free(&sel);
    sb_free(&where);
    int rc = db_query(v->db, q, v->a, &got, &dl);
    if (rc != 0 || got.rows != 1) {
        add_note(v, o, "the row inserted into table '%s' is not checked: %s", table_label,
                 rc ? arena_strdup(v->a, dl.items.items[0].message) : "it cannot be read back alone");
        diag_list_free(&dl);
        return;
    }
    diag_list_free(&dl);
    for (size_t i = 0; i < r.cols.len; i++) r.cols.items[i].value = got.cells.items[i];
    vec_push(v->a, rows, r);
}

static test_row *row_of_table(test_rows *rows, const char *nsp, const char *name, size_t *from) {
    for (size_t i = *from; i < rows->len; i++)
        if (!strcmp(rows->items[i].table, name) && schema_same(rows->items[i].schema, nsp)) {
            *from = i + 1;
            return &rows->items[i];
        }
    return NULL;
}

static row_col *row_column(test_row *r, const char *name) {
    for (size_t i = 0; i < r->cols.len; i++)
        if (!r->cols.items[i].gone && !strcmp(r->cols.items[i].name, name)) return &r->cols.items[i];
    return NULL;
}

/* Follow the rows through a revision's upgrade ops: renames, drops, type
** changes.  Returns false when its SQL may change or delete rows (then no
** row is checked: why, in *why). */
static bool follow_rows(verify *v, const migration_ops *ops, test_rows *rows, const char *pg_schema,
                        const char **why) {
    schema *scratch = schema_new();
    for (size_t i = 0; i < ops->ops.len; i++) {
        const op *o = &ops->ops.items[i];
        size_t at = 0;
        test_row *r;
        switch (o->kind) {
        case OP_EXECUTE: {
            sql_effect effect;
            const char *what;
            diag_list dl;
            diag_list_init(&dl);
            schema_apply_sql(scratch, o, pg_schema, &effect, &what, &dl);
            diag_list_free(&dl);
            if (effect == SQL_EFFECT_ROWS || effect == SQL_EFFECT_SCHEMA) {
                *why = arena_printf(v->a, "its op.execute() at line %d may change rows", o->loc.line);
                schema_free(scratch);
                return false;
            }
            break;
        }
        case OP_RENAME_TABLE:
            while ((r = row_of_table(rows, o->schema, o->old_name, &at))) r->table = arena_strdup(v->a, o->new_name);
            break;
        case OP_SET_TABLE_SCHEMA:
            while ((r = row_of_table(rows, o->old_schema, o->table_name, &at)))
                r->schema = o->schema ? arena_strdup(v->a, o->schema) : NULL;
            break;
        case OP_DROP_TABLE:
            while ((r = row_of_table(rows, o->schema, o->table_name ? o->table_name : o->table->name, &at))) {
                r->table_gone = true;
                r->dropped_at = (src_loc){arena_strdup(v->a, o->loc.file), o->loc.line, o->loc.column};
            }
            break;
        case OP_DROP_COLUMN:
            while ((r = row_of_table(rows, o->schema, o->table_name, &at))) {
                row_col *c = row_column(r, o->column ? o->column->name : o->old_name);
                if (c) c->gone = true;
            }
            break;
        case OP_ADD_COLUMN:
            /* a column dropped and added again: its value is expected back */
            while ((r = row_of_table(rows, o->schema, o->table_name, &at)))
                for (size_t k = 0; k < r->cols.len; k++)
                    if (r->cols.items[k].gone && !strcmp(r->cols.items[k].name, o->column->name))
                        r->cols.items[k].gone = false;
            break;
        case OP_RENAME_COLUMN:
            while ((r = row_of_table(rows, o->schema, o->table_name, &at))) {
                row_col *c = row_column(r, o->old_name);
                if (c) c->name = arena_strdup(v->a, o->new_name);   /* the ops are freed first */
            }
            break;
        case OP_ALTER_COLUMN:
            if (!(o->alter & ALTER_TYPE)) break;
            while ((r = row_of_table(rows, o->schema, o->table_name, &at))) {
                row_col *c = row_column(r, o->old_column ? o->old_column->name : o->column->name);
                if (c) c->compare = false;
            }
            break;
        default: break;
        }
    }
    schema_free(scratch);
    return true;
}

/* After the upgrade: every row still there (by its key), with its values
** where the ops keep them. */
static void check_rows(verify *v, outcome *o, test_rows *rows, const schema *before, const schema *after,
                       bool enums_changed) {
    for (size_t i = 0; i < rows->len; i++) {
        test_row *r = &rows->items[i];
        const table *t;
        if (r->table_gone) {
            /* Dropped, and a table of its name is there after: made anew
            ** (dropped and created, or renamed away, created and dropped),
            ** its rows are expected there, in the columns of the same name
            ** and type (a re-creation that does not copy them loses data). */
            if (!(t = schema_find_table_in(after, r->origin_schema, r->origin))) continue;
            const table *was = schema_find_table_in(before, r->origin_schema, r->origin);
            r->schema = r->origin_schema;
            r->table = r->origin;
            for (size_t k = 0; k < r->cols.len; k++) {
                row_col *c = &r->cols.items[k];
                const column *now = table_find_column(t, c->origin), *then = was ? table_find_column(was, c->origin) : NULL;
                c->name = c->origin;
                c->gone = !now;
                c->compare = now && then && !strcmp(col_type_to_string(v->a, &now->type), col_type_to_string(v->a, &then->type));
            }
        } else if (!(t = schema_find_table_in(after, r->schema, r->table))) {
            continue;                           /* gone some way the ops do not say */
        }
        const char *row_table = qualified_name(v->a, r->schema, r->table);
        bool keyed = true;
        for (size_t k = 0; k < r->cols.len; k++) {
            row_col *c = &r->cols.items[k];
            if (c->key && (c->gone || !c->compare || !table_find_column(t, c->name))) keyed = false;
            if (!c->gone && !table_find_column(t, c->name)) c->gone = true;
            if (!c->gone && enums_changed) {
                const column *col = table_find_column(t, c->name);
                const col_type *ct = col->type.kind == TYPE_ARRAY && col->type.element ? col->type.element : &col->type;
                if (ct->kind == TYPE_ENUM) c->compare = false;
            }
        }
        if (!keyed) {
            add_note(v, o, "the row inserted into table '%s' is not checked: the revision changes its key", row_table);
            continue;
        }
        db_rows got;
        diag_list dl;
        diag_list_init(&dl);
        int rc = read_row(v, r, &got, &dl);
        o->rows_checked++;
        if (rc != 0) {
            add_problem(v, o, "rows", "the row inserted into table '%s' before the upgrade cannot be read after it: %s",
                        row_table, dl.items.len ? arena_strdup(v->a, dl.items.items[0].message) : "error");
        } else if (got.rows == 0) {
            problem *pr = add_problem(v, o, "rows", "data loss: the row inserted into table '%s' before the upgrade "
                                                    "is gone after it, and the revision does not drop the table",
                                      row_table);
            pr->hint = "copy the rows when a table is made anew (INSERT INTO new SELECT ... FROM old before "
                       "dropping the old one), or use op.batch_alter_table / alter_column, which keep them";
            pr->loc = r->dropped_at;
            vec_push(v->a, &pr->details, arena_printf(v->a, "the row: %s", row_text(v, r)));
        } else {
            for (size_t k = 0; k < r->cols.len; k++) {
                const row_col *c = &r->cols.items[k];
                const char *now = got.cells.items[k];
                if (c->gone || !c->compare) continue;
                bool same = (!now && !c->value) || (now && c->value && !strcmp(now, c->value));
                if (same) continue;
                problem *pr = add_problem(v, o, "rows", "data loss: column '%s.%s' of the row inserted before the "
                                                        "upgrade held %s, and holds %s after it", row_table, c->name,
                                          c->value ? arena_printf(v->a, "'%s'", c->value) : "NULL",
                                          now ? arena_printf(v->a, "'%s'", now) : "NULL");
                pr->hint = "the revision's ops keep this column: its values should survive the upgrade";
            }
        }
        diag_list_free(&dl);
    }
}

/* ------------------------------------------------------------ running */

static int run_to(verify *v, bool upgrade, const char *target, diag_list *dl) {
    /* on verify's own connection and graph: a run opens no connection
    ** (PostgreSQL's are slow to open) and reads no header (nothing grows
    ** with the revisions but the revision's own work) */
    run_options ro = {.upgrade = upgrade, .target = target, .backup = false, .lock_timeout_ms = 60000, .db = v->db,
                      .graph = v->graph};
    arena *a = arena_new();
    run_result res;
    int rc = runner_run(&v->scratch, &ro, a, &res, dl);
    arena_free(a);
    return rc;
}

/* The target that downgrades revision n alone from the rows `current`:
** "-1" with one row, "<rev>@-1" on its branch, or, for a merge point, a
** parent whose plan undoes n alone.  NULL when there is none. */
static const char *downgrade_target(verify *v, const revision_node *n, const str_vec *current) {
    const char *rev = n->header->revision;
    str_vec cands = {0};
    if (current->len == 1) vec_push(v->a, &cands, "-1");
    if (n->down.len <= 1) vec_push(v->a, &cands, arena_printf(v->a, "%s@-1", rev));
    for (size_t i = 0; i < n->down.len; i++) vec_push(v->a, &cands, n->down.items[i]->header->revision);
    for (size_t i = 0; i < cands.len; i++) {
        migration_plan plan = {0};
        diag_list dl;
        diag_list_init(&dl);
        int rc = graph_plan_downgrade(v->graph, current, cands.items[i], &plan, &dl);
        diag_list_free(&dl);
        if (rc == 0 && plan.len == 1 && plan.items[0].node == n) return cands.items[i];
    }
    return NULL;
}

/* The scratch anew, at the parents of revision n (empty tables: no row of
** verify's). */
static int rebuild_to_parents(verify *v, const revision_node *n, diag_list *dl) {
    if (reset_scratch(v, dl) != 0) return -1;
    for (size_t i = 0; i < n->down.len; i++)
        if (run_to(v, true, n->down.items[i]->header->revision, dl) != 0) return -1;
    return 0;
}

/* The suite's first three checks.  false: stop (the rest needs them). */
static bool check_head_upgrade_models(verify *v) {
    outcome *sh = &v->single_head, *up = &v->upgrade, *mm = &v->models;
    sh->name = "single_head";
    up->name = "upgrade";
    mm->name = "models_match";
    sh->ran = sh->ok = true;
    str_vec heads = {0};
    for (size_t i = 0; i < v->graph->heads.len; i++) vec_push(v->a, &heads, v->graph->heads.items[i]->header->revision);
    if (heads.len > 1) {
        problem *pr = add_problem(v, sh, "heads", "the versions folder has %zu heads: %s", heads.len,
                                  str_vec_join(v->a, &heads, ", "));
        pr->hint = arena_printf(v->a, "merge them: retort merge %s -m \"merge heads\"", str_vec_join(v->a, &heads, " "));
        return false;
    }
    /* no revisions: nothing to run, but the models must still be empty */
    sh->summary = heads.len ? heads.items[0] : "no revisions";

    up->ran = up->ok = true;
    diag_list dl;
    diag_list_init(&dl);
    double t0 = now_ms();
    int rc = run_to(v, true, "head", &dl);
    up->ms = now_ms() - t0;
    if (rc != 0) problems_from(v, up, "upgrade", &dl, "the upgrade failed");
    diag_list_free(&dl);
    if (rc != 0) return false;

    mm->ran = mm->ok = true;
    retort_project *p = v->p;
    diag_list saved = p->diags;
    diag_list_init(&p->diags);
    retort_check_options co = RETORT_CHECK_OPTIONS_INIT;
    co.models_dir = v->opt->models_dir;
    char *list = NULL;
    size_t n = 0;
    t0 = now_ms();
    retort_status st = project_check(p, &v->scratch, &co, &list, &n);
    mm->ms = now_ms() - t0;
    diag_list mine = p->diags;
    p->diags = saved;
    /* warnings (what autogenerate leaves alone) stay for the command to print */
    for (size_t i = 0; i < mine.items.len; i++)
        if (mine.items.items[i].severity != DIAG_ERROR) {
            const diag *d = &mine.items.items[i];
            diag *c = diag_add(&p->diags, d->severity, d->loc, "%s", d->message);
            if (d->hint) diag_set_hint(&p->diags, c, "%s", d->hint);
        }
    if (st != RETORT_OK) {
        problems_from(v, mm, "models", &mine, "the comparison with the models failed");
    } else if (n) {
        problem *pr = add_problem(v, mm, "models", "New upgrade operations detected: %s", list);
        pr->hint = "the models and the migrations disagree: write the change as a revision (retort revision "
                   "--autogenerate -m \"...\"), or fix the models";
    } else {
        mm->summary = "No new upgrade operations detected.";
    }
    free(list);
    diag_list_free(&mine);
    return true;
}

/* Revision n: rows, upgrade, downgrade, upgrade.  false: stop (the
** scratch is not at n). */
static bool check_revision(verify *v, outcome *o, const revision_node *n) {
    const char *rev = n->header->revision;
    o->node = n;
    o->ran = o->ok = true;
    diag_list dl;
    diag_list_init(&dl);
    bool go_on = false;
    schema *before = NULL, *after = NULL, *down = NULL, *again = NULL;
    test_rows rows = {0};
    double t0 = now_ms();
    /* the catalog the last revision left (rows change no catalog) */
    before = v->last;
    v->last = NULL;
    if (!before && !(before = catalog(v, &dl))) {
        problems_from(v, o, "catalog", &dl, "the catalog cannot be read");
        goto done;
    }
    /* one row in every table there is, parents first */
    table_list order = {0};
    tables_parents_first(v, before, &order);
    for (size_t i = 0; i < order.len; i++) insert_row(v, o, before, order.items[i], &rows);
    /* what the revision's ops do to them */
    migration_file *mf = NULL;
    migration_ops *ops = NULL;
    diag_list scratch;
    diag_list_init(&scratch);
    bool follow = migration_parse_file(v->a, n->header->path, &mf, &scratch) == 0 &&
                  migration_file_ops(mf, MIGRATE_UPGRADE, v->d, v->scratch.pg_schema, &ops, &scratch) == 0;
    diag_list_free(&scratch);
    const char *why = "retort cannot read its upgrade()";
    bool enums_changed = false;
    if (follow) {
        follow = follow_rows(v, ops, &rows, v->scratch.pg_schema, &why);
        for (size_t i = 0; ops && i < ops->ops.len; i++) {
            const op *x = &ops->ops.items[i];
            enums_changed |= x->kind == OP_EXECUTE || x->kind == OP_ALTER_ENUM || x->kind == OP_CREATE_ENUM;
        }
    }
    if (ops) migration_ops_free(ops);
    if (!follow && rows.len) add_note(v, o, "rows are not checked: %s", why);

    if (run_to(v, true, rev, &dl) != 0) {
        /* With verify's made-up rows in the tables: try again on empty
        ** tables (the scratch built anew up to the parents), where a failure
        ** is the revision's own. */
        diag_list again_dl;
        diag_list_init(&again_dl);
        bool passes = rows.len && rebuild_to_parents(v, n, &again_dl) == 0 && run_to(v, true, rev, &again_dl) == 0;
        if (!passes) {
            problems_from(v, o, "upgrade", rows.len ? &again_dl : &dl, "the upgrade failed");
            diag_list_free(&again_dl);
            goto done;
        }
        diag_list_free(&again_dl);
        const char *failure = "error";
        for (size_t i = 0; i < dl.items.len; i++)
            if (dl.items.items[i].severity == DIAG_ERROR) {
                failure = arena_strdup(v->a, dl.items.items[i].message);
                break;
            }
        vec_push(v->a, &o->warnings,
                 arena_printf(v->a, "the upgrade fails with a row verify made up in every table (%s), and passes on "
                                    "empty tables: its rows are not checked; retort lint names what rows a database "
                                    "in use has risk", failure));
        follow = false;
        rows.len = 0;
        /* that failure is told: the next steps' own diagnostics only */
        diag_list_free(&dl);
        diag_list_init(&dl);
    }
    if (!(after = catalog(v, &dl))) {
        problems_from(v, o, "catalog", &dl, "the catalog cannot be read");
        goto done;
    }
    if (follow) check_rows(v, o, &rows, before, after, enums_changed);

    str_vec current = {0};
    if (db_current_revisions(v->db, v->a, &current, &dl) != 0) {
        problems_from(v, o, "downgrade", &dl, "alembic_version cannot be read");
        goto done;
    }
    const char *target = downgrade_target(v, n, &current);
    if (!target) {
        add_note(v, o, "its downgrade is not checked: no downgrade target undoes revision %s alone", rev);
        go_on = true;
        goto done;
    }
    if (run_to(v, false, target, &dl) != 0) {
        problems_from(v, o, "downgrade", &dl, "the downgrade failed");
        go_on = true;                           /* rolled back: still at n */
        goto done;
    }
    if (!(down = catalog(v, &dl))) {
        problems_from(v, o, "catalog", &dl, "the catalog cannot be read");
        goto done;
    }
    str_vec differences = {0};
    if (catalogs_differ(v, down, before, "after the downgrade", "before the upgrade", &differences)) {
        problem *pr = add_problem(v, o, "downgrade", "the downgrade does not undo the upgrade: the catalog after it "
                                                     "differs from the one before the upgrade");
        pr->details = differences;
        pr->loc = (src_loc){n->header->path, 0, 0};
        pr->hint = arena_printf(v->a, "make downgrade() undo exactly what upgrade() does (retort show %s shows "
                                      "the revision)", rev);
    }
    if (run_to(v, true, rev, &dl) != 0) {
        problems_from(v, o, "upgrade again", &dl, "the upgrade after the downgrade failed");
        goto done;
    }
    if (!(again = catalog(v, &dl))) {
        problems_from(v, o, "catalog", &dl, "the catalog cannot be read");
        goto done;
    }
    differences = (str_vec){0};
    if (catalogs_differ(v, again, after, "after the second upgrade", "after the first", &differences)) {
        problem *pr = add_problem(v, o, "upgrade again", "upgrading again after the downgrade builds another catalog "
                                                         "than the first upgrade");
        pr->details = differences;
        pr->loc = (src_loc){n->header->path, 0, 0};
        pr->hint = "the downgrade leaves something the upgrade then meets (see the downgrade's difference)";
    }
    go_on = true;
done:
    o->ms = now_ms() - t0;
    /* the scratch is at n: its catalog, for the next revision */
    if (go_on && again) v->last = again, again = NULL;
    else if (go_on && !down) v->last = after, after = NULL;
    schema_free(before);
    schema_free(after);
    schema_free(down);
    schema_free(again);
    diag_list_free(&dl);
    return go_on;
}

/* ------------------------------------------------------------- output */

static json_t *problem_json(const problem *pr) {
    json_t *j = json_object();
    json_object_set_new(j, "step", json_string(pr->step));
    json_object_set_new(j, "message", json_string(pr->message));
    if (pr->details.len) {
        json_t *d = json_array();
        for (size_t i = 0; i < pr->details.len; i++) json_array_append_new(d, json_string(pr->details.items[i]));
        json_object_set_new(j, "details", d);
    }
    json_object_set_new(j, "file", pr->loc.file ? json_string(pr->loc.file) : json_null());
    if (pr->loc.line) json_object_set_new(j, "line", json_integer(pr->loc.line));
    if (pr->loc.column) json_object_set_new(j, "column", json_integer(pr->loc.column));
    json_object_set_new(j, "hint", pr->hint ? json_string(pr->hint) : json_null());
    return j;
}

static json_t *outcome_json(const outcome *o) {
    json_t *j = json_object();
    if (o->name) json_object_set_new(j, "name", json_string(o->name));
    if (o->node) {
        json_object_set_new(j, "revision", json_string(o->node->header->revision));
        json_object_set_new(j, "message", json_string(o->node->header->doc ? o->node->header->doc : ""));
        json_object_set_new(j, "file", json_string(o->node->header->path));
    }
    json_object_set_new(j, "ran", json_boolean(o->ran));
    json_object_set_new(j, "ok", json_boolean(o->ran && o->ok));
    json_object_set_new(j, "ms", json_real((double)(long long)(o->ms * 10.0 + 0.5) / 10.0));
    if (o->node) json_object_set_new(j, "rows_checked", json_integer((json_int_t)o->rows_checked));
    if (o->summary) json_object_set_new(j, "summary", json_string(o->summary));
    json_t *ps = json_array();
    for (size_t i = 0; i < o->problems.len; i++) json_array_append_new(ps, problem_json(&o->problems.items[i]));
    json_object_set_new(j, "problems", ps);
    json_t *ws = json_array();
    for (size_t i = 0; i < o->warnings.len; i++) json_array_append_new(ws, json_string(o->warnings.items[i]));
    json_object_set_new(j, "warnings", ws);
    json_t *ns = json_array();
    for (size_t i = 0; i < o->notes.len; i++) json_array_append_new(ns, json_string(o->notes.items[i]));
    json_object_set_new(j, "notes", ns);
    return j;
}

static char *report_json(const verify *v) {
    json_t *j = json_object();
    json_object_set_new(j, "database", json_string(v->where));
    json_object_set_new(j, "dialect", json_string(v->d->name));
    json_object_set_new(j, "ok", json_boolean(v->failures == 0));
    json_object_set_new(j, "failures", json_integer((json_int_t)v->failures));
    json_t *checks = json_array();
    const outcome *three[] = {&v->single_head, &v->upgrade, &v->models, &v->reset};
    for (size_t i = 0; i < 4; i++)
        if (three[i]->name) json_array_append_new(checks, outcome_json(three[i]));
    json_object_set_new(j, "checks", checks);
    json_t *revs = json_array();
    for (size_t i = 0; i < v->revs.len; i++) json_array_append_new(revs, outcome_json(v->revs.items[i]));
    json_object_set_new(j, "revisions", revs);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(j);
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, s);
    sb_appendc(&sb, '\n');
    free(s);
    return sb_take(&sb);
}

static void text_outcome(strbuf *sb, const outcome *o, const char *label, bool verbose) {
    const char *status = !o->ran ? "skip" : o->ok ? "ok" : "FAIL";
    sb_printf(sb, "%-5s %s", status, label);
    if (o->ran && o->node) sb_printf(sb, "  (%.0f ms, %zu row%s checked)", o->ms, o->rows_checked, o->rows_checked == 1 ? "" : "s");
    else if (o->ran && o->ms > 0) sb_printf(sb, "  (%.0f ms)", o->ms);
    if (o->ok && o->summary) sb_printf(sb, ": %s", o->summary);
    sb_appendc(sb, '\n');
    for (size_t i = 0; i < o->problems.len; i++) {
        const problem *pr = &o->problems.items[i];
        sb_append(sb, "      ");
        if (pr->loc.file) {
            sb_printf(sb, "%s", pr->loc.file);
            if (pr->loc.line) sb_printf(sb, ":%d", pr->loc.line);
            if (pr->loc.column) sb_printf(sb, ":%d", pr->loc.column);
            sb_append(sb, ": ");
        }
        sb_printf(sb, "%s: %s\n", pr->step, pr->message);
        for (size_t k = 0; k < pr->details.len; k++) sb_printf(sb, "        %s\n", pr->details.items[k]);
        if (pr->hint) {
            /* a hint of several lines, each indented */
            const char *h = pr->hint;
            sb_append(sb, "      hint: ");
            for (; *h; h++) {
                sb_appendc(sb, *h);
                if (*h == '\n' && h[1]) sb_append(sb, "        ");
            }
            sb_appendc(sb, '\n');
        }
    }
    for (size_t i = 0; i < o->warnings.len; i++) sb_printf(sb, "      warning: %s\n", o->warnings.items[i]);
    if (verbose || !o->ok)
        for (size_t i = 0; i < o->notes.len; i++) sb_printf(sb, "      note: %s\n", o->notes.items[i]);
}

static char *report_text(const verify *v) {
    strbuf sb = STRBUF_INIT;
    bool verbose = v->opt->verbose;
    sb_printf(&sb, "retort verify on %s (%s)\n", v->where, v->d->name);
    text_outcome(&sb, &v->single_head, "single head", verbose);
    text_outcome(&sb, &v->upgrade, "upgrade base -> head", verbose);
    text_outcome(&sb, &v->models, "the models match the database at head", verbose);
    if (v->reset.ran) text_outcome(&sb, &v->reset, "a fresh scratch database", verbose);
    for (size_t i = 0; i < v->revs.len; i++) {
        const outcome *o = v->revs.items[i];
        const revision_header *h = o->node->header;
        text_outcome(&sb, o, h->doc && *h->doc ? arena_printf(v->a, "%s  %s", h->revision, h->doc) : h->revision,
                     verbose);
    }
    if (v->failures) sb_printf(&sb, "%zu check%s failed\n", v->failures, v->failures == 1 ? "" : "s");
    else sb_printf(&sb, "all checks passed (%zu revision%s)\n", v->revs.len, v->revs.len == 1 ? "" : "s");
    return sb_take(&sb);
}

/* ------------------------------------------------------------- the API */

retort_status retort_verify(retort_project *p, const retort_verify_options *opt, retort_verify_result *out) {
    memset(out, 0, sizeof *out);
    if (!p->config) return RETORT_ECONFIG;
    retort_verify_options defaults = RETORT_VERIFY_OPTIONS_INIT;
    if (!opt) opt = &defaults;
    bool json = opt->format && !strcmp(opt->format, "json");
    if (opt->format && !json && strcmp(opt->format, "text") != 0) {
        project_error(p, "use text or json", "unknown verify format '%s'", opt->format);
        return RETORT_ECONFIG;
    }
    verify v = {.p = p, .opt = opt, .a = arena_new()};
    diag_list_init(&v.dbdiags);
    retort_status rc = RETORT_OK;
    const char *models_dir;
    if (revisions_load_config(p->config, &v.revisions, &p->diags) != 0 ||
        graph_build(v.revisions, &v.graph, &p->diags) != 0) {
        rc = RETORT_EREVISIONS;
        goto done;
    }
    /* The models must load before anything runs: a typo in them is not a
    ** failure of the migrations. */
    if ((rc = project_models_dir(p, opt->models_dir, "retort verify", true, &models_dir)) != RETORT_OK) goto done;
    /* The versions folder must match its retort.sum before anything runs
    ** (a note when it has none). */
    if ((rc = project_sum_verify(p, "retort verify", true)) != RETORT_OK) goto done;
    if ((rc = setup_scratch(&v)) != RETORT_OK) goto done;
    if (check_head_upgrade_models(&v)) {
        diag_list dl;
        diag_list_init(&dl);
        migration_plan plan = {0};
        str_vec none = {0};
        if (reset_scratch(&v, &dl) != 0 || graph_plan_upgrade(v.graph, &none, "head", &plan, &dl) != 0) {
            v.reset.name = "reset";
            v.reset.ran = v.reset.ok = true;
            problems_from(&v, &v.reset, "reset", &dl, "the scratch database cannot be emptied");
            plan.len = 0;
        }
        diag_list_free(&dl);
        for (size_t i = 0; i < plan.len; i++) {
            outcome *o = arena_alloc(v.a, sizeof *o);
            vec_push(v.a, &v.revs, o);
            if (!check_revision(&v, o, plan.items[i].node)) break;
        }
    }
    if (!v.tmpfile && v.db) {
        /* leave the database given with --url as empty as it came */
        diag_list dl;
        diag_list_init(&dl);
        if (reset_scratch(&v, &dl) != 0) {
            diag *d = diag_add(&p->diags, DIAG_WARNING, (src_loc){0}, "the database given with --url could not be "
                               "emptied again: %s", dl.items.len ? dl.items.items[0].message : "error");
            diag_set_hint(&p->diags, d, "drop what verify left there by hand before the next run");
        }
        diag_list_free(&dl);
    }
    out->output = json ? report_json(&v) : report_text(&v);
    out->failures = v.failures;
    out->revisions = v.revs.len;
done:
    schema_free(v.last);
    remove_scratch(&v);
    graph_free(v.graph);
    revisions_free(v.revisions);
    diag_list_free(&v.dbdiags);
    arena_free(v.a);
    return rc;
}

void retort_verify_result_free(retort_verify_result *r) {
    free(r->output);
    memset(r, 0, sizeof *r);
}
