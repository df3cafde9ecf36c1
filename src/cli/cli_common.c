/*
** cli_common.c — what every command shares: the -c/--config option, the
** global options (-n/--name, -q/--quiet), opening the project, progress
** lines.
*/
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

static const char *config_path = "alembic.ini";
static const char *ini_section = NULL;
static bool quiet = false;

void cli_set_config_path(const char *path) { config_path = path; }
const char *cli_config_path(void) {
    const char *env = getenv("ALEMBIC_CONFIG");
    if (!strcmp(config_path, "alembic.ini") && env && *env) return env;
    return config_path;
}

void cli_set_section(const char *name) { ini_section = name; }
void cli_set_quiet(bool q) { quiet = q; }
bool cli_quiet(void) { return quiet; }

void cli_progress(void *ctx, const char *line) {
    (void)ctx;
    if (quiet) return;
    fputs_printable(line, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

bool cli_take_config_option(int argc, char **argv, int *i) {
    const char *a = argv[*i];
    if ((!strcmp(a, "-c") || !strcmp(a, "--config")) && *i + 1 < argc) {
        cli_set_config_path(argv[++*i]);
        return true;
    }
    if (!strncmp(a, "--config=", 9)) {
        cli_set_config_path(a + 9);
        return true;
    }
    return false;
}

retort_project *cli_open_project(const char *command) {
    retort_project *p = NULL;
    retort_open_options o = RETORT_OPEN_OPTIONS_INIT;
    o.ini_section = ini_section;
    if (retort_open_with(cli_config_path(), &o, &p) != RETORT_OK) {
        if (p) retort_print_diagnostics(p, stderr);
        fprintf(stderr, "retort %s: cannot use the configuration '%s'\n", command, cli_config_path());
        retort_close(p);
        return NULL;
    }
    retort_set_progress(p, cli_progress, NULL);
    return p;
}

int cli_exit_status(retort_status rc) {
    return rc == RETORT_OK ? CLI_EXIT_OK : rc == RETORT_ECONFIG ? CLI_EXIT_USAGE : CLI_EXIT_FAILED;
}

int cli_finish(retort_project *p, retort_status rc, char *text) {
    retort_print_diagnostics(p, stderr);
    if (text) fputs(text, stdout);
    free(text);
    retort_close(p);
    return cli_exit_status(rc);
}

int cli_unknown_option(const char *cmd, const char *arg, void (*usage)(FILE *)) {
    fprintf(stderr, "retort %s: unknown option '%s'\n\n", cmd, arg);
    usage(stderr);
    return 2;
}

int cli_take_lock_timeout(int argc, char **argv, int *i, const char *cmd, long *ms) {
    if (strcmp(argv[*i], "--lock-timeout") != 0) return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "retort %s: --lock-timeout takes seconds (0 to 86400)\n", cmd);
        return -1;
    }
    char *end;
    double secs = strtod(argv[++*i], &end);
    if (*end || end == argv[*i] || secs < 0 || secs > 86400) {
        fprintf(stderr, "retort %s: --lock-timeout takes seconds (0 to 86400), not '%s'\n", cmd, argv[*i]);
        return -1;
    }
    *ms = secs == 0 ? 1 : (long)(secs * 1000);
    return 1;
}

int cli_take_tag(int argc, char **argv, int *i, const char *cmd, const char **tag) {
    const char *a = argv[*i];
    if (!strcmp(a, "--tag")) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "retort %s: --tag takes a value\n", cmd);
            return -1;
        }
        *tag = argv[++*i];
    } else if (!strncmp(a, "--tag=", 6)) *tag = a + 6;
    else return 0;
    return 1;
}

void cli_warn_tag(const char *cmd, const char *tag) {
    if (tag)
        fprintf(stderr, "retort %s: warning: --tag '%s' is not used: Alembic passes it to env.py "
                        "(context.get_tag_argument()), and retort runs no env.py\n", cmd, tag);
}

bool cli_take_value(int argc, char **argv, int *i, const char *name, const char **out) {
    size_t n = strlen(name);
    if (!strcmp(argv[*i], name) && *i + 1 < argc) {
        *out = argv[++*i];
        return true;
    }
    if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=') {
        *out = argv[*i] + n + 1;
        return true;
    }
    return false;
}
