/* gen.c: writes a large, valid .mig plan for the parse benchmark (run.sh).
 * The plan is made of the statements real plans use, drawn from a table with
 * a fixed-seed PRNG of its own, so a given size and seed give the same bytes
 * on every machine. The output is padded with a comment to the exact size.
 * Statements, stages and the plan are written here; expressions and the
 * words they use, in gen_expr.c.
 *
 * usage: bench_parse_gen [-o FILE] [-s SEED] [SIZE]
 *   SIZE in bytes, or with a decimal suffix k (10^3) or M (10^6); default 5M. */
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

/* ---- what only statements use ----------------------------------------- */

/* Declared below in the plan head, with parents for some. */
static const struct { const char *name, *parent; } error_classes[] = {
    { "Transient", NULL }, { "Timeout", "Transient" },
    { "RateLimited", "Transient" }, { "Conflict", NULL },
    { "SchemaDrift", "Conflict" }, { "NotFound", NULL },
    { "ParamMismatch", NULL }, { "PermissionDenied", NULL },
    { "QuotaExceeded", "Transient" },
};
static const char *const widths[] = { "2", "4", "8", "16", "concurrency * 2" };

static const char *const undo_names[] = {
    "db.restore", "file.move", "registry.delete", "schema.revert",
    "kv.delete", "s3.restore", "transform.revert",
};
static const gen_words_t undo_actions = { undo_names, COUNT(undo_names) };

/* Where the generator is: what the statement being written may refer to and
 * which statements the language allows there (see grammar/syntax.c). */
typedef struct gen_scope {
    int depth;                  /* 0: directly in a stage */
    bool in_foreach, in_recover;
} gen_scope_t;

/* ---- statements ---------------------------------------------------------- */

static void local_name(gen_t *g, char out[GEN_NAME_MAX])
{
    snprintf(out, GEN_NAME_MAX, "%s_%s_%u", WORD(g, verbs), WORD(g, nouns),
             g->serial++);
}

/* Makes NAME visible to the rest of the stage, once it is defined. */
static void define_local(gen_t *g, const char *name)
{
    if (g->n_locals < GEN_MAX_LOCALS)
        memcpy(g->locals[g->n_locals++], name, GEN_NAME_MAX);
}

static void gen_call(gen_t *g, const gen_words_t *names)
{
    gen_emit(g, "%s(", gen_pick(g, names));
    gen_args(g, 1, 1 + gen_below(g, 3));
    gen_emit(g, ")");
}

static void gen_block(gen_t *g, gen_scope_t s, unsigned min, unsigned max);

/* Writes " { BLOCK }": a block of MIN to MAX statements, indented. */
static void gen_braced(gen_t *g, gen_scope_t s, unsigned min, unsigned max)
{
    gen_emit(g, " {");
    g->indent++;
    gen_block(g, s, min, max);
    g->indent--;
    gen_nl(g);
    gen_emit(g, "}");
}

static void st_step(gen_t *g, gen_scope_t *s)
{
    char name[GEN_NAME_MAX];
    local_name(g, name);
    gen_nl(g);
    gen_emit(g, "step %s = ", name);
    gen_call(g, &gen_actions);
    if (gen_chance(g, 35)) {
        gen_emit(g, " undo ");
        gen_call(g, &undo_actions);
    }
    if (gen_chance(g, 40))
        gen_emit(g, " timeout %s", WORD(g, durations));
    if (gen_chance(g, 25)) {
        gen_emit(g, gen_chance(g, 30) ? "\n%*swhen " : " when ", g->indent * 2 + 2, "");
        gen_cond(g);
    }
    define_local(g, name);
}

static void st_let(gen_t *g, gen_scope_t *s)
{
    char name[GEN_NAME_MAX];
    local_name(g, name);
    gen_nl(g);
    gen_emit(g, "let %s = ", name);
    switch (gen_below(g, 4)) {
    case 0: gen_map(g, 0); break;
    case 1: gen_list(g, 0); break;
    case 2: gen_string(g, 0); break;
    default: gen_expr(g, 0); break;
    }
    define_local(g, name);
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
    static const char *const vars[] = { "item", "row", "tool", "file", "shard" };
    gen_scope_t inner = *s;
    inner.depth++;
    inner.in_foreach = true;
    const char *outer_var = g->loop_var;
    const char *var = vars[s->depth % COUNT(vars)];
    gen_nl(g);
    gen_emit(g, "foreach %s in ", var);
    gen_ref(g);
    if (gen_chance(g, 60))
        gen_emit(g, " parallel %s", gen_chance(g, 50) ? "concurrency" : PICK(g, widths));
    gen_emit(g, " {");
    g->loop_var = var;
    g->indent++;
    if (gen_chance(g, 30)) {
        gen_nl(g);
        gen_emit(g, "if %s.%s == null { skip \"no %s\" }", var, WORD(g, fields),
             WORD(g, fields));
    }
    gen_block(g, inner, 1, 4);
    g->indent--;
    g->loop_var = outer_var;
    gen_nl(g);
    gen_emit(g, "}");
}

/* One to three different error classes. */
static void class_list(gen_t *g)
{
    unsigned n = 1 + gen_below(g, 3);
    unsigned first = gen_below(g, COUNT(error_classes));
    for (unsigned i = 0; i < n; i++)
        gen_emit(g, "%s%s", i ? ", " : "",
             error_classes[(first + i * 4) % COUNT(error_classes)].name);
}

static void st_retry(gen_t *g, gen_scope_t *s)
{
    gen_scope_t inner = *s;
    inner.depth++;
    gen_nl(g);
    gen_emit(g, "retry %u", 2 + gen_below(g, 4));
    switch (gen_below(g, 4)) {
    case 0:
        gen_emit(g, " backoff fixed(delay: %s)", WORD(g, durations));
        break;
    case 1:
        gen_emit(g, " backoff linear(base: %s, step: %s, max: %s)", WORD(g, durations),
             WORD(g, durations), WORD(g, durations));
        break;
    case 2:
        gen_emit(g, " backoff exponential(base: %s, factor: 2, max: %s)",
             WORD(g, durations), WORD(g, durations));
        break;
    default:
        break;
    }
    if (gen_chance(g, 60))
        gen_emit(g, " jitter %s", gen_chance(g, 60) ? "full" : gen_chance(g, 50) ? "equal" : "none");
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
    switch (gen_below(g, g->checkpoint[0] ? 7 : 6)) {
    case 0: gen_emit(g, "retry"); break;
    case 1: gen_emit(g, "retry with { attempt: %u, delay: %s }", gen_below(g, 5),
                 WORD(g, durations)); break;
    case 2: gen_emit(g, "skip"); break;
    case 3: gen_emit(g, "skip "); gen_string(g, 0); break;
    case 4: gen_emit(g, "fail"); break;
    case 5: gen_emit(g, "fail "); gen_string(g, 0); break;
    default: gen_emit(g, "rollback to %s", g->checkpoint); break;
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
        static const char *const handlers[] = {
            "adapt.params", "handlers.conflict", "transform.repair", "ops.page",
        };
        gen_emit(g, " with %s", PICK(g, handlers));
        if (gen_chance(g, 50)) {
            gen_emit(g, "(");
            gen_args(g, 1, gen_below(g, 3));
            gen_emit(g, ")");
        }
        return;
    }
    gen_scope_t inner = *s;
    inner.depth++;
    inner.in_recover = true;
    gen_emit(g, " {");
    g->indent++;
    if (gen_chance(g, 40))
        st_step(g, &inner);
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
}

static void st_if(gen_t *g, gen_scope_t *s)
{
    gen_scope_t inner = *s;
    inner.depth++;
    gen_nl(g);
    gen_emit(g, "if ");
    gen_cond(g);
    gen_braced(g, inner, 1, 3);
    if (gen_chance(g, 30)) {
        gen_emit(g, " else if ");
        gen_cond(g);
        gen_braced(g, inner, 1, 2);
    }
    if (gen_chance(g, 50)) {
        gen_emit(g, " else {");
        g->indent++;
        gen_block(g, inner, 1, 2);
        g->indent--;
        gen_nl(g);
        gen_emit(g, "}");
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

static void gen_hooks(gen_t *g)
{
    if (gen_chance(g, 25)) {
        gen_nl(g);
        if (g->checkpoint[0] && gen_chance(g, 60)) {
            gen_emit(g, "on failure rollback to %s", g->checkpoint);
        } else {
            gen_emit(g, "on failure {");
            g->indent++;
            gen_nl(g);
            gen_emit(g, "step alert_%u = notify.send(channel: \"#migrations\", "
                    "text: \"stage %s failed: ${cause.message}\")", g->serial++, g->stage);
            if (g->checkpoint[0]) {
                gen_nl(g);
                gen_emit(g, "rollback to %s", g->checkpoint);
            }
            g->indent--;
            gen_nl(g);
            gen_emit(g, "}");
        }
    }
    if (gen_chance(g, 12)) {
        gen_nl(g);
        gen_emit(g, "on success { step mark_%u = kv.set(key: \"done/%s\", value: true) }",
             g->serial++, g->stage);
    }
    if (gen_chance(g, 8)) {
        gen_nl(g);
        gen_emit(g, "finally {");
        g->indent++;
        gen_nl(g);
        gen_emit(g, "step cleanup_%u = file.remove(path: \"tmp/%s\")", g->serial++, g->stage);
        g->indent--;
        gen_nl(g);
        gen_emit(g, "}");
    }
}

static void remember_stage(gen_t *g, const char *step)
{
    if (g->n_stages == g->cap_stages) {
        size_t cap = g->cap_stages ? g->cap_stages * 2 : 1024;
        void *a = realloc(g->stages, cap * GEN_NAME_MAX);
        void *b = a ? realloc(g->stage_steps, cap * GEN_NAME_MAX) : NULL;
        if (!a || !b)
            gen_die("out of memory");
        g->stages = a;
        g->stage_steps = b;
        g->cap_stages = cap;
    }
    memcpy(g->stages[g->n_stages], g->stage, GEN_NAME_MAX);
    snprintf(g->stage_steps[g->n_stages], GEN_NAME_MAX, "%s", step);
    g->n_stages++;
}

/* One stage, after up to three of the stages just before it. */
static void gen_stage(gen_t *g)
{
    snprintf(g->stage, GEN_NAME_MAX, "%s_%s_%05zu", WORD(g, verbs),
             WORD(g, nouns), g->n_stages);
    g->checkpoint[0] = '\0';
    g->n_locals = 0;
    gen_emit(g, "\n");
    gen_nl(g);
    if (gen_chance(g, 20)) {
        gen_emit(g, "# stage %zu: %s", g->n_stages, WORD(g, texts));
        gen_nl(g);
    }
    gen_emit(g, "stage %s", g->stage);
    if (gen_chance(g, 85)) {
        size_t window = g->n_stages < 16 ? g->n_stages : 16;
        size_t n = 1 + gen_below(g, 3);
        if (n > window)
            n = window;
        gen_emit(g, " after ");
        for (size_t i = 0; i < n; i++)
            gen_emit(g, "%s%s", i ? ", " : "",
                 g->stages[g->n_stages - 1 - i * (window / n)]);
    }
    gen_emit(g, " {");
    g->indent++;
    if (gen_chance(g, 50))
        st_checkpoint(g, NULL);
    /* The first step is the one later stages refer to. */
    gen_scope_t s = { 0 };
    st_step(g, &s);
    char first[GEN_NAME_MAX];
    memcpy(first, g->locals[0], GEN_NAME_MAX);
    gen_block(g, s, 1, 5);
    gen_hooks(g);
    g->indent--;
    gen_nl(g);
    gen_emit(g, "}");
    remember_stage(g, first);
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
    "  }\n"
    "  lua \"lib/transform.lua\" as transform\n"
    "  lua \"lib/adapt.lua\" as adapt\n";
static const char plan_first_stage[] =
    "\n"
    "  let started = clock.now()\n"
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
            "# of the language, in the proportions of real plans.\n"
            "/* It moves everything of a fictional shop,\n"
            " * stage by stage, from the legacy store to v2. */\n"
            "migration \"bench-%llu\" {\n%s\n",
         (unsigned long long)seed, size, (unsigned long long)seed, plan_decls);
    for (size_t i = 0; i < COUNT(error_classes); i++) {
        if (error_classes[i].parent)
            gen_emit(g, "  error %s : %s\n", error_classes[i].name, error_classes[i].parent);
        else
            gen_emit(g, "  error %s\n", error_classes[i].name);
    }
    gen_emit(g, "%s", plan_first_stage);
    snprintf(g->stage, GEN_NAME_MAX, "prepare");
    remember_stage(g, "lock");
    g->indent = 1;
}

/* Builds the whole plan of exactly SIZE bytes in g->out. Stages go in until
 * the next would leave no room for the tail; a comment fills the rest. */
static void gen_plan(gen_t *g, uint64_t seed, size_t size)
{
    gen_head(g, seed, size);
    for (;;) {
        size_t mark = g->out.len;
        gen_stage(g);
        if (g->out.len + sizeof(plan_tail) - 1 > size) {
            g->out.len = mark;      /* the stage does not fit: drop it */
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
                    "suffixes k = 10^3, M = 10^6) to FILE or standard output.\n",
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
    free(g.out.data);
    free(g.stages);
    free(g.stage_steps);
    return 0;
}
