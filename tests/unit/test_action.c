/* test_action.c: the action registry (interpreter/action.c, interpreter.h
 * "actions"): rows added out of order come back sorted and found by name,
 * handlers apart from actions, namespaces, "did you mean", defaults read
 * once from their JSON, the text of type masks; action_check_call with the
 * exact text, place and hint of each error; action_bind_args filling
 * defaults in row order; and the standard library's tables registered
 * whole. Calls are taken from tiny plans parsed from strings; the sanitizer
 * build checks that nothing leaks on any path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpreter.h"
#include "mig_stdlib.h"

#define T(x) ACTION_T(x)

/* ---- a small table of our own ------------------------------------------ */

static const action_arg_t write_args[] = {
    { .name = "path", .types = T(STRING), .required = true },
    { .name = "mode", .types = T(STRING), .def = "\"0644\"" },
    { .name = "count", .types = T(NUMBER), .def = "3" },
    { 0 },
};

static const action_arg_t read_args[] = {
    { .name = "path", .types = T(STRING), .required = true },
    { 0 },
};

static const action_arg_t exec_args[] = {
    { .name = "cmd", .types = T(STRING) | T(LIST), .required = true },
    { .name = "env", .types = T(MAP), .def = "{\"LANG\": \"C\"}" },
    { 0 },
};

/* Not in sorted order, on purpose. */
static const action_t table[] = {
    { .name = "t.write", .effect = ACTION_SELF_UNDO, .args = write_args,
      .result = ACTION_T(NULL) },
    { .name = "t.exec", .effect = ACTION_PLAN_UNDO, .args = exec_args,
      .result = T(MAP) },
    { .name = "t.read", .effect = ACTION_PURE, .args = read_args,
      .result = T(STRING) },
    { .name = "t.burn", .effect = ACTION_IRREVERSIBLE, .args = NULL,
      .result = ACTION_T(NULL) },
};

static const action_arg_t fix_args[] = {
    { .name = "map", .types = T(MAP), .required = true },
    { 0 },
};

static const action_handler_t handlers[] = {
    { .name = "h.retry_later", .args = NULL },
    { .name = "h.fix", .args = fix_args },
};

/* A registry holding TABLE and HANDLERS. */
static action_registry_t *registry(void)
{
    action_registry_t *r = action_registry_new();
    assert_non_null(r);
    assert_int_equal(action_registry_add(r, table, 4), MIG_OK);
    assert_int_equal(action_registry_add_handlers(r, handlers, 2), MIG_OK);
    return r;
}

/* ---- calls parsed from a plan ------------------------------------------ */

/* A parsed one-step plan and the step's CALL node. */
typedef struct parsed {
    src_t *src;
    arena_t *arena;
    diag_list_t diags;
    const ast_node_t *call;
} parsed_t;

/* Parses a plan whose only step calls CALL; the call starts at line 3,
 * column 10. */
static void parse_call(parsed_t *p, const char *call)
{
    char text[512];
    snprintf(text, sizeof text,
             "migration \"t\" {\nstage s {\nstep a = %s\n}\n}\n", call);
    memset(p, 0, sizeof(*p));
    diag_list_init(&p->diags);
    p->src = src_from_memory("t.mig", text, strlen(text));
    p->arena = arena_new();
    assert_non_null(p->src);
    assert_non_null(p->arena);
    ast_plan_t *plan = NULL;
    assert_int_equal(grammar_parse(p->src, p->arena, &p->diags, &plan),
                     MIG_OK);
    assert_int_equal(plan->items.len, 1);
    const ast_node_t *stage = plan->items.items[0];
    assert_int_equal(stage->kind, AST_STAGE);
    assert_int_equal(stage->u.stage.body.len, 1);
    const ast_node_t *step = stage->u.stage.body.items[0];
    assert_int_equal(step->kind, AST_STEP);
    p->call = step->u.step.call;
    assert_int_equal(p->call->kind, AST_CALL);
}

static void release(parsed_t *p)
{
    arena_free(p->arena);
    src_free(p->src);
    diag_list_free(&p->diags);
}

/* Checks the call CALL against ROWS, the I-th argument said to have the
 * types TYPES[I] (all types when TYPES is NULL). */
static mig_status_t check(parsed_t *p, const char *what,
                          const action_arg_t *rows, const char *call,
                          const unsigned *types)
{
    parse_call(p, call);
    unsigned any[16];
    for (size_t i = 0; i < 16; i++)
        any[i] = ACTION_T_ANY;
    assert_true(p->call->u.call.args.len <= 16);
    return action_check_call(what, rows, p->call, types ? types : any,
                             p->src, &p->diags);
}

/* Asserts that the only message of P is the error MESSAGE at LINE:COL,
 * with HINT (NULL: none). */
static void assert_one_error(const parsed_t *p, uint32_t line, uint32_t col,
                             const char *message, const char *hint)
{
    assert_int_equal(p->diags.len, 1);
    const diag_t *d = &p->diags.items[0];
    assert_int_equal(d->severity, DIAG_ERROR);
    assert_true(d->has_span);
    assert_int_equal(d->span.line, line);
    assert_int_equal(d->span.col, col);
    assert_string_equal(d->message, message);
    if (hint)
        assert_string_equal(d->hint ? d->hint : "(none)", hint);
    else
        assert_null(d->hint);
}

/* Evaluates the arguments of P's call (constants) in the order written,
 * binds them to ROWS, and returns the status; *OUT as action_bind_args
 * leaves it. */
static mig_status_t bind(parsed_t *p, const action_registry_t *r,
                         const char *what, const action_arg_t *rows,
                         const char *call, val_t **out)
{
    parse_call(p, call);
    uint32_t n = p->call->u.call.args.len;
    val_t *values[16] = { 0 };
    assert_true(n <= 16);
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(eval_expr(p->call->u.call.args.items[i].value, NULL,
                                   p->src, &p->diags, &values[i]), MIG_OK);
    mig_status_t st = action_bind_args(r, what, rows, p->call, values,
                                       p->src, &p->diags, out);
    for (uint32_t i = 0; i < n; i++)
        val_unref(values[i]);
    return st;
}

/* The canonical text of V (as ${} would insert it), in a static buffer. */
static const char *text_of(const val_t *v)
{
    static char out[512];
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(eval_to_text(v, &b), MIG_OK);
    snprintf(out, sizeof out, "%s", b.data ? b.data : "");
    strbuf_free(&b);
    return out;
}

/* The keys of map V joined by ','. */
static const char *keys_of(const val_t *v)
{
    static char out[256];
    out[0] = '\0';
    for (size_t i = 0; i < val_len(v); i++) {
        if (i)
            strcat(out, ",");
        strcat(out, val_get_str(val_map_key(v, i), NULL));
    }
    return out;
}

/* ---- the registry ------------------------------------------------------ */

static void test_empty_registry(void **state)
{
    (void)state;
    action_registry_t *r = action_registry_new();
    assert_non_null(r);
    assert_int_equal(action_count(r), 0);
    assert_int_equal(action_handler_count(r), 0);
    assert_null(action_find(r, "t.write"));
    assert_null(action_find_handler(r, "h.fix"));
    assert_false(action_has_namespace(r, "t", 1));
    assert_null(action_suggest(r, "t.write"));
    action_registry_free(r);
    action_registry_free(NULL);
}

static void test_find_and_sorted_order(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    assert_int_equal(action_count(r), 4);
    static const char *const sorted[] = {
        "t.burn", "t.exec", "t.read", "t.write",
    };
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(action_at(r, i)->name, sorted[i]);
    /* The rows are borrowed, not copied. */
    assert_ptr_equal(action_find(r, "t.write"), &table[0]);
    assert_ptr_equal(action_find(r, "t.exec"), &table[1]);
    assert_ptr_equal(action_find(r, "t.read"), &table[2]);
    assert_ptr_equal(action_find(r, "t.burn"), &table[3]);
    assert_null(action_find(r, "t.writ"));
    assert_null(action_find(r, "t.write2"));
    assert_null(action_find(r, "write"));
    assert_null(action_find(r, ""));
    action_registry_free(r);
}

static void test_handlers_apart_from_actions(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    assert_int_equal(action_handler_count(r), 2);
    assert_string_equal(action_handler_at(r, 0)->name, "h.fix");
    assert_string_equal(action_handler_at(r, 1)->name, "h.retry_later");
    assert_ptr_equal(action_find_handler(r, "h.fix"), &handlers[1]);
    assert_ptr_equal(action_find_handler(r, "h.retry_later"), &handlers[0]);
    assert_null(action_find(r, "h.fix"));
    assert_null(action_find_handler(r, "t.write"));
    action_registry_free(r);
}

static void test_has_namespace(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    assert_true(action_has_namespace(r, "t", 1));
    assert_true(action_has_namespace(r, "h", 1));   /* handlers count */
    /* Only LEN bytes of NS are the namespace. */
    assert_true(action_has_namespace(r, "t.write", 1));
    assert_false(action_has_namespace(r, "x", 1));
    assert_false(action_has_namespace(r, "t.", 2));
    assert_false(action_has_namespace(r, "t.write", 7));
    assert_false(action_has_namespace(r, "", 0));
    action_registry_free(r);
}

static void test_suggest(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    assert_string_equal(action_suggest(r, "t.wirte"), "t.write");
    assert_string_equal(action_suggest(r, "t.reed"), "t.read");
    assert_string_equal(action_suggest(r, "h.fx"), "h.fix");
    assert_null(action_suggest(r, "completely.else"));
    action_registry_free(r);
}

static void test_defaults_read_from_json(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    val_t *mode = action_arg_default(r, &write_args[1]);
    assert_non_null(mode);
    assert_int_equal(val_type(mode), VAL_STRING);
    assert_string_equal(val_get_str(mode, NULL), "0644");
    val_t *count = action_arg_default(r, &write_args[2]);
    assert_non_null(count);
    assert_int_equal(val_type(count), VAL_NUMBER);
    assert_true(val_get_number(count) == 3);
    val_t *env = action_arg_default(r, &exec_args[1]);
    assert_non_null(env);
    assert_int_equal(val_type(env), VAL_MAP);
    assert_string_equal(text_of(env), "{\"LANG\":\"C\"}");
    /* Required rows have none, and so has a row of no registered table. */
    assert_null(action_arg_default(r, &write_args[0]));
    assert_null(action_arg_default(r, &fix_args[0]));
    static const action_arg_t stray = { .name = "x", .types = T(NUMBER),
                                        .def = "1" };
    assert_null(action_arg_default(r, &stray));
    action_registry_free(r);
}

static void test_effect_names(void **state)
{
    (void)state;
    assert_string_equal(action_effect_name(ACTION_PURE), "pure");
    assert_string_equal(action_effect_name(ACTION_SELF_UNDO), "self-undo");
    assert_string_equal(action_effect_name(ACTION_PLAN_UNDO), "plan-undo");
    assert_string_equal(action_effect_name(ACTION_IRREVERSIBLE),
                        "irreversible");
}

static void test_types_text(void **state)
{
    (void)state;
    static const struct { unsigned mask; const char *text; } cases[] = {
        { T(STRING), "a string" },
        { T(STRING) | T(LIST), "a string or a list" },
        { ACTION_T_ANY, "any value" },
        { ACTION_T(NULL), "null" },
        { T(BOOL) | T(NUMBER) | T(DURATION), "a bool, a number or a duration" },
        { ACTION_T(NULL) | T(MAP), "null or a map" },
        { ACTION_T_ANY & ~ACTION_T(NULL),
          "a bool, a number, a string, a list, a map or a duration" },
        { T(SECRET), "a secret" },
        { T(STRING) | T(SECRET), "a string or a secret" },
        { ACTION_T_ANY | T(SECRET), "any value" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        strbuf_t b;
        strbuf_init(&b);
        action_types_text(cases[i].mask, &b);
        assert_non_null(b.data);
        assert_string_equal(b.data, cases[i].text);
        strbuf_free(&b);
    }
}

/* ---- checking a call --------------------------------------------------- */

static void test_check_call_fits(void **state)
{
    (void)state;
    parsed_t p;
    /* Positional then named; a type that may fit is enough. */
    unsigned types[] = { T(STRING), T(NUMBER) | T(STRING) };
    assert_int_equal(check(&p, "t.write", write_args,
                           "t.write(\"out.txt\", count: n)", types), MIG_OK);
    assert_int_equal(p.diags.len, 0);
    release(&p);
    assert_int_equal(check(&p, "t.burn", NULL, "t.burn()", NULL), MIG_OK);
    assert_int_equal(p.diags.len, 0);
    release(&p);
}

static void test_check_call_unknown_argument(void **state)
{
    (void)state;
    parsed_t p;
    assert_int_equal(check(&p, "t.write", write_args,
                           "t.write(path: \"p\", mdoe: \"0600\")", NULL),
                     MIG_EINVALID);
    assert_one_error(&p, 3, 29, "t.write has no argument 'mdoe'",
                     "did you mean 'mode'?");
    release(&p);
    /* Nothing close: the hint is the usage, defaults included. */
    assert_int_equal(check(&p, "t.write", write_args,
                           "t.write(path: \"p\", verbose: true)", NULL),
                     MIG_EINVALID);
    assert_one_error(&p, 3, 29, "t.write has no argument 'verbose'",
                     "t.write(path, mode: \"0644\", count: 3)");
    release(&p);
}

static void test_check_call_missing_required(void **state)
{
    (void)state;
    parsed_t p;
    assert_int_equal(check(&p, "t.write", write_args,
                           "t.write(mode: \"0600\")", NULL), MIG_EINVALID);
    assert_one_error(&p, 3, 10, "t.write needs the argument 'path'",
                     "t.write(path, mode: \"0644\", count: 3)");
    release(&p);
    assert_int_equal(check(&p, "h.fix", fix_args, "h.fix()", NULL),
                     MIG_EINVALID);
    assert_one_error(&p, 3, 10, "h.fix needs the argument 'map'",
                     "h.fix(map)");
    release(&p);
}

static void test_check_call_too_many(void **state)
{
    (void)state;
    parsed_t p;
    assert_int_equal(check(&p, "t.write", write_args,
                           "t.write(\"p\", \"0600\", 1, 2)", NULL),
                     MIG_EINVALID);
    assert_one_error(&p, 3, 34, "t.write takes 3 arguments, given 4",
                     "t.write(path, mode: \"0644\", count: 3)");
    release(&p);
    assert_int_equal(check(&p, "t.read", read_args, "t.read(\"a\", \"b\")",
                           NULL), MIG_EINVALID);
    assert_one_error(&p, 3, 22, "t.read takes 1 argument, given 2",
                     "t.read(path)");
    release(&p);
}

static void test_check_call_given_twice(void **state)
{
    (void)state;
    parsed_t p;
    /* Positional, then by name: the error is at the name. */
    assert_int_equal(check(&p, "t.write", write_args,
                           "t.write(\"p\", path: \"q\")", NULL),
                     MIG_EINVALID);
    assert_one_error(&p, 3, 23, "argument 'path' of t.write is given twice",
                     NULL);
    release(&p);
    /* Twice by name: the parser already refuses that ("argument 'count'
     * is given twice; the first is at ..."), so the call is parsed with
     * two names and the second renamed, to reach the check itself. */
    parse_call(&p, "t.write(path: \"p\", count: 1, mode: 2)");
    ast_arg_t *args = p.call->u.call.args.items;
    args[2].name.name = args[1].name.name;
    unsigned any[] = { ACTION_T_ANY, ACTION_T_ANY, ACTION_T_ANY };
    assert_int_equal(action_check_call("t.write", write_args, p.call, any,
                                       p.src, &p.diags), MIG_EINVALID);
    assert_one_error(&p, 3, 39, "argument 'count' of t.write is given twice",
                     NULL);
    release(&p);
}

static void test_check_call_wrong_type(void **state)
{
    (void)state;
    parsed_t p;
    unsigned types[] = { T(NUMBER), T(STRING) };
    assert_int_equal(check(&p, "t.write", write_args,
                           "t.write(42, count: \"x\")", types), MIG_EINVALID);
    assert_int_equal(p.diags.len, 2);
    assert_string_equal(p.diags.items[0].message,
                        "argument 'path' of t.write must be a string, "
                        "found a number");
    assert_int_equal(p.diags.items[0].span.col, 18);
    assert_string_equal(p.diags.items[1].message,
                        "argument 'count' of t.write must be a number, "
                        "found a string");
    assert_int_equal(p.diags.items[1].span.col, 29);
    release(&p);
    /* A mask none of whose types fits names them all. */
    unsigned two[] = { ACTION_T(NULL) | T(BOOL) };
    assert_int_equal(check(&p, "t.exec", exec_args, "t.exec(x)", two),
                     MIG_EINVALID);
    assert_one_error(&p, 3, 17, "argument 'cmd' of t.exec must be a string "
                     "or a list, found null or a bool", NULL);
    release(&p);
}

static void test_check_call_reports_every_misfit(void **state)
{
    (void)state;
    parsed_t p;
    /* An unknown name, a repeat and a type that cannot fit, in one call:
     * all reported, in the order written. */
    unsigned types[] = { ACTION_T_ANY, ACTION_T_ANY, ACTION_T_ANY,
                         T(BOOL) };
    assert_int_equal(check(&p, "t.write", write_args,
                           "t.write(\"p\", mdoe: 1, path: \"q\", count: true)",
                           types), MIG_EINVALID);
    assert_int_equal(p.diags.len, 3);
    assert_string_equal(p.diags.items[0].message,
                        "t.write has no argument 'mdoe'");
    assert_string_equal(p.diags.items[1].message,
                        "argument 'path' of t.write is given twice");
    assert_string_equal(p.diags.items[2].message,
                        "argument 'count' of t.write must be a number, "
                        "found a bool");
    release(&p);
    /* A misplaced argument hides the missing required one: the call is
     * wrong already. */
    assert_int_equal(check(&p, "t.write", write_args,
                           "t.write(mdoe: \"0600\")", NULL), MIG_EINVALID);
    assert_one_error(&p, 3, 18, "t.write has no argument 'mdoe'",
                     "did you mean 'mode'?");
    release(&p);
}

/* ---- binding values ---------------------------------------------------- */

static void test_bind_fills_defaults_in_row_order(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    parsed_t p;
    val_t *out = NULL;
    assert_int_equal(bind(&p, r, "t.write", write_args,
                          "t.write(count: 7, path: \"out.txt\")", &out),
                     MIG_OK);
    assert_non_null(out);
    assert_string_equal(keys_of(out), "path,mode,count");
    assert_string_equal(text_of(out),
                        "{\"path\":\"out.txt\",\"mode\":\"0644\",\"count\":7}");
    val_unref(out);
    release(&p);
    /* Only the required one given: both defaults. */
    assert_int_equal(bind(&p, r, "t.write", write_args, "t.write(\"a\")",
                          &out), MIG_OK);
    assert_string_equal(text_of(out),
                        "{\"path\":\"a\",\"mode\":\"0644\",\"count\":3}");
    val_unref(out);
    release(&p);
    action_registry_free(r);
}

static void test_bind_positional_and_named(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    parsed_t p;
    val_t *out = NULL;
    assert_int_equal(bind(&p, r, "t.write", write_args,
                          "t.write(\"a\", \"0600\", count: 1)", &out), MIG_OK);
    assert_string_equal(text_of(out),
                        "{\"path\":\"a\",\"mode\":\"0600\",\"count\":1}");
    val_unref(out);
    release(&p);
    /* A row without a default and not given is left out. */
    static const action_arg_t opt_args[] = {
        { .name = "a", .types = T(NUMBER), .required = true },
        { .name = "b", .types = T(STRING) },
        { 0 },
    };
    assert_int_equal(bind(&p, r, "t.opt", opt_args, "t.opt(1)", &out),
                     MIG_OK);
    assert_string_equal(text_of(out), "{\"a\":1}");
    val_unref(out);
    release(&p);
    /* No rows, no arguments: an empty map. */
    assert_int_equal(bind(&p, r, "t.burn", NULL, "t.burn()", &out), MIG_OK);
    assert_int_equal(val_type(out), VAL_MAP);
    assert_int_equal(val_len(out), 0);
    val_unref(out);
    release(&p);
    action_registry_free(r);
}

static void test_bind_type_error_on_value(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    parsed_t p;
    val_t *out = (val_t *)&out;     /* must be cleared */
    assert_int_equal(bind(&p, r, "t.write", write_args,
                          "t.write(\"a\", count: 5s)", &out), MIG_EINVALID);
    assert_null(out);
    assert_one_error(&p, 3, 30, "argument 'count' of t.write must be a "
                     "number, found a duration", NULL);
    release(&p);
    action_registry_free(r);
}

static void test_bind_misplaced_argument(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    parsed_t p;
    val_t *out = NULL;
    assert_int_equal(bind(&p, r, "t.write", write_args,
                          "t.write(\"a\", mdoe: \"0600\")", &out),
                     MIG_EINVALID);
    assert_null(out);
    assert_one_error(&p, 3, 23, "t.write has no argument 'mdoe'",
                     "did you mean 'mode'?");
    release(&p);
    assert_int_equal(bind(&p, r, "t.write", write_args, "t.write()", &out),
                     MIG_EINVALID);
    assert_null(out);
    assert_one_error(&p, 3, 10, "t.write needs the argument 'path'",
                     "t.write(path, mode: \"0644\", count: 3)");
    release(&p);
    action_registry_free(r);
}

/* The map keeps its own references: it outlives the registry. */
static void test_bound_defaults_outlive_registry(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    parsed_t p;
    val_t *out = NULL;
    assert_int_equal(bind(&p, r, "t.exec", exec_args, "t.exec(\"ls\")", &out),
                     MIG_OK);
    action_registry_free(r);
    assert_string_equal(text_of(out),
                        "{\"cmd\":\"ls\",\"env\":{\"LANG\":\"C\"}}");
    val_unref(out);
    release(&p);
}

/* ---- mig check and rows that cannot run --------------------------------- */

/* A row with no function passes the argument checks but cannot run:
 * check_plan refuses the call at its callee, with a hint. */
static void test_check_refuses_an_action_that_cannot_run(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    parsed_t p;
    parse_call(&p, "t.read(path: \"x\")");
    ast_plan_t *plan = NULL;
    diag_list_t diags;
    diag_list_init(&diags);
    assert_int_equal(grammar_parse(p.src, p.arena, &diags, &plan), MIG_OK);
    assert_int_equal(check_plan(plan, p.src, r, 0, &diags), MIG_EINVALID);
    assert_int_equal(diags.errors, 1);
    assert_string_equal(diags.items[0].message, "action 't.read' cannot "
                        "run: this build of mig has no code for it");
    assert_int_equal(diags.items[0].span.line, 3);
    assert_int_equal(diags.items[0].span.col, 10);
    assert_string_equal(diags.items[0].hint, "'mig help actions' lists the "
                        "actions");
    diag_list_free(&diags);
    release(&p);
    action_registry_free(r);
}

/* So is a recovery handler without a function. */
static void test_check_refuses_a_handler_that_cannot_run(void **state)
{
    (void)state;
    action_registry_t *r = registry();
    static const char *const text =
        "migration \"t\" {\n  stage s {\n"
        "    foreach i in [1] {\n"
        "      step a = log.info(message: i)\n"
        "      recover * with h.retry_later\n"
        "    }\n  }\n}\n";
    assert_int_equal(stdlib_register(r), MIG_OK);
    src_t *src = src_from_memory("t.mig", text, strlen(text));
    arena_t *arena = arena_new();
    ast_plan_t *plan = NULL;
    diag_list_t diags;
    diag_list_init(&diags);
    assert_int_equal(grammar_parse(src, arena, &diags, &plan), MIG_OK);
    assert_int_equal(check_plan(plan, src, r, 0, &diags), MIG_EINVALID);
    assert_int_equal(diags.errors, 1);
    assert_string_equal(diags.items[0].message, "recovery handler "
                        "'h.retry_later' cannot run: this build of mig has "
                        "no code for it");
    assert_int_equal(diags.items[0].span.line, 5);
    assert_int_equal(diags.items[0].span.col, 22);
    diag_list_free(&diags);
    arena_free(arena);
    src_free(src);
    action_registry_free(r);
}

/* ---- the standard library ---------------------------------------------- */

static void test_stdlib_registers(void **state)
{
    (void)state;
    action_registry_t *r = action_registry_new();
    assert_non_null(r);
    assert_int_equal(stdlib_register(r), MIG_OK);
    static const struct { const char *name; action_effect_t effect; } rows[] = {
        { "file.read", ACTION_PURE },
        { "file.write", ACTION_SELF_UNDO },
        { "file.delete", ACTION_SELF_UNDO },
        { "exec.run", ACTION_PLAN_UNDO },
        { "log.info", ACTION_PURE },
        { "test.count", ACTION_SELF_UNDO },
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        const action_t *a = action_find(r, rows[i].name);
        assert_non_null(a);
        assert_int_equal(a->effect, rows[i].effect);
    }
    assert_non_null(action_find_handler(r, "adapt.params"));
    assert_non_null(action_find_handler(r, "adapt.remap_method"));
    assert_null(action_find(r, "adapt.params"));
    static const char *const namespaces[] = {
        "file", "exec", "log", "test", "adapt",
    };
    for (size_t i = 0; i < 5; i++)
        assert_true(action_has_namespace(r, namespaces[i],
                                         strlen(namespaces[i])));
    /* Sorted, and every row has a doc and well-formed defaults. */
    for (size_t i = 0; i < action_count(r); i++) {
        const action_t *a = action_at(r, i);
        assert_non_null(a->doc);
        /* mig check refuses a row without a function: none may lack it. */
        assert_non_null(a->run);
        if (i)
            assert_true(strcmp(action_at(r, i - 1)->name, a->name) < 0);
        for (const action_arg_t *g = a->args; g && g->name; g++)
            if (g->def)
                assert_non_null(action_arg_default(r, g));
    }
    /* The same for the recovery handlers. */
    for (size_t i = 0; i < action_handler_count(r); i++)
        assert_non_null(action_handler_at(r, i)->run);
    const action_t *list = action_find(r, "file.list");
    assert_non_null(list);
    assert_string_equal(list->args[1].name, "glob");
    assert_string_equal(val_get_str(action_arg_default(r, &list->args[1]),
                                    NULL), "*");
    assert_string_equal(action_suggest(r, "file.wirte"), "file.write");
    action_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_registry),
        cmocka_unit_test(test_find_and_sorted_order),
        cmocka_unit_test(test_handlers_apart_from_actions),
        cmocka_unit_test(test_has_namespace),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_defaults_read_from_json),
        cmocka_unit_test(test_effect_names),
        cmocka_unit_test(test_types_text),
        cmocka_unit_test(test_check_call_fits),
        cmocka_unit_test(test_check_call_unknown_argument),
        cmocka_unit_test(test_check_call_missing_required),
        cmocka_unit_test(test_check_call_too_many),
        cmocka_unit_test(test_check_call_given_twice),
        cmocka_unit_test(test_check_call_wrong_type),
        cmocka_unit_test(test_check_call_reports_every_misfit),
        cmocka_unit_test(test_bind_fills_defaults_in_row_order),
        cmocka_unit_test(test_bind_positional_and_named),
        cmocka_unit_test(test_bind_type_error_on_value),
        cmocka_unit_test(test_bind_misplaced_argument),
        cmocka_unit_test(test_bound_defaults_outlive_registry),
        cmocka_unit_test(test_check_refuses_an_action_that_cannot_run),
        cmocka_unit_test(test_check_refuses_a_handler_that_cannot_run),
        cmocka_unit_test(test_stdlib_registers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
