/* adapt_words.c: the words adapt.params knows (docs/recovery.md,
 * "Synonyms and abbreviations" and "Removed parameters"): a small,
 * curated table of names that stand for one another, and the words that
 * mark a parameter as carrying meaning a call cannot silently lose. Data
 * only, with a reason for each row; adapt_params.c reads it through
 * adapt_synonym and adapt_meaning. */
#include <string.h>

#include "adapt_int.h"

/* ---- synonyms and abbreviations ----------------------------------------- */

/* A row: the head word and the words (normal forms: lower case, no
 * separators) that stand for it, as a whole name or as one word of a
 * name. Only pairs that published interfaces use for the same thing. */
static const struct {
    const char *head;
    const char *const *same;
} synonyms[] = {
    /* Search text: Google, GitHub and Bing search take `q`; Stripe,
     * Algolia and most MCP search tools take `query`. */
    { "query", (const char *const[]){ "q", "search", "searchquery",
                                      "querystring", NULL } },
    /* A bound on the results returned: GitHub `per_page`, YouTube
     * `maxResults`, Google Books `maxResults`, Stripe and Slack `limit`,
     * OData `top`. */
    { "limit", (const char *const[]){ "maxresults", "perpage", "pagesize",
                                      "top", NULL } },
    /* Resource addresses: `uri` and `url` are used interchangeably by
     * MCP resource tools and OpenAPI servers; `href` and `link` by HAL. */
    { "url", (const char *const[]){ "uri", "href", "link", NULL } },
    /* The text of a message or document: OpenAI `content`, Slack `text`,
     * GitHub comments `body`. */
    { "content", (const char *const[]){ "text", "body", NULL } },
    /* Abbreviations of one word of a name (max_temp ~ maximum_temperature). */
    { "number", (const char *const[]){ "num", "no", "nbr", NULL } },
    { "maximum", (const char *const[]){ "max", NULL } },
    { "minimum", (const char *const[]){ "min", NULL } },
    { "description", (const char *const[]){ "desc", "descr", NULL } },
    { "message", (const char *const[]){ "msg", NULL } },
    { "language", (const char *const[]){ "lang", NULL } },
    { "temperature", (const char *const[]){ "temp", NULL } },
    { "address", (const char *const[]){ "addr", NULL } },
    { "quantity", (const char *const[]){ "qty", NULL } },
    { "image", (const char *const[]){ "img", NULL } },
    { "directory", (const char *const[]){ "dir", "folder", NULL } },
    { "repository", (const char *const[]){ "repo", NULL } },
    { "organization", (const char *const[]){ "org", "organisation", NULL } },
    { "identifier", (const char *const[]){ "id", NULL } },
    { "count", (const char *const[]){ "cnt", NULL } },
    { "length", (const char *const[]){ "len", NULL } },
    { "timestamp", (const char *const[]){ "ts", NULL } },
    { "timezone", (const char *const[]){ "tz", NULL } },
    { "configuration", (const char *const[]){ "config", "cfg", "conf",
                                              NULL } },
    { "parameters", (const char *const[]){ "params", "args", "arguments",
                                           NULL } },
};

/* The head word of the normal form W (N bytes), or NULL. */
static const char *head_of(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof synonyms / sizeof *synonyms; i++) {
        if (strlen(synonyms[i].head) == n
            && memcmp(synonyms[i].head, w, n) == 0)
            return synonyms[i].head;
        for (const char *const *s = synonyms[i].same; *s; s++)
            if (strlen(*s) == n && memcmp(*s, w, n) == 0)
                return synonyms[i].head;
    }
    return NULL;
}

size_t adapt_normal_form(const char *name, size_t len, char *n)
{
    size_t m = 0;
    for (size_t i = 0; i < len; i++) {
        if (strchr("_-. ", name[i]))
            continue;
        if (m == ADAPT_WORD_MAX)
            return ADAPT_WORD_MAX;
        n[m++] = name[i] >= 'A' && name[i] <= 'Z'
            ? (char)(name[i] - 'A' + 'a') : name[i];
    }
    return m;
}

static bool word_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
        || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

/* Splits NAME (LEN bytes) into its words: at '_', '-', '.', spaces, a
 * lower-case letter or digit followed by an upper-case one, and between
 * letters and digits. Calls EACH on every word's normal form (lower
 * case). */
static void words(const char *name, size_t len,
                  void (*each)(void *, const char *, size_t), void *arg)
{
    char w[ADAPT_WORD_MAX];
    size_t n = 0;
    for (size_t i = 0; i <= len; i++) {
        char ch = i < len ? name[i] : ' ';
        bool sep = strchr("_-. ", ch) != NULL;
        bool up = ch >= 'A' && ch <= 'Z';
        bool digit = ch >= '0' && ch <= '9';
        bool prev_digit = n && w[n - 1] >= '0' && w[n - 1] <= '9';
        bool prev_lower = i && name[i - 1] >= 'a' && name[i - 1] <= 'z';
        bool cut = sep || (up && prev_lower) || (n && digit != prev_digit);
        if (cut && n) {
            each(arg, w, n);
            n = 0;
        }
        if (!sep && n < sizeof w)
            w[n++] = up ? (char)(ch - 'A' + 'a') : ch;
    }
}

/* The canonical form of a name: its words, each replaced by its head. */
static void put_head(void *arg, const char *w, size_t n)
{
    strbuf_t *b = arg;
    const char *h = head_of(w, n);
    strbuf_puts(b, b->len ? " " : "");
    if (h)
        strbuf_puts(b, h);
    else
        strbuf_put(b, w, n);
}

/* NAME's canonical form into B: the head of its whole normal form when
 * the table has it, else its words' heads. */
static void canonical(const char *name, size_t len, strbuf_t *b)
{
    char whole[ADAPT_WORD_MAX];
    size_t n = adapt_normal_form(name, len, whole);
    const char *h = n < ADAPT_WORD_MAX ? head_of(whole, n) : NULL;
    if (h)
        strbuf_puts(b, h);
    else
        words(name, len, put_head, b);
}

int adapt_synonym(const char *a, size_t la, const char *b, size_t lb)
{
    if (la >= ADAPT_WORD_MAX || lb >= ADAPT_WORD_MAX)
        return 0;
    strbuf_t ca, cb;
    strbuf_init(&ca);
    strbuf_init(&cb);
    canonical(a, la, &ca);
    canonical(b, lb, &cb);
    int same = ca.oom || cb.oom ? -1
             : ca.len > 0 && ca.len == cb.len
               && memcmp(ca.data, cb.data, ca.len) == 0;
    strbuf_free(&ca);
    strbuf_free(&cb);
    return same;
}

/* The sorted words of NAME's canonical form, a plural's 's' left out. */
typedef struct word_set {
    char w[8][ADAPT_WORD_MAX];
    size_t n;
    bool full;
} word_set_t;

/* The word *W (N bytes, lower case) as words are compared: its synonym
 * row's head (*W then points at it), a plural's 's' left out; its
 * length. */
static size_t compared_word(const char **w, size_t n)
{
    const char *h = head_of(*w, n);
    if (h) {
        *w = h;
        n = strlen(h);
    }
    if (n > 3 && (*w)[n - 1] == 's')
        n--;
    return n;
}

static void put_word(void *arg, const char *w, size_t n)
{
    word_set_t *ws = arg;
    n = compared_word(&w, n);
    if (ws->n == 8 || n >= ADAPT_WORD_MAX) {
        ws->full = true;
        return;
    }
    size_t at = ws->n++;
    memcpy(ws->w[at], w, n);
    ws->w[at][n] = '\0';
    for (; at > 0 && strcmp(ws->w[at - 1], ws->w[at]) > 0; at--) {
        char t[ADAPT_WORD_MAX];
        memcpy(t, ws->w[at], sizeof t);
        memcpy(ws->w[at], ws->w[at - 1], sizeof t);
        memcpy(ws->w[at - 1], t, sizeof t);
    }
}

static bool in_set(const word_set_t *ws, const char *w)
{
    for (size_t i = 0; i < ws->n; i++)
        if (strcmp(ws->w[i], w) == 0)
            return true;
    return false;
}

/* Verbs that name the same kind of operation on a resource: a tool
 * list_sub_issues merged behind get_sub_issues still reads them. Public
 * tool sets use each of these for the kind (GitHub's MCP get_ and list_,
 * REST's GET, Playwright's browser_ tools). */
static const struct verb {
    const char *verb, *kind;
} verbs[] = {
    { "get", "read" }, { "list", "read" }, { "read", "read" },
    { "fetch", "read" }, { "retrieve", "read" }, { "show", "read" },
    { "create", "create" }, { "add", "create" }, { "insert", "create" },
    { "update", "update" }, { "edit", "update" }, { "modify", "update" },
    { "delete", "delete" }, { "remove", "delete" }, { "destroy", "delete" },
};

static const char *verb_kind(const char *w)
{
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
        if (strcmp(verbs[i].verb, w) == 0)
            return verbs[i].kind;
    return NULL;
}

/* Whether WS holds W, or, LOOSE, a verb of W's kind. */
static bool in_set_as(const word_set_t *ws, const char *w, bool loose)
{
    const char *k = loose ? verb_kind(w) : NULL;
    for (size_t i = 0; i < ws->n; i++)
        if (strcmp(ws->w[i], w) == 0
            || (k && verb_kind(ws->w[i])
                && strcmp(verb_kind(ws->w[i]), k) == 0))
            return true;
    return false;
}

bool adapt_merged_name(const char *old, const char *tool, const char *value,
                       bool loose)
{
    word_set_t o = { .n = 0 }, t = { .n = 0 }, v = { .n = 0 };
    if (strlen(old) >= ADAPT_WORD_MAX || strlen(tool) >= ADAPT_WORD_MAX
        || strlen(value) >= ADAPT_WORD_MAX)
        return false;
    words(old, strlen(old), put_word, &o);
    words(tool, strlen(tool), put_word, &t);
    words(value, strlen(value), put_word, &v);
    if (o.full || t.full || v.full || !o.n || !v.n)
        return false;
    bool shared = false;
    for (size_t i = 0; i < v.n; i++)
        if (!in_set_as(&o, v.w[i], loose))
            return false;
    for (size_t i = 0; i < o.n; i++) {
        if (!in_set(&t, o.w[i]) && !in_set_as(&v, o.w[i], loose))
            return false;
        shared = shared || in_set(&t, o.w[i]);
    }
    return shared;
}

bool adapt_words_within(const char *a, const char *b)
{
    word_set_t wa = { .n = 0 }, wb = { .n = 0 };
    if (strlen(a) >= ADAPT_WORD_MAX || strlen(b) >= ADAPT_WORD_MAX)
        return false;
    words(a, strlen(a), put_word, &wa);
    words(b, strlen(b), put_word, &wb);
    if (wa.full || wb.full || wa.n < 2 || wb.n <= wa.n)
        return false;
    for (size_t i = 0; i < wa.n; i++)
        if (!in_set(&wb, wa.w[i]))
            return false;
    return true;
}

/* ---- descriptions -------------------------------------------------------- */

/* The distinct words of a text, for adapt_text_overlap. */
typedef struct text_words {
    char w[ADAPT_TEXT_WORDS][ADAPT_WORD_MAX];
    size_t n;
    bool full;
} text_words_t;

/* Puts the word W (N bytes, lower case) into T as compared_word makes
 * it, once. */
static void put_text_word(text_words_t *t, const char *w, size_t n)
{
    n = compared_word(&w, n);
    for (size_t i = 0; i < t->n; i++)
        if (strlen(t->w[i]) == n && memcmp(t->w[i], w, n) == 0)
            return;
    if (t->n == ADAPT_TEXT_WORDS) {
        t->full = true;
        return;
    }
    memcpy(t->w[t->n], w, n);
    t->w[t->n++][n] = '\0';
}

/* The words of TEXT (LEN bytes) into T: runs of ASCII letters and
 * digits, lower-cased, of 3 characters or more (shorter ones, "a", "to",
 * "or", say little of what a tool does). */
static void text_words(const char *text, size_t len, text_words_t *t)
{
    char w[ADAPT_WORD_MAX];
    size_t n = 0;
    t->n = 0;
    t->full = false;
    for (size_t i = 0; i <= len; i++) {
        char ch = i < len ? text[i] : ' ';
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
                     || (ch >= '0' && ch <= '9');
        if (alnum && n < sizeof w - 1) {
            w[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
            continue;
        }
        if (!alnum && n >= 3)
            put_text_word(t, w, n);
        if (!alnum)
            n = 0;
    }
}

int adapt_text_overlap(const char *a, size_t la, const char *b, size_t lb)
{
    text_words_t wa, wb;
    text_words(a, la, &wa);
    text_words(b, lb, &wb);
    if (wa.full || wb.full || !wa.n || !wb.n)
        return -1;
    size_t both = 0;
    for (size_t i = 0; i < wa.n; i++)
        for (size_t j = 0; j < wb.n; j++)
            both += strcmp(wa.w[i], wb.w[j]) == 0;
    return (int)(100 * both / (wa.n + wb.n - both));
}

/* ---- parameters that carry meaning -------------------------------------- */

/* A word of a parameter's name that says what it means to the call: a
 * parameter named so is never dropped for want of a place (the results
 * of the call would change without a word: another page, another order,
 * more or other items). */
static const struct {
    const char *word;
    const char *kind;
} meanings[] = {
    { "cursor", "a pagination cursor" },
    { "after", "a pagination cursor" },
    { "before", "a pagination cursor" },
    { "page", "a page number or offset" },
    { "offset", "a page number or offset" },
    { "marker", "a pagination cursor" },
    { "token", "a pagination cursor" },
    { "continuation", "a pagination cursor" },
    { "skip", "a page number or offset" },
    /* Where a listing starts: Solr and Google Custom Search `start`,
     * Jira `startAt`, OpenSearch `startIndex`, DynamoDB
     * `ExclusiveStartKey`, Notion `start_cursor`. */
    { "start", "a starting point (an offset, a cursor or a time)" },
    { "since", "a filter" },
    { "until", "a filter" },
    { "sort", "a sort order" },
    { "order", "a sort order" },
    { "orderby", "a sort order" },
    { "sortby", "a sort order" },
    { "direction", "a sort order" },
    { "filter", "a filter" },
    { "filters", "a filter" },
    { "where", "a filter" },
    { "query", "a filter" },
    { "q", "a filter" },
    { "search", "a filter" },
    { "state", "a filter" },
    { "status", "a filter" },
    { "label", "a filter" },
    { "labels", "a filter" },
    { "include", "a filter" },
    { "exclude", "a filter" },
};

typedef struct meaning_find {
    const char *kind;
} meaning_find_t;

static void find_meaning(void *arg, const char *w, size_t n)
{
    meaning_find_t *f = arg;
    for (size_t i = 0; !f->kind && i < sizeof meanings / sizeof *meanings;
         i++)
        if (strlen(meanings[i].word) == n
            && memcmp(meanings[i].word, w, n) == 0)
            f->kind = meanings[i].kind;
}

/* Whole names that bound how many results a call returns: checked before
 * the words, so that per_page is a bound, not a page cursor. */
static const char *const bounds[] = {
    "limit", "perpage", "pagesize", "maxresults", "top", "first", "last",
    "count", NULL,
};

const char *adapt_meaning(const char *name, size_t len)
{
    meaning_find_t f = { NULL };
    char whole[ADAPT_WORD_MAX];
    size_t n = adapt_normal_form(name, len, whole);
    for (size_t i = 0; n < ADAPT_WORD_MAX && bounds[i]; i++)
        if (strlen(bounds[i]) == n && memcmp(bounds[i], whole, n) == 0)
            return "a bound on the results";
    if (len < ADAPT_WORD_MAX)
        words(name, len, find_meaning, &f);
    return f.kind;
}

bool adapt_mentions(const char *text, size_t tlen, const char *name,
                    size_t len)
{
    char n[ADAPT_WORD_MAX], w[ADAPT_WORD_MAX];
    size_t m = adapt_normal_form(name, len, n);
    if (m < 3 || m == ADAPT_WORD_MAX)
        return false;
    for (size_t i = 0; i < tlen;) {
        size_t j = i;
        while (j < tlen && word_char(text[j]))
            j++;
        if (j > i && adapt_normal_form(text + i, j - i, w) == m
            && memcmp(w, n, m) == 0)
            return true;
        i = j > i ? j : i + 1;
    }
    return false;
}
