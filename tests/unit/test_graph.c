/*
** test_graph.c — the revision graph (src/script/graph.c): building it from
** real revision files, every target form, upgrade/downgrade/stamp plans
** with their alembic_version bookkeeping, and every error, checked against
** what Alembic 1.8 does on the same files.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "script/graph.h"

static char tmpdir[64];

static int make_tmp(void **state) {
    (void)state;
    strcpy(tmpdir, "/tmp/retort-graph-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int rm_tmp(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

/* A revision file as Alembic writes it; down/labels/deps are Python
** literals ("None", "'a'", "('a', 'b')"). */
static void rev(const char *id, const char *down, const char *labels, const char *deps) {
    char path[256], text[1024];
    snprintf(path, sizeof path, "%s/%s_m.py", tmpdir, id);
    snprintf(text, sizeof text,
             "\"\"\"message of %s\n\nRevision ID: %s\n\"\"\"\nfrom alembic import op\n\n"
             "revision = '%s'\ndown_revision = %s\nbranch_labels = %s\ndepends_on = %s\n\n\n"
             "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n",
             id, id, id, down, labels ? labels : "None", deps ? deps : "None");
    assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
}

typedef struct fixture {
    revision_set *rs;
    revision_graph *g;
    diag_list dl;
} fixture;

static void load(fixture *f) {
    diag_list_init(&f->dl);
    assert_int_equal(revisions_load(tmpdir, &f->rs, &f->dl), 0);
    int rc = graph_build(f->rs, &f->g, &f->dl);
    if (rc != 0) diag_print(&f->dl, stderr);
    assert_int_equal(rc, 0);
}

/* Build expecting failure; returns the first message. */
static const char *load_fails(fixture *f) {
    diag_list_init(&f->dl);
    assert_int_equal(revisions_load(tmpdir, &f->rs, &f->dl), 0);
    assert_int_equal(graph_build(f->rs, &f->g, &f->dl), -1);
    assert_null(f->g);
    assert_true(f->dl.items.len > 0);
    return f->dl.items.items[0].message;
}

static void unload(fixture *f) {
    graph_free(f->g);
    revisions_free(f->rs);
    diag_list_free(&f->dl);
    f->g = NULL;
    f->rs = NULL;
}

static const char *find_id(fixture *f, const char *spec) {
    revision_node *n = graph_find(f->g, spec, &f->dl);
    return n ? n->header->revision : NULL;
}

/* graph_find failing: the message. */
static const char *find_err(fixture *f, const char *spec) {
    size_t before = f->dl.items.len;
    assert_null(graph_find(f->g, spec, &f->dl));
    assert_true(f->dl.items.len > before);
    return f->dl.items.items[f->dl.items.len - 1].message;
}

static str_vec cur_of(arena *a, const char *ids) {
    str_vec v = {0};
    char *copy = arena_strdup(a, ids);
    for (char *t = strtok(copy, " "); t; t = strtok(NULL, " ")) vec_push(a, &v, t);
    return v;
}

/* A plan as text: "+a[i:a] +b[u:a>b] -c[d:c]" (+ upgrade, - downgrade, s
** stamp; i insert, d delete, u update). */
static const char *plan_text(arena *a, const migration_plan *p) {
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "");
    for (size_t i = 0; i < p->len; i++) {
        const migration_step *s = &p->items[i];
        sb_printf(&sb, "%s%c%s[", i ? " " : "", s->node ? (s->upgrade ? '+' : '-') : 's',
                  s->node ? s->node->header->revision : "");
        bool first = true;
        size_t nd = s->version_delete.len - (s->version_update_from ? 1 : 0);
        for (size_t k = 0; k < nd; k++, first = false) sb_printf(&sb, "%sd:%s", first ? "" : ",", s->version_delete.items[k]);
        if (s->version_update_from) {
            sb_printf(&sb, "%su:%s>%s", first ? "" : ",", s->version_update_from, s->version_update_to);
            first = false;
            /* the update is also the last delete and the first insert */
            assert_string_equal(s->version_delete.items[s->version_delete.len - 1], s->version_update_from);
            assert_string_equal(s->version_insert.items[0], s->version_update_to);
        }
        for (size_t k = s->version_update_from ? 1 : 0; k < s->version_insert.len; k++, first = false)
            sb_printf(&sb, "%si:%s", first ? "" : ",", s->version_insert.items[k]);
        sb_append(&sb, "]");
    }
    const char *r = arena_strdup(a, sb_str(&sb));
    sb_free(&sb);
    return r;
}

static const char *up(fixture *f, arena *a, const char *current, const char *target) {
    migration_plan p = {0};
    str_vec c = cur_of(a, current);
    if (graph_plan_upgrade(f->g, &c, target, &p, &f->dl) != 0) return NULL;
    return plan_text(a, &p);
}

static const char *down(fixture *f, arena *a, const char *current, const char *target) {
    migration_plan p = {0};
    str_vec c = cur_of(a, current);
    if (graph_plan_downgrade(f->g, &c, target, &p, &f->dl) != 0) return NULL;
    return plan_text(a, &p);
}

static const char *stamp(fixture *f, arena *a, const char *current, const char *targets) {
    migration_plan p = {0};
    str_vec c = cur_of(a, current), t = cur_of(a, targets);
    if (graph_plan_stamp(f->g, &c, &t, &p, &f->dl) != 0) return NULL;
    return plan_text(a, &p);
}

static const char *last_msg(fixture *f) {
    assert_true(f->dl.items.len > 0);
    return f->dl.items.items[f->dl.items.len - 1].message;
}

/* ------------------------------------------------------------------ tests */

static void linear_chain(void **state) {
    (void)state;
    rev("aaaa01", "None", NULL, NULL);
    rev("bbbb02", "'aaaa01'", NULL, NULL);
    rev("cccc03", "'bbbb02'", NULL, NULL);
    fixture f;
    load(&f);
    arena *a = arena_new();
    revision_graph *g = f.g;
    assert_int_equal(g->nodes.len, 3);
    assert_string_equal(g->nodes.items[0]->header->revision, "aaaa01");
    assert_string_equal(g->nodes.items[2]->header->revision, "cccc03");
    assert_int_equal(g->heads.len, 1);
    assert_string_equal(g->heads.items[0]->header->revision, "cccc03");
    assert_int_equal(g->bases.len, 1);
    assert_true(g->bases.items[0]->is_base);
    /* every target form */
    assert_string_equal(find_id(&f, "head"), "cccc03");
    assert_string_equal(find_id(&f, "heads"), "cccc03");
    assert_string_equal(find_id(&f, "bbbb02"), "bbbb02");
    assert_string_equal(find_id(&f, "bbb"), "bbbb02");
    assert_null(graph_find(g, "base", &f.dl));
    assert_int_equal(f.dl.items.len, 0);
    assert_string_equal(find_id(&f, "cccc03-1"), "bbbb02");
    assert_string_equal(find_id(&f, "aaaa01+2"), "cccc03");
    assert_string_equal(find_id(&f, "-1"), "bbbb02");
    assert_string_equal(find_id(&f, "+1"), "aaaa01");
    assert_null(graph_find(g, "aaaa01-1", &f.dl));      /* below the base: base */
    assert_string_equal(find_err(&f, "aaaa01+3"), "Relative revision +3 didn't produce 3 migrations");
    assert_string_equal(find_err(&f, "zzzz"), "Can't locate revision identified by 'zzzz'");
    /* plans */
    assert_string_equal(up(&f, a, "", "head"), "+aaaa01[i:aaaa01] +bbbb02[u:aaaa01>bbbb02] +cccc03[u:bbbb02>cccc03]");
    assert_string_equal(up(&f, a, "", "heads"), "+aaaa01[i:aaaa01] +bbbb02[u:aaaa01>bbbb02] +cccc03[u:bbbb02>cccc03]");
    assert_string_equal(up(&f, a, "aaaa01", "+1"), "+bbbb02[u:aaaa01>bbbb02]");
    assert_string_equal(up(&f, a, "aaaa01", "cccc03"), "+bbbb02[u:aaaa01>bbbb02] +cccc03[u:bbbb02>cccc03]");
    assert_string_equal(up(&f, a, "", "+2"), "+aaaa01[i:aaaa01] +bbbb02[u:aaaa01>bbbb02]");
    assert_string_equal(up(&f, a, "cccc03", "head"), "");
    assert_string_equal(up(&f, a, "cccc03", "aaaa01"), "");   /* below current: nothing */
    assert_null(up(&f, a, "bbbb02", "+2"));
    assert_string_equal(last_msg(&f), "Relative revision +2 didn't produce 2 migrations");
    assert_null(up(&f, a, "bbbb02", "-1"));
    assert_string_equal(last_msg(&f), "Relative revision -1 didn't produce 1 migrations");
    assert_string_equal(down(&f, a, "cccc03", "-1"), "-cccc03[u:cccc03>bbbb02]");
    assert_string_equal(down(&f, a, "cccc03", "-2"), "-cccc03[u:cccc03>bbbb02] -bbbb02[u:bbbb02>aaaa01]");
    assert_string_equal(down(&f, a, "cccc03", "base"),
                        "-cccc03[u:cccc03>bbbb02] -bbbb02[u:bbbb02>aaaa01] -aaaa01[d:aaaa01]");
    assert_string_equal(down(&f, a, "cccc03", "aaaa01"), "-cccc03[u:cccc03>bbbb02] -bbbb02[u:bbbb02>aaaa01]");
    assert_string_equal(down(&f, a, "bbbb02", "bbbb02"), "");
    assert_null(down(&f, a, "", "-1"));
    assert_string_equal(last_msg(&f), "Relative revision -1 didn't produce 1 migrations");
    assert_null(down(&f, a, "bbbb02", "-3"));
    assert_string_equal(last_msg(&f), "Relative revision -3 didn't produce 3 migrations");
    assert_null(down(&f, a, "aaaa01", "cccc03"));
    assert_string_equal(last_msg(&f), "Destination cccc03 is not a valid downgrade target from current head(s)");
    assert_null(down(&f, a, "cccc03", "+1"));
    assert_string_equal(last_msg(&f), "Relative revision +1 didn't produce 1 migrations");
    assert_null(up(&f, a, "nope99", "head"));
    assert_string_equal(last_msg(&f), "Can't locate revision identified by 'nope99'");
    /* stamp */
    assert_string_equal(stamp(&f, a, "", "head"), "s[i:cccc03]");
    assert_string_equal(stamp(&f, a, "aaaa01", "head"), "s[u:aaaa01>cccc03]");
    assert_string_equal(stamp(&f, a, "cccc03", "aaaa01"), "s[u:cccc03>aaaa01]");
    assert_string_equal(stamp(&f, a, "cccc03", "base"), "s[d:cccc03]");
    assert_string_equal(stamp(&f, a, "cccc03", "head"), "");
    /* history */
    node_vec h = {0};
    assert_int_equal(graph_walk(g, NULL, NULL, &h, &f.dl), 0);
    assert_int_equal(h.len, 3);
    assert_string_equal(h.items[0]->header->revision, "cccc03");
    assert_string_equal(h.items[2]->header->revision, "aaaa01");
    node_vec h2 = {0};
    assert_int_equal(graph_walk(g, "bbbb02", "head", &h2, &f.dl), 0);
    assert_int_equal(h2.len, 2);
    node_vec h3 = {0};
    assert_int_equal(graph_walk(g, "cccc03", "aaaa01", &h3, &f.dl), -1);
    assert_string_equal(last_msg(&f),
                        "Requested range cccc03:aaaa01 does not refer to ancestor/descendant revisions along the same branch");
    arena_free(a);
    unload(&f);
}

static void ambiguous_prefix(void **state) {
    (void)state;
    rev("abcd01", "None", NULL, NULL);
    rev("abcd02", "'abcd01'", NULL, NULL);
    fixture f;
    load(&f);
    assert_string_equal(find_err(&f, "abcd"), "Can't locate revision identified by 'abcd'");
    assert_string_equal(find_err(&f, "ab"), "Can't locate revision identified by 'ab'");
    assert_string_equal(find_err(&f, "zz"), "Can't locate revision identified by 'zz'");
    assert_non_null(f.dl.items.items[f.dl.items.len - 1].hint);
    assert_non_null(strstr(f.dl.items.items[f.dl.items.len - 1].hint, "at least four characters"));
    assert_string_equal(find_id(&f, "abcd02"), "abcd02");
    unload(&f);
}

/* a -> b1, a -> b2 (label lab), merge m = (b1, b2). */
static void branches_and_merge(void **state) {
    (void)state;
    rev("aaaa01", "None", NULL, NULL);
    rev("bbbb01", "'aaaa01'", NULL, NULL);
    rev("bbbb02", "'aaaa01'", "('lab',)", NULL);
    fixture f;
    load(&f);
    arena *a = arena_new();
    revision_graph *g = f.g;
    assert_int_equal(g->heads.len, 2);
    assert_string_equal(g->heads.items[0]->header->revision, "bbbb01");
    assert_string_equal(g->heads.items[1]->header->revision, "bbbb02");
    revision_node *base = strmap_get(g->by_id, "aaaa01");
    assert_true(base->is_branch_point);
    assert_int_equal(base->labels.len, 0);        /* the label stops at the branch point */
    assert_string_equal(find_err(&f, "head"),
                        "Multiple head revisions are present for given argument 'head'; please specify a specific "
                        "target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads");
    assert_string_equal(find_id(&f, "lab@head"), "bbbb02");
    assert_string_equal(find_id(&f, "lab"), "bbbb02");
    assert_string_equal(find_id(&f, "lab@bbbb02"), "bbbb02");
    assert_string_equal(find_id(&f, "lab@aaaa01"), "aaaa01");
    assert_string_equal(find_err(&f, "lab@bbbb01"), "Revision bbbb01 is not a member of branch 'lab'");
    /* as Alembic: the lineage check resolves the label as a revision */
    assert_string_equal(find_err(&f, "nolab@head"), "Can't locate revision identified by 'nolab'");
    assert_string_equal(find_err(&f, "nolab@bbbb02"), "Can't locate revision identified by 'nolab'");
    assert_null(graph_find(g, "lab@base", &f.dl));
    node_vec hs = {0};
    assert_int_equal(graph_resolve(g, "heads", &hs, &f.dl), 0);
    assert_int_equal(hs.len, 2);
    /* upgrade head refuses, heads goes both ways: a branch gets its row */
    assert_null(up(&f, a, "", "head"));
    assert_non_null(strstr(last_msg(&f), "Multiple head revisions are present for given argument 'head'"));
    const char *both = up(&f, a, "", "heads");
    assert_non_null(both);
    assert_true(!strcmp(both, "+aaaa01[i:aaaa01] +bbbb01[u:aaaa01>bbbb01] +bbbb02[i:bbbb02]") ||
                !strcmp(both, "+aaaa01[i:aaaa01] +bbbb02[u:aaaa01>bbbb02] +bbbb01[i:bbbb01]"));
    assert_string_equal(up(&f, a, "aaaa01", "lab@head"), "+bbbb02[u:aaaa01>bbbb02]");
    assert_string_equal(up(&f, a, "bbbb01", "lab@head"), "+bbbb02[i:bbbb02]");
    assert_null(up(&f, a, "bbbb01 bbbb02", "+1"));
    assert_string_equal(last_msg(&f), "Ambiguous upgrade from multiple current revisions");
    /* downgrading one branch deletes its row */
    assert_string_equal(down(&f, a, "bbbb01 bbbb02", "lab@aaaa01"), "-bbbb02[d:bbbb02]");
    assert_string_equal(down(&f, a, "bbbb01 bbbb02", "lab@-1"), "-bbbb02[d:bbbb02]");
    /* which branch goes first follows the directory order, as in Alembic */
    const char *two = down(&f, a, "bbbb01 bbbb02", "aaaa01");
    assert_non_null(two);
    assert_true(!strcmp(two, "-bbbb01[d:bbbb01] -bbbb02[u:bbbb02>aaaa01]") ||
                !strcmp(two, "-bbbb02[d:bbbb02] -bbbb01[u:bbbb01>aaaa01]"));
    /* stamp several */
    assert_string_equal(stamp(&f, a, "", "bbbb01 bbbb02"), "s[i:bbbb01] s[i:bbbb02]");
    assert_string_equal(stamp(&f, a, "bbbb01 bbbb02", "aaaa01"), "s[d:bbbb01,u:bbbb02>aaaa01]");
    assert_string_equal(stamp(&f, a, "bbbb01", "heads"), "s[i:bbbb02]");
    assert_null(stamp(&f, a, "", "head"));
    assert_string_equal(last_msg(&f), "Multiple heads are present; please specify a single target revision");
    unload(&f);

    /* now merge them */
    rev("mmmm01", "('bbbb01', 'bbbb02')", NULL, NULL);
    load(&f);
    g = f.g;
    assert_int_equal(g->heads.len, 1);
    revision_node *m = strmap_get(g->by_id, "mmmm01");
    assert_true(m->is_merge_point);
    assert_int_equal(m->labels.len, 1);           /* above lab's revision: labelled */
    assert_string_equal(m->labels.items[0], "lab");
    assert_string_equal(find_id(&f, "head"), "mmmm01");
    assert_string_equal(find_id(&f, "lab@head"), "mmmm01");
    assert_string_equal(up(&f, a, "bbbb01 bbbb02", "head"), "+mmmm01[d:bbbb01,u:bbbb02>mmmm01]");
    assert_string_equal(up(&f, a, "bbbb01", "head"), "+bbbb02[i:bbbb02] +mmmm01[d:bbbb01,u:bbbb02>mmmm01]");
    assert_string_equal(down(&f, a, "mmmm01", "bbbb02"), "-mmmm01[u:mmmm01>bbbb02,i:bbbb01]");
    assert_null(down(&f, a, "mmmm01", "-1"));      /* as Alembic: two parents */
    assert_string_equal(last_msg(&f), "Ambiguous walk");
    const char *all = up(&f, a, "", "head");
    assert_non_null(all);
    assert_non_null(strstr(all, "+mmmm01[d:"));
    const char *tobase = down(&f, a, "mmmm01", "base");
    assert_non_null(tobase);
    assert_non_null(strstr(tobase, "-aaaa01[d:aaaa01]"));
    assert_string_equal(stamp(&f, a, "bbbb01 bbbb02", "head"), "s[d:bbbb01,u:bbbb02>mmmm01]");
    /* history: newest first, the merge on top, the base last */
    node_vec h = {0};
    assert_int_equal(graph_walk(g, NULL, NULL, &h, &f.dl), 0);
    assert_int_equal(h.len, 4);
    assert_string_equal(h.items[0]->header->revision, "mmmm01");
    assert_string_equal(h.items[3]->header->revision, "aaaa01");
    node_vec cur = {0};
    str_vec c = cur_of(a, "bbbb01 bbbb02");
    assert_int_equal(graph_all_current(g, &c, &cur, &f.dl), 0);
    assert_int_equal(cur.len, 2);
    arena_free(a);
    unload(&f);
}

static void depends_on(void **state) {
    (void)state;
    rev("aaaa01", "None", NULL, NULL);
    rev("bbbb01", "'aaaa01'", NULL, NULL);
    rev("xxxx01", "None", "('other',)", NULL);
    rev("cccc01", "'bbbb01'", NULL, "'other'");
    fixture f;
    load(&f);
    arena *a = arena_new();
    revision_graph *g = f.g;
    revision_node *c = strmap_get(g->by_id, "cccc01"), *x = strmap_get(g->by_id, "xxxx01");
    assert_int_equal(c->depends.len, 1);
    assert_ptr_equal(c->depends.items[0], x);
    assert_int_equal(c->norm_down.len, 2);
    assert_true(x->is_head);                       /* versioned head ... */
    assert_false(x->is_real_head);                 /* ... but cccc01 depends on it */
    assert_true(x->order < c->order);
    /* upgrading to cccc01 brings its dependency, as a new branch row first */
    const char *p = up(&f, a, "", "cccc01");
    assert_non_null(p);
    assert_non_null(strstr(p, "+xxxx01[i:xxxx01]"));
    assert_true(strstr(p, "+xxxx01") < strstr(p, "+cccc01"));
    unload(&f);

    rev("dddd01", "'cccc01'", NULL, "'nothere'");
    assert_string_equal(load_fails(&f), "depends_on 'nothere' of revision 'dddd01' names no revision or branch label");
    assert_non_null(strstr(f.dl.items.items[0].loc.file, "dddd01_m.py"));
    arena_free(a);
    unload(&f);
}

static void dangling_down_revision(void **state) {
    (void)state;
    rev("aaaa01", "None", NULL, NULL);
    rev("bbbb01", "'gone00'", NULL, NULL);
    fixture f;
    assert_string_equal(load_fails(&f), "down_revision 'gone00' of revision 'bbbb01' names no revision");
    assert_non_null(strstr(f.dl.items.items[0].loc.file, "bbbb01_m.py"));
    assert_int_equal(f.dl.items.items[0].loc.line, 7);
    unload(&f);
}

static void cycle_names_files(void **state) {
    (void)state;
    rev("aaaa01", "None", NULL, NULL);
    rev("bbbb01", "'cccc01'", NULL, NULL);
    rev("cccc01", "'bbbb01'", NULL, NULL);
    fixture f;
    assert_string_equal(load_fails(&f), "Cycle is detected in revisions (bbbb01, cccc01)");
    const char *hint = f.dl.items.items[0].hint;
    assert_non_null(strstr(hint, "bbbb01_m.py"));
    assert_non_null(strstr(hint, "cccc01_m.py"));
    unload(&f);
}

static void self_loop_and_duplicate_label(void **state) {
    (void)state;
    rev("aaaa01", "'aaaa01'", NULL, NULL);
    fixture f;
    assert_string_equal(load_fails(&f), "Self-loop is detected in revisions (aaaa01)");
    unload(&f);
    rev("aaaa01", "None", "('lab',)", NULL);
    rev("bbbb01", "'aaaa01'", "('lab',)", NULL);
    const char *m = load_fails(&f);
    assert_true(strstr(m, "branch name 'lab' in revision bbbb01 already used by revision aaaa01") ||
                strstr(m, "branch name 'lab' in revision aaaa01 already used by revision bbbb01"));
    unload(&f);
}

static void duplicate_id_caught_by_loader(void **state) {
    (void)state;
    rev("aaaa01", "None", NULL, NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/zz_copy.py", tmpdir);
    const char *text = "revision = 'aaaa01'\ndown_revision = None\n";
    assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
    diag_list dl;
    diag_list_init(&dl);
    revision_set *rs = NULL;
    assert_int_equal(revisions_load(tmpdir, &rs, &dl), -1);
    assert_non_null(strstr(dl.items.items[0].message, "duplicate revision id 'aaaa01'"));
    diag_list_free(&dl);
}

/* 5,000 revisions in a line: built and planned quickly, no recursion. */
static void long_chain(void **state) {
    (void)state;
    enum { N = 5000 };
    for (int i = 0; i < N; i++) {
        char id[16], down[32];
        snprintf(id, sizeof id, "r%05d", i);
        if (i) snprintf(down, sizeof down, "'r%05d'", i - 1);
        else strcpy(down, "None");
        rev(id, down, NULL, NULL);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fixture f;
    load(&f);
    arena *a = arena_new();
    assert_int_equal(f.g->nodes.len, N);
    assert_string_equal(find_id(&f, "head"), "r04999");
    assert_string_equal(find_id(&f, "r00000+4999"), "r04999");
    migration_plan p = {0};
    str_vec none = {0};
    assert_int_equal(graph_plan_upgrade(f.g, &none, "head", &p, &f.dl), 0);
    assert_int_equal(p.len, N);
    assert_string_equal(p.items[0].node->header->revision, "r00000");
    assert_string_equal(p.items[N - 1].node->header->revision, "r04999");
    migration_plan d = {0};
    str_vec top = cur_of(a, "r04999");
    assert_int_equal(graph_plan_downgrade(f.g, &top, "base", &d, &f.dl), 0);
    assert_int_equal(d.len, N);
    assert_string_equal(d.items[N - 1].version_delete.items[0], "r00000");
    node_vec h = {0};
    assert_int_equal(graph_walk(f.g, NULL, NULL, &h, &f.dl), 0);
    assert_int_equal(h.len, N);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(secs < 20.0);                      /* valgrind included */
    arena_free(a);
    unload(&f);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, make_tmp, rm_tmp)

int main(void) {
    const struct CMUnitTest tests[] = {
        T(linear_chain),
        T(ambiguous_prefix),
        T(branches_and_merge),
        T(depends_on),
        T(dangling_down_revision),
        T(cycle_names_files),
        T(self_loop_and_duplicate_label),
        T(duplicate_id_caught_by_loader),
        T(long_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
