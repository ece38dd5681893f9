// The job page: one job's stages (time, bytes, rate), its verification findings grouped as the API
// groups them, its error with what to do, and its backup, package, SBOM and catalog entry.
"use strict";

const JOB_POLL_MS = 2000;
const GROUP_TITLES = {
  "blocking": "Blocking: must be fixed before the image can be published",
  "warning": "Warnings: should be fixed; the image can be published",
  "not-run": "Not run: could not be decided from the disk",
  "waived": "Waived: failures accepted by configuration",
  "passed": "Passed",
  "not-applicable": "Not applicable to this image",
};

function stageRow(st) {
  let detail = "";
  if (st.error) detail = "error: " + st.error;
  else if (st.state === "running" && st.bytesTotal > 0) {
    detail = Math.floor(100 * st.bytesDone / st.bytesTotal) + "% (" + bytes(st.bytesDone) + " of " + bytes(st.bytesTotal) + ")";
  }
  return el("tr", { "data-stage": st.stage },
    el("td", { class: "mono" }, st.stage), stateCell(st.state), el("td", { class: "num" }, st.attempts),
    el("td", {}, timeEl(st.startedAt)), el("td", { class: "num" }, duration(st.seconds)),
    el("td", { class: "num" }, bytes(st.bytesRead)), el("td", { class: "num" }, bytes(st.bytesWritten)),
    el("td", { class: "num" }, st.bytesPerSecond ? bytes(st.bytesPerSecond) + "/s" : ""), el("td", {}, detail));
}

// One disk of a VM image: each stage's state, with its progress or error.
function diskRow(d) {
  const cell = name => {
    const st = (d.stages || []).find(x => x.stage === name);
    if (!st) return el("td", {}, "");
    const td = stateCell(st.state);
    if (st.error) td.append(el("div", { class: "reason" }, st.error));
    else if (st.state === "running" && st.bytesTotal > 0) {
      td.append(" " + Math.floor(100 * st.bytesDone / st.bytesTotal) + "%");
    }
    return td;
  };
  return el("tr", { "data-disk": d.disk },
    el("td", { class: "num" }, d.disk), el("td", { class: "mono" }, d.file), el("td", {}, d.role),
    el("td", { class: "num" }, d.lun === undefined ? "" : d.lun), el("td", { class: "num" }, bytes(d.size)),
    cell("backup"), cell("verify"), cell("package"), cell("register"));
}

function findingRow(group, c) {
  const evidence = el("ul", { class: "evidence" }, ...(c.evidence || []).map(e => el("li", {}, e)));
  const remedy = group === "passed" || group === "not-applicable" ? "" : (c.remediation || "");
  return el("tr", { "data-check": c.id, "data-group": group },
    el("td", { class: "mono" }, c.id), el("td", {}, c.category || ""), el("td", {}, c.severity || ""),
    el("td", {}, el("span", { class: "finding finding-" + group }, c.status)), el("td", {}, c.title || ""),
    el("td", {}, evidence), el("td", {}, remedy));
}

function findings(job, report) {
  const table = document.getElementById("findings");
  const groups = job.findings;
  for (const body of Array.from(table.tBodies)) body.remove();
  if (!groups) {
    table.hidden = true;
    document.getElementById("findings-empty").hidden = false;
    document.getElementById("findings-summary").textContent = "";
    return;
  }
  table.hidden = false;
  document.getElementById("findings-empty").hidden = true;
  const counts = [];
  for (const [group, checks] of Object.entries(groups)) {
    counts.push(checks.length + " " + group.replace("-", " "));
    const body = el("tbody", { "data-group": group });
    body.append(el("tr", { class: "group" }, el("th", { colspan: "7", scope: "rowgroup" },
      (GROUP_TITLES[group] || group) + " (" + checks.length + ")")));
    for (const c of checks) body.append(findingRow(group, c));
    table.append(body);
  }
  document.getElementById("findings-summary").textContent = "Verdict " + (report.verdict || job.verdict || "?")
    + " under policy " + (report.policy || "?") + ": " + counts.join(", ") + ".";
}

function resultOf(job, stage) {
  const s = (job.stages || []).find(x => x.stage === stage);
  return s && s.result && typeof s.result === "object" ? s.result : null;
}

function render(job) {
  document.title = "vhdflow job " + job.id;
  document.getElementById("job-id").textContent = job.id;
  document.getElementById("summary").replaceChildren(facts([
    ["File", job.source + " (" + bytes(job.sourceSize) + ")"],
    ["Image", job.gallery + "/" + job.image + (job.version ? " " + job.version : "")],
    ["State", el("span", { class: "state state-" + job.state, "data-state": job.state }, job.state)],
    ["Stage", job.stage && job.state !== "done" ? job.stage : null],
    ["Verdict", job.verdict],
    ["Taken in", timeEl(job.createdAt)],
    ["Finished", job.finishedAt ? timeEl(job.finishedAt) : "not yet"],
    ["Took", duration(job.seconds)],
    ["Content SHA-256", job.sourceSha256 ? el("span", { class: "mono" }, job.sourceSha256) : null],
    ["Batch", job.batch],
  ]));
  const e = job.error;
  const error = document.getElementById("error");
  if (e && typeof e === "object") {
    error.replaceChildren(el("article", { class: "failure", "data-state": job.state },
      el("h3", {}, job.state === "duplicate" ? "Duplicate" : "Why it failed"),
      el("p", { class: "reason" }, e.message || "no reason recorded"),
      e.code ? el("p", {}, "Code ", el("code", {}, e.code), e.stage ? ", stage " + e.stage : "",
        e.structure ? ", at " + e.structure + (e.offset !== undefined ? " byte " + e.offset : "") : "") : null,
      (e.details || []).length ? el("ul", { class: "checks" }, ...e.details.map(d => el("li", {}, d))) : null,
      e.remedy ? el("p", {}, el("strong", {}, "What to do: "), e.remedy) : null));
  } else {
    error.replaceChildren();
  }
  document.querySelector("#stages tbody").replaceChildren(...(job.stages || []).map(stageRow));
  const disks = job.disks || [];
  document.querySelector("#disks").hidden = disks.length === 0;
  document.querySelector("#disks-empty").hidden = disks.length > 0;
  document.querySelector("#disks tbody").replaceChildren(...disks.map(diskRow));

  const report = resultOf(job, "verify") || {};
  findings(job, report);

  const backup = resultOf(job, "backup");
  if (backup) {
    document.getElementById("backup").replaceChildren(facts([
      ["Path", el("span", { class: "mono" }, backup.path)],
      ["SHA-256", el("span", { class: "mono" }, backup.sha256)],
      ["Size", bytes(backup.bytes)],
      ["Written", bytes(backup.bytesWritten) + " (the rest left as holes)"],
    ]));
  }
  const pkg = resultOf(job, "package");
  if (pkg) {
    document.getElementById("package").replaceChildren(facts([
      ["Folder", el("span", { class: "mono" }, pkg.directory)],
      ["Fixed VHD", el("span", { class: "mono" }, pkg.vhd)],
      ["Version", pkg.version],
      ["Virtual size", bytes(pkg.virtualSize)],
      ["File size", bytes(pkg.fileSize) + " (" + bytes(pkg.dataBytes) + " of data)"],
      ["MD5", el("span", { class: "mono" }, pkg.md5 + " (Content-MD5 " + pkg.md5Base64 + ")")],
      ["SHA-256", el("span", { class: "mono" }, pkg.sha256)],
      ["Archive", pkg.archive],
    ]));
  }
  const sbom = (pkg && pkg.sbom) || (resultOf(job, "register") || {}).sbom;
  if (sbom) {
    const pairs = typeof sbom === "object" ? Object.entries(sbom).map(([k, v]) => [k, typeof v === "object"
      ? JSON.stringify(v) : String(v)]) : [["File", String(sbom)]];
    document.getElementById("sbom").replaceChildren(facts(pairs));
  }
  const reg = resultOf(job, "register");
  if (reg && reg.registered) {
    const [gallery, image, version] = reg.registered.split("/");
    const link = catalogLink(gallery, image, gallery + "/" + image + " " + version);
    link.setAttribute("href", link.getAttribute("href") + "#v" + encodeURIComponent(version));
    document.getElementById("catalog").replaceChildren(facts([
      ["Entry", link],
      ["OS state", reg.osState],
      ["Uploaded to", reg.upload && reg.upload.blobUri],
    ]));
  }
}

async function refresh() {
  const id = new URLSearchParams(location.search).get("id");
  if (!id) {
    document.getElementById("status").textContent = "No job named: open this page from the dashboard's job list.";
    return false;
  }
  try {
    const job = await getJson("api/jobs/" + encodeURIComponent(id));
    render(job);
    const live = job.state === "queued" || job.state === "running";
    document.getElementById("status").textContent = "Job " + job.state + ". Updated " + time(new Date().toISOString())
      + (live ? "; updating every " + JOB_POLL_MS / 1000 + " s." : ".");
    return live;
  } catch (err) {
    document.getElementById("status").textContent = "Cannot show job " + id + ": " + err.message;
    return true;
  }
}

(async function loop() {
  if (await refresh()) setTimeout(loop, JOB_POLL_MS);
})();
