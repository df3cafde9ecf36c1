/*
** cmd_ensure_version.c — retort ensure_version [--sql]: create the version
** table when it is missing, as `alembic ensure_version` does.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void ensure_version_usage(FILE *out) {
    fprintf(out,
            "usage: retort ensure_version [--sql] [--lock-timeout SECONDS] [-c alembic.ini]\n\n"
            "Create the version table ([retort] version_table, default alembic_version)\n"
            "if it does not exist; nothing else changes.\n\n"
            "options:\n"
            "  --sql                  print the SQL instead (Alembic's offline script)\n"
            "  --lock-timeout SECONDS how long to wait for another run's lock (default 60)\n"
            "  -c, --config FILE      the configuration (default: alembic.ini)\n");
}

int cmd_ensure_version(int argc, char **argv) {
    retort_ensure_version_options o = RETORT_ENSURE_VERSION_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int taken = cli_take_lock_timeout(argc, argv, &i, "ensure_version", &o.lock_timeout_ms);
        if (taken < 0) return 2;
        if (taken) continue;
        if (!strcmp(a, "--sql")) o.sql = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { ensure_version_usage(stdout); return 0; }
        else return cli_unknown_option("ensure_version", a, ensure_version_usage);
    }
    retort_project *p = cli_open_project("ensure_version");
    if (!p) return CLI_EXIT_USAGE;
    char *text = NULL;
    retort_status rc = retort_ensure_version(p, &o, &text);
    return cli_finish(p, rc, text);
}
