/* import_props.c: the properties of each kind of node, as `mig import`
 * checks and prints them, and the plan header (docs/export.md lists both;
 * mig_graph_props.c writes them). One table row per kind says which
 * properties it has and how its statement is printed. */
#include <string.h>

#include "import_int.h"

/* ---- what properties hold ----------------------------------------------- */

typedef enum ptype {
    P_NAME,         /* a name a plan binds: "tool" */
    P_EXPR,         /* an expression: "len(found) > 0" */
    P_ACTION,       /* a dotted name: "file.write" */
    P_HANDLER,      /* a dotted name, or a call of one */
    P_STRING,       /* any string: a Lua module's path */
    P_ARGS,         /* [{"name": N, "value": EXPR}, ...], name optional */
    P_ASSIGNS,      /* [{"name": NAME, "value": EXPR}, ...] */
    P_CALL,         /* {"action": ACTION, "arguments": ARGS} */
    P_NAMES,        /* [NAME, ...] */
    P_CLASSES,      /* [CLASS, ...], "*" allowed */
    P_BACKOFF,      /* {"kind": KIND, "arguments": {NAME: EXPR}} */
    P_ENUM,         /* one of CHOICES */
    P_TOLERANCE,    /* a plain number, maybe with '%': "2", "5%", "2.5%" */
} ptype_t;

typedef struct pspec {
    const char *key;
    ptype_t type;
    bool required;
    const char *const *choices;     /* P_ENUM */
    bool nullable;                  /* null stands for "not given" */
} pspec_t;

static const char *const hook_whens[] = { "on failure", "on success",
                                          "finally", NULL };
static const char *const decisions[] = { "retry", "skip", "fail",
                                         "rollback", NULL };
static const char *const jitters[] = { "none", "full", "equal", NULL };
static const char *const backoffs[] = { "fixed", "linear", "exponential",
                                        NULL };
static const char *const backoff_args[] = { "delay", "base", "step",
                                            "factor", "max", NULL };

/* Rows of the tables below: a required or optional property, and one of
 * a set of words. */
#define REQ(k, t) { .key = (k), .type = (t), .required = true }
#define OPT(k, t) { .key = (k), .type = (t) }
#define WORDS(k, req, list) { .key = (k), .type = P_ENUM, .required = (req), \
                              .choices = (list) }
#define END { .key = NULL }

static const pspec_t stage_spec[] = {
    REQ("name", P_NAME), OPT("after", P_NAMES), END };
static const pspec_t step_spec[] = {
    REQ("name", P_NAME), REQ("action", P_ACTION), OPT("arguments", P_ARGS),
    OPT("undo", P_CALL), OPT("timeout", P_EXPR), OPT("when", P_EXPR), END };
static const pspec_t checkpoint_spec[] = { REQ("name", P_NAME), END };
static const pspec_t snapshot_spec[] = { REQ("name", P_NAME), END };
static const pspec_t verify_spec[] = {
    REQ("condition", P_EXPR), OPT("message", P_EXPR), END };
static const pspec_t let_spec[] = {
    REQ("name", P_NAME), REQ("value", P_EXPR), END };
static const pspec_t if_spec[] = { REQ("condition", P_EXPR), END };
static const pspec_t foreach_spec[] = {
    REQ("variable", P_NAME), REQ("iterable", P_EXPR), OPT("parallel", P_EXPR),
    OPT("after", P_EXPR), OPT("tolerate", P_TOLERANCE), END };
static const pspec_t retry_spec[] = {
    REQ("attempts", P_EXPR), OPT("backoff", P_BACKOFF),
    WORDS("jitter", false, jitters), OPT("timeout", P_EXPR),
    OPT("deadline", P_EXPR), OPT("on", P_CLASSES), END };
static const pspec_t recover_spec[] = {
    REQ("classes", P_CLASSES), OPT("handler", P_HANDLER), END };
static const pspec_t decision_spec[] = {
    WORDS("decision", true, decisions), OPT("value", P_EXPR),
    OPT("target", P_NAME), END };
static const pspec_t hook_spec[] = { WORDS("when", true, hook_whens), END };
static const pspec_t no_spec[] = { END };

/* ---- checking ---------------------------------------------------------- */

/* The string member KEY of OBJ (checked), or NULL. */
static const char *pstr(const val_t *obj, const char *key)
{
    const val_t *v = val_map_get(obj, key, strlen(key));
    return v && val_type(v) == VAL_STRING ? imp_str(v) : NULL;
}

static void check_enum(imp_t *im, const char *path, const char *s,
                       const char *const *choices)
{
    for (size_t k = 0; choices[k]; k++)
        if (strcmp(s, choices[k]) == 0)
            return;
    strbuf_t t;
    strbuf_init(&t);
    for (size_t k = 0; choices[k]; k++)
        strbuf_printf(&t, "%s'%s'", k ? ", " : "", choices[k]);
    imp_error(im, "%s: expected one of %s, found '%s'", path,
              t.data ? t.data : "", s);
    strbuf_free(&t);
}

/* Checks a list of NAME: VALUE pairs at PATH: call arguments (ASSIGN
 * false: the name is optional, and may be a reserved word) or a profile's
 * assignments (a name of a parameter). */
static void check_pairs(imp_t *im, const char *path, const val_t *l,
                        bool assign)
{
    static const char *const keys[] = { "name", "value", NULL };
    for (uint32_t j = 0; j < val_len(l); j++) {
        const val_t *a = val_list_get(l, j);
        imp_path_t p;
        imp_path(&p, "%s[%u]", path, j);
        if (val_type(a) != VAL_MAP) {
            imp_error(im, "%s: expected an object, found %s", p.s,
                      imp_type_text(a));
            continue;
        }
        imp_only(im, a, p.s, keys);
        const val_t *n = imp_member(im, a, p.s, "name", IMP_T(STRING), assign);
        const val_t *v = imp_member(im, a, p.s, "value", IMP_T(STRING), true);
        imp_path_t q;
        imp_path(&q, "%s.name", p.s);
        if (n && assign)
            imp_check_name(im, q.s, n, false);
        else if (n)
            imp_check_arg_name(im, q.s, n);
        imp_path(&q, "%s.value", p.s);
        if (v)
            imp_check_text(im, q.s, v, IMP_TEXT_EXPR);
    }
}

/* Checks a list of names (CLASS: error classes, "*" allowed) at PATH. */
static void check_names(imp_t *im, const char *path, const val_t *l,
                        bool class_)
{
    for (uint32_t j = 0; j < val_len(l); j++) {
        const val_t *v = val_list_get(l, j);
        imp_path_t p;
        imp_path(&p, "%s[%u]", path, j);
        if (val_type(v) != VAL_STRING)
            imp_error(im, "%s: expected a string, found %s", p.s,
                      imp_type_text(v));
        else
            imp_check_name(im, p.s, v, class_);
    }
}

static void check_backoff(imp_t *im, const char *path, const val_t *b)
{
    static const char *const keys[] = { "kind", "arguments", NULL };
    imp_only(im, b, path, keys);
    const val_t *kind = imp_member(im, b, path, "kind", IMP_T(STRING), true);
    const val_t *args = imp_member(im, b, path, "arguments", IMP_T(MAP),
                                   false);
    imp_path_t p;
    if (kind) {
        imp_path(&p, "%s.kind", path);
        check_enum(im, p.s, imp_str(kind), backoffs);
    }
    if (!args)
        return;
    imp_path(&p, "%s.arguments", path);
    imp_only(im, args, p.s, backoff_args);
    for (size_t j = 0; j < val_len(args); j++) {
        const val_t *v = val_map_value(args, j);
        imp_path_t q;
        imp_path(&q, "%s.%s", p.s, imp_str(val_map_key(args, j)));
        if (val_type(v) != VAL_STRING)
            imp_error(im, "%s: expected a string, found %s", q.s,
                      imp_type_text(v));
        else
            imp_check_text(im, q.s, v, IMP_TEXT_EXPR);
    }
}

/* Whether S is DIGITS[.DIGITS][e[+-]DIGITS] and then at most a '%': the
 * number of a tolerance as the scanner reads one. Its range is the
 * parser's to check, when the printed plan is compiled. */
static bool tolerance_shape(const char *s)
{
    size_t i = strspn(s, "0123456789");
    if (i == 0)
        return false;
    if (s[i] == '.') {
        size_t n = strspn(s + i + 1, "0123456789");
        if (n == 0)
            return false;
        i += 1 + n;
    }
    if (s[i] == 'e' || s[i] == 'E') {
        i++;
        if (s[i] == '+' || s[i] == '-')
            i++;
        size_t n = strspn(s + i, "0123456789");
        if (n == 0)
            return false;
        i += n;
    }
    if (s[i] == '%')
        i++;
    return s[i] == '\0';
}

/* Checks one property V (present, of the right JSON type) at PATH. */
static void check_value(imp_t *im, const char *path, const pspec_t *sp,
                        const val_t *v)
{
    static const char *const call_keys[] = { "action", "arguments", NULL };
    imp_path_t p;
    switch (sp->type) {
    case P_NAME: imp_check_name(im, path, v, false); break;
    case P_EXPR: imp_check_text(im, path, v, IMP_TEXT_EXPR); break;
    case P_ACTION: imp_check_text(im, path, v, IMP_TEXT_ACTION); break;
    case P_HANDLER: imp_check_text(im, path, v, IMP_TEXT_HANDLER); break;
    case P_STRING: break;
    case P_ARGS: check_pairs(im, path, v, false); break;
    case P_ASSIGNS: check_pairs(im, path, v, true); break;
    case P_NAMES: check_names(im, path, v, false); break;
    case P_CLASSES: check_names(im, path, v, true); break;
    case P_BACKOFF: check_backoff(im, path, v); break;
    case P_ENUM: check_enum(im, path, imp_str(v), sp->choices); break;
    case P_TOLERANCE:
        if (!tolerance_shape(imp_str(v)))
            imp_error(im, "%s: '%s' is not a tolerance: write a count of "
                      "items like \"2\" or a share like \"5%%\"", path,
                      imp_str(v));
        break;
    case P_CALL: {
        imp_only(im, v, path, call_keys);
        const val_t *a = imp_member(im, v, path, "action", IMP_T(STRING), true);
        const val_t *l = imp_member(im, v, path, "arguments", IMP_T(LIST),
                                    false);
        imp_path(&p, "%s.action", path);
        if (a)
            imp_check_text(im, p.s, a, IMP_TEXT_ACTION);
        imp_path(&p, "%s.arguments", path);
        if (l)
            check_pairs(im, p.s, l, false);
        break;
    }
    }
}

static unsigned json_types(ptype_t t)
{
    switch (t) {
    case P_ARGS: case P_ASSIGNS: case P_NAMES: case P_CLASSES:
        return IMP_T(LIST);
    case P_CALL: case P_BACKOFF: return IMP_T(MAP);
    default: return IMP_T(STRING);
    }
}

/* ---- printing ----------------------------------------------------------- */

static void put(imp_t *im, const char *s)
{
    strbuf_puts(im->out, s);
}

/* Appends the strings of list L joined by ", ". */
static void put_list(imp_t *im, const val_t *l)
{
    for (uint32_t j = 0; l && j < val_len(l); j++) {
        put(im, j ? ", " : "");
        put(im, imp_str(val_list_get(l, j)));
    }
}

/* ACTION(NAME: VALUE, ...) from the members of OBJ. */
static void put_call(imp_t *im, const val_t *obj)
{
    imp_put_text(im, pstr(obj, "action"));
    put(im, "(");
    const val_t *args = val_map_get(obj, "arguments", 9);
    for (uint32_t j = 0; args && j < val_len(args); j++) {
        const val_t *a = val_list_get(args, j);
        put(im, j ? ", " : "");
        if (pstr(a, "name")) {
            put(im, pstr(a, "name"));
            put(im, ": ");
        }
        imp_put_text(im, pstr(a, "value"));
    }
    put(im, ")");
}

/* " WORD TEXT" when OBJ has KEY. */
static void put_clause(imp_t *im, const val_t *obj, const char *word,
                       const char *key)
{
    const char *t = pstr(obj, key);
    if (!t)
        return;
    strbuf_printf(im->out, " %s ", word);
    imp_put_text(im, t);
}

typedef void (*print_fn)(imp_t *im, uint32_t i, const val_t *p, int depth);

static void print_stage(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    const val_t *after = val_map_get(p, "after", 5);
    strbuf_printf(im->out, "stage %s", pstr(p, "name"));
    if (after && val_len(after)) {
        put(im, " after ");
        put_list(im, after);
    }
    imp_block(im, i, MGRAPH_GROUP_STAGE, depth);
}

static void print_step(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    (void)i, (void)depth;
    strbuf_printf(im->out, "step %s = ", pstr(p, "name"));
    put_call(im, p);
    const val_t *undo = val_map_get(p, "undo", 4);
    if (undo) {
        put(im, " undo ");
        put_call(im, undo);
    }
    put_clause(im, p, "timeout", "timeout");
    put_clause(im, p, "when", "when");
}

static void print_checkpoint(imp_t *im, uint32_t i, const val_t *p, int d)
{
    (void)i, (void)d;
    strbuf_printf(im->out, "checkpoint %s", pstr(p, "name"));
}

static void print_snapshot(imp_t *im, uint32_t i, const val_t *p, int d)
{
    (void)i, (void)d;
    strbuf_printf(im->out, "snapshot %s", pstr(p, "name"));
}

static void print_verify(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    (void)i, (void)depth;
    put(im, "verify ");
    imp_put_text(im, pstr(p, "condition"));
    put_clause(im, p, "else", "message");
}

static void print_let(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    (void)i, (void)depth;
    strbuf_printf(im->out, "let %s = ", pstr(p, "name"));
    imp_put_text(im, pstr(p, "value"));
}

/* An else branch holding only an if is written `else if`. */
static void print_if(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    put(im, "if ");
    imp_put_text(im, pstr(p, "condition"));
    imp_block(im, i, MGRAPH_GROUP_THEN, depth);
    uint32_t only;
    if (imp_block_count(im, i, MGRAPH_GROUP_ELSE, &only) == 0)
        return;
    put(im, " else");
    if (only != GRAPH_NONE && im->nodes[only].kind == GRAPH_BRANCH) {
        put(im, " ");
        imp_stmt(im, only, depth, true);
    } else {
        imp_block(im, i, MGRAPH_GROUP_ELSE, depth);
    }
}

static void print_foreach(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    strbuf_printf(im->out, "foreach %s in ", pstr(p, "variable"));
    imp_put_text(im, pstr(p, "iterable"));
    put_clause(im, p, "parallel", "parallel");
    put_clause(im, p, "after", "after");
    put_clause(im, p, "tolerate", "tolerate");
    imp_block(im, i, MGRAPH_GROUP_FOREACH, depth);
}

static void print_retry(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    put(im, "retry ");
    imp_put_text(im, pstr(p, "attempts"));
    const val_t *b = val_map_get(p, "backoff", 7);
    if (b) {
        strbuf_printf(im->out, " backoff %s(", pstr(b, "kind"));
        const val_t *args = val_map_get(b, "arguments", 9);
        for (size_t j = 0; args && j < val_len(args); j++) {
            strbuf_printf(im->out, "%s%s: ", j ? ", " : "",
                          imp_str(val_map_key(args, j)));
            imp_put_text(im, imp_str(val_map_value(args, j)));
        }
        put(im, ")");
    }
    if (pstr(p, "jitter"))
        strbuf_printf(im->out, " jitter %s", pstr(p, "jitter"));
    put_clause(im, p, "timeout", "timeout");
    put_clause(im, p, "deadline", "deadline");
    const val_t *on = val_map_get(p, "on", 2);
    if (on && val_len(on)) {
        put(im, " on ");
        put_list(im, on);
    }
    imp_block(im, i, MGRAPH_GROUP_RETRY, depth);
}

static void print_recover(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    put(im, "recover ");
    put_list(im, val_map_get(p, "classes", 7));
    if (pstr(p, "handler"))
        put_clause(im, p, "with", "handler");
    else
        imp_block(im, i, MGRAPH_GROUP_RECOVER, depth);
}

static void print_decision(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    (void)i, (void)depth;
    const char *d = pstr(p, "decision");
    put(im, d);
    if (strcmp(d, "rollback") == 0)
        strbuf_printf(im->out, " to %s", pstr(p, "target"));
    if (!pstr(p, "value"))
        return;
    put(im, strcmp(d, "retry") == 0 ? " with " : " ");
    imp_put_text(im, pstr(p, "value"));
}

/* A hook whose whole body is `rollback to C` is written short:
 * `on failure rollback to C`. */
static void print_hook(imp_t *im, uint32_t i, const val_t *p, int depth)
{
    const char *when = pstr(p, "when");
    put(im, when);
    uint32_t only;
    if (strcmp(when, "finally") != 0 &&
        imp_block_count(im, i, MGRAPH_GROUP_HOOK, &only) == 1 &&
        im->nodes[only].kind == GRAPH_DECISION &&
        strcmp(pstr(im->nodes[only].props, "decision"), "rollback") == 0 &&
        !pstr(im->nodes[only].props, "value")) {
        put(im, " ");
        imp_stmt(im, only, depth, true);
        return;
    }
    imp_block(im, i, MGRAPH_GROUP_HOOK, depth);
}

/* Per kind: its properties and how its statement is printed; derived
 * kinds (no PRINT) have no properties and are not statements. */
static const struct {
    const pspec_t *spec;
    print_fn print;
} kinds[GRAPH_NODE_KIND_COUNT] = {
    [GRAPH_STAGE_ENTER] = { stage_spec, print_stage },
    [GRAPH_STEP] = { step_spec, print_step },
    [GRAPH_CHECKPOINT] = { checkpoint_spec, print_checkpoint },
    [GRAPH_SNAPSHOT] = { snapshot_spec, print_snapshot },
    [GRAPH_VERIFY] = { verify_spec, print_verify },
    [GRAPH_LET] = { let_spec, print_let },
    [GRAPH_BRANCH] = { if_spec, print_if },
    [GRAPH_FANOUT] = { foreach_spec, print_foreach },
    [GRAPH_RETRY_ENTER] = { retry_spec, print_retry },
    [GRAPH_RECOVER] = { recover_spec, print_recover },
    [GRAPH_DECISION] = { decision_spec, print_decision },
    [GRAPH_HOOK_ENTER] = { hook_spec, print_hook },
};

bool imp_kind_is_stmt(graph_node_kind_t k)
{
    return k < GRAPH_NODE_KIND_COUNT && kinds[k].print;
}

void imp_print_node(imp_t *im, uint32_t i, int depth)
{
    kinds[im->nodes[i].kind].print(im, i, im->nodes[i].props, depth);
}

/* The rules properties cannot say one by one. */
static void check_combined(imp_t *im, uint32_t i, const char *path)
{
    const inode_t *n = &im->nodes[i];
    const val_t *p = n->props;
    if (n->kind == GRAPH_RECOVER) {
        const val_t *cls = val_map_get(p, "classes", 7);
        if (cls && val_type(cls) == VAL_LIST && val_len(cls) == 0)
            imp_error(im, "%s.classes: a recover names at least one class "
                      "('*' for every class)", path);
        if (pstr(p, "handler") && n->opens[MGRAPH_GROUP_RECOVER] != GRAPH_NONE)
            imp_error(im, "%s: a recover has a handler or a block, not both: "
                      "drop 'handler' or groups[%u]", path,
                      n->opens[MGRAPH_GROUP_RECOVER]);
    }
    if (n->kind == GRAPH_DECISION && pstr(p, "decision")) {
        bool rollback = strcmp(pstr(p, "decision"), "rollback") == 0;
        if (rollback && !val_map_get(p, "target", 6))
            imp_error(im, "%s: missing member 'target': a rollback names "
                      "the checkpoint it goes back to", path);
        if (!rollback && val_map_get(p, "target", 6))
            imp_error(im, "%s.target: only a rollback has a target", path);
        if (rollback && val_map_get(p, "value", 5))
            imp_error(im, "%s.value: a rollback takes no value", path);
    }
}

/* Checks the members of OBJ at PATH against SPEC: each known one, and no
 * other. */
static void check_members(imp_t *im, const val_t *obj, const char *path,
                          const pspec_t *spec)
{
    const char *keys[16];
    size_t nk = 0;
    for (const pspec_t *sp = spec; sp->key; sp++) {
        keys[nk++] = sp->key;
        unsigned types = json_types(sp->type) |
                         (sp->nullable ? IMP_T(NULL) : 0);
        const val_t *v = imp_member(im, obj, path, sp->key, types,
                                    sp->required);
        imp_path_t p;
        imp_path(&p, "%s.%s", path, sp->key);
        if (v && val_type(v) != VAL_NULL)
            check_value(im, p.s, sp, v);
    }
    keys[nk] = NULL;
    imp_only(im, obj, path, keys);
}

bool imp_check_props(imp_t *im, uint32_t i)
{
    const inode_t *n = &im->nodes[i];
    size_t errors = im->diags->errors;
    imp_path_t path;
    imp_path(&path, "nodes[%u].properties", i);
    check_members(im, n->props, path.s,
                  kinds[n->kind].spec ? kinds[n->kind].spec : no_spec);
    if (im->diags->errors == errors)
        check_combined(im, i, path.s);
    return im->diags->errors == errors;
}

/* ---- the plan header ----------------------------------------------------- */

static const char *const plan_keys[] = {
    "name", "version", "description", "requires", "writes", "params",
    "profiles", "lua", "errors", "breakers", NULL };

/* What each list of the header holds: the members of its items. */
typedef struct hlist {
    const char *key;            /* "params" */
    const pspec_t *spec;
    imp_origin_t origin;
} hlist_t;

static const pspec_t param_spec[] = {
    REQ("name", P_NAME), REQ("default", P_EXPR), END };
static const pspec_t profile_spec[] = {
    REQ("name", P_NAME), OPT("assignments", P_ASSIGNS), END };
static const pspec_t lua_spec[] = {
    REQ("path", P_STRING), REQ("alias", P_NAME), END };
/* A class declared without a parent has "parent": null. */
static const pspec_t error_spec[] = {
    REQ("name", P_NAME),
    { .key = "parent", .type = P_NAME, .nullable = true }, END };

/* A breaker's settings are a map literal; the compile of the printed
 * plan says so of anything else. */
static const pspec_t breaker_spec[] = {
    REQ("target", P_STRING), REQ("settings", P_EXPR), END };

static const hlist_t hlists[] = {
    { "params", param_spec, IMP_FROM_PARAM },
    { "profiles", profile_spec, IMP_FROM_PROFILE },
    { "lua", lua_spec, IMP_FROM_LUA },
    { "errors", error_spec, IMP_FROM_ERROR },
    { "breakers", breaker_spec, IMP_FROM_BREAKER },
};

/* Checks item J of the header list H. */
static void check_item(imp_t *im, const hlist_t *h, uint32_t j,
                       const val_t *item)
{
    imp_path_t path;
    imp_path(&path, "plan.%s[%u]", h->key, j);
    if (val_type(item) != VAL_MAP) {
        imp_error(im, "%s: expected an object, found %s", path.s,
                  imp_type_text(item));
        return;
    }
    check_members(im, item, path.s, h->spec);
}

void imp_check_header(imp_t *im)
{
    const val_t *plan = im->plan;
    imp_only(im, plan, "plan", plan_keys);
    imp_member(im, plan, "plan", "name", IMP_T(STRING), true);
    imp_member(im, plan, "plan", "version", IMP_T(STRING) | IMP_T(NULL),
               false);
    imp_member(im, plan, "plan", "description", IMP_T(STRING) | IMP_T(NULL),
               false);
    static const char *const strings[] = { "requires", "writes" };
    for (size_t s = 0; s < 2; s++) {
        const val_t *l = imp_member(im, plan, "plan", strings[s], IMP_T(LIST),
                                    false);
        for (uint32_t j = 0; l && j < val_len(l); j++)
            if (val_type(val_list_get(l, j)) != VAL_STRING)
                imp_error(im, "plan.%s[%u]: expected a string, found %s",
                          strings[s], j, imp_type_text(val_list_get(l, j)));
    }
    for (size_t h = 0; h < sizeof hlists / sizeof *hlists; h++) {
        const val_t *l = imp_member(im, plan, "plan", hlists[h].key,
                                    IMP_T(LIST), false);
        for (uint32_t j = 0; l && j < val_len(l); j++)
            check_item(im, &hlists[h], j, val_list_get(l, j));
    }
}

/* Prints a quoted string item `WORD "TEXT"`, from ORIGIN INDEX. */
static void put_meta(imp_t *im, const char *word, const val_t *v,
                     imp_origin_t origin, uint32_t index)
{
    size_t begin = im->out->len;
    strbuf_printf(im->out, "  %s ", word);
    strbuf_put_quoted(im->out, imp_str(v), val_len(v));
    imp_range(im, begin, origin, index);
    put(im, "\n");
}

static void print_item(imp_t *im, imp_origin_t origin, const val_t *it)
{
    const val_t *l;
    switch (origin) {
    case IMP_FROM_PARAM:
        strbuf_printf(im->out, "param %s = ", pstr(it, "name"));
        imp_put_text(im, pstr(it, "default"));
        break;
    case IMP_FROM_PROFILE:
        strbuf_printf(im->out, "profile %s", pstr(it, "name"));
        l = val_map_get(it, "assignments", 11);
        if (!l || val_len(l) == 0) {
            put(im, " { }");
            break;
        }
        put(im, " {\n");
        for (uint32_t k = 0; k < val_len(l); k++) {
            const val_t *a = val_list_get(l, k);
            strbuf_printf(im->out, "    %s = ", pstr(a, "name"));
            imp_put_text(im, pstr(a, "value"));
            put(im, "\n");
        }
        put(im, "  }");
        break;
    case IMP_FROM_LUA:
        put(im, "lua ");
        l = val_map_get(it, "path", 4);
        strbuf_put_quoted(im->out, imp_str(l), val_len(l));
        strbuf_printf(im->out, " as %s", pstr(it, "alias"));
        break;
    case IMP_FROM_BREAKER:
        put(im, "breaker ");
        l = val_map_get(it, "target", 6);
        strbuf_put_quoted(im->out, imp_str(l), val_len(l));
        put(im, " ");
        imp_put_text(im, pstr(it, "settings"));
        break;
    default:
        strbuf_printf(im->out, "error %s", pstr(it, "name"));
        if (pstr(it, "parent"))
            strbuf_printf(im->out, " : %s", pstr(it, "parent"));
        break;
    }
}

bool imp_print_header(imp_t *im)
{
    const val_t *plan = im->plan;
    const val_t *name = val_map_get(plan, "name", 4);
    put(im, "migration ");
    strbuf_put_quoted(im->out, imp_str(name), val_len(name));
    put(im, " {\n");
    bool any = false;
    static const char *const once[] = { "version", "description" };
    for (uint32_t k = 0; k < 2; k++) {
        const val_t *v = val_map_get(plan, once[k], strlen(once[k]));
        if (v && val_type(v) == VAL_STRING) {
            put_meta(im, once[k], v, IMP_FROM_META, k);
            any = true;
        }
    }
    const val_t *req = val_map_get(plan, "requires", 8);
    for (uint32_t j = 0; req && j < val_len(req); j++) {
        put_meta(im, "requires", val_list_get(req, j), IMP_FROM_META, 2 + j);
        any = true;
    }
    const val_t *wr = val_map_get(plan, "writes", 6);
    for (uint32_t j = 0; wr && j < val_len(wr); j++) {
        put_meta(im, "writes", val_list_get(wr, j), IMP_FROM_WRITES, j);
        any = true;
    }
    for (size_t h = 0; h < sizeof hlists / sizeof *hlists; h++) {
        const val_t *l = val_map_get(plan, hlists[h].key,
                                     strlen(hlists[h].key));
        for (uint32_t j = 0; l && j < val_len(l); j++) {
            if (j == 0 && any)
                put(im, "\n");
            size_t begin = im->out->len;
            put(im, "  ");
            print_item(im, hlists[h].origin, val_list_get(l, j));
            imp_range(im, begin, hlists[h].origin, j);
            put(im, "\n");
        }
        any = any || (l && val_len(l));
    }
    return any;
}
