// 经办人页面：只显示规则引擎（zwgk serve）的答复与规则文件中的名称；不含任何法律内容。
// The clerks' page: shows only the engine's answers and the rules' labels (docs/server.md). No build step.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
};

const state = { labels: null, schema: null, packs: [], lastClassify: null, lastDocket: null };

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(await errorText(r));
  return r.json();
}

async function errorText(r) {
  const t = await r.text();
  try {
    const e = JSON.parse(t.split("\n")[0]).error;
    return (e.field ? `【${fieldName(e.field)}】` : "") + e.message;
  } catch (_) {
    return `HTTP ${r.status}`;
  }
}

function fieldName(path) {
  const f = state.labels && state.labels.fields.decide;
  const generic = path.replace(/\.\d+(?=\.|$)/g, ".N");
  const n = path.match(/\.(\d+)(\.|$)/);
  const name = f && (f[path] || f[generic]);
  if (!name) return path;
  return n ? `第 ${Number(n[1]) + 1} 项 ${name}` : name;
}

const code = (c) => (state.labels && (state.labels.dispositions[c] || state.labels.codes[c])) || c;

function show(id, message) {
  const box = $(id);
  box.textContent = message || "";
  box.hidden = !message;
}

// ------------------------------------------------------------------ the form's choices come from the schema

function enumOf(path) {
  // path like ["submission", "channel"]: follow the input schema's properties and $defs
  let node = state.schema;
  for (const p of path) {
    node = node.properties[p];
    node = resolve(node);
  }
  return (node.enum || []).slice();
}

function resolve(node) {
  if (node.$ref) return resolve(state.schema.$defs[node.$ref.split("/").pop()]);
  if (node.anyOf) return resolve(node.anyOf.find((b) => b.type !== "null") || node.anyOf[0]);
  if (node.type === "array" && node.items) return resolve(node.items);
  return node;
}

function fill(select, values, chosen) {
  select.replaceChildren(...values.map((v) => el("option", { value: v, text: code(v) })));
  if (chosen) select.value = chosen;
}

function addItem(data = {}) {
  const node = $("#item-template").content.firstElementChild.cloneNode(true);
  const boxes = $(".cat-boxes", node);
  for (const c of enumOf(["items", "categories"])) {
    boxes.append(el("label", { class: "check" }, el("input", { type: "checkbox", name: "categories", value: c }),
      " " + code(c)));
  }
  $(".remove", node).addEventListener("click", () => { node.remove(); renumber(); });
  if (data.description) $("[name=description]", node).value = data.description;
  $("#items").append(node);
  labelFields(node);
  renumber();
}

function renumber() {
  $$("#items .item").forEach((n, i) => { $(".item-no", n).textContent = `第 ${i + 1} 项`; });
}

function addConsultation() {
  const node = $("#consultation-template").content.firstElementChild.cloneNode(true);
  fill($("[name=party]", node), enumOf(["consultations", "party"]));
  $(".remove", node).addEventListener("click", () => node.remove());
  $("#consultations").append(node);
  labelFields(node);
}

function labelFields(root) {
  const f = state.labels.fields.decide;
  for (const s of $$("[data-label]", root)) if (f[s.dataset.label]) s.textContent = f[s.dataset.label];
}

function formRequest() {
  const f = $("#decide-form");
  const v = (n) => f.elements[n].value.trim();
  const req = {};
  if (v("id")) req.id = v("id");
  req.jurisdiction = v("jurisdiction");
  req.submission = { channel: v("channel"), submitted_on: v("submitted_on") };
  if (v("signed_on")) req.submission.signed_on = v("signed_on");
  if (v("confirmed_on")) req.submission.confirmed_on = v("confirmed_on");
  req.applicant = { kind: v("kind") };
  req.nature = v("nature");
  if (!f.elements.content_clear.checked) req.content_clear = false;
  if (f.elements.repeat_of_answered.checked) req.repeat_of_answered = true;
  if (v("extension")) req.extension = { approved_on: v("extension") };
  req.items = $$("#items .item").map((n) => {
    const it = { description: $("[name=description]", n).value.trim() };
    for (const b of ["exists", "held"]) if (!$(`[name=${b}]`, n).checked) it[b] = false;
    for (const b of ["proactively_published", "requires_creation", "special_procedure", "severable",
                     "disclosure_required_by_law"]) if ($(`[name=${b}]`, n).checked) it[b] = true;
    const cats = $$("[name=categories]:checked", n).map((c) => c.value);
    if (cats.length) it.categories = cats;
    const consent = $("[name=consent]", n).value;
    if (consent) {
      it.third_party = { consent: consent === "true" ? true : consent === "false" ? false : consent };
      if ($("[name=public_interest_override]", n).checked) it.third_party.public_interest_override = true;
    }
    return it;
  });
  const cons = $$("#consultations .consultation").map((n) => {
    const c = { party: $("[name=party]", n).value, sent_on: $("[name=sent_on]", n).value };
    for (const k of ["received_on", "replied_on"]) { const x = $(`[name=${k}]`, n).value; if (x) c[k] = x; }
    return c;
  });
  if (cons.length) req.consultations = cons;
  return req;
}

// ------------------------------------------------------------------ deciding

async function decide(body) {
  show("#decide-error", "");
  $("#decision").hidden = true;
  const r = await fetch("/v1/decide?explain=true", { method: "POST", headers: { "Content-Type": "application/json" }, body });
  if (!r.ok) { show("#decide-error", "无法判定：" + await errorText(r)); return; }
  const d = await r.json();
  await render(d);
}

async function render(d) {
  $("#d-disposition").textContent = code(d.disposition);
  $("#d-disposition").dataset.code = d.disposition;
  const badges = $("#d-badges");
  badges.replaceChildren();
  if (!d.final) badges.append(el("span", { class: "badge warn", text: "尚不能作出答复：须先办理下列事项" }));
  if (d.deadline.provisional) badges.append(el("span", { class: "badge warn", text: "期限暂定：所涉年份尚无官方放假通知" }));
  badges.append(el("span", { class: "badge", text: `适用${(state.labels.regimes || {})[d.regime] || d.regime}` }));
  const pack = state.packs.find((p) => p.id === d.jurisdiction);
  badges.append(el("span", { class: "badge", text: `规则包：${pack ? pack.title : d.jurisdiction}` }));
  const dl = d.deadline;
  $("#d-received").textContent = fmtDate(dl.received_on);
  $("#d-due").textContent = dl.due ? fmtDate(dl.due) : "—";
  $("#d-extended").textContent = dl.extended_due ? fmtDate(dl.extended_due) : "—";
  const todo = $("#d-todo");
  todo.replaceChildren();
  const acts = [...d.actions];
  if (acts.length || d.warnings.length) {
    const ul = el("ul", { class: "todo" });
    for (const a of acts) ul.append(el("li", { text: "须办理：" + code(a) }));
    for (const w of d.warnings) ul.append(el("li", { class: "warn", text: "提示：" + code(w) }));
    todo.append(ul);
  }
  const ol = $("#d-basis");
  ol.replaceChildren(...d.basis.map((c) => el("li", {}, el("strong", { text: c.label || c.regulation }),
    el("p", { text: c.text || "" }))));
  const tb = $("#d-items tbody");
  tb.replaceChildren(...d.items.map((it, i) => el("tr", {},
    el("td", { text: String(i + 1) }),
    el("td", { text: (lastRequest.items && lastRequest.items[i] && lastRequest.items[i].description) || "" }),
    el("td", { text: code(it.disposition) }),
    el("td", { text: it.basis.map((c) => c.label).join("；") }),
    el("td", { text: (it.actions || []).map(code).join("、") }))));
  $("#d-raw").textContent = JSON.stringify(d, null, 1);
  $("#decision").hidden = false;
  await drawCalendar(d);
}

let lastRequest = {};

function fmtDate(s) {
  if (!s) return "";
  const [y, m, dd] = s.split("-").map(Number);
  const wk = "日一二三四五六"[new Date(Date.UTC(y, m - 1, dd)).getUTCDay()];
  return `${y}年${m}月${dd}日（星期${wk}）`;
}

// ------------------------------------------------------------------ the month calendar

const KINDS = ["workday", "weekend", "holiday", "makeup_workday", "regional_holiday", "regional_makeup_workday",
               "consultation", "receipt_day", "before_period", "period_start"];

async function drawCalendar(d) {
  const dl = d.deadline;
  const steps = new Map((dl.explain || []).map((s) => [s.date, s]));
  const first = dl.received_on;
  const last = [dl.extended_due, dl.due, ...(dl.explain || []).map((s) => s.date)].filter(Boolean).sort().pop() || first;
  const start = first.slice(0, 8) + "01";
  const endD = new Date(last + "T00:00:00Z");
  const monthEnd = new Date(Date.UTC(endD.getUTCFullYear(), endD.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  let days = [];
  try {
    days = (await getJSON(`/v1/calendar?calendar=${encodeURIComponent(dl.calendar)}&from=${start}&to=${monthEnd}`)).days;
  } catch (e) { /* a calendar that does not cover the span: the explained days alone */ }
  const info = new Map(days.map((x) => [x.date, x]));
  // the days' bases by name (《…》第…条), not by key; a key the server cannot name stays a key
  const keys = [...new Set([...steps.values(), ...info.values()].map((x) => x.basis).filter(Boolean))];
  let cites = {};
  if (keys.length) {
    try { cites = await getJSON(`/v1/citations?keys=${encodeURIComponent(keys.slice(0, 32).join(","))}`); } catch (e) { cites = {}; }
  }
  const box = $("#calendar");
  box.replaceChildren();
  const ex = state.labels.explain;
  let y = Number(start.slice(0, 4)), m = Number(start.slice(5, 7));
  for (let guard = 0; guard < 6; guard++) {
    const mStart = `${y}-${String(m).padStart(2, "0")}-01`;
    if (mStart > monthEnd) break;
    const tbl = el("table", { class: "month" });
    tbl.append(el("caption", { text: `${y}年${m}月` }));
    const head = el("tr");
    for (const w of "一二三四五六日") head.append(el("th", { text: w }));
    tbl.append(el("thead", {}, head));
    const body = el("tbody");
    const n = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7;
    let row = el("tr");
    for (let i = 0; i < lead; i++) row.append(el("td", { class: "blank" }));
    for (let dd = 1; dd <= n; dd++) {
      const iso = `${y}-${String(m).padStart(2, "0")}-${String(dd).padStart(2, "0")}`;
      const s = steps.get(iso), c = info.get(iso);
      const reason = s ? s.reason : c ? c.reason : null;
      const cell = el("td", { "data-date": iso });
      cell.append(el("span", { class: "dnum", text: String(dd) }));
      if (reason) cell.classList.add("k-" + reason);
      if (s && s.counted && dl.due && iso > dl.due) cell.classList.add("extension");
      if (s && s.counted) { cell.classList.add("counted"); cell.append(el("span", { class: "cnt", text: `第${s.count}日` })); }
      const name = (s && s.name) || (c && c.name);
      if (name) cell.append(el("span", { class: "hname", text: name }));
      if (iso === dl.received_on) cell.append(el("span", { class: "tag", text: "收到" }));
      if (iso === dl.due) { cell.classList.add("due"); cell.append(el("span", { class: "tag due", text: "期限" })); }
      if (iso === dl.extended_due) { cell.classList.add("ext"); cell.append(el("span", { class: "tag ext", text: "延长至" })); }
      if (!s && !(iso >= first && iso <= last)) cell.classList.add("outside");
      const parts = [fmtDate(iso)];
      if (reason) parts.push(ex[reason] || reason);
      if (name) parts.push(name);
      if (s && s.counted) parts.push(`计入期限的第 ${s.count} 个工作日` + (dl.due && iso > dl.due ? "（延长期间，须经批准延长）" : ""));
      if (s && !s.counted && s.reason === "workday") parts.push("不计入期限");
      if (iso === dl.due) parts.push("答复期限的最后一日");
      if (iso === dl.extended_due) parts.push("延长后的最后一日");
      const basis = (s && s.basis) || (c && c.basis);
      if (basis) parts.push("依据：" + (cites[basis] ? cites[basis].label : basis));
      const source = (s && s.source) || (c && c.source);
      if (source) parts.push("出处：" + source);
      cell.title = parts.join("\n");
      row.append(cell);
      if (row.children.length === 7) { body.append(row); row = el("tr"); }
    }
    if (row.children.length) { while (row.children.length < 7) row.append(el("td", { class: "blank" })); body.append(row); }
    tbl.append(body);
    box.append(tbl);
    m += 1; if (m > 12) { m = 1; y += 1; }
  }
  const legend = $("#legend");
  legend.replaceChildren(...KINDS.filter((k) => box.querySelector(".k-" + k)).map((k) =>
    el("span", { class: "key k-" + k + (k === "workday" ? " counted" : ""), text: ex[k] || k })));
  legend.append(el("span", { class: "key due", text: "答复期限" }));
  if (dl.extended_due) {
    legend.append(el("span", { class: "key k-workday counted extension", text: "延长期间的工作日" }));
    legend.append(el("span", { class: "key ext", text: "如经批准延长的最后一日" }));
  }
}

// ------------------------------------------------------------------ uploads

function typeOf(file) {
  const n = file.name.toLowerCase();
  if (n.endsWith(".xlsx")) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  if (n.endsWith(".csv") || n.endsWith(".tsv")) return "text/csv";
  if (n.endsWith(".json")) return "application/json";
  return "application/x-ndjson";
}

function parseCSV(text) {
  const rows = []; let row = [], cell = "", q = false;
  text = text.replace(/^\ufeff/, "");
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"') { if (text[i + 1] === '"') { cell += '"'; i++; } else q = false; } else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") { row.push(cell); cell = ""; }
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

function tableOf(rows, hide = [], always = []) {
  const [head, ...data] = rows;
  const keep = head.map((h, i) => (hide.includes(h) || (!always.includes(h) && data.every((r) => !r[i])) ? -1 : i))
    .filter((i) => i >= 0);
  const t = el("table", { class: "data" });
  const tr = el("tr");
  for (const i of keep) tr.append(el("th", { text: head[i] }));
  t.append(el("thead", {}, tr));
  const tb = el("tbody");
  for (const r of data) {
    const row = el("tr");
    if (r[head.length - 1]) row.classList.add("bad");
    if (r.some((c) => c && c.startsWith("【错误】"))) row.classList.add("alarm");
    for (const i of keep) row.append(el("td", { text: r[i] || "" }));
    tb.append(row);
  }
  t.append(tb);
  return t;
}

async function download(url, file, name) {
  const r = await fetch(url, { method: "POST", headers: { "Content-Type": typeOf(file) }, body: file });
  if (!r.ok) throw new Error(await errorText(r));
  const blob = await r.blob();
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a); a.click(); a.remove();
}

// 公文文件（.docx .pdf .ofd .txt）去 /v1/classify/documents；登记表（JSONL、CSV、XLSX）去 /v1/batch/classify
const DOCUMENT_FILE = /\.(docx|pdf|ofd|txt)$/i;

// the facts for every uploaded file: the review findings ticked, and any other fields typed as JSON
function uploadFacts() {
  const text = $("#classify-facts").value.trim();
  let facts = {};
  if (text) {
    try { facts = JSON.parse(text); } catch (_) { facts = null; }
    if (!facts || typeof facts !== "object" || Array.isArray(facts)) {
      throw new Error("“其他事实”须为 JSON 对象，如 {\"forwards\": {\"attribute\": \"proactive\"}}");
    }
  }
  const ticked = $$("#classify-flags input:checked").map((b) => b.value);
  if (ticked.length) facts.flags = Array.from(new Set([...(Array.isArray(facts.flags) ? facts.flags : []), ...ticked]));
  return Object.keys(facts).length ? JSON.stringify(facts) : "";
}

function documentsForm(files, facts) {
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  if (facts) form.append("facts", facts);
  return form;
}

async function classify(ev) {
  ev.preventDefault();
  show("#classify-error", "");
  $("#classify-count").textContent = "";
  const files = Array.from($("#classify-file").files);
  if (!files.length) { show("#classify-error", "请先选择文件"); return; }
  const docs = files.filter((f) => DOCUMENT_FILE.test(f.name));
  if (docs.length && docs.length < files.length) {
    show("#classify-error", "公文文件（.docx .pdf .ofd .txt）与登记表（JSONL、CSV、XLSX）请分开上传"); return;
  }
  if (!docs.length && files.length > 1) { show("#classify-error", "登记表一次只能上传一份"); return; }
  $("#classify-xlsx").disabled = true;
  $("#classify-submit").disabled = true;
  $("#classify-out").replaceChildren();
  $("#classify-count").textContent = docs.length ? `正在读取 ${docs.length} 份公文……` : "正在认定……";
  try {
    let r;
    let facts = "";
    if (docs.length) {
      try { facts = uploadFacts(); } catch (e) { $("#classify-count").textContent = ""; show("#classify-error", e.message); return; }
      r = await fetch("/v1/classify/documents?format=csv", { method: "POST", body: documentsForm(docs, facts) });
    } else {
      r = await fetch("/v1/batch/classify?format=csv", { method: "POST", headers: { "Content-Type": typeOf(files[0]) }, body: files[0] });
    }
    if (!r.ok) { $("#classify-count").textContent = ""; show("#classify-error", "无法认定：" + await errorText(r)); return; }
    const rows = parseCSV(await r.text()).filter((x) => x.length > 1);
    const hide = docs.length ? ["属性代码", "依据（全称）", "文种", "规则包"] : ["属性代码", "依据（全称）"];
    const always = docs.length ? ["文件", "标题", "文号", "成文日期", "标注属性", "认定属性", "公开期限", "审查流程", "提示"] : [];
    $("#classify-out").replaceChildren(tableOf(rows, hide, always));
    state.lastClassify = docs.length ? { docs, facts } : { file: files[0] };
    const bad = rows.slice(1).filter((x) => x[x.length - 1]).length;
    const flagged = docs.length ? rows.slice(1).filter((x) => x[rows[0].indexOf("提示")]).length : 0;
    $("#classify-count").textContent = `共 ${rows.length - 1} 份` + (flagged ? `，有提示的 ${flagged} 份` : "") +
      (bad ? `，读不了的 ${bad} 份（见“错误”列）` : "");
    $("#classify-xlsx").disabled = false;
  } finally {
    $("#classify-submit").disabled = false;
  }
}

async function classifyXlsx() {
  const last = state.lastClassify;
  if (last.docs) {
    const r = await fetch("/v1/classify/documents?format=xlsx", { method: "POST", body: documentsForm(last.docs, last.facts) });
    if (!r.ok) throw new Error(await errorText(r));
    const a = el("a", { href: URL.createObjectURL(await r.blob()), download: "公文公开属性.xlsx" });
    document.body.append(a); a.click(); a.remove();
    return;
  }
  await download("/v1/batch/classify?format=xlsx", last.file, "公文公开属性.xlsx");
}

// the docket's sections as tables, in the order a clerk works them
const DOCKET_SECTIONS = [["overdue", "逾期未答复"], ["due_soon", "即将到期"], ["waiting_applicant", "等待申请人（补正、缴费）"],
                         ["waiting_consulted", "等待被征求意见方"], ["not_yet_received", "清单之日后才收到"]];

function drawDocket(d) {
  const out = $("#docket-out");
  out.replaceChildren();
  const status = new Map(d.by_status.map((s) => [s.code, s.label]));
  const steps = (state.labels.case && state.labels.case.next) || {};
  for (const [key, title] of DOCKET_SECTIONS) {
    const rows = d[key] || [];
    out.append(el("h3", { text: `${title}（${rows.length} 件）` }));
    if (!rows.length) { out.append(el("p", { class: "muted", text: "无" })); continue; }
    const tbl = el("table", { class: "data", "data-section": key });
    const head = el("tr");
    for (const h of ["行", "编号", "申请人", "状态", "收到申请之日", "应当答复之日", key === "overdue" ? "逾期工作日" : "剩余工作日",
                     "等待至", "下一步"]) head.append(el("th", { text: h }));
    tbl.append(el("thead", {}, head));
    const body = el("tbody");
    for (const c of rows) {
      const tr = el("tr");
      const left = key === "overdue" ? c.days_overdue : c.working_days_left;
      const next = (c.next || []).map((n) => `${steps[n.action] || code(n.action)}${n.by ? "：" + fmtDate(n.by) : ""}`).join("；");
      for (const v of [c.line, c.id || "", c.applicant || "", status.get(c.status) || code(c.status),
                       c.received_on ? fmtDate(c.received_on) : "", c.applies ? fmtDate(c.applies) : "—",
                       left == null ? "—" : String(left), c.waiting_until ? fmtDate(c.waiting_until) : "—", next]) {
        tr.append(el("td", { text: String(v) }));
      }
      body.append(tr);
    }
    tbl.append(body);
    out.append(tbl);
  }
  if (d.errors.length) {
    out.append(el("h3", { text: `无效的行（${d.errors.length} 行）` }));
    const ul = el("ul", { class: "error" });
    for (const e of d.errors) ul.append(el("li", { text: `第 ${e.line} 行${e.field ? "（" + e.field + "）" : ""}：${e.message}` }));
    out.append(ul);
  }
}

async function docket(ev) {
  ev.preventDefault();
  show("#docket-error", "");
  const file = $("#docket-file").files[0];
  const asOf = $("#docket-asof").value;
  if (!file || !asOf) { show("#docket-error", "请选择案件文件并填写清单之日"); return; }
  const q = `as_of=${asOf}&within=${encodeURIComponent($("#docket-within").value || "5")}`;
  const rj = await fetch(`/v1/docket?${q}`, { method: "POST", headers: { "Content-Type": typeOf(file) }, body: file });
  if (!rj.ok) { show("#docket-error", "无法生成清单：" + await errorText(rj)); return; }
  const d = await rj.json();
  const chips = $("#docket-counts");
  chips.replaceChildren(el("span", { class: "chip", text: `案件 ${d.lines} 件` }),
    el("span", { class: "chip" + (d.overdue.length ? " alarm" : ""), text: `逾期 ${d.overdue.length} 件` }),
    el("span", { class: "chip" + (d.due_soon.length ? " warn" : ""), text: `即将到期 ${d.due_soon.length} 件` }),
    ...d.by_status.filter((s) => s.count).map((s) => el("span", { class: "chip", text: `${s.label} ${s.count} 件` })),
    ...(d.errors.length ? [el("span", { class: "chip alarm", text: `无效的行 ${d.errors.length} 行` })] : []));
  drawDocket(d);
  state.lastDocket = { file, q };
  $("#docket-xlsx").disabled = false;
}

// ------------------------------------------------------------------ start

async function start() {
  const [labels, schema, packs, version, classifySchema] = await Promise.all([getJSON("/v1/labels"),
    getJSON("/v1/schema/decide/input"), getJSON("/v1/packs"), getJSON("/v1/version"), getJSON("/v1/schema/classify/input")]);
  Object.assign(state, { labels, schema, packs });
  labelFields(document);
  fill($("#f-jurisdiction"), packs.map((p) => p.id));
  for (const o of $$("#f-jurisdiction option")) {
    const p = packs.find((x) => x.id === o.value);
    o.textContent = p.title;
  }
  fill($("#f-channel"), enumOf(["submission", "channel"]));
  fill($("#f-kind"), enumOf(["applicant", "kind"]));
  fill($("#f-nature"), enumOf(["nature"]));
  addItem();
  $("#add-item").addEventListener("click", () => addItem());
  $("#add-consultation").addEventListener("click", addConsultation);
  $("#decide-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    lastRequest = formRequest();
    $("#json-input").value = JSON.stringify(lastRequest, null, 1);
    decide(JSON.stringify(lastRequest)).catch((e) => show("#decide-error", String(e)));
  });
  $("#decide-json").addEventListener("click", () => {
    const text = $("#json-input").value;
    try { lastRequest = JSON.parse(text); } catch (_) { lastRequest = {}; }
    decide(text).catch((e) => show("#decide-error", String(e)));
  });
  $("#classify-form").addEventListener("submit", (ev) => classify(ev).catch((e) => show("#classify-error", String(e))));
  const flags = (classifySchema.properties.flags.items || {}).enum || [];
  $("#classify-flags").replaceChildren(...flags.map((f) => el("label", { class: "check" },
    el("input", { type: "checkbox", value: f, name: "flag" }), " " + code(f))));
  $("#classify-file").addEventListener("change", () => {
    const names = Array.from($("#classify-file").files).map((f) => f.name);
    $("#classify-chosen").textContent = names.length ? `已选 ${names.length} 份：${names.join("、")}` : "未选择文件（可按住 Ctrl 多选）";
    $("#classify-chosen").title = names.join("\n");
  });
  $("#classify-xlsx").addEventListener("click", () => classifyXlsx().catch((e) => show("#classify-error", String(e))));
  $("#docket-form").addEventListener("submit", (ev) => docket(ev).catch((e) => show("#docket-error", String(e))));
  $("#docket-xlsx").addEventListener("click", () => download(`/v1/docket?${state.lastDocket.q}&format=xlsx`,
    state.lastDocket.file, "案件清单.xlsx").catch((e) => show("#docket-error", String(e))));
  for (const b of $$("nav .tab")) b.addEventListener("click", () => {
    for (const x of $$("nav .tab")) x.classList.toggle("active", x === b);
    for (const p of $$(".panel")) p.hidden = p.id !== "tab-" + b.dataset.tab;
  });
  $("#footer").textContent = `zwgk-rules ${version.version} · 规则版本 ${version.rules_hash.slice(7, 19)} · 本页显示的日期与依据均来自规则文件`;
  document.body.dataset.ready = "1";
}

start().catch((e) => { document.body.dataset.ready = "error"; show("#decide-error", "页面无法载入：" + e); });
