/*
** models.c — a schema (as introspected) to model files, one per table:
** what `retort pull` writes (docs/commands.md, "retort pull").
**
** Each table becomes `<table>.model` (the table name in snake_case: lower
** case, other characters than letters, digits and `_` as `_`) declaring one
** model, named after the table in PascalCase, singular-ish (`chart_configs`
** -> ChartConfig, `categories` -> Category), with `@@table("...")` when the
** model's snake_case name is not the table name.  Tables come in name order.
**
** Everything the IR holds is written in the model language
** (docs/model-language.md): types, `?`, keys, autoincrement, defaults,
** comments, `@map` for a column name that is not a field name, unique
** constraints, indexes, foreign keys, checks.  A constraint named as
** PostgreSQL names an unnamed one (pg_constraint_name: <table>_pkey,
** <table>_<cols>_key, _fkey, _check) is written unnamed, as a person would
** write it.  A column attribute is used where one says it all
** (@primary_key, @index for ix_<table>_<column>, @unique, @foreign_key);
** a table clause otherwise.
**
** Defaults are written in the nicest spelling that the dialect reads as the
** database's own: for each candidate (a boolean, a number, a string, now(),
** in an order chosen by the column's type) the canonical default of the
** candidate on the model's type is compared with the canonical default of
** the introspected text on the column's type; `sql("...")` with the text as
** the database keeps it is the fallback.  A type is written only when the
** dialect reads the model type as the column's (types_equal).
**
** What the model language cannot say is written as a `#` comment where it
** would stand, with a note (a warning of `retort pull`) at that line: a
** column whose type has no model spelling, an index with what the model
** language cannot say (a COLLATE, an access method it does not name,
** storage parameters), a foreign key to a table the models do not declare, a
** table without a primary key (the whole model commented out), a name
** longer than 63 bytes, an index or constraint name used twice in the
** schema (the model language keeps them in one namespace; a constraint is
** written unnamed then).  Where the file says a little less than the
** database (a primary key column SQLite lets hold
** NULL, SQLite's AUTOINCREMENT, a serial column outside the key, an
** identity's sequence options other than start and increment) the line
** is written with a note.
*/
#include "render/render.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_NAME = 63 };  /* PostgreSQL's identifier limit, which the model language enforces */

/* ------------------------------------------------------------ spelling */

/* A model-language string literal: "...", with \" \\ \n \t \r and \u00XX
** for other control characters. */
static const char *mstr(arena *a, const char *s) {
    strbuf sb = STRBUF_INIT;
    sb_appendc(&sb, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': sb_append(&sb, "\\\""); break;
        case '\\': sb_append(&sb, "\\\\"); break;
        case '\n': sb_append(&sb, "\\n"); break;
        case '\t': sb_append(&sb, "\\t"); break;
        case '\r': sb_append(&sb, "\\r"); break;
        default:
            if (*p < 0x20 || *p == 0x7f) sb_printf(&sb, "\\u%04x", *p);
            else sb_appendc(&sb, (char)*p);
        }
    }
    sb_appendc(&sb, '"');
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* Text for a `#` comment: one line, control characters escaped. */
static const char *comment_text(arena *a, const char *s) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '\n') sb_append(&sb, "\\n");
        else if (*p < 0x20 || *p == 0x7f) sb_printf(&sb, "\\x%02x", *p);
        else sb_appendc(&sb, (char)*p);
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static bool is_identifier(const char *s) {
    if (!s || !(isalpha((unsigned char)s[0]) || s[0] == '_')) return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_') return false;
    return true;
}

/* A name where the model language takes a name or a string (clause
** columns, referenced columns): bare when it is a name and not one of the
** two words read as booleans there. */
static const char *name_ref(arena *a, const char *s) {
    if (is_identifier(s) && strcmp(s, "true") && strcmp(s, "false")) return s;
    return mstr(a, s);
}

/* Lower-case, with every run of other characters than letters and digits
** as one '_' (none at the ends): "Order Items" -> "order_items". */
static const char *snake_of(arena *a, const char *s) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    bool pending = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p)) {
            if (pending && sb.len) sb_appendc(&sb, '_');
            pending = false;
            sb_appendc(&sb, (char)tolower(*p));
        } else {
            pending = true;
        }
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* A field name for a column name that is not one: its snake form, "c_"
** before a leading digit. */
static const char *field_of_column_name(arena *a, const char *name) {
    const char *f = snake_of(a, name);
    if (!*f) return "column";
    if (isdigit((unsigned char)f[0])) return arena_printf(a, "c_%s", f);
    return f;
}

static bool ends_with(const char *s, size_t n, const char *suffix) {
    size_t k = strlen(suffix);
    return n >= k && !strncmp(s + n - k, suffix, k);
}

/* The last word of a snake name in the singular, roughly as English does
** it: categories -> category, addresses -> address, boxes -> box,
** datasets -> dataset; status, class, analysis stay. */
static const char *singular(arena *a, const char *s) {
    size_t n = strlen(s);
    if (n > 4 && ends_with(s, n, "ies")) return arena_printf(a, "%.*sy", (int)(n - 3), s);
    if (n > 4 && (ends_with(s, n, "sses") || ends_with(s, n, "shes") || ends_with(s, n, "ches") ||
                  ends_with(s, n, "xes") || ends_with(s, n, "zzes")))
        return arena_strndup(a, s, n - 2);
    if (n > 1 && ends_with(s, n, "s") && !ends_with(s, n, "ss") && !ends_with(s, n, "us") &&
        !ends_with(s, n, "is"))
        return arena_strndup(a, s, n - 1);
    return s;
}

/* The model name of a table: PascalCase of its words, the last one in the
** singular when `sing`; letters already upper case stay so. */
static const char *model_name_of(arena *a, const char *table, bool sing) {
    const char *words = snake_of(a, table);
    if (sing) words = singular(a, words);
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    /* Walk the original name's letters so that "HTTPLog" keeps its case. */
    bool start = true;
    size_t wi = 0;
    for (const unsigned char *p = (const unsigned char *)table; *p && words[wi]; p++) {
        if (!isalnum(*p)) {
            start = true;
            continue;
        }
        if (words[wi] == '_') wi++;
        char w = words[wi];
        if (!w) break;
        sb_appendc(&sb, start ? (char)toupper((unsigned char)w) : (isupper(*p) ? (char)*p : w));
        start = false;
        wi++;
    }
    const char *r = sb.len ? arena_strdup(a, sb_str(&sb)) : "Table";
    sb_free(&sb);
    if (isdigit((unsigned char)r[0])) r = arena_printf(a, "T%s", r);
    return r;
}

/* ------------------------------------------------------------ the plan */

/* What is decided for one column before anything is written. */
typedef struct pull_column {
    const column *c;
    const char *field;          /* the field name */
    const char *type;           /* the model spelling ("String(255)"), NULL when none */
    const char *why_not;        /* why the column is a comment (NULL: it is declared) */
    bool pk_attr, index_attr, unique_attr;
    const foreign_key *fk_attr; /* the @foreign_key of the column, or NULL */
    const char *fk_name;        /* its name= (NULL: unnamed) */
} pull_column;

typedef struct pull_table {
    const table *t;
    const char *model;
    const char *file;
    pull_column *cols;
    strmap *col_by_name;        /* database name -> pull_column */
    const char *why_not;        /* why the whole model is a comment */
} pull_table;

/* One line of a file, with the note it carries (NULL: none). */
typedef struct out_line {
    const char *text;
    const char *note;
    const char *hint;
    int column;
} out_line;
typedef VEC(out_line) line_vec;

typedef struct puller {
    arena *a;
    const schema *s;
    const dialect *d;
    pull_table *tables;
    size_t n;
    strmap *by_table;           /* table key (schema_object_key) -> pull_table */
    strmap *names;              /* index and constraint names given out */
    strmap *enum_models;        /* enum type key -> its name in the models */
    line_vec *lines;            /* the file being written */
    bool quiet;                 /* inside a model written as a comment: no notes */
} puller;

static void add_line(puller *p, const char *text, const char *note, const char *hint) {
    if (p->quiet) note = hint = NULL;
    vec_push(p->a, p->lines, ((out_line){text, note, hint, 3}));
}

static bool is_integer_kind(type_kind k) { return k == TYPE_INTEGER || k == TYPE_BIGINT || k == TYPE_SMALLINT; }

/* The type the model language would give for c's spelling, and whether it
** is the column's type in this dialect. */
static const char *model_type_of(puller *p, const column *c, col_type *mt) {
    const col_type *t = &c->type;
    *mt = (col_type){.kind = t->kind, .length = -1, .precision = -1, .scale = -1};
    switch (t->kind) {
    case TYPE_OTHER:
        return NULL;
    case TYPE_ENUM: {
        const char *name = t->enumeration ? strmap_get(p->enum_models, t->enumeration->key) : NULL;
        if (!name) return NULL;
        /* the type as the models name it, for the spelling of an ARRAY of it */
        enum_type *named = arena_alloc(p->a, sizeof *named);
        *named = *t->enumeration;
        named->model_name = name;
        mt->enumeration = named;
        return name;
    }
    case TYPE_STRING:
        if (t->length == 0) return NULL;
        mt->length = t->length;
        break;
    case TYPE_NUMERIC:
        mt->precision = t->precision;
        mt->scale = t->precision >= 0 ? t->scale : -1;
        break;
    case TYPE_DATETIME:
    case TYPE_TIME:
        mt->timezone = t->timezone;
        break;
    case TYPE_JSON:
        mt->jsonb = t->jsonb;
        break;
    case TYPE_ARRAY: {
        /* the element's model type, one level down (never an array) */
        if (!t->element || t->element->kind == TYPE_ARRAY) return NULL;
        column ec = *c;
        ec.type = *t->element;
        col_type *me = arena_alloc(p->a, sizeof *me);
        if (!model_type_of(p, &ec, me)) return NULL;
        mt->element = me;
        mt->dimensions = t->dimensions;
        break;
    }
    default:
        break;
    }
    if (!p->d->types_equal(mt, t)) return NULL;
    return col_type_to_string(p->a, mt);
}

/* The name the server gives an unnamed check, for one of t's columns or
** for none. */
static bool is_default_check_name(puller *p, const table *t, const char *name) {
    if (!strcmp(name, pg_constraint_name(p->a, t->name, NULL, "check"))) return true;
    for (size_t i = 0; i < t->columns.len; i++) {
        str_vec one = {0};
        vec_push(p->a, &one, t->columns.items[i]->name);
        if (!strcmp(name, pg_constraint_name(p->a, t->name, &one, "check"))) return true;
    }
    return false;
}

/* A constraint's name as written: NULL when unnamed or named as the server
** names an unnamed one; NULL too (with a note into *note) when the name is
** too long or taken already. */
static const char *constraint_name(puller *p, const char *name, const char *server_default_name, bool is_default,
                                   const char *what, const char **note) {
    *note = NULL;
    if (!name || is_default || (server_default_name && !strcmp(name, server_default_name))) return NULL;
    if (p->quiet) return name;      /* a model written as a comment declares no name */
    if (strlen(name) > MAX_NAME) {
        *note = arena_printf(p->a, "%s name '%s' is longer than %d bytes; written unnamed", what,
                             comment_text(p->a, name), MAX_NAME);
        return NULL;
    }
    if (strmap_get(p->names, name)) {
        *note = arena_printf(p->a, "%s name '%s' is used twice in the schema (the model language keeps index "
                                   "and constraint names in one namespace); written unnamed",
                             what, comment_text(p->a, name));
        return NULL;
    }
    strmap_put(p->names, name, (void *)name);
    return name;
}

/* The default schema's tables first, then each other schema's, by name. */
static int cmp_tables(const void *x, const void *y) {
    const table *a = *(const table *const *)x, *b = *(const table *const *)y;
    int c = strcmp(a->schema ? a->schema : "", b->schema ? b->schema : "");
    return c ? c : strcmp(a->name, b->name);
}

/* The name a model or file is made from: the table's, after its schema's
** when that is not the default one (audit.events -> audit_events). */
static const char *table_base_name(arena *a, const table *t) {
    return t->schema ? arena_printf(a, "%s_%s", t->schema, t->name) : t->name;
}

/* A foreign key's target as the model language writes it: "table" or
** "schema.table". */
static const char *fk_target(arena *a, const foreign_key *fk) { return qualified_name(a, fk->ref_schema, fk->ref_table); }

/* The models' names of the enum types: PascalCase of the type's name
** (task_status -> TaskStatus), with "Enum" after it where that is a type's
** name or a table's model name, numbered after that. */
static void plan_enums(puller *p) {
    p->enum_models = strmap_new(p->a);
    strmap *taken = strmap_new(p->a);
    for (size_t i = 0; i < p->s->tables.len; i++) {
        const char *m = model_name_of(p->a, table_base_name(p->a, p->s->tables.items[i]), true);
        strmap_put(taken, m, (void *)m);
    }
    for (size_t i = 0; i < TYPE_NAMES_COUNT; i++) strmap_put(taken, TYPE_NAMES[i], (void *)TYPE_NAMES[i]);
    strmap_put(taken, "JSONB", "JSONB");
    for (size_t i = 0; i < p->s->enums.len; i++) {
        const enum_type *e = p->s->enums.items[i];
        const char *base = model_name_of(p->a, e->schema ? arena_printf(p->a, "%s_%s", e->schema, e->name) : e->name,
                                         false),
                   *m = base;
        if (strmap_get(taken, m)) m = base = arena_printf(p->a, "%sEnum", base);
        for (int k = 2; strmap_get(taken, m); k++) m = arena_printf(p->a, "%s%d", base, k);
        strmap_put(taken, m, (void *)m);
        strmap_put(p->enum_models, e->key, (void *)m);
    }
}

/* The enum declarations, one file for all of them. */
static void write_enums(puller *p, const char *file, line_vec *lines) {
    arena *a = p->a;
    p->lines = lines;
    add_line(p, arena_printf(a, "# %s — enum types, written by retort pull from the database.", file), NULL, NULL);
    for (size_t i = 0; i < p->s->enums.len; i++) {
        const enum_type *e = p->s->enums.items[i];
        const char *m = strmap_get(p->enum_models, e->key);
        add_line(p, "", NULL, NULL);
        add_line(p, arena_printf(a, "enum %s {", m), NULL, NULL);
        strbuf sb = STRBUF_INIT;
        for (size_t k = 0; k < e->labels.len; k++) {
            /* one line per label once a line would be long */
            const char *l = mstr(a, e->labels.items[k].label);
            if (sb.len && sb.len + 1 + strlen(l) > 76) {
                add_line(p, arena_printf(a, "  %s", sb_str(&sb)), NULL, NULL);
                sb_reset(&sb);
            }
            sb_printf(&sb, "%s%s", sb.len ? " " : "", l);
        }
        if (sb.len) add_line(p, arena_printf(a, "  %s", sb_str(&sb)), NULL, NULL);
        sb_free(&sb);
        if (strcmp(model_table_name(a, m), e->name))
            add_line(p, arena_printf(a, "  @@name(%s)", mstr(a, e->name)), NULL, NULL);
        if (e->schema) add_line(p, arena_printf(a, "  @@schema(%s)", mstr(a, e->schema)), NULL, NULL);
        add_line(p, "}", NULL, NULL);
    }
}

/* Model and file names, field names, types, and which tables can be
** declared at all. */
static void plan_tables(puller *p) {
    const table **sorted = arena_alloc(p->a, (p->s->tables.len + 1) * sizeof *sorted);
    for (size_t i = 0; i < p->s->tables.len; i++) sorted[i] = p->s->tables.items[i];
    qsort(sorted, p->s->tables.len, sizeof *sorted, cmp_tables);
    p->n = p->s->tables.len;
    p->tables = arena_alloc(p->a, (p->n + 1) * sizeof *p->tables);
    strmap *models = strmap_new(p->a), *files = strmap_new(p->a);
    for (size_t ti = 0; ti < p->n; ti++) {
        pull_table *pt = &p->tables[ti];
        const table *t = sorted[ti];
        pt->t = t;
        strmap_put(p->by_table, t->key, pt);
        /* model name: singular, else as is, else numbered */
        const char *base = table_base_name(p->a, t);
        const char *m = model_name_of(p->a, base, true);
        if (strmap_get(models, m)) m = model_name_of(p->a, base, false);
        for (int k = 2; strmap_get(models, m); k++) m = arena_printf(p->a, "%s%d", model_name_of(p->a, base, true), k);
        strmap_put(models, m, (void *)m);
        pt->model = m;
        const char *f = snake_of(p->a, base);
        if (!*f) f = "table";
        const char *file = arena_printf(p->a, "%s.model", f);
        for (int k = 2; strmap_get(files, file); k++) file = arena_printf(p->a, "%s_%d.model", f, k);
        strmap_put(files, file, (void *)file);
        pt->file = file;

        /* fields: names that are field names first, then the others */
        size_t nc = t->columns.len;
        pt->cols = arena_alloc(p->a, (nc + 1) * sizeof *pt->cols);
        pt->col_by_name = strmap_new(p->a);
        strmap *fields = strmap_new(p->a);
        for (size_t i = 0; i < nc; i++) {
            pull_column *pc = &pt->cols[i];
            pc->c = t->columns.items[i];
            strmap_put(pt->col_by_name, pc->c->name, pc);
            if (is_identifier(pc->c->name)) {
                pc->field = pc->c->name;
                strmap_put(fields, pc->field, pc);
            }
        }
        for (size_t i = 0; i < nc; i++) {
            pull_column *pc = &pt->cols[i];
            if (pc->field) continue;
            const char *base = field_of_column_name(p->a, pc->c->name), *fname = base;
            for (int k = 2; strmap_get(fields, fname); k++) fname = arena_printf(p->a, "%s_%d", base, k);
            pc->field = fname;
            strmap_put(fields, fname, pc);
        }
        bool any_declared = false;
        for (size_t i = 0; i < nc; i++) {
            pull_column *pc = &pt->cols[i];
            const column *c = pc->c;
            col_type mt;
            pc->type = model_type_of(p, c, &mt);
            if (c->generated && !*c->generated)
                pc->why_not = "a generated column whose expression retort could not read";
            else if (!pc->type)
                pc->why_not = arena_printf(p->a, "type %s has no model spelling",
                                           mstr(p->a, c->type.raw ? c->type.raw : col_type_to_string(p->a, &c->type)));
            else if (strlen(c->name) > MAX_NAME)
                pc->why_not = arena_printf(p->a, "the column name is longer than %d bytes", MAX_NAME);
            any_declared |= !pc->why_not;
        }
        if (strlen(t->name) > MAX_NAME) pt->why_not = arena_printf(p->a, "its name is longer than %d bytes", MAX_NAME);
        else if (!t->primary_key.columns.len)
            pt->why_not = "it has no primary key (a model needs one; SQLAlchemy refuses such a table)";
        else if (!any_declared) pt->why_not = "none of its columns can be declared";
        for (size_t k = 0; !pt->why_not && k < t->primary_key.columns.len; k++) {
            pull_column *pc = strmap_get(pt->col_by_name, t->primary_key.columns.items[k]);
            if (!pc || pc->why_not)
                pt->why_not = arena_printf(p->a, "its primary key column '%s' cannot be declared",
                                           comment_text(p->a, t->primary_key.columns.items[k]));
        }
    }
    /* Index names first: an index cannot be written unnamed, a constraint can. */
    for (size_t ti = 0; ti < p->n; ti++)
        for (size_t i = 0; i < p->tables[ti].t->indexes.len; i++) {
            const char *name = p->tables[ti].t->indexes.items[i]->name;
            if (name && strlen(name) <= MAX_NAME) strmap_put(p->names, name, (void *)name);
        }
}

/* The columns of a list as the table's declared columns: false when one is
** not a column (an expression) or is written as a comment (*why says). */
static bool declared_columns(puller *p, const pull_table *pt, const str_vec *cols, const char **why) {
    *why = NULL;
    if (!cols->len) {
        *why = "it has no columns";
        return false;
    }
    for (size_t i = 0; i < cols->len; i++) {
        pull_column *pc = strmap_get(pt->col_by_name, cols->items[i]);
        if (!pc && cols->items[i][0] == '(') continue;     /* an index's expression: sql("...") */
        if (!pc) {
            *why = arena_printf(p->a, "%s is not a column of the table", mstr(p->a, cols->items[i]));
            return false;
        }
        if (pc->why_not) {
            *why = arena_printf(p->a, "its column '%s' cannot be declared", comment_text(p->a, pc->c->name));
            return false;
        }
    }
    return true;
}

/* "a, b" by field name, for clauses. */
static const char *field_list(puller *p, const pull_table *pt, const str_vec *cols) {
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < cols->len; i++) {
        pull_column *pc = strmap_get(pt->col_by_name, cols->items[i]);
        sb_printf(&sb, "%s%s", i ? ", " : "", pc ? name_ref(p->a, pc->field) : mstr(p->a, cols->items[i]));
    }
    const char *r = arena_strdup(p->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* The keys of an index: `a`, `created_at(desc, nulls_last)`,
** `name(ops="varchar_pattern_ops")`, `sql("lower(email)", desc)`; a column
** whose field name cannot carry options (not a name, or one of the option
** words) as sql("\"db_name\"", ...), which the resolver reads as the
** column. */
static const char *index_keys_text(puller *p, const pull_table *pt, const index_def *ix) {
    static const char *const reserved[] = {"sql", "desc", "asc", "nulls_first", "nulls_last"};
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < ix->columns.len; i++) {
        const char *c = ix->columns.items[i];
        index_key key = index_key_at(ix, i);
        strbuf opts = STRBUF_INIT;
        if (key.desc) sb_append(&opts, ", desc");
        if (key.nulls == NULLS_FIRST) sb_append(&opts, ", nulls_first");
        if (key.nulls == NULLS_LAST) sb_append(&opts, ", nulls_last");
        if (key.opclass) sb_printf(&opts, ", ops=%s", mstr(p->a, key.opclass));
        const char *o = sb_str(&opts);
        pull_column *pc = c[0] == '(' ? NULL : strmap_get(pt->col_by_name, c);
        if (i) sb_append(&sb, ", ");
        if (c[0] == '(') {
            size_t n = strlen(c);
            sb_printf(&sb, "sql(%s%s)", mstr(p->a, arena_strndup(p->a, c + 1, n - 2)), o);
        } else if (!*o) {
            sb_append(&sb, pc ? name_ref(p->a, pc->field) : mstr(p->a, c));
        } else {
            const char *f = pc ? pc->field : c;
            bool named = is_identifier(f);
            for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++) named &= strcmp(f, reserved[k]) != 0;
            if (named) sb_printf(&sb, "%s(%s)", f, o + 2);
            else sb_printf(&sb, "sql(%s%s)", mstr(p->a, arena_printf(p->a, "\"%s\"", c)), o);
        }
        sb_free(&opts);
    }
    const char *r = arena_strdup(p->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* "a, b" by database name (referenced columns). */
static const char *db_name_list(puller *p, const str_vec *cols) {
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < cols->len; i++) sb_printf(&sb, "%s%s", i ? ", " : "", name_ref(p->a, cols->items[i]));
    const char *r = arena_strdup(p->a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* ", ondelete=\"CASCADE\", onupdate=\"SET NULL\"" or "". */
static const char *fk_actions(puller *p, const foreign_key *fk) {
    return arena_printf(p->a, "%s%s%s%s", fk->ondelete ? ", ondelete=" : "", fk->ondelete ? mstr(p->a, fk->ondelete) : "",
                        fk->onupdate ? ", onupdate=" : "", fk->onupdate ? mstr(p->a, fk->onupdate) : "");
}

/* Why a foreign key cannot be declared (NULL: it can). */
static const char *fk_problem(puller *p, const pull_table *pt, const foreign_key *fk) {
    const char *why;
    if (!declared_columns(p, pt, &fk->columns, &why)) return why;
    pull_table *target = strmap_get(p->by_table, schema_object_key(p->a, fk->ref_schema, fk->ref_table));
    if (!target)
        return arena_printf(p->a, "it references table '%s', which the models do not declare (a schema that is "
                                  "not read: see [retort] include_schemas; or an excluded table)",
                            comment_text(p->a, fk_target(p->a, fk)));
    if (target->why_not)
        return arena_printf(p->a, "it references table '%s', which is written as a comment",
                            comment_text(p->a, fk_target(p->a, fk)));
    if (fk->ref_columns.len != fk->columns.len) return "its referenced columns do not match its columns";
    for (size_t i = 0; i < fk->ref_columns.len; i++) {
        pull_column *rc = strmap_get(target->col_by_name, fk->ref_columns.items[i]);
        if (!rc || rc->why_not)
            return arena_printf(p->a, "its referenced column '%s.%s' is not declared",
                                comment_text(p->a, fk_target(p->a, fk)),
                                comment_text(p->a, fk->ref_columns.items[i]));
    }
    return NULL;
}

/* ------------------------------------------------------------- defaults */

/* "-12", "1.5", "2e10": a number as the model language writes one. */
static bool is_model_number(const char *s) {
    const char *p = s;
    if (*p == '-') p++;
    if (!isdigit((unsigned char)*p)) return false;
    while (isdigit((unsigned char)*p)) p++;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) return false;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!isdigit((unsigned char)*p)) return false;
        while (isdigit((unsigned char)*p)) p++;
    }
    return *p == '\0';
}

/* 1, 0, or -1 when v is no boolean spelling. */
static int bool_spelling(const char *v) {
    static const char *const yes[] = {"true", "t", "1", "yes", "y", "on"};
    static const char *const no[] = {"false", "f", "0", "no", "n", "off"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (!strcasecmp(v, yes[i])) return 1;
        if (!strcasecmp(v, no[i])) return 0;
    }
    return -1;
}

/* The @default(...) of a column of model type mt ("" when it has none). */
static const char *default_attr(puller *p, const column *c, const col_type *mt) {
    const server_default *sd = &c->server_default;
    if (sd->kind == DEFAULT_NONE) return "";
    const char *want = p->d->canonical_default(p->a, &c->type, sd);
    if (!want) return "";   /* NULL, or a serial's nextval(): no default in the model */
    const char *text = sd->text ? sd->text : "";
    const char *bare = dialect_strip_parens(p->a, text);
    const char *lit = dialect_unquote_literal(p->a, bare);
    const char *val = lit ? lit : bare;
    /* candidates, nicest first for the column's type */
    server_default cand[6];
    const char *spell[6];
    size_t n = 0;
    int b = bool_spelling(val);
    bool num = is_model_number(val);
    bool boolean = mt->kind == TYPE_BOOLEAN, numeric = is_integer_kind(mt->kind) || mt->kind == TYPE_FLOAT ||
                                                       mt->kind == TYPE_NUMERIC;
    if (boolean && b >= 0) {
        cand[n] = (server_default){.kind = DEFAULT_BOOL, .bool_value = b == 1};
        spell[n++] = b ? "true" : "false";
    }
    if ((boolean || numeric) && num) {
        cand[n] = (server_default){.kind = DEFAULT_NUMBER, .text = val};
        spell[n++] = val;
    }
    if (lit) {
        cand[n] = (server_default){.kind = DEFAULT_STRING, .text = lit};
        spell[n++] = mstr(p->a, lit);
    }
    if (!boolean && !numeric && num && !lit) {
        cand[n] = (server_default){.kind = DEFAULT_NUMBER, .text = val};
        spell[n++] = val;
    }
    cand[n] = (server_default){.kind = DEFAULT_NOW};
    spell[n++] = "now()";
    cand[n] = (server_default){.kind = DEFAULT_SQL, .text = text};
    spell[n++] = arena_printf(p->a, "sql(%s)", mstr(p->a, text));
    for (size_t i = 0; i < n; i++) {
        const char *got = p->d->canonical_default(p->a, mt, &cand[i]);
        if (got && !strcmp(got, want)) return arena_printf(p->a, "@default(%s)", spell[i]);
    }
    return arena_printf(p->a, "@default(%s)", spell[n - 1]);
}

/* ------------------------------------------------------------ one table */

/* The column attributes that keys and indexes become (on pt's columns);
** a @@primary_key clause goes to p->lines (the head of the model), the
** other clauses to `clauses`. */
static void plan_keys(puller *p, pull_table *pt, line_vec *clauses) {
    const table *t = pt->t;
    arena *a = p->a;
    const char *why, *note;
    /* primary key */
    const primary_key *pk = &t->primary_key;
    const char *pk_name = constraint_name(p, pk->name, pg_constraint_name(a, t->name, NULL, "pkey"), false,
                                          "primary key", &note);
    if (note) note = arena_printf(a, "%s: %s", comment_text(a, t->name), note);
    if (!pk->columns.len)
        ;   /* the model is a comment (plan_tables) */
    else if (pk->columns.len == 1 && !pk_name && !note)
        ((pull_column *)strmap_get(pt->col_by_name, pk->columns.items[0]))->pk_attr = true;
    else
        add_line(p, arena_printf(a, "@@primary_key(%s%s%s)", field_list(p, pt, &pk->columns), pk_name ? ", name=" : "",
                                 pk_name ? mstr(a, pk_name) : ""),
                 note, NULL);
    p->lines = clauses;
    /* indexes (before uniques: @unique beside @index means a unique index) */
    for (size_t i = 0; i < t->indexes.len; i++) {
        const index_def *ix = t->indexes.items[i];
        const char *unmodeled = index_unmodeled(a, ix);
        if (unmodeled || !declared_columns(p, pt, &ix->columns, &why) ||
            (ix->include.len && !declared_columns(p, pt, &ix->include, &why)) || strlen(ix->name) > MAX_NAME) {
            if (unmodeled) why = arena_printf(a, "it has %s", unmodeled);
            if (!why) why = arena_printf(a, "its name is longer than %d bytes", MAX_NAME);
            add_line(p, arena_printf(a, "# @@index(%s, %s%s)", mstr(a, ix->name), db_name_list(p, &ix->columns),
                                     ix->unique ? ", unique=true" : ""),
                     arena_printf(a, "%s: index '%s' cannot be declared: %s; written as a comment",
                                  comment_text(a, t->name), comment_text(a, ix->name), why),
                     "the model language cannot declare it; keep its changes in hand-written migrations");
            continue;
        }
        pull_column *one = ix->columns.len == 1 ? strmap_get(pt->col_by_name, ix->columns.items[0]) : NULL;
        if (one && !ix->where && index_is_plain(ix) && !one->index_attr &&
            index_name_is_conventional(ix->name, t->name, one->c->name)) {
            one->index_attr = true;
            one->unique_attr = ix->unique;
            continue;
        }
        add_line(p, arena_printf(a, "@@index(%s, %s%s%s%s%s%s%s%s)", mstr(a, ix->name), index_keys_text(p, pt, ix),
                                 ix->unique ? ", unique=true" : "", ix->method ? ", using=" : "",
                                 ix->method ? mstr(a, ix->method) : "", ix->include.len ? ", include=(" : "",
                                 ix->include.len ? field_list(p, pt, &ix->include) : "", ix->include.len ? ")" : "",
                                 ix->where ? arena_printf(a, ", where=%s", mstr(a, ix->where)) : ""),
                 NULL, NULL);
    }
    /* unique constraints */
    for (size_t i = 0; i < t->uniques.len; i++) {
        const unique_def *u = t->uniques.items[i];
        if (!declared_columns(p, pt, &u->columns, &why)) {
            add_line(p, arena_printf(a, "# @@unique(%s%s%s)", u->name ? mstr(a, u->name) : "", u->name ? ", " : "",
                                     db_name_list(p, &u->columns)),
                     arena_printf(a, "%s: a unique constraint cannot be declared: %s; written as a comment",
                                  comment_text(a, t->name), why),
                     NULL);
            continue;
        }
        const char *name = constraint_name(p, u->name, pg_constraint_name(a, t->name, &u->columns, "key"), false,
                                           "unique constraint", &note);
        if (note) note = arena_printf(a, "%s: %s", comment_text(a, t->name), note);
        pull_column *one = u->columns.len == 1 ? strmap_get(pt->col_by_name, u->columns.items[0]) : NULL;
        if (one && !name && !one->index_attr && !one->unique_attr && !note) {
            one->unique_attr = true;
            continue;
        }
        add_line(p, arena_printf(a, "@@unique(%s%s%s)", name ? mstr(a, name) : "", name ? ", " : "",
                                 field_list(p, pt, &u->columns)),
                 note, NULL);
    }
    /* foreign keys */
    for (size_t i = 0; i < t->foreign_keys.len; i++) {
        const foreign_key *fk = t->foreign_keys.items[i];
        const char *problem = fk_problem(p, pt, fk);
        if (problem) {
            add_line(p, arena_printf(a, "# @@foreign_key((%s), %s, (%s)%s)", db_name_list(p, &fk->columns),
                                     mstr(a, fk_target(a, fk)), db_name_list(p, &fk->ref_columns), fk_actions(p, fk)),
                     arena_printf(a, "%s: a foreign key cannot be declared: %s; written as a comment",
                                  comment_text(a, t->name), problem),
                     NULL);
            continue;
        }
        const char *name = constraint_name(p, fk->name, pg_constraint_name(a, t->name, &fk->columns, "fkey"), false,
                                           "foreign key", &note);
        if (note) note = arena_printf(a, "%s: %s", comment_text(a, t->name), note);
        pull_column *one = fk->columns.len == 1 ? strmap_get(pt->col_by_name, fk->columns.items[0]) : NULL;
        if (one && !one->fk_attr && !strchr(fk->ref_columns.items[0], '.') && !note) {
            one->fk_attr = fk;
            one->fk_name = name;
            continue;
        }
        add_line(p, arena_printf(a, "@@foreign_key(%s%s(%s), %s, (%s)%s)", name ? mstr(a, name) : "", name ? ", " : "",
                                 field_list(p, pt, &fk->columns), mstr(a, fk_target(a, fk)),
                                 db_name_list(p, &fk->ref_columns), fk_actions(p, fk)),
                 note, NULL);
    }
    /* checks */
    for (size_t i = 0; i < t->checks.len; i++) {
        const check_def *ck = t->checks.items[i];
        const char *name = constraint_name(p, ck->name, NULL, ck->name && is_default_check_name(p, t, ck->name),
                                           "check constraint", &note);
        if (note) note = arena_printf(a, "%s: %s", comment_text(a, t->name), note);
        add_line(p, arena_printf(a, "@@check(%s%s%s)", name ? mstr(a, name) : "", name ? ", " : "",
                                 mstr(a, ck->sqltext ? ck->sqltext : "")),
                 note, NULL);
    }
}

/* The autoincrement attribute of a column, as SQLAlchemy reads it
** (render/sql.c, autoincrement_column): "auto" makes a lone integer
** primary key without a foreign key or default autoincrementing. */
static const char *autoincrement_attr(puller *p, const pull_table *pt, const pull_column *pc, bool has_default) {
    const column *c = pc->c;
    const table *t = pt->t;
    if (!c->primary_key || !is_integer_kind(c->type.kind)) return NULL;
    if (p->d->kind == DIALECT_SQLITE) return NULL;    /* an INTEGER PRIMARY KEY is the rowid either way */
    bool in_fk = false;
    for (size_t i = 0; i < t->foreign_keys.len; i++)
        for (size_t k = 0; k < t->foreign_keys.items[i]->columns.len; k++)
            in_fk |= !strcmp(t->foreign_keys.items[i]->columns.items[k], c->name);
    bool automatic = t->primary_key.columns.len == 1 && !in_fk && !has_default;
    if (c->identity && !automatic) return "@autoincrement";
    if (!c->identity && automatic) return "@autoincrement(false)";
    return NULL;
}

/* @identity, with what is not the default: always=true, start=, increment=. */
static const char *identity_attr(arena *a, const identity_def *g) {
    strbuf sb = STRBUF_INIT;
    if (g->always) sb_append(&sb, ", always=true");
    if (g->start != identity_default_start(g->increment)) sb_printf(&sb, ", start=%lld", g->start);
    if (g->increment != 1) sb_printf(&sb, ", increment=%lld", g->increment);
    const char *r = sb.len ? arena_printf(a, "@identity(%s)", sb_str(&sb) + 2) : "@identity";
    sb_free(&sb);
    return r;
}

static void pad_to(strbuf *sb, size_t from, size_t width) {
    for (size_t k = sb->len - from; k < width; k++) sb_appendc(sb, ' ');
}

/* The column lines of a model, aligned: field, type, attributes. */
static void write_columns(puller *p, pull_table *pt) {
    arena *a = p->a;
    const table *t = pt->t;
    size_t nc = t->columns.len, wf = 0, wt = 0;
    const char **types = arena_alloc(a, (nc + 1) * sizeof *types);
    for (size_t i = 0; i < nc; i++) {
        pull_column *pc = &pt->cols[i];
        if (pc->why_not) continue;
        types[i] = arena_printf(a, "%s%s", pc->type, pc->c->nullable && !pc->c->primary_key ? "?" : "");
        if (strlen(pc->field) > wf) wf = strlen(pc->field);
        if (strlen(types[i]) > wt) wt = strlen(types[i]);
    }
    for (size_t i = 0; i < nc; i++) {
        pull_column *pc = &pt->cols[i];
        const column *c = pc->c;
        if (pc->why_not) {
            const char *raw = c->type.raw && *c->type.raw ? comment_text(a, c->type.raw) : "(no declared type)";
            add_line(p, arena_printf(a, "# %s  %s%s%s%s", pc->field, raw,
                                     c->nullable ? "?" : "", strcmp(pc->field, c->name) ? "  @map" : "",
                                     strcmp(pc->field, c->name) ? arena_printf(a, "(%s)", mstr(a, c->name)) : ""),
                     arena_printf(a, "%s.%s: %s; written as a comment", comment_text(a, t->name),
                                  comment_text(a, c->name), pc->why_not),
                     "the model language cannot declare the column; keep its changes in hand-written migrations");
            continue;
        }
        strbuf sb = STRBUF_INIT;
        sb_append(&sb, pc->field);
        pad_to(&sb, 0, wf);
        sb_append(&sb, "  ");
        size_t at = sb.len;
        sb_append(&sb, types[i]);
        pad_to(&sb, at, wt);
        col_type mt;
        model_type_of(p, c, &mt);
        const char *def = default_attr(p, c, &mt);
        const char *attrs[12];
        size_t na = 0;
        if (strcmp(pc->field, c->name)) attrs[na++] = arena_printf(a, "@map(%s)", mstr(a, c->name));
        if (pc->pk_attr) attrs[na++] = "@primary_key";
        const char *ai = c->generated_identity ? NULL : autoincrement_attr(p, pt, pc, *def != '\0');
        if (ai) attrs[na++] = ai;
        if (pc->unique_attr) attrs[na++] = "@unique";
        if (pc->index_attr) attrs[na++] = "@index";
        if (*def && !c->generated) attrs[na++] = def;
        if (c->generated)
            attrs[na++] = c->generated_stored ? arena_printf(a, "@computed(%s)", mstr(a, c->generated))
                                              : arena_printf(a, "@computed(%s, stored=false)", mstr(a, c->generated));
        if (pc->fk_attr) {
            const foreign_key *fk = pc->fk_attr;
            const char *name = pc->fk_name;
            attrs[na++] = arena_printf(a, "@foreign_key(%s%s%s%s)",
                                       mstr(a, arena_printf(a, "%s.%s", fk_target(a, fk), fk->ref_columns.items[0])),
                                       fk_actions(p, fk), name ? ", name=" : "", name ? mstr(a, name) : "");
        }
        if (c->generated_identity) attrs[na++] = identity_attr(a, c->generated_identity);
        if (c->comment) attrs[na++] = arena_printf(a, "@comment(%s)", mstr(a, c->comment));
        for (size_t k = 0; k < na; k++) sb_printf(&sb, "  %s", attrs[k]);
        /* no trailing blanks */
        while (sb.len && sb.data[sb.len - 1] == ' ') sb.data[--sb.len] = '\0';
        const char *note = NULL;
        if (c->identity && p->d->kind == DIALECT_SQLITE) {
            sb_append(&sb, "  # AUTOINCREMENT in the database");
            note = arena_printf(a, "%s.%s: INTEGER PRIMARY KEY AUTOINCREMENT has no model spelling (retort and "
                                   "SQLAlchemy write INTEGER PRIMARY KEY, which may reuse the ids of deleted rows); "
                                   "written without AUTOINCREMENT",
                                comment_text(a, t->name), comment_text(a, c->name));
        } else if (c->primary_key && c->nullable) {
            note = arena_printf(a, "%s.%s: the database lets this primary key column hold NULL (SQLite does, for a "
                                   "key column not declared NOT NULL); a model's key columns are NOT NULL",
                                comment_text(a, t->name), comment_text(a, c->name));
        } else if (c->generated_identity && identity_options_sql(a, c->generated_identity, true)) {
            sb_printf(&sb, "  # %s in the database", identity_options_sql(a, c->generated_identity, true));
            note = arena_printf(a, "%s.%s: the identity's sequence options %s have no model spelling; written "
                                   "without them (autogenerate leaves them as they are)",
                                comment_text(a, t->name), comment_text(a, c->name),
                                identity_options_sql(a, c->generated_identity, true));
        } else if (c->identity && !c->generated_identity && !c->primary_key && p->d->kind == DIALECT_POSTGRESQL) {
            sb_append(&sb, "  # serial or identity in the database");
            note = arena_printf(a, "%s.%s: an autoincrementing column outside the primary key has no model "
                                   "spelling; written as a plain column",
                                comment_text(a, t->name), comment_text(a, c->name));
        }
        add_line(p, arena_strdup(a, sb_str(&sb)), note, NULL);
        sb_free(&sb);
    }
}

/* One model file's lines. */
static void write_table(puller *p, pull_table *pt, line_vec *lines) {
    arena *a = p->a;
    const table *t = pt->t;
    p->lines = lines;
    p->quiet = false;
    add_line(p, arena_printf(a, "# %s — table %s, written by retort pull from the database.", pt->file,
                             mstr(a, t->name)),
             NULL, NULL);
    size_t model_line = lines->len;
    add_line(p, arena_printf(a, "model %s {", pt->model), NULL, NULL);
    p->quiet = pt->why_not != NULL;
    line_vec head = {0}, clauses = {0};
    /* keys first: they decide the column attributes */
    p->lines = &head;
    if (strcmp(model_table_name(a, pt->model), t->name))
        add_line(p, arena_printf(a, "@@table(%s)", mstr(a, t->name)), NULL, NULL);
    if (t->schema) add_line(p, arena_printf(a, "@@schema(%s)", mstr(a, t->schema)), NULL, NULL);
    if (t->comment) add_line(p, arena_printf(a, "@@comment(%s)", mstr(a, t->comment)), NULL, NULL);
    plan_keys(p, pt, &clauses);
    line_vec body = {0};
    p->lines = &body;
    write_columns(p, pt);
    if (head.len || clauses.len) add_line(p, "", NULL, NULL);
    for (size_t i = 0; i < head.len; i++) vec_push(a, &body, head.items[i]);
    for (size_t i = 0; i < clauses.len; i++) vec_push(a, &body, clauses.items[i]);
    p->lines = lines;
    for (size_t i = 0; i < body.len; i++) {
        out_line l = body.items[i];
        l.text = *l.text ? arena_printf(a, "  %s", l.text) : "";
        vec_push(a, lines, l);
    }
    p->quiet = false;
    add_line(p, "}", NULL, NULL);
    if (pt->why_not) {
        for (size_t i = model_line; i < lines->len; i++)
            lines->items[i].text = *lines->items[i].text ? arena_printf(a, "# %s", lines->items[i].text) : "#";
        lines->items[model_line].note = arena_printf(a, "table %s cannot be a model: %s; written as a comment",
                                                     comment_text(a, t->name), pt->why_not);
        lines->items[model_line].hint = "add it to exclude_tables in the [retort] section of alembic.ini so that "
                                        "autogenerate leaves it alone, or give it what it lacks";
        lines->items[model_line].column = 1;
    }
}

/* ---------------------------------------------------------------- entry */

model_files *render_model_files(const schema *s, const dialect *d) {
    arena *a = arena_new();
    model_files *out = arena_alloc(a, sizeof *out);
    out->arena = a;
    puller p = {.a = a, .s = s, .d = d, .by_table = strmap_new(a), .names = strmap_new(a)};
    plan_enums(&p);
    plan_tables(&p);
    if (s->enums.len) {
        const char *file = "enums.model";
        for (size_t ti = 0; ti < p.n; ti++)
            if (!strcmp(p.tables[ti].file, file)) file = "enum_types.model";
        line_vec lines = {0};
        write_enums(&p, file, &lines);
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < lines.len; i++) sb_printf(&sb, "%s\n", lines.items[i].text);
        model_file f = {.table = NULL, .file_name = file, .text = arena_strdup(a, sb_str(&sb))};
        sb_free(&sb);
        vec_push(a, &out->files, f);
    }
    for (size_t ti = 0; ti < p.n; ti++) {
        pull_table *pt = &p.tables[ti];
        line_vec lines = {0};
        write_table(&p, pt, &lines);
        model_file f = {.table = pt->t->name, .file_name = pt->file};
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < lines.len; i++) {
            sb_printf(&sb, "%s\n", lines.items[i].text);
            if (lines.items[i].note)
                vec_push(a, &f.notes, ((model_file_note){(int)i + 1, lines.items[i].column, lines.items[i].note,
                                                         lines.items[i].hint}));
        }
        f.text = arena_strdup(a, sb_str(&sb));
        sb_free(&sb);
        vec_push(a, &out->files, f);
    }
    return out;
}

void model_files_free(model_files *m) {
    if (m) arena_free(m->arena);
}
