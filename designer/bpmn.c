/* bpmn.c: the execution graph as BPMN 2.0 XML with diagram interchange, so
 * that a plan opens in BPMN modelers (bpmn.io, Camunda Modeler). One
 * process: stages are sub-processes, a foreach a multi-instance one, a
 * retry scope a sub-process with its policy in a note, steps service tasks
 * (script tasks for Lua modules), an if exclusive gateways, handlers error
 * boundary events (or error event sub-processes), undo compensation,
 * checkpoints signal throw events, hooks event sub-processes. This file
 * writes the document: ids, the sequence flows, the process around its
 * elements (bpmn_model.c) and the diagram (bpmn_di.c, from layout.c).
 * docs/export.md, "BPMN", has the mapping and what it cannot carry. */
#include <stdlib.h>
#include <string.h>

#include "bpmn_int.h"

static const char *const role_names[] = {
#define BPMN_ROLE_NAME(e, s) s,
    BPMN_ROLES(BPMN_ROLE_NAME)
#undef BPMN_ROLE_NAME
};

/* ---- ids and text ---------------------------------------------------- */

/* Appends node id S as an NCName. Ids hold names ([A-Za-z0-9_]) joined by
 * '/', '.', '+' and '-' (docs/graph.md); '/' becomes '.', '.' '-', '-'
 * "--" and '+' "-.", which no two ids share (a '.' is always followed by
 * a name). Nothing else occurs; it would become '_'. */
void bpmn_put_ncname(strbuf_t *out, const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (c == '/')
            strbuf_putc(out, '.');
        else if (c == '.')
            strbuf_putc(out, '-');
        else if (c == '-')
            strbuf_puts(out, "--");
        else if (c == '+')
            strbuf_puts(out, "-.");
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '_')
            strbuf_putc(out, c);
        else
            strbuf_putc(out, '_');
    }
}

void bpmn_put_id(strbuf_t *out, const graph_t *g, bpmn_ref_t r)
{
    strbuf_printf(out, "%s_", role_names[r.role]);
    if (r.role == BPMN_PLAN)
        strbuf_puts(out, r.node == 0 ? "start" : "end");
    else if (r.role == BPMN_STAGE)
        bpmn_put_ncname(out, graph_node_ast(g, r.node)->u.stage.name.name);
    else
        bpmn_put_ncname(out, graph_node_id(g, r.node));
}

void bpmn_put_flow_id(strbuf_t *out, const graph_t *g, const bpmn_flow_t *f)
{
    /* ".." appears in no element id, so the two ends can be told apart. */
    strbuf_puts(out, "Flow_");
    bpmn_put_id(out, g, f->from);
    strbuf_puts(out, "..");
    bpmn_put_id(out, g, f->to);
    if (f->kind == GRAPH_EDGE_ELSE)
        strbuf_puts(out, "..else");
}

/* Appends S (LEN bytes) escaped for XML text and attribute values. Bytes
 * that are not well-formed UTF-8, and characters XML 1.0 forbids, become
 * U+FFFD. */
void bpmn_put_xml(strbuf_t *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = utf8_char_len((const unsigned char *)s + i, len - i);
        if (c == '&')
            strbuf_puts(out, "&amp;");
        else if (c == '<')
            strbuf_puts(out, "&lt;");
        else if (c == '>')
            strbuf_puts(out, "&gt;");
        else if (c == '"')
            strbuf_puts(out, "&quot;");
        else if (c == '\n' || c == '\t' || c == '\r')
            strbuf_printf(out, "&#%d;", c);
        else if (c < 0x20 || (c >= 0x80 && n == 1) ||
                 (n == 3 && c == 0xef && (unsigned char)s[i + 1] == 0xbf &&
                  (unsigned char)s[i + 2] >= 0xbe))
            strbuf_puts(out, "\xef\xbf\xbd");
        else
            strbuf_put(out, s + i, n);
        i += n;
    }
}

void bpmn_put_xml_cstr(strbuf_t *out, const char *s)
{
    bpmn_put_xml(out, s, strlen(s));
}

/* Appends the source text of SPAN on one line, escaped. */
void bpmn_put_source(bpmn_t *b, const src_span_t *span)
{
    strbuf_t t;
    strbuf_init(&t);
    graph_put_source(&t, graph_src(b->g)->text + span->begin,
                      span->end - span->begin);
    if (t.oom)
        b->oom = true;
    bpmn_put_xml(b->out, t.data ? t.data : "", t.len);
    strbuf_free(&t);
}

void bpmn_indent(bpmn_t *b, int depth)
{
    for (int i = 0; i < depth; i++)
        strbuf_puts(b->out, "  ");
}

/* Appends ` NAME="ID"` for REF. */
void bpmn_put_id_attr(bpmn_t *b, const char *name, bpmn_ref_t ref)
{
    strbuf_printf(b->out, " %s=\"", name);
    bpmn_put_id(b->out, b->g, ref);
    strbuf_putc(b->out, '"');
}

/* Opens element TAG with REF's id and, unless NULL, NAME. */
void bpmn_open(bpmn_t *b, int depth, const char *tag, bpmn_ref_t ref,
                      const char *name)
{
    bpmn_indent(b, depth);
    strbuf_printf(b->out, "<bpmn:%s", tag);
    bpmn_put_id_attr(b, "id", ref);
    if (name) {
        strbuf_puts(b->out, " name=\"");
        bpmn_put_xml_cstr(b->out, name);
        strbuf_putc(b->out, '"');
    }
}

void bpmn_documentation(bpmn_t *b, int depth, const src_span_t *span)
{
    bpmn_indent(b, depth);
    strbuf_puts(b->out, "<bpmn:documentation>");
    bpmn_put_source(b, span);
    strbuf_puts(b->out, "</bpmn:documentation>\n");
}

/* ---- elements of nodes ----------------------------------------------- */

/* The role of the sub-process a group's opening node makes. */
bpmn_role_t bpmn_group_role(const graph_t *g, uint32_t owner)
{
    switch (graph_node_kind(g, owner)) {
    case GRAPH_STAGE_ENTER: return BPMN_STAGE;
    case GRAPH_FANOUT: return BPMN_FOREACH;
    case GRAPH_RETRY_ENTER: return BPMN_RETRY;
    case GRAPH_HOOK_ENTER: return BPMN_HOOK;
    default: return BPMN_HANDLER;
    }
}

/* Per node kind: the role of the flow node that stands for it. */
static const bpmn_role_t node_roles[GRAPH_NODE_KIND_COUNT] = {
    [GRAPH_STAGE_ENTER] = BPMN_START, [GRAPH_STAGE_EXIT] = BPMN_END,
    [GRAPH_STEP] = BPMN_TASK, [GRAPH_UNDO] = BPMN_TASK,
    [GRAPH_CHECKPOINT] = BPMN_EVENT, [GRAPH_VERIFY] = BPMN_TASK,
    [GRAPH_SNAPSHOT] = BPMN_TASK,
    [GRAPH_LET] = BPMN_TASK, [GRAPH_BRANCH] = BPMN_GATEWAY,
    [GRAPH_JOIN] = BPMN_GATEWAY, [GRAPH_FANOUT] = BPMN_START,
    [GRAPH_FANIN] = BPMN_END, [GRAPH_RETRY_ENTER] = BPMN_START,
    [GRAPH_RETRY_EXIT] = BPMN_END, [GRAPH_RECOVER] = BPMN_CATCH,
    [GRAPH_DECISION] = BPMN_END, [GRAPH_HOOK_ENTER] = BPMN_START,
    [GRAPH_HOOK_EXIT] = BPMN_END,
};

bpmn_ref_t bpmn_node_ref(const graph_t *g, uint32_t i)
{
    return bpmn_ref(node_roles[graph_node_kind(g, i)], i);
}

uint32_t bpmn_container_key(const bpmn_t *b, uint32_t c)
{
    return c == GRAPH_NONE ? b->lay.n_groups : c;
}

bpmn_ref_t bpmn_group_ref(const bpmn_t *b, uint32_t k)
{
    uint32_t owner = b->lay.groups[k].owner;
    return bpmn_ref(bpmn_group_role(b->g, owner), owner);
}

bool bpmn_is_boundary(const bpmn_t *b, uint32_t r)
{
    uint32_t k = b->lay.group_of[r];
    return k == GRAPH_NONE || b->lay.groups[k].owner != r;
}

uint32_t bpmn_group_of_ref(const bpmn_t *b, bpmn_ref_t r)
{
    switch (r.role) {
    case BPMN_STAGE: case BPMN_FOREACH: case BPMN_RETRY: case BPMN_HOOK:
    case BPMN_HANDLER:
        return b->lay.group_of[r.node];
    default:
        return GRAPH_NONE;
    }
}

/* The sub-process of the group node I stands in (I being its exit). */
static bpmn_ref_t box_of(const bpmn_t *b, uint32_t i)
{
    return bpmn_group_ref(b, b->lay.group_of[i]);
}

/* The element a flow leaving node U starts from: a block's exit is left
 * by its sub-process. */
static bpmn_ref_t source_ref(const bpmn_t *b, uint32_t u)
{
    graph_node_kind_t k = graph_node_kind(b->g, u);
    if ((k == GRAPH_STAGE_EXIT || k == GRAPH_FANIN || k == GRAPH_RETRY_EXIT)
        && b->lay.group_of[u] != GRAPH_NONE)
        return box_of(b, u);
    return bpmn_ref(node_roles[k], u);
}

/* The element a flow into node V ends at: a block's entry is entered by
 * its sub-process. */
static bpmn_ref_t target_ref(const bpmn_t *b, uint32_t v)
{
    graph_node_kind_t k = graph_node_kind(b->g, v);
    if (k == GRAPH_STAGE_ENTER || k == GRAPH_FANOUT ||
        k == GRAPH_RETRY_ENTER)
        return box_of(b, v);
    return bpmn_ref(node_roles[k], v);
}

/* The group holding element REF, or NONE for the process. */
static uint32_t container_of(const bpmn_t *b, bpmn_ref_t r)
{
    if (r.role == BPMN_PLAN)
        return GRAPH_NONE;
    uint32_t k = bpmn_group_of_ref(b, r);
    if (k != GRAPH_NONE)
        return b->lay.groups[k].parent;
    return b->lay.group_of[r.node];
}

/* ---- the flows ------------------------------------------------------- */

static void add_flow(bpmn_t *b, bpmn_ref_t from, bpmn_ref_t to,
                     graph_edge_kind_t kind)
{
    if (b->n_flows == b->cap_flows) {
        uint32_t cap = b->cap_flows ? 2 * b->cap_flows : 64;
        bpmn_flow_t *f = realloc(b->flows, cap * sizeof(*f));
        if (!f) {
            b->oom = true;
            return;
        }
        b->flows = f;
        b->cap_flows = cap;
    }
    b->flows[b->n_flows++] = (bpmn_flow_t){ from, to, kind,
                                            container_of(b, from) };
}

static bool is_flow_kind(graph_edge_kind_t k)
{
    return k != GRAPH_EDGE_ERROR && k != GRAPH_EDGE_UNDO;
}

/* Whether node I is a plan-level let, run before the first stages. */
static bool in_plan_flow(const graph_t *g, uint32_t i)
{
    graph_node_kind_t k = graph_node_kind(g, i);
    return graph_node_stage(g, i) == GRAPH_NONE &&
           graph_node_scope(g, i) == GRAPH_NONE && k != GRAPH_HOOK_ENTER &&
           k != GRAPH_HOOK_EXIT && k != GRAPH_RECOVER;
}

/* Whether node I has an edge of a flow kind in (IN) or out. */
static bool has_flow(const bpmn_t *b, uint32_t i, bool in)
{
    return (in ? b->flow_in : b->flow_out)[i] != 0;
}

/* The plan-level lets that no flow leaves (the ends of their chain), into
 * *TAILS (malloc'd; *N of them); the first stage exit of each stage, into
 * STAGE_EXIT (per node, indexed by the stage's entry). False when out of
 * memory. */
static bool plan_ends(bpmn_t *b, uint32_t **tails, uint32_t *n_tails,
                      uint32_t *stage_exit)
{
    const graph_t *g = b->g;
    uint32_t n = graph_node_count(g);
    *n_tails = 0;
    *tails = calloc((size_t)n + 1, sizeof(uint32_t));
    if (!*tails)
        return false;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t st = graph_node_stage(g, i);
        stage_exit[i] = GRAPH_NONE;
        if (in_plan_flow(g, i) && !has_flow(b, i, false))
            (*tails)[(*n_tails)++] = i;
        if (graph_node_kind(g, i) == GRAPH_STAGE_EXIT && st != GRAPH_NONE &&
            st <= i && stage_exit[st] == GRAPH_NONE)
            stage_exit[st] = i;
    }
    return true;
}

/* The process's own flows: its start event to the plan-level lets (in
 * their chain) and to the first stages, the last stages to its end. */
static void add_plan_flows(bpmn_t *b)
{
    const graph_t *g = b->g;
    uint32_t n = graph_node_count(g), heads = 0, roots = 0, n_tails;
    uint32_t *tails, *stage_exit = calloc((size_t)n + 1, sizeof(uint32_t));
    bpmn_ref_t start = bpmn_ref(BPMN_PLAN, 0), end = bpmn_ref(BPMN_PLAN, 1);
    if (!stage_exit || !plan_ends(b, &tails, &n_tails, stage_exit)) {
        free(stage_exit);
        b->oom = true;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        if (in_plan_flow(g, i) && !has_flow(b, i, true)) {
            add_flow(b, start, bpmn_ref(node_roles[graph_node_kind(g, i)], i),
                     GRAPH_EDGE_SEQ);
            heads++;
        }
    for (uint32_t k = 0; k < graph_stage_count(g); k++) {
        uint32_t e = graph_stage_at(g, k);
        if (has_flow(b, e, true))
            continue;
        roots++;
        for (uint32_t j = 0; j < n_tails; j++)
            add_flow(b, source_ref(b, tails[j]), target_ref(b, e),
                     GRAPH_EDGE_SEQ);
        if (n_tails == 0)
            add_flow(b, start, target_ref(b, e), GRAPH_EDGE_SEQ);
    }
    for (uint32_t k = 0; k < graph_stage_count(g); k++) {
        uint32_t x = stage_exit[graph_stage_at(g, k)];
        if (x != GRAPH_NONE && !has_flow(b, x, false))
            add_flow(b, source_ref(b, x), end, GRAPH_EDGE_SEQ);
    }
    if (roots == 0) {
        for (uint32_t j = 0; j < n_tails; j++)
            add_flow(b, source_ref(b, tails[j]), end, GRAPH_EDGE_SEQ);
        if (n_tails == 0 && heads == 0)
            add_flow(b, start, end, GRAPH_EDGE_SEQ);
    }
    free(tails);
    free(stage_exit);
}

/* What the writers look up, once the flows are known: what each
 * container holds, the after flows into each stage, each gateway's else
 * flow, the flows of the process's own events, and the items' boxes for
 * the lanes of the diagram. False when out of memory. */
static bool index_flows(bpmn_t *b)
{
    uint32_t n = graph_node_count(b->g), ng = b->lay.n_groups;
    uint32_t m = n > ng ? n : ng;
    uint32_t *key = calloc((size_t)(m > b->n_flows ? m : b->n_flows) + 1,
                           sizeof(uint32_t));
    b->after_in = calloc((size_t)n + 1, sizeof(uint32_t));
    b->else_flow = calloc((size_t)n + 1, sizeof(uint32_t));
    if (!key || !b->after_in || !b->else_flow) {
        free(key);
        return false;
    }
    for (uint32_t i = 0; i < n; i++)
        key[i] = bpmn_container_key(b, b->lay.group_of[i]);
    bool ok = export_bucket(key, n, ng + 1, &b->cnode_start, &b->cnodes);
    for (uint32_t k = 0; k < ng; k++)
        key[k] = bpmn_container_key(b, b->lay.groups[k].parent);
    ok = ok && export_bucket(key, ng, ng + 1, &b->cgroup_start, &b->cgroups);
    for (uint32_t f = 0; f < b->n_flows; f++)
        key[f] = bpmn_container_key(b, b->flows[f].container);
    ok = ok && export_bucket(key, b->n_flows, ng + 1, &b->cflow_start,
                             &b->cflows);
    free(key);
    for (uint32_t i = 0; i < n; i++)
        b->else_flow[i] = GRAPH_NONE;
    b->plan_flow[0] = b->plan_flow[1] = GRAPH_NONE;
    for (uint32_t f = b->n_flows; f-- > 0;) {   /* the first one wins */
        const bpmn_flow_t *fl = &b->flows[f];
        if (fl->kind == GRAPH_EDGE_AFTER && fl->to.role == BPMN_STAGE)
            b->after_in[fl->to.node]++;
        if (fl->kind == GRAPH_EDGE_ELSE)
            b->else_flow[fl->from.node] = f;
        if (fl->from.role == BPMN_PLAN && fl->from.node == 0 &&
            fl->to.role != BPMN_PLAN)
            b->plan_flow[0] = f;
        if (fl->to.role == BPMN_PLAN && fl->to.node == 1 &&
            fl->from.role != BPMN_PLAN)
            b->plan_flow[1] = f;
    }
    return ok && bpmn_lanes_build(b);
}

/* The names the plan's Lua modules go by (`lua "..." as NAME`), looked
 * up for every task: listed once, not found among all the plan's items
 * (thousands of stages) per task. */
static bool list_lua(bpmn_t *b)
{
    const ast_plan_t *plan = graph_plan(b->g);
    b->lua = calloc((size_t)plan->items.len + 1, sizeof(const char *));
    if (!b->lua)
        return false;
    for (uint32_t i = 0; i < plan->items.len; i++)
        if (plan->items.items[i]->kind == AST_LUA)
            b->lua[b->n_lua++] = plan->items.items[i]->u.lua.alias.name;
    return true;
}

/* Gathers every flow, and what the writers look up per node. */
static bool prepare(bpmn_t *b)
{
    const graph_t *g = b->g;
    uint32_t n = graph_node_count(g);
    if (!list_lua(b))
        return false;
    b->slot = calloc((size_t)n + 1, sizeof(uint32_t));
    b->step_of = calloc((size_t)n + 1, sizeof(uint32_t));
    b->flow_in = calloc((size_t)n + 1, sizeof(uint32_t));
    b->flow_out = calloc((size_t)n + 1, sizeof(uint32_t));
    b->n_slots = calloc((size_t)n + 1, sizeof(uint32_t));
    uint32_t *count = b->n_slots;
    if (!b->slot || !b->step_of || !b->flow_in || !b->flow_out || !count)
        return false;
    b->group_exit = calloc((size_t)b->lay.n_groups + 1, sizeof(uint32_t));
    if (!b->group_exit)
        return false;
    for (uint32_t k = 0; k < b->lay.n_groups; k++)
        b->group_exit[k] = GRAPH_NONE;
    for (uint32_t i = 0; i < n; i++) {
        graph_node_kind_t kind = graph_node_kind(g, i);
        if ((kind == GRAPH_STAGE_EXIT || kind == GRAPH_FANIN ||
             kind == GRAPH_RETRY_EXIT || kind == GRAPH_HOOK_EXIT) &&
            b->lay.group_of[i] != GRAPH_NONE)
            b->group_exit[b->lay.group_of[i]] = i;
        b->step_of[i] = GRAPH_NONE;
        if (graph_node_kind(g, i) == GRAPH_RECOVER && bpmn_is_boundary(b, i))
            b->slot[i] = count[graph_node_scope(g, i)]++;
    }
    for (uint32_t e = 0; e < graph_edge_count(g); e++) {
        graph_edge_t ed = graph_edge(g, e);
        if (ed.kind == GRAPH_EDGE_UNDO) {
            b->step_of[ed.to] = ed.from;
        } else if (is_flow_kind(ed.kind)) {
            add_flow(b, source_ref(b, ed.from), target_ref(b, ed.to),
                     ed.kind);
            b->flow_out[ed.from]++;
            b->flow_in[ed.to]++;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        if (graph_node_kind(g, i) == GRAPH_RECOVER &&
            graph_node_ast(g, i)->u.recover.handler)
            add_flow(b, bpmn_ref(BPMN_CATCH, i), bpmn_ref(BPMN_TASK, i),
                     GRAPH_EDGE_SEQ);
    add_plan_flows(b);
    return !b->oom && index_flows(b);
}

/* ---- the document ---------------------------------------------------- */

/* A class a handler names, and where: the handler's node and the place
 * in its list. */
typedef struct named_class {
    const char *name;
    uint32_t node, k;
} named_class_t;

/* By name, then where named. */
static int class_cmp(const void *pa, const void *pb)
{
    const named_class_t *a = pa, *b = pb;
    int c = strcmp(a->name, b->name);
    if (c)
        return c;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    return (a->k > b->k) - (a->k < b->k);
}

/* By where named. */
static int place_cmp(const void *pa, const void *pb)
{
    const named_class_t *a = pa, *b = pb;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    return (a->k > b->k) - (a->k < b->k);
}

/* The error classes handlers name, each once, in the order first named
 * ('*' is none): every naming sorted by name keeps the first of each
 * name, those sorted back into the order named. */
static void write_errors(bpmn_t *b)
{
    const graph_t *g = b->g;
    uint32_t total = 0, m = 0, kept = 0;
    for (uint32_t i = 0; i < graph_node_count(g); i++)
        if (graph_node_kind(g, i) == GRAPH_RECOVER)
            total += graph_node_ast(g, i)->u.recover.classes.len;
    named_class_t *c = calloc((size_t)total + 1, sizeof(*c));
    if (!c) {
        b->oom = true;
        return;
    }
    for (uint32_t i = 0; i < graph_node_count(g); i++) {
        if (graph_node_kind(g, i) != GRAPH_RECOVER)
            continue;
        const ast_idents_t *cls = &graph_node_ast(g, i)->u.recover.classes;
        for (uint32_t k = 0; k < cls->len; k++)
            if (strcmp(cls->items[k].name, "*") != 0)
                c[m++] = (named_class_t){ cls->items[k].name, i, k };
    }
    qsort(c, m, sizeof(*c), class_cmp);
    for (uint32_t j = 0; j < m; j++)
        if (j == 0 || strcmp(c[j].name, c[j - 1].name) != 0)
            c[kept++] = c[j];
    qsort(c, kept, sizeof(*c), place_cmp);
    for (uint32_t j = 0; j < kept; j++) {
        strbuf_puts(b->out, "  <bpmn:error id=\"Error_");
        bpmn_put_ncname(b->out, c[j].name);
        strbuf_puts(b->out, "\" name=\"");
        bpmn_put_xml_cstr(b->out, c[j].name);
        strbuf_puts(b->out, "\" errorCode=\"");
        bpmn_put_xml_cstr(b->out, c[j].name);
        strbuf_puts(b->out, "\"/>\n");
    }
    free(c);
}

static void write_signals(bpmn_t *b)
{
    for (uint32_t i = 0; i < graph_node_count(b->g); i++)
        if (graph_node_kind(b->g, i) == GRAPH_CHECKPOINT) {
            bpmn_open(b, 1, "signal", bpmn_ref(BPMN_SIGNAL, i),
                      graph_node_ast(b->g, i)->u.checkpoint.name.name);
            strbuf_puts(b->out, "/>\n");
        }
}

/* The process id: "Process_" and the plan's name, its characters that an
 * NCName cannot hold made '_'. */
static void process_id(const graph_t *g, strbuf_t *out)
{
    strbuf_puts(out, "Process_");
    const char *s = graph_plan_name(g);
    if (!*s)
        strbuf_puts(out, "plan");
    for (; *s; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        strbuf_putc(out, ok ? c : '_');
    }
}

/* The plan's description, as the process's documentation. */
static void plan_documentation(bpmn_t *b)
{
    const ast_plan_t *plan = graph_plan(b->g);
    for (uint32_t i = 0; i < plan->items.len; i++) {
        const ast_node_t *it = plan->items.items[i];
        const char *text;
        uint32_t len;
        if (it->kind == AST_META && it->u.meta.key == AST_META_DESCRIPTION &&
            ast_string_is_plain(it->u.meta.value, &text, &len)) {
            strbuf_puts(b->out, "    <bpmn:documentation>");
            bpmn_put_xml(b->out, text, len);
            strbuf_puts(b->out, "</bpmn:documentation>\n");
        }
    }
}

mig_status_t export_bpmn(const graph_t *g, strbuf_t *out)
{
    bpmn_t b = { .g = g, .out = out };
    if (layout_build(g, &b.lay) != MIG_OK)
        return MIG_ENOMEM;
    strbuf_t pid;
    strbuf_init(&pid);
    process_id(g, &pid);
    if (prepare(&b) && !pid.oom) {
        strbuf_puts(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<bpmn:definitions "
            "xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
            "xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" "
            "xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" "
            "xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" "
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            "id=\"Definitions_mig\" targetNamespace=\"urn:mig:plan\" "
            "exporter=\"mig\">\n");
        write_errors(&b);
        write_signals(&b);
        strbuf_printf(out, "  <bpmn:process id=\"%s\" name=\"", pid.data);
        bpmn_put_xml_cstr(out, graph_plan_name(g));
        strbuf_puts(out, "\" isExecutable=\"false\">\n");
        plan_documentation(&b);
        bpmn_write_container(&b, GRAPH_NONE, 2);
        strbuf_puts(out, "  </bpmn:process>\n");
        bpmn_write_diagram(&b, pid.data);
        strbuf_puts(out, "</bpmn:definitions>\n");
    } else {
        b.oom = true;
    }
    strbuf_free(&pid);
    free(b.flows);
    free(b.slot);
    free(b.step_of);
    free(b.flow_in);
    free(b.flow_out);
    free(b.group_exit);
    free(b.n_slots);
    free(b.cnode_start);
    free(b.cnodes);
    free(b.cgroup_start);
    free(b.cgroups);
    free(b.cflow_start);
    free(b.cflows);
    free(b.after_in);
    free(b.else_flow);
    free(b.lua);
    bpmn_lanes_free(&b);
    layout_free(&b.lay);
    return b.oom || out->oom ? MIG_ENOMEM : MIG_OK;
}
