/* bpmn_di.c: the diagram of the BPMN export (BPMN DI): a shape for every
 * flow element and sub-process, an edge with waypoints for every sequence
 * flow and association, placed by the layered layout (layout.c) and moved
 * right and down by BPMN_OX, BPMN_OY to leave room for the process's start
 * event above it. Boundary events sit on the border of what they guard: a
 * handler's on the bottom edge of its scope's box, from the right corner
 * leftwards (the layout puts the handlers below and right of the box, the
 * first written leftmost), a compensation event on the right edge of its
 * task, beside which the undo task stands. */
#include <string.h>

#include "bpmn_int.h"

typedef struct point {
    int32_t x, y;
} point_t;

enum {
    EV = 36,            /* an event's size */
    STACK = 44,         /* between handlers' events on one border */
    ELBOW = 20,         /* a flow's bend above its target */
};

box_t bpmn_node_box(const bpmn_t *b, uint32_t i)
{
    const layout_node_t *l = &b->lay.nodes[i];
    return (box_t){ l->x + BPMN_OX, l->y + BPMN_OY, l->w, l->h };
}

box_t bpmn_group_box(const bpmn_t *b, uint32_t k)
{
    const layout_group_t *gr = &b->lay.groups[k];
    return (box_t){ gr->x + BPMN_OX, gr->y + BPMN_OY, gr->w, gr->h };
}

static box_t event_at(int32_t cx, int32_t cy)
{
    return (box_t){ cx - EV / 2, cy - EV / 2, EV, EV };
}

/* How many of the events of scope S's boundary handlers fit on the
 * bottom edge of its box B: right of the flow leaving the box, left of the
 * corner. */
static int32_t bottom_fit(const bpmn_t *b, uint32_t s, box_t bx)
{
    uint32_t x = b->group_exit[b->lay.group_of[s]];
    int32_t port = x == GRAPH_NONE ? bx.x : bpmn_node_box(b, x).x +
                                            bpmn_node_box(b, x).w / 2;
    int32_t room = bx.x + bx.w - EV - (port + EV);
    return room < 0 ? 0 : room / STACK + 1;
}

/* A boundary handler's event, on its scope's box: the first written on
 * the bottom edge, one STACK apart and ending at the right corner, in the
 * order the handlers stand below (left to right); those that do not fit
 * up the right edge, the later the higher. */
static box_t boundary_box(const bpmn_t *b, uint32_t r)
{
    uint32_t sc = graph_node_scope(b->g, r);
    box_t s = bpmn_group_box(b, b->lay.group_of[sc]);
    int32_t j = (int32_t)b->slot[r], fit = bottom_fit(b, sc, s);
    int32_t m = (int32_t)b->n_slots[sc], on_bottom = m < fit ? m : fit;
    if (j < on_bottom)
        return event_at(s.x + s.w - EV - STACK * (on_bottom - 1 - j),
                        s.y + s.h);
    int32_t cy = s.y + s.h - EV - STACK * (j - on_bottom);
    return event_at(s.x + s.w, cy > s.y + EV ? cy : s.y + EV);
}

/* Where the process's start and end events stand: above the first
 * element the process starts with, below the whole drawing. */
static box_t plan_box(const bpmn_t *b, uint32_t which);

static box_t ref_box(const bpmn_t *b, bpmn_ref_t r)
{
    uint32_t k = bpmn_group_of_ref(b, r);
    if (k != GRAPH_NONE)
        return bpmn_group_box(b, k);
    if (r.role == BPMN_PLAN)
        return plan_box(b, r.node);
    box_t n = bpmn_node_box(b, r.node);
    bool recover = graph_node_kind(b->g, r.node) == GRAPH_RECOVER;
    if (r.role == BPMN_COMP)
        return event_at(n.x + n.w, n.y + n.h / 2);
    if (recover && r.role == BPMN_CATCH)
        return bpmn_is_boundary(b, r.node) ? boundary_box(b, r.node)
                                           : event_at(n.x + EV / 2,
                                                      n.y + n.h / 2);
    if (recover && r.role == BPMN_TASK && !bpmn_is_boundary(b, r.node))
        return (box_t){ n.x + n.w - 100, n.y, 100, n.h };
    return n;
}

/* The x where a flow meets REF: for a sub-process, the centre of the node
 * the flow enters by (TARGET) or leaves from inside it, so flows line up
 * with the flow within; otherwise the centre. */
static int32_t port_x(const bpmn_t *b, bpmn_ref_t r, bool target)
{
    uint32_t k = bpmn_group_of_ref(b, r);
    box_t bx = ref_box(b, r);
    if (k == GRAPH_NONE)
        return bx.x + bx.w / 2;
    uint32_t port = target ? r.node : b->group_exit[k];
    if (port == GRAPH_NONE)
        return bx.x + bx.w / 2;
    box_t n = bpmn_node_box(b, port);
    return n.x + n.w / 2;
}

static box_t plan_box(const bpmn_t *b, uint32_t which)
{
    uint32_t f = b->plan_flow[which];
    if (f != GRAPH_NONE && which == 0)
        return event_at(port_x(b, b->flows[f].to, true),
                        BPMN_OY - 30 - EV / 2);
    if (f != GRAPH_NONE)
        return event_at(port_x(b, b->flows[f].from, false),
                        BPMN_OY + b->lay.h + 30 + EV / 2);
    return event_at(BPMN_OX + EV / 2, which == 0 ? BPMN_OY - 30 - EV / 2
                                                 : BPMN_OY + b->lay.h + 30 +
                                                       EV / 2);
}

/* ---- shapes ---------------------------------------------------------- */

static void put_shape(bpmn_t *b, bpmn_ref_t r, const char *extra)
{
    box_t bx = ref_box(b, r);
    strbuf_puts(b->out, "      <bpmndi:BPMNShape id=\"DI_");
    bpmn_put_id(b->out, b->g, r);
    strbuf_puts(b->out, "\" bpmnElement=\"");
    bpmn_put_id(b->out, b->g, r);
    strbuf_printf(b->out, "\"%s>\n        <dc:Bounds x=\"%d\" y=\"%d\" "
                  "width=\"%d\" height=\"%d\"/>\n      </bpmndi:BPMNShape>\n",
                  extra, (int)bx.x, (int)bx.y, (int)bx.w, (int)bx.h);
}

static void put_shapes(bpmn_t *b)
{
    const graph_t *g = b->g;
    for (uint32_t k = 0; k < b->lay.n_groups; k++)
        put_shape(b, bpmn_group_ref(b, k), " isExpanded=\"true\"");
    for (uint32_t i = 0; i < graph_node_count(g); i++) {
        graph_node_kind_t kind = graph_node_kind(g, i);
        bool gateway = kind == GRAPH_BRANCH || kind == GRAPH_JOIN;
        put_shape(b, bpmn_node_ref(g, i),
                  gateway ? " isMarkerVisible=\"true\"" : "");
        if (kind == GRAPH_RECOVER && graph_node_ast(g, i)->u.recover.handler)
            put_shape(b, (bpmn_ref_t){ BPMN_TASK, i }, "");
        if (kind == GRAPH_UNDO && b->step_of[i] != GRAPH_NONE)
            put_shape(b, (bpmn_ref_t){ BPMN_COMP, b->step_of[i] }, "");
    }
    put_shape(b, (bpmn_ref_t){ BPMN_PLAN, 0 }, "");
    put_shape(b, (bpmn_ref_t){ BPMN_PLAN, 1 }, "");
}

/* ---- edges ----------------------------------------------------------- */

enum { MAX_POINTS = 6 };

/* The first x from X rightwards where a vertical line between Y0 and Y1
 * crosses nothing of container C. */
static int32_t free_lane(const bpmn_t *b, uint32_t c, int32_t x, int32_t y0,
                         int32_t y1)
{
    int32_t right;
    while (bpmn_crossed(b, c, x, y0, y1, &right))
        x = right + ELBOW;
    return x;
}

/* The waypoints (into P) of a flow in container C from S to T, SX and TX
 * its ports. Downwards: from S's bottom to T's top, straight or with a bend
 * just above T, or when that would cross something, by a lane right of
 * it. Otherwise (T beside S, or SIDE: an else flow leaving its gateway's
 * corner) out of S's right side. */
static uint32_t route(const bpmn_t *b, uint32_t c, box_t s, box_t t,
                      int32_t sx, int32_t tx, bool side, point_t *p)
{
    int32_t scy = s.y + s.h / 2, sb = s.y + s.h, right;
    if (side || t.y < sb) {
        p[0] = (point_t){ s.x + s.w, scy };
        if (t.x >= s.x + s.w && scy >= t.y && scy <= t.y + t.h) {
            p[1] = (point_t){ t.x, scy };
            return 2;
        }
        p[1] = (point_t){ tx, scy };
        p[2] = (point_t){ tx, t.y > scy ? t.y : t.y + t.h };
        return 3;
    }
    p[0] = (point_t){ sx, sb };
    if (!bpmn_crossed(b, c, sx, sb, t.y - ELBOW, &right)) {
        if (sx == tx) {
            p[1] = (point_t){ tx, t.y };
            return 2;
        }
        p[1] = (point_t){ sx, t.y - ELBOW };
        p[2] = (point_t){ tx, t.y - ELBOW };
        p[3] = (point_t){ tx, t.y };
        return 4;
    }
    int32_t lane = free_lane(b, c, right + ELBOW, sb + ELBOW, t.y - ELBOW);
    p[1] = (point_t){ sx, sb + ELBOW };
    p[2] = (point_t){ lane, sb + ELBOW };
    p[3] = (point_t){ lane, t.y - ELBOW };
    p[4] = (point_t){ tx, t.y - ELBOW };
    p[5] = (point_t){ tx, t.y };
    return 6;
}

static void put_edge_points(bpmn_t *b, const point_t *p, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        strbuf_printf(b->out, "        <di:waypoint x=\"%d\" y=\"%d\"/>\n",
                      (int)p[k].x, (int)p[k].y);
    strbuf_puts(b->out, "      </bpmndi:BPMNEdge>\n");
}

/* The waypoints of the flow from boundary handler R's event E to T:
 * down from E, across at a height between the scope's box and the row of
 * its handlers (the leftmost handler's lowest, so that no two of these
 * flows cross), down into T. */
static uint32_t boundary_route(const bpmn_t *b, uint32_t c, uint32_t r,
                               box_t e, box_t t, point_t *p)
{
    box_t s = bpmn_group_box(b, b->lay.group_of[graph_node_scope(b->g, r)]);
    int32_t ex = e.x + e.w / 2, tx = t.x + t.w / 2;
    if (e.y + e.h / 2 < s.y + s.h || t.y <= s.y + s.h)
        return route(b, c, e, t, ex, tx, true, p);  /* on the right edge */
    uint32_t sc = graph_node_scope(b->g, r);
    int32_t row = bpmn_node_box(b, r).y, fit = bottom_fit(b, sc, s);
    int32_t m = (int32_t)b->n_slots[sc], on_bottom = m < fit ? m : fit;
    int32_t rank = on_bottom - (int32_t)b->slot[r];
    int32_t y = s.y + s.h + EV / 2 +
                (row - s.y - s.h - EV / 2) * rank / (on_bottom + 1);
    p[0] = (point_t){ ex, e.y + e.h };
    p[1] = (point_t){ ex, y };
    p[2] = (point_t){ tx, y };
    p[3] = (point_t){ tx, t.y };
    return ex == tx ? 2 : 4;
}

/* The waypoints of a flow in container C from an if's gateway S straight
 * to its join T (an empty branch): out of S's right corner, down a lane
 * right of what the other branch holds between them, into T's right
 * corner. */
static uint32_t bypass_route(const bpmn_t *b, uint32_t c, box_t s, box_t t,
                             point_t *p)
{
    int32_t x = (s.x + s.w > t.x + t.w ? s.x + s.w : t.x + t.w) + ELBOW;
    int32_t lane = free_lane(b, c, x, s.y + s.h / 2, t.y + t.h / 2);
    p[0] = (point_t){ s.x + s.w, s.y + s.h / 2 };
    p[1] = (point_t){ lane, s.y + s.h / 2 };
    p[2] = (point_t){ lane, t.y + t.h / 2 };
    p[3] = (point_t){ t.x + t.w, t.y + t.h / 2 };
    return 4;
}

/* Whether flow F goes from an if's gateway straight to its own join. */
static bool is_bypass(const bpmn_t *b, const bpmn_flow_t *f)
{
    return f->from.role == BPMN_GATEWAY && f->to.role == BPMN_GATEWAY &&
           graph_node_kind(b->g, f->from.node) == GRAPH_BRANCH &&
           graph_node_ast(b->g, f->from.node) ==
               graph_node_ast(b->g, f->to.node);
}

static void put_flow_edge(bpmn_t *b, const bpmn_flow_t *f)
{
    box_t s = ref_box(b, f->from), t = ref_box(b, f->to);
    bool side = f->kind == GRAPH_EDGE_ELSE && t.x > s.x + s.w;
    point_t p[MAX_POINTS];
    uint32_t n;
    if (f->from.role == BPMN_CATCH && bpmn_is_boundary(b, f->from.node))
        n = boundary_route(b, f->container, f->from.node, s, t, p);
    else if (is_bypass(b, f))
        n = bypass_route(b, f->container, s, t, p);
    else
        n = route(b, f->container, s, t, port_x(b, f->from, false),
                  port_x(b, f->to, true), side, p);
    strbuf_puts(b->out, "      <bpmndi:BPMNEdge id=\"DI_");
    bpmn_put_flow_id(b->out, b->g, f);
    strbuf_puts(b->out, "\" bpmnElement=\"");
    bpmn_put_flow_id(b->out, b->g, f);
    strbuf_puts(b->out, "\">\n");
    put_edge_points(b, p, n);
}

static void put_association_edge(bpmn_t *b, uint32_t undo)
{
    bpmn_ref_t comp = { BPMN_COMP, b->step_of[undo] };
    bpmn_ref_t task = { BPMN_TASK, undo };
    bpmn_ref_t assoc = { BPMN_ASSOC, undo };
    box_t s = ref_box(b, comp), t = ref_box(b, task);
    point_t p[MAX_POINTS];
    uint32_t n = route(b, b->lay.group_of[undo], s, t, s.x + s.w / 2,
                       t.x + t.w / 2, true, p);
    strbuf_puts(b->out, "      <bpmndi:BPMNEdge id=\"DI_");
    bpmn_put_id(b->out, b->g, assoc);
    strbuf_puts(b->out, "\" bpmnElement=\"");
    bpmn_put_id(b->out, b->g, assoc);
    strbuf_puts(b->out, "\">\n");
    put_edge_points(b, p, n);
}

void bpmn_write_diagram(bpmn_t *b, const char *process_id)
{
    strbuf_printf(b->out, "  <bpmndi:BPMNDiagram id=\"Diagram_mig\">\n"
                  "    <bpmndi:BPMNPlane id=\"Plane_mig\" "
                  "bpmnElement=\"%s\">\n", process_id);
    put_shapes(b);
    for (uint32_t f = 0; f < b->n_flows; f++)
        put_flow_edge(b, &b->flows[f]);
    for (uint32_t i = 0; i < graph_node_count(b->g); i++)
        if (b->step_of[i] != GRAPH_NONE)
            put_association_edge(b, i);
    strbuf_puts(b->out, "    </bpmndi:BPMNPlane>\n"
                        "  </bpmndi:BPMNDiagram>\n");
}
