/*
** resolve.c — from model syntax trees to the wanted Schema.
**
** Steps, each reporting every error it finds (file:line:column, a caret, a
** hint) before the next runs:
**   1. register every model by name (duplicates are errors);
**   2. resolve base models and order models bases-first, with an iterative
**      depth-first walk that reports inheritance cycles (no recursion, so a
**      long chain of models cannot exhaust the stack);
**   3. one pass over the models in that order, each model:
**      a. flatten: its fields are its bases' (in base order) then its own;
**         a redefinition needs @override; table clauses of bases (index,
**         unique, check, primary key, foreign key) are inherited as written;
**      b. check each field's type and attributes once (field_spec) and each
**         clause's argument shape once (clause_spec);
**      c. build its table when it is concrete: columns, conventional index
**         names (ix_<table>_<column>), constraints, the primary key;
**      d. release the arena of files no model left to build reads (each
**         tree, its checked forms and its model's maps live in the arena
**         of its file's group): at 10,000 models the trees are released
**         as the tables grow, and their memory is reused for them;
**   4. list the tables in declaration order (the pass built them bases
**      first) and check across tables: foreign-key targets, schema-wide
**      uniqueness of index and constraint names.
** Clauses name columns by field name; the Schema holds database names.
** What outlives a tree (a pending foreign key's locations, enum names)
** is copied out of it.  On any error no schema is returned and
** everything is freed.
*/
#include "model/ast.h"
#include "model/model.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* --------------------------------------------------------------- context */

/* The trees of MODEL_FILES_PER_ARENA files (a group) share an arena
** (about 2 MiB for generated models of 13 columns), which the resolver
** releases as soon as no model left to build reads any of them: what is
** released is then reused for the schema being built.
**
** The first parse keeps the trees of the first groups while they take at
** most trees_kept bytes (16 MiB, model_set_trees_kept), and those of
** every group that declares an enum (the resolver reads every enum before
** any model).  Of the other groups it keeps a skeleton of each model (its
** name, bases and place: all that ordering the models takes), and the
** resolver parses the group again when it reaches the group's first
** model.  So the trees of 10,000 models never all exist, while a folder
** of about 2,000 is parsed once. */
enum { MODEL_FILES_PER_ARENA = 256 };
static size_t trees_kept = (size_t)16 << 20;

size_t model_set_trees_kept(size_t bytes) {
    size_t was = trees_kept;
    trees_kept = bytes;
    return was;
}

/* The files of one load and their groups' arenas. */
typedef struct model_load {
    const char *const *paths;
    const char *const *texts;
    ast_file *files;            /* each file's tree, or its skeleton while its group is not parsed */
    size_t n, groups;
    arena **group_arena;        /* NULL while a group is not parsed, and once it is released */
    /* The texts when the load read them from files (else NULL): a group's
    ** are freed with its trees, and a later diagnostic reads its line from
    ** the file, as diag_add does. */
    char **owned_texts;
    VEC(struct model_info *) *members;  /* per group: its registered models */
} model_load;

typedef struct field_entry {
    ast_field *field;
    struct model_info *owner;   /* model that declared the field */
} field_entry;

typedef struct clause_entry {
    ast_attr *clause;
    struct model_info *owner;
} clause_entry;

typedef struct model_info {
    ast_model *ast;
    /* The arena of the model's file: its tree (and, unless `work` is the
    ** turn arena, what `work` says), released with the trees of its group
    ** once no model left to build reads them (resolve_files). */
    arena *ar;                  /* NULL until its group is parsed */
    /* Where the checked forms of its own fields and clauses, and its
    ** flattening (fields, clauses, field_index, field_columns), are
    ** allocated from its turn in base order on: ar, or, for a model no
    ** later model reads (last_use is its own turn), the resolver's turn
    ** arena, emptied as soon as its table is built (resolve_files). */
    arena *work;
    size_t chunk;               /* its group: which of the load's arenas mi->ar is */
    size_t file, ordinal;       /* where its tree is: files[file].models.items[ordinal] */
    size_t order_pos;           /* its place in resolver.order */
    size_t last_use;            /* the last place in order that reads its tree */
    VEC(struct model_info *) bases;
    VEC(ast_base_ref *) base_refs;  /* where each of bases is written */
    int color;                  /* DFS: 0 new, 1 on the stack, 2 done */
    bool bad;                   /* unresolvable: skip (errors reported) */
    VEC(field_entry) fields;    /* flattened */
    strmap *field_index;        /* field name -> index + 1 (as pointer) */
    VEC(clause_entry) clauses;  /* flattened: inherited ones first */
    table *table;
    column **field_columns;     /* per entry of fields: its column, or NULL */
} model_info;

typedef struct resolver {
    /* The resolver's own arena, for what lives as long as it does; while
    ** a field or a clause is checked, the arena of its file instead. */
    arena *ar;
    schema *s;
    diag_list *dl;
    strmap *text_by_file;       /* path -> source text */
    strmap *file_copies;        /* parse path -> schema-arena copy */
    const char *last_file, *last_copy;  /* file_copies' last answer (locations come file by file) */
    VEC(model_info *) models;   /* declaration order */
    strmap *models_by_name;
    VEC(model_info *) order;    /* bases before derived */
    strmap *enums_by_model_name;/* enum's model name -> enum_type (in the schema) */
    VEC(const char *) enum_names;/* their model names, for did-you-mean */
    const char *default_schema; /* [retort] schema: @@schema of it is no schema */
    strmap *schemas_named;      /* every other schema a model or enum names */
    int errors;
    arena *turn;                /* model_info.work of a model no later model reads */
} resolver;

/* An error at loc; the source line comes from the in-memory text. */
static diag *rerr(resolver *r, src_loc loc, int span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static diag *rerr(resolver *r, src_loc loc, int span, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(r->ar, fmt, ap);
    va_end(ap);
    r->errors++;
    const char *text = loc.file ? strmap_get(r->text_by_file, loc.file) : NULL;
    return model_error(r->dl, text, loc, span, "%s", msg);
}

#define HINT(r, d, ...) diag_set_hint((r)->dl, (d), __VA_ARGS__)

/* A location whose file name lives in the schema arena. */
static src_loc schema_loc(resolver *r, src_loc loc) {
    if (!loc.file) return loc;
    if (loc.file == r->last_file) {
        loc.file = r->last_copy;
        return loc;
    }
    r->last_file = loc.file;
    const char *copy = strmap_get(r->file_copies, loc.file);
    if (!copy) {
        copy = arena_strdup(r->s->arena, loc.file);
        strmap_put(r->file_copies, loc.file, (void *)copy);
    }
    r->last_copy = copy;
    loc.file = copy;
    return loc;
}

static const char *sdup(resolver *r, const char *s) { return arena_strdup(r->s->arena, s); }

/* prefix and name joined ("@index", "@@check"): how diagnostics name an
** attribute or a clause (made for each one read: no printf). */
static const char *prefixed(arena *a, const char *prefix, const char *name) {
    size_t p = strlen(prefix), n = strlen(name);
    char *s = arena_alloc(a, p + n + 1);
    memcpy(s, prefix, p);
    memcpy(s + p, name, n + 1);
    return s;
}

/* "did you mean 'x'?" hint, or `otherwise` when nothing is close. */
static void hint_did_you_mean(resolver *r, diag *d, const char *word, const char *const *cands, size_t n,
                              const char *otherwise) {
    const char *m = closest_match(word, cands, n);
    if (m) HINT(r, d, "did you mean '%s'?", m);
    else if (otherwise) HINT(r, d, "%s", otherwise);
}

static const char *where_str(resolver *r, src_loc loc) {
    return arena_printf(r->ar, "%s:%d:%d", loc.file ? loc.file : "?", loc.line, loc.column);
}

/* ---------------------------------------------------------- name helpers */

/* ChartConfig -> chart_config, HTTPRequest -> http_request. */
static const char *value_kind_name(ast_value_kind k) {
    switch (k) {
    case AST_STRING: return "a string";
    case AST_NUMBER: return "a number";
    case AST_BOOL: return "true/false";
    case AST_IDENT: return "a name";
    case AST_CALL: return "a call";
    case AST_TUPLE: return "a tuple";
    }
    return "a value";
}

/* Whole non-negative integer literal? */
static bool int_value(const ast_value *v, int *out) {
    if (v->kind != AST_NUMBER) return false;
    const char *p = v->text;
    if (!*p) return false;
    long n = 0;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p)) return false;
        n = n * 10 + (*p - '0');
        if (n > 1000000000L) return false;
    }
    *out = (int)n;
    return true;
}

/* --------------------------------------------------------- field specs */

typedef struct field_spec {
    bool ok;
    col_type type;
    bool nullable;
    bool primary_key, unique, index, override;
    autoincrement_mode autoincrement;
    server_default def;
    const char *comment, *map, *renamed_from;
    const char *computed;       /* @computed("expr"): the expression, or NULL */
    bool computed_stored;
    ast_attr *identity_attr;    /* @identity(...), or NULL */
    identity_def *identity;     /* its values, the defaults applied (with identity_attr) */
    ast_attr *map_attr;
    ast_attr *fk;               /* the @foreign_key attribute, or NULL */
    const char *fk_table, *fk_column, *fk_name, *fk_ondelete, *fk_onupdate;
    ast_value *fk_target;       /* the "table.column" string */
} field_spec;

static const char *const FK_ACTIONS[] = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"};

static bool in_list(const char *w, const char *const *list, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(w, list[i])) return true;
    return false;
}

/* Count positional args; report keyword args not in `allowed`. */
static size_t positional_count(const ast_arg_vec *args) {
    size_t n = 0;
    for (size_t i = 0; i < args->len; i++)
        if (!args->items[i]->key) n++;
    return n;
}

static ast_value *positional(const ast_arg_vec *args, size_t k) {
    for (size_t i = 0; i < args->len; i++)
        if (!args->items[i]->key && k-- == 0) return args->items[i]->value;
    return NULL;
}

static ast_arg *nth_positional_arg(const ast_arg_vec *args, size_t k) {
    for (size_t i = 0; i < args->len; i++)
        if (!args->items[i]->key && k-- == 0) return args->items[i];
    return NULL;
}

static ast_value *keyword(const ast_arg_vec *args, const char *key) {
    for (size_t i = 0; i < args->len; i++)
        if (args->items[i]->key && !strcmp(args->items[i]->key, key)) return args->items[i]->value;
    return NULL;
}

/* Report keyword arguments of `what` other than those allowed (and repeats). */
static bool check_keywords(resolver *r, const char *what, const ast_arg_vec *args, const char *const *allowed,
                           size_t n_allowed) {
    bool ok = true;
    for (size_t i = 0; i < args->len; i++) {
        const ast_arg *a = args->items[i];
        if (!a->key) continue;
        if (!in_list(a->key, allowed, n_allowed)) {
            diag *d = rerr(r, a->key_loc, a->key_span, "%s has no argument '%s'", what, a->key);
            if (n_allowed == 0) HINT(r, d, "%s takes no keyword arguments", what);
            else {
                const char *m = closest_match(a->key, allowed, n_allowed);
                strbuf sb = STRBUF_INIT;
                for (size_t k = 0; k < n_allowed; k++) sb_printf(&sb, "%s%s=", k ? ", " : "", allowed[k]);
                if (m) HINT(r, d, "did you mean '%s'? (%s accepts %s)", m, what, sb_str(&sb));
                else HINT(r, d, "%s accepts %s", what, sb_str(&sb));
                sb_free(&sb);
            }
            ok = false;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (args->items[j]->key && !strcmp(args->items[j]->key, a->key)) {
                diag *d = rerr(r, a->key_loc, a->key_span, "argument '%s' given twice to %s", a->key, what);
                HINT(r, d, "remove one of them");
                ok = false;
                break;
            }
    }
    return ok;
}

/* A value that must be a string. */
static bool want_string(resolver *r, const char *what, const char *argname, ast_value *v, const char **out,
                        const char *example) {
    if (v->kind == AST_STRING) { *out = v->text; return true; }
    diag *d = rerr(r, v->loc, v->span, "%s: %s must be a string, not %s", what, argname, value_kind_name(v->kind));
    HINT(r, d, "write it double-quoted, e.g. %s", example);
    return false;
}

/* Exactly one positional string argument and nothing else (@comment,
** @map, @renamed_from, @@table, @@comment, @@renamed_from). */
static bool one_string_arg(resolver *r, const ast_attr *at, const char *what, const char *example,
                           const char **out) {
    if (!check_keywords(r, what, &at->args, NULL, 0)) return false;
    size_t n = positional_count(&at->args);
    if (n != 1) {
        ast_arg *extra = n > 1 ? nth_positional_arg(&at->args, 1) : NULL;
        diag *d = extra ? rerr(r, extra->value->loc, extra->value->span, "%s takes one string argument, not %zu", what, n)
                        : rerr(r, at->loc, at->span, "%s needs one string argument", what);
        HINT(r, d, "write %s", example);
        return false;
    }
    return want_string(r, what, "the argument", positional(&at->args, 0), out, example);
}

static bool no_args(resolver *r, const ast_attr *at, const char *what) {
    if (at->args.len == 0) return true;
    ast_arg *a = at->args.items[0];
    diag *d = rerr(r, a->key ? a->key_loc : a->value->loc, a->key ? a->key_span : a->value->span,
                   "%s takes no arguments", what);
    HINT(r, d, "write %s alone", what);
    return false;
}

static bool check_type(resolver *r, const ast_type *t, col_type *out);

/* ARRAY(T) / ARRAY(T, dimensions=n): T is any other type, written as in a
** field (Integer, String(50)). */
static bool check_array_type(resolver *r, const ast_type *t, col_type *out) {
    static const char *const kw[] = {"dimensions"};
    const ast_arg_vec *args = &t->args;
    if (!check_keywords(r, "ARRAY", args, kw, 1)) return false;
    size_t npos = positional_count(args);
    ast_value *e = npos ? positional(args, 0) : NULL;
    if (npos != 1 || (e->kind != AST_IDENT && e->kind != AST_CALL)) {
        diag *d = e && npos > 1 ? rerr(r, positional(args, 1)->loc, positional(args, 1)->span,
                                       "ARRAY takes one element type")
                                : rerr(r, t->loc, t->span, "ARRAY needs its element type");
        HINT(r, d, "write ARRAY(Integer), ARRAY(String(50)) or ARRAY(Text, dimensions=2)");
        return false;
    }
    ast_type et = {.name = e->text, .loc = e->loc, .span = e->span, .has_parens = e->kind == AST_CALL};
    if (e->kind == AST_CALL) et.args = e->args;
    if (!strcmp(e->text, "ARRAY")) {
        diag *d = rerr(r, e->loc, e->span, "an ARRAY of ARRAY is written with dimensions=");
        HINT(r, d, "write ARRAY(Integer, dimensions=2)");
        return false;
    }
    /* in the schema's arena: the column's type outlives the resolver's */
    col_type *element = arena_alloc(r->s->arena, sizeof *element);
    if (!check_type(r, &et, element)) return false;
    out->element = element;
    out->dimensions = 1;
    ast_value *dims = keyword(args, "dimensions");
    if (dims && (!int_value(dims, &out->dimensions) || out->dimensions < 1)) {
        diag *d = rerr(r, dims->loc, dims->span, "dimensions must be a positive integer");
        HINT(r, d, "write ARRAY(Integer, dimensions=2)");
        return false;
    }
    return true;
}

/* Type name and arguments -> col_type. */
static bool check_type(resolver *r, const ast_type *t, col_type *out) {
    memset(out, 0, sizeof *out);
    out->length = out->precision = out->scale = -1;
    enum_type *declared = r->enums_by_model_name ? strmap_get(r->enums_by_model_name, t->name) : NULL;
    if (!strcmp(t->name, "JSONB")) {
        out->kind = TYPE_JSON;          /* PostgreSQL's binary JSON */
        out->jsonb = true;
    } else if (declared && !type_kind_from_name(t->name, &out->kind)) {
        out->kind = TYPE_ENUM;
        out->enumeration = declared;
        if (t->has_parens) {
            diag *d = rerr(r, t->loc, t->span, "enum type %s takes no arguments", t->name);
            HINT(r, d, "write %s; its labels are in its `enum %s { ... }` declaration", t->name, t->name);
            return false;
        }
        return true;
    } else if (!type_kind_from_name(t->name, &out->kind)) {
        diag *d = rerr(r, t->loc, t->span, "unknown type '%s'", t->name);
        size_t nn = TYPE_NAMES_COUNT + 1 + r->enum_names.len;
        const char **names = arena_alloc(r->ar, nn * sizeof *names);
        for (size_t i = 0; i < TYPE_NAMES_COUNT; i++) names[i] = TYPE_NAMES[i];
        names[TYPE_NAMES_COUNT] = "JSONB";
        for (size_t i = 0; i < r->enum_names.len; i++) names[TYPE_NAMES_COUNT + 1 + i] = r->enum_names.items[i];
        const char *m = closest_match(t->name, names, nn);
        if (m) HINT(r, d, "did you mean '%s'?", m);
        else {
            strbuf sb = STRBUF_INIT;
            for (size_t i = 0; i <= TYPE_NAMES_COUNT; i++) sb_printf(&sb, "%s%s", i ? ", " : "", names[i]);
            HINT(r, d, "the types are %s", sb_str(&sb));
            sb_free(&sb);
        }
        return false;
    }
    const ast_arg_vec *args = &t->args;
    size_t npos = positional_count(args);
    switch (out->kind) {
    case TYPE_ARRAY:
        return check_array_type(r, t, out);
    case TYPE_STRING: {
        static const char *const kw[] = {"length"};
        if (!check_keywords(r, "String", args, kw, 1)) return false;
        ast_value *v = npos ? positional(args, 0) : keyword(args, "length");
        if (npos > 1 || (npos == 1 && keyword(args, "length"))) {
            ast_value *x = npos > 1 ? positional(args, 1) : keyword(args, "length");
            diag *d = rerr(r, x->loc, x->span, "String takes one argument (the length)");
            HINT(r, d, "write String(255), or String for no length limit");
            return false;
        }
        if (v && (!int_value(v, &out->length) || out->length == 0)) {
            diag *d = rerr(r, v->loc, v->span, "String length must be a positive integer, not %s",
                           v->kind == AST_NUMBER ? v->text : value_kind_name(v->kind));
            HINT(r, d, "write String(255), or String for no length limit");
            return false;
        }
        return true;
    }
    case TYPE_NUMERIC: {
        static const char *const kw[] = {"precision", "scale"};
        if (!check_keywords(r, "Numeric", args, kw, 2)) return false;
        if (npos > 2) {
            ast_value *x = positional(args, 2);
            diag *d = rerr(r, x->loc, x->span, "Numeric takes at most two arguments (precision, scale), not %zu", npos);
            HINT(r, d, "write Numeric(10, 2)");
            return false;
        }
        ast_value *p = npos > 0 ? positional(args, 0) : keyword(args, "precision");
        ast_value *s = npos > 1 ? positional(args, 1) : keyword(args, "scale");
        if (p && !int_value(p, &out->precision)) {
            diag *d = rerr(r, p->loc, p->span, "Numeric precision must be a non-negative integer");
            HINT(r, d, "write Numeric(10, 2)");
            return false;
        }
        if (s && !int_value(s, &out->scale)) {
            diag *d = rerr(r, s->loc, s->span, "Numeric scale must be a non-negative integer");
            HINT(r, d, "write Numeric(10, 2)");
            return false;
        }
        if (s && !p) {
            diag *d = rerr(r, s->loc, s->span, "Numeric scale given without a precision");
            HINT(r, d, "write Numeric(10, 2)");
            return false;
        }
        return true;
    }
    case TYPE_DATETIME:
    case TYPE_TIME: {
        static const char *const kw[] = {"timezone"};
        const char *what = type_kind_name(out->kind);
        if (!check_keywords(r, what, args, kw, 1)) return false;
        if (npos) {
            ast_value *x = positional(args, 0);
            diag *d = rerr(r, x->loc, x->span, "%s takes only the keyword argument timezone", what);
            HINT(r, d, "write %s(timezone=true)", what);
            return false;
        }
        ast_value *tz = keyword(args, "timezone");
        if (tz && tz->kind != AST_BOOL) {
            diag *d = rerr(r, tz->loc, tz->span, "timezone must be true or false");
            HINT(r, d, "write %s(timezone=true)", what);
            return false;
        }
        out->timezone = tz && tz->boolean;
        return true;
    }
    default:
        if (args->len) {
            ast_arg *a = args->items[0];
            diag *d = rerr(r, a->key ? a->key_loc : a->value->loc, a->key ? a->key_span : a->value->span,
                           "%s takes no arguments", t->name);
            HINT(r, d, "write %s", t->name);
            return false;
        }
        return true;
    }
}

static bool check_fk_action(resolver *r, const char *what, ast_value *v, const char **out) {
    const char *s;
    if (!want_string(r, what, "the action", v, &s, "\"CASCADE\"")) return false;
    char *up = arena_strdup(r->ar, s);
    for (char *p = up; *p; p++) *p = (char)toupper((unsigned char)*p);
    size_t n = sizeof FK_ACTIONS / sizeof FK_ACTIONS[0];
    if (!in_list(up, FK_ACTIONS, n)) {
        diag *d = rerr(r, v->loc, v->span, "unknown referential action \"%s\"", s);
        const char *m = closest_match(up, FK_ACTIONS, n);
        if (m) HINT(r, d, "did you mean \"%s\"? (one of CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION)", m);
        else HINT(r, d, "use one of CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION");
        return false;
    }
    *out = up;
    return true;
}

/* The @default value. */
static bool check_default(resolver *r, const ast_attr *at, server_default *out) {
    const char *example = "@default(\"pending\"), @default(0), @default(false), @default(now()) or @default(sql(\"...\"))";
    if (!check_keywords(r, "@default", &at->args, NULL, 0)) return false;
    if (positional_count(&at->args) != 1) {
        diag *d = rerr(r, at->loc, at->span, "@default needs exactly one value");
        HINT(r, d, "write %s", example);
        return false;
    }
    ast_value *v = positional(&at->args, 0);
    switch (v->kind) {
    case AST_STRING: out->kind = DEFAULT_STRING; out->text = v->text; return true;
    case AST_NUMBER: out->kind = DEFAULT_NUMBER; out->text = v->text; return true;
    case AST_BOOL: out->kind = DEFAULT_BOOL; out->bool_value = v->boolean; return true;
    case AST_CALL:
        if (!strcmp(v->text, "now")) {
            if (v->args.len) {
                diag *d = rerr(r, v->loc, v->span, "now() takes no arguments");
                HINT(r, d, "write @default(now())");
                return false;
            }
            out->kind = DEFAULT_NOW;
            return true;
        }
        if (!strcmp(v->text, "sql")) {
            if (v->args.len != 1 || v->args.items[0]->key || v->args.items[0]->value->kind != AST_STRING) {
                diag *d = rerr(r, v->loc, v->span, "sql() takes one string: the SQL expression");
                HINT(r, d, "write @default(sql(\"CURRENT_DATE\"))");
                return false;
            }
            out->kind = DEFAULT_SQL;
            out->text = v->args.items[0]->value->text;
            return true;
        }
        {
            static const char *const fns[] = {"now", "sql"};
            diag *d = rerr(r, v->loc, v->span, "unknown function '%s' in @default", v->text);
            hint_did_you_mean(r, d, v->text, fns, 2, "use now() or sql(\"raw SQL expression\")");
            return false;
        }
    default: {
        diag *d = rerr(r, v->loc, v->span, "@default cannot be %s", value_kind_name(v->kind));
        if (v->kind == AST_IDENT) HINT(r, d, "quote it for a string default: @default(\"%s\")", v->text);
        else HINT(r, d, "write %s", example);
        return false;
    }
    }
}

static bool check_foreign_key_attr(resolver *r, const ast_attr *at, field_spec *fs) {
    static const char *const kw[] = {"ondelete", "onupdate", "name"};
    const char *example = "@foreign_key(\"datasets.id\", ondelete=\"CASCADE\")";
    bool ok = check_keywords(r, "@foreign_key", &at->args, kw, 3);
    if (positional_count(&at->args) != 1) {
        diag *d = rerr(r, at->loc, at->span, "@foreign_key needs one target \"table.column\"");
        HINT(r, d, "write %s", example);
        return false;
    }
    ast_value *v = positional(&at->args, 0);
    const char *target;
    if (!want_string(r, "@foreign_key", "the target", v, &target, "\"datasets.id\"")) return false;
    const char *dot = strrchr(target, '.');
    if (!dot || dot == target || !dot[1]) {
        diag *d = rerr(r, v->loc, v->span, "foreign key target \"%s\" is not \"table.column\"", target);
        HINT(r, d, "write %s", example);
        return false;
    }
    fs->fk_table = arena_strndup(r->ar, target, (size_t)(dot - target));
    fs->fk_column = dot + 1;
    fs->fk_target = v;
    ast_value *x;
    if ((x = keyword(&at->args, "ondelete")) && !check_fk_action(r, "ondelete", x, &fs->fk_ondelete)) ok = false;
    if ((x = keyword(&at->args, "onupdate")) && !check_fk_action(r, "onupdate", x, &fs->fk_onupdate)) ok = false;
    if ((x = keyword(&at->args, "name")) && !want_string(r, "@foreign_key", "name", x, &fs->fk_name, "name=\"fk_x\""))
        ok = false;
    return ok;
}

/* The readers of column attributes: each checks one attribute's arguments
** into fs (what is "@name") and says whether they were right. */
typedef bool (*attr_reader)(resolver *r, ast_attr *at, const char *what, field_spec *fs);

static bool attr_primary_key(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    fs->primary_key = true;
    return no_args(r, at, what);
}

static bool attr_unique(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    fs->unique = true;
    return no_args(r, at, what);
}

static bool attr_index(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    fs->index = true;
    return no_args(r, at, what);
}

static bool attr_override(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    fs->override = true;
    return no_args(r, at, what);
}

static bool attr_autoincrement(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    bool ok = check_keywords(r, what, &at->args, NULL, 0);
    size_t np = positional_count(&at->args);
    ast_value *v = np ? positional(&at->args, 0) : NULL;
    if (ok && (np > 1 || (v && v->kind != AST_BOOL))) {
        ast_value *x = np > 1 ? positional(&at->args, 1) : v;
        diag *d = rerr(r, x->loc, x->span, "@autoincrement takes at most one argument, true or false");
        HINT(r, d, "write @autoincrement or @autoincrement(false)");
        ok = false;
    }
    fs->autoincrement = (v && !v->boolean) ? AUTOINC_FALSE : AUTOINC_TRUE;
    return ok;
}

static bool attr_default(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    (void)what;
    return check_default(r, at, &fs->def);
}

static bool attr_comment(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    return one_string_arg(r, at, what, "@comment(\"what the column holds\")", &fs->comment);
}

static bool attr_map(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    bool ok = one_string_arg(r, at, what, "@map(\"database_name\")", &fs->map);
    fs->map_attr = at;
    if (ok && !*fs->map) {
        diag *d = rerr(r, at->loc, at->span, "@map needs a non-empty column name");
        HINT(r, d, "write @map(\"database_name\")");
        ok = false;
    }
    return ok;
}

static bool attr_renamed_from(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    return one_string_arg(r, at, what, "@renamed_from(\"old_column_name\")", &fs->renamed_from);
}

/* @computed("sql") / @computed("sql", stored=false): a generated column
** (SQLAlchemy's Computed).  Stored unless stored=false (SQLite's VIRTUAL;
** PostgreSQL has stored ones only). */
static bool attr_computed(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    static const char *const kw[] = {"stored"};
    const char *example = "@computed(\"price * quantity\")";
    bool ok = check_keywords(r, what, &at->args, kw, 1);
    if (positional_count(&at->args) != 1) {
        diag *d = rerr(r, at->loc, at->span, "@computed needs one SQL expression");
        HINT(r, d, "write %s", example);
        return false;
    }
    if (!want_string(r, what, "the expression", positional(&at->args, 0), &fs->computed, "\"price * quantity\""))
        return false;
    fs->computed_stored = true;
    ast_value *st = keyword(&at->args, "stored");
    if (st && st->kind != AST_BOOL) {
        diag *d = rerr(r, st->loc, st->span, "stored must be true or false");
        HINT(r, d, "write @computed(\"a + b\", stored=false) for a virtual column (SQLite)");
        return false;
    }
    if (st) fs->computed_stored = st->boolean;
    return ok;
}

/* A whole number, negative or not, that fits in 64 bits. */
static bool int64_value(const ast_value *v, long long *out) {
    if (v->kind != AST_NUMBER) return false;
    const char *p = v->text;
    bool neg = *p == '-';
    if (neg) p++;
    if (!*p) return false;
    unsigned long long n = 0;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p)) return false;
        if (n > (9223372036854775807ULL - (unsigned long long)(*p - '0')) / 10) return false;
        n = n * 10 + (unsigned long long)(*p - '0');
    }
    *out = neg ? -(long long)n : (long long)n;
    return true;
}

/* @identity / @identity(always=true, start=100, increment=10): GENERATED
** { ALWAYS | BY DEFAULT } AS IDENTITY (SQLAlchemy's sa.Identity).  The
** type checks (an integer type, start within the sequence's range) are
** field_spec_of's, once the type is known. */
static bool attr_identity(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    static const char *const kw[] = {"always", "start", "increment"};
    const char *example = "@identity(always=true, start=100, increment=10)";
    fs->identity_attr = at;
    fs->identity = arena_alloc(r->ar, sizeof *fs->identity);
    fs->identity->increment = 1;
    fs->identity->cycle = -1;            /* not given: the model language has no CYCLE */
    bool ok = check_keywords(r, what, &at->args, kw, 3);
    if (positional_count(&at->args)) {
        ast_value *x = positional(&at->args, 0);
        diag *d = rerr(r, x->loc, x->span, "@identity takes keyword arguments only");
        HINT(r, d, "write @identity, or %s", example);
        return false;
    }
    ast_value *v;
    if ((v = keyword(&at->args, "always"))) {
        if (v->kind != AST_BOOL) {
            diag *d = rerr(r, v->loc, v->span, "always must be true or false");
            HINT(r, d, "always=true is GENERATED ALWAYS (the database refuses explicit values), always=false "
                       "(the default) BY DEFAULT");
            ok = false;
        } else {
            fs->identity->always = v->boolean;
        }
    }
    if ((v = keyword(&at->args, "increment"))) {
        if (!int64_value(v, &fs->identity->increment) || fs->identity->increment == 0) {
            diag *d = rerr(r, v->loc, v->span, "increment must be a whole number other than 0");
            HINT(r, d, "write %s", example);
            ok = false;
            fs->identity->increment = 1;
        }
    }
    fs->identity->start = identity_default_start(fs->identity->increment);
    if ((v = keyword(&at->args, "start")) && !int64_value(v, &fs->identity->start)) {
        diag *d = rerr(r, v->loc, v->span, "start must be a whole number");
        HINT(r, d, "write %s", example);
        ok = false;
    }
    return ok;
}

/* The checks of @identity that need the column's type and other
** attributes. */
static bool check_identity(resolver *r, ast_field *f, field_spec *fs) {
    ast_attr *at = fs->identity_attr;
    long long max;
    switch (fs->type.kind) {
    case TYPE_SMALLINT: max = 32767; break;
    case TYPE_INTEGER: max = 2147483647; break;
    case TYPE_BIGINT: max = 9223372036854775807LL; break;
    default: {
        diag *d = rerr(r, f->type.loc, f->type.span, "identity column '%s' must be Integer, BigInteger or "
                                                        "SmallInteger, not %s", f->name, f->type.name);
        HINT(r, d, "PostgreSQL makes identity columns of integer types only");
        return false;
    }
    }
    bool ok = true;
    const char *other = fs->def.kind != DEFAULT_NONE ? "a @default"
                        : fs->computed                ? "@computed"
                        : fs->autoincrement != AUTOINC_AUTO ? "@autoincrement" : NULL;
    if (other) {
        diag *d = rerr(r, at->loc, at->span, "identity column '%s' cannot have %s", f->name, other);
        HINT(r, d, "its values come from its sequence; remove %s", other);
        ok = false;
    }
    if (fs->nullable) {
        diag *d = rerr(r, f->type.loc, f->type.span, "identity column '%s' cannot be nullable", f->name);
        HINT(r, d, "remove the '?' after the type: PostgreSQL makes an identity column NOT NULL");
        ok = false;
    }
    long long inc = fs->identity->increment, start = fs->identity->start;
    ast_value *sv = keyword(&at->args, "start"), *iv = keyword(&at->args, "increment");
    if (inc > max || inc < -max) {
        diag *d = rerr(r, iv ? iv->loc : at->loc, iv ? iv->span : at->span, "increment=%lld does not fit in %s",
                       inc, f->type.name);
        HINT(r, d, "the type holds values up to %lld", max);
        ok = false;
    } else if (inc > 0 && (start < 1 || start > max)) {
        diag *d = rerr(r, sv ? sv->loc : at->loc, sv ? sv->span : at->span,
                       "start=%lld is outside the sequence's range 1..%lld", start, max);
        HINT(r, d, "an ascending identity counts from 1 up to what %s holds (MINVALUE and MAXVALUE are not "
                   "modeled)", f->type.name);
        ok = false;
    } else if (inc < 0 && (start > -1 || start < -max - 1)) {
        diag *d = rerr(r, sv ? sv->loc : at->loc, sv ? sv->span : at->span,
                       "start=%lld is outside the sequence's range %lld..-1", start, -max - 1);
        HINT(r, d, "a descending identity counts from -1 down (MINVALUE and MAXVALUE are not modeled)");
        ok = false;
    }
    return ok;
}

static bool attr_foreign_key(resolver *r, ast_attr *at, const char *what, field_spec *fs) {
    (void)what;
    fs->fk = at;
    return check_foreign_key_attr(r, at, fs);
}

/* The column attributes.  The hint for an unknown one lists them in this
** order, and did-you-mean prefers the first of two equally close names.
** `what` is the name as written, for messages. */
#define ATTR(name, reader) {name, "@" name, reader}
static const struct attr_def {
    const char *name, *what;
    attr_reader read;
} ATTRS[] = {
    ATTR("primary_key", attr_primary_key), ATTR("autoincrement", attr_autoincrement), ATTR("unique", attr_unique),
    ATTR("index", attr_index),             ATTR("default", attr_default),             ATTR("comment", attr_comment),
    ATTR("map", attr_map),                 ATTR("foreign_key", attr_foreign_key),     ATTR("renamed_from", attr_renamed_from),
    ATTR("override", attr_override),       ATTR("computed", attr_computed),           ATTR("identity", attr_identity),
};
#undef ATTR
#define N_ATTRS (sizeof ATTRS / sizeof ATTRS[0])

/* (the first letters tell most names apart: once an attribute of every
** field) */
static const struct attr_def *attr_def_of(const char *name) {
    for (size_t i = 0; i < N_ATTRS; i++)
        if (ATTRS[i].name[0] == name[0] && !strcmp(ATTRS[i].name, name)) return &ATTRS[i];
    return NULL;
}

/* "@a @b": names, each with its prefix, for a hint that lists them all. */
static const char *joined_names(resolver *r, const char *prefix, const char *const *names, size_t n) {
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) sb_printf(&sb, "%s%s%s", i ? " " : "", prefix, names[i]);
    const char *res = arena_strdup(r->ar, sb_str(&sb));
    sb_free(&sb);
    return res;
}

static bool is_clause_name(const char *name);

static void unknown_attr(resolver *r, const ast_attr *at, const char *what) {
    const char *names[N_ATTRS];
    for (size_t i = 0; i < N_ATTRS; i++) names[i] = ATTRS[i].name;
    const char *n = at->name;
    diag *d = rerr(r, at->loc, at->span, "unknown column attribute %s", what);
    const char *m = closest_match(n, names, N_ATTRS);
    if (m) HINT(r, d, "did you mean @%s?", m);
    else if (is_clause_name(n))
        HINT(r, d, "@%s is not a column attribute; the table clause @@%s goes on a line of its own", n, n);
    else HINT(r, d, "column attributes are %s", joined_names(r, "@", names, N_ATTRS));
}

/* Check a field's type and attributes once; the result is cached on the
** field so an inherited field's errors are reported once. */
static field_spec *check_field(resolver *r, ast_field *f);

/* The checked form of a field of `owner` (declared there), made once. It
** and all it holds live in the owner's arena, which its tree lives in. */
static field_spec *field_spec_of(resolver *r, ast_field *f, const model_info *owner) {
    if (f->resolved) return f->resolved;
    arena *kept = r->ar;
    r->ar = owner->work;
    field_spec *fs = check_field(r, f);
    r->ar = kept;
    return fs;
}

static field_spec *check_field(resolver *r, ast_field *f) {
    field_spec *fs = arena_alloc(r->ar, sizeof *fs);
    f->resolved = fs;
    fs->ok = check_type(r, &f->type, &fs->type);
    fs->nullable = f->type.nullable;
    fs->autoincrement = AUTOINC_AUTO;
    for (size_t i = 0; i < f->attrs.len; i++) {
        ast_attr *at = f->attrs.items[i];
        const struct attr_def *ad = attr_def_of(at->name);
        const char *what = ad ? ad->what : prefixed(r->ar, "@", at->name);
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(f->attrs.items[j]->name, at->name)) dup = true;
        if (dup) {
            diag *d = rerr(r, at->loc, at->span, "duplicate attribute %s on column '%s'", what, f->name);
            HINT(r, d, "remove one of them");
            fs->ok = false;
            continue;
        }
        if (!ad) unknown_attr(r, at, what);
        if (!ad || !ad->read(r, at, what, fs)) fs->ok = false;
    }
    if (fs->computed && (fs->def.kind != DEFAULT_NONE || fs->primary_key)) {
        diag *d = rerr(r, f->loc, f->span, "computed column '%s' cannot have %s", f->name,
                       fs->primary_key ? "@primary_key" : "a @default");
        HINT(r, d, "its value is the @computed expression; remove the %s", fs->primary_key ? "@primary_key" : "@default");
        fs->ok = false;
    }
    if (fs->identity_attr && fs->ok && !check_identity(r, f, fs)) fs->ok = false;
    if (fs->primary_key && fs->nullable) {
        diag *d = rerr(r, f->type.loc, f->type.span, "primary key column '%s' cannot be nullable", f->name);
        HINT(r, d, "remove the '?' after the type");
        fs->ok = false;
    }
    return fs;
}

/* --------------------------------------------------------- clause specs */

typedef enum clause_kind {
    CL_TABLE, CL_SCHEMA, CL_COMMENT, CL_INDEX, CL_UNIQUE, CL_CHECK, CL_PRIMARY_KEY, CL_FOREIGN_KEY, CL_RENAMED_FROM
} clause_kind;

/* One key of @@index: a field reference or an expression, with its options. */
typedef struct key_spec {
    ast_value *column;          /* the field reference (name or string), or NULL */
    const char *expr;           /* sql("..."): the expression, or NULL */
    bool db_name;               /* column is a database name (sql("email")) */
    index_key key;
} key_spec;
typedef VEC(key_spec) key_spec_vec;

typedef struct clause_spec {
    bool ok;
    clause_kind kind;
    const char *text;           /* table / comment / renamed_from / check sql */
    const char *name;           /* index / constraint name, or NULL */
    ast_value_vec columns;      /* field references (ident or string) */
    bool unique;
    const char *where;
    const char *ref_table;
    ast_value *ref_table_value;
    ast_value_vec ref_columns;  /* database names in ref_table */
    const char *ondelete, *onupdate;
    /* @@index: */
    key_spec_vec keys;
    const char *method;         /* using=, NULL for btree */
    ast_value_vec include;
    const char *postgres_only;  /* the first PostgreSQL-only part, for SQLite */
    src_loc postgres_only_loc;
    int postgres_only_span;
} clause_spec;

/* A column reference: a name or a string. */
static bool column_ref(resolver *r, const char *what, ast_value *v, ast_value_vec *out) {
    if (v->kind == AST_IDENT || v->kind == AST_STRING) { vec_push(r->ar, out, v); return true; }
    diag *d = rerr(r, v->loc, v->span, "%s: expected a column name, not %s", what, value_kind_name(v->kind));
    HINT(r, d, "name the columns by field name: %s(\"ix_name\", col_a, col_b)", what);
    return false;
}

static bool column_tuple(resolver *r, const char *what, ast_value *v, ast_value_vec *out, const char *example) {
    if (v->kind != AST_TUPLE || v->items.len == 0) {
        diag *d = rerr(r, v->loc, v->span, "%s: expected a parenthesized list of columns", what);
        HINT(r, d, "write %s", example);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < v->items.len; i++) ok = column_ref(r, what, v->items.items[i], out) && ok;
    return ok;
}

static const char *named_schema(resolver *r, const char *nsp);

/* The readers of table clauses: each checks one clause's arguments into cs
** (what is "@@name"; cs->kind is set) and says whether they were right. */
typedef bool (*clause_reader)(resolver *r, ast_attr *at, const char *what, clause_spec *cs);

static bool clause_table(resolver *r, ast_attr *at, const char *what, clause_spec *cs) {
    bool ok = one_string_arg(r, at, what, "@@table(\"table_name\")", &cs->text);
    if (ok && !*cs->text) {
        diag *d = rerr(r, at->loc, at->span, "@@table needs a non-empty name");
        HINT(r, d, "write @@table(\"table_name\")");
        ok = false;
    }
    return ok;
}

/* @@schema("name"), of a model or an enum: a PostgreSQL schema. */
static bool schema_name_ok(resolver *r, ast_attr *at, const char *what, const char *name) {
    const char *example = arena_printf(r->ar, "%s(\"audit\")", what);
    if (!*name) {
        diag *d = rerr(r, at->loc, at->span, "%s needs a non-empty schema name", what);
        HINT(r, d, "write %s", example);
        return false;
    }
    if (!strncmp(name, "pg_", 3) || !strcmp(name, "information_schema")) {
        diag *d = rerr(r, at->loc, at->span, "%s(\"%s\"): that schema belongs to PostgreSQL itself", what, name);
        HINT(r, d, "names starting with pg_, and information_schema, are the server's; choose another");
        return false;
    }
    if (strchr(name, '.')) {
        diag *d = rerr(r, at->loc, at->span, "%s(\"%s\"): a schema name has no dot", what, name);
        HINT(r, d, "write the schema alone, %s", example);
        return false;
    }
    return true;
}

static bool clause_schema(resolver *r, ast_attr *at, const char *what, clause_spec *cs) {
    return one_string_arg(r, at, what, "@@schema(\"audit\")", &cs->text) && schema_name_ok(r, at, what, cs->text);
}

static bool clause_comment(resolver *r, ast_attr *at, const char *what, clause_spec *cs) {
    return one_string_arg(r, at, what, "@@comment(\"what the table holds\")", &cs->text);
}

static bool clause_renamed_from(resolver *r, ast_attr *at, const char *what, clause_spec *cs) {
    return one_string_arg(r, at, what, "@@renamed_from(\"old_table_name\")", &cs->text);
}

/* ------------------------------------------------------- @@index keys */

static const char *const KEY_OPTIONS[] = {"desc", "asc", "nulls_first", "nulls_last"};
#define N_KEY_OPTIONS (sizeof KEY_OPTIONS / sizeof KEY_OPTIONS[0])

/* Remember the first thing only PostgreSQL has, for the differ on SQLite. */
static void postgres_only(resolver *r, clause_spec *cs, const char *what, src_loc loc, int span) {
    (void)r;
    if (cs->postgres_only) return;
    cs->postgres_only = what;
    cs->postgres_only_loc = loc;
    cs->postgres_only_span = span;
}

/* An operator class or access method name: letters, digits, '_', '.'
** (schema-qualified), not starting with a digit. */
static bool sql_name(const char *s) {
    if (!*s || isdigit((unsigned char)*s)) return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.') return false;
    return true;
}

/* A simple lower-case identifier: sql("email") is the column email. */
static bool plain_identifier(const char *s) {
    if (!*s || isdigit((unsigned char)*s)) return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_') return false;
    return true;
}

/* The options of one key: the arguments of `col(...)` / `sql("...", ...)`
** from position `from` on: desc, asc, nulls_first, nulls_last, ops="...". */
static bool key_options(resolver *r, clause_spec *cs, const ast_arg_vec *args, size_t from, const char *keyname,
                        index_key *key) {
    bool ok = true, dir = false, nulls = false;
    size_t pos = 0;
    for (size_t i = 0; i < args->len; i++) {
        ast_arg *a = args->items[i];
        if (a->key) {
            if (!strcmp(a->key, "ops")) {
                if (key->opclass) {
                    diag *d = rerr(r, a->key_loc, a->key_span, "@@index: ops= given twice for key %s", keyname);
                    HINT(r, d, "a key has one operator class");
                    ok = false;
                } else if (a->value->kind != AST_STRING || !sql_name(a->value->text)) {
                    diag *d = rerr(r, a->value->loc, a->value->span,
                                   "@@index: ops= must name an operator class, as a string");
                    if (!strcmp(keyname, "sql(...)")) HINT(r, d, "write sql(\"lower(name)\", ops=\"text_pattern_ops\")");
                    else HINT(r, d, "write %s(ops=\"varchar_pattern_ops\")", keyname);
                    ok = false;
                } else {
                    key->opclass = sdup(r, a->value->text);
                    postgres_only(r, cs, arena_printf(r->ar, "the operator class ops=\"%s\"", a->value->text),
                                  a->key_loc, a->key_span);
                }
                continue;
            }
            diag *d = rerr(r, a->key_loc, a->key_span, "@@index: key %s has no option '%s='", keyname, a->key);
            if (in_list(a->key, KEY_OPTIONS, N_KEY_OPTIONS))
                HINT(r, d, "%s takes no value: write %s(%s)", a->key, keyname, a->key);
            else if (closest_match(a->key, (const char *const[]){"ops"}, 1))
                HINT(r, d, "did you mean ops=? (a key takes desc, asc, nulls_first, nulls_last and ops=\"...\")");
            else HINT(r, d, "a key takes desc, asc, nulls_first, nulls_last and ops=\"...\"");
            ok = false;
            continue;
        }
        if (pos++ < from) continue;
        ast_value *v = a->value;
        if (v->kind != AST_IDENT || !in_list(v->text, KEY_OPTIONS, N_KEY_OPTIONS)) {
            diag *d = rerr(r, v->loc, v->span, "@@index: unknown key option %s%s%s for %s",
                           v->kind == AST_IDENT ? "'" : "", v->kind == AST_IDENT ? v->text : value_kind_name(v->kind),
                           v->kind == AST_IDENT ? "'" : "", keyname);
            const char *m = v->kind == AST_IDENT ? closest_match(v->text, KEY_OPTIONS, N_KEY_OPTIONS) : NULL;
            if (m) HINT(r, d, "did you mean %s?", m);
            else if (v->kind == AST_STRING) HINT(r, d, "an operator class is written ops=\"%s\"", v->text);
            else HINT(r, d, "a key takes desc, asc, nulls_first, nulls_last and ops=\"...\"");
            ok = false;
            continue;
        }
        bool is_dir = v->text[0] == 'd' || v->text[0] == 'a';
        if ((is_dir && dir) || (!is_dir && nulls)) {
            diag *d = rerr(r, v->loc, v->span, "@@index: key %s is given %s twice", keyname,
                           is_dir ? "an order (asc / desc)" : "a nulls order (nulls_first / nulls_last)");
            HINT(r, d, "keep one");
            ok = false;
            continue;
        }
        if (is_dir) {
            dir = true;
            key->desc = !strcmp(v->text, "desc");
        } else {
            nulls = true;
            key->nulls = !strcmp(v->text, "nulls_first") ? NULLS_FIRST : NULLS_LAST;
            postgres_only(r, cs, v->text, v->loc, v->span);
        }
    }
    return ok;
}

/* One key of @@index: `col`, `"col"`, `col(desc, ...)`, `sql("expr", ...)`. */
static bool index_key_spec(resolver *r, clause_spec *cs, ast_value *v) {
    key_spec ks = {0};
    const char *example = "@@index(\"ix_name\", col_a, created_at(desc), sql(\"lower(email)\"))";
    if (v->kind == AST_IDENT || v->kind == AST_STRING) {
        ks.column = v;
        vec_push(r->ar, &cs->keys, ks);
        return true;
    }
    if (v->kind != AST_CALL) {
        diag *d = rerr(r, v->loc, v->span, "@@index: expected a column, col(options) or sql(\"expression\"), not %s",
                       value_kind_name(v->kind));
        HINT(r, d, "write %s", example);
        return false;
    }
    ast_value *first = positional(&v->args, 0);
    if (!strcmp(v->text, "sql") && first && first->kind == AST_STRING) {
        const char *e = first->text;
        while (*e == ' ' || *e == '\t') e++;
        if (!*e) {
            diag *d = rerr(r, first->loc, first->span, "@@index: the expression is empty");
            HINT(r, d, "write sql(\"lower(email)\")");
            return false;
        }
        size_t el = strlen(e);
        while (el > 0 && (e[el - 1] == ' ' || e[el - 1] == '\t')) el--;
        const char *trimmed = arena_strndup(r->ar, e, el);
        bool quoted = el >= 3 && trimmed[0] == '"' && trimmed[el - 1] == '"' && !memchr(trimmed + 1, '"', el - 2);
        if (plain_identifier(trimmed) || quoted) {
            /* sql("email"), sql("\"Email\""): the column itself, by its
            ** database name (as the database reports such a key). */
            ast_value *col = arena_alloc(r->ar, sizeof *col);
            *col = *first;
            col->kind = AST_STRING;
            col->text = quoted ? arena_strndup(r->ar, trimmed + 1, el - 2) : trimmed;
            ks.column = col;
            ks.db_name = true;
        } else {
            ks.expr = first->text;
        }
        bool ok = key_options(r, cs, &v->args, 1, "sql(...)", &ks.key);
        vec_push(r->ar, &cs->keys, ks);
        return ok;
    }
    if (in_list(v->text, KEY_OPTIONS, N_KEY_OPTIONS) && first) {
        diag *d = rerr(r, v->loc, v->span, "@@index: %s is an option of a key, written after it", v->text);
        if (first->kind == AST_IDENT || first->kind == AST_STRING)
            HINT(r, d, "write %s(%s)", first->text, v->text);
        else HINT(r, d, "write created_at(%s) or sql(\"lower(email)\", %s)", v->text, v->text);
        return false;
    }
    const char *close = in_list(v->text, KEY_OPTIONS, N_KEY_OPTIONS) ? NULL
                        : closest_match(v->text, KEY_OPTIONS, N_KEY_OPTIONS);
    if (close && first && first->kind == AST_IDENT && !in_list(first->text, KEY_OPTIONS, N_KEY_OPTIONS) &&
        v->args.len == 1) {
        diag *d = rerr(r, v->loc, v->span, "@@index: '%s' looks like the key option %s, which is written after the column",
                       v->text, close);
        HINT(r, d, "did you mean %s(%s)?", first->text, close);
        return false;
    }
    if (!strcmp(v->text, "sql") && !first) {
        diag *d = rerr(r, v->loc, v->span, "@@index: sql() needs the expression, as a string");
        HINT(r, d, "write sql(\"lower(email)\")");
        return false;
    }
    /* col(options): the column is the call's name. */
    ast_value *col = arena_alloc(r->ar, sizeof *col);
    *col = *v;
    col->kind = AST_IDENT;
    col->args = (ast_arg_vec){0};
    ks.column = col;
    if (!v->args.len) {
        diag *d = rerr(r, v->loc, v->span, "@@index: %s() has no options", v->text);
        HINT(r, d, "write %s, or %s(desc)", v->text, v->text);
        return false;
    }
    bool ok = key_options(r, cs, &v->args, 0, v->text, &ks.key);
    vec_push(r->ar, &cs->keys, ks);
    return ok;
}

/* using="gin": one of INDEX_METHODS. */
static bool index_method(resolver *r, clause_spec *cs, const ast_arg_vec *args) {
    const ast_arg *a = NULL;
    for (size_t i = 0; i < args->len; i++)
        if (args->items[i]->key && !strcmp(args->items[i]->key, "using")) a = args->items[i];
    if (!a) return true;
    ast_value *v = a->value;
    if (v->kind != AST_STRING) {
        diag *d = rerr(r, v->loc, v->span, "@@index: using= must be a string, not %s", value_kind_name(v->kind));
        HINT(r, d, "write using=\"%s\"", v->kind == AST_IDENT ? v->text : "gin");
        return false;
    }
    if (!in_list(v->text, INDEX_METHODS, INDEX_METHODS_COUNT)) {
        diag *d = rerr(r, v->loc, v->span, "@@index: unknown access method \"%s\"", v->text);
        const char *m = closest_match(v->text, INDEX_METHODS, INDEX_METHODS_COUNT);
        if (m) HINT(r, d, "did you mean \"%s\"?", m);
        else {
            strbuf sb = STRBUF_INIT;
            for (size_t k = 0; k < INDEX_METHODS_COUNT; k++) sb_printf(&sb, "%s%s", k ? ", " : "", INDEX_METHODS[k]);
            HINT(r, d, "using= takes %s (an extension's method is left alone: create it with op.execute)", sb_str(&sb));
            sb_free(&sb);
        }
        return false;
    }
    if (strcmp(v->text, "btree") != 0) {
        cs->method = v->text;
        postgres_only(r, cs, arena_printf(r->ar, "the access method using=\"%s\"", v->text), a->key_loc,
                      a->key_span);
    }
    return true;
}

/* include=(col, ...) or include=col. */
static bool index_include(resolver *r, clause_spec *cs, const ast_arg_vec *args) {
    const ast_arg *a = NULL;
    for (size_t i = 0; i < args->len; i++)
        if (args->items[i]->key && !strcmp(args->items[i]->key, "include")) a = args->items[i];
    if (!a) return true;
    ast_value *v = a->value;
    bool ok;
    if (v->kind == AST_IDENT || v->kind == AST_STRING) ok = column_ref(r, "@@index", v, &cs->include);
    else ok = column_tuple(r, "@@index include=", v, &cs->include, "include=(col_a, col_b)");
    if (ok) postgres_only(r, cs, "INCLUDE columns (include=)", a->key_loc, a->key_span);
    return ok;
}

/* @@index("name", keys..., unique=, where=, using=, include=) and
** @@unique(["name",] cols...): one shape, the name optional for a unique
** constraint; only an index has keys with options. */
static bool clause_index_or_unique(resolver *r, ast_attr *at, const char *what, clause_spec *cs) {
    const ast_arg_vec *args = &at->args;
    size_t npos = positional_count(args);
    bool is_index = cs->kind == CL_INDEX;
    static const char *const kw_index[] = {"unique", "where", "using", "include"};
    const char *example = is_index ? "@@index(\"ix_name\", col_a, col_b)" : "@@unique(\"uq_name\", col_a, col_b)";
    bool ok = check_keywords(r, what, args, is_index ? kw_index : NULL, is_index ? 4 : 0);
    size_t first_col = 0;
    ast_value *v0 = positional(args, 0);
    if (v0 && v0->kind == AST_STRING) { cs->name = v0->text; first_col = 1; }
    else if (is_index) {
        diag *d = rerr(r, v0 ? v0->loc : at->loc, v0 ? v0->span : at->span, "@@index needs a name first");
        HINT(r, d, "write %s", example);
        ok = false;
    }
    if (cs->name && !*cs->name) {
        diag *d = rerr(r, v0->loc, v0->span, "%s: the name is empty", what);
        HINT(r, d, "write %s", example);
        ok = false;
    }
    if (ok && npos <= first_col) {
        diag *d = rerr(r, at->loc, at->span, "%s needs at least one column", what);
        HINT(r, d, "write %s", example);
        ok = false;
    }
    for (size_t i = first_col; i < npos; i++)
        ok = (is_index ? index_key_spec(r, cs, positional(args, i)) : column_ref(r, what, positional(args, i), &cs->columns)) &&
             ok;
    if (is_index) {
        ok = index_method(r, cs, args) && ok;
        ok = index_include(r, cs, args) && ok;
    }
    ast_value *u = keyword(args, "unique"), *w = keyword(args, "where");
    if (u && u->kind != AST_BOOL) {
        diag *d = rerr(r, u->loc, u->span, "@@index: unique must be true or false");
        HINT(r, d, "write unique=true");
        ok = false;
    }
    cs->unique = !is_index || (u && u->boolean);
    if (w && !want_string(r, what, "where", w, &cs->where, "where=\"deleted_at IS NULL\"")) ok = false;
    return ok;
}

static bool clause_check(resolver *r, ast_attr *at, const char *what, clause_spec *cs) {
    const ast_arg_vec *args = &at->args;
    size_t npos = positional_count(args);
    const char *example = "@@check(\"ck_name\", \"amount >= 0\")";
    bool ok = check_keywords(r, what, args, NULL, 0);
    if (ok && (npos < 1 || npos > 2)) {
        diag *d = rerr(r, at->loc, at->span, "@@check takes a name and a SQL expression");
        HINT(r, d, "write %s", example);
        ok = false;
    } else if (ok) {
        ast_value *e = positional(args, npos - 1);
        if (npos == 2 && !want_string(r, what, "the name", positional(args, 0), &cs->name, "\"ck_name\"")) ok = false;
        if (!want_string(r, what, "the expression", e, &cs->text, "\"amount >= 0\"")) ok = false;
    }
    return ok;
}

static bool clause_primary_key(resolver *r, ast_attr *at, const char *what, clause_spec *cs) {
    const ast_arg_vec *args = &at->args;
    size_t npos = positional_count(args);
    static const char *const kw[] = {"name"};
    bool ok = check_keywords(r, what, args, kw, 1);
    if (ok && npos == 0) {
        diag *d = rerr(r, at->loc, at->span, "@@primary_key needs at least one column");
        HINT(r, d, "write @@primary_key(col_a, col_b)");
        ok = false;
    }
    for (size_t i = 0; i < npos; i++) ok = column_ref(r, what, positional(args, i), &cs->columns) && ok;
    ast_value *nm = keyword(args, "name");
    if (nm && !want_string(r, what, "name", nm, &cs->name, "name=\"pk_x\"")) ok = false;
    return ok;
}

static bool clause_foreign_key(resolver *r, ast_attr *at, const char *what, clause_spec *cs) {
    const ast_arg_vec *args = &at->args;
    size_t npos = positional_count(args);
    static const char *const kw[] = {"ondelete", "onupdate"};
    const char *example = "@@foreign_key(\"fk_name\", (col_a, col_b), \"other_table\", (id_a, id_b))";
    bool ok = check_keywords(r, what, args, kw, 2);
    size_t k = 0;
    ast_value *v0 = positional(args, 0);
    if (v0 && v0->kind == AST_STRING) { cs->name = v0->text; k = 1; }
    if (npos != k + 3) {
        diag *d = rerr(r, at->loc, at->span, "@@foreign_key takes a name, (columns), a table and (columns)");
        HINT(r, d, "write %s", example);
        ok = false;
    } else {
        ok = column_tuple(r, what, positional(args, k), &cs->columns, example) && ok;
        ast_value *tv = positional(args, k + 1);
        if (want_string(r, what, "the referenced table", tv, &cs->ref_table, "\"other_table\""))
            cs->ref_table_value = tv;
        else ok = false;
        ok = column_tuple(r, what, positional(args, k + 2), &cs->ref_columns, example) && ok;
        if (ok && cs->columns.len != cs->ref_columns.len) {
            ast_value *rv = positional(args, k + 2);
            diag *d = rerr(r, rv->loc, rv->span, "@@foreign_key has %zu columns but references %zu",
                           cs->columns.len, cs->ref_columns.len);
            HINT(r, d, "give as many referenced columns as columns");
            ok = false;
        }
    }
    ast_value *x;
    if ((x = keyword(args, "ondelete")) && !check_fk_action(r, "ondelete", x, &cs->ondelete)) ok = false;
    if ((x = keyword(args, "onupdate")) && !check_fk_action(r, "onupdate", x, &cs->onupdate)) ok = false;
    return ok;
}

/* The table clauses; `inherited`: a model inherits it from its bases (the
** table's name, comment and old name are the model's own).  The hint for
** an unknown clause lists them in this order, and did-you-mean prefers
** the first of two equally close names.  `what` is the clause as written,
** for messages. */
#define CLAUSE(name, kind, inherited, reader) {name, "@@" name, kind, inherited, reader}
static const struct clause_def {
    const char *name, *what;
    clause_kind kind;
    bool inherited;
    clause_reader read;
} CLAUSES[] = {
    CLAUSE("table", CL_TABLE, false, clause_table),
    CLAUSE("schema", CL_SCHEMA, false, clause_schema),
    CLAUSE("comment", CL_COMMENT, false, clause_comment),
    CLAUSE("index", CL_INDEX, true, clause_index_or_unique),
    CLAUSE("unique", CL_UNIQUE, true, clause_index_or_unique),
    CLAUSE("check", CL_CHECK, true, clause_check),
    CLAUSE("primary_key", CL_PRIMARY_KEY, true, clause_primary_key),
    CLAUSE("foreign_key", CL_FOREIGN_KEY, true, clause_foreign_key),
    CLAUSE("renamed_from", CL_RENAMED_FROM, false, clause_renamed_from),
};
#undef CLAUSE
#define N_CLAUSES (sizeof CLAUSES / sizeof CLAUSES[0])

static const struct clause_def *clause_def_of(const char *name) {
    for (size_t i = 0; i < N_CLAUSES; i++)
        if (CLAUSES[i].name[0] == name[0] && !strcmp(CLAUSES[i].name, name)) return &CLAUSES[i];
    return NULL;
}

static bool is_clause_name(const char *name) { return clause_def_of(name) != NULL; }

static void unknown_clause(resolver *r, const ast_attr *at, const char *what) {
    const char *names[N_CLAUSES];
    for (size_t i = 0; i < N_CLAUSES; i++) names[i] = CLAUSES[i].name;
    const char *n = at->name;
    diag *d = rerr(r, at->loc, at->span, "unknown table clause %s", what);
    const char *m = closest_match(n, names, N_CLAUSES);
    if (m) HINT(r, d, "did you mean @@%s?", m);
    else if (attr_def_of(n)) HINT(r, d, "@%s is a column attribute: put it after a column's type", n);
    else HINT(r, d, "table clauses are %s", joined_names(r, "@@", names, N_CLAUSES));
}

/* Check a clause's arguments once; the result is cached on the clause so
** an inherited clause's errors are reported once. */
static clause_spec *clause_spec_of(resolver *r, ast_attr *at, const model_info *owner) {
    if (at->resolved) return at->resolved;
    arena *kept = r->ar;
    r->ar = owner->work;
    clause_spec *cs = arena_alloc(r->ar, sizeof *cs);
    at->resolved = cs;
    const struct clause_def *cd = clause_def_of(at->name);
    const char *what = cd ? cd->what : prefixed(r->ar, "@@", at->name);
    if (cd) {
        cs->kind = cd->kind;
        cs->ok = cd->read(r, at, what, cs);
    } else {
        unknown_clause(r, at, what);
    }
    r->ar = kept;
    return cs;
}

/* Clauses that a model inherits from its bases (an unknown one too: its
** error is reported once, on the base). */
static bool clause_inherited(const ast_attr *at) {
    const struct clause_def *cd = clause_def_of(at->name);
    return !cd || cd->inherited;
}

/* ------------------------------------------------------------ enum types */

enum { MAX_NAME_BYTES = 63 };  /* PostgreSQL's NAMEDATALEN - 1 */
static void check_name_length(resolver *r, const char *what, const char *name, src_loc loc);

static bool is_type_name(const char *name) {
    type_kind k;
    return type_kind_from_name(name, &k) || !strcmp(name, "JSONB");
}

/* One label's attributes: only @renamed_from("old"). */
static void enum_label_attrs(resolver *r, const ast_enum *e, const ast_enum_label *lb, enum_label *out) {
    for (size_t i = 0; i < lb->attrs.len; i++) {
        ast_attr *at = lb->attrs.items[i];
        if (strcmp(at->name, "renamed_from") != 0) {
            diag *d = rerr(r, at->loc, at->span, "unknown attribute @%s on a label of enum %s", at->name, e->name);
            static const char *const names[] = {"renamed_from"};
            hint_did_you_mean(r, d, at->name, names, 1, "a label takes only @renamed_from(\"old label\")");
            continue;
        }
        if (out->renamed_from) {
            diag *d = rerr(r, at->loc, at->span, "@renamed_from given twice on label '%s'", lb->label);
            HINT(r, d, "keep one");
            continue;
        }
        const char *old;
        if (!one_string_arg(r, at, "@renamed_from", "@renamed_from(\"old label\")", &old)) continue;
        if (!*old || !strcmp(old, lb->label)) {
            diag *d = rerr(r, at->args.items[0]->value->loc, at->args.items[0]->value->span,
                           *old ? "label '%s' renamed from itself" : "@renamed_from of label '%s' is empty", lb->label);
            HINT(r, d, "name the label as the database has it now");
            continue;
        }
        out->renamed_from = sdup(r, old);
    }
}

/* `enum Name { "label" ... @@name("db_name") }`: one enum_type each, in
** declaration order, registered by model name (for field types) and by
** database name (in the schema). */
static void register_enums(resolver *r, ast_file *files, size_t nfiles) {
    r->enums_by_model_name = strmap_new(r->ar);
    strmap *first_by_db_name = strmap_new(r->ar);
    for (size_t fi = 0; fi < nfiles; fi++)
        for (size_t i = 0; i < files[fi].enums.len; i++) {
            ast_enum *e = files[fi].enums.items[i];
            if (is_type_name(e->name)) {
                diag *d = rerr(r, e->loc, e->span, "an enum cannot be called %s: that is a type's name", e->name);
                HINT(r, d, "name it after what it lists (TaskStatus), and give the database name with @@name(\"...\")");
                continue;
            }
            model_info *mi = strmap_get(r->models_by_name, e->name);
            if (mi) {
                diag *d = rerr(r, e->loc, e->span, "enum %s has the name of a model", e->name);
                HINT(r, d, "model %s is declared at %s; rename one of them", e->name, where_str(r, mi->ast->loc));
                continue;
            }
            enum_type *prev = strmap_get(r->enums_by_model_name, e->name);
            if (prev) {
                diag *d = rerr(r, e->loc, e->span, "duplicate enum '%s'", e->name);
                HINT(r, d, "'%s' is already declared at %s; rename one of them", e->name, where_str(r, prev->loc));
                continue;
            }
            const char *db_name = model_table_name(r->ar, e->name);
            src_loc db_loc = e->loc;
            int db_span = e->span;
            const char *nsp = NULL;
            for (size_t k = 0; k < e->clauses.len; k++) {
                ast_attr *at = e->clauses.items[k];
                if (!strcmp(at->name, "schema")) {
                    const char *n;
                    if (one_string_arg(r, at, "@@schema", "@@schema(\"audit\")", &n) &&
                        schema_name_ok(r, at, "@@schema", n))
                        nsp = named_schema(r, n);
                    continue;
                }
                if (strcmp(at->name, "name") != 0) {
                    diag *d = rerr(r, at->loc, at->span, "unknown enum clause @@%s", at->name);
                    static const char *const names[] = {"name", "schema"};
                    hint_did_you_mean(r, d, at->name, names, 2,
                                      "an enum takes @@name(\"db_type_name\") and @@schema(\"schema\")");
                    continue;
                }
                const char *n;
                if (!one_string_arg(r, at, "@@name", "@@name(\"task_status\")", &n)) continue;
                if (!*n) {
                    diag *d = rerr(r, at->loc, at->span, "@@name of enum %s is empty", e->name);
                    HINT(r, d, "write @@name(\"task_status\")");
                    continue;
                }
                db_name = n;
                db_loc = at->loc;
                db_span = at->span;
            }
            const char *db_key = schema_object_key(r->ar, nsp, db_name);
            const char *other = strmap_get(first_by_db_name, db_key);
            if (other) {
                diag *d = rerr(r, db_loc, db_span, "enums %s and %s have the same database name '%s'", other, e->name,
                               qualified_name(r->ar, nsp, db_name));
                HINT(r, d, "give one of them another name with @@name(\"...\")");
                continue;
            }
            strmap_put(first_by_db_name, db_key, (void *)e->name);
            enum_type *et = schema_add_enum_in(r->s, nsp, db_name);
            et->model_name = sdup(r, e->name);
            et->loc = schema_loc(r, e->loc);
            check_name_length(r, "enum type", db_name, db_loc);
            if (!e->labels.len) {
                diag *d = rerr(r, e->loc, e->span, "enum %s has no labels", e->name);
                HINT(r, d, "list its labels in order: enum %s { \"pending\" \"done\" }", e->name);
            }
            for (size_t k = 0; k < e->labels.len; k++) {
                const ast_enum_label *lb = e->labels.items[k];
                if (!*lb->label) {
                    diag *d = rerr(r, lb->loc, lb->span, "an empty label in enum %s", e->name);
                    HINT(r, d, "PostgreSQL refuses empty enum labels; remove it");
                    continue;
                }
                if (strlen(lb->label) > MAX_NAME_BYTES) {
                    diag *d = rerr(r, lb->loc, lb->span, "label '%s' of enum %s is %zu bytes long; PostgreSQL takes "
                                   "at most %d", lb->label, e->name, strlen(lb->label), MAX_NAME_BYTES);
                    HINT(r, d, "shorten it");
                    continue;
                }
                int at = enum_type_find_label(et, lb->label);
                if (at >= 0) {
                    diag *d = rerr(r, lb->loc, lb->span, "label '%s' is listed twice in enum %s", lb->label, e->name);
                    HINT(r, d, "its first place is %s; remove one", where_str(r, et->labels.items[at].loc));
                    continue;
                }
                enum_label l = {.label = sdup(r, lb->label), .loc = schema_loc(r, lb->loc)};
                enum_label_attrs(r, e, lb, &l);
                vec_push(r->s->arena, &et->labels, l);
            }
            /* a label renamed from another label of the type, or two renamed from one */
            for (size_t k = 0; k < et->labels.len; k++) {
                const enum_label *l = &et->labels.items[k];
                if (!l->renamed_from) continue;
                bool clash = enum_type_find_label(et, l->renamed_from) >= 0;
                for (size_t j = 0; j < k && !clash; j++)
                    clash = et->labels.items[j].renamed_from && !strcmp(et->labels.items[j].renamed_from, l->renamed_from);
                if (clash) {
                    diag *d = rerr(r, l->loc, 1, "label '%s' is renamed from '%s', which is %s", l->label, l->renamed_from,
                                   enum_type_find_label(et, l->renamed_from) >= 0 ? "also a label of the enum"
                                                                                  : "the old name of another label too");
                    HINT(r, d, "a rename hint names a label the database has and the models no longer list");
                }
            }
            /* kept past the enum's tree, which may be released first */
            const char *name = arena_strdup(r->ar, e->name);
            strmap_put(r->enums_by_model_name, name, et);
            vec_push(r->ar, &r->enum_names, name);
        }
}

/* A default of an enum column is one of its labels; an enum's database
** name is not a table's (PostgreSQL makes a type of every table). */
static void check_enum_uses(resolver *r) {
    for (size_t ti = 0; ti < r->s->tables.len; ti++) {
        const table *t = r->s->tables.items[ti];
        enum_type *same = schema_find_enum_in(r->s, t->schema, t->name);
        if (same) {
            diag *d = rerr(r, same->loc, 1, "enum %s and table %s have the same database name '%s'",
                           same->model_name, t->model_name ? t->model_name : t->name, t->name);
            HINT(r, d, "PostgreSQL gives every table a type of its name; name the enum otherwise with @@name(\"...\")");
        }
        for (size_t k = 0; k < t->columns.len; k++) {
            const column *c = t->columns.items[k];
            if (c->type.kind != TYPE_ENUM || !c->type.enumeration || c->server_default.kind == DEFAULT_NONE) continue;
            const enum_type *e = c->type.enumeration;
            if (c->server_default.kind == DEFAULT_SQL) continue;     /* raw SQL: the server judges */
            if (c->server_default.kind != DEFAULT_STRING || enum_type_find_label(e, c->server_default.text) < 0) {
                diag *d = rerr(r, c->loc, 1, "the default of %s.%s is not a label of enum %s",
                               t->model_name ? t->model_name : t->name, c->field_name, e->model_name);
                HINT(r, d, "write one of its labels as a string: @default(\"%s\")",
                     e->labels.len ? e->labels.items[0].label : "label");
            }
        }
    }
}

/* ------------------------------------------------------ models and bases */

/* The model's tree, from its group's arena. */
static void attach_tree(model_info *mi, const model_load *load) {
    mi->ar = load->group_arena[mi->chunk];
    mi->ast = load->files[mi->file].models.items[mi->ordinal];
}

/* mi's turn in base order begins: where its checked forms go (see
** model_info.work) and its empty maps. */
static void begin_turn(resolver *r, model_info *mi, bool transient) {
    if (transient && !r->turn) r->turn = arena_new();
    mi->work = transient ? r->turn : mi->ar;
    mi->field_index = strmap_new(mi->work);
    mi->field_columns = NULL;
}

/* mi's table is built and no later model reads mi: what its turn made,
** other than the table, goes. */
static void end_transient_turn(resolver *r, model_info *mi) {
    arena_reset(r->turn);
    mi->work = NULL;
    mi->field_index = NULL;
    mi->field_columns = NULL;
    memset(&mi->fields, 0, sizeof mi->fields);
    memset(&mi->clauses, 0, sizeof mi->clauses);
}

/* Parse the files of group g into a new arena; 0, or the number of errors. */
static int parse_group(model_load *load, size_t g, diag_list *dl) {
    arena *a = arena_new();
    load->group_arena[g] = a;
    size_t end = (g + 1) * MODEL_FILES_PER_ARENA < load->n ? (g + 1) * MODEL_FILES_PER_ARENA : load->n;
    int errors = 0;
    for (size_t f = g * MODEL_FILES_PER_ARENA; f < end; f++)
        errors += model_parse(a, load->paths[f], load->texts[f], &load->files[f], dl);
    return errors;
}

/* The trees of mi's group, parsed again if the first parse dropped them:
** the same texts, parsed cleanly then, give the same trees. */
static void need_tree(resolver *r, model_load *load, model_info *mi) {
    if (mi->ar) return;
    if (parse_group(load, mi->chunk, r->dl) != 0) r->errors++;
    for (size_t k = 0; k < load->members[mi->chunk].len; k++) attach_tree(load->members[mi->chunk].items[k], load);
}

/* What the resolver reads of a model before its group's trees are back:
** the model's name, its bases and where they are written, in a, while the
** tree is dropped with its group's arena.  A group with enums is kept. */
static void keep_skeletons(arena *a, ast_file *file) {
    ast_model **items = arena_alloc(a, (file->models.len + 1) * sizeof *items);
    for (size_t i = 0; i < file->models.len; i++) {
        const ast_model *m = file->models.items[i];
        ast_model *sk = arena_alloc(a, sizeof *sk);
        sk->name = arena_strdup(a, m->name);
        sk->is_abstract = m->is_abstract;
        sk->loc = m->loc;
        sk->span = m->span;
        for (size_t b = 0; b < m->bases.len; b++) {
            const ast_base_ref *ref = &m->bases.items[b];
            vec_push(a, &sk->bases, ((ast_base_ref){arena_strdup(a, ref->name), ref->loc, ref->span}));
        }
        items[i] = sk;
    }
    file->models.items = items;
    file->models.cap = file->models.len;
    memset(&file->enums, 0, sizeof file->enums);
}

static void register_models(resolver *r, model_load *load) {
    ast_file *files = load->files;
    for (size_t fi = 0; fi < load->n; fi++)
        for (size_t i = 0; i < files[fi].models.len; i++) {
            ast_model *m = files[fi].models.items[i];
            model_info *prev = strmap_get(r->models_by_name, m->name);
            if (prev) {
                diag *d = rerr(r, m->loc, m->span, "duplicate model '%s'", m->name);
                HINT(r, d, "'%s' is already declared at %s; rename one of them", m->name,
                     where_str(r, prev->ast->loc));
                continue;
            }
            model_info *mi = arena_alloc(r->ar, sizeof *mi);
            mi->ast = m;
            mi->chunk = fi / MODEL_FILES_PER_ARENA;
            mi->file = fi;
            mi->ordinal = i;
            if (load->group_arena[mi->chunk]) attach_tree(mi, load);
            vec_push(r->ar, &load->members[mi->chunk], mi);
            strmap_put(r->models_by_name, m->name, mi);
            vec_push(r->ar, &r->models, mi);
        }
}

static void resolve_bases(resolver *r) {
    const char **names = arena_alloc(r->ar, (r->models.len + 1) * sizeof *names);
    for (size_t i = 0; i < r->models.len; i++) names[i] = r->models.items[i]->ast->name;
    for (size_t i = 0; i < r->models.len; i++) {
        model_info *mi = r->models.items[i];
        for (size_t b = 0; b < mi->ast->bases.len; b++) {
            ast_base_ref *ref = &mi->ast->bases.items[b];
            model_info *base = strmap_get(r->models_by_name, ref->name);
            if (!base) {
                diag *d = rerr(r, ref->loc, ref->span, "unknown base model '%s'", ref->name);
                hint_did_you_mean(r, d, ref->name, names, r->models.len,
                                  "declare it with `abstract model Name { ... }` in a .model file of this folder");
                mi->bad = true;
                continue;
            }
            bool repeated = false;
            for (size_t k = 0; k < mi->bases.len; k++)
                if (mi->bases.items[k] == base) repeated = true;
            if (repeated) {
                diag *d = rerr(r, ref->loc, ref->span, "base model '%s' is listed twice", ref->name);
                HINT(r, d, "remove the second '%s'", ref->name);
                continue;
            }
            vec_push(r->ar, &mi->bases, base);
            vec_push(r->ar, &mi->base_refs, ref);
        }
    }
}

/* Depth-first over the base graph with an explicit stack: report each
** cycle once, mark its models bad, and list models bases-first. */
static void order_models(resolver *r) {
    typedef struct { model_info *m; size_t next; } frame;
    VEC(frame) stack = {0};
    for (size_t i = 0; i < r->models.len; i++) {
        model_info *root = r->models.items[i];
        if (root->color) continue;
        root->color = 1;
        vec_push(r->ar, &stack, ((frame){root, 0}));
        while (stack.len) {
            frame *top = &stack.items[stack.len - 1];
            if (top->next < top->m->bases.len) {
                size_t bi = top->next++;
                model_info *b = top->m->bases.items[bi];
                if (b->color == 0) {
                    b->color = 1;
                    vec_push(r->ar, &stack, ((frame){b, 0}));
                } else if (b->color == 1) {
                    /* b is on the stack: the cycle is b ... top -> b. */
                    strbuf sb = STRBUF_INIT;
                    size_t start = 0;
                    for (size_t k = 0; k < stack.len; k++)
                        if (stack.items[k].m == b) start = k;
                    for (size_t k = start; k < stack.len; k++) {
                        sb_printf(&sb, "%s -> ", stack.items[k].m->ast->name);
                        stack.items[k].m->bad = true;
                    }
                    sb_append(&sb, b->ast->name);
                    /* The base reference that closes the cycle. */
                    ast_base_ref *ref = top->m->base_refs.items[bi];
                    diag *d = rerr(r, ref->loc, ref->span, "inheritance cycle: %s", sb_str(&sb));
                    HINT(r, d, "a model cannot inherit from itself, directly or through its bases");
                    sb_free(&sb);
                }
                continue;
            }
            top->m->color = 2;
            for (size_t k = 0; k < top->m->bases.len; k++)
                if (top->m->bases.items[k]->bad) top->m->bad = true;
            vec_push(r->ar, &r->order, top->m);
            stack.len--;
        }
    }
}

static ssize_t field_pos(model_info *mi, const char *name) {
    void *p = strmap_get(mi->field_index, name);
    return p ? (ssize_t)((size_t)p - 1) : -1;
}

static void add_field_entry(model_info *mi, field_entry e) {
    vec_push(mi->work, &mi->fields, e);
    strmap_put(mi->field_index, e.field->name, (void *)(size_t)mi->fields.len);
}

/* Flatten one model whose bases are flattened already. */
static void flatten_model(resolver *r, model_info *mi) {
    for (size_t b = 0; b < mi->bases.len; b++) {
        model_info *base = mi->bases.items[b];
        for (size_t i = 0; i < base->fields.len; i++) {
            field_entry e = base->fields.items[i];
            ssize_t at = field_pos(mi, e.field->name);
            if (at < 0) { add_field_entry(mi, e); continue; }
            if (mi->fields.items[at].field == e.field) continue;     /* same field by two paths */
            /* Two bases bring different columns of one name: only an
            ** @override in this model settles it (checked below). */
            bool overridden = false;
            for (size_t k = 0; k < mi->ast->fields.len; k++)
                if (!strcmp(mi->ast->fields.items[k]->name, e.field->name)) overridden = true;
            if (!overridden) {
                ast_base_ref *ref = mi->base_refs.items[b];
                diag *d = rerr(r, ref->loc, ref->span, "column '%s' is inherited from both '%s' and '%s'",
                               e.field->name, mi->fields.items[at].owner->ast->name, e.owner->ast->name);
                HINT(r, d, "redefine '%s' in '%s' with @override, or rename it in one base", e.field->name,
                     mi->ast->name);
            }
        }
        for (size_t i = 0; i < base->clauses.len; i++) {
            clause_entry c = base->clauses.items[i];
            if (!clause_inherited(c.clause)) continue;
            bool seen = false;
            for (size_t k = 0; k < mi->clauses.len; k++)
                if (mi->clauses.items[k].clause == c.clause) seen = true;
            if (!seen) vec_push(mi->work, &mi->clauses, c);
        }
    }
    for (size_t i = 0; i < mi->ast->fields.len; i++) {
        ast_field *f = mi->ast->fields.items[i];
        field_spec *fs = field_spec_of(r, f, mi);
        /* The field's place if it is new (most are); a name the map has
        ** keeps its place. */
        void *had = strmap_add(mi->field_index, f->name, (void *)(mi->fields.len + 1));
        ssize_t at = had ? (ssize_t)((size_t)had - 1) : -1;
        field_entry e = {f, mi};
        if (at >= 0 && mi->fields.items[at].owner == mi) {
            diag *d = rerr(r, f->loc, f->span, "duplicate column '%s' in model '%s'", f->name, mi->ast->name);
            HINT(r, d, "'%s' is already declared at %s; rename or remove one", f->name,
                 where_str(r, mi->fields.items[at].field->loc));
        } else if (at >= 0) {
            if (fs->override) mi->fields.items[at] = e;   /* keeps the inherited position */
            else {
                diag *d = rerr(r, f->loc, f->span, "column '%s' redefines the column inherited from '%s'", f->name,
                               mi->fields.items[at].owner->ast->name);
                HINT(r, d, "add @override to replace the inherited column, or choose another name");
            }
        } else {
            if (fs->override) {
                ast_attr *ov = NULL;
                for (size_t k = 0; k < f->attrs.len; k++)
                    if (!strcmp(f->attrs.items[k]->name, "override")) ov = f->attrs.items[k];
                diag *d = rerr(r, ov->loc, ov->span, "@override on '%s', but no base model has a column '%s'",
                               f->name, f->name);
                HINT(r, d, "remove @override (or check the spelling of the column name)");
            }
            vec_push(mi->work, &mi->fields, e);     /* at the place put above */
        }
    }
    for (size_t i = 0; i < mi->ast->clauses.len; i++)
        vec_push(mi->work, &mi->clauses, ((clause_entry){mi->ast->clauses.items[i], mi}));
}

/* ------------------------------------------------------------- tables */

/* Resolve a clause's column reference (a field name) to the column. */
static column *clause_column(resolver *r, model_info *mi, const char *what, ast_value *v) {
    /* A field that failed to become a column is reported already. */
    ssize_t pos = field_pos(mi, v->text);
    if (pos >= 0) return mi->field_columns[pos];
    diag *d = rerr(r, v->loc, v->span, "unknown column '%s' in %s of model '%s'", v->text, what, mi->ast->name);
    for (size_t i = 0; i < mi->table->columns.len; i++) {
        column *k = mi->table->columns.items[i];
        if (!strcmp(k->name, v->text)) {
            HINT(r, d, "'%s' is the database name of field '%s'; clauses name fields: write %s", v->text,
                 k->field_name, k->field_name);
            return NULL;
        }
    }
    const char **names = arena_alloc(r->ar, (mi->fields.len + 1) * sizeof *names);
    for (size_t i = 0; i < mi->fields.len; i++) names[i] = mi->fields.items[i].field->name;
    hint_did_you_mean(r, d, v->text, names, mi->fields.len, "name a field of this model (or of its bases)");
    return NULL;
}

static bool clause_columns(resolver *r, model_info *mi, const char *what, const ast_value_vec *refs, str_vec *out) {
    bool ok = true;
    for (size_t i = 0; i < refs->len; i++) {
        column *c = clause_column(r, mi, what, refs->items[i]);
        if (c) vec_push(r->s->arena, out, c->name);
        else ok = false;
    }
    return ok;
}

/* Where a value is written, kept past its tree. */
typedef struct written_at {
    src_loc loc;
    int span;
} written_at;

/* A foreign key waiting for all tables to exist (its model's tree may be
** released by then: it keeps where its parts are written). */
typedef struct pending_fk {
    foreign_key *fk;
    table *from;
    written_at table_at;                /* where the target table is written */
    const written_at *column_at;        /* per ref column: where it is written */
} pending_fk;

typedef VEC(pending_fk) pending_fk_vec;

/* The text of a model's own one-string clause (@@table, @@schema), or NULL;
** *clause_out is the clause.  Given twice is an error. */
static const char *own_clause_text(resolver *r, model_info *mi, const char *clause, ast_attr **clause_out) {
    *clause_out = NULL;
    const char *text = NULL;
    for (size_t i = 0; i < mi->ast->clauses.len; i++) {
        ast_attr *at = mi->ast->clauses.items[i];
        if (strcmp(at->name, clause)) continue;
        clause_spec *cs = clause_spec_of(r, at, mi);
        if (*clause_out) {
            diag *d = rerr(r, at->loc, at->span, "@@%s given twice in model '%s'", clause, mi->ast->name);
            HINT(r, d, "keep one @@%s clause", clause);
            continue;
        }
        *clause_out = at;
        if (cs->ok) text = cs->text;
    }
    return text;
}

static const char *table_name_of(resolver *r, model_info *mi, ast_attr **table_clause) {
    const char *name = own_clause_text(r, mi, "table", table_clause);
    return name ? name : model_table_name(r->ar, mi->ast->name);
}

/* A schema the models name (@@schema of a model or an enum, a qualified
** foreign-key target or rename hint): NULL for the default schema, which
** is no schema in the IR; any other is remembered for `include_schemas`. */
static const char *named_schema(resolver *r, const char *nsp) {
    if (!nsp || !strcmp(nsp, r->default_schema)) return NULL;
    const char *kept = strmap_get(r->schemas_named, nsp);
    if (!kept) {
        kept = sdup(r, nsp);
        strmap_put(r->schemas_named, kept, (void *)kept);
        vec_push(r->s->arena, &r->s->schemas_named, kept);
    }
    return kept;
}

/* The table's columns, in the model's flattened field order; false when a
** field is wrong or two fields map to one database name. */
static bool add_columns(resolver *r, model_info *mi, table *t) {
    bool ok = true;
    table_reserve_columns(r->s, t, mi->fields.len);
    mi->field_columns = arena_alloc(mi->work, (mi->fields.len + 1) * sizeof *mi->field_columns);
    for (size_t i = 0; i < mi->fields.len; i++) {
        ast_field *f = mi->fields.items[i].field;
        field_spec *fs = field_spec_of(r, f, mi->fields.items[i].owner);
        if (!fs->ok) { ok = false; continue; }
        const char *db = fs->map ? fs->map : f->name;
        column *c = table_add_column(r->s, t, db);
        if (!c) {
            column *prev = table_find_column(t, db);
            src_loc loc = fs->map_attr ? fs->map_attr->loc : f->loc;
            int span = fs->map_attr ? fs->map_attr->span : f->span;
            diag *d = rerr(r, loc, span, "duplicate column name '%s' in table '%s' (fields '%s' and '%s')", db,
                           t->name, prev->field_name, f->name);
            HINT(r, d, "give one of them another database name with @map(\"...\")");
            ok = false;
            continue;
        }
        c->field_name = strcmp(f->name, c->name) ? sdup(r, f->name) : c->name;
        c->type = fs->type;
        c->nullable = fs->nullable && !fs->primary_key;
        c->primary_key = fs->primary_key;
        c->server_default = fs->def;
        c->server_default.text = sdup(r, fs->def.text);
        c->comment = sdup(r, fs->comment);
        c->autoincrement = fs->autoincrement;
        c->renamed_from = sdup(r, fs->renamed_from);
        c->generated = sdup(r, fs->computed);
        c->generated_stored = fs->computed_stored;
        if (fs->identity_attr) {
            identity_def *g = arena_alloc(r->s->arena, sizeof *g);
            *g = *fs->identity;
            g->loc = schema_loc(r, fs->identity_attr->loc);
            c->generated_identity = g;
        }
        c->loc = schema_loc(r, f->loc);
        mi->field_columns[i] = c;
    }
    return ok;
}

/* What column attributes add to the table: an index (@index, named
** ix_<table>_<column>), a unique constraint (@unique alone) and a foreign
** key (@foreign_key, checked against its target once all tables exist). */
static void add_column_keys(resolver *r, model_info *mi, table *t, pending_fk_vec *pending) {
    for (size_t i = 0; i < mi->fields.len; i++) {
        column *c = mi->field_columns[i];
        if (!c) continue;                       /* no column: reported */
        ast_field *f = mi->fields.items[i].field;
        field_spec *fs = f->resolved;
        if (fs->index) {
            index_def *x = arena_alloc(r->s->arena, sizeof *x);
            x->name = index_conventional_name(r->s->arena, t->name, c->name);
            vec_push(r->s->arena, &x->columns, c->name);
            x->unique = fs->unique;
            x->conventional_name = true;
            x->loc = c->loc;
            vec_push(r->s->arena, &t->indexes, x);
        } else if (fs->unique) {
            unique_def *u = arena_alloc(r->s->arena, sizeof *u);
            vec_push(r->s->arena, &u->columns, c->name);
            u->loc = c->loc;
            vec_push(r->s->arena, &t->uniques, u);
        }
        if (fs->fk && fs->fk_table) {
            foreign_key *k = arena_alloc(r->s->arena, sizeof *k);
            k->name = sdup(r, fs->fk_name);
            vec_push(r->s->arena, &k->columns, c->name);
            k->ref_table = sdup(r, fs->fk_table);
            vec_push(r->s->arena, &k->ref_columns, sdup(r, fs->fk_column));
            k->ondelete = sdup(r, fs->fk_ondelete);
            k->onupdate = sdup(r, fs->fk_onupdate);
            k->loc = schema_loc(r, fs->fk->loc);
            vec_push(r->s->arena, &t->foreign_keys, k);
            /* "table.column": one string says both */
            written_at *at = arena_alloc(r->ar, sizeof *at);
            *at = (written_at){fs->fk_target->loc, fs->fk_target->span};
            vec_push(r->ar, pending, ((pending_fk){k, t, *at, at}));
        }
    }
}

/* The table clauses, inherited ones first, then the model's own; the
** @@primary_key clause, if any, goes to *pk_clause for set_primary_key.
** False when a clause is wrong or names an unknown column. */
static bool add_clauses(resolver *r, model_info *mi, table *t, pending_fk_vec *pending, ast_attr **pk_clause) {
    bool ok = true;
    *pk_clause = NULL;
    for (size_t i = 0; i < mi->clauses.len; i++) {
        ast_attr *at = mi->clauses.items[i].clause;
        clause_spec *cs = clause_spec_of(r, at, mi->clauses.items[i].owner);
        if (!cs->ok) { ok = false; continue; }
        const char *what = clause_def_of(at->name)->what;     /* known: its spec is ok */
        src_loc loc = schema_loc(r, at->loc);
        switch (cs->kind) {
        case CL_TABLE: break;
        case CL_SCHEMA: break;
        case CL_COMMENT: t->comment = sdup(r, cs->text); break;
        case CL_RENAMED_FROM: {
            /* "old_name": renamed in its schema; "old_schema.old_name":
            ** moved from that schema (and renamed when the names differ). */
            const char *dot = strchr(cs->text, '.');
            if (dot && dot != cs->text && dot[1]) {
                t->renamed_from_schema = named_schema(r, arena_strndup(r->ar, cs->text, (size_t)(dot - cs->text)));
                t->renamed_from = sdup(r, dot + 1);
            } else {
                t->renamed_from_schema = t->schema;
                t->renamed_from = sdup(r, cs->text);
            }
            break;
        }
        case CL_INDEX: {
            index_def *x = arena_alloc(r->s->arena, sizeof *x);
            x->name = sdup(r, cs->name);
            x->unique = cs->unique;
            x->where = sdup(r, cs->where);
            x->method = sdup(r, cs->method);
            x->loc = loc;
            if (cs->postgres_only) {
                x->postgres_only = sdup(r, cs->postgres_only);
                x->postgres_only_loc = schema_loc(r, cs->postgres_only_loc);
                x->postgres_only_span = cs->postgres_only_span;
            }
            bool keys_ok = true;
            for (size_t k = 0; k < cs->keys.len; k++) {
                const key_spec *ks = &cs->keys.items[k];
                index_key key = ks->key;
                key.opclass = sdup(r, key.opclass);
                /* nulls_first on a descending key is PostgreSQL's default:
                ** kept as the default, as introspection reads it. */
                if (key.nulls != NULLS_DEFAULT && (key.nulls == NULLS_FIRST) == key.desc) key.nulls = NULLS_DEFAULT;
                if (ks->expr) {
                    size_t n = strlen(ks->expr);
                    bool whole = n >= 2 && ks->expr[0] == '(' && ks->expr[n - 1] == ')' &&
                                 sql_parenthesized_whole(ks->expr);
                    index_add_key(r->s->arena, x, whole ? sdup(r, ks->expr) : arena_printf(r->s->arena, "(%s)", ks->expr),
                                  key);
                    continue;
                }
                if (ks->db_name) {
                    index_add_key(r->s->arena, x, sdup(r, ks->column->text), key);
                    continue;
                }
                column *c = clause_column(r, mi, what, ks->column);
                if (c) index_add_key(r->s->arena, x, c->name, key);
                else keys_ok = false;
            }
            if (!clause_columns(r, mi, what, &cs->include, &x->include)) keys_ok = false;
            if (keys_ok) vec_push(r->s->arena, &t->indexes, x);
            else ok = false;
            break;
        }
        case CL_UNIQUE: {
            unique_def *u = arena_alloc(r->s->arena, sizeof *u);
            u->name = sdup(r, cs->name);
            u->loc = loc;
            if (clause_columns(r, mi, what, &cs->columns, &u->columns)) vec_push(r->s->arena, &t->uniques, u);
            else ok = false;
            break;
        }
        case CL_CHECK: {
            check_def *k = arena_alloc(r->s->arena, sizeof *k);
            k->name = sdup(r, cs->name);
            k->sqltext = sdup(r, cs->text);
            k->loc = loc;
            vec_push(r->s->arena, &t->checks, k);
            break;
        }
        case CL_PRIMARY_KEY:
            if (*pk_clause) {
                diag *d = rerr(r, at->loc, at->span, "@@primary_key given twice for table '%s'", t->name);
                HINT(r, d, "keep one @@primary_key clause");
                ok = false;
                break;
            }
            *pk_clause = at;
            t->primary_key.name = sdup(r, cs->name);
            if (!clause_columns(r, mi, what, &cs->columns, &t->primary_key.columns)) ok = false;
            break;
        case CL_FOREIGN_KEY: {
            foreign_key *k = arena_alloc(r->s->arena, sizeof *k);
            k->name = sdup(r, cs->name);
            k->ref_table = sdup(r, cs->ref_table);
            for (size_t j = 0; j < cs->ref_columns.len; j++)
                vec_push(r->s->arena, &k->ref_columns, sdup(r, cs->ref_columns.items[j]->text));
            k->ondelete = sdup(r, cs->ondelete);
            k->onupdate = sdup(r, cs->onupdate);
            k->loc = loc;
            if (clause_columns(r, mi, what, &cs->columns, &k->columns)) {
                vec_push(r->s->arena, &t->foreign_keys, k);
                written_at *cols = arena_alloc(r->ar, (cs->ref_columns.len + 1) * sizeof *cols);
                for (size_t j = 0; j < cs->ref_columns.len; j++)
                    cols[j] = (written_at){cs->ref_columns.items[j]->loc, cs->ref_columns.items[j]->span};
                written_at table_at = {cs->ref_table_value->loc, cs->ref_table_value->span};
                vec_push(r->ar, pending, ((pending_fk){k, t, table_at, cols}));
            } else ok = false;
            break;
        }
        }
    }
    return ok;
}

/* The primary key: the @@primary_key clause's columns, else the
** @primary_key columns in table order; a table cannot have both.  False
** when the two are mixed or a clause's column is nullable. */
static bool set_primary_key(resolver *r, model_info *mi, table *t, const ast_attr *pk_clause) {
    bool ok = true;
    bool column_pk = false;
    for (size_t i = 0; i < t->columns.len; i++) column_pk |= t->columns.items[i]->primary_key;
    if (pk_clause && column_pk) {
        diag *d = rerr(r, pk_clause->loc, pk_clause->span,
                       "table '%s' has both @@primary_key and @primary_key columns", t->name);
        HINT(r, d, "declare the primary key one way: @primary_key on each column, or one @@primary_key(...)");
        ok = false;
    } else if (pk_clause) {
        for (size_t i = 0; i < t->primary_key.columns.len; i++) {
            column *c = table_find_column(t, t->primary_key.columns.items[i]);
            if (c->nullable) {
                ast_field *f = mi->fields.items[field_pos(mi, c->field_name)].field;
                diag *d = rerr(r, f->type.loc, f->type.span, "primary key column '%s' cannot be nullable",
                               c->field_name);
                HINT(r, d, "remove the '?' after the type");
                ok = false;
            }
            c->primary_key = true;
            c->nullable = false;
        }
    } else {
        for (size_t i = 0; i < t->columns.len; i++)
            if (t->columns.items[i]->primary_key)
                vec_push(r->s->arena, &t->primary_key.columns, t->columns.items[i]->name);
    }
    return ok;
}

/* One concrete model's table, added to the schema; its foreign keys go to
** pending.  Every part runs even after an error, to report all of them. */
static void build_table(resolver *r, model_info *mi, pending_fk_vec *pending) {
    ast_attr *table_clause;
    const char *tname = table_name_of(r, mi, &table_clause);
    ast_attr *schema_clause;
    const char *nsp = named_schema(r, own_clause_text(r, mi, "schema", &schema_clause));
    table *t = schema_add_table_in(r->s, nsp, tname);
    if (!t) {
        table *prev = schema_find_table_in(r->s, nsp, tname);
        src_loc loc = table_clause ? table_clause->loc : mi->ast->loc;
        int span = table_clause ? table_clause->span : mi->ast->span;
        diag *d = rerr(r, loc, span, "duplicate table '%s': models '%s' and '%s' both map to it",
                       qualified_name(r->ar, nsp, tname), prev->model_name, mi->ast->name);
        HINT(r, d, "give one of them another name with @@table(\"...\")");
        return;
    }
    mi->table = t;
    t->model_name = sdup(r, mi->ast->name);
    t->loc = schema_loc(r, mi->ast->loc);
    if (schema_clause) {
        t->schema_loc = schema_loc(r, schema_clause->loc);
        t->schema_span = schema_clause->span;
    }
    bool ok = add_columns(r, mi, t);
    add_column_keys(r, mi, t, pending);
    ast_attr *pk_clause;
    ok = add_clauses(r, mi, t, pending, &pk_clause) && ok;
    ok = set_primary_key(r, mi, t, pk_clause) && ok;
    if (ok && t->primary_key.columns.len == 0) {
        diag *d = rerr(r, mi->ast->loc, mi->ast->span, "model '%s' (table '%s') has no primary key", mi->ast->name,
                       t->name);
        HINT(r, d, "mark a column @primary_key, add @@primary_key(col, ...), or inherit from a model that has one");
    }
}

/* Foreign keys point at existing tables and columns (database names). */
static void check_foreign_keys(resolver *r, pending_fk_vec *pending) {
    const char **tnames = arena_alloc(r->ar, (r->s->tables.len + 1) * sizeof *tnames);
    for (size_t i = 0; i < r->s->tables.len; i++) tnames[i] = r->s->tables.items[i]->name;
    for (size_t i = 0; i < pending->len; i++) {
        pending_fk *p = &pending->items[i];
        /* "table", or "schema.table" (as SQLAlchemy's ForeignKey reads
        ** "schema.table.column"): an unqualified name is a table of the
        ** default schema, whatever the schema of the referencing table. */
        table *target = schema_find_table(r->s, p->fk->ref_table);
        const char *dot = target ? NULL : strchr(p->fk->ref_table, '.');
        if (dot && dot != p->fk->ref_table && dot[1]) {
            const char *nsp = named_schema(r, arena_strndup(r->ar, p->fk->ref_table, (size_t)(dot - p->fk->ref_table)));
            target = schema_find_table_in(r->s, nsp, dot + 1);
            if (target) {
                p->fk->ref_schema = target->schema;
                p->fk->ref_table = target->name;
            }
        }
        if (!target) {
            diag *d = rerr(r, p->table_at.loc, p->table_at.span,
                           "foreign key of table '%s' references unknown table '%s'",
                           qualified_name(r->ar, p->from->schema, p->from->name), p->fk->ref_table);
            table *same_schema = p->from->schema ? schema_find_table_in(r->s, p->from->schema, p->fk->ref_table) : NULL;
            if (same_schema)
                HINT(r, d, "an unqualified name is a table of the default schema; write \"%s.%s\" for the table of "
                           "schema %s", same_schema->schema, p->fk->ref_table, same_schema->schema);
            else
                hint_did_you_mean(r, d, p->fk->ref_table, tnames, r->s->tables.len,
                                  "reference a table by its table name (@@table or the snake_case model name), "
                                  "\"schema.table\" in another schema");
            continue;
        }
        for (size_t k = 0; k < p->fk->ref_columns.len; k++) {
            const char *cn = p->fk->ref_columns.items[k];
            if (table_find_column(target, cn)) continue;
            const written_at *v = &p->column_at[k];
            diag *d = rerr(r, v->loc, v->span, "foreign key of table '%s' references unknown column '%s.%s'",
                           p->from->name, target->name, cn);
            const char **cnames = arena_alloc(r->ar, (target->columns.len + 1) * sizeof *cnames);
            for (size_t j = 0; j < target->columns.len; j++) cnames[j] = target->columns.items[j]->name;
            const char *m = closest_match(cn, cnames, target->columns.len);
            if (m) HINT(r, d, "did you mean '%s.%s'?", target->name, m);
            else HINT(r, d, "reference a column of '%s' by its database name", target->name);
        }
    }
}

/* PostgreSQL keeps the first 63 bytes of a longer name (NAMEDATALEN - 1)
** and says so only in a NOTICE: the next autogenerate would see another
** name and propose to drop and re-create the object, a table with its
** rows.  Files target both backends, so such a name is refused for both. */

static void check_name_length(resolver *r, const char *what, const char *name, src_loc loc) {
    size_t n = strlen(name);
    if (n <= MAX_NAME_BYTES) return;
    diag *d = rerr(r, loc, 1, "%s name '%s' is %zu bytes long; PostgreSQL keeps only the first %d", what, name, n,
                   MAX_NAME_BYTES);
    HINT(r, d, "shorten it to %d bytes or fewer (the server would store '%.*s', and the next autogenerate "
               "would see a different name)", MAX_NAME_BYTES, MAX_NAME_BYTES, name);
}

/* Index and constraint names are one namespace across the schema (as in
** PostgreSQL, where an index name is a relation name of the schema); every
** name fits PostgreSQL's limit. */
typedef struct named_thing {
    const char *name;
    src_loc loc;
} named_thing;

static void check_unique_names(resolver *r) {
    strmap *seen = strmap_new(r->ar);     /* name -> table name */
    size_t names = 0;                     /* at most: each index and named constraint */
    for (size_t ti = 0; ti < r->s->tables.len; ti++) {
        const table *t = r->s->tables.items[ti];
        names += t->indexes.len + t->uniques.len + t->foreign_keys.len + t->checks.len + 1;
    }
    strmap_reserve(seen, names);
    for (size_t ti = 0; ti < r->s->tables.len; ti++) {
        table *t = r->s->tables.items[ti];
        check_name_length(r, "table", t->name, t->loc);
        for (size_t i = 0; i < t->columns.len; i++)
            check_name_length(r, "column", t->columns.items[i]->name, t->columns.items[i]->loc);
        VEC(named_thing) list = {0};
        for (size_t i = 0; i < t->indexes.len; i++)
            vec_push(r->ar, &list, ((named_thing){t->indexes.items[i]->name, t->indexes.items[i]->loc}));
        for (size_t i = 0; i < t->uniques.len; i++)
            if (t->uniques.items[i]->name)
                vec_push(r->ar, &list, ((named_thing){t->uniques.items[i]->name, t->uniques.items[i]->loc}));
        for (size_t i = 0; i < t->foreign_keys.len; i++)
            if (t->foreign_keys.items[i]->name)
                vec_push(r->ar, &list, ((named_thing){t->foreign_keys.items[i]->name, t->foreign_keys.items[i]->loc}));
        for (size_t i = 0; i < t->checks.len; i++)
            if (t->checks.items[i]->name)
                vec_push(r->ar, &list, ((named_thing){t->checks.items[i]->name, t->checks.items[i]->loc}));
        if (t->primary_key.name) vec_push(r->ar, &list, ((named_thing){t->primary_key.name, t->loc}));
        for (size_t i = 0; i < list.len; i++) {
            check_name_length(r, "index or constraint", list.items[i].name, list.items[i].loc);
            /* one namespace per PostgreSQL schema */
            const char *key = schema_object_key(r->ar, t->schema, list.items[i].name);
            const char *prev = strmap_add(seen, key, (void *)t->key);    /* the first table keeps it */
            if (!prev) continue;
            src_loc loc = list.items[i].loc;
            if (!strcmp(prev, t->key)) {
                diag *d = rerr(r, loc, 1, "duplicate index or constraint name '%s' in table '%s'",
                               list.items[i].name, t->name);
                HINT(r, d, "index and constraint names must be unique across the schema; rename one");
            } else {
                const table *other = strmap_get(r->s->tables_by_name, prev);
                diag *d = rerr(r, loc, 1, "duplicate index or constraint name '%s': used by tables '%s' and '%s'",
                               list.items[i].name, qualified_name(r->ar, other->schema, other->name),
                               qualified_name(r->ar, t->schema, t->name));
                HINT(r, d, "index and constraint names must be unique across the schema (PostgreSQL keeps "
                           "them in one namespace); rename one, or declare the index in each model rather "
                           "than in a shared base");
            }
        }
    }
}

/* ---------------------------------------------------------------- entry */

/* When each arena of the load can be released: after the model at
** order position chunk_last[c] is built, or at once when none of its
** models is (SIZE_MAX: an arena of enum types only, or of nothing). A
** model's tree is read until its last derived model, in base order, is
** built: that model flattens in the base's fields and clauses. */
static void plan_releases(resolver *r, size_t *chunk_last, size_t nchunks) {
    for (size_t c = 0; c < nchunks; c++) chunk_last[c] = SIZE_MAX;
    for (size_t p = 0; p < r->order.len; p++) {
        r->order.items[p]->order_pos = p;
        r->order.items[p]->last_use = p;
    }
    /* Bases come before what derives from them, so walking back carries
    ** each model's last use to its bases once it is final. */
    for (size_t p = r->order.len; p-- > 0;) {
        model_info *mi = r->order.items[p];
        for (size_t b = 0; b < mi->bases.len; b++)
            if (mi->bases.items[b]->last_use < mi->last_use) mi->bases.items[b]->last_use = mi->last_use;
    }
    for (size_t p = 0; p < r->order.len; p++) {
        model_info *mi = r->order.items[p];
        size_t *last = &chunk_last[mi->chunk];
        if (*last == SIZE_MAX || *last < mi->last_use) *last = mi->last_use;
    }
}

static void release_chunk(arena **chunks, size_t c) {
    arena_free(chunks[c]);
    chunks[c] = NULL;
}

/* Group g is built: its trees go, and its texts when the load owns them. */
static void release_group(resolver *r, model_load *load, size_t g) {
    release_chunk(load->group_arena, g);
    if (!load->owned_texts) return;
    size_t end = (g + 1) * MODEL_FILES_PER_ARENA < load->n ? (g + 1) * MODEL_FILES_PER_ARENA : load->n;
    for (size_t f = g * MODEL_FILES_PER_ARENA; f < end; f++) {
        free(load->owned_texts[f]);
        load->owned_texts[f] = NULL;
        strmap_put(r->text_by_file, load->paths[f], NULL);
    }
    util_trim_heap();                           /* they were in glibc's heap */
}

/* Resolve the parsed files of load; file i's tree lives in its group's
** arena (load->group_arena[i / MODEL_FILES_PER_ARENA]) or is parsed there
** again when needed, and an arena no model left reads is released (set to
** NULL) on the way when no error came before building. */
static int resolve_files(model_load *load, const char *default_schema, arena *ar, schema **out, diag_list *dl) {
    ast_file *files = load->files;
    size_t n = load->n;
    resolver r = {0};
    r.ar = ar;
    r.dl = dl;
    r.s = schema_new();
    r.text_by_file = strmap_new(ar);
    r.file_copies = strmap_new(ar);
    r.models_by_name = strmap_new(ar);
    r.default_schema = default_schema;
    r.schemas_named = strmap_new(ar);
    /* a key a file (a model a file, mostly): each map grown once */
    strmap_reserve(r.text_by_file, n);
    strmap_reserve(r.file_copies, n);
    strmap_reserve(r.models_by_name, n);
    for (size_t i = 0; i < n; i++) strmap_put(r.text_by_file, files[i].path, (void *)files[i].text);

    register_models(&r, load);
    register_enums(&r, files, n);
    resolve_bases(&r);
    order_models(&r);

    /* One pass in base order: flatten, check, build, release. An error
    ** so far (an unknown base, a cycle) may leave the base order short of
    ** what the plan assumes: then everything is kept to the end. */
    size_t nchunks = load->groups;
    size_t *chunk_last = arena_alloc(ar, (nchunks + 1) * sizeof *chunk_last);
    size_t *release_order = arena_alloc(ar, (nchunks + 1) * sizeof *release_order);
    size_t releases = 0, released = 0;
    bool release = r.errors == 0 && dl->errors == 0;
    if (release) {
        plan_releases(&r, chunk_last, nchunks);
        for (size_t c = 0; c < nchunks; c++)
            if (chunk_last[c] == SIZE_MAX) release_group(&r, load, c);
            else release_order[releases++] = c;
        /* by last use: a few dozen arenas at most, in nearly that order */
        for (size_t i = 1; i < releases; i++)
            for (size_t j = i; j > 0 && chunk_last[release_order[j - 1]] > chunk_last[release_order[j]]; j--) {
                size_t t = release_order[j];
                release_order[j] = release_order[j - 1];
                release_order[j - 1] = t;
            }
    }
    pending_fk_vec pending = {0};
    for (size_t p = 0; p < r.order.len; p++) {
        model_info *mi = r.order.items[p];
        need_tree(&r, load, mi);
        /* Most models are no base of a later one: what checking and
        ** building them needs, besides the tree, lives only for their turn,
        ** in memory the next model reuses. */
        bool transient = release && mi->last_use == p;
        begin_turn(&r, mi, transient);
        if (!mi->bad) flatten_model(&r, mi);
        /* A bad model's fields and clauses are still checked, for their errors. */
        for (size_t k = 0; k < mi->ast->fields.len; k++) field_spec_of(&r, mi->ast->fields.items[k], mi);
        for (size_t k = 0; k < mi->ast->clauses.len; k++) clause_spec_of(&r, mi->ast->clauses.items[k], mi);
        if (!mi->bad && !mi->ast->is_abstract) build_table(&r, mi, &pending);
        if (transient) end_transient_turn(&r, mi);
        while (release && released < releases && chunk_last[release_order[released]] == p)
            release_group(&r, load, release_order[released++]);
    }
    /* Built in base order; the schema lists its tables as they are declared. */
    size_t built = 0;
    for (size_t i = 0; i < r.models.len; i++)
        if (r.models.items[i]->table) r.s->tables.items[built++] = r.models.items[i]->table;
    r.s->tables.len = built;
    check_foreign_keys(&r, &pending);
    check_unique_names(&r);
    check_enum_uses(&r);
    arena_free(r.turn);

    if (r.errors || dl->errors) {
        schema_free(r.s);
        *out = NULL;
        return -1;
    }
    *out = r.s;
    return 0;
}

/* Order this run's diagnostics by file (in load order), line and column,
** keeping the order of those at one spot (a stable insertion sort). */
static size_t file_rank(const char *const *paths, size_t n, const char *file) {
    for (size_t i = 0; i < n; i++)
        if (file && !strcmp(paths[i], file)) return i;
    return n;
}

static bool diag_before(const diag *a, const diag *b, const char *const *paths, size_t n) {
    size_t fa = file_rank(paths, n, a->loc.file), fb = file_rank(paths, n, b->loc.file);
    if (fa != fb) return fa < fb;
    if (a->loc.line != b->loc.line) return a->loc.line < b->loc.line;
    return a->loc.column < b->loc.column;
}

static void sort_diags(diag_list *dl, size_t first, const char *const *paths, size_t n) {
    for (size_t i = first + 1; i < dl->items.len; i++) {
        diag d = dl->items.items[i];
        size_t j = i;
        while (j > first && diag_before(&d, &dl->items.items[j - 1], paths, n)) {
            dl->items.items[j] = dl->items.items[j - 1];
            j--;
        }
        dl->items.items[j] = d;
    }
}

/* Parse every source, then resolve when all parsed cleanly (resolving a
** tree with holes would only add confusing follow-on errors).  Each group's
** trees are kept, or dropped for skeletons, as trees_kept says.
** owned_texts: texts read from the files of paths, which the load frees
** (setting each to NULL) as it is done with them; or NULL. */
static int load_sources(const char *const *paths, const char *const *texts, char **owned_texts, size_t n,
                        const char *default_schema, schema **out, diag_list *dl) {
    *out = NULL;
    size_t first_diag = dl->items.len;
    arena *ar = arena_new();
    model_load load = {.paths = paths, .texts = texts, .owned_texts = owned_texts, .n = n};
    load.files = arena_alloc(ar, (n + 1) * sizeof *load.files);
    load.groups = (n + MODEL_FILES_PER_ARENA - 1) / MODEL_FILES_PER_ARENA;
    load.group_arena = arena_alloc(ar, (load.groups + 1) * sizeof *load.group_arena);
    load.members = arena_alloc(ar, (load.groups + 1) * sizeof *load.members);
    int errors = 0;
    size_t kept = 0;
    for (size_t g = 0; g < load.groups; g++) {
        errors += parse_group(&load, g, dl);
        if (errors) continue;                   /* no resolving: every tree is dropped at the end */
        size_t end = (g + 1) * MODEL_FILES_PER_ARENA < n ? (g + 1) * MODEL_FILES_PER_ARENA : n;
        bool enums = false;
        for (size_t f = g * MODEL_FILES_PER_ARENA; f < end; f++) enums |= load.files[f].enums.len > 0;
        size_t used = arena_used(load.group_arena[g]);
        if (enums || kept + used <= trees_kept) {
            kept += used;
            continue;
        }
        for (size_t f = g * MODEL_FILES_PER_ARENA; f < end; f++) keep_skeletons(ar, &load.files[f]);
        release_chunk(load.group_arena, g);
    }
    int rc = -1;
    if (errors == 0) rc = resolve_files(&load, default_schema ? default_schema : "public", ar, out, dl);
    sort_diags(dl, first_diag, paths, n);
    for (size_t g = 0; g < load.groups; g++) arena_free(load.group_arena[g]);
    arena_free(ar);
    return rc;
}

int model_load_sources(const char *const *paths, const char *const *texts, size_t n, const char *default_schema,
                       schema **out, diag_list *dl) {
    return load_sources(paths, texts, NULL, n, default_schema, out, dl);
}

int model_load_string(const char *filename, const char *text, schema **out, diag_list *dl) {
    return model_load_sources(&filename, &text, 1, NULL, out, dl);
}

/* regular: per path, whether the folder's listing says it is a regular
** file (then read without an fstat), or NULL. */
static int load_files(const char *const *paths, const bool *regular, size_t n, const char *default_schema,
                      schema **out, diag_list *dl) {
    *out = NULL;
    char **texts = calloc(n + 1, sizeof *texts);
    file_read *reads = calloc(n + 1, sizeof *reads);
    if (!texts || !reads) util_oom();
    /* What the listing says is regular is read in batches (file_reader),
    ** the rest (links, file systems without d_type) one by one. */
    size_t batched = 0;
    for (size_t i = 0; i < n; i++)
        if (regular && regular[i]) reads[batched++].path = paths[i];
    file_reader *fr = file_reader_new(true);
    file_reader_read(fr, reads, batched);
    file_reader_free(fr);
    bool ok = true;
    for (size_t i = 0, b = 0; i < n; i++) {
        size_t len = 0;
        int line, column, error = 0;
        if (regular && regular[i]) {
            texts[i] = reads[b].text;
            len = reads[b].len;
            error = reads[b++].error;
        } else {
            texts[i] = read_file(paths[i], &len);
            error = errno;
        }
        if (!texts[i]) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){paths[i], 0, 0}, "cannot read model file: %s",
                               strerror(error));
            diag_set_hint(dl, d, "check that the file exists and is readable");
            ok = false;
        } else if (text_find_nul(texts[i], len, &line, &column)) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){paths[i], line, column}, "a NUL byte in a model file");
            diag_set_hint(dl, d, "model files are UTF-8 text; remove the byte");
            ok = false;
        }
    }
    int rc = ok ? load_sources(paths, (const char *const *)texts, texts, n, default_schema, out, dl) : -1;
    for (size_t i = 0; i < n; i++) free(texts[i]);
    free(texts);
    free(reads);
    util_trim_heap();                           /* the texts were in glibc's heap */
    return rc;
}

int model_load_files(const char *const *paths, size_t n, const char *default_schema, schema **out, diag_list *dl) {
    return load_files(paths, NULL, n, default_schema, out, dl);
}

typedef struct listed_file {
    const char *name;
    bool regular;               /* d_type said DT_REG */
} listed_file;

static int cmp_listed(const void *a, const void *b) {
    return strcmp(((const listed_file *)a)->name, ((const listed_file *)b)->name);
}

int model_load_dir(const char *dir, const char *default_schema, schema **out, diag_list *dl) {
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d) {
        diag *g = diag_add(dl, DIAG_ERROR, (src_loc){dir, 0, 0}, "cannot open the models folder: %s",
                           strerror(errno));
        diag_set_hint(dl, g, "run from the project root, or give the folder with --models DIR");
        return -1;
    }
    arena *a = arena_new();
    VEC(listed_file) names = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 6 && e->d_name[0] != '.' && !strcmp(e->d_name + len - 6, ".model"))
            vec_push(a, &names, ((listed_file){arena_strdup(a, e->d_name), e->d_type == DT_REG}));
    }
    closedir(d);
    int rc;
    if (names.len == 0) {
        diag *g = diag_add(dl, DIAG_ERROR, (src_loc){dir, 0, 0}, "no *.model files in the models folder");
        diag_set_hint(dl, g, "write the models in files named like models/dataset.model");
        rc = -1;
    } else {
        qsort(names.items, names.len, sizeof *names.items, cmp_listed);
        size_t dl_len = strlen(dir);
        bool slash = dl_len && dir[dl_len - 1] == '/';
        const char **paths = arena_alloc(a, names.len * sizeof *paths);
        bool *regular = arena_alloc(a, names.len * sizeof *regular);
        for (size_t i = 0; i < names.len; i++) {
            paths[i] = arena_strjoin(a, dir, slash ? "" : "/", names.items[i].name, NULL);
            regular[i] = names.items[i].regular;
        }
        rc = load_files(paths, regular, names.len, default_schema, out, dl);
    }
    arena_free(a);
    return rc;
}
