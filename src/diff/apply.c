/*
** apply.c — apply an op list to a Schema, as the database will be once the
** op's statements have run (schema_apply_ops, declared in sql.h).
**
** The migration runner keeps its idea of the database up to date with this
** as migrations go, and the SQLite move-and-copy of sql.c uses it to compute
** a table's new definition: it copies the table (schema_copy_table) and
** applies a batch block's ops to the copy.  For that, ops change a column
** in place (ALTER and RENAME keep the same column struct): sql.c tells the
** columns that were already there by their address.
**
** What a rename carries along, as both databases do: renaming a column
** renames it in the table's primary key, indexes (plain column entries, not
** expressions), unique constraints and foreign keys, and in the foreign keys
** of other tables that reference it; renaming a table re-points the foreign
** keys that reference it.  Dropping a column drops the indexes, unique
** constraints and foreign keys that use it (PostgreSQL does; SQLite would
** refuse, which the SQL side handles) and takes it out of the primary key.
**
** Everything an op brings (a created table, an added column...) is copied
** into the schema's arena: ops may point into arenas that die before the
** schema does.  Created tables come without their indexes: those arrive as
** separate create-index ops (differ and migration files alike).
*/
#include "diff/diff.h"

#include <stdarg.h>
#include <string.h>

/* ----------------------------------------------------------------- copies */

static void copy_strs(arena *a, str_vec *dst, const str_vec *src) {
    memset(dst, 0, sizeof *dst);
    for (size_t i = 0; i < src->len; i++) vec_push(a, dst, arena_strdup(a, src->items[i]));
}

static const identity_def *copy_identity(arena *a, const identity_def *src) {
    if (!src) return NULL;
    identity_def *g = arena_alloc(a, sizeof *g);
    *g = *src;
    return g;
}

/* A type, with what it points to (an array's element, an enum type). */
static col_type copy_type(arena *a, const col_type *src) {
    col_type t = *src;
    t.raw = arena_strdup(a, src->raw);
    if (src->element) {
        col_type *e = arena_alloc(a, sizeof *e);
        *e = *src->element;
        e->raw = arena_strdup(a, e->raw);
        if (e->enumeration) e->enumeration = enum_type_copy(a, e->enumeration);
        t.element = e;
    }
    if (src->enumeration) t.enumeration = enum_type_copy(a, src->enumeration);
    return t;
}

static void copy_column_into(arena *a, column *c, const column *src) {
    const char *name = c->name;
    *c = *src;
    c->name = name;
    c->field_name = arena_strdup(a, src->field_name ? src->field_name : src->name);
    c->type = copy_type(a, &src->type);
    c->server_default.text = arena_strdup(a, src->server_default.text);
    c->comment = arena_strdup(a, src->comment);
    c->renamed_from = arena_strdup(a, src->renamed_from);
    c->generated = arena_strdup(a, src->generated);
    c->generated_identity = copy_identity(a, src->generated_identity);
}

static index_def *copy_index(arena *a, const index_def *src) {
    index_def *ix = arena_alloc(a, sizeof *ix);
    *ix = *src;
    ix->name = arena_strdup(a, src->name);
    copy_strs(a, &ix->columns, &src->columns);
    copy_strs(a, &ix->include, &src->include);
    copy_strs(a, &ix->columns_canonical, &src->columns_canonical);
    ix->keys = (index_key_vec){0};
    for (size_t k = 0; k < src->keys.len; k++) {
        index_key key = src->keys.items[k];
        key.opclass = arena_strdup(a, key.opclass);
        vec_push(a, &ix->keys, key);
    }
    ix->method = arena_strdup(a, src->method);
    ix->where = arena_strdup(a, src->where);
    ix->unmodeled = arena_strdup(a, src->unmodeled);
    ix->definition = arena_strdup(a, src->definition);
    return ix;
}

static unique_def *copy_unique(arena *a, const unique_def *src) {
    unique_def *u = arena_alloc(a, sizeof *u);
    *u = *src;
    u->name = arena_strdup(a, src->name);
    copy_strs(a, &u->columns, &src->columns);
    return u;
}

static foreign_key *copy_fk(arena *a, const foreign_key *src) {
    foreign_key *fk = arena_alloc(a, sizeof *fk);
    *fk = *src;
    fk->name = arena_strdup(a, src->name);
    copy_strs(a, &fk->columns, &src->columns);
    fk->ref_table = arena_strdup(a, src->ref_table);
    fk->ref_schema = arena_strdup(a, src->ref_schema);
    copy_strs(a, &fk->ref_columns, &src->ref_columns);
    fk->ondelete = arena_strdup(a, src->ondelete);
    fk->onupdate = arena_strdup(a, src->onupdate);
    return fk;
}

static check_def *copy_check(arena *a, const check_def *src) {
    check_def *ck = arena_alloc(a, sizeof *ck);
    *ck = *src;
    ck->name = arena_strdup(a, src->name);
    ck->sqltext = arena_strdup(a, src->sqltext);
    return ck;
}

static table *copy_table(schema *dst, const table *src, const char *nsp, const char *name, bool with_indexes) {
    table *t = schema_add_table_in(dst, nsp, name);
    if (!t) return NULL;
    arena *a = dst->arena;
    t->model_name = arena_strdup(a, src->model_name);
    t->comment = arena_strdup(a, src->comment);
    t->renamed_from = arena_strdup(a, src->renamed_from);
    t->renamed_from_schema = arena_strdup(a, src->renamed_from_schema);
    t->loc = src->loc;
    for (size_t i = 0; i < src->columns.len; i++) {
        const column *sc = src->columns.items[i];
        column *c = table_add_column(dst, t, sc->name);
        if (c) copy_column_into(a, c, sc);
    }
    t->primary_key.name = arena_strdup(a, src->primary_key.name);
    copy_strs(a, &t->primary_key.columns, &src->primary_key.columns);
    if (with_indexes)
        for (size_t i = 0; i < src->indexes.len; i++) vec_push(a, &t->indexes, copy_index(a, src->indexes.items[i]));
    for (size_t i = 0; i < src->uniques.len; i++) vec_push(a, &t->uniques, copy_unique(a, src->uniques.items[i]));
    for (size_t i = 0; i < src->foreign_keys.len; i++)
        vec_push(a, &t->foreign_keys, copy_fk(a, src->foreign_keys.items[i]));
    for (size_t i = 0; i < src->checks.len; i++) vec_push(a, &t->checks, copy_check(a, src->checks.items[i]));
    return t;
}

table *schema_copy_table(schema *dst, const table *src) {
    return copy_table(dst, src, src->schema, src->name, true);
}

static enum_type *add_enum_copy(schema *s, const enum_type *e) {
    enum_type *c = enum_type_copy(s->arena, e);
    strmap_put(s->enums_by_name, c->key, c);
    vec_push(s->arena, &s->enums, c);
    return c;
}

schema *schema_copy(const schema *src) {
    schema *s = schema_new();
    for (size_t i = 0; src && i < src->tables.len; i++) {
        const table *t = src->tables.items[i];
        if (schema_find_table_in(src, t->schema, t->name) == t) copy_table(s, t, t->schema, t->name, true);
    }
    for (size_t i = 0; src && i < src->objects.len; i++) {
        const db_object *o = src->objects.items[i];
        schema_add_object(s, o->kind, o->name, o->table, o->sql)->excluded = o->excluded;
    }
    for (size_t i = 0; src && i < src->enums.len; i++) add_enum_copy(s, src->enums.items[i]);
    return s;
}

/* ----------------------------------------------------------- name lookups */

/* The name a constraint goes by in ops: its own, or the one PostgreSQL
** gives an unnamed one (what the Python renderer writes). */
static const char *unique_op_name(arena *a, const char *table, const unique_def *u) {
    return u->name ? u->name : pg_constraint_name(a, table, &u->columns, "key");
}
static const char *fk_op_name(arena *a, const char *table, const foreign_key *fk) {
    return fk->name ? fk->name : pg_constraint_name(a, table, &fk->columns, "fkey");
}
static const char *pk_op_name(arena *a, const char *table, const primary_key *pk) {
    return pk->name ? pk->name : pg_constraint_name(a, table, NULL, "pkey");
}
static const char *check_op_name(arena *a, const char *table, const check_def *ck) {
    return ck->name ? ck->name : pg_constraint_name(a, table, NULL, "check");
}

static bool str_eq(const char *x, const char *y) { return x && y && strcmp(x, y) == 0; }

static bool strs_contain(const str_vec *v, const char *s) {
    for (size_t i = 0; i < v->len; i++)
        if (str_eq(v->items[i], s)) return true;
    return false;
}

static void strs_rename(str_vec *v, const char *from, const char *to) {
    for (size_t i = 0; i < v->len; i++)
        if (str_eq(v->items[i], from)) v->items[i] = to;
}

/* Remove item i of a VEC of pointers, keeping order. */
#define VEC_REMOVE(v, i)                                                        \
    do {                                                                        \
        memmove(&(v)->items[(i)], &(v)->items[(i) + 1],                         \
                ((v)->len - (i) - 1) * sizeof *(v)->items);                     \
        (v)->len--;                                                             \
    } while (0)

/* --------------------------------------------------------------- the ops */

typedef struct applier {
    schema *s;
    diag_list *dl;
    const op *o;
} applier;

static int fail(applier *ap, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(applier *ap, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    const char *msg = arena_vprintf(ap->dl->arena, fmt, args);
    va_end(args);
    diag_add(ap->dl, DIAG_ERROR, ap->o->loc, "%s", msg);
    return -1;
}

static const char *op_table_name(const op *o) {
    if (o->table_name) return o->table_name;
    if (o->table) return o->table->name;
    return NULL;
}

static table *need_table(applier *ap, const char *nsp, const char *name) {
    table *t = name ? schema_find_table_in(ap->s, nsp, name) : NULL;
    if (!t) fail(ap, "table '%s' does not exist", name ? qualified_name(ap->s->arena, nsp, name) : "(none)");
    return t;
}

static column *need_column(applier *ap, table *t, const char *name) {
    column *c = name ? table_find_column(t, name) : NULL;
    if (!c) fail(ap, "column '%s' does not exist in table '%s'", name ? name : "(none)", t->name);
    return c;
}

static void remove_enum(schema *s, const enum_type *e) {
    strmap_put(s->enums_by_name, schema_object_key(s->arena, e->schema, e->name), NULL);
    for (size_t i = 0; i < s->enums.len; i++)
        if (str_eq(s->enums.items[i]->name, e->name) && schema_same(s->enums.items[i]->schema, e->schema)) {
            VEC_REMOVE(&s->enums, i);
            break;
        }
}

static void remove_table(schema *s, table *t) {
    strmap_put(s->tables_by_name, t->key, NULL);
    for (size_t i = 0; i < s->tables.len; i++)
        if (s->tables.items[i] == t) {
            VEC_REMOVE(&s->tables, i);
            break;
        }
}

/* Table t becomes nsp.new_name (a rename, or a move to another schema):
** its key, the foreign keys that reference it, and the objects on it
** (triggers and the like follow their table on both databases). */
static void relocate_table(schema *s, table *t, const char *nsp, const char *new_name) {
    arena *a = s->arena;
    const char *old = t->name, *old_schema = t->schema;
    const char *old_display = qualified_name(a, old_schema, old);
    strmap_put(s->tables_by_name, t->key, NULL);
    t->name = arena_strdup(a, new_name);
    t->schema = arena_strdup(a, nsp);
    t->key = schema_object_key(a, t->schema, t->name);
    strmap_put(s->tables_by_name, t->key, t);
    for (size_t i = 0; i < s->tables.len; i++) {
        table *other = s->tables.items[i];
        for (size_t k = 0; k < other->foreign_keys.len; k++) {
            foreign_key *fk = other->foreign_keys.items[k];
            if (foreign_key_references(fk, old_schema, old)) {
                fk->ref_table = t->name;
                fk->ref_schema = t->schema;
            }
        }
    }
    const char *new_display = qualified_name(a, t->schema, t->name);
    for (size_t i = 0; i < s->objects.len; i++)
        if (str_eq(s->objects.items[i]->table, old_display)) s->objects.items[i]->table = new_display;
}

static int apply_rename_table(applier *ap) {
    const op *o = ap->o;
    table *t = need_table(ap, o->schema, o->old_name);
    if (!t) return -1;
    if (!o->new_name || schema_find_table_in(ap->s, o->schema, o->new_name))
        return fail(ap, "cannot rename table '%s' to '%s': that name is taken", o->old_name,
                    o->new_name ? o->new_name : "");
    relocate_table(ap->s, t, t->schema, o->new_name);
    return 0;
}

static int apply_set_table_schema(applier *ap) {
    const op *o = ap->o;
    table *t = need_table(ap, o->old_schema, o->table_name);
    if (!t) return -1;
    if (schema_find_table_in(ap->s, o->schema, o->table_name))
        return fail(ap, "cannot move table '%s' to schema '%s': that schema has a table of that name",
                    o->table_name, o->schema ? o->schema : "(the default)");
    relocate_table(ap->s, t, o->schema, t->name);
    return 0;
}

/* Dropping a table drops its triggers, rules and constraints with it. */
static void remove_table_objects(schema *s, const char *table_name) {
    for (size_t i = s->objects.len; i-- > 0;)
        if (str_eq(s->objects.items[i]->table, table_name) && !s->objects.items[i]->excluded)
            VEC_REMOVE(&s->objects, i);
}

static int apply_drop_column(applier *ap, table *t) {
    const op *o = ap->o;
    const char *name = o->column ? o->column->name : o->old_name;
    column *c = need_column(ap, t, name);
    if (!c) return -1;
    table_column_removed(t, c->name);
    for (size_t i = 0; i < t->columns.len; i++)
        if (t->columns.items[i] == c) {
            VEC_REMOVE(&t->columns, i);
            break;
        }
    for (size_t i = 0; i < t->primary_key.columns.len; i++)
        if (str_eq(t->primary_key.columns.items[i], c->name)) {
            VEC_REMOVE(&t->primary_key.columns, i);
            break;
        }
    for (size_t i = t->indexes.len; i-- > 0;)
        if (strs_contain(&t->indexes.items[i]->columns, c->name) || strs_contain(&t->indexes.items[i]->include, c->name))
            VEC_REMOVE(&t->indexes, i);
    for (size_t i = t->uniques.len; i-- > 0;)
        if (strs_contain(&t->uniques.items[i]->columns, c->name)) VEC_REMOVE(&t->uniques, i);
    for (size_t i = t->foreign_keys.len; i-- > 0;)
        if (strs_contain(&t->foreign_keys.items[i]->columns, c->name)) VEC_REMOVE(&t->foreign_keys, i);
    return 0;
}

static int apply_alter_column(applier *ap, table *t) {
    const op *o = ap->o;
    const column *want = o->column ? o->column : o->old_column;
    const char *name = o->old_column ? o->old_column->name : want ? want->name : NULL;
    column *c = need_column(ap, t, name);
    if (!c || !want) return c ? 0 : -1;
    arena *a = ap->s->arena;
    if (o->alter & ALTER_TYPE) c->type = copy_type(a, &want->type);
    if (o->alter & ALTER_NULLABLE) c->nullable = want->nullable;
    if (o->alter & ALTER_DEFAULT) {
        c->server_default = want->server_default;
        c->server_default.text = arena_strdup(a, want->server_default.text);
    }
    if (o->alter & ALTER_COMMENT) c->comment = arena_strdup(a, want->comment);
    if (o->alter & ALTER_IDENTITY) {
        /* A change of an existing identity (Alembic's SET) keeps what the
        ** new one leaves out. */
        const identity_def *was = c->generated_identity;
        identity_def *g = (identity_def *)copy_identity(a, want->generated_identity);
        if (g && was) {
            if (g->start_omitted) g->start = was->start;
            if (g->increment_omitted) g->increment = was->increment;
            if (!g->has_minvalue && was->has_minvalue) g->has_minvalue = true, g->minvalue = was->minvalue;
            if (!g->has_maxvalue && was->has_maxvalue) g->has_maxvalue = true, g->maxvalue = was->maxvalue;
            if (!g->cache) g->cache = was->cache;
            if (g->cycle < 0) g->cycle = was->cycle;
            g->nominvalue |= was->nominvalue;
            g->nomaxvalue |= was->nomaxvalue;
        }
        if (g) g->start_omitted = g->increment_omitted = false;
        c->generated_identity = g;
        c->identity = g != NULL;
    }
    return 0;
}

static int apply_rename_column(applier *ap, table *t) {
    const op *o = ap->o;
    column *c = need_column(ap, t, o->old_name);
    if (!c) return -1;
    if (!o->new_name || table_find_column(t, o->new_name))
        return fail(ap, "cannot rename column '%s' to '%s': that name is taken", o->old_name,
                    o->new_name ? o->new_name : "");
    const char *old = c->name, *new_name = arena_strdup(ap->s->arena, o->new_name);
    c->name = new_name;
    if (str_eq(c->field_name, old)) c->field_name = new_name;
    table_column_renamed(t, old, c);
    strs_rename(&t->primary_key.columns, old, new_name);
    for (size_t i = 0; i < t->indexes.len; i++) {
        strs_rename(&t->indexes.items[i]->columns, old, new_name);
        strs_rename(&t->indexes.items[i]->include, old, new_name);
    }
    for (size_t i = 0; i < t->uniques.len; i++) strs_rename(&t->uniques.items[i]->columns, old, new_name);
    for (size_t i = 0; i < t->foreign_keys.len; i++)
        strs_rename(&t->foreign_keys.items[i]->columns, old, new_name);
    for (size_t i = 0; i < ap->s->tables.len; i++) {
        table *other = ap->s->tables.items[i];
        for (size_t k = 0; k < other->foreign_keys.len; k++) {
            foreign_key *fk = other->foreign_keys.items[k];
            if (foreign_key_references(fk, t->schema, t->name))
                strs_rename(&fk->ref_columns, old, new_name);
        }
    }
    return 0;
}

/* The index named `name`: in table t when given, else in any table. */
static index_def *find_index(schema *s, table *t, const char *name, table **owner, size_t *pos) {
    for (size_t i = 0; i < s->tables.len; i++) {
        table *x = s->tables.items[i];
        if (t && x != t) continue;
        for (size_t k = 0; k < x->indexes.len; k++)
            if (str_eq(x->indexes.items[k]->name, name)) {
                *owner = x;
                *pos = k;
                return x->indexes.items[k];
            }
    }
    return NULL;
}

static int apply_table_op(applier *ap, table *t);

/* Mark (or unmark) the columns of t's primary key. */
static void set_primary_key_flags(table *t, bool on) {
    for (size_t i = 0; i < t->primary_key.columns.len; i++) {
        column *c = table_find_column(t, t->primary_key.columns.items[i]);
        if (c) {
            c->primary_key = on;
            if (on) c->nullable = false;    /* both databases make key columns NOT NULL */
        }
    }
}

/* create_primary_key replaces the key there is, as Alembic's batch does on
** SQLite (PostgreSQL refuses a second key: the SQL side fails there). */
static int apply_add_primary_key(applier *ap, table *t) {
    const op *o = ap->o;
    arena *a = ap->s->arena;
    if (!o->pk || !o->pk->columns.len) return fail(ap, "create primary key without columns");
    for (size_t i = 0; i < o->pk->columns.len; i++)
        if (!need_column(ap, t, o->pk->columns.items[i])) return -1;
    set_primary_key_flags(t, false);
    t->primary_key.name = arena_strdup(a, o->pk->name);
    copy_strs(a, &t->primary_key.columns, &o->pk->columns);
    set_primary_key_flags(t, true);
    return 0;
}

/* One op.  Ops of scope SCHEMA change the set of tables; TABLE ops change
** the table they name (which must exist); DATA ops change no schema. */
static int apply_one(applier *ap) {
    const op *o = ap->o;
    schema *s = ap->s;
    table *t = NULL;
    switch (o->kind) {
    case OP_CREATE_TABLE: {
        const char *name = op_table_name(o);
        if (!o->table || !name) return fail(ap, "create table without a table");
        if (schema_find_table_in(s, o->schema, name))
            return fail(ap, "table '%s' already exists", qualified_name(s->arena, o->schema, name));
        copy_table(s, o->table, o->schema, name, false);
        return 0;
    }
    case OP_DROP_TABLE:
        if (!(t = need_table(ap, o->schema, op_table_name(o)))) return -1;
        remove_table_objects(s, qualified_name(s->arena, t->schema, t->name));
        remove_table(s, t);
        return 0;
    case OP_RENAME_TABLE: return apply_rename_table(ap);
    case OP_SET_TABLE_SCHEMA: return apply_set_table_schema(ap);
    case OP_CREATE_ENUM: {
        const enum_type *e = o->enumeration;
        if (schema_find_enum_in(s, e->schema, e->name))
            return fail(ap, "enum type '%s' already exists", qualified_name(s->arena, e->schema, e->name));
        add_enum_copy(s, e);
        return 0;
    }
    case OP_DROP_ENUM:
    case OP_ALTER_ENUM: {
        const enum_type *e = o->enumeration;
        if (!schema_find_enum_in(s, e->schema, e->name))
            return fail(ap, "enum type '%s' does not exist", qualified_name(s->arena, e->schema, e->name));
        remove_enum(s, e);
        if (o->kind == OP_ALTER_ENUM) add_enum_copy(s, e);
        return 0;
    }
    case OP_EXECUTE:
    case OP_BULK_INSERT: return 0;
    case OP_ADD_COLUMN: case OP_DROP_COLUMN: case OP_ALTER_COLUMN: case OP_RENAME_COLUMN:
    case OP_CREATE_INDEX: case OP_DROP_INDEX: case OP_ADD_UNIQUE: case OP_DROP_UNIQUE:
    case OP_ADD_FOREIGN_KEY: case OP_DROP_FOREIGN_KEY: case OP_ADD_CHECK: case OP_DROP_CHECK:
    case OP_ADD_PRIMARY_KEY: case OP_DROP_PRIMARY_KEY: case OP_SET_TABLE_COMMENT:
        if (!(t = need_table(ap, o->schema, o->table_name))) return -1;
        return apply_table_op(ap, t);
    }
    return fail(ap, "unknown op kind %d", (int)o->kind);
}

static int apply_table_op(applier *ap, table *t) {
    const op *o = ap->o;
    schema *s = ap->s;
    arena *a = s->arena;
    size_t pos = 0;
    switch (o->kind) {
    case OP_ADD_COLUMN: {
        if (!o->column) return fail(ap, "add column without a column");
        column *c = table_add_column(s, t, o->column->name);
        if (!c) return fail(ap, "column '%s' already exists in table '%s'", o->column->name, t->name);
        copy_column_into(a, c, o->column);
        if (c->primary_key) vec_push(a, &t->primary_key.columns, c->name);
        return 0;
    }
    case OP_DROP_COLUMN: return apply_drop_column(ap, t);
    case OP_ALTER_COLUMN: return apply_alter_column(ap, t);
    case OP_RENAME_COLUMN: return apply_rename_column(ap, t);
    case OP_CREATE_INDEX: {
        table *owner;
        if (!o->index) return fail(ap, "create index without an index");
        if (find_index(s, NULL, o->index->name, &owner, &pos) && schema_same(owner->schema, t->schema))
            return fail(ap, "index '%s' already exists (on table '%s')", o->index->name, owner->name);
        vec_push(a, &t->indexes, copy_index(a, o->index));
        return 0;
    }
    case OP_DROP_INDEX: {
        table *owner;
        const char *name = o->index ? o->index->name : o->old_name;
        if (!find_index(s, t, name, &owner, &pos))
            return fail(ap, "index '%s' does not exist on table '%s'", name ? name : "(none)", t->name);
        VEC_REMOVE(&owner->indexes, pos);
        return 0;
    }
    case OP_ADD_UNIQUE:
        if (!o->unique) return fail(ap, "add unique constraint without a constraint");
        vec_push(a, &t->uniques, copy_unique(a, o->unique));
        return 0;
    case OP_DROP_UNIQUE: {
        if (!o->unique) return fail(ap, "drop without a name");
        const char *name = unique_op_name(a, t->name, o->unique);
        for (size_t i = 0; i < t->uniques.len; i++)
            if (str_eq(unique_op_name(a, t->name, t->uniques.items[i]), name)) {
                VEC_REMOVE(&t->uniques, i);
                return 0;
            }
        return fail(ap, "unique constraint '%s' does not exist on table '%s'", name, t->name);
    }
    case OP_ADD_FOREIGN_KEY:
        if (!o->fk) return fail(ap, "add foreign key without a key");
        vec_push(a, &t->foreign_keys, copy_fk(a, o->fk));
        return 0;
    case OP_DROP_FOREIGN_KEY: {
        if (!o->fk) return fail(ap, "drop without a name");
        const char *name = fk_op_name(a, t->name, o->fk);
        for (size_t i = 0; i < t->foreign_keys.len; i++)
            if (str_eq(fk_op_name(a, t->name, t->foreign_keys.items[i]), name)) {
                VEC_REMOVE(&t->foreign_keys, i);
                return 0;
            }
        return fail(ap, "foreign key '%s' does not exist on table '%s'", name, t->name);
    }
    case OP_ADD_CHECK:
        if (!o->check) return fail(ap, "add check constraint without a constraint");
        vec_push(a, &t->checks, copy_check(a, o->check));
        return 0;
    case OP_DROP_CHECK: {
        if (!o->check) return fail(ap, "drop without a name");
        const char *name = check_op_name(a, t->name, o->check);
        for (size_t i = 0; i < t->checks.len; i++)
            if (str_eq(check_op_name(a, t->name, t->checks.items[i]), name)) {
                VEC_REMOVE(&t->checks, i);
                return 0;
            }
        return fail(ap, "check constraint '%s' does not exist on table '%s'", name, t->name);
    }
    case OP_ADD_PRIMARY_KEY: return apply_add_primary_key(ap, t);
    case OP_DROP_PRIMARY_KEY: {
        if (!o->pk) return fail(ap, "drop without a name");
        if (!t->primary_key.columns.len) return fail(ap, "table '%s' has no primary key to drop", t->name);
        const char *name = pk_op_name(a, t->name, o->pk), *have = pk_op_name(a, t->name, &t->primary_key);
        /* SQLite keeps an unnamed key unnamed: any name drops it. */
        if (t->primary_key.name && o->pk->name && !str_eq(name, have))
            return fail(ap, "the primary key of table '%s' is '%s', not '%s'", t->name, have, name);
        set_primary_key_flags(t, false);
        memset(&t->primary_key, 0, sizeof t->primary_key);
        return 0;
    }
    case OP_SET_TABLE_COMMENT:
        t->comment = arena_strdup(a, o->new_comment);
        return 0;
    case OP_CREATE_TABLE: case OP_DROP_TABLE: case OP_RENAME_TABLE: case OP_SET_TABLE_SCHEMA:
    case OP_EXECUTE: case OP_BULK_INSERT:
    case OP_CREATE_ENUM: case OP_DROP_ENUM: case OP_ALTER_ENUM:
        break;      /* not table ops: apply_one() */
    }
    return 0;
}

int schema_apply_ops(schema *s, const op *ops, size_t n, diag_list *dl) {
    for (size_t i = 0; i < n; i++) {
        applier ap = {.s = s, .dl = dl, .o = &ops[i]};
        if (apply_one(&ap) != 0) return -1;
    }
    return 0;
}

void schema_replace_table(schema *s, const table *t) {
    table *old = schema_find_table_in(s, t->schema, t->name);
    if (old) remove_table(s, old);
    copy_table(s, t, t->schema, t->name, true);
}
