/*
** lint.c — the rules of lint.h, the allow comments and the severities of
** [retort].
*/
#include "lint/lint.h"

#include "render/sql.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const lint_rule_info RULES[LINT_RULE_COUNT] = {
#define LINT_RULE_INFO(name, id, sev, summary) {id, LINT_##sev, summary},
    LINT_RULE_LIST(LINT_RULE_INFO)
#undef LINT_RULE_INFO
};

const lint_rule_info *lint_rule_info_of(lint_rule r) { return &RULES[r]; }

int lint_rule_find(const char *id) {
    for (int i = 0; i < LINT_RULE_COUNT; i++)
        if (!strcmp(RULES[i].id, id)) return i;
    return -1;
}

const char *lint_severity_name(lint_severity s) {
    switch (s) {
    case LINT_ERROR: return "error";
    case LINT_WARNING: return "warning";
    case LINT_INFO: return "info";
    case LINT_OFF: return "off";
    }
    return "off";
}

/* ------------------------------------------------------------ selectors */

/* Does `sel` (a rule id, a category, or a category followed by a slash and a star) name rule r? */
static bool selector_matches(const char *sel, size_t n, lint_rule r) {
    const char *id = RULES[r].id;
    if (strlen(id) == n && !strncmp(id, sel, n)) return true;
    size_t cat = (size_t)(strchr(id, '/') - id);
    if (n == cat + 2 && !strncmp(sel, id, cat + 1) && sel[cat + 1] == '*') return true;
    return n == cat && !strncmp(sel, id, cat);
}

static bool selector_known(const char *sel, size_t n) {
    for (int r = 0; r < LINT_RULE_COUNT; r++)
        if (selector_matches(sel, n, (lint_rule)r)) return true;
    return false;
}

static const char *closest_rule(arena *a, const char *sel, size_t n) {
    const char *ids[LINT_RULE_COUNT];
    for (int i = 0; i < LINT_RULE_COUNT; i++) ids[i] = RULES[i].id;
    return closest_match(arena_strndup(a, sel, n), ids, LINT_RULE_COUNT);
}

static bool is_sep(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void lint_config_init(lint_config *c) {
    for (int i = 0; i < LINT_RULE_COUNT; i++) {
        c->severity[i] = RULES[i].severity;
        c->refuse[i] = false;
    }
}

int lint_config_apply(lint_config *c, const char *value, src_loc loc, lint_severity sev, bool refuse,
                      diag_list *dl) {
    int rc = 0;
    arena *a = arena_new();
    for (const char *p = value; *p;) {
        while (*p && is_sep(*p)) p++;
        const char *start = p;
        while (*p && !is_sep(*p)) p++;
        size_t n = (size_t)(p - start);
        if (!n) continue;
        if (!selector_known(start, n)) {
            src_loc at = loc;
            /* the column of the id, when the value is on one line */
            if (at.line > 0 && at.column > 0 && !memchr(value, '\n', (size_t)(start - value)))
                at.column += (int)(start - value);
            diag *d = diag_add(dl, DIAG_ERROR, at, "unknown lint rule '%.*s'", (int)n, start);
            d->span = (int)n;
            const char *near = closest_rule(a, start, n);
            diag_set_hint(dl, d, "%sthe rules are listed in docs/lint.md (e.g. destructive/drop-column, or a "
                                 "category: destructive/*)",
                          near ? arena_printf(a, "did you mean '%s'? ", near) : "");
            rc = -1;
            continue;
        }
        for (int r = 0; r < LINT_RULE_COUNT; r++) {
            if (!selector_matches(start, n, (lint_rule)r)) continue;
            if (refuse) c->refuse[r] = true;
            else c->severity[r] = sev;
        }
    }
    arena_free(a);
    return rc;
}

/* ------------------------------------------------------------ findings */

lint_findings *lint_findings_new(void) {
    arena *a = arena_new();
    lint_findings *f = arena_alloc(a, sizeof *f);
    f->arena = a;
    return f;
}

void lint_findings_free(lint_findings *f) {
    if (f) arena_free(f->arena);
}

size_t lint_findings_errors(const lint_findings *f) {
    size_t n = 0;
    for (size_t i = 0; i < f->items.len; i++)
        n += f->items.items[i].severity == LINT_ERROR && !f->items.items[i].acknowledged;
    return n;
}

const char *lint_note_text(arena *a, const lint_finding *f) {
    return arena_printf(a, "retort: %s \xe2\x80\x94 %s; %s", f->rule_id, f->message, f->advice);
}

/* ------------------------------------------------------- allow comments */

typedef struct linter {
    const lint_context *ctx;
    lint_findings *out;
    diag_list *dl;
    arena *a;                       /* scratch */
    strmap *created;                /* tables the op list creates */
    const op *ops;
    size_t n;
} linter;

/* Does line `line` of the source carry `# retort: allow ...` naming rule r?
** Unknown ids are warned about once per line (warn). */
static bool line_allows(linter *L, int line, lint_rule r, bool warn) {
    const char *text = text_line(L->a, L->ctx->source_text, line);
    if (!text) return false;
    bool allowed = false;
    /* the line's first '#' starts its comment (a note quoting an allow
    ** comment further on acknowledges nothing) */
    for (const char *h = strchr(text, '#'); h; h = NULL) {
        const char *p = h + 1;
        while (*p == ' ' || *p == '\t') p++;
        if (strncmp(p, "retort:", 7)) break;
        p += 7;
        while (*p == ' ' || *p == '\t') p++;
        if (strncmp(p, "allow", 5) || !(p[5] == ' ' || p[5] == '\t')) break;
        p += 5;
        while (*p && *p != '#') {
            while (*p && (is_sep(*p))) p++;
            const char *s = p;
            while (*p && !is_sep(*p) && *p != '#') p++;
            size_t n = (size_t)(p - s);
            if (!n) continue;
            if (selector_matches(s, n, r)) allowed = true;
            else if (warn && !selector_known(s, n)) {
                diag *d = diag_add(L->dl, DIAG_WARNING, (src_loc){L->ctx->file, line, (int)(s - text) + 1},
                                   "unknown lint rule '%.*s' in an allow comment", (int)n, s);
                d->span = (int)n;
                const char *near = closest_rule(L->a, s, n);
                if (near) diag_set_hint(L->dl, d, "did you mean '%s'?", near);
            }
        }
    }
    return allowed;
}

static bool is_comment_line(const char *text) {
    while (*text == ' ' || *text == '\t') text++;
    return *text == '#';
}

/* The op's own line, then the comment lines right above it. */
static bool allowed_at(linter *L, int line, lint_rule r) {
    if (!L->ctx->source_text || line < 1) return false;
    if (line_allows(L, line, r, false)) return true;
    for (int l = line - 1; l >= 1; l--) {
        const char *text = text_line(L->a, L->ctx->source_text, l);
        if (!text || !is_comment_line(text)) break;
        if (line_allows(L, l, r, false)) return true;
    }
    return false;
}

/* Warn about allow comments naming no rule, once per file. */
static void check_allow_comments(linter *L) {
    const char *t = L->ctx->source_text;
    if (!t) return;
    int line = 1;
    for (const char *p = t; *p; line++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *hit = strstr(arena_strndup(L->a, p, len), "retort: allow");
        if (hit) (void)line_allows(L, line, LINT_DROP_TABLE, true);
        if (!nl) break;
        p = nl + 1;
    }
}

static bool existing(const linter *L, const char *table);
static void add(linter *L, const op *o, lint_rule r, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add(linter *L, const op *o, lint_rule r, const char *hint, const char *fmt, ...) {
    lint_severity sev = L->ctx->config ? L->ctx->config->severity[r] : RULES[r].severity;
    if (sev == LINT_OFF) return;
    arena *a = L->out->arena;
    lint_finding f = {.rule = r, .rule_id = RULES[r].id, .severity = sev, .loc = o->loc,
                      .revision = arena_strdup(a, L->ctx->revision), .op_index = (size_t)(o - L->ops)};
    if (f.loc.file) f.loc.file = arena_strdup(a, f.loc.file);
    else if (L->ctx->file && f.loc.line) f.loc.file = arena_strdup(a, L->ctx->file);
    va_list ap;
    va_start(ap, fmt);
    f.message = arena_vprintf(a, fmt, ap);
    va_end(ap);
    /* How much is at stake, where the database said (PostgreSQL's estimate). */
    const table *t = L->ctx->current && o->table_name ? schema_find_table_in(L->ctx->current, o->schema, o->table_name) : NULL;
    if (t && t->row_estimate >= 0 && existing(L, o->table_name))
        f.message = arena_printf(a, "%s (table %s: about %lld row%s)", f.message, t->name, t->row_estimate,
                                 t->row_estimate == 1 ? "" : "s");
    f.advice = arena_strdup(a, hint);
    f.hint = arena_printf(a, "%s; or acknowledge it with '# retort: allow %s' above the op", hint, RULES[r].id);
    f.acknowledged = allowed_at(L, o->loc.line, r) || (o->batch && allowed_at(L, o->batch->loc.line, r));
    vec_push(a, &L->out->items, f);
}

/* ---------------------------------------------------------------- rules */

static bool pg(const linter *L) { return L->ctx->dialect && L->ctx->dialect->kind == DIALECT_POSTGRESQL; }
static bool sqlite(const linter *L) { return L->ctx->dialect && L->ctx->dialect->kind == DIALECT_SQLITE; }

/* Did the table exist before the migration (not created by it)? */
static bool existing(const linter *L, const char *table) { return table && !strmap_get(L->created, table); }

static const char *type_text(linter *L, const col_type *t) {
    if (t->kind == TYPE_OTHER && !t->raw) return "its old type";
    return col_type_to_string(L->a, t);
}

static int int_rank(type_kind k) {
    switch (k) {
    case TYPE_SMALLINT: return 1;
    case TYPE_INTEGER: return 2;
    case TYPE_BIGINT: return 3;
    default: return 0;
    }
}

static bool type_known(const col_type *t) { return !(t->kind == TYPE_OTHER && !t->raw); }

/* Can a value of `from` fail to fit `to` (or lose digits)? */
static bool narrower(const col_type *from, const col_type *to) {
    if (!type_known(from)) return false;
    bool from_text = from->kind == TYPE_STRING || from->kind == TYPE_TEXT || from->kind == TYPE_CITEXT;
    if (to->kind == TYPE_STRING && to->length > 0 && from_text)
        return from->kind != TYPE_STRING || from->length <= 0 || to->length < from->length;
    if (int_rank(from->kind) && int_rank(to->kind)) return int_rank(to->kind) < int_rank(from->kind);
    if (from->kind == TYPE_NUMERIC && to->kind == TYPE_NUMERIC) {
        if (to->precision > 0 && (from->precision <= 0 || to->precision < from->precision)) return true;
        return from->scale >= 0 && to->scale >= 0 && to->scale < from->scale;
    }
    if ((from->kind == TYPE_NUMERIC || from->kind == TYPE_FLOAT) && int_rank(to->kind)) return true;
    /* text to anything that is not text: values that do not parse */
    if (from_text && to->kind != TYPE_STRING && to->kind != TYPE_TEXT && to->kind != TYPE_CITEXT) return true;
    return false;
}

/* On PostgreSQL, does ALTER COLUMN ... TYPE keep the rows as they are
** (binary-coercible, no rewrite and no scan)? */
static bool pg_type_change_in_place(const col_type *from, const col_type *to) {
    if (!type_known(from)) return false;
    if (from->kind == TYPE_STRING && to->kind == TYPE_STRING)
        return to->length <= 0 || (from->length > 0 && to->length >= from->length);
    if (from->kind == TYPE_STRING && to->kind == TYPE_TEXT) return true;
    if (from->kind == TYPE_TEXT && to->kind == TYPE_STRING) return to->length <= 0;
    if (from->kind == TYPE_NUMERIC && to->kind == TYPE_NUMERIC)
        return to->precision <= 0 || (from->precision > 0 && to->precision >= from->precision && to->scale == from->scale);
    return false;
}

static bool volatile_default(const server_default *d) {
    if (d->kind != DEFAULT_SQL || !d->text) return false;
    static const char *const F[] = {"random(", "gen_random_uuid(", "uuid_generate_v", "clock_timestamp(",
                                    "nextval(", "timeofday(", "txid_current(", "statement_timestamp("};
    char *low = strdup(d->text);
    if (!low) util_oom();
    for (char *p = low; *p; p++) *p = (char)tolower((unsigned char)*p);
    bool v = false;
    for (size_t i = 0; !v && i < sizeof F / sizeof *F; i++) v = strstr(low, F[i]) != NULL;
    free(low);
    return v;
}

static const char *col_name(const op *o) {
    if (o->column && o->column->name) return o->column->name;
    return o->old_name ? o->old_name : "?";
}

static void lint_alter(linter *L, const op *o) {
    const char *t = o->table_name, *c = col_name(o);
    bool old = existing(L, t);
    if ((o->alter & ALTER_NULLABLE) && o->column && !o->column->nullable && old) {
        add(L, o, LINT_SET_NOT_NULL,
            "fill the NULLs first (an UPDATE in this migration or an earlier one), or keep the column nullable",
            "%s.%s becomes NOT NULL: the migration fails on the first row where it is NULL", t, c);
        if (pg(L))
            add(L, o, LINT_SET_NOT_NULL_SCAN,
                "add CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration, then SET "
                "NOT NULL (PostgreSQL 12+ uses the valid check and skips the scan)",
                "SET NOT NULL on %s.%s reads the whole table under an ACCESS EXCLUSIVE lock: reads and writes of "
                "%s wait for it", t, c, t);
    }
    if ((o->alter & ALTER_TYPE) && o->column) {
        const col_type *to = &o->column->type;
        const col_type *from = o->old_column ? &o->old_column->type : NULL;
        if (from && old && narrower(from, to))
            add(L, o, LINT_NARROW_TYPE,
                "check the longest / largest value first (SELECT max(length(...)) ...), or keep the wider type",
                "%s.%s changes from %s to %s: the migration fails (PostgreSQL) or keeps values that do not fit "
                "(SQLite) where a row holds one", t, c, type_text(L, from), col_type_to_string(L->a, to));
        if (pg(L) && old && !(from && pg_type_change_in_place(from, to)))
            add(L, o, LINT_ALTER_TYPE_REWRITE,
                "add a new column of the new type, backfill it in batches, then switch over in a later migration",
                "the type change of %s.%s %s the whole table under an ACCESS EXCLUSIVE lock: reads and writes wait "
                "until it ends", t, c,
                from && type_known(from) ? "rewrites (or rechecks)" : "may rewrite (the file gives no existing_type)");
    }
}

/* Is table t still there once ops[i+1..n) have run (not dropped later in
** the migration, under its name or one a rename gives it)? */
static bool table_stays(const linter *L, size_t i, const char *t) {
    const char *cur = t;
    for (size_t k = i + 1; cur && k < L->n; k++) {
        const op *o = &L->ops[k];
        if (o->kind == OP_RENAME_TABLE && o->old_name && !strcmp(o->old_name, cur)) cur = o->new_name;
        else if (o->kind == OP_DROP_TABLE && o->table_name && !strcmp(o->table_name, cur)) return false;
    }
    return cur != NULL;
}

/* compat/drop-column-without-deprecation: the column goes in the same
** release as the code that stops using it.  Whichever runs first, the
** migration or the new code, the other side is wrong for a while: the old
** code still reads and writes the column after the migration; and when the
** column is NOT NULL without a default (known for ops from the differ; a
** file's drop_column names the column only), new code deployed before the
** migration cannot insert a row. */
static void lint_drop_column_compat(linter *L, const op *o) {
    const char *t = o->table_name, *c = col_name(o);
    bool strict = o->loc.line == 0 && o->column && !o->column->nullable &&
                  o->column->server_default.kind == DEFAULT_NONE && !o->column->generated &&
                  !o->column->generated_identity;
    add(L, o, LINT_DROP_COLUMN_NO_DEPRECATION,
        strict ? "deprecate it first: in one release make it nullable (or give it a server default) and stop "
                 "using it in the code, then drop it in a later release"
               : "deprecate it first: release code that no longer reads or writes it (and, if it is NOT NULL "
                 "without a default, a migration making it nullable), then drop it in a later release",
        "column %s.%s is dropped in one step: the application version still running during the deploy reads or "
        "writes it and fails%s", t, c,
        strict ? "; and as it is NOT NULL without a default, code that no longer sets it cannot insert rows "
                 "before the migration runs"
               : "");
}

void lint_ops(const op *ops, size_t n, const lint_context *ctx, lint_findings *out, diag_list *dl) {
    linter L = {.ctx = ctx, .out = out, .dl = dl, .a = arena_new(), .ops = ops, .n = n};
    L.created = strmap_new(L.a);
    check_allow_comments(&L);
    const batch_block *rebuilt_block = NULL;   /* file ops: the last block reported */
    const char *rebuilt_table = NULL;          /* differ ops: the table of the last block reported */
    for (size_t i = 0; i < n; i++) {
        const op *o = &ops[i];
        const char *t = o->table_name;
        bool old = existing(&L, t);
        switch (o->kind) {
        case OP_CREATE_TABLE:
            if (t) strmap_put(L.created, t, (void *)o);
            break;
        case OP_RENAME_TABLE:
            if (o->old_name && strmap_get(L.created, o->old_name)) {
                if (o->new_name) strmap_put(L.created, o->new_name, (void *)o);
                break;
            }
            add(&L, o, LINT_RENAME_TABLE,
                "create the new table (or a view named like the old one) and move the application first, or rename "
                "in a release where no running code uses the old name",
                "table %s becomes %s: the application version still running during the deploy queries %s and fails",
                o->old_name, o->new_name, o->old_name);
            break;
        case OP_SET_TABLE_SCHEMA:
            /* a move is a rename for the code that names the table */
            add(&L, o, LINT_RENAME_TABLE,
                "move the application to the new place first (a view named like the old table can bridge the "
                "deploy), or move it in a release where no running code uses the old place",
                "table %s moves to schema %s: the application version still running during the deploy queries %s "
                "and fails", qualified_name(L.a, o->old_schema ? o->old_schema : o->default_schema, o->table_name),
                o->schema ? o->schema : o->default_schema,
                qualified_name(L.a, o->old_schema ? o->old_schema : o->default_schema, o->table_name));
            break;
        case OP_DROP_TABLE:
            if (!old) break;
            add(&L, o, LINT_DROP_TABLE, "take a backup, stop the application using it first, and drop it in a "
                                        "later release",
                "table %s is dropped with all its rows: they are gone once the migration commits (a downgrade "
                "re-creates it empty)", t);
            break;
        case OP_DROP_COLUMN:
            if (!old) break;
            add(&L, o, LINT_DROP_COLUMN,
                "stop the application using it first (deploy that), then drop it in a later migration; if it was "
                "renamed in the models, say so with @renamed_from",
                "column %s.%s is dropped with its values: they are gone once the migration commits (a downgrade "
                "adds it back empty)", t, col_name(o));
            if (table_stays(&L, i, t)) lint_drop_column_compat(&L, o);
            break;
        case OP_ADD_COLUMN:
            if (!old || !o->column) break;
            if (!o->column->nullable && o->column->server_default.kind == DEFAULT_NONE &&
                !o->column->generated_identity && !o->column->generated)
                add(&L, o, LINT_ADD_NOT_NULL_NO_DEFAULT,
                    "give it a server default (@default(...)), or add it nullable, fill it, then make it NOT NULL",
                    "NOT NULL column %s.%s is added without a default: the migration fails on a table that has rows",
                    t, o->column->name);
            if (pg(&L) && (volatile_default(&o->column->server_default) ||
                           (o->column->generated && o->column->generated_stored)))
                add(&L, o, LINT_ADD_COLUMN_VOLATILE_DEFAULT,
                    "add the column without the default, set the default after, and backfill the rows in batches",
                    "column %s.%s has a volatile default: PostgreSQL computes it for every row, rewriting %s under "
                    "an ACCESS EXCLUSIVE lock", t, o->column->name, t);
            break;
        case OP_ALTER_COLUMN: lint_alter(&L, o); break;
        case OP_RENAME_COLUMN:
            if (!old) break;
            add(&L, o, LINT_RENAME_COLUMN,
                "add the new column, write both from the application, backfill, and drop the old one in a later "
                "release",
                "column %s.%s becomes %s: the application version still running during the deploy uses %s and fails",
                t, o->old_name, o->new_name, o->old_name);
            break;
        case OP_CREATE_INDEX:
            if (!old || !o->index) break;
            if (o->index->unique)
                add(&L, o, LINT_ADD_UNIQUE, "remove the duplicates first (SELECT ... GROUP BY ... HAVING count(*) > 1)",
                    "unique index %s on %s: the migration fails where rows already share a value", o->index->name, t);
            if (pg(&L) && !o->concurrently)
                add(&L, o, LINT_CREATE_INDEX_NOT_CONCURRENTLY,
                    "build it concurrently: op.create_index(..., postgresql_concurrently=True) inside "
                    "`with op.get_context().autocommit_block():`",
                    "index %s is built without CONCURRENTLY: writes to %s wait until the whole table is indexed",
                    o->index->name, t);
            break;
        case OP_ADD_UNIQUE:
            if (!old) break;
            add(&L, o, LINT_ADD_UNIQUE, "remove the duplicates first (SELECT ... GROUP BY ... HAVING count(*) > 1)",
                "unique constraint %s on %s: the migration fails where rows already share a value",
                o->unique && o->unique->name ? o->unique->name : "(unnamed)", t);
            if (pg(&L))
                add(&L, o, LINT_ADD_UNIQUE_CONSTRAINT,
                    "CREATE UNIQUE INDEX CONCURRENTLY first (autocommit block), then ALTER TABLE ... ADD CONSTRAINT "
                    "... UNIQUE USING INDEX",
                    "the unique constraint builds its index under an ACCESS EXCLUSIVE lock: reads and writes of %s "
                    "wait until it is built", t);
            break;
        case OP_ADD_CHECK:
            if (!old) break;
            add(&L, o, LINT_ADD_CHECK,
                "fix the rows first; on PostgreSQL add it NOT VALID and VALIDATE CONSTRAINT it in a later migration",
                "check constraint %s on %s: the migration fails where a row breaks it%s",
                o->check && o->check->name ? o->check->name : "(unnamed)", t,
                pg(&L) ? ", and every row is read under an ACCESS EXCLUSIVE lock" : "");
            break;
        case OP_ADD_FOREIGN_KEY:
            if (!old || !pg(&L)) break;
            add(&L, o, LINT_ADD_FOREIGN_KEY_VALIDATING,
                "add it NOT VALID (op.execute(\"ALTER TABLE ... ADD CONSTRAINT ... NOT VALID\")), then VALIDATE "
                "CONSTRAINT in a later migration, which takes a weaker lock",
                "foreign key %s on %s is validated as it is added: %s and the table it references are locked "
                "against writes while every row is checked",
                o->fk && o->fk->name ? o->fk->name : "(unnamed)", t, t);
            break;
        case OP_ALTER_ENUM: {
            if (!o->old_enumeration || !o->enumeration) break;
            enum_change_plan plan;
            enum_change_plan_of(L.a, o->old_enumeration, o->enumeration, &plan);
            if (!plan.removed.len) break;
            add(&L, o, LINT_DROP_ENUM_VALUE,
                "move the rows to another label first (UPDATE ... SET col = 'other' WHERE col = '...'), in this "
                "migration or an earlier one",
                "enum type %s loses %s: the type is rebuilt and the migration fails on a row that holds %s",
                o->enumeration->name, str_vec_join(L.a, &plan.removed, ", "),
                plan.removed.len == 1 ? "it" : "one of them");
            break;
        }
        default: break;
        }

        /* SQLite: what a move-and-copy costs, and what Alembic refuses
        ** outside a batch block. */
        if (!sqlite(&L) || op_kind_info_of(o->kind)->scope != OP_SCOPE_TABLE || !old) continue;
        bool from_file = o->loc.line > 0;
        bool in_batch = from_file ? o->batch != NULL : ctx->batch;
        bool recreate;
        if (in_batch && o->batch && o->batch->recreate && !strcmp(o->batch->recreate, "always")) recreate = true;
        else if (in_batch && o->batch && o->batch->recreate && !strcmp(o->batch->recreate, "never")) recreate = false;
        else recreate = sql_sqlite_needs_recreate(o, in_batch);
        if (!in_batch && sql_sqlite_needs_recreate(o, false))
            add(&L, o, LINT_NON_BATCH_ALTER,
                "put it in a `with op.batch_alter_table(...) as batch_op:` block ([retort] render_as_batch = true)",
                "Alembic cannot %s on SQLite outside batch_alter_table: python3 -m alembic fails here (retort's "
                "runner moves and copies the table instead)", op_kind_info_of(o->kind)->what);
        if (!recreate) continue;
        if (in_batch) {
            if (from_file ? o->batch == rebuilt_block : (rebuilt_table && t && !strcmp(rebuilt_table, t) && i > 0 &&
                                                        ops[i - 1].table_name && !strcmp(ops[i - 1].table_name, t)))
                continue;
            rebuilt_block = o->batch;
            rebuilt_table = t;
        }
        add(&L, o, LINT_TABLE_REBUILD,
            "expected on SQLite; on a large table run it when writes can wait, and keep the backup retort takes",
            "SQLite cannot %s in place: table %s is created anew and every row copied, in time proportional to its "
            "rows, holding the write lock", op_kind_info_of(o->kind)->what, t);
    }
    arena_free(L.a);
}
