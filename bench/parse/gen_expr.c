/* gen_expr.c: the words a generated plan is made of, and the writers of its
 * expressions (names, strings with ${...}, calls, lists, maps, operators)
 * for bench_parse_gen; the statements that hold them are written in gen.c.
 *
 * Every expression is written for a wanted type, the way the checker
 * types it (interpreter/check_expr.c): operators get operands they accept,
 * only lists and maps are indexed, fields are read only of maps and of
 * values of unknown type, and a constant part (which the checker
 * evaluates) never divides by zero, indexes out of range or overflows. */
#include <string.h>

#include "gen.h"

/* ---- vocabulary -------------------------------------------------------- */

static const char *const nouns[] = {
    "users", "orders", "invoices", "tools", "accounts", "tenants", "buckets",
    "queues", "schemas", "indexes", "tables", "shards", "reports", "secrets",
    "images", "webhooks", "sessions", "payments", "catalog", "audit_log",
};
static const char *const verbs[] = {
    "copy", "migrate", "export", "import", "verify", "backfill", "reindex",
    "archive", "convert", "sync", "drain", "split", "merge", "rename",
};
/* Argument names of Lua calls, with the type their values have; keywords
 * ("to", "in", "version") are allowed here. */
static const struct { const char *name; gen_type_t type; } arg_names[] = {
    { "dir", GT_STR }, { "db", GT_STR }, { "table", GT_STR },
    { "path", GT_STR }, { "to", GT_STR }, { "from", GT_STR },
    { "in", GT_STR }, { "version", GT_STR }, { "limit", GT_NUM },
    { "batch", GT_NUM }, { "kind", GT_STR }, { "url", GT_STR },
    { "body", GT_MAP }, { "key", GT_STR }, { "value", GT_ANY },
    { "mode", GT_STR }, { "dry_run", GT_BOOL }, { "tool", GT_ANY },
    { "wait", GT_DUR }, { "tags", GT_LIST },
};
static const char *const fields[] = {
    "name", "id", "size", "kind", "path", "version", "count", "status",
    "owner", "region", "created_at", "description",
};
/* The parameters the plan declares (gen.c), with their types. */
static const struct { const char *name; gen_type_t type; } params[] = {
    { "source", GT_STR }, { "registry", GT_STR }, { "concurrency", GT_NUM },
    { "batch", GT_NUM }, { "dry_run", GT_BOOL }, { "regions", GT_LIST },
    { "limits", GT_MAP }, { "base_url", GT_STR }, { "time_cap", GT_DUR },
};
static const char *const durations[] = {
    "200ms", "500ms", "250ms", "1s", "1.5s", "10s", "30s", "2m", "5m",
    "1m30s", "1h", "90s",
};
const char *const gen_sorted_durations[] = {
    "200ms", "250ms", "500ms", "1s", "1.5s", "10s", "30s", "90s", "2m", "5m",
    "1h",
};
const size_t gen_n_sorted_durations = COUNT(gen_sorted_durations);
static const char *const numbers[] = {
    "0", "1", "2", "3", "4", "8", "16", "100", "1000", "0.5", "0.25",
    "2.5", "1e6", "65536",
};
/* What a constant may be divided or scaled by: not 0, and small enough
 * that a duration stays under 2^53 ms. */
static const char *const factors[] = { "2", "3", "4", "10", "0.5", "1.5" };
static const char *const versions[] = {
    "1.0.0", "1.2.3", "1.10.0", "2.0.0-rc.1", "0.9.12", "3.1.4+build.7",
};
static const char *const words[] = {
    "legacy", "v2", "primary", "replica", "staging", "eu-west", "us-east",
    "archive", "json", "csv", "utf-8", "synapse", "function", "pending",
};
/* Text with what real messages hold: escapes, a literal $, some UTF-8. */
static const char *const texts[] = {
    "no rows copied", "already migrated", "checksum mismatch",
    "see runbook\\n  section 4", "column \\\"id\\\" is missing",
    "cost: \\$0.00", "Z\\u{fc}rich and M\\u{fc}nchen", "caf\xc3\xa9 \xe2\x86\x92 bar",
    "tab\\tseparated", "back\\\\slash", "done",
};
static const char *const extensions[] = { ".json", ".csv", ".yaml", "" };

/* The lists the statements in gen.c draw from too. */
const gen_words_t gen_nouns = { nouns, COUNT(nouns) };
const gen_words_t gen_verbs = { verbs, COUNT(verbs) };
const gen_words_t gen_fields = { fields, COUNT(fields) };
const gen_words_t gen_durations = { durations, COUNT(durations) };
const gen_words_t gen_words = { words, COUNT(words) };
const gen_words_t gen_texts = { texts, COUNT(texts) };

/* ---- names -------------------------------------------------------------- */

/* One name that may be written: TEXT (with STAGE. before it for another
 * stage's step), its type, how likely it is, and the keys a map holds. */
typedef struct cand {
    const char *stage, *name;
    gen_type_t type;
    unsigned weight;
} cand_t;

#define MAX_CANDS (COUNT(params) + GEN_MAX_LOCALS + 4 * GEN_MAX_AFTER * GEN_MAX_AFTER + 4)

static void add(cand_t *c, size_t *n, const char *stage, const char *name,
                gen_type_t type, unsigned weight, gen_type_t want)
{
    /* How well the name fits: its own type, then a value of unknown type,
     * then one of a map's fields or a list's items (which is unknown). */
    unsigned fit;
    if (want == GT_ANY || type == want)
        fit = 4;
    else if (type == GT_ANY)
        fit = 2;
    else if (type == GT_MAP || type == GT_LIST)
        fit = 1;
    else
        return;
    c[*n] = (cand_t){ stage, name, type, weight * fit };
    (*n)++;
}

/* A field of the map NAME: err and limits have known keys. */
static void map_field(gen_t *g, const char *name)
{
    static const char *const err_keys[] = { "message", "class", "step", "attempt" };
    if (name && strcmp(name, "err") == 0) {
        gen_emit(g, ".%s", PICK(g, err_keys));
    } else if (name && strcmp(name, "limits") == 0) {
        unsigned r = gen_below(g, 3);
        gen_emit(g, "%s", r == 0 ? ".cpu" : r == 1 ? ".memory" : "[\"max-rows\"]");
    } else if (gen_chance(g, 80)) {
        gen_emit(g, ".%s", PICK(g, fields));
    } else {
        gen_emit(g, "[\"%s\"]", PICK(g, fields));
    }
}

void gen_ref(gen_t *g, gen_type_t t)
{
    cand_t c[MAX_CANDS];
    size_t n = 0;
    for (size_t i = 0; i < COUNT(params); i++)
        add(c, &n, NULL, params[i].name, params[i].type, 2, t);
    for (int i = 0; i < g->n_locals; i++)
        add(c, &n, NULL, g->locals[i].name, g->locals[i].type, 5, t);
    if (g->loop_var)
        add(c, &n, NULL, g->loop_var, GT_ANY, 12, t);
    if (g->in_recover)
        add(c, &n, NULL, "err", GT_MAP, 10, t);
    /* Steps of stages that surely ran: those in `after`, and theirs. */
    for (unsigned i = 0; i < g->n_after; i++) {
        const gen_stage_t *s = &g->stages[g->after[i]];
        add(c, &n, s->name, s->step, s->step_type, 4, t);
        for (unsigned j = 0; j < s->n_after; j++) {
            const gen_stage_t *p = &g->stages[s->after[j]];
            add(c, &n, p->name, p->step, p->step_type, 1, t);
        }
    }
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        total += c[i].weight;
    unsigned r = gen_below(g, total);
    size_t k = 0;
    while (r >= c[k].weight)
        r -= c[k++].weight;
    const cand_t *p = &c[k];
    if (p->stage)
        gen_emit(g, "%s.%s", p->stage, p->name);
    else
        gen_emit(g, "%s", p->name);
    if (t == GT_ANY || p->type == t)
        return;
    /* Not of type T itself: a field, an item, or a field of a value of
     * unknown type (whatever it holds may be of type T). */
    static const char *const items[] = { "0", "1", "2", "-1" };
    if (p->type == GT_LIST)
        gen_emit(g, "[%s]", PICK(g, items));
    else if (p->type == GT_MAP)
        map_field(g, p->stage ? NULL : p->name);
    else if (gen_chance(g, 60))
        map_field(g, NULL);
}

/* ---- literals ----------------------------------------------------------- */

static gen_type_t random_type(gen_t *g)
{
    unsigned r = gen_below(g, 100);
    if (r < 22) return GT_NUM;
    if (r < 56) return GT_STR;
    if (r < 66) return GT_BOOL;
    if (r < 76) return GT_LIST;
    if (r < 86) return GT_MAP;
    if (r < 96) return GT_DUR;
    return GT_NULL;
}

/* A string of plain text. */
static void plain_string(gen_t *g)
{
    if (gen_chance(g, 30))
        gen_emit(g, "\"%s\"", PICK(g, texts));
    else
        gen_emit(g, "\"%s/%s\"", PICK(g, words), PICK(g, nouns));
}

void gen_string(gen_t *g, int depth)
{
    gen_emit(g, "\"");
    unsigned parts = 1 + gen_below(g, 3);
    for (unsigned i = 0; i < parts; i++) {
        if (i && depth < 2 && gen_chance(g, 55)) {
            gen_emit(g, "${");
            if (gen_chance(g, 70))
                gen_ref(g, GT_ANY);
            else
                gen_value(g, GT_ANY, depth + 1, GP_ANY);
            gen_emit(g, "}");
        } else if (gen_chance(g, 30)) {
            gen_emit(g, "%s", PICK(g, texts));
        } else {
            gen_emit(g, "%s/%s", PICK(g, words), PICK(g, nouns));
        }
        if (i + 1 < parts)
            gen_emit(g, "%s", gen_chance(g, 50) ? " " : "/");
    }
    gen_emit(g, "\"");
}

void gen_path(gen_t *g)
{
    static const char *const roots[] = {
        "${source}", "${registry}", "archive", "tmp", "state", "data",
    };
    gen_emit(g, "\"%s/", PICK(g, roots));
    if (g->loop_var && gen_chance(g, 30))
        gen_emit(g, "${%s.%s}/", g->loop_var, PICK(g, fields));
    gen_emit(g, "%s%s\"", PICK(g, nouns), PICK(g, extensions));
}

/* A name of type duration: a local one, or the parameter. */
static void dur_name(gen_t *g)
{
    int found[GEN_MAX_LOCALS], n = 0;
    for (int i = 0; i < g->n_locals; i++)
        if (g->locals[i].type == GT_DUR)
            found[n++] = i;
    if (n && gen_chance(g, 60))
        gen_emit(g, "%s", g->locals[found[gen_below(g, (unsigned)n)]].name);
    else
        gen_emit(g, "time_cap");
}

void gen_timeout(gen_t *g)
{
    unsigned r = gen_below(g, 20);
    if (r < 14)
        gen_emit(g, "%s", PICK(g, durations));
    else if (r < 17)
        gen_emit(g, "time_cap / %s", PICK(g, factors));
    else if (r < 19)
        gen_emit(g, "%s * %s", PICK(g, durations), PICK(g, factors));
    else
        dur_name(g);
}

/* A list of zero to four items; at the depth limit, plain values only. */
static void list_literal(gen_t *g, int depth)
{
    unsigned n = gen_below(g, 5);
    gen_emit(g, "[");
    for (unsigned i = 0; i < n; i++) {
        if (i)
            gen_emit(g, ", ");
        if (depth >= GEN_EXPR_DEPTH || gen_chance(g, 50))
            gen_emit(g, "\"%s\"", PICK(g, words));
        else
            gen_value(g, GT_ANY, depth + 1, GP_ANY);
    }
    gen_emit(g, "]");
}

/* A map of one to four entries, each key once (a key given twice is an
 * error); some keys are strings because they are no names. */
static void map_literal(gen_t *g, int depth)
{
    unsigned n = 1 + gen_below(g, 4);
    unsigned first = gen_below(g, COUNT(fields));
    gen_emit(g, "{ ");
    for (unsigned i = 0; i < n; i++) {
        const char *key = fields[(first + i * 5) % COUNT(fields)];
        if (i)
            gen_emit(g, ", ");
        if (gen_chance(g, 20))
            gen_emit(g, "\"x-%s\": ", key);
        else
            gen_emit(g, "%s: ", key);
        if (depth >= GEN_EXPR_DEPTH)
            gen_emit(g, "%s", gen_chance(g, 50) ? PICK(g, numbers) : "\"pending\"");
        else
            gen_value(g, GT_ANY, depth + 1, GP_ANY);
    }
    gen_emit(g, gen_chance(g, 20) ? ", }" : " }");
}

static void literal(gen_t *g, gen_type_t t, int depth)
{
    switch (t) {
    case GT_NUM: gen_emit(g, "%s", PICK(g, numbers)); break;
    case GT_STR:
        if (depth < 2 && gen_chance(g, 50))
            gen_string(g, depth);
        else
            plain_string(g);
        break;
    case GT_BOOL: gen_emit(g, "%s", gen_chance(g, 50) ? "true" : "false"); break;
    case GT_LIST: list_literal(g, depth); break;
    case GT_MAP: map_literal(g, depth); break;
    case GT_DUR: gen_emit(g, "%s", PICK(g, durations)); break;
    default: gen_emit(g, "null"); break;
    }
}

/* ---- calls -------------------------------------------------------------- */

void gen_lua_args(gen_t *g, int depth, unsigned n)
{
    unsigned positional = gen_chance(g, 25) ? 1 : 0;
    unsigned first = gen_below(g, COUNT(arg_names));
    for (unsigned i = 0; i < n; i++) {
        unsigned a = (first + i * 7) % COUNT(arg_names);
        if (i)
            gen_emit(g, ", ");
        if (i >= positional)
            gen_emit(g, "%s: ", arg_names[a].name);
        gen_value(g, arg_names[a].type, depth + 1, GP_ANY);
    }
}

/* A Lua function called in an expression: of unknown type. */
static void lua_call(gen_t *g, int depth)
{
    gen_emit(g, "%s(", WORD(g, lua_exprs));
    gen_lua_args(g, depth, gen_below(g, 3));
    gen_emit(g, ")");
}

/* ---- operators ---------------------------------------------------------- */

/* Opens a parenthesis when an expression of precedence FORM stands where
 * PREC is the lowest accepted; returns whether it did. */
static bool open_p(gen_t *g, int form, int prec)
{
    if (form >= prec)
        return false;
    gen_emit(g, "(");
    return true;
}

static void close_p(gen_t *g, bool p)
{
    if (p)
        gen_emit(g, ")");
}

/* LEFT OP RIGHT of types TL and TR, at precedence FORM (left associative:
 * the right side binds tighter). */
static void binary(gen_t *g, gen_type_t tl, const char *op, gen_type_t tr,
                   int depth, int form, int prec)
{
    bool p = open_p(g, form, prec);
    /* Comparisons do not chain: a < b < c is an error. */
    gen_value(g, tl, depth + 1, form == GP_CMP ? GP_ADD : form);
    gen_emit(g, " %s ", op);
    gen_value(g, tr, depth + 1, form + 1);
    close_p(g, p);
}

/* A number that is not 0: a literal, or a name (never folded). */
static void nonzero(gen_t *g)
{
    if (gen_chance(g, 70))
        gen_emit(g, "%s", PICK(g, factors));
    else
        gen_ref(g, GT_NUM);
}

static void number(gen_t *g, int depth, int prec)
{
    static const gen_type_t sized[] = { GT_LIST, GT_MAP, GT_STR };
    bool p;
    switch (gen_below(g, 9)) {
    case 0: case 1:
        binary(g, GT_NUM, gen_chance(g, 60) ? "+" : "-", GT_NUM, depth, GP_ADD, prec);
        break;
    case 2:
        binary(g, GT_NUM, "*", GT_NUM, depth, GP_MUL, prec);
        break;
    case 3:
        p = open_p(g, GP_MUL, prec);
        gen_value(g, GT_NUM, depth + 1, GP_MUL);
        gen_emit(g, " %s ", gen_chance(g, 60) ? "/" : "%");
        nonzero(g);
        close_p(g, p);
        break;
    case 4:
        p = open_p(g, GP_NEG, prec);
        gen_emit(g, "-");
        gen_value(g, GT_NUM, depth + 1, GP_POST);
        close_p(g, p);
        break;
    case 5: case 6:
        gen_emit(g, "len(");
        gen_value(g, PICK(g, sized), depth + 1, GP_ANY);
        gen_emit(g, ")");
        break;
    case 7:
        gen_emit(g, "semver(");
        if (gen_chance(g, 50))
            gen_ref(g, GT_STR);
        else
            gen_emit(g, "\"%s\"", PICK(g, versions));
        gen_emit(g, ", \"%s\")", PICK(g, versions));
        break;
    default:
        lua_call(g, depth);
        break;
    }
}

static void string(gen_t *g, int depth, int prec)
{
    static const char *const formats[] = {
        "{} of {}", "{}: {}", "{}/{}.json", "moved {} to {}",
    };
    static const char *const convert[] = { "str", "json", "type", "yaml" };
    switch (gen_below(g, 12)) {
    case 0: case 1: case 2:
        gen_string(g, depth);
        break;
    case 3:
        binary(g, GT_STR, "+", GT_STR, depth, GP_ADD, prec);
        break;
    case 4:
        gen_emit(g, "%s(", gen_chance(g, 50) ? "lower" : "upper");
        gen_value(g, GT_STR, depth + 1, GP_ANY);
        gen_emit(g, ")");
        break;
    case 5:
        gen_emit(g, "replace(");
        gen_value(g, GT_STR, depth + 1, GP_ANY);
        gen_emit(g, ", \"%s\", \"%s\")", PICK(g, words), PICK(g, words));
        break;
    case 6:
        gen_emit(g, "join(");
        gen_value(g, GT_LIST, depth + 1, GP_ANY);
        gen_emit(g, ", \"%s\")", gen_chance(g, 50) ? ", " : "/");
        break;
    case 7:
        gen_emit(g, "format(\"%s\", ", PICK(g, formats));
        gen_value(g, GT_ANY, depth + 1, GP_ANY);
        gen_emit(g, ", ");
        gen_value(g, GT_ANY, depth + 1, GP_ANY);
        gen_emit(g, ")");
        break;
    case 8:
        gen_emit(g, "%s(", PICK(g, convert));
        gen_value(g, GT_ANY, depth + 1, GP_ANY);
        gen_emit(g, ")");
        break;
    case 9:
        gen_emit(g, "default(");
        gen_ref(g, GT_STR);
        gen_emit(g, ", ");
        plain_string(g);
        gen_emit(g, ")");
        break;
    case 10:
        gen_emit(g, "file.read(path: ");
        gen_path(g);
        gen_emit(g, ")");
        break;
    default:
        lua_call(g, depth);
        break;
    }
}

static void boolean(gen_t *g, int depth, int prec)
{
    static const char *const cmp[] = { "<", "<=", ">", ">=" };
    static const gen_type_t ordered[] = { GT_NUM, GT_NUM, GT_DUR, GT_STR };
    gen_type_t t;
    switch (gen_below(g, 10)) {
    case 0: case 1:
        t = PICK(g, ordered);
        binary(g, t, PICK(g, cmp), t, depth, GP_CMP, prec);
        break;
    case 2: case 3:
        t = random_type(g);
        binary(g, t, gen_chance(g, 50) ? "==" : "!=", t, depth, GP_CMP, prec);
        break;
    case 4: {
        bool p = open_p(g, GP_NOT, prec);
        gen_emit(g, "not ");
        gen_value(g, GT_BOOL, depth + 1, GP_NOT);
        close_p(g, p);
        break;
    }
    case 5:
        binary(g, GT_BOOL, "and", GT_BOOL, depth, GP_AND, prec);
        break;
    case 6:
        binary(g, GT_BOOL, "or", GT_BOOL, depth, GP_OR, prec);
        break;
    case 7:
        gen_emit(g, "contains(");
        switch (gen_below(g, 3)) {
        case 0:
            gen_value(g, GT_LIST, depth + 1, GP_ANY);
            gen_emit(g, ", ");
            gen_value(g, GT_ANY, depth + 1, GP_ANY);
            break;
        case 1:
            gen_value(g, GT_MAP, depth + 1, GP_ANY);
            gen_emit(g, ", \"%s\"", PICK(g, fields));
            break;
        default:
            gen_value(g, GT_STR, depth + 1, GP_ANY);
            gen_emit(g, ", \"%s\"", PICK(g, words));
            break;
        }
        gen_emit(g, ")");
        break;
    case 8:
        gen_emit(g, "file.exists(path: ");
        gen_path(g);
        gen_emit(g, ")");
        break;
    default:
        lua_call(g, depth);
        break;
    }
}

static void list(gen_t *g, int depth, int prec)
{
    switch (gen_below(g, 7)) {
    case 0: case 1:
        list_literal(g, depth);
        break;
    case 2:
        binary(g, GT_LIST, "+", GT_LIST, depth, GP_ADD, prec);
        break;
    case 3:
        gen_emit(g, "%s(", gen_chance(g, 50) ? "keys" : "values");
        gen_value(g, GT_MAP, depth + 1, GP_ANY);
        gen_emit(g, ")");
        break;
    case 4:
        gen_emit(g, "split(");
        gen_value(g, GT_STR, depth + 1, GP_ANY);
        gen_emit(g, ", \"%s\")", gen_chance(g, 50) ? "," : "/");
        break;
    case 5:
        gen_emit(g, "file.list(dir: ");
        gen_path(g);
        if (gen_chance(g, 50))
            gen_emit(g, ", glob: \"*%s\"", PICK(g, extensions));
        gen_emit(g, ")");
        break;
    default:
        lua_call(g, depth);
        break;
    }
}

static void map(gen_t *g, int depth, int prec)
{
    (void)prec;
    switch (gen_below(g, 6)) {
    case 0: case 1: case 2:
        map_literal(g, depth);
        break;
    case 3:
        gen_emit(g, "default(");
        gen_ref(g, GT_MAP);
        gen_emit(g, ", { status: \"unknown\" })");
        break;
    case 4:
        gen_emit(g, "file.read_%s(path: ", gen_chance(g, 50) ? "json" : "yaml");
        gen_path(g);
        gen_emit(g, ")");
        break;
    default:
        lua_call(g, depth);
        break;
    }
}

/* A number a duration is scaled by: small, so the product stays in range. */
static void factor(gen_t *g)
{
    if (gen_chance(g, 75))
        gen_emit(g, "%s", PICK(g, factors));
    else
        gen_ref(g, GT_NUM);
}

static void duration(gen_t *g, int depth, int prec)
{
    bool p;
    switch (gen_below(g, 7)) {
    case 0:
        binary(g, GT_DUR, gen_chance(g, 70) ? "+" : "-", GT_DUR, depth, GP_ADD, prec);
        break;
    case 1: case 2:
        p = open_p(g, GP_MUL, prec);
        if (gen_chance(g, 70)) {
            gen_value(g, GT_DUR, depth + 1, GP_MUL);
            gen_emit(g, " * ");
            factor(g);
        } else {
            factor(g);
            gen_emit(g, " * ");
            gen_value(g, GT_DUR, depth + 1, GP_NEG);
        }
        close_p(g, p);
        break;
    case 3:
        p = open_p(g, GP_MUL, prec);
        gen_value(g, GT_DUR, depth + 1, GP_MUL);
        gen_emit(g, " / ");
        factor(g);
        close_p(g, p);
        break;
    case 4:
        p = open_p(g, GP_NEG, prec);
        gen_emit(g, "-");
        gen_value(g, GT_DUR, depth + 1, GP_POST);
        close_p(g, p);
        break;
    case 5:
        gen_emit(g, "default(");
        gen_ref(g, GT_DUR);
        gen_emit(g, ", %s)", PICK(g, durations));
        break;
    default:
        lua_call(g, depth);
        break;
    }
}

void gen_value(gen_t *g, gen_type_t t, int depth, int prec)
{
    if (t == GT_ANY)
        t = random_type(g);
    if (depth >= GEN_EXPR_DEPTH || gen_chance(g, 45)) {
        if (gen_chance(g, 45))
            gen_ref(g, t);
        else
            literal(g, t, depth);
        return;
    }
    switch (t) {
    case GT_NUM: number(g, depth, prec); break;
    case GT_STR: string(g, depth, prec); break;
    case GT_BOOL: boolean(g, depth, prec); break;
    case GT_LIST: list(g, depth, prec); break;
    case GT_MAP: map(g, depth, prec); break;
    case GT_DUR: duration(g, depth, prec); break;
    default:
        if (gen_chance(g, 50))
            gen_emit(g, "null");
        else
            lua_call(g, depth);
        break;
    }
}

/* ---- conditions --------------------------------------------------------- */

void gen_cond(gen_t *g)
{
    static const char *const cmp[] = { "==", "!=", "<", "<=", ">", ">=" };
    static const char *const order[] = { "<", "<=", ">", ">=" };
    static const char *const classes[] = {
        "Conflict", "Timeout", "Unavailable", "RateLimited", "SchemaDrift",
    };
    switch (gen_below(g, 9)) {
    case 0:
        gen_emit(g, "len(");
        gen_ref(g, GT_LIST);
        gen_emit(g, ") %s %s", PICK(g, cmp), PICK(g, numbers));
        break;
    case 1:
        gen_emit(g, "not dry_run and ");
        gen_ref(g, GT_MAP);
        gen_emit(g, ".%s != null", PICK(g, fields));
        break;
    case 2:
        if (g->loop_var) {
            gen_emit(g, "%s.%s == \"%s\"", g->loop_var, PICK(g, fields), PICK(g, words));
            break;
        }
        /* fall through */
    case 3:
        gen_ref(g, GT_NUM);
        gen_emit(g, " %s ", PICK(g, cmp));
        gen_value(g, GT_NUM, 2, GP_ADD);
        if (gen_chance(g, 40))
            gen_emit(g, " or batch %% 2 == 0");
        break;
    case 4:
        gen_ref(g, GT_STR);
        gen_emit(g, " %s ", gen_chance(g, 70) ? "!=" : "==");
        gen_value(g, GT_STR, 2, GP_ADD);
        break;
    case 5:
        gen_emit(g, "contains(");
        if (gen_chance(g, 50)) {
            gen_ref(g, GT_LIST);
            gen_emit(g, ", \"%s\")", PICK(g, words));
        } else {
            gen_ref(g, GT_STR);
            gen_emit(g, ", \"%s\")", PICK(g, words));
        }
        break;
    case 6:
        if (g->in_recover) {
            if (gen_chance(g, 50))
                gen_emit(g, "err.class == \"%s\"", PICK(g, classes));
            else
                gen_emit(g, "contains(err.message, \"%s\")", PICK(g, words));
            break;
        }
        gen_ref(g, GT_DUR);
        gen_emit(g, " %s ", PICK(g, order));
        gen_value(g, GT_DUR, 2, GP_ADD);
        break;
    case 7:
        gen_emit(g, "file.exists(path: ");
        gen_path(g);
        gen_emit(g, ")");
        break;
    default:
        gen_ref(g, GT_MAP);
        gen_emit(g, ".%s %s ", PICK(g, fields), PICK(g, cmp));
        gen_ref(g, GT_MAP);
        gen_emit(g, ".%s", PICK(g, fields));
        break;
    }
    /* Then, now and then, more of it: what follows may be constant. */
    if (gen_chance(g, 20)) {
        bool and = gen_chance(g, 60);
        gen_emit(g, " %s ", and ? "and" : "or");
        gen_value(g, GT_BOOL, 2, and ? GP_NOT : GP_AND);
    }
}
