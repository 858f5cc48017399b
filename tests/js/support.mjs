// @ts-check
// What the pages' modules find in a browser and Node lacks, as small stand-ins: a `fetch` that answers the
// catalogs from static/i18n (and the server's time zone), a `document` with a cookie, a `window` with
// storage. Each test file installs them before it imports a page module; nothing here draws a page.

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const STATIC = fileURLToPath(new URL("../../static/", import.meta.url));

/** A Storage as the browser's sessionStorage and localStorage behave for these modules. */
export class MemoryStorage {
  constructor() {
    /** @type {Map<string, string>} */
    this.items = new Map();
  }

  /** @param {string} key */
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }

  /**
   * @param {string} key
   * @param {unknown} value
   */
  setItem(key, value) {
    this.items.set(key, String(value));
  }

  /** @param {string} key */
  removeItem(key) {
    this.items.delete(key);
  }

  clear() {
    this.items.clear();
  }
}

/** The server as the modules ask it: /static/... from the repository, /api/v1/time-zone as given. */
/** @type {{timeZone: string, asked: string[]}} */
export const server = { timeZone: "Asia/Shanghai", asked: [] };

/** @param {string | URL | Request} path */
async function fetchStandIn(path) {
  const url = String(path);
  server.asked.push(url);
  if (url === "/api/v1/time-zone") {
    return new Response(JSON.stringify({ time_zone: server.timeZone }), { headers: { "Content-Type": "application/json" } });
  }
  if (url.startsWith("/static/")) {
    try {
      return new Response(await readFile(STATIC + url.slice("/static/".length)), { status: 200 });
    } catch {
      return new Response("", { status: 404 });
    }
  }
  return new Response("", { status: 404 });
}

/**
 * Installs the stand-ins on globalThis (once per test file: Node runs each file in its own process). They have only
 * what the modules use, so they are given the browser's types through `unknown`, which they do not wholly have.
 */
export function installBrowser() {
  globalThis.fetch = fetchStandIn;
  globalThis.document = /** @type {Document} */ (/** @type {unknown} */ ({ cookie: "", documentElement: { lang: "" } }));
  globalThis.window = /** @type {Window & typeof globalThis} */ (
    /** @type {unknown} */ ({ sessionStorage: new MemoryStorage(), localStorage: new MemoryStorage(), crypto: globalThis.crypto })
  );
}
