/* bpmn_model.c: the flow elements of the BPMN export, node by node and
 * sub-process by sub-process (docs/export.md, "BPMN", has the mapping):
 * what each kind of node becomes, written into the container (process or
 * sub-process) it stands in. bpmn.c gathers the flows and writes the
 * document around them. */
#include <string.h>

#include "bpmn_int.h"

/* Whether CALL (a CALL node, or a handler's name) calls into a Lua module
 * of the plan (`lua "..." as NAME`, in b->lua). */
static bool calls_lua(const bpmn_t *b, const ast_node_t *call)
{
    const ast_node_t *callee = call->kind == AST_CALL ? call->u.call.callee
                                                       : call;
    const ast_node_t *root = ast_dotted_root(callee);
    if (!root || root == callee)
        return false;
    for (uint32_t i = 0; i < b->n_lua; i++)
        if (strcmp(b->lua[i], root->u.name.name) == 0)
            return true;
    return false;
}

/* A task that calls CALL: a script task for a Lua module, else a service
 * task. Leaves the start tag open. */
static const char *open_call_task(bpmn_t *b, int depth, bpmn_ref_t r,
                                  const char *name, const ast_node_t *call)
{
    const char *tag = calls_lua(b, call) ? "scriptTask" : "serviceTask";
    bpmn_open(b, depth, tag, r, name);
    if (strcmp(tag, "scriptTask") == 0)
        strbuf_puts(b->out, " scriptFormat=\"lua\"");
    return tag;
}

static void close_with_doc(bpmn_t *b, int depth, const char *tag,
                           const src_span_t *span)
{
    strbuf_puts(b->out, ">\n");
    bpmn_documentation(b, depth + 1, span);
    bpmn_indent(b, depth);
    strbuf_printf(b->out, "</bpmn:%s>\n", tag);
}

static void elem_start(bpmn_t *b, uint32_t i, int depth)
{
    bpmn_open(b, depth, "startEvent", bpmn_ref(BPMN_START, i), NULL);
    strbuf_puts(b->out, "/>\n");
}

/* A hook's start: BPMN has no event for "the stage ended", so a
 * conditional event states it in words. */
static void elem_hook_start(bpmn_t *b, uint32_t i, int depth)
{
    static const char *const ended[] = { "failed", "succeeded", "ended" };
    const graph_t *g = b->g;
    uint32_t s = graph_node_scope(g, i);
    bpmn_open(b, depth, "startEvent", bpmn_ref(BPMN_START, i),
              graph_node_label(g, i));
    strbuf_puts(b->out, " isInterrupting=\"false\">\n");
    bpmn_indent(b, depth + 1);
    strbuf_puts(b->out, "<bpmn:conditionalEventDefinition>\n");
    bpmn_indent(b, depth + 2);
    strbuf_puts(b->out,
                "<bpmn:condition xsi:type=\"bpmn:tFormalExpression\">");
    if (s == GRAPH_NONE)
        strbuf_puts(b->out, "the plan");
    else
        bpmn_put_xml_cstr(b->out, graph_node_label(g, s));
    strbuf_printf(b->out, " %s</bpmn:condition>\n",
                  ended[graph_node_ast(g, i)->u.hook.when]);
    bpmn_indent(b, depth + 1);
    strbuf_puts(b->out, "</bpmn:conditionalEventDefinition>\n");
    bpmn_indent(b, depth);
    strbuf_puts(b->out, "</bpmn:startEvent>\n");
}

static void elem_exit(bpmn_t *b, uint32_t i, int depth)
{
    bpmn_open(b, depth, "endEvent", bpmn_ref(BPMN_END, i), NULL);
    strbuf_puts(b->out, "/>\n");
}

/* A decision ends its flow: fail throws an error on, a rollback
 * compensates, skip and retry simply end. */
static void elem_decision(bpmn_t *b, uint32_t i, int depth)
{
    static const char *const defs[] = {
        [AST_DECIDE_RETRY] = NULL, [AST_DECIDE_SKIP] = NULL,
        [AST_DECIDE_FAIL] = "errorEventDefinition",
        [AST_DECIDE_ROLLBACK] = "compensateEventDefinition",
    };
    const ast_node_t *a = graph_node_ast(b->g, i);
    bpmn_open(b, depth, "endEvent", bpmn_ref(BPMN_END, i),
              graph_node_label(b->g, i));
    strbuf_puts(b->out, ">\n");
    bpmn_documentation(b, depth + 1, &a->span);
    if (defs[a->u.decision.what]) {
        bpmn_indent(b, depth + 1);
        strbuf_printf(b->out, "<bpmn:%s/>\n", defs[a->u.decision.what]);
    }
    bpmn_indent(b, depth);
    strbuf_puts(b->out, "</bpmn:endEvent>\n");
}

static void elem_step(bpmn_t *b, uint32_t i, int depth)
{
    const ast_node_t *a = graph_node_ast(b->g, i);
    const char *tag = open_call_task(b, depth, bpmn_ref(BPMN_TASK, i),
                                     graph_node_label(b->g, i),
                                     a->u.step.call);
    close_with_doc(b, depth, tag, &a->span);
}

/* An undo: a compensation task, and on its step the compensation
 * boundary event associated with it (the association is written with the
 * container's artifacts). */
static void elem_undo(bpmn_t *b, uint32_t i, int depth)
{
    const ast_node_t *a = graph_node_ast(b->g, i);
    const char *tag = open_call_task(b, depth, bpmn_ref(BPMN_TASK, i),
                                     graph_node_label(b->g, i),
                                     a->u.step.undo);
    strbuf_puts(b->out, " isForCompensation=\"true\"");
    close_with_doc(b, depth, tag, &a->u.step.undo->span);
    uint32_t step = b->step_of[i];
    if (step == GRAPH_NONE)
        return;
    bpmn_open(b, depth, "boundaryEvent", bpmn_ref(BPMN_COMP, step), NULL);
    bpmn_put_id_attr(b, "attachedToRef", bpmn_ref(BPMN_TASK, step));
    strbuf_puts(b->out, ">\n");
    bpmn_indent(b, depth + 1);
    strbuf_puts(b->out, "<bpmn:compensateEventDefinition/>\n");
    bpmn_indent(b, depth);
    strbuf_puts(b->out, "</bpmn:boundaryEvent>\n");
}

/* verify and let: work mig does itself, plain tasks. A verify does not
 * choose a path (when false it raises ValidationFailed, which handlers
 * catch), so it is no gateway. */
static void elem_task(bpmn_t *b, uint32_t i, int depth)
{
    bpmn_open(b, depth, "task", bpmn_ref(BPMN_TASK, i),
              graph_node_label(b->g, i));
    close_with_doc(b, depth, "task", graph_node_span(b->g, i));
}

static void elem_checkpoint(bpmn_t *b, uint32_t i, int depth)
{
    bpmn_open(b, depth, "intermediateThrowEvent", bpmn_ref(BPMN_EVENT, i),
              graph_node_label(b->g, i));
    strbuf_puts(b->out, ">\n");
    bpmn_indent(b, depth + 1);
    strbuf_puts(b->out, "<bpmn:signalEventDefinition");
    bpmn_put_id_attr(b, "signalRef", bpmn_ref(BPMN_SIGNAL, i));
    strbuf_puts(b->out, "/>\n");
    bpmn_indent(b, depth);
    strbuf_puts(b->out, "</bpmn:intermediateThrowEvent>\n");
}

static void elem_gateway(bpmn_t *b, uint32_t i, int depth)
{
    bool branch = graph_node_kind(b->g, i) == GRAPH_BRANCH;
    bpmn_open(b, depth, "exclusiveGateway", bpmn_ref(BPMN_GATEWAY, i),
              branch ? graph_node_label(b->g, i) : NULL);
    if (branch && b->else_flow[i] != GRAPH_NONE) {
        strbuf_puts(b->out, " default=\"");
        bpmn_put_flow_id(b->out, b->g, &b->flows[b->else_flow[i]]);
        strbuf_putc(b->out, '"');
    }
    strbuf_puts(b->out, "/>\n");
}

/* A handler: its error event, on the border of the scope it guards or
 * starting its event sub-process, with one definition per class (none
 * named for '*'), and for `with F` the task calling F. */
static void elem_recover(bpmn_t *b, uint32_t i, int depth)
{
    const graph_t *g = b->g;
    const ast_node_t *a = graph_node_ast(g, i);
    bool boundary = bpmn_is_boundary(b, i);
    bpmn_open(b, depth, boundary ? "boundaryEvent" : "startEvent",
              bpmn_ref(BPMN_CATCH, i), graph_node_label(g, i));
    if (boundary) {
        uint32_t s = graph_node_scope(g, i);
        bpmn_put_id_attr(b, "attachedToRef",
                         bpmn_ref(bpmn_group_role(g, s), s));
    }
    strbuf_puts(b->out, ">\n");
    for (uint32_t k = 0; k < a->u.recover.classes.len; k++) {
        const char *cls = a->u.recover.classes.items[k].name;
        bpmn_indent(b, depth + 1);
        strbuf_puts(b->out, "<bpmn:errorEventDefinition");
        if (strcmp(cls, "*") != 0) {
            strbuf_puts(b->out, " errorRef=\"Error_");
            bpmn_put_ncname(b->out, cls);
            strbuf_putc(b->out, '"');
        }
        strbuf_puts(b->out, "/>\n");
    }
    bpmn_indent(b, depth);
    strbuf_printf(b->out, "</bpmn:%s>\n",
                  boundary ? "boundaryEvent" : "startEvent");
    if (!a->u.recover.handler)
        return;
    strbuf_t name;
    strbuf_init(&name);
    if (!ast_dotted_name(a->u.recover.handler->kind == AST_CALL
                             ? a->u.recover.handler->u.call.callee
                             : a->u.recover.handler, &name))
        strbuf_puts(&name, "handler");
    b->oom |= name.oom;
    const char *tag = open_call_task(b, depth, bpmn_ref(BPMN_TASK, i),
                                     name.data ? name.data : "",
                                     a->u.recover.handler);
    close_with_doc(b, depth, tag, &a->span);
    strbuf_free(&name);
}

typedef void (*elem_fn)(bpmn_t *b, uint32_t i, int depth);

/* Per node kind: how it is written. */
static const elem_fn elems[GRAPH_NODE_KIND_COUNT] = {
    [GRAPH_STAGE_ENTER] = elem_start, [GRAPH_STAGE_EXIT] = elem_exit,
    [GRAPH_STEP] = elem_step, [GRAPH_UNDO] = elem_undo,
    [GRAPH_CHECKPOINT] = elem_checkpoint, [GRAPH_VERIFY] = elem_task,
    [GRAPH_SNAPSHOT] = elem_task,
    [GRAPH_LET] = elem_task, [GRAPH_BRANCH] = elem_gateway,
    [GRAPH_JOIN] = elem_gateway, [GRAPH_FANOUT] = elem_start,
    [GRAPH_FANIN] = elem_exit, [GRAPH_RETRY_ENTER] = elem_start,
    [GRAPH_RETRY_EXIT] = elem_exit, [GRAPH_RECOVER] = elem_recover,
    [GRAPH_DECISION] = elem_decision, [GRAPH_HOOK_ENTER] = elem_hook_start,
    [GRAPH_HOOK_EXIT] = elem_exit,
};

/* ---- sub-processes ---------------------------------------------------- */

/* Appends a retry scope's policy as a plan writes it. */
static void put_retry_policy(bpmn_t *b, const ast_node_t *a)
{
    strbuf_puts(b->out, "retry ");
    bpmn_put_source(b, &a->u.retry.attempts->span);
    if (a->u.retry.backoff != AST_BACKOFF_NONE) {
        strbuf_printf(b->out, " backoff %s(",
                      ast_backoff_name(a->u.retry.backoff));
        for (uint32_t k = 0; k < a->u.retry.backoff_args.len; k++) {
            const ast_arg_t *arg = &a->u.retry.backoff_args.items[k];
            strbuf_printf(b->out, "%s%s: ", k ? ", " : "", arg->name.name);
            bpmn_put_source(b, &arg->value->span);
        }
        strbuf_putc(b->out, ')');
    }
    if (a->u.retry.jitter != AST_JITTER_UNSET)
        strbuf_printf(b->out, " jitter %s",
                      ast_jitter_name(a->u.retry.jitter));
    if (a->u.retry.timeout) {
        strbuf_puts(b->out, " timeout ");
        bpmn_put_source(b, &a->u.retry.timeout->span);
    }
    if (a->u.retry.deadline) {
        strbuf_puts(b->out, " deadline ");
        bpmn_put_source(b, &a->u.retry.deadline->span);
    }
    for (uint32_t k = 0; k < a->u.retry.on.len; k++)
        strbuf_printf(b->out, "%s%s", k ? ", " : " on ",
                      a->u.retry.on.items[k].name);
}

/* What a sub-process says before its content: a foreach's header and its
 * multi-instance marker, a retry scope's policy. */
static void group_head(bpmn_t *b, uint32_t owner, int depth)
{
    const ast_node_t *a = graph_node_ast(b->g, owner);
    graph_node_kind_t k = graph_node_kind(b->g, owner);
    if (k == GRAPH_FANOUT) {
        bpmn_indent(b, depth);
        strbuf_puts(b->out, "<bpmn:documentation>");
        bpmn_put_xml_cstr(b->out, graph_node_label(b->g, owner));
        if (a->u.foreach.parallel) {
            strbuf_puts(b->out, " parallel ");
            bpmn_put_source(b, &a->u.foreach.parallel->span);
        }
        if (a->u.foreach.after) {
            strbuf_puts(b->out, " after ");
            bpmn_put_source(b, &a->u.foreach.after->span);
        }
        if (a->u.foreach.tolerate) {
            strbuf_puts(b->out, " tolerate ");
            bpmn_put_source(b, &a->u.foreach.tolerate->span);
            if (a->u.foreach.tolerate_percent)
                strbuf_putc(b->out, '%');
        }
        strbuf_puts(b->out, "</bpmn:documentation>\n");
        bpmn_indent(b, depth);
        strbuf_printf(b->out, "<bpmn:multiInstanceLoopCharacteristics "
                      "isSequential=\"%s\"/>\n",
                      a->u.foreach.parallel ? "false" : "true");
    } else if (k == GRAPH_RETRY_ENTER) {
        bpmn_indent(b, depth);
        strbuf_puts(b->out, "<bpmn:documentation>");
        put_retry_policy(b, a);
        strbuf_puts(b->out, ". BPMN has no retry: mig runs this block "
                    "again on these errors, as the policy says.</bpmn:"
                    "documentation>\n");
    }
}


/* Writes group K as its sub-process, holding its own content. */
static void write_group(bpmn_t *b, uint32_t k, int depth)
{
    uint32_t owner = b->lay.groups[k].owner;
    bpmn_role_t role = bpmn_group_role(b->g, owner);
    const char *name = graph_node_label(b->g, owner);
    bpmn_open(b, depth, "subProcess", bpmn_ref(role, owner), name);
    if (role == BPMN_HOOK || role == BPMN_HANDLER)
        strbuf_puts(b->out, " triggeredByEvent=\"true\"");
    /* A stage after several waits for all of them: one token from each. */
    uint32_t after = role == BPMN_STAGE ? b->after_in[owner] : 0;
    if (after > 1)
        strbuf_printf(b->out, " startQuantity=\"%u\"", after);
    strbuf_puts(b->out, ">\n");
    group_head(b, owner, depth + 1);
    bpmn_write_container(b, k, depth + 1);
    bpmn_indent(b, depth);
    strbuf_puts(b->out, "</bpmn:subProcess>\n");
}

static void write_flow(bpmn_t *b, const bpmn_flow_t *f, int depth)
{
    bpmn_indent(b, depth);
    strbuf_puts(b->out, "<bpmn:sequenceFlow id=\"");
    bpmn_put_flow_id(b->out, b->g, f);
    strbuf_putc(b->out, '"');
    if (f->kind == GRAPH_EDGE_THEN || f->kind == GRAPH_EDGE_ELSE)
        strbuf_printf(b->out, " name=\"%s\"", graph_edge_kind_name(f->kind));
    bpmn_put_id_attr(b, "sourceRef", f->from);
    bpmn_put_id_attr(b, "targetRef", f->to);
    if (f->kind != GRAPH_EDGE_THEN) {
        strbuf_puts(b->out, "/>\n");
        return;
    }
    strbuf_puts(b->out, ">\n");
    bpmn_indent(b, depth + 1);
    strbuf_puts(b->out, "<bpmn:conditionExpression "
                        "xsi:type=\"bpmn:tFormalExpression\">");
    bpmn_put_source(b, &graph_node_ast(b->g, f->from.node)->u.if_.cond->span);
    strbuf_puts(b->out, "</bpmn:conditionExpression>\n");
    bpmn_indent(b, depth);
    strbuf_puts(b->out, "</bpmn:sequenceFlow>\n");
}

/* Writes what container C (a group, or NONE for the process) holds: its
 * nodes' elements, its groups' sub-processes, its flows, and last (as
 * artifacts) the associations of its compensation events. */
void bpmn_write_container(bpmn_t *b, uint32_t c, int depth)
{
    uint32_t key = bpmn_container_key(b, c);
    const uint32_t *nodes = b->cnodes + b->cnode_start[key];
    uint32_t n = b->cnode_start[key + 1] - b->cnode_start[key];
    for (uint32_t j = 0; j < n; j++)
        elems[graph_node_kind(b->g, nodes[j])](b, nodes[j], depth);
    if (c == GRAPH_NONE) {
        bpmn_open(b, depth, "startEvent", bpmn_ref(BPMN_PLAN, 0), NULL);
        strbuf_puts(b->out, "/>\n");
        bpmn_open(b, depth, "endEvent", bpmn_ref(BPMN_PLAN, 1), NULL);
        strbuf_puts(b->out, "/>\n");
    }
    for (uint32_t j = b->cgroup_start[key]; j < b->cgroup_start[key + 1];
         j++)
        write_group(b, b->cgroups[j], depth);
    for (uint32_t j = b->cflow_start[key]; j < b->cflow_start[key + 1]; j++)
        write_flow(b, &b->flows[b->cflows[j]], depth);
    for (uint32_t j = 0; j < n; j++) {
        uint32_t i = nodes[j];
        if (b->step_of[i] == GRAPH_NONE)
            continue;
        bpmn_open(b, depth, "association", bpmn_ref(BPMN_ASSOC, i), NULL);
        strbuf_puts(b->out, " associationDirection=\"One\"");
        bpmn_put_id_attr(b, "sourceRef", bpmn_ref(BPMN_COMP, b->step_of[i]));
        bpmn_put_id_attr(b, "targetRef", bpmn_ref(BPMN_TASK, i));
        strbuf_puts(b->out, "/>\n");
    }
}
