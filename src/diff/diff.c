/*
** diff.c — compare the current schema with the wanted schema.
**
** Matching:
**   tables    by name; else by the wanted table's @@renamed_from (a rename);
**   columns   by name; else by @renamed_from (a rename, data kept);
**   indexes   by name;
**   uniques, foreign keys, checks
**             by name when both sides are named, else by content (columns;
**             for checks the normalized expression), so the names a server
**             gives unnamed constraints never show as changes.
** Comparison of types, defaults and comments goes through the dialect.
**
** Order of the upgrade (the downgrade is its inverse, reversed):
**   1. rename tables
**   2. drop foreign keys that change or go, on tables that stay
**   3. per table that stays, one group (one batch on SQLite): rename
**      columns; drop the primary key if it changes, indexes, uniques,
**      checks; drop, add, alter columns; add the primary key, uniques,
**      checks, indexes
**   4. create tables, parents before children, each followed by its
**      indexes; a foreign-key cycle is broken by leaving the cyclic keys out
**   5. add foreign keys on tables that stay, then the keys left out in 4
**   6. drop tables, children before parents (cyclic keys dropped first),
**      each preceded by its indexes
**   7. table comments
**   8. drop enum types the models no longer declare
** (1b, after the renames: create enum types, and alter those whose labels
** change.)
** What the database has and the models cannot declare (a column of a type
** with no model spelling, an index with a COLLATE, a table with a
** trigger, a view...) is never dropped, altered or re-created: one warning
** names it (left_alone).  Tables the settings exclude get a note.
** Every step is linear or n log n in tables; nothing recurses.
*/
#include "diff/diff.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct differ {
    const schema *cur, *want;
    const dialect *d;
    migration_ops *m;
    arena *a;                   /* = m->arena */
    /* The spellings a comparison makes (canonical defaults, normalized
    ** expressions) and drops: emptied as each comparison returns, so that
    ** a no-change diff of 10,000 tables keeps none of them. */
    arena *scratch;
    /* What diff_table_body pairs within one table, emptied table by table. */
    arena *table_scratch;
    diag_list *dl;
    /* Renames and moves this migration makes: a current table's key
    ** (schema_object_key) -> the wanted table it becomes, and "key.old_column"
    ** (the wanted table's key) -> new column name.  The database follows a
    ** rename in the foreign keys that point at what was renamed, so current
    ** keys are compared through these maps. */
    strmap *table_renames;
    strmap *column_renames;
    /* By qualified_name ("audit.events", "users"), as db_object names them: */
    strmap *objects_by_table;   /* table -> position of its first db_object */
    strmap *tables_left_alone;  /* tables not dropped because of what they hold */
    strmap *excluded_tables;    /* tables [retort] exclude_tables leaves out */
    bool left_alone_hinted;     /* the "left alone" hint is given once */
    const char *default_schema; /* the name of the schema NULL stands for */
} differ;

static void emit(differ *df, op o) { vec_push(df->a, &df->m->ops, o); }

/* "audit.events", or "events" in the default schema. */
static const char *tname_of(differ *df, const table *t) { return qualified_name(df->a, t->schema, t->name); }

static bool str_eq(const char *x, const char *y) {
    if (!x || !y) return x == y;
    return strcmp(x, y) == 0;
}

static bool str_vec_eq(const str_vec *x, const str_vec *y) {
    if (x->len != y->len) return false;
    for (size_t i = 0; i < x->len; i++)
        if (strcmp(x->items[i], y->items[i]) != 0) return false;
    return true;
}

/* An expression reduced for comparison: lower case outside literals, no
** white space, no parentheses, no ::casts.  Two spellings of one predicate
** ("(row_count >= 0)" and "row_count>=0", "(status)::text = 'x'::text" and
** "status = 'x'") reduce to the same text. */
static const char *normalize_expr(arena *a, const char *s) {
    if (!s) return "";
    /* The result keeps some of s's bytes, in order: written in place. */
    char *r = arena_string_room(a, strlen(s)), *w = r;
    for (size_t i = 0; s[i];) {
        char c = s[i];
        if (c == '\'') {
            size_t j = i + 1;
            while (s[j] && !(s[j] == '\'' && s[j + 1] != '\'')) j += (s[j] == '\'') ? 2 : 1;
            if (s[j]) j++;
            memcpy(w, s + i, j - i);
            w += j - i;
            i = j;
        } else if (c == ':' && s[i + 1] == ':') {
            i += 2;                             /* skip the cast's type name */
            while (s[i] == ' ') i++;
            while (s[i] && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ' ' || s[i] == '"')) {
                if (s[i] == ' ' && !(isalpha((unsigned char)s[i + 1]))) break;
                i++;
            }
        } else if (c == '(' || c == ')' || isspace((unsigned char)c) || c == '"' || c == '`') {
            i++;
        } else {
            *w++ = (char)tolower((unsigned char)c);
            i++;
        }
    }
    *w = '\0';
    return r;
}

static const char *action_or_null(const char *act) {
    if (!act || !strcmp(act, "NO ACTION")) return NULL;
    return act;
}

/* want: a wanted key; cur: a current key, seen through this migration's
** renames (no key is made to look up in an empty map: a migration without
** renames makes none). */
static bool fk_same_keys(differ *df, const foreign_key *want, const foreign_key *cur) {
    const table *renamed = strmap_count(df->table_renames)
                               ? strmap_get(df->table_renames, schema_object_key(df->scratch, cur->ref_schema,
                                                                                 cur->ref_table))
                               : NULL;
    const char *ref = renamed ? renamed->name : cur->ref_table;
    const char *ref_schema = renamed ? renamed->schema : cur->ref_schema;
    if (strcmp(want->ref_table, ref) != 0 || !str_eq(want->ref_schema, ref_schema) ||
        want->ref_columns.len != cur->ref_columns.len)
        return false;
    bool column_renames = strmap_count(df->column_renames) > 0;
    const char *ref_key = column_renames ? schema_object_key(df->scratch, ref_schema, ref) : NULL;
    for (size_t i = 0; i < cur->ref_columns.len; i++) {
        const char *rc = NULL;
        if (column_renames)
            rc = strmap_get(df->column_renames, arena_printf(df->scratch, "%s.%s", ref_key, cur->ref_columns.items[i]));
        if (strcmp(want->ref_columns.items[i], rc ? rc : cur->ref_columns.items[i]) != 0) return false;
    }
    return str_vec_eq(&want->columns, &cur->columns) &&
           str_eq(action_or_null(want->ondelete), action_or_null(cur->ondelete)) &&
           str_eq(action_or_null(want->onupdate), action_or_null(cur->onupdate));
}

static bool fk_same(differ *df, const foreign_key *want, const foreign_key *cur) {
    bool same = fk_same_keys(df, want, cur);
    arena_reset(df->scratch);
    return same;
}

/* A wanted expression is compared in the server's spelling where the canon
** step got it (PostgreSQL), else as the models write it. */
static const char *wanted_text(const char *canonical, const char *text) { return canonical ? canonical : text; }

/* Do two expressions read the same once normalized?  Byte-equal texts
** (or two absent ones) normalize alike, so they are not normalized: the
** server keeps most expressions as the models write them. */
static bool same_expr(differ *df, const char *want, const char *cur) {
    if (want == cur || (want && cur && !strcmp(want, cur))) return true;
    bool same = !strcmp(normalize_expr(df->scratch, want), normalize_expr(df->scratch, cur));
    arena_reset(df->scratch);
    return same;
}

/* Keys compare one by one: a column by name, an expression (in
** parentheses) in the server's spelling where the canon step got it, else
** as normalized text; then order, nulls (PostgreSQL's defaults applied) and
** operator class, where either side lists them (a key past both lists is
** the plain one on both sides). */
static bool index_keys_same(differ *df, const index_def *want, const index_def *cur) {
    const str_vec *wc = want->columns_canonical.len == want->columns.len ? &want->columns_canonical : &want->columns;
    if (wc->len != cur->columns.len) return false;
    for (size_t k = 0; k < wc->len; k++) {
        const char *w = wc->items[k], *c = cur->columns.items[k];
        bool wexpr = w[0] == '(', cexpr = c[0] == '(';
        if (wexpr != cexpr) return false;
        if (wexpr ? !same_expr(df, w, c) : strcmp(w, c) != 0) return false;
        if (k >= want->keys.len && k >= cur->keys.len) continue;
        index_key wk = index_key_at(want, k), ck = index_key_at(cur, k);
        if (wk.desc != ck.desc || index_key_nulls_first(&wk) != index_key_nulls_first(&ck) ||
            !str_eq(wk.opclass, ck.opclass))
            return false;
    }
    return true;
}

static bool index_same(differ *df, const index_def *want, const index_def *cur) {
    return want->unique == cur->unique && index_keys_same(df, want, cur) && str_eq(want->method, cur->method) &&
           str_vec_eq(&want->include, &cur->include) &&
           same_expr(df, wanted_text(want->where_canonical, want->where), cur->where);
}

/* SQLite has no access methods, operator classes, INCLUDE or NULLS FIRST /
** LAST in an index: a model that asks for them on a SQLite database is
** refused where it says so (the migration could not run). */
static bool refuse_postgres_only(differ *df) {
    if (df->d->kind != DIALECT_SQLITE) return true;
    bool ok = true;
    for (size_t i = 0; i < df->want->tables.len; i++) {
        const table *t = df->want->tables.items[i];
        if (t->schema) {
            diag *d = diag_add(df->dl, DIAG_ERROR, t->schema_loc.line ? t->schema_loc : t->loc,
                               "table '%s' is in schema '%s', which SQLite does not have", t->name, t->schema);
            if (t->schema_span > 0) d->span = t->schema_span;
            diag_set_hint(df->dl, d, "the database is SQLite, whose tables are all in one schema: remove "
                                     "@@schema from the model, or use a PostgreSQL database");
            ok = false;
        }
        for (size_t k = 0; k < t->indexes.len; k++) {
            const index_def *ix = t->indexes.items[k];
            if (!ix->postgres_only) continue;
            src_loc loc = ix->postgres_only_loc.line ? ix->postgres_only_loc : ix->loc;
            diag *d = diag_add(df->dl, DIAG_ERROR, loc, "index '%s' of table '%s' asks for %s, which SQLite does not have",
                               ix->name, t->name, ix->postgres_only);
            if (ix->postgres_only_span > 0) d->span = ix->postgres_only_span;
            diag_set_hint(df->dl, d, "the database is SQLite: access methods (using=), operator classes (ops=), "
                                     "include= and nulls_first / nulls_last are PostgreSQL's; remove it from the "
                                     "model, or use a PostgreSQL database");
            ok = false;
        }
    }
    return ok;
}

/* ------------------------------------------------------------- columns */

/* What differs between a wanted column and its current one (ALTER_* bits).
** Two columns without a default (most of them) are not put through
** canonical_default, which gives NULL for no default in every dialect. */
static unsigned column_changes(differ *df, const column *want, const column *cur) {
    unsigned what = 0;
    if (!df->d->types_equal(&want->type, &cur->type)) what |= ALTER_TYPE;
    if (want->nullable != cur->nullable) what |= ALTER_NULLABLE;
    if (want->server_default.kind != DEFAULT_NONE || cur->server_default.kind != DEFAULT_NONE) {
        const char *dw = df->d->canonical_default(df->scratch, &want->type, &want->server_default);
        const char *dc = df->d->canonical_default(df->scratch, &cur->type, &cur->server_default);
        if (!str_eq(dw, dc)) what |= ALTER_DEFAULT;
        arena_reset(df->scratch);
    }
    if (df->d->stores_comments && !str_eq(want->comment, cur->comment)) what |= ALTER_COMMENT;
    return what;
}

/* Does a column's generation differ (computed or not, stored or not, the
** expression)?  No database alters that in place (PostgreSQL 15 cannot):
** the column is dropped and added again. */
static bool generated_differs(differ *df, const column *want, const column *cur) {
    if (!want->generated != !cur->generated) return true;
    if (!want->generated) return false;
    if (want->generated_stored != cur->generated_stored) return true;
    return !same_expr(df, want->generated, cur->generated);
}

/* ----------------------------------------- what the models cannot say */

/* The rule: what the database has and the IR (or the model language)
** cannot hold is never dropped, altered or re-created; the differ says once
** that it leaves it alone. */
static void left_alone(differ *df, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void left_alone(differ *df, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    const char *what = arena_vprintf(df->a, fmt, args);
    va_end(args);
    diag *d = diag_add(df->dl, DIAG_WARNING, (src_loc){0}, "%s: left alone", what);
    if (!df->left_alone_hinted)
        diag_set_hint(df->dl, d, "retort never drops or alters what it cannot model; change it by hand "
                                 "in the migration (op.execute) if it must change");
    df->left_alone_hinted = true;
}


/* Does a wanted column autoincrement without saying how: the lone
** integer primary key column, autoincrement not false (SQLAlchemy's
** "auto" makes it SERIAL).  Such a column matches a serial column and an
** identity column alike. */
static bool autoincrement_without_identity(const table *want, const column *w) {
    bool integer = w->type.kind == TYPE_INTEGER || w->type.kind == TYPE_BIGINT || w->type.kind == TYPE_SMALLINT;
    return w->primary_key && integer && want->primary_key.columns.len == 1 && w->autoincrement != AUTOINC_FALSE &&
           !w->generated_identity;
}

static bool identity_same(const identity_def *w, const identity_def *c) {
    return w->always == c->always && w->start == c->start && w->increment == c->increment;
}

/* Whether a column's identity is added, removed or changed.  Only ALWAYS /
** BY DEFAULT, START and INCREMENT are compared (the model language has no
** other sequence option); a lone autoincrementing integer key without
** @identity is satisfied by an identity column too.  A serial column that
** the models make an identity is left alone (with a warning): converting
** one is not generated. */
static bool identity_differs(differ *df, const table *want, const column *w, const column *c) {
    const identity_def *wi = w->generated_identity, *ci = c->generated_identity;
    if (!wi && !ci) return false;
    if (!wi) return !autoincrement_without_identity(want, w);
    if (!ci && c->identity) {
        left_alone(df, "column '%s.%s' is serial in the database and @identity in the models, but retort does not "
                       "turn a serial column into an identity column", want->name, c->name);
        return false;
    }
    return !ci || !identity_same(wi, ci);
}

/* What becomes of the rows when a column's type changes to or from an
** array (render/sql.h, sql_type_change_using, writes the USING): a
** warning where values may be lost or the migration may stop. */
/* PostgreSQL refuses to change the type of a column a view or rule uses,
** or to drop it: "cannot alter type of a column used by a view or rule".
** The migration would stop there (its transaction rolled back); say so
** now, and how to write it. */
static void warn_view_use(differ *df, const char *tn, const column *c, src_loc loc, bool dropped) {
    if (!c->used_by_view) return;
    diag *d = diag_add(df->dl, DIAG_WARNING, loc,
                       "column '%s.%s' is used by view '%s': PostgreSQL refuses to %s while the view exists, and "
                       "the upgrade will stop there", tn, c->name, c->used_by_view,
                       dropped ? "drop it" : "change its type");
    diag_set_hint(df->dl, d, "drop the view in the migration before the %s and create it again after it, with "
                             "op.execute(), in upgrade() and in downgrade()",
                  dropped ? "drop_column" : "alter_column");
}

static void warn_array_change(differ *df, const char *tn, const column *w, const column *c) {
    bool to = w->type.kind == TYPE_ARRAY, from = c->type.kind == TYPE_ARRAY;
    if (!to && !from) return;
    const char *ws = col_type_to_string(df->a, &w->type);
    const char *cs = c->type.raw ? c->type.raw : col_type_to_string(df->a, &c->type);
    diag *d;
    if (to && from) {
        d = diag_add(df->dl, DIAG_WARNING, w->loc,
                     "column '%s.%s' changes from %s to %s: the arrays are cast (USING CAST(... AS ...)), which "
                     "cuts strings longer than a new String(n) and rounds numbers to a new Numeric's scale; an "
                     "element that does not convert stops the migration", tn, c->name, cs, ws);
        diag_set_hint(df->dl, d, "check the values first, or write postgresql_using= yourself");
    } else if (to) {
        d = diag_add(df->dl, DIAG_WARNING, w->loc,
                     "column '%s.%s' changes from %s to %s: each value becomes an array of one element (NULL stays "
                     "NULL), cast to the element type (a String(n) element cuts longer strings; a value that does "
                     "not convert stops the migration); the downgrade joins the elements of longer arrays with ','",
                     tn, c->name, cs, ws);
        diag_set_hint(df->dl, d, "to split the values instead, write postgresql_using=\"string_to_array(%s, ',')\"",
                      c->name);
    } else {
        const col_type *t = &w->type;
        const char *then = t->kind == TYPE_TEXT || t->kind == TYPE_CITEXT || (t->kind == TYPE_STRING && t->length < 0)
                               ? ""
                           : t->kind == TYPE_STRING
                               ? arena_printf(df->a, ", and a joined value longer than %d is cut to %d", t->length,
                                              t->length)
                               : arena_printf(df->a, ", and a joined value that does not convert to %s stops the "
                                                     "migration", ws);
        d = diag_add(df->dl, DIAG_WARNING, w->loc,
                     "column '%s.%s' changes from %s to %s: each array becomes its elements joined by ',' (NULL "
                     "elements dropped), so arrays of several elements do not come back as they were in the "
                     "downgrade%s", tn, c->name, cs, ws, then);
        diag_set_hint(df->dl, d, "to keep only the first element instead, write postgresql_using=\"%s[1]\"", c->name);
    }
}

/* The warnings of an identity change on an existing column. */
static void warn_identity_change(differ *df, const char *tn, const column *w, const column *c) {
    const identity_def *wi = w->generated_identity, *ci = c->generated_identity;
    const char *setval = arena_printf(df->a, "op.execute(\"SELECT setval(pg_get_serial_sequence('%s', '%s'), "
                                             "(SELECT max(%s) FROM %s))\")", tn, c->name, c->name, tn);
    if (wi && !ci) {
        diag *d = diag_add(df->dl, DIAG_WARNING, wi->loc,
                           "column '%s.%s' becomes an identity column: the rows keep their values, and the "
                           "sequence starts at %lld whatever they are", tn, c->name, wi->start);
        diag_set_hint(df->dl, d, "if the column holds values the sequence will reach (a key), move the sequence "
                                 "past them after the alter_column: %s", setval);
    } else if (!wi && ci) {
        diag *d = diag_add(df->dl, DIAG_WARNING, w->loc,
                           "column '%s.%s' is no longer an identity column: DROP IDENTITY drops its sequence, and "
                           "the downgrade makes a new one that starts at %lld again%s", tn, c->name, ci->start,
                           identity_options_sql(df->a, ci, true) ? ", without its other options" : "");
        diag_set_hint(df->dl, d, "in the downgrade, move the new sequence past the values after the "
                                 "alter_column: %s", setval);
    } else if (wi->start != ci->start) {
        diag *d = diag_add(df->dl, DIAG_NOTE, wi->loc,
                           "the new start of '%s.%s' is where the sequence goes back to on RESTART; it does not "
                           "move the sequence's next value", tn, c->name);
        diag_set_hint(df->dl, d, "to move it, add op.execute(\"ALTER TABLE %s ALTER COLUMN %s RESTART\") after "
                                 "the alter_column", tn, c->name);
    }
}

/* Why a current table that the models do not have must stay: everything
** it holds that retort cannot model, or NULL when it may be dropped. */
static const char *table_unmodeled(differ *df, const table *t) {
    str_vec why = {0};
    if (!t->primary_key.columns.len) vec_push(df->a, &why, "no primary key (every model has one)");
    if (t->used_by_view) vec_push(df->a, &why, arena_printf(df->a, "view '%s' uses it", t->used_by_view));
    for (size_t k = 0; k < t->columns.len; k++) {
        const char *w = column_unmodeled(df->a, t->columns.items[k]);
        if (w) vec_push(df->a, &why, arena_printf(df->a, "column '%s' (%s)", t->columns.items[k]->name, w));
    }
    for (size_t k = 0; k < t->indexes.len; k++) {
        const char *w = index_unmodeled(df->a, t->indexes.items[k]);
        if (w) vec_push(df->a, &why, arena_printf(df->a, "index '%s' (%s)", t->indexes.items[k]->name, w));
    }
    const char *tname = tname_of(df, t);
    const size_t *first = strmap_get(df->objects_by_table, tname);
    for (size_t i = first ? *first : df->cur->objects.len; i < df->cur->objects.len; i++) {
        const db_object *o = df->cur->objects.items[i];
        if (!o->table || strcmp(o->table, tname) != 0) break;
        vec_push(df->a, &why, arena_printf(df->a, "%s '%s'", o->kind, o->name));
    }
    return why.len ? str_vec_join(df->a, &why, ", ") : NULL;
}

/* The introspectors list objects grouped by table: map each table to the
** position of its first. */
/* A column that an index left alone uses stays too (dropping it would
** drop the index with it).  The reason, or NULL. */
static const char *column_kept_by_index(differ *df, const table *cur, const char *column) {
    for (size_t k = 0; k < cur->indexes.len; k++) {
        const index_def *ix = cur->indexes.items[k];
        const char *why = index_unmodeled(df->a, ix);
        if (!why) continue;
        for (size_t m = 0; m < ix->columns.len; m++)
            if (!strcmp(ix->columns.items[m], column))
                return "an index left alone (above) uses it";
    }
    return NULL;
}

/* A wanted unique constraint on exactly the primary key's columns, where
** the database has that primary key: PostgreSQL folds such a UNIQUE into
** the key when both are in one CREATE TABLE (the key takes the unique's
** name when it has none of its own), so the database holds no unique to
** pair it with; and the key enforces it anyway.  Not added (with pk_add,
** the key changes in this migration, and the unique is added as asked). */
static bool kept_by_primary_key(const table *want, const table *cur, const primary_key *pk_add,
                                const unique_def *u) {
    return !pk_add && cur->primary_key.columns.len && str_vec_eq(&u->columns, &want->primary_key.columns);
}

/* A unique constraint or foreign key of a current table that uses a
** column retort leaves alone: the constraint is left alone with it.  Its
** reason, or NULL. */
static const char *columns_unmodeled(differ *df, const table *cur, const str_vec *columns) {
    for (size_t k = 0; k < columns->len; k++) {
        const column *c = table_find_column(cur, columns->items[k]);
        const char *why = c ? column_unmodeled(df->a, c) : NULL;
        if (why) return arena_printf(df->a, "its column '%s' is left alone (%s)", c->name, why);
    }
    return NULL;
}

/* A foreign key that references a table retort leaves alone (excluded by
** the settings, or kept for what it holds): the models cannot declare it,
** and it stays.  Its reason, or NULL. */
static const char *fk_unmodeled(differ *df, const table *cur, const foreign_key *fk) {
    const char *why = columns_unmodeled(df, cur, &fk->columns);
    if (why) return why;
    const char *ref = qualified_name(df->a, fk->ref_schema, fk->ref_table);
    if (strmap_get(df->excluded_tables, ref))
        return arena_printf(df->a, "it references '%s', which [retort] exclude_tables leaves out", ref);
    if (strmap_get(df->tables_left_alone, ref))
        return arena_printf(df->a, "it references '%s', which is left alone", ref);
    return NULL;
}

static void map_objects_by_table(differ *df) {
    size_t n = df->cur->objects.len;
    size_t *pos = arena_alloc(df->a, (n + 1) * sizeof *pos);
    for (size_t i = 0; i < n; i++) {
        const db_object *o = df->cur->objects.items[i];
        pos[i] = i;
        if (o->table && !strmap_get(df->objects_by_table, o->table))
            strmap_put(df->objects_by_table, o->table, &pos[i]);
        if (o->excluded) strmap_put(df->excluded_tables, o->name, (void *)o);
    }
}

/* One warning per object the IR does not hold (not those of a table that
** was left alone for holding them: its warning named them); a note per
** table the settings leave out.  A virtual table's shadow tables are part
** of it. */
static void report_objects(differ *df) {
    for (size_t i = 0; i < df->cur->objects.len; i++) {
        const db_object *o = df->cur->objects.items[i];
        if (!strcmp(o->kind, "shadow table")) continue;
        if (o->table && strmap_get(df->tables_left_alone, o->table)) continue;
        if (o->excluded) {
            diag_add(df->dl, DIAG_NOTE, (src_loc){0},
                     "table '%s' is left out by [retort] exclude_tables: left alone", o->name);
        } else if (o->table) {
            left_alone(df, "%s '%s' on table '%s' is not something retort models", o->kind, o->name, o->table);
        } else {
            left_alone(df, "%s '%s' is not something retort models", o->kind, o->name);
        }
    }
}

/* ------------------------------------------------------------ enum types */

static bool enum_labels_same(const enum_type *x, const enum_type *y) {
    if (x->labels.len != y->labels.len) return false;
    for (size_t i = 0; i < x->labels.len; i++)
        if (strcmp(x->labels.items[i].label, y->labels.items[i].label)) return false;
    return true;
}

/* The type of a column, or of its array's elements, when it is enum type
** e (by schema and name). */
static bool column_of_enum(const column *c, const enum_type *e, bool *array) {
    const col_type *t = &c->type;
    *array = t->kind == TYPE_ARRAY;
    if (*array && t->element) t = t->element;
    return t->kind == TYPE_ENUM && t->enumeration && !strcmp(t->enumeration->name, e->name) &&
           str_eq(t->enumeration->schema, e->schema);
}

/* The current columns of enum `name`, under the names they have once the
** tables are renamed (step 1 comes before any enum op): what a rebuild of
** the type converts. */
static enum_use_vec *enum_uses_of(differ *df, const enum_type *e) {
    enum_use_vec *uses = arena_alloc(df->a, sizeof *uses);
    for (size_t i = 0; i < df->cur->tables.len; i++) {
        const table *t = df->cur->tables.items[i];
        const table *renamed = strmap_get(df->table_renames, t->key);
        if (renamed) t = renamed;
        const table *cur_t = df->cur->tables.items[i];
        for (size_t k = 0; k < cur_t->columns.len; k++) {
            const column *c = cur_t->columns.items[k];
            bool array;
            if (!column_of_enum(c, e, &array)) continue;
            enum_use u = {.table = t->name, .schema = t->schema, .column = c->name, .array = array,
                          .default_sql = c->server_default.kind == DEFAULT_SQL ? c->server_default.text : NULL};
            vec_push(df->a, uses, u);
        }
    }
    return uses;
}

/* Step 1b: enum types the models declare and the database has not are
** created; those whose labels differ are altered (renames, labels added in
** place, or the type rebuilt, with a warning when labels go).  SQLite has
** no enum types: its enum columns are compared as VARCHARs. */
static void diff_enums(differ *df) {
    if (!df->d->has_enum_types) return;
    for (size_t i = 0; i < df->want->enums.len; i++) {
        const enum_type *w = df->want->enums.items[i];
        const enum_type *c = schema_find_enum_in(df->cur, w->schema, w->name);
        if (!c) {
            emit(df, (op){.kind = OP_CREATE_ENUM, .enumeration = w});
            continue;
        }
        if (enum_labels_same(w, c)) continue;
        op o = {.kind = OP_ALTER_ENUM, .enumeration = w, .old_enumeration = c, .enum_uses = enum_uses_of(df, c)};
        enum_change_plan pl;
        enum_change_plan_of(df->a, c, w, &pl);
        if (pl.rebuild) {
            diag *d = diag_add(df->dl, DIAG_WARNING, w->loc,
                               pl.removed.len ? "enum type '%s' loses %s: the type is rebuilt, and rows holding it "
                                                "make the upgrade fail"
                                              : "enum type '%s' changes the order of its labels: the type is rebuilt%s",
                               qualified_name(df->a, w->schema, w->name), pl.removed.len ? arena_printf(df->a, "label%s '%s'", pl.removed.len > 1 ? "s" : "",
                                                                      str_vec_join(df->a, &pl.removed, "', '"))
                                                       : "");
            diag_set_hint(df->dl, d, "update or delete those rows first (op.execute in the migration, before the "
                                     "type changes), or mark a renamed label with @renamed_from(\"old\")");
        } else if (pl.added.len) {
            diag *d = diag_add(df->dl, DIAG_WARNING, w->loc,
                               "enum type '%s' gains %s: its downgrade rebuilds the type without %s, and fails while "
                               "rows hold %s", qualified_name(df->a, w->schema, w->name), pl.added.len > 1 ? "labels" : "a label",
                               pl.added.len > 1 ? "them" : "it", pl.added.len > 1 ? "them" : "it");
            diag_set_hint(df->dl, d, "the labels are added outside the migration's transaction "
                                     "(autocommit_block): PostgreSQL cannot use a label added in an open one");
        }
        emit(df, o);
    }
}

/* Step 8: enum types the database has and the models no longer declare are
** dropped, unless a table or column that stays still uses them. */
static void drop_enums(differ *df) {
    if (!df->d->has_enum_types) return;
    for (size_t i = 0; i < df->cur->enums.len; i++) {
        const enum_type *c = df->cur->enums.items[i];
        if (schema_find_enum_in(df->want, c->schema, c->name)) continue;
        const char *user = NULL;
        for (size_t ti = 0; ti < df->cur->tables.len && !user; ti++) {
            const table *t = df->cur->tables.items[ti];
            if (!strmap_get(df->tables_left_alone, tname_of(df, t))) continue;
            for (size_t k = 0; k < t->columns.len && !user; k++) {
                bool array;
                if (column_of_enum(t->columns.items[k], c, &array))
                    user = arena_printf(df->a, "%s.%s", tname_of(df, t), t->columns.items[k]->name);
            }
        }
        if (user)
            left_alone(df, "enum type '%s' is not in the models, but column %s, which stays, uses it",
                       qualified_name(df->a, c->schema, c->name), user);
        else emit(df, (op){.kind = OP_DROP_ENUM, .enumeration = c});
    }
}

/* ---------------------------------------------------- constraint matching */

/* Pair each wanted item with a current one: first by name where both are
** named, then by content.  match[i] is the index of the current item paired
** with wanted item i, or -1.  used[j] marks paired current items. */
typedef bool (*same_content_fn)(differ *, const void *want, const void *cur);
typedef const char *(*name_fn)(const void *);

static void pair_items(differ *df, void *const *want, size_t nw, void *const *cur, size_t nc,
                       name_fn name, same_content_fn same, long *match, bool *used) {
    for (size_t i = 0; i < nw; i++) match[i] = -1;
    for (size_t i = 0; i < nw; i++) {
        const char *wn = name(want[i]);
        if (!wn) continue;
        for (size_t j = 0; j < nc; j++)
            if (!used[j] && name(cur[j]) && !strcmp(wn, name(cur[j]))) {
                match[i] = (long)j;
                used[j] = true;
                break;
            }
    }
    for (size_t i = 0; i < nw; i++) {
        if (match[i] >= 0) continue;
        const char *wn = name(want[i]);
        for (size_t j = 0; j < nc; j++) {
            if (used[j] || !same(df, want[i], cur[j])) continue;
            /* Match by content only where a side is unnamed: two different
            ** names for one constraint are a rename, done as drop + add. */
            if (wn && name(cur[j])) continue;
            match[i] = (long)j;
            used[j] = true;
            break;
        }
    }
}

static const char *unique_name(const void *p) { return ((const unique_def *)p)->name; }
static const char *fk_name(const void *p) { return ((const foreign_key *)p)->name; }
static const char *check_name(const void *p) { return ((const check_def *)p)->name; }
static const char *index_name(const void *p) { return ((const index_def *)p)->name; }

static bool unique_same_fn(differ *df, const void *w, const void *c) {
    (void)df;
    return str_vec_eq(&((const unique_def *)w)->columns, &((const unique_def *)c)->columns);
}
static bool fk_same_fn(differ *df, const void *w, const void *c) { return fk_same(df, w, c); }
static bool check_same_fn(differ *df, const void *w, const void *c) {
    const check_def *want = w, *cur = c;
    return same_expr(df, wanted_text(want->canonical, want->sqltext), cur->sqltext);
}
static bool index_same_fn(differ *df, const void *w, const void *c) { return index_same(df, w, c); }

/* Result of pairing one kind of constraint of one table. */
typedef struct pairing {
    long *match;        /* per wanted item */
    bool *used;         /* per current item */
    bool *changed;      /* per wanted item: paired but different -> drop + add */
} pairing;

/* The pairing's arrays are allocated in `into`, in one piece: match first
** (the longs keep the piece's alignment), then the two bool arrays. */
static pairing pair_kind(differ *df, arena *into, void *const *want, size_t nw, void *const *cur, size_t nc,
                         name_fn name, same_content_fn same) {
    pairing p;
    p.match = arena_alloc(into, (nw + 1) * sizeof *p.match + (nw + 1) * sizeof *p.changed + (nc + 1) * sizeof *p.used);
    p.changed = (bool *)(p.match + nw + 1);
    p.used = p.changed + nw + 1;
    pair_items(df, want, nw, cur, nc, name, same, p.match, p.used);
    for (size_t i = 0; i < nw; i++)
        if (p.match[i] >= 0 && !same(df, want[i], cur[p.match[i]])) p.changed[i] = true;
    return p;
}

/* The current table a wanted table corresponds to (same name, or the old
** name it was renamed from), or NULL. */
typedef struct table_pair {
    const table *want, *cur;
} table_pair;

/* ------------------------------------------------------------ topo sort */

/* A min-heap of table positions, so ready tables come out in model order. */
typedef struct heap { size_t *v; size_t len; } heap;

static void heap_push(heap *h, size_t x) {
    size_t i = h->len++;
    h->v[i] = x;
    while (i && h->v[(i - 1) / 2] > h->v[i]) {
        size_t p = (i - 1) / 2, t = h->v[p];
        h->v[p] = h->v[i];
        h->v[i] = t;
        i = p;
    }
}

static size_t heap_pop(heap *h) {
    size_t top = h->v[0];
    h->v[0] = h->v[--h->len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->len && h->v[l] < h->v[m]) m = l;
        if (r < h->len && h->v[r] < h->v[m]) m = r;
        if (m == i) break;
        size_t t = h->v[m];
        h->v[m] = h->v[i];
        h->v[i] = t;
        i = m;
    }
    return top;
}

/* Order `tables` (n of them) so that a table comes after the tables it
** references among them.  Kahn's algorithm; on a cycle the first remaining
** table (in the given order) is taken anyway and its references to tables
** not yet placed are reported in deferred[pos] (a bitmask would not scale;
** we return per-table flags per FK instead).  out[] receives positions.
** deferred_fk[t][k] is set for FK k of table t that must be added later. */
/* The key of the table a foreign key references (schema_object_key). */
static const char *fk_ref_key(differ *df, const foreign_key *fk) {
    return schema_object_key(df->a, fk->ref_schema, fk->ref_table);
}

static void order_tables(differ *df, const table *const *tables, size_t n, size_t *out,
                         bool **deferred_fk) {
    strmap *pos = strmap_new(df->a);
    size_t *posv = arena_alloc(df->a, (n + 1) * sizeof *posv);
    for (size_t i = 0; i < n; i++) {
        posv[i] = i;
        strmap_put(pos, tables[i]->key, &posv[i]);
    }
    /* Edges: child -> parent.  indeg[child] = number of distinct FK edges to
    ** other tables of the set; dependents lists are flattened. */
    size_t *indeg = arena_alloc(df->a, (n + 1) * sizeof *indeg);
    size_t *dep_count = arena_alloc(df->a, (n + 1) * sizeof *dep_count);
    size_t edges = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < tables[i]->foreign_keys.len; k++) {
            size_t *pp = strmap_get(pos, fk_ref_key(df, tables[i]->foreign_keys.items[k]));
            if (pp && *pp != i) { indeg[i]++; dep_count[*pp]++; edges++; }
        }
    size_t *dep_start = arena_alloc(df->a, (n + 1) * sizeof *dep_start);
    for (size_t i = 0, acc = 0; i < n; i++) { dep_start[i] = acc; acc += dep_count[i]; }
    size_t *deps = arena_alloc(df->a, (edges + 1) * sizeof *deps);
    size_t *fill = arena_alloc(df->a, (n + 1) * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < tables[i]->foreign_keys.len; k++) {
            size_t *pp = strmap_get(pos, fk_ref_key(df, tables[i]->foreign_keys.items[k]));
            if (pp && *pp != i) deps[dep_start[*pp] + fill[*pp]++] = i;
        }
    bool *placed = arena_alloc(df->a, (n + 1) * sizeof *placed);
    heap h = {arena_alloc(df->a, (n + 1) * sizeof(size_t)), 0};
    for (size_t i = 0; i < n; i++)
        if (indeg[i] == 0) heap_push(&h, i);
    size_t done = 0, scan = 0;
    while (done < n) {
        size_t t;
        if (h.len) {
            t = heap_pop(&h);
            if (placed[t]) continue;
        } else {
            /* A cycle: take the first unplaced table; its keys to unplaced
            ** tables are deferred. */
            while (placed[scan]) scan++;
            t = scan;
            for (size_t k = 0; k < tables[t]->foreign_keys.len; k++) {
                size_t *pp = strmap_get(pos, fk_ref_key(df, tables[t]->foreign_keys.items[k]));
                if (pp && *pp != t && !placed[*pp]) deferred_fk[t][k] = true;
            }
        }
        placed[t] = true;
        out[done++] = t;
        for (size_t e = dep_start[t]; e < dep_start[t] + dep_count[t]; e++) {
            size_t c = deps[e];
            if (!placed[c] && --indeg[c] == 0) heap_push(&h, c);
        }
    }
}

/* --------------------------------------------------------- the diff */

static table *table_without_fks(differ *df, const table *t, const bool *drop_fk) {
    table *copy = arena_alloc(df->a, sizeof *copy);
    *copy = *t;
    memset(&copy->foreign_keys, 0, sizeof copy->foreign_keys);
    for (size_t k = 0; k < t->foreign_keys.len; k++)
        if (!drop_fk[k]) vec_push(df->a, &copy->foreign_keys, t->foreign_keys.items[k]);
    return copy;
}

static void emit_create_tables(differ *df, const table *const *created, size_t n) {
    if (!n) return;
    size_t *order = arena_alloc(df->a, n * sizeof *order);
    bool **deferred = arena_alloc(df->a, n * sizeof *deferred);
    for (size_t i = 0; i < n; i++)
        deferred[i] = arena_alloc(df->a, (created[i]->foreign_keys.len + 1) * sizeof(bool));
    order_tables(df, created, n, order, deferred);
    bool any_deferred = false;
    for (size_t oi = 0; oi < n; oi++) {
        size_t i = order[oi];
        const table *t = created[i];
        bool has_deferred = false;
        for (size_t k = 0; k < t->foreign_keys.len; k++) has_deferred |= deferred[i][k];
        any_deferred |= has_deferred;
        emit(df, (op){.kind = OP_CREATE_TABLE, .table_name = t->name, .schema = t->schema,
                      .table = has_deferred ? table_without_fks(df, t, deferred[i]) : t});
        for (size_t k = 0; k < t->indexes.len; k++)
            emit(df, (op){.kind = OP_CREATE_INDEX, .table_name = t->name, .schema = t->schema, .index = t->indexes.items[k]});
    }
    if (!any_deferred) return;
    for (size_t oi = 0; oi < n; oi++) {
        size_t i = order[oi];
        for (size_t k = 0; k < created[i]->foreign_keys.len; k++)
            if (deferred[i][k])
                emit(df, (op){.kind = OP_ADD_FOREIGN_KEY, .table_name = created[i]->name, .schema = created[i]->schema,
                              .fk = created[i]->foreign_keys.items[k]});
    }
}

static void emit_drop_tables(differ *df, const table *const *dropped, size_t n) {
    if (!n) return;
    size_t *order = arena_alloc(df->a, n * sizeof *order);
    bool **deferred = arena_alloc(df->a, n * sizeof *deferred);
    for (size_t i = 0; i < n; i++)
        deferred[i] = arena_alloc(df->a, (dropped[i]->foreign_keys.len + 1) * sizeof(bool));
    /* Parents-first order, walked backwards: children are dropped first.
    ** The keys a cycle made us defer are dropped before any table goes. */
    order_tables(df, dropped, n, order, deferred);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < dropped[i]->foreign_keys.len; k++)
            if (deferred[i][k])
                emit(df, (op){.kind = OP_DROP_FOREIGN_KEY, .table_name = dropped[i]->name, .schema = dropped[i]->schema,
                              .fk = dropped[i]->foreign_keys.items[k]});
    for (size_t oi = n; oi-- > 0;) {
        size_t i = order[oi];
        const table *t = dropped[i];
        bool has_deferred = false;
        for (size_t k = 0; k < t->foreign_keys.len; k++) has_deferred |= deferred[i][k];
        for (size_t k = t->indexes.len; k-- > 0;)
            emit(df, (op){.kind = OP_DROP_INDEX, .table_name = t->name, .schema = t->schema, .index = t->indexes.items[k]});
        emit(df, (op){.kind = OP_DROP_TABLE, .table_name = t->name, .schema = t->schema,
                      .table = has_deferred ? table_without_fks(df, t, deferred[i]) : t});
    }
}

/* How the columns of a kept table pair up: paired[i] is the current column
** of wanted column i (NULL: added); cur_used[j] marks current columns that
** stay (unmarked: dropped).  renames counts the pairs made by
** @renamed_from: the only ones whose names differ. */
typedef struct column_pairing {
    const column **paired;
    bool *cur_used;
    size_t renames;
} column_pairing;

/* A map from the name of each current column to its position. */
static strmap *column_positions(differ *df, const table *cur) {
    size_t nc = cur->columns.len;
    strmap *cur_pos = strmap_new(df->scratch);
    strmap_reserve(cur_pos, nc);
    size_t *cpos = arena_alloc(df->scratch, (nc + 1) * sizeof *cpos);
    for (size_t j = 0; j < nc; j++) { cpos[j] = j; strmap_put(cur_pos, cur->columns.items[j]->name, &cpos[j]); }
    return cur_pos;
}

/* Pair columns by name, then by @renamed_from; record the renames.  A
** column at the same position under the same name is paired without the
** map (names are unique in a table, so the map would find it there): in an
** unchanged table every column is, and the map is never built. */
static column_pairing pair_columns(differ *df, const table *want, const table *cur) {
    size_t nw = want->columns.len, nc = cur->columns.len;
    column_pairing cp;
    cp.paired = arena_alloc(df->a, (nw + 1) * sizeof *cp.paired);
    cp.cur_used = arena_alloc(df->a, (nc + 1) * sizeof *cp.cur_used);
    cp.renames = 0;
    strmap *cur_pos = NULL;
    for (size_t i = 0; i < nw; i++) {
        const char *name = want->columns.items[i]->name;
        if (i < nc && !strcmp(cur->columns.items[i]->name, name)) {
            cp.paired[i] = cur->columns.items[i];
            cp.cur_used[i] = true;
            continue;
        }
        if (!cur_pos) cur_pos = column_positions(df, cur);
        size_t *j = strmap_get(cur_pos, name);
        if (j) { cp.paired[i] = cur->columns.items[*j]; cp.cur_used[*j] = true; }
    }
    for (size_t i = 0; i < nw; i++) {
        const column *w = want->columns.items[i];
        if (cp.paired[i] || !w->renamed_from) continue;
        if (!cur_pos) cur_pos = column_positions(df, cur);
        size_t *j = strmap_get(cur_pos, w->renamed_from);
        if (j && !cp.cur_used[*j] && !table_find_column(want, w->renamed_from)) {
            cp.paired[i] = cur->columns.items[*j];
            cp.cur_used[*j] = true;
            cp.renames++;
            strmap_put(df->column_renames, arena_printf(df->a, "%s.%s", want->key, w->renamed_from),
                       (void *)w->name);
        }
    }
    arena_reset(df->scratch);
    return cp;
}

/* The ALTER_IDENTITY op of wanted column i of a kept table (a struct op
** is large: built only for a column whose identity changes). */
static void emit_identity_change(differ *df, const table *want, size_t i, const column *cur) {
    emit(df, (op){.kind = OP_ALTER_COLUMN, .table_name = want->name, .schema = want->schema,
                  .column = want->columns.items[i], .old_column = cur, .alter = ALTER_IDENTITY});
}

/* Everything that changes inside one table that stays (step 3). */
static void diff_table_body(differ *df, const table *want, const table *cur, column_pairing cp) {
    arena_reset(df->table_scratch);
    const char *tn = want->name;
    size_t nw = want->columns.len, nc = cur->columns.len;
    const column **paired = cp.paired;
    bool *cur_used = cp.cur_used;
    for (size_t i = 0; cp.renames && i < nw; i++) {
        const column *w = want->columns.items[i];
        if (paired[i] && strcmp(paired[i]->name, w->name) != 0)
            emit(df, (op){.kind = OP_RENAME_COLUMN, .table_name = tn, .schema = want->schema, .old_name = paired[i]->name,
                          .new_name = w->name, .column = w, .old_column = paired[i]});
    }

    /* A primary key that changes columns: dropped and created again (Alembic
    ** does not generate this).  Current key columns are seen through this
    ** migration's column renames (without any, they are the current key's
    ** names). */
    const primary_key *pk_drop = NULL, *pk_add = NULL;
    if (want->primary_key.columns.len) {
        str_vec mapped = {0};
        for (size_t k = 0; cp.renames && k < cur->primary_key.columns.len; k++) {
            const char *cname = cur->primary_key.columns.items[k];
            for (size_t i = 0; i < nw; i++)
                if (paired[i] && !strcmp(paired[i]->name, cname)) cname = want->columns.items[i]->name;
            vec_push(df->table_scratch, &mapped, cname);
        }
        if (!str_vec_eq(cp.renames ? &mapped : &cur->primary_key.columns, &want->primary_key.columns)) {
            if (cur->primary_key.columns.len) pk_drop = &cur->primary_key;
            /* The key created is always named, so that its downgrade can
            ** drop it on both databases: the model's name, or the one
            ** PostgreSQL would give. */
            primary_key *named = arena_alloc(df->a, sizeof *named);
            *named = want->primary_key;
            if (!named->name) named->name = pg_constraint_name(df->a, tn, NULL, "pkey");
            pk_add = named;
        }
    }
    if (pk_drop) emit(df, (op){.kind = OP_DROP_PRIMARY_KEY, .table_name = tn, .schema = want->schema, .pk = pk_drop});

    /* Constraints and indexes (not foreign keys: steps 2 and 5). */
    pairing pi = pair_kind(df, df->table_scratch, (void *const *)want->indexes.items, want->indexes.len,
                           (void *const *)cur->indexes.items, cur->indexes.len, index_name, index_same_fn);
    pairing pu = pair_kind(df, df->table_scratch, (void *const *)want->uniques.items, want->uniques.len,
                           (void *const *)cur->uniques.items, cur->uniques.len, unique_name, unique_same_fn);
    pairing pc = pair_kind(df, df->table_scratch, (void *const *)want->checks.items, want->checks.len,
                           (void *const *)cur->checks.items, cur->checks.len, check_name, check_same_fn);
    /* An index with what the IR does not hold stays as it is, whatever
    ** the models say of it. */
    for (size_t i = 0; i < want->indexes.len; i++) {
        const index_def *ci = pi.match[i] >= 0 ? cur->indexes.items[pi.match[i]] : NULL;
        const char *why = ci ? index_unmodeled(df->a, ci) : NULL;
        if (why) {
            left_alone(df, "index '%s' of table '%s' has %s, which retort does not model", ci->name, tn, why);
            pi.changed[i] = false;
        }
    }
    for (size_t i = 0; i < want->indexes.len; i++)
        if (pi.changed[i])
            emit(df, (op){.kind = OP_DROP_INDEX, .table_name = tn, .schema = want->schema, .index = cur->indexes.items[pi.match[i]]});
    for (size_t j = 0; j < cur->indexes.len; j++) {
        const index_def *ci = cur->indexes.items[j];
        if (pi.used[j]) continue;
        const char *why = index_unmodeled(df->a, ci);
        const char *on_column = why ? NULL : columns_unmodeled(df, cur, &ci->columns);
        if (!why && !on_column) on_column = columns_unmodeled(df, cur, &ci->include);
        if (why)
            left_alone(df, "index '%s' of table '%s' is not in the models, and has %s, which retort does not model",
                       ci->name, tn, why);
        else if (on_column)
            left_alone(df, "index '%s' of table '%s' is not in the models, but %s", ci->name, tn, on_column);
        else
            emit(df, (op){.kind = OP_DROP_INDEX, .table_name = tn, .schema = want->schema, .index = ci});
    }
    for (size_t i = 0; i < want->uniques.len; i++)
        if (pu.changed[i])
            emit(df, (op){.kind = OP_DROP_UNIQUE, .table_name = tn, .schema = want->schema, .unique = cur->uniques.items[pu.match[i]]});
    for (size_t j = 0; j < cur->uniques.len; j++) {
        const unique_def *u = cur->uniques.items[j];
        if (pu.used[j]) continue;
        const char *why = columns_unmodeled(df, cur, &u->columns);
        if (why)
            left_alone(df, "unique constraint %s%s%s(%s) of table '%s' is not in the models, but %s",
                       u->name ? "'" : "", u->name ? u->name : "", u->name ? "' " : "",
                       str_vec_join(df->a, &u->columns, ", "), tn, why);
        else
            emit(df, (op){.kind = OP_DROP_UNIQUE, .table_name = tn, .schema = want->schema, .unique = u});
    }
    for (size_t i = 0; i < want->checks.len; i++)
        if (pc.changed[i])
            emit(df, (op){.kind = OP_DROP_CHECK, .table_name = tn, .schema = want->schema, .check = cur->checks.items[pc.match[i]]});
    for (size_t j = 0; j < cur->checks.len; j++)
        if (!pc.used[j]) emit(df, (op){.kind = OP_DROP_CHECK, .table_name = tn, .schema = want->schema, .check = cur->checks.items[j]});

    /* Columns: drop, add, alter.  A column the models cannot declare is
    ** neither dropped nor altered. */
    for (size_t j = 0; j < nc; j++) {
        if (cur_used[j]) continue;
        const column *c = cur->columns.items[j];
        const char *why = column_unmodeled(df->a, c);
        if (!why) why = column_kept_by_index(df, cur, c->name);
        if (why)
            left_alone(df, "column '%s.%s' is not in the models, and %s", tn, c->name, why);
        else {
            warn_view_use(df, tn, c, (src_loc){0}, true);
            emit(df, (op){.kind = OP_DROP_COLUMN, .table_name = tn, .schema = want->schema, .column = c});
        }
    }
    for (size_t i = 0; i < nw; i++)
        if (!paired[i]) emit(df, (op){.kind = OP_ADD_COLUMN, .table_name = tn, .schema = want->schema, .column = want->columns.items[i]});
    for (size_t i = 0; i < nw; i++) {
        if (!paired[i]) continue;
        const char *why = column_unmodeled(df->a, paired[i]);
        if (!why && generated_differs(df, want->columns.items[i], paired[i])) {
            if (!paired[i]->generated) {
                diag *d = diag_add(df->dl, DIAG_WARNING, want->columns.items[i]->loc,
                                   "column '%s.%s' becomes computed: it is dropped and added again, and its "
                                   "values are replaced by the computed ones", tn, paired[i]->name);
                diag_set_hint(df->dl, d, "copy the values elsewhere first (op.execute) if they must be kept");
            } else if (!want->columns.items[i]->generated) {
                diag *d = diag_add(df->dl, DIAG_WARNING, want->columns.items[i]->loc,
                                   "column '%s.%s' is no longer computed: it is dropped and added again, empty",
                                   tn, paired[i]->name);
                diag_set_hint(df->dl, d, "fill it in the migration (op.execute(\"UPDATE ...\")) if it needs values");
            }
            warn_view_use(df, tn, paired[i], want->columns.items[i]->loc, true);
            emit(df, (op){.kind = OP_DROP_COLUMN, .table_name = tn, .schema = want->schema, .column = paired[i]});
            emit(df, (op){.kind = OP_ADD_COLUMN, .table_name = tn, .schema = want->schema, .column = want->columns.items[i]});
            continue;
        }
        unsigned what = column_changes(df, want->columns.items[i], paired[i]);
        bool identity = !why && identity_differs(df, want, want->columns.items[i], paired[i]);
        if (identity) warn_identity_change(df, tn, want->columns.items[i], paired[i]);
        /* An identity goes before the column may take a default or NULLs,
        ** and comes after it has lost its default and NULLs. */
        if (identity && !want->columns.items[i]->generated_identity) emit_identity_change(df, want, i, paired[i]);
        if (why && what)
            left_alone(df, "column '%s.%s' differs from the models, but %s", tn, paired[i]->name, why);
        else if (what) {
            if (what & ALTER_TYPE) {
                warn_array_change(df, tn, want->columns.items[i], paired[i]);
                warn_view_use(df, tn, paired[i], want->columns.items[i]->loc, false);
            }
            emit(df, (op){.kind = OP_ALTER_COLUMN, .table_name = tn, .schema = want->schema, .column = want->columns.items[i],
                          .old_column = paired[i], .alter = what});
        }
        if (identity && want->columns.items[i]->generated_identity) emit_identity_change(df, want, i, paired[i]);
    }

    /* Add the primary key, uniques, checks, indexes. */
    if (pk_add) emit(df, (op){.kind = OP_ADD_PRIMARY_KEY, .table_name = tn, .schema = want->schema, .pk = pk_add});
    for (size_t i = 0; i < want->uniques.len; i++)
        if ((pu.match[i] < 0 && !kept_by_primary_key(want, cur, pk_add, want->uniques.items[i])) || pu.changed[i])
            emit(df, (op){.kind = OP_ADD_UNIQUE, .table_name = tn, .schema = want->schema, .unique = want->uniques.items[i]});
    for (size_t i = 0; i < want->checks.len; i++)
        if (pc.match[i] < 0 || pc.changed[i])
            emit(df, (op){.kind = OP_ADD_CHECK, .table_name = tn, .schema = want->schema, .check = want->checks.items[i]});
    for (size_t i = 0; i < want->indexes.len; i++)
        if (pi.match[i] < 0 || pi.changed[i])
            emit(df, (op){.kind = OP_CREATE_INDEX, .table_name = tn, .schema = want->schema, .index = want->indexes.items[i]});
}

/* A map from the key of each current table to its position. */
static strmap *table_positions(arena *a, const schema *current) {
    size_t nc = current->tables.len;
    strmap *cur_pos = strmap_new(a);
    strmap_reserve(cur_pos, nc);
    size_t *cpos = arena_alloc(a, (nc + 1) * sizeof *cpos);
    for (size_t j = 0; j < nc; j++) { cpos[j] = j; strmap_put(cur_pos, current->tables.items[j]->key, &cpos[j]); }
    return cur_pos;
}

migration_ops *diff_schemas(const schema *current, const schema *wanted, const diff_options *opt,
                            diag_list *dl) {
    arena *a = arena_new();
    migration_ops *m = arena_alloc(a, sizeof *m);
    m->arena = a;
    differ df = {current, wanted, opt->dialect, m, a, arena_new(), arena_new(), dl, strmap_new(a), strmap_new(a), strmap_new(a),
                 strmap_new(a), strmap_new(a), false, opt->default_schema ? opt->default_schema : "public"};
    map_objects_by_table(&df);
    if (!refuse_postgres_only(&df)) {
        arena_free(df.scratch);
        arena_free(df.table_scratch);
        arena_free(a);
        return NULL;
    }

    size_t nw = wanted->tables.len, nc = current->tables.len;
    const table **cur_of = arena_alloc(a, (nw + 1) * sizeof *cur_of);
    bool *cur_kept = arena_alloc(a, (nc + 1) * sizeof *cur_kept);
    strmap *cur_pos = NULL;

    /* 1. Pair tables (by schema and name); renames and moves.  A table at
    ** the same position under the same key is paired without the map (keys
    ** are unique in a schema): when the models list the tables in the
    ** database's order, the map is never built. */
    for (size_t i = 0; i < nw; i++) {
        const char *key = wanted->tables.items[i]->key;
        if (i < nc && !strcmp(current->tables.items[i]->key, key)) {
            cur_of[i] = current->tables.items[i];
            cur_kept[i] = true;
            continue;
        }
        if (!cur_pos) cur_pos = table_positions(a, current);
        size_t *j = strmap_get(cur_pos, key);
        if (j) { cur_of[i] = current->tables.items[*j]; cur_kept[*j] = true; }
    }
    for (size_t i = 0; i < nw; i++) {
        const table *w = wanted->tables.items[i];
        if (cur_of[i] || !w->renamed_from) continue;
        if (!cur_pos) cur_pos = table_positions(a, current);
        const char *old_key = schema_object_key(a, w->renamed_from_schema, w->renamed_from);
        size_t *j = strmap_get(cur_pos, old_key);
        if (!j || cur_kept[*j] || schema_find_table_in(wanted, w->renamed_from_schema, w->renamed_from)) continue;
        const table *c = current->tables.items[*j];
        cur_of[i] = c;
        cur_kept[*j] = true;
        /* A move first (SET SCHEMA keeps the name), then a rename in the
        ** new schema. */
        if (!str_eq(c->schema, w->schema))
            emit(&df, (op){.kind = OP_SET_TABLE_SCHEMA, .table_name = c->name, .schema = w->schema,
                           .old_schema = c->schema, .default_schema = df.default_schema});
        if (strcmp(c->name, w->name))
            emit(&df, (op){.kind = OP_RENAME_TABLE, .table_name = w->name, .schema = w->schema,
                           .old_name = c->name, .new_name = w->name});
        strmap_put(df.table_renames, c->key, (void *)w);
    }

    /* 1b. Enum types: created and altered before any column uses them. */
    diff_enums(&df);

    /* Tables the models do not have that must stay for what they hold
    ** (known before any foreign key to them is compared). */
    for (size_t j = 0; j < nc; j++) {
        if (cur_kept[j]) continue;
        const table *t = current->tables.items[j];
        const char *why = table_unmodeled(&df, t);
        if (why) {
            left_alone(&df, "table '%s' is not in the models, and has what retort cannot model: %s",
                       tname_of(&df, t), why);
            strmap_put(df.tables_left_alone, tname_of(&df, t), (void *)t);
        }
    }

    /* Columns of kept tables, paired once (renames are known before any
    ** foreign key is compared). */
    column_pairing *colp = arena_alloc(a, (nw + 1) * sizeof *colp);
    for (size_t i = 0; i < nw; i++)
        if (cur_of[i]) colp[i] = pair_columns(&df, wanted->tables.items[i], cur_of[i]);

    /* Foreign keys of kept tables, paired once for steps 2 and 5. */
    pairing *fkp = arena_alloc(a, (nw + 1) * sizeof *fkp);
    for (size_t i = 0; i < nw; i++) {
        if (!cur_of[i]) continue;
        const table *w = wanted->tables.items[i], *c = cur_of[i];
        fkp[i] = pair_kind(&df, a, (void *const *)w->foreign_keys.items, w->foreign_keys.len,
                           (void *const *)c->foreign_keys.items, c->foreign_keys.len, fk_name, fk_same_fn);
    }

    /* 2. Drop foreign keys that go or change. */
    for (size_t i = 0; i < nw; i++) {
        if (!cur_of[i]) continue;
        const table *w = wanted->tables.items[i], *c = cur_of[i];
        for (size_t k = 0; k < w->foreign_keys.len; k++)
            if (fkp[i].changed[k])
                emit(&df, (op){.kind = OP_DROP_FOREIGN_KEY, .table_name = w->name, .schema = w->schema,
                               .fk = c->foreign_keys.items[fkp[i].match[k]]});
        for (size_t j = 0; j < c->foreign_keys.len; j++) {
            const foreign_key *fk = c->foreign_keys.items[j];
            if (fkp[i].used[j]) continue;
            const char *why = fk_unmodeled(&df, c, fk);
            if (why)
                left_alone(&df, "foreign key %s%s%s(%s) of table '%s' is not in the models, but %s",
                           fk->name ? "'" : "", fk->name ? fk->name : "", fk->name ? "' " : "",
                           str_vec_join(a, &fk->columns, ", "), tname_of(&df, w), why);
            else
                emit(&df, (op){.kind = OP_DROP_FOREIGN_KEY, .table_name = w->name, .schema = w->schema, .fk = fk});
        }
    }

    /* 3. Table bodies. */
    for (size_t i = 0; i < nw; i++)
        if (cur_of[i]) diff_table_body(&df, wanted->tables.items[i], cur_of[i], colp[i]);

    /* 4. Create tables. */
    const table **created = arena_alloc(a, (nw + 1) * sizeof *created);
    size_t ncreated = 0;
    for (size_t i = 0; i < nw; i++)
        if (!cur_of[i]) created[ncreated++] = wanted->tables.items[i];
    emit_create_tables(&df, created, ncreated);

    /* 5. Add foreign keys on kept tables. */
    for (size_t i = 0; i < nw; i++) {
        if (!cur_of[i]) continue;
        const table *w = wanted->tables.items[i];
        for (size_t k = 0; k < w->foreign_keys.len; k++)
            if (fkp[i].match[k] < 0 || fkp[i].changed[k])
                emit(&df, (op){.kind = OP_ADD_FOREIGN_KEY, .table_name = w->name, .schema = w->schema, .fk = w->foreign_keys.items[k]});
    }

    /* 6. Drop tables, except those that hold what retort cannot model. */
    const table **dropped = arena_alloc(a, (nc + 1) * sizeof *dropped);
    size_t ndropped = 0;
    for (size_t j = 0; j < nc; j++) {
        if (cur_kept[j]) continue;
        const table *t = current->tables.items[j];
        if (!strmap_get(df.tables_left_alone, tname_of(&df, t))) dropped[ndropped++] = t;
    }
    emit_drop_tables(&df, dropped, ndropped);

    /* 7. Table comments. */
    if (df.d->stores_comments)
        for (size_t i = 0; i < nw; i++) {
            if (!cur_of[i]) continue;
            const table *w = wanted->tables.items[i];
            if (!str_eq(w->comment, cur_of[i]->comment))
                emit(&df, (op){.kind = OP_SET_TABLE_COMMENT, .table_name = w->name, .schema = w->schema,
                               .old_comment = cur_of[i]->comment, .new_comment = w->comment});
        }
    /* 8. Enum types no longer declared. */
    drop_enums(&df);
    report_objects(&df);
    arena_free(df.scratch);
    arena_free(df.table_scratch);
    return m;
}
