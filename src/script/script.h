/*
** script.h — the project on disk: alembic.ini, the versions folder, revision
** ids, file names from file_template, and the revision headers.
*/
#ifndef RETORT_SCRIPT_H
#define RETORT_SCRIPT_H

#include "util/util.h"

#include <time.h>

/* ------------------------------------------------------------ alembic.ini */

/* One hook of [post_write_hooks] (hooks = a, b; a.type = exec ...), run
** after a revision file is written, as Alembic runs them. */
typedef enum write_hook_type { HOOK_EXEC, HOOK_CONSOLE_SCRIPTS, HOOK_MODULE } write_hook_type;
typedef struct write_hook {
    const char *name;
    write_hook_type type;
    const char *program;            /* exec: .executable; console_scripts: .entrypoint;
                                    ** module: .module */
    const char *options;            /* .options ("" when unset) */
    const char *cwd;                /* .cwd, or NULL */
    src_loc loc;                    /* its .type line */
} write_hook;

typedef struct retort_config {
    arena *arena;
    const char *ini_path;
    const char *section;            /* the section read for Alembic's keys: "alembic",
                                    ** or the one -n/--name names */
    const char *here;               /* folder of alembic.ini (%(here)s) */
    const char *script_location;    /* resolved against `here` */
    const char *versions_dir;       /* <script_location>/versions, or the first of
                                    ** version_locations */
    str_vec version_locations;      /* version_locations, split as Alembic splits it
                                    ** (path_separator / version_path_separator);
                                    ** empty: versions_dir alone */
    src_loc version_locations_loc;
    bool recursive_version_locations;   /* subfolders too (Alembic 1.10+) */
    bool sourceless;                /* sourceless = true: .pyc revisions exist */
    src_loc sourceless_loc;
    const char *output_encoding;    /* "utf-8" or "ascii" (what retort can write) */
    src_loc output_encoding_loc;
    bool revision_environment;      /* env.py would run for `revision` */
    VEC(write_hook) hooks;          /* [post_write_hooks], in `hooks` order */
    const char *file_template;      /* after ConfigParser interpolation */
    int truncate_slug_length;       /* default 40 */
    const char *timezone;           /* the TZ value of the configured zone ("UTC0",
                                    ** ":/usr/share/zoneinfo/Europe/Paris"); NULL: local time */
    const char *url;                /* sqlalchemy.url, or DATABASE_URL */
    const char *url_source;         /* "DATABASE_URL" or "alembic.ini" */
    /* [retort] section */
    const char *models_dir;         /* default <here>/models */
    str_vec exclude_tables;         /* tables to leave alone */
    bool render_as_batch;           /* default true: batch_alter_table blocks */
    const char *pg_schema;          /* default public */
    /* include_schemas: the PostgreSQL schemas read besides pg_schema, or
    ** all of them (every schema but the server's own).  Not given: those
    ** the models name (include_schemas_given false). */
    str_vec include_schemas;
    bool include_all_schemas;
    bool include_schemas_given;
    src_loc include_schemas_loc;
    int backup_keep;                /* SQLite backups kept, newest first (5) */
    const char *version_table;      /* default alembic_version (env.py's version_table) */
    const char *version_table_schema;   /* PostgreSQL schema of it; NULL: the search path */
    bool alembic_fallback;          /* run what the reader refuses through Alembic */
    src_loc alembic_fallback_loc;   /* its line, or nothing */
    const char *alembic_python;     /* the interpreter of `-m alembic` (/usr/bin/python3) */
    /* retort.sum and the applied checksums (docs/ci.md) */
    bool require_sum;               /* a versions folder without retort.sum is an error */
    src_loc require_sum_loc;        /* its line, or nothing */
    bool record_checksums;          /* the runner records each applied file's hash (true) */
    const char *checksum_table;     /* where (retort_migrations), beside the version table */
    /* Lint settings (lint.h checks the rule ids, at these places): lists of
    ** rule ids or categories, NULL when absent. */
    const char *lint_error, *lint_warning, *lint_ignore, *refuse_unacknowledged;
    src_loc lint_error_loc, lint_warning_loc, lint_ignore_loc, refuse_unacknowledged_loc;
} retort_config;

/* Read alembic.ini as Alembic does (Python's ConfigParser, strict: a
** duplicate section or option, a line before the first section, a line that
** is not `key = value`, and bad or recursive %(name)s interpolation are
** errors; keys are case-insensitive; continuation lines), then the [retort]
** section (an unknown key is an error, with a did-you-mean) and the
** DATABASE_URL environment variable.  file_template and timezone are checked
** here, for every command (Alembic checks them only when it writes a
** revision).  Returns 0, or -1 with located diagnostics. */
int config_load(const char *ini_path, retort_config **out, diag_list *dl);
/* The same, reading Alembic's keys from `section` (Alembic's -n/--name;
** NULL: "alembic"). */
int config_load_section(const char *ini_path, const char *section, retort_config **out, diag_list *dl);
/* The same for an in-memory text, read as the contents of ini_path (which
** gives %(here)s and the diagnostics' file name; it need not exist). */
int config_load_string(const char *ini_path, const char *text, retort_config **out, diag_list *dl);
void config_free(retort_config *c);

/* ------------------------------------------------------- revision files */

/* What a revision file's header says (the module-level assignments). */
typedef struct revision_header {
    const char *path;               /* file path */
    const char *revision;
    str_vec down_revisions;         /* empty: a base */
    str_vec branch_labels;
    str_vec depends_on;
    const char *longdoc;            /* the module docstring, decoded as Python does,
                                    ** stripped (Alembic's Script.longdoc); "" if none */
    const char *doc;                /* its first paragraph (Script.doc) */
    int line_of_revision;           /* where `revision =` is */
} revision_header;

typedef struct revision_set {
    arena *arena;
    VEC(revision_header *) revisions;
    strmap *by_id;
} revision_set;

/* The header of one revision file.  The file must be a regular file (or a
** symlink to one), UTF-8 without NUL bytes, pass a token-level check
** (strings terminated, brackets matched, no stray characters, no merge
** conflict markers), and declare `revision =` and `down_revision =`; its
** ids and labels must follow revision_name_check.  Anything else is -1 with
** one located error (as Python reports one SyntaxError per file). */
int revision_header_read(arena *a, const char *path, revision_header **out, diag_list *dl);
/* The same for an in-memory text[0..len), read as the contents of path;
** text[len] must be '\0' (as read_file leaves it): the scanner stops there. */
int revision_header_parse(arena *a, const char *path, const char *text, size_t len, revision_header **out,
                          diag_list *dl);
/* Read the headers of every *.py file in dir (only up to the end of the
** header assignments: bodies are never interpreted here).  Skipped, as
** Alembic skips them: names starting with "__init__" (and, retort's own
** rule, with "."); an entry that is not a regular file (a FIFO, a socket, a
** device, a folder) is skipped with a warning, as it cannot hold a revision
** (Alembic hangs on a FIFO).  Every other file must be a revision. */
int revisions_load(const char *dir, revision_set **out, diag_list *dl);
/* The revisions of a project: every folder of version_locations in order
** (a missing one is skipped, as Alembic skips it; a file reached twice is
** read once, with Alembic's warning), their subfolders with
** recursive_version_locations (sorted, depth first, as os.walk with sorted
** folders), or versions_dir alone.  With sourceless, a compiled revision
** (.pyc/.pyo, or a .pyc in __pycache__) that has no .py beside it is an error:
** retort reads sources only. */
int revisions_load_config(const retort_config *c, revision_set **out, diag_list *dl);
void revisions_free(revision_set *rs);
/* The revision sources of one folder that revisions_load_config reads (the
** *.py files but __init__*, hidden ones; with recursive_version_locations
** its subfolders too), in its order, into files (paths in a).  With
** sourceless, a compiled revision without its source is an error here too. */
int revisions_list_sources(arena *a, const char *dir, const retort_config *c, str_vec *files, diag_list *dl);

/* Does text[0..len) hold valid UTF-8 (strict, as Python decodes source)?
** Returns len, or the offset of the first byte that is not. */
size_t script_utf8_check(const char *text, size_t len);

/* ------------------------------------------------------------ retort.sum */

/* Each versions folder (versions_dir, or each folder of version_locations
** that exists) may hold a retort.sum (docs/ci.md), Atlas's atlas.sum for
** Alembic's folder: the hash of every revision source of the folder
** (revisions_list_sources: what Alembic loads), so that a file edited,
** added or removed without `retort hash` is caught:
**
**     sha256:<64 hex: the SHA-256 of the lines below, each with its \n>
**     <path relative to the folder> sha256:<64 hex: the file's bytes>
**     ...
**
** the files in byte order of their paths (deterministic), LF line ends.
** Alembic reads *.py files only, so it never sees the file. */
#define SUM_FILE_NAME "retort.sum"

typedef struct sum_entry {
    const char *path;               /* relative to the folder ("sub/x.py" with
                                    ** recursive_version_locations) */
    const char *hash;               /* "sha256:<64 hex>" */
    int line;                       /* its line in retort.sum (parsed); 0 */
} sum_entry;
typedef VEC(sum_entry) sum_entries;

/* "sha256:<hex>" of the bytes of a file, or NULL (errno set). */
const char *script_file_hash(arena *a, const char *path);
/* The first line's hash: "sha256:<hex>" of the entries' lines (in order). */
const char *sum_whole_hash(arena *a, const sum_entries *entries);
/* The text of a retort.sum for entries, which are sorted here (by path,
** byte order). */
char *sum_format(arena *a, sum_entries *entries);
/* Read text[0..len) as the retort.sum at sum_path: the first line's hash
** into *whole, the file lines into out.  What is not in the format (a bad
** hash, a line without one, a line twice or out of order, CR line ends,
** merge conflict markers, NUL bytes) is a located error (sum_path:LINE:COL)
** with a hint; -1 then. */
int sum_parse(arena *a, const char *sum_path, const char *text, size_t len, const char **whole, sum_entries *out,
              diag_list *dl);
/* The entries of a folder as they are on disk now (sorted); -1 with an
** error at a file that cannot be read, or whose name cannot be a line. */
int sum_collect(arena *a, const retort_config *c, const char *dir, sum_entries *out, diag_list *dl);
/* The differences between what retort.sum lists and what the folder
** holds, each a located error: an edited file at its line's hash
** (sum_path:LINE:COL), a removed one at its line, an added one at the
** file; the hint says `retort hash` (if the change was intended).  Returns
** how many. */
size_t sum_compare(const char *sum_path, const char *dir, const sum_entries *listed, const sum_entries *on_disk,
                   diag_list *dl);

/* Verify the retort.sum of every versions folder of the project (what
** check, lint, upgrade, downgrade, revision, merge and verify do first).  A
** folder without one: an error with [retort] require_sum = true, else with
** note_absent one note for them all (what check and lint say), else
** nothing.  Returns 0, or -1 with the located errors. */
int script_sum_verify(const retort_config *c, bool note_absent, diag_list *dl);

/* What script_sum_write did to one folder's retort.sum. */
typedef struct sum_written {
    const char *path;               /* the retort.sum */
    size_t files;                   /* lines written */
    bool created, changed;          /* new file; content differs from before */
    str_vec added, edited, removed; /* against what it listed before (when it
                                    ** could be read) */
} sum_written;
typedef VEC(sum_written) sum_written_vec;

/* Write the retort.sum of every versions folder (create: those without
** one too; else only those that have one), atomically, from the files as
** they are now.  `retort hash` creates; `revision` and `merge` update.
** Returns 0, or -1 with a located error (what was written before it
** stays: each file is whole). */
int script_sum_write(const retort_config *c, arena *a, bool create, sum_written_vec *out, diag_list *dl);

/* -------------------------------------------- revision ids and labels */

/* The one rule for the names of revisions (docs/revision-graph.md, "Revision
** ids and branch labels"), wherever they come from (revision files,
** --rev-id, --branch-label, merge):
**   - ASCII letters, digits and '_', and '.' anywhere but first;
**   - a branch label may also have '-', but not first or last;
**   - not base, head, heads or current (Alembic's symbols).
** What retort creates must also work everywhere, so a new name has two
** more constraints (files keep what Alembic accepts):
**   - a new revision id has at most 32 characters
**     (alembic_version.version_num is VARCHAR(32));
**   - a new branch label has no '-' before a digit (Alembic reads "x-1@head"
**     as "one revision below x").
** Returns 0, or -1 with an error at loc (span: caret width) saying which
** character is wrong and what the rule is. */
typedef enum revision_name_kind {
    NAME_REVISION, NAME_NEW_REVISION, NAME_BRANCH_LABEL, NAME_NEW_BRANCH_LABEL
} revision_name_kind;
int revision_name_check(const char *name, revision_name_kind kind, src_loc loc, int span, diag_list *dl);

/* ---------------------------------------------------------- new files */

/* 12 random hex digits (from /dev/urandom). */
const char *revision_new_id(arena *a);
/* Alembic's slug: the words of the message joined by '_', lower case,
** truncated at a word boundary to `truncate` characters. */
const char *revision_slug(arena *a, const char *message, int truncate);
/* Expand file_template with rev, slug and the date parts, as Python's
** `file_template % {...}` does: %(key)s for every key, %(key)d / %(key)i
** for the numbers, with flags (0 - + space), width and precision; %%.
** The template must have passed revision_template_check. */
const char *revision_file_name(arena *a, const char *file_template, const char *rev,
                               const char *slug, const struct tm *when, time_t epoch);
/* NULL when file_template expands; else what is wrong (a key Alembic does
** not give, a conversion retort does not write, a lone '%'), *at the offset
** of the offending '%' and *hint what to write instead (spelt as
** alembic.ini spells it: %%(rev)s). */
const char *revision_template_check(arena *a, const char *file_template, size_t *at, const char **hint);
/* The "Create Date" text: "2025-11-05 19:03:12.345678" (plus "+00:00"
** style offset when a timezone is configured: timezone is the config's TZ
** value). Fills *tm_out. */
const char *revision_create_date(arena *a, const char *timezone, struct tm *tm_out, time_t *epoch);

#endif
