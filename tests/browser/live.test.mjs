// Browser tests of live updates (issue 17; CTest label `browser`): `earshot run` with a signed
// webhook source and an admin token keeps running; headless Chromium opens the dashboard, a
// post pushed to the webhook makes a VIP-customer alert (and a reply draft), and the page must
// show both from server-sent events without re-reading them; then the server restarts and the
// page must reconnect, re-read its state and go on receiving events.
//
//   node --test tests/browser/live.test.mjs   (env as dashboard.test.mjs; run.sh sets it)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const env = (name) => { const v = process.env[name]; assert.ok(v, name + " must be set"); return v; };
const binary = env("EARSHOT_BINARY"), source = env("EARSHOT_SOURCE_DIR");
const shots = env("EARSHOT_SCREENSHOTS");
const { chromium } = createRequire(path.join(env("EARSHOT_NODE_MODULES"), "x.js"))("playwright-core");
const TOKEN = "live-admin-token-0123456789";
const SECRET = "live-webhook-secret-0123456789";

let server, base, hook, config, browser, page;
const requests = [];  // every request the page made: {method, path}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer(); s.unref(); s.on("error", reject);
    s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function until(what, predicate, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    try { if (await predicate()) return; } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await new Promise(r => setTimeout(r, 200));
  }
}

async function api(route) {
  const r = await fetch(base + route, { headers: { Authorization: "Bearer " + TOKEN } });
  return { status: r.status, body: r.status === 200 ? await r.json() : null };
}

// embedded.yaml with the sample file replaced by a signed webhook source, the topics in a
// SQLite file (they survive the restart), an admin token, alert times in Europe/Berlin, and
// reply templates without the {case_url} placeholder (nothing fills it here: such a draft is
// blocked, never queued).
function writeConfig(dir, hookPort) {
  const examples = path.join(source, "deploy/examples");
  let yaml = fs.readFileSync(path.join(examples, "embedded.yaml"), "utf8");
  const replace = (from, to) => { assert.ok(yaml.includes(from), "embedded.yaml has " + from); yaml = yaml.replace(from, to); };
  replace("{type: file, path: ../demo/sample_posts.jsonl, rate: 250}", "{type: webhook, listen: \"127.0.0.1:" + hookPort + "\", secret: \"" + SECRET + "\"}");
  replace("# path: ./earshot-demo.db", "path: " + path.join(dir, "live.db") + " #");
  yaml = yaml.replaceAll("{case_url}", "https://help.example/case");  // no case system here
  replace("path: customers.csv}", "path: " + path.join(examples, "customers.csv") + "}");
  replace(/  - \{type: webhook, url[^\n]*\n[^\n]*\n/.exec(yaml)[0], "");
  replace("api: {listen: 127.0.0.1:8080}", "api: {tokens: [{token: " + TOKEN + ", owner: alice, scope: admin}], event_throttle: 200ms}\n" +
    "alert_messages: {time_zone: Europe/Berlin}");
  const file = path.join(dir, "live.yaml");
  fs.writeFileSync(file, yaml);
  return file;
}

async function startServer(port) {
  server = spawn(binary, ["run", "--config", config, "--listen", "127.0.0.1:" + port], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout.on("data", d => { output += d; }); server.stderr.on("data", d => { output += d; });
  server.on("exit", (code, signal) => { if (code) console.error("earshot run exited " + code + " " + signal + ":\n" + output); });
  await until("the API", async () => (await api("/api/v1/entities")).status === 200);
}

// One post by Marta (a VIP customer in customers.csv), signed per Standard Webhooks.
async function push(n, text) {
  const now = new Date().toISOString();
  const body = JSON.stringify({ v: 1, uid: "mastodon:mastodon.example:live" + n, source: "mastodon",
    url: "https://mastodon.example/@marta/live" + n, created_at: now, ingested_at: now,
    author: { id: "m-live", handle: "@marta@mastodon.example", name: "Marta", followers: 1 },
    text, lang: "en", reply_to: null, tags: [], mentions: [] }) + "\n";
  const id = "msg_live_" + n, ts = String(Math.floor(Date.now() / 1000));
  const sig = crypto.createHmac("sha256", SECRET).update(id + "." + ts + "." + body).digest("base64");
  await until("the webhook accepting post " + n, async () => (await fetch(hook, { method: "POST", body,
    headers: { "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": "v1," + sig, "Content-Type": "application/x-ndjson" } })).status === 200);
}

const apiGets = (from) => requests.slice(from).filter(r => r.method === "GET" && r.path.startsWith("/api/v1/")).map(r => r.path);
const liveState = () => page.evaluate(() => ({ ready: window.__earshotLive.ready, polling: !!window.__earshotLive.poller,
  counts: { ...window.__earshotLive.counts }, text: document.querySelector("#live").textContent }));

let apiPort;
before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  const hookPort = await freePort();
  apiPort = await freePort();
  base = "http://127.0.0.1:" + apiPort;
  hook = "http://127.0.0.1:" + hookPort + "/";
  config = writeConfig(fs.mkdtempSync(path.join(os.tmpdir(), "earshot-live-")), hookPort);
  await startServer(apiPort);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, bypassCSP: true });
  page.on("request", r => requests.push({ method: r.method(), path: new URL(r.url()).pathname }));
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill("SIGINT");
});

test("a new alert and reply draft arrive by server-sent events while the page is open, without polling", async () => {
  await page.goto(base + "/#token=" + TOKEN);
  await page.waitForFunction(() => document.querySelector("#live").textContent === "live" &&
    document.querySelector("#status").textContent.startsWith("updated"));
  assert.ok(requests.some(r => r.method === "POST" && r.path === "/api/v1/session"), "a session was asked for");
  assert.ok(requests.some(r => r.path === "/api/v1/events"), "the page opened the event stream");
  assert.equal(await page.locator("#alerts li.alert").count(), 0, "no alert yet");
  const mark = requests.length;

  const t0 = Date.now();
  await push(1, "Acme Air lost my bag again, terrible service, I am furious");
  await page.waitForSelector("#alerts li.alert.critical", { timeout: 60000 });
  console.log("live: the alert was on the page " + (Date.now() - t0) + " ms after the webhook push");
  const summary = await page.locator("#alerts li.alert.critical", { hasNotText: "condition over" }).first().locator(".summary").textContent();
  assert.match(summary, /^Acme Air: .* in the minute from \d\d:\d\d CET$/);
  await page.waitForSelector("#replies li.reply", { timeout: 60000 });
  const s = await liveState();
  assert.ok(s.counts.alert >= 1 && s.counts.reply >= 1, JSON.stringify(s));
  assert.equal(s.polling, false, "no poll timer while events flow");
  assert.equal(s.text, "live");
  // Nothing was re-read: alerts, replies, charts came with the events. Only the post list is
  // re-read, once per "posts" summary event.
  const gets = apiGets(mark);
  assert.deepEqual(gets.filter(p => p !== "/api/v1/posts"), [], "GETs besides posts: " + gets.join(", "));
  assert.ok(gets.length <= (s.counts.posts || 0), gets.length + " post reads for " + s.counts.posts + " posts events");
  await page.waitForSelector('#posts li.post[data-uid="mastodon:mastodon.example:live1"]');
  await page.screenshot({ path: path.join(shots, "live-alert.png"), fullPage: true });
});

test("after a server restart the page reconnects, re-reads its state and receives events again", async () => {
  const before = await liveState();
  const stopped = new Promise(resolve => server.once("exit", resolve));
  server.kill("SIGINT");
  await stopped;
  await page.waitForSelector("#status.err", { timeout: 20000 });
  await startServer(apiPort);
  // The old session died with the server: the page asks for a new one and reconnects.
  await page.waitForFunction(n => window.__earshotLive.ready > n && document.querySelector("#live").textContent === "live",
    before.ready, { timeout: 60000 });
  await page.waitForSelector("#alerts li.alert.critical");  // re-read from the topics
  const mark = requests.length;
  await push(2, "Globex Bank froze my card for no reason, awful");
  await page.waitForFunction(() => [...document.querySelectorAll("#alerts li.alert.critical")].some(li => li.textContent.includes("Globex Bank")),
    null, { timeout: 60000 });
  assert.deepEqual(apiGets(mark).filter(p => p !== "/api/v1/posts"), []);
  assert.equal((await liveState()).polling, false);
  await page.screenshot({ path: path.join(shots, "live-after-restart.png"), fullPage: true });
});
