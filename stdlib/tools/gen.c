/* gen.c: synthetic legacy inventories (docs/gen.md), what `mig gen tools`
 * and bench/migrate write. This file draws the inventory: the family and
 * size of each file, the mismatch it carries, the names and words in it,
 * all from one seeded stream, and lists what it wrote in .gen.tsv; the
 * families' writers (gen_FAMILY.c) give the files their real shapes. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_int.h"

/* The families, in the order of gen_kinds() (and of a summary's by_kind);
 * "mixed" draws one of them for each file. */
static const gen_family_t *const families[] = {
    &gen_family_openai, &gen_family_mcp, &gen_family_plugin,
    &gen_family_synapse, &gen_family_rag, &gen_family_sk,
};
#define N_FAMILIES (sizeof families / sizeof *families)

static const char *const kinds[] = {
    "openai", "mcp", "plugin", "synapse", "rag", "sk", "mixed", NULL,
};

/* Files per folder: a generation of 100,000 tools stays listable. */
#define GEN_FILES_PER_DIR 500

const char *const *gen_kinds(void)
{
    return kinds;
}

static const char *const mismatch_names[] = {
#define GEN_MIS_NAME(id, name) name,
    GEN_MISMATCHES(GEN_MIS_NAME)
#undef GEN_MIS_NAME
};

const char *gen_mismatch_name(gen_mismatch_t m)
{
    return m == GEN_MIS_NONE ? "-" : mismatch_names[m];
}

/* ---- drawing ------------------------------------------------------------- */

/* splitmix64: a counter stepped by an odd constant, then mixed; every seed
 * (0 too) gives a full-period stream. */
uint64_t gen_next(gen_t *g)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

size_t gen_below(gen_t *g, size_t n)
{
    assert(n > 0);
    return (size_t)(gen_next(g) % n);
}

/* A number in [0, 1). */
static double gen_unit(gen_t *g)
{
    return (double)(gen_next(g) >> 11) / (double)(1ull << 53);
}

const char *gen_pick(gen_t *g, const char *const *list, size_t n)
{
    return list[gen_below(g, n)];
}

static const char *const verbs[] = {
    "get", "list", "create", "update", "delete", "search", "send", "fetch",
    "sync", "export", "import", "archive", "approve", "cancel", "schedule",
    "summarize", "translate", "validate", "lookup", "refund",
};
static const char *const nouns[] = {
    "invoice", "customer", "order", "ticket", "repo", "issue", "message",
    "document", "weather", "calendar_event", "contact", "payment", "report",
    "user", "project", "build", "deployment", "alert", "file", "note",
    "shipment", "product", "subscription", "meeting", "task", "comment",
};
static const char *const verbs_3rd[] = {
    "Gets", "Lists", "Creates", "Updates", "Deletes", "Searches", "Sends",
    "Fetches", "Syncs", "Exports", "Imports", "Archives", "Approves",
    "Cancels", "Schedules", "Summarizes", "Translates", "Validates",
    "Looks up", "Refunds",
};
static const char *const tails[] = {
    "by its id", "that match a filter", "for the current user",
    "in the given workspace", "from the upstream service",
    "created since a date", "with their latest status",
    "and returns the result as JSON", "on behalf of the caller",
    "using the team's default settings",
};

const char *gen_tool_name(gen_t *g, gen_mismatch_t mis, bool first)
{
    strbuf_t *b = &g->name;
    b->len = 0;
    if (mis == GEN_MIS_CONFLICT && first && g->prior[0]) {
        strbuf_puts(b, g->prior);
        return b->data ? b->data : "";
    }
    size_t v = gen_below(g, sizeof verbs / sizeof *verbs);
    const char *noun = GEN_PICK(g, nouns);
    unsigned long long id = (unsigned long long)++g->next_id;
    if (mis != GEN_MIS_NAMES) {
        strbuf_printf(b, "%s_%s_%llu", verbs[v], noun, id);
    } else {
        switch (gen_below(g, 3)) {
        case 0:     /* words, as a person would title it */
            strbuf_printf(b, "%c%s %s %llu", verbs[v][0] - 32, verbs[v] + 1,
                          noun, id);
            break;
        case 1:     /* a dotted service path */
            strbuf_printf(b, "svc.%s.%s.%llu", noun, verbs[v], id);
            break;
        default:    /* past the 64 characters of a V2 name */
            strbuf_printf(b, "%s_%s_with_all_of_its_related_records_and_"
                          "their_history_%llu", verbs[v], noun, id);
        }
    }
    if (first && b->len < sizeof g->prior && !b->oom)
        memcpy(g->prior, b->data, b->len + 1);
    return b->data && !b->oom ? b->data : "";
}

void gen_sentence(gen_t *g, strbuf_t *b)
{
    size_t v = gen_below(g, sizeof verbs_3rd / sizeof *verbs_3rd);
    const char *noun = GEN_PICK(g, nouns);
    strbuf_printf(b, "%s the %s records %s.", verbs_3rd[v], noun,
                  GEN_PICK(g, tails));
}

static const char *const param_names[GEN_PARAM_NAMES] = {
    "query", "id", "limit", "page", "customer_id", "status", "since",
    "until", "currency", "amount", "email", "region", "tags",
    "include_archived", "sort", "format",
};

const char *gen_param_name(size_t start, size_t i)
{
    return param_names[(start + i) % GEN_PARAM_NAMES];
}

const char *gen_param_type(gen_t *g)
{
    static const char *const types[] = {
        "string", "string", "string", "string", "string", "integer",
        "integer", "boolean", "number", "array",
    };
    return GEN_PICK(g, types);
}

const char *gen_quirk_type(gen_t *g, gen_mismatch_t mis, const char *type)
{
    /* Each row: a JSON Schema type, then spellings of other languages
     * that the normaliser reads as it (docs/registry.md). */
    static const char *const spellings[][4] = {
        { "string", "str", "String", "text" },
        { "integer", "int", "Integer", "long" },
        { "number", "float", "double", "decimal" },
        { "boolean", "bool", "Boolean", "bool" },
        { "array", "list", "List", "tuple" },
    };
    if (mis != GEN_MIS_QUIRKS)
        return type;
    for (size_t i = 0; i < sizeof spellings / sizeof *spellings; i++)
        if (strcmp(spellings[i][0], type) == 0)
            return spellings[i][1 + gen_below(g, 3)];
    return type;
}

static const char *const param_docs[] = {
    "What to look for.", "The record's id.", "How many to give at most.",
    "The page to give, from 1.", "Whose records.", "Only those in this state.",
    "From this date (ISO 8601).", "Up to this date (ISO 8601).",
    "An ISO 4217 currency code.", "The amount, in the currency's units.",
    "Where to send it.", "The region, such as eu-west-1.",
    "Labels to match.", "Whether archived records count too.",
    "The field to sort by.", "json or csv.",
};

void gen_schema(gen_t *g, gen_mismatch_t mis, size_t n, const char *ind,
                strbuf_t *b)
{
    size_t start = gen_below(g, GEN_PARAM_NAMES);
    size_t required = n ? 1 + gen_below(g, n) : 0;
    if (n > GEN_PARAM_NAMES)
        n = GEN_PARAM_NAMES;
    strbuf_printf(b, "{\n%s  \"type\": \"object\",\n%s  \"properties\": {",
                  ind, ind);
    for (size_t i = 0; i < n; i++) {
        const char *type = gen_param_type(g);
        size_t doc = (start + i) % GEN_PARAM_NAMES;
        strbuf_printf(b, "%s\n%s    \"%s\": {\"type\": \"%s\", "
                      "\"description\": \"%s\"", i ? "," : "", ind,
                      gen_param_name(start, i), gen_quirk_type(g, mis, type),
                      param_docs[doc]);
        if (strcmp(type, "array") == 0)
            strbuf_printf(b, ", \"items\": {\"type\": \"%s\"}",
                          gen_quirk_type(g, mis, "string"));
        /* The quirks of older dialects: required inside the property,
         * OpenAPI 3.0's nullable. */
        if (mis == GEN_MIS_QUIRKS && i == 0)
            strbuf_puts(b, ", \"required\": true");
        if (mis == GEN_MIS_QUIRKS && i == 1)
            strbuf_puts(b, ", \"nullable\": true");
        strbuf_putc(b, '}');
    }
    strbuf_printf(b, "%s%s  }", n ? "\n" : "", n ? ind : "");
    if (required && mis != GEN_MIS_QUIRKS) {
        strbuf_printf(b, ",\n%s  \"required\": [", ind);
        for (size_t i = 0; i < required; i++)
            strbuf_printf(b, "%s\"%s\"", i ? ", " : "",
                          gen_param_name(start, i));
        strbuf_putc(b, ']');
    }
    strbuf_printf(b, "\n%s}", ind);
}

/* ---- writing ------------------------------------------------------------- */

void gen_emit(gen_t *g, const char *path, const strbuf_t *b,
              const char *format, size_t records, gen_mismatch_t mis)
{
    if (g->st != MIG_OK)
        return;
    if (!path || b->oom || g->list.oom || g->name.oom) {
        g->st = MIG_ENOMEM;
        return;
    }
    g->st = g->emit(g->data, path, b->data ? b->data : "", b->len);
    bool spoilt = mis == GEN_MIS_MALFORMED;
    strbuf_printf(&g->list, "%s\t%s\t%zu\t%s\n", path,
                  spoilt ? "none" : format, spoilt ? 0 : records,
                  gen_mismatch_name(mis));
    g->sum->files++;
    if (mis != GEN_MIS_NONE)
        g->sum->mismatched[mis]++;
}

void gen_spoil(gen_t *g, strbuf_t *b, bool json)
{
    if (json) {
        /* A download cut short: no JSON, and no YAML either. */
        b->len = b->len * 3 / 5;
        if (b->data)
            b->data[b->len] = '\0';
        return;
    }
    /* A merge committed with its conflict unresolved. */
    strbuf_printf(b, "<<<<<<< HEAD\n# kept from main\n=======\n"
                  "# from branch %llu\n>>>>>>> feature/%llu\n",
                  (unsigned long long)gen_below(g, 1000),
                  (unsigned long long)g->file_no);
}

/* ---- the generation ------------------------------------------------------ */

static mig_status_t bad(diag_list_t *diags, const char *fmt, const char *what,
                        const char *hint)
{
    diag_t *d = diag_add(diags, DIAG_ERROR, NULL, NULL, fmt, what);
    if (hint)
        diag_hint(diags, d, "%s", hint);
    return MIG_EINVALID;
}

mig_status_t gen_parse_mismatches(const char *spec, gen_opts_t *o,
                                  diag_list_t *diags)
{
    const char *p = spec;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *colon = memchr(p, ':', len);
        size_t nlen = colon ? (size_t)(colon - p) : len;
        int m = -1;
        for (int i = 0; i < GEN_MIS_COUNT; i++)
            if (strlen(mismatch_names[i]) == nlen &&
                strncmp(mismatch_names[i], p, nlen) == 0)
                m = i;
        char item[64];
        snprintf(item, sizeof item, "%.*s", (int)(len < 60 ? len : 60), p);
        if (m < 0)
            return bad(diags, "--mismatches: unknown kind of mismatch in "
                       "'%s'", item, "the kinds are malformed, conflict, "
                       "names and quirks, each with a share: names:0.1");
        double share = 0.1;
        if (colon) {
            char *end;
            share = strtod(colon + 1, &end);
            if (end == colon + 1 || end != p + len || !(share >= 0) ||
                share > 1)
                return bad(diags, "--mismatches: '%s' has no share from 0 "
                           "to 1", item, "write KIND:SHARE, such as "
                           "names:0.05 (5% of the files)");
        }
        o->share[m] = share;
        p += len;
        if (*p == ',')
            p++;
    }
    return MIG_OK;     /* their sum is gen_tools's to check */
}

/* The family of KIND, or NULL ("mixed" and unknown kinds). */
static const gen_family_t *family_of(const char *kind, size_t *index)
{
    for (size_t i = 0; i < N_FAMILIES; i++)
        if (strcmp(families[i]->kind, kind) == 0) {
            *index = i;
            return families[i];
        }
    return NULL;
}

static mig_status_t check_opts(const gen_opts_t *o, diag_list_t *diags)
{
    size_t i;
    if (!o->kind || (!family_of(o->kind, &i) && strcmp(o->kind, "mixed")))
        return bad(diags, "unknown kind '%s'", o->kind ? o->kind : "",
                   "the kinds are openai, mcp, plugin, synapse, rag, sk "
                   "and mixed");
    char n[32];
    snprintf(n, sizeof n, "%llu", (unsigned long long)o->count);
    if (o->count < 1 || o->count > GEN_MAX_COUNT)
        return bad(diags, "a count of %s is out of bounds", n,
                   "--count is from 1 to 1000000");
    snprintf(n, sizeof n, "%zu", o->per_file);
    if (o->per_file > GEN_MAX_PER_FILE)
        return bad(diags, "%s records per file is out of bounds", n,
                   "--files-per is from 1 to 1000 (0: each format's own)");
    double sum = 0;
    for (int m = 0; m < GEN_MIS_COUNT; m++) {
        if (!(o->share[m] >= 0 && o->share[m] <= 1))
            return bad(diags, "the share of %s is not from 0 to 1",
                       mismatch_names[m], NULL);
        sum += o->share[m];
    }
    if (sum > 1 + 1e-9)
        return bad(diags, "the shares of mismatches add up to more than 1%s",
                   "", "each file carries one mismatch at most");
    return MIG_OK;
}

/* The mismatch the next file of FAM carries, drawn by the shares. */
static gen_mismatch_t draw_mismatch(gen_t *g, const gen_family_t *fam)
{
    double u = gen_unit(g), acc = 0;
    for (int m = 0; m < GEN_MIS_COUNT; m++) {
        acc += g->o->share[m];
        if (u < acc && m == GEN_MIS_CONFLICT && !g->prior[0])
            return GEN_MIS_NONE;    /* nothing written yet to repeat */
        if (u < acc)
            return fam->mismatches & (1u << m) ? (gen_mismatch_t)m
                                               : GEN_MIS_NONE;
    }
    return GEN_MIS_NONE;
}

mig_status_t gen_tools(const gen_opts_t *o, gen_emit_fn emit, void *data,
                       gen_summary_t *sum, diag_list_t *diags)
{
    memset(sum, 0, sizeof *sum);
    mig_status_t st = check_opts(o, diags);
    if (st != MIG_OK)
        return st;
    gen_t g = { .o = o, .emit = emit, .data = data, .rng = o->seed,
                .sum = sum, .st = MIG_OK };
    strbuf_init(&g.list);
    strbuf_init(&g.path);
    strbuf_init(&g.body);
    strbuf_init(&g.name);
    strbuf_puts(&g.list, "# path\tformat\trecords\tmismatch\n");
    size_t fixed = 0;
    const gen_family_t *one = family_of(o->kind, &fixed);
    uint64_t left = o->count;
    char dir[48];
    while (left > 0 && g.st == MIG_OK) {
        size_t fi = one ? fixed : gen_below(&g, N_FAMILIES);
        const gen_family_t *fam = families[fi];
        size_t most = o->per_file ? o->per_file : fam->max_per_file;
        gen_file_t f = {
            .n = o->per_file ? most : 1 + gen_below(&g, most),
            .mis = draw_mismatch(&g, fam),
            .dir = dir,
        };
        if (f.n > left)
            f.n = (size_t)left;
        snprintf(dir, sizeof dir, "%s/%03llu", fam->kind,
                 (unsigned long long)(g.file_no / GEN_FILES_PER_DIR));
        size_t wrote = fam->write(&g, &f);
        if (g.st != MIG_OK)
            break;
        assert(wrote >= 1 && wrote <= f.n);
        sum->by_kind[fi] += wrote;
        sum->records += wrote;
        left -= wrote;
        g.file_no++;
    }
    if (g.st == MIG_OK)
        g.st = g.list.oom ? MIG_ENOMEM
             : emit(data, ".gen.tsv", g.list.data, g.list.len);
    strbuf_free(&g.list);
    strbuf_free(&g.path);
    strbuf_free(&g.body);
    strbuf_free(&g.name);
    return g.st;
}
