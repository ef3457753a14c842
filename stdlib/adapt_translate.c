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
 * its mapping E set (the diff gave it CONF): a new map. */
static val_t *with_discriminator(adapt_run_t *r, const val_t *args,
                                 const val_t *e, const char *old,
                                 const char *new, int conf)
{
    const val_t *set = val_map_get(e, "set", 3);
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

static mig_status_t translate_run(action_ctx_t *ctx, const val_t *args,
                                  val_t **out)
{
    *out = NULL;
    const val_t *call = stdlib_arg(args, "call");
    val_t *diff = NULL, *from = NULL, *to = NULL;
    strbuf_t why;
    strbuf_init(&why);
    mig_status_t st = adapt_iface_of(stdlib_arg(args, "from"), &from, &why);
    if (st == MIG_OK)
        st = adapt_iface_of(stdlib_arg(args, "to"), &to, &why);
    if (st == MIG_OK)
        st = adapt_diff(from, to, &diff, &why);
    if (st == MIG_EINVALID)
        st = actx_fail(ctx, "InvalidConfig", "adapt.translate: %s",
                       why.data ? why.data : "?");
    strbuf_free(&why);
    if (st != MIG_OK) {
        val_unref(from);
        val_unref(to);
        return st;
    }
    const val_t *mapping = val_map_get(diff, "mapping", 7);
    const val_t *tools = val_map_get(mapping, "tools", 5);
    adapt_run_t r;
    adapt_call_t c = { .argument = "call", .schema_at = "to" };
    st = adapt_run_init(&r, ctx, "adapt.translate", "call");
    r.map_name = "the interface diff";
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
        else if (!e)
            st = actx_fail(ctx, "MethodNotFound", "adapt.translate: the new "
                           "interface has no tool for '%s'", old);
        if (st == MIG_OK) {
            const val_t *set = val_map_get(e, "set", 3);
            new = val_get_str(val_map_get(e, "to", 2), NULL);
            c.map = val_map_get(e, "map", 3);
            c.schema = diff_schema_of(to, new,
                                      set ? val_get_str(val_map_key(set, 0),
                                                        NULL) : NULL,
                                      set ? val_map_value(set, 0) : NULL);
            if (strcmp(old, new) != 0 && !set)
                adapt_change(&r, "'%s' -> '%s' (tool renamed)", old, new);
            held = with_discriminator(&r, val_map_get(call, "arguments", 9),
                                      e, old, new, tool_confidence(diff,
                                      "tools merged behind a discriminator",
                                      old));
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
    val_unref(from);
    val_unref(to);
    return st;
}

static const action_arg_t translate_args[] = {
    { .name = "from", .types = ACTION_T(MAP) | ACTION_T(LIST),
      .required = true,
      .doc = "the old interface: a parameter schema, a tool, a list of "
             "tools (MCP, Anthropic or OpenAI shapes) or an OpenAPI 3.x "
             "document" },
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
             "it is made, by their diff and adapt.params's rules: {call, "
             "changes}; a call that cannot be translated fails with "
             "ParamMismatch." },
};

const size_t stdlib_translate_count =
    sizeof stdlib_translate_actions / sizeof *stdlib_translate_actions;
