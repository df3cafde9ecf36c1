/*
** sum.c — retort.sum, the integrity file of a versions folder (script.h,
** docs/ci.md): one line per revision source with the SHA-256 of its bytes,
** under a first line that hashes those lines, so that an edited, added or
** removed file, or a hand-edited retort.sum, is caught until `retort hash`
** writes it anew.  Two branches that each add a revision both change the
** first line, so git makes their merge a conflict in this file.
*/
#include "script/script.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HASH_PREFIX "sha256:"
enum { HASH_LEN = 7 + 64 };    /* "sha256:" and 64 hex digits */

/* Read and hashed 64 KiB at a time: an initial migration of 10,000 tables
** is 16 MB, which a whole read would hold beside the schemas of a run. */
const char *script_file_hash(arena *a, const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    sha256_ctx c;
    sha256_init(&c);
    unsigned char buf[65536];
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            close(fd);
            errno = EIO;
            return NULL;
        }
        if (got == 0) break;
        sha256_update(&c, buf, (size_t)got);
    }
    close(fd);
    unsigned char digest[32];
    char hex[65];
    sha256_final(&c, digest);
    sha256_to_hex(digest, hex);
    return arena_printf(a, HASH_PREFIX "%s", hex);
}

static void entry_line(strbuf *sb, const sum_entry *e) { sb_printf(sb, "%s %s\n", e->path, e->hash); }

const char *sum_whole_hash(arena *a, const sum_entries *entries) {
    sha256_ctx c;
    sha256_init(&c);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < entries->len; i++) {
        sb_reset(&sb);
        entry_line(&sb, &entries->items[i]);
        sha256_update(&c, sb.data, sb.len);
    }
    sb_free(&sb);
    unsigned char d[32];
    char hex[65];
    sha256_final(&c, d);
    sha256_to_hex(d, hex);
    return arena_printf(a, HASH_PREFIX "%s", hex);
}

static int cmp_entry(const void *x, const void *y) {
    return strcmp(((const sum_entry *)x)->path, ((const sum_entry *)y)->path);
}

char *sum_format(arena *a, sum_entries *entries) {
    if (entries->len > 1) qsort(entries->items, entries->len, sizeof *entries->items, cmp_entry);
    strbuf sb = STRBUF_INIT;
    sb_printf(&sb, "%s\n", sum_whole_hash(a, entries));
    for (size_t i = 0; i < entries->len; i++) entry_line(&sb, &entries->items[i]);
    char *text = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return text;
}

/* ------------------------------------------------------------- reading */

static bool is_hash(const char *p, size_t n) {
    if (n != HASH_LEN || strncmp(p, HASH_PREFIX, 7) != 0) return false;
    for (size_t i = 7; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f'))) return false;
    return true;
}

static const char *const REWRITE_HINT = "retort.sum is written by retort hash (and kept up to date by retort "
                                        "revision and retort merge), not by hand: check the versions folder, "
                                        "then run retort hash";

/* A located error in retort.sum, with the line's text from the text read
** (the file may have changed since, or not exist: tests parse strings). */
static diag *sum_error(diag_list *dl, const char *path, const char *text, int line, int col, int span,
                       const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static diag *sum_error(diag_list *dl, const char *path, const char *text, int line, int col, int span,
                       const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    const char *msg = arena_vprintf(dl->arena, fmt, ap);
    va_end(ap);
    diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, line, col}, "%s", msg);
    d->span = span > 0 ? span : 1;
    d->source_line = text_line(dl->arena, text, line);
    return d;
}

int sum_parse(arena *a, const char *sum_path, const char *text, size_t len, const char **whole, sum_entries *out,
              diag_list *dl) {
    *whole = NULL;
    out->len = 0;
    int nul_line, nul_col;
    if (text_find_nul(text, len, &nul_line, &nul_col)) {
        diag *d = sum_error(dl, sum_path, text, nul_line, nul_col, 1, "retort.sum holds a NUL byte");
        diag_set_hint(dl, d, "%s", REWRITE_HINT);
        return -1;
    }
    if (len == 0) {
        diag *d = sum_error(dl, sum_path, text, 1, 1, 1, "retort.sum is empty: its first line is the hash of "
                                                        "the lines below it");
        diag_set_hint(dl, d, "%s", REWRITE_HINT);
        return -1;
    }
    int errors = 0, line = 0;
    const char *prev_path = NULL;
    int prev_line = 0;
    for (const char *p = text; p < text + len;) {
        const char *nl = memchr(p, '\n', (size_t)(text + len - p));
        const char *end = nl ? nl : text + len;
        size_t n = (size_t)(end - p);
        line++;
        const char *next = nl ? nl + 1 : end;
        if (n >= 7 && (!strncmp(p, "<<<<<<<", 7) || !strncmp(p, "=======", 7) || !strncmp(p, ">>>>>>>", 7) ||
                       !strncmp(p, "|||||||", 7))) {
            diag *d = sum_error(dl, sum_path, text, line, 1, 7, "retort.sum holds a merge conflict marker");
            diag_set_hint(dl, d, "two branches each changed the versions folder (each added a revision?): "
                                 "keep both branches' revision files, see the heads with retort heads (and join "
                                 "them with retort merge heads), then write this file anew: retort hash");
            return -1;
        }
        if (n && p[n - 1] == '\r') {
            diag *d = sum_error(dl, sum_path, text, line, (int)n, 1, "retort.sum has a CR LF line end; it is "
                                                                    "written with LF only");
            diag_set_hint(dl, d, "a checkout that converts line ends (git's core.autocrlf) changes the revision "
                                 "files' bytes too, and so their hashes: mark the folder's files -text in "
                                 ".gitattributes, or run retort hash on this checkout");
            return -1;
        }
        if (line == 1) {
            if (!is_hash(p, n)) {
                diag *d = sum_error(dl, sum_path, text, 1, 1, n ? (int)n : 1,
                                    "the first line of retort.sum must be sha256: and 64 hex digits (the hash "
                                    "of the lines below it)");
                diag_set_hint(dl, d, "%s", REWRITE_HINT);
                return -1;
            }
            *whole = arena_strndup(a, p, n);
            p = next;
            continue;
        }
        if (n == 0) {
            diag *d = sum_error(dl, sum_path, text, line, 1, 1, "an empty line in retort.sum");
            diag_set_hint(dl, d, "%s", REWRITE_HINT);
            errors++;
            p = next;
            continue;
        }
        const char *sp = NULL;
        for (const char *q = end; q > p; q--)
            if (q[-1] == ' ') { sp = q - 1; break; }
        size_t path_len = sp ? (size_t)(sp - p) : 0;
        if (!sp || !path_len || !is_hash(sp + 1, (size_t)(end - sp - 1))) {
            int col = sp ? (int)(sp - p) + 2 : 1;
            diag *d = sum_error(dl, sum_path, text, line, col, sp ? (int)(end - sp - 1) : (int)n,
                                !sp ? "a line of retort.sum is '<file> sha256:<64 hex digits>'; this one has no hash"
                                : !path_len ? "a line of retort.sum names no file before its hash"
                                            : "not a hash: a line of retort.sum is '<file> sha256:<64 hex digits>'");
            diag_set_hint(dl, d, "%s", REWRITE_HINT);
            errors++;
            p = next;
            continue;
        }
        sum_entry e = {arena_strndup(a, p, path_len), arena_strndup(a, sp + 1, HASH_LEN), line};
        if (prev_path) {
            int c = strcmp(e.path, prev_path);
            if (c <= 0) {
                diag *d = c == 0 ? sum_error(dl, sum_path, text, line, 1, (int)path_len,
                                             "'%s' is listed twice in retort.sum (also at line %d)", e.path,
                                             prev_line)
                                 : sum_error(dl, sum_path, text, line, 1, (int)path_len,
                                             "retort.sum is not in order: '%s' comes after '%s' (line %d); "
                                             "retort writes the files in byte order of their names",
                                             e.path, prev_path, prev_line);
                diag_set_hint(dl, d, "%s", REWRITE_HINT);
                errors++;
                p = next;
                continue;
            }
        }
        vec_push(a, out, e);
        prev_path = e.path;
        prev_line = line;
        p = next;
    }
    return errors ? -1 : 0;
}

/* ------------------------------------------------------------- the disk */

int sum_collect(arena *a, const retort_config *c, const char *dir, sum_entries *out, diag_list *dl) {
    out->len = 0;
    str_vec files = {0};
    /* A compiled revision without its source is revisions_load_config's
    ** error to report; here only the sources count. */
    retort_config sources = *c;
    sources.sourceless = false;
    if (revisions_list_sources(a, dir, &sources, &files, dl) != 0) return -1;
    size_t dir_len = strlen(dir);
    int rc = 0;
    for (size_t i = 0; i < files.len; i++) {
        const char *path = files.items[i];
        struct stat st;
        /* What the header reader skips (a FIFO, a socket...) is no revision;
        ** a dangling link is its error. */
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        const char *rel = path + dir_len + (path[dir_len] == '/');
        bool bad = false;
        for (const char *q = rel; *q; q++) bad |= (unsigned char)*q < 0x20 || *q == 0x7f;
        if (bad) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, 0, 0},
                               "a revision file whose name holds a control character (a line break?) cannot be "
                               "listed in retort.sum");
            diag_set_hint(dl, d, "rename the file: retort.sum has one line per file");
            rc = -1;
            continue;
        }
        const char *hash = script_file_hash(a, path);
        if (!hash) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){path, 0, 0}, "cannot read the revision file: %s",
                               strerror(errno));
            diag_set_hint(dl, d, "retort.sum holds the hash of every revision file of the folder");
            rc = -1;
            continue;
        }
        sum_entry e = {arena_strdup(a, rel), hash, 0};
        vec_push(a, out, e);
    }
    if (out->len > 1) qsort(out->items, out->len, sizeof *out->items, cmp_entry);
    return rc;
}

static const char *const CHANGE_HINT_TAIL = "if the change was intended, record it: retort hash (and have the new "
                                            "retort.sum reviewed with the change)";

size_t sum_compare(const char *sum_path, const char *dir, const sum_entries *listed, const sum_entries *on_disk,
                   diag_list *dl) {
    size_t i = 0, k = 0, found = 0;
    arena *a = dl->arena;
    while (i < listed->len || k < on_disk->len) {
        const sum_entry *l = i < listed->len ? &listed->items[i] : NULL;
        const sum_entry *f = k < on_disk->len ? &on_disk->items[k] : NULL;
        int c = !l ? 1 : !f ? -1 : strcmp(l->path, f->path);
        if (c == 0) {
            if (strcmp(l->hash, f->hash) != 0) {
                int col = (int)strlen(l->path) + 2;
                diag *d = diag_add(dl, DIAG_ERROR, (src_loc){sum_path, l->line, col},
                                   "%s/%s was edited since retort.sum was written: its hash is now %.19s...",
                                   dir, l->path, f->hash);
                d->span = HASH_LEN;
                diag_set_hint(dl, d, "a reviewed (or applied) revision should not change: restore it (git diff "
                                     "-- %s/%s); %s", dir, l->path, CHANGE_HINT_TAIL);
                found++;
            }
            i++;
            k++;
        } else if (c < 0) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){sum_path, l->line, 1},
                               "%s/%s was removed since retort.sum was written (this line lists it)", dir, l->path);
            d->span = (int)strlen(l->path);
            diag_set_hint(dl, d, "restore the file (git checkout -- %s/%s), or, %s",
                          dir, l->path, CHANGE_HINT_TAIL);
            found++;
            i++;
        } else {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){arena_path_join(a, dir, f->path), 0, 0},
                               "added since retort.sum was written: %s does not list this file", sum_path);
            diag_set_hint(dl, d, "retort revision and retort merge list the files they write; a file written "
                                 "another way (python3 -m alembic revision, a copy) is listed by retort hash: %s",
                          CHANGE_HINT_TAIL);
            found++;
            k++;
        }
    }
    return found;
}

/* ------------------------------------------------------------ a project */

/* The versions folders of a project that exist, each once. */
static void sum_folders(arena *a, const retort_config *c, str_vec *out) {
    str_vec all = {0};
    if (c->version_locations.len) all = c->version_locations;
    else vec_push(a, &all, c->versions_dir);
    strmap *seen = strmap_new(a);
    for (size_t i = 0; i < all.len; i++) {
        struct stat st;
        if (stat(all.items[i], &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        char *real = realpath(all.items[i], NULL);
        const char *key = real ? arena_strdup(a, real) : all.items[i];
        free(real);
        if (strmap_get(seen, key)) continue;
        strmap_put(seen, key, (void *)key);
        vec_push(a, out, all.items[i]);
    }
}

/* What a folder's retort.sum says: 1 read (entries in *listed), 0 none,
** -1 unreadable or malformed (errors in dl). */
static int sum_read(arena *a, const char *sum_path, sum_entries *listed, const char **whole, diag_list *dl) {
    struct stat st;
    if (lstat(sum_path, &st) != 0 && errno == ENOENT) return 0;
    size_t len;
    char *text = read_file(sum_path, &len);
    if (!text) {
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){sum_path, 0, 0}, "cannot read retort.sum: %s", strerror(errno));
        diag_set_hint(dl, d, "it must be a file retort can read; retort hash writes it anew");
        return -1;
    }
    int rc = sum_parse(a, sum_path, text, len, whole, listed, dl);
    if (rc == 0 && strcmp(*whole, sum_whole_hash(a, listed)) != 0) {
        diag *d = sum_error(dl, sum_path, text, 1, 1, HASH_LEN,
                            "the first line of retort.sum is not the hash of the lines below it: they were "
                            "edited by hand (or merged)");
        diag_set_hint(dl, d, "%s", REWRITE_HINT);
        rc = -1;
    }
    free(text);
    return rc < 0 ? -1 : 1;
}

int script_sum_verify(const retort_config *c, bool note_absent, diag_list *dl) {
    arena *a = arena_new();
    str_vec folders = {0}, absent = {0};
    sum_folders(a, c, &folders);
    int rc = 0;
    for (size_t i = 0; i < folders.len; i++) {
        const char *dir = folders.items[i];
        const char *sum_path = arena_printf(a, "%s/" SUM_FILE_NAME, dir);
        sum_entries listed = {0}, on_disk = {0};
        const char *whole = NULL;
        int got = sum_read(a, sum_path, &listed, &whole, dl);
        if (got < 0) { rc = -1; continue; }
        if (got == 0) {
            vec_push(a, &absent, dir);
            continue;
        }
        if (sum_collect(a, c, dir, &on_disk, dl) != 0) { rc = -1; continue; }
        if (sum_compare(sum_path, dir, &listed, &on_disk, dl)) rc = -1;
    }
    for (size_t i = 0; i < absent.len; i++) {
        if (!c->require_sum) break;
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){absent.items[i], 0, 0},
                           "the versions folder has no " SUM_FILE_NAME ", and [retort] require_sum is true");
        diag_set_hint(dl, d, "write it with retort hash (%s:%d asks for it); revision and merge then keep it up "
                             "to date (docs/ci.md)", c->require_sum_loc.file, c->require_sum_loc.line);
        rc = -1;
    }
    if (absent.len && !c->require_sum && note_absent) {
        diag *d = diag_add(dl, DIAG_NOTE, (src_loc){absent.items[0], 0, 0},
                           "no " SUM_FILE_NAME " in %s: an edited, added or removed revision file goes unnoticed",
                           absent.len == 1 ? "this versions folder"
                                           : arena_printf(a, "%zu versions folders (%s)", absent.len,
                                                          str_vec_join(a, &absent, ", ")));
        diag_set_hint(dl, d, "write it with retort hash and commit it; revision and merge then keep it up to date, "
                             "and [retort] require_sum = true makes a missing one an error (docs/ci.md)");
    }
    arena_free(a);
    return rc;
}

/* The names of the entries only in x (by path), into out. */
static void only_in(arena *a, const sum_entries *x, const sum_entries *y, str_vec *out) {
    for (size_t i = 0; i < x->len; i++) {
        bool found = false;
        for (size_t k = 0; k < y->len && !found; k++) found = !strcmp(x->items[i].path, y->items[k].path);
        if (!found) vec_push(a, out, x->items[i].path);
    }
}

int script_sum_write(const retort_config *c, arena *a, bool create, sum_written_vec *out, diag_list *dl) {
    str_vec folders = {0};
    sum_folders(a, c, &folders);
    for (size_t i = 0; i < folders.len; i++) {
        const char *dir = folders.items[i];
        const char *sum_path = arena_printf(a, "%s/" SUM_FILE_NAME, dir);
        sum_entries before = {0}, now = {0};
        const char *whole = NULL;
        diag_list scratch;      /* a malformed old file is replaced, not reported */
        diag_list_init(&scratch);
        int got = sum_read(a, sum_path, &before, &whole, &scratch);
        diag_list_free(&scratch);
        struct stat st;
        bool exists = got != 0 || lstat(sum_path, &st) == 0;
        if (!exists && !create) continue;
        if (sum_collect(a, c, dir, &now, dl) != 0) return -1;
        char *text = sum_format(a, &now);
        size_t old_len = 0;
        char *old = exists ? read_file(sum_path, &old_len) : NULL;
        bool changed = !old || old_len != strlen(text) || memcmp(old, text, old_len) != 0;
        free(old);
        sum_written w = {.path = sum_path, .files = now.len, .created = !exists, .changed = changed};
        if (got > 0) {
            only_in(a, &now, &before, &w.added);
            only_in(a, &before, &now, &w.removed);
            for (size_t k = 0; k < now.len; k++)
                for (size_t j = 0; j < before.len; j++)
                    if (!strcmp(now.items[k].path, before.items[j].path) &&
                        strcmp(now.items[k].hash, before.items[j].hash) != 0)
                        vec_push(a, &w.edited, now.items[k].path);
        } else if (!exists) {
            for (size_t k = 0; k < now.len; k++) vec_push(a, &w.added, now.items[k].path);
        }
        if (changed && write_file_atomic(sum_path, text, strlen(text)) != 0) {
            diag *d = diag_add(dl, DIAG_ERROR, (src_loc){sum_path, 0, 0}, "cannot write retort.sum: %s",
                               strerror(errno));
            diag_set_hint(dl, d, "the versions folder must be writable; the file is written whole or not at all");
            return -1;
        }
        vec_push(a, out, w);
    }
    return 0;
}
