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

/* The live database schema as retort reads it: readable text, or with
** json the stable JSON shape of docs/schema-json.md.  *out is malloc'd. */
retort_status retort_inspect(retort_project *p, bool json, char **out);

#ifdef __cplusplus
}
#endif

#endif
