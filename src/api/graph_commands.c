/*
** graph_commands.c — the public API of the revision-graph commands (retort.h,
** section "The revision graph"): current, history, heads, branches, show,
** stamp and merge.
**
** Each function loads the revision headers (revisions_load), builds the
** graph (graph.h) and formats the result exactly as Alembic 1.8's
** Script.cmd_format / Script.log_entry do, so that retort's output can be
** compared with Alembic's byte for byte.  Where Alembic prints a Python set
** (the children of a branch point, branch labels) its order is random;
** retort sorts those by id.
**
** ensure_version creates the version table as stamp does, or prints
** Alembic's script; retort_revision_paths gives `edit` its files.
**
** stamp writes alembic_version with the statements of render/sql.h, in one
** transaction under the lock upgrade takes, every row change checked;
** merge writes its revision file through project_write_revision, as
** `retort revision` does.
*/
#include "retort.h"
#include "api/project.h"

#include "db/db.h"
#include "render/render.h"
#include "render/sql.h"
#include "runner/runner.h"
#include "script/graph.h"
#include "script/script.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Everything a graph command works on. */
typedef struct graph_state {
    arena *arena;
    revision_set *revisions;
    revision_graph *graph;
    db_conn *db;
    str_vec current;        /* alembic_version rows */
} graph_state;

static void state_free(graph_state *s) {
    graph_free(s->graph);
    revisions_free(s->revisions);
    db_close(s->db);
    arena_free(s->arena);
}

static retort_status load_graph(retort_project *p, graph_state *s) {
    retort_config *c = p->config;
    s->arena = arena_new();
    if (!c) return RETORT_ECONFIG;
    if (revisions_load_config(c, &s->revisions, &p->diags) != 0) return RETORT_EREVISIONS;
    if (graph_build(s->revisions, &s->graph, &p->diags) != 0) return RETORT_EREVISIONS;
    return RETORT_OK;
}


/* Open the database and read alembic_version into s->current. */
static retort_status read_current(retort_project *p, graph_state *s, bool create_missing) {
    retort_config *c = p->config;
    if (db_open_at(c->url, create_missing,
                   &(db_place){c->pg_schema, c->version_table, c->version_table_schema, c->checksum_table},
                   &s->db, &p->diags) != 0)
        return RETORT_EDATABASE;
    if (db_current_revisions(s->db, s->arena, &s->current, &p->diags) != 0) return RETORT_EDATABASE;
    return RETORT_OK;
}

/* ------------------------------------------------------------ formatting */

/* The module docstring, decoded and stripped (Script.longdoc): the header
** reader decodes it as Python does. */
static const char *longdoc(graph_state *s, const revision_node *n) {
    (void)s;
    return n->header->longdoc ? n->header->longdoc : "";
}

/* Script.doc: the first paragraph of the docstring. */
static const char *short_doc(graph_state *s, const revision_node *n) {
    (void)s;
    return n->header->doc ? n->header->doc : "";
}

/* The length of the line break at p as str.splitlines() sees one (\n, \r,
** \r\n, \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029), or 0. */
static size_t line_break(const char *p) {
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] == '\r') return u[1] == '\n' ? 2 : 1;
    if (u[0] == '\n' || u[0] == '\v' || u[0] == '\f' || (u[0] >= 0x1c && u[0] <= 0x1e)) return 1;
    if (u[0] == 0xC2 && u[1] == 0x85) return 2;
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9)) return 3;
    return 0;
}

static void comma_list(strbuf *sb, const str_vec *v) { sb_append_join(sb, v, ", "); }

static bool is_current(const graph_state *s, const revision_node *n) {
    for (size_t i = 0; i < s->current.len; i++)
        if (!strcmp(s->current.items[i], n->header->revision)) return true;
    return false;
}

typedef struct fmt_flags {
    bool include_branches, include_doc, include_parents, tree_indicators, head_indicators;
    bool current_indicator;     /* --indicate-current */
} fmt_flags;

/* Script._head_only */
static void head_only(graph_state *s, strbuf *sb, const revision_node *n, fmt_flags f) {
    if (f.include_parents) {
        sb_append(sb, graph_format_down(s->arena, n));
        if (n->header->depends_on.len) {
            sb_append(sb, " (");
            comma_list(sb, &n->header->depends_on);
            sb_append(sb, ")");
        }
        sb_append(sb, " -> ");
    }
    sb_append(sb, n->header->revision);
    if (f.include_branches && n->labels.len) {
        sb_append(sb, " (");
        comma_list(sb, &n->labels);
        sb_append(sb, ")");
    }
    if (f.head_indicators || f.tree_indicators) {
        if (n->is_real_head) sb_append(sb, " (head)");
        if (n->is_head && !n->is_real_head) sb_append(sb, " (effective head)");
        if (f.current_indicator && is_current(s, n)) sb_append(sb, " (current)");
    }
    if (f.tree_indicators) {
        if (n->is_branch_point) sb_append(sb, " (branchpoint)");
        if (n->is_merge_point) sb_append(sb, " (mergepoint)");
    }
    if (f.include_doc) {
        sb_append(sb, ", ");
        sb_append(sb, short_doc(s, n));
    }
}

static int cmp_node_id(const void *x, const void *y) {
    return strcmp((*(revision_node *const *)x)->header->revision, (*(revision_node *const *)y)->header->revision);
}

/* Script.log_entry */
static void log_entry(graph_state *s, strbuf *sb, const revision_node *n, bool current_indicator) {
    sb_printf(sb, "Rev: %s%s%s%s%s\n", n->header->revision, n->is_head ? " (head)" : "",
              n->is_branch_point ? " (branchpoint)" : "", n->is_merge_point ? " (mergepoint)" : "",
              current_indicator && is_current(s, n) ? " (current)" : "");
    sb_printf(sb, "%s: %s\n", n->is_merge_point ? "Merges" : "Parent", graph_format_down(s->arena, n));
    if (n->header->depends_on.len) {
        sb_append(sb, "Also depends on: ");
        comma_list(sb, &n->header->depends_on);
        sb_append(sb, "\n");
    }
    if (n->is_branch_point) {
        node_vec kids = {0};
        for (size_t i = 0; i < n->up.len; i++) vec_push(s->arena, &kids, n->up.items[i]);
        qsort(kids.items, kids.len, sizeof *kids.items, cmp_node_id);
        sb_append(sb, "Branches into: ");
        for (size_t i = 0; i < kids.len; i++) sb_printf(sb, "%s%s", i ? ", " : "", kids.items[i]->header->revision);
        sb_append(sb, "\n");
    }
    if (n->labels.len) {
        sb_append(sb, "Branch names: ");
        comma_list(sb, &n->labels);
        sb_append(sb, "\n");
    }
    sb_printf(sb, "Path: %s\n", n->header->path);
    sb_append(sb, "\n");
    const char *d = longdoc(s, n);
    /* "\n".join("    %s" % line for line in doc.splitlines()) */
    bool first = true;
    for (const char *p = d; *p;) {
        size_t len = 0;
        while (p[len] && !line_break(p + len)) len++;
        sb_printf(sb, "%s    %.*s", first ? "" : "\n", (int)len, p);
        first = false;
        p += len;
        if (*p) p += line_break(p);
    }
    sb_append(sb, "\n");
}

/* cmd_format(verbose, ...) followed by print_stdout's newline. */
static void cmd_format(graph_state *s, strbuf *sb, const revision_node *n, bool verbose, fmt_flags f) {
    if (verbose) log_entry(s, sb, n, f.current_indicator);
    else head_only(s, sb, n, f);
    sb_append(sb, "\n");
}

static fmt_flags default_flags(void) {
    return (fmt_flags){.tree_indicators = true, .head_indicators = true};
}

/* Alembic's obfuscate_url_pw on the URL env.py uses (async drivers mapped
** to their synchronous twins): the password of user:password@ as XXXXX.
** A ?password= query parameter, which Alembic prints, is masked too. */
static const char *display_url(arena *a, const char *url) {
    const char *sep = strstr(url, "://");
    if (!sep) return db_url_masked(a, url, "XXXXX");
    const char *scheme = arena_strndup(a, url, (size_t)(sep - url));
    if (!strcmp(scheme, "postgres")) scheme = "postgresql";
    else if (!strcmp(scheme, "postgresql+asyncpg")) scheme = "postgresql+psycopg2";
    else if (!strcmp(scheme, "sqlite+aiosqlite")) scheme = "sqlite";
    return db_url_masked(a, arena_printf(a, "%s%s", scheme, sep), "XXXXX");
}

/* ------------------------------------------------------------- commands */

retort_status retort_current(retort_project *p, const retort_current_options *opt, char **out) {
    bool verbose = opt && opt->verbose;
    *out = NULL;
    graph_state s = {0};
    retort_status rc = load_graph(p, &s);
    if (rc == RETORT_OK) rc = read_current(p, &s, false);
    if (rc != RETORT_OK) goto done;
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    if (verbose) sb_printf(&sb, "Current revision(s) for %s:\n", display_url(s.arena, p->config->url));
    /* -v: an applied revision whose file changed since it ran (stderr). */
    if (verbose && runner_warn_changed_applied(p->config, s.db, s.graph, &s.current, &p->diags) != 0) {
        sb_free(&sb);
        rc = RETORT_EDATABASE;
        goto done;
    }
    node_vec all = {0};
    if (graph_all_current(s.graph, &s.current, &all, &p->diags) != 0) rc = RETORT_EREVISIONS;
    for (size_t i = 0; rc == RETORT_OK && i < all.len; i++) cmd_format(&s, &sb, all.items[i], verbose, default_flags());
    if (rc == RETORT_OK) *out = sb_take(&sb);
    else sb_free(&sb);
done:
    state_free(&s);
    return rc;
}

retort_status retort_history(retort_project *p, const retort_history_options *opt, char **out) {
    const char *range = opt ? opt->range : NULL;
    bool verbose = opt && opt->verbose, indicate_current = opt && opt->indicate_current;
    *out = NULL;
    graph_state s = {0};
    retort_status rc = load_graph(p, &s);
    if (rc != RETORT_OK) goto done;
    const char *base = NULL, *head = NULL;
    if (range) {
        const char *colon = strchr(range, ':');
        if (!colon || strchr(colon + 1, ':')) {
            project_error(p, "write -r START:END, START: or :END (e.g. -r base:head, -r ae10:)",
                 "History range requires [start]:[end], [start]:, or :[end]");
            rc = RETORT_ERROR;
            goto done;
        }
        while (isspace((unsigned char)*range)) range++;
        base = arena_strndup(s.arena, range, (size_t)(colon - range));
        head = arena_strdup(s.arena, colon + 1);
        size_t hl = strlen(head);
        while (hl && isspace((unsigned char)head[hl - 1])) ((char *)head)[--hl] = '\0';
    }
    bool base_current = base && !strcmp(base, "current"), head_current = head && !strcmp(head, "current");
    if (indicate_current || base_current || head_current) {
        rc = read_current(p, &s, false);
        if (rc != RETORT_OK) goto done;
    }
    /* "current" is the tuple of the database's rows, as Alembic passes it:
    ** none is the side's default (base, heads). */
    node_vec revs = {0};
    if (graph_walk_range(s.graph, base_current ? NULL : base, base_current ? &s.current : NULL,
                         head_current ? NULL : head, head_current ? &s.current : NULL, &revs, &p->diags) != 0) {
        rc = RETORT_ERROR;
        goto done;
    }
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    fmt_flags f = {.include_branches = true, .include_doc = true, .include_parents = true,
                   .tree_indicators = true, .head_indicators = true, .current_indicator = indicate_current};
    for (size_t i = 0; i < revs.len; i++) cmd_format(&s, &sb, revs.items[i], verbose, f);
    *out = sb_take(&sb);
    rc = RETORT_OK;
done:
    state_free(&s);
    return rc;
}

retort_status retort_heads(retort_project *p, const retort_heads_options *opt, char **out) {
    bool verbose = opt && opt->verbose, resolve_dependencies = opt && opt->resolve_dependencies;
    *out = NULL;
    graph_state s = {0};
    retort_status rc = load_graph(p, &s);
    if (rc != RETORT_OK) goto done;
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    const node_vec *heads = resolve_dependencies ? &s.graph->real_heads : &s.graph->heads_map_order;
    fmt_flags f = {.include_branches = true, .head_indicators = true};
    for (size_t i = 0; i < heads->len; i++) cmd_format(&s, &sb, heads->items[i], verbose, f);
    *out = sb_take(&sb);
    rc = RETORT_OK;
done:
    state_free(&s);
    return rc;
}

retort_status retort_branches(retort_project *p, const retort_branches_options *opt, char **out) {
    bool verbose = opt && opt->verbose;
    *out = NULL;
    graph_state s = {0};
    retort_status rc = load_graph(p, &s);
    if (rc != RETORT_OK) goto done;
    node_vec revs = {0};
    if (graph_walk(s.graph, NULL, NULL, &revs, &p->diags) != 0) {
        rc = RETORT_ERROR;
        goto done;
    }
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    for (size_t i = 0; i < revs.len; i++) {
        revision_node *n = revs.items[i];
        if (!n->is_branch_point) continue;
        fmt_flags f = default_flags();
        f.include_branches = true;
        if (verbose) log_entry(&s, &sb, n, false);
        else head_only(&s, &sb, n, f);
        sb_append(&sb, "\n");
        node_vec kids = {0};
        for (size_t k = 0; k < n->up.len; k++) vec_push(s.arena, &kids, n->up.items[k]);
        qsort(kids.items, kids.len, sizeof *kids.items, cmp_node_id);
        size_t pad = strlen(n->header->revision);
        for (size_t k = 0; k < kids.len; k++) {
            sb_printf(&sb, "%s%*s -> ", k ? "\n" : "", (int)pad, "");
            fmt_flags kf = default_flags();
            kf.include_branches = true;
            kf.include_doc = verbose;
            head_only(&s, &sb, kids.items[k], kf);
        }
        sb_append(&sb, "\n\n");
    }
    *out = sb_take(&sb);
    rc = RETORT_OK;
done:
    state_free(&s);
    return rc;
}

/* The revisions the database is at, as nodes: its rows read (read_current)
** and each resolved in the graph. */
static retort_status current_nodes(retort_project *p, graph_state *s, node_vec *out) {
    retort_status rc = read_current(p, s, false);
    for (size_t i = 0; rc == RETORT_OK && i < s->current.len; i++)
        if (graph_resolve(s->graph, s->current.items[i], out, &p->diags) != 0) rc = RETORT_EREVISIONS;
    return rc;
}

retort_status retort_show(retort_project *p, const char *rev, char **out) {
    *out = NULL;
    graph_state s = {0};
    retort_status rc = load_graph(p, &s);
    if (rc != RETORT_OK) goto done;
    node_vec revs = {0};
    if (!strcmp(rev, "current")) {
        rc = current_nodes(p, &s, &revs);
        s.current.len = 0;                         /* no (current) marks */
    } else {
        size_t before = p->diags.items.len;
        revision_node *one = NULL;
        /* relative forms (<rev>+N) resolve through graph_find */
        if (strpbrk(rev, "+") || (strchr(rev, '-') && rev[0] != '-')) {
            one = graph_find(s.graph, rev, &p->diags);
            if (one) vec_push(s.arena, &revs, one);
            else if (p->diags.items.len > before) rc = RETORT_ERROR;
        } else if (graph_resolve(s.graph, rev, &revs, &p->diags) != 0)
            rc = RETORT_ERROR;
    }
    if (rc != RETORT_OK) goto done;
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    for (size_t i = 0; i < revs.len; i++) {
        log_entry(&s, &sb, revs.items[i], false);
        sb_append(&sb, "\n");
    }
    *out = sb_take(&sb);
    rc = RETORT_OK;
done:
    state_free(&s);
    return rc;
}

/* ---------------------------------------------------------------- stamp */

/* The statements of one stamp step, in the order Alembic issues them:
** DELETEs, the UPDATE, INSERTs. */
static void step_statements(arena *a, const dialect *d, const version_table *vt, const migration_step *st,
                            version_changes *out) {
    size_t ndel = st->version_delete.len, nins = st->version_insert.len;
    bool update = st->version_update_from != NULL;
    for (size_t i = 0; i + (update ? 1 : 0) < ndel; i++) {
        const char *rev = st->version_delete.items[i];
        version_change c = {sql_delete_version(a, d, vt, rev), arena_printf(a, "deleting '%s'", rev)};
        vec_push(a, out, c);
    }
    if (update) {
        version_change c = {sql_update_version(a, d, vt, st->version_update_from, st->version_update_to),
                            arena_printf(a, "updating '%s' to '%s'", st->version_update_from, st->version_update_to)};
        vec_push(a, out, c);
    }
    for (size_t i = update ? 1 : 0; i < nins; i++) {
        const char *rev = st->version_insert.items[i];
        version_change c = {sql_insert_version(a, d, vt, rev), arena_printf(a, "inserting '%s'", rev)};
        vec_push(a, out, c);
    }
}

/* "-- Running stamp_revision FROM -> TO" */
static const char *stamp_log(arena *a, const migration_step *st) {
    return arena_printf(a, "-- Running stamp_revision %s -> %s", str_vec_join(a, &st->version_delete, ", "),
                        str_vec_join(a, &st->version_insert, ", "));
}

/* The online stamp, inside the lock's transaction: read alembic_version,
** plan, write; every row change checked. */
static retort_status stamp_locked(graph_state *s, const retort_stamp_options *o, const dialect *d,
                                  const str_vec *targets, diag_list *dl) {
    arena *a = s->arena;
    version_table vt = {s->db->version_table, s->db->version_table_schema};
    if (db_current_revisions(s->db, a, &s->current, dl) != 0) return RETORT_EDATABASE;
    int exists = db_version_table_exists(s->db, dl);
    if (exists < 0) return RETORT_EDATABASE;
    str_vec found = s->current;
    if (o->purge) s->current.len = 0;
    migration_plan plan = {0};
    if (graph_plan_stamp(s->graph, &s->current, targets, &plan, dl) != 0) return RETORT_ERROR;
    if (!exists && db_exec(s->db, sql_create_version_table(a, d, &vt), dl) != 0) return RETORT_EDATABASE;
    if (exists && o->purge) {
        long changed = 0;
        const char *del = arena_printf(a, "DELETE FROM %s", vt.schema ? arena_printf(a, "%s.%s",
                                       d->quote_ident(a, vt.schema), d->quote_ident(a, vt.name))
                                                                    : d->quote_ident(a, vt.name));
        if (db_exec_count(s->db, del, &changed, dl) != 0) return RETORT_EDATABASE;
        if (changed != (long)found.len) {
            diag *e = diag_add(dl, DIAG_ERROR, (src_loc){0},
                               "--purge deleted %ld rows of alembic_version, where %zu were read", changed, found.len);
            diag_set_hint(dl, e, "something else is writing alembic_version; run the stamp again");
            return RETORT_EDATABASE;
        }
    }
    for (size_t i = 0; i < plan.len; i++) {
        version_changes changes = {0};
        step_statements(a, d, &vt, &plan.items[i], &changes);
        for (size_t k = 0; k < changes.len; k++)
            if (db_exec_version_row(s->db, changes.items[k].sql, changes.items[k].what, dl) != 0)
                return RETORT_EDATABASE;
    }
    return RETORT_OK;
}

retort_status retort_stamp(retort_project *p, const retort_stamp_options *o, char **out) {
    *out = NULL;
    graph_state s = {0};
    retort_status rc = load_graph(p, &s);
    if (rc != RETORT_OK) goto done;
    retort_config *c = p->config;
    diag_list *dl = &p->diags;
    arena *a = s.arena;
    str_vec targets = {0};
    const char *start = NULL;
    for (size_t i = 0; i < o->n_revisions; i++) {
        const char *t = o->revisions[i];
        const char *colon = strchr(t, ':');
        if (colon) {
            if (!o->sql) {
                project_error(p, "a FROM:TO range needs --sql; online, the database says where it is", "Range revision not allowed");
                rc = RETORT_ERROR;
                goto done;
            }
            const char *srev = arena_strndup(a, t, (size_t)(colon - t));
            if (start && strcmp(start, srev)) {
                project_error(p, NULL, "Stamp operation with --sql only supports a single starting revision at a time");
                rc = RETORT_ERROR;
                goto done;
            }
            start = srev;
            t = colon + 1;
        }
        vec_push(a, &targets, t);
    }
    if (o->sql && o->purge) {
        project_error(p, "--purge empties a live table; leave it out with --sql", "Can't use --purge with --sql mode");
        rc = RETORT_ERROR;
        goto done;
    }
    const dialect *d = c->url ? dialect_for_url(c->url) : NULL;
    if (!d) {
        project_error(p, "set sqlalchemy.url in alembic.ini or DATABASE_URL (sqlite:///... or postgresql://...)",
             "no usable database URL");
        rc = RETORT_ECONFIG;
        goto done;
    }
    if (o->sql) {
        version_table vt = {c->version_table, c->version_table_schema};
        str_vec cur = {0};
        if (start) {
            node_vec from = {0};
            if (graph_resolve(s.graph, start, &from, dl) != 0) { rc = RETORT_ERROR; goto done; }
            for (size_t i = 0; i < from.len; i++) vec_push(a, &cur, from.items[i]->header->revision);
        }
        migration_plan plan = {0};
        if (graph_plan_stamp(s.graph, &cur, &targets, &plan, dl) != 0) { rc = RETORT_ERROR; goto done; }
        strbuf sb = STRBUF_INIT;
        sb_append(&sb, "");
        bool transactional = d->kind == DIALECT_POSTGRESQL;
        if (transactional) sb_append(&sb, "BEGIN;\n\n");
        size_t rows = cur.len;
        for (size_t i = 0; i < plan.len; i++) {
            migration_step *st = &plan.items[i];
            if (!rows) sb_printf(&sb, "%s;\n\n", sql_create_version_table(a, d, &vt));
            sb_printf(&sb, "%s\n\n", stamp_log(a, st));
            version_changes stmts = {0};
            step_statements(a, d, &vt, st, &stmts);
            for (size_t k = 0; k < stmts.len; k++) sb_printf(&sb, "%s;\n\n", stmts.items[k].sql);
            rows = rows + st->version_insert.len - st->version_delete.len;
        }
        if (!rows) sb_printf(&sb, "%s;\n\n", sql_drop_version_table(a, d, &vt));
        if (transactional) sb_append(&sb, "COMMIT;\n\n");
        *out = sb_take(&sb);
        rc = RETORT_OK;
        goto done;
    }
    /* Online: lock, and read where the database is inside the transaction,
    ** so that nothing can move it between the read and the write. */
    if (db_open_at(c->url, true,
                   &(db_place){c->pg_schema, c->version_table, c->version_table_schema, c->checksum_table}, &s.db,
                   dl) != 0) {
        rc = RETORT_EDATABASE;
        goto done;
    }
    if (db_lock(s.db, o->lock_timeout_ms > 0 ? o->lock_timeout_ms : 60000, dl) != 0) {
        rc = RETORT_EDATABASE;
        goto done;
    }
    rc = stamp_locked(&s, o, d, &targets, dl);
    if (rc == RETORT_OK && db_commit(s.db, dl) != 0) rc = RETORT_EDATABASE;
    if (rc != RETORT_OK) project_error(p, "nothing was changed: the transaction was rolled back", "stamp failed");
    db_unlock(s.db);
done:
    state_free(&s);
    return rc;
}

/* ------------------------------------------------------- ensure_version */

retort_status retort_ensure_version(retort_project *p, const retort_ensure_version_options *opt, char **out) {
    *out = NULL;
    retort_config *c = p->config;
    if (!c) return RETORT_ECONFIG;
    diag_list *dl = &p->diags;
    /* Alembic reads the versions folder first (ScriptDirectory): so does
    ** retort, so that a broken folder fails here as there. */
    graph_state s = {0};
    retort_status rc = load_graph(p, &s);
    if (rc != RETORT_OK) goto done;
    const dialect *d = c->url ? dialect_for_url(c->url) : NULL;
    if (!d) {
        project_error(p, "set sqlalchemy.url in alembic.ini or DATABASE_URL (sqlite:///... or postgresql://...)",
                      "no usable database URL");
        rc = RETORT_ECONFIG;
        goto done;
    }
    version_table vt = {c->version_table, c->version_table_schema};
    if (opt && opt->sql) {
        /* Alembic's offline run: the CREATE TABLE, and, the run ending at no
        ** revision, the DROP TABLE its offline mode always adds then. */
        strbuf sb = STRBUF_INIT;
        bool transactional = d->kind == DIALECT_POSTGRESQL;
        if (transactional) sb_append(&sb, "BEGIN;\n\n");
        sb_printf(&sb, "%s;\n\n", sql_create_version_table(s.arena, d, &vt));
        sb_printf(&sb, "%s;\n\n", sql_drop_version_table(s.arena, d, &vt));
        if (transactional) sb_append(&sb, "COMMIT;\n\n");
        *out = sb_take(&sb);
        goto done;
    }
    if (db_open(c->url, true, &s.db, dl) != 0) { rc = RETORT_EDATABASE; goto done; }
    s.db->pg_schema = c->pg_schema;
    s.db->version_table = c->version_table;
    s.db->version_table_schema = c->version_table_schema;
    long timeout = opt && opt->lock_timeout_ms > 0 ? opt->lock_timeout_ms : 60000;
    if (db_lock(s.db, timeout, dl) != 0) { rc = RETORT_EDATABASE; goto done; }
    int exists = db_version_table_exists(s.db, dl);
    if (exists < 0 || (!exists && db_exec(s.db, sql_create_version_table(s.arena, d, &vt), dl) != 0) ||
        db_commit(s.db, dl) != 0)
        rc = RETORT_EDATABASE;
    db_unlock(s.db);
done:
    state_free(&s);
    return rc;
}

/* ----------------------------------------------------------------- edit */

retort_status retort_revision_paths(retort_project *p, const char *rev, char ***paths, size_t *n_paths) {
    *paths = NULL;
    *n_paths = 0;
    graph_state s = {0};
    retort_status rc = load_graph(p, &s);
    if (rc != RETORT_OK) goto done;
    node_vec revs = {0};
    if (!strcmp(rev, "current")) {
        /* Alembic runs env.py and asks the database. */
        if ((rc = current_nodes(p, &s, &revs)) != RETORT_OK) goto done;
        if (!s.current.len) {
            project_error(p, "the database has no revision yet: name the revision to edit (e.g. retort edit head)",
                          "No current revisions");
            rc = RETORT_ERROR;
            goto done;
        }
    } else {
        if (graph_resolve(s.graph, rev, &revs, &p->diags) != 0) { rc = RETORT_ERROR; goto done; }
        if (!revs.len) {
            project_error(p, "name a revision: an id or prefix, head, heads, <label>@head",
                          "No revision files indicated by symbol '%s'", rev);
            rc = RETORT_ERROR;
            goto done;
        }
    }
    char **v = calloc(revs.len, sizeof *v);
    if (!v) util_oom();
    for (size_t i = 0; i < revs.len; i++)
        if (!(v[i] = strdup(revs.items[i]->header->path))) util_oom();
    *paths = v;
    *n_paths = revs.len;
done:
    state_free(&s);
    return rc;
}

/* ---------------------------------------------------------------- merge */

retort_status retort_merge(retort_project *p, const retort_merge_options *o, retort_revision_result *out) {
    memset(out, 0, sizeof *out);
    /* The names given are checked before anything is read. */
    src_loc rev_opt = {"--rev-id", 0, 0}, label_opt = {"--branch-label", 0, 0};
    if ((o->rev_id && revision_name_check(o->rev_id, NAME_NEW_REVISION, rev_opt, 0, &p->diags) != 0) ||
        (o->branch_label && revision_name_check(o->branch_label, NAME_NEW_BRANCH_LABEL, label_opt, 0, &p->diags) != 0))
        return RETORT_ERROR;
    if (!p->config) return RETORT_ECONFIG;
    retort_status rc = project_sum_verify(p, "retort merge", false);
    if (rc != RETORT_OK) return rc;
    graph_state s = {0};
    rc = load_graph(p, &s);
    if (rc != RETORT_OK) goto done;
    retort_config *c = p->config;
    diag_list *dl = &p->diags;
    arena *a = s.arena;
    node_vec parents = {0};
    for (size_t i = 0; i < o->n_revisions; i++)
        if (graph_resolve(s.graph, o->revisions[i], &parents, dl) != 0) { rc = RETORT_ERROR; goto done; }
    for (size_t i = 0; i < parents.len; i++)
        for (size_t k = 0; k < i; k++)
            if (parents.items[i] == parents.items[k]) {
                project_error(p, "name each revision once", "Duplicate head revisions specified");
                rc = RETORT_ERROR;
                goto done;
            }
    for (size_t i = 0; i < parents.len; i++)
        if (!parents.items[i]->is_head) {
            project_error(p, "merge joins heads; see them with: retort heads",
                 "Revision %s is not a head revision; please specify --splice to create a new branch from this revision",
                 parents.items[i]->header->revision);
            rc = RETORT_ERROR;
            goto done;
        }
    if (parents.len < 2)
        project_error(p, NULL, "merging %zu revision%s: a merge joins two heads or more", parents.len, parents.len == 1 ? "" : "s")
            ->severity = DIAG_WARNING;
    const char *rev = o->rev_id ? o->rev_id : revision_new_id(a);
    if (strmap_get(s.graph->by_id, rev)) {
        project_error(p, "choose another --rev-id, or leave it out for a random one", "revision id '%s' already exists", rev);
        rc = RETORT_ERROR;
        goto done;
    }
    str_vec labels = {0};
    if (o->branch_label) {
        revision_node *other = strmap_get(s.graph->by_label, o->branch_label);
        if (!other) other = strmap_get(s.graph->by_id, o->branch_label);
        if (other) {
            project_error(p, "choose another --branch-label", "Branch name '%s' already used by revision %s", o->branch_label,
                 other->header->revision);
            rc = RETORT_ERROR;
            goto done;
        }
        vec_push(a, &labels, o->branch_label);
    }
    str_vec down = {0}, paths = {0};
    for (size_t i = 0; i < parents.len; i++) {
        vec_push(a, &down, parents.items[i]->header->revision);
        vec_push(a, &paths, parents.items[i]->header->path);
    }
    revision_write w = {
        .ro = {
            .message = o->message ? o->message : "empty message",
            .revision = rev,
            .down_revisions = &down,
            .create_date = o->create_date,
            .branch_labels = labels.len ? &labels : NULL,
            .batch = c->render_as_batch,
            .autogenerate = false,
        },
        .slug_message = o->message,     /* none: an empty slug, as Alembic */
        .parent_paths = paths,
    };
    const char *path = NULL;
    rc = project_write_revision(p, a, NULL, &w, &path);
    if (path) out->path = strdup(path);
    if (rc != RETORT_OK) goto done;
    out->revision = strdup(rev);
    out->detected = strdup("");
    rc = RETORT_OK;
done:
    state_free(&s);
    return rc;
}
