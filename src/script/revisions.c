/*
** revisions.c — revision files: reading their headers, naming new ones.
**
** The header reader looks only at module-level assignments of revision,
** down_revision, branch_labels and depends_on (with or without a type
** annotation), and stops at the first `def`: bodies are never read, so
** listing thousands of revisions costs one short read per file.
*/
#include "script/script.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Parse a Python value that is None, a string, or a tuple/list of strings,
** starting at *p (may span lines inside brackets).  Returns false when the
** value is something else. */
static bool parse_str_value(arena *a, const char **pp, str_vec *out) {
    const char *p = *pp;
    while (*p == ' ' || *p == '\t') p++;
    if (!strncmp(p, "None", 4) && !(isalnum((unsigned char)p[4]) || p[4] == '_')) {
        *pp = p + 4;
        return true;
    }
    char close = 0;
    if (*p == '(' ) close = ')';
    else if (*p == '[') close = ']';
    if (close) p++;
    for (;;) {
        while (isspace((unsigned char)*p) || (close && *p == ',')) p++;
        if (close && *p == close) { p++; break; }
        if (*p == '#' && close) { while (*p && *p != '\n') p++; continue; }
        if (*p != '\'' && *p != '"') {
            if (!close) return false;
            return false;
        }
        char q = *p++;
        strbuf sb = STRBUF_INIT;
        sb_append(&sb, "");
        while (*p && *p != q && *p != '\n') {
            if (*p == '\\' && p[1]) p++;
            sb_appendc(&sb, *p++);
        }
        if (*p != q) { sb_free(&sb); return false; }
        p++;
        vec_push(a, out, arena_strdup(a, sb_str(&sb)));
        sb_free(&sb);
        if (!close) break;
    }
    *pp = p;
    return true;
}

/* Read a regular file (or what a symlink names, if regular) without ever
** blocking on a FIFO: opened non-blocking, checked with fstat.  NULL with
** errno set; *not_regular (when non-NULL) says the file exists but is not
** regular (*mode is its type). */
static char *read_regular(const char *path, size_t *len, bool *not_regular, mode_t *mode) {
    if (not_regular) *not_regular = false;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) { int e = errno; close(fd); errno = e; return NULL; }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        if (not_regular) *not_regular = true;
        if (mode) *mode = st.st_mode;
        errno = EINVAL;
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) util_oom();
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            if (!buf) util_oom();
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            free(buf);
            close(fd);
            errno = e;
            return NULL;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static const char *file_type_name(mode_t m) {
    if (S_ISFIFO(m)) return "a FIFO (named pipe)";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISDIR(m)) return "a folder";
    if (S_ISCHR(m) || S_ISBLK(m)) return "a device";
    return "not a regular file";
}

/* Read the header part of one file: up to the first top-level `def`. */
int revision_header_read(arena *a, const char *path, revision_header **out, diag_list *dl) {
    *out = NULL;
    size_t len = 0;
    bool not_regular = false;
    mode_t mode = 0;
    char *text = read_regular(path, &len, &not_regular, &mode);
    if (!text) {
        diag *d = not_regular ? diag_add(dl, DIAG_ERROR, (src_loc){path, 0, 0}, "cannot read revision file: it is %s",
                                         file_type_name(mode))
                              : diag_add(dl, DIAG_ERROR, (src_loc){path, 0, 0}, "cannot read revision file: %s",
                                         strerror(errno));
        if (errno == ENOENT)
            diag_set_hint(dl, d, "if it is a symbolic link, its target is missing: restore it or remove the link");
        else if (not_regular)
            diag_set_hint(dl, d, "a revision is a regular file; remove this one or give it a name not ending in .py");
        return -1;
    }
    revision_header *h = arena_alloc(a, sizeof *h);
    h->path = arena_strdup(a, path);
    bool have_rev = false, have_down = false;
    int line = 1;
    const char *p = text;
    /* Module docstring: its first line is the message. */
    while (*p == '\n' || *p == ' ') { if (*p == '\n') line++; p++; }
    if (!strncmp(p, "\"\"\"", 3) || !strncmp(p, "'''", 3)) {
        const char *q = p[0] == '"' ? "\"\"\"" : "'''";
        const char *start = p + 3;
        const char *end = strstr(start, q);
        if (end) {
            size_t n = strcspn(start, "\n");
            if (start + n > end) n = (size_t)(end - start);
            h->doc = arena_strndup(a, start, n);
            for (const char *k = p; k < end; k++) if (*k == '\n') line++;
            p = end + 3;
        }
    }
    while (*p) {
        const char *eol = strchr(p, '\n');
        if (!strncmp(p, "def ", 4) || !strncmp(p, "async def ", 10)) break;
        const char *names[] = {"revision", "down_revision", "branch_labels", "depends_on"};
        for (int k = 0; k < 4; k++) {
            size_t n = strlen(names[k]);
            if (strncmp(p, names[k], n) != 0) continue;
            const char *v = p + n;
            while (*v == ' ' || *v == '\t') v++;
            if (*v == ':') {                      /* annotation: up to '=' */
                int depth = 0;
                while (*v && !(*v == '=' && depth == 0) && *v != '\n') {
                    if (*v == '[') depth++;
                    if (*v == ']') depth--;
                    v++;
                }
            }
            if (*v != '=' || v[1] == '=') continue;
            v++;
            str_vec vals = {0};
            const char *after = v;
            if (!parse_str_value(a, &after, &vals)) {
                diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, line, (int)(v - p) + 1},
                                   "%s must be None, a string or a tuple of strings", names[k]);
                diag_set_hint(dl, d, "write it as Alembic does, e.g. %s = 'ae1027a6acf'", names[k]);
                free(text);
                return -1;
            }
            for (const char *c = p; c < after; c++) if (*c == '\n') line++;
            if (k == 0) {
                if (vals.len != 1) {
                    diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, line, 1}, "revision must be one string");
                    diag_set_hint(dl, d, "write revision = '<12 hex digits>'");
                    free(text);
                    return -1;
                }
                h->revision = vals.items[0];
                h->line_of_revision = line;
                have_rev = true;
            } else if (k == 1) { h->down_revisions = vals; have_down = true; }
            else if (k == 2) h->branch_labels = vals;
            else h->depends_on = vals;
            eol = strchr(after, '\n');
            break;
        }
        if (!eol) break;
        p = eol + 1;
        line++;
    }
    free(text);
    if (!have_rev) return 0;                      /* not a revision file */
    if (!have_down) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, h->line_of_revision, 1},
                           "revision '%s' has no down_revision", h->revision);
        diag_set_hint(dl, d, "add down_revision = None for a first revision, or the id of its parent");
        return -1;
    }
    *out = h;
    return 0;
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

int revisions_load(const char *dir, revision_set **out, diag_list *dl) {
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d) {
        diag *dg = diag_add(dl, DIAG_ERROR, (src_loc){dir, 0, 0}, "cannot open the versions folder: %s", strerror(errno));
        diag_set_hint(dl, dg, "check script_location in alembic.ini; 'retort init' creates the folder");
        return -1;
    }
    arena *a = arena_new();
    revision_set *rs = arena_alloc(a, sizeof *rs);
    rs->arena = a;
    rs->by_id = strmap_new(a);
    str_vec files = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 3 && !strcmp(e->d_name + n - 3, ".py") && e->d_name[0] != '.')
            vec_push(a, &files, arena_printf(a, "%s/%s", dir, e->d_name));
    }
    closedir(d);
    if (files.len) qsort(files.items, files.len, sizeof *files.items, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < files.len; i++) {
        /* Only regular files (or symlinks to them) are read: opening a
        ** FIFO would block (Alembic hangs there), a device may do
        ** anything.  A symlink to nothing is an error (a revision may be
        ** missing); anything else cannot be a revision: a warning. */
        struct stat st;
        if (stat(files.items[i], &st) == 0 && !S_ISREG(st.st_mode)) {
            diag *dg = diag_add(dl, DIAG_WARNING, (src_loc){files.items[i], 0, 0},
                                "skipped: %s, not a revision file", file_type_name(st.st_mode));
            diag_set_hint(dl, dg, "retort reads only regular files (and symbolic links to them) in the versions "
                                  "folder; remove it or rename it so that it does not end in .py (Alembic %s it)",
                          S_ISFIFO(st.st_mode) ? "hangs reading" : "fails on");
            continue;
        }
        revision_header *h;
        if (revision_header_read(a, files.items[i], &h, dl) != 0) { rc = -1; continue; }
        if (!h) continue;
        revision_header *prev = strmap_put(rs->by_id, h->revision, h);
        if (prev) {
            diag *dg = diag_add(dl, DIAG_ERROR, (src_loc){h->path, h->line_of_revision, 1},
                                "duplicate revision id '%s' (also in %s)", h->revision, prev->path);
            diag_set_hint(dl, dg, "give one of the files a new id; every revision id must be unique");
            rc = -1;
            continue;
        }
        vec_push(a, &rs->revisions, h);
    }
    if (rc != 0) { arena_free(a); return -1; }
    *out = rs;
    return 0;
}

void revisions_free(revision_set *rs) {
    if (rs) arena_free(rs->arena);
}

const char *revision_new_id(arena *a) {
    unsigned char b[6] = {0};
    int fd = open("/dev/urandom", O_RDONLY);
    bool ok = fd >= 0 && read(fd, b, sizeof b) == (ssize_t)sizeof b;
    if (fd >= 0) close(fd);
    if (!ok) {
        /* No /dev/urandom: fall back on time and pid, still 12 hex digits. */
        unsigned long long v = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 20);
        for (int i = 0; i < 6; i++) b[i] = (unsigned char)(v >> (8 * i));
    }
    return arena_printf(a, "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

const char *revision_slug(arena *a, const char *message, int truncate) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    const unsigned char *p = (const unsigned char *)(message ? message : "");
    while (*p) {
        while (*p && !(isalnum(*p) || *p == '_' || *p >= 0x80)) p++;
        if (!*p) break;
        if (sb.len) sb_appendc(&sb, '_');
        while (*p && (isalnum(*p) || *p == '_' || *p >= 0x80)) sb_appendc(&sb, (char)tolower(*p++));
    }
    if ((int)sb.len > truncate) {
        /* Alembic: slug[:truncate].rsplit("_", 1)[0] + "_" */
        sb.data[truncate] = '\0';
        char *us = strrchr(sb.data, '_');
        if (us) us[0] = '\0';
        const char *r = arena_printf(a, "%s_", sb.data);
        sb_free(&sb);
        return r;
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

const char *revision_file_name(arena *a, const char *tmpl, const char *rev, const char *slug,
                               const struct tm *when, time_t epoch) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    for (const char *p = tmpl; *p; p++) {
        if (*p != '%' || p[1] != '(') { sb_appendc(&sb, *p); continue; }
        const char *close = strchr(p, ')');
        if (!close) { sb_append(&sb, p); break; }
        char name[32];
        size_t n = (size_t)(close - p - 2);
        if (n >= sizeof name) n = sizeof name - 1;
        memcpy(name, p + 2, n);
        name[n] = '\0';
        /* Format spec: [.N] then d or s. */
        const char *f = close + 1;
        int width = 0;
        if (*f == '.') { f++; while (isdigit((unsigned char)*f)) width = width * 10 + (*f++ - '0'); }
        char conv = *f;
        long num = -1;
        const char *str = NULL;
        if (!strcmp(name, "rev")) str = rev;
        else if (!strcmp(name, "slug")) str = slug;
        else if (!strcmp(name, "year")) num = when->tm_year + 1900;
        else if (!strcmp(name, "month")) num = when->tm_mon + 1;
        else if (!strcmp(name, "day")) num = when->tm_mday;
        else if (!strcmp(name, "hour")) num = when->tm_hour;
        else if (!strcmp(name, "minute")) num = when->tm_min;
        else if (!strcmp(name, "second")) num = when->tm_sec;
        else if (!strcmp(name, "epoch")) num = (long)epoch;
        if (str) sb_append(&sb, str);
        else if (num >= 0) sb_printf(&sb, "%0*ld", width, num);
        p = (conv == 'd' || conv == 's') ? f : close;
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

const char *revision_create_date(arena *a, const char *timezone, struct tm *tm_out, time_t *epoch) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *epoch = ts.tv_sec;
    if (!timezone) {
        localtime_r(&ts.tv_sec, tm_out);
    } else {
        /* A configured zone: convert in it and show the offset, as
        ** Python's str(datetime.now(tz)) does. */
        const char *old = getenv("TZ");
        char *saved = old ? strdup(old) : NULL;
        setenv("TZ", strcasecmp(timezone, "utc") == 0 ? "UTC0" : timezone, 1);
        tzset();
        localtime_r(&ts.tv_sec, tm_out);
        if (saved) { setenv("TZ", saved, 1); free(saved); } else unsetenv("TZ");
        tzset();
    }
    char base[64];
    strftime(base, sizeof base, "%Y-%m-%d %H:%M:%S", tm_out);
    const char *r = arena_printf(a, "%s.%06ld", base, ts.tv_nsec / 1000);
    if (timezone) {
        long off = tm_out->tm_gmtoff;
        char sign = off < 0 ? '-' : '+';
        if (off < 0) off = -off;
        r = arena_printf(a, "%s%c%02ld:%02ld", r, sign, off / 3600, (off % 3600) / 60);
    }
    return r;
}
