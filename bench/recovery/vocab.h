/* vocab.h: the recovery benchmark generator's own vocabulary
 * (bench/recovery/gen.c): the old names a legacy tool gives a V2
 * parameter, the old values it gives an enum, the parameters a V2 method
 * no longer has, and the containers legacy tools nest parameters in.
 *
 * Written apart from the strategies' tables (stdlib/adapt_words.c): each
 * row is a name a published interface uses for the V2 parameter's
 * concept (the interface named in the row), or a plain variant of it
 * (case, plural, British spelling). tests/unit/test_recovery_vocab.c
 * fails when the synonym table is what links a row's two names, so that
 * the set never grades the table against itself; the rows are not chosen
 * by whether mig repairs them. */
#ifndef MIG_BENCH_RECOVERY_VOCAB_H
#define MIG_BENCH_RECOVERY_VOCAB_H

#include <stddef.h>

/* How a legacy name differs from the V2 one. */
typedef enum vocab_kind {
    VK_CASE,            /* another case or separator style */
    VK_LONGER,          /* a longer or shorter name holding the other */
    VK_SYNONYM,         /* another word for the same thing */
    VK_ABBREVIATION,    /* a shortened word */
    VK_SPELLING,        /* British for American spelling */
    VK_NUMBER,          /* plural for singular, or the other way */
    VK_FORM,            /* another word form (is_private, private) */
    VK_DROPPED,         /* an enum value the new enum no longer has */
} vocab_kind_t;

static const char *const vocab_kind_names[] = {
    [VK_CASE] = "case or separator", [VK_LONGER] = "longer or shorter",
    [VK_SYNONYM] = "synonym", [VK_ABBREVIATION] = "abbreviation",
    [VK_SPELLING] = "British spelling", [VK_NUMBER] = "plural or singular",
    [VK_FORM] = "word form", [VK_DROPPED] = "value dropped",
};

/* A legacy name (or value) OLD for the V2 name NEW; SEEN: where a
 * published interface uses OLD for that concept ("" for plain variants). */
typedef struct vocab_row {
    const char *new, *old;
    vocab_kind_t kind;
    const char *seen;
} vocab_row_t;

/* Old parameter names, by the V2 parameter they stand for. */
static const vocab_row_t vocab_params[] = {
    { "location", "Location", VK_CASE, "" },
    { "location", "place", VK_SYNONYM, "Twitter API v1.1 geo/search `place`" },
    { "location", "loc", VK_ABBREVIATION, "sitemaps.org `loc`" },
    { "unit", "units", VK_NUMBER, "OpenWeatherMap current weather `units`" },
    { "unit", "UNIT", VK_CASE, "" },
    { "days", "forecast_days", VK_LONGER, "Open-Meteo forecast `forecast_days`" },
    { "days", "day", VK_NUMBER, "" },
    { "query", "term", VK_SYNONYM, "iTunes Search API `term`" },
    { "query", "keywords", VK_SYNONYM, "eBay Finding API `keywords`" },
    { "query", "Query", VK_CASE, "" },
    { "limit", "maxRows", VK_SYNONYM, "GeoNames search `maxRows`" },
    { "limit", "rows", VK_SYNONYM, "Apache Solr select `rows`" },
    { "recipient", "to", VK_SYNONYM, "Mailgun and SendGrid send `to`" },
    { "recipient", "recipients", VK_NUMBER, "" },
    { "subject", "Subject", VK_CASE, "Postmark email `Subject`" },
    { "subject", "subj", VK_ABBREVIATION, "" },
    { "body", "Body", VK_CASE, "Twilio Messages `Body`" },
    { "body", "message", VK_SYNONYM, "Pushover messages `message`" },
    { "title", "summary", VK_SYNONYM, "Google Calendar API event `summary`" },
    { "title", "Title", VK_CASE, "" },
    { "start", "start_time", VK_LONGER, "Zoom API meeting `start_time`" },
    { "start", "dtstart", VK_LONGER, "iCalendar (RFC 5545) `DTSTART`" },
    { "duration_minutes", "duration", VK_LONGER, "Zoom API meeting `duration` (minutes)" },
    { "duration_minutes", "durationMinutes", VK_CASE, "" },
    { "private", "is_private", VK_FORM, "Slack conversations.create `is_private`" },
    { "max_results", "count", VK_SYNONYM, "Bing Web Search `count`" },
    { "max_results", "num", VK_SYNONYM, "Google Custom Search JSON API `num`" },
    { "max_results", "maxResults", VK_CASE, "YouTube Data API `maxResults`" },
    { "safe", "safeSearch", VK_LONGER, "Bing Web Search `safeSearch`" },
    { "path", "file_path", VK_LONGER, "" },
    { "path", "file", VK_SYNONYM, "Slack files.upload `file`" },
    { "encoding", "charset", VK_SYNONYM, "HTTP Content-Type `charset`" },
    { "encoding", "enc", VK_ABBREVIATION, "" },
    { "status", "state", VK_SYNONYM, "GitHub issues `state`" },
    { "status", "Status", VK_CASE, "" },
    { "tags", "tag", VK_NUMBER, "" },
    { "tags", "labels", VK_SYNONYM, "GitHub issues `labels`" },
    { "color", "colour", VK_SPELLING, "" },
    { "color", "Color", VK_CASE, "" },
    { "options", "Options", VK_CASE, "" },
};
#define N_VOCAB_PARAMS (sizeof vocab_params / sizeof *vocab_params)

/* Old enum values of the V2 parameter PARAM, by the V2 value NEW they
 * stand for; VK_DROPPED: the value has none (NEW is NULL), and a call
 * giving it must be refused. */
static const struct {
    const char *param, *new, *old;
    vocab_kind_t kind;
    const char *seen;
} vocab_values[] = {
    { "unit", "metric", "Metric", VK_CASE, "" },
    { "unit", "metric", "si", VK_SYNONYM, "Dark Sky forecast `units=si`" },
    { "unit", "imperial", "us", VK_SYNONYM, "Dark Sky forecast `units=us`" },
    { "status", "open", "OPEN", VK_CASE, "GitHub GraphQL IssueState `OPEN`" },
    { "status", "in_progress", "in-progress", VK_CASE, "" },
    { "status", "in_progress", "In Progress", VK_CASE, "Jira status `In Progress`" },
    { "status", "done", "completed", VK_SYNONYM, "Google Tasks API task status `completed`" },
    { "status", "cancelled", "canceled", VK_SPELLING, "Stripe subscription status `canceled`" },
    { "status", NULL, "archived", VK_DROPPED, "Asana and Trello: an archived task or card" },
    { "status", NULL, "on_hold", VK_DROPPED, "" },
};
#define N_VOCAB_VALUES (sizeof vocab_values / sizeof *vocab_values)

/* Parameters the V2 methods no longer have. MEANING: dropping it changes
 * what the call returns (a cursor, an offset, a sort order, a filter):
 * a call that gives one must be refused. Otherwise it only shaped the
 * answer's text, and the call is repaired without it. */
static const struct {
    const char *name, *value;   /* the value as JSON */
    int meaning;
    const char *seen;
} vocab_removed[] = {
    { "pageToken", "\"CAUQAA\"", 1, "Google APIs list methods `pageToken`" },
    { "starting_after", "\"obj_1\"", 1, "Stripe list API `starting_after`" },
    { "offset", "20", 1, "Spotify Web API search `offset`" },
    { "cursor", "\"dXNlcjpVMDYx\"", 1, "Slack conversations.list `cursor`" },
    { "ExclusiveStartKey", "{\"id\": \"k-20\"}", 1, "Amazon DynamoDB Query `ExclusiveStartKey`" },
    { "marker", "\"obj-20\"", 1, "OpenStack Swift container listing `marker`" },
    { "sort", "\"updated\"", 1, "GitHub search `sort`" },
    { "order_by", "\"created_at\"", 1, "GitLab issues `order_by`" },
    { "since", "\"2024-01-01T00:00:00Z\"", 1, "GitHub issues `since`" },
    { "filter", "\"today\"", 1, "Todoist tasks `filter`" },
    { "pretty", "true", 0, "Elasticsearch `pretty`" },
    { "prettyPrint", "false", 0, "Google APIs system parameter `prettyPrint`" },
    { "callback", "\"cb\"", 0, "JSONP `callback` (Google APIs system parameter)" },
    { "quotaUser", "\"user-7\"", 0, "Google APIs system parameter `quotaUser`" },
};
#define N_VOCAB_REMOVED (sizeof vocab_removed / sizeof *vocab_removed)

/* Names legacy tools put parameters under that V2 takes at the top. */
static const char *const vocab_containers[] = { "settings", "prefs" };
#define N_VOCAB_CONTAINERS (sizeof vocab_containers / sizeof *vocab_containers)

/* Old tools merged into one V2 tool behind a discriminator (issue 19:
 * the largest kind of real change; the pattern of github-mcp-server's
 * issue_read, issue_write and pull_request_read with `method`, and of
 * playwright-mcp's browser_tabs with `action`). The V2 tools, their
 * discriminators and values are the generator's endpoint (gen_merge.c);
 * these are the old tools a legacy call names, each with the value that
 * stands for it (NULL: the V2 tool has none, and a call to it must be
 * refused) and its parameters by their V2 names (NEW NULL: the V2 tool
 * has no place for it, and it carries meaning: a call giving it must be
 * refused). KIND says how the old name shows the value. Names of the
 * generator's own, not chosen by whether mig pairs them. */
typedef enum merge_kind {
    MK_VERB,            /* the value is the old name's verb (create_task) */
    MK_PLURAL,          /* the old name's noun is a plural (list_tasks) */
    MK_WORDS,           /* a value of several words (get_task_comments) */
    MK_CASE,            /* camelCase names, parameters too (deleteContact) */
    MK_VERB_KIND,       /* another verb of the same kind (fetch_contact: get) */
    MK_OTHER_VERB,      /* a verb of other words (complete_task: close;
                           Google Tasks' `completed`, Todoist's close) */
    MK_GONE,            /* the V2 tool has no value for it */
} merge_kind_t;

static const char *const merge_kind_names[] = {
    [MK_VERB] = "the value is the old name's verb",
    [MK_PLURAL] = "a plural in the old name",
    [MK_WORDS] = "a value of several words",
    [MK_CASE] = "camelCase names",
    [MK_VERB_KIND] = "another verb of the same kind",
    [MK_OTHER_VERB] = "a verb of other words",
    [MK_GONE] = "no value for it",
};

#define MERGE_MAX_PARAMS 3

static const struct vocab_merge {
    const char *old, *tool, *value;
    merge_kind_t kind;
    struct {
        const char *old, *new;
        char type;              /* 's' a text, 'i' an integer */
    } params[MERGE_MAX_PARAMS];
} vocab_merges[] = {
    { "create_task", "task", "create", MK_VERB, { { "title", "title", 's' } } },
    { "update_task", "task", "update", MK_VERB,
      { { "task_id", "task_id", 's' }, { "title", "title", 's' } } },
    { "complete_task", "task", "close", MK_OTHER_VERB,
      { { "task_id", "task_id", 's' } } },
    { "list_tasks", "task", "list", MK_PLURAL,
      { { "limit", "limit", 'i' }, { "cursor", NULL, 's' } } },
    { "get_task_comments", "task", "get_comments", MK_WORDS,
      { { "task_id", "task_id", 's' } } },
    { "archive_task", "task", NULL, MK_GONE, { { "task_id", "task_id", 's' } } },
    { "add_contact", "contact", "create", MK_VERB_KIND,
      { { "name", "name", 's' }, { "email", "email", 's' } } },
    { "fetch_contact", "contact", "get", MK_VERB_KIND,
      { { "contact_id", "contact_id", 's' } } },
    { "deleteContact", "contact", "delete", MK_CASE,
      { { "contactId", "contact_id", 's' } } },
    { "search_contacts", "contact", "search", MK_PLURAL,
      { { "query", "query", 's' }, { "limit", "limit", 'i' },
        { "page_token", NULL, 's' } } },
    { "add_label", "label", "add", MK_VERB,
      { { "issue_id", "issue_id", 's' }, { "name", "name", 's' } } },
    { "removeLabel", "label", "remove", MK_CASE,
      { { "issueId", "issue_id", 's' }, { "name", "name", 's' } } },
    { "list_labels", "label", "list", MK_PLURAL,
      { { "issue_id", "issue_id", 's' }, { "sort", NULL, 's' } } },
    { "rename_label", "label", NULL, MK_GONE,
      { { "name", "name", 's' }, { "new_name", "new_name", 's' } } },
};
#define N_VOCAB_MERGES (sizeof vocab_merges / sizeof *vocab_merges)

#endif
