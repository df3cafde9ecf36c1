/*
** pull.c — retort_pull (include/retort.h): model files from the live
** database.
**
**   database --introspect_database--> current schema
**   current --render_model_files--> one <table>.model text per table
**   texts --model_load_sources--> the schema they declare (checked: the
**            files must load, and diff_schemas(current, declared) is what
**            `retort diff` will say after the pull: each op is a note)
**   texts --write_file_atomic--> the models folder (all files or none)
**
** Nothing is written when a file exists already (unless force: then the
** files of the pulled tables are replaced, and every other file of the
** folder is left as it is).
*/
#include "api/project.h"

#include "db/db.h"
#include "diff/diff.h"
#include "introspect/introspect.h"
#include "model/model.h"
#include "render/render.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p: 0, or -1 with errno. */
static int make_folder(arena *a, const char *dir) {
    char *path = arena_strdup(a, dir);
    for (char *s = path + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) return -1;
        *s = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) return -1;
    struct stat st;
    if (stat(path, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* dir/name, without doubling a trailing slash. */
static const char *path_in(arena *a, const char *dir, const char *name) {
    size_t n = strlen(dir);
    return arena_printf(a, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

/* Load the texts as the folder will hold them: they must load (else retort
** has a bug, and nothing is written).  *still gets what `retort diff` will
** find after the pull, one line per op. */
static retort_status check_files(retort_project *p, arena *a, const model_files *mf, const char *const *paths,
                                 const schema *current, const dialect *d, str_vec *still) {
    size_t n = mf->files.len;
    const char **texts = arena_alloc(a, (n + 1) * sizeof *texts);
    for (size_t i = 0; i < n; i++) texts[i] = mf->files.items[i].text;
    schema *declared = NULL;
    diag_list dl;
    diag_list_init(&dl);
    if (model_load_sources(paths, texts, n, p->config->pg_schema, &declared, &dl) != 0) {
        for (size_t i = 0; i < dl.items.len; i++) {
            const diag *g = &dl.items.items[i];
            diag *e = diag_add(&p->diags, g->severity, (src_loc){0}, "%s:%d:%d: %s", g->loc.file ? g->loc.file : "-",
                               g->loc.line, g->loc.column, g->message);
            if (g->source_line) diag_set_hint(&p->diags, e, "the line: %s", g->source_line);
        }
        project_error(p, "nothing was written; please report it with the output of retort inspect --json",
                      "the model files retort pull would write do not load (a bug in retort)");
        diag_list_free(&dl);
        return RETORT_ERROR;
    }
    diff_options dopt = {.dialect = d, .default_schema = p->config->pg_schema};
    migration_ops *ops = diff_schemas(current, declared, &dopt, &dl);
    if (ops)
        for (size_t i = 0; i < ops->ops.len; i++) vec_push(a, still, op_describe(a, &ops->ops.items[i]));
    migration_ops_free(ops);
    schema_free(declared);
    diag_list_free(&dl);
    return RETORT_OK;
}

static int cmp_names(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

/* The *.model files of dir that the pull does not write (read with them). */
static void note_other_files(retort_project *p, arena *a, const char *dir, const model_files *mf) {
    DIR *dh = opendir(dir);
    if (!dh) return;
    str_vec others = {0};
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 6 || e->d_name[0] == '.' || strcmp(e->d_name + len - 6, ".model")) continue;
        bool ours = false;
        for (size_t i = 0; i < mf->files.len && !ours; i++) ours = !strcmp(mf->files.items[i].file_name, e->d_name);
        if (!ours) vec_push(a, &others, arena_strdup(a, e->d_name));
    }
    closedir(dh);
    if (!others.len) return;
    qsort(others.items, others.len, sizeof *others.items, cmp_names);
    diag *d = diag_add(&p->diags, DIAG_WARNING, (src_loc){dir, 0, 0},
                       "the models folder has other model files, read together with the pulled ones: %s",
                       str_vec_join(a, &others, ", "));
    diag_set_hint(&p->diags, d, "a model or table declared twice is an error: remove the files the pull replaces, "
                                "or pull into an empty folder (--models DIR)");
}

retort_status retort_pull(retort_project *p, const retort_pull_options *opt, retort_pull_result *out) {
    memset(out, 0, sizeof *out);
    if (!p->config) return RETORT_ECONFIG;
    retort_config *c = p->config;
    bool force = opt && opt->force;
    const char *dir;
    retort_status rc = project_models_dir(p, opt ? opt->models_dir : NULL, "retort pull", false, &dir);
    if (rc != RETORT_OK) return rc;

    db_conn *db = NULL;
    schema *current = NULL;
    model_files *mf = NULL;
    arena *a = arena_new();
    rc = RETORT_EDATABASE;
    if (db_open_at(c->url, false,
                   &(db_place){c->pg_schema, c->version_table, c->version_table_schema, c->checksum_table}, &db,
                   &p->diags) != 0)
        goto done;
    introspect_options io;
    project_introspect_options(p, NULL, &io);
    if (introspect_database(db, &io, &current, &p->diags) != 0) goto done;
    const dialect *d = db->dialect;
    db_close(db);
    db = NULL;

    mf = render_model_files(current, d);
    size_t n = mf->files.len;
    if (n == 0) {
        diag *g = diag_add(&p->diags, DIAG_WARNING, (src_loc){0},
                           "the database has no tables to pull (alembic_version and exclude_tables are left out)");
        diag_set_hint(&p->diags, g, "check sqlalchemy.url (or DATABASE_URL) and [retort] schema; nothing was written");
        rc = RETORT_OK;
        goto done;
    }
    const char **paths = arena_alloc(a, n * sizeof *paths);
    for (size_t i = 0; i < n; i++) paths[i] = path_in(a, dir, mf->files.items[i].file_name);

    /* Refuse before anything is written: every file that exists. */
    size_t existing = 0;
    bool *existed = arena_alloc(a, n * sizeof *existed);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (lstat(paths[i], &st) != 0) continue;
        existed[i] = true;
        if (!S_ISREG(st.st_mode)) {
            diag *g = diag_add(&p->diags, DIAG_ERROR, (src_loc){paths[i], 0, 0},
                               "exists and is not a regular file; retort pull does not replace it");
            diag_set_hint(&p->diags, g, "move it away, or pull into another folder with --models DIR");
            existing = n + 1;
        } else if (!force) {
            diag_add(&p->diags, DIAG_ERROR, (src_loc){paths[i], 0, 0}, "the model file exists already");
            existing++;
        }
    }
    if (existing) {
        if (existing <= n) {
            diag *g = &p->diags.items.items[p->diags.items.len - 1];
            diag_set_hint(&p->diags, g,
                          "nothing was written; retort pull --force replaces the %zu file%s named above (the other "
                          "files of %s are left alone)",
                          existing, existing == 1 ? "" : "s", dir);
        }
        rc = RETORT_EIO;
        goto done;
    }
    str_vec still = {0};
    if ((rc = check_files(p, a, mf, paths, current, d, &still)) != RETORT_OK) goto done;

    if (make_folder(a, dir) != 0) {
        diag *g = diag_add(&p->diags, DIAG_ERROR, (src_loc){dir, 0, 0}, "cannot create the models folder: %s",
                           strerror(errno));
        diag_set_hint(&p->diags, g, "nothing was written; give a folder that can be written with --models DIR");
        rc = RETORT_EIO;
        goto done;
    }
    /* Write; on a failure, put back what was there (all files or none). */
    char **old = arena_alloc(a, n * sizeof *old);
    size_t *old_len = arena_alloc(a, n * sizeof *old_len);
    for (size_t i = 0; i < n; i++) old[i] = existed[i] ? read_file(paths[i], &old_len[i]) : NULL;
    size_t written = 0;
    int err = 0;
    for (; written < n; written++) {
        const char *text = mf->files.items[written].text;
        if (write_file_atomic(paths[written], text, strlen(text)) != 0) {
            err = errno;
            break;
        }
    }
    if (written < n) {
        for (size_t i = 0; i < written; i++) {
            if (old[i]) write_file_atomic(paths[i], old[i], old_len[i]);
            else remove(paths[i]);
        }
        diag *g = diag_add(&p->diags, DIAG_ERROR, (src_loc){paths[written], 0, 0}, "cannot write the model file: %s",
                           strerror(err));
        diag_set_hint(&p->diags, g, "nothing was written (the files written before it were put back); check that "
                                    "%s is writable", dir);
        rc = RETORT_EIO;
    }
    for (size_t i = 0; i < n; i++) free(old[i]);
    if (rc != RETORT_OK) goto done;

    /* The notes, now that the files are there to quote. */
    for (size_t i = 0; i < n; i++) {
        const model_file *f = &mf->files.items[i];
        for (size_t k = 0; k < f->notes.len; k++) {
            const model_file_note *nt = &f->notes.items[k];
            diag *g = diag_add(&p->diags, DIAG_WARNING, (src_loc){paths[i], nt->line, nt->column}, "%s", nt->message);
            if (nt->hint) diag_set_hint(&p->diags, g, "%s", nt->hint);
        }
    }
    for (size_t i = 0; i < still.len; i++)
        diag_add(&p->diags, DIAG_NOTE, (src_loc){0}, "after the pull, retort diff will still report: %s",
                 still.items[i]);
    note_other_files(p, a, dir, mf);
    out->paths = calloc(n, sizeof *out->paths);
    if (!out->paths) util_oom();
    for (size_t i = 0; i < n; i++) {
        out->paths[i] = strdup(paths[i]);
        if (!out->paths[i]) util_oom();
    }
    out->n_paths = n;
    rc = RETORT_OK;
done:
    model_files_free(mf);
    schema_free(current);
    db_close(db);
    arena_free(a);
    return rc;
}

void retort_pull_result_free(retort_pull_result *r) {
    for (size_t i = 0; i < r->n_paths; i++) free(r->paths[i]);
    free(r->paths);
    memset(r, 0, sizeof *r);
}
