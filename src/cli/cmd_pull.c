/*
** cmd_pull.c — retort pull [--models DIR] [--force]: write model files from
** the live database, one <table>.model per table.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void pull_usage(FILE *out) {
    fprintf(out,
            "usage: retort pull [--models DIR] [--force] [-c alembic.ini]\n\n"
            "Write model files from the database's schema (as retort inspect reads it), one\n"
            "<table>.model per table, so that retort diff then finds no change.  What the model\n"
            "language cannot say is written as a # comment, with a warning.\n\n"
            "options:\n"
            "  --models DIR       where to write (default: [retort] models of alembic.ini;\n"
            "                     created when missing)\n"
            "  --force            replace the model files of the tables that exist already\n"
            "                     (other files of the folder are left alone)\n"
            "  -c, --config FILE  the configuration (default: alembic.ini)\n");
}

int cmd_pull(int argc, char **argv) {
    retort_pull_options o = RETORT_PULL_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--models") && i + 1 < argc) o.models_dir = argv[++i];
        else if (!strncmp(a, "--models=", 9)) o.models_dir = a + 9;
        else if (!strcmp(a, "--force")) o.force = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { pull_usage(stdout); return 0; }
        else return cli_unknown_option("pull", a, pull_usage);
    }
    retort_project *p = cli_open_project("pull");
    if (!p) return CLI_EXIT_USAGE;
    retort_pull_result r;
    retort_status rc = retort_pull(p, &o, &r);
    if (rc == RETORT_OK)
        for (size_t i = 0; i < r.n_paths; i++) printf("Writing %s ...  done\n", r.paths[i]);
    fflush(stdout);
    retort_print_diagnostics(p, stderr);
    if (rc != RETORT_OK) fprintf(stderr, "retort pull: nothing was written\n");
    retort_pull_result_free(&r);
    retort_close(p);
    return cli_exit_status(rc);
}
