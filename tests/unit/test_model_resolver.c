/*
** test_model_resolver.c — model files to Schema: inheritance, @map, table
** names, nullability, server defaults, conventional index names, unique
** constraints, foreign keys, clauses, primary keys, rename hints, and the
** project's own models/ (the qlib-ui schema).
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "model/model.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static schema *load(const char *text) {
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    int rc = model_load_string("t.model", text, &s, &dl);
    if (rc != 0) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    assert_int_equal(dl.errors, 0);
    diag_list_free(&dl);
    assert_non_null(s);
    return s;
}

static const char *BASE =
    "abstract model Base {\n"
    "  id String(36) @primary_key @comment(\"pk\")\n"
    "  is_deleted Boolean @default(false) @index\n"
    "  @@index(\"ix_base_shared\", is_deleted)\n"   /* inherited by the one table below */
    "}\n";

static void test_inheritance_order_and_abstract(void **state) {
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, "%s%s", BASE,
             "abstract model Audit { created_by String(255)? }\n"
             "model ChartConfig : Base, Audit {\n  name Text\n}\n");
    schema *s = load(text);
    assert_int_equal(s->tables.len, 1);
    table *t = s->tables.items[0];
    assert_string_equal(t->name, "chart_config");
    assert_string_equal(t->model_name, "ChartConfig");
    assert_int_equal(t->columns.len, 4);
    assert_string_equal(t->columns.items[0]->name, "id");
    assert_string_equal(t->columns.items[1]->name, "is_deleted");
    assert_string_equal(t->columns.items[2]->name, "created_by");
    assert_string_equal(t->columns.items[3]->name, "name");
    assert_true(t->columns.items[2]->nullable);
    assert_false(t->columns.items[3]->nullable);
    assert_non_null(table_find_index(t, "ix_base_shared"));
    assert_non_null(table_find_index(t, "ix_chart_config_is_deleted"));
    assert_int_equal(t->primary_key.columns.len, 1);
    assert_string_equal(t->primary_key.columns.items[0], "id");
    schema_free(s);
}

static void test_override_keeps_position(void **state) {
    (void)state;
    schema *s = load("abstract model B { id Integer @primary_key\n note String(10) }\n"
                     "model M : B { x Integer\n note Text? @override }\n");
    table *t = schema_find_table(s, "m");
    assert_non_null(t);
    assert_string_equal(t->columns.items[1]->name, "note");
    assert_int_equal(t->columns.items[1]->type.kind, TYPE_TEXT);
    assert_true(t->columns.items[1]->nullable);
    assert_string_equal(t->columns.items[2]->name, "x");
    schema_free(s);
}

static void test_table_names(void **state) {
    (void)state;
    schema *s = load("model UserPreferences { id Integer @primary_key }\n"
                     "model HTTPRequestLog { id Integer @primary_key }\n"
                     "model X { id Integer @primary_key\n @@table(\"custom\") }\n");
    assert_string_equal(s->tables.items[0]->name, "user_preferences");
    assert_string_equal(s->tables.items[1]->name, "http_request_log");
    assert_string_equal(s->tables.items[2]->name, "custom");
    assert_non_null(schema_find_table(s, "custom"));
    assert_null(schema_find_table(s, "x"));
    schema_free(s);
}

static void test_map_and_clause_field_names(void **state) {
    (void)state;
    schema *s = load("model D { id Integer @primary_key\n extra_metadata JSON @map(\"metadata\")\n"
                     " @@index(\"ix_d_meta\", extra_metadata, id) }\n");
    table *t = s->tables.items[0];
    column *c = table_find_column(t, "metadata");
    assert_non_null(c);
    assert_string_equal(c->field_name, "extra_metadata");
    assert_null(table_find_column(t, "extra_metadata"));
    index_def *x = table_find_index(t, "ix_d_meta");
    assert_string_equal(x->columns.items[0], "metadata");
    assert_false(x->conventional_name);
    schema_free(s);
}

static void test_types_resolved(void **state) {
    (void)state;
    schema *s = load("model T { id BigInteger @primary_key @autoincrement\n a String\n b String(20)\n"
                     " c Numeric(10, 2)\n d DateTime(timezone=true)\n e DateTime\n f Uuid\n g LargeBinary\n"
                     " h SmallInteger @autoincrement(false)\n i Numeric\n}\n");
    table *t = s->tables.items[0];
    arena *a = arena_new();
    const char *want[] = {"BigInteger", "String", "String(20)", "Numeric(10, 2)", "DateTime(timezone=true)",
                          "DateTime", "Uuid", "LargeBinary", "SmallInteger", "Numeric"};
    for (size_t i = 0; i < 10; i++) assert_string_equal(col_type_to_string(a, &t->columns.items[i]->type), want[i]);
    arena_free(a);
    assert_int_equal(t->columns.items[1]->type.length, -1);
    assert_int_equal(t->columns.items[3]->type.precision, 10);
    assert_int_equal(t->columns.items[3]->type.scale, 2);
    assert_int_equal(t->columns.items[0]->autoincrement, AUTOINC_TRUE);
    assert_int_equal(t->columns.items[8]->autoincrement, AUTOINC_FALSE);
    assert_int_equal(t->columns.items[1]->autoincrement, AUTOINC_AUTO);
    schema_free(s);
}

static void test_server_defaults(void **state) {
    (void)state;
    schema *s = load("model T { id Integer @primary_key\n a Text @default(\"it\\\"s\")\n b Integer @default(-1.5)\n"
                     " c Boolean @default(true)\n d DateTime @default(now())\n e Date @default(sql(\"CURRENT_DATE\"))\n"
                     " f Text }\n");
    table *t = s->tables.items[0];
    server_default *d;
    d = &t->columns.items[1]->server_default;
    assert_int_equal(d->kind, DEFAULT_STRING);
    assert_string_equal(d->text, "it\"s");
    d = &t->columns.items[2]->server_default;
    assert_int_equal(d->kind, DEFAULT_NUMBER);
    assert_string_equal(d->text, "-1.5");
    d = &t->columns.items[3]->server_default;
    assert_int_equal(d->kind, DEFAULT_BOOL);
    assert_true(d->bool_value);
    assert_int_equal(t->columns.items[4]->server_default.kind, DEFAULT_NOW);
    d = &t->columns.items[5]->server_default;
    assert_int_equal(d->kind, DEFAULT_SQL);
    assert_string_equal(d->text, "CURRENT_DATE");
    assert_int_equal(t->columns.items[6]->server_default.kind, DEFAULT_NONE);
    schema_free(s);
}

static void test_index_and_unique_conventions(void **state) {
    (void)state;
    schema *s = load("model T { id Integer @primary_key\n a Text @index\n b Text @unique @index\n c Text @unique\n"
                     " @@unique(\"uq_t_ab\", a, b)\n @@index(\"ix_t_part\", c, unique=true, where=\"c IS NOT NULL\") }\n");
    table *t = s->tables.items[0];
    index_def *a = table_find_index(t, "ix_t_a"), *b = table_find_index(t, "ix_t_b");
    assert_non_null(a);
    assert_false(a->unique);
    assert_true(a->conventional_name);
    assert_non_null(b);
    assert_true(b->unique);
    assert_true(b->conventional_name);
    assert_null(table_find_index(t, "ix_t_c"));
    assert_int_equal(t->uniques.len, 2);
    assert_null(t->uniques.items[0]->name);
    assert_string_equal(t->uniques.items[0]->columns.items[0], "c");
    assert_string_equal(t->uniques.items[1]->name, "uq_t_ab");
    index_def *p = table_find_index(t, "ix_t_part");
    assert_true(p->unique);
    assert_string_equal(p->where, "c IS NOT NULL");
    schema_free(s);
}

/* @@index keys with options, expressions, using=, include= (the IR of
** docs/model-language.md "Indexes"). */
static void test_index_key_options(void **state) {
    (void)state;
    schema *s = load("model M {\n"
                     "  id Integer @primary_key\n"
                     "  mail Text @map(\"email\")\n"
                     "  at DateTime\n"
                     "  @@index(\"ix_a\", at(desc, nulls_first), sql(\"lower(email)\", nulls_first), mail(ops=\"text_pattern_ops\"))\n"
                     "  @@index(\"ix_b\", sql(\"id + 1\"), sql(\"(id * 2)\"), sql(\"email\"), using=\"gin\", include=(at, mail))\n"
                     "  @@index(\"ix_c\", id, using=\"btree\")\n"
                     "}\n");
    table *t = schema_find_table(s, "m");
    index_def *a = table_find_index(t, "ix_a"), *b = table_find_index(t, "ix_b"), *c = table_find_index(t, "ix_c");
    assert_int_equal(a->columns.len, 3);
    assert_string_equal(a->columns.items[0], "at");
    assert_string_equal(a->columns.items[1], "(lower(email))");
    assert_string_equal(a->columns.items[2], "email");
    index_key k0 = index_key_at(a, 0), k1 = index_key_at(a, 1), k2 = index_key_at(a, 2);
    assert_true(k0.desc);
    assert_int_equal(k0.nulls, NULLS_DEFAULT);    /* nulls_first is DESC's default */
    assert_false(k1.desc);
    assert_int_equal(k1.nulls, NULLS_FIRST);       /* not ASC's default */
    assert_string_equal(k2.opclass, "text_pattern_ops");
    assert_null(a->method);
    assert_non_null(a->postgres_only);
    assert_string_equal(b->columns.items[0], "(id + 1)");
    assert_string_equal(b->columns.items[1], "(id * 2)");
    assert_string_equal(b->columns.items[2], "email");   /* sql("email") is the column */
    assert_string_equal(b->method, "gin");
    assert_int_equal(b->include.len, 2);
    assert_string_equal(b->include.items[1], "email");
    assert_null(c->method);                              /* btree is the default */
    assert_null(c->postgres_only);
    assert_true(index_is_plain(c));
    schema_free(s);
}

static void test_foreign_keys(void **state) {
    (void)state;
    schema *s = load("model Child { id Integer @primary_key\n pid Integer @foreign_key(\"parent.id\", ondelete=\"set null\")\n"
                     " qid Integer @foreign_key(\"parent.id\", name=\"fk_q\", onupdate=\"Cascade\")\n"
                     " a Integer\n b Integer\n"
                     " @@foreign_key(\"fk_ab\", (a, b), \"parent\", (x, y), ondelete=\"RESTRICT\") }\n"
                     "model Parent { id Integer @primary_key\n x Integer\n y Integer }\n");
    table *t = schema_find_table(s, "child");
    assert_int_equal(t->foreign_keys.len, 3);
    foreign_key *f = t->foreign_keys.items[0];
    assert_null(f->name);
    assert_string_equal(f->columns.items[0], "pid");
    assert_string_equal(f->ref_table, "parent");
    assert_string_equal(f->ref_columns.items[0], "id");
    assert_string_equal(f->ondelete, "SET NULL");
    assert_null(f->onupdate);
    f = t->foreign_keys.items[1];
    assert_string_equal(f->name, "fk_q");
    assert_string_equal(f->onupdate, "CASCADE");
    f = t->foreign_keys.items[2];
    assert_string_equal(f->name, "fk_ab");
    assert_int_equal(f->columns.len, 2);
    assert_string_equal(f->ref_columns.items[1], "y");
    assert_string_equal(f->ondelete, "RESTRICT");
    schema_free(s);
}

static void test_composite_primary_key_and_checks(void **state) {
    (void)state;
    schema *s = load("model T { a Integer\n b Text\n n Integer\n @@primary_key(a, b)\n"
                     " @@check(\"ck_n\", \"n >= 0\")\n @@check(\"n < 10\")\n @@comment(\"tbl\") }\n");
    table *t = s->tables.items[0];
    assert_int_equal(t->primary_key.columns.len, 2);
    assert_string_equal(t->primary_key.columns.items[1], "b");
    assert_true(t->columns.items[1]->primary_key);
    assert_int_equal(t->checks.len, 2);
    assert_string_equal(t->checks.items[0]->name, "ck_n");
    assert_string_equal(t->checks.items[0]->sqltext, "n >= 0");
    assert_null(t->checks.items[1]->name);
    assert_string_equal(t->comment, "tbl");
    schema_free(s);
}

static void test_renamed_from(void **state) {
    (void)state;
    schema *s = load("model T { id Integer @primary_key\n title Text @renamed_from(\"name\")\n @@renamed_from(\"old_t\") }\n");
    table *t = s->tables.items[0];
    assert_string_equal(t->renamed_from, "old_t");
    assert_string_equal(t->columns.items[1]->renamed_from, "name");
    assert_null(t->columns.items[0]->renamed_from);
    schema_free(s);
}

static void test_files_in_any_order(void **state) {
    (void)state;
    /* The child names its base and its FK target before they are declared. */
    const char *paths[] = {TEST_DATA "/models/good/b_child.model", TEST_DATA "/models/good/a_base.model"};
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    assert_int_equal(model_load_files(paths, 2, NULL, &s, &dl), 0);
    assert_string_equal(s->tables.items[0]->name, "child");
    assert_string_equal(s->tables.items[1]->name, "parent");
    assert_string_equal(s->tables.items[0]->columns.items[0]->name, "id");
    assert_int_equal(s->tables.items[0]->columns.items[0]->loc.line, 2);
    assert_string_equal(s->tables.items[0]->columns.items[0]->loc.file, TEST_DATA "/models/good/a_base.model");
    schema_free(s);
    diag_list_free(&dl);
}

static void test_long_inheritance_chain(void **state) {
    (void)state;
    /* 2,000 models, each inheriting the previous: no recursion anywhere. */
    strbuf sb = STRBUF_INIT;
    sb_append(&sb, "abstract model M0 { id Integer @primary_key }\n");
    for (int i = 1; i < 2000; i++) sb_printf(&sb, "abstract model M%d : M%d { c%d Integer }\n", i, i - 1, i);
    sb_append(&sb, "model Leaf : M1999 { x Integer }\n");
    schema *s = load(sb_str(&sb));
    sb_free(&sb);
    assert_int_equal(s->tables.len, 1);
    assert_int_equal(s->tables.items[0]->columns.len, 2001);
    schema_free(s);
}

/* Enough files for several of the load's arenas (256 files each), with
** what reaches across them: a base, an enum type and a foreign-key target
** declared in the last file, a concrete model in the first arena that a
** model in the last one derives from. The resolver releases an arena once
** no model left reads it; under the sanitizers and valgrind a tree read
** after its release fails here. */
enum { SPREAD_FILES = 700 };

typedef struct spread_sources {
    char *paths[SPREAD_FILES];
    char *texts[SPREAD_FILES];
} spread_sources;

static char *spread_text(int i, const char *extra) {
    strbuf sb = STRBUF_INIT;
    if (i == 0) sb_append(&sb, "model First : Shared {\n  a Integer\n}\n");
    else if (i == 10) sb_append(&sb, "model Root {\n  id Integer @primary_key\n  r Text?\n}\n");
    else if (i == 690) sb_append(&sb, "model Late : Root {\n  extra Integer\n}\n");
    else if (i == SPREAD_FILES - 1)
        sb_append(&sb, "abstract model Shared {\n  id Integer @primary_key\n}\n"
                       "enum Status { \"on\" \"off\" }\n");
    else
        sb_printf(&sb, "model T%04d : Shared {\n  s Status @default(\"on\")\n"
                       "  f Integer? @foreign_key(\"first.id\")\n%s}\n", i, extra ? extra : "");
    return sb_take(&sb);
}

static int load_spread(spread_sources *src, int bad_file, const char *bad_extra, schema **s, diag_list *dl) {
    for (int i = 0; i < SPREAD_FILES; i++) {
        strbuf sb = STRBUF_INIT;
        sb_printf(&sb, "m%04d.model", i);
        src->paths[i] = sb_take(&sb);
        src->texts[i] = spread_text(i, i == bad_file ? bad_extra : NULL);
    }
    int rc = model_load_sources((const char *const *)src->paths, (const char *const *)src->texts, SPREAD_FILES, NULL,
                                s, dl);
    for (int i = 0; i < SPREAD_FILES; i++) {
        free(src->paths[i]);
        free(src->texts[i]);
    }
    return rc;
}

static void assert_string_match_suffix(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    assert_true(n >= k && !strcmp(s + n - k, suffix) && (n == k || s[n - k - 1] == '/'));
}

static void check_spread(const schema *s) {
    /* declaration order, though built bases first */
    assert_int_equal(s->tables.len, SPREAD_FILES - 1);
    assert_string_equal(s->tables.items[0]->name, "first");
    assert_string_equal(s->tables.items[1]->name, "t0001");
    assert_string_equal(s->tables.items[10]->name, "root");
    assert_string_equal(s->tables.items[690]->name, "late");
    assert_string_equal(s->tables.items[SPREAD_FILES - 2]->name, "t0698");
    const table *late = s->tables.items[690];
    assert_int_equal(late->columns.len, 3);
    assert_string_equal(late->columns.items[1]->name, "r");
    assert_string_equal(late->columns.items[1]->loc.file, "m0010.model");
    const table *t = schema_find_table(s, "t0500");
    assert_int_equal(t->columns.len, 3);
    assert_string_equal(t->columns.items[0]->loc.file, "m0699.model");
    assert_int_equal(t->columns.items[1]->type.kind, TYPE_ENUM);
    assert_string_equal(t->columns.items[1]->type.enumeration->name, "status");
    assert_string_equal(t->foreign_keys.items[0]->ref_table, "first");
}

/* The unknown foreign-key column of file 300: found after its file's arena
** is released, the error still says where it is written. */
static const char BAD_FK[] = "  @@foreign_key(\"fk_t0300_first\", (f), \"first\", (nope))\n";

static void check_bad_fk(const diag_list *dl) {
    assert_int_equal(dl->errors, 1);
    const diag *d = &dl->items.items[0];
    assert_string_match_suffix(d->loc.file, "m0300.model");
    assert_int_equal(d->loc.line, 4);
    assert_int_equal(d->loc.column, 50);
    assert_non_null(strstr(d->message, "unknown column 'first.nope'"));
    assert_non_null(d->source_line);
    assert_non_null(strstr(d->source_line, "(nope)"));
}

/* The spread loads, then with the error of file 300. */
static void load_and_check_spread(void) {
    spread_sources src;
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    int rc = load_spread(&src, -1, NULL, &s, &dl);
    if (rc != 0) diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    check_spread(s);
    schema_free(s);
    diag_list_free(&dl);

    diag_list_init(&dl);
    rc = load_spread(&src, 300, BAD_FK, &s, &dl);
    assert_int_equal(rc, -1);
    assert_null(s);
    check_bad_fk(&dl);
    diag_list_free(&dl);
}

static void test_arenas_released_across_files(void **state) {
    (void)state;
    load_and_check_spread();
}

/* With no trees kept from the first parse, the groups of files 0-255 and
** 256-511 are parsed again when the resolver reaches them (the last group
** declares the enum and is kept): the same schema, the same errors. */
static void test_trees_parsed_again(void **state) {
    (void)state;
    size_t was = model_set_trees_kept(0);
    load_and_check_spread();
    spread_sources src;
    diag_list dl;
    schema *s = NULL;
    int rc;

    /* A duplicate of a model whose tree was dropped: named where it is. */
    diag_list_init(&dl);
    rc = load_spread(&src, 600, "}\nmodel T0001 {\n  id Integer @primary_key\n", &s, &dl);
    assert_int_equal(rc, -1);
    assert_int_equal(dl.errors, 1);
    assert_non_null(strstr(dl.items.items[0].message, "duplicate model 'T0001'"));
    assert_string_equal(dl.items.items[0].loc.file, "m0600.model");
    assert_non_null(strstr(dl.items.items[0].hint, "m0001.model:1:7"));
    diag_list_free(&dl);

    /* Read from files: each group's texts are freed with its trees, and an
    ** error found after that reads its line from the file. */
    char dir[] = "/tmp/retort-spread-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    for (int i = 0; i < SPREAD_FILES; i++) {
        snprintf(path, sizeof path, "%s/m%04d.model", dir, i);
        char *text = spread_text(i, i == 300 ? BAD_FK : NULL);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        free(text);
    }
    diag_list_init(&dl);
    rc = model_load_dir(dir, NULL, &s, &dl);
    assert_int_equal(rc, -1);
    check_bad_fk(&dl);
    diag_list_free(&dl);
    for (int i = 0; i < SPREAD_FILES; i++) {
        snprintf(path, sizeof path, "%s/m%04d.model", dir, i);
        unlink(path);
    }
    rmdir(dir);
    model_set_trees_kept(was);
}

static void test_project_models(void **state) {
    (void)state;
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    int rc = model_load_dir(SOURCE_DIR "/models", NULL, &s, &dl);
    diag_print(&dl, stderr);
    assert_int_equal(rc, 0);
    assert_int_equal(s->tables.len, 4);
    table *d = schema_find_table(s, "datasets");
    assert_non_null(d);
    assert_int_equal(d->columns.len, 14);
    assert_string_equal(d->columns.items[13]->name, "metadata");
    assert_string_equal(d->comment, "Dataset storage table");
    assert_string_equal(d->checks.items[0]->name, "check_row_count_non_negative");
    assert_string_equal(d->checks.items[0]->sqltext, "row_count >= 0");
    assert_int_equal(d->indexes.len, 8);
    table *c = schema_find_table(s, "chart_configs");
    assert_string_equal(c->foreign_keys.items[0]->ondelete, "CASCADE");
    table *it = schema_find_table(s, "import_tasks");
    assert_int_equal(it->columns.len, 23);
    assert_string_equal(it->foreign_keys.items[0]->ondelete, "SET NULL");
    assert_true(table_find_column(it, "dataset_id")->nullable);
    table *u = schema_find_table(s, "user_preferences");
    assert_true(table_find_index(u, "ix_user_preferences_user_id")->unique);
    assert_int_equal(u->uniques.len, 0);
    assert_true(table_find_column(u, "show_tooltips")->server_default.bool_value);
    schema_free(s);
    diag_list_free(&dl);
}

static void test_json_is_sorted_and_stable(void **state) {
    (void)state;
    schema *s = load("model Zed { id Integer @primary_key\n b Text @index\n a Text @unique\n"
                     " @@index(\"ix_a_first\", a)\n @@check(\"ck\", \"1 = 1\") }\n"
                     "model Alpha { id Integer @primary_key\n n Numeric(5, 1)? @default(1.50) @comment(\"n\") }\n");
    json_t *j = schema_to_json(s);
    char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    const char *want =
        "{\"tables\":[{\"name\":\"alpha\",\"comment\":null,\"columns\":["
        "{\"name\":\"id\",\"type\":\"Integer\",\"nullable\":false,\"default\":null,\"comment\":null,\"primary_key\":true,\"autoincrement\":\"auto\"},"
        "{\"name\":\"n\",\"type\":\"Numeric(5, 1)\",\"nullable\":true,\"default\":{\"kind\":\"number\",\"value\":\"1.50\"},\"comment\":\"n\",\"primary_key\":false,\"autoincrement\":\"auto\"}],"
        "\"primary_key\":{\"name\":null,\"columns\":[\"id\"]},\"indexes\":[],\"unique_constraints\":[],\"foreign_keys\":[],\"check_constraints\":[]},"
        "{\"name\":\"zed\",\"comment\":null,\"columns\":["
        "{\"name\":\"id\",\"type\":\"Integer\",\"nullable\":false,\"default\":null,\"comment\":null,\"primary_key\":true,\"autoincrement\":\"auto\"},"
        "{\"name\":\"b\",\"type\":\"Text\",\"nullable\":false,\"default\":null,\"comment\":null,\"primary_key\":false,\"autoincrement\":\"auto\"},"
        "{\"name\":\"a\",\"type\":\"Text\",\"nullable\":false,\"default\":null,\"comment\":null,\"primary_key\":false,\"autoincrement\":\"auto\"}],"
        "\"primary_key\":{\"name\":null,\"columns\":[\"id\"]},"
        "\"indexes\":[{\"name\":\"ix_a_first\",\"columns\":[\"a\"],\"unique\":false,\"where\":null},"
        "{\"name\":\"ix_zed_b\",\"columns\":[\"b\"],\"unique\":false,\"where\":null}],"
        "\"unique_constraints\":[{\"name\":null,\"columns\":[\"a\"]}],\"foreign_keys\":[],"
        "\"check_constraints\":[{\"name\":\"ck\",\"sqltext\":\"1 = 1\"}]}]}";
    assert_string_equal(text, want);
    free(text);
    json_decref(j);
    schema_free(s);
}

static void test_schema_functions(void **state) {
    (void)state;
    schema *s = schema_new();
    table *t = schema_add_table(s, "t");
    assert_non_null(t);
    assert_null(schema_add_table(s, "t"));
    column *c = table_add_column(s, t, "c");
    assert_non_null(c);
    assert_null(table_add_column(s, t, "c"));
    assert_ptr_equal(table_find_column(t, "c"), c);
    assert_ptr_equal(schema_find_table(s, "t"), t);
    assert_int_equal(c->type.length, -1);
    type_kind k;
    assert_true(type_kind_from_name("LargeBinary", &k));
    assert_int_equal(k, TYPE_LARGEBINARY);
    assert_false(type_kind_from_name("Strng", &k));
    assert_string_equal(type_kind_name(TYPE_BIGINT), "BigInteger");
    assert_int_equal(TYPE_NAMES_COUNT, TYPE_ENUM);       /* one name per kind but enums' and OTHER */
    assert_string_equal(type_kind_name(TYPE_ENUM), "Enum");
    assert_true(type_kind_from_name("TSVECTOR", &k));
    assert_int_equal(k, TYPE_TSVECTOR);
    assert_true(type_kind_from_name("CITEXT", &k));
    assert_int_equal(k, TYPE_CITEXT);
    assert_true(col_type_postgresql_only(&(col_type){.kind = TYPE_CITEXT}));
    assert_int_equal(identity_default_start(5), 1);
    assert_int_equal(identity_default_start(-1), -1);
    c->type.kind = TYPE_OTHER;
    c->type.raw = "int4range";
    assert_string_equal(col_type_to_string(s->arena, &c->type), "int4range");
    col_type element = {.kind = TYPE_STRING, .length = 20, .precision = -1, .scale = -1};
    c->type = (col_type){.kind = TYPE_ARRAY, .length = -1, .precision = -1, .scale = -1, .element = &element,
                         .dimensions = 2};
    assert_string_equal(col_type_to_string(s->arena, &c->type), "ARRAY(String(20), dimensions=2)");
    assert_true(col_type_postgresql_only(&c->type));
    c->type = (col_type){.kind = TYPE_JSON, .length = -1, .precision = -1, .scale = -1, .jsonb = true};
    assert_string_equal(col_type_to_string(s->arena, &c->type), "JSONB");
    schema_free(s);
}

/* SQLAlchemy's index=True name, made and recognised in one place. */
static void test_conventional_index_names(void **state) {
    (void)state;
    arena *a = arena_new();
    assert_string_equal(index_conventional_name(a, "my_t", "col"), "ix_my_t_col");
    assert_true(index_name_is_conventional("ix_my_t_col", "my_t", "col"));
    assert_true(index_name_is_conventional("ix_t_a", "t", "a"));
    assert_false(index_name_is_conventional("ix_t_a_b", "t", "a"));
    assert_false(index_name_is_conventional("ix_tt_a", "t", "a"));
    assert_false(index_name_is_conventional("ix_t", "t", "a"));
    assert_false(index_name_is_conventional("ix_ta", "t", "a"));
    assert_false(index_name_is_conventional("uq_t_a", "t", "a"));
    assert_false(index_name_is_conventional("ix", "t", "a"));
    arena_free(a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inheritance_order_and_abstract),
        cmocka_unit_test(test_override_keeps_position), cmocka_unit_test(test_conventional_index_names),
        cmocka_unit_test(test_table_names),
        cmocka_unit_test(test_map_and_clause_field_names),
        cmocka_unit_test(test_types_resolved),
        cmocka_unit_test(test_server_defaults),
        cmocka_unit_test(test_index_and_unique_conventions),
        cmocka_unit_test(test_index_key_options),
        cmocka_unit_test(test_foreign_keys),
        cmocka_unit_test(test_composite_primary_key_and_checks),
        cmocka_unit_test(test_renamed_from),
        cmocka_unit_test(test_files_in_any_order),
        cmocka_unit_test(test_long_inheritance_chain),
        cmocka_unit_test(test_arenas_released_across_files),
        cmocka_unit_test(test_trees_parsed_again),
        cmocka_unit_test(test_project_models),
        cmocka_unit_test(test_json_is_sorted_and_stable),
        cmocka_unit_test(test_schema_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
