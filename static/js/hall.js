// The hall screen for the projector: ballots returned against issued while a round runs (never a
// partial tally: the API gives no approvals before publication), the selected projects once published.
// All text comes from the catalogs (i18n.js).

import { apply, language, load, t } from "./i18n.js";

const POLL_MS = 2000;

const state = { voteId: null, data: null, timer: null, problem: null };

const $ = (id) => document.getElementById(id);

function titleOf(item) {
  return language() === "en" && item.title_en ? item.title_en : item.title_zh;
}

function showProblem(key) {
  state.problem = key;
  $("problem").hidden = !key;
  $("problem").textContent = key ? t(key) : "";
}

function renderLive(data) {
  const round = data.round;
  $("live").hidden = false;
  if (!round) {
    $("round").textContent = t("hall.waiting");
    $("round-state").textContent = "";
    $("turnout").hidden = true;
    return;
  }
  $("round").textContent = t("hall.round", { round: round.number });
  $("round-state").textContent = t(`hall.round_state.${round.state}`);
  const live = round.ballots_issued !== null && round.ballots_issued !== undefined;
  $("turnout").hidden = !live;
  if (!live) return;
  const issued = round.ballots_issued;
  const returned = round.ballots_returned;
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

function renderResult(data) {
  $("live").hidden = true;
  $("result").hidden = false;
  const selected = data.selected || [];
  $("selected-count").textContent = selected.length
    ? t("hall.selected_count", { count: selected.length })
    : t("hall.none_selected");
  const list = $("selected");
  list.replaceChildren();
  for (const project of selected) {
    const item = document.createElement("li");
    item.className = "project";
    item.dataset.number = String(project.number);
    const number = document.createElement("span");
    number.className = "number";
    number.textContent = String(project.number);
    const title = document.createElement("span");
    title.className = "title";
    title.textContent = titleOf(project);
    const approvals = document.createElement("span");
    approvals.className = "approvals";
    approvals.textContent = t("hall.approvals", { approvals: project.approvals });
    item.append(number, title, approvals);
    list.append(item);
  }
  $("vacant").hidden = !data.vacant;
  $("vacant").textContent = data.vacant ? t("hall.vacant", { vacant: data.vacant }) : "";
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
  document.body.dataset.state = data.state;
}

async function poll() {
  state.timer = null;
  let keepPolling = true;
  try {
    const response = await fetch(`/api/v1/votes/${state.voteId}/hall`, {
      headers: { Accept: "application/json", "Accept-Language": language() },
      cache: "no-store",
    });
    if (response.status === 404) {
      showProblem("hall.not_found");
    } else if (!response.ok) {
      showProblem("hall.offline");
    } else {
      state.data = await response.json();
      showProblem(null);
      render();
      // A published result no longer changes.
      keepPolling = state.data.state !== "published";
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

async function switchLanguage() {
  await load(language() === "zh" ? "en" : "zh");
  apply();
  render();
  $("lang-switch").focus();
}

async function start() {
  await load(undefined, ["hall"]);
  apply();
  $("lang-switch").addEventListener("click", switchLanguage);
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
