/* options.c: reads a command line against a command's row in the table,
 * and prints that command's help from the same row. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_opt_index(const cli_cmd_t *cmd, const char *name)
{
    for (int i = 0; cmd->opts[i].name; i++)
        if (strcmp(cmd->opts[i].name, name) == 0)
            return i;
    abort();   /* a handler asked for an option its row does not have */
}

size_t cli_values(const cli_cmd_t *cmd, const cli_args_t *a, const char *name,
                  const char *const **out)
{
    int i = cli_opt_index(cmd, name);
    *out = a->repeated + a->first[i];
    return a->count[i];
}

bool cli_parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno != 0 || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

bool cli_parse_age(const char *s, int64_t *ms)
{
    static const struct { char unit; int64_t ms; } units[] = {
        { 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 },
    };
    size_t len = s ? strlen(s) : 0;
    char digits[24];
    uint64_t n;
    if (len < 2 || len > sizeof digits)
        return false;
    memcpy(digits, s, len - 1);
    digits[len - 1] = '\0';
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (s[len - 1] == units[i].unit
            && cli_parse_count(digits, 0, INT64_MAX / units[i].ms, &n)) {
            *ms = (int64_t)n * units[i].ms;
            return true;
        }
    return false;
}

bool cli_parse_seed(const char *s, uint64_t *out)
{
    return cli_parse_count(s, 0, (1ULL << 53) - 1, out);
}

static void usage_line(const cli_cmd_t *cmd, FILE *out)
{
    fprintf(out, "usage: mig %s%s%s%s\n", cmd->name,
            cmd->opts[0].name ? " [OPTIONS]" : "",
            cmd->operands[0] ? " " : "", cmd->operands);
}

void cli_print_help(const cli_cmd_t *cmd, FILE *out)
{
    usage_line(cmd, out);
    fprintf(out, "\n%s\n", cmd->help);
    if (!cmd->opts[0].name)
        return;
    fprintf(out, "\noptions:\n");
    /* "-p, --profile NAME", or "    --param NAME=VALUE" in the same column. */
    for (const cli_opt_t *o = cmd->opts; o->name; o++) {
        char left[64];
        char s = o->short_name;
        snprintf(left, sizeof(left), "%c%c%c --%s%s%s", s ? '-' : ' ',
                 s ? s : ' ', s ? ',' : ' ', o->name, o->arg ? " " : "",
                 o->arg ? o->arg : "");
        fprintf(out, "  %-24s %s%s\n", left, o->help,
                o->repeat ? " (repeatable)" : "");
    }
}

/* Prints "mig CMD: " and FMT with WHAT, then HINT (when not NULL). */
static int usage_error_hint(const cli_cmd_t *cmd, const char *fmt,
                            const char *what, const char *hint)
{
    fprintf(stderr, "mig %s: ", cmd->name);
    fprintf(stderr, fmt, what);
    fputc('\n', stderr);
    if (hint)
        fprintf(stderr, "hint: %s\n", hint);
    usage_line(cmd, stderr);
    fprintf(stderr, "Run 'mig help %s' for more.\n", cmd->name);
    return EXIT_USAGE;
}

static int usage_error(const cli_cmd_t *cmd, const char *fmt, const char *what)
{
    return usage_error_hint(cmd, fmt, what, NULL);
}

/* Options people reach for in a command that does the job elsewhere: the
 * command, the option (without "--") and where to go instead. */
static const struct elsewhere {
    const char *cmd, *opt, *hint;
} elsewhere[] = {
    { .cmd = "run", .opt = "dry-run",
      .hint = "'mig run' has no dry run: 'mig plan FILE' shows what the run "
              "would do, changing nothing" },
    { .cmd = "resume", .opt = "dry-run",
      .hint = "'mig resume' has no dry run: 'mig status RUN' shows where the "
              "run stands" },
};

/* Says that the long option NAME (LEN bytes, without "--") is not one of
 * CMD's, with a hint: the option of CMD it is closest to ("did you mean
 * '--dry-run'?"), the command that does it instead (the elsewhere
 * table), or the other commands that have it. */
static int unknown_long(const cli_cmd_t *cmd, const char *arg, const char *name,
                        size_t len)
{
    char *key = strndup(name, len);
    char hint[256] = "";
    eval_suggest_t s;
    eval_suggest_init(&s, key ? key : "");
    for (int i = 0; key && cmd->opts[i].name; i++)
        eval_suggest_consider(&s, cmd->opts[i].name);
    if (s.best)
        snprintf(hint, sizeof hint, "did you mean '--%s'?", s.best);
    for (size_t i = 0; key && !*hint && i < sizeof elsewhere
                                             / sizeof *elsewhere; i++) {
        if (strcmp(elsewhere[i].cmd, cmd->name) != 0)
            continue;
        eval_suggest_init(&s, key);
        eval_suggest_consider(&s, elsewhere[i].opt);
        if (s.best || strcmp(key, elsewhere[i].opt) == 0)
            snprintf(hint, sizeof hint, "%s", elsewhere[i].hint);
    }
    /* Another command's option, by its exact name. */
    for (const cli_cmd_t *c = cli_command_next(NULL); key && !*hint && c;
         c = cli_command_next(c))
        for (int i = 0; c->opts[i].name; i++)
            if (c != cmd && strcmp(c->opts[i].name, key) == 0) {
                snprintf(hint, sizeof hint, "'--%s' is an option of 'mig %s'",
                         key, c->name);
                break;
            }
    free(key);
    return usage_error_hint(cmd, "unknown option '%s'", arg,
                            *hint ? hint : NULL);
}

static const cli_opt_t *find_long(const cli_cmd_t *cmd, const char *name,
                                  size_t len, int *index)
{
    for (int i = 0; cmd->opts[i].name; i++) {
        if (strlen(cmd->opts[i].name) == len &&
            strncmp(cmd->opts[i].name, name, len) == 0) {
            *index = i;
            return &cmd->opts[i];
        }
    }
    return NULL;
}

static const cli_opt_t *find_short(const cli_cmd_t *cmd, char c, int *index)
{
    for (int i = 0; cmd->opts[i].name; i++) {
        if (cmd->opts[i].short_name == c) {
            *index = i;
            return &cmd->opts[i];
        }
    }
    return NULL;
}

int cli_parse(const cli_cmd_t *cmd, int argc, char **argv, cli_args_t *out)
{
    memset(out, 0, sizeof(*out));
    /* Operands are gathered in place at the front of argv[1..]. */
    char **operands = argv + 1;
    int n = 0;
    bool only_operands = false;
    struct rep { int opt; const char *value; } repeated[CLI_MAX_REPEATED];
    size_t n_repeated = 0, n_kept = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_operands || a[0] != '-' || strcmp(a, "-") == 0) {
            operands[n++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_operands = true;
            continue;
        }
        int idx;
        const cli_opt_t *o;
        const char *value = NULL;
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            o = find_long(cmd, a + 2, len, &idx);
            if (!o)
                return unknown_long(cmd, a, a + 2, len);
            if (eq) {
                if (!o->arg)
                    return usage_error(cmd, "option '--%s' takes no value", o->name);
                value = eq + 1;
            }
        } else {
            o = find_short(cmd, a[1], &idx);
            if (!o || a[2])
                return usage_error(cmd, "unknown option '%s'", a);
        }
        if (o->arg && !value) {
            if (i + 1 >= argc)
                return usage_error(cmd, "option '--%s' needs a value", o->name);
            value = argv[++i];
        }
        out->values[idx] = o->arg ? value : "";
        if (o->repeat) {
            if (n_repeated == CLI_MAX_REPEATED)
                return usage_error(cmd, "too many '--%s' options", o->name);
            repeated[n_repeated++] = (struct rep){ idx, out->values[idx] };
        }
    }
    /* Each repeatable option's values, together and in order. */
    for (int i = 0; cmd->opts[i].name; i++) {
        out->first[i] = n_kept;
        for (size_t r = 0; r < n_repeated; r++)
            if (repeated[r].opt == i)
                out->repeated[n_kept++] = repeated[r].value;
        out->count[i] = n_kept - out->first[i];
    }
    if (cmd->opts[0].name) {
        for (int i = 0; cmd->opts[i].name; i++) {
            if (strcmp(cmd->opts[i].name, "help") == 0 && out->values[i]) {
                cli_print_help(cmd, stdout);
                return EXIT_CLEAN;
            }
        }
    }
    if (n < cmd->min_operands)
        return usage_error(cmd, "missing %s", cmd->operands);
    if (cmd->max_operands >= 0 && n > cmd->max_operands)
        return usage_error(cmd, "unexpected argument '%s'",
                           operands[cmd->max_operands]);
    out->operands = operands;
    out->n_operands = n;
    return -1;
}
