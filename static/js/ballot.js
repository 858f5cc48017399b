// @ts-check
// The deputy's ballot page: code -> ballot -> choose -> review -> submit -> receipt.
// Two ballot styles: approve-only (tap to approve, Gongshu 2020) and approve / oppose / abstain (a radio
// group per project; a project left unmarked is 未表态). The seats limit applies to approvals.
// An unsent ballot is kept across a reload (ballot-draft.js): a reload after a dropped answer resubmits
// with the same key, so the same receipt, never a second ballot. All text comes from the catalogs (i18n.js).

import { inBody } from "./base.js";
import { clearDraft, forgetCodeInAddress, newKey, readDraft, saveDraft as storeDraft } from "./ballot-draft.js";
import { castBody, marksFromDraft, numbersMarked, oneTooMany } from "./ballot-marks.js";
import { approveButton, clearRefusal, markGroup, refuse, renderReview } from "./ballot-projects.js";
import { typedCode } from "./codes.js";
import { apply, languageSwitch, load, roundName, t, titleOf } from "./i18n.js";
import { $, failureMessage, fetchJson } from "./page.js";

const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000];

/** @import {Marks} from "./ballot-marks.js" */
/** @import {BallotPaper, ProjectOnBallot, Receipt} from "./types.js" */

// The page's state: the ballot and the receipt are the API's answers (POST /api/v1/ballot, POST /api/v1/ballots).
/**
 * @typedef {{code: string, ballot: BallotPaper | null, marks: Marks, idempotencyKey: string | null, sent: boolean,
 *   submitting: boolean, receipt: Receipt | null}} BallotPage
 */
/** @type {BallotPage} */
const state = {
  code: "",
  ballot: null,
  marks: new Map(), // project number -> "approve" | "oppose" | "abstain"; unmarked projects are absent
  idempotencyKey: null,
  sent: false, // the deputy confirmed: the ballot may be on the server already
  submitting: false,
  receipt: null,
};
const saveDraft = () => storeDraft(state);

/** @param {string} step */
function show(step) {
  for (const id of ["step-code", "step-choose", "step-review", "step-receipt"]) {
    $(id).hidden = id !== step;
  }
}

/** @type {(path: string, body: object) => ReturnType<typeof fetchJson>} */
const postJson = (path, body) => fetchJson(path, { method: "POST", body });

// The ballot open, where only an open ballot's controls call (choosing, reviewing, sending).
const theBallot = () => /** @type {BallotPaper} */ (state.ballot);

const aoa = () => Boolean(state.ballot && state.ballot.ballot_style === "approve_oppose_abstain");

const approvals = () => numbersMarked(state.marks, "approve").length;

// --- step 1: the code -------------------------------------------------------------------------

const codeField = () => /** @type {HTMLInputElement} */ ($("code"));
const buttonOf = (/** @type {string} */ id) => /** @type {HTMLButtonElement} */ ($(id));

/** @param {Event | null} event */
async function openBallot(event) {
  if (event) event.preventDefault();
  const code = typedCode(codeField().value);
  $("code-error").textContent = "";
  if (!code) {
    $("code-error").textContent = t("code.label");
    $("code").focus();
    return false;
  }
  $("code-status").textContent = t("code.loading");
  buttonOf("open-ballot").disabled = true;
  let answer;
  try {
    answer = await postJson(inBody("/api/v1/ballot"), { code });
  } catch {
    answer = { ok: false, status: 0, data: null };
  }
  buttonOf("open-ballot").disabled = false;
  $("code-status").textContent = "";
  if (!answer.ok) {
    $("code-error").textContent = failureMessage(answer.data);
    $("code").setAttribute("aria-invalid", "true");
    $("code").focus();
    return false;
  }
  $("code").removeAttribute("aria-invalid");
  const draft = readDraft();
  const mine = draft && draft.code === code && draft.vote === answer.data.vote_id && draft.round === answer.data.round_number;
  // A code that has voted in this round (or whose holder was given paper) is told so now, not after a
  // whole ballot is filled in; unless this page holds that ballot, confirmed and sent (a reload after a
  // dropped answer), which it sends again below for its receipt.
  if (answer.data.participation && !(mine && draft.sent && answer.data.participation === "electronic")) {
    const key = answer.data.participation === "paper" ? "code.paper_issued" : "code.already_voted";
    $("code-error").textContent = t(key, { round: roundName(answer.data.round_number, answer.data.kind) });
    $("code").focus();
    return false;
  }
  state.code = code;
  state.ballot = answer.data;
  state.receipt = null;
  // The same ballot as before a reload: its choices and its key. Otherwise a fresh ballot, with one
  // idempotency key for every attempt to cast it.
  /** @type {Set<number>} */
  const onBallot = new Set(answer.data.projects.map((/** @type {ProjectOnBallot} */ p) => p.number));
  if (mine) {
    state.idempotencyKey = draft.key;
    state.sent = Boolean(draft.sent);
    state.marks = marksFromDraft(draft.marks || {}, onBallot, aoa());
    $("restored").hidden = state.marks.size === 0;
  } else {
    state.idempotencyKey = newKey();
    state.sent = false;
    state.marks = new Map();
    $("restored").hidden = true;
  }
  saveDraft();
  renderBallot();
  show("step-choose");
  $("vote-title").setAttribute("tabindex", "-1");
  $("vote-title").focus();
  return true;
}

// --- step 2: choosing -------------------------------------------------------------------------

function renderBallot() {
  const ballot = state.ballot;
  if (!ballot) return;
  $("training").hidden = !ballot.training;
  $("vote-title").textContent = titleOf(ballot, "title");
  $("round-info").textContent = t("ballot.round", { round: roundName(ballot.round_number, ballot.kind), seats: ballot.seats });
  // A tie-break, shortfall or repeat round says why it is held, in the words every page uses.
  $("round-why").hidden = ballot.kind === "first";
  $("round-why").textContent = ballot.kind === "first" ? "" : t(`round.why.${ballot.kind}`, { seats: ballot.seats });
  $("instructions").textContent = t(aoa() ? "ballot.instructions_aoa" : "ballot.instructions", {
    seats: ballot.seats,
  });
  const supported = ["approve_only", "approve_oppose_abstain"].includes(ballot.ballot_style);
  $("unsupported").hidden = supported;
  $("to-review").hidden = !supported;
  const list = $("projects");
  list.replaceChildren();
  list.classList.toggle("aoa", aoa());
  if (!supported) return;
  for (const project of ballot.projects) {
    const item = document.createElement("li");
    item.append(aoa() ? markGroup(project, choose) : approveButton(project, toggle));
    list.append(item);
  }
  renderChoices();
}

function renderChoices() {
  const seats = theBallot().seats;
  if (aoa()) {
    const groups = /** @type {NodeListOf<HTMLFieldSetElement>} */ ($("projects").querySelectorAll("fieldset.project-group"));
    for (const group of groups) {
      const mark = state.marks.get(Number(group.dataset.number)) || "none";
      const radios = /** @type {NodeListOf<HTMLInputElement>} */ (group.querySelectorAll("input[type=radio]"));
      for (const input of radios) input.checked = input.value === mark;
      group.dataset.mark = mark;
    }
  } else {
    const buttons = /** @type {NodeListOf<HTMLButtonElement>} */ ($("projects").querySelectorAll("button.project"));
    for (const button of buttons) {
      const chosen = state.marks.get(Number(button.dataset.number)) === "approve";
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
      /** @type {Element} */ (button.querySelector(".mark")).textContent = chosen ? t("ballot.selected") : t("ballot.not_selected");
    }
  }
  const count = approvals();
  $("counter").textContent = t(aoa() ? "ballot.counter_aoa" : "ballot.counter", { count, seats });
  $("counter").classList.toggle("full", count >= seats);
}

/** @param {number} number */
function toggle(number) {
  if (state.submitting) return;
  if (state.marks.get(number) === "approve") {
    state.marks.delete(number);
    clearRefusal();
  } else if (oneTooMany(state.marks, number, theBallot().seats)) {
    refuse(number, t("ballot.limit", { seats: theBallot().seats }));
    return;
  } else {
    state.marks.set(number, "approve");
    clearRefusal();
  }
  saveDraft();
  renderChoices();
}

/**
 * @param {number} number
 * @param {string} value a mark, or "none"
 * @param {HTMLInputElement} input
 */
function choose(number, value, input) {
  if (state.submitting) {
    renderChoices();
    return;
  }
  if (value === "approve" && oneTooMany(state.marks, number, theBallot().seats)) {
    // An eleventh approval is refused: the project keeps the mark it had.
    refuse(number, t("ballot.limit_aoa", { seats: theBallot().seats }));
    renderChoices();
    input.focus();
    return;
  }
  clearRefusal();
  if (value === "none") state.marks.delete(number);
  else state.marks.set(number, /** @type {import("./ballot-marks.js").Mark} */ (value));
  saveDraft();
  renderChoices();
}

// --- step 3: review and submit ----------------------------------------------------------------

function toReview() {
  clearRefusal();
  $("submit-error").textContent = "";
  $("submit-status").textContent = "";
  renderReview(theBallot(), state.marks, aoa());
  show("step-review");
  $("review-heading").focus();
}

function back() {
  if (state.submitting) return;
  show("step-choose");
  $("vote-title").focus();
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

async function submit() {
  if (state.submitting) return;
  state.submitting = true;
  // From here on the ballot may reach the server: a reload resubmits it with the same key.
  state.sent = true;
  saveDraft();
  buttonOf("submit").disabled = true;
  buttonOf("back").disabled = true;
  $("submit-error").textContent = "";
  $("submit-status").textContent = t("submit.sending");
  const body = castBody(state.code, state.marks, state.idempotencyKey, aoa());
  try {
    for (let attempt = 0; ; attempt += 1) {
      /** @type {Awaited<ReturnType<typeof postJson>> | null} */
      let answer = null;
      try {
        answer = await postJson(inBody("/api/v1/ballots"), body);
      } catch {
        answer = null; // the connection dropped: the server may or may not have the ballot
      }
      if (answer && answer.ok) {
        showReceipt(answer.data);
        return;
      }
      if (answer && answer.status < 500 && answer.status !== 429) {
        // Refused (already voted, round closed, …): nothing of this ballot is on the server.
        state.sent = false;
        saveDraft();
        $("submit-status").textContent = "";
        $("submit-error").textContent = failureMessage(answer.data);
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
    buttonOf("submit").disabled = false;
    buttonOf("back").disabled = false;
  }
}

// --- step 4: the receipt ----------------------------------------------------------------------

function renderReceipt() {
  const data = state.receipt;
  if (!data) return;
  $("receipt").textContent = data.receipt;
  const kind = state.ballot && state.ballot.round_number === data.round_number ? state.ballot.kind : "first";
  $("receipt-counted").textContent = t("receipt.counted", { round: roundName(data.round_number, kind) });
  const text = `${t("receipt.file_heading", { title: titleOf(state.ballot || {}, "title") || "", round: data.round_number })}\n${t("term.receipt")}: ${data.receipt}\n`;
  const save = /** @type {HTMLAnchorElement} */ ($("save"));
  save.href = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  save.download = `receipt-${data.receipt}.txt`;
  /** @type {HTMLAnchorElement} */ ($("check-link")).href = inBody(`/receipt?receipt=${encodeURIComponent(data.receipt)}`);
}

/** @param {Receipt} data */
function showReceipt(data) {
  state.receipt = data;
  clearDraft();
  forgetCodeInAddress();
  renderReceipt();
  show("step-receipt");
  $("receipt-heading").focus();
}

// On a shared hall terminal: nothing of this deputy stays for the next one. The code leaves the address
// bar, the field and the page's memory; the receipt goes.
function nextDeputy() {
  forgetCodeInAddress();
  clearDraft();
  Object.assign(state, { code: "", ballot: null, marks: new Map(), idempotencyKey: null, sent: false, receipt: null });
  codeField().value = "";
  codeField().removeAttribute("aria-invalid");
  for (const id of ["code-error", "code-status", "copy-status", "receipt", "receipt-counted"]) $(id).textContent = "";
  $("save").removeAttribute("href");
  $("check-link").removeAttribute("href");
  $("projects").replaceChildren();
  $("review-list").replaceChildren();
  $("training").hidden = true;
  show("step-code");
  $("code").focus();
}

async function copyReceipt() {
  try {
    await navigator.clipboard.writeText(/** @type {Receipt} */ (state.receipt).receipt);
    $("copy-status").textContent = t("receipt.copied");
  } catch {
    $("copy-status").textContent = t("receipt.copy_failed");
  }
}

// --- language ---------------------------------------------------------------------------------

// After the language switch (i18n.js has re-filled the marked text).
function rerender() {
  if (state.ballot) {
    // Re-words the page; the deputy's unsent choices stay exactly as they are.
    renderBallot();
    if (!$("step-review").hidden) renderReview(state.ballot, state.marks, aoa());
  }
  renderReceipt();
}

/** @param {Event | null} event */
async function enter(event) {
  // A deputy back at a ballot already confirmed (a reload after a dropped answer) sends it again with the
  // same key: the server answers with the receipt it gave, or takes it now.
  if (!(await openBallot(event)) || !state.sent) return;
  toReview();
  $("submit-status").textContent = t("submit.resuming");
  await submit();
}

async function start() {
  await load(undefined, ["ballot"]);
  apply();
  const code = new URLSearchParams(window.location.search).get("code");
  if (code) codeField().value = typedCode(code);
  $("code-form").addEventListener("submit", enter);
  $("to-review").addEventListener("click", toReview);
  $("back").addEventListener("click", back);
  $("submit").addEventListener("click", submit);
  $("copy").addEventListener("click", copyReceipt);
  $("print").addEventListener("click", () => window.print());
  $("next-deputy").addEventListener("click", nextDeputy);
  languageSwitch($("lang-switch"), rerender);
  // The kept ballot comes back by itself only for the code in the address (the deputy's own QR link);
  // otherwise only once its code is typed again, so that on a shared hall terminal the next deputy never
  // sees, let alone casts, a ballot someone left unsent.
  const draft = readDraft();
  if (draft && code && typedCode(code) === draft.code) await enter(null);
  document.body.dataset.ready = "true";
}

start();
