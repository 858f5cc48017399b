// The deputy's ballot page: code -> ballot -> choose -> review -> submit -> receipt.
// Approve-only ballots (Gongshu 2020 style). All text comes from the catalogs (i18n.js).

import { apply, language, load, t } from "./i18n.js";

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000];

const state = {
  code: "",
  ballot: null,
  selected: new Set(),
  idempotencyKey: null,
  submitting: false,
  receipt: null,
};

const $ = (id) => document.getElementById(id);

function show(step) {
  for (const id of ["step-code", "step-choose", "step-review", "step-receipt"]) {
    $(id).hidden = id !== step;
  }
}

function headers() {
  return { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": language() };
}

async function postJson(path, body) {
  const response = await fetch(path, { method: "POST", headers: headers(), body: JSON.stringify(body) });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, ok: response.ok, data };
}

function serverMessage(answer) {
  return (answer.data && answer.data.message) || t("network.error");
}

function titleOf(item, field) {
  const english = item[`${field}_en`];
  return language() === "en" && english ? english : item[`${field}_zh`];
}

function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// --- step 1: the code -------------------------------------------------------------------------

async function openBallot(event) {
  event.preventDefault();
  const code = $("code").value.trim().toUpperCase();
  $("code-error").textContent = "";
  if (!code) {
    $("code-error").textContent = t("code.label");
    $("code").focus();
    return;
  }
  $("code-status").textContent = t("code.loading");
  $("open-ballot").disabled = true;
  let answer;
  try {
    answer = await postJson("/api/v1/ballot", { code });
  } catch {
    answer = { ok: false, status: 0, data: null };
  }
  $("open-ballot").disabled = false;
  $("code-status").textContent = "";
  if (!answer.ok) {
    $("code-error").textContent = serverMessage(answer);
    $("code").setAttribute("aria-invalid", "true");
    $("code").focus();
    return;
  }
  $("code").removeAttribute("aria-invalid");
  // A fresh ballot: fresh choices and one idempotency key for every attempt to cast it.
  state.code = code;
  state.ballot = answer.data;
  state.selected = new Set();
  state.idempotencyKey = newKey();
  renderBallot();
  show("step-choose");
  $("vote-title").setAttribute("tabindex", "-1");
  $("vote-title").focus();
}

// --- step 2: choosing -------------------------------------------------------------------------

function renderBallot() {
  const ballot = state.ballot;
  if (!ballot) return;
  $("training").hidden = !ballot.training;
  $("vote-title").textContent = titleOf(ballot, "title");
  $("round-info").textContent = t("ballot.round", { round: ballot.round_number, seats: ballot.seats });
  $("instructions").textContent = t("ballot.instructions", { seats: ballot.seats });
  const supported = ballot.ballot_style === "approve_only";
  $("unsupported").hidden = supported;
  $("to-review").hidden = !supported;
  const list = $("projects");
  list.replaceChildren();
  if (!supported) return;
  for (const project of ballot.projects) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "project";
    button.dataset.number = String(project.number);
    const number = document.createElement("span");
    number.className = "number";
    number.textContent = String(project.number);
    const body = document.createElement("span");
    body.className = "body";
    const title = document.createElement("span");
    title.className = "title";
    title.textContent = titleOf(project, "title");
    const detail = document.createElement("span");
    detail.className = "detail";
    detail.textContent = titleOf(project, "detail") || "";
    const mark = document.createElement("span");
    mark.className = "mark";
    body.append(title, detail);
    button.append(number, body, mark);
    button.addEventListener("click", () => toggle(project.number));
    item.append(button);
    list.append(item);
  }
  renderChoices();
}

function renderChoices() {
  const seats = state.ballot.seats;
  for (const button of $("projects").querySelectorAll("button.project")) {
    const chosen = state.selected.has(Number(button.dataset.number));
    button.setAttribute("aria-pressed", chosen ? "true" : "false");
    button.querySelector(".mark").textContent = chosen ? t("ballot.selected") : t("ballot.not_selected");
  }
  $("counter").textContent = t("ballot.counter", { count: state.selected.size, seats });
  $("counter").classList.toggle("full", state.selected.size >= seats);
}

function toggle(number) {
  if (state.submitting) return;
  const limit = $("limit");
  if (state.selected.has(number)) {
    state.selected.delete(number);
    limit.textContent = "";
  } else if (state.selected.size >= state.ballot.seats) {
    limit.textContent = t("ballot.limit", { seats: state.ballot.seats });
    return;
  } else {
    state.selected.add(number);
    limit.textContent = "";
  }
  renderChoices();
}

// --- step 3: review and submit ----------------------------------------------------------------

function renderReview() {
  const chosen = state.ballot.projects.filter((p) => state.selected.has(p.number));
  $("review-count").textContent = chosen.length
    ? t("review.count", { count: chosen.length, seats: state.ballot.seats })
    : t("review.none");
  const list = $("review-list");
  list.replaceChildren();
  for (const project of chosen) {
    const item = document.createElement("li");
    item.textContent = `${project.number}. ${titleOf(project, "title")}`;
    list.append(item);
  }
}

function toReview() {
  $("limit").textContent = "";
  $("submit-error").textContent = "";
  $("submit-status").textContent = "";
  renderReview();
  show("step-review");
  $("review-heading").focus();
}

function back() {
  if (state.submitting) return;
  show("step-choose");
  $("vote-title").focus();
}

const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

async function submit() {
  if (state.submitting) return;
  state.submitting = true;
  $("submit").disabled = true;
  $("back").disabled = true;
  $("submit-error").textContent = "";
  $("submit-status").textContent = t("submit.sending");
  const body = {
    code: state.code,
    approvals: [...state.selected].sort((a, b) => a - b),
    idempotency_key: state.idempotencyKey,
  };
  try {
    for (let attempt = 0; ; attempt += 1) {
      let answer = null;
      try {
        answer = await postJson("/api/v1/ballots", body);
      } catch {
        answer = null; // the connection dropped: the server may or may not have the ballot
      }
      if (answer && answer.ok) {
        showReceipt(answer.data);
        return;
      }
      if (answer && answer.status < 500 && answer.status !== 429) {
        $("submit-status").textContent = "";
        $("submit-error").textContent = serverMessage(answer);
        return;
      }
      if (attempt >= RETRY_DELAYS_MS.length) {
        $("submit-status").textContent = "";
        $("submit-error").textContent = t("submit.gave_up");
        return;
      }
      // Same key on every retry: the server answers a replay with the receipt it already gave.
      $("submit-status").textContent = t("submit.retrying", { attempt: attempt + 2 });
      await sleep(RETRY_DELAYS_MS[attempt]);
    }
  } finally {
    state.submitting = false;
    $("submit").disabled = false;
    $("back").disabled = false;
  }
}

// --- step 4: the receipt ----------------------------------------------------------------------

function showReceipt(data) {
  state.receipt = data;
  $("receipt").textContent = data.receipt;
  $("receipt-counted").textContent = t("receipt.counted", { round: data.round_number });
  show("step-receipt");
  $("receipt-heading").focus();
}

async function copyReceipt() {
  try {
    await navigator.clipboard.writeText(state.receipt.receipt);
    $("copy-status").textContent = t("receipt.copied");
  } catch {
    $("copy-status").textContent = t("receipt.copy_failed");
  }
}

// --- language ---------------------------------------------------------------------------------

function renderAll() {
  apply();
  if (state.ballot) {
    // Re-words the page; the deputy's unsent choices stay exactly as they are.
    renderBallot();
    if (!$("step-review").hidden) renderReview();
  }
  if (state.receipt) {
    $("receipt-counted").textContent = t("receipt.counted", { round: state.receipt.round_number });
  }
}

async function switchLanguage() {
  await load(language() === "zh" ? "en" : "zh");
  renderAll();
  $("lang-switch").focus();
}

async function start() {
  await load(undefined, ["ballot"]);
  apply();
  const code = new URLSearchParams(window.location.search).get("code");
  if (code) $("code").value = code.trim().toUpperCase();
  $("code-form").addEventListener("submit", openBallot);
  $("to-review").addEventListener("click", toReview);
  $("back").addEventListener("click", back);
  $("submit").addEventListener("click", submit);
  $("copy").addEventListener("click", copyReceipt);
  $("lang-switch").addEventListener("click", switchLanguage);
  document.body.dataset.ready = "true";
}

start();
