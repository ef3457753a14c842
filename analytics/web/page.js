/* page.js: draws the page `mig stats --html` writes (analytics/html.c,
 * docs/analytics.md): the figures are the JSON of #mig-data, drawn with
 * Chart.js (embedded beside this script) and, for one run, a flame-graph
 * style view in SVG. Every text from the data goes in as textContent,
 * never as markup. When done, window.migReady is true and window.migCharts
 * counts what was drawn (the browser test reads both). */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("mig-data").textContent);
  var main = document.getElementById("main");
  var drawn = 0;
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function section(title) {
    main.appendChild(el("h2", title));
    var g = el("div", null, "grid");
    main.appendChild(g);
    return g;
  }
  function pct(x) { return x === null || x === undefined ? null : x * 100; }
  /* A chart of TYPE in GRID, titled CAPTION, with LABELS and DATASETS. */
  function chart(grid, caption, type, labels, datasets, opts) {
    var fig = el("figure");
    fig.appendChild(el("figcaption", caption));
    var c = el("canvas");
    c.width = 460; c.height = 260;
    c.setAttribute("data-chart", caption);
    fig.appendChild(c);
    grid.appendChild(fig);
    var o = { responsive: false, animation: false,
              plugins: { legend: { display: datasets.length > 1 } } };
    for (var k in (opts || {})) o[k] = opts[k];
    new Chart(c.getContext("2d"), { type: type,
      data: { labels: labels, datasets: datasets }, options: o });
    drawn++;
  }
  function col(rows, key) { return (rows || []).map(function (r) { return r[key]; }); }
  function table(grid, caption, rows, cols) {
    var fig = el("figure");
    fig.appendChild(el("figcaption", caption));
    var t = el("table"), h = el("tr");
    cols.forEach(function (c) { h.appendChild(el("th", c[0])); });
    t.appendChild(h);
    (rows || []).forEach(function (r) {
      var tr = el("tr");
      cols.forEach(function (c) {
        var v = r[c[1]];
        tr.appendChild(el("td", v === null || v === undefined ? "-" : v,
                          typeof v === "number" ? "n" : ""));
      });
      t.appendChild(tr);
    });
    fig.appendChild(t);
    grid.appendChild(fig);
  }
  var rateAxis = { scales: { y: { min: 0, max: 100,
                   title: { display: true, text: "% migrated" } } } };
  var msAxis = { scales: { y: { beginAtZero: true,
                 title: { display: true, text: "ms" } } } };

  function durations(grid, caption, rows, key) {
    chart(grid, caption, "bar", col(rows, key), [
      { label: "p50", data: col(rows, "p50_ms"), backgroundColor: "#8fb4d9" },
      { label: "p95", data: col(rows, "p95_ms"), backgroundColor: "#4a7fb5" },
      { label: "max", data: col(rows, "max_ms"), backgroundColor: "#1f3f66" }
    ], msAxis);
  }

  function history(s) {
    var sub = document.getElementById("subtitle");
    sub.textContent = s.runs + " run" + (s.runs === 1 ? "" : "s") +
      (s.filter && s.filter.plan ? " of " + s.filter.plan : "") +
      (s.filter && s.filter.since ? " since " + s.filter.since : "");
    var g = section("Success rates");
    [["by legacy format", s.by_format, "format"],
     ["by kind", s.by_kind, "kind"],
     ["by complexity band", s.by_band, "band"]].forEach(function (r) {
      chart(g, "Records migrated " + r[0], "bar", col(r[1], r[2]),
            [{ label: "% migrated", data: col(r[1], "rate").map(pct),
               backgroundColor: "#5cb85c" }], rateAxis);
    });
    g = section("Durations (nearest-rank percentiles)");
    durations(g, "Per stage", s.stages, "stage");
    durations(g, "Per action", s.actions, "action");
    g = section("Trend across runs");
    var runs = (s.trend || []).map(function (t) { return "run " + t.run; });
    chart(g, "Share migrated per run", "line", runs,
          [{ label: "% migrated", data: col(s.trend, "rate").map(pct),
             borderColor: "#5cb85c", spanGaps: true }], rateAxis);
    chart(g, "Duration per run", "line", runs,
          [{ label: "ms", data: col(s.trend, "duration_ms"),
             borderColor: "#4a7fb5" }], msAxis);
    table(g, "Runs", s.trend, [["run", "run"], ["plan", "plan"],
          ["state", "state"], ["ms", "duration_ms"], ["records", "records"],
          ["migrated", "migrated"], ["retries", "retries"],
          ["recoveries", "recoveries"], ["rollback", "rollback"]]);
    g = section("Retries, recoveries and rollbacks");
    var rt = s.retries || {};
    chart(g, "Retry waits by error class", "bar", col(rt.by_class, "class"),
          [{ label: "waits", data: col(rt.by_class, "waits"),
             backgroundColor: "#f0ad4e" }]);
    var rv = s.recoveries || [];
    chart(g, "Recoveries that succeeded", "bar",
          rv.map(function (r) { return r.class + " / " + r.handler; }),
          [{ label: "% succeeded", data: col(rv, "share").map(pct),
             backgroundColor: "#5bc0de" }], rateAxis);
    var rb = s.rollbacks || {};
    chart(g, "Rollbacks", "bar", ["verified", "unverified", "not needed"],
          [{ label: "rollbacks", data: [rb.verified || 0, rb.unverified || 0,
             rb.not_needed || 0], backgroundColor: "#d9534f" }]);
  }

  /* The run as a flame graph: each step a bar from its start to its end,
   * stacked in lanes so that none overlaps; the critical path in red. */
  function flame(grid, r) {
    var spans = r.spans || [], crit = {};
    ((r.critical_path || {}).steps || []).forEach(function (c) {
      crit[c.node + "\u0000" + c.item] = true;
    });
    var wall = Math.max(r.wall_ms || 0, 1), width = 940, lanes = [];
    var order = spans.slice().sort(function (a, b) {
      return a.start_ms - b.start_ms || b.duration_ms - a.duration_ms;
    });
    var placed = order.map(function (s) {
      var l = 0;
      while (l < lanes.length && lanes[l] > s.start_ms) l++;
      lanes[l] = s.start_ms + Math.max(s.duration_ms, 0);
      return { s: s, lane: l };
    });
    var fig = el("figure");
    fig.appendChild(el("figcaption", "Flame graph of run " + r.run +
                       " (the critical path in red)"));
    var svg = document.createElementNS(SVG, "svg"), rowH = 16;
    var height = Math.max(lanes.length, 1) * rowH + 4;
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("class", "flame");
    svg.setAttribute("data-chart", "flame");
    placed.forEach(function (p) {
      var x = p.s.start_ms / wall * width;
      var w = Math.max(p.s.duration_ms / wall * width, 1);
      var rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("x", x.toFixed(1));
      rect.setAttribute("y", p.lane * rowH + 2);
      rect.setAttribute("width", w.toFixed(1));
      rect.setAttribute("height", rowH - 2);
      rect.setAttribute("class", crit[p.s.node + "\u0000" + p.s.item]
                        ? "step critical" : "step");
      var tip = document.createElementNS(SVG, "title");
      tip.textContent = p.s.node + (p.s.item ? " [" + p.s.item + "]" : "") +
        " " + p.s.action + ": " + p.s.duration_ms + "ms at " + p.s.start_ms + "ms";
      rect.appendChild(tip);
      svg.appendChild(rect);
      if (w > 60) {
        var t = document.createElementNS(SVG, "text");
        t.setAttribute("x", (x + 2).toFixed(1));
        t.setAttribute("y", p.lane * rowH + 13);
        t.textContent = p.s.node.split("/").pop() +
          (p.s.item ? " [" + p.s.item + "]" : "");
        svg.appendChild(t);
      }
    });
    fig.appendChild(svg);
    if (!spans.length) fig.appendChild(el("p", "The run has no steps.", "note"));
    grid.appendChild(fig);
    drawn++;
  }

  function run(r) {
    var g = section("Run " + r.run + " of " + r.plan + ": " + r.state + ", " +
                    r.wall_ms + "ms");
    flame(g, r);
    var cp = (r.critical_path || {}).steps || [];
    chart(g, "Critical path: time per step", "bar",
          cp.map(function (c) { return c.node + (c.item ? " [" + c.item + "]" : ""); }),
          [{ label: "waited", data: col(cp, "wait_before_ms"), backgroundColor: "#f0ad4e" },
           { label: "took", data: col(cp, "duration_ms"), backgroundColor: "#d9534f" }],
          { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true },
                                      y: { stacked: true } } });
    var t = r.time || {};
    chart(g, "Working against waiting in retries", "doughnut",
          ["working", "waiting in retries"],
          [{ data: [t.work_ms || 0, t.retry_wait_ms || 0],
             backgroundColor: ["#5cb85c", "#f0ad4e"] }],
          { plugins: { legend: { display: true } } });
    var cc = r.concurrency || [];
    chart(g, "Concurrency reached against allowed", "bar", col(cc, "foreach"),
          [{ label: "reached", data: col(cc, "reached"), backgroundColor: "#4a7fb5" },
           { label: "allowed", data: col(cc, "allowed"), backgroundColor: "#ccc" }]);
    var sa = r.slowest_actions || [];
    chart(g, "Slowest actions (total ms)", "bar", col(sa, "action"),
          [{ label: "total ms", data: col(sa, "total_ms"), backgroundColor: "#1f3f66" }]);
    table(g, "Endpoints (http.request hosts)", r.endpoints,
          [["host", "host"], ["requests", "count"], ["p50 ms", "p50_ms"],
           ["p95 ms", "p95_ms"], ["max ms", "max_ms"], ["failed", "failed"]]);
  }

  if (data.stats) history(data.stats);
  if (data.run) run(data.run);
  window.migCharts = drawn;
  window.migReady = true;
})();
