/*
** run.c — the public API for running migrations (retort_upgrade,
** retort_downgrade): a thin layer over runner.h.
*/
#include "api/project.h"
#include "lint/lint.h"
#include "runner/runner.h"

#include <stdlib.h>
#include <string.h>

typedef struct sql_sink {
    FILE *out;
} sql_sink;

static void write_sql(void *ctx, const char *line) {
    sql_sink *s = ctx;
    fprintf(s->out, "%s\n", line);
}

static retort_status run(retort_project *p, bool upgrade, const retort_run_options *opt, retort_run_result *out) {
    memset(out, 0, sizeof *out);
    if (!p->config) return RETORT_ECONFIG;
    sql_sink sink = {opt->sql_out ? opt->sql_out : stdout};
    run_options ro = {
        .upgrade = upgrade,
        .target = opt->target ? opt->target : (upgrade ? "head" : "-1"),
        .sql = opt->sql,
        .transaction_per_migration = opt->transaction_per_migration,
        .backup = !opt->no_backup,
        .lock_timeout_ms = opt->lock_timeout_ms > 0 ? opt->lock_timeout_ms : 60000,
        .alembic_fallback = opt->alembic_fallback,
        .emit = opt->sql ? write_sql : opt->progress,
        .emit_ctx = opt->sql ? (void *)&sink : opt->progress_ctx,
    };
    lint_config lc;
    if (upgrade && p->config->refuse_unacknowledged) {
        retort_status lrc = project_lint_config(p, &lc);
        if (lrc != RETORT_OK) return lrc;
        ro.refuse = &lc;
    }
    /* What runs is what was reviewed: the versions folder must match its
    ** retort.sum (with --sql too). */
    retort_status src = project_sum_verify(p, upgrade ? "retort upgrade" : "retort downgrade", false);
    if (src != RETORT_OK) return src;
    arena *a = arena_new();
    run_result res;
    int rc = runner_run(p->config, &ro, a, &res, &p->diags);
    out->migrations = res.steps;
    out->backup_path = res.backup_path ? strdup(res.backup_path) : NULL;
    arena_free(a);
    return rc == 0 ? RETORT_OK : RETORT_ERROR;
}

retort_status retort_upgrade(retort_project *p, const retort_run_options *opt, retort_run_result *out) {
    return run(p, true, opt, out);
}

retort_status retort_downgrade(retort_project *p, const retort_run_options *opt, retort_run_result *out) {
    return run(p, false, opt, out);
}

void retort_run_result_free(retort_run_result *r) {
    free(r->backup_path);
    memset(r, 0, sizeof *r);
}
