/* cmd_completions.c: `mig completions SHELL` and `mig help --man`: the
 * shell completions and the man page, written from the command table
 * (cli_command_next) so they always list every command and option. The
 * build runs both and `make install` installs what they wrote
 * (cli/CMakeLists.txt). */
#include <string.h>

#include "cli.h"

/* Whether CMD's operands are files (FILE, FILE..., GRAPH.json): then the
 * shell completes file names after the options. */
static bool takes_files(const cli_cmd_t *cmd)
{
    return strstr(cmd->operands, "FILE") || strstr(cmd->operands, ".json");
}

/* Prints S with every ' written for a shell's single quotes: '\'' in sh,
 * \' in fish. */
static void put_quoted(FILE *out, const char *s, const char *quote)
{
    for (; *s; s++) {
        if (*s == '\'')
            fputs(quote, out);
        else
            fputc(*s, out);
    }
}

/* ---- bash ------------------------------------------------------------------- */

static void bash(FILE *out)
{
    fprintf(out, "# bash completion for mig; written by 'mig completions bash'"
                 " from mig's command table.\n"
                 "_mig() {\n"
                 "    local cur=${COMP_WORDS[COMP_CWORD]} "
                 "prev=${COMP_WORDS[COMP_CWORD-1]}\n"
                 "    local words opts values files\n"
                 "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
                 "        words=\"");
    CLI_EACH_COMMAND(c)
        fprintf(out, "%s%s", c == cli_command_next(NULL) ? "" : " ", c->name);
    fprintf(out, " --help --version\"\n"
                 "        COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
                 "        return\n"
                 "    fi\n"
                 "    case ${COMP_WORDS[1]} in\n");
    CLI_EACH_COMMAND(c) {
        fprintf(out, "    %s)\n        opts=\"", c->name);
        for (const cli_opt_t *o = c->opts; o->name; o++) {
            fprintf(out, "%s--%s", o == c->opts ? "" : " ", o->name);
            if (o->short_name)
                fprintf(out, " -%c", o->short_name);
        }
        fprintf(out, "\"\n        values=\"");
        bool first = true;
        for (const cli_opt_t *o = c->opts; o->name; o++) {
            if (!o->arg)
                continue;
            fprintf(out, "%s--%s", first ? "" : " ", o->name);
            if (o->short_name)
                fprintf(out, " -%c", o->short_name);
            first = false;
        }
        fprintf(out, "\"\n        files=%d", takes_files(c));
        if (strcmp(c->name, "help") == 0) {
            fprintf(out, "\n        words=\"actions");
            CLI_EACH_COMMAND(h)
                fprintf(out, " %s", h->name);
            fprintf(out, "\"");
        }
        fprintf(out, " ;;\n");
    }
    fprintf(out, "    *) return ;;\n"
                 "    esac\n"
                 "    case \" $values \" in\n"
                 "    *\" $prev \"*) COMPREPLY=($(compgen -f -- \"$cur\")); "
                 "return ;;\n"
                 "    esac\n"
                 "    case $cur in\n"
                 "    -*) COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")) ;;\n"
                 "    *) if [ -n \"$words\" ]; then\n"
                 "           COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
                 "       elif [ \"$files\" = 1 ]; then\n"
                 "           COMPREPLY=($(compgen -f -- \"$cur\"))\n"
                 "       fi ;;\n"
                 "    esac\n"
                 "}\n"
                 "complete -o filenames -F _mig mig\n");
}

/* ---- zsh ----------------------------------------------------------------------- */

/* Prints S for a zsh _arguments description: inside [...] within single
 * quotes, so ' is closed and reopened and brackets become parentheses. */
static void zsh_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", out);
        else if (*s == '[')
            fputc('(', out);
        else if (*s == ']')
            fputc(')', out);
        else if (*s == ':')
            fputs("\\:", out);
        else
            fputc(*s, out);
    }
}

static void zsh(FILE *out)
{
    fprintf(out, "#compdef mig\n"
                 "# zsh completion for mig; written by 'mig completions zsh'"
                 " from mig's command table.\n"
                 "_mig() {\n"
                 "    local -a commands\n"
                 "    commands=(\n");
    CLI_EACH_COMMAND(c) {
        fprintf(out, "        '%s:", c->name);
        zsh_text(out, c->summary);
        fprintf(out, "'\n");
    }
    fprintf(out, "    )\n"
                 "    if (( CURRENT == 2 )); then\n"
                 "        _describe 'command' commands\n"
                 "        return\n"
                 "    fi\n"
                 "    case $words[2] in\n");
    CLI_EACH_COMMAND(c) {
        fprintf(out, "    %s)\n        _arguments -s", c->name);
        for (const cli_opt_t *o = c->opts; o->name; o++) {
            const char *value = o->arg ? ":value:_files" : "";
            fprintf(out, " \\\n            '%s--%s[", o->repeat ? "*" : "",
                    o->name);
            zsh_text(out, o->help);
            fprintf(out, "]%s'", value);
            if (o->short_name) {
                fprintf(out, " \\\n            '%s-%c[", o->repeat ? "*" : "",
                        o->short_name);
                zsh_text(out, o->help);
                fprintf(out, "]%s'", value);
            }
        }
        if (takes_files(c))
            fprintf(out, " \\\n            '*:file:_files'");
        else if (strcmp(c->name, "help") == 0) {
            fprintf(out, " \\\n            '1:command:(actions");
            CLI_EACH_COMMAND(h)
                fprintf(out, " %s", h->name);
            fprintf(out, ")'");
        }
        fprintf(out, " ;;\n");
    }
    fprintf(out, "    esac\n"
                 "}\n"
                 "_mig \"$@\"\n");
}

/* ---- fish ------------------------------------------------------------------------ */

static void fish(FILE *out)
{
    fprintf(out, "# fish completion for mig; written by 'mig completions fish'"
                 " from mig's command table.\n"
                 "complete -c mig -f\n");
    CLI_EACH_COMMAND(c) {
        fprintf(out, "complete -c mig -n __fish_use_subcommand -a %s -d '",
                c->name);
        put_quoted(out, c->summary, "\\'");
        fprintf(out, "'\n");
    }
    CLI_EACH_COMMAND(c) {
        for (const cli_opt_t *o = c->opts; o->name; o++) {
            fprintf(out, "complete -c mig -n '__fish_seen_subcommand_from %s'"
                    " -l %s", c->name, o->name);
            if (o->short_name)
                fprintf(out, " -s %c", o->short_name);
            if (o->arg)
                fprintf(out, " -r -F");
            fprintf(out, " -d '");
            put_quoted(out, o->help, "\\'");
            fprintf(out, "'\n");
        }
        if (takes_files(c))
            fprintf(out, "complete -c mig -n '__fish_seen_subcommand_from %s'"
                    " -F\n", c->name);
    }
}

/* ---- the man page ------------------------------------------------------------------ */

/* Prints S as roff text: backslashes escaped, a line that would start
 * with a dot or a quote protected, "-" as a minus sign. */
static void roff_n(FILE *out, const char *s, size_t n)
{
    bool start = true;
    for (const char *end = s + n; s < end; s++) {
        if (start && (*s == '.' || *s == '\''))
            fputs("\\&", out);
        start = *s == '\n';
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else
            fputc(*s, out);
    }
}

static void roff(FILE *out, const char *s)
{
    roff_n(out, s, strlen(s));
}

void cli_print_man(FILE *out)
{
    fprintf(out, ".\\\" mig(1); written by 'mig help --man' from mig's "
                 "command table.\n"
                 ".TH MIG 1 \"\" \"mig %s\" \"User Commands\"\n"
                 ".SH NAME\n"
                 "mig \\- run migration plans written in .mig files\n"
                 ".SH SYNOPSIS\n"
                 ".B mig\n"
                 ".I COMMAND\n"
                 "[\\fIOPTIONS\\fR] [\\fIARGS\\fR]\n"
                 ".SH DESCRIPTION\n"
                 "mig checks, shows, runs, resumes and rolls back migration "
                 "plans: a plan is parsed into an execution graph, and the "
                 "runtime walks it with checkpoints, retries and recovery "
                 "handlers, journaling every change before it is made.\n"
                 ".SH COMMANDS\n", MIG_VERSION);
    CLI_EACH_COMMAND(c) {
        fprintf(out, ".SS \"mig %s%s%s%s\"\n", c->name,
                c->opts[0].name ? " [OPTIONS]" : "",
                c->operands[0] ? " " : "", c->operands);
        /* Paragraphs of the help: a blank line starts a new one. */
        const char *p = c->help;
        while (*p) {
            size_t n = strcspn(p, "\n");
            if (n == 0) {
                fputs(".PP\n", out);
            } else {
                roff_n(out, p, n);
                fputc('\n', out);
            }
            p += n + (p[n] == '\n');
        }
        for (const cli_opt_t *o = c->opts; o->name; o++) {
            fputs(".TP\n", out);
            if (o->short_name)
                fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
            fprintf(out, "\\fB");
            roff(out, "--");
            roff(out, o->name);
            fprintf(out, "\\fR");
            if (o->arg) {
                fprintf(out, " \\fI");
                roff(out, o->arg);
                fprintf(out, "\\fR");
            }
            fputc('\n', out);
            roff(out, o->help);
            fprintf(out, "%s\n", o->repeat ? " (repeatable)" : "");
        }
    }
    fprintf(out, ".SH EXIT STATUS\n"
                 "One table for every command: 0 clean, 1 invalid, 2 usage, "
                 "3 run failed, 4 rolled back, 5 rollback failed, 6 refused, "
                 "7 unverified, 8 state store, 9 interrupted, 10 attention. "
                 "Each command's section above says which it gives; "
                 "docs/cli.md explains each.\n"
                 ".SH ENVIRONMENT\n"
                 ".TP\n.B NO_COLOR\n"
                 "when set and not empty, diagnostics are not coloured\n"
                 ".TP\n.B MIG_PROGRESS\n"
                 "\\fBlive\\fR or \\fBplain\\fR: how a run shows its "
                 "progress, whatever standard output is\n"
                 ".SH SEE ALSO\n"
                 "The documentation in docs/ of mig's sources: cli.md, "
                 "language.md, runtime.md, state.md, actions.md.\n");
}

/* The shells, one row each. */
static const struct shell {
    const char *name;
    void (*write)(FILE *out);
} shells[] = {
    { .name = "bash", .write = bash },
    { .name = "zsh", .write = zsh },
    { .name = "fish", .write = fish },
};

int cmd_completions(const cli_cmd_t *cmd, const cli_args_t *args)
{
    (void)cmd;
    const char *name = args->operands[0];
    for (size_t i = 0; i < sizeof shells / sizeof *shells; i++) {
        if (strcmp(shells[i].name, name) == 0) {
            shells[i].write(stdout);
            return EXIT_CLEAN;
        }
    }
    fprintf(stderr, "mig completions: error: no completions for '%s': "
            "bash, zsh or fish\n", name);
    return EXIT_USAGE;
}
