/* gen.c: the plans of the export benchmark (run.sh): one shape of plan
 * grown to a given count, for a cost that grows faster than the count in
 * any export format, in `mig plan` or in `mig graph --json` to show
 * (issue 16 item 9). Every plan passes `mig check`.
 *
 * usage: bench_export_gen SHAPE N     writes the plan to standard output
 *        bench_export_gen --list      lists the shapes, one a line */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Levels of one nest in the "deep" shape: foreach and retry alternate, so
 * 2 * DEEP_LEVELS blocks, well inside the parser's nesting limit (256). */
enum { DEEP_LEVELS = 12 };

typedef struct shape {
    const char *name;
    void (*write)(FILE *f, unsigned n);
    const char *doc;
} shape_t;

static void chain(FILE *f, unsigned n)
{
    fprintf(f, "  stage s0 { step a = file.exists(path: \"x\") }\n");
    for (unsigned i = 1; i < n; i++)
        fprintf(f, "  stage s%u after s%u { step a = file.exists(path: "
                   "\"x\") }\n", i, i - 1);
}

/* Stages that run after nothing: each one a root of the process. */
static void roots(FILE *f, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "  stage s%u { step a = file.exists(path: \"x\") }\n", i);
}

/* One stage of N steps, every other one with an undo. */
static void wide(FILE *f, unsigned n)
{
    fprintf(f, "  stage wide {\n");
    for (unsigned i = 0; i < n; i++) {
        if (i % 2)
            fprintf(f, "    step s%u = exec.run(cmd: \"echo %u\")\n"
                       "      undo exec.run(cmd: \"echo undo %u\")\n", i, i, i);
        else
            fprintf(f, "    step s%u = file.exists(path: \"k%u\")\n", i, i);
    }
    fprintf(f, "  }\n");
}

/* N blocks in nests of DEEP_LEVELS foreach and retry pairs, one nest a
 * stage, each level with a step and each foreach with a handler. */
static void deep(FILE *f, unsigned n)
{
    unsigned stages = (n + 2 * DEEP_LEVELS - 1) / (2 * DEEP_LEVELS);
    for (unsigned s = 0; s < stages; s++) {
        fprintf(f, "  stage d%u {\n", s);
        for (unsigned l = 0; l < DEEP_LEVELS; l++) {
            fprintf(f, "%*sforeach x%u in [\"a\", \"b\"] {\n", 4 * l + 4, "", l);
            fprintf(f, "%*sretry 2 on Transient {\n", 4 * l + 6, "");
            fprintf(f, "%*sstep a%u = file.exists(path: x%u)\n",
                    4 * l + 8, "", l, l);
        }
        for (unsigned l = DEEP_LEVELS; l-- > 0;) {
            fprintf(f, "%*s}\n", 4 * l + 6, "");
            fprintf(f, "%*srecover Conflict { skip }\n", 4 * l + 6, "");
            fprintf(f, "%*s}\n", 4 * l + 4, "");
        }
        fprintf(f, "  }\n");
    }
}

/* One stage of N checkpoints, a step after each, and a rollback to the
 * first. */
static void checkpoints(FILE *f, unsigned n)
{
    fprintf(f, "  stage marks {\n");
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "    checkpoint c%u\n"
                   "    step s%u = file.exists(path: \"k%u\")\n", i, i, i);
    fprintf(f, "  }\n  on failure rollback to c0\n");
}

/* One stage of N ifs, every other one without an else (its gateway goes
 * straight to its join). */
static void branches(FILE *f, unsigned n)
{
    fprintf(f, "  param mode = \"copy\"\n  stage pick {\n");
    for (unsigned i = 0; i < n; i++) {
        fprintf(f, "    if mode == \"m%u\" {\n"
                   "      step t%u = file.exists(path: \"k%u\")\n", i, i, i);
        if (i % 2)
            fprintf(f, "    } else {\n"
                       "      step e%u = file.exists(path: \"e%u\")\n", i, i);
        fprintf(f, "    }\n");
    }
    fprintf(f, "  }\n");
}

/* One stage of N foreach blocks, each with two handlers. */
static void handlers(FILE *f, unsigned n)
{
    fprintf(f, "  stage guard {\n");
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "    foreach x in [\"a\", \"b\"] {\n"
                   "      step s%u = file.exists(path: \"${x}%u\")\n"
                   "      recover Conflict { skip }\n"
                   "      recover * { fail \"item ${x}\" }\n"
                   "    }\n", i, i);
    fprintf(f, "  }\n");
}

static const shape_t shapes[] = {
    { .name = "chain", .write = chain,
      .doc = "N stages, each after the one before" },
    { .name = "roots", .write = roots,
      .doc = "N stages after nothing" },
    { .name = "wide", .write = wide,
      .doc = "one stage of N steps, half with an undo" },
    { .name = "deep", .write = deep,
      .doc = "N foreach and retry blocks nested 24 deep, one nest a stage" },
    { .name = "checkpoints", .write = checkpoints,
      .doc = "one stage of N checkpoints, a step after each" },
    { .name = "branches", .write = branches,
      .doc = "one stage of N ifs, half with an else" },
    { .name = "handlers", .write = handlers,
      .doc = "one stage of N foreach blocks with two handlers each" },
    { 0 },
};

static void usage(void)
{
    fprintf(stderr, "usage: bench_export_gen SHAPE N | --list\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (const shape_t *s = shapes; s->name; s++)
            printf("%s\t%s\n", s->name, s->doc);
        return 0;
    }
    if (argc != 3)
        usage();
    const shape_t *s = shapes;
    while (s->name && strcmp(s->name, argv[1]) != 0)
        s++;
    char *end;
    errno = 0;
    unsigned long n = strtoul(argv[2], &end, 10);
    if (!s->name || errno || *end || end == argv[2] || n < 1 ||
        n > 10000000)
        usage();
    printf("# Generated by bench_export_gen %s %lu; do not edit.\n"
           "migration \"%s\" {\n", s->name, n, s->name);
    s->write(stdout, (unsigned)n);
    printf("}\n");
    if (fflush(stdout) != 0) {
        perror("stdout");
        return 2;
    }
    return 0;
}
