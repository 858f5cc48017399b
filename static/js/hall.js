// @ts-check
// The hall screen for the projector: ballots returned against issued while a round runs (never a
// partial tally: the API gives no approvals before publication), the selected projects once published.
// All text comes from the catalogs (i18n.js).

import { inBody } from "./base.js";
import { forPeople, loadZone } from "./clock.js";
import { apply, languageSwitch, load, roundName, t, titleOf } from "./i18n.js";
import { $, element, fetchJson } from "./page.js";

/** @import {Hall} from "./types.js" */

const POLL_MS = 2000;

/** @type {{voteId: string | null, data: Hall | null, timer: number | null, problem: string | null}} data: the API's hall view */
const state = { voteId: null, data: null, timer: null, problem: null };

/** @param {string | null} key catalog key of what went wrong; null when nothing did */
function showProblem(key) {
  state.problem = key;
  $("problem").hidden = !key;
  $("problem").textContent = key ? t(key) : "";
}

/** @param {Hall} data */
function renderLive(data) {
  const round = data.round;
  $("live").hidden = false;
  if (!round) {
    $("round").textContent = t("hall.waiting");
    $("round-state").textContent = "";
    $("turnout").hidden = true;
    return;
  }
  $("round").textContent = roundName(round.number, round.kind);
  $("round-state").textContent = t(`hall.round_state.${round.state}`);
  const live = round.ballots_issued !== null && round.ballots_issued !== undefined;
  $("turnout").hidden = !live;
  if (!live) return;
  // Sent together, while the round is open or closed but not yet counted (voting.services.hall).
  const issued = /** @type {number} */ (round.ballots_issued);
  const returned = /** @type {number} */ (round.ballots_returned);
  $("returned").textContent = String(returned);
  $("issued").textContent = String(issued);
  $("turnout").setAttribute("aria-label", t("hall.turnout_label", { returned, issued }));
  const progress = $("progress");
  progress.setAttribute("aria-valuemax", String(issued));
  progress.setAttribute("aria-valuenow", String(returned));
  progress.setAttribute("aria-valuetext", t("hall.turnout_label", { returned, issued }));
  const share = issued > 0 ? Math.min(1, returned / issued) : 0;
  // Through the CSSOM, which the CSP allows (it refuses style attributes in the markup).
  $("progress-fill").style.setProperty("width", `${(share * 100).toFixed(1)}%`);
}

/** @param {Hall} data */
function renderResult(data) {
  $("live").hidden = true;
  $("result").hidden = false;
  const selected = data.selected || [];
  $("selected-count").textContent = selected.length
    ? t("hall.selected_count", { count: selected.length })
    : t("hall.none_selected");
  // Grouped by the round each seat was won in, under that round's name: a tie-break's count is never
  // shown as if it were round one's (the list is in the order seats were won, so each round is one run).
  const groups = $("selected");
  groups.replaceChildren();
  /** @type {HTMLOListElement} */
  let list = /** @type {any} */ (null); // made by the first project: its round is never `current`'s null
  let current = null;
  for (const project of selected) {
    if (project.round_number !== current) {
      current = project.round_number;
      const heading = element("h3", roundName(project.round_number, project.round_kind), "from-round");
      heading.id = `won-in-round-${current}`;
      list = element("ol", null, "selected");
      list.dataset.round = String(current);
      list.setAttribute("aria-labelledby", heading.id);
      groups.append(heading, list);
    }
    const item = element("li", null, "project");
    item.dataset.number = String(project.number);
    item.append(
      element("span", project.number, "number"),
      element("span", titleOf(project), "title"),
      element("span", t("hall.approvals", { approvals: project.approvals }), "approvals"),
    );
    list.append(item);
  }
  $("vacant").hidden = !data.vacant;
  $("vacant").textContent = data.vacant ? t("hall.vacant", { vacant: data.vacant }) : "";
  $("published-at").textContent = data.published_at ? t("hall.published_at", { at: forPeople(data.published_at) }) : "";
}

// The head of the moment, in the form read out (16 hex digits in fours), so that anyone in the hall can note it
// and an auditor later find it in the log (docs/audit-log.md); the whole hash is its title.
/** @param {Hall} data */
function renderHead(data) {
  const head = data.audit_head;
  const line = $("audit-head");
  line.hidden = !head;
  if (!head) {
    line.textContent = "";
    return;
  }
  line.textContent = t(`hall.head.${head.moment}`, { round: head.round_number, head: head.read_out });
  line.title = head.hash;
  line.dataset.hash = head.hash;
}

function render() {
  const data = state.data;
  if (state.problem) showProblem(state.problem);
  if (!data) return;
  $("vote-title").textContent = titleOf(data);
  $("training").hidden = !data.training;
  if (data.state === "published") {
    renderResult(data);
  } else {
    $("result").hidden = true;
    renderLive(data);
  }
  renderHead(data);
  document.body.dataset.state = data.state;
}

async function poll() {
  state.timer = null;
  let keepPolling = true;
  try {
    const answer = await fetchJson(inBody(`/api/v1/votes/${state.voteId}/hall`));
    if (answer.status === 404) {
      showProblem("hall.not_found");
    } else if (!answer.ok || !answer.data) {
      showProblem("hall.offline");
    } else {
      /** @type {Hall} */
      const data = answer.data;
      state.data = data;
      showProblem(null);
      render();
      // A published result no longer changes.
      keepPolling = data.state !== "published";
    }
  } catch {
    showProblem("hall.offline");
  }
  document.body.dataset.polls = String(Number(document.body.dataset.polls || "0") + 1);
  if (keepPolling && !document.hidden) state.timer = window.setTimeout(poll, POLL_MS);
}

function visibility() {
  if (document.hidden) {
    if (state.timer !== null) window.clearTimeout(state.timer);
    state.timer = null;
  } else if (state.timer === null && !(state.data && state.data.state === "published")) {
    poll();
  }
}

async function start() {
  await Promise.all([load(undefined, ["hall"]), loadZone()]);
  apply();
  languageSwitch($("lang-switch"), render);
  const vote = new URLSearchParams(window.location.search).get("vote");
  document.body.dataset.ready = "true";
  if (!vote || !/^[1-9][0-9]{0,9}$/.test(vote)) {
    showProblem("hall.no_vote");
    return;
  }
  state.voteId = vote;
  document.addEventListener("visibilitychange", visibility);
  await poll();
}

start();
