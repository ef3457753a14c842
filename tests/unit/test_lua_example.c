/* test_lua_example.c: the Lua files of examples/lua-adapter through the
 * bridge, as a run will call them: the Toolsmith adapter converts each
 * sample card of legacy/ into its V2 entry, and its recovery hook decides
 * what happens to the cards it cannot convert (a parameter type V2 cannot
 * take: retry with lenient types; a retired tool: skip; a broken card:
 * fail). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_lua_fixture.h"

/* The example's directory, from this file's place in the tree. */
static char example[512];

static int setup(void **state)
{
    const char *here = __FILE__;
    const char *tests = strstr(here, "tests/unit/test_lua_example.c");
    assert_non_null(tests);
    snprintf(example, sizeof example, "%.*sexamples/lua-adapter",
             (int)(tests - here), here);
    fx_t *f = malloc(sizeof *f);
    fx_init(f, NULL);
    lua_bridge_free(f->b);
    static const char *const classes[] = { "Retired" };
    lua_bridge_config_t cfg = { .base_dir = example, .classes = classes,
                                .n_classes = 1 };
    assert_int_equal(lua_bridge_new(&cfg, &f->diags, &f->b), MIG_OK);
    mig_status_t st = lua_bridge_load(f->b, "toolsmith",
                                      "adapters/toolsmith.lua", f->r,
                                      &f->diags);
    if (st != MIG_OK)
        fail_msg("%s", fx_last_diag(f));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx_free(*state);
    free(*state);
    return 0;
}

/* The text of legacy/NAME. */
static val_t *card(const char *name)
{
    char path[640];
    snprintf(path, sizeof path, "%s/legacy/%s", example, name);
    src_t *src;
    diag_list_t d;
    diag_list_init(&d);
    assert_int_equal(src_load(path, &d, &src), MIG_OK);
    val_t *text = val_string(src->text, src->len);
    src_free(src);
    diag_list_free(&d);
    return text;
}

/* toolsmith.convert{text = legacy/NAME, file = "legacy/NAME", strict}. */
static mig_status_t convert(fx_t *f, const char *name, bool strict,
                            val_t **out)
{
    val_t *args = val_map_new(3);
    char file[128];
    snprintf(file, sizeof file, "legacy/%s", name);
    assert_int_equal(val_map_set_take(args, "text", 4, card(name)), MIG_OK);
    assert_int_equal(val_map_set_take(args, "file", 4, val_cstring(file)),
                     MIG_OK);
    if (!strict)
        assert_int_equal(val_map_set_take(args, "strict", 6,
                                          val_bool(false)), MIG_OK);
    mig_status_t st = fx_call(f, "toolsmith.convert", args, out);
    val_unref(args);
    return st;
}

static const char *json(const val_t *v)
{
    static char out[4096];
    strbuf_t b;
    strbuf_init(&b);
    assert_int_equal(val_to_json(v, &b, VAL_JSON_PRETTY), MIG_OK);
    snprintf(out, sizeof out, "%s", b.data);
    strbuf_free(&b);
    return out;
}

static void converts_a_card(void **state)
{
    fx_t *f = *state;
    val_t *out;
    if (convert(f, "weather.tcard", true, &out) != MIG_OK)
        fail_msg("%s", fx_error(f));
    assert_string_equal(json(out),
        "{\n"
        "  \"description\": \"Current weather for a city.\",\n"
        "  \"endpoint\": {\n"
        "    \"method\": \"GET\",\n"
        "    \"url\": \"https://api.example.com/v1/weather\"\n"
        "  },\n"
        "  \"input_schema\": {\n"
        "    \"properties\": {\n"
        "      \"city\": {\n"
        "        \"description\": \"The city, as its name or \\\"lat,lon\\\".\",\n"
        "        \"type\": \"string\"\n"
        "      },\n"
        "      \"days\": {\n"
        "        \"default\": 1,\n"
        "        \"description\": \"Days of forecast to add, 0 to 7.\",\n"
        "        \"type\": \"number\"\n"
        "      },\n"
        "      \"units\": {\n"
        "        \"description\": \"The units of the answer.\",\n"
        "        \"enum\": [\n"
        "          \"metric\",\n"
        "          \"imperial\"\n"
        "        ],\n"
        "        \"type\": \"string\"\n"
        "      }\n"
        "    },\n"
        "    \"required\": [\n"
        "      \"city\"\n"
        "    ],\n"
        "    \"type\": \"object\"\n"
        "  },\n"
        "  \"kind\": \"http\",\n"
        "  \"name\": \"weather_lookup\",\n"
        "  \"schema\": \"mig.v2/tool\",\n"
        "  \"source\": {\n"
        "    \"card\": 2,\n"
        "    \"file\": \"legacy/weather.tcard\",\n"
        "    \"format\": \"toolsmith\"\n"
        "  },\n"
        "  \"tags\": [\n"
        "    \"weather\",\n"
        "    \"lookup\"\n"
        "  ],\n"
        "  \"timeout\": \"30s\",\n"
        "  \"title\": \"Weather lookup\"\n"
        "}");
    /* The timeout is a duration, not its text. */
    assert_int_equal(val_type(val_map_get(out, "timeout", 7)), VAL_DURATION);
    val_unref(out);
    if (convert(f, "search.tcard", true, &out) != MIG_OK)
        fail_msg("%s", fx_error(f));
    const val_t *schema = val_map_get(out, "input_schema", 12);
    const val_t *exact = val_map_get(val_map_get(schema, "properties", 10),
                                     "exact", 5);
    assert_string_equal(fx_text(exact), "{\"default\": false, \"description\": "
                        "\"Match the words exactly.\", \"type\": \"boolean\"}");
    assert_string_equal(fx_text(val_map_get(out, "description", 11)),
                        "\"Finds passages of the product documentation. "
                        "Caf\xc3\xa9-grade results.\"");
    val_unref(out);
}

/* Calls the hook with the error of the last failed call. */
static val_t *decide(fx_t *f, const char *item, int attempt)
{
    val_t *err = val_map_new(4), *ctx = val_map_new(1);
    assert_int_equal(val_map_set_take(err, "class", 5,
                                      val_cstring(actx_error_class(f->ctx))),
                     MIG_OK);
    assert_int_equal(val_map_set_take(err, "message", 7,
                                      val_cstring(fx_error(f))), MIG_OK);
    assert_int_equal(val_map_set_take(err, "node", 4,
                                      val_cstring("migrate/foreach.card/v2")),
                     MIG_OK);
    assert_int_equal(val_map_set_take(err, "attempt", 7, val_int(attempt)),
                     MIG_OK);
    assert_int_equal(val_map_set_take(ctx, "item", 4, val_cstring(item)),
                     MIG_OK);
    val_t *d = NULL;
    if (lua_bridge_hook(f->b, "toolsmith.recover", err, ctx, f->ctx, &d)
        != MIG_OK)
        fail_msg("%s", fx_error(f));
    val_unref(err);
    val_unref(ctx);
    return d;
}

static void unknown_type_retried_leniently(void **state)
{
    fx_t *f = *state;
    val_t *out;
    assert_int_equal(convert(f, "translate.tcard", true, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "ParamMismatch");
    /* The adapter's words; where it raised them is in the detail. */
    assert_string_equal(fx_error(f), "text.translate: parameter 'glossary' "
                        "has the type 'blob', which V2 tools cannot take");
    assert_non_null(strstr(val_get_str(val_map_get(actx_error_detail(f->ctx),
                                                   "where", 5), NULL),
                           "adapters/toolsmith.lua:"));
    val_t *d = decide(f, "legacy/translate.tcard", 1);
    assert_string_equal(fx_text(d), "{\"decision\": \"retry\", \"input\": "
                        "{\"strict\": false}}");
    val_unref(d);
    if (convert(f, "translate.tcard", false, &out) != MIG_OK)
        fail_msg("%s", fx_error(f));
    const val_t *props = val_map_get(val_map_get(out, "input_schema", 12),
                                     "properties", 10);
    assert_string_equal(fx_text(val_map_get(props, "glossary", 8)),
                        "{\"description\": \"Terms to keep, as an uploaded "
                        "file. (was a 'blob')\", \"type\": \"string\"}");
    assert_string_equal(fx_text(val_map_get(out, "timeout", 7)), "1m");
    val_unref(out);
    /* A second failure of the same kind is not retried again. */
    assert_int_equal(convert(f, "translate.tcard", true, &out), MIG_EINVALID);
    d = decide(f, "legacy/translate.tcard", 2);
    assert_string_equal(val_get_str(val_map_get(d, "decision", 8), NULL),
                        "fail");
    val_unref(d);
}

static void retired_tool_skipped(void **state)
{
    fx_t *f = *state;
    val_t *out;
    assert_int_equal(convert(f, "pager.tcard", true, &out), MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "Retired");
    val_t *d = decide(f, "legacy/pager.tcard", 1);
    assert_string_equal(fx_text(d), "{\"decision\": \"skip\", \"reason\": "
                        "\"legacy/pager.tcard is retired\"}");
    val_unref(d);
}

static void broken_card_fails(void **state)
{
    fx_t *f = *state;
    val_t *args = fx_json("{\"text\": \"name: no header\\nid: x\\n\", "
                          "\"file\": \"legacy/broken.tcard\"}"), *out;
    assert_int_equal(fx_call(f, "toolsmith.convert", args, &out),
                     MIG_EINVALID);
    assert_string_equal(actx_error_class(f->ctx), "InvalidConfig");
    assert_non_null(strstr(fx_error(f), "legacy/broken.tcard: not a "
                           "Toolsmith card of version 2"));
    val_t *d = decide(f, "legacy/broken.tcard", 1);
    assert_string_equal(val_get_str(val_map_get(d, "decision", 8), NULL),
                        "fail");
    val_unref(d);
    val_unref(args);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(converts_a_card), T(unknown_type_retried_leniently),
        T(retired_tool_skipped), T(broken_card_fails),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
