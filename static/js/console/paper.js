// @ts-check
// Paper ballots (纸质选票): double entry of a batch by two clerks, the reconciliation view (where the
// two entries differ, side by side, highlighted), correcting an entry, accepting the batch.
// Entering a ballot is fast with the keyboard: type the approved numbers ("1 3 5") in the ballot's
// quick field, Enter goes to the next ballot (a new one after the last); the boxes follow, and back.

import { t } from "../i18n.js";
import { $ } from "../page.js";
import { get, post, put } from "./api.js";
import { act, canWrite, chosenVote, el, needs, showError, state, table, writeButton } from "./ui.js";

/** @import {MarkLists, PaperBatch, Round, Turnout} from "../types.js" */

// What this clerk entered, to correct it: "round/batch/entry" -> ballots.  Memory only.
/** @type {Map<string, MarkLists[]>} */
const entered = new Map();
let batchName = "A";
let entryNumber = "1";

/** @type {("approvals" | "opposes" | "abstains")[]} */
const MARKS = ["approvals", "opposes", "abstains"];

function approveOnly() {
  return chosenVote().rules.ballot_style !== "approve_oppose_abstain";
}

// The project numbers typed in a ballot's quick field ("1 3 5", "1,3;5"): those on the ballot, once each, in order.
/**
 * @param {string} text
 * @param {number[]} allowed the round's projects
 * @returns {number[]}
 */
export function numbersIn(text, allowed) {
  /** @type {number[]} */
  const found = [];
  for (const match of text.matchAll(/\d+/g)) {
    const number = Number(match[0]);
    if (allowed.includes(number) && !found.includes(number)) found.push(number);
  }
  return found.sort((a, b) => a - b);
}

/**
 * @param {Round} round
 * @param {number} index its place in the batch, from 0
 * @param {MarkLists} marks as entered before, or none
 * @param {{add: () => void}} list the batch's ballots, to add one after the last
 */
function ballotFieldset(round, index, marks, list) {
  const projects = round.projects;
  const legendId = `ballot-${index}-legend`;
  const fieldset = el("fieldset", { className: "paper-ballot", dataset: { index: String(index) } }, el("legend", { id: legendId, text: t("paper.ballot", { n: index + 1 }) }));
  if (approveOnly()) {
    const quick = el("input", {
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      className: "quick",
      id: `ballot-${index}-quick`,
      "aria-describedby": "paper-keys",
    });
    quick.value = (marks.approvals || []).join(" ");
    // Too many approvals spoil a paper ballot: enter it as marked, but say that it will count as invalid.
    const over = el("p", { className: "warning", id: `ballot-${index}-over`, role: "status", hidden: true });
    const checkOver = () => {
      const chosen = boxes.filter((b) => b.checked).length;
      over.hidden = chosen <= round.seats;
      over.textContent = over.hidden ? "" : t("paper.over", { count: chosen, seats: round.seats });
    };
    /** @type {HTMLInputElement[]} */
    const boxes = projects.map((number) => {
      const box = el("input", { type: "checkbox", id: `ballot-${index}-p${number}`, value: String(number), dataset: { project: String(number) } });
      box.checked = (marks.approvals || []).includes(number);
      box.addEventListener("change", () => {
        quick.value = boxes.filter((b) => b.checked).map((b) => b.value).join(" ");
        checkOver();
      });
      return box;
    });
    quick.addEventListener("input", () => {
      const chosen = numbersIn(quick.value, projects);
      for (const box of boxes) box.checked = chosen.includes(Number(box.value));
      checkOver();
    });
    quick.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const next = document.getElementById(`ballot-${index + 1}-quick`);
      if (next) next.focus();
      else list.add();
    });
    fieldset.append(
      el("label", { for: quick.id, text: t("paper.quick", { n: index + 1 }) }),
      quick,
      el(
        "div",
        { className: "ticks", role: "group", "aria-label": t("paper.ticks", { n: index + 1 }) },
        boxes.map((box) => el("span", { className: "tick" }, box, el("label", { for: box.id, text: box.value }))),
      ),
      over,
    );
    checkOver();
  } else {
    const grid = el("div", { className: "ticks aoa" });
    for (const number of projects) {
      const id = `ballot-${index}-p${number}`;
      const select = el("select", { id, dataset: { project: String(number) } });
      const current = MARKS.find((kind) => (marks[kind] || []).includes(number)) || "";
      for (const [value, key] of [["", "paper.none"], ["approvals", "paper.approve"], ["opposes", "paper.oppose"], ["abstains", "paper.abstain"]]) {
        const option = el("option", { value, text: t(key) });
        option.selected = value === current;
        select.append(option);
      }
      grid.append(el("span", { className: "tick" }, el("label", { for: id, text: t("paper.project", { number }) }), select));
    }
    fieldset.append(grid);
  }
  return fieldset;
}

/**
 * @param {HTMLFieldSetElement} fieldset
 * @returns {Record<string, number[]>} approvals, opposes and abstains
 */
function readBallot(fieldset) {
  /** @type {Record<string, number[]>} */
  const marks = { approvals: [], opposes: [], abstains: [] };
  if (approveOnly()) {
    const boxes = /** @type {NodeListOf<HTMLInputElement>} */ (fieldset.querySelectorAll("input[type=checkbox]"));
    for (const box of boxes) if (box.checked) marks.approvals.push(Number(box.value));
  } else {
    for (const select of fieldset.querySelectorAll("select")) if (select.value) marks[select.value].push(Number(select.dataset.project));
  }
  return marks;
}

/** @param {MarkLists | null} marks */
function describe(marks) {
  if (!marks) return [el("span", { className: "hint", text: t("paper.missing") })];
  const parts = [];
  for (const kind of MARKS) {
    const numbers = marks[kind] || [];
    if (kind !== "approvals" && !numbers.length) continue;
    parts.push(el("span", { className: "marks", text: `${t(`paper.kind.${kind}`)}: ${numbers.length ? numbers.join(" ") : t("paper.empty")}` }));
  }
  return parts;
}

/**
 * @param {Round} round
 * @param {PaperBatch} view
 * @param {(batch: string) => Promise<void>} redraw
 */
function reconciliation(round, view, redraw) {
  const error = el("p", { className: "error", role: "alert", hidden: true });
  const entries = el(
    "ul",
    { id: "batch-entries" },
    view.entries.map((e) => el("li", { text: t("paper.entry_line", { entry: e.entry, clerk: e.clerk, ballots: e.ballots }) })),
  );
  /** @type {(Node | null)[]} */
  const parts = [el("h3", { id: "reconcile-heading", tabindex: "-1", text: t("paper.reconcile", { batch: view.batch }) }), entries];
  if (view.accepted) {
    parts.push(el("p", { className: "done", id: "batch-accepted", text: t("paper.accepted") }));
  } else if (view.differences.length) {
    parts.push(el("p", { className: "warning", id: "batch-differ", text: t("paper.differ", { count: view.differences.length }) }));
    parts.push(
      table(
        "paper.differences",
        ["paper.position", "paper.first", "paper.second"],
        view.differences.map((d) =>
          el(
            "tr",
            { className: "diff", dataset: { position: String(d.position) } },
            el("td", { text: t("paper.ballot", { n: d.position }) }),
            el("td", {}, el("mark", {}, describe(d.first))),
            el("td", {}, el("mark", {}, describe(d.second))),
          ),
        ),
        { id: "differences" },
      ),
    );
    parts.push(el("p", { className: "hint", text: t("paper.correct_hint") }));
  } else if (view.entries.length < 2) {
    parts.push(el("p", { className: "hint", id: "batch-waiting", text: t("paper.need_second") }));
  } else {
    parts.push(el("p", { className: "done", id: "batch-agree", text: t("paper.agree") }));
    parts.push(
      writeButton(
        "paper.accept",
        async (event) => {
          const accepted = await act(event.currentTarget, error, () => post(`/rounds/${round.id}/paper-batches/${encodeURIComponent(view.batch)}/accept`));
          if (accepted) await redraw(view.batch);
        },
        { id: "batch-accept" },
      ),
    );
  }
  parts.push(error);
  return el("div", { className: "card", id: "reconciliation", "aria-live": "polite" }, parts);
}

/** @param {HTMLElement} container */
export async function render(container) {
  if (!state.vote) return needs("vote", container);
  /** @type {Round[]} */
  const rounds = await get(`/votes/${state.vote.id}/rounds`);
  const round = rounds.length ? rounds[rounds.length - 1] : null;
  if (!round || !["open", "closed"].includes(round.state)) {
    container.replaceChildren(el("p", { className: "hint", id: "paper-closed", text: t("paper.no_round") }));
    return;
  }
  /** @type {Turnout} */
  const turnout = await get(`/rounds/${round.id}/turnout`);
  const view = el("div", { id: "reconciliation-box" });
  const error = el("p", { className: "error", role: "alert", id: "paper-error", hidden: true });
  const batch = el("input", { id: "paper-batch", type: "text", maxlength: "40", autocomplete: "off" });
  batch.value = batchName;

  const redraw = async (/** @type {string} */ name) => {
    try {
      /** @type {PaperBatch} */
      const answer = await get(`/rounds/${round.id}/paper-batches/${encodeURIComponent(name)}`);
      view.replaceChildren(reconciliation(round, answer, redraw));
      showError(error, null);
    } catch (problem) {
      if (/** @type {{status?: number}} */ (problem).status === 404) view.replaceChildren(el("p", { className: "hint", text: t("paper.no_batch", { batch: name }) }));
      else showError(error, problem);
    }
  };

  const intro = [
    el("p", { className: "meta", id: "paper-counts", text: t("paper.counts", { round: round.number, issued: turnout.paper_issued, entered: turnout.paper_entered }) }),
    el("label", { for: "paper-batch", text: t("paper.batch") }),
    batch,
  ];
  const show = el(
    "button",
    {
      type: "button",
      className: "secondary",
      id: "paper-show",
      onclick: () => {
        batchName = batch.value.trim() || "A";
        redraw(batchName);
      },
    },
    t("paper.show"),
  );
  if (!canWrite()) {
    container.replaceChildren(...intro, el("div", { className: "actions" }, show), error, view);
    await redraw(batchName);
    return;
  }
  const entry = el(
    "select",
    { id: "paper-entry" },
    ["1", "2"].map((n) => el("option", { value: n, text: t("paper.entry", { entry: n }) })),
  );
  entry.value = entryNumber;
  const ballots = el("div", { id: "paper-ballots", className: "paper-ballots" });
  const list = {
    /** @type {HTMLFieldSetElement[]} */
    items: [],
    /** @param {MarkLists[]} marksList */
    fill(marksList) {
      ballots.replaceChildren();
      this.items = [];
      for (const marks of marksList) this.add(marks, false);
    },
    /**
     * @param {MarkLists} [marks]
     * @param {boolean} [focus]
     */
    add(marks = {}, focus = true) {
      const fieldset = ballotFieldset(round, this.items.length, marks, this);
      this.items.push(fieldset);
      ballots.append(fieldset);
      if (focus) {
        const first = /** @type {HTMLElement | null} */ (fieldset.querySelector("input, select"));
        if (first) first.focus();
      }
    },
    removeLast() {
      if (this.items.length <= 1) return;
      this.items.pop()?.remove();
    },
  };
  list.fill([{}]);
  const add = el("button", { type: "button", className: "secondary", id: "paper-add", onclick: () => list.add() }, t("paper.add"));
  const remove = el("button", { type: "button", className: "secondary", id: "paper-remove", onclick: () => list.removeLast() }, t("paper.remove"));
  const load = el(
    "button",
    {
      type: "button",
      className: "secondary",
      id: "paper-load",
      onclick: () => {
        const saved = entered.get(`${round.id}/${batch.value.trim() || "A"}/${entry.value}`);
        list.fill(saved && saved.length ? saved : [{}]);
        const first = /** @type {HTMLElement | null} */ (ballots.querySelector("input, select"));
        if (first) first.focus();
      },
    },
    t("paper.load"),
  );
  const submit = el("button", { type: "submit", className: "primary", id: "paper-submit", dataset: { write: "" } }, t("paper.submit"));
  const form = el(
    "form",
    { className: "card", novalidate: true, "aria-labelledby": "paper-form-heading" },
    el("h3", { id: "paper-form-heading", text: t("paper.form") }),
    ...intro,
    el("label", { for: "paper-entry", text: t("paper.entry_label") }),
    entry,
    el("p", { id: "paper-keys", className: "hint", text: t(approveOnly() ? "paper.keys" : "paper.keys_aoa") }),
    ballots,
    el("div", { className: "actions" }, add, remove, load),
    el("div", { className: "actions" }, submit, show),
    error,
  );
  entry.addEventListener("change", () => {
    entryNumber = entry.value;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    batchName = batch.value.trim() || "A";
    entryNumber = entry.value;
    const marksList = list.items.map(readBallot);
    /** @type {PaperBatch | null} */
    const answer = await act(submit, error, () =>
      put(`/rounds/${round.id}/paper-batches/${encodeURIComponent(batchName)}/entries/${entryNumber}`, { ballots: marksList }),
    );
    if (answer) {
      entered.set(`${round.id}/${batchName}/${entryNumber}`, marksList);
      view.replaceChildren(reconciliation(round, answer, redraw));
      list.fill([{}]);
      $("reconcile-heading").focus();
    }
  });
  container.replaceChildren(form, view);
  await redraw(batchName);
}
