/* gen_expr.c: the words a generated plan is made of, and the writers of its
 * expressions (names, strings with ${...}, calls, lists, maps, operators)
 * for bench_parse_gen; the statements that hold them are written in gen.c. */
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
static const char *const actions[] = {
    "db.copy", "db.migrate", "db.count", "file.move", "file.write",
    "http.post", "http.get", "registry.put", "s3.sync", "queue.drain",
    "schema.apply", "index.rebuild", "shell.run", "legacy.scan",
    "transform.convert", "cache.flush", "kv.set", "notify.send",
};
/* Argument names; keywords ("to", "in", "version") are allowed here. */
static const char *const arg_names[] = {
    "dir", "db", "table", "path", "to", "from", "in", "version", "limit",
    "batch", "kind", "url", "body", "key", "value", "mode", "dry_run", "tool",
};
static const char *const fields[] = {
    "name", "id", "size", "kind", "path", "version", "count", "status",
    "owner", "region", "created_at", "description",
};
static const char *const params[] = {
    "source", "registry", "concurrency", "batch", "dry_run", "regions",
    "limits", "base_url", "deadline",
};
static const char *const durations[] = {
    "200ms", "500ms", "250ms", "1s", "1.5s", "10s", "30s", "2m", "5m",
    "1m30s", "1h", "90s",
};
static const char *const numbers[] = {
    "0", "1", "2", "3", "4", "8", "16", "100", "1000", "0.5", "0.25",
    "2.5", "1e6", "65536",
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

/* The lists the statements in gen.c draw from too. */
const gen_words_t gen_nouns = { nouns, COUNT(nouns) };
const gen_words_t gen_verbs = { verbs, COUNT(verbs) };
const gen_words_t gen_actions = { actions, COUNT(actions) };
const gen_words_t gen_fields = { fields, COUNT(fields) };
const gen_words_t gen_durations = { durations, COUNT(durations) };
const gen_words_t gen_words = { words, COUNT(words) };
const gen_words_t gen_texts = { texts, COUNT(texts) };

/* ---- expressions --------------------------------------------------------- */

/* A name that means something here: a local of the stage, a step of one
 * of the last eight stages, or a parameter. */
void gen_ref(gen_t *g)
{
    unsigned r = gen_below(g, 10);
    if (r < 3 && g->n_locals) {
        gen_emit(g, "%s", g->locals[gen_below(g, (unsigned)g->n_locals)]);
    } else if (r < 6 && g->n_stages) {
        size_t k = g->n_stages - 1 - gen_below(g, g->n_stages < 8 ? (unsigned)g->n_stages : 8);
        gen_emit(g, "%s.%s", g->stages[k], g->stage_steps[k]);
    } else {
        gen_emit(g, "%s", PICK(g, params));
    }
}

/* A string literal, often with ${...} inside. */
void gen_string(gen_t *g, int depth)
{
    gen_emit(g, "\"");
    unsigned parts = 1 + gen_below(g, 3);
    for (unsigned i = 0; i < parts; i++) {
        if (i && depth < 2 && gen_chance(g, 55)) {
            gen_emit(g, "${");
            if (gen_chance(g, 70))
                gen_ref(g);
            else
                gen_expr(g, depth + 1);
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

/* A call's arguments: positional ones first, then named (each name once).
 * Values are mostly plain, as in real plans. */
void gen_args(gen_t *g, int depth, unsigned n)
{
    unsigned positional = gen_chance(g, 25) ? 1 : 0;
    unsigned first = gen_below(g, COUNT(arg_names));
    for (unsigned i = 0; i < n; i++) {
        if (i)
            gen_emit(g, ", ");
        if (i >= positional)
            gen_emit(g, "%s: ", arg_names[(first + i * 5) % COUNT(arg_names)]);
        if (gen_chance(g, 80))
            gen_primary(g, depth + 1);
        else
            gen_expr(g, depth + 1);
    }
}

void gen_list(gen_t *g, int depth)
{
    unsigned n = gen_below(g, 5);
    gen_emit(g, "[");
    for (unsigned i = 0; i < n; i++) {
        if (i)
            gen_emit(g, ", ");
        if (gen_chance(g, 50))
            gen_emit(g, "\"%s\"", PICK(g, words));
        else
            gen_expr(g, depth + 1);
    }
    gen_emit(g, "]");
}

/* A map of one to four entries, each key once (a key given twice is an
 * error); some keys are strings because they are no names. */
void gen_map(gen_t *g, int depth)
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
        gen_expr(g, depth + 1);
    }
    gen_emit(g, gen_chance(g, 20) ? ", }" : " }");
}

/* A value with no operator at its top. */
void gen_primary(gen_t *g, int depth)
{
    unsigned r = gen_below(g, depth >= 3 ? 10 : 16);
    switch (r) {
    case 0: case 1: case 2:
        gen_ref(g);
        break;
    case 3:
        if (g->loop_var) {
            gen_emit(g, "%s.%s", g->loop_var, PICK(g, fields));
            break;
        }
        /* fall through */
    case 4:
        gen_emit(g, "%s", PICK(g, numbers));
        break;
    case 5:
        gen_emit(g, "%s", PICK(g, durations));
        break;
    case 6: case 7:
        gen_string(g, depth);
        break;
    case 8:
        gen_emit(g, "%s", gen_chance(g, 50) ? "true" : gen_chance(g, 50) ? "false" : "null");
        break;
    case 9:
        gen_emit(g, "len(");
        gen_ref(g);
        gen_emit(g, ")");
        break;
    case 10:
        gen_ref(g);
        gen_emit(g, "[%u]", gen_below(g, 4));
        break;
    case 11:
        gen_ref(g);
        gen_emit(g, "[\"%s\"].%s", PICK(g, fields), PICK(g, fields));
        break;
    case 12:
        gen_list(g, depth);
        break;
    case 13:
        gen_map(g, depth);
        break;
    case 14:
        gen_emit(g, "%s(", PICK(g, actions));
        gen_args(g, depth, gen_below(g, 3));
        gen_emit(g, ")");
        break;
    default:
        gen_emit(g, "(");
        gen_expr(g, depth + 1);
        gen_emit(g, ")");
        break;
    }
}

/* Comparisons do not chain (a < b < c is an error), so the right side of
 * one is arithmetic only; the generated text has at most one per chain. */
static const struct { const char *op; bool compares; } binary_ops[] = {
    { "+", false }, { "-", false }, { "*", false }, { "/", false },
    { "%", false }, { "and", false }, { "or", false },
    { "==", true }, { "!=", true }, { "<", true }, { "<=", true },
    { ">", true }, { ">=", true },
};

static void gen_arith(gen_t *g, int depth)
{
    static const char *const ops[] = { "+", "-", "*", "/", "%" };
    gen_primary(g, depth);
    if (gen_chance(g, 40)) {
        gen_emit(g, " %s ", PICK(g, ops));
        gen_primary(g, depth);
    }
}

void gen_expr(gen_t *g, int depth)
{
    unsigned r = gen_below(g, 10);
    if (depth < 3 && r < 3) {
        size_t k = gen_below(g, COUNT(binary_ops));
        gen_primary(g, depth + 1);
        gen_emit(g, " %s ", binary_ops[k].op);
        if (binary_ops[k].compares)
            gen_arith(g, depth + 1);
        else
            gen_expr(g, depth + 1);
    } else if (depth < 3 && r == 3) {
        gen_emit(g, "-");
        gen_primary(g, depth + 1);
    } else {
        gen_primary(g, depth);
    }
}

/* A condition: what `when`, `if` and `verify` take. */
void gen_cond(gen_t *g)
{
    static const char *const cmp[] = { "==", "!=", "<", "<=", ">", ">=" };
    switch (gen_below(g, 5)) {
    case 0:
        gen_emit(g, "len(");
        gen_ref(g);
        gen_emit(g, ") %s %s", PICK(g, cmp), PICK(g, numbers));
        break;
    case 1:
        gen_emit(g, "not dry_run and ");
        gen_ref(g);
        gen_emit(g, ".%s != null", PICK(g, fields));
        break;
    case 2:
        if (g->loop_var) {
            gen_emit(g, "%s.%s == \"%s\"", g->loop_var, PICK(g, fields), PICK(g, words));
            break;
        }
        /* fall through */
    case 3:
        gen_ref(g);
        gen_emit(g, " %s ", PICK(g, cmp));
        gen_primary(g, 2);
        gen_emit(g, " or batch %% 2 == 0");
        break;
    default:
        gen_ref(g);
        gen_emit(g, ".%s %s ", PICK(g, fields), PICK(g, cmp));
        gen_ref(g);
        gen_emit(g, ".%s", PICK(g, fields));
        break;
    }
}
