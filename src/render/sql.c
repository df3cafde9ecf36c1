/*
** sql.c — op lists to SQL statements, per dialect (see sql.h).
**
** The statements are the ones SQLAlchemy 1.4 + Alembic 1.8 emit for the
** same ops, so that a database migrated by retort introspects exactly as
** one migrated by Alembic: same declared types, same default text, same
** constraint clauses.  CREATE TABLE is laid out as SQLAlchemy compiles it
** (one column per line, 4-space indent), which is also what Alembic's
** offline --sql prints.
**
** SQLite's move-and-copy (Alembic's batch mode) is here too: for a batch
** block that plain ALTER TABLE cannot do, the block's ops are applied to a
** copy of the table (schema_apply_ops(), diff/apply.c), and the table is
** re-created from that copy.  docs/sql-rendering.md says what the runner
** must set around those statements.
*/
#include "render/sql.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ literals */

/* Every string literal of the SQL comes from the dialect's quote_literal,
** whose literals mean the same whatever the server's settings (a backslash
** on PostgreSQL makes an E'' literal). */

/* ----------------------------------------------------- alembic_version */

/* The version table as Alembic names it: schema-qualified when
** version_table_schema is set, each part quoted only where it must be. */
static const char *vt_name(arena *a, const dialect *d, const version_table *vt) {
    const char *name = vt && vt->name ? vt->name : "alembic_version";
    if (vt && vt->schema) return arena_printf(a, "%s.%s", d->quote_ident(a, vt->schema), d->quote_ident(a, name));
    return d->quote_ident(a, name);
}

const char *sql_create_version_table(arena *a, const dialect *d, const version_table *vt) {
    const char *name = vt && vt->name ? vt->name : "alembic_version";
    return arena_printf(a, "CREATE TABLE %s (\n"
                           "    version_num VARCHAR(32) NOT NULL, \n"
                           "    CONSTRAINT %s PRIMARY KEY (version_num)\n"
                           ")",
                        vt_name(a, d, vt), d->quote_ident(a, arena_printf(a, "%s_pkc", name)));
}

const char *sql_insert_version(arena *a, const dialect *d, const version_table *vt, const char *rev) {
    const char *t = vt_name(a, d, vt);
    return arena_printf(a, "INSERT INTO %s (version_num) VALUES (%s)%s%s%s", t, d->quote_literal(a, rev),
                        d->kind == DIALECT_POSTGRESQL ? " RETURNING " : "", d->kind == DIALECT_POSTGRESQL ? t : "",
                        d->kind == DIALECT_POSTGRESQL ? ".version_num" : "");
}

const char *sql_update_version(arena *a, const dialect *d, const version_table *vt, const char *from, const char *to) {
    const char *t = vt_name(a, d, vt);
    return arena_printf(a, "UPDATE %s SET version_num=%s WHERE %s.version_num = %s", t, d->quote_literal(a, to), t,
                        d->quote_literal(a, from));
}

const char *sql_set_table_schema(arena *a, const dialect *d, const op *o) {
    const char *from = o->old_schema ? o->old_schema : o->default_schema;
    const char *to = o->schema ? o->schema : o->default_schema;
    return arena_printf(a, "ALTER TABLE %s.%s SET SCHEMA %s", d->quote_ident(a, from), d->quote_ident(a, o->table_name),
                        d->quote_ident(a, to));
}

const char *sql_delete_version(arena *a, const dialect *d, const version_table *vt, const char *rev) {
    const char *t = vt_name(a, d, vt);
    return arena_printf(a, "DELETE FROM %s WHERE %s.version_num = %s", t, t, d->quote_literal(a, rev));
}

const char *sql_drop_version_table(arena *a, const dialect *d, const version_table *vt) {
    return arena_printf(a, "DROP TABLE %s", vt_name(a, d, vt));
}

/* ------------------------------------------------------------ renderer */

typedef struct renderer {
    arena *a;
    const dialect *d;
    bool pg;
    sql_statements *out;
    diag_list *dl;
    schema *work;               /* `current` with the ops so far applied */
} renderer;

static const char *q(renderer *r, const char *ident) { return r->d->quote_ident(r->a, ident); }

/* A table (or enum type) of schema nsp, as SQLAlchemy names it: quoted,
** qualified when nsp is given (a schema other than the default one; the
** default is the session's search_path, as with schema=None). */
static const char *qt(renderer *r, const char *nsp, const char *name) {
    return dialect_quote_table(r->d, r->a, nsp, name);
}
static const char *qtype(renderer *r, const enum_type *e) { return qt(r, e->schema, e->name); }

static void emit(renderer *r, const op *o, const char *text) {
    sql_statement st = {.text = text, .loc = o ? o->loc : (src_loc){0}, .autocommit = o && o->autocommit};
    vec_push(r->a, r->out, st);
}

static bool str_eq(const char *x, const char *y) { return x && y && strcmp(x, y) == 0; }

/* "a, b" with every name quoted. */
static const char *ident_list(renderer *r, const str_vec *v) {
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < v->len; i++) {
        if (i) sb_append(&sb, ", ");
        sb_append(&sb, q(r, v->items[i]));
    }
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* ---------------------------------------------------------------- types */

/* SQLAlchemy's DDL spelling of a model type. */
static const char *type_ddl(renderer *r, const col_type *t) {
    bool pg = r->pg;
    switch (t->kind) {
    case TYPE_INTEGER: return "INTEGER";
    case TYPE_BIGINT: return "BIGINT";
    case TYPE_SMALLINT: return "SMALLINT";
    case TYPE_STRING: return t->length >= 0 ? arena_printf(r->a, "VARCHAR(%d)", t->length) : "VARCHAR";
    case TYPE_TEXT: return "TEXT";
    case TYPE_BOOLEAN: return "BOOLEAN";
    case TYPE_FLOAT: return "FLOAT";
    case TYPE_NUMERIC:
        if (t->precision < 0) return "NUMERIC";
        if (t->scale < 0) return arena_printf(r->a, "NUMERIC(%d)", t->precision);
        return arena_printf(r->a, "NUMERIC(%d, %d)", t->precision, t->scale);
    case TYPE_DATETIME:
        if (!pg) return "DATETIME";
        return t->timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE";
    case TYPE_DATE: return "DATE";
    case TYPE_TIME: return pg ? "TIME WITHOUT TIME ZONE" : "TIME";
    case TYPE_INTERVAL: return pg ? "INTERVAL" : "DATETIME";
    case TYPE_JSON: return pg && t->jsonb ? "JSONB" : "JSON";
    case TYPE_LARGEBINARY: return pg ? "BYTEA" : "BLOB";
    case TYPE_UUID: return "VARCHAR(36)";
    case TYPE_UUID_NATIVE: return "UUID";
    case TYPE_INET: return "INET";
    case TYPE_CIDR: return "CIDR";
    case TYPE_MACADDR: return "MACADDR";
    case TYPE_TSVECTOR: return "TSVECTOR";
    case TYPE_CITEXT: return "CITEXT";
    case TYPE_ARRAY: {
        /* SQLAlchemy writes one [] per dimension */
        strbuf sb = STRBUF_INIT;
        sb_append(&sb, t->element && t->element->kind != TYPE_ARRAY ? type_ddl(r, t->element) : "TEXT");
        for (int i = 0; i < (t->dimensions > 1 ? t->dimensions : 1); i++) sb_append(&sb, "[]");
        const char *out = arena_strdup(r->a, sb_str(&sb));
        sb_free(&sb);
        return out;
    }
    case TYPE_ENUM:
        /* PostgreSQL: the type by name; SQLite: sa.Enum's VARCHAR */
        if (!t->enumeration) return "VARCHAR";
        if (pg) return qtype(r, t->enumeration);
        return arena_printf(r->a, "VARCHAR(%d)", enum_type_max_length(t->enumeration));
    case TYPE_OTHER: return t->raw && *t->raw ? t->raw : "BLOB";
    }
    return "BLOB";
}

static bool is_enum_or_array_of_one(const col_type *t) {
    if (t->kind == TYPE_ARRAY && t->element) t = t->element;
    return t->kind == TYPE_ENUM;
}

const char *sql_type_change_using(arena *a, const char *column, const col_type *from, const col_type *to) {
    bool from_array = from->kind == TYPE_ARRAY, to_array = to->kind == TYPE_ARRAY;
    bool enums = is_enum_or_array_of_one(from) || is_enum_or_array_of_one(to);
    if (!from_array && !to_array && !enums) return NULL;
    renderer r = {.a = a, .d = dialect_postgresql(), .pg = true};
    const char *c = q(&r, column);
    if (from_array == to_array && enums)
        return arena_printf(a, "CAST(CAST(%s AS TEXT%s) AS %s)", c, to_array ? "[]" : "", type_ddl(&r, to));
    if (from_array && to_array) return arena_printf(a, "CAST(%s AS %s)", c, type_ddl(&r, to));
    if (to_array) {
        const col_type *e = to->element ? to->element : to;
        return arena_printf(a, "CASE WHEN %s IS NULL THEN NULL ELSE ARRAY[CAST(%s AS %s)] END", c, c,
                            e->kind == TYPE_ARRAY ? "TEXT" : type_ddl(&r, e));
    }
    return arena_printf(a, "CAST(array_to_string(%s, ',') AS %s)", c, type_ddl(&r, to));
}

/* SQLite: what SQLAlchemy writes back for a type it reflected from the
** declared type `raw` (Alembic's move-and-copy reflects the table): the
** name upper-cased, INT -> INTEGER, BOOL -> BOOLEAN, arguments as
** "(p, s)"; a name SQLAlchemy does not know gets SQLite's type affinity. */
static const char *sqlite_reflected_type(renderer *r, const char *raw) {
    static const char *const KNOWN[] = {"BIGINT", "BLOB", "BOOLEAN", "CHAR", "DATE", "DATETIME",
                                        "DECIMAL", "DOUBLE", "FLOAT", "INTEGER", "JSON", "NCHAR",
                                        "NUMERIC", "NVARCHAR", "REAL", "SMALLINT", "TEXT", "TIME",
                                        "TIMESTAMP", "VARCHAR"};
    char base[64];
    size_t n = 0;
    const char *p = raw;
    while (*p && *p != '(' && n < sizeof base - 1) {
        char c = (char)toupper((unsigned char)*p++);
        if (c == ' ' && (n == 0 || base[n - 1] == ' ')) continue;
        base[n++] = c;
    }
    while (n && base[n - 1] == ' ') n--;
    base[n] = '\0';
    const char *args = "";
    if (*p == '(') {
        int x, y, used = 0;
        if (sscanf(p, "(%d , %d)%n", &x, &y, &used) == 2 && p[used] == '\0')
            args = arena_printf(r->a, "(%d, %d)", x, y);
        else if (used = 0, sscanf(p, "(%d)%n", &x, &used) == 1 && p[used] == '\0')
            args = arena_printf(r->a, "(%d)", x);
    }
    const char *name = NULL;
    if (!strcmp(base, "INT")) name = "INTEGER";
    else if (!strcmp(base, "BOOL")) name = "BOOLEAN";
    for (size_t i = 0; !name && i < sizeof KNOWN / sizeof *KNOWN; i++)
        if (!strcmp(base, KNOWN[i])) name = KNOWN[i];
    if (!name) {
        /* SQLite's affinity rules, as SQLAlchemy applies them. */
        if (strstr(base, "INT")) name = "INTEGER";
        else if (strstr(base, "CHAR") || strstr(base, "CLOB") || strstr(base, "TEXT")) name = "TEXT";
        else if (strstr(base, "BLOB") || !*base) name = "BLOB";
        else if (strstr(base, "REAL") || strstr(base, "FLOA") || strstr(base, "DOUB")) name = "REAL";
        else name = "NUMERIC";
        args = "";
    }
    return arena_printf(r->a, "%s%s", name, args);
}

/* The type of a column as a CREATE TABLE writes it.  A type that carries
** the database's spelling (introspected) is, on SQLite, written as
** SQLAlchemy writes a reflected type. */
static const char *column_type_ddl(renderer *r, const col_type *t) {
    /* A declared type retort cannot model is written back as it was
    ** (Alembic's reflection turns BLOBBY_THING into BLOB). */
    if (!r->pg && t->kind == TYPE_OTHER && t->raw && *t->raw) return t->raw;
    if (!r->pg && t->raw && *t->raw) return sqlite_reflected_type(r, t->raw);
    if (r->pg && t->kind == TYPE_OTHER && t->raw) return t->raw;
    return type_ddl(r, t);
}

/* Type affinity as SQLAlchemy's _type_affinity sees it: Alembic casts the
** copied values when it changes in a move-and-copy. */
static int type_affinity(const col_type *t) {
    switch (t->kind) {
    case TYPE_INTEGER: case TYPE_BIGINT: case TYPE_SMALLINT: return 1;
    case TYPE_STRING: case TYPE_TEXT: case TYPE_UUID: case TYPE_ENUM: return 2;
    case TYPE_FLOAT: case TYPE_NUMERIC: return 3;
    case TYPE_BOOLEAN: return 4;
    case TYPE_DATETIME: return 5;
    case TYPE_DATE: return 6;
    case TYPE_TIME: return 7;
    case TYPE_INTERVAL: return 8;
    case TYPE_JSON: return 9;
    case TYPE_LARGEBINARY: return 10;
    case TYPE_UUID_NATIVE: case TYPE_INET: case TYPE_CIDR: case TYPE_MACADDR: case TYPE_TSVECTOR:
    case TYPE_CITEXT: case TYPE_ARRAY: case TYPE_OTHER: return 11;
    }
    return 0;
}

/* ------------------------------------------------------------- defaults */

/* The DEFAULT clause's expression, as SQLAlchemy renders the
** server_default the Python renderer writes; NULL for none. */
static const char *default_ddl(renderer *r, const server_default *d) {
    switch (d->kind) {
    case DEFAULT_NONE: return NULL;
    case DEFAULT_STRING:
    case DEFAULT_NUMBER: return r->d->quote_literal(r->a, d->text ? d->text : "");
    case DEFAULT_BOOL: return d->bool_value ? "'1'" : "'0'";
    case DEFAULT_NOW: return r->pg ? "now()" : "(CURRENT_TIMESTAMP)";
    case DEFAULT_SQL: return d->text ? d->text : "";
    }
    return NULL;
}

/* Alembic's _guess_if_default_is_unparenthesized_sql_expr (SQLite): a
** reflected default that looks like an expression is parenthesized when a
** move-and-copy writes it back. */
static bool default_needs_parens(const char *e) {
    size_t n = e ? strlen(e) : 0;
    if (n == 0) return false;
    if (n == 1 && (isdigit((unsigned char)e[0]) || e[0] == '.')) return false;
    if (n >= 3 && e[0] == '\'' && e[n - 1] == '\'') return false;
    if (n >= 3 && e[0] == '(' && e[n - 1] == ')') return false;
    return true;
}

/* ------------------------------------------------------- create table */

/* The column SQLAlchemy makes autoincrementing (SERIAL on PostgreSQL):
** an integer primary key column marked autoincrement, or the lone integer
** primary key column left on "auto" with no foreign key and no default of
** its own (a nextval() default of an introspected serial counts as none). */
static const column *autoincrement_column(const table *t) {
    const column *lone = NULL;
    for (size_t i = 0; i < t->primary_key.columns.len; i++) {
        const column *c = table_find_column(t, t->primary_key.columns.items[i]);
        if (!c) continue;
        bool integer = c->type.kind == TYPE_INTEGER || c->type.kind == TYPE_BIGINT ||
                       c->type.kind == TYPE_SMALLINT;
        if (c->generated_identity) continue;        /* its identity numbers it, not SERIAL */
        if (c->autoincrement == AUTOINC_TRUE && integer) return c;
        if (t->primary_key.columns.len == 1 && integer && c->autoincrement == AUTOINC_AUTO) lone = c;
    }
    if (!lone) return NULL;
    for (size_t i = 0; i < t->foreign_keys.len; i++)
        for (size_t k = 0; k < t->foreign_keys.items[i]->columns.len; k++)
            if (str_eq(t->foreign_keys.items[i]->columns.items[k], lone->name)) return NULL;
    if (lone->server_default.kind != DEFAULT_NONE &&
        !(lone->identity && lone->server_default.text && strstr(lone->server_default.text, "nextval(")))
        return NULL;
    return lone;
}

static bool is_serial_default(const column *c) {
    return c->identity && c->server_default.kind == DEFAULT_SQL && c->server_default.text &&
           strstr(c->server_default.text, "nextval(");
}

/* "GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 1 START WITH 1)", as
** SQLAlchemy compiles sa.Identity with every option written. */
static const char *identity_clause(renderer *r, const identity_def *g) {
    return arena_printf(r->a, "GENERATED %s AS IDENTITY (%s)", g->always ? "ALWAYS" : "BY DEFAULT",
                        identity_options_sql(r->a, g, false));
}

/* ALTER COLUMN ... SET ... for what differs between the identity of the
** old column and the new one, as Alembic's visit_identity_column: each
** option the new one gives that is not the old one's, in sorted order
** (always, cache, cycle, increment, maxvalue, minvalue, start...), one
** statement. */
static const char *identity_set(renderer *r, const identity_def *n, const identity_def *p) {
    strbuf sb = STRBUF_INIT;
    if (n->always != p->always) sb_printf(&sb, " SET GENERATED %s", n->always ? "ALWAYS" : "BY DEFAULT");
    if (n->cache && n->cache != p->cache) sb_printf(&sb, " SET CACHE %lld", n->cache);
    if (n->cycle >= 0 && n->cycle != p->cycle) sb_printf(&sb, " SET %s", n->cycle ? "CYCLE" : "NO CYCLE");
    if (!n->increment_omitted && n->increment != p->increment) sb_printf(&sb, " SET INCREMENT BY %lld", n->increment);
    if (n->has_maxvalue && (!p->has_maxvalue || n->maxvalue != p->maxvalue))
        sb_printf(&sb, " SET MAXVALUE %lld", n->maxvalue);
    if (n->has_minvalue && (!p->has_minvalue || n->minvalue != p->minvalue))
        sb_printf(&sb, " SET MINVALUE %lld", n->minvalue);
    if (n->nomaxvalue && !p->nomaxvalue) sb_append(&sb, " SET NO MAXVALUE");
    if (n->nominvalue && !p->nominvalue) sb_append(&sb, " SET NO MINVALUE");
    if (!n->start_omitted && n->start != p->start) sb_printf(&sb, " SET START WITH %lld", n->start);
    const char *res = sb.len ? arena_strdup(r->a, sb_str(&sb)) : NULL;
    sb_free(&sb);
    return res;
}

/* "name TYPE DEFAULT x NOT NULL" */
static const char *column_ddl(renderer *r, const column *c, bool serial) {
    strbuf sb = STRBUF_INIT;
    const char *type = column_type_ddl(r, &c->type);
    if (serial && r->pg) {
        if (c->type.kind == TYPE_BIGINT) type = "BIGSERIAL";
        else if (c->type.kind == TYPE_SMALLINT) type = "SMALLSERIAL";
        else type = "SERIAL";
    }
    sb_printf(&sb, "%s %s", q(r, c->name), type);
    const char *def = (serial && r->pg) || is_serial_default(c) || c->generated ? NULL
                                                                                : default_ddl(r, &c->server_default);
    if (def) sb_printf(&sb, " DEFAULT %s", def);
    if (c->generated)
        sb_printf(&sb, " GENERATED ALWAYS AS (%s) %s", c->generated, c->generated_stored ? "STORED" : "VIRTUAL");
    /* SQLAlchemy writes no NOT NULL after an identity (PostgreSQL implies
    ** it); SQLite has no identity columns and gets the plain column. */
    if (c->generated_identity && r->pg)
        sb_printf(&sb, " %s", identity_clause(r, c->generated_identity));
    else if (!c->nullable || c->primary_key) sb_append(&sb, " NOT NULL");
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

static const char *fk_clause(renderer *r, const foreign_key *fk, const char *name) {
    strbuf sb = STRBUF_INIT;
    if (name) sb_printf(&sb, "CONSTRAINT %s ", q(r, name));
    sb_printf(&sb, "FOREIGN KEY(%s) REFERENCES %s (%s)", ident_list(r, &fk->columns),
              qt(r, fk->ref_schema, fk->ref_table),
              ident_list(r, &fk->ref_columns));
    if (fk->ondelete) sb_printf(&sb, " ON DELETE %s", fk->ondelete);
    if (fk->onupdate) sb_printf(&sb, " ON UPDATE %s", fk->onupdate);
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

static const char *unique_clause(renderer *r, const unique_def *u, const char *name) {
    const char *cols = ident_list(r, &u->columns);
    return name ? arena_printf(r->a, "CONSTRAINT %s UNIQUE (%s)", q(r, name), cols)
                : arena_printf(r->a, "UNIQUE (%s)", cols);
}

static const char *check_clause(renderer *r, const check_def *ck, const char *name) {
    return name ? arena_printf(r->a, "CONSTRAINT %s CHECK (%s)", q(r, name), ck->sqltext)
                : arena_printf(r->a, "CHECK (%s)", ck->sqltext);
}

/* Constraint names as the Python renderer writes them (foreign keys and
** unique constraints always named, checks as given). */
static const char *fk_name(renderer *r, const char *table, const foreign_key *fk, bool name_unnamed) {
    if (fk->name || !name_unnamed) return fk->name;
    return pg_constraint_name(r->a, table, &fk->columns, "fkey");
}
static const char *unique_name(renderer *r, const char *table, const unique_def *u, bool name_unnamed) {
    if (u->name || !name_unnamed) return u->name;
    return pg_constraint_name(r->a, table, &u->columns, "key");
}
static const char *check_name(renderer *r, const char *table, const check_def *ck) {
    return ck->name ? ck->name : pg_constraint_name(r->a, table, NULL, "check");
}

/* CREATE TABLE as SQLAlchemy compiles it.  `as_reflected`: the table of a
** move-and-copy, its constraints in the order reflection gives them
** (foreign keys, unique constraints, checks); otherwise in the order of
** op.create_table (checks, foreign keys, unique constraints).  The
** primary key comes first either way. */
static const char *create_table_ddl(renderer *r, const table *t, const char *name, bool name_unnamed,
                                    bool as_reflected) {
    VEC(const char *) parts = {0};
    const column *serial = autoincrement_column(t);
    for (size_t i = 0; i < t->columns.len; i++)
        vec_push(r->a, &parts, column_ddl(r, t->columns.items[i], t->columns.items[i] == serial));
    if (t->primary_key.columns.len) {
        const char *cols = ident_list(r, &t->primary_key.columns);
        vec_push(r->a, &parts,
                 t->primary_key.name
                     ? arena_printf(r->a, "CONSTRAINT %s PRIMARY KEY (%s)", q(r, t->primary_key.name), cols)
                     : arena_printf(r->a, "PRIMARY KEY (%s)", cols));
    }
    if (!as_reflected)
        for (size_t i = 0; i < t->checks.len; i++)
            vec_push(r->a, &parts, check_clause(r, t->checks.items[i], t->checks.items[i]->name));
    for (size_t i = 0; i < t->foreign_keys.len; i++) {
        const foreign_key *fk = t->foreign_keys.items[i];
        vec_push(r->a, &parts, fk_clause(r, fk, fk_name(r, t->name, fk, name_unnamed)));
    }
    for (size_t i = 0; i < t->uniques.len; i++) {
        const unique_def *u = t->uniques.items[i];
        vec_push(r->a, &parts, unique_clause(r, u, unique_name(r, t->name, u, name_unnamed)));
    }
    if (as_reflected)
        for (size_t i = 0; i < t->checks.len; i++)
            vec_push(r->a, &parts, check_clause(r, t->checks.items[i], t->checks.items[i]->name));
    strbuf sb = STRBUF_INIT;
    sb_printf(&sb, "CREATE TABLE %s (\n", qt(r, t->schema, name));
    for (size_t i = 0; i < parts.len; i++) sb_printf(&sb, "    %s%s\n", parts.items[i], i + 1 < parts.len ? ", " : "");
    sb_append(&sb, ")");
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

static const char *comment_literal(renderer *r, const char *comment) {
    return comment ? r->d->quote_literal(r->a, comment) : "NULL";
}

static void emit_column_comment(renderer *r, const op *o, const char *table, const char *column,
                                const char *comment) {
    emit(r, o, arena_printf(r->a, "COMMENT ON COLUMN %s.%s IS %s", qt(r, o->schema, table), q(r, column),
                            comment_literal(r, comment)));
}

/* ---------------------------------------------------------- enum types */

static const char *enum_labels_sql(renderer *r, const enum_type *e) {
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < e->labels.len; i++)
        sb_printf(&sb, "%s%s", i ? ", " : "", r->d->quote_literal(r->a, e->labels.items[i].label));
    const char *out = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return out;
}

static const char *create_enum_sql(renderer *r, const enum_type *e) {
    return arena_printf(r->a, "CREATE TYPE %s AS ENUM (%s)", qtype(r, e), enum_labels_sql(r, e));
}

static void emit_autocommit(renderer *r, const op *o, const char *text) {
    emit(r, o, text);
    r->out->items[r->out->len - 1].autocommit = true;
}

/* An ALTER_ENUM (enum_change_plan_of): labels added in place first,
** outside the transaction (PostgreSQL cannot use a label added in the
** transaction that is still open, and before 12 cannot add one inside a
** transaction at all; IF NOT EXISTS makes a re-run after a later failure
** harmless), then labels renamed; or, renames done, the type rebuilt: renamed away, made anew, every column of
** it converted through text (its default dropped and set again around
** that), the old type dropped.  A row whose label is gone makes the
** conversion fail, and the migration with it. */
static void emit_alter_enum(renderer *r, const op *o) {
    arena *a = r->a;
    const enum_type *e = o->enumeration;
    const char *type = qtype(r, e);
    enum_change_plan pl;
    enum_change_plan_of(a, o->old_enumeration, e, &pl);
    /* Labels added in place come first, each after or before a label as the
    ** database names it before the renames: if the migration fails later,
    ** they stay (outside the transaction), and a run again adds nothing. */
    if (!pl.rebuild) {
        for (size_t i = 0; i < pl.added.len; i++) {
            const char *anchor = pl.added_after.items[i] ? pl.added_after.items[i] : pl.added_before.items[i];
            for (size_t k = 0; anchor && k < pl.renamed_to.len; k++)
                if (!strcmp(pl.renamed_to.items[k], anchor)) anchor = pl.renamed_from.items[k];
            const char *where = !anchor ? ""
                                : arena_printf(a, " %s %s", pl.added_after.items[i] ? "AFTER" : "BEFORE",
                                               r->d->quote_literal(a, anchor));
            emit_autocommit(r, o, arena_printf(a, "ALTER TYPE %s ADD VALUE IF NOT EXISTS %s%s", type,
                                               r->d->quote_literal(a, pl.added.items[i]), where));
        }
    }
    for (size_t i = 0; i < pl.renamed_from.len; i++)
        emit(r, o, arena_printf(a, "ALTER TYPE %s RENAME VALUE %s TO %s", type,
                                r->d->quote_literal(a, pl.renamed_from.items[i]),
                                r->d->quote_literal(a, pl.renamed_to.items[i])));
    if (!pl.rebuild) return;
    const char *old_name = arena_printf(a, "%.*s_old", 59, e->name);
    emit(r, o, arena_printf(a, "ALTER TYPE %s RENAME TO %s", type, q(r, old_name)));
    emit(r, o, create_enum_sql(r, e));
    for (size_t i = 0; o->enum_uses && i < o->enum_uses->len; i++) {
        const enum_use *u = &o->enum_uses->items[i];
        const char *pre = arena_printf(a, "ALTER TABLE %s ALTER COLUMN %s", qt(r, u->schema, u->table), q(r, u->column));
        if (u->default_sql) emit(r, o, arena_printf(a, "%s DROP DEFAULT", pre));
        emit(r, o, arena_printf(a, "%s TYPE %s%s USING %s::text%s::%s%s", pre, type, u->array ? "[]" : "",
                                q(r, u->column), u->array ? "[]" : "", type, u->array ? "[]" : ""));
        if (u->default_sql) emit(r, o, arena_printf(a, "%s SET DEFAULT %s", pre, u->default_sql));
    }
    emit(r, o, arena_printf(a, "DROP TYPE %s", qt(r, e->schema, old_name)));
}

/* The enum types a create_table read from a migration file creates first,
** as SQLAlchemy's before_create does for an sa.Enum without
** create_type=False (once per type). */
static void emit_table_enum_types(renderer *r, const op *o, const table *t) {
    str_vec done = {0};
    for (size_t i = 0; i < t->columns.len; i++) {
        const col_type *ct = &t->columns.items[i]->type;
        if (ct->kind == TYPE_ARRAY && ct->element) ct = ct->element;
        const enum_type *e = ct->kind == TYPE_ENUM ? ct->enumeration : NULL;
        if (!e || !e->create_with_table) continue;
        bool seen = false;
        const char *key = qtype(r, e);
        for (size_t k = 0; k < done.len; k++) seen |= !strcmp(done.items[k], key);
        if (seen) continue;
        vec_push(r->a, &done, key);
        emit(r, o, create_enum_sql(r, e));
    }
}

static void emit_create_table(renderer *r, const op *o) {
    const table *t = o->table;
    const char *name = o->table_name ? o->table_name : t->name;
    bool from_differ = o->loc.line == 0 && o->loc.file == NULL;
    if (r->pg) emit_table_enum_types(r, o, t);
    emit(r, o, create_table_ddl(r, t, name, from_differ, false));
    if (!r->pg) return;
    if (t->comment && *t->comment)
        emit(r, o, arena_printf(r->a, "COMMENT ON TABLE %s IS %s", qt(r, o->schema, name),
                                comment_literal(r, t->comment)));
    for (size_t i = 0; i < t->columns.len; i++) {
        const column *c = t->columns.items[i];
        if (c->comment && *c->comment) emit_column_comment(r, o, name, c->name, c->comment);
    }
}

/* -------------------------------------------------------------- indexes */

bool index_key_bare(const index_def *ix, size_t k) {
    index_key key = index_key_at(ix, k);
    return ix->columns.items[k][0] != '(' && !key.desc && key.nulls == NULLS_DEFAULT;
}

const char *index_key_text(arena *a, const index_def *ix, size_t k) {
    const char *c = ix->columns.items[k];
    index_key key = index_key_at(ix, k);
    strbuf sb = STRBUF_INIT;
    size_t n = strlen(c);
    if (c[0] == '(') {
        const char *inner = arena_strndup(a, c + 1, n >= 2 ? n - 2 : 0);
        sb_append(&sb, sql_parenthesized_whole(c) && sql_function_call(inner) ? inner : c);
    } else {
        const char *pq = dialect_postgresql()->quote_ident(a, c), *sq = dialect_sqlite()->quote_ident(a, c);
        sb_append(&sb, !strcmp(pq, c) && !strcmp(sq, c) ? c : pq[0] == '"' ? pq : sq);
    }
    if (key.opclass) sb_printf(&sb, " %s", key.opclass);
    if (key.desc) sb_append(&sb, " DESC");
    if (key.nulls == NULLS_FIRST) sb_append(&sb, " NULLS FIRST");
    if (key.nulls == NULLS_LAST) sb_append(&sb, " NULLS LAST");
    const char *s = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* As SQLAlchemy compiles Alembic's create_index: USING, the opclass of a
** bare column (postgresql_ops) and INCLUDE only on PostgreSQL. */
/* concurrently: CREATE INDEX CONCURRENTLY (PostgreSQL, a file's
** postgresql_concurrently=True). */
static const char *create_index_ddl(renderer *r, const char *nsp, const char *table, const index_def *ix,
                                    bool concurrently) {
    strbuf sb = STRBUF_INIT;
    sb_printf(&sb, "CREATE %sINDEX %s%s ON %s ", ix->unique ? "UNIQUE " : "", concurrently && r->pg ? "CONCURRENTLY " : "",
              q(r, ix->name), qt(r, nsp, table));
    if (r->pg && ix->method) sb_printf(&sb, "USING %s ", ix->method);
    sb_appendc(&sb, '(');
    for (size_t i = 0; i < ix->columns.len; i++) {
        if (i) sb_append(&sb, ", ");
        if (index_key_bare(ix, i)) {
            index_key key = index_key_at(ix, i);
            sb_append(&sb, q(r, ix->columns.items[i]));
            if (r->pg && key.opclass) sb_printf(&sb, " %s", key.opclass);
        } else {
            sb_append(&sb, index_key_text(r->a, ix, i));
        }
    }
    sb_appendc(&sb, ')');
    if (r->pg && ix->include.len) sb_printf(&sb, " INCLUDE (%s)", ident_list(r, &ix->include));
    if (ix->where) sb_printf(&sb, " WHERE %s", ix->where);
    const char *s = arena_strdup(r->a, sb_str(&sb));
    sb_free(&sb);
    return s;
}

/* ------------------------------------------------------------- literals */

static const char *literal_sql(renderer *r, const sql_literal *v) {
    switch (v->kind) {
    case LIT_NULL: return "NULL";
    case LIT_STRING: return r->d->quote_literal(r->a, v->text);
    case LIT_NUMBER: return v->text && *v->text ? v->text : "NULL";
    case LIT_BOOL: return r->pg ? (v->bool_value ? "true" : "false") : (v->bool_value ? "1" : "0");
    }
    return "NULL";
}

static void emit_bulk_insert(renderer *r, const op *o) {
    if (!o->rows || !o->insert_columns) return;
    const char *cols = ident_list(r, o->insert_columns);
    for (size_t i = 0; i < o->rows->len; i++) {
        const literal_row *row = &o->rows->items[i];
        strbuf sb = STRBUF_INIT;
        sb_printf(&sb, "INSERT INTO %s (%s) VALUES (", qt(r, o->schema, o->table_name), cols);
        for (size_t k = 0; k < o->insert_columns->len; k++) {
            if (k) sb_append(&sb, ", ");
            sb_append(&sb, k < row->len ? literal_sql(r, &row->items[k]) : "NULL");
        }
        sb_appendc(&sb, ')');
        emit(r, o, arena_strdup(r->a, sb_str(&sb)));
        sb_free(&sb);
    }
}

/* ------------------------------------------------------------ plain ops */

static const char *alter_table(renderer *r, const op *o, const char *table) {
    return arena_printf(r->a, "ALTER TABLE %s", qt(r, o->schema, table));
}

/* The name a DROP statement names. */
static const char *drop_table_name(const op *o) {
    return o->table_name ? o->table_name : o->table ? o->table->name : NULL;
}
static const char *drop_column_name(const op *o) { return o->column ? o->column->name : o->old_name; }
static const char *drop_index_name(const op *o) { return o->index ? o->index->name : o->old_name; }

/* A primary key's name: its own, or the one PostgreSQL gives (<table>_pkey). */
static const char *primary_key_name(renderer *r, const char *table, const primary_key *pk) {
    return pk->name ? pk->name : pg_constraint_name(r->a, table, NULL, "pkey");
}

/* One op as ALTER statements (what PostgreSQL always does, and SQLite
** where plain ALTER TABLE can). */
static void emit_plain(renderer *r, const op *o) {
    arena *a = r->a;
    const char *t = o->table_name;
    switch (o->kind) {
    case OP_CREATE_TABLE: emit_create_table(r, o); return;
    case OP_DROP_TABLE: emit(r, o, arena_printf(a, "DROP TABLE %s", qt(r, o->schema, drop_table_name(o)))); return;
    case OP_RENAME_TABLE:
        emit(r, o, arena_printf(a, "%s RENAME TO %s", alter_table(r, o, o->old_name), q(r, o->new_name)));
        return;
    case OP_SET_TABLE_SCHEMA:
        emit(r, o, sql_set_table_schema(a, r->d, o));
        return;
    case OP_ADD_COLUMN:
        emit(r, o, arena_printf(a, "%s ADD COLUMN %s", alter_table(r, o, t), column_ddl(r, o->column, false)));
        if (r->pg && o->column->comment && *o->column->comment)
            emit_column_comment(r, o, t, o->column->name, o->column->comment);
        return;
    case OP_DROP_COLUMN:
        emit(r, o, arena_printf(a, "%s DROP COLUMN %s", alter_table(r, o, t), q(r, drop_column_name(o))));
        return;
    case OP_ALTER_COLUMN: {
        /* PostgreSQL; the order is Alembic's: type, nullability, default or
        ** identity, comment. */
        const column *n = o->column, *p = o->old_column ? o->old_column : o->column;
        const char *pre = arena_printf(a, "%s ALTER COLUMN %s", alter_table(r, o, t), q(r, p->name));
        if (o->alter & ALTER_TYPE) {
            bool from_differ = o->loc.line == 0 && o->loc.file == NULL;
            const char *using = o->postgresql_using;
            if (!using && from_differ && o->old_column) using = sql_type_change_using(a, p->name, &p->type, &n->type);
            emit(r, o, using ? arena_printf(a, "%s TYPE %s USING %s", pre, type_ddl(r, &n->type), using)
                             : arena_printf(a, "%s TYPE %s", pre, type_ddl(r, &n->type)));
        }
        if (o->alter & ALTER_NULLABLE)
            emit(r, o, arena_printf(a, "%s %s NOT NULL", pre, n->nullable ? "DROP" : "SET"));
        if (o->alter & ALTER_DEFAULT) {
            const char *d = default_ddl(r, &n->server_default);
            emit(r, o, d ? arena_printf(a, "%s SET DEFAULT %s", pre, d) : arena_printf(a, "%s DROP DEFAULT", pre));
        }
        if (o->alter & ALTER_IDENTITY) {     /* where Alembic puts it: in place of a default */
            const identity_def *ni = n->generated_identity, *pi = o->old_column ? p->generated_identity : NULL;
            const char *set = ni && pi ? identity_set(r, ni, pi) : NULL;
            if (ni && !pi) emit(r, o, arena_printf(a, "%s ADD %s", pre, identity_clause(r, ni)));
            else if (!ni) emit(r, o, arena_printf(a, "%s DROP IDENTITY", pre));
            else if (set) emit(r, o, arena_printf(a, "%s%s", pre, set));
        }
        if ((o->alter & ALTER_COMMENT) && r->pg) emit_column_comment(r, o, t, p->name, n->comment);
        return;
    }
    case OP_RENAME_COLUMN:
        emit(r, o, arena_printf(a, "%s RENAME %s TO %s", alter_table(r, o, t), q(r, o->old_name), q(r, o->new_name)));
        return;
    case OP_CREATE_INDEX: emit(r, o, create_index_ddl(r, o->schema, t, o->index, o->concurrently)); return;
    case OP_DROP_INDEX:
        /* an index lives in its table's schema */
        emit(r, o, arena_printf(a, "DROP INDEX %s%s", r->pg && o->concurrently ? "CONCURRENTLY " : "",
                                qt(r, o->schema, drop_index_name(o))));
        return;
    case OP_ADD_UNIQUE:
        emit(r, o, arena_printf(a, "%s ADD %s", alter_table(r, o, t),
                                unique_clause(r, o->unique, unique_name(r, t, o->unique, true))));
        return;
    case OP_DROP_UNIQUE:
        emit(r, o, arena_printf(a, "%s DROP CONSTRAINT %s", alter_table(r, o, t),
                                q(r, unique_name(r, t, o->unique, true))));
        return;
    case OP_ADD_FOREIGN_KEY:
        emit(r, o, arena_printf(a, "%s ADD %s", alter_table(r, o, t), fk_clause(r, o->fk, fk_name(r, t, o->fk, true))));
        return;
    case OP_DROP_FOREIGN_KEY:
        emit(r, o, arena_printf(a, "%s DROP CONSTRAINT %s", alter_table(r, o, t), q(r, fk_name(r, t, o->fk, true))));
        return;
    case OP_ADD_CHECK:
        emit(r, o, arena_printf(a, "%s ADD %s", alter_table(r, o, t), check_clause(r, o->check, check_name(r, t, o->check))));
        return;
    case OP_DROP_CHECK:
        emit(r, o, arena_printf(a, "%s DROP CONSTRAINT %s", alter_table(r, o, t), q(r, check_name(r, t, o->check))));
        return;
    case OP_ADD_PRIMARY_KEY:
        emit(r, o, arena_printf(a, "%s ADD CONSTRAINT %s PRIMARY KEY (%s)", alter_table(r, o, t),
                                q(r, primary_key_name(r, t, o->pk)), ident_list(r, &o->pk->columns)));
        return;
    case OP_DROP_PRIMARY_KEY:
        emit(r, o, arena_printf(a, "%s DROP CONSTRAINT %s", alter_table(r, o, t), q(r, primary_key_name(r, t, o->pk))));
        return;
    case OP_SET_TABLE_COMMENT:
        if (r->pg)
            emit(r, o, arena_printf(a, "COMMENT ON TABLE %s IS %s", qt(r, o->schema, t),
                                    comment_literal(r, o->new_comment)));
        return;
    case OP_CREATE_ENUM:
        if (r->pg) emit(r, o, create_enum_sql(r, o->enumeration));
        return;
    case OP_DROP_ENUM:
        if (r->pg) emit(r, o, arena_printf(a, "DROP TYPE %s", qtype(r, o->enumeration)));
        return;
    case OP_ALTER_ENUM:
        if (r->pg) emit_alter_enum(r, o);
        return;
    case OP_EXECUTE:
        if (o->sql) emit(r, o, arena_strdup(a, o->sql));
        return;
    case OP_BULK_INSERT: emit_bulk_insert(r, o); return;
    }
}

/* ------------------------------------------------------- move and copy */

/* SQLite's ADD COLUMN takes only a constant default (not CURRENT_TIMESTAMP,
** not a parenthesized expression). */
static bool sqlite_default_is_constant(const server_default *d) {
    if (d->kind == DEFAULT_NOW) return false;
    if (d->kind != DEFAULT_SQL || !d->text) return true;
    const char *s = d->text;
    while (isspace((unsigned char)*s)) s++;
    return *s != '(' && strncasecmp(s, "CURRENT_", 8) != 0;
}

/* The DEPENDS rows of op_kinds.h: an add_column needs the copy for a
** primary key, a NOT NULL column without default, or a default that is not
** a constant; an alter_column for anything but its comment; in a batch
** block, an add_column whose default is an expression (Alembic's
** requires_recreate_in_batch). */
static bool sqlite_depends(const op *o, bool in_batch) {
    switch (o->kind) {
    case OP_ADD_COLUMN:
        if (!o->column) return false;
        if (in_batch)
            return o->column->server_default.kind == DEFAULT_NOW || o->column->server_default.kind == DEFAULT_SQL ||
                   (o->column->generated && o->column->generated_stored);
        if (o->column->primary_key) return true;
        /* SQLite adds a VIRTUAL generated column, never a STORED one */
        if (o->column->generated && o->column->generated_stored) return true;
        if (!o->column->nullable && o->column->server_default.kind == DEFAULT_NONE) return true;
        return !sqlite_default_is_constant(&o->column->server_default);
    case OP_ALTER_COLUMN: return (o->alter & ~(unsigned)ALTER_COMMENT) != 0;
    case OP_CREATE_TABLE: case OP_DROP_TABLE: case OP_RENAME_TABLE: case OP_SET_TABLE_SCHEMA:
    case OP_DROP_COLUMN: case OP_RENAME_COLUMN:
    case OP_CREATE_INDEX: case OP_DROP_INDEX:
    case OP_ADD_UNIQUE: case OP_DROP_UNIQUE:
    case OP_ADD_FOREIGN_KEY: case OP_DROP_FOREIGN_KEY:
    case OP_ADD_CHECK: case OP_DROP_CHECK:
    case OP_ADD_PRIMARY_KEY: case OP_DROP_PRIMARY_KEY:
    case OP_SET_TABLE_COMMENT: case OP_EXECUTE: case OP_BULK_INSERT:
    case OP_CREATE_ENUM: case OP_DROP_ENUM: case OP_ALTER_ENUM:
        break;
    }
    return true;    /* a kind marked DEPENDS without a rule here: the safe answer */
}

static bool sqlite_needs_recreate(const op *o, bool in_batch) {
    const op_kind_info *k = op_kind_info_of(o->kind);
    switch (in_batch ? k->sqlite_batch : k->sqlite) {
    case OP_SQLITE_PLAIN: return false;
    case OP_SQLITE_RECREATE: return true;
    case OP_SQLITE_DEPENDS: return sqlite_depends(o, in_batch);
    }
    return true;
}

static bool sqlite_plain_needs_recreate(const op *o) { return sqlite_needs_recreate(o, false); }

bool sql_sqlite_needs_recreate(const op *o, bool in_batch) { return sqlite_needs_recreate(o, in_batch); }

/* A batch block is one move-and-copy as soon as one of its ops needs it,
** unless the block says recreate='always' or 'never'. */
static bool sqlite_block_needs_recreate(const op *ops, size_t n) {
    const batch_block *b = ops[0].batch;
    if (b && b->recreate && !strcmp(b->recreate, "always")) return true;
    if (b && b->recreate && !strcmp(b->recreate, "never")) return false;
    for (size_t i = 0; i < n; i++)
        if (sqlite_needs_recreate(&ops[i], true)) return true;
    return false;
}

/* An index put back after a move-and-copy: from the statement SQLite kept
** when the IR does not hold all of it (DESC, COLLATE, an expression), else
** from the IR.  Alembic drops expression indexes here (SQLAlchemy 1.4 does
** not reflect them); retort never drops what it cannot model. */
static const char *recreate_index_ddl(renderer *r, const char *table, const index_def *ix) {
    if (ix->definition && index_unmodeled(r->a, ix)) return arena_strdup(r->a, ix->definition);
    return create_index_ddl(r, NULL, table, ix, false);
}

/* Does `sql` mention `name` (case-insensitively, as SQLite names go)?  A
** loose test on purpose: a view or trigger that merely seems to mention
** the table is dropped and re-created for nothing, which is harmless. */
static bool sql_mentions(const char *sql, const char *name) {
    size_t n = strlen(name);
    if (!sql || !n) return false;
    for (const char *p = sql; *p; p++)
        if (!strncasecmp(p, name, n)) return true;
    return false;
}

/* The views and triggers a move-and-copy of table `name` must take down and
** put back.  SQLite drops a table's triggers with the table, and when the
** new table is renamed into place it re-checks every view and trigger, so
** a view of the old table fails the rename ("error in view v: no such
** table").  As SQLite's own procedure for such changes says: every view
** (views may select from one another) and every trigger on the table, on a
** view, or naming the table is dropped before the copy and re-created from
** its stored SQL after it.  Alembic loses the triggers and fails on the
** views. */
static bool object_rebuilt_with(const schema *work, const db_object *o, const char *name) {
    if (!o->sql) return false;
    if (!strcmp(o->kind, "view")) return true;
    if (strcmp(o->kind, "trigger") != 0) return false;
    if (o->table && !strcasecmp(o->table, name)) return true;
    for (size_t i = 0; i < work->objects.len; i++) {
        const db_object *v = work->objects.items[i];
        if (!strcmp(v->kind, "view") && o->table && !strcasecmp(o->table, v->name)) return true;
    }
    return sql_mentions(o->sql, name);
}

/* Before the copy: DROP the views and the triggers not on the table itself
** (those go with it).  SQLite checks no view's references when a view is
** created or dropped, so their order does not matter. */
static void drop_dependent_objects(renderer *r, const op *first, const char *name) {
    const schema *w = r->work;
    for (size_t i = 0; i < w->objects.len; i++) {
        const db_object *o = w->objects.items[i];
        if (!strcmp(o->kind, "trigger") && object_rebuilt_with(w, o, name) &&
            !(o->table && !strcasecmp(o->table, name)))
            emit(r, first, arena_printf(r->a, "DROP TRIGGER %s", q(r, o->name)));
    }
    for (size_t i = 0; i < w->objects.len; i++) {
        const db_object *o = w->objects.items[i];
        if (!strcmp(o->kind, "view") && o->sql) emit(r, first, arena_printf(r->a, "DROP VIEW %s", q(r, o->name)));
    }
}

/* After the rename: the views, then the triggers, from their stored SQL. */
static void recreate_dependent_objects(renderer *r, const op *first, const char *name) {
    const schema *w = r->work;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < w->objects.len; i++) {
            const db_object *o = w->objects.items[i];
            if (strcmp(o->kind, pass == 0 ? "view" : "trigger") != 0) continue;
            if (object_rebuilt_with(w, o, name)) emit(r, first, arena_strdup(r->a, o->sql));
        }
}

/* One move-and-copy of table `name` for ops[0..n) (Alembic's batch
** "recreate"):
**   CREATE TABLE _alembic_tmp_<t> (the new definition)
**   INSERT INTO _alembic_tmp_<t> (cols) SELECT <t>.cols FROM <t>
**   DROP TABLE <t>
**   ALTER TABLE _alembic_tmp_<t> RENAME TO <t>
**   CREATE INDEX ... (the table's indexes, the block's changes applied)
** with the views and triggers that depend on the table dropped before the
** DROP TABLE and re-created after the indexes (see object_rebuilt_with).
** The new definition is the current table as Alembic reflects it (unnamed
** CHECK constraints are not reflected by SQLAlchemy and so are lost;
** expression defaults get parentheses), with the block's ops applied; its
** indexes all come back, expression indexes included. */
static int emit_move_and_copy(renderer *r, const op *ops, size_t n, const char *name) {
    const op *first = &ops[0];
    const table *old = schema_find_table(r->work, name);
    if (!old) {
        diag *d = diag_add(r->dl, DIAG_ERROR, first->loc,
                           "table '%s' is not in the schema this migration applies to: "
                           "SQLite needs its definition to move and copy it", name);
        diag_set_hint(r->dl, d, "the earlier migrations must create it");
        return -1;
    }
    schema *tmp = schema_new();
    table *nt = schema_copy_table(tmp, old);

    /* What Alembic's reflection of the current table gives. */
    for (size_t i = nt->checks.len; i-- > 0;)
        if (!nt->checks.items[i]->name) {
            diag *w = diag_add(r->dl, DIAG_WARNING, first->loc,
                               "moving and copying table '%s' drops its unnamed CHECK (%s), as Alembic does",
                               name, nt->checks.items[i]->sqltext);
            diag_set_hint(r->dl, w, "name the check constraint to keep it");
            memmove(&nt->checks.items[i], &nt->checks.items[i + 1],
                    (nt->checks.len - i - 1) * sizeof *nt->checks.items);
            nt->checks.len--;
        }
    size_t ncols = nt->columns.len;
    column **orig = arena_alloc(r->a, (ncols + 1) * sizeof *orig);
    const char **orig_names = arena_alloc(r->a, (ncols + 1) * sizeof *orig_names);
    col_type *orig_types = arena_alloc(r->a, (ncols + 1) * sizeof *orig_types);
    for (size_t i = 0; i < ncols; i++) {
        column *c = nt->columns.items[i];
        orig[i] = c;
        orig_names[i] = arena_strdup(r->a, c->name);
        orig_types[i] = c->type;
        const char *def = default_ddl(r, &c->server_default);
        if (def && default_needs_parens(def)) {
            c->server_default.kind = DEFAULT_SQL;
            c->server_default.text = arena_printf(tmp->arena, "(%s)", def);
        }
    }

    diag_list scratch;
    diag_list_init(&scratch);
    int rc = schema_apply_ops(tmp, ops, n, &scratch);
    if (rc != 0) {
        for (size_t i = 0; i < scratch.items.len; i++) {
            diag *d = diag_add(r->dl, DIAG_ERROR, scratch.items.items[i].loc, "%s", scratch.items.items[i].message);
            (void)d;
        }
        diag_list_free(&scratch);
        schema_free(tmp);
        return -1;
    }
    diag_list_free(&scratch);

    const char *tmp_name = arena_printf(r->a, "_alembic_tmp_%s", name);
    emit(r, first, create_table_ddl(r, nt, tmp_name, false, true));

    strbuf into = STRBUF_INIT, from = STRBUF_INIT;
    for (size_t i = 0; i < nt->columns.len; i++) {
        column *c = nt->columns.items[i];
        size_t k = 0;
        while (k < ncols && orig[k] != c) k++;
        if (k == ncols) continue;   /* added by the block: takes its default */
        if (c->generated) continue; /* computed by the new table itself */
        if (into.len) {
            sb_append(&into, ", ");
            sb_append(&from, ", ");
        }
        sb_append(&into, q(r, c->name));
        const char *src = arena_printf(r->a, "%s.%s", q(r, name), q(r, orig_names[k]));
        if (type_affinity(&orig_types[k]) != type_affinity(&c->type) && c->type.kind != TYPE_JSON)
            sb_printf(&from, "CAST(%s AS %s)", src, column_type_ddl(r, &c->type));
        else
            sb_append(&from, src);
    }
    if (into.len)
        emit(r, first, arena_printf(r->a, "INSERT INTO %s (%s) SELECT %s \nFROM %s", q(r, tmp_name), sb_str(&into),
                                    sb_str(&from), q(r, name)));
    sb_free(&into);
    sb_free(&from);
    drop_dependent_objects(r, first, name);
    emit(r, first, arena_printf(r->a, "DROP TABLE %s", q(r, name)));
    emit(r, first, arena_printf(r->a, "ALTER TABLE %s RENAME TO %s", q(r, tmp_name), q(r, name)));
    for (size_t i = 0; i < nt->indexes.len; i++) emit(r, first, recreate_index_ddl(r, name, nt->indexes.items[i]));
    recreate_dependent_objects(r, first, name);

    /* Statements for ops that run as they are (op.execute in a block). */
    for (size_t i = 0; i < n; i++)
        if (ops[i].kind == OP_EXECUTE || ops[i].kind == OP_BULK_INSERT) emit_plain(r, &ops[i]);

    schema_replace_table(r->work, nt);
    schema_free(tmp);
    return 0;
}

/* ------------------------------------------------------------ the loop */

/* Keep r->work as the database will be.  Ops from the differ carry unnamed
** foreign keys and unique constraints, which the statements name (as the
** Python renderer does): the work schema gets those names too. */
static void apply_to_work(renderer *r, const op *o) {
    if (!r->work) return;
    diag_list scratch;
    diag_list_init(&scratch);
    (void)schema_apply_ops(r->work, o, 1, &scratch);
    diag_list_free(&scratch);
    bool from_differ = o->loc.line == 0 && o->loc.file == NULL;
    if (!from_differ) return;
    table *t = NULL;
    if (o->kind == OP_CREATE_TABLE) t = schema_find_table_in(r->work, o->schema, o->table_name ? o->table_name : o->table->name);
    else if (o->kind == OP_ADD_UNIQUE || o->kind == OP_ADD_FOREIGN_KEY) t = schema_find_table_in(r->work, o->schema, o->table_name);
    if (!t) return;
    arena *sa = r->work->arena;
    for (size_t i = 0; i < t->foreign_keys.len; i++)
        if (!t->foreign_keys.items[i]->name)
            t->foreign_keys.items[i]->name = pg_constraint_name(sa, t->name, &t->foreign_keys.items[i]->columns, "fkey");
    for (size_t i = 0; i < t->uniques.len; i++)
        if (!t->uniques.items[i]->name)
            t->uniques.items[i]->name = pg_constraint_name(sa, t->name, &t->uniques.items[i]->columns, "key");
}

/* Does rendering ops[0..n) on SQLite move and copy a table?  Only a move
** and copy reads the work schema (the table as it is by then, the views and
** triggers); every other statement comes from its op alone. */
static bool sqlite_moves_and_copies(const op *ops, size_t n) {
    for (size_t i = 0; i < n;) {
        if (ops[i].batch) {
            size_t end = i + 1;
            while (end < n && ops[end].batch == ops[i].batch) end++;
            if (sqlite_block_needs_recreate(&ops[i], end - i)) return true;
            i = end;
            continue;
        }
        if (sqlite_plain_needs_recreate(&ops[i])) return true;
        i++;
    }
    return false;
}

static void copy_named_table(schema *w, const schema *current, const char *name) {
    const table *t = name ? schema_find_table(current, name) : NULL;
    if (t && !schema_find_table(w, name)) schema_copy_table(w, t);
}

/* The work schema of a move and copy: the tables the ops name (their own,
** a rename's two names, their batch block's), copied before any op is
** applied so that a rename reaches the foreign keys of the others, and the
** views and triggers.  Not the whole of `current`: a runner renders each
** revision of a chain against the schema so far, and copying all of it
** every time made `upgrade --sql` over 10,000 revisions quadratic. */
static schema *work_schema(const op *ops, size_t n, const schema *current) {
    schema *w = schema_new();
    for (size_t i = 0; current && i < n; i++) {
        const op *o = &ops[i];
        copy_named_table(w, current, o->table_name);
        if (o->table) copy_named_table(w, current, o->table->name);
        if (o->batch) copy_named_table(w, current, o->batch->table_name);
        if (o->kind == OP_RENAME_TABLE) {
            copy_named_table(w, current, o->old_name);
            copy_named_table(w, current, o->new_name);
        }
    }
    for (size_t i = 0; current && i < current->objects.len; i++) {
        const db_object *o = current->objects.items[i];
        schema_add_object(w, o->kind, o->name, o->table, o->sql)->excluded = o->excluded;
    }
    return w;
}

int render_sql(const op *ops, size_t n, const dialect *d, const schema *current, arena *a,
               sql_statements *out, diag_list *dl) {
    renderer r = {.a = a, .d = d, .pg = d->kind == DIALECT_POSTGRESQL, .out = out, .dl = dl};
    /* On PostgreSQL, and on SQLite without a move and copy, no statement
    ** reads the work schema: it is not built. */
    bool work_needed = !r.pg && sqlite_moves_and_copies(ops, n);
    r.work = work_needed ? work_schema(ops, n, current) : NULL;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        const op *o = &ops[i];
        if (r.pg) {
            emit_plain(&r, o);
            apply_to_work(&r, o);
            i++;
            continue;
        }
        if (o->batch) {
            size_t end = i + 1;
            while (end < n && ops[end].batch == o->batch) end++;
            if (sqlite_block_needs_recreate(o, end - i)) {
                const char *name = o->batch->table_name ? o->batch->table_name : o->table_name;
                rc = emit_move_and_copy(&r, o, end - i, name);
                i = end;
                continue;
            }
            bool never = o->batch->recreate && !strcmp(o->batch->recreate, "never");
            for (; i < end; i++) {
                if (never && sqlite_plain_needs_recreate(&ops[i])) {
                    diag *g = diag_add(dl, DIAG_ERROR, ops[i].loc,
                                       "SQLite cannot %s with ALTER TABLE, and this batch block says "
                                       "recreate='never'", op_kind_info_of(ops[i].kind)->what);
                    diag_set_hint(dl, g, "use recreate='auto' (the default) or 'always'");
                    rc = -1;
                    break;
                }
                emit_plain(&r, &ops[i]);
                apply_to_work(&r, &ops[i]);
            }
            continue;
        }
        if (sqlite_plain_needs_recreate(o)) rc = emit_move_and_copy(&r, o, 1, o->table_name);
        else {
            emit_plain(&r, o);
            apply_to_work(&r, o);
        }
        i++;
    }
    schema_free(r.work);
    return rc;
}
