/*
** cmd_migrate.c — retort upgrade TARGET / retort downgrade TARGET.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void migrate_usage(FILE *out, const char *cmd) {
    bool up = !strcmp(cmd, "upgrade");
    fprintf(out,
            "usage: retort %s [--sql] [--transaction-per-migration] [--no-backup] [--tag TAG]\n"
            "                 [--lock-timeout SECONDS] [--alembic-fallback] [-c alembic.ini] %s\n\n"
            "%s\n\n"
            "targets: %s\n\n"
            "options:\n"
            "  --sql                        print the SQL instead of running it (connects to\n"
            "                               nothing; %s)\n"
            "  --transaction-per-migration  commit after each migration (default: one\n"
            "                               transaction for the whole run)\n"
            "  --no-backup                  SQLite: do not copy the database file first\n"
            "  --lock-timeout SECONDS       how long to wait for another run (default 60)\n"
            "  --alembic-fallback           run each migration retort cannot read with python3 -m\n"
            "                               alembic, between retort's own steps (with --sql:\n"
            "                               splice in its --sql rendering); [retort]\n"
            "                               alembic_fallback = true does the same\n"
            "  --tag TAG                    accepted with a warning (Alembic passes it to env.py)\n"
            "  -c, --config FILE            the configuration (default: alembic.ini)\n",
            cmd, up ? "TARGET" : "TARGET",
            up ? "Apply migrations up to TARGET, natively, on the alembic_version table Alembic uses."
               : "Revert migrations back to TARGET, natively, on the alembic_version table Alembic uses.",
            up ? "head, heads, +N, <revision> (a unique prefix will do), <label>@head"
               : "-N, <revision> (a unique prefix will do), base",
            up ? "TARGET or FROM:TO" : "FROM:TO, e.g. head:base");
}

static void print_progress(void *ctx, const char *line) {
    (void)ctx;
    printf("%s\n", line);
    fflush(stdout);
}

static int migrate(int argc, char **argv, bool upgrade) {
    const char *cmd = argv[0];
    retort_run_options o = RETORT_RUN_OPTIONS_INIT;
    const char *tag = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = cli_take_lock_timeout(argc, argv, &i, cmd, &o.lock_timeout_ms);
        if (!taken) taken = cli_take_tag(argc, argv, &i, cmd, &tag);
        if (taken < 0) return 2;
        if (taken) continue;
        if (!strcmp(a, "--sql")) o.sql = true;
        else if (!strcmp(a, "--transaction-per-migration")) o.transaction_per_migration = true;
        else if (!strcmp(a, "--no-backup")) o.no_backup = true;
        else if (!strcmp(a, "--alembic-fallback")) o.alembic_fallback = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { migrate_usage(stdout, cmd); return 0; }
        else if (a[0] == '-' && !(a[1] >= '0' && a[1] <= '9')) {
            fprintf(stderr, "retort %s: unknown option '%s'\n\n", cmd, a);
            migrate_usage(stderr, cmd);
            return 2;
        } else if (o.target) {
            fprintf(stderr, "retort %s: one target only ('%s' and '%s')\n", cmd, o.target, a);
            return 2;
        } else o.target = a;
    }
    if (!o.target) {
        fprintf(stderr, "retort %s: a target is required, e.g. retort %s %s\n", cmd, cmd, upgrade ? "head" : "-1");
        return 2;
    }
    cli_warn_tag(cmd, tag);
    retort_project *p = cli_open_project(cmd);
    if (!p) return CLI_EXIT_USAGE;
    o.progress = print_progress;
    retort_run_result r;
    retort_status rc = upgrade ? retort_upgrade(p, &o, &r) : retort_downgrade(p, &o, &r);
    fflush(stdout);
    retort_print_diagnostics(p, stderr);
    retort_run_result_free(&r);
    retort_close(p);
    return cli_exit_status(rc);
}

int cmd_upgrade(int argc, char **argv) { return migrate(argc, argv, true); }
int cmd_downgrade(int argc, char **argv) { return migrate(argc, argv, false); }
