/*
** cmd_edit.c — retort edit REV: open the revision file(s) REV names in the
** editor, as `alembic edit` does (alembic/util/editor.py): $EDITOR, then
** $VISUAL — a path that exists is run as it is, a bare name is looked up
** on PATH before the defaults (sensible-editor, editor, nano, vim, code).
** The editor gets the file as its one argument (no shell: EDITOR="code -w"
** is one program name, as in Alembic) and each file waits for the editor.
*/
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void edit_usage(FILE *out) {
    fprintf(out,
            "usage: retort edit REV [-c alembic.ini]\n\n"
            "Open the revision file(s) REV names in $EDITOR (else $VISUAL, sensible-editor,\n"
            "editor, nano, vim, code): an id or prefix, head, heads, <label>@head, current.\n");
}

/* candidate found on PATH (as os.path.exists(join(dir, candidate))). */
static char *on_path(const char *candidate) {
    const char *path = getenv("PATH");
    if (!path) return NULL;
    for (const char *p = path;;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        char *full = malloc(len + strlen(candidate) + 2);
        if (!full) return NULL;
        /* os.path.join('', x) is x: an empty PATH entry is the current folder */
        if (len) sprintf(full, "%.*s/%s", (int)len, p, candidate);
        else strcpy(full, candidate);
        if (access(full, F_OK) == 0) return full;
        free(full);
        if (!colon) return NULL;
        p = colon + 1;
    }
}

/* Alembic's _find_editor; NULL when none. */
static char *find_editor(void) {
    const char *candidates[8] = {"sensible-editor", "editor", "nano", "vim", "code"};
    size_t n = 5;
    const char *vars[] = {"EDITOR", "VISUAL"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = getenv(vars[i]);
        if (!v) continue;
        if (*v && access(v, F_OK) == 0) return strdup(v);
        if (!strchr(v, '/')) {
            memmove(candidates + i + 1, candidates + i, (n - i) * sizeof *candidates);
            candidates[i] = v;
            n++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        char *found = on_path(candidates[i]);
        if (found) return found;
    }
    return NULL;
}

/* Run the editor on one file and wait; 0, or -1 with Alembic's message. */
static int run_editor(const char *editor, const char *file) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "FAILED: Error executing editor ([Errno %d] %s)\n", errno, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execl(editor, editor, file, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    /* subprocess.CalledProcessError's text */
    fprintf(stderr, "FAILED: Error executing editor (Command '['%s', '%s']' %s %d.)\n", editor, file,
            WIFEXITED(status) ? "returned non-zero exit status" : "died with signal",
            WIFEXITED(status) ? code : -code);
    return -1;
}

int cmd_edit(int argc, char **argv) {
    const char *rev = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_take_config_option(argc, argv, &i)) continue;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { edit_usage(stdout); return 0; }
        if ((a[0] == '-' && !(a[1] >= '0' && a[1] <= '9')) || rev) return cli_unknown_option("edit", a, edit_usage);
        rev = a;
    }
    if (!rev) {
        fprintf(stderr, "retort edit: which revision? (e.g. retort edit head)\n\n");
        edit_usage(stderr);
        return 2;
    }
    retort_project *p = cli_open_project("edit");
    if (!p) return CLI_EXIT_USAGE;
    char **paths = NULL;
    size_t n = 0;
    retort_status rc = retort_revision_paths(p, rev, &paths, &n);
    retort_print_diagnostics(p, stderr);
    retort_close(p);
    int status = cli_exit_status(rc);
    char *editor = rc == RETORT_OK ? find_editor() : NULL;
    if (rc == RETORT_OK && !editor) {
        fprintf(stderr, "FAILED: Error executing editor (No suitable editor found. Please set the \"EDITOR\" or "
                        "\"VISUAL\" environment variables)\n");
        status = 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (editor && status == 0 && run_editor(editor, paths[i]) != 0) status = 1;
        free(paths[i]);
    }
    free(paths);
    free(editor);
    return status;
}
