/*
** models.y — the grammar of the model language (docs/model-language.md).
**
**   file    := (model | enum)*
**   model   := ["abstract"] "model" NAME [":" NAME ("," NAME)*] "{" member* "}"
**   enum    := "enum" NAME "{" (label attr* | @@NAME ["(" args ")"])* "}"
**   label   := STRING | NAME
**   member  := NAME type attr*            a field (column)
**            | @@NAME ["(" args ")"]       a table clause
**   type    := NAME ["(" args ")"] ["?"]
**   attr    := @NAME ["(" args ")"]
**   args    := arg ("," arg)*   with arg := value | NAME "=" value
**   value   := STRING | NUMBER | NAME | NAME "(" args ")" | "(" value, ... ")"
**
** Pure and reentrant (no globals); the context (arena, diag list, the tree
** being built) is a parameter.  The grammar is generic: attribute and clause
** names and argument shapes are checked by the resolver.  Syntax errors say
** what was expected; `error` productions at member and model level let one
** run report every syntax error of a file.
*/
%define api.pure full
%define api.prefix {mdl_}
%define parse.error custom
%locations

%code requires {
#include "model/ast.h"

/* What the scanner and the parser share for one source file. */
typedef struct model_parse_ctx {
    arena *arena;
    diag_list *dl;
    const char *path;       /* arena copy; every src_loc points to it */
    const char *text;       /* the source */
    ast_file *out;
    ast_model *model;       /* the model being parsed */
    ast_enum *enumeration;  /* the enum being parsed */
    int line, column;       /* scanner position */
    int errors;
    /* Error recovery (see filtered_lex): after a syntax error the rest of
    ** its line is skipped and a RESYNC token precedes the next line. */
    int skip_line;
    bool has_held;
    int held_token;
    const char *held_str;
    int held_line, held_column, held_last_line, held_last_column;
    /* Where the scanner last reported an error: a syntax error at the same
    ** spot is a consequence, not news, and is not reported. */
    int lex_error_line, lex_error_column;
} model_parse_ctx;

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
}

%param {yyscan_t scanner}
%parse-param {model_parse_ctx *ctx}
/* filtered_lex gets the context as a parameter, not from the scanner (a call
** into the scanner per token). */
%lex-param {model_parse_ctx *ctx}

%union {
    const char *str;
    ast_value *value;
    ast_arg *arg;
    ast_arg_vec *args;
    ast_value_vec *values;
    ast_attr *attr;
    ast_field *field;
    ast_model *model;
}

%code {
#include "models.lex.h"

int mdl_raw_lex(MDL_STYPE *yylval_param, MDL_LTYPE *yylloc_param, yyscan_t yyscanner);
static int filtered_lex(MDL_STYPE *lval, MDL_LTYPE *lloc, yyscan_t scanner, model_parse_ctx *ctx);
#undef yylex
#define yylex filtered_lex

#include <string.h>

/* A nonterminal's location is that of its first symbol (of the symbol before
** it when it is empty).  The actions read the locations of tokens and of
** `name`, which is one token, only; bison's default (from the first symbol
** to the last) costs twice the instructions, on every reduction. */
#define YYLLOC_DEFAULT(Current, Rhs, N) ((Current) = YYRHSLOC(Rhs, (N) > 0))

static void mdl_error(MDL_LTYPE *loc, yyscan_t scanner, model_parse_ctx *ctx, const char *msg);

static src_loc loc_of(model_parse_ctx *ctx, MDL_LTYPE l) {
    src_loc s = {ctx->path, l.first_line, l.first_column};
    return s;
}

static int span_of(MDL_LTYPE l) {
    return l.first_line == l.last_line && l.last_column > l.first_column
               ? l.last_column - l.first_column : 1;
}

static ast_value *new_value(model_parse_ctx *ctx, ast_value_kind kind, const char *text, MDL_LTYPE l) {
    ast_value *v = arena_alloc(ctx->arena, sizeof *v);
    v->kind = kind;
    v->text = text;
    v->loc = loc_of(ctx, l);
    v->span = span_of(l);
    return v;
}

static ast_arg *new_arg(model_parse_ctx *ctx, const char *key, MDL_LTYPE kl, ast_value *v) {
    ast_arg *a = arena_alloc(ctx->arena, sizeof *a);
    a->key = key;
    if (key) { a->key_loc = loc_of(ctx, kl); a->key_span = span_of(kl); }
    a->value = v;
    return a;
}

static ast_attr *new_attr(model_parse_ctx *ctx, const char *name, bool clause, MDL_LTYPE l, ast_arg_vec *args) {
    ast_attr *a = arena_alloc(ctx->arena, sizeof *a);
    a->name = name;
    a->is_clause = clause;
    a->loc = loc_of(ctx, l);
    a->span = span_of(l);
    if (args) { a->has_parens = true; a->args = *args; }
    return a;
}

/* A field of the model being parsed, made as soon as its type's name is read
** (`field_head`): what follows attaches to it, and a syntax error later on
** its line leaves it in the tree. */
static ast_field *new_field(model_parse_ctx *ctx, const char *name, MDL_LTYPE nl, const char *type, MDL_LTYPE tl) {
    if (!ctx->model) return NULL;
    ast_field *f = arena_alloc(ctx->arena, sizeof *f);
    f->name = name;
    f->loc = loc_of(ctx, nl);
    f->span = span_of(nl);
    f->type.name = type;
    f->type.loc = loc_of(ctx, tl);
    f->type.span = span_of(tl);
    vec_push(ctx->arena, &ctx->model->fields, f);
    return f;
}

static void set_type_args(ast_field *f, const ast_arg_vec *args) {
    if (!f) return;
    f->type.has_parens = true;
    f->type.args = *args;
}

/* A new argument list holding a.  The list and room for its first
** ARGS_ROOM arguments are one allocation (most lists have one to three);
** vec_push moves the items out when there are more. */
enum { ARGS_ROOM = 4 };
static ast_arg_vec *new_args(model_parse_ctx *ctx, ast_arg *a) {
    ast_arg_vec *v = arena_alloc(ctx->arena, sizeof *v + ARGS_ROOM * sizeof *v->items);
    v->items = (ast_arg **)(v + 1);
    v->cap = ARGS_ROOM;
    v->items[v->len++] = a;
    return v;
}

static void begin_enum(model_parse_ctx *ctx, const char *name, MDL_LTYPE l) {
    ast_enum *e = arena_alloc(ctx->arena, sizeof *e);
    e->name = name;
    e->loc = loc_of(ctx, l);
    e->span = span_of(l);
    vec_push(ctx->arena, &ctx->out->enums, e);
    ctx->enumeration = e;
}

static void add_enum_label(model_parse_ctx *ctx, const char *label, MDL_LTYPE l) {
    if (!ctx->enumeration) return;
    ast_enum_label *lb = arena_alloc(ctx->arena, sizeof *lb);
    lb->label = label;
    lb->loc = loc_of(ctx, l);
    lb->span = span_of(l);
    vec_push(ctx->arena, &ctx->enumeration->labels, lb);
}

static ast_model *begin_model(model_parse_ctx *ctx, const char *name, bool is_abstract, MDL_LTYPE l) {
    ast_model *m = arena_alloc(ctx->arena, sizeof *m);
    m->name = name;
    m->is_abstract = is_abstract;
    m->loc = loc_of(ctx, l);
    m->span = span_of(l);
    vec_push(ctx->arena, &ctx->out->models, m);
    ctx->model = m;
    return m;
}
}

%token <str> KW_MODEL "'model'"
%token <str> KW_ABSTRACT "'abstract'"
%token <str> KW_ENUM "'enum'"
%token <str> IDENT "name"
%token <str> STRING "string"
%token <str> NUMBER "number"
%token <str> ATTR "attribute (@name)"
%token <str> CLAUSE "table clause (@@name)"
%token RESYNC "end of line"

%type <str> name keyword
%type <value> value
%type <args> args paren_args
%type <values> values values_opt
%type <attr> attr clause
%type <field> field_head field
%type <model> model_head

%%

file
    : %empty
    | file model
    | file enum
    ;

enum
    : enum_head '{' enum_members '}'                { ctx->enumeration = NULL; }
    | enum_head '{' enum_members error '}'          { ctx->enumeration = NULL; yyerrok; }
    | enum_head error '}'                           { ctx->enumeration = NULL; yyerrok; }
    ;

enum_head
    : KW_ENUM name                                  { begin_enum(ctx, $2, @2); }
    ;

enum_members
    : %empty
    | enum_members enum_member
    ;

enum_member
    : STRING        { add_enum_label(ctx, $1, @1); } label_attrs
    | name          { add_enum_label(ctx, $1, @1); } label_attrs
    | clause            { if (ctx->enumeration) vec_push(ctx->arena, &ctx->enumeration->clauses, $1); }
    | error RESYNC      { yyerrok; }
    ;

label_attrs
    : %empty
    | label_attrs attr  {
                            if (ctx->enumeration && ctx->enumeration->labels.len) {
                                ast_enum_label *lb = ctx->enumeration->labels.items[ctx->enumeration->labels.len - 1];
                                vec_push(ctx->arena, &lb->attrs, $2);
                            }
                        }
    ;

model
    : model_head bases_opt '{' members '}'          { ctx->model = NULL; }
    | model_head bases_opt '{' members error '}'    { ctx->model = NULL; yyerrok; }
    | model_head error '}'                          { ctx->model = NULL; yyerrok; }
    | error '}'                                     { ctx->model = NULL; ctx->enumeration = NULL; yyerrok; }
    ;

model_head
    : KW_MODEL name                                 { $$ = begin_model(ctx, $2, false, @2); }
    | KW_ABSTRACT KW_MODEL name                     { $$ = begin_model(ctx, $3, true, @3); }
    ;

bases_opt
    : %empty
    | ':' bases
    ;

bases
    : base
    | bases ',' base
    ;

base
    : name  {
                ast_base_ref b = {$1, loc_of(ctx, @1), span_of(@1)};
                if (ctx->model) vec_push(ctx->arena, &ctx->model->bases, b);
            }
    ;

/* A member's alternatives are written into `members` itself, and a field's
** optional parts into `field`: each nonterminal costs the parser a
** reduction per use, and a member (or an absent part) needs none. */
members
    : %empty
    | members field
    | members clause    { if (ctx->model) vec_push(ctx->arena, &ctx->model->clauses, $2); }
    | members error RESYNC  { yyerrok; }
    ;

field
    : field_head
    | field_head paren_args         { $$ = $1; set_type_args($$, $2); }
    | field_head '?'                { $$ = $1; if ($$) $$->type.nullable = true; }
    | field_head paren_args '?'     { $$ = $1; set_type_args($$, $2); if ($$) $$->type.nullable = true; }
    | field attr                    { $$ = $1; if ($$) vec_push(ctx->arena, &$$->attrs, $2); }
    ;

/* name name, with the common case (two IDENTs) written out: each `name`
** is one more reduction, and the field head is where most names are. */
field_head
    : IDENT IDENT                   { $$ = new_field(ctx, $1, @1, $2, @2); }
    | IDENT keyword                 { $$ = new_field(ctx, $1, @1, $2, @2); }
    | keyword name                  { $$ = new_field(ctx, $1, @1, $2, @2); }
    ;

attr
    : ATTR              { $$ = new_attr(ctx, $1, false, @1, NULL); }
    | ATTR paren_args   { $$ = new_attr(ctx, $1, false, @1, $2); }
    ;

clause
    : CLAUSE            { $$ = new_attr(ctx, $1, true, @1, NULL); }
    | CLAUSE paren_args { $$ = new_attr(ctx, $1, true, @1, $2); }
    ;

paren_args
    : '(' ')'           { $$ = arena_alloc(ctx->arena, sizeof *$$); }
    | '(' args ')'      { $$ = $2; }
    | '(' args ',' ')'  { $$ = $2; }
    ;

/* arg := value | name "=" value, spelt out where an argument starts a list
** and where it follows a ',': an `arg` nonterminal would cost a reduction
** per argument. */
args
    : value                     { $$ = new_args(ctx, new_arg(ctx, NULL, @1, $1)); }
    | name '=' value            { $$ = new_args(ctx, new_arg(ctx, $1, @1, $3)); }
    | args ',' value            { $$ = $1; vec_push(ctx->arena, $$, new_arg(ctx, NULL, @3, $3)); }
    | args ',' name '=' value   { $$ = $1; vec_push(ctx->arena, $$, new_arg(ctx, $3, @3, $5)); }
    ;

value
    : STRING            { $$ = new_value(ctx, AST_STRING, $1, @1); }
    | NUMBER            { $$ = new_value(ctx, AST_NUMBER, $1, @1); }
    | name              {
                            if (!strcmp($1, "true") || !strcmp($1, "false")) {
                                $$ = new_value(ctx, AST_BOOL, $1, @1);
                                $$->boolean = $1[0] == 't';
                            } else {
                                $$ = new_value(ctx, AST_IDENT, $1, @1);
                            }
                        }
    | name paren_args   { $$ = new_value(ctx, AST_CALL, $1, @1); $$->args = *$2; }
    | '(' values_opt ')'{ $$ = new_value(ctx, AST_TUPLE, NULL, @1); $$->items = *$2; }
    ;

values_opt
    : %empty            { $$ = arena_alloc(ctx->arena, sizeof *$$); }
    | values            { $$ = $1; }
    | values ','        { $$ = $1; }
    ;

values
    : value             { $$ = arena_alloc(ctx->arena, sizeof *$$); vec_push(ctx->arena, $$, $1); }
    | values ',' value  { $$ = $1; vec_push(ctx->arena, $$, $3); }
    ;

name
    : IDENT
    | keyword
    ;

/* The scanner gives a keyword its text as its value. */
keyword
    : KW_MODEL
    | KW_ABSTRACT
    | KW_ENUM
    ;

%%

/* The scanner's tokens, with error recovery by lines: after a syntax error
** on line L (ctx->skip_line), drop the rest of L, then hand the parser a
** RESYNC token before the next line's first token, which the rule
** `member: error RESYNC` waits for.  A '}' is never hidden: it closes the
** model (`model: ... members error '}'`). */
static int filtered_lex(MDL_STYPE *lval, MDL_LTYPE *lloc, yyscan_t scanner, model_parse_ctx *ctx) {
    if (ctx->has_held) {
        ctx->has_held = false;
        lval->str = ctx->held_str;
        lloc->first_line = ctx->held_line;
        lloc->first_column = ctx->held_column;
        lloc->last_line = ctx->held_last_line;
        lloc->last_column = ctx->held_last_column;
        return ctx->held_token;
    }
    for (;;) {
        int tok = mdl_raw_lex(lval, lloc, scanner);
        /* An unterminated string swallows the rest of its line (and so any
        ** ')' there); the syntax error that follows on the next line is
        ** its consequence.  Past that line, errors are news again. */
        if (ctx->lex_error_line && lloc->first_line > ctx->lex_error_line + 1) ctx->lex_error_line = 0;
        if (!ctx->skip_line) return tok;
        if (tok != 0 && tok != '}' && lloc->first_line == ctx->skip_line) continue;
        ctx->skip_line = 0;
        if (tok == 0 || tok == '}') return tok;
        ctx->has_held = true;
        ctx->held_token = tok;
        ctx->held_str = lval->str;
        ctx->held_line = lloc->first_line;
        ctx->held_column = lloc->first_column;
        ctx->held_last_line = lloc->last_line;
        ctx->held_last_column = lloc->last_column;
        return RESYNC;
    }
}

/* Bison's own messages (only "memory exhausted" with parse.error custom). */
static void mdl_error(MDL_LTYPE *loc, yyscan_t scanner, model_parse_ctx *ctx, const char *msg) {
    (void)scanner;
    model_error(ctx->dl, ctx->text, loc_of(ctx, *loc), span_of(*loc), "%s", msg);
    ctx->errors++;
}

/* A token kind as a person reads it: "'{'", "name", "end of file". */
static const char *symbol_text(yysymbol_kind_t k) {
    if (k == YYSYMBOL_YYEOF) return "end of file";
    const char *n = yysymbol_name(k);
    return n;
}

/* The text of the offending token (from the source), for the message. */
static const char *token_text(model_parse_ctx *ctx, MDL_LTYPE l) {
    if (!ctx->text || l.first_line != l.last_line || l.last_column <= l.first_column) return NULL;
    const char *p = ctx->text;
    for (int line = 1; line < l.first_line && *p; p++)
        if (*p == '\n') line++;
    size_t len = strlen(p);
    size_t start = (size_t)(l.first_column - 1), n = (size_t)(l.last_column - l.first_column);
    if (start + n > len || n > 40) return NULL;
    return arena_strndup(ctx->arena, p + start, n);
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, yyscan_t scanner, model_parse_ctx *ctx) {
    (void)scanner;
    yysymbol_kind_t expected[8];
    int n = yypcontext_expected_tokens(yyctx, expected, 8);
    yysymbol_kind_t got = yypcontext_token(yyctx);
    const MDL_LTYPE *l = yypcontext_location(yyctx);
    if (got != YYSYMBOL_YYEOF && got != YYSYMBOL_YYerror && l->first_line > 0 && strcmp(yysymbol_name(got), "'}'"))
        ctx->skip_line = l->first_line;
    if (ctx->lex_error_line && (l->first_line == ctx->lex_error_line + 1 ||
                                (l->first_line == ctx->lex_error_line && l->first_column >= ctx->lex_error_column))) {
        ctx->lex_error_line = 0;
        return 0;
    }
    strbuf sb = STRBUF_INIT;
    const char *text = got == YYSYMBOL_YYEOF ? NULL : token_text(ctx, *l);
    if (got == YYSYMBOL_STRING && text) sb_printf(&sb, "unexpected string %s", text);
    else if (text && (got == YYSYMBOL_IDENT || got == YYSYMBOL_NUMBER || got == YYSYMBOL_ATTR ||
                      got == YYSYMBOL_CLAUSE))
        sb_printf(&sb, "unexpected %s '%s'", symbol_text(got), text);
    else sb_printf(&sb, "unexpected %s", symbol_text(got));
    /* A name may be 'model' or 'abstract' too: say "name" once. */
    bool name_expected = false;
    for (int i = 0; i < n; i++) name_expected |= expected[i] == YYSYMBOL_IDENT;
    int shown = 0;
    for (int i = 0; i < n; i++) {
        if (name_expected && (expected[i] == YYSYMBOL_KW_MODEL || expected[i] == YYSYMBOL_KW_ABSTRACT ||
                              expected[i] == YYSYMBOL_KW_ENUM))
            continue;
        if (expected[i] == YYSYMBOL_RESYNC || (expected[i] == YYSYMBOL_YYEOF && n > 1)) continue;
        expected[shown++] = expected[i];
    }
    if (shown > 0) {
        sb_append(&sb, ", expected ");
        for (int i = 0; i < shown; i++) {
            if (i) sb_append(&sb, i == shown - 1 ? " or " : ", ");
            sb_append(&sb, symbol_text(expected[i]));
        }
    }
    diag *d = model_error(ctx->dl, ctx->text, loc_of(ctx, *l), span_of(*l), "syntax error: %s", sb_str(&sb));
    sb_free(&sb);
    if (got == YYSYMBOL_YYEOF)
        diag_set_hint(ctx->dl, d, "a '{' is missing its '}' (or a '(' its ')')");
    else if (ctx->model)
        diag_set_hint(ctx->dl, d, "a field is `name Type @attribute(...)`; a table clause is `@@name(...)`");
    else if (ctx->enumeration)
        diag_set_hint(ctx->dl, d, "an enum lists its labels as strings: `enum Status { \"pending\" \"done\" }`");
    else
        diag_set_hint(ctx->dl, d, "a model is `model Name { ... }` or `abstract model Name { ... }`; an enum is "
                                  "`enum Name { \"label\" ... }`");
    ctx->errors++;
    return 0;
}

diag *model_error(diag_list *dl, const char *text, src_loc loc, int span, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = arena_vprintf(dl->arena, fmt, ap);
    va_end(ap);
    diag *d = diag_add(dl, DIAG_ERROR, loc, "%s", msg);
    d->span = span > 0 ? span : 1;
    if (text && loc.line > 0) d->source_line = text_line(dl->arena, text, loc.line);
    return d;
}

int model_parse(arena *a, const char *path, const char *text, ast_file *out, diag_list *dl) {
    model_parse_ctx ctx = {0};
    ctx.arena = a;
    ctx.dl = dl;
    ctx.path = path;            /* the caller's, as text is: both outlive the tree (ast.h) */
    ctx.text = text;
    ctx.out = out;
    ctx.line = 1;
    ctx.column = 1;
    memset(out, 0, sizeof *out);
    out->path = ctx.path;
    out->text = ctx.text;

    yyscan_t scanner;
    if (mdl_lex_init_extra(&ctx, &scanner) != 0) util_oom();
    YY_BUFFER_STATE buf = mdl__scan_string(ctx.text, scanner);
    int rc = mdl_parse(scanner, &ctx);
    mdl__delete_buffer(buf, scanner);
    mdl_lex_destroy(scanner);
    if (rc != 0 && ctx.errors == 0) {
        model_error(dl, ctx.text, (src_loc){ctx.path, 0, 0}, 1, "could not parse the file");
        ctx.errors++;
    }
    return ctx.errors;
}
