/*
** main.c — the retort command line: dispatch to one file per command.
*/
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static const cli_command COMMANDS[] = {
    {"init", "Create a new project: alembic.ini and the migration folder", cmd_init},
    {"models", "Parse and resolve the model files; print the schema", cmd_models},
    {"revision", "Write a new revision file (--autogenerate: from the models)", cmd_revision},
    {"diff", "Show what autogenerate would do; write nothing", cmd_diff},
    {"inspect", "Print the live database schema (as autogenerate reads it)", cmd_inspect},
    {"pull", "Write model files from the live database (adopt an existing schema)", cmd_pull},
    {"upgrade", "Apply migrations up to a target (head, +N, <revision>)", cmd_upgrade},
    {"downgrade", "Revert migrations back to a target (-N, <revision>, base)", cmd_downgrade},
    {"current", "Show the database's current revision(s)", cmd_current},
    {"history", "List the revisions, newest first (-r START:END)", cmd_history},
    {"heads", "Show the head revisions of the versions folder", cmd_heads},
    {"branches", "Show the branch points", cmd_branches},
    {"show", "Show a revision's full entry", cmd_show},
    {"stamp", "Set alembic_version to a revision without running migrations", cmd_stamp},
    {"merge", "Write a revision that merges several heads", cmd_merge},
    {"edit", "Open a revision file in $EDITOR", cmd_edit},
    {"check", "Fail when autogenerate would write operations (Alembic 1.9's check)", cmd_check},
    {"lint", "Report what migrations risk in production (docs/lint.md)", cmd_lint},
    {"verify", "Test every migration up, down and up on a scratch database (docs/ci.md)", cmd_verify},
    {"hash", "Write alembic/versions/retort.sum from the revision files (docs/ci.md)", cmd_hash},
    {"ensure_version", "Create the version table if it does not exist", cmd_ensure_version},
    {"list_templates", "List the templates retort init writes", cmd_list_templates},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *out) {
    fprintf(out, "usage: retort [--version] [--help] [-c alembic.ini] [-n NAME] [--raiseerr] [-q] COMMAND [ARGS]\n\n"
                 "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-15s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(out, "\noptions:\n"
                 "  -c, --config FILE  the configuration (default: $ALEMBIC_CONFIG, else alembic.ini)\n"
                 "  -n, --name NAME    the section of alembic.ini to read instead of [alembic]\n"
                 "  --raiseerr         accepted (Alembic: a full traceback); retort's errors are always whole\n"
                 "  -q, --quiet        print nothing on standard output\n"
                 "  -x KEY=VALUE       refused: Alembic passes it to env.py, and retort runs no env.py\n"
                 "\nRun 'retort COMMAND --help' for a command's options.\n");
}

/* The global options before the command, as Alembic's: -c/--config FILE,
** -n/--name NAME, --raiseerr, -q/--quiet; -x is refused.  Returns the
** index of the command, or -1 (message printed) for a usage error. */
static int global_options(int argc, char **argv) {
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (cli_take_config_option(argc, argv, &i)) continue;
        if ((!strcmp(a, "-n") || !strcmp(a, "--name")) && i + 1 < argc) cli_set_section(argv[++i]);
        else if (!strncmp(a, "--name=", 7)) cli_set_section(a + 7);
        else if (!strcmp(a, "--raiseerr")) continue;
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) cli_set_quiet(true);
        else if (!strncmp(a, "-x", 2)) {
            const char *v = a[2] ? a + 2 : i + 1 < argc ? argv[i + 1] : "";
            fprintf(stderr,
                    "retort: error: -x %s: Alembic passes -x arguments to env.py (context.get_x_argument()), and "
                    "retort runs no env.py, so it cannot honour them\n"
                    "  hint: set what env.py would read in alembic.ini instead (sqlalchemy.url, or DATABASE_URL in "
                    "the environment), or run this command with python3 -m alembic\n", v);
            return -1;
        } else if ((!strcmp(a, "-n") || !strcmp(a, "--name") || !strcmp(a, "-c") || !strcmp(a, "--config"))) {
            fprintf(stderr, "retort: error: argument %s: expected one argument\n", a);
            return -1;
        } else break;
    }
    return i;
}

int main(int argc, char **argv) {
#ifdef __GLIBC__
    /* A fixed threshold for allocations glibc maps on their own.  Left
    ** dynamic, freeing one large buffer (a 16 MB initial migration read
    ** whole for its header) raises the threshold to that size, and the
    ** heap then keeps what later large buffers leave behind: at 10,000
    ** tables that was 16 MB more at a no-change check's peak. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    int first = global_options(argc, argv);
    if (first < 0) return 2;
    /* -q: Alembic writes nothing on stdout (its print_stdout and status
    ** lines); here nothing at all does, post-write hooks included. */
    if (cli_quiet() && !freopen("/dev/null", "w", stdout)) return 1;
    argc -= first - 1;
    argv += first - 1;
    if (argc < 2) { usage(stderr); return 2; }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
        printf("retort %s\n", RETORT_VERSION);
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(COMMANDS[i].name, name)) return COMMANDS[i].run(argc - 1, argv + 1);
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++) names[i] = COMMANDS[i].name;
    const char *guess = closest_match(name, names, N_COMMANDS);
    fprintf(stderr, "retort: unknown command '%s'", name);
    if (guess) fprintf(stderr, "; did you mean '%s'?", guess);
    fprintf(stderr, "\nRun 'retort --help' for the list of commands.\n");
    return 2;
}
