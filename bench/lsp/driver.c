/* driver.c: the language server's edit benchmark (run.sh). Opens PLAN in
 * an in-process server (lsp/lsp.h, answers to /dev/null) and sends N
 * incremental edits (didChange), each followed by the server's whole
 * answer: the plan parsed, checked with its Lua modules, compiled, indexed
 * and its diagnostics published. Times each edit and prints the median,
 * the 90th percentile and the worst, per round and the median of rounds,
 * in wall-clock time and in the process's CPU time.
 * The edits alternate between inserting a blank at the start of a line
 * chosen by a fixed-seed PRNG and removing it again, so the plan stays
 * the valid plan it was and every edit costs a full analysis.
 *
 * usage: bench_lsp_driver [-n EDITS] [-r ROUNDS] PLAN */
#define _XOPEN_SOURCE 700
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lsp.h"

/* Milliseconds on CLOCK: the wall clock, or the process's CPU time (what
 * an edit costs when other programs share the cores). */
static double now_ms(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *msg)
{
    fprintf(stderr, "bench_lsp_driver: %s\n", msg);
    exit(2);
}

static void send(lsp_server_t *s, json_t *msg)
{
    char *text = json_dumps(msg, JSON_COMPACT);
    if (!text)
        die("out of memory");
    lsp_server_handle(s, text, strlen(text));
    free(text);
    json_decref(msg);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot read the plan");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *t = malloc((size_t)n + 1);
    if (!t || fread(t, 1, (size_t)n, f) != (size_t)n)
        die("cannot read the plan");
    fclose(f);
    t[n] = '\0';
    *len = (size_t)n;
    return t;
}

/* One round: opens the plan, makes EDITS edits, fills MS with each one's
 * time. Returns the plan's line count. */
static long round_of(const char *uri, const char *text, size_t len, int edits,
                     double *ms, double *cpu)
{
    FILE *null = fopen("/dev/null", "w");
    lsp_server_t *s = null ? lsp_server_new(null) : NULL;
    if (!s)
        die("cannot start the server");
    long lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    send(s, json_pack("{s:s,s:i,s:s,s:{}}", "jsonrpc", "2.0", "id", 1,
                      "method", "initialize", "params"));
    send(s, json_pack("{s:s,s:s,s:{s:{s:s,s:s,s:i,s:s%}}}", "jsonrpc", "2.0",
                      "method", "textDocument/didOpen", "params",
                      "textDocument", "uri", uri, "languageId", "mig",
                      "version", 1, "text", text, len));
    uint64_t seed = 0x6d6967u;
    long line = 0;
    for (int i = 0; i < edits; i++) {
        if (i % 2 == 0) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            line = 1 + (long)((seed >> 33) % (uint64_t)(lines - 2));
        }
        json_t *range = json_pack("{s:{s:I,s:i},s:{s:I,s:i}}",
                                  "start", "line", (json_int_t)line,
                                  "character", 0, "end", "line",
                                  (json_int_t)line, "character",
                                  i % 2);
        json_t *msg = json_pack(
            "{s:s,s:s,s:{s:{s:s,s:i},s:[{s:o,s:s}]}}", "jsonrpc", "2.0",
            "method", "textDocument/didChange", "params", "textDocument",
            "uri", uri, "version", i + 2, "contentChanges", "range", range,
            "text", i % 2 ? "" : " ");
        double t0 = now_ms(CLOCK_MONOTONIC);
        double c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
        send(s, msg);
        ms[i] = now_ms(CLOCK_MONOTONIC) - t0;
        cpu[i] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
    }
    lsp_server_free(s);
    fclose(null);
    return lines;
}

int main(int argc, char **argv)
{
    int edits = 1000, rounds = 3, i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "-n") == 0)
            edits = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-r") == 0)
            rounds = atoi(argv[i + 1]);
        else
            break;
    }
    if (i + 1 != argc || edits < 2 || rounds < 1) {
        fprintf(stderr, "usage: bench_lsp_driver [-n EDITS] [-r ROUNDS] PLAN\n");
        return 2;
    }
    char *abs = realpath(argv[i], NULL);
    if (!abs)
        die("cannot find the plan");
    char *uri = malloc(strlen(abs) + 8);
    size_t len;
    char *text = read_file(abs, &len);
    double *ms = malloc((size_t)edits * sizeof *ms);
    double *cpu = malloc((size_t)edits * sizeof *cpu);
    double *medians = malloc((size_t)rounds * sizeof *medians);
    double *cpu_medians = malloc((size_t)rounds * sizeof *cpu_medians);
    if (!uri || !ms || !cpu || !medians || !cpu_medians)
        die("out of memory");
    sprintf(uri, "file://%s", abs);
    for (int r = 0; r < rounds; r++) {
        long lines = round_of(uri, text, len, edits, ms, cpu);
        qsort(ms, (size_t)edits, sizeof *ms, cmp_double);
        qsort(cpu, (size_t)edits, sizeof *cpu, cmp_double);
        medians[r] = ms[edits / 2];
        cpu_medians[r] = cpu[edits / 2];
        printf("round %d: %ld lines, %d edits: wall median %.2f ms, p90 %.2f "
               "ms, worst %.2f ms; cpu median %.2f ms, p90 %.2f ms\n", r + 1,
               lines, edits, ms[edits / 2], ms[edits * 9 / 10], ms[edits - 1],
               cpu[edits / 2], cpu[edits * 9 / 10]);
        fflush(stdout);     /* a round is minutes on a busy machine */
    }
    qsort(medians, (size_t)rounds, sizeof *medians, cmp_double);
    qsort(cpu_medians, (size_t)rounds, sizeof *cpu_medians, cmp_double);
    printf("median of %d rounds: wall %.2f ms, cpu %.2f ms per edit "
           "(target: under 50)\n", rounds, medians[rounds / 2],
           cpu_medians[rounds / 2]);
    free(medians);
    free(cpu_medians);
    free(cpu);
    free(ms);
    free(text);
    free(uri);
    free(abs);
    return 0;
}
