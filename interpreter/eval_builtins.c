/* eval_builtins.c: the functions an expression may call (len, join,
 * semver, ...), one row each in a registry table that the evaluator
 * (eval.c) checks arity against and that docs/expressions.md lists; and
 * the helpers both files use: "did you mean" and the text of a value. */
#include <stdlib.h>
#include <string.h>

#include "eval_int.h"

/* ---- diagnostics (for eval.c too) --------------------------------------- */

diag_t *eval_error(eval_ctx_t *c, const src_span_t *span, const char *fmt,
                   ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_t *d = diag_vadd(c->diags, DIAG_ERROR, c->src, span, fmt, ap);
    va_end(ap);
    return d;
}

mig_status_t eval_oom(eval_ctx_t *c, const src_span_t *span)
{
    eval_error(c, span, "out of memory");
    return MIG_ENOMEM;
}

mig_status_t eval_push_failed(eval_ctx_t *c, const src_span_t *span,
                              mig_status_t st)
{
    if (st == MIG_ENOMEM)
        return eval_oom(c, span);
    eval_error(c, span, VAL_TOO_DEEP);
    return MIG_EINVALID;
}

bool eval_fits(eval_ctx_t *c, const src_span_t *span, uint64_t size)
{
    if (size <= VAL_MAX_SIZE)
        return true;
    diag_t *d = eval_error(c, span, VAL_TOO_LARGE);
    diag_hint(c->diags, d, "the size counts the bytes of every string and "
              "key, and 16 for every value, a value held twice counting "
              "twice");
    return false;
}

mig_status_t eval_bounded(eval_ctx_t *c, const src_span_t *span, val_t **v)
{
    if (val_depth(*v) > VAL_MAX_DEPTH)
        eval_error(c, span, VAL_TOO_DEEP);
    else if (eval_fits(c, span, val_size(*v)))
        return MIG_OK;
    val_unref(*v);
    *v = NULL;
    return MIG_EINVALID;
}

const char *eval_a_type(const val_t *v)
{
    static const char *const names[] = {
        [VAL_NULL] = "null", [VAL_BOOL] = "a bool",
        [VAL_NUMBER] = "a number", [VAL_STRING] = "a string",
        [VAL_LIST] = "a list", [VAL_MAP] = "a map",
        [VAL_DURATION] = "a duration", [VAL_SECRET] = "a secret",
    };
    return names[val_type(v)];
}

/* ---- "did you mean" (for eval.c too) ------------------------------------ */

#define EVAL_SUGGEST_MAX 64     /* longer names get no suggestion */

void eval_suggest_init(eval_suggest_t *s, const char *name)
{
    s->name = name;
    s->best = NULL;
    s->dist = SIZE_MAX;
}

/* A candidate is worth suggesting when at most two edits away and the
 * edits are few for the length of the name (one for names up to 3). */
void eval_suggest_consider(eval_suggest_t *s, const char *candidate)
{
    size_t ln = strlen(s->name), lc = strlen(candidate);
    if (ln > EVAL_SUGGEST_MAX || lc > EVAL_SUGGEST_MAX
        || strcmp(s->name, candidate) == 0)
        return;
    size_t d = diag_distance(s->name, ln, candidate, lc);
    if (d <= 2 && d * 3 <= ln + 2 && d < s->dist) {
        s->best = candidate;
        s->dist = d;
        return;
    }
    /* An abbreviation or its long form ("dir" for "directory", and back):
     * the shorter, of at least 3 bytes, begins the longer. It ranks after
     * every near spelling. */
    size_t shorter = ln < lc ? ln : lc;
    if (shorter >= 3 && memcmp(s->name, candidate, shorter) == 0
        && EVAL_SUGGEST_PREFIX < s->dist) {
        s->best = candidate;
        s->dist = EVAL_SUGGEST_PREFIX;
    }
}

/* ---- text (for eval.c too) ---------------------------------------------- */

mig_status_t eval_to_text(const val_t *v, strbuf_t *out)
{
    size_t len;
    switch (val_type(v)) {
    case VAL_STRING: {
        const char *s = val_get_str(v, &len);
        strbuf_put(out, s, len);
        return out->oom ? MIG_ENOMEM : MIG_OK;
    }
    case VAL_LIST:
    case VAL_MAP:
        return val_to_json(v, out, 0);
    default:
        return val_format(v, out);
    }
}

/* ---- argument helpers --------------------------------------------------- */

/* Reports "NAME: argument N WHAT" at argument I (0-based) of CALL;
 * returns MIG_EINVALID. */
mig_status_t eval_arg_error(eval_call_t *call, size_t i, const char *what,
                              const val_t *found)
{
    eval_error(call->ctx, &call->node->u.call.args.items[i].value->span,
               "%s: argument %zu %s%s%s", call->name, i + 1, what,
               found ? ", found " : "", found ? eval_a_type(found) : "");
    return MIG_EINVALID;
}

/* Checks that argument I is of type T ("join: argument 1 must be a list,
 * found a map"). */
bool eval_arg_is(eval_call_t *call, size_t i, val_type_t t)
{
    if (val_type(call->args[i]) == t)
        return true;
    eval_error(call->ctx, &call->node->u.call.args.items[i].value->span,
               "%s: argument %zu must be %s, found %s", call->name, i + 1,
               t == VAL_LIST ? "a list" : t == VAL_MAP ? "a map"
               : "a string", eval_a_type(call->args[i]));
    return false;
}

mig_status_t eval_call_made(eval_call_t *call, val_t *v, val_t **out)
{
    if (!v)
        return eval_oom(call->ctx, &call->node->span);
    *out = v;
    return MIG_OK;
}

/* Turns builder B into a string value (freeing B). */
mig_status_t eval_call_text(eval_call_t *call, strbuf_t *b, val_t **out)
{
    val_t *s = b->oom ? NULL : val_string(b->data ? b->data : "", b->len);
    strbuf_free(b);
    return eval_call_made(call, s, out);
}

/* The first occurrence of NEEDLE (NN > 0 bytes) in HAY, or NULL. */
static const char *find_bytes(const char *hay, size_t nh, const char *needle,
                              size_t nn)
{
    for (size_t i = 0; nn <= nh && i <= nh - nn; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nn) == 0)
            return hay + i;
    return NULL;
}

/* ---- collections -------------------------------------------------------- */

static mig_status_t fn_len(eval_call_t *call, val_t **out)
{
    const val_t *v = call->args[0];
    size_t n = 0, len;
    if (val_type(v) == VAL_STRING) {
        const char *s = val_get_str(v, &len);
        for (size_t i = 0; i < len; i++)      /* characters, not bytes */
            n += ((unsigned char)s[i] & 0xC0) != 0x80;
    } else if (val_type(v) == VAL_LIST || val_type(v) == VAL_MAP) {
        n = val_len(v);
    } else {
        return eval_arg_error(call, 0, "must be a string, list or map", v);
    }
    return eval_call_made(call, val_int((int64_t)n), out);
}

/* keys(map) and values(map): KEYS picks which. */
static mig_status_t map_column(eval_call_t *call, bool keys, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_MAP))
        return MIG_EINVALID;
    const val_t *m = call->args[0];
    val_t *list = val_list_new(val_len(m));
    if (!list)
        return eval_oom(call->ctx, &call->node->span);
    for (size_t i = 0; i < val_len(m); i++) {
        mig_status_t st = val_list_push(list, keys ? val_map_key(m, i)
                                                   : val_map_value(m, i));
        if (st != MIG_OK) {
            val_unref(list);
            return eval_push_failed(call->ctx, &call->node->span, st);
        }
    }
    *out = list;
    return MIG_OK;
}

static mig_status_t fn_keys(eval_call_t *call, val_t **out)
{
    return map_column(call, true, out);
}

static mig_status_t fn_values(eval_call_t *call, val_t **out)
{
    return map_column(call, false, out);
}

/* The largest list range() makes (its size, 16 bytes a number, stays
 * within VAL_MAX_SIZE). */
#define EVAL_MAX_RANGE 1000000

static mig_status_t fn_range(eval_call_t *call, val_t **out)
{
    int64_t from = 0, to;
    for (size_t i = 0; i < call->nargs; i++)
        if (!val_is_int(call->args[i]))
            return eval_arg_error(call, i, "must be a whole number",
                             call->args[i]);
    if (call->nargs == 2)
        from = val_get_int(call->args[0]);
    to = val_get_int(call->args[call->nargs - 1]);
    if (to > from && to - from > EVAL_MAX_RANGE) {
        eval_error(call->ctx, &call->node->span, "range: more than %d "
                   "numbers", EVAL_MAX_RANGE);
        return MIG_EINVALID;
    }
    val_t *list = val_list_new(to > from ? (size_t)(to - from) : 0);
    if (!list)
        return eval_oom(call->ctx, &call->node->span);
    for (int64_t i = from; i < to; i++) {
        mig_status_t st = val_list_push_take(list, val_int(i));
        if (st != MIG_OK) {
            val_unref(list);
            return eval_push_failed(call->ctx, &call->node->span, st);
        }
    }
    *out = list;
    return MIG_OK;
}

static mig_status_t fn_contains(eval_call_t *call, val_t **out)
{
    const val_t *hay = call->args[0], *x = call->args[1];
    size_t nh, nx;
    bool found = false;
    if (val_type(hay) == VAL_LIST) {
        for (size_t i = 0; i < val_len(hay) && !found; i++)
            found = val_equal(val_list_get(hay, i), x);
    } else if (val_type(hay) == VAL_MAP || val_type(hay) == VAL_STRING) {
        if (!eval_arg_is(call, 1, VAL_STRING))
            return MIG_EINVALID;
        const char *k = val_get_str(x, &nx);
        if (val_type(hay) == VAL_MAP) {
            found = val_map_get(hay, k, nx) != NULL;
        } else {
            const char *h = val_get_str(hay, &nh);
            found = nx == 0 || find_bytes(h, nh, k, nx);
        }
    } else {
        return eval_arg_error(call, 0, "must be a list, map or string", hay);
    }
    *out = val_bool(found);
    return MIG_OK;
}

static mig_status_t fn_default(eval_call_t *call, val_t **out)
{
    val_t *v = call->args[val_type(call->args[0]) == VAL_NULL ? 1 : 0];
    *out = val_ref(v);
    return MIG_OK;
}

/* ---- strings ------------------------------------------------------------ */

/* lower(s) and upper(s): ASCII letters only; other characters stay. */
static mig_status_t change_case(eval_call_t *call, bool up, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING))
        return MIG_EINVALID;
    size_t len;
    const char *s = val_get_str(call->args[0], &len);
    char *buf = malloc(len + 1);
    if (!buf)
        return eval_oom(call->ctx, &call->node->span);
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (up && ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        else if (!up && ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        buf[i] = ch;
    }
    val_t *v = val_string(buf, len);
    free(buf);
    return eval_call_made(call, v, out);
}

static mig_status_t fn_lower(eval_call_t *call, val_t **out)
{
    return change_case(call, false, out);
}

static mig_status_t fn_upper(eval_call_t *call, val_t **out)
{
    return change_case(call, true, out);
}

static mig_status_t fn_replace(eval_call_t *call, val_t **out)
{
    for (size_t i = 0; i < 3; i++)
        if (!eval_arg_is(call, i, VAL_STRING))
            return MIG_EINVALID;
    size_t ls, lo, ln;
    const char *s = val_get_str(call->args[0], &ls);
    const char *old = val_get_str(call->args[1], &lo);
    const char *rep = val_get_str(call->args[2], &ln);
    if (lo == 0)
        return eval_arg_error(call, 1, "must not be empty", NULL);
    strbuf_t b;
    strbuf_init(&b);
    const char *at, *end = s + ls;
    while ((at = find_bytes(s, (size_t)(end - s), old, lo))) {
        if (!eval_fits(call->ctx, &call->node->span,
                       (uint64_t)b.len + (uint64_t)(at - s) + ln)) {
            strbuf_free(&b);
            return MIG_EINVALID;
        }
        strbuf_put(&b, s, (size_t)(at - s));
        strbuf_put(&b, rep, ln);
        s = at + lo;
    }
    strbuf_put(&b, s, (size_t)(end - s));
    return eval_call_text(call, &b, out);
}

static mig_status_t fn_split(eval_call_t *call, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING) || !eval_arg_is(call, 1, VAL_STRING))
        return MIG_EINVALID;
    size_t ls, lp;
    const char *s = val_get_str(call->args[0], &ls);
    const char *sep = val_get_str(call->args[1], &lp);
    if (lp == 0)
        return eval_arg_error(call, 1, "must not be empty", NULL);
    val_t *list = val_list_new(0);
    if (!list)
        return eval_oom(call->ctx, &call->node->span);
    const char *end = s + ls;
    for (;;) {
        const char *at = find_bytes(s, (size_t)(end - s), sep, lp);
        size_t n = at ? (size_t)(at - s) : (size_t)(end - s);
        if (!eval_fits(call->ctx, &call->node->span,
                       val_size(list) + VAL_NODE_SIZE + n)) {
            val_unref(list);
            return MIG_EINVALID;
        }
        val_t *piece = val_string(s, n);
        if (!piece || val_list_push_take(list, piece) != MIG_OK) {
            val_unref(list);
            return eval_oom(call->ctx, &call->node->span);
        }
        if (!at)
            break;
        s = at + lp;
    }
    *out = list;
    return MIG_OK;
}

static mig_status_t fn_join(eval_call_t *call, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_LIST) || !eval_arg_is(call, 1, VAL_STRING))
        return MIG_EINVALID;
    size_t lp;
    const char *sep = val_get_str(call->args[1], &lp);
    const val_t *list = call->args[0];
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < val_len(list); i++) {
        if (!eval_fits(call->ctx, &call->node->span, (uint64_t)b.len + lp
                       + val_size(val_list_get(list, i)))) {
            strbuf_free(&b);
            return MIG_EINVALID;
        }
        if (i)
            strbuf_put(&b, sep, lp);
        if (eval_to_text(val_list_get(list, i), &b) != MIG_OK)
            break;
    }
    return eval_call_text(call, &b, out);
}

/* format(fmt, args...): each "{}" takes the next argument as "${}" would
 * insert it; "{{" and "}}" stand for braces. */
static mig_status_t fn_format(eval_call_t *call, val_t **out)
{
    if (!eval_arg_is(call, 0, VAL_STRING))
        return MIG_EINVALID;
    size_t len, next = 1;
    const char *f = val_get_str(call->args[0], &len);
    strbuf_t b;
    strbuf_init(&b);
    for (size_t i = 0; i < len; i++) {
        bool pair = i + 1 < len && f[i + 1] == f[i];
        if ((f[i] == '{' || f[i] == '}') && pair) {
            strbuf_putc(&b, f[i++]);
        } else if (f[i] == '{' && i + 1 < len && f[i + 1] == '}') {
            i++;
            if (next < call->nargs
                && !eval_fits(call->ctx, &call->node->span,
                              b.len + val_size(call->args[next]))) {
                strbuf_free(&b);
                return MIG_EINVALID;
            }
            if (next < call->nargs)
                eval_to_text(call->args[next], &b);
            next++;
        } else if (f[i] == '{' || f[i] == '}') {
            strbuf_free(&b);
            diag_t *d = eval_error(call->ctx, &call->node->u.call.args
                                   .items[0].value->span, "format: a lone "
                                   "'%c' at byte %zu of the format", f[i],
                                   i + 1);
            diag_hint(call->ctx->diags, d, "write '{}' for an argument, "
                      "'{{' and '}}' for braces");
            return MIG_EINVALID;
        } else {
            strbuf_putc(&b, f[i]);
        }
    }
    if (next != call->nargs) {
        strbuf_free(&b);
        size_t holes = next - 1, given = call->nargs - 1;
        eval_error(call->ctx, &call->node->span, "format: %zu placeholder%s "
                   "but %zu argument%s", holes, holes == 1 ? "" : "s",
                   given, given == 1 ? "" : "s");
        return MIG_EINVALID;
    }
    return eval_call_text(call, &b, out);
}

/* ---- conversions -------------------------------------------------------- */

static mig_status_t fn_str(eval_call_t *call, val_t **out)
{
    if (!eval_fits(call->ctx, &call->node->span, val_size(call->args[0])))
        return MIG_EINVALID;
    strbuf_t b;
    strbuf_init(&b);
    eval_to_text(call->args[0], &b);
    return eval_call_text(call, &b, out);
}

static mig_status_t fn_type(eval_call_t *call, val_t **out)
{
    return eval_call_made(call, val_cstring(val_type_name(val_type(call->args[0]))),
                out);
}

static mig_status_t fn_json(eval_call_t *call, val_t **out)
{
    if (!eval_fits(call->ctx, &call->node->span, val_size(call->args[0])))
        return MIG_EINVALID;
    strbuf_t b;
    strbuf_init(&b);
    val_to_json(call->args[0], &b, 0);
    return eval_call_text(call, &b, out);
}

static mig_status_t fn_yaml(eval_call_t *call, val_t **out)
{
    if (!eval_fits(call->ctx, &call->node->span, val_size(call->args[0])))
        return MIG_EINVALID;
    strbuf_t b;
    strbuf_init(&b);
    mig_status_t st = val_to_yaml(call->args[0], &b);
    if (st == MIG_EINVALID) {
        strbuf_free(&b);
        return eval_arg_error(call, 0, "is too large for YAML", NULL);
    }
    return eval_call_text(call, &b, out);
}

/* ---- semantic versions -------------------------------------------------- */

/* A version split into its parts (pointers into the string). */
typedef struct semver {
    uint64_t core[3];
    const char *pre;            /* after '-', or NULL */
    size_t pre_len;
} semver_t;

/* Reads a numeric identifier: digits, no leading zero, not too large. */
static bool semver_num(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    uint64_t n = 0;
    while (*p < end && **p >= '0' && **p <= '9') {
        if (n > (UINT64_MAX - 9) / 10)
            return false;
        n = n * 10 + (uint64_t)(**p - '0');
        (*p)++;
    }
    *out = n;
    return *p > s && !(s[0] == '0' && *p - s > 1);
}

/* Checks dot-separated identifiers of [0-9A-Za-z-] in [S, END); numeric
 * ones without leading zeros when NUMERIC_RULE. */
static bool semver_idents(const char *s, const char *end, bool numeric_rule)
{
    const char *start = s;
    bool all_digits = true;
    for (;; s++) {
        if (s == end || *s == '.') {
            if (s == start || (numeric_rule && all_digits && s - start > 1
                               && start[0] == '0'))
                return false;
            if (s == end)
                return true;
            start = s + 1;
            all_digits = true;
            continue;
        }
        char ch = *s;
        bool digit = ch >= '0' && ch <= '9';
        if (!digit && ch != '-' && !(ch >= 'a' && ch <= 'z')
            && !(ch >= 'A' && ch <= 'Z'))
            return false;
        all_digits &= digit;
    }
}

/* Parses "[v]MAJOR.MINOR.PATCH[-PRE][+BUILD]" (SemVer 2.0.0). */
static bool semver_parse(const char *s, size_t len, semver_t *v)
{
    const char *p = s, *end = s + len;
    if (p < end && *p == 'v')
        p++;
    for (int i = 0; i < 3; i++)
        if (!semver_num(&p, end, &v->core[i])
            || (i < 2 && (p == end || *p++ != '.')))
            return false;
    const char *plus = memchr(p, '+', (size_t)(end - p));
    const char *pre_end = plus ? plus : end;
    v->pre = NULL;
    v->pre_len = 0;
    if (p < pre_end) {
        if (*p != '-' || !semver_idents(p + 1, pre_end, true))
            return false;
        v->pre = p + 1;
        v->pre_len = (size_t)(pre_end - p - 1);
    }
    return !plus || semver_idents(plus + 1, end, false);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Compares one pre-release identifier each ([A, A+LA), [B, B+LB)). */
static int semver_ident_cmp(const char *a, size_t la, const char *b,
                            size_t lb)
{
    bool na = all_digits(a, la), nb = all_digits(b, lb);
    if (na && nb)
        return la != lb ? (la < lb ? -1 : 1) : memcmp(a, b, la) < 0 ? -1
               : memcmp(a, b, la) > 0;
    if (na != nb)
        return na ? -1 : 1;     /* numeric identifiers sort first */
    int k = memcmp(a, b, la < lb ? la : lb);
    return k ? (k < 0 ? -1 : 1) : cmp_u64(la, lb);
}

static int semver_cmp(const semver_t *a, const semver_t *b)
{
    for (int i = 0; i < 3; i++)
        if (a->core[i] != b->core[i])
            return cmp_u64(a->core[i], b->core[i]);
    if (!a->pre || !b->pre)     /* a release follows its pre-releases */
        return a->pre ? -1 : b->pre ? 1 : 0;
    const char *pa = a->pre, *ea = pa + a->pre_len;
    const char *pb = b->pre, *eb = pb + b->pre_len;
    while (pa < ea && pb < eb) {
        const char *da = memchr(pa, '.', (size_t)(ea - pa));
        const char *db = memchr(pb, '.', (size_t)(eb - pb));
        da = da ? da : ea;
        db = db ? db : eb;
        int k = semver_ident_cmp(pa, (size_t)(da - pa), pb, (size_t)(db - pb));
        if (k)
            return k;
        pa = da < ea ? da + 1 : ea;
        pb = db < eb ? db + 1 : eb;
    }
    return pa < ea ? 1 : pb < eb ? -1 : 0;
}

static mig_status_t fn_semver(eval_call_t *call, val_t **out)
{
    semver_t v[2];
    for (size_t i = 0; i < 2; i++) {
        if (!eval_arg_is(call, i, VAL_STRING))
            return MIG_EINVALID;
        size_t len;
        const char *s = val_get_str(call->args[i], &len);
        if (semver_parse(s, len, &v[i]))
            continue;
        strbuf_t b;
        strbuf_init(&b);
        val_snippet(&b, s, len, 40);
        diag_t *d = eval_error(call->ctx, &call->node->u.call.args.items[i]
                               .value->span, "semver: argument %zu is not a "
                               "semantic version: '%s'", i + 1,
                               b.oom ? "?" : b.data ? b.data : "");
        strbuf_free(&b);
        diag_hint(call->ctx->diags, d, "expected MAJOR.MINOR.PATCH, an "
                  "optional -PRERELEASE and +BUILD, such as 1.4.2 or "
                  "2.0.0-rc.1");
        return MIG_EINVALID;
    }
    return eval_call_made(call, val_int(semver_cmp(&v[0], &v[1])), out);
}

/* ---- the registry ------------------------------------------------------- */

static const eval_builtin_t eval_builtins[] = {
    { .name = "basename", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = eval_fn_basename,
      .signature = "basename(path)",
      .doc = "The last part of PATH (a trailing / ignored): "
             "basename(\"tools/a.json\") is \"a.json\"." },
    { .name = "contains", .result = ACTION_T(BOOL),
      .min_args = 2, .max_args = 2, .fn = fn_contains,
      .signature = "contains(collection, item)",
      .doc = "Whether a list holds ITEM, a map has the key ITEM, or a "
             "string holds the substring ITEM." },
    { .name = "default", .result = ACTION_T_ANY,
      .min_args = 2, .max_args = 2, .fn = fn_default,
      .signature = "default(value, fallback)",
      .doc = "VALUE, or FALLBACK when VALUE is null.",
      .secrets = EVAL_SECRETS_PASSED },
    { .name = "dirname", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = eval_fn_dirname,
      .signature = "dirname(path)",
      .doc = "PATH without its last part: dirname(\"tools/a.json\") is "
             "\"tools\", dirname(\"a.json\") is \".\"." },
    { .name = "ends_with", .result = ACTION_T(BOOL),
      .min_args = 2, .max_args = 2, .fn = eval_fn_ends_with,
      .signature = "ends_with(s, suffix)",
      .doc = "Whether the string S ends with SUFFIX." },
    { .name = "ext", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = eval_fn_ext,
      .signature = "ext(path)",
      .doc = "The extension of PATH's last part, with its dot (\".json\"), "
             "or \"\" when it has none." },
    { .name = "format", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = EVAL_VARIADIC,
      .fn = fn_format, .signature = "format(fmt, args...)",
      .doc = "FMT with each {} replaced by the next argument's text; {{ "
             "and }} are braces." },
    { .name = "join", .result = ACTION_T(STRING),
      .min_args = 2, .max_args = 2, .fn = fn_join,
      .signature = "join(list, sep)",
      .doc = "The text of each item of LIST, SEP between them." },
    { .name = "json", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = fn_json,
      .signature = "json(value)", .doc = "VALUE as compact JSON text." },
    { .name = "keys", .result = ACTION_T(LIST),
      .min_args = 1, .max_args = 1, .fn = fn_keys,
      .signature = "keys(map)", .doc = "The keys of MAP, in order.",
      .secrets = EVAL_SECRETS_HELD },
    { .name = "len", .result = ACTION_T(NUMBER),
      .min_args = 1, .max_args = 1, .fn = fn_len,
      .signature = "len(value)",
      .doc = "Characters of a string, items of a list, entries of a map.",
      .secrets = EVAL_SECRETS_HELD },
    { .name = "lower", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = fn_lower,
      .signature = "lower(s)", .doc = "S with ASCII letters in lower case." },
    { .name = "matches", .result = ACTION_T(BOOL),
      .min_args = 2, .max_args = 2, .fn = eval_fn_matches,
      .signature = "matches(s, pattern)",
      .doc = "Whether the regular expression PATTERN (PCRE2) matches "
             "somewhere in S; anchor it with ^ and $." },
    { .name = "range", .result = ACTION_T(LIST),
      .min_args = 1, .max_args = 2, .fn = fn_range,
      .signature = "range([from,] to)",
      .doc = "The whole numbers from FROM (default 0) up to TO, not "
             "including TO." },
    { .name = "registry", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = eval_fn_registry,
      .signature = "registry(name)",
      .doc = "The registry mig.yaml names NAME (a plain string), for a "
             "registry action's db: an embedded one's path, a remote one's "
             "URL.",
      .outside = true },
    { .name = "replace", .result = ACTION_T(STRING),
      .min_args = 3, .max_args = 3, .fn = fn_replace,
      .signature = "replace(s, old, new)",
      .doc = "S with every OLD (not empty) replaced by NEW." },
    { .name = "secret_env", .result = ACTION_T(SECRET),
      .min_args = 1, .max_args = 1, .fn = eval_fn_secret_env,
      .signature = "secret_env(name)",
      .doc = "The environment variable NAME as a secret: passed to actions "
             "that take secrets, shown as ***; an error when it is not set "
             "or empty.",
      .secrets = EVAL_SECRETS_REFUSED, .outside = true },
    { .name = "semver", .result = ACTION_T(NUMBER),
      .min_args = 2, .max_args = 2, .fn = fn_semver,
      .signature = "semver(a, b)",
      .doc = "-1, 0 or 1 as version A precedes, equals or follows B "
             "(SemVer 2.0.0)." },
    { .name = "split", .result = ACTION_T(LIST),
      .min_args = 2, .max_args = 2, .fn = fn_split,
      .signature = "split(s, sep)",
      .doc = "The pieces of S between occurrences of SEP (not empty)." },
    { .name = "starts_with", .result = ACTION_T(BOOL),
      .min_args = 2, .max_args = 2, .fn = eval_fn_starts_with,
      .signature = "starts_with(s, prefix)",
      .doc = "Whether the string S starts with PREFIX." },
    { .name = "str", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = fn_str,
      .signature = "str(value)",
      .doc = "VALUE as text, the way ${} inserts it." },
    { .name = "type", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = fn_type,
      .signature = "type(value)",
      .doc = "The type name: null, bool, number, string, list, map, "
             "duration, secret.",
      .secrets = EVAL_SECRETS_PASSED },
    { .name = "upper", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = fn_upper,
      .signature = "upper(s)", .doc = "S with ASCII letters in upper case." },
    { .name = "values", .result = ACTION_T(LIST),
      .min_args = 1, .max_args = 1, .fn = fn_values,
      .signature = "values(map)", .doc = "The values of MAP, in order.",
      .secrets = EVAL_SECRETS_HELD },
    { .name = "yaml", .result = ACTION_T(STRING),
      .min_args = 1, .max_args = 1, .fn = fn_yaml,
      .signature = "yaml(value)",
      .doc = "VALUE as a YAML document (block style, ending in a newline)." },
};

#define EVAL_N_BUILTINS (sizeof(eval_builtins) / sizeof(eval_builtins[0]))

const eval_builtin_t *eval_builtin_find(const char *name)
{
    for (size_t i = 0; i < EVAL_N_BUILTINS; i++)
        if (strcmp(eval_builtins[i].name, name) == 0)
            return &eval_builtins[i];
    return NULL;
}

const eval_builtin_t *eval_builtin_table(size_t *count)
{
    *count = EVAL_N_BUILTINS;
    return eval_builtins;
}
