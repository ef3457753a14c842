/* gen_stmt.c: the statements of the benchmark plan (gen.c writes the
 * plan around them): steps, lets, verifies, checkpoints, foreach, retry,
 * recover, if and decisions, each type-correct and placed where the
 * language allows it, with names scoped as the checker scopes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define GEN_MAX_DEPTH 3                /* blocks nested inside a stage */

/* ---- what only statements use ----------------------------------------- */

static const char *const class_names[] = {
    "Transient", "Timeout", "RateLimited", "Conflict", "SchemaDrift",
    "NotFound", "ParamMismatch", "PermissionDenied", "QuotaExceeded",
    "Unavailable", "InvalidConfig", "MissingDependency", "MethodNotFound",
    "ValidationFailed", "Permanent", "ScriptError", "LegacyQuirk",
};
static const char *const widths[] = { "2", "4", "8", "16", "concurrency * 2" };

/* ---- statements ---------------------------------------------------------- */


static void local_name(gen_t *g, char out[GEN_NAME_MAX])
{
    snprintf(out, GEN_NAME_MAX, "%s_%s_%u", WORD(g, verbs), WORD(g, nouns),
             g->serial++);
}

/* Makes NAME visible to the rest of the block, once it is defined. */
static void define_local(gen_t *g, const char *name, gen_type_t type)
{
    if (g->n_locals < GEN_MAX_LOCALS) {
        memcpy(g->locals[g->n_locals].name, name, GEN_NAME_MAX);
        g->locals[g->n_locals].type = type;
        g->n_locals++;
    }
}

/* Copies what was written from MARK on into OUT (a path, to repeat it in
 * an undo). */
static void written_since(gen_t *g, size_t mark, char *out, size_t size)
{
    size_t n = g->out.len - mark;
    if (n >= size)
        gen_die("a path is too long");
    memcpy(out, g->out.data + mark, n);
    out[n] = '\0';
}

/* Writes " { BLOCK }": a block of MIN to MAX statements, indented, in a
 * scope of its own. */
static void gen_braced(gen_t *g, gen_scope_t s, unsigned min, unsigned max)
{
    gen_saved_t saved;
    gen_scope_enter(g, &saved);
    gen_emit(g, " {");
    g->indent++;
    gen_block(g, s, min, max);
    g->indent--;
    gen_nl(g);
    gen_emit(g, "}");
    gen_scope_leave(g, &saved);
}

/* A step calling a function of a Lua module, with an undo for some:
 * of unknown type. */
static gen_type_t lua_step(gen_t *g)
{
    const gen_lua_action_t *a = &gen_lua_actions[gen_below(g, (unsigned)gen_n_lua_actions)];
    gen_emit(g, "%s(", a->name);
    gen_lua_args(g, 0, 1 + gen_below(g, 3));
    gen_emit(g, ")");
    if (a->undo && gen_chance(g, 45)) {
        gen_emit(g, " undo %s(", a->undo);
        gen_lua_args(g, 0, 1 + gen_below(g, 2));
        gen_emit(g, ")");
    }
    return GT_ANY;
}

/* A step calling an action of the standard library (in stdlib/), with
 * the arguments its row takes; returns the action's result type. An undo
 * is written for exec.run (which cannot undo itself) and for some of the
 * actions that undo themselves, never for the pure ones. */
static gen_type_t std_step(gen_t *g)
{
    static const char *const commands[] = {
        "pg_dump --data-only ${source}", "rsync -a ${source}/ ${registry}/",
        "./scripts/reindex.sh --batch ${batch}", "make -C tools migrate",
    };
    static const char *const levels[] = { "info", "warn", "error" };
    char a[256], b[256];
    size_t mark;
    switch (gen_below(g, 16)) {
    case 0: case 1:
        gen_emit(g, "file.write(path: ");
        mark = g->out.len;
        gen_path(g);
        written_since(g, mark, a, sizeof a);
        gen_emit(g, ", content: ");
        gen_value(g, GT_ANY, 1, GP_ANY);
        gen_emit(g, ")");
        if (gen_chance(g, 20))
            gen_emit(g, " undo file.delete(path: %s)", a);
        return GT_NULL;
    case 2: case 3: {
        bool move = gen_chance(g, 50);
        gen_emit(g, "file.%s(from: ", move ? "move" : "copy");
        mark = g->out.len;
        gen_path(g);
        written_since(g, mark, a, sizeof a);
        gen_emit(g, ", to: ");
        mark = g->out.len;
        gen_path(g);
        written_since(g, mark, b, sizeof b);
        gen_emit(g, ")");
        if (gen_chance(g, 20)) {
            if (move)
                gen_emit(g, " undo file.move(from: %s, to: %s)", b, a);
            else
                gen_emit(g, " undo file.delete(path: %s)", b);
        }
        return GT_NULL;
    }
    case 4:
        gen_emit(g, "file.%s(path: ", gen_chance(g, 50) ? "delete" : "mkdir");
        gen_path(g);
        gen_emit(g, ")");
        return GT_NULL;
    case 5: case 6: {
        static const struct { const char *name; gen_type_t type; } reads[] = {
            { "read", GT_STR }, { "read_json", GT_ANY }, { "read_yaml", GT_ANY },
            { "exists", GT_BOOL },
        };
        unsigned r = gen_below(g, COUNT(reads));
        gen_emit(g, "file.%s(%s", reads[r].name, gen_chance(g, 25) ? "" : "path: ");
        gen_path(g);
        gen_emit(g, ")");
        return reads[r].type;
    }
    case 7:
        gen_emit(g, "file.list(dir: ");
        gen_path(g);
        if (gen_chance(g, 50))
            gen_emit(g, ", glob: \"*.json\"");
        gen_emit(g, ")");
        return GT_LIST;
    case 8: case 9:
        gen_emit(g, "exec.run(cmd: ");
        if (gen_chance(g, 60))
            gen_emit(g, "\"%s\"", PICK(g, commands));
        else
            gen_emit(g, "[\"%s\", \"--to\", \"${registry}\"]", WORD(g, verbs));
        if (gen_chance(g, 30))
            gen_emit(g, ", dir: \"tools/%s\"", WORD(g, nouns));
        if (gen_chance(g, 20))
            gen_emit(g, ", env: { BATCH: \"${batch}\", DRY_RUN: \"${dry_run}\" }");
        if (gen_chance(g, 30)) {
            gen_emit(g, ", timeout: ");
            gen_timeout(g);
        }
        gen_emit(g, ") undo exec.run(cmd: \"./scripts/undo-%s.sh ${source}\")",
                 WORD(g, verbs));
        return GT_MAP;
    case 10: case 11: case 12:
        gen_emit(g, "log.%s(%s", PICK(g, levels), gen_chance(g, 30) ? "" : "message: ");
        gen_string(g, 1);
        gen_emit(g, ")");
        return GT_NULL;
    case 13:
        gen_emit(g, "test.count(name: \"%s/%s\")", WORD(g, verbs), WORD(g, nouns));
        return GT_NUM;
    case 14:
        gen_emit(g, "test.sleep(duration: %s)", WORD(g, durations));
        return GT_NULL;
    default:
        gen_emit(g, "test.fail(times: %u, class: \"%s\")", 1 + gen_below(g, 3),
                 PICK(g, class_names));
        return GT_NULL;
    }
}

/* Writes a step; LUA_PCT is how likely it calls a Lua function. */
void gen_write_step(gen_t *g, unsigned lua_pct)
{
    char name[GEN_NAME_MAX];
    local_name(g, name);
    gen_nl(g);
    gen_emit(g, "step %s = ", name);
    gen_type_t type = gen_chance(g, lua_pct) ? lua_step(g) : std_step(g);
    if (gen_chance(g, 40)) {
        gen_emit(g, " timeout ");
        gen_timeout(g);
    }
    if (gen_chance(g, 25)) {
        gen_emit(g, gen_chance(g, 30) ? "\n%*swhen " : " when ", g->indent * 2 + 2, "");
        gen_cond(g);
    }
    define_local(g, name, type);
}

static void st_step(gen_t *g, gen_scope_t *s)
{
    gen_write_step(g, 72);
}

void gen_st_let(gen_t *g, gen_scope_t *s)
{
    static const gen_type_t types[] = {
        GT_MAP, GT_MAP, GT_LIST, GT_LIST, GT_STR, GT_STR, GT_STR, GT_NUM,
        GT_NUM, GT_BOOL, GT_DUR,
    };
    char name[GEN_NAME_MAX];
    gen_type_t t = PICK(g, types);
    local_name(g, name);
    gen_nl(g);
    gen_emit(g, "let %s = ", name);
    gen_value(g, t, 0, GP_ANY);
    define_local(g, name, t);
}

void gen_st_verify(gen_t *g, gen_scope_t *s)
{
    gen_nl(g);
    gen_emit(g, "verify ");
    gen_cond(g);
    if (gen_chance(g, 60)) {
        gen_emit(g, " else ");
        gen_string(g, 0);
    }
}

static void st_comment(gen_t *g, gen_scope_t *s)
{
    gen_nl(g);
    if (gen_chance(g, 80)) {
        gen_emit(g, "# %s the %s before the %s %s; see ticket MIG-%u", WORD(g, verbs),
             WORD(g, nouns), WORD(g, words), WORD(g, nouns), gen_below(g, 9000) + 1000);
    } else {
        gen_emit(g, "/* %s %s:", WORD(g, verbs), WORD(g, nouns));
        gen_nl(g);
        gen_emit(g, " * keep the %s copy until the %s is verified */", WORD(g, words),
             WORD(g, nouns));
    }
}

void gen_st_checkpoint(gen_t *g, gen_scope_t *s)
{
    snprintf(g->checkpoint, GEN_NAME_MAX, "cp_%s_%u", WORD(g, verbs), g->serial++);
    gen_nl(g);
    gen_emit(g, "checkpoint %s", g->checkpoint);
}

static void st_foreach(gen_t *g, gen_scope_t *s)
{
    static const char *const vars[] = { "item", "row", "tool", "entry", "shard" };
    gen_scope_t inner = *s;
    inner.depth++;
    const char *var = vars[s->depth % COUNT(vars)];
    gen_nl(g);
    gen_emit(g, "foreach %s in ", var);
    if (gen_chance(g, 60))
        gen_ref(g, GT_LIST);
    else
        gen_value(g, GT_LIST, 1, GP_ANY);
    if (gen_chance(g, 60))
        gen_emit(g, " parallel %s", gen_chance(g, 50) ? "concurrency" : PICK(g, widths));
    gen_emit(g, " {");
    gen_saved_t saved;
    gen_scope_enter(g, &saved);
    g->loop_var = var;
    g->indent++;
    if (gen_chance(g, 30)) {
        gen_nl(g);
        gen_emit(g, "if %s.%s == null { skip \"no %s\" }", var, WORD(g, fields),
             WORD(g, fields));
    }
    gen_block(g, inner, 1, 4);
    g->indent--;
    gen_scope_leave(g, &saved);
    gen_nl(g);
    gen_emit(g, "}");
}

/* One to three different error classes. */
static void class_list(gen_t *g)
{
    unsigned n = 1 + gen_below(g, 3);
    unsigned first = gen_below(g, COUNT(class_names));
    for (unsigned i = 0; i < n; i++)
        gen_emit(g, "%s%s", i ? ", " : "",
             class_names[(first + i * 4) % COUNT(class_names)]);
}

static void st_retry(gen_t *g, gen_scope_t *s)
{
    gen_scope_t inner = *s;
    inner.depth++;
    gen_nl(g);
    gen_emit(g, "retry %u", 2 + gen_below(g, 4));
    /* A base and a max not below it (the checker reports a max below the
     * base), a step of at least 0, a factor above 1. */
    const unsigned n = (unsigned)gen_n_sorted_durations;
    unsigned base = gen_below(g, n - 1);
    unsigned max = base + 1 + gen_below(g, n - 1 - base);
    bool backoff = true;
    switch (gen_below(g, 4)) {
    case 0:
        gen_emit(g, " backoff fixed(delay: %s)", WORD(g, durations));
        break;
    case 1:
        gen_emit(g, " backoff linear(base: %s, step: %s, max: %s)",
             gen_sorted_durations[base], WORD(g, durations), gen_sorted_durations[max]);
        break;
    case 2:
        gen_emit(g, " backoff exponential(base: %s, factor: %s, max: %s)",
             gen_sorted_durations[base], gen_chance(g, 70) ? "2" : "1.5",
             gen_sorted_durations[max]);
        break;
    default:
        backoff = false;
        break;
    }
    /* Jitter spreads a backoff's waits: without one, only "none" fits. */
    if (backoff && gen_chance(g, 60))
        gen_emit(g, " jitter %s", gen_chance(g, 60) ? "full" : gen_chance(g, 50) ? "equal" : "none");
    else if (!backoff && gen_chance(g, 15))
        gen_emit(g, " jitter none");
    if (gen_chance(g, 70)) {
        gen_emit(g, " on ");
        class_list(g);
    }
    gen_braced(g, inner, 1, 3);
}

/* The last statement of a recover block: a decision allowed there. */
static void gen_decision(gen_t *g)
{
    gen_nl(g);
    switch (gen_below(g, g->checkpoint[0] ? 8 : 7)) {
    case 0: gen_emit(g, "retry"); break;
    case 1: gen_emit(g, "retry with { attempt: %u, delay: %s }", gen_below(g, 5),
                 WORD(g, durations)); break;
    case 2: gen_emit(g, "skip"); break;
    case 3: gen_emit(g, "skip "); gen_string(g, 0); break;
    case 4: gen_emit(g, "skip \"gave up: ${err.message}\""); break;
    case 5: gen_emit(g, "fail"); break;
    case 6: gen_emit(g, "fail "); gen_string(g, 0); break;
    default: gen_emit(g, "rollback to %s", g->checkpoint); break;
    }
}

/* `recover ... with HANDLER`: one of the standard library's adapt.* (with
 * the arguments each takes) or a Lua module's function. */
static void recover_handler(gen_t *g)
{
    switch (gen_below(g, 7)) {
    case 0:
        gen_emit(g, " with adapt.params");
        break;
    case 1: {
        unsigned f = gen_below(g, (unsigned)gen_fields.n);
        gen_emit(g, " with adapt.params(schema: { %s: \"string\", %s: \"number\" })",
                 gen_fields.items[f], gen_fields.items[(f + 1) % gen_fields.n]);
        break;
    }
    case 2:
        gen_emit(g, " with adapt.remap_method(map: { \"%s_%s\": \"%s\" })",
                 WORD(g, verbs), WORD(g, nouns), WORD(g, verbs));
        break;
    case 3:
        gen_emit(g, " with adapt.repair_config(schema: { batch: 500, mode: \"%s\" })",
                 WORD(g, words));
        break;
    case 4:
        gen_emit(g, " with adapt.resolve_dependency");
        break;
    default:
        gen_emit(g, " with %s", WORD(g, lua_handlers));
        if (gen_chance(g, 50)) {
            gen_emit(g, "(");
            gen_lua_args(g, 1, gen_below(g, 3));
            gen_emit(g, ")");
        }
        break;
    }
}

static void st_recover(gen_t *g, gen_scope_t *s)
{
    gen_nl(g);
    gen_emit(g, "recover ");
    if (gen_chance(g, 10))
        gen_emit(g, "*");
    else
        class_list(g);
    if (gen_chance(g, 45)) {
        recover_handler(g);
        return;
    }
    /* A block, where the error being handled is `err`. */
    gen_scope_t inner = *s;
    inner.depth++;
    inner.in_recover = true;
    gen_saved_t saved;
    gen_scope_enter(g, &saved);
    g->in_recover = true;
    gen_emit(g, " {");
    g->indent++;
    if (gen_chance(g, 40))
        gen_write_step(g, 60);
    if (gen_chance(g, 35)) {
        /* An if whose branches both decide also ends the block. */
        gen_nl(g);
        gen_emit(g, "if ");
        gen_cond(g);
        gen_emit(g, " {");
        g->indent++;
        gen_decision(g);
        g->indent--;
        gen_nl(g);
        gen_emit(g, "} else {");
        g->indent++;
        gen_decision(g);
        g->indent--;
        gen_nl(g);
        gen_emit(g, "}");
    } else {
        gen_decision(g);
    }
    g->indent--;
    gen_nl(g);
    gen_emit(g, "}");
    gen_scope_leave(g, &saved);
}

static void st_if(gen_t *g, gen_scope_t *s)
{
    gen_scope_t inner = *s;
    inner.depth++;
    gen_nl(g);
    gen_emit(g, "if ");
    gen_cond(g);
    if (gen_chance(g, 8)) {
        /* A guard that gives up the stage. */
        gen_emit(g, " { fail ");
        gen_string(g, 0);
        gen_emit(g, " }");
        return;
    }
    gen_braced(g, inner, 1, 3);
    if (gen_chance(g, 30)) {
        gen_emit(g, " else if ");
        gen_cond(g);
        gen_braced(g, inner, 1, 2);
    }
    if (gen_chance(g, 50)) {
        gen_emit(g, " else");
        gen_braced(g, inner, 1, 2);
    }
}

/* The statements a block is drawn from; WEIGHT is relative. NESTS marks the
 * ones that open a block, which stop at GEN_MAX_DEPTH. */
static const struct {
    const char *name;
    unsigned weight;
    bool nests, not_in_recover;
    void (*write)(gen_t *g, gen_scope_t *s);
} statements[] = {
    { .name = "step", .weight = 34, .write = st_step },
    { .name = "let", .weight = 12, .write = gen_st_let },
    { .name = "verify", .weight = 8, .write = gen_st_verify },
    { .name = "comment", .weight = 5, .write = st_comment },
    { .name = "checkpoint", .weight = 2, .write = gen_st_checkpoint },
    { .name = "foreach", .weight = 8, .nests = true, .write = st_foreach },
    { .name = "retry", .weight = 6, .nests = true, .write = st_retry },
    { .name = "if", .weight = 8, .nests = true, .write = st_if },
    { .name = "recover", .weight = 7, .nests = true, .not_in_recover = true,
      .write = st_recover },
};

static void gen_stmt(gen_t *g, gen_scope_t *s)
{
    unsigned total = 0;
    for (size_t i = 0; i < COUNT(statements); i++)
        total += statements[i].weight;
    for (;;) {
        unsigned r = gen_below(g, total);
        size_t i = 0;
        while (r >= statements[i].weight)
            r -= statements[i++].weight;
        if (statements[i].nests && s->depth >= GEN_MAX_DEPTH)
            continue;
        if (statements[i].not_in_recover && s->in_recover)
            continue;
        statements[i].write(g, s);
        return;
    }
}

void gen_block(gen_t *g, gen_scope_t s, unsigned min, unsigned max)
{
    unsigned n = min + gen_below(g, max - min + 1);
    for (unsigned i = 0; i < n; i++)
        gen_stmt(g, &s);
}
