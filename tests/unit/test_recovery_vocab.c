/* test_recovery_vocab.c: the recovery benchmark generator's vocabulary
 * (bench/recovery/vocab.h) is kept apart from the strategies' synonym
 * table (stdlib/adapt_words.c, adapt_synonym): no old name or value of
 * the generator is linked to its V2 name by a row of the table, as a
 * whole or word by word, so that the generated set never grades the
 * table against itself (issue 19). And each row is of the kind it says
 * (a case row differs only in case and separators, a longer row holds
 * the other name; a merged tool's row shows its kind in its names), so
 * that the per-kind figures mean what they say. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "adapt_int.h"
#include "../../bench/recovery/vocab.h"

#define WORD_MAX 64
#define WORDS_MAX 8

/* NAME lower-cased without '_', '-', '.' and spaces, into OUT. */
static void normal(const char *name, char *out)
{
    size_t n = 0;
    for (; *name && n + 1 < WORD_MAX; name++)
        if (!strchr("_-. ", *name))
            out[n++] = (char)tolower((unsigned char)*name);
    out[n] = '\0';
}

/* NAME's words (split at separators and lower-to-upper case changes),
 * lower-cased, into W; their count. */
static size_t words(const char *name, char w[WORDS_MAX][WORD_MAX])
{
    size_t n = 0, len = 0;
    for (const char *c = name;; c++) {
        bool sep = !*c || strchr("_-. ", *c)
                   || (c > name && isupper((unsigned char)*c)
                       && islower((unsigned char)c[-1]));
        if (sep && len) {
            w[n][len] = '\0';
            n++;
            len = 0;
        }
        if (!*c || n == WORDS_MAX)
            return n;
        if (!strchr("_-. ", *c) && len + 1 < WORD_MAX)
            w[n][len++] = (char)tolower((unsigned char)*c);
    }
}

/* Why the synonym table links OLD and NEW, or NULL when it does not:
 * the whole names are one by the table but differ once normalised, or a
 * word of one and a different word of the other are one by the table. */
static const char *table_link(const char *old, const char *new)
{
    static char why[256];
    char a[WORD_MAX], b[WORD_MAX];
    normal(old, a);
    normal(new, b);
    if (strcmp(a, b) != 0
        && adapt_synonym(old, strlen(old), new, strlen(new)) == 1)
        return "the whole names";
    char wo[WORDS_MAX][WORD_MAX], wn[WORDS_MAX][WORD_MAX];
    size_t no = words(old, wo), nn = words(new, wn);
    for (size_t i = 0; i < no; i++)
        for (size_t j = 0; j < nn; j++)
            if (strcmp(wo[i], wn[j]) != 0
                && adapt_synonym(wo[i], strlen(wo[i]), wn[j],
                                 strlen(wn[j])) == 1) {
                snprintf(why, sizeof why, "the words '%s' and '%s'", wo[i],
                         wn[j]);
                return why;
            }
    return NULL;
}

/* No row of the generator's vocabulary is a row of the table. */
static void apart_from_the_synonym_table(void **state)
{
    (void)state;
    size_t linked = 0;
    for (size_t r = 0; r < N_VOCAB_PARAMS; r++) {
        const char *why = table_link(vocab_params[r].old, vocab_params[r].new);
        if (why)
            print_error("parameter '%s' -> '%s' is linked by the synonym "
                        "table (%s)\n", vocab_params[r].old,
                        vocab_params[r].new, why);
        linked += why != NULL;
    }
    for (size_t r = 0; r < N_VOCAB_VALUES; r++) {
        if (vocab_values[r].kind == VK_DROPPED)
            continue;
        const char *why = table_link(vocab_values[r].old, vocab_values[r].new);
        if (why)
            print_error("value '%s' -> '%s' is linked by the synonym table "
                        "(%s)\n", vocab_values[r].old, vocab_values[r].new,
                        why);
        linked += why != NULL;
    }
    assert_int_equal(linked, 0);
}

/* The check itself finds a pair the table does link, whole or by a word
 * (so that a passing run above means something). */
static void a_table_row_is_found(void **state)
{
    (void)state;
    assert_string_equal(table_link("q", "query"), "the whole names");
    assert_string_equal(table_link("max_temp", "maximum_temperature"),
                        "the whole names");
    assert_string_equal(table_link("repo_name", "repositoryTitle"),
                        "the words 'repo' and 'repository'");
    assert_null(table_link("cityName", "city_name"));
    assert_null(table_link("term", "query"));
}

/* Whether HAY holds NEEDLE, both normalised. */
static bool holds(const char *hay, const char *needle)
{
    char a[WORD_MAX], b[WORD_MAX];
    normal(hay, a);
    normal(needle, b);
    return strstr(a, b) != NULL;
}

/* Each row is of its kind: a case row is the same name normalised, a
 * longer row holds the other name (or is held), a row of another kind
 * differs once normalised; a dropped value stands for no V2 value. */
static void rows_are_of_their_kind(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_VOCAB_PARAMS + N_VOCAB_VALUES; r++) {
        bool param = r < N_VOCAB_PARAMS;
        size_t v = r - N_VOCAB_PARAMS;
        const char *old = param ? vocab_params[r].old : vocab_values[v].old;
        const char *new = param ? vocab_params[r].new : vocab_values[v].new;
        vocab_kind_t kind = param ? vocab_params[r].kind : vocab_values[v].kind;
        if (kind == VK_DROPPED) {
            assert_null(new);
            continue;
        }
        char a[WORD_MAX], b[WORD_MAX];
        normal(old, a);
        normal(new, b);
        bool same = strcmp(a, b) == 0;
        bool longer = !same && (holds(old, new) || holds(new, old));
        if ((kind == VK_CASE) != same
            || (kind == VK_LONGER && !longer))
            print_error("'%s' -> '%s' is not of the kind '%s'\n", old, new,
                        vocab_kind_names[kind]);
        assert_true((kind == VK_CASE) == same);
        assert_true(kind != VK_LONGER || longer);
    }
}

/* Whether NAME has the word W (words as words() splits them). */
static bool has_word(const char *name, const char *w)
{
    char ws[WORDS_MAX][WORD_MAX];
    size_t n = words(name, ws);
    for (size_t i = 0; i < n; i++)
        if (strcmp(ws[i], w) == 0)
            return true;
    return false;
}

/* Each row of the merged tools is of its kind: no value only for the
 * kind that says so; the value's words in the old name for the kinds
 * that show it there (its noun a plural, camelCase, several words), and
 * its verb not there for the kinds of another verb; parameters renamed
 * only by case, in the camelCase rows. And no two old tools stand for
 * one value of a V2 tool: the set's old interface holds every row, and
 * no real one has two tools for one operation. */
static void merge_rows_are_of_their_kind(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_VOCAB_MERGES; r++) {
        const struct vocab_merge *row = &vocab_merges[r];
        merge_kind_t k = row->kind;
        print_message("%s -> %s %s\n", row->old, row->tool,
                      row->value ? row->value : "(none)");
        assert_true((k == MK_GONE) == !row->value);
        if (!row->value)
            continue;
        char wv[WORDS_MAX][WORD_MAX];
        size_t nv = words(row->value, wv);
        bool in_old = true;
        for (size_t i = 0; i < nv; i++)
            in_old = in_old && has_word(row->old, wv[i]);
        assert_true(in_old == (k != MK_VERB_KIND && k != MK_OTHER_VERB));
        assert_true((nv > 1) == (k == MK_WORDS));
        char plural[WORD_MAX];
        snprintf(plural, sizeof plural, "%ss", row->tool);
        assert_true(has_word(row->old, plural) == (k == MK_PLURAL));
        bool upper = false;
        for (const char *c = row->old; *c; c++)
            upper = upper || isupper((unsigned char)*c);
        assert_true(upper == (k == MK_CASE));
        for (size_t p = 0; p < MERGE_MAX_PARAMS && row->params[p].old; p++) {
            char a[WORD_MAX], b[WORD_MAX];
            if (!row->params[p].new)
                continue;
            normal(row->params[p].old, a);
            normal(row->params[p].new, b);
            assert_string_equal(a, b);
            assert_true(strcmp(row->params[p].old, row->params[p].new) == 0
                        || k == MK_CASE);
        }
        for (size_t q = 0; q < r; q++)
            assert_false(vocab_merges[q].value
                         && strcmp(vocab_merges[q].tool, row->tool) == 0
                         && strcmp(vocab_merges[q].value, row->value) == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(apart_from_the_synonym_table),
        cmocka_unit_test(a_table_row_is_found),
        cmocka_unit_test(rows_are_of_their_kind),
        cmocka_unit_test(merge_rows_are_of_their_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
