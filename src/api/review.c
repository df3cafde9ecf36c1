/*
** review.c — a migration as a pull-request comment (retort diff --format
** markdown): per table what changes and the lint findings about it, then
** the SQL for each backend, each in a collapsible <details> block.
*/
#include "api/project.h"

#include "lint/lint.h"
#include "render/sql.h"

#include <stdlib.h>
#include <string.h>

/* Markdown inline text: no raw table pipes or line breaks, HTML-ish
** characters escaped (GitHub renders HTML in comments). */
static void md_text(strbuf *sb, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '|': sb_append(sb, "\\|"); break;
        case '<': sb_append(sb, "&lt;"); break;
        case '>': sb_append(sb, "&gt;"); break;
        case '&': sb_append(sb, "&amp;"); break;
        case '\n': sb_append(sb, " "); break;
        case '\r': break;
        default: sb_appendc(sb, *s);
        }
    }
}

/* The ops as the generated file groups them: with render_as_batch on
** SQLite, the consecutive table ops of one table in one batch block, so
** that the SQL shown is the move-and-copy that file does. */
static op *batched_copy(arena *a, const op *ops, size_t n) {
    op *c = arena_alloc(a, (n ? n : 1) * sizeof *c);
    const batch_block *cur = NULL;
    for (size_t i = 0; i < n; i++) {
        c[i] = ops[i];
        if (op_kind_info_of(ops[i].kind)->scope != OP_SCOPE_TABLE || !ops[i].table_name) {
            cur = NULL;
            continue;
        }
        if (!cur || !i || !c[i - 1].batch || strcmp(cur->table_name, ops[i].table_name)) {
            batch_block *b = arena_alloc(a, sizeof *b);
            b->table_name = ops[i].table_name;
            cur = b;
        }
        c[i].batch = cur;
    }
    return c;
}

static void sql_block(strbuf *sb, arena *a, const op *ops, size_t n, const dialect *d, bool batch,
                      const schema *current, bool the_database) {
    sql_statements stmts = {0};
    diag_list dl;
    diag_list_init(&dl);
    const op *use = d->kind == DIALECT_SQLITE && batch ? batched_copy(a, ops, n) : ops;
    int rc = render_sql(use, n, d, current, a, &stmts, &dl);
    sb_printf(sb, "<details>\n<summary>SQL for %s%s</summary>\n\n", d->kind == DIALECT_SQLITE ? "SQLite" : "PostgreSQL",
              the_database ? " (the database)" : "");
    if (rc != 0) {
        const char *why = "retort cannot write it";
        for (size_t i = 0; i < dl.items.len; i++)
            if (dl.items.items[i].severity == DIAG_ERROR) {
                why = arena_strdup(a, dl.items.items[i].message);
                break;
            }
        sb_append(sb, "Not written: ");
        md_text(sb, why);
        sb_append(sb, "\n\n</details>\n\n");
    } else {
        sb_append(sb, "```sql\n");
        for (size_t i = 0; i < stmts.len; i++) {
            /* a statement that runs outside the transaction says so */
            if (stmts.items[i].autocommit) sb_append(sb, "-- outside the transaction\n");
            /* no line of the SQL may close the fence */
            const char *t = stmts.items[i].text;
            for (const char *p = t; *p; p++) {
                if ((p == t || p[-1] == '\n') && !strncmp(p, "```", 3)) sb_appendc(sb, ' ');
                sb_appendc(sb, *p);
            }
            sb_append(sb, ";\n");
        }
        sb_append(sb, "```\n\n</details>\n\n");
    }
    diag_list_free(&dl);
}

static void finding_rows(strbuf *sb, const lint_findings *fs, const op *ops, const char *table, bool *header) {
    for (size_t k = 0; k < fs->items.len; k++) {
        const lint_finding *f = &fs->items.items[k];
        const char *t = ops[f->op_index].table_name;
        if (table ? !(t && !strcmp(t, table)) : t != NULL) continue;
        if (!*header) {
            sb_append(sb, "\n| Severity | Rule | What happens | What to do |\n|---|---|---|---|\n");
            *header = true;
        }
        sb_printf(sb, "| %s%s | `%s` | ", f->severity == LINT_ERROR ? "**error**" : lint_severity_name(f->severity),
                  f->acknowledged ? " (acknowledged)" : "", f->rule_id);
        if (f->loc.line > 0) sb_printf(sb, "line %d: ", f->loc.line);
        md_text(sb, f->message);
        sb_append(sb, " | ");
        md_text(sb, f->hint);
        sb_append(sb, " |\n");
    }
}

/* Per table (in the order of its first op) its changes and the findings
** about its ops; ops on no table last.  Starts with the counts line. */
void review_sections(strbuf *sb, const op *ops, size_t n, const lint_findings *fs) {
    arena *a = arena_new();
    /* the tables, in the order their first op comes */
    str_vec tables = {0};
    bool untabled = false;
    for (size_t i = 0; i < n; i++) {
        const char *t = ops[i].table_name;
        if (!t) { untabled = true; continue; }
        bool seen = false;
        for (size_t k = 0; k < tables.len && !seen; k++) seen = !strcmp(tables.items[k], t);
        if (!seen) vec_push(a, &tables, t);
    }
    size_t errors = lint_findings_errors(fs);
    sb_printf(sb, "%zu change%s on %zu table%s; %zu lint finding%s", n, n == 1 ? "" : "s", tables.len,
              tables.len == 1 ? "" : "s", fs->items.len, fs->items.len == 1 ? "" : "s");
    if (errors) sb_printf(sb, ", **%zu unacknowledged error%s**", errors, errors == 1 ? "" : "s");
    sb_append(sb, " (rules: docs/lint.md).\n");

    for (size_t k = 0; k <= tables.len; k++) {
        const char *t = k < tables.len ? tables.items[k] : NULL;
        if (!t && !untabled) break;
        sb_append(sb, "\n### ");
        if (t) {
            sb_append(sb, "Table `");
            md_text(sb, t);
            sb_append(sb, "`\n\n");
        } else {
            sb_append(sb, "Types and other changes\n\n");
        }
        for (size_t i = 0; i < n; i++) {
            const char *ot = ops[i].table_name;
            if (t ? !(ot && !strcmp(ot, t)) : ot != NULL) continue;
            /* op_describe may give several lines (an alter of several attributes) */
            const char *desc = op_describe(a, &ops[i]);
            for (const char *p = desc; *p;) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                sb_append(sb, "- ");
                md_text(sb, arena_strndup(a, p, len));
                sb_appendc(sb, '\n');
                if (!nl) break;
                p = nl + 1;
            }
        }
        bool header = false;
        finding_rows(sb, fs, ops, t, &header);
    }
    arena_free(a);
}

char *review_markdown(const migration_ops *m, const schema *current, const dialect *d, bool batch,
                      const lint_config *lc) {
    strbuf sb = STRBUF_INIT;
    arena *a = arena_new();
    const op *ops = m->ops.items;
    size_t n = m->ops.len;
    sb_append(&sb, "## Migration summary\n\n");
    if (!n) {
        sb_append(&sb, "No changes detected.\n");
        arena_free(a);
        return sb_take(&sb);
    }
    lint_findings *fs = lint_findings_new();
    diag_list dl;
    diag_list_init(&dl);
    lint_context ctx = {.dialect = d, .batch = batch, .config = lc};
    lint_ops(ops, n, &ctx, fs, &dl);
    diag_list_free(&dl);

    review_sections(&sb, ops, n, fs);
    sb_append(&sb, "\n");
    /* the database's backend first */
    const dialect *other = d->kind == DIALECT_SQLITE ? dialect_postgresql() : dialect_sqlite();
    sql_block(&sb, a, ops, n, d, batch, current, true);
    sql_block(&sb, a, ops, n, other, batch, current, false);
    lint_findings_free(fs);
    arena_free(a);
    return sb_take(&sb);
}
