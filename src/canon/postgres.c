/*
** postgres.c — ask PostgreSQL how it spells the models' checks,
** partial-index predicates and index keys (see canon.h).
**
** One pipeline:
**   BEGIN
**   CREATE TEMPORARY TABLE retort_canon_<i> (...)   one per table asked about:
**        the wanted table's columns (types, nullability, defaults) and its
**        checks, named c<k> after their position; no keys, no comments
**   CREATE INDEX retort_canon_<i>_<k> ON retort_canon_<i> ... (...) WHERE ...
**        one per index with a predicate, an expression key or an operator
**        class (k: its position in the wanted table), with its method,
**        keys and INCLUDE columns
**   SELECT ... the temporary schema's checks, predicates and index keys, as
**        introspection prints them (pg_get_constraintdef(oid, true),
**        pg_get_expr(.., true), pg_get_indexdef(oid, k, true), the key's
**        operator class unless it is the default)
**   ROLLBACK
** then one Sync.  Nothing stays: the temporary tables die with the rolled
** back transaction.
*/
#include "canon/canon.h"

#include "introspect/introspect.h"

#include <stdlib.h>
#include <string.h>

static const char SQL_READ_BACK[] =
    "SELECT c.relname::text, 'c', con.conname::text, pg_catalog.pg_get_constraintdef(con.oid, true),\n"
    "       NULL::text\n"
    "FROM pg_catalog.pg_constraint con\n"
    "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid\n"
    "WHERE c.relnamespace = pg_catalog.pg_my_temp_schema() AND con.contype = 'c'\n"
    "  AND c.relname LIKE 'retort\\_canon\\_%'\n"
    "UNION ALL\n"
    "SELECT c.relname::text, 'i', ic.relname::text, pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),\n"
    "       array_to_json(ARRAY(\n"
    "           SELECT json_build_object(\n"
    "                    'expr', CASE WHEN k.num = 0\n"
    "                                 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END,\n"
    "                    'opclass', CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname::text END)\n"
    "           FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)\n"
    "           JOIN pg_catalog.pg_opclass opc ON opc.oid = i.indclass[k.ord - 1]\n"
    "           WHERE k.ord <= i.indnkeyatts\n"
    "           ORDER BY k.ord))::text\n"
    "FROM pg_catalog.pg_index i\n"
    "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid\n"
    "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid\n"
    "WHERE c.relnamespace = pg_catalog.pg_my_temp_schema()\n"
    "  AND c.relname LIKE 'retort\\_canon\\_%'";

typedef VEC(table *) table_vec;
typedef VEC(op) op_vec;

/* An index the server re-spells: a predicate, an expression key, an
** operator class (which may be the default one, or schema-qualified). */
static bool index_asked_about(const index_def *ix) {
    if (ix->where) return true;
    for (size_t k = 0; k < ix->columns.len; k++)
        if (ix->columns.items[k][0] == '(' || index_key_at(ix, k).opclass) return true;
    return false;
}

static bool has_partial_index(const table *t) {
    for (size_t k = 0; k < t->indexes.len; k++)
        if (index_asked_about(t->indexes.items[k])) return true;
    return false;
}

static bool same_text(const char *x, const char *y) { return x == y || (x && y && !strcmp(x, y)); }

/* Does the database already spell wanted table `want` the way the server
** would?  It does when `cur` (the table of the same name) has the same
** columns with the same types, each wanted check is, byte for byte, a
** check of `cur` (of the same name when it is named), and each index the
** server would re-spell is, byte for byte, the index of its name in `cur`
** (predicate, keys, operator classes).  The server's spelling of its own
** spelling is that spelling again, so asking would change no comparison of
** the differ; such a table is left out of the pipeline.  That is every
** table of a schema the models match, so a no-change autogenerate sends no
** stand-in table at all (the pipeline costs a CREATE TABLE per table). */
static bool spelled_as_database(const table *want, const table *cur) {
    if (want->renamed_from || want->columns.len != cur->columns.len) return false;
    const dialect *d = dialect_postgresql();
    for (size_t k = 0; k < want->columns.len; k++) {
        const column *w = want->columns.items[k];
        const column *c = table_find_column(cur, w->name);
        if (!c || w->renamed_from || !d->types_equal(&w->type, &c->type)) return false;
    }
    for (size_t k = 0; k < want->checks.len; k++) {
        const check_def *w = want->checks.items[k];
        bool found = false;
        for (size_t j = 0; !found && j < cur->checks.len; j++) {
            const check_def *c = cur->checks.items[j];
            found = same_text(w->sqltext, c->sqltext) && (!w->name || same_text(w->name, c->name));
        }
        if (!found) return false;
    }
    for (size_t k = 0; k < want->indexes.len; k++) {
        const index_def *w = want->indexes.items[k];
        if (!index_asked_about(w)) continue;
        const index_def *c = table_find_index(cur, w->name);
        if (!c || !same_text(w->where, c->where) || w->columns.len != c->columns.len) return false;
        for (size_t j = 0; j < w->columns.len; j++)
            if (strcmp(w->columns.items[j], c->columns.items[j]) != 0 ||
                !same_text(index_key_at(w, j).opclass, index_key_at(c, j).opclass))
                return false;
    }
    return true;
}

/* The wanted tables worth asking about: those the database has (by name,
** or by the name they are renamed from) with a check or a partial index,
** unless the database spells them as the server would already. */
static void pick_tables(const schema *current, const schema *wanted, arena *a, table_vec *out) {
    for (size_t i = 0; i < wanted->tables.len; i++) {
        table *t = wanted->tables.items[i];
        const table *cur = schema_find_table_in(current, t->schema, t->name);
        bool in_db = cur || (t->renamed_from && schema_find_table_in(current, t->renamed_from_schema, t->renamed_from));
        if (!in_db || !(t->checks.len || has_partial_index(t))) continue;
        if (cur && spelled_as_database(t, cur)) continue;
        vec_push(a, out, t);
    }
}

/* The ops that create the stand-in of wanted table t as retort_canon_<i>. */
static void stand_in_ops(schema *scratch, const table *t, size_t i, arena *a, op_vec *ops) {
    const char *name = arena_printf(a, "retort_canon_%zu", i);
    table *copy = schema_add_table(scratch, name);
    for (size_t k = 0; k < t->columns.len; k++) {
        const column *src = t->columns.items[k];
        column *c = table_add_column(scratch, copy, src->name);
        if (!c) continue;
        *c = *src;
        c->primary_key = false;
        c->autoincrement = AUTOINC_FALSE;   /* no SERIAL: no sequence to make */
        c->generated_identity = NULL;       /* nor an identity's */
        c->comment = NULL;
        c->renamed_from = NULL;
    }
    for (size_t k = 0; k < t->checks.len; k++) {
        check_def *ck = arena_alloc(a, sizeof *ck);
        *ck = *t->checks.items[k];
        ck->name = arena_printf(a, "c%zu", k);
        vec_push(a, &copy->checks, ck);
    }
    vec_push(a, ops, ((op){.kind = OP_CREATE_TABLE, .table_name = name, .table = copy}));
    for (size_t k = 0; k < t->indexes.len; k++) {
        if (!index_asked_about(t->indexes.items[k])) continue;
        index_def *ix = arena_alloc(a, sizeof *ix);
        *ix = *t->indexes.items[k];
        ix->name = arena_printf(a, "retort_canon_%zu_%zu", i, k);
        ix->unique = false;
        vec_push(a, ops, ((op){.kind = OP_CREATE_INDEX, .table_name = name, .index = ix}));
    }
}

/* "retort_canon_12" -> 12; "retort_canon_12_3" -> 12 and 3. */
static bool parse_positions(const char *s, size_t *i, size_t *k) {
    const char *prefix = "retort_canon_";
    if (strncmp(s, prefix, strlen(prefix)) != 0) return false;
    char *end;
    *i = strtoul(s + strlen(prefix), &end, 10);
    if (k) {
        if (*end != '_') return false;
        *k = strtoul(end + 1, &end, 10);
    }
    return *end == '\0';
}

/* The keys as the server prints them: expressions into columns_canonical
** (columns as they are), operator classes as the server names them (NULL
** for the type's default one, which is no option at all). */
static void store_keys(index_def *ix, const char *keys_json, arena *a) {
    json_t *keys = json_loads(keys_json, 0, NULL);
    if (!json_is_array(keys) || json_array_size(keys) != ix->columns.len) {
        json_decref(keys);
        return;
    }
    str_vec canonical = {0};
    size_t k;
    json_t *key;
    json_array_foreach(keys, k, key) {
        const char *expr = json_string_value(json_object_get(key, "expr"));
        vec_push(a, &canonical, expr ? pg_index_expression(a, expr) : ix->columns.items[k]);
        if (k < ix->keys.len && ix->keys.items[k].opclass)
            ix->keys.items[k].opclass = arena_strdup(a, json_string_value(json_object_get(key, "opclass")));
    }
    ix->columns_canonical = canonical;
    json_decref(keys);
}

static void store_row(PGresult *res, int row, table *const *picked, size_t npicked, arena *a) {
    size_t i, k;
    const char *kind = PQgetvalue(res, row, 1);
    const char *object = PQgetvalue(res, row, 2);
    const char *text = PQgetvalue(res, row, 3);
    if (!parse_positions(PQgetvalue(res, row, 0), &i, NULL) || i >= npicked) return;
    table *t = picked[i];
    if (kind[0] == 'c') {
        if (object[0] != 'c') return;
        k = strtoul(object + 1, NULL, 10);
        if (k < t->checks.len) t->checks.items[k]->canonical = pg_check_expression(a, text);
    } else if (parse_positions(object, &i, &k) && k < t->indexes.len) {
        index_def *ix = t->indexes.items[k];
        if (!PQgetisnull(res, row, 3)) ix->where_canonical = arena_strdup(a, text);
        store_keys(ix, PQgetvalue(res, row, 4), a);
    }
}

/* Send one statement into the pipeline. */
static bool send(PGconn *conn, const char *sql) {
    return PQsendQueryParams(conn, sql, 0, NULL, NULL, NULL, NULL, 0) == 1;
}

/* Read the pipeline's results: one per statement sent, then the Sync.
** Returns the first error message (or NULL), having stored what the read
** back statement returned. */
static const char *drain(PGconn *conn, size_t sent, size_t read_back_at, table *const *picked,
                         size_t npicked, arena *a) {
    const char *error = NULL;
    for (size_t n = 0; n <= sent; n++) {
        PGresult *res;
        while ((res = PQgetResult(conn)) != NULL) {
            ExecStatusType st = PQresultStatus(res);
            if (st == PGRES_FATAL_ERROR && !error) {
                const char *msg = PQresultErrorMessage(res);
                error = arena_strndup(a, msg, strcspn(msg, "\n"));
            } else if (st == PGRES_TUPLES_OK && n == read_back_at) {
                for (int row = 0; row < PQntuples(res); row++) store_row(res, row, picked, npicked, a);
            }
            bool sync = st == PGRES_PIPELINE_SYNC;
            PQclear(res);
            if (sync) return error;
        }
    }
    return error;
}

int canon_expressions(db_conn *c, const schema *current, schema *wanted, diag_list *dl) {
    if (!c || !c->pg) return 0;
    PGconn *conn = c->pg;
    arena *a = wanted->arena;      /* what is stored lives as long as the models */
    arena *scratch_arena = arena_new();
    table_vec picked = {0};
    pick_tables(current, wanted, scratch_arena, &picked);
    if (!picked.len) {
        arena_free(scratch_arena);
        return 0;
    }

    schema *scratch = schema_new();
    op_vec ops = {0};
    for (size_t i = 0; i < picked.len; i++) stand_in_ops(scratch, picked.items[i], i, scratch_arena, &ops);
    sql_statements stmts = {0};
    diag_list render_diags;
    diag_list_init(&render_diags);
    schema *empty = schema_new();
    int rendered = render_sql(ops.items, ops.len, dialect_postgresql(), empty, scratch_arena, &stmts, &render_diags);
    schema_free(empty);
    diag_list_free(&render_diags);

    int rc = 0;
    const char *error = NULL;
    if (rendered != 0) {
        error = "the models' tables could not be rendered";
    } else if (PQtransactionStatus(conn) != PQTRANS_IDLE || PQenterPipelineMode(conn) != 1) {
        error = "the connection is busy";
    } else {
        size_t sent = 0, read_back_at = 0;
        bool ok = send(conn, "BEGIN");
        sent += ok;
        for (size_t i = 0; ok && i < stmts.len; i++) {
            const char *sql = stmts.items[i].text;
            /* the tables are temporary: created in the session's own schema */
            if (!strncmp(sql, "CREATE TABLE ", 13))
                sql = arena_printf(scratch_arena, "CREATE TEMPORARY TABLE %s", sql + 13);
            ok = send(conn, sql);
            sent += ok;
        }
        read_back_at = sent;
        if (ok) { ok = send(conn, SQL_READ_BACK); sent += ok; }
        if (ok) { ok = send(conn, "ROLLBACK"); sent += ok; }
        if (!ok || PQpipelineSync(conn) != 1) {
            rc = -1;
            diag_add(dl, DIAG_ERROR, (src_loc){0}, "PostgreSQL: sending the canonicalization pipeline failed: %s",
                     PQerrorMessage(conn));
        } else {
            error = drain(conn, sent, read_back_at, picked.items, picked.len, a);
        }
        PQexitPipelineMode(conn);
        /* After an error the explicit transaction is left aborted: end it. */
        if (PQtransactionStatus(conn) != PQTRANS_IDLE) PQclear(PQexec(conn, "ROLLBACK"));
    }
    if (error && rc == 0) {
        /* Nothing half-known: forget what was stored, compare text. */
        for (size_t i = 0; i < picked.len; i++) {
            table *t = picked.items[i];
            for (size_t k = 0; k < t->checks.len; k++) t->checks.items[k]->canonical = NULL;
            for (size_t k = 0; k < t->indexes.len; k++) {
                t->indexes.items[k]->where_canonical = NULL;
                t->indexes.items[k]->columns_canonical = (str_vec){0};
            }
        }
        diag *d = diag_add(dl, DIAG_WARNING, (src_loc){0},
                           "could not ask PostgreSQL how it spells the models' checks and index predicates: %s",
                           error);
        diag_set_hint(dl, d, "they are compared as normalized text instead; a migration with such a "
                             "check or predicate will fail the same way");
    }
    schema_free(scratch);
    arena_free(scratch_arena);
    return rc;
}
