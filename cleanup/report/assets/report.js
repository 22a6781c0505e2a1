"use strict";
// Everything from the articles goes into the page through textContent: never parsed as HTML.
const RECORDS = JSON.parse(document.getElementById("records").textContent);
const REPORT_KEY = JSON.parse(document.getElementById("report-key").textContent);
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

// ------------------------------------------------------------------ an editor's decisions
// Per record id: {hash, edits: {n: {rule, decision, by, at}}, findings: {n: {..., suggestion}}}.
// An edit is accepted unless rejected; a finding is open until a suggestion is applied or it is
// dismissed. Kept in the browser under the report's content hash (a report of other records
// never sees them), exported as decisions.json for `cleanup apply`.
const STORE = "cleanup-decisions:" + REPORT_KEY;
let DECIDED = {};
try { DECIDED = JSON.parse(localStorage.getItem(STORE) || "{}") || {}; } catch (e) { DECIDED = {}; }
for (const rec of RECORDS) if (DECIDED[rec.id] && DECIDED[rec.id].hash !== rec.hash) delete DECIDED[rec.id];
function saveDecisions() {
  try { localStorage.setItem(STORE, JSON.stringify(DECIDED)); } catch (e) { /* storage off: the export still works */ }
}
function editorName() { return $("#editor").value.trim(); }
function decisionOf(i, target, n) { const d = DECIDED[RECORDS[i].id]; return (d && d[target][n]) || null; }
function decide(i, target, n, decision, suggestion) {
  const rec = RECORDS[i];
  if (rec.error) return;
  const d = DECIDED[rec.id] || (DECIDED[rec.id] = { hash: rec.hash, edits: {}, findings: {} });
  const item = (target === "edits" ? rec.edits : rec.findings)[n];
  if (!item) return;
  if (decision === null) delete d[target][n];
  else d[target][n] = { rule: item.rule, decision, by: editorName(), at: new Date().toISOString(), ...(decision === "apply" ? { suggestion } : {}) };
}
// the same decision on every edit (or finding) of one rule, in this article or everywhere
function decideRule(rule, target, decision, everywhere) {
  for (const i of everywhere ? RECORDS.map((_, k) => k) : [current]) {
    const rec = RECORDS[i];
    if (rec.error) continue;
    (target === "edits" ? rec.edits : rec.findings).forEach((item, n) => {
      if (item.rule !== rule || (decision === "apply" && !(item.suggestions || []).length)) return;
      decide(i, target, n, decision, decision === "apply" ? 0 : undefined);
    });
  }
}
// what still waits for an editor: the findings that make the verdict `review` (warnings, errors)
function needsDecision(f) { return !f.dismissed && f.severity !== "info"; }
function openDecisions(i) {
  const r = RECORDS[i];
  return r.error ? 0 : r.findings.filter((f, n) => needsDecision(f) && !decisionOf(i, "findings", n)).length;
}
function countDecisions() {
  let n = 0;
  for (const d of Object.values(DECIDED)) n += Object.keys(d.edits).length + Object.keys(d.findings).length;
  return n;
}
function exportDecisions() {
  const list = (m) => Object.entries(m).map(([n, x]) => ({ index: Number(n), ...x })).sort((a, b) => a.index - b.index);
  const records = [];
  for (const rec of RECORDS) {
    const d = DECIDED[rec.id];
    if (!d || rec.error) continue;
    const edits = list(d.edits), findings = list(d.findings);
    if (edits.length || findings.length) records.push({ id: rec.id, hash: rec.hash, edits, findings });
  }
  const data = { format: "cleanup-decisions", version: 1, report: REPORT_KEY, exported: new Date().toISOString(), by: editorName(), records };
  const blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" });
  const a = el("a", { href: URL.createObjectURL(blob), download: "decisions.json" });
  document.body.append(a);
  a.click();
  a.remove();
}
try { $("#editor").value = localStorage.getItem("cleanup-editor") || ""; } catch (e) { /* storage off */ }
$("#editor").addEventListener("input", () => { try { localStorage.setItem("cleanup-editor", editorName()); } catch (e) { /* storage off */ } });
$("#export").addEventListener("click", exportDecisions);

// ------------------------------------------------------------------ index
const rows = RECORDS.map((r, i) => {
  const counts = { error: 0, warning: 0, info: 0 };
  const rules = new Set();
  for (const f of r.findings || []) { counts[f.severity]++; rules.add(f.rule); }
  for (const e of r.edits || []) rules.add(e.rule);
  return { i, id: r.id, headline: r.headline || "", verdict: r.error ? "error" : r.verdict, edits: (r.edits || []).length, ...counts, rules,
           severities: new Set((r.findings || []).map((f) => f.severity)), open: 0 };
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
  for (const r of rows) r.open = openDecisions(r.i);
  body.replaceChildren(...visible.map((r) => el("tr", { class: "row" + (r.i === current ? " current" : ""), "data-i": r.i, onclick: () => openArticle(r.i) },
    el("td", { class: "id" }, revealHidden(String(r.id)), el("div", { class: "headline" }, revealHidden(r.headline))),
    el("td", {}, el("span", { class: "badge " + r.verdict, text: r.verdict })),
    el("td", { text: r.edits }), el("td", { text: r.error }), el("td", { text: r.warning }), el("td", { text: r.info }),
    el("td", { class: "open" + (r.open ? " some" : ""), text: r.open }))));
  const open = rows.reduce((n, r) => n + r.open, 0), made = countDecisions();
  $("#shown").textContent = `${visible.length} of ${rows.length} articles shown`;
  $("#decided").textContent = `${made} decision(s) made · ${open} open`;
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

let selected = null; // {kind, n}: what the detail box shows and `a`/`r` act on

function button(label, action, cls) {
  return el("button", { type: "button", class: cls || "", text: label, onclick: (ev) => { ev.stopPropagation(); action(); saveDecisions(); refresh(); } });
}

function actionsFor(kind, n) {
  const rec = RECORDS[current];
  if (!rec || rec.error || n < 0) return [];
  if (kind === "change") {
    const e = rec.edits[n], d = decisionOf(current, "edits", n), state = d ? d.decision : "accepted (default)";
    return [el("div", { class: "actions" }, el("span", { class: "state", text: `decision: ${state}` }),
      button("accept (a)", () => decide(current, "edits", n, "accept"), "accept"),
      button("reject (r)", () => decide(current, "edits", n, "reject"), "reject"),
      button(`accept all ${e.rule} here`, () => decideRule(e.rule, "edits", "accept", false)),
      button(`reject all ${e.rule} here`, () => decideRule(e.rule, "edits", "reject", false)),
      button(`accept all ${e.rule} everywhere`, () => decideRule(e.rule, "edits", "accept", true)),
      button(`reject all ${e.rule} everywhere`, () => decideRule(e.rule, "edits", "reject", true)))];
  }
  const f = rec.findings[n], d = decisionOf(current, "findings", n);
  const state = f.dismissed ? "dismissed earlier" : d ? (d.decision === "apply" ? `apply suggestion ${d.suggestion + 1}` : d.decision) : "open";
  const apply = (f.suggestions || []).map((sg, k) => button(`apply${k === 0 ? " (a)" : ""}: ${sg === "" ? "(remove)" : sg}`, () => decide(current, "findings", n, "apply", k), "accept"));
  return [el("div", { class: "actions" }, el("span", { class: "state", text: `decision: ${state}` }), ...apply,
    button("dismiss (r)", () => decide(current, "findings", n, "dismiss"), "reject"),
    ...(d ? [button("reopen", () => decide(current, "findings", n, null))] : []),
    button(`dismiss all ${f.rule} here`, () => decideRule(f.rule, "findings", "dismiss", false)),
    button(`dismiss all ${f.rule} everywhere`, () => decideRule(f.rule, "findings", "dismiss", true)),
    ...(apply.length ? [button(`apply all ${f.rule} everywhere`, () => decideRule(f.rule, "findings", "apply", true))] : []))];
}

function describe(kind, item) {
  const box = $("#detail");
  const rec0 = RECORDS[current];
  const n = kind === "change" ? rec0.edits.indexOf(item) : item.n != null ? item.n : rec0.findings.indexOf(item);
  selected = { kind, n };
  box.hidden = false;
  const parts = [el("strong", { text: `${kind} · ${item.stage} · ${item.rule}` }), el("br"), el("span", { text: item.message })];
  if (item.severity) parts.unshift(el("span", { class: "sev " + item.severity, text: item.severity + " " }));
  if (item.before !== undefined) parts.push(el("br"), "before ", el("code", {}, revealHidden(item.before)), " after ", el("code", {}, revealHidden(item.after)));
  const rec = RECORDS[current];
  if (item.source_start != null && rec && rec.source_text) parts.push(el("br"), "source: ", el("code", {}, revealHidden(rec.source_text.slice(item.source_start, item.source_end))));
  if (item.suggestions && item.suggestions.length) parts.push(el("br"), "suggestions: ", ...item.suggestions.flatMap((s, i) => [i ? ", " : "", el("code", { text: s })]));
  parts.push(...actionsFor(kind, n));
  box.replaceChildren(...parts);
}

// after a decision: the article and the index drawn again, the same item selected
function refresh() {
  const keep = stop, sel = selected;
  openArticle(current);
  if (keep >= 0 && stops.length) { stop = Math.min(keep, stops.length - 1); stops[stop].classList.add("focus"); }
  if (sel) {
    const rec = RECORDS[current];
    const item = sel.kind === "change" ? rec.edits[sel.n] : { ...rec.findings[sel.n], n: sel.n };
    if (item) describe(sel.kind, item);
  }
}

// `a` / `r` on the selected change or finding, then on to the next one
function decideSelected(key) {
  if (!selected || current < 0 || RECORDS[current].error) return;
  const { kind, n } = selected;
  if (kind === "change") decide(current, "edits", n, key === "a" ? "accept" : "reject");
  else if (key === "r") decide(current, "findings", n, "dismiss");
  else if ((RECORDS[current].findings[n].suggestions || []).length) decide(current, "findings", n, "apply", 0);
  else return;
  saveDecisions();
  const keep = stop;
  refresh();
  if (keep >= 0) focusStop(keep + 1);
}

let stops = [], stop = -1;

function editState(n) { const d = decisionOf(current, "edits", n); return d && d.decision === "reject" ? " rejected" : ""; }
function findingState(f) {
  if (f.dismissed) return " dismissed";
  const d = decisionOf(current, "findings", f.n);
  return d ? " decided " + d.decision : "";
}

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
    $("#a-bilingual").hidden = true;
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
      const node = el("del", { class: "change" + editState(s.edit), title: `${e.stage}/${e.rule}: ${e.message}`, onclick: () => describe("change", e) }, revealHidden(shown));
      node.dataset.edit = s.edit; nodes.push(node); stops.push(node); continue;
    }
    const a = pos, b = pos + s.text.length;
    const cuts = new Set([a, b]);
    for (const f of findings) for (const p of [f.start, f.end]) if (p > a && p < b) cuts.add(p);
    const points = [...cuts].sort((x, y) => x - y);
    if (s.kind === "ins" && s.text === "") {
      const e = rec.edits[s.edit];
      const node = el("ins", { class: "change empty-ins" + editState(s.edit), title: `${e.stage}/${e.rule}: ${e.message}`, onclick: () => describe("change", e) });
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
        node = el("ins", { class: "change" + editState(s.edit), title: `${e.stage}/${e.rule}: ${e.message}`, onclick: () => describe("change", e) }, revealHidden(piece));
        node.dataset.edit = s.edit; if (p === a) stops.push(node);
      } else {
        node = revealHidden(piece);
      }
      if (covering.length) {
        const top = covering.reduce((x, y) => (SEV_RANK[y.severity] > SEV_RANK[x.severity] ? y : x));
        const mark = el("mark", { class: "finding " + top.severity + findingState(top), title: covering.map((f) => `${f.rule}: ${f.message}`).join("\n"), onclick: (ev) => { ev.stopPropagation(); describe("finding", top); } }, node);
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
  list.replaceChildren(...findings.map((f) => el("li", { class: findingState(f).trim(), onclick: () => { const m = text.querySelector(`[data-finding="${f.n}"]`); if (m) focusStop(stops.indexOf(m)); describe("finding", f); } },
    el("span", { class: "sev " + f.severity, text: f.severity }), " ", el("code", { text: f.rule }), " ",
    el("q", {}, revealHidden(f.match)), " ", el("span", { text: f.message }),
    ...(f.suggestions.length ? [" → ", el("code", { text: f.suggestions.join(" | ") })] : []),
    ...(findingState(f) ? [" ", el("span", { class: "decision", text: findingState(f).trim().replace("decided ", "") })] : []))));
  $("#a-open").textContent = `${openDecisions(i)} open`;
  renderBilingual(rec);
  renderIndex();
}

// ------------------------------------------------------------------ source beside translation
// One row per aligned unit (paragraphs); a fidelity finding is marked on both sides: where it
// is in the translation and, from its source_start/source_end, in the source.
function marked(text, from, to, spans) {
  const cuts = new Set([from, to]);
  for (const sp of spans) for (const p of [sp.start, sp.end]) if (p > from && p < to) cuts.add(p);
  const points = [...cuts].sort((x, y) => x - y), out = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const p = points[k], q = points[k + 1];
    const piece = revealHidden(text.slice(p, q));
    const covering = spans.filter((sp) => sp.start < q && sp.end > p);
    if (!covering.length) { out.push(piece); continue; }
    const top = covering.reduce((x, y) => (SEV_RANK[y.f.severity] > SEV_RANK[x.f.severity] ? y : x));
    const mark = el("mark", { class: "finding " + top.f.severity, title: covering.map((sp) => `${sp.f.rule}: ${sp.f.message}`).join("\n"),
      onclick: (ev) => { ev.stopPropagation(); describe("finding", top.f); } }, piece);
    mark.dataset.finding = top.f.n;
    out.push(mark);
  }
  return out;
}

function renderBilingual(rec) {
  const box = $("#a-bilingual");
  if (!rec.source_text || !rec.alignment) { box.hidden = true; return; }
  box.hidden = false;
  $("#a-source-lang").textContent = `source (${rec.source_lang || "?"})`;
  const findings = rec.findings.map((f, n) => ({ ...f, n }));
  const inText = findings.map((f) => ({ start: f.start, end: f.end, f }));
  const inSource = findings.filter((f) => f.source_start != null).map((f) => ({ start: f.source_start, end: f.source_end, f }));
  const rows = rec.alignment.map(([s, e, ss, se]) => {
    const left = ss < se ? el("td", {}, ...marked(rec.source_text, ss, se, inSource)) : el("td", { class: "none", text: "(nothing in the source)" });
    const right = s < e ? el("td", {}, ...marked(rec.text, s, e, inText)) : el("td", { class: "none", text: "(not translated)" });
    const flagged = findings.some((f) => f.stage === "fidelity" && ((f.start < e && f.end > s) || (f.source_start != null && f.source_start < se && f.source_end > ss)));
    return el("tr", { class: flagged ? "flagged" : "" }, left, right);
  });
  box.querySelector("tbody").replaceChildren(...rows);
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
  if (ev.key === "a" || ev.key === "r") decideSelected(ev.key);
  else if (ev.key === "n") focusStop(stop + 1);
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
