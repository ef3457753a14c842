/* gen.c: writes a large, valid .mig plan for the parse benchmark (run.sh).
 * The plan is made of the statements real plans use, drawn from a table with
 * a fixed-seed PRNG of its own, so a given size and seed give the same bytes
 * on every machine. The output is padded with a comment to the exact size.
 * Statements, stages and the plan are written here; expressions and the
 * words they use, in gen_expr.c; the Lua modules, in gen_lua.c.
 *
 * "Valid" means that all of `mig check` accepts it, with its static checks
 * (names, calls, types, rollbacks, retry policies), without a warning.
 *
 * usage: bench_parse_gen [-o FILE] [-s SEED] [SIZE]
 *   SIZE in bytes, or with a decimal suffix k (10^3) or M (10^6); default 5M.
 *   With -o, the plan's Lua modules are written beside FILE, in lib/ (which
 *   is created); a plan written to standard output has none. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define GEN_DEFAULT_SIZE 5000000u
#define GEN_DEFAULT_SEED 0x6d6967u     /* "mig" */
#define GEN_MIN_SIZE 4096u             /* room for the head and the tail */
#define GEN_MAX_DEPTH 3                /* blocks nested inside a stage */

/* ---- output buffer and PRNG ------------------------------------------- */

void gen_die(const char *msg)
{
    fprintf(stderr, "bench_parse_gen: %s\n", msg);
    exit(2);
}

static void buf_reserve(gen_buf_t *b, size_t more)
{
    if (b->cap - b->len > more)
        return;
    size_t cap = b->cap ? b->cap : 1 << 16;
    while (cap - b->len <= more)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        gen_die("out of memory");
    b->data = p;
    b->cap = cap;
}

void gen_emit(gen_t *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_reserve(&g->out, 256);
    int n = vsnprintf(g->out.data + g->out.len, g->out.cap - g->out.len, fmt, ap);
    va_end(ap);
    if (n < 0)
        gen_die("formatting failed");
    if ((size_t)n >= g->out.cap - g->out.len) {
        buf_reserve(&g->out, (size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(g->out.data + g->out.len, g->out.cap - g->out.len, fmt, ap);
        va_end(ap);
    }
    g->out.len += (size_t)n;
}

void gen_nl(gen_t *g)
{
    while (g->out.len && g->out.data[g->out.len - 1] == ' ')
        g->out.len--;
    gen_emit(g, "\n%*s", g->indent * 2, "");
}

/* xorshift64*: small, fast and the same everywhere; rand() is not. */
static uint32_t gen_rnd(gen_t *g)
{
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return (uint32_t)((g->rng * 0x2545F4914F6CDD1Dull) >> 32);
}

unsigned gen_below(gen_t *g, unsigned n)
{
    return (unsigned)(((uint64_t)gen_rnd(g) * n) >> 32);
}

bool gen_chance(gen_t *g, unsigned pct)
{
    return gen_below(g, 100) < pct;
}

const char *gen_pick(gen_t *g, const gen_words_t *w)
{
    return w->items[gen_below(g, (unsigned)w->n)];
}

void gen_scope_enter(gen_t *g, gen_saved_t *s)
{
    s->n_locals = g->n_locals;
    memcpy(s->checkpoint, g->checkpoint, GEN_NAME_MAX);
    s->loop_var = g->loop_var;
    s->in_recover = g->in_recover;
}

/* What a block bound is out of scope after it; a checkpoint passed in it
 * may not have been passed after it (an if branch, a foreach body). */
void gen_scope_leave(gen_t *g, const gen_saved_t *s)
{
    g->n_locals = s->n_locals;
    memcpy(g->checkpoint, s->checkpoint, GEN_NAME_MAX);
    g->loop_var = s->loop_var;
    g->in_recover = s->in_recover;
}

/* ---- what only statements use ----------------------------------------- */

/* The plan's own error classes (declared in the head), and the built-in
 * ones (interpreter.h, ERROR_CLASSES), which are used without declaring. */
static const struct { const char *name, *parent; } error_classes[] = {
    { "RateLimited", "Transient" }, { "QuotaExceeded", "RateLimited" },
    { "SchemaDrift", "Conflict" }, { "NotFound", "Permanent" },
    { "PermissionDenied", "PolicyDenied" }, { "LegacyQuirk", NULL },
};
static const char *const class_names[] = {
    "Transient", "Timeout", "RateLimited", "Conflict", "SchemaDrift",
    "NotFound", "ParamMismatch", "PermissionDenied", "QuotaExceeded",
    "Unavailable", "InvalidConfig", "MissingDependency", "MethodNotFound",
    "ValidationFailed", "Permanent", "ScriptError", "LegacyQuirk",
};
static const char *const widths[] = { "2", "4", "8", "16", "concurrency * 2" };

/* ---- statements ---------------------------------------------------------- */

/* Where the generator is: what the statement being written may refer to and
 * which statements the language allows there (see grammar/syntax.c). */
typedef struct gen_scope {
    int depth;                  /* 0: directly in a stage */
    bool in_recover;
} gen_scope_t;

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

static void gen_block(gen_t *g, gen_scope_t s, unsigned min, unsigned max);

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
static void write_step(gen_t *g, unsigned lua_pct)
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
    write_step(g, 72);
}

static void st_let(gen_t *g, gen_scope_t *s)
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

static void st_verify(gen_t *g, gen_scope_t *s)
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

static void st_checkpoint(gen_t *g, gen_scope_t *s)
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
        write_step(g, 60);
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
    { .name = "let", .weight = 12, .write = st_let },
    { .name = "verify", .weight = 8, .write = st_verify },
    { .name = "comment", .weight = 5, .write = st_comment },
    { .name = "checkpoint", .weight = 2, .write = st_checkpoint },
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

static void gen_block(gen_t *g, gen_scope_t s, unsigned min, unsigned max)
{
    unsigned n = min + gen_below(g, max - min + 1);
    for (unsigned i = 0; i < n; i++)
        gen_stmt(g, &s);
}

/* ---- stages and the plan ------------------------------------------------- */

/* A hook's body sees the stage's names; its steps are its own. */
static void hook_open(gen_t *g, gen_saved_t *saved, const char *head)
{
    gen_scope_enter(g, saved);
    gen_nl(g);
    gen_emit(g, "%s {", head);
    g->indent++;
}

static void hook_close(gen_t *g, const gen_saved_t *saved)
{
    g->indent--;
    gen_nl(g);
    gen_emit(g, "}");
    gen_scope_leave(g, saved);
}

static void gen_hooks(gen_t *g)
{
    gen_saved_t saved;
    if (gen_chance(g, 25)) {
        if (g->checkpoint[0] && gen_chance(g, 60)) {
            gen_nl(g);
            gen_emit(g, "on failure rollback to %s", g->checkpoint);
        } else {
            hook_open(g, &saved, "on failure");
            gen_nl(g);
            gen_emit(g, "step alert_%u = notify.send(channel: \"#migrations\", "
                    "text: \"stage %s failed (${source} -> ${registry})\")",
                    g->serial++, g->stage);
            if (g->checkpoint[0]) {
                gen_nl(g);
                gen_emit(g, "rollback to %s", g->checkpoint);
            }
            hook_close(g, &saved);
        }
    }
    if (gen_chance(g, 12)) {
        gen_nl(g);
        gen_emit(g, "on success { step mark_%u = kv.set(key: \"done/%s\", value: true) }",
             g->serial++, g->stage);
    }
    if (gen_chance(g, 8)) {
        hook_open(g, &saved, "finally");
        gen_nl(g);
        gen_emit(g, "step cleanup_%u = file.delete(path: \"tmp/%s\")", g->serial++, g->stage);
        /* Nothing that may roll back: a finally hook may not. */
        if (gen_chance(g, 50))
            (gen_chance(g, 50) ? st_let : st_verify)(g, NULL);
        hook_close(g, &saved);
    }
}

static gen_stage_t *remember_stage(gen_t *g)
{
    if (g->n_stages == g->cap_stages) {
        size_t cap = g->cap_stages ? g->cap_stages * 2 : 1024;
        gen_stage_t *a = realloc(g->stages, cap * sizeof(*a));
        if (!a)
            gen_die("out of memory");
        g->stages = a;
        g->cap_stages = cap;
    }
    gen_stage_t *s = &g->stages[g->n_stages++];
    memset(s, 0, sizeof(*s));
    memcpy(s->name, g->stage, GEN_NAME_MAX);
    memcpy(s->after, g->after, sizeof(s->after));
    s->n_after = g->n_after;
    return s;
}

/* One stage, after up to three of the stages just before it. It reads the
 * steps of those (and of the stages they run after), which have surely
 * run before it. */
static void gen_stage(gen_t *g)
{
    snprintf(g->stage, GEN_NAME_MAX, "%s_%s_%05zu", WORD(g, verbs),
             WORD(g, nouns), g->n_stages);
    g->checkpoint[0] = '\0';
    g->n_locals = 0;
    g->n_after = 0;
    gen_emit(g, "\n");
    gen_nl(g);
    if (gen_chance(g, 20)) {
        gen_emit(g, "# stage %zu: %s", g->n_stages, WORD(g, texts));
        gen_nl(g);
    }
    gen_emit(g, "stage %s", g->stage);
    if (gen_chance(g, 85)) {
        size_t window = g->n_stages < 16 ? g->n_stages : 16;
        size_t n = 1 + gen_below(g, GEN_MAX_AFTER);
        if (n > window)
            n = window;
        gen_emit(g, " after ");
        for (size_t i = 0; i < n; i++) {
            size_t k = g->n_stages - 1 - i * (window / n);
            gen_emit(g, "%s%s", i ? ", " : "", g->stages[k].name);
            g->after[g->n_after++] = (uint32_t)k;
        }
    }
    gen_emit(g, " {");
    g->indent++;
    if (gen_chance(g, 50))
        st_checkpoint(g, NULL);
    /* The first step is the one later stages refer to. */
    gen_scope_t s = { 0 };
    write_step(g, 85);
    gen_local_t first = g->locals[0];
    gen_block(g, s, 1, 5);
    gen_hooks(g);
    g->indent--;
    gen_nl(g);
    gen_emit(g, "}");
    gen_stage_t *st = remember_stage(g);
    memcpy(st->step, first.name, GEN_NAME_MAX);
    st->step_type = first.type;
}

/* The fixed parts of the plan: its declarations, a first stage that holds
 * the checkpoint the plan's hook goes back to, and the plan's hooks. */
static const char plan_decls[] =
    "  version     \"1.0.0\"\n"
    "  description \"A synthetic plan: thousands of stages.\n"
    "    Strings may span lines.\"\n"
    "  requires    \"mig >= 0.1\"\n"
    "\n"
    "  param source      = \"legacy\"\n"
    "  param registry    = \"state/registry.db\"\n"
    "  param concurrency = 4\n"
    "  param batch       = 500\n"
    "  param dry_run     = false\n"
    "  param regions     = [\"eu-west\", \"us-east\", \"ap-south\"]\n"
    "  param limits      = { cpu: 2, memory: \"4Gi\", \"max-rows\": 1e6 }\n"
    "  param base_url    = \"https://${source}.example.com/api\"\n"
    "  param deadline    = 1h30m\n"
    "  profile production { concurrency = 16 batch = batch * 4 }\n"
    "  profile staging {\n"
    "    concurrency = 2\n"
    "    dry_run = true\n"
    "  }\n";
static const char plan_first_stage[] =
    "\n"
    "  let started = clock.now()\n"
    "  recover Unavailable with ops.page(channel: \"#oncall\")\n"
    "\n"
    "  stage prepare {\n"
    "    checkpoint start\n"
    "    step lock = kv.set(key: \"lock/bench\", value: true, ttl: deadline)\n"
    "  }";
static const char plan_tail[] =
    "\n\n"
    "  on failure rollback to start\n"
    "  on success {\n"
    "    step report = notify.send(channel: \"#migrations\", text: \"done in ${clock.now() - started}\")\n"
    "  }\n"
    "  finally { step unlock = kv.delete(key: \"lock/bench\") }\n"
    "}\n";

static void gen_head(gen_t *g, uint64_t seed, size_t size)
{
    gen_emit(g, "# Generated by bench_parse_gen (seed %llu, %zu bytes); do not edit.\n"
            "# A synthetic migration plan for the parse benchmark: every construct\n"
            "# of the language, in the proportions of real plans. Its Lua modules\n"
            "# are written beside it, in lib/.\n"
            "/* It moves everything of a fictional shop,\n"
            " * stage by stage, from the legacy store to v2. */\n"
            "migration \"bench-%llu\" {\n%s",
         (unsigned long long)seed, size, (unsigned long long)seed, plan_decls);
    gen_lua_decls(g);
    gen_emit(g, "\n");
    for (size_t i = 0; i < COUNT(error_classes); i++) {
        if (error_classes[i].parent)
            gen_emit(g, "  error %s : %s\n", error_classes[i].name, error_classes[i].parent);
        else
            gen_emit(g, "  error %s\n", error_classes[i].name);
    }
    gen_emit(g, "%s", plan_first_stage);
    snprintf(g->stage, GEN_NAME_MAX, "prepare");
    g->n_after = 0;
    gen_stage_t *st = remember_stage(g);
    snprintf(st->step, GEN_NAME_MAX, "lock");
    st->step_type = GT_ANY;
    g->indent = 1;
}

/* Builds the whole plan of exactly SIZE bytes in g->out. Stages go in until
 * the next would leave no room for the tail; a comment fills the rest. */
static void gen_plan(gen_t *g, uint64_t seed, size_t size)
{
    gen_head(g, seed, size);
    for (;;) {
        size_t mark = g->out.len;
        unsigned serial = g->serial;
        gen_stage(g);
        if (g->out.len + sizeof(plan_tail) - 1 > size) {
            g->out.len = mark;      /* the stage does not fit: drop it */
            g->n_stages--;
            g->serial = serial;
            break;
        }
    }
    gen_emit(g, "%s", plan_tail);
    if (g->out.len > size)
        gen_die("SIZE too small for a plan");
    /* Comment lines of up to 80 bytes, and a lone newline if 1 is left. */
    for (size_t pad = size - g->out.len; pad > 0;) {
        size_t line = pad > 80 ? 80 : pad;
        if (line == 1) {
            gen_emit(g, "\n");
        } else {
            buf_reserve(&g->out, line);
            char *p = g->out.data + g->out.len;
            memset(p, '.', line - 1);
            p[0] = '#';
            p[line - 1] = '\n';
            g->out.len += line;
        }
        pad -= line;
    }
}

static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    if (*end == 'k' || *end == 'K')
        v *= 1000, end++;
    else if (*end == 'M')
        v *= 1000000, end++;
    if (*end || v > (1ull << 31))
        return false;
    *out = (size_t)v;
    return true;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_parse_gen [-o FILE] [-s SEED] [SIZE]\n"
                    "Writes a valid .mig plan of exactly SIZE bytes (default %u;\n"
                    "suffixes k = 10^3, M = 10^6) to FILE or standard output.\n"
                    "With -o, also the plan's Lua modules: lib/*.lua beside FILE.\n",
            GEN_DEFAULT_SIZE);
    exit(2);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    uint64_t seed = GEN_DEFAULT_SEED;
    size_t size = GEN_DEFAULT_SIZE;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else
            usage();
    }
    if (i + 1 < argc || (i < argc && !parse_size(argv[i], &size)))
        usage();
    if (size < GEN_MIN_SIZE) {
        fprintf(stderr, "bench_parse_gen: SIZE must be at least %u bytes\n",
                GEN_MIN_SIZE);
        return 2;
    }

    gen_t g = { .rng = seed * 0x9E3779B97F4A7C15ull + 1 };
    if (!g.rng)
        g.rng = 1;          /* xorshift never leaves 0 */
    gen_plan(&g, seed, size);

    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        perror(path);
        return 2;
    }
    if (fwrite(g.out.data, 1, g.out.len, f) != g.out.len ||
        (path ? fclose(f) : fflush(f)) != 0) {
        perror(path ? path : "stdout");
        return 2;
    }
    if (path) {
        /* The plan's directory, with its '/' ("" for the current one). */
        const char *slash = strrchr(path, '/');
        size_t n = slash ? (size_t)(slash - path) + 1 : 0;
        char *dir = malloc(n + 1);
        if (!dir)
            gen_die("out of memory");
        memcpy(dir, path, n);
        dir[n] = '\0';
        gen_lua_write(dir);
        free(dir);
    }
    free(g.out.data);
    free(g.stages);
    return 0;
}
