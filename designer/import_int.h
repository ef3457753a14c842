/* import_int.h: what the files of `mig import` share. import.c reads the
 * mig-graph document and walks its groups; import_props.c checks and
 * prints each kind of node and the plan header; import_text.c checks the
 * mig source a property holds and compiles the printed plan, naming the
 * JSON path of whatever is wrong. */
#ifndef MIG_IMPORT_INT_H
#define MIG_IMPORT_INT_H

#include "mig_graph_int.h"

/* A JSON path for messages: "nodes[3].properties.arguments[1].value". */
#define IMP_PATH_MAX 128
typedef struct imp_path {
    char s[IMP_PATH_MAX];
} imp_path_t;

/* One node of the document. */
typedef struct inode {
    const char *id;             /* borrowed from the document */
    graph_node_kind_t kind;     /* GRAPH_NODE_KIND_COUNT: unknown */
    const val_t *props;         /* its properties (a map), or NULL */
    uint32_t group;             /* the group holding it, or GRAPH_NONE */
    uint32_t opens[MGRAPH_GROUP_KIND_COUNT];   /* groups it opens, or NONE */
    bool printed;
} inode_t;

/* One group of the document. */
typedef struct igroup {
    const char *id;
    mgraph_group_kind_t kind;
    uint32_t node;              /* the node opening it */
    uint32_t first, count;      /* its members: imp_t.members[first...] */
} igroup_t;

/* What a stretch of the printed plan came from, so that an error the
 * compiler finds there can name it: a node, or an item of the header. */
typedef enum imp_origin {
    IMP_FROM_NODE, IMP_FROM_PARAM, IMP_FROM_PROFILE, IMP_FROM_LUA,
    IMP_FROM_ERROR, IMP_FROM_BREAKER, IMP_FROM_META, IMP_FROM_WRITES,
} imp_origin_t;

typedef struct imp_range {
    size_t begin, end;          /* bytes of the printed plan */
    imp_origin_t origin;
    uint32_t index;             /* into nodes, or into the header's list */
} imp_range_t;

typedef struct imp {
    src_t *src;                 /* the JSON document */
    diag_list_t *diags;
    strbuf_t *out;              /* the plan being printed */
    size_t out_start;           /* where it starts in OUT */
    const val_t *root, *plan;
    inode_t *nodes;
    uint32_t n_nodes;
    igroup_t *groups;
    uint32_t n_groups;
    uint32_t *members;          /* the groups' members, node indexes */
    size_t n_members, cap_members;
    imp_range_t *ranges;
    size_t n_ranges, cap_ranges;
    bool oom;
} imp_t;

/* Type masks of JSON values, for imp_member. */
#define IMP_T(type) (1u << VAL_##type)

/* ---- import.c -------------------------------------------------------- */

/* Reports an error about the document (no place in it: the message
 * starts with the JSON path). */
void imp_error(imp_t *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets *P to the path FMT formats. */
void imp_path(imp_path_t *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The member KEY of the map OBJ at PATH: NULL, with an error, when it is
 * missing (only if REQUIRED) or not of one of the TYPES (IMP_T masks). */
const val_t *imp_member(imp_t *im, const val_t *obj, const char *path,
                        const char *key, unsigned types, bool required);
/* Reports every member of OBJ at PATH not in KEYS (ended by NULL). */
void imp_only(imp_t *im, const val_t *obj, const char *path,
              const char *const *keys);
/* The bytes of string V (NUL-terminated), borrowed. */
const char *imp_str(const val_t *v);
/* "a string", "an array", "null": V's type in JSON's words. */
const char *imp_type_text(const val_t *v);
/* Prints the block of group kind K that node I opens, as " {", its
 * statements one a line at DEPTH + 1, and "}" at DEPTH (" { }" when
 * there is none). */
void imp_block(imp_t *im, uint32_t i, mgraph_group_kind_t k, int depth);
/* Prints node I's statement (without its line break). INLINE: it goes on
 * after other text on the line (an else if), so no indent. */
void imp_stmt(imp_t *im, uint32_t i, int depth, bool inline_);
/* The statements of the group of kind K node I opens that would be
 * printed; *ONLY gets the one when there is exactly one (else NONE). */
uint32_t imp_block_count(const imp_t *im, uint32_t i, mgraph_group_kind_t k,
                         uint32_t *only);
/* Records that OUT from BEGIN to its end came from ORIGIN INDEX. */
void imp_range(imp_t *im, size_t begin, imp_origin_t origin, uint32_t index);
/* Appends N levels of indentation (two spaces each). */
void imp_indent(imp_t *im, int n);

/* ---- import_props.c ---------------------------------------------------- */

/* Checks node I's properties against its kind (reporting what is wrong).
 * Returns whether they can be printed. */
bool imp_check_props(imp_t *im, uint32_t i);
/* Prints node I's statement head: "step x = f(a: 1) timeout 5s", "stage
 * s after a", and the blocks it opens (imp_block). Properties checked. */
void imp_print_node(imp_t *im, uint32_t i, int depth);
/* Whether nodes of kind K are statements (not derived: exits, joins, undo
 * nodes come back from the statement they belong to). */
bool imp_kind_is_stmt(graph_node_kind_t k);
/* Checks the "plan" member: the plan's name and the items that make no
 * node. */
void imp_check_header(imp_t *im);
/* Prints "migration NAME {" and those items (checked). Returns whether
 * there were any. */
bool imp_print_header(imp_t *im);

/* ---- import_text.c ----------------------------------------------------- */

typedef enum imp_text_kind {
    IMP_TEXT_EXPR,      /* any expression */
    IMP_TEXT_ACTION,    /* a dotted name: file.write */
    IMP_TEXT_HANDLER,   /* a dotted name or a call of one */
} imp_text_kind_t;

/* Checks that string V (at PATH) is one mig expression of the shape WHAT
 * asks, reporting why not. */
bool imp_check_text(imp_t *im, const char *path, const val_t *v,
                    imp_text_kind_t what);
/* Checks that string V (at PATH) is a name a plan may bind: letters,
 * digits and _, not a reserved word; with CLASS, "*" too. */
bool imp_check_name(imp_t *im, const char *path, const val_t *v,
                    bool class_);
/* Checks that string V (at PATH) may stand before ':' in a call: a name,
 * or a reserved word. */
bool imp_check_arg_name(imp_t *im, const char *path, const val_t *v);
/* Appends the mig source TEXT (checked) as one line: graph_put_source. */
void imp_put_text(imp_t *im, const char *text);
/* Parses and compiles the printed plan; reports each error found at the
 * node or header item it came from. MIG_OK, MIG_EINVALID or MIG_ENOMEM. */
mig_status_t imp_compile(imp_t *im, const char *name);

#endif
