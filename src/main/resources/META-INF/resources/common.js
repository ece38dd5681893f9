// Helpers shared by the dashboard's pages: building elements, sizes, durations and dates for people.
// Plain JavaScript, no build step, nothing loaded from elsewhere.
"use strict";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

/** Binary units: 1.5 GiB. */
function bytes(n) {
  if (n === undefined || n === null || n < 0) return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
}

/** Seconds as "850 ms", "42 s", "3 min 5 s", "2 h 10 min". */
function duration(s) {
  if (s === undefined || s === null) return "";
  if (s < 1) return Math.round(s * 1000) + " ms";
  s = Math.round(s);
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
}

function pad(n) {
  return String(n).padStart(2, "0");
}

/** An instant as ISO-8601 in the browser's time zone, to the second: 2026-05-01T12:00:00+02:00. */
function time(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d.getTime())) return String(iso);
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? "Z" : (off > 0 ? "+" : "-") + pad(Math.floor(Math.abs(off) / 60)) + ":" + pad(Math.abs(off) % 60);
  return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":"
    + pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + zone;
}

/** A <time> element: the ISO text in the user's zone, the instant itself in its datetime attribute. */
function timeEl(iso) {
  return iso ? el("time", { datetime: iso }, time(iso)) : "";
}

function stateCell(text) {
  const t = String(text || "unknown").toLowerCase();
  return el("td", {}, el("span", { class: "state state-" + t, "data-state": t }, t));
}

async function getJson(path) {
  const r = await fetch(path, { headers: { "Accept": "application/json" }, cache: "no-store" });
  if (!r.ok && r.status !== 503 && r.status !== 404) throw new Error(path + " answered " + r.status);
  const body = await r.json();
  if (r.status === 404) throw new Error(body.error || path + " was not found");
  return body;
}

function jobLink(id) {
  return el("a", { href: "job.html?id=" + encodeURIComponent(id), class: "mono" }, id);
}

function catalogLink(gallery, image, text) {
  return el("a", { href: "catalog.html?gallery=" + encodeURIComponent(gallery) + "&image=" + encodeURIComponent(image) },
    text || gallery + "/" + image);
}

/** Name/value rows of a definition list. */
function facts(pairs) {
  const dl = el("dl", { class: "facts" });
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "") continue;
    dl.append(el("dt", {}, k), el("dd", {}, v));
  }
  return dl;
}
