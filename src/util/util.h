/*
** util.h — the support layer every stage stands on.
**
**   arena   one allocator per Schema / per Ops list / per parse; everything
**           allocated from it is freed at once by arena_free().
**   vec     growable arrays whose storage lives in an arena.
**   strbuf  a growable byte buffer (malloc-backed) for building output text.
**   strmap  an open-addressing hash map from string to pointer (arena-backed),
**           so lookups by name stay O(1) however many tables there are.
**   diag    diagnostics: message, file:line:column, the source line, a hint.
**   sha256  SHA-256, for retort.sum and the checksums of applied revisions.
**
** Nothing here prints to stdout or exits; callers decide what to do with
** errors.  Allocation failure aborts (there is nothing sensible to do with a
** half-built schema), via util_oom().
*/
#ifndef RETORT_UTIL_H
#define RETORT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ------------------------------------------------------------------ arena */

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);
/* Everything allocated from a is freed, and a is as arena_new() made it:
** a scratch arena used again item after item. */
void arena_reset(arena *a);
void *arena_alloc(arena *a, size_t size);            /* zeroed, aligned */
char *arena_strdup(arena *a, const char *s);         /* NULL -> NULL */
char *arena_strndup(arena *a, const char *s, size_t n);  /* at most n bytes of s, as strndup */
/* The n bytes at s, which hold no NUL (a scanner's token, a span of a C
** string), and a NUL: arena_strndup without its search for an earlier NUL. */
char *arena_strcopy(arena *a, const char *s, size_t n);
/* The strings given, up to a NULL, one after the other: what
** arena_printf(a, "%s%s...") writes, without the formatting (names and
** paths made once per table or file). */
char *arena_strjoin(arena *a, ...) __attribute__((sentinel));
/* "dir/name". */
char *arena_path_join(arena *a, const char *dir, const char *name);
/* Room for a string of at most n bytes (n + 1, unaligned, not zeroed),
** for a caller that writes it in place and ends it with its NUL. */
char *arena_string_room(arena *a, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);
/* Grow a block allocated from the arena (old contents copied; old block is
** simply abandoned until the arena is freed). */
void *arena_grow(arena *a, void *old, size_t old_size, size_t new_size);
/* The bytes allocated from a so far, alignment included: what a caller
** that bounds its memory counts (a walk over a's blocks). */
size_t arena_used(const arena *a);

void util_oom(void) __attribute__((noreturn));
/* Give the pages of freed heap memory back to the system, which glibc
** otherwise keeps resident: after a large library state is freed in the
** middle of a run (a SQLite connection's parsed schema).  Only when at
** least 8 MiB are free: less is kept for the next allocations, which
** would otherwise fault every page in again. */
void util_trim_heap(void);

/* -------------------------------------------------------------------- vec */

/* A vector of T whose items live in an arena:  VEC(column *) columns; */
#define VEC(T) struct { T *items; size_t len, cap; }

#define vec_push(a, v, x)                                                      \
    do {                                                                       \
        if ((v)->len == (v)->cap) {                                            \
            size_t ncap_ = (v)->cap ? (v)->cap * 2 : 4;                        \
            (v)->items = arena_grow((a), (v)->items,                           \
                                    (v)->cap * sizeof *(v)->items,             \
                                    ncap_ * sizeof *(v)->items);               \
            (v)->cap = ncap_;                                                  \
        }                                                                      \
        (v)->items[(v)->len++] = (x);                                          \
    } while (0)

/* Room for n items in all, when the count is known before the pushes: a
** vector grown by doubling among other allocations leaves each smaller
** copy behind (half again its final size). */
#define vec_reserve(a, v, n)                                                   \
    do {                                                                       \
        size_t want_ = (n);                                                    \
        if (want_ > (v)->cap) {                                                \
            (v)->items = arena_grow((a), (v)->items,                           \
                                    (v)->cap * sizeof *(v)->items,             \
                                    want_ * sizeof *(v)->items);               \
            (v)->cap = want_;                                                  \
        }                                                                      \
    } while (0)

typedef VEC(const char *) str_vec;

/* The strings of v joined by sep, in arena a ("" when empty). */
const char *str_vec_join(arena *a, const str_vec *v, const char *sep);

/* ----------------------------------------------------------------- strbuf */

typedef struct strbuf {
    char *data;     /* always NUL-terminated once anything was appended */
    size_t len, cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}
void sb_append(strbuf *sb, const char *s);
void sb_appendn(strbuf *sb, const char *s, size_t n);
void sb_appendc(strbuf *sb, char c);
void sb_append_join(strbuf *sb, const str_vec *v, const char *sep);   /* v's items, sep between them */
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *sb, const char *fmt, va_list ap);
void sb_reset(strbuf *sb);        /* len = 0, keeps storage */
void sb_free(strbuf *sb);
const char *sb_str(strbuf *sb);   /* "" when empty */
/* Detach the buffer: caller owns the returned malloc'd string. */
char *sb_take(strbuf *sb);

/* ----------------------------------------------------------------- strmap */

typedef struct strmap strmap;
strmap *strmap_new(arena *a);
void *strmap_get(const strmap *m, const char *key);
/* Returns the previous value for key (NULL when new). */
void *strmap_put(strmap *m, const char *key, void *value);
/* key -> value (not NULL) unless key is there already: NULL when it was
** added, else the value key keeps (one search either way). */
void *strmap_add(strmap *m, const char *key, void *value);
size_t strmap_count(const strmap *m);
/* Room for n keys in all, before they are put (see vec_reserve). */
void strmap_reserve(strmap *m, size_t n);

/* ------------------------------------------------------------------- diag */

/* Where something is in a source file.  line and column are 1-based; 0
** means unknown.  file is an arena- or statically-owned path. */
typedef struct src_loc {
    const char *file;
    int line, column;
} src_loc;

typedef enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_severity;

typedef struct diag {
    diag_severity severity;
    src_loc loc;
    int span;               /* caret width (>= 1) when loc is known */
    const char *message;    /* what is wrong */
    const char *hint;       /* what to do, or NULL */
    const char *source_line;/* the offending line's text, or NULL */
} diag;

/* A list of diagnostics, allocated in its own arena. */
typedef struct diag_list {
    arena *arena;
    VEC(diag) items;
    int errors;
} diag_list;

void diag_list_init(diag_list *dl);
void diag_list_free(diag_list *dl);
/* Copy every diagnostic of src to the end of dst (strings copied too). */
void diag_list_append(diag_list *dst, const diag_list *src);
/* Add a diagnostic; message is printf-formatted.  The source line is filled
** from the file (file_line) when loc.file is readable. */
diag *diag_add(diag_list *dl, diag_severity sev, src_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_set_hint(diag_list *dl, diag *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The source line of a diagnostic: line `line` (1-based) of text, without
** its line end ("\n", "\r\n" or a lone "\r"), copied into a; NULL when
** text is NULL, line < 1 or text has fewer lines.  Lines are counted by
** "\n", so "a\n" has two lines, "a" and "".  The parsers and the resolver
** take it from the text they read (the file may have changed since);
** file_line reads path (NULL when it cannot be read), as diag_add does. */
const char *text_line(arena *a, const char *text, int line);
const char *file_line(arena *a, const char *path, int line);
/* Print every diagnostic as
**     file:line:column: error: message
**        12 |   name  Strng(255)
**           |         ^~~~~
**     hint: did you mean "String"?
** colour is never used (output goes to logs and CI as often as terminals). */
void diag_print(const diag_list *dl, FILE *out);
void diag_print_one(const diag *d, FILE *out);
/* s with the bytes a terminal would act on escaped: C0 controls other than
** tab and newline, and DEL, as \xNN; C1 controls (U+0080-U+009F) as
** \uNNNN.  Text from a database (comments, server notices) or from a file
** goes out through this. */
void fputs_printable(const char *s, FILE *out);

/* ------------------------------------------------------------ suggestions */

/* Levenshtein distance, bounded: returns max+1 when the distance exceeds max. */
int edit_distance(const char *a, const char *b, int max);
/* The candidate closest to word (case-insensitive), or NULL when none is
** close enough to be a plausible typo. */
const char *closest_match(const char *word, const char *const *candidates, size_t n);

/* ------------------------------------------------------- SQL text shapes */

/* "(a + b)": the whole text is one parenthesized group (quotes skipped). */
bool sql_parenthesized_whole(const char *text);
/* "lower(email)", "pg_catalog.lower(x)": the whole text is one call. */
bool sql_function_call(const char *text);
/* Past blanks and comments (-- to the end of the line, / * ... * /). */
const char *sql_skip_space(const char *p);

/* ------------------------------------------------------------------ files */

/* Read a whole file into a malloc'd NUL-terminated buffer; NULL on error
** (errno set). */
char *read_file(const char *path, size_t *len_out);
/* read_file for a path a directory listing says is a regular file
** (d_type DT_REG): no fstat, a single read for a file under 64 KiB. */
char *read_regular_file(const char *path, size_t *len_out);
/* read_file for a path that may name anything (a link, an entry whose
** type the listing did not give): opened without blocking, read only when
** fstat says it is a regular file; otherwise NULL with errno EINVAL and
** *type_out (when non-NULL) its st_mode (0 when it could not be opened). */
char *read_file_if_regular(const char *path, size_t *len_out, mode_t *type_out);

/* Many files a directory listing says are regular, read whole: through
** io_uring where the kernel offers it (32 files a system call instead of
** three system calls a file), else one by one.  Each file_read ends as
** read_regular_file leaves it: text (malloc'd, free() it) and len, or
** text NULL and error the errno. */
typedef struct file_read {
    const char *path;
    char *text;
    size_t len;
    int error;
} file_read;
typedef struct file_reader file_reader;
/* allow_io_uring false: one by one always (tests compare the two ways). */
file_reader *file_reader_new(bool allow_io_uring);
/* Whether the reader batches through io_uring. */
bool file_reader_batched(const file_reader *fr);
void file_reader_read(file_reader *fr, file_read *files, size_t n);
void file_reader_free(file_reader *fr);
/* Where the first NUL byte of text[0..len) is (1-based line and byte
** column); false when there is none.  Text files read into C strings would
** silently end there, so the readers refuse one. */
bool text_find_nul(const char *text, size_t len, int *line, int *column);
/* Write data to path atomically: a temporary file in the same folder, fsync,
** rename.  On any error nothing is left at path or beside it; returns 0 or
** -1 with errno set. */
int write_file_atomic(const char *path, const char *data, size_t len);

/* ---------------------------------------------------------------- sha256 */

/* SHA-256 (FIPS 180-4), for retort.sum and the applied checksums: feed the
** bytes in pieces of any size, then take the 32-byte digest. */
typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;             /* fed so far */
    unsigned char block[64];
    size_t fill;                /* bytes of block in use */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
/* 64 lower-case hex digits and a NUL. */
void sha256_to_hex(const unsigned char digest[32], char out[65]);
/* The hex digest of data[0..len) at once. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
