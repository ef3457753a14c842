/* fuzz_parse.c: the front end's fuzz harness. Built with MIG_FUZZ=ON
 * (clang, libFuzzer) it fuzzes grammar_parse and ast_dump, then, on a clean
 * parse, the static checks, the graph compiler and the dry run (whose
 * reads all miss: its base directory does not exist); built normally,
 * with driver.c, it is a regression test over a corpus. */
#include <stdlib.h>

#include "mig_stdlib.h"

/* Every status agrees with the errors reported since ERRORS_BEFORE. */
static void agree(mig_status_t st, const diag_list_t *d, size_t before)
{
    if (st == MIG_OK && d->errors != before)
        abort();
    if (st == MIG_EINVALID && d->errors == before)
        abort();
}

/* The checks, the graph and the dry run of a plan that parsed. */
static void after_parse(const ast_plan_t *plan, src_t *src,
                        diag_list_t *diags)
{
    static action_registry_t *reg;
    if (!reg) {
        reg = action_registry_new();
        if (!reg || stdlib_register(reg) != MIG_OK)
            abort();
    }
    size_t before = diags->errors;
    mig_status_t st = check_plan(plan, src, reg, 0, diags);
    agree(st, diags, before);
    before = diags->errors;
    graph_t *g = NULL;
    mig_status_t gst = graph_compile(plan, src, diags, &g);
    agree(gst, diags, before);
    if (st == MIG_OK && gst == MIG_OK) {
        params_t *p = NULL;
        if (params_resolve(plan, src, NULL, NULL, 0, diags, &p) == MIG_OK) {
            val_t *out = NULL;
            dryrun_plan(g, p, reg, "/nonexistent-mig-fuzz/", diags, &out);
            val_unref(out);
        }
        params_free(p);
    }
    graph_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    src_t *src = src_from_memory("fuzz.mig", (const char *)data, size);
    arena_t *arena = arena_new();
    if (!src || !arena) {
        src_free(src);
        arena_free(arena);
        return 0;
    }
    diag_list_t diags;
    diag_list_init(&diags);
    ast_plan_t *plan = NULL;
    mig_status_t st = grammar_parse(src, arena, &diags, &plan);
    /* A clean parse has no errors; a failed one says why. */
    if (st == MIG_OK && diags.errors != 0)
        abort();
    if (st == MIG_EINVALID && diags.errors == 0)
        abort();
    if (st == MIG_OK) {
        char *out;
        size_t len;
        if (ast_dump(plan, &out, &len) == MIG_OK)
            free(out);
        after_parse(plan, src, &diags);
    }
    for (size_t i = 0; i < diags.len; i++)
        if (diags.items[i].has_span &&
            diags.items[i].span.end > src->len)
            abort();   /* every span stays inside the file */
    diag_list_free(&diags);
    arena_free(arena);
    src_free(src);
    return 0;
}
