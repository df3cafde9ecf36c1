/*
** retort.h — the public C API of retort.
**
** A project is an alembic.ini with its versions folder, models folder and
** database URL.  Every function returns RETORT_OK (0) or a negative
** retort_status.  What went wrong (and any warnings and notes) is kept in
** the project as diagnostics: read each one as data with
** retort_diagnostic_count() / retort_diagnostic_get() (severity, file,
** line, column, message, hint), or print them all as the CLI does with
** retort_print_diagnostics().  Nothing here exits or prints by itself.
**
** Calls that take flags take an options struct; start it from its _INIT
** macro (or pass NULL for the defaults), so that fields added later keep
** their defaults.
**
** Memory: results are malloc'd and freed with their _free function or
** free().  Running out of memory inside retort aborts the process (there is
** no half-built schema or plan worth returning); only retort_open() reports
** it, as RETORT_ERROR with *out NULL, when the project itself cannot be
** allocated.
**
** Example (tests/CMakeLists.txt builds it, test_header_example.sh runs it):
**
**     retort_project *p;
**     if (retort_open("alembic.ini", &p) != RETORT_OK) {
**         if (p) retort_print_diagnostics(p, stderr);
**         retort_close(p);
**         return 1;
**     }
**     retort_revision_options o = RETORT_REVISION_OPTIONS_INIT;
**     o.message = "add user_role column";
**     o.autogenerate = true;
**     retort_revision_result r;
**     if (retort_revision(p, &o, &r) == RETORT_OK) {
**         printf("wrote %s\n", r.path);
**         retort_revision_result_free(&r);
**     }
**     for (size_t i = 0; i < retort_diagnostic_count(p); i++) {
**         retort_diagnostic d;
**         retort_diagnostic_get(p, i, &d);
**         fprintf(stderr, "%s:%d: %s\n", d.file ? d.file : "-", d.line, d.message);
**     }
**     retort_close(p);
*/
#ifndef RETORT_H
#define RETORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum retort_status {
    RETORT_OK = 0,
    RETORT_ERROR = -1,          /* generic failure; see the diagnostics */
    RETORT_ECONFIG = -2,        /* alembic.ini missing or malformed */
    RETORT_EMODEL = -3,         /* the model files have errors */
    RETORT_EDATABASE = -4,      /* cannot connect / read / write the database */
    RETORT_ENOTHEAD = -5,       /* the database is not at the head revision */
    RETORT_EMULTIPLEHEADS = -6, /* the versions folder has several heads */
    RETORT_EREVISIONS = -7,     /* the versions folder has errors */
    RETORT_EIO = -8             /* a file could not be written */
} retort_status;

typedef struct retort_project retort_project;

/* Open the project of alembic.ini at ini_path.  On failure *out is still a
** project (holding only diagnostics) unless memory ran out; free it with
** retort_close() (which takes NULL). */
retort_status retort_open(const char *ini_path, retort_project **out);
void retort_close(retort_project *p);

typedef struct retort_open_options {
    const char *ini_section;    /* the section of Alembic's keys (alembic -n NAME);
                                   NULL: "alembic" */
} retort_open_options;
#define RETORT_OPEN_OPTIONS_INIT {NULL}

/* retort_open with options (opt may be NULL). */
retort_status retort_open_with(const char *ini_path, const retort_open_options *opt, retort_project **out);

/* Set the callback that receives, one line at a time, what Alembic prints
** on stdout as a command goes: for revision and merge, each detected
** change (and "No changes detected"), "Creating directory <dir> ...  done",
** "Generating <path> ...  done", then for each post-write hook
** 'Running post write hook "name" ...' and "  done" / "  FAILED" (the
** hook's own output, on the process's stdout, comes between).  NULL: none. */
void retort_set_progress(retort_project *p, void (*progress)(void *ctx, const char *line), void *ctx);

/* ------------------------------------------------------- diagnostics */

typedef enum retort_severity {
    RETORT_SEVERITY_ERROR,
    RETORT_SEVERITY_WARNING,
    RETORT_SEVERITY_NOTE
} retort_severity;

/* One diagnostic.  Its strings belong to the project and stay valid until
** the diagnostics are cleared (retort_clear_diagnostics(),
** retort_print_diagnostics(), retort_close()). */
typedef struct retort_diagnostic {
    retort_severity severity;
    const char *file;           /* the file it is about, or NULL */
    int line, column;           /* 1-based; 0 when not known */
    int span;                   /* how many bytes the caret covers (>= 1) */
    const char *message;        /* what is wrong */
    const char *hint;           /* what to do, or NULL */
    const char *source_line;    /* the text of that line, or NULL */
} retort_diagnostic;

/* How many diagnostics the project holds (every call adds to them). */
size_t retort_diagnostic_count(const retort_project *p);
/* Diagnostic i (0-based) into *out; RETORT_ERROR when i is out of range. */
retort_status retort_diagnostic_get(const retort_project *p, size_t i, retort_diagnostic *out);
/* Forget the diagnostics collected so far. */
void retort_clear_diagnostics(retort_project *p);
/* Print them as the CLI does (file:line:column: error: ..., the line, a
** caret, the hint), then forget them. */
void retort_print_diagnostics(retort_project *p, FILE *out);

typedef struct retort_revision_options {
    const char *message;        /* -m; NULL: the docstring says "empty message"
                                   and the slug is empty, as Alembic */
    bool autogenerate;          /* compare models with the database */
    const char *rev_id;         /* NULL: 12 random hex digits */
    const char *create_date;    /* NULL: now (tests pass a fixed date) */
    /* Where the revision goes in the graph, as Alembic's options: */
    const char *head;           /* --head: the parent(s); NULL: "head" */
    bool splice;                /* --splice: allow a parent that is not a head */
    const char *branch_label;   /* --branch-label */
    const char *const *depends_on;  /* --depends-on (repeatable) */
    size_t n_depends_on;
    const char *models_dir;     /* --models: the models folder (relative to the
                                   current folder); NULL: [retort] models */
    const char *version_path;   /* --version-path: one of version_locations;
                                   NULL: the first parent's folder (several
                                   locations) or the versions folder */
    bool sql;                   /* --sql: refused with Alembic's messages */
} retort_revision_options;
#define RETORT_REVISION_OPTIONS_INIT {NULL, false, NULL, NULL, NULL, false, NULL, NULL, 0, NULL, NULL, false}

typedef struct retort_revision_result {
    char *path;                 /* the file written (malloc'd; free it); also set
                                   when a post-write hook failed after it */
    char *revision;             /* its id (malloc'd) */
    size_t operations;          /* operations in upgrade() */
    char *detected;             /* one line per detected change (malloc'd) */
} retort_revision_result;

/* Write a new revision file; with autogenerate, compare the models with the
** database first.  Refuses (RETORT_ENOTHEAD / RETORT_EMULTIPLEHEADS) when the
** database is not at the single head, or when a versions folder does not
** match its retort.sum (RETORT_EREVISIONS).  The file is written whole or
** not at all; then every retort.sum of the project lists it. */
retort_status retort_revision(retort_project *p, const retort_revision_options *opt,
                              retort_revision_result *out);
void retort_revision_result_free(retort_revision_result *r);

typedef struct retort_diff_options {
    bool json;                  /* a JSON document instead of the summary */
    const char *models_dir;     /* --models: the models folder (relative to the
                                   current folder); NULL: [retort] models */
    bool markdown;              /* a pull-request comment instead (json wins):
                                   per table its changes and lint findings,
                                   the SQL per backend in <details> blocks */
} retort_diff_options;
#define RETORT_DIFF_OPTIONS_INIT {false, NULL, false}

/* What autogenerate would do, without writing anything: the readable
** summary (one line per change) or, with json, a JSON document.  *out is
** malloc'd; *operations is how many operations it found.  opt may be NULL. */
retort_status retort_diff(retort_project *p, const retort_diff_options *opt, char **out, size_t *operations);

typedef struct retort_models_options {
    bool json;                  /* the JSON shape of docs/schema-json.md */
    const char *models_dir;     /* --models: the models folder (relative to the
                                   current folder); NULL: [retort] models */
} retort_models_options;
#define RETORT_MODELS_OPTIONS_INIT {false, NULL}

typedef struct retort_check_options {
    const char *models_dir;     /* --models: the models folder (relative to the
                                   current folder); NULL: [retort] models */
    bool offline;               /* --offline: no database at all; compare with
                                   the schema the versions folder builds (every
                                   revision's upgrade applied in memory, every
                                   head), for the dialect of the URL */
} retort_check_options;
#define RETORT_CHECK_OPTIONS_INIT {NULL, false}

/* `check` (Alembic 1.9+): the comparison of `diff`, reported as Alembic's
** check reports it; first the versions folder must match its retort.sum
** (RETORT_EREVISIONS), and an applied revision whose file changed since it
** ran is a warning (docs/ci.md).  *operations is how many operations autogenerate would
** write; with some, *out is the list Alembic's message shows ("[('add_table',
** 'item'), ...]": each diff tuple with names where Alembic shows SQLAlchemy
** objects), malloc'd; with none, *out is NULL.  opt may be NULL. */
retort_status retort_check(retort_project *p, const retort_check_options *opt, char **out, size_t *operations);

/* ---------------------------------------------------------- verify */

typedef struct retort_verify_options {
    /* An empty database to run on (PostgreSQL or SQLite; refused, naming
    ** what it holds, when it has a table; left empty again after); NULL: a
    ** temporary SQLite file, removed after. */
    const char *url;
    const char *models_dir;     /* --models; NULL: [retort] models */
    const char *format;         /* "text" (default) or "json" */
    bool verbose;               /* text: also what was not checked, and why */
} retort_verify_options;
#define RETORT_VERIFY_OPTIONS_INIT {NULL, NULL, NULL, false}

typedef struct retort_verify_result {
    char *output;               /* the report in the format (malloc'd) */
    size_t revisions;           /* revisions tested one by one */
    size_t failures;            /* checks that failed (0: all passed) */
} retort_verify_result;

/* `verify`: the migration test suite on a scratch database
** (docs/ci.md): one head; base -> head with the native runner; the models
** match the result (as check); then, on a fresh scratch, each revision in
** order upgraded, downgraded and upgraded again, the catalog after the
** downgrade equal to the one before the upgrade, and a row inserted into
** every table before the upgrade still there after it where the
** revision's ops keep it.  RETORT_OK when the suite ran, whatever it found
** (out->failures says; out->output is the report per check and revision,
** with the time each took); an error status when it could not run (the
** revisions or models do not load, the database is unreachable or not
** empty).  opt may be NULL. */
retort_status retort_verify(retort_project *p, const retort_verify_options *opt, retort_verify_result *out);
void retort_verify_result_free(retort_verify_result *r);

/* ------------------------------------------------------------ lint */

typedef struct retort_lint_options {
    /* The revisions: "REV" (that one), "FROM:TO" (either side may be
    ** empty: base / heads), or NULL: those the database has not applied
    ** (every revision when the database is a SQLite file that does not
    ** exist yet, or cannot be reached: a note says so). */
    const char *range;
    /* "text" (default), "json", "github", "markdown", "sarif"
    ** (docs/lint.md). */
    const char *format;
    /* "sqlite" / "postgresql": the dialect the rules apply, when there is
    ** no database URL; NULL: the URL's. */
    const char *dialect;
} retort_lint_options;
#define RETORT_LINT_OPTIONS_INIT {NULL, NULL, NULL}

typedef struct retort_lint_result {
    char *output;               /* the findings in the format (malloc'd) */
    size_t findings;            /* all of them, acknowledged ones too */
    size_t errors;              /* error-level ones no allow comment acknowledges */
    size_t revisions;           /* revisions linted */
} retort_lint_result;

/* Lint migration files (docs/lint.md): each revision's upgrade() as the
** migration reader reads it, against the rules and the [retort] lint
** settings.  A file the reader refuses is a warning and is skipped.
** RETORT_OK when linting was done, whatever it found (out->errors says);
** RETORT_EREVISIONS when, besides, a versions folder does not match its
** retort.sum (docs/ci.md: located errors; out->output is still set). */
retort_status retort_lint(retort_project *p, const retort_lint_options *opt, retort_lint_result *out);
void retort_lint_result_free(retort_lint_result *r);

/* The schema the model files declare, as `retort models` prints it:
** readable text, or with json the JSON shape of docs/schema-json.md.
** *out is malloc'd.  Every error in the models is a located diagnostic
** (RETORT_EMODEL, *out NULL).  opt may be NULL. */
retort_status retort_models(retort_project *p, const retort_models_options *opt, char **out);

/* ------------------------------------------------------------ running */

typedef struct retort_run_options {
    const char *target;             /* "head", "+1", "-1", "<rev>", "base"; with sql also "FROM:TO" */
    bool sql;                       /* offline: write the SQL to sql_out, connect to nothing */
    FILE *sql_out;                  /* with sql (default stdout) */
    bool transaction_per_migration; /* default: one transaction for the whole run */
    bool no_backup;                 /* SQLite: skip the backup copy of the file */
    long lock_timeout_ms;           /* 0: 60 000 */
    /* Called with each progress line ("Running upgrade a -> b, message"),
    ** or NULL to stay silent. */
    void (*progress)(void *ctx, const char *line);
    void *progress_ctx;
    /* Run each migration the reader refuses through Alembic (alembic_python
    ** -m alembic, one step, between retort's steps, under retort's lock;
    ** "Running upgrade a -> b, message (alembic)"); also when [retort]
    ** alembic_fallback = true.  With sql, Alembic's --sql rendering of
    ** that revision is spliced into the script, marked "rendered by
    ** Alembic". */
    bool alembic_fallback;
} retort_run_options;
#define RETORT_RUN_OPTIONS_INIT {NULL, false, NULL, false, false, 0, NULL, NULL, false}

typedef struct retort_run_result {
    size_t migrations;              /* migrations applied (and committed) */
    char *backup_path;              /* SQLite backup written, or NULL (malloc'd) */
} retort_run_result;

/* Apply migrations up to / back to opt->target, natively, on the same
** alembic_version table as Alembic.  Nothing half-applied: the run is one
** transaction (or one per migration), rolled back on failure; every
** migration of the run is parsed before anything is written.  A versions
** folder that does not match its retort.sum runs nothing
** (RETORT_EREVISIONS).  Online, each revision applied is recorded in
** [retort] checksum_table (its file's hash, when, how long), in the
** transaction of its alembic_version change, and a downgrade removes its
** row; an applied revision whose file changed since is a warning
** (docs/ci.md). */
retort_status retort_upgrade(retort_project *p, const retort_run_options *opt, retort_run_result *out);
retort_status retort_downgrade(retort_project *p, const retort_run_options *opt, retort_run_result *out);
void retort_run_result_free(retort_run_result *r);

typedef struct retort_inspect_options {
    bool json;                  /* the JSON shape of docs/schema-json.md */
} retort_inspect_options;
#define RETORT_INSPECT_OPTIONS_INIT {false}

/* The live database schema as retort reads it: readable text, or with
** json the stable JSON shape of docs/schema-json.md.  *out is malloc'd.
** opt may be NULL. */
retort_status retort_inspect(retort_project *p, const retort_inspect_options *opt, char **out);

typedef struct retort_pull_options {
    const char *models_dir;     /* --models: where to write (relative to the
                                   current folder; created when missing);
                                   NULL: [retort] models */
    bool force;                 /* replace the model files of the tables that
                                   exist already (other files are left alone) */
} retort_pull_options;
#define RETORT_PULL_OPTIONS_INIT {NULL, false}

typedef struct retort_pull_result {
    char **paths;               /* the files written, in table-name order (malloc'd) */
    size_t n_paths;
} retort_pull_result;

/* `pull`: write model files from the live database (as `inspect` reads it,
** with [retort] exclude_tables and schema), one `<table>.model` per table,
** so that `diff` against the same database then finds no change.  What the
** model language cannot say (a type with no model spelling, an index on an
** expression...) is written as a `#` comment, with a warning at its line.
** Refuses, before writing anything, when a file it would write exists
** (unless force), naming each.  The files are written whole, all or none.
** opt may be NULL. */
retort_status retort_pull(retort_project *p, const retort_pull_options *opt, retort_pull_result *out);
void retort_pull_result_free(retort_pull_result *r);

/* ======================================================================
** The revision graph: inspection and labelling commands.
** Every text result is malloc'd (free it) and is exactly what the matching
** Alembic 1.8 command prints on stdout.  Each options pointer may be NULL.
** ==================================================================== */

typedef struct retort_current_options {
    bool verbose;               /* --verbose */
} retort_current_options;
#define RETORT_CURRENT_OPTIONS_INIT {false}

/* `current [--verbose]`: the database's revisions; with verbose, an
** applied revision whose file changed since it ran is a warning
** (docs/ci.md). */
retort_status retort_current(retort_project *p, const retort_current_options *opt, char **out);

typedef struct retort_history_options {
    const char *range;          /* -r "[start]:[end]", or NULL for all */
    bool verbose;               /* --verbose */
    bool indicate_current;      /* --indicate-current */
} retort_history_options;
#define RETORT_HISTORY_OPTIONS_INIT {NULL, false, false}

/* `history [-r RANGE] [--verbose] [--indicate-current]` */
retort_status retort_history(retort_project *p, const retort_history_options *opt, char **out);

typedef struct retort_heads_options {
    bool verbose;               /* --verbose */
    bool resolve_dependencies;  /* --resolve-dependencies */
} retort_heads_options;
#define RETORT_HEADS_OPTIONS_INIT {false, false}

/* `heads [--verbose] [--resolve-dependencies]` */
retort_status retort_heads(retort_project *p, const retort_heads_options *opt, char **out);

typedef struct retort_branches_options {
    bool verbose;               /* --verbose */
} retort_branches_options;
#define RETORT_BRANCHES_OPTIONS_INIT {false}

/* `branches [--verbose]` */
retort_status retort_branches(retort_project *p, const retort_branches_options *opt, char **out);

/* `show REV` ("current" reads the database). */
retort_status retort_show(retort_project *p, const char *rev, char **out);
/* The revision(s) REV names as a pull-request comment (retort show REV
** --format markdown): per table what the upgrade changes and the lint
** findings about it (docs/lint.md), then the SQL `retort upgrade --sql
** <parent>:<rev>` prints, in a <details> block.  *out is malloc'd. */
retort_status retort_show_markdown(retort_project *p, const char *rev, char **out);

typedef struct retort_stamp_options {
    const char *const *revisions;   /* one or more targets; none: base */
    size_t n_revisions;
    bool purge;                     /* empty alembic_version first */
    bool sql;                       /* print the SQL instead ("FROM:TO" allowed) */
    long lock_timeout_ms;           /* wait for another run's lock; 0: 60 000 */
} retort_stamp_options;
#define RETORT_STAMP_OPTIONS_INIT {NULL, 0, false, false, 0}

/* `stamp REV... [--purge] [--sql]`: write alembic_version without running
** any migration, in one transaction, under the lock upgrade takes, reading
** the current rows inside it; every row change is checked.  With sql, *out
** is the script. */
retort_status retort_stamp(retort_project *p, const retort_stamp_options *o, char **out);

typedef struct retort_ensure_version_options {
    bool sql;                       /* print Alembic's script instead */
    long lock_timeout_ms;           /* wait for another run's lock; 0: 60 000 */
} retort_ensure_version_options;
#define RETORT_ENSURE_VERSION_OPTIONS_INIT {false, 0}

/* `ensure_version [--sql]`: create the version table ([retort] version_table,
** version_table_schema) when it is missing, as Alembic creates it, under the
** lock upgrade takes; nothing when it exists.  With sql, *out is the script
** Alembic prints (the CREATE TABLE, then the DROP TABLE its offline mode
** adds for a run that ends at no revision); else *out is NULL. */
retort_status retort_ensure_version(retort_project *p, const retort_ensure_version_options *opt, char **out);

/* The files of the revisions `rev` names, as `edit REV` opens them: an id or
** prefix, head, heads, <label>@head...; "current" reads the database ("No
** current revisions" when it has none).  *paths is a malloc'd array of
** malloc'd strings (free each, then the array), in the order Alembic opens
** them. */
retort_status retort_revision_paths(retort_project *p, const char *rev, char ***paths, size_t *n_paths);

typedef struct retort_merge_options {
    const char *const *revisions;   /* the revisions to merge ("heads" works) */
    size_t n_revisions;
    const char *message;            /* NULL: "empty message" (as Alembic) */
    const char *rev_id;             /* NULL: 12 random hex digits */
    const char *branch_label;
    const char *create_date;        /* NULL: now (tests pass a fixed date) */
} retort_merge_options;
#define RETORT_MERGE_OPTIONS_INIT {NULL, 0, NULL, NULL, NULL, NULL}

/* `merge REV... -m MSG`: write a merge revision (down_revision a tuple).
** As retort_revision: refused when a versions folder does not match its
** retort.sum, which then lists the new file. */
retort_status retort_merge(retort_project *p, const retort_merge_options *o, retort_revision_result *out);

/* ------------------------------------------------------------ integrity */

/* `hash`: write the retort.sum of every versions folder (docs/ci.md) from
** the revision files as they are now, created where there is none: one
** line per file with the SHA-256 of its bytes, under a line that hashes
** them.  *out (malloc'd) says per folder what was written and which files
** were added, edited or removed against the sum it replaces:
**     Writing /abs/alembic/versions/retort.sum (3 files) ...  done
**       edited 20261125_1534_b79eb1150a6e_initial_database_schema.py
** or "<path> is up to date (3 files)". */
retort_status retort_hash(retort_project *p, char **out);

#ifdef __cplusplus
}
#endif

#endif
