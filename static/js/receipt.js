// @ts-check
// The receipt check, /receipt (?receipt= fills it in): once a vote is published, a deputy enters the receipt
// the ballot page gave and sees that the ballot is in the published ballot list, in which round, with its
// marks as recorded (GET /api/v1/receipts/{receipt}). All text comes from the catalogs (i18n.js).

import { inBody } from "./base.js";
import { receiptProblem, typedReceipt } from "./codes.js";
import { apply, languageSwitch, load, roundName, t, titleOf } from "./i18n.js";
import { $, element, fetchJson } from "./page.js";

/** @import {ReceiptCheck, VoteResult} from "./types.js" */

// The check and the result are the API's answers (GET /api/v1/receipts/{receipt}, /votes/{id}/result).
/** @type {{check: ReceiptCheck | null, result: VoteResult | null, problem: string | null}} */
const state = { check: null, result: null, problem: null };
const receiptField = () => /** @type {HTMLInputElement} */ ($("receipt"));
const checkButton = () => /** @type {HTMLButtonElement} */ ($("check"));

/** @param {string | null} key */
function showProblem(key) {
  state.problem = key;
  $("check-error").hidden = !key;
  $("check-error").textContent = key ? t(key) : "";
  if (key) $("receipt").setAttribute("aria-invalid", "true");
  else $("receipt").removeAttribute("aria-invalid");
}

// The public view: what anyone sees, never with a clerk's session.
const getJson = (/** @type {string} */ path) => fetchJson(path, { credentials: "omit" });

function render() {
  if (state.problem) showProblem(state.problem);
  const check = state.check;
  $("found").hidden = !check;
  if (!check) return;
  const result = state.result;
  const vote = result ? result.vote : null;
  $("found-receipt").textContent = check.receipt;
  $("found-vote").textContent = vote ? titleOf(vote) : String(check.vote_id);
  const round = result ? result.rounds.find((r) => r.number === check.round_number) : null;
  $("found-round").textContent = round
    ? roundName(check.round_number, round.kind)
    : t("check.round_number", { round: check.round_number });
  $("found-valid").textContent = t(check.valid ? "check.valid" : "check.invalid");
  $("found-training").hidden = !(vote && vote.training);
  const aoa = vote && vote.rules.ballot_style === "approve_oppose_abstain";
  const titles = new Map(((vote && vote.candidates) || []).map((/** @type {{number: number}} */ c) => [c.number, c]));
  /** @type {Map<number, string>} */
  const marked = new Map();
  for (const n of check.approvals) marked.set(n, "approve");
  for (const n of check.opposes) marked.set(n, "oppose");
  for (const n of check.abstains) marked.set(n, "abstain");
  const numbers = round ? round.projects : [...marked.keys()].sort((a, b) => a - b);
  const list = $("marks");
  list.replaceChildren();
  for (const number of numbers) {
    const mark = marked.get(number) || "none";
    const item = document.createElement("li");
    item.dataset.number = String(number);
    item.dataset.mark = mark;
    const word = t(mark === "none" && !aoa ? "check.mark.not_approved" : `check.mark.${mark}`);
    item.append(
      element("span", number, "number"),
      element("span", titleOf(titles.get(number)), "title"),
      element("span", word, "mark"),
    );
    list.append(item);
  }
  /** @type {HTMLAnchorElement} */ ($("results-link")).href = inBody(`/results?vote=${check.vote_id}`);
}

/** @param {Event | null} event */
async function checkReceipt(event) {
  if (event) event.preventDefault();
  const receipt = typedReceipt(receiptField().value);
  state.check = null;
  state.result = null;
  showProblem(null);
  render();
  const problem = receiptProblem(receipt);
  if (problem) {
    showProblem(problem);
    receiptField().focus();
    return;
  }
  $("check-status").textContent = t("check.loading");
  checkButton().disabled = true;
  try {
    const answer = await getJson(inBody(`/api/v1/receipts/${encodeURIComponent(receipt)}`));
    if (answer.status === 404) {
      showProblem("check.not_found");
    } else if (!answer.ok) {
      showProblem(answer.status === 429 ? "check.rate_limited" : "check.offline");
    } else {
      state.check = answer.data;
      const result = await getJson(inBody(`/api/v1/votes/${answer.data.vote_id}/result`));
      state.result = result.ok ? result.data : null;
    }
  } catch {
    showProblem("check.offline");
  } finally {
    checkButton().disabled = false;
    $("check-status").textContent = "";
  }
  render();
  if (state.check) $("found-heading").focus();
  else $("receipt").focus();
}

async function start() {
  await load(undefined, ["receipt"]);
  apply();
  $("check-form").addEventListener("submit", checkReceipt);
  languageSwitch($("lang-switch"), render);
  const prefilled = new URLSearchParams(window.location.search).get("receipt");
  if (prefilled) {
    receiptField().value = prefilled.trim().toUpperCase();
    await checkReceipt(null);
  }
  document.body.dataset.ready = "true";
}

start();
