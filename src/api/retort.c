/*
** retort.c — the public API (include/retort.h): the stages wired together.
**
**   models/ --model_load_dir--> wanted schema ---.
**   database --introspect_database--> current ----+--diff_schemas--> ops
**   ops --render_python--> alembic/versions/<file_template>.py
*/
#include "retort.h"
#include "api/project.h"
#include "lint/lint.h"
#include "canon/canon.h"

#include "db/db.h"
#include "diff/diff.h"
#include "introspect/introspect.h"
#include "model/model.h"
#include "render/render.h"
#include "runner/runner.h"
#include "script/graph.h"
#include "script/script.h"

#include <stdlib.h>
#include <string.h>

/* struct retort_project is in api/project.h (shared by src/api/). */

retort_status retort_open(const char *ini_path, retort_project **out) {
    return retort_open_with(ini_path, NULL, out);
}

retort_status retort_open_with(const char *ini_path, const retort_open_options *opt, retort_project **out) {
    *out = NULL;
    retort_project *p = calloc(1, sizeof *p);
    if (!p) return RETORT_ERROR;
    diag_list_init(&p->diags);
    *out = p;
    if (config_load_section(ini_path, opt ? opt->ini_section : NULL, &p->config, &p->diags) != 0) return RETORT_ECONFIG;
    return RETORT_OK;
}

void retort_set_progress(retort_project *p, void (*progress)(void *ctx, const char *line), void *ctx) {
    p->progress = progress;
    p->progress_ctx = ctx;
}

void retort_close(retort_project *p) {
    if (!p) return;
    config_free(p->config);
    diag_list_free(&p->diags);
    free(p);
}

size_t retort_diagnostic_count(const retort_project *p) { return p ? p->diags.items.len : 0; }

retort_status retort_diagnostic_get(const retort_project *p, size_t i, retort_diagnostic *out) {
    if (!p || i >= p->diags.items.len) return RETORT_ERROR;
    const diag *d = &p->diags.items.items[i];
    static const retort_severity SEVERITY[] = {
        [DIAG_ERROR] = RETORT_SEVERITY_ERROR, [DIAG_WARNING] = RETORT_SEVERITY_WARNING, [DIAG_NOTE] = RETORT_SEVERITY_NOTE};
    *out = (retort_diagnostic){
        .severity = SEVERITY[d->severity],
        .file = d->loc.file,
        .line = d->loc.line,
        .column = d->loc.column,
        .span = d->span,
        .message = d->message,
        .hint = d->hint,
        .source_line = d->source_line,
    };
    return RETORT_OK;
}

void retort_clear_diagnostics(retort_project *p) {
    diag_list_free(&p->diags);
    diag_list_init(&p->diags);
}

void retort_print_diagnostics(retort_project *p, FILE *out) {
    diag_print(&p->diags, out);
    retort_clear_diagnostics(p);
}

/* Everything autogenerate compares, loaded and checked. */
typedef struct autogen_state {
    schema *wanted, *current;
    revision_set *revisions;
    revision_graph *graph;          /* validated: no dangling down_revision, no cycle */
    str_vec heads;                  /* ids of graph->heads */
    db_conn *db;
    migration_ops *ops;
    const dialect *dialect;         /* the database's */
    arena *arena;
    bool warn_applied;              /* check: an applied file changed since is a warning */
} autogen_state;

static void autogen_state_free(autogen_state *s) {
    migration_ops_free(s->ops);
    schema_free(s->wanted);
    schema_free(s->current);
    graph_free(s->graph);
    revisions_free(s->revisions);
    db_close(s->db);
    arena_free(s->arena);
}

/* Load the revision headers and their graph (which refuses a dangling
** down_revision or a cycle before anything is written); refuse several
** heads (unless allow_heads: `revision --head X` picks its parent itself). */
static retort_status load_revisions_ex(retort_project *p, autogen_state *s, bool allow_heads) {
    if (revisions_load_config(p->config, &s->revisions, &p->diags) != 0) return RETORT_EREVISIONS;
    if (graph_build(s->revisions, &s->graph, &p->diags) != 0) return RETORT_EREVISIONS;
    for (size_t i = 0; i < s->graph->heads.len; i++)
        vec_push(s->arena, &s->heads, s->graph->heads.items[i]->header->revision);
    if (s->heads.len > 1 && !allow_heads) {
        diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){0},
                           "the versions folder has several heads: %s", str_vec_join(s->arena, &s->heads, ", "));
        diag_set_hint(&p->diags, d, "merge them first: retort merge %s -m \"merge heads\"",
                      str_vec_join(s->arena, &s->heads, " "));
        return RETORT_EMULTIPLEHEADS;
    }
    return RETORT_OK;
}

/* Alembic's generate_revision checks for --head / --splice / --depends-on
** / --branch-label: the parents of the new revision (*down) and its
** depends_on (*deps), resolved on the revision graph. */
static retort_status resolve_parents(retort_project *p, autogen_state *s, const retort_revision_options *opt,
                                     str_vec *down, str_vec *deps, str_vec *paths) {
    arena *a = s->arena;
    const revision_graph *g = s->graph;
    retort_status rc = RETORT_OK;
    node_vec parents = {0};
    size_t before = p->diags.items.len;
    if (graph_resolve(g, opt->head ? opt->head : "head", &parents, &p->diags) != 0) {
        for (size_t i = before; i < p->diags.items.len; i++)
            if (strstr(p->diags.items.items[i].message, "Multiple head revisions"))
                p->diags.items.items[i].message = "Multiple heads are present; please specify the head revision on "
                                                  "which the new revision should be based, or perform a merge.";
        rc = RETORT_EMULTIPLEHEADS;
        goto done;
    }
    for (size_t i = 0; i < parents.len; i++)
        for (size_t k = 0; k < i; k++)
            if (parents.items[i] == parents.items[k]) {
                project_error(p, "name each parent once", "Duplicate head revisions specified");
                rc = RETORT_ERROR;
                goto done;
            }
    if (!opt->splice)
        for (size_t i = 0; i < parents.len; i++)
            if (!parents.items[i]->is_head) {
                project_error(p, "a revision that is not a head already has a child",
                              "Revision %s is not a head revision; please specify --splice to create a new "
                              "branch from this revision",
                              parents.items[i]->header->revision);
                rc = RETORT_ERROR;
                goto done;
            }
    if (opt->autogenerate) {
        /* autogenerate compares with the database at the single head */
        bool same = parents.len == s->heads.len;
        for (size_t i = 0; same && i < parents.len; i++) same = !strcmp(parents.items[i]->header->revision, s->heads.items[0]);
        if (!same) {
            project_error(p,
                          "autogenerate compares the models with a database at the head; write an empty "
                          "revision (without --autogenerate) to start a branch",
                          "--head %s with --autogenerate must name the head", opt->head ? opt->head : "head");
            rc = RETORT_ERROR;
            goto done;
        }
    }
    for (size_t i = 0; i < parents.len; i++) {
        vec_push(a, down, parents.items[i]->header->revision);
        vec_push(a, paths, parents.items[i]->header->path);
    }
    for (size_t i = 0; i < opt->n_depends_on; i++) {
        const char *dep = opt->depends_on[i];
        revision_node *r = graph_find(g, dep, &p->diags);
        if (!r) {
            if (!p->diags.errors)
                project_error(p, "depend on a revision or a branch label", "--depends-on %s names no revision", dep);
            rc = RETORT_ERROR;
            goto done;
        }
        bool is_label = false;
        for (size_t k = 0; k < r->labels.len; k++) is_label |= !strcmp(r->labels.items[k], dep);
        vec_push(a, deps, is_label ? arena_strdup(a, dep) : r->header->revision);
    }
    if (opt->branch_label) {
        revision_node *other = strmap_get(g->by_label, opt->branch_label);
        if (!other) other = strmap_get(g->by_id, opt->branch_label);
        if (other) {
            diag *d = diag_add(&p->diags, DIAG_ERROR, (src_loc){0}, "Branch name '%s' already used by revision %s (%s)",
                               opt->branch_label, other->header->revision, other->header->path);
            diag_set_hint(&p->diags, d, "choose another --branch-label");
            rc = RETORT_ERROR;
            goto done;
        }
    }
done:
    return rc;
}

/* PostgreSQL's own types (INET, ARRAY(...), JSONB...) and identity
** columns in a model of a SQLite project: an error at each column, before
** the database is read. */
static retort_status refuse_postgresql_types(retort_project *p, const schema *wanted, const dialect *d) {
    if (d->kind != DIALECT_SQLITE) return RETORT_OK;
    retort_status rc = RETORT_OK;
    arena *a = arena_new();
    for (size_t i = 0; i < wanted->tables.len; i++) {
        const table *t = wanted->tables.items[i];
        for (size_t k = 0; k < t->columns.len; k++) {
            const column *c = t->columns.items[k];
            if (c->generated_identity) {
                diag *dg = diag_add(&p->diags, DIAG_ERROR, c->generated_identity->loc,
                                    "@identity is PostgreSQL's GENERATED AS IDENTITY, and the database is SQLite");
                dg->span = 9;
                diag_set_hint(&p->diags, dg, "remove @identity from %s.%s: on SQLite an INTEGER PRIMARY KEY numbers "
                                             "its rows by itself; or use a PostgreSQL database",
                              t->model_name ? t->model_name : t->name, c->field_name ? c->field_name : c->name);
                rc = RETORT_EMODEL;
            }
            if (!col_type_postgresql_only(&c->type)) continue;
            diag *dg = diag_add(&p->diags, DIAG_ERROR, c->loc, "%s is a PostgreSQL type, and the database is SQLite",
                                col_type_to_string(a, &c->type));
            diag_set_hint(&p->diags, dg, "use a portable type (JSON, Text, String, Uuid) for %s.%s, or a "
                                         "PostgreSQL database", t->model_name ? t->model_name : t->name,
                          c->field_name ? c->field_name : c->name);
            rc = RETORT_EMODEL;
        }
    }
    arena_free(a);
    return rc;
}

/* The database's revisions and schema (s->current), and the connection in
** s->db; wanted (NULL before the models are read) names the schemas
** PostgreSQL reads. */
static retort_status read_database(retort_project *p, autogen_state *s, const retort_config *c, const dialect *d,
                                   const schema *wanted, str_vec *current_revs) {
    if (d->kind == DIALECT_SQLITE && db_sqlite_file_missing(c->url)) {
        s->current = schema_new();              /* empty database, left uncreated */
        return RETORT_OK;
    }
    if (db_open_at(c->url, false,
                   &(db_place){c->pg_schema, c->version_table, c->version_table_schema, c->checksum_table},
                   &s->db, &p->diags) != 0)
        return RETORT_EDATABASE;
    if (db_current_revisions(s->db, s->arena, current_revs, &p->diags) != 0) return RETORT_EDATABASE;
    if (s->warn_applied && runner_warn_changed_applied(c, s->db, s->graph, current_revs, &p->diags) != 0)
        return RETORT_EDATABASE;
    introspect_options io;
    project_introspect_options(p, wanted, &io);
    if (introspect_database(s->db, &io, &s->current, &p->diags) != 0) return RETORT_EDATABASE;
    return RETORT_OK;
}

/* Compare the models (models_dir: --models, or NULL for [retort] models)
** with the database of c (p->config, or verify's scratch database); `command`
** names the command in hints.  offline: with the schema the versions
** folder builds (runner_simulate: every head's revisions, no database),
** for the dialect of c's URL.
**
** A SQLite database is read before the models, and its connection closed:
** SQLite holds every CREATE statement of the file parsed in memory (30 MB
** at 10,000 tables), which would otherwise sit beside both schemas.  A
** PostgreSQL one after them, for the schemas they name, and its connection
** stays open for canon_expressions. */
static retort_status compute_diff(retort_project *p, autogen_state *s, const retort_config *c, const char *models_dir,
                                  const char *command, bool offline) {
    s->arena = arena_new();
    retort_status rc = load_revisions_ex(p, s, offline);
    if (rc != RETORT_OK) return rc;
    const char *dir;
    if ((rc = project_models_dir(p, models_dir, command, true, &dir)) != RETORT_OK) return rc;
    str_vec current_revs = {0};
    const dialect *early = offline ? NULL : dialect_for_url(c->url);
    bool sqlite_first = early && early->kind == DIALECT_SQLITE;
    if (sqlite_first) {
        if ((rc = read_database(p, s, c, early, NULL, &current_revs)) != RETORT_OK) return rc;
        db_close(s->db);
        s->db = NULL;
        util_trim_heap();
    }
    if (model_load_dir(dir, c->pg_schema, &s->wanted, &p->diags) != 0) return RETORT_EMODEL;
    const dialect *d = db_url_dialect(c->url, &p->diags);
    if (!d) return RETORT_ECONFIG;
    s->dialect = d;
    if (refuse_postgresql_types(p, s->wanted, d) != RETORT_OK) return RETORT_EMODEL;
    if (offline) {
        /* Several heads: all of them, as a database at every head has them. */
        if (runner_simulate(c, d, "heads", &s->current, &p->diags) != 0) return RETORT_EREVISIONS;
        diff_options dopt = {.dialect = d};
        s->ops = diff_schemas(s->current, s->wanted, &dopt, &p->diags);
        return s->ops ? RETORT_OK : RETORT_ERROR;
    }
    if (!sqlite_first && (rc = read_database(p, s, c, d, s->wanted, &current_revs)) != RETORT_OK) return rc;
    /* The database must be at the head: otherwise the diff would repeat
    ** what pending revisions already do. */
    bool at_head = current_revs.len == s->heads.len;
    for (size_t i = 0; at_head && i < s->heads.len; i++) at_head = !strcmp(current_revs.items[i], s->heads.items[i]);
    /* A revision the database names and no file has: no upgrade can help. */
    for (size_t i = 0; !at_head && s->graph && i < current_revs.len; i++)
        if (!strmap_get(s->graph->by_id, current_revs.items[i])) {
            diag *dg = diag_add(&p->diags, DIAG_ERROR, (src_loc){0},
                                "the database is at %s, which no file in the versions folder has",
                                current_revs.items[i]);
            diag_set_hint(&p->diags, dg, "restore the revision's file, or, if the database's schema is right, "
                                         "fix the table with: retort stamp --purge <revision>");
            return RETORT_ENOTHEAD;
        }
    if (!at_head) {
        diag *dg = diag_add(&p->diags, DIAG_ERROR, (src_loc){0},
                            "the database is not up to date: it is at %s, the head is %s",
                            current_revs.len ? str_vec_join(s->arena, &current_revs, ", ") : "no revision (empty)",
                            str_vec_join(s->arena, &s->heads, ", "));
        diag_set_hint(&p->diags, dg, "apply the pending revisions first: alembic upgrade head "
                                     "(or stamp the database if its schema is already right: alembic stamp head)");
        return RETORT_ENOTHEAD;
    }
    /* PostgreSQL re-spells checks, predicates and index keys: compare its spelling. */
    if (s->db && canon_expressions(s->db, s->current, s->wanted, &p->diags) != 0) return RETORT_EDATABASE;
    diff_options dopt = {.dialect = d, .default_schema = c->pg_schema};
    s->ops = diff_schemas(s->current, s->wanted, &dopt, &p->diags);
    return s->ops ? RETORT_OK : RETORT_ERROR;
}

static char *describe_ops(const migration_ops *ops) {
    strbuf sb = STRBUF_INIT;
    arena *a = arena_new();
    for (size_t i = 0; i < ops->ops.len; i++) sb_printf(&sb, "%s\n", op_describe(a, &ops->ops.items[i]));
    arena_free(a);
    return sb_take(&sb);
}

retort_status retort_diff(retort_project *p, const retort_diff_options *opt, char **out, size_t *operations) {
    bool json = opt && opt->json;
    *out = NULL;
    if (!p->config) return RETORT_ECONFIG;
    autogen_state s = {0};
    retort_status rc = compute_diff(p, &s, p->config, opt ? opt->models_dir : NULL, "retort diff", false);
    if (rc == RETORT_OK) {
        if (operations) *operations = s.ops->ops.len;
        if (json) {
            json_t *j = json_object();
            json_object_set_new(j, "operations", migration_ops_to_json(s.ops));
            *out = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            json_decref(j);
        } else if (opt && opt->markdown) {
            lint_config lc;
            if ((rc = project_lint_config(p, &lc)) == RETORT_OK)
                *out = review_markdown(s.ops, s.current, s.dialect, p->config->render_as_batch, &lc);
        } else {
            *out = describe_ops(s.ops);
        }
    }
    autogen_state_free(&s);
    return rc;
}

/* One of Alembic's diff tuples ("as_diffs()") for an op, with names where
** Alembic shows SQLAlchemy objects (Table(...), Column(...), Index(...)),
** whose repr retort cannot write as SQLAlchemy does: ('add_table', 'item'),
** ('add_column', None, 'item', 'name'), ('modify_nullable', None, 'item',
** 'name'), ('add_index', 'ix_item_name')...  An ALTER of several attributes
** is one tuple per attribute, as Alembic lists them. */
static void check_tuples(arena *a, strbuf *sb, const op *o, bool *first) {
    const char *t = render_py_string(a, o->table_name);
#define TUPLE(...) do { sb_append(sb, *first ? "" : ", "); *first = false; sb_printf(sb, __VA_ARGS__); } while (0)
#define NAME(x) render_py_string(a, (x) ? (x) : "")
    /* Alembic's second element of a column tuple: the table's schema */
    const char *sch = o->schema ? render_py_string(a, o->schema) : "None";
    switch (o->kind) {
    case OP_CREATE_TABLE: TUPLE("('add_table', %s)", t); break;
    case OP_DROP_TABLE: TUPLE("('remove_table', %s)", t); break;
    case OP_RENAME_TABLE: TUPLE("('rename_table', %s, %s)", NAME(o->old_name), NAME(o->new_name)); break;
    case OP_SET_TABLE_SCHEMA:
        TUPLE("('set_table_schema', %s, %s, %s)", o->old_schema ? NAME(o->old_schema) : "None", t, sch);
        break;
    case OP_ADD_COLUMN: TUPLE("('add_column', %s, %s, %s)", sch, t, NAME(o->column->name)); break;
    case OP_DROP_COLUMN: TUPLE("('remove_column', %s, %s, %s)", sch, t, NAME(o->column->name)); break;
    case OP_RENAME_COLUMN:
        TUPLE("('rename_column', %s, %s, %s, %s)", sch, t, NAME(o->old_name), NAME(o->new_name));
        break;
    case OP_ALTER_COLUMN: {
        static const struct { unsigned bit; const char *name; } A[] = {
            {ALTER_TYPE, "modify_type"}, {ALTER_NULLABLE, "modify_nullable"},
            {ALTER_DEFAULT, "modify_default"}, {ALTER_COMMENT, "modify_comment"}};
        for (size_t i = 0; i < sizeof A / sizeof A[0]; i++)
            if (o->alter & A[i].bit) TUPLE("('%s', %s, %s, %s)", A[i].name, sch, t, NAME(o->column->name));
        break;
    }
    case OP_CREATE_INDEX: TUPLE("('add_index', %s)", NAME(o->index->name)); break;
    case OP_DROP_INDEX: TUPLE("('remove_index', %s)", NAME(o->index->name)); break;
    case OP_ADD_UNIQUE: TUPLE("('add_constraint', %s)", NAME(o->unique->name)); break;
    case OP_DROP_UNIQUE: TUPLE("('remove_constraint', %s)", NAME(o->unique->name)); break;
    case OP_ADD_FOREIGN_KEY: TUPLE("('add_fk', %s)", NAME(o->fk->name)); break;
    case OP_DROP_FOREIGN_KEY: TUPLE("('remove_fk', %s)", NAME(o->fk->name)); break;
    case OP_ADD_CHECK: TUPLE("('add_constraint', %s)", NAME(o->check->name)); break;
    case OP_DROP_CHECK: TUPLE("('remove_constraint', %s)", NAME(o->check->name)); break;
    case OP_ADD_PRIMARY_KEY: TUPLE("('add_constraint', %s)", NAME(o->pk->name)); break;
    case OP_DROP_PRIMARY_KEY: TUPLE("('remove_constraint', %s)", NAME(o->pk->name)); break;
    case OP_SET_TABLE_COMMENT:
        TUPLE("('%s', %s)", o->new_comment ? "add_table_comment" : "remove_table_comment", t);
        break;
    /* Alembic compares no enum type; the names of retort's own kinds. */
    case OP_CREATE_ENUM: TUPLE("('add_enum', %s)", NAME(o->enumeration->name)); break;
    case OP_DROP_ENUM: TUPLE("('remove_enum', %s)", NAME(o->enumeration->name)); break;
    case OP_ALTER_ENUM: TUPLE("('modify_enum', %s)", NAME(o->enumeration->name)); break;
    case OP_EXECUTE:
    case OP_BULK_INSERT: break;         /* never from the differ */
    }
#undef NAME
#undef TUPLE
}

retort_status retort_check(retort_project *p, const retort_check_options *opt, char **out, size_t *operations) {
    *out = NULL;
    if (operations) *operations = 0;
    if (!p->config) return RETORT_ECONFIG;
    /* The versions folder is what check vouches for: it must match its
    ** retort.sum (a note when it has none). */
    retort_status rc = project_sum_verify(p, opt && opt->offline ? "retort check --offline" : "retort check", true);
    if (rc != RETORT_OK) return rc;
    return project_check(p, p->config, opt, out, operations);
}

retort_status project_check(retort_project *p, const retort_config *c, const retort_check_options *opt, char **out,
                            size_t *operations) {
    *out = NULL;
    if (operations) *operations = 0;
    bool offline = opt && opt->offline;
    autogen_state s = {0};
    /* an applied file edited since: a warning about the project's database */
    s.warn_applied = !offline && c == p->config;
    retort_status rc = compute_diff(p, &s, c, opt ? opt->models_dir : NULL,
                                    offline ? "retort check --offline" : "retort check", offline);
    if (rc == RETORT_OK) {
        if (operations) *operations = s.ops->ops.len;
        if (s.ops->ops.len) {
            strbuf sb = STRBUF_INIT;
            bool first = true;
            sb_appendc(&sb, '[');
            for (size_t i = 0; i < s.ops->ops.len; i++) check_tuples(s.arena, &sb, &s.ops->ops.items[i], &first);
            sb_appendc(&sb, ']');
            *out = sb_take(&sb);
        }
    }
    autogen_state_free(&s);
    return rc;
}

/* Each lint finding of a new file as a warning at its note's line. */
static void lint_warn_notes(retort_project *p, arena *a, const lint_findings *lf, const char *path) {
    char *text = read_file(path, NULL);
    const char *from = text;
    for (size_t i = 0; i < lf->items.len; i++) {
        const lint_finding *f = &lf->items.items[i];
        src_loc loc = {path, 0, 0};
        const char *note = lint_note_text(a, f);
        const char *hit = from ? strstr(from, note) : NULL;
        if (hit) {
            loc.line = 1;
            for (const char *q = text; q < hit; q++) loc.line += *q == '\n';
            const char *bol = hit;
            while (bol > text && bol[-1] != '\n') bol--;
            loc.column = (int)(hit - bol) - 1;  /* the "#" */
            from = hit + 1;
        }
        diag *d = diag_add(&p->diags, DIAG_WARNING, loc, "%s: %s", f->rule_id, f->message);
        d->span = (int)strlen(f->rule_id) + 10;
        diag_set_hint(&p->diags, d, "%s", f->hint);
    }
    free(text);
}

retort_status retort_revision(retort_project *p, const retort_revision_options *opt,
                              retort_revision_result *out) {
    memset(out, 0, sizeof *out);
    if (!p->config) return RETORT_ECONFIG;
    /* The names given are checked before anything is read or compared:
    ** one rule for every id and label (script.h). */
    src_loc rev_opt = {"--rev-id", 0, 0}, label_opt = {"--branch-label", 0, 0};
    if ((opt->rev_id && revision_name_check(opt->rev_id, NAME_NEW_REVISION, rev_opt, 0, &p->diags) != 0) ||
        (opt->branch_label && revision_name_check(opt->branch_label, NAME_NEW_BRANCH_LABEL, label_opt, 0, &p->diags) != 0))
        return RETORT_ERROR;
    retort_config *c = p->config;
    if (opt->sql) {
        /* Alembic's refusals, in its order; with revision_environment
        ** Alembic runs env.py offline, which retort has not. */
        if (opt->autogenerate)
            project_error(p, "leave out --sql: an autogenerated revision is written, not printed",
                          "Using --sql with --autogenerate does not make any sense");
        else if (!c->revision_environment)
            project_error(p, "leave out --sql; with revision_environment = true Alembic runs env.py in offline "
                             "mode while it writes the revision",
                          "Using --sql with the revision command when revision_environment is not configured does "
                          "not make any sense");
        else
            project_error(p, "retort has no env.py to run: write the revision without --sql",
                          "retort does not run env.py, so revision --sql (env.py in offline mode, "
                          "revision_environment = true) has nothing to print");
        return RETORT_ERROR;
    }
    /* A folder that does not match its retort.sum first: the new file's
    ** line would otherwise be written over an unrecorded change. */
    retort_status rc = project_sum_verify(p, "retort revision", false);
    if (rc != RETORT_OK) return rc;
    autogen_state s = {0};
    bool graph_options = opt->head || opt->splice || opt->branch_label || opt->n_depends_on;
    if (opt->autogenerate) {
        rc = compute_diff(p, &s, p->config, opt->models_dir, "retort revision --autogenerate", false);
    } else {
        s.arena = arena_new();
        rc = load_revisions_ex(p, &s, opt->head != NULL);
        if (rc == RETORT_OK) {
            arena *oa = arena_new();
            s.ops = arena_alloc(oa, sizeof *s.ops);
            s.ops->arena = oa;
        }
    }
    if (rc != RETORT_OK) goto done;
    str_vec down = s.heads, deps = {0}, labels = {0}, paths = {0};
    if (graph_options) {
        down.len = 0;
        down.items = NULL;
        down.cap = 0;
        rc = resolve_parents(p, &s, opt, &down, &deps, &paths);
        if (rc != RETORT_OK) goto done;
        if (opt->branch_label) vec_push(s.arena, &labels, opt->branch_label);
    } else {
        for (size_t i = 0; i < s.graph->heads.len; i++) vec_push(s.arena, &paths, s.graph->heads.items[i]->header->path);
    }

    arena *a = s.arena;
    const char *rev = opt->rev_id ? opt->rev_id : revision_new_id(a);
    if (strmap_get(s.revisions->by_id, rev)) {
        project_error(p, "choose another --rev-id, or leave it out for a random one", "revision id '%s' already exists", rev);
        rc = RETORT_ERROR;
        goto done;
    }
    revision_write w = {
        .ro = {
            .message = opt->message ? opt->message : "empty message",
            .revision = rev,
            .down_revisions = &down,
            .branch_labels = labels.len ? &labels : NULL,
            .depends_on = deps.len ? &deps : NULL,
            .create_date = opt->create_date,
            .batch = c->render_as_batch,
            .dialect = s.dialect,
            .autogenerate = opt->autogenerate,
        },
        .slug_message = opt->message,
        .version_path = opt->version_path,
        .parent_paths = paths,
    };
    /* With a progress callback, the lines come as Alembic prints them: the
    ** changes, then the file, then the hooks. */
    for (size_t i = 0; p->progress && i < s.ops->ops.len; i++)
        project_progress(p, "%s", op_describe(a, &s.ops->ops.items[i]));
    if (opt->autogenerate && !s.ops->ops.len) project_progress(p, "No changes detected");
    /* Lint the ops: each finding a note above its op, and a warning. */
    lint_findings *lf = NULL;
    if (opt->autogenerate && s.ops->ops.len) {
        lint_config lc;
        if ((rc = project_lint_config(p, &lc)) != RETORT_OK) goto done;
        lf = lint_findings_new();
        lint_context lctx = {.dialect = s.dialect, .revision = rev, .batch = c->render_as_batch, .config = &lc,
                             .current = s.current};
        lint_ops(s.ops->ops.items, s.ops->ops.len, &lctx, lf, &p->diags);
        if (lf->items.len) {
            const char **notes = arena_alloc(a, s.ops->ops.len * sizeof *notes);
            for (size_t i = 0; i < lf->items.len; i++) {
                const lint_finding *f = &lf->items.items[i];
                notes[f->op_index] = arena_printf(a, "%s# %s\n", notes[f->op_index] ? notes[f->op_index] : "",
                                                  lint_note_text(a, f));
            }
            w.ro.op_notes = notes;
        }
    }
    const char *path = NULL;
    rc = project_write_revision(p, a, s.ops, &w, &path);
    if (path) out->path = strdup(path);
    if (lf && path) lint_warn_notes(p, a, lf, path);
    lint_findings_free(lf);
    if (rc != RETORT_OK) goto done;
    out->revision = strdup(rev);
    out->operations = s.ops->ops.len;
    out->detected = describe_ops(s.ops);
done:
    autogen_state_free(&s);
    return rc;
}

void retort_revision_result_free(retort_revision_result *r) {
    free(r->path);
    free(r->revision);
    free(r->detected);
    memset(r, 0, sizeof *r);
}

/* A schema as `retort models` and `retort inspect` print it (malloc'd). */
static char *schema_text(const schema *s, bool json) {
    if (json) {
        json_t *j = schema_to_json(s);
        char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(j);
        return text;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) util_oom();
    schema_print_text(s, f);
    fclose(f);
    return buf;
}

retort_status retort_models(retort_project *p, const retort_models_options *opt, char **out) {
    *out = NULL;
    if (!p->config) return RETORT_ECONFIG;
    const char *dir;
    retort_status rc = project_models_dir(p, opt ? opt->models_dir : NULL, "retort models", true, &dir);
    if (rc != RETORT_OK) return rc;
    schema *s = NULL;
    if (model_load_dir(dir, p->config->pg_schema, &s, &p->diags) != 0) return RETORT_EMODEL;
    *out = schema_text(s, opt && opt->json);
    schema_free(s);
    return RETORT_OK;
}

retort_status retort_inspect(retort_project *p, const retort_inspect_options *opt, char **out) {
    bool json = opt && opt->json;
    *out = NULL;
    if (!p->config) return RETORT_ECONFIG;
    retort_config *c = p->config;
    db_conn *db = NULL;
    schema *s = NULL;
    retort_status rc = RETORT_EDATABASE;
    if (db_open_at(c->url, false,
                   &(db_place){c->pg_schema, c->version_table, c->version_table_schema, c->checksum_table}, &db,
                   &p->diags) == 0) {
        introspect_options io;
        project_introspect_options(p, NULL, &io);
        if (introspect_database(db, &io, &s, &p->diags) == 0) rc = RETORT_OK;
    }
    if (rc == RETORT_OK) *out = schema_text(s, json);
    schema_free(s);
    db_close(db);
    return rc;
}
