// The page's script: plain ES2017 run by the browser (no build step, nothing loaded). It reads
// the page's config, follows the server-sent stats and updates the nodes and tables in place.
// The browser test (test/browser.test.ts) runs it in Chromium.
export const CLIENT_SCRIPT: string = String.raw`
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("workers-dashboard-config").textContent);
  var body = document.body;
  var RECENT_MS = 10000;
  var prev = null;
  // Keyed by user-chosen names: no prototype ("constructor" is a valid worker name).
  var smoothed = Object.create(null);
  var lastErrorAt = Object.create(null);
  var lastDropAt = Object.create(null);

  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function byNode(id) { return all('[data-node="' + CSS.escape(id) + '"], [data-row="' + CSS.escape(id) + '"]'); }
  function set(roots, field, text, bad) {
    roots.forEach(function (root) {
      all('[data-field="' + field + '"]', root).forEach(function (el) {
        if (el.textContent !== text) el.textContent = text;
        if (bad !== undefined) el.classList.toggle("bad", bad);
      });
    });
  }
  function num(n, digits) { return typeof n === "number" && isFinite(n) ? n.toFixed(digits || 0) : "\u2013"; }
  function own(o, k) { return o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined; }
  function setStatus(status, text) {
    body.setAttribute("data-status", status);
    document.getElementById("status").textContent = text || status;
  }
  function duration(ms) {
    var s = Math.floor(ms / 1000);
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }
  // Messages a second: the runtime's own figure when it reports one, else measured between
  // two snapshots (smoothed, so one quiet second does not read as a stop).
  function workerRate(name, w, stats) {
    if (typeof w.rate === "number") return w.rate;
    var before = prev && own(prev.workers, name);
    if (!before || !(stats.at > prev.at)) return smoothed[name] || 0;
    var r = ((w.processed + w.errors - before.processed - before.errors) * 1000) / (stats.at - prev.at);
    var s = smoothed[name];
    smoothed[name] = s === undefined ? r : s * 0.5 + r * 0.5;
    return smoothed[name];
  }
  function colour(ratio) {
    var hue = Math.round(140 - 140 * Math.min(1, Math.max(0, ratio)));
    return { fill: "hsl(" + hue + ", 70%, 94%)", bar: "hsl(" + hue + ", 65%, 48%)" };
  }

  function update(stats) {
    var rates = Object.create(null);
    var totals = { processed: 0, errors: 0, drops: 0, inFlight: 0 };
    config.workers.forEach(function (name) {
      var w = own(stats.workers, name);
      var roots = byNode("worker:" + name);
      if (!w) return;
      var rate = (rates[name] = workerRate(name, w, stats));
      var errors = own(stats.errors, name);
      if (typeof errors !== "number") errors = w.errors;
      var before = prev && own(prev.workers, name);
      if (before && w.errors > before.errors) lastErrorAt[name] = stats.at;
      var failing = lastErrorAt[name] !== undefined && stats.at - lastErrorAt[name] < RECENT_MS;
      var state = w.paused === true ? "paused" : w.inFlight > 0 ? "busy" : "idle";
      totals.processed += w.processed;
      totals.errors += errors;
      totals.inFlight += w.inFlight;
      set(roots, "processed", String(w.processed));
      set(roots, "rate", num(rate, 1));
      set(roots, "errors", String(errors), errors > 0);
      set(roots, "inFlight", String(w.inFlight));
      var lat = w.latencyMs || {};
      var seen = w.processed + w.errors > 0;
      set(roots, "p50", seen ? num(lat.p50, 1) : "\u2013");
      set(roots, "p95", seen ? num(lat.p95, 1) : "\u2013");
      set(roots, "p99", seen ? num(lat.p99, 1) : "\u2013");
      set(roots, "state", state);
      roots.forEach(function (root) {
        root.setAttribute("data-state", state);
        root.classList.toggle("failing", failing);
      });
    });
    config.channels.forEach(function (name) {
      var c = own(stats.channels, name);
      var roots = byNode("channel:" + name);
      if (!c) return;
      var readers = own(config.readers, name) || [];
      var rate = typeof c.rate === "number" ? c.rate
        : readers.reduce(function (sum, w) { return sum + (rates[w] || 0); }, 0);
      var drops = own(stats.drops, name);
      if (typeof drops !== "number") drops = c.drops;
      var beforeDrops = prev && own(prev.drops, name);
      if (typeof beforeDrops === "number" && drops > beforeDrops) lastDropAt[name] = stats.at;
      var dropping = lastDropAt[name] !== undefined && stats.at - lastDropAt[name] < RECENT_MS;
      totals.drops += drops;
      var ratio = c.capacity > 0 ? c.size / c.capacity : c.pendingPuts > 0 ? 1 : 0;
      var tone = colour(c.closed ? 0 : ratio);
      set(roots, "depth", c.size + "/" + c.capacity);
      set(roots, "rate", num(rate, 1));
      set(roots, "drops", String(drops), drops > 0);
      set(roots, "pendingPuts", String(c.pendingPuts));
      set(roots, "pendingTakes", String(c.pendingTakes));
      roots.forEach(function (root) {
        root.setAttribute("data-level", c.closed ? "closed" : ratio >= 1 ? "full" : ratio > 0 ? "busy" : "empty");
        root.classList.toggle("dropping", dropping);
        var frame = root.querySelector(".frame");
        if (frame && root.tagName.toLowerCase() === "g") frame.setAttribute("fill", tone.fill);
        var bar = root.querySelector("[data-bar=depth]");
        if (bar) {
          bar.setAttribute("width", String(Math.round(Number(bar.getAttribute("data-max")) * Math.min(1, ratio))));
          bar.setAttribute("fill", tone.bar);
        }
      });
    });
    // Flow edges move while their worker handles messages; a fail edge while it fails.
    all("path.edge").forEach(function (edge) {
      var worker = edge.getAttribute("data-worker");
      var active = edge.getAttribute("data-role") === "fail"
        ? lastErrorAt[worker] !== undefined && stats.at - lastErrorAt[worker] < RECENT_MS
        : (rates[worker] || 0) > 0.05;
      edge.classList.toggle("active", active);
    });
    set([document], "uptime", duration(stats.uptimeMs));
    set([document], "total-processed", String(totals.processed));
    set([document], "total-errors", String(totals.errors), totals.errors > 0);
    set([document], "total-drops", String(totals.drops), totals.drops > 0);
    set([document], "total-inFlight", String(totals.inFlight));
    var t = stats.threads;
    set([document], "threads", t ? t.threads + " threads, " + Math.round((t.utilization || 0) * 100) + "% busy, " + t.queueSize + " queued" : "none");
    body.setAttribute("data-updated", String(stats.at));
    prev = stats;
  }

  function poll() {
    fetch(config.stats, { cache: "no-store" })
      .then(function (res) { return res.json(); })
      .then(function (stats) { update(stats); setStatus("live", "live (polling)"); })
      .catch(function () { setStatus("disconnected"); })
      .then(function () { setTimeout(poll, config.intervalMs); });
  }

  if (typeof EventSource !== "function") return poll();
  var source = new EventSource(config.events);
  source.addEventListener("open", function () { setStatus("live"); });
  source.addEventListener("stats", function (event) { update(JSON.parse(event.data)); setStatus("live"); });
  source.addEventListener("stopped", function (event) {
    update(JSON.parse(event.data));
    setStatus("stopped", "system stopped");
    source.close();
  });
  source.addEventListener("error", function () {
    if (body.getAttribute("data-status") === "stopped") return;
    setStatus(source.readyState === EventSource.CLOSED ? "disconnected" : "reconnecting");
  });
})();
`;
