/* cmd_fmt.c: `mig fmt [FILE...] [--check] [--diff]`, which lays plans out
 * in the one canonical style (interpreter.h fmt_plan, docs/fmt.md): in
 * place, to standard output for "-", or, with --check and --diff, only
 * saying which files would change and how. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define DIFF_CONTEXT 3          /* unchanged lines around each hunk */
/* Longest common subsequence tables above this many cells are not built:
 * the diff then replaces the whole file in one hunk. */
#define DIFF_MAX_CELLS (16u * 1024 * 1024)

typedef struct lines {
    const char **at;
    size_t *len;
    size_t n;
} lines_t;

/* Splits TEXT (LEN bytes) into lines, their newlines excluded. */
static bool split(const char *text, size_t len, lines_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    n += len && text[len - 1] != '\n';
    out->at = malloc((n + 1) * sizeof(*out->at));
    out->len = malloc((n + 1) * sizeof(*out->len));
    out->n = 0;
    if (!out->at || !out->len)
        return false;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t l = nl ? (size_t)(nl - (text + i)) : len - i;
        out->at[out->n] = text + i;
        out->len[out->n++] = l;
        i += l + 1;
    }
    return true;
}

static bool same_line(const lines_t *a, size_t i, const lines_t *b, size_t k)
{
    return a->len[i] == b->len[k] && memcmp(a->at[i], b->at[k], a->len[i]) == 0;
}

/* Edit script: for each step ' ' (both), '-' (A only) or '+' (B only). */
static char *edit_script(const lines_t *a, const lines_t *b, size_t *n_ops)
{
    size_t w = b->n + 1;
    char *ops = malloc(a->n + b->n + 1);
    if (!ops)
        return NULL;
    *n_ops = 0;
    if ((a->n + 1) * w > DIFF_MAX_CELLS) {
        for (size_t i = 0; i < a->n; i++)
            ops[(*n_ops)++] = '-';
        for (size_t k = 0; k < b->n; k++)
            ops[(*n_ops)++] = '+';
        return ops;
    }
    uint32_t *t = calloc((a->n + 1) * w, sizeof(*t));
    if (!t) {
        free(ops);
        return NULL;
    }
    for (size_t i = a->n; i-- > 0;)
        for (size_t k = b->n; k-- > 0;)
            t[i * w + k] = same_line(a, i, b, k)
                ? t[(i + 1) * w + k + 1] + 1
                : t[(i + 1) * w + k] > t[i * w + k + 1]
                ? t[(i + 1) * w + k] : t[i * w + k + 1];
    size_t i = 0, k = 0;
    while (i < a->n || k < b->n) {
        if (i < a->n && k < b->n && same_line(a, i, b, k)) {
            ops[(*n_ops)++] = ' ';
            i++, k++;
        } else if (i < a->n && (k == b->n ||
                                t[(i + 1) * w + k] >= t[i * w + k + 1])) {
            ops[(*n_ops)++] = '-';
            i++;
        } else {
            ops[(*n_ops)++] = '+';
            k++;
        }
    }
    free(t);
    return ops;
}

/* Appends the unified diff of A (the file) to B (formatted) to OUT. */
static bool put_diff(const char *path, const lines_t *a, const lines_t *b,
                     strbuf_t *out)
{
    size_t n;
    char *ops = edit_script(a, b, &n);
    if (!ops)
        return false;
    strbuf_printf(out, "--- %s\n+++ %s (formatted)\n", path, path);
    size_t s = 0, ai = 0, bi = 0;   /* op index and the lines before it */
    while (s < n) {
        if (ops[s] == ' ') {
            s++, ai++, bi++;
            continue;
        }
        /* a hunk: from DIFF_CONTEXT lines before this change to
         * DIFF_CONTEXT after the last change closer than twice that */
        size_t back = 0;
        while (back < DIFF_CONTEXT && back < s && ops[s - back - 1] == ' ')
            back++;
        size_t start = s - back, end = s, run = 0;
        for (size_t j = s; j < n; j++) {
            if (ops[j] != ' ') {
                end = j + 1;
                run = 0;
            } else if (++run > 2 * DIFF_CONTEXT) {
                break;
            }
        }
        size_t stop = end;
        while (stop < n && stop < end + DIFF_CONTEXT && ops[stop] == ' ')
            stop++;
        size_t a0 = ai - back, b0 = bi - back, na = 0, nb = 0;
        for (size_t j = start; j < stop; j++) {
            na += ops[j] != '+';
            nb += ops[j] != '-';
        }
        strbuf_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", na ? a0 + 1 : a0, na,
                      nb ? b0 + 1 : b0, nb);
        size_t x = a0, y = b0;
        for (size_t j = start; j < stop; j++) {
            strbuf_putc(out, ops[j]);
            if (ops[j] == '+') {
                strbuf_put(out, b->at[y], b->len[y]);
                y++;
            } else {
                strbuf_put(out, a->at[x], a->len[x]);
                x++;
                y += ops[j] == ' ';
            }
            strbuf_putc(out, '\n');
        }
        ai = x;
        bi = y;
        s = stop;
    }
    free(ops);
    return !out->oom;
}

/* Formats PATH; returns the exit code for this file alone. */
static int fmt_one(const char *path, bool check, bool diff)
{
    diag_list_t diags;
    diag_list_init(&diags);
    src_t *src = NULL;
    strbuf_t out, d;
    strbuf_init(&out);
    strbuf_init(&d);
    bool std = strcmp(path, "-") == 0;
    mig_status_t st = src_load(path, &diags, &src);
    int rc = st == MIG_OK ? EXIT_CLEAN : EXIT_USAGE;
    if (st == MIG_OK) {
        st = fmt_plan(src, &diags, &out);
        rc = st == MIG_OK ? EXIT_CLEAN
           : st == MIG_EINVALID ? EXIT_INVALID : EXIT_USAGE;
    }
    cli_render_diags(&diags);
    if (st == MIG_ENOMEM)
        fprintf(stderr, "mig: error: out of memory formatting '%s'\n", path);
    bool changed = st == MIG_OK &&
        (out.len != src->len || memcmp(out.data, src->text, out.len) != 0);
    if (rc == EXIT_CLEAN && diff && changed) {
        lines_t a = { 0 }, b = { 0 };
        if (split(src->text, src->len, &a) &&
            split(out.data, out.len, &b) && put_diff(path, &a, &b, &d)) {
            fwrite(d.data, 1, d.len, stdout);
        } else {
            fprintf(stderr, "mig: error: out of memory comparing '%s'\n", path);
            rc = EXIT_USAGE;
        }
        free(a.at), free(a.len), free(b.at), free(b.len);
    }
    if (rc == EXIT_CLEAN && check && changed) {
        if (!diff)
            printf("%s\n", path);
        rc = EXIT_ATTENTION;
    } else if (rc == EXIT_CLEAN && std && !diff) {
        fwrite(out.data, 1, out.len, stdout);
    } else if (rc == EXIT_CLEAN && !diff && changed) {
        struct stat sb;
        bool had = stat(path, &sb) == 0;
        rc = cli_write_out(path, &out);
        if (rc == EXIT_CLEAN && had)
            chmod(path, sb.st_mode & 07777);
    }
    strbuf_free(&d);
    strbuf_free(&out);
    src_free(src);
    diag_list_free(&diags);
    return rc;
}

/* The exit code of several files: the gravest. */
static int graver(int a, int b)
{
    static const int order[] = { EXIT_CLEAN, EXIT_ATTENTION, EXIT_INVALID,
                                 EXIT_USAGE };
    int ra = 0, rb = 0;
    for (int i = 0; i < 4; i++) {
        ra = order[i] == a ? i : ra;
        rb = order[i] == b ? i : rb;
    }
    return ra >= rb ? a : b;
}

int cmd_fmt(const cli_cmd_t *cmd, const cli_args_t *args)
{
    bool check = cli_value(cmd, args, "check") != NULL;
    bool diff = cli_value(cmd, args, "diff") != NULL;
    int rc = EXIT_CLEAN;
    if (args->n_operands == 0)
        rc = fmt_one("-", check, diff);
    for (int i = 0; i < args->n_operands; i++)
        rc = graver(rc, fmt_one(args->operands[i], check, diff));
    fflush(stdout);
    return rc;
}
