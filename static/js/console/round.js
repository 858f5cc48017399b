// @ts-check
// Rounds (轮次): open the next round, live turnout (polled every 2 s, never a tally), who has not
// voted, switch the remaining deputies to paper, close (confirmed, showing who has not voted), count,
// the round's result and what comes next (tie-break, shortfall or repeat round), publish (confirmed).

import { inBody } from "../base.js";
import { t, titleOf } from "../i18n.js";
import { forPeople } from "../clock.js";
import { $ } from "../page.js";
import { get, post } from "./api.js";
import { act, chosenVote, confirmDialog, el, hooks, needs, remember, showError, state, table, writeButton } from "./ui.js";

/** @import {Deputy, Round, TallyResult, Turnout, Vote} from "../types.js" */
/** @typedef {Round & {result: TallyResult}} CountedRound */

const POLL_MS = 2000;
/** @type {number | null} */
let timer = null;
/** @type {HTMLElement | null} */
let container = null;
// The screen drawn again where render drew it last (before which no button or poll exists).
const redraw = () => render(/** @type {HTMLElement} */ (container));

export function leave() {
  if (timer !== null) window.clearTimeout(timer);
  timer = null;
}

/** @param {number} number */
function candidateTitle(number) {
  const found = (chosenVote().candidates || []).find((c) => c.number === number);
  return found ? titleOf(found) : "";
}

/** @param {Turnout} turnout */
function turnoutFigures(turnout) {
  const item = (/** @type {string} */ key, /** @type {string} */ id, /** @type {string | number} */ value) => el("div", { className: "figure" }, el("dt", { text: t(key) }), el("dd", { id, text: value }));
  return el(
    "dl",
    { className: "figures", id: "turnout" },
    item("turnout.returned", "turnout-returned", turnout.ballots_returned),
    item("turnout.issued", "turnout-issued", turnout.ballots_issued),
    item("turnout.electronic", "turnout-electronic", turnout.electronic),
    item("turnout.paper_issued", "turnout-paper-issued", turnout.paper_issued),
    item("turnout.paper_entered", "turnout-paper-entered", turnout.paper_entered),
    item("turnout.present", "turnout-present", t("turnout.of", { present: turnout.deputies_present, roster: turnout.deputy_count })),
  );
}

/** @param {Deputy[]} deputies */
function notVotedList(deputies) {
  if (!deputies.length) return el("p", { className: "hint", id: "not-voted-none", text: t("round.all_voted") });
  return el(
    "ul",
    { className: "names", id: "not-voted-names" },
    deputies.map((d) => el("li", { dataset: { number: String(d.number) }, text: t("round.deputy", { number: d.number, name: d.name }) })),
  );
}

/** @param {string} text */
function statusLine(text) {
  return el("p", { role: "status", className: "status", text });
}

/** @param {Round} round */
async function refreshLive(round) {
  timer = null;
  if (state.screen !== "round" || !container || !container.isConnected) return;
  try {
    /** @type {[Turnout, Deputy[]]} */
    const [turnout, waiting] = await Promise.all([get(`/rounds/${round.id}/turnout`), get(`/rounds/${round.id}/not-voted`)]);
    if (turnout.state !== round.state) {
      await render(container);
      return;
    }
    const figures = $("turnout");
    if (figures) figures.replaceWith(turnoutFigures(turnout));
    const names = $("not-voted-box");
    if (names) {
      names.replaceChildren(el("h4", { text: t("round.not_voted", { count: waiting.length }) }), notVotedList(waiting));
    }
    showError("live-error", null);
  } catch (error) {
    showError("live-error", error);
  }
  document.body.dataset.polls = String(Number(document.body.dataset.polls || "0") + 1);
  if (state.screen === "round" && round.state === "open") timer = window.setTimeout(() => refreshLive(round), POLL_MS);
}

/** @param {Round} round */
async function refreshSecrecy(round) {
  try {
    /** @type {Round} */
    const now = await get(`/rounds/${round.id}`);
    if (!now.secrecy_pending || now.state !== round.state) {
      await redraw();
      return;
    }
  } catch (error) {
    showError("live-error", error);
  }
  if (state.screen === "round") timer = window.setTimeout(() => refreshSecrecy(round), POLL_MS);
}

/**
 * @param {HTMLElement} error
 * @param {string} label catalog key
 */
function openNextButton(error, label) {
  return writeButton(
    label,
    async (event) => {
      const opened = await act(event.currentTarget, error, () => post(`/votes/${chosenVote().id}/rounds`));
      if (opened) await redraw();
    },
    { id: "round-open" },
  );
}

/** @param {CountedRound} round */
function resultView(round) {
  const result = round.result;
  const aoa = result.ballot_style === "approve_oppose_abstain";
  const headers = ["result.number", "result.project", "result.approvals"];
  if (aoa) headers.push("result.opposes", "result.abstains");
  headers.push("result.status");
  const rows = result.projects.map((p) =>
    el(
      "tr",
      { className: `status-${p.status}`, dataset: { number: String(p.number) } },
      el("td", { text: p.number }),
      el("td", { text: candidateTitle(p.number) }),
      el("td", { className: "num", text: p.approvals }),
      aoa ? el("td", { className: "num", text: p.opposes }) : null,
      aoa ? el("td", { className: "num", text: p.abstains }) : null,
      el("td", { text: t(`result.status.${p.status}`) }),
    ),
  );
  return el(
    "div",
    { id: "round-result" },
    el("h3", { text: t("result.heading", { round: round.number }) }),
    result.void ? el("p", { className: "warning", text: t("result.void") }) : null,
    el(
      "p",
      { className: "meta", id: "result-ballots" },
      t("result.ballots", { cast: result.ballots.cast, valid: result.ballots.valid, invalid: result.ballots.invalid, threshold: result.threshold }),
    ),
    table("result.table", headers, rows, { id: "result-table" }),
    el(
      "p",
      { id: "result-selected" },
      result.selected.length ? t("result.selected", { projects: result.selected.join(t("console.list_sep")) }) : t("result.none_selected"),
    ),
  );
}

/**
 * @param {CountedRound} round
 * @param {HTMLElement} error
 */
function nextStep(round, error) {
  const runoff = round.result && round.result.runoff;
  if (runoff) {
    return el(
      "div",
      { className: "card next", id: "next-round" },
      el("h3", { text: t("next.heading") }),
      el("p", { id: "next-text", text: t(`next.${runoff.reason}`, { projects: runoff.projects.join(t("console.list_sep")), seats: runoff.seats }) }),
      openNextButton(error, "next.open"),
    );
  }
  if (chosenVote().state === "published") {
    return el(
      "div",
      { className: "card next", id: "published" },
      el("p", { className: "done", text: t("publish.done") }),
      el("p", { className: "meta", id: "published-at", text: t("publish.when", { at: forPeople(chosenVote().published_at) }) }),
      el("a", { href: inBody(`/results?vote=${chosenVote().id}`), target: "_blank", rel: "noopener", text: t("meetings.results_link") }),
    );
  }
  const publish = writeButton(
    "publish.button",
    async (event) => {
      const button = event.currentTarget;
      const sure = await confirmDialog("publish.confirm_title", el("p", { text: t("publish.confirm_text") }), "publish.confirm");
      if (!sure) return;
      const done = await act(button, error, () => post(`/votes/${chosenVote().id}/publish`));
      if (done) await redraw();
    },
    { id: "publish", className: "danger" },
  );
  return el(
    "div",
    { className: "card next", id: "decided" },
    el("p", { text: t("next.decided") }),
    publish,
  );
}

/**
 * @param {Round} round
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} error
 */
async function closeRound(round, button, error) {
  /** @type {Deputy[] | null} */
  const waiting = await act(null, error, () => get(`/rounds/${round.id}/not-voted`));
  if (waiting === null) return;
  const body = el(
    "div",
    { id: "close-who" },
    el("p", { text: waiting.length ? t("close.waiting", { count: waiting.length }) : t("round.all_voted") }),
    waiting.length ? notVotedList(waiting) : null,
    el("p", { className: "warning", text: t("close.final") }),
  );
  const sure = await confirmDialog("close.title", body, "close.confirm");
  if (!sure) return;
  const closed = await act(button, error, () => post(`/rounds/${round.id}/close`, { confirm: true }));
  if (closed) await redraw();
}

/**
 * @param {Round} round
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} error
 * @param {HTMLElement} note where the outcome is said
 */
async function switchToPaper(round, button, error, note) {
  /** @type {Deputy[] | null} */
  const waiting = await act(null, error, () => get(`/rounds/${round.id}/not-voted`));
  if (waiting === null) return;
  const body = el("div", {}, el("p", { text: t("paper_switch.text", { count: waiting.length }) }), notVotedList(waiting));
  const sure = await confirmDialog("paper_switch.title", body, "paper_switch.confirm");
  if (!sure) return;
  /** @type {{issued: number} | null} */
  const answer = await act(button, error, () => post(`/rounds/${round.id}/paper`, {}));
  if (answer) note.textContent = t("paper_switch.done", { count: answer.issued });
}

// Paper for one chosen deputy (a phone that will not work, a deputy who prefers paper): by seat number,
// after a confirmation naming them; the server refuses one who is not checked in or has voted already.
/**
 * @param {Round} round
 * @param {HTMLElement} note where the outcome is said
 */
function paperForOne(round, note) {
  const error = el("p", { className: "error", role: "alert", id: "paper-one-error", hidden: true });
  const number = el("input", { id: "paper-one-number", type: "text", inputmode: "numeric", autocomplete: "off", "aria-describedby": "paper-one-hint paper-one-error" });
  const submit = el("button", { type: "submit", className: "secondary", id: "paper-one", dataset: { write: "" } }, t("paper_one.button"));
  const form = el(
    "form",
    { className: "card", id: "paper-one-form", novalidate: true, "aria-labelledby": "paper-one-heading" },
    el("h4", { id: "paper-one-heading", text: t("paper_one.heading") }),
    el("label", { for: number.id, text: t("paper_one.number") }),
    el("p", { id: "paper-one-hint", className: "hint", text: t("paper_one.hint") }),
    el("div", { className: "inline" }, number, submit),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const wanted = number.value.trim();
    if (!/^\d+$/.test(wanted)) {
      showError(error, { message: t("paper_one.not_a_number") });
      number.focus();
      return;
    }
    /** @type {Deputy[] | null} */
    const waiting = await act(null, error, () => get(`/rounds/${round.id}/not-voted`));
    if (waiting === null) return;
    const deputy = waiting.find((d) => d.number === Number(wanted));
    if (deputy) {
      const body = el("p", { id: "paper-one-who", text: t("paper_one.text", { who: t("round.deputy", { number: deputy.number, name: deputy.name }) }) });
      if (!(await confirmDialog("paper_one.title", body, "paper_one.confirm"))) return;
    }
    const answer = await act(submit, error, () => post(`/rounds/${round.id}/paper`, { deputies: [Number(wanted)] }));
    if (answer) {
      note.textContent = t("paper_one.done", { who: deputy ? t("round.deputy", { number: deputy.number, name: deputy.name }) : wanted });
      number.value = "";
      number.focus();
    }
  });
  return form;
}

/** @param {Round[]} rounds */
function roundsTable(rounds) {
  return table(
    "rounds.table",
    ["rounds.number", "rounds.kind", "rounds.state", "rounds.projects"],
    rounds.map((r) =>
      el(
        "tr",
        { dataset: { round: String(r.number) } },
        el("td", { text: r.number }),
        el("td", { text: t(`round.kind.${r.kind}`) }),
        el("td", { text: t(`round.state.${r.state}`) }),
        el("td", { text: t("rounds.seats", { seats: r.seats, projects: r.projects.join(t("console.list_sep")) }) }),
      ),
    ),
    { id: "rounds" },
  );
}

/** @param {HTMLElement} target */
export async function render(target) {
  container = target;
  leave();
  if (!state.vote) return needs("vote", target);
  /** @type {[Vote, Round[]]} */
  const [vote, rounds] = await Promise.all([get(`/votes/${state.vote.id}`), get(`/votes/${state.vote.id}/rounds`)]);
  state.vote = vote;
  remember();
  const round = rounds.length ? rounds[rounds.length - 1] : null;
  state.round = round;
  const error = el("p", { className: "error", role: "alert", id: "round-error", hidden: true });
  /** @type {(Node | null)[]} */
  const parts = [
    el(
      "p",
      { className: "meta", id: "vote-rules" },
      t("round.rules", { seats: vote.rules.seats, candidates: vote.candidates.length, style: t(`style.${vote.rules.ballot_style}`) }),
    ),
  ];
  if (rounds.length) parts.push(roundsTable(rounds));
  if (!round) {
    parts.push(el("p", { className: "hint", text: t("round.none") }));
    parts.push(openNextButton(error, "round.open_first"));
  } else {
    parts.push(
      el("h3", { id: "current-round", text: t("round.current", { round: round.number, kind: t(`round.kind.${round.kind}`), state: t(`round.state.${round.state}`) }) }),
    );
    if (round.state === "open" || round.state === "closed") {
      /** @type {Turnout} */
      const turnout = await get(`/rounds/${round.id}/turnout`);
      parts.push(el("p", { className: "hint", text: t("round.no_tally") }), turnoutFigures(turnout));
      parts.push(el("p", { className: "error", role: "alert", id: "live-error", hidden: true }));
    }
    if (round.state === "open") {
      /** @type {Deputy[]} */
      const waiting = await get(`/rounds/${round.id}/not-voted`);
      parts.push(
        el("div", { id: "not-voted-box", className: "card", "aria-live": "polite" }, el("h4", { text: t("round.not_voted", { count: waiting.length }) }), notVotedList(waiting)),
      );
      const note = statusLine("");
      const paperButton = writeButton("paper_switch.button", (event) => switchToPaper(round, event.currentTarget, error, note), {
        id: "round-paper",
        className: "secondary",
      });
      const closeButton = writeButton("close.button", (event) => closeRound(round, event.currentTarget, error), {
        id: "round-close",
        className: "danger",
      });
      parts.push(el("div", { className: "actions" }, paperButton, closeButton), note);
      if (paperButton) parts.push(paperForOne(round, note));
      timer = window.setTimeout(() => refreshLive(round), POLL_MS);
    } else if (round.state === "closed") {
      parts.push(el("p", { className: "hint", text: t("round.closed_hint") }));
      if (round.secrecy_pending) {
        // The server completes the step by itself once the reader ends (docs/secrecy.md): watch for it.
        parts.push(el("p", { className: "warning", role: "status", id: "secrecy-pending", text: t("round.secrecy_pending") }));
        timer = window.setTimeout(() => refreshSecrecy(round), POLL_MS);
      }
      const countButton = writeButton(
        "count.button",
        async (event) => {
          const counted = await act(event.currentTarget, error, () => post(`/rounds/${round.id}/count`));
          if (counted) await redraw();
        },
        { id: "round-count" },
      );
      parts.push(el("div", { className: "actions" }, countButton));
    } else if (round.state === "counted" && round.result) {
      const counted = /** @type {CountedRound} */ (round);
      parts.push(resultView(counted), nextStep(counted, error));
    }
  }
  parts.push(error);
  target.replaceChildren(...parts.filter((part) => part !== null));
  hooks.context();
}
