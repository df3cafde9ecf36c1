/*
** fuzz_migration.c — libFuzzer harness for the migration reader.
**
** The input is the text of one migration file (a revision of alembic/versions/).  It
** goes through both readers of such files: the header reader
** (src/script/revisions.c, what history and the revision graph use) and the
** grammar (grammar/migration.l, migration.y, src/migration/migration.c).  When
** the grammar reads it, its upgrade() and downgrade() become ops
** (src/migration/migration_ops.c) and SQL (src/render/sql.c) for SQLite and for
** PostgreSQL, the way an offline run (`retort upgrade --sql`) goes: each
** step's SQL is rendered against the schema the earlier steps built, then
** its ops are applied to that schema (src/diff/apply.c).  The upgrade
** starts from an empty schema; the downgrade from the schema the upgrade
** built (or from an empty one when the upgrade did not run).
**
** Nothing is read from or written to the disk.
*/
#include "fuzz.h"

#include "render/sql.h"
#include "migration/migration.h"
#include "script/script.h"

#define FUZZ_PATH FUZZ_DIR "/alembic/versions/0123456789ab_fuzz.py"

/* One step of a run on dialect d: the direction's ops, their SQL against
** *current, then the ops applied to it.  Returns 0 when all of it worked. */
static int run_step(const migration_file *m, migration_direction dir, const dialect *d, schema *current,
                    diag_list *dl) {
    migration_ops *ops = NULL;
    if (migration_file_ops(m, dir, d, NULL, &ops, dl) != 0) return -1;
    arena *a = arena_new();
    sql_statements sql = {0};
    int rc = render_sql(ops->ops.items, ops->ops.len, d, current, a, &sql, dl);
    if (rc == 0) rc = schema_apply_ops(current, ops->ops.items, ops->ops.len, dl);
    arena_free(a);
    /* As in the runner: the schema outlives the ops applied to it. */
    migration_ops_free(ops);
    return rc;
}

static void run_both_ways(const migration_file *m, const dialect *d, diag_list *dl) {
    schema *current = schema_new();
    if (run_step(m, MIGRATE_UPGRADE, d, current, dl) != 0) {
        schema_free(current);
        current = schema_new();
    }
    run_step(m, MIGRATE_DOWNGRADE, d, current, dl);
    schema_free(current);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = fuzz_text(data, size);
    diag_list dl;
    diag_list_init(&dl);
    arena *a = arena_new();

    revision_header *h = NULL;
    (void)revision_header_parse(a, FUZZ_PATH, text, strlen(text), &h, &dl);

    migration_file *m = NULL;
    if (migration_parse(a, FUZZ_PATH, text, &m, &dl) == 0) {
        run_both_ways(m, dialect_sqlite(), &dl);
        run_both_ways(m, dialect_postgresql(), &dl);
    }

    fuzz_print_diags(&dl);
    arena_free(a);
    diag_list_free(&dl);
    free(text);
    return 0;
}
