/*
** runner.h — apply migrations natively: upgrade and downgrade to a target,
** online (on the database, in transactions) or offline (--sql: print the
** statements without connecting), on the alembic_version table that Alembic
** uses, so retort and Alembic can take turns on one database.
**
** An online run:
**   1. reads the revision headers and plans the steps (graph.h);
**   2. parses every migration of the plan and turns it into ops before
**      anything is written: an unsupported construct stops the run at its
**      file:line:column (migration.h);
**   3. takes the lock — an immediate write transaction on SQLite, an
**      advisory lock on PostgreSQL — waiting at most lock_timeout_ms;
**   4. reads alembic_version again under the lock (so two runs at once
**      apply each migration once), introspects the schema the ops apply to;
**   5. on SQLite, copies the database file with SQLite's backup API;
**   6. runs each step's SQL (render/sql.h) and its alembic_version
**      statements, in one transaction (or one per migration), and commits.
** A failure rolls back: the database stays at the last revision that
** committed, with its data, and the message names the revision, the
** operation's file:line:column and the database's error.
**
** With the Alembic fallback (alembic_fallback), a step whose file the
** reader refuses is run by Alembic in its own process, `python3 -m alembic
** upgrade <rev>` (downgrade: `<rev>@-1`, one step down on that revision's
** branch; for a merge point, `downgrade <parent>` with a parent whose other
** children the database is not on), between retort's steps: retort commits what it ran before,
** keeps its lock (PostgreSQL: the session advisory lock stays on retort's
** connection, which Alembic does not take; SQLite: no lock can span two
** processes' write transactions, so none is held while Alembic runs), then
** takes it again, checks that alembic_version moved exactly as that step
** moves it, reads the schema again and goes on.  The run stops at the
** first failure; what committed before it stays.
**
** An offline run (FROM:TO) reads the bodies of the range's revisions only,
** as Alembic renders only FROM..TO; the headers of all (the graph).  On
** SQLite it also applies the upgrades below FROM to an empty schema, for
** the table definitions a move and copy needs — best effort: after a
** revision there that retort cannot read, the tables it may have changed
** are unknown, an error only if the range moves and copies one (a note
** then points at that revision).
**
** Offline with the fallback, a step the reader refuses is rendered by
** `python3 -m alembic upgrade --sql <parent>:<rev>` (downgrade
** `<rev>:<parent>`): the part of its script that is that revision is
** spliced in, between retort's steps, with retort's alembic_version
** statements; the tables are unknown after it (as above).
*/
#ifndef RETORT_RUNNER_H
#define RETORT_RUNNER_H

#include "render/sql.h"
#include "script/graph.h"
#include "script/script.h"

typedef struct run_options {
    bool upgrade;                   /* false: downgrade */
    const char *target;             /* "head", "+1", "-1", "<rev>", "base", "a:b" with sql */
    bool sql;                       /* offline: statements to `emit`, no connection */
    bool transaction_per_migration;
    bool backup;                    /* SQLite: back the file up before changing it */
    long lock_timeout_ms;           /* how long to wait for another run */
    /* Run (with sql: render) each step whose file the reader refuses
    ** through Alembic (cfg->alembic_python -m alembic); also when the
    ** config's alembic_fallback is true. */
    bool alembic_fallback;
    /* Progress lines ("Running upgrade a -> b, message") and, with sql, the
    ** statements, are handed to emit; nothing here prints by itself. */
    void (*emit)(void *ctx, const char *line);
    void *emit_ctx;
    /* Upgrade: refuse, before anything runs, an unacknowledged lint
    ** finding of a rule refuse->refuse[] names ([retort]
    ** refuse_unacknowledged); NULL: none. */
    const struct lint_config *refuse;
    /* Online: run on this connection (to cfg->url's database, opened with
    ** its place; verify's, which runs many times), left open; NULL: open
    ** one for the run. */
    struct db_conn *db;
    /* The revision graph of cfg's versions folder, already built (verify's,
    ** which runs many times: each run would read every header again); NULL:
    ** read and build it for the run. */
    const revision_graph *graph;
} run_options;

typedef struct run_result {
    size_t steps;                   /* migrations applied */
    const char *backup_path;        /* SQLite backup written, or NULL (arena) */
} run_result;

/* Returns 0, or -1 with diagnostics; result strings live in `a`. */
int runner_run(const retort_config *cfg, const run_options *opt, arena *a, run_result *res,
               diag_list *dl);

/* The schema the versions folder builds, without a database: the upgrade
** of every revision from base to `target` ("heads": all of them, what
** `upgrade heads` applies), in plan order, applied in memory to an empty
** schema for a database of dialect d, then made what introspection would
** read back (an sa.Enum column is a VARCHAR on SQLite; [retort]
** exclude_tables left out).  op.execute() SQL is followed as
** schema_apply_sql says: rows are no obstacle, retort's own enum
** statements are applied, any other change of the schema is an error at
** its file:line:column.  So is a file the reader refuses (every one is
** named), and an op that does not apply.  *out: a new schema (schema_free).
** Returns 0, or -1 with diagnostics. */
int runner_simulate(const retort_config *cfg, const dialect *d, const char *target, schema **out, diag_list *dl);

/* The applied checksums ([retort] checksum_table, db.h; docs/ci.md).  An
** online upgrade records, for each revision it applies, its file's hash,
** when and how long, in the transaction of that step's alembic_version
** change (the table is created by the first upgrade that applies one); a
** downgrade removes the row of each revision it un-applies.  --sql
** scripts record nothing (they are Alembic's scripts), nor does
** record_checksums = false.
**
** A warning for each revision that the database has applied (the
** alembic_version rows and their ancestors) whose row's checksum is not the
** hash of its file now: the file was edited after it ran here.  A revision
** without a row (Alembic applied it, or retort before the table existed)
** is fine.  Nothing with record_checksums = false.  Returns 0, or -1 when
** the table cannot be read. */
struct db_conn;
int runner_warn_changed_applied(const retort_config *cfg, struct db_conn *db, const revision_graph *g,
                                const str_vec *current, diag_list *dl);

#endif
