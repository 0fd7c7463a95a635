// Browser tests of the dashboard (CTest label `browser`): `earshot demo` runs the bundled
// sample stream plus two hostile posts on the embedded log and keeps serving; headless
// Debian Chromium, driven by playwright-core, checks what a person sees. A screenshot of each
// view goes to $EARSHOT_SCREENSHOTS. The OpenAPI document is walked against the same server.
//
//   node --test tests/browser/dashboard.test.mjs   (env: EARSHOT_BINARY, EARSHOT_SOURCE_DIR,
//   EARSHOT_NODE_MODULES, EARSHOT_SCREENSHOTS; tests/browser/run.sh sets them)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const env = (name) => { const v = process.env[name]; assert.ok(v, name + " must be set"); return v; };
const binary = env("EARSHOT_BINARY"), source = env("EARSHOT_SOURCE_DIR");
const shots = env("EARSHOT_SCREENSHOTS");
const { chromium } = createRequire(path.join(env("EARSHOT_NODE_MODULES"), "x.js"))("playwright-core");
const ADMIN = "browser-admin-token-0123456789";
const XSS_TEXT = 'Acme Air lost my bag <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

let demo, base, port, config, browser, page;
let acknowledged;  // the alert acknowledged from the page

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer(); s.unref(); s.on("error", reject);
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function api(route, options = {}) {
  const r = await fetch(base + route, { method: options.method || "GET",
    headers: { Authorization: "Bearer " + (options.token || ADMIN), "Content-Type": "application/json" },
    body: options.body });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

async function until(what, predicate, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await predicate()) return; } catch { /* server not up yet */ }
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await new Promise(r => setTimeout(r, 200));
  }
}

// The demo's config with absolute paths, no webhook sink, an admin token, the topics in a
// SQLite file, and the sample stream followed by two hostile posts (their author is a VIP
// customer of customers.csv; event time after the sample's last post, so no window is late).
function writeConfig(dir) {
  const examples = path.join(source, "deploy/examples");
  let yaml = fs.readFileSync(path.join(examples, "embedded.yaml"), "utf8");
  const replace = (from, to) => { assert.ok(yaml.includes(from), "embedded.yaml has " + from); yaml = yaml.replace(from, to); };
  const stream = path.join(dir, "posts.jsonl");
  const post = (n, text, name) => JSON.stringify({ v: 1, uid: "mastodon:mastodon.example:hostile" + n, source: "mastodon",
    url: "https://mastodon.example/@marta/hostile" + n, created_at: "2026-11-23T10:59:4" + n + "Z", ingested_at: "2026-11-23T10:59:50Z",
    author: { id: "m" + n, handle: "@marta@mastodon.example", name, followers: 1 }, text, lang: "en", reply_to: null, tags: [], mentions: [] });
  const sample = fs.readFileSync(path.join(source, "deploy/demo/sample_posts.jsonl"), "utf8").replace(/\n*$/, "\n");
  fs.writeFileSync(stream, sample + post(1, XSS_TEXT, "<b onmouseover=alert(1)>Marta</b>") + "\n" +
    post(2, "Acme Air <svg onload=window.__xss=3> is down again", "Marta") + "\n");
  replace("path: ../demo/sample_posts.jsonl, rate: 250}", "path: " + stream + ", rate: 1000}");
  replace("# path: ./earshot-demo.db", "path: " + path.join(dir, "earshot.db") + " #");  // survives a restart
  replace("path: customers.csv}", "path: " + path.join(examples, "customers.csv") + "}");
  replace(/  - \{type: webhook[^\n]*\n[^\n]*\n/.exec(yaml)[0], "");
  replace("api: {listen: 127.0.0.1:8080}", "api: {tokens: [{token: " + ADMIN + ", owner: alice, scope: admin}]}");
  const file = path.join(dir, "browser.yaml");
  fs.writeFileSync(file, yaml);
  return file;
}

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  config = writeConfig(fs.mkdtempSync(path.join(os.tmpdir(), "earshot-browser-")));
  port = await freePort();
  base = "http://127.0.0.1:" + port;
  await startDemo();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  // bypassCSP: playwright waits by evaluating code, which the page's CSP forbids; it also
  // makes the untrusted-text test stricter (only the rendering may stop markup, not the CSP).
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  page.on("dialog", d => d.dismiss());
});

async function startDemo() {
  demo = spawn(binary, ["demo", "--port", String(port), "--config", config], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  demo.stdout.on("data", d => { output += d; }); demo.stderr.on("data", d => { output += d; });
  demo.on("exit", (code, signal) => { if (code) console.error("earshot demo exited " + code + " " + signal + ":\n" + output); });
  // The sample stream is 500 posts (some dead-lettered): wait until the scored posts stop
  // growing, and the hostile posts are in.
  let last = -1, steady = 0;
  await until("the sample stream processed", async () => {
    const total = (await api("/api/v1/posts?limit=1")).body.total;
    steady = total === last ? steady + 1 : 0; last = total;
    return total >= 450 && steady >= 10 && (await api("/api/v1/posts?q=onerror")).body.total === 1;
  }, 180000);
  await until("alerts at the API", async () => (await api("/api/v1/alerts")).body.alerts.length > 0);
}

after(async () => {
  if (browser) await browser.close();
  if (demo) demo.kill("SIGINT");
});

test("the page asks for a token, then draws charts with time axes, units and a legend", async () => {
  await page.goto(base + "/");
  await page.waitForSelector("#tokenbox.show");
  await page.fill("#token", ADMIN);
  await page.click("#tokensave");
  await page.waitForSelector("svg.chart g.point");
  const cards = await page.locator(".chart-card").count();
  const entities = (await api("/api/v1/entities")).body.entities.length;
  assert.equal(cards, entities);
  const acme = page.locator('.chart-card[data-entity="acme-air"]');
  assert.ok(await acme.locator("g.point").count() > 10, "acme-air has windows in the last hour");
  const ticks = await acme.locator("text.xtick").allTextContents();
  assert.equal(ticks.length, 7);
  for (const t of ticks) assert.match(t, /^\d\d:\d\d$/);
  assert.match(await acme.locator("svg.chart").textContent(), /posts \/ 1m/);
  assert.match(await acme.locator("svg.chart").textContent(), /time \(UTC\)/);
  assert.deepEqual(await acme.locator(".legend span").allTextContents(), ["negative posts", "neutral posts", "positive posts"]);
  await page.screenshot({ path: path.join(shots, "charts-hour.png"), fullPage: true });

  await page.selectOption("#range", "day");
  await page.waitForFunction(() => document.querySelector('.chart-card[data-entity="acme-air"] svg.chart').textContent.includes("posts / 1h"));
  // The sample spans 09:00-11:00: the 09:00 window is closed; 10:00 stays open (no later data).
  assert.ok(await acme.locator("g.point").count() >= 1, "1h windows over the day");
  assert.match((await acme.locator("text.xtick").allTextContents())[0], /^\d\d-\d\d \d\d:\d\d$/);
  await page.selectOption("#entity", "acme-air");
  await page.waitForFunction(() => document.querySelectorAll(".chart-card").length === 1);
  await page.screenshot({ path: path.join(shots, "charts-day-acme.png"), fullPage: true });
  await page.selectOption("#range", "hour");
  await page.waitForFunction(() => document.querySelector(".chart-card svg.chart").textContent.includes("posts / 1m"));
});

test("clicking the spike shows exactly the posts behind it, most negative first on request", async () => {
  const groups = page.locator('.chart-card[data-entity="acme-air"] g.point');
  const volumes = await groups.evaluateAll(gs => gs.map(g => Number(g.dataset.volume)));
  const top = volumes.indexOf(Math.max(...volumes));
  const spike = groups.nth(top);
  const start = await spike.getAttribute("data-start"), end = await spike.getAttribute("data-end");
  await spike.locator("rect").first().click({ force: true });
  await page.waitForSelector("#drill.show");
  const q = "entity=acme-air&from=" + encodeURIComponent(start) + "&until=" + encodeURIComponent(end);
  const expected = (await api("/api/v1/posts?" + q + "&limit=20")).body;
  assert.ok(expected.total > 0, "the spike has posts");
  await page.waitForFunction(n => document.querySelectorAll("#posts li.post").length === n, Math.min(20, expected.total));
  const shown = await page.locator("#posts li.post").evaluateAll(ls => ls.map(l => l.dataset.uid));
  assert.deepEqual(shown, expected.posts.map(p => p.uid));
  for (const p of expected.posts) assert.ok(p.created_at >= start.slice(0, 19) && p.created_at < end, p.created_at);
  const first = page.locator("#posts li.post").first();
  assert.match(await first.locator(".tag.sentiment").textContent(), /toward acme-air/);
  assert.equal(await first.locator("a.source").getAttribute("href"), expected.posts[0].url);
  await page.screenshot({ path: path.join(shots, "drilldown.png"), fullPage: true });

  await page.selectOption("#f-sort", "negative");
  const negative = (await api("/api/v1/posts?" + q + "&sort=negative&limit=20")).body.posts.map(p => p.uid);
  await page.waitForFunction(uid => document.querySelector("#posts li.post")?.dataset.uid === uid, negative[0]);
  assert.deepEqual(await page.locator("#posts li.post").evaluateAll(ls => ls.map(l => l.dataset.uid)), negative);
  if (expected.total > 20) {
    await page.click("#next");
    await page.waitForFunction(() => document.querySelector("#pageinfo").textContent.startsWith("21"));
  }
  await page.click("#drillclear");
  await page.selectOption("#f-sort", "newest");
});

test("an alert's dashboard link opens the posts of its window", async () => {
  const alerts = (await api("/api/v1/alerts?limit=500")).body.alerts;
  const a = alerts.find(x => x.status === "trigger" && x.entity === "acme-air" && x.rule === "negative-spike") ||
            alerts.find(x => x.status === "trigger" && x.entity === "acme-air");
  assert.ok(a, "an acme-air alert");
  assert.equal(a.link, base + "/#entity=acme-air&from=" + a.window_start + "&until=" + a.window_end);
  await page.goto(a.link);
  await page.waitForSelector("#drill.show");
  const q = "entity=acme-air&from=" + encodeURIComponent(a.window_start) + "&until=" + encodeURIComponent(a.window_end) + "&sort=negative&limit=20";
  const expected = (await api("/api/v1/posts?" + q)).body;
  assert.ok(expected.total > 0, "the alert's window has posts");
  await page.waitForFunction(uid => document.querySelector("#posts li.post")?.dataset.uid === uid, expected.posts[0].uid);
  assert.deepEqual(await page.locator("#posts li.post").evaluateAll(ls => ls.map(l => l.dataset.uid)), expected.posts.map(p => p.uid));
  await page.screenshot({ path: path.join(shots, "alert-link.png"), fullPage: true });
  await page.goto(base + "/");
  await page.waitForSelector("svg.chart g.point");
  await page.selectOption("#f-sort", "newest");
});

test("post text, names and handles are rendered as text, never as HTML", async () => {
  await page.fill("#f-q", "onerror");
  await page.waitForFunction(() => document.querySelectorAll("#posts li.post").length === 1);
  const post = page.locator("#posts li.post");
  assert.equal(await post.locator(".post-text").textContent(), XSS_TEXT);
  assert.match(await post.locator(".author").textContent(), /^<b onmouseover=alert\(1\)>Marta<\/b>$/);
  assert.match(await post.locator(".tag.customer").textContent(), /\(vip\)/);
  await page.fill("#f-q", "svg onload");
  await page.waitForFunction(() => document.querySelectorAll("#posts li.post").length === 1 &&
    document.querySelector("#posts .post-text").textContent.includes("<svg"));
  assert.equal(await page.locator("#posts img, #posts script, #posts b[onmouseover], #posts li svg").count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.screenshot({ path: path.join(shots, "untrusted-text.png"), fullPage: true });
  await page.fill("#f-q", "");
});

test("acknowledging and resolving an alert records who and when, and survives a reload", async () => {
  const alerts = (await api("/api/v1/alerts")).body.alerts;
  const open = alerts.filter(a => a.ack.state === "open");
  assert.ok(open.length >= 2, "two open alerts");
  const item = page.locator('#alerts li.alert[data-id="' + open[0].id + '"]');
  await item.locator("button.ack").click();
  await page.waitForFunction(id => /^acknowledged by alice at \d{4}-/.test(document.querySelector('#alerts li[data-id="' + id + '"] .alert-state').textContent), open[0].id);
  acknowledged = open[0].id;
  const after = (await api("/api/v1/alerts")).body.alerts.find(a => a.id === open[0].id);
  assert.equal(after.ack.state, "acknowledged");
  assert.equal(after.ack.by, "alice");
  await page.locator('#alerts li.alert[data-id="' + open[1].id + '"] button.resolve').click();
  await page.waitForFunction(id => document.querySelector('#alerts li[data-id="' + id + '"]').classList.contains("resolved"), open[1].id);
  await page.reload();
  await page.waitForSelector('#alerts li.alert[data-id="' + open[0].id + '"].acknowledged');
  assert.ok(await page.locator('#alerts li.alert[data-id="' + open[0].id + '"] button.ack').isDisabled());
  await page.locator("#alerts-section").screenshot({ path: path.join(shots, "alerts.png") });
});

test("the reply queue beside the alerts approves an edited draft and rejects one", async () => {
  // A fake of the replies API (sinks/reply_api.h) in its documented shape, so the page's
  // actions can be checked request by request; it refuses a status the real API would refuse.
  const reply = (id, text) => ({ id, post_uid: "mastodon:x:" + id, platform: "mastodon", entity: "acme-air", in_reply_to: id, text,
    template: "complaints", status: "pending_approval", reason: "", customer: { id: "C-1001", tier: "vip", name: "Marta <i>J</i>" },
    post: { text: "Acme Air <img src=x onerror=window.__xss=4> lost my bag", author: "@marta", url: "https://mastodon.example/" + id, created_at: "2026-11-23T10:00:00Z" },
    sentiment: { label: "negative", score: -0.7 }, intent: "complaint", history: [] });
  let queue = [reply("r1", "Sorry about this."), reply("r2", "We are on it.")];
  const posted = [];
  await page.route(/\/api\/v1\/replies([/?]|$)/, async route => {
    const req = route.request(), url = new URL(req.url());
    if (req.method() === "GET") {
      if (url.searchParams.get("status") !== "pending_approval")
        return route.fulfill({ status: 400, contentType: "application/json", body: JSON.stringify({ error: "status: unknown value" }) });
      return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ replies: queue }) });
    }
    const [, id, action] = url.pathname.match(/replies\/([^/]+)\/(\w+)$/);
    posted.push({ id, action, body: JSON.parse(req.postData() || "{}") });
    queue = queue.filter(r => r.id !== id);
    return route.fulfill({ status: 200, contentType: "application/json", body: "{}" });
  });
  await page.reload();
  await page.waitForSelector('#replies li.reply[data-id="r1"]');
  assert.equal(await page.locator('#replies li.reply[data-id="r1"] .post-text').textContent(), queue[0].post.text);
  await page.locator('#replies li.reply[data-id="r1"] textarea').fill("Sorry, Marta. We are looking into it.");
  await page.locator('#replies li.reply[data-id="r1"] button.approve').click();
  await page.waitForFunction(() => !document.querySelector('#replies li[data-id="r1"]'));
  await page.locator('#replies li.reply[data-id="r2"] button.reject').click();
  await page.waitForFunction(() => !document.querySelector('#replies li[data-id="r2"]'));
  assert.deepEqual(posted, [{ id: "r1", action: "approve", body: { text: "Sorry, Marta. We are looking into it." } },
                            { id: "r2", action: "reject", body: {} }]);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  await page.screenshot({ path: path.join(shots, "replies.png"), fullPage: true });
  await page.unroute(/\/api\/v1\/replies([/?]|$)/);
});

// ---- the OpenAPI document against the running server ----
function check(schema, value, doc, where) {
  if (schema.$ref) return check(schema.$ref.split("/").slice(1).reduce((o, k) => o[k], doc), value, doc, where);
  if (value === null) { assert.ok(schema.nullable, where + ": null but not nullable"); return; }
  const type = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  if (schema.type) assert.ok(schema.type === type || (schema.type === "number" && type === "integer"), where + ": " + type + " is not " + schema.type);
  if (schema.enum) assert.ok(schema.enum.includes(value), where + ": " + value + " not in enum");
  for (const k of schema.required || []) assert.ok(k in value, where + ": missing " + k);
  for (const [k, s] of Object.entries(schema.properties || {})) if (value && k in value) check(s, value[k], doc, where + "." + k);
  if (schema.items) value.forEach((v, i) => check(schema.items, v, doc, where + "[" + i + "]"));
  if (schema.additionalProperties && typeof schema.additionalProperties === "object")
    for (const [k, v] of Object.entries(value)) if (!(schema.properties || {})[k]) check(schema.additionalProperties, v, doc, where + "." + k);
}

test("every documented route answers in its documented shape; nothing else answers", async () => {
  const doc = await (await fetch(base + "/api/v1/openapi.json")).json();
  const open = (await api("/api/v1/alerts?state=open")).body.alerts;
  assert.ok(open.length > 0);
  // The reply routes act on replies the demo planned: each action on a pending reply of its own.
  let pending = [];
  await until("pending replies at the API", async () =>
    (pending = (await api("/api/v1/replies?status=pending_approval")).body.replies).length >= 3);
  const idFor = route => !route.startsWith("/api/v1/replies/") ? open[0].id
    : pending[{ approve: 0, reject: 1, edit: 2 }[route.split("/").pop()] ?? 0].id;
  let walked = 0;
  for (const [route, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const query = (op.parameters || []).filter(p => p.in === "query" && p.required).map(p => p.name + "=" + (p.example ?? "acme-air")).join("&");
      const url = route.replace("{id}", encodeURIComponent(idFor(route))) + (query ? "?" + query : "");
      const example = op.requestBody && op.requestBody.content["application/json"].example;
      if (op.responses["200"].content["text/event-stream"]) {   // an endless stream: its head only
        const ac = new AbortController();
        const r = await fetch(base + url, { headers: { Authorization: "Bearer " + ADMIN }, signal: ac.signal });
        assert.equal(r.status, 200, url);
        assert.match(r.headers.get("content-type"), /^text\/event-stream/);
        ac.abort();
        assert.equal((await fetch(base + url)).status, 401, "no token: " + url);
        walked++;
        continue;
      }
      const r = await api(url, { method: method.toUpperCase(), body: method === "post" ? JSON.stringify(example || {}) : undefined });
      assert.equal(r.status, 200, method + " " + url);
      const schema = op.responses["200"].content["application/json"].schema;
      check(schema, r.body, doc, method + " " + route);
      if (op["x-earshot-scope"] !== "public") {
        const anon = await fetch(base + url, { method: method.toUpperCase() });
        assert.equal(anon.status, 401, "no token: " + method + " " + url);
      }
      walked++;
    }
  }
  assert.ok(walked >= 12);
  for (const gone of ["/api/entities", "/api/alerts", "/api/v1/nothing", "/api/v2/entities"])
    assert.equal((await api(gone)).status, 404, gone);
});

test("the page keeps working across a server restart, which keeps the acknowledgement", async () => {
  await page.goto(base + "/");
  await page.waitForSelector("svg.chart g.point");
  const stopped = new Promise(resolve => demo.once("exit", resolve));
  demo.kill("SIGINT");
  await stopped;
  await page.waitForSelector("#status.err", { timeout: 20000 });
  await startDemo();
  await page.waitForFunction(() => document.querySelector("#status").className === "" &&
    document.querySelector("#status").textContent.startsWith("updated"), null, { timeout: 30000 });
  assert.ok(await page.locator("svg.chart g.point").count() > 0);
  assert.ok(acknowledged, "an alert was acknowledged before");
  const state = (await api("/api/v1/alerts?limit=500")).body.alerts.find(a => a.id === acknowledged).ack;
  assert.equal(state.state, "acknowledged");
  assert.equal(state.by, "alice");
  await page.waitForSelector('#alerts li.alert[data-id="' + acknowledged + '"].acknowledged');
  await page.screenshot({ path: path.join(shots, "after-restart.png"), fullPage: true });
});
