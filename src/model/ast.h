/*
** ast.h — the model language's syntax tree, as the parser (grammar/models.y)
** builds it and the resolver (resolve.c) reads it.
**
** The grammar is deliberately generic: every attribute and table clause is
** `@name(args)` / `@@name(args)`, with positional and keyword arguments whose
** values are strings, numbers, booleans, identifiers, calls (`now()`,
** `sql("...")`) or tuples (`(a, b)`).  The resolver checks names and argument
** shapes, so a misspelt attribute gets a did-you-mean rather than a bare
** syntax error.  Every node keeps where it was written (src_loc) and how many
** columns it spans, for diagnostics with a caret.
**
** All nodes live in the parse arena.
*/
#ifndef RETORT_MODEL_AST_H
#define RETORT_MODEL_AST_H

#include "util/util.h"

typedef enum ast_value_kind {
    AST_STRING,     /* text: unescaped contents */
    AST_NUMBER,     /* text: the literal as written ("-1.5") */
    AST_BOOL,       /* boolean */
    AST_IDENT,      /* text: the identifier */
    AST_CALL,       /* text: the function name; args */
    AST_TUPLE       /* items */
} ast_value_kind;

typedef struct ast_value ast_value;
typedef struct ast_arg ast_arg;
typedef VEC(ast_arg *) ast_arg_vec;
typedef VEC(ast_value *) ast_value_vec;

/* A value is a call or a tuple, never both: args and items share their
** storage (read the one kind says).  The small members come last, so
** the node is 64 bytes. */
struct ast_value {
    const char *text;
    union {
        ast_arg_vec args;       /* AST_CALL */
        ast_value_vec items;    /* AST_TUPLE */
    };
    src_loc loc;
    int span;
    ast_value_kind kind;
    bool boolean;
};

/* One argument: positional when key is NULL, else `key=value`. */
struct ast_arg {
    const char *key;
    src_loc key_loc;
    int key_span;
    ast_value *value;
};

/* An attribute (`@index`, `@default(now())`) or a table clause
** (`@@index("ix", a, b, unique=true)`).  name excludes the @ / @@. */
typedef struct ast_attr {
    const char *name;
    bool is_clause;
    bool has_parens;
    ast_arg_vec args;
    src_loc loc;        /* of the @ */
    int span;           /* of @name */
    void *resolved;     /* resolver's checked form (clause_spec), or NULL */
} ast_attr;
typedef VEC(ast_attr *) ast_attr_vec;

typedef struct ast_type {
    const char *name;
    bool has_parens;
    ast_arg_vec args;
    bool nullable;      /* trailing ? */
    src_loc loc;
    int span;           /* of the name */
} ast_type;

typedef struct ast_field {
    const char *name;
    ast_type type;
    ast_attr_vec attrs;
    src_loc loc;
    int span;
    void *resolved;     /* resolver's checked form (field_spec), or NULL */
} ast_field;

typedef struct ast_base_ref {
    const char *name;
    src_loc loc;
    int span;
} ast_base_ref;

typedef struct ast_model {
    const char *name;
    bool is_abstract;
    VEC(ast_base_ref) bases;
    VEC(ast_field *) fields;
    ast_attr_vec clauses;
    src_loc loc;        /* of the name */
    int span;
} ast_model;

/* One label of an enum: "pending" (or a bare name), with its attributes
** (@renamed_from). */
typedef struct ast_enum_label {
    const char *label;
    ast_attr_vec attrs;
    src_loc loc;
    int span;
} ast_enum_label;

/* `enum Name { "a" "b" @renamed_from("x") @@name("db_name") }` */
typedef struct ast_enum {
    const char *name;
    VEC(ast_enum_label *) labels;
    ast_attr_vec clauses;
    src_loc loc;        /* of the name */
    int span;
} ast_enum;

typedef struct ast_file {
    const char *path;
    const char *text;   /* the source, for diagnostics */
    VEC(ast_model *) models;
    VEC(ast_enum *) enums;
} ast_file;

/* Parse `text` (the contents of `path`) into *out, allocating from a; the
** tree points into `text` and its locations at `path` (not copied), which
** must both stay valid as long as the tree.
** Lexical and syntax errors go to dl (all of them, with recovery); returns
** the number of errors found.  The tree is usable (partially) even then. */
int model_parse(arena *a, const char *path, const char *text, ast_file *out, diag_list *dl);

/* Add an error at loc spanning `span` columns; the source line is taken from
** `text` (the in-memory source) when given, so in-memory sources and files
** changed since get the right line.  Returns the diag (valid until the next
** diag_add on dl). */
diag *model_error(diag_list *dl, const char *text, src_loc loc, int span, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
