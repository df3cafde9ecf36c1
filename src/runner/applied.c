/*
** applied.c — the applied checksums read back (runner.h): an applied
** revision whose file changed since it ran is a warning, for check,
** current --verbose, upgrade and downgrade.  The rows are written by the
** runner (runner.c, record_checksum).
*/
#include "runner/runner.h"

#include "db/db.h"

#include <string.h>

int runner_warn_changed_applied(const retort_config *cfg, struct db_conn *db, const revision_graph *g,
                                const str_vec *current, diag_list *dl) {
    if (!cfg->record_checksums || !db || !g || !current->len) return 0;
    arena *a = arena_new();
    db_checksum_rows rows = {0};
    diag_list err;
    diag_list_init(&err);
    int rc = db_checksums_read(db, cfg->checksum_table, a, &rows, &err);
    if (rc != 0) {
        const char *why = err.items.len ? err.items.items[0].message : "error";
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){0}, "cannot read the checksum table %s: %s",
                           cfg->checksum_table, why);
        diag_set_hint(dl, d, "it is [retort] checksum_table (docs/ci.md); record_checksums = false turns the "
                             "checksums off");
    }
    diag_list_free(&err);
    if (rc != 0 || !rows.len) {
        arena_free(a);
        return rc;
    }
    /* The applied revisions: the rows and everything below them. */
    bool *applied = arena_alloc(a, g->nodes.len ? g->nodes.len : 1);
    VEC(revision_node *) stack = {0};
    for (size_t i = 0; i < current->len; i++) {
        revision_node *n = strmap_get(g->by_id, current->items[i]);
        if (n) vec_push(a, &stack, n);
    }
    while (stack.len) {
        revision_node *n = stack.items[--stack.len];
        if (applied[n->order]) continue;
        applied[n->order] = true;
        for (size_t k = 0; k < n->down.len; k++) vec_push(a, &stack, n->down.items[k]);
        for (size_t k = 0; k < n->depends.len; k++) vec_push(a, &stack, n->depends.items[k]);
    }
    for (size_t i = 0; i < rows.len; i++) {
        const db_checksum_row *row = &rows.items[i];
        revision_node *n = strmap_get(g->by_id, row->revision);
        if (!n || !applied[n->order]) continue;
        const char *path = n->header->path;
        const char *now = script_file_hash(a, path);
        if (now && !strcmp(now, row->checksum)) continue;
        diag *d = diag_add(dl, DIAG_WARNING, (src_loc){path, 0, 0},
                           "revision %s was applied to this database on %s UTC from another version of this file: "
                           "it has changed since (%s holds %.19s..., the file is %.19s...)",
                           row->revision, row->applied_at, cfg->checksum_table, row->checksum,
                           now ? now : "unreadable");
        diag_set_hint(dl, d, "the database does not run an applied revision again, so the change reaches only "
                             "databases that have not applied it: restore the file (git log -p -- %s); if the "
                             "change is meant, apply it here too (downgrade below %s, then upgrade again), which "
                             "records the new version",
                      path, row->revision);
    }
    arena_free(a);
    return 0;
}
