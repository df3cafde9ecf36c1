/*
** automigrate.c — an application that migrates its own database at
** start-up with retort's C API (the migration guide's optional
** auto-migration), then reports where the database is.
**
**   cc automigrate.c -lretort -lsqlite3 -lpq -ljansson -lm -o automigrate
**   ./automigrate path/to/alembic.ini
**
** As the guide warns: in production, prefer running `retort upgrade head`
** by hand after a backup.  retort takes a backup copy of a SQLite file
** itself before it changes the schema.
*/
#include <retort.h>

#include <stdio.h>

static void log_line(void *ctx, const char *line) {
    fprintf((FILE *)ctx, "[migrate] %s\n", line);
}

int main(int argc, char **argv) {
    const char *ini = argc > 1 ? argv[1] : "alembic.ini";
    retort_project *project = NULL;
    if (retort_open(ini, &project) != RETORT_OK) {
        if (project) retort_print_diagnostics(project, stderr);
        retort_close(project);
        return 1;
    }
    retort_run_options options = RETORT_RUN_OPTIONS_INIT;
    options.target = "head";
    options.progress = log_line;
    options.progress_ctx = stdout;
    retort_run_result result;
    retort_status status = retort_upgrade(project, &options, &result);
    if (status != RETORT_OK) {
        fprintf(stderr, "migration failed; the database is unchanged:\n");
        retort_print_diagnostics(project, stderr);
    } else {
        printf("[migrate] %zu migration(s) applied%s%s\n", result.migrations,
               result.backup_path ? "; backup: " : "", result.backup_path ? result.backup_path : "");
    }
    retort_run_result_free(&result);
    retort_close(project);
    return status == RETORT_OK ? 0 : 1;
}
