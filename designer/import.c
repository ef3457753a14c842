/* import.c: `mig import`, a mig-graph JSON document (docs/export.md) read
 * back into a .mig plan, as a visual designer saves one. The nodes, their
 * properties and the groups that hold them say everything; labels, spans,
 * layout, the stage order and the edges are derived, so they are only
 * checked for dangling ids. The document is checked whole first, every
 * error naming its JSON path; then the plan is printed block by block from
 * the groups (import_props.c prints each statement) and compiled, and
 * whatever the compiler says is said of the node it came from
 * (import_text.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_int.h"

/* ---- messages and members -------------------------------------------- */

void imp_error(imp_t *im, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(im->diags, DIAG_ERROR, im->src, NULL, fmt, ap);
    va_end(ap);
}

void imp_path(imp_path_t *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->s, sizeof p->s, fmt, ap);
    va_end(ap);
}

const char *imp_str(const val_t *v)
{
    return val_get_str(v, NULL);
}

/* JSON's words for the types of values, with their article. */
static const char *const json_type_text[] = {
    [VAL_NULL] = "null", [VAL_BOOL] = "a boolean", [VAL_NUMBER] = "a number",
    [VAL_STRING] = "a string", [VAL_LIST] = "an array",
    [VAL_MAP] = "an object", [VAL_DURATION] = "a duration",
    [VAL_SECRET] = "a secret",
};

const char *imp_type_text(const val_t *v)
{
    return json_type_text[val_type(v)];
}

const val_t *imp_member(imp_t *im, const val_t *obj, const char *path,
                        const char *key, unsigned types, bool required)
{
    const val_t *v = val_map_get(obj, key, strlen(key));
    const char *dot = *path ? "." : "";
    if (!v) {
        if (required)
            imp_error(im, "%s%smissing member '%s'", path, *path ? ": " : "",
                      key);
        return NULL;
    }
    if (types & (1u << val_type(v)))
        return v;
    char want[96] = "";
    for (unsigned t = 0; t <= VAL_DURATION; t++)
        if (types & (1u << t)) {
            size_t n = strlen(want);
            snprintf(want + n, sizeof want - n, "%s%s", n ? " or " : "",
                     json_type_text[t]);
        }
    imp_error(im, "%s%s%s: expected %s, found %s", path, dot, key, want,
              json_type_text[val_type(v)]);
    return NULL;
}

/* The name among NAMES (N of them) closest to S, if close enough to be a
 * likely typo; NULL otherwise. */
static const char *closest(const char *s, const char *const *names,
                           size_t n)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX, ls = strlen(s);
    for (size_t k = 0; k < n; k++) {
        size_t d = diag_distance(s, ls, names[k], strlen(names[k]));
        if (d < best_d) {
            best_d = d;
            best = names[k];
        }
    }
    return best && best_d <= 2 && best_d < ls ? best : NULL;
}

void imp_only(imp_t *im, const val_t *obj, const char *path,
              const char *const *keys)
{
    size_t nkeys = 0;
    while (keys[nkeys])
        nkeys++;
    for (size_t i = 0; i < val_len(obj); i++) {
        const char *k = imp_str(val_map_key(obj, i));
        bool known = false;
        for (size_t j = 0; j < nkeys && !known; j++)
            known = strcmp(k, keys[j]) == 0;
        if (known)
            continue;
        const char *near = closest(k, keys, nkeys);
        imp_error(im, "%s%sunknown member '%s'%s%s%s", path,
                  *path ? ": " : "", k, near ? " (did you mean '" : "",
                  near ? near : "", near ? "'?)" : "");
    }
}

/* The kind named S among the N names NAME gives, or N. */
static unsigned kind_named(const char *s, const char *(*name)(unsigned),
                           unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        if (strcmp(s, name(k)) == 0)
            return k;
    return n;
}

static const char *node_kind_at(unsigned k)
{
    return graph_node_kind_name((graph_node_kind_t)k);
}

static const char *edge_kind_at(unsigned k)
{
    return graph_edge_kind_name((graph_edge_kind_t)k);
}

static const char *group_kind_at(unsigned k)
{
    return mgraph_group_kind_name((mgraph_group_kind_t)k);
}

/* Reports S at PATH as not one of the N kinds NAME gives. */
static void unknown_kind(imp_t *im, const char *path, const char *what,
                         const char *s, const char *(*name)(unsigned),
                         unsigned n)
{
    const char *names[32];
    for (unsigned k = 0; k < n && k < 32; k++)
        names[k] = name(k);
    const char *near = closest(s, names, n < 32 ? n : 32);
    imp_error(im, "%s: unknown %s kind '%s'%s%s%s", path, what, s,
              near ? " (did you mean '" : "", near ? near : "",
              near ? "'?)" : "");
}

/* The index under ID in the map IDS, or GRAPH_NONE. */
static uint32_t find(const val_t *ids, const char *id)
{
    const val_t *v = val_map_get(ids, id, strlen(id));
    return v ? (uint32_t)val_get_int(v) : GRAPH_NONE;
}

/* Puts ID -> I into IDS, unless ID is there already, as the id of
 * WHAT[first]: that is said. */
static void claim(imp_t *im, val_t *ids, const char *path, const char *what,
                  const char *id, uint32_t i)
{
    uint32_t first = find(ids, id);
    if (first != GRAPH_NONE) {
        imp_error(im, "%s.id: '%s' is also the id of %s[%u]", path, id, what,
                  first);
        return;
    }
    val_t *v = val_int(i);
    if (!v || val_map_set_take(ids, id, strlen(id), v) != MIG_OK)
        im->oom = true;
}

/* ---- the document ------------------------------------------------------ */

static const char *const node_keys[] = { "id", "kind", "label", "span",
                                         "properties", "layout", NULL };
static const char *const group_keys[] = { "id", "kind", "label", "node",
                                          "parent", "members", "layout",
                                          NULL };
static const char *const edge_keys[] = { "from", "to", "kind", NULL };

static void read_node(imp_t *im, const val_t *n, uint32_t i, val_t *ids)
{
    inode_t *in = &im->nodes[i];
    imp_path_t p;
    imp_path(&p, "nodes[%u]", i);
    *in = (inode_t){ .kind = GRAPH_NODE_KIND_COUNT, .group = GRAPH_NONE };
    for (unsigned k = 0; k < MGRAPH_GROUP_KIND_COUNT; k++)
        in->opens[k] = GRAPH_NONE;
    if (val_type(n) != VAL_MAP) {
        imp_error(im, "%s: expected an object, found %s", p.s,
                  json_type_text[val_type(n)]);
        return;
    }
    imp_only(im, n, p.s, node_keys);
    const val_t *id = imp_member(im, n, p.s, "id", IMP_T(STRING), true);
    const val_t *kind = imp_member(im, n, p.s, "kind", IMP_T(STRING), true);
    in->props = imp_member(im, n, p.s, "properties", IMP_T(MAP), true);
    if (id) {
        claim(im, ids, p.s, "nodes", imp_str(id), i);
        in->id = imp_str(id);
    }
    if (kind) {
        in->kind = kind_named(imp_str(kind), node_kind_at,
                              GRAPH_NODE_KIND_COUNT);
        if (in->kind == GRAPH_NODE_KIND_COUNT) {
            imp_path_t kp;
            imp_path(&kp, "%s.kind", p.s);
            unknown_kind(im, kp.s, "node", imp_str(kind), node_kind_at,
                         GRAPH_NODE_KIND_COUNT);
        }
    }
}

/* Reads "nodes": each node's id, kind and properties. */
static void read_nodes(imp_t *im, val_t *ids)
{
    const val_t *l = imp_member(im, im->root, "", "nodes", IMP_T(LIST), true);
    uint32_t n = l ? (uint32_t)val_len(l) : 0;
    im->nodes = calloc((size_t)n + 1, sizeof(inode_t));
    if (!im->nodes) {
        im->oom = true;
        return;
    }
    im->n_nodes = n;
    for (uint32_t i = 0; i < n && !im->oom; i++)
        read_node(im, val_list_get(l, i), i, ids);
}

/* Reads group K's kind and the node that opens it. */
static void read_group_head(imp_t *im, const val_t *gv, uint32_t k,
                            const val_t *node_ids)
{
    igroup_t *g = &im->groups[k];
    imp_path_t p;
    imp_path(&p, "groups[%u]", k);
    const val_t *kind = imp_member(im, gv, p.s, "kind", IMP_T(STRING), true);
    const val_t *node = imp_member(im, gv, p.s, "node", IMP_T(STRING), true);
    if (kind) {
        g->kind = kind_named(imp_str(kind), group_kind_at,
                             MGRAPH_GROUP_KIND_COUNT);
        if (g->kind == MGRAPH_GROUP_KIND_COUNT) {
            imp_path_t kp;
            imp_path(&kp, "%s.kind", p.s);
            unknown_kind(im, kp.s, "group", imp_str(kind), group_kind_at,
                         MGRAPH_GROUP_KIND_COUNT);
        }
    }
    if (!node)
        return;
    g->node = find(node_ids, imp_str(node));
    if (g->node == GRAPH_NONE) {
        imp_error(im, "%s.node: no node has the id '%s'", p.s,
                  imp_str(node));
        return;
    }
    inode_t *opener = &im->nodes[g->node];
    if (g->kind == MGRAPH_GROUP_KIND_COUNT ||
        opener->kind == GRAPH_NODE_KIND_COUNT)
        return;
    graph_node_kind_t want = mgraph_group_opener(g->kind);
    if (opener->kind != want)
        imp_error(im, "%s.node: a '%s' group is opened by a '%s' node; "
                  "'%s' is a '%s'", p.s, mgraph_group_kind_name(g->kind),
                  graph_node_kind_name(want), imp_str(node),
                  graph_node_kind_name(opener->kind));
    else if (opener->opens[g->kind] != GRAPH_NONE)
        imp_error(im, "%s.node: '%s' already opens groups[%u], a '%s' group",
                  p.s, imp_str(node), opener->opens[g->kind],
                  mgraph_group_kind_name(g->kind));
    else
        opener->opens[g->kind] = k;
}

/* Appends node I to the members of the group being read. */
static void add_member(imp_t *im, uint32_t i)
{
    if (im->n_members == im->cap_members) {
        size_t cap = im->cap_members ? im->cap_members * 2 : 64;
        uint32_t *m = realloc(im->members, cap * sizeof(*m));
        if (!m) {
            im->oom = true;
            return;
        }
        im->members = m;
        im->cap_members = cap;
    }
    im->members[im->n_members++] = i;
}

/* Reads group K's members M: each node is in one group at most. */
static void read_members(imp_t *im, uint32_t k, const val_t *m,
                         const val_t *node_ids)
{
    im->groups[k].first = (uint32_t)im->n_members;
    for (uint32_t j = 0; m && j < val_len(m); j++) {
        const val_t *v = val_list_get(m, j);
        if (val_type(v) != VAL_STRING) {
            imp_error(im, "groups[%u].members[%u]: expected a string, found "
                      "%s", k, j, json_type_text[val_type(v)]);
            continue;
        }
        uint32_t i = find(node_ids, imp_str(v));
        if (i == GRAPH_NONE) {
            imp_error(im, "groups[%u].members[%u]: no node has the id '%s'",
                      k, j, imp_str(v));
        } else if (im->nodes[i].group != GRAPH_NONE) {
            imp_error(im, "groups[%u].members[%u]: '%s' is also a member of "
                      "groups[%u]", k, j, imp_str(v), im->nodes[i].group);
        } else {
            im->nodes[i].group = k;
            add_member(im, i);
        }
    }
    im->groups[k].count = (uint32_t)im->n_members - im->groups[k].first;
}

/* Checks group K's parent, when given: the group holding its node. */
static void check_parent(imp_t *im, const val_t *gv, uint32_t k,
                         const val_t *group_ids)
{
    igroup_t *g = &im->groups[k];
    imp_path_t p;
    imp_path(&p, "groups[%u]", k);
    const val_t *parent = imp_member(im, gv, p.s, "parent",
                                     IMP_T(STRING) | IMP_T(NULL), false);
    if (g->node == GRAPH_NONE || g->kind == MGRAPH_GROUP_KIND_COUNT)
        return;
    uint32_t holder = im->nodes[g->node].group;
    if (holder == k && g->kind != MGRAPH_GROUP_STAGE) {
        imp_error(im, "%s.members: holds '%s', the node that opens the group",
                  p.s, im->nodes[g->node].id);
        return;
    }
    uint32_t want = g->kind == MGRAPH_GROUP_STAGE ? GRAPH_NONE : holder;
    if (!parent)
        return;
    uint32_t given = val_type(parent) == VAL_NULL
                         ? GRAPH_NONE : find(group_ids, imp_str(parent));
    if (val_type(parent) == VAL_STRING && given == GRAPH_NONE)
        imp_error(im, "%s.parent: no group has the id '%s'", p.s,
                  imp_str(parent));
    else if (given != want && want == GRAPH_NONE)
        imp_error(im, "%s.parent: expected null: its node '%s' stands at plan "
                  "level", p.s, im->nodes[g->node].id);
    else if (given != want)
        imp_error(im, "%s.parent: expected '%s', the group holding its node "
                  "'%s'", p.s, im->groups[want].id ? im->groups[want].id
                                                     : "?",
                  im->nodes[g->node].id);
}

/* Reads "groups" (optional: a plan may have none). */
static void read_groups(imp_t *im, const val_t *node_ids, val_t *group_ids)
{
    const val_t *l = imp_member(im, im->root, "", "groups", IMP_T(LIST),
                                false);
    uint32_t n = l ? (uint32_t)val_len(l) : 0;
    im->groups = calloc((size_t)n + 1, sizeof(igroup_t));
    if (!im->groups) {
        im->oom = true;
        return;
    }
    im->n_groups = n;
    for (uint32_t k = 0; k < n && !im->oom; k++) {
        const val_t *gv = val_list_get(l, k);
        igroup_t *g = &im->groups[k];
        *g = (igroup_t){ .kind = MGRAPH_GROUP_KIND_COUNT, .node = GRAPH_NONE };
        imp_path_t p;
        imp_path(&p, "groups[%u]", k);
        if (val_type(gv) != VAL_MAP) {
            imp_error(im, "%s: expected an object, found %s", p.s,
                      json_type_text[val_type(gv)]);
            continue;
        }
        imp_only(im, gv, p.s, group_keys);
        const val_t *id = imp_member(im, gv, p.s, "id", IMP_T(STRING), true);
        if (id) {
            claim(im, group_ids, p.s, "groups", imp_str(id), k);
            g->id = imp_str(id);
        }
        read_group_head(im, gv, k, node_ids);
        read_members(im, k, imp_member(im, gv, p.s, "members", IMP_T(LIST),
                                       true), node_ids);
    }
    for (uint32_t k = 0; k < n && !im->oom; k++)
        if (val_type(val_list_get(l, k)) == VAL_MAP)
            check_parent(im, val_list_get(l, k), k, group_ids);
}

/* Checks "edges": derived from the nodes and groups, so only their ends
 * and kinds are looked at. */
static void check_edges(imp_t *im, const val_t *node_ids)
{
    const val_t *l = imp_member(im, im->root, "", "edges", IMP_T(LIST),
                                false);
    for (uint32_t e = 0; l && e < val_len(l); e++) {
        const val_t *ev = val_list_get(l, e);
        imp_path_t p;
        imp_path(&p, "edges[%u]", e);
        if (val_type(ev) != VAL_MAP) {
            imp_error(im, "%s: expected an object, found %s", p.s,
                      json_type_text[val_type(ev)]);
            continue;
        }
        imp_only(im, ev, p.s, edge_keys);
        static const char *const ends[] = { "from", "to" };
        for (int k = 0; k < 2; k++) {
            const val_t *v = imp_member(im, ev, p.s, ends[k], IMP_T(STRING),
                                        true);
            if (v && find(node_ids, imp_str(v)) == GRAPH_NONE)
                imp_error(im, "%s.%s: no node has the id '%s'", p.s, ends[k],
                          imp_str(v));
        }
        const val_t *kind = imp_member(im, ev, p.s, "kind", IMP_T(STRING),
                                       true);
        if (kind && kind_named(imp_str(kind), edge_kind_at,
                               GRAPH_EDGE_KIND_COUNT) == GRAPH_EDGE_KIND_COUNT) {
            imp_path_t kp;
            imp_path(&kp, "%s.kind", p.s);
            unknown_kind(im, kp.s, "edge", imp_str(kind), edge_kind_at,
                         GRAPH_EDGE_KIND_COUNT);
        }
    }
}

/* Checks that the document is a mig-graph this mig reads. False when it
 * is not worth looking further. */
static bool check_format(imp_t *im)
{
    static const char *const keys[] = { "format", "version", "plan",
                                        "stages", "nodes", "groups", "edges",
                                        NULL };
    if (val_type(im->root) != VAL_MAP) {
        imp_error(im, "expected a mig-graph document (a JSON object), found "
                  "%s", json_type_text[val_type(im->root)]);
        return false;
    }
    const val_t *f = imp_member(im, im->root, "", "format", IMP_T(STRING),
                                true);
    if (!f)
        return false;
    if (strcmp(imp_str(f), "mig-graph") != 0) {
        imp_error(im, "format: expected \"mig-graph\", found \"%s\"",
                  imp_str(f));
        return false;
    }
    const val_t *v = imp_member(im, im->root, "", "version", IMP_T(NUMBER),
                                true);
    if (!v)
        return false;
    if (!val_is_int(v) || val_get_int(v) != MGRAPH_VERSION) {
        strbuf_t t;
        strbuf_init(&t);
        val_format(v, &t);
        imp_error(im, "version: this mig reads mig-graph version %d, not %s",
                  MGRAPH_VERSION, t.data ? t.data : "?");
        strbuf_free(&t);
        return false;
    }
    imp_only(im, im->root, "", keys);
    imp_member(im, im->root, "", "stages", IMP_T(LIST), false);
    im->plan = imp_member(im, im->root, "", "plan", IMP_T(MAP), true);
    return true;
}

/* ---- printing ---------------------------------------------------------- */

void imp_indent(imp_t *im, int n)
{
    for (int i = 0; i < n; i++)
        strbuf_puts(im->out, "  ");
}

void imp_range(imp_t *im, size_t begin, imp_origin_t origin, uint32_t index)
{
    if (im->n_ranges == im->cap_ranges) {
        size_t cap = im->cap_ranges ? im->cap_ranges * 2 : 64;
        imp_range_t *r = realloc(im->ranges, cap * sizeof(*r));
        if (!r) {
            im->oom = true;
            return;
        }
        im->ranges = r;
        im->cap_ranges = cap;
    }
    im->ranges[im->n_ranges++] = (imp_range_t){
        .begin = begin - im->out_start, .end = im->out->len - im->out_start,
        .origin = origin, .index = index,
    };
}

/* Whether member M of group G is printed as a statement of its block: not
 * a derived node, nor the entry of the stage G is. */
static bool prints_in(const imp_t *im, uint32_t m, uint32_t g)
{
    const inode_t *n = &im->nodes[m];
    return n->kind < GRAPH_NODE_KIND_COUNT && imp_kind_is_stmt(n->kind) &&
           n->opens[MGRAPH_GROUP_STAGE] != g;
}

uint32_t imp_block_count(const imp_t *im, uint32_t i, mgraph_group_kind_t k,
                         uint32_t *only)
{
    uint32_t g = im->nodes[i].opens[k], count = 0;
    *only = GRAPH_NONE;
    if (g == GRAPH_NONE)
        return 0;
    for (uint32_t j = 0; j < im->groups[g].count; j++) {
        uint32_t m = im->members[im->groups[g].first + j];
        if (prints_in(im, m, g)) {
            *only = count ? GRAPH_NONE : m;
            count++;
        }
    }
    return count;
}

void imp_block(imp_t *im, uint32_t i, mgraph_group_kind_t k, int depth)
{
    uint32_t only;
    if (imp_block_count(im, i, k, &only) == 0) {
        strbuf_puts(im->out, " { }");
        return;
    }
    uint32_t g = im->nodes[i].opens[k];
    strbuf_puts(im->out, " {\n");
    for (uint32_t j = 0; j < im->groups[g].count; j++) {
        uint32_t m = im->members[im->groups[g].first + j];
        if (prints_in(im, m, g)) {
            imp_stmt(im, m, depth + 1, false);
            strbuf_putc(im->out, '\n');
        }
    }
    imp_indent(im, depth);
    strbuf_putc(im->out, '}');
}

void imp_stmt(imp_t *im, uint32_t i, int depth, bool inline_)
{
    inode_t *n = &im->nodes[i];
    if (n->printed || im->oom)
        return;
    n->printed = true;
    if (depth > MIG_MAX_NESTING) {
        imp_error(im, "nodes[%u] ('%s'): groups nest more than %d deep", i,
                  n->id, MIG_MAX_NESTING);
        return;
    }
    size_t begin = im->out->len;
    if (!inline_)
        imp_indent(im, depth);
    imp_print_node(im, i, depth);
    imp_range(im, begin, IMP_FROM_NODE, i);
}

/* Whether node I stands at plan level: in no group, or a stage's entry
 * (drawn inside the stage it opens). */
static bool at_plan_level(const imp_t *im, uint32_t i)
{
    const inode_t *n = &im->nodes[i];
    return imp_kind_is_stmt(n->kind) &&
           (n->group == GRAPH_NONE ||
            n->opens[MGRAPH_GROUP_STAGE] == n->group);
}

/* Whether node I's statement takes one line at plan level (a let, or a
 * recover with a handler), so that it needs no blank line around it. */
static bool one_line(const imp_t *im, uint32_t i)
{
    graph_node_kind_t k = im->nodes[i].kind;
    return k == GRAPH_LET ||
           (k == GRAPH_RECOVER && im->nodes[i].opens[MGRAPH_GROUP_RECOVER] ==
                                      GRAPH_NONE);
}

/* Prints the plan's statements; HEADER: the header printed items. */
static void print_body(imp_t *im, bool header)
{
    bool first = true, prev_short = false;
    for (uint32_t i = 0; i < im->n_nodes && !im->oom; i++) {
        if (!at_plan_level(im, i))
            continue;
        bool is_short = one_line(im, i);
        if (first ? header : !(prev_short && is_short))
            strbuf_putc(im->out, '\n');
        imp_stmt(im, i, 1, false);
        strbuf_putc(im->out, '\n');
        first = false;
        prev_short = is_short;
    }
    strbuf_puts(im->out, "}\n");
}

/* Reports the statements that were never printed: a group is opened by
 * a node of another group, and so on up, until the chain comes back to
 * the first group, so no path from the plan reaches them. */
static void check_reached(imp_t *im)
{
    for (uint32_t i = 0; i < im->n_nodes; i++) {
        const inode_t *n = &im->nodes[i];
        if (!n->printed && imp_kind_is_stmt(n->kind))
            imp_error(im, "nodes[%u] ('%s'): not reached from the plan: its "
                      "group '%s' ends up inside itself (it is opened by a "
                      "node of a group opened by a node of ... that group)",
                      i, n->id, im->groups[n->group].id
                                    ? im->groups[n->group].id : "?");
    }
}

/* ---- the whole import -------------------------------------------------- */

/* Reads and checks the document. False when it has errors. */
static bool read_document(imp_t *im, val_t *node_ids, val_t *group_ids)
{
    size_t errors = im->diags->errors;
    if (!check_format(im))
        return false;
    read_nodes(im, node_ids);
    if (!im->oom)
        read_groups(im, node_ids, group_ids);
    if (!im->oom)
        check_edges(im, node_ids);
    if (!im->oom && im->plan)
        imp_check_header(im);
    for (uint32_t i = 0; i < im->n_nodes && !im->oom; i++)
        if (im->nodes[i].kind < GRAPH_NODE_KIND_COUNT && im->nodes[i].props)
            imp_check_props(im, i);
    return !im->oom && im->diags->errors == errors;
}

mig_status_t import_graph(src_t *src, diag_list_t *diags, strbuf_t *out)
{
    val_t *root = NULL;
    mig_status_t st = val_from_json(src, diags, &root);
    if (st != MIG_OK)
        return st;
    imp_t im = { .src = src, .diags = diags, .out = out, .root = root,
                 .out_start = out->len };
    val_t *node_ids = val_map_new(0), *group_ids = val_map_new(0);
    size_t errors = diags->errors;
    if (!node_ids || !group_ids)
        im.oom = true;
    else if (read_document(&im, node_ids, group_ids)) {
        bool header = imp_print_header(&im);
        print_body(&im, header);
        check_reached(&im);
    }
    st = im.oom || out->oom || diags->out_of_memory ? MIG_ENOMEM
       : diags->errors > errors ? MIG_EINVALID : MIG_OK;
    if (st == MIG_OK)
        st = imp_compile(&im, src->name);
    free(im.nodes);
    free(im.groups);
    free(im.members);
    free(im.ranges);
    val_unref(node_ids);
    val_unref(group_ids);
    val_unref(root);
    return st;
}
