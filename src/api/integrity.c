/*
** integrity.c — the public API of retort.sum (retort_hash); verifying it is
** project_sum_verify (project.c), what the commands that trust the
** versions folder call first.
*/
#include "retort.h"
#include "api/project.h"

#include <stdlib.h>
#include <string.h>

static void list_names(strbuf *sb, const char *what, const str_vec *names) {
    for (size_t i = 0; i < names->len; i++) sb_printf(sb, "  %s %s\n", what, names->items[i]);
}

retort_status retort_hash(retort_project *p, char **out) {
    *out = NULL;
    if (!p->config) return RETORT_ECONFIG;
    arena *a = arena_new();
    sum_written_vec written = {0};
    int rc = script_sum_write(p->config, a, true, &written, &p->diags);
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    for (size_t i = 0; i < written.len; i++) {
        const sum_written *w = &written.items[i];
        if (!w->changed) {
            sb_printf(&sb, "%s is up to date (%zu file%s)\n", w->path, w->files, w->files == 1 ? "" : "s");
            continue;
        }
        sb_printf(&sb, "%s %s (%zu file%s) ...  done\n", w->created ? "Generating" : "Writing", w->path, w->files,
                  w->files == 1 ? "" : "s");
        list_names(&sb, "added", &w->added);
        list_names(&sb, "edited", &w->edited);
        list_names(&sb, "removed", &w->removed);
    }
    if (!written.len && rc == 0) {
        const retort_config *c = p->config;
        project_error(p, "create the folder (retort init does), or check script_location / version_locations in "
                         "alembic.ini",
                      "no versions folder to hash: %s does not exist",
                      c->version_locations.len ? str_vec_join(a, &c->version_locations, ", ") : c->versions_dir);
        rc = -1;
    }
    *out = sb_take(&sb);
    arena_free(a);
    return rc == 0 ? RETORT_OK : RETORT_EIO;
}
