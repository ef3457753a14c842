/* gen.c: writes a large, valid .mig plan for the parse benchmark (run.sh).
 * The plan is made of the statements real plans use, drawn from a table with
 * a fixed-seed PRNG of its own, so a given size and seed give the same bytes
 * on every machine. The output is padded with a comment to the exact size.
 * Stages and the plan are written here; statements in gen_stmt.c;
 * expressions and the words they use, in gen_expr.c; the Lua modules, in
 * gen_lua.c.
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

/* ---- the plan's error classes ------------------------------------------ */

/* The plan's own error classes (declared in the head), and the built-in
 * ones (interpreter.h, ERROR_CLASSES), which are used without declaring. */
const gen_class_t gen_error_classes[] = {
    { "RateLimited", "Transient" }, { "QuotaExceeded", "RateLimited" },
    { "SchemaDrift", "Conflict" }, { "NotFound", "Permanent" },
    { "PermissionDenied", "PolicyDenied" }, { "LegacyQuirk", NULL },
};
const size_t gen_n_error_classes =
    sizeof gen_error_classes / sizeof *gen_error_classes;

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
            (gen_chance(g, 50) ? gen_st_let : gen_st_verify)(g, NULL);
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
        gen_st_checkpoint(g, NULL);
    /* The first step is the one later stages refer to. */
    gen_scope_t s = { 0 };
    gen_write_step(g, 85);
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
    "  param time_cap    = 1h30m\n"
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
    "    step lock = kv.set(key: \"lock/bench\", value: true, ttl: time_cap)\n"
    "  }";
static const char plan_tail[] =
    "\n\n"
    "  on failure rollback to start\n"
    "  on success {\n"
    "    step report = notify.send(channel: \"#migrations\", text: \"done in ${clock.now() - started}\")\n"
    "  }\n"
    "  finally { step unlock = kv.delete(key: \"lock/bench\") }\n"
    "}\n";

/* The wide shapes generated plans have and hand-written ones rarely do,
 * each about 1/32 of the plan, so that a cost quadratic in any of them
 * shows in the benchmark's figure (issue 16): many `param` lines, a map
 * literal with many keys, a call with many named arguments; the stages
 * after it, each after up to three of the ones before, are the long
 * chain. */
#define GEN_BULK_SHARE 32

static void gen_bulk_params(gen_t *g, size_t size)
{
    size_t end = g->out.len + size / GEN_BULK_SHARE;
    for (unsigned i = 0; g->out.len < end; i++)
        gen_emit(g, "  param bulk_p%u = %u\n", i, i);
}

static void gen_bulk_map(gen_t *g, size_t size)
{
    size_t end = g->out.len + size / GEN_BULK_SHARE;
    gen_emit(g, "  let bulk_map = {");
    for (unsigned i = 0; g->out.len < end; i++) {
        if (i % 8 == 0)
            gen_emit(g, "\n   ");
        gen_emit(g, " k%u: %u,", i, i);
    }
    gen_emit(g, "\n  }\n");
}

/* A stage with one call of many named arguments (a Lua function takes any
 * named argument). */
static void gen_bulk_call(gen_t *g, size_t size)
{
    size_t end = g->out.len + size / GEN_BULK_SHARE;
    gen_emit(g, "\n  stage bulk after prepare {\n"
                "    step wide = kv.set(key: \"bulk\", value: len(bulk_map)");
    for (unsigned i = 0; g->out.len < end; i++) {
        if (i % 8 == 0)
            gen_emit(g, ",\n     ");
        else
            gen_emit(g, ",");
        gen_emit(g, " a%u: %u", i, i);
    }
    gen_emit(g, ")\n      undo kv.delete(key: \"bulk\")\n  }");
}

/* Many small stages in one chain, each after the one before it, reading
 * the chain's head and the stage before it (and, from the second on, a
 * stage the chain reaches only through its second `after` stage): a
 * plan of 25,000 stages and more, 10,000 and more of them chained (issue
 * 16). GEN_CHAIN_SHARE of the plan: 1/3, about 24,000 stages in 8 MB.
 * Reading the head from every stage of a chain made `mig check` take time
 * in the square of the chain's length; the chain keeps that in the
 * figure. Nothing else in the plan reads these stages. */
#define GEN_CHAIN_SHARE 3

static void gen_chain(gen_t *g, size_t size)
{
    size_t end = g->out.len + size / GEN_CHAIN_SHARE;
    gen_emit(g, "\n\n  stage chain_side { step s = log.info(message: \"side\") }"
                "\n  stage chain_00000 after prepare {"
                " step s = log.info(message: \"head\") }"
                "\n  stage chain_00001 after chain_00000, chain_side {"
                " step s = log.info(message: \"${chain_side.s}\") }");
    for (unsigned i = 2; g->out.len < end; i++)
        gen_emit(g, "\n  stage chain_%05u after chain_%05u {"
                    " step s = log.info(message: \"stage %u of the chain, "
                    "after ${chain_%s.s}\") }", i, i - 1, i,
                 i % 8 ? "00000" : "side");
}

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
    gen_bulk_params(g, size);
    gen_bulk_map(g, size);
    gen_lua_decls(g);
    gen_emit(g, "\n");
    for (size_t i = 0; i < gen_n_error_classes; i++) {
        if (gen_error_classes[i].parent)
            gen_emit(g, "  error %s : %s\n", gen_error_classes[i].name, gen_error_classes[i].parent);
        else
            gen_emit(g, "  error %s\n", gen_error_classes[i].name);
    }
    gen_emit(g, "%s", plan_first_stage);
    snprintf(g->stage, GEN_NAME_MAX, "prepare");
    g->n_after = 0;
    gen_stage_t *st = remember_stage(g);
    snprintf(st->step, GEN_NAME_MAX, "lock");
    st->step_type = GT_ANY;
    gen_bulk_call(g, size);
    gen_chain(g, size);
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
