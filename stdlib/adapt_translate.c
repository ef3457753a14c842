/* adapt_translate.c: adapt.translate(from:, to:, call:) (docs/recovery.md,
 * "Translating a call up front"): a call written for the interface FROM
 * rewritten for TO before it is made, so that an endpoint that ignores
 * unknown keys never receives an old call. The diff of the two
 * interfaces (adapt_diff_tools.c) gives the tool's new name, the
 * discriminator it sets and the map; adapt.params's rules do the rest,
 * with the same change lines. A pure action. */
#include <string.h>

#include "adapt_diff.h"

/* The translation of the call C (its arguments in C->value, for the new
 * schema C->schema) into *OUT: {call: ..., changes: [...]}; the call is
 * the fitted arguments, or {name: NEW, arguments: ...} when NEW is not
 * NULL. A refusal fails the action with ParamMismatch. */
static mig_status_t translate(adapt_run_t *r, adapt_call_t *c,
                              const char *new, val_t **out)
{
    adapt_target_t t;
    adapt_target_init(&t, c);
    t.name = new ? new : "the new interface";
    val_t *fitted = NULL, *call = NULL, *res = val_map_new(2);
    mig_status_t st = t.names.oom || !res ? MIG_ENOMEM
                                          : adapt_params_fit(r, c, &t, &fitted);
    strbuf_free(&t.names);
    if (st == MIG_OK && !fitted) {
        val_t *d = NULL;
        st = adapt_fail(r, NULL, &d);
        const val_t *m = d ? val_map_get(d, "message", 7) : NULL;
        if (st == MIG_OK)
            st = actx_fail(r->ctx, "ParamMismatch", "adapt.translate: %s",
                           m ? val_get_str(m, NULL) : "?");
        val_unref(d);
    }
    if (st == MIG_OK && new) {
        call = val_map_new(2);
        st = call ? val_map_set_take(call, "name", 4, val_cstring(new))
                  : MIG_ENOMEM;
        if (st == MIG_OK)
            st = val_map_set(call, "arguments", 9, fitted);
    } else if (st == MIG_OK) {
        call = val_ref(fitted);
    }
    if (st == MIG_OK)
        st = val_map_set(res, "call", 4, call);
    if (st == MIG_OK)
        st = val_map_set(res, "changes", 7, r->changes);
    if (st == MIG_OK && r->oom)
        st = MIG_ENOMEM;
    if (st == MIG_OK)
        *out = val_ref(res);
    val_unref(res);
    val_unref(call);
    val_unref(fitted);
    return st;
}

/* The confidence of the diff's change KIND from the old tool OLD, or
 * ADAPT_CONF_SAME when it has none. */
static int tool_confidence(const val_t *diff, const char *kind,
                           const char *old)
{
    const val_t *cs = val_map_get(diff, "changes", 7);
    for (size_t i = 0; cs && i < val_len(cs); i++) {
        const val_t *c = val_list_get(cs, i);
        const val_t *k = val_map_get(c, "kind", 4), *f = val_map_get(c,
                                                                    "from", 4);
        const val_t *n = val_map_get(c, "confidence", 10);
        if (k && f && n && strcmp(val_get_str(k, NULL), kind) == 0
            && strcmp(val_get_str(f, NULL), old) == 0)
            return (int)val_get_int(n);
    }
    return ADAPT_CONF_SAME;
}

/* The arguments of a call to the old tool OLD, with the discriminator of
 * its mapping E (NULL: none) set (the diff or the mapping gave it CONF):
 * a new map. */
static val_t *with_discriminator(adapt_run_t *r, const val_t *args,
                                 const val_t *e, const char *old,
                                 const char *new, int conf)
{
    const val_t *set = e ? val_map_get(e, "set", 3) : NULL;
    val_t *a = args && val_type(args) == VAL_MAP ? val_copy(args)
                                                 : val_map_new(1);
    if (!a || !set)
        return a;
    size_t len;
    const char *p = val_get_str(val_map_key(set, 0), &len);
    strbuf_t v;
    strbuf_init(&v);
    val_format(val_map_value(set, 0), &v);
    if (v.oom || val_map_set(a, p, len, val_map_value(set, 0)) != MIG_OK) {
        val_unref(a);
        a = NULL;
    } else {
        adapt_change(r, "'%s' -> '%s' with %s: %s (tools merged behind a "
                     "discriminator, %d%%)", old, new, p, v.data, conf);
    }
    strbuf_free(&v);
    return a;
}

/* Checks a mapping given as `map:` (a mapping file's, docs/recovery.md,
 * "The mapping file"): {map: MAP} or {tools: {OLD: {to: NEW, set?: {P:
 * V}, map?: MAP}}}, each MAP as adapt.params's. MIG_OK, or MIG_EINVALID
 * reported through R's context. */
static mig_status_t check_mapping(adapt_run_t *r, const val_t *mapping)
{
    const val_t *tools = val_map_get(mapping, "tools", 5);
    const val_t *map = val_map_get(mapping, "map", 3);
    if (val_len(mapping) != 1 || (tools ? val_type(tools) : map
                                  ? val_type(map) : VAL_NULL) != VAL_MAP)
        return actx_fail(r->ctx, "InvalidConfig", "adapt.translate: map: "
                         "expected a mapping, {map: {...}} or {tools: {OLD: "
                         "{to: NEW, map: {...}}}}");
    for (size_t i = 0; tools && i < val_len(tools); i++) {
        const val_t *e = val_map_value(tools, i);
        const val_t *to = val_type(e) == VAL_MAP ? val_map_get(e, "to", 2)
                                                 : NULL;
        const val_t *set = to ? val_map_get(e, "set", 3) : NULL;
        const val_t *m = to ? val_map_get(e, "map", 3) : NULL;
        if (!to || val_type(to) != VAL_STRING
            || (set && (val_type(set) != VAL_MAP || val_len(set) != 1))
            || (m && val_type(m) != VAL_MAP)
            || val_len(e) != (size_t)(1 + !!set + !!m))
            return actx_fail(r->ctx, "InvalidConfig", "adapt.translate: "
                             "map.tools.%s: expected {to: NEW, set: {NAME: "
                             "VALUE}, map: {...}} (set and map optional)",
                             val_get_str(val_map_key(tools, i), NULL));
        mig_status_t st = adapt_check_map(r, m);
        if (st != MIG_OK)
            return st;
    }
    return adapt_check_map(r, map);
}

/* The mapping of the call: the plan's `map` (checked), else the diff of
 * the plan's FROM and TO (the new interface, already read by
 * adapt_iface_of) into *DIFF (a new map). Reports through R's context. */
static mig_status_t the_mapping(adapt_run_t *r, const val_t *args,
                                const val_t *to, val_t **diff,
                                const val_t **mapping)
{
    const val_t *from = stdlib_arg(args, "from");
    const val_t *map = stdlib_arg(args, "map");
    *mapping = NULL;
    if (!from == !map)
        return actx_fail(r->ctx, "InvalidConfig", "adapt.translate: give "
                         "the old interface (from:) or a mapping (map:), "
                         "not %s", from ? "both" : "neither");
    if (map) {
        r->map_name = "the mapping";
        *mapping = map;
        return check_mapping(r, map);
    }
    strbuf_t why;
    strbuf_init(&why);
    val_t *old = NULL;
    mig_status_t st = adapt_iface_of(from, &old, &why);
    if (st == MIG_OK)
        st = adapt_diff(old, to, diff, &why);
    val_unref(old);
    if (st == MIG_EINVALID)
        st = actx_fail(r->ctx, "InvalidConfig", "adapt.translate: %s",
                       why.data ? why.data : "?");
    strbuf_free(&why);
    *mapping = st == MIG_OK ? val_map_get(*diff, "mapping", 7) : NULL;
    return st;
}

static mig_status_t translate_run(action_ctx_t *ctx, const val_t *args,
                                  val_t **out)
{
    *out = NULL;
    const val_t *call = stdlib_arg(args, "call");
    val_t *diff = NULL, *to = NULL;
    const val_t *mapping = NULL;
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = adapt_iface_of(stdlib_arg(args, "to"), &to, &why);
    if (st == MIG_EINVALID)
        st = actx_fail(ctx, "InvalidConfig", "adapt.translate: %s",
                       why.data ? why.data : "?");
    strbuf_free(&why);
    if (st != MIG_OK)
        return st;
    adapt_run_t r;
    adapt_call_t c = { .argument = "call", .schema_at = "to" };
    st = adapt_run_init(&r, ctx, "adapt.translate", "call");
    r.map_name = "the interface diff";
    if (st == MIG_OK)
        st = the_mapping(&r, args, to, &diff, &mapping);
    const val_t *tools = mapping ? val_map_get(mapping, "tools", 5) : NULL;
    const char *old = NULL, *new = NULL;
    val_t *held = NULL;
    if (st == MIG_OK && !tools) {
        c.map = val_map_get(mapping, "map", 3);
        c.value = (val_t *)call;
        c.schema = diff_schema_of(to, NULL, NULL, NULL);
    } else if (st == MIG_OK) {
        const val_t *n = val_type(call) == VAL_MAP
            ? val_map_get(call, "name", 4) : NULL;
        old = n && val_type(n) == VAL_STRING ? val_get_str(n, NULL) : NULL;
        const val_t *e = old ? val_map_get(tools, old, strlen(old)) : NULL;
        if (!old)
            st = actx_fail(ctx, "InvalidConfig", "adapt.translate: call: "
                           "expected {name: TOOL, arguments: {...}} for "
                           "interfaces of tools");
        else if (!e && !stdlib_arg(args, "map"))
            st = actx_fail(ctx, "MethodNotFound", "adapt.translate: the new "
                           "interface has no tool for '%s'", old);
        if (st == MIG_OK) {
            /* A tool a mapping does not name keeps its name. */
            const val_t *set = e ? val_map_get(e, "set", 3) : NULL;
            new = e ? val_get_str(val_map_get(e, "to", 2), NULL) : old;
            c.map = e ? val_map_get(e, "map", 3) : NULL;
            c.schema = diff_schema_of(to, new,
                                      set ? val_get_str(val_map_key(set, 0),
                                                        NULL) : NULL,
                                      set ? val_map_value(set, 0) : NULL);
            if (strcmp(old, new) != 0 && !set)
                adapt_change(&r, "'%s' -> '%s' (tool renamed)", old, new);
            held = with_discriminator(&r, val_map_get(call, "arguments", 9),
                                      e, old, new, diff ? tool_confidence(diff,
                                      "tools merged behind a discriminator",
                                      old) : ADAPT_CONF_SAME);
            st = held ? MIG_OK : MIG_ENOMEM;
            c.value = held;
        }
    }
    if (st == MIG_OK && (!c.schema || val_type(c.schema) != VAL_MAP))
        st = actx_fail(ctx, "InvalidConfig", "adapt.translate: to: no "
                       "parameter schema to translate to");
    if (st == MIG_OK)
        st = adapt_check_schema(&r, &c);
    if (st == MIG_OK)
        st = translate(&r, &c, tools ? new : NULL, out);
    val_unref(held);
    adapt_run_free(&r);
    val_unref(diff);
    val_unref(to);
    return st;
}

static const action_arg_t translate_args[] = {
    { .name = "from", .types = ACTION_T(MAP) | ACTION_T(LIST),
      .doc = "the old interface: a parameter schema, a tool, a list of "
             "tools (MCP, Anthropic or OpenAI shapes) or an OpenAPI 3.x "
             "document; or give map:" },
    { .name = "map", .types = ACTION_T(MAP),
      .doc = "instead of from: a mapping, as `mig adapt diff -o` and `mig "
             "adapt learn` write it ({map: ...} or {tools: {OLD: {to, set?, "
             "map}}})" },
    { .name = "to", .types = ACTION_T(MAP) | ACTION_T(LIST),
      .required = true, .doc = "the new interface, in the same shapes" },
    { .name = "call", .types = ACTION_T(MAP) | ACTION_T(LIST),
      .required = true,
      .doc = "the old call: its parameters, or {name, arguments} for "
             "interfaces of tools" },
    { 0 },
};

const action_t stdlib_translate_actions[] = {
    { .name = "adapt.translate", .effect = ACTION_PURE,
      .args = translate_args, .result = ACTION_T(MAP),
      .preview = translate_run, .run = translate_run,
      .doc = "Rewrites CALL, written for the interface FROM, for TO before "
             "it is made, by their diff (or by the mapping MAP) and "
             "adapt.params's rules: {call, changes}; a call that cannot be "
             "translated fails with ParamMismatch." },
};

const size_t stdlib_translate_count =
    sizeof stdlib_translate_actions / sizeof *stdlib_translate_actions;
