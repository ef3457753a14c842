/* ast.h: the syntax tree of a .mig plan. Every node carries the span of the
 * source it came from; every node, string and list lives in the arena of the
 * parse that made it, so a tree is freed with its arena and never piecemeal.
 * Included by grammar.h; do not include it alone. */
#ifndef MIG_AST_H
#define MIG_AST_H

/* X(ENUM, "name"): every kind of node, with the name the tree dump uses. */
#define AST_KINDS(X)                                                        \
    /* plan items */                                                        \
    X(META, "meta")             /* version / description / requires */      \
    X(PARAM, "param")                                                       \
    X(PROFILE, "profile")                                                   \
    X(ASSIGN, "set")            /* NAME = EXPR inside a profile */          \
    X(LUA, "lua")                                                           \
    X(ERROR_DECL, "error")                                                  \
    X(BREAKER, "breaker")       /* breaker "TARGET" { SETTINGS } */         \
    X(STAGE, "stage")                                                       \
    X(HOOK, "hook")             /* on failure / on success / finally */     \
    /* statements */                                                        \
    X(STEP, "step")                                                         \
    X(LET, "let")                                                           \
    X(CHECKPOINT, "checkpoint")                                             \
    X(SNAPSHOT, "snapshot")     /* snapshot NAME: a full copy */            \
    X(FOREACH, "foreach")                                                   \
    X(RETRY, "retry")                                                       \
    X(RECOVER, "recover")                                                   \
    X(VERIFY, "verify")                                                     \
    X(IF, "if")                                                             \
    X(DECISION, "decision")     /* retry / skip / fail / rollback to */     \
    /* expressions */                                                       \
    X(NULL, "null")                                                         \
    X(BOOL, "bool")                                                         \
    X(NUMBER, "number")                                                     \
    X(DURATION, "duration")                                                 \
    X(STRING, "string")                                                     \
    X(LIST, "list")                                                         \
    X(MAP, "map")                                                           \
    X(NAME, "name")                                                         \
    X(FIELD, "field")                                                       \
    X(INDEX, "index")                                                       \
    X(CALL, "call")                                                         \
    X(UNARY, "unary")                                                       \
    X(BINARY, "binary")

typedef enum ast_kind {
#define AST_ENUM(e, s) AST_##e,
    AST_KINDS(AST_ENUM)
#undef AST_ENUM
    AST_KIND_COUNT
} ast_kind_t;

/* X(ENUM, "spelling") for operators, in the order of the tree dump. */
#define AST_OPS(X)                                                          \
    X(OR, "or") X(AND, "and") X(NOT, "not")                                 \
    X(EQ, "==") X(NE, "!=") X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=")   \
    X(ADD, "+") X(SUB, "-") X(MUL, "*") X(DIV, "/") X(MOD, "%")             \
    X(NEG, "-")

typedef enum ast_op {
#define AST_OP_ENUM(e, s) AST_OP_##e,
    AST_OPS(AST_OP_ENUM)
#undef AST_OP_ENUM
} ast_op_t;

/* `writes` names a write root of the plan (docs/language.md, "writes"). */
typedef enum ast_meta_key { AST_META_VERSION, AST_META_DESCRIPTION,
                            AST_META_REQUIRES,
                            AST_META_WRITES } ast_meta_key_t;

typedef enum ast_hook_when { AST_HOOK_FAILURE, AST_HOOK_SUCCESS,
                             AST_HOOK_FINALLY } ast_hook_when_t;

typedef enum ast_decision_kind { AST_DECIDE_RETRY, AST_DECIDE_SKIP,
                                 AST_DECIDE_FAIL,
                                 AST_DECIDE_ROLLBACK } ast_decision_kind_t;

typedef enum ast_backoff_kind { AST_BACKOFF_NONE, AST_BACKOFF_FIXED,
                                AST_BACKOFF_LINEAR,
                                AST_BACKOFF_EXPONENTIAL } ast_backoff_kind_t;

typedef enum ast_jitter_kind { AST_JITTER_UNSET, AST_JITTER_NONE,
                               AST_JITTER_FULL,
                               AST_JITTER_EQUAL } ast_jitter_kind_t;

typedef struct ast_node ast_node_t;

/* A name as written, with where it was written. NAME is NUL-terminated. */
typedef struct ast_ident {
    const char *name;
    src_span_t span;
} ast_ident_t;

/* A growable array in the arena; growing abandons the old array there. */
typedef struct ast_list {
    ast_node_t **items;
    uint32_t len, cap;
} ast_list_t;

typedef struct ast_idents {
    ast_ident_t *items;
    uint32_t len, cap;
} ast_idents_t;

/* One piece of a string literal: text (with escapes decoded; may hold NUL
 * bytes, so LEN counts) or an interpolated expression. */
typedef struct ast_str_part {
    const char *text;   /* NULL for an interpolation */
    uint32_t len;
    uint32_t cap;       /* bytes TEXT has room for, while the parse grows it */
    ast_node_t *expr;   /* the ${...} expression, or NULL for text */
} ast_str_part_t;

/* A call argument or a map entry: NAME is empty ("") for positional. */
typedef struct ast_arg {
    ast_ident_t name;
    ast_node_t *value;
} ast_arg_t;

typedef struct ast_string {
    ast_str_part_t *parts;
    uint32_t n_parts, cap;
} ast_string_t;

typedef struct ast_args {
    ast_arg_t *items;
    uint32_t len, cap;
    /* While the parser builds a long list: its names hashed (open
     * addressing, entry index + 1, 0 empty), so that checking that each
     * is given once costs O(1) a name. NULL for short lists. */
    uint32_t *slots;
    uint32_t nslots;
} ast_args_t;

struct ast_node {
    ast_kind_t kind;
    src_span_t span;
    uint32_t depth;     /* nesting depth of this subtree, for the limit */
    union {
        struct { ast_meta_key_t key; ast_node_t *value; } meta;
        /* PARAM, ASSIGN and LET: NAME = VALUE */
        struct { ast_ident_t name; ast_node_t *value; } binding;
        struct { ast_ident_t name; ast_list_t assigns; } profile;
        struct { ast_node_t *path; ast_ident_t alias; } lua;
        struct { ast_ident_t name; ast_ident_t parent; } error_decl;
        /* breaker "TARGET" { failures: N, ... }: TARGET a STRING node (an
         * action or a namespace "file.*"), CONFIG a MAP node. */
        struct { ast_node_t *target; ast_node_t *config; } breaker;
        struct { ast_ident_t name; ast_idents_t after; ast_list_t body; } stage;
        struct { ast_hook_when_t when; ast_list_t body; } hook;
        struct {
            ast_ident_t name;
            ast_node_t *call;       /* a CALL node */
            ast_node_t *undo;       /* a CALL node, or NULL */
            ast_node_t *timeout;    /* or NULL */
            ast_node_t *when;       /* or NULL */
        } step;
        struct { ast_ident_t name; } checkpoint;
        struct { ast_ident_t name; } snapshot;
        struct {
            ast_ident_t var;
            ast_node_t *iterable;
            ast_node_t *parallel;   /* or NULL: one item at a time */
            /* after NAMES: per item, the names of the items it waits for
             * (a name or a list of names), or NULL: list order */
            ast_node_t *after;
            /* tolerate N / tolerate N%: a NUMBER node (its span the number
             * alone), or NULL: no item may fail */
            const ast_node_t *tolerate;
            bool tolerate_percent;
            ast_list_t body;
        } foreach;
        struct {
            ast_node_t *attempts;
            ast_backoff_kind_t backoff;
            src_span_t backoff_span;
            ast_args_t backoff_args;    /* named: delay, base, step, factor, max */
            ast_jitter_kind_t jitter;
            src_span_t jitter_span;
            ast_idents_t on;            /* empty: every class */
            ast_node_t *timeout;        /* per attempt, or NULL */
            src_span_t timeout_span;    /* 'timeout EXPR' */
            ast_node_t *deadline;       /* since the block began, or NULL */
            src_span_t deadline_span;   /* 'deadline EXPR' */
            ast_list_t body;
        } retry;
        struct {
            ast_idents_t classes;       /* "*" stands for every class */
            ast_node_t *handler;        /* NAME/FIELD or CALL, or NULL for a block */
            ast_list_t body;            /* the block handler */
        } recover;
        struct { ast_node_t *cond; ast_node_t *message; } verify;
        struct {
            ast_node_t *cond;
            ast_list_t then_body;
            ast_list_t else_body;       /* an else-if is one IF in here */
            bool has_else;
        } if_;
        struct {
            ast_decision_kind_t what;
            ast_node_t *value;          /* retry with VALUE, skip/fail VALUE */
            ast_ident_t target;         /* rollback to TARGET */
        } decision;
        /* expressions */
        bool boolean;
        struct { double value; bool is_integer; } number;
        struct { int64_t ms; } duration;
        ast_string_t string;
        ast_list_t list;
        ast_args_t map;
        ast_ident_t name;
        struct { ast_node_t *object; ast_ident_t field; } field;
        struct { ast_node_t *object; ast_node_t *index; } index;
        struct { ast_node_t *callee; ast_args_t args; } call;
        struct { ast_op_t op; ast_node_t *operand; } unary;
        struct { ast_op_t op; ast_node_t *left, *right; } binary;
    } u;
};

/* The whole plan: migration NAME { ITEMS }. */
typedef struct ast_plan {
    ast_node_t *name;       /* a STRING node */
    src_span_t span;
    ast_list_t items;       /* plan items and plan-level statements, in order */
} ast_plan_t;

/* Names for dumps and messages. */
const char *ast_kind_name(ast_kind_t k);
const char *ast_op_name(ast_op_t op);
const char *ast_backoff_name(ast_backoff_kind_t k);
const char *ast_jitter_name(ast_jitter_kind_t k);
const char *ast_decision_name(ast_decision_kind_t k);
const char *ast_hook_name(ast_hook_when_t w);
const char *ast_meta_name(ast_meta_key_t k);

/* Constructors used by the parser; all return NULL when out of memory.
 * A node is allocated with room for its own kind's member of the union
 * only: never write another kind's member into it. */
ast_node_t *ast_new(arena_t *a, ast_kind_t kind, const src_span_t *span);
bool ast_list_push(arena_t *a, ast_list_t *l, ast_node_t *n);
bool ast_idents_push(arena_t *a, ast_idents_t *l, ast_ident_t id);
bool ast_args_push(arena_t *a, ast_args_t *l, ast_arg_t arg);
/* Appends a piece to STR. TEXT must be arena memory that STR may take
 * over and grow (the scanner's copy of a token), or NULL with EXPR set. */
bool ast_string_push(arena_t *a, ast_node_t *str, char *text, uint32_t len,
                     ast_node_t *expr);

/* True when STR has no interpolation; then *TEXT and *LEN give its bytes
 * (an empty string gives "" and 0). */
bool ast_string_is_plain(const ast_node_t *str, const char **text,
                         uint32_t *len);

/* Appends the dotted name that E spells (a NAME, or FIELDs of a NAME:
 * `file.write`) to OUT; false, with nothing appended, when E is any other
 * expression. Callees of actions and handlers are written this way. */
bool ast_dotted_name(const ast_node_t *e, strbuf_t *out);
/* The NAME a dotted name starts with (`file` of file.write), or NULL when
 * E is not a dotted name. */
const ast_node_t *ast_dotted_root(const ast_node_t *e);

/* Counts the statements of KIND anywhere in PLAN, nested blocks included. */
uint32_t ast_count(const ast_plan_t *plan, ast_kind_t kind);

/* Appends a readable, deterministic outline of PLAN to *BUF (malloc'd,
 * grown as needed; *LEN counts its bytes). Used by `mig check --tree` and
 * the parse tests. Returns MIG_ENOMEM or MIG_OK. */
mig_status_t ast_dump(const ast_plan_t *plan, char **buf, size_t *len);

#endif
