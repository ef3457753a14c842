/* test_parser.c: grammar_parse from text to tree: the shape of every
 * statement and clause, precedence, spans, arguments and keywords used as
 * names (parser_fixture.h). The errors are test_parser_errors.c's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parser_fixture.h"

/* The dump of EXPR as the value of `let v = EXPR` at plan level. */
static const char *expr(void **state, const char *e)
{
    char text[512];
    snprintf(text, sizeof(text), "migration \"t\" { let v = %s }", e);
    fx_t *f = parse_ok(state, text);
    char *start = strstr(f->dump, "  let v = ");
    assert_non_null(start);
    start += strlen("  let v = ");
    char *end = strstr(start, "  @1:17\n");
    assert_non_null(end);
    *end = '\0';
    return start;
}

static const ast_node_t *item(const fx_t *f, uint32_t i)
{
    assert_true(i < f->plan->items.len);
    return f->plan->items.items[i];
}

/* Failures are reported at the caller's line. */
#define check_span(...) check_span_at(__FILE__, __LINE__, __VA_ARGS__)
static void check_span_at(const char *file, int at, const src_span_t *s,
                          uint32_t line, uint32_t col, uint32_t end_line,
                          uint32_t end_col)
{
    _assert_int_equal(s->line, line, file, at);
    _assert_int_equal(s->col, col, file, at);
    _assert_int_equal(s->end_line, end_line, file, at);
    _assert_int_equal(s->end_col, end_col, file, at);
}


static const char *plain(const ast_node_t *str)
{
    const char *text;
    uint32_t len;
    assert_true(ast_string_is_plain(str, &text, &len));
    return text;
}

/* ---- plan items -------------------------------------------------------- */

static void plan_and_meta(void **state)
{
    fx_t *f = parse_ok(state, "migration \"m\" {\n"
                              "  version \"1.0\"\n"
                              "  description \"d\" requires \"mig >= 0.1\"\n"
                              "}\n");
    assert_string_equal(plain(f->plan->name), "m");
    check_span(&f->plan->span, 1, 1, 4, 2);
    check_span(&f->plan->name->span, 1, 11, 1, 14);
    assert_int_equal(f->plan->items.len, 3);
    const ast_node_t *v = item(f, 0);
    assert_int_equal(v->kind, AST_META);
    assert_int_equal(v->u.meta.key, AST_META_VERSION);
    assert_string_equal(plain(v->u.meta.value), "1.0");
    check_span(&v->span, 2, 3, 2, 16);
    assert_int_equal(item(f, 1)->u.meta.key, AST_META_DESCRIPTION);
    assert_int_equal(item(f, 2)->u.meta.key, AST_META_REQUIRES);
    assert_string_equal(plain(item(f, 2)->u.meta.value), "mig >= 0.1");
    check_span(&item(f, 2)->span, 3, 19, 3, 40);

    f = parse_ok(state, "migration \"\" {}");
    assert_int_equal(f->plan->items.len, 0);
    assert_string_equal(f->dump, "migration \"\"  @1:1\n");
}

static void declarations(void **state)
{
    fx_t *f = parse_ok(state, "migration \"m\" {\n"
                              "  param n = 4\n"
                              "  profile prod { n = 16 m = \"x\" }\n"
                              "  profile empty {}\n"
                              "  lua \"lib/x.lua\" as x\n"
                              "  error Busy\n"
                              "  error Locked : Busy\n"
                              "}\n");
    const ast_node_t *p = item(f, 0);
    assert_int_equal(p->kind, AST_PARAM);
    assert_string_equal(p->u.binding.name.name, "n");
    check_span(&p->u.binding.name.span, 2, 9, 2, 10);
    assert_int_equal(p->u.binding.value->kind, AST_NUMBER);
    check_span(&p->span, 2, 3, 2, 14);
    const ast_node_t *pr = item(f, 1);
    assert_int_equal(pr->kind, AST_PROFILE);
    assert_string_equal(pr->u.profile.name.name, "prod");
    assert_int_equal(pr->u.profile.assigns.len, 2);
    const ast_node_t *a = pr->u.profile.assigns.items[1];
    assert_int_equal(a->kind, AST_ASSIGN);
    assert_string_equal(a->u.binding.name.name, "m");
    check_span(&a->span, 3, 25, 3, 32);
    assert_int_equal(item(f, 2)->u.profile.assigns.len, 0);
    const ast_node_t *l = item(f, 3);
    assert_int_equal(l->kind, AST_LUA);
    assert_string_equal(plain(l->u.lua.path), "lib/x.lua");
    assert_string_equal(l->u.lua.alias.name, "x");
    const ast_node_t *e = item(f, 4);
    assert_int_equal(e->kind, AST_ERROR_DECL);
    assert_string_equal(e->u.error_decl.name.name, "Busy");
    assert_null(e->u.error_decl.parent.name);
    e = item(f, 5);
    assert_string_equal(e->u.error_decl.parent.name, "Busy");
    check_span(&e->span, 7, 3, 7, 22);
}

static void stages_and_hooks(void **state)
{
    fx_t *f = parse_ok(state, "migration \"m\" {\n"
                              "  stage a {}\n"
                              "  stage b after a, x { on failure { fail } }\n"
                              "  on success { let s = 1 }\n"
                              "  finally {}\n"
                              "  on failure rollback to c\n"
                              "}\n");
    const ast_node_t *a = item(f, 0);
    assert_int_equal(a->kind, AST_STAGE);
    assert_int_equal(a->u.stage.after.len, 0);
    assert_int_equal(a->u.stage.body.len, 0);
    const ast_node_t *b = item(f, 1);
    assert_int_equal(b->u.stage.after.len, 2);
    assert_string_equal(b->u.stage.after.items[1].name, "x");
    check_span(&b->u.stage.after.items[1].span, 3, 20, 3, 21);
    check_span(&b->span, 3, 3, 3, 45);
    const ast_node_t *h = b->u.stage.body.items[0];
    assert_int_equal(h->kind, AST_HOOK);
    assert_int_equal(h->u.hook.when, AST_HOOK_FAILURE);
    assert_int_equal(h->u.hook.body.items[0]->u.decision.what, AST_DECIDE_FAIL);
    assert_int_equal(item(f, 2)->u.hook.when, AST_HOOK_SUCCESS);
    assert_int_equal(item(f, 3)->u.hook.when, AST_HOOK_FINALLY);
    /* The short form holds one rollback decision, spanning its words. */
    const ast_node_t *r = item(f, 4);
    assert_int_equal(r->u.hook.when, AST_HOOK_FAILURE);
    check_span(&r->span, 6, 3, 6, 27);
    assert_int_equal(r->u.hook.body.len, 1);
    const ast_node_t *d = r->u.hook.body.items[0];
    assert_int_equal(d->kind, AST_DECISION);
    assert_int_equal(d->u.decision.what, AST_DECIDE_ROLLBACK);
    assert_string_equal(d->u.decision.target.name, "c");
    check_span(&d->span, 6, 14, 6, 27);
}

/* ---- statements -------------------------------------------------------- */

static void steps(void **state)
{
    fx_t *f = parse_ok(state, "migration \"m\" { stage s {\n"
                              "  step a = x.y(1)\n"
                              "  step b = f() when ok undo g(2) timeout 30s\n"
                              "  step c = f(\n"
                              "    q: 1) timeout t\n"
                              "} }");
    const ast_list_t *body = &item(f, 0)->u.stage.body;
    const ast_node_t *a = body->items[0];
    assert_int_equal(a->kind, AST_STEP);
    assert_string_equal(a->u.step.name.name, "a");
    assert_int_equal(a->u.step.call->kind, AST_CALL);
    assert_int_equal(a->u.step.call->u.call.callee->kind, AST_FIELD);
    assert_null(a->u.step.undo);
    assert_null(a->u.step.timeout);
    assert_null(a->u.step.when);
    check_span(&a->span, 2, 3, 2, 18);
    const ast_node_t *b = body->items[1];
    assert_int_equal(b->u.step.when->kind, AST_NAME);
    assert_int_equal(b->u.step.undo->kind, AST_CALL);
    assert_int_equal(b->u.step.timeout->u.duration.ms, 30000);
    check_span(&b->span, 3, 3, 3, 45);
    const ast_node_t *c = body->items[2];
    check_span(&c->span, 4, 3, 5, 20);
    check_span(&c->u.step.call->span, 4, 12, 5, 10);
    assert_string_equal(c->u.step.timeout->u.name.name, "t");
}

static void loops_and_retries(void **state)
{
    fx_t *f = parse_ok(state, "migration \"m\" { stage s {\n"
        "  let v = 1\n"
        "  checkpoint cp\n"
        "  foreach i in xs { skip }\n"
        "  foreach j in f() parallel 4 {}\n"
        "  retry 3 {}\n"
        "  retry n backoff linear(base: 1s, step: 2s, max: 1m) jitter equal on A, B {}\n"
        "  retry 2 on * backoff exponential(base: 100ms, factor: 2) {}\n"
        "} }");
    const ast_list_t *body = &item(f, 0)->u.stage.body;
    assert_int_equal(body->items[0]->kind, AST_LET);
    assert_string_equal(body->items[1]->u.checkpoint.name.name, "cp");
    const ast_node_t *fe = body->items[2];
    assert_string_equal(fe->u.foreach.var.name, "i");
    assert_null(fe->u.foreach.parallel);
    assert_int_equal(fe->u.foreach.body.len, 1);
    assert_int_equal(body->items[3]->u.foreach.parallel->u.number.value, 4);
    const ast_node_t *r = body->items[4];
    assert_int_equal(r->kind, AST_RETRY);
    assert_int_equal(r->u.retry.backoff, AST_BACKOFF_NONE);
    assert_int_equal(r->u.retry.jitter, AST_JITTER_UNSET);
    assert_int_equal(r->u.retry.on.len, 0);
    r = body->items[5];
    assert_int_equal(r->u.retry.attempts->kind, AST_NAME);
    assert_int_equal(r->u.retry.backoff, AST_BACKOFF_LINEAR);
    assert_int_equal(r->u.retry.backoff_args.len, 3);
    assert_string_equal(r->u.retry.backoff_args.items[2].name.name, "max");
    assert_int_equal(r->u.retry.backoff_args.items[2].value->u.duration.ms, 60000);
    check_span(&r->u.retry.backoff_span, 7, 11, 7, 54);
    assert_int_equal(r->u.retry.jitter, AST_JITTER_EQUAL);
    check_span(&r->u.retry.jitter_span, 7, 62, 7, 67);
    assert_int_equal(r->u.retry.on.len, 2);
    check_span(&r->span, 7, 3, 7, 78);
    r = body->items[6];
    assert_string_equal(r->u.retry.on.items[0].name, "*");
    assert_int_equal(r->u.retry.backoff, AST_BACKOFF_EXPONENTIAL);
    assert_non_null(strstr(f->dump, "\n    retry 2 backoff exponential(base: "
                                    "100ms, factor: 2) on *  @8:3\n"));
}

/* foreach ... after NAMES: an expression kept with its span, between
 * parallel and tolerate; out of that order, or empty, an error at its
 * place. */
static void foreach_after(void **state)
{
    fx_t *f = parse_ok(state, "migration \"m\" { stage s {\n"
        "  foreach t in xs after t.requires {}\n"
        "  foreach t in xs parallel 4 after [t.a, \"b\"] tolerate 5% {}\n"
        "  foreach t in xs parallel 4 {}\n"
        "} }");
    const ast_list_t *body = &item(f, 0)->u.stage.body;
    const ast_node_t *a = body->items[0]->u.foreach.after;
    assert_non_null(a);
    assert_int_equal(a->kind, AST_FIELD);
    check_span(&a->span, 2, 25, 2, 35);
    assert_null(body->items[0]->u.foreach.parallel);
    const ast_node_t *b = body->items[1];
    assert_int_equal(b->u.foreach.parallel->u.number.value, 4);
    assert_int_equal(b->u.foreach.after->kind, AST_LIST);
    check_span(&b->u.foreach.after->span, 3, 36, 3, 46);
    assert_true(b->u.foreach.tolerate_percent);
    assert_null(body->items[2]->u.foreach.after);
    one_error(state, "migration \"x\" { stage s { foreach t in xs after {} } }",
              1, 52, "expected 'tolerate' or '{' after '}', found '}'", NULL);
    one_error(state, "migration \"x\" { stage s { foreach t in xs after tolerate 1 {} } }",
              1, 49, "expected an expression after 'after', found 'tolerate'",
              NULL);
    one_error(state, "migration \"x\" { stage s { foreach t in xs after t.a parallel 2 {} } }",
              1, 53, "expected 'tolerate' or '{' after 'a', found 'parallel'",
              NULL);
    one_error(state, "migration \"x\" { stage s { foreach t in xs after t.a after t.b {} } }",
              1, 53, "expected 'tolerate' or '{' after 'a', found 'after'",
              NULL);
}

static void recovers_verifies_decisions(void **state)
{
    fx_t *f = parse_ok(state, "migration \"m\" { stage s {\n"
        "  recover A with h\n"
        "  recover A, B with x.fix(1)\n"
        "  recover * { retry with 2 }\n"
        "  recover C { if a { retry } else if b { skip \"why\" } else { rollback to c } }\n"
        "  foreach i in l { recover D { fail \"no\" } skip }\n"
        "  verify a > 1\n"
        "  verify ok else \"not ${x}\"\n"
        "} }");
    const ast_list_t *body = &item(f, 0)->u.stage.body;
    const ast_node_t *r = body->items[0];
    assert_int_equal(r->u.recover.classes.len, 1);
    assert_int_equal(r->u.recover.handler->kind, AST_NAME);
    assert_int_equal(body->items[1]->u.recover.handler->kind, AST_CALL);
    assert_int_equal(body->items[1]->u.recover.classes.len, 2);
    r = body->items[2];
    assert_null(r->u.recover.handler);
    const ast_node_t *d = r->u.recover.body.items[0];
    assert_int_equal(d->u.decision.what, AST_DECIDE_RETRY);
    assert_int_equal(d->u.decision.value->u.number.value, 2);
    const ast_node_t *i = body->items[3]->u.recover.body.items[0];
    assert_int_equal(i->kind, AST_IF);
    assert_true(i->u.if_.has_else);
    assert_int_equal(i->u.if_.else_body.len, 1);
    const ast_node_t *elif = i->u.if_.else_body.items[0];
    assert_int_equal(elif->kind, AST_IF);
    check_span(&elif->span, 5, 35, 5, 77);
    assert_int_equal(elif->u.if_.then_body.items[0]->u.decision.what,
                     AST_DECIDE_SKIP);
    assert_int_equal(elif->u.if_.else_body.items[0]->u.decision.what,
                     AST_DECIDE_ROLLBACK);
    const ast_node_t *v = body->items[5];
    assert_int_equal(v->kind, AST_VERIFY);
    assert_int_equal(v->u.verify.cond->u.binary.op, AST_OP_GT);
    assert_null(v->u.verify.message);
    assert_int_equal(body->items[6]->u.verify.message->u.string.n_parts, 2);
    assert_string_equal(strstr(f->dump, "    recover C  @5:3"),
        "    recover C  @5:3\n"
        "      if a  @5:15\n"
        "        retry  @5:22\n"
        "      else\n"
        "        if b  @5:35\n"
        "          skip \"why\"  @5:42\n"
        "        else\n"
        "          rollback to c  @5:62\n"
        "    foreach i in l  @6:3\n"
        "      recover D  @6:20\n"
        "        fail \"no\"  @6:32\n"
        "      skip  @6:44\n"
        "    verify (a > 1)  @7:3\n"
        "    verify ok else \"not ${x}\"  @8:3\n");
}

/* ---- expressions ------------------------------------------------------- */

static void precedence(void **state)
{
    assert_string_equal(expr(state, "1 + 2 * 3"), "(1 + (2 * 3))");
    assert_string_equal(expr(state, "(1 + 2) * 3"), "((1 + 2) * 3)");
    assert_string_equal(expr(state, "1 - 2 - 3"), "((1 - 2) - 3)");
    assert_string_equal(expr(state, "a % b / c * d"), "(((a % b) / c) * d)");
    assert_string_equal(expr(state, "a or b and c"), "(a or (b and c))");
    assert_string_equal(expr(state, "a or b or c"), "((a or b) or c)");
    assert_string_equal(expr(state, "a and b and c"), "((a and b) and c)");
    assert_string_equal(expr(state, "a == b and c < d or e"),
                        "(((a == b) and (c < d)) or e)");
    assert_string_equal(expr(state, "not a == b"), "(not (a == b))");
    assert_string_equal(expr(state, "not a and b"), "((not a) and b)");
    assert_string_equal(expr(state, "a + b >= c * 2"), "((a + b) >= (c * 2))");
    assert_string_equal(expr(state, "-a * b"), "((-a) * b)");
    assert_string_equal(expr(state, "-a.b[0]"), "(-a.b[0])");
    assert_string_equal(expr(state, "- - x"), "(-(-x))");
    assert_string_equal(expr(state, "not not x"), "(not (not x))");
    assert_string_equal(expr(state, "1 - -2"), "(1 - (-2))");
    assert_string_equal(expr(state, "a.b(c)[d].e(f)(g)"), "a.b(c)[d].e(f)(g)");
    assert_string_equal(expr(state, "[1, [], {}, null, true, false]"),
                        "[1, [], {}, null, true, false]");
    assert_string_equal(expr(state, "1.5 + 2e3 + 0.1"), "((1.5 + 2000.0) + 0.1)");
    assert_string_equal(expr(state, "\"a${b + \"c${d}\"}\\u{1}\""),
                        "\"a${(b + \"c${d}\")}\\u{1}\"");

    /* The tree itself, not only its dump. */
    fx_t *f = *state;
    expr(state, "a - b * c");
    const ast_node_t *e = item(f, 0)->u.binding.value;
    assert_int_equal(e->kind, AST_BINARY);
    assert_int_equal(e->u.binary.op, AST_OP_SUB);
    assert_int_equal(e->u.binary.right->u.binary.op, AST_OP_MUL);
    assert_string_equal(e->u.binary.left->u.name.name, "a");
    assert_int_equal(e->depth, 3);

    /* Comparisons do not chain. */
    one_error(state, "migration \"t\" { let v = 1 < 2 < 3 }", 1, 31,
              "expected a statement or '}' after '2', found '<'",
              "comparisons do not chain: write 'a < b and b < c'");
}

static void expression_spans(void **state)
{
    fx_t *f = parse_ok(state, "migration \"t\" {\n"
                              "  let v = (a +\n"
                              "    b) * f(x)[1].y\n"
                              "}");
    const ast_node_t *let = item(f, 0);
    check_span(&let->span, 2, 3, 3, 19);
    const ast_node_t *mul = let->u.binding.value;
    check_span(&mul->span, 2, 11, 3, 19);
    const ast_node_t *paren = mul->u.binary.left;
    check_span(&paren->span, 2, 11, 3, 7);     /* the parentheses included */
    check_span(&paren->u.binary.right->span, 3, 5, 3, 6);
    const ast_node_t *field = mul->u.binary.right;
    assert_int_equal(field->kind, AST_FIELD);
    check_span(&field->span, 3, 10, 3, 19);
    check_span(&field->u.field.field.span, 3, 18, 3, 19);
    const ast_node_t *index = field->u.field.object;
    check_span(&index->span, 3, 10, 3, 17);
    check_span(&index->u.index.object->span, 3, 10, 3, 14);

    f = parse_ok(state, "migration \"t\" { let s = \"a${x}b\" let m = {k: -1} }");
    const ast_node_t *s = item(f, 0)->u.binding.value;
    check_span(&s->span, 1, 25, 1, 33);
    assert_int_equal(s->u.string.n_parts, 3);
    check_span(&s->u.string.parts[1].expr->span, 1, 29, 1, 30);
    const ast_node_t *m = item(f, 1)->u.binding.value;
    check_span(&m->span, 1, 42, 1, 49);
    check_span(&m->u.map.items[0].value->span, 1, 46, 1, 48);
}

static void arguments(void **state)
{
    fx_t *f = parse_ok(state, "migration \"t\" { let c = f(1, x + 1, to: 2, in: 3,) }");
    const ast_node_t *c = item(f, 0)->u.binding.value;
    assert_int_equal(c->kind, AST_CALL);
    assert_int_equal(c->u.call.args.len, 4);
    const ast_arg_t *a = c->u.call.args.items;
    assert_string_equal(a[0].name.name, "");
    assert_string_equal(a[1].name.name, "");
    check_span(&a[1].name.span, 1, 30, 1, 35);   /* a positional one's value */
    assert_string_equal(a[2].name.name, "to");
    check_span(&a[2].name.span, 1, 37, 1, 39);
    assert_string_equal(a[3].name.name, "in");
    assert_int_equal(a[3].value->u.number.value, 3);
    assert_string_equal(f->dump, "migration \"t\"  @1:1\n"
                                 "  let c = f(1, (x + 1), to: 2, in: 3)  @1:17\n");
    f = parse_ok(state, "migration \"t\" { let c = f() }");
    assert_int_equal(item(f, 0)->u.binding.value->u.call.args.len, 0);
}

static void keywords_as_names(void **state)
{
    assert_string_equal(expr(state, "tool.version.if.step.null"),
                        "tool.version.if.step.null");
    assert_string_equal(expr(state, "file.move(to: a, from: b, when: c, not: d)"),
                        "file.move(to: a, from: b, when: c, not: d)");
    assert_string_equal(expr(state, "{version: 1, \"a key\": 2, null: 3, if: 4,}"),
                        "{version: 1, \"a key\": 2, null: 3, if: 4}");
    fx_t *f = *state;
    const ast_node_t *m = item(f, 0)->u.binding.value;
    assert_int_equal(m->u.map.len, 4);
    assert_string_equal(m->u.map.items[1].name.name, "a key");
    check_span(&m->u.map.items[1].name.span, 1, 38, 1, 45);
    assert_string_equal(m->u.map.items[2].name.name, "null");
    /* A recover handler and a step call also take keyword fields. */
    f = parse_ok(state, "migration \"t\" { stage s { step a = x.in.stage() "
                        "recover E with x.retry } }");
    const ast_node_t *h = item(f, 0)->u.stage.body.items[1]->u.recover.handler;
    assert_string_equal(h->u.field.field.name, "retry");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(plan_and_meta),
        T(declarations),
        T(stages_and_hooks),
        T(steps),
        T(loops_and_retries),
        T(foreach_after),
        T(recovers_verifies_decisions),
        T(precedence),
        T(expression_spans),
        T(arguments),
        T(keywords_as_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
