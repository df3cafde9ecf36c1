/*
** runner.c — upgrade and downgrade, online and offline (see runner.h),
** and the Alembic fallback: a step run by `python3 -m alembic` in its own
** process, between retort's steps, under retort's lock.
*/
#include "runner/runner.h"

#include "db/db.h"
#include "introspect/introspect.h"
#include "lint/lint.h"
#include "migration/migration.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One step of the plan with what its migration file does. */
typedef struct prepared_step {
    const migration_step *step;
    migration_ops *ops;             /* NULL when Alembic runs it */
    const migration_file *file;     /* its file, when retort runs it */
    bool alembic;                   /* the reader refused it: the fallback runs it */
    const char *alembic_arg;        /* then: the revision argument Alembic gets
                                       ("r2", "r2@-1", "a" for a merge's downgrade;
                                       offline "r1:r2", "r2:r1") */
    const char *checksum;           /* online upgrade, recording: "sha256:<hex>" of
                                       the file, as it was read for the run */
} prepared_step;

typedef struct run {
    const retort_config *cfg;
    const run_options *opt;
    arena *a;
    diag_list *dl;
    revision_set *revisions;
    const revision_graph *graph;    /* opt->graph, or owned_graph */
    revision_graph *owned_graph;
    const dialect *d;
    version_table vt;           /* [retort] version_table, version_table_schema */
    db_conn *db;
    schema *current;            /* the schema the next step's ops apply to */
    VEC(prepared_step) steps;
    /* Offline: current is not the whole schema before FROM (PostgreSQL
    ** does not need it; on SQLite a revision below the range could not be
    ** read): errors of applying ops to it mean nothing. */
    bool schema_partial;
    diag_list unread;           /* why a revision below the range could not be read */
    const char *unread_rev;
    const prepared_step *alembic_rendered;  /* offline: the last step Alembic rendered
                                               (what it did to the schema is unknown) */
    size_t committed;           /* steps committed so far (they stay on failure) */
    bool record;                /* online, record_checksums: keep checksum_table */
    bool checksums_exist;       /* the checksum table is there (or made by this run) */
} run;


/* What the runner keeps up to date as it goes: every schema of the
** database (a migration may name any of them), alembic_version left out. */
static const introspect_options RUNNER_INTROSPECT = {.all_schemas = true};

static void emit(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(run *r, const char *fmt, ...) {
    if (!r->opt->emit) return;
    va_list ap;
    va_start(ap, fmt);
    const char *line = arena_vprintf(r->a, fmt, ap);
    va_end(ap);
    r->opt->emit(r->opt->emit_ctx, line);
}

/* "Running upgrade a -> b, message" as Alembic logs it (with_doc; message
** is Script.doc, the docstring's first paragraph, and without one Alembic
** logs no ", "), or "Running upgrade a -> b" as its --sql comments say it. */
static const char *step_line(run *r, const migration_step *s, bool with_doc) {
    const revision_header *h = s->node->header;
    const char *down = str_vec_join(r->a, &h->down_revisions, ", ");
    const char *from = s->upgrade ? down : h->revision, *to = s->upgrade ? h->revision : down;
    const char *line = arena_printf(r->a, "Running %s %s -> %s", s->upgrade ? "upgrade" : "downgrade", from, to);
    return with_doc && h->doc && *h->doc ? arena_printf(r->a, "%s, %s", line, h->doc) : line;
}

/* ------------------------------------------------------------- planning */

static int load_graph(run *r) {
    if ((r->graph = r->opt->graph)) return 0;
    if (revisions_load_config(r->cfg, &r->revisions, r->dl) != 0) return -1;
    int rc = graph_build(r->revisions, &r->owned_graph, r->dl);
    r->graph = r->owned_graph;
    return rc;
}

static int plan(run *r, const str_vec *current, const char *target, migration_plan *out) {
    memset(out, 0, sizeof *out);
    return r->opt->upgrade ? graph_plan_upgrade(r->graph, current, target, out, r->dl)
                           : graph_plan_downgrade(r->graph, current, target, out, r->dl);
}

static bool fallback_on(const run *r) { return r->opt->alembic_fallback || r->cfg->alembic_fallback; }

/* ------------------------------------------ drop_constraint without type_ */

/* The kind of constraint `name` table t has (its drop's op kind), or -1. */
static int kind_in_table(const table *t, const char *name) {
    if (!t) return -1;
    if (t->primary_key.name && !strcmp(t->primary_key.name, name)) return OP_DROP_PRIMARY_KEY;
    for (size_t i = 0; i < t->uniques.len; i++)
        if (t->uniques.items[i]->name && !strcmp(t->uniques.items[i]->name, name)) return OP_DROP_UNIQUE;
    for (size_t i = 0; i < t->foreign_keys.len; i++)
        if (t->foreign_keys.items[i]->name && !strcmp(t->foreign_keys.items[i]->name, name)) return OP_DROP_FOREIGN_KEY;
    for (size_t i = 0; i < t->checks.len; i++)
        if (t->checks.items[i]->name && !strcmp(t->checks.items[i]->name, name)) return OP_DROP_CHECK;
    return -1;
}

/* The kind of the constraint op i of ops drops, when an op before it in
** the same migration creates it (the database has not seen it yet), or -1. */
static int kind_created_before(const op *ops, size_t i, const char *table_name, const char *name) {
    int kind = -1;
    for (size_t k = 0; k < i; k++) {
        const op *o = &ops[k];
        if (!o->table_name || strcmp(o->table_name, table_name) != 0) continue;
        const char *made = NULL;
        int as = -1;
        switch (o->kind) {
        case OP_CREATE_TABLE: {
            int found = kind_in_table(o->table, name);
            if (found >= 0) kind = found;
            continue;
        }
        case OP_ADD_UNIQUE: made = o->unique->name; as = OP_DROP_UNIQUE; break;
        case OP_ADD_FOREIGN_KEY: made = o->fk->name; as = OP_DROP_FOREIGN_KEY; break;
        case OP_ADD_CHECK: made = o->check->name; as = OP_DROP_CHECK; break;
        case OP_ADD_PRIMARY_KEY: made = o->pk->name; as = OP_DROP_PRIMARY_KEY; break;
        default: continue;
        }
        if (made && !strcmp(made, name)) kind = as;
    }
    return kind;
}

/* Give every op.drop_constraint() of a step that has no type_ the kind of
** the constraint it names, as the database holds it just before the step:
** PostgreSQL's pg_constraint (earlier steps of the run have executed on the
** connection), SQLite's picture (r->current: introspected, then kept up to
** date step by step).  A constraint an earlier op of the same migration
** creates is known from that op.  None: an error at the call. */
static int resolve_drop_kinds(run *r, migration_ops *ops, diag_list *dl) {
    int rc = 0;
    for (size_t i = 0; i < ops->ops.len; i++) {
        op *o = &ops->ops.items[i];
        if (!o->kind_unknown) continue;
        int kind = kind_created_before(ops->ops.items, i, o->table_name, o->old_name);
        char contype = 0;
        if (kind < 0 && r->db && r->db->pg) {
            int found = db_constraint_kind(r->db, o->table_name, o->old_name, &contype, dl);
            if (found < 0) return -1;
            if (found) {
                kind = contype == 'u' ? OP_DROP_UNIQUE : contype == 'f' ? OP_DROP_FOREIGN_KEY
                     : contype == 'c' ? OP_DROP_CHECK : contype == 'p' ? OP_DROP_PRIMARY_KEY : -1;
                if (kind < 0) {
                    diag *d = diag_add(dl, DIAG_ERROR, o->loc, "drop_constraint('%s') without type_: '%s' is %s "
                                       "of table '%s', which retort does not model",
                                       o->old_name, o->old_name,
                                       contype == 'x' ? "an exclusion constraint" : contype == 't'
                                       ? "a constraint trigger" : "a constraint of another kind", o->table_name);
                    diag_set_hint(dl, d, "run this revision with python3 -m alembic (or [retort] alembic_fallback "
                                            "= true), or drop it with op.execute('ALTER TABLE ... DROP CONSTRAINT ...')");
                    rc = -1;
                    continue;
                }
            }
        } else if (kind < 0 && r->current) {
            kind = kind_in_table(schema_find_table_in(r->current, o->schema, o->table_name), o->old_name);
        }
        if (kind < 0) {
            diag *d = diag_add(dl, DIAG_ERROR, o->loc, "drop_constraint('%s') without type_: table '%s' has no "
                               "constraint named '%s' in the database", o->old_name, o->table_name, o->old_name);
            diag_set_hint(dl, d, "check the name ('retort inspect' lists each table's constraints); without type_ "
                                    "retort looks the constraint up to know its kind, and Alembic would fail on a "
                                    "name the database does not have too");
            rc = -1;
            continue;
        }
        migration_op_set_drop_kind(o, (op_kind)kind);
    }
    return rc;
}

/* Offline there is no database to learn a constraint's kind from: a
** drop_constraint() without type_ is an error at the call (and with the
** fallback, the revision goes to Alembic), unless an earlier op of the
** same migration creates the constraint.  The ops are freed on error. */
static int refuse_unknown_drops_offline(run *r, migration_ops **ops, diag_list *dl) {
    int rc = 0;
    for (size_t i = 0; i < (*ops)->ops.len; i++) {
        op *o = &(*ops)->ops.items[i];
        if (!o->kind_unknown) continue;
        int kind = kind_created_before((*ops)->ops.items, i, o->table_name, o->old_name);
        if (kind >= 0) {
            migration_op_set_drop_kind(o, (op_kind)kind);
            continue;
        }
        diag *d = diag_add(dl, DIAG_ERROR, o->loc, "drop_constraint('%s') without type_: with --sql there is no "
                           "database to learn the constraint's kind from", o->old_name);
        diag_set_hint(dl, d, "add type_='unique', 'foreignkey', 'check' or 'primary' (Alembic needs it too on some "
                             "backends), or render this revision with python3 -m alembic (--alembic-fallback)");
        rc = -1;
    }
    (void)r;
    if (rc != 0) {
        migration_ops_free(*ops);
        *ops = NULL;
    }
    return rc;
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The alembic_version rows after step s, from the rows before it (sorted,
** as db_current_revisions returns them). */
static void apply_version_delta(run *r, str_vec *rows, const migration_step *s) {
    str_vec next = {0};
    for (size_t i = 0; i < rows->len; i++) {
        bool deleted = false;
        for (size_t k = 0; k < s->version_delete.len; k++)
            if (!strcmp(rows->items[i], s->version_delete.items[k])) deleted = true;
        if (!deleted) vec_push(r->a, &next, rows->items[i]);
    }
    for (size_t k = 0; k < s->version_insert.len; k++) vec_push(r->a, &next, s->version_insert.items[k]);
    if (next.len > 1) qsort(next.items, next.len, sizeof *next.items, cmp_str);
    *rows = next;
}

/* ------------------------------------------------ the fallback's commands */

/* Would `alembic downgrade <p>`, from the alembic_version rows `rows`,
** undo merge revision m and nothing else?  Alembic drops the descendants
** of p's children (depends_on counting) that the rows stand on (the rows
** and their ancestors, depends_on counting): that must be m alone. */
static bool undoes_only(run *r, const revision_node *p, const revision_node *m, const str_vec *rows) {
    const revision_graph *g = r->graph;
    bool *active = arena_alloc(r->a, g->nodes.len), *seen = arena_alloc(r->a, g->nodes.len);
    node_vec stack = {0};
    for (size_t i = 0; i < rows->len; i++) {
        revision_node *n = strmap_get(g->by_id, rows->items[i]);
        if (n) vec_push(r->a, &stack, n);
    }
    while (stack.len) {
        revision_node *n = stack.items[--stack.len];
        if (active[n->order]) continue;
        active[n->order] = true;
        for (size_t k = 0; k < n->down.len; k++) vec_push(r->a, &stack, n->down.items[k]);
        for (size_t k = 0; k < n->depends.len; k++) vec_push(r->a, &stack, n->depends.items[k]);
    }
    for (size_t i = 0; i < p->up.len; i++) vec_push(r->a, &stack, p->up.items[i]);
    while (stack.len) {
        revision_node *n = stack.items[--stack.len];
        if (seen[n->order]) continue;
        seen[n->order] = true;
        if (active[n->order] && n != m) return false;
        for (size_t k = 0; k < n->all_up.len; k++) vec_push(r->a, &stack, n->all_up.items[k]);
    }
    return true;
}

/* The revision argument of the Alembic command that runs step s alone,
** from the rows alembic_version holds before it (online), or NULL with an
** error.  Upgrade: `upgrade <rev>` (everything below it is applied);
** offline `upgrade --sql <first parent or base>:<rev>`, of whose output
** the part of <rev> is taken (splice_alembic_sql).  Downgrade: `<rev>@-1`,
** one step down on that revision's branch (a sibling branch is left
** alone); offline `<rev>:<parent or base>`.  A merge point has no `@-1`
** (Alembic: "Ambiguous walk"): the target is one of its parents, the one
** whose other children the database does not stand on (offline: Alembic
** starts from <rev> alone). */
static const char *alembic_argument(run *r, const migration_step *s, const str_vec *rows, diag_list *dl) {
    const revision_node *n = s->node;
    const char *rev = n->header->revision;
    const char *parent = n->down.len ? n->down.items[0]->header->revision : "base";
    if (s->upgrade) return r->opt->sql ? arena_printf(r->a, "%s:%s", parent, rev) : rev;
    if (n->down.len <= 1) return r->opt->sql ? arena_printf(r->a, "%s:%s", rev, parent) : arena_printf(r->a, "%s@-1", rev);
    str_vec alone = {0};
    vec_push(r->a, &alone, rev);
    for (size_t i = 0; i < n->down.len; i++) {
        const revision_node *p = n->down.items[i];
        if (undoes_only(r, p, n, r->opt->sql ? &alone : rows))
            return r->opt->sql ? arena_printf(r->a, "%s:%s", rev, p->header->revision) : p->header->revision;
    }
    diag *d = diag_add(dl, DIAG_ERROR, (src_loc){n->header->path, 0, 0},
                       "revision %s is a merge point whose downgrade retort cannot read, and no Alembic downgrade "
                       "target undoes it alone: each revision it merges (%s) has another branch above it that the "
                       "database is on", rev, graph_format_down(r->a, n));
    diag_set_hint(dl, d, "nothing was run; downgrade those branches first, or run this downgrade with python3 -m "
                         "alembic");
    return NULL;
}

/* [retort] refuse_unacknowledged: every finding of a refused rule that no
** allow comment acknowledges, as an error at its op; -1 when there is one. */
static int refuse_findings(run *r) {
    if (!r->opt->refuse || !r->opt->upgrade) return 0;
    lint_findings *fs = lint_findings_new();
    for (size_t i = 0; i < r->steps.len; i++) {
        const prepared_step *ps = &r->steps.items[i];
        if (!ps->ops || !ps->file) continue;
        lint_context ctx = {.dialect = r->d, .revision = ps->step->node->header->revision,
                            .file = ps->step->node->header->path, .source_text = ps->file->text,
                            .config = r->opt->refuse};
        lint_ops(ps->ops->ops.items, ps->ops->ops.len, &ctx, fs, r->dl);
    }
    int rc = 0;
    for (size_t i = 0; i < fs->items.len; i++) {
        const lint_finding *f = &fs->items.items[i];
        if (f->acknowledged || !r->opt->refuse->refuse[f->rule]) continue;
        diag *d = diag_add(r->dl, DIAG_ERROR, f->loc, "refused (refuse_unacknowledged): %s: %s", f->rule_id, f->message);
        diag_set_hint(r->dl, d, "%s; nothing was run. Acknowledge it with '# retort: allow %s' on or above the op, "
                                "or remove it from [retort] refuse_unacknowledged", f->advice, f->rule_id);
        rc = -1;
    }
    lint_findings_free(fs);
    return rc;
}

/* Parse every migration of the plan and turn it into ops, before anything
** is written.  All errors of all files are reported — unless the Alembic
** fallback is on: a file the reader refuses is then a step for Alembic,
** with a note at the first reason that names the command.  `rows`: the
** alembic_version rows the plan starts from (offline: FROM). */
static int prepare(run *r, const migration_plan *p, const str_vec *start_rows) {
    int rc = 0;
    bool fallback = fallback_on(r);
    str_vec rows = {0};
    for (size_t i = 0; i < start_rows->len; i++) vec_push(r->a, &rows, start_rows->items[i]);
    r->steps.len = 0;
    for (size_t i = 0; i < p->len; i++) {
        const migration_step *s = &p->items[i];
        migration_file *mf = NULL;
        migration_ops *ops = NULL;
        diag_list mine;
        diag_list_init(&mine);
        if (migration_parse_file(r->a, s->node->header->path, &mf, &mine) != 0 ||
            migration_file_ops(mf, s->upgrade ? MIGRATE_UPGRADE : MIGRATE_DOWNGRADE, r->d, r->cfg->pg_schema, &ops,
                               &mine) != 0 ||
            (r->opt->sql && refuse_unknown_drops_offline(r, &ops, &mine) != 0)) {
            const diag *first = NULL;
            for (size_t k = 0; k < mine.items.len && !first; k++)
                if (mine.items.items[k].severity == DIAG_ERROR) first = &mine.items.items[k];
            const char *arg = fallback && first ? alembic_argument(r, s, &rows, r->dl) : NULL;
            if (arg) {
                diag *n = diag_add(r->dl, DIAG_NOTE, first->loc, "revision %s %s Alembic: %s",
                                   s->node->header->revision, r->opt->sql ? "is rendered by" : "runs through",
                                   first->message);
                n->span = first->span;
                if (first->source_line) n->source_line = arena_strdup(r->dl->arena, first->source_line);
                diag_set_hint(r->dl, n, "[retort] alembic_fallback (or --alembic-fallback): %s -m alembic %s%s %s",
                              r->cfg->alembic_python, s->upgrade ? "upgrade" : "downgrade",
                              r->opt->sql ? " --sql" : "", arg);
                prepared_step ps = {s, NULL, NULL, true, arg, NULL};
                vec_push(r->a, &r->steps, ps);
            } else {
                diag_list_append(r->dl, &mine);
                rc = -1;
            }
            diag_list_free(&mine);
            apply_version_delta(r, &rows, s);
            continue;
        }
        diag_list_append(r->dl, &mine);
        diag_list_free(&mine);
        prepared_step ps = {s, ops, mf, false, NULL, NULL};
        vec_push(r->a, &r->steps, ps);
        apply_version_delta(r, &rows, s);
    }
    /* What an online upgrade records: the hash of each file as it is now,
    ** before anything runs (the file read above). */
    for (size_t i = 0; rc == 0 && r->record && r->opt->upgrade && i < r->steps.len; i++) {
        prepared_step *ps = &r->steps.items[i];
        const char *path = ps->step->node->header->path;
        if (!(ps->checksum = script_file_hash(r->a, path))) {
            diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){path, 0, 0}, "cannot read the revision file: %s",
                               strerror(errno));
            diag_set_hint(r->dl, d, "nothing was run; its hash is recorded in [retort] checksum_table when it is "
                                    "applied");
            rc = -1;
        }
    }
    if (rc != 0) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "nothing was run: retort cannot run %s as written",
                           p->len == 1 ? "this migration" : "every migration of this run");
        if (fallback)
            diag_set_hint(r->dl, d, "fix what is said above, or run the whole %s with python3 -m alembic %s%s %s",
                          r->opt->sql ? "script" : "run", r->opt->upgrade ? "upgrade" : "downgrade",
                          r->opt->sql ? " --sql" : "", r->opt->target);
        else if (r->opt->sql)
            diag_set_hint(r->dl, d, "fix what is said above; or let Alembic render what retort does not: pass "
                                    "--alembic-fallback (or set alembic_fallback = true in [retort]), and retort "
                                    "splices python3 -m alembic's --sql of each such revision between its own; or "
                                    "render the script with python3 -m alembic %s --sql %s",
                          r->opt->upgrade ? "upgrade" : "downgrade", r->opt->target);
        else
            diag_set_hint(r->dl, d, "fix what is said above; or let Alembic run what retort does not: set "
                                    "alembic_fallback = true in [retort] of alembic.ini (or pass --alembic-fallback), "
                                    "and retort runs each such revision with python3 -m alembic between its own "
                                    "steps; or run python3 -m alembic %s %s, then continue with retort",
                          r->opt->upgrade ? "upgrade" : "downgrade", r->opt->target);
    }
    return rc;
}

static void free_prepared(run *r) {
    for (size_t i = 0; i < r->steps.len; i++)
        if (r->steps.items[i].ops) migration_ops_free(r->steps.items[i].ops);
    r->steps.len = 0;
}

/* The alembic_version statements of one step, as Alembic issues them: the
** plan says which row (if any) is UPDATEd; the other deleted rows go first,
** and on a downgrade the other inserted rows come before the UPDATE (an
** undone merge), on an upgrade after it. */
static void version_statements(run *r, const migration_step *s, version_changes *out) {
    const str_vec *del = &s->version_delete, *ins = &s->version_insert;
    const char *from = s->version_update_from, *to = s->version_update_to;
    for (size_t i = 0; i < del->len; i++)
        if (!from || strcmp(del->items[i], from) != 0) {
            version_change c = {sql_delete_version(r->a, r->d, &r->vt, del->items[i]),
                                arena_printf(r->a, "deleting '%s'", del->items[i])};
            vec_push(r->a, out, c);
        }
    for (int pass = 0; pass < 2; pass++) {
        bool inserts_now = (pass == 0) == !s->upgrade;
        if (inserts_now) {
            for (size_t i = 0; i < ins->len; i++)
                if (!to || strcmp(ins->items[i], to) != 0) {
                    version_change c = {sql_insert_version(r->a, r->d, &r->vt, ins->items[i]),
                                        arena_printf(r->a, "inserting '%s'", ins->items[i])};
                    vec_push(r->a, out, c);
                }
        } else if (from && to) {
            version_change c = {sql_update_version(r->a, r->d, &r->vt, from, to),
                                arena_printf(r->a, "updating '%s' to '%s'", from, to)};
            vec_push(r->a, out, c);
        }
    }
}

/* ------------------------------------------------------------- online */

static int exec(run *r, const char *sql) { return db_exec(r->db, sql, r->dl); }
static int begin(run *r) { return db_lock(r->db, r->opt->lock_timeout_ms, r->dl); }
static int commit(run *r) { return db_commit(r->db, r->dl); }

/* Is name "<base>.YYYYmmdd-HHMMSS[-N].bak", a backup a run made of <base>? */
static bool is_backup_of(const char *name, const char *base) {
    size_t n = strlen(base);
    if (strncmp(name, base, n) != 0 || name[n] != '.') return false;
    const char *p = name + n + 1;
    for (int i = 0; i < 15; i++, p++)
        if (i == 8 ? *p != '-' : !isdigit((unsigned char)*p)) return false;
    if (*p == '-') {
        p++;
        if (!isdigit((unsigned char)*p)) return false;
        while (isdigit((unsigned char)*p)) p++;
    }
    return !strcmp(p, ".bak");
}

static int cmp_backup_age(const void *x, const void *y) {
    const char *const *a = x, *const *b = y;
    /* Names sort by time; "-N" twins of one second after the plain one. */
    size_t la = strlen(*a), lb = strlen(*b);
    int c = strncmp(*a, *b, la < lb ? la : lb);
    if (c) return c;
    return la < lb ? -1 : la > lb;
}

/* Keep the newest `keep` backups of the database file, delete the older
** ones (only files named as a run names them). */
static void prune_backups(run *r, const char *file, int keep) {
    const char *slash = strrchr(file, '/');
    const char *dir = slash ? arena_strndup(r->a, file, (size_t)(slash - file)) : ".";
    const char *base = slash ? slash + 1 : file;
    if (!*dir) dir = "/";
    DIR *d = opendir(dir);
    if (!d) return;
    str_vec found = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (is_backup_of(e->d_name, base)) vec_push(r->a, &found, arena_strdup(r->a, e->d_name));
    closedir(d);
    if (found.len <= (size_t)keep) return;
    qsort(found.items, found.len, sizeof *found.items, cmp_backup_age);
    for (size_t i = 0; i + (size_t)keep < found.len; i++) {
        const char *path = arena_path_join(r->a, dir, found.items[i]);
        if (unlink(path) == 0) emit(r, "Removed an older backup: %s", path);
    }
}

/* Copy the SQLite database file with the backup API (a consistent copy,
** taken under the run's lock) to <file>.<YYYYmmdd-HHMMSS>.bak.  The copy is
** written under a temporary name and renamed when whole, so a run killed
** mid-copy leaves no file that looks like a good backup. */
static int backup_sqlite(run *r, run_result *res) {
    const char *file = sqlite3_db_filename(r->db->sqlite, "main");
    if (!file || !*file) return 0;                  /* in-memory */
    struct stat st;
    if (stat(file, &st) != 0 || st.st_size == 0) return 0;
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    const char *path = arena_printf(r->a, "%s.%s.bak", file, stamp);
    for (int n = 2; stat(path, &st) == 0; n++) path = arena_printf(r->a, "%s.%s-%d.bak", file, stamp, n);
    const char *partial = arena_printf(r->a, "%s.partial", path);
    /* The run's own connection holds the write lock, and SQLite will not
    ** back up from a connection that is writing: read through a second
    ** connection (readers coexist with the run's RESERVED lock, and nothing
    ** has been written yet). */
    sqlite3 *src = NULL, *dest = NULL;
    unlink(partial);
    int rc = sqlite3_open_v2(file, &src, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_open_v2(partial, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    /* No journal beside the copy: the copy is thrown away if not whole. */
    if (rc == SQLITE_OK) rc = sqlite3_exec(dest, "PRAGMA journal_mode=OFF", NULL, NULL, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dest, "main", src, "main") : NULL;
    if (b) {
        rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
    }
    sqlite3_close(src);
    const char *why = !b || rc != SQLITE_DONE ? (dest ? sqlite3_errmsg(dest) : "out of memory") : NULL;
    const char *why_copy = why ? arena_strdup(r->a, why) : NULL;
    if (sqlite3_close(dest) != SQLITE_OK && !why_copy) why_copy = "could not close the copy";
    if (!why_copy && rename(partial, path) != 0) why_copy = arena_strdup(r->a, strerror(errno));
    if (why_copy) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "could not back up the database to '%s': %s", path,
                           why_copy);
        diag_set_hint(r->dl, d, "nothing was run; free some disk space, or pass --no-backup");
        unlink(partial);
        return -1;
    }
    res->backup_path = path;
    emit(r, "Backup of the database before the run: %s", path);
    return 0;
}

/* The wall-clock time now, as applied_at ("YYYY-MM-DD HH:MM:SS.ffffff+00:00",
** UTC), and a monotonic clock in ms for durations. */
static const char *utc_now(arena *a) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return arena_printf(a, "%s.%06ld+00:00", buf, ts.tv_nsec / 1000);
}

static long monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* After step s (in its transaction): its row of the checksum table written
** (upgrade) or removed (downgrade). */
static int record_checksum(run *r, const prepared_step *ps, const char *applied_at, long started_ms) {
    if (!r->record) return 0;
    const char *rev = ps->step->node->header->revision;
    diag_list err;
    diag_list_init(&err);
    int rc = 0;
    if (ps->step->upgrade && ps->checksum)
        rc = db_checksum_record(r->db, r->cfg->checksum_table, rev, ps->checksum, applied_at,
                                monotonic_ms() - started_ms, &err);
    else if (!ps->step->upgrade && r->checksums_exist)
        rc = db_checksum_forget(r->db, r->cfg->checksum_table, rev, &err);
    if (rc != 0) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){ps->step->node->header->path, 0, 0},
                           "revision %s: cannot %s its row of the checksum table %s: %s", rev,
                           ps->step->upgrade ? "write" : "remove", r->cfg->checksum_table,
                           err.items.len ? err.items.items[0].message : "error");
        diag_set_hint(r->dl, d, "the step was rolled back with the rest of its transaction; [retort] "
                                "record_checksums = false turns the checksums off (docs/ci.md)");
    }
    diag_list_free(&err);
    return rc;
}

/* Run one step: its SQL, then its alembic_version statements (and its
** row of the checksum table). */
static int run_step(run *r, const prepared_step *ps, size_t steps_done) {
    const migration_step *s = ps->step;
    const char *applied_at = utc_now(r->a);
    long started = monotonic_ms();
    emit(r, "%s", step_line(r, s, true));
    if (resolve_drop_kinds(r, ps->ops, r->dl) != 0) return -1;
    sql_statements sql = {0};
    if (render_sql(ps->ops->ops.items, ps->ops->ops.len, r->d, r->current, r->a, &sql, r->dl) != 0) return -1;
    bool partly_committed = false;
    for (size_t i = 0; i < sql.len; i++) {
        /* An autocommit_block: what ran so far is committed, its statements
        ** run outside a transaction, and a new one begins after them. */
        bool autocommit = sql.items[i].autocommit;
        if (autocommit && (i == 0 || !sql.items[i - 1].autocommit)) {
            if (commit(r) != 0) return -1;
            r->committed = steps_done;
            partly_committed |= i > 0;
        }
        diag_list err;
        diag_list_init(&err);
        int failed = db_exec(r->db, sql.items[i].text, &err) != 0;
        if (!failed && autocommit && (i + 1 == sql.len || !sql.items[i + 1].autocommit) && begin(r) != 0) {
            diag_list_free(&err);
            return -1;
        }
        if (failed) {
            const char *why = err.items.len ? err.items.items[0].message : "error";
            diag *d = diag_add(r->dl, DIAG_ERROR, sql.items[i].loc, "revision %s failed: %s",
                               s->node->header->revision, why);
            /* A missing citext extension, in the server's words (type
            ** "citext" does not exist) or the generated files' guard's. */
            const char *extension = strstr(why, "citext") && strstr(why, "does not exist")
                                        ? "the citext extension is not installed in this database: run CREATE "
                                          "EXTENSION citext (as a superuser, or as the database owner on "
                                          "PostgreSQL 13 and later), then upgrade again\n"
                                        : "";
            diag_set_hint(r->dl, d, "%sthe statement was: %s\nthe run was rolled back; the database is at the last "
                                    "revision that committed%s", extension, sql.items[i].text,
                          partly_committed || (autocommit && i > 0 && sql.items[i - 1].autocommit)
                              ? " (this revision's statements before it ran outside the transaction, or were "
                                "committed before its autocommit_block, and stay)"
                              : "");
            diag_list_free(&err);
            return -1;
        }
        diag_list_free(&err);
    }
    if (schema_apply_ops(r->current, ps->ops->ops.items, ps->ops->ops.len, r->dl) != 0) return -1;
    version_changes ver = {0};
    version_statements(r, s, &ver);
    for (size_t i = 0; i < ver.len; i++)
        if (db_exec_version_row(r->db, ver.items[i].sql, ver.items[i].what, r->dl) != 0) return -1;
    return record_checksum(r, ps, applied_at, started);
}

static bool same_revisions(const str_vec *x, const str_vec *y) {
    if (x->len != y->len) return false;
    for (size_t i = 0; i < x->len; i++)
        if (strcmp(x->items[i], y->items[i]) != 0) return false;
    return true;
}

/* ---------------------------------------------------- the Alembic fallback */

/* Run one step with `<python> -m alembic -c <ini> [-n section] upgrade
** <arg>` (or downgrade; ps->alembic_arg, see alembic_argument), its output
** kept in an unlinked temporary file and shown only when it fails.  With
** sql_out, offline: `--sql` is passed and what Alembic prints on stdout (the
** script) is returned in *sql_out, its log kept apart.  The database URL is
** handed over as DATABASE_URL, which the env.py retort ships reads. */
static int run_alembic_step(run *r, const prepared_step *ps, const char **sql_out) {
    const retort_config *c = r->cfg;
    const migration_step *s = ps->step;
    const char *rev = s->node->header->revision;
    const char *argv[14];
    size_t n = 0;
    argv[n++] = c->alembic_python;
    argv[n++] = "-m";
    argv[n++] = "alembic";
    argv[n++] = "-c";
    argv[n++] = c->ini_path;
    if (c->section && strcmp(c->section, "alembic") != 0) {
        argv[n++] = "-n";
        argv[n++] = c->section;
    }
    argv[n++] = s->upgrade ? "upgrade" : "downgrade";
    if (sql_out) argv[n++] = "--sql";
    argv[n++] = ps->alembic_arg;
    argv[n] = NULL;
    const char *command = arena_printf(r->a, "%s -m alembic %s%s %s", c->alembic_python,
                                       s->upgrade ? "upgrade" : "downgrade", sql_out ? " --sql" : "", ps->alembic_arg);
    char tmpl[] = "/tmp/retort-alembic-XXXXXX", tmpl_out[] = "/tmp/retort-alembic-XXXXXX";
    int fd = mkstemp(tmpl), out = sql_out ? mkstemp(tmpl_out) : -1;
    if (fd < 0 || (sql_out && out < 0)) {
        diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "cannot run %s: a temporary file: %s", command, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmpl);
        }
        if (out >= 0) {
            close(out);
            unlink(tmpl_out);
        }
        return -1;
    }
    unlink(tmpl);
    if (out >= 0) unlink(tmpl_out);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd);
        if (out >= 0) close(out);
        diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "cannot run %s: %s", command, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        dup2(out >= 0 ? out : fd, 1);
        dup2(fd, 2);
        close(fd);
        if (out >= 0) close(out);
        if (c->url) setenv("DATABASE_URL", c->url, 1);
        execv(argv[0], (char *const *)argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        close(fd);
        if (out >= 0) {
            off_t size = lseek(out, 0, SEEK_END);
            char *text = arena_alloc(r->a, (size_t)(size > 0 ? size : 0) + 1);
            ssize_t got = size > 0 ? pread(out, text, (size_t)size, 0) : 0;
            text[got > 0 ? got : 0] = '\0';
            close(out);
            *sql_out = text;
        }
        return 0;
    }
    if (out >= 0) close(out);
    /* The end of what Alembic said (its traceback's last lines). */
    char buf[4096];
    off_t size = lseek(fd, 0, SEEK_END);
    off_t from = size > (off_t)sizeof buf - 1 ? size - (off_t)sizeof buf + 1 : 0;
    ssize_t got = pread(fd, buf, sizeof buf - 1, from);
    close(fd);
    buf[got > 0 ? got : 0] = '\0';
    size_t len = strlen(buf);
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = '\0';
    diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){s->node->header->path, 0, 0},
                       "revision %s failed under Alembic: %s %s %d", rev, command,
                       WIFEXITED(status) ? "exited with status" : "was killed by signal",
                       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    diag_set_hint(r->dl, d, "Alembic's output ends with:\n%s\n%s", len ? buf : "(nothing)",
                  sql_out ? "the script is not printed" : "the steps before it stayed committed; see where the "
                                                          "database is with: retort current");
    return -1;
}

/* After Alembic's step, under retort's lock again: alembic_version must be
** what the step makes it (else Alembic ran elsewhere, e.g. an env.py that
** does not read DATABASE_URL, or something else moved it); the schema is
** read again, as Alembic changed it. */
static int after_alembic_step(run *r, const migration_step *s, const str_vec *expected) {
    str_vec now = {0};
    if (db_current_revisions(r->db, r->a, &now, r->dl) != 0) return -1;
    if (!same_revisions(&now, expected)) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){s->node->header->path, 0, 0},
                           "after Alembic ran revision %s, alembic_version holds %s, not %s", s->node->header->revision,
                           now.len ? str_vec_join(r->a, &now, ", ") : "nothing",
                           expected->len ? str_vec_join(r->a, expected, ", ") : "nothing");
        diag_set_hint(r->dl, d, "retort stopped: Alembic may have run on another database (does env.py read "
                                "DATABASE_URL, or sqlalchemy.url of %s?), or another run moved the table; check "
                                "'retort current' and 'python3 -m alembic current'", r->cfg->ini_path);
        return -1;
    }
    schema_free(r->current);
    r->current = NULL;
    return introspect_database(r->db, &RUNNER_INTROSPECT, &r->current, r->dl);
}

static int run_online(run *r, run_result *res) {
    const retort_config *c = r->cfg;
    if (r->opt->db) r->db = r->opt->db;
    else if (db_open_at(c->url, r->opt->upgrade,
                        &(db_place){c->pg_schema, c->version_table, c->version_table_schema, c->checksum_table},
                        &r->db, r->dl) != 0)
        return -1;
    r->d = r->db->dialect;
    if (begin(r) != 0) return -1;

    /* Under the lock: where the database is, and what to do. */
    str_vec current = {0};
    if (db_current_revisions(r->db, r->a, &current, r->dl) != 0) return -1;
    /* An applied revision whose file changed since it ran: a warning. */
    if (runner_warn_changed_applied(c, r->db, r->graph, &current, r->dl) != 0) return -1;
    migration_plan p = {0};
    if (plan(r, &current, r->opt->target, &p) != 0) return -1;
    r->record = c->record_checksums;
    if (prepare(r, &p, &current) != 0 || refuse_findings(r) != 0) return -1;
    int exists = db_version_table_exists(r->db, r->dl);
    if (exists < 0) return -1;
    if (!exists && exec(r, sql_create_version_table(r->a, r->d, &r->vt)) != 0) return -1;
    if (p.len == 0) return commit(r);
    if (r->record) {
        int have = db_checksum_table_exists(r->db, c->checksum_table, r->dl);
        if (have < 0) return -1;
        if (!have && r->opt->upgrade) {
            if (db_checksum_table_create(r->db, c->checksum_table, r->dl) != 0) return -1;
            have = 1;
        }
        r->checksums_exist = have;
    }

    if (r->db->sqlite && r->opt->backup && backup_sqlite(r, res) != 0) return -1;
    if (introspect_database(r->db, &RUNNER_INTROSPECT, &r->current, r->dl) != 0) return -1;

    for (size_t i = 0; i < r->steps.len; i++) {
        const prepared_step *ps = &r->steps.items[i];
        if (ps->alembic) {
            /* What retort ran so far is committed (Alembic's process must
            ** see it, and SQLite's write lock must go); on PostgreSQL the
            ** session's advisory lock stays held while Alembic runs. */
            if (commit(r) != 0) return -1;
            r->committed = res->steps;
            emit(r, "%s (alembic)", step_line(r, ps->step, true));
            const char *applied_at = utc_now(r->a);
            long started = monotonic_ms();
            if (run_alembic_step(r, ps, NULL) != 0) return -1;
            res->steps++;
            r->committed = res->steps;
            apply_version_delta(r, &current, ps->step);
            /* Alembic committed its step; its checksum row follows in the
            ** next transaction, under retort's lock again. */
            if (begin(r) != 0 || after_alembic_step(r, ps->step, &current) != 0 ||
                record_checksum(r, ps, applied_at, started) != 0)
                return -1;
            continue;
        }
        if (run_step(r, ps, res->steps) != 0) return -1;
        res->steps++;
        apply_version_delta(r, &current, ps->step);
        if (r->opt->transaction_per_migration && i + 1 < r->steps.len && !r->steps.items[i + 1].alembic) {
            if (commit(r) != 0) return -1;
            r->committed = res->steps;
            if (begin(r) != 0) return -1;
            /* Between two transactions another run could have moved the
            ** database (SQLite holds no lock across them): check. */
            str_vec now = {0};
            if (db_current_revisions(r->db, r->a, &now, r->dl) != 0) return -1;
            if (!same_revisions(&now, &current)) {
                diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0},
                                   "another run changed alembic_version to %s between two migrations",
                                   now.len ? str_vec_join(r->a, &now, ", ") : "nothing");
                diag_set_hint(r->dl, d, "stopped after revision %s; check 'retort current' and run again",
                              r->steps.items[i].step->node->header->revision);
                return -1;
            }
        }
    }
    if (commit(r) != 0) return -1;
    r->committed = res->steps;
    return 0;
}

/* ------------------------------------------------------------ offline */

/* The schema is no longer known (a revision retort could not read, or one
** Alembic rendered, may have changed any table): forget every table so
** far — a move and copy of one would lose what that revision added — and
** keep going for the tables later revisions create. */
static void forget_schema(run *r) {
    schema_free(r->current);
    r->current = schema_new();
    r->schema_partial = true;
}

/* The schema at `from` (a revision spec, or NULL for base), for what the
** range's SQL needs of it: only SQLite's move and copy (a table's whole
** definition), so only on SQLite is it built, by applying every upgrade
** from base to `from` to an empty schema.  Alembic renders only FROM..TO
** (it cannot move and copy offline at all), so a revision below the range
** that retort cannot read does not refuse the range: the tables known
** before it are forgotten (forget_schema), the last such revision is
** noted (r->unread), and only a move and copy that needs a table it could
** have changed fails — with that note. */
/* The ops of a revision's upgrade(), read from its file; with resolve,
** each drop_constraint() without type_ given the kind r->current says (no
** database is asked: r->db is not open).  *ops is NULL on failure. */
static int read_upgrade_ops(run *r, const revision_node *n, bool resolve, migration_ops **ops, diag_list *dl) {
    migration_file *mf = NULL;
    *ops = NULL;
    if (migration_parse_file(r->a, n->header->path, &mf, dl) == 0 &&
        migration_file_ops(mf, MIGRATE_UPGRADE, r->d, r->cfg->pg_schema, ops, dl) == 0 &&
        (!resolve || resolve_drop_kinds(r, *ops, dl) == 0))
        return 0;
    if (*ops) migration_ops_free(*ops);
    *ops = NULL;
    return -1;
}

static int simulate_to(run *r, const char *from) {
    r->current = schema_new();
    if (!from) return 0;
    migration_plan p = {0};
    str_vec none = {0};
    if (graph_plan_upgrade(r->graph, &none, from, &p, r->dl) != 0) return -1;
    if (r->d->kind != DIALECT_SQLITE) {
        r->schema_partial = p.len > 0;
        return 0;
    }
    for (size_t i = 0; i < p.len; i++) {
        diag_list scratch;
        diag_list_init(&scratch);
        migration_ops *ops = NULL;
        if (read_upgrade_ops(r, p.items[i].node, true, &ops, &scratch) != 0) {
            /* the last such revision is the one that matters */
            diag_list_free(&r->unread);
            diag_list_init(&r->unread);
            diag_list_append(&r->unread, &scratch);
            r->unread_rev = p.items[i].node->header->revision;
            forget_schema(r);
            diag_list_free(&scratch);
            continue;
        }
        int rc = schema_apply_ops(r->current, ops->ops.items, ops->ops.len, r->schema_partial ? &scratch : r->dl);
        migration_ops_free(ops);
        diag_list_free(&scratch);
        if (rc != 0 && !r->schema_partial) return -1;
        if (rc != 0) forget_schema(r);      /* half applied: not known either */
    }
    return 0;
}

/* After an error rendering the range on a partial schema: why it is
** partial, at the unreadable revision's first error. */
static void note_unread(run *r) {
    if (r->alembic_rendered) {
        const migration_step *st = r->alembic_rendered->step;
        diag *n = diag_add(r->dl, DIAG_NOTE, (src_loc){st->node->header->path, 0, 0},
                           "revision %s, earlier in this range, was rendered by Alembic, so retort does not know "
                           "the tables it left", st->node->header->revision);
        diag_set_hint(r->dl, n, "SQLite's move and copy needs the table's definition; render the whole range with "
                                "python3 -m alembic %s --sql %s", r->opt->upgrade ? "upgrade" : "downgrade",
                      r->opt->target);
        return;
    }
    if (!r->unread_rev || !r->unread.items.len) return;
    const diag *e = &r->unread.items.items[0];
    diag *n = diag_add(r->dl, DIAG_NOTE, e->loc, "revision %s, below this range, could not be read, so the schema "
                       "the range starts from is not known: %s", r->unread_rev, e->message);
    n->span = e->span;
    if (e->source_line) n->source_line = arena_strdup(r->dl->arena, e->source_line);
    diag_set_hint(r->dl, n, "SQLite's move and copy needs the table's definition, and retort does not know what "
                            "that revision did to it: render the range with python3 -m alembic %s --sql %s",
                  r->opt->upgrade ? "upgrade" : "downgrade", r->opt->target);
}

/* Does line [p, end) start with `prefix`? */
static bool line_starts(const char *p, const char *end, const char *prefix) {
    size_t n = strlen(prefix);
    return (size_t)(end - p) >= n && !memcmp(p, prefix, n);
}

/* Offline, a step Alembic renders: `alembic upgrade|downgrade --sql <arg>`
** (alembic_argument), of whose script the part after this step's "--
** Running" comment is taken, up to the next one (Alembic may render other
** revisions first: a merge's other branch, a depends_on) — without the
** alembic_version statements, COMMIT and DROP TABLE it ends with: retort
** writes its own, which follow the run's plan (Alembic's follow the one
** revision it started from).  The schema retort keeps for the next steps
** is then unknown: empty and partial, as for an unread revision. */
static int splice_alembic_sql(run *r, const prepared_step *ps) {
    const migration_step *s = ps->step;
    const char *rev = s->node->header->revision;
    const char *text = NULL;
    if (run_alembic_step(r, ps, &text) != 0) return -1;
    const char *marker = s->upgrade ? arena_printf(r->a, " -> %s", rev)
                                    : arena_printf(r->a, "-- Running downgrade %s -> ", rev);
    const char *word = s->upgrade ? "-- Running upgrade " : "-- Running downgrade ";
    /* the comment line of this step */
    const char *body = NULL;
    for (const char *p = text; *p && !body;) {
        const char *eol = strchr(p, '\n');
        if (!eol) eol = p + strlen(p);
        size_t n = (size_t)(eol - p), m = strlen(marker);
        if (line_starts(p, eol, word) &&
            (s->upgrade ? n >= m && !memcmp(eol - m, marker, m) : line_starts(p, eol, marker)))
            body = *eol ? eol + 1 : eol;
        p = *eol ? eol + 1 : eol;
    }
    const char *command = arena_printf(r->a, "%s -m alembic %s --sql %s", r->cfg->alembic_python,
                                       s->upgrade ? "upgrade" : "downgrade", ps->alembic_arg);
    if (!body) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){s->node->header->path, 0, 0},
                           "revision %s: the script of %s has no \"-- Running %s\" comment for it", rev, command,
                           s->upgrade ? "upgrade ... -> <rev>" : "downgrade <rev> -> ...");
        diag_set_hint(r->dl, d, "render the whole range with python3 -m alembic %s --sql %s",
                      r->opt->upgrade ? "upgrade" : "downgrade", r->opt->target);
        return -1;
    }
    /* up to the next step's comment */
    const char *end = body;
    while (*end) {
        if ((end == body || end[-1] == '\n') && line_starts(end, end + strlen(end), "-- Running ")) break;
        end++;
    }
    /* without the trailing bookkeeping lines */
    const char *drop = sql_drop_version_table(r->a, r->d, &r->vt);     /* "DROP TABLE <vt>" */
    const char *vt = drop + strlen("DROP TABLE ");
    const char *tails[] = {arena_printf(r->a, "INSERT INTO %s (version_num) VALUES (", vt),
                           arena_printf(r->a, "UPDATE %s SET version_num=", vt),
                           arena_printf(r->a, "DELETE FROM %s WHERE ", vt),
                           arena_printf(r->a, "%s;", drop), "COMMIT;"};
    for (;;) {
        while (end > body && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ')) end--;
        const char *line = end;
        while (line > body && line[-1] != '\n') line--;
        bool bookkeeping = false;
        for (size_t k = 0; k < sizeof tails / sizeof tails[0] && !bookkeeping; k++)
            bookkeeping = line_starts(line, end, tails[k]);
        if (!bookkeeping || line == end) break;
        end = line;
    }
    while (body < end && (*body == '\n' || *body == '\r')) body++;
    emit(r, "-- %s (rendered by Alembic: %s)\n", step_line(r, s, false), command);
    if (end > body) emit(r, "%.*s\n", (int)(end - body), body);
    version_changes ver = {0};
    version_statements(r, s, &ver);
    for (size_t k = 0; k < ver.len; k++) emit(r, "%s;\n", ver.items[k].sql);
    forget_schema(r);
    r->alembic_rendered = ps;
    return 0;
}

static int run_offline(run *r) {
    const char *url = r->cfg->url;
    r->d = url ? dialect_for_url(url) : NULL;
    if (!r->d) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "--sql needs the database URL to know its dialect");
        diag_set_hint(r->dl, d, "set sqlalchemy.url (sqlite:///... or postgresql://...) or DATABASE_URL; "
                                "nothing connects to it");
        return -1;
    }
    const char *target = r->opt->target;
    const char *colon = strchr(target, ':');
    const char *from = colon ? arena_strndup(r->a, target, (size_t)(colon - target)) : NULL;
    const char *to = colon ? colon + 1 : target;
    if (!r->opt->upgrade && !from) {
        diag *d = diag_add(r->dl, DIAG_ERROR, (src_loc){0}, "downgrade --sql needs a range FROM:TO");
        diag_set_hint(r->dl, d, "for example: retort downgrade --sql head:base (there is no database to read)");
        return -1;
    }
    if (from && !strcmp(from, "base")) from = NULL;
    if (simulate_to(r, from) != 0) return -1;
    str_vec current = {0};
    if (from) {
        revision_node *n = graph_find(r->graph, from, r->dl);
        if (!n) return -1;
        vec_push(r->a, &current, n->header->revision);
    }
    migration_plan p = {0};
    if (plan(r, &current, to, &p) != 0) return -1;
    if (prepare(r, &p, &current) != 0 || refuse_findings(r) != 0) return -1;

    bool any_alembic = false;
    for (size_t i = 0; i < r->steps.len; i++) any_alembic |= r->steps.items[i].alembic;
    if (any_alembic)
        emit(r, "-- retort rendered every revision of this script but those marked \"rendered by Alembic\"\n");
    if (r->d->kind == DIALECT_SQLITE) emit(r, "PRAGMA foreign_keys=OFF;\n");
    emit(r, "BEGIN;\n");
    if (!from) emit(r, "%s;\n", sql_create_version_table(r->a, r->d, &r->vt));
    for (size_t i = 0; i < r->steps.len; i++) {
        const prepared_step *ps = &r->steps.items[i];
        if (ps->alembic) {
            if (splice_alembic_sql(r, ps) != 0) return -1;
            continue;
        }
        emit(r, "-- %s\n", step_line(r, ps->step, false));
        sql_statements sql = {0};
        if (render_sql(ps->ops->ops.items, ps->ops->ops.len, r->d, r->current, r->a, &sql, r->dl) != 0) {
            note_unread(r);
            return -1;
        }
        version_changes ver = {0};
        version_statements(r, ps->step, &ver);
        for (size_t k = 0; k < sql.len; k++) {
            /* an autocommit_block, as Alembic prints it */
            bool ac = sql.items[k].autocommit;
            if (ac && (k == 0 || !sql.items[k - 1].autocommit)) emit(r, "COMMIT;\n");
            emit(r, "%s;\n", sql.items[k].text);
            if (ac && (k + 1 == sql.len || !sql.items[k + 1].autocommit)) emit(r, "BEGIN;\n");
        }
        for (size_t k = 0; k < ver.len; k++) emit(r, "%s;\n", ver.items[k].sql);
        diag_list scratch;
        diag_list_init(&scratch);
        int rc = schema_apply_ops(r->current, ps->ops->ops.items, ps->ops->ops.len,
                                  r->schema_partial ? &scratch : r->dl);
        diag_list_free(&scratch);
        if (rc != 0 && !r->schema_partial) return -1;
        if (rc != 0) forget_schema(r);
    }
    if (!r->opt->upgrade && !strcmp(to, "base")) emit(r, "%s;\n", sql_drop_version_table(r->a, r->d, &r->vt));
    emit(r, "COMMIT;");
    return 0;
}

int runner_run(const retort_config *cfg, const run_options *opt, arena *a, run_result *res, diag_list *dl) {
    memset(res, 0, sizeof *res);
    run r = {0};
    r.vt = (version_table){cfg->version_table, cfg->version_table_schema};
    diag_list_init(&r.unread);
    r.cfg = cfg;
    r.opt = opt;
    r.a = a;
    r.dl = dl;
    int rc = load_graph(&r);
    if (rc == 0) rc = opt->sql ? run_offline(&r) : run_online(&r, res);
    /* In one transaction a failure keeps nothing; per migration (and
    ** around the Alembic fallback's steps), the steps committed before the
    ** failing one stay. */
    if (rc != 0) res->steps = r.committed;
    /* A run that failed before anything committed left the database as the
    ** backup holds it: the copy is not needed, and failed tries would pile
    ** copies up. */
    if (rc != 0 && res->steps == 0 && res->backup_path) {
        if (unlink(res->backup_path) == 0)
            diag_add(dl, DIAG_NOTE, (src_loc){0}, "the database is unchanged; its backup %s was removed",
                     res->backup_path);
        res->backup_path = NULL;
    }
    /* Older backups go only once this run's changes are in. */
    if (rc == 0 && res->backup_path) {
        const char *file = sqlite3_db_filename(r.db->sqlite, "main");
        prune_backups(&r, file, cfg->backup_keep > 0 ? cfg->backup_keep : 5);
    }
    if (r.db) db_unlock(r.db);
    free_prepared(&r);
    schema_free(r.current);
    graph_free(r.owned_graph);
    revisions_free(r.revisions);
    if (r.db != opt->db) db_close(r.db);
    diag_list_free(&r.unread);
    return rc;
}

/* ------------------------------------------------- simulation (offline) */

/* An enum type a create_table of a migration file makes with the table
** (sa.Enum without create_type=False: SQLAlchemy's before_create), on a
** backend that has enum types. */
static void add_table_enum_types(run *r, const op *o) {
    if (o->kind != OP_CREATE_TABLE || !o->table || !r->d->has_enum_types) return;
    for (size_t i = 0; i < o->table->columns.len; i++) {
        const col_type *ct = &o->table->columns.items[i]->type;
        if (ct->kind == TYPE_ARRAY && ct->element) ct = ct->element;
        const enum_type *e = ct->kind == TYPE_ENUM ? ct->enumeration : NULL;
        if (!e || !e->create_with_table || schema_find_enum(r->current, e->name)) continue;
        enum_type *made = schema_add_enum(r->current, e->name);
        for (size_t k = 0; k < e->labels.len; k++)
            vec_push(r->current->arena, &made->labels,
                     ((enum_label){.label = arena_strdup(r->current->arena, e->labels.items[k].label)}));
    }
}

/* The upgrade of one revision applied to r->current; -1 (diagnostics
** in dl) when retort cannot follow it. */
static int simulate_step(run *r, const revision_node *n, const migration_ops *ops, diag_list *dl) {
    const char *rev = n->header->revision;
    for (size_t i = 0; i < ops->ops.len; i++) {
        const op *o = &ops->ops.items[i];
        if (o->kind == OP_EXECUTE) {
            sql_effect effect;
            const char *what;
            if (schema_apply_sql(r->current, o, r->cfg->pg_schema, &effect, &what, dl) != 0) return -1;
            if (effect != SQL_EFFECT_SCHEMA) continue;
            diag *d = diag_add(dl, DIAG_ERROR, o->loc, "revision %s: op.execute() runs %s, which changes the "
                               "schema in a way retort cannot follow without a database", rev, what);
            diag_set_hint(dl, d, "compare with a database at head instead: retort upgrade head, then retort "
                                 "check (without --offline); or write the change with op.* operations");
            return -1;
        }
        if (o->kind == OP_CREATE_TABLE) add_table_enum_types(r, o);
        if (schema_apply_ops(r->current, o, 1, dl) != 0) {
            diag *d = diag_add(dl, DIAG_NOTE, (src_loc){n->header->path, 0, 0},
                               "revision %s does not apply to the schema the revisions before it build", rev);
            diag_set_hint(dl, d, "retort upgrade would fail there too: fix the revision (retort history "
                                 "--verbose shows the order revisions apply in)");
            return -1;
        }
    }
    return 0;
}

/* The simulated schema as introspection would read it back from the
** database the statements ran on: a column of sa.Enum is a VARCHAR on
** SQLite; the tables of [retort] exclude_tables are left out (listed as
** excluded objects). */
static void simulated_as_read(run *r) {
    schema *s = r->current;
    for (size_t i = 0; i < s->tables.len; i++) {
        table *t = s->tables.items[i];
        for (size_t k = 0; k < t->columns.len; k++) {
            col_type *ct = &t->columns.items[k]->type;
            if (!r->d->has_enum_types && ct->kind == TYPE_ENUM && ct->enumeration) {
                int length = enum_type_max_length(ct->enumeration);
                *ct = (col_type){.kind = TYPE_STRING, .length = length, .precision = -1, .scale = -1,
                                 .raw = arena_printf(s->arena, "VARCHAR(%d)", length)};
            }
        }
    }
    for (size_t i = s->tables.len; i-- > 0;) {
        table *t = s->tables.items[i];
        if (!introspect_excluded(&r->cfg->exclude_tables, t->name, r->d->kind == DIALECT_SQLITE)) continue;
        schema_add_object(s, "table", t->name, NULL, NULL)->excluded = true;
        strmap_put(s->tables_by_name, t->name, NULL);
        memmove(&s->tables.items[i], &s->tables.items[i + 1], (s->tables.len - i - 1) * sizeof *s->tables.items);
        s->tables.len--;
    }
}

int runner_simulate(const retort_config *cfg, const dialect *d, const char *target, schema **out, diag_list *dl) {
    *out = NULL;
    run_options opt = {.upgrade = true, .sql = true, .target = target};
    run r = {.cfg = cfg, .opt = &opt, .a = arena_new(), .dl = dl, .d = d};
    diag_list_init(&r.unread);
    int rc = load_graph(&r);
    migration_plan p = {0};
    str_vec none = {0};
    if (rc == 0) rc = graph_plan_upgrade(r.graph, &none, target, &p, dl);
    r.current = schema_new();
    /* Every file is read, so that each one retort cannot follow is named;
    ** the schema is built only up to the first. */
    bool following = true;
    for (size_t i = 0; rc == 0 && i < p.len; i++) {
        const revision_node *n = p.items[i].node;
        migration_ops *ops = NULL;
        if (read_upgrade_ops(&r, n, following, &ops, dl) != 0) {
            diag *e = diag_add(dl, DIAG_NOTE, (src_loc){n->header->path, 0, 0},
                               "revision %s cannot be read, so the schema it builds is not known", n->header->revision);
            diag_set_hint(dl, e, "compare with a database at head instead: retort upgrade head (it can run what "
                                 "retort cannot read with [retort] alembic_fallback = true), then retort check "
                                 "(without --offline)");
            following = false;
            continue;
        }
        if (following && simulate_step(&r, n, ops, dl) != 0) following = false;
        migration_ops_free(ops);
    }
    if (rc == 0 && !following) rc = -1;
    if (rc == 0) {
        simulated_as_read(&r);
        *out = r.current;
        r.current = NULL;
    }
    schema_free(r.current);
    graph_free(r.owned_graph);
    revisions_free(r.revisions);
    diag_list_free(&r.unread);
    arena_free(r.a);
    return rc;
}
