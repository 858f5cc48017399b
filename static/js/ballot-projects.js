// @ts-check
// The ballot's projects as the deputy taps them: a button per project (approve-only) or a radio group
// per project (approve / oppose / abstain), the refusal of one approval too many, said beside the
// project just tapped, and the review before sending. All text comes from the catalogs (i18n.js).

import { MARKS, numbersMarked } from "./ballot-marks.js";
import { t, titleOf } from "./i18n.js";
import { $, element } from "./page.js";

/** @import {Marks} from "./ballot-marks.js" */
/** @import {BallotPaper, ProjectOnBallot} from "./types.js" */

/**
 * @param {ProjectOnBallot} project
 * @param {(number: number) => void} toggle
 */
export function approveButton(project, toggle) {
  const button = element("button", null, "project");
  button.type = "button";
  button.dataset.number = String(project.number);
  const body = element("span", null, "body");
  body.append(
    element("span", titleOf(project, "title"), "title"),
    element("span", titleOf(project, "detail"), "detail"),
  );
  button.append(element("span", project.number, "number"), body, element("span", null, "mark"));
  button.addEventListener("click", () => toggle(project.number));
  return button;
}

/**
 * @param {ProjectOnBallot} project
 * @param {(number: number, value: string, input: HTMLInputElement) => void} choose value: a mark, or "none"
 */
export function markGroup(project, choose) {
  // A fieldset per project: its legend names the project, the radios say 赞成 / 反对 / 弃权 / 不标记.
  const group = document.createElement("fieldset");
  group.className = "project-group";
  group.dataset.number = String(project.number);
  const legend = document.createElement("legend");
  legend.append(element("span", project.number, "number"), element("span", titleOf(project, "title"), "title"));
  const detail = element("p", titleOf(project, "detail"), "detail");
  const choices = element("div", null, "choices");
  for (const value of [...MARKS, "none"]) {
    const id = `mark-${project.number}-${value}`;
    const input = document.createElement("input");
    input.type = "radio";
    input.name = `mark-${project.number}`;
    input.id = id;
    input.value = value;
    input.addEventListener("change", () => choose(project.number, value, input));
    const label = document.createElement("label");
    label.htmlFor = id;
    label.className = `choice choice-${value}`;
    label.dataset.i18n = `mark.${value}`;
    label.textContent = t(`mark.${value}`);
    choices.append(input, label);
  }
  group.append(legend, detail, choices);
  return group;
}

// The refusal of one approval too many is said where the deputy is looking: a note right under the
// project just tapped (on a phone the counter and the top of the list are long scrolled away), and to a
// screen reader through the live region #limit (emptied first, so that a second refusal is read again).
/**
 * @param {number} number the project just tapped
 * @param {string} text
 */
export function refuse(number, text) {
  $("limit").textContent = "";
  window.setTimeout(() => {
    $("limit").textContent = text;
  }, 50);
  const note = $("limit-note") || element("p", null, "limit-note");
  note.id = "limit-note";
  note.textContent = text;
  note.dataset.number = String(number);
  const tapped = /** @type {Element} */ ($("projects").querySelector(`[data-number="${number}"]`));
  const item = /** @type {HTMLLIElement} */ (tapped.closest("li"));
  item.append(note);
  // The tapped project may sit at the screen's edge: bring the note in, moving the page as little as can be.
  note.scrollIntoView({ block: "nearest" });
}

export function clearRefusal() {
  $("limit").textContent = "";
  if ($("limit-note")) $("limit-note").remove();
}

// The review before sending: on an approve / oppose / abstain ballot every project with its mark (不表态 for
// none), on an approve-only ballot the approved projects only.
/**
 * @param {BallotPaper} ballot
 * @param {Marks} marks
 * @param {boolean} aoa
 */
export function renderReview(ballot, marks, aoa) {
  const seats = ballot.seats;
  const list = $("review-list");
  list.replaceChildren();
  if (aoa) {
    $("review-count").textContent = t("review.count_aoa", {
      approvals: numbersMarked(marks, "approve").length,
      opposes: numbersMarked(marks, "oppose").length,
      abstains: numbersMarked(marks, "abstain").length,
      none: ballot.projects.length - marks.size,
      seats,
    });
    for (const project of ballot.projects) {
      const mark = marks.get(project.number) || "none";
      const item = document.createElement("li");
      item.dataset.number = String(project.number);
      item.dataset.mark = mark;
      const choice = document.createElement("strong");
      choice.className = `review-mark review-${mark}`;
      choice.textContent = t(`mark.${mark}`);
      item.append(element("span", project.number, "number"), element("span", titleOf(project, "title"), "title"), " — ", choice);
      list.append(item);
    }
    return;
  }
  const chosen = ballot.projects.filter((p) => marks.get(p.number) === "approve");
  $("review-count").textContent = chosen.length
    ? t("review.count", { count: chosen.length, seats })
    : t("review.none");
  for (const project of chosen) {
    const item = document.createElement("li");
    item.dataset.number = String(project.number);
    item.append(element("span", project.number, "number"), element("span", titleOf(project, "title"), "title"));
    list.append(item);
  }
}
