// The catalog page of one image definition: its versions with sizes, verdicts and digests, each
// linked to the job that registered it.
"use strict";

function versionRow(v, latest) {
  return el("tr", { "data-version": v.version, id: "v" + v.version },
    el("td", { class: "mono" }, v.version), el("td", {}, timeEl(v.publishedAt)), el("td", {}, v.verdict),
    el("td", { class: "num" }, bytes(v.virtualSize)), el("td", { class: "num" }, bytes(v.fileSize)),
    el("td", {}, v.excludeFromLatest ? "excluded" : v.version === latest ? "latest" : "yes"),
    el("td", {}, v.endOfLife || ""), el("td", {}, jobLink(v.sourceJob)),
    el("td", {}, el("div", { class: "mono" }, v.packagePath), el("div", { class: "mono" }, "MD5 " + v.md5),
      el("div", { class: "mono" }, "SHA-256 " + v.sha256)));
}

(async function () {
  const q = new URLSearchParams(location.search);
  const gallery = q.get("gallery");
  const image = q.get("image");
  if (!gallery || !image) {
    document.getElementById("status").textContent = "No image named: open this page from the dashboard's catalog.";
    return;
  }
  document.getElementById("image-name").textContent = gallery + "/" + image;
  document.title = "vhdflow catalog " + gallery + "/" + image;
  try {
    const def = await getJson("api/catalog/" + encodeURIComponent(gallery) + "/" + encodeURIComponent(image));
    document.getElementById("latest").textContent = def.latest
      ? "Azure's \"latest\" would pick " + def.latest + "." : "No version is eligible as \"latest\".";
    document.querySelector("#versions tbody").replaceChildren(...def.versions.map(v => versionRow(v, def.latest)));
    document.getElementById("status").textContent = def.versions.length + " version(s).";
    if (location.hash) {
      const target = document.getElementById(location.hash.substring(1));
      if (target) target.classList.add("selected");
    }
  } catch (err) {
    document.getElementById("status").textContent = "Cannot show " + gallery + "/" + image + ": " + err.message;
  }
})();
