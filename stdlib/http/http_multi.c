/* http_multi.c: libcurl's multi interface driven by the run's libuv loop
 * (docs/http.md, "How requests run"). One multi handle per loop holds
 * every transfer in flight and the connection pool; libcurl says which
 * sockets to watch (CURLMOPT_SOCKETFUNCTION: a uv_poll_t each) and when
 * to call it back (CURLMOPT_TIMERFUNCTION: a uv_timer_t), so nothing on
 * the loop's thread ever blocks. Once no transfer has been in flight for
 * HTTP_LINGER_MS, the multi handle and its pool are closed, so that a
 * run's loop ends with no handle of ours left open. The easy handles of
 * requests that ended wait on it, reset, for the next requests
 * (http_easy_get), and close with it. */
#include <stdlib.h>
#include <uv.h>

#include "http_int.h"

typedef struct hm hm_t;

/* A transfer in flight; EASY's CURLINFO_PRIVATE points here. */
typedef struct hm_xfer {
    hm_t *hm;
    http_done_fn done;
    void *data;
    CURLcode rc;
    bool cancelled;
    struct hm_xfer *next;       /* on the list of those cancelled */
} hm_xfer_t;

/* A socket libcurl asked to watch. */
typedef struct hm_sock {
    uv_poll_t poll;
    curl_socket_t fd;
    int want, want_uv;          /* what libcurl waits for, in both terms */
    hm_t *hm;
    struct hm_sock *prev, *next;
} hm_sock_t;

struct hm {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;           /* libcurl's own timeout */
    uv_timer_t kick;            /* cancelled transfers, then the linger */
    unsigned active;            /* transfers added and not yet done */
    hm_xfer_t *ended;           /* cancelled, DONE not yet called */
    hm_sock_t *socks;
    unsigned open;              /* handles not yet closed */
    bool closing;
    CURL *idle[HTTP_IDLE_EASY]; /* easy handles to use again, reset */
    unsigned n_idle;
    hm_t *link;
};

static hm_t *multis;            /* one per loop (almost always one) */

static void hm_closed(uv_handle_t *h)
{
    hm_t *m = h->data;
    if (--m->open == 0 && m->closing)
        free(m);
}

static void sock_closed(uv_handle_t *h)
{
    hm_sock_t *s = h->data;
    hm_t *m = s->hm;
    free(s);
    if (--m->open == 0 && m->closing)
        free(m);
}

static void sock_close(hm_sock_t *s)
{
    hm_t *m = s->hm;
    if (s->prev)
        s->prev->next = s->next;
    else
        m->socks = s->next;
    if (s->next)
        s->next->prev = s->prev;
    uv_poll_stop(&s->poll);
    uv_close((uv_handle_t *)&s->poll, sock_closed);
}

/* Calls DONE of every finished transfer libcurl reports. */
static void collect(hm_t *m)
{
    CURLMsg *msg;
    int left;
    while (m->multi && (msg = curl_multi_info_read(m->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        CURLcode rc = msg->data.result;     /* MSG is gone after removal */
        hm_xfer_t *x = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
        curl_multi_remove_handle(m->multi, easy);
        curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
        m->active--;
        x->done(x->data, rc);
        free(x);
    }
}

static void linger(hm_t *m);

static void on_poll(uv_poll_t *p, int status, int events)
{
    hm_sock_t *s = p->data;
    hm_t *m = s->hm;
    int flags = (events & UV_READABLE ? CURL_CSELECT_IN : 0)
                | (events & UV_WRITABLE ? CURL_CSELECT_OUT : 0);
    if (status < 0) {
        /* An error on the socket (a reset: libuv stopped watching it).
         * libcurl finds it by reading and writing, as it would on its
         * own, so that a reused connection found dead is retried on a
         * new one; the socket is watched again until libcurl says. */
        flags = s->want;
        uv_poll_start(&s->poll, s->want_uv, on_poll);
    }
    int running;
    curl_multi_socket_action(m->multi, s->fd, flags, &running);
    collect(m);
    linger(m);
}

static void on_timer(uv_timer_t *t)
{
    hm_t *m = t->data;
    int running;
    curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    collect(m);
    linger(m);
}

/* libcurl's CURLMOPT_SOCKETFUNCTION: watch FD for WHAT, or stop. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp,
                     void *socketp)
{
    (void)easy;
    hm_t *m = userp;
    hm_sock_t *s = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            if (!m->closing)
                curl_multi_assign(m->multi, fd, NULL);
            sock_close(s);
        }
        return 0;
    }
    if (!s) {
        if (m->closing || !(s = calloc(1, sizeof(*s))))
            return -1;
        if (uv_poll_init_socket(m->loop, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        m->open++;
        s->poll.data = s;
        s->fd = fd;
        s->hm = m;
        s->next = m->socks;
        if (m->socks)
            m->socks->prev = s;
        m->socks = s;
        curl_multi_assign(m->multi, fd, s);
    }
    int ev = (what & CURL_POLL_IN ? UV_READABLE : 0)
             | (what & CURL_POLL_OUT ? UV_WRITABLE : 0);
    s->want = (what & CURL_POLL_IN ? CURL_CSELECT_IN : 0)
              | (what & CURL_POLL_OUT ? CURL_CSELECT_OUT : 0);
    s->want_uv = ev;
    return uv_poll_start(&s->poll, ev, on_poll) == 0 ? 0 : -1;
}

/* libcurl's CURLMOPT_TIMERFUNCTION: call back in MS (-1: never). */
static int on_timeout_set(CURLM *multi, long ms, void *userp)
{
    (void)multi;
    hm_t *m = userp;
    if (m->closing)
        return 0;
    if (ms < 0)
        uv_timer_stop(&m->timer);
    else
        uv_timer_start(&m->timer, on_timer, (uint64_t)ms, 0);
    return 0;
}

/* Closes M: the pool's connections, its handles; M is freed by the last
 * close. */
static void teardown(hm_t *m)
{
    for (hm_t **p = &multis; *p; p = &(*p)->link)
        if (*p == m) {
            *p = m->link;
            break;
        }
    m->closing = true;
    while (m->n_idle)
        curl_easy_cleanup(m->idle[--m->n_idle]);
    curl_multi_cleanup(m->multi);
    m->multi = NULL;
    while (m->socks)
        sock_close(m->socks);
    uv_close((uv_handle_t *)&m->timer, hm_closed);
    uv_close((uv_handle_t *)&m->kick, hm_closed);
}

static void on_kick(uv_timer_t *t)
{
    hm_t *m = t->data;
    if (!m->ended && m->active == 0) {
        teardown(m);            /* HTTP_LINGER_MS without a transfer */
        return;
    }
    while (m->ended) {
        hm_xfer_t *x = m->ended;
        m->ended = x->next;
        m->active--;
        x->done(x->data, x->rc);
        free(x);
    }
    linger(m);
}

/* Once nothing is in flight, the pool closes HTTP_LINGER_MS later
 * unless a new transfer comes. */
static void linger(hm_t *m)
{
    if (m->active == 0 && !m->ended && !m->closing)
        uv_timer_start(&m->kick, on_kick, HTTP_LINGER_MS, 0);
}

/* The multi handle of LOOP if it is open, else NULL. */
static hm_t *multi_open(const uv_loop_t *loop)
{
    for (hm_t *m = multis; m; m = m->link)
        if (m->loop == loop)
            return m;
    return NULL;
}

/* The multi handle of LOOP, made on first use; NULL when out of
 * memory. */
static hm_t *multi_of(uv_loop_t *loop)
{
    hm_t *open = multi_open(loop);
    if (open)
        return open;
    static bool global;
    if (!global && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return NULL;
    global = true;
    hm_t *m = calloc(1, sizeof(*m));
    if (!m || !(m->multi = curl_multi_init())) {
        free(m);
        return NULL;
    }
    m->loop = loop;
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, on_timeout_set);
    curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
    curl_multi_setopt(m->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                      (long)HTTP_MAX_HOST_CONNS);
    curl_multi_setopt(m->multi, CURLMOPT_MAXCONNECTS, (long)HTTP_MAX_CONNS);
    curl_multi_setopt(m->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    uv_timer_init(loop, &m->timer);
    uv_timer_init(loop, &m->kick);
    m->timer.data = m->kick.data = m;
    m->open = 2;
    m->link = multis;
    multis = m;
    return m;
}

mig_status_t http_multi_add(uv_loop_t *loop, CURL *easy, http_done_fn done,
                            void *data)
{
    hm_t *m = multi_of(loop);
    hm_xfer_t *x = m ? calloc(1, sizeof(*x)) : NULL;
    if (!x)
        return MIG_ENOMEM;
    *x = (hm_xfer_t){ .hm = m, .done = done, .data = data };
    curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
    if (curl_multi_add_handle(m->multi, easy) != CURLM_OK) {
        curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
        free(x);
        linger(m);
        return MIG_ENOMEM;
    }
    m->active++;
    if (!m->ended)
        uv_timer_stop(&m->kick);    /* not idle: the pool stays */
    return MIG_OK;
}

void http_multi_cancel(CURL *easy)
{
    hm_xfer_t *x = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
    if (!x || x->cancelled)
        return;
    hm_t *m = x->hm;
    x->cancelled = true;
    x->rc = CURLE_ABORTED_BY_CALLBACK;
    curl_multi_remove_handle(m->multi, easy);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
    x->next = m->ended;
    m->ended = x;
    uv_timer_start(&m->kick, on_kick, 0, 0);
}

CURL *http_easy_get(const uv_loop_t *loop)
{
    hm_t *m = loop ? multi_open(loop) : NULL;
    if (m && m->n_idle)
        return m->idle[--m->n_idle];
    return curl_easy_init();
}

void http_easy_put(const uv_loop_t *loop, CURL *easy)
{
    if (!easy)
        return;
    hm_xfer_t *x = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
    hm_t *m = loop && !x ? multi_open(loop) : NULL;
    if (!m || m->n_idle == HTTP_IDLE_EASY) {
        curl_easy_cleanup(easy);    /* also a transfer still added */
        return;
    }
    curl_easy_reset(easy);      /* no option of the last call stays */
    m->idle[m->n_idle++] = easy;
}
