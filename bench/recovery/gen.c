/* gen.c: writes the recovery benchmark's workspace (bench/recovery/run.sh):
 * N legacy tool definitions that a V2 endpoint does not take as they are,
 * the endpoint, the configuration schema, the legacy method table, the
 * plan that migrates them, and what each item must end as.
 *
 * The faults are real mismatches, not injected errors: a tool calls a
 * method by its legacy name, passes its parameters by position, under old
 * names (the generator's own vocabulary, vocab.h, kept apart from the
 * strategies' tables: each rename counted by its kind) or as text, gives
 * an enum value under an old name, a single value as a list of one or a
 * list's one item alone, a parameter V2 nests at the top or one V2 takes
 * at the top inside a container, a parameter V2 removed that carried no
 * meaning, calls an old tool V2 merged into one tool behind a
 * discriminator (gen_merge.c: the plan translates those calls up front
 * with adapt.translate from the old and the new interface), leaves out
 * parameters that have defaults, carries a
 * configuration with missing keys, wrong types and keys the schema does
 * not know, or needs a tool that comes later in the list. Some cannot be
 * repaired (a method no table maps, a value that is no number, a removed
 * parameter that carries meaning, an enum value V2 dropped, two values
 * for one, a configuration without its endpoint, a tool nobody migrates,
 * an old tool the merged one has no value for, a merged tool's parameter
 * that carries meaning and has no place, or a dependency on such a
 * tool): mig must refuse those, with the right
 * class. What each tool must end as is computed here from what was
 * drawn, never by running the strategies. Transient failures and timeouts are injected by the runner
 * (--inject-rate), and retried.
 *
 * usage: bench_recovery_gen DIR [-n N] [-s SEED]
 *   writes DIR/plan.mig, DIR/tools.json, DIR/api.json, DIR/legacy.json,
 *   DIR/config.schema.json, DIR/old.json and DIR/new.json (the old and the
 *   V2 interface as tool lists), DIR/retired.json (the old tools V2 has
 *   not, whose calls the plan translates) and DIR/expected.json, and
 *   DIR/tools.clean.json:
 *   the same tools written as V2 wants them, for the floor (the same plan
 *   with nothing to repair). N defaults to 1000. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "vocab.h"

/* ---- the V2 endpoint ---------------------------------------------------- */

static const char *const type_names[] = { "string", "integer", "boolean",
                                          "array", "object" };

/* The methods' own names; the old names legacy tools give their
 * parameters and values are the generator's vocabulary (vocab.h). The
 * method's legacy name is another case or word order, its typo one
 * letter off. */
static const method_t methods[] = {
    { "weather.get", "getWeather", "getWether", {
        { "location", T_STRING, NULL, NULL, NULL },
        { "unit", T_STRING, "\"metric\"",
          (const char *const[]){ "metric", "imperial", "standard", NULL },
          NULL },
        { "days", T_INTEGER, "1", NULL, NULL } } },
    { "geo.lookup", "geo_lookup", "geoLookUp", {
        { "query", T_STRING, NULL, NULL, NULL },
        { "limit", T_INTEGER, "5", NULL, NULL } } },
    { "mail.send", "sendMail", "sendMial", {
        { "recipient", T_STRING, NULL, NULL, NULL },
        { "subject", T_STRING, NULL, NULL, NULL },
        { "body", T_STRING, "\"\"", NULL, NULL } } },
    { "calendar.create", "createEvent", "createEvnt", {
        { "title", T_STRING, NULL, NULL, NULL },
        { "start", T_STRING, NULL, NULL, NULL },
        { "duration_minutes", T_INTEGER, "30", NULL, NULL },
        { "private", T_BOOLEAN, "false", NULL, NULL } } },
    { "search.web", "webSearch", "webSaerch", {
        { "query", T_STRING, NULL, NULL, NULL },
        { "max_results", T_INTEGER, "10", NULL, NULL },
        { "safe", T_BOOLEAN, "true", NULL, NULL } } },
    { "files.read", "readFile", "readFiel", {
        { "path", T_STRING, NULL, NULL, NULL },
        { "encoding", T_STRING, "\"utf-8\"", NULL, NULL } } },
    { "tasks.list", "listTasks", "listTaks", {
        { "query", T_STRING, NULL, NULL, NULL },
        { "status", T_STRING, "\"open\"",
          (const char *const[]){ "open", "in_progress", "done", "cancelled",
                                 NULL }, NULL },
        { "tags", T_ARRAY, "[]", NULL, NULL },
        { "color", T_STRING, "\"grey\"", NULL, NULL },
        { "options", T_OBJECT, NULL, NULL, "include_archived" } } },
};
#define N_METHODS (sizeof methods / sizeof *methods)

size_t n_params(const method_t *m)
{
    size_t n = 0;
    while (n < MAX_PARAMS && m->params[n].name)
        n++;
    return n;
}

size_t n_enums(const param_t *pa)
{
    size_t n = 0;
    while (pa->enums && pa->enums[n])
        n++;
    return n;
}

/* ---- output ------------------------------------------------------------------ */

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench_recovery_gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write '%s': %s", path, strerror(errno));
    return f;
}

static void close_out(FILE *f)
{
    if (ferror(f) || fclose(f) != 0)
        die("writing failed: %s", strerror(errno));
}

/* ---- the PRNG (splitmix64) -------------------------------------------------- */

static uint64_t rng_state;

static uint64_t next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

unsigned below(unsigned n) { return (unsigned)(next() % n); }
static int chance(unsigned percent) { return below(100) < percent; }

/* ---- one tool --------------------------------------------------------------- */

static const char *const bad_class[] = {
    [BAD_METHOD] = "MethodNotFound", [BAD_VALUE] = "ParamMismatch",
    [BAD_REMOVED] = "ParamMismatch", [BAD_ENUM] = "ParamMismatch",
    [BAD_LIST] = "ParamMismatch", [BAD_ENDPOINT] = "InvalidConfig",
    [BAD_GHOST] = "MissingDependency",
    [BAD_MERGE_GONE] = "MethodNotFound", [BAD_MERGE_MEANING] = "ParamMismatch",
};

/* The kind each is reported under (expected.json's "bad"). */
static const char *const bad_names[] = {
    [BAD_METHOD] = "a misspelt method name",
    [BAD_VALUE] = "a value that is no number",
    [BAD_REMOVED] = "a removed parameter that carries meaning",
    [BAD_ENUM] = "an enum value dropped",
    [BAD_LIST] = "two values for a single one",
    [BAD_ENDPOINT] = "a configuration without its endpoint",
    [BAD_GHOST] = "needs a tool nobody migrates",
    [BAD_MERGE_GONE] = "merged: no value for the old tool",
    [BAD_MERGE_MEANING] = "merged: a parameter that carries meaning "
                          "has no place",
};

/* The JSON of parameter P of tool T (number I), as the endpoint wants it. */
static void canonical_value(FILE *f, const tool_t *t, size_t i, size_t p)
{
    const param_t *pa = &t->m->params[p];
    if (t->omit[p]) {
        fputs(pa->def, f);
        return;
    }
    switch (pa->type) {
    case T_STRING:
        if (pa->enums)
            fprintf(f, "\"%s\"", pa->enums[t->values[p]]);
        else
            fprintf(f, "\"%s-%zu\"", pa->name, i);
        break;
    case T_INTEGER:
        fprintf(f, "%d", t->values[p]);
        break;
    case T_BOOLEAN:
        fputs(t->values[p] ? "true" : "false", f);
        break;
    case T_ARRAY:
        fprintf(f, "[\"%s-%zu\"]", pa->name, i);
        break;
    case T_OBJECT:
        fprintf(f, "{\"%s\": %s}", pa->inner, t->values[p] ? "true" : "false");
        break;
    }
}

/* Every parameter of tool T (number I) by its V2 name, as V2 wants it. */
static void write_canonical_params(FILE *f, const tool_t *t, size_t i)
{
    fputc('{', f);
    for (size_t p = 0; p < n_params(t->m); p++) {
        fprintf(f, "%s\"%s\": ", p ? ", " : "", t->m->params[p].name);
        canonical_value(f, t, i, p);
    }
    fputc('}', f);
}

/* The value as the legacy tool writes it: text for numbers and bools
 * when F_TEXT says so (the first such parameter), or a value that is no
 * number (BAD_VALUE); an enum value under its old name (F_ENUM,
 * BAD_ENUM); a list of one or of two for a single value (F_LIST,
 * BAD_LIST); an array's one item alone (F_SCALAR). */
static void legacy_value(FILE *f, const tool_t *t, size_t i, size_t p,
                         size_t textual)
{
    const param_t *pa = &t->m->params[p];
    if (t->bad == BAD_VALUE && p == textual) {
        fputs("\"lots\"", f);
        return;
    }
    if ((t->faults & F_TEXT) && p == textual) {
        if (pa->type == T_INTEGER)
            fprintf(f, "\"%d\"", t->values[p]);
        else
            fprintf(f, "\"%s\"", t->values[p] ? "true" : "false");
        return;
    }
    if (((t->faults & F_ENUM) || t->bad == BAD_ENUM) && p == t->enum_param) {
        fprintf(f, "\"%s\"", vocab_values[t->value_row].old);
        return;
    }
    if (t->bad == BAD_LIST && p == t->listed) {
        fprintf(f, "[\"%s-%zu\", \"%s-%zu\"]", pa->name, i, pa->name, i + 1);
        return;
    }
    if ((t->faults & F_LIST) && p == t->listed) {
        fputc('[', f);
        canonical_value(f, t, i, p);
        fputc(']', f);
        return;
    }
    if ((t->faults & F_SCALAR) && p == t->nested) {
        fprintf(f, "\"%s-%zu\"", pa->name, i);
        return;
    }
    canonical_value(f, t, i, p);
}

/* The first parameter of T that is a number or a bool, or MAX_PARAMS. */
static size_t textual_param(const tool_t *t)
{
    for (size_t p = 0; p < n_params(t->m); p++)
        if ((t->m->params[p].type == T_INTEGER
             || t->m->params[p].type == T_BOOLEAN) && !t->omit[p])
            return p;
    return MAX_PARAMS;
}

/* The key and value of parameter P of T (number I) given by name: under
 * its old name when renamed, inside a container when flattened, its
 * object's one property at the top when nested. */
static void write_named(FILE *f, const tool_t *t, size_t i, size_t p,
                        size_t textual)
{
    const param_t *pa = &t->m->params[p];
    if ((t->faults & F_NESTED) && p == t->nested) {
        fprintf(f, "\"%s\": %s", pa->inner, t->values[p] ? "true" : "false");
        return;
    }
    bool inside = (t->faults & F_FLATTENED) && p == t->flat;
    if (inside)
        fprintf(f, "\"%s\": {", vocab_containers[t->container]);
    fprintf(f, "\"%s\": ", p == t->renamed ? vocab_params[t->rename_row].old
                                           : pa->name);
    legacy_value(f, t, i, p, textual);
    if (inside)
        fputc('}', f);
}

static void write_params(FILE *f, const tool_t *t, size_t i)
{
    size_t n = n_params(t->m), textual = textual_param(t);
    if (t->faults & F_POSITIONAL) {
        /* By position: every value up to the last one given. */
        size_t last = 0;
        for (size_t p = 0; p < n; p++)
            if (!t->omit[p])
                last = p;
        fputc('[', f);
        for (size_t p = 0; p <= last; p++) {
            if (p)
                fputs(", ", f);
            legacy_value(f, t, i, p, textual);
        }
        fputc(']', f);
        return;
    }
    fputc('{', f);
    bool first = true;
    for (size_t p = 0; p < n; p++) {
        if (t->omit[p])
            continue;
        fputs(first ? "" : ", ", f);
        write_named(f, t, i, p, textual);
        first = false;
    }
    if (t->bad == BAD_REMOVED || (t->faults & F_DROPPED))
        fprintf(f, "%s\"%s\": %s", first ? "" : ", ",
                vocab_removed[t->removed].name,
                vocab_removed[t->removed].value);
    fputc('}', f);
}

/* The configuration schema's keys after `endpoint`, with their defaults. */
static const struct {
    const char *name, *type, *def;
} config_keys[] = {
    { "timeout_ms", "integer", "30000" },
    { "retries", "integer", "3" },
    { "enabled", "boolean", "true" },
};
#define N_CONFIG (sizeof config_keys / sizeof *config_keys)

static void config_value(FILE *f, const tool_t *t, size_t k, bool legacy)
{
    bool text = legacy && (t->faults & F_CONFIG_TYPE);
    switch (k) {
    case 0:
        fprintf(f, text ? "\"%d\"" : "%d", t->timeout_ms);
        break;
    case 1:
        fprintf(f, "%d", t->retries);
        break;
    default:
        fprintf(f, text ? "\"%s\"" : "%s", t->enabled ? "true" : "false");
        break;
    }
}

static void write_config(FILE *f, const tool_t *t, size_t i, bool legacy)
{
    fputc('{', f);
    bool first = true;
    if (!(legacy && t->bad == BAD_ENDPOINT)) {
        fprintf(f, "\"endpoint\": \"https://tools.example.com/%zu\"", i);
        first = false;
    }
    for (size_t k = 0; k < N_CONFIG; k++) {
        bool missing = (t->faults & F_CONFIG_MISSING)
                       && t->config_missing == (int)k;
        if (legacy && missing)
            continue;
        fprintf(f, "%s\"%s\": ", first ? "" : ", ", config_keys[k].name);
        first = false;
        if (missing)
            fputs(config_keys[k].def, f);
        else
            config_value(f, t, k, legacy);
    }
    if (legacy && (t->faults & F_CONFIG_UNKNOWN))
        fprintf(f, "%s\"legacy_mode\": true, \"owner\": \"team-%zu\"",
                first ? "" : ", ", i % 7);
    fputc('}', f);
}

/* ---- the plan ------------------------------------------------------------------ */

/* Every tool goes through the endpoint, the configuration check and the
 * registry, and its result is written out; a call to an old tool the V2
 * interface has not (retired.json: the old tools `mig adapt diff
 * old.json new.json` reports merged or removed) is first translated by
 * adapt.translate from the two interfaces; the strategies repair what
 * does not fit, transient failures are retried, and the loop tolerates
 * the tools that cannot be repaired (they are reported). A tool starts
 * once the tools of the list it requires have ended (`after`), so it
 * meets them registered whatever order the items in flight end in; a
 * requirement on a tool nobody migrates, or on one that failed, is still
 * met by test.register's MissingDependency and decided by
 * adapt.resolve_dependency. */
static const char plan_text[] =
    "# Written by bench_recovery_gen: migrates legacy tool definitions to a\n"
    "# V2 endpoint that takes none of them as they are.\n"
    "migration \"bench-recovery\" {\n"
    "  stage load {\n"
    "    retry 5 backoff exponential(base: 1ms, factor: 2, max: 20ms) on Transient {\n"
    "      step tools = file.read_json(path: \"tools.json\")\n"
    "      step api = file.read_json(path: \"api.json\")\n"
    "      step legacy = file.read_json(path: \"legacy.json\")\n"
    "      step schema = file.read_json(path: \"config.schema.json\")\n"
    "      step old = file.read_json(path: \"old.json\")\n"
    "      step new = file.read_json(path: \"new.json\")\n"
    "      step retired = file.read_json(path: \"retired.json\")\n"
    "      step out = file.mkdir(path: \"out\")\n"
    "    }\n"
    "  }\n"
    "  stage migrate after load {\n"
    "    checkpoint start\n"
    "    foreach tool in load.tools parallel 16 after tool.requires tolerate 100% {\n"
    "      retry 5 backoff exponential(base: 1ms, factor: 2, max: 20ms) jitter full on Transient {\n"
    "        if contains(load.retired, tool.method) {\n"
    "          step moved = adapt.translate(from: load.old, to: load.new,\n"
    "                                       call: {name: tool.method, arguments: tool.params})\n"
    "        }\n"
    "        let c = default(moved, {call: {name: tool.method, arguments: tool.params}}).call\n"
    "        step call = test.api(api: load.api, method: c.name, params: c.arguments)\n"
    "        step conf = test.config(schema: load.schema, config: tool.config)\n"
    "        step reg = test.register(name: tool.name, requires: tool.requires)\n"
    "        step put = file.write(path: \"out/${tool.name}.json\",\n"
    "                              content: { name: reg, call: call, config: conf })\n"
    "      }\n"
    "      recover MethodNotFound with adapt.remap_method(map: load.legacy)\n"
    "      recover ParamMismatch with adapt.params\n"
    "      recover InvalidConfig with adapt.repair_config\n"
    "      recover MissingDependency with adapt.resolve_dependency\n"
    "    }\n"
    "  }\n"
    "}\n";

/* ---- the whole set ------------------------------------------------------------ */

static const char *fault_names[] = {
    "positional", "renamed", "text", "omitted", "method",
    "config-missing", "config-type", "config-unknown", "dependency",
    "enum-value", "list-of-one", "single-for-list", "nested", "flattened",
    "dropped", "merged",
};
#define N_FAULTS (sizeof fault_names / sizeof *fault_names)

/* Draws tool I's faults: about a fifth are clean; a tenth cannot be
 * repaired; the rest have one to three mismatches, of the kinds its
 * method allows. */
static void draw(tool_t *t, size_t i, size_t n)
{
    memset(t, 0, sizeof(*t));
    t->m = &methods[below(N_METHODS)];
    size_t np = n_params(t->m);
    for (size_t p = 0; p < np; p++) {
        const param_t *pa = &t->m->params[p];
        t->values[p] = pa->type == T_INTEGER ? 1 + (int)below(90)
                     : pa->enums ? (int)below((unsigned)n_enums(pa))
                                 : (int)below(2);
    }
    t->timeout_ms = 1000 * (1 + (int)below(60));
    t->retries = (int)below(6);
    t->enabled = below(2);
    t->renamed = t->nested = t->flat = t->listed = t->enum_param = MAX_PARAMS;
    t->merge = NO_MERGE;
    unsigned roll = below(100);
    if (roll < 20)
        return;                                 /* clean */
    /* An old tool merged into a V2 one: that is its call's mismatch
     * (gen_merge.c); the other kinds it may have are its configuration's
     * and its dependencies (fault_applies). */
    bool merged = roll >= 90;
    if (merged)
        draw_merge(t);
    else if (roll < 30)
        t->bad = draw_bad(t);
    unsigned allowed[N_FAULTS], n_allowed = 0;
    for (unsigned k = 0; k < N_FAULTS; k++)
        if (fault_applies(t, 1u << k))
            allowed[n_allowed++] = 1u << k;
    unsigned kinds = (merged ? 0 : 1) + (chance(40) ? 1 : 0)
                     + (chance(20) ? 1 : 0);
    for (unsigned k = 0; k < kinds; k++)
        t->faults |= allowed[below(n_allowed)];
    /* A bad value needs its parameter given. */
    if (t->bad == BAD_VALUE)
        t->faults &= ~(unsigned)(F_TEXT | F_OMITTED);
    if (t->faults & F_DEPENDENCY) {
        t->n_deps = i + 1 < n ? 1 + (chance(30) ? 1 : 0) : 0;
        for (size_t d = 0; d < t->n_deps; d++)
            t->deps[d] = i + 1 + below((unsigned)(n - i - 1 < 50 ? n - i - 1
                                                                : 50));
        if (t->n_deps == 2 && t->deps[0] == t->deps[1])
            t->n_deps = 1;
        if (!t->n_deps)
            t->faults &= ~(unsigned)F_DEPENDENCY;
    }
    if (t->faults & F_OMITTED) {
        size_t opt = MAX_PARAMS;
        for (size_t p = 0; p < np; p++)
            if (t->m->params[p].def)
                opt = p;
        if (opt < MAX_PARAMS)
            t->omit[opt] = true;
        else
            t->faults &= ~(unsigned)F_OMITTED;
    }
    if (t->faults & F_TEXT && textual_param(t) == MAX_PARAMS)
        t->faults &= ~(unsigned)F_TEXT;
    draw_places(t);
    t->config_missing = (int)below(N_CONFIG);
}

/* T's mismatches as expected.json lists them: a rename and an enum value
 * with the kind of their vocabulary row ("renamed: synonym"). */
static void write_faults(FILE *f, const tool_t *t)
{
    bool first = true;
    for (size_t k = 0; k < N_FAULTS; k++) {
        if (!(t->faults & (1u << k)))
            continue;
        fprintf(f, "%s\"%s", first ? "" : ", ", fault_names[k]);
        if ((1u << k) == F_RENAMED)
            fprintf(f, ": %s", vocab_kind_names[vocab_params[t->rename_row]
                                                .kind]);
        else if ((1u << k) == F_ENUM)
            fprintf(f, ": %s", vocab_kind_names[vocab_values[t->value_row]
                                                .kind]);
        else if ((1u << k) == F_MERGED)
            fprintf(f, ": %s", merge_kind_names[vocab_merges[t->merge].kind]);
        fputc('"', f);
        first = false;
    }
}

/* The schema keywords of PA beyond its type and default: an enum's
 * values, an array's items, an object's one property. */
static void write_schema_parts(FILE *f, const param_t *pa)
{
    for (size_t k = 0; k < n_enums(pa); k++)
        fprintf(f, "%s\"%s\"", k ? ", " : ", \"enum\": [", pa->enums[k]);
    if (pa->enums)
        fputc(']', f);
    if (pa->type == T_ARRAY)
        fputs(", \"items\": {\"type\": \"string\"}", f);
    if (pa->type == T_OBJECT)
        fprintf(f, ", \"properties\": {\"%s\": {\"type\": \"boolean\", "
                "\"default\": false}}, \"required\": [\"%s\"], "
                "\"additionalProperties\": false", pa->inner, pa->inner);
}

/* The schemas of the V2 methods (not the merged tools): AS_TOOLS as
 * {name, inputSchema} items of a list, else as entries of a map; AFTER:
 * the first one after a comma too (items were written before it). */
static void write_methods(FILE *f, bool as_tools, bool after)
{
    for (size_t k = 0; k < N_METHODS; k++) {
        const method_t *m = &methods[k];
        fprintf(f, (k || after) ? ",\n  " : "\n  ");
        if (as_tools)
            fprintf(f, "{\"name\": \"%s\", \"inputSchema\": ", m->name);
        else
            fprintf(f, "\"%s\": ", m->name);
        fputs("{\"type\": \"object\", \"properties\": {", f);
        for (size_t p = 0; p < n_params(m); p++) {
            const param_t *pa = &m->params[p];
            fprintf(f, "%s\"%s\": {\"type\": \"%s\"", p ? ", " : "", pa->name,
                    type_names[pa->type]);
            write_schema_parts(f, pa);
            if (pa->def)
                fprintf(f, ", \"default\": %s", pa->def);
            fputc('}', f);
        }
        fputs("}, \"required\": [", f);
        for (size_t p = 0; p < n_params(m); p++)
            fprintf(f, "%s\"%s\"", p ? ", " : "", m->params[p].name);
        fputs("], \"additionalProperties\": false}", f);
        if (as_tools)
            fputc('}', f);
    }
}

/* The method and the parameters of T (number I) as V2 wants them. */
static const char *v2_method(const tool_t *t)
{
    return t->merge != NO_MERGE ? merge_method(t, false) : t->m->name;
}

static void write_v2_params(FILE *f, const tool_t *t, size_t i)
{
    if (t->merge != NO_MERGE)
        write_merge_params(f, t, i, false);
    else
        write_canonical_params(f, t, i);
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    size_t n = 1000;
    uint64_t seed = 0x6d6967;                   /* "mig" */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!dir && argv[i][0] != '-')
            dir = argv[i];
        else
            die("usage: bench_recovery_gen DIR [-n N] [-s SEED]");
    }
    if (!dir || n < 1 || n > 1000000)
        die("usage: bench_recovery_gen DIR [-n N] [-s SEED]");
    rng_state = seed;
    tool_t *tools = calloc(n, sizeof(*tools));
    if (!tools)
        die("out of memory");
    for (size_t i = 0; i < n; i++)
        draw(&tools[i], i, n);
    /* Doomed: bad, or needing a doomed tool (dependencies point later,
     * so walking backwards sees them settled). */
    for (size_t i = n; i-- > 0;) {
        tool_t *t = &tools[i];
        t->doomed = t->bad != BAD_NONE;
        for (size_t d = 0; d < t->n_deps; d++)
            t->doomed = t->doomed || tools[t->deps[d]].doomed;
    }

    FILE *f = open_out(dir, "plan.mig");
    fputs(plan_text, f);
    close_out(f);

    f = open_out(dir, "api.json");
    fputs("{\"name\": \"tools-v2\", \"methods\": {", f);
    write_methods(f, false, false);
    write_merged_methods(f, false);
    fputs("\n}}\n", f);
    close_out(f);

    /* The interfaces the plan's adapt.translate diffs for the calls to
     * old tools the V2 one has not (retired.json): the old one (those
     * tools and the methods V2 kept) and the V2 one, as tool lists. */
    f = open_out(dir, "old.json");
    fputs("{\"tools\": [", f);
    write_old_tools(f, false);
    write_methods(f, true, true);
    fputs("\n]}\n", f);
    close_out(f);
    f = open_out(dir, "new.json");
    fputs("{\"tools\": [", f);
    write_methods(f, true, false);
    write_merged_methods(f, true);
    fputs("\n]}\n", f);
    close_out(f);
    f = open_out(dir, "retired.json");
    fputc('[', f);
    write_old_tools(f, true);
    fputs("]\n", f);
    close_out(f);

    f = open_out(dir, "legacy.json");
    fputc('{', f);
    for (size_t k = 0; k < N_METHODS; k++)
        fprintf(f, "%s\"%s\": \"%s\"", k ? ", " : "", methods[k].legacy,
                methods[k].name);
    fputs("}\n", f);
    close_out(f);

    f = open_out(dir, "config.schema.json");
    fputs("{\"type\": \"object\", \"properties\": {\"endpoint\": {\"type\": "
          "\"string\"}", f);
    for (size_t k = 0; k < N_CONFIG; k++)
        fprintf(f, ", \"%s\": {\"type\": \"%s\", \"default\": %s}",
                config_keys[k].name, config_keys[k].type, config_keys[k].def);
    fputs("}, \"required\": [\"endpoint\"", f);
    for (size_t k = 0; k < N_CONFIG; k++)
        fprintf(f, ", \"%s\"", config_keys[k].name);
    fputs("], \"additionalProperties\": false}\n", f);
    close_out(f);

    f = open_out(dir, "tools.json");
    fputs("[\n", f);
    for (size_t i = 0; i < n; i++) {
        const tool_t *t = &tools[i];
        const char *method = t->merge != NO_MERGE ? merge_method(t, true)
            : t->bad == BAD_METHOD ? t->m->typo
            : (t->faults & F_METHOD) ? t->m->legacy : t->m->name;
        fprintf(f, "  {\"name\": \"tool-%zu\", \"method\": \"%s\", "
                "\"params\": ", i, method);
        if (t->merge != NO_MERGE)
            write_merge_params(f, t, i, true);
        else
            write_params(f, t, i);
        fputs(", \"config\": ", f);
        write_config(f, t, i, true);
        fputs(", \"requires\": [", f);
        for (size_t d = 0; d < t->n_deps; d++)
            fprintf(f, "%s\"tool-%zu\"", d ? ", " : "", t->deps[d]);
        if (t->bad == BAD_GHOST)
            fprintf(f, "%s\"retired-%zu\"", t->n_deps ? ", " : "", i);
        fprintf(f, "]}%s\n", i + 1 < n ? "," : "");
    }
    fputs("]\n", f);
    close_out(f);

    /* The floor's tools: the same, with nothing to repair. */
    f = open_out(dir, "tools.clean.json");
    fputs("[\n", f);
    for (size_t i = 0; i < n; i++) {
        tool_t t = tools[i];
        memset(t.omit, 0, sizeof t.omit);
        fprintf(f, "  {\"name\": \"tool-%zu\", \"method\": \"%s\", "
                "\"params\": ", i, v2_method(&t));
        write_v2_params(f, &t, i);
        t.faults = 0;
        t.bad = BAD_NONE;
        fputs(", \"config\": ", f);
        write_config(f, &t, i, true);
        fprintf(f, ", \"requires\": []}%s\n", i + 1 < n ? "," : "");
    }
    fputs("]\n", f);
    close_out(f);

    /* expected.json: per tool, the file it must end as, or the class it
     * must fail with; and its faults, for the report. */
    f = open_out(dir, "expected.json");
    fputs("[\n", f);
    for (size_t i = 0; i < n; i++) {
        const tool_t *t = &tools[i];
        fprintf(f, "  {\"name\": \"tool-%zu\", \"faults\": [", i);
        write_faults(f, t);
        if (t->doomed) {
            const char *cls = t->bad ? bad_class[t->bad] : "MissingDependency";
            fprintf(f, "], \"fails\": \"%s\", \"why\": \"%s\"}", cls,
                    t->bad ? bad_names[t->bad] : "needs a tool that fails");
        } else {
            fprintf(f, "], \"file\": {\"name\": \"tool-%zu\", \"call\": "
                    "{\"method\": \"%s\", \"params\": ", i, v2_method(t));
            write_v2_params(f, t, i);
            fputs("}, \"config\": ", f);
            write_config(f, t, i, false);
            fputs("}}", f);
        }
        fprintf(f, "%s\n", i + 1 < n ? "," : "");
    }
    fputs("]\n", f);
    close_out(f);
    free(tools);
    return 0;
}
