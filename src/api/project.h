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
};

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

/* Write a new revision file, as `revision` and `merge` do: the file name
** from file_template (ro->message gives the slug, ro->create_date the date
** unless NULL: now), refused when it exists, ops rendered by render_python
** (ops may be NULL: empty upgrade() and downgrade()) and written
** atomically.  *path_out is the path written (in arena a). */
retort_status project_write_revision(retort_project *p, arena *a, const migration_ops *ops, render_options ro,
                                     const char **path_out);

#endif
