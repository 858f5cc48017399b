// @ts-check
// What the page scripts share: the element by id, a new element with its text, JSON from the API as
// {status, ok, data}, and the words to show for a failure (the server's message, already in the page's
// language, or the network message).

import { language, t } from "./i18n.js";

// Non-null, and typed as the element it is where a script reads more than HTMLElement has (an input's value:
// `/** @type {HTMLInputElement} */ ($("code"))`): each id a script asks for is in its page's HTML.
/** @type {(id: string) => HTMLElement} */
export const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

// A new element, with its text (any value, as a string) and its class when given.
/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {unknown} [text]
 * @param {string} [className]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

// Fetch JSON: `body` is sent as JSON (a FormData as it is); `headers` and `init` add to or override the
// defaults. Resolves to {status, ok, data} with data null when the answer is not JSON (a 204, a proxy's
// page); rejects only when no answer came at all (a lost connection). The answer's data is `any`, as JSON is
// to the checker: each caller names the shape it takes it as, from static/js/types.d.ts (the API's schemas).
/**
 * @param {string} path
 * @param {{method?: string, body?: unknown, headers?: Record<string, string>} & Omit<RequestInit, "method" | "body" | "headers">} [options]
 * @returns {Promise<{status: number, ok: boolean, data: any}>}
 */
export async function fetchJson(path, { method = "GET", body = undefined, headers = {}, ...init } = {}) {
  /** @type {Record<string, string>} */
  const sent = { Accept: "application/json", "Accept-Language": language(), ...headers };
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    sent["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers: sent, body: payload, cache: "no-store", ...init });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, ok: response.ok, data };
}

// What to tell the user about a failure: the message of an answer's body (the server's, already in the
// page's language) or of an error; without one (no answer came), the catalog's network message.
/** @param {{message?: string} | null | undefined} failure */
export function failureMessage(failure) {
  return (failure && failure.message) || t("network.error");
}
