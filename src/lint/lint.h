/*
** lint.h — the risk of a migration's ops in production, as findings.
**
** Ops in (from the differ, or from a migration file through the migration
** reader, each with its file:line:column), plus what is known of the
** database: its dialect and which tables existed before the migration
** (every table the op list does not create itself); findings out.  A
** finding names its rule (one of LINT_RULE_LIST, ids users and CI name),
** its severity, where the op is, what happens in production and what to do
** instead, and whether a `# retort: allow <rule>` comment acknowledged it.
**
** The output forms (text, json, github, markdown, sarif) are built here as
** well, so that `retort lint`, autogenerate's notes and the API say the same
** thing; nothing here prints.  docs/lint.md documents every rule and the
** JSON shape.
*/
#ifndef RETORT_LINT_H
#define RETORT_LINT_H

#include "diff/diff.h"

typedef enum lint_severity { LINT_ERROR, LINT_WARNING, LINT_INFO, LINT_OFF } lint_severity;

/*      NAME                       id                                      default  summary */
#define LINT_RULE_LIST(X)                                                                                           \
    X(DROP_TABLE,                 "destructive/drop-table",                 ERROR,   "a table is dropped with its rows")   \
    X(DROP_COLUMN,                "destructive/drop-column",                ERROR,   "a column is dropped with its values") \
    X(DROP_ENUM_VALUE,            "destructive/drop-enum-value",            ERROR,   "an enum type loses a label")        \
    X(ADD_NOT_NULL_NO_DEFAULT,    "data/add-not-null-without-default",      ERROR,   "a NOT NULL column without a default is added to an existing table") \
    X(SET_NOT_NULL,               "data/set-not-null",                      WARNING, "a column becomes NOT NULL")         \
    X(NARROW_TYPE,                "data/narrow-type",                       WARNING, "a column's type becomes narrower")  \
    X(ADD_UNIQUE,                 "data/add-unique",                        WARNING, "a uniqueness rule is added to an existing table") \
    X(ADD_CHECK,                  "data/add-check",                         WARNING, "a check constraint is added to an existing table") \
    X(RENAME_COLUMN,              "compat/rename-column",                   WARNING, "a column is renamed")               \
    X(RENAME_TABLE,               "compat/rename-table",                    WARNING, "a table is renamed")                \
    X(DROP_COLUMN_NO_DEPRECATION, "compat/drop-column-without-deprecation", WARNING, "a column of a table that stays is dropped in one step") \
    X(CREATE_INDEX_NOT_CONCURRENTLY, "lock/create-index-not-concurrently",  WARNING, "PostgreSQL: an index is built without CONCURRENTLY on an existing table") \
    X(ADD_FOREIGN_KEY_VALIDATING, "lock/add-foreign-key-validating",        WARNING, "PostgreSQL: a foreign key is added and validated at once") \
    X(SET_NOT_NULL_SCAN,          "lock/set-not-null-scan",                 WARNING, "PostgreSQL: SET NOT NULL scans the table under an exclusive lock") \
    X(ALTER_TYPE_REWRITE,         "lock/alter-type-rewrite",                WARNING, "PostgreSQL: a type change rewrites the table") \
    X(ADD_COLUMN_VOLATILE_DEFAULT,"lock/add-column-volatile-default",       WARNING, "PostgreSQL: a column with a volatile default rewrites the table") \
    X(ADD_UNIQUE_CONSTRAINT,      "lock/add-unique-constraint",             WARNING, "PostgreSQL: a unique constraint builds its index under an exclusive lock") \
    X(TABLE_REBUILD,              "sqlite/table-rebuild",                   WARNING, "SQLite: the table is moved and copied") \
    X(NON_BATCH_ALTER,            "portability/non-batch-alter-on-sqlite",  WARNING, "SQLite: Alembic cannot run this outside batch_alter_table")

typedef enum lint_rule {
#define LINT_RULE_ENUM(name, id, sev, summary) LINT_##name,
    LINT_RULE_LIST(LINT_RULE_ENUM)
#undef LINT_RULE_ENUM
    LINT_RULE_COUNT
} lint_rule;

typedef struct lint_rule_info {
    const char *id;
    lint_severity severity;         /* the default */
    const char *summary;
} lint_rule_info;

const lint_rule_info *lint_rule_info_of(lint_rule r);
/* The rule of an id ("destructive/drop-column"); -1 when none. */
int lint_rule_find(const char *id);
const char *lint_severity_name(lint_severity s);    /* "error", "warning", "info", "off" */

/* Severities of a project ([retort] lint_error, lint_warning, lint_ignore:
** rule ids or categories such as destructive, with or without a slash and
** star), separated by
** commas or spaces), and the categories `retort upgrade` refuses while
** unacknowledged ([retort] refuse_unacknowledged). */
typedef struct lint_config {
    lint_severity severity[LINT_RULE_COUNT];
    bool refuse[LINT_RULE_COUNT];
} lint_config;

/* The defaults of LINT_RULE_LIST, nothing refused. */
void lint_config_init(lint_config *c);
/* Apply one setting's value (a list of rule ids or categories) at `loc`
** (the value's first character in alembic.ini): each id's severity becomes
** sev, or (refuse) its rules are refused on upgrade.  An unknown id is an
** error at its column, with a did-you-mean; returns 0 or -1. */
int lint_config_apply(lint_config *c, const char *value, src_loc loc, lint_severity sev, bool refuse,
                      diag_list *dl);

typedef struct lint_finding {
    lint_rule rule;
    const char *rule_id;
    lint_severity severity;         /* after the config */
    src_loc loc;                    /* the op's (file NULL / line 0: from the differ) */
    const char *message;            /* what happens in production */
    const char *hint;               /* what to do instead, how to acknowledge */
    const char *advice;             /* what to do instead (hint without the acknowledging) */
    const char *revision;           /* or NULL (autogenerate: the new one) */
    size_t op_index;                /* the op it is about, in the list linted */
    bool acknowledged;              /* a `# retort: allow <rule>` comment */
} lint_finding;

typedef struct lint_findings {
    arena *arena;
    VEC(lint_finding) items;
} lint_findings;

lint_findings *lint_findings_new(void);
void lint_findings_free(lint_findings *f);
/* Findings of severity error (LINT_ERROR) not acknowledged. */
size_t lint_findings_errors(const lint_findings *f);

typedef struct lint_context {
    const dialect *dialect;         /* the database's */
    const char *revision;           /* the revision the ops are of, or NULL */
    const char *file;               /* its file, or NULL */
    const char *source_text;        /* its text: the allow comments; NULL: none */
    /* Ops from the differ: rendered in batch blocks (render_as_batch).
    ** Ops from a file say themselves (op.batch). */
    bool batch;
    const lint_config *config;      /* NULL: the defaults */
    /* The database before the migration, when introspected (autogenerate):
    ** its tables' row estimates go into the messages.  NULL: not known. */
    const schema *current;
} lint_context;

/* Lint ops[0..n), adding findings (severity LINT_OFF: left out) to out.
** An allow comment naming an unknown rule is a warning in dl. */
void lint_ops(const op *ops, size_t n, const lint_context *ctx, lint_findings *out, diag_list *dl);

/* ------------------------------------------------------------ output */

typedef enum lint_format { LINT_FORMAT_TEXT, LINT_FORMAT_JSON, LINT_FORMAT_GITHUB, LINT_FORMAT_MARKDOWN,
                           LINT_FORMAT_SARIF } lint_format;
/* "text" ... "sarif"; -1 when none. */
int lint_format_find(const char *name);

/* The findings in a format, malloc'd.  text: compiler-style, located with
** the source line and a caret (acknowledged ones left out); json:
** {"findings": [...]} (docs/lint.md); github: ::error / ::warning
** workflow commands; markdown: a table; sarif: SARIF 2.1.0. */
char *lint_format_findings(const lint_findings *f, lint_format fmt);

/* The note autogenerate writes above an op: "retort: <rule> — <message>" */
const char *lint_note_text(arena *a, const lint_finding *f);

#endif
