// @ts-check
// The clerks' console: log in, then the screens in the order of a sitting (meetings and votes,
// roster and check-in, voting-code slips, rounds, paper ballots, exports), the audit log and the drills.
// A scrutineer logs into the same console and sees every screen read-only (no write control at all).

import { inBody } from "../base.js";
import { apply, languageSwitch, load, t, titleOf } from "../i18n.js";
import { loadZone } from "../clock.js";
import { $ } from "../page.js";
import { ApiError, get, maybeLoggedIn, post, setCsrf, whenLoggedOut } from "./api.js";
import * as audit from "./audit.js";
import * as checkin from "./checkin.js";
import * as drills from "./drills.js";
import * as exportsScreen from "./exports.js";
import * as meetings from "./meetings.js";
import * as paper from "./paper.js";
import * as round from "./round.js";
import * as slips from "./slips.js";
import { el, hooks, remembered, screenNamed, showError, state, trainingMark } from "./ui.js";

/** @import {Session, User, Vote} from "../types.js" */

// Each screen draws itself into its container, and the round screen stops its polling when left.
/** @type {Record<string, {render: (container: HTMLElement) => Promise<unknown>, leave?: () => void}>} */
const SCREENS = {
  meetings,
  checkin,
  slips,
  round,
  paper,
  exports: exportsScreen,
  audit,
  drills,
};

const navButtons = () => /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll("#nav [data-screen]"));
const field = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id));

function showLogin() {
  state.user = null;
  $("login").hidden = false;
  $("app").hidden = true;
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("who").hidden = true;
  document.body.dataset.role = "";
  document.body.dataset.ready = "true";
}

function drawContext() {
  const parts = [];
  if (state.meeting) parts.push(el("span", { className: "ctx-item", text: t("context.meeting", { name: titleOf(state.meeting, "name") }) }));
  if (state.vote) {
    parts.push(el("span", { className: "ctx-item", text: t("context.vote", { title: titleOf(state.vote) }) }));
    parts.push(el("span", { className: "ctx-item", text: t(`vote.state.${state.vote.state}`) }));
    parts.push(trainingMark(state.vote));
  }
  if (!parts.length) parts.push(el("span", { className: "hint", text: t("context.none") }));
  $("context").replaceChildren(...parts.filter((part) => part !== null));
  $("who").textContent = state.user ? t("console.who", { name: state.user.name, role: t(`role.${state.user.role}`) }) : "";
}

/** @param {string} screen */
async function go(screen) {
  screen = screenNamed(screen, SCREENS);
  const leaving = SCREENS[state.screen];
  if (state.screen !== screen && leaving && leaving.leave) leaving.leave();
  state.screen = screen;
  const flash = state.flash;
  state.flash = null;
  $("flash").textContent = flash || "";
  $("flash").hidden = !flash;
  for (const button of navButtons()) {
    if (button.dataset.screen === screen) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  for (const name of Object.keys(SCREENS)) $(`screen-${name}`).hidden = name !== screen;
  document.body.dataset.screen = screen;
  drawContext();
  const body = $(`${screen}-body`);
  body.setAttribute("aria-busy", "true");
  try {
    await SCREENS[screen].render(body);
  } catch (error) {
    const box = el("p", { className: "error", role: "alert" });
    showError(box, error instanceof ApiError ? error : new ApiError(0, null));
    body.replaceChildren(box);
  }
  body.removeAttribute("aria-busy");
  drawContext();
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered || "0") + 1);
}

async function restoreSelection() {
  const saved = remembered();
  try {
    if (saved.vote) {
      /** @type {Vote} */
      const vote = await get(`/votes/${saved.vote}`);
      state.vote = vote;
      state.meeting = await get(`/meetings/${vote.meeting_id}`);
    } else if (saved.meeting) {
      state.meeting = await get(`/meetings/${saved.meeting}`);
    }
  } catch {
    state.vote = null;
    state.meeting = null;
  }
}

/** @param {User} user */
async function enter(user) {
  state.user = user;
  document.body.dataset.role = user.role;
  $("login").hidden = true;
  $("app").hidden = false;
  $("nav").hidden = false;
  $("logout").hidden = false;
  $("who").hidden = false;
  $("readonly").hidden = user.role !== "scrutineer";
  await restoreSelection();
  const wanted = window.location.hash.replace(/^#/, "");
  await go(screenNamed(wanted, SCREENS));
  document.body.dataset.ready = "true";
}

/** @param {SubmitEvent} event */
async function login(event) {
  event.preventDefault();
  const button = /** @type {HTMLButtonElement} */ ($("login-submit"));
  showError("login-error", null);
  const name = field("login-name").value.trim();
  const password = field("login-password").value;
  if (!name || !password) {
    showError("login-error", { message: t("login.missing") });
    (name ? $("login-password") : $("login-name")).focus();
    return;
  }
  button.disabled = true;
  try {
    /** @type {Session} */
    const answer = await post("/auth/login", { name, password });
    setCsrf(answer.csrf_token);
    field("login-password").value = "";
    await enter({ name: answer.name, role: answer.role });
    $("main").focus();
  } catch (error) {
    showError("login-error", error);
    $("login-password").focus();
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  try {
    await post("/auth/logout", {});
  } catch {
    // Already logged out on the server: the page forgets the session all the same.
  }
  setCsrf("");
  try {
    window.sessionStorage.clear();
  } catch {
    // Nothing stored.
  }
  // A fresh page: nothing of this session (codes, entries) stays in memory.
  window.location.assign(inBody("/console"));
}

async function start() {
  await Promise.all([load(undefined, ["console"]), loadZone()]);
  apply();
  languageSwitch($("lang-switch"), async () => {
    if (state.user) await go(state.screen);
  });
  $("logout").addEventListener("click", logout);
  $("login-form").addEventListener("submit", login);
  // Enabled only now: before the script runs, a submit would be the browser's own (a GET with the password).
  /** @type {HTMLButtonElement} */ ($("login-submit")).disabled = false;
  for (const button of navButtons()) {
    button.addEventListener("click", () => {
      const screen = button.dataset.screen || "";
      window.history.replaceState(null, "", `#${screen}`);
      go(screen).then(() => $(`${screen}-heading`).focus());
    });
  }
  hooks.go = go;
  hooks.context = drawContext;
  whenLoggedOut(() => {
    if (state.user) showLogin();
  });
  try {
    if (!maybeLoggedIn()) throw new Error("never logged in here");
    /** @type {Session} */
    const me = await get("/auth/me");
    if (me.csrf_token) setCsrf(me.csrf_token);
    await enter({ name: me.name, role: me.role });
  } catch {
    showLogin();
  }
}

start();
