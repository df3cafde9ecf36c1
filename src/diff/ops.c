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

op op_inverse(const op *o) {
    op r = *o;
    switch (o->kind) {
    case OP_CREATE_TABLE: r.kind = OP_DROP_TABLE; break;
    case OP_DROP_TABLE: r.kind = OP_CREATE_TABLE; break;
    case OP_RENAME_TABLE:
        r.old_name = o->new_name;
        r.new_name = o->old_name;
        r.table_name = o->old_name;
        break;
    case OP_ADD_COLUMN: r.kind = OP_DROP_COLUMN; break;
    case OP_DROP_COLUMN: r.kind = OP_ADD_COLUMN; break;
    case OP_ALTER_COLUMN:
        r.column = o->old_column;
        r.old_column = o->column;
        break;
    case OP_RENAME_COLUMN:
        r.old_name = o->new_name;
        r.new_name = o->old_name;
        r.column = o->old_column;
        r.old_column = o->column;
        break;
    case OP_CREATE_INDEX: r.kind = OP_DROP_INDEX; break;
    case OP_DROP_INDEX: r.kind = OP_CREATE_INDEX; break;
    case OP_ADD_UNIQUE: r.kind = OP_DROP_UNIQUE; break;
    case OP_DROP_UNIQUE: r.kind = OP_ADD_UNIQUE; break;
    case OP_ADD_FOREIGN_KEY: r.kind = OP_DROP_FOREIGN_KEY; break;
    case OP_DROP_FOREIGN_KEY: r.kind = OP_ADD_FOREIGN_KEY; break;
    case OP_ADD_CHECK: r.kind = OP_DROP_CHECK; break;
    case OP_DROP_CHECK: r.kind = OP_ADD_CHECK; break;
    case OP_SET_TABLE_COMMENT:
        r.old_comment = o->new_comment;
        r.new_comment = o->old_comment;
        break;
    case OP_EXECUTE:
    case OP_BULK_INSERT:
        break;                  /* not invertible: files say their own downgrade */
    }
    return r;
}

static const char *cols_text(arena *a, const str_vec *v) { return str_vec_join(a, v, ", "); }

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

static const char *op_name(op_kind k) {
    static const char *const names[] = {
        [OP_CREATE_TABLE] = "create_table", [OP_DROP_TABLE] = "drop_table",
        [OP_RENAME_TABLE] = "rename_table", [OP_ADD_COLUMN] = "add_column",
        [OP_DROP_COLUMN] = "drop_column", [OP_ALTER_COLUMN] = "alter_column",
        [OP_RENAME_COLUMN] = "rename_column", [OP_CREATE_INDEX] = "create_index",
        [OP_DROP_INDEX] = "drop_index", [OP_ADD_UNIQUE] = "add_unique_constraint",
        [OP_DROP_UNIQUE] = "drop_unique_constraint", [OP_ADD_FOREIGN_KEY] = "add_foreign_key",
        [OP_DROP_FOREIGN_KEY] = "drop_foreign_key", [OP_ADD_CHECK] = "add_check_constraint",
        [OP_DROP_CHECK] = "drop_check_constraint", [OP_SET_TABLE_COMMENT] = "set_table_comment",
        [OP_EXECUTE] = "execute", [OP_BULK_INSERT] = "bulk_insert",
    };
    return names[k];
}

static const char *constraint_label(arena *a, const char *name, const str_vec *cols) {
    return name ? arena_printf(a, "'%s'", name) : arena_printf(a, "(%s)", cols_text(a, cols));
}

const char *op_describe(arena *a, const op *o) {
    const char *t = o->table_name;
    switch (o->kind) {
    case OP_CREATE_TABLE: return arena_printf(a, "Detected added table '%s'", t);
    case OP_DROP_TABLE: return arena_printf(a, "Detected removed table '%s'", t);
    case OP_RENAME_TABLE:
        return arena_printf(a, "Detected renamed table '%s' to '%s'", o->old_name, o->new_name);
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
        if (o->alter & ALTER_COMMENT)
            sb_printf(&sb, "%sDetected column comment change on '%s.%s'", sep, t, n->name);
        const char *r = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
        return r;
    }
    case OP_CREATE_INDEX:
        return arena_printf(a, "Detected added %sindex '%s' on '%s' (%s)", o->index->unique ? "unique " : "",
                            o->index->name, t, cols_text(a, &o->index->columns));
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
                            constraint_label(a, o->fk->name, &o->fk->columns), t, o->fk->ref_table);
    case OP_DROP_FOREIGN_KEY:
        return arena_printf(a, "Detected removed foreign key %s on '%s'",
                            constraint_label(a, o->fk->name, &o->fk->columns), t);
    case OP_ADD_CHECK:
        return arena_printf(a, "Detected added check constraint '%s' on '%s'",
                            o->check->name ? o->check->name : o->check->sqltext, t);
    case OP_DROP_CHECK:
        return arena_printf(a, "Detected removed check constraint '%s' on '%s'",
                            o->check->name ? o->check->name : o->check->sqltext, t);
    case OP_SET_TABLE_COMMENT:
        return arena_printf(a, "Detected %s table comment on '%s'",
                            o->new_comment ? (o->old_comment ? "changed" : "added") : "removed", t);
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

json_t *migration_ops_to_json(const migration_ops *m) {
    json_t *arr = json_array();
    arena *a = arena_new();
    for (size_t i = 0; i < m->ops.len; i++) {
        const op *o = &m->ops.items[i];
        json_t *j = json_object();
        json_object_set_new(j, "op", json_string(op_name(o->kind)));
        json_object_set_new(j, "table", json_string(o->table_name));
        switch (o->kind) {
        case OP_RENAME_TABLE:
        case OP_RENAME_COLUMN:
            json_object_set_new(j, "from", json_string(o->old_name));
            json_object_set_new(j, "to", json_string(o->new_name));
            break;
        case OP_ADD_COLUMN:
        case OP_DROP_COLUMN:
        case OP_ALTER_COLUMN:
            json_object_set_new(j, "column", json_string(o->column->name));
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
            break;
        case OP_ADD_CHECK:
        case OP_DROP_CHECK:
            json_object_set_new(j, "name", json_str_or_null(o->check->name));
            json_object_set_new(j, "sqltext", json_string(o->check->sqltext));
            break;
        case OP_SET_TABLE_COMMENT:
            json_object_set_new(j, "from", json_str_or_null(o->old_comment));
            json_object_set_new(j, "to", json_str_or_null(o->new_comment));
            break;
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
