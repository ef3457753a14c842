/* registry_remote.h: what the two files of the remote registry share
 * (registry_remote.c: requests, states, the store row;
 * registry_remote_act.c: the changing actions' flows). A remote_op_t is
 * one call of an action against a remote registry: one or more requests
 * in a row, each answer handed to the next function, the last ending
 * the call (remote_end). */
#ifndef MIG_REGISTRY_REMOTE_H
#define MIG_REGISTRY_REMOTE_H

#include "registry_int.h"

/* Records asked per page of a list: the API's most (docs/registry-api.md). */
#define REMOTE_PAGE 500
/* An ETag's bytes: a quoted "blake2b:" digest and a NUL. */
#define REMOTE_TAG (BLOB_HEX + 16)

typedef struct remote_op remote_op_t;
/* Given the answer of OP's last request: ST, and RES ({status, headers,
 * body, json}, taken) when ST is MIG_OK. */
typedef void (*remote_next_fn)(remote_op_t *op, mig_status_t st, val_t *res);

struct remote_op {
    action_ctx_t *c;
    const char *action;         /* for messages: "registry.put" */
    char *db, *kind, *name;     /* NAME NULL: the collection */
    val_t *token;               /* a secret sent as the bearer, or NULL */
    bool waits;                 /* requests go through the loop */
    bool suspended;             /* the call was suspended: ends by actx_finish */
    bool ended;                 /* ended before it suspended: st, result */
    mig_status_t st;
    val_t *result;
    struct http_call *x;        /* the request in flight */
    remote_next_fn next;
    /* What the flows keep between requests. */
    val_t *record;              /* put: the record given; undo: the before-image */
    val_t *before;              /* the record there before (NULL: none) */
    char tag[REMOTE_TAG];       /* the ETag of BEFORE, or "" */
    char want[REMOTE_TAG];      /* put: the ETag the record given gets */
    const char *outcome;
    bool count;                 /* list: count them; get: a miss fails;
                                 * undo: the record was read again */
    void (*decide)(remote_op_t *op);    /* a run, once the record is known */
    bool by_alias;              /* a GET may give the record so aliased */
    const char *status;         /* list: only records of this status */
    char *cursor;               /* list: the next page's */
    val_t *acc;                 /* list: the records so far */
};

/* A new op of ACTION on record KIND NAME (NULL: the collection) of DB,
 * TOKEN (a secret or NULL, referenced) its bearer. NULL when out of
 * memory. */
remote_op_t *remote_op_new(action_ctx_t *c, const char *action,
                           const char *db, const char *kind, const char *name,
                           const val_t *token);
void remote_op_free(remote_op_t *op);
/* Runs OP from FIRST, its first request. With MAY_WAIT in a run's
 * context (a loop), the requests go through the loop: the call is
 * suspended at the first and returns MIG_OK, ending later with
 * actx_finish; otherwise each request is made in turn (nothing else
 * waits: a dry run, a verification) and the call's outcome is returned,
 * *OUT its result. OP is freed either way. */
mig_status_t remote_start(remote_op_t *op, bool may_wait,
                          void (*first)(remote_op_t *op), val_t **out);
/* Ends OP's call with ST and RESULT (taken); frees OP when it was
 * suspended. */
void remote_end(remote_op_t *op, mig_status_t st, val_t *result);
/* Sends METHOD URL with BODY (a value sent as JSON, or NULL), the header
 * COND: TAG when COND is not NULL (If-Match, If-None-Match), the bearer
 * token on a request that changes something, and QUERY (a map, or
 * NULL); EXPECT (ending in 0) the statuses that are no error, any other
 * classed by docs/http.md's table and said as OP's action's. NEXT gets
 * the answer. */
void remote_send(remote_op_t *op, const char *method, const char *url,
                 const val_t *body, const char *cond, const char *tag,
                 const int *expect, const val_t *query, remote_next_fn next);
/* GETs OP's record (200 or 404 expected); NEXT gets the answer. */
void remote_get(remote_op_t *op, remote_next_fn next);
/* The status of RES, an answer (0 when none). */
long remote_status(const val_t *res);
/* The record a GET of OP's record answered (RES): *REC (new) and its ETag in
 * TAG, or *REC NULL and TAG "" for a 404, or for another record (one
 * that has OP's name as an alias) unless OP->by_alias. Unavailable when
 * a 200's body is no record. */
mig_status_t remote_read_record(remote_op_t *op, const val_t *res,
                                val_t **rec, char tag[REMOTE_TAG]);
/* The URL of record KIND NAME of DB (NAME NULL: of the collection):
 * DB/v2/tools/NAME, DB being the server's URL; a DB that ends in "/v2"
 * (trailing slashes aside) is the API's root already: DB/tools/NAME. */
mig_status_t remote_url(const char *db, const char *kind, const char *name,
                        strbuf_t *out);
/* A remote record's state (docs/runtime.md, "What a rollback verifies"):
 * "absent", or "record:" and the BLAKE2b-256 of its drift text
 * (registry_drift_text: without digest, created and updated, which the
 * server sets itself, so that a record put back has the state it had). */
mig_status_t remote_state_text(const val_t *rec, strbuf_t *out);

#endif
