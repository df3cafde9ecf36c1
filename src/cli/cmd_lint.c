/*
** cmd_lint.c — retort lint [REV_RANGE] [--format F] [--dialect D]: the
** risks of migration files in production (docs/lint.md).  Exit status 1
** when an error-level finding no allow comment acknowledges remains, or
** when the versions folder does not match its retort.sum; 0 otherwise; 2 on
** bad usage or configuration.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void lint_usage(FILE *out) {
    fprintf(out,
            "usage: retort lint [REV_RANGE] [--format text|json|github|markdown|sarif]\n"
            "                   [--dialect sqlite|postgresql] [-c alembic.ini]\n\n"
            "Report what the migrations risk in production: data lost, migrations that fail\n"
            "on existing rows, locks, backward-incompatible changes (docs/lint.md).\n"
            "REV_RANGE is a revision or FROM:TO (either side may be empty); the default is\n"
            "the revisions the database has not applied (all of them when it has none).\n"
            "A comment '# retort: allow <rule>' on or above an op acknowledges it.\n\n"
            "options:\n"
            "  --format F         text (default), json, github, markdown or sarif\n"
            "  --dialect D        the rules of sqlite or postgresql (default: the database URL's)\n"
            "  -c, --config FILE  the configuration (default: alembic.ini)\n\n"
            "exit status: 1 when an unacknowledged error-level finding remains, or the\n"
            "versions folder does not match its retort.sum; 0 otherwise; 2 on bad usage\n"
            "or configuration.\n");
}

int cmd_lint(int argc, char **argv) {
    retort_lint_options o = RETORT_LINT_OPTIONS_INIT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_take_value(argc, argv, &i, "--format", &o.format)) continue;
        else if (cli_take_value(argc, argv, &i, "--dialect", &o.dialect)) continue;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { lint_usage(stdout); return 0; }
        else if (a[0] != '-' && !o.range) o.range = a;
        else return cli_unknown_option("lint", a, lint_usage);
    }
    static const char *const formats[] = {"text", "json", "github", "markdown", "sarif"};
    if (o.format) {
        bool ok = false;
        for (size_t k = 0; k < sizeof formats / sizeof *formats; k++) ok |= !strcmp(o.format, formats[k]);
        if (!ok) {
            fprintf(stderr, "retort lint: unknown format '%s'\n", o.format);
            lint_usage(stderr);
            return 2;
        }
    }
    if (o.dialect && strcmp(o.dialect, "sqlite") && strcmp(o.dialect, "postgresql")) {
        fprintf(stderr, "retort lint: unknown dialect '%s'\n", o.dialect);
        lint_usage(stderr);
        return 2;
    }
    retort_project *p = cli_open_project("lint");
    if (!p) return CLI_EXIT_USAGE;
    retort_lint_result r;
    retort_status rc = retort_lint(p, &o, &r);
    retort_print_diagnostics(p, stderr);
    int status = cli_exit_status(rc);
    /* The findings are printed also when retort.sum did not match. */
    if (r.output) fputs_printable(r.output, stdout);
    if (r.errors) status = CLI_EXIT_FAILED;
    retort_lint_result_free(&r);
    retort_close(p);
    return status;
}
