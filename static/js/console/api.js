// @ts-check
// Talking to the API as a logged-in browser: the session cookie plus the CSRF token (kept in
// sessionStorage, so that a reload keeps the clerk logged in while the cookie lives) on every change.
// Every failure becomes an ApiError carrying the server's message, already in the page's language
// (the `lang` cookie and Accept-Language); a lost connection gets the catalog's network message.
// The fetching itself is the pages' shared fetchJson (page.js).

import { inBody } from "../base.js";
import { failureMessage, fetchJson } from "../page.js";

/** @import {ErrorBody} from "../types.js" */

const CSRF_KEY = "console.csrf";
const SESSION_HINT = "console.session";

export class ApiError extends Error {
  /**
   * @param {number} status 0 when no answer came
   * @param {ErrorBody | null} body the answer's JSON
   */
  constructor(status, body) {
    super(failureMessage(body));
    this.status = status;
    this.body = body || {};
    this.code = this.body.code || (status === 0 ? "network" : "error");
  }
}

/** @param {string} token */
export function setCsrf(token) {
  try {
    if (token) window.sessionStorage.setItem(CSRF_KEY, token);
    else window.sessionStorage.removeItem(CSRF_KEY);
  } catch {
    // Storage refused: the token from /auth/me still serves this page.
  }
  csrfInMemory = token || "";
  try {
    if (token) window.localStorage.setItem(SESSION_HINT, "1");
    else window.localStorage.removeItem(SESSION_HINT);
  } catch {
    // Storage refused: the console asks the server each time.
  }
}

// Whether this browser may hold a staff session (it logged in, in any tab, and has not logged out):
// only then does the console ask /auth/me who it is, so that a visitor's first look at the login form
// costs no refused request (no console error on any page, issue 14.8).
export function maybeLoggedIn() {
  try {
    return window.localStorage.getItem(SESSION_HINT) !== null || Boolean(csrf());
  } catch {
    return true;
  }
}

let csrfInMemory = "";

function csrf() {
  try {
    return window.sessionStorage.getItem(CSRF_KEY) || csrfInMemory;
  } catch {
    return csrfInMemory;
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>} the answer's data: `any` as JSON is, each caller names its shape (../types.d.ts)
 */
export async function request(method, path, body = undefined) {
  /** @type {Record<string, string>} */
  const headers = method === "GET" ? {} : { "X-CSRF-Token": csrf() };
  let answer;
  try {
    answer = await fetchJson(inBody(`/api/v1${path}`), { method, body, headers, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, null);
  }
  if (!answer.ok) {
    if (answer.status === 401) setCsrf("");
    if (answer.status === 401 && typeof onLoggedOut === "function") onLoggedOut();
    throw new ApiError(answer.status, answer.data);
  }
  return answer.data;
}

/** @type {(() => void) | null} */
let onLoggedOut = null;

// Called when a request finds the session gone (the cookie expired): the console shows the login form again.
/** @param {() => void} callback */
export function whenLoggedOut(callback) {
  onLoggedOut = callback;
}

export const get = (/** @type {string} */ path) => request("GET", path);
export const post = (/** @type {string} */ path, /** @type {unknown} */ body = {}) => request("POST", path, body);
export const put = (/** @type {string} */ path, /** @type {unknown} */ body) => request("PUT", path, body);
