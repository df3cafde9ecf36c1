/*
** graph.c — the revision graph (graph.h): built from the revision headers
** that revisions_load() read, never from bodies.
**
** Everything here follows Alembic 1.8's RevisionMap (script/revision.py)
** and HeadMaintainer (runtime/migration.py), so that retort lists, resolves
** and plans exactly what Alembic would on the same versions folder:
**
**   graph_build     links, heads, bases, branch/merge points, depends_on,
**                   branch labels (a label spreads to the revisions above
**                   its revision and down to the nearest branch point),
**                   topological order (Kahn), cycle and dangling-link
**                   errors naming the files.
**   graph_resolve   get_revisions(): head, heads, base, ids, prefixes,
**   graph_find      labels, <label>@<rev>, relative walks.
**   graph_plan_*    _upgrade_revs / _downgrade_revs / _stamp_revs, each step
**                   carrying the alembic_version DELETE/INSERT/UPDATE that
**                   HeadMaintainer.update_to_step would issue.
**
** Alembic's "map order" is the order os.listdir() returns the files; it
** decides the order of `heads` and `history`.  retort reads the directory
** in the same order (readdir), so both list a folder identically.
**
** Node sets are byte arrays indexed by map_index; every walk is iterative
** with an explicit stack, so a 5,000-revision chain costs no recursion.
*/
#include "script/graph.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ utilities */

typedef unsigned char *nodeset;

static nodeset set_new(const revision_graph *g) {
    nodeset s = calloc(g->by_map.len + 1, 1);
    if (!s) util_oom();
    return s;
}

/* The relations a walk may follow. */
typedef enum relation {
    REL_DOWN,       /* down_revision only (_versioned_down_revisions) */
    REL_DOWN_ALL,   /* down_revision + normalized depends_on */
    REL_UP,         /* nextrev */
    REL_UP_ALL      /* _all_nextrev */
} relation;

static revision_node **related(const revision_node *n, relation r, size_t *len) {
    switch (r) {
    case REL_DOWN: *len = n->down.len; return n->down.items;
    case REL_DOWN_ALL: *len = n->norm_down.len; return n->norm_down.items;
    case REL_UP: *len = n->up.len; return n->up.items;
    default: *len = n->all_up.len; return n->all_up.items;
    }
}

/* Mark every node reachable from starts[] by r (starts included). */
static void reach(const revision_graph *g, revision_node *const *starts, size_t n, relation r,
                  nodeset out) {
    revision_node **stack = malloc((g->by_map.len + n + 1) * sizeof *stack);
    if (!stack) util_oom();
    size_t top = 0;
    for (size_t i = 0; i < n; i++)
        if (starts[i]) {                       /* walked even if already marked */
            out[starts[i]->map_index] = 1;
            stack[top++] = starts[i];
        }
    while (top) {
        revision_node *x = stack[--top];
        size_t k;
        revision_node **next = related(x, r, &k);
        for (size_t i = 0; i < k; i++)
            if (!out[next[i]->map_index]) {
                out[next[i]->map_index] = 1;
                stack[top++] = next[i];
            }
    }
    free(stack);
}

static bool str_in(const str_vec *v, const char *s) {
    for (size_t i = 0; i < v->len; i++)
        if (!strcmp(v->items[i], s)) return true;
    return false;
}

static bool node_in_arr(revision_node *const *items, size_t len, const revision_node *n) {
    for (size_t i = 0; i < len; i++)
        if (items[i] == n) return true;
    return false;
}
#define node_in(v, n) node_in_arr((v)->items, (v)->len, (n))

static void str_remove(str_vec *v, const char *s) {
    for (size_t i = 0; i < v->len; i++)
        if (!strcmp(v->items[i], s)) {
            memmove(v->items + i, v->items + i + 1, (v->len - i - 1) * sizeof *v->items);
            v->len--;
            return;
        }
}

static const char *join_ids(arena *a, const node_vec *v, const char *sep) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    for (size_t i = 0; i < v->len; i++) {
        if (i) sb_append(&sb, sep);
        sb_append(&sb, v->items[i]->header->revision);
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_node_id(const void *x, const void *y) {
    return strcmp((*(revision_node *const *)x)->header->revision, (*(revision_node *const *)y)->header->revision);
}

static int cmp_node_map(const void *x, const void *y) {
    size_t a = (*(revision_node *const *)x)->map_index, b = (*(revision_node *const *)y)->map_index;
    return a < b ? -1 : a > b;
}

static void add_label(arena *a, revision_node *n, const char *label) {
    if (str_in(&n->labels, label)) return;
    vec_push(a, &n->labels, label);
    qsort(n->labels.items, n->labels.len, sizeof *n->labels.items, cmp_str);
}

const char *graph_format_down(arena *a, const revision_node *n) {
    const str_vec *d = &n->header->down_revisions;
    if (!d->len) return "<base>";
    if (d->len == 1) return d->items[0];       /* a line of every history */
    return str_vec_join(a, d, ", ");
}

/* ------------------------------------------------------------- building */

/* Alembic's map order: the directory order of the files (os.listdir). */
static void map_order(const revision_set *rs, arena *a, node_vec *nodes) {
    size_t n = rs->revisions.len;
    bool *placed = calloc(n + 1, sizeof *placed);
    size_t *index = calloc(n + 1, sizeof *index);
    if (!placed || !index) util_oom();
    if (n) {
        /* path -> its position in rs (a pointer into `index`): one lookup
        ** per directory entry, so the order is linear in the revisions */
        strmap *by_path = strmap_new(a);
        strmap_reserve(by_path, n);
        for (size_t i = 0; i < n; i++) {
            index[i] = i;
            if (!strmap_get(by_path, rs->revisions.items[i]->path))
                strmap_put(by_path, rs->revisions.items[i]->path, &index[i]);
        }
        const char *first = rs->revisions.items[0]->path;
        const char *slash = strrchr(first, '/');
        char *dir = slash ? arena_strndup(a, first, (size_t)(slash - first)) : arena_strdup(a, ".");
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            const size_t *at = strmap_get(by_path, arena_path_join(a, dir, e->d_name));
            if (!at || placed[*at]) continue;
            placed[*at] = true;
            revision_node *x = arena_alloc(a, sizeof *x);
            x->header = rs->revisions.items[*at];
            vec_push(a, nodes, x);
        }
        if (d) closedir(d);
    }
    for (size_t i = 0; i < n; i++)
        if (!placed[i]) {
            revision_node *x = arena_alloc(a, sizeof *x);
            x->header = rs->revisions.items[i];
            vec_push(a, nodes, x);
        }
    free(placed);
    free(index);
    for (size_t i = 0; i < nodes->len; i++) nodes->items[i]->map_index = i;
}

/* An error at the `revision =` line of n's file. */
static diag *node_error(diag_list *dl, const revision_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static diag *node_error(diag_list *dl, const revision_node *n, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    const char *msg = arena_vprintf(dl->arena, fmt, args);
    va_end(args);
    return diag_add(dl, DIAG_ERROR, (src_loc){n->header->path, n->header->line_of_revision, 1}, "%s", msg);
}

/* Labels: Alembic's _add_branches.  The label goes to every revision above
** its own, then from the last of those (in walk order) down to the nearest
** real branch point or merge point. */
static void spread_labels(revision_graph *g) {
    arena *a = g->arena;
    revision_node **stack = malloc((g->by_map.len + 1) * sizeof *stack);
    if (!stack) util_oom();
    for (size_t i = 0; i < g->by_map.len; i++) {
        revision_node *r = g->by_map.items[i];
        const str_vec *own = &r->header->branch_labels;
        if (!own->len) continue;
        nodeset seen = set_new(g);
        size_t top = 0;
        stack[top++] = r;
        revision_node *last = r;
        while (top) {
            revision_node *x = stack[--top];
            if (seen[x->map_index]) continue;
            seen[x->map_index] = 1;
            for (size_t k = 0; k < own->len; k++) add_label(a, x, own->items[k]);
            last = x;
            for (size_t k = 0; k < x->up.len; k++)
                if (!seen[x->up.items[k]->map_index]) stack[top++] = x->up.items[k];
        }
        free(seen);
        for (revision_node *p = last; p && !p->is_real_branch_point && !p->is_merge_point;) {
            for (size_t k = 0; k < own->len; k++) add_label(a, p, own->items[k]);
            p = p->down.len ? p->down.items[0] : NULL;
        }
    }
    free(stack);
}

int graph_build(const revision_set *rs, revision_graph **out, diag_list *dl) {
    *out = NULL;
    arena *a = arena_new();
    revision_graph *g = arena_alloc(a, sizeof *g);
    g->arena = a;
    g->revisions = rs;
    g->by_id = strmap_new(a);
    g->by_label = strmap_new(a);
    map_order(rs, a, &g->by_map);
    int errors = 0;
    size_t n = g->by_map.len;
    strmap_reserve(g->by_id, n);

    for (size_t i = 0; i < n; i++) {
        revision_node *x = g->by_map.items[i];
        if (strmap_put(g->by_id, x->header->revision, x)) {
            node_error(dl, x, "duplicate revision id '%s'", x->header->revision);
            errors++;
        }
        /* The characters of ids and labels were checked where they were read
        ** (revision_name_check). */
    }
    /* Branch labels: unique, and no label may be a revision id. */
    for (size_t i = 0; i < n; i++) {
        revision_node *x = g->by_map.items[i];
        for (size_t k = 0; k < x->header->branch_labels.len; k++) {
            const char *l = x->header->branch_labels.items[k];
            revision_node *other = strmap_get(g->by_label, l);
            if (!other) other = strmap_get(g->by_id, l);
            if (other) {
                diag *d = diag_add(dl, DIAG_ERROR, (src_loc){x->header->path, x->header->line_of_revision, 1},
                                   "branch name '%s' in revision %s already used by revision %s (%s)", l,
                                   x->header->revision, other->header->revision, other->header->path);
                diag_set_hint(dl, d, "every branch label must be unique and differ from every revision id");
                errors++;
                continue;
            }
            strmap_put(g->by_label, l, x);
        }
    }
    /* Links: down_revision and depends_on. */
    for (size_t i = 0; i < n; i++) {
        revision_node *x = g->by_map.items[i];
        const revision_header *h = x->header;
        for (size_t k = 0; k < h->down_revisions.len; k++) {
            const char *id = h->down_revisions.items[k];
            if (!strcmp(id, h->revision)) {
                diag *d = node_error(dl, x, "Self-loop is detected in revisions (%s)", id);
                diag_set_hint(dl, d, "a revision cannot be its own down_revision");
                errors++;
                continue;
            }
            revision_node *p = strmap_get(g->by_id, id);
            if (!p) {
                diag *d = node_error(dl, x, "down_revision '%s' of revision '%s' names no revision", id, h->revision);
                diag_set_hint(dl, d, "no file in the versions folder has revision = '%s'", id);
                errors++;
                continue;
            }
            vec_push(a, &x->down, p);
            vec_push(a, &p->up, x);
            vec_push(a, &p->all_up, x);
        }
        for (size_t k = 0; k < h->depends_on.len; k++) {
            const char *id = h->depends_on.items[k];
            revision_node *p = strmap_get(g->by_id, id);
            if (!p) p = strmap_get(g->by_label, id);
            if (!p) {
                diag *d = node_error(dl, x, "depends_on '%s' of revision '%s' names no revision or branch label", id,
                                     h->revision);
                diag_set_hint(dl, d, "depends_on takes full revision ids or branch labels");
                errors++;
                continue;
            }
            if (p == x) {
                node_error(dl, x, "Dependency self-loop is detected in revisions (%s)", id);
                errors++;
                continue;
            }
            if (node_in(&x->depends, p)) continue;
            vec_push(a, &x->depends, p);
            bool is_down = false;
            for (size_t j = 0; j < x->down.len; j++) is_down |= x->down.items[j] == p;
            if (!is_down) vec_push(a, &p->all_up, x);
        }
    }
    if (errors) { arena_free(a); return -1; }

    /* Topological order (Kahn, iterative): bases first, map order among
    ** equals; what is left over is on a cycle. */
    size_t *pending = calloc(n + 1, sizeof *pending);
    revision_node **queue = malloc((n + 1) * sizeof *queue);
    if (!pending || !queue) util_oom();
    size_t qh = 0, qt = 0;
    for (size_t i = 0; i < n; i++) {
        revision_node *x = g->by_map.items[i];
        size_t deps = x->down.len;
        for (size_t k = 0; k < x->depends.len; k++) {
            bool dup = false;
            for (size_t j = 0; j < x->down.len; j++) dup |= x->down.items[j] == x->depends.items[k];
            if (!dup) deps++;
        }
        pending[i] = deps;
        if (!deps) queue[qt++] = x;
    }
    while (qh < qt) {
        revision_node *x = queue[qh++];
        x->order = g->nodes.len;
        vec_push(a, &g->nodes, x);
        for (size_t k = 0; k < x->all_up.len; k++)
            if (--pending[x->all_up.items[k]->map_index] == 0) queue[qt++] = x->all_up.items[k];
    }
    free(queue);
    if (g->nodes.len != n) {
        node_vec cyc = {0};
        for (size_t i = 0; i < n; i++)
            if (pending[i]) vec_push(a, &cyc, g->by_map.items[i]);
        qsort(cyc.items, cyc.len, sizeof *cyc.items, cmp_node_id);
        strbuf files = STRBUF_INIT;
        for (size_t i = 0; i < cyc.len; i++) sb_printf(&files, "%s%s", i ? ", " : "", cyc.items[i]->header->path);
        diag *d = diag_add(dl, DIAG_ERROR, (src_loc){cyc.items[0]->header->path, cyc.items[0]->header->line_of_revision, 1},
                           "Cycle is detected in revisions (%s)", join_ids(a, &cyc, ", "));
        diag_set_hint(dl, d, "the down_revision / depends_on links of these files go round in a circle: %s", sb_str(&files));
        sb_free(&files);
        free(pending);
        arena_free(a);
        return -1;
    }
    free(pending);

    /* Flags, heads, bases. */
    for (size_t i = 0; i < n; i++) {
        revision_node *x = g->by_map.items[i];
        x->is_head = x->up.len == 0;
        x->is_real_head = x->all_up.len == 0;
        x->is_base = x->down.len == 0;
        x->is_branch_point = x->up.len > 1;
        x->is_real_branch_point = x->all_up.len > 1;
        x->is_merge_point = x->down.len > 1;
        if (x->is_head) {
            vec_push(a, &g->heads, x);
            vec_push(a, &g->heads_map_order, x);
        }
        if (x->is_real_head) vec_push(a, &g->real_heads, x);
        if (x->is_base) vec_push(a, &g->bases, x);
    }
    if (g->heads.len > 1) qsort(g->heads.items, g->heads.len, sizeof *g->heads.items, cmp_node_id);

    /* depends_on, normalized: drop what an ancestor already depends on. */
    for (size_t i = 0; i < n; i++) {
        revision_node *x = g->by_map.items[i];
        for (size_t k = 0; k < x->down.len; k++) vec_push(a, &x->norm_down, x->down.items[k]);
        if (!x->depends.len) continue;
        nodeset anc = set_new(g);
        reach(g, &x, 1, REL_DOWN, anc);
        anc[x->map_index] = 0;
        nodeset drop = set_new(g);
        for (size_t j = 0; j < n; j++)
            if (anc[j])
                for (size_t k = 0; k < g->by_map.items[j]->depends.len; k++)
                    drop[g->by_map.items[j]->depends.items[k]->map_index] = 1;
        for (size_t k = 0; k < x->depends.len; k++) {
            revision_node *p = x->depends.items[k];
            if (!drop[p->map_index] && !node_in(&x->norm_down, p)) vec_push(a, &x->norm_down, p);
        }
        free(anc);
        free(drop);
    }
    spread_labels(g);
    *out = g;
    return 0;
}

void graph_free(revision_graph *g) {
    if (g) arena_free(g->arena);
}

/* ------------------------------------------------------------ resolving */

/* A walk's result: a revision, "base" (below the bases), or nothing. */
static revision_node BASE_MARK;

static int resolve_into(const revision_graph *g, const char *spec, node_vec *out, diag_list *dl);
static revision_node *find_one(const revision_graph *g, const char *spec, bool *err, diag_list *dl);

static diag *fail(diag_list *dl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static diag *fail(diag_list *dl, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(dl->arena, fmt, ap);
    va_end(ap);
    return diag_add(dl, DIAG_ERROR, (src_loc){0}, "%s", msg);
}

static bool shares_lineage(const revision_graph *g, revision_node *target, const node_vec *against,
                           bool include_deps) {
    if (!against->len) return true;
    nodeset s = set_new(g);
    reach(g, &target, 1, include_deps ? REL_UP_ALL : REL_UP, s);
    reach(g, &target, 1, include_deps ? REL_DOWN_ALL : REL_DOWN, s);
    bool r = false;
    for (size_t i = 0; i < against->len && !r; i++) r = s[against->items[i]->map_index];
    free(s);
    return r;
}

/* Split "label@rest": *label is NULL without '@'. */
static const char *split_label(arena *a, const char *spec, const char **label) {
    const char *at = spec ? strchr(spec, '@') : NULL;
    if (!at) { *label = NULL; return spec; }
    *label = arena_strndup(a, spec, (size_t)(at - spec));
    return at + 1;
}

/* Alembic's _revision_for_ident: a full id, a label, or a unique prefix;
** with check_branch, it must share lineage with that branch. */
static revision_node *revision_for_ident(const revision_graph *g, const char *id, const char *check_branch,
                                         diag_list *dl);

static revision_node *resolve_branch(const revision_graph *g, const char *label, diag_list *dl) {
    revision_node *r = strmap_get(g->by_label, label);
    if (r) return r;
    diag_list tmp;
    diag_list_init(&tmp);
    r = revision_for_ident(g, label, NULL, &tmp);
    diag_list_free(&tmp);
    if (!r) {
        /* Alembic's "No such branch", shown as every resolution error is
        ** (_catch_revision_errors). */
        diag *d = fail(dl, "Can't locate revision identified by '%s'", label);
        diag_set_hint(dl, d, "no such branch: '%s'; a branch is named by a branch label (branch_labels) or a "
                             "revision id", label);
    }
    return r;
}

/* filter_for_lineage(targets, check_against) */
static int filter_lineage(const revision_graph *g, const node_vec *targets, const char *check_against,
                          bool include_deps, node_vec *out, diag_list *dl) {
    arena *a = g->arena;
    const char *label;
    const char *id = split_label(a, check_against, &label);
    node_vec shares = {0};
    if (label) {
        revision_node *r = revision_for_ident(g, label, NULL, dl);
        if (!r) return -1;
        vec_push(a, &shares, r);
    }
    node_vec ids = {0};
    if (id && *id) {
        /* _resolve_revision_number: heads, head, base or the id itself */
        if (!strcmp(id, "heads") || !strcmp(id, "head") || !strcmp(id, "base")) {
            if (resolve_into(g, check_against, &ids, dl) != 0) return -1;
        } else {
            revision_node *r = revision_for_ident(g, id, NULL, dl);
            if (!r) return -1;
            vec_push(a, &ids, r);
        }
    }
    for (size_t i = 0; i < ids.len; i++) vec_push(a, &shares, ids.items[i]);
    for (size_t i = 0; i < targets->len; i++)
        if (shares_lineage(g, targets->items[i], &shares, include_deps)) vec_push(a, out, targets->items[i]);
    return 0;
}

static revision_node *revision_for_ident(const revision_graph *g, const char *id, const char *check_branch,
                                         diag_list *dl) {
    arena *a = g->arena;
    revision_node *branch_rev = NULL;
    if (check_branch) {
        branch_rev = resolve_branch(g, check_branch, dl);
        if (!branch_rev) return NULL;
    }
    revision_node *r = strmap_get(g->by_id, id);
    if (!r) r = strmap_get(g->by_label, id);
    if (!r) {
        node_vec cands = {0};
        size_t idlen = strlen(id);
        for (size_t i = 0; i < g->by_map.len; i++) {
            const char *rid = g->by_map.items[i]->header->revision;
            if (strlen(rid) > 3 && idlen && !strncmp(rid, id, idlen)) vec_push(a, &cands, g->by_map.items[i]);
        }
        if (branch_rev && cands.len) {
            node_vec kept = {0};
            if (filter_lineage(g, &cands, check_branch, false, &kept, dl) != 0) return NULL;
            cands = kept;
        }
        if (!cands.len) {
            diag *d = fail(dl, "Can't locate revision identified by '%s'", id);
            if (idlen < 4)
                diag_set_hint(dl, d, "no such revision or branch; please ensure at least four characters are "
                                     "present for partial revision identifier matches");
            else
                diag_set_hint(dl, d, "no revision id or branch label is or starts with '%s' (see: retort history)", id);
            return NULL;
        }
        if (cands.len > 1) {
            qsort(cands.items, cands.len, sizeof *cands.items, cmp_node_id);
            strbuf sb = STRBUF_INIT;
            for (size_t i = 0; i < cands.len; i++) sb_printf(&sb, "%s'%s'", i ? ", " : "", cands.items[i]->header->revision);
            /* Alembic's "Multiple revisions start with", shown as every
            ** resolution error is (_catch_revision_errors). */
            diag *d = fail(dl, "Can't locate revision identified by '%s'", id);
            diag_set_hint(dl, d, "several revisions start with '%s': %s; give more characters of the revision id", id,
                          sb_str(&sb));
            sb_free(&sb);
            return NULL;
        }
        r = cands.items[0];
    }
    if (branch_rev) {
        node_vec against = {0};
        vec_push(a, &against, branch_rev);
        if (!shares_lineage(g, r, &against, false)) {
            diag *d = fail(dl, "Revision %s is not a member of branch '%s'", r->header->revision, check_branch);
            diag_set_hint(dl, d, "see the branch labels with: retort branches");
            return NULL;
        }
    }
    return r;
}

/* The versioned heads, in map order, optionally only those of a branch. */
static int heads_of(const revision_graph *g, const char *label, node_vec *out, diag_list *dl) {
    if (!label) {
        for (size_t i = 0; i < g->heads_map_order.len; i++) vec_push(g->arena, out, g->heads_map_order.items[i]);
        return 0;
    }
    return filter_lineage(g, &g->heads_map_order, label, false, out, dl);
}

static diag *multiple_heads(const revision_graph *g, const node_vec *heads, const char *arg, diag_list *dl) {
    diag *d = fail(dl,
                   "Multiple head revisions are present for given argument '%s'; please specify a specific "
                   "target revision, '<branchname>@%s' to narrow to a specific head, or 'heads' for all heads",
                   arg, arg);
    diag_set_hint(dl, d, "the heads are %s; merge them with: retort merge heads -m \"merge heads\"",
                  join_ids(g->arena, heads, ", "));
    return d;
}

/* _walk: steps > 0 up, < 0 down, from start (NULL: below the bases / from
** the heads).  *out is a node, &BASE_MARK, or NULL when the walk went past
** the end (no_overwalk) — returns -1 only for an ambiguous walk. */
static int walk(const revision_graph *g, revision_node *start, long steps, const char *label, bool no_overwalk,
                revision_node **out, diag_list *dl) {
    arena *a = g->arena;
    revision_node *cur = start;
    long n = steps < 0 ? -steps : steps;
    for (long i = 0; i < n; i++) {
        node_vec children = {0};
        bool to_base = false;
        if (steps > 0) {
            node_vec up = {0};
            if (cur == &BASE_MARK || !cur)
                for (size_t k = 0; k < g->bases.len; k++) vec_push(a, &up, g->bases.items[k]);
            else
                for (size_t k = 0; k < cur->up.len; k++) vec_push(a, &up, cur->up.items[k]);
            if (label) {
                if (filter_lineage(g, &up, label, false, &children, dl) != 0) return -1;
            } else
                children = up;
        } else if (cur != &BASE_MARK) {
            if (!cur)
                for (size_t k = 0; k < g->heads_map_order.len; k++) vec_push(a, &children, g->heads_map_order.items[k]);
            else
                for (size_t k = 0; k < cur->down.len; k++) vec_push(a, &children, cur->down.items[k]);
            if (!children.len) to_base = true;
        }
        if (to_base) { cur = &BASE_MARK; continue; }
        if (!children.len) {
            *out = no_overwalk ? NULL : cur;
            return 0;
        }
        if (children.len > 1) {
            diag *d = fail(dl, "Ambiguous walk");
            diag_set_hint(dl, d, "the walk from %s reaches several revisions (%s); name the revision instead",
                          cur && cur != &BASE_MARK ? cur->header->revision : "base", join_ids(a, &children, ", "));
            return -1;
        }
        cur = children.items[0];
    }
    *out = cur;
    return 0;
}

/* "[label@][symbol](+|-)N" as Alembic's _relative_destination.match. */
static bool parse_relative(arena *a, const char *spec, const char **label, const char **symbol, long *rel,
                           const char **rel_text) {
    if (!spec) return false;
    const char *at = strchr(spec, '@');
    const char *p = spec;
    *label = NULL;
    if (at && at > spec) {
        *label = arena_strndup(a, spec, (size_t)(at - spec));
        p = at + 1;
    }
    const char *s = p;
    while (isalnum((unsigned char)*p) || *p == '_') p++;
    if ((*p != '+' && *p != '-') || !isdigit((unsigned char)p[1])) {
        if (at && at > spec) {                 /* the lazy label may be absent */
            *label = NULL;
            p = spec;
            s = p;
            while (isalnum((unsigned char)*p) || *p == '_') p++;
            if ((*p != '+' && *p != '-') || !isdigit((unsigned char)p[1])) return false;
        } else
            return false;
    }
    *symbol = p > s ? arena_strndup(a, s, (size_t)(p - s)) : NULL;
    *rel_text = p;
    char *end;
    *rel = strtol(p, &end, 10);
    return true;
}

static bool negative_int(const char *s, long *v) {
    if (!s || s[0] != '-' || !isdigit((unsigned char)s[1])) return false;
    char *end;
    *v = strtol(s, &end, 10);
    return *end == '\0';
}

static bool symbolic(const char *s) { return !strcmp(s, "heads") || !strcmp(s, "head") || !strcmp(s, "base"); }

/* get_revisions() for one string; single: for get_revision(), which
** reports several heads before it checks their branch. */
static int resolve_into_ex(const revision_graph *g, const char *spec, node_vec *out, bool single, diag_list *dl);
static int resolve_into(const revision_graph *g, const char *spec, node_vec *out, diag_list *dl) {
    return resolve_into_ex(g, spec, out, false, dl);
}

static int resolve_into_ex(const revision_graph *g, const char *spec, node_vec *out, bool single, diag_list *dl) {
    arena *a = g->arena;
    const char *label;
    const char *id = split_label(a, spec, &label);
    if (!id || !strcmp(id, "base") || !*id) return 0;
    /* label@head(s): the heads of the branch, each then checked against it
    ** (_revision_for_ident(rev, label)): a label that filter_for_lineage
    ** lets through (heads, head, base) but that names no branch fails
    ** there — after get_revision() has refused several heads. */
    if (!strcmp(id, "heads")) {
        if (label) {
            size_t before = out->len;
            if (filter_lineage(g, &g->heads_map_order, label, false, out, dl) != 0) return -1;
            if (symbolic(label) && out->len > before && !(single && out->len - before > 1) &&
                !resolve_branch(g, label, dl))
                return -1;
            return 0;
        }
        for (size_t i = 0; i < g->real_heads.len; i++) vec_push(a, out, g->real_heads.items[i]);
        return 0;
    }
    if (!strcmp(id, "head")) {
        node_vec hs = {0};
        if (heads_of(g, label, &hs, dl) != 0) return -1;
        if (hs.len > 1) {
            multiple_heads(g, &hs, label ? arena_printf(a, "%s@head", label) : "head", dl);
            return -1;
        }
        if (label && symbolic(label) && hs.len && !resolve_branch(g, label, dl)) return -1;
        if (hs.len) vec_push(a, out, hs.items[0]);
        return 0;
    }
    long v;
    if (negative_int(id, &v)) {
        node_vec hs = {0};
        for (size_t i = 0; i < g->real_heads.len; i++)
            if (!label || str_in(&g->real_heads.items[i]->labels, label)) vec_push(a, &hs, g->real_heads.items[i]);
        for (size_t i = 0; i < hs.len; i++) {
            revision_node *r;
            if (walk(g, hs.items[i], v, NULL, true, &r, dl) != 0) return -1;
            if (!r) {
                fail(dl, "Relative revision %s didn't produce %ld migrations", id, -v);
                return -1;
            }
            if (r != &BASE_MARK) vec_push(a, out, r);
        }
        return 0;
    }
    revision_node *r = revision_for_ident(g, id, label, dl);
    if (!r) return -1;
    vec_push(a, out, r);
    return 0;
}

int graph_resolve(const revision_graph *g, const char *spec, node_vec *out, diag_list *dl) {
    return resolve_into(g, spec, out, dl);
}

/* get_revision(): one revision, NULL for base; *err on failure. */
static revision_node *find_one(const revision_graph *g, const char *spec, bool *err, diag_list *dl) {
    node_vec v = {0};
    *err = false;
    if (resolve_into_ex(g, spec, &v, true, dl) != 0) { *err = true; return NULL; }
    if (v.len > 1) {
        multiple_heads(g, &v, spec, dl);
        *err = true;
        return NULL;
    }
    return v.len ? v.items[0] : NULL;
}

revision_node *graph_find(const revision_graph *g, const char *spec, diag_list *dl) {
    arena *a = g->arena;
    const char *label, *symbol, *rel_text;
    long rel;
    bool err;
    if (parse_relative(a, spec, &label, &symbol, &rel, &rel_text) && !(symbol && negative_int(spec, &rel))) {
        revision_node *start = NULL;
        if (symbol) {
            start = find_one(g, label ? arena_printf(a, "%s@%s", label, symbol) : symbol, &err, dl);
            if (err) return NULL;
            if (!start) start = &BASE_MARK;
        } else if (rel > 0) {
            start = NULL;                                  /* from below the bases */
        } else {
            node_vec hs = {0};
            if (heads_of(g, label, &hs, dl) != 0) return NULL;
            if (hs.len > 1) { multiple_heads(g, &hs, label ? arena_printf(a, "%s@head", label) : "head", dl); return NULL; }
            start = hs.len ? hs.items[0] : &BASE_MARK;
            if (start != &BASE_MARK) rel += 0;
        }
        revision_node *r;
        if (walk(g, start, rel, rel > 0 ? label : NULL, true, &r, dl) != 0) return NULL;
        if (!r) {
            diag *d = fail(dl, "Relative revision %s didn't produce %ld migrations", rel_text, rel < 0 ? -rel : rel);
            diag_set_hint(dl, d, "'%s' walks past the %s of the history", spec, rel < 0 ? "base" : "head");
            return NULL;
        }
        return r == &BASE_MARK ? NULL : r;
    }
    return find_one(g, spec, &err, dl);
}

/* ------------------------------------------------------------- ordering */

/* Alembic's _topological_sort: the revisions of `todo`, each after the
** revisions above it, walking down from `heads` branch by branch. */
static void topo_sort(const revision_graph *g, nodeset todo_in, const node_vec *heads, node_vec *out) {
    arena *a = g->arena;
    size_t n = g->by_map.len;
    nodeset todo = set_new(g);
    size_t left = 0;
    for (size_t i = 0; i < n; i++) if ((todo[i] = todo_in[i])) left++;
    node_vec cur = {0};
    VEC(nodeset) anc = {0};
    node_vec hs = {0};
    for (size_t i = 0; i < heads->len; i++)
        if (todo[heads->items[i]->map_index] && !node_in(&hs, heads->items[i])) vec_push(a, &hs, heads->items[i]);
    if (hs.len > 1) qsort(hs.items, hs.len, sizeof *hs.items, cmp_node_map);
    for (size_t i = 0; i < hs.len; i++) {
        vec_push(a, &cur, hs.items[i]);
        nodeset s = set_new(g);
        reach(g, &hs.items[i], 1, REL_DOWN_ALL, s);
        vec_push(a, &anc, s);
    }
    size_t idx = 0;
    while (cur.len) {
        revision_node *cand = cur.items[idx];
        bool blocked = false;
        for (size_t k = 0; k < anc.len; k++)
            if (k != idx && anc.items[k][cand->map_index]) { idx = k; blocked = true; break; }
        if (blocked) continue;
        if (todo[cand->map_index]) {
            vec_push(a, out, cand);
            todo[cand->map_index] = 0;
            left--;
        }
        node_vec add = {0};
        for (size_t k = 0; k < cand->norm_down.len; k++) {
            revision_node *d = cand->norm_down.items[k];
            if (todo[d->map_index] && !node_in(&cur, d) && !node_in(&add, d)) vec_push(a, &add, d);
        }
        if (!add.len) {
            free(anc.items[idx]);
            memmove(cur.items + idx, cur.items + idx + 1, (cur.len - idx - 1) * sizeof *cur.items);
            memmove(anc.items + idx, anc.items + idx + 1, (anc.len - idx - 1) * sizeof *anc.items);
            cur.len--;
            anc.len--;
            idx = idx ? idx - 1 : 0;
        } else if (cand->norm_down.len == 1 && cand->depends.len == 0) {
            cur.items[idx] = add.items[0];
            anc.items[idx][cand->map_index] = 0;
        } else {
            cur.items[idx] = add.items[0];
            memset(anc.items[idx], 0, n + 1);
            reach(g, &add.items[0], 1, REL_DOWN_ALL, anc.items[idx]);
            for (size_t k = 1; k < add.len; k++) {
                vec_push(a, &cur, add.items[k]);
                nodeset s = set_new(g);
                reach(g, &add.items[k], 1, REL_DOWN_ALL, s);
                vec_push(a, &anc, s);
            }
        }
    }
    for (size_t k = 0; k < anc.len; k++) free(anc.items[k]);
    /* Anything left (cannot happen for sets closed under ancestry): append
    ** in reverse topological order so nothing is lost. */
    for (size_t i = g->nodes.len; left && i-- > 0;)
        if (todo[g->nodes.items[i]->map_index]) { vec_push(a, out, g->nodes.items[i]); left--; }
    free(todo);
}

/* Targets overlapping: one target below another (check=True). */
static int check_overlap(const revision_graph *g, const node_vec *targets, diag_list *dl) {
    if (targets->len < 2) return 0;
    for (size_t i = 0; i < targets->len; i++) {
        nodeset s = set_new(g);
        reach(g, &targets->items[i], 1, REL_DOWN_ALL, s);
        node_vec over = {0};
        for (size_t k = 0; k < targets->len; k++)
            if (k != i && s[targets->items[k]->map_index] && targets->items[k] != targets->items[i])
                vec_push(g->arena, &over, targets->items[k]);
        free(s);
        if (over.len) {
            fail(dl, "Requested revision %s overlaps with other requested revisions %s",
                 targets->items[i]->header->revision, join_ids(g->arena, &over, ", "));
            return -1;
        }
    }
    return 0;
}

static int current_nodes(const revision_graph *g, const str_vec *current, node_vec *out, diag_list *dl) {
    for (size_t i = 0; current && i < current->len; i++) {
        revision_node *r = strmap_get(g->by_id, current->items[i]);
        if (!r) {
            diag *d = fail(dl, "Can't locate revision identified by '%s'", current->items[i]);
            diag_set_hint(dl, d, "the database's alembic_version names a revision that no file in the versions "
                                 "folder has; restore the file, or fix the table with: retort stamp --purge <revision>");
            return -1;
        }
        if (!node_in(out, r)) vec_push(g->arena, out, r);
    }
    return 0;
}

/* _collect_upgrade_revisions with the targets already parsed. */
static void collect_upgrade(const revision_graph *g, const node_vec *targets, const node_vec *current,
                            bool inclusive, bool implicit_base, nodeset needs) {
    size_t n = g->by_map.len;
    nodeset req = set_new(g), cur = set_new(g);
    reach(g, targets->items, targets->len, REL_DOWN_ALL, req);
    reach(g, current->items, current->len, REL_DOWN_ALL, cur);
    for (size_t i = 0; i < n; i++) needs[i] = req[i] && !cur[i];
    if (inclusive)
        for (size_t i = 0; i < current->len; i++) needs[current->items[i]->map_index] = 1;
    if (current->len && !implicit_base) {
        nodeset desc = set_new(g);
        reach(g, current->items, current->len, REL_UP, desc);
        for (size_t i = 0; i < n; i++) needs[i] = needs[i] && desc[i];
        free(desc);
    }
    free(req);
    free(cur);
}

/* get_revision(): as find_one, but "-N" is not walked from the heads (only
** get_revisions() does that): it is an id that cannot be located. */
static revision_node *get_revision(const revision_graph *g, const char *spec, bool *err, diag_list *dl) {
    const char *label;
    const char *id = split_label(g->arena, spec, &label);
    long v;
    if (negative_int(id, &v)) {
        *err = true;
        revision_for_ident(g, id, NULL, dl);
        return NULL;
    }
    return find_one(g, spec, err, dl);
}

/* A side of a range as Alembic formats it in RangeNotAncestorError: the
** string, or the tuple of rows ('a',) / ('a', 'b'). */
static const char *range_text(arena *a, const char *spec, const str_vec *rows) {
    if (!rows) return spec;
    strbuf sb = STRBUF_INIT;
    sb_appendc(&sb, '(');
    for (size_t i = 0; i < rows->len; i++) sb_printf(&sb, "%s'%s'", i ? ", " : "", rows->items[i]);
    if (rows->len == 1) sb_appendc(&sb, ',');
    sb_appendc(&sb, ')');
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

/* get_revisions() of a side: its rows, or its spec. */
static int side_revisions(const revision_graph *g, const char *spec, const str_vec *rows, node_vec *out,
                          diag_list *dl) {
    if (!rows) return resolve_into(g, spec, out, dl);
    for (size_t i = 0; i < rows->len; i++)
        if (resolve_into(g, rows->items[i], out, dl) != 0) return -1;
    return 0;
}

/* _parse_upgrade_target(current_revisions=lower, target=upper,
** assert_relative_length=False), as walk_revisions calls it. */
static int history_targets(const revision_graph *g, const char *lower, const str_vec *lower_rows, const char *upper,
                           const str_vec *upper_rows, node_vec *out, diag_list *dl) {
    arena *a = g->arena;
    const char *label, *symbol, *rel_text;
    long rel;
    if (upper_rows || !parse_relative(a, upper, &label, &symbol, &rel, &rel_text))
        return side_revisions(g, upper, upper_rows, out, dl);
    revision_node *r = NULL;
    bool err = false;
    if (rel > 0 && !symbol) {
        /* Up from the lower side: its first item, looked up by
        ** get_revision ("base" and no rows: from below the bases). */
        node_vec starts = {0};
        revision_node *start = NULL;
        const char *first = lower_rows ? (lower_rows->len ? lower_rows->items[0] : NULL) : lower;
        size_t n_start = lower_rows ? lower_rows->len : 1;
        if (label) {
            if (side_revisions(g, lower, lower_rows, &starts, dl) != 0) return -1;
            node_vec kept = {0};
            if (filter_lineage(g, &starts, label, false, &kept, dl) != 0) return -1;
            n_start = kept.len;
            start = kept.len ? kept.items[0] : NULL;
        } else if (first) {
            start = get_revision(g, first, &err, dl);
            if (err) return -1;
        }
        if (n_start > 1) {
            diag *d = fail(dl, "Ambiguous upgrade from multiple current revisions");
            diag_set_hint(dl, d, "the range starts at several revisions; name the end revision instead of %s", upper);
            return -1;
        }
        if (walk(g, start, rel, label, false, &r, dl) != 0) return -1;
        if (!r) {
            fail(dl, "Relative revision %s didn't produce %ld migrations", rel_text, rel);
            return -1;
        }
    } else if (rel > 0) {
        revision_node *s = get_revision(g, symbol, &err, dl);
        if (err) return -1;
        if (walk(g, s, rel, label, false, &r, dl) != 0) return -1;
    } else if (!symbol) {
        diag *d = fail(dl, "Relative revision %ld didn't produce %ld migrations", rel, -rel);
        diag_set_hint(dl, d, "the end of a range walks up from its start: use +N, or name a revision");
        return -1;
    } else {
        revision_node *s = get_revision(g, label ? arena_printf(a, "%s@%s", label, symbol) : symbol, &err, dl);
        if (err) return -1;
        if (walk(g, s ? s : &BASE_MARK, rel, NULL, false, &r, dl) != 0) return -1;
    }
    if (r && r != &BASE_MARK) vec_push(a, out, r);
    return 0;
}

static int walk_range(const revision_graph *g, const char *base, const str_vec *base_rows, const char *head,
                      const str_vec *head_rows, node_vec *out, diag_list *dl);

int graph_walk_range(const revision_graph *g, const char *base, const str_vec *base_rows, const char *head,
                     const str_vec *head_rows, node_vec *out, diag_list *dl) {
    size_t before = dl->items.len;
    int rc = walk_range(g, base, base_rows, head, head_rows, out, dl);
    /* walk_revisions names the range's end in "Multiple head revisions are
    ** present for given argument ..." whatever gave several heads
    ** (_catch_revision_errors(end=head)). */
    static const char PREFIX[] = "Multiple head revisions are present for given argument '";
    const char *end = head_rows && head_rows->len ? range_text(g->arena, NULL, head_rows) : head && *head ? head : "heads";
    for (size_t i = before; rc != 0 && i < dl->items.len; i++) {
        diag *d = &dl->items.items[i];
        if (strncmp(d->message, PREFIX, sizeof PREFIX - 1) != 0) continue;
        d->message = arena_printf(dl->arena, "%s%s'; please specify a specific target revision, '<branchname>@%s' to "
                                  "narrow to a specific head, or 'heads' for all heads", PREFIX, end, end);
    }
    return rc;
}

static int walk_range(const revision_graph *g, const char *base, const str_vec *base_rows, const char *head,
                      const str_vec *head_rows, node_vec *out, diag_list *dl) {
    arena *a = g->arena;
    /* walk_revisions(base=base or "base", head=head or "heads"): an empty
    ** tuple of rows is the default too. */
    if (base_rows && !base_rows->len) base_rows = NULL, base = NULL;
    if (head_rows && !head_rows->len) head_rows = NULL, head = NULL;
    if (!base_rows && (!base || !*base)) base = "base";
    if (!head_rows && (!head || !*head)) head = "heads";
    node_vec targets = {0}, current = {0};
    if (history_targets(g, base, base_rows, head, head_rows, &targets, dl) != 0) return -1;
    if (!base_rows && strchr(base, '@')) {
        const char *branch = arena_strndup(a, base, (size_t)(strchr(base, '@') - base));
        bool err;
        revision_node *br = find_one(g, branch, &err, dl);
        if (err) return -1;
        if (br && !strcmp(br->header->revision, branch) && br->labels.len == 1) branch = br->labels.items[0];
        node_vec kept = {0};
        for (size_t i = 0; i < targets.len; i++)
            if (str_in(&targets.items[i]->labels, branch)) vec_push(a, &kept, targets.items[i]);
        targets = kept;
    }
    if (check_overlap(g, &targets, dl) != 0) return -1;
    /* get_revisions(lower): "-N" walks down from the heads; landing on
    ** base is a revision no range reaches, past it is the special case
    ** below. */
    bool lower_is_base_mark = false, lower_past_base = false;
    long v = 0;
    const char *lid = NULL, *llabel = NULL;
    if (!base_rows) lid = split_label(a, base, &llabel);
    if (!base_rows && negative_int(lid, &v)) {
        bool first = true;
        for (size_t i = 0; i < g->real_heads.len; i++) {
            revision_node *h = g->real_heads.items[i];
            if (llabel && !str_in(&h->labels, llabel)) continue;
            revision_node *r;
            if (walk(g, h, v, NULL, true, &r, dl) != 0) return -1;
            if (!r) lower_past_base |= first;       /* current_revisions[0] is None */
            else if (r == &BASE_MARK) lower_is_base_mark = true;
            else vec_push(a, &current, r);
            first = false;
        }
    } else if (side_revisions(g, base, base_rows, &current, dl) != 0)
        return -1;
    nodeset req = set_new(g);
    reach(g, targets.items, targets.len, REL_DOWN_ALL, req);
    bool outside = lower_is_base_mark;
    for (size_t i = 0; i < current.len; i++)
        if (!req[current.items[i]->map_index]) outside = true;
    free(req);
    if (outside) {
        diag *d = fail(dl, "Requested range %s:%s does not refer to ancestor/descendant revisions along the same "
                           "branch", range_text(a, base, base_rows), range_text(a, head, head_rows));
        diag_set_hint(dl, d, "the start of a range must be below its end");
        return -1;
    }
    if (check_overlap(g, &current, dl) != 0) return -1;
    if (lower_past_base && !current.len) {
        /* _parse_downgrade_target(current_revisions=upper, target=lower):
        ** the walk goes down from "<upper>@<upper>", and stops at base. */
        const char *sym = head_rows ? head_rows->items[0] : head;
        bool err;
        revision_node *s = find_one(g, arena_printf(a, "%s@%s", sym, sym), &err, dl);
        if (err) return -1;
        revision_node *r;
        if (walk(g, s ? s : &BASE_MARK, v, NULL, false, &r, dl) != 0) return -1;
        if (r && r != &BASE_MARK) vec_push(a, &current, r);
    }
    nodeset needs = set_new(g);
    collect_upgrade(g, &targets, &current, true, false, needs);
    topo_sort(g, needs, &targets, out);
    free(needs);
    return 0;
}

int graph_walk(const revision_graph *g, const char *base, const char *head, node_vec *out, diag_list *dl) {
    /* Several revisions separated by spaces: a tuple of them. */
    arena *a = g->arena;
    str_vec brows = {0}, hrows = {0};
    const char *sides[2] = {base, head};
    str_vec *rows[2] = {&brows, &hrows};
    for (int k = 0; k < 2; k++)
        if (sides[k] && strchr(sides[k], ' ')) {
            char *copy = arena_strdup(a, sides[k]);
            for (char *save = NULL, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
                vec_push(a, rows[k], t);
        }
    return graph_walk_range(g, base, brows.len ? &brows : NULL, head, hrows.len ? &hrows : NULL, out, dl);
}

int graph_all_current(const revision_graph *g, const str_vec *current, node_vec *out, diag_list *dl) {
    node_vec cur = {0};
    if (current_nodes(g, current, &cur, dl) != 0) return -1;
    nodeset top = set_new(g);
    reach(g, cur.items, cur.len, REL_DOWN_ALL, top);
    /* _filter_into_branch_heads: drop every revision that has another of
    ** the set above it (a descendant by down_revision).  The set holds
    ** every ancestor of its members by down_revision (norm_down has every
    ** down_revision), so a member with a descendant in the set has a
    ** child in it: one look at each member's children, not a walk up
    ** from each member (that was quadratic in the revisions). */
    for (size_t i = 0; i < g->by_map.len; i++) {
        if (!top[i]) continue;
        revision_node *r = g->by_map.items[i];
        bool above = false;
        for (size_t k = 0; k < r->up.len && !above; k++) above = top[r->up.items[k]->map_index];
        if (!above) vec_push(g->arena, out, r);
    }
    free(top);
    return 0;
}

/* ------------------------------------------------------------- planning */

/* HeadMaintainer: the rows of alembic_version as the run goes. */
typedef struct head_state {
    str_vec heads;
} head_state;

static const char *id_of(revision_node *n) { return n->header->revision; }

static void ancestors_of_heads(const revision_graph *g, const str_vec *heads, const char *except, nodeset out) {
    for (size_t i = 0; i < heads->len; i++) {
        if (except && !strcmp(heads->items[i], except)) continue;
        revision_node *r = strmap_get(g->by_id, heads->items[i]);
        if (r) reach(g, &r, 1, REL_DOWN_ALL, out);
    }
}

static void step_delete(arena *a, migration_step *s, head_state *h, const char *rev) {
    vec_push(a, &s->version_delete, rev);
    str_remove(&h->heads, rev);
}
static void step_insert(arena *a, migration_step *s, head_state *h, const char *rev) {
    vec_push(a, &s->version_insert, rev);
    vec_push(a, &h->heads, rev);
}
static void step_update(arena *a, migration_step *s, head_state *h, const char *from, const char *to) {
    s->version_update_from = from;
    s->version_update_to = to;
    vec_push(a, &s->version_delete, from);
    vec_push(a, &s->version_insert, to);         /* then moved to the front */
    memmove(s->version_insert.items + 1, s->version_insert.items,
            (s->version_insert.len - 1) * sizeof *s->version_insert.items);
    s->version_insert.items[0] = to;
    str_remove(&h->heads, from);
    vec_push(a, &h->heads, to);
}

/* The "to revisions" of a downgrade step that no other head still needs. */
static void unmerge_to(const revision_graph *g, revision_node *r, const head_state *h, node_vec *out) {
    bool others = false;
    for (size_t i = 0; i < h->heads.len; i++) others |= strcmp(h->heads.items[i], id_of(r)) != 0;
    nodeset anc = set_new(g);
    if (others) ancestors_of_heads(g, &h->heads, id_of(r), anc);
    for (size_t i = 0; i < r->norm_down.len; i++)
        if (!anc[r->norm_down.items[i]->map_index]) vec_push(g->arena, out, r->norm_down.items[i]);
    free(anc);
}

/* update_to_step for a revision step. */
static int bookkeep_revision(const revision_graph *g, migration_step *s, head_state *h, diag_list *dl) {
    arena *a = g->arena;
    revision_node *r = s->node;
    const char *rev = id_of(r);
    bool in_heads = str_in(&h->heads, rev);
    size_t ndown = r->norm_down.len;
    size_t present = 0;
    for (size_t i = 0; i < ndown; i++) present += str_in(&h->heads, id_of(r->norm_down.items[i]));
    if (!s->upgrade && in_heads) {
        node_vec to = {0};
        if (ndown) unmerge_to(g, r, h, &to);
        if (!ndown || !to.len) { step_delete(a, s, h, rev); return 0; }
    }
    if (s->upgrade && (!ndown || !present)) { step_insert(a, s, h, rev); return 0; }
    if (s->upgrade && ndown > 1 && present > 1) {
        bool others = false;
        for (size_t i = 0; i < h->heads.len; i++) {
            bool is_from = false;
            for (size_t k = 0; k < ndown; k++) is_from |= !strcmp(h->heads.items[i], id_of(r->norm_down.items[k]));
            others |= !is_from;
        }
        nodeset anc = set_new(g);
        if (others) {
            str_vec other = {0};
            for (size_t i = 0; i < h->heads.len; i++) {
                bool is_from = false;
                for (size_t k = 0; k < ndown; k++) is_from |= !strcmp(h->heads.items[i], id_of(r->norm_down.items[k]));
                if (!is_from) vec_push(a, &other, h->heads.items[i]);
            }
            ancestors_of_heads(g, &other, NULL, anc);
        }
        str_vec from = {0};
        for (size_t k = 0; k < ndown; k++)
            if (!anc[r->norm_down.items[k]->map_index]) vec_push(a, &from, id_of(r->norm_down.items[k]));
        free(anc);
        if (!from.len) {
            fail(dl, "cannot merge into %s: none of its down revisions is a current head", rev);
            return -1;
        }
        for (size_t k = 0; k + 1 < from.len; k++) step_delete(a, s, h, from.items[k]);
        step_update(a, s, h, from.items[from.len - 1], rev);
        return 0;
    }
    if (!s->upgrade && in_heads && ndown > 1) {
        node_vec to = {0};
        unmerge_to(g, r, h, &to);
        for (size_t k = 0; k + 1 < to.len; k++) step_insert(a, s, h, id_of(to.items[k]));
        step_update(a, s, h, rev, id_of(to.items[to.len - 1]));
        return 0;
    }
    const char *down = NULL;
    if (ndown != 1) {
        size_t found = 0;
        for (size_t i = 0; i < ndown; i++)
            if (str_in(&h->heads, id_of(r->norm_down.items[i]))) { down = id_of(r->norm_down.items[i]); found++; }
        if (found != 1) {
            fail(dl, "Can't do an UPDATE because downrevision is ambiguous (revision %s)", rev);
            return -1;
        }
    } else
        down = id_of(r->norm_down.items[0]);
    if (s->upgrade) step_update(a, s, h, down, rev);
    else step_update(a, s, h, rev, down);
    return 0;
}

/* _parse_upgrade_target */
static int upgrade_targets(const revision_graph *g, const node_vec *current, const char *target, node_vec *out,
                           diag_list *dl) {
    arena *a = g->arena;
    const char *label, *symbol, *rel_text;
    long rel;
    if (!parse_relative(a, target, &label, &symbol, &rel, &rel_text)) return resolve_into(g, target, out, dl);
    revision_node *r = NULL;
    if (rel > 0) {
        if (!symbol) {
            node_vec start = {0};
            bool from_none = false;
            if (!current->len) from_none = true;
            else if (label) {
                if (filter_lineage(g, current, label, false, &start, dl) != 0) return -1;
                if (!start.len) {
                    nodeset anc = set_new(g);
                    reach(g, current->items, current->len, REL_DOWN_ALL, anc);
                    node_vec act = {0}, on = {0};
                    for (size_t i = 0; i < g->by_map.len; i++) if (anc[i]) vec_push(a, &act, g->by_map.items[i]);
                    free(anc);
                    if (filter_lineage(g, &act, label, false, &on, dl) != 0) return -1;
                    nodeset below = set_new(g);
                    for (size_t i = 0; i < on.len; i++)
                        for (size_t k = 0; k < on.items[i]->norm_down.len; k++) below[on.items[i]->norm_down.items[k]->map_index] = 1;
                    for (size_t i = 0; i < on.len; i++) if (!below[on.items[i]->map_index]) vec_push(a, &start, on.items[i]);
                    free(below);
                    if (!start.len) from_none = true;
                }
            } else
                start = *current;
            if (!from_none && start.len > 1) {
                diag *d = fail(dl, "Ambiguous upgrade from multiple current revisions");
                diag_set_hint(dl, d, "the database is at %s; use '<branchname>@%s' or name the target revision",
                              join_ids(a, &start, ", "), target);
                return -1;
            }
            if (walk(g, from_none ? NULL : start.items[0], rel, label, true, &r, dl) != 0) return -1;
        } else {
            bool err;
            revision_node *s = find_one(g, symbol, &err, dl);
            if (err) return -1;
            if (walk(g, s ? s : &BASE_MARK, rel, label, true, &r, dl) != 0) return -1;
        }
        if (!r) {
            diag *d = fail(dl, "Relative revision %s didn't produce %ld migrations", rel_text, rel);
            diag_set_hint(dl, d, "there are fewer than %ld revisions above the %s", rel, symbol ? symbol : "current revision");
            return -1;
        }
    } else {
        if (!symbol) {
            diag *d = fail(dl, "Relative revision %s didn't produce %ld migrations", rel_text, -rel);
            diag_set_hint(dl, d, "upgrade goes up: use +N, or downgrade %s", rel_text);
            return -1;
        }
        bool err;
        revision_node *s = find_one(g, label ? arena_printf(a, "%s@%s", label, symbol) : symbol, &err, dl);
        if (err) return -1;
        if (walk(g, s ? s : &BASE_MARK, rel, NULL, true, &r, dl) != 0) return -1;
        if (!r) {
            fail(dl, "Relative revision %s didn't produce %ld migrations", rel_text, -rel);
            return -1;
        }
    }
    if (r && r != &BASE_MARK) vec_push(a, out, r);
    return 0;
}

int graph_plan_upgrade(const revision_graph *g, const str_vec *current, const char *target, migration_plan *plan,
                       diag_list *dl) {
    memset(plan, 0, sizeof *plan);
    arena *a = g->arena;
    node_vec cur = {0}, targets = {0};
    if (current_nodes(g, current, &cur, dl) != 0) return -1;
    if (upgrade_targets(g, &cur, target, &targets, dl) != 0) return -1;
    if (check_overlap(g, &targets, dl) != 0) return -1;
    nodeset needs = set_new(g);
    collect_upgrade(g, &targets, &cur, false, true, needs);
    node_vec order = {0};
    topo_sort(g, needs, &targets, &order);
    free(needs);
    head_state h = {0};
    for (size_t i = 0; current && i < current->len; i++) vec_push(a, &h.heads, current->items[i]);
    for (size_t i = order.len; i-- > 0;) {
        migration_step s = {.node = order.items[i], .upgrade = true};
        if (bookkeep_revision(g, &s, &h, dl) != 0) return -1;
        vec_push(a, plan, s);
    }
    return 0;
}

/* _parse_downgrade_target: *label and *target (NULL: base). */
static int downgrade_target(const revision_graph *g, const node_vec *current, const char *target,
                            const char **label_out, revision_node **out, diag_list *dl) {
    arena *a = g->arena;
    const char *label, *symbol, *rel_text;
    long rel;
    *out = NULL;
    *label_out = NULL;
    if (parse_relative(a, target, &label, &symbol, &rel, &rel_text)) {
        revision_node *r;
        if (rel >= 0) {
            if (!symbol) {
                diag *d = fail(dl, "Relative revision %s didn't produce %ld migrations", rel_text, rel);
                diag_set_hint(dl, d, "downgrade goes down: use -N, or upgrade %s", rel_text);
                return -1;
            }
            bool err;
            revision_node *s = find_one(g, symbol, &err, dl);
            if (err) return -1;
            if (walk(g, s ? s : &BASE_MARK, rel, label, true, &r, dl) != 0) return -1;
            if (!r) { fail(dl, "Walked too far"); return -1; }
            *label_out = label;
            *out = r == &BASE_MARK ? NULL : r;
            return 0;
        }
        bool relative = !symbol;
        if (relative) {
            if (label) {
                node_vec sl = {0};
                if (filter_lineage(g, current, label, false, &sl, dl) != 0) return -1;
                if (!sl.len) {
                    str_vec ids = {0};
                    for (size_t i = 0; i < current->len; i++) vec_push(a, &ids, id_of(current->items[i]));
                    node_vec all = {0};
                    if (graph_all_current(g, &ids, &all, dl) != 0) return -1;
                    if (filter_lineage(g, &all, label, false, &sl, dl) != 0) return -1;
                }
                if (sl.len != 1) {
                    diag *d = fail(dl, "Relative revision %s didn't produce %ld migrations", rel_text, -rel);
                    diag_set_hint(dl, d, "the database is at no single revision of branch '%s'", label);
                    return -1;
                }
                symbol = id_of(sl.items[0]);
            } else {
                if (!current->len) {
                    diag *d = fail(dl, "Relative revision %s didn't produce %ld migrations", rel_text, -rel);
                    diag_set_hint(dl, d, "the database is at base: there is nothing to downgrade");
                    return -1;
                }
                symbol = id_of(current->items[0]);
                label = symbol;
            }
        }
        bool err;
        revision_node *s = find_one(g, label ? arena_printf(a, "%s@%s", label, symbol) : symbol, &err, dl);
        if (err) return -1;
        if (walk(g, s ? s : &BASE_MARK, rel, NULL, true, &r, dl) != 0) return -1;
        if (!r) {
            if (relative) {
                diag *d = fail(dl, "Relative revision %s didn't produce %ld migrations", rel_text, -rel);
                diag_set_hint(dl, d, "there are fewer than %ld revisions below %s", -rel, symbol);
            } else
                fail(dl, "Walked too far");
            return -1;
        }
        *label_out = label;
        *out = r == &BASE_MARK ? NULL : r;
        return 0;
    }
    const char *at = strrchr(target, '@');
    const char *sym = target;
    if (at) {
        *label_out = arena_strndup(a, target, (size_t)(at - target));
        if (!**label_out) *label_out = NULL;
        sym = at + 1;
    }
    bool err;
    *out = find_one(g, sym, &err, dl);
    return err ? -1 : 0;
}

int graph_plan_downgrade(const revision_graph *g, const str_vec *current, const char *target, migration_plan *plan,
                         diag_list *dl) {
    memset(plan, 0, sizeof *plan);
    arena *a = g->arena;
    node_vec cur = {0};
    if (current_nodes(g, current, &cur, dl) != 0) return -1;
    const char *label;
    revision_node *tr;
    if (downgrade_target(g, &cur, target, &label, &tr, dl) != 0) return -1;
    node_vec roots = {0};
    if (!tr) {
        for (size_t i = 0; i < g->by_map.len; i++)
            if (!g->by_map.items[i]->header->down_revisions.len) vec_push(a, &roots, g->by_map.items[i]);
    } else
        for (size_t i = 0; i < g->by_map.len; i++)
            if (node_in(&tr->up, g->by_map.items[i])) vec_push(a, &roots, g->by_map.items[i]);
    if (label && roots.len > 1) {
        revision_node *br = resolve_branch(g, label, dl);
        if (!br) return -1;
        nodeset anc = set_new(g);
        reach(g, &br, 1, REL_DOWN, anc);
        node_vec kept = {0};
        for (size_t i = 0; i < roots.len; i++) if (anc[roots.items[i]->map_index]) vec_push(a, &kept, roots.items[i]);
        free(anc);
        if (!kept.len) {
            diag *d = fail(dl, "Not a valid downgrade target from current heads");
            diag_set_hint(dl, d, "branch '%s' has nothing above %s", label, target);
            return -1;
        }
        roots = kept;
    }
    nodeset down = set_new(g), active = set_new(g);
    reach(g, roots.items, roots.len, REL_UP_ALL, down);
    reach(g, cur.items, cur.len, REL_DOWN_ALL, active);
    bool any = false;
    for (size_t i = 0; i < g->by_map.len; i++) any |= (down[i] = down[i] && active[i]);
    free(active);
    if (tr && !any && !node_in(&cur, tr)) {
        free(down);
        diag *d = fail(dl, "Destination %s is not a valid downgrade target from current head(s)", target);
        diag_set_hint(dl, d, "the database is at %s; %s is not below it",
                      cur.len ? join_ids(a, &cur, ", ") : "base", target);
        return -1;
    }
    node_vec order = {0};
    topo_sort(g, down, &cur, &order);
    free(down);
    head_state h = {0};
    for (size_t i = 0; current && i < current->len; i++) vec_push(a, &h.heads, current->items[i]);
    for (size_t i = 0; i < order.len; i++) {
        migration_step s = {.node = order.items[i], .upgrade = false};
        if (bookkeep_revision(g, &s, &h, dl) != 0) return -1;
        vec_push(a, plan, s);
    }
    return 0;
}

static int plan_stamp(const revision_graph *g, const str_vec *current, const str_vec *targets, migration_plan *plan,
                      diag_list *dl);

/* _stamp_revs + StampStep bookkeeping; several heads get stamp's message. */
int graph_plan_stamp(const revision_graph *g, const str_vec *current, const str_vec *targets, migration_plan *plan,
                     diag_list *dl) {
    size_t before = dl->items.len;
    int rc = plan_stamp(g, current, targets, plan, dl);
    for (size_t i = before; rc != 0 && i < dl->items.len; i++)
        if (strstr(dl->items.items[i].message, "Multiple head revisions"))
            dl->items.items[i].message = "Multiple heads are present; please specify a single target revision";
    return rc;
}

static int plan_stamp(const revision_graph *g, const str_vec *current, const str_vec *targets, migration_plan *plan,
                      diag_list *dl) {
    arena *a = g->arena;
    node_vec heads = {0};
    if (current_nodes(g, current, &heads, dl) != 0) return -1;
    str_vec revs = {0};
    for (size_t i = 0; targets && i < targets->len; i++) vec_push(a, &revs, targets->items[i]);
    if (!revs.len) vec_push(a, &revs, "base");
    node_vec filtered = {0};
    for (size_t i = 0; i < revs.len; i++) {
        if (!*revs.items[i]) continue;
        node_vec f = {0};
        if (filter_lineage(g, &heads, revs.items[i], true, &f, dl) != 0) return -1;
        for (size_t k = 0; k < f.len; k++) if (!node_in(&filtered, f.items[k])) vec_push(a, &filtered, f.items[k]);
    }
    node_vec dests = {0};
    for (size_t i = 0; i < revs.len; i++) {
        size_t before = dests.len;
        node_vec one = {0};
        if (resolve_into(g, revs.items[i], &one, dl) != 0) return -1;
        for (size_t k = 0; k < one.len; k++) vec_push(a, &dests, one.items[k]);
        (void)before;
    }
    head_state h = {0};
    for (size_t i = 0; current && i < current->len; i++) vec_push(a, &h.heads, current->items[i]);
    bool to_base = dests.len == 0;
    for (size_t di = 0; di < (to_base ? 1 : dests.len); di++) {
        revision_node *dest = to_base ? NULL : dests.items[di];
        if (!dest) {
            for (size_t k = 0; k < filtered.len; k++) {
                migration_step s = {.node = NULL, .upgrade = false};
                if (str_in(&h.heads, id_of(filtered.items[k]))) step_delete(a, &s, &h, id_of(filtered.items[k]));
                vec_push(a, plan, s);
            }
            continue;
        }
        if (node_in(&filtered, dest)) continue;
        nodeset desc = set_new(g), anc = set_new(g);
        reach(g, &dest, 1, REL_UP_ALL, desc);
        reach(g, &dest, 1, REL_DOWN_ALL, anc);
        bool below = false, above = false;
        for (size_t k = 0; k < filtered.len; k++) {
            below |= desc[filtered.items[k]->map_index];
            above |= anc[filtered.items[k]->map_index];
        }
        free(desc);
        free(anc);
        migration_step s = {.node = NULL, .upgrade = !below};
        str_vec from = {0};
        if (below || above)
            for (size_t k = 0; k < filtered.len; k++) vec_push(a, &from, id_of(filtered.items[k]));
        bool branch_move = !below && !above;
        const char *to = id_of(dest);
        /* StampStep.update_to_step */
        bool from_missing = false;
        for (size_t k = 0; k < from.len; k++) from_missing |= !str_in(&h.heads, from.items[k]);
        if (s.upgrade && (branch_move || from_missing) && !str_in(&h.heads, to)) {
            step_insert(a, &s, &h, to);
        } else if (from.len) {
            /* Only the rows still there move: stamping below a merge point
            ** to two revisions moves the merge's row to the first, and the
            ** second is a row of its own.  (Alembic 1.8-1.19 updates the
            ** moved row again and stops with a KeyError, one row written.) */
            str_vec present = {0};
            for (size_t k = 0; k < from.len; k++)
                if (str_in(&h.heads, from.items[k])) vec_push(a, &present, from.items[k]);
            if (!present.len) {
                if (!str_in(&h.heads, to)) step_insert(a, &s, &h, to);
            } else {
                for (size_t k = 0; k + 1 < present.len; k++) step_delete(a, &s, &h, present.items[k]);
                step_update(a, &s, &h, present.items[present.len - 1], to);
            }
        }
        vec_push(a, plan, s);
    }
    return 0;
}
