/* lua_bridge.c: the bridge (lua_bridge.h): modules loaded into their own
 * sandboxed states (lua_sandbox.c), one registry row per field of a
 * module's table, the rows' functions that call Lua under the limits
 * (lua_call.c) with converted values (lua_values.c), and recovery hooks
 * with their decisions checked (lua_load.c loads a module and makes its
 * rows; lua_hook.c checks a hook's decision). */
#define _XOPEN_SOURCE 700  /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lua_int.h"

/* ---- the bridge ------------------------------------------------------------- */

/* Makes room for one more pointer in *ITEMS (LEN used of *CAP). */
static bool grow(void *items, size_t *cap, size_t len)
{
    void **p = *(void ***)items;
    if (len < *cap)
        return true;
    size_t n = *cap ? *cap * 2 : 4;
    p = realloc(p, n * sizeof *p);
    if (!p)
        return false;
    *(void ***)items = p;
    *cap = n;
    return true;
}

static const char *const grant_names[] = {
#define LUAB_GRANT_NAME(e, s, f) s,
    LUAB_GRANTS(LUAB_GRANT_NAME)
#undef LUAB_GRANT_NAME
};

/* Records GRANT in B, for every module (ALIAS NULL) or for the module
 * ALIAS, or reports it unknown. */
static mig_status_t grant(lua_bridge_t *b, const char *name,
                          const char *alias, diag_list_t *diags)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < LUAB_GRANT_COUNT; i++) {
        if (strcmp(name, grant_names[i]) == 0) {
            if (!alias) {
                b->grants[i] = true;
                return MIG_OK;
            }
            struct luab_module_grant *g = &b->module_grants[b->n_module_grants];
            if (!(g->alias = strdup(alias)))
                return MIG_ENOMEM;
            g->grant = i;
            b->n_module_grants++;
            return MIG_OK;
        }
        size_t d = diag_distance(name, strlen(name), grant_names[i],
                                 strlen(grant_names[i]));
        if (d < best_d) {
            best_d = d;
            best = grant_names[i];
        }
    }
    diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "unknown Lua library "
                         "'%s' in the libraries granted to Lua modules", name);
    if (best)
        diag_hint(diags, d, "did you mean '%s'?", best);
    else
        diag_hint(diags, d, "the libraries that can be granted are io, os, "
                  "debug and package");
    return diags->out_of_memory ? MIG_ENOMEM : MIG_EINVALID;
}

/* Adds DIR ("" for the current directory), resolved, to B's roots: where
 * modules may load from. A directory that cannot be resolved is reported
 * (MIG_EINVALID). */
static mig_status_t add_root(lua_bridge_t *b, const char *dir,
                             diag_list_t *diags)
{
    char *real = realpath(dir[0] ? dir : ".", NULL);
    if (!real) {
        if (errno == ENOMEM)
            return MIG_ENOMEM;
        diag_add(diags, DIAG_ERROR, NULL, NULL, "the Lua module path '%s' "
                 "cannot be used: %s", dir, strerror(errno));
        return MIG_EINVALID;
    }
    size_t len = strlen(real);
    char **roots = realloc(b->roots, (b->n_roots + 1) * sizeof *roots);
    char *root = malloc(len + 2);
    if (roots)
        b->roots = roots;
    if (!roots || !root) {
        free(real);
        free(root);
        return MIG_ENOMEM;
    }
    memcpy(root, real, len);
    if (len == 0 || real[len - 1] != '/')
        root[len++] = '/';
    root[len] = '\0';
    free(real);
    b->roots[b->n_roots++] = root;
    return MIG_OK;
}

/* The default of lua_bridge_set_log: a line of mig.log goes to the log
 * of the call in progress (actx_log), which the runtime records as a
 * `log` event of its step or handler; outside a call it is dropped, and
 * so is a line that memory cannot hold. */
static void log_to_call(void *data, const char *level, const char *module,
                        const char *where, const char *message)
{
    (void)module, (void)where;
    lua_bridge_t *b = data;
    if (b->call_ctx)
        (void)actx_log(b->call_ctx, level, message);
}

mig_status_t lua_bridge_new(const lua_bridge_config_t *cfg,
                            diag_list_t *diags, lua_bridge_t **out)
{
    static const lua_bridge_config_t defaults = { 0 };
    if (!cfg)
        cfg = &defaults;
    *out = NULL;
    lua_bridge_t *b = calloc(1, sizeof *b);
    if (!b)
        return MIG_ENOMEM;
    b->instructions = cfg->instructions ? cfg->instructions
                                        : LUA_BRIDGE_INSTRUCTIONS;
    b->memory = cfg->memory ? cfg->memory : LUA_BRIDGE_MEMORY;
    b->time_ms = cfg->time_ms ? cfg->time_ms : LUA_BRIDGE_TIME_MS;
    b->seed = cfg->seed;
    b->log = log_to_call;
    b->log_data = b;
    const char *dir = cfg->base_dir ? cfg->base_dir : "";
    size_t len = strlen(dir);
    b->base_dir = malloc(len + 2);
    if (!b->base_dir) {
        lua_bridge_free(b);
        return MIG_ENOMEM;
    }
    memcpy(b->base_dir, dir, len);
    if (len && dir[len - 1] != '/')
        b->base_dir[len++] = '/';
    b->base_dir[len] = '\0';
    if (cfg->n_classes) {
        b->classes = calloc(cfg->n_classes, sizeof *b->classes);
        if (!b->classes) {
            lua_bridge_free(b);
            return MIG_ENOMEM;
        }
        for (size_t i = 0; i < cfg->n_classes; i++, b->n_classes++)
            if (!(b->classes[i] = strdup(cfg->classes[i]))) {
                lua_bridge_free(b);
                return MIG_ENOMEM;
            }
    }
    mig_status_t st = add_root(b, b->base_dir, diags);
    for (size_t i = 0; i < cfg->n_module_paths && st == MIG_OK; i++)
        st = add_root(b, cfg->module_paths[i], diags);
    for (size_t i = 0; i < cfg->n_grants && st == MIG_OK; i++)
        st = grant(b, cfg->grants[i], NULL, diags);
    if (st == MIG_OK && cfg->n_module_grants
        && !(b->module_grants = calloc(cfg->n_module_grants,
                                       sizeof *b->module_grants)))
        st = MIG_ENOMEM;
    for (size_t i = 0; i < cfg->n_module_grants && st == MIG_OK; i++)
        st = grant(b, cfg->module_grants[i].library,
                   cfg->module_grants[i].alias, diags);
    if (st != MIG_OK) {
        lua_bridge_free(b);
        return st;
    }
    *out = b;
    return MIG_OK;
}

static void module_free(luab_module_t *m)
{
    if (!m)
        return;
    if (m->L) {
        /* Closing runs the finalizers (__gc) of what the module left:
         * under the limits too, so that none can run forever. */
        m->budget = m->bridge->instructions;
        m->spent = 0;
        m->step = LUAB_HOOK_STEP;
        m->hit = LUAB_LIMIT_NONE;
        m->in_call = true;
        lua_close(m->L);
    }
    luab_pat_free(m);
    luab_scratch_free(m->scratch);
    for (size_t i = 0; i < m->n_fns; i++) {
        free(m->fns[i].name);
        free(m->fns[i].doc);
        luab_fn_reads_free(&m->fns[i]);
    }
    free(m->fns);
    free(m->rows);
    free(m->alias);
    free(m->path);
    strbuf_free(&m->err);
    val_unref(m->err_detail);
    free(m);
}

void lua_bridge_free(lua_bridge_t *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n_mods; i++)
        module_free(b->mods[i]);
    free(b->mods);
    for (size_t i = 0; i < b->n_srcs; i++)
        src_free(b->srcs[i]);
    free(b->srcs);
    luab_timer_free(b);
    for (size_t i = 0; i < b->n_classes; i++)
        free(b->classes[i]);
    free(b->classes);
    for (size_t i = 0; i < b->n_roots; i++)
        free(b->roots[i]);
    free(b->roots);
    for (size_t i = 0; i < b->n_module_grants; i++)
        free(b->module_grants[i].alias);
    free(b->module_grants);
    val_unref(b->params);
    free(b->base_dir);
    free(b);
}

void lua_bridge_set_params(lua_bridge_t *b, val_t *params)
{
    if (params && val_type(params) != VAL_MAP)
        params = NULL;          /* only a map has parameters to read */
    val_ref(params);
    val_unref(b->params);
    b->params = params;
}

void lua_bridge_set_seed(lua_bridge_t *b, uint64_t seed)
{
    b->seed = seed;
    for (size_t i = 0; i < b->n_mods; i++)
        luab_seed(b->mods[i], seed);
}

void lua_bridge_set_log(lua_bridge_t *b, lua_bridge_log_fn fn, void *data)
{
    b->log = fn;
    b->log_data = data;
}

bool luab_class_known(const lua_bridge_t *b, const char *name, size_t len)
{
    char buf[64];
    if (len >= sizeof buf || memchr(name, '\0', len))
        return false;
    memcpy(buf, name, len);
    buf[len] = '\0';
    if (error_class_find(buf) != ERROR_NONE)
        return true;
    for (size_t i = 0; i < b->n_classes; i++)
        if (strcmp(b->classes[i], buf) == 0)
            return true;
    return false;
}

const char *luab_class_near(const lua_bridge_t *b, const char *name,
                            size_t len)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < ERROR_CLASS_COUNT + b->n_classes; i++) {
        const char *c = i < ERROR_CLASS_COUNT
            ? error_class_name((error_class_t)i)
            : b->classes[i - ERROR_CLASS_COUNT];
        size_t d = diag_distance(name, len, c, strlen(c));
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

/* The function NAME ("alias.key") of a loaded module, or NULL. */
static luab_fn_t *find_fn(const lua_bridge_t *b, const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot)
        return NULL;
    size_t alen = (size_t)(dot - name);
    for (size_t i = 0; i < b->n_mods; i++) {
        luab_module_t *m = b->mods[i];
        if (strncmp(m->alias, name, alen) != 0 || m->alias[alen])
            continue;
        for (size_t j = 0; j < m->n_fns; j++)
            if (strcmp(m->fns[j].key, dot + 1) == 0)
                return &m->fns[j];
    }
    return NULL;
}

bool lua_bridge_has(const lua_bridge_t *b, const char *name)
{
    const luab_fn_t *f = find_fn(b, name);
    return f && f->index;
}

/* ---- calling ---------------------------------------------------------------- */

/* What one call passes: the arguments converted as a function's (ARGS,
 * positional keys turned into integers), or a hook's table (CONTEXT's
 * entries and ERR). */
typedef struct job {
    int index;
    const val_t *args;
    const val_t *context, *err;
    bool hook;
} job_t;

static int call_body(lua_State *L)
{
    const job_t *j = lua_touserdata(L, 1);
    luab_module_t *m = luab_from(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_FNS]);
    lua_rawgeti(L, -1, j->index);
    if (!j->hook) {
        luab_push_args(L, j->args);
    } else {
        size_t n = j->context ? val_len(j->context) : 0;
        lua_createtable(L, 0, (int)(n < 64 ? n : 64) + 1);
        for (size_t i = 0; i < n; i++) {
            size_t len;
            const char *k = val_get_str(val_map_key(j->context, i), &len);
            lua_pushlstring(L, k, len);
            luab_push(L, val_map_value(j->context, i));
            lua_rawset(L, -3);
        }
        luab_push(L, j->err ? j->err : val_null());
        lua_setfield(L, -2, "err");
    }
    lua_call(L, 1, 1);
    return 1;
}

/* Calls function INDEX of F's module as JOB says, within the time limit
 * of CTX (NULL: the bridge's); *RESULT gets what it returned (null for
 * nothing). A failure is left in the module. */
static mig_status_t invoke(luab_fn_t *f, job_t *job, action_ctx_t *ctx,
                           val_t **result)
{
    luab_module_t *m = f->mod;
    *result = NULL;
    mig_status_t st = luab_pcall(m, call_body, job, 1, f->name,
                                 ctx ? actx_time_limit(ctx) : 0);
    if (st != MIG_OK)
        return st;
    strbuf_t why;
    strbuf_init(&why);
    st = luab_to_val(m->L, -1, &why, result);
    lua_pop(m->L, 1);
    if (st == MIG_EINVALID)
        luab_fail(m, "ScriptError", "%s returned a value that mig cannot "
                  "hold: %s", f->name, why.data ? why.data : "?");
    strbuf_free(&why);
    return st;
}

/* Calls INVOKE's job for F with CTX as the call in progress (where
 * mig.log's lines go). */
static mig_status_t invoke_in(luab_fn_t *f, job_t *job, action_ctx_t *ctx,
                              val_t **result)
{
    lua_bridge_t *b = f->mod->bridge;
    action_ctx_t *outer = b->call_ctx;
    b->call_ctx = ctx;
    mig_status_t st = invoke(f, job, ctx, result);
    b->call_ctx = outer;
    return st;
}

/* The record of the row being called. */
static luab_fn_t *row_fn(action_ctx_t *ctx)
{
    const action_t *row = actx_action(ctx);
    return row ? row->data : NULL;
}

/* The detail of an error a module raised with a class: mig.error's
 * DETAIL (a map; any other value under "value"), plus "where" (the Lua
 * place, "file:line") and "traceback" when the failure has them. A new
 * reference; NULL when out of memory. */
static val_t *raised_detail(const luab_module_t *m)
{
    const char *all = luab_failure(m);
    val_t *d = m->err_detail && val_type(m->err_detail) == VAL_MAP
        ? val_copy(m->err_detail) : val_map_new(3);
    bool ok = d != NULL;
    if (ok && m->err_detail && val_type(m->err_detail) != VAL_MAP)
        ok = val_map_set(d, "value", 5, m->err_detail) == MIG_OK;
    if (ok && m->err_bare >= 2)     /* "file:line: " */
        ok = val_map_set_take(d, "where", 5,
                              val_string(all, m->err_bare - 2)) == MIG_OK;
    const char *trace = all + m->err_len;
    if (ok && *trace == '\n')
        ok = val_map_set_take(d, "traceback", 9,
                              val_cstring(trace + 1)) == MIG_OK;
    if (!ok) {
        val_unref(d);
        return NULL;
    }
    return d;
}

/* Fails CTX with the module's failure: its class, message and detail.
 * An error the module raised with a class of its own choosing
 * (mig.error) says what the module wrote, so that a recover block reads
 * the module's words in err.message; the Lua place and the traceback go
 * to the detail (raised_detail). A ScriptError (a bug in the module, a
 * limit) keeps both in its message. */
static mig_status_t fail_with(action_ctx_t *ctx, luab_module_t *m)
{
    const char *all = luab_failure(m);
    if (strcmp(m->err_class, "ScriptError") == 0 || m->err.oom
        || m->err_bare > m->err_len || m->err_len > strlen(all)) {
        mig_status_t st = actx_fail(ctx, m->err_class, "%s", all);
        if (m->err_detail)
            actx_set_error_detail(ctx, val_ref(m->err_detail));
        return st;
    }
    mig_status_t st = actx_fail(ctx, m->err_class, "%.*s",
                                (int)(m->err_len - m->err_bare),
                                all + m->err_bare);
    if (st != MIG_EINVALID)
        return st;
    val_t *d = raised_detail(m);
    if (!d)
        return MIG_ENOMEM;
    actx_set_error_detail(ctx, d);
    return st;
}

/* Ends a row's call: the result, or the module's failure into CTX. */
static mig_status_t finish(action_ctx_t *ctx, luab_fn_t *f, mig_status_t st,
                           val_t *v, val_t **result)
{
    if (st == MIG_OK) {
        *result = v;
        return MIG_OK;
    }
    if (st == MIG_ENOMEM) {
        actx_fail(ctx, "ScriptError", "%s: out of memory", f->name);
        return MIG_ENOMEM;
    }
    return fail_with(ctx, f->mod);
}

mig_status_t luab_row_run(action_ctx_t *ctx, const val_t *args,
                            val_t **result)
{
    luab_fn_t *f = row_fn(ctx);
    if (!f)
        return actx_fail(ctx, "ScriptError", "a Lua row was called without "
                         "its row set (actx_set_action)");
    job_t job = { .index = f->index, .args = args };
    val_t *v;
    mig_status_t st = invoke_in(f, &job, ctx, &v);
    return finish(ctx, f, st, v, result);
}

/* A pure function's preview is its result; another's says that it would
 * be called. */
mig_status_t luab_row_preview(action_ctx_t *ctx, const val_t *args,
                                val_t **result)
{
    const action_t *row = actx_action(ctx);
    if (row && row->effect == ACTION_PURE)
        return luab_row_run(ctx, args, result);
    return actx_would(ctx, "call", row ? row->name : "?", "a Lua function "
                      "(%s): what it changes is known when it runs",
                      row ? action_effect_name(row->effect) : "?");
}

/* A self-undo function's undo record: what KEY_capture returns, or a
 * copy of the arguments. */
mig_status_t luab_row_capture(action_ctx_t *ctx, const val_t *args,
                                val_t **result)
{
    luab_fn_t *f = row_fn(ctx);
    if (!f)
        return actx_fail(ctx, "ScriptError", "a Lua row was called without "
                         "its row set (actx_set_action)");
    if (!f->capture) {
        *result = val_copy(args);
        return *result ? MIG_OK : MIG_ENOMEM;
    }
    job_t job = { .index = f->capture, .args = args };
    val_t *v;
    mig_status_t st = invoke_in(f, &job, ctx, &v);
    return finish(ctx, f, st, v, result);
}

mig_status_t luab_row_undo(action_ctx_t *ctx, const val_t *record,
                             val_t **result)
{
    luab_fn_t *f = row_fn(ctx);
    if (!f)
        return actx_fail(ctx, "ScriptError", "a Lua row was called without "
                         "its row set (actx_set_action)");
    job_t job = { .index = f->undo, .args = record };
    val_t *v;
    mig_status_t st = invoke_in(f, &job, ctx, &v);
    if (st == MIG_OK) {
        val_unref(v);
        v = NULL;
    }
    return finish(ctx, f, st, v, result);
}

/* The row of a field that is not a function. */
mig_status_t luab_row_dead(action_ctx_t *ctx, const val_t *args,
                             val_t **result)
{
    (void)args;
    (void)result;
    const action_t *row = actx_action(ctx);
    return actx_fail(ctx, "ScriptError", "%s cannot be called: %s",
                     row ? row->name : "?", row ? row->doc : "?");
}

/* ---- arguments ----------------------------------------------------------------- */

/* ---- recovery hooks ---------------------------------------------------------- */

mig_status_t lua_bridge_hook(lua_bridge_t *b, const char *name,
                             const val_t *err, const val_t *context,
                             action_ctx_t *ctx, val_t **decision)
{
    *decision = NULL;
    luab_fn_t *f = find_fn(b, name);
    if (!f)
        return actx_fail(ctx, "ScriptError", "'%s' is not a function of a "
                         "loaded Lua module", name);
    if (!f->index)
        return actx_fail(ctx, "ScriptError", "%s cannot be called: %s",
                         f->name, f->doc);
    job_t job = { .index = f->index, .context = context, .err = err,
                  .hook = true };
    val_t *v;
    mig_status_t st = invoke_in(f, &job, ctx, &v);
    if (st == MIG_OK) {
        st = luab_decision(f, v, decision);
        val_unref(v);
    }
    if (st == MIG_OK)
        return MIG_OK;
    if (st == MIG_ENOMEM) {
        actx_fail(ctx, "ScriptError", "%s: out of memory", f->name);
        return MIG_ENOMEM;
    }
    return fail_with(ctx, f->mod);
}

/* ---- loading ---------------------------------------------------------------------- */

/* The name Lua gives the chunk "@PATH" in messages (luaO_chunkid). */
static void short_src(char out[LUA_IDSIZE], const char *path)
{
    size_t len = strlen(path) + 1;         /* counting the '@' */
    if (len <= LUA_IDSIZE) {
        memcpy(out, path, len);             /* with the NUL */
    } else {
        memcpy(out, "...", 3);
        memcpy(out + 3, path + len - (LUA_IDSIZE - 3), LUA_IDSIZE - 3);
    }
}

/* Whether FULL (PATH as the plan wrote it, from the base directory) is a
 * module B may load: an existing file (else MIG_EIO, which the checks
 * report), named ".lua", a regular file inside one of B's roots once
 * resolved. MIG_OK; MIG_EIO when it cannot be read
 * (reported); MIG_EINVALID (reported without a word of the file's
 * content); MIG_ENOMEM. */
static mig_status_t confined(const lua_bridge_t *b, const char *path,
                             const char *full, diag_list_t *diags)
{
    char *real = realpath(full, NULL);
    if (!real) {
        if (errno == ENOMEM)
            return MIG_ENOMEM;
        diag_add(diags, DIAG_ERROR, NULL, NULL, "cannot open '%s': %s", full,
                 strerror(errno));
        return MIG_EIO;
    }
    size_t len = strlen(path);
    if (len < 5 || strcmp(path + len - 4, ".lua") != 0) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "'%s' is not a "
                             "Lua module: a module is a file whose name ends "
                             "in .lua", path);
        diag_hint(diags, d, "lua \"adapters/NAME.lua\" as NAME");
        free(real);
        return MIG_EINVALID;
    }
    bool inside = false;
    for (size_t i = 0; i < b->n_roots && !inside; i++)
        inside = strncmp(real, b->roots[i], strlen(b->roots[i])) == 0;
    struct stat st;
    bool regular = stat(real, &st) == 0 && S_ISREG(st.st_mode);
    free(real);
    if (!inside) {
        diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, "the Lua module "
                             "'%s' is outside the plan's folder%s: modules "
                             "load only from there", path, b->n_roots > 1
                             ? " and the module paths" : "");
        diag_hint(diags, d, "put the module in the plan's folder, or in a "
                  "folder beneath it");
        return MIG_EINVALID;
    }
    if (!regular) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "'%s' is not a regular file, "
                 "so it is not a Lua module", path);
        return MIG_EINVALID;
    }
    return MIG_OK;
}

mig_status_t lua_bridge_load(lua_bridge_t *b, const char *alias,
                             const char *path, action_registry_t *r,
                             diag_list_t *diags)
{
    for (size_t i = 0; i < b->n_mods; i++)
        if (strcmp(b->mods[i]->alias, alias) == 0) {
            diag_add(diags, DIAG_ERROR, NULL, NULL, "the Lua module name "
                     "'%s' is already loaded", alias);
            return MIG_EINVALID;
        }
    if (action_has_namespace(r, alias, strlen(alias))) {
        diag_add(diags, DIAG_ERROR, NULL, NULL, "'%s' is already a namespace "
                 "of actions: a Lua module cannot be loaded under it", alias);
        return MIG_EINVALID;
    }
    strbuf_t full;
    strbuf_init(&full);
    if (path[0] != '/')
        strbuf_puts(&full, b->base_dir);
    strbuf_puts(&full, path);
    if (full.oom || !grow(&b->srcs, &b->cap_srcs, b->n_srcs)) {
        strbuf_free(&full);
        return MIG_ENOMEM;
    }
    mig_status_t st = confined(b, path, full.data, diags);
    if (st != MIG_OK) {
        strbuf_free(&full);
        return st;
    }
    src_t *src;
    st = src_load(full.data, diags, &src);
    strbuf_free(&full);
    if (st != MIG_OK)
        return st;
    b->srcs[b->n_srcs++] = src;
    luab_module_t *m = calloc(1, sizeof *m);
    if (!m || !grow(&b->mods, &b->cap_mods, b->n_mods)) {
        free(m);
        return MIG_ENOMEM;
    }
    m->bridge = b;
    m->src = src;
    m->alias = strdup(alias);
    m->path = strdup(path);
    strbuf_init(&m->err);
    if (!m->alias || !m->path) {
        module_free(m);
        return MIG_ENOMEM;
    }
    short_src(m->short_src, path);
    st = luab_load_module(m, diags);
    if (st != MIG_OK) {
        module_free(m);
        return st;
    }
    /* Kept even if adding fails: R may already point at some rows. */
    b->mods[b->n_mods++] = m;
    return action_registry_add(r, m->rows, m->n_fns);
}
