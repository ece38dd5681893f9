// vhdflow dashboard: polls the status API every 1.5 s and redraws. Plain JavaScript, no build step,
// nothing loaded from elsewhere (helpers in common.js). Every state is written as text; colour only
// repeats it. Each job links to its page (job.html), each image to its catalog page (catalog.html).
"use strict";

const POLL_MS = 1500;
const STAGES = ["fetch", "backup", "verify", "package", "register"];
// Last bytesDone seen per job/stage, for a live rate between two polls.
const lastSeen = new Map();

function fillTable(id, rows, emptyId) {
  const table = document.getElementById(id);
  const body = table.tBodies[0];
  body.replaceChildren(...rows);
  if (emptyId) {
    table.hidden = rows.length === 0;
    document.getElementById(emptyId).hidden = rows.length !== 0;
  }
}

/** One stage's line: name, state or progress as text, and a progress bar. */
function stageLine(job, st, now) {
  const key = job.id + "/" + st.stage;
  let text;
  let value = 0;
  let max = 1;
  if (st.state === "done") {
    value = 1;
    text = "done" + (st.seconds !== undefined ? " in " + duration(st.seconds) : "")
      + (st.bytesPerSecond ? ", " + bytes(st.bytesPerSecond) + "/s" : "");
  } else if (st.state === "failed") {
    text = "failed: " + (st.error || "see the error below");
  } else if (st.state === "running") {
    const prev = lastSeen.get(key);
    let rate = st.bytesPerSecond;
    if (prev && now > prev.at && st.bytesDone >= prev.done && st.bytesDone !== prev.done) {
      rate = (st.bytesDone - prev.done) * 1000 / (now - prev.at);
    }
    if (!prev || st.bytesDone !== prev.done) lastSeen.set(key, { done: st.bytesDone, at: now });
    if (st.bytesTotal > 0) {
      value = st.bytesDone;
      max = st.bytesTotal;
      const pct = Math.floor(100 * st.bytesDone / st.bytesTotal);
      text = "running, " + pct + "% (" + bytes(st.bytesDone) + " of " + bytes(st.bytesTotal) + ")"
        + (rate ? ", " + bytes(rate) + "/s" : "");
    } else {
      value = null;
      text = "running for " + duration(st.seconds) + (st.bytesDone > 0 ? ", " + bytes(st.bytesDone) + " so far" : "");
    }
  } else {
    text = st.state;
  }
  const bar = el("progress", { "aria-label": st.stage + " progress", max: String(max) });
  if (value !== null) bar.value = value;
  return [el("span", { class: "mono" }, st.stage),
          el("span", { class: "stage-state", "data-stage": st.stage, "data-state": st.state }, text), bar];
}

function inflightJob(job, now) {
  const byStage = new Map((job.stages || []).map(s => [s.stage, s]));
  const lines = [];
  for (const name of STAGES) {
    if (name === "fetch" && !byStage.has(name)) continue; // only a job from a blob job file fetches
    const st = byStage.get(name) || { stage: name, state: "waiting" };
    lines.push(...stageLine(job, st, now));
  }
  return el("article", { class: "job", "data-job-id": job.id, "data-state": job.state },
    el("h3", {}, job.source + " → " + job.image + (job.version ? " " + job.version : "")),
    el("p", {}, "Job ", jobLink(job.id), " is ",
      el("span", { class: "state state-" + job.state }, job.state),
      job.stage ? " (stage " + job.stage + ")" : "", ", " + bytes(job.sourceSize) + ", since " + time(job.createdAt)),
    el("div", { class: "stages", role: "group", "aria-label": "stages of job " + job.id }, ...lines));
}

function failure(job) {
  const e = job.error || {};
  const details = (e.details || []).map(d => el("li", {}, d));
  return el("article", { class: "failure", "data-job-id": job.id, "data-state": "failed" },
    el("h3", {}, "failed: " + job.source + " (job ", jobLink(job.id), ")"),
    el("p", { class: "reason" }, el("strong", {}, "Why: "), e.message || "no reason recorded"),
    el("p", {}, "Stage: " + (e.stage || job.stage || "?") + ", code ", el("code", {}, e.code || "?"),
      e.structure ? ", at " + e.structure + (e.offset !== undefined ? " byte " + e.offset : "") : "",
      ", " + time(job.finishedAt)),
    details.length ? el("div", {}, el("p", {}, "Failed checks and details:"), el("ul", { class: "checks" }, ...details)) : null,
    e.remedy ? el("p", {}, el("strong", {}, "What to do: "), e.remedy) : null,
    el("p", {}, el("a", { href: "job.html?id=" + encodeURIComponent(job.id) }, "Every stage and finding of this job")));
}

function jobRow(j) {
  return el("tr", { "data-job-id": j.id },
    el("td", {}, jobLink(j.id)), el("td", {}, j.source), el("td", {}, j.gallery + "/" + j.image),
    el("td", {}, j.version || ""), stateCell(j.state), el("td", {}, j.stage || ""), el("td", {}, j.verdict || ""),
    el("td", {}, time(j.createdAt)), el("td", { class: "num" }, duration(j.seconds)));
}

function routeRow(r) {
  return el("tr", { "data-route-id": r.id },
    el("td", { class: "mono" }, r.id), stateCell(r.status),
    el("td", { class: "num" }, r.status === "Disabled" ? "" : duration(r.uptimeSeconds)),
    el("td", { class: "num" }, r.exchangesTotal), el("td", { class: "num" }, r.exchangesFailed),
    el("td", { class: "num" }, r.exchangesInflight),
    el("td", {}, r.lastError ? r.lastError + " (" + time(r.lastErrorAt) + ")"
      : r.status === "Disabled" ? "off by configuration" : "none"));
}

/** The API's own routes as one row: how many, in which states, their exchanges summed. */
function apiRow(api) {
  const states = {};
  for (const r of api) states[r.status.toLowerCase()] = (states[r.status.toLowerCase()] || 0) + 1;
  const state = Object.keys(states).length === 1 ? Object.keys(states)[0] : "mixed";
  const sum = k => api.reduce((n, r) => n + (r[k] || 0), 0);
  const errors = api.filter(r => r.lastError);
  return el("tr", { "data-route-id": "api", title: api.map(r => r.id).join(", ") },
    el("td", {}, "API (" + api.length + " routes)"),
    el("td", {}, el("span", { class: "state state-" + state, "data-state": state },
      Object.entries(states).map(([s, n]) => n + " " + s).join(", "))),
    el("td", {}, ""), el("td", { class: "num" }, sum("exchangesTotal")), el("td", { class: "num" }, sum("exchangesFailed")),
    el("td", { class: "num" }, sum("exchangesInflight")),
    el("td", {}, errors.length ? errors.map(r => r.id + ": " + r.lastError).join("; ") : "none"));
}

function batchRow(b) {
  const counts = Object.entries(b.jobs || {}).map(([s, n]) => n + " " + s).join(", ");
  return el("tr", { "data-batch-id": b.id },
    el("td", { class: "mono" }, b.id), el("td", {}, time(b.createdAt)), el("td", { class: "num" }, b.jobCount),
    el("td", {}, counts || "none yet"), el("td", {}, b.finishedAt ? time(b.finishedAt) : "not yet"));
}

function catalogRow(c) {
  return el("tr", {},
    el("td", {}, c.gallery), el("td", {}, catalogLink(c.gallery, c.image, c.image)),
    el("td", { class: "num" }, c.versions), el("td", {}, c.latest || ""), el("td", {}, time(c.lastPublishedAt)),
    el("td", {}, c.lastVerdict || ""));
}

async function refresh() {
  const now = Date.now();
  try {
    const [running, queued, failed, recent, routes, batches, catalog, ready] = await Promise.all([
      getJson("api/jobs?state=running&stages=true&limit=50"),
      getJson("api/jobs?state=queued&stages=true&limit=50"),
      getJson("api/jobs?state=failed&limit=10"),
      getJson("api/jobs?limit=25"),
      getJson("api/routes"),
      getJson("api/batches"),
      getJson("api/catalog"),
      getJson("api/health"),
    ]);
    const inflight = running.concat(queued);
    // Forget rate samples of jobs that left the pipeline.
    const live = new Set(inflight.map(j => j.id));
    for (const key of lastSeen.keys()) {
      if (!live.has(key.split("/")[0])) lastSeen.delete(key);
    }
    document.getElementById("inflight").replaceChildren(...inflight.map(j => inflightJob(j, now)));
    document.getElementById("inflight-empty").hidden = inflight.length > 0;
    document.getElementById("failures").replaceChildren(...failed.map(failure));
    document.getElementById("failures-empty").hidden = failed.length > 0;
    fillTable("jobs", recent.map(jobRow));
    const api = routes.filter(r => r.api);
    fillTable("routes", routes.filter(r => !r.api).map(routeRow).concat(api.length ? [apiRow(api)] : []));
    fillTable("batches", batches.map(batchRow), "batches-empty");
    const batchRoute = routes.find(r => r.id === "batch");
    document.getElementById("batches-empty").textContent = batchRoute && batchRoute.status === "Disabled"
      ? "The scheduled batch is disabled (vhdflow.batch.enabled=false); files in batch/ wait until it is enabled."
      : "No scheduled batch has run.";
    fillTable("catalog", catalog.map(catalogRow), "catalog-empty");
    const health = ready.status === "UP" ? "ready" : "NOT READY: " + (ready.reasons || []).join("; ");
    document.getElementById("status").textContent = "Service " + health + ". " + inflight.length
      + " job(s) in flight. Updated " + time(new Date().toISOString()) + ".";
    // Several workers: the store, the nodes sharing it and the leader (one node shows only itself).
    const cluster = document.getElementById("cluster");
    const nodes = ready.nodes || [];
    cluster.hidden = !ready.database;
    if (ready.database) {
      cluster.textContent = "Database " + ready.database.kind + " (" + ready.database.location + ") "
        + (ready.database.up ? "up" : "NOT ANSWERING") + ". Nodes: "
        + (nodes.map(n => n.id + (n.alive ? " (alive)" : " (not seen since " + time(n.seenAt) + ")")).join(", ") || "none")
        + ". Leader: " + (ready.leader || (nodes.length > 1 ? "none" : "this node (one node)")) + ".";
    }
  } catch (err) {
    document.getElementById("status").textContent = "Cannot reach the vhdflow API (" + err.message
      + "); retrying every " + POLL_MS / 1000 + " s.";
  }
}

refresh();
setInterval(refresh, POLL_MS);
