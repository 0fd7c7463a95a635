#include "sinks/dashboard.h"

namespace earshot::sinks {

namespace {

// Everything the page shows comes from the API and is put in the DOM with textContent or
// SVG attributes, never innerHTML, so post text cannot inject markup.
constexpr std::string_view kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>earshot</title>
<style>
  :root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --mute:#6b7280; --neg:#d14343; --pos:#2f9e44; --neu:#8c8f96; --line:#3b5bdb; }
  body { margin:0; font:14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--ink); }
  header { padding:12px 20px; background:#1d2330; color:#fff; display:flex; gap:16px; align-items:baseline; }
  header h1 { font-size:18px; margin:0; }
  header span { color:#aab; font-size:12px; }
  main { display:grid; grid-template-columns: minmax(0,2fr) minmax(0,1fr); gap:16px; padding:16px 20px; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
  .cards { display:grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap:12px; }
  .card { background:var(--card); border-radius:8px; padding:12px; box-shadow:0 1px 2px rgba(0,0,0,.08); }
  .card h2 { font-size:15px; margin:0 0 4px; }
  .kind { color:var(--mute); font-size:12px; }
  .figs { display:flex; gap:12px; font-size:12px; color:var(--mute); margin:6px 0; flex-wrap:wrap; }
  .figs b { color:var(--ink); font-size:14px; }
  .neg { color:var(--neg); } .pos { color:var(--pos); }
  svg { width:100%; height:60px; display:block; }
  h3 { margin:0 0 8px; font-size:15px; }
  ul.alerts { list-style:none; margin:0; padding:0; }
  ul.alerts li { background:var(--card); border-radius:8px; padding:10px; margin-bottom:8px; border-left:4px solid var(--neu); }
  ul.alerts li.warning { border-left-color:#f08c00; } ul.alerts li.critical { border-left-color:var(--neg); }
  ul.alerts li.resolve { opacity:.7; }
  .meta { color:var(--mute); font-size:12px; }
  .evidence a { display:block; font-size:12px; color:var(--line); overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
  #status { color:#aab; }
  #status.err { color:#ffb4b4; }
</style>
</head>
<body>
<header><h1>earshot</h1><span>live sentiment per entity &middot; refreshes every 5 s</span><span id="status">loading&hellip;</span></header>
<main>
  <section><h3>Entities</h3><div class="cards" id="entities"></div></section>
  <section><h3>Alerts</h3><ul class="alerts" id="alerts"></ul></section>
</main>
<script>
"use strict";
(function () {
  const frag = new URLSearchParams(location.hash.slice(1));
  if (frag.get("token")) sessionStorage.setItem("earshot-token", frag.get("token"));
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
  const status = document.getElementById("status");

  async function api(path) {
    const headers = {};
    const token = sessionStorage.getItem("earshot-token");
    if (token) headers["Authorization"] = "Bearer " + token;
    const r = await fetch(path, { headers, cache: "no-store" });
    if (r.status === 401) {
      const t = window.prompt("earshot API token");
      if (t) sessionStorage.setItem("earshot-token", t);
      throw new Error("unauthorized");
    }
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }

  const NS = "http://www.w3.org/2000/svg";
  function sparkline(points) {
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 200 60");
    svg.setAttribute("preserveAspectRatio", "none");
    if (points.length === 0) return svg;
    const n = points.length, w = 200 / Math.max(1, n);
    const maxVol = Math.max(1, ...points.map(p => p.volume));
    points.forEach((p, i) => {             // volume bars, coloured by the negative share
      const h = 56 * p.volume / maxVol, r = document.createElementNS(NS, "rect");
      r.setAttribute("x", (i * w).toFixed(2)); r.setAttribute("width", Math.max(0.5, w - 0.5).toFixed(2));
      r.setAttribute("y", (60 - h).toFixed(2)); r.setAttribute("height", h.toFixed(2));
      const negShare = p.volume ? p.negative / p.volume : 0;
      r.setAttribute("fill", negShare > 0.5 ? "#f3b5b5" : "#d8dde6");
      svg.appendChild(r);
    });
    const line = document.createElementNS(NS, "polyline");   // mean score, -1 bottom .. +1 top
    line.setAttribute("points", points.map((p, i) => ((i + 0.5) * w).toFixed(2) + "," + (30 - 28 * p.mean_score).toFixed(2)).join(" "));
    line.setAttribute("fill", "none"); line.setAttribute("stroke", "#3b5bdb"); line.setAttribute("stroke-width", "1.5");
    line.setAttribute("vector-effect", "non-scaling-stroke");
    svg.appendChild(line);
    const zero = document.createElementNS(NS, "line");
    zero.setAttribute("x1", "0"); zero.setAttribute("x2", "200"); zero.setAttribute("y1", "30"); zero.setAttribute("y2", "30");
    zero.setAttribute("stroke", "#c0c4cc"); zero.setAttribute("stroke-dasharray", "2 3"); zero.setAttribute("vector-effect", "non-scaling-stroke");
    svg.appendChild(zero);
    return svg;
  }

  function figures(label, a) {
    const d = el("div", "figs");
    if (!a) { d.appendChild(el("span", "", label + ": no data yet")); return d; }
    const add = (name, value, cls) => { const s = el("span", cls); s.appendChild(el("b", "", String(value))); s.appendChild(document.createTextNode(" " + name)); d.appendChild(s); };
    d.appendChild(el("span", "", label));
    add("posts", a.volume);
    add("neg", a.negative, "neg");
    add("pos", a.positive, "pos");
    add("mean", a.mean_score.toFixed(2), a.mean_score < 0 ? "neg" : "pos");
    return d;
  }

  async function drawEntities() {
    const data = await api("/api/entities");
    const box = document.getElementById("entities");
    const cards = [];
    for (const e of data.entities) {
      const card = el("div", "card");
      card.appendChild(el("h2", "", e.name || e.id));
      card.appendChild(el("div", "kind", e.id + (e.kind ? " \u00b7 " + e.kind : "")));
      card.appendChild(figures("1m", e.latest["1m"]));
      card.appendChild(figures("1h", e.latest["1h"]));
      const series = await api("/api/aggregates?entity=" + encodeURIComponent(e.id) + "&window=1m&limit=60");
      card.appendChild(sparkline(series.points));
      cards.push(card);
    }
    box.replaceChildren(...cards);
    if (cards.length === 0) box.appendChild(el("p", "meta", "No entities configured."));
  }

  async function drawAlerts() {
    const data = await api("/api/alerts?limit=50");
    const list = document.getElementById("alerts");
    const items = data.alerts.map(a => {
      const li = el("li", a.severity + " " + a.status);
      li.appendChild(el("div", "", "[" + a.severity + "] " + a.rule + " on " + a.entity + (a.status === "resolve" ? " (resolved)" : "")));
      li.appendChild(el("div", "meta", "window " + a.window_start + " \u00b7 observed " + Number(a.observed).toFixed(1) + " vs baseline " + Number(a.baseline).toFixed(1)));
      if (a.summary) li.appendChild(el("div", "meta", a.summary));
      const ev = el("div", "evidence");
      for (const p of a.evidence.slice(0, 5)) {
        const link = el("a", "", (p.text || p.uid).slice(0, 140));
        if (/^https?:\/\//i.test(p.url || "")) { link.href = p.url; link.target = "_blank"; link.rel = "noopener noreferrer"; }
        ev.appendChild(link);
      }
      li.appendChild(ev);
      return li;
    });
    list.replaceChildren(...items);
    if (items.length === 0) list.appendChild(el("li", "", "No alerts."));
  }

  async function refresh() {
    try {
      await Promise.all([drawEntities(), drawAlerts()]);
      status.textContent = "updated " + new Date().toLocaleTimeString();
      status.className = "";
    } catch (err) {
      status.textContent = String(err.message || err);
      status.className = "err";
    }
  }
  refresh();
  setInterval(refresh, 5000);
})();
</script>
</body>
</html>
)HTML";

}  // namespace

std::string_view dashboard_html() { return kPage; }

ServerResponse dashboard_response() {
  ServerResponse r{200, "text/html; charset=utf-8", std::string(kPage), {}};
  r.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
      "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'");
  return r;
}

}  // namespace earshot::sinks
