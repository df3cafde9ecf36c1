/*
** cli.h — the commands.  Each command is one file in src/cli/, a thin layer
** over the library: parse options, call the stages, print, return the exit
** status (docs/commands.md, "Exit status"): 0 ok; 1 the command failed (a
** check that found something, changes pending, a database or file error);
** 2 a usage or configuration error (the command line, alembic.ini and its
** [retort] keys); `diff --exit-code` keeps 3 for "changes".  Only this
** folder prints to stdout or decides the process's exit status.
*/
#ifndef RETORT_CLI_H
#define RETORT_CLI_H

#include "retort.h"
#include "util/util.h"

enum { CLI_EXIT_OK = 0, CLI_EXIT_FAILED = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_DIFF_CHANGES = 3 };

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);  /* argv[0] is the command name */
} cli_command;

int cmd_models(int argc, char **argv);
int cmd_revision(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_upgrade(int argc, char **argv);
int cmd_downgrade(int argc, char **argv);
int cmd_current(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_heads(int argc, char **argv);
int cmd_branches(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stamp(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_ensure_version(int argc, char **argv);
int cmd_list_templates(int argc, char **argv);
int cmd_edit(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_hash(int argc, char **argv);

/* -c / --config FILE (also before the command); ALEMBIC_CONFIG as Alembic. */
void cli_set_config_path(const char *path);
const char *cli_config_path(void);
/* If argv[*i] is NAME VALUE or NAME=VALUE, set *out to the value, consume
** it and return true. */
bool cli_take_value(int argc, char **argv, int *i, const char *name, const char **out);
/* If argv[*i] is -c/--config, consume it (and its value) and return true. */
bool cli_take_config_option(int argc, char **argv, int *i);
/* If argv[*i] is --lock-timeout SECONDS, consume it into *ms and return 1;
** 0 when it is something else; -1 (message printed) for a bad value. */
int cli_take_lock_timeout(int argc, char **argv, int *i, const char *cmd, long *ms);
/* -n/--name SECTION (the ini section of Alembic's keys), -q/--quiet. */
void cli_set_section(const char *name);
void cli_set_quiet(bool quiet);
bool cli_quiet(void);
/* The progress callback: the line on stdout (nothing with --quiet). */
void cli_progress(void *ctx, const char *line);
/* --tag VALUE (upgrade, downgrade, stamp): 1 taken, 0 not this, -1 bad. */
int cli_take_tag(int argc, char **argv, int *i, const char *cmd, const char **tag);
/* The warning that --tag has no effect (retort runs no env.py); nothing
** when tag is NULL. */
void cli_warn_tag(const char *cmd, const char *tag);
/* Open the project (printing diagnostics on failure: NULL then, and the
** command returns CLI_EXIT_USAGE: the configuration is wrong), with the
** progress callback set. */
retort_project *cli_open_project(const char *command);
/* The exit status of a command's result: 0 for RETORT_OK, 2 for
** RETORT_ECONFIG (a configuration error), 1 for any other failure. */
int cli_exit_status(retort_status rc);
/* The end of a command that produced text: print the diagnostics (stderr)
** and the text (stdout), free both and the project; the exit status. */
int cli_finish(retort_project *p, retort_status rc, char *text);
/* "retort CMD: unknown option 'X'" and the usage, on stderr; returns 2. */
int cli_unknown_option(const char *cmd, const char *arg, void (*usage)(FILE *));

#endif
