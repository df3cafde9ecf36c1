/*
** schema.c — the Schema IR's functions: building a schema (tables, columns,
** registered in by-name maps), finding things by name, the model spelling
** of types, and the two printed forms: JSON (a stable, documented shape used
** by tests and to compare schemas: docs/schema-json.md) and readable text
** (`retort models`).
*/
#include "model/schema.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ types */

/* Indexed by type_kind (TYPE_OTHER excluded). */
const char *const TYPE_NAMES[] = {
    "Integer", "BigInteger", "SmallInteger", "String", "Text", "Boolean", "Float",
    "Numeric", "DateTime", "Date", "Time", "Interval", "JSON", "LargeBinary", "Uuid",
    "UUID", "INET", "CIDR", "MACADDR", "TSVECTOR", "CITEXT", "ARRAY",
};
const size_t TYPE_NAMES_COUNT = sizeof TYPE_NAMES / sizeof TYPE_NAMES[0];

const char *type_kind_name(type_kind k) {
    if ((size_t)k < TYPE_NAMES_COUNT) return TYPE_NAMES[k];
    return k == TYPE_ENUM ? "Enum" : "Other";
}

bool type_kind_from_name(const char *name, type_kind *out) {
    for (size_t i = 0; i < TYPE_NAMES_COUNT; i++)
        if (TYPE_NAMES[i][0] == name[0] && !strcmp(TYPE_NAMES[i], name)) {   /* once a column of every model */
            *out = (type_kind)i;
            return true;
        }
    return false;
}

bool col_type_postgresql_only(const col_type *t) {
    switch (t->kind) {
    case TYPE_UUID_NATIVE: case TYPE_INET: case TYPE_CIDR: case TYPE_MACADDR: case TYPE_TSVECTOR:
    case TYPE_CITEXT: case TYPE_ARRAY:
        return true;
    case TYPE_JSON:
        return t->jsonb;
    default:
        return false;
    }
}

const char *col_type_to_string(arena *a, const col_type *t) {
    switch (t->kind) {
    case TYPE_JSON:
        return t->jsonb ? "JSONB" : "JSON";
    case TYPE_ARRAY: {
        const char *e = t->element ? col_type_to_string(a, t->element) : "?";
        if (t->dimensions > 1) return arena_printf(a, "ARRAY(%s, dimensions=%d)", e, t->dimensions);
        return arena_printf(a, "ARRAY(%s)", e);
    }
    case TYPE_STRING:
        if (t->length >= 0) return arena_printf(a, "String(%d)", t->length);
        return "String";
    case TYPE_NUMERIC:
        if (t->precision >= 0 && t->scale >= 0)
            return arena_printf(a, "Numeric(%d, %d)", t->precision, t->scale);
        if (t->precision >= 0) return arena_printf(a, "Numeric(%d)", t->precision);
        return "Numeric";
    case TYPE_DATETIME:
        return t->timezone ? "DateTime(timezone=true)" : "DateTime";
    case TYPE_TIME:
        return t->timezone ? "Time(timezone=true)" : "Time";
    case TYPE_ENUM:
        if (!t->enumeration) return "Enum";
        return t->enumeration->model_name ? t->enumeration->model_name : t->enumeration->name;
    case TYPE_OTHER:
        return t->raw ? t->raw : "Other";
    default:
        return type_kind_name(t->kind);
    }
}

int enum_type_max_length(const enum_type *e) {
    size_t n = 0;
    for (size_t i = 0; i < e->labels.len; i++)
        if (strlen(e->labels.items[i].label) > n) n = strlen(e->labels.items[i].label);
    return (int)n;
}

int enum_type_find_label(const enum_type *e, const char *label) {
    for (size_t i = 0; i < e->labels.len; i++)
        if (!strcmp(e->labels.items[i].label, label)) return (int)i;
    return -1;
}

enum_type *enum_type_copy(arena *a, const enum_type *e) {
    enum_type *c = arena_alloc(a, sizeof *c);
    *c = *e;
    c->name = arena_strdup(a, e->name);
    c->model_name = arena_strdup(a, e->model_name);
    c->schema = arena_strdup(a, e->schema);
    c->key = c->schema ? schema_object_key(a, c->schema, c->name) : c->name;
    c->labels.items = NULL;
    c->labels.len = c->labels.cap = 0;
    for (size_t i = 0; i < e->labels.len; i++) {
        enum_label l = e->labels.items[i];
        l.label = arena_strdup(a, l.label);
        l.renamed_from = arena_strdup(a, l.renamed_from);
        vec_push(a, &c->labels, l);
    }
    return c;
}

long long identity_default_start(long long increment) { return increment < 0 ? -1 : 1; }

const char *identity_options_sql(arena *a, const identity_def *g, bool only_unmodeled) {
    strbuf sb = STRBUF_INIT;
    if (!only_unmodeled) sb_printf(&sb, "INCREMENT BY %lld START WITH %lld", g->increment, g->start);
    if (g->has_minvalue) sb_printf(&sb, "%sMINVALUE %lld", sb.len ? " " : "", g->minvalue);
    if (g->has_maxvalue) sb_printf(&sb, "%sMAXVALUE %lld", sb.len ? " " : "", g->maxvalue);
    if (g->nominvalue) sb_printf(&sb, "%sNO MINVALUE", sb.len ? " " : "");
    if (g->nomaxvalue) sb_printf(&sb, "%sNO MAXVALUE", sb.len ? " " : "");
    if (g->cache) sb_printf(&sb, "%sCACHE %lld", sb.len ? " " : "", g->cache);
    if (g->cycle >= 0) sb_printf(&sb, "%s%s", sb.len ? " " : "", g->cycle ? "CYCLE" : "NO CYCLE");
    const char *r = sb.len ? arena_strdup(a, sb_str(&sb)) : NULL;
    sb_free(&sb);
    return r;
}

const char *model_table_name(arena *a, const char *name) {
    strbuf sb = STRBUF_INIT;
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (isupper(c)) {
            bool prev_lower = i > 0 && (islower((unsigned char)name[i - 1]) || isdigit((unsigned char)name[i - 1]));
            bool acronym_end = i > 0 && isupper((unsigned char)name[i - 1]) && i + 1 < n &&
                               islower((unsigned char)name[i + 1]);
            if (prev_lower || acronym_end) sb_appendc(&sb, '_');
            sb_appendc(&sb, (char)tolower(c));
        } else {
            sb_appendc(&sb, (char)c);
        }
    }
    const char *res = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return res;
}

const char *index_conventional_name(arena *a, const char *table, const char *column) {
    return arena_strjoin(a, "ix_", table, "_", column, NULL);
}

/* (Compared in place: once per index of a schema.) */
bool index_name_is_conventional(const char *name, const char *table, const char *column) {
    size_t tn = strlen(table);
    return !strncmp(name, "ix_", 3) && !strncmp(name + 3, table, tn) && name[3 + tn] == '_' &&
           !strcmp(name + 4 + tn, column);
}

/* ----------------------------------------------------------------- schema */

schema *schema_new(void) {
    arena *a = arena_new();
    schema *s = arena_alloc(a, sizeof *s);
    s->arena = a;
    s->tables_by_name = strmap_new(a);
    s->enums_by_name = strmap_new(a);
    return s;
}

void schema_free(schema *s) {
    if (s) arena_free(s->arena);
}

const char *schema_object_key(arena *a, const char *nsp, const char *name) {
    if (!nsp || !name) return name;
    return arena_printf(a, "%s\x1f%s", nsp, name);
}

const char *qualified_name(arena *a, const char *nsp, const char *name) {
    return nsp ? arena_printf(a, "%s.%s", nsp, name) : name;
}

bool schema_same(const char *x, const char *y) { return x == y || (x && y && !strcmp(x, y)); }

bool foreign_key_references(const foreign_key *fk, const char *nsp, const char *name) {
    return fk->ref_table && name && !strcmp(fk->ref_table, name) && schema_same(fk->ref_schema, nsp);
}

table *schema_add_table_in(schema *s, const char *nsp, const char *name) {
    const char *key = schema_object_key(s->arena, nsp, name);
    if (strmap_get(s->tables_by_name, key)) return NULL;
    table *t = arena_alloc(s->arena, sizeof *t);
    t->name = arena_strdup(s->arena, name);
    t->schema = nsp ? arena_strdup(s->arena, nsp) : NULL;
    t->key = nsp ? arena_strdup(s->arena, key) : t->name;
    t->row_estimate = -1;
    strmap_put(s->tables_by_name, t->key, t);
    vec_push(s->arena, &s->tables, t);
    return t;
}

table *schema_add_table(schema *s, const char *name) { return schema_add_table_in(s, NULL, name); }

/* The map of a table's columns by name, made when it outgrows a search of
** its columns. */
static void index_columns(arena *a, table *t, size_t room) {
    t->columns_by_name = strmap_new(a);
    strmap_reserve(t->columns_by_name, room);
    for (size_t i = 0; i < t->columns.len; i++)
        strmap_put(t->columns_by_name, t->columns.items[i]->name, t->columns.items[i]);
}

void table_attach_column(arena *a, table *t, column *c) {
    vec_push(a, &t->columns, c);
    if (t->columns_by_name) strmap_put(t->columns_by_name, c->name, c);
    else if (t->columns.len > TABLE_COLUMNS_SEARCHED) index_columns(a, t, t->columns.len);
}

void table_column_renamed(table *t, const char *old_name, column *c) {
    if (!t->columns_by_name) return;
    strmap_put(t->columns_by_name, old_name, NULL);
    strmap_put(t->columns_by_name, c->name, c);
}

void table_column_removed(table *t, const char *name) {
    if (t->columns_by_name) strmap_put(t->columns_by_name, name, NULL);
}

column *table_add_column(schema *s, table *t, const char *name) {
    if (table_find_column(t, name)) return NULL;
    column *c = arena_alloc(s->arena, sizeof *c);
    c->name = arena_strdup(s->arena, name);
    c->field_name = c->name;
    c->type.length = c->type.precision = c->type.scale = -1;
    c->autoincrement = AUTOINC_AUTO;
    table_attach_column(s->arena, t, c);
    return c;
}

void table_reserve_columns(schema *s, table *t, size_t n) {
    vec_reserve(s->arena, &t->columns, n);
    if (n > TABLE_COLUMNS_SEARCHED && !t->columns_by_name) index_columns(s->arena, t, n);
}

table *schema_find_table_in(const schema *s, const char *nsp, const char *name) {
    if (!name) return NULL;
    if (!nsp) return strmap_get(s->tables_by_name, name);
    char buf[256];
    int n = snprintf(buf, sizeof buf, "%s\x1f%s", nsp, name);
    if (n >= 0 && (size_t)n < sizeof buf) return strmap_get(s->tables_by_name, buf);
    return strmap_get(s->tables_by_name, schema_object_key(s->arena, nsp, name));
}

table *schema_find_table(const schema *s, const char *name) { return schema_find_table_in(s, NULL, name); }

enum_type *schema_add_enum_in(schema *s, const char *nsp, const char *name) {
    const char *key = schema_object_key(s->arena, nsp, name);
    if (strmap_get(s->enums_by_name, key)) return NULL;
    enum_type *e = arena_alloc(s->arena, sizeof *e);
    e->name = arena_strdup(s->arena, name);
    e->schema = nsp ? arena_strdup(s->arena, nsp) : NULL;
    e->key = nsp ? arena_strdup(s->arena, key) : e->name;
    strmap_put(s->enums_by_name, e->key, e);
    vec_push(s->arena, &s->enums, e);
    return e;
}

enum_type *schema_add_enum(schema *s, const char *name) { return schema_add_enum_in(s, NULL, name); }

enum_type *schema_find_enum_in(const schema *s, const char *nsp, const char *name) {
    if (!name) return NULL;
    return strmap_get(s->enums_by_name, nsp ? schema_object_key(s->arena, nsp, name) : name);
}


enum_type *schema_find_enum(const schema *s, const char *name) { return schema_find_enum_in(s, NULL, name); }

column *table_find_column(const table *t, const char *name) {
    if (!name) return NULL;
    if (t->columns_by_name) return strmap_get(t->columns_by_name, name);
    for (size_t i = 0; i < t->columns.len; i++) {
        column *c = t->columns.items[i];
        if (c->name[0] == name[0] && !strcmp(c->name, name)) return c;
    }
    return NULL;
}

index_def *table_find_index(const table *t, const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < t->indexes.len; i++)
        if (t->indexes.items[i]->name && !strcmp(t->indexes.items[i]->name, name))
            return t->indexes.items[i];
    return NULL;
}

db_object *schema_add_object(schema *s, const char *kind, const char *name, const char *table,
                             const char *sql) {
    db_object *o = arena_alloc(s->arena, sizeof *o);
    o->kind = arena_strdup(s->arena, kind);
    o->name = arena_strdup(s->arena, name ? name : "");
    o->table = arena_strdup(s->arena, table);
    o->sql = arena_strdup(s->arena, sql);
    vec_push(s->arena, &s->objects, o);
    return o;
}

const char *column_unmodeled(arena *a, const column *c) {
    if (c->generated && !*c->generated) return "it is a generated column whose expression retort could not read";
    if (c->type.kind == TYPE_OTHER) {
        if (!c->type.raw || !*c->type.raw) return "it has no declared type";
        return arena_printf(a, "its type %s has no model spelling", c->type.raw);
    }
    return NULL;
}

const char *index_unmodeled(arena *a, const index_def *ix) {
    (void)a;
    return ix->unmodeled;
}

/* --------------------------------------------------------------- indexes */

const char *const INDEX_METHODS[] = {"btree", "hash", "gist", "spgist", "gin", "brin"};
const size_t INDEX_METHODS_COUNT = sizeof INDEX_METHODS / sizeof INDEX_METHODS[0];

index_key index_key_at(const index_def *ix, size_t k) {
    if (k < ix->keys.len) return ix->keys.items[k];
    return (index_key){0};
}

bool index_key_nulls_first(const index_key *k) {
    return k->nulls == NULLS_FIRST || (k->nulls == NULLS_DEFAULT && k->desc);
}

bool index_is_plain(const index_def *ix) {
    if (ix->method || ix->include.len) return false;
    for (size_t k = 0; k < ix->keys.len; k++) {
        const index_key *key = &ix->keys.items[k];
        if (key->desc || key->nulls != NULLS_DEFAULT || key->opclass) return false;
    }
    return true;
}

void index_add_key(arena *a, index_def *ix, const char *column, index_key key) {
    while (ix->keys.len < ix->columns.len) vec_push(a, &ix->keys, ((index_key){0}));
    vec_push(a, &ix->columns, column);
    vec_push(a, &ix->keys, key);
}

/* ------------------------------------------------------------------- JSON */

static json_t *json_str_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

static json_t *json_str_vec(const str_vec *v) {
    json_t *a = json_array();
    for (size_t i = 0; i < v->len; i++) json_array_append_new(a, json_string(v->items[i]));
    return a;
}

/* Sort key of an unnamed constraint: its columns joined by commas. */
static int compare_names_then(const char *na, const char *nb, const str_vec *ca, const str_vec *cb) {
    if (na && !nb) return -1;
    if (!na && nb) return 1;
    if (na && nb) {
        int c = strcmp(na, nb);
        if (c) return c;
    }
    for (size_t i = 0; i < ca->len && i < cb->len; i++) {
        int c = strcmp(ca->items[i], cb->items[i]);
        if (c) return c;
    }
    return (ca->len > cb->len) - (ca->len < cb->len);
}

/* The default schema's objects first, then each other schema's, by name. */
static int cmp_qualified(const char *sa, const char *na, const char *sb, const char *nb) {
    int c = strcmp(sa ? sa : "", sb ? sb : "");
    return c ? c : strcmp(na, nb);
}
static int cmp_table(const void *a, const void *b) {
    const table *x = *(table *const *)a, *y = *(table *const *)b;
    return cmp_qualified(x->schema, x->name, y->schema, y->name);
}
static int cmp_enum(const void *a, const void *b) {
    const enum_type *x = *(enum_type *const *)a, *y = *(enum_type *const *)b;
    return cmp_qualified(x->schema, x->name, y->schema, y->name);
}
static int cmp_index(const void *a, const void *b) {
    const index_def *x = *(index_def *const *)a, *y = *(index_def *const *)b;
    return compare_names_then(x->name, y->name, &x->columns, &y->columns);
}
static int cmp_unique(const void *a, const void *b) {
    const unique_def *x = *(unique_def *const *)a, *y = *(unique_def *const *)b;
    return compare_names_then(x->name, y->name, &x->columns, &y->columns);
}
static int cmp_fk(const void *a, const void *b) {
    const foreign_key *x = *(foreign_key *const *)a, *y = *(foreign_key *const *)b;
    int c = compare_names_then(x->name, y->name, &x->columns, &y->columns);
    if (c) return c;
    c = strcmp(x->ref_table ? x->ref_table : "", y->ref_table ? y->ref_table : "");
    if (c) return c;
    return compare_names_then(NULL, NULL, &x->ref_columns, &y->ref_columns);
}
static int cmp_check(const void *a, const void *b) {
    const check_def *x = *(check_def *const *)a, *y = *(check_def *const *)b;
    if (x->name && !y->name) return -1;
    if (!x->name && y->name) return 1;
    if (x->name && y->name) {
        int c = strcmp(x->name, y->name);
        if (c) return c;
    }
    return strcmp(x->sqltext ? x->sqltext : "", y->sqltext ? y->sqltext : "");
}

/* A sorted copy of a vector of pointers (malloc'd; caller frees). */
static void *sorted_copy(void *items, size_t n, int (*cmp)(const void *, const void *)) {
    void **copy = malloc((n ? n : 1) * sizeof *copy);
    if (!copy) util_oom();
    if (n) memcpy(copy, items, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, cmp);
    return copy;
}

static json_t *default_to_json(const server_default *d) {
    const char *kind = NULL;
    json_t *value = NULL;
    switch (d->kind) {
    case DEFAULT_NONE: return json_null();
    case DEFAULT_STRING: kind = "string"; value = json_str_or_null(d->text); break;
    case DEFAULT_NUMBER: kind = "number"; value = json_str_or_null(d->text); break;
    case DEFAULT_BOOL: kind = "bool"; value = json_boolean(d->bool_value); break;
    case DEFAULT_NOW: kind = "now"; value = json_null(); break;
    case DEFAULT_SQL: kind = "sql"; value = json_str_or_null(d->text); break;
    }
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "value", value);
    return o;
}

static const char *autoincrement_name(autoincrement_mode m) {
    return m == AUTOINC_TRUE ? "true" : m == AUTOINC_FALSE ? "false" : "auto";
}

static json_t *column_to_json(arena *a, const column *c) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "type", json_string(col_type_to_string(a, &c->type)));
    if (c->type.raw) json_object_set_new(o, "raw", json_string(c->type.raw));
    if (c->type.jsonb) json_object_set_new(o, "jsonb", json_true());
    json_object_set_new(o, "nullable", json_boolean(c->nullable));
    json_object_set_new(o, "default", default_to_json(&c->server_default));
    json_object_set_new(o, "comment", json_str_or_null(c->comment));
    json_object_set_new(o, "primary_key", json_boolean(c->primary_key));
    json_object_set_new(o, "autoincrement", json_string(autoincrement_name(c->autoincrement)));
    if (c->identity) json_object_set_new(o, "identity", json_true());
    if (c->generated_identity) {
        json_t *g = json_object();
        json_object_set_new(g, "always", json_boolean(c->generated_identity->always));
        json_object_set_new(g, "start", json_integer(c->generated_identity->start));
        json_object_set_new(g, "increment", json_integer(c->generated_identity->increment));
        json_object_set_new(o, "generated_identity", g);
    }
    if (c->renamed_from) json_object_set_new(o, "renamed_from", json_string(c->renamed_from));
    return o;
}

static json_t *table_to_json(arena *a, const table *t) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(t->name));
    if (t->schema) json_object_set_new(o, "schema", json_string(t->schema));
    json_object_set_new(o, "comment", json_str_or_null(t->comment));
    if (t->renamed_from) json_object_set_new(o, "renamed_from", json_string(t->renamed_from));

    json_t *cols = json_array();
    for (size_t i = 0; i < t->columns.len; i++)
        json_array_append_new(cols, column_to_json(a, t->columns.items[i]));
    json_object_set_new(o, "columns", cols);

    if (t->primary_key.columns.len) {
        json_t *pk = json_object();
        json_object_set_new(pk, "name", json_str_or_null(t->primary_key.name));
        json_object_set_new(pk, "columns", json_str_vec(&t->primary_key.columns));
        json_object_set_new(o, "primary_key", pk);
    } else {
        json_object_set_new(o, "primary_key", json_null());
    }

    index_def **ix = sorted_copy(t->indexes.items, t->indexes.len, cmp_index);
    json_t *arr = json_array();
    for (size_t i = 0; i < t->indexes.len; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "name", json_str_or_null(ix[i]->name));
        json_object_set_new(e, "columns", json_str_vec(&ix[i]->columns));
        json_object_set_new(e, "unique", json_boolean(ix[i]->unique));
        json_object_set_new(e, "where", json_str_or_null(ix[i]->where));
        /* The newer fields only when they say something: a plain index
        ** prints as it always did. */
        bool options = false;
        for (size_t k = 0; k < ix[i]->columns.len; k++) {
            index_key key = index_key_at(ix[i], k);
            options |= key.desc || key.nulls != NULLS_DEFAULT || key.opclass;
        }
        if (options) {
            json_t *keys = json_array();
            for (size_t k = 0; k < ix[i]->columns.len; k++) {
                index_key key = index_key_at(ix[i], k);
                json_t *ko = json_object();
                json_object_set_new(ko, "desc", json_boolean(key.desc));
                json_object_set_new(ko, "nulls", key.nulls == NULLS_FIRST  ? json_string("first")
                                                 : key.nulls == NULLS_LAST ? json_string("last")
                                                                           : json_null());
                json_object_set_new(ko, "opclass", json_str_or_null(key.opclass));
                json_array_append_new(keys, ko);
            }
            json_object_set_new(e, "keys", keys);
        }
        if (ix[i]->method) json_object_set_new(e, "using", json_string(ix[i]->method));
        if (ix[i]->include.len) json_object_set_new(e, "include", json_str_vec(&ix[i]->include));
        json_array_append_new(arr, e);
    }
    free(ix);
    json_object_set_new(o, "indexes", arr);

    unique_def **uq = sorted_copy(t->uniques.items, t->uniques.len, cmp_unique);
    arr = json_array();
    for (size_t i = 0; i < t->uniques.len; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "name", json_str_or_null(uq[i]->name));
        json_object_set_new(e, "columns", json_str_vec(&uq[i]->columns));
        json_array_append_new(arr, e);
    }
    free(uq);
    json_object_set_new(o, "unique_constraints", arr);

    foreign_key **fk = sorted_copy(t->foreign_keys.items, t->foreign_keys.len, cmp_fk);
    arr = json_array();
    for (size_t i = 0; i < t->foreign_keys.len; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "name", json_str_or_null(fk[i]->name));
        json_object_set_new(e, "columns", json_str_vec(&fk[i]->columns));
        json_object_set_new(e, "ref_table", json_str_or_null(fk[i]->ref_table));
        if (fk[i]->ref_schema) json_object_set_new(e, "ref_schema", json_string(fk[i]->ref_schema));
        json_object_set_new(e, "ref_columns", json_str_vec(&fk[i]->ref_columns));
        json_object_set_new(e, "ondelete", json_str_or_null(fk[i]->ondelete));
        json_object_set_new(e, "onupdate", json_str_or_null(fk[i]->onupdate));
        json_array_append_new(arr, e);
    }
    free(fk);
    json_object_set_new(o, "foreign_keys", arr);

    check_def **ck = sorted_copy(t->checks.items, t->checks.len, cmp_check);
    arr = json_array();
    for (size_t i = 0; i < t->checks.len; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "name", json_str_or_null(ck[i]->name));
        json_object_set_new(e, "sqltext", json_str_or_null(ck[i]->sqltext));
        json_array_append_new(arr, e);
    }
    free(ck);
    json_object_set_new(o, "check_constraints", arr);
    return o;
}

json_t *schema_to_json(const schema *s) {
    arena *a = arena_new();     /* scratch for type spellings */
    table **tables = sorted_copy(s->tables.items, s->tables.len, cmp_table);
    json_t *arr = json_array();
    for (size_t i = 0; i < s->tables.len; i++) json_array_append_new(arr, table_to_json(a, tables[i]));
    free(tables);
    arena_free(a);
    json_t *root = json_object();
    json_object_set_new(root, "tables", arr);
    /* Enum types, by name, where the schema has any (docs/schema-json.md). */
    if (s->enums.len) {
        enum_type **enums = sorted_copy(s->enums.items, s->enums.len, cmp_enum);
        json_t *earr = json_array();
        for (size_t i = 0; i < s->enums.len; i++) {
            json_t *e = json_object();
            json_object_set_new(e, "name", json_string(enums[i]->name));
            if (enums[i]->schema) json_object_set_new(e, "schema", json_string(enums[i]->schema));
            json_t *labels = json_array();
            for (size_t k = 0; k < enums[i]->labels.len; k++)
                json_array_append_new(labels, json_string(enums[i]->labels.items[k].label));
            json_object_set_new(e, "labels", labels);
            json_array_append_new(earr, e);
        }
        free(enums);
        json_object_set_new(root, "enums", earr);
    }
    return root;
}

/* ------------------------------------------------------------------- text */

static void print_str_vec(FILE *out, const str_vec *v) {
    fputc('(', out);
    for (size_t i = 0; i < v->len; i++) fprintf(out, "%s%s", i ? ", " : "", v->items[i]);
    fputc(')', out);
}

/* A string as a double-quoted literal with the model language's escapes. */
static void print_quoted(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        switch (*s) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if ((unsigned char)*s < 0x20 || *s == 0x7f) fprintf(out, "\\u%04x", (unsigned char)*s);
            else fputc(*s, out);
        }
    }
    fputc('"', out);
}

static void print_default(FILE *out, const server_default *d) {
    switch (d->kind) {
    case DEFAULT_NONE: break;
    case DEFAULT_STRING: fputs(" default ", out); print_quoted(out, d->text); break;
    case DEFAULT_NUMBER: fprintf(out, " default %s", d->text); break;
    case DEFAULT_BOOL: fprintf(out, " default %s", d->bool_value ? "true" : "false"); break;
    case DEFAULT_NOW: fputs(" default now()", out); break;
    case DEFAULT_SQL: fputs(" default sql(", out); print_quoted(out, d->text); fputc(')', out); break;
    }
}

void schema_print_text(const schema *s, FILE *out) {
    arena *a = arena_new();
    for (size_t ei = 0; ei < s->enums.len; ei++) {
        const enum_type *e = s->enums.items[ei];
        fprintf(out, "enum %s%s%s", e->schema ? e->schema : "", e->schema ? "." : "", e->name);
        if (e->model_name) fprintf(out, " (enum %s)", e->model_name);
        fputs(" (", out);
        for (size_t k = 0; k < e->labels.len; k++) {
            if (k) fputs(", ", out);
            print_quoted(out, e->labels.items[k].label);
            if (e->labels.items[k].renamed_from) {
                fputs(" renamed from ", out);
                print_quoted(out, e->labels.items[k].renamed_from);
            }
        }
        fputs(")\n", out);
    }
    for (size_t ti = 0; ti < s->tables.len; ti++) {
        const table *t = s->tables.items[ti];
        if (ti || s->enums.len) fputc('\n', out);
        fprintf(out, "table %s%s%s", t->schema ? t->schema : "", t->schema ? "." : "", t->name);
        if (t->model_name) fprintf(out, " (model %s)", t->model_name);
        if (t->renamed_from) fprintf(out, " renamed from %s", t->renamed_from);
        fputc('\n', out);
        if (t->comment) { fputs("  comment ", out); print_quoted(out, t->comment); fputc('\n', out); }

        size_t w = 0, tw = 0;
        for (size_t i = 0; i < t->columns.len; i++) {
            const column *c = t->columns.items[i];
            if (strlen(c->name) > w) w = strlen(c->name);
            if (strlen(col_type_to_string(a, &c->type)) > tw) tw = strlen(col_type_to_string(a, &c->type));
        }
        for (size_t i = 0; i < t->columns.len; i++) {
            const column *c = t->columns.items[i];
            fprintf(out, "  column %-*s %-*s %s", (int)w, c->name, (int)tw, col_type_to_string(a, &c->type),
                    c->nullable ? "NULL    " : "NOT NULL");
            if (c->primary_key) fputs(" primary key", out);
            if (c->autoincrement != AUTOINC_AUTO)
                fprintf(out, " autoincrement=%s", autoincrement_name(c->autoincrement));
            print_default(out, &c->server_default);
            if (c->generated_identity)
                fprintf(out, " generated %s as identity (start %lld, increment %lld)",
                        c->generated_identity->always ? "always" : "by default", c->generated_identity->start,
                        c->generated_identity->increment);
            if (strcmp(c->field_name, c->name)) fprintf(out, " (field %s)", c->field_name);
            if (c->renamed_from) fprintf(out, " renamed from %s", c->renamed_from);
            if (c->comment) { fputs(" comment ", out); print_quoted(out, c->comment); }
            fputc('\n', out);
        }
        if (t->primary_key.columns.len) {
            fputs("  primary key ", out);
            if (t->primary_key.name) fprintf(out, "%s ", t->primary_key.name);
            print_str_vec(out, &t->primary_key.columns);
            fputc('\n', out);
        }
        for (size_t i = 0; i < t->indexes.len; i++) {
            const index_def *x = t->indexes.items[i];
            fprintf(out, "  %sindex %s ", x->unique ? "unique " : "", x->name ? x->name : "(unnamed)");
            fputc('(', out);
            for (size_t k = 0; k < x->columns.len; k++) {
                index_key key = index_key_at(x, k);
                fprintf(out, "%s%s", k ? ", " : "", x->columns.items[k]);
                if (key.desc) fputs(" desc", out);
                if (key.nulls != NULLS_DEFAULT) fputs(key.nulls == NULLS_FIRST ? " nulls first" : " nulls last", out);
                if (key.opclass) fprintf(out, " %s", key.opclass);
            }
            fputc(')', out);
            if (x->method) fprintf(out, " using %s", x->method);
            if (x->include.len) { fputs(" include ", out); print_str_vec(out, &x->include); }
            if (x->where) { fputs(" where ", out); print_quoted(out, x->where); }
            if (x->conventional_name) fputs(" (conventional name)", out);
            fputc('\n', out);
        }
        for (size_t i = 0; i < t->uniques.len; i++) {
            const unique_def *u = t->uniques.items[i];
            fprintf(out, "  unique %s", u->name ? u->name : "(unnamed)");
            fputc(' ', out);
            print_str_vec(out, &u->columns);
            fputc('\n', out);
        }
        for (size_t i = 0; i < t->foreign_keys.len; i++) {
            const foreign_key *f = t->foreign_keys.items[i];
            fprintf(out, "  foreign key %s ", f->name ? f->name : "(unnamed)");
            print_str_vec(out, &f->columns);
            fprintf(out, " references %s%s%s", f->ref_schema ? f->ref_schema : "", f->ref_schema ? "." : "",
                    f->ref_table);
            print_str_vec(out, &f->ref_columns);
            if (f->ondelete) fprintf(out, " on delete %s", f->ondelete);
            if (f->onupdate) fprintf(out, " on update %s", f->onupdate);
            fputc('\n', out);
        }
        for (size_t i = 0; i < t->checks.len; i++) {
            const check_def *k = t->checks.items[i];
            fprintf(out, "  check %s ", k->name ? k->name : "(unnamed)");
            print_quoted(out, k->sqltext);
            fputc('\n', out);
        }
    }
    arena_free(a);
}
