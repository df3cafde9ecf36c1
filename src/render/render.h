/*
** render.h — op lists to an Alembic migration module (Python).  SQL per
** dialect is render/sql.h.
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
    /* Without ops: "pass" bodies (revision without --autogenerate) rather
    ** than the empty autogenerate markers. */
    bool autogenerate;
} render_options;

/* The whole migration module; malloc'd, caller frees. */
char *render_python(const migration_ops *ops, const render_options *opt);

/* Python string literal for s ('...' with escapes), as repr() would write it. */
const char *render_py_string(arena *a, const char *s);

#endif
