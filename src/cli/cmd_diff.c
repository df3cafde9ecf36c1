/*
** cmd_diff.c — retort diff [--json | --format text|json|markdown]
** [--exit-code] [--models DIR]: what
** autogenerate would do; writes nothing.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void diff_usage(FILE *out) {
    fprintf(out,
            "usage: retort diff [--json | --format text|json|markdown] [--exit-code] [--models DIR]\n"
            "                   [-c alembic.ini]\n\n"
            "Compare the models with the database and print what autogenerate would do.\n"
            "Nothing is written.\n\n"
            "options:\n"
            "  --json             print the operations as JSON (= --format json)\n"
            "  --format FORMAT    text (the default), json, or markdown: a pull-request comment\n"
            "                     (per table the changes and lint findings, the SQL per backend)\n"
            "  --exit-code        exit with status 3 when there are changes (for CI checks)\n"
            "  --models DIR       the models folder (default: [retort] models of alembic.ini)\n"
            "  -c, --config FILE  the configuration (default: alembic.ini)\n");
}

int cmd_diff(int argc, char **argv) {
    bool json = false, markdown = false, exit_code = false;
    const char *models_dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = true;
        else if (!strcmp(argv[i], "--format") || !strncmp(argv[i], "--format=", 9)) {
            const char *f = argv[i][8] == '=' ? argv[i] + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (f && !strcmp(f, "json")) json = true;
            else if (f && !strcmp(f, "markdown")) markdown = true;
            else if (f && !strcmp(f, "text")) json = markdown = false;
            else {
                fprintf(stderr, "retort diff: unknown format '%s' (text, json or markdown)\n", f ? f : "");
                diff_usage(stderr);
                return 2;
            }
        }
        else if (!strcmp(argv[i], "--models") && i + 1 < argc) models_dir = argv[++i];
        else if (!strncmp(argv[i], "--models=", 9)) models_dir = argv[i] + 9;
        else if (!strcmp(argv[i], "--exit-code")) exit_code = true;
        else if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { diff_usage(stdout); return 0; }
        else return cli_unknown_option("diff", argv[i], diff_usage);
    }
    retort_project *p = cli_open_project("diff");
    if (!p) return CLI_EXIT_USAGE;
    char *text = NULL;
    size_t n = 0;
    retort_diff_options o = RETORT_DIFF_OPTIONS_INIT;
    o.json = json;
    o.markdown = markdown;
    o.models_dir = models_dir;
    retort_status rc = retort_diff(p, &o, &text, &n);
    retort_print_diagnostics(p, stderr);
    if (rc == RETORT_OK) {
        if (json) puts(text);
        else if (markdown) fputs_printable(text, stdout);
        else if (n == 0) puts("No changes detected");
        else fputs_printable(text, stdout);    /* database comments and names: no raw controls */
    }
    free(text);
    retort_close(p);
    if (rc == RETORT_OK && exit_code && n > 0) return 3;
    return cli_exit_status(rc);
}
