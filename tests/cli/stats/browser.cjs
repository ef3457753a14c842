// browser.cjs: opens each page `mig stats --html` wrote in a headless
// Chromium (puppeteer-core) and checks that it drew: every canvas has
// pixels that are not blank, the flame graph's SVG has a bar per step,
// the page's script finished (window.migReady) and counted as many
// charts as there are, no text of the data ran as script, and the
// console saw no error. Used by tests/cli/stats_html.sh.
//
//   node browser.cjs NODE_MODULES CHROMIUM PAGE...
"use strict";
const path = require("path");
const puppeteer = require(path.join(process.argv[2], "puppeteer-core"));

async function check(browser, page_path) {
  const page = await browser.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) errors.push("fetched " + r.url());
  });
  await page.goto("file://" + path.resolve(page_path), { waitUntil: "load" });
  await page.waitForFunction("window.migReady === true", { timeout: 10000 });
  const r = await page.evaluate(() => {
    const canvases = [...document.querySelectorAll("canvas")].map((c) => {
      const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let inked = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) inked++;
      return { name: c.getAttribute("data-chart"), inked };
    });
    const svgs = [...document.querySelectorAll("svg")].map((s) => ({
      name: s.getAttribute("data-chart"), bars: s.querySelectorAll("rect").length,
      critical: s.querySelectorAll("rect.critical").length }));
    return { canvases, svgs, charts: window.migCharts, pwned: window.__pwned,
             text: document.body.textContent };
  });
  const fail = [];
  if (r.charts !== r.canvases.length + r.svgs.length)
    fail.push(`${r.charts} charts counted, ${r.canvases.length} canvases and ${r.svgs.length} SVGs found`);
  for (const c of r.canvases) if (c.inked === 0) fail.push(`chart "${c.name}" is blank`);
  for (const s of r.svgs) {
    if (s.bars === 0) fail.push(`flame graph "${s.name}" has no bars`);
    if (s.critical === 0) fail.push(`flame graph "${s.name}" shows no critical path`);
  }
  if (r.pwned !== undefined) fail.push("a text of the data ran as script");
  if (process.env.EXPECT_TEXT && !r.text.includes(process.env.EXPECT_TEXT))
    fail.push("the hostile plan name is not shown as text");
  for (const e of errors) fail.push("console: " + e);
  console.log(`${page_path}: ${r.canvases.length} canvases, ${r.svgs.length} SVGs` +
              (fail.length ? "" : ", all drawn"));
  await page.close();
  return fail;
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.argv[3], headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  let failed = [];
  try {
    for (const p of process.argv.slice(4)) failed = failed.concat(await check(browser, p));
  } finally {
    await browser.close();
  }
  for (const f of failed) console.log("FAIL: " + f);
  process.exit(failed.length ? 1 : 0);
})().catch((e) => { console.log("FAIL: " + e); process.exit(1); });
