/*
** retort.h — the public C API of retort.
**
** A project is an alembic.ini with its versions folder, models folder and
** database URL.  Every function returns RETORT_OK (0) or a negative
** retort_status; the diagnostics of the last failure (file:line:column,
** message, hint) are kept in the project and printed by
** retort_print_diagnostics().  Nothing here exits or prints by itself.
**
**     retort_project *p;
**     if (retort_open("alembic.ini", &p) != RETORT_OK) { ...; }
**     retort_autogenerate_options o = { .message = "add user_role column" };
**     retort_revision_result r;
**     if (retort_revision(p, &o, &r) != RETORT_OK) retort_print_diagnostics(p, stderr);
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
** retort_close(). */
retort_status retort_open(const char *ini_path, retort_project **out);
void retort_close(retort_project *p);
/* Print the diagnostics collected so far, and forget them. */
void retort_print_diagnostics(retort_project *p, FILE *out);

typedef struct retort_revision_options {
    const char *message;        /* -m */
    bool autogenerate;          /* compare models with the database */
    const char *rev_id;         /* NULL: 12 random hex digits */
    const char *create_date;    /* NULL: now (tests pass a fixed date) */
    /* Added with the revision graph (h7), as Alembic's options: */
    const char *head;           /* --head: the parent(s); NULL: "head" */
    bool splice;                /* --splice: allow a parent that is not a head */
    const char *branch_label;   /* --branch-label */
    const char *const *depends_on;  /* --depends-on (repeatable) */
    size_t n_depends_on;
} retort_revision_options;

typedef struct retort_revision_result {
    char *path;                 /* the file written (malloc'd; free it) */
    char *revision;             /* its id (malloc'd) */
    size_t operations;          /* operations in upgrade() */
    char *detected;             /* one line per detected change (malloc'd) */
} retort_revision_result;

/* Write a new revision file; with autogenerate, compare the models with the
** database first.  Refuses (RETORT_ENOTHEAD / RETORT_EMULTIPLEHEADS) when the
** database is not at the single head.  The file is written whole or not at
** all. */
retort_status retort_revision(retort_project *p, const retort_revision_options *opt,
                              retort_revision_result *out);
void retort_revision_result_free(retort_revision_result *r);

/* What autogenerate would do, without writing anything: the readable
** summary (one line per change) or, with json, a JSON document.  *out is
** malloc'd. */
retort_status retort_diff(retort_project *p, bool json, char **out, size_t *operations);

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
} retort_run_options;

typedef struct retort_run_result {
    size_t migrations;              /* migrations applied (and committed) */
    char *backup_path;              /* SQLite backup written, or NULL (malloc'd) */
} retort_run_result;

/* Apply migrations up to / back to opt->target, natively, on the same
** alembic_version table as Alembic.  Nothing half-applied: the run is one
** transaction (or one per migration), rolled back on failure; every
** migration of the run is parsed before anything is written. */
retort_status retort_upgrade(retort_project *p, const retort_run_options *opt, retort_run_result *out);
retort_status retort_downgrade(retort_project *p, const retort_run_options *opt, retort_run_result *out);
void retort_run_result_free(retort_run_result *r);

/* The live database schema as retort reads it: readable text, or with
** json the stable JSON shape of docs/schema-json.md.  *out is malloc'd. */
retort_status retort_inspect(retort_project *p, bool json, char **out);

/* ======================================================================
** The revision graph: inspection and labelling commands (added by h7).
** Every text result is malloc'd (free it) and is exactly what the matching
** Alembic 1.8 command prints on stdout.
** ==================================================================== */

/* `current [--verbose]`: the database's revisions. */
retort_status retort_current(retort_project *p, bool verbose, char **out);

/* `history [-r RANGE] [--verbose] [--indicate-current]`; range is
** "[start]:[end]" or NULL. */
retort_status retort_history(retort_project *p, const char *range, bool verbose, bool indicate_current,
                             char **out);

/* `heads [--verbose] [--resolve-dependencies]` */
retort_status retort_heads(retort_project *p, bool verbose, bool resolve_dependencies, char **out);

/* `branches [--verbose]` */
retort_status retort_branches(retort_project *p, bool verbose, char **out);

/* `show REV` ("current" reads the database). */
retort_status retort_show(retort_project *p, const char *rev, char **out);

typedef struct retort_stamp_options {
    const char *const *revisions;   /* one or more targets; none: base */
    size_t n_revisions;
    bool purge;                     /* empty alembic_version first */
    bool sql;                       /* print the SQL instead ("FROM:TO" allowed) */
    long lock_timeout_ms;           /* wait for another run's lock; 0: 60 000 */
} retort_stamp_options;

/* `stamp REV... [--purge] [--sql]`: write alembic_version without running
** any migration, in one transaction, under the lock upgrade takes, reading
** the current rows inside it; every row change is checked.  With sql, *out
** is the script. */
retort_status retort_stamp(retort_project *p, const retort_stamp_options *o, char **out);

typedef struct retort_merge_options {
    const char *const *revisions;   /* the revisions to merge ("heads" works) */
    size_t n_revisions;
    const char *message;            /* NULL: "empty message" (as Alembic) */
    const char *rev_id;             /* NULL: 12 random hex digits */
    const char *branch_label;
    const char *create_date;        /* NULL: now (tests pass a fixed date) */
} retort_merge_options;

/* `merge REV... -m MSG`: write a merge revision (down_revision a tuple). */
retort_status retort_merge(retort_project *p, const retort_merge_options *o, retort_revision_result *out);

#ifdef __cplusplus
}
#endif

#endif
