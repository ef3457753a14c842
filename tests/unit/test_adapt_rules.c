/* test_adapt_rules.c: adapt.params on the kinds of real interface changes
 * of docs/recovery.md's mismatch catalogue (issue 19): synonyms and
 * abbreviations, descriptions and enums as evidence, the threshold and
 * its candidates, never by type alone (the `after` cursor), the plan's
 * map, removed parameters dropped or refused (and not dropped while a
 * property left to its default could be them), enum remaps and array <->
 * scalar. Each checks the whole decision: the call given back, every
 * change line, or the exact refusal. */
#include "adapt_fixture.h"

#define P "adapt.params"

#define DETAIL(method, schema)                                               \
    "{'argument': 'params', 'method': '" method "', 'schema': " schema "}"

/* GitHub's list of issues after its move to GraphQL-style arguments. */
#define ISSUES(required)                                                     \
    DETAIL("issues.list",                                                    \
           "{'type': 'object', 'properties': {"                              \
           "'query': {'type': 'string', 'description': 'Search text'}, "     \
           "'state': {'type': 'string', 'enum': ['OPEN', 'CLOSED']}, "       \
           "'first': {'type': 'integer', 'default': 30}}, "                  \
           "'required': " required "}")

/* ---- synonyms and abbreviations ----------------------------------------- */

static void synonyms(void **state)
{
    afx_t *f = *state;
    /* A whole name: q is the query. */
    afx_expect_retry(f, P, "{'params': {'q': 'bug'}}", ISSUES("[]"), NULL,
                     "{'params': {'query': 'bug', 'first': 30}}",
                     CHANGES("params: 'q' -> 'query' (synonym, 90%)",
                             "params.first: default 30"));
    /* A bound on the results: per_page is a limit. */
    afx_expect_retry(f, P, "{'params': {'per_page': 5}}",
                     DETAIL("s", "{'properties': {'limit': {'type': "
                            "'integer'}}}"), NULL,
                     "{'params': {'limit': 5}}",
                     CHANGES("params: 'per_page' -> 'limit' (synonym, "
                             "90%)"));
    /* Word by word: maxTemp is max_temperature. */
    afx_expect_retry(f, P, "{'params': {'maxTemp': 30}}",
                     DETAIL("s", "{'properties': {'max_temperature': "
                            "{'type': 'number'}, 'min_temperature': {'type':"
                            " 'number'}}}"), NULL,
                     "{'params': {'max_temperature': 30}}",
                     CHANGES("params: 'maxTemp' -> 'max_temperature' "
                             "(synonym, 95%)"));
    /* A synonym whose value does not fit the type is no rename, and not
     * dropped either: the call said something of the query. */
    afx_expect_fail(f, P, "{'params': {'q': ['a', 'b']}}", ISSUES("[]"),
                    NULL, "parameter 'q' stands for 'query' of issues.list "
                    "(synonym, 90%), but its value [\"a\", \"b\"] does not "
                    "fit it", NO_CHANGES);
}

/* ---- descriptions and enums as evidence --------------------------------- */

static void descriptions_and_enums(void **state)
{
    afx_t *f = *state;
    const char *place = DETAIL("weather.get", "{'properties': {'place': "
                               "{'type': 'string', 'description': 'The city "
                               "to forecast'}, 'days': {'type': "
                               "'integer'}}}");
    afx_expect_retry(f, P, "{'params': {'city': 'Oslo'}}", place, NULL,
                     "{'params': {'place': 'Oslo'}}",
                     CHANGES("params: 'city' -> 'place' (the description "
                             "names it, 70%)"));
    /* The value in the enum, with a name two edits away: 75% + 5%. Then
     * the value itself changes case. */
    afx_expect_retry(f, P, "{'params': {'status': 'open'}}", ISSUES("[]"),
                     NULL, "{'params': {'state': 'OPEN', 'first': 30}}",
                     CHANGES("params: 'status' -> 'state' (its value is in "
                             "the enum, 80%)",
                             "params.state: \"open\" -> \"OPEN\" (enum "
                             "value: case, 95%)",
                             "params.first: default 30"));
}

/* ---- the type alone never renames --------------------------------------- */

/* The bug of issue 19: a removed pagination cursor was mapped "by type"
 * onto query, turning a cursor into search text. */
static void cursor_is_not_a_query(void **state)
{
    afx_t *f = *state;
    afx_expect_fail(f, P, "{'params': {'after': 'Y3Vyc29yOjI=', 'state': "
                    "'OPEN'}}", ISSUES("[]"), NULL,
                    "parameter 'after' is a pagination cursor, and "
                    "issues.list has no parameter for it (query, state, "
                    "first): dropping it would change what the call "
                    "returns", NO_CHANGES);
    /* A page number is no page size, though one name holds the other
     * (github-mcp-server 8aa3379f: page went, perPage stayed), nor an
     * opaque cursor whose description says "page": names that mean
     * different things are never matched. */
    afx_expect_fail(f, P, "{'params': {'page': 2}}",
                    DETAIL("issues.list", "{'properties': {'perPage': "
                           "{'type': 'number'}, 'after': {'type': "
                           "'string', 'description': 'Cursor from the "
                           "previous page'}}}"), NULL,
                    "parameter 'page' is a page number or offset, and "
                    "issues.list has no parameter for it (perPage, after): "
                    "dropping it would change what the call returns",
                    NO_CHANGES);
    /* With query required, it is named as a candidate of 20%, and still
     * not applied. */
    afx_expect_fail(f, P, "{'params': {'after': 'Y3Vyc29yOjI=', 'state': "
                    "'OPEN'}}", ISSUES("['query']"), NULL,
                    "parameter 'after' matches no parameter of issues.list "
                    "(query, state, first) with 70% confidence or more; not "
                    "applied: 'query' (20%: the type only)", NO_CHANGES);
}

/* ---- the plan's map ----------------------------------------------------- */

static void plan_map(void **state)
{
    afx_t *f = *state;
    /* The map wins over any guess; null drops; values remap. */
    afx_expect_retry(f, P, "{'params': {'after': 'c1', 'q': 'bug', "
                     "'status': 'open', 'trace': true}}", ISSUES("[]"),
                     "{'map': {'after': null, 'q': 'query', 'status': "
                     "{'to': 'state', 'values': {'open': 'OPEN'}}, "
                     "'trace': null}}",
                     "{'params': {'query': 'bug', 'state': 'OPEN', "
                     "'first': 30}}",
                     CHANGES("params.after: dropped (the plan's map)",
                             "params: 'q' -> 'query' (the plan's map, "
                             "100%)",
                             "params: 'status' -> 'state' (the plan's map, "
                             "100%)",
                             "params.trace: dropped (the plan's map)",
                             "params.state: \"open\" -> \"OPEN\" (the "
                             "plan's map, 100%)",
                             "params.first: default 30"));
    /* A map to a parameter the schema does not have, or one given. */
    afx_expect_fail(f, P, "{'params': {'q': 'bug'}}", ISSUES("[]"),
                    "{'map': {'q': 'search'}}",
                    "the plan's map renames 'q' to 'search', but "
                    "issues.list has no such parameter (query, state, "
                    "first)", NO_CHANGES);
    afx_expect_fail(f, P, "{'params': {'q': 'bug', 'query': 'x'}}",
                    ISSUES("[]"), "{'map': {'q': 'query'}}",
                    "the plan's map renames 'q' to 'query', but the call "
                    "gives 'query' already", NO_CHANGES);
    /* A map entry of the wrong shape stops the strategy. */
    afx_expect_invalid(f, P, "{'params': {'q': 'bug'}}", ISSUES("[]"),
                       "{'map': {'q': 3}}",
                       "adapt.params: map.q: expected a new name, null "
                       "(drop it), {to: NAME, values: {OLD: NEW}} or "
                       "{refuse: TEXT}, found a number");
    afx_expect_invalid(f, P, "{'params': {'q': 'bug'}}", ISSUES("[]"),
                       "{'map': {'q': {'to': 'query', 'as': 1}}}",
                       "adapt.params: map.q: expected a new name, null "
                       "(drop it), {to: NAME, values: {OLD: NEW}} or "
                       "{refuse: TEXT}, found a map");
    afx_expect_invalid(f, P, "{'params': {'q': 'bug'}}", ISSUES("[]"),
                       "{'map': {'q': {'refuse': 'why', 'to': 'query'}}}",
                       "adapt.params: map.q: expected a new name, null "
                       "(drop it), {to: NAME, values: {OLD: NEW}} or "
                       "{refuse: TEXT}, found a map");
    /* A refusal the interface diff wrote into a mapping file. */
    afx_expect_fail(f, P, "{'params': {'q': 'bug', 'raw': false}}",
                    ISSUES("[]"), "{'map': {'q': 'query', 'raw': {'refuse': "
                    "'which image type it stands for is a person call'}}}",
                    "parameter 'raw' cannot be translated (the plan's "
                    "map): which image type it stands for is a person call",
                    CHANGES("params: 'q' -> 'query' (the plan's map, "
                            "100%)"));
}

/* ---- removed parameters ------------------------------------------------- */

static void removed_parameters(void **state)
{
    afx_t *f = *state;
    /* No meaning the new interface needs: dropped, the loss reported. */
    afx_expect_retry(f, P, "{'params': {'query': 'bug', 'pretty': true}}",
                     ISSUES("[]"), NULL,
                     "{'params': {'query': 'bug', 'first': 30}}",
                     CHANGES("params.pretty: dropped, true lost "
                             "(issues.list has no such parameter)",
                             "params.first: default 30"));
    /* A sort order, a filter: refused. */
    afx_expect_fail(f, P, "{'params': {'query': 'bug', 'sort_by': "
                    "'created'}}", ISSUES("[]"), NULL,
                    "parameter 'sort_by' is a sort order, and issues.list "
                    "has no parameter for it (query, state, first): "
                    "dropping it would change what the call returns",
                    NO_CHANGES);
    afx_expect_fail(f, P, "{'params': {'query': 'bug', 'labels': "
                    "['ui']}}", ISSUES("[]"), NULL,
                    "parameter 'labels' is a filter, and issues.list has "
                    "no parameter for it (query, state, first): dropping "
                    "it would change what the call returns", NO_CHANGES);
    /* A bound on the results is no page cursor, and is not dropped
     * either. */
    afx_expect_fail(f, P, "{'params': {'query': 'bug', 'per_page': 5}}",
                    DETAIL("s", "{'properties': {'query': {'type': "
                           "'string'}}}"), NULL,
                    "parameter 'per_page' is a bound on the results, and s "
                    "has no parameter for it (query): dropping it would "
                    "change what the call returns", NO_CHANGES);
    /* Kept when the schema allows other keys in so many words. */
    afx_expect_retry(f, P, "{'params': {'query': 'bug', 'sort_by': 'c', "
                     "'state': 'open'}}",
                     DETAIL("issues.list", "{'properties': {'query': "
                            "{'type': 'string'}, 'state': {'enum': "
                            "['OPEN']}}, 'additionalProperties': true}"),
                     NULL, "{'params': {'query': 'bug', 'sort_by': 'c', "
                     "'state': 'OPEN'}}",
                     CHANGES("params.state: \"open\" -> \"OPEN\" (enum "
                             "value: case, 95%)"));
}

/* ---- enum values -------------------------------------------------------- */

#define STATES                                                               \
    DETAIL("tasks.list", "{'properties': {'state': {'type': 'string', "      \
           "'enum': ['in_progress', 'cancelled', 'done']}, "                 \
           "'size': {'enum': ['bars', 'bark']}}}")

static void enum_remaps(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, P, "{'params': {'state': 'In-Progress'}}", STATES,
                     NULL, "{'params': {'state': 'in_progress'}}",
                     CHANGES("params.state: \"In-Progress\" -> "
                             "\"in_progress\" (enum value: same once "
                             "normalised, 95%)"));
    afx_expect_retry(f, P, "{'params': {'state': 'canceled'}}", STATES,
                     NULL, "{'params': {'state': 'cancelled'}}",
                     CHANGES("params.state: \"canceled\" -> \"cancelled\" "
                             "(enum value: likely typo, 80%)"));
    /* A value the new enum dropped is refused by the validation. */
    afx_expect_fail(f, P, "{'params': {'state': 'archived', 'x': 1}}",
                    STATES, NULL, "params.state: must be one of "
                    "\"in_progress\", \"cancelled\", \"done\"",
                    CHANGES("params.x: dropped, 1 lost (tasks.list has no "
                            "such parameter)"));
    /* Two values equally close: no guess. */
    afx_expect_fail(f, P, "{'params': {'size': 'bar', 'x': 1}}", STATES,
                    NULL, "params.size: must be one of \"bars\", \"bark\"",
                    CHANGES("params.x: dropped, 1 lost (tasks.list has no "
                            "such parameter)"));
}

/* ---- a key a property left to its default could be ---------------------- */

/* GeoNames' maxRows, Solr's rows: a bound the names do not tell. */
#define GEO                                                                  \
    DETAIL("geo.lookup", "{'properties': {'query': {'type': 'string'}, "     \
           "'limit': {'type': 'integer', 'default': 5}, 'unit': {'type': "   \
           "'string', 'enum': ['km', 'mi'], 'default': 'km'}}}")

static void not_dropped_when_a_default_could_be_it(void **state)
{
    afx_t *f = *state;
    /* limit, left to its default, could be rows: refused, not dropped
     * (dropping it would answer 5 results where 30 were asked). */
    afx_expect_fail(f, P, "{'params': {'query': 'x', 'rows': 30}}", GEO,
                    NULL, "parameter 'rows' matches no parameter of "
                    "geo.lookup (query, limit, unit) with 70% confidence or "
                    "more; not applied: 'limit' (20%: the type only)",
                    NO_CHANGES);
    /* The text of a number is one too; a list of one item is its item. */
    afx_expect_fail(f, P, "{'params': {'query': 'x', 'rows': '30'}}", GEO,
                    NULL, "parameter 'rows' matches no parameter of "
                    "geo.lookup (query, limit, unit) with 70% confidence or "
                    "more; not applied: 'limit' (20%: the type only)",
                    NO_CHANGES);
    afx_expect_fail(f, P, "{'params': {'query': 'x', 'rows': [30]}}", GEO,
                    NULL, "parameter 'rows' matches no parameter of "
                    "geo.lookup (query, limit, unit) with 70% confidence or "
                    "more; not applied: 'limit' (20%: the type only)",
                    NO_CHANGES);
    /* A text that is no number is one too: numbers are written as text,
     * and rows: "lots" (Solr's rows, a bound) may be limit, broken; only
     * the name would tell, so it is not dropped (issue 19, TOOLS_SEED 2). */
    afx_expect_fail(f, P, "{'params': {'query': 'x', 'rows': 'lots'}}", GEO,
                    NULL, "parameter 'rows' matches no parameter of "
                    "geo.lookup (query, limit, unit) with 70% confidence or "
                    "more; not applied: 'limit' (20%: the type only)",
                    NO_CHANGES);
    /* A text beside a bool left to its default: the same (legacy tools
     * write bools as text too). */
    afx_expect_fail(f, P, "{'params': {'query': 'x', 'callback': 'cb'}}",
                    DETAIL("search.web", "{'properties': {'query': {'type': "
                           "'string'}, 'safe': {'type': 'boolean', "
                           "'default': true}}}"), NULL,
                    "parameter 'callback' matches no parameter of search.web "
                    "(query, safe) with 70% confidence or more; not applied: "
                    "'safe' (20%: the type only)", NO_CHANGES);
    /* A list where a single value is wanted is that value (a list of
     * one), or broken (two): refused either way while the property is
     * left to its default (HTTP's charset for encoding, issue 19,
     * TOOLS_SEED 9); an empty list holds nothing, and is dropped. */
    const char *files = DETAIL("files.read", "{'properties': {'path': "
                               "{'type': 'string'}, 'encoding': {'type': "
                               "'string', 'default': 'utf-8'}}}");
    afx_expect_fail(f, P, "{'params': {'path': 'p', 'charset': ['a', 'b']}}",
                    files, NULL, "parameter 'charset' matches no parameter "
                    "of files.read (path, encoding) with 70% confidence or "
                    "more; not applied: 'encoding' (20%: the type only)",
                    NO_CHANGES);
    afx_expect_retry(f, P, "{'params': {'path': 'p', 'charset': []}}", files,
                     NULL, "{'params': {'path': 'p', 'encoding': 'utf-8'}}",
                     CHANGES("params.charset: dropped, [] lost (files.read "
                             "has no such parameter)",
                             "params.encoding: default \"utf-8\""));
    afx_expect_retry(f, P, "{'params': {'path': 'p', 'encoding': 'latin1', "
                     "'charset': ['a', 'b']}}", files, NULL,
                     "{'params': {'path': 'p', 'encoding': 'latin1'}}",
                     CHANGES("params.charset: dropped, [\"a\", \"b\"] lost "
                             "(files.read has no such parameter)"));
    /* A value no property left could hold: dropped. A bool is no
     * integer, and an enum takes only its values (a value in it would be
     * evidence), so a text beside a given limit is dropped too. */
    afx_expect_retry(f, P, "{'params': {'query': 'x', 'pretty': true}}", GEO,
                     NULL,
                     "{'params': {'query': 'x', 'limit': 5, 'unit': 'km'}}",
                     CHANGES("params.pretty: dropped, true lost (geo.lookup "
                             "has no such parameter)",
                             "params.limit: default 5",
                             "params.unit: default \"km\""));
    afx_expect_retry(f, P, "{'params': {'query': 'x', 'limit': 7, "
                     "'fmt': 'long'}}", GEO, NULL,
                     "{'params': {'query': 'x', 'limit': 7, 'unit': 'km'}}",
                     CHANGES("params.fmt: dropped, \"long\" lost (geo.lookup "
                             "has no such parameter)",
                             "params.unit: default \"km\""));
    /* Once the call gives limit, nothing is left that rows could be. */
    afx_expect_retry(f, P, "{'params': {'query': 'x', 'limit': 7, "
                     "'rows': 30}}", GEO, NULL,
                     "{'params': {'query': 'x', 'limit': 7, 'unit': 'km'}}",
                     CHANGES("params.rows: dropped, 30 lost (geo.lookup has "
                             "no such parameter)",
                             "params.unit: default \"km\""));
}

/* A renamed key whose value is a list of one item: its item fits. */
static void list_of_one_renamed(void **state)
{
    afx_t *f = *state;
    afx_expect_retry(f, P, "{'params': {'recipients': ['a@example.com']}}",
                     DETAIL("mail.send", "{'properties': {'recipient': "
                            "{'type': 'string'}}}"), NULL,
                     "{'params': {'recipient': 'a@example.com'}}",
                     CHANGES("params: 'recipients' -> 'recipient' (one name "
                             "holds the other, 80%)",
                             "params.recipient: [\"a@example.com\"] -> its "
                             "one item (a list where a string is wanted)"));
    /* Two items are no single value: no rename, and not dropped while
     * the property its name stands for takes a default instead. */
    afx_expect_fail(f, P, "{'params': {'recipients': ['a', 'b']}}",
                    DETAIL("mail.send", "{'properties': {'recipient': "
                           "{'type': 'string', 'default': 'me'}}}"),
                    NULL, "parameter 'recipients' stands for 'recipient' of "
                    "mail.send (one name holds the other, 80%), but its "
                    "value [\"a\", \"b\"] does not fit it", NO_CHANGES);
}

/* A map that cannot be moved out is not dropped while one of its keys
 * stands for a property not given (Zoom-style `settings`). */
static void a_container_is_not_dropped_with_what_it_holds(void **state)
{
    afx_t *f = *state;
    const char *s = DETAIL("tasks.list", "{'properties': {'query': {'type': "
                           "'string'}, 'color': {'type': 'string', "
                           "'default': 'grey'}}}");
    afx_expect_fail(f, P, "{'params': {'query': 'x', 'settings': {'color': "
                    "['red', 'blue']}}}", s, NULL, "parameter 'settings' "
                    "holds 'color', which stands for 'color' of tasks.list "
                    "(same name, 95%), and cannot be moved out of it: "
                    "dropping it would lose what the call says of it",
                    NO_CHANGES);
    afx_expect_fail(f, P, "{'params': {'query': 'x', 'settings': {'colour': "
                    "'red', 'z': 1}}}", s, NULL, "parameter 'settings' holds "
                    "'colour', which stands for 'color' of tasks.list (likely "
                    "typo, 80%), and cannot be moved out of it: dropping it "
                    "would lose what the call says of it", NO_CHANGES);
    /* Moved out when every key finds its place; dropped when none names
     * a property. */
    afx_expect_retry(f, P, "{'params': {'query': 'x', 'settings': {'color': "
                     "'red'}}}", s, NULL,
                     "{'params': {'query': 'x', 'color': 'red'}}",
                     CHANGES("params: 'settings.color' -> 'color' (moved out "
                             "of 'settings'; same name, 90%)"));
    afx_expect_retry(f, P, "{'params': {'query': 'x', 'settings': {'z': "
                     "1}}}", s, NULL,
                     "{'params': {'query': 'x', 'color': 'grey'}}",
                     CHANGES("params.settings: dropped, {\"z\": 1} lost "
                             "(tasks.list has no such parameter)",
                             "params.color: default \"grey\""));
}

/* A name of 3 characters and its plural are one name (day ~ days), as
 * 4 characters or more holding one another are; another 3 characters
 * held are not enough (cit ~ city_name, 60%). */
static void plural_of_a_short_name(void **state)
{
    afx_t *f = *state;
    const char *s = DETAIL("weather.get", "{'properties': {'days': {'type': "
                           "'integer', 'default': 1}, 'city_name': {'type': "
                           "'string'}}}");
    afx_expect_retry(f, P, "{'params': {'day': 3, 'city_name': 'Oslo'}}", s,
                     NULL, "{'params': {'days': 3, 'city_name': 'Oslo'}}",
                     CHANGES("params: 'day' -> 'days' (one is the other's "
                             "plural, 80%)"));
    afx_expect_fail(f, P, "{'params': {'cit': 'Oslo', 'days': 2}}", s, NULL,
                    "parameter 'cit' matches no parameter of weather.get "
                    "(days, city_name) with 70% confidence or more; not "
                    "applied: 'city_name' (60%: one name holds the other)",
                    NO_CHANGES);
}

/* Where a listing starts (DynamoDB's ExclusiveStartKey, Jira's startAt)
 * is not dropped, and does not become an event's start. */
static void a_starting_point_is_kept(void **state)
{
    afx_t *f = *state;
    const char *s = DETAIL("calendar.create", "{'properties': {'title': "
                           "{'type': 'string'}, 'private': {'type': "
                           "'boolean', 'default': false}}}");
    afx_expect_fail(f, P, "{'params': {'title': 't', 'ExclusiveStartKey': "
                    "{'id': 'k'}}}", s, NULL, "parameter 'ExclusiveStartKey' "
                    "is a starting point (an offset, a cursor or a time), "
                    "and calendar.create has no parameter for it (title, "
                    "private): dropping it would change what the call "
                    "returns", NO_CHANGES);
    afx_expect_retry(f, P, "{'params': {'title': 't', 'start_time': "
                     "'09:00'}}",
                     DETAIL("calendar.create", "{'properties': {'title': "
                            "{'type': 'string'}, 'start': {'type': "
                            "'string'}}}"), NULL,
                     "{'params': {'title': 't', 'start': '09:00'}}",
                     CHANGES("params: 'start_time' -> 'start' (one name "
                             "holds the other, 80%)"));
}

/* ---- nesting ------------------------------------------------------------ */

#define NESTED                                                               \
    DETAIL("issues.search", "{'properties': {'query': {'type': 'string'}, "  \
           "'filter': {'type': 'object', 'properties': {'state': {'enum': "  \
           "['OPEN', 'CLOSED']}, 'labels': {'type': 'array', 'items': "      \
           "{'type': 'string'}}}, 'additionalProperties': false}, "          \
           "'page': {'type': 'object', 'properties': {'size': {'type': "     \
           "'integer'}}}}, 'additionalProperties': false}")

static void moved_into_nesting(void **state)
{
    afx_t *f = *state;
    /* Two keys moved into the filter object, a new one made for them. */
    afx_expect_retry(f, P, "{'params': {'query': 'crash', 'state': 'open', "
                     "'labels': 'ui'}}", NESTED, NULL,
                     "{'params': {'query': 'crash', 'filter': {'state': "
                     "'OPEN', 'labels': ['ui']}}}",
                     CHANGES("params: 'state' -> 'filter.state' (moved into "
                             "'filter'; same name, 94%)",
                             "params: 'labels' -> 'filter.labels' (moved "
                             "into 'filter'; same name, 90%)",
                             "params.filter.state: \"open\" -> \"OPEN\" "
                             "(enum value: case, 95%)",
                             "params.filter.labels: \"ui\" -> [\"ui\"] "
                             "(array)"));
    /* Into the object the call gives already. */
    afx_expect_retry(f, P, "{'params': {'filter': {'labels': ['db']}, "
                     "'state': 'CLOSED'}}", NESTED, NULL,
                     "{'params': {'filter': {'labels': ['db'], 'state': "
                     "'CLOSED'}}}",
                     CHANGES("params: 'state' -> 'filter.state' (moved into "
                             "'filter'; same name, 94%)"));
    /* Not into a property the call gives as something else: the filter
     * is a string here, and 'state' is a filter the call would lose. */
    afx_expect_fail(f, P, "{'params': {'filter': 'x', 'state': 'OPEN'}}",
                    NESTED, NULL, "parameter 'state' is a filter, and "
                    "issues.search has no parameter for it (query, filter, "
                    "page): dropping it would change what the call returns",
                    NO_CHANGES);
}

static void moved_out_of_nesting(void **state)
{
    afx_t *f = *state;
    const char *flat = DETAIL("issues.search", "{'properties': {'query': "
                              "{'type': 'string'}, 'state': {'enum': "
                              "['OPEN', 'CLOSED']}, 'per_page': {'type': "
                              "'integer'}}, 'additionalProperties': false}");
    afx_expect_retry(f, P, "{'params': {'query': 'crash', 'options': "
                     "{'State': 'OPEN', 'limit': 5}}}", flat, NULL,
                     "{'params': {'query': 'crash', 'state': 'OPEN', "
                     "'per_page': 5}}",
                     CHANGES("params: 'options.State' -> 'state' (moved out "
                             "of 'options'; same name, 94%)",
                             "params: 'options.limit' -> 'per_page' (moved "
                             "out of 'options'; synonym, 85%)"));
    /* Not when a key of the object fits nothing: then the object is one
     * key left over, dropped with its loss when nothing in it carries
     * meaning, refused when something does. */
    afx_expect_retry(f, P, "{'params': {'query': 'crash', 'options': "
                     "{'pretty': true, 'colour': 'red'}}}", flat, NULL,
                     "{'params': {'query': 'crash'}}",
                     CHANGES("params.options: dropped, {\"pretty\": true, "
                             "\"colour\": \"red\"} lost (issues.search has "
                             "no such parameter)"));
    afx_expect_fail(f, P, "{'params': {'query': 'crash', 'options': "
                    "{'state': 'OPEN', 'colour': 'red'}}}", flat, NULL,
                    "parameter 'options' holds 'state', a filter, and "
                    "issues.search has no parameter for it (query, state, "
                    "per_page): dropping it would change what the call "
                    "returns", NO_CHANGES);
}

/* ---- array <-> scalar --------------------------------------------------- */

static void array_and_scalar(void **state)
{
    afx_t *f = *state;
    const char *s = DETAIL("t", "{'properties': {'label': {'type': "
                           "'string'}, 'ids': {'type': 'array', 'items': "
                           "{'type': 'integer'}}}}");
    afx_expect_retry(f, P, "{'params': {'label': ['ui'], 'ids': '7'}}", s,
                     NULL, "{'params': {'label': 'ui', 'ids': [7]}}",
                     CHANGES("params.label: [\"ui\"] -> its one item (a "
                             "list where a string is wanted)",
                             "params.ids: \"7\" -> [\"7\"] (array)",
                             "params.ids[0]: \"7\" -> 7 (integer)"));
    afx_expect_fail(f, P, "{'params': {'label': ['ui', 'db']}}", s, NULL,
                    "params.label: [\"ui\", \"db\"] is not a string",
                    NO_CHANGES);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, afx_setup, afx_teardown)
    const struct CMUnitTest tests[] = {
        T(synonyms), T(descriptions_and_enums), T(cursor_is_not_a_query),
        T(plan_map), T(removed_parameters), T(enum_remaps),
        T(moved_into_nesting), T(moved_out_of_nesting), T(array_and_scalar),
        T(not_dropped_when_a_default_could_be_it), T(list_of_one_renamed),
        T(a_starting_point_is_kept), T(plural_of_a_short_name),
        T(a_container_is_not_dropped_with_what_it_holds),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
