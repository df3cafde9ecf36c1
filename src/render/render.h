/*
** render.h — op lists to an Alembic migration module (Python); a schema
** to model files (retort pull).  SQL per dialect is render/sql.h.
*/
#ifndef RETORT_RENDER_H
#define RETORT_RENDER_H

#include "diff/diff.h"

typedef struct render_options {
    const char *message;            /* -m text (docstring first line) */
    const char *revision;           /* 12 hex digits */
    const str_vec *down_revisions;  /* none: None; one: 'x'; several: ('a', 'b') */
    const char *create_date;        /* "2025-11-05 19:03:12.345678" */
    const str_vec *branch_labels;   /* may be NULL */
    const str_vec *depends_on;      /* may be NULL */
    /* Render per-table alterations inside op.batch_alter_table() blocks, so
    ** that SQLite can apply them (Alembic's render_as_batch). */
    bool batch;
    /* The database's dialect, for what is spelled per backend (an enum
    ** column: postgresql.ENUM(..., create_type=False) on PostgreSQL, where
    ** the migration creates the type itself; sa.Enum(...) elsewhere).  NULL:
    ** no database (a merge revision, which has no ops). */
    const dialect *dialect;
    /* Without ops: "pass" bodies (revision without --autogenerate) rather
    ** than the empty autogenerate markers. */
    bool autogenerate;
    /* Lines written right above upgrade op i (op_notes[i]: each line
    ** ending in '\n', without the indentation, e.g. "# retort: ...\n"), or
    ** NULL; op_notes itself may be NULL.  Autogenerate's lint notes. */
    const char *const *op_notes;
} render_options;

/* The whole migration module; malloc'd, caller frees. */
char *render_python(const migration_ops *ops, const render_options *opt);

/* Python string literal for s ('...' with escapes), as repr() would write it. */
const char *render_py_string(arena *a, const char *s);

/* ---------------------------------------------- model files (models.c) */

/* Something a model file could not say, at its line (a warning of retort
** pull): "datasets.search: type \"tsvector\" has no model spelling;
** written as a comment". */
typedef struct model_file_note {
    int line, column;               /* 1-based, in the file's text */
    const char *message;
    const char *hint;               /* or NULL */
} model_file_note;

typedef struct model_file {
    const char *table;              /* the table it declares; NULL: the enum types' file */
    const char *file_name;          /* "chart_configs.model" (no folder) */
    const char *text;
    VEC(model_file_note) notes;
} model_file;

typedef struct model_files {
    arena *arena;
    VEC(model_file) files;          /* one per table, tables in name order, then
                                       enums.model when there are enum types */
} model_files;

/* The model files of an introspected schema, as retort pull writes them:
** one per table, everything the model language can say written in it, the
** rest as `#` comments with a note each.  Defaults and types are spelled
** so that dialect d reads them as the database's own (the same canonical
** default, equal types).  Free with model_files_free. */
model_files *render_model_files(const schema *s, const dialect *d);
void model_files_free(model_files *m);

#endif
