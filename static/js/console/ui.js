// @ts-check
// Small helpers shared by the console's screens: elements, errors next to what caused them,
// the selection (meeting, vote, round), the role and the confirmation dialog.

import { t } from "../i18n.js";
import { $, failureMessage } from "../page.js";

/** @import {ButtonClick, Meeting, Round, Slip, User, Vote} from "../types.js" */

// The meeting, vote and round chosen, as the API gave them; codes: vote id -> deputy id -> a slip (slips.js).
/**
 * @type {{user: User | null, meeting: Meeting | null, vote: Vote | null, round: Round | null, screen: string,
 *   codes: Map<number, Map<number, Slip>>, flash: string | null}}
 */
export const state = {
  user: null,
  meeting: null,
  vote: null,
  round: null,
  screen: "meetings",
  codes: new Map(),
  flash: null,
};

// The vote and the meeting chosen, read where a screen has made sure there is one (its render returns
// `needs("vote", …)` first; choosing another re-renders the screen): read at each call, as `state.vote` is.
export const chosenVote = () => /** @type {Vote} */ (state.vote);
export const chosenMeeting = () => /** @type {Meeting} */ (state.meeting);

// Scrutineers read everything and may export, but change nothing: no write control is rendered for them.
export function canWrite() {
  return state.user !== null && state.user.role !== "scrutineer";
}

// Attributes: `text`, `className`, `dataset`, `on<event>` (a listener), else set as attributes (true as "",
// null, undefined and false left out); children: nodes, or values shown as text, in lists or not. The
// attributes are `any`: a listener, a dataset, a flag or a text by name, each typed where it is written.
/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attributes]
 * @param {...unknown} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") element.textContent = String(value);
    else if (name === "className") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// A button that changes something: only for clerks and admins (null for a scrutineer).
/**
 * @param {string} key
 * @param {(event: ButtonClick) => unknown} onclick
 * @param {Record<string, any>} [attributes] as el's
 */
export function writeButton(key, onclick, attributes = {}) {
  if (!canWrite()) return null;
  return el("button", { type: "button", className: "primary", dataset: { write: "" }, ...attributes, onclick }, t(key));
}

/** @param {{training: boolean} | null} vote */
export function trainingMark(vote) {
  return vote && vote.training ? el("span", { className: "training-mark", text: t("console.training_mark") }) : null;
}

// Show an error's message (role=alert) in the given element; clear it with null.
/**
 * @param {string | HTMLElement} target
 * @param {unknown} error an ApiError, an Error, or {message}; null clears
 */
export function showError(target, error) {
  const box = typeof target === "string" ? $(target) : target;
  if (!box) return;
  box.replaceChildren();
  if (error) box.textContent = failureMessage(/** @type {{message?: string}} */ (error));
  box.hidden = !error;
}

/**
 * @param {string | HTMLElement} target
 * @param {string} text
 */
export function status(target, text) {
  const box = typeof target === "string" ? $(target) : target;
  if (box) box.textContent = text || "";
}

// Run an action from a button: disable it meanwhile, report failure next to it; returns the result or null.
/**
 * @template T
 * @param {HTMLButtonElement | null} button
 * @param {string | HTMLElement} errorBox
 * @param {() => Promise<T>} action
 * @returns {Promise<T | null>}
 */
export async function act(button, errorBox, action) {
  if (button) button.disabled = true;
  showError(errorBox, null);
  try {
    return await action();
  } catch (error) {
    showError(errorBox, error);
    return null;
  } finally {
    if (button && button.isConnected) button.disabled = false;
  }
}

// The confirmation dialog: resolves true when confirmed.  `body` is a node with what to weigh first.
/**
 * @param {string} titleKey
 * @param {Node} body
 * @param {string} confirmKey
 * @returns {Promise<boolean>}
 */
export function confirmDialog(titleKey, body, confirmKey) {
  const dialog = /** @type {HTMLDialogElement} */ ($("confirm"));
  $("confirm-title").textContent = t(titleKey);
  $("confirm-body").replaceChildren(body);
  $("confirm-yes").textContent = t(confirmKey);
  return new Promise((resolve) => {
    const done = (/** @type {boolean} */ answer) => {
      $("confirm-yes").removeEventListener("click", yes);
      $("confirm-no").removeEventListener("click", no);
      dialog.removeEventListener("cancel", no);
      dialog.close();
      resolve(answer);
    };
    const yes = () => done(true);
    const no = (/** @type {Event | undefined} */ event) => {
      if (event) event.preventDefault();
      done(false);
    };
    $("confirm-yes").addEventListener("click", yes);
    $("confirm-no").addEventListener("click", no);
    dialog.addEventListener("cancel", no);
    dialog.showModal();
    $("confirm-no").focus();
  });
}

/**
 * @param {string | null} captionKey
 * @param {string[]} headers catalog keys
 * @param {Node[]} rows
 * @param {Record<string, any>} [attributes] the table's, as el's
 */
export function table(captionKey, headers, rows, attributes = {}) {
  const head = el("thead", {}, el("tr", {}, headers.map((key) => el("th", { scope: "col", text: t(key) }))));
  const body = el("tbody", {}, rows);
  const caption = captionKey ? el("caption", { text: t(captionKey) }) : null;
  return el(
    "div",
    { className: "table-wrap", tabindex: "0", role: "region", "aria-label": captionKey ? t(captionKey) : null },
    el("table", attributes, caption, head, body),
  );
}

/**
 * @param {string} what
 * @param {HTMLElement} container
 */
export function needs(what, container) {
  container.replaceChildren(el("p", { className: "hint", text: t(`console.needs.${what}`) }));
}

// Set by main.js: show a screen; re-draw the context line (the meeting and vote chosen).
/** @type {{go: (screen: string) => unknown, context: () => void}} */
export const hooks = { go: (screen) => screen, context: () => undefined };

// The screen a name (the address's #hash, a nav button's) stands for: one of the console's own, else the
// meetings. Its own keys only: `in` would take "#constructor", which every object has, and the console, finding
// no such screen's elements, fell back to the login form.
/**
 * @param {string} name
 * @param {object} screens
 */
export function screenNamed(name, screens) {
  return Object.hasOwn(screens, name) ? name : "meetings";
}

/** @param {string} screen */
export function go(screen) {
  return hooks.go(screen);
}

const SELECTION_KEY = "console.selection";

export function remember() {
  try {
    window.sessionStorage.setItem(
      SELECTION_KEY,
      JSON.stringify({ meeting: state.meeting && state.meeting.id, vote: state.vote && state.vote.id }),
    );
  } catch {
    // No storage: the selection lasts until a reload.
  }
}

export function remembered() {
  try {
    return JSON.parse(window.sessionStorage.getItem(SELECTION_KEY) || "{}") || {};
  } catch {
    return {};
  }
}
