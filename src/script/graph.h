/*
** graph.h — the revision graph, built from revision headers only (never
** from bodies): heads, bases, branch points, merge points, depends_on,
** branch labels; resolving targets; and the steps of an upgrade or a
** downgrade, exactly as Alembic 1.8 walks them.
**
** Targets: "head", "heads", "base", a full id or a unique prefix of one,
** "+N" / "-N" (relative to the current revisions), "<rev>+N", "<rev>-N",
** "<label>@head", "<label>@base", "<label>@<rev>"... and "FROM:TO" ranges
** for offline --sql and history -r.
**
** Errors (unknown or ambiguous revision, duplicate id, a down_revision that
** names no file, a cycle) name the files involved.  Nothing recurses on the
** depth of the graph; building it is linear in revisions.
*/
#ifndef RETORT_GRAPH_H
#define RETORT_GRAPH_H

#include "script/script.h"

typedef struct revision_node revision_node;
struct revision_node {
    const revision_header *header;          /* revision, down_revisions, path, doc */
    VEC(revision_node *) down;              /* parents (down_revision) */
    VEC(revision_node *) up;                /* children */
    VEC(revision_node *) depends;           /* depends_on, resolved */
    bool is_head, is_base, is_branch_point, is_merge_point;
    size_t order;                           /* position in a topological order */
    /* What Alembic's own commands need beyond the parent links: depends_on
    ** counts as an edge for heads and branch points (its "real" heads), and
    ** several outputs follow the order revisions were found in. */
    VEC(revision_node *) all_up;            /* children by down_revision or depends_on */
    VEC(revision_node *) norm_down;         /* down + depends_on not already implied */
    str_vec labels;                         /* effective branch labels, sorted */
    bool is_real_head;                      /* no child even by depends_on */
    bool is_real_branch_point;              /* several children counting depends_on */
    size_t map_index;                       /* Alembic's map order (directory order) */
};

typedef VEC(revision_node *) node_vec;

typedef struct revision_graph {
    arena *arena;
    const revision_set *revisions;
    VEC(revision_node *) nodes;             /* topological order, bases first */
    strmap *by_id;
    VEC(revision_node *) heads;             /* sorted by id */
    VEC(revision_node *) bases;
    /* Orders and lookups of Alembic's RevisionMap, so that `heads`,
    ** `branches` and `history` list what Alembic lists, in its order. */
    node_vec by_map;                        /* Alembic's map order (directory order) */
    node_vec heads_map_order;               /* heads as `alembic heads` lists them */
    node_vec real_heads;                    /* heads counting depends_on (map order) */
    strmap *by_label;                       /* branch label -> revision declaring it */
} revision_graph;

int graph_build(const revision_set *rs, revision_graph **out, diag_list *dl);
void graph_free(revision_graph *g);

/* One revision by id, unique prefix or label form; NULL with a diagnostic. */
revision_node *graph_find(const revision_graph *g, const char *spec, diag_list *dl);

/* One step of a run: apply `node` upgrading or downgrading. */
typedef struct migration_step {
    revision_node *node;
    bool upgrade;
    /* alembic_version bookkeeping of this step, as Alembic does it: the
    ** revisions the step removes from and adds to the table. */
    str_vec version_delete;
    str_vec version_insert;
    /* The UPDATE of the step, when it has one (NULL otherwise).  It is also in the lists above: `from` is the LAST item of
    ** version_delete and `to` the FIRST of version_insert, so a runner that
    ** reads the lists as "DELETE all but the last, UPDATE last -> first,
    ** INSERT the rest" issues Alembic's statements.  A step never has a
    ** plain DELETE and a plain INSERT both.  A stamp step has node == NULL. */
    const char *version_update_from;
    const char *version_update_to;
} migration_step;

typedef VEC(migration_step) migration_plan;

/* The steps from the `current` revisions (alembic_version rows) to `target`,
** in order.  Fills *plan; returns 0 or -1 with a diagnostic (e.g. a relative
** target that goes past base, a downgrade target above current). */
int graph_plan_upgrade(const revision_graph *g, const str_vec *current, const char *target,
                       migration_plan *plan, diag_list *dl);
int graph_plan_downgrade(const revision_graph *g, const str_vec *current, const char *target,
                         migration_plan *plan, diag_list *dl);

/* ------------------------------------------- targets, plans, inspection */

/* Every revision a target names, as Alembic's get_revisions(): "heads" and
** "<label>@heads" give several, "base" and "<label>@base" none, "-N" walks
** down from every head.  Returns 0 or -1 with a diagnostic. */
int graph_resolve(const revision_graph *g, const char *spec, node_vec *out, diag_list *dl);

/* The revisions `history -r BASE:HEAD` lists, newest first (Alembic's
** walk_revisions: base defaults to "base", head to "heads"; either may be
** several revisions separated by spaces, e.g. the rows of alembic_version). */
int graph_walk(const revision_graph *g, const char *base, const char *head, node_vec *out,
               diag_list *dl);

/* graph_walk with a side given as the database's rows (base_rows /
** head_rows non-NULL: `history -r current:...`), as Alembic passes the
** tuple of rows: an empty tuple is that side's default ("base" / "heads"),
** and an error shows it as ('a',).  Every range form Alembic's history
** takes: "rev:", ":rev", "base:head", "current:+1" (N up from the start),
** "-3:current" (N down from the heads), "rev+2", "rev-1"; a walk that goes
** past the end stops there, as in Alembic (assert_relative_length=False). */
int graph_walk_range(const revision_graph *g, const char *base, const str_vec *base_rows, const char *head,
                     const str_vec *head_rows, node_vec *out, diag_list *dl);

/* What `current` shows for the alembic_version rows: the rows and their
** ancestors, reduced to the branch tips (map order). */
int graph_all_current(const revision_graph *g, const str_vec *current, node_vec *out,
                      diag_list *dl);

/* The steps of `stamp` (node == NULL), with their alembic_version
** bookkeeping, from the current rows to the revisions of `targets`. */
int graph_plan_stamp(const revision_graph *g, const str_vec *current, const str_vec *targets,
                     migration_plan *plan, diag_list *dl);

/* The revision ids of a node's down revisions: "<base>" or "a, b". */
const char *graph_format_down(arena *a, const revision_node *n);

#endif
