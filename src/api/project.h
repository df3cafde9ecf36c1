/*
** project.h — what a retort_project is, for the files of src/api/ only.
*/
#ifndef RETORT_API_PROJECT_H
#define RETORT_API_PROJECT_H

#include "retort.h"
#include "render/render.h"
#include "script/script.h"

struct retort_project {
    retort_config *config;
    diag_list diags;
    /* retort_set_progress: the lines Alembic prints as it goes. */
    void (*progress)(void *ctx, const char *line);
    void *progress_ctx;
};

/* A line for the progress callback, if one is set. */
void project_progress(retort_project *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An error of the project (no file location) with a hint (or NULL). */
diag *project_error(retort_project *p, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The models folder a command reads: `option` (--models, relative to the
** current folder) when given, else [retort] models of alembic.ini.  With
** must_exist, a folder that is missing (or is not a folder) is refused here,
** with a hint naming `command` (e.g. "retort diff"), which takes --models;
** *out is NULL then. */
retort_status project_models_dir(retort_project *p, const char *option, const char *command, bool must_exist,
                                 const char **out);

/* What introspection reads, from [retort]: exclude_tables, and the
** PostgreSQL schemas besides [retort] schema: include_schemas when given,
** else those the models name (wanted; NULL when no models are read). */
struct introspect_options;
void project_introspect_options(const retort_project *p, const schema *wanted, struct introspect_options *out);

/* The lint settings of [retort] (lint_error, lint_warning, lint_ignore,
** refuse_unacknowledged) over the defaults; an unknown rule id is a
** located error (RETORT_ECONFIG). */
struct lint_config;
retort_status project_lint_config(retort_project *p, struct lint_config *out);

/* The ops of a diff as a pull-request comment (retort diff --format
** markdown, review.c): per table its changes and their lint findings, then
** the SQL for each backend (d's first) in <details> blocks.  current: the
** database's schema; batch: render_as_batch.  malloc'd. */
struct lint_findings;
void review_sections(strbuf *sb, const op *ops, size_t n, const struct lint_findings *fs);
char *review_markdown(const migration_ops *m, const schema *current, const dialect *d, bool batch,
                      const struct lint_config *lc);

/* retort_check with the database of c (p->config, or verify's scratch
** database), retort.c. */
retort_status project_check(retort_project *p, const retort_config *c, const retort_check_options *opt, char **out,
                            size_t *operations);

/* retort.sum (script.h) before a command goes on: script_sum_verify, with
** note_absent for check and lint.  RETORT_EREVISIONS when it fails, with a
** last error saying that `command` did nothing. */
retort_status project_sum_verify(retort_project *p, const char *command, bool note_absent);

/* What a new revision file is, for project_write_revision. */
typedef struct revision_write {
    render_options ro;              /* ro.message: the docstring ("empty message"
                                    ** when no -m was given, as Alembic) */
    const char *slug_message;       /* the -m given, or NULL: the slug is empty */
    const char *version_path;       /* --version-path, or NULL */
    str_vec parent_paths;           /* the files of the parents (none for base) */
} revision_write;

/* Write a new revision file, as `revision` and `merge` do (Alembic's
** generate_revision): the folder (--version-path, which must be one of the
** version locations; else with several locations the folder of the first
** parent, or, for a new root, an error; else the versions folder), created
** when missing; the file name from file_template (ro.create_date the date
** unless NULL: now), refused when it exists; ops rendered by render_python
** (ops may be NULL: empty upgrade() and downgrade()), in output_encoding,
** written atomically; then the post-write hooks, in order.  *path_out is
** the path written (in arena a), set as soon as the file exists, even when
** a hook then fails (the file stays, as in Alembic).  Then the retort.sum
** of each versions folder that has one is written anew, listing the file
** (as the hooks left it); the caller verified the sums before
** (project_sum_verify), so nothing else changes in them. */
retort_status project_write_revision(retort_project *p, arena *a, const migration_ops *ops, const revision_write *w,
                                     const char **path_out);

#endif
