/* gen_lua.c: the Lua modules of the generated plan. Real plans call their
 * domain's actions (db.*, kv.*, s3.* ...) through Lua modules declared
 * with `lua "lib/M.lua" as M`, and `mig check` wants each module's file
 * to be there, relative to the plan's directory. So bench_parse_gen writes
 * a small stub for every module beside the plan: a table of functions, one
 * for each name the plan may call. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "gen.h"

/* Step actions and their undo. Module names must differ from the plan's
 * parameters and from the standard library's namespaces (file, exec, log,
 * test, adapt, http): so the registry's module is `catalog`, since
 * `registry` is a parameter, and the web's is `rest`. */
const gen_lua_action_t gen_lua_actions[] = {
    { "db.copy", "db.drop" }, { "db.migrate", "db.rollback" },
    { "db.count", NULL }, { "rest.post", "rest.delete" },
    { "rest.get", NULL }, { "catalog.put", "catalog.delete" },
    { "s3.sync", "s3.restore" }, { "queue.drain", "queue.refill" },
    { "ddl.apply", "ddl.revert" }, { "index.rebuild", "index.restore" },
    { "shell.run", "shell.run" }, { "legacy.scan", NULL },
    { "transform.convert", "transform.revert" }, { "cache.flush", "cache.warm" },
    { "kv.set", "kv.delete" }, { "notify.send", NULL },
};
const size_t gen_n_lua_actions = COUNT(gen_lua_actions);

static const char *const lua_exprs[] = {
    "db.count", "rest.get", "legacy.scan", "legacy.lookup",
    "transform.convert", "kv.get", "ddl.diff", "clock.now",
};
static const char *const lua_handlers[] = {
    "handlers.conflict", "handlers.quota", "ops.page",
};
const gen_words_t gen_lua_exprs = { lua_exprs, COUNT(lua_exprs) };
const gen_words_t gen_lua_handlers = { lua_handlers, COUNT(lua_handlers) };

/* The functions the fixed parts of the plan call (gen.c). */
static const char *const lua_fixed[] = {
    "clock.now", "kv.set", "kv.delete", "notify.send", "ops.page",
};

static const char *const modules[] = {
    "db", "rest", "catalog", "s3", "queue", "ddl", "index", "shell",
    "legacy", "transform", "cache", "kv", "notify", "clock", "handlers",
    "ops",
};

void gen_lua_decls(gen_t *g)
{
    for (size_t i = 0; i < COUNT(modules); i++)
        gen_emit(g, "  lua \"lib/%s.lua\" as %s\n", modules[i], modules[i]);
}

/* Every function name of module M (DOTTED "M.fn"), each once. */
typedef struct fn_set {
    const char *names[64];
    size_t n;
} fn_set_t;

static void add_fn(fn_set_t *s, const char *module, const char *dotted)
{
    size_t len = strlen(module);
    if (!dotted || strncmp(dotted, module, len) != 0 || dotted[len] != '.')
        return;
    const char *fn = dotted + len + 1;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], fn) == 0)
            return;
    if (s->n == COUNT(s->names))
        gen_die("too many Lua functions in one module");
    s->names[s->n++] = fn;
}

static void write_module(const char *dir, const char *module)
{
    fn_set_t s = { .n = 0 };
    for (size_t i = 0; i < gen_n_lua_actions; i++) {
        add_fn(&s, module, gen_lua_actions[i].name);
        add_fn(&s, module, gen_lua_actions[i].undo);
    }
    for (size_t i = 0; i < COUNT(lua_exprs); i++)
        add_fn(&s, module, lua_exprs[i]);
    for (size_t i = 0; i < COUNT(lua_handlers); i++)
        add_fn(&s, module, lua_handlers[i]);
    for (size_t i = 0; i < COUNT(lua_fixed); i++)
        add_fn(&s, module, lua_fixed[i]);

    char path[4096];
    if (snprintf(path, sizeof path, "%slib/%s.lua", dir, module) >= (int)sizeof path)
        gen_die("output path too long");
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        gen_die("cannot write a Lua module");
    }
    fprintf(f, "-- lib/%s.lua: written by bench_parse_gen beside the plan it\n"
               "-- generates; do not edit. `mig check` needs the module to be\n"
               "-- there, so each function the plan calls is a stub. Each takes\n"
               "-- the call's arguments as one table.\n"
               "return {\n", module);
    for (size_t i = 0; i < s.n; i++)
        fprintf(f, "  %s = function(args) return { ok = true, call = \"%s.%s\", "
                   "args = args } end,\n", s.names[i], module, s.names[i]);
    fprintf(f, "}\n");
    if (fclose(f) != 0) {
        perror(path);
        gen_die("cannot write a Lua module");
    }
}

void gen_lua_write(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%slib", dir) >= (int)sizeof path)
        gen_die("output path too long");
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        perror(path);
        gen_die("cannot create the directory of the Lua modules");
    }
    for (size_t i = 0; i < COUNT(modules); i++)
        write_module(dir, modules[i]);
}
