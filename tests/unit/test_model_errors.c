/*
** test_model_errors.c — every error the model front end reports: its exact
** message, line, column, caret width and hint; that several errors of one
** run are all reported; that no schema comes back on error; and that the
** caret line printed is the source line.
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

typedef struct error_case {
    const char *text;
    const char *message;
    int line, column, span;
    const char *hint;
} error_case;

#define PK "  id Integer @primary_key\n"

static const error_case UNKNOWN_TYPE = {
    "model M {\n" PK "  name Strng(255)\n}\n",
    "unknown type 'Strng'", 3, 8, 5, "did you mean 'String'?"};
static const error_case STRING_ARG = {
    "model M {\n" PK "  name String(\"x\")\n}\n",
    "String length must be a positive integer, not a string", 3, 15, 3,
    "write String(255), or String for no length limit"};
static const error_case NUMERIC_ARGS = {
    "model M {\n" PK "  n Numeric(1, 2, 3)\n}\n",
    "Numeric takes at most two arguments (precision, scale), not 3", 3, 19, 1, "write Numeric(10, 2)"};
static const error_case TYPE_NO_ARGS = {
    "model M {\n" PK "  n Integer(4)\n}\n",
    "Integer takes no arguments", 3, 13, 1, "write Integer"};
static const error_case DATETIME_KW = {
    "model M {\n" PK "  t DateTime(timzone=true)\n}\n",
    "DateTime has no argument 'timzone'", 3, 14, 7, "did you mean 'timezone'? (DateTime accepts timezone=)"};
static const error_case ARRAY_NO_ELEMENT = {
    "model M {\n" PK "  tags ARRAY\n}\n",
    "ARRAY needs its element type", 3, 8, 5, "write ARRAY(Integer), ARRAY(String(50)) or ARRAY(Text, dimensions=2)"};
static const error_case ARRAY_OF_ARRAY = {
    "model M {\n" PK "  grid ARRAY(ARRAY(Integer))\n}\n",
    "an ARRAY of ARRAY is written with dimensions=", 3, 14, 5, "write ARRAY(Integer, dimensions=2)"};
static const error_case ARRAY_BAD_ELEMENT = {
    "model M {\n" PK "  tags ARRAY(Strng(5))\n}\n",
    "unknown type 'Strng'", 3, 14, 5, "did you mean 'String'?"};
static const error_case ARRAY_DIMENSIONS = {
    "model M {\n" PK "  grid ARRAY(Integer, dimensions=0)\n}\n",
    "dimensions must be a positive integer", 3, 34, 1, "write ARRAY(Integer, dimensions=2)"};
static const error_case JSONB_MISSPELT = {
    "model M {\n" PK "  doc JSNB\n}\n",
    "unknown type 'JSNB'", 3, 7, 4, "did you mean 'JSONB'?"};
/* Enum types (docs/model-language.md "Enum types"). */
#define EN "enum Status { \"a\" \"b\" }\n"
static const error_case ENUM_TYPO = {
    EN "model M {\n" PK "  s Statsu\n}\n",
    "unknown type 'Statsu'", 4, 5, 6, "did you mean 'Status'?"};
static const error_case ENUM_ARGS = {
    EN "model M {\n" PK "  s Status(3)\n}\n",
    "enum type Status takes no arguments", 4, 5, 6, "write Status; its labels are in its `enum Status { ... }` declaration"};
static const error_case ENUM_DUP_LABEL = {
    "enum Status { \"a\" \"b\" \"a\" }\n",
    "label 'a' is listed twice in enum Status", 1, 23, 3, "its first place is t.model:1:15; remove one"};
static const error_case ENUM_NO_LABELS = {
    "enum Status { }\n",
    "enum Status has no labels", 1, 6, 6, "list its labels in order: enum Status { \"pending\" \"done\" }"};
static const error_case ENUM_EMPTY_LABEL = {
    "enum Status { \"a\" \"\" }\n",
    "an empty label in enum Status", 1, 19, 2, "PostgreSQL refuses empty enum labels; remove it"};
static const error_case ENUM_TYPE_NAME = {
    "enum Text { \"a\" }\n",
    "an enum cannot be called Text: that is a type's name", 1, 6, 4,
    "name it after what it lists (TaskStatus), and give the database name with @@name(\"...\")"};
static const error_case ENUM_MODEL_NAME = {
    "model M {\n" PK "}\nenum M { \"a\" }\n",
    "enum M has the name of a model", 4, 6, 1, "model M is declared at t.model:1:7; rename one of them"};
static const error_case ENUM_DUP = {
    EN "enum Status { \"c\" }\n",
    "duplicate enum 'Status'", 2, 6, 6, "'Status' is already declared at t.model:1:6; rename one of them"};
static const error_case ENUM_CLAUSE = {
    "enum Status { \"a\" @@nmae(\"s\") }\n",
    "unknown enum clause @@nmae", 1, 19, 6, "did you mean 'name'?"};
static const error_case ENUM_SAME_DB_NAME = {
    "enum Status { \"a\" }\nenum Other { \"b\" @@name(\"status\") }\n",
    "enums Status and Other have the same database name 'status'", 2, 18, 6,
    "give one of them another name with @@name(\"...\")"};
static const error_case ENUM_LABEL_ATTR = {
    "enum Status { \"a\" @renamed(\"b\") }\n",
    "unknown attribute @renamed on a label of enum Status", 1, 19, 8, "a label takes only @renamed_from(\"old label\")"};
static const error_case ENUM_RENAMED_SELF = {
    "enum Status { \"a\" @renamed_from(\"a\") }\n",
    "label 'a' renamed from itself", 1, 33, 3, "name the label as the database has it now"};
static const error_case ENUM_RENAMED_LABEL = {
    "enum Status { \"a\" \"b\" @renamed_from(\"a\") }\n",
    "label 'b' is renamed from 'a', which is also a label of the enum", 1, 19, 1,
    "a rename hint names a label the database has and the models no longer list"};
static const error_case ENUM_BAD_DEFAULT = {
    EN "model M {\n" PK "  s Status @default(\"c\")\n}\n",
    "the default of M.s is not a label of enum Status", 4, 3, 1, "write one of its labels as a string: @default(\"a\")"};
static const error_case ENUM_TABLE_NAME = {
    "enum Job { \"a\" }\nmodel Task {\n" PK "  @@table(\"job\")\n}\n",
    "enum Job and table Task have the same database name 'job'", 1, 6, 1,
    "PostgreSQL gives every table a type of its name; name the enum otherwise with @@name(\"...\")"};
static const error_case ENUM_SYNTAX = {
    "enum Status { \"a\", \"b\" }\n",
    "syntax error: unexpected ',', expected name, string, table clause (@@name) or '}'", 1, 18, 1,
    "an enum lists its labels as strings: `enum Status { \"pending\" \"done\" }`"};
static const error_case IDENTITY_TYPE = {
    "model M {\n" PK "  n String @identity\n}\n",
    "identity column 'n' must be Integer, BigInteger or SmallInteger, not String", 3, 5, 6,
    "PostgreSQL makes identity columns of integer types only"};
static const error_case IDENTITY_NULLABLE = {
    "model M {\n" PK "  n Integer? @identity\n}\n",
    "identity column 'n' cannot be nullable", 3, 5, 7,
    "remove the '?' after the type: PostgreSQL makes an identity column NOT NULL"};
static const error_case IDENTITY_ALWAYS = {
    "model M {\n" PK "  n Integer @identity(always=1)\n}\n",
    "always must be true or false", 3, 30, 1,
    "always=true is GENERATED ALWAYS (the database refuses explicit values), always=false (the default) BY DEFAULT"};
static const error_case IDENTITY_INCREMENT = {
    "model M {\n" PK "  n Integer @identity(increment=0)\n}\n",
    "increment must be a whole number other than 0", 3, 33, 1,
    "write @identity(always=true, start=100, increment=10)"};
static const error_case IDENTITY_START = {
    "model M {\n" PK "  n SmallInteger @identity(start=40000)\n}\n",
    "start=40000 is outside the sequence's range 1..32767", 3, 34, 5,
    "an ascending identity counts from 1 up to what SmallInteger holds (MINVALUE and MAXVALUE are not modeled)"};
static const error_case IDENTITY_DEFAULT = {
    "model M {\n" PK "  n Integer @identity @default(1)\n}\n",
    "identity column 'n' cannot have a @default", 3, 13, 9, "its values come from its sequence; remove a @default"};
static const error_case IDENTITY_POSITIONAL = {
    "model M {\n" PK "  n Integer @identity(true)\n}\n",
    "@identity takes keyword arguments only", 3, 23, 4,
    "write @identity, or @identity(always=true, start=100, increment=10)"};
static const error_case UNKNOWN_ATTR = {
    "model M {\n" PK "  name Text @indx\n}\n",
    "unknown column attribute @indx", 3, 13, 5, "did you mean @index?"};
static const error_case CLAUSE_AS_ATTR = {
    "model M {\n" PK "  name Text @table(\"x\")\n}\n",
    "unknown column attribute @table", 3, 13, 6,
    "@table is not a column attribute; the table clause @@table goes on a line of its own"};
static const error_case UNKNOWN_CLAUSE = {
    "model M {\n" PK "  @@indx(\"ix\", id)\n}\n",
    "unknown table clause @@indx", 3, 3, 6, "did you mean @@index?"};
static const error_case ATTR_ARGS = {
    "model M {\n" PK "  name Text @comment(42)\n}\n",
    "@comment: the argument must be a string, not a number", 3, 22, 2,
    "write it double-quoted, e.g. @comment(\"what the column holds\")"};
static const error_case DEFAULT_IDENT = {
    "model M {\n" PK "  s Text @default(pending)\n}\n",
    "@default cannot be a name", 3, 19, 7, "quote it for a string default: @default(\"pending\")"};
static const error_case DEFAULT_FN = {
    "model M {\n" PK "  t DateTime @default(noww())\n}\n",
    "unknown function 'noww' in @default", 3, 23, 4, "did you mean 'now'?"};
static const error_case INDEX_NO_ARGS = {
    "model M {\n" PK "  s Text @index(true)\n}\n",
    "@index takes no arguments", 3, 17, 4, "write @index alone"};
static const error_case FK_ACTION = {
    "model M {\n" PK "  p Integer @foreign_key(\"m.id\", ondelete=\"CASCAD\")\n}\n",
    "unknown referential action \"CASCAD\"", 3, 43, 8,
    "did you mean \"CASCADE\"? (one of CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION)"};
static const error_case FK_TARGET_SHAPE = {
    "model M {\n" PK "  p Integer @foreign_key(\"m\")\n}\n",
    "foreign key target \"m\" is not \"table.column\"", 3, 26, 3,
    "write @foreign_key(\"datasets.id\", ondelete=\"CASCADE\")"};
static const error_case UNKNOWN_CLAUSE_COLUMN = {
    "model M {\n" PK "  name Text\n  @@index(\"ix_m\", nme)\n}\n",
    "unknown column 'nme' in @@index of model 'M'", 4, 19, 3, "did you mean 'name'?"};
static const error_case CLAUSE_DB_NAME = {
    "model M {\n" PK "  extra JSON @map(\"metadata\")\n  @@index(\"ix_m\", metadata)\n}\n",
    "unknown column 'metadata' in @@index of model 'M'", 4, 19, 8,
    "'metadata' is the database name of field 'extra'; clauses name fields: write extra"};
/* A clause naming a field that failed to become a column: the field's
** error only, no "unknown column" after it. */
static const error_case CLAUSE_FAILED_COLUMN = {
    "model M {\n" PK "  name Strng(255)\n  @@index(\"ix_m\", name)\n  @@unique(\"uq_m\", name)\n}\n",
    "unknown type 'Strng'", 3, 8, 5, "did you mean 'String'?"};
static const error_case FK_MISSING_TABLE = {
    "model M {\n" PK "  d Integer @foreign_key(\"dataset.id\")\n}\nmodel Dataset { id Integer @primary_key\n @@table(\"datasets\") }\n",
    "foreign key of table 'm' references unknown table 'dataset'", 3, 26, 12, "did you mean 'datasets'?"};
static const error_case FK_MISSING_COLUMN = {
    "model M {\n" PK "  d Integer @foreign_key(\"m.idd\")\n}\n",
    "foreign key of table 'm' references unknown column 'm.idd'", 3, 26, 7, "did you mean 'm.id'?"};
static const error_case FK_CLAUSE_COLUMN = {
    "model M {\n" PK "  a Integer\n  @@foreign_key(\"fk\", (a), \"m\", (idx))\n}\n",
    "foreign key of table 'm' references unknown column 'm.idx'", 4, 34, 3, "did you mean 'm.id'?"};
static const error_case DUP_MODEL = {
    "model M {\n" PK "}\nmodel M {\n" PK "}\n",
    "duplicate model 'M'", 4, 7, 1, "'M' is already declared at t.model:1:7; rename one of them"};
static const error_case DUP_TABLE = {
    "model M {\n" PK "}\nmodel N {\n" PK "  @@table(\"m\")\n}\n",
    "duplicate table 'm': models 'M' and 'N' both map to it", 6, 3, 7,
    "give one of them another name with @@table(\"...\")"};
static const error_case DUP_COLUMN = {
    "model M {\n" PK "  a Text\n  a Integer\n}\n",
    "duplicate column 'a' in model 'M'", 4, 3, 1, "'a' is already declared at t.model:3:3; rename or remove one"};
static const error_case DUP_DB_COLUMN = {
    "model M {\n" PK "  a Text\n  b Text @map(\"a\")\n}\n",
    "duplicate column name 'a' in table 'm' (fields 'a' and 'b')", 4, 10, 4,
    "give one of them another database name with @map(\"...\")"};
static const error_case DUP_INDEX_NAME = {
    "model M {\n" PK "  a Text\n  @@index(\"ix_a\", a)\n}\nmodel N {\n" PK "  a Text\n  @@unique(\"ix_a\", a)\n}\n",
    "duplicate index or constraint name 'ix_a': used by tables 'm' and 'n'", 9, 3, 1,
    "index and constraint names must be unique across the schema (PostgreSQL keeps them in one namespace); "
    "rename one, or declare the index in each model rather than in a shared base"};
static const error_case INHERITED_INDEX_NAME = {
    "abstract model B {\n" PK "  @@index(\"ix_shared\", id)\n}\nmodel M : B { }\nmodel N : B { }\n",
    "duplicate index or constraint name 'ix_shared': used by tables 'm' and 'n'", 3, 3, 1,
    "index and constraint names must be unique across the schema (PostgreSQL keeps them in one namespace); "
    "rename one, or declare the index in each model rather than in a shared base"};
static const error_case UNKNOWN_BASE = {
    "abstract model Base {\n" PK "}\nmodel M : Bsae { }\n",
    "unknown base model 'Bsae'", 4, 11, 4, "did you mean 'Base'?"};
static const error_case CYCLE = {
    "model A : C {\n" PK "}\nmodel B : A { }\nmodel C : B { }\n",
    "inheritance cycle: A -> C -> B -> A", 4, 11, 1,
    "a model cannot inherit from itself, directly or through its bases"};
static const error_case REDEFINED = {
    "abstract model B {\n" PK "  a Text\n}\nmodel M : B {\n  a Integer\n}\n",
    "column 'a' redefines the column inherited from 'B'", 6, 3, 1,
    "add @override to replace the inherited column, or choose another name"};
static const error_case OVERRIDE_NOTHING = {
    "model M {\n" PK "  a Integer @override\n}\n",
    "@override on 'a', but no base model has a column 'a'", 3, 13, 9,
    "remove @override (or check the spelling of the column name)"};
static const error_case NO_PK = {
    "model Thing {\n  a Integer\n}\n",
    "model 'Thing' (table 'thing') has no primary key", 1, 7, 5,
    "mark a column @primary_key, add @@primary_key(col, ...), or inherit from a model that has one"};
static const error_case NULLABLE_PK = {
    "model M {\n  id Integer? @primary_key\n}\n",
    "primary key column 'id' cannot be nullable", 2, 6, 7, "remove the '?' after the type"};
static const error_case BAD_ESCAPE = {
    "model M {\n" PK "  a Text @comment(\"C:\\dir\")\n}\n",
    "unknown escape '\\d' in string", 3, 22, 2,
    "valid escapes are \\\" \\\\ \\n \\t \\r \\uXXXX; write \\\\ for a backslash"};
static const error_case UNTERMINATED = {
    "model M {\n" PK "  a Text @comment(\"oops)\n}\n",
    "unterminated string", 3, 19, 1, "close the string with \" on the same line"};
static const error_case SYNTAX = {
    "model M {\n" PK "  a Text @default(\"x\"\n  b Text\n}\n",
    "syntax error: unexpected name 'b', expected ',' or ')'", 4, 3, 1,
    "a field is `name Type @attribute(...)`; a table clause is `@@name(...)`"};

static const error_case NUL_ESCAPE = {
    "model M {\n" PK "  @@table(\"victim\\u0000_shadow\")\n}\n",
    "\\u0000 (NUL) in a string", 3, 18, 6, "remove it: names, comments and SQL cannot hold NUL"};
static const error_case SURROGATE = {
    "model M {\n" PK "  a Text @comment(\"x\\ud800\")\n}\n",
    "a lone surrogate \\ud800 in a string", 3, 21, 6,
    "write the character itself (the model files are UTF-8): surrogates are not characters"};
static const error_case LONG_TABLE = {
    "model M {\n" PK "  @@table(\"t_0123456789_0123456789_0123456789_0123456789_0123456789_0123456\")\n}\n",
    "table name 't_0123456789_0123456789_0123456789_0123456789_0123456789_0123456' is 64 bytes long; "
    "PostgreSQL keeps only the first 63", 1, 7, 1,
    "shorten it to 63 bytes or fewer (the server would store "
    "'t_0123456789_0123456789_0123456789_0123456789_0123456789_012345', and the next autogenerate would see a "
    "different name)"};
static const error_case LONG_INDEX = {
    "model M {\n" PK "  @@index(\"ix_0123456789_0123456789_0123456789_0123456789_0123456789_012345\", id)\n}\n",
    "index or constraint name 'ix_0123456789_0123456789_0123456789_0123456789_0123456789_012345' is 64 bytes long; "
    "PostgreSQL keeps only the first 63", 3, 3, 1,
    "shorten it to 63 bytes or fewer (the server would store "
    "'ix_0123456789_0123456789_0123456789_0123456789_0123456789_01234', and the next autogenerate would see a "
    "different name)"};

/* @@index keys and options (docs/model-language.md, "Indexes"). */
static const error_case IX_OPTION_TYPO = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", created_at(decs))\n}\n",
    "@@index: unknown key option 'decs' for created_at", 5, 30, 4,
    "did you mean desc?"};
static const error_case IX_OPTION_FIRST = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", desc(created_at))\n}\n",
    "@@index: desc is an option of a key, written after it", 5, 19, 4,
    "write created_at(desc)"};
static const error_case IX_OPTION_MISSPELT_FIRST = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", dsc(created_at))\n}\n",
    "@@index: 'dsc' looks like the key option desc, which is written after the column", 5, 19, 3,
    "did you mean created_at(desc)?"};
static const error_case IX_OPTION_VALUE = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", created_at(desc=true))\n}\n",
    "@@index: key created_at has no option 'desc='", 5, 30, 4,
    "desc takes no value: write created_at(desc)"};
static const error_case IX_OPS_KEY = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", email(opz=\"text_pattern_ops\"))\n}\n",
    "@@index: key email has no option 'opz='", 5, 25, 3,
    "did you mean ops=? (a key takes desc, asc, nulls_first, nulls_last and ops=\"...\")"};
static const error_case IX_OPS_VALUE = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", email(ops=text_pattern_ops))\n}\n",
    "@@index: ops= must name an operator class, as a string", 5, 29, 16,
    "write email(ops=\"varchar_pattern_ops\")"};
static const error_case IX_TWO_ORDERS = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", created_at(desc, asc))\n}\n",
    "@@index: key created_at is given an order (asc / desc) twice", 5, 36, 3,
    "keep one"};
static const error_case IX_TWO_NULLS = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", created_at(nulls_first, nulls_last))\n}\n",
    "@@index: key created_at is given a nulls order (nulls_first / nulls_last) twice", 5, 43, 10,
    "keep one"};
static const error_case IX_SQL_EMPTY = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", sql(\"  \"))\n}\n",
    "@@index: the expression is empty", 5, 23, 4,
    "write sql(\"lower(email)\")"};
static const error_case IX_SQL_NONE = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", sql())\n}\n",
    "@@index: sql() needs the expression, as a string", 5, 19, 3,
    "write sql(\"lower(email)\")"};
static const error_case IX_NO_OPTIONS = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", email())\n}\n",
    "@@index: email() has no options", 5, 19, 5,
    "write email, or email(desc)"};
static const error_case IX_KEY_NUMBER = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", 42)\n}\n",
    "@@index: expected a column, col(options) or sql(\"expression\"), not a number", 5, 19, 2,
    "write @@index(\"ix_name\", col_a, created_at(desc), sql(\"lower(email)\"))"};
static const error_case IX_USING_TYPO = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", email, using=\"gni\")\n}\n",
    "@@index: unknown access method \"gni\"", 5, 32, 5,
    "did you mean \"gin\"?"};
static const error_case IX_USING_NAME = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", email, using=gin)\n}\n",
    "@@index: using= must be a string, not a name", 5, 32, 3,
    "write using=\"gin\""};
static const error_case IX_USING_UNKNOWN = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", email, using=\"ivfflat\")\n}\n",
    "@@index: unknown access method \"ivfflat\"", 5, 32, 9,
    "using= takes btree, hash, gist, spgist, gin, brin (an extension's method is left alone: create it with op.execute)"};
static const error_case IX_INCLUDE_SHAPE = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", email, include=5)\n}\n",
    "@@index include=: expected a parenthesized list of columns", 5, 34, 1,
    "write include=(col_a, col_b)"};
static const error_case IX_INCLUDE_COLUMN = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", email, include=(emial))\n}\n",
    "unknown column 'emial' in @@index of model 'M'", 5, 35, 5,
    "did you mean 'email'?"};
static const error_case IX_KEY_COLUMN = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", emial(desc))\n}\n",
    "unknown column 'emial' in @@index of model 'M'", 5, 19, 5,
    "did you mean 'email'?"};
static const error_case IX_UNKNOWN_KW = {
    "model M {\n" PK "  email Text\n  created_at DateTime\n  @@index(\"ix_m\", email, usign=\"gin\")\n}\n",
    "@@index has no argument 'usign'", 5, 26, 5,
    "did you mean 'using'? (@@index accepts unique=, where=, using=, include=)"};

static void run_case(void **state) {
    const error_case *c = *state;
    diag_list dl;
    diag_list_init(&dl);
    schema *s = (schema *)1;
    int rc = model_load_string("t.model", c->text, &s, &dl);
    if (dl.errors != 1) diag_print(&dl, stderr);
    assert_int_not_equal(rc, 0);
    assert_null(s);
    assert_int_equal(dl.errors, 1);
    diag *d = &dl.items.items[0];
    assert_string_equal(d->message, c->message);
    assert_string_equal(d->loc.file, "t.model");
    assert_int_equal(d->loc.line, c->line);
    assert_int_equal(d->loc.column, c->column);
    if (c->span > 1) assert_int_equal(d->span, c->span);
    assert_non_null(d->hint);
    assert_string_equal(d->hint, c->hint);
    assert_non_null(d->source_line);
    diag_list_free(&dl);
}

/* Many errors in one file (fixture): all reported, in line order. */
static void test_all_errors_reported(void **state) {
    (void)state;
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    int rc = model_load_dir(TEST_DATA "/models/many_errors", NULL, &s, &dl);
    assert_int_not_equal(rc, 0);
    assert_null(s);
    assert_int_equal(dl.errors, 6);
    const int lines[] = {5, 6, 7, 8, 11, 14};
    const char *msgs[] = {
        "unknown type 'Strng'",
        "unknown column attribute @uniqe",
        "unknown referential action \"explode\"",
        "column 'id' redefines the column inherited from 'Base'",
        "unknown column 'nme' in @@index of model 'Dataset'",
        "unknown base model 'Bse'",
    };
    for (int i = 0; i < 6; i++) {
        assert_int_equal(dl.items.items[i].loc.line, lines[i]);
        assert_string_equal(dl.items.items[i].message, msgs[i]);
        assert_string_equal(dl.items.items[i].loc.file, TEST_DATA "/models/many_errors/bad.model");
    }
    diag_list_free(&dl);
}

/* A name taken by three tables: each later one is told of the first. */
static void test_name_shared_by_three_tables(void **state) {
    (void)state;
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    int rc = model_load_string("t.model",
                               "model A { id Integer @primary_key\n  @@index(\"ix_same\", id) }\n"
                               "model B { id Integer @primary_key\n  @@index(\"ix_same\", id) }\n"
                               "model C { id Integer @primary_key\n  @@index(\"ix_same\", id) }\n",
                               &s, &dl);
    assert_int_not_equal(rc, 0);
    assert_int_equal(dl.errors, 2);
    assert_string_equal(dl.items.items[0].message,
                        "duplicate index or constraint name 'ix_same': used by tables 'a' and 'b'");
    assert_string_equal(dl.items.items[1].message,
                        "duplicate index or constraint name 'ix_same': used by tables 'a' and 'c'");
    diag_list_free(&dl);
}

/* Syntax errors in two files: both reported. */
static void test_syntax_errors_in_two_files(void **state) {
    (void)state;
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    assert_int_not_equal(model_load_dir(TEST_DATA "/models/syntax_errors", NULL, &s, &dl), 0);
    assert_int_equal(dl.errors, 3);
    assert_string_equal(dl.items.items[0].loc.file, TEST_DATA "/models/syntax_errors/a.model");
    assert_int_equal(dl.items.items[0].loc.line, 3);
    assert_int_equal(dl.items.items[1].loc.line, 7);
    assert_string_equal(dl.items.items[2].loc.file, TEST_DATA "/models/syntax_errors/b.model");
    diag_list_free(&dl);
}

/* The printed form: location, the line, a caret under the token, the hint. */
static void test_printed_caret(void **state) {
    (void)state;
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    model_load_string("t.model", UNKNOWN_TYPE.text, &s, &dl);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diag_print(&dl, f);
    fclose(f);
    assert_string_equal(buf, "t.model:3:8: error: unknown type 'Strng'\n"
                             " 3 |   name Strng(255)\n"
                             "   |        ^~~~~\n"
                             "  hint: did you mean 'String'?\n");
    free(buf);
    diag_list_free(&dl);
}

/* A raw NUL byte in a model file: refused at its line and column (the C
** string of the text would end there and drop the rest silently). */
static void test_nul_byte_in_file(void **state) {
    (void)state;
    char path[] = "/tmp/retort-nul-XXXXXX.model";
    int fd = mkstemps(path, 6);
    assert_true(fd >= 0);
    static const char text[] = "model M {\n  id Integer @primary_key\n  x Text\0\n  y Text\n}\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    const char *paths[] = {path};
    assert_int_not_equal(model_load_files(paths, 1, NULL, &s, &dl), 0);
    assert_null(s);
    assert_int_equal(dl.errors, 1);
    assert_string_equal(dl.items.items[0].message, "a NUL byte in a model file");
    assert_int_equal(dl.items.items[0].loc.line, 3);
    assert_int_equal(dl.items.items[0].loc.column, 9);
    unlink(path);
    diag_list_free(&dl);
}

static void test_missing_dir(void **state) {
    (void)state;
    diag_list dl;
    diag_list_init(&dl);
    schema *s = NULL;
    assert_int_not_equal(model_load_dir(TEST_DATA "/models/no_such_dir", NULL, &s, &dl), 0);
    assert_int_equal(dl.errors, 1);
    assert_string_equal(dl.items.items[0].message, "cannot open the models folder: No such file or directory");
    diag_list_free(&dl);
}

#define CASE(c) {#c, run_case, NULL, NULL, (void *)&(c)}

int main(void) {
    const struct CMUnitTest tests[] = {
        CASE(UNKNOWN_TYPE), CASE(STRING_ARG), CASE(NUMERIC_ARGS), CASE(TYPE_NO_ARGS), CASE(DATETIME_KW),
        CASE(ARRAY_NO_ELEMENT), CASE(ARRAY_OF_ARRAY), CASE(ARRAY_BAD_ELEMENT), CASE(ARRAY_DIMENSIONS),
        CASE(JSONB_MISSPELT), CASE(IDENTITY_TYPE), CASE(IDENTITY_NULLABLE), CASE(IDENTITY_ALWAYS),
        CASE(IDENTITY_INCREMENT), CASE(IDENTITY_START), CASE(IDENTITY_DEFAULT), CASE(IDENTITY_POSITIONAL),
        CASE(UNKNOWN_ATTR), CASE(CLAUSE_AS_ATTR), CASE(UNKNOWN_CLAUSE), CASE(ATTR_ARGS), CASE(DEFAULT_IDENT),
        CASE(DEFAULT_FN), CASE(INDEX_NO_ARGS), CASE(FK_ACTION), CASE(FK_TARGET_SHAPE),
        CASE(UNKNOWN_CLAUSE_COLUMN), CASE(CLAUSE_DB_NAME), CASE(CLAUSE_FAILED_COLUMN), CASE(FK_MISSING_TABLE), CASE(FK_MISSING_COLUMN),
        CASE(FK_CLAUSE_COLUMN), CASE(DUP_MODEL), CASE(DUP_TABLE), CASE(DUP_COLUMN), CASE(DUP_DB_COLUMN),
        CASE(DUP_INDEX_NAME), CASE(INHERITED_INDEX_NAME), CASE(UNKNOWN_BASE), CASE(CYCLE), CASE(REDEFINED),
        CASE(OVERRIDE_NOTHING), CASE(NO_PK), CASE(NULLABLE_PK), CASE(BAD_ESCAPE), CASE(UNTERMINATED),
        CASE(SYNTAX), CASE(NUL_ESCAPE), CASE(SURROGATE), CASE(LONG_TABLE), CASE(LONG_INDEX),
        CASE(IX_OPTION_TYPO), CASE(IX_OPTION_FIRST), CASE(IX_OPTION_MISSPELT_FIRST), CASE(IX_OPTION_VALUE), CASE(IX_OPS_KEY), CASE(IX_OPS_VALUE), CASE(IX_TWO_ORDERS), CASE(IX_TWO_NULLS), CASE(IX_SQL_EMPTY), CASE(IX_SQL_NONE), CASE(IX_NO_OPTIONS), CASE(IX_KEY_NUMBER), CASE(IX_USING_TYPO), CASE(IX_USING_NAME), CASE(IX_USING_UNKNOWN), CASE(IX_INCLUDE_SHAPE), CASE(IX_INCLUDE_COLUMN), CASE(IX_KEY_COLUMN), CASE(IX_UNKNOWN_KW),
        CASE(ENUM_TYPO), CASE(ENUM_ARGS), CASE(ENUM_DUP_LABEL), CASE(ENUM_NO_LABELS), CASE(ENUM_EMPTY_LABEL),
        CASE(ENUM_TYPE_NAME), CASE(ENUM_MODEL_NAME), CASE(ENUM_DUP), CASE(ENUM_CLAUSE), CASE(ENUM_SAME_DB_NAME),
        CASE(ENUM_LABEL_ATTR), CASE(ENUM_RENAMED_SELF), CASE(ENUM_RENAMED_LABEL), CASE(ENUM_BAD_DEFAULT),
        CASE(ENUM_TABLE_NAME), CASE(ENUM_SYNTAX),
        cmocka_unit_test(test_all_errors_reported), cmocka_unit_test(test_name_shared_by_three_tables),
        cmocka_unit_test(test_syntax_errors_in_two_files),
        cmocka_unit_test(test_printed_caret),
        cmocka_unit_test(test_missing_dir),
        cmocka_unit_test(test_nul_byte_in_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
