/* fmt.c: `mig fmt`'s formatter. It works on the plan's tokens (comments
 * included, grammar_tokens) rather than on the AST, so that it can only
 * move white space: it keeps every token and comment, and the line breaks
 * the author chose between them, and it sets the rest (docs/fmt.md):
 * indentation by two spaces per open block or bracket, one space between
 * tokens where the style wants one and none where it does not, aligned
 * '=' in runs of params, of lets and of steps, aligned values in runs of
 * version / description / requires, at most one blank line in a row, none just
 * inside a block, and one around every stage. A line wider than FMT_WIDTH
 * has its first call, list or map laid out one item per line (wrap), and
 * the layout is done again until every line fits or has nothing left to
 * break; the line breaks it adds are kept like the author's, so a second
 * pass finds them and changes nothing. Before it hands the text
 * back, fmt_plan parses it again and refuses unless the tokens, the
 * syntax tree and (when the plan compiles) the execution graph are the
 * original's, source positions aside. */
#include <stdlib.h>
#include <string.h>

#include "interpreter.h"

#define FMT_INDENT 2            /* spaces per level */
#define FMT_WIDTH 100           /* columns a line may take before it wraps */

/* One output line: its indentation level, its text in the shared buffer,
 * and where alignment padding goes (when ALIGN is not 0). */
typedef struct fmt_line {
    uint32_t indent;
    size_t start, len;
    bool blank_before;
    int align;                  /* 0 none, 1 param '=', 2 meta value,
                                   3 let '=', 4 step '=' */
    size_t pad_at;              /* offset in the line where padding goes */
    size_t pad;                 /* spaces added there (align) */
    size_t code_len;            /* the text up to its last code token's end */
    size_t first_tok, last_tok; /* its tokens, by index */
    size_t encl;                /* the bracket open where it starts, or SIZE_MAX */
} fmt_line_t;

typedef struct fmt_open {
    size_t tok;                 /* its index */
    uint32_t indent;            /* of the line that opened it */
    bool stage;                 /* the '{' of a stage */
} fmt_open_t;

typedef struct fmt {
    const src_t *src;
    const token_list_t *toks;
    strbuf_t text;              /* every line's text, one after another */
    fmt_line_t *lines;
    size_t n_lines, cap_lines;
    fmt_open_t *open;
    size_t n_open;
    bool *brk;                  /* per token: a line break wrap added before it */
    size_t *match;              /* per opener: its closer's index (lay_out) */
    bool oom;
} fmt_t;

static const char *tok_text(const fmt_t *f, const token_t *t, size_t *len)
{
    *len = t->span.end - t->span.begin;
    return f->src->text + t->span.begin;
}

/* True when T is exactly the text S. */
static bool is(const fmt_t *f, const token_t *t, const char *s)
{
    if (!t)
        return false;
    size_t len;
    const char *p = tok_text(f, t, &len);
    return strlen(s) == len && memcmp(p, s, len) == 0;
}

static bool is_opener(const fmt_t *f, const token_t *t)
{
    return t->cls == TOKEN_PUNCT && (is(f, t, "{") || is(f, t, "(") ||
                                     is(f, t, "["));
}

static bool is_closer(const fmt_t *f, const token_t *t)
{
    return t->cls == TOKEN_PUNCT && (is(f, t, "}") || is(f, t, ")") ||
                                     is(f, t, "]"));
}

/* Tokens after which a line going on is a continuation of an expression. */
static bool continues(const fmt_t *f, const token_t *t)
{
    static const char *const ops[] = { "=", "+", "-", "*", "/", "%", "<",
        ">", "==", "!=", "<=", ">=", ".", "and", "or", "not", ":" };
    if (!t || t->cls == TOKEN_VALUE || t->cls == TOKEN_STRING ||
        t->cls == TOKEN_COMMENT)
        return false;
    for (size_t i = 0; i < sizeof(ops) / sizeof(*ops); i++)
        if (is(f, t, ops[i]))
            return true;
    return false;
}

/* Words that start a clause of the statement above when they start a
 * line: indented one level more than it. */
static bool clause_word(const fmt_t *f, const token_t *t)
{
    static const char *const words[] = { "undo", "timeout", "when", "backoff",
        "jitter", "deadline", "parallel", "after", "tolerate", "and", "or", "+",
        "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "." };
    for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
        if (is(f, t, words[i]))
            return true;
    return false;
}

/* Whether P ends an operand: a value, a string, a closing bracket, or a
 * keyword used as a field name (log.error; PP is the token before P). */
static bool ends_operand(const fmt_t *f, const token_t *pp, const token_t *p)
{
    return p->cls == TOKEN_VALUE || p->cls == TOKEN_STRING ||
           is(f, p, ")") || is(f, p, "]") ||
           (p->cls == TOKEN_KEYWORD && pp && is(f, pp, "."));
}

/* Whether a '-' after PREV (PP the code token before that) negates. */
static bool is_unary(const fmt_t *f, const token_t *pp, const token_t *prev)
{
    if (!prev)
        return true;
    if (prev->cls == TOKEN_KEYWORD)
        return !(pp && is(f, pp, "."));
    if (prev->cls == TOKEN_PUNCT)
        return !is_closer(f, prev);
    return false;
}

/* Whether one space goes between P and C on a line. PP is the code token
 * before P; UNARY says P is a '-' that negates. */
static bool space_between(const fmt_t *f, const token_t *pp,
                          const token_t *p, const token_t *c, bool unary)
{
    if (c->cls == TOKEN_COMMENT || p->cls == TOKEN_COMMENT)
        return true;
    if (is(f, c, ":") && p->cls == TOKEN_VALUE && pp &&
        pp->cls == TOKEN_KEYWORD && is(f, pp, "error"))
        return true;    /* error Retired : Permanent */
    if (is(f, c, ",") || is(f, c, ")") || is(f, c, "]") || is(f, c, ".") ||
        is(f, c, ":"))
        return false;
    if (is(f, p, "(") || is(f, p, "[") || is(f, p, ".") || unary)
        return false;
    if (is(f, c, "(") || is(f, c, "["))
        return !ends_operand(f, pp, p);
    if (is(f, c, "%") && p->cls == TOKEN_VALUE && pp &&
        is(f, pp, "tolerate"))
        return false;   /* tolerate 5% */
    if (is(f, p, "{") && is(f, c, "}"))
        return false;
    return true;
}

static fmt_line_t *new_line(fmt_t *f)
{
    if (f->n_lines == f->cap_lines) {
        size_t cap = f->cap_lines ? f->cap_lines * 2 : 64;
        fmt_line_t *l = realloc(f->lines, cap * sizeof(*l));
        if (!l) {
            f->oom = true;
            return NULL;
        }
        f->lines = l;
        f->cap_lines = cap;
    }
    fmt_line_t *l = &f->lines[f->n_lines++];
    *l = (fmt_line_t){ .start = f->text.len };
    return l;
}

/* The index of the first code token after the run of whole-line comments
 * that starts at I, when the run leads straight into that token's line;
 * else I itself. */
static size_t after_comments(const fmt_t *f, size_t i)
{
    const token_t *t = f->toks->items;
    size_t k = i;
    while (k + 1 < f->toks->len && t[k].cls == TOKEN_COMMENT &&
           t[k + 1].span.line == t[k].span.end_line + 1)
        k++;
    return t[k].cls == TOKEN_COMMENT ? i : k;
}

/* Lays the tokens out into f->lines (anew: what an earlier pass laid
 * out is dropped), with a line break where the source has one and where
 * f->brk asks for one. */
static void lay_out(fmt_t *f)
{
    const token_t *t = f->toks->items;
    size_t n = f->toks->len;
    f->n_lines = 0;
    f->n_open = 0;
    f->text.len = 0;
    fmt_line_t *line = NULL;
    const token_t *first = NULL;    /* the current line's first token */
    size_t on_line = 0;             /* tokens on it so far */
    const token_t *prev = NULL, *code = NULL, *code2 = NULL;
    bool unary = false, stage_closed = false, first_is_comment = false;
    for (size_t i = 0; i < n && !f->oom; i++) {
        const token_t *c = &t[i];
        if (!prev || c->span.line > prev->span.end_line || f->brk[i]) {
            uint32_t indent = 0;
            if (f->n_open)
                indent = f->open[f->n_open - 1].indent +
                         (is_closer(f, c) ? 0 : 1);
            bool listed = code && code->cls == TOKEN_PUNCT &&
                          (is(f, code, ",") || is_opener(f, code));
            if (!is_closer(f, c) && !listed &&
                (clause_word(f, c) || continues(f, code)))
                indent++;
            bool after_open = prev && prev->cls != TOKEN_COMMENT &&
                              is_opener(f, prev);
            bool blank = prev && c->span.line > prev->span.end_line + 1;
            const token_t *lead = &t[after_comments(f, i)];
            bool stage_next = lead->cls == TOKEN_KEYWORD &&
                              is(f, lead, "stage") &&
                              !(first_is_comment &&
                                prev->span.end_line + 1 == c->span.line);
            if (prev && (stage_closed || stage_next))
                blank = true;
            if (after_open || is_closer(f, c))
                blank = false;
            stage_closed = false;
            if (!(line = new_line(f)))
                return;
            line->indent = indent;
            line->blank_before = blank;
            line->first_tok = i;
            line->encl = f->n_open ? f->open[f->n_open - 1].tok : SIZE_MAX;
            first = c;
            on_line = 0;
            first_is_comment = c->cls == TOKEN_COMMENT;
        } else if (space_between(f, code2, prev, c, unary)) {
            strbuf_putc(&f->text, ' ');
        }
        /* alignment points: param, let and step NAME = ..., and
         * version "..." */
        if (on_line == 2 && is(f, c, "=") && first->cls == TOKEN_KEYWORD &&
            (is(f, first, "param") || is(f, first, "let") ||
             is(f, first, "step"))) {
            line->align = is(f, first, "param") ? 1
                        : is(f, first, "let") ? 3 : 4;
            line->pad_at = f->text.len - line->start;
        }
        if (on_line == 1 && c->cls == TOKEN_STRING &&
            first->cls == TOKEN_KEYWORD &&
            (is(f, first, "version") || is(f, first, "description") ||
             is(f, first, "requires"))) {
            line->align = 2;
            line->pad_at = f->text.len - line->start;
        }
        size_t len;
        const char *s = tok_text(f, c, &len);
        strbuf_put(&f->text, s, len);
        line->len = f->text.len - line->start;
        line->last_tok = i;
        on_line++;
        if (c->cls != TOKEN_COMMENT) {
            line->code_len = line->len;
            unary = is(f, c, "-") && is_unary(f, code2, code);
            if (is_opener(f, c)) {
                f->match[i] = i;    /* until its closer comes */
                f->open[f->n_open++] = (fmt_open_t){
                    i, line->indent,
                    s[0] == '{' && first->cls == TOKEN_KEYWORD &&
                    is(f, first, "stage") };
            } else if (is_closer(f, c) && f->n_open) {
                const fmt_open_t *o = &f->open[--f->n_open];
                stage_closed = o->stage;
                f->match[o->tok] = i;
            }
            code2 = code;
            code = c;
        }
        prev = c;
    }
}

/* Sets the padding at the alignment point of each run of lines (same
 * indentation, same kind of point, no blank line between) so that the
 * points line up on the widest. */
static void align(fmt_t *f)
{
    for (size_t i = 0; i < f->n_lines;) {
        size_t k = i + 1, widest = f->lines[i].pad_at;
        f->lines[i].pad = 0;
        if (f->lines[i].align) {
            while (k < f->n_lines && f->lines[k].align == f->lines[i].align &&
                   f->lines[k].indent == f->lines[i].indent &&
                   !f->lines[k].blank_before) {
                if (f->lines[k].pad_at > widest)
                    widest = f->lines[k].pad_at;
                k++;
            }
            for (size_t j = i; j < k; j++)
                f->lines[j].pad = widest - f->lines[j].pad_at;
        }
        i = k;
    }
}

/* The columns L takes up to the end of its last code token (a comment
 * after the code does not count), or up to the first line break inside a
 * string or block comment that spans lines. */
static size_t width(const fmt_t *f, const fmt_line_t *l)
{
    const char *s = f->text.data + l->start;
    const char *nl = memchr(s, '\n', l->code_len);
    size_t w = nl ? (size_t)(nl - s) : l->code_len;
    if (l->align && l->pad_at <= w)
        w += l->pad;
    return l->indent * FMT_INDENT + w;
}

/* ---- wrapping ------------------------------------------------------------ */

/* The code token before I, or NULL. */
static const token_t *code_before(const fmt_t *f, size_t i)
{
    while (i-- > 0)
        if (f->toks->items[i].cls != TOKEN_COMMENT)
            return &f->toks->items[i];
    return NULL;
}

/* Whether the opener at I is one wrap lays out: the '(' of a call, the
 * '[' of a list (not of an index) or the '{' of a map (one that stands
 * where a value does, not a block's); and not an empty pair. */
static bool wrappable(const fmt_t *f, size_t i)
{
    const token_t *t = &f->toks->items[i];
    if (!is_opener(f, t) || f->match[i] <= i)
        return false;
    const token_t *p = code_before(f, i);
    const token_t *pp = p ? code_before(f, (size_t)(p - f->toks->items)) : NULL;
    size_t k = i + 1;
    while (f->toks->items[k].cls == TOKEN_COMMENT)
        k++;
    if (k == f->match[i])
        return false;
    if (is(f, t, "("))
        return p && ends_operand(f, pp, p);
    if (is(f, t, "["))
        return !p || !ends_operand(f, pp, p);
    return p && p->cls == TOKEN_PUNCT && !is_closer(f, p) && !is(f, p, "%");
}

/* Where the items of the wrappable opener O start: the first token after
 * O and after each ',' at its own level, comments that follow it skipped
 * (they stay on its line), and O's partner. Calls VISIT(F, I, ARG) for
 * each; stops and returns true when VISIT does. */
static bool each_break(fmt_t *f, size_t o,
                       bool (*visit)(fmt_t *, size_t, void *), void *arg)
{
    const token_t *t = f->toks->items;
    size_t cl = f->match[o];
    for (size_t k = o; k < cl; k++) {
        if (k > o && is_opener(f, &t[k])) {
            k = f->match[k];
            continue;
        }
        if (k > o && !(t[k].cls == TOKEN_PUNCT && is(f, &t[k], ",")))
            continue;
        size_t j = k + 1;
        while (j < cl && t[j].cls == TOKEN_COMMENT)
            j++;
        if (visit(f, j, arg))
            return true;
    }
    return visit(f, cl, arg);
}

/* Whether a break before I would split the line ARG (a fmt_line_t): I is
 * one of its tokens but the first. */
static bool new_on_line(fmt_t *f, size_t i, void *arg)
{
    (void)f;
    const fmt_line_t *l = arg;
    return i > l->first_tok && i <= l->last_tok;
}

static bool set_break(fmt_t *f, size_t i, void *arg)
{
    (void)arg;
    f->brk[i] = true;
    return false;
}

/* Wraps the opener at I when it is a call, list or map with an item to
 * move off L: a break before each of its items and before its closing
 * bracket. */
static bool wrap_at(fmt_t *f, fmt_line_t *l, size_t i)
{
    if (f->toks->items[i].cls == TOKEN_COMMENT || !wrappable(f, i) ||
        !each_break(f, i, new_on_line, l))
        return false;
    each_break(f, i, set_break, NULL);
    return true;
}

/* Wraps the call, list or map that L starts inside (one the author
 * already broke), else the first one opened on L, that has an item to
 * move off L. Returns false when there is none. */
static bool wrap_line(fmt_t *f, fmt_line_t *l)
{
    /* A retry header's backoff is one policy, read as a whole: split over
     * lines it would read worse than a wide line (docs/fmt.md, rule 8). */
    if (is(f, &f->toks->items[l->first_tok], "retry"))
        return false;
    if (l->encl != SIZE_MAX && wrap_at(f, l, l->encl))
        return true;
    for (size_t i = l->first_tok; i <= l->last_tok; i++)
        if (wrap_at(f, l, i))
            return true;
    return false;
}

/* Lays out, aligns and wraps every line wider than FMT_WIDTH, again until
 * no line changes: each round adds breaks, so it ends. */
static void lay_out_wrapped(fmt_t *f)
{
    for (bool again = true; again && !f->oom;) {
        again = false;
        lay_out(f);
        if (f->oom || f->text.oom)
            return;
        align(f);
        for (size_t i = 0; i < f->n_lines; i++)
            if (width(f, &f->lines[i]) > FMT_WIDTH &&
                wrap_line(f, &f->lines[i]))
                again = true;
    }
}

/* Appends the laid-out lines to OUT. */
static void emit(const fmt_t *f, strbuf_t *out)
{
    for (size_t i = 0; i < f->n_lines; i++) {
        const fmt_line_t *l = &f->lines[i];
        const char *s = f->text.data + l->start;
        if (l->blank_before)
            strbuf_putc(out, '\n');
        for (uint32_t k = 0; k < l->indent * FMT_INDENT; k++)
            strbuf_putc(out, ' ');
        size_t split = l->align ? l->pad_at : l->len;
        strbuf_put(out, s, split);
        for (size_t k = 0; k < l->pad; k++)
            strbuf_putc(out, ' ');
        strbuf_put(out, s + split, l->len - split);
        strbuf_putc(out, '\n');
    }
}

/* ---- the check before writing ------------------------------------------ */

/* Appends the outline of PLAN to OUT without its "  @LINE:COL" marks. */
static mig_status_t outline(const ast_plan_t *plan, strbuf_t *out)
{
    char *buf = NULL;
    size_t len = 0;
    mig_status_t st = ast_dump(plan, &buf, &len);
    for (size_t i = 0; st == MIG_OK && i < len; i++) {
        if (buf[i] == ' ' && i + 2 < len && buf[i + 1] == ' ' &&
            buf[i + 2] == '@') {
            size_t k = i + 3;
            while (k < len && buf[k] != '\n' && buf[k] != ' ')
                k++;
            if (k == len || buf[k] == '\n') {
                i = k - 1;
                continue;
            }
        }
        strbuf_putc(out, buf[i]);
    }
    free(buf);
    return st != MIG_OK ? st : out->oom ? MIG_ENOMEM : MIG_OK;
}

static bool same_tokens(const src_t *a, const token_list_t *ta,
                        const src_t *b, const token_list_t *tb)
{
    if (ta->len != tb->len)
        return false;
    for (size_t i = 0; i < ta->len; i++) {
        const src_span_t *x = &ta->items[i].span, *y = &tb->items[i].span;
        if (ta->items[i].cls != tb->items[i].cls ||
            x->end - x->begin != y->end - y->begin ||
            memcmp(a->text + x->begin, b->text + y->begin, x->end - x->begin))
            return false;
    }
    return true;
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether labels A and B are the same but for white space: a label quotes
 * the plan's source, layout included. */
static bool same_label(const char *a, const char *b)
{
    if (!a || !b)
        return !a && !b;
    for (;;) {
        while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
            a++;
        while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
            b++;
        if (*a != *b)
            return false;
        if (!*a)
            return true;
        a++, b++;
    }
}

bool fmt_same_graph(const graph_t *a, const graph_t *b)
{
    if (graph_node_count(a) != graph_node_count(b) ||
        graph_edge_count(a) != graph_edge_count(b) ||
        graph_stage_count(a) != graph_stage_count(b) ||
        !same_str(graph_plan_name(a), graph_plan_name(b)))
        return false;
    for (uint32_t i = 0; i < graph_node_count(a); i++)
        if (graph_node_kind(a, i) != graph_node_kind(b, i) ||
            !same_str(graph_node_id(a, i), graph_node_id(b, i)) ||
            !same_label(graph_node_label(a, i), graph_node_label(b, i)) ||
            graph_node_stage(a, i) != graph_node_stage(b, i) ||
            graph_node_scope(a, i) != graph_node_scope(b, i))
            return false;
    for (uint32_t i = 0; i < graph_edge_count(a); i++) {
        graph_edge_t x = graph_edge(a, i), y = graph_edge(b, i);
        if (x.from != y.from || x.to != y.to || x.kind != y.kind)
            return false;
    }
    for (uint32_t k = 0; k < graph_stage_count(a); k++)
        if (graph_stage_at(a, k) != graph_stage_at(b, k))
            return false;
    return true;
}

/* Whether FORMATTED means what ORIG (parsed as PLAN, scanned as TOKS)
 * means: the same tokens and comments, the same tree and, when ORIG
 * compiles, the same graph; positions aside. */
static mig_status_t same_plan(src_t *orig, const ast_plan_t *plan,
                              const token_list_t *toks, src_t *formatted,
                              bool *same)
{
    *same = false;
    diag_list_t quiet;
    diag_list_init(&quiet);
    arena_t *arena = arena_new();
    token_list_t ftoks = { 0 };
    strbuf_t o1, o2;
    strbuf_init(&o1);
    strbuf_init(&o2);
    graph_t *g1 = NULL, *g2 = NULL;
    ast_plan_t *fplan = NULL;
    mig_status_t st = arena ? MIG_OK : MIG_ENOMEM;
    if (st == MIG_OK && grammar_parse(formatted, arena, &quiet, &fplan) ==
        MIG_OK && grammar_tokens(formatted, &quiet, &ftoks) == MIG_OK &&
        same_tokens(orig, toks, formatted, &ftoks)) {
        st = outline(plan, &o1);
        if (st == MIG_OK)
            st = outline(fplan, &o2);
        if (st == MIG_OK && o1.len == o2.len &&
            memcmp(o1.data, o2.data, o1.len) == 0) {
            *same = true;
            if (graph_compile(plan, orig, &quiet, &g1) == MIG_OK)
                *same = graph_compile(fplan, formatted, &quiet, &g2) ==
                        MIG_OK && fmt_same_graph(g1, g2);
        }
    }
    if (quiet.out_of_memory)
        st = MIG_ENOMEM;
    graph_free(g1);
    graph_free(g2);
    strbuf_free(&o1);
    strbuf_free(&o2);
    token_list_free(&ftoks);
    arena_free(arena);
    diag_list_free(&quiet);
    return st;
}

mig_status_t fmt_plan(src_t *src, diag_list_t *diags, strbuf_t *out)
{
    arena_t *arena = arena_new();
    if (!arena)
        return MIG_ENOMEM;
    ast_plan_t *plan = NULL;
    token_list_t toks = { 0 };
    fmt_t f = { .src = src, .toks = &toks };
    strbuf_init(&f.text);
    strbuf_t text;
    strbuf_init(&text);
    src_t *formatted = NULL;
    mig_status_t st = grammar_parse(src, arena, diags, &plan);
    if (st == MIG_OK)
        st = grammar_tokens(src, diags, &toks);
    if (st == MIG_OK &&
        (!(f.open = malloc((toks.len + 1) * sizeof(*f.open))) ||
         !(f.brk = calloc(toks.len + 1, sizeof(*f.brk))) ||
         !(f.match = malloc((toks.len + 1) * sizeof(*f.match)))))
        st = MIG_ENOMEM;
    if (st == MIG_OK) {
        lay_out_wrapped(&f);
        if (!f.oom && !f.text.oom)
            emit(&f, &text);
        if (f.oom || f.text.oom || text.oom ||
            !(formatted = src_from_memory(src->name, text.data ? text.data : "",
                                          text.len)))
            st = MIG_ENOMEM;
    }
    bool same = false;
    if (st == MIG_OK)
        st = same_plan(src, plan, &toks, formatted, &same);
    if (st == MIG_OK && !same) {
        diag_t *d = diag_add(diags, DIAG_ERROR, src, NULL, "the formatted "
                             "plan would not compile to the same plan as the "
                             "original; nothing was written");
        diag_hint(diags, d, "this is a bug in mig fmt: please report it "
                  "with the plan");
        st = MIG_EINVALID;
    }
    if (st == MIG_OK)
        strbuf_put(out, text.data ? text.data : "", text.len);
    if (st == MIG_OK && out->oom)
        st = MIG_ENOMEM;
    src_free(formatted);
    strbuf_free(&text);
    strbuf_free(&f.text);
    free(f.lines);
    free(f.open);
    free(f.brk);
    free(f.match);
    token_list_free(&toks);
    arena_free(arena);
    return st;
}
