/*
** lint.c (api) — retort_lint: the revisions of a range, read by the
** migration reader, linted (src/lint/); and the [retort] lint settings.
*/
#include "api/project.h"
#include "db/db.h"
#include "lint/lint.h"
#include "migration/migration.h"
#include "script/graph.h"

#include <stdlib.h>
#include <string.h>

retort_status project_lint_config(retort_project *p, lint_config *out) {
    lint_config_init(out);
    const retort_config *c = p->config;
    int rc = 0;
    if (c->lint_warning)
        rc |= lint_config_apply(out, c->lint_warning, c->lint_warning_loc, LINT_WARNING, false, &p->diags);
    if (c->lint_error) rc |= lint_config_apply(out, c->lint_error, c->lint_error_loc, LINT_ERROR, false, &p->diags);
    if (c->lint_ignore) rc |= lint_config_apply(out, c->lint_ignore, c->lint_ignore_loc, LINT_OFF, false, &p->diags);
    if (c->refuse_unacknowledged)
        rc |= lint_config_apply(out, c->refuse_unacknowledged, c->refuse_unacknowledged_loc, LINT_ERROR, true,
                                &p->diags);
    return rc ? RETORT_ECONFIG : RETORT_OK;
}

/* The revisions to lint, oldest first. */
static retort_status lint_nodes(retort_project *p, const revision_graph *g, const char *range, const dialect *d,
                                arena *a, node_vec *out) {
    const retort_config *c = p->config;
    if (range) {
        const char *colon = strchr(range, ':');
        if (!colon) {
            revision_node *n = graph_find(g, range, &p->diags);
            if (!n) return RETORT_ERROR;
            vec_push(a, out, n);
            return RETORT_OK;
        }
        const char *base = colon == range ? NULL : arena_strndup(a, range, (size_t)(colon - range));
        const char *head = colon[1] ? colon + 1 : NULL;
        node_vec walk = {0};
        if (graph_walk_range(g, base, NULL, head, NULL, &walk, &p->diags) != 0) return RETORT_ERROR;
        for (size_t i = walk.len; i-- > 0;) vec_push(a, out, walk.items[i]);
        return RETORT_OK;
    }
    /* Default: what the database has not applied. */
    str_vec current = {0};
    bool all = !c->url || (d->kind == DIALECT_SQLITE && db_sqlite_file_missing(c->url));
    if (!all) {
        diag_list tmp;
        diag_list_init(&tmp);
        db_conn *db = NULL;
        if (db_open_at(c->url, false,
                       &(db_place){c->pg_schema, c->version_table, c->version_table_schema, c->checksum_table}, &db,
                       &tmp) != 0 ||
            db_current_revisions(db, a, &current, &tmp) != 0) {
            const char *why = tmp.items.len ? tmp.items.items[0].message : "cannot connect";
            diag *n = diag_add(&p->diags, DIAG_NOTE, (src_loc){0},
                               "the database cannot be read (%s): linting every revision", why);
            diag_set_hint(&p->diags, n, "name the revisions to lint: retort lint FROM:TO (e.g. retort lint heads, "
                                        "or retort lint base:heads)");
            current.len = 0;
            all = true;
        }
        db_close(db);
        diag_list_free(&tmp);
    }
    migration_plan plan = {0};
    if (graph_plan_upgrade(g, all ? &(str_vec){0} : &current, "heads", &plan, &p->diags) != 0) return RETORT_ERROR;
    for (size_t i = 0; i < plan.len; i++)
        if (plan.items[i].node) vec_push(a, out, plan.items[i].node);
    return RETORT_OK;
}

/* The upgrade ops of h's file as the migration reader reads them on dialect
** d, or NULL with the reader's first error in *first (a copy in a; NULL
** when it gave none).  The reader's other diagnostics go to dl. */
static migration_ops *read_upgrade(retort_project *p, const revision_header *h, const dialect *d, arena *a,
                                   migration_file **mf, diag **first, diag_list *dl) {
    migration_ops *ops = NULL;
    diag_list mine;
    diag_list_init(&mine);
    *first = NULL;
    if (migration_parse_file(a, h->path, mf, &mine) != 0 ||
        migration_file_ops(*mf, MIGRATE_UPGRADE, d, p->config->pg_schema, &ops, &mine) != 0) {
        for (size_t k = 0; k < mine.items.len && !*first; k++)
            if (mine.items.items[k].severity == DIAG_ERROR) {
                *first = arena_alloc(a, sizeof **first);
                **first = mine.items.items[k];
                (*first)->message = arena_strdup(a, mine.items.items[k].message);
                (*first)->source_line = arena_strdup(a, mine.items.items[k].source_line);
                (*first)->loc.file = arena_strdup(a, mine.items.items[k].loc.file);
                (*first)->hint = NULL;      /* (it lived in mine) */
            }
        diag_list_free(&mine);
        return NULL;
    }
    if (dl) diag_list_append(dl, &mine);
    diag_list_free(&mine);
    return ops;
}

retort_status retort_lint(retort_project *p, const retort_lint_options *opt, retort_lint_result *out) {
    memset(out, 0, sizeof *out);
    if (!p->config) return RETORT_ECONFIG;
    retort_lint_options defaults = RETORT_LINT_OPTIONS_INIT;
    if (!opt) opt = &defaults;
    int fmt = lint_format_find(opt->format ? opt->format : "text");
    if (fmt < 0) {
        project_error(p, "use text, json, github, markdown or sarif", "unknown lint format '%s'", opt->format);
        return RETORT_ERROR;
    }
    lint_config lc;
    retort_status rc = project_lint_config(p, &lc);
    if (rc != RETORT_OK) return rc;
    const dialect *d = NULL;
    if (opt->dialect) {
        if (!strcmp(opt->dialect, "sqlite")) d = dialect_sqlite();
        else if (!strcmp(opt->dialect, "postgresql")) d = dialect_postgresql();
        else {
            project_error(p, "use sqlite or postgresql", "unknown dialect '%s'", opt->dialect);
            return RETORT_ERROR;
        }
    } else if (!p->config->url) {
        project_error(p, "set sqlalchemy.url (or DATABASE_URL), or say which rules apply: --dialect sqlite|postgresql",
                      "retort lint needs the database's dialect");
        return RETORT_ECONFIG;
    } else if (!(d = db_url_dialect(p->config->url, &p->diags))) {
        return RETORT_ECONFIG;
    }
    /* The files linted must be the files reviewed: a mismatch with
    ** retort.sum is an error (the findings are still given), a folder
    ** without one a note. */
    bool sum_failed = script_sum_verify(p->config, true, &p->diags) != 0;
    revision_set *rs = NULL;
    revision_graph *g = NULL;
    arena *a = arena_new();
    lint_findings *fs = lint_findings_new();
    if (revisions_load_config(p->config, &rs, &p->diags) != 0 || graph_build(rs, &g, &p->diags) != 0) {
        rc = RETORT_EREVISIONS;
        goto done;
    }
    node_vec nodes = {0};
    if ((rc = lint_nodes(p, g, opt->range, d, a, &nodes)) != RETORT_OK) goto done;
    for (size_t i = 0; i < nodes.len; i++) {
        const revision_header *h = nodes.items[i]->header;
        migration_file *mf = NULL;
        diag *first;
        migration_ops *ops = read_upgrade(p, h, d, a, &mf, &first, &p->diags);
        if (!ops) {
            diag *w = diag_add(&p->diags, DIAG_WARNING, first ? first->loc : (src_loc){h->path, 0, 0},
                               "revision %s is not linted: %s", h->revision,
                               first ? first->message : "retort cannot read it");
            if (first) {
                w->span = first->span;
                if (first->source_line) w->source_line = arena_strdup(p->diags.arena, first->source_line);
            }
            diag_set_hint(&p->diags, w, "review it by hand; retort lints what its migration reader reads "
                                        "(docs/migration-subset.md)");
            continue;
        }
        lint_context ctx = {.dialect = d, .revision = h->revision, .file = h->path, .source_text = mf->text,
                            .config = &lc};
        lint_ops(ops->ops.items, ops->ops.len, &ctx, fs, &p->diags);
        migration_ops_free(ops);
        out->revisions++;
    }
    out->findings = fs->items.len;
    out->errors = lint_findings_errors(fs);
    out->output = lint_format_findings(fs, (lint_format)fmt);
    if (sum_failed) rc = RETORT_EREVISIONS;
done:
    lint_findings_free(fs);
    graph_free(g);
    revisions_free(rs);
    arena_free(a);
    return rc;
}

void retort_lint_result_free(retort_lint_result *r) {
    free(r->output);
    memset(r, 0, sizeof *r);
}

/* ------------------------------------------------ show REV --format markdown */

/* The SQL `retort upgrade --sql FROM:TO` prints for one revision, or NULL
** with why (a merge point: no one FROM). */
/* The SQL of h's upgrade on backend d, as `retort upgrade --sql
** <parent>:<rev>` writes it offline (no database is opened; the URL of
** the other backend is a stand-in, which offline mode never connects to). */
static char *offline_sql(retort_project *p, const revision_header *h, const dialect *d, arena *a, const char **why) {
    if (h->down_revisions.len > 1) {
        *why = "a merge point: run retort upgrade --sql with the parent the database is at";
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) util_oom();
    retort_run_options o = RETORT_RUN_OPTIONS_INIT;
    o.sql = true;
    o.sql_out = f;
    o.target = arena_printf(a, "%s:%s", h->down_revisions.len ? h->down_revisions.items[0] : "base", h->revision);
    retort_run_result res = {0};
    size_t before = p->diags.items.len;
    const char *url = p->config->url;
    const dialect *own = url ? dialect_for_url(url) : NULL;
    if (own && own->kind != d->kind)
        p->config->url = d->kind == DIALECT_SQLITE ? "sqlite:///retort-show-offline.db" : "postgresql:///retort-show-offline";
    retort_status rc = retort_upgrade(p, &o, &res);
    p->config->url = url;
    retort_run_result_free(&res);
    fclose(f);
    if (rc != RETORT_OK) {
        *why = "retort cannot write it";
        for (size_t i = before; i < p->diags.items.len; i++)
            if (p->diags.items.items[i].severity == DIAG_ERROR) {
                *why = arena_strdup(a, p->diags.items.items[i].message);
                break;
            }
        p->diags.items.len = before;       /* said in the comment instead */
        free(buf);
        return NULL;
    }
    return buf;
}

retort_status retort_show_markdown(retort_project *p, const char *rev, char **out) {
    *out = NULL;
    if (!p->config) return RETORT_ECONFIG;
    lint_config lc;
    retort_status rc = project_lint_config(p, &lc);
    if (rc != RETORT_OK) return rc;
    const dialect *d = p->config->url ? db_url_dialect(p->config->url, &p->diags) : NULL;
    if (!d) {
        if (!p->config->url)
            project_error(p, "set sqlalchemy.url (or DATABASE_URL): the SQL and the rules depend on the backend",
                          "retort show --format markdown needs the database's dialect");
        return RETORT_ECONFIG;
    }
    revision_set *rs = NULL;
    revision_graph *g = NULL;
    arena *a = arena_new();
    strbuf sb = STRBUF_INIT;
    node_vec nodes = {0};
    if (revisions_load_config(p->config, &rs, &p->diags) != 0 || graph_build(rs, &g, &p->diags) != 0) {
        rc = RETORT_EREVISIONS;
        goto done;
    }
    if (graph_resolve(g, rev, &nodes, &p->diags) != 0) {
        rc = RETORT_ERROR;
        goto done;
    }
    for (size_t i = 0; i < nodes.len; i++) {
        const revision_header *h = nodes.items[i]->header;
        sb_printf(&sb, "%s## Revision `%s`", i ? "\n" : "", h->revision);
        const char *doc = h->longdoc;
        if (doc && *doc) {
            const char *nl = strchr(doc, '\n');
            sb_printf(&sb, ": %.*s", nl ? (int)(nl - doc) : (int)strlen(doc), doc);
        }
        sb_printf(&sb, "\n\nFile `%s`; down_revision %s.\n\n", h->path,
                  h->down_revisions.len ? arena_printf(a, "`%s`", str_vec_join(a, &h->down_revisions, "`, `"))
                                        : "none (a base)");
        migration_file *mf = NULL;
        diag *first;
        migration_ops *ops = read_upgrade(p, h, d, a, &mf, &first, NULL);
        if (!ops) {
            const char *why = first ? arena_printf(a, "line %d: %s", first->loc.line, first->message)
                                    : "retort cannot read it";
            sb_printf(&sb, "retort's migration reader does not read this file (%s): review it by hand.\n", why);
            continue;
        }
        lint_findings *fs = lint_findings_new();
        diag_list ld;
        diag_list_init(&ld);
        lint_context ctx = {.dialect = d, .revision = h->revision, .file = h->path, .source_text = mf->text,
                            .config = &lc};
        lint_ops(ops->ops.items, ops->ops.len, &ctx, fs, &ld);
        diag_list_free(&ld);
        if (ops->ops.len) review_sections(&sb, ops->ops.items, ops->ops.len, fs);
        else sb_append(&sb, "The upgrade does nothing.\n");
        lint_findings_free(fs);
        migration_ops_free(ops);
        /* each backend's SQL, the database's first */
        const dialect *backends[2] = {d, d->kind == DIALECT_SQLITE ? dialect_postgresql() : dialect_sqlite()};
        for (size_t k = 0; k < 2; k++) {
            const char *why = NULL;
            char *sql = offline_sql(p, h, backends[k], a, &why);
            sb_printf(&sb, "\n<details>\n<summary>SQL for %s (retort upgrade --sql)</summary>\n\n",
                      backends[k]->kind == DIALECT_SQLITE ? "SQLite" : "PostgreSQL");
            if (sql) {
                sb_append(&sb, "```sql\n");
                for (const char *q = sql; *q; q++) {
                    if ((q == sql || q[-1] == '\n') && !strncmp(q, "```", 3)) sb_appendc(&sb, ' ');
                    sb_appendc(&sb, *q);
                }
                if (*sql && sql[strlen(sql) - 1] != '\n') sb_appendc(&sb, '\n');
                sb_append(&sb, "```\n");
            } else {
                sb_printf(&sb, "Not written: %s\n", why);
            }
            sb_append(&sb, "\n</details>\n");
            free(sql);
        }
    }
    *out = sb_take(&sb);
    rc = RETORT_OK;
done:
    if (!*out) sb_free(&sb);
    graph_free(g);
    revisions_free(rs);
    arena_free(a);
    return rc;
}
