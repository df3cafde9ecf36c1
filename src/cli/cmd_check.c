/*
** cmd_check.c — retort check [--offline] [--models DIR]: Alembic 1.9's
** check, the comparison of `retort diff`: "No new upgrade operations
** detected." and status 0, or "New upgrade operations detected: [...]" and
** status 1.  --offline compares with the schema the versions folder builds,
** connecting to nothing.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void check_usage(FILE *out) {
    fprintf(out,
            "usage: retort check [--offline] [--models DIR] [-c alembic.ini]\n\n"
            "Fail (status 1) when autogenerate would write operations: the models and\n"
            "the migrations disagree.  Nothing is written.\n\n"
            "options:\n"
            "  --offline          connect to no database: compare the models with the schema\n"
            "                     the versions folder builds (every revision applied in memory,\n"
            "                     for the dialect of the database URL)\n"
            "  --models DIR       the models folder (default: [retort] models of alembic.ini)\n"
            "  -c, --config FILE  the configuration (default: alembic.ini)\n");
}

int cmd_check(int argc, char **argv) {
    retort_check_options o = RETORT_CHECK_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--models") && i + 1 < argc) o.models_dir = argv[++i];
        else if (!strncmp(a, "--models=", 9)) o.models_dir = a + 9;
        else if (!strcmp(a, "--offline")) o.offline = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { check_usage(stdout); return 0; }
        else return cli_unknown_option("check", a, check_usage);
    }
    retort_project *p = cli_open_project("check");
    if (!p) return CLI_EXIT_USAGE;
    char *list = NULL;
    size_t n = 0;
    retort_status rc = retort_check(p, &o, &list, &n);
    retort_print_diagnostics(p, stderr);
    int status = cli_exit_status(rc);
    if (rc == RETORT_OK && n == 0) {
        printf("No new upgrade operations detected.\n");
    } else if (rc == RETORT_OK) {
        /* Alembic raises it as a CommandError: "FAILED: ..." on stdout. */
        fputs("FAILED: New upgrade operations detected: ", stdout);
        fputs_printable(list, stdout);
        fputc('\n', stdout);
        fflush(stdout);
        fputs("hint: write them as a revision: retort revision --autogenerate -m \"...\" "
              "(retort diff lists them)\n", stderr);
        status = 1;
    }
    free(list);
    retort_close(p);
    return status;
}
