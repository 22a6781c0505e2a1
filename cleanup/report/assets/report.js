"use strict";
// Everything from the articles goes into the page through textContent: never parsed as HTML.
const RECORDS = JSON.parse(document.getElementById("records").textContent);
const SEV_RANK = { info: 0, warning: 1, error: 2 };
const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// Characters that display as nothing but change what is displayed (bidi controls reorder the
// text around them: "Trojan Source"): shown as a visible label, never left to act.
const HIDDEN = /[\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF\u180E\u00AD]|\uDB40[\uDC00-\uDC7F]/g;
function revealHidden(text) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(HIDDEN)) {
    if (m.index > last) frag.append(text.slice(last, m.index));
    const cp = m[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
    frag.append(el("span", { class: "hidden-char", title: `invisible character U+${cp}`, text: `⟨U+${cp}⟩` }));
    last = m.index + m[0].length;
  }
  if (last < text.length) frag.append(text.slice(last));
  return frag;
}

// ------------------------------------------------------------------ index
const rows = RECORDS.map((r, i) => {
  const counts = { error: 0, warning: 0, info: 0 };
  const rules = new Set();
  for (const f of r.findings || []) { counts[f.severity]++; rules.add(f.rule); }
  for (const e of r.edits || []) rules.add(e.rule);
  return { i, id: r.id, verdict: r.error ? "error" : r.verdict, edits: (r.edits || []).length, ...counts, rules,
           severities: new Set((r.findings || []).map((f) => f.severity)) };
});
let sortKey = null, sortAsc = true, visible = rows, current = -1;

function fillSelect(select, values) {
  for (const v of [...values].sort()) select.append(el("option", { value: v, text: v }));
}
fillSelect($("#f-verdict"), new Set(rows.map((r) => r.verdict)));
fillSelect($("#f-rule"), new Set(rows.flatMap((r) => [...r.rules])));
fillSelect($("#f-severity"), ["error", "warning", "info"]);

function renderIndex() {
  const q = $("#q").value.toLowerCase(), v = $("#f-verdict").value, rule = $("#f-rule").value, sev = $("#f-severity").value;
  visible = rows.filter((r) => (!q || String(r.id).toLowerCase().includes(q)) && (!v || r.verdict === v)
    && (!rule || r.rules.has(rule)) && (!sev || r.severities.has(sev)));
  if (sortKey) {
    visible = [...visible].sort((a, b) => {
      const x = a[sortKey], y = b[sortKey];
      const c = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
      return sortAsc ? c : -c;
    });
  }
  const body = $("#index tbody");
  body.replaceChildren(...visible.map((r) => el("tr", { class: "row" + (r.i === current ? " current" : ""), "data-i": r.i, onclick: () => openArticle(r.i) },
    el("td", { class: "id" }, revealHidden(String(r.id))),
    el("td", {}, el("span", { class: "badge " + r.verdict, text: r.verdict })),
    el("td", { text: r.edits }), el("td", { text: r.error }), el("td", { text: r.warning }), el("td", { text: r.info }))));
  $("#shown").textContent = `${visible.length} of ${rows.length} articles shown`;
}
for (const th of document.querySelectorAll("th[data-sort]")) {
  th.addEventListener("click", () => {
    sortAsc = sortKey === th.dataset.sort ? !sortAsc : true;
    sortKey = th.dataset.sort;
    document.querySelectorAll("th").forEach((t) => t.classList.remove("sorted", "asc"));
    th.classList.add("sorted"); if (sortAsc) th.classList.add("asc");
    renderIndex();
  });
}
for (const id of ["#q", "#f-verdict", "#f-rule", "#f-severity"]) $(id).addEventListener("input", renderIndex);

// ------------------------------------------------------------------ totals and chart
(function summary() {
  const verdicts = {}, perRule = {};
  for (const r of rows) verdicts[r.verdict] = (verdicts[r.verdict] || 0) + 1;
  for (const rec of RECORDS) {
    for (const e of rec.edits || []) { const k = `${e.stage}/${e.rule} (edit)`; perRule[k] = (perRule[k] || 0) + 1; }
    for (const f of rec.findings || []) { const k = `${f.stage}/${f.rule}`; perRule[k] = (perRule[k] || 0) + 1; }
  }
  $("#totals").replaceChildren(...Object.entries(verdicts).map(([v, n]) => el("span", { class: "badge " + v, text: `${v}: ${n}` })), ` ${rows.length} articles`);
  const entries = Object.entries(perRule).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map((e) => e[1]));
  $("#chart").replaceChildren(...entries.map(([k, n]) => el("div", { class: "bar" },
    el("span", { text: k }), el("div", { class: "fill" + (k.endsWith("(edit)") ? " edit" : ""), style: `width:${(100 * n / max).toFixed(1)}%` }), el("span", { text: n }))));
})();

// ------------------------------------------------------------------ one article, rendered on demand
// Replay the edits on a list of segments: deletions stay visible (struck through) but take no
// room in the running text, so each edit's offsets index the text as it stood, as recorded.
function segmentsOf(rec) {
  let segs = [{ kind: "keep", text: rec.original }];
  rec.edits.forEach((e, n) => {
    // 1. split the running text at the edit's boundaries
    const split = []; let pos = 0;
    for (const s of segs) {
      if (s.kind === "del") { split.push(s); continue; }
      const a = pos, b = pos + s.text.length;
      const cuts = [e.start, e.end].filter((p) => p > a && p < b).map((p) => p - a);
      let from = 0;
      for (const c of [...new Set(cuts)].sort((x, y) => x - y)) { split.push({ ...s, text: s.text.slice(from, c) }); from = c; }
      split.push({ ...s, text: s.text.slice(from) });
      pos = b;
    }
    // 2. what lies inside the edit is deleted; the new text goes right after it
    const out = []; pos = 0; let inserted = false;
    const ins = { kind: "ins", text: e.after, edit: n };
    for (const s of split) {
      if (s.kind === "del") { out.push(s); continue; }
      const a = pos, b = pos + s.text.length; pos = b;
      if (!inserted && a >= e.end && (a > e.start || e.start === e.end || b > a)) { out.push(ins); inserted = true; }
      if (a >= e.start && b <= e.end && a < b) out.push({ kind: "del", text: s.text, edit: n });
      else out.push(s);
    }
    if (!inserted) out.push(ins);
    segs = out.filter((s) => s.text !== "" || (s.kind === "ins" && s.edit === n && e.after === "" && e.start !== e.end));
  });
  return segs;
}

function describe(kind, item) {
  const box = $("#detail");
  box.hidden = false;
  const parts = [el("strong", { text: `${kind} · ${item.stage} · ${item.rule}` }), el("br"), el("span", { text: item.message })];
  if (item.severity) parts.unshift(el("span", { class: "sev " + item.severity, text: item.severity + " " }));
  if (item.before !== undefined) parts.push(el("br"), "before ", el("code", {}, revealHidden(item.before)), " after ", el("code", {}, revealHidden(item.after)));
  if (item.suggestions && item.suggestions.length) parts.push(el("br"), "suggestions: ", ...item.suggestions.flatMap((s, i) => [i ? ", " : "", el("code", { text: s })]));
  box.replaceChildren(...parts);
}

let stops = [], stop = -1;

function openArticle(i) {
  current = i;
  const rec = RECORDS[i];
  $("#article").hidden = false;
  $("#detail").hidden = true;
  $("#a-title").replaceChildren(revealHidden(rec.id));
  $("#a-meta").replaceChildren(el("span", { class: "badge " + (rec.error ? "error" : rec.verdict), text: rec.error ? "error" : rec.verdict }),
    ` ${rec.source || ""}` + (rec.language ? ` · language ${rec.language.code} (${rec.language.confidence})` : ""));
  const text = $("#a-text"), list = $("#a-findings");
  stops = []; stop = -1;
  if (rec.error) {
    text.replaceChildren(el("p", { class: "error-text", text: rec.error }));
    list.replaceChildren();
    renderIndex();
    return;
  }
  const segs = segmentsOf(rec);
  // cut the running text (keep + ins) at finding boundaries to lay the findings over it
  const findings = rec.findings.map((f, n) => ({ ...f, n }));
  const nodes = []; let pos = 0;
  const missingAt = (p) => findings.filter((f) => f.start === f.end && f.start === p && !f.placed);
  const placeMissing = (p) => {
    for (const f of missingAt(p)) {
      f.placed = true;
      const m = el("span", { class: "missing finding-stop", title: f.message, text: f.rule === "refusal-leak" ? "content missing" : f.rule, onclick: () => describe("finding", f) });
      m.dataset.finding = f.n; nodes.push(m); stops.push(m);
    }
  };
  for (const s of segs) {
    if (s.kind === "del") {
      const e = rec.edits[s.edit];
      // a deleted run of whitespace would only show as empty space: make it visible
      const shown = /^\s+$/.test(s.text) ? s.text.replace(/\r/g, "␍").replace(/\n/g, "⏎").replace(/\u00a0/g, "⍽").replace(/ /g, "·").replace(/\t/g, "⇥") : s.text;
      const node = el("del", { class: "change", title: `${e.stage}/${e.rule}: ${e.message}`, onclick: () => describe("change", e) }, revealHidden(shown));
      node.dataset.edit = s.edit; nodes.push(node); stops.push(node); continue;
    }
    const a = pos, b = pos + s.text.length;
    const cuts = new Set([a, b]);
    for (const f of findings) for (const p of [f.start, f.end]) if (p > a && p < b) cuts.add(p);
    const points = [...cuts].sort((x, y) => x - y);
    if (s.kind === "ins" && s.text === "") {
      const e = rec.edits[s.edit];
      const node = el("ins", { class: "change empty-ins", title: `${e.stage}/${e.rule}: ${e.message}`, onclick: () => describe("change", e) });
      node.dataset.edit = s.edit; nodes.push(node);
    }
    for (let k = 0; k + 1 < points.length; k++) {
      const p = points[k], q = points[k + 1];
      placeMissing(p);
      const piece = s.text.slice(p - a, q - a);
      const covering = findings.filter((f) => f.start < q && f.end > p);
      let node;
      if (s.kind === "ins") {
        const e = rec.edits[s.edit];
        node = el("ins", { class: "change", title: `${e.stage}/${e.rule}: ${e.message}`, onclick: () => describe("change", e) }, revealHidden(piece));
        node.dataset.edit = s.edit; if (p === a) stops.push(node);
      } else {
        node = revealHidden(piece);
      }
      if (covering.length) {
        const top = covering.reduce((x, y) => (SEV_RANK[y.severity] > SEV_RANK[x.severity] ? y : x));
        const mark = el("mark", { class: "finding " + top.severity, title: covering.map((f) => `${f.rule}: ${f.message}`).join("\n"), onclick: (ev) => { ev.stopPropagation(); describe("finding", top); } }, node);
        mark.dataset.finding = top.n;
        if (covering.some((f) => f.start === p)) { mark.classList.add("finding-stop"); stops.push(mark); }
        node = mark;
      }
      nodes.push(node);
    }
    pos = b;
  }
  placeMissing(pos);
  text.replaceChildren(...nodes);
  list.replaceChildren(...rec.findings.map((f, n) => el("li", { onclick: () => { const m = text.querySelector(`[data-finding="${n}"]`); if (m) focusStop(stops.indexOf(m)); describe("finding", f); } },
    el("span", { class: "sev " + f.severity, text: f.severity }), " ", el("code", { text: f.rule }), " ",
    el("q", {}, revealHidden(f.match)), " ", el("span", { text: f.message }),
    ...(f.suggestions.length ? [" → ", el("code", { text: f.suggestions.join(" | ") })] : []))));
  renderIndex();
}

function focusStop(k) {
  if (!stops.length) return;
  stop = (k + stops.length) % stops.length;
  document.querySelectorAll(".focus").forEach((n) => n.classList.remove("focus"));
  const node = stops[stop];
  node.classList.add("focus");
  node.scrollIntoView({ block: "center" });
  node.click();
}

document.addEventListener("keydown", (ev) => {
  if (ev.target.matches("input, select, textarea") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === "n") focusStop(stop + 1);
  else if (ev.key === "p") focusStop(stop - 1);
  else if (ev.key === "j" || ev.key === "k") {
    const at = visible.findIndex((r) => r.i === current);
    const next = visible[Math.min(visible.length - 1, Math.max(0, at + (ev.key === "j" ? 1 : -1)))];
    if (next) openArticle(next.i);
  } else return;
  ev.preventDefault();
});

renderIndex();
if (location.hash.startsWith("#article=")) {
  const want = decodeURIComponent(location.hash.slice(9));
  const r = rows.find((x) => String(x.id) === want);
  if (r) openArticle(r.i);
}
