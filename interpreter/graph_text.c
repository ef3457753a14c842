/* graph_text.c: the source text of an expression on one line, as the
 * graph's labels show it and the mig-graph JSON carries it (the designer
 * layer): comments dropped, white space collapsed, line breaks in strings
 * written as escapes, so the text means what the plan meant and reads back
 * unchanged. */
#include "interpreter.h"

/* What the scanner below is inside: code (counting the '{' of maps opened
 * in it) or a string. The bottom entry is the text itself, code. */
typedef struct frame {
    bool string;
    uint32_t braces;
} frame_t;

/* Deep enough for any text the parser accepts (MIG_MAX_NESTING bounds
 * strings and interpolations together); deeper text is copied as it is,
 * and the parser refuses it later. */
#define SOURCE_MAX_FRAMES (MIG_MAX_NESTING + 2)

/* Skips a comment starting at S[*I] ('#' to the end of the line, or
 * slash-star to star-slash). Returns false when a block comment is not
 * closed. */
static bool skip_comment(const char *s, size_t len, size_t *i)
{
    if (s[*i] == '#') {
        while (*i < len && s[*i] != '\n')
            (*i)++;
        return true;
    }
    const char *end = NULL;
    for (size_t k = *i + 2; k + 1 < len; k++)
        if (s[k] == '*' && s[k + 1] == '/') {
            end = s + k;
            break;
        }
    if (!end) {
        *i = len;
        return false;
    }
    *i = (size_t)(end - s) + 2;
    return true;
}

/* One character of a string at S[*I]: escapes are copied whole, line
 * breaks become \n. Returns -1 at the closing quote, 1 at "${", else 0. */
static int string_char(strbuf_t *out, const char *s, size_t len, size_t *i)
{
    char c = s[*i];
    if (c == '"') {
        strbuf_putc(out, c);
        (*i)++;
        return -1;
    }
    if (c == '$' && *i + 1 < len && s[*i + 1] == '{') {
        strbuf_puts(out, "${");
        *i += 2;
        return 1;
    }
    if (c == '\\' && *i + 1 < len) {
        strbuf_put(out, s + *i, 2);
        *i += 2;
    } else if (c == '\r' && *i + 1 < len && s[*i + 1] == '\n') {
        strbuf_puts(out, "\\n");
        *i += 2;
    } else if (c == '\n') {
        strbuf_puts(out, "\\n");
        (*i)++;
    } else {
        strbuf_putc(out, c);
        (*i)++;
    }
    return 0;
}

bool graph_put_source(strbuf_t *out, const char *s, size_t len)
{
    frame_t st[SOURCE_MAX_FRAMES] = { { false, 0 } };
    uint32_t top = 0;
    bool space = false, newline = false, started = false, closed = true;
    char last = 0;
    for (size_t i = 0; i < len;) {
        char c = s[i];
        if (st[top].string) {
            int r = string_char(out, s, len, &i);
            if (r < 0)
                top--;
            else if (r > 0 && top + 1 < SOURCE_MAX_FRAMES)
                st[++top] = (frame_t){ false, 0 };
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = true;
            newline = newline || c == '\n';
            i++;
            continue;
        }
        if (c == '#' || (c == '/' && i + 1 < len && s[i + 1] == '*')) {
            closed = skip_comment(s, len, &i) && closed;
            space = true;
            continue;
        }
        /* A line break just inside a call's or a list's brackets (a
         * wrapped call: docs/fmt.md, rule 8) leaves no space: f(a, b). */
        bool hug = newline && (last == '(' || last == '[' || c == ')'
                               || c == ']');
        if (space && started && !hug)
            strbuf_putc(out, ' ');
        space = newline = false;
        started = true;
        last = c;
        strbuf_putc(out, c);
        i++;
        if (c == '"' && top + 1 < SOURCE_MAX_FRAMES)
            st[++top] = (frame_t){ true, 0 };
        else if (c == '{')
            st[top].braces++;
        else if (c == '}' && st[top].braces > 0)
            st[top].braces--;
        else if (c == '}' && top > 0)
            top--;          /* the end of a ${...}: back in its string */
    }
    return closed && top == 0;
}
