/*
** main.c — the retort command line: dispatch to one file per command.
*/
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

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
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *out) {
    fprintf(out, "usage: retort [--version] [--help] [-c alembic.ini] COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-12s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(out, "\nRun 'retort COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv) {
    /* Options before the command: -c/--config FILE (as Alembic). */
    int first = 1;
    while (first < argc && cli_take_config_option(argc, argv, &first)) first++;
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
