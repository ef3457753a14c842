/* floor.c: the floor of the HTTP benchmark (bench/http/run.sh): what
 * plan.mig asks of the network with nothing around it. Per record the
 * same two requests (the before-image GET, expecting 200 or 404, then
 * the PUT of the same descriptor bytes with If-None-Match: *, expecting
 * 201), WIDTH records in flight on one libcurl multi handle: no plan, no
 * scheduler, no journal, no event loop but curl_multi_poll.
 *
 * A 429 or 503 starts the record again from its GET at once, as the
 * plan's retry does with the server's `Retry-After: 0` (run.sh sets
 * it; the floor does not wait for a longer one), at most ATTEMPTS times.
 *
 * usage: bench_http_floor URL COUNT [WIDTH]
 *   URL is the server's base (http://127.0.0.1:PORT); WIDTH defaults to
 *   64. Prints "PUTS puts REQUESTS requests RETRIES retries"; exits 1
 *   when a record could not be put (said on stderr), 2 on bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

enum { ATTEMPTS = 21, URL_MAX = 512, BODY_MAX = 1024 };

/* One record in flight: which one, at which request, how many tries. */
typedef struct {
    CURL *easy;
    long record;      /* -1: the slot is free */
    int put;          /* 0: its GET is out, 1: its PUT */
    int attempts;
    char url[URL_MAX];
    char body[BODY_MAX];
} slot_t;

static const char *base;
static long count, next_record, puts_done, requests, retries;
static struct curl_slist *put_headers;

/* Answers are read and dropped: the floor only needs the status. */
static size_t drop(char *p, size_t size, size_t n, void *u)
{
    (void)p;
    (void)u;
    return size * n;
}

/* The descriptor of record I, as plan.mig's map literal is sent by
 * http.request (compact JSON, keys in the literal's order). */
static int body_of(long i, char *out, size_t cap)
{
    int n = snprintf(out, cap,
        "{\"kind\":\"tool\",\"name\":\"t%ld\","
        "\"description\":\"Bench tool number %ld\","
        "\"inputSchema\":{\"type\":\"object\","
        "\"properties\":{\"q\":{\"type\":\"string\"}}},"
        "\"provenance\":{\"file\":\"bench.json\",\"pointer\":\"/%ld\","
        "\"format\":\"openai.tools\",\"digest\":\"blake2b:"
        "0000000000000000000000000000000000000000000000000000000000000000"
        "\"}}", i, i, i);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Sends the request of slot S (its GET or its PUT) on multi handle M,
 * on an easy handle of its own, as http.request does (the connection is
 * the multi handle's, kept open between requests). */
static int send_request(CURLM *m, slot_t *s)
{
    if (s->easy) {
        curl_multi_remove_handle(m, s->easy);
        curl_easy_cleanup(s->easy);
    }
    CURL *e = s->easy = curl_easy_init();
    if (!e)
        return -1;
    curl_easy_setopt(e, CURLOPT_PRIVATE, s);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, drop);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(e, CURLOPT_URL, s->url);
    if (s->put) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PUT");
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, s->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(s->body));
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, put_headers);
    }
    requests++;
    return curl_multi_add_handle(m, e) == CURLM_OK ? 0 : -1;
}

/* Gives slot S the next record, or frees it when none is left. */
static int take_next(CURLM *m, slot_t *s)
{
    if (next_record >= count) {
        s->record = -1;
        curl_multi_remove_handle(m, s->easy);
        curl_easy_cleanup(s->easy);
        s->easy = NULL;
        return 0;
    }
    s->record = next_record++;
    s->put = 0;
    s->attempts = 1;
    snprintf(s->url, sizeof s->url, "%s/v2/tools/t%ld", base, s->record);
    if (body_of(s->record, s->body, sizeof s->body) != 0)
        return -1;
    return send_request(m, s);
}

/* Moves slot S on after its request ended with RESULT. 0, or -1 when
 * the record cannot be put (said on stderr). */
static int on_done(CURLM *m, slot_t *s, CURLcode result)
{
    long status = 0;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    if (result != CURLE_OK) {
        fprintf(stderr, "floor: %s: %s\n", s->url, curl_easy_strerror(result));
        return -1;
    }
    if (status == 429 || status == 503) {
        if (s->attempts++ >= ATTEMPTS) {
            fprintf(stderr, "floor: %s: still %ld after %d attempts\n",
                    s->url, status, ATTEMPTS);
            return -1;
        }
        retries++;
        s->put = 0;
        return send_request(m, s);
    }
    if (!s->put && (status == 200 || status == 404)) {
        s->put = 1;
        return send_request(m, s);
    }
    if (s->put && status == 201) {
        puts_done++;
        return take_next(m, s);
    }
    fprintf(stderr, "floor: %s %s answered %ld\n", s->put ? "PUT" : "GET",
            s->url, status);
    return -1;
}

static int run(CURLM *m, slot_t *slots, long width)
{
    for (long i = 0; i < width; i++)
        if (take_next(m, &slots[i]) != 0)
            return -1;
    int running = 1;
    while (running) {
        if (curl_multi_perform(m, &running) != CURLM_OK)
            return -1;
        CURLMsg *msg;
        int left, added = 0;
        while ((msg = curl_multi_info_read(m, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            slot_t *s = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            if (on_done(m, s, msg->data.result) != 0)
                return -1;
            added = 1;
        }
        /* A request just added is started by the next perform, at once. */
        if (added)
            running = 1;
        else if (running && curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK)
            return -1;
    }
    return puts_done == count ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: bench_http_floor URL COUNT [WIDTH]\n");
        return 2;
    }
    base = argv[1];
    count = strtol(argv[2], NULL, 10);
    long width = argc == 4 ? strtol(argv[3], NULL, 10) : 64;
    if (count < 1 || width < 1 || width > 1024 || strlen(base) > 256) {
        fprintf(stderr, "floor: COUNT and WIDTH (1-1024) must be positive\n");
        return 2;
    }
    if (width > count)
        width = count;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    put_headers = curl_slist_append(NULL, "Content-Type: application/json");
    put_headers = curl_slist_append(put_headers, "If-None-Match: *");
    CURLM *m = curl_multi_init();
    slot_t *slots = calloc((size_t)width, sizeof *slots);
    int rc = m && slots && put_headers ? 0 : 1;
    if (rc == 0 && run(m, slots, width) != 0) {
        fprintf(stderr, "floor: %ld of %ld records put\n", puts_done, count);
        rc = 1;
    }
    if (rc == 0)
        printf("%ld puts %ld requests %ld retries\n", puts_done, requests,
               retries);
    for (long i = 0; slots && i < width; i++)
        if (slots[i].easy) {
            curl_multi_remove_handle(m, slots[i].easy);
            curl_easy_cleanup(slots[i].easy);
        }
    free(slots);
    curl_multi_cleanup(m);
    curl_slist_free_all(put_headers);
    curl_global_cleanup();
    return rc;
}
