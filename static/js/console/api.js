// Talking to the API as a logged-in browser: the session cookie plus the CSRF token (kept in
// sessionStorage, so that a reload keeps the clerk logged in while the cookie lives) on every change.
// Every failure becomes an ApiError carrying the server's message, already in the page's language
// (the `lang` cookie and Accept-Language); a lost connection gets the catalog's network message.

import { language, t } from "../i18n.js";

const CSRF_KEY = "console.csrf";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || t("network.error"));
    this.status = status;
    this.body = body || {};
    this.code = this.body.code || (status === 0 ? "network" : "error");
  }
}

export function setCsrf(token) {
  try {
    if (token) window.sessionStorage.setItem(CSRF_KEY, token);
    else window.sessionStorage.removeItem(CSRF_KEY);
  } catch {
    // Storage refused: the token from /auth/me still serves this page.
  }
  csrfInMemory = token || "";
}

let csrfInMemory = "";

function csrf() {
  try {
    return window.sessionStorage.getItem(CSRF_KEY) || csrfInMemory;
  } catch {
    return csrfInMemory;
  }
}

export async function request(method, path, body = undefined) {
  const headers = { Accept: "application/json", "Accept-Language": language() };
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (method !== "GET") headers["X-CSRF-Token"] = csrf();
  let response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: payload,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, null);
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && typeof onLoggedOut === "function") onLoggedOut();
    throw new ApiError(response.status, data);
  }
  return data;
}

let onLoggedOut = null;

// Called when a request finds the session gone (the cookie expired): the console shows the login form again.
export function whenLoggedOut(callback) {
  onLoggedOut = callback;
}

export const get = (path) => request("GET", path);
export const post = (path, body = {}) => request("POST", path, body);
export const put = (path, body) => request("PUT", path, body);
