/*
** migration.y — the grammar of migration files: the subset of Python that
** Alembic migrations are written in (docs/migration-subset.md).
**
**   file      := stmt*
**   stmt      := simple (';' simple)* [';'] NEWLINE
**              | "def" NAME "(" ")" ["->" expr] ":" suite
**              | "with" expr ["as" NAME] ":" suite
**              | UNSUPPORTED NEWLINE        (a whole compound statement the
**                                           token filter skipped: for, if...)
**   simple    := expr | tuple | NAME "=" value | NAME ":" expr "=" value
**              | "pass" | "import" ... | "from" ... "import" ...
**   suite     := simple-line | NEWLINE INDENT stmt+ DEDENT
**
** Expressions: names with dotted attributes, calls (positional, keyword and
** *args arguments, trailing commas), strings (adjacent literals
** concatenate), numbers (unary minus folds into the literal), None / True /
** False, tuples, lists, dicts, conditional expressions (`a if c else b`,
** evaluated where used when c is a literal or a name of one).  The grammar also accepts what Python has
** beyond that — operators, subscripts, lambdas, comprehensions, f-strings,
** augmented assignment... — only to say exactly where it is: such a
** construct marks its statement unsupported (mark_unsupported) at the
** construct's own line:column, and parsing goes on.
**
** The tokens come from mig_filtered_lex (src/migration/migration.c), which
** turns the scanner's (grammar/migration.l) stream into Python's logical
** lines: NEWLINE, INDENT and DEDENT, with whole unsupported compound
** statements already replaced by one UNSUPPORTED token.
**
** Pure and reentrant; the context is a parameter.  Syntax errors are
** diagnostics with a caret and a hint; `stmt: error NEWLINE` resumes at the
** next logical line so one run reports several.
*/
%define api.pure full
%define api.prefix {mig_}
%define parse.error custom
%locations

%code requires {
#include "migration/migration.h"

/* A statement as the grammar builds it; src/migration/migration.c turns the
** module's statements into a migration_file. */
typedef enum mig_stmt_kind {
    MS_EXPR, MS_ASSIGN, MS_WITH, MS_PASS, MS_UNSUPPORTED,
    MS_DEF,             /* name; body */
    MS_IMPORT           /* module (NULL for `import x`); names/aliases */
} mig_stmt_kind;

typedef struct mig_stmt mig_stmt;
typedef VEC(mig_stmt *) mig_stmt_vec;
struct mig_stmt {
    mig_stmt_kind kind;
    src_loc loc;
    py_value *value;            /* EXPR, ASSIGN, WITH */
    const char *target;         /* ASSIGN, WITH (NULL: no `as`) */
    bool annotated;             /* ASSIGN: `name: type = value` */
    mig_stmt_vec body;          /* WITH, DEF */
    const char *what;           /* UNSUPPORTED */
    const char *name;           /* DEF */
    const char *module;         /* IMPORT: `from module import ...` */
    str_vec names, aliases;     /* IMPORT: imported names, `as` names (or NULL) */
    VEC(src_loc) name_locs;     /* IMPORT */
};

/* A string literal as scanned: the decoded text, and why it cannot be
** used when it cannot (an f-string, a bytes literal, a \N{} escape). */
typedef struct mig_strlit {
    const char *text;
    const char *unsupported;
    src_loc unsupported_loc;
} mig_strlit;

typedef VEC(py_arg) mig_arg_vec;
typedef VEC(py_value *) mig_value_vec;

/* What the scanner, the token filter and the parser share for one file. */
typedef struct mig_parse_ctx {
    arena *arena;
    diag_list *dl;
    const char *path;           /* arena copy; every src_loc points to it */
    const char *text;           /* the source */
    const char **line_starts;   /* line_starts[n]: start of line n (1-based) */
    int line_count;
    /* scanner */
    int line, column;
    VEC(src_loc) brackets;      /* open brackets, innermost last */
    bool newline_pending;       /* a newline outside brackets since the last token */
    /* parser */
    mig_stmt_vec top;           /* the module's statements */
    const char *unsup_what;     /* first unsupported construct of the */
    src_loc unsup_loc;          /* statement being parsed */
    int errors;
    bool eof_reported;          /* an unclosed bracket was reported at EOF */
    struct mig_filter *filter;  /* migration.c's token filter state */
} mig_parse_ctx;

#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif

/* Shared by the scanner, the parser and migration.c. */
diag *mig_diag(mig_parse_ctx *ctx, src_loc loc, int span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int mig_parse_text(mig_parse_ctx *ctx);
}

%param {yyscan_t scanner}
%parse-param {mig_parse_ctx *ctx}

%union {
    const char *str;
    mig_strlit *strlit;
    py_value *value;
    mig_arg_vec *args;
    mig_value_vec *values;
    mig_stmt *stmt;
    mig_stmt_vec *stmts;
}

%code provides {
int mig_filtered_lex(MIG_STYPE *lval, MIG_LTYPE *lloc, yyscan_t scanner);
int mig_raw_lex(MIG_STYPE *lval, MIG_LTYPE *lloc, yyscan_t scanner);
}

%code {
#include "migration.lex.h"

#undef yylex
#define yylex mig_filtered_lex

#include <string.h>

static void mig_error(MIG_LTYPE *loc, yyscan_t scanner, mig_parse_ctx *ctx, const char *msg);

static src_loc loc_of(mig_parse_ctx *ctx, MIG_LTYPE l) {
    src_loc s = {ctx->path, l.first_line, l.first_column};
    return s;
}

static py_value *new_value(mig_parse_ctx *ctx, py_kind kind, const char *text, MIG_LTYPE l) {
    py_value *v = arena_alloc(ctx->arena, sizeof *v);
    v->kind = kind;
    v->text = text;
    v->loc = loc_of(ctx, l);
    return v;
}

static bool loc_before(src_loc a, src_loc b) {
    return a.line < b.line || (a.line == b.line && a.column < b.column);
}

/* Note an unsupported construct in the statement being parsed; the
** earliest one names the statement. */
static void mark_unsupported(mig_parse_ctx *ctx, const char *what, src_loc at) {
    if (!ctx->unsup_what || loc_before(at, ctx->unsup_loc)) {
        ctx->unsup_what = what;
        ctx->unsup_loc = at;
    }
}

/* A placeholder for an unsupported expression (its statement is
** unsupported anyway). */
static py_value *unsupported_value(mig_parse_ctx *ctx, const char *what, src_loc at) {
    mark_unsupported(ctx, what, at);
    py_value *v = arena_alloc(ctx->arena, sizeof *v);
    v->kind = PY_NONE;
    v->loc = at;
    return v;
}

static mig_stmt *new_stmt(mig_parse_ctx *ctx, mig_stmt_kind kind, src_loc at) {
    mig_stmt *s = arena_alloc(ctx->arena, sizeof *s);
    s->kind = kind;
    s->loc = at;
    return s;
}

/* Finish a simple statement: when it holds an unsupported construct it
** becomes an UNSUPPORTED statement at that construct. */
static mig_stmt *finish_stmt(mig_parse_ctx *ctx, mig_stmt *s) {
    if (!ctx->unsup_what) return s;
    mig_stmt *u = new_stmt(ctx, MS_UNSUPPORTED, ctx->unsup_loc);
    u->what = ctx->unsup_what;
    ctx->unsup_what = NULL;
    return u;
}

static mig_stmt_vec *stmts_one(mig_parse_ctx *ctx, mig_stmt *s) {
    mig_stmt_vec *v = arena_alloc(ctx->arena, sizeof *v);
    if (s) vec_push(ctx->arena, v, s);
    return v;
}

static mig_stmt_vec *stmts_append(mig_parse_ctx *ctx, mig_stmt_vec *v, mig_stmt_vec *more) {
    for (size_t i = 0; more && i < more->len; i++) vec_push(ctx->arena, v, more->items[i]);
    return v;
}

static py_value *call_value(mig_parse_ctx *ctx, py_value *callee, mig_arg_vec *args) {
    py_value *v = arena_alloc(ctx->arena, sizeof *v);
    v->kind = PY_CALL;
    v->loc = callee->loc;
    v->callee = callee;
    if (args) {
        v->args.items = args->items;
        v->args.len = args->len;
        v->args.cap = args->cap;
    }
    return v;
}

static py_value *seq_value(mig_parse_ctx *ctx, py_kind kind, mig_value_vec *items, MIG_LTYPE l) {
    py_value *v = new_value(ctx, kind, NULL, l);
    if (items) {
        v->items.items = items->items;
        v->items.len = items->len;
        v->items.cap = items->cap;
    }
    return v;
}

static mig_value_vec *values_one(mig_parse_ctx *ctx, py_value *x) {
    mig_value_vec *v = arena_alloc(ctx->arena, sizeof *v);
    vec_push(ctx->arena, v, x);
    return v;
}

static mig_arg_vec *args_one(mig_parse_ctx *ctx, py_arg a) {
    mig_arg_vec *v = arena_alloc(ctx->arena, sizeof *v);
    vec_push(ctx->arena, v, a);
    return v;
}

static py_arg make_arg(mig_parse_ctx *ctx, const char *keyword, py_value *value, MIG_LTYPE l) {
    py_arg a = {keyword, value, loc_of(ctx, l)};
    return a;
}

static py_value *string_value(mig_parse_ctx *ctx, mig_strlit *s, MIG_LTYPE l) {
    if (s->unsupported) return unsupported_value(ctx, s->unsupported, s->unsupported_loc);
    return new_value(ctx, PY_STRING, s->text, l);
}

static void import_name(mig_parse_ctx *ctx, mig_stmt *s, const char *name, const char *alias, MIG_LTYPE l) {
    vec_push(ctx->arena, &s->names, name);
    vec_push(ctx->arena, &s->aliases, alias);
    vec_push(ctx->arena, &s->name_locs, loc_of(ctx, l));
}
}

%token <str> NAME "name"
%token <strlit> STRING "string"
%token <str> NUMBER "number"
%token NEWLINE "end of line"
%token INDENT "indent"
%token DEDENT "dedent"
%token <stmt> UNSUPPORTED "unsupported statement"
%token KW_DEF "'def'" KW_WITH "'with'" KW_AS "'as'" KW_PASS "'pass'"
%token KW_IMPORT "'import'" KW_FROM "'from'"
%token KW_NONE "'None'" KW_TRUE "'True'" KW_FALSE "'False'"
%token KW_LAMBDA "'lambda'" KW_FOR "'for'" KW_IN "'in'" KW_IF "'if'" KW_ELSE "'else'"
%token KW_NOT "'not'" KW_AND "'and'" KW_OR "'or'" KW_IS "'is'"
%token <str> KW_OTHER "keyword"
%token ARROW "'->'" POW "'**'" FLOORDIV "'//'" LSHIFT "'<<'" RSHIFT "'>>'"
%token CMP "comparison operator"
%token AUGASSIGN "augmented assignment"
%token WALRUS "':='"
%token ELLIPSIS "'...'"

%precedence LAMBDA_BODY
%right KW_IF
%left KW_OR
%left KW_AND
%right KW_NOT
%left KW_IN KW_IS CMP '<' '>'
%left '|'
%left '^'
%left '&'
%left LSHIFT RSHIFT
%left '+' '-'
%left '*' '/' FLOORDIV '%' '@'
%precedence UNARY
%right POW

%type <value> expr primary atom strings_value tuple_or_expr dict_display
%type <strlit> strings
%type <args> arglist arglist_opt
%type <values> exprs
%type <stmt> simple_stmt def_head with_head import_stmt import_names dotted_import_list
%type <stmts> stmt stmts simple_stmts suite block
%type <str> dotted_name cond_test

%%

file
    : %empty
    | file stmt                 { stmts_append(ctx, &ctx->top, $2); }
    | file NEWLINE
    ;

stmts
    : stmt                      { $$ = $1; }
    | stmts stmt                { $$ = stmts_append(ctx, $1, $2); }
    ;

stmt
    : simple_stmts NEWLINE      { $$ = $1; }
    | simple_stmts ';' NEWLINE  { $$ = $1; }
    | def_head suite            { $1->body = *$2; $$ = stmts_one(ctx, $1); }
    | with_head suite           {
                                    if ($1->kind == MS_WITH) $1->body = *$2;
                                    $$ = stmts_one(ctx, $1);
                                }
    | UNSUPPORTED NEWLINE       { $$ = stmts_one(ctx, $1); }
    | error NEWLINE             { yyerrok; ctx->unsup_what = NULL; $$ = stmts_one(ctx, NULL); }
    ;

simple_stmts
    : simple_stmt               { $$ = stmts_one(ctx, finish_stmt(ctx, $1)); }
    | simple_stmts ';' simple_stmt
                                { vec_push(ctx->arena, $1, finish_stmt(ctx, $3)); $$ = $1; }
    ;

suite
    : simple_stmts NEWLINE      { $$ = $1; }
    | NEWLINE block             { $$ = $2; }
    ;

block
    : INDENT stmts DEDENT       { $$ = $2; }
    ;

def_head
    : KW_DEF NAME '(' ')' ':'               {
                                                $$ = new_stmt(ctx, MS_DEF, loc_of(ctx, @1));
                                                $$->name = $2;
                                            }
    | KW_DEF NAME '(' ')' ARROW expr ':'    {
                                                $$ = new_stmt(ctx, MS_DEF, loc_of(ctx, @1));
                                                $$->name = $2;
                                                ctx->unsup_what = NULL; /* any return annotation */
                                            }
    ;

with_head
    : KW_WITH expr KW_AS NAME ':'   {
                                        $$ = new_stmt(ctx, MS_WITH, loc_of(ctx, @1));
                                        $$->value = $2;
                                        $$->target = $4;
                                        $$ = finish_stmt(ctx, $$);
                                    }
    | KW_WITH expr ':'              {
                                        $$ = new_stmt(ctx, MS_WITH, loc_of(ctx, @1));
                                        $$->value = $2;
                                        $$ = finish_stmt(ctx, $$);
                                    }
    | KW_WITH expr KW_AS NAME ',' arglist ':'
                                    {
                                        mark_unsupported(ctx, "a with statement of several items", loc_of(ctx, @1));
                                        $$ = finish_stmt(ctx, new_stmt(ctx, MS_WITH, loc_of(ctx, @1)));
                                    }
    ;

simple_stmt
    : tuple_or_expr             { $$ = new_stmt(ctx, MS_EXPR, $1->loc); $$->value = $1; }
    | NAME '=' tuple_or_expr    {
                                    $$ = new_stmt(ctx, MS_ASSIGN, loc_of(ctx, @1));
                                    $$->target = $1;
                                    $$->value = $3;
                                }
    | NAME ':' annotation '=' tuple_or_expr
                                {
                                    $$ = new_stmt(ctx, MS_ASSIGN, loc_of(ctx, @1));
                                    $$->target = $1;
                                    $$->annotated = true;
                                    $$->value = $5;
                                }
    | NAME ':' annotation       {
                                    mark_unsupported(ctx, "an annotation without a value", loc_of(ctx, @1));
                                    $$ = new_stmt(ctx, MS_PASS, loc_of(ctx, @1));
                                }
    | NAME '=' NAME '=' tuple_or_expr
                                {
                                    mark_unsupported(ctx, "a chained assignment", loc_of(ctx, @1));
                                    $$ = new_stmt(ctx, MS_PASS, loc_of(ctx, @1));
                                }
    | primary '.' NAME '=' tuple_or_expr
                                {
                                    mark_unsupported(ctx, "an assignment to an attribute", $1->loc);
                                    $$ = new_stmt(ctx, MS_PASS, $1->loc);
                                }
    | primary '[' subscript ']' '=' tuple_or_expr
                                {
                                    mark_unsupported(ctx, "an assignment to a subscript", $1->loc);
                                    $$ = new_stmt(ctx, MS_PASS, $1->loc);
                                }
    | exprs ',' expr '=' tuple_or_expr
                                {
                                    mark_unsupported(ctx, "an assignment to several names", $1->items[0]->loc);
                                    $$ = new_stmt(ctx, MS_PASS, $1->items[0]->loc);
                                }
    | expr AUGASSIGN tuple_or_expr
                                {
                                    mark_unsupported(ctx, "an augmented assignment", $1->loc);
                                    $$ = new_stmt(ctx, MS_PASS, $1->loc);
                                }
    | KW_PASS                   { $$ = new_stmt(ctx, MS_PASS, loc_of(ctx, @1)); }
    | import_stmt               { $$ = $1; }
    ;

/* A header annotation (`revision: str = ...`, `Union[str, None]`) is
** read and dropped: subscripts are fine there. */
annotation
    : expr                      { ctx->unsup_what = NULL; }
    ;

import_stmt
    : KW_IMPORT dotted_import_list  { $$ = $2; }
    | KW_FROM dotted_name KW_IMPORT import_names            { $$ = $4; $$->module = $2; $$->loc = loc_of(ctx, @1); }
    | KW_FROM dotted_name KW_IMPORT '(' import_names ')'    { $$ = $5; $$->module = $2; $$->loc = loc_of(ctx, @1); }
    | KW_FROM dotted_name KW_IMPORT '(' import_names ',' ')'{ $$ = $5; $$->module = $2; $$->loc = loc_of(ctx, @1); }
    | KW_FROM dotted_name KW_IMPORT '*'                     {
                                                                mark_unsupported(ctx, "a star import", loc_of(ctx, @1));
                                                                $$ = new_stmt(ctx, MS_PASS, loc_of(ctx, @1));
                                                            }
    | KW_FROM '.' dotted_name KW_IMPORT import_names        {
                                                                mark_unsupported(ctx, "a relative import", loc_of(ctx, @1));
                                                                $$ = $5;
                                                            }
    ;

dotted_import_list
    : dotted_name               {
                                    $$ = new_stmt(ctx, MS_IMPORT, loc_of(ctx, @1));
                                    import_name(ctx, $$, $1, NULL, @1);
                                }
    | dotted_name KW_AS NAME    {
                                    $$ = new_stmt(ctx, MS_IMPORT, loc_of(ctx, @1));
                                    import_name(ctx, $$, $1, $3, @1);
                                }
    | dotted_import_list ',' dotted_name            { $$ = $1; import_name(ctx, $$, $3, NULL, @3); }
    | dotted_import_list ',' dotted_name KW_AS NAME { $$ = $1; import_name(ctx, $$, $3, $5, @3); }
    ;

import_names
    : NAME                      {
                                    $$ = new_stmt(ctx, MS_IMPORT, loc_of(ctx, @1));
                                    import_name(ctx, $$, $1, NULL, @1);
                                }
    | NAME KW_AS NAME           {
                                    $$ = new_stmt(ctx, MS_IMPORT, loc_of(ctx, @1));
                                    import_name(ctx, $$, $1, $3, @1);
                                }
    | import_names ',' NAME                 { $$ = $1; import_name(ctx, $$, $3, NULL, @3); }
    | import_names ',' NAME KW_AS NAME      { $$ = $1; import_name(ctx, $$, $3, $5, @3); }
    ;

dotted_name
    : NAME                      { $$ = $1; }
    | dotted_name '.' NAME      { $$ = arena_printf(ctx->arena, "%s.%s", $1, $3); }
    ;

/* An expression, or a tuple without parentheses (`a, b`). */
tuple_or_expr
    : expr                      { $$ = $1; }
    | exprs ','                 { $$ = seq_value(ctx, PY_TUPLE, $1, @1); }
    | exprs ',' expr            { vec_push(ctx->arena, $1, $3); $$ = seq_value(ctx, PY_TUPLE, $1, @1); }
    ;

exprs
    : expr                      { $$ = values_one(ctx, $1); }
    | exprs ',' expr            { vec_push(ctx->arena, $1, $3); $$ = $1; }
    ;

expr
    : primary                   { $$ = $1; }
    | '-' expr %prec UNARY      {
                                    if ($2->kind == PY_NUMBER && $2->text[0] != '-' && $2->text[0] != '+') {
                                        $$ = $2;
                                        $$->text = arena_printf(ctx->arena, "-%s", $2->text);
                                        $$->loc = loc_of(ctx, @1);
                                    } else {
                                        $$ = unsupported_value(ctx, "an operator expression", loc_of(ctx, @1));
                                    }
                                }
    | '+' expr %prec UNARY      {
                                    if ($2->kind == PY_NUMBER) { $$ = $2; $$->loc = loc_of(ctx, @1); }
                                    else $$ = unsupported_value(ctx, "an operator expression", loc_of(ctx, @1));
                                }
    | '~' expr %prec UNARY      { $$ = unsupported_value(ctx, "an operator expression", loc_of(ctx, @1)); }
    | KW_NOT expr               { $$ = unsupported_value(ctx, "an operator expression", loc_of(ctx, @1)); }
    | expr '+' expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr '-' expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr '*' expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr '/' expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr FLOORDIV expr        { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr '%' expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr '@' expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr POW expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr LSHIFT expr          { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr RSHIFT expr          { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr '&' expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr '|' expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr '^' expr             { $$ = unsupported_value(ctx, "an operator expression", $1->loc); }
    | expr '<' expr             { $$ = unsupported_value(ctx, "a comparison", $1->loc); }
    | expr '>' expr             { $$ = unsupported_value(ctx, "a comparison", $1->loc); }
    | expr CMP expr             { $$ = unsupported_value(ctx, "a comparison", $1->loc); }
    | expr KW_IN expr           { $$ = unsupported_value(ctx, "a comparison", $1->loc); }
    | expr KW_NOT KW_IN expr %prec KW_IN
                                { $$ = unsupported_value(ctx, "a comparison", $1->loc); }
    | expr KW_IS expr           { $$ = unsupported_value(ctx, "a comparison", $1->loc); }
    | expr KW_AND expr          { $$ = unsupported_value(ctx, "a boolean expression", $1->loc); }
    | expr KW_OR expr           { $$ = unsupported_value(ctx, "a boolean expression", $1->loc); }
    | expr KW_IF expr cond_test KW_ELSE expr %prec KW_IF
                                {
                                    $$ = new_value(ctx, PY_CONDITIONAL, NULL, @1);
                                    $$->loc = $1->loc;
                                    py_value *test = $3;
                                    if ($4) {
                                        test = new_value(ctx, PY_OPAQUE, $4, @3);
                                        test->loc = $3->loc;
                                    }
                                    vec_push(ctx->arena, &$$->items, $1);
                                    vec_push(ctx->arena, &$$->items, test);
                                    vec_push(ctx->arena, &$$->items, $6);
                                }
    | KW_LAMBDA lambda_params ':' expr %prec LAMBDA_BODY
                                { $$ = unsupported_value(ctx, "a lambda", loc_of(ctx, @1)); }
    | KW_LAMBDA ':' expr %prec LAMBDA_BODY
                                { $$ = unsupported_value(ctx, "a lambda", loc_of(ctx, @1)); }
    ;

/* After the condition of `a if condition else b`: what in the condition
** the subset does not evaluate (a comparison, an operator...) does not
** make the statement unsupported — a condition is evaluated only when it
** is a literal or a name of one, else the conditional is refused where it
** is used, as one thing (migration_ops.c).  Marks are kept earliest
** first, so a mark inside the condition means none came before it. */
cond_test
    : %empty                    {
                                    $$ = NULL;
                                    src_loc from = loc_of(ctx, @0);
                                    if (ctx->unsup_what && !loc_before(ctx->unsup_loc, from)) {
                                        $$ = ctx->unsup_what;
                                        ctx->unsup_what = NULL;
                                    }
                                }
    ;

lambda_params
    : lambda_param
    | lambda_params ',' lambda_param
    ;

lambda_param
    : NAME
    | NAME '=' expr
    | '*' NAME
    | POW NAME
    ;

primary
    : atom                      { $$ = $1; }
    | primary '.' NAME          {
                                    if ($1->kind == PY_NAME) {
                                        $$ = $1;
                                        $$->text = arena_printf(ctx->arena, "%s.%s", $1->text, $3);
                                    } else if ($1->kind == PY_CALL && $1->callee->kind == PY_NAME &&
                                               !$1->args.len && !strcmp($1->callee->text, "op.get_context")) {
                                        /* op.get_context().autocommit_block: one dotted name, so
                                        ** that `with op.get_context().autocommit_block():` is a call
                                        ** of it (the only attribute of a call retort reads) */
                                        $$ = $1->callee;
                                        $$->text = arena_printf(ctx->arena, "op.get_context().%s", $3);
                                    } else {
                                        $$ = unsupported_value(ctx, "an attribute of a call or a literal", $1->loc);
                                    }
                                }
    | primary '(' arglist_opt ')'
                                { $$ = call_value(ctx, $1, $3); }
    | primary '(' expr comp_clauses ')'
                                { $$ = unsupported_value(ctx, "a comprehension", loc_of(ctx, @3)); }
    | primary '[' subscript ']' { $$ = unsupported_value(ctx, "a subscript", $1->loc); }
    ;

subscript
    : subscript_item
    | subscript ','
    | subscript ',' subscript_item
    ;

subscript_item
    : expr
    | expr ':' expr
    | expr ':'
    | ':' expr
    | ':'
    ;

atom
    : NAME                      { $$ = new_value(ctx, PY_NAME, $1, @1); }
    | KW_NONE                   { $$ = new_value(ctx, PY_NONE, NULL, @1); }
    | KW_TRUE                   { $$ = new_value(ctx, PY_TRUE, NULL, @1); }
    | KW_FALSE                  { $$ = new_value(ctx, PY_FALSE, NULL, @1); }
    | NUMBER                    { $$ = new_value(ctx, PY_NUMBER, $1, @1); }
    | ELLIPSIS                  { $$ = unsupported_value(ctx, "an ellipsis", loc_of(ctx, @1)); }
    | strings_value             { $$ = $1; }
    | '(' ')'                   { $$ = seq_value(ctx, PY_TUPLE, NULL, @1); }
    | '(' expr ')'              { $$ = $2; }
    | '(' exprs ',' ')'         { $$ = seq_value(ctx, PY_TUPLE, $2, @1); }
    | '(' exprs ',' expr ')'    { vec_push(ctx->arena, $2, $4); $$ = seq_value(ctx, PY_TUPLE, $2, @1); }
    | '(' expr comp_clauses ')' { $$ = unsupported_value(ctx, "a comprehension", loc_of(ctx, @1)); }
    | '(' expr WALRUS expr ')'  { $$ = unsupported_value(ctx, "an assignment expression", $2->loc); }
    | '[' ']'                   { $$ = seq_value(ctx, PY_LIST, NULL, @1); }
    | '[' exprs ']'             { $$ = seq_value(ctx, PY_LIST, $2, @1); }
    | '[' exprs ',' ']'         { $$ = seq_value(ctx, PY_LIST, $2, @1); }
    | '[' expr comp_clauses ']' { $$ = unsupported_value(ctx, "a comprehension", loc_of(ctx, @1)); }
    | '{' '}'                   { $$ = new_value(ctx, PY_DICT, NULL, @1); }
    | '{' dict_display '}'      { $$ = $2; $$->loc = loc_of(ctx, @1); }
    | '{' dict_display ',' '}'  { $$ = $2; $$->loc = loc_of(ctx, @1); }
    | '{' expr ':' expr comp_clauses '}'
                                { $$ = unsupported_value(ctx, "a comprehension", loc_of(ctx, @1)); }
    | '{' exprs '}'             { $$ = unsupported_value(ctx, "a set", loc_of(ctx, @1)); }
    | '{' exprs ',' '}'         { $$ = unsupported_value(ctx, "a set", loc_of(ctx, @1)); }
    | '{' expr comp_clauses '}' { $$ = unsupported_value(ctx, "a comprehension", loc_of(ctx, @1)); }
    | '{' POW expr '}'          { $$ = unsupported_value(ctx, "a dict unpacking", loc_of(ctx, @2)); }
    ;

dict_display
    : expr ':' expr             {
                                    $$ = new_value(ctx, PY_DICT, NULL, @1);
                                    vec_push(ctx->arena, &$$->items, $1);
                                    vec_push(ctx->arena, &$$->values, $3);
                                }
    | dict_display ',' expr ':' expr
                                {
                                    $$ = $1;
                                    vec_push(ctx->arena, &$$->items, $3);
                                    vec_push(ctx->arena, &$$->values, $5);
                                }
    ;

/* A comprehension's `if` takes no `else`: %prec makes `[x for x in y if
** a if b]` two conditions, as in Python, not a conditional expression. */
comp_clauses
    : KW_FOR comp_target KW_IN expr
    | comp_clauses KW_FOR comp_target KW_IN expr
    | comp_clauses KW_IF expr %prec KW_OR
    ;

comp_target
    : NAME
    | comp_target ',' NAME
    | '(' comp_target ')'
    ;

strings_value
    : strings                   { $$ = string_value(ctx, $1, @1); }
    ;

/* Adjacent literals concatenate ('a' "b" -> 'ab'). */
strings
    : STRING                    { $$ = $1; }
    | strings STRING            {
                                    $$ = $1;
                                    if (!$$->unsupported && $2->unsupported) {
                                        $$->unsupported = $2->unsupported;
                                        $$->unsupported_loc = $2->unsupported_loc;
                                    }
                                    $$->text = arena_printf(ctx->arena, "%s%s", $1->text, $2->text);
                                }
    ;

arglist_opt
    : %empty                    { $$ = NULL; }
    | arglist                   { $$ = $1; }
    | arglist ','               { $$ = $1; }
    ;

arglist
    : expr                      { $$ = args_one(ctx, make_arg(ctx, NULL, $1, @1)); }
    | NAME '=' expr             { $$ = args_one(ctx, make_arg(ctx, $1, $3, @1)); }
    | '*' expr                  { $$ = args_one(ctx, make_arg(ctx, "*", $2, @1)); }
    | POW expr                  {
                                    $$ = args_one(ctx, make_arg(ctx, "**", $2, @1));
                                    mark_unsupported(ctx, "a **keyword argument unpacking", loc_of(ctx, @1));
                                }
    | arglist ',' expr          { $$ = $1; vec_push(ctx->arena, $$, make_arg(ctx, NULL, $3, @3)); }
    | arglist ',' NAME '=' expr { $$ = $1; vec_push(ctx->arena, $$, make_arg(ctx, $3, $5, @3)); }
    | arglist ',' '*' expr      { $$ = $1; vec_push(ctx->arena, $$, make_arg(ctx, "*", $4, @3)); }
    | arglist ',' POW expr      {
                                    $$ = $1;
                                    vec_push(ctx->arena, $$, make_arg(ctx, "**", $4, @3));
                                    mark_unsupported(ctx, "a **keyword argument unpacking", loc_of(ctx, @3));
                                }
    ;

%%

/* Bison's own messages (only "memory exhausted" with parse.error custom). */
static void mig_error(MIG_LTYPE *loc, yyscan_t scanner, mig_parse_ctx *ctx, const char *msg) {
    (void)scanner;
    mig_diag(ctx, loc_of(ctx, *loc), 1, "%s", msg);
    ctx->errors++;
}

static int span_of(MIG_LTYPE l) {
    return l.first_line == l.last_line && l.last_column > l.first_column ? l.last_column - l.first_column : 1;
}

/* The text of the offending token (from the source), for the message. */
static const char *token_text(mig_parse_ctx *ctx, MIG_LTYPE l) {
    if (l.first_line < 1 || l.first_line > ctx->line_count) return NULL;
    if (l.first_line != l.last_line || l.last_column <= l.first_column) return NULL;
    size_t n = (size_t)(l.last_column - l.first_column);
    if (n > 40) return NULL;
    return arena_strndup(ctx->arena, ctx->line_starts[l.first_line] + l.first_column - 1, n);
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, yyscan_t scanner, mig_parse_ctx *ctx) {
    (void)scanner;
    yysymbol_kind_t got = yypcontext_token(yyctx);
    const MIG_LTYPE *l = yypcontext_location(yyctx);
    /* An unclosed bracket was already reported where it opened: what fails
    ** past the end of the file is its consequence. */
    if (ctx->eof_reported) return 0;
    yysymbol_kind_t expected[6];
    int n = yypcontext_expected_tokens(yyctx, expected, 6);
    strbuf sb = STRBUF_INIT;
    const char *text = (got == YYSYMBOL_NAME || got == YYSYMBOL_NUMBER || got == YYSYMBOL_STRING ||
                        got == YYSYMBOL_KW_OTHER)
                           ? token_text(ctx, *l)
                           : NULL;
    if (got == YYSYMBOL_YYEOF) sb_append(&sb, "unexpected end of file");
    else if (text) sb_printf(&sb, "unexpected %s %s", yysymbol_name(got), text);
    else sb_printf(&sb, "unexpected %s", yysymbol_name(got));
    if (n > 0 && n <= 4) {
        sb_append(&sb, ", expected ");
        for (int i = 0; i < n; i++) {
            if (i) sb_append(&sb, i == n - 1 ? " or " : ", ");
            sb_append(&sb, expected[i] == YYSYMBOL_YYEOF ? "end of file" : yysymbol_name(expected[i]));
        }
    }
    diag *d = mig_diag(ctx, loc_of(ctx, *l), span_of(*l), "syntax error: %s", sb_str(&sb));
    sb_free(&sb);
    if (got == YYSYMBOL_INDENT)
        diag_set_hint(ctx->dl, d, "indent a line only after a line that ends with ':'");
    else if (n == 1 && expected[0] == YYSYMBOL_INDENT)
        diag_set_hint(ctx->dl, d, "the body of a 'def' or 'with' is indented under it");
    else
        diag_set_hint(ctx->dl, d, "a migration is Python: check the brackets, quotes and commas on this line");
    ctx->errors++;
    return 0;
}

int mig_parse_text(mig_parse_ctx *ctx) {
    yyscan_t scanner;
    if (mig_lex_init_extra(ctx, &scanner) != 0) util_oom();
    YY_BUFFER_STATE buf = mig__scan_string(ctx->text, scanner);
    int rc = mig_parse(scanner, ctx);
    mig__delete_buffer(buf, scanner);
    mig_lex_destroy(scanner);
    if (rc != 0 && ctx->errors == 0) {
        mig_diag(ctx, (src_loc){ctx->path, 0, 0}, 1, "could not parse the file");
        ctx->errors++;
    }
    return ctx->errors;
}
