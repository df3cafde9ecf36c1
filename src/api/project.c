/*
** project.c — what the files of src/api/ share about a project.
*/
#include "api/project.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

diag *project_error(retort_project *p, const char *hint, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(p->diags.arena, fmt, ap);
    va_end(ap);
    diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){0}, "%s", msg);
    if (hint) diag_set_hint(&p->diags, d, "%s", hint);
    return d;
}

retort_status project_models_dir(retort_project *p, const char *option, const char *command, bool must_exist,
                                 const char **out) {
    const char *dir = option && *option ? option : p->config->models_dir;
    *out = NULL;
    struct stat st;
    bool found = stat(dir, &st) == 0;
    int err = errno;
    if (must_exist && (!found || !S_ISDIR(st.st_mode))) {
        const char *why = found ? "is not a folder"
                          : err == ENOENT || err == ENOTDIR ? "does not exist"
                                                            : arena_printf(p->diags.arena, "cannot be read: %s", strerror(err));
        diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){dir, 0, 0}, "the models folder %s (%s)", why,
                           option && *option ? "given with --models" : "[retort] models in alembic.ini");
        if (option && *option)
            diag_set_hint(&p->diags, d, "give the folder that holds the *.model files: %s --models DIR", command);
        else
            diag_set_hint(&p->diags, d,
                          "create it, set models in the [retort] section of %s, or give the folder with "
                          "%s --models DIR",
                          p->config->ini_path, command);
        return RETORT_EMODEL;
    }
    *out = dir;
    return RETORT_OK;
}

retort_status project_write_revision(retort_project *p, arena *a, const migration_ops *ops, render_options ro,
                                     const char **path_out) {
    retort_config *c = p->config;
    *path_out = NULL;
    struct tm when;
    time_t epoch;
    const char *date = revision_create_date(a, c->timezone, &when, &epoch);
    if (!ro.create_date) ro.create_date = date;
    const char *slug = revision_slug(a, ro.message, c->truncate_slug_length);
    const char *name = revision_file_name(a, c->file_template, ro.revision, slug, &when, epoch);
    const char *path = arena_printf(a, "%s/%s.py", c->versions_dir, name);
    struct stat st;
    if (stat(path, &st) == 0) {
        project_error(p, "nothing was written; choose another message or --rev-id", "'%s' already exists", path);
        return RETORT_EIO;
    }
    migration_ops none = {0};
    char *text = render_python(ops ? ops : &none, &ro);
    int rc = write_file_atomic(path, text, strlen(text));
    int err = errno;
    free(text);
    if (rc != 0) {
        diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){path, 0, 0}, "cannot write the revision file: %s",
                           strerror(err));
        diag_set_hint(&p->diags, d, "nothing was written; check that the versions folder exists and is writable");
        return RETORT_EIO;
    }
    *path_out = path;
    return RETORT_OK;
}
