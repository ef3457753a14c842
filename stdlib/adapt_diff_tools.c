/* adapt_diff_tools.c: the diff of two interfaces (mig_stdlib.h,
 * adapt_diff; docs/recovery.md, "Interface diffs"): each read as its tools
 * (a list of them, {tools: [...]}, one tool, or one bare parameter
 * schema), the tools paired by name, by old tools merged into a new one
 * behind a discriminator, or by a rename, and each pair's parameters
 * compared by adapt_diff.c. The result holds the change lines and the
 * mapping a plan gives adapt.params or adapt.translate. */
#include <stdlib.h>
#include <string.h>

#include "adapt_diff.h"

#define NONE ((size_t)-1)
#define DIFF_MAX_TOOLS 256

typedef struct tool {
    const char *name;       /* NULL for a bare schema */
    const val_t *schema;
    const char *op;         /* an OpenAPI operation's "METHOD /path" */
    const val_t *desc;      /* its description (a string), or NULL */
} tool_t;

/* How alike two tools' descriptions must be (adapt_text_overlap) to be
 * evidence that one was renamed the other. */
#define DIFF_DESC_AGREE 75

typedef struct iface {
    tool_t t[DIFF_MAX_TOOLS];
    size_t n;
    bool bare;              /* one parameter schema, no tool around it */
    size_t pair[DIFF_MAX_TOOLS];
} iface_t;

static const val_t *kw(const val_t *s, const char *k)
{
    return s && val_type(s) == VAL_MAP ? val_map_get(s, k, strlen(k)) : NULL;
}

/* The parameter schema of the tool T in its known shapes: MCP's
 * inputSchema, Anthropic's input_schema, OpenAI's parameters (also under
 * "function"), or NULL. */
static const val_t *tool_schema(const val_t *t)
{
    static const char *const keys[] = { "inputSchema", "input_schema",
                                        "parameters" };
    const val_t *fn = kw(t, "function");
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        const val_t *s = kw(t, keys[i]);
        if (!s && fn)
            s = kw(fn, keys[i]);
        if (s && val_type(s) == VAL_MAP)
            return s;
    }
    return NULL;
}

/* The description of the tool T (a string), or NULL. */
static const val_t *tool_desc(const val_t *t)
{
    const val_t *d = kw(t, "description");
    if (!d && kw(t, "function"))
        d = kw(kw(t, "function"), "description");
    return d && val_type(d) == VAL_STRING ? d : NULL;
}

static const char *tool_name(const val_t *t)
{
    const val_t *n = kw(t, "name");
    if (!n && kw(t, "function"))
        n = kw(kw(t, "function"), "name");
    return n && val_type(n) == VAL_STRING ? val_get_str(n, NULL) : NULL;
}

/* Reads V (the interface WHICH: "old" or "new") into I. MIG_OK or
 * MIG_EINVALID with WHY. */
static mig_status_t read_iface(const val_t *v, const char *which, iface_t *i,
                               strbuf_t *why)
{
    const val_t *list = val_type(v) == VAL_LIST ? v : kw(v, "tools");
    i->n = 0;
    i->bare = false;
    i->t[0].op = NULL;
    i->t[0].desc = NULL;
    if (!list && val_type(v) == VAL_MAP && tool_schema(v)) {
        i->t[0].name = tool_name(v);
        i->t[0].desc = tool_desc(v);
        i->t[0].schema = tool_schema(v);
        i->n = 1;
    } else if (!list && val_type(v) == VAL_MAP
               && (kw(v, "properties") || kw(v, "type"))) {
        i->t[0].name = NULL;
        i->t[0].schema = v;
        i->n = 1;
        i->bare = true;
    } else if (list && val_type(list) == VAL_LIST) {
        if (val_len(list) > DIFF_MAX_TOOLS) {
            strbuf_printf(why, "the %s interface has %zu tools; at most %d "
                          "are compared", which, val_len(list),
                          DIFF_MAX_TOOLS);
            return MIG_EINVALID;
        }
        for (size_t k = 0; k < val_len(list); k++) {
            const val_t *t = val_list_get(list, k);
            if (!tool_name(t) || !tool_schema(t)) {
                strbuf_printf(why, "the %s interface's tool %zu (counted "
                              "from 0) has no name or no parameter schema "
                              "(inputSchema, input_schema or parameters)",
                              which, k);
                return MIG_EINVALID;
            }
            const val_t *op = kw(t, "operation");
            i->t[i->n].name = tool_name(t);
            i->t[i->n].op = op && val_type(op) == VAL_STRING
                ? val_get_str(op, NULL) : NULL;
            i->t[i->n].desc = tool_desc(t);
            i->t[i->n++].schema = tool_schema(t);
        }
    } else {
        strbuf_printf(why, "the %s interface is neither a parameter schema, "
                      "a tool, nor a list of tools", which);
        return MIG_EINVALID;
    }
    for (size_t k = 0; k < i->n; k++)
        i->pair[k] = NONE;
    return MIG_OK;
}

/* ---- tools merged behind a discriminator -------------------------------- */

/* The values property P of schema S (a new tool's) is limited to: its
 * enum, or the consts of its oneOf/anyOf schemas' P; NULL when none. */
static mig_status_t disc_values(const val_t *s, const char *p, val_t **out)
{
    *out = NULL;
    const val_t *e = kw(kw(kw(s, "properties"), p), "enum");
    if (e && val_type(e) == VAL_LIST) {
        *out = val_ref((val_t *)e);
        return MIG_OK;
    }
    const val_t *l = kw(s, "oneOf") ? kw(s, "oneOf") : kw(s, "anyOf");
    for (size_t i = 0; l && val_type(l) == VAL_LIST && i < val_len(l); i++) {
        const val_t *k = kw(kw(kw(val_list_get(l, i), "properties"), p),
                            "const");
        if (!k)
            continue;
        if (!*out && !(*out = val_list_new(val_len(l))))
            return MIG_ENOMEM;
        if (val_list_push(*out, (val_t *)k) != MIG_OK)
            return MIG_ENOMEM;
    }
    return MIG_OK;
}

/* The most words of a description read as the values a discriminator
 * lists there. */
#define DISC_MAX_LISTED 256

/* Whether the property P of the schema S is required. */
static bool required_in(const val_t *s, const char *p)
{
    const val_t *r = kw(s, "required");
    for (size_t i = 0; r && val_type(r) == VAL_LIST && i < val_len(r); i++) {
        const val_t *x = val_list_get(r, i);
        if (val_type(x) == VAL_STRING && strcmp(val_get_str(x, NULL), p) == 0)
            return true;
    }
    return false;
}

/* The values a required string property P of S without an enum lists in
 * its description (github-mcp-server's pull_request_read: "method ...
 * Possible options: 1. get - ... 2. get_diff - ..."): the distinct words
 * of letters, digits and '_' (two or more characters, at most
 * DISC_MAX_LISTED); NULL when P is not such a property. Only a word that,
 * with the tool's name, names an old tool is ever used. */
static mig_status_t listed_values(const val_t *s, const char *p, val_t **out)
{
    *out = NULL;
    const val_t *ps = kw(kw(s, "properties"), p), *t = kw(ps, "type");
    const val_t *d = kw(ps, "description");
    if (kw(ps, "enum") || !t || val_type(t) != VAL_STRING
        || strcmp(val_get_str(t, NULL), "string") != 0 || !d
        || val_type(d) != VAL_STRING || !required_in(s, p))
        return MIG_OK;
    if (!(*out = val_list_new(8)))
        return MIG_ENOMEM;
    for (const char *c = val_get_str(d, NULL); *c;) {
        size_t n = 0;
        while ((c[n] >= 'a' && c[n] <= 'z') || (c[n] >= 'A' && c[n] <= 'Z')
               || (c[n] >= '0' && c[n] <= '9') || c[n] == '_')
            n++;
        bool seen = n < 2 || val_len(*out) == DISC_MAX_LISTED;
        for (size_t i = 0; !seen && i < val_len(*out); i++) {
            size_t l;
            const char *w = val_get_str(val_list_get(*out, i), &l);
            seen = l == n && memcmp(w, c, n) == 0;
        }
        if (!seen && val_list_push_take(*out, val_string(c, n)) != MIG_OK)
            return MIG_ENOMEM;
        c += n ? n : 1;
    }
    return MIG_OK;
}

/* The value of VALUES that, with the new tool's name NEW, names the old
 * tool OLD (adapt_merged_name: get_issue ~ issue_read + "get"; LOOSE: a
 * verb for another of its kind): the one with the most words when
 * several do; NONE when none does, or two with as many words tie. */
static size_t disc_pick(const char *old, const char *new, const val_t *values,
                        bool loose)
{
    size_t best = NONE, words = 0;
    bool tie = false;
    for (size_t i = 0; i < val_len(values); i++) {
        const val_t *v = val_list_get(values, i);
        if (val_type(v) != VAL_STRING
            || !adapt_merged_name(old, new, val_get_str(v, NULL), loose))
            continue;
        size_t n = 1;
        for (const char *c = val_get_str(v, NULL); *c; c++)
            n += *c == '_' || *c == '-' || (*c >= 'A' && *c <= 'Z');
        tie = best != NONE && n == words ? true : n > words ? false : tie;
        if (n > words) {
            best = i;
            words = n;
        }
    }
    return tie ? NONE : best;
}

/* The parameter schema of the new tool S for the value V of P: its
 * oneOf/anyOf schema whose P is V, else S itself. */
static const val_t *branch_for(const val_t *s, const char *p, const val_t *v)
{
    const val_t *l = kw(s, "oneOf") ? kw(s, "oneOf") : kw(s, "anyOf");
    for (size_t i = 0; l && val_type(l) == VAL_LIST && i < val_len(l); i++) {
        const val_t *b = val_list_get(l, i);
        const val_t *k = kw(kw(kw(b, "properties"), p), "const");
        if (k && val_equal(k, v))
            return b;
    }
    return s;
}

static bool same_operation(const char *a, const char *b);

/* ---- the mapping -------------------------------------------------------- */

/* The mapping of an old tool: {to: NEW, set: {P: V} or none, map:
 * {...}}, under its old name in TOOLS. */
static mig_status_t map_tool(val_t *tools, const char *old, const char *new,
                             const char *p, const val_t *v, val_t *map)
{
    val_t *e = val_map_new(3), *set = p ? val_map_new(1) : NULL;
    mig_status_t st = e && (!p || set) ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK)
        st = val_map_set_take(e, "to", 2, val_cstring(new));
    if (st == MIG_OK && set) {
        st = val_map_set(set, p, strlen(p), (val_t *)v);
        if (st == MIG_OK)
            st = val_map_set_take(e, "set", 3, set);
        set = NULL;
    }
    if (st == MIG_OK)
        st = val_map_set(e, "map", 3, map);
    if (st == MIG_OK)
        st = val_map_set_take(tools, old, strlen(old), e);
    else
        val_unref(e);
    val_unref(set);
    return st;
}

/* Compares the parameters of the old tool A to the new schema S (the
 * discriminator P not reported), and files the mapping. */
static mig_status_t pair_params(diff_t *d, val_t *tools, const tool_t *a,
                                const tool_t *b, const val_t *s,
                                const char *p, const val_t *v)
{
    val_unref(d->map);
    if (!(d->map = val_map_new(4)))
        return MIG_ENOMEM;
    d->tool = b->name;
    bool same = same_operation(a->op, b->op);
    d->op_old = same ? a->op : NULL;
    d->op_new = same ? b->op : NULL;
    mig_status_t st = diff_params(d, a->schema, s, p);
    d->op_old = d->op_new = NULL;
    if (st == MIG_OK && tools)
        st = map_tool(tools, a->name, b->name, p, v, d->map);
    return st;
}

/* Pairs the old tools left that the values VALUES of the new tool J's
 * property P name, when they name two or more: 95% by the words of an
 * enum or of oneOf consts; 90% when the values are those the description
 * lists (LISTED), or when a verb stood for another of its kind (a value
 * no other old tool took by its words). */
static mig_status_t merge_into(diff_t *d, iface_t *o, iface_t *n, size_t j,
                               const char *p, const val_t *values,
                               bool listed, val_t *tools)
{
    size_t len = val_len(values), hits = 0;
    bool *taken = calloc(len + 1, sizeof *taken);
    bool *loose = calloc(o->n + 1, sizeof *loose);
    size_t *at = malloc((o->n + 1) * sizeof *at);
    mig_status_t st = taken && loose && at ? MIG_OK : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < o->n; i++) {
        at[i] = o->pair[i] == NONE
            ? disc_pick(o->t[i].name, n->t[j].name, values, false) : NONE;
        if (at[i] != NONE)
            taken[at[i]] = true;
    }
    for (size_t i = 0; st == MIG_OK && i < o->n; i++) {
        if (o->pair[i] == NONE && at[i] == NONE) {
            at[i] = disc_pick(o->t[i].name, n->t[j].name, values, true);
            at[i] = at[i] != NONE && !taken[at[i]] ? at[i] : NONE;
            loose[i] = at[i] != NONE;
            if (loose[i])
                taken[at[i]] = true;
        }
        hits += at[i] != NONE;
    }
    for (size_t i = 0; st == MIG_OK && hits >= 2 && i < o->n; i++) {
        if (at[i] == NONE)
            continue;
        const val_t *v = val_list_get(values, at[i]);
        strbuf_t note;
        strbuf_init(&note);
        strbuf_printf(&note, "%s: ", p);
        val_format(v, &note);
        d->tool = n->t[j].name;
        diff_add(d, "tools merged behind a discriminator", o->t[i].name,
                 n->t[j].name, loose[i] ? "the tool's name and the value, a "
                 "verb of the same kind" : listed ? "the tool's name and a "
                 "value its description lists" : "the tool's name and the "
                 "value", loose[i] || listed ? ADAPT_CONF_SYNONYM
                                             : ADAPT_CONF_SAME, true,
                 note.data);
        d->oom |= note.oom;
        strbuf_free(&note);
        o->pair[i] = j;
        n->pair[j] = i;
        st = pair_params(d, tools, &o->t[i], &n->t[j],
                         branch_for(n->t[j].schema, p, v), p, v);
    }
    free(taken);
    free(loose);
    free(at);
    return st;
}

/* Finds the new tools behind which old ones merged: a property whose
 * values (an enum, oneOf consts, or the words its description lists),
 * with the new tool's name, are the names of two or more old tools not
 * paired by name. */
static mig_status_t merges(diff_t *d, iface_t *o, iface_t *n, val_t *tools)
{
    mig_status_t st = MIG_OK;
    for (size_t j = 0; st == MIG_OK && j < n->n; j++) {
        const val_t *s = n->t[j].schema, *l = kw(s, "oneOf");
        const val_t *props = kw(s, "properties");
        if (!props && !l)
            l = kw(s, "anyOf");
        if (!props && l && val_type(l) == VAL_LIST && val_len(l) > 0)
            props = kw(val_list_get(l, 0), "properties");
        for (size_t q = 0; st == MIG_OK && props && val_type(props) == VAL_MAP
                           && q < val_len(props); q++) {
            const char *p = val_get_str(val_map_key(props, q), NULL);
            val_t *values = NULL;
            bool listed = false;
            st = disc_values(n->t[j].schema, p, &values);
            if (st == MIG_OK && !values) {
                st = listed_values(n->t[j].schema, p, &values);
                listed = values != NULL;
            }
            if (st == MIG_OK && values)
                st = merge_into(d, o, n, j, p, values, listed, tools);
            val_unref(values);
        }
    }
    return st;
}

const val_t *diff_schema_of(const val_t *iface, const char *tool,
                            const char *p, const val_t *v)
{
    const val_t *list = val_type(iface) == VAL_LIST ? iface
                                                    : kw(iface, "tools");
    if (!tool || !list || val_type(list) != VAL_LIST) {
        const val_t *s = val_type(iface) == VAL_MAP ? tool_schema(iface)
                                                    : NULL;
        return s ? s : iface;
    }
    for (size_t i = 0; i < val_len(list); i++) {
        const val_t *t = val_list_get(list, i);
        const char *name = tool_name(t);
        if (name && strcmp(name, tool) == 0 && tool_schema(t))
            return p ? branch_for(tool_schema(t), p, v) : tool_schema(t);
    }
    return NULL;
}

/* ---- the whole diff ----------------------------------------------------- */

/* Whether the operations A and B ("METHOD /path") are the same, the names
 * of their path parameters aside: GET /pets/{id} is GET /pets/{petId}. */
static bool same_operation(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    while (*a && *a == *b) {
        if (*a == '{') {
            a = strchr(a, '}');
            b = strchr(b, '}');
            if (!a || !b)
                return false;
        }
        a++;
        b++;
    }
    return *a == *b;
}

/* Pairs the OpenAPI operations left that are the same method and path
 * under another operationId. */
static mig_status_t renamed_operations(diff_t *d, iface_t *o, iface_t *n,
                                       val_t *tools)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; st == MIG_OK && i < o->n; i++)
        for (size_t j = 0; o->pair[i] == NONE && j < n->n; j++) {
            if (n->pair[j] != NONE || !same_operation(o->t[i].op, n->t[j].op))
                continue;
            o->pair[i] = j;
            n->pair[j] = i;
            d->tool = n->t[j].name;
            diff_add(d, "tool renamed", o->t[i].name, n->t[j].name,
                     "the same operation", ADAPT_CONF_SAME, true,
                     n->t[j].op);
            st = pair_params(d, tools, &o->t[i], &n->t[j], n->t[j].schema,
                             NULL, NULL);
        }
    return st;
}

/* Whether the tools A and B take parameters of the same names, one or
 * more. */
static bool same_parameters(const tool_t *a, const tool_t *b)
{
    const val_t *pa = kw(a->schema, "properties"), *pb = kw(b->schema,
                                                            "properties");
    if (!pa || !pb || val_type(pa) != VAL_MAP || val_type(pb) != VAL_MAP
        || val_len(pa) == 0 || val_len(pa) != val_len(pb))
        return false;
    for (size_t i = 0; i < val_len(pa); i++) {
        size_t l;
        const char *k = val_get_str(val_map_key(pa, i), &l);
        if (!val_map_get(pb, k, l))
            return false;
    }
    return true;
}

/* Whether the tools A and B, taking parameters of the same names, say
 * alike what they do: their descriptions share DIFF_DESC_AGREE percent
 * of their words ("Choose one or multiple files to upload", "Upload one
 * or multiple files"; not "Go back to the previous page", "Go forward to
 * the next page"). */
static bool descriptions_agree(const tool_t *a, const tool_t *b)
{
    size_t la, lb;
    const char *da = a->desc ? val_get_str(a->desc, &la) : NULL;
    const char *db = b->desc ? val_get_str(b->desc, &lb) : NULL;
    return da && db && same_parameters(a, b)
           && adapt_text_overlap(da, la, db, lb) >= DIFF_DESC_AGREE;
}

/* How sure the diff is that the old tool A is the new B: the names'
 * evidence, the new name holding every word of the old one (read_file ~
 * read_text_file, 80%), the descriptions agreeing for the same
 * parameters (70%), and 5 points more when they take parameters of the
 * same names. */
static void tool_evidence(const tool_t *a, const tool_t *b,
                          adapt_evidence_t *e)
{
    memset(e, 0, sizeof *e);
    adapt_name_evidence(a->name, strlen(a->name), b->name, strlen(b->name),
                        NULL, e);
    if (adapt_words_within(a->name, b->name))
        adapt_evidence_add(e, ADAPT_CONF_CONTAINS, "the new name holds "
                           "every word of the old");
    if (descriptions_agree(a, b))
        adapt_evidence_add(e, ADAPT_CONF_DESCRIPTION, "the descriptions "
                           "agree");
    if (e->kinds && same_parameters(a, b))
        adapt_evidence_add(e, ADAPT_CONF_MORE, "the same parameters");
    adapt_evidence_done(e);
}

/* Pairs the tools left by the evidence of their names, the most
 * confident pair first, at ADAPT_CONF_MIN or more. An old tool that two
 * new ones fit equally well is paired with none, and so is a new tool two
 * old ones fit equally well: their removal and addition say so. */
static mig_status_t renamed_tools(diff_t *d, iface_t *o, iface_t *n,
                                  val_t *tools)
{
    bool tied_o[DIFF_MAX_TOOLS] = { false }, tied_n[DIFF_MAX_TOOLS] = { false };
    for (;;) {
        int best = ADAPT_CONF_MIN - 1;
        size_t bi = NONE, bj = NONE;
        bool tie_o = false, tie_n = false;
        const char *why = NULL;
        for (size_t i = 0; i < o->n; i++)
            for (size_t j = 0; o->pair[i] == NONE && !tied_o[i] && j < n->n;
                 j++) {
                if (n->pair[j] != NONE || tied_n[j])
                    continue;
                adapt_evidence_t e;
                tool_evidence(&o->t[i], &n->t[j], &e);
                tie_o |= e.conf == best && i == bi;
                tie_n |= e.conf == best && j == bj;
                if (e.conf > best) {
                    best = e.conf;
                    bi = i;
                    bj = j;
                    why = e.why;
                    tie_o = tie_n = false;
                }
            }
        if (bi == NONE)
            return MIG_OK;
        if (tie_o || tie_n) {
            tied_o[bi] |= tie_o;
            tied_n[bj] |= tie_n;
            continue;
        }
        o->pair[bi] = bj;
        n->pair[bj] = bi;
        d->tool = n->t[bj].name;
        diff_add(d, "tool renamed", o->t[bi].name, n->t[bj].name, why, best,
                 true, NULL);
        mig_status_t st = pair_params(d, tools, &o->t[bi], &n->t[bj],
                                      n->t[bj].schema, NULL, NULL);
        if (st != MIG_OK)
            return st;
    }
}

static mig_status_t diff_tools(diff_t *d, iface_t *o, iface_t *n,
                               val_t *tools)
{
    mig_status_t st = MIG_OK;
    for (size_t i = 0; i < o->n; i++)
        for (size_t j = 0; o->pair[i] == NONE && j < n->n; j++)
            if (n->pair[j] == NONE && strcmp(o->t[i].name, n->t[j].name) == 0) {
                o->pair[i] = j;
                n->pair[j] = i;
            }
    for (size_t i = 0; st == MIG_OK && i < o->n; i++)
        if (o->pair[i] != NONE)
            st = pair_params(d, tools, &o->t[i], &n->t[o->pair[i]],
                             n->t[o->pair[i]].schema, NULL, NULL);
    if (st == MIG_OK)
        st = renamed_operations(d, o, n, tools);
    if (st == MIG_OK)
        st = merges(d, o, n, tools);
    if (st == MIG_OK)
        st = renamed_tools(d, o, n, tools);
    d->tool = NULL;
    for (size_t i = 0; i < o->n; i++)
        if (o->pair[i] == NONE)
            diff_add(d, "tool removed", o->t[i].name, NULL, NULL, 0, false,
                     "a call to it cannot be translated");
    for (size_t j = 0; j < n->n; j++)
        if (n->pair[j] == NONE)
            diff_add(d, "tool added", NULL, n->t[j].name, NULL, 0, true,
                     NULL);
    return st == MIG_OK && d->oom ? MIG_ENOMEM : st;
}

static mig_status_t diff_ifaces(const val_t *old, const val_t *new,
                               val_t **out, strbuf_t *why);

mig_status_t adapt_diff(const val_t *old, const val_t *new, val_t **out,
                        strbuf_t *why)
{
    *out = NULL;
    val_t *o = NULL, *n = NULL;
    mig_status_t st = adapt_iface_of(old, &o, why);
    if (st == MIG_OK)
        st = adapt_iface_of(new, &n, why);
    if (st == MIG_OK)
        st = diff_ifaces(o, n, out, why);
    val_unref(o);
    val_unref(n);
    return st;
}

/* adapt_diff of two interfaces that are not OpenAPI documents. */
static mig_status_t diff_ifaces(const val_t *old, const val_t *new,
                               val_t **out, strbuf_t *why)
{
    iface_t o, n;
    mig_status_t st = read_iface(old, "old", &o, why);
    if (st == MIG_OK)
        st = read_iface(new, "new", &n, why);
    if (st != MIG_OK)
        return st;
    diff_t d = { .changes = val_list_new(8), .map = val_map_new(4) };
    val_t *res = val_map_new(2), *mapping = val_map_new(1);
    val_t *tools = o.bare || n.bare ? NULL : val_map_new(o.n);
    st = d.changes && d.map && res && mapping && (o.bare || n.bare || tools)
        ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && (o.bare || n.bare)) {
        st = diff_params(&d, o.t[0].schema, n.t[0].schema, NULL);
        if (st == MIG_OK)
            st = val_map_set(mapping, "map", 3, d.map);
    } else if (st == MIG_OK) {
        st = diff_tools(&d, &o, &n, tools);
        if (st == MIG_OK)
            st = val_map_set(mapping, "tools", 5, tools);
    }
    if (st == MIG_EINVALID)
        strbuf_printf(why, "a parameter schema has more than %d properties",
                      DIFF_MAX_PARAMS);
    if (st == MIG_OK)
        st = val_map_set(res, "changes", 7, d.changes);
    if (st == MIG_OK)
        st = val_map_set(res, "mapping", 7, mapping);
    if (st == MIG_OK && d.oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        *out = val_ref(res);
    val_unref(res);
    val_unref(mapping);
    val_unref(tools);
    val_unref(d.changes);
    val_unref(d.map);
    return st;
}
