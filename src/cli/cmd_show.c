/*
** cmd_show.c — retort show REV: the full entry of the revision(s) REV names
** (an id, a prefix, head, heads, <label>@head, current...), as `alembic show`.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static void show_usage(FILE *out) {
    fprintf(out,
            "usage: retort show REV [--format text|markdown] [-c alembic.ini]\n\n"
            "Show the revision(s) REV names: an id or unique prefix, head, heads, base,\n"
            "<label>@head, <rev>+N, <rev>-N, or current (the database's).\n\n"
            "options:\n"
            "  --format FORMAT        text (the default: as alembic show), or markdown: a\n"
            "                         pull-request comment (per table the changes and lint\n"
            "                         findings, the SQL of retort upgrade --sql)\n"
            "  -c, --config FILE      the configuration (default: alembic.ini)\n");
}

int cmd_show(int argc, char **argv) {
    const char *rev = NULL;
    bool markdown = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_take_config_option(argc, argv, &i)) continue;
        else if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9)) {
            const char *f = a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : NULL;
            if (f && !strcmp(f, "markdown")) markdown = true;
            else if (f && !strcmp(f, "text")) markdown = false;
            else {
                fprintf(stderr, "retort show: unknown format '%s' (text or markdown)\n", f ? f : "");
                show_usage(stderr);
                return 2;
            }
        }
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { show_usage(stdout); return 0; }
        else if (a[0] == '-' && !(a[1] >= '0' && a[1] <= '9')) {
            return cli_unknown_option("show", a, show_usage);
        } else if (!rev) rev = a;
        else {
            fprintf(stderr, "retort show: one revision only ('%s' is extra)\n", a);
            return 2;
        }
    }
    if (!rev) {
        fprintf(stderr, "retort show: which revision? (e.g. retort show head)\n\n");
        show_usage(stderr);
        return 2;
    }
    retort_project *p = cli_open_project("show");
    if (!p) return CLI_EXIT_USAGE;
    char *text = NULL;
    retort_status rc = markdown ? retort_show_markdown(p, rev, &text) : retort_show(p, rev, &text);
    return cli_finish(p, rc, text);
}
