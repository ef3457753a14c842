/* report_int.h: what report.c (the reporter: its state, the live line, the
 * lines, the stages, the summary) and report_show.c (one function per event
 * kind) share. Nothing else in cli/ includes it: the rest sees cli_report_t
 * through cli.h only. */
#ifndef MIG_CLI_REPORT_INT_H
#define MIG_CLI_REPORT_INT_H

#include "cli.h"

/* What one stage did, for its line and the summary. */
typedef struct tally {
    size_t total, ended, failed, skipped, retried, steps;
} tally_t;

struct cli_report {
    const graph_t *g;           /* NULL: a rollback without its plan */
    cli_report_mode_t mode;
    bool verbose;
    val_t *loops;               /* "FOREACH@KEY" -> the items of that loop */
    const char *stage;          /* the stage running's label, or NULL */
    const char *stage_id;       /* ... and its name */
    char *plan;                 /* the plan's name, from run-start */
    int64_t stage_ms, run_ms, drawn_ms;
    bool live_shown;            /* a live line is on the screen */
    tally_t st, all;            /* this stage's, the run's */
    val_t *stages;              /* with --json: one map per stage ended */
    char *error;                /* the first failure of the run, or NULL */
    /* Undone loop items not printed one by one (no --verbose): node ->
     * [action, how many], said by report_undone_said. */
    val_t *undone;
    size_t undone_n;
};

/* The string under KEY of map M, or "" (not NULL: it is printed). */
const char *report_str(const val_t *m, const char *key);
/* The integer under KEY of map M, or 0. */
int64_t report_num(const val_t *m, const char *key);

/* Redraws R's live line (a terminal, a stage running): at once when NOW,
 * else at most every REPORT_REDRAW_MS. */
void report_live_draw(cli_report_t *r, bool now);

/* Prints a line made of FMT ... then the item [ITEM] of NODE, then TAIL,
 * above the live line; nothing with --quiet or --json. */
void report_say(cli_report_t *r, const char *node, const char *item,
                const char *tail, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ": CLASS: MESSAGE" of D, the message's first line only, in a new string
 * the caller frees. */
char *report_why(const val_t *d);
/* Keeps "WHERE: CLASS: MESSAGE" of D as the run's error, unless one is
 * kept already (the first failure is the one said). */
void report_remember_error(cli_report_t *r, const char *where,
                           const val_t *d);

/* Says the undone loop items R counted, a line per step ("undone  LABEL
 * (ACTION): N items"), and forgets them: before any other event's line,
 * every REPORT_UNDONE_EVERY items, and at the end. */
void report_undone_said(cli_report_t *r);

/* A stage starts: its label, its clock and a fresh tally. */
void report_stage_start(cli_report_t *r, const char *node);
/* The stage's last line (or its map with --json): what it did and how long
 * it took; nothing when no stage is running. */
void report_stage_end(cli_report_t *r, bool failed);

/* Whether ITEM is a top-level item of the stage's loops (no "/"). */
bool report_top_item(const char *item);

#endif
