/*
** introspect.c — dispatch to the backend's introspector, then what every
** backend's result shares.
*/
#include "introspect/introspect.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* s with ASCII letters lower-cased (SQLite folds only those), malloc'd. */
static char *ascii_lower(const char *s) {
    char *c = strdup(s);
    if (!c) util_oom();
    for (char *p = c; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
    return c;
}

bool introspect_excluded(const str_vec *patterns, const char *name, bool nocase) {
    bool hit = false;
    char *n = nocase ? ascii_lower(name) : NULL;
    for (size_t i = 0; !hit && patterns && i < patterns->len; i++) {
        const char *p = patterns->items[i];
        if (!p) continue;
        char *lp = nocase ? ascii_lower(p) : NULL;
        hit = fnmatch(lp ? lp : p, n ? n : name, 0) == 0;
        free(lp);
    }
    free(n);
    return hit;
}

col_type introspect_column_type(const dialect *d, schema *s, strmap *types, arena *scratch, const char *spelling) {
    col_type *type = strmap_get(types, spelling);
    if (!type) {
        type = arena_alloc(scratch, sizeof *type);
        *type = d->parse_type(s->arena, spelling);
        strmap_put(types, arena_strdup(scratch, spelling), type);
    }
    return *type;
}

/* An index named as SQLAlchemy names an @index (ix_<table>_<column>) is
** marked conventional, so that a generated drop renders op.f() as Alembic's
** does. */
static void mark_conventional_index_names(schema *s) {
    for (size_t t = 0; t < s->tables.len; t++) {
        table *tb = s->tables.items[t];
        for (size_t i = 0; i < tb->indexes.len; i++) {
            index_def *ix = tb->indexes.items[i];
            if (ix->columns.len != 1) continue;
            ix->conventional_name = index_name_is_conventional(ix->name, tb->name, ix->columns.items[0]);
        }
    }
}

int introspect_database(db_conn *c, const introspect_options *opt, schema **out, diag_list *dl) {
    introspect_options o = opt ? *opt : (introspect_options){0};
    if (!o.hidden_table) o.hidden_table = c->checksum_table;
    int rc = c->sqlite ? introspect_sqlite(c->sqlite, &o, out, dl)
                       : introspect_postgres(c->pg, c->pg_schema, &o, out, dl);
    if (rc == 0) mark_conventional_index_names(*out);
    return rc;
}
