/*
** ops.c — the op list: inversion, one-line descriptions, JSON.
*/
#include "diff/diff.h"

#include <stdlib.h>
#include <string.h>

void migration_ops_free(migration_ops *m) {
    if (!m) return;
    arena_free(m->arena);   /* the struct itself lives in its arena */
}

static const op_kind_info OP_KINDS[] = {
#define OP_KIND_INFO(name, json, alembic, inverse, scope, sqlite, sqlite_batch, what)                             \
    [OP_##name] = {json, alembic, OP_##inverse, OP_SCOPE_##scope, OP_SQLITE_##sqlite, OP_SQLITE_##sqlite_batch, what},
    OP_KIND_LIST(OP_KIND_INFO)
#undef OP_KIND_INFO
};

const op_kind_info *op_kind_info_of(op_kind k) { return &OP_KINDS[k]; }

op op_inverse(const op *o) {
    op r = *o;
    r.kind = OP_KINDS[o->kind].inverse;
    /* The fields that trade places. */
    switch (o->kind) {
    case OP_CREATE_TABLE: case OP_DROP_TABLE:
    case OP_ADD_COLUMN: case OP_DROP_COLUMN:
    case OP_CREATE_INDEX: case OP_DROP_INDEX:
    case OP_ADD_UNIQUE: case OP_DROP_UNIQUE:
    case OP_ADD_FOREIGN_KEY: case OP_DROP_FOREIGN_KEY:
    case OP_ADD_CHECK: case OP_DROP_CHECK:
    case OP_ADD_PRIMARY_KEY: case OP_DROP_PRIMARY_KEY:
        break;
    case OP_RENAME_TABLE:
        r.old_name = o->new_name;
        r.new_name = o->old_name;
        r.table_name = o->old_name;
        break;
    case OP_SET_TABLE_SCHEMA:
        r.schema = o->old_schema;
        r.old_schema = o->schema;
        break;
    case OP_ALTER_COLUMN:
        r.column = o->old_column;
        r.old_column = o->column;
        r.postgresql_using = NULL;      /* a file's USING goes one way */
        break;
    case OP_RENAME_COLUMN:
        r.old_name = o->new_name;
        r.new_name = o->old_name;
        r.column = o->old_column;
        r.old_column = o->column;
        break;
    case OP_SET_TABLE_COMMENT:
        r.old_comment = o->new_comment;
        r.new_comment = o->old_comment;
        break;
    case OP_CREATE_ENUM: case OP_DROP_ENUM:
        break;
    case OP_ALTER_ENUM:
        r.enumeration = o->old_enumeration;
        r.old_enumeration = o->enumeration;
        break;
    case OP_EXECUTE:
    case OP_BULK_INSERT:
        break;                  /* not invertible: files say their own downgrade */
    }
    return r;
}

static const char *cols_text(arena *a, const str_vec *v) { return str_vec_join(a, v, ", "); }

/* 'a', 'b', 'c' */
static const char *enum_labels_text(arena *a, const enum_type *e) {
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < e->labels.len; i++) sb_printf(&sb, "%s'%s'", i ? ", " : "", e->labels.items[i].label);
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static bool has_label(const str_vec *v, const char *label) {
    for (size_t i = 0; i < v->len; i++)
        if (!strcmp(v->items[i], label)) return true;
    return false;
}

void enum_change_plan_of(arena *a, const enum_type *before, const enum_type *after, enum_change_plan *out) {
    memset(out, 0, sizeof *out);
    /* 1. Renames, from a hint on either side: a label of `after` renamed
    ** from one of `before` (the upgrade), or a label of `before` renamed
    ** from one of `after` (its downgrade). */
    for (size_t i = 0; i < after->labels.len; i++) {
        const enum_label *l = &after->labels.items[i];
        if (l->renamed_from && enum_type_find_label(before, l->renamed_from) >= 0 &&
            enum_type_find_label(before, l->label) < 0 && enum_type_find_label(after, l->renamed_from) < 0) {
            vec_push(a, &out->renamed_from, l->renamed_from);
            vec_push(a, &out->renamed_to, l->label);
        }
    }
    for (size_t i = 0; i < before->labels.len; i++) {
        const enum_label *l = &before->labels.items[i];
        if (l->renamed_from && enum_type_find_label(after, l->renamed_from) >= 0 &&
            enum_type_find_label(after, l->label) < 0 && enum_type_find_label(before, l->renamed_from) < 0 &&
            !has_label(&out->renamed_from, l->label)) {
            vec_push(a, &out->renamed_from, l->label);
            vec_push(a, &out->renamed_to, l->renamed_from);
        }
    }
    /* 2. The labels once renamed. */
    str_vec now = {0};
    for (size_t i = 0; i < before->labels.len; i++) {
        const char *l = before->labels.items[i].label;
        for (size_t k = 0; k < out->renamed_from.len; k++)
            if (!strcmp(out->renamed_from.items[k], l)) l = out->renamed_to.items[k];
        vec_push(a, &now, l);
    }
    /* 3. Labels that go, and whether those that stay keep their order. */
    int last = -1;
    for (size_t i = 0; i < now.len; i++) {
        int at = enum_type_find_label(after, now.items[i]);
        if (at < 0) {
            vec_push(a, &out->removed, now.items[i]);
            out->rebuild = true;
        } else {
            if (at < last) out->rebuild = true;
            last = at;
        }
    }
    /* 4. Labels that come: in place (ADD VALUE) unless the type is rebuilt
    ** anyway.  Each goes after its left neighbour, which exists by then
    ** (the labels are added left to right), or before the first label
    ** there was; past the last old label it is appended. */
    int first_old = -1, last_old = -1;
    for (size_t i = 0; i < after->labels.len; i++)
        if (has_label(&now, after->labels.items[i].label)) {
            if (first_old < 0) first_old = (int)i;
            last_old = (int)i;
        }
    for (size_t i = 0; i < after->labels.len; i++) {
        const char *l = after->labels.items[i].label;
        if (has_label(&now, l)) continue;
        vec_push(a, &out->added, l);
        const char *before_label = NULL, *after_label = NULL;
        if (!out->rebuild && (int)i < last_old) {
            if (i > 0) after_label = after->labels.items[i - 1].label;
            else before_label = after->labels.items[first_old].label;
        }
        vec_push(a, &out->added_after, after_label);
        vec_push(a, &out->added_before, before_label);
    }
}

static const char *default_text(arena *a, const server_default *d) {
    switch (d->kind) {
    case DEFAULT_NONE: return "none";
    case DEFAULT_STRING: return arena_printf(a, "'%s'", d->text);
    case DEFAULT_NUMBER: return d->text;
    case DEFAULT_BOOL: return d->bool_value ? "true" : "false";
    case DEFAULT_NOW: return "now()";
    case DEFAULT_SQL: return d->text;
    }
    return "?";
}

static const char *constraint_label(arena *a, const char *name, const str_vec *cols) {
    return name ? arena_printf(a, "'%s'", name) : arena_printf(a, "(%s)", cols_text(a, cols));
}

/* An index's keys as op_describe shows them: "(a, b)", or with what a
** plain index has not: "(created_at DESC NULLS LAST, (lower(email))) USING
** gin INCLUDE (x)". */
static const char *index_text(arena *a, const index_def *ix) {
    if (index_is_plain(ix)) return arena_printf(a, "(%s)", cols_text(a, &ix->columns));
    strbuf sb = STRBUF_INIT;
    sb_appendc(&sb, '(');
    for (size_t k = 0; k < ix->columns.len; k++) {
        index_key key = index_key_at(ix, k);
        sb_printf(&sb, "%s%s", k ? ", " : "", ix->columns.items[k]);
        if (key.opclass) sb_printf(&sb, " %s", key.opclass);
        if (key.desc) sb_append(&sb, " DESC");
        if (key.nulls != NULLS_DEFAULT) sb_append(&sb, key.nulls == NULLS_FIRST ? " NULLS FIRST" : " NULLS LAST");
    }
    sb_appendc(&sb, ')');
    if (ix->method) sb_printf(&sb, " USING %s", ix->method);
    if (ix->include.len) sb_printf(&sb, " INCLUDE (%s)", cols_text(a, &ix->include));
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

const char *op_describe(arena *a, const op *o) {
    const char *t = o->table_name ? qualified_name(a, o->schema, o->table_name) : NULL;
    switch (o->kind) {
    case OP_CREATE_TABLE: return arena_printf(a, "Detected added table '%s'", t);
    case OP_DROP_TABLE: return arena_printf(a, "Detected removed table '%s'", t);
    case OP_RENAME_TABLE:
        return arena_printf(a, "Detected renamed table '%s' to '%s'", qualified_name(a, o->schema, o->old_name),
                            qualified_name(a, o->schema, o->new_name));
    case OP_SET_TABLE_SCHEMA:
        return arena_printf(a, "Detected table '%s' moved to schema '%s'",
                            qualified_name(a, o->old_schema, o->table_name),
                            o->schema ? o->schema : "(the default schema)");
    case OP_ADD_COLUMN: return arena_printf(a, "Detected added column '%s.%s'", t, o->column->name);
    case OP_DROP_COLUMN: return arena_printf(a, "Detected removed column '%s.%s'", t, o->column->name);
    case OP_RENAME_COLUMN:
        return arena_printf(a, "Detected renamed column '%s.%s' to '%s'", t, o->old_name, o->new_name);
    case OP_ALTER_COLUMN: {
        strbuf sb = STRBUF_INIT;
        const column *n = o->column, *p = o->old_column;
        const char *sep = "";
        if (o->alter & ALTER_TYPE) {
            sb_printf(&sb, "Detected type change from %s to %s on '%s.%s'",
                      p->type.raw ? p->type.raw : col_type_to_string(a, &p->type),
                      col_type_to_string(a, &n->type), t, n->name);
            sep = "\n";
        }
        if (o->alter & ALTER_NULLABLE) {
            sb_printf(&sb, "%sDetected %s on column '%s.%s'", sep,
                      n->nullable ? "NULL" : "NOT NULL", t, n->name);
            sep = "\n";
        }
        if (o->alter & ALTER_DEFAULT) {
            sb_printf(&sb, "%sDetected server default change from %s to %s on '%s.%s'", sep,
                      default_text(a, &p->server_default), default_text(a, &n->server_default), t,
                      n->name);
            sep = "\n";
        }
        if (o->alter & ALTER_COMMENT) {
            sb_printf(&sb, "%sDetected column comment change on '%s.%s'", sep, t, n->name);
            sep = "\n";
        }
        if (o->alter & ALTER_IDENTITY) {
            const identity_def *ni = n->generated_identity, *pi = p ? p->generated_identity : NULL;
            if (ni && !pi)
                sb_printf(&sb, "%sDetected added identity GENERATED %s AS IDENTITY (%s) on '%s.%s'", sep,
                          ni->always ? "ALWAYS" : "BY DEFAULT", identity_options_sql(a, ni, false), t, n->name);
            else if (!ni)
                sb_printf(&sb, "%sDetected removed identity on '%s.%s'", sep, t, n->name);
            else
                sb_printf(&sb, "%sDetected identity change from %s (%s) to %s (%s) on '%s.%s'", sep,
                          pi->always ? "ALWAYS" : "BY DEFAULT", identity_options_sql(a, pi, false),
                          ni->always ? "ALWAYS" : "BY DEFAULT", identity_options_sql(a, ni, false), t, n->name);
        }
        const char *r = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
        return r;
    }
    case OP_CREATE_INDEX:
        return arena_printf(a, "Detected added %sindex '%s' on '%s' %s", o->index->unique ? "unique " : "",
                            o->index->name, t, index_text(a, o->index));
    case OP_DROP_INDEX:
        return arena_printf(a, "Detected removed index '%s' on '%s'", o->index->name, t);
    case OP_ADD_UNIQUE:
        return arena_printf(a, "Detected added unique constraint %s on '%s'",
                            constraint_label(a, o->unique->name, &o->unique->columns), t);
    case OP_DROP_UNIQUE:
        return arena_printf(a, "Detected removed unique constraint %s on '%s'",
                            constraint_label(a, o->unique->name, &o->unique->columns), t);
    case OP_ADD_FOREIGN_KEY:
        return arena_printf(a, "Detected added foreign key %s on '%s' to '%s'",
                            constraint_label(a, o->fk->name, &o->fk->columns), t,
                            qualified_name(a, o->fk->ref_schema, o->fk->ref_table));
    case OP_DROP_FOREIGN_KEY:
        return arena_printf(a, "Detected removed foreign key %s on '%s'",
                            constraint_label(a, o->fk->name, &o->fk->columns), t);
    case OP_ADD_CHECK:
        return arena_printf(a, "Detected added check constraint '%s' on '%s'",
                            o->check->name ? o->check->name : o->check->sqltext, t);
    case OP_DROP_CHECK:
        return arena_printf(a, "Detected removed check constraint '%s' on '%s'",
                            o->check->name ? o->check->name : o->check->sqltext, t);
    case OP_ADD_PRIMARY_KEY:
        return arena_printf(a, "Detected added primary key %s on '%s'",
                            constraint_label(a, o->pk->name, &o->pk->columns), t);
    case OP_DROP_PRIMARY_KEY:
        return arena_printf(a, "Detected removed primary key %s on '%s'",
                            constraint_label(a, o->pk->name, &o->pk->columns), t);
    case OP_SET_TABLE_COMMENT:
        return arena_printf(a, "Detected %s table comment on '%s'",
                            o->new_comment ? (o->old_comment ? "changed" : "added") : "removed", t);
    case OP_CREATE_ENUM:
        return arena_printf(a, "Detected added enum type '%s' (%s)",
                            qualified_name(a, o->enumeration->schema, o->enumeration->name),
                            enum_labels_text(a, o->enumeration));
    case OP_DROP_ENUM:
        return arena_printf(a, "Detected removed enum type '%s'",
                            qualified_name(a, o->enumeration->schema, o->enumeration->name));
    case OP_ALTER_ENUM: {
        enum_change_plan pl;
        enum_change_plan_of(a, o->old_enumeration, o->enumeration, &pl);
        strbuf sb = STRBUF_INIT;
        sb_printf(&sb, "Detected changed enum type '%s':",
                  qualified_name(a, o->enumeration->schema, o->enumeration->name));
        const char *sep = " ";
        for (size_t i = 0; i < pl.renamed_from.len; i++, sep = "; ")
            sb_printf(&sb, "%srenamed '%s' to '%s'", sep, pl.renamed_from.items[i], pl.renamed_to.items[i]);
        for (size_t i = 0; i < pl.added.len; i++, sep = "; ") sb_printf(&sb, "%sadded '%s'", sep, pl.added.items[i]);
        for (size_t i = 0; i < pl.removed.len; i++, sep = "; ")
            sb_printf(&sb, "%sremoved '%s'", sep, pl.removed.items[i]);
        if (pl.rebuild) sb_printf(&sb, "%slabels now (%s): the type is rebuilt", sep, enum_labels_text(a, o->enumeration));
        const char *r = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
        return r;
    }
    case OP_EXECUTE:
        return arena_printf(a, "Execute SQL: %s", o->sql);
    case OP_BULK_INSERT:
        return arena_printf(a, "Insert %zu row%s into '%s'", o->rows ? o->rows->len : 0,
                            o->rows && o->rows->len == 1 ? "" : "s", t);
    }
    return "";
}

static json_t *json_str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *json_str_vec(const str_vec *v) {
    json_t *a = json_array();
    for (size_t i = 0; i < v->len; i++) json_array_append_new(a, json_string(v->items[i]));
    return a;
}

/* A server default as JSON: null for none, else its text as op_describe
** writes it ('pending', 0, true, now(), the SQL). */
static json_t *json_default(arena *a, const server_default *d) {
    return d->kind == DEFAULT_NONE ? json_null() : json_string(default_text(a, d));
}

static json_t *json_coltype(arena *a, const col_type *t) {
    if (t->kind == TYPE_OTHER && !t->raw) return json_null();     /* unknown (a file without existing_type=) */
    return json_string(t->raw && t->kind == TYPE_OTHER ? t->raw : col_type_to_string(a, t));
}

static json_t *json_identity(arena *a, const identity_def *g) {
    if (!g) return json_null();
    return json_string(arena_printf(a, "GENERATED %s AS IDENTITY (%s)", g->always ? "ALWAYS" : "BY DEFAULT",
                                    identity_options_sql(a, g, false)));
}

/* What a column is (add_column: the new one; drop_column: the one dropped). */
static void json_column_attrs(arena *a, json_t *j, const column *c) {
    json_object_set_new(j, "type", json_coltype(a, &c->type));
    json_object_set_new(j, "nullable", json_boolean(c->nullable));
    json_object_set_new(j, "server_default", json_default(a, &c->server_default));
    json_object_set_new(j, "comment", json_str_or_null(c->comment));
}

static json_t *json_change(json_t *from, json_t *to) {
    json_t *c = json_object();
    json_object_set_new(c, "from", from);
    json_object_set_new(c, "to", to);
    return c;
}

/* alter_column: {"type": {"from", "to"}, "nullable": ..., "server_default":
** ..., "comment": ..., "identity": ...}, the attributes altered only.  A
** "from" is null where it is unknown (an op read from a file without
** existing_*=). */
static json_t *json_alter_changes(arena *a, const op *o) {
    const column *n = o->column, *p = o->old_column;
    json_t *ch = json_object();
    if (o->alter & ALTER_TYPE)
        json_object_set_new(ch, "type", json_change(p ? json_coltype(a, &p->type) : json_null(), json_coltype(a, &n->type)));
    if (o->alter & ALTER_NULLABLE)
        json_object_set_new(ch, "nullable", json_change(p ? json_boolean(p->nullable) : json_null(),
                                                        json_boolean(n->nullable)));
    if (o->alter & ALTER_DEFAULT)
        json_object_set_new(ch, "server_default", json_change(p ? json_default(a, &p->server_default) : json_null(),
                                                              json_default(a, &n->server_default)));
    if (o->alter & ALTER_COMMENT)
        json_object_set_new(ch, "comment", json_change(p ? json_str_or_null(p->comment) : json_null(),
                                                       json_str_or_null(n->comment)));
    if (o->alter & ALTER_IDENTITY)
        json_object_set_new(ch, "identity", json_change(p ? json_identity(a, p->generated_identity) : json_null(),
                                                        json_identity(a, n->generated_identity)));
    return ch;
}

json_t *migration_ops_to_json(const migration_ops *m) {
    json_t *arr = json_array();
    arena *a = arena_new();
    for (size_t i = 0; i < m->ops.len; i++) {
        const op *o = &m->ops.items[i];
        json_t *j = json_object();
        json_object_set_new(j, "op", json_string(OP_KINDS[o->kind].json_name));
        json_object_set_new(j, "table", json_string(o->table_name));
        const char *nsp = o->kind == OP_CREATE_ENUM || o->kind == OP_DROP_ENUM || o->kind == OP_ALTER_ENUM
                              ? o->enumeration->schema
                              : o->schema;
        if (nsp) json_object_set_new(j, "schema", json_string(nsp));
        switch (o->kind) {
        case OP_SET_TABLE_SCHEMA:
            json_object_set_new(j, "from", json_str_or_null(o->old_schema));
            json_object_set_new(j, "to", json_str_or_null(o->schema));
            break;
        case OP_RENAME_TABLE:
        case OP_RENAME_COLUMN:
            json_object_set_new(j, "from", json_string(o->old_name));
            json_object_set_new(j, "to", json_string(o->new_name));
            break;
        case OP_ADD_COLUMN:
        case OP_DROP_COLUMN:
            json_object_set_new(j, "column", json_string(o->column->name));
            json_column_attrs(a, j, o->column);
            break;
        case OP_ALTER_COLUMN:
            json_object_set_new(j, "column", json_string(o->column->name));
            json_object_set_new(j, "changes", json_alter_changes(a, o));
            break;
        case OP_CREATE_INDEX:
        case OP_DROP_INDEX:
            json_object_set_new(j, "name", json_string(o->index->name));
            json_object_set_new(j, "columns", json_str_vec(&o->index->columns));
            break;
        case OP_ADD_UNIQUE:
        case OP_DROP_UNIQUE:
            json_object_set_new(j, "name", json_str_or_null(o->unique->name));
            json_object_set_new(j, "columns", json_str_vec(&o->unique->columns));
            break;
        case OP_ADD_FOREIGN_KEY:
        case OP_DROP_FOREIGN_KEY:
            json_object_set_new(j, "name", json_str_or_null(o->fk->name));
            json_object_set_new(j, "columns", json_str_vec(&o->fk->columns));
            json_object_set_new(j, "referred_table", json_string(o->fk->ref_table));
            if (o->fk->ref_schema) json_object_set_new(j, "referred_schema", json_string(o->fk->ref_schema));
            break;
        case OP_ADD_CHECK:
        case OP_DROP_CHECK:
            json_object_set_new(j, "name", json_str_or_null(o->check->name));
            json_object_set_new(j, "sqltext", json_string(o->check->sqltext));
            break;
        case OP_ADD_PRIMARY_KEY:
        case OP_DROP_PRIMARY_KEY:
            json_object_set_new(j, "name", json_str_or_null(o->pk->name));
            json_object_set_new(j, "columns", json_str_vec(&o->pk->columns));
            break;
        case OP_SET_TABLE_COMMENT:
            json_object_set_new(j, "from", json_str_or_null(o->old_comment));
            json_object_set_new(j, "to", json_str_or_null(o->new_comment));
            break;
        case OP_CREATE_ENUM:
        case OP_DROP_ENUM:
        case OP_ALTER_ENUM: {
            json_object_set_new(j, "name", json_string(o->enumeration->name));
            json_t *labels = json_array();
            for (size_t k = 0; k < o->enumeration->labels.len; k++)
                json_array_append_new(labels, json_string(o->enumeration->labels.items[k].label));
            json_object_set_new(j, "labels", labels);
            if (o->old_enumeration) {
                json_t *from = json_array();
                for (size_t k = 0; k < o->old_enumeration->labels.len; k++)
                    json_array_append_new(from, json_string(o->old_enumeration->labels.items[k].label));
                json_object_set_new(j, "from_labels", from);
            }
            break;
        }
        case OP_EXECUTE:
            json_object_set_new(j, "sql", json_string(o->sql));
            break;
        case OP_CREATE_TABLE:
        case OP_DROP_TABLE:
        case OP_BULK_INSERT:
            break;
        }
        json_object_set_new(j, "description", json_string(op_describe(a, o)));
        json_array_append_new(arr, j);
    }
    arena_free(a);
    return arr;
}
