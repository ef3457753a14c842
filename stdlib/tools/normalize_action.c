/* normalize_action.c: the action tools.normalize(record:, kind:, name:)
 * over tools_normalize (normalize.c): a descriptor that is not valid fails
 * the step with InvalidConfig, naming why; NAME renames the record first
 * (the original name kept in aliases), a plan's answer to a Conflict. */
#include <string.h>

#include "normalize_int.h"

/* REC renamed NAME (the "name" argument of tools.normalize, the plan's
 * answer to a Conflict): a copy in *OUT whose name is NAME and whose
 * aliases are REC's own name, then REC's aliases; *LINE (a new string) says
 * so, or is NULL when REC already has that name (*OUT is then REC). A
 * record without a name gets NAME and no alias.
 * MIG_OK or MIG_ENOMEM. */
static mig_status_t renamed(const val_t *rec, const char *name, val_t **out,
                            val_t **line)
{
    *out = *line = NULL;
    const char *own = tools_get_str(rec, "name");
    if (own && strcmp(own, name) == 0) {
        *out = val_ref((val_t *)rec);
        return MIG_OK;
    }
    val_t *r = val_copy(rec), *al = val_list_new(1), *nm = val_cstring(name);
    const val_t *old = tools_get(rec, "aliases", VAL_LIST);
    mig_status_t st = r && al && nm ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && own)
        st = val_list_push(al, val_map_get(rec, "name", 4));
    for (size_t i = 0; st == MIG_OK && old && i < val_len(old); i++)
        st = val_list_push(al, val_list_get(old, i));
    if (st == MIG_OK) {
        st = val_map_set_take(r, "name", 4, nm);
        nm = NULL;
    }
    if (st == MIG_OK && val_len(al)) {
        st = val_map_set_take(r, "aliases", 7, al);
        al = NULL;
    }
    val_unref(nm);
    val_unref(al);
    strbuf_t b;
    strbuf_init(&b);
    strbuf_printf(&b, "name: '%s' renamed '%s'%s", own ? own : "", name,
                  own ? " (the original is kept in aliases)" : "");
    if (st == MIG_OK && !b.oom)
        *line = val_cstring(b.data);
    strbuf_free(&b);
    if (st == MIG_OK && !*line)
        st = MIG_ENOMEM;
    if (st != MIG_OK) {
        val_unref(r);
        return st;
    }
    *out = r;
    return MIG_OK;
}

/* CH (a list of change lines) with LINE first, as a new list in *OUT; CH
 * itself when LINE is NULL. MIG_OK or MIG_ENOMEM. */
static mig_status_t lines_with(val_t *ch, val_t *line, val_t **out)
{
    *out = NULL;
    if (!line) {
        *out = val_ref(ch);
        return MIG_OK;
    }
    val_t *all = val_list_new(val_len(ch) + 1);
    mig_status_t st = all ? val_list_push(all, line) : MIG_ENOMEM;
    for (size_t i = 0; st == MIG_OK && i < val_len(ch); i++)
        st = val_list_push(all, val_list_get(ch, i));
    if (st != MIG_OK) {
        val_unref(all);
        return st;
    }
    *out = all;
    return MIG_OK;
}

static mig_status_t normalize_run(action_ctx_t *c, const val_t *args,
                                  val_t **out)
{
    *out = NULL;
    const char *kind = stdlib_arg_str(args, "kind");
    const char *rename = stdlib_arg_str(args, "name");
    if (kind && strcmp(kind, "tool") && strcmp(kind, "server")
        && strcmp(kind, "rag"))
        return actx_fail(c, "InvalidConfig", "tools.normalize: kind must be "
                         "\"tool\", \"server\" or \"rag\", not \"%s\"", kind);
    val_t *rec = NULL, *line = NULL, *own = NULL;
    mig_status_t st = rename ? renamed(stdlib_arg(args, "record"), rename,
                                       &rec, &line)
                             : MIG_OK;
    if (!rename)
        rec = val_ref((val_t *)stdlib_arg(args, "record"));
    val_t *errors = val_list_new(0), *d = NULL, *ch = NULL;
    if (st == MIG_OK)
        st = errors ? tools_normalize(rec, kind, &d, &own, errors)
                    : MIG_ENOMEM;
    if (st == MIG_OK)
        st = lines_with(own, line, &ch);
    val_unref(rec);
    val_unref(line);
    val_unref(own);
    if (st == MIG_OK && val_len(errors)) {
        strbuf_t b;
        strbuf_init(&b);
        st = registry_violations_text(errors, &b);
        const char *name = d ? tools_get_str(d, "name") : NULL;
        if (st == MIG_OK)
            st = actx_fail(c, "InvalidConfig", "tools.normalize: the "
                           "descriptor of '%s' is not valid: %s",
                           name ? name : "?", b.data ? b.data : "");
        val_t *detail = val_map_new(3);
        if (detail && val_map_set(detail, "errors", 6, errors) == MIG_OK
            && val_map_set(detail, "changes", 7, ch) == MIG_OK
            && val_map_set(detail, "descriptor", 10, d) == MIG_OK)
            actx_set_error_detail(c, detail);
        else
            val_unref(detail);
        strbuf_free(&b);
    }
    /* Valid as the registry stores it (tools_normalize validates it with
     * the kind it names and records its digest): a registry.put of this
     * very descriptor need not validate it again. */
    if (st == MIG_OK)
        registry_note_valid(d, tools_get_str(d, "kind"),
                            tools_get_str(d, "digest"));
    val_t *res = st == MIG_OK ? val_map_new(2) : NULL;
    if (st == MIG_OK
        && (!res || val_map_set(res, "descriptor", 10, d) != MIG_OK
            || val_map_set(res, "changes", 7, ch) != MIG_OK))
        st = MIG_ENOMEM;
    val_unref(errors);
    val_unref(d);
    val_unref(ch);
    if (st == MIG_OK)
        *out = res;
    else
        val_unref(res);
    return st;
}

static const action_arg_t normalize_args[] = {
    { .name = "record", .types = ACTION_T(MAP), .required = true,
      .doc = "a record of tools.read (a tool, a server or a backend)" },
    { .name = "kind", .types = ACTION_T(STRING),
      .doc = "\"tool\", \"server\" or \"rag\" (default: told by the "
             "record's keys)" },
    { .name = "name", .types = ACTION_T(STRING),
      .doc = "the descriptor's name instead of the record's, whose own "
             "name goes first in its aliases (a plan's answer to a "
             "Conflict)" },
    { 0 },
};

const action_t stdlib_normalize_actions[] = {
    { .name = "tools.normalize", .effect = ACTION_PURE,
      .args = normalize_args, .result = ACTION_T(MAP),
      .preview = normalize_run, .run = normalize_run,
      .doc = "Makes RECORD a V2 descriptor: {descriptor, changes: [one line "
             "per change or loss]}; a descriptor that is still not valid "
             "fails with InvalidConfig, listing why." },
};

const size_t stdlib_normalize_count =
    sizeof stdlib_normalize_actions / sizeof *stdlib_normalize_actions;
