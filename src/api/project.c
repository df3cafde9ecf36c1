/*
** project.c — what the files of src/api/ share about a project: errors,
** the models folder, and writing a new revision file as Alembic's
** generate_revision does (the version location, the file, the post-write
** hooks).
*/
#include "api/project.h"
#include "introspect/introspect.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

diag *project_error(retort_project *p, const char *hint, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(p->diags.arena, fmt, ap);
    va_end(ap);
    diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){0}, "%s", msg);
    if (hint) diag_set_hint(&p->diags, d, "%s", hint);
    return d;
}

retort_status project_models_dir(retort_project *p, const char *option, const char *command, bool must_exist,
                                 const char **out) {
    const char *dir = option && *option ? option : p->config->models_dir;
    *out = NULL;
    struct stat st;
    bool found = stat(dir, &st) == 0;
    int err = errno;
    if (must_exist && (!found || !S_ISDIR(st.st_mode))) {
        const char *why = found ? "is not a folder"
                          : err == ENOENT || err == ENOTDIR ? "does not exist"
                                                            : arena_printf(p->diags.arena, "cannot be read: %s", strerror(err));
        diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){dir, 0, 0}, "the models folder %s (%s)", why,
                           option && *option ? "given with --models" : "[retort] models in alembic.ini");
        if (option && *option)
            diag_set_hint(&p->diags, d, "give the folder that holds the *.model files: %s --models DIR", command);
        else
            diag_set_hint(&p->diags, d,
                          "create it, set models in the [retort] section of %s, or give the folder with "
                          "%s --models DIR",
                          p->config->ini_path, command);
        return RETORT_EMODEL;
    }
    *out = dir;
    return RETORT_OK;
}

retort_status project_sum_verify(retort_project *p, const char *command, bool note_absent) {
    size_t before = p->diags.errors;
    if (script_sum_verify(p->config, note_absent, &p->diags) == 0) return RETORT_OK;
    size_t found = (size_t)p->diags.errors - before;
    project_error(p, "each error above says which file and what to do; retort hash records the folder as it is, "
                     "once the change is known to be intended",
                  "%s: the versions folder does not match its retort.sum (%zu problem%s); nothing was done",
                  command, found, found == 1 ? "" : "s");
    return RETORT_EREVISIONS;
}

/* After a new revision file: the sums that exist list it. */
static retort_status update_sums(retort_project *p, arena *a) {
    sum_written_vec written = {0};
    int rc = script_sum_write(p->config, a, false, &written, &p->diags);
    for (size_t i = 0; i < written.len; i++)
        if (written.items[i].changed) project_progress(p, "Updating %s ...  done", written.items[i].path);
    return rc == 0 ? RETORT_OK : RETORT_EIO;
}

void project_progress(retort_project *p, const char *fmt, ...) {
    if (!p->progress) return;
    va_list ap;
    va_start(ap, fmt);
    strbuf sb = STRBUF_INIT;
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    p->progress(p->progress_ctx, sb_str(&sb));
    sb_free(&sb);
}

/* os.path.normpath(os.path.abspath(path)): absolute from the current
** folder, "." and ".." and repeated slashes removed (lexically). */
static const char *abs_norm(arena *a, const char *path) {
    strbuf sb = STRBUF_INIT;
    if (path[0] != '/') {
        char *cwd = getcwd(NULL, 0);
        sb_append(&sb, cwd ? cwd : ".");
        free(cwd);
        sb_appendc(&sb, '/');
    }
    sb_append(&sb, path);
    char *full = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    str_vec parts = {0};
    for (char *save = NULL, *t = strtok_r(full, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (!strcmp(t, ".")) continue;
        if (!strcmp(t, "..")) { if (parts.len) parts.len--; continue; }
        vec_push(a, &parts, t);
    }
    return parts.len ? arena_printf(a, "/%s", str_vec_join(a, &parts, "/")) : "/";
}

/* mkdir -p, as os.makedirs. */
static int make_dirs(arena *a, const char *path) {
    char *buf = arena_strdup(a, path);
    for (char *q = buf + 1; *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *q = '/';
    }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* The folder a new revision goes to, as Alembic's generate_revision picks
** it; *shown is the folder as it names it in the hooks' file name (the
** --version-path as given, else absolute). */
static retort_status revision_folder(retort_project *p, arena *a, const revision_write *w, const char **out,
                                     const char **shown) {
    const retort_config *c = p->config;
    const char *dir = w->version_path;
    *out = NULL;
    size_t n_locations = c->version_locations.len ? c->version_locations.len : 1;
    if (!dir) {
        if (n_locations > 1) {
            if (!w->parent_paths.len) {
                project_error(p, arena_printf(a, "a new branch base has no parent to take the folder from: name "
                                                 "one of the version_locations (%s:%d), e.g. --version-path %s",
                                              c->version_locations_loc.file, c->version_locations_loc.line,
                                              c->version_locations.items[0]),
                              "Multiple version locations present, please specify --version-path");
                return RETORT_ERROR;
            }
            const char *first = w->parent_paths.items[0];
            const char *slash = strrchr(first, '/');
            dir = slash ? arena_strndup(a, first, (size_t)(slash - first)) : ".";
        } else
            dir = c->versions_dir;
    }
    const char *norm = abs_norm(a, dir);
    bool found = false;
    for (size_t i = 0; i < n_locations && !found; i++)
        found = !strcmp(abs_norm(a, c->version_locations.len ? c->version_locations.items[i] : c->versions_dir), norm);
    if (!found) {
        project_error(p, c->version_locations.len
                             ? arena_printf(a, "--version-path must name one of version_locations (%s:%d): %s",
                                            c->version_locations_loc.file, c->version_locations_loc.line,
                                            str_vec_join(a, &c->version_locations, ", "))
                             : arena_printf(a, "the only version location is %s; list others in version_locations",
                                            c->versions_dir),
                      "Path %s is not represented in current version locations", dir);
        return RETORT_ERROR;
    }
    if (c->version_locations.len) {
        struct stat st;
        if (stat(norm, &st) != 0) {
            if (make_dirs(a, norm) != 0) {
                diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){norm, 0, 0}, "cannot create the folder: %s",
                                   strerror(errno));
                diag_set_hint(&p->diags, d, "nothing was written");
                return RETORT_EIO;
            }
            project_progress(p, "Creating directory %s ...  done", norm);
        }
    }
    *out = norm;
    *shown = w->version_path ? dir : norm;
    return RETORT_OK;
}

/* shlex.split(s, posix=True): words split at whitespace; '...' literal;
** "..." with \\ \" \$ \` and \newline escapes; \x outside quotes is x.
** NULL (and *bad set) for an unclosed quote, as shlex raises. */
static char **shlex_split(arena *a, const char *s, const char **bad) {
    VEC(char *) words = {0};
    strbuf sb = STRBUF_INIT;
    bool in_word = false;
    *bad = NULL;
    for (const char *q = s; *q; q++) {
        if (isspace((unsigned char)*q)) {
            if (in_word) { vec_push(a, &words, arena_strdup(a, sb_str(&sb))); sb_reset(&sb); in_word = false; }
            continue;
        }
        in_word = true;
        if (*q == '\\') { if (q[1]) sb_appendc(&sb, *++q); continue; }
        if (*q == '\'' || *q == '"') {
            char quote = *q;
            const char *open = q;
            for (q++; *q && *q != quote; q++) {
                if (quote == '"' && *q == '\\' && q[1] && strchr("\\\"$`\n", q[1])) q++;
                sb_appendc(&sb, *q);
            }
            if (!*q) { *bad = open; sb_free(&sb); return NULL; }
            continue;
        }
        sb_appendc(&sb, *q);
    }
    if (in_word) vec_push(a, &words, arena_strdup(a, sb_str(&sb)));
    sb_free(&sb);
    vec_push(a, &words, NULL);
    return words.items;
}

/* An executable named name on PATH (as shutil.which), or NULL. */
static const char *find_on_path(arena *a, const char *name) {
    if (strchr(name, '/')) return access(name, X_OK) == 0 ? name : NULL;
    const char *path = getenv("PATH");
    for (const char *q = path ? path : "/usr/bin:/bin"; q;) {
        size_t n = strcspn(q, ":");
        const char *cand = arena_printf(a, "%.*s/%s", (int)n, n ? q : ".", name);
        struct stat st;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) return cand;
        q = q[n] ? q + n + 1 : NULL;
    }
    return NULL;
}

/* Run one post-write hook as Alembic's write_hooks does: the command
** (exec: the executable; console_scripts: the entry point, here the
** program of that name on PATH; module: python3 -m MODULE), then the
** options (REVISION_SCRIPT_FILENAME replaced by the file's path, put
** first when absent), in .cwd; its output goes where ours goes.  Alembic
** does not look at the exit status; retort warns about a failure. */
static retort_status run_hook(retort_project *p, arena *a, const write_hook *h, const char *path) {
    static const char TOKEN[] = "REVISION_SCRIPT_FILENAME";
    project_progress(p, "Running post write hook \"%s\" ...", h->name);
    const char *opts = strstr(h->options, TOKEN) ? h->options : arena_printf(a, "%s %s", TOKEN, h->options);
    const char *bad;
    char **words = shlex_split(a, opts, &bad);
    if (!words) {
        project_progress(p, "  FAILED");
        diag *d = diag_add(&p->diags, DIAG_ERROR, h->loc, "post write hook '%s': No closing quotation in %s.options",
                           h->name, h->name);
        diag_set_hint(&p->diags, d, "close the quote in %s.options (it is split as a shell would: shlex)", h->name);
        return RETORT_ERROR;
    }
    VEC(char *) argv = {0};
    const char *prog = h->program;
    if (h->type == HOOK_CONSOLE_SCRIPTS) {
        prog = find_on_path(a, h->program);
        if (!prog) {
            project_progress(p, "  FAILED");
            diag *d = diag_add(&p->diags, DIAG_ERROR, h->loc, "Could not find entrypoint console_scripts.%s",
                               h->program);
            diag_set_hint(&p->diags, d, "retort runs the console script '%s' found on PATH: install it (e.g. pip "
                                        "install %s), or use %s.type = exec with %s.executable", h->program,
                          h->program, h->name, h->name);
            return RETORT_ERROR;
        }
    }
    if (h->type == HOOK_MODULE) {
        vec_push(a, &argv, (char *)"python3");
        vec_push(a, &argv, (char *)"-m");
    }
    vec_push(a, &argv, (char *)prog);
    for (char **wd = words; *wd; wd++) {
        strbuf sb = STRBUF_INIT;
        sb_append(&sb, "");
        for (const char *q = *wd; *q;) {
            const char *at = strstr(q, TOKEN);
            if (!at) { sb_append(&sb, q); break; }
            sb_appendn(&sb, q, (size_t)(at - q));
            sb_append(&sb, path);
            q = at + sizeof TOKEN - 1;
        }
        vec_push(a, &argv, arena_strdup(a, sb_str(&sb)));
        sb_free(&sb);
    }
    vec_push(a, &argv, NULL);
    int pipefd[2];
    if (pipe(pipefd) != 0) util_oom();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        project_progress(p, "  FAILED");
        project_error(p, NULL, "post write hook '%s': cannot start a process: %s", h->name, strerror(errno));
        return RETORT_ERROR;
    }
    if (pid == 0) {
        /* The child tells the parent why exec failed through the pipe. */
        close(pipefd[0]);
        fcntl(pipefd[1], F_SETFD, FD_CLOEXEC);
        int err = 0;
        if (h->cwd && chdir(h->cwd) != 0) err = errno;
        else {
            execvp(argv.items[0], argv.items);
            err = errno;
        }
        char what = h->cwd && err && access(h->cwd, F_OK) != 0 ? 'c' : 'e';
        if (write(pipefd[1], &what, 1) < 0 || write(pipefd[1], &err, sizeof err) < 0) _exit(127);
        _exit(127);
    }
    close(pipefd[1]);
    char what = 0;
    int err = 0;
    ssize_t got = read(pipefd[0], &what, 1);
    if (got == 1 && read(pipefd[0], &err, sizeof err) != (ssize_t)sizeof err) err = 0;
    close(pipefd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (got == 1) {
        project_progress(p, "  FAILED");
        diag *d = diag_add(&p->diags, DIAG_ERROR, h->loc, "post write hook '%s': [Errno %d] %s: '%s'", h->name, err,
                           strerror(err), what == 'c' ? h->cwd : argv.items[0]);
        diag_set_hint(&p->diags, d, what == 'c' ? "%s.cwd names no folder: fix it in [post_write_hooks]"
                                                : "check %s.executable (or the program's name) in [post_write_hooks]",
                      h->name);
        return RETORT_ERROR;
    }
    project_progress(p, "  done");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        diag *d = diag_add(&p->diags, DIAG_WARNING, h->loc, "post write hook '%s' %s %d", h->name,
                           WIFEXITED(status) ? "exited with status" : "was killed by signal",
                           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        diag_set_hint(&p->diags, d, "the revision file was written and kept; Alembic does not check a hook's exit "
                                    "status either, so neither command fails");
    }
    return RETORT_OK;
}

retort_status project_write_revision(retort_project *p, arena *a, const migration_ops *ops, const revision_write *w,
                                     const char **path_out) {
    retort_config *c = p->config;
    render_options ro = w->ro;
    *path_out = NULL;
    const char *dir, *shown;
    retort_status rs = revision_folder(p, a, w, &dir, &shown);
    if (rs != RETORT_OK) return rs;
    struct tm when;
    time_t epoch;
    const char *date = revision_create_date(a, c->timezone, &when, &epoch);
    if (!ro.create_date) ro.create_date = date;
    const char *slug = revision_slug(a, w->slug_message ? w->slug_message : "", c->truncate_slug_length);
    const char *name = revision_file_name(a, c->file_template, ro.revision, slug, &when, epoch);
    const char *path = arena_printf(a, "%s/%s.py", dir, name);
    struct stat st;
    if (stat(path, &st) == 0) {
        project_error(p, "nothing was written; choose another message or --rev-id", "'%s' already exists", path);
        return RETORT_EIO;
    }
    migration_ops none = {0};
    char *text = render_python(ops ? ops : &none, &ro);
    if (!strcmp(c->output_encoding, "ascii")) {
        /* Alembic's UnicodeEncodeError, before anything is written. */
        for (const unsigned char *q = (const unsigned char *)text; *q; q++)
            if (*q >= 0x80) {
                diag *d = diag_add(&p->diags, DIAG_ERROR, c->output_encoding_loc,
                                   "'ascii' codec can't encode the revision file: it holds non-ASCII text (byte "
                                   "0x%02X at offset %zu)", *q, (size_t)(q - (const unsigned char *)text));
                diag_set_hint(&p->diags, d, "nothing was written; write the message in ASCII, or set "
                                            "output_encoding = utf-8");
                free(text);
                return RETORT_ERROR;
            }
    }
    int rc = write_file_atomic(path, text, strlen(text));
    int err = errno;
    free(text);
    if (rc != 0) {
        diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){path, 0, 0}, "cannot write the revision file: %s",
                           strerror(err));
        diag_set_hint(&p->diags, d, "nothing was written; check that the versions folder exists and is writable");
        return RETORT_EIO;
    }
    *path_out = path;
    project_progress(p, "Generating %s ...  done", path);
    const char *hook_path = arena_printf(a, "%s/%s.py", shown, name);
    for (size_t i = 0; i < c->hooks.len && rs == RETORT_OK; i++) rs = run_hook(p, a, &c->hooks.items[i], hook_path);
    /* The file stays when a hook fails: the sums list it all the same. */
    retort_status ss = update_sums(p, a);
    return rs != RETORT_OK ? rs : ss;
}

void project_introspect_options(const retort_project *p, const schema *wanted, introspect_options *out) {
    const retort_config *c = p->config;
    *out = (introspect_options){.exclude_tables = &c->exclude_tables};
    if (c->include_schemas_given) {
        out->schemas = &c->include_schemas;
        out->all_schemas = c->include_all_schemas;
    } else if (wanted) {
        out->schemas = &wanted->schemas_named;
    }
}
