/*
** postgres.c — read one PostgreSQL schema (namespace) from pg_catalog into
** the Schema IR.
**
** Six catalog queries, whatever the number of tables, all inside one
** read-only REPEATABLE READ transaction so they see one consistent picture:
**
**   1. tables     pg_class (ordinary and partitioned tables, not partitions)
**                 with obj_description() comments and the planner's row
**                 estimate (reltuples), sorted by name (bytes);
**   2. columns    pg_attribute (no dropped or system columns), with
**                 format_type(), attnotnull, pg_get_expr() of the default,
**                 attidentity (with the identity's sequence options from
**                 pg_sequence, through pg_depend), attgenerated and
**                 col_description();
**   3. constraints  pg_constraint: primary keys, unique constraints, foreign
**                 keys (referred table, columns, ON DELETE / ON UPDATE) and
**                 check constraints, their columns in key order;
**   4. indexes    pg_index, except those that back a primary key, unique or
**                 exclusion constraint; key columns in order (expressions as
**                 "(expr)" from pg_get_indexdef()), and the partial index
**                 predicate, with what the IR does not hold (the access
**                 method, INCLUDE columns, DESC / NULLS FIRST, operator
**                 classes) as the index's `unmodeled` reason;
**   5. objects    what the IR does not hold at all: triggers, rules,
**                 policies, exclusion constraints, views, materialized
**                 views, foreign tables (schema->objects);
**   6. enums      the schema's enum types (pg_type, typtype 'e') with their
**                 labels in order (pg_enum.enumsortorder), and the type's
**                 name as format_type() prints it, by which the columns of
**                 query 2 are matched to it.
**
** Column lists come back as JSON arrays (array_to_json over unnest ... WITH
** ORDINALITY), read with jansson, so names with commas or quotes need no
** array-literal parsing.  Rows are matched to tables by OID through a hash
** map; nothing here recurses.
**
** Serial columns (a nextval(...) default) and identity columns are marked
** identity, and an identity column has its generated_identity (ALWAYS or
** BY DEFAULT, start, increment, and the other sequence options where they
** are not an identity's defaults); a serial column's
** nextval(...) default is not reported (it
** belongs to SERIAL, and names a sequence that keeps its old name when the
** table is renamed).  alembic_version and the tables in
** options->exclude_tables are left out, and so are their columns and
** constraints; the excluded tables are listed in schema->objects.
*/
#include "introspect/introspect.h"

#include <stdlib.h>
#include <string.h>

/* The schemas read: $1 is a JSON array of their names, or NULL for every
** schema but the server's own (`[retort] include_schemas = all`). */
#define NSP_READ \
    "(CASE WHEN $1::json IS NULL THEN left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'\n" \
    "      ELSE n.nspname = ANY (ARRAY(SELECT json_array_elements_text($1::json))) END)"

static const char SQL_TABLES[] =
    "SELECT c.oid::text, c.relname, obj_description(c.oid, 'pg_class'), c.reltuples::bigint, n.nspname\n"
    "FROM pg_catalog.pg_class c\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "WHERE " NSP_READ " AND c.relkind IN ('r', 'p') AND NOT c.relispartition\n"
    "ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\"";

static const char SQL_COLUMNS[] =
    "SELECT a.attrelid::text, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),\n"
    "       a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity,\n"
    "       a.attgenerated, pg_catalog.col_description(a.attrelid, a.attnum),\n"
    "       CASE WHEN a.attidentity <> '' THEN (\n"
    "           SELECT json_build_object('start', s.seqstart, 'increment', s.seqincrement, 'min', s.seqmin,\n"
    "                                    'max', s.seqmax, 'cache', s.seqcache, 'cycle', s.seqcycle,\n"
    "                                    'type', s.seqtypid::regtype::text)::text\n"
    "           FROM pg_catalog.pg_depend dep\n"
    "           JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid\n"
    "           WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refobjid = a.attrelid\n"
    "             AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'\n"
    "           LIMIT 1) END\n"
    "FROM pg_catalog.pg_attribute a\n"
    "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n"
    "WHERE " NSP_READ " AND c.relkind IN ('r', 'p') AND NOT c.relispartition\n"
    "  AND a.attnum > 0 AND NOT a.attisdropped\n"
    "ORDER BY a.attrelid, a.attnum";

/* contype: p primary key, u unique, f foreign key, c check.  (PostgreSQL 18
** also keeps NOT NULL as contype 'n'; those are columns' nullability, not
** constraints of their own, and are left out here.) */
static const char SQL_CONSTRAINTS[] =
    "SELECT con.conrelid::text, con.conname, con.contype,\n"
    "       array_to_json(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)\n"
    "           JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num\n"
    "           ORDER BY k.ord))::text,\n"
    "       rn.nspname, rc.relname,\n"
    "       array_to_json(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)\n"
    "           JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num\n"
    "           ORDER BY k.ord))::text,\n"
    "       con.confdeltype, con.confupdtype,\n"
    "       CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END\n"
    "FROM pg_catalog.pg_constraint con\n"
    "JOIN pg_catalog.pg_class c ON c.oid = con.conrelid\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid\n"
    "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace\n"
    "WHERE " NSP_READ " AND c.relkind IN ('r', 'p') AND NOT c.relispartition\n"
    "  AND con.contype IN ('p', 'u', 'f', 'c')\n"
    "ORDER BY con.conrelid, con.conname COLLATE \"C\"";

/* Per key of an index: indoption (bit 1 DESC, bit 2 NULLS FIRST) and the
** operator class where it is not the type's default; then the access
** method and the number of INCLUDE columns. */
static const char SQL_INDEXES[] =
    "SELECT i.indrelid::text, ic.relname, i.indisunique,\n"
    "       array_to_json(ARRAY(\n"
    "           SELECT CASE WHEN k.num = 0\n"
    "                       THEN '(' || pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) || ')'\n"
    "                       ELSE a.attname::text END\n"
    "           FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)\n"
    "           LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num\n"
    "           WHERE k.ord <= i.indnkeyatts\n"
    "           ORDER BY k.ord))::text,\n"
    "       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),\n"
    "       array_to_json(ARRAY(\n"
    "           SELECT json_build_object('option', i.indoption[k.ord - 1],\n"
    "                                    'opclass', CASE WHEN opc.opcdefault THEN NULL ELSE opc.opcname END,\n"
    "                                    'collation', CASE WHEN a.attnum IS NOT NULL AND i.indcollation[k.ord - 1] <> 0\n"
    "                                                       AND i.indcollation[k.ord - 1] <> a.attcollation\n"
    "                                                      THEN co.collname::text END)\n"
    "           FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(cls, ord)\n"
    "           JOIN pg_catalog.pg_opclass opc ON opc.oid = k.cls\n"
    "           LEFT JOIN pg_catalog.pg_attribute a\n"
    "                  ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.ord - 1] AND i.indkey[k.ord - 1] <> 0\n"
    "           LEFT JOIN pg_catalog.pg_collation co ON co.oid = i.indcollation[k.ord - 1]\n"
    "           WHERE k.ord <= i.indnkeyatts\n"
    "           ORDER BY k.ord))::text,\n"
    "       am.amname,\n"
    "       array_to_json(ARRAY(\n"
    "           SELECT a.attname::text\n"
    "           FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)\n"
    "           JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num\n"
    "           WHERE k.ord > i.indnkeyatts\n"
    "           ORDER BY k.ord))::text,\n"
    "       ic.reloptions::text\n"
    "FROM pg_catalog.pg_index i\n"
    "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid\n"
    "JOIN pg_catalog.pg_am am ON am.oid = ic.relam\n"
    "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "WHERE " NSP_READ " AND c.relkind IN ('r', 'p') AND NOT c.relispartition\n"
    "  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k\n"
    "                  WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid\n"
    "                    AND k.contype IN ('p', 'u', 'x'))\n"
    "ORDER BY i.indrelid, ic.relname COLLATE \"C\"";

/* What the IR does not hold, so that autogenerate can name it and leave it
** alone: triggers (not the internal ones behind foreign keys), rules,
** row-level policies, exclusion constraints, views, materialized views and
** foreign tables. */
static const char SQL_OBJECTS[] =
    "SELECT o.kind, o.name, o.tbl, o.nsp, o.detail FROM (\n"
    "  SELECT 'trigger' AS kind, t.tgname::text AS name, c.relname::text AS tbl, n.nspname::text AS nsp,\n"
    "         NULL::text AS detail\n"
    "  FROM pg_catalog.pg_trigger t\n"
    "  JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid\n"
    "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "  WHERE " NSP_READ " AND NOT t.tgisinternal\n"
    "  UNION ALL\n"
    "  SELECT 'rule', r.rulename::text, c.relname::text, n.nspname::text, NULL\n"
    "  FROM pg_catalog.pg_rewrite r\n"
    "  JOIN pg_catalog.pg_class c ON c.oid = r.ev_class\n"
    "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "  WHERE " NSP_READ " AND c.relkind IN ('r', 'p') AND r.rulename <> '_RETURN'\n"
    "  UNION ALL\n"
    "  SELECT 'policy', p.polname::text, c.relname::text, n.nspname::text, NULL\n"
    "  FROM pg_catalog.pg_policy p\n"
    "  JOIN pg_catalog.pg_class c ON c.oid = p.polrelid\n"
    "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "  WHERE " NSP_READ "\n"
    "  UNION ALL\n"
    "  SELECT 'exclusion constraint', con.conname::text, c.relname::text, n.nspname::text, NULL\n"
    "  FROM pg_catalog.pg_constraint con\n"
    "  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid\n"
    "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "  WHERE " NSP_READ " AND con.contype = 'x'\n"
    "  UNION ALL\n"
    "  SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'\n"
    "                        ELSE 'foreign table' END, c.relname::text, NULL, n.nspname::text, NULL\n"
    "  FROM pg_catalog.pg_class c\n"
    "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "  WHERE " NSP_READ " AND c.relkind IN ('v', 'm', 'f')\n"
    /* a table or column a view (or a rule) uses: the column's name (NULL:
    ** the table itself), and the view in detail */
    "  UNION ALL\n"
    "  SELECT DISTINCT 'view column', a.attname::text, c.relname::text, n.nspname::text, v.oid::regclass::text\n"
    "  FROM pg_catalog.pg_depend d\n"
    "  JOIN pg_catalog.pg_rewrite rw ON rw.oid = d.objid\n"
    "  JOIN pg_catalog.pg_class v ON v.oid = rw.ev_class\n"
    "  JOIN pg_catalog.pg_class c ON c.oid = d.refobjid\n"
    "  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid\n"
    "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n"
    "  WHERE " NSP_READ " AND d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass\n"
    "    AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass\n"
    "    AND v.oid <> c.oid AND c.relkind IN ('r', 'p')\n"
    ") o\n"
    "ORDER BY o.nsp COLLATE \"C\", o.tbl COLLATE \"C\" NULLS FIRST, o.kind, o.name COLLATE \"C\"";

static const char SQL_ENUMS[] =
    "SELECT t.typname, pg_catalog.format_type(t.oid, NULL),\n"
    "       array_to_json(ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e\n"
    "                           WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder))::text, n.nspname\n"
    "FROM pg_catalog.pg_type t\n"
    "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace\n"
    "WHERE " NSP_READ " AND t.typtype = 'e'\n"
    "ORDER BY n.nspname COLLATE \"C\", t.typname COLLATE \"C\"";

/* The error of a catalog query (`what` names it): the first line of
** libpq's message. */
static void catalog_failed(diag_list *dl, const char *what, const char *msg) {
    diag_add(dl, DIAG_ERROR, (src_loc){0}, "reading the PostgreSQL catalog (%s) failed: %.*s", what,
             (int)strcspn(msg, "\n"), msg);
}

/* Run one query; with_schemas: $1 is schemas_json (NULL: every schema).
** Returns the result, or NULL with a diagnostic. */
static PGresult *run_query(PGconn *conn, const char *sql, bool with_schemas, const char *schemas_json,
                           const char *what, diag_list *dl) {
    const char *params[1] = {schemas_json};
    PGresult *res = PQexecParams(conn, sql, with_schemas ? 1 : 0, NULL, with_schemas ? params : NULL,
                                 NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        catalog_failed(dl, what, res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
        PQclear(res);
        return NULL;
    }
    return res;
}

/* A result read: freed, and its pages given back, since libpq keeps a
** result's rows in glibc's heap and the schema grows in mapped blocks
** that cannot reuse them. */
static void release_result(PGresult *r) {
    PQclear(r);
    util_trim_heap();
}

static const char *field(arena *a, PGresult *r, int row, int col) {
    if (PQgetisnull(r, row, col)) return NULL;
    return arena_strdup(a, PQgetvalue(r, row, col));
}

static bool field_is(PGresult *r, int row, int col, const char *value) {
    return !PQgetisnull(r, row, col) && !strcmp(PQgetvalue(r, row, col), value);
}

/* A JSON array of strings (from array_to_json) into a str_vec. */
static void json_names(arena *a, const char *text, str_vec *out) {
    json_t *arr = json_loads(text, 0, NULL);
    if (!json_is_array(arr)) {
        json_decref(arr);
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(arr, i, item) {
        if (json_is_string(item)) vec_push(a, out, arena_strdup(a, json_string_value(item)));
    }
    json_decref(arr);
}

/* confdeltype / confupdtype letter to the SQL action; NO ACTION is NULL. */
static const char *fk_action(const char *letter) {
    if (!letter) return NULL;
    switch (letter[0]) {
        case 'c': return "CASCADE";
        case 'n': return "SET NULL";
        case 'd': return "SET DEFAULT";
        case 'r': return "RESTRICT";
        default: return NULL;     /* 'a': NO ACTION, the default */
    }
}

/* "CHECK (row_count >= 0)" -> "row_count >= 0"; also drops " NOT VALID" and
** " NO INHERIT" after the closing parenthesis. */
const char *pg_check_expression(arena *a, const char *def) {
    if (!def) return NULL;
    if (strncmp(def, "CHECK (", 7) != 0) return arena_strdup(a, def);
    const char *body = def + 7;
    int depth = 1;
    bool in_str = false;
    const char *p = body;
    for (; *p; p++) {
        if (in_str) {
            if (*p == '\'') {
                if (p[1] == '\'') p++;
                else in_str = false;
            }
        } else if (*p == '\'') {
            in_str = true;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')' && --depth == 0) {
            break;
        }
    }
    return arena_strndup(a, body, (size_t)(p - body));
}

/* A table is left out when a pattern matches its name, or "schema.name"
** for a table of another schema than the default one. */
static bool is_excluded(arena *a, const char *nsp, const char *name, const introspect_options *opt) {
    if (!opt) return false;
    return introspect_excluded(opt->exclude_tables, name, false) ||
           (nsp && introspect_excluded(opt->exclude_tables, qualified_name(a, nsp, name), false));
}

/* The IR's schema of a row's nspname: NULL for the default schema. */
static const char *row_schema(PGresult *r, int row, int col, const char *default_schema) {
    if (PQgetisnull(r, row, col)) return NULL;
    const char *nsp = PQgetvalue(r, row, col);
    return strcmp(nsp, default_schema) ? nsp : NULL;
}

static void read_tables(schema *s, PGresult *r, const char *default_schema, const introspect_options *opt,
                        strmap *by_oid) {
    for (int i = 0; i < PQntuples(r); i++) {
        const char *name = PQgetvalue(r, i, 1);
        const char *nsp = row_schema(r, i, 4, default_schema);
        if (!strcmp(name, "alembic_version") || (opt && opt->hidden_table && !strcmp(name, opt->hidden_table)))
            continue;
        if (is_excluded(s->arena, nsp, name, opt)) {
            schema_add_object(s, "table", qualified_name(s->arena, nsp, name), NULL, NULL)->excluded = true;
            continue;
        }
        table *t = schema_add_table_in(s, nsp, name);
        if (!t) continue;
        t->comment = field(s->arena, r, i, 2);
        /* the planner's estimate (-1: never analyzed, PostgreSQL 14+) */
        t->row_estimate = strtoll(PQgetvalue(r, i, 3), NULL, 10);
        strmap_put(by_oid, arena_strdup(s->arena, PQgetvalue(r, i, 0)), t);
    }
}

/* An identity column's options: attidentity ('a' ALWAYS, 'd' BY DEFAULT)
** and its sequence's row as JSON.  MINVALUE, MAXVALUE, CACHE and CYCLE are
** not modeled: only those that are not what the sequence of an identity
** of this type and direction gets by default are set. */
static const identity_def *read_identity(arena *a, bool always, const char *seq_json) {
    identity_def *g = arena_alloc(a, sizeof *g);
    g->always = always;
    g->increment = 1;
    g->start = 1;
    g->cycle = -1;
    json_t *j = seq_json ? json_loads(seq_json, 0, NULL) : NULL;
    if (!json_is_object(j)) {
        json_decref(j);
        return g;
    }
    g->start = json_integer_value(json_object_get(j, "start"));
    g->increment = json_integer_value(json_object_get(j, "increment"));
    long long min = json_integer_value(json_object_get(j, "min"));
    long long max = json_integer_value(json_object_get(j, "max"));
    long long cache = json_integer_value(json_object_get(j, "cache"));
    const char *type = json_string_value(json_object_get(j, "type"));
    long long type_max = type && !strcmp(type, "smallint")  ? 32767
                         : type && !strcmp(type, "integer") ? 2147483647
                                                            : 9223372036854775807LL;
    g->has_minvalue = min != (g->increment > 0 ? 1 : -type_max - 1);
    g->minvalue = min;
    g->has_maxvalue = max != (g->increment > 0 ? type_max : -1);
    g->maxvalue = max;
    if (cache != 1) g->cache = cache;
    if (json_is_true(json_object_get(j, "cycle"))) g->cycle = 1;
    json_decref(j);
    return g;
}

/* One row of the columns query; types caches the type spellings parsed. */
static void read_column_row(schema *s, PGresult *r, int i, strmap *by_oid, strmap *types, arena *scratch) {
    table *t = strmap_get(by_oid, PQgetvalue(r, i, 0));
    if (!t) return;
    column *col = table_add_column(s, t, PQgetvalue(r, i, 1));
    if (!col) return;
    col->type = introspect_column_type(dialect_postgresql(), s, types, scratch, PQgetvalue(r, i, 2));
    col->nullable = !field_is(r, i, 3, "t");
    const char *def = field(s->arena, r, i, 4);
    bool generated = !PQgetisnull(r, i, 6) && PQgetvalue(r, i, 6)[0] != '\0';
    bool identity = !PQgetisnull(r, i, 5) && PQgetvalue(r, i, 5)[0] != '\0';
    if (def && !strncmp(def, "nextval(", 8)) {
        /* A serial column: the sequence's default belongs to the column
        ** type (re-created by SERIAL, renamed or not with the table), so
        ** it is not reported as a server default. */
        identity = true;
    } else if (def && !generated) {
        col->server_default.kind = DEFAULT_SQL;
        col->server_default.text = def;
    } else if (def && generated) {
        col->generated = def;           /* attgenerated 's': STORED */
        col->generated_stored = true;
    }
    col->identity = identity;
    col->autoincrement = identity ? AUTOINC_TRUE : AUTOINC_AUTO;
    col->comment = field(s->arena, r, i, 7);
    if (!PQgetisnull(r, i, 5) && PQgetvalue(r, i, 5)[0] != '\0')
        col->generated_identity = read_identity(s->arena, PQgetvalue(r, i, 5)[0] == 'a',
                                                PQgetisnull(r, i, 8) ? NULL : PQgetvalue(r, i, 8));
}

/* The columns query, read a row at a time (libpq's single-row mode): the
** only result that grows with every column, which libpq would otherwise
** hold whole (20 MB at 10,000 tables) while the columns are built.  A
** result of several rows (single-row mode refused) is read the same way.
** 0, or -1 with a diagnostic; the connection has no result left. */
static int read_columns(PGconn *conn, const char *schemas_json, schema *s, strmap *by_oid, diag_list *dl) {
    const char *params[1] = {schemas_json};
    if (!PQsendQueryParams(conn, SQL_COLUMNS, 1, NULL, params, NULL, NULL, 0)) {
        catalog_failed(dl, "columns", PQerrorMessage(conn));
        return -1;
    }
    (void)PQsetSingleRowMode(conn);
    arena *scratch = arena_new();
    strmap *types = strmap_new(scratch);
    int rc = 0;
    bool complete = false;          /* the result that ends the rows came */
    PGresult *r;
    while ((r = PQgetResult(conn)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (rc == 0 && (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK)) {
            for (int i = 0; i < PQntuples(r); i++) read_column_row(s, r, i, by_oid, types, scratch);
            complete = st == PGRES_TUPLES_OK;
        } else if (rc == 0) {
            catalog_failed(dl, "columns", PQresultErrorMessage(r));
            rc = -1;
        }
        PQclear(r);
    }
    if (rc == 0 && !complete) {
        catalog_failed(dl, "columns", "the server's answer ended before its last row");
        rc = -1;
    }
    arena_free(scratch);
    util_trim_heap();
    return rc;
}

static void read_constraints(schema *s, PGresult *r, const char *default_schema, strmap *by_oid) {
    arena *a = s->arena;
    for (int i = 0; i < PQntuples(r); i++) {
        table *t = strmap_get(by_oid, PQgetvalue(r, i, 0));
        if (!t) continue;
        const char *name = field(a, r, i, 1);
        char kind = PQgetvalue(r, i, 2)[0];
        str_vec cols = {0};
        json_names(a, PQgetvalue(r, i, 3), &cols);
        if (kind == 'p') {
            t->primary_key.name = name;
            t->primary_key.columns = cols;
            for (size_t k = 0; k < cols.len; k++) {
                column *c = table_find_column(t, cols.items[k]);
                if (c) c->primary_key = true;
            }
        } else if (kind == 'u') {
            unique_def *u = arena_alloc(a, sizeof *u);
            u->name = name;
            u->columns = cols;
            vec_push(a, &t->uniques, u);
        } else if (kind == 'f') {
            foreign_key *fk = arena_alloc(a, sizeof *fk);
            fk->name = name;
            fk->columns = cols;
            fk->ref_schema = arena_strdup(a, row_schema(r, i, 4, default_schema));
            fk->ref_table = arena_strdup(a, PQgetvalue(r, i, 5));
            json_names(a, PQgetvalue(r, i, 6), &fk->ref_columns);
            fk->ondelete = fk_action(PQgetvalue(r, i, 7));
            fk->onupdate = fk_action(PQgetvalue(r, i, 8));
            vec_push(a, &t->foreign_keys, fk);
        } else if (kind == 'c') {
            check_def *ck = arena_alloc(a, sizeof *ck);
            ck->name = name;
            ck->sqltext = pg_check_expression(a, field(a, r, i, 9));
            vec_push(a, &t->checks, ck);
        }
    }
}

/* pg_get_indexdef() prints some expressions in parentheses already
** ("(qty + 1)") and others bare ("lower(name)"); the query wraps every
** expression, so "((qty + 1))" loses one level here. */
static const char *one_paren_level(arena *a, const char *expr) {
    size_t n = strlen(expr);
    if (n < 4 || strncmp(expr, "((", 2) != 0 || strcmp(expr + n - 2, "))") != 0) return expr;
    /* the inner text must be one parenthesized whole: "((a) + (b))" is not */
    int depth = 0;
    bool in_str = false;
    for (size_t i = 1; i < n - 1; i++) {
        char c = expr[i];
        if (in_str) {
            if (c == '\'') in_str = false;
        } else if (c == '\'') {
            in_str = true;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth == 0 && i != n - 2) {
            return expr;
        }
    }
    return arena_strndup(a, expr + 1, n - 2);
}

/* The keys' options (DESC, NULLS FIRST, a non-default operator class) from
** the per-key JSON of SQL_INDEXES into ix->keys, the access method and the
** INCLUDE columns; what the IR still does not hold (an access method the
** model language does not name, a COLLATE, storage parameters) goes to
** ix->unmodeled. */
const char *pg_index_expression(arena *a, const char *indexdef_key) {
    return one_paren_level(a, arena_printf(a, "(%s)", indexdef_key));
}

static void pg_index_options(arena *a, index_def *ix, const char *key_options, const char *method,
                             const char *include, const char *reloptions) {
    if (method && strcmp(method, "btree") != 0) {
        ix->method = arena_strdup(a, method);
        bool named = false;
        for (size_t m = 0; m < INDEX_METHODS_COUNT; m++) named |= !strcmp(INDEX_METHODS[m], method);
        if (!named) ix->unmodeled = arena_printf(a, "the %s access method", method);
    }
    if (include) json_names(a, include, &ix->include);
    if (reloptions && *reloptions && !ix->unmodeled)
        ix->unmodeled = arena_printf(a, "the storage parameters %s", reloptions);
    json_t *keys = json_loads(key_options, 0, NULL);
    size_t k;
    json_t *key;
    json_array_foreach(keys, k, key) {
        const char *what = k < ix->columns.len ? ix->columns.items[k] : "?";
        json_int_t option = json_integer_value(json_object_get(key, "option"));
        const char *opclass = json_string_value(json_object_get(key, "opclass"));
        const char *collation = json_string_value(json_object_get(key, "collation"));
        index_key ik = {0};
        ik.desc = (option & 1) != 0;
        bool nulls_first = (option & 2) != 0;
        if (nulls_first != ik.desc) ik.nulls = nulls_first ? NULLS_FIRST : NULLS_LAST;
        ik.opclass = arena_strdup(a, opclass);
        while (ix->keys.len < k) vec_push(a, &ix->keys, ((index_key){0}));
        if (ix->keys.len == k) vec_push(a, &ix->keys, ik);
        if (collation && !ix->unmodeled) ix->unmodeled = arena_printf(a, "COLLATE \"%s\" on %s", collation, what);
    }
    json_decref(keys);
}

static void read_indexes(schema *s, PGresult *r, strmap *by_oid) {
    arena *a = s->arena;
    for (int i = 0; i < PQntuples(r); i++) {
        table *t = strmap_get(by_oid, PQgetvalue(r, i, 0));
        if (!t) continue;
        index_def *ix = arena_alloc(a, sizeof *ix);
        ix->name = field(a, r, i, 1);
        ix->unique = field_is(r, i, 2, "t");
        json_names(a, PQgetvalue(r, i, 3), &ix->columns);
        for (size_t k = 0; k < ix->columns.len; k++)
            ix->columns.items[k] = one_paren_level(a, ix->columns.items[k]);
        ix->where = field(a, r, i, 4);
        pg_index_options(a, ix, PQgetvalue(r, i, 5), PQgetvalue(r, i, 6), PQgetvalue(r, i, 7),
                         PQgetisnull(r, i, 8) ? NULL : PQgetvalue(r, i, 8));
        vec_push(a, &t->indexes, ix);
    }
}

/* The enum types (query 6), then every column whose format_type() is one
** of them, or an array of one, is a column of that type. */
static void read_enums(schema *s, PGresult *r, const char *default_schema) {
    arena *a = s->arena;
    strmap *by_display = strmap_new(a);
    for (int i = 0; i < PQntuples(r); i++) {
        enum_type *e = schema_add_enum_in(s, row_schema(r, i, 3, default_schema), PQgetvalue(r, i, 0));
        if (!e) continue;
        str_vec labels = {0};
        json_names(a, PQgetvalue(r, i, 2), &labels);
        for (size_t k = 0; k < labels.len; k++) vec_push(a, &e->labels, ((enum_label){.label = labels.items[k]}));
        strmap_put(by_display, arena_strdup(a, PQgetvalue(r, i, 1)), e);
    }
    if (!s->enums.len) return;
    for (size_t ti = 0; ti < s->tables.len; ti++) {
        table *t = s->tables.items[ti];
        for (size_t k = 0; k < t->columns.len; k++) {
            col_type *ct = &t->columns.items[k]->type;
            if (ct->kind != TYPE_OTHER || !ct->raw) continue;
            size_t n = strlen(ct->raw);
            bool array = n > 2 && !strcmp(ct->raw + n - 2, "[]");
            enum_type *e = strmap_get(by_display, array ? arena_strndup(a, ct->raw, n - 2) : ct->raw);
            if (!e) continue;
            if (array) {
                col_type *el = arena_alloc(a, sizeof *el);
                *el = (col_type){.kind = TYPE_ENUM, .length = -1, .precision = -1, .scale = -1, .enumeration = e};
                ct->kind = TYPE_ARRAY;
                ct->element = el;
                ct->dimensions = 1;
            } else {
                ct->kind = TYPE_ENUM;
                ct->enumeration = e;
            }
        }
    }
}

/* Objects of another schema than the default one are named "schema.name"
** (one on a table: its table is). */
static void read_objects(schema *s, PGresult *r, const char *default_schema) {
    for (int i = 0; i < PQntuples(r); i++) {
        const char *nsp = row_schema(r, i, 3, default_schema);
        bool on_table = !PQgetisnull(r, i, 2);
        const char *name = PQgetvalue(r, i, 1);
        if (!strcmp(PQgetvalue(r, i, 0), "view column")) {
            /* not an object of its own: the view is listed as one */
            table *t = schema_find_table_in(s, nsp, PQgetvalue(r, i, 2));
            if (!t) continue;
            const char *view = arena_strdup(s->arena, PQgetvalue(r, i, 4));
            if (!t->used_by_view) t->used_by_view = view;
            column *c = PQgetisnull(r, i, 1) ? NULL : table_find_column(t, name);
            if (c && !c->used_by_view) c->used_by_view = view;
            continue;
        }
        schema_add_object(s, PQgetvalue(r, i, 0), on_table ? name : qualified_name(s->arena, nsp, name),
                          on_table ? qualified_name(s->arena, nsp, PQgetvalue(r, i, 2)) : NULL, NULL);
    }
}

/* $1 of the queries: the default schema and opt->schemas as a JSON array,
** or NULL when opt says every schema. */
static char *schemas_param(const char *default_schema, const introspect_options *opt) {
    if (opt && opt->all_schemas) return NULL;
    json_t *arr = json_array();
    json_array_append_new(arr, json_string(default_schema));
    if (opt && opt->schemas)
        for (size_t i = 0; i < opt->schemas->len; i++) json_array_append_new(arr, json_string(opt->schemas->items[i]));
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    if (!text) util_oom();
    return text;
}

int introspect_postgres(PGconn *conn, const char *pg_schema, const introspect_options *opt,
                        schema **out, diag_list *dl) {
    *out = NULL;
    if (!pg_schema) pg_schema = "public";
    /* A caller that already has a transaction open keeps it: its picture is
    ** the one read, and its COMMIT is its own business. */
    bool own_transaction = PQtransactionStatus(conn) == PQTRANS_IDLE;
    if (own_transaction) {
        PGresult *begin = run_query(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", false, NULL,
                                    "begin", dl);
        if (!begin) return -1;
        PQclear(begin);
    }

    schema *s = schema_new();
    char *nsps = schemas_param(pg_schema, opt);
    strmap *by_oid = strmap_new(s->arena);
    int rc = -1;
    PGresult *r;
    if (!(r = run_query(conn, SQL_TABLES, true, nsps, "tables", dl))) goto done;
    read_tables(s, r, pg_schema, opt, by_oid);
    release_result(r);
    if (read_columns(conn, nsps, s, by_oid, dl) != 0) goto done;
    if (!(r = run_query(conn, SQL_CONSTRAINTS, true, nsps, "constraints", dl))) goto done;
    read_constraints(s, r, pg_schema, by_oid);
    release_result(r);
    if (!(r = run_query(conn, SQL_INDEXES, true, nsps, "indexes", dl))) goto done;
    read_indexes(s, r, by_oid);
    release_result(r);
    if (!(r = run_query(conn, SQL_OBJECTS, true, nsps, "other objects", dl))) goto done;
    read_objects(s, r, pg_schema);
    release_result(r);
    if (!(r = run_query(conn, SQL_ENUMS, true, nsps, "enum types", dl))) goto done;
    read_enums(s, r, pg_schema);
    release_result(r);
    rc = 0;

done:
    free(nsps);
    /* COMMIT on success, ROLLBACK after a failure (the transaction is
    ** aborted by then). */
    if (own_transaction) {
        r = PQexec(conn, rc == 0 ? "COMMIT" : "ROLLBACK");
        PQclear(r);
    }
    if (rc != 0) {
        schema_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

size_t introspect_postgres_queries(const catalog_query **out) {
    static const catalog_query queries[] = {
        {"begin", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"},
        {"tables", SQL_TABLES}, {"columns", SQL_COLUMNS}, {"constraints", SQL_CONSTRAINTS},
        {"indexes", SQL_INDEXES}, {"other objects", SQL_OBJECTS}, {"enum types", SQL_ENUMS},
        {"commit", "COMMIT"}};
    *out = queries;
    return sizeof queries / sizeof queries[0];
}
