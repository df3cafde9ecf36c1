/*
** cmd_verify.c — retort verify [--url URL] [--format text|json] [--verbose]:
** the migration test suite on a scratch database (docs/ci.md).  Exit
** status 0 when every check passed, 1 when one failed (or the suite could
** not run: the revisions, the models, the database), 2 on bad usage or
** configuration (an unknown option, a --url database that is not empty).
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void verify_usage(FILE *out) {
    fprintf(out,
            "usage: retort verify [--url URL] [--format text|json] [--verbose] [--models DIR]\n"
            "                     [-c alembic.ini]\n\n"
            "Test the migrations on a scratch database: one head; upgrade base -> head;\n"
            "the models match the result (as check); then each revision upgraded,\n"
            "downgraded and upgraded again: the catalog after the downgrade must be the one\n"
            "before the upgrade, and a row inserted into every table before the upgrade must\n"
            "still be there where the revision keeps its table and columns.\n\n"
            "options:\n"
            "  --url URL          an empty database to run on (refused when it has a table;\n"
            "                     emptied again after); default: a temporary SQLite file\n"
            "  --format F         text (default) or json\n"
            "  --verbose          text: also say what was not checked, and why\n"
            "  --models DIR       the models folder (default: [retort] models of alembic.ini)\n"
            "  -c, --config FILE  the configuration (default: alembic.ini)\n\n"
            "exit status: 0 all checks passed, 1 a check failed (or the suite could not run),\n"
            "2 bad usage or configuration (a --url database that is not empty).\n");
}

int cmd_verify(int argc, char **argv) {
    retort_verify_options o = RETORT_VERIFY_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_take_value(argc, argv, &i, "--url", &o.url)) continue;
        else if (cli_take_value(argc, argv, &i, "--format", &o.format)) continue;
        else if (cli_take_value(argc, argv, &i, "--models", &o.models_dir)) continue;
        else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) o.verbose = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { verify_usage(stdout); return 0; }
        else return cli_unknown_option("verify", a, verify_usage);
    }
    if (o.format && strcmp(o.format, "text") && strcmp(o.format, "json")) {
        fprintf(stderr, "retort verify: unknown format '%s'\n\n", o.format);
        verify_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    retort_project *p = cli_open_project("verify");
    if (!p) return CLI_EXIT_USAGE;
    retort_verify_result r;
    retort_status rc = retort_verify(p, &o, &r);
    retort_print_diagnostics(p, stderr);
    int status = cli_exit_status(rc);
    if (rc == RETORT_OK) {
        fputs_printable(r.output, stdout);
        if (r.failures) status = CLI_EXIT_FAILED;
    }
    retort_verify_result_free(&r);
    retort_close(p);
    return status;
}
