/* html.c: the page of `mig stats --html` (docs/analytics.md, "The HTML
 * report"): one file holding the figures as JSON, the charting library
 * (Chart.js, from npm at build time) and the page's own script and style
 * (analytics/web/), all compiled into mig (html_assets.c, written by
 * embed.cmake), so that nothing is fetched when the page is viewed. */
#include <string.h>

#include "analytics.h"

#ifndef MIG_NO_CHARTS
extern const unsigned char html_chart_js[], html_page_js[], html_page_css[];
extern const size_t html_chart_js_len, html_page_js_len, html_page_css_len;
#endif

bool analytics_html_available(void)
{
#ifdef MIG_NO_CHARTS
    return false;
#else
    return true;
#endif
}

/* Appends JSON text J for a <script> element: '<', '>' and '&' (which
 * JSON has only inside strings) as \u escapes, so that no text of the
 * data ("</script>", "<!--") can end the element or open a comment. */
static void put_json_safe(strbuf_t *b, const char *j, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (j[i] == '<')
            strbuf_puts(b, "\\u003c");
        else if (j[i] == '>')
            strbuf_puts(b, "\\u003e");
        else if (j[i] == '&')
            strbuf_puts(b, "\\u0026");
        else
            strbuf_putc(b, j[i]);
    }
}

mig_status_t analytics_html(const val_t *stats, const val_t *run,
                            strbuf_t *out)
{
#ifdef MIG_NO_CHARTS
    (void)stats;
    (void)run;
    (void)out;
    return MIG_EINVALID;
#else
    val_t *data = val_map_new(2);
    if (!data)
        return MIG_ENOMEM;
    mig_status_t st = MIG_OK;
    if (stats)
        st = val_map_set(data, "stats", 5, (val_t *)stats);
    if (st == MIG_OK && run)
        st = val_map_set(data, "run", 3, (val_t *)run);
    strbuf_t json;
    strbuf_init(&json);
    if (st == MIG_OK)
        st = val_to_json(data, &json, 0);
    val_unref(data);
    if (st == MIG_OK && json.oom)
        st = MIG_ENOMEM;
    if (st != MIG_OK) {
        strbuf_free(&json);
        return st;
    }
    strbuf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                "<meta charset=\"utf-8\">\n<meta name=\"generator\" "
                "content=\"mig stats\">\n<title>mig stats</title>\n<style>\n");
    strbuf_put(out, (const char *)html_page_css, html_page_css_len);
    strbuf_puts(out, "</style>\n</head>\n<body>\n<header><h1>mig stats</h1>"
                "<p class=\"sub\" id=\"subtitle\"></p></header>\n"
                "<main id=\"main\"></main>\n"
                "<script type=\"application/json\" id=\"mig-data\">");
    put_json_safe(out, json.data, json.len);
    strbuf_puts(out, "</script>\n<script>\n");
    strbuf_put(out, (const char *)html_chart_js, html_chart_js_len);
    strbuf_puts(out, "\n</script>\n<script>\n");
    strbuf_put(out, (const char *)html_page_js, html_page_js_len);
    strbuf_puts(out, "</script>\n</body>\n</html>\n");
    strbuf_free(&json);
    return out->oom ? MIG_ENOMEM : MIG_OK;
#endif
}
