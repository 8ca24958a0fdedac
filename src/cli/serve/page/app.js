// The packer's page of `shiplabel serve`. No framework, no build step: plain DOM, fetch and EventSource.
"use strict";

const TEXTS = {
  ru: {
    scan_here: "Сканируйте штрихкод отправления или товара",
    ready_to_scan: "Готово к сканированию",
    printer_ready: "Принтер готов",
    printer_paper_out: "Принтер: нет бумаги",
    printer_head_open: "Принтер: открыта крышка",
    printer_offline: "Принтер не подключён",
    printer_error: "Принтер: ошибка",
    printer_unknown: "Принтер: нет ответа",
    sound_on: "Звук: вкл.", sound_off: "Звук: выкл.",
    working: "Печатаю…",
    printed: "Этикетка напечатана",
    printed_packed: "Упаковано, этикетка напечатана",
    printed_before: "Уже напечатано — повторно не печатаю",
    printed_before_hint: "Нужна ещё одна этикетка? Нажмите «Напечатать ещё раз».",
    unknown_code: "Код не найден",
    ambiguous: "Код подходит к нескольким отправлениям — сканируйте номер отправления",
    not_packed: "Нельзя упаковать это отправление",
    no_label: "Этикетку сейчас нельзя напечатать",
    printer: "Принтер не напечатал",
    uncertain: "Печать прервалась — проверьте принтер",
    store: "Ошибка базы данных",
    network: "Нет связи с программой shiplabel",
    did_it_come_out: "Этикетка вышла из принтера?",
    yes_came_out: "Да, вышла", no_print_again: "Нет — напечатать ещё раз",
    in_the_box: "Что положить в коробку",
    col_name: "Товар", col_offer: "Артикул", col_qty: "Кол-во", col_marking: "Маркировка",
    marking_needed: "нужен код маркировки ×{n}", marking_have: "есть {n}", marking_none: "—",
    package: "Коробка {n}",
    labels: "Этикетки",
    print_again: "Напечатать ещё раз",
    printed_again: "Этикетка напечатана ещё раз",
    state_sent: "напечатана", state_queued: "в очереди", state_failed: "не напечатана",
    state_uncertain: "неизвестно, вышла ли", state_sending: "печатается", state_claimed: "готовится",
    state_none: "ещё не печаталась",
    order: "Заказ {n}", ship_by: "отгрузить до {d}",
    st_awaiting_registration: "ожидает регистрации", st_acceptance_in_progress: "идёт приёмка",
    st_awaiting_approve: "ожидает подтверждения", st_awaiting_packaging: "ожидает упаковки",
    st_awaiting_deliver: "ожидает отгрузки", st_awaiting_verification: "создано", st_arbitration: "арбитраж",
    st_client_arbitration: "клиентский арбитраж", st_delivering: "доставляется", st_driver_pickup: "у водителя",
    st_delivered: "доставлено", st_cancelled: "отменено", st_cancelled_from_split_pending: "отменено (разделено)",
    st_not_accepted: "не принято", st_sent_by_seller: "отправлено продавцом",
  },
  en: {
    scan_here: "Scan a posting or product barcode",
    ready_to_scan: "Ready to scan",
    printer_ready: "Printer ready",
    printer_paper_out: "Printer: paper out",
    printer_head_open: "Printer: head open",
    printer_offline: "Printer offline",
    printer_error: "Printer: error",
    printer_unknown: "Printer: no status reply",
    sound_on: "Sound: on", sound_off: "Sound: off",
    working: "Printing…",
    printed: "Label printed",
    printed_packed: "Packed, label printed",
    printed_before: "Already printed — not printing again",
    printed_before_hint: "Need another label? Press “Print again”.",
    unknown_code: "Unknown code",
    ambiguous: "This code matches several postings — scan the posting number",
    not_packed: "This posting cannot be packed",
    no_label: "No label can be printed now",
    printer: "The printer did not print",
    uncertain: "Printing was interrupted — check the printer",
    store: "Database error",
    network: "No connection to shiplabel",
    did_it_come_out: "Did the label come out?",
    yes_came_out: "Yes, it came out", no_print_again: "No — print it again",
    in_the_box: "What goes into the box",
    col_name: "Product", col_offer: "Offer ID", col_qty: "Qty", col_marking: "Marking",
    marking_needed: "marking code needed ×{n}", marking_have: "{n} recorded", marking_none: "—",
    package: "Box {n}",
    labels: "Labels",
    print_again: "Print again",
    printed_again: "Label printed again",
    state_sent: "printed", state_queued: "queued", state_failed: "not printed",
    state_uncertain: "may or may not have come out", state_sending: "printing", state_claimed: "preparing",
    state_none: "not printed yet",
    order: "Order {n}", ship_by: "ship by {d}",
    st_awaiting_registration: "awaiting registration", st_acceptance_in_progress: "acceptance in progress",
    st_awaiting_approve: "awaiting approval", st_awaiting_packaging: "awaiting packaging",
    st_awaiting_deliver: "awaiting shipment", st_awaiting_verification: "created", st_arbitration: "arbitration",
    st_client_arbitration: "customer arbitration", st_delivering: "in delivery", st_driver_pickup: "with the driver",
    st_delivered: "delivered", st_cancelled: "cancelled", st_cancelled_from_split_pending: "cancelled (split)",
    st_not_accepted: "not accepted", st_sent_by_seller: "sent by the seller",
  },
  zh: {
    scan_here: "请扫描货件或商品条码",
    ready_to_scan: "可以扫描",
    printer_ready: "打印机就绪",
    printer_paper_out: "打印机：缺纸",
    printer_head_open: "打印机：打印头打开",
    printer_offline: "打印机离线",
    printer_error: "打印机：错误",
    printer_unknown: "打印机：无状态回复",
    sound_on: "声音：开", sound_off: "声音：关",
    working: "正在打印…",
    printed: "标签已打印",
    printed_packed: "已打包，标签已打印",
    printed_before: "已经打印过 — 不再重复打印",
    printed_before_hint: "需要再打一张？请按“再打印一次”。",
    unknown_code: "未找到此条码",
    ambiguous: "此条码对应多个货件 — 请扫描货件号",
    not_packed: "此货件无法打包",
    no_label: "现在无法打印标签",
    printer: "打印机未打印",
    uncertain: "打印中断 — 请检查打印机",
    store: "数据库错误",
    network: "无法连接 shiplabel",
    did_it_come_out: "标签打印出来了吗？",
    yes_came_out: "是，已打印", no_print_again: "否 — 再打印一次",
    in_the_box: "装箱内容",
    col_name: "商品", col_offer: "货号", col_qty: "数量", col_marking: "标识码",
    marking_needed: "需要标识码 ×{n}", marking_have: "已有 {n}", marking_none: "—",
    package: "箱 {n}",
    labels: "标签",
    print_again: "再打印一次",
    printed_again: "标签已再次打印",
    state_sent: "已打印", state_queued: "排队中", state_failed: "未打印",
    state_uncertain: "不确定是否打印", state_sending: "打印中", state_claimed: "准备中",
    state_none: "尚未打印",
    order: "订单 {n}", ship_by: "发货截止 {d}",
    st_awaiting_registration: "等待登记", st_acceptance_in_progress: "验收中",
    st_awaiting_approve: "等待确认", st_awaiting_packaging: "等待打包",
    st_awaiting_deliver: "等待发货", st_awaiting_verification: "已创建", st_arbitration: "仲裁",
    st_client_arbitration: "客户仲裁", st_delivering: "配送中", st_driver_pickup: "司机已取件",
    st_delivered: "已送达", st_cancelled: "已取消", st_cancelled_from_split_pending: "已取消（已拆分）",
    st_not_accepted: "未被接收", st_sent_by_seller: "卖家已发出",
  },
};

const $ = (id) => document.getElementById(id);
const csrf = document.querySelector('meta[name="csrf-token"]').content;
let lang = pickLanguage();
let sound = localStorage.getItem("shiplabel.sound") !== "off";
let current = null;        // the posting number on the card
let lastMessage = null;    // what the message box shows, to redraw it in another language
let printerState = { state: "unknown", message: "" };
let question = null;       // the uncertain job asked about

function pickLanguage() {
  const asked = new URLSearchParams(location.search).get("lang") || localStorage.getItem("shiplabel.lang");
  if (asked && TEXTS[asked]) return asked;
  for (const l of navigator.languages || [navigator.language || ""]) {
    const base = String(l).toLowerCase().split("-")[0];
    if (TEXTS[base]) return base;
  }
  return "ru";
}

function t(key, vars) {
  let text = (TEXTS[lang] && TEXTS[lang][key]) || TEXTS.en[key] || key;
  for (const [k, v] of Object.entries(vars || {})) text = text.replace("{" + k + "}", v);
  return text;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const b of document.querySelectorAll("#langs button")) b.classList.toggle("on", b.dataset.lang === lang);
  $("sound").textContent = t(sound ? "sound_on" : "sound_off");
  showPrinter(printerState);
  if (lastMessage) showMessage(lastMessage.kind, lastMessage.key, lastMessage.detail, true);
  if (current) loadCard(current);
}

// The scan field keeps the focus: a keyboard-wedge scanner types into whatever has it.
function keepFocus() {
  const scan = $("scan");
  if (document.activeElement !== scan) scan.focus({ preventScroll: true });
}

function beep(ok) {
  if (!sound) return;
  try {
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "square";
    osc.frequency.value = ok ? 880 : 220;
    gain.gain.value = 0.08;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + (ok ? 0.08 : 0.45));
    osc.onended = () => ctx.close();
  } catch (e) { /* no audio device: the message is enough */ }
}

function showMessage(kind, key, detail, redraw) {
  lastMessage = { kind, key, detail };
  const box = $("message");
  box.className = "message " + kind;
  $("message-text").textContent = t(key);
  $("message-detail").textContent = detail || "";
  box.dataset.key = key;
  if (!redraw && kind === "error") beep(false);
}

function showPrinter(p) {
  printerState = p;
  const el = $("printer");
  const state = TEXTS.en["printer_" + p.state] ? p.state : "unknown";
  el.className = "printer " + state;
  el.dataset.state = state;
  $("printer-text").textContent = t("printer_" + state);
  el.title = p.message || "";
}

async function api(method, path, body) {
  const init = { method, headers: { "X-CSRF-Token": csrf } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  return { status: response.status, data };
}

let shownScan = 0;         // the last scan shown (the scanning page hears of its own scan twice)

function scanResult(r) {
  if (r.seq) {
    if (r.seq <= shownScan) return;
    shownScan = r.seq;
  }
  if (r.ok && r.printed_before) {
    showMessage("info", "printed_before", t("printed_before_hint"));
  } else if (r.ok) {
    showMessage("ok", r.packed ? "printed_packed" : "printed", r.posting || "");
    beep(true);
  } else {
    showMessage("error", r.problem || "store", r.message || "");
  }
  if (r.card) showCard(r.card);
  else if (r.posting) loadCard(r.posting);
}

async function scan(code) {
  if (!code) return;
  showMessage("info", "working", code);
  try {
    const { status, data } = await api("POST", "/api/v1/scan", { code });
    if (data && data.type === "scan") scanResult(data);
    else showMessage("error", "store", (data && data.error && data.error.message) || "HTTP " + status);
  } catch (e) {
    showMessage("error", "network", String(e));
  }
}

async function loadCard(number) {
  try {
    const { status, data } = await api("GET", "/api/v1/postings/" + encodeURIComponent(number));
    if (status === 200 && data) showCard(data);
  } catch (e) { /* the next event or scan redraws it */ }
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
}

function itemRows(tbody, items) {
  for (const item of items) {
    const tr = document.createElement("tr");
    cell(tr, item.name);
    cell(tr, item.offer_id);
    cell(tr, "×" + item.quantity, "qty");
    if (item.marking_required) cell(tr, t("marking_needed", { n: item.quantity }), "mark-need");
    else if (item.marking_codes > 0) cell(tr, t("marking_have", { n: item.marking_codes }));
    else cell(tr, t("marking_none"));
    tbody.appendChild(tr);
  }
}

function showCard(card) {
  current = card.posting_number;
  $("card").hidden = false;
  $("card").dataset.posting = card.posting_number;
  $("card-number").textContent = card.posting_number;
  // The status in the packer's language; a status this page does not know yet shows as the API names it.
  $("card-status").textContent = TEXTS[lang]["st_" + card.status] || card.status;
  $("card-status").title = card.status;
  let order = t("order", { n: card.order_number });
  if (card.shipment_date) order += " · " + t("ship_by", { d: new Date(card.shipment_date).toLocaleString(lang) });
  $("card-order").textContent = order;
  const tbody = document.querySelector("#items tbody");
  tbody.textContent = "";
  itemRows(tbody, card.items);
  const packages = $("packages");
  packages.textContent = "";
  for (const p of card.packages || []) {
    const div = document.createElement("div");
    div.className = "package";
    const h = document.createElement("h2");
    h.textContent = t("package", { n: p.number });
    const table = document.createElement("table");
    const body = document.createElement("tbody");
    itemRows(body, p.items);
    table.appendChild(body);
    div.append(h, table);
    packages.appendChild(div);
  }
  const labels = $("labels");
  labels.textContent = "";
  let uncertain = null;
  for (const l of card.labels || []) {
    const li = document.createElement("li");
    const state = l.uncertain_job ? "uncertain" : (l.sent ? "sent" : (l.state || "none"));
    li.className = state;
    li.dataset.state = state;
    li.textContent = l.name + " — " + t("state_" + state);
    labels.appendChild(li);
    if (l.uncertain_job && !uncertain) uncertain = l;
  }
  $("print-again").hidden = !card.printed;
  const preview = $("card-preview");
  preview.textContent = "";
  for (let i = 1; i <= (card.previews || 0); i++) {
    const img = document.createElement("img");
    img.alt = card.posting_number;
    img.src = "/api/v1/postings/" + encodeURIComponent(card.posting_number) + "/preview/" + i + "?v=" + Date.now();
    preview.appendChild(img);
  }
  askAbout(uncertain);
}

function askAbout(label) {
  question = label ? label.uncertain_job : null;
  $("question").hidden = !label;
  if (label) {
    $("question-label").textContent = label.name;
    if (sound) beep(false);
  }
}

async function answer(cameOut) {
  if (!question) return;
  const id = question;
  question = null;
  $("question").hidden = true;
  const { status, data } = await api("POST", "/api/v1/jobs/" + id + "/answer", { came_out: cameOut });
  if (status !== 200) showMessage("error", (data && data.error && data.error.code) || "printer", (data && data.error && data.error.message) || "");
  else if (!cameOut) showMessage("ok", "printed_again", current || "");
  if (current) loadCard(current);
}

async function printAgain() {
  if (!current) return;
  showMessage("info", "working", current);
  const { status, data } = await api("POST", "/api/v1/postings/" + encodeURIComponent(current) + "/reprint", {});
  if (status === 200) showMessage("ok", "printed_again", current);
  else showMessage("error", (data && data.error && data.error.code) || "printer", (data && data.error && data.error.message) || (data && data.failed && data.failed.map((f) => f.reason).join("; ")) || "");
  loadCard(current);
}

function listen() {
  const events = new EventSource("/api/v1/events");
  events.onmessage = (e) => {
    let event;
    try { event = JSON.parse(e.data); } catch (err) { return; }
    if (event.type === "printer") showPrinter(event);
    else if (event.type === "scan") {
      // Another screen's scan (or this one's): every screen shows the station's latest posting.
      scanResult(event);
    } else if (event.type === "posting" && event.posting === current) loadCard(current);
    else if (event.type === "resync" && current) loadCard(current);
  };
}

document.addEventListener("DOMContentLoaded", () => {
  const field = $("scan");
  // On a touch screen the always-focused field would keep the on-screen keyboard up: the scanner (a
  // Bluetooth or USB keyboard) types without it.
  if (window.matchMedia && window.matchMedia("(pointer: coarse)").matches) field.inputMode = "none";
  field.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const code = field.value.trim();
      field.value = "";
      scan(code);
    }
  });
  field.addEventListener("blur", () => setTimeout(keepFocus, 0));
  document.addEventListener("click", () => setTimeout(keepFocus, 0));
  document.addEventListener("keydown", (e) => {
    if (document.activeElement !== field && e.key.length === 1 && !e.ctrlKey && !e.metaKey) {
      field.focus();
    }
  });
  $("answer-yes").addEventListener("click", () => answer(true));
  $("answer-no").addEventListener("click", () => answer(false));
  $("print-again").addEventListener("click", printAgain);
  $("sound").addEventListener("click", () => {
    sound = !sound;
    localStorage.setItem("shiplabel.sound", sound ? "on" : "off");
    applyLanguage();
  });
  for (const b of document.querySelectorAll("#langs button")) {
    b.addEventListener("click", () => {
      lang = b.dataset.lang;
      localStorage.setItem("shiplabel.lang", lang);
      applyLanguage();
    });
  }
  applyLanguage();
  showMessage("idle", "ready_to_scan", "");
  listen();
  keepFocus();
  setInterval(keepFocus, 1000);
});
