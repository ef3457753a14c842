/* lua_reads.c: the argument names a module's function reads, found in its
 * source when the module loads (lua_int.h, luab_fn_reads), so that
 * `mig check` can report a named argument the function never reads
 * (docs/lua.md, "Calling a function"). The search is conservative: it
 * gives names only when the function's one parameter is used nowhere but
 * in PARAM.NAME, PARAM["NAME"] and PARAM[N]; any other use (passed on,
 * indexed by a variable, assigned) means that anything may be read, and
 * no names are given. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lua_int.h"

typedef struct scan {
    const char *t;          /* the function's text */
    size_t i, n;
    const char *param;
    size_t plen;
    char **names;           /* the names read, each once */
    size_t n_names, cap;
    bool escapes;           /* the parameter is used some other way */
    bool oom;
} scan_t;

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Skips blanks and line breaks from S->i. */
static void skip_space(scan_t *s)
{
    while (s->i < s->n && isspace((unsigned char)s->t[s->i]))
        s->i++;
}

/* The length of a long bracket's level at S->i ("[[": 0, "[==[": 2), or
 * -1 when S->i does not open one. */
static int long_level(const scan_t *s, size_t at)
{
    if (at >= s->n || s->t[at] != '[')
        return -1;
    size_t j = at + 1;
    while (j < s->n && s->t[j] == '=')
        j++;
    return j < s->n && s->t[j] == '[' ? (int)(j - at - 1) : -1;
}

/* Skips a long string or comment body opened at S->i with LEVEL. */
static void skip_long(scan_t *s, int level)
{
    s->i += (size_t)level + 2;
    while (s->i < s->n) {
        if (s->t[s->i] == ']') {
            size_t j = s->i + 1;
            while (j < s->n && s->t[j] == '=')
                j++;
            if (j < s->n && s->t[j] == ']' && (int)(j - s->i - 1) == level) {
                s->i = j + 1;
                return;
            }
        }
        s->i++;
    }
}

/* Skips a quoted string opened at S->i; its text (escapes left as
 * written) in [*FROM, *TO). */
static void skip_quoted(scan_t *s, size_t *from, size_t *to)
{
    char q = s->t[s->i++];
    *from = s->i;
    while (s->i < s->n && s->t[s->i] != q && s->t[s->i] != '\n') {
        if (s->t[s->i] == '\\')
            s->i++;
        s->i++;
    }
    *to = s->i < s->n ? s->i : s->n;
    if (s->i < s->n)
        s->i++;
}

static void add_name(scan_t *s, const char *p, size_t len)
{
    for (size_t k = 0; k < s->n_names; k++)
        if (strlen(s->names[k]) == len && memcmp(s->names[k], p, len) == 0)
            return;
    if (s->n_names == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **more = realloc(s->names, cap * sizeof *more);
        if (!more) {
            s->oom = true;
            return;
        }
        s->names = more;
        s->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        s->oom = true;
        return;
    }
    memcpy(copy, p, len);
    copy[len] = '\0';
    s->names[s->n_names++] = copy;
}

/* The parameter was read at S->i (just after its name): PARAM.NAME,
 * PARAM["NAME"] or PARAM[N] are reads; anything else lets it escape. */
static void after_param(scan_t *s)
{
    skip_space(s);
    if (s->i + 1 < s->n && s->t[s->i] == '.' && s->t[s->i + 1] != '.') {
        s->i++;
        skip_space(s);
        size_t from = s->i;
        while (s->i < s->n && ident_char(s->t[s->i]))
            s->i++;
        if (s->i > from && !isdigit((unsigned char)s->t[from]))
            add_name(s, s->t + from, s->i - from);
        else
            s->escapes = true;
        return;
    }
    if (s->i < s->n && s->t[s->i] == '[' && long_level(s, s->i) < 0) {
        s->i++;
        skip_space(s);
        if (s->i < s->n && (s->t[s->i] == '"' || s->t[s->i] == '\'')) {
            size_t from, to;
            skip_quoted(s, &from, &to);
            bool plain = to > from;
            for (size_t k = from; k < to; k++)
                plain = plain && ident_char(s->t[k]);
            if (plain)
                add_name(s, s->t + from, to - from);
            else
                s->escapes = true;
        } else if (s->i < s->n && isdigit((unsigned char)s->t[s->i])) {
            while (s->i < s->n && isdigit((unsigned char)s->t[s->i]))
                s->i++;     /* a positional argument: any may be given */
        } else {
            s->escapes = true;
            return;
        }
        skip_space(s);
        if (s->i >= s->n || s->t[s->i] != ']')
            s->escapes = true;
        return;
    }
    s->escapes = true;
}

/* Walks the body: strings and comments are skipped, every use of the
 * parameter looked at. */
static void walk_body(scan_t *s)
{
    while (s->i < s->n && !s->escapes && !s->oom) {
        char c = s->t[s->i];
        int level;
        if (c == '-' && s->i + 1 < s->n && s->t[s->i + 1] == '-') {
            s->i += 2;
            if ((level = long_level(s, s->i)) >= 0) {
                skip_long(s, level);
            } else {
                while (s->i < s->n && s->t[s->i] != '\n')
                    s->i++;
            }
        } else if (c == '"' || c == '\'') {
            size_t from, to;
            skip_quoted(s, &from, &to);
        } else if ((level = long_level(s, s->i)) >= 0) {
            skip_long(s, level);
        } else if (ident_char(c)) {
            size_t from = s->i;
            while (s->i < s->n && ident_char(s->t[s->i]))
                s->i++;
            bool field = from > 0 && (s->t[from - 1] == '.'
                                      || s->t[from - 1] == ':')
                && !(from > 1 && s->t[from - 2] == '.');
            if (!field && s->i - from == s->plen
                && memcmp(s->t + from, s->param, s->plen) == 0)
                after_param(s);
        } else {
            s->i++;
        }
    }
}

/* Finds the end of the parameter list: the ')' after the first '(' that
 * follows the word "function". False when there is none. */
static bool skip_header(scan_t *s)
{
    const char *f = NULL;
    for (size_t k = 0; k + 8 <= s->n && !f; k++)
        if (memcmp(s->t + k, "function", 8) == 0
            && (k == 0 || !ident_char(s->t[k - 1]))
            && (k + 8 == s->n || !ident_char(s->t[k + 8])))
            f = s->t + k;
    if (!f)
        return false;
    const char *open = memchr(f, '(', (size_t)(s->t + s->n - f));
    const char *close = open ? memchr(open, ')', (size_t)(s->t + s->n - open))
                             : NULL;
    if (!close)
        return false;
    s->i = (size_t)(close + 1 - s->t);
    return true;
}

mig_status_t luab_fn_reads(luab_module_t *m, luab_fn_t *f)
{
    lua_State *L = m->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, m->refs[LUAB_REF_FNS]);
    lua_rawgeti(L, -1, f->index);
    lua_remove(L, -2);
    if (!lua_isfunction(L, -1) || lua_iscfunction(L, -1)) {
        lua_pop(L, 1);
        return MIG_OK;
    }
    const char *param = lua_getlocal(L, NULL, 1);
    lua_Debug ar;
    if (!lua_getinfo(L, ">Su", &ar) || !param || ar.nparams != 1
        || ar.isvararg || strcmp(ar.short_src, m->short_src) != 0
        || ar.linedefined < 1 || ar.lastlinedefined < ar.linedefined)
        return MIG_OK;
    const char *first, *last;
    size_t flen, llen;
    if (!src_line(m->src, (uint32_t)ar.linedefined, &first, &flen)
        || !src_line(m->src, (uint32_t)ar.lastlinedefined, &last, &llen))
        return MIG_OK;
    scan_t s = { .t = first, .n = (size_t)(last + llen - first),
                 .param = param, .plen = strlen(param) };
    if (skip_header(&s))
        walk_body(&s);
    mig_status_t st = s.oom ? MIG_ENOMEM : MIG_OK;
    if (!s.oom && !s.escapes && s.t && s.i >= s.n) {
        f->reads = calloc(s.n_names + 1, sizeof *f->reads);
        if (!f->reads)
            st = MIG_ENOMEM;
        for (size_t k = 0; f->reads && k < s.n_names; k++) {
            f->reads[k] = (action_arg_t){ .name = s.names[k],
                                          .types = ACTION_T_ANY };
            s.names[k] = NULL;      /* kept by the row */
        }
    }
    for (size_t k = 0; k < s.n_names; k++)
        free(s.names[k]);
    free(s.names);
    return st;
}

void luab_fn_reads_free(luab_fn_t *f)
{
    for (action_arg_t *a = f->reads; a && a->name; a++)
        free((char *)a->name);
    free(f->reads);
    f->reads = NULL;
}
