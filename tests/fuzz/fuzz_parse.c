/* fuzz_parse.c: the parser's fuzz harness. Built with MIG_FUZZ=ON (clang,
 * libFuzzer) it fuzzes grammar_parse and ast_dump; built normally, with
 * driver.c, it is a regression test over a corpus. */
#include <stdlib.h>

#include "grammar.h"

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
